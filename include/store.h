/*
 * store.h - the SQLite store: messages, contacts, companies, inquiries,
 * drafts, quotes, events, IMAP cursors and the enrichment cache.
 *
 * One database file in WAL mode, schema versioned by PRAGMA user_version
 * with forward-only migrations run at open.  Writers use one transaction
 * per message (store_begin / store_commit): the message, its inquiry, the
 * draft and quote records, the events, the contact, and the IMAP cursor
 * commit together or not at all, which is what makes ingestion
 * exactly-once.  Every statement is prepared with bound parameters; no SQL
 * is built from strings.
 *
 * Errors: SQLITE_BUSY/LOCKED, a full disk and I/O errors are ERR_TEMP (the
 * message is retried on the next poll); anything else is ERR_PERM.
 *
 * Only store.c calls sqlite3.
 */
#ifndef INQUIRYD_STORE_H
#define INQUIRYD_STORE_H

#include <stdint.h>

#include "enrich.h"
#include "source.h"

struct err;
struct store;

/* Inquiry statuses, in funnel order, then the terminal side statuses. */
#define ST_NEW		"new"		/* stored, not drafted */
#define ST_DRAFTED	"drafted"	/* a draft waits for the rep */
#define ST_REPLIED	"replied"	/* the rep answered (Sent folder) */
#define ST_QUOTED	"quoted"	/* the answer carried a quote */
#define ST_ANSWERED	"answered"	/* the customer wrote back */
#define ST_WON		"won"
#define ST_LOST		"lost"
#define ST_SPAM		"spam"
#define ST_NOT_INQUIRY	"not-inquiry"
#define ST_FAILED	"failed"	/* quarantined, with a reason */
#define ST_RECORDED	"recorded"	/* backfill: kept for history, no draft */

/* True when s is a status a user may set with "mark". */
int store_status_markable(const char *s);
/* True when s is any known status. */
int store_status_known(const char *s);

/*
 * Opens (creating and migrating) the database at path; the directory is
 * created if missing.  readonly opens an existing database for queries.
 * Returns 0 and *out, or -1 with e.
 */
int store_open(struct store **out, const char *path, int readonly,
    struct err *e);
void store_close(struct store *st);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK.  Rollback never fails. */
int store_begin(struct store *st, struct err *e);
int store_commit(struct store *st, struct err *e);
void store_rollback(struct store *st);

/* PRAGMA integrity_check: 0 when "ok", else -1 with the first problem. */
int store_integrity_check(struct store *st, struct err *e);

/* --- messages ----------------------------------------------------------- */


struct store_msg {
	struct msg_origin o;
	const char *message_id;
	const char *body_hash;
	const char *from_name;
	const char *from_addr;
	const char *to_addr;
	const char *subject;
	int64_t date;
	int64_t received_at;
	size_t size;
	const char *in_reply_to;
	const char *references;	/* space-separated ids */
	unsigned flags;		/* parsed_msg flags */
	const char *status;	/* "ok", "failed", "ignored", "recorded" */
	const char *reason;	/* for failed/ignored */
	const void *raw;	/* kept for failed messages (retry), may be NULL */
	size_t raw_len;
};

/*
 * Looks for a message already stored that is the same as this one, in the
 * same direction (received, or sent when outgoing): the same Message-ID and
 * body hash, or with no Message-ID the same body hash, sender and date.
 * Returns its row id, 0 if none, -1 on error.  *status (may be NULL) gets
 * the message's status (static string).
 */
int64_t store_find_duplicate(struct store *st, const char *message_id,
    const char *body_hash, const char *from_addr, int64_t date, int outgoing,
    const char **status, struct err *e);

/* Row id of the message at this IMAP position, 0 if none, -1 on error. */
int64_t store_find_uid(struct store *st, const struct msg_origin *o,
    struct err *e);

/* Inserts a message; *id gets its row id.  0 or -1 with e. */
int store_put_message(struct store *st, const struct store_msg *m,
    int64_t *id, struct err *e);

/* Replaces a failed message's record before it is processed again. */
int store_forget_failed(struct store *st, int64_t msg_id, struct err *e);

