/*
 * sig.c - what the customer just wrote, and who they say they are (sig.h).
 *
 * The text is cut into lines and each line is marked: empty, text, quoted
 * ("> ..."), a quote header ("On ... wrote:", "-----Original Message-----",
 * an Outlook "From: / Sent: / To:" block, in many languages), a forward
 * header, or the continuation of a header.  The marks decide what is
 * history, in the way both talon and email_reply_parser read mail:
 *
 *   - a forward header before any other header: nothing is history (the
 *     forwarded text is what the customer sends us);
 *   - text between two quoted blocks: an inline reply; everything down to
 *     its last text line stays, the quoted block after it goes, and text
 *     after that block stays (a signature under the quotes);
 *   - otherwise history starts at the first header (or the first run of
 *     quoted lines) and runs to the end, except that text after the last
 *     quoted line stays (bottom posting: "On ... wrote: > ... \n My reply").
 *
 * The signature is then looked for at the end of what stays: a mobile
 * footer ("Sent from my iPhone", "发自我的iPhone"), a delimiter ("-- ",
 * "__", "-Name"), a valediction on its own line ("Best regards,", "此致
 * 敬礼"), the sender's name on a line, or a dense block of contact lines.
 * The fields come from the signature's lines, with the "sigline" rules of
 * the ruleset when there is one and with the built-in patterns below for
 * whatever the rules leave empty.
 *
 * Everything is linear in the size of the text: a line is looked at by
 * at most a few fixed-size windows, header checks only read short lines,
 * and the signature is looked for in the last SIG_WINDOW non-empty lines.
 */
#include <ctype.h>

#include "util.h"
#include "buf.h"
#include "domain.h"
#include "parse.h"
#include "phone.h"
#include "rules.h"
#include "sig.h"

/* A quote header line longer than this is text. */
#define HDR_MAX 400
/* Non-empty lines at the end where a signature may start. */
#define SIG_WINDOW 15
/* A signature block longer than this (bytes) is not one. */
#define SIG_MAX_BYTES (16 * 1024)
/* Lines analysed; the rest of a text with more lines is one last line. */
#define MAX_LINES 500000
/* Bytes of a line that the field extraction reads. */
#define FIELD_MAX 512

enum lkind {
	L_EMPTY,
	L_TEXT,
	L_QUOTE,	/* "> ..." */
	L_SPLIT,	/* first line of a quote header */
	L_FWD,		/* first line of a forward header */
	L_HDR,		/* further lines of a header */
};

struct line {
	const char *s;
	size_t len;		/* without "\r\n" and trailing blanks */
	unsigned char kind;
	unsigned char keep;	/* stays in the visible text */
};

struct doc {
	struct line *v;
	size_t n;
	size_t alloc;
};

/*
 * Small text helpers.
 */

static int
is_blank_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * The size of the blank character that starts at p (left bytes): ASCII
 * blanks, no-break space, the typographic spaces U+2000..U+200B, narrow
 * no-break space, medium mathematical space, ideographic space, and the
 * bidirectional marks that mail clients put around names, addresses and
 * numbers in right-to-left text (U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069: Gmail's Arabic "... <\u202Ajohn@example.com\u202C>:");
 * else 0.
 */
static inline size_t
blank_at(const unsigned char *p, size_t left)
{
	if (left >= 1 && is_blank_byte(p[0]))
		return 1;
	/* the others start with 0xC2, 0xE2 or 0xE3 */
	if (left < 2 || (p[0] != 0xC2 && p[0] != 0xE2 && p[0] != 0xE3))
		return 0;
	if (left >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 &&
	    (p[2] <= 0x8B || p[2] == 0x8E || p[2] == 0x8F ||
	    (p[2] >= 0xAA && p[2] <= 0xAF)))
		return 3;
	if (left >= 3 && ((p[0] == 0xE2 && p[1] == 0x81 &&
	    (p[2] == 0x9F || (p[2] >= 0xA6 && p[2] <= 0xA9))) ||
	    (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)))
		return 3;
	return 0;
}

/* Skips leading blanks (blank_at): skip_ws, the whole way. */
static size_t
skip_ws_slow(const char *s, size_t len, size_t i)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (i < len) {
		/* ASCII without the call */
		if (p[i] < 0x80) {
			if (!is_blank_byte(p[i]))
				break;
			i++;
			continue;
		}
		if ((n = blank_at(p + i, len - i)) == 0)
			break;
		i += n;
	}
	return i;
}

/*
 * The offset of the first non-blank byte of s from i (blank_at blanks).
 * Inline for its common answer: a printable ASCII byte at i.
 */
static inline size_t
skip_ws(const char *s, size_t len, size_t i)
{
	unsigned char c;

	if (i >= len)
		return i;
	c = (unsigned char)s[i];
	return c > ' ' && c < 0x80 ? i : skip_ws_slow(s, len, i);
}

/* Length without trailing blanks (blank_at). */
static size_t
rtrim_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	/* the common answer: a printable ASCII byte ends no blank */
	if (len > 0 && p[len - 1] > ' ' && p[len - 1] < 0x80)
		return len;
	while (len > 0) {
		if (blank_at(p + len - 1, 1) == 1)
			len--;
		else if (len >= 2 && blank_at(p + len - 2, 2) == 2)
			len -= 2;
		else if (len >= 3 && blank_at(p + len - 3, 3) == 3)
			len -= 3;
		else
			break;
	}
	return len;
}

/* Are the eight bytes at p all ASCII? */
static int
ascii8(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return (v & 0x8080808080808080ull) == 0;
}

/* Code points in s, counting wide (CJK) characters twice. */
static size_t
width(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, w = 0;

	/* eight ASCII bytes at a time: each is one column */
	while (i + 8 <= len && ascii8(p + i)) {
		i += 8;
		w += 8;
	}
	for (; i < len; i++) {
		if ((p[i] & 0xC0) == 0x80)
			continue;
		w += p[i] >= 0xE3 ? 2 : 1;
	}
	return w;
}

/*
 * Byte classes for the scans that run over every line: ASCII blanks
 * (is_blank_byte) and the ASCII punctuation of punct_len.
 */
enum {
	BC_BLANK = 1,
	BC_PUNCT = 2,
};

static const unsigned char byte_class[256] = {
	['\t'] = BC_BLANK, ['\r'] = BC_BLANK, ['\f'] = BC_BLANK,
	['\v'] = BC_BLANK, [' '] = BC_BLANK,
	[','] = BC_PUNCT, ['.'] = BC_PUNCT, ['!'] = BC_PUNCT, [':'] = BC_PUNCT,
	[';'] = BC_PUNCT, ['-'] = BC_PUNCT, ['~'] = BC_PUNCT, ['*'] = BC_PUNCT,
	['_'] = BC_PUNCT, ['='] = BC_PUNCT, ['('] = BC_PUNCT, [')'] = BC_PUNCT,
	['['] = BC_PUNCT, [']'] = BC_PUNCT, ['\''] = BC_PUNCT,
	['"'] = BC_PUNCT, ['?'] = BC_PUNCT, ['/'] = BC_PUNCT, ['|'] = BC_PUNCT,
};

/*
 * The folded byte of a plain ASCII byte (not a blank), 0 for the others
 * (blanks, NUL, bytes of UTF-8 sequences); made once.
 */
static unsigned char plain_fold[256];

static void
plain_fold_init(void)
{
	unsigned c;

	for (c = 1; c < 0x80; c++)
		if (!(byte_class[c] & BC_BLANK))
			plain_fold[c] = (unsigned char)(c >= 'A' && c <= 'Z' ?
			    c + 32 : c);
}

/* Punctuation that may end or start a phrase ("Regards," "。"). */
static size_t
punct_len(const unsigned char *p, size_t left)
{
	if (left >= 1 && (byte_class[p[0]] & BC_PUNCT))
		return 1;
	if (left < 3 || p[0] < 0xE2)
		return 0;
	if (p[0] == 0xEF && p[1] == 0xBC &&
	    (p[2] == 0x8C || p[2] == 0x81 || p[2] == 0x9A || p[2] == 0x9B ||
	    p[2] == 0x9F || p[2] == 0x88 || p[2] == 0x89))
		return 3;	/* ，！：；？（） */
	if (p[0] == 0xE3 && p[1] == 0x80 && (p[2] == 0x81 || p[2] == 0x82))
		return 3;	/* 、。 */
	if (p[0] == 0xE2 && p[1] == 0x80 &&
	    (p[2] == 0xA6 || p[2] == 0x93 || p[2] == 0x94 || p[2] == 0x98 ||
	    p[2] == 0x99 || p[2] == 0x9C || p[2] == 0x9D))
		return 3;	/* … – — ‘ ’ “ ” */
	if (p[0] == 0xEF && p[1] == 0xBD && p[2] == 0x9E)
		return 3;	/* ～ */
	return 0;
}

#define ONES8	0x0101010101010101ull
#define HIGH8	0x8080808080808080ull

/* The eight bytes of v (printable ASCII) with 'A'-'Z' turned to a-z. */
static inline uint64_t
fold8(uint64_t v)
{
	/* bytes from 'A' (0x41) and not past 'Z' (0x5A) get 0x20 */
	uint64_t upper = ((v + 0x3F * ONES8) & ~(v + 0x25 * ONES8)) & HIGH8;

	return v | upper >> 2;
}

/* Is byte c in the byte set bits (four words of 64)? */
static int
byte_in(const uint64_t *bits, unsigned char c)
{
	return (bits[c / 64] >> (c % 64)) & 1;
}

static void
byte_add(uint64_t *bits, unsigned char c)
{
	bits[c / 64] |= 1ull << (c % 64);
}

/*
 * A byte that phrase_key copies as it is: a continuation byte, a lead
 * byte that is not UTF-8 (0xC0, 0xC1, past 0xF4), or the lead of a
 * character from U+4000 on (CJK ideographs, hangul, the fullwidth
 * forms), which folding leaves alone and which is no blank (blank_at).
 */
static inline int
raw_byte(unsigned char c)
{
	return (c >= 0x80 && c <= 0xC1) || c >= 0xE4;
}

/*
 * phrase_key's fast path: when the eight bytes at p are printable ASCII
 * ([0x20, 0x7F]) with no blank run (a space is followed by a byte that
 * is neither a space nor another blank; p[8] must be readable), their
 * key is themselves with A-Z in lower case: writes it to out and
 * returns 1.  Else 0, and out is untouched.  The space test may say
 * "two spaces" where there is one (a borrow): only the slow path then.
 */
static int
words8(const unsigned char *p, char *out)
{
	uint64_t v, x, sp;

	if (!plain_fold['a'])
		plain_fold_init();
	memcpy(&v, p, sizeof(v));
	if ((v & HIGH8) || ((v - 0x20 * ONES8) & ~v & HIGH8))
		return 0;	/* not ASCII, or a byte below ' ' */
	x = v ^ (0x20 * ONES8);
	sp = (x - ONES8) & ~x & HIGH8;	/* the spaces */
	if (sp & (sp >> 8))
		return 0;
	if ((sp >> 56) && (p[8] == ' ' || !plain_fold[p[8]]))
		return 0;
	v = fold8(v);
	memcpy(out, &v, sizeof(v));
	return 1;
}

/*
 * The phrase key of a line: folded, blanks collapsed to one space,
 * punctuation and blanks trimmed at both ends.  out holds size bytes;
 * a line that does not fit gives "".  Returns the key's length.
 *
 * Folding (phone_fold) changes letters only, never a blank or a mark of
 * punctuation, so those are found in s itself and each character is
 * folded as it is copied: one pass and no copy (this runs for every
 * line, often more than once).  Runs of plain ASCII, most of a line,
 * are copied by a tight loop.
 */
static size_t
phrase_key(const char *s, size_t len, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, j = 0, n;
	unsigned char c;

	out[0] = '\0';
	if (len + 1 > size)
		return 0;
	if (!plain_fold['a'])
		plain_fold_init();
	/* leading blanks and punctuation */
	while (i < len) {
		if ((n = blank_at(p + i, len - i)) == 0 &&
		    (n = punct_len(p + i, len - i)) == 0)
			break;
		i += n;
	}
	while (i < len) {
		/* eight bytes of words and single spaces at a time */
		while (i + 9 <= len && words8(p + i, out + j)) {
			i += 8;
			j += 8;
		}
		/* plain ASCII: its folded byte from the table */
		while ((c = plain_fold[p[i]]) != 0) {
			out[j++] = (char)c;
			if (++i == len)
				break;
		}
		if (i == len)
			break;
		c = p[i];
		if (c == '\0') {
			out[j++] = '\0';
			i++;
			continue;
		}
		if ((byte_class[c] & BC_BLANK) ||
		    (n = blank_at(p + i, len - i)) > 0) {
			/* collapse the run; one space if text follows */
			while (i < len) {
				if (byte_class[p[i]] & BC_BLANK)
					i++;
				else if (p[i] >= 0x80 &&
				    (n = blank_at(p + i, len - i)) > 0)
					i += n;
				else
					break;
			}
			if (j > 0 && i < len)
				out[j++] = ' ';
			continue;
		}
		/* a two-byte letter as phone_fold pairs it, else a byte */
		if (c >= 0xC2 && c <= 0xDF && i + 1 < len &&
		    (p[i + 1] & 0xC0) == 0x80) {
			phone_fold(s + i, 2, out + j);
			j += 2;
			i += 2;
			continue;
		}
		out[j++] = (char)c;
		i++;
		/*
		 * and the bytes after it that are neither letters to fold
		 * nor blanks, as they are: most of a CJK line
		 */
		while (i < len && raw_byte(p[i]))
			out[j++] = (char)p[i++];
	}
	/* trailing punctuation (and blanks before it) */
	for (;;) {
		while (j > 0 && out[j - 1] == ' ')
			j--;
		if (j >= 3 && punct_len((const unsigned char *)out + j - 3,
		    3) == 3)
			j -= 3;
		else if (j >= 1 && (byte_class[(unsigned char)out[j - 1]] &
		    BC_PUNCT))
			j--;
		else
			break;
	}
	out[j] = '\0';
	return j;
}

/*
 * String sets.  The phrase lists are asked about every line, often about
 * several parts of one line, and a strcmp down a list of hundreds was a
 * large part of sig_analyse; so each list gets a hash table, built on
 * first use and kept (the lists are static, or cached per ruleset).
 */
struct sset {
	const char **slot;	/* borrowed strings; NULL empty */
	size_t mask;
	size_t maxlen;		/* of the longest string */
	uint64_t pre[16];	/* bits of the strings' pre_hash */
	/* exactly: the strings that start with three letters a-z */
	uint64_t pre3[(26 * 26 * 26 + 63) / 64];
};

/* The index of three letters a-z in sset.pre3, or -1. */
static long
pre3_index(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if ((unsigned char)(u[0] - 'a') >= 26 ||
	    (unsigned char)(u[1] - 'a') >= 26 ||
	    (unsigned char)(u[2] - 'a') >= 26)
		return -1;
	return ((long)(u[0] - 'a') * 26 + (u[1] - 'a')) * 26 + (u[2] - 'a');
}

/* A hash of the first three bytes of s (fewer in a shorter s). */
static unsigned
pre_hash(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned h = 0, i;

	for (i = 0; i < 3 && u[i]; i++)
		h = h * 37 + u[i];
	return (h * 2654435761u) >> 22;	/* 10 bits */
}

/* Can s be in set?  No when no string of it starts as s does. */
static int
sset_maybe(const struct sset *set, const char *s)
{
	unsigned b = pre_hash(s);

	return (set->pre[b >> 6] >> (b & 63)) & 1;
}

/* FNV-1a over the bytes of s. */
static unsigned
str_hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void
sset_add(struct sset *set, const char *s)
{
	size_t h;
	long k;

	set->maxlen = MAX(set->maxlen, strlen(s));
	h = pre_hash(s);
	set->pre[h >> 6] |= 1ull << (h & 63);
	/* (a shorter string stops pre3_index at its NUL) */
	if ((k = pre3_index(s)) >= 0)
		set->pre3[k / 64] |= 1ull << (k % 64);
	for (h = str_hash(s) & set->mask; set->slot[h];
	    h = (h + 1) & set->mask)
		if (strcmp(set->slot[h], s) == 0)
			return;
	set->slot[h] = s;
}

/* Makes set hold the n strings of v (borrowed: they must outlive it). */
static void
sset_init(struct sset *set, const char *const *v, size_t n)
{
	size_t cap = 16, i;

	while (cap < 2 * n)
		cap <<= 1;
	set->slot = xcalloc(cap, sizeof(*set->slot));
	set->mask = cap - 1;
	set->maxlen = 0;
	memset(set->pre, 0, sizeof(set->pre));
	memset(set->pre3, 0, sizeof(set->pre3));
	for (i = 0; i < n; i++)
		sset_add(set, v[i]);
}

/* Is key, whose str_hash is hash, in set? */
static int
sset_has_h(const struct sset *set, const char *key, unsigned hash)
{
	size_t h;

	for (h = hash & set->mask; set->slot[h]; h = (h + 1) & set->mask)
		if (strcmp(set->slot[h], key) == 0)
			return 1;
	return 0;
}

static int
sset_has(const struct sset *set, const char *key)
{
	return sset_maybe(set, key) && sset_has_h(set, key, str_hash(key));
}

/*
 * The set of the n strings of list, a static list of this file: made on
 * first use and kept, found by the list's address (static lists live as
 * long as the process).  A caller that asks often keeps the pointer.
 */
static const struct sset *
list_set(const char *const *list, size_t n)
{
	static struct list_set {
		const char *const *list;
		struct sset set;
		struct list_set *next;
	} *sets;
	struct list_set *ls;

	for (ls = sets; ls && ls->list != list; ls = ls->next)
		;
	if (!ls) {
		ls = xcalloc(1, sizeof(*ls));
		ls->list = list;
		sset_init(&ls->set, list, n);
		ls->next = sets;
		sets = ls;
	}
	return &ls->set;
}

static int
in_list(const char *key, const char *const *list, size_t n)
{
	/* sset_has: most keys are turned down by their first bytes */
	return sset_has(list_set(list, n), key);
}

/*
 * Tables of { name, value } structs looked up by name (the labels of
 * contact fields, the header names of quoted mail): hashed on first use,
 * the first of equal names kept, as a walk of the table would find.
 * name must be the struct's first member; stride is the struct's size.
 */
struct name_table {
	unsigned short slot[1024];	/* entry index + 1; 0 empty */
	int built;
};

static const char *
entry_name(const void *base, size_t stride, size_t i)
{
	return *(const char *const *)((const char *)base + i * stride);
}

/* The index + 1 of the first entry named key, or 0. */
static size_t
name_find(struct name_table *t, const void *base, size_t n, size_t stride,
    const char *key)
{
	size_t h, i, mask = ARRAY_SIZE(t->slot) - 1;

	if (n > mask / 2) {
		/* too big for the table: a walk (the table must grow) */
		for (i = 0; i < n; i++)
			if (strcmp(entry_name(base, stride, i), key) == 0)
				return i + 1;
		return 0;
	}
	if (!t->built) {
		for (i = 0; i < n; i++) {
			for (h = str_hash(entry_name(base, stride, i)) & mask;
			    t->slot[h]; h = (h + 1) & mask)
				if (!strcmp(entry_name(base, stride,
				    t->slot[h] - 1), entry_name(base, stride,
				    i)))
					break;
			if (!t->slot[h])
				t->slot[h] = (unsigned short)(i + 1);
		}
		t->built = 1;
	}
	for (h = str_hash(key) & mask; t->slot[h]; h = (h + 1) & mask)
		if (strcmp(entry_name(base, stride, t->slot[h] - 1), key) == 0)
			return t->slot[h];
	return 0;
}

/*
 * Does the character whose lead byte is c join words?  ASCII letters and
 * digits and the two-byte scripts (Latin, Greek, Cyrillic, Arabic...) do,
 * but not U+0080..U+00BF (no-break space, quotes, symbols); CJK, kana and
 * hangul need no word boundary.
 */
static int
wordy(unsigned char c)
{
	/* isalnum() in the C locale, without the call */
	return (unsigned char)((c | 0x20) - 'a') < 26 ||
	    (unsigned char)(c - '0') < 10 || (c >= 0xC3 && c < 0xE0);
}

static unsigned char wordy_tab[256];	/* wordy(), made on first use */

static void
wordy_tab_init(void)
{
	size_t c;

	for (c = 0; c < 256; c++)
		wordy_tab[c] = (unsigned char)wordy((unsigned char)c);
}

/* The lead byte of the character that ends at s[n - 1]. */
static unsigned char
last_lead(const char *s, size_t n)
{
	while (n > 1 && ((unsigned char)s[n - 1] & 0xC0) == 0x80)
		n--;
	return (unsigned char)s[n - 1];
}

/*
 * The lists admins add to (rules/70-signature.rules): entries are
 * compared folded, like the built-in lists.  mode 0: key is an entry;
 * 1: key starts with an entry; 2: key ends with an entry as a word.
 */
enum sig_list {
	SL_VALEDICTIONS,
	SL_MOBILE_FOOTERS,
	SL_QUOTE_WROTE,
	SL_QUOTE_SEPARATORS,
	SL_FORWARD_SEPARATORS,
	SL_COUNT
};

static const char *const sig_list_names[SL_COUNT] = {
	"sig_valedictions", "sig_mobile_footers", "sig_quote_wrote",
	"sig_quote_separators", "sig_forward_separators",
};

/*
 * The lists of one ruleset, folded.  Folding every entry for each key
 * looked up was most of the cost of the lookups, so the folded lists of
 * the last ruleset seen are kept, keyed by its serial number (a ruleset
 * reloaded at the same address has a new one).
 */
struct folded_list {
	char **v;		/* folded entries (owned), minus unusable */
	size_t *len;
	size_t n;
	struct sset set;	/* for mode 0 */
	/* the first (mode 1) and last (mode 2) bytes of the entries */
	uint64_t first[4], last[4];
};

static struct {
	unsigned long serial;	/* of the ruleset; 0 none */
	struct folded_list l[SL_COUNT];
	/* the scanner of its "sigline" rules, kept with its buffers */
	struct rule_scanner *scn;
} rs_lists;

static void
rs_lists_release(void)
{
	size_t i, j;

	for (i = 0; i < SL_COUNT; i++) {
		for (j = 0; j < rs_lists.l[i].n; j++)
			free(rs_lists.l[i].v[j]);
		free(rs_lists.l[i].v);
		free(rs_lists.l[i].len);
		free(rs_lists.l[i].set.slot);
	}
	rule_scanner_free(rs_lists.scn);
	memset(&rs_lists, 0, sizeof(rs_lists));
}

static const struct folded_list *
rs_folded(const struct ruleset *rs, enum sig_list which)
{
	const char *const *v;
	struct folded_list *fl;
	size_t i, k, n, el;
	unsigned char c;

	if (rs_lists.serial != ruleset_serial(rs)) {
		rs_lists_release();
		for (k = 0; k < SL_COUNT; k++) {
			fl = &rs_lists.l[k];
			v = ruleset_list(rs, sig_list_names[k], &n);
			fl->v = xcalloc(n + 1, sizeof(*fl->v));
			fl->len = xcalloc(n + 1, sizeof(*fl->len));
			for (i = 0; i < n; i++) {
				el = strlen(v[i]);
				/* as the key buffers of the callers */
				if (!el || el >= 256)
					continue;
				fl->v[fl->n] = phone_fold(v[i], el,
				    xmalloc(el + 1));
				fl->len[fl->n] = el;
				c = (unsigned char)fl->v[fl->n][0];
				byte_add(fl->first, c);
				c = (unsigned char)fl->v[fl->n][el - 1];
				byte_add(fl->last, c);
				fl->n++;
			}
			sset_init(&fl->set, (const char *const *)fl->v,
			    fl->n);
		}
		rs_lists.serial = ruleset_serial(rs);
	}
	return &rs_lists.l[which];
}

/* The rule scanner of rs, made on first use and kept with its lists. */
static struct rule_scanner *
rs_scanner(const struct ruleset *rs)
{
	rs_folded(rs, SL_VALEDICTIONS);
	if (!rs_lists.scn) {
		rs_lists.scn = rule_scanner_new(rs);
		/* short lines, the same rules for every message */
		rule_scanner_ascii(rs_lists.scn, 1);
	}
	return rs_lists.scn;
}

static int ends_with_word(const char *s, size_t len, const char *w);

