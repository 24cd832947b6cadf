/*
 * outbox.h - drafts into the rep's IMAP Drafts folder, exactly once.
 *
 * A draft is committed to the store (its drafts row, its .eml under
 * drafts_dir) in the transaction of the message it answers; putting it in
 * the Drafts folder is a second step, which a crash or a dropped
 * connection may cut at any point.  So delivery is idempotent:
 *
 *   1. APPEND only when no message in the Drafts folder carries the
 *      draft's Message-ID (imap_append_once: UID SEARCH HEADER first);
 *   2. then record it (store_draft_delivered).
 *
 * A crash before 1 leaves the draft undelivered in the store and the next
 * outbox_flush() appends it; a crash between 1 and 2 finds it in the
 * folder and only records it.  Nothing is lost, nothing is doubled.
 *
 * Drafts are appended with \Draft and \Seen (a draft is not unread mail),
 * with CRLF line ends whatever the file has.  Each call leaves the Drafts
 * folder open (read-only): reopen the mailbox being worked on afterwards.
 */
#ifndef INQUIRYD_OUTBOX_H
#define INQUIRYD_OUTBOX_H

#include "util.h"

struct err;
struct imap;
struct store;

/* The biggest draft file we append (the reply and its XLSX quote). */
#define OUTBOX_MAX_DRAFT	((size_t)64 << 20)

struct outbox_stats {
	long appended;		/* APPENDed now */
	long found;		/* already in the folder: recorded only */
	long failed;		/* refused or unreadable: tried again next time */
};

/*
 * Delivers one draft of inquiry_id: the file at path, whose Message-ID
 * (without <>) is message_id, into folder, then records the delivery and
 * a "delivered" event (detail: the folder) in one transaction.  *found
 * (may be NULL) is set when the folder already had it.  Returns 0, or -1
 * with e: ERR_TEMP (the connection or the database; try again later),
 * ERR_PERM (the file is missing or unreadable, the server refused the
 * APPEND).
 */
int outbox_deliver(struct imap *im, struct store *st, const char *folder,
    int64_t inquiry_id, const char *message_id, const char *path,
    int *found, struct err *e);

/*
 * outbox_deliver for a draft the caller has just made sure folder does not
 * hold (imap_header_any over a batch of drafts): APPENDs without searching
 * first.  Same returns; *found is always 0.
 */
int outbox_deliver_new(struct imap *im, struct store *st, const char *folder,
    int64_t inquiry_id, const char *message_id, const char *path,
    struct err *e);

/*
 * Delivers every draft of account still waiting in the store
 * (store_undelivered_drafts), oldest first, into folder.  A draft that
 * fails permanently is logged, counted in s->failed and left for the next
 * flush; the others go on.  Returns 0, or -1 with e on the first
 * temporary failure (the rest wait for the next flush).  s may be NULL.
 */
int outbox_flush(struct imap *im, struct store *st, const char *account,
    const char *folder, struct outbox_stats *s, struct err *e);

#ifdef INQUIRYD_UNITTEST
/* The file's bytes with every line ending in CRLF (malloc'd, *out_len). */
char *outbox_crlf(const char *p, size_t len, size_t *out_len);
#endif

#endif
