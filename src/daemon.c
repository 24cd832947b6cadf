/*
 * daemon.c - the poller: passes over IMAP accounts, once or on the event
 * loop, with IDLE, backoff, reload and the database lock.
 *
 * How, in short:
 *  - A pass (acct_pass) is synchronous: every network step is bounded by
 *    the account's timeout, and the fetch callback (pass_on_msg) runs the
 *    pipeline on each message as it is handed over, so one message is in
 *    memory at a time beyond imap.c's fetch group.
 *  - The fetch callback may not talk to the session (imap.h), so the
 *    drafts made during a batch and the UIDs to flag or move are collected
 *    and dealt with right after the batch (pass_after_batch).
 *  - Signals: our handlers set a flag and write a byte to a pipe that the
 *    loop watches.  The flag is what lets a long fetch, which runs outside
 *    the loop, stop after the message in hand; evloop_signal's pipe alone
 *    would only be read when the loop runs again.
 *  - The IMAP sessions borrow their conf_account from the pipeline's
 *    config.  A reload replaces that config, so after a successful reload
 *    every session is closed (imap_close does not read the settings) and
 *    the accounts start again from the new sections.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include "buf.h"
#include "daemon.h"
#include "digest.h"
#include "err.h"
#include "evloop.h"
#include "imap.h"
#include "log.h"
#include "outbox.h"
#include "pipeline.h"
#include "progress.h"
#include "store.h"

/* The first retry after a failure, and the longest waits. */
#define BACKOFF_BASE_MS		2000
#define BACKOFF_TEMP_MAX_MS	(5u * 60 * 1000)
#define BACKOFF_PERM_MAX_MS	(30u * 60 * 1000)
/* A pass with more new messages than this logs each one at debug level
 * only (a first poll of a big mailbox), with progress lines instead. */
#define PASS_VERBOSE_MAX	100

static volatile sig_atomic_t daemon_stop_sig;
static volatile sig_atomic_t daemon_hup_sig;
static volatile sig_atomic_t daemon_wake_wr = -1;

struct pass_stats {
	long seen;
	long by_outcome[OUT_FAILED + 1];
	long by_class[CLASS_COUNT];
	long unfetchable;	/* quarantined: the server would not send it */
	long drafts;		/* appended to the Drafts folder */
};

enum pass_kind {
	PASS_FULL,		/* outbox, inbox, Sent */
	PASS_INBOX,		/* outbox, inbox (IDLE news, keep-alive) */
	PASS_OUTBOX,		/* outbox only */
};

struct daemon;

struct acct {
	struct daemon *d;
	char *name;		/* owned */
	struct imap *im;	/* owned; NULL when not connected */
	char *drafts;		/* owned: the Drafts folder, NULL if none */
	char *sent;		/* owned: the Sent folder, NULL if none */
	int folders_known;
	int idle_missing;	/* the server refused IDLE: interval only */
	int idle_fd;		/* watched during IDLE, else -1 */
	int idle_logged;	/* "idling" said since the connect */
	uint64_t t_poll;	/* timers, 0 when none */
	uint64_t t_keep;
	uint64_t t_retry;
	unsigned failures;	/* consecutive failed passes */
	int more;		/* the pass stopped at its time slice */
	int kicked;		/* another account made a draft for us */
	int failed;		/* poll --once: this account failed */
	uint64_t slice_end;	/* now_ms() to yield at, 0 for none */
	struct pass_stats stats;
};

struct daemon {
	struct pipeline *p;
	const struct daemon_opts *o;
	struct evloop *ev;	/* NULL with o->once */
	struct acct **a;
	size_t n;
	int wake[2];
	int stopping;		/* "stopping" logged, the loop told */
	/* Where the time goes, in microseconds (poll --stats). */
	uint64_t us_fetch;	/* imap_fetch, less the pipeline's share */
	uint64_t us_pipeline;	/* pipeline_process and quarantines */
	uint64_t us_after;	/* flags, moves and draft APPENDs */
	uint64_t us_total;	/* the passes */
	uint64_t t_digest;	/* the digest check, every minute */
};

static uint64_t
daemon_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

/* One mailbox being worked through. */
struct pass {
	struct acct *a;
	const struct conf_account *ca;
	const char *mbox;
	uint32_t uidvalidity;
	int outgoing;
	int64_t old_before;	/* INTERNALDATE before this: only recorded */
	int verbose;		/* log each inquiry at info level */
	uint32_t last_uid;	/* the last UID settled */
	struct imap_uids got;	/* UIDs handed over in this batch */
	int again;		/* fetching again what a batch skipped */
	struct imap_uids settled;	/* to flag or move after the batch */
	struct strlist draft_ids;	/* drafts to APPEND after the batch */
	struct strlist draft_paths;
	int64_t *draft_inq;
	size_t ndraft_inq, adraft_inq;
	int stopped;		/* the pipeline failed temporarily */
	struct err stop;
	int reopen;		/* the mailbox must be opened again */
	struct progress pg;
	int pg_started;
	char what[256];
	long done;
};

/* ------------------------------------------------------------------ */
/* Small things. */

UNITTEST uint64_t
daemon_backoff_ms(unsigned failures, int permanent, unsigned rnd)
{
	uint64_t cap = permanent ? BACKOFF_PERM_MAX_MS : BACKOFF_TEMP_MAX_MS;
	uint64_t d = BACKOFF_BASE_MS;
	unsigned i;

	for (i = 1; i < failures && d < cap; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	/* Jitter, 80% to 120%: accounts on one server that failed together
	 * do not all come back in the same second. */
	return d * (80 + rnd % 41) / 100;
}

static const char *
outcome_word(enum pipeline_outcome o)
{
	return pipeline_outcome_name(o);
}

static struct acct *
daemon_find(struct daemon *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->a[i]->name, name))
			return d->a[i];
	return NULL;
}

static void acct_kick(struct acct *a);

/* SIGTERM or SIGINT arrived: the loop ends after what is in hand. */
static void
daemon_stop(struct daemon *d)
{
	if (!d->stopping)
		log_info("signal %d: stopping", (int)daemon_stop_sig);
	d->stopping = 1;
	if (d->ev)
		evloop_stop(d->ev);
}

/* ------------------------------------------------------------------ */
/* One message. */

/* Where a message is, for the events and the logs. */
static char *
pass_where(const struct pass *x, uint32_t uid)
{
	return xasprintf("%s:%s;UIDVALIDITY=%u;UID=%u", x->a->name, x->mbox,
	    x->uidvalidity, uid);
}

