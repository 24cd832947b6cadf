/*
 * util.c - x-allocators, checked number parsing, string lists, time.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>

#include "util.h"

static void ATTR_NORETURN
die_oom(size_t n)
{
	fprintf(stderr, "inquiryd: out of memory allocating %zu bytes\n", n);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom(n);
	return p;
}

/*
 * Blocks up to this size are taken with malloc and zeroed here: glibc's
 * calloc passes its per-thread cache by (to the arena, five times the
 * instructions of a cached malloc), and clearing a small block costs
 * less than that.  Larger ones may come zeroed from the system.
 */
#define XCALLOC_SMALL 1024

void *
xcalloc(size_t nmemb, size_t size)
{
	size_t n;
	void *p;

	if (nmemb && size > SIZE_MAX / nmemb)
		die_oom(SIZE_MAX);
	n = (nmemb ? nmemb : 1) * (size ? size : 1);
	if (n <= XCALLOC_SMALL) {
		p = malloc(n);
#ifdef __GNUC__
		/* or the compiler makes the two a calloc again */
		__asm__("" : "+r" (p));
#endif
		if (p)
			memset(p, 0, n);
	} else {
		p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	}
	if (!p)
		die_oom(nmemb * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die_oom(n);
	return q;
}

void *
xgrow(void *p, size_t need, size_t *alloc, size_t sz)
{
	size_t n;

	if (need <= *alloc)
		return p;
	n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			die_oom(SIZE_MAX);
		n *= 2;
	}
	if (n > SIZE_MAX / sz)
		die_oom(SIZE_MAX);
	p = xrealloc(p, n * sz);
	*alloc = n;
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s);
	char *p = xmalloc(n + 1);

	memcpy(p, s, n + 1);
	return p;
}

char *
xstrdup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

char *
xstrndup(const char *s, size_t n)
{
	const char *end = memchr(s, '\0', n);
	char *p;

	if (end)
		n = (size_t)(end - s);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t
xstrlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *p;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		fprintf(stderr, "inquiryd: bad format string '%s'\n", fmt);
		exit(1);
	}
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

static const char *
skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int
str_to_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s) {
		errno = EINVAL;
		return -1;
	}
	s = skip_blank(s);
	if (!*s) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	if (end == s || *skip_blank(end)) {
		errno = EINVAL;
		return -1;
	}
	*out = v;
	return 0;
}

int
str_to_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s) {
		errno = EINVAL;
		return -1;
	}
	s = skip_blank(s);
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *skip_blank(end) || errno == ERANGE || !isfinite(v)) {
		errno = errno == ERANGE ? ERANGE : EINVAL;
		return -1;
	}
	*out = v;
	return 0;
}

/* Parses a leading unsigned number; returns the rest of the string. */
static const char *
leading_number(const char *s, unsigned long long *v)
{
	char *end;

	s = skip_blank(s);
	if (!isdigit((unsigned char)*s))
		return NULL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return NULL;
	return skip_blank(end);
}

int
str_to_size(const char *s, size_t *out)
{
	unsigned long long v, mul = 1;
	const char *rest;

	if (!s || !(rest = leading_number(s, &v))) {
		errno = EINVAL;
		return -1;
	}
	switch (toupper((unsigned char)*rest)) {
	case 'K': mul = 1ULL << 10; rest++; break;
	case 'M': mul = 1ULL << 20; rest++; break;
	case 'G': mul = 1ULL << 30; rest++; break;
	default: break;
	}
	if (mul > 1 && *rest == 'i')
		rest++;
	if (*rest == 'B' || *rest == 'b')
		rest++;
	if (*skip_blank(rest)) {
		errno = EINVAL;
		return -1;
	}
	if (v > SIZE_MAX / mul) {
		errno = ERANGE;
		return -1;
	}
	*out = (size_t)(v * mul);
	return 0;
}

int
str_to_seconds(const char *s, long *out)
{
	unsigned long long v, mul = 1;
	const char *rest;

	if (!s || !(rest = leading_number(s, &v))) {
		errno = EINVAL;
		return -1;
	}
	switch (*rest) {
	case 's': rest++; break;
	case 'm': mul = 60; rest++; break;
	case 'h': mul = 3600; rest++; break;
	case 'd': mul = 86400; rest++; break;
	case 'w': mul = 7 * 86400; rest++; break;
	default: break;
	}
	if (*skip_blank(rest)) {
		errno = EINVAL;
		return -1;
	}
	if (v > LONG_MAX / mul) {
		errno = ERANGE;
		return -1;
	}
	*out = (long)(v * mul);
	return 0;
}

int
str_to_bool(const char *s)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
starts_with_icase(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int
is_blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	    c == '\v';
}

char *
str_trim(char *s)
{
	size_t n;
	char *p = s;

	while (is_blank_char(*p))
		p++;
	n = strlen(p);
	while (n && is_blank_char(p[n - 1]))
		n--;
	memmove(s, p, n);
	s[n] = '\0';
	return s;
}

char *
str_lower(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
str_blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (!is_blank_char(*s))
			return 0;
	return 1;
}

void
strlist_init(struct strlist *l)
{
	l->v = NULL;
	l->n = 0;
	l->alloc = 0;
}

void
strlist_push_owned(struct strlist *l, char *s)
{
	GROW(l->v, l->n + 2, l->alloc);
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

void
strlist_push(struct strlist *l, const char *s)
{
	strlist_push_owned(l, xstrdup(s));
}

void
strlist_pushf(struct strlist *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strlist_push_owned(l, xvasprintf(fmt, ap));
	va_end(ap);
}

long
strlist_find(const struct strlist *l, const char *s, int icase)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (icase ? !strcasecmp(l->v[i], s) : !strcmp(l->v[i], s))
			return (long)i;
	return -1;
}

void
strlist_release(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	strlist_init(l);
}

uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

char *
fmt_time_utc(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return out;
}

int
parse_time_utc(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, used = 0;
	time_t t;

	if (!s)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3)
		return -1;
	s += used;
	if (*s == 'T' || *s == ' ') {
		n = sscanf(s + 1, "%2d:%2d%n", &h, &mi, &used);
		if (n != 2)
			return -1;
		s += 1 + used;
		if (*s == ':') {
			if (sscanf(s + 1, "%2d%n", &sec, &used) != 1)
				return -1;
			s += 1 + used;
		}
		if (*s == 'Z')
			s++;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/* Decodes one UTF-8 sequence; returns its length (1 for a bad byte). */
static size_t
utf8_decode(const unsigned char *s, unsigned *cp)
{
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, *cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, *cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, *cp = s[0] & 0x07;
	else
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

static int
cp_wide(unsigned c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) ||
	    (c >= 0x20000 && c <= 0x3fffd);
}

char *
utf8_fit(const char *s, size_t cols, int pad, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t o = 0, used = 0, n, w;
	unsigned cp;

	if (!size)
		return out;
	while (*p) {
		n = utf8_decode(p, &cp);
		w = cp_wide(cp) ? 2 : 1;
		if (used + w > cols || o + n + 1 > size)
			break;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    cp == 0xfffd) {
			out[o++] = cp == 0xfffd ? '?' : ' ';
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
		used += w;
		p += n;
	}
	while (pad && used < cols && o + 2 <= size) {
		out[o++] = ' ';
		used++;
	}
	out[o] = '\0';
	return out;
}
