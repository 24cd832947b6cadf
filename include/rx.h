/*
 * rx.h - regular expressions: PCRE2 compiled with error offsets, JIT
 * where the platform has it, and matched with explicit limits.
 *
 * This is the only module that calls PCRE2 (tests/lint/run keeps it so).
 * Patterns are always UTF-8 (PCRE2_UTF), Unicode-aware for \w \d \b and
 * case folding (PCRE2_UCP unless RX_ASCII), and invalid UTF-8 in a subject
 * is tolerated (PCRE2_MATCH_INVALID_UTF), so a hostile message can never
 * make a match fail for its bytes alone.
 *
 * A compiled struct rx is read-only after rx_compile() and may be shared;
 * the per-match state lives in a struct rx_scratch that each caller
 * creates for itself (no globals), so an old and a new ruleset can be used
 * side by side during a reload.
 */
#ifndef INQUIRYD_RX_H
#define INQUIRYD_RX_H

#include <stdint.h>

#include "util.h"

/* Flags, written as letters after a pattern's closing delimiter. */
enum rx_flag {
	RX_CASELESS = 1 << 0,	/* i */
	RX_MULTILINE = 1 << 1,	/* m: ^ and $ at every line */
	RX_DOTALL = 1 << 2,	/* s: . matches a newline */
	RX_EXTENDED = 1 << 3,	/* x: white space and # comments ignored */
	RX_UNGREEDY = 1 << 4,	/* U: quantifiers lazy by default */
	RX_ASCII = 1 << 5,	/* a: \w \d \b and [[:classes:]] ASCII only */
	RX_NO_AUTO_CAPTURE = 1 << 6,	/* n: (...) does not capture */
	RX_LITERAL = 1 << 7,	/* no flag letter: the pattern is a string */
	RX_ANCHORED = 1 << 8,	/* no letter: only at the start offset */
};

/*
 * Parses flag letters (imsxUan).  Returns 0, or -1 with *bad set to the
 * byte offset of the first letter that is not a flag.
 */
int rx_parse_flags(const char *s, size_t len, unsigned *flags, size_t *bad);

struct rx_error {
	size_t offset;		/* byte offset in the pattern */
	char msg[256];		/* PCRE2's own message */
};

struct rx;

/*
 * Compiles len bytes of pattern (need not be NUL-terminated) and tries to
 * JIT-compile it.  Returns the compiled pattern, or NULL with e filled.
 */
struct rx *rx_compile(const char *pattern, size_t len, unsigned flags,
    struct rx_error *e);
void rx_free(struct rx *rx);

/* True when the pattern runs through the JIT. */
int rx_is_jit(const struct rx *rx);
/* Highest capture group number (0 when there are none). */
unsigned rx_capture_count(const struct rx *rx);
/* True when the pattern can match an empty string. */
int rx_matches_empty(const struct rx *rx);

/*
 * Named groups: rx_name_count() of them, each with its name (borrowed
 * from rx) and group number.  With duplicate names (always allowed), a
 * name appears once per group.
 */
size_t rx_name_count(const struct rx *rx);
const char *rx_name(const struct rx *rx, size_t i, unsigned *group);

/*
 * Appends s to b as a pattern that matches it literally (ASCII
 * punctuation escaped; other bytes verbatim).  Returns 0 or -1 (b's cap).
 */
struct buf;
int rx_quote(struct buf *b, const char *s, size_t len);

/* Limits on one match (pcre2_set_match_limit and friends). */
struct rx_limits {
	uint32_t match;		/* backtracking steps, default 1,000,000 */
	uint32_t depth;		/* nested backtracking, default 10,000 */
	uint32_t heap_kib;	/* interpreter heap, default 20 MiB */
	size_t jit_stack;	/* JIT stack bytes, default 512 KiB */
};
#define RX_LIMITS_INIT { 1000000, 10000, 20480, 512 * 1024 }

/*
 * Per-caller match state: the match data (sized for up to max_groups
 * groups), the match context with the limits, and a JIT stack.  Cheap
 * enough to create once per message.
 */
struct rx_scratch;
struct rx_scratch *rx_scratch_new(const struct rx_limits *lim,
    unsigned max_groups);
void rx_scratch_free(struct rx_scratch *sc);

enum rx_result {
	RX_ERROR = -2,		/* some other PCRE2 error (err says which) */
	RX_LIMIT = -1,		/* a match, depth, heap or JIT stack limit */
	RX_NOMATCH = 0,
	RX_MATCH = 1,
};

/*
 * Looks for a match of rx in subject[0..len) starting at byte start
 * (lookbehinds may look before start).  On RX_MATCH the groups are
 * read with rx_group(); on RX_LIMIT or RX_ERROR errbuf (may be NULL) gets
 * PCRE2's message.
 */