static int
rs_list(const struct ruleset *rs, enum sig_list which, const char *key,
    int mode)
{
	const struct folded_list *fl;
	size_t i, klen;
	unsigned char c;

	if (!rs)
		return 0;
	fl = rs_folded(rs, which);
	if (mode == 0)
		return sset_has(&fl->set, key);
	klen = strlen(key);
	/* (entries are not empty) no entry starts or ends with key's byte */
	if (!klen)
		return 0;
	c = (unsigned char)(mode == 1 ? key[0] : key[klen - 1]);
	if (!byte_in(mode == 1 ? fl->first : fl->last, c))
		return 0;
	/* a byte before the call */
	for (i = 0; i < fl->n; i++)
		if (fl->len[i] <= klen && (mode == 1 ?
		    key[0] == fl->v[i][0] &&
		    memcmp(key, fl->v[i], fl->len[i]) == 0 :
		    mode == 2 && key[klen - 1] == fl->v[i][fl->len[i] - 1] &&
		    ends_with_word(key, klen, fl->v[i])))
			return 1;
	return 0;
}

/* True when s (len) ends with the word w (folded both). */
static int
ends_with_word(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);
	unsigned char c;

	if (n > len || memcmp(s + len - n, w, n) != 0)
		return 0;
	if (n == len)
		return 1;
	c = last_lead(s, len - n);
	return !wordy((unsigned char)w[0]) || !wordy(c);
}

/* Finds the word w in s as a whole word; returns its offset or -1. */
static long
find_word(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w), off = 0, at;
	const char *p;
	int bw = wordy((unsigned char)w[0]), aw = wordy(last_lead(w, n));

	while (n && off + n <= len && (p = memmem(s + off, len - off, w, n))) {
		at = (size_t)(p - s);
		off = at + 1;
		if (bw && at > 0 && wordy(last_lead(s, at)))
			continue;
		if (aw && at + n < len && wordy((unsigned char)s[at + n]))
			continue;
		return (long)at;
	}
	return -1;
}

/*
 * Lines.
 */

/* Splits text (tlen bytes, NUL-terminated) into lines. */
static void
doc_split(struct doc *d, const char *text, size_t tlen)
{
	const char *p = text, *end = text + tlen, *nl;
	size_t len;

	/* room for lines of 40 bytes; xgrow, which doubles, when full */
	GROW(d->v, MIN(tlen / 40 + 16, MAX_LINES), d->alloc);
	for (;;) {
		if (d->n == d->alloc)
			GROW(d->v, d->n + 1, d->alloc);
		nl = memchr(p, '\n', (size_t)(end - p));
		if (d->n + 1 >= MAX_LINES)
			nl = NULL;
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		d->v[d->n].s = p;
		d->v[d->n].len = rtrim_len(p, len);
		d->v[d->n].kind = L_TEXT;
		d->v[d->n].keep = 1;
		d->n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	/* a final "\n" does not start a line */
	if (d->n > 1 && d->v[d->n - 1].len == 0 && *d->v[d->n - 1].s == '\0')
		d->n--;
}

static int
is_quote_line(const struct line *l)
{
	size_t i = skip_ws(l->s, l->len, 0);

	return i < l->len && l->s[i] == '>';
}

/*
 * Built-in phrase lists.  All folded (lowercase).  rules/ carries the same
 * lists for admins to extend (see sig_list_* below); these keep
 * sig_analyse working without a ruleset.
 */

/* Words that can make up an English valediction line. */
static const char *const valediction_words[] = {
	"best", "kind", "kindest", "warm", "warmest", "warmly", "regards",
	"regard", "rgds", "regds", "brgds", "br", "kr", "wishes", "wish",
	"thanks", "thank", "thankyou", "thx", "tks", "thnx", "thnks", "ty",
	"you", "many", "much", "so", "again", "in", "advance", "cheers",
	"sincerely", "sincere", "yours", "faithfully", "truly", "respectfully",
	"cordially", "cordial", "with", "and", "&", "+", "very", "all", "the",
	"greetings", "season's", "seasons", "personal", "highest", "friendly",
	"love", "take", "care", "gratefully", "appreciated", "lots", "of",
	"blessings", "god", "bless", "a", "lot", "once", "more",
};

/* At least one of these makes the line a valediction. */
static const char *const valediction_core[] = {
	"regards", "regard", "rgds", "regds", "brgds", "br", "kr", "wishes",
	"thanks", "thank", "thankyou", "thx", "tks", "thnx", "thnks", "cheers",
	"sincerely", "faithfully", "truly", "respectfully", "cordially",
	"greetings", "yours", "best", "blessings",
};

/* Whole-line valedictions in other languages (and English idioms). */
static const char *const valedictions[] = {
	/* es */
	"saludos", "saludos cordiales", "un saludo", "un cordial saludo",
	"atentamente", "cordialmente", "muchas gracias", "gracias",
	"un abrazo", "saludos y gracias", "gracias y saludos", "quedo atento",
	"quedo atenta", "reciba un cordial saludo", "afectuosamente",
	"mil gracias", "saludos atentos", "atte", "atte.",
	/* pt */
	"atenciosamente", "att", "cumprimentos", "melhores cumprimentos",
	"abraços", "abraço", "obrigado", "obrigada", "muito obrigado",
	"muito obrigada", "saudações", "grato", "grata", "cordiais saudações",
	/* fr */
	"cordialement", "bien cordialement", "très cordialement",
	"salutations", "meilleures salutations", "sincères salutations",
	"salutations distinguées", "bien à vous", "bien a vous", "merci",
	"merci beaucoup", "merci d'avance", "merci par avance",
	"amicalement", "bonne journée", "respectueusement", "bien amicalement",
	"avec mes remerciements", "cdlt", "slts",
	/* de */
	"mit freundlichen grüßen", "mit freundlichen grüssen",
	"mit freundlichen gruessen", "mit freundlichem gruß",
	"mit freundlichem gruss", "freundliche grüße", "freundliche grüsse",
	"viele grüße", "viele grüsse", "beste grüße", "beste grüsse",
	"liebe grüße", "liebe grüsse", "herzliche grüße", "herzliche grüsse",
	"schöne grüße", "grüße", "grüsse", "gruß", "gruss", "mfg", "lg",
	"vg", "danke", "vielen dank", "besten dank", "herzlichen dank",
	"mit besten grüßen", "mit besten grüssen",
	/* it */
	"cordiali saluti", "distinti saluti", "saluti", "un saluto",
	"un cordiale saluto", "grazie", "grazie mille", "saluti cordiali",
	"grazie e saluti", "in attesa di un vostro riscontro",
	/* nl */
	"met vriendelijke groet", "met vriendelijke groeten",
	"vriendelijke groet", "vriendelijke groeten", "groeten", "groet",
	"mvg", "hartelijke groet", "hartelijke groeten", "bedankt",
	"met hartelijke groet",
	/* nordic */
	"med vänlig hälsning", "vänliga hälsningar", "hälsningar", "mvh",
	"med venlig hilsen", "venlig hilsen", "med vennlig hilsen",
	"vennlig hilsen", "hilsen", "ystävällisin terveisin", "terveisin",
	"tack", "tak",
	/* central and eastern Europe */
	"pozdrawiam", "z poważaniem", "pozdrawiam serdecznie",
	"serdecznie pozdrawiam", "z wyrazami szacunku", "s pozdravem",
	"üdvözlettel", "cu stimă", "cu stima", "cu respect",
	"s poštovanjem", "lp", "srdačan pozdrav",
	/* ru, uk */
	"с уважением", "с наилучшими пожеланиями", "всего доброго",
	"всего наилучшего", "спасибо", "благодарю", "заранее спасибо",
	"с уважением и наилучшими пожеланиями", "з повагою", "дякую",
	/* tr, el */
	"saygılarımla", "saygılarımızla", "iyi çalışmalar", "teşekkürler",
	"teşekkür ederim", "με εκτίμηση", "ευχαριστώ",
	/* zh */
	"此致", "此致敬礼", "此致 敬礼", "此致,敬礼", "此致，敬礼", "敬礼",
	"敬禮", "此致敬禮", "顺祝商祺", "順祝商祺", "顺祝 商祺", "祝商祺",
	"顺颂商祺", "順頌商祺", "顺颂商琪", "顺祝商琪", "商祺", "祝好",
	"谢谢", "謝謝", "多谢", "多謝", "敬上", "谨上", "謹上", "祝生意兴隆",
	"祝工作顺利", "顺祝", "顺颂", "顺祝时祺", "顺颂时祺", "期待您的回复",
	/* ja, ko */
	"よろしくお願いします", "よろしくお願いいたします",
	"よろしくお願い致します", "宜しくお願いします", "宜しくお願い致します",
	"宜しくお願いいたします", "何卒よろしくお願い申し上げます",
	"よろしくお願い申し上げます", "敬具", "감사합니다", "고맙습니다",
	"안녕히 계세요", "감사합니다 ^^",
	/* others */
	"trân trọng", "thân ái", "cảm ơn", "xin cảm ơn", "hormat kami",
	"hormat saya", "salam", "terima kasih", "salam hormat",
	"مع تحياتي", "تحياتي", "مع خالص التحيات", "شكرا", "مع أطيب التحيات",
	"وتفضلوا بقبول فائق الاحترام", "بالتوفيق", "בברכה", "תודה",
	"ขอบคุณ", "ขอแสดงความนับถือ", "धन्यवाद", "सादर",
	/* English idioms the word list does not make */
	"yours sincerely", "yours faithfully", "yours truly", "yours",
	"all the best", "many thanks", "thanks a lot", "talk soon",
	"speak soon", "take care", "have a nice day", "have a great day",
	"have a good day", "have a nice weekend", "have a great weekend",
	"best wishes", "with thanks", "with appreciation", "respectfully yours",
	"sincerely yours", "cordially yours", "faithfully yours",
	"warm wishes", "with kind regards", "with best regards",
	"with warm regards", "thanks and regards", "thanks & regards",
};

/* The start of a quote header in a language ("On", "Le", "El" ...). */
static const char *const openers[] = {
	"on ", "le ", "el ", "em ", "il ", "op ", "am ", "den ", "på ",
	"w dniu ", "dnia ", "dne ", "vào ", "в ", "pe ", "στις ", "pada ",
	"in data ", "il giorno ", "el día ", "el dia ", "no dia ", "tanggal ",
	"u ", "dana ", "на ", "та ",
};

/* Openers without a following space (CJK). */
static const char *const openers_cjk[] = {
	"在", "于", "於",
};

/*
 * Horde and other webmail: "Quoting John <john@example.com>:", a header
 * with neither a date nor a "wrote".
 */
static const char *const quoting[] = {
	"quoting ", "zitat von ", "citation de ", "citando a ", "citando ",
	"citazione di ",
};

/* The end of a quote header: "... wrote:" in many languages. */
static const char *const tails[] = {
	"wrote", "writes", "a écrit", "a ecrit", "escribió", "escribio",
	"ha escrito", "escreveu", "ha scritto", "schreef", "geschreven",
	"schrieb", "skrev", "kirjoitti", "napisał", "napisała", "napisał(a)",
	"napisal", "pisze", "pisał", "pisała", "napsal", "napsala", "napsal(a)", "đã viết", "написал",
	"написала", "написал(а)", "пишет", "написав", "написала(в)",
	"yazdı", "írta", "έγραψε", "a scris", "menulis", "kirjutas", "rašė",
	"rakstīja", "je napisal", "je napisala", "napisao", "napisala",
	"写道", "寫道", "写到", "のメッセージ", "さんは書きました",
	"書きました", "님이 작성", "님이 작성한 글", "작성", "كتب", "כתב",
	"เขียน", "пише", "написав(ла)", "napísal", "napísala", "napísal(a)",
	"je napisal(a)", "je napisao/la", "va escriure", "escribiu",
	"skrifaði", "shkroi", "напиша", "написао", "نوشت", "ने लिखा",
};

/* "-----Original Message-----" and friends (between dashes). */
static const char *const original_message[] = {
	"original message", "original mail", "original e-mail",
	"reply message", "oprindelig meddelelse", "oprindelig besked",
	"ursprüngliche nachricht", "ursprungliche nachricht",
	"originalnachricht", "original-nachricht", "message d'origine",
	"message original", "mensaje original", "mensagem original",
	"messaggio originale", "oorspronkelijk bericht", "origineel bericht",
	"ursprungligt meddelande", "originalmeddelande", "opprinnelig melding",
	"alkuperäinen viesti", "oryginalna wiadomość",
	"wiadomość oryginalna", "původní zpráva", "eredeti üzenet",
	"mesaj original", "orijinal mesaj", "исходное сообщение",
	"оригинальное сообщение", "原始邮件", "原始郵件", "原邮件",
	"元のメッセージ", "원본 메시지", "원래 메시지", "thư gốc",
	"pesan asli", "mensaje de origen", "回复的原邮件",
	"original",		/* QQ Mail: "------ Original ------" */
};

/* Forward headers. */
static const char *const forwarded[] = {
	"forwarded message", "forwarded e-mail", "forwarded email",
	"begin forwarded message", "weitergeleitete nachricht",
	"message transféré", "message transfere", "mensaje reenviado",
	"mensagem encaminhada", "messaggio inoltrato", "doorgestuurd bericht",
	"vidarebefordrat meddelande", "videresendt meddelelse",
	"videresendt melding", "välitetty viesti", "przekazana wiadomość",
	"přeposlaná zpráva", "пересылаемое сообщение",
	"пересланное сообщение", "转发的邮件", "轉寄的郵件", "转发邮件",
	"转发邮件信息",
	"전달된 메시지", "転送されたメッセージ", "iletilen mesaj",
	"original message follows",
};


/* Device words that make "Sent from ..." a mobile footer. */
static const char *const device_words[] = {
	"iphone", "ipad", "ipod", "android", "blackberry", "samsung",
	"galaxy", "huawei", "xiaomi", "redmi", "oppo", "vivo", "honor",
	"oneplus", "pixel", "nokia", "motorola", "htc", "lg", "sony",
	"xperia", "mobile", "phone", "smartphone", "handy", "móvil", "movil",
	"celular", "portable", "téléphone", "telefono", "cellulare", "tablet",
	"outlook", "mail", "yahoo", "gmail", "aol", "windows", "proton",
	"protonmail", "spark", "airmail", "bluemail", "edison", "mailbox",
	"device", "appareil", "dispositivo", "gerät", "telefoon", "telefon",
	"mobil", "smartfon", "смартфона", "телефона", "iphone'a",
	"手机", "手機", "携帯", "휴대폰", "ipad'a", "wechat", "qq", "foxmail",
	"163", "网易", "邮箱", "zoho", "superhuman", "hey", "newton",
	"nine", "verizon", "sprint", "t-mobile", "at&t",
};

/*
 * A line with one of these and one of strong_devices anywhere is a footer
 * too: "Sent wirelessly from my BlackBerry device on the Bell network",
 * "Envoyé sans fil par mon terminal mobile BlackBerry".
 */
static const char *const sent_words[] = {
	"sent", "envoyé", "enviado", "enviada", "gesendet", "inviato",
	"verstuurd", "verzonden", "skickat", "sendt", "wysłane", "odesláno",
	"отправлено", "gönderildi", "lähetetty", "发自", "發自", "送信",
	"보냄", "传送", "傳送",
};
static const char *const strong_devices[] = {
	"iphone", "ipad", "android", "blackberry", "samsung", "galaxy",
	"huawei", "xiaomi", "nokia", "smartphone", "mobile device",
	"wireless device", "windows phone",
};

/* "Sent from" in other words and languages (folded line prefixes). */
static const char *const footer_prefixes[] = {
	"sent from my ", "sent from ", "sent via ", "sent with ",
	"sent using ", "sent on ",
	"envoyé de ", "envoyé depuis ", "envoyé à partir de ", "enviado desde ",
	"enviado do ", "enviado de ", "enviado a partir do ", "inviato da ",
	"von meinem ", "gesendet von ", "gesendet mit ", "verstuurd vanaf ",
	"verzonden vanaf ", "verzonden met ", "verstuurd met ",
	"skickat från ", "sendt fra ", "lähetetty ", "wysłane z ",
	"wysłano z ", "odesláno z ", "отправлено с ", "отправлено из ",
	"gửi từ ", "dikirim dari ", "get outlook for ", "download outlook for ",
	"get the outlook app",
};

/* CJK footers: the line starts (or ends) with these. */
static const char *const footer_cjk_start[] = {
	"发自我的", "發自我的", "来自我的", "來自我的", "从我的", "從我的",
	"发自", "發自", "来自",
};
static const char *const footer_cjk_end[] = {
	"から送信", "에서 보냄", "에서 보냈습니다", "발송", "传送", "傳送",
	"gönderildi", "lähetetty",
};

/*
 * Quote headers.
 */

/*
 * Has any of the eight bytes at s an ASCII digit?  The top bits cleared,
 * a byte plus 0x50 reaches 0x80 from '0' on and plus 0x46 from past '9'
 * on, with no carry into the next byte; a byte with its top bit set
 * (UTF-8) is none.
 */
static int
digit8(const char *s)
{
	uint64_t v, x;

	memcpy(&v, s, sizeof(v));
	x = v & ~HIGH8;
	return ((x + (0x80 - '0') * ONES8) & ~(x + (0x80 - '9' - 1) * ONES8) &
	    ~v & HIGH8) != 0;
}

static int
has_digit(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		if (digit8(s + i))
			return 1;
	for (; i < len; i++)
		if ((unsigned char)(s[i] - '0') < 10)	/* isdigit() */
			return 1;
	return 0;
}

#ifdef INQUIRYD_UNITTEST
/* For test_sig: has_digit. */
int
sig_has_digit(const char *s, size_t len)
{
	return has_digit(s, len);
}
#endif

/*
 * The openers by their first byte (head and next hold index + 1, 0
 * ends) and their lengths: starts_with_opener runs for most lines.
 */
static struct {
	unsigned char head[256];
	unsigned char next[ARRAY_SIZE(openers)];
	unsigned char len[ARRAY_SIZE(openers)];
	unsigned char bw[ARRAY_SIZE(openers)];	/* as find_word's */
	unsigned char aw[ARRAY_SIZE(openers)];
	int ready;
} opener_ix;

static void
opener_ix_init(void)
{
	size_t i;
	unsigned char c;

	for (i = ARRAY_SIZE(openers); i > 0; i--) {
		c = (unsigned char)openers[i - 1][0];
		opener_ix.len[i - 1] = (unsigned char)strlen(openers[i - 1]);
		opener_ix.bw[i - 1] = (unsigned char)wordy(c);
		opener_ix.aw[i - 1] = (unsigned char)wordy(last_lead(
		    openers[i - 1], opener_ix.len[i - 1]));
		opener_ix.next[i - 1] = opener_ix.head[c];
		opener_ix.head[c] = (unsigned char)i;
	}
	opener_ix.ready = 1;
}

/*
 * first[j] = find_word(s, len, openers[j]) for every opener, in one pass
 * over s instead of a memmem for each.
 */
static void
openers_first(const char *s, size_t len, long *first)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t at, i, k, n;
	int prevw;

	if (!opener_ix.ready)
		opener_ix_init();
	if (!wordy_tab['a'])
		wordy_tab_init();
	for (k = 0; k < ARRAY_SIZE(openers); k++)
		first[k] = -1;
	for (at = 0; at < len; at++) {
		/*
		 * Inside a word (as word_scan): the openers of a chain start
		 * with the byte at, a word character, so none can start
		 * after one.
		 */
		if (at > 0 && wordy_tab[u[at - 1]] && wordy_tab[u[at]])
			continue;
		if (!(i = opener_ix.head[u[at]]))
			continue;
		prevw = at > 0 && wordy(last_lead(s, at));
		for (; i; i = opener_ix.next[i - 1]) {
			k = i - 1;
			n = opener_ix.len[k];
			if (first[k] >= 0 || (opener_ix.bw[k] && prevw) ||
			    n > len - at || memcmp(s + at, openers[k], n) != 0)
				continue;
			if (opener_ix.aw[k] && at + n < len && wordy(u[at + n]))
				continue;
			first[k] = (long)at;
		}
	}
}

#ifdef INQUIRYD_UNITTEST
/* For test_sig: does openers_first find in s what find_word finds? */
int
sig_openers_agree(const char *s, size_t len)
{
	long first[ARRAY_SIZE(openers)];
	size_t k;

	openers_first(s, len, first);
	for (k = 0; k < ARRAY_SIZE(openers); k++)
		if (first[k] != find_word(s, len, openers[k]))
			return 0;
	return 1;
}
#endif

static int
starts_with_opener(const char *key)
{
	size_t i;

	if (!opener_ix.ready)
		opener_ix_init();
	for (i = opener_ix.head[(unsigned char)key[0]]; i;
	    i = opener_ix.next[i - 1])
		if (strncmp(key, openers[i - 1], opener_ix.len[i - 1]) == 0)
			return 1;
	for (i = 0; i < ARRAY_SIZE(openers_cjk); i++)
		if (key[0] == openers_cjk[i][0] &&
		    starts_with(key, openers_cjk[i]) &&
		    (has_digit(key, strlen(key)) || strchr(key, '@')))
			return 1;
	return 0;
}

/*
 * tails by their last byte (head and next hold index + 1, 0 ends), made
 * once: a key ends with a tail only if it ends with the tail's byte.
 */
static struct {
	unsigned char head[256];
	unsigned char next[ARRAY_SIZE(tails)];
	int ready;
} tail_ix;

static void
tail_ix_init(void)
{
	size_t i;
	unsigned char c;

	for (i = ARRAY_SIZE(tails); i > 0; i--) {
		c = (unsigned char)tails[i - 1][strlen(tails[i - 1]) - 1];
		tail_ix.next[i - 1] = tail_ix.head[c];
		tail_ix.head[c] = (unsigned char)i;
	}
	tail_ix.ready = 1;
}

/* Does key (len bytes, not empty) end with one of tails as a word? */
static int
ends_with_tail(const char *key, size_t len)
{
	size_t i;

	if (!tail_ix.ready)
		tail_ix_init();
	for (i = tail_ix.head[(unsigned char)key[len - 1]]; i;
	    i = tail_ix.next[i - 1])
		if (ends_with_word(key, len, tails[i - 1]))
			return 1;
	return 0;
}

/*
 * Is key (a phrase key: folded, trimmed of punctuation) an "On <date>,
 * <person> wrote" header?  colon: the raw text ended with ':'; dashed:
 * it was wrapped in dashes ("---- John wrote ----").
 */
static int
is_wrote_key(const struct ruleset *rs, const char *key, size_t len,
    int colon, int dashed)
{
	int opener;
	size_t i;

	if (len < 4)
		return 0;
	opener = starts_with_opener(key) || dashed;
	/* evidence (a digit, an '@') is looked for only when it counts */
	if ((opener || colon || dashed) && (opener || has_digit(key, len) ||
	    memchr(key, '@', len))) {
		if (ends_with_tail(key, len))
			return 1;
		if (rs_list(rs, SL_QUOTE_WROTE, key, 2))
			return 1;
	}
	if (opener && ends_with_word(key, len, "sent") && colon)
		return 1;
	if (colon && memchr(key, '@', len))
		for (i = 0; i < ARRAY_SIZE(quoting); i++)
			if (starts_with(key, quoting[i]))
				return 1;
	/*
	 * "Op 13-02-2014 3:18 schreef Julius Caesar <pantheon@rome.com>:",
	 * "John <j@x.com> ezt írta (időpont: 2024. máj. 1., Sze, 10:00):"
	 */
	if ((opener || memchr(key, '@', len)) && colon && has_digit(key, len))
		for (i = 0; i < ARRAY_SIZE(tails); i++)
			if (find_word(key, len, tails[i]) >= 0)
				return 1;
	/*
	 * "2011/4/7 Nathan <support@example.com>" and, with the colon,
	 * "ср, 1 мая 2024 г. в 10:00, Иван <ivan@example.ru>:" (Gmail in
	 * other languages).
	 */
	if ((isdigit((unsigned char)key[0]) || opener || colon) && len > 8 &&
	    key[len - 1] == '>' && memchr(key, '@', len) &&
	    memchr(key, '<', len) && has_digit(key, len))
		return 1;
	return 0;
}

/* Raw-line facts that the phrase key loses. */
static void
raw_shape(const char *s, size_t len, int *colon, int *dashed)
{
	size_t i = skip_ws(s, len, 0), j = len, a = 0, b = 0;

	for (;;) {
		if (j > i && (s[j - 1] == ' ' || s[j - 1] == '-'))
			b += s[--j] == '-';
		else if (j >= i + 3 && blank_at((const unsigned char *)s +
		    j - 3, 3) == 3)
			j -= 3;	/* a wide blank or a bidi mark */
		else
			break;
	}
	*colon = j > i && (s[j - 1] == ':' ||
	    (j - i >= 3 && memcmp(s + j - 3, "\xEF\xBC\x9A", 3) == 0));
	while (i < len && (s[i] == '-' || s[i] == ' '))
		a += s[i++] == '-';
	*dashed = a >= 2 && b >= 2;
}

