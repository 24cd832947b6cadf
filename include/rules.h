/*
 * rules.h - the rule-file language admins own (rules/README.md).
 *
 * A ruleset is everything under the rules directory: classification
 * rules with weights, requirement extractors (named captures become
 * outline fields), signature field patterns, industry keywords, word
 * lists and thresholds.  Loading is all-or-nothing: ruleset_load() either
 * returns a complete ruleset or reports every error as
 * "file:line:column: message" and returns nothing, so a broken edit never
 * replaces rules in force.
 *
 * Other modules use a ruleset through ruleset_scan(): "run every rule that
 * looks at TARGET over this text", which gives the hits with their named
 * captures.  classify.c sums the weights; sig.c reads the captures of the
 * "sigline" rules; enrich.c reads the "industry" metadata of "website"
 * rules.  Only rx.c calls PCRE2.
 */
#ifndef INQUIRYD_RULES_H
#define INQUIRYD_RULES_H

#include <stdint.h>

#include "util.h"

enum iq_class {
	CLASS_VAGUE = 0,
	CLASS_DETAILED = 1,
	CLASS_SPAM = 2,
	CLASS_COUNT
};

/* "vague", "detailed", "spam". */
const char *class_name(enum iq_class c);
/* The class named s, or -1. */
int class_from_name(const char *s);

struct rule_meta {
	char *key;
	char *value;
};

/* A rule as loaded; read-only outside rules.c. */
struct rule {
	char *id;
	char *file;		/* as given to ruleset_load, joined with dir */
	int line;		/* line of the "rule" keyword */
	char *target;		/* what it looks at: "visible", "sigline"... */
	char *header;		/* for target "header": the field name */
	char *describe;
	struct strlist langs;	/* empty: every language */
	double weight[CLASS_COUNT];
	char *field;		/* the whole match becomes this outline field */
	struct rule_meta *meta;	/* owned; "meta KEY VALUE" lines */
	size_t nmeta;
	unsigned max_hits;	/* matches counted per text, default 1 */
	/* the compiled pattern or list lives in rules.c */
	unsigned min_hits;	/* fires only with this many matches per text */
	char *when;		/* "when" condition as written, or NULL */
	int lang_any;		/* langs empty: runs for every language */
};

struct rule_capture {
	const char *name;	/* borrowed from the rule */
	char *value;		/* owned */
};

struct rule_hit {
	const struct rule *rule;	/* borrowed from the ruleset */
	char *match;		/* owned: the matched text (max 200 bytes) */
	size_t offset;		/* byte offset in the scanned text */
	size_t length;		/* length of the full match */
	struct rule_capture *caps;	/* owned: named groups that matched */
	size_t ncaps;
};

struct rule_hits {
	struct rule_hit *v;	/* owned */
	size_t n;
	size_t alloc;
};
#define RULE_HITS_INIT { NULL, 0, 0 }
void rule_hits_release(struct rule_hits *h);

struct ruleset;

/*
 * Loads every *.rules file under dir (sorted by name, so "10-" comes
 * before "20-") with their includes and lists.  Returns 0 and *out, or
 * -1 with every error appended to errors as "file:line:column: message".
 */
int ruleset_load(struct ruleset **out, const char *dir,
    struct strlist *errors);
void ruleset_free(struct ruleset *rs);

/*
 * Runs each rule whose target is target (and, for "header", whose header
 * is header_name) and whose languages include lang (lang NULL: rules of
 * every language; several codes may be given, "fr en", and a rule runs
 * when it has any of them) over text, appending one hit per match up to
 * the rule's max_hits.  A rule with min_hits keeps its hits only when it
 * matched that often in this text.  Matching stops at deadline_ms
 * (now_ms() clock; 0 = no limit) and each rule's match and depth limits;
 * a rule that hits a limit is skipped with a line in warnings (may be
 * NULL).  Returns the number of hits appended.  Named groups and "field"
 * become the hit's captures (white space collapsed); with "expand" the
 * field gets the whole sentence or line around the match.
 */
size_t ruleset_scan(const struct ruleset *rs, const char *target,
    const char *header_name, const char *text, size_t len, const char *lang,
    struct rule_hits *hits, uint64_t deadline_ms, struct strlist *warnings);

/*
 * A scanner keeps the per-match state (PCRE2 match data and JIT stack)
 * between ruleset_scan_with() calls, so that scanning the many targets of
 * one message allocates it once.  It belongs to one ruleset and one
 * caller; free it before the ruleset.
 */
struct rule_scanner;
struct rule_scanner *rule_scanner_new(const struct ruleset *rs);
void rule_scanner_free(struct rule_scanner *s);
/*
 * Makes the scanner add the nanoseconds each rule takes to ns[i] (i as
 * in ruleset_rule(); ruleset_count() entries, borrowed), for "rules test
 * --bench".
 */
void rule_scanner_time(struct rule_scanner *s, uint64_t *ns);
/* Turns the literal prefilter (rx.h) off or on (on by default), for tests
 * that check it never changes what the rules find. */
void rule_scanner_prefilter(struct rule_scanner *s, int on);
/*
 * Lets the scanner run the patterns of an all-ASCII text without their
 * Unicode classes (rx_exec_ascii: the same hits, faster once a pattern
 * has run a few dozen times, after a one-time compile of it), off by
 * default: for a caller that scans many short texts with the same
 * rules, such as sig.c's "sigline" lines.
 */
