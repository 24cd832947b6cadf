/*
 * test_enrich.c - the background check on a sender.
 *
 * Offline cases (no network: enrichment disabled, or facts that need
 * none) run everywhere.  The live cases run when
 * tests/integration/enrich.sh has started dnsmasq and the fixture web
 * server (ENRICH_DNS, ENRICH_HTTPS_PORT, ENRICH_HTTP_PORT, ENRICH_CA,
 * ENRICH_STATE): each fixture site gives its expected facts,
 * suggestions, country and flags, or its refusal, within the budget.
 */
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

/* Fixture tables name only the fields they need. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "buf.h"
#include "catalog.h"
#include "conf.h"
#include "enrich.h"
#include "err.h"
#include "evloop.h"
#include "rules.h"

#if defined(__has_include)
#if __has_include("html.h")
#define HAVE_HTML 1
#endif
#endif

static struct ruleset *rs;
static struct catalog cat;

/* ---- a small in-memory cache (the store implements it with SQLite) ---- */

struct memcache {
	char *key[2048];
	char *json[2048];
	int64_t expires[2048];
	size_t n;
	int gets, hits, puts;
};

static char *
mc_get(void *ctx, const char *domain, int64_t now)
{
	struct memcache *m = ctx;
	size_t i;

	m->gets++;
	for (i = 0; i < m->n; i++)
		if (!strcmp(m->key[i], domain) && m->expires[i] > now) {
			m->hits++;
			return xstrdup(m->json[i]);
		}
	return NULL;
}

static void
mc_put(void *ctx, const char *domain, const char *json, int64_t expires)
{
	struct memcache *m = ctx;
	size_t i;

	m->puts++;
	for (i = 0; i < m->n; i++)
		if (!strcmp(m->key[i], domain))
			break;
	if (i == m->n) {
		assert_true(m->n < ARRAY_SIZE(m->key));
		m->key[m->n++] = xstrdup(domain);
	} else {
		free(m->json[i]);
	}
	m->json[i] = xstrdup(json);
	m->expires[i] = expires;
}

static void
mc_release(struct memcache *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->key[i]);
		free(m->json[i]);
	}
	memset(m, 0, sizeof(*m));
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- fixtures ---- */

struct sender {
	const char *from;
	const char *company;
	const char *title;
	const char *website;
	const char *phone;
	const char *country;
	const char *address;
	const char *signature;
	const char *email;	/* another address in the signature */
};

static void
make_msg(const struct sender *x, struct parsed_msg *pm,
    struct sig_result *s, struct verdict *v)
{
	memset(pm, 0, sizeof(*pm));
	memset(s, 0, sizeof(*s));
	memset(v, 0, sizeof(*v));
	pm->from.addr = xstrdup(x->from);
	s->f.company = xstrdup_or_null(x->company);
	s->f.title = xstrdup_or_null(x->title);
	s->f.website = xstrdup_or_null(x->website);
	s->f.country = xstrdup_or_null(x->country);
	s->f.address = xstrdup_or_null(x->address);
	s->signature = xstrdup_or_null(x->signature);
	if (x->phone)
		strlist_push(&s->f.phones, x->phone);
	if (x->email)
		strlist_push(&s->f.emails, x->email);
	xstrlcpy(v->lang, "en", sizeof(v->lang));
}

static void
free_msg(struct parsed_msg *pm, struct sig_result *s)
{
	free(pm->from.addr);
	free(s->f.company);
	free(s->f.title);
	free(s->f.website);
	free(s->f.country);
	free(s->f.address);
	free(s->signature);
	strlist_release(&s->f.phones);
	strlist_release(&s->f.emails);
}

static const struct enrich_info *
run(struct enrich *en, const struct sender *x, struct enrich_info *ei)
{
	struct parsed_msg pm;
	struct sig_result s;
	struct verdict v;

	make_msg(x, &pm, &s, &v);
	enrich_sender(en, &pm, &s, &v, ei);
	free_msg(&pm, &s);
	return ei;
}

static const char *
flag(const struct enrich_info *ei, const char *code)
{
	size_t i;

	for (i = 0; i < ei->nflags; i++)
		if (!strcmp(ei->flags[i].code, code))
			return ei->flags[i].reason;
	return NULL;
}

