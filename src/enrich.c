/*
 * enrich.c - the background check on a sender (enrich.h): offline facts
 * at once, then MX and home-page lookups as a job on the shared DNS
 * channel and curl multi handle, then industries, suggestions, country
 * and risk flags from everything known.
 *
 * A job's life: job_offline() fills what needs no network; job_cache()
 * takes what the cache knows; job_lookups() starts what is missing; the
 * callbacks store answers and call job_check(), which finishes the job
 * (job_conclude) when nothing is in flight any more or the budget is
 * spent.  Conclusions are drawn only once, from the facts, whichever way
 * they arrived.
 */
#include <errno.h>
#include <jansson.h>
#include <time.h>

#include "util.h"
#include "buf.h"
#include "catalog.h"
#include "charset.h"
#include "conf.h"
#include "dns.h"
#include "domain.h"
#include "enrich.h"
#include "err.h"
#include "evloop.h"
#include "log.h"
#include "phone.h"
#include "rules.h"
#include "xfer.h"

#if defined(__has_include)
#if __has_include("html.h")
#include "html.h"
#define HAVE_HTML 1
#endif
#endif

#define SCAN_TEXT_MAX	4096	/* page text kept for the rules and cache */
#define SUMMARY_MAX	400	/* bytes of the page's text in the summary */
#define FIELD_MAX	600	/* title, description... */
#define MAX_SUGG	6
#define SHORT_TTL	3600	/* for records with a timed-out lookup */

enum site_status {
	SITE_NOT_TRIED = -1,
	SITE_UNREACHABLE = 0,
	SITE_OK = 1,
	SITE_PARKED = 2,
};

struct site {
	int status;		/* enum site_status */
	int timed_out;		/* unreachable because the budget ran out */
	int tls_failed;		/* an https:// certificate did not verify */
	char *url;
	char *title;
	char *description;
	char *name;
	char *keywords;
	char *lang;
	char *summary;
	char *text;		/* what the rules scan, SCAN_TEXT_MAX */
	char *error;
};

struct sig_copy {
	char *company;
	char *title;
	char *website;
	char *address;
	char *country;
	char *text;		/* the signature block */
	struct strlist phones;
	struct strlist emails;
};

struct enrich_job {
	struct enrich *en;
	struct enrich_info info;
	struct sig_copy sig;
	char *mx_key;		/* cache key for the MX facts: the domain */
	char *site_host;	/* the host whose page we want, NULL none */
	char *site_url;		/* the URL as written (signature), or NULL */
	char *site_key;		/* cache key for the page: its reg. domain */
	int mx;			/* 1, 0, -1 unknown */
	int null_mx;
	int mx_timed_out;
	struct site site;
	struct strlist urls;	/* candidates still to try */
	struct dns_query *mxq;
	struct xfer_fetch *fetch;
	int cached_mx, cached_site;	/* came from the cache */
	int looked_up;		/* something was looked up: cache it */
	uint64_t start, deadline;
	int done;
	struct enrich_job *next, *prev;
};

struct enrich {
	const struct conf *c;
	const struct ruleset *rs;
	const struct catalog *cat;
	int online;
	struct enrich_cache cache;
	int have_cache;
	struct dns *dns;	/* created on first use */
	struct xfer *xfer;
	struct dns_netlist allow;
	struct domain_set *freemail_local;
	struct domain_protect *protect;
	size_t nprotect;
	struct enrich_job *jobs;	/* in flight and done, not finished */
	size_t njobs;
	struct evloop *ev;	/* borrowed: enrich_attach */
	enrich_done_fn *on_done;
	void *done_arg;
	int *watched;		/* fds registered with ev */
	size_t nwatched;
	uint64_t timer;		/* ev timer id, 0 none */
	int in_ev;		/* inside an ev callback: sync at its end */
};

static void ev_sync(struct enrich *en);

static void job_check(struct enrich_job *j);

/* ---- small helpers ---- */

static char *
cap_dup(const char *s, size_t max)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	if (n <= max)
		return xstrdup(s);
	/* Cut on a UTF-8 character boundary. */
	while (n > 0 && n > max)
		n--;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return xstrndup(s, n);
}

static void
site_release(struct site *s)
{
	free(s->url);
	free(s->title);
	free(s->description);
	free(s->name);
	free(s->keywords);
	free(s->lang);
	free(s->summary);
	free(s->text);
	free(s->error);
	memset(s, 0, sizeof(*s));
	s->status = SITE_NOT_TRIED;
}

static void
sig_copy_release(struct sig_copy *s)
{
	free(s->company);
	free(s->title);
	free(s->website);
	free(s->address);
	free(s->country);
	free(s->text);
	strlist_release(&s->phones);
	strlist_release(&s->emails);
}

void
enrich_info_release(struct enrich_info *ei)
{
	size_t i;

	free(ei->domain);
	free(ei->reg_domain);
	free(ei->website);
	free(ei->site_title);
	free(ei->site_description);
	free(ei->site_name);
	free(ei->site_keywords);
	free(ei->site_lang);
	free(ei->site_summary);
	free(ei->industry);
	free(ei->country);
	for (i = 0; i < ei->ncountries; i++) {
		free(ei->countries[i].country);
		free(ei->countries[i].source);
		free(ei->countries[i].detail);
	}
	free(ei->countries);
	for (i = 0; i < ei->nsugg; i++) {
		free(ei->sugg[i].category);
		free(ei->sugg[i].evidence);
	}
	free(ei->sugg);
	for (i = 0; i < ei->nflags; i++) {
		free(ei->flags[i].code);
		free(ei->flags[i].reason);
	}
	free(ei->flags);
	memset(ei, 0, sizeof(*ei));
}

static void
info_init(struct enrich_info *ei)
{
	memset(ei, 0, sizeof(*ei));
	ei->free_mail = -1;
	ei->has_mx = -1;
	ei->site_status = SITE_NOT_TRIED;
}