/* Is s (len, its phrase key key) an "On ... wrote:" header? */
static int
wrote_keyed(const struct ruleset *rs, const char *s, size_t len,
    const char *key, size_t klen)
{
	int colon, dashed;

	raw_shape(s, len, &colon, &dashed);
	return is_wrote_key(rs, key, klen, colon, dashed);
}

static int
wrote_text(const struct ruleset *rs, const char *s, size_t len)
{
	char key[HDR_MAX * 3 + 8];
	size_t klen;

	if (len > HDR_MAX * 3)
		return 0;
	klen = phrase_key(s, len, key, sizeof(key));
	return wrote_keyed(rs, s, len, key, klen);
}

/*
 * Is s[0..n), the text before a header found inside a line, the date
 * that starts the header in some languages rather than reply text?
 * Gmail writes "пн, 5 янв. 2026 г. в 10:00, John <j@x.com>:" and
 * "Δευ 5 Ιαν 2026 στις 10:00 ...", where the opener ("в", "στις") comes
 * after a day and a date.  Such a date is two to six short words (five
 * characters at most, "г." and "янв." included), one of them a year.
 */
static int
date_prefix(const char *s, size_t n)
{
	size_t i = 0, start, chars, words = 0;
	int year = 0;

	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == ',' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		start = i;
		for (chars = 0; i < n && s[i] != ' ' && s[i] != ',' &&
		    s[i] != '\t'; i++)
			chars += ((unsigned char)s[i] & 0xC0) != 0x80;
		while (i > start && s[i - 1] == '.')
			i--, chars--;
		if (chars > 5 || ++words > 6)
			return 0;
		if (i - start == 4 && (memcmp(s + start, "19", 2) == 0 ||
		    memcmp(s + start, "20", 2) == 0) &&
		    isdigit((unsigned char)s[start + 2]) &&
		    isdigit((unsigned char)s[start + 3]))
			year = 1;
		while (i < n && s[i] == '.')
			i++;
	}
	return year && words >= 2;
}

/*
 * An "On ... wrote:" header starting at line i, alone or wrapped over up
 * to three lines.  Returns the number of lines it takes, or 0.  *cut gets
 * the offset in line i where a header starts after reply text on the same
 * line ("reply On Wed, Apr 4, 2012 at 3:59 PM, bob wrote:"), else 0.
 */
static size_t
wrote_header(const struct ruleset *rs, const struct doc *d, size_t i,
    const char *lkey, size_t lklen, size_t *cut)
{
	const struct line *l = &d->v[i];
	char buf[HDR_MAX * 3 + 8], key60[64], f[HDR_MAX * 3 + 8];
	const char *key = lkey;
	size_t span, j, n, at;
	int colon, dashed, whole, opens;
	long first[ARRAY_SIZE(openers)];

	*cut = 0;
	/* the line's shape, once for both uses */
	raw_shape(l->s, l->len, &colon, &dashed);
	/* no lkey: wrote_possible() found it cannot be one */
	whole = lkey && l->len <= HDR_MAX * 3 && is_wrote_key(rs, lkey,
	    lklen, colon, dashed);
	/* the opening words; a short line's key is the line key */
	if (l->len > 60) {
		phrase_key(l->s, 60, key60, sizeof(key60));
		key = key60;
	}
	opens = starts_with_opener(key) || isdigit((unsigned char)key[0]) ||
	    (l->len > 2 && l->s[skip_ws(l->s, l->len, 0)] == '-');
	if (whole && opens)
		return 1;
	/* wrapped: the first line opens, a later one ends with the tail */
	if (opens) {
		n = 0;
		for (span = 1; span <= 3 && i + span - 1 < d->n; span++) {
			l = &d->v[i + span - 1];
			if (l->len == 0 || is_quote_line(l) ||
			    n + l->len + 1 > sizeof(buf) - 1)
				break;
			if (n)
				buf[n++] = ' ';
			memcpy(buf + n, l->s, l->len);
			n += l->len;
			if (span > 1 && wrote_text(rs, buf, n))
				return span;
		}
	}
	/* reply text and the header on one line: "reply On ... wrote:" */
	l = &d->v[i];
	if (colon && l->len >= 20 && l->len < sizeof(f)) {
		phone_fold(l->s, l->len, f);
		openers_first(f + 1, l->len - 1, first);
		for (j = 0; j < ARRAY_SIZE(openers) && !*cut; j++) {
			if (first[j] < 0)
				continue;
			at = (size_t)first[j] + 1;
			if (wrote_text(rs, l->s + at, l->len - at) &&
			    has_digit(l->s + at, l->len - at))
				*cut = at;
		}
		/* the line is the header, opened by its date */
		if (*cut && whole && date_prefix(l->s, *cut))
			*cut = 0;
	}
	return *cut || whole ? 1 : 0;
}

/*
 * Can the line (longer than 60 bytes) be an "On ... wrote:" header by
 * itself (is_wrote_key)?  A long line is mostly a paragraph, and its
 * phrase key costs more than the rest of the checks: this says no, from
 * its first 60 bytes and its shape, to a line that is_wrote_key would
 * turn down.  is_wrote_key needs an opener (checked on the key of the
 * first 60 bytes, which starts as the whole key does, but for its last
 * three bytes), a colon or dashes at the end, or a '>' in the line.
 */
static int
wrote_possible(const struct line *l)
{
	char key60[64];
	size_t i, n;
	int colon, dashed;

	raw_shape(l->s, l->len, &colon, &dashed);
	if (colon || dashed || memchr(l->s, '>', l->len))
		return 1;
	n = phrase_key(l->s, MIN(l->len, 60), key60, sizeof(key60));
	if (n < 16)
		return 1;
	for (i = 0; i < ARRAY_SIZE(openers); i++)
		if (key60[0] == openers[i][0] && starts_with(key60, openers[i]))
			return 1;
	for (i = 0; i < ARRAY_SIZE(openers_cjk); i++)
		if (starts_with(key60, openers_cjk[i]))
			return 1;
	return 0;
}

/* "-----Original Message-----" (1) or a forward header (2), else 0. */
static int
original_line(const struct ruleset *rs, const struct line *l,
    const char *key, size_t klen)
{
	size_t i, k, lead = 0, trail = 0;
	const char *s = l->s;

	if (l->len > 120)
		return 0;
	k = skip_ws(s, l->len, 0);
	while (k < l->len && strchr("-_=*<>[ ", s[k]))
		lead += s[k++] != ' ';
	for (i = l->len; i > k && strchr("-_=*<>[]: ", s[i - 1]); i--)
		trail += s[i - 1] != ' ' && s[i - 1] != ':';
	if (!klen)
		return 0;
	if ((key[0] == 'b' && strcmp(key, "begin forwarded message") == 0) ||
	    (key[0] == 'o' && strcmp(key, "original message follows") == 0))
		return 2;
	if (lead < 2 && trail < 2)
		return 0;
	if (in_list(key, original_message, ARRAY_SIZE(original_message)))
		return 1;
	if (in_list(key, forwarded, ARRAY_SIZE(forwarded)))
		return 2;
	if (rs_list(rs, SL_QUOTE_SEPARATORS, key, 0))
		return 1;
	if (rs_list(rs, SL_FORWARD_SEPARATORS, key, 0))
		return 2;
	return 0;
}

/*
 * The first two bytes, both ASCII, of the From and Date names (bit
 * b0 << 7 | b1), for header_block's first question.
 */
static uint64_t from_date_pairs[128 * 128 / 64];

static void
from_date_pairs_init(void)
{
	size_t i;
	unsigned char b0, b1;

	for (i = 0; i < quoted_nlabels; i++) {
		if (quoted_labels[i].kind != QF_FROM &&
		    quoted_labels[i].kind != QF_DATE)
			continue;
		b0 = (unsigned char)quoted_labels[i].name[0];
		b1 = (unsigned char)quoted_labels[i].name[1];
		if (b0 < 0x80 && b1 < 0x80 && b1)
			from_date_pairs[(b0 << 7 | b1) / 64] |=
			    1ull << ((b0 << 7 | b1) % 64);
	}
	from_date_pairs[0] |= 1;	/* made */
}

/*
 * The kind of quoted-mail header field that line l starts with.  With
 * from_date, only QF_FROM and QF_DATE count (others may say QF_NONE):
 * a name starting with two ASCII bytes no From or Date name starts
 * with (folded: A-Z as a-z; every name has two bytes) is turned down
 * before the colon is looked for.
 */
static enum quoted_field
header_key(const struct line *l, int from_date)
{
	static struct name_table names;
	const char *s = l->s, *colon, *wide;
	char key[48];
	size_t i, j, end, n;
	unsigned char b0, b1;

	if (l->len > HDR_MAX)
		return QF_NONE;
	i = skip_ws(s, l->len, 0);
	while (i < l->len && s[i] == '*')
		i++;
	if (from_date && i + 1 < l->len) {
		if (!from_date_pairs[0])
			from_date_pairs_init();
		b0 = (unsigned char)s[i];
		b1 = (unsigned char)s[i + 1];
		b0 |= (unsigned char)(b0 >= 'A' && b0 <= 'Z') << 5;
		b1 |= (unsigned char)(b1 >= 'A' && b1 <= 'Z') << 5;
		if (b0 < 0x80 && b1 < 0x80 &&
		    !(from_date_pairs[(b0 << 7 | b1) / 64] >>
		    ((b0 << 7 | b1) % 64) & 1))
			return QF_NONE;
	}
	/* the first ':' or '：' in the 32 bytes from i */
	end = MIN(l->len, i + 32);
	colon = i < end ? memchr(s + i, ':', end - i) : NULL;
	j = colon ? (size_t)(colon - s) : end;
	for (wide = s + i; (wide = memchr(wide, '\xEF', s + j - wide));
	    wide++)
		if ((size_t)(wide - s) + 2 < l->len &&
		    memcmp(wide, "\xEF\xBC\x9A", 3) == 0) {
			j = (size_t)(wide - s);
			break;
		}
	if (j >= l->len || j - i >= 32 || j == i)
		return QF_NONE;
	end = j;
	while (end > i && (s[end - 1] == ' ' || s[end - 1] == '*' ||
	    s[end - 1] == '\t'))
		end--;
	n = end - i;
	if (n == 0 || n >= sizeof(key))
		return QF_NONE;
	phone_fold(s + i, n, key);
	j = name_find(&names, quoted_labels, quoted_nlabels,
	    sizeof(quoted_labels[0]), key);
	return j ? quoted_labels[j - 1].kind : QF_NONE;
}

/*
 * A line that says only "Original" or "Original Message", without the
 * dashes of original_line, above a header block (mobile clients write
 * "Original" on its own line, then From:, Date:, To:, Subject:).
 */
static int
original_title(const struct line *l)
{
	char key[64];

	return l->len < sizeof(key) - 1 &&
	    phrase_key(l->s, l->len, key, sizeof(key)) &&
	    in_list(key, original_message, ARRAY_SIZE(original_message));
}

static int
separator_line(const struct line *l)
{
	size_t i = skip_ws(l->s, l->len, 0), n = 0;
	char c;

	if (i >= l->len)
		return 0;
	c = l->s[i];
	if (c != '_' && c != '-' && c != '=')
		return 0;
	for (; i < l->len; i++) {
		if (l->s[i] != c)
			return 0;
		n++;
	}
	return n >= 5;
}

/*
 * An Outlook-style header block starting at line i: at least two header
 * lines of two kinds, starting with From or Date/Sent, with a From or a
 * Subject or an address among them.  Returns its lines, or 0.
 */
static size_t
header_block(const struct doc *d, size_t i)
{
	enum quoted_field k = header_key(&d->v[i], 1);
	unsigned seen = 0, kinds = 0;
	size_t j, last = i, nhdr = 0;
	int cont = 0, at = 0;
	const struct line *l;

	if (k != QF_FROM && k != QF_DATE)
		return 0;
	for (j = i; j < d->n && j < i + 16; j++) {
		l = &d->v[j];
		if (l->len == 0 || l->len > HDR_MAX || l->kind == L_QUOTE)
			break;
		k = header_key(l, 0);
		if (k != QF_NONE) {
			if (!(seen & (1u << k)))
				kinds++;
			seen |= 1u << k;
			nhdr++;
			last = j;
			cont = 0;
		} else {
			/* one wrapped value line per field */
			if (cont)
				break;
			cont = 1;
		}
	}
	if (nhdr < 2 || kinds < 2)
		return 0;
	for (j = i; j <= last; j++)
		if (memchr(d->v[j].s, '@', d->v[j].len))
			at = 1;
	if (!(seen & (1u << QF_FROM)) && !(seen & (1u << QF_SUBJECT)) && !at)
		return 0;
	return last - i + 1;
}

/*
 * plain_line's test of eight bytes at p: printable ASCII ([0x20,
 * 0x7E]) without two spaces in a row; writes them folded to low.
 */
static int
plain8(const unsigned char *p, char *low)
{
	uint64_t v, x, z;

	memcpy(&v, p, sizeof(v));
	/* a top bit, a byte below ' ' (no top bit after + 0x60), or 0x7F */
	if ((v & HIGH8) || (~(v + 0x60 * ONES8) & HIGH8) ||
	    ((v + ONES8) & HIGH8))
		return 0;
	x = v ^ (0x20 * ONES8);
	z = ~(((x & ~HIGH8) + ~HIGH8) | x) & HIGH8;	/* the spaces */
	if (z & (z << 8))
		return 0;
	v = fold8(v);
	memcpy(low, &v, sizeof(v));
	return 1;
}

/*
 * Can mark_headers pass over line l without its phrase key: can it be
 * neither a separator (original_line) nor an "On ... wrote:" header
 * (wrote_header)?  Yes when it starts with a letter that opens no
 * separator phrase, its first twelve bytes are printable ASCII without
 * a blank run (so its key starts with them, folded) and start no opener
 * (one longer than them counts as a start, unless it is longer than the
 * line), and it ends in no colon, dash or bracket (original_line's
 * trail, raw_shape's colon and dashes).  header_block is asked all the
 * same.
 */
static int
plain_line(const struct line *l)
{
	char low[12];
	const unsigned char *u = (const unsigned char *)l->s;
	size_t i, m = MIN(l->len, sizeof(low)), n;
	unsigned char c;
	int plain = l->len >= 3 && isalpha(u[0]) && u[0] < 0x80;

	if (!opener_ix.ready)
		opener_ix_init();
	c = u[l->len - 1];
	if (plain && (c == '\0' || memchr("-_=*<>[]: ", c, 10) ||
	    (c == 0x9A && u[l->len - 2] == 0xBC && u[l->len - 3] == 0xEF)))
		plain = 0;
	/* twelve bytes as two overlapping eights (the pair 7, 8 too) */
	if (plain && m == sizeof(low))
		plain = plain8(u, low) && plain8(u + 4, low + 4);
	else
		for (i = 0; plain && i < m; i++) {
			if (u[i] < 0x20 || u[i] > 0x7E ||
			    (u[i] == ' ' && i > 0 && u[i - 1] == ' '))
				plain = 0;
			low[i] = (char)(u[i] >= 'A' && u[i] <= 'Z' ?
			    u[i] + 32 : u[i]);
		}
	if (plain && (low[0] == 'b' || low[0] == 'o'))
		plain = 0;
	for (i = plain ? opener_ix.head[(unsigned char)low[0]] : 0; i;
	    i = opener_ix.next[i - 1]) {
		/* an opener longer than the line cannot start its key */
		n = opener_ix.len[i - 1];
		if (n > m ? l->len > m : memcmp(low, openers[i - 1], n) == 0)
			plain = 0;
	}
	return plain;
}

/* Marks the quote and forward headers of d. */
static void
mark_headers(const struct ruleset *rs, struct doc *d, size_t *cut_line,
    size_t *cut_at)
{
	char key[HDR_MAX * 3 + 8];
	size_t i, j, span, cut, klen;
	int o, plain, nokey, history = 0;

	*cut_line = d->n;
	*cut_at = 0;
	for (i = 0; i < d->n; i++) {
		struct line *l = &d->v[i];

		if (skip_ws(l->s, l->len, 0) >= l->len) {
			l->kind = L_EMPTY;
			continue;
		}
		if (is_quote_line(l)) {
			l->kind = L_QUOTE;
			history = 1;
			continue;
		}
		if (l->len > HDR_MAX * 3)
			continue;
		cut = 0;
		span = 0;
		/*
		 * The line's phrase key, once for all the checks; not for
		 * a plain line, nor for a long line that cannot be a header
		 * (original_line looks at 120 bytes at most).
		 */
		plain = plain_line(l);
		nokey = plain || (l->len > 120 && !wrote_possible(l));
		klen = nokey ? 0 : phrase_key(l->s, l->len, key, sizeof(key));
		o = nokey ? 0 : original_line(rs, l, key, klen);
		if (o) {
			l->kind = o == 2 ? L_FWD : L_SPLIT;
			history = 1;
			continue;
		}
		if (l->len <= HDR_MAX && (span = header_block(d, i))) {
			l->kind = L_SPLIT;
			if (i > 0 && d->v[i - 1].kind == L_TEXT &&
			    (separator_line(&d->v[i - 1]) ||
			    original_title(&d->v[i - 1]))) {
				d->v[i - 1].kind = L_SPLIT;
				l->kind = L_HDR;
			}
		} else if (!plain && (span = wrote_header(rs, d, i,
		    nokey ? NULL : key, klen, &cut))) {
			l->kind = L_SPLIT;
			/* the reply before it stays, if history starts here */
			if (cut && !history) {
				*cut_line = i;
				*cut_at = cut;
			}
		} else {
			continue;
		}
		history = 1;
		for (j = 1; j < span; j++)
			d->v[i + j].kind = L_HDR;
		i += span - 1;
	}
}

/*
 * History.
 */

#define NONE ((size_t)-1)

/* A URL broken out of a quoted line: "> see (http://x/a\nb) >". */
static int
link_continuation(const struct line *prev, const struct line *cur)
{
	const char *p, *open = NULL, *close = NULL, *s;
	size_t i = skip_ws(cur->s, cur->len, 0);

	s = cur->s + i;
	if (cur->len - i >= 5 && (strncmp(s, "(http", 5) == 0 ||
	    strncmp(s, "<http", 5) == 0))
		return 1;
	for (p = prev->s; p < prev->s + prev->len; p++) {
		if ((*p == '(' || *p == '<') && p + 5 <= prev->s + prev->len &&
		    strncmp(p + 1, "http", 4) == 0)
			open = p;
		else if (*p == ')' || *p == '>')
			close = p;
	}
	return open && (!close || close < open);
}

/* The line after i (or before it, dir -1) that is not empty, or NONE. */
static size_t
next_nonempty(const struct doc *d, size_t i, int dir)
{
	for (;;) {
		if (dir < 0 && i == 0)
			return NONE;
		i = dir < 0 ? i - 1 : i + 1;
		if (i >= d->n)
			return NONE;
		if (d->v[i].kind != L_EMPTY)
			return i;
	}
}

static void
drop(struct doc *d, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to && i < d->n; i++)
		d->v[i].keep = 0;
}

/*
 * Lines from..n are history; keeps the text after the last quoted line
 * (a reply under the quotes, a signature) unless a header and its text
 * come later.
 */
static void
drop_tail(struct doc *d, size_t from)
{
	size_t i, k, lastm = NONE, j = NONE;

	for (i = from; i < d->n; i++)
		if (d->v[i].kind == L_QUOTE)
			lastm = i;
	/* k only moves forward: headers in a row share what follows them */
	for (i = from, k = from; i < d->n && j == NONE; i++) {
		if (d->v[i].kind != L_SPLIT && d->v[i].kind != L_FWD)
			continue;
		if (k <= i)
			for (k = i + 1; k < d->n; k++)
				if (d->v[k].kind != L_EMPTY &&
				    d->v[k].kind != L_HDR &&
				    d->v[k].kind != L_SPLIT)
					break;
		if (k == d->n || d->v[k].kind == L_TEXT ||
		    d->v[k].kind == L_FWD)
			j = i;
	}
	if (lastm == NONE || (j != NONE && j < lastm)) {
		drop(d, from, d->n);
	} else {
		drop(d, from, lastm + 1);
		if (j != NONE)
			drop(d, j, d->n);
	}
}

static void
strip_history(struct doc *d)
{
	size_t i, p, q, run = 0, maxrun = 0, first = NONE, pending = NONE;
	size_t inline_end = NONE;
	int split = 0, seen_m = 0;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].kind != L_TEXT)
			continue;
		p = next_nonempty(d, i, -1);
		q = next_nonempty(d, i, +1);
		if (p != NONE && q != NONE && d->v[p].kind == L_QUOTE &&
		    d->v[q].kind == L_QUOTE && p + 1 == i &&
		    link_continuation(&d->v[p], &d->v[i]))
			d->v[i].kind = L_QUOTE;
	}
	for (i = 0; i < d->n; i++) {
		if (d->v[i].kind == L_SPLIT || d->v[i].kind == L_FWD)
			split = 1;
		if (d->v[i].kind == L_QUOTE)
			maxrun = MAX(maxrun, ++run);
		else if (d->v[i].kind != L_EMPTY)
			run = 0;
	}
	/* a stray "> " line is not a quotation */
	if (!split && maxrun < 3)
		for (i = 0; i < d->n; i++)
			if (d->v[i].kind == L_QUOTE)
				d->v[i].kind = L_TEXT;
	for (i = 0; i < d->n && first == NONE; i++)
		if (d->v[i].kind == L_QUOTE || d->v[i].kind == L_SPLIT ||
		    d->v[i].kind == L_FWD)
			first = i;
	/* nothing quoted, or a forward: the customer sends all of it */
	if (first == NONE || d->v[first].kind == L_FWD)
		return;
	/* text between quoted blocks: an inline reply */
	for (i = 0; i < d->n; i++) {
		switch (d->v[i].kind) {
		case L_QUOTE:
			if (pending != NONE)
				inline_end = pending;
			seen_m = 1;
			pending = NONE;
			break;
		case L_TEXT:
			if (seen_m)
				pending = i;
			break;
		case L_SPLIT:
		case L_FWD:
		case L_HDR:
			seen_m = 0;
			pending = NONE;
			break;
		default:
			break;
		}
	}
	if (inline_end != NONE)
		drop_tail(d, inline_end + 1);
	else
		drop_tail(d, first);
}

/*
 * Line shapes for the signature.
 */

/* A kept line: all of a doc line, or the text before a header on it. */
struct kline {
	const char *s;
	size_t len;
	unsigned char kind;
	/*
	 * What find_signature found the line to be (enum cand + 1; 0: not
	 * looked at), and for C_VALNAME where the name starts, so that
	 * fields_extract need not ask again.
	 */
	unsigned char cand;
	size_t vname;
};

