/*
 * cmd.c - what the subcommands share: usage and --help handling.
 */
#include "cmd.h"

int
cmd_usage(const char *text, int error)
{
	fputs(text, error ? stderr : stdout);
	return error ? EXIT_USAGE : EXIT_OK;
}

int
cmd_wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}
