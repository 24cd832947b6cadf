/*
 * charset.c - labels to iconv names, UTF-8 validation, detection with
 * uchardet, and the conversion policy of charset_to_utf8() (charset.h).
 *
 * iconv descriptors and the uchardet handle are opened once and kept in a
 * small static cache: opening them costs more than converting a message.
 * inquiryd has no threads; the cache is not locked.
 */
#include <errno.h>
#include <iconv.h>
#include <uchardet.h>

#include "charset.h"

/* What kind of charset a canonical name is. */
enum cs_kind {
	CS_UTF8,
	CS_SINGLE,		/* one byte per character */
	CS_LATIN,		/* CS_SINGLE that labels often use wrongly */
	CS_MULTI,		/* CJK multi-byte: GB18030, Big5, SJIS... */
	CS_WIDE,		/* UTF-16/32: NUL bytes everywhere */
	CS_7BIT,		/* ISO-2022-x, UTF-7: ASCII bytes, escapes */
};

struct cs_alias {
	const char *squashed;	/* lowercase, letters and digits only */
	const char *canon;
};

/* Labels as mail and the web write them, to the superset we decode. */
static const struct cs_alias aliases[] = {
	{ "utf8", "UTF-8" }, { "unicode11utf8", "UTF-8" },
	{ "xunicode20utf8", "UTF-8" }, { "unicode20utf8", "UTF-8" },
	{ "usascii", "WINDOWS-1252" }, { "ascii", "WINDOWS-1252" },
	{ "ansix341968", "WINDOWS-1252" }, { "iso646us", "WINDOWS-1252" },
	{ "us", "WINDOWS-1252" }, { "csascii", "WINDOWS-1252" },
	{ "iso88591", "WINDOWS-1252" }, { "latin1", "WINDOWS-1252" },
	{ "l1", "WINDOWS-1252" }, { "cp819", "WINDOWS-1252" },
	{ "ibm819", "WINDOWS-1252" }, { "isoir100", "WINDOWS-1252" },
	{ "csisolatin1", "WINDOWS-1252" }, { "iso885911987", "WINDOWS-1252" },
	{ "windows1252", "WINDOWS-1252" }, { "cp1252", "WINDOWS-1252" },
	{ "xcp1252", "WINDOWS-1252" }, { "ansi", "WINDOWS-1252" },
	{ "windows1250", "CP1250" }, { "cp1250", "CP1250" },
	{ "xcp1250", "CP1250" },
	{ "windows1251", "CP1251" }, { "cp1251", "CP1251" },
	{ "xcp1251", "CP1251" },
	{ "windows1253", "CP1253" }, { "cp1253", "CP1253" },
	{ "windows1254", "CP1254" }, { "cp1254", "CP1254" },
	{ "iso88599", "CP1254" }, { "latin5", "CP1254" },
	{ "windows1255", "CP1255" }, { "cp1255", "CP1255" },
	{ "windows1256", "CP1256" }, { "cp1256", "CP1256" },
	{ "windows1257", "CP1257" }, { "cp1257", "CP1257" },
	{ "windows1258", "CP1258" }, { "cp1258", "CP1258" },
	{ "iso88592", "ISO-8859-2" }, { "latin2", "ISO-8859-2" },
	{ "iso88593", "ISO-8859-3" }, { "iso88594", "ISO-8859-4" },
	{ "iso88595", "ISO-8859-5" }, { "cyrillic", "ISO-8859-5" },
	{ "iso88596", "ISO-8859-6" }, { "arabic", "ISO-8859-6" },
	{ "iso88597", "ISO-8859-7" }, { "greek", "ISO-8859-7" },
	{ "iso88598", "ISO-8859-8" }, { "iso88598i", "ISO-8859-8" },
	{ "hebrew", "ISO-8859-8" }, { "iso885910", "ISO-8859-10" },
	{ "iso885911", "CP874" }, { "tis620", "CP874" },
	{ "windows874", "CP874" }, { "cp874", "CP874" },
	{ "iso885913", "ISO-8859-13" }, { "iso885914", "ISO-8859-14" },
	{ "iso885915", "ISO-8859-15" }, { "latin9", "ISO-8859-15" },
	{ "iso885916", "ISO-8859-16" },
	{ "koi8r", "KOI8-R" }, { "koi8", "KOI8-R" }, { "cskoi8r", "KOI8-R" },
	{ "koi", "KOI8-R" }, { "koi8u", "KOI8-U" }, { "koi8ru", "KOI8-U" },
	{ "ibm866", "CP866" }, { "cp866", "CP866" },
	{ "macintosh", "MACINTOSH" }, { "mac", "MACINTOSH" },
	{ "xmacroman", "MACINTOSH" },
	{ "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "gb18030", "GB18030" },
	{ "xgbk", "GB18030" }, { "cp936", "GB18030" }, { "ms936", "GB18030" },
	{ "windows936", "GB18030" }, { "gb231280", "GB18030" },
	{ "csgb2312", "GB18030" }, { "euccn", "GB18030" },
	{ "xeuccn", "GB18030" }, { "chinese", "GB18030" },
	{ "isoir58", "GB18030" }, { "csiso58gb231280", "GB18030" },
	{ "big5", "BIG5-HKSCS" }, { "big5hkscs", "BIG5-HKSCS" },
	{ "xbig5", "BIG5-HKSCS" }, { "cnbig5", "BIG5-HKSCS" },
	{ "csbig5", "BIG5-HKSCS" }, { "cp950", "BIG5-HKSCS" },
	{ "big5tw", "BIG5-HKSCS" },
	{ "shiftjis", "CP932" }, { "sjis", "CP932" }, { "xsjis", "CP932" },
	{ "mskanji", "CP932" }, { "csshiftjis", "CP932" },
	{ "windows31j", "CP932" }, { "cp932", "CP932" }, { "ms932", "CP932" },
	{ "xmscp932", "CP932" },
	{ "eucjp", "EUC-JP" }, { "xeucjp", "EUC-JP" },
	{ "cseucpkdfmtjapanese", "EUC-JP" },
	{ "iso2022jp", "ISO-2022-JP" }, { "csiso2022jp", "ISO-2022-JP" },
	{ "iso2022jp2", "ISO-2022-JP" }, { "iso2022jp3", "ISO-2022-JP" },
	{ "euckr", "CP949" }, { "xeuckr", "CP949" }, { "ksc56011987", "CP949" },
	{ "ksc5601", "CP949" }, { "ksc56011989", "CP949" },
	{ "cp949", "CP949" }, { "uhc", "CP949" }, { "windows949", "CP949" },
	{ "korean", "CP949" }, { "cseuckr", "CP949" },
	{ "iso2022kr", "ISO-2022-KR" },
	{ "iso2022cn", "ISO-2022-CN-EXT" },
	{ "iso2022cnext", "ISO-2022-CN-EXT" },
	{ "utf16", "UTF-16" }, { "ucs2", "UTF-16" }, { "utf16le", "UTF-16LE" },
	{ "utf16be", "UTF-16BE" }, { "utf32", "UTF-32" },
	{ "utf32le", "UTF-32LE" }, { "utf32be", "UTF-32BE" },
	{ "utf7", "UTF-7" },
};

/* What to try, in order, when decoding a canonical name. */
struct cs_info {
	const char *canon;
	enum cs_kind kind;
	const char *try[3];
};

static const struct cs_info infos[] = {
	{ "UTF-8", CS_UTF8, { "UTF-8" } },
	{ "WINDOWS-1252", CS_LATIN, { "WINDOWS-1252" } },
	{ "GB18030", CS_MULTI, { "GB18030" } },
	{ "BIG5-HKSCS", CS_MULTI, { "BIG5-HKSCS", "CP950" } },
	{ "CP932", CS_MULTI, { "CP932", "SHIFT_JIS" } },
	{ "EUC-JP", CS_MULTI, { "EUC-JP", "EUC-JP-MS" } },
	{ "CP949", CS_MULTI, { "CP949" } },
	{ "ISO-2022-JP", CS_7BIT, { "ISO-2022-JP-2", "ISO-2022-JP-3" } },
	{ "ISO-2022-KR", CS_7BIT, { "ISO-2022-KR" } },
	{ "ISO-2022-CN-EXT", CS_7BIT, { "ISO-2022-CN-EXT" } },
	{ "UTF-7", CS_7BIT, { "UTF-7" } },
	{ "UTF-16", CS_WIDE, { "UTF-16" } },
	{ "UTF-16LE", CS_WIDE, { "UTF-16LE" } },
	{ "UTF-16BE", CS_WIDE, { "UTF-16BE" } },
	{ "UTF-32", CS_WIDE, { "UTF-32" } },
	{ "UTF-32LE", CS_WIDE, { "UTF-32LE" } },
	{ "UTF-32BE", CS_WIDE, { "UTF-32BE" } },
};

static int
isalnum_ascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static void
squash(const char *label, char *out, size_t size)
{
	size_t n = 0;

	for (; *label && n + 1 < size; label++) {
		unsigned char c = (unsigned char)*label;

		if (c >= 'A' && c <= 'Z')
			out[n++] = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[n++] = (char)c;
	}
	out[n] = '\0';
}

const char *
charset_canonical(const char *label)
{
	char sq[64];
	size_t i;

	if (!label)
		return NULL;
	squash(label, sq, sizeof(sq));
	if (!sq[0])
		return NULL;
	for (i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(sq, aliases[i].squashed))
			return aliases[i].canon;
	/* "iso-8859-2" spelt "iso_8859-2:1987" and such. */
	if (starts_with(sq, "iso8859") && strlen(sq) > 7) {
		for (i = 0; i < ARRAY_SIZE(aliases); i++) {
			const char *a = aliases[i].squashed;
			size_t n = strlen(a);

			if (starts_with(a, "iso8859") && !strncmp(sq, a, n) &&
			    strlen(sq) >= n + 4 && sq[n] == '1' &&
			    sq[n + 1] == '9')
				return aliases[i].canon;
		}
	}
	return NULL;
}

static const struct cs_info *
info_of(const char *canon)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(infos); i++)
		if (!strcmp(infos[i].canon, canon))
			return &infos[i];
	return NULL;
}

