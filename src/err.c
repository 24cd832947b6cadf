/*
 * err.c - errors with a retry kind.
 */
#include <errno.h>

#include "err.h"

int
err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->kind != ERR_NONE)
		return -1;
	e->kind = kind;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
err_set_errno(struct err *e, enum err_kind kind, const char *fmt, ...)
{
	int saved = errno;
	size_t n;
	va_list ap;

	if (!e || e->kind != ERR_NONE)
		return -1;
	e->kind = kind;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(saved));
	errno = saved;
	return -1;
}

void
err_prefix(struct err *e, const char *fmt, ...)
{
	char pre[512];
	size_t n, m;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	n = strlen(pre);
	if (n + 2 >= sizeof(e->msg))
		return;
	/* Shift the old message right, dropping what no longer fits. */
	m = strlen(e->msg);
	if (m > sizeof(e->msg) - n - 3)
		m = sizeof(e->msg) - n - 3;
	memmove(e->msg + n + 2, e->msg, m);
	e->msg[n + 2 + m] = '\0';
	memcpy(e->msg, pre, n);
	e->msg[n] = ':';
	e->msg[n + 1] = ' ';
}

void
err_clear(struct err *e)
{
	e->kind = ERR_NONE;
	e->msg[0] = '\0';
}

const char *
err_kind_name(enum err_kind kind)
{
	switch (kind) {
	case ERR_NONE: return "none";
	case ERR_TEMP: return "temporary";
	case ERR_PERM: return "permanent";
	case ERR_CONFIG: return "config";
	}
	return "unknown";
}
