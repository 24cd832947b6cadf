/*
 * rx.c - the only caller of PCRE2.
 *
 * Every pattern is compiled for UTF-8 with Unicode properties, duplicate
 * group names allowed (so alternatives may capture the same field), and
 * tolerance of invalid UTF-8 in subjects.  JIT compilation is tried and
 * its failure is not an error: the interpreter then runs the pattern,
 * bounded by the same match limit plus a depth and a heap limit.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rx.h"
#include "buf.h"

struct rx {
	pcre2_code *code;
	int jit;
	int anchored;		/* compiled with RX_ANCHORED */
	unsigned ncap;
	size_t nnames;
	char **names;		/* owned copies */
	unsigned *groups;
	int matches_empty;
	/*
	 * The pattern without PCRE2_UCP, for ASCII subjects (rx_exec_ascii):
	 * made from src (owned, until then) once it ran ASCII_AFTER times
	 * on ASCII text, kept in acode (owned); astate 0 not tried, 1 acode
	 * ready, -1 none (code runs).
	 */
	char *src;
	size_t srclen;
	uint32_t opts;
	pcre2_code *acode;
	int astate;
	unsigned aruns;
};

/*
 * Compiling the copy costs about as much as 60 runs of a signature rule
 * save: a rule that runs only a few times (a command on one message)
 * never pays for it.
 */
#define ASCII_AFTER 16

struct rx_scratch {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *js;	/* mapped on first need */
	size_t jit_stack_max;
	unsigned ngroups;
};

int
rx_parse_flags(const char *s, size_t len, unsigned *flags, size_t *bad)
{
	unsigned f = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case 'i':
			f |= RX_CASELESS;
			break;
		case 'm':
			f |= RX_MULTILINE;
			break;
		case 's':
			f |= RX_DOTALL;
			break;
		case 'x':
			f |= RX_EXTENDED;
			break;
		case 'U':
			f |= RX_UNGREEDY;
			break;
		case 'a':
			f |= RX_ASCII;
			break;
		case 'n':
			f |= RX_NO_AUTO_CAPTURE;
			break;
		default:
			*bad = i;
			return -1;
		}
	}
	*flags = f;
	return 0;
}

static uint32_t
pcre2_options(unsigned flags)
{
	uint32_t o = PCRE2_UTF | PCRE2_DUPNAMES | PCRE2_MATCH_INVALID_UTF;

	/* A literal string takes only a few options. */
	if (flags & RX_LITERAL)
		return PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_LITERAL |
		    (flags & RX_CASELESS ? PCRE2_CASELESS : 0);

	if (!(flags & RX_ASCII))
		o |= PCRE2_UCP;
	if (flags & RX_CASELESS)
		o |= PCRE2_CASELESS;
	if (flags & RX_MULTILINE)
		o |= PCRE2_MULTILINE;
	if (flags & RX_DOTALL)
		o |= PCRE2_DOTALL;
	if (flags & RX_EXTENDED)
		o |= PCRE2_EXTENDED;
	if (flags & RX_UNGREEDY)
		o |= PCRE2_UNGREEDY;
	if (flags & RX_NO_AUTO_CAPTURE)
		o |= PCRE2_NO_AUTO_CAPTURE;
	if (flags & RX_ANCHORED)
		o |= PCRE2_ANCHORED;
	return o;
}

static void
load_names(struct rx *rx)
{
	uint32_t count = 0, entry = 0, i;
	PCRE2_SPTR table = NULL;

	pcre2_pattern_info(rx->code, PCRE2_INFO_NAMECOUNT, &count);
	if (!count)
		return;
	pcre2_pattern_info(rx->code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
	pcre2_pattern_info(rx->code, PCRE2_INFO_NAMETABLE, &table);
	rx->names = xcalloc(count, sizeof(*rx->names));
	rx->groups = xcalloc(count, sizeof(*rx->groups));
	for (i = 0; i < count; i++) {
		PCRE2_SPTR e = table + (size_t)i * entry;

		rx->groups[i] = ((unsigned)e[0] << 8) | e[1];
		rx->names[i] = xstrndup((const char *)e + 2, entry - 2);
	}
	rx->nnames = count;
}

struct rx *
rx_compile(const char *pattern, size_t len, unsigned flags,
    struct rx_error *e)
{
	struct rx *rx;
	pcre2_code *code;
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t minlen = 1;

	code = pcre2_compile((PCRE2_SPTR)pattern, len, pcre2_options(flags),
	    &errcode, &erroff, NULL);
	if (!code) {
		e->offset = erroff;
		pcre2_get_error_message(errcode, (PCRE2_UCHAR *)e->msg,
		    sizeof(e->msg));
		return NULL;
	}
	rx = xcalloc(1, sizeof(*rx));
	rx->code = code;
	rx->anchored = (flags & RX_ANCHORED) != 0;
	rx->opts = pcre2_options(flags);
	rx->astate = -1;
	if (rx->opts & PCRE2_UCP) {
		rx->src = xmalloc(len + 1);
		memcpy(rx->src, pattern, len);
		rx->src[len] = '\0';
		rx->srclen = len;
		rx->astate = 0;
	}
	/* JIT failing (no JIT on this CPU, a pattern too big) is fine. */
	rx->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &rx->ncap);
	pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlen);
	rx->matches_empty = minlen == 0;
	load_names(rx);
	return rx;
}

void
rx_free(struct rx *rx)
{
	size_t i;

	if (!rx)
		return;
	for (i = 0; i < rx->nnames; i++)
		free(rx->names[i]);
	free(rx->names);
	free(rx->groups);
	free(rx->src);
	pcre2_code_free(rx->acode);
	pcre2_code_free(rx->code);
	free(rx);
}

int
rx_is_jit(const struct rx *rx)
{
	return rx->jit;
}

unsigned
rx_capture_count(const struct rx *rx)
{
	return rx->ncap;
}

int
rx_matches_empty(const struct rx *rx)
{
	return rx->matches_empty;
}

size_t
rx_name_count(const struct rx *rx)
{
	return rx->nnames;
}

const char *
rx_name(const struct rx *rx, size_t i, unsigned *group)
{
	if (i >= rx->nnames)
		return NULL;
	if (group)
		*group = rx->groups[i];
	return rx->names[i];
}

int
rx_quote(struct buf *b, const char *s, size_t len)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < len && !rc; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80 && !(c >= '0' && c <= '9') &&
		    !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && c != ' ' &&
		    c != '_') {
			if (c < 0x20 || c == 0x7f)
				rc = buf_addf(b, "\\x%02x", c);
			else
				rc = buf_addch(b, '\\') || buf_addch(b, c);
		} else {
			rc = buf_addch(b, c);
		}
	}
	return rc ? -1 : 0;
}