/*
 * A quarantined message carries a key of its bytes instead of a body hash
 * (it may have no Message-ID, no parsed body, or no bytes at all when it
 * was over the size cap), so that seeing it again - a rescan after a new
 * UIDVALIDITY, a retry - finds the same row.  Returns the failed message
 * with that key, 0 if none, -1 on error; *inquiry_id (may be NULL) gets
 * its inquiry.
 */
int64_t store_find_failed(struct store *st, const char *key,
    int64_t *inquiry_id, struct err *e);

/* 1 if any failed message carries such a key, 0 if none, -1 on error. */
int store_has_failed(struct store *st, struct err *e);

/* --- cursors ------------------------------------------------------------ */

/* 0 and the cursor (both 0 when none), or -1. */
int store_cursor_get(struct store *st, const char *account,
    const char *mailbox, uint32_t *uidvalidity, uint32_t *last_uid,
    struct err *e);
int store_cursor_set(struct store *st, const char *account,
    const char *mailbox, uint32_t uidvalidity, uint32_t last_uid,
    struct err *e);

/* --- contacts and companies ------------------------------------------------ */

/*
 * Merges what this message says about its sender into the contact for
 * email (created if new): fields new to the contact are added, a changed
 * value becomes the current one and the old value stays in the history,
 * nothing is silently dropped.  The company is keyed by its registrable
 * domain (free-mail domains get no company).  *contact_id and *company_id
 * (may be NULL; 0 when none) get the rows.
 */
int store_merge_contact(struct store *st, const char *email,
    const char *display_name, const struct sig_fields *f,
    const struct enrich_info *ei, int64_t seen_at, int64_t msg_id,
    int64_t *contact_id, int64_t *company_id, struct err *e);

/* --- inquiries ------------------------------------------------------------ */

struct store_inquiry {
	int64_t msg_id;
	const char *account;
	const char *rep;
	const char *rep_reason;	/* why this rep: "same company as #12" */
	int64_t contact_id;
	int64_t company_id;
	const char *cls;
	const char *status;
	const double *score;	/* CLASS_COUNT scores */
	const char *lang;
	const char *country;
	const char *category;
	const char *verdict_json;	/* rules, requirements, questions */
	const char *enrich_json;
	const char *subject;
	const char *sender_name;
	const char *sender_email;
	int64_t received_at;
};

int store_put_inquiry(struct store *st, const struct store_inquiry *q,
    int64_t *id, struct err *e);

/*
 * The inquiry a message belongs to when it replies into a known thread:
 * In-Reply-To / References naming an inquiry's message, one of our drafts,
 * a stored outgoing message of the thread, or a message linked to it
 * (store_link_message).  Returns the inquiry id, 0 if
 * none, -1 on error.
 */
int64_t store_find_thread(struct store *st, const char *in_reply_to,
    const char *references, struct err *e);

/*
 * Records that the stored message msg_id (a rep's reply from a Sent
 * folder, a customer's follow-up) belongs to inquiry_id, so that mail
 * replying to it finds the thread even when msg_id itself was matched by
 * subject only.  Returns 0, or -1 with e.
 */
int store_link_message(struct store *st, int64_t msg_id, int64_t inquiry_id,
    struct err *e);

/*
 * A small named fact kept across restarts (e.g. "digest_day").  get sets
 * *value to a malloc'd copy, or NULL when the key was never set; set
 * creates or replaces it (autocommit, or within the caller's
 * transaction).  Both return 0, or -1 with e.
 */
int store_state_get(struct store *st, const char *key, char **value,
    struct err *e);
int store_state_set(struct store *st, const char *key, const char *value,
    int64_t now, struct err *e);

/*
 * The subject as threads compare it: "Re:", "Fwd:", "AW:", "回复:" and
 * "[tags]" stripped from the front, ASCII lowercased, white space
 * collapsed.  Malloc'd.
 */
char *store_thread_subject(const char *subject);

/*
 * The latest non-spam inquiry from recipient whose subject threads with
 * subject (for replies that carry no In-Reply-To).  Returns its id, 0 if
 * none, -1 on error.
 */
