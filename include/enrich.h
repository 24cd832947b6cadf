/*
 * enrich.h - the background check on a sender: domain facts, the company
 * website, country with evidence, suggested product categories and risk
 * flags, within a time budget, cached in the store.
 *
 * A lookup that fails leaves its facts unknown; enrichment never fails a
 * message.  With enrichment disabled (config or --offline) only the
 * offline facts are filled: registrable domain, free-mail, disposable,
 * ccTLD and phone-code country, signature-based suggestions.
 *
 * What is looked up, for a sender at user@D:
 *  - offline: D's registrable domain (libpsl, IDN as punycode), free mail
 *    (rules list "freemail" and [enrich] freemail_file), disposable (list
 *    "disposable"), the ccTLD's country, look-alikes of the "brands" list
 *    and of our own [company] domain and brands;
 *  - online (dns.c, xfer.c): D's MX records; the home page of D's
 *    registrable domain when D is a company domain, or of the website in
 *    the signature when D is free mail: https first, then http, then the
 *    "www." name, all within one budget ([enrich] timeout, 5 s by
 *    default, for the whole sender), through the SSRF guard of xfer.h;
 *  - from the page (charset.c, html.c): title, description, keywords,
 *    og:site_name, language and a short summary; parked-domain signs
 *    ("meta flag parked" rules);
 *  - industries: the "website" rules with "meta industry" run over the
 *    page's text and over the signature; the map "industry_categories"
 *    turns them into our catalog's categories, ranked, with evidence;
 *  - country with evidence from the ccTLD, the phone calling codes, the
 *    signature's country or address and the page's language; a
 *    disagreement is kept in the evidence and flagged;
 *  - risk flags, each with a reason for the rep.
 * Per-domain facts (MX, the page) are cached through struct enrich_cache
 * as JSON with [enrich] cache_ttl (an hour when a lookup ran out of time);
 * signature-based facts are recomputed for every message.
 *
 * Concurrency.  A sender's check is a job: enrich_start() does the
 * offline part at once and starts the lookups; the DNS queries (one
 * c-ares channel) and the page fetches (one curl multi handle) of every
 * job in flight share the caller's poll loop through enrich_pollfds(),
 * enrich_timeout() and enrich_perform(), exactly like the daemon's other
 * sockets, so a slow site holds up only its own job and never the
 * mailbox.  No threads: c-ares and curl's multi interface are built for
 * this, the jobs share one c-ares channel and one curl connection
 * pool, and the state that comes back (the cache) is touched only from
 * the loop.  enrich_sender() is the same job run to completion, for the
 * pipeline and commands that handle one message at a time.
 */
#ifndef INQUIRYD_ENRICH_H
#define INQUIRYD_ENRICH_H

#include <poll.h>

#include "classify.h"

struct conf;
struct ruleset;
struct catalog;

struct suggestion {
	char *category;		/* one of the catalog's categories */
	double score;
	char *evidence;		/* "website: 'smartphones', 'accessories'" */
};

struct country_evidence {
	char *country;		/* ISO 3166 alpha-2 */
	char *source;		/* cctld, phone, address, website-lang */
	char *detail;		/* ".de", "+49 ...", "Berlin, Germany" */
};

struct risk_flag {
	char *code;		/* free_mail_company, lookalike, no_mx, ... */
	char *reason;		/* for the rep, never for the customer */
};

struct enrich_info {
	char *domain;		/* of the sender's address */
	char *reg_domain;	/* registrable domain (public suffix list) */
	int free_mail;		/* 1, 0, or -1 unknown */
	int disposable;
	int has_mx;		/* 1, 0, or -1 unknown */
	char *website;		/* URL fetched, NULL if none */
	char *site_title;
	char *site_description;
	char *site_name;	/* og:site_name */
	char *site_keywords;
	char *site_lang;
	char *site_summary;	/* a few sentences of text */
	int site_status;	/* 1 ok, 0 unreachable, 2 parked, -1 not tried */
	char *industry;		/* best industry, NULL if none */
	char *country;		/* best guess, ISO alpha-2, NULL if none */
	struct country_evidence *countries;	/* owned */
	size_t ncountries;
	struct suggestion *sugg;	/* owned, best first */
	size_t nsugg;
	struct risk_flag *flags;	/* owned */
	size_t nflags;
	int from_cache;
};

struct enrich;

/*
 * Creates an enricher from the [enrich] config, the ruleset (free-mail and
 * disposable lists, industry rules), and the catalog (its categories).
 * All three are borrowed.  offline forces the network off.
 */
struct enrich *enrich_new(const struct conf *c, const struct ruleset *rs,
    const struct catalog *cat, int offline);
void enrich_free(struct enrich *en);

/*
 * Fills out for the sender of pm (with signature fields s and verdict v).
 * Uses and fills the cache through the store callbacks set with
 * enrich_set_cache; never fails.  out is initialised by the call.
 */
void enrich_sender(struct enrich *en, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    struct enrich_info *out);
void enrich_info_release(struct enrich_info *ei);

/*
 * The cache interface, implemented by store.c (state that comes back goes
 * through an interface the earlier stage declares).  get returns a JSON
 * text (malloc'd) of a still-fresh entry or NULL; put stores one.
 */
struct enrich_cache {
	void *ctx;
	char *(*get)(void *ctx, const char *domain, int64_t now);
	void (*put)(void *ctx, const char *domain, const char *json,
	    int64_t expires);
};
void enrich_set_cache(struct enrich *en, const struct enrich_cache *cache);

/*
 * The asynchronous interface (see "Concurrency" above).  enrich_start
 * copies what it needs from pm, s and v (they may be freed at once) and
 * returns a job, which may already be done (offline, or every fact was
 * cached).  The loop then polls the fds enrich_pollfds fills (at most
 * max; returns how many), sleeps at most enrich_timeout() ms (-1: no
 * lookup in flight) and calls enrich_perform() with what poll returned.
 * enrich_next_done() returns a finished job (or NULL) and
 * enrich_finish() moves its result into out and frees the job; called on
 * a job that is not done, it stops its lookups and gives what is known.
 * Jobs of one enricher run in one thread.
 */
struct enrich_job;
struct enrich_job *enrich_start(struct enrich *en,
    const struct parsed_msg *pm, const struct sig_result *s,
    const struct verdict *v);
size_t enrich_pollfds(struct enrich *en, struct pollfd *fds, size_t max);
int enrich_timeout(struct enrich *en);
void enrich_perform(struct enrich *en, const struct pollfd *fds,
    size_t nfds);
int enrich_job_done(const struct enrich_job *job);
struct enrich_job *enrich_next_done(struct enrich *en);
/* Jobs started and not finished yet. */
size_t enrich_pending(const struct enrich *en);
void enrich_finish(struct enrich_job *job, struct enrich_info *out);

/*
 * Drives the enricher from the daemon's evloop (evloop.h) instead of a
 * hand-written poll loop: its sockets become the loop's fds and its next
 * deadline a timer, kept in step after every event and every
 * enrich_start.  on_done(en, arg) is called from the loop whenever jobs
 * have finished; it must collect every finished job (enrich_next_done and
 * enrich_finish until NULL).  ev is borrowed and must outlive en, or
 * enrich_attach(en, NULL, NULL, NULL) must detach first.
 */
struct evloop;
typedef void enrich_done_fn(struct enrich *en, void *arg);
void enrich_attach(struct enrich *en, struct evloop *ev,
    enrich_done_fn *on_done, void *arg);

/* The "v" of the JSON cached per domain; older records are ignored. */
#define ENRICH_CACHE_VERSION 1

#endif