static void
dump(const char *what, const struct enrich_info *ei)
{
	size_t i;

	print_message("# %s: domain %s reg %s free %d disp %d mx %d site %d "
	    "%s title '%s' lang %s industry %s country %s\n", what,
	    ei->domain, ei->reg_domain, ei->free_mail, ei->disposable,
	    ei->has_mx, ei->site_status, ei->website, ei->site_title,
	    ei->site_lang, ei->industry, ei->country);
	for (i = 0; i < ei->nsugg; i++)
		print_message("#   sugg %s %.2f %s\n", ei->sugg[i].category,
		    ei->sugg[i].score, ei->sugg[i].evidence);
	for (i = 0; i < ei->ncountries; i++)
		print_message("#   country %s %s %s\n",
		    ei->countries[i].country, ei->countries[i].source,
		    ei->countries[i].detail);
	for (i = 0; i < ei->nflags; i++)
		print_message("#   flag %s: %s\n", ei->flags[i].code,
		    ei->flags[i].reason);
}

static void
conf_for_test(struct conf *c, int online)
{
	long p;

	conf_defaults(c);
	c->enrich_enabled = online;
	c->enrich_timeout = 3;
	free(c->company_domain);
	c->company_domain = xstrdup("example-gifts.com");
	free(c->brands);
	c->brands = xstrdup("Example Gifts");
	if (getenv("ENRICH_DNS"))
		c->dns_servers = xstrdup(getenv("ENRICH_DNS"));
	c->allow_networks = xstrdup("127.0.0.1/32");
	if (getenv("ENRICH_CA"))
		c->enrich_ca_file = xstrdup(getenv("ENRICH_CA"));
	if (getenv("ENRICH_HTTPS_PORT") &&
	    !str_to_long(getenv("ENRICH_HTTPS_PORT"), 1, 65535, &p))
		c->enrich_https_port = p;
	if (getenv("ENRICH_HTTP_PORT") &&
	    !str_to_long(getenv("ENRICH_HTTP_PORT"), 1, 65535, &p))
		c->enrich_http_port = p;
}

static int
live(void)
{
	return getenv("ENRICH_DNS") && getenv("ENRICH_HTTPS_PORT") &&
	    getenv("ENRICH_CA");
}

static int
setup(void **state)
{
	struct strlist errs = STRLIST_INIT;
	size_t i;
	static const char *const cats[] = {
		"Bluetooth Speakers", "Power Banks", "Phone Cases", "Earbuds",
		"USB Drives", "Mugs", "Bags", "Umbrellas", "Notebooks",
		"Lanyards",
	};

	(void)state;
	if (ruleset_load(&rs, unit_path("rules"), &errs)) {
		for (i = 0; i < errs.n; i++)
			print_error("%s\n", errs.v[i]);
		return -1;
	}
	strlist_release(&errs);
	memset(&cat, 0, sizeof(cat));
	for (i = 0; i < ARRAY_SIZE(cats); i++)
		strlist_push(&cat.categories, cats[i]);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ruleset_free(rs);
	strlist_release(&cat.categories);
	return 0;
}

/* ---- offline ---- */

static void
test_offline_facts(void **state)
{
	struct conf c;
	struct enrich *en;
	struct enrich_info ei;
	static const struct sender gmail = {
		"jick.buyer@Gmail.com", "Phone Planet Ltd", "Purchasing",
		"www.phoneplanet.co.uk", "+44 20 7946 0958", NULL, NULL,
		"Jick Smith\nPurchasing\nPhone Planet Ltd - mobile phones "
		"and accessories\n+44 20 7946 0958", NULL,
	};

	(void)state;
	conf_for_test(&c, 0);
	en = enrich_new(&c, rs, &cat, 0);
	run(en, &gmail, &ei);
	assert_string_equal(ei.domain, "gmail.com");
	assert_string_equal(ei.reg_domain, "gmail.com");
	assert_int_equal(ei.free_mail, 1);
	assert_int_equal(ei.disposable, 0);
	assert_int_equal(ei.has_mx, -1);	/* offline: unknown */
	assert_int_equal(ei.site_status, -1);
	assert_non_null(flag(&ei, "free_mail_company"));
	assert_non_null(strstr(flag(&ei, "free_mail_company"),
	    "phoneplanet.co.uk"));
	assert_null(flag(&ei, "lookalike"));	/* gmail.com is gmail */
	assert_string_equal(ei.country, "GB");
	assert_string_equal(ei.industry, "mobile-phones");
	assert_true(ei.nsugg >= 3);
	assert_string_equal(ei.sugg[0].category, "Phone Cases");
	assert_non_null(strstr(ei.sugg[0].evidence, "signature"));
	enrich_info_release(&ei);
	enrich_free(en);
	conf_release(&c);
}

