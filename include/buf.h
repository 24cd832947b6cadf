/*
 * buf.h - a growable byte buffer with a mandatory cap (curl's dynbuf,
 * git's strbuf).
 *
 * b->data is never NULL and always NUL-terminated, so a buffer of text can
 * be passed to string functions at any time.  Every append is checked
 * against b->max: an append that would pass it appends nothing, sets
 * b->overflow and returns -1, so a hostile input cannot grow a buffer
 * without bound.  Out of memory below the cap ends the process (util.h).
 */
#ifndef INQUIRYD_BUF_H
#define INQUIRYD_BUF_H

#include "util.h"

struct buf {
	char *data;		/* owned unless it is buf_empty */
	size_t len;		/* bytes used, not counting the NUL */
	size_t alloc;		/* bytes allocated, 0 while data is buf_empty */
	size_t max;		/* cap on len */
	int overflow;		/* an append was refused */
};

extern char buf_empty[1];

/* Common caps. */
#define BUF_CAP_LINE	(64 * 1024)
#define BUF_CAP_TEXT	(16 * 1024 * 1024)
#define BUF_CAP_HUGE	((size_t)1 << 30)

#define BUF_INIT(cap) { buf_empty, 0, 0, (cap), 0 }
void buf_init(struct buf *b, size_t max);
/* Frees the contents; the buffer is left initialised with the same cap. */
void buf_release(struct buf *b);
/* Forgets the contents but keeps the allocation. */
void buf_reset(struct buf *b);
/*
 * Returns the data (NUL-terminated, owned by the caller, never NULL) and
 * leaves the buffer empty.  *len, if given, gets the length.
 */
char *buf_detach(struct buf *b, size_t *len);

/* Appends; 0, or -1 when the cap would be passed (nothing appended). */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_addch(struct buf *b, int c);
/* Appends s[0..n) with "%XX" escapes decoded (URLs, RFC 2231 values). */
int buf_add_pct(struct buf *b, const char *s, size_t n);
int buf_addf(struct buf *b, const char *fmt, ...) ATTR_PRINTF(2, 3);
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) ATTR_PRINTF(2, 0);
/*
 * Allocates room for n more bytes now (as many as the cap leaves), so
 * that appends of a size known in advance do not grow the buffer step
 * by step.  Changes neither the contents nor the overflow flag.
 */
void buf_reserve(struct buf *b, size_t n);
/*
 * Room to write up to n bytes in place after the contents: a pointer to
 * it, or NULL (nothing changed, overflow set) when n passes the cap.
 * What is written there counts once buf_added() says how much.
 */
char *buf_space(struct buf *b, size_t n);
/* Counts k more bytes written at buf_space() (k <= the n asked there). */
void buf_added(struct buf *b, size_t k);
/* Shortens to n bytes (n <= len). */
void buf_setlen(struct buf *b, size_t n);
/* Removes trailing ASCII white space. */
void buf_rtrim(struct buf *b);
/*
 * Reads a whole file into b (appending).  Returns 0, or -1 with errno
 * (EFBIG when the file is larger than the room under the cap).
 */
int buf_read_file(struct buf *b, const char *path);
/* Reads all of fd into b; same returns as buf_read_file. */
int buf_read_fd(struct buf *b, int fd);

#endif