struct rx_scratch *
rx_scratch_new(const struct rx_limits *lim, unsigned max_groups)
{
	static const struct rx_limits dflt = RX_LIMITS_INIT;
	struct rx_scratch *sc = xcalloc(1, sizeof(*sc));
	size_t js;

	if (!lim)
		lim = &dflt;
	sc->ngroups = max_groups + 1;
	sc->md = pcre2_match_data_create(sc->ngroups, NULL);
	sc->mc = pcre2_match_context_create(NULL);
	if (!sc->md || !sc->mc) {
		fputs("inquiryd: out of memory (pcre2)\n", stderr);
		exit(1);
	}
	pcre2_set_match_limit(sc->mc, lim->match);
	pcre2_set_depth_limit(sc->mc, lim->depth);
	pcre2_set_heap_limit(sc->mc, lim->heap_kib);
	/* The JIT runs on PCRE2's 32 KiB machine-stack area until a match
	 * needs more; only then is the big stack mapped (exec_code). */
	js = lim->jit_stack < 32 * 1024 ? 32 * 1024 : lim->jit_stack;
	sc->jit_stack_max = js;
	return sc;
}

void
rx_scratch_free(struct rx_scratch *sc)
{
	if (!sc)
		return;
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mc);
	if (sc->js)
		pcre2_jit_stack_free(sc->js);
	free(sc);
}

static int
is_limit(int rc)
{
	return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
	    rc == PCRE2_ERROR_NOMEMORY;
}

/*
 * The code for an ASCII subject.  On ASCII text the Unicode meanings of
 * \d, \s, \w, \b and the POSIX classes (PCRE2_UCP) are the ASCII ones,
 * and caseless matching in UTF mode is Unicode's with or without it: the
 * pattern compiled without PCRE2_UCP finds the same matches, with the
 * same groups, and its JIT code runs faster (about twice, on the
 * signature rules).  Made once the pattern ran ASCII_AFTER times: the
 * struct is a cache here.
 */
static const pcre2_code *
ascii_code(const struct rx *rx)
{
	struct rx *m = (struct rx *)rx;
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t ncap = 0;

	if (rx->astate > 0)
		return rx->acode;
	if (rx->astate < 0 || ++m->aruns < ASCII_AFTER)
		return rx->code;
	m->astate = -1;
	m->acode = pcre2_compile((PCRE2_SPTR)rx->src, rx->srclen,
	    rx->opts & ~PCRE2_UCP, &errcode, &erroff, NULL);
	free(m->src);
	m->src = NULL;
	if (m->acode)
		pcre2_pattern_info(m->acode, PCRE2_INFO_CAPTURECOUNT, &ncap);
	/* without the JIT it would be slower, not faster */
	if (!m->acode || ncap != rx->ncap || !rx->jit ||
	    pcre2_jit_compile(m->acode, PCRE2_JIT_COMPLETE) != 0) {
		pcre2_code_free(m->acode);
		m->acode = NULL;
		return rx->code;
	}
	m->astate = 1;
	return rx->acode;
}

static int
exec_code(const pcre2_code *code, const char *subject, size_t len,
    size_t start, uint32_t opts, struct rx_scratch *sc, char *errbuf,
    size_t errsize)
{
	int rc;

	/* The match data may be smaller than this pattern needs: then only
	 * the first groups are kept, which rx_group() reports as unset. */
	rc = pcre2_match(code, (PCRE2_SPTR)subject, len, start, opts,
	    sc->md, sc->mc);
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !sc->js) {
		sc->js = pcre2_jit_stack_create(32 * 1024, sc->jit_stack_max,
		    NULL);
		if (sc->js) {
			pcre2_jit_stack_assign(sc->mc, NULL, sc->js);
			rc = pcre2_match(code, (PCRE2_SPTR)subject, len,
			    start, opts, sc->md, sc->mc);
		}
	}
	if (rc >= 0)
		return RX_MATCH;
	if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL)
		return RX_NOMATCH;
	if (errbuf && errsize) {
		if (pcre2_get_error_message(rc, (PCRE2_UCHAR *)errbuf,
		    errsize) < 0)
			snprintf(errbuf, errsize, "pcre2 error %d", rc);
	}
	return is_limit(rc) ? RX_LIMIT : RX_ERROR;
}

int
rx_exec(const struct rx *rx, const char *subject, size_t len, size_t start,
    struct rx_scratch *sc, char *errbuf, size_t errsize)
{
	return exec_code(rx->code, subject, len, start, 0, sc, errbuf,
	    errsize);
}

int
rx_exec_anchored(const struct rx *rx, const char *subject, size_t len,
    size_t start, struct rx_scratch *sc, char *errbuf, size_t errsize)
{
	return exec_code(rx->code, subject, len, start, rx->anchored ? 0 :
	    PCRE2_ANCHORED, sc, errbuf, errsize);
}

int
rx_exec_ascii(const struct rx *rx, const char *subject, size_t len,
    size_t start, int anchored, struct rx_scratch *sc, char *errbuf,
    size_t errsize)
{
	return exec_code(ascii_code(rx), subject, len, start,
	    anchored && !rx->anchored ? PCRE2_ANCHORED : 0, sc, errbuf,
	    errsize);
}

int
rx_is_ascii(const char *s, size_t len)
{
	uint64_t v, any = 0;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&v, s + i, sizeof(v));
		any |= v;
	}
	for (; i < len; i++)
		any |= (unsigned char)s[i];
	return !(any & 0x8080808080808080ull);
}

int
rx_group(const struct rx_scratch *sc, unsigned g, size_t *start,
    size_t *end)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
	uint32_t n = pcre2_get_ovector_count(sc->md);

	if (g >= n || ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] < ov[2 * g])
		return -1;
	*start = ov[2 * g];
	*end = ov[2 * g + 1];
	return 0;
}

const char *
rx_version(char *out, size_t size)
{
	char v[64] = "";
	uint32_t jit = 0;

	pcre2_config(PCRE2_CONFIG_VERSION, v);
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	snprintf(out, size, "PCRE2 %s%s", v, jit ? " with JIT" : " (no JIT)");
	return out;
}

/* --- the prefilter ---------------------------------------------------- */

/*
 * Case folding shared by the pattern analysis and the text: a code point
 * is "safe" when its case variants are known here, so that folding both
 * sides finds every text a caseless pattern matches.
 */
