/*
 * cmd_draft.c - "inquiryd draft ID": render the reply and the quote of one
 * inquiry again, after a catalog or template change.
 */
#include <getopt.h>
#include <limits.h>

#include "cmd.h"
#include "err.h"
#include "log.h"
#include "pipeline.h"

static const char draft_usage[] =
"usage: inquiryd [-c FILE] draft [--offline] ID\n"
"\n"
"Renders the reply and the quote sheet of inquiry ID again from the\n"
"current templates and catalog, and records them as its latest draft.\n"
"The earlier files stay where they are.\n";

int
cmd_draft(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "offline", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline p;
	struct pipeline_result r;
	struct strlist errors = STRLIST_INIT;
	struct err e = ERR_INIT;
	int c, code, offline = 0, rc = EXIT_OK;
	long id;
	size_t k;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': offline = 1; break;
		case 'h': return cmd_usage(draft_usage, 0);
		default: return cmd_usage(draft_usage, 1);
		}
	}
	if (optind != argc - 1 || str_to_long(argv[optind][0] == '#' ?
	    argv[optind] + 1 : argv[optind], 1, LONG_MAX, &id))
		return cmd_usage(draft_usage, 1);
	if (pipeline_load(&p, g->conf_path, PL_ALL, offline, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	if (pipeline_redraft(&p, id, &r, &e)) {
		log_errx("%s", e.msg);
		rc = e.kind == ERR_CONFIG ? EXIT_USAGE : EXIT_FAIL;
	} else {
		printf("#%ld draft: %s\n", id, r.draft_path ? r.draft_path :
		    "-");
		if (r.quote_path)
			printf("#%ld quote: %s\n", id, r.quote_path);
		pipeline_result_release(&r);
	}
	pipeline_release(&p);
	return rc;
}
