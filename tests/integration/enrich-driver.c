/*
 * enrich-driver.c - the enrichment without the rest of the pipeline, for
 * tests/bench/enrich.sh and for trying a sender by hand.
 *
 *   enrich-driver one ADDRESS [WEBSITE [PHONE]]
 *       checks one sender and prints the facts, one per line;
 *   enrich-driver bench N CONCURRENCY
 *       N distinct sender domains dNNNN-bench.test one at a time, then
 *       the same N CONCURRENCY at once, then N cached lookups (three
 *       times); prints figures.
 *
 * The [enrich] settings come from the environment as in the tests:
 * ENRICH_DNS, ENRICH_HTTPS_PORT, ENRICH_HTTP_PORT, ENRICH_CA (and
 * ENRICH_TIMEOUT, seconds); the rules from $INQUIRYD_TOP/rules.
 */
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "util.h"
#include "buf.h"
#include "catalog.h"
#include "conf.h"
#include "enrich.h"
#include "rules.h"

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* A small in-memory cache keyed by domain. */
struct entry {
	char *key;
	char *json;
	int64_t expires;
};
static struct entry *cache_v;
static size_t cache_n, cache_alloc;

static char *
mc_get(void *ctx, const char *domain, int64_t now)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < cache_n; i++)
		if (!strcmp(cache_v[i].key, domain) &&
		    cache_v[i].expires > now)
			return xstrdup(cache_v[i].json);
	return NULL;
}

static void
mc_put(void *ctx, const char *domain, const char *json, int64_t expires)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < cache_n; i++)
		if (!strcmp(cache_v[i].key, domain))
			break;
	if (i == cache_n) {
		GROW(cache_v, cache_n + 1, cache_alloc);
		cache_v[cache_n++].key = xstrdup(domain);
	} else {
		free(cache_v[i].json);
	}
	cache_v[i].json = xstrdup(json);
	cache_v[i].expires = expires;
}

