/*
 * test_xfer.c - the guarded fetch and SMTP sending.
 *
 * Without servers (tests/run runs this directly) it checks what needs no
 * socket: refused schemes, user names, and literal addresses in refused
 * ranges, all refused before any connection.  tests/integration/enrich.sh
 * runs it again with the loopback peers up (ENRICH_DNS, ENRICH_*_PORT,
 * ENRICH_CA, ENRICH_STATE; SMTP_* for the SMTP server) for the live cases.
 */
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "unit.h"

#include "buf.h"
#include "dns.h"
#include "err.h"
#include "xfer.h"

static struct dns_netlist allow = DNS_NETLIST_INIT;

static int
live(void)
{
	return getenv("ENRICH_DNS") && getenv("ENRICH_HTTPS_PORT");
}

static void
opts_init(struct xfer_fetch_opts *o, long budget_ms)
{
	long p;

	memset(o, 0, sizeof(*o));
	o->max_bytes = 512 * 1024;
	o->max_redirects = 3;
	o->deadline_ms = now_ms() + budget_ms;
	o->ca_file = getenv("ENRICH_CA");
	if (getenv("ENRICH_HTTPS_PORT") &&
	    !str_to_long(getenv("ENRICH_HTTPS_PORT"), 1, 65535, &p))
		o->https_port = p;
	if (getenv("ENRICH_HTTP_PORT") &&
	    !str_to_long(getenv("ENRICH_HTTP_PORT"), 1, 65535, &p))
		o->http_port = p;
	o->allow = &allow;
}

static void
test_refused_offline(void **state)
{
	static const struct { const char *url, *why; } t[] = {
		{ "ftp://example.com/", "only http and https" },
		{ "file:///etc/passwd", "only http and https" },
		{ "gopher://example.com/", "only http and https" },
		{ "https://user:pw@example.com/", "user names" },
		{ "http://10.0.0.1/", "private address 10.0.0.1" },
		{ "http://192.168.1.1:8080/admin", "private address" },
		{ "http://169.254.169.254/latest/meta-data/", "link-local" },
		{ "http://100.64.1.1/", "CGNAT" },
		{ "http://[fd00::1]/", "unique local" },
		{ "http://[fe80::1]/", "link-local" },
		{ "http://[::ffff:10.0.0.1]/", "IPv4-mapped private" },
		{ "http://224.0.0.1/", "multicast" },
		{ "http://0.0.0.0/", "unspecified" },
		{ "http://[::]/", "unspecified" },
		{ "http://127.0.0.1/", "loopback" },
		{ "http://[::1]/", "loopback" },
		{ "http://localhost/", "not a domain name" },
		/* Other spellings of 127.0.0.1 and of private addresses. */
		{ "http://2130706433/", "loopback" },
		{ "http://0x7f.1/", "loopback" },
		{ "http://127.1/", "loopback" },
		{ "http://017700000001/", "loopback" },
		{ "http://[0:0:0:0:0:ffff:7f00:1]/", "IPv4-mapped loopback" },
		{ "http://0xa9.0xfe.0xa9.0xfe/", "link-local" },
		{ "https://exa mple.com/", "not a valid URL" },
	};
	struct err e = ERR_INIT;
	struct dns *d = dns_new("127.0.0.1:9", 100, 1, &e);
	struct xfer *x = xfer_new();
	struct xfer_fetch_opts o;
	struct xfer_page p;
	size_t i;

	(void)state;
	assert_non_null(d);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		opts_init(&o, 2000);
		o.allow = NULL;
		assert_int_equal(xfer_fetch(x, d, t[i].url, &o, &p), -1);
		if (p.result != XFER_REFUSED || !p.error ||
		    !strstr(p.error, t[i].why))
			print_error("%s: %s %s\n", t[i].url,
			    xfer_result_name(p.result), p.error);
		assert_int_equal(p.result, XFER_REFUSED);
		assert_non_null(strstr(p.error, t[i].why));
		xfer_page_release(&p);
	}
	assert_int_equal(xfer_pending(x), 0);
	xfer_free(x);
	dns_free(d);
}

