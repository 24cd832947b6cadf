/*
 * enrich.h - the background check on a sender: domain facts, the company
 * website, country with evidence, suggested product categories and risk
 * flags, within a time budget, cached in the store.
 *
 * A lookup that fails leaves its facts unknown; enrichment never fails a
 * message.  With enrichment disabled (config or --offline) only the
 * offline facts are filled: registrable domain, free-mail, disposable,
 * ccTLD and phone-code country, signature-based suggestions.
 */
#ifndef INQUIRYD_ENRICH_H
#define INQUIRYD_ENRICH_H

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

#endif