/*
 * Quarantines a message the pipeline could not take (the server would not
 * send it, or a permanent failure the pipeline did not settle): a failed
 * message row and a failed inquiry row, as the pipeline's own quarantine
 * makes them, with the cursor, in one transaction.
 */
static int
pass_quarantine(struct pass *x, uint32_t uid, size_t size, int64_t idate,
    const char *raw, size_t len, const char *reason, struct err *e)
{
	struct store *st = x->a->d->p->st;
	struct store_msg sm;
	struct store_inquiry q;
	int64_t msg_id, inq_id, dup, now = (int64_t)time(NULL);
	char *where = pass_where(x, uid);
	int rc = -1;

	memset(&sm, 0, sizeof(sm));
	sm.o.account = x->a->name;
	sm.o.mailbox = x->mbox;
	sm.o.uidvalidity = x->uidvalidity;
	sm.o.uid = uid;
	sm.o.source = "imap";
	sm.o.outgoing = x->outgoing;
	if (store_begin(st, e))
		goto out;
	dup = store_find_uid(st, &sm.o, e);
	if (dup < 0)
		goto fail;
	if (dup == 0) {
		sm.received_at = idate ? idate : now;
		sm.size = size;
		sm.status = "failed";
		sm.reason = reason;
		sm.raw = raw;
		sm.raw_len = raw ? len : 0;
		if (store_put_message(st, &sm, &msg_id, e))
			goto fail;
		memset(&q, 0, sizeof(q));
		q.msg_id = msg_id;
		q.account = x->a->name;
		q.cls = "";
		q.status = ST_FAILED;
		q.received_at = sm.received_at;
		if (store_put_inquiry(st, &q, &inq_id, e) ||
		    store_add_event(st, inq_id, "failed", where, reason,
		    sm.received_at, e))
			goto fail;
	}
	/* A message found missing after its batch lies before the cursor,
	 * which must not go back. */
	if (store_cursor_set(st, x->a->name, x->mbox, x->uidvalidity,
	    MAX(uid, x->last_uid), e) ||
	    store_commit(st, e))
		goto fail;
	log_warnx("account '%s': %s: quarantined: %s", x->a->name,
	    log_esc(where), reason);
	rc = 0;
	goto out;
fail:
	store_rollback(st);
out:
	free(where);
	return rc;
}

static void
pass_log(struct pass *x, uint32_t uid, const struct pipeline_result *r)
{
	const char *who = r->sender ? log_esc(r->sender) : "-";
	const char *subj = r->subject ? log_esc(r->subject) : "(no subject)";

	switch (r->outcome) {
	case OUT_INQUIRY:
		(x->verbose ? log_info : log_debug)("account '%s': %s UID %u: "
		    "inquiry #%lld (%s) from %s: %s%s", x->a->name,
		    log_esc(x->mbox), uid, (long long)r->inquiry_id,
		    class_name(r->cls), who, subj, r->draft_path ?
		    ", drafted" : "");
		break;
	case OUT_FOLLOWUP:
		(x->verbose ? log_info : log_debug)("account '%s': %s UID %u: "
		    "%s of inquiry #%lld: %s", x->a->name, log_esc(x->mbox),
		    uid, x->outgoing ? "our reply" : "follow-up",
		    (long long)r->inquiry_id, subj);
		break;
	case OUT_FAILED:
		log_warnx("account '%s': %s UID %u: quarantined (inquiry #%lld):"
		    " %s", x->a->name, log_esc(x->mbox), uid,
		    (long long)r->inquiry_id, log_esc(r->reason));
		break;
	default:
		log_debug("account '%s': %s UID %u: %s%s%s", x->a->name,
		    log_esc(x->mbox), uid, outcome_word(r->outcome),
		    r->reason ? ": " : "", r->reason ? log_esc(r->reason) : "");
		break;
	}
}

/* A draft the pipeline made: ours to APPEND after the batch, or another
 * account's (the same buyer goes to the same rep). */
static void
pass_draft(struct pass *x, const struct pipeline_result *r)
{
	struct acct *other;

	if (!r->draft_message_id || !r->draft_path)
		return;
	if (r->account && strcmp(r->account, x->a->name)) {
		other = daemon_find(x->a->d, r->account);
		if (other)
			acct_kick(other);
		return;
	}
	if (!x->ca->append_drafts)
		return;
	strlist_push(&x->draft_ids, r->draft_message_id);
	strlist_push(&x->draft_paths, r->draft_path);
	GROW(x->draft_inq, x->ndraft_inq + 1, x->adraft_inq);
	x->draft_inq[x->ndraft_inq++] = r->inquiry_id;
}