struct got {
	int calls;
	struct xfer_page page;
};

static void
on_page(void *arg, struct xfer_page *page)
{
	struct got *g = arg;

	g->calls++;
	g->page = *page;
}

static void
test_callback_from_loop(void **state)
{
	struct err e = ERR_INIT;
	struct dns *d = dns_new("127.0.0.1:9", 100, 1, &e);
	struct xfer *x = xfer_new();
	struct xfer_fetch_opts o;
	struct xfer_fetch *f;
	struct got g = { 0 }, h = { 0 };
	struct pollfd fds[8];

	(void)state;
	opts_init(&o, 2000);
	o.allow = NULL;
	/* Refused at once, reported from the loop. */
	xfer_fetch_start(x, d, "ftp://a.example/", &o, on_page, &g);
	f = xfer_fetch_start(x, d, "http://10.1.1.1/", &o, on_page, &h);
	assert_int_equal(g.calls, 0);
	assert_int_equal(xfer_pending(x), 2);
	xfer_fetch_cancel(f);
	assert_int_equal(xfer_timeout(x), 0);
	xfer_process(x, fds, 0);
	dns_process(d, fds, 0);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.page.result, XFER_REFUSED);
	assert_int_equal(h.calls, 0);
	assert_int_equal(xfer_pending(x), 0);
	xfer_page_release(&g.page);
	xfer_free(x);
	dns_free(d);
}

/* ---- live ---- */

static struct dns *
live_dns(void)
{
	struct err e = ERR_INIT;
	struct dns *d = dns_new(getenv("ENRICH_DNS"), 500, 2, &e);

	assert_non_null(d);
	return d;
}

static void
test_live_fetch(void **state)
{
	static const struct {
		const char *url;
		enum xfer_result want;
		const char *body;	/* in the body, or in the error */
		unsigned redirects;
	} t[] = {
		{ "phones.test", XFER_OK, "Phone Planet", 0 },
		{ "https://phones.test/", XFER_OK, "Phone Planet", 0 },
		{ "https://badcert.test/", XFER_TLS, "badcert.test", 0 },
		{ "http://furniture.test/", XFER_OK, "Muebles", 0 },
		{ "https://chain3.test/", XFER_OK, "End of the chain", 3 },
		{ "https://chain5.test/", XFER_REFUSED, "more than 3", 3 },
		{ "https://toloop.test/", XFER_REFUSED,
		    "loopback address 127.0.0.2", 1 },
		{ "https://tolocal.test/", XFER_REFUSED,
		    "loopback address 127.0.0.2", 1 },
		{ "https://toftp.test/", XFER_REFUSED, "only http", 1 },
		{ "https://loopa.test/", XFER_REFUSED,
		    "loopback address 127.0.0.2", 0 },
		{ "https://loop6.test/", XFER_REFUSED,
		    "loopback address ::1", 0 },
		{ "https://mapped.test/", XFER_REFUSED,
		    "IPv4-mapped loopback address ::ffff:127.0.0.3", 0 },
		{ "https://mixed.test/", XFER_OK, "Mixed Records", 0 },
		{ "https://ghost.test/", XFER_NOHOST, "no address", 0 },
	};
	struct dns *d;
	struct xfer *x;
	struct xfer_fetch_opts o;
	struct xfer_page p;
	size_t i;

	(void)state;
	if (!live()) {
		print_message("# live case: run by tests/integration/"
		    "enrich.sh\n");
		return;
	}
	d = live_dns();
	x = xfer_new();
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		const char *where;

		opts_init(&o, 4000);
		xfer_fetch(x, d, t[i].url, &o, &p);
		where = p.result == XFER_OK ? p.body.data : p.error;
		if (p.result != t[i].want || !where ||
		    !strstr(where, t[i].body) ||
		    p.redirects != t[i].redirects) {
			size_t j;

			print_error("%s: %s (%s) redirects %u\n", t[i].url,
			    xfer_result_name(p.result),
			    p.error ? p.error : "-", p.redirects);
			for (j = 0; j < p.trail.n; j++)
				print_error("  %s\n", p.trail.v[j]);
		}
		assert_int_equal(p.result, t[i].want);
		assert_non_null(strstr(where, t[i].body));
		assert_int_equal(p.redirects, t[i].redirects);
		xfer_page_release(&p);
	}
	xfer_free(x);
	dns_free(d);
}

