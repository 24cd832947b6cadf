/*
 * daemon.h - the poller: every configured IMAP account into the pipeline,
 * once ("poll --once", for cron or a systemd timer) or for ever on one
 * event loop ("run").
 *
 * One pass over an account:
 *   1. connect (or check the session with NOOP) and find the Drafts and
 *      Sent folders;
 *   2. the outbox: drafts committed earlier but not yet in the Drafts
 *      folder are APPENDed (outbox.h), so a crash between a commit and
 *      its APPEND neither loses nor doubles a draft;
 *   3. the inbox, then the Sent folder (origin.outgoing: the rep's
 *      replies move inquiries to replied / quoted): UID SEARCH past the
 *      cursor, UID FETCH in batches, each message through
 *      pipeline_process(), which commits the message and the cursor
 *      (account, mailbox, UIDVALIDITY, UID) in one transaction.  After
 *      each batch the drafts it made are APPENDed, and the messages it
 *      settled get flag_processed / move_processed when configured.
 *
 * Exactly once: the cursor only moves with a committed message.  A new
 * UIDVALIDITY rescans the mailbox from UID 1; the pipeline recognises
 * stored messages by Message-ID and body hash.  A message over
 * max_message_size is recorded and quarantined without being loaded; one
 * that the server refuses to send, or that the pipeline cannot settle for
 * a permanent reason, is quarantined with the reason ("list --status
 * failed") and the pass goes on.  A temporary failure of the pipeline
 * (database busy, disk full) stops the pass before that message, without
 * moving the cursor: it is tried again at the next pass.
 *
 * Backfill: a message that reached the mailbox (INTERNALDATE) more than
 * backfill_days ago is only recorded, without a draft.  That is what keeps
 * the first connection to a mailbox with years of history from making
 * thousands of drafts; it holds at every pass (so a first pass cut short
 * by a crash, a rescan after a UIDVALIDITY change and old mail moved into
 * the inbox from an archive behave the same way).
 *
 * The daemon: one evloop.  Each account has its own timers: a full pass
 * every poll_interval, IMAP IDLE on the inbox between passes where the
 * server has it (re-issued every IMAP_IDLE_MAX_SECONDS, which also serves
 * as the keep-alive; NOOP when IDLE is off or missing), and a retry timer
 * with exponential backoff and jitter after a failure.  Every network step
 * is bounded by the account's timeout, and a long first pass yields to the
 * other accounts every DAEMON_SLICE_MS, so one account never holds up the
 * others for long.  SIGTERM/SIGINT finish the message in hand and stop;
 * SIGHUP reloads config, rules, templates and catalog all-or-nothing
 * (pipeline_reload), starting and stopping accounts the new config adds or
 * removes.
 */
#ifndef INQUIRYD_DAEMON_H
#define INQUIRYD_DAEMON_H

#include "util.h"

struct err;
struct pipeline;

/* How long one account may work before the others get their turn. */
#define DAEMON_SLICE_MS		5000

struct daemon_opts {
	const char *account;	/* only this account (poll --account); NULL */
	int once;		/* one pass over each account, then return */
	int idle;		/* IDLE between passes where allowed (run) */
	int quiet;		/* no progress and no summary on stdout */
	int log_progress;	/* progress as log lines even on a terminal */
	int stats;		/* once: where the time went, on stdout */
	const char *what;	/* "run", "poll": for the lock and logs */
};

/*
 * Runs the poller over p's accounts (p loaded with PL_ALL).  With
 * o->once: one pass over each account; a summary line per account on
 * stdout unless quiet; returns 0, or 1 when an account failed (each
 * failure logged with the account's name).  Without: the loop until
 * SIGTERM or SIGINT, then 0.  2 when there is no account to poll.
 * Installs handlers for SIGTERM, SIGINT and SIGHUP for its duration.
 */
int daemon_main(struct pipeline *p, const struct daemon_opts *o);

/*
 * Takes the lock that keeps two pollers off one database: flock() on
 * "DATABASE.lock", which then holds our pid and what ("run", "poll").
 * *fd gets the descriptor to keep open while working (close to release;
 * the kernel releases it when the process dies, so a stale file does not
 * block).  Returns 0, or -1 with e naming the other process.
 */
int daemon_lock(const char *database, const char *what, int *fd,
    struct err *e);

#ifdef INQUIRYD_UNITTEST
uint64_t daemon_backoff_ms(unsigned failures, int permanent, unsigned rnd);
#endif

#endif