static void
test_offline_flags(void **state)
{
	static const struct {
		struct sender x;
		const char *flag;	/* must be raised, NULL: none */
		const char *in_reason;
		const char *country;
		int free_mail;
	} t[] = {
		{ { "a@mailinator.com" }, "disposable", "mailinator.com",
		    NULL, 1 },
		{ { "x@sub.guerrillamail.com" }, "disposable",
		    "guerrillamail.com", NULL, 1 },
		{ { "billing@paypa1.com" }, "lookalike", "paypal.com", NULL,
		    0 },
		{ { "ship@dhl-express-delivery.com" }, "lookalike", "dhl.com",
		    NULL, 0 },
		{ { "sales@example-giffs.com" }, "lookalike",
		    "example-gifts.com", NULL, 0 },
		{ { "sales@example-gifts.net" }, "lookalike",
		    "example-gifts.com", NULL, 0 },
		{ { "ceo@xn--pple-43d.com" }, "punycode", "\xd0\xb0pple.com",
		    NULL, 0 },
		{ { "ceo@xn--pple-43d.com" }, "lookalike", "apple.com", NULL,
		    0 },
		{ { "buyer@acme-handel.de", "ACME Handel GmbH", NULL, NULL,
		    "+86 755 1234 5678" }, "country_conflict", "cctld DE",
		    "DE", 0 },
		{ { "buyer@acme-handel.de", "ACME Handel GmbH", NULL, NULL,
		    "+49 30 1234567", NULL, "Hauptstr. 1, 10115 Berlin, "
		    "Germany" }, NULL, NULL, "DE", 0 },
		{ { "compras@muebles.com.mx", NULL, NULL, NULL, NULL,
		    "Mexico" }, NULL, NULL, "MX", 0 },
		{ { "jo@tools-direct.com", NULL, NULL, NULL, NULL, "UK" },
		    NULL, NULL, "GB", 0 },
		{ { "jo@tools-direct.com", NULL, NULL, NULL, NULL, NULL,
		    "12 Chinatown Road, Indianapolis, USA" }, NULL, NULL, "US",
		    0 },
		{ { "li@163.com", "Shenzhen Li Trading", NULL, NULL,
		    "+86 138 0000 0000" }, NULL, NULL, "CN", 1 },
		{ { "bob@yahoo.com", "Bob's Bikes", NULL, NULL, NULL, NULL,
		    NULL, NULL, "bob@bobsbikes.com" }, "free_mail_company",
		    "bobsbikes.com", NULL, 1 },
		{ { "bob@yahoo.com", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		    "bob@gmail.com" }, NULL, NULL, NULL, 1 },
		{ { "buyer@acme-corp.com" }, NULL, NULL, NULL, 0 },
		/* An IDN address: looked up as punycode, flagged for the rep. */
		{ { "kontakt@b\xc3\xbc" "cher.de" }, "punycode",
		    "'xn--bcher-kva.de' is an internationalised domain, shown "
		    "as 'b\xc3\xbc" "cher.de'", "DE", 0 },
	};
	struct conf c;
	struct enrich *en;
	struct enrich_info ei;
	size_t i;

	(void)state;
	conf_for_test(&c, 0);
	en = enrich_new(&c, rs, &cat, 0);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		const char *r;

		run(en, &t[i].x, &ei);
		r = t[i].flag ? flag(&ei, t[i].flag) : NULL;
		if ((t[i].flag && (!r || !strstr(r, t[i].in_reason))) ||
		    (!t[i].flag && ei.nflags) ||
		    ei.free_mail != t[i].free_mail ||
		    (t[i].country && (!ei.country ||
		    strcmp(ei.country, t[i].country))))
			dump(t[i].x.from, &ei);
		if (t[i].flag) {
			assert_non_null(r);
			assert_non_null(strstr(r, t[i].in_reason));
		} else {
			assert_int_equal(ei.nflags, 0);
		}
		assert_int_equal(ei.free_mail, t[i].free_mail);
		if (t[i].country) {
			assert_non_null(ei.country);
			assert_string_equal(ei.country, t[i].country);
		}
		enrich_info_release(&ei);
	}
	enrich_free(en);
	conf_release(&c);
}