static void
test_live_caps(void **state)
{
	struct dns *d;
	struct xfer *x;
	struct xfer_fetch_opts o;
	struct xfer_page p;
	uint64_t t0, ms;
	struct dns_netlist none = DNS_NETLIST_INIT;

	(void)state;
	if (!live()) {
		print_message("# live case: run by tests/integration/"
		    "enrich.sh\n");
		return;
	}
	d = live_dns();
	x = xfer_new();

	/* 10 MB page: cut at the cap, the head kept. */
	opts_init(&o, 4000);
	t0 = now_ms();
	assert_int_equal(xfer_fetch(x, d, "https://big.test/", &o, &p), 0);
	assert_true(p.truncated);
	assert_int_equal(p.body.len, 512 * 1024);
	assert_non_null(strstr(p.body.data, "Big Page Trading"));
	assert_true(now_ms() - t0 < 4000);
	xfer_page_release(&p);

	/* A site that never answers: the deadline, not later. */
	opts_init(&o, 1500);
	t0 = now_ms();
	assert_int_equal(xfer_fetch(x, d, "https://slow.test/", &o, &p), -1);
	ms = now_ms() - t0;
	assert_int_equal(p.result, XFER_TIMEOUT);
	assert_true(ms >= 1400 && ms < 3500);
	xfer_page_release(&p);

	/* Without 127.0.0.1 in the allow list the fixture is refused too. */
	opts_init(&o, 2000);
	o.allow = &none;
	assert_int_equal(xfer_fetch(x, d, "https://phones.test/", &o, &p),
	    -1);
	assert_int_equal(p.result, XFER_REFUSED);
	assert_non_null(strstr(p.error, "loopback address 127.0.0.1"));
	xfer_page_release(&p);

	/* No CA for the test certificate: TLS does not verify, and the
	 * result says so (the enrichment then never tries plain HTTP). */
	opts_init(&o, 2000);
	o.ca_file = NULL;
	assert_int_equal(xfer_fetch(x, d, "https://phones.test/", &o, &p),
	    -1);
	assert_int_equal(p.result, XFER_TLS);
	assert_non_null(strstr(p.error, "certificate not verified"));
	xfer_page_release(&p);
	xfer_free(x);
	dns_free(d);
}

static void
test_live_concurrent(void **state)
{
	static const char *const urls[] = {
		"https://slow.test/", "https://phones.test/",
		"http://furniture.test/", "https://chain3.test/",
		"https://gbk.test/", "https://parked.test/",
		"https://slow.test/other", "https://loopa.test/",
	};
	struct got g[ARRAY_SIZE(urls)];
	struct dns *d;
	struct xfer *x;
	struct xfer_fetch_opts o;
	struct pollfd fds[64];
	size_t i, n, nd, ok = 0;
	uint64_t t0, ms;
	int t, td;

	(void)state;
	if (!live()) {
		print_message("# live case: run by tests/integration/"
		    "enrich.sh\n");
		return;
	}
	d = live_dns();
	x = xfer_new();
	memset(g, 0, sizeof(g));
	t0 = now_ms();
	opts_init(&o, 2500);
	for (i = 0; i < ARRAY_SIZE(urls); i++)
		xfer_fetch_start(x, d, urls[i], &o, on_page, &g[i]);
	while (xfer_pending(x)) {
		nd = dns_pollfds(d, fds, ARRAY_SIZE(fds));
		n = nd + xfer_pollfds(x, fds + nd, ARRAY_SIZE(fds) - nd);
		t = xfer_timeout(x);
		td = dns_timeout(d);
		if (td >= 0 && (t < 0 || td < t))
			t = td;
		poll(fds, n, t < 0 ? 100 : t);
		dns_process(d, fds, nd);
		xfer_process(x, fds + nd, n - nd);
		assert_true(now_ms() - t0 < 6000);
	}
	ms = now_ms() - t0;
	for (i = 0; i < ARRAY_SIZE(urls); i++) {
		assert_int_equal(g[i].calls, 1);
		ok += g[i].page.result == XFER_OK;
		if (g[i].page.result != XFER_OK) {
			size_t j;

			print_message("# %s: %s\n", urls[i],
			    g[i].page.error);
			for (j = 0; j < g[i].page.trail.n; j++)
				print_message("#   %s\n",
				    g[i].page.trail.v[j]);
		}
		xfer_page_release(&g[i].page);
	}
	assert_int_equal(ok, 5);
	/* Two slow sites at 2.5 s each, together: well under 5 s. */
	assert_true(ms < 4000);
	print_message("# figure: 8 fetches, 2 of them never answering, "
	    "in %llu ms\n", (unsigned long long)ms);
	xfer_free(x);
	dns_free(d);
}

