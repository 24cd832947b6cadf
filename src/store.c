/*
 * store.c - the SQLite store.
 *
 * Statements are static SQL with bound parameters, prepared once per
 * store and kept (stmt_get), so a poll of 20,000 messages does not prepare
 * 200,000 statements.  Migrations are an append-only list: version N is
 * migrations[N - 1]; never edit one that has shipped, add a new one.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "err.h"
#include "log.h"
#include "store.h"

static const char *const migrations[] = {
	/* 1: the first schema */
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT, mailbox TEXT, uidvalidity INTEGER, uid INTEGER,"
	"  source TEXT, outgoing INTEGER NOT NULL DEFAULT 0,"
	"  message_id TEXT, body_hash TEXT,"
	"  from_name TEXT, from_addr TEXT, to_addr TEXT, subject TEXT,"
	"  date INTEGER, received_at INTEGER NOT NULL, size INTEGER,"
	"  in_reply_to TEXT, refs TEXT, flags INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL, reason TEXT, raw BLOB);"
	"CREATE UNIQUE INDEX messages_uid ON messages"
	"  (account, mailbox, uidvalidity, uid) WHERE uid > 0;"
	"CREATE INDEX messages_message_id ON messages(message_id);"
	"CREATE INDEX messages_body_hash ON messages(body_hash);"
	"CREATE TABLE cursors ("
	"  account TEXT NOT NULL, mailbox TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL, last_uid INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL, PRIMARY KEY (account, mailbox));"
	"CREATE TABLE companies ("
	"  id INTEGER PRIMARY KEY, domain TEXT NOT NULL UNIQUE, name TEXT,"
	"  website TEXT, country TEXT, industry TEXT,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE,"
	"  company_id INTEGER REFERENCES companies(id),"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	/* Every value ever seen for a field; current = 1 marks the latest. */
	"CREATE TABLE contact_fields ("
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  field TEXT NOT NULL, value TEXT NOT NULL,"
	"  current INTEGER NOT NULL DEFAULT 1,"
	"  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	"  msg_id INTEGER, PRIMARY KEY (contact_id, field, value));"
	"CREATE TABLE inquiries ("
	"  id INTEGER PRIMARY KEY,"
	"  msg_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),"
	"  account TEXT, rep TEXT, rep_reason TEXT,"
	"  contact_id INTEGER, company_id INTEGER,"
	"  class TEXT NOT NULL, status TEXT NOT NULL,"
	"  score_vague REAL, score_detailed REAL, score_spam REAL,"
	"  lang TEXT, country TEXT, category TEXT,"
	"  verdict_json TEXT, enrich_json TEXT,"
	"  subject TEXT, sender_name TEXT, sender_email TEXT,"
	"  received_at INTEGER NOT NULL, created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX inquiries_status ON inquiries(status, received_at);"
	"CREATE INDEX inquiries_received ON inquiries(received_at);"
	"CREATE INDEX inquiries_company ON inquiries(company_id);"
	"CREATE INDEX inquiries_contact ON inquiries(contact_id);"
	"CREATE TABLE drafts ("
	"  id INTEGER PRIMARY KEY,"
	"  inquiry_id INTEGER NOT NULL REFERENCES inquiries(id),"
	"  message_id TEXT NOT NULL UNIQUE, path TEXT, subject TEXT,"
	"  to_addr TEXT, lang TEXT, notes TEXT, account TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  delivered_at INTEGER, delivered_mailbox TEXT);"
	"CREATE INDEX drafts_inquiry ON drafts(inquiry_id);"
	"CREATE TABLE quotes ("
	"  id INTEGER PRIMARY KEY,"
	"  inquiry_id INTEGER NOT NULL REFERENCES inquiries(id),"
	"  number TEXT NOT NULL UNIQUE, path TEXT, title TEXT,"
	"  currency TEXT, total REAL, created_at INTEGER NOT NULL);"
	"CREATE INDEX quotes_inquiry ON quotes(inquiry_id);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  inquiry_id INTEGER NOT NULL REFERENCES inquiries(id),"
	"  type TEXT NOT NULL, at INTEGER NOT NULL, source TEXT,"
	"  detail TEXT);"
	"CREATE INDEX events_inquiry ON events(inquiry_id, at);"
	"CREATE INDEX events_type ON events(type, at);"
	"CREATE TABLE enrich_cache ("
	"  domain TEXT PRIMARY KEY, json TEXT NOT NULL,"
	"  fetched_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
	"CREATE TABLE quote_seq (day TEXT PRIMARY KEY, seq INTEGER NOT NULL);",
	/* 2: thread by recipient and normalised subject (Sent tracking) */
	"ALTER TABLE inquiries ADD COLUMN thread_subject TEXT;"
	"CREATE INDEX inquiries_thread ON inquiries(sender_email,"
	"  thread_subject);",
	/* 3: a sent reply or a follow-up remembers its inquiry, so that an
	 * answer to a reply threaded by subject alone finds it too */
	"ALTER TABLE messages ADD COLUMN inquiry_id INTEGER;",
	/* 4: the report reads each inquiry's funnel events from the index
	 * alone (tests/bench/report.sh) */
	"CREATE INDEX events_funnel ON events(inquiry_id, type, at);",
	/* 5: small facts the daemon keeps across restarts (the day the
	 * digest went out) */
	"CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL);",
};

