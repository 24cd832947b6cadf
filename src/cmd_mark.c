/*
 * cmd_mark.c - "inquiryd mark ID STATUS": what mail cannot show.
 */
#include <limits.h>

#include "cmd.h"
#include "err.h"
#include "log.h"
#include "pipeline.h"

static const char mark_usage[] =
"usage: inquiryd [-c FILE] mark ID STATUS\n"
"\n"
"Sets an inquiry's status and records it in its history.  STATUS is one\n"
"of: won, lost, spam, not-inquiry, and also new, drafted, replied, quoted,\n"
"answered (to correct what the mailboxes showed).\n";

int
cmd_mark(int argc, char **argv, const struct cmd_global *g)
{
	struct pipeline p;
	struct strlist errors = STRLIST_INIT;
	struct err e = ERR_INIT;
	int code, rc = EXIT_OK;
	long id;
	size_t k;

	if (cmd_wants_help(argc, argv))
		return cmd_usage(mark_usage, 0);
	if (argc != 3 || str_to_long(argv[1][0] == '#' ? argv[1] + 1 : argv[1],
	    1, LONG_MAX, &id))
		return cmd_usage(mark_usage, 1);
	if (!store_status_markable(argv[2])) {
		fprintf(stderr, "inquiryd: '%s' is not a status to mark\n\n",
		    argv[2]);
		return cmd_usage(mark_usage, 1);
	}
	if (pipeline_load(&p, g->conf_path, PL_STORE, 1, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	if (store_begin(p.st, &e) || store_set_status(p.st, id, argv[2],
	    "mark", (int64_t)time(NULL), &e) || store_commit(p.st, &e)) {
		store_rollback(p.st);
		log_errx("%s", e.msg);
		rc = e.kind == ERR_PERM ? EXIT_USAGE : EXIT_FAIL;
	} else {
		printf("#%ld %s\n", id, argv[2]);
	}
	pipeline_release(&p);
	return rc;
}