/* imap_fetch's callback: one message through the pipeline. */
static int
pass_on_msg(const struct imap_msg *m, void *arg)
{
	struct pass *x = arg;
	struct acct *a = x->a;
	struct pass_stats *st = &a->stats;
	struct source_msg sm;
	struct process_opts po;
	struct pipeline_result r;
	struct err e = ERR_INIT;
	uint64_t t0 = daemon_us();
	char *where;
	int rc;

	if (m->uid <= x->last_uid && !x->again)
		return 0;
	imap_uids_push(&x->got, m->uid);
	where = pass_where(x, m->uid);
	memset(&sm, 0, sizeof(sm));
	sm.too_big = m->too_big;
	sm.raw = m->too_big ? NULL : m->data;
	sm.len = m->too_big ? 0 : m->len;
	sm.size = m->size ? m->size : m->len;
	sm.origin.account = a->name;
	sm.origin.mailbox = x->mbox;
	sm.origin.uidvalidity = x->uidvalidity;
	sm.origin.uid = m->uid;
	sm.origin.source = "imap";
	sm.origin.outgoing = x->outgoing;
	sm.internal_date = m->internaldate;
	sm.where = where;
	po.account = a->name;
	/* Backfill by INTERNALDATE (the server's clock, not the sender's
	 * Date): older mail is only recorded. */
	po.backfill_before = x->old_before && m->internaldate &&
	    m->internaldate < x->old_before ? INT64_MAX : 0;
	po.retry_failed = 0;
	rc = pipeline_process(a->d->p, &sm, &po, &r, &e);
	if (rc && e.kind == ERR_TEMP) {
		/* Nothing committed, the cursor stays before this message. */
		err_set(&x->stop, ERR_TEMP, "account '%s': %s: not stored, "
		    "tried again at the next poll: %s", a->name, log_esc(where),
		    e.msg);
		x->stopped = 1;
		free(where);
		a->d->us_pipeline += daemon_us() - t0;
		return 1;
	}
	if (rc) {
		struct err qe = ERR_INIT;

		if (pass_quarantine(x, m->uid, sm.size, m->internaldate,
		    sm.raw, sm.len, e.msg, &qe)) {
			err_set(&x->stop, ERR_TEMP, "account '%s': %s: not "
			    "stored, tried again at the next poll: %s",
			    a->name, log_esc(where), qe.msg);
			x->stopped = 1;
			free(where);
			a->d->us_pipeline += daemon_us() - t0;
			return 1;
		}
		st->by_outcome[OUT_FAILED]++;
	} else {
		st->by_outcome[r.outcome]++;
		if (r.outcome == OUT_INQUIRY || r.outcome == OUT_RECORDED)
			st->by_class[r.cls]++;
		pass_log(x, m->uid, &r);
		pass_draft(x, &r);
		if (r.outcome != OUT_FAILED)
			imap_uids_push(&x->settled, m->uid);
		pipeline_result_release(&r);
	}
	st->seen++;
	x->last_uid = MAX(x->last_uid, m->uid);
	progress_update(&x->pg, ++x->done);
	free(where);
	a->d->us_pipeline += daemon_us() - t0;
	/* SIGTERM: the message in hand is done; stop here. */
	return daemon_stop_sig ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* A batch of UIDs. */

/* 1 when uid is in the ascending list u. */
static int
uids_has(const struct imap_uids *u, uint32_t uid)
{
	size_t lo = 0, hi = u->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (u->v[mid] == uid)
			return 1;
		if (u->v[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * After a batch the server answered without an error: a UID of the batch
 * that was not handed over was expunged meanwhile, or the server left its
 * body out.  Those that still exist are fetched again one at a time, and
 * quarantined when they still do not come: never skipped in silence.
 */
static int
pass_missing(struct pass *x, const uint32_t *uids, size_t n, struct err *e)
{
	struct imap *im = x->a->im;
	struct imap_uids miss = IMAP_UIDS_INIT, exist = IMAP_UIDS_INIT;
	struct imap_query q;
	size_t i;
	int rc = -1;

	for (i = 0; i < n; i++)
		if (!uids_has(&x->got, uids[i]))
			imap_uids_push(&miss, uids[i]);
	if (!miss.n || x->stopped || daemon_stop_sig) {
		rc = 0;
		goto out;
	}
	memset(&q, 0, sizeof(q));
	q.uid_min = miss.v[0];
	q.uid_max = miss.v[miss.n - 1];
	if (imap_search(im, &q, &exist, e))
		goto out;
	for (i = 0; i < exist.n && !x->stopped; i++) {
		struct err fe = ERR_INIT;
		uint32_t uid = exist.v[i];
		size_t before = x->got.n;
		char *why;
		int r;

		if (!uids_has(&miss, uid))
			continue;
		log_warnx("account '%s': %s UID %u: not in the server's "
		    "answer; fetching it again", x->a->name, log_esc(x->mbox),
		    uid);
		x->again = 1;
		r = imap_fetch(im, &uid, 1, pass_on_msg, x, &fe);
		x->again = 0;
		if (r < 0 && (fe.kind != ERR_PERM || !imap_alive(im))) {
			err_set(e, fe.kind, "%s", fe.msg);
			goto out;
		}
		if (r >= 0 && x->got.n > before)
			continue;
		if (r >= 0 && x->stopped)
			break;
		why = r < 0 ? xasprintf("the server would not send it: %s",
		    fe.msg) : xstrdup("the server sent no body for it");
		r = pass_quarantine(x, uid, 0, 0, NULL, 0, why, e);
		free(why);
		if (r)
			goto out;
		x->a->stats.by_outcome[OUT_FAILED]++;
		x->a->stats.unfetchable++;
		x->a->stats.seen++;
	}
	rc = 0;
out:
	imap_uids_release(&miss);
	imap_uids_release(&exist);
	return rc;
}

/*
 * Fetches and processes a batch.  When the server refuses the batch, the
 * messages not yet settled are fetched one by one, so that only the ones
 * it will not send are set aside.  Returns 0, 1 when stopped (a signal,
 * or x->stopped), -1 with e.
 */
static int
pass_batch(struct pass *x, const uint32_t *uids, size_t n, struct err *e)
{
	struct daemon *d = x->a->d;
	struct imap *im = x->a->im;
	uint64_t t0 = daemon_us(), p0 = d->us_pipeline;
	size_t i;
	int rc;

	x->got.n = 0;
	rc = imap_fetch(im, uids, n, pass_on_msg, x, e);
	d->us_fetch += daemon_us() - t0 - (d->us_pipeline - p0);
	if (rc == 0 && pass_missing(x, uids, n, e))
		return -1;
	if (rc >= 0 || x->stopped)
		return rc < 0 || x->stopped ? 1 : rc;
	if (e->kind != ERR_PERM || !imap_alive(im))
		return -1;
	log_warnx("%s; fetching the batch one message at a time", e->msg);
	err_clear(e);
	for (i = 0; i < n && !x->stopped && !daemon_stop_sig; i++) {
		struct err fe = ERR_INIT;
		char *why;

		if (uids[i] <= x->last_uid)
			continue;
		if (imap_fetch(im, &uids[i], 1, pass_on_msg, x, &fe) >= 0)
			continue;
		if (fe.kind != ERR_PERM || !imap_alive(im)) {
			err_set(e, fe.kind, "%s", fe.msg);
			return -1;
		}
		why = xasprintf("the server would not send it: %s", fe.msg);
		rc = pass_quarantine(x, uids[i], 0, 0, NULL, 0, why, e);
		free(why);
		if (rc)
			return -1;
		x->a->stats.by_outcome[OUT_FAILED]++;
		x->a->stats.unfetchable++;
		x->a->stats.seen++;
		x->last_uid = MAX(x->last_uid, uids[i]);
	}
	return x->stopped || daemon_stop_sig ? 1 : 0;
}

/*
 * After a batch: flag_processed and move_processed on the messages it
 * settled, then the drafts it made into the Drafts folder.  A server that
 * refuses the flag or the move is logged and the pass goes on (the
 * messages are stored; the flag is a convenience); a broken connection
 * fails the pass.
 */
static int
pass_after_batch(struct pass *x, struct err *e)
{
	struct acct *a = x->a;
	const struct conf_account *ca = x->ca;
	struct err fe = ERR_INIT;
	uint64_t t0 = daemon_us();
	size_t i;
	int rc = -1, known = 0;

	if (x->settled.n && ca->flag_processed &&
	    imap_store_keyword(a->im, x->settled.v, x->settled.n,
	    ca->flag_processed, &fe)) {
		if (fe.kind == ERR_TEMP)
			goto fail;
		log_warnx("%s", fe.msg);
		err_clear(&fe);
	}
	if (x->settled.n && ca->move_processed &&
	    imap_move(a->im, x->settled.v, x->settled.n, ca->move_processed,
	    &fe)) {
		if (fe.kind == ERR_TEMP)
			goto fail;
		log_warnx("%s", fe.msg);
		err_clear(&fe);
	}
	x->settled.n = 0;
	if (x->draft_ids.n && !a->drafts) {
		/* They stay undelivered in the store. */
		strlist_release(&x->draft_ids);
		strlist_release(&x->draft_paths);
	}
	/* One search of the Drafts folder for the whole batch; only when
	 * one of them is there already (a crash between the APPEND and its
	 * record) is each searched for on its own. */
	if (x->draft_ids.n) {
		x->reopen = 1;
		for (i = 0; i < x->draft_ids.n && *x->draft_ids.v[i]; i++)
			;
		if (i == x->draft_ids.n && imap_header_any(a->im, a->drafts,
		    "Message-ID", x->draft_ids.v, x->draft_ids.n, &known,
		    &fe)) {
			if (fe.kind == ERR_TEMP)
				goto fail;
			err_clear(&fe);
			known = 1;
		} else if (i < x->draft_ids.n)
			known = 1;
	}
	for (i = 0; i < x->draft_ids.n; i++) {
		int found = 0;

		x->reopen = 1;
		if (known ? outbox_deliver(a->im, a->d->p->st, a->drafts,
		    x->draft_inq[i], x->draft_ids.v[i], x->draft_paths.v[i],
		    &found, &fe) : outbox_deliver_new(a->im, a->d->p->st,
		    a->drafts, x->draft_inq[i], x->draft_ids.v[i],
		    x->draft_paths.v[i], &fe)) {
			if (fe.kind == ERR_TEMP)
				goto fail;
			log_warnx("account '%s': draft <%s> not delivered to "
			    "'%s' (tried again at the next poll): %s", a->name,
			    log_esc(x->draft_ids.v[i]), log_esc(a->drafts),
			    fe.msg);
			err_clear(&fe);
			continue;
		}
		if (!found)
			a->stats.drafts++;
	}
	rc = 0;
	goto out;
fail:
	err_set(e, fe.kind, "%s", fe.msg);
out:
	strlist_release(&x->draft_ids);
	strlist_release(&x->draft_paths);
	x->ndraft_inq = 0;
	a->d->us_after += daemon_us() - t0;
	return rc;
}

/* ------------------------------------------------------------------ */
/* A mailbox. */

static int
pass_mailbox(struct acct *a, const struct conf_account *ca, const char *mbox,
    int outgoing, struct err *e)
{
	struct daemon *d = a->d;
	struct store *st = d->p->st;
	struct imap_mailbox mb;
	struct imap_query q;
	struct imap_uids uids = IMAP_UIDS_INIT;
	struct pass x;
	uint32_t cv = 0, last = 0;
	size_t i, j, n, batch;
	int writable = !outgoing && (ca->flag_processed || ca->move_processed);
	int rc = -1, r;

	memset(&x, 0, sizeof(x));
	x.a = a;
	x.ca = ca;
	x.mbox = mbox;
	x.outgoing = outgoing;
	strlist_init(&x.draft_ids);
	strlist_init(&x.draft_paths);
	if (ca->backfill_days > 0)
		x.old_before = (int64_t)time(NULL) - ca->backfill_days * 86400;
	if (imap_open_mailbox(a->im, mbox, writable, &mb, e) ||
	    store_cursor_get(st, a->name, mbox, &cv, &last, e))
		goto out;
	x.uidvalidity = mb.uidvalidity;
	if (cv && cv != mb.uidvalidity) {
		log_warnx("account '%s': '%s' has a new UIDVALIDITY (%u, was "
		    "%u): rescanning it from UID 1; messages already stored "
		    "are recognised by Message-ID and body hash", a->name,
		    log_esc(mbox), mb.uidvalidity, cv);
		last = 0;
		if (store_cursor_set(st, a->name, mbox, mb.uidvalidity, 0, e))
			goto out;
	}
	/* A mailbox seen for the first time gets its cursor at once, so that
	 * an empty one is not "first" at every pass. */
	if (!cv && store_cursor_set(st, a->name, mbox, mb.uidvalidity, 0, e))
		goto out;
	memset(&q, 0, sizeof(q));
	q.uid_min = last + 1;
	if (imap_search(a->im, &q, &uids, e))
		goto out;
	/* "UID n:*" always matches the last message: drop what we have. */
	for (i = j = 0; i < uids.n; i++)
		if (uids.v[i] > last)
			uids.v[j++] = uids.v[i];
	uids.n = j;
	x.last_uid = last;
	if (!cv && !outgoing)
		log_info("account '%s': first poll of '%s': %zu message%s%s",
		    a->name, log_esc(mbox), uids.n, uids.n == 1 ? "" : "s",
		    ca->backfill_days > 0 && uids.n ? "; mail that arrived "
		    "more than backfill_days ago is only recorded, without a "
		    "draft" : "");
	if (!uids.n) {
		rc = 0;
		goto out;
	}
	x.verbose = uids.n <= PASS_VERBOSE_MAX;
	snprintf(x.what, sizeof(x.what), "account '%s': %s", a->name,
	    log_esc(mbox));
	progress_start(&x.pg, x.what, (long)uids.n, d->o->quiet);
	if (d->o->log_progress)
		x.pg.tty = 0;
	x.pg_started = 1;
	batch = ca->fetch_batch > 0 ? (size_t)ca->fetch_batch : 100;
	for (i = 0; i < uids.n; i += n) {
		n = MIN(batch, uids.n - i);
		r = pass_batch(&x, uids.v + i, n, e);
		if (r < 0) {
			/* What was settled stays; the rest waits. */
			if (imap_alive(a->im)) {
				struct err ae = ERR_INIT;

				pass_after_batch(&x, &ae);
			}
			goto out;
		}
		if (pass_after_batch(&x, e))
			goto out;
		if (x.stopped) {
			err_set(e, ERR_TEMP, "%s", x.stop.msg);
			goto out;
		}
		if (daemon_stop_sig || i + n >= uids.n)
			break;
		if (a->slice_end && now_ms() >= a->slice_end) {
			a->more = 1;
			break;
		}
		if (x.reopen) {
			struct imap_mailbox again;

			x.reopen = 0;
			if (imap_open_mailbox(a->im, mbox, writable, &again, e))
				goto out;
			if (again.uidvalidity != x.uidvalidity) {
				log_warnx("account '%s': '%s' changed its "
				    "UIDVALIDITY during the poll; rescanning "
				    "at the next pass", a->name, log_esc(mbox));
				a->more = 1;
				break;
			}
		}
	}
	rc = 0;
out:
	if (x.pg_started)
		progress_end(&x.pg);
	imap_uids_release(&uids);
	imap_uids_release(&x.settled);
	imap_uids_release(&x.got);
	strlist_release(&x.draft_ids);
	strlist_release(&x.draft_paths);
	free(x.draft_inq);
	return rc;
}

/* ------------------------------------------------------------------ */
/* An account. */

static void
acct_disconnect(struct acct *a)
{
	if (a->idle_fd >= 0 && a->d->ev)
		evloop_del_fd(a->d->ev, a->idle_fd);
	a->idle_fd = -1;
	imap_close(a->im);
	a->im = NULL;
	a->folders_known = 0;
	a->idle_logged = 0;
	FREE_AND_NULL(a->drafts);
	FREE_AND_NULL(a->sent);
}

static int
acct_folders(struct acct *a, const struct conf_account *ca, struct err *e)
{
	if (a->folders_known)
		return 0;
	FREE_AND_NULL(a->drafts);
	FREE_AND_NULL(a->sent);
	if (imap_resolve_folders(a->im, ca->append_drafts ? &a->drafts : NULL,
	    ca->track_sent ? &a->sent : NULL, e))
		return -1;
	if (ca->append_drafts && !a->drafts)
		log_warnx("account '%s': no Drafts folder found (no \\Drafts "
		    "special-use folder, none named Drafts): drafts stay under "
		    "drafts_dir; set drafts = NAME in [account %s]", a->name,
		    a->name);
	if (ca->track_sent && !a->sent)
		log_warnx("account '%s': no Sent folder found (no \\Sent "
		    "special-use folder, none named Sent): replies are not "
		    "tracked; set sent = NAME in [account %s]", a->name,
		    a->name);
	a->folders_known = 1;
	return 0;
}

/*
 * One pass over an account (see daemon.h).  Returns 0, or -1 with e
 * naming the account.
 */
static int
acct_pass(struct acct *a, enum pass_kind kind, struct err *e)
{
	struct daemon *d = a->d;
	const struct conf_account *ca = conf_account(&d->p->conf, a->name);
	struct outbox_stats os;
	uint64_t t0 = daemon_us();
	int rc = -1;

	a->more = 0;
	if (!ca) {
		err_set(e, ERR_CONFIG, "account '%s' is not in the "
		    "configuration", a->name);
		goto out;
	}
	if (a->im && !imap_alive(a->im))
		acct_disconnect(a);
	if (a->im && imap_noop(a->im, NULL, e)) {
		log_info("account '%s': the connection was lost (%s); "
		    "connecting again", a->name, e->msg);
		err_clear(e);
		acct_disconnect(a);
	}
	if (!a->im) {
		a->im = imap_connect(ca, e);
		if (!a->im)
			goto out;
		log_debug("account '%s': connected to %s", a->name, ca->host);
	}
	if (acct_folders(a, ca, e))
		goto out;
	if (ca->append_drafts && a->drafts) {
		if (outbox_flush(a->im, d->p->st, a->name, a->drafts, &os, e))
			goto out;
		a->stats.drafts += os.appended;
	}
	a->kicked = 0;
	if (kind == PASS_OUTBOX) {
		rc = 0;
		goto out;
	}
	a->slice_end = d->o->once ? 0 : now_ms() + DAEMON_SLICE_MS;
	if (pass_mailbox(a, ca, ca->inbox, 0, e))
		goto out;
	if (kind == PASS_FULL && !a->more && !daemon_stop_sig &&
	    ca->track_sent && a->sent && strcmp(a->sent, ca->inbox) &&
	    pass_mailbox(a, ca, a->sent, 1, e))
		goto out;
	rc = 0;
out:
	d->us_total += daemon_us() - t0;
	if (rc && !starts_with(e->msg, "account '")) {
		char *msg = xstrdup(e->msg);
		enum err_kind k = e->kind;

		err_clear(e);
		err_set(e, k ? k : ERR_TEMP, "account '%s': %s", a->name, msg);
		free(msg);
	}
	return rc;
}

static void
acct_stats_line(const struct acct *a, struct buf *b)
{
	const struct pass_stats *s = &a->stats;

	buf_addf(b, "account '%s': %ld message%s", a->name, s->seen,
	    s->seen == 1 ? "" : "s");
	if (s->seen)
		buf_addf(b, ": %ld inquir%s (%ld vague, %ld detailed, %ld "
		    "spam), %ld recorded, %ld follow-up%s, %ld duplicate%s, "
		    "%ld ignored, %ld failed", s->by_outcome[OUT_INQUIRY],
		    s->by_outcome[OUT_INQUIRY] == 1 ? "y" : "ies",
		    s->by_class[CLASS_VAGUE], s->by_class[CLASS_DETAILED],
		    s->by_class[CLASS_SPAM], s->by_outcome[OUT_RECORDED],
		    s->by_outcome[OUT_FOLLOWUP],
		    s->by_outcome[OUT_FOLLOWUP] == 1 ? "" : "s",
		    s->by_outcome[OUT_DUPLICATE],
		    s->by_outcome[OUT_DUPLICATE] == 1 ? "" : "s",
		    s->by_outcome[OUT_IGNORED], s->by_outcome[OUT_FAILED]);
	buf_addf(b, "; %ld draft%s appended", s->drafts,
	    s->drafts == 1 ? "" : "s");
}

/* ------------------------------------------------------------------ */
/* The loop. */

static void acct_wake(struct acct *a, enum pass_kind kind);

static void
acct_cancel_timers(struct acct *a)
{
	struct evloop *ev = a->d->ev;

	if (!ev)
		return;
	if (a->t_poll)
		evloop_cancel(ev, a->t_poll);
	if (a->t_keep)
		evloop_cancel(ev, a->t_keep);
	if (a->t_retry)
		evloop_cancel(ev, a->t_retry);
	a->t_poll = a->t_keep = a->t_retry = 0;
}

static void
on_poll_timer(struct evloop *ev, void *arg)
{
	struct acct *a = arg;

	(void)ev;
	a->t_poll = 0;
	acct_wake(a, PASS_FULL);
}

static void
on_retry_timer(struct evloop *ev, void *arg)
{
	struct acct *a = arg;

	(void)ev;
	a->t_retry = 0;
	acct_wake(a, PASS_FULL);
}

/* Every IMAP_IDLE_MAX_SECONDS: IDLE is ended and started again, and the
 * pass in between begins with NOOP: the keep-alive. */
static void
on_keep_timer(struct evloop *ev, void *arg)
{
	struct acct *a = arg;

	(void)ev;
	a->t_keep = 0;
	acct_wake(a, PASS_INBOX);
}

static void
on_idle_fd(struct evloop *ev, int fd, short revents, void *arg)
{
	struct acct *a = arg;

	(void)revents;
	evloop_del_fd(ev, fd);
	a->idle_fd = -1;
	acct_wake(a, PASS_INBOX);
}

static void
on_idle_ready(struct evloop *ev, void *arg)
{
	struct acct *a = arg;

	(void)ev;
	a->t_keep = 0;
	acct_wake(a, PASS_INBOX);
}

static void
acct_fail(struct acct *a, const struct err *e)
{
	struct daemon *d = a->d;
	uint64_t delay;
	int slow = e->kind != ERR_TEMP;

	acct_disconnect(a);
	acct_cancel_timers(a);
	a->failures++;
	delay = daemon_backoff_ms(a->failures, slow, (unsigned)random());
	log_errx("%s; retrying in %llu s (attempt %u)", e->msg,
	    (unsigned long long)((delay + 500) / 1000), a->failures + 1);
	a->t_retry = evloop_timer(d->ev, delay, on_retry_timer, a);
}

/* Between passes: IDLE on the inbox where allowed, else nothing but the
 * poll timer (and a keep-alive NOOP now and then). */
static void
acct_wait(struct acct *a)
{
	struct daemon *d = a->d;
	const struct conf_account *ca = conf_account(&d->p->conf, a->name);
	struct imap_mailbox mb;
	struct err e = ERR_INIT;

	if (a->t_keep)
		evloop_cancel(d->ev, a->t_keep);
	a->t_keep = 0;
	if (!ca || !d->o->idle || !ca->idle || a->idle_missing) {
		/* Keep the connection only when it would not time out on
		 * the server before the next pass. */
		if (ca && ca->poll_interval > IMAP_IDLE_MAX_SECONDS)
			acct_disconnect(a);
		return;
	}
	if (imap_open_mailbox(a->im, ca->inbox, 0, &mb, &e))
		goto fail;
	if (imap_idle_start(a->im, &e)) {
		if (e.kind != ERR_PERM)
			goto fail;
		log_info("account '%s': %s; polling every %ld s instead",
		    a->name, e.msg, ca->poll_interval);
		a->idle_missing = 1;
		return;
	}
	if (imap_idle_ready(a->im)) {
		a->t_keep = evloop_timer(d->ev, 0, on_idle_ready, a);
		return;
	}
	a->idle_fd = imap_fd(a->im);
	evloop_add_fd(d->ev, a->idle_fd, POLLIN, on_idle_fd, a);
	a->t_keep = evloop_timer(d->ev, (uint64_t)IMAP_IDLE_MAX_SECONDS * 1000,
	    on_keep_timer, a);
	(a->idle_logged ? log_debug : log_info)("account '%s': idling on "
	    "'%s' (IDLE)", a->name, log_esc(ca->inbox));
	a->idle_logged = 1;
	return;
fail:
	acct_fail(a, &e);
}

static void
acct_wake(struct acct *a, enum pass_kind kind)
{
	struct daemon *d = a->d;
	const struct conf_account *ca;
	struct err e = ERR_INIT;
	int changed = 0;

	if (daemon_stop_sig) {
		daemon_stop(d);
		return;
	}
	if (a->idle_fd >= 0) {
		evloop_del_fd(d->ev, a->idle_fd);
		a->idle_fd = -1;
	}
	if (a->t_keep) {
		evloop_cancel(d->ev, a->t_keep);
		a->t_keep = 0;
	}
	if (a->im && imap_idling(a->im) &&
	    imap_idle_done(a->im, &changed, &e)) {
		log_info("%s; connecting again", e.msg);
		err_clear(&e);
		acct_disconnect(a);
	}
	if (acct_pass(a, kind, &e)) {
		if (daemon_stop_sig) {
			daemon_stop(d);
			return;
		}
		acct_fail(a, &e);
		return;
	}
	if (a->failures)
		log_info("account '%s': working again after %u failed "
		    "attempt%s", a->name, a->failures,
		    a->failures == 1 ? "" : "s");
	a->failures = 0;
	if (daemon_stop_sig) {
		daemon_stop(d);
		return;
	}
	ca = conf_account(&d->p->conf, a->name);
	if (a->more || kind == PASS_FULL) {
		if (a->t_poll)
			evloop_cancel(d->ev, a->t_poll);
		/* A pass cut at its time slice goes on at once, after the
		 * other accounts had their turn. */
		a->t_poll = evloop_timer(d->ev, a->more ? 0 :
		    (uint64_t)ca->poll_interval * 1000, on_poll_timer, a);
	}
	if (a->more)
		return;
	acct_wait(a);
}

static void
on_kick_timer(struct evloop *ev, void *arg)
{
	struct acct *a = arg;

	(void)ev;
	a->t_keep = 0;
	acct_wake(a, PASS_INBOX);
}

/* Another account's pass made a draft for a: deliver it soon. */
static void
acct_kick(struct acct *a)
{
	struct daemon *d = a->d;

	if (a->kicked)
		return;
	a->kicked = 1;
	if (!d->ev || a->t_retry || !a->im)
		return;		/* once: after the loop; failing: at retry */
	if (a->idle_fd >= 0) {
		evloop_del_fd(d->ev, a->idle_fd);
		a->idle_fd = -1;
	}
	if (a->t_keep)
		evloop_cancel(d->ev, a->t_keep);
	a->t_keep = evloop_timer(d->ev, 0, on_kick_timer, a);
}

static struct acct *
acct_new(struct daemon *d, const char *name)
{
	struct acct *a = xcalloc(1, sizeof(*a));

	a->d = d;
	a->name = xstrdup(name);
	a->idle_fd = -1;
	return a;
}

static void
acct_free(struct acct *a)
{
	if (!a)
		return;
	acct_cancel_timers(a);
	acct_disconnect(a);
	free(a->name);
	free(a);
}

/* After a reload: accounts the new config removed stop, new ones start. */
static void
daemon_sync_accounts(struct daemon *d)
{
	const struct conf *c = &d->p->conf;
	size_t i, j;

	for (i = j = 0; i < d->n; i++) {
		if (conf_account(c, d->a[i]->name)) {
			d->a[j++] = d->a[i];
			continue;
		}
		log_info("account '%s' is gone from the configuration: "
		    "stopped", d->a[i]->name);
		acct_free(d->a[i]);
	}
	d->n = j;
	for (i = 0; i < c->naccounts; i++) {
		if (daemon_find(d, c->accounts[i].name))
			continue;
		log_info("account '%s' is new in the configuration: started",
		    c->accounts[i].name);
		d->a = xrealloc(d->a, (d->n + 1) * sizeof(*d->a));
		d->a[d->n++] = acct_new(d, c->accounts[i].name);
	}
}

static void
daemon_start_all(struct daemon *d)
{
	size_t i;

	/* Staggered a little, so that a dozen accounts on one server do
	 * not all log in in the same millisecond. */
	for (i = 0; i < d->n; i++) {
		struct acct *a = d->a[i];

		acct_cancel_timers(a);
		a->failures = 0;
		a->idle_missing = 0;
		a->t_poll = evloop_timer(d->ev, (uint64_t)i * 200,
		    on_poll_timer, a);
	}
}

/* The daily digest: sent once the [digest] hour has come, once a day
 * (the day is in the store, so a restart does not send it again).  A
 * failure is tried again at the next check. */
#define DAEMON_DIGEST_CHECK_MS	60000

static void
on_digest_timer(struct evloop *ev, void *arg)
{
	struct daemon *d = arg;
	struct err e = ERR_INIT;

	d->t_digest = 0;
	if (d->p->st && digest_daily(d->p->st, &d->p->conf,
	    (int64_t)time(NULL), &e) < 0)
		log_warnx("digest not sent: %s (tried again in a minute)",
		    e.msg);
	if (!d->stopping)
		d->t_digest = evloop_timer(ev, DAEMON_DIGEST_CHECK_MS,
		    on_digest_timer, d);
}

static void
daemon_reload(struct daemon *d)
{
	struct strlist errors = STRLIST_INIT;
	size_t i;

	log_info("SIGHUP: reloading '%s' and the rules, templates and catalog",
	    d->p->conf_path ? d->p->conf_path : "(built-in defaults)");
	if (pipeline_reload(d->p, &errors)) {
		log_errx("reload failed; the configuration, rules, templates "
		    "and catalog in force stay:");
		for (i = 0; i < errors.n; i++)
			log_errx("  %s", errors.v[i]);
		strlist_release(&errors);
		return;
	}
	strlist_release(&errors);
	/* The sessions borrowed the old account sections: start over. */
	for (i = 0; i < d->n; i++) {
		acct_cancel_timers(d->a[i]);
		acct_disconnect(d->a[i]);
	}
	daemon_sync_accounts(d);
	log_info("reloaded: %zu account%s", d->n, d->n == 1 ? "" : "s");
	daemon_start_all(d);
}

static void
on_wake_fd(struct evloop *ev, int fd, short revents, void *arg)
{
	struct daemon *d = arg;
	char b[64];

	(void)revents;
	while (read(fd, b, sizeof(b)) > 0)
		;
	(void)ev;
	if (daemon_stop_sig) {
		daemon_stop(d);
		return;
	}
	if (daemon_hup_sig) {
		daemon_hup_sig = 0;
		daemon_reload(d);
	}
}

static void
daemon_on_signal(int signo)
{
	int saved = errno;

	if (signo == SIGHUP)
		daemon_hup_sig = 1;
	else
		daemon_stop_sig = signo;
	if (daemon_wake_wr >= 0)
		(void)!write(daemon_wake_wr, "", 1);
	errno = saved;
}

static const int daemon_signals[] = { SIGTERM, SIGINT, SIGHUP };

static int
daemon_signals_on(struct daemon *d, struct sigaction *old)
{
	struct sigaction sa;
	size_t i;

	if (pipe2(d->wake, O_CLOEXEC | O_NONBLOCK))
		return -1;
	daemon_stop_sig = 0;
	daemon_hup_sig = 0;
	daemon_wake_wr = d->wake[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = daemon_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < ARRAY_SIZE(daemon_signals); i++)
		sigaction(daemon_signals[i], &sa, &old[i]);
	return 0;
}

static void
daemon_signals_off(struct daemon *d, const struct sigaction *old)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(daemon_signals); i++)
		sigaction(daemon_signals[i], &old[i], NULL);
	daemon_wake_wr = -1;
	close(d->wake[0]);
	close(d->wake[1]);
}

/* poll --stats: where the time of the passes went. */
static void
stats_line(const char *what, double secs, double total)
{
	printf("  %-10s %8.3f s %5.1f%%\n", what, secs,
	    total > 0 ? 100 * secs / total : 0);
}

static void
daemon_print_stats(const struct daemon *d)
{
	static const char *const names[STAGE_COUNT] = {
		"parse", "sig", "classify", "enrich", "quote", "draft",
		"store",
	};
	const struct pipeline *p = d->p;
	double total = d->us_total / 1e6, staged = 0;
	size_t i;

	printf("time: %.3f s in all\n", total);
	stats_line("fetch", d->us_fetch / 1e6, total);
	for (i = 0; i < STAGE_COUNT; i++) {
		staged += p->stage_us[i] / 1e6;
		stats_line(names[i], p->stage_us[i] / 1e6, total);
	}
	stats_line("pipeline*", d->us_pipeline / 1e6 - staged, total);
	stats_line("append", d->us_after / 1e6, total);
	printf("  (pipeline*: the rest of pipeline_process: lookups, "
	    "inserts, the transaction)\n");
}

/* run: the same account of the time, as one log line when stopping. */
static void
daemon_log_stats(const struct daemon *d)
{
	static const char *const names[STAGE_COUNT] = {
		"parse", "sig", "classify", "enrich", "quote", "draft",
		"store",
	};
	struct buf b = BUF_INIT(BUF_CAP_LINE);
	const struct pipeline *p = d->p;
	size_t i;

	buf_addf(&b, "time in passes %.3f s: fetch %.3f", d->us_total / 1e6,
	    d->us_fetch / 1e6);
	for (i = 0; i < STAGE_COUNT; i++)
		buf_addf(&b, ", %s %.3f", names[i], p->stage_us[i] / 1e6);
	buf_addf(&b, ", append %.3f (seconds)", d->us_after / 1e6);
	log_info("%s", b.data);
	buf_release(&b);
}

/* poll --once: each account in turn. */
static int
daemon_once(struct daemon *d)
{
	struct buf line = BUF_INIT(BUF_CAP_LINE);
	size_t i;
	int failed = 0;

	for (i = 0; i < d->n && !daemon_stop_sig; i++) {
		struct err e = ERR_INIT;

		if (acct_pass(d->a[i], PASS_FULL, &e)) {
			log_errx("%s", e.msg);
			d->a[i]->failed = 1;
			failed++;
		}
		if (!d->a[i]->failed)
			acct_disconnect(d->a[i]);
	}
	/* Drafts for accounts whose turn came before the message that made
	 * them (the same buyer goes to the same rep). */
	for (i = 0; i < d->n && !daemon_stop_sig; i++) {
		struct err e = ERR_INIT;

		if (!d->a[i]->kicked || d->a[i]->failed)
			continue;
		if (acct_pass(d->a[i], PASS_OUTBOX, &e)) {
			log_errx("%s", e.msg);
			d->a[i]->failed = 1;
			failed++;
		}
		acct_disconnect(d->a[i]);
	}
	for (i = 0; i < d->n; i++) {
		acct_disconnect(d->a[i]);
		if (d->o->quiet)
			continue;
		buf_reset(&line);
		acct_stats_line(d->a[i], &line);
		printf("%s%s\n", line.data, d->a[i]->failed ? "; FAILED" : "");
	}
	if (d->o->stats)
		daemon_print_stats(d);
	if (daemon_stop_sig)
		log_info("stopped by signal %d; the rest waits for the next "
		    "poll", (int)daemon_stop_sig);
	if (failed) {
		buf_reset(&line);
		for (i = 0; i < d->n; i++)
			if (d->a[i]->failed)
				buf_addf(&line, "%s'%s'", line.len ? ", " : "",
				    d->a[i]->name);
		log_errx("poll failed for account%s %s", failed > 1 ? "s" : "",
		    line.data);
	}
	buf_release(&line);
	fflush(stdout);
	return failed ? 1 : 0;
}

int
daemon_main(struct pipeline *p, const struct daemon_opts *o)
{
	struct daemon d;
	struct sigaction old[ARRAY_SIZE(daemon_signals)];
	const struct conf *c = &p->conf;
	size_t i;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.o = o;
	for (i = 0; i < c->naccounts; i++) {
		if (o->account && strcmp(o->account, c->accounts[i].name))
			continue;
		d.a = xrealloc(d.a, (d.n + 1) * sizeof(*d.a));
		d.a[d.n++] = acct_new(&d, c->accounts[i].name);
	}
	if (!d.n) {
		if (o->account)
			log_errx("no [account %s] in '%s'", o->account,
			    p->conf_path ? p->conf_path : "(defaults)");
		else
			log_errx("no [account NAME] in '%s': nothing to poll "
			    "(see inquiryd.conf.sample)", p->conf_path ?
			    p->conf_path : "(no configuration file)");
		free(d.a);
		return 2;
	}
	srandom((unsigned)(now_ms() ^ (uint64_t)getpid()));
	{
		struct err e = ERR_INIT;

		if (p->st && store_poller_cache(p->st, &e))
			log_warnx("%s", e.msg);
	}
	if (daemon_signals_on(&d, old)) {
		log_warn("cannot set up signals");
		rc = 1;
		goto out;
	}
	if (o->once) {
		rc = daemon_once(&d);
		daemon_signals_off(&d, old);
		goto out;
	}
	d.ev = evloop_new();
	if (!d.ev)
		fatal(1, "cannot set up the event loop");
	evloop_add_fd(d.ev, d.wake[0], POLLIN, on_wake_fd, &d);
	log_info("watching %zu account%s%s", d.n, d.n == 1 ? "" : "s",
	    o->idle ? "" : " (interval polling, no IDLE)");
	daemon_start_all(&d);
	d.t_digest = evloop_timer(d.ev, 1000, on_digest_timer, &d);
	evloop_run(d.ev);
	daemon_log_stats(&d);
	log_info("stopped");
	for (i = 0; i < d.n; i++)
		acct_free(d.a[i]);
	d.n = 0;
	evloop_free(d.ev);
	daemon_signals_off(&d, old);
out:
	for (i = 0; i < d.n; i++)
		acct_free(d.a[i]);
	free(d.a);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The lock. */

int
daemon_lock(const char *database, const char *what, int *fdp, struct err *e)
{
	char *path = xasprintf("%s.lock", database);
	char line[128];
	ssize_t n;
	int fd, rc = -1;

	*fdp = -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		err_set_errno(e, ERR_TEMP, "cannot open lock file '%s'", path);
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK) {
			err_set_errno(e, ERR_TEMP, "cannot lock '%s'", path);
			goto out;
		}
		n = pread(fd, line, sizeof(line) - 1, 0);
		line[n > 0 ? n : 0] = '\0';
		line[strcspn(line, "\n")] = '\0';
		err_set(e, ERR_TEMP, "database '%s' is in use by another "
		    "inquiryd (%s%s, lock '%s'): stop it first, or let it "
		    "finish; one poller per database", database,
		    *line ? "pid and command: " : "pid unknown", log_esc(line),
		    path);
		goto out;
	}
	n = snprintf(line, sizeof(line), "%ld inquiryd %s\n", (long)getpid(),
	    what);
	if (ftruncate(fd, 0) || pwrite(fd, line, (size_t)n, 0) != n)
		log_warn("cannot write the lock file '%s'", path);
	*fdp = fd;
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return rc;
}
