/*
 * cmd_import.c - "inquiryd import" (placeholder until its issue lands).
 */
#include "cmd.h"
#include "log.h"

int
cmd_import(int argc, char **argv, const struct cmd_global *g)
{
	(void)g;
	if (cmd_wants_help(argc, argv))
		return cmd_usage("usage: inquiryd import (not available yet)\n", 0);
	log_errx("'import' is not available in this build yet");
	return EXIT_FAIL;
}
