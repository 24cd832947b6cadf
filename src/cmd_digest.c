/*
 * cmd_digest.c - "inquiryd digest": the daily digest mail, now.
 */
#include <getopt.h>

#include "cmd.h"
#include "digest.h"
#include "err.h"
#include "log.h"
#include "pipeline.h"

static const char digest_usage[] =
"usage: inquiryd [-c FILE] digest [--dry-run] [--rep NAME]\n"
"\n"
"Sends the digest now through [smtp]: to each rep the inquiries still\n"
"waiting for their reply, oldest first, with their age; to the [digest]\n"
"manager the last seven days' funnel by rep.  The daemon sends it once a\n"
"day when [digest] enabled = yes; a full digest sent here counts as\n"
"today's.\n"
"\n"
"  --dry-run   print the mails instead of sending them\n"
"  --rep NAME  only the digest of this rep (name, address or account),\n"
"              no manager mail\n";

int
cmd_digest(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "rep", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline p;
	struct strlist errors = STRLIST_INIT;
	struct digest d;
	struct err e = ERR_INIT;
	const char *rep = NULL;
	int64_t now = (int64_t)time(NULL);
	int c, code, dry = 0, rc = EXIT_FAIL;
	size_t k;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n': dry = 1; break;
		case 'r': rep = optarg; break;
		case 'h': return cmd_usage(digest_usage, 0);
		default: return cmd_usage(digest_usage, 1);
		}
	}
	if (optind != argc)
		return cmd_usage(digest_usage, 1);
	if (pipeline_load(&p, g->conf_path, PL_STORE, 1, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	if (!dry && !p.conf.smtp_url) {
		log_errx("no [smtp] url in '%s': set url = smtps://host:465 "
		    "(or use --dry-run)", p.conf_path ? p.conf_path :
		    "(defaults)");
		rc = EXIT_USAGE;
		goto out;
	}
	if (digest_build(p.st, &p.conf, now, rep, &d, &e)) {
		log_errx("digest: %s", e.msg);
		rc = e.kind == ERR_CONFIG ? EXIT_USAGE : EXIT_FAIL;
		digest_release(&d);
		goto out;
	}
	if (!d.n) {
		printf("no digest to send%s\n", rep ? " for this rep" : "");
		rc = EXIT_OK;
	} else if (dry) {
		for (k = 0; k < d.n; k++) {
			printf("%s=== digest for %s (to %s)\n", k ? "\n" : "",
			    d.m[k].rep, d.m[k].to);
			fwrite(d.m[k].msg, 1, d.m[k].len, stdout);
		}
		rc = EXIT_OK;
	} else if (digest_send(&p.conf, &d, &e)) {
		log_errx("%s%s", e.msg, e.kind == ERR_TEMP ?
		    " (try again later)" : "");
	} else {
		for (k = 0; k < d.n; k++)
			printf("digest sent to %s\n", d.m[k].to);
		rc = EXIT_OK;
		if (!rep && digest_record_day(p.st, &p.conf, now, &e)) {
			log_errx("%s", e.msg);
			rc = EXIT_FAIL;
		}
	}
	digest_release(&d);
out:
	pipeline_release(&p);
	return rc;
}