static void
test_freemail_override(void **state)
{
	char path[] = "/tmp/inquiryd-freemail-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "# local free mail\nmycorp-mail.example\n!yahoo.com\n";
	struct conf c;
	struct enrich *en;
	struct enrich_info ei;
	static const struct sender a = { "x@mycorp-mail.example" };
	static const struct sender b = { "x@yahoo.com" };

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	conf_for_test(&c, 0);
	c.freemail_file = xstrdup(path);
	en = enrich_new(&c, rs, &cat, 0);
	run(en, &a, &ei);
	assert_int_equal(ei.free_mail, 1);
	enrich_info_release(&ei);
	run(en, &b, &ei);
	assert_int_equal(ei.free_mail, 0);
	enrich_info_release(&ei);
	enrich_free(en);
	conf_release(&c);
	unlink(path);
}

static void
test_no_sender(void **state)
{
	struct conf c;
	struct enrich *en;
	struct enrich_info ei;
	static const struct sender x = { "no-at-sign" };

	(void)state;
	conf_for_test(&c, 1);
	free(c.dns_servers);
	c.dns_servers = xstrdup("127.0.0.1:9");
	en = enrich_new(&c, rs, &cat, 0);
	run(en, &x, &ei);
	assert_null(ei.domain);
	assert_int_equal(ei.free_mail, -1);
	enrich_info_release(&ei);
	enrich_sender(NULL, NULL, NULL, NULL, &ei);	/* never fails */
	assert_int_equal(ei.has_mx, -1);
	enrich_info_release(&ei);
	enrich_free(en);
	conf_release(&c);
}

/* ---- live ---- */

struct expect {
	struct sender x;
	int has_mx;
	int site_status;
	const char *title;	/* substring */
	const char *industry;
	const char *first_sugg;
	const char *country;
	const char *flags;	/* "no_mx website_parked", exactly these */
	const char *reason;	/* substring of some flag's reason */
};

static int
flags_are(const struct enrich_info *ei, const char *want)
{
	struct buf b = BUF_INIT(1024);
	size_t i;
	int ok;

	for (i = 0; i < ei->nflags; i++)
		buf_addf(&b, "%s%s", i ? " " : "", ei->flags[i].code);
	ok = !strcmp(b.data, want ? want : "");
	buf_release(&b);
	return ok;
}

static void
check(const struct expect *w, const struct enrich_info *ei)
{
	int ok = ei->has_mx == w->has_mx && ei->site_status == w->site_status &&
	    flags_are(ei, w->flags);
	size_t i;
	int found = !w->reason;

#ifdef HAVE_HTML
	ok = ok && (!w->title || (ei->site_title &&
	    strstr(ei->site_title, w->title)));
	ok = ok && (!w->industry || (ei->industry &&
	    !strcmp(ei->industry, w->industry)));
	ok = ok && (!w->first_sugg || (ei->nsugg &&
	    !strcmp(ei->sugg[0].category, w->first_sugg)));
	ok = ok && (!w->country || (ei->country &&
	    !strcmp(ei->country, w->country)));
#endif
	for (i = 0; w->reason && i < ei->nflags; i++)
		if (strstr(ei->flags[i].reason, w->reason))
			found = 1;
	if (!ok || !found || getenv("ENRICH_TEST_VERBOSE"))
		dump(w->x.from, ei);
	assert_true(ok);
	assert_true(found);
}

