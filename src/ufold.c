/*
 * ufold.c - UTF-8 decoding, case mapping and word characters.
 *
 * The case tables cover the alphabets with case that customers write
 * names and product words in; they are ranges rather than a generated
 * table so that the file stays readable.
 */
#include "buf.h"
#include "ufold.h"

size_t
utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t n, i;

	*cp = UFOLD_REPLACEMENT;
	if (!len)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 1;
	}
	if (n > len)
		return 1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 1;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 1;
	*cp = c;
	return n;
}

uint32_t
utf8_next(const char *s, size_t len, size_t *n)
{
	uint32_t cp;

	*n = utf8_decode(s, len, &cp);
	return cp;
}

uint32_t
utf8_prev(const char *s, size_t i, size_t *at)
{
	size_t j, n;

	*at = 0;
	if (!i)
		return 0;
	j = i - 1;
	while (j > 0 && i - j < 4 && ((unsigned char)s[j] & 0xc0) == 0x80)
		j--;
	if (utf8_decode(s + j, i - j, &(uint32_t){ 0 }) != i - j)
		j = i - 1;	/* not one whole sequence: the last byte */
	*at = j;
	return utf8_next(s + j, i - j, &n);
}

size_t
utf8_encode(uint32_t cp, char out[4])
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = UFOLD_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

int
utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (cp == UFOLD_REPLACEMENT && n == 1 &&
		    (unsigned char)s[i] >= 0x80)
			return 0;
		i += n;
	}
	return 1;
}

char *
utf8_repair(const char *s, size_t len)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	size_t i = 0, n;
	uint32_t cp;
	char enc[4];

	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (cp == UFOLD_REPLACEMENT && n == 1 &&
		    (unsigned char)s[i] >= 0x80)
			buf_add(&b, enc, utf8_encode(cp, enc));
		else if (cp != 0)
			buf_add(&b, s + i, n);
		i += n;
	}
	return buf_detach(&b, NULL);
}

size_t
utf8_length(const char *s)
{
	size_t len = strlen(s), i = 0, n = 0;
	uint32_t cp;

	while (i < len) {
		i += utf8_decode(s + i, len - i, &cp);
		n++;
	}
	return n;
}

size_t
utf8_prefix(const char *s, size_t max_cp, size_t max_bytes)
{
	size_t len = strlen(s), i = 0, n = 0, step;
	uint32_t cp;

	while (i < len && n < max_cp) {
		step = utf8_decode(s + i, len - i, &cp);
		if (i + step > max_bytes)
			break;
		i += step;
		n++;
	}
	return i;
}

/*
 * Pairs laid out as upper at an even (or odd) code point and lower at the
 * next one, over a range.
 */
struct case_pairs {
	uint32_t first, last;	/* upper-case code points of the range */
};

/* Upper at first, first+2, ...; lower one above each. */
static const struct case_pairs pairs_even[] = {
	{ 0x0100, 0x012E }, { 0x0132, 0x0136 }, { 0x014A, 0x0176 },
	{ 0x0182, 0x0184 }, { 0x01A0, 0x01A4 }, { 0x01DE, 0x01EE },
	{ 0x01F8, 0x021E }, { 0x0222, 0x0232 }, { 0x03D8, 0x03EE },
	{ 0x0460, 0x0480 }, { 0x048A, 0x04BE }, { 0x04D0, 0x052E },
	{ 0x1E00, 0x1E94 }, { 0x1EA0, 0x1EFE },
};
/* Upper at first, first+2, ... where first is odd. */
static const struct case_pairs pairs_odd[] = {
	{ 0x0139, 0x0147 }, { 0x0179, 0x017D }, { 0x01CD, 0x01DB },
	{ 0x04C1, 0x04CD },
};

/* Contiguous ranges where lower = upper + delta. */
struct case_range {
	uint32_t first, last;	/* upper-case range */
	uint32_t delta;
};

static const struct case_range ranges[] = {
	{ 0x0041, 0x005A, 0x20 },
	{ 0x00C0, 0x00D6, 0x20 },
	{ 0x00D8, 0x00DE, 0x20 },
	{ 0x0388, 0x038A, 0x25 },
	{ 0x038E, 0x038F, 0x3F },
	{ 0x0391, 0x03A1, 0x20 },
	{ 0x03A3, 0x03AB, 0x20 },
	{ 0x0400, 0x040F, 0x50 },
	{ 0x0410, 0x042F, 0x20 },
	{ 0x0531, 0x0556, 0x30 },
	{ 0x10A0, 0x10C5, 0x1C60 },	/* Georgian Asomtavruli -> Nuskhuri */
	{ 0xFF21, 0xFF3A, 0x20 },
};

/* Single mappings not covered by the ranges above. */
static const uint32_t singles[][2] = {
	{ 0x0178, 0x00FF },	/* Y WITH DIAERESIS */
	{ 0x0386, 0x03AC },
	{ 0x038C, 0x03CC },
	{ 0x0130, 0x0069 },	/* I WITH DOT ABOVE (lower only) */
	{ 0x1E9E, 0x00DF },	/* CAPITAL SHARP S (lower only) */
	{ 0x0187, 0x0188 }, { 0x018B, 0x018C }, { 0x0191, 0x0192 },
	{ 0x0198, 0x0199 }, { 0x01A7, 0x01A8 }, { 0x01AC, 0x01AD },
	{ 0x01AF, 0x01B0 }, { 0x01B3, 0x01B4 }, { 0x01B5, 0x01B6 },
	{ 0x01B8, 0x01B9 }, { 0x01BC, 0x01BD },
	{ 0x01C4, 0x01C6 }, { 0x01C7, 0x01C9 }, { 0x01CA, 0x01CC },
	{ 0x01F1, 0x01F3 },
};

