/*
 * err.h - an error with a kind that says whether to retry (isync's
 * FAIL_TEMP / FAIL_FINAL, OpenSMTPD's tempfail).
 *
 * ERR_TEMP: the condition may pass (a server dropped, the disk is full,
 * the database is busy).  The message stays where it is and is tried on
 * the next poll.  ERR_PERM: retrying cannot help (the message is too big,
 * malformed beyond repair); the message is quarantined with err.msg as its
 * reason and the daemon goes on.  ERR_CONFIG: an admin must fix a file;
 * commands exit 2.
 *
 * Messages follow git's style: lowercase, the failure first, the subject
 * in quotes: "cannot open 'x.db': Permission denied".
 */
#ifndef INQUIRYD_ERR_H
#define INQUIRYD_ERR_H

#include "util.h"

enum err_kind {
	ERR_NONE = 0,
	ERR_TEMP,
	ERR_PERM,
	ERR_CONFIG,
};

struct err {
	enum err_kind kind;
	char msg[1024];
};

#define ERR_INIT { ERR_NONE, "" }

/* Sets the error (the first one set wins until err_clear); returns -1. */
int err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
	ATTR_PRINTF(3, 4);
/* As err_set, with ": strerror(errno)" appended. */
int err_set_errno(struct err *e, enum err_kind kind, const char *fmt, ...)
	ATTR_PRINTF(3, 4);
/* Prefixes the message: "what: old message". */
void err_prefix(struct err *e, const char *fmt, ...) ATTR_PRINTF(2, 3);
void err_clear(struct err *e);
const char *err_kind_name(enum err_kind kind);

#endif