static void
test_live_sites(void **state)
{
	static const struct expect t[] = {
		{ { "jick@phones.test", "Phone Planet Ltd", NULL, NULL,
		    "+44 20 7946 0958" }, 1, 1, "Phone Planet Ltd",
		    "mobile-phones", "Phone Cases", "GB", "", NULL },
		{ { "compras@furniture.test",
		    "Importadora de Muebles del Norte S.A. de C.V.", NULL,
		    NULL, "+52 81 8123 4567" }, 1, 1, "Importadora de Muebles",
		    "furniture", "Notebooks", "MX", "", NULL },
		{ { "info@parked.test" }, 0, 2, NULL, NULL, NULL, NULL,
		    "no_mx website_parked", "parking" },
		{ { "wang@gbk.test", NULL, NULL, NULL, NULL }, 1, 1,
		    "\xe6\xb7\xb1\xe5\x9c\xb3", /* 深圳 */ "mobile-phones",
		    "Phone Cases", "CN", "", NULL },
		{ { "sales@big.test" }, 1, 1, "Big Page Trading",
		    "mobile-phones", NULL, NULL, "", NULL },
		{ { "sales@slow.test" }, 1, 0, NULL, NULL, NULL, NULL,
		    "website_unreachable", "time" },
		{ { "x@chain5.test" }, 0, 0, NULL, NULL, NULL, NULL,
		    "no_mx website_unreachable", "more than 3 redirects" },
		{ { "x@chain3.test" }, 0, 1, "End of the chain",
		    "promotional-products", NULL, NULL, "no_mx", NULL },
		{ { "x@toloop.test" }, 0, 0, NULL, NULL, NULL, NULL,
		    "no_mx website_unreachable",
		    "loopback address 127.0.0.2 is not allowed" },
		{ { "x@loopa.test" }, 0, 0, NULL, NULL, NULL, NULL,
		    "no_mx website_unreachable",
		    "loopback address 127.0.0.2 is not allowed" },
		{ { "x@loop6.test" }, 0, 0, NULL, NULL, NULL, NULL,
		    "no_mx website_unreachable",
		    "loopback address ::1 is not allowed" },
		{ { "x@mapped.test" }, 0, 0, NULL, NULL, NULL, NULL,
		    "no_mx website_unreachable",
		    "IPv4-mapped loopback address ::ffff:127.0.0.3" },
		{ { "x@mixed.test" }, 1, 1, "Mixed Records", "furniture",
		    NULL, NULL, "", NULL },
		/* A certificate that does not verify: not read at all,
		 * not over plain HTTP either. */
		{ { "x@badcert.test" }, 0, 0, NULL, NULL, NULL, NULL,
		    "no_mx website_unreachable website_certificate",
		    "did not verify" },
		{ { "x@ghost.test" }, 0, 0, NULL, NULL, NULL, NULL,
		    "no_mx website_unreachable", "no address" },
		{ { "x@nullmx.test" }, 0, 0, NULL, NULL, NULL, NULL,
		    "no_mx website_unreachable", "null MX" },
		/* Free mail: the website comes from the signature. */
		{ { "jick.phoneplanet@gmail.com", "Phone Planet Ltd", NULL,
		    "https://phones.test/", "+44 20 7946 0958" }, 1, 1,
		    "Phone Planet", "mobile-phones", "Phone Cases", "GB",
		    "free_mail_company", "phones.test" },
	};
	struct conf c;
	struct enrich *en;
	struct enrich_info ei;
	size_t i;
	uint64_t t0, ms;

	(void)state;
	if (!live()) {
		print_message("# live case: run by tests/integration/"
		    "enrich.sh\n");
		return;
	}
#ifndef HAVE_HTML
	print_message("# html.c is not in this build: page facts not "
	    "checked\n");
#endif
	conf_for_test(&c, 1);
	en = enrich_new(&c, rs, &cat, 0);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
#ifndef HAVE_HTML
		if (t[i].site_status == 2)	/* parked: read from the text */
			continue;
#endif
		t0 = now_ms();
		run(en, &t[i].x, &ei);
		ms = now_ms() - t0;
		if (ms > 3500)
			print_error("%s took %llu ms\n", t[i].x.from,
			    (unsigned long long)ms);
		assert_true(ms <= 3500);	/* the 3 s budget, and a bit */
		check(&t[i], &ei);
		enrich_info_release(&ei);
	}
	enrich_free(en);
	conf_release(&c);
}

static size_t
requests(void)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	char path[4096];
	size_t n = 0, i;

	snprintf(path, sizeof(path), "%s/requests.log",
	    getenv("ENRICH_STATE"));
	if (buf_read_file(&b, path) == 0)
		for (i = 0; i < b.len; i++)
			n += b.data[i] == '\n';
	buf_release(&b);
	return n;
}

