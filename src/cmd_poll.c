/*
 * cmd_poll.c - "inquiryd poll [--once] [--account NAME]": the IMAP
 * accounts through the pipeline, for cron or a systemd timer.
 */
#include <getopt.h>
#include <unistd.h>

#include "cmd.h"
#include "daemon.h"
#include "err.h"
#include "log.h"
#include "pipeline.h"

static const char poll_usage[] =
"usage: inquiryd [-c FILE] poll [--once] [--account NAME] [--stats]\n"
"\n"
"Fetches the new mail of every configured IMAP account (or only NAME),\n"
"runs it through parse, classify, enrich, draft and quote, stores it, and\n"
"appends the drafts to the account's Drafts folder.  The Sent folder is\n"
"read too, so the rep's replies move their inquiries along.  Each message\n"
"is stored with the account's cursor in one transaction: a poll that is\n"
"cut short loses nothing and repeats nothing.\n"
"\n"
"options:\n"
"  --once           one pass, then exit (the form for cron and systemd\n"
"                   timers); without it, poll again every poll_interval\n"
"                   in the foreground, without IDLE, until SIGTERM\n"
"  --account NAME   only this account\n"
"  --offline        no network lookups during enrichment\n"
"  --stats          with --once: where the time went (fetch, each stage\n"
"                   of the pipeline, the APPENDs of drafts)\n"
"  -q, --quiet      no progress and no summary\n"
"\n"
"Exit status: 0 when every account was polled, 1 when one failed (it is\n"
"named; the others were still polled), 2 for a configuration error.\n";

void
cmd_apply_log_level(const struct conf *c, const struct cmd_global *g)
{
	const char *l = c->log_level;

	if (g->verbose || g->quiet || !l)
		return;
	if (!strcmp(l, "error"))
		log_set_verbosity(LOG_LVL_ERR);
	else if (!strcmp(l, "warning"))
		log_set_verbosity(LOG_LVL_WARN);
	else if (!strcmp(l, "debug"))
		log_set_verbosity(LOG_LVL_DEBUG);
	else
		log_set_verbosity(LOG_LVL_INFO);
}

int
cmd_poll(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "account", required_argument, NULL, 'a' },
		{ "offline", no_argument, NULL, 'o' },
		{ "stats", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon_opts o;
	struct pipeline p;
	struct strlist errors = STRLIST_INIT;
	struct err e = ERR_INIT;
	size_t k;
	int c, offline = 0, code, lock = -1, rc;

	memset(&o, 0, sizeof(o));
	o.quiet = g->quiet;
	o.what = "poll";
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case '1': o.once = 1; break;
		case 'a': o.account = optarg; break;
		case 'o': offline = 1; break;
		case 's': o.stats = 1; break;
		case 'q': o.quiet = 1; break;
		case 'h': return cmd_usage(poll_usage, 0);
		default: return cmd_usage(poll_usage, 1);
		}
	}
	if (optind < argc)
		return cmd_usage(poll_usage, 1);
	if (pipeline_load(&p, g->conf_path, PL_ALL, offline, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	cmd_apply_log_level(&p.conf, g);
	if (o.account && !conf_account(&p.conf, o.account)) {
		log_errx("no [account %s] in '%s'", o.account,
		    p.conf_path ? p.conf_path : "(defaults)");
		rc = EXIT_USAGE;
		goto out;
	}
	if (daemon_lock(p.conf.database, o.once ? "poll --once" : "poll",
	    &lock, &e)) {
		log_errx("%s", e.msg);
		rc = EXIT_FAIL;
		goto out;
	}
	o.log_progress = !o.once;
	rc = daemon_main(&p, &o);
out:
	if (lock >= 0)
		close(lock);
	pipeline_release(&p);
	strlist_release(&errors);
	return rc;
}
