/*
 * classify.h - the verdict on one message: vague, detailed or spam, with
 * the score per class, every rule that fired (with its file:line and the
 * text it matched), the requirement outline and the customer's questions.
 *
 * classify_message() runs the ruleset over the targets the parse and sig
 * stages produced (subject, visible text, signature, sender, headers,
 * attachment names).  It does not fail: a rule that times out is skipped
 * with a warning in v->warnings.
 */
#ifndef INQUIRYD_CLASSIFY_H
#define INQUIRYD_CLASSIFY_H

#include "parse.h"
#include "rules.h"
#include "sig.h"

struct requirement {
	char *field;		/* product, quantity, incoterm, port, ... */
	char *value;		/* as the customer wrote it */
	const struct rule *rule;	/* borrowed: the rule that found it */
};

struct verdict {
	enum iq_class cls;
	double score[CLASS_COUNT];
	struct rule_hits hits;	/* every rule that fired, in order */
	struct requirement *req;	/* owned: the outline */
	size_t nreq;
	struct strlist questions;	/* verbatim */
	char lang[8];		/* ISO 639-1, "en" when unsure */
	struct strlist warnings;	/* rules skipped on limits */
	double threshold[CLASS_COUNT];	/* the ruleset's, for explain */
	char why[256];		/* the decision in words */
	unsigned long elapsed_ms;	/* time spent matching */
	/* Their business as their own words say it ("We are a distributor
	 * of promotional products"): the "website" rules with "meta
	 * industry" (rules/80-industry.rules) run over the visible text.
	 * business: the words that said it (owned, NULL if none); lines:
	 * the map industry_categories of that industry, best first. */
	char *business;
	struct strlist lines;
};

/*
 * Optional inputs.  product_lookup, when set, is asked for each product
 * phrase the rules found (and for the subject and visible text when they
 * found none); it returns the catalog's name for it (borrowed, valid while
 * the verdict is used) or NULL.  A name it returns becomes the product
 * entry, the customer's words are kept as "product_phrase" entries.  The
 * pipeline passes a wrapper of catalog_match() here.
 */
struct classify_opts {
	const char *(*product_lookup)(void *arg, const char *text);
	void *arg;
	unsigned long budget_ms;	/* 0: the ruleset's "limit time" */
	uint64_t *rule_ns;	/* if set: time per rule added (rules.h) */
};
#define CLASSIFY_OPTS_INIT { NULL, NULL, 0, NULL }

/*
 * Classifies pm (as analysed by sig into s) with rs.  v is initialised by
 * the call; release it with verdict_release.  The verdict borrows rules
 * from rs: keep rs alive while v is used.  s may be NULL: the whole body
 * (pm->text) then stands for the visible text.
 */
void classify_message(const struct ruleset *rs, const struct parsed_msg *pm,
    const struct sig_result *s, struct verdict *v);
/* classify_message with options (opts may be NULL). */
void classify_message_opts(const struct ruleset *rs,
    const struct parsed_msg *pm, const struct sig_result *s,
    const struct classify_opts *opts, struct verdict *v);
void verdict_release(struct verdict *v);

/*
 * Prints the verdict for "classify --explain": each rule that fired with
 * its file:line, target, the matched text (escaped) and its weights, the
 * fields it filled; then the totals per class against the thresholds, the
 * decision, the language, the outline, the questions and any warnings.
 */
void classify_explain(FILE *fp, const struct verdict *v);

/* Guesses the language of text (ISO 639-1), "en" when unsure. */
const char *classify_language(const char *text, char out[8]);

/*
 * As classify_language, and also the languages worth running rules for,
 * space-separated, main one first ("fr en" for French with English in
 * it), into langs (size >= 16).
 */
const char *classify_languages(const char *text, char out[8],
    char *langs, size_t size);

#ifdef INQUIRYD_UNITTEST
long classify_stopwords_unsorted(void);
#endif

#endif