static uint32_t
fold_cp(uint32_t cp, int *safe)
{
	*safe = 1;
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	/*
	 * CJK and hangul, most of a Chinese or Korean line, at once: no
	 * digits of zero[] below are in these ranges and the tests after
	 * it return them as they are
	 */
	if ((cp >= 0x2e80 && cp < 0xa620) || (cp >= 0xac00 && cp <= 0xd7ff))
		return cp;
	if (cp >= 0x660) {
		/* decimal digits of other scripts read as ASCII (\\d) */
		static const uint32_t zero[] = {
			0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66,
			0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20,
			0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80,
			0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0,
			0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
		};
		size_t z;

		for (z = 0; z < sizeof(zero) / sizeof(zero[0]); z++)
			if (cp >= zero[z] && cp <= zero[z] + 9)
				return '0' + (cp - zero[z]);
	}
	if (cp >= 0x600 && cp <= 0x6ff)
		return cp;	/* Arabic: no case (its digits are above) */
	if (cp == 0xb5)
		goto unsafe;	/* micro sign folds to Greek mu */
	if (cp < 0xc0)
		return cp;
	if (cp <= 0xde)
		return cp == 0xd7 ? cp : cp + 0x20;
	if (cp <= 0xff)
		return cp;
	if (cp <= 0x17f) {
		if (cp == 0x130 || cp == 0x131 || cp == 0x138 || cp == 0x149)
			goto unsafe;
		if (cp == 0x178)
			return 0xff;
		if (cp == 0x17f)
			return 's';
		if ((cp < 0x138 || (cp >= 0x14a && cp < 0x178)) && !(cp & 1))
			return cp + 1;
		if ((cp > 0x138 && cp < 0x149) || (cp > 0x178 && cp < 0x17f))
			return cp & 1 ? cp + 1 : cp;
		return cp;
	}
	if (cp >= 0x300 && cp <= 0x36f && cp != 0x345)
		return cp;
	if (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2)
		return cp + 0x20;
	if (cp >= 0x3b1 && cp <= 0x3c9)
		return cp == 0x3c2 ? 0x3c3 : cp;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	if (cp >= 0x410 && cp <= 0x42f)
		return cp + 0x20;
	if (cp >= 0x430 && cp <= 0x45f)
		return cp;
	if ((cp >= 0x2010 && cp <= 0x205e) || (cp >= 0x20a0 && cp <= 0x20cf))
		return cp;
	if (cp == 0x212a)
		return 'k';
	if (cp == 0x212b)
		return 0xe5;
	if (cp == 0x2126)
		return 0x3c9;
	if (cp == 0x1e9e)
		return 0xdf;
	if ((cp >= 0x2e80 && cp <= 0xd7ff) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0x20000 && cp <= 0x2ffff))
		return cp;
	if (cp >= 0xff21 && cp <= 0xff3a)
		return cp + 0x20;
	if (cp >= 0xff01 && cp <= 0xffef)
		return cp;
unsafe:
	*safe = 0;
	return cp;
}

/* Decodes one UTF-8 code point; *n its length (1 for a bad byte). */
static uint32_t
dec_utf8(const unsigned char *p, size_t len, size_t *n)
{
	size_t k, i;
	uint32_t cp;

	if (p[0] < 0x80) {
		*n = 1;
		return p[0];
	}
	k = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
	if (!k || k > len)
		goto bad;
	cp = p[0] & (0xff >> (k + 1));
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*n = k;
	return cp;
bad:
	*n = 1;
	return 0xfffd0000u | p[0];	/* marks a stray byte */
}

static int
put_utf8(struct buf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp >= 0xfffd0000u) {
		u[0] = (char)(cp & 0xff);
		n = 1;
	} else if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_add(b, u, n);
}

int
rx_fold(struct buf *b, const char *text, size_t len, size_t **map,
    size_t *alloc)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, n, run, at, k;
	int safe, rc = 0;

	while (i < len && !rc) {
		at = b->len;
		/* runs of plain ASCII go through a table, fast */
		for (run = i; run < len && p[run] < 0x80; run++)
			;
		if (run > i) {
			rc = buf_add(b, text + i, run - i);
			for (k = at; !rc && k < b->len; k++)
				if (b->data[k] >= 'A' && b->data[k] <= 'Z')
					b->data[k] += 32;
			if (map && !rc) {
				GROW(*map, b->len + 1, *alloc);
				for (k = at; k < b->len; k++)
					(*map)[k] = i + (k - at);
			}
			i = run;
			continue;
		}
		rc = put_utf8(b, fold_cp(dec_utf8(p + i, len - i, &n), &safe));
		if (map && !rc) {
			GROW(*map, b->len + 1, *alloc);
			for (k = at; k < b->len; k++)
				(*map)[k] = i;	/* the char's start */
		}
		i += n;
	}
	if (map && !rc) {
		GROW(*map, b->len + 1, *alloc);
		(*map)[b->len] = len;
	}
	return rc ? -1 : 0;
}

/* A node of the analysis: what a piece of the pattern can match. */
#define LIT_MAX_SET 256
#define LIT_MAX_LEN 40

struct lit {
	int exact_ok;		/* exact: every string the piece matches */
	struct strlist exact;
	int has_req;		/* req: one of them is in every match */
	struct strlist req;
	int has_pre;		/* pre: every non-empty match starts with one */
	struct strlist pre;
	int zw;			/* matches only the empty string */
	int nullable;		/* can match the empty string */
	int pre_lost;		/* a branch without a prefix was seen */
};

struct lparse {
	const unsigned char *s;
	size_t i, len;
	int fail;
	int depth;
	rx_resolve_fn *resolve;	/* (?&name) bodies, or NULL */
	void *arg;
};

static void
lit_init(struct lit *l)
{
	memset(l, 0, sizeof(*l));
	strlist_init(&l->exact);
	strlist_init(&l->req);
	strlist_init(&l->pre);
}

static void
lit_release(struct lit *l)
{
	strlist_release(&l->exact);
	strlist_release(&l->req);
	strlist_release(&l->pre);
}

/* Matches only the empty string (anchors, lookarounds, \b). */
static void
lit_zero(struct lit *l)
{
	lit_init(l);
	l->exact_ok = 1;
	l->zw = 1;
	l->nullable = 1;
	strlist_push(&l->exact, "");
}

static void
set_copy(struct strlist *dst, const struct strlist *src)
{
	size_t i;

	strlist_release(dst);
	for (i = 0; i < src->n; i++)
		strlist_push(dst, src->v[i]);
}

static void
set_add(struct strlist *s, const char *v)
{
	if (strlist_find(s, v, 0) < 0)
		strlist_push(s, v);
}

static size_t
set_minlen(const struct strlist *s)
{
	size_t i, m = (size_t)-1;

	for (i = 0; i < s->n; i++)
		m = MIN(m, strlen(s->v[i]));
	return s->n ? m : 0;
}

/*
 * How selective a string is, in quarters: a letter or digit counts 4, a
 * CJK character 8 (one says about as much as two letters), punctuation
 * and blanks 1 ("," and " " are in every text), but "@" 4 (it is in
 * every e-mail address and in little else: the "sigline" rules run on
 * each line of a signature, and most lines have none), and a string of
 * one letter 3 (for "[TP]\s*:\s*\d...": its digits are rarer than a
 * "t" or a "p").  Capped: past a few letters any string is rare enough.
 */
