/*
 * cmd_list.c - "inquiryd list" (placeholder until its issue lands).
 */
#include "cmd.h"
#include "log.h"

int
cmd_list(int argc, char **argv, const struct cmd_global *g)
{
	(void)g;
	if (cmd_wants_help(argc, argv))
		return cmd_usage("usage: inquiryd list (not available yet)\n", 0);
	log_errx("'list' is not available in this build yet");
	return EXIT_FAIL;
}