/* The blank-separated words of s (len), counted up to max. */
static size_t
count_words(const char *s, size_t len, size_t max)
{
	size_t i = 0, n = 0;
	uint64_t v, x, y, bl;
	int in = 0;

	/*
	 * Eight bytes at a time (little-endian, as words8): a word starts
	 * at a byte that is no blank after one that is, or after the
	 * blank the run before ended with (in).  n may pass max here: the
	 * count is the same up to max.
	 */
	while (i + 8 <= len && n < max) {
		memcpy(&v, s + i, sizeof(v));
		x = v ^ (0x20 * ONES8);
		y = v ^ (0x09 * ONES8);
		/* the bytes that are ' ' or '\t', exactly */
		bl = ~((((x & ~HIGH8) + ~HIGH8) | x) &
		    (((y & ~HIGH8) + ~HIGH8) | y)) & HIGH8;
		x = ~bl & HIGH8 & (bl << 8 | (in ? 0 : 0x80));
		/* a bit a byte: their sum lands in the top byte */
		n += (size_t)(((x >> 7) * ONES8) >> 56);
		in = !(bl >> 63);
		i += 8;
	}
	if (n >= max)
		return max;
	for (; i < len && n < max; i++) {
		if (s[i] == ' ' || s[i] == '\t') {
			in = 0;
		} else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

/* "-- ", "__", "----------", "-Roman", "-- Tim", "—" */
static int
is_delimiter(const char *s, size_t len)
{
	size_t i = skip_ws(s, len, 0), j, dashes = 0, words;
	char c;

	if (i >= len)
		return 0;
	c = s[i];
	if (strchr("-_=*~", c)) {
		for (j = i; j < len && s[j] == c; j++)
			;
		if (j == len)
			return (j - i >= 2 && (c == '-' || c == '_')) ||
			    j - i >= 3;
	}
	if (len - i >= 3 && memcmp(s + i, "\xE2\x80\x94", 3) == 0) {
		for (j = i; j + 3 <= len &&
		    memcmp(s + j, "\xE2\x80\x94", 3) == 0; j += 3)
			;
		if (j == len)
			return 1;
	}
	if (c != '-')
		return 0;
	while (i < len && s[i] == '-' && dashes < 3) {
		dashes++;
		i++;
	}
	if (dashes == 1 && i < len && s[i] == ' ')
		return 0;	/* "- a bullet" */
	if (dashes > 2)
		return 0;
	i = skip_ws(s, len, i);
	if (i >= len || !(isalpha((unsigned char)s[i]) ||
	    (unsigned char)s[i] >= 0xC2))
		return 0;
	words = count_words(s + i, len - i, 4);
	if (words > 3 || width(s + i, len - i) > 30)
		return 0;
	for (j = i; j < len; j++)
		if (!(isalpha((unsigned char)s[j]) || s[j] == ' ' ||
		    s[j] == '.' || s[j] == '\'' || (unsigned char)s[j] >= 0x80))
			return 0;
	return 1;
}

/* What separates the words of a valediction: " ,/&+.!" */
static int
valediction_sep(char c)
{
	return c == ' ' || c == ',' || c == '/' || c == '&' || c == '+' ||
	    c == '.' || c == '!';
}

/* The sets of the valediction lists, made on first use. */
static const struct sset *valed_set, *valed_words_set, *valed_core_set;

static void
valed_sets_init(void)
{
	if (valed_set)
		return;
	valed_set = list_set(valedictions, ARRAY_SIZE(valedictions));
	valed_words_set = list_set(valediction_words,
	    ARRAY_SIZE(valediction_words));
	valed_core_set = list_set(valediction_core,
	    ARRAY_SIZE(valediction_core));
}

static int
valediction_key(const struct ruleset *rs, const char *key)
{
	const struct sset *words_set, *core_set, *rset;
	char tok[64];
	const char *p = key;
	size_t n, max;
	unsigned h;
	int core = 0;

	if (!*key)
		return 0;
	/*
	 * one hash for both lists, and one a word for both below; a key
	 * longer than every entry of both is in neither
	 */
	valed_sets_init();
	words_set = valed_words_set;
	core_set = valed_core_set;
	rset = rs ? &rs_folded(rs, SL_VALEDICTIONS)->set : NULL;
	max = MAX(valed_set->maxlen, rset ? rset->maxlen : 0);
	h = 2166136261u;
	n = 0;
	if (sset_maybe(valed_set, key) || (rset && sset_maybe(rset, key)))
		for (; key[n] && n <= max; n++)
			h = (h ^ (unsigned char)key[n]) * 16777619u;
	if (n && !key[n] && (sset_has_h(valed_set, key, h) ||
	    (rset && sset_has_h(rset, key, h))))
		return 1;
	while (*p) {
		while (valediction_sep(*p))
			p++;
		if (!*p)
			break;
		h = 2166136261u;
		for (n = 0; p[n] && !valediction_sep(p[n]); n++)
			h = (h ^ (unsigned char)p[n]) * 16777619u;
		if (n >= sizeof(tok))
			return 0;
		memcpy(tok, p, n);
		tok[n] = '\0';
		p += n;
		if (!sset_has_h(words_set, tok, h))
			return 0;
		if (!core && sset_has_h(core_set, tok, h))
			core = 1;
	}
	return core;
}

/* Does a string of set start with the three letters a-z of low? */
static int
sset_starts3(const struct sset *set, const char *low)
{
	long k = pre3_index(low);

	return (set->pre3[k / 64] >> (k % 64)) & 1;
}

/*
 * Can a line starting with the three ASCII letters of low (folded) be a
 * valediction?  Its key and the key's first word start with them, and
 * valediction_key wants the key in a list or its first word in one:
 * one of those starts with them.
 */
static int
valediction_start(const struct ruleset *rs, const char *low)
{
	valed_sets_init();
	return sset_starts3(valed_set, low) ||
	    sset_starts3(valed_words_set, low) ||
	    (rs && sset_starts3(&rs_folded(rs, SL_VALEDICTIONS)->set, low));
}

/* True for a valediction alone on its line ("Best regards,"). */
static int
is_valediction(const struct ruleset *rs, const char *s, size_t len)
{
	char key[256], low[4];
	size_t i;
	int r = 1;

	if (len > 120)
		return 0;
	/* three letters first: most lines are turned down by them */
	for (i = 0; i < 3 && i < len && (unsigned char)((s[i] | 0x20) -
	    'a') < 26; i++)
		low[i] = (char)(s[i] | 0x20);
	if (i == 3) {
		low[3] = '\0';
		r = valediction_start(rs, low);
	} else if (i > 0 && i + 1 < len && s[i] == ' ' &&
	    wordy((unsigned char)s[i + 1]) && (unsigned char)s[i + 1] < 0x80) {
		/*
		 * "I am ...", "We need ...": the key starts with the word, a
		 * space and the next letter or digit (low), and the word is
		 * its first token.  When no list entry starts as the key
		 * does (sset_maybe) and the word is no valediction word,
		 * valediction_key turns the line down.
		 */
		char word[3];

		memcpy(word, low, i);
		word[i] = '\0';
		low[i] = ' ';
		if (i == 1)
			low[2] = (char)(s[2] >= 'A' && s[2] <= 'Z' ?
			    s[2] + 32 : s[2]);
		low[3] = '\0';
		valed_sets_init();
		r = sset_maybe(valed_set, low) || (rs &&
		    sset_maybe(&rs_folded(rs, SL_VALEDICTIONS)->set, low)) ||
		    sset_has(valed_words_set, word);
	}
	if (r) {
		phrase_key(s, len, key, sizeof(key));
		r = valediction_key(rs, key);
	}
	return r;
}

#ifdef INQUIRYD_UNITTEST
/* For test_sig: is_valediction, and the same without its shortcuts. */
int
sig_is_valediction(const struct ruleset *rs, const char *s, size_t len)
{
	return is_valediction(rs, s, len);
}

int
sig_is_valediction_slow(const struct ruleset *rs, const char *s, size_t len)
{
	char key[256];

	if (len > 120)
		return 0;
	phrase_key(s, len, key, sizeof(key));
	return valediction_key(rs, key);
}
#endif

static int
is_upper_start(const char *s, size_t len)
{
	char f[4];
	size_t n;

	if (!len)
		return 0;
	if ((unsigned char)s[0] < 0x80)
		return isupper((unsigned char)s[0]);
	n = ((unsigned char)s[0] >= 0xE0) ? 3 : 2;
	if (n > len)
		return 0;
	if (n == 3)
		return 1;	/* CJK and others have no case */
	phone_fold(s, n, f);
	return memcmp(f, s, n) != 0 || (unsigned char)s[0] >= 0xD7;
}

static int
is_cjk_lead(unsigned char c)
{
	return c >= 0xE3 && c <= 0xED;
}

/* Words that are never part of a person's name. */
static const char *const not_name_words[] = {
	"the", "team", "dear", "hi", "hello", "thanks", "thank", "regards",
	"best", "sales", "service", "support", "department", "dept", "office",
	"customer", "purchasing", "purchase", "manager", "director", "company",
	"group", "ltd", "llc", "inc", "co", "limited", "corp", "gmbh",
	"trading", "international", "industries", "email", "mail", "phone",
	"tel", "fax", "mobile", "address", "website", "www", "and", "for",
	"from", "with", "your", "our", "we", "you", "please", "sent", "by",
	"of", "to", "in", "on", "at", "is", "are", "this", "that", "my",
	"me", "it", "all", "yours", "sincerely", "cheers", "kind", "warm",
	"ceo", "president", "officer", "engineer", "head", "lead", "team",
	"export", "import", "buyer", "procurement", "general", "assistant",
	"executive", "marketing", "contact", "info", "admin", "hr",
	"accounts", "finance", "shipping", "logistics", "technical",
};

static const char *const name_particles[] = {
	"de", "van", "von", "da", "del", "der", "den", "la", "le", "di", "du",
	"dos", "das", "bin", "binti", "al", "el", "y", "e", "ten", "ter",
	"st.", "ibn", "abu", "ben", "bint", "zu", "vom", "della", "degli",
};

/* A byte no name has: a digit, one of @:/\|#$%&*+=<>[]{}"?!;,_ */
static int
name_stop(unsigned char c)
{
	switch (c) {
	case '@': case ':': case '/': case '\\': case '|': case '#':
	case '$': case '%': case '&': case '*': case '+': case '=':
	case '<': case '>': case '[': case ']': case '{': case '}':
	case '"': case '?': case '!': case ';': case ',': case '_':
	case '\0':	/* as strchr() found it */
		return 1;
	default:
		return (unsigned char)(c - '0') < 10;
	}
}

/*
 * Does s look like a person's name: one to five words, capitalised (or
 * written in a script without case), no digits, no punctuation beyond
 * ".-'", none of the words a company or a title line has?
 */
static int
name_like(const char *s, size_t len)
{
	char tok[64], f[64];
	size_t i = 0, n, words = 0, upper = 0, cjk = 0;

	len = rtrim_len(s, len);
	while (len && strchr(".,;:!", s[len - 1]))
		len--;
	if (!len || len > 60 || width(s, len) > 40)
		return 0;
	while (i < len) {
		i = skip_ws(s, len, i);
		if (i >= len)
			break;
		for (n = 0; i + n < len && s[i + n] != ' ' && s[i + n] != '\t';
		    n++)
			;
		if (n >= sizeof(tok))
			return 0;
		memcpy(tok, s + i, n);
		tok[n] = '\0';
		phone_fold(tok, n, f);
		if (in_list(f, not_name_words, ARRAY_SIZE(not_name_words)))
			return 0;
		if (is_cjk_lead((unsigned char)tok[0])) {
			cjk += width(tok, n) / 2;
			if (width(tok, n) > 8)
				return 0;
		} else if (in_list(f, name_particles,
		    ARRAY_SIZE(name_particles))) {
			/* lowercase particles are fine */
		} else {
			size_t k;

			for (k = 0; k < n; k++)
				if (name_stop((unsigned char)tok[k]))
					return 0;
			if (is_upper_start(tok, n))
				upper++;
			else if (tok[0] != '(')
				return 0;
		}
		words++;
		i += n;
	}
	if (words == 0 || words > 5)
		return 0;
	if (cjk)
		return cjk >= 2 && cjk <= 8 && words <= 3;
	return upper >= 1;
}

static int has_word(const char *f, size_t len, const char *const *list,
    size_t n);

/*
 * The first bytes of footer_prefixes and the lengths and last bytes of
 * footer_cjk_end, made once: is_footer reads the last line of every
 * message, and most start and end with bytes none of them has.
 */
static struct {
	uint64_t prefix_first[4];
	uint64_t cjk_last[4];
	size_t cjk_len[ARRAY_SIZE(footer_cjk_end)];
	int ready;
} footer_ix;

static void
footer_ix_init(void)
{
	size_t i, n;
	unsigned char c;

	for (i = 0; i < ARRAY_SIZE(footer_prefixes); i++) {
		c = (unsigned char)footer_prefixes[i][0];
		byte_add(footer_ix.prefix_first, c);
	}
	for (i = 0; i < ARRAY_SIZE(footer_cjk_end); i++) {
		n = footer_ix.cjk_len[i] = strlen(footer_cjk_end[i]);
		c = (unsigned char)footer_cjk_end[i][n - 1];
		byte_add(footer_ix.cjk_last, c);
	}
	footer_ix.ready = 1;
}

/* Mobile footers: "Sent from my iPhone", "发自我的iPhone", ... */
static int
is_footer(const struct ruleset *rs, const char *s, size_t len)
{
	char key[256];
	const char *rest;
	size_t i, j, klen, w, n;

	if (len > 200 || width(s, len) > 80)
		return 0;
	klen = phrase_key(s, len, key, sizeof(key));
	if (!klen)
		return 0;
	if (rs_list(rs, SL_MOBILE_FOOTERS, key, 1))
		return 1;
	if (!footer_ix.ready)
		footer_ix_init();
	/* when no prefix starts with key[0], none is compared */
	n = byte_in(footer_ix.prefix_first, (unsigned char)key[0]) ?
	    ARRAY_SIZE(footer_prefixes) : 0;
	for (i = 0; i < n; i++) {
		if (key[0] != footer_prefixes[i][0] ||
		    !starts_with(key, footer_prefixes[i]))
			continue;
		rest = key + strlen(footer_prefixes[i]);
		w = count_words(rest, strlen(rest), 7);
		/* "Sent via the Samsung Galaxy S23, an AT&T 5G smartphone":
		 * with a comma, only a device's name makes it a footer */
		if (strchr(rest, ','))
			break;
		if (strstr(footer_prefixes[i], "outlook"))
			return w <= 3;
		if (ends_with(footer_prefixes[i], " my "))
			return w >= 1 && w <= 4;
		if (w > 6)
			return 0;
		for (j = 0; j < ARRAY_SIZE(device_words); j++)
			if (find_word(rest, strlen(rest),
			    device_words[j]) >= 0 ||
			    ((unsigned char)device_words[j][0] >= 0x80 &&
			    strstr(rest, device_words[j])))
				return 1;
		return 0;
	}
	if (count_words(key, klen, 15) <= 14 && !strchr(key, '?') &&
	    has_word(key, klen, sent_words, ARRAY_SIZE(sent_words)) &&
	    has_word(key, klen, strong_devices, ARRAY_SIZE(strong_devices)))
		return 1;
	if (width(key, klen) > 40)
		return 0;
	for (i = 0; i < ARRAY_SIZE(footer_cjk_start); i++)
		if (key[0] == footer_cjk_start[i][0] &&
		    starts_with(key, footer_cjk_start[i])) {
			if (i < 6)
				return 1;
			for (j = 0; j < ARRAY_SIZE(device_words); j++)
				if (strstr(key, device_words[j]))
					return 1;
			return 0;
		}
	/* ends_with(key, ...): klen is strlen(key); the last byte first */
	if (!byte_in(footer_ix.cjk_last, (unsigned char)key[klen - 1]))
		return 0;
	for (i = 0; i < ARRAY_SIZE(footer_cjk_end); i++)
		if ((n = footer_ix.cjk_len[i]) <= klen &&
		    key[klen - 1] == footer_cjk_end[i][n - 1] &&
		    memcmp(key + klen - n, footer_cjk_end[i], n) == 0)
			for (j = 0; j < ARRAY_SIZE(device_words); j++)
				if (strstr(key, device_words[j]))
					return 1;
	return 0;
}

/*
 * Contact details in a line.
 */

static int
email_char(unsigned char c)
{
	return isalnum(c) || strchr("._%+-'", c);
}

/* Finds an e-mail address in s; returns its offset or -1, *n its length. */
static long
find_email(const char *s, size_t len, size_t *n)
{
	const char *at;
	size_t i, a, b, dot;

	for (i = 0; i < len; i++) {
		/* most lines have no '@': memchr finds that at once */
		if (!(at = memchr(s + i, '@', len - i)))
			break;
		i = (size_t)(at - s);
		for (a = i; a > 0 && email_char((unsigned char)s[a - 1]); a--)
			;
		for (b = i + 1, dot = 0; b < len &&
		    (isalnum((unsigned char)s[b]) || s[b] == '-' ||
		    s[b] == '.'); b++)
			if (s[b] == '.')
				dot = b;
		while (b > i + 1 && (s[b - 1] == '.' || s[b - 1] == '-'))
			b--;
		if (a == i || !dot || dot >= b - 2 || dot == i + 1)
			continue;
		while (a < i && (s[a] == '.' || s[a] == '\''))
			a++;
		*n = b - a;
		return (long)a;
	}
	return -1;
}

/* Does c end a URL: a blank, one of <>"'|,()[], a NUL or a non-ASCII? */
static int
url_stop(unsigned char c)
{
	switch (c) {
	case '\0': case '<': case '>': case '"': case '\'': case '|':
	case ',': case '(': case ')': case '[': case ']':
		return 1;
	default:
		return c >= 0x80 || isspace(c);
	}
}

/* Finds "http(s)://..." or "www...."; returns its offset or -1. */
/* A URL starting at i ("http://", "https://", "www."): its offset. */
static long
url_at(const char *s, size_t len, size_t i, size_t *n)
{
	size_t j;

	if (i + 4 >= len)
		return -1;
	/* the strncasecmp calls below cost more than the rest */
	if ((s[i] | 0x20) != 'h' && (s[i] | 0x20) != 'w')
		return -1;
	if (!((len - i >= 7 && strncasecmp(s + i, "http://", 7) == 0) ||
	    (len - i >= 8 && strncasecmp(s + i, "https://", 8) == 0) ||
	    (strncasecmp(s + i, "www.", 4) == 0 &&
	    (i == 0 || !isalnum((unsigned char)s[i - 1])))))
		return -1;
	for (j = i; j < len && !url_stop((unsigned char)s[j]); j++)
		;
	while (j > i && strchr(".;:!?/", s[j - 1]) &&
	    !(s[j - 1] == '/' && j - i > 8 && s[j - 2] != '/'))
		j--;
	if (j - i <= 4)
		return -1;
	*n = j - i;
	return (long)i;
}

static long
find_url(const char *s, size_t len, size_t *n)
{
	const char *dot, *col, *q;
	size_t i, next = 0, k;
	long at = -1;

	/*
	 * A URL has a '.' three bytes after its start ("www.") or a ':'
	 * four or five after ("http://", "https://"): only those places
	 * are tried, in order, from each '.' and ':' in turn.
	 */
	dot = memchr(s, '.', len);
	col = memchr(s, ':', len);
	while ((dot || col) && at < 0) {
		q = !col || (dot && dot < col) ? dot : col;
		for (k = 5; k >= 3 && at < 0; k--) {
			if ((size_t)(q - s) < k)
				continue;
			i = (size_t)(q - s) - k;
			if (i < next)
				continue;
			next = i + 1;
			at = url_at(s, len, i, n);
		}
		if (q == dot)
			dot = memchr(q + 1, '.', len - (size_t)(q + 1 - s));
		else
			col = memchr(q + 1, ':', len - (size_t)(q + 1 - s));
	}
	return at;
}

/* A phone number somewhere in s (7 to 17 digits, not a date). */
/*
 * May one of the eight bytes at s start a number ('0'-'9', '+', '(')?
 * Tested as: a byte in ['(', '9'] once its top bit is cleared, so a few
 * other bytes say yes too; none that starts a number says no.
 */
static int
number_byte8(const char *s)
{
	uint64_t v;

	memcpy(&v, s, sizeof(v));
	v &= ~HIGH8;
	return (((v + (0x80 - '(') * ONES8) & ~(v + (0x7F - '9') * ONES8)) &
	    HIGH8) != 0;
}

static int
has_phone(const char *s, size_t len)
{
	char out[PHONE_E164_SIZE + 48];
	size_t i, used, digits;

	if (len > FIELD_MAX)
		len = FIELD_MAX;
	for (i = 0; i < len; i++) {
		/* eight bytes none of which can start a number at a time */
		while (i + 8 <= len && !number_byte8(s + i))
			i += 8;
		if (i >= len)
			break;
		/* most bytes: isdigit() is a call */
		if (!((unsigned char)(s[i] - '0') < 10 || s[i] == '+' ||
		    s[i] == '('))
			continue;
		if (i > 0 && (isalnum((unsigned char)s[i - 1]) ||
		    (isdigit((unsigned char)s[i]) && s[i - 1] == '-')))
			continue;
		used = 0;
		if (phone_normalise(s + i, len - i, NULL, 0, out, sizeof(out),
		    &used) >= 0)
			return 1;
		/* skip the digits just read */
		for (digits = 0; i < len && (isdigit((unsigned char)s[i]) ||
		    strchr("+()-. /", s[i])); i++)
			digits++;
	}
	return 0;
}

/* Of the contacts line_flags sets the first it finds: they are asked for
 * together (LF_CONTACT). */
enum lflag {
	LF_EMAIL = 1 << 0,
	LF_URL = 1 << 1,
	LF_PHONE = 1 << 2,
	LF_BODY = 1 << 3,	/* reads like a sentence of the message */
	LF_SHORT = 1 << 4,
	LF_QUESTION = 1 << 5,
	LF_KNOWN = 1 << 6,	/* wflags: the others are set */
};

/* width(), or more than cap once it is past cap (a paragraph is long). */
static size_t
width_past(const char *s, size_t len, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, w = 0;

	/* as width(), while eight more columns stay within cap */
	while (i + 8 <= len && w + 8 <= cap && ascii8(p + i)) {
		i += 8;
		w += 8;
	}
	for (; i < len && w <= cap; i++) {
		if ((p[i] & 0xC0) == 0x80)
			continue;
		w += p[i] >= 0xE3 ? 2 : 1;
	}
	return w;
}

static unsigned
line_flags(const char *s, size_t len)
{
	unsigned f = 0;
	/* only compared with 60, 70 and 200 below */
	size_t n, w = width_past(s, len, 200);

	if (len <= 4096) {
		if (find_email(s, len, &n) >= 0)
			f |= LF_EMAIL;
		else if (find_url(s, len, &n) >= 0)
			f |= LF_URL;
		else if (has_phone(s, len))
			f |= LF_PHONE;
	}
	if (len && s[len - 1] == '?')
		f |= LF_QUESTION;
	if (w <= 60)
		f |= LF_SHORT;
	/* the words are counted only when the rest does not decide */
	if (!(f & (LF_EMAIL | LF_URL | LF_PHONE)) &&
	    (w > 70 || (f & LF_QUESTION) ||
	    count_words(s, MIN(len, 4096), 10) >= 10))
		f |= LF_BODY;
	if (w > 200)
		f |= LF_BODY;
	return f;
}

#define LF_CONTACT (LF_EMAIL | LF_URL | LF_PHONE)

/*
 * The flags of line i of the signature window w[] (line_flags), made on
 * first ask and kept in fl[i] (0: not yet).  A signature found at its
 * valediction needs the flags of the lines below it only, and the
 * lines above are most of the window.
 */
static unsigned
wflags(const struct kline *K, const size_t *w, unsigned *fl, size_t i)
{
	if (!fl[i])
		fl[i] = line_flags(K[w[i]].s, K[w[i]].len) | LF_KNOWN;
	return fl[i];
}

/*
 * memmem(s, len, t, 3) for a three-byte UTF-8 character t: its lead byte
 * is rare in most lines, and memchr finds it faster.
 */
static const char *
find3(const char *s, size_t len, const char *t)
{
	const char *p = s, *e = s + len;

	while (e - p >= 3 && (p = memchr(p, t[0], (size_t)(e - p - 2)))) {
		if (p[1] == t[1] && p[2] == t[2])
			return p;
		p++;
	}
	return NULL;
}

/*
 * "Regards, Roman": a valediction and a name on one line.  Returns the
 * offset of the name, or 0.
 */
static size_t
valediction_name(const struct ruleset *rs, const char *s, size_t len)
{
	size_t i, k, w;
	const char *comma, *sp;

	if (len > 120)
		return 0;
	comma = memchr(s, ',', len);
	if (!comma && len >= 3)
		comma = find3(s, len, "\xEF\xBC\x8C");
	if (comma) {
		i = (size_t)(comma - s);
		k = i + (*comma == ',' ? 1 : 3);
		k = skip_ws(s, len, k);
		if (i > 0 && k < len && is_valediction(rs, s, i) &&
		    name_like(s + k, len - k))
			return k;
		return 0;
	}
	/* "Best regards John Smith" */
	for (i = 0, w = 0; i < len && w < 4; i++) {
		/* the next space */
		if (!(sp = memchr(s + i, ' ', len - i)))
			break;
		i = (size_t)(sp - s);
		w++;
		k = skip_ws(s, len, i);
		/* the capital first: it costs less than the phrase key */
		if (is_upper_start(s + k, len - k) &&
		    is_valediction(rs, s, i) && name_like(s + k, len - k))
			return k;
	}
	return 0;
}

/*
 * What a signature line is: a title, a company, an address.
 */

static const char *const title_words[] = {
	"manager", "director", "ceo", "cfo", "coo", "cto", "cmo", "cio",
	"president", "vp", "vice president", "head of", "purchasing",
	"procurement", "buyer", "purchaser", "purchase", "sales", "marketing",
	"engineer", "officer", "owner", "founder", "co-founder", "cofounder",
	"partner", "assistant", "executive", "coordinator", "specialist",
	"consultant", "representative", "agent", "supervisor",
	"administrator", "secretary", "accountant", "chairman", "chairwoman",
	"merchandiser", "sourcing", "logistics", "team leader", "analyst",
	"developer", "designer", "architect", "advisor", "adviser",
	"associate", "clerk", "trader", "broker", "principal", "proprietor",
	"managing", "general manager", "gm", "md", "import manager",
	"export manager", "business development", "account manager",
	"gerente", "directora", "diretor", "diretora", "jefe", "jefa",
	"comprador", "compradora", "compras", "ventas", "vendas",
	"responsable", "responsável", "encargado", "encargada", "ejecutivo",
	"ejecutiva", "asesor", "asesora", "presidente", "directeur",
	"directrice", "acheteur", "acheteuse", "chef", "commercial",
	"commerciale", "gérant", "gérante", "président", "ingénieur",
	"chargé", "chargée", "achats", "einkäufer", "einkäuferin", "einkauf",
	"geschäftsführer", "geschäftsführerin", "leiter", "leiterin",
	"vertrieb", "verkauf", "inhaber", "inhaberin", "prokurist",
	"sachbearbeiter", "sachbearbeiterin", "abteilungsleiter", "vorstand",
	"ingenieur", "responsabile", "direttore", "direttrice", "titolare",
	"acquisti", "amministratore", "inkoper", "inkoop", "eigenaar",
	"bedrijfsleider", "verkoop", "менеджер", "директор", "генеральный",
	"руководитель", "начальник", "закупщик", "закупок", "специалист",
	"инженер", "бухгалтер", "müdür", "müdürü", "satın alma", "satış",
	"uzman", "yönetici", "giám đốc", "trưởng phòng", "nhân viên",
	"manajer", "direktur", "مدير", "مسؤول", "경리", "대리", "과장",
	"부장", "이사", "대표", "사원", "팀장", "실장", "차장", "사장",
	"经理", "經理", "总经理", "總經理", "采购", "採購", "销售", "銷售",
	"总监", "總監", "主管", "部长", "部長", "董事长", "董事長", "总裁",
	"總裁", "主任", "业务", "業務", "专员", "專員", "助理", "工程师",
	"工程師", "老板", "老闆", "外贸", "外貿", "跟单", "課長", "社長",
	"担当", "取締役", "営業", "購買", "係長", "einkaufsleiter",
	"einkaufsleiterin", "verkaufsleiter", "verkaufsleiterin",
	"vertriebsleiter", "vertriebsleiterin", "exportleiter",
	"geschäftsleitung", "gerente de compras", "ds.", "specjalista",
	"kierownik", "dyrektor", "właściciel", "uzmanı", "sorumlusu",
	"müdürü", "manajer", "pengadaan", "trưởng", "phó",
};

static const char *const company_words[] = {
	"ltd", "ltd.", "limited", "llc", "l.l.c.", "l.l.c", "inc", "inc.",
	"incorporated", "corp", "corp.", "corporation", "co.", "co.,ltd",
	"co.,ltd.", "co., ltd", "co., ltd.", "co.ltd", "co. ltd", "gmbh",
	"ag", "kg", "s.a.", "s.l.", "s.a.s.", "sas", "sarl", "s.a.r.l.",
	"s.r.l.", "srl", "s.p.a.", "spa", "b.v.", "bv", "n.v.", "pty",
	"pte", "sdn bhd", "sdn. bhd.", "bhd", "plc", "llp", "oy", "oyj",
	"a/s", "aps", "asa", "sp. z o.o.", "sp. z.o.o.", "sp z o.o.",
	"sp.z o.o.", "sp z.o.o", "z.o.o", "s.r.o.", "a.s.", "kft", "kft.",
	"zrt", "ooo", "ооо", "зао", "оао", "пао", "ltda", "ltda.",
	"s.a. de c.v.", "sa de cv", "eireli", "pvt", "pvt.", "fze", "fzco",
	"fz-llc", "fzc", "w.l.l", "w.l.l.", "wll", "k.k.", "株式会社",
	"有限会社", "有限公司", "有限责任公司", "股份有限公司", "集团",
	"集團", "公司", "주식회사", "(주)", "pty ltd", "gmbh & co. kg",
	"s.a", "sa", "s.l", "sl", "ab", "pt", "cv", "tbk", "şti", "şti.",
	"a.ş.", "a.ş", "sp. z o.o", "(pty)", "pty.",
};

/* Words a company name often has, but titles sometimes too. */
static const char *const company_weak_words[] = {
	"group", "trading", "industries",
	"industry", "industrial", "enterprise", "enterprises", "holdings",
	"holding", "imports", "exports", "import & export", "solutions",
	"technologies", "technology", "systems", "manufacturing", "mfg",
	"distributors", "distribution", "distributeur", "distribuidora",
	"comercial", "comercio", "importadora", "exportadora", "handels",
	"traders", "supplies", "supply", "products", "factory", "ventures",
	"international", "intl", "e.k.", "s.c.", "company", "corporate",
	"sources", "source", "global", "worldwide",
};

/* Words that put a line in a postal address. */
static const char *const address_words[] = {
	"street", "st", "st.", "road", "rd", "rd.", "avenue", "ave", "ave.",
	"av", "av.", "blvd", "boulevard", "lane", "ln", "drive", "dr.",
	"way", "building", "bldg", "floor", "fl", "f/", "room", "rm", "suite",
	"ste", "unit", "no.", "no", "district", "zone", "industrial", "park",
	"estate", "plaza", "tower", "centre", "center", "block", "blk",
	"sector", "province", "city", "county", "zip", "postcode", "p.o. box",
	"po box", "p.o.box", "str.", "str", "straße", "strasse", "weg",
	"platz", "allee", "gasse", "ring", "damm", "rue", "bd", "chemin",
	"place", "allée", "quai", "cedex", "avenida", "calle", "carrera",
	"calzada", "colonia", "col.", "rua", "travessa", "bairro", "via",
	"viale", "piazza", "corso", "ul.", "ulica", "aleja", "utca", "straat",
	"laan", "plein", "gade", "vej", "gatan", "vägen", "katu", "caddesi",
	"cad.", "cd.", "sokak", "sok.", "sk.", "mahallesi", "mah.", "mh.",
	"osb", "ул.", "улица", "проспект", "пр-т", "город", "г.", "офис",
	"дом", "д.", "đường", "phường", "quận", "tỉnh", "jalan", "jl.",
	"jln", "kawasan", "kav.", "section", "sec.", "lot", "highway", "hwy",
	"industrial area", "free zone", "p.o.", "apartado", "cp", "c.p.",
	"zona", "parque", "polígono", "poligono", "barrio", "sector",
	"quartier", "zi", "z.i.", "za", "technopark",
};

/* Street words that end a compound: "Industriestraße", "Kerkstraat". */
static const char *const street_suffixes[] = {
	"straße", "strasse", "str.", "weg", "platz", "allee", "gasse", "damm",
	"straat", "laan", "plein", "gracht", "gatan", "vägen", "vej", "gade",
	"veien", "gata", "katu", "utca", "ulica", "caddesi", "sokak",
};

static int
street_compound(const char *f, size_t len)
{
	size_t i, k, n, wlen;
	const char *w = f;

	for (i = 0; i <= len; i++) {
		if (i < len && f[i] != ' ' && f[i] != ',')
			continue;
		wlen = (size_t)(f + i - w);
		for (k = 0; k < ARRAY_SIZE(street_suffixes); k++) {
			n = strlen(street_suffixes[k]);
			if (wlen > n + 2 &&
			    memcmp(f + i - n, street_suffixes[k], n) == 0)
				return 1;
		}
		w = f + i + 1;
	}
	return 0;
}

/* CJK address characters (with a digit nearby they make an address). */
static const char *const address_cjk[] = {
	"路", "号", "號", "街", "区", "區", "市", "省", "县", "縣", "镇",
	"鎮", "楼", "樓", "室", "栋", "棟", "大厦", "大廈", "工业区",
	"工業區", "丁目", "番地", "県", "都", "府", "구", "동", "로", "길",
	"번지", "층",
};

/*
 * Word lists indexed by their first byte.  has_word ran find_word (a
 * memmem over the line) for each of up to 200 words, for every line
 * that might be a title, a company or an address; walking the line once
 * and trying only the words that start with each byte finds the same.
 */
struct word_index {
	const char *const *list;	/* static: the key */
	size_t *len;
	unsigned char *bw;	/* the word starts with a word character */
	unsigned char *aw;	/* it ends with one */
	unsigned short *next;	/* 1-based chains; 0 ends */
	unsigned short head[256];
	/* bit (b0 << 8 | b1): a word starts with b0 b1 (b0 alone: all) */
	uint64_t pair[65536 / 64];
};

static void
word_index_init(struct word_index *x, const char *const *list, size_t n)
{
	size_t i;
	unsigned b0, b1;

	x->list = list;
	x->len = xcalloc(n, sizeof(*x->len));
	x->bw = xcalloc(n, 1);
	x->aw = xcalloc(n, 1);
	x->next = xcalloc(n, sizeof(*x->next));
	/* backwards, so that each chain is in list order */
	for (i = n; i-- > 0;) {
		x->len[i] = strlen(list[i]);
		if (!x->len[i])
			continue;	/* find_word finds no empty word */
		x->bw[i] = (unsigned char)wordy((unsigned char)list[i][0]);
		x->aw[i] = (unsigned char)wordy(last_lead(list[i],
		    x->len[i]));
		x->next[i] = x->head[(unsigned char)list[i][0]];
		x->head[(unsigned char)list[i][0]] = (unsigned short)(i + 1);
		b0 = (unsigned char)list[i][0];
		b1 = (unsigned char)list[i][1];
		if (x->len[i] == 1)	/* the four words of b0's pairs */
			memset(&x->pair[b0 * 4], 0xff, 4 * sizeof(x->pair[0]));
		else
			x->pair[(b0 << 8 | b1) / 64] |=
			    1ull << ((b0 << 8 | b1) % 64);
	}
}

/*
 * The words of index x (of list) that the folded text f (len) contains,
 * as find_word finds them: the OR of their tags (1 for each word when
 * tags is NULL).  Stops once it has all of want.
 */
static unsigned
word_scan(const struct word_index *x, const char *const *list,
    const unsigned char *tags, const char *f, size_t len, unsigned want)
{
	const unsigned char *u = (const unsigned char *)f;
	size_t at, i, k;
	unsigned pair, found = 0;
	int prevw;

	if (!wordy_tab['a'])
		wordy_tab_init();
	for (at = 0; at < len; at++) {
		/*
		 * Inside a word, most bytes: a word starting with a word
		 * character cannot start here (prevw below; a continuation
		 * byte before is not wordy, and then the test below asks).
		 */
		if (at > 0 && wordy_tab[u[at - 1]] && wordy_tab[u[at]])
			continue;
		if (!(i = x->head[u[at]]))
			continue;
		/* no word starts with these two bytes */
		pair = (unsigned)u[at] << 8 | (at + 1 < len ? u[at + 1] : 0);
		if (at + 1 < len && !(x->pair[pair / 64] >> (pair % 64) & 1))
			continue;
		/* As find_word: no word character just before a word
		 * that starts with one, nor just after one that ends so. */
		prevw = at > 0 && wordy(last_lead(f, at));
		/* the words of a chain start with the same byte */
		if (prevw && x->bw[i - 1])
			continue;
		for (; i; i = x->next[i - 1]) {
			k = i - 1;
			/* the second byte before the call */
			if ((x->bw[k] && prevw) || x->len[k] > len - at ||
			    (x->len[k] > 1 && u[at + 1] !=
			    (unsigned char)list[k][1]) ||
			    memcmp(f + at, list[k], x->len[k]) != 0)
				continue;
			if (x->aw[k] && at + x->len[k] < len &&
			    wordy(u[at + x->len[k]]))
				continue;
			found |= tags ? tags[k] : 1;
			if ((found & want) == want)
				return found;
		}
	}
	return found;
}

/* Does the folded text f (len) contain one of list as a word? */
static int
has_word(const char *f, size_t len, const char *const *list, size_t n)
{
	static struct word_index idx[8];
	size_t i, k;

	for (k = 0; k < ARRAY_SIZE(idx) && idx[k].list; k++)
		if (idx[k].list == list)
			break;
	if (k == ARRAY_SIZE(idx)) {
		/* more lists than slots: the table must grow */
		for (i = 0; i < n; i++)
			if (find_word(f, len, list[i]) >= 0)
				return 1;
		return 0;
	}
	if (!idx[k].list)
		word_index_init(&idx[k], list, n);
	return word_scan(&idx[k], list, NULL, f, len, 1) != 0;
}

/*
 * Folded copy of s into f (len + 1 bytes); wide blanks become as many
 * spaces (same length).  Returns f.
 */
static char *
fold_into(const char *s, size_t len, char *f)
{
	size_t i, n;

	phone_fold(s, len, f);
	for (i = 0; i < len; i++)
		if ((unsigned char)f[i] >= 0x80 &&
		    (n = blank_at((const unsigned char *)f + i, len - i)) > 0)
			memset(f + i, ' ', n);
	return f;
}

/* Legal forms that company_words, a list of words, cannot hold. */
static int
legal_form(const char *f)
{
	return strstr(f, "co.,ltd") || strstr(f, "co.ltd") ||
	    strstr(f, "co., ltd") || strstr(f, "gmbh") || strstr(f, "有限");
}

/* The tags of the lists in ct_index. */
enum {
	CT_COMPANY = 1,		/* company_words */
	CT_WEAK = 2,		/* company_weak_words */
	CT_TITLE = 4,		/* title_words */
};

/*
 * The words of company_words, company_weak_words and title_words in one
 * index with their tags, made on first use and kept: company_title_like
 * learns which lists have a word in a text in one pass over it, where
 * has_word takes one for each list.
 */
static struct {
	struct word_index x;
	const char **list;
	unsigned char *tags;
} ct_index;

/* The word lists ct_index holds, with their tags. */
static const struct {
	const char *const *v;
	size_t n;
	unsigned char tag;
} ct_lists[] = {
	{ company_words, ARRAY_SIZE(company_words), CT_COMPANY },
	{ company_weak_words, ARRAY_SIZE(company_weak_words), CT_WEAK },
	{ title_words, ARRAY_SIZE(title_words), CT_TITLE },
};

static void
ct_index_init(void)
{
	size_t i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(ct_lists); i++)
		n += ct_lists[i].n;
	ct_index.list = xcalloc(n, sizeof(*ct_index.list));
	ct_index.tags = xcalloc(n, 1);
	for (n = 0, i = 0; i < ARRAY_SIZE(ct_lists); i++)
		for (j = 0; j < ct_lists[i].n; j++, n++) {
			ct_index.list[n] = ct_lists[i].v[j];
			ct_index.tags[n] = ct_lists[i].tag;
		}
	word_index_init(&ct_index.x, (const char *const *)ct_index.list, n);
}

/*
 * Whether s reads as a company (*company: 2 for a legal form, "Ltd",
 * "GmbH", "有限公司"; 1 for a weaker word) and as a job title (*title),
 * each asked when its pointer is not NULL.  take_text asks both of every
 * piece of text: they measure and fold it the same way and find the
 * words of their lists in one pass (ct_index).
 */
static void
company_title_like(const char *s, size_t len, int *company, int *title)
{
	char f[128];	/* len is at most 120 */
	size_t w, n;
	unsigned want = 0, m = 0;

	if (company)
		*company = 0;
	if (title)
		*title = 0;
	if (len > 120 || (w = width(s, len)) > 80 || memchr(s, '@', len))
		return;
	fold_into(s, len, f);
	if (title && w <= 70)
		want |= CT_TITLE;
	if (company && find_url(s, len, &n) < 0)
		want |= CT_COMPANY;
	if (!want)
		return;
	if (!ct_index.list)
		ct_index_init();
	/* (with want found the scan stops; the weak words matter only
	 * when it did not) */
	m = word_scan(&ct_index.x, (const char *const *)ct_index.list,
	    ct_index.tags, f, len, want);
	if (want & CT_TITLE)
		*title = (m & CT_TITLE) != 0;
	if (!(want & CT_COMPANY))
		return;
	if ((m & CT_COMPANY) || legal_form(f))
		*company = 2;
	else if (m & CT_WEAK)
		*company = 1;
}

#ifdef INQUIRYD_UNITTEST
/* Whether a word of list is in f, by find_word: 1, 0, or -1 when has_word
 * says otherwise. */
static int
word_list_agrees(const char *f, size_t len, const char *const *v, size_t n)
{
	size_t j;
	int has = 0;

	for (j = 0; j < n && !has; j++)
		has = find_word(f, len, v[j]) >= 0;
	return has_word(f, len, v, n) == has ? has : -1;
}

/*
 * For test_sig: do has_word and the company and title index (ct_index)
 * find in the folded text f (len) the words find_word finds?
 */
int
sig_word_index_agrees(const char *f, size_t len)
{
	unsigned ref = 0;
	size_t i;
	int has;

	for (i = 0; i < ARRAY_SIZE(ct_lists); i++) {
		if ((has = word_list_agrees(f, len, ct_lists[i].v,
		    ct_lists[i].n)) < 0)
			return 0;
		if (has)
			ref |= ct_lists[i].tag;
	}
	if (word_list_agrees(f, len, address_words,
	    ARRAY_SIZE(address_words)) < 0)
		return 0;
	if (!ct_index.list)
		ct_index_init();
	return word_scan(&ct_index.x, (const char *const *)ct_index.list,
	    ct_index.tags, f, len, CT_COMPANY | CT_WEAK | CT_TITLE) == ref;
}
#endif

static int
title_like(const char *s, size_t len)
{
	int title;

	company_title_like(s, len, NULL, &title);
	return title;
}

static int
company_like(const char *s, size_t len)
{
	int company;

	company_title_like(s, len, &company, NULL);
	return company;
}

/* title_like || company_like, in one fold and one scan of s. */
static int
title_or_company_like(const char *s, size_t len)
{
	int company, title;

	company_title_like(s, len, &company, &title);
	return title || company;
}

static const char *const us_states[] = {
	"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI",
	"ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI",
	"MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
	"ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
	"VT", "VA", "WA", "WV", "WI", "WY", "DC",
};

static int
is_state(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(us_states); i++)
		if (s[0] == us_states[i][0] && s[1] == us_states[i][1])
			return 1;
	return 0;
}