enum stmt_id {
	S_FIND_DUP_ID,
	S_FIND_DUP_NOID,
	S_FIND_UID,
	S_PUT_MSG,
	S_FORGET_FAILED_E,
	S_FORGET_FAILED_Q,
	S_FORGET_FAILED_M,
	S_FIND_FAILED,
	S_HAS_FAILED,
	S_CURSOR_GET,
	S_CURSOR_SET,
	S_COMPANY_GET,
	S_COMPANY_PUT,
	S_COMPANY_UPDATE,
	S_CONTACT_GET,
	S_CONTACT_PUT,
	S_CONTACT_TOUCH,
	S_FIELD_GET,
	S_FIELD_SEEN,
	S_FIELD_UNSET,
	S_FIELD_PUT,
	S_PUT_INQUIRY,
	S_THREAD_INQ,
	S_THREAD_DRAFT,
	S_THREAD_MSG,
	S_THREAD_LINK,
	S_LINK_MSG,
	S_STATE_GET,
	S_STATE_SET,
	S_REP_CONTACT,
	S_REP_COMPANY,
	S_SET_STATUS,
	S_GET_STATUS,
	S_THREAD_SUBJECT,
	S_ADD_EVENT,
	S_QSEQ_GET,
	S_QSEQ_SET,
	S_PUT_DRAFT,
	S_DRAFT_DELIVERED,
	S_PUT_QUOTE,
	S_GET,
	S_MESSAGE_RAW,
	S_EVENTS,
	S_CACHE_GET,
	S_CACHE_PUT,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	[S_FIND_DUP_ID] =
	    "SELECT id, status FROM messages WHERE message_id = ?1 AND "
	    "(body_hash = ?2 OR ?2 IS NULL) AND outgoing = ?3 "
	    "ORDER BY id LIMIT 1",
	[S_FIND_DUP_NOID] =
	    "SELECT id, status FROM messages WHERE message_id IS NULL AND "
	    "body_hash = ?1 AND from_addr IS ?2 AND date IS ?3 AND "
	    "outgoing = ?4 ORDER BY id LIMIT 1",
	/* "uid > 0" lets SQLite use the partial index messages_uid; without
	 * it every IMAP message scanned the whole table. */
	[S_FIND_UID] =
	    "SELECT id FROM messages WHERE account = ?1 AND mailbox = ?2 AND "
	    "uidvalidity = ?3 AND uid = ?4 AND uid > 0",
	[S_PUT_MSG] =
	    "INSERT INTO messages (account, mailbox, uidvalidity, uid, source,"
	    " outgoing, message_id, body_hash, from_name, from_addr, to_addr,"
	    " subject, date, received_at, size, in_reply_to, refs, flags,"
	    " status, reason, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	    " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
	[S_FORGET_FAILED_E] =
	    "DELETE FROM events WHERE inquiry_id IN (SELECT id FROM inquiries "
	    "WHERE msg_id = ?1 AND status = 'failed')",
	[S_FORGET_FAILED_Q] =
	    "DELETE FROM inquiries WHERE msg_id = ?1 AND status = 'failed'",
	[S_FORGET_FAILED_M] =
	    "DELETE FROM messages WHERE id = ?1 AND status = 'failed'",
	/* Ranges of the body_hash index: no scan of the messages. */
	[S_HAS_FAILED] =
	    "SELECT EXISTS (SELECT 1 FROM messages WHERE (body_hash >= 'big:' "
	    "AND body_hash < 'big;') OR (body_hash >= 'raw:' AND "
	    "body_hash < 'raw;'))",
	[S_FIND_FAILED] =
	    "SELECT m.id, q.id FROM messages m LEFT JOIN inquiries q ON "
	    "q.msg_id = m.id WHERE m.body_hash = ?1 AND m.status = 'failed' "
	    "ORDER BY m.id LIMIT 1",
	[S_CURSOR_GET] =
	    "SELECT uidvalidity, last_uid FROM cursors WHERE account = ?1 AND "
	    "mailbox = ?2",
	[S_CURSOR_SET] =
	    "INSERT INTO cursors (account, mailbox, uidvalidity, last_uid, "
	    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (account, "
	    "mailbox) DO UPDATE SET uidvalidity = ?3, last_uid = ?4, "
	    "updated_at = ?5",
	[S_COMPANY_GET] = "SELECT id FROM companies WHERE domain = ?1",
	[S_COMPANY_PUT] =
	    "INSERT INTO companies (domain, name, website, country, industry,"
	    " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
	[S_COMPANY_UPDATE] =
	    "UPDATE companies SET name = coalesce(name, ?2),"
	    " website = coalesce(website, ?3), country = coalesce(country, ?4),"
	    " industry = coalesce(industry, ?5), updated_at = ?6 WHERE id = ?1",
	[S_CONTACT_GET] = "SELECT id, company_id FROM contacts WHERE email = ?1",
	[S_CONTACT_PUT] =
	    "INSERT INTO contacts (email, company_id, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?3)",
	[S_CONTACT_TOUCH] =
	    "UPDATE contacts SET company_id = coalesce(company_id, ?2),"
	    " updated_at = max(updated_at, ?3) WHERE id = ?1",
	[S_FIELD_GET] =
	    "SELECT 1 FROM contact_fields WHERE contact_id = ?1 AND field = ?2"
	    " AND value = ?3",
	[S_FIELD_SEEN] =
	    "UPDATE contact_fields SET last_seen = max(last_seen, ?4),"
	    " current = CASE WHEN ?4 >= last_seen THEN 1 ELSE current END"
	    " WHERE contact_id = ?1 AND field = ?2 AND value = ?3",
	[S_FIELD_UNSET] =
	    "UPDATE contact_fields SET current = 0 WHERE contact_id = ?1 AND"
	    " field = ?2 AND value <> ?3 AND last_seen <= ?4",
	[S_FIELD_PUT] =
	    "INSERT INTO contact_fields (contact_id, field, value, current,"
	    " first_seen, last_seen, msg_id) VALUES (?1, ?2, ?3, ?5, ?4, ?4, ?6)",
	[S_PUT_INQUIRY] =
	    "INSERT INTO inquiries (msg_id, account, rep, rep_reason,"
	    " contact_id, company_id, class, status, score_vague,"
	    " score_detailed, score_spam, lang, country, category,"
	    " verdict_json, enrich_json, subject, sender_name, sender_email,"
	    " received_at, created_at, updated_at, thread_subject) VALUES (?1,"
	    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
	    " ?17, ?18, ?19, ?20, ?21, ?21, ?22)",
	[S_THREAD_INQ] =
	    "SELECT q.id FROM inquiries q JOIN messages m ON m.id = q.msg_id"
	    " WHERE m.message_id = ?1 LIMIT 1",
	[S_THREAD_DRAFT] =
	    "SELECT inquiry_id FROM drafts WHERE message_id = ?1 LIMIT 1",
	[S_THREAD_MSG] =
	    "SELECT q.id FROM messages m JOIN messages p ON p.message_id ="
	    " m.in_reply_to JOIN inquiries q ON q.msg_id = p.id"
	    " WHERE m.message_id = ?1 LIMIT 1",
	[S_THREAD_LINK] =
	    "SELECT inquiry_id FROM messages WHERE message_id = ?1 AND"
	    " inquiry_id IS NOT NULL LIMIT 1",
	[S_LINK_MSG] = "UPDATE messages SET inquiry_id = ?2 WHERE id = ?1",
	[S_STATE_GET] = "SELECT value FROM state WHERE key = ?1",
	[S_STATE_SET] = "INSERT INTO state (key, value, updated_at)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT(key) DO UPDATE SET"
	    " value = excluded.value, updated_at = excluded.updated_at",
	[S_REP_CONTACT] =
	    "SELECT rep, id FROM inquiries WHERE contact_id = ?1 AND rep IS"
	    " NOT NULL AND class <> 'spam' ORDER BY id LIMIT 1",
	[S_REP_COMPANY] =
	    "SELECT rep, id FROM inquiries WHERE company_id = ?1 AND rep IS"
	    " NOT NULL AND class <> 'spam' ORDER BY id LIMIT 1",
	[S_GET_STATUS] = "SELECT status FROM inquiries WHERE id = ?1",
	[S_THREAD_SUBJECT] =
	    "SELECT id FROM inquiries WHERE sender_email = ?1 AND"
	    " thread_subject = ?2 AND class <> 'spam' ORDER BY received_at DESC"
	    " LIMIT 1",
	[S_SET_STATUS] =
	    "UPDATE inquiries SET status = ?2, updated_at = ?3 WHERE id = ?1",
	[S_ADD_EVENT] =
	    "INSERT INTO events (inquiry_id, type, at, source, detail)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_QSEQ_GET] = "SELECT seq FROM quote_seq WHERE day = ?1",
	[S_QSEQ_SET] =
	    "INSERT INTO quote_seq (day, seq) VALUES (?1, ?2) ON CONFLICT (day)"
	    " DO UPDATE SET seq = ?2",
	[S_PUT_DRAFT] =
	    "INSERT INTO drafts (inquiry_id, message_id, path, subject,"
	    " to_addr, lang, notes, account, created_at) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?6, ?7, ?8, ?9)",
	[S_DRAFT_DELIVERED] =
	    "UPDATE drafts SET delivered_at = ?3, delivered_mailbox = ?2"
	    " WHERE message_id = ?1",
	[S_PUT_QUOTE] =
	    "INSERT INTO quotes (inquiry_id, number, path, title, currency,"
	    " total, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_GET] =
	    "SELECT q.id, q.class, q.status, q.account, q.rep, q.rep_reason,"
	    " m.message_id, q.sender_name, q.sender_email, q.subject, q.lang,"
	    " q.country, q.category, q.score_vague, q.score_detailed,"
	    " q.score_spam, q.received_at, q.created_at,"
	    " (SELECT path FROM drafts d WHERE d.inquiry_id = q.id"
	    "  ORDER BY d.id DESC LIMIT 1),"
	    " (SELECT message_id FROM drafts d WHERE d.inquiry_id = q.id"
	    "  ORDER BY d.id DESC LIMIT 1),"
	    " (SELECT path FROM quotes u WHERE u.inquiry_id = q.id"
	    "  ORDER BY u.id DESC LIMIT 1),"
	    " (SELECT number FROM quotes u WHERE u.inquiry_id = q.id"
	    "  ORDER BY u.id DESC LIMIT 1),"
	    " q.verdict_json, q.enrich_json, m.reason,"
	    " coalesce(m.source, m.account || ':' || m.mailbox || ':' ||"
	    "  m.uidvalidity || ':' || m.uid), m.id"
	    " FROM inquiries q JOIN messages m ON m.id = q.msg_id"
	    " WHERE q.id = ?1",
	[S_MESSAGE_RAW] = "SELECT raw FROM messages WHERE id = ?1",
	[S_EVENTS] =
	    "SELECT type, source, detail, at FROM events WHERE inquiry_id = ?1"
	    " ORDER BY at, id",
	[S_CACHE_GET] =
	    "SELECT json FROM enrich_cache WHERE domain = ?1 AND"
	    " expires_at > ?2",
	[S_CACHE_PUT] =
	    "INSERT INTO enrich_cache (domain, json, fetched_at, expires_at)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (domain) DO UPDATE SET"
	    " json = ?2, fetched_at = ?3, expires_at = ?4",
};

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[S_COUNT];
	int in_tx;
};