static unsigned
str_quality(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned q = 0;

	/* one letter is in nearly every line; a digit in far fewer */
	if (p[0] >= 'a' && p[0] <= 'z' && !p[1])
		return 3;
	while (*p) {
		if (*p >= 0xe0) {
			q += 8;
			p += 3;
			continue;
		}
		if (*p >= 0x80 || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '@')
			q += 4;
		else
			q += 1;
		p++;
	}
	return MIN(q, 24);
}

static unsigned
set_quality(const struct strlist *s)
{
	size_t i;
	unsigned m = (unsigned)-1;

	for (i = 0; i < s->n; i++)
		m = MIN(m, str_quality(s->v[i]));
	return s->n ? m : 0;
}

/* Is candidate c a better requirement than the current one? */
static int
req_better(const struct strlist *c, const struct strlist *cur, int has_cur)
{
	unsigned qc, qo;

	if (!c->n || set_minlen(c) == 0)
		return 0;
	if (!has_cur)
		return 1;
	qc = set_quality(c);
	qo = set_quality(cur);
	if (qc != qo)
		return qc > qo;
	return c->n < cur->n;
}

static void
consider(struct lit *l, const struct strlist *c)
{
	if (req_better(c, &l->req, l->has_req)) {
		set_copy(&l->req, c);
		l->has_req = 1;
	}
}

/* dst = a x b; -1 when it would pass the limits (dst untouched). */
static int
cross(struct strlist *dst, const struct strlist *a, const struct strlist *b)
{
	struct strlist out = STRLIST_INIT;
	size_t i, k;

	if (a->n * b->n > LIT_MAX_SET)
		return -1;
	for (i = 0; i < a->n; i++)
		for (k = 0; k < b->n; k++) {
			if (strlen(a->v[i]) + strlen(b->v[k]) > LIT_MAX_LEN) {
				strlist_release(&out);
				return -1;
			}
			{
				char *v = xasprintf("%s%s", a->v[i], b->v[k]);

				set_add(&out, v);
				free(v);
			}
		}
	strlist_release(dst);
	*dst = out;
	return 0;
}

/*
 * An exact set without "" is a requirement; its non-empty strings are a
 * prefix either way.
 */
static void
lit_normalise(struct lit *l)
{
	struct strlist ne = STRLIST_INIT;
	size_t i;

	if (!l->exact_ok)
		return;
	if (set_minlen(&l->exact) > 0)
		consider(l, &l->exact);
	for (i = 0; i < l->exact.n; i++)
		if (l->exact.v[i][0])
			strlist_push(&ne, l->exact.v[i]);
		else
			l->nullable = 1;
	if (ne.n && (!l->has_pre || req_better(&ne, &l->pre, 1))) {
		set_copy(&l->pre, &ne);
		l->has_pre = 1;
	}
	strlist_release(&ne);
}

static void lparse_alt(struct lparse *p, struct lit *out);

static int
lpeek(const struct lparse *p, size_t k)
{
	return p->i + k < p->len ? p->s[p->i + k] : -1;
}

/* A literal code point, folded: a string, or "any char" if unsafe. */
static void
lit_cp(struct lit *l, uint32_t cp)
{
	struct buf b = BUF_INIT(8);
	int safe;

	lit_init(l);
	cp = fold_cp(cp, &safe);
	if (!safe)
		return;
	put_utf8(&b, cp);
	l->exact_ok = 1;
	strlist_push(&l->exact, b.data);
	buf_release(&b);
	lit_normalise(l);
}

/* Skips to the ')' closing a construct we do not analyse. */
static void
skip_to_paren(struct lparse *p)
{
	while (p->i < p->len && p->s[p->i] != ')')
		p->i++;
	if (p->i < p->len)
		p->i++;
	else
		p->fail = 1;
}

