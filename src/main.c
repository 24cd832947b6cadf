/*
 * main.c - the command line: global options, then a subcommand.
 */
#include <getopt.h>

#include "cmd.h"
#include "log.h"

static const struct {
	const char *name;
	cmd_fn *fn;
	const char *synopsis;
} commands[] = {
	{ "run", cmd_run, "run                     daemon: all accounts, IDLE or interval, until SIGTERM" },
	{ "poll", cmd_poll, "poll [--once] [--account NAME]" },
	{ "import", cmd_import, "import PATH...          .eml files, Maildir folders, mbox files" },
	{ "classify", cmd_classify, "classify [--explain] [--json] FILE.eml|-" },
	{ "rules", cmd_rules, "rules check [DIR] | rules test DIR" },
	{ "list", cmd_list, "list [--status S] [--class C] [--since DATE] [--json]" },
	{ "show", cmd_show, "show ID [--json]" },
	{ "draft", cmd_draft, "draft ID                (re)render reply and quote" },
	{ "send", cmd_send, "send ID                 send the reviewed draft, file it in Sent" },
	{ "mark", cmd_mark, "mark ID STATUS          won, lost, spam, not-inquiry" },
	{ "report", cmd_report, "report [--since D] [--until D] [--by rep|country|class|product|week] [--json] [--xlsx FILE]" },
	{ "digest", cmd_digest, "digest [--dry-run] [--rep NAME]  the daily digest mail, now" },
	{ "contacts", cmd_contacts, "contacts export [--csv FILE|--xlsx FILE]" },
};

static int
usage(int error)
{
	FILE *fp = error ? stderr : stdout;
	size_t i;

	fprintf(fp, "usage: inquiryd [-c FILE] [-v] [-q] COMMAND [ARGS]\n\n"
	    "inquiryd reads sales mailboxes, classifies each inquiry and drafts "
	    "a\nquotation reply with an XLSX quote sheet.\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(fp, "  inquiryd %s\n", commands[i].synopsis);
	fprintf(fp, "\noptions:\n"
	    "  -c FILE   config file (else $INQUIRYD_CONF, else %s)\n"
	    "  -v        more log output (twice: debug)\n"
	    "  -q        only errors\n"
	    "  --version print the version\n\n"
	    "'inquiryd COMMAND --help' describes a command.  Exit codes: 0 ok, "
	    "1 runtime failure,\n2 usage or configuration error.\n",
	    "/etc/inquiryd/inquiryd.conf");
	return error ? EXIT_USAGE : EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_global g = { NULL, 0, 0 };
	enum log_level lvl;
	size_t i;
	int c;

	/* "+": stop at the subcommand, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+c:vqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			g.conf_path = optarg;
			break;
		case 'v':
			g.verbose++;
			break;
		case 'q':
			g.quiet = 1;
			break;
		case 'h':
			return usage(0);
		case 'V':
			printf("inquiryd %s\n", INQUIRYD_VERSION);
			return EXIT_OK;
		default:
			return usage(1);
		}
	}
	if (optind >= argc)
		return usage(1);
	lvl = g.quiet ? LOG_LVL_ERR : g.verbose > 1 ? LOG_LVL_DEBUG :
	    LOG_LVL_INFO;
	log_init("inquiryd", 0, lvl);
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(argv[optind], commands[i].name)) {
			char **sub = argv + optind;
			int subc = argc - optind;

			optind = 0;	/* reset getopt for the subcommand */
			return commands[i].fn(subc, sub, &g);
		}
	}
	fprintf(stderr, "inquiryd: unknown command '%s'\n\n", argv[optind]);
	return usage(1);
}