/* SQLite result code to an error kind: retry what may pass. */
static enum err_kind
sql_kind(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
		return ERR_TEMP;
	default:
		return ERR_PERM;
	}
}

static int
sql_fail(struct store *st, int rc, const char *what, struct err *e)
{
	return err_set(e, sql_kind(rc), "database '%s': %s: %s", st->path,
	    what, st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
}

/* The cached statement, reset and with its bindings cleared. */
static sqlite3_stmt *
stmt_get(struct store *st, enum stmt_id id, struct err *e)
{
	sqlite3_stmt *s = st->stmt[id];
	int rc;

	if (!s) {
		rc = sqlite3_prepare_v3(st->db, stmt_sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &s, NULL);
		if (rc != SQLITE_OK) {
			sql_fail(st, rc, "prepare", e);
			return NULL;
		}
		st->stmt[id] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void
bind_id(sqlite3_stmt *s, int i, int64_t v)
{
	if (v > 0)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

/* Steps a statement that returns no rows. */
static int
step_done(struct store *st, sqlite3_stmt *s, const char *what, struct err *e)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sql_fail(st, rc, what, e);
	return 0;
}

/*
 * Steps a statement that returns at most one row: its first column into
 * *id (an integer) or *text (owned), left as they were when there is no
 * row.  The statement is reset.  0, or -1 with e naming what.
 */
static int
step_row(struct store *st, sqlite3_stmt *s, const char *what, int64_t *id,
    char **text, struct err *e)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW && id)
		*id = sqlite3_column_int64(s, 0);
	if (rc == SQLITE_ROW && text)
		*text = col_text(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(st, rc, what, e);
	return 0;
}

static int
exec_sql(struct store *st, const char *sql, const char *what, struct err *e)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		err_set(e, sql_kind(rc), "database '%s': %s: %s", st->path,
		    what, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
mkdir_parents(const char *path)
{
	char *dir = xstrdup(path), *p;
	int rc = 0;

	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0750) && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	free(dir);
	return rc;
}

static int
store_migrate(struct store *st, struct err *e)
{
	sqlite3_stmt *s = NULL;
	int version = 0, rc;
	size_t i;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(st, rc, "read schema version", e);
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version > (int)ARRAY_SIZE(migrations))
		return err_set(e, ERR_PERM, "database '%s' has schema version "
		    "%d, newer than this inquiryd (%zu); upgrade inquiryd",
		    st->path, version, ARRAY_SIZE(migrations));
	for (i = (size_t)version; i < ARRAY_SIZE(migrations); i++) {
		char pragma[64];

		if (exec_sql(st, "BEGIN IMMEDIATE", "migrate", e))
			return -1;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %zu",
		    i + 1);
		if (exec_sql(st, migrations[i], "migrate", e) ||
		    exec_sql(st, pragma, "migrate", e)) {
			exec_sql(st, "ROLLBACK", "rollback", NULL);
			return -1;
		}
		if (exec_sql(st, "COMMIT", "migrate", e))
			return -1;
		if (version)
			log_info("database '%s' migrated to schema version %zu",
			    st->path, i + 1);
	}
	return 0;
}

int
store_open(struct store **out, const char *path, int readonly, struct err *e)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int rc, flags;

	st->path = xstrdup(path);
	*out = NULL;
	if (!readonly && mkdir_parents(path)) {
		err_set_errno(e, ERR_TEMP, "cannot create the directory of "
		    "database '%s'", path);
		goto fail;
	}
	flags = readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sql_fail(st, rc, readonly ? "cannot open (run 'inquiryd "
		    "import' or 'poll' first?)" : "cannot open", e);
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 1);
	if (!readonly) {
		if (exec_sql(st, "PRAGMA journal_mode = WAL", "set WAL mode",
		    e) ||
		    exec_sql(st, "PRAGMA synchronous = NORMAL", "pragma", e) ||
		    exec_sql(st, "PRAGMA foreign_keys = ON", "pragma", e) ||
		    store_migrate(st, e))
			goto fail;
	}
	*out = st;
	return 0;
fail:
	store_close(st);
	return -1;
}

void
store_close(struct store *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	if (st->db)
		sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int
store_begin(struct store *st, struct err *e)
{
	if (exec_sql(st, "BEGIN IMMEDIATE", "begin", e))
		return -1;
	st->in_tx = 1;
	return 0;
}

int
store_commit(struct store *st, struct err *e)
{
	if (exec_sql(st, "COMMIT", "commit", e)) {
		store_rollback(st);
		return -1;
	}
	st->in_tx = 0;
	return 0;
}

void
store_rollback(struct store *st)
{
	if (st->in_tx)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = 0;
}

int
store_integrity_check(struct store *st, struct err *e)
{
	sqlite3_stmt *s = NULL;
	int rc, res = -1;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s,
	    NULL);
	if (rc != SQLITE_OK)
		return sql_fail(st, rc, "integrity check", e);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(s, 0);

		if (r && !strcmp(r, "ok"))
			res = 0;
		else
			err_set(e, ERR_PERM, "database '%s': integrity check: "
			    "%s", st->path, r ? r : "?");
	}
	sqlite3_finalize(s);
	return res;
}

static const char *const statuses[] = {
	ST_NEW, ST_DRAFTED, ST_REPLIED, ST_QUOTED, ST_ANSWERED, ST_WON,
	ST_LOST, ST_SPAM, ST_NOT_INQUIRY, ST_FAILED, ST_RECORDED,
};

int
store_status_known(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(statuses); i++)
		if (!strcmp(s, statuses[i]))
			return 1;
	return 0;
}

int
store_status_markable(const char *s)
{
	return store_status_known(s) && strcmp(s, ST_FAILED) &&
	    strcmp(s, ST_RECORDED);
}

/* --- messages ----------------------------------------------------------- */

static const char *
static_status(const char *s)
{
	static const char *const known[] = { "ok", "failed", "ignored",
	    "recorded", "followup", "sent" };
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(known); i++)
		if (!strcmp(s, known[i]))
			return known[i];
	return "ok";
}