/*
 * Does s[i...] have the shape pat ('A' a capital letter, '9' a digit,
 * anything else itself) as a whole word?
 */
static int
shaped(const char *s, size_t len, size_t i, const char *pat)
{
	size_t k, n = strlen(pat);
	unsigned char c;

	if (i + n > len || (i > 0 && isalnum((unsigned char)s[i - 1])) ||
	    (i + n < len && isalnum((unsigned char)s[i + n])))
		return 0;
	for (k = 0; k < n; k++) {
		c = (unsigned char)s[i + k];
		if ((pat[k] == 'A' && !isupper(c)) ||
		    (pat[k] == '9' && !isdigit(c)) ||
		    (pat[k] != 'A' && pat[k] != '9' &&
		    c != (unsigned char)pat[k]))
			return 0;
	}
	return 1;
}

/*
 * The country of a postal code written the way one country writes it:
 * "NY 10001" or "Amenia, NY" (US), "LE8 0RX" (GB), "H2X 1Y4" (CA).
 */
static const char *
postcode_country(const char *s, size_t len)
{
	static const char *const gb[] = {
		"A9 9AA", "A99 9AA", "A9A 9AA", "AA9 9AA", "AA99 9AA",
		"AA9A 9AA",
	};
	size_t i, k, end = rtrim_len(s, len);

	/* without a digit only "Amenia, NY" is left: its state ends s */
	if (!has_digit(s, len))
		return end >= 4 && shaped(s, len, end - 2, "AA") &&
		    is_state(s + end - 2) && s[end - 3] == ' ' &&
		    s[end - 4] == ',' ? "US" : NULL;
	for (i = 0; i + 2 <= len; i++) {
		/* every shape starts with a capital */
		if (!isupper((unsigned char)s[i]))
			continue;
		if (shaped(s, len, i, "AA") && is_state(s + i) &&
		    (shaped(s, len, i, "AA 99999") ||
		    shaped(s, len, i, "AA 99999-9999") ||
		    (i + 2 == end && i >= 2 && s[i - 1] == ' ' &&
		    s[i - 2] == ',')))
			return "US";
		if (shaped(s, len, i, "A9A 9A9"))
			return "CA";
		for (k = 0; k < ARRAY_SIZE(gb); k++)
			if (shaped(s, len, i, gb[k]))
				return "GB";
	}
	return NULL;
}

static int
address_like(const char *s, size_t len)
{
	char f[304];	/* len is at most 300 */
	int r = 0, digit;
	size_t i, n;

	if (len > 300 || memchr(s, '@', len) || find_url(s, len, &n) >= 0)
		return 0;
	/* the folded text is only looked at with a digit */
	digit = has_digit(s, len);
	if (digit)
		fold_into(s, len, f);
	if (digit && (has_word(f, len, address_words,
	    ARRAY_SIZE(address_words)) || street_compound(f, len)))
		r = 1;
	for (i = 0; !r && digit && i < ARRAY_SIZE(address_cjk); i++)
		if (strstr(f, address_cjk[i]))
			r = 1;
	/* "36415 Mos Pontevedra Spain", "Paris, France", "Amenia, NY" */
	if (!r && (digit || memchr(s, ',', len)) && width(s, len) <= 100 &&
	    phone_country_in_text(s, len, &n))
		r = 1;
	if (!r && len <= 120 && postcode_country(s, len))
		r = 1;
	return r;
}

enum cand {
	C_NONE,
	C_DELIM,
	C_VALED,
	C_VALNAME,
};

struct sigfind {
	size_t start;		/* first line of the signature (K index) */
	size_t end;		/* after its last line, before a footer */
	size_t footer;		/* first footer line, or NONE */
	size_t nk;
};

/* Does line k start with the sender's name (folded name, n bytes)? */
static int
sender_line(const struct kline *k, const char *fname, size_t n)
{
	char f[128];
	size_t i = skip_ws(k->s, k->len, 0), len = k->len - i;

	if (!n || len < n || len > 100)
		return 0;
	phone_fold(k->s + i, MIN(len, sizeof(f) - 1), f);
	if (memcmp(f, fname, n) != 0)
		return 0;
	return len == n || strchr(" ,|(-/.", f[n]) != NULL;
}

/* The contact fields a label or a rule names. */
enum field {
	FD_PHONE = 1 << 0,
	FD_MOBILE = 1 << 1,
	FD_FAX = 1 << 2,
	FD_WHATSAPP = 1 << 3,
	FD_WECHAT = 1 << 4,
	FD_SKYPE = 1 << 5,
	FD_EMAIL = 1 << 6,
	FD_WEBSITE = 1 << 7,
	FD_ADDRESS = 1 << 8,
	FD_COMPANY = 1 << 9,
	FD_TITLE = 1 << 10,
	FD_NAME = 1 << 11,
	FD_COUNTRY = 1 << 12,
	FD_IGNORE = 1 << 13,	/* VAT, tax, bank: not a phone */
	FD_VIBER = 1 << 14,	/* Viber and Zalo: from rules only */
	FD_ZALO = 1 << 15,
};

/* Messenger numbers: digits without "+" may start with a calling code. */
#define FD_INTL_NUMBERS (FD_WHATSAPP | FD_VIBER | FD_ZALO)

#define FD_NUMBERS (FD_PHONE | FD_MOBILE | FD_FAX | FD_WHATSAPP)

static unsigned read_label(const char *s, size_t len, size_t *value);

/*
 * Do the lines after the first of w[] (n of them, with their flags) read
 * like a signature: no sentence of the message, at most two lines that
 * are neither contact details, a name, a title, a company nor an address?
 */
static int
sig_block(const struct kline *K, const size_t *w, unsigned *fl,
    size_t n, unsigned char *memo)
{
	size_t i, plain = 0;
	const struct kline *k;

	k = &K[w[0]];
	if (k->len && k->s[k->len - 1] == ',' && n > 1)
		return 0;	/* "Bob," opens a letter */
	/* a body line anywhere says no, whatever the lines before it say */
	for (i = 1; i < n; i++)
		if (wflags(K, w, fl, i) & LF_BODY)
			return 0;
	for (i = 1; i < n; i++) {
		k = &K[w[i]];
		/*
		 * The callers ask again from later lines of the same
		 * window: memo[i] keeps the answer (0: not asked, 1: a
		 * plain line, 2: not).
		 */
		if (!memo[i])
			memo[i] = (wflags(K, w, fl, i) & LF_CONTACT) ||
			    name_like(k->s, k->len) ||
			    title_or_company_like(k->s, k->len) ||
			    address_like(k->s, k->len) ||
			    is_delimiter(k->s, k->len) ? 2 : 1;
		/* more than two plain lines: no signature */
		if (memo[i] == 1 && ++plain > 2)
			return 0;
	}
	return 1;
}

static const char *strip_salutation(const char *s, size_t len, size_t *ns,
    size_t *nlen);

/*
 * The sender's display name split by strip_salutation.  find_signature
 * (for the names the sender may sign with) and name_from_sender (for
 * every message) both want it: it is split once a message, on first
 * ask (display_name).
 */
struct display_name {
	const char *s;		/* the display name (borrowed), or NULL */
	int split;		/* sal, ns and nlen are set */
	const char *sal;	/* as strip_salutation returns them */
	size_t ns, nlen;
};

