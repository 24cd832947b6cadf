/*
 * cmd_poll.c - "inquiryd poll" (placeholder until its issue lands).
 */
#include "cmd.h"
#include "log.h"

int
cmd_poll(int argc, char **argv, const struct cmd_global *g)
{
	(void)g;
	if (cmd_wants_help(argc, argv))
		return cmd_usage("usage: inquiryd poll (not available yet)\n", 0);
	log_errx("'poll' is not available in this build yet");
	return EXIT_FAIL;
}