static void
add_flag(struct enrich_info *ei, const char *code, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

static void
add_flag(struct enrich_info *ei, const char *code, const char *fmt, ...)
{
	va_list ap;

	ei->flags = xrealloc(ei->flags, (ei->nflags + 1) *
	    sizeof(*ei->flags));
	ei->flags[ei->nflags].code = xstrdup(code);
	va_start(ap, fmt);
	ei->flags[ei->nflags].reason = xvasprintf(fmt, ap);
	va_end(ap);
	ei->nflags++;
}

static void
add_country(struct enrich_info *ei, const char *cc, const char *source,
    const char *detail)
{
	size_t i;

	for (i = 0; i < ei->ncountries; i++)
		if (!strcmp(ei->countries[i].country, cc) &&
		    !strcmp(ei->countries[i].source, source))
			return;
	ei->countries = xrealloc(ei->countries, (ei->ncountries + 1) *
	    sizeof(*ei->countries));
	ei->countries[ei->ncountries].country = xstrdup(cc);
	ei->countries[ei->ncountries].source = xstrdup(source);
	ei->countries[ei->ncountries].detail = xstrdup(detail);
	ei->ncountries++;
}

/* ---- country tables ---- */

/*
 * The country of an international number ("+49 30 ...", "0086 ...") by
 * phone.c's table; a national number says nothing on its own.
 */
static const char *
phone_country(const char *phone)
{
	char e164[PHONE_E164_SIZE];
	const char *p = phone;
	size_t n = 0;

	while (*p == ' ' || *p == '(')
		p++;
	if (*p == '+')
		p++;
	else if (p[0] == '0' && p[1] == '0')
		p += 2;
	else
		return NULL;
	e164[n++] = '+';
	for (; *p && n < sizeof(e164) - 1; p++) {
		if (*p >= '0' && *p <= '9')
			e164[n++] = *p;
		else if (*p != ' ' && *p != '(' && *p != ')' && *p != '-' &&
		    *p != '.')
			break;
	}
	e164[n] = '\0';
	return n > 3 ? phone_country_of(e164) : NULL;
}

/*
 * The country a signature's country field or address names: an alpha-2
 * code, or the country name that ends last ("Berlin, Germany"), by
 * phone.c's table of names in several languages.
 */
static const char *
country_from_text(const char *text)
{
	static char cc[3];
	char *t;
	const char *r = NULL;

	if (str_blank(text))
		return NULL;
	t = str_trim(xstrdup(text));
	if (strlen(t) == 2 && ((t[0] | 0x20) >= 'a' && (t[0] | 0x20) <= 'z') &&
	    ((t[1] | 0x20) >= 'a' && (t[1] | 0x20) <= 'z')) {
		cc[0] = (char)(t[0] & ~0x20);
		cc[1] = (char)(t[1] & ~0x20);
		cc[2] = '\0';
		if (!strcmp(cc, "UK")) {	/* not ISO, but written */
			cc[0] = 'G';
			cc[1] = 'B';
		}
		if (phone_country_known(cc))
			r = cc;
	} else {
		r = phone_country_in_text(t, strlen(t), NULL);
	}
	free(t);
	return r;
}

struct lang_country {
	const char *lang;
	const char *cc;
};

/* Languages spoken mainly in one country. */
static const struct lang_country lang_countries[] = {
	{ "zh", "CN" }, { "ja", "JP" }, { "ko", "KR" }, { "ru", "RU" },
	{ "de", "DE" }, { "fr", "FR" }, { "it", "IT" }, { "es", "ES" },
	{ "pt", "PT" }, { "nl", "NL" }, { "pl", "PL" }, { "tr", "TR" },
	{ "vi", "VN" }, { "th", "TH" }, { "sv", "SE" }, { "da", "DK" },
	{ "fi", "FI" }, { "nb", "NO" }, { "no", "NO" }, { "cs", "CZ" },
	{ "el", "GR" }, { "he", "IL" }, { "hu", "HU" }, { "ro", "RO" },
	{ "uk", "UA" }, { "id", "ID" }, { "ms", "MY" }, { "fa", "IR" },
};

/*
 * The country of a page's language: its region ("es-MX" -> MX, strong)
 * or the language's main country ("ja" -> JP, weak).  *strong says which.
 */
static const char *
lang_country(const char *lang, int *strong)
{
	static char cc[3];
	const char *dash;
	size_t i;

	*strong = 0;
	if (str_blank(lang))
		return NULL;
	dash = strpbrk(lang, "-_");
	if (dash && strlen(dash + 1) == 2 &&
	    ((dash[1] >= 'a' && dash[1] <= 'z') ||
	    (dash[1] >= 'A' && dash[1] <= 'Z'))) {
		cc[0] = (char)(dash[1] & ~0x20);
		cc[1] = (char)(dash[2] & ~0x20);
		cc[2] = '\0';
		*strong = 1;
		return cc;
	}
	for (i = 0; i < ARRAY_SIZE(lang_countries); i++)
		if (!strncasecmp(lang, lang_countries[i].lang, 2) &&
		    (!lang[2] || lang[2] == '-' || lang[2] == '_'))
			return lang_countries[i].cc;
	return NULL;
}

/* ---- the enricher ---- */

static void
add_protect(struct enrich *en, const char *name, int own)
{
	struct domain_protect p;

	if (str_blank(name) || domain_protect_init(&p, name, own))
		return;
	en->protect = xrealloc(en->protect, (en->nprotect + 1) *
	    sizeof(*en->protect));
	en->protect[en->nprotect++] = p;
}

struct enrich *
enrich_new(const struct conf *c, const struct ruleset *rs,
    const struct catalog *cat, int offline)
{
	struct enrich *en = xcalloc(1, sizeof(*en));
	struct strlist errs = STRLIST_INIT;
	struct err e = ERR_INIT;
	const char *const *brands;
	size_t i, n = 0;

	en->c = c;
	en->rs = rs;
	en->cat = cat;
	en->online = !offline && c && c->enrich_enabled;
	if (c && dns_netlist_parse(&en->allow, c->allow_networks, &e))
		log_warnx("[enrich] allow_networks: %s; nothing is allowed",
		    e.msg);
	if (c && c->freemail_file) {
		en->freemail_local = domain_set_new();
		if (domain_set_load(en->freemail_local, c->freemail_file,
		    &errs))
			for (i = 0; i < errs.n; i++)
				log_warnx("%s", errs.v[i]);
	}
	brands = rs ? ruleset_list(rs, "brands", &n) : NULL;
	for (i = 0; brands && i < n; i++)
		add_protect(en, brands[i], 0);
	if (c) {
		char *copy, *p, *comma;

		add_protect(en, c->company_domain, 1);
		if (c->company_website) {
			char *host = xstrdup(c->company_website), *slash;

			if (strstr(host, "://"))
				memmove(host, strstr(host, "://") + 3,
				    strlen(strstr(host, "://") + 3) + 1);
			slash = strpbrk(host, "/:");
			if (slash)
				*slash = '\0';
			add_protect(en, host, 1);
			free(host);
		}
		if (c->brands) {
			copy = xstrdup(c->brands);
			for (p = copy; p; p = comma ? comma + 1 : NULL) {
				comma = strchr(p, ',');
				if (comma)
					*comma = '\0';
				add_protect(en, str_trim(p), 1);
			}
			free(copy);
		}
	}
	strlist_release(&errs);
	return en;
}

void
enrich_set_cache(struct enrich *en, const struct enrich_cache *cache)
{
	if (!en)
		return;
	if (cache && cache->get && cache->put) {
		en->cache = *cache;
		en->have_cache = 1;
	} else {
		en->have_cache = 0;
	}
}

static void job_free(struct enrich_job *j);

void
enrich_free(struct enrich *en)
{
	size_t i;

	if (!en)
		return;
	enrich_attach(en, NULL, NULL, NULL);
	while (en->jobs)
		job_free(en->jobs);
	xfer_free(en->xfer);
	dns_free(en->dns);
	dns_netlist_release(&en->allow);
	domain_set_free(en->freemail_local);
	for (i = 0; i < en->nprotect; i++)
		domain_protect_release(&en->protect[i]);
	free(en->protect);
	free(en);
}

/* The network engines, made when a job first needs them. */
static int
enrich_net(struct enrich *en)
{
	struct err e = ERR_INIT;

	if (!en->dns) {
		en->dns = dns_new(en->c->dns_servers, 1000, 2, &e);
		if (!en->dns) {
			log_warnx("enrich: %s; looking nothing up", e.msg);
			en->online = 0;
			return -1;
		}
	}
	if (!en->xfer)
		en->xfer = xfer_new();
	return 0;
}

static int
is_freemail(const struct enrich *en, const char *domain)
{
	int r = en->freemail_local ?
	    domain_set_lookup(en->freemail_local, domain) : -1;
	size_t n = 0;

	if (r >= 0)
		return r;
	if (!en->rs || !ruleset_list(en->rs, "freemail", &n))
		return -1;
	return ruleset_in_domain_list(en->rs, "freemail", domain) ? 1 : 0;
}

static int
is_disposable(const struct enrich *en, const char *domain)
{
	size_t n = 0;

	if (!en->rs || !ruleset_list(en->rs, "disposable", &n))
		return 0;
	return ruleset_in_domain_list(en->rs, "disposable", domain) ? 1 : 0;
}

/* ---- the cache ---- */

static void
jset_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

static char *
jget_str(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? xstrdup(v) : NULL;
}

/* Reads the record of key into the job: MX facts and/or the page. */
static void
cache_load(struct enrich_job *j, const char *key, int want_mx,
    int want_site)
{
	struct enrich *en = j->en;
	json_t *o, *s;
	json_error_t jerr;
	char *text;

	if (!en->have_cache || !key)
		return;
	text = en->cache.get(en->cache.ctx, key, (int64_t)time(NULL));
	if (!text)
		return;
	o = json_loads(text, 0, &jerr);
	free(text);
	if (!o)
		return;
	if (json_integer_value(json_object_get(o, "v")) !=
	    ENRICH_CACHE_VERSION)
		goto out;
	if (want_mx && json_is_integer(json_object_get(o, "mx")) &&
	    json_integer_value(json_object_get(o, "mx")) >= 0) {
		j->mx = (int)json_integer_value(json_object_get(o, "mx"));
		j->null_mx = json_is_true(json_object_get(o, "null_mx"));
		j->cached_mx = 1;
	}
	s = json_object_get(o, "site");
	if (want_site && json_is_object(s)) {
		site_release(&j->site);
		j->site.status = (int)json_integer_value(json_object_get(s,
		    "status"));
		j->site.timed_out = json_is_true(json_object_get(s,
		    "timed_out"));
		j->site.url = jget_str(s, "url");
		j->site.title = jget_str(s, "title");
		j->site.description = jget_str(s, "description");
		j->site.name = jget_str(s, "name");
		j->site.keywords = jget_str(s, "keywords");
		j->site.lang = jget_str(s, "lang");
		j->site.summary = jget_str(s, "summary");
		j->site.text = jget_str(s, "text");
		j->site.error = jget_str(s, "error");
		j->cached_site = 1;
	}
out:
	json_decref(o);
}

static void
cache_store(struct enrich_job *j, const char *key, int with_mx,
    int with_site)
{
	struct enrich *en = j->en;
	json_t *o, *s;
	char *text;
	int64_t now = (int64_t)time(NULL), ttl;
	int short_ttl = 0;

	if (!en->have_cache || !key || (!with_mx && !with_site))
		return;
	o = json_object();
	json_object_set_new(o, "v", json_integer(ENRICH_CACHE_VERSION));
	json_object_set_new(o, "mx", json_integer(with_mx ? j->mx : -1));
	if (with_mx && j->null_mx)
		json_object_set_new(o, "null_mx", json_true());
	if (with_mx && j->mx < 0)
		short_ttl = 1;
	if (with_site) {
		s = json_object();
		json_object_set_new(s, "status", json_integer(j->site.status));
		if (j->site.timed_out) {
			json_object_set_new(s, "timed_out", json_true());
			short_ttl = 1;
		}
		jset_str(s, "url", j->site.url);
		jset_str(s, "title", j->site.title);
		jset_str(s, "description", j->site.description);
		jset_str(s, "name", j->site.name);
		jset_str(s, "keywords", j->site.keywords);
		jset_str(s, "lang", j->site.lang);
		jset_str(s, "summary", j->site.summary);
		jset_str(s, "text", j->site.text);
		jset_str(s, "error", j->site.error);
		json_object_set_new(o, "site", s);
	}
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	ttl = en->c->enrich_cache_ttl;
	if (short_ttl && ttl > SHORT_TTL)
		ttl = SHORT_TTL;
	if (text && ttl > 0)
		en->cache.put(en->cache.ctx, key, text, now + ttl);
	free(text);
}

/* ---- the page ---- */

#ifdef HAVE_HTML
/* A few sentences of text: whitespace collapsed, cut at a boundary. */
static char *
summarise(const char *text)
{
	struct buf b = BUF_INIT(SUMMARY_MAX + 8);
	const char *p;
	int space = 0;
	size_t cut;

	for (p = text; *p && b.len < SUMMARY_MAX; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_addch(&b, ' ');
		space = 0;
		buf_addch(&b, *p);
	}
	if (*p && b.len >= SUMMARY_MAX) {
		/* Back to the end of a sentence, else of a word. */
		cut = b.len;
		while (cut > SUMMARY_MAX / 2 && b.data[cut - 1] != '.' &&
		    b.data[cut - 1] != '!' && b.data[cut - 1] != '?')
			cut--;
		if (cut <= SUMMARY_MAX / 2) {
			cut = b.len;
			while (cut > 0 && b.data[cut - 1] != ' ')
				cut--;
		}
		while (cut > 0 && ((unsigned char)b.data[cut] & 0xc0) == 0x80)
			cut--;
		buf_setlen(&b, cut);
		buf_rtrim(&b);
	}
	return buf_detach(&b, NULL);
}
#endif

/* Is this a parking page?  The "meta flag parked" rules decide. */
static int
site_parked(const struct enrich *en, const char *text)
{
	struct rule_hits hits = RULE_HITS_INIT;
	size_t i;
	int parked = 0;

	if (!en->rs || !text)
		return 0;
	ruleset_scan(en->rs, "website", NULL, text, strlen(text), NULL, &hits,
	    now_ms() + 200, NULL);
	for (i = 0; i < hits.n; i++) {
		const char *f = rule_meta(hits.v[i].rule, "flag");

		if (f && !strcmp(f, "parked"))
			parked = 1;
	}
	rule_hits_release(&hits);
	return parked;
}

static void
site_from_page(struct enrich_job *j, struct xfer_page *p)
{
	struct site *s = &j->site;
	struct buf u = BUF_INIT(2u << 20), scan = BUF_INIT(SCAN_TEXT_MAX);
	char *label = NULL;

	s->status = SITE_OK;
	free(s->url);
	s->url = xstrdup(p->url);
	if (p->content_type && !strcasestr(p->content_type, "html") &&
	    !strcasestr(p->content_type, "text/"))
		goto out;
#ifdef HAVE_HTML
	{
		struct html_meta m;
		struct buf t = BUF_INIT(64 * 1024);

		label = p->charset ? xstrdup(p->charset) :
		    html_sniff_charset(p->body.data, p->body.len);
		charset_to_utf8(label, p->body.data, p->body.len, &u, NULL);
		html_meta(u.data, u.len, &m);
		html_to_text(u.data, u.len, 0, &t);
		s->title = cap_dup(m.title ? m.title : m.og_title, FIELD_MAX);
		s->description = cap_dup(m.description ? m.description :
		    m.og_description, FIELD_MAX);
		s->name = cap_dup(m.site_name, FIELD_MAX);
		s->keywords = cap_dup(m.keywords, FIELD_MAX);
		s->lang = cap_dup(m.lang, 32);
		s->summary = summarise(t.data);
		buf_addf(&scan, "%s\n%s\n%s\n%s\n", m.title ? m.title : "",
		    s->description ? s->description : "",
		    m.keywords ? m.keywords : "",
		    m.site_name ? m.site_name : "");
		buf_add(&scan, t.data, MIN(t.len, scan.max - scan.len));
		html_meta_release(&m);
		buf_release(&t);
	}
#else
	/* html.c is not in this build: the page's facts stay unknown. */
	(void)label;
	charset_to_utf8(p->charset, p->body.data, p->body.len, &u, NULL);
#endif
	/* Cut the scan text on a character boundary. */
	while (scan.len && ((unsigned char)scan.data[scan.len - 1] & 0x80) &&
	    !charset_utf8_valid(scan.data, scan.len))
		buf_setlen(&scan, scan.len - 1);
	s->text = buf_detach(&scan, NULL);
	if (site_parked(j->en, s->text))
		s->status = SITE_PARKED;
out:
	free(label);
	buf_release(&u);
	buf_release(&scan);
}

static void site_next(struct enrich_job *j);

static void
on_page(void *arg, struct xfer_page *p)
{
	struct enrich_job *j = arg;
	const char *failed_host;

	j->fetch = NULL;
	j->looked_up = 1;
	if (p->result == XFER_OK) {
		site_from_page(j, p);
		strlist_release(&j->urls);
	} else {
		j->site.status = SITE_UNREACHABLE;
		free(j->site.error);
		j->site.error = xstrdup(p->error ? p->error :
		    xfer_result_name(p->result));
		free(j->site.url);
		j->site.url = xstrdup_or_null(p->url);
		if (p->result == XFER_REFUSED)
			log_info("enrich: website of '%s' refused: %s",
			    log_esc(j->info.domain), log_esc(p->error));
		if (p->result == XFER_TLS) {
			/* Not read over plain HTTP instead: that is the
			 * downgrade certificate checks are there to stop. */
			struct strlist keep = STRLIST_INIT;
			size_t i;

			log_warnx("enrich: website of '%s': %s; not tried "
			    "over plain HTTP", log_esc(j->info.domain),
			    log_esc(p->error));
			j->site.tls_failed = 1;
			for (i = 0; i < j->urls.n; i++)
				if (!strncasecmp(j->urls.v[i], "https://", 8))
					strlist_push(&keep, j->urls.v[i]);
			strlist_release(&j->urls);
			j->urls = keep;
		} else if (p->result == XFER_REFUSED ||
		    p->result == XFER_TIMEOUT) {
			/* Final: a refusal is policy, a timeout the budget. */
			j->site.timed_out = p->result == XFER_TIMEOUT;
			strlist_release(&j->urls);
		} else if (p->result == XFER_NOHOST && p->url) {
			/* Drop the other URLs on the same host. */
			struct strlist keep = STRLIST_INIT;
			const char *h = strstr(p->url, "://");
			size_t i, hl;

			failed_host = h ? h + 3 : p->url;
			hl = strcspn(failed_host, "/:");
			for (i = 0; i < j->urls.n; i++) {
				const char *u = strstr(j->urls.v[i], "://");

				u = u ? u + 3 : j->urls.v[i];
				if (strcspn(u, "/:") != hl ||
				    strncmp(u, failed_host, hl))
					strlist_push(&keep, j->urls.v[i]);
			}
			strlist_release(&j->urls);
			j->urls = keep;
		}
	}
	xfer_page_release(p);
	site_next(j);
}

/* Starts the next candidate URL, or checks whether the job is done. */
static void
site_next(struct enrich_job *j)
{
	struct xfer_fetch_opts o;
	char *url;
	size_t i;

	if (!j->urls.n || now_ms() >= j->deadline) {
		if (j->urls.n) {
			j->site.timed_out = 1;
			j->site.status = SITE_UNREACHABLE;
			if (!j->site.error)
				j->site.error = xstrdup("no time left");
		}
		strlist_release(&j->urls);
		job_check(j);
		return;
	}
	url = j->urls.v[0];
	for (i = 1; i < j->urls.n; i++)
		j->urls.v[i - 1] = j->urls.v[i];
	j->urls.n--;
	j->urls.v[j->urls.n] = NULL;
	memset(&o, 0, sizeof(o));
	o.max_bytes = j->en->c->enrich_max_page ? j->en->c->enrich_max_page :
	    512 * 1024;
	o.max_redirects = j->en->c->enrich_max_redirects;
	o.deadline_ms = j->deadline;
	o.ca_file = j->en->c->enrich_ca_file;
	o.https_port = j->en->c->enrich_https_port;
	o.http_port = j->en->c->enrich_http_port;
	o.allow = &j->en->allow;
	j->fetch = xfer_fetch_start(j->en->xfer, j->en->dns, url, &o, on_page,
	    j);
	free(url);
}

static void
on_mx(void *arg, enum dns_status st, const struct dns_mx *mx, size_t n)
{
	struct enrich_job *j = arg;

	(void)mx;
	j->mxq = NULL;
	j->looked_up = 1;
	switch (st) {
	case DNS_OK:
		j->mx = n > 0;
		j->null_mx = n == 0;
		break;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		j->mx = 0;
		break;
	default:
		j->mx = -1;
		j->mx_timed_out = st == DNS_TIMEOUT;
		break;
	}
	job_check(j);
}

/* ---- conclusions ---- */

struct industry {
	const char *name;	/* borrowed from the rule */
	double score;
	struct strlist ev;
	struct strlist rules;	/* ids counted, once each per source */
};

static void
scan_industries(const struct enrich *en, const char *source,
    const char *target, const char *text, struct industry **ind,
    size_t *nind)
{
	struct rule_hits hits = RULE_HITS_INIT;
	size_t i, k;

	if (!en->rs || str_blank(text))
		return;
	ruleset_scan(en->rs, target, NULL, text, strlen(text), NULL, &hits,
	    now_ms() + 300, NULL);
	for (i = 0; i < hits.n; i++) {
		const struct rule *r = hits.v[i].rule;
		const char *name = rule_meta(r, "industry");
		const char *st = rule_meta(r, "strength");
		double strength = 1;
		char *key;

		if (!name)
			continue;
		if (st)
			str_to_double(st, &strength);
		for (k = 0; k < *nind; k++)
			if (!strcmp((*ind)[k].name, name))
				break;
		if (k == *nind) {
			*ind = xrealloc(*ind, (*nind + 1) * sizeof(**ind));
			memset(&(*ind)[k], 0, sizeof(**ind));
			(*ind)[k].name = name;
			(*nind)++;
		}
		key = xasprintf("%s:%s", source, r->id);
		if (strlist_find(&(*ind)[k].rules, key, 0) < 0) {
			(*ind)[k].score += strength;
			strlist_push(&(*ind)[k].rules, key);
			strlist_pushf(&(*ind)[k].ev, "%s '%s'", source,
			    hits.v[i].match);
		}
		free(key);
	}
	rule_hits_release(&hits);
}

static int
industry_cmp(const void *a, const void *b)
{
	const struct industry *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int
sugg_cmp(const void *a, const void *b)
{
	const struct suggestion *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->category, y->category);
}

/*
 * The catalog's spelling of a category (catalog_category: case and plurals
 * ignored), or NULL if it has none such; with no catalog, the map's words.
 */
static const char *
category_spelling(const struct catalog *cat, const char *name)
{
	if (!cat || !cat->categories.n)
		return name;
	return catalog_category(cat, name);
}

static void
conclude_suggestions(struct enrich_job *j)
{
	struct enrich *en = j->en;
	struct enrich_info *ei = &j->info;
	struct industry *ind = NULL;
	size_t nind = 0, i, k, pos;
	struct buf sig = BUF_INIT(16 * 1024);

	if (j->site.status == SITE_OK)
		scan_industries(en, "website", "website", j->site.text, &ind,
		    &nind);
	buf_addf(&sig, "%s\n%s\n%s\n", j->sig.company ? j->sig.company : "",
	    j->sig.title ? j->sig.title : "", j->sig.text ? j->sig.text : "");
	scan_industries(en, "signature", "website", sig.data, &ind, &nind);
	scan_industries(en, "signature", "signature", sig.data, &ind, &nind);
	buf_release(&sig);
	if (!nind)
		return;
	qsort(ind, nind, sizeof(*ind), industry_cmp);
	ei->industry = xstrdup(ind[0].name);
	for (i = 0; i < nind; i++) {
		const char *map = ruleset_map_get(en->rs,
		    "industry_categories", ind[i].name);
		char *copy, *p, *comma;

		if (!map)
			continue;
		copy = xstrdup(map);
		for (p = copy, pos = 0; p; p = comma ? comma + 1 : NULL) {
			const char *cat;
			struct buf ev = BUF_INIT(2048);

			comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			cat = category_spelling(en->cat, str_trim(p));
			if (!cat || !*cat)
				continue;
			for (k = 0; k < ei->nsugg; k++)
				if (!strcasecmp(ei->sugg[k].category, cat))
					break;
			if (k == ei->nsugg) {
				ei->sugg = xrealloc(ei->sugg, (ei->nsugg + 1) *
				    sizeof(*ei->sugg));
				ei->sugg[k].category = xstrdup(cat);
				ei->sugg[k].score = 0;
				ei->sugg[k].evidence = NULL;
				ei->nsugg++;
			}
			ei->sugg[k].score += ind[i].score *
			    (1.0 - 0.15 * (double)MIN(pos, 5));
			pos++;
			if (ei->sugg[k].evidence)
				buf_addf(&ev, "%s; ", ei->sugg[k].evidence);
			buf_addf(&ev, "%s (", ind[i].name);
			for (size_t e = 0; e < ind[i].ev.n && e < 4; e++)
				buf_addf(&ev, "%s%s", e ? ", " : "",
				    ind[i].ev.v[e]);
			buf_addch(&ev, ')');
			free(ei->sugg[k].evidence);
			ei->sugg[k].evidence = buf_detach(&ev, NULL);
			buf_release(&ev);
		}
		free(copy);
	}
	qsort(ei->sugg, ei->nsugg, sizeof(*ei->sugg), sugg_cmp);
	while (ei->nsugg > MAX_SUGG) {
		ei->nsugg--;
		free(ei->sugg[ei->nsugg].category);
		free(ei->sugg[ei->nsugg].evidence);
	}
	for (i = 0; i < nind; i++) {
		strlist_release(&ind[i].ev);
		strlist_release(&ind[i].rules);
	}
	free(ind);
}

static void
conclude_country(struct enrich_job *j)
{
	struct enrich_info *ei = &j->info;
	size_t i, k, best = 0;
	struct vote { const char *cc; double w; } votes[16];
	size_t nv = 0;
	struct strlist strong_cc = STRLIST_INIT;

	/* Weights: what the sender states beats what the domain suggests. */
	for (i = 0; i < ei->ncountries; i++) {
		const struct country_evidence *c = &ei->countries[i];
		double w = !strcmp(c->source, "address") ? 3 :
		    !strcmp(c->source, "phone") ? 2 :
		    !strcmp(c->source, "cctld") ? 2 :
		    strchr(c->detail, '-') ? 1.5 : 0.5;

		if (w >= 1.5 && strlist_find(&strong_cc, c->country, 0) < 0)
			strlist_push(&strong_cc, c->country);
		for (k = 0; k < nv; k++)
			if (!strcmp(votes[k].cc, c->country))
				break;
		if (k == nv) {
			if (nv == ARRAY_SIZE(votes))
				continue;
			votes[nv].cc = c->country;
			votes[nv++].w = 0;
		}
		votes[k].w += w;
	}
	for (k = 1; k < nv; k++)
		if (votes[k].w > votes[best].w)
			best = k;
	if (nv)
		ei->country = xstrdup(votes[best].cc);
	if (strong_cc.n > 1) {
		struct buf b = BUF_INIT(4096);

		for (i = 0; i < ei->ncountries; i++)
			buf_addf(&b, "%s%s %s (%s)", i ? ", " : "",
			    ei->countries[i].source, ei->countries[i].country,
			    ei->countries[i].detail);
		add_flag(ei, "country_conflict", "the country evidence "
		    "disagrees: %s; best guess %s", b.data, ei->country);
		buf_release(&b);
	}
	strlist_release(&strong_cc);
}

static void
job_conclude(struct enrich_job *j)
{
	struct enrich *en = j->en;
	struct enrich_info *ei = &j->info;
	int strong;
	const char *cc;

	/* Facts from the lookups (or the cache). */
	ei->has_mx = j->mx;
	if (j->site.status != SITE_NOT_TRIED) {
		ei->site_status = j->site.status;
		ei->website = xstrdup_or_null(j->site.url);
		if (j->site.status != SITE_UNREACHABLE) {
			ei->site_title = xstrdup_or_null(j->site.title);
			ei->site_description =
			    xstrdup_or_null(j->site.description);
			ei->site_name = xstrdup_or_null(j->site.name);
			ei->site_keywords = xstrdup_or_null(j->site.keywords);
			ei->site_lang = xstrdup_or_null(j->site.lang);
			ei->site_summary = xstrdup_or_null(j->site.summary);
		}
	}
	ei->from_cache = (j->cached_mx || j->cached_site) && !j->looked_up;
	if (ei->site_lang && ei->site_status == SITE_OK &&
	    (cc = lang_country(ei->site_lang, &strong)))
		add_country(ei, cc, "website-lang", ei->site_lang);
	conclude_suggestions(j);
	conclude_country(j);

	if (j->mx == 0 && j->info.domain)
		add_flag(ei, "no_mx", j->null_mx ?
		    "'%s' publishes a null MX: it receives no mail, so a reply "
		    "cannot reach this sender" :
		    "'%s' has no MX record: the domain is not set up to "
		    "receive mail", j->info.domain);
	if (j->site.status == SITE_UNREACHABLE)
		add_flag(ei, "website_unreachable", "the website %s could not "
		    "be read: %s", j->site.url ? j->site.url : "",
		    j->site.error ? j->site.error : "unknown error");
	if (j->site.tls_failed && j->site.status != SITE_OK)
		add_flag(ei, "website_certificate", "the website of %s "
		    "presented a certificate that did not verify; it was not "
		    "read over plain HTTP either", j->info.domain ?
		    j->info.domain : "");
	if (j->site.status == SITE_PARKED)
		add_flag(ei, "website_parked", "the website %s is a parking "
		    "or domain-sale page, not a company's site",
		    j->site.url ? j->site.url : "");
	if (j->looked_up) {
		int same = j->site_key && j->mx_key &&
		    !strcmp(j->site_key, j->mx_key);

		cache_store(j, j->mx_key, 1, same && j->site_host);
		if (j->site_key && !same)
			cache_store(j, j->site_key, 0, 1);
	}
	(void)en;
}

/* ---- jobs ---- */

static void
job_link(struct enrich *en, struct enrich_job *j)
{
	j->next = en->jobs;
	if (en->jobs)
		en->jobs->prev = j;
	en->jobs = j;
	en->njobs++;
}

static void
job_free(struct enrich_job *j)
{
	struct enrich *en = j->en;

	if (j->prev)
		j->prev->next = j->next;
	else
		en->jobs = j->next;
	if (j->next)
		j->next->prev = j->prev;
	en->njobs--;
	dns_cancel(j->mxq);
	xfer_fetch_cancel(j->fetch);
	enrich_info_release(&j->info);
	sig_copy_release(&j->sig);
	site_release(&j->site);
	strlist_release(&j->urls);
	free(j->mx_key);
	free(j->site_host);
	free(j->site_url);
	free(j->site_key);
	free(j);
}

static void
job_check(struct enrich_job *j)
{
	if (j->done || j->mxq || j->fetch || j->urls.n)
		return;
	job_conclude(j);
	j->done = 1;
}

/* Everything that needs no network. */
static void
job_offline(struct enrich_job *j, const struct parsed_msg *pm,
    const struct sig_result *s)
{
	struct enrich *en = j->en;
	struct enrich_info *ei = &j->info;
	const char *addr = pm && pm->from.addr ? pm->from.addr : NULL;
	const char *at = addr ? strrchr(addr, '@') : NULL;
	const char *cc;
	char *why = NULL, *site_reg = NULL;
	size_t i;

	if (s) {
		j->sig.company = xstrdup_or_null(s->f.company);
		j->sig.title = xstrdup_or_null(s->f.title);
		j->sig.website = xstrdup_or_null(s->f.website);
		j->sig.address = xstrdup_or_null(s->f.address);
		j->sig.country = xstrdup_or_null(s->f.country);
		j->sig.text = cap_dup(s->signature, 8192);
		for (i = 0; i < s->f.phones.n; i++)
			strlist_push(&j->sig.phones, s->f.phones.v[i]);
		for (i = 0; i < s->f.mobiles.n; i++)
			strlist_push(&j->sig.phones, s->f.mobiles.v[i]);
		if (s->f.whatsapp)
			strlist_push(&j->sig.phones, s->f.whatsapp);
		for (i = 0; i < s->f.emails.n; i++)
			strlist_push(&j->sig.emails, s->f.emails.v[i]);
	}
	if (at) {
		ei->domain = domain_normalize(at + 1);
		if (ei->domain)
			ei->reg_domain = domain_registrable(ei->domain);
	}
	if (ei->domain) {
		ei->free_mail = is_freemail(en, ei->domain);
		ei->disposable = is_disposable(en, ei->domain);
		cc = domain_cctld_country(ei->domain);
		/* A free-mail ccTLD says where the provider is, not them. */
		if (cc && ei->free_mail != 1)
			add_country(ei, cc, "cctld", strrchr(ei->domain, '.'));
		j->mx_key = xstrdup(ei->domain);
	}
	for (i = 0; i < j->sig.phones.n; i++)
		if ((cc = phone_country(j->sig.phones.v[i])))
			add_country(ei, cc, "phone", j->sig.phones.v[i]);
	if ((cc = country_from_text(j->sig.country)))
		add_country(ei, cc, "address", j->sig.country);
	else if ((cc = country_from_text(j->sig.address)))
		add_country(ei, cc, "address", j->sig.address);

	/* The website: the company's own, or the one in the signature. */
	if (ei->reg_domain && ei->free_mail != 1 && !ei->disposable) {
		j->site_host = xstrdup(ei->reg_domain);
	} else if (!str_blank(j->sig.website)) {
		const char *w = j->sig.website, *h = strstr(w, "://");
		char *host;

		host = xstrndup(h ? h + 3 : w, strcspn(h ? h + 3 : w,
		    "/:?# "));
		j->site_host = domain_normalize(host);
		free(host);
		if (j->site_host)
			j->site_url = xstrdup(w);
	}
	if (j->site_host) {
		site_reg = domain_registrable(j->site_host);
		j->site_key = xstrdup(site_reg ? site_reg : j->site_host);
	}

	/* Risk flags that need no network. */
	if (ei->disposable)
		add_flag(ei, "disposable", "'%s' is a disposable (throwaway) "
		    "mail service", ei->reg_domain ? ei->reg_domain :
		    ei->domain);
	if (ei->free_mail == 1) {
		const char *own = NULL;
		char *own_reg = NULL;

		if (site_reg && is_freemail(en, site_reg) != 1)
			own = site_reg;
		for (i = 0; !own && i < j->sig.emails.n; i++) {
			const char *ea = strrchr(j->sig.emails.v[i], '@');

			free(own_reg);
			own_reg = ea ? domain_registrable(ea + 1) : NULL;
			if (own_reg && is_freemail(en, own_reg) == 0)
				own = own_reg;
		}
		if (own)
			add_flag(ei, "free_mail_company", "writes from free "
			    "mail (%s) while the signature names %s%s%swith "
			    "its own domain %s", ei->reg_domain ?
			    ei->reg_domain : ei->domain,
			    j->sig.company ? "'" : "a company ",
			    j->sig.company ? j->sig.company : "",
			    j->sig.company ? "' " : "", own);
		free(own_reg);
	}
	if (ei->reg_domain && domain_is_punycode(ei->reg_domain)) {
		char *u = domain_to_unicode(ei->reg_domain);

		add_flag(ei, "punycode", "'%s' is an internationalised "
		    "domain, shown as '%s': check it is the company you think",
		    ei->reg_domain, u);
		free(u);
	}
	if (ei->reg_domain && ei->free_mail != 1 &&
	    domain_lookalike(ei->reg_domain, en->protect, en->nprotect, &why)) {
		add_flag(ei, "lookalike", "%s", why);
		free(why);
	}
	if (site_reg && strcmp(site_reg, ei->reg_domain ? ei->reg_domain : "") &&
	    domain_lookalike(site_reg, en->protect, en->nprotect, &why)) {
		add_flag(ei, "lookalike", "the signature's website: %s", why);
		free(why);
	}
	free(site_reg);
}

static void
job_lookups(struct enrich_job *j)
{
	struct enrich *en = j->en;
	int want_mx = j->mx_key != NULL;
	int want_site = j->site_host != NULL;
	int same;

	same = j->site_key && j->mx_key && !strcmp(j->site_key, j->mx_key);
	if (want_mx)
		cache_load(j, j->mx_key, 1, same && want_site);
	if (want_site && !same)
		cache_load(j, j->site_key, 0, 1);
	if (j->cached_mx)
		want_mx = 0;
	if (j->cached_site)
		want_site = 0;
	if (!en->online || (!want_mx && !want_site))
		return;
	if (enrich_net(en))
		return;
	if (want_mx)
		j->mxq = dns_query_mx(en->dns, j->mx_key, on_mx, j);
	if (want_site) {
		const char *h = j->site_host;

		if (j->site_url && strstr(j->site_url, "://")) {
			strlist_push(&j->urls, j->site_url);
			if (!strncasecmp(j->site_url, "https://", 8))
				strlist_pushf(&j->urls, "http://%s",
				    j->site_url + 8);
		} else {
			strlist_pushf(&j->urls, "https://%s/", h);
			strlist_pushf(&j->urls, "http://%s/", h);
			if (strncmp(h, "www.", 4)) {
				strlist_pushf(&j->urls, "https://www.%s/", h);
				strlist_pushf(&j->urls, "http://www.%s/", h);
			}
		}
		site_next(j);
	}
}

struct enrich_job *
enrich_start(struct enrich *en, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v)
{
	struct enrich_job *j = xcalloc(1, sizeof(*j));
	long t = en->c ? en->c->enrich_timeout : 5;

	(void)v;
	j->en = en;
	info_init(&j->info);
	j->mx = -1;
	site_release(&j->site);
	j->start = now_ms();
	j->deadline = j->start + (uint64_t)(t > 0 ? t : 5) * 1000;
	job_link(en, j);
	job_offline(j, pm, s);
	job_lookups(j);
	job_check(j);
	if (en->ev && !en->in_ev)
		ev_sync(en);
	return j;
}

int
enrich_job_done(const struct enrich_job *job)
{
	return job->done;
}

size_t
enrich_pending(const struct enrich *en)
{
	return en->njobs;
}

struct enrich_job *
enrich_next_done(struct enrich *en)
{
	struct enrich_job *j;

	for (j = en->jobs; j; j = j->next)
		if (j->done)
			return j;
	return NULL;
}

void
enrich_finish(struct enrich_job *j, struct enrich_info *out)
{
	if (!j->done) {
		/* Stopped early: what is in flight stays unknown. */
		dns_cancel(j->mxq);
		j->mxq = NULL;
		if (j->fetch || j->urls.n) {
			xfer_fetch_cancel(j->fetch);
			j->fetch = NULL;
			j->site.status = SITE_UNREACHABLE;
			j->site.timed_out = 1;
			free(j->site.error);
			j->site.error = xstrdup("stopped before an answer");
		}
		strlist_release(&j->urls);
		job_conclude(j);
		j->done = 1;
	}
	*out = j->info;
	info_init(&j->info);
	job_free(j);
}

size_t
enrich_pollfds(struct enrich *en, struct pollfd *fds, size_t max)
{
	size_t n = 0;

	if (en->dns)
		n = dns_pollfds(en->dns, fds, max);
	if (en->xfer)
		n += xfer_pollfds(en->xfer, fds + n, max - n);
	return n;
}

static int
next_timeout(struct enrich *en, int done_is_due)
{
	struct enrich_job *j;
	int t = -1, u;
	uint64_t now = now_ms();

	for (j = en->jobs; j; j = j->next) {
		if (j->done) {
			if (done_is_due)
				return 0;
			continue;
		}
		u = j->deadline + 300 > now ? (int)(j->deadline + 300 - now) :
		    0;
		if (t < 0 || u < t)
			t = u;
	}
	if (en->dns && (u = dns_timeout(en->dns)) >= 0 && (t < 0 || u < t))
		t = u;
	if (en->xfer && (u = xfer_timeout(en->xfer)) >= 0 && (t < 0 || u < t))
		t = u;
	return t;
}

int
enrich_timeout(struct enrich *en)
{
	return next_timeout(en, 1);
}

void
enrich_perform(struct enrich *en, const struct pollfd *fds, size_t nfds)
{
	struct enrich_job *j;
	uint64_t now;

	/* Each engine handles its own sockets and skips the others. */
	if (en->dns)
		dns_process(en->dns, fds, nfds);
	if (en->xfer)
		xfer_process(en->xfer, fds, nfds);
	now = now_ms();
	for (j = en->jobs; j; j = j->next) {
		if (j->done || now < j->deadline + 300)
			continue;
		/* The budget is spent: conclude with what is known. */
		dns_cancel(j->mxq);
		j->mxq = NULL;
		if (j->mx < 0)
			j->mx_timed_out = 1;
		if (j->fetch) {
			xfer_fetch_cancel(j->fetch);
			j->fetch = NULL;
			j->site.status = SITE_UNREACHABLE;
			j->site.timed_out = 1;
			free(j->site.error);
			j->site.error = xstrdup("no answer within the time "
			    "budget");
		}
		strlist_release(&j->urls);
		job_check(j);
	}
}

void
enrich_sender(struct enrich *en, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    struct enrich_info *out)
{
	struct enrich_job *j;
	struct pollfd fds[64];
	size_t n;
	int t;

	if (!en) {
		info_init(out);
		return;
	}
	j = enrich_start(en, pm, s, v);
	while (!j->done) {
		n = enrich_pollfds(en, fds, ARRAY_SIZE(fds));
		/* Other finished jobs are not ours to wake for. */
		t = next_timeout(en, 0);
		if (poll(fds, n, t < 0 ? 100 : t) < 0 && errno != EINTR)
			break;
		enrich_perform(en, fds, n);
	}
	enrich_finish(j, out);
}

/* ---- the evloop adapter ---- */

static void
ev_after(struct enrich *en)
{
	en->in_ev = 1;
	if (en->on_done && enrich_next_done(en))
		en->on_done(en, en->done_arg);
	en->in_ev = 0;
	if (en->ev)
		ev_sync(en);
}

static void
ev_on_fd(struct evloop *ev, int fd, short revents, void *arg)
{
	struct enrich *en = arg;
	struct pollfd p;

	(void)ev;
	p.fd = fd;
	p.events = 0;
	p.revents = revents;
	enrich_perform(en, &p, 1);
	ev_after(en);
}

static void
ev_on_timer(struct evloop *ev, void *arg)
{
	struct enrich *en = arg;

	(void)ev;
	en->timer = 0;
	enrich_perform(en, NULL, 0);
	ev_after(en);
}

/* Registers exactly the sockets the engines want, and the next timer. */
static void
ev_sync(struct enrich *en)
{
	struct pollfd fds[256];
	size_t n = enrich_pollfds(en, fds, ARRAY_SIZE(fds)), i, k;
	int t;

	for (i = 0; i < en->nwatched; i++) {
		for (k = 0; k < n; k++)
			if (fds[k].fd == en->watched[i])
				break;
		if (k == n)
			evloop_del_fd(en->ev, en->watched[i]);
	}
	en->watched = xrealloc(en->watched, (n ? n : 1) *
	    sizeof(*en->watched));
	en->nwatched = n;
	for (k = 0; k < n; k++) {
		evloop_add_fd(en->ev, fds[k].fd, fds[k].events, ev_on_fd, en);
		en->watched[k] = fds[k].fd;
	}
	if (en->timer)
		evloop_cancel(en->ev, en->timer);
	en->timer = 0;
	t = enrich_next_done(en) ? 0 : next_timeout(en, 0);
	if (t >= 0)
		en->timer = evloop_timer(en->ev, (uint64_t)t, ev_on_timer, en);
}

void
enrich_attach(struct enrich *en, struct evloop *ev, enrich_done_fn *on_done,
    void *arg)
{
	size_t i;

	if (en->ev) {
		for (i = 0; i < en->nwatched; i++)
			evloop_del_fd(en->ev, en->watched[i]);
		if (en->timer)
			evloop_cancel(en->ev, en->timer);
	}
	free(en->watched);
	en->watched = NULL;
	en->nwatched = 0;
	en->timer = 0;
	en->ev = ev;
	en->on_done = on_done;
	en->done_arg = arg;
	if (ev)
		ev_sync(en);
}
