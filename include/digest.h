/*
 * digest.h - the daily digest mail: each rep gets the inquiries still
 * waiting for their reply, oldest first, with their age; the manager gets
 * the last seven days' funnel (by rep) and how many inquiries wait per
 * rep.  Off by default ([digest] enabled = no).  Sent through [smtp] like
 * "inquiryd send" (xfer_smtp_send); the daemon sends it once a day at
 * [digest] hour (in [digest] timezone, else the server's time) and
 * records the day in the store ("digest_day"), so a restart does not
 * send it again.
 */
#ifndef INQUIRYD_DIGEST_H
#define INQUIRYD_DIGEST_H

#include "conf.h"
#include "store.h"

/* One mail of the digest. */
struct digest_mail {
	char *to;		/* owned: the envelope recipient, addr only */
	char *rep;		/* owned: "Name <addr>", "manager" for the
				 * manager's */
	char *msg;		/* owned: the RFC 5322 message, CRLF ends */
	size_t len;
};

struct digest {
	struct digest_mail *m;	/* owned */
	size_t n, alloc;
	char *from;		/* owned: envelope sender */
};

/*
 * Builds the digest as of now: one mail per rep (the reps of the
 * configured accounts and of the stored inquiries) that has unanswered
 * inquiries, and one for c->digest_manager when set.  only_rep (NULL:
 * all) keeps the rep whose name, address or account name it is, and no
 * manager mail.  Returns 0 (d may hold no mail) or -1 with e.
 * digest_release() frees d either way.
 */
int digest_build(struct store *st, const struct conf *c, int64_t now,
    const char *only_rep, struct digest *d, struct err *e);
void digest_release(struct digest *d);

/*
 * Sends every mail of d through c's [smtp].  Returns 0 when all went out,
 * -1 with e (of the first failure; ERR_TEMP: try again later) otherwise;
 * the others are still tried.
 */
int digest_send(const struct conf *c, const struct digest *d,
    struct err *e);

/*
 * The daemon's daily step: when the digest is enabled, the hour in the
 * desk's time zone (c->digest_tz, else the server's) is at or past
 * c->digest_hour and the store's "digest_day" is not today,
 * builds and sends the digest, then records today.  Returns 1 when sent,
 * 0 when nothing was due, -1 with e (the day is not recorded: the next
 * call tries again).
 */
int digest_daily(struct store *st, const struct conf *c, int64_t now,
    struct err *e);

/*
 * Records now's day (in c's [digest] timezone, else the server's) as the
 * day the digest went out; 0 or -1 with e.
 */
int digest_record_day(struct store *st, const struct conf *c, int64_t now,
    struct err *e);

#endif