int64_t
store_find_duplicate(struct store *st, const char *message_id,
    const char *body_hash, const char *from_addr, int64_t date, int outgoing,
    const char **status, struct err *e)
{
	sqlite3_stmt *s;
	int64_t id = 0;
	int rc;

	if (message_id) {
		if (!(s = stmt_get(st, S_FIND_DUP_ID, e)))
			return -1;
		bind_text(s, 1, message_id);
		bind_text(s, 2, body_hash);
		sqlite3_bind_int(s, 3, outgoing != 0);
	} else {
		if (!body_hash)
			return 0;
		if (!(s = stmt_get(st, S_FIND_DUP_NOID, e)))
			return -1;
		bind_text(s, 1, body_hash);
		bind_text(s, 2, from_addr);
		sqlite3_bind_int64(s, 3, date);
		sqlite3_bind_int(s, 4, outgoing != 0);
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (status)
			*status = static_status(
			    (const char *)sqlite3_column_text(s, 1));
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(s);
		return sql_fail(st, rc, "find duplicate", e);
	}
	sqlite3_reset(s);
	return id;
}

int64_t
store_find_uid(struct store *st, const struct msg_origin *o, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_FIND_UID, e);
	int64_t id = 0;

	if (!s)
		return -1;
	bind_text(s, 1, o->account);
	bind_text(s, 2, o->mailbox);
	sqlite3_bind_int64(s, 3, o->uidvalidity);
	sqlite3_bind_int64(s, 4, o->uid);
	if (step_row(st, s, "find uid", &id, NULL, e))
		return -1;
	return id;
}

int
store_put_message(struct store *st, const struct store_msg *m, int64_t *id,
    struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_PUT_MSG, e);

	if (!s)
		return -1;
	bind_text(s, 1, m->o.account);
	bind_text(s, 2, m->o.mailbox);
	if (m->o.uid) {
		sqlite3_bind_int64(s, 3, m->o.uidvalidity);
		sqlite3_bind_int64(s, 4, m->o.uid);
	}
	bind_text(s, 5, m->o.source);
	sqlite3_bind_int(s, 6, m->o.outgoing);
	bind_text(s, 7, m->message_id);
	bind_text(s, 8, m->body_hash);
	bind_text(s, 9, m->from_name);
	bind_text(s, 10, m->from_addr);
	bind_text(s, 11, m->to_addr);
	bind_text(s, 12, m->subject);
	sqlite3_bind_int64(s, 13, m->date);
	sqlite3_bind_int64(s, 14, m->received_at);
	sqlite3_bind_int64(s, 15, (sqlite3_int64)m->size);
	bind_text(s, 16, m->in_reply_to);
	bind_text(s, 17, m->references);
	sqlite3_bind_int(s, 18, (int)m->flags);
	bind_text(s, 19, m->status ? m->status : "ok");
	bind_text(s, 20, m->reason);
	if (m->raw)
		sqlite3_bind_blob64(s, 21, m->raw, m->raw_len,
		    SQLITE_TRANSIENT);
	if (step_done(st, s, "store message", e))
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_forget_failed(struct store *st, int64_t msg_id, struct err *e)
{
	sqlite3_stmt *s;

	/* Its "failed" event goes with it (events reference inquiries). */
	if (!(s = stmt_get(st, S_FORGET_FAILED_E, e)))
		return -1;
	sqlite3_bind_int64(s, 1, msg_id);
	if (step_done(st, s, "forget failed message", e))
		return -1;
	if (!(s = stmt_get(st, S_FORGET_FAILED_Q, e)))
		return -1;
	sqlite3_bind_int64(s, 1, msg_id);
	if (step_done(st, s, "forget failed message", e))
		return -1;
	if (!(s = stmt_get(st, S_FORGET_FAILED_M, e)))
		return -1;
	sqlite3_bind_int64(s, 1, msg_id);
	return step_done(st, s, "forget failed message", e);
}

int64_t
store_find_failed(struct store *st, const char *key, int64_t *inquiry_id,
    struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_FIND_FAILED, e);
	int64_t id = 0;
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (inquiry_id)
			*inquiry_id = sqlite3_column_int64(s, 1);
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(s);
		return sql_fail(st, rc, "find failed message", e);
	}
	sqlite3_reset(s);
	return id;
}

int
store_has_failed(struct store *st, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_HAS_FAILED, e);
	int rc, has = 0;

	if (!s)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		has = sqlite3_column_int(s, 0) != 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return sql_fail(st, rc, "look for failed messages", e);
	return has;
}

/* --- cursors ------------------------------------------------------------ */

int
store_cursor_get(struct store *st, const char *account, const char *mailbox,
    uint32_t *uidvalidity, uint32_t *last_uid, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_CURSOR_GET, e);
	int rc;

	*uidvalidity = 0;
	*last_uid = 0;
	if (!s)
		return -1;
	bind_text(s, 1, account);
	bind_text(s, 2, mailbox);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*uidvalidity = (uint32_t)sqlite3_column_int64(s, 0);
		*last_uid = (uint32_t)sqlite3_column_int64(s, 1);
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(s);
		return sql_fail(st, rc, "read cursor", e);
	}
	sqlite3_reset(s);
	return 0;
}

int
store_cursor_set(struct store *st, const char *account, const char *mailbox,
    uint32_t uidvalidity, uint32_t last_uid, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_CURSOR_SET, e);

	if (!s)
		return -1;
	bind_text(s, 1, account);
	bind_text(s, 2, mailbox);
	sqlite3_bind_int64(s, 3, uidvalidity);
	sqlite3_bind_int64(s, 4, last_uid);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	return step_done(st, s, "write cursor", e);
}

/* --- contacts and companies ------------------------------------------------ */

static int
company_upsert(struct store *st, const char *domain, const char *name,
    const struct enrich_info *ei, int64_t at, int64_t *id, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_COMPANY_GET, e);
	const char *website = ei ? ei->website : NULL;
	const char *country = ei ? ei->country : NULL;
	const char *industry = ei ? ei->industry : NULL;

	*id = 0;
	if (!s)
		return -1;
	bind_text(s, 1, domain);
	if (step_row(st, s, "find company", id, NULL, e))
		return -1;
	if (!name && ei)
		name = ei->site_name;
	s = stmt_get(st, *id ? S_COMPANY_UPDATE : S_COMPANY_PUT, e);
	if (!s)
		return -1;
	if (*id)
		sqlite3_bind_int64(s, 1, *id);
	else
		bind_text(s, 1, domain);
	bind_text(s, 2, name);
	bind_text(s, 3, website);
	bind_text(s, 4, country);
	bind_text(s, 5, industry);
	sqlite3_bind_int64(s, 6, at);
	if (step_done(st, s, "store company", e))
		return -1;
	if (!*id)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* Records one field value of a contact, keeping the old ones as history. */
static int
field_merge(struct store *st, int64_t cid, const char *field,
    const char *value, int64_t at, int64_t msg_id, struct err *e)
{
	sqlite3_stmt *s;
	int rc, exists;

	if (!value || str_blank(value))
		return 0;
	if (!(s = stmt_get(st, S_FIELD_GET, e)))
		return -1;
	sqlite3_bind_int64(s, 1, cid);
	bind_text(s, 2, field);
	bind_text(s, 3, value);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(st, rc, "read contact field", e);
	exists = rc == SQLITE_ROW;
	/* Older values stop being current unless this message is older. */
	if (!(s = stmt_get(st, S_FIELD_UNSET, e)))
		return -1;
	sqlite3_bind_int64(s, 1, cid);
	bind_text(s, 2, field);
	bind_text(s, 3, value);
	sqlite3_bind_int64(s, 4, at);
	if (step_done(st, s, "update contact field", e))
		return -1;
	if (!(s = stmt_get(st, exists ? S_FIELD_SEEN : S_FIELD_PUT, e)))
		return -1;
	sqlite3_bind_int64(s, 1, cid);
	bind_text(s, 2, field);
	bind_text(s, 3, value);
	sqlite3_bind_int64(s, 4, at);
	if (!exists) {
		sqlite3_bind_int(s, 5, 1);
		bind_id(s, 6, msg_id);
	}
	return step_done(st, s, "store contact field", e);
}

