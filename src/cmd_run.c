/*
 * cmd_run.c - "inquiryd run [--syslog]": the daemon.
 */
#include <getopt.h>
#include <unistd.h>

#include "cmd.h"
#include "daemon.h"
#include "err.h"
#include "log.h"
#include "pipeline.h"

static const char run_usage[] =
"usage: inquiryd [-c FILE] run [--syslog]\n"
"\n"
"Watches every configured IMAP account until SIGTERM or SIGINT: new mail\n"
"is processed as it arrives where the server has IMAP IDLE, else every\n"
"poll_interval; the Sent folder and the outbox of drafts are checked\n"
"every poll_interval.  An account that fails is retried on its own, with\n"
"growing waits, while the others go on.\n"
"\n"
"Signals: SIGTERM and SIGINT finish the message in hand and exit 0;\n"
"SIGHUP reloads the configuration, rules, templates and catalog, all or\n"
"nothing (a broken file is logged with file:line and the set in force\n"
"stays).  One poller per database: a second 'run' or a 'poll' refuses\n"
"to start while this one runs.\n"
"\n"
"options:\n"
"  --syslog         log to syslog (facility mail) instead of stderr\n"
"  --offline        no network lookups during enrichment\n";

int
cmd_run(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "syslog", no_argument, NULL, 's' },
		{ "offline", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon_opts o;
	struct pipeline p;
	struct strlist errors = STRLIST_INIT;
	struct err e = ERR_INIT;
	size_t k;
	int c, offline = 0, use_syslog = 0, code, lock = -1, rc;

	memset(&o, 0, sizeof(o));
	o.idle = 1;
	o.quiet = g->quiet;
	o.log_progress = 1;
	o.what = "run";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': use_syslog = 1; break;
		case 'o': offline = 1; break;
		case 'h': return cmd_usage(run_usage, 0);
		default: return cmd_usage(run_usage, 1);
		}
	}
	if (optind < argc)
		return cmd_usage(run_usage, 1);
	if (use_syslog)
		log_init("inquiryd", 1, log_get_verbosity());
	if (pipeline_load(&p, g->conf_path, PL_ALL, offline, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			log_errx("%s", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	cmd_apply_log_level(&p.conf, g);
	if (daemon_lock(p.conf.database, "run", &lock, &e)) {
		log_errx("%s", e.msg);
		rc = EXIT_FAIL;
		goto out;
	}
	log_info("inquiryd %s starting (pid %ld, database '%s')",
	    INQUIRYD_VERSION, (long)getpid(), p.conf.database);
	rc = daemon_main(&p, &o);
out:
	if (lock >= 0)
		close(lock);
	pipeline_release(&p);
	strlist_release(&errors);
	return rc;
}