uint32_t
ufold_lower_cp(uint32_t cp)
{
	size_t i;

	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp;
	for (i = 0; i < ARRAY_SIZE(ranges); i++)
		if (cp >= ranges[i].first && cp <= ranges[i].last)
			return cp + ranges[i].delta;
	for (i = 0; i < ARRAY_SIZE(pairs_even); i++)
		if (cp >= pairs_even[i].first && cp <= pairs_even[i].last &&
		    (cp - pairs_even[i].first) % 2 == 0)
			return cp + 1;
	for (i = 0; i < ARRAY_SIZE(pairs_odd); i++)
		if (cp >= pairs_odd[i].first && cp <= pairs_odd[i].last &&
		    (cp - pairs_odd[i].first) % 2 == 0)
			return cp + 1;
	for (i = 0; i < ARRAY_SIZE(singles); i++)
		if (cp == singles[i][0])
			return singles[i][1];
	return cp;
}

uint32_t
ufold_upper_cp(uint32_t cp)
{
	size_t i;

	if (cp < 0x80)
		return cp >= 'a' && cp <= 'z' ? cp - 0x20 : cp;
	if (cp == 0x03C2)	/* final sigma */
		return 0x03A3;
	if (cp == 0x0131)	/* dotless i */
		return 'I';
	if (cp == 0x00B5)	/* micro sign */
		return 0x039C;
	for (i = 0; i < ARRAY_SIZE(ranges); i++)
		if (cp >= ranges[i].first + ranges[i].delta &&
		    cp <= ranges[i].last + ranges[i].delta)
			return cp - ranges[i].delta;
	for (i = 0; i < ARRAY_SIZE(pairs_even); i++)
		if (cp > pairs_even[i].first && cp <= pairs_even[i].last + 1 &&
		    (cp - pairs_even[i].first) % 2 == 1)
			return cp - 1;
	for (i = 0; i < ARRAY_SIZE(pairs_odd); i++)
		if (cp > pairs_odd[i].first && cp <= pairs_odd[i].last + 1 &&
		    (cp - pairs_odd[i].first) % 2 == 1)
			return cp - 1;
	for (i = 0; i < ARRAY_SIZE(singles); i++)
		if (cp == singles[i][1] && singles[i][0] != 0x0130 &&
		    singles[i][0] != 0x1E9E)
			return singles[i][0];
	return cp;
}

static char *
map_string(const char *s, int upper)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	size_t len = strlen(s), i = 0, j, k;
	uint32_t cp;
	char enc[4];
	char from = upper ? 'a' : 'A', to = upper ? 'z' : 'Z';

	buf_reserve(&b, len + 1);
	while (i < len) {
		/* a run of ASCII, most text: copied, then its case mapped */
		for (j = i; j < len && (unsigned char)s[j] < 0x80; j++)
			;
		if (j > i) {
			k = b.len;
			buf_add(&b, s + i, j - i);
			for (; k < b.len; k++)
				if (b.data[k] >= from && b.data[k] <= to)
					b.data[k] ^= 0x20;
			i = j;
			continue;
		}
		i += utf8_decode(s + i, len - i, &cp);
		if (upper && cp == 0x00DF) {
			buf_addstr(&b, "SS");
			continue;
		}
		cp = upper ? ufold_upper_cp(cp) : ufold_lower_cp(cp);
		buf_add(&b, enc, utf8_encode(cp, enc));
	}
	return buf_detach(&b, NULL);
}

char *
ufold_lower(const char *s)
{
	return map_string(s, 0);
}

char *
ufold_upper(const char *s)
{
	return map_string(s, 1);
}

int
ufold_is_word(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z');
	if (cp < 0xC0)
		return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
	if (cp == 0xD7 || cp == 0xF7)
		return 0;
	if (cp >= 0x2000 && cp <= 0x2BFF)	/* punctuation, symbols */
		return 0;
	if (cp >= 0x3000 && cp <= 0x303F)	/* CJK punctuation */
		return 0;
	if (cp >= 0xFE30 && cp <= 0xFE4F)
		return 0;
	if ((cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
	    (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65))
		return 0;
	if (cp >= 0xE000 && cp <= 0xF8FF)	/* private use */
		return 0;
	if (cp >= 0xFFF0 && cp <= 0xFFFF)	/* specials, U+FFFD */
		return 0;
	if (cp >= 0x1F000 && cp <= 0x1FAFF)	/* emoji and pictographs */
		return 0;
	return 1;
}

int
ufold_is_cjk(uint32_t cp)
{
	return (cp >= 0x2E80 && cp <= 0x2FFF) ||
	    (cp >= 0x3040 && cp <= 0x9FFF) ||
	    (cp >= 0xAC00 && cp <= 0xD7AF) ||
	    (cp >= 0xF900 && cp <= 0xFAFF) ||
	    (cp >= 0x20000 && cp <= 0x3FFFF);
}