static int
field_merge_list(struct store *st, int64_t cid, const char *field,
    const struct strlist *l, int64_t at, int64_t msg_id, struct err *e)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (field_merge(st, cid, field, l->v[i], at, msg_id, e))
			return -1;
	return 0;
}

int
store_merge_contact(struct store *st, const char *email,
    const char *display_name, const struct sig_fields *f,
    const struct enrich_info *ei, int64_t seen_at, int64_t msg_id,
    int64_t *contact_id, int64_t *company_id, struct err *e)
{
	sqlite3_stmt *s;
	int64_t cid = 0, coid = 0;
	const char *at_sign;

	if (contact_id)
		*contact_id = 0;
	if (company_id)
		*company_id = 0;
	if (!email || !(at_sign = strchr(email, '@')))
		return 0;
	if (ei && ei->reg_domain && ei->free_mail != 1 &&
	    company_upsert(st, ei->reg_domain, f ? f->company : NULL, ei,
	    seen_at, &coid, e))
		return -1;
	if (!(s = stmt_get(st, S_CONTACT_GET, e)))
		return -1;
	bind_text(s, 1, email);
	if (step_row(st, s, "find contact", &cid, NULL, e))
		return -1;
	if (!(s = stmt_get(st, cid ? S_CONTACT_TOUCH : S_CONTACT_PUT, e)))
		return -1;
	if (cid)
		sqlite3_bind_int64(s, 1, cid);
	else
		bind_text(s, 1, email);
	bind_id(s, 2, coid);
	sqlite3_bind_int64(s, 3, seen_at);
	if (step_done(st, s, "store contact", e))
		return -1;
	if (!cid)
		cid = sqlite3_last_insert_rowid(st->db);
	if (field_merge(st, cid, "display_name", display_name, seen_at,
	    msg_id, e))
		return -1;
	if (f) {
		const struct {
			const char *field, *value;
		} one[] = {
			{ "name", f->name }, { "title", f->title },
			{ "company", f->company }, { "address", f->address },
			{ "website", f->website }, { "country", f->country },
			{ "whatsapp", f->whatsapp }, { "skype", f->skype },
			{ "wechat", f->wechat }, { "salutation", f->salutation },
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(one); i++)
			if (field_merge(st, cid, one[i].field, one[i].value,
			    seen_at, msg_id, e))
				return -1;
		for (i = 0; i < sig_nextra; i++)
			if (field_merge(st, cid, sig_extra_name(i),
			    sig_extra_value(f, i), seen_at, msg_id, e))
				return -1;
		if (field_merge_list(st, cid, "phone", &f->phones, seen_at,
		    msg_id, e) ||
		    field_merge_list(st, cid, "mobile", &f->mobiles, seen_at,
		    msg_id, e) ||
		    field_merge_list(st, cid, "fax", &f->faxes, seen_at, msg_id,
		    e) ||
		    field_merge_list(st, cid, "email", &f->emails, seen_at,
		    msg_id, e))
			return -1;
	}
	if (ei && ei->country && (!f || !f->country) &&
	    field_merge(st, cid, "country", ei->country, seen_at, msg_id, e))
		return -1;
	if (contact_id)
		*contact_id = cid;
	if (company_id)
		*company_id = coid;
	return 0;
}

/* --- inquiries ------------------------------------------------------------ */

int
store_put_inquiry(struct store *st, const struct store_inquiry *q,
    int64_t *id, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_PUT_INQUIRY, e);
	int i;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, q->msg_id);
	bind_text(s, 2, q->account);
	bind_text(s, 3, q->rep);
	bind_text(s, 4, q->rep_reason);
	bind_id(s, 5, q->contact_id);
	bind_id(s, 6, q->company_id);
	bind_text(s, 7, q->cls ? q->cls : "");
	bind_text(s, 8, q->status ? q->status : ST_NEW);
	for (i = 0; i < CLASS_COUNT; i++) {
		if (q->score)
			sqlite3_bind_double(s, 9 + i, q->score[i]);
	}
	bind_text(s, 12, q->lang);
	bind_text(s, 13, q->country);
	bind_text(s, 14, q->category);
	bind_text(s, 15, q->verdict_json);
	bind_text(s, 16, q->enrich_json);
	bind_text(s, 17, q->subject);
	bind_text(s, 18, q->sender_name);
	bind_text(s, 19, q->sender_email);
	sqlite3_bind_int64(s, 20, q->received_at);
	sqlite3_bind_int64(s, 21, (sqlite3_int64)time(NULL));
	if (q->subject) {
		char *ts = store_thread_subject(q->subject);

		bind_text(s, 22, ts);
		free(ts);
	}
	if (step_done(st, s, "store inquiry", e))
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* Looks one id up with a statement taking it as ?1. */
static int64_t
lookup_id(struct store *st, enum stmt_id sid, const char *key, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, sid, e);
	int64_t id = 0;

	if (!s)
		return -1;
	bind_text(s, 1, key);
	if (step_row(st, s, "find thread", &id, NULL, e))
		return -1;
	return id;
}

/* Tries one referenced Message-ID against inquiries, drafts, messages. */
static int64_t
thread_of(struct store *st, const char *ref, struct err *e)
{
	static const enum stmt_id order[] = { S_THREAD_INQ, S_THREAD_DRAFT,
	    S_THREAD_MSG, S_THREAD_LINK };
	size_t i;
	int64_t id;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		id = lookup_id(st, order[i], ref, e);
		if (id)
			return id;
	}
	return 0;
}

int64_t
store_find_thread(struct store *st, const char *in_reply_to,
    const char *references, struct err *e)
{
	int64_t id = 0;
	char *refs, *p, *tok, *save = NULL;

	if (in_reply_to && (id = thread_of(st, in_reply_to, e)) != 0)
		return id;
	if (!references)
		return 0;
	/* Newest reference first: it is the closest ancestor. */
	refs = xstrdup(references);
	{
		struct strlist l = STRLIST_INIT;
		size_t i;

		for (p = refs; (tok = strtok_r(p, " \t\r\n<>,", &save)); p = NULL)
			strlist_push(&l, tok);
		for (i = l.n; i-- > 0 && !id;)
			id = thread_of(st, l.v[i], e);
		strlist_release(&l);
	}
	free(refs);
	return id;
}