static enum cs_kind
kind_of(const char *canon)
{
	const struct cs_info *ci = info_of(canon);

	return ci ? ci->kind : CS_SINGLE;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;	/* overlong */
		if (c == 0xed && s[1] >= 0xa0)
			return 0;	/* surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Word-at-a-time scanning: the length of the run at s[0..n) of bytes
 * below 0x80 (and, with nonul, not NUL), 8 bytes per step.  Text is
 * mostly ASCII: the per-byte loops below skip it here.
 */
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static size_t
ascii_run(const unsigned char *s, size_t n, int nonul)
{
	size_t i = 0;
	uint64_t v, w;

	/* 16 bytes a step while both words pass, then 8 */
	while (i + 16 <= n) {
		memcpy(&v, s + i, 8);
		memcpy(&w, s + i + 8, 8);
		if ((v | w) & HIGHS)
			break;
		if (nonul && ((((v - ONES) & ~v) | ((w - ONES) & ~w)) &
		    HIGHS))
			break;
		i += 16;
	}
	while (i + 8 <= n) {
		memcpy(&v, s + i, 8);
		if (v & HIGHS)
			break;
		if (nonul && ((v - ONES) & ~v & HIGHS))
			break;
		i += 8;
	}
	while (i < n && s[i] < 0x80 && (!nonul || s[i]))
		i++;
	return i;
}

int
charset_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (p[i] < 0x80) {
			i += ascii_run(p + i, n - i, 0);
			continue;
		}
		k = utf8_seq(p + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

/*
 * Appends valid UTF-8 p[0..n) to out, or as much as fits cut on a
 * character boundary.  Returns 0 or -1 (cut).
 */
static int
add_utf8_capped(struct buf *out, const char *p, size_t n)
{
	size_t room;

	if (!buf_add(out, p, n))
		return 0;
	room = out->max - out->len;
	if (room > n)
		room = n;
	while (room > 0 && ((unsigned char)p[room] & 0xc0) == 0x80)
		room--;
	buf_add(out, p, room);
	out->overflow = 1;
	return -1;
}

static const char replacement[] = "\xef\xbf\xbd";

long
charset_utf8_sanitize(const char *s, size_t n, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0, k;
	long repl = 0;

	while (i < n) {
		if (p[i] && p[i] < 0x80) {
			i += ascii_run(p + i, n - i, 1);
			continue;
		}
		k = p[i] ? utf8_seq(p + i, n - i) : 0;
		if (k) {
			i += k;
			continue;
		}
		if (add_utf8_capped(out, s + start, i - start))
			return -1;
		if (p[i]) {
			if (add_utf8_capped(out, replacement, 3))
				return -1;
			repl++;
			/* A truncated sequence is one U+FFFD (WHATWG). */
			k = p[i] >= 0xc2 && p[i] <= 0xdf ? 1 : p[i] >= 0xe0 &&
			    p[i] <= 0xef ? 2 : p[i] >= 0xf0 && p[i] <= 0xf4 ?
			    3 : 0;
			while (k-- && i + 1 < n && (p[i + 1] & 0xc0) == 0x80)
				i++;
		}
		i++;
		start = i;
	}
	if (add_utf8_capped(out, s + start, i - start))
		return -1;
	return repl;
}

/* A small cache of open iconv descriptors to UTF-8. */
struct cd_slot {
	char name[32];
	iconv_t cd;
};
static struct cd_slot cd_cache[16];
static size_t cd_next;

static iconv_t
cd_get(const char *name)
{
	size_t i;
	iconv_t cd;
	struct cd_slot *s;

	for (i = 0; i < ARRAY_SIZE(cd_cache); i++) {
		if (cd_cache[i].name[0] && !strcmp(cd_cache[i].name, name)) {
			iconv(cd_cache[i].cd, NULL, NULL, NULL, NULL);
			return cd_cache[i].cd;
		}
	}
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return cd;
	s = &cd_cache[cd_next];
	cd_next = (cd_next + 1) % ARRAY_SIZE(cd_cache);
	if (s->name[0])
		iconv_close(s->cd);
	xstrlcpy(s->name, name, sizeof(s->name));
	s->cd = cd;
	return cd;
}

/* Removes NUL bytes from out->data[from..len). */
static void
strip_nul(struct buf *out, size_t from)
{
	size_t i, j;

	if (!memchr(out->data + from, '\0', out->len - from))
		return;
	for (i = j = from; i < out->len; i++)
		if (out->data[i])
			out->data[j++] = out->data[i];
	buf_setlen(out, j);
}

/*
 * WINDOWS-1252 (what latin1 and us-ascii labels are read as) without
 * iconv: glibc's converter costs some 40 instructions a byte, a table
 * five.  Bytes 0xa0-0xff are U+00A0-U+00FF; 0x80-0x9f are below, as
 * glibc maps them, 0 for the five it has no character for (the caller
 * leaves a text with one of those to iconv).
 */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* Whether in[0..len) has a byte WINDOWS-1252 does not define. */
UNITTEST int
charset_cp1252_holes(const unsigned char *in, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		i += ascii_run(in + i, len - i, 0);
		if (i < len && in[i] < 0xa0 && !cp1252_high[in[i] - 0x80])
			return 1;
	}
	return 0;
}

/*
 * As convert() with iconv's WINDOWS-1252, for a text without holes:
 * the same chunks of whole characters into out (so a cap cuts at the
 * same byte), NUL bytes dropped.  Returns 0 or -1 (out's cap hit).
 */
UNITTEST int
charset_from_cp1252(const unsigned char *in, size_t len, struct buf *out)
{
	char tmp[4096];
	size_t i, k = 0, n, start = out->len;
	unsigned c;
	int rc = 0;

	for (i = 0; i < len; i++) {
		if (k > sizeof(tmp) - 3) {
			if (add_utf8_capped(out, tmp, k)) {
				rc = -1;
				break;
			}
			k = 0;
		}
		c = in[i];
		if (c < 0x80) {
			/* A run of ASCII at once, as far as tmp has room. */
			n = ascii_run(in + i, MIN(len - i, sizeof(tmp) - 2 - k),
			    0);
			memcpy(tmp + k, in + i, n);
			k += n;
			i += n - 1;
			continue;
		}
		if (c < 0xa0)
			c = cp1252_high[c - 0x80];
		if (c < 0x800) {
			tmp[k++] = (char)(0xc0 | c >> 6);
		} else {
			tmp[k++] = (char)(0xe0 | c >> 12);
			tmp[k++] = (char)(0x80 | (c >> 6 & 0x3f));
		}
		tmp[k++] = (char)(0x80 | (c & 0x3f));
	}
	if (!rc && k && add_utf8_capped(out, tmp, k))
		rc = -1;
	strip_nul(out, start);
	return rc;
}

/*
 * Converts with iconv name.  Strict: returns 1 (out unchanged) at the first
 * byte that is invalid in it.  Lossy: invalid bytes become U+FFFD, counted
 * in *repl.  Returns 0, 1, -1 (out's cap hit), or 2 (iconv does not know
 * the name).
 */
static int
convert(const char *name, const char *in, size_t len, struct buf *out,
    int lossy, long *repl)
{
	iconv_t cd;
	char tmp[4096];
	char *ip = (char *)in, *op;
	size_t il = len, ol, r;
	size_t start = out->len;
	int rc = 0, done = 0;

	if (!strcmp(name, "WINDOWS-1252") &&
	    !charset_cp1252_holes((const unsigned char *)in, len))
		return charset_from_cp1252((const unsigned char *)in, len,
		    out);
	cd = cd_get(name);
	if (cd == (iconv_t)-1)
		return 2;
	while (!done) {
		op = tmp;
		ol = sizeof(tmp);
		if (il)
			r = iconv(cd, &ip, &il, &op, &ol);
		else {
			r = iconv(cd, NULL, NULL, &op, &ol);
			done = 1;
		}
		if (op > tmp && add_utf8_capped(out, tmp, (size_t)(op - tmp))) {
			rc = -1;
			break;
		}
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (!lossy) {
			buf_setlen(out, start);
			return 1;
		}
		if (repl)
			(*repl)++;
		if (add_utf8_capped(out, replacement, 3)) {
			rc = -1;
			break;
		}
		if (errno == EINVAL) {	/* incomplete sequence at the end */
			ip += il;
			il = 0;
		} else if (il) {
			ip++;
			il--;
		}
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	strip_nul(out, start);
	return rc;
}

/* Tries each iconv name of canon; returns the one that worked or NULL. */
static const char *
convert_canon(const char *canon, const char *in, size_t len, struct buf *out,
    int lossy, long *repl, int *capped)
{
	const struct cs_info *ci = info_of(canon);
	const char *one[2] = { canon, NULL };
	const char *const *try = ci ? ci->try : one;
	size_t i;
	long r;
	int rc;

	/* iconv's UTF-8 reader lets 5-byte forms and more through. */
	if (!strcmp(canon, "UTF-8")) {
		if (!lossy && !charset_utf8_valid(in, len))
			return NULL;
		r = charset_utf8_sanitize(in, len, out);
		if (r < 0)
			*capped = 1;
		else if (repl)
			*repl += r;
		return "UTF-8";
	}

	for (i = 0; i < 3 && try[i]; i++) {
		rc = convert(try[i], in, len, out, lossy, repl);
		if (rc == 0 || rc == -1) {
			if (rc == -1)
				*capped = 1;
			return try[i];
		}
	}
	return NULL;
}

static uchardet_t detector;

const char *
charset_detect(const char *s, size_t n)
{
	const char *name;

	if (!detector)
		detector = uchardet_new();
	uchardet_reset(detector);
	if (n > 256 * 1024)
		n = 256 * 1024;
	if (uchardet_handle_data(detector, s, n) != 0)
		return NULL;
	uchardet_data_end(detector);
	name = uchardet_get_charset(detector);
	if (!name || !*name || !strcasecmp(name, "ASCII"))
		return NULL;
	return charset_canonical(name);
}

/* A label iconv knows though we do not: as safe name or NULL. */
static const char *
raw_label(const char *label, char *out, size_t size)
{
	size_t n = 0;
	iconv_t cd;

	if (!label)
		return NULL;
	while (*label == ' ' || *label == '"' || *label == '\'')
		label++;
	for (; *label && *label != '"' && *label != '\'' && *label != ' ';
	    label++) {
		unsigned char c = (unsigned char)*label;

		if (n + 1 >= size || !(isalnum_ascii(c) || c == '-' ||
		    c == '_' || c == '.' || c == ':'))
			return NULL;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	if (!n)
		return NULL;
	cd = iconv_open("UTF-8", out);
	if (cd == (iconv_t)-1)
		return NULL;
	iconv_close(cd);
	return out;
}

/*
 * Mostly UTF-8: some valid multi-byte sequences and no more invalid bytes
 * than them (a UTF-8 text with a few broken bytes, not Latin-1 or GBK
 * labelled UTF-8).
 */
static int
mostly_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, good = 0, bad = 0;

	while (i < n) {
		if (p[i] < 0x80) {
			i += ascii_run(p + i, n - i, 0);
			continue;
		}
		k = utf8_seq(p + i, n - i);
		if (k) {
			good++;
			i += k;
		} else {
			/* A broken sequence counts once. */
			bad++;
			i++;
			while (i < n && (p[i] & 0xc0) == 0x80)
				i++;
		}
	}
	return good > 0 && bad <= good;
}

/*
 * Most 8-bit bytes come in runs of two or more, as in CJK double-byte
 * text (Latin accents mostly stand alone between ASCII letters).
 */
static int
high_pairs(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, high = 0, paired = 0;

	for (i = 0; i < n; i++) {
		if (p[i] < 0x80)
			continue;
		high++;
		if ((i > 0 && p[i - 1] >= 0x80) ||
		    (i + 1 < n && p[i + 1] >= 0x80))
			paired++;
	}
	return high >= 4 && paired * 10 >= high * 8;
}

static int
all_ascii(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	uint64_t v, esc;

	while (i + 8 <= n) {
		memcpy(&v, u + i, 8);
		esc = v ^ (ONES * 0x1b);
		if ((v & HIGHS) || ((esc - ONES) & ~esc & HIGHS))
			return 0;
		i += 8;
	}
	for (; i < n; i++)
		if (u[i] >= 0x80 || u[i] == 0x1b)
			return 0;
	return 1;
}

/* UTF-16 without a BOM: the side the NUL bytes of ASCII fall on. */
static const char *
utf16_order(const char *s, size_t n)
{
	size_t i, even = 0, odd = 0;

	for (i = 0; i < n && i < 4096; i++)
		if (!s[i]) {
			if (i % 2)
				odd++;
			else
				even++;
		}
	return odd > even ? "UTF-16LE" : "UTF-16BE";
}

static char *
lower_dup(const char *s)
{
	return str_lower(xstrdup(s));
}

unsigned
charset_to_utf8(const char *label, const char *in, size_t len,
    struct buf *out, char **used)
{
	char rawbuf[48];
	const char *declared, *det, *name = NULL;
	const unsigned char *u = (const unsigned char *)in;
	unsigned how = 0;
	long repl = 0;
	int capped = 0, unknown, valid = 0;
	enum cs_kind kind;
	size_t start = out->len;

	declared = charset_canonical(label);
	if (!declared)
		declared = raw_label(label, rawbuf, sizeof(rawbuf));
	unknown = !declared && !str_blank(label);
	if (unknown)
		how |= CHARSET_GUESSED;	/* a label we cannot read */

	/* A byte-order mark is more reliable than any label. */
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		in += 3;
		len -= 3;
		declared = "UTF-8";
	} else if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff))) {
		declared = u[0] == 0xff ? "UTF-16LE" : "UTF-16BE";
		in += 2;
		len -= 2;
		name = convert_canon(declared, in, len, out, 1, &repl,
		    &capped);
		goto out;
	}
	kind = declared ? kind_of(declared) : CS_SINGLE;
	if (declared && !strcmp(declared, "UTF-16"))
		declared = utf16_order(in, len);

	if (kind != CS_WIDE && kind != CS_7BIT && all_ascii(in, len)) {
		/* ASCII is UTF-8: a copy, without NUL bytes if any */
		if (!memchr(in, '\0', len))
			capped = add_utf8_capped(out, in, len) < 0;
		else
			capped = charset_utf8_sanitize(in, len, out) < 0;
		name = "US-ASCII";	/* whatever the label, it reads so */
		valid = 1;
		goto out;
	}
	if (declared && kind == CS_UTF8 && mostly_utf8(in, len)) {
		long r = charset_utf8_sanitize(in, len, out);

		if (r < 0)
			capped = 1;
		else
			repl += r;
		name = "UTF-8";
		valid = 1;
		goto out;
	}
	if (declared && (kind == CS_SINGLE || kind == CS_LATIN ||
	    kind == CS_MULTI) && charset_utf8_valid(in, len)) {
		/* UTF-8 under a legacy label: the label is wrong. */
		how |= CHARSET_GUESSED;
		if (charset_utf8_sanitize(in, len, out) < 0)
			capped = 1;
		name = "UTF-8";
		valid = 1;
		goto out;
	}
	if (declared && kind == CS_LATIN && high_pairs(in, len)) {
		/* GBK or Big5 bytes labelled iso-8859-1 or us-ascii. */
		det = charset_detect(in, len);
		if (det && kind_of(det) == CS_MULTI) {
			name = convert_canon(det, in, len, out, 0, &repl,
			    &capped);
			if (name) {
				how |= CHARSET_GUESSED;
				goto out;
			}
		}
	}
	if (declared && kind != CS_UTF8) {
		name = convert_canon(declared, in, len, out, 0, &repl,
		    &capped);
		if (name)
			goto out;
	}
	if (!declared && !memchr(in, 0x1b, len) &&
	    charset_utf8_valid(in, len)) {
		how |= CHARSET_GUESSED;
		if (charset_utf8_sanitize(in, len, out) < 0)
			capped = 1;
		name = "UTF-8";
		valid = 1;
		goto out;
	}

	/* The label is missing or wrong: ask the bytes. */
	how |= CHARSET_GUESSED;
	det = charset_detect(in, len);
	if (det && (!declared || strcmp(det, declared))) {
		name = convert_canon(det, in, len, out, 0, &repl, &capped);
		if (name)
			goto out;
	}
	/* Nothing fits: the declared charset, else windows-1252, lossy. */
	if (declared && strcmp(declared, "UTF-8")) {
		/* Read as declared, with losses: not a guess. */
		how = unknown ? CHARSET_GUESSED : 0;
		name = convert_canon(declared, in, len, out, 1, &repl,
		    &capped);
	} else if (det) {
		name = convert_canon(det, in, len, out, 1, &repl, &capped);
	}
	if (!name) {
		if (declared && !strcmp(declared, "UTF-8")) {
			/* Mostly UTF-8 with a few broken bytes. */
			long r = charset_utf8_sanitize(in, len, out);

			if (r < 0)
				capped = 1;
			else
				repl += r;
			name = "UTF-8";
		} else {
			how |= CHARSET_GUESSED;
			name = convert_canon("WINDOWS-1252", in, len, out, 1,
			    &repl, &capped);
		}
	}
out:
	if (!name) {	/* iconv refused every name: keep what is UTF-8 */
		long r = charset_utf8_sanitize(in, len, out);

		if (r < 0)
			capped = 1;
		else
			repl += r;
		name = "UTF-8";
	}
	/*
	 * Whatever iconv did, the promise is valid UTF-8 (what the
	 * sanitizer wrote, or ASCII, is so already).
	 */
	if (!valid && !charset_utf8_valid(out->data + start,
	    out->len - start)) {
		struct buf tmp = BUF_INIT(out->max);
		long r = charset_utf8_sanitize(out->data + start,
		    out->len - start, &tmp);

		buf_setlen(out, start);
		buf_add(out, tmp.data, tmp.len);
		buf_release(&tmp);
		repl += r > 0 ? r : 1;
	}
	if (repl)
		how |= CHARSET_LOSSY;
	if (capped)
		how |= CHARSET_TRUNCATED;
	if (used)
		*used = lower_dup(name);
	return how;
}
