/*
 * xfer.c - libcurl: the guarded home-page fetch on a multi handle, and
 * SMTP sending on an easy handle.
 *
 * A fetch is a small state machine: parse the URL (curl's URL API), ask
 * dns.c for the host's addresses, keep those the policy admits, run one
 * GET pinned to them, and on a 3xx start again with the Location URL.
 * The multi handle is driven with curl_multi_socket_action(): curl tells
 * us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to call it
 * back (CURLMOPT_TIMERFUNCTION), and we keep both for xfer_pollfds() and
 * xfer_timeout().
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "util.h"
#include "buf.h"
#include "dns.h"
#include "domain.h"
#include "err.h"
#include "log.h"
#include "xfer.h"

#define XFER_DEFAULT_MAX (512u * 1024)

struct xsock {
	curl_socket_t fd;
	int what;		/* CURL_POLL_IN / OUT / INOUT */
};

struct xfer {
	CURLM *m;
	struct xsock *socks;
	size_t nsocks, asocks;
	int64_t timer_at;	/* now_ms() when curl wants a call, -1 none */
	struct xfer_fetch *head;	/* fetches in flight */
	size_t pending;
};

struct xfer_fetch {
	struct xfer *x;
	struct dns *d;
	struct xfer_fetch_opts o;
	xfer_fetch_cb *cb;
	void *arg;
	struct xfer_page page;
	char *host;		/* lookup form, IPv6 without brackets */
	long port;		/* the URL's port */
	long connect_port;	/* where we connect (port mapping) */
	struct dns_query *q;
	CURL *easy;
	struct curl_slist *resolve, *connect_to, *headers;
	struct dns_addr ok[DNS_MAX_ADDRS];
	size_t nok;
	char *refused;		/* an address the open-socket check refused */
	char *early;		/* refused before starting: finish from the loop */
	char errbuf[CURL_ERROR_SIZE];
	uint64_t start;
	struct xfer_fetch *next, *prev;
};

static int curl_users;

const char *
xfer_result_name(enum xfer_result r)
{
	switch (r) {
	case XFER_OK: return "ok";
	case XFER_REFUSED: return "refused";
	case XFER_NOHOST: return "no such host";
	case XFER_FAILED: return "failed";
	case XFER_TIMEOUT: return "timeout";
	case XFER_TLS: return "certificate not verified";
	}
	return "?";
}

void
xfer_page_init(struct xfer_page *p)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->body, XFER_DEFAULT_MAX);
	strlist_init(&p->trail);
}

void
xfer_page_release(struct xfer_page *p)
{
	free(p->url);
	free(p->content_type);
	free(p->charset);
	free(p->error);
	buf_release(&p->body);
	strlist_release(&p->trail);
	memset(p, 0, sizeof(*p));
}

static void
lib_init(void)
{
	if (curl_users++ == 0)
		curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void
lib_done(void)
{
	if (--curl_users == 0)
		curl_global_cleanup();
}

/* ---- the multi handle and its sockets ---- */

static int
on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct xfer *x = userp;
	size_t i;

	(void)easy;
	(void)socketp;
	for (i = 0; i < x->nsocks; i++)
		if (x->socks[i].fd == s)
			break;
	if (what == CURL_POLL_REMOVE) {
		if (i < x->nsocks)
			x->socks[i] = x->socks[--x->nsocks];
		return 0;
	}
	if (i == x->nsocks) {
		GROW(x->socks, x->nsocks + 1, x->asocks);
		x->nsocks++;
		x->socks[i].fd = s;
	}
	x->socks[i].what = what;
	return 0;
}

static int
on_timer(CURLM *m, long timeout_ms, void *userp)
{
	struct xfer *x = userp;

	(void)m;
	x->timer_at = timeout_ms < 0 ? -1 : (int64_t)(now_ms() + timeout_ms);
	return 0;
}