static const struct display_name *
display_name(struct display_name *dn)
{
	if (!dn->split && dn->s)
		dn->sal = strip_salutation(dn->s, strlen(dn->s), &dn->ns,
		    &dn->nlen);
	dn->split = 1;
	return dn;
}

/* Local parts that name a mailbox, not a person. */
static const char *const role_words[] = {
	"info", "sales", "admin", "contact", "support", "office", "mail",
	"buyer", "buyers", "purchase", "purchasing", "procurement", "import",
	"export", "imports", "exports", "service", "services", "hello",
	"enquiry", "enquiries", "inquiry", "inquiries", "marketing",
	"noreply", "reply", "team", "trade", "trading", "order", "orders",
	"account", "accounts", "finance", "hr", "webmaster", "postmaster",
	"mailer", "daemon", "newsletter", "news", "notification", "business",
	"help", "director", "manager", "ceo", "boss", "company", "shop",
	"store", "general", "customer", "customers",
};

/*
 * The names the sender may sign with (at most three, each shorter than
 * 128 bytes): on the stack, since most messages ask for them.
 */
struct signer_names {
	char v[3][128];
	size_t n;
};

/* Does c separate the words of a local part ("john.smith", "j_doe")? */
static int
local_sep(char c)
{
	return c == '.' || c == '_' || c == '-' || c == '+';
}

/*
 * The names the sender may sign with, folded: the display name without
 * its salutation, and from an address such as "john.smith@" the words
 * "john smith" and "john".
 */
static void
sender_names(const struct address *a, struct display_name *dn,
    struct signer_names *out)
{
	char tok[64], first[64] = "", all[128] = "";
	const char *p, *at;
	size_t ns, n, k, words = 0;
	int role = 0;

	out->n = 0;
	if (display_name(dn)->nlen >= 2 && dn->nlen < sizeof(out->v[0]))
		phone_fold(dn->s + dn->ns, dn->nlen, out->v[out->n++]);
	if (!a->addr || !(at = strchr(a->addr, '@')))
		return;
	for (p = a->addr; p < at; p += n) {
		while (p < at && local_sep(*p))
			p++;
		for (n = 0; p + n < at && !local_sep(p[n]); n++)
			;
		if (!n)
			break;
		if (n >= sizeof(tok) || n < 2)
			return;
		memcpy(tok, p, n);
		tok[n] = '\0';
		for (ns = 0; ns < n; ns++)
			if (!isalpha((unsigned char)tok[ns]))
				return;
		str_lower(tok);
		role |= in_list(tok, role_words, ARRAY_SIZE(role_words));
		if (!words++)
			xstrlcpy(first, tok, sizeof(first));
		/* snprintf(all + ns, ..., "%s%s", ns ? " " : "", tok) */
		ns = strlen(all);
		if (ns && ns + 1 < sizeof(all))
			all[ns++] = ' ';
		for (k = 0; tok[k] && ns + 1 < sizeof(all); k++)
			all[ns++] = tok[k];
		all[ns] = '\0';
	}
	if (role || !words)
		return;
	xstrlcpy(out->v[out->n++], all, sizeof(out->v[0]));
	if (words > 1 && strlen(first) >= 3)
		xstrlcpy(out->v[out->n++], first, sizeof(out->v[0]));
}

static void
find_signature(const struct ruleset *rs, struct kline *K, size_t nk,
    const struct address *sender, struct display_name *dn, struct sigfind *sf)
{
	struct signer_names names;
	size_t i, j, lb = 0, first = NONE, w[SIG_WINDOW], nw = 0, end = nk;
	size_t cands[SIG_WINDOW], ncand = 0, c, next, bytes, fnlen = 0;
	enum cand kind[SIG_WINDOW];
	unsigned fl[SIG_WINDOW] = { 0 };
	unsigned char memo[SIG_WINDOW] = { 0 };
	int found = 0, body, contacts, namey;

	sf->start = sf->footer = NONE;
	sf->nk = nk;
	while (end > 0 && K[end - 1].kind == L_EMPTY)
		end--;
	/* the mobile footer: the last line or two */
	for (i = 0; i < 2 && end > 0; i++) {
		j = end - 1;
		if (!is_footer(rs, K[j].s, K[j].len))
			break;
		sf->footer = j;
		end = j;
		while (end > 0 && K[end - 1].kind == L_EMPTY)
			end--;
	}
	sf->end = end;
	for (i = 0; i < end; i++) {
		if (K[i].kind != L_EMPTY && first == NONE)
			first = i;
		if (K[i].kind != L_EMPTY && K[i].kind != L_TEXT)
			lb = i + 1;
	}
	for (i = end; i > lb && nw < SIG_WINDOW; i--)
		if (K[i - 1].kind != L_EMPTY)
			w[nw++] = i - 1;
	/* w[] from the top down */
	for (i = 0; i < nw / 2; i++) {
		j = w[i];
		w[i] = w[nw - 1 - i];
		w[nw - 1 - i] = j;
	}
	for (i = 0; i < nw; i++) {
		const struct kline *k = &K[w[i]];

		kind[i] = C_NONE;
		if (w[i] == first)
			continue;
		if (is_delimiter(k->s, k->len))
			kind[i] = C_DELIM;
		else if (is_valediction(rs, k->s, k->len))
			kind[i] = C_VALED;
		else if ((K[w[i]].vname = valediction_name(rs, k->s, k->len)))
			kind[i] = C_VALNAME;
		K[w[i]].cand = (unsigned char)(kind[i] + 1);
		if (kind[i] != C_NONE)
			cands[ncand++] = i;
	}
	for (c = 0; c < ncand && !found; c++) {
		i = cands[c];
		next = c + 1 < ncand ? cands[c + 1] : nw;
		for (bytes = 0, j = w[i]; j < end; j++)
			bytes += K[j].len + 1;
		if (bytes > SIG_MAX_BYTES)
			continue;
		if (c + 1 < ncand) {
			/* a body line before the next candidate: not here */
			for (body = 0, j = i + 1; j < next && !body; j++)
				body = (wflags(K, w, fl, j) & LF_BODY) != 0;
			if (body)
				continue;
		} else if (kind[i] == C_VALED) {
			if (i + 1 < nw &&
			    !(wflags(K, w, fl, i + 1) &
			    (LF_SHORT | LF_CONTACT)))
				continue;
		} else if (kind[i] == C_VALNAME) {
			if (i + 1 >= nw ||
			    !(wflags(K, w, fl, i + 1) &
			    (LF_SHORT | LF_CONTACT)))
				continue;
		}
		sf->start = w[i];
		found = 1;
	}
	/* the sender's name on its own line */
	if (!found && sender)
		sender_names(sender, dn, &names);
	else
		names.n = 0;
	for (c = 0; c < names.n && !found; c++) {
		fnlen = strlen(names.v[c]);
		for (i = 0; i < nw && !found; i++) {
			if (w[i] == first ||
			    !sender_line(&K[w[i]], names.v[c], fnlen))
				continue;
			if (!sig_block(K, w + i, fl + i, nw - i, memo + i))
				continue;
			sf->start = w[i];
			found = 1;
		}
	}
	/*
	 * A block of short lines at the end with contact details: it starts
	 * a paragraph with a name, a title, a company or a labelled field,
	 * and has a phone, an address or a URL (two, if it starts with
	 * neither a name nor a label).
	 */
	if (!found && nw >= 2) {
		for (i = nw; i > 0; i--) {
			j = i - 1;
			if (w[j] == first ||
			    (wflags(K, w, fl, j) & LF_BODY) ||
			    !(fl[j] & (LF_SHORT | LF_CONTACT)))
				break;
		}
		for (; i + 1 < nw && !found; i++) {
			const struct kline *k = &K[w[i]];
			size_t v;

			/* only a paragraph's first line */
			if (w[i] == 0 || K[w[i] - 1].kind != L_EMPTY)
				continue;
			namey = name_like(k->s, k->len) ||
			    (read_label(k->s, k->len, &v) & ~FD_IGNORE) != 0;
			if (!namey && !(wflags(K, w, fl, i) & LF_CONTACT) &&
			    !title_or_company_like(k->s, k->len))
				continue;
			for (contacts = 0, j = i; j < nw; j++)
				contacts += (wflags(K, w, fl, j) &
				    LF_CONTACT) != 0;
			if ((contacts >= 2 || (contacts >= 1 && namey)) &&
			    sig_block(K, w + i, fl + i, nw - i, memo + i)) {
				sf->start = w[i];
				found = 1;
			}
		}
	}
}

/*
 * Putting it together.
 */

/*
 * A text put together from lines of the message.  Its lines are parts
 * of different lines of the text, or different parts of one, so with
 * their newlines they fit in the text's length: the room is allocated
 * once and filled without checks.
 */
struct lines_out {
	char *data;
	size_t len;
};

static void
add_line(struct lines_out *b, const char *s, size_t len)
{
	if (b->len)
		b->data[b->len++] = '\n';
	memcpy(b->data + b->len, s, len);
	b->len += len;
}

/* The text of b without leading and trailing blank lines, owned. */
static char *
trimmed(const struct lines_out *b)
{
	size_t i = 0, j = b->len;

	while (i < j && (b->data[i] == '\n' || is_blank_byte(b->data[i])))
		i++;
	while (j > i && (b->data[j - 1] == '\n' ||
	    is_blank_byte(b->data[j - 1])))
		j--;
	/* keep the indentation of the first line */
	while (i > 0 && b->data[i - 1] != '\n')
		i--;
	return xstrndup(b->data + i, j - i);
}

/* Is b all blanks (str_blank)? */
static int
lines_blank(const struct lines_out *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] != '\n' && !is_blank_byte(b->data[i]))
			return 0;
	return 1;
}

static void fields_extract(const struct ruleset *rs, const struct kline *K,
    size_t from, size_t to, const struct address *sender,
    struct display_name *dn, struct sig_fields *f);
static void fields_from_tail(const struct ruleset *rs, const struct kline *K,
    size_t nk, const struct address *sender, struct display_name *dn,
    struct sig_fields *f);

/*
 * Scratch memory kept from one call to the next: the lines, the kept
 * lines and the room of the three texts.  Allocating and freeing them
 * for each message cost about a twentieth of the analysis of a short one
 * (a large malloc sweeps the allocator's free lists first).  It holds
 * nothing a call reads before writing it; blocks larger than
 * SCRATCH_KEEP bytes are given back at the end of the call.
 */
#define SCRATCH_KEEP (256 * 1024)

static struct {
	struct line *lines;
	size_t alines;
	struct kline *K;
	size_t aK;
	char *room;
	size_t aroom;
} scratch;

static void
scratch_trim(void)
{
	if (scratch.alines * sizeof(*scratch.lines) > SCRATCH_KEEP) {
		free(scratch.lines);
		scratch.lines = NULL;
		scratch.alines = 0;
	}
	if (scratch.aK * sizeof(*scratch.K) > SCRATCH_KEEP) {
		free(scratch.K);
		scratch.K = NULL;
		scratch.aK = 0;
	}
	if (scratch.aroom > SCRATCH_KEEP) {
		free(scratch.room);
		scratch.room = NULL;
		scratch.aroom = 0;
	}
}

void
sig_analyse(const struct ruleset *rs, const char *text,
    const struct address *sender, struct sig_result *out)
{
	struct doc d = { NULL, 0, 0 };
	struct kline *K;
	size_t nk = 0, i, cut_line, cut_at, len;
	struct sigfind sf;
	struct lines_out vis, quo, sig;
	struct display_name dn = { NULL, 0, NULL, 0, 0 };
	char *room;

	memset(out, 0, sizeof(*out));
	dn.s = sender ? sender->name : NULL;
	if (!text)
		text = "";
	len = strlen(text);
	/* each of them fits in the text (struct lines_out) */
	GROW(scratch.room, 3 * (len + 1), scratch.aroom);
	room = scratch.room;
	vis.data = room;
	quo.data = room + len + 1;
	sig.data = room + 2 * (len + 1);
	vis.len = quo.len = sig.len = 0;
	d.v = scratch.lines;
	d.alloc = scratch.alines;
	doc_split(&d, text, len);
	scratch.lines = d.v;
	scratch.alines = d.alloc;
	mark_headers(rs, &d, &cut_line, &cut_at);
	strip_history(&d);
	/* at most a line each */
	GROW(scratch.K, d.n, scratch.aK);
	K = scratch.K;
	for (i = 0; i < d.n; i++) {
		struct line *l = &d.v[i];
		size_t plen;

		if (l->keep) {
			K[nk].s = l->s;
			K[nk].len = l->len;
			K[nk].kind = l->kind;
			K[nk].cand = 0;
			nk++;
			continue;
		}
		if (i == cut_line && cut_at > 0) {
			/* "reply On ... wrote:": the reply stays */
			plen = cut_at;
			while (plen > 0 && (l->s[plen - 1] == ' ' ||
			    l->s[plen - 1] == '-'))
				plen--;
			K[nk].s = l->s;
			K[nk].len = plen;
			K[nk].kind = L_TEXT;
			K[nk].cand = 0;
			nk++;
			add_line(&quo, l->s + cut_at, l->len - cut_at);
			continue;
		}
		add_line(&quo, l->s, l->len);
	}
	find_signature(rs, K, nk, sender, &dn, &sf);
	for (i = 0; i < nk; i++) {
		if (sf.start != NONE && i >= sf.start)
			add_line(&sig, K[i].s, K[i].len);
		else if (sf.footer != NONE && i >= sf.footer)
			add_line(&sig, K[i].s, K[i].len);
		else if (sf.footer == NONE || i < sf.end)
			add_line(&vis, K[i].s, K[i].len);
	}
	out->visible_text = trimmed(&vis);
	out->quoted = trimmed(&quo);
	if (sig.len && !lines_blank(&sig)) {
		out->signature = trimmed(&sig);
		if (sf.start != NONE)
			fields_extract(rs, K, sf.start, sf.end, sender, &dn,
			    &out->f);
	}
	if (sf.start == NONE)
		fields_from_tail(rs, K, sf.end, sender, &dn, &out->f);
	scratch_trim();
}

/*
 * The fields only the "sigline" rules capture (sig.h).  All but the last
 * are reported and kept with the contact (sig_extra_*); the city is read
 * for the address's sake only.
 */
static const struct {
	const char *name;
	size_t off;
} rule_fields[] = {
	{ "department", offsetof(struct sig_fields, department) },
	{ "telegram", offsetof(struct sig_fields, telegram) },
	{ "viber", offsetof(struct sig_fields, viber) },
	{ "line", offsetof(struct sig_fields, line) },
	{ "qq", offsetof(struct sig_fields, qq) },
	{ "zalo", offsetof(struct sig_fields, zalo) },
	{ "kakao", offsetof(struct sig_fields, kakao) },
	{ "linkedin", offsetof(struct sig_fields, linkedin) },
	{ "city", offsetof(struct sig_fields, city) },
};

const size_t sig_nextra = ARRAY_SIZE(rule_fields) - 1;

static void
fields_release(struct sig_fields *f)
{
	size_t i;

	free(f->name);
	free(f->title);
	free(f->company);
	free(f->address);
	free(f->website);
	free(f->country);
	free(f->whatsapp);
	free(f->skype);
	free(f->wechat);
	free(f->salutation);
	for (i = 0; i < ARRAY_SIZE(rule_fields); i++)
		free(*(char **)(void *)((char *)f + rule_fields[i].off));
	strlist_release(&f->phones);
	strlist_release(&f->mobiles);
	strlist_release(&f->faxes);
	strlist_release(&f->emails);
	memset(f, 0, sizeof(*f));
}

void
sig_result_release(struct sig_result *r)
{
	if (!r)
		return;
	free(r->visible_text);
	free(r->quoted);
	free(r->signature);
	fields_release(&r->f);
	memset(r, 0, sizeof(*r));
}


/*
 * Contact fields.
 */


/* Labels in front of a value ("Tel:", "手机：", "WhatsApp"), folded. */
static const struct {
	const char *label;
	unsigned f;
} labels[] = {
	{ "tel", FD_PHONE }, { "tele", FD_PHONE }, { "telephone", FD_PHONE },
	{ "téléphone", FD_PHONE }, { "telefon", FD_PHONE },
	{ "teléfono", FD_PHONE }, { "telefono", FD_PHONE },
	{ "telefone", FD_PHONE }, { "phone", FD_PHONE }, { "ph", FD_PHONE },
	{ "p", FD_PHONE }, { "t", FD_PHONE }, { "tél", FD_PHONE },
	{ "telp", FD_PHONE }, { "office", FD_PHONE },
	{ "office phone", FD_PHONE }, { "direct", FD_PHONE },
	{ "direct line", FD_PHONE }, { "dl", FD_PHONE }, { "dd", FD_PHONE },
	{ "landline", FD_PHONE }, { "work", FD_PHONE }, { "fixo", FD_PHONE },
	{ "fijo", FD_PHONE }, { "电话", FD_PHONE }, { "電話", FD_PHONE },
	{ "座机", FD_PHONE }, { "固话", FD_PHONE }, { "тел", FD_PHONE },
	{ "телефон", FD_PHONE }, { "전화", FD_PHONE }, { "전화번호", FD_PHONE },
	{ "điện thoại", FD_PHONE }, { "đt", FD_PHONE }, { "هاتف", FD_PHONE },
	{ "contact", FD_PHONE | FD_EMAIL | FD_NAME },
	{ "contact number", FD_PHONE },
	{ "hotline", FD_PHONE }, { "tlf", FD_PHONE }, { "puh", FD_PHONE },
	{ "mobile", FD_MOBILE }, { "mob", FD_MOBILE }, { "mobil", FD_MOBILE },
	{ "mobile phone", FD_MOBILE }, { "m", FD_MOBILE },
	{ "cell", FD_MOBILE }, { "cellphone", FD_MOBILE },
	{ "cell phone", FD_MOBILE }, { "c", FD_MOBILE }, { "hp", FD_MOBILE },
	{ "handphone", FD_MOBILE }, { "handy", FD_MOBILE },
	{ "cel", FD_MOBILE }, { "celular", FD_MOBILE },
	{ "cellulare", FD_MOBILE }, { "móvil", FD_MOBILE },
	{ "movil", FD_MOBILE }, { "portable", FD_MOBILE },
	{ "gsm", FD_MOBILE }, { "手机", FD_MOBILE }, { "手機", FD_MOBILE },
	{ "携帯", FD_MOBILE }, { "携帯電話", FD_MOBILE },
	{ "휴대폰", FD_MOBILE }, { "핸드폰", FD_MOBILE }, { "моб", FD_MOBILE },
	{ "мобильный", FD_MOBILE }, { "сот", FD_MOBILE },
	{ "di động", FD_MOBILE }, { "dđ", FD_MOBILE }, { "جوال", FD_MOBILE },
	{ "kom", FD_MOBILE }, { "komórka", FD_MOBILE },
	{ "tel. kom", FD_MOBILE },
	{ "mob. tel", FD_MOBILE }, { "cel.", FD_MOBILE },
	{ "fax", FD_FAX }, { "f", FD_FAX }, { "facsimile", FD_FAX },
	{ "telefax", FD_FAX }, { "传真", FD_FAX }, { "傳真", FD_FAX },
	{ "ファックス", FD_FAX }, { "ファクス", FD_FAX }, { "팩스", FD_FAX },
	{ "факс", FD_FAX },
	{ "whatsapp", FD_WHATSAPP }, { "whats app", FD_WHATSAPP },
	{ "whatsap", FD_WHATSAPP }, { "wa", FD_WHATSAPP },
	{ "wechat", FD_WECHAT }, { "we chat", FD_WECHAT },
	{ "wechat id", FD_WECHAT }, { "weixin", FD_WECHAT },
	{ "微信", FD_WECHAT }, { "微信号", FD_WECHAT },
	{ "skype", FD_SKYPE }, { "skype id", FD_SKYPE },
	{ "e-mail", FD_EMAIL }, { "email", FD_EMAIL }, { "e", FD_EMAIL },
	{ "mail", FD_EMAIL }, { "邮箱", FD_EMAIL }, { "郵箱", FD_EMAIL },
	{ "电子邮件", FD_EMAIL }, { "电邮", FD_EMAIL }, { "メール", FD_EMAIL },
	{ "이메일", FD_EMAIL }, { "эл. почта", FD_EMAIL },
	{ "почта", FD_EMAIL }, { "e-mail address", FD_EMAIL },
	{ "email address", FD_EMAIL }, { "contact email", FD_EMAIL },
	{ "contact email address", FD_EMAIL }, { "correo", FD_EMAIL },
	{ "web", FD_WEBSITE }, { "website", FD_WEBSITE },
	{ "web site", FD_WEBSITE }, { "site", FD_WEBSITE },
	{ "www", FD_WEBSITE }, { "w", FD_WEBSITE }, { "url", FD_WEBSITE },
	{ "homepage", FD_WEBSITE }, { "home page", FD_WEBSITE },
	{ "网址", FD_WEBSITE }, { "網址", FD_WEBSITE }, { "网站", FD_WEBSITE },
	{ "сайт", FD_WEBSITE }, { "홈페이지", FD_WEBSITE },
	{ "sitio web", FD_WEBSITE }, { "site web", FD_WEBSITE },
	{ "address", FD_ADDRESS }, { "add", FD_ADDRESS },
	{ "addr", FD_ADDRESS }, { "adress", FD_ADDRESS },
	{ "adresse", FD_ADDRESS }, { "dirección", FD_ADDRESS },
	{ "direccion", FD_ADDRESS }, { "endereço", FD_ADDRESS },
	{ "indirizzo", FD_ADDRESS }, { "adres", FD_ADDRESS },
	{ "anschrift", FD_ADDRESS }, { "地址", FD_ADDRESS },
	{ "住所", FD_ADDRESS }, { "주소", FD_ADDRESS }, { "адрес", FD_ADDRESS },
	{ "địa chỉ", FD_ADDRESS }, { "alamat", FD_ADDRESS },
	{ "العنوان", FD_ADDRESS }, { "head office", FD_ADDRESS },
	{ "office address", FD_ADDRESS }, { "factory", FD_ADDRESS },
	{ "factory address", FD_ADDRESS }, { "hq", FD_ADDRESS },
	{ "headquarters", FD_ADDRESS }, { "warehouse", FD_ADDRESS },
	{ "location", FD_ADDRESS }, { "postal address", FD_ADDRESS },
	{ "company address", FD_ADDRESS }, { "business address", FD_ADDRESS },
	{ "company", FD_COMPANY }, { "company name", FD_COMPANY },
	{ "firma", FD_COMPANY }, { "empresa", FD_COMPANY },
	{ "société", FD_COMPANY }, { "公司", FD_COMPANY },
	{ "公司名称", FD_COMPANY }, { "会社", FD_COMPANY },
	{ "회사", FD_COMPANY }, { "компания", FD_COMPANY },
	{ "organization", FD_COMPANY }, { "organisation", FD_COMPANY },
	{ "title", FD_TITLE }, { "position", FD_TITLE },
	{ "job title", FD_TITLE }, { "designation", FD_TITLE },
	{ "职位", FD_TITLE }, { "職位", FD_TITLE }, { "职务", FD_TITLE },
	{ "name", FD_NAME }, { "contact person", FD_NAME },
	{ "联系人", FD_NAME }, { "姓名", FD_NAME },
	{ "country", FD_COUNTRY }, { "国家", FD_COUNTRY },
	{ "vat", FD_IGNORE }, { "vat number", FD_IGNORE },
	{ "vat no", FD_IGNORE }, { "vat id", FD_IGNORE },
	{ "tax id", FD_IGNORE }, { "tax", FD_IGNORE }, { "tin", FD_IGNORE },
	{ "gst", FD_IGNORE }, { "gstin", FD_IGNORE }, { "siren", FD_IGNORE },
	{ "siret", FD_IGNORE }, { "siren number", FD_IGNORE },
	{ "cnpj", FD_IGNORE }, { "cpf", FD_IGNORE }, { "rfc", FD_IGNORE },
	{ "reg", FD_IGNORE }, { "registration", FD_IGNORE },
	{ "company reg", FD_IGNORE }, { "ein", FD_IGNORE },
	{ "abn", FD_IGNORE }, { "acn", FD_IGNORE }, { "iec", FD_IGNORE },
	{ "iban", FD_IGNORE }, { "swift", FD_IGNORE }, { "bic", FD_IGNORE },
	{ "account", FD_IGNORE }, { "a/c", FD_IGNORE }, { "bank", FD_IGNORE },
	{ "license", FD_IGNORE }, { "licence", FD_IGNORE },
	{ "zip", FD_IGNORE }, { "postal code", FD_IGNORE },
	{ "ust-idnr", FD_IGNORE }, { "hrb", FD_IGNORE },
	{ "kvk", FD_IGNORE }, { "nif", FD_IGNORE }, { "cif", FD_IGNORE },
	{ "ruc", FD_IGNORE }, { "inn", FD_IGNORE }, { "инн", FD_IGNORE },
	{ "ref", FD_IGNORE }, { "order", FD_IGNORE }, { "po", FD_IGNORE },
	{ "date", FD_IGNORE }, { "time", FD_IGNORE },
};