int64_t store_find_by_subject(struct store *st, const char *recipient,
    const char *subject, struct err *e);

/*
 * Moves an inquiry forward in the funnel (recorded < new < drafted <
 * replied < quoted < answered); a later or final status (won, lost, spam,
 * not-inquiry) is kept.  The event is logged either way ("quote_sent" for
 * ST_QUOTED).
 */
int store_advance_status(struct store *st, int64_t inquiry_id,
    const char *status, const char *source, const char *detail, int64_t at,
    struct err *e);

/*
 * A customer wrote again in an inquiry's thread: after our reply it is an
 * answer (status "answered"); before it, a "followup" event (a chaser).
 */
int store_customer_followup(struct store *st, int64_t inquiry_id,
    const char *source, const char *detail, int64_t at, struct err *e);

/*
 * The rep who handled this company or contact before, for "the same buyer
 * goes to the same rep".  *rep (malloc'd) and *inquiry_id get the earlier
 * inquiry's; returns 1 when found, 0 when not, -1 on error.
 */
int store_find_rep(struct store *st, int64_t contact_id, int64_t company_id,
    char **rep, int64_t *inquiry_id, struct err *e);

/* Sets an inquiry's status (and logs an event of the same name). */
int store_set_status(struct store *st, int64_t inquiry_id, const char *status,
    const char *source, int64_t at, struct err *e);

/* Appends an event: received, classified, enriched, drafted, delivered,
 * replied, quote_sent, answered, won, lost, spam, not-inquiry... */
int store_add_event(struct store *st, int64_t inquiry_id, const char *type,
    const char *source, const char *detail, int64_t at, struct err *e);

/* The next quote sequence number for the day of now (1, 2, ...). */
long store_next_quote_seq(struct store *st, int64_t now, struct err *e);

struct store_draft {
	int64_t inquiry_id;
	const char *message_id;
	const char *path;
	const char *subject;
	const char *to_addr;
	const char *lang;
	const char *notes;
	const char *account;	/* whose Drafts folder gets it */
};
int store_put_draft(struct store *st, const struct store_draft *d,
    int64_t *id, struct err *e);
/* Records that a draft was APPENDed to mailbox. */
int store_draft_delivered(struct store *st, const char *message_id,
    const char *mailbox, int64_t at, struct err *e);

struct store_quote {
	int64_t inquiry_id;
	const char *number;
	const char *path;
	const char *title;
	const char *currency;
	double total;
};
int store_put_quote(struct store *st, const struct store_quote *q,
    int64_t *id, struct err *e);

/* --- reading back ------------------------------------------------------- */

/* One inquiry as list and show print it (strings owned). */
struct inquiry_row {
	int64_t id;
	char *cls;
	char *status;
	char *account;
	char *rep;
	char *rep_reason;
	char *message_id;	/* the customer message's Message-ID */
	char *sender_name;
	char *sender_email;
	char *subject;
	char *lang;
	char *country;
	char *category;
	double score[CLASS_COUNT];
	int64_t received_at;
	int64_t created_at;
	char *draft_path;	/* latest draft, NULL if none */
	char *draft_message_id;
	char *quote_path;	/* latest quote, NULL if none */
	char *quote_number;
	char *verdict_json;	/* show only */
	char *enrich_json;	/* show only */
	char *reason;		/* for failed messages */
	char *source;		/* file or imap position */
	int64_t msg_id;
};
void inquiry_row_release(struct inquiry_row *r);

struct inquiry_filter {
	const char *status;	/* NULL: any */
	const char *cls;	/* NULL: any */
	int64_t since;		/* 0: no bound */
	int64_t until;		/* 0: no bound */
	const char *account;
	long limit;		/* 0: no limit */
};

/*
 * Calls fn for each inquiry matching f, newest first; the row is valid
 * during the call only.  Failed messages (status "failed") are listed as
 * inquiries with class "" so that "list --status failed" shows them.
 */
int store_list(struct store *st, const struct inquiry_filter *f,
    int (*fn)(const struct inquiry_row *r, void *arg), void *arg,
    struct err *e);