char *
store_thread_subject(const char *subject)
{
	static const char *const prefixes[] = {
		"re:", "re :", "fw:", "fwd:", "fw :", "aw:", "wg:", "sv:",
		"vs:", "tr:", "rv:", "res:", "enc:", "odp:", "antw:", "ynt:",
		"\xe5\x9b\x9e\xe5\xa4\x8d:",	/* 回复: */
		"\xe5\x9b\x9e\xe5\xa4\x8d\xef\xbc\x9a",	/* 回复： */
		"\xe7\xad\x94\xe5\xa4\x8d:",	/* 答复: */
		"\xe7\xad\x94\xe5\xa4\x8d\xef\xbc\x9a",	/* 答复： */
		"\xe8\xbd\xac\xe5\x8f\x91:",	/* 转发: */
		"\xe8\xbd\xac\xe5\x8f\x91\xef\xbc\x9a",	/* 转发： */
	};
	struct buf b = BUF_INIT(BUF_CAP_LINE);
	const char *p = subject;
	size_t i;
	int again = 1, space = 0;

	/* Strip "Re:", "Fwd:", "[External]" and the like, repeatedly. */
	while (again) {
		again = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
			if (starts_with_icase(p, prefixes[i])) {
				p += strlen(prefixes[i]);
				again = 1;
			}
		}
		if (*p == '[') {
			const char *rb = strchr(p, ']');

			if (rb && rb - p < 40) {
				p = rb + 1;
				again = 1;
			}
		}
	}
	/* Lowercase ASCII, collapse white space. */
	for (; *p; p++) {
		char c = *p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_addch(&b, ' ');
		space = 0;
		buf_addch(&b, c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	return buf_detach(&b, NULL);
}

int64_t
store_find_by_subject(struct store *st, const char *recipient,
    const char *subject, struct err *e)
{
	sqlite3_stmt *s;
	char *ts;
	int64_t id = 0;

	if (!recipient || !subject)
		return 0;
	ts = store_thread_subject(subject);
	if (!*ts) {
		free(ts);
		return 0;
	}
	if (!(s = stmt_get(st, S_THREAD_SUBJECT, e))) {
		free(ts);
		return -1;
	}
	bind_text(s, 1, recipient);
	bind_text(s, 2, ts);
	if (step_row(st, s, "find thread by subject", &id, NULL, e))
		id = -1;
	free(ts);
	return id;
}

/* Funnel order of the statuses that mail can move forward. */
static int
status_rank(const char *s)
{
	static const char *const order[] = { ST_RECORDED, ST_NEW, ST_DRAFTED,
	    ST_REPLIED, ST_QUOTED, ST_ANSWERED };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (!strcmp(s, order[i]))
			return (int)i;
	return 100;	/* won, lost, spam, not-inquiry, failed: final */
}

int
store_advance_status(struct store *st, int64_t inquiry_id,
    const char *status, const char *source, const char *detail, int64_t at,
    struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_GET_STATUS, e);
	char *cur = NULL;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, inquiry_id);
	if (step_row(st, s, "read status", NULL, &cur, e))
		return -1;
	if (!cur)
		return err_set(e, ERR_PERM, "no inquiry #%lld",
		    (long long)inquiry_id);
	/* The event is history either way; the status only moves forward. */
	if (status_rank(status) > status_rank(cur) &&
	    status_rank(cur) < 100) {
		if (!(s = stmt_get(st, S_SET_STATUS, e))) {
			free(cur);
			return -1;
		}
		sqlite3_bind_int64(s, 1, inquiry_id);
		bind_text(s, 2, status);
		sqlite3_bind_int64(s, 3, at);
		if (step_done(st, s, "set status", e)) {
			free(cur);
			return -1;
		}
	}
	free(cur);
	return store_add_event(st, inquiry_id, !strcmp(status, ST_QUOTED) ?
	    "quote_sent" : status, source, detail, at, e);
}

int
store_customer_followup(struct store *st, int64_t inquiry_id,
    const char *source, const char *detail, int64_t at, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_GET_STATUS, e);
	int replied = 0, rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, inquiry_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *cur = (const char *)sqlite3_column_text(s, 0);

		replied = cur && (!strcmp(cur, ST_REPLIED) ||
		    !strcmp(cur, ST_QUOTED) || !strcmp(cur, ST_ANSWERED));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sql_fail(st, rc, "read status", e);
	if (replied)
		return store_advance_status(st, inquiry_id, ST_ANSWERED, source,
		    detail, at, e);
	return store_add_event(st, inquiry_id, "followup", source, detail, at,
	    e);
}

int
store_find_rep(struct store *st, int64_t contact_id, int64_t company_id,
    char **rep, int64_t *inquiry_id, struct err *e)
{
	const struct {
		enum stmt_id sid;
		int64_t key;
	} tries[] = { { S_REP_CONTACT, contact_id },
	    { S_REP_COMPANY, company_id } };
	size_t i;
	int rc;

	*rep = NULL;
	*inquiry_id = 0;
	for (i = 0; i < ARRAY_SIZE(tries); i++) {
		sqlite3_stmt *s;

		if (tries[i].key <= 0)
			continue;
		if (!(s = stmt_get(st, tries[i].sid, e)))
			return -1;
		sqlite3_bind_int64(s, 1, tries[i].key);
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*rep = col_text(s, 0);
			*inquiry_id = sqlite3_column_int64(s, 1);
			sqlite3_reset(s);
			return 1;
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return sql_fail(st, rc, "find rep", e);
	}
	return 0;
}

int
store_link_message(struct store *st, int64_t msg_id, int64_t inquiry_id,
    struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_LINK_MSG, e);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, msg_id);
	sqlite3_bind_int64(s, 2, inquiry_id);
	return step_done(st, s, "link message", e);
}

int
store_state_get(struct store *st, const char *key, char **value,
    struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_STATE_GET, e);

	*value = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, key);
	return step_row(st, s, "read state", NULL, value, e);
}

int
store_state_set(struct store *st, const char *key, const char *value,
    int64_t now, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_STATE_SET, e);

	if (!s)
		return -1;
	bind_text(s, 1, key);
	bind_text(s, 2, value);
	sqlite3_bind_int64(s, 3, now);
	return step_done(st, s, "store state", e);
}

int
store_add_event(struct store *st, int64_t inquiry_id, const char *type,
    const char *source, const char *detail, int64_t at, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_ADD_EVENT, e);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, inquiry_id);
	bind_text(s, 2, type);
	sqlite3_bind_int64(s, 3, at);
	bind_text(s, 4, source);
	bind_text(s, 5, detail);
	return step_done(st, s, "store event", e);
}

int
store_set_status(struct store *st, int64_t inquiry_id, const char *status,
    const char *source, int64_t at, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_SET_STATUS, e);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, inquiry_id);
	bind_text(s, 2, status);
	sqlite3_bind_int64(s, 3, at);
	if (step_done(st, s, "set status", e))
		return -1;
	if (sqlite3_changes(st->db) == 0)
		return err_set(e, ERR_PERM, "no inquiry #%lld",
		    (long long)inquiry_id);
	return store_add_event(st, inquiry_id, status, source, NULL, at, e);
}

long
store_next_quote_seq(struct store *st, int64_t now, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_QSEQ_GET, e);
	char day[21];
	long seq = 0;
	int64_t last = 0;

	if (!s)
		return -1;
	fmt_time_utc(now, day);
	day[10] = '\0';
	bind_text(s, 1, day);
	if (step_row(st, s, "quote sequence", &last, NULL, e))
		return -1;
	seq = (long)last + 1;
	if (!(s = stmt_get(st, S_QSEQ_SET, e)))
		return -1;
	bind_text(s, 1, day);
	sqlite3_bind_int64(s, 2, seq);
	if (step_done(st, s, "quote sequence", e))
		return -1;
	return seq;
}

int
store_put_draft(struct store *st, const struct store_draft *d, int64_t *id,
    struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_PUT_DRAFT, e);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, d->inquiry_id);
	bind_text(s, 2, d->message_id);
	bind_text(s, 3, d->path);
	bind_text(s, 4, d->subject);
	bind_text(s, 5, d->to_addr);
	bind_text(s, 6, d->lang);
	bind_text(s, 7, d->notes);
	bind_text(s, 8, d->account);
	sqlite3_bind_int64(s, 9, (sqlite3_int64)time(NULL));
	if (step_done(st, s, "store draft", e))
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_draft_delivered(struct store *st, const char *message_id,
    const char *mailbox, int64_t at, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_DRAFT_DELIVERED, e);

	if (!s)
		return -1;
	bind_text(s, 1, message_id);
	bind_text(s, 2, mailbox);
	sqlite3_bind_int64(s, 3, at);
	return step_done(st, s, "record draft delivery", e);
}

