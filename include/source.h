/*
 * source.h - raw messages from files: .eml files, Maildir folders, mbox
 * files, and directories of them, behind one small table of functions
 * (isync's struct driver) so that import and IMAP feed the same pipeline.
 *
 * A source yields one message at a time and owns its bytes until the next
 * call.  Messages larger than the source's cap are not loaded: they come
 * with too_big set and their size, so the pipeline can record and
 * quarantine them.
 */
#ifndef INQUIRYD_SOURCE_H
#define INQUIRYD_SOURCE_H

#include <stdint.h>

#include "buf.h"

struct err;

/* Where a message came from. */
struct msg_origin {
	const char *account;	/* NULL for import */
	const char *mailbox;	/* IMAP folder, or NULL */
	uint32_t uidvalidity;
	uint32_t uid;		/* 0 when not from IMAP */
	const char *source;	/* "imap", or the file path for import */
	int outgoing;		/* from a Sent folder */
};


struct source_msg {
	const char *raw;	/* borrowed from the source; NULL if too_big */
	size_t len;
	size_t size;		/* the message's real size */
	int too_big;
	struct msg_origin origin;
	int64_t internal_date;	/* file mtime, INTERNALDATE; 0 if unknown */
	const char *where;	/* borrowed: "file.mbox:123", for messages */
};

struct source;

struct source_ops {
	const char *name;	/* "eml", "maildir", "mbox", "dir" */
	/* 1 and *m filled, 0 at the end, -1 with e (the source goes on
	 * with the next message on the following call when it can). */
	int (*next)(struct source *src, struct source_msg *m, struct err *e);
	void (*close)(struct source *src);
};

struct source {
	const struct source_ops *ops;
	char *path;		/* owned */
	size_t max_size;	/* cap on one message */
	struct buf msg;		/* the message in hand */
	char *where;		/* owned by the source, for source_msg.where */
	void *priv;		/* the kind's own state */
	/* borrowed: folders a directory walk leaves out (resolved paths,
	 * NULL-terminated), or NULL; see source_skip() */
	char *const *skip;
};

/*
 * Opens path as the kind of source it is: a directory with cur/ and new/
 * is a Maildir; another directory is walked for *.eml and *.mbox files,
 * Maildirs and files that start like an mbox (sorted by name); a file that starts with "From " is an mbox;
 * anything else is one message.  Returns NULL with e when path cannot be
 * read.
 */
struct source *source_open(const char *path, size_t max_size,
    struct err *e);
/*
 * Folders that a directory walk of src leaves out, such as inquiryd's own
 * drafts and quotes folders inside a folder being imported: dirs holds
 * their paths as realpath() gives them, NULL-terminated (borrowed: it
 * must outlive src).  A dir that is named as src itself is still read.
 */
void source_skip(struct source *src, char *const *dirs);
/* The next message; see source_ops.next. */
int source_next(struct source *src, struct source_msg *m, struct err *e);
void source_close(struct source *src);
/*
 * Counts the messages a path holds (for progress), -1 when unknown; the
 * folders in skip (as for source_skip, or NULL) are left out as the walk
 * leaves them out.
 */
long source_count(const char *path, char *const *skip);

#endif