static void
test_live_cache(void **state)
{
	struct memcache *mc;
	struct enrich_cache cache = { NULL, mc_get, mc_put };
	struct conf c;
	struct enrich *en;
	struct enrich_info a, b;
	static const struct sender x = { "jick@phones.test",
		"Phone Planet Ltd", NULL, NULL, "+44 20 7946 0958" };
	size_t before, i, k;
	uint64_t t0, us;

	(void)state;
	if (!live() || !getenv("ENRICH_STATE"))
		return;
	mc = xcalloc(1, sizeof(*mc));
	cache.ctx = mc;
	conf_for_test(&c, 1);
	en = enrich_new(&c, rs, &cat, 0);
	enrich_set_cache(en, &cache);
	run(en, &x, &a);
	assert_int_equal(a.from_cache, 0);
	assert_int_equal(mc->puts, 1);
	before = requests();
	/* The fastest of ten batches of ten: load on the machine aside. */
	us = UINT64_MAX;
	for (k = 0; k < 10; k++) {
		t0 = now_us();
		for (i = 0; i < 10; i++) {
			run(en, &x, &b);
			if (k < 9 || i < 9)
				enrich_info_release(&b);
		}
		if ((now_us() - t0) / 10 < us)
			us = (now_us() - t0) / 10;
	}
	print_message("# figure: a cached domain costs %llu us\n",
	    (unsigned long long)us);
#if defined(__SANITIZE_ADDRESS__)
	assert_true(us < 10000);	/* ASan: slower by design */
#else
	assert_true(us < 1000);
#endif
	assert_int_equal(requests(), before);	/* no request at all */
	assert_int_equal(b.from_cache, 1);
	assert_int_equal(b.has_mx, a.has_mx);
	assert_int_equal(b.site_status, a.site_status);
	if (a.site_title)
		assert_string_equal(b.site_title, a.site_title);
	assert_int_equal(b.nsugg, a.nsugg);
	for (i = 0; i < a.nsugg; i++)
		assert_string_equal(b.sugg[i].category, a.sugg[i].category);
	assert_int_equal(b.nflags, a.nflags);
	enrich_info_release(&a);
	enrich_info_release(&b);
	enrich_free(en);

	/* Offline with a warm cache still gives the cached facts. */
	en = enrich_new(&c, rs, &cat, 1);
	enrich_set_cache(en, &cache);
	before = requests();
	run(en, &x, &a);
	assert_int_equal(a.has_mx, 1);
	assert_int_equal(a.site_status, 1);
	assert_int_equal(requests(), before);
	enrich_info_release(&a);
	enrich_free(en);
	conf_release(&c);
	mc_release(mc);
	free(mc);
}

static void
test_live_disabled(void **state)
{
	struct conf c;
	struct enrich *en;
	struct enrich_info ei;
	static const struct sender x = { "jick@phones.test" };
	size_t before;

	(void)state;
	if (!live() || !getenv("ENRICH_STATE"))
		return;
	conf_for_test(&c, 0);	/* [enrich] enabled = no */
	en = enrich_new(&c, rs, &cat, 0);
	before = requests();
	run(en, &x, &ei);
	assert_int_equal(ei.has_mx, -1);
	assert_int_equal(ei.site_status, -1);
	assert_int_equal(requests(), before);
	enrich_info_release(&ei);
	enrich_free(en);
	conf_release(&c);
}

