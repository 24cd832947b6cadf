/*
 * imap.h - one IMAP session per account: TLS, authentication, mailbox
 * discovery, EXAMINE, UID SEARCH, streamed UID FETCH, IDLE, APPEND.
 *
 * The only module that calls libetpan's IMAP API (and GnuTLS, to verify
 * the server's certificate, which libetpan built with GnuTLS does not do).
 * The API has plain C types; the session is opaque.
 *
 * Read-only by construction: messages are fetched with BODY.PEEK[], so
 * \Seen is never set; nothing is deleted or expunged; STORE is limited to
 * keywords (never a system flag) and MOVE happens only when the caller
 * asks, which it does only when the account configures it.
 *
 * Mailbox names are UTF-8 in this API (in the config too); imap.c turns
 * them into modified UTF-7 on the wire and back (RFC 3501 5.1.3).
 *
 * imap_connect() sets SIGPIPE to ignored: a server that closes while we
 * write must give an error (EPIPE), not end the process.
 *
 * Made for a single-threaded poll(2) loop (STYLE.md 14): every network
 * step is bounded by the account's timeout (conf "timeout", default 60 s),
 * so a server that stops answering gives ERR_TEMP, never a hang; IDLE is
 * split in imap_idle_start() / imap_idle_done() so the loop can wait on
 * imap_fd() among other descriptors.  A session is not re-entrant: the
 * imap_fetch() callback must not call back into the same session.
 *
 * Errors (err.h), all naming the account ("account 'sales': ..."):
 *   ERR_TEMP    the network, a timeout, the server closed or said BYE,
 *               [UNAVAILABLE]: reconnect later with backoff.  After an
 *               ERR_TEMP the session is dead (imap_alive() is 0): close
 *               it and connect again.
 *   ERR_PERM    the server refused: wrong credentials, a certificate that
 *               does not verify, STARTTLS missing, a mailbox that does not
 *               exist, a command answered NO.  Retrying will not help
 *               until someone changes something; the daemon may still
 *               retry slowly.  imap_fail() says which.
 *   ERR_CONFIG  the account's settings cannot work (no password source,
 *               an unreadable ca_file, a bad auth method for this server).
 */
#ifndef INQUIRYD_IMAP_H
#define INQUIRYD_IMAP_H

#include "util.h"

struct buf;
struct conf_account;
struct err;

struct imap;	/* opaque */

/* Why the last call failed, finer than the err kind. */
enum imap_fail {
	IMAP_FAIL_NONE = 0,
	IMAP_FAIL_NET,		/* connect, read, write, timeout, BYE */
	IMAP_FAIL_TLS,		/* handshake or certificate check */
	IMAP_FAIL_AUTH,		/* credentials rejected */
	IMAP_FAIL_REFUSED,	/* a command answered NO or BAD */
	IMAP_FAIL_PROTO,	/* the server broke the protocol */
	IMAP_FAIL_CONFIG,	/* our settings cannot work */
};

/* Message flags (system flags only; keywords are separate). */
#define IMAP_FLAG_SEEN		0x01
#define IMAP_FLAG_ANSWERED	0x02
#define IMAP_FLAG_FLAGGED	0x04
#define IMAP_FLAG_DELETED	0x08
#define IMAP_FLAG_DRAFT		0x10
#define IMAP_FLAG_RECENT	0x20

/* Seconds after which an IDLE must be ended and re-issued (RFC 2177 says
 * servers may drop it after 30 minutes). */
#define IMAP_IDLE_MAX_SECONDS	(25 * 60)

/*
 * Connects to the account's server, protects the connection and logs in:
 *   imaps://  TLS from the first byte;
 *   imap://   STARTTLS, refused when the server does not offer it (or
 *             greets with PREAUTH), unless the config says starttls = no,
 *             which is logged as a warning at every connect.
 * The certificate is verified against ca_file (when set, it replaces the
 * system store) or the system store, and the host name is checked, before
 * any command is sent.  tls_verify = no skips that, with a warning at every
 * connect.  The secret comes from conf_secret() (password, password_file or
 * password_command).  Authentication per a->auth: login, plain, xoauth2,
 * oauthbearer (the secret is then an access token), or auto: PLAIN, else
 * LOGIN, else OAUTHBEARER / XOAUTH2, whichever the server offers first.
 *
 * a is borrowed and must outlive the session.  Returns the session, or
 * NULL with e set.
 */
struct imap *imap_connect(const struct conf_account *a, struct err *e);

