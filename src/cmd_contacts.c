/*
 * cmd_contacts.c - "inquiryd contacts export": the whole customer base.
 */
#include <errno.h>
#include <getopt.h>

#include "cmd.h"
#include "contacts.h"
#include "err.h"
#include "log.h"
#include "pipeline.h"

static const char contacts_usage[] =
"usage: inquiryd [-c FILE] contacts export [--csv FILE | --xlsx FILE]\n"
"\n"
"Exports every contact: one row per address with the latest name, title,\n"
"company, phones, WhatsApp, Skype, WeChat, website, address and country\n"
"gathered from their signatures, the number of inquiries, and the older\n"
"values as history.  Without an option, CSV goes to standard output.\n";

int
cmd_contacts(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "csv", required_argument, NULL, 'c' },
		{ "xlsx", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline p;
	struct strlist errors = STRLIST_INIT;
	struct contacts_table t;
	struct err e = ERR_INIT;
	const char *csv = NULL, *xlsx = NULL;
	int c, code, rc = EXIT_OK;
	size_t k;

	if (argc < 2 || strcmp(argv[1], "export"))
		return cmd_usage(contacts_usage, !cmd_wants_help(argc, argv));
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': csv = optarg; break;
		case 'x': xlsx = optarg; break;
		case 'h': return cmd_usage(contacts_usage, 0);
		default: return cmd_usage(contacts_usage, 1);
		}
	}
	if (optind < argc || (csv && xlsx))
		return cmd_usage(contacts_usage, 1);
	if (pipeline_load(&p, g->conf_path, PL_STORE, 1, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	if (contacts_load(p.st, &t, &e)) {
		log_errx("%s", e.msg);
		pipeline_release(&p);
		return EXIT_FAIL;
	}
	if (xlsx) {
		if (contacts_write_xlsx(&t, xlsx, &e)) {
			log_errx("%s", e.msg);
			rc = EXIT_FAIL;
		}
	} else {
		FILE *fp = csv ? fopen(csv, "w") : stdout;

		if (!fp || contacts_write_csv(&t, fp) ||
		    (csv && fclose(fp))) {
			log_err("cannot write '%s'", csv ? csv : "stdout");
			rc = EXIT_FAIL;
		}
	}
	if (rc == EXIT_OK && (csv || xlsx))
		fprintf(stderr, "%zu contacts written to %s\n", t.n,
		    csv ? csv : xlsx);
	contacts_release(&t);
	pipeline_release(&p);
	return rc;
}