static void
test_live_concurrent(void **state)
{
	static const char *const from[] = {
		"a@slow.test", "b@phones.test", "c@furniture.test",
		"d@gbk.test", "e@parked.test", "f@chain3.test",
		"g@loopa.test", "h@big.test",
	};
	struct conf c;
	struct enrich *en;
	struct enrich_job *jobs[ARRAY_SIZE(from)], *j;
	struct enrich_info ei;
	struct pollfd fds[128];
	size_t i, n, done = 0;
	uint64_t t0, ms;
	int t;

	(void)state;
	if (!live())
		return;
	conf_for_test(&c, 1);
	en = enrich_new(&c, rs, &cat, 0);
	t0 = now_ms();
	for (i = 0; i < ARRAY_SIZE(from); i++) {
		struct sender x = { from[i] };
		struct parsed_msg pm;
		struct sig_result s;
		struct verdict v;

		make_msg(&x, &pm, &s, &v);
		jobs[i] = enrich_start(en, &pm, &s, &v);
		free_msg(&pm, &s);	/* the job keeps its own copies */
	}
	assert_int_equal(enrich_pending(en), ARRAY_SIZE(from));
	while (done < ARRAY_SIZE(from)) {
		n = enrich_pollfds(en, fds, ARRAY_SIZE(fds));
		t = enrich_timeout(en);
		poll(fds, n, t < 0 ? 100 : t);
		enrich_perform(en, fds, n);
		while ((j = enrich_next_done(en))) {
			enrich_finish(j, &ei);
			enrich_info_release(&ei);
			done++;
		}
		assert_true(now_ms() - t0 < 6000);
	}
	ms = now_ms() - t0;
	print_message("# figure: 8 senders at once, one never answering: "
	    "%llu ms (budget 3000 each)\n", (unsigned long long)ms);
	assert_true(ms < 4500);
	assert_int_equal(enrich_pending(en), 0);
	(void)jobs;
	enrich_free(en);
	conf_release(&c);
}

struct collected {
	size_t n;
	size_t site_ok;
};

static void
collect(struct enrich *en, void *arg)
{
	struct collected *c = arg;
	struct enrich_job *j;
	struct enrich_info ei;

	while ((j = enrich_next_done(en))) {
		enrich_finish(j, &ei);
		c->n++;
		c->site_ok += ei.site_status >= 1;	/* read, or parked */
		enrich_info_release(&ei);
	}
}

static void
start_one(struct enrich *en, const char *from)
{
	struct sender x = { from };
	struct parsed_msg pm;
	struct sig_result s;
	struct verdict v;

	make_msg(&x, &pm, &s, &v);
	enrich_start(en, &pm, &s, &v);
	free_msg(&pm, &s);
}

static void
test_evloop_offline(void **state)
{
	struct conf c;
	struct enrich *en;
	struct evloop *ev = evloop_new();
	struct collected got = { 0 };
	int rounds = 0;

	(void)state;
	conf_for_test(&c, 0);
	en = enrich_new(&c, rs, &cat, 0);
	enrich_attach(en, ev, collect, &got);
	start_one(en, "a@mailinator.com");
	start_one(en, "b@acme-corp.com");
	assert_int_equal(got.n, 0);	/* reported from the loop */
	while (got.n < 2 && rounds++ < 10)
		evloop_once(ev, 100);
	assert_int_equal(got.n, 2);
	assert_int_equal(enrich_pending(en), 0);
	enrich_free(en);	/* detaches */
	evloop_free(ev);
	conf_release(&c);
}

static void
test_live_evloop(void **state)
{
	static const char *const from[] = {
		"a@slow.test", "b@phones.test", "c@loopa.test",
		"d@parked.test", "e@ghost.test", "f@mailinator.com",
	};
	struct conf c;
	struct enrich *en;
	struct evloop *ev;
	struct collected got = { 0 };
	size_t i;
	uint64_t t0;

	(void)state;
	if (!live())
		return;
	ev = evloop_new();
	conf_for_test(&c, 1);
	en = enrich_new(&c, rs, &cat, 0);
	enrich_attach(en, ev, collect, &got);
	t0 = now_ms();
	for (i = 0; i < ARRAY_SIZE(from); i++)
		start_one(en, from[i]);
	while (got.n < ARRAY_SIZE(from) && now_ms() - t0 < 8000)
		evloop_once(ev, 500);
	assert_int_equal(got.n, ARRAY_SIZE(from));
	assert_int_equal(got.site_ok, 2);	/* phones and parked were read */
	assert_true(now_ms() - t0 < 4500);	/* one 3 s budget, not six */
	enrich_attach(en, NULL, NULL, NULL);
	enrich_free(en);
	evloop_free(ev);
	conf_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offline_facts),
		cmocka_unit_test(test_offline_flags),
		cmocka_unit_test(test_freemail_override),
		cmocka_unit_test(test_no_sender),
		cmocka_unit_test(test_evloop_offline),
		cmocka_unit_test(test_live_sites),
		cmocka_unit_test(test_live_cache),
		cmocka_unit_test(test_live_disabled),
		cmocka_unit_test(test_live_concurrent),
		cmocka_unit_test(test_live_evloop),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