int
store_put_quote(struct store *st, const struct store_quote *q, int64_t *id,
    struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_PUT_QUOTE, e);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, q->inquiry_id);
	bind_text(s, 2, q->number);
	bind_text(s, 3, q->path);
	bind_text(s, 4, q->title);
	bind_text(s, 5, q->currency);
	sqlite3_bind_double(s, 6, q->total);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)time(NULL));
	if (step_done(st, s, "store quote", e))
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* --- reading back ------------------------------------------------------- */

void
inquiry_row_release(struct inquiry_row *r)
{
	free(r->cls);
	free(r->status);
	free(r->account);
	free(r->rep);
	free(r->rep_reason);
	free(r->message_id);
	free(r->sender_name);
	free(r->sender_email);
	free(r->subject);
	free(r->lang);
	free(r->country);
	free(r->category);
	free(r->draft_path);
	free(r->draft_message_id);
	free(r->quote_path);
	free(r->quote_number);
	free(r->verdict_json);
	free(r->enrich_json);
	free(r->reason);
	free(r->source);
	memset(r, 0, sizeof(*r));
}

/* Fills r from a row of the S_GET column layout. */
static void
row_read(sqlite3_stmt *s, struct inquiry_row *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	r->cls = col_text(s, 1);
	r->status = col_text(s, 2);
	r->account = col_text(s, 3);
	r->rep = col_text(s, 4);
	r->rep_reason = col_text(s, 5);
	r->message_id = col_text(s, 6);
	r->sender_name = col_text(s, 7);
	r->sender_email = col_text(s, 8);
	r->subject = col_text(s, 9);
	r->lang = col_text(s, 10);
	r->country = col_text(s, 11);
	r->category = col_text(s, 12);
	for (i = 0; i < CLASS_COUNT; i++)
		r->score[i] = sqlite3_column_double(s, 13 + i);
	r->received_at = sqlite3_column_int64(s, 16);
	r->created_at = sqlite3_column_int64(s, 17);
	r->draft_path = col_text(s, 18);
	r->draft_message_id = col_text(s, 19);
	r->quote_path = col_text(s, 20);
	r->quote_number = col_text(s, 21);
	r->verdict_json = col_text(s, 22);
	r->enrich_json = col_text(s, 23);
	r->reason = col_text(s, 24);
	r->source = col_text(s, 25);
	r->msg_id = sqlite3_column_int64(s, 26);
}

int
store_list(struct store *st, const struct inquiry_filter *f,
    int (*fn)(const struct inquiry_row *r, void *arg), void *arg,
    struct err *e)
{
	/* One static statement; unused filters bind NULL and match all. */
	static const char *const sql =
	    "SELECT q.id, q.class, q.status, q.account, q.rep, q.rep_reason,"
	    " m.message_id, q.sender_name, q.sender_email, q.subject, q.lang,"
	    " q.country, q.category, q.score_vague, q.score_detailed,"
	    " q.score_spam, q.received_at, q.created_at,"
	    " (SELECT path FROM drafts d WHERE d.inquiry_id = q.id"
	    "  ORDER BY d.id DESC LIMIT 1),"
	    " (SELECT message_id FROM drafts d WHERE d.inquiry_id = q.id"
	    "  ORDER BY d.id DESC LIMIT 1),"
	    " (SELECT path FROM quotes u WHERE u.inquiry_id = q.id"
	    "  ORDER BY u.id DESC LIMIT 1),"
	    " (SELECT number FROM quotes u WHERE u.inquiry_id = q.id"
	    "  ORDER BY u.id DESC LIMIT 1),"
	    " NULL, NULL, m.reason,"
	    " coalesce(m.source, m.account || ':' || m.mailbox || ':' ||"
	    "  m.uidvalidity || ':' || m.uid), m.id"
	    " FROM inquiries q JOIN messages m ON m.id = q.msg_id"
	    " WHERE (?1 IS NULL OR q.status = ?1)"
	    " AND (?2 IS NULL OR q.class = ?2)"
	    " AND (?3 IS NULL OR q.received_at >= ?3)"
	    " AND (?4 IS NULL OR q.received_at < ?4)"
	    " AND (?5 IS NULL OR q.account = ?5)"
	    " ORDER BY q.received_at DESC, q.id DESC"
	    " LIMIT coalesce(?6, -1)";
	sqlite3_stmt *s = NULL;
	struct inquiry_row r;
	int rc, res = 0;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(st, rc, "list inquiries", e);
	bind_text(s, 1, f ? f->status : NULL);
	bind_text(s, 2, f ? f->cls : NULL);
	if (f && f->since)
		sqlite3_bind_int64(s, 3, f->since);
	if (f && f->until)
		sqlite3_bind_int64(s, 4, f->until);
	bind_text(s, 5, f ? f->account : NULL);
	if (f && f->limit > 0)
		sqlite3_bind_int64(s, 6, f->limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row_read(s, &r);
		res = fn(&r, arg);
		inquiry_row_release(&r);
		if (res)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		res = sql_fail(st, rc, "list inquiries", e);
	sqlite3_finalize(s);
	return res;
}

int
store_get(struct store *st, int64_t id, struct inquiry_row *r, struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_GET, e);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		row_read(s, r);
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return sql_fail(st, rc, "read inquiry", e);
	return 0;
}

char *
store_message_raw(struct store *st, int64_t msg_id, size_t *len,
    struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_MESSAGE_RAW, e);
	char *p = NULL;
	int rc, n;

	*len = 0;
	if (!s)
		return NULL;
	sqlite3_bind_int64(s, 1, msg_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_BLOB) {
		n = sqlite3_column_bytes(s, 0);
		p = xmalloc((size_t)n + 1);
		memcpy(p, sqlite3_column_blob(s, 0), (size_t)n);
		p[n] = '\0';
		*len = (size_t)n;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sql_fail(st, rc, "read failed message", e);
	}
	sqlite3_reset(s);
	return p;
}

int
store_events(struct store *st, int64_t inquiry_id,
    int (*fn)(const struct event_row *ev, void *arg), void *arg,
    struct err *e)
{
	sqlite3_stmt *s = stmt_get(st, S_EVENTS, e);
	struct event_row ev;
	int rc, res = 0;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, inquiry_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ev.type = col_text(s, 0);
		ev.source = col_text(s, 1);
		ev.detail = col_text(s, 2);
		ev.at = sqlite3_column_int64(s, 3);
		res = fn(&ev, arg);
		free(ev.type);
		free(ev.source);
		free(ev.detail);
		if (res)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		res = sql_fail(st, rc, "read events", e);
	sqlite3_reset(s);
	return res;
}

/* --- reports ------------------------------------------------------------ */