/*
 * Logs out (best effort, short timeout) and frees; NULL is fine.  It does
 * not read the account settings, so it may run after the conf_account
 * the session borrowed was released (a reload swapped the config).
 */
void imap_close(struct imap *im);

/* The account's name, for messages. */
const char *imap_account(const struct imap *im);

/* The socket, for poll(2); -1 when not connected. */
int imap_fd(const struct imap *im);

/* 1 while the connection is usable; 0 after an ERR_TEMP. */
int imap_alive(const struct imap *im);

/* What the last failed call ran into (IMAP_FAIL_NONE after a success). */
enum imap_fail imap_fail(const struct imap *im);

/* 1 when the server advertises the capability ("IDLE", "MOVE", ...). */
int imap_has_cap(struct imap *im, const char *cap);

/*
 * Finds the folder carrying a special-use attribute (RFC 6154), such as
 * "\\Drafts" or "\\Sent", with LIST "" "*".  *name gets a malloc'd name,
 * or NULL when no folder has it.  Returns 0, or -1 with e set.
 */
int imap_find_special(struct imap *im, const char *use, char **name,
    struct err *e);

/*
 * The drafts and sent folder names for the account: the configured ones,
 * else the special-use ones, else a folder literally named "Drafts" /
 * "Sent" when it exists.  *drafts and *sent get malloc'd names or NULL
 * (none found).  Either pointer may be NULL to skip it.
 */
int imap_resolve_folders(struct imap *im, char **drafts, char **sent,
    struct err *e);

struct imap_mailbox {
	uint32_t uidvalidity;
	uint32_t uidnext;	/* 0 when the server did not say */
	uint32_t exists;
	int readonly;
};

/*
 * Opens a mailbox: EXAMINE (read-only) unless writable is set, then
 * SELECT (needed only for imap_store_keyword and imap_move).  Fills mb.
 * A missing mailbox is ERR_PERM / IMAP_FAIL_REFUSED.
 */
int imap_open_mailbox(struct imap *im, const char *name, int writable,
    struct imap_mailbox *mb, struct err *e);

/* The mailbox opened last, or NULL. */
const char *imap_mailbox_name(const struct imap *im);

/* A growing list of UIDs in ascending order. */
struct imap_uids {
	uint32_t *v;		/* owned */
	size_t n;
	size_t alloc;
};
#define IMAP_UIDS_INIT { NULL, 0, 0 }
/* Appends uid (out of memory exits). */
void imap_uids_push(struct imap_uids *u, uint32_t uid);
void imap_uids_release(struct imap_uids *u);

/*
 * A UID SEARCH query; zero fields are left out, so an all-zero query is
 * "ALL".  Conditions combine with AND.
 */
struct imap_query {
	uint32_t uid_min;	/* UID uid_min:* (or :uid_max) */
	uint32_t uid_max;
	int64_t since;		/* SINCE the UTC day of this time */
	const char *header;	/* HEADER header value, e.g. "Message-ID" */
	const char *value;
};

/*
 * UID SEARCH in the open mailbox; the UIDs found are appended to out,
 * sorted ascending and without duplicates.
 */
int imap_search(struct imap *im, const struct imap_query *q,
    struct imap_uids *out, struct err *e);

/* One message as imap_fetch() hands it over. */
struct imap_msg {
	uint32_t uid;
	uint32_t size;		/* RFC822.SIZE */
	int64_t internaldate;	/* seconds since the epoch, UTC */
	unsigned flags;		/* IMAP_FLAG_* */
	const struct strlist *keywords;	/* borrowed, never NULL */
	const char *data;	/* the whole message, NOT NUL-safe; borrowed */
	size_t len;
	int too_big;		/* size > max_message_size: data is NULL */
};

/*
 * Called once per message, in ascending UID order.  m and everything it
 * points to is valid only during the call.  Return 0 to go on, non-zero
 * to stop after this message (imap_fetch then returns 1).
 */
typedef int (*imap_msg_fn)(const struct imap_msg *m, void *arg);

/*
 * Fetches the messages with these UIDs (in any order; missing ones, such
 * as expunged messages, are skipped) from the open mailbox: first
 * RFC822.SIZE, INTERNALDATE and FLAGS for up to fetch_batch UIDs at a
 * time, then BODY.PEEK[] (never \Seen) for those at or under the
 * account's max_message_size, in groups capped both by fetch_batch and by
 * bytes, so memory stays flat whatever the mailbox size.  A message over
 * the cap is handed over with too_big set and no data, without fetching
 * its body.  Returns 0 when all were handed over, 1 when fn stopped, -1
 * with e set.
 */
