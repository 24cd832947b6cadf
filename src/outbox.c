/*
 * outbox.c - drafts into the Drafts folder, idempotent by Message-ID.
 */
#include <errno.h>

#include "buf.h"
#include "err.h"
#include "imap.h"
#include "log.h"
#include "outbox.h"
#include "store.h"

UNITTEST char *
outbox_crlf(const char *p, size_t len, size_t *out_len)
{
	size_t i, extra = 0, o = 0;
	char *out;

	for (i = 0; i < len; i++)
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			extra++;
	out = xmalloc(len + extra + 1);
	for (i = 0; i < len; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = p[i];
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* outbox_deliver, with or without the search for the Message-ID. */
static int
outbox_put(struct imap *im, struct store *st, const char *folder,
    int64_t inquiry_id, const char *message_id, const char *path,
    int search, int *found, struct err *e)
{
	struct buf b = BUF_INIT(OUTBOX_MAX_DRAFT);
	char *data = NULL;
	size_t len = 0;
	uint32_t uid = 0;
	int64_t now = (int64_t)time(NULL);
	int was_there = 0, rc = -1;

	if (found)
		*found = 0;
	if (buf_read_file(&b, path)) {
		if (errno == EFBIG || errno == ENOMEM)
			err_set(e, ERR_PERM, "draft '%s' is over %zu MiB",
			    path, OUTBOX_MAX_DRAFT >> 20);
		else
			err_set_errno(e, ERR_PERM, "cannot read draft '%s'",
			    path);
		goto out;
	}
	data = outbox_crlf(b.data, b.len, &len);
	if (search ? imap_append_once(im, folder, message_id, data, len,
	    IMAP_FLAG_DRAFT | IMAP_FLAG_SEEN, &uid, &was_there, e) :
	    imap_append(im, folder, data, len, IMAP_FLAG_DRAFT |
	    IMAP_FLAG_SEEN, 0, &uid, e))
		goto out;
	/* The record and the event commit together. */
	if (store_begin(st, e))
		goto out;
	if (store_draft_delivered(st, message_id, folder, now, e) ||
	    (inquiry_id > 0 && store_add_event(st, inquiry_id, "delivered",
	    imap_account(im), folder, now, e)) || store_commit(st, e)) {
		store_rollback(st);
		goto out;
	}
	if (found)
		*found = was_there;
	log_debug("account '%s': draft <%s> %s '%s'%s", imap_account(im),
	    log_esc(message_id), was_there ? "was already in" :
	    "appended to", log_esc(folder), uid ? "" : " (no UIDPLUS)");
	rc = 0;
out:
	buf_release(&b);
	free(data);
	return rc;
}

int
outbox_deliver(struct imap *im, struct store *st, const char *folder,
    int64_t inquiry_id, const char *message_id, const char *path,
    int *found, struct err *e)
{
	return outbox_put(im, st, folder, inquiry_id, message_id, path, 1,
	    found, e);
}

int
outbox_deliver_new(struct imap *im, struct store *st, const char *folder,
    int64_t inquiry_id, const char *message_id, const char *path,
    struct err *e)
{
	return outbox_put(im, st, folder, inquiry_id, message_id, path, 0,
	    NULL, e);
}

/* Drafts waiting, collected before any of them is delivered (delivery
 * writes to the store, which the walk must not see). */
struct outbox_list {
	struct strlist ids;
	struct strlist paths;
	int64_t *inq;
	size_t n, alloc;
};

static int
outbox_collect(const struct store_outbox_draft *d, void *arg)
{
	struct outbox_list *l = arg;

	strlist_push(&l->ids, d->message_id);
	strlist_push(&l->paths, d->path);
	GROW(l->inq, l->n + 1, l->alloc);
	l->inq[l->n++] = d->inquiry_id;
	return 0;
}

int
outbox_flush(struct imap *im, struct store *st, const char *account,
    const char *folder, struct outbox_stats *s, struct err *e)
{
	struct outbox_list l = { STRLIST_INIT, STRLIST_INIT, NULL, 0, 0 };
	struct outbox_stats dummy;
	size_t i;
	int rc = -1;

	if (!s)
		s = &dummy;
	memset(s, 0, sizeof(*s));
	if (store_undelivered_drafts(st, account, outbox_collect, &l, e))
		goto out;
	for (i = 0; i < l.ids.n; i++) {
		struct err de = ERR_INIT;
		int found = 0;

		if (outbox_deliver(im, st, folder, l.inq[i], l.ids.v[i],
		    l.paths.v[i], &found, &de) == 0) {
			if (found)
				s->found++;
			else
				s->appended++;
			continue;
		}
		if (de.kind == ERR_TEMP) {
			err_set(e, ERR_TEMP, "%s", de.msg);
			goto out;
		}
		s->failed++;
		log_warnx("account '%s': draft <%s> not delivered to '%s' "
		    "(tried again at the next poll): %s", account,
		    log_esc(l.ids.v[i]), log_esc(folder), de.msg);
	}
	if (s->appended || s->found)
		log_info("account '%s': outbox: %ld draft%s appended to '%s', "
		    "%ld found there already", account, s->appended,
		    s->appended == 1 ? "" : "s", log_esc(folder), s->found);
	rc = 0;
out:
	strlist_release(&l.ids);
	strlist_release(&l.paths);
	free(l.inq);
	return rc;
}
