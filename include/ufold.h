/*
 * ufold.h - small UTF-8 helpers: decoding that never fails, case folding
 * and upper-casing for the scripts our customers write in (Latin with its
 * accents, Greek, Cyrillic, Armenian, full-width Latin), word characters,
 * and repair of invalid UTF-8.
 *
 * This is not a full Unicode implementation: letters outside the tables
 * are left as they are, which is right for scripts without case (Chinese,
 * Japanese, Arabic, Thai...).  Nothing here allocates except the
 * functions that return a malloc'd string.
 */
#ifndef INQUIRYD_UFOLD_H
#define INQUIRYD_UFOLD_H

#include "util.h"

#define UFOLD_REPLACEMENT 0xFFFDu

/*
 * Decodes one code point from s (len > 0 bytes available) into *cp and
 * returns the bytes used (1..4).  An invalid or truncated sequence, an
 * overlong form, a surrogate or a value above U+10FFFF gives
 * UFOLD_REPLACEMENT and consumes one byte, so a loop always advances.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* The same, returning the code point; *n gets the bytes used. */
uint32_t utf8_next(const char *s, size_t len, size_t *n);
/*
 * The code point that ends just before s + i, and its start in *at; 0 and
 * *at = 0 when i is 0.  A broken sequence reads as one byte.
 */
uint32_t utf8_prev(const char *s, size_t i, size_t *at);
/* Encodes cp (<= U+10FFFF) into out (4 bytes); returns the bytes used. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* True when the len bytes at s are valid UTF-8. */
int utf8_valid(const char *s, size_t len);
/*
 * A malloc'd copy of len bytes at s with every invalid sequence replaced
 * by U+FFFD and NUL bytes dropped.
 */
char *utf8_repair(const char *s, size_t len);
/* Number of code points in the NUL-terminated s (invalid bytes count 1). */
size_t utf8_length(const char *s);
/*
 * The byte length of the longest prefix of s (NUL-terminated) that has at
 * most max_cp code points and at most max_bytes bytes, cut on a code
 * point boundary.
 */
size_t utf8_prefix(const char *s, size_t max_cp, size_t max_bytes);

/* Simple (one to one) case mappings; other code points map to themselves. */
uint32_t ufold_lower_cp(uint32_t cp);
uint32_t ufold_upper_cp(uint32_t cp);
/* malloc'd lower-cased / upper-cased copies of s ("ß" upper-cases to "SS"). */
char *ufold_lower(const char *s);
char *ufold_upper(const char *s);
/*
 * A letter or digit for word splitting: ASCII letters and digits, and any
 * code point from U+00C0 up that is not punctuation, a symbol, a space or
 * an emoji in the common blocks.
 */
int ufold_is_word(uint32_t cp);
/* A Han, kana or Hangul character: scripts written without spaces. */
int ufold_is_cjk(uint32_t cp);

#endif