void rule_scanner_ascii(struct rule_scanner *s, int on);
/* ruleset_scan() with a scanner. */
size_t ruleset_scan_with(const struct ruleset *rs, struct rule_scanner *scn,
    const char *target, const char *header_name, const char *text,
    size_t len, const char *lang, struct rule_hits *hits,
    uint64_t deadline_ms, struct strlist *warnings);

/*
 * After every target of a message was scanned into hits: applies the
 * rules' "when" conditions (drops the hits of pattern rules whose
 * condition is false) and appends one hit (match "", no captures) for each
 * condition-only rule that holds.  lang as for ruleset_scan.  Returns the
 * number of hits appended.
 */
size_t ruleset_resolve(const struct ruleset *rs, struct rule_hits *hits,
    const char *lang);

/* True when word (case-insensitive) is in the list called name. */
int ruleset_in_list(const struct ruleset *rs, const char *name,
    const char *word);
/*
 * As ruleset_in_list, and also when a parent domain of word is listed
 * ("mail.yahoo.co.uk" finds "yahoo.co.uk"); for an address, its domain.
 */
int ruleset_in_domain_list(const struct ruleset *rs, const char *name,
    const char *word);
/*
 * The entries of a list (lowercased, sorted, borrowed from rs) and their
 * number in *n; NULL and 0 when there is no such list.
 */
const char *const *ruleset_list(const struct ruleset *rs, const char *name,
    size_t *n);
/*
 * The value for key (case-insensitive, ufold_lower) in the map called
 * name ("map NAME FILE", lines "key = value"; the first line of a key
 * wins), borrowed from rs; NULL when absent.  A binary search.
 */
const char *ruleset_map_get(const struct ruleset *rs, const char *name,
    const char *key);
/* The i-th entry of a map, in file order; 0, or -1 past the end. */
int ruleset_map_entry(const struct ruleset *rs, const char *name, size_t i,
    const char **key, const char **value);

/*
 * True when name is a field a capture or "field" may name: an outline
 * field, a signature field, or one declared with "fields".
 */
int ruleset_known_field(const struct ruleset *rs, const char *name);
/*
 * The map that files "Label: value" outline entries under the field
 * their label names (classify.c; rules/README.md "Labelled lines").
 * Its values are outline fields, comma-separated, or "-"; "rules check"
 * says so when one is not.
 */
#define OUTLINE_LABELS_MAP "outline_labels"

/* True when name is one of the outline fields (not a signature field). */
int rules_outline_field(const char *name);
/* The outline field called name as a static string, or NULL. */
const char *rules_field_name(const char *name);

/*
 * A number that no other ruleset loaded by this process has (never 0):
 * a cache of what a module derives from rs keys on it, since a reloaded
 * ruleset may come back at the same address.
 */
unsigned long ruleset_serial(const struct ruleset *rs);

/* The per-message time budget ("limit time MS"), in milliseconds. */
unsigned long ruleset_budget_ms(const struct ruleset *rs);
/* The most bytes of one text that rules look at ("limit text N"). */
size_t ruleset_text_cap(const struct ruleset *rs);

/* The decision settings: "threshold CLASS N", "prefer A B C". */
double ruleset_threshold(const struct ruleset *rs, enum iq_class c);
/* Classes in order of preference on a tie, CLASS_COUNT entries. */
const enum iq_class *ruleset_preference(const struct ruleset *rs);
/* The class when no threshold is reached. */
enum iq_class ruleset_default_class(const struct ruleset *rs);

enum rules_decide {
	DECIDE_ORDER = 0,	/* first in "prefer" order over its threshold */
	DECIDE_MARGIN,		/* largest score minus threshold */
	DECIDE_SCORE,		/* largest score */
};
/* "decide order|margin|score". */
enum rules_decide ruleset_decide_mode(const struct ruleset *rs);
/*
 * The decision with rs's settings for these scores; why (may be NULL,
 * size > 0) gets a one-line reason such as "spam 6.5 >= threshold 5".
 */
enum iq_class ruleset_decide(const struct ruleset *rs,
    const double score[CLASS_COUNT], char *why, size_t whysize);

/* Every rule, in load order, for explain and "rules test". */
size_t ruleset_count(const struct ruleset *rs);
const struct rule *ruleset_rule(const struct ruleset *rs, size_t i);
/* A rule's metadata value for key, or NULL. */
const char *rule_meta(const struct rule *r, const char *key);
/*
 * The compiled pattern of a pattern or words rule (NULL for the others),
 * for benchmarks that run the same patterns in a bare loop.
 */
struct rx;
const struct rx *rule_rx(const struct rule *r);
/* How many rules have a prefilter (rx.h) and run only when it allows. */
size_t ruleset_prefiltered(const struct ruleset *rs);
/*
 * The prefilter of a rule: the strings one of which a text must contain
 * for it to run (appended to out), and those one of which its matches
 * start with, the only places it is tried (appended to starts); either
 * may be NULL.  Returns how many in all, 0 when it always runs
 * everywhere.
 */
size_t rule_prefilter(const struct ruleset *rs, const struct rule *r,
    struct strlist *out, struct strlist *starts);

#endif