int imap_fetch(struct imap *im, const uint32_t *uids, size_t n,
    imap_msg_fn fn, void *arg, struct err *e);

/*
 * IDLE (RFC 2177) in the open mailbox: imap_idle_start() sends IDLE and
 * waits for the server's go-ahead.  The caller then polls imap_fd() for
 * POLLIN (first checking imap_idle_ready(), as bytes may already be
 * buffered), and calls imap_idle_done() when the fd is readable, when it
 * wants to send another command, or before IMAP_IDLE_MAX_SECONDS pass
 * (imap_idle_started() gives when IDLE began, now_ms() clock).
 * imap_idle_done() sends DONE and reads the server's answers; *changed is
 * set when they announced new or removed messages (EXISTS, EXPUNGE,
 * RECENT or FETCH), so the caller knows to search.  A server without IDLE
 * gives ERR_PERM / IMAP_FAIL_REFUSED from imap_idle_start (poll instead).
 */
int imap_idle_start(struct imap *im, struct err *e);
int imap_idle_ready(struct imap *im);
uint64_t imap_idle_started(const struct imap *im);
int imap_idle_done(struct imap *im, int *changed, struct err *e);
/* 1 between imap_idle_start and imap_idle_done. */
int imap_idling(const struct imap *im);

/* NOOP: a keep-alive that also collects news; *changed as for IDLE. */
int imap_noop(struct imap *im, int *changed, struct err *e);

/*
 * APPENDs a message to mailbox with the given IMAP_FLAG_* flags (e.g.
 * IMAP_FLAG_DRAFT | IMAP_FLAG_SEEN for a draft) and internal date (0: the
 * server's clock).  *uid (may be NULL) gets the new UID when the server
 * has UIDPLUS, else 0.  Does not change the open mailbox.
 */
int imap_append(struct imap *im, const char *mailbox, const char *data,
    size_t len, unsigned flags, int64_t date, uint32_t *uid, struct err *e);

/*
 * Whether mailbox holds a message whose header (e.g. "Message-ID")
 * contains any of values[0..n) (IMAP HEADER search: a case-insensitive
 * substring; no value may be empty): opens mailbox read-only and asks one
 * UID SEARCH of ORs per IMAP_ANY_CHUNK values, so that a batch of drafts
 * costs one search of the folder, not one each.  *any gets 1 or 0.
 * Leaves mailbox open (read-only).  Fails as imap_search.
 */
#define IMAP_ANY_CHUNK	50
int imap_header_any(struct imap *im, const char *mailbox, const char *header,
    char *const *values, size_t n, int *any, struct err *e);

/*
 * APPEND made idempotent by Message-ID: opens mailbox read-only, searches
 * HEADER Message-ID for message_id and appends only when no message has
 * it.  *found is set when one did (its UID in *uid).  Leaves mailbox open
 * (read-only): reopen the inbox afterwards.
 */
int imap_append_once(struct imap *im, const char *mailbox,
    const char *message_id, const char *data, size_t len, unsigned flags,
    uint32_t *uid, int *found, struct err *e);

/*
 * UID STORE +FLAGS.SILENT (keyword) on these UIDs of the open mailbox,
 * which must have been opened writable.  Only keywords are accepted (an
 * atom without a backslash): system flags such as \Seen or \Deleted are
 * refused with ERR_CONFIG.
 */
int imap_store_keyword(struct imap *im, const uint32_t *uids, size_t n,
    const char *keyword, struct err *e);

/*
 * UID MOVE (RFC 6851) of these UIDs from the open (writable) mailbox to
 * dest.  A server without MOVE gives ERR_PERM: inquiryd never falls back
 * to COPY + \Deleted + EXPUNGE.
 */
int imap_move(struct imap *im, const uint32_t *uids, size_t n,
    const char *dest, struct err *e);

#ifdef INQUIRYD_UNITTEST
/* Pure helpers, exposed to tests/unit/test_imap.c. */
char *imap_b64_encode(const void *p, size_t n);
int imap_b64_decode(const char *s, struct buf *out);
char *imap_sasl_plain(const char *user, const char *pass, size_t *len);
char *imap_sasl_xoauth2(const char *user, const char *token);
char *imap_sasl_oauthbearer(const char *user, const char *token);
const char *imap_pick_auth(const char *wanted, int plain, int login,
    int xoauth2, int oauthbearer);
int imap_valid_keyword(const char *kw);
char *imap_mutf7_encode(const char *name);
char *imap_mutf7_decode(const char *name);
void imap_uids_normalise(struct imap_uids *u);
#endif

#endif