static uint32_t
parse_hex(struct lparse *p)
{
	uint32_t v = 0;
	int braces = lpeek(p, 0) == '{', k = 0;

	if (braces)
		p->i++;
	while (p->i < p->len && (braces || k < 2)) {
		int c = p->s[p->i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (uint32_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + (uint32_t)((c | 0x20) - 'a' + 10);
		else
			break;
		p->i++;
		k++;
	}
	if (braces) {
		if (lpeek(p, 0) == '}')
			p->i++;
		else
			p->fail = 1;
	}
	return v;
}

/* After a backslash (outside a class). */
static void
lparse_escape(struct lparse *p, struct lit *l)
{
	int c = lpeek(p, 0);

	lit_init(l);
	if (c < 0) {
		p->fail = 1;
		return;
	}
	p->i++;
	switch (c) {
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		lit_zero(l);
		return;
	case 'd': {
		/* a digit: rx_fold makes every script's digits ASCII */
		char d[2] = "0";

		for (; d[0] <= '9'; d[0]++) {
			strlist_push(&l->pre, d);
			strlist_push(&l->req, d);
		}
		l->has_pre = l->has_req = 1;
		return;
	}
	case 'D': case 'w': case 'W': case 's': case 'S':
	case 'h': case 'H': case 'v': case 'V': case 'R': case 'N':
	case 'X': case 'C':
		return;		/* any char */
	case 'p': case 'P':
		if (lpeek(p, 0) == '{') {
			while (p->i < p->len && p->s[p->i] != '}')
				p->i++;
			if (p->i < p->len)
				p->i++;
		} else {
			p->i++;
		}
		return;
	case 'x':
		lit_cp(l, parse_hex(p));
		return;
	case 'n': lit_cp(l, '\n'); return;
	case 't': lit_cp(l, '\t'); return;
	case 'r': lit_cp(l, '\r'); return;
	case 'f': lit_cp(l, '\f'); return;
	case 'e': lit_cp(l, 0x1b); return;
	case 'a': lit_cp(l, 7); return;
	case 'Q': {
		struct buf b = BUF_INIT(LIT_MAX_LEN * 4 + 8);
		size_t n;
		int safe = 1, s1;

		while (p->i < p->len && !(p->s[p->i] == '\\' &&
		    lpeek(p, 1) == 'E')) {
			uint32_t cp = dec_utf8(p->s + p->i, p->len - p->i, &n);

			put_utf8(&b, fold_cp(cp, &s1));
			safe &= s1;
			p->i += n;
		}
		if (p->i < p->len)
			p->i += 2;
		if (safe && !b.overflow) {
			l->exact_ok = 1;
			strlist_push(&l->exact, b.data);
			lit_normalise(l);
		}
		buf_release(&b);
		return;
	}
	default:
		break;
	}
	if ((c >= '1' && c <= '9') || c == 'g' || c == 'k') {
		/* a backreference: some string, maybe empty */
		if (c >= '1' && c <= '9') {
			while (lpeek(p, 0) >= '0' && lpeek(p, 0) <= '9')
				p->i++;
		} else if (lpeek(p, 0) == '{' || lpeek(p, 0) == '<' ||
		    lpeek(p, 0) == '\'') {
			int close = lpeek(p, 0) == '{' ? '}' :
			    lpeek(p, 0) == '<' ? '>' : '\'';

			p->i++;
			while (p->i < p->len && p->s[p->i] != close)
				p->i++;
			if (p->i < p->len)
				p->i++;
		} else {
			if (lpeek(p, 0) == '-' || lpeek(p, 0) == '+')
				p->i++;
			while (lpeek(p, 0) >= '0' && lpeek(p, 0) <= '9')
				p->i++;
		}
		l->nullable = 1;
		return;
	}
	if (c == '0' || c == 'o' || c == 'c' || c == 'E' || c == 'u' ||
	    c == 'U' || c == 'l' || c == 'L') {
		/* octal, \c and friends: not analysed */
		p->fail = 1;
		return;
	}
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		p->fail = 1;
		return;
	}
	lit_cp(l, (uint32_t)c);
}

/* [...]: a small set of single characters, or any char. */
static void
lparse_class(struct lparse *p, struct lit *l)
{
	struct strlist chars = STRLIST_INIT;
	int neg = 0, any = 0, first = 1;
	size_t n;

	lit_init(l);
	if (lpeek(p, 0) == '^') {
		neg = 1;
		p->i++;
	}
	while (p->i < p->len) {
		int c = p->s[p->i];
		uint32_t cp;

		if (c == ']' && !first) {
			p->i++;
			break;
		}
		first = 0;
		if (c == '[' && lpeek(p, 1) == ':') {
			any = 1;
			while (p->i < p->len && !(p->s[p->i] == ':' &&
			    lpeek(p, 1) == ']'))
				p->i++;
			p->i += 2;
			continue;
		}
		if (c == '\\') {
			int e = lpeek(p, 1);

			p->i += 2;
			if (e == 'x') {
				cp = parse_hex(p);
			} else if (e == 'n') {
				cp = '\n';
			} else if (e == 't') {
				cp = '\t';
			} else if (e == 'r') {
				cp = '\r';
			} else if ((e >= 'a' && e <= 'z') || (e >= 'A' &&
			    e <= 'Z') || (e >= '0' && e <= '9')) {
				any = 1;
				if ((e == 'p' || e == 'P') &&
				    lpeek(p, 0) == '{')
					while (p->i < p->len &&
					    p->s[p->i++] != '}')
						;
				continue;
			} else {
				cp = (uint32_t)e;
			}
		} else {
			cp = dec_utf8(p->s + p->i, p->len - p->i, &n);
			p->i += n;
		}
		if (lpeek(p, 0) == '-' && lpeek(p, 1) != ']' &&
		    lpeek(p, 1) >= 0) {
			uint32_t hi = 0, c2;

			p->i++;
			if (lpeek(p, 0) == '\\') {
				p->i++;
				any = 1;
			}
			if (p->i < p->len) {
				hi = dec_utf8(p->s + p->i, p->len - p->i, &n);
				p->i += n;
			}
			/* a small ASCII range: its characters */
			if (any || cp >= 0x80 || hi >= 0x80 || hi < cp ||
			    hi - cp > 26) {
				any = 1;
				continue;
			}
			for (c2 = cp; c2 <= hi; c2++) {
				char one[2] = { (char)c2, 0 };

				if (c2 >= 'A' && c2 <= 'Z')
					one[0] = (char)(c2 + 32);
				set_add(&chars, one);
			}
			continue;
		}
		{
			struct lit one;

			lit_cp(&one, cp);
			if (!one.exact_ok)
				any = 1;
			else
				set_add(&chars, one.exact.v[0]);
			lit_release(&one);
		}
	}
	if (!neg && !any && chars.n && chars.n <= 40) {
		l->exact_ok = 1;
		set_copy(&l->exact, &chars);
		lit_normalise(l);
	}
	strlist_release(&chars);
}

/* ( ... ): groups, lookarounds, inline options, what we give up on. */
static void
lparse_group(struct lparse *p, struct lit *l)
{
	int zero = 0, off;

	lit_init(l);
	if (lpeek(p, 0) == '*') {
		p->fail = 1;	/* (*VERB) */
		return;
	}
	if (lpeek(p, 0) == '?') {
		int c = lpeek(p, 1);

		p->i += 2;
		if (c == ':' || c == '|' || c == '>') {
			/* plain, branch reset, atomic */
		} else if (c == '=' || c == '!') {
			zero = c == '=' ? 1 : 2;
		} else if (c == '<' && (lpeek(p, 0) == '=' ||
		    lpeek(p, 0) == '!')) {
			zero = lpeek(p, 0) == '=' ? 1 : 2;
			p->i++;
		} else if (c == '<' || c == '\'' || (c == 'P' &&
		    lpeek(p, 0) == '<')) {
			if (c == 'P')
				p->i++;
			while (p->i < p->len && p->s[p->i] != '>' &&
			    p->s[p->i] != '\'')
				p->i++;
			p->i++;
		} else if (c == '#') {
			skip_to_paren(p);
			lit_zero(l);
			return;
		} else if (c == '&' || c == 'R' || c == '+' || c == '-' ||
		    (c >= '0' && c <= '9') || (c == 'P' &&
		    (lpeek(p, 0) == '>' || lpeek(p, 0) == '='))) {
			/* subroutine call, recursion, backreference */
			size_t name = p->i + (c == 'P'), blen;
			const char *body;

			if (c == '-' && lpeek(p, 0) != -1 &&
			    !(lpeek(p, 0) >= '0' && lpeek(p, 0) <= '9'))
				goto flags;
			skip_to_paren(p);
			/* a call of a define: analyse its body there */
			if ((c == '&' || (c == 'P' && p->s[name - 1] == '>')) &&
			    p->resolve && !p->fail && p->depth < 20 &&
			    (body = p->resolve(p->arg,
			    (const char *)p->s + name, p->i - 1 - name,
			    &blen))) {
				struct lparse sub = *p;

				sub.s = (const unsigned char *)body;
				sub.i = 0;
				sub.len = blen;
				sub.depth = p->depth + 1;
				lparse_alt(&sub, l);
				if (sub.fail || sub.i != sub.len) {
					lit_release(l);
					lit_init(l);
				}
			}
			return;
		} else {
flags:
			/* (?i) (?-i:...) (?x)...: extended mode is not read */
			off = 0;
			p->i--;
			while (p->i < p->len && ((p->s[p->i] >= 'a' &&
			    p->s[p->i] <= 'z') || (p->s[p->i] >= 'A' &&
			    p->s[p->i] <= 'Z') || p->s[p->i] == '-' ||
			    p->s[p->i] == '^')) {
				if (p->s[p->i] == '-')
					off = 1;
				else if (p->s[p->i] == 'x' && !off)
					p->fail = 1;
				p->i++;
			}
			if (lpeek(p, 0) == ')') {
				p->i++;
				lit_zero(l);
				return;
			}
			if (lpeek(p, 0) != ':') {
				p->fail = 1;
				return;
			}
			p->i++;
		}
	}
	if (p->depth++ > 200) {
		p->fail = 1;
		return;
	}
	lparse_alt(p, l);
	p->depth--;
	if (lpeek(p, 0) != ')') {
		p->fail = 1;
		return;
	}
	p->i++;
	if (zero) {
		/* zero width; what a positive lookaround needs is needed */
		struct lit z;

		lit_zero(&z);
		if (zero == 1 && l->has_req) {
			z.has_req = 1;
			set_copy(&z.req, &l->req);
		}
		lit_release(l);
		*l = z;
	}
}

/* Reads a quantifier if there is one: 1 with *min and *max (-1: none). */
static int
lparse_quant(struct lparse *p, long *min, long *max)
{
	int c = lpeek(p, 0);
	size_t save = p->i;

	if (c == '?') {
		*min = 0;
		*max = 1;
	} else if (c == '*') {
		*min = 0;
		*max = -1;
	} else if (c == '+') {
		*min = 1;
		*max = -1;
	} else if (c == '{') {
		long a = -1, b;

		p->i++;
		if (lpeek(p, 0) >= '0' && lpeek(p, 0) <= '9') {
			a = 0;
			while (lpeek(p, 0) >= '0' && lpeek(p, 0) <= '9')
				a = a * 10 + (p->s[p->i++] - '0');
		}
		b = a;
		if (lpeek(p, 0) == ',') {
			p->i++;
			b = -1;
			if (lpeek(p, 0) >= '0' && lpeek(p, 0) <= '9') {
				b = 0;
				while (lpeek(p, 0) >= '0' && lpeek(p, 0) <= '9')
					b = b * 10 + (p->s[p->i++] - '0');
			}
			if (a < 0)
				a = 0;
		}
		if (a < 0 || lpeek(p, 0) != '}') {
			p->i = save;	/* a literal '{' */
			return 0;
		}
		*min = a;
		*max = b;
	} else {
		return 0;
	}
	p->i++;
	if (lpeek(p, 0) == '?' || lpeek(p, 0) == '+')
		p->i++;
	return 1;
}

static void
lit_quantify(struct lit *l, long min, long max)
{
	struct lit q;

	lit_init(&q);
	q.zw = l->zw;
	q.nullable = min == 0 || l->nullable;
	if (l->has_pre) {
		q.has_pre = 1;
		set_copy(&q.pre, &l->pre);
	}
	if (min == 0) {
		if (max == 1 && l->exact_ok) {
			q.exact_ok = 1;
			set_copy(&q.exact, &l->exact);
			set_add(&q.exact, "");
		}
	} else {
		if (l->has_req) {
			q.has_req = 1;
			set_copy(&q.req, &l->req);
		}
		if (l->exact_ok && min == max && min <= 4) {
			struct strlist acc = STRLIST_INIT;
			long k;

			strlist_push(&acc, "");
			q.exact_ok = 1;
			for (k = 0; k < min && q.exact_ok; k++)
				if (cross(&acc, &acc, &l->exact))
					q.exact_ok = 0;
			if (q.exact_ok)
				set_copy(&q.exact, &acc);
			strlist_release(&acc);
			lit_normalise(&q);
		}
	}
	lit_release(l);
	*l = q;
}

static void
lparse_atom(struct lparse *p, struct lit *l)
{
	int c = lpeek(p, 0);
	size_t n;

	p->i++;
	switch (c) {
	case '(':
		lparse_group(p, l);
		return;
	case '[':
		lparse_class(p, l);
		return;
	case '\\':
		lparse_escape(p, l);
		return;
	case '.':
		lit_init(l);
		return;
	case '^':
	case '$':
		lit_zero(l);
		return;
	default:
		break;
	}
	p->i--;
	lit_cp(l, dec_utf8(p->s + p->i, p->len - p->i, &n));
	p->i += n;
}

/* A sequence of atoms, up to '|' or ')'. */
/*
 * A sequence's prefix: the exact strings its leading items make, or the
 * prefixes of its items up to the first that cannot be empty (zero-width
 * items pass through); the more selective of the two.
 */
static void
lparse_seq(struct lparse *p, struct lit *out)
{
	struct strlist run = STRLIST_INIT, whole = STRLIST_INIT;
	struct strlist walk = STRLIST_INIT, lead = STRLIST_INIT;
	struct strlist tail = STRLIST_INIT;
	int whole_ok = 1, leading = 1, walk_ok = 1, walk_done = 0;
	int tail_open = 0;
	size_t k;

	lit_init(out);
	out->zw = 1;
	out->nullable = 1;
	strlist_push(&run, "");
	strlist_push(&whole, "");
	while (!p->fail && p->i < p->len && p->s[p->i] != '|' &&
	    p->s[p->i] != ')') {
		struct lit a;
		long min, max;

		lparse_atom(p, &a);
		if (!p->fail && lparse_quant(p, &min, &max))
			lit_quantify(&a, min, max);
		out->zw = out->zw && a.zw;
		out->nullable = out->nullable && a.nullable;
		if (tail_open) {
			/* exact items after the first that cannot be empty
			 * lengthen the strings it starts with */
			if (!a.exact_ok || cross(&tail, &tail, &a.exact))
				tail_open = 0;
		} else if (!walk_done && !a.zw) {
			if (!a.has_pre) {
				walk_ok = 0;
				walk_done = 1;
			} else if (a.nullable) {
				for (k = 0; k < a.pre.n; k++)
					set_add(&walk, a.pre.v[k]);
			} else {
				walk_done = 1;
				if (a.exact_ok) {
					set_copy(&tail, &a.exact);
					tail_open = 1;
				} else {
					set_copy(&tail, &a.pre);
				}
			}
		}
		if (a.has_req)
			consider(out, &a.req);
		if (a.exact_ok) {
			if (whole_ok && cross(&whole, &whole, &a.exact))
				whole_ok = 0;
			if (cross(&run, &run, &a.exact)) {
				if (leading)
					set_copy(&lead, &run);
				leading = 0;
				consider(out, &run);
				set_copy(&run, &a.exact);
			}
		} else {
			if (leading)
				set_copy(&lead, &run);
			leading = 0;
			whole_ok = 0;
			consider(out, &run);
			strlist_release(&run);
			strlist_push(&run, "");
		}
		lit_release(&a);
	}
	if (leading)
		set_copy(&lead, &run);
	consider(out, &run);
	if (whole_ok) {
		out->exact_ok = 1;
		set_copy(&out->exact, &whole);
	}
	/* the prefix: the leading run if it has no "", else the walk */
	if (set_minlen(&lead) > 0) {
		set_copy(&out->pre, &lead);
		out->has_pre = 1;
	}
	for (k = 0; walk_ok && k < tail.n; k++)
		if (tail.v[k][0])
			set_add(&walk, tail.v[k]);
	if (walk_ok && walk.n && (!out->has_pre ||
	    req_better(&walk, &out->pre, 1))) {
		set_copy(&out->pre, &walk);
		out->has_pre = 1;
	}
	strlist_release(&run);
	strlist_release(&whole);
	strlist_release(&walk);
	strlist_release(&lead);
	strlist_release(&tail);
}

static void
lparse_alt(struct lparse *p, struct lit *out)
{
	struct lit b;
	int first = 1;

	lit_init(out);
	for (;;) {
		lparse_seq(p, &b);
		if (first) {
			lit_release(out);
			*out = b;
			first = 0;
		} else {
			size_t i;

			if (out->exact_ok && b.exact_ok &&
			    out->exact.n + b.exact.n <= LIT_MAX_SET) {
				for (i = 0; i < b.exact.n; i++)
					set_add(&out->exact, b.exact.v[i]);
			} else {
				out->exact_ok = 0;
				strlist_release(&out->exact);
			}
			if (out->has_req && b.has_req &&
			    out->req.n + b.req.n <= LIT_MAX_SET) {
				for (i = 0; i < b.req.n; i++)
					set_add(&out->req, b.req.v[i]);
			} else {
				out->has_req = 0;
				strlist_release(&out->req);
			}
			if ((out->has_pre || out->zw) && (b.has_pre || b.zw) &&
			    out->pre.n + b.pre.n <= LIT_MAX_SET) {
				for (i = 0; i < b.pre.n; i++)
					set_add(&out->pre, b.pre.v[i]);
				out->has_pre = out->pre.n > 0;
			} else {
				out->has_pre = 0;
				strlist_release(&out->pre);
				out->pre_lost = 1;
			}
			out->zw = out->zw && b.zw;
			out->nullable = out->nullable || b.nullable;
			lit_release(&b);
		}
		if (p->fail || lpeek(p, 0) != '|')
			break;
		p->i++;
	}
	if (out->pre_lost) {
		out->has_pre = 0;
		strlist_release(&out->pre);
	}
}

/*
 * A prefix with a single letter in it ("a" from [A-Z]) is nearly every
 * position of a text: searching the whole text is cheaper.
 */
static int
has_single_letter(const struct strlist *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i][0] && !s->v[i][1] && s->v[i][0] >= 'a' &&
		    s->v[i][0] <= 'z')
			return 1;
	return 0;
}

