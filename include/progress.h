/*
 * progress.h - progress of long work: a redrawn line on a terminal
 * (done/total, rate, time left), a log line every few seconds otherwise
 * (under a pipe, cron or the daemon).
 */
#ifndef INQUIRYD_PROGRESS_H
#define INQUIRYD_PROGRESS_H

#include <stdint.h>

#include "util.h"

struct progress {
	const char *what;	/* "importing", "fetching INBOX" */
	long total;		/* -1 when unknown */
	long done;
	uint64_t start_ms;
	uint64_t last_ms;
	int tty;		/* stderr is a terminal */
	int shown;		/* a terminal line is on screen */
	int quiet;
};

/* Starts; quiet shows nothing at all. */
void progress_start(struct progress *pg, const char *what, long total,
    int quiet);
/* Sets done; redraws or logs when enough time has passed. */
void progress_update(struct progress *pg, long done);
/* Final line (on a terminal) or log line. */
void progress_end(struct progress *pg);

#endif
