/*
 * progress.c - progress on a terminal, log lines elsewhere.
 */
#include <unistd.h>

#include "log.h"
#include "progress.h"

#define PROGRESS_TTY_MS 200
#define PROGRESS_LOG_MS 5000

void
progress_start(struct progress *pg, const char *what, long total, int quiet)
{
	memset(pg, 0, sizeof(*pg));
	pg->what = what;
	pg->total = total;
	pg->start_ms = now_ms();
	pg->last_ms = pg->start_ms;
	pg->tty = isatty(STDERR_FILENO);
	pg->quiet = quiet;
}

static void
progress_show(struct progress *pg, uint64_t now, int final)
{
	double secs = (double)(now - pg->start_ms) / 1000.0;
	double rate = secs > 0 ? (double)pg->done / secs : 0;
	char left[32] = "";

	if (pg->total > 0 && rate > 0 && pg->done < pg->total) {
		long s = (long)((double)(pg->total - pg->done) / rate);

		snprintf(left, sizeof(left), ", %ld:%02ld left", s / 60,
		    s % 60);
	}
	if (pg->tty) {
		if (pg->total > 0)
			fprintf(stderr, "\r%s: %ld/%ld (%d%%), %.0f/s%s\033[K",
			    pg->what, pg->done, pg->total,
			    (int)(100 * pg->done / pg->total), rate, left);
		else
			fprintf(stderr, "\r%s: %ld, %.0f/s\033[K", pg->what,
			    pg->done, rate);
		if (final)
			fputc('\n', stderr);
		fflush(stderr);
		pg->shown = !final;
	} else if (pg->total > 0) {
		log_info("%s: %ld/%ld done, %.0f/s%s", pg->what, pg->done,
		    pg->total, rate, left);
	} else {
		log_info("%s: %ld done, %.0f/s", pg->what, pg->done, rate);
	}
}

void
progress_update(struct progress *pg, long done)
{
	uint64_t now = now_ms();

	pg->done = done;
	if (pg->quiet)
		return;
	if (now - pg->last_ms < (pg->tty ? PROGRESS_TTY_MS : PROGRESS_LOG_MS))
		return;
	pg->last_ms = now;
	progress_show(pg, now, 0);
}

void
progress_end(struct progress *pg)
{
	uint64_t now = now_ms();

	if (pg->quiet)
		return;
	/* Short work on a pipe needs no line; a terminal line is closed. */
	if (pg->tty ? pg->shown : now - pg->start_ms >= PROGRESS_LOG_MS)
		progress_show(pg, now, 1);
}