int
rx_required_literals(const char *pattern, size_t len, unsigned flags,
    rx_resolve_fn *resolve, void *arg, struct strlist *req,
    struct strlist *prefix)
{
	struct lparse p;
	struct lit l;
	size_t i;
	int rc = -1;

	if (flags & RX_EXTENDED)
		return -1;
	memset(&p, 0, sizeof(p));
	p.s = (const unsigned char *)pattern;
	p.len = len;
	p.resolve = resolve;
	p.arg = arg;
	if (flags & RX_LITERAL) {
		struct buf b = BUF_INIT(LIT_MAX_LEN * 4);

		if (rx_fold(&b, pattern, len, NULL, NULL) || !b.len) {
			buf_release(&b);
			return -1;
		}
		strlist_push(req, b.data);
		strlist_push(prefix, b.data);
		buf_release(&b);
		return 0;
	}
	lparse_alt(&p, &l);
	if (p.fail || p.i != p.len) {
		lit_release(&l);
		return -1;
	}
	if (l.has_req && set_minlen(&l.req) > 0) {
		for (i = 0; i < l.req.n; i++)
			strlist_push(req, l.req.v[i]);
		rc = 0;
	}
	/* every match starts with one: try only at those places */
	if (l.has_pre && !l.nullable && set_minlen(&l.pre) > 0 &&
	    set_quality(&l.pre) >= 4 && !has_single_letter(&l.pre)) {
		for (i = 0; i < l.pre.n; i++)
			strlist_push(prefix, l.pre.v[i]);
		rc = 0;
	}
	lit_release(&l);
	return rc;
}