/* The fields of a folded label, or 0 (label_part asks it often). */
static unsigned
label_lookup(const char *f)
{
	static struct name_table t;
	size_t k = name_find(&t, labels, ARRAY_SIZE(labels), sizeof(labels[0]),
	    f);

	return k ? labels[k - 1].f : 0;
}

static unsigned
label_part(const char *p, size_t n)
{
	char f[48];
	size_t i, k, flen, tlen;
	static const char *const tails_[] = {
		" no.", " no", " number", " nr", " nr.", " #", " num", ".",
		" id", " n°", " nº",
	};
	static size_t tails_len[ARRAY_SIZE(tails_)];

	if (!tails_len[0])
		for (i = 0; i < ARRAY_SIZE(tails_); i++)
			tails_len[i] = strlen(tails_[i]);

	while (n && (p[n - 1] == ' ' || p[n - 1] == '.' || p[n - 1] == '*'))
		n--;
	while (n && (p[0] == ' ' || p[0] == '*')) {
		p++;
		n--;
	}
	if (!n || n >= sizeof(f))
		return 0;
	phone_fold(p, n, f);
	flen = strlen(f);
	for (k = 0; k < 2; k++) {
		if ((i = label_lookup(f)))
			return (unsigned)i;
		/* "Tel No.", "Phone Number", "WhatsApp ID" */
		for (i = 0; i < ARRAY_SIZE(tails_); i++) {
			tlen = tails_len[i];
			if (flen > tlen &&
			    memcmp(f + flen - tlen, tails_[i], tlen) == 0) {
				flen -= tlen;
				f[flen] = '\0';
				break;
			}
		}
		if (i == ARRAY_SIZE(tails_))
			break;
	}
	return 0;
}

/* The fields a label key names: "Tel/Fax", "Mobile & WhatsApp". */
static unsigned
label_fields(const char *p, size_t n)
{
	unsigned all = 0, f;
	size_t i, start = 0;

	if ((f = label_part(p, n)))
		return f;
	for (i = 0; i <= n; i++) {
		if (i < n && p[i] != '/' && p[i] != '&' && p[i] != ',' &&
		    p[i] != '+' && p[i] != '|' && !(p[i] == ' ' &&
		    i + 5 <= n && strncasecmp(p + i, " and ", 5) == 0))
			continue;
		/* "Mobile/Zalo": the parts we know (not all of p again) */
		if (i > start && (start > 0 || i < n)) {
			f = label_part(p + start, i - start);
			all |= f;
		}
		if (i + 5 <= n && strncasecmp(p + i, " and ", 5) == 0)
			i += 4;
		start = i + 1;
	}
	return all;
}

/*
 * The label with a colon that s starts with ("Tel:", "E-mail :"), from
 * i, its first non-blank byte: its fields, *value set; else 0.
 */
static unsigned
colon_label(const char *s, size_t len, size_t i, size_t *value)
{
	size_t j, k;
	unsigned f;

	for (j = i; j < len && j - i < 40; j++) {
		if (s[j] == ':' || (j + 2 < len &&
		    memcmp(s + j, "\xEF\xBC\x9A", 3) == 0)) {
			if (j + 2 < len && s[j + 1] == '/' && s[j + 2] == '/')
				break;	/* http:// */
			f = label_fields(s + i, j - i);
			if (!f)
				break;
			k = j + (s[j] == ':' ? 1 : 3);
			k = skip_ws(s, len, k);
			while (k < len && (s[k] == '-' || s[k] == ':') &&
			    k + 1 < len && s[k + 1] == ' ')
				k = skip_ws(s, len, k + 1);
			*value = k;
			return f;
		}
	}
	return 0;
}

/*
 * Reads the label that segment s starts with ("Tel:", "E-mail :", "t.",
 * "WhatsApp +86..."); returns its fields and sets *value to the offset of
 * the value, or returns 0.
 */
static unsigned
read_label_colon(const char *s, size_t len, size_t *value, int *colon)
{
	size_t i = skip_ws(s, len, 0), j, k;
	unsigned f;

	*colon = 0;
	if ((f = colon_label(s, len, i, value))) {
		*colon = 1;
		return f;
	}
	/* "Tel +86 ...", "t. 555-931-0702", "Mob. 138...", "WhatsApp: " */
	for (j = i; j < len && j - i < 24; j++) {
		if (s[j] != ' ' && s[j] != '.' && s[j] != '\t')
			continue;
		k = skip_ws(s, len, j + (s[j] == '.'));
		if (k >= len || !(isdigit((unsigned char)s[k]) || s[k] == '+' ||
		    s[k] == '(' || (unsigned char)s[k] == 0xEF))
			continue;
		f = label_fields(s + i, j - i);
		if (f & (FD_NUMBERS | FD_WECHAT | FD_IGNORE)) {
			*value = k;
			return f;
		}
		break;
	}
	/* "Website www.acme.com", "WEBSITE WWW acme.com", "Skype john.doe" */
	for (j = i; j < len && j - i < 16 && s[j] != ' '; j++)
		;
	if (j < len && j > i) {
		f = label_fields(s + i, j - i);
		k = skip_ws(s, len, j);
		if ((f == FD_WEBSITE || f == FD_SKYPE || f == FD_EMAIL) &&
		    k < len && memchr(s + k, '.', len - k) &&
		    count_words(s + k, len - k, 3) <= 2) {
			*value = k;
			return f;
		}
	}
	return 0;
}

static unsigned
read_label(const char *s, size_t len, size_t *value)
{
	int colon;

	return read_label_colon(s, len, value, &colon);
}

/* A raw phone number waiting for the country to be known. */
struct rawnum {
	char text[PHONE_MAX_INPUT + 1];
	unsigned f;
};

struct extract {
	const struct ruleset *rs;
	const struct address *sender;
	struct display_name *dn;	/* the sender's display name */
	struct sig_fields *f;
	size_t nnums;		/* of nums */
	struct buf addr;
	int in_addr;
	size_t texts;		/* unlabelled text segments seen */
	char *others[4];	/* unclassified short text, for the company */
	int whole[4];		/* ... that was a line of its own */
	size_t nothers;
	int whole_line;		/* the segment being read is its line */
	char *name_line;	/* the line the name came from, for country */
	unsigned suppress;	/* fields the rules took from this line */
	int by_rule;		/* a rule's capture is being applied */
	uint64_t deadline;	/* for the rules, now_ms() clock */
	/* last: extract_init clears what is before it (nnums says what is
	 * set; clearing its 1.6 KB cost as much as the struct's use) */
	struct rawnum nums[24];
};

/* s (len) with blank runs (tabs, no-break spaces) as one space; owned. */
static char *
clean_dup(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t i = 0, j = 0, k;

	while (i < len) {
		k = skip_ws(s, len, i);
		if (k > i) {
			if (j > 0 && k < len)
				out[j++] = ' ';
			i = k;
			continue;
		}
		out[j++] = s[i++];
	}
	out[j] = '\0';
	return out;
}

static void
set_once(char **dst, const char *s, size_t len)
{
	size_t i = skip_ws(s, len, 0);

	len = rtrim_len(s, len);
	while (len > i && strchr(",;|", s[len - 1]))
		len = rtrim_len(s, len - 1);
	if (*dst || len <= i)
		return;
	*dst = clean_dup(s + i, len - i);
}

static void
push_unique(struct strlist *l, const char *s)
{
	if (strlist_find(l, s, 1) < 0)
		strlist_push(l, s);
}

static void
add_number(struct extract *x, const char *s, size_t len, unsigned f)
{
	struct rawnum *r;

	if (!x->by_rule)
		f &= ~(x->suppress & FD_NUMBERS);
	if (x->nnums >= ARRAY_SIZE(x->nums) || !f)
		return;
	r = &x->nums[x->nnums++];
	/* snprintf(r->text, sizeof(r->text), "%.*s", len, s), capped */
	len = strnlen(s, MIN(len, sizeof(r->text) - 1));
	memcpy(r->text, s, len);
	r->text[len] = '\0';
	r->f = f;
}

/* Reads the numbers of a value: "+86 755 1234 5678 / 138 0000 0000". */
static size_t
read_numbers(struct extract *x, const char *s, size_t len, unsigned f)
{
	char out[PHONE_MAX_INPUT + 1];
	size_t i = 0, used, n = 0;
	int rc;

	while (i < len && n < 4) {
		while (i < len && !(isdigit((unsigned char)s[i]) ||
		    s[i] == '+' || s[i] == '(' || (unsigned char)s[i] == 0xEF))
			i++;
		if (i >= len)
			break;
		used = 0;
		rc = phone_normalise(s + i, len - i, NULL, 0, out, sizeof(out),
		    &used);
		if (rc < 0 || used == 0)
			break;
		add_number(x, s + i, used, f);
		n++;
		i += used;
		/* only separators before the next number */
		while (i < len && strchr(" /,;|", s[i]))
			i++;
		if (i + 2 < len && strncasecmp(s + i, "or ", 3) == 0)
			i += 3;
		if (i < len && !(isdigit((unsigned char)s[i]) || s[i] == '+' ||
		    s[i] == '('))
			break;
	}
	return n;
}

/*
 * Hosts whose URLs are not the company's website: social networks, map
 * and link shorteners, and (domain_url_contact) the messengers.
 */
static const char *const social_hosts[] = {
	"facebook.com", "fb.com", "twitter.com", "x.com", "instagram.com",
	"youtube.com", "youtu.be", "tiktok.com", "weibo.com", "vk.com",
	"pinterest.com", "google.com", "goo.gl", "bit.ly", "maps.app.goo.gl",
};

/* u (n bytes) is on host h (hl bytes, domain_url_host). */
static int
social_url(const char *u, size_t n, const char *h, size_t hl)
{
	size_t i;

	if (domain_url_contact(u, n))
		return 1;
	for (i = 0; i < ARRAY_SIZE(social_hosts); i++)
		if (domain_host_under(h, hl, social_hosts[i]))
			return 1;
	return 0;
}

/*
 * The home of a B2B marketplace ("www.alibaba.com", "made-in-china.com"):
 * in a relayed inquiry it is the platform's, not the buyer's website.  A
 * shop under it ("acme.en.alibaba.com") is the company's own page.
 */
static int
marketplace_url(const char *h, size_t hl)
{
	static const char *const homes[] = {
		"alibaba.com", "made-in-china.com", "globalsources.com",
		"indiamart.com", "tradeindia.com", "tradekey.com", "ec21.com",
		"ecplaza.net", "1688.com", "aliexpress.com", "dhgate.com",
		"amazon.com", "exportersindia.com", "go4worldbusiness.com",
	};
	size_t i;

	if (hl > 4 && strncasecmp(h, "www.", 4) == 0) {
		h += 4;
		hl -= 4;
	}
	for (i = 0; i < ARRAY_SIZE(homes); i++)
		if (hl == strlen(homes[i]) && strncasecmp(h, homes[i], hl) == 0)
			return 1;
	return 0;
}

/* wa.me/8613800000000, api.whatsapp.com/send?phone=... */
static int
whatsapp_url(struct extract *x, const char *u, size_t n)
{
	const char *p;
	size_t k;

	p = memmem(u, n, "wa.me/", 6);
	if (p)
		p += 6;
	else if ((p = memmem(u, n, "phone=", 6)) && memmem(u, n, "whatsapp", 8))
		p += 6;
	else
		return 0;
	while (p < u + n && (*p == '+' || *p == '%'))
		p += *p == '%' ? 3 : 1;
	for (k = 0; p + k < u + n && isdigit((unsigned char)p[k]); k++)
		;
	if (k >= 7)
		add_number(x, p, k, FD_WHATSAPP);
	return 1;
}

/* A bare domain ("grupomathiesen.com") at the start of s. */
static size_t
bare_domain(const char *s, size_t len)
{
	size_t i, dot = 0;

	for (i = 0; i < len && (isalnum((unsigned char)s[i]) || s[i] == '-' ||
	    s[i] == '.' || s[i] == '/'); i++)
		if (s[i] == '.' && !memchr(s, '/', i))
			dot = i;
	while (i > 0 && (s[i - 1] == '.' || s[i - 1] == '/'))
		i--;
	if (!dot || dot + 2 >= i || dot == 0)
		return 0;
	return i;
}

static void
take_url(struct extract *x, const char *u, size_t n)
{
	const char *h;
	size_t hl;

	if (whatsapp_url(x, u, n))
		return;
	if (n > 6 && strncasecmp(u, "skype:", 6) == 0) {
		size_t k = 6;

		while (k < n && u[k] != '?')
			k++;
		set_once(&x->f->skype, u + 6, k - 6);
		return;
	}
	/* the website is the first one taken: the tests are for it alone */
	if (x->f->website)
		return;
	/* the cheap tests first; the host is found once */
	if (n > 80 || memmem(u, n, "unsubscribe", 11) ||
	    memmem(u, n, "tracking", 8) || memmem(u, n, "/track", 6))
		return;
	h = domain_url_host(u, n, &hl);
	if (social_url(u, n, h, hl) || marketplace_url(h, hl))
		return;
	set_once(&x->f->website, u, n);
}

static void
take_email(struct extract *x, const char *e, size_t n)
{
	char *s = xstrndup(e, n);

	str_lower(s);
	if (!x->sender || !x->sender->addr ||
	    strcasecmp(x->sender->addr, s) != 0)
		push_unique(&x->f->emails, s);
	free(s);
}

/*
 * Contacts in an unlabelled segment: e-mails, URLs, a phone number that
 * is the segment.  Returns 1 when the segment was contact details.
 */
static int
take_contacts(struct extract *x, const char *s, size_t len)
{
	size_t i = 0, n, k, digits = 0, other = 0;
	long at;
	int any = 0;

	while (i < len && (at = find_email(s + i, len - i, &n)) >= 0) {
		take_email(x, s + i + at, n);
		i += (size_t)at + n;
		any = 1;
	}
	i = 0;
	while (i < len && (at = find_url(s + i, len - i, &n)) >= 0) {
		take_url(x, s + i + at, n);
		i += (size_t)at + n;
		any = 1;
	}
	if (any)
		return 1;
	if (len > 6 && strncasecmp(s, "skype:", 6) == 0) {
		take_url(x, s, len);
		return 1;
	}
	for (k = 0; k < len; k++) {
		switch (s[k]) {
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			digits++;
			break;
		case ' ': case '+': case '-': case '(': case ')': case '.':
		case '\t': case '/': case '\0':
			break;
		default:
			other++;
		}
	}
	/* a number alone, or "+1 905-389-2368", "(1) 470 ..." */
	if (digits >= 7 && other <= 2 && read_numbers(x, s, len, FD_PHONE))
		return 1;
	return 0;
}

static const struct {
	const char *word;
	const char *sal;
} salutations[] = {
	{ "mr", "Mr" }, { "mr.", "Mr" }, { "mister", "Mr" }, { "ms", "Ms" },
	{ "ms.", "Ms" }, { "mrs", "Mrs" }, { "mrs.", "Mrs" },
	{ "miss", "Ms" }, { "dr", "Dr" }, { "dr.", "Dr" }, { "herr", "Mr" },
	{ "frau", "Ms" }, { "mme", "Mrs" }, { "mme.", "Mrs" },
	{ "madame", "Mrs" }, { "mlle", "Ms" }, { "mlle.", "Ms" },
	{ "monsieur", "Mr" }, { "sr.", "Mr" }, { "señor", "Mr" },
	{ "sra.", "Mrs" }, { "señora", "Mrs" }, { "srta.", "Ms" },
	{ "sig.", "Mr" }, { "sig.ra", "Mrs" }, { "dott.", "Dr" },
	{ "dott.ssa", "Dr" }, { "dra.", "Dr" }, { "г-н", "Mr" },
	{ "г-жа", "Ms" }, { "господин", "Mr" }, { "госпожа", "Ms" },
	{ "(mr)", "Mr" }, { "(mr.)", "Mr" }, { "(ms)", "Ms" },
	{ "(ms.)", "Ms" }, { "(mrs)", "Mrs" }, { "(mrs.)", "Mrs" },
	{ "(miss)", "Ms" }, { "(dr)", "Dr" }, { "(dr.)", "Dr" },
	{ "先生", "Mr" }, { "女士", "Ms" }, { "小姐", "Ms" },
};

/* Degrees and honorifics before a name that say nothing of gender. */
static const char *const name_prefixes[] = {
	"lic.", "lic", "ing.", "ing", "eng.", "eng", "arq.", "prof.", "prof",
	"dipl.-ing.", "dipl.", "mag.", "mgr", "mgr.", "ir.", "drs.", "dr.-ing.",
	"hon.", "capt.", "cpt.", "sir", "dame", "sheikh", "shaikh", "hj.",
	"haji", "hajjah", "dato'", "datuk", "tan sri",
};

static const char *
salutation_of(const char *w, size_t n)
{
	static struct name_table t;
	char f[16];
	size_t k;

	if (!n || n >= sizeof(f))
		return NULL;
	phone_fold(w, n, f);
	k = name_find(&t, salutations, ARRAY_SIZE(salutations),
	    sizeof(salutations[0]), f);
	return k ? salutations[k - 1].sal : NULL;
}

/*
 * Splits "Mr. John Smith", "Edward Reed(Mr)", "王先生" into the name (*ns,
 * *nlen within s) and the salutation (NULL when none is written).
 */
static const char *
strip_salutation(const char *s, size_t len, size_t *ns, size_t *nlen)
{
	const char *sal = NULL;
	size_t i = skip_ws(s, len, 0), j, e;

	len = rtrim_len(s, len);
	while (len > i && strchr(",.;", s[len - 1]) &&
	    !(len >= 3 && strncasecmp(s + len - 3, "mr.", 3) == 0))
		len--;
	if (len <= i) {
		*ns = i;
		*nlen = 0;
		return NULL;
	}
	for (j = i; j < len && s[j] != ' '; j++)
		;
	if (j < len && (sal = salutation_of(s + i, j - i)))
		i = skip_ws(s, len, j);
	/* "Lic. María López", "Eng. Faisal", "Dr. Ing. ..." */
	for (;;) {
		char f[16];

		for (j = i; j < len && s[j] != ' '; j++)
			;
		if (j >= len || j - i >= sizeof(f))
			break;
		phone_fold(s + i, j - i, f);
		if (!in_list(f, name_prefixes, ARRAY_SIZE(name_prefixes)))
			break;
		i = skip_ws(s, len, j);
	}
	/* a salutation after the name */
	for (e = len; e > i && s[e - 1] != ' ' && s[e - 1] != '('; e--)
		;
	if (e > i && s[e - 1] == '(')
		e--;
	if (e > i && !sal && (sal = salutation_of(s + e, len - e)))
		len = rtrim_len(s, e);
	if (!sal && len - i > 6 && is_cjk_lead((unsigned char)s[len - 6]) &&
	    (sal = salutation_of(s + len - 6, 6)))
		len -= 6;
	*ns = i;
	*nlen = len > i ? len - i : 0;
	return sal;
}

static void
take_name(struct extract *x, const char *s, size_t len, const char *sal)
{
	size_t ns, nlen;
	const char *sal2 = strip_salutation(s, len, &ns, &nlen);

	if (x->f->name || !nlen)
		return;
	while (nlen && strchr(",.;:", s[ns + nlen - 1]))
		nlen--;
	x->f->name = clean_dup(s + ns, nlen);
	if (!sal)
		sal = sal2;
	if (sal && !x->f->salutation)
		x->f->salutation = xstrdup(sal);
	free(x->name_line);
	x->name_line = xstrndup(s, len);
}

/*
 * "Thanks,\nSarah\n\nSarah Lee | Product Developer": the name the
 * valediction gave, one word, is the first word of a fuller one later.
 */
static int
name_fuller(struct extract *x, const char *s, size_t len)
{
	size_t n = x->f->name ? strlen(x->f->name) : 0;

	if (!n || strchr(x->f->name, ' ') || len <= n + 1 || s[n] != ' ' ||
	    strncasecmp(s, x->f->name, n) != 0)
		return 0;
	while (len && strchr(",.;:", s[len - 1]))
		len--;
	free(x->f->name);
	x->f->name = clean_dup(s, len);
	return 1;
}

/* Strips "(...)" around a title: "(Purchasing Manager)". */
static void
take_title(struct extract *x, const char *s, size_t len)
{
	size_t i = skip_ws(s, len, 0);

	len = rtrim_len(s, len);
	while (len > i && strchr(".,;", s[len - 1]))
		len--;
	if (len <= i)
		return;
	if (len > i + 1 && s[i] == '(' && s[len - 1] == ')') {
		i++;
		len--;
	}
	set_once(&x->f->title, s + i, len - i);
}

static void
add_address(struct extract *x, const char *s, size_t len)
{
	size_t i = skip_ws(s, len, 0);

	if (!x->by_rule && (x->suppress & FD_ADDRESS))
		return;
	len = rtrim_len(s, len);
	while (len > i && strchr(",;", s[len - 1]))
		len--;
	if (len <= i)
		return;
	if (x->addr.len)
		buf_addstr(&x->addr, ", ");
	buf_add(&x->addr, s + i, len - i);
	x->in_addr = 1;
}

/* A labelled value. */
static void
take_labelled(struct extract *x, unsigned f, const char *v, size_t len)
{
	size_t n, k;
	long at;

	x->in_addr = 0;
	if (f & FD_IGNORE)
		return;
	if (f & FD_NUMBERS) {
		/* "Contact: john@abc.com, 555-1234" */
		if ((at = find_email(v, len, &n)) >= 0 && !(f & FD_EMAIL))
			take_email(x, v + at, n);
		if (read_numbers(x, v, len, f & FD_NUMBERS))
			f &= ~(unsigned)FD_NUMBERS;
		else if (f == FD_WHATSAPP)
			set_once(&x->f->whatsapp, v, len);
	}
	if (f & FD_WECHAT) {
		for (n = 0; n < len && v[n] != ' ' && v[n] != ',' &&
		    v[n] != '|' && v[n] != '/'; n++)
			;
		if (isdigit((unsigned char)v[0]) || v[0] == '+')
			n = len;
		set_once(&x->f->wechat, v, n);
	}
	if (f & FD_SKYPE) {
		for (n = 0; n < len && v[n] != ' ' && v[n] != ',' &&
		    v[n] != '|'; n++)
			;
		set_once(&x->f->skype, v, n);
	}
	if (f & FD_EMAIL) {
		/* "Email: a@x.com / b@x.com" */
		for (k = 0; k < len &&
		    (at = find_email(v + k, len - k, &n)) >= 0;
		    k += (size_t)at + n)
			take_email(x, v + k + at, n);
	}
	if (f & FD_WEBSITE) {
		/* "WEBSITE WWW grupomathiesen.com" */
		if (len > 4 && strncasecmp(v, "www ", 4) == 0) {
			v += 4;
			len -= 4;
		}
		at = find_url(v, len, &n);
		if (at >= 0)
			take_url(x, v + at, n);
		else if ((n = bare_domain(v, len)))
			take_url(x, v, n);
	}
	if (f & FD_ADDRESS) {
		add_address(x, v, len);
		x->in_addr = 1;
	}
	if (f & FD_COMPANY)
		set_once(&x->f->company, v, len);
	if (f & FD_TITLE)
		take_title(x, v, len);
	/* "Contact: John Smith" but not "Contact: +1 555 ..." */
	if ((f & FD_NAME) && (f == FD_NAME || (!has_digit(v, len) &&
	    !memchr(v, '@', len) && name_like(v, len))))
		take_name(x, v, len, NULL);
	if ((f & FD_COUNTRY) && !x->f->country) {
		const char *iso = phone_country_by_name(v, len);

		x->f->country = iso ? xstrdup(iso) : xstrndup(v, len);
	}
}

/*
 * "John Smith, Sales Manager", "John Smith - CEO", "Li Wei (Sales
 * Manager)": name and title.
 */
static int
name_and_title(struct extract *x, const char *s, size_t len)
{
	const char *sep = memchr(s, ',', len);
	size_t a, b, e = len;

	if (!sep)
		sep = memmem(s, len, " - ", 3);
	if (!sep)
		sep = memmem(s, len, " \xE2\x80\x93 ", 5);
	if (!sep && len > 4 && s[len - 1] == ')' &&
	    (sep = memmem(s, len, " (", 2)) != NULL)
		e = len - 1;	/* the title in parentheses */
	if (!sep)
		return 0;
	a = (size_t)(sep - s);
	b = a + (*sep == ',' ? 1 : *sep == ' ' && sep[1] == '-' ? 3 :
	    sep[1] == '(' ? 2 : 5);
	if (b >= e || !name_like(s, a) || !title_like(s + b, e - b))
		return 0;
	take_name(x, s, a, NULL);
	take_title(x, s + b, e - b);
	return 1;
}

