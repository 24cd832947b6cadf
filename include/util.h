/*
 * util.h - allocation that never fails, checked number parsing, string
 * lists and small helpers every module uses.
 *
 * Out of memory ends the process (xmalloc and friends print a message and
 * exit 1): every buffer of untrusted bytes is capped elsewhere (buf.h), so
 * an allocation failure means the machine is out of memory, not that a
 * message is hostile.
 */
#ifndef INQUIRYD_UTIL_H
#define INQUIRYD_UTIL_H

/*
 * The system headers that declare banned functions come first, so that
 * banned.h (included last) only affects calls in our code.  Modules should
 * include their other system headers before util.h too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ATTR_NORETURN __attribute__((noreturn))
#else
#define ATTR_PRINTF(f, a)
#define ATTR_NORETURN
#endif

/*
 * UNITTEST marks a function static in the program and visible to the unit
 * tests (curl's UNITTEST): the test build defines INQUIRYD_UNITTEST.  A
 * module declares such functions in its header under #ifdef
 * INQUIRYD_UNITTEST.
 */
#ifdef INQUIRYD_UNITTEST
#define UNITTEST
#else
#define UNITTEST static
#endif

/* Allocation: never returns NULL; on failure prints and exits 1. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p (of *alloc elements of size sz) to hold at least need elements. */
void *xgrow(void *p, size_t need, size_t *alloc, size_t sz);
#define GROW(arr, need, alloc) \
	((arr) = xgrow((arr), (need), &(alloc), sizeof(*(arr))))
char *xstrdup(const char *s);
/* xstrdup that passes NULL through. */
char *xstrdup_or_null(const char *s);
char *xstrndup(const char *s, size_t n);
/* Copies at most size-1 bytes and NUL-terminates; returns strlen(src). */
size_t xstrlcpy(char *dst, const char *src, size_t size);
char *xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) ATTR_PRINTF(1, 0);
/* Frees *p and sets it to NULL. */
#define FREE_AND_NULL(p) do { free(p); (p) = NULL; } while (0)

/*
 * Checked number parsing: the whole string must be a number in
 * [min, max]; leading and trailing blanks are allowed.  Returns 0 and
 * stores the value, or -1 (errno EINVAL or ERANGE) and leaves *out alone.
 */
int str_to_long(const char *s, long min, long max, long *out);
int str_to_double(const char *s, double *out);
/*
 * Parses a size such as "25M", "512 KiB", "1048576" into bytes.  Suffixes
 * K, M, G (powers of 1024), with optional "iB"/"B".  Returns 0 or -1.
 */
int str_to_size(const char *s, size_t *out);
/*
 * Parses a duration such as "30", "30s", "5m", "24h", "2d" into seconds.
 * A bare number is seconds.  Returns 0 or -1.
 */
int str_to_seconds(const char *s, long *out);
/* "yes/no/true/false/on/off/1/0" -> 1/0; -1 when it is none of them. */
int str_to_bool(const char *s);

/* String helpers. */
int starts_with(const char *s, const char *prefix);
int starts_with_icase(const char *s, const char *prefix);
int ends_with(const char *s, const char *suffix);
/* Trims ASCII blanks at both ends in place; returns s. */
char *str_trim(char *s);
/* Lowercases ASCII letters in place; returns s. */
char *str_lower(char *s);
/* True when s is NULL or only blanks. */
int str_blank(const char *s);
/* The value of hexadecimal digit c (either case), or -1. */
int hex_digit(int c);

/*
 * Copies s into out (size bytes) cut to at most cols terminal columns
 * (East Asian wide characters count two), never splitting a UTF-8
 * sequence; control characters become spaces; pads with spaces to cols
 * when pad is set.  Returns out.
 */
char *utf8_fit(const char *s, size_t cols, int pad, char *out, size_t size);

/* A growable list of owned strings (git's strvec). */
struct strlist {
	char **v;		/* owned; v[n] is NULL when n > 0 */
	size_t n;
	size_t alloc;
};
#define STRLIST_INIT { NULL, 0, 0 }
void strlist_init(struct strlist *l);
/* Appends a copy of s. */
void strlist_push(struct strlist *l, const char *s);
/* Appends s itself; the list takes ownership. */
void strlist_push_owned(struct strlist *l, char *s);
void strlist_pushf(struct strlist *l, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* Index of s (exact, or ASCII case-insensitive with icase), or -1. */
long strlist_find(const struct strlist *l, const char *s, int icase);
void strlist_release(struct strlist *l);

/* Monotonic clock in milliseconds, for budgets and timers. */
uint64_t now_ms(void);

/*
 * Formats t as RFC 3339 UTC ("2026-11-26T19:31:00Z") into out, which must
 * hold 21 bytes; returns out.
 */
char *fmt_time_utc(int64_t t, char out[21]);
/*
 * Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]" or "YYYY-MM-DD HH:MM[:SS]"
 * as UTC into seconds since the epoch.  Returns 0 or -1.
 */
int parse_time_utc(const char *s, int64_t *out);

#include "banned.h"

#endif