/* --- Aho-Corasick over the folded text ---------------------------------- */

struct ac_node {
	int child;		/* first child, -1 */
	int sibling;		/* next sibling, -1 */
	int fail;
	int dict;		/* nearest fail-chain node ending a string */
	int term;		/* id of the string ending here, -1 */
	unsigned char byte;
};

struct rx_lits {
	struct ac_node *v;
	size_t n, alloc;
	int root_next[256];
	size_t nstrings;
	size_t *lens;		/* of each string */
	/*
	 * The automaton as a table, fail links followed in advance:
	 * delta[node * ncls + cls[byte]] is the next node times two, plus
	 * one when a string ends at it or on its dictionary links: a scan
	 * is mostly in the middle of some string (with short strings such
	 * as "wa" and the digits), and then reads no node.  A byte in no
	 * string is class 0, which leads back to the root from anywhere.
	 * NULL when the table would be too large (the links are walked).
	 */
	int *delta;
	size_t ncls;
	unsigned char cls[256];
	/* cls of the byte as rx_fold turns ASCII: 'A'-'Z' as 'a'-'z' */
	unsigned char cls_ascii[256];
};

/* Entries of the largest table built: 1 MB of next nodes. */
#define AC_DELTA_MAX	(256 * 1024)

static int
ac_child(const struct rx_lits *a, int node, unsigned char c)
{
	int k;

	if (node == 0)
		return a->root_next[c];
	for (k = a->v[node].child; k >= 0; k = a->v[k].sibling)
		if (a->v[k].byte == c)
			return k;
	return -1;
}

static int
ac_add_node(struct rx_lits *a, int parent, unsigned char c)
{
	int k;

	GROW(a->v, a->n + 1, a->alloc);
	k = (int)a->n++;
	a->v[k].child = -1;
	a->v[k].sibling = a->v[parent].child;
	a->v[k].fail = 0;
	a->v[k].dict = -1;
	a->v[k].term = -1;
	a->v[k].byte = c;
	a->v[parent].child = k;
	if (parent == 0)
		a->root_next[c] = k;
	return k;
}

/*
 * Builds a->delta when it fits AC_DELTA_MAX: breadth first, so that a
 * node's fail node (nearer the root) has its row when the node needs it.
 */
