/*
 * buf.c - capped growable byte buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "buf.h"

char buf_empty[1];

void
buf_init(struct buf *b, size_t max)
{
	b->data = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
	b->overflow = 0;
}

void
buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->data);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->alloc)
		b->data[0] = '\0';
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	p = b->alloc ? b->data : xstrdup("");
	buf_init(b, b->max);
	return p;
}

/* Apart from buf_room(), which the adders inline: rarely run. */
static void
buf_grow(struct buf *b, size_t need)
{
	size_t a = b->alloc ? b->alloc : 64;
	char *old = b->alloc ? b->data : NULL;

	while (a < need)
		a = a > SIZE_MAX / 2 ? need : a * 2;
	b->data = xrealloc(old, a);
	if (!old)
		b->data[0] = '\0';
	b->alloc = a;
}

static inline int
buf_room(struct buf *b, size_t n)
{
	if (n > b->max - b->len) {
		b->overflow = 1;
		return -1;
	}
	if (b->len + n + 1 > b->alloc)
		buf_grow(b, b->len + n + 1);
	return 0;
}

void
buf_reserve(struct buf *b, size_t n)
{
	size_t need;
	char *old;

	if (n > b->max - b->len)
		n = b->max - b->len;
	need = b->len + n + 1;
	if (!n || need <= b->alloc)
		return;
	old = b->alloc ? b->data : NULL;
	b->data = xrealloc(old, need);
	if (!old)
		b->data[0] = '\0';
	b->alloc = need;
}

char *
buf_space(struct buf *b, size_t n)
{
	if (buf_room(b, n))
		return NULL;
	return b->data + b->len;
}

void
buf_added(struct buf *b, size_t k)
{
	b->len += k;
	b->data[b->len] = '\0';
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (!n)
		return 0;
	if (buf_room(b, n))
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addch(struct buf *b, int c)
{
	char ch = (char)c;

	return buf_add(b, &ch, 1);
}

int
buf_add_pct(struct buf *b, const char *s, size_t n)
{
	size_t i;
	int h, l;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    (h = hex_digit((unsigned char)s[i + 1])) >= 0 &&
		    (l = hex_digit((unsigned char)s[i + 2])) >= 0) {
			if (buf_addch(b, h << 4 | l))
				return -1;
			i += 2;
		} else if (buf_addch(b, s[i])) {
			return -1;
		}
	}
	return 0;
}

int
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	if (buf_room(b, (size_t)n))
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void
buf_setlen(struct buf *b, size_t n)
{
	if (n > b->len)
		return;
	b->len = n;
	if (b->alloc)
		b->data[n] = '\0';
}

void
buf_rtrim(struct buf *b)
{
	size_t n = b->len;

	while (n && (b->data[n - 1] == ' ' || b->data[n - 1] == '\t' ||
	    b->data[n - 1] == '\r' || b->data[n - 1] == '\n'))
		n--;
	buf_setlen(b, n);
}

int
buf_read_fd(struct buf *b, int fd)
{
	char tmp[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return 0;
		if (buf_add(b, tmp, (size_t)n)) {
			errno = EFBIG;
			return -1;
		}
	}
}

int
buf_read_file(struct buf *b, const char *path)
{
	int fd, rc, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = buf_read_fd(b, fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}
