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
	unsigned ncap;
	size_t nnames;
	char **names;		/* owned copies */
	unsigned *groups;
	int matches_empty;
};

struct rx_scratch {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *js;
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
	js = lim->jit_stack < 32 * 1024 ? 32 * 1024 : lim->jit_stack;
	sc->js = pcre2_jit_stack_create(32 * 1024, js, NULL);
	if (sc->js)
		pcre2_jit_stack_assign(sc->mc, NULL, sc->js);
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

int
rx_exec(const struct rx *rx, const char *subject, size_t len, size_t start,
    struct rx_scratch *sc, char *errbuf, size_t errsize)
{
	int rc;

	/* The match data may be smaller than this pattern needs: then only
	 * the first groups are kept, which rx_group() reports as unset. */
	rc = pcre2_match(rx->code, (PCRE2_SPTR)subject, len, start, 0, sc->md,
	    sc->mc);
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