static void
conf_from_env(struct conf *c)
{
	long p;

	conf_defaults(c);
	c->enrich_enabled = 1;
	if (getenv("ENRICH_TIMEOUT") &&
	    !str_to_long(getenv("ENRICH_TIMEOUT"), 1, 300, &p))
		c->enrich_timeout = p;
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

static void
sender(struct parsed_msg *pm, struct sig_result *s, struct verdict *v,
    const char *addr, const char *website, const char *phone)
{
	memset(pm, 0, sizeof(*pm));
	memset(s, 0, sizeof(*s));
	memset(v, 0, sizeof(*v));
	pm->from.addr = xstrdup(addr);
	s->f.website = xstrdup_or_null(website);
	if (phone)
		strlist_push(&s->f.phones, phone);
	xstrlcpy(v->lang, "en", sizeof(v->lang));
}

static void
sender_free(struct parsed_msg *pm, struct sig_result *s)
{
	free(pm->from.addr);
	free(s->f.website);
	strlist_release(&s->f.phones);
}

static void
print_info(const struct enrich_info *ei)
{
	size_t i;

	printf("domain %s\nregistrable %s\nfree_mail %d\ndisposable %d\n"
	    "has_mx %d\nwebsite %s\nsite_status %d\ntitle %s\n"
	    "description %s\nsite_name %s\nlang %s\nsummary %s\n"
	    "industry %s\ncountry %s\n", ei->domain, ei->reg_domain,
	    ei->free_mail, ei->disposable, ei->has_mx, ei->website,
	    ei->site_status, ei->site_title, ei->site_description,
	    ei->site_name, ei->site_lang, ei->site_summary, ei->industry,
	    ei->country);
	for (i = 0; i < ei->ncountries; i++)
		printf("country_evidence %s %s %s\n", ei->countries[i].country,
		    ei->countries[i].source, ei->countries[i].detail);
	for (i = 0; i < ei->nsugg; i++)
		printf("suggestion %s %.2f %s\n", ei->sugg[i].category,
		    ei->sugg[i].score, ei->sugg[i].evidence);
	for (i = 0; i < ei->nflags; i++)
		printf("flag %s %s\n", ei->flags[i].code, ei->flags[i].reason);
}

/* Runs n senders (prefix p) with at most conc in flight; returns ms. */
static double
run_many(struct enrich *en, char p, size_t n, size_t conc, size_t *ok)
{
	struct pollfd fds[1024];
	struct enrich_job *j;
	struct enrich_info ei;
	size_t started = 0, done = 0, nf, reaped;
	uint64_t t0 = now_us();
	char addr[64];
	int t;

	*ok = 0;
	while (done < n) {
		while (started < n && started - done < conc) {
			struct parsed_msg pm;
			struct sig_result s;
			struct verdict v;

			snprintf(addr, sizeof(addr), "%c%04zu@d%04zu-bench.test",
			    p, started, started);
			sender(&pm, &s, &v, addr, NULL, NULL);
			enrich_start(en, &pm, &s, &v);
			sender_free(&pm, &s);
			started++;
		}
		reaped = 0;
		while ((j = enrich_next_done(en))) {
			enrich_finish(j, &ei);
			*ok += ei.site_status == 1;
			enrich_info_release(&ei);
			done++;
			reaped++;
		}
		if (reaped)
			continue;	/* start the next ones before waiting */
		nf = enrich_pollfds(en, fds, ARRAY_SIZE(fds));
		t = enrich_timeout(en);
		poll(fds, nf, t < 0 ? 50 : t);
		enrich_perform(en, fds, nf);
	}
	return (double)(now_us() - t0) / 1000.0;
}

static int
bench(struct enrich *en, size_t n, size_t conc)
{
	struct enrich_cache cache = { NULL, mc_get, mc_put };
	size_t ok1, ok2, ok3, i;
	double seq, par, cached;
	uint64_t t0;

	seq = run_many(en, 's', n, 1, &ok1);
	printf("# figure: enrich one at a time: %zu senders in %.1f s "
	    "(%.1f/s), %zu sites read\n", n, seq / 1000, n * 1000.0 / seq,
	    ok1);
	enrich_set_cache(en, &cache);
	par = run_many(en, 'c', n, conc, &ok2);
	printf("# figure: enrich %zu at a time: %zu senders in %.1f s "
	    "(%.1f/s), %zu sites read: %.1fx faster (target 5x)\n", conc, n,
	    par / 1000, n * 1000.0 / par, ok2, seq / par);
	t0 = now_us();
	for (i = 0; i < 3; i++)
		run_many(en, 'c', n, conc, &ok3);
	cached = (double)(now_us() - t0) / (3.0 * n);
	printf("# figure: enrich from the cache: %.0f us per sender "
	    "(target < 1000 us), %zu sites known\n", cached, ok3);
	return seq / par >= 5 && cached < 1000 && ok1 == ok2 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct conf c;
	struct ruleset *rs = NULL;
	struct catalog cat;
	struct strlist errs = STRLIST_INIT;
	struct enrich *en;
	char *rules;
	long n, conc;
	int rc = 2;
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	rules = xasprintf("%s/rules", getenv("INQUIRYD_TOP") ?
	    getenv("INQUIRYD_TOP") : ".");
	if (ruleset_load(&rs, rules, &errs)) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i]);
		return 2;
	}
	memset(&cat, 0, sizeof(cat));
	conf_from_env(&c);
	en = enrich_new(&c, rs, &cat, 0);
	if (argc >= 3 && !strcmp(argv[1], "one")) {
		struct parsed_msg pm;
		struct sig_result s;
		struct verdict v;
		struct enrich_info ei;

		sender(&pm, &s, &v, argv[2], argc > 3 ? argv[3] : NULL,
		    argc > 4 ? argv[4] : NULL);
		enrich_sender(en, &pm, &s, &v, &ei);
		print_info(&ei);
		enrich_info_release(&ei);
		sender_free(&pm, &s);
		rc = 0;
	} else if (argc == 4 && !strcmp(argv[1], "bench") &&
	    !str_to_long(argv[2], 1, 100000, &n) &&
	    !str_to_long(argv[3], 1, 400, &conc)) {
		rc = bench(en, (size_t)n, (size_t)conc);
	} else {
		fprintf(stderr, "usage: enrich-driver one ADDRESS [WEBSITE "
		    "[PHONE]]\n       enrich-driver bench N CONCURRENCY\n");
	}
	enrich_free(en);
	for (i = 0; i < cache_n; i++) {
		free(cache_v[i].key);
		free(cache_v[i].json);
	}
	free(cache_v);
	conf_release(&c);
	ruleset_free(rs);
	strlist_release(&errs);
	free(rules);
	return rc;
}