static void
ac_delta_init(struct rx_lits *a)
{
	int *queue, *row, *frow, u, k, c;
	size_t i, head = 0, tail = 0;
	int byte_cls[256];

	a->ncls = 1;
	for (i = 1; i < a->n; i++)
		if (!a->cls[a->v[i].byte])
			a->cls[a->v[i].byte] = (unsigned char)a->ncls++;
	if (a->ncls > 256 || a->n * a->ncls > AC_DELTA_MAX) {
		memset(a->cls, 0, sizeof(a->cls));
		a->ncls = 0;
		return;
	}
	/* a representative byte of each class */
	for (c = 0; c < 256; c++)
		byte_cls[a->cls[c]] = c;
	a->delta = xcalloc(a->n * a->ncls, sizeof(*a->delta));
	queue = xcalloc(a->n + 1, sizeof(*queue));
	queue[tail++] = 0;
	while (head < tail) {
		u = queue[head++];
		row = a->delta + (size_t)u * a->ncls;
		frow = a->delta + (size_t)a->v[u].fail * a->ncls;
		for (i = 1; i < a->ncls; i++) {
			k = ac_child(a, u, (unsigned char)byte_cls[i]);
			if (k >= 0)
				row[i] = k;
			else if (u != 0)
				row[i] = frow[i];
		}
		for (k = a->v[u].child; k >= 0; k = a->v[k].sibling)
			queue[tail++] = k;
	}
	free(queue);
	/* the bit of the ends */
	for (i = 0; i < a->n * a->ncls; i++) {
		u = a->delta[i];
		a->delta[i] = u * 2 | (a->v[u].term >= 0 || a->v[u].dict >= 0);
	}
}

struct rx_lits *
rx_lits_new(const struct strlist *strings)
{
	return rx_lits_new_ids(strings, NULL);
}

struct rx_lits *
rx_lits_new_ids(const struct strlist *strings, const size_t *ids)
{
	struct rx_lits *a = xcalloc(1, sizeof(*a));
	int *queue;
	size_t i, head = 0, tail = 0;

	/* nstrings bounds the ids: one past the largest */
	a->nstrings = strings->n;
	for (i = 0; ids && i < strings->n; i++)
		if (ids[i] >= a->nstrings)
			a->nstrings = ids[i] + 1;
	a->lens = xcalloc(a->nstrings + 1, sizeof(*a->lens));
	for (i = 0; i < strings->n; i++)
		a->lens[ids ? ids[i] : i] = strlen(strings->v[i]);
	GROW(a->v, 1, a->alloc);
	a->n = 1;
	memset(&a->v[0], 0, sizeof(a->v[0]));
	a->v[0].child = a->v[0].sibling = a->v[0].dict = a->v[0].term = -1;
	for (i = 0; i < 256; i++)
		a->root_next[i] = -1;
	for (i = 0; i < strings->n; i++) {
		const unsigned char *s = (const unsigned char *)strings->v[i];
		int node = 0, next;

		for (; *s; s++) {
			next = ac_child(a, node, *s);
			node = next >= 0 ? next : ac_add_node(a, node, *s);
		}
		if (node)	/* last id wins */
			a->v[node].term = (int)(ids ? ids[i] : i);
	}
	/* Breadth first: fail and dictionary links. */
	queue = xcalloc(a->n + 1, sizeof(*queue));
	for (i = 0; i < 256; i++)
		if (a->root_next[i] >= 0) {
			a->v[a->root_next[i]].fail = 0;
			queue[tail++] = a->root_next[i];
		}
	while (head < tail) {
		int u = queue[head++], k;

		for (k = a->v[u].child; k >= 0; k = a->v[k].sibling) {
			int f = a->v[u].fail, t;

			while (f && ac_child(a, f, a->v[k].byte) < 0)
				f = a->v[f].fail;
			t = ac_child(a, f, a->v[k].byte);
			a->v[k].fail = t >= 0 && t != k ? t : 0;
			a->v[k].dict = a->v[a->v[k].fail].term >= 0 ?
			    a->v[k].fail : a->v[a->v[k].fail].dict;
			queue[tail++] = k;
		}
	}
	free(queue);
	ac_delta_init(a);
	for (i = 0; i < 256; i++)
		a->cls_ascii[i] = a->cls[i >= 'A' && i <= 'Z' ? i + 32 : i];
	return a;
}

void
rx_lits_free(struct rx_lits *a)
{
	if (!a)
		return;
	free(a->v);
	free(a->lens);
	free(a->delta);
	free(a);
}

size_t
rx_lits_count(const struct rx_lits *a)
{
	return a->nstrings;
}

size_t
rx_lits_len(const struct rx_lits *a, size_t id)
{
	return id < a->nstrings ? a->lens[id] : 0;
}

/*
 * rx_lits_scan; ascii: the text is ASCII not yet folded, and each byte
 * is read as rx_fold would turn it ('A'-'Z' as 'a'-'z'; cls_ascii), so
 * the hits are those in the folded text, at the same offsets.
 */
static inline int
lits_scan(const struct rx_lits *a, const char *text, size_t len,
    unsigned char *seen, struct rx_lits_hit **hits, size_t *nhits,
    size_t *alloc, size_t max, int ascii)
{
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *cls = ascii ? a->cls_ascii : a->cls;
	int s = 0, t, rc = 0, e = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		int next;
		unsigned char c;

		if (a->delta) {
			e = a->delta[(size_t)(e >> 1) * a->ncls + cls[p[i]]];
			if (!(e & 1))
				continue;	/* no string ends here */
			s = e >> 1;
		} else {
			c = p[i];
			if (ascii && c >= 'A' && c <= 'Z')
				c += 32;
			while ((next = ac_child(a, s, c)) < 0 && s)
				s = a->v[s].fail;
			s = next >= 0 ? next : 0;
		}
		for (t = s; t > 0; t = a->v[t].dict) {
			int id = a->v[t].term;

			if (id >= 0) {
				seen[id] = 1;
				if (hits && *nhits < max) {
					/* a phone number's digits are hits:
					 * xgrow only when full */
					if (*nhits == *alloc)
						GROW(*hits, *nhits + 1,
						    *alloc);
					(*hits)[*nhits].id = (size_t)id;
					(*hits)[*nhits].end = i + 1;
					(*nhits)++;
				} else if (hits) {
					rc = -1;
				}
			}
			if (a->v[t].dict < 0)
				break;
		}
	}
	return rc;
}

int
rx_lits_scan(const struct rx_lits *a, const char *folded, size_t len,
    unsigned char *seen, struct rx_lits_hit **hits, size_t *nhits,
    size_t *alloc, size_t max)
{
	return lits_scan(a, folded, len, seen, hits, nhits, alloc, max, 0);
}

int
rx_lits_scan_ascii(const struct rx_lits *a, const char *text, size_t len,
    unsigned char *seen, struct rx_lits_hit **hits, size_t *nhits,
    size_t *alloc, size_t max)
{
	return lits_scan(a, text, len, seen, hits, nhits, alloc, max, 1);
}