static void
test_live_canary(void **state)
{
	struct buf b = BUF_INIT(1 << 20);
	char path[4096];

	(void)state;
	if (!live() || !getenv("ENRICH_STATE"))
		return;
	snprintf(path, sizeof(path), "%s/canary.log", getenv("ENRICH_STATE"));
	assert_int_equal(buf_read_file(&b, path), 0);
	if (b.len)
		print_error("canary saw: %s\n", b.data);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

/* ---- SMTP ---- */

static void
test_smtp_config_errors(void **state)
{
	struct xfer_smtp cfg = { "http://example.com", NULL, NULL, NULL, 1,
		1000 };
	struct strlist rcpts = STRLIST_INIT;
	struct err e = ERR_INIT;

	(void)state;
	strlist_push(&rcpts, "a@example.com");
	assert_int_equal(xfer_smtp_send(&cfg, "b@example.com", &rcpts, "x",
	    1, &e), -1);
	assert_int_equal(e.kind, ERR_CONFIG);
	strlist_release(&rcpts);
}

static int
smtp_live(void)
{
	return getenv("SMTP_TLS_PORT") && getenv("ENRICH_STATE") &&
	    getenv("ENRICH_CA");
}

/* The newest message the server stored, or NULL. */
static char *
smtp_received(size_t *len, char **env)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT), e = BUF_INIT(BUF_CAP_LINE);
	char path[4096];
	int n;

	for (n = 1; n < 100; n++) {
		snprintf(path, sizeof(path), "%s/msg-%d.eml",
		    getenv("ENRICH_STATE"), n + 1);
		if (access(path, R_OK))
			break;
	}
	snprintf(path, sizeof(path), "%s/msg-%d.eml", getenv("ENRICH_STATE"),
	    n);
	if (buf_read_file(&b, path))
		return NULL;
	snprintf(path, sizeof(path), "%s/msg-%d.env", getenv("ENRICH_STATE"),
	    n);
	buf_read_file(&e, path);
	*env = buf_detach(&e, NULL);
	return buf_detach(&b, len);
}

static const char message[] =
    "From: Alice Wang <alice@example-gifts.test>\n"
    "To: Jick <jick@phones.test>\n"
    "Subject: =?UTF-8?B?5oql5Lu3?= Re: speakers\n"
    "Message-ID: <q1@example-gifts.test>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Dear Mr Jick,\n"
    ".\n"
    "..a line that starts with dots\n"
    "Prix: 3,50 \xe2\x82\xac / pi\xc3\xa8" "ce\r\n"
    "\n"
    "Best regards\n";