struct xfer *
xfer_new(void)
{
	struct xfer *x = xcalloc(1, sizeof(*x));

	lib_init();
	x->m = curl_multi_init();
	if (!x->m) {
		fprintf(stderr, "inquiryd: out of memory (curl)\n");
		exit(1);
	}
	x->timer_at = -1;
	curl_multi_setopt(x->m, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(x->m, CURLMOPT_SOCKETDATA, x);
	curl_multi_setopt(x->m, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(x->m, CURLMOPT_TIMERDATA, x);
	return x;
}

static void
fetch_free(struct xfer_fetch *f)
{
	if (f->q)
		dns_cancel(f->q);
	if (f->easy) {
		curl_multi_remove_handle(f->x->m, f->easy);
		curl_easy_cleanup(f->easy);
	}
	curl_slist_free_all(f->resolve);
	curl_slist_free_all(f->connect_to);
	curl_slist_free_all(f->headers);
	free(f->host);
	free(f->refused);
	free(f->early);
	xfer_page_release(&f->page);
	free(f);
}

static void
fetch_unlink(struct xfer_fetch *f)
{
	struct xfer *x = f->x;

	if (f->prev)
		f->prev->next = f->next;
	else
		x->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	f->next = f->prev = NULL;
	x->pending--;
}

void
xfer_fetch_cancel(struct xfer_fetch *f)
{
	if (!f)
		return;
	fetch_unlink(f);
	fetch_free(f);
}

void
xfer_free(struct xfer *x)
{
	if (!x)
		return;
	while (x->head)
		xfer_fetch_cancel(x->head);
	curl_multi_cleanup(x->m);
	free(x->socks);
	free(x);
	lib_done();
}

size_t
xfer_pending(const struct xfer *x)
{
	return x->pending;
}

/* Ends a fetch: the callback gets the page, the fetch is freed first. */
static void
fetch_finish(struct xfer_fetch *f, enum xfer_result r, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

static void
fetch_finish(struct xfer_fetch *f, enum xfer_result r, const char *fmt, ...)
{
	struct xfer_page page;
	xfer_fetch_cb *cb = f->cb;
	void *arg = f->arg;
	va_list ap;

	f->page.result = r;
	if (fmt) {
		va_start(ap, fmt);
		free(f->page.error);
		f->page.error = xvasprintf(fmt, ap);
		va_end(ap);
	}
	f->page.ms = now_ms() - f->start;
	page = f->page;
	xfer_page_init(&f->page);
	fetch_unlink(f);
	fetch_free(f);
	cb(arg, &page);
}

/* ---- one hop ---- */

static size_t
on_body(char *p, size_t size, size_t n, void *userp)
{
	struct xfer_fetch *f = userp;
	size_t len = size * n, room;

	room = f->page.body.max - f->page.body.len;
	if (len > room) {
		buf_add(&f->page.body, p, room);
		f->page.truncated = 1;
		return 0;	/* curl stops with CURLE_WRITE_ERROR */
	}
	buf_add(&f->page.body, p, len);
	return len;
}

static int
sockaddr_to_addr(const struct sockaddr *sa, struct dns_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		a->family = AF_INET;
		memcpy(a->a, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		a->family = AF_INET6;
		memcpy(a->a, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    16);
		return 0;
	}
	return -1;
}

/*
 * The last line of defence: curl may only open sockets to the addresses
 * we checked, whatever its own resolver or cache says.
 */
static curl_socket_t
on_opensocket(void *clientp, curlsocktype purpose, struct curl_sockaddr *ca)
{
	struct xfer_fetch *f = clientp;
	struct dns_addr a;
	char s[DNS_ADDRSTRLEN];
	size_t i;

	if (purpose != CURLSOCKTYPE_IPCXN ||
	    sockaddr_to_addr(&ca->addr, &a))
		return CURL_SOCKET_BAD;
	for (i = 0; i < f->nok; i++)
		if (f->ok[i].family == a.family &&
		    !memcmp(f->ok[i].a, a.a, a.family == AF_INET ? 4 : 16))
			return socket(ca->family, ca->socktype | SOCK_CLOEXEC,
			    ca->protocol);
	if (!f->refused)
		f->refused = xstrdup(dns_addr_str(&a, s));
	return CURL_SOCKET_BAD;
}

static char *
charset_of(const char *ct)
{
	const char *p;
	char *cs;
	size_t n;

	if (!ct || !(p = strcasestr(ct, "charset=")))
		return NULL;
	p += 8;
	while (*p == '"' || *p == '\'' || *p == ' ')
		p++;
	n = strcspn(p, "\"'; \t");
	if (!n || n > 40)
		return NULL;
	cs = xstrndup(p, n);
	return str_lower(cs);
}

static void hop_start(struct xfer_fetch *f, const char *url);

static void
hop_connect(struct xfer_fetch *f)
{
	struct buf b = BUF_INIT(4096);
	char s[DNS_ADDRSTRLEN];
	const char *host_for_curl = f->host;
	char *bracketed = NULL;
	uint64_t now = now_ms();
	size_t i;

	if (strchr(f->host, ':'))
		host_for_curl = bracketed = xasprintf("[%s]", f->host);
	buf_addf(&b, "%s:%ld:", host_for_curl, f->connect_port);
	for (i = 0; i < f->nok; i++) {
		dns_addr_str(&f->ok[i], s);
		buf_addf(&b, i ? ",%s%s%s" : "%s%s%s",
		    f->ok[i].family == AF_INET6 ? "[" : "", s,
		    f->ok[i].family == AF_INET6 ? "]" : "");
	}
	f->resolve = curl_slist_append(NULL, b.data);
	if (f->connect_port != f->port) {
		buf_reset(&b);
		buf_addf(&b, "%s:%ld:%s:%ld", host_for_curl, f->port,
		    host_for_curl, f->connect_port);
		f->connect_to = curl_slist_append(NULL, b.data);
	}
	buf_release(&b);
	free(bracketed);
	f->headers = curl_slist_append(NULL,
	    "Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.1");

	f->easy = curl_easy_init();
	if (!f->easy || !f->resolve || !f->headers) {
		fprintf(stderr, "inquiryd: out of memory (curl)\n");
		exit(1);
	}
	curl_easy_setopt(f->easy, CURLOPT_URL, f->page.url);
	curl_easy_setopt(f->easy, CURLOPT_PRIVATE, f);
	if (getenv("INQUIRYD_CURL_VERBOSE"))
		curl_easy_setopt(f->easy, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(f->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(f->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(f->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(f->easy, CURLOPT_RESOLVE, f->resolve);
	if (f->connect_to)
		curl_easy_setopt(f->easy, CURLOPT_CONNECT_TO, f->connect_to);
	curl_easy_setopt(f->easy, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
	curl_easy_setopt(f->easy, CURLOPT_OPENSOCKETDATA, f);
	curl_easy_setopt(f->easy, CURLOPT_PROXY, "");
	curl_easy_setopt(f->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(f->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(f->easy, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(f->easy, CURLOPT_ERRORBUFFER, f->errbuf);
	curl_easy_setopt(f->easy, CURLOPT_HTTPHEADER, f->headers);
	curl_easy_setopt(f->easy, CURLOPT_USERAGENT, f->o.user_agent ?
	    f->o.user_agent : "inquiryd/" INQUIRYD_VERSION);
	curl_easy_setopt(f->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(f->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(f->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (f->o.ca_file) {
		/* The given CA replaces the system store, not adds to it. */
		curl_easy_setopt(f->easy, CURLOPT_CAINFO, f->o.ca_file);
		curl_easy_setopt(f->easy, CURLOPT_CAPATH, NULL);
	}
	curl_easy_setopt(f->easy, CURLOPT_TIMEOUT_MS,
	    (long)(f->o.deadline_ms > now ? f->o.deadline_ms - now : 1));
	f->errbuf[0] = '\0';
	curl_multi_add_handle(f->x->m, f->easy);
}

static void
on_addrs(void *arg, enum dns_status st, const struct dns_addr *addrs,
    size_t n)
{
	struct xfer_fetch *f = arg;
	const char *why, *first_why = NULL;
	char s[DNS_ADDRSTRLEN];
	size_t i;

	f->q = NULL;
	if (st == DNS_NXDOMAIN || st == DNS_NODATA || (st == DNS_OK && !n)) {
		fetch_finish(f, XFER_NOHOST, "'%s' has no address (%s)",
		    f->host, dns_status_name(st));
		return;
	}
	if (st != DNS_OK) {
		fetch_finish(f, st == DNS_TIMEOUT ? XFER_TIMEOUT : XFER_FAILED,
		    "cannot resolve '%s' (%s)", f->host,
		    dns_status_name(st));
		return;
	}
	f->nok = 0;
	for (i = 0; i < n; i++) {
		why = dns_addr_refused(&addrs[i], f->o.allow);
		if (why) {
			strlist_pushf(&f->page.trail, "refused %s for %s: %s",
			    dns_addr_str(&addrs[i], s), f->page.url, why);
			if (!first_why)
				first_why = f->page.trail.v[f->page.trail.n -
				    1];
			continue;
		}
		f->ok[f->nok++] = addrs[i];
	}
	if (!f->nok) {
		fetch_finish(f, XFER_REFUSED, "%s", first_why);
		return;
	}
	hop_connect(f);
}

/*
 * Parses url into the fetch (page.url, host, ports).  Returns NULL, or
 * why the URL is refused (static).
 */
static const char *
hop_parse(struct xfer_fetch *f, const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
	char *full = NULL, *with_scheme = NULL, *ascii = NULL;
	struct dns_addr lit;
	long p;
	int https;
	const char *why = NULL;

	if (!u) {
		fprintf(stderr, "inquiryd: out of memory (curl)\n");
		exit(1);
	}
	if (!strstr(url, "://"))
		url = with_scheme = xasprintf("https://%s", url);
	free(f->page.url);
	f->page.url = xstrdup(url);
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME)) {
		why = "not a valid URL";
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	if (!scheme || (strcasecmp(scheme, "http") &&
	    strcasecmp(scheme, "https"))) {
		why = "only http and https are fetched";
		goto out;
	}
	https = !strcasecmp(scheme, "https");
	if (!curl_url_get(u, CURLUPART_USER, &user, 0) && user) {
		why = "URLs with user names are not fetched";
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) || !host || !*host) {
		why = "no host in the URL";
		goto out;
	}
	if (host[0] == '[') {
		char *end = strchr(host, ']');

		/* No zone ids: fe80::1%eth0 is link-local anyway. */
		if (!end || memchr(host, '%', (size_t)(end - host)) ||
		    dns_addr_parse(&lit, host)) {
			why = "bad IPv6 address in the URL";
			goto out;
		}
		ascii = xstrndup(host + 1, (size_t)(end - host - 1));
	} else if (!dns_addr_parse(&lit, host)) {
		ascii = xstrdup(host);
	} else {
		ascii = domain_normalize(host);
		if (!ascii) {
			why = "the URL's host is not a domain name";
			goto out;
		}
		curl_url_set(u, CURLUPART_HOST, ascii, 0);
	}
	f->port = https ? 443 : 80;
	f->connect_port = https ? (f->o.https_port ? f->o.https_port : 443) :
	    (f->o.http_port ? f->o.http_port : 80);
	if (!curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT) &&
	    port) {
		if (str_to_long(port, 1, 65535, &p)) {
			why = "bad port in the URL";
			goto out;
		}
		f->port = f->connect_port = p;
	}
	curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
	if (curl_url_get(u, CURLUPART_URL, &full, 0) || !full) {
		why = "not a valid URL";
		goto out;
	}
	free(f->page.url);
	f->page.url = xstrdup(full);
	free(f->host);
	f->host = ascii;
	ascii = NULL;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(full);
	curl_url_cleanup(u);
	free(with_scheme);
	free(ascii);
	return why;
}

/* The next hop, from xfer_process: a refusal finishes the fetch. */
static void
hop_start(struct xfer_fetch *f, const char *url)
{
	const char *why = hop_parse(f, url);

	if (why)
		fetch_finish(f, XFER_REFUSED, "%s: %s", why, url);
	else
		f->q = dns_query_addr(f->d, f->host, on_addrs, f);
}

struct xfer_fetch *
xfer_fetch_start(struct xfer *x, struct dns *d, const char *url,
    const struct xfer_fetch_opts *o, xfer_fetch_cb *cb, void *arg)
{
	struct xfer_fetch *f = xcalloc(1, sizeof(*f));
	const char *why;

	f->x = x;
	f->d = d;
	f->o = *o;
	f->cb = cb;
	f->arg = arg;
	f->start = now_ms();
	if (!f->o.max_bytes)
		f->o.max_bytes = XFER_DEFAULT_MAX;
	if (!f->o.deadline_ms)
		f->o.deadline_ms = f->start + 10000;
	xfer_page_init(&f->page);
	f->page.body.max = f->o.max_bytes;
	f->next = x->head;
	if (x->head)
		x->head->prev = f;
	x->head = f;
	x->pending++;
	/* A URL refused at once still calls back from the loop. */
	why = hop_parse(f, url);
	if (why)
		f->early = xasprintf("%s: %s", why, url);
	else
		f->q = dns_query_addr(d, f->host, on_addrs, f);
	return f;
}

/* ---- the end of one hop ---- */

static void
hop_done(struct xfer_fetch *f, CURLcode rc)
{
	long status = 0;
	char *loc = NULL, *ct = NULL, *ip = NULL;
	char *next = NULL;

	curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(f->easy, CURLINFO_CONTENT_TYPE, &ct);
	curl_easy_getinfo(f->easy, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(f->easy, CURLINFO_REDIRECT_URL, &loc);
	f->page.status = status;
	free(f->page.content_type);
	f->page.content_type = xstrdup_or_null(ct);
	free(f->page.charset);
	f->page.charset = charset_of(ct);
	strlist_pushf(&f->page.trail, "GET %s -> %s: %s", f->page.url,
	    ip && *ip ? ip : "(no connection)",
	    rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && f->page.truncated) ?
	    "HTTP" : curl_easy_strerror(rc));
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && f->page.truncated)) {
		char *last = f->page.trail.v[f->page.trail.n - 1];

		f->page.trail.v[f->page.trail.n - 1] = xasprintf("%s %ld%s",
		    last, status,
		    f->page.truncated ? " (cut at the size cap)" : "");
		free(last);
	}
	if (status >= 300 && status < 400 && loc && *loc && rc == CURLE_OK)
		next = xstrdup(loc);
	curl_multi_remove_handle(f->x->m, f->easy);
	curl_easy_cleanup(f->easy);
	f->easy = NULL;
	curl_slist_free_all(f->resolve);
	curl_slist_free_all(f->connect_to);
	curl_slist_free_all(f->headers);
	f->resolve = f->connect_to = f->headers = NULL;

	if (f->refused) {
		fetch_finish(f, XFER_REFUSED, "connection to %s refused: not "
		    "the address that was checked", f->refused);
	} else if (next) {
		if (f->page.redirects >= (unsigned)f->o.max_redirects) {
			fetch_finish(f, XFER_REFUSED, "more than %ld "
			    "redirects (next: %s)", f->o.max_redirects, next);
		} else {
			f->page.redirects++;
			buf_reset(&f->page.body);
			f->page.truncated = 0;
			hop_start(f, next);
		}
	} else if (rc == CURLE_OK ||
	    (rc == CURLE_WRITE_ERROR && f->page.truncated)) {
		if (status >= 400)
			fetch_finish(f, XFER_FAILED, "HTTP status %ld from %s",
			    status, f->page.url);
		else
			fetch_finish(f, XFER_OK, NULL);
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		fetch_finish(f, XFER_TIMEOUT, "no answer in time from %s",
		    f->page.url);
	} else if (rc == CURLE_PEER_FAILED_VERIFICATION) {
		fetch_finish(f, XFER_TLS, "%s: certificate not verified: %s",
		    f->page.url, f->errbuf[0] ? f->errbuf :
		    curl_easy_strerror(rc));
	} else {
		fetch_finish(f, XFER_FAILED, "%s: %s", f->page.url,
		    f->errbuf[0] ? f->errbuf : curl_easy_strerror(rc));
	}
	free(next);
}

size_t
xfer_pollfds(struct xfer *x, struct pollfd *fds, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < x->nsocks && n < max; i++) {
		fds[n].fd = x->socks[i].fd;
		fds[n].events = 0;
		if (x->socks[i].what & CURL_POLL_IN)
			fds[n].events |= POLLIN;
		if (x->socks[i].what & CURL_POLL_OUT)
			fds[n].events |= POLLOUT;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

int
xfer_timeout(struct xfer *x)
{
	int64_t at = x->timer_at, now = (int64_t)now_ms();
	struct xfer_fetch *f;

	/* Fetches waiting for DNS have their own deadline. */
	for (f = x->head; f; f = f->next)
		if (f->early)
			at = now;
		else if (at < 0 || (int64_t)f->o.deadline_ms < at)
			at = (int64_t)f->o.deadline_ms;
	if (at < 0)
		return -1;
	return at <= now ? 0 : (int)MIN(at - now, 60000);
}

static void
reap(struct xfer *x)
{
	CURLMsg *msg;
	int left;
	struct xfer_fetch *f;
	CURL *done[64];
	CURLcode rcs[64];
	size_t n = 0, i;

	while ((msg = curl_multi_info_read(x->m, &left)) && n < 64) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		done[n] = msg->easy_handle;
		rcs[n++] = msg->data.result;
	}
	/* A callback may cancel other fetches: look each one up again. */
	for (i = 0; i < n; i++) {
		for (f = x->head; f; f = f->next)
			if (f->easy == done[i])
				break;
		if (f)
			hop_done(f, rcs[i]);
	}
}

void
xfer_process(struct xfer *x, const struct pollfd *fds, size_t nfds)
{
	struct xfer_fetch *f, *next;
	int running, ev;
	size_t i, j;
	uint64_t now;

	for (j = 0; j < nfds; j++) {
		if (!fds[j].revents)
			continue;
		for (i = 0; i < x->nsocks; i++)
			if (x->socks[i].fd == fds[j].fd)
				break;
		if (i == x->nsocks)
			continue;
		ev = 0;
		if (fds[j].revents & (POLLIN | POLLHUP))
			ev |= CURL_CSELECT_IN;
		if (fds[j].revents & POLLOUT)
			ev |= CURL_CSELECT_OUT;
		if (fds[j].revents & (POLLERR | POLLNVAL))
			ev |= CURL_CSELECT_ERR;
		curl_multi_socket_action(x->m, fds[j].fd, ev, &running);
	}
	if (x->timer_at >= 0 && (int64_t)now_ms() >= x->timer_at) {
		x->timer_at = -1;
		curl_multi_socket_action(x->m, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	}
	reap(x);
	/* Deadlines (curl has its own timeout; DNS waits do not). */
	now = now_ms();
	for (f = x->head; f; f = next) {
		next = f->next;
		if (f->early) {
			char *why = f->early;

			f->early = NULL;
			fetch_finish(f, XFER_REFUSED, "%s", why);
			free(why);
			next = x->head;
		} else if (now >= f->o.deadline_ms + (f->easy ? 250 : 0)) {
			fetch_finish(f, XFER_TIMEOUT, "no answer in time "
			    "from %s", f->page.url ? f->page.url : "?");
			next = x->head;	/* the callback may have changed it */
		}
	}
}

struct fetch_wait {
	int done;
	struct xfer_page *out;
};

static void
on_fetched(void *arg, struct xfer_page *page)
{
	struct fetch_wait *w = arg;

	*w->out = *page;
	w->done = 1;
}

int
xfer_fetch(struct xfer *x, struct dns *d, const char *url,
    const struct xfer_fetch_opts *o, struct xfer_page *out)
{
	struct fetch_wait w = { 0, out };
	struct pollfd fds[64];
	size_t n, nd;
	int t, td;

	xfer_page_init(out);
	xfer_fetch_start(x, d, url, o, on_fetched, &w);
	while (!w.done) {
		nd = dns_pollfds(d, fds, ARRAY_SIZE(fds));
		n = nd + xfer_pollfds(x, fds + nd, ARRAY_SIZE(fds) - nd);
		t = xfer_timeout(x);
		td = dns_timeout(d);
		if (td >= 0 && (t < 0 || td < t))
			t = td;
		if (poll(fds, n, t < 0 ? 1000 : t) < 0 && errno != EINTR)
			break;
		dns_process(d, fds, nd);
		xfer_process(x, fds + nd, n - nd);
	}
	return out->result == XFER_OK ? 0 : -1;
}

/* ---- SMTP ---- */

struct upload {
	const char *p;
	size_t left;
};

static size_t
on_read(char *dst, size_t size, size_t n, void *userp)
{
	struct upload *u = userp;
	size_t len = MIN(size * n, u->left);

	memcpy(dst, u->p, len);
	u->p += len;
	u->left -= len;
	return len;
}

static char *
angle(const char *addr)
{
	return addr[0] == '<' ? xstrdup(addr) : xasprintf("<%s>", addr);
}

int
xfer_smtp_send(const struct xfer_smtp *cfg, const char *from,
    const struct strlist *rcpts, const char *data, size_t len,
    struct err *e)
{
	CURL *c = NULL;
	struct curl_slist *to = NULL;
	struct buf msg = BUF_INIT(BUF_CAP_HUGE);
	struct upload up;
	char errbuf[CURL_ERROR_SIZE] = "";
	char *mail_from = NULL;
	long code = 0;
	CURLcode rc;
	size_t i;
	int ret = -1;

	if (!cfg->url || (strncasecmp(cfg->url, "smtps://", 8) &&
	    strncasecmp(cfg->url, "smtp://", 7))) {
		err_set(e, ERR_CONFIG, "smtp url '%s' is not smtps:// or "
		    "smtp://", cfg->url ? cfg->url : "");
		return -1;
	}
	if (!rcpts->n) {
		err_set(e, ERR_PERM, "no recipient to send to");
		return -1;
	}
	/* SMTP wants CRLF; a bare LF would be refused by strict servers. */
	for (i = 0; i < len; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			buf_addch(&msg, '\r');
		if (buf_addch(&msg, data[i])) {
			err_set(e, ERR_PERM, "message too large to send");
			goto out;
		}
	}
	lib_init();
	c = curl_easy_init();
	if (!c) {
		err_set(e, ERR_TEMP, "cannot start curl");
		goto done;
	}
	mail_from = angle(from);
	for (i = 0; i < rcpts->n; i++) {
		char *r = angle(rcpts->v[i]);

		to = curl_slist_append(to, r);
		free(r);
	}
	up.p = msg.data;
	up.left = msg.len;
	curl_easy_setopt(c, CURLOPT_URL, cfg->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if (cfg->user)
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->user);
	if (cfg->password)
		curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password);
	if (cfg->ca_file) {
		curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
	if (!cfg->tls_verify) {
		log_warnx("smtp: not verifying the certificate of '%s' "
		    "(tls_verify = no)", cfg->url);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	} else {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &up);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	    cfg->timeout_ms > 0 ? cfg->timeout_ms : 60000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 20000L);

	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		ret = 0;
		goto done;
	}
	if (code >= 400 && code < 500) {
		err_set(e, ERR_TEMP, "smtp server '%s' said %ld, try again "
		    "later: %s", cfg->url, code, errbuf[0] ? errbuf :
		    curl_easy_strerror(rc));
	} else if (code >= 500) {
		err_set(e, ERR_PERM, "smtp server '%s' refused with %ld: %s",
		    cfg->url, code, errbuf[0] ? errbuf :
		    curl_easy_strerror(rc));
	} else {
		switch (rc) {
		case CURLE_LOGIN_DENIED:
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_USE_SSL_FAILED:
		case CURLE_URL_MALFORMAT:
		case CURLE_UNSUPPORTED_PROTOCOL:
			err_set(e, ERR_PERM, "cannot send through '%s': %s",
			    cfg->url, errbuf[0] ? errbuf :
			    curl_easy_strerror(rc));
			break;
		default:
			err_set(e, ERR_TEMP, "cannot send through '%s', try "
			    "again later: %s", cfg->url, errbuf[0] ? errbuf :
			    curl_easy_strerror(rc));
			break;
		}
	}
done:
	if (c)
		curl_easy_cleanup(c);
	lib_done();
out:
	curl_slist_free_all(to);
	free(mail_from);
	buf_release(&msg);
	return ret;
}
