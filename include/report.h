/*
 * report.h - the funnel managers read: how many inquiries were received,
 * drafted, replied to by a rep, quoted, answered by the customer, won and
 * lost; how fast the reps replied and quoted; by rep, country, class,
 * product category or week.
 *
 * Definitions (so that every figure can be checked by hand):
 * - received: inquiries that are not spam (class vague or detailed, status
 *   not spam or not-inquiry); spam counts separately.
 * - drafted/replied/quoted: a "drafted", "replied" or "quote_sent" event
 *   exists; quoted implies replied.
 * - answered: the customer wrote in the thread after the first reply.
 * - won/lost: marked so (event or status).
 * - response hours: from the inquiry's receipt to the first reply (and to
 *   the first quote), over the inquiries that have one; median and 90th
 *   percentile by linear interpolation between closest ranks.
 * - week: the ISO week of receipt, "2026-W47".
 */
#ifndef INQUIRYD_REPORT_H
#define INQUIRYD_REPORT_H

#include <stdio.h>

#include "store.h"

enum report_step {
	STEP_RECEIVED,
	STEP_DRAFTED,
	STEP_REPLIED,
	STEP_QUOTED,
	STEP_ANSWERED,
	STEP_WON,
	STEP_LOST,
	STEP_COUNT
};

/* "received", "drafted", ... as in report --json. */
const char *report_step_name(enum report_step s);

struct hours {
	double *v;		/* owned */
	size_t n, alloc;
};

struct funnel {
	long step[STEP_COUNT];
	long spam;
	struct hours reply;	/* hours to first reply */
	struct hours quote;	/* hours to first quote */
};

struct report_group {
	char *key;		/* "Alice Wang <alice@x>", "DE", "2026-W47" */
	struct funnel f;
};

struct report {
	char *by;		/* NULL, rep, country, class, product, week */
	int64_t since, until;
	struct funnel total;
	struct report_group *groups;	/* owned, sorted by key */
	size_t ngroups, agroups;
};

/* One unanswered inquiry, for report --unanswered. */
struct unanswered {
	int64_t id;
	int64_t received_at;
	char *cls, *status, *rep, *sender, *subject;
};

/* True when by is a grouping report knows (NULL is fine). */
int report_by_valid(const char *by);

/* Builds the report of inquiries received in [since, until). */
int report_build(struct store *st, int64_t since, int64_t until,
    const char *by, struct report *r, struct err *e);
void report_release(struct report *r);

/* Median and 90th percentile of h (0 when empty); sorts h. */
double hours_percentile(struct hours *h, double p);

/* The terminal table. */
void report_print(FILE *fp, struct report *r);
/* report --json: {"funnel", "rates", "response_hours", "quote_hours",
 * "spam", "groups": [{"key", "funnel", ...}]}; malloc'd text. */
char *report_json(struct report *r);

/*
 * Writes the report as an XLSX workbook at path: the table behind the
 * charts (the funnel, per group when r->by is set), a funnel chart and a
 * weekly trend chart (received / replied / quoted per ISO week of the same
 * period, read again from st).  Returns 0 or -1 with e.
 */
int report_xlsx(struct report *r, struct store *st, const char *path,
    struct err *e);

/*
 * Inquiries with no reply yet, received before older_than (0: any), oldest
 * first; *out gets an owned array of *n entries.
 */
int report_unanswered(struct store *st, int64_t older_than,
    struct unanswered **out, size_t *n, struct err *e);
void unanswered_free(struct unanswered *u, size_t n);

#endif
