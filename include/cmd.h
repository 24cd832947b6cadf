/*
 * cmd.h - the subcommands of the inquiryd command line (DESIGN.md).
 *
 * Each cmd_NAME() lives in src/cmd_NAME.c, parses its own options with
 * getopt_long (argv[0] is the subcommand's name), prints its --help, and
 * returns the process exit code: EXIT_OK, EXIT_FAIL (runtime failure) or
 * EXIT_USAGE (usage or configuration error).
 */
#ifndef INQUIRYD_CMD_H
#define INQUIRYD_CMD_H

#include <stdint.h>

#include <jansson.h>

#include "util.h"

struct inquiry_row;

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

/* What main() parsed before the subcommand. */
struct cmd_global {
	const char *conf_path;	/* -c FILE, or NULL */
	int verbose;		/* -v count */
	int quiet;		/* -q */
};

typedef int cmd_fn(int argc, char **argv, const struct cmd_global *g);

cmd_fn cmd_run;
cmd_fn cmd_poll;
cmd_fn cmd_import;
cmd_fn cmd_classify;
cmd_fn cmd_rules;
cmd_fn cmd_list;
cmd_fn cmd_show;
cmd_fn cmd_draft;
cmd_fn cmd_send;
cmd_fn cmd_mark;
cmd_fn cmd_report;
cmd_fn cmd_digest;
cmd_fn cmd_contacts;

/*
 * Prints text (a usage message) to stdout for --help or to stderr for a
 * usage error, and returns EXIT_OK or EXIT_USAGE accordingly.
 */
int cmd_usage(const char *text, int error);

/*
 * True when argv holds --help or -h before any "--": commands call it
 * first so that "inquiryd CMD --help" works without a config.
 */
int cmd_wants_help(int argc, char **argv);

/*
 * Parses a --since/--until value: YYYY-MM-DD[THH:MM[:SS]] in UTC, or a
 * duration back from now ("24h", "7d").  0 or -1.
 */
int cmd_parse_when(const char *s, int64_t *out);

/*
 * Applies [general] log_level ("error", "warning", "info", "debug") when
 * neither -v nor -q was given (poll, run).
 */
struct conf;
void cmd_apply_log_level(const struct conf *c, const struct cmd_global *g);

/* An inquiry as list --json and show --json print it (new reference). */
json_t *cmd_row_json(const struct inquiry_row *r);

#endif