int
store_report_rows(struct store *st, int64_t since, int64_t until,
    int (*fn)(const struct report_row *r, void *arg), void *arg,
    struct err *e)
{
	/* One pass over the inquiries in table order, each joined to its
	 * events through the covering events_funnel index, then one sort:
	 * n log n, and the pages are read in order (an aggregate subquery
	 * joined by an automatic index read the table in received_at order
	 * instead, 17 times slower for 10 times the rows). */
	static const char *const sql =
	    "SELECT q.id, q.class, q.status, q.rep, q.country, q.category,"
	    " q.account, coalesce(q.sender_email, ''), q.subject,"
	    " q.received_at,"
	    " min(CASE WHEN e.type = 'drafted' THEN e.at END),"
	    " min(CASE WHEN e.type = 'replied' THEN e.at END),"
	    " min(CASE WHEN e.type = 'quote_sent' THEN e.at END),"
	    " max(CASE WHEN e.type = 'answered' THEN e.at END),"
	    " max(CASE WHEN e.type = 'won' THEN e.at END),"
	    " max(CASE WHEN e.type = 'lost' THEN e.at END)"
	    " FROM inquiries q LEFT JOIN events e ON e.inquiry_id = q.id"
	    " WHERE q.status NOT IN ('failed', 'recorded')"
	    " AND (?1 IS NULL OR q.received_at >= ?1)"
	    " AND (?2 IS NULL OR q.received_at < ?2)"
	    " GROUP BY q.id"
	    " ORDER BY q.received_at, q.id";
	sqlite3_stmt *s = NULL;
	struct report_row r;
	int rc, res = 0;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(st, rc, "report", e);
	if (since)
		sqlite3_bind_int64(s, 1, since);
	if (until)
		sqlite3_bind_int64(s, 2, until);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(s, 0);
		r.cls = (const char *)sqlite3_column_text(s, 1);
		r.status = (const char *)sqlite3_column_text(s, 2);
		r.rep = (const char *)sqlite3_column_text(s, 3);
		r.country = (const char *)sqlite3_column_text(s, 4);
		r.category = (const char *)sqlite3_column_text(s, 5);
		r.account = (const char *)sqlite3_column_text(s, 6);
		r.sender = (const char *)sqlite3_column_text(s, 7);
		r.subject = (const char *)sqlite3_column_text(s, 8);
		r.received_at = sqlite3_column_int64(s, 9);
		r.drafted_at = sqlite3_column_int64(s, 10);
		r.replied_at = sqlite3_column_int64(s, 11);
		r.quoted_at = sqlite3_column_int64(s, 12);
		r.answered_at = sqlite3_column_int64(s, 13);
		r.won_at = sqlite3_column_int64(s, 14);
		r.lost_at = sqlite3_column_int64(s, 15);
		if ((res = fn(&r, arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		res = sql_fail(st, rc, "report", e);
	sqlite3_finalize(s);
	return res;
}

/* --- contacts export -------------------------------------------------------- */

/* Copies the strings of one SQLite row into owned storage of the list. */
static const char *
keep(struct strlist *owned, sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	if (!t)
		return NULL;
	strlist_push(owned, (const char *)t);
	return owned->v[owned->n - 1];
}

int
store_contacts(struct store *st,
    int (*fn)(const struct contact_row *c, void *arg), void *arg,
    struct err *e)
{
	static const char *const sql =
	    "SELECT c.id, c.email, co.domain, c.created_at, c.updated_at,"
	    " (SELECT count(*) FROM inquiries q WHERE q.contact_id = c.id),"
	    " f.field, f.value, f.current, f.first_seen, f.last_seen"
	    " FROM contacts c LEFT JOIN companies co ON co.id = c.company_id"
	    " LEFT JOIN contact_fields f ON f.contact_id = c.id"
	    " ORDER BY c.email, c.id, f.current DESC, f.field, f.last_seen DESC";
	sqlite3_stmt *s = NULL;
	struct contact_row c;
	struct strlist owned = STRLIST_INIT;
	size_t alloc = 0;
	int rc, res = 0, have = 0;

	memset(&c, 0, sizeof(c));
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(st, rc, "contacts", e);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);

		if (have && id != c.id) {
			res = fn(&c, arg);
			strlist_release(&owned);
			c.nfields = 0;
			have = 0;
			if (res)
				break;
		}
		if (!have) {
			c.id = id;
			c.email = keep(&owned, s, 1);
			c.company_domain = keep(&owned, s, 2);
			c.created_at = sqlite3_column_int64(s, 3);
			c.updated_at = sqlite3_column_int64(s, 4);
			c.inquiries = (long)sqlite3_column_int64(s, 5);
			have = 1;
		}
		if (sqlite3_column_type(s, 6) != SQLITE_NULL) {
			struct contact_field *f;

			GROW(c.fields, c.nfields + 1, alloc);
			f = &c.fields[c.nfields++];
			f->field = keep(&owned, s, 6);
			f->value = keep(&owned, s, 7);
			f->current = sqlite3_column_int(s, 8);
			f->first_seen = sqlite3_column_int64(s, 9);
			f->last_seen = sqlite3_column_int64(s, 10);
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		res = sql_fail(st, rc, "contacts", e);
	else if (have && !res)
		res = fn(&c, arg);
	strlist_release(&owned);
	free(c.fields);
	sqlite3_finalize(s);
	return res;
}

/* --- enrichment cache ------------------------------------------------------ */

static char *
cache_get(void *ctx, const char *domain, int64_t now)
{
	struct store *st = ctx;
	struct err e = ERR_INIT;
	sqlite3_stmt *s = stmt_get(st, S_CACHE_GET, &e);
	char *json = NULL;

	if (!s)
		return NULL;
	bind_text(s, 1, domain);
	sqlite3_bind_int64(s, 2, now);
	if (sqlite3_step(s) == SQLITE_ROW)
		json = col_text(s, 0);
	sqlite3_reset(s);
	return json;
}

static void
cache_put(void *ctx, const char *domain, const char *json, int64_t expires)
{
	struct store *st = ctx;
	struct err e = ERR_INIT;
	sqlite3_stmt *s = stmt_get(st, S_CACHE_PUT, &e);

	if (!s)
		return;
	bind_text(s, 1, domain);
	bind_text(s, 2, json);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(s, 4, expires);
	if (step_done(st, s, "cache", &e))
		log_warnx("%s", e.msg);
}

void
store_enrich_cache(struct store *st, struct enrich_cache *out)
{
	out->ctx = st;
	out->get = cache_get;
	out->put = cache_put;
}

/* --- the outbox: drafts waiting for their APPEND ------------------------ */

int
store_undelivered_drafts(struct store *st, const char *account,
    int (*fn)(const struct store_outbox_draft *d, void *arg), void *arg,
    struct err *e)
{
	/* Only the latest draft of an inquiry: "inquiryd draft ID" makes a
	 * new one (a new Message-ID) that replaces an older one. */
	static const char sql[] =
	    "SELECT d.inquiry_id, d.message_id, d.path FROM drafts d"
	    " WHERE d.account = ?1 AND d.delivered_at IS NULL"
	    " AND d.id = (SELECT max(x.id) FROM drafts x"
	    "  WHERE x.inquiry_id = d.inquiry_id)"
	    " ORDER BY d.id";
	struct store_outbox_draft d;
	sqlite3_stmt *s = NULL;
	int rc, res = 0;

	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(st, rc, "undelivered drafts", e);
	bind_text(s, 1, account);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		d.inquiry_id = sqlite3_column_int64(s, 0);
		d.message_id = (const char *)sqlite3_column_text(s, 1);
		d.path = (const char *)sqlite3_column_text(s, 2);
		if (!d.message_id || !d.path)
			continue;
		if ((res = fn(&d, arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		res = sql_fail(st, rc, "undelivered drafts", e);
	sqlite3_finalize(s);
	return res;
}

/* --- tuning for long runs ----------------------------------------------- */

int
store_poller_cache(struct store *st, struct err *e)
{
	/* Fixed text: no SQL is built from values. */
	return exec_sql(st, "PRAGMA cache_size = -16384", "set the page cache",
	    e);
}