int rx_exec(const struct rx *rx, const char *subject, size_t len,
    size_t start, struct rx_scratch *sc, char *errbuf, size_t errsize);
/*
 * rx_exec for a match that starts exactly at start.  Fast (JIT) only for
 * a pattern compiled with RX_ANCHORED; PCRE2's JIT does not anchor at
 * match time, and this falls back to the interpreter for others.
 */
int rx_exec_anchored(const struct rx *rx, const char *subject, size_t len,
    size_t start, struct rx_scratch *sc, char *errbuf, size_t errsize);
/*
 * rx_exec (anchored: rx_exec_anchored) for a subject that the caller
 * knows to hold only ASCII bytes (rx_is_ascii() of all len bytes): the
 * same results, faster for a pattern with Unicode classes, which are
 * the ASCII ones on such a text (its copy without them is compiled once
 * the pattern has run a few dozen times, and kept with rx).  Any other
 * subject: rx_exec.
 */
int rx_exec_ascii(const struct rx *rx, const char *subject, size_t len,
    size_t start, int anchored, struct rx_scratch *sc, char *errbuf,
    size_t errsize);
/* Are all len bytes of s ASCII (below 0x80)? */
int rx_is_ascii(const char *s, size_t len);

/*
 * Offsets of group g of the last match (0: the whole match).  Returns 0,
 * or -1 when the group did not take part in the match.
 */
int rx_group(const struct rx_scratch *sc, unsigned g, size_t *start,
    size_t *end);

/*
 * The prefilter: most rules cannot match most messages, and finding that
 * out costs less than running them.  rx_required_literals() reads a
 * pattern and finds strings at least one of which any match must contain
 * (compared after rx_fold()); a multi-string search (struct rx_lits,
 * Aho-Corasick) then finds which of all the rules' strings a text
 * contains in one pass, and a rule whose strings are all absent is not
 * run.  The analysis is conservative: where it is unsure (backreferences,
 * subroutine calls, conditionals, extended mode, scripts whose case
 * folding it does not know) it finds nothing and the rule always runs.
 */

/*
 * Appends to req the folded strings one of which every match of the
 * pattern contains, and to prefix those one of which every match starts
 * with (so the pattern need only be tried where they are); either may
 * stay empty.  resolve (may be NULL) gives the body of a subpattern the
 * pattern calls with (?&name), so calls can be looked into; it returns
 * NULL for names it does not know.  Returns 0, or -1 when neither set was
 * found.
 */
typedef const char *rx_resolve_fn(void *arg, const char *name, size_t len,
    size_t *body_len);
int rx_required_literals(const char *pattern, size_t len, unsigned flags,
    rx_resolve_fn *resolve, void *arg, struct strlist *req,
    struct strlist *prefix);

/*
 * Appends text folded for the prefilter: ASCII, Latin-1, Latin
 * Extended-A, Greek, Cyrillic and fullwidth letters in lower case.  When
 * map is not NULL, (*map)[i] is set to the offset in text of the folded
 * byte i (the array is grown with *alloc; a few letters fold to fewer
 * bytes).  Returns 0 or -1 (b's cap).
 */
int rx_fold(struct buf *b, const char *text, size_t len, size_t **map,
    size_t *alloc);

/* A set of strings searched for all at once; string i has id i. */
struct rx_lits;
struct rx_lits *rx_lits_new(const struct strlist *strings);
/*
 * The same, but string i has id ids[i] (ids of a larger set, so that a
 * subset's automaton reports them as the whole set's does).
 */
struct rx_lits *rx_lits_new_ids(const struct strlist *strings,
    const size_t *ids);
void rx_lits_free(struct rx_lits *l);
size_t rx_lits_count(const struct rx_lits *l);
/* Where a string was found: its id and the offset just past it. */
struct rx_lits_hit {
	size_t id;
	size_t end;
};

/*
 * Sets seen[id] to 1 for each string found in folded (by rx_fold), and,
 * when hits is not NULL, appends every occurrence, in text order, up to
 * max of them.  Returns 0, or -1 when there were more than max.
 */
int rx_lits_scan(const struct rx_lits *l, const char *folded, size_t len,
    unsigned char *seen, struct rx_lits_hit **hits, size_t *nhits,
    size_t *alloc, size_t max);
/*
 * rx_lits_scan over ASCII text as it is, not folded: the same hits as
 * over rx_fold's copy of it (which is the text with A-Z in lower case,
 * byte for byte), without making the copy.
 */
int rx_lits_scan_ascii(const struct rx_lits *l, const char *text,
    size_t len, unsigned char *seen, struct rx_lits_hit **hits,
    size_t *nhits, size_t *alloc, size_t max);
/* The length of string id (0 for an id it does not have). */
size_t rx_lits_len(const struct rx_lits *l, size_t id);

/* The PCRE2 version and whether JIT is available, for "rules check". */
const char *rx_version(char *out, size_t size);

#endif
