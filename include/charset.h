/*
 * charset.h - bytes in any charset to UTF-8 (the only user of iconv and
 * uchardet).
 *
 * Mail lies about its charset: labels are missing, wrong (UTF-8 bytes
 * labelled iso-8859-1, GBK labelled nothing) or name a smaller charset than
 * the one the sender's software really used (GB2312 for GBK text, Big5 for
 * HKSCS, Shift_JIS for CP932, EUC-KR for CP949).  So a label is read as
 * the superset the world writes (charset_canonical) and then checked
 * against the bytes: bytes that are invalid in it are handed to uchardet,
 * and when nothing fits the text is still converted, with U+FFFD for what
 * cannot be read.  Conversion never fails because of the input.
 */
#ifndef INQUIRYD_CHARSET_H
#define INQUIRYD_CHARSET_H

#include "buf.h"

/* What charset_to_utf8() had to do, as a bit set. */
enum charset_how {
	CHARSET_GUESSED = 1 << 0,	/* the label was missing or wrong */
	CHARSET_LOSSY = 1 << 1,		/* some bytes became U+FFFD */
	CHARSET_TRUNCATED = 1 << 2,	/* out's cap stopped the output */
};

/*
 * The iconv name inquiryd decodes a label with: the superset for labels
 * that name a subset ("gb2312", "gbk" -> "GB18030"; "big5" ->
 * "BIG5-HKSCS"; "shift_jis" -> "CP932"; "euc-kr" -> "CP949"; "iso-8859-1",
 * "us-ascii" -> "WINDOWS-1252"...), the label itself uppercased when iconv
 * knows it, NULL for NULL, blank or unknown labels.  Quotes and blanks
 * around the label are ignored.  Returns a static string.
 */
const char *charset_canonical(const char *label);

/* True when s[0..n) is valid UTF-8 (no overlong forms, no surrogates). */
int charset_utf8_valid(const char *s, size_t n);

/*
 * Appends s[0..n) to out as valid UTF-8: invalid sequences become U+FFFD,
 * NUL bytes are dropped.  Returns the number of replacements, or -1 when
 * out's cap was reached (what fitted was appended, cut on a character
 * boundary).
 */
long charset_utf8_sanitize(const char *s, size_t n, struct buf *out);

/*
 * Asks uchardet what s[0..n) is (at most the first 256 KiB are looked at).
 * Returns the canonical iconv name (as charset_canonical) or NULL when it
 * cannot tell.  "ASCII" is reported as NULL: it says nothing.
 */
const char *charset_detect(const char *s, size_t n);

/*
 * Converts in[0..len) from the charset named by label (a MIME or HTML
 * label, or NULL when none was declared) and appends UTF-8 to out.
 *
 * The order: a byte-order mark wins over the label; then the label is
 * validated (bytes invalid in it, or UTF-8 bytes under a single-byte
 * Latin label, or CJK bytes under iso-8859-1/us-ascii, mean it is wrong);
 * a missing or wrong label is replaced by what the bytes are: UTF-8 when
 * they are valid UTF-8, else uchardet's answer when the bytes are valid in
 * it; else the declared charset (or windows-1252 without one) with U+FFFD
 * for bytes it cannot read.  The output is valid UTF-8 without NUL bytes.
 *
 * *used (if used is not NULL) gets the lowercase name of the charset the
 * text was decoded with ("gb18030", "utf-8"), owned by the caller.
 * Returns a set of enum charset_how bits (0: the label was right and every
 * byte was read).  Never fails; on out's cap the output stops at a
 * character boundary with CHARSET_TRUNCATED.
 *
 * The enrichment fetcher decodes web pages with it: pass the charset of
 * the HTTP Content-Type, else the one html_sniff_charset() finds in the
 * page, else NULL.
 */
unsigned charset_to_utf8(const char *label, const char *in, size_t len,
    struct buf *out, char **used);

#ifdef INQUIRYD_UNITTEST
/* Whether in[0..len) has one of the five bytes WINDOWS-1252 lacks. */
int charset_cp1252_holes(const unsigned char *in, size_t len);
/* WINDOWS-1252 to UTF-8 without iconv, as iconv would: 0, or -1 cut. */
int charset_from_cp1252(const unsigned char *in, size_t len,
    struct buf *out);
#endif

#endif