static void
test_smtp_live(void **state)
{
	struct {
		const char *scheme;
		const char *port_env;
		const char *rcpt;
		const char *password;
		int use_ca;
		int want;		/* 0 sent, else the err kind */
	} t[] = {
		{ "smtps", "SMTP_TLS_PORT", "jick@phones.test", "s3cret", 1, 0 },
		{ "smtp", "SMTP_STARTTLS_PORT", "jick@phones.test", "s3cret", 1,
		    0 },
		{ "smtps", "SMTP_TLS_PORT", "jick@phones.test", "wrong", 1,
		    ERR_PERM },
		{ "smtps", "SMTP_TLS_PORT", "tempfail@phones.test", "s3cret", 1,
		    ERR_TEMP },
		{ "smtps", "SMTP_TLS_PORT", "permfail@phones.test", "s3cret", 1,
		    ERR_PERM },
		{ "smtps", "SMTP_TLS_PORT", "jick@phones.test", "s3cret", 0,
		    ERR_PERM },	/* the test CA not given: no trust */
		{ "smtp", "SMTP_PLAIN_PORT", "jick@phones.test", "s3cret", 1,
		    ERR_PERM },	/* no STARTTLS offered: never plaintext */
	};
	struct strlist rcpts = STRLIST_INIT;
	struct xfer_smtp cfg;
	struct err e = ERR_INIT;
	char url[128], *got, *env = NULL, *want;
	size_t i, len, j, k;
	int rc;

	(void)state;
	if (!smtp_live()) {
		print_message("# live case: run by tests/integration/"
		    "enrich.sh\n");
		return;
	}
	/* What the server must receive: the message with CRLF line ends. */
	want = xmalloc(2 * sizeof(message));
	for (j = k = 0; message[j]; j++) {
		if (message[j] == '\n' && (j == 0 || message[j - 1] != '\r'))
			want[k++] = '\r';
		want[k++] = message[j];
	}
	want[k] = '\0';
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		snprintf(url, sizeof(url), "%s://127.0.0.1:%s", t[i].scheme,
		    getenv(t[i].port_env));
		memset(&cfg, 0, sizeof(cfg));
		cfg.url = url;
		cfg.user = "rep";
		cfg.password = t[i].password;
		cfg.ca_file = t[i].use_ca ? getenv("ENRICH_CA") : NULL;
		cfg.tls_verify = 1;
		cfg.timeout_ms = 10000;
		strlist_release(&rcpts);
		strlist_push(&rcpts, t[i].rcpt);
		err_clear(&e);
		rc = xfer_smtp_send(&cfg, "alice@example-gifts.test", &rcpts,
		    message, strlen(message), &e);
		if (rc != (t[i].want ? -1 : 0) ||
		    (t[i].want && e.kind != (enum err_kind)t[i].want))
			print_error("case %zu (%s %s): rc %d %s: %s\n", i,
			    url, t[i].rcpt, rc, err_kind_name(e.kind), e.msg);
		assert_int_equal(rc, t[i].want ? -1 : 0);
		if (t[i].want) {
			assert_int_equal(e.kind, t[i].want);
			continue;
		}
		got = smtp_received(&len, &env);
		assert_non_null(got);
		if (len != k || memcmp(got, want, k))
			print_error("received (%zu bytes):\n%s\n", len, got);
		assert_int_equal(len, k);
		assert_memory_equal(got, want, k);
		assert_non_null(strstr(env, "from alice@example-gifts.test"));
		assert_non_null(strstr(env, "to jick@phones.test"));
		assert_non_null(strstr(env, "auth True"));
		free(got);
		free(env);
	}
	/* Nobody listening: try again later. */
	snprintf(url, sizeof(url), "smtps://127.0.0.1:9");
	cfg.url = url;
	err_clear(&e);
	assert_int_equal(xfer_smtp_send(&cfg, "a@b.test", &rcpts, "x\r\n",
	    3, &e), -1);
	assert_int_equal(e.kind, ERR_TEMP);
	free(want);
	strlist_release(&rcpts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_offline),
		cmocka_unit_test(test_callback_from_loop),
		cmocka_unit_test(test_smtp_config_errors),
		cmocka_unit_test(test_smtp_live),
		cmocka_unit_test(test_live_fetch),
		cmocka_unit_test(test_live_caps),
		cmocka_unit_test(test_live_concurrent),
		cmocka_unit_test(test_live_canary),
	};
	struct err e = ERR_INIT;

	dns_netlist_parse(&allow, "127.0.0.1/32", &e);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