/* Loads one inquiry; 1 found, 0 not found, -1 error. */
int store_get(struct store *st, int64_t id, struct inquiry_row *r,
    struct err *e);

/* The raw bytes kept for a message (failed ones, and inquiries that got
 * a draft), malloc'd, or NULL. */
char *store_message_raw(struct store *st, int64_t msg_id, size_t *len,
    struct err *e);

/* One event of an inquiry, for show. */
struct event_row {
	char *type;
	char *source;
	char *detail;
	int64_t at;
};
int store_events(struct store *st, int64_t inquiry_id,
    int (*fn)(const struct event_row *ev, void *arg), void *arg,
    struct err *e);

/* One inquiry's steps through the funnel, for report (0: not reached). */
struct report_row {
	int64_t id;
	const char *cls;	/* borrowed for the call */
	const char *status;
	const char *rep;
	const char *country;
	const char *category;
	const char *account;
	const char *sender;
	const char *subject;
	int64_t received_at;
	int64_t drafted_at;	/* first "drafted" event */
	int64_t replied_at;	/* first "replied" event */
	int64_t quoted_at;	/* first "quote_sent" event */
	int64_t answered_at;	/* last "answered" event */
	int64_t won_at;
	int64_t lost_at;
};

/*
 * Calls fn for each inquiry (not failed, not recorded) received in
 * [since, until) (0: no bound), oldest first, with its funnel steps.
 * One pass over the inquiries and their events, by index.
 */
int store_report_rows(struct store *st, int64_t since, int64_t until,
    int (*fn)(const struct report_row *r, void *arg), void *arg,
    struct err *e);

/* A contact with every value ever seen per field, for contacts export. */
struct contact_field {
	const char *field;	/* name, title, company, phone, ... */
	const char *value;
	int current;		/* the latest value (history otherwise) */
	int64_t first_seen;
	int64_t last_seen;
};

struct contact_row {
	int64_t id;
	const char *email;
	const char *company_domain;	/* NULL for free mail */
	int64_t created_at;
	int64_t updated_at;
	long inquiries;
	struct contact_field *fields;	/* current first, then history */
	size_t nfields;
};

/* Calls fn for each contact, by address; valid during the call only. */
int store_contacts(struct store *st,
    int (*fn)(const struct contact_row *c, void *arg), void *arg,
    struct err *e);

/* The enrichment cache, for enrich_set_cache(). */
void store_enrich_cache(struct store *st, struct enrich_cache *out);

/* --- the outbox: drafts waiting for their APPEND ------------------------ */

/* A draft not yet APPENDed to its account's Drafts folder. */
struct store_outbox_draft {
	int64_t inquiry_id;
	const char *message_id;	/* without <> */
	const char *path;	/* the .eml under drafts_dir */
};

/*
 * Calls fn for each draft of account that store_draft_delivered has not
 * recorded yet, oldest first; only the latest draft of each inquiry (an
 * older one was replaced by "inquiryd draft ID").  The row is valid during
 * the call only, and fn must not write to the store (collect, then
 * deliver).  A non-zero return from fn stops the walk and is returned;
 * else 0, or -1 with e.  Used by the outbox at the start of every poll,
 * so that a crash between a message's commit and its draft's APPEND
 * neither loses nor doubles the draft.
 */
int store_undelivered_drafts(struct store *st, const char *account,
    int (*fn)(const struct store_outbox_draft *d, void *arg), void *arg,
    struct err *e);

/*
 * For the poller (poll, run), which writes thousands of messages in one
 * process: a 16 MiB page cache instead of SQLite's 2 MiB, so that the
 * indexes looked up for every message (Message-ID, body hash, UID,
 * contacts) stay in memory instead of being read again from the file for
 * each transaction.  Measured on 1,000 seeded messages: the time spent in
 * pipeline_process outside its stage counters went from 2.4 s to 0.6 s.
 * Memory stays bounded by the cache size.  0, or -1 with e.
 */
int store_poller_cache(struct store *st, struct err *e);

#endif
