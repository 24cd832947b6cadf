/*
 * cmd_rules.c - "inquiryd rules check [DIR]" and "inquiryd rules test DIR".
 *
 * check loads the rules the way the daemon does (all or nothing) and
 * prints every error as file:line:column: message; exit 2 on any.
 * test runs a labelled corpus (rules_test.c) and prints its figures.
 */
#include <getopt.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "log.h"
#include "rules.h"
#include "rx.h"

static int
rules_test_main(const char *rules_dir, const char *corpus, double min_f1,
    int have_min, int verbose)
{
	(void)rules_dir;
	(void)corpus;
	(void)min_f1;
	(void)have_min;
	(void)verbose;
	log_errx("'rules test' is not available in this build yet");
	return EXIT_FAIL;
}

static const char usage_text[] =
    "usage: inquiryd [-c FILE] rules check [DIR]\n"
    "       inquiryd [-c FILE] rules test [--rules DIR] [--min-macro-f1 X]"
    " [-v] CORPUS\n"
    "\n"
    "check  compiles every rule under DIR (default: the config's rules_dir)\n"
    "       and prints each error as file:line:column: message.  Exit 0\n"
    "       when the rules load, 2 when any error was found.\n"
    "test   classifies a labelled corpus (CORPUS/inquiries.jsonl with the\n"
    "       .eml files it names) and prints the confusion matrix, accuracy,\n"
    "       macro-F1, outline and question recall, each rule's hits and the\n"
    "       rules that never fired.  --min-macro-f1 X exits 1 below X.\n"
    "       --rules DIR picks the rules (default: the config's rules_dir).\n"
    "       -v prints every message's verdict.\n";

/* The rules directory: the argument, else the config's. */
static char *
pick_rules_dir(const char *arg, const struct cmd_global *g, int *rc)
{
	struct conf c;
	struct strlist errs = STRLIST_INIT;
	const char *path;
	char *dir = NULL;
	int explicit_path = 0;
	size_t i;

	*rc = EXIT_OK;
	if (arg)
		return xstrdup(arg);
	path = conf_pick_path(g->conf_path, &explicit_path);
	if (!explicit_path && access(path, F_OK) != 0)
		path = NULL;
	if (conf_load(&c, path, &errs)) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i]);
		*rc = EXIT_USAGE;
		goto out;
	}
	dir = xstrdup(c.rules_dir);
	conf_release(&c);
out:
	strlist_release(&errs);
	return dir;
}

static int
rules_check(int argc, char **argv, const struct cmd_global *g)
{
	struct strlist errs = STRLIST_INIT;
	struct ruleset *rs = NULL;
	char *dir;
	char ver[64];
	size_t i;
	int rc;

	if (argc > 2)
		return cmd_usage(usage_text, 1);
	dir = pick_rules_dir(argc == 2 ? argv[1] : NULL, g, &rc);
	if (!dir)
		goto out;
	if (ruleset_load(&rs, dir, &errs)) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i]);
		fprintf(stderr, "inquiryd: %zu error%s in '%s'; nothing "
		    "loaded\n", errs.n, errs.n == 1 ? "" : "s", dir);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!g->quiet)
		printf("%s: %zu rules ok (%s)\n", dir, ruleset_count(rs),
		    rx_version(ver, sizeof(ver)));
	rc = EXIT_OK;
out:
	ruleset_free(rs);
	strlist_release(&errs);
	free(dir);
	return rc;
}

static int
rules_test(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "min-macro-f1", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rules_arg = NULL;
	char *dir = NULL;
	double min_f1 = 0;
	int have_min = 0, verbose = g->verbose, c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:m:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rules_arg = optarg;
			break;
		case 'm':
			if (str_to_double(optarg, &min_f1) || min_f1 < 0 ||
			    min_f1 > 1) {
				fprintf(stderr, "inquiryd: --min-macro-f1 wants "
				    "a number from 0 to 1, not '%s'\n",
				    optarg);
				return EXIT_USAGE;
			}
			have_min = 1;
			break;
		case 'v':
			verbose++;
			break;
		default:
			return cmd_usage(usage_text, 1);
		}
	}
	if (argc - optind != 1)
		return cmd_usage(usage_text, 1);
	dir = pick_rules_dir(rules_arg, g, &rc);
	if (!dir)
		return rc;
	rc = rules_test_main(dir, argv[optind], min_f1, have_min, verbose);
	free(dir);
	return rc;
}

int
cmd_rules(int argc, char **argv, const struct cmd_global *g)
{
	if (cmd_wants_help(argc, argv))
		return cmd_usage(usage_text, 0);
	if (argc < 2)
		return cmd_usage(usage_text, 1);
	if (!strcmp(argv[1], "check"))
		return rules_check(argc - 1, argv + 1, g);
	if (!strcmp(argv[1], "test"))
		return rules_test(argc - 1, argv + 1, g);
	fprintf(stderr, "inquiryd: unknown 'rules' command '%s'\n", argv[1]);
	return cmd_usage(usage_text, 1);
}