/* Mostly the digits of a phone number: "LOSS 678 56 92 36". */
static int
phone_like(const char *s, size_t len)
{
	size_t i, digits = 0, other = 0;

	for (i = 0; i < len; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (s[i] != ' ')
			other++;
	}
	return digits >= 7 && digits > other;
}

/* "CEO, Example Corp", "Sales Manager at ACME Ltd", "Buyer - XYZ GmbH" */
static int
title_and_company(struct extract *x, const char *s, size_t len)
{
	static const char *const seps[] = { ", ", " at ", " - ", " @ ",
	    " \xE2\x80\x93 ", " / " };
	const char *p;
	size_t i, a, b;

	for (i = 0; i < ARRAY_SIZE(seps); i++) {
		p = memmem(s, len, seps[i], strlen(seps[i]));
		if (!p)
			continue;
		a = (size_t)(p - s);
		b = a + strlen(seps[i]);
		if (!title_like(s, a) || company_like(s, a) == 2 ||
		    !company_like(s + b, len - b))
			continue;
		take_title(x, s, a);
		set_once(&x->f->company, s + b, len - b);
		return 1;
	}
	return 0;
}

/*
 * Does s end as the name of a department does in Chinese, Japanese or
 * Korean ("采购部", "購買部", "営業課", "海外营业处", "구매팀")?
 */
static int
cjk_department(const char *s, size_t len)
{
	static const char *const ends[] = {
		"部", "課", "室", "部门", "部門", "处", "處", "센터", "팀",
		"부서", "センター", "グループ",
	};
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(ends); i++) {
		n = strlen(ends[i]);
		/* one character more than the ending, at least */
		if (len > n + 2 && memcmp(s + len - n, ends[i], n) == 0)
			return 1;
	}
	return 0;
}

/*
 * "김민수 과장", "王小明 经理": a CJK name, then a title word; or
 * "購買部 部長", a department, then the title.
 */
static int
cjk_name_title(struct extract *x, const char *s, size_t len)
{
	const char *sp;
	size_t a, b;

	sp = memchr(s, ' ', len);
	if (!sp || !is_cjk_lead((unsigned char)s[0]))
		return 0;
	a = (size_t)(sp - s);
	b = skip_ws(s, len, a);
	if (b >= len || memchr(s + b, ' ', len - b) ||
	    !is_cjk_lead((unsigned char)s[b]) || !title_like(s + b, len - b))
		return 0;
	if (cjk_department(s, a)) {
		/* "購買部 部長": the name is on a line of its own */
		if (x->f->department || x->f->title)
			return 0;
		set_once(&x->f->department, s, a);
		take_title(x, s + b, len - b);
		return 1;
	}
	if (x->f->name || x->texts > 3 || !name_like(s, a))
		return 0;
	take_name(x, s, a, NULL);
	take_title(x, s + b, len - b);
	return 1;
}

/*
 * "Müller Handels GmbH, Hauptstr. 1, 10115 Berlin": the company, then its
 * address, on one line.  The company is the text before the first ", "
 * that has a legal form and no digit, where what follows is an address
 * that does not start with the rest of the legal form ("Co., Ltd").
 */
static int
company_and_address(struct extract *x, const char *s, size_t len)
{
	const char *p, *rest, *end = s + len;
	size_t a, w;

	for (p = s; (p = memmem(p, (size_t)(end - p), ", ", 2)); p += 2) {
		a = (size_t)(p - s);
		rest = p + 2;
		for (w = 0; rest + w < end && rest[w] != ' ' &&
		    rest[w] != ','; w++)
			;
		if (has_digit(s, a))
			return 0;
		if (company_like(s, a) == 2 && company_like(rest, w) != 2 &&
		    address_like(rest, (size_t)(end - rest))) {
			set_once(&x->f->company, s, a);
			add_address(x, rest, (size_t)(end - rest));
			return 1;
		}
	}
	return 0;
}

/* Company suffixes that are top-level domains too ("Co.Ltd", "Pvt.Ltd"). */
static const char *const suffix_tlds[] = {
	"ltd", "llc", "inc", "gmbh", "srl", "sarl", "corp", "limited",
};

/*
 * A website written as a bare domain, alone on its line or between bars:
 * "brighthome.com", "acme-tools.co.uk", with a top-level domain that the
 * public suffix list knows (not "St.Louis", "No.5") and that is no
 * company suffix.
 */
static int
domain_alone(const char *s, size_t len)
{
	char host[64];
	size_t i, dot = 0;

	while (len > 0 && s[len - 1] == '/')
		len--;
	if (len < 4 || len >= sizeof(host))
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (i == 0 || i - dot < 2 + (dot != 0) || s[i - 1] == '-')
				return 0;	/* an empty or one-letter label */
			dot = i;
		} else if (!isalnum((unsigned char)s[i]) && s[i] != '-') {
			return 0;
		}
	}
	if (!dot || len - dot < 3)
		return 0;
	for (i = dot + 1; i < len; i++)
		if (!isalpha((unsigned char)s[i]))
			return 0;
	memcpy(host, s, len);
	host[len] = '\0';
	str_lower(host);
	return !in_list(host + dot + 1, suffix_tlds, ARRAY_SIZE(suffix_tlds)) &&
	    domain_known_tld(host);
}

/* An unlabelled piece of text in the signature. */
static void
take_text(struct extract *x, const char *s, size_t len)
{
	size_t ns, nlen, i = skip_ws(s, len, 0), at;
	const char *sal;
	int company, title, named, addr = -1;

	len = rtrim_len(s, len);
	if (len <= i)
		return;
	s += i;
	len -= i;
	x->texts++;
	/* a rule read this line's name, title or company: trust it */
	if (x->suppress & (FD_NAME | FD_TITLE | FD_COMPANY | FD_ADDRESS |
	    FD_COUNTRY))
		return;
	if (domain_alone(s, len)) {
		take_url(x, s, len);
		return;
	}
	sal = strip_salutation(s, len, &ns, &nlen);
	company_title_like(s, len, &company, &title);
	named = nlen && name_like(s + ns, nlen);
	/* address_like once (addr: -1 not asked yet) */
	if (x->in_addr && ((!named && !title && company < 2 &&
	    !phone_like(s, len) && ((addr = address_like(s, len)) ||
	    has_digit(s, len) || phone_country_in_text(s, len, &at))) ||
	    phone_country_by_name(s, len))) {
		add_address(x, s, len);
		return;
	}
	x->in_addr = 0;
	if (named && !company && !title && name_fuller(x, s + ns, nlen))
		return;
	if (cjk_name_title(x, s, len))
		return;
	if (!x->f->name && (sal || (named && !company && !title)) &&
	    x->texts <= 3) {
		take_name(x, s, len, sal);
		return;
	}
	if (!x->f->name && x->texts <= 3 && name_and_title(x, s, len))
		return;
	if (company < 2 && (addr >= 0 ? addr : address_like(s, len))) {
		add_address(x, s, len);
		return;
	}
	if (company && title && !x->f->title && !x->f->company &&
	    title_and_company(x, s, len))
		return;
	if (company == 2 && !x->f->company && company_and_address(x, s, len))
		return;
	if (company == 2 || (company == 1 && !title)) {
		if (!x->f->company)
			set_once(&x->f->company, s, len);
		return;
	}
	if (title && !x->f->title) {
		take_title(x, s, len);
		return;
	}
	if (x->nothers < ARRAY_SIZE(x->others) && width(s, len) <= 50 &&
	    !has_digit(s, len) && count_words(s, len, 7) <= 6) {
		x->whole[x->nothers] = x->whole_line;
		x->others[x->nothers++] = xstrndup(s, len);
	}
}

/* Has the segment s a value yet (so that a label may follow)? */
static int
value_before(const char *s, size_t len)
{
	return memchr(s, ':', len) || memchr(s, '@', len) ||
	    has_digit(s, len) || find3(s, len, "\xEF\xBC\x9A");
}

/* A separator between fields at s[j]: "|", tab, "｜", "·", "•"; its size. */
static inline size_t
bar_len(const char *s, size_t len, size_t j)
{
	unsigned char c = (unsigned char)s[j];

	if (c == '|' || c == '\t')
		return 1;
	/* take_line asks at every byte: most are ASCII */
	if (c < 0xC2)
		return 0;
	if (j + 2 <= len && memcmp(s + j, "\xC2\xB7", 2) == 0)
		return 2;
	if (j + 3 <= len && (memcmp(s + j, "\xEF\xBD\x9C", 3) == 0 ||
	    memcmp(s + j, "\xE2\x80\xA2", 3) == 0))
		return 3;
	return 0;
}

/* Cuts a signature line into segments: "T: +1 ... | E: x@y.com". */
static void
take_line(struct extract *x, const char *s, size_t len)
{
	size_t j, start = 0, v, n;
	unsigned f;
	int vb;

	if (len > FIELD_MAX)
		len = FIELD_MAX;
	while (start < len) {
		/* the end of this segment: a bar, or the next label */
		for (vb = 0, j = start; j < len; j++) {
			if (bar_len(s, len, j))
				break;
			/*
			 * A label in the middle: "Tel: 1 Fax: 2".  A value
			 * before j is one before any later j too (vb).
			 */
			if (j > start + 1 && s[j - 1] == ' ' &&
			    !isspace((unsigned char)s[j]) &&
			    (vb || (vb = value_before(s + start,
			    j - start))) &&
			    colon_label(s + j, len - j, skip_ws(s + j,
			    len - j, 0), &v))
				break;
		}
		x->whole_line = start == 0 && j == len;
		f = read_label(s + start, j - start, &v);
		if (f)
			take_labelled(x, f, s + start + v, j - start - v);
		else if (!take_contacts(x, s + start, j - start))
			take_text(x, s + start, j - start);
		else
			x->in_addr = 0;
		start = j;
		while (start < len && (s[start] == ' ' ||
		    (n = bar_len(s, len, start)) > 0))
			start += s[start] == ' ' ? 1 : n;
	}
}

/* Letters and digits of s, folded, for comparing a name with a domain. */
static void
squash(const char *s, size_t len, char *out, size_t size)
{
	size_t i, j = 0;

	for (i = 0; i < len && j + 1 < size; i++)
		if (isalnum((unsigned char)s[i]))
			out[j++] = (char)tolower((unsigned char)s[i]);
	out[j] = '\0';
}

/* The first label of the domain of an address or URL, squashed. */
static void
domain_label(const char *s, char *out, size_t size)
{
	const char *p = strchr(s, '@'), *e;

	out[0] = '\0';
	if (p)
		p++;
	else if ((p = strstr(s, "://")))
		p += 3;
	else
		p = s;
	if (strncasecmp(p, "www.", 4) == 0)
		p += 4;
	for (e = p; *e && *e != '.' && *e != '/'; e++)
		;
	squash(p, (size_t)(e - p), out, size);
}

/* Is one of the others the company of a domain ("Jindee CNC")? */
static void
company_from_domain(struct extract *x)
{
	char dom[64], cand[64];
	size_t i, k;
	struct strlist doms = STRLIST_INIT;

	/* no others, nothing to compare the domains with */
	if (x->f->company || !x->nothers)
		return;
	for (i = 0; i < x->f->emails.n; i++) {
		domain_label(x->f->emails.v[i], dom, sizeof(dom));
		strlist_push(&doms, dom);
	}
	if (x->f->website) {
		domain_label(x->f->website, dom, sizeof(dom));
		strlist_push(&doms, dom);
	}
	if (x->sender && x->sender->addr) {
		domain_label(x->sender->addr, dom, sizeof(dom));
		strlist_push(&doms, dom);
	}
	for (i = 0; i < x->nothers && !x->f->company; i++) {
		squash(x->others[i], strlen(x->others[i]), cand, sizeof(cand));
		if (strlen(cand) < 4)
			continue;
		for (k = 0; k < doms.n && !x->f->company; k++)
			if (strlen(doms.v[k]) >= 4 &&
			    (strstr(doms.v[k], cand) ||
			    strstr(cand, doms.v[k])))
				x->f->company = xstrdup(x->others[i]);
	}
	strlist_release(&doms);
}

/* The country for national numbers and the country field. */
static const char *
settle_country(struct extract *x, const struct kline *K, size_t from,
    size_t to)
{
	const char *iso = NULL, *c;
	size_t i, at;

	if (x->f->country && phone_country_known(x->f->country))
		iso = x->f->country;
	if (!iso && x->f->address)
		iso = phone_country_in_text(x->f->address,
		    strlen(x->f->address), &at);
	if (!iso && x->f->address)
		iso = postcode_country(x->f->address, strlen(x->f->address));
	for (i = from; !iso && i < to; i++) {
		if (K[i].len > FIELD_MAX || (x->name_line &&
		    K[i].len == strlen(x->name_line) &&
		    memcmp(K[i].s, x->name_line, K[i].len) == 0))
			continue;
		c = phone_country_in_text(K[i].s, K[i].len, &at);
		if (c)
			iso = c;
	}
	if (iso && !x->f->country)
		x->f->country = xstrdup(iso);
	return iso;
}

static void
settle_numbers(struct extract *x, const char *country)
{
	char out[PHONE_MAX_INPUT + 1], intl[PHONE_MAX_INPUT + 1];
	const char *norm = country, *c, *v;
	size_t i;
	int rc;

	/* the country is looked for only for numbers to read with it */
	if (!x->nnums)
		return;
	/* a national number takes the country of an international one */
	for (i = 0; i < x->nnums && !norm; i++)
		if (phone_normalise(x->nums[i].text, strlen(x->nums[i].text),
		    NULL, 0, out, sizeof(out), NULL) == 0)
			norm = phone_country_of(out);
	if (!norm && x->sender && x->sender->addr &&
	    strchr(x->sender->addr, '@'))
		norm = phone_country_of_domain(strchr(x->sender->addr,
		    '@') + 1);
	for (i = 0; i < x->f->emails.n && !norm; i++)
		norm = phone_country_of_domain(strchr(x->f->emails.v[i], '@') +
		    1);
	for (i = 0; i < x->nnums; i++) {
		struct rawnum *r = &x->nums[i];

		rc = phone_normalise(r->text, strlen(r->text), norm,
		    r->f & FD_INTL_NUMBERS ? PHONE_INTL : 0, out, sizeof(out),
		    NULL);
		/* a messenger's number: E.164, or as written when unread */
		v = rc < 0 ? r->text : out;
		if ((r->f & FD_VIBER) && !x->f->viber)
			x->f->viber = xstrdup(v);
		if ((r->f & FD_ZALO) && !x->f->zalo)
			x->f->zalo = xstrdup(v);
		if (rc < 0)
			continue;
		if (r->f & FD_PHONE)
			push_unique(&x->f->phones, out);
		if (r->f & FD_MOBILE)
			push_unique(&x->f->mobiles, out);
		if (r->f & FD_FAX)
			push_unique(&x->f->faxes, out);
		if ((r->f & FD_WHATSAPP) && !x->f->whatsapp)
			x->f->whatsapp = xstrdup(out);
		/* the country of a number written with its calling code */
		if (!x->f->country && rc == 0 && !(r->f & FD_FAX) &&
		    phone_normalise(r->text, strlen(r->text), NULL,
		    r->f & FD_INTL_NUMBERS ? PHONE_INTL : 0, intl, sizeof(intl),
		    NULL) == 0 && (c = phone_country_of(intl)))
			x->f->country = xstrdup(c);
	}
}

/* The display name, when it is a person's ("Mr. John Smith"). */
static void
name_from_sender(struct extract *x)
{
	const char *n = x->dn->s;
	const char *sal;
	size_t ns, nlen;

	if (!n || !*n)
		return;
	sal = display_name(x->dn)->sal;
	ns = x->dn->ns;
	nlen = x->dn->nlen;
	if (!nlen)
		return;
	/* with a name and nothing to add to it, the tests can wait */
	if (x->f->name && !(sal && !x->f->salutation &&
	    strncasecmp(x->f->name, n + ns, nlen) == 0))
		return;
	if (!name_like(n + ns, nlen) || company_like(n, strlen(n)))
		return;
	if (!x->f->name) {
		x->f->name = clean_dup(n + ns, nlen);
		if (sal && !x->f->salutation)
			x->f->salutation = xstrdup(sal);
	} else if (sal && !x->f->salutation &&
	    strncasecmp(x->f->name, n + ns, nlen) == 0) {
		x->f->salutation = xstrdup(sal);
	}
}

static void
extract_init(struct extract *x, const struct ruleset *rs,
    const struct address *sender, struct display_name *dn,
    struct sig_fields *f)
{
	memset(x, 0, offsetof(struct extract, nums));
	x->rs = rs;
	x->sender = sender;
	x->dn = dn;
	x->f = f;
	buf_init(&x->addr, 4096);
}

static void
extract_finish(struct extract *x, const struct kline *K, size_t from,
    size_t to)
{
	const char *iso;
	size_t i;

	if (x->addr.len && !x->f->address)
		x->f->address = buf_detach(&x->addr, NULL);
	company_from_domain(x);
	/* a short line after the name and the title is the company */
	if (!x->f->company && x->f->name && x->nothers > 0 && x->whole[0] &&
	    count_words(x->others[0], strlen(x->others[0]), 6) <= 5 &&
	    !is_valediction(x->rs, x->others[0], strlen(x->others[0])))
		x->f->company = xstrdup(x->others[0]);
	iso = settle_country(x, K, from, to);
	settle_numbers(x, iso);
	name_from_sender(x);
	for (i = 0; i < x->nothers; i++)
		free(x->others[i]);
	free(x->name_line);
	buf_release(&x->addr);
}

/* Fields only rules capture, by name. */
static char **
rule_only_field(struct sig_fields *f, const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rule_fields); i++)
		if (!strcmp(name, rule_fields[i].name))
			return (char **)(void *)((char *)f + rule_fields[i].off);
	return NULL;
}

const char *
sig_extra_name(size_t i)
{
	return i < sig_nextra ? rule_fields[i].name : NULL;
}

const char *
sig_extra_value(const struct sig_fields *f, size_t i)
{
	return i < sig_nextra ? *(char *const *)(const void *)
	    ((const char *)f + rule_fields[i].off) : NULL;
}

/* One named capture of a "sigline" rule; returns the field's bit. */
static unsigned
apply_capture(struct extract *x, const char *name, const char *v)
{
	size_t len = strlen(v), n;
	unsigned f = 0;
	char **dst;
	const char *iso;
	long at;

	if (!len)
		return 0;
	x->by_rule = 1;
	if (!strcmp(name, "phone"))
		f = FD_PHONE;
	else if (!strcmp(name, "mobile"))
		f = FD_MOBILE;
	else if (!strcmp(name, "fax"))
		f = FD_FAX;
	else if (!strcmp(name, "whatsapp"))
		f = FD_WHATSAPP;
	if (f) {
		if (!read_numbers(x, v, len, f) && f == FD_WHATSAPP)
			set_once(&x->f->whatsapp, v, len);
	} else if (!strcmp(name, "wechat")) {
		set_once(&x->f->wechat, v, len);
		f = FD_WECHAT;
	} else if (!strcmp(name, "skype")) {
		set_once(&x->f->skype, v, len);
		f = FD_SKYPE;
	} else if (!strcmp(name, "email")) {
		if ((at = find_email(v, len, &n)) >= 0)
			take_email(x, v + at, n);
		f = FD_EMAIL;
	} else if (!strcmp(name, "website")) {
		if ((at = find_url(v, len, &n)) >= 0)
			take_url(x, v + at, n);
		else if ((n = bare_domain(v, len)))
			take_url(x, v, n);
		f = FD_WEBSITE;
	} else if (!strcmp(name, "address")) {
		add_address(x, v, len);
		f = FD_ADDRESS;
	} else if (!strcmp(name, "company")) {
		set_once(&x->f->company, v, len);
		f = FD_COMPANY;
	} else if (!strcmp(name, "title")) {
		take_title(x, v, len);
		f = FD_TITLE;
	} else if (!strcmp(name, "name")) {
		take_name(x, v, len, NULL);
		f = FD_NAME;
	} else if (!strcmp(name, "country")) {
		iso = phone_country_by_name(v, len);
		if (!x->f->country)
			x->f->country = xstrdup(iso ? iso : v);
		f = FD_COUNTRY;
	} else if (!strcmp(name, "salutation")) {
		iso = salutation_of(v, len);
		if (!iso && len < 8)
			iso = v;
		if (iso && !x->f->salutation)
			x->f->salutation = xstrdup(iso);
	} else if (!strcmp(name, "viber") || !strcmp(name, "zalo")) {
		/* numbers, in E.164 once the country is known */
		dst = rule_only_field(x->f, name);
		if (!read_numbers(x, v, len, name[0] == 'v' ? FD_VIBER :
		    FD_ZALO))
			set_once(dst, v, len);
	} else if ((dst = rule_only_field(x->f, name))) {
		set_once(dst, v, len);
	}
	x->by_rule = 0;
	return f;
}

/* Runs the "sigline" rules over one line; returns the fields they set. */
static unsigned
rules_line(struct extract *x, const char *s, size_t len)
{
	struct rule_hits hits = RULE_HITS_INIT;
	unsigned mask = 0;
	size_t i, k;

	if (!x->rs)
		return 0;
	ruleset_scan_with(x->rs, rs_scanner(x->rs), "sigline", NULL, s, len,
	    NULL, &hits, x->deadline, NULL);
	for (i = 0; i < hits.n; i++)
		for (k = 0; k < hits.v[i].ncaps; k++)
			mask |= apply_capture(x, hits.v[i].caps[k].name,
			    hits.v[i].caps[k].value);
	rule_hits_release(&hits);
	return mask;
}

static void
fields_extract(const struct ruleset *rs, const struct kline *K, size_t from,
    size_t to, const struct address *sender, struct display_name *dn,
    struct sig_fields *f)
{
	struct extract x;
	size_t i, k;
	unsigned memo;

	extract_init(&x, rs, sender, dn, f);
	if (rs)
		x.deadline = now_ms() + MAX(ruleset_budget_ms(rs), 50);
	for (i = from; i < to; i++) {
		const char *s = K[i].s;
		size_t len = MIN(K[i].len, FIELD_MAX);

		if (skip_ws(s, len, 0) >= len)
			continue;
		x.suppress = rules_line(&x, s, len);
		/* what find_signature found, when it looked at all of it */
		memo = K[i].len <= FIELD_MAX ? K[i].cand : 0;
		if (memo ? memo == C_DELIM + 1 : is_delimiter(s, len)) {
			/* "-Roman", "-- Tim" */
			k = skip_ws(s, len, 0);
			while (k < len && s[k] == '-')
				k++;
			if (k < len && name_like(s + k, len - k))
				take_name(&x, s + k, len - k, NULL);
			continue;
		}
		if (memo ? memo == C_VALED + 1 : is_valediction(rs, s, len))
			continue;
		k = memo ? (memo == C_VALNAME + 1 ? K[i].vname : 0) :
		    valediction_name(rs, s, len);
		if (k) {
			take_name(&x, s + k, len - k, NULL);
			continue;
		}
		take_line(&x, s, len);
	}
	extract_finish(&x, K, from, to);
}

/*
 * No signature block: "... Thank you, Daniel." at the end of the last
 * line still names the writer.
 */
static void
fields_from_tail(const struct ruleset *rs, const struct kline *K, size_t nk,
    const struct address *sender, struct display_name *dn,
    struct sig_fields *f)
{
	struct extract x;
	const char *s = NULL, *comma;
	size_t i, len = 0, k, start;

	extract_init(&x, rs, sender, dn, f);
	for (i = nk; i > 0 && !s; i--)
		if (K[i - 1].kind == L_TEXT && K[i - 1].len) {
			s = K[i - 1].s;
			len = MIN(K[i - 1].len, 4096);
		}
	/* "... (train/air) Thank you, Daniel.", "shipping?Regards,Dumi ..." */
	while (s && len > 0 && strchr(". ", s[len - 1]))
		len--;
	/* k: just after the last comma, or 0 */
	comma = s ? memrchr(s, ',', len) : NULL;
	k = comma ? (size_t)(comma - s) + 1 : 0;
	if (s && k > 1 && k < len && name_like(s + k, len - k) &&
	    count_words(s + k, len - k, 4) <= 3) {
		start = k - 1;
		for (i = 0; i < 4 && start > 0; i++) {
			start--;
			while (start > 0 && !strchr(" ?!.:;)", s[start - 1]))
				start--;
			if (is_valediction(x.rs, s + start, k - 1 - start)) {
				take_name(&x, s + k, len - k, NULL);
				break;
			}
			while (start > 0 && s[start - 1] == ' ')
				start--;
		}
	}
	extract_finish(&x, K, 0, 0);
}
