/*
 * cmd_import.c - "inquiryd import PATH...": .eml files, Maildir folders
 * and mbox files through the whole pipeline.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>

#include "cmd.h"
#include "err.h"
#include "log.h"
#include "pipeline.h"
#include "progress.h"

static const char import_usage[] =
"usage: inquiryd [-c FILE] import [options] PATH...\n"
"\n"
"Runs each message in PATH (an .eml file, a Maildir folder, an mbox file,\n"
"or a directory of them) through parse, classify, enrich, draft and quote,\n"
"and stores it.  A message already stored is recognised and skipped; one\n"
"that cannot be read is quarantined with its reason (list --status failed)\n"
"and the import goes on.  A directory's walk leaves out the drafts and\n"
"quotes folders of the config; a draft of ours read all the same is\n"
"recorded as ignored, never answered.\n"
"\n"
"options:\n"
"  --account NAME   file the inquiries under this account (its rep signs)\n"
"  --offline        no network lookups during enrichment\n"
"  --no-drafts      classify and store only\n"
"  --retry-failed   process again the messages quarantined earlier\n"
"  --sent           PATH holds mail we sent (a Sent folder): each reply\n"
"                   moves its inquiry to replied, or quoted with a quote\n"
"  -q, --quiet      print only the summary\n";

struct import_stats {
	long seen;
	long by_outcome[OUT_FAILED + 1];
	long by_class[CLASS_COUNT];
	long temp_failures;
};

static void
print_result(const struct source_msg *m, const struct pipeline_result *r)
{
	const char *what = pipeline_outcome_name(r->outcome);

	if (r->outcome == OUT_INQUIRY || r->outcome == OUT_RECORDED) {
		printf("#%-5lld %-9s %-32.32s %s\n", (long long)r->inquiry_id,
		    class_name(r->cls), r->sender ? log_esc(r->sender) : "-",
		    r->subject ? log_esc(r->subject) : "(no subject)");
		if (r->draft_path)
			printf("       draft: %s\n", r->draft_path);
		if (r->quote_path)
			printf("       quote: %s\n", r->quote_path);
	} else if (r->outcome == OUT_FAILED) {
		printf("#%-5lld %-9s %s: %s\n", (long long)r->inquiry_id, what,
		    log_esc(m->where), log_esc(r->reason));
	} else if (r->outcome == OUT_FOLLOWUP) {
		printf("       %-9s %s (thread of inquiry #%lld)\n", what,
		    log_esc(m->where), (long long)r->inquiry_id);
	} else {
		printf("       %-9s %s%s%s\n", what, log_esc(m->where),
		    r->reason ? ": " : "", r->reason ? r->reason : "");
	}
}

static int
import_one(struct pipeline *p, const struct source_msg *m,
    const struct process_opts *po, struct import_stats *stats, int quiet)
{
	struct pipeline_result r;
	struct err e = ERR_INIT;
	int tries;

	/* A busy database is retried briefly; nothing is lost either way. */
	for (tries = 0; tries < 3; tries++) {
		err_clear(&e);
		if (pipeline_process(p, m, po, &r, &e) == 0)
			break;
		if (e.kind != ERR_TEMP)
			break;
	}
	stats->seen++;
	if (e.kind != ERR_NONE) {
		log_errx("%s: not stored: %s", log_esc(m->where), e.msg);
		stats->temp_failures++;
		return -1;
	}
	stats->by_outcome[r.outcome]++;
	if (r.outcome == OUT_INQUIRY || r.outcome == OUT_RECORDED)
		stats->by_class[r.cls]++;
	if (!quiet)
		print_result(m, &r);
	pipeline_result_release(&r);
	return 0;
}

static int
collect(const struct inquiry_row *row, void *arg)
{
	strlist_pushf(arg, "%lld", (long long)row->msg_id);
	return 0;
}

static int
retry_failed(struct pipeline *p, const struct process_opts *po,
    struct import_stats *stats, int quiet)
{
	struct inquiry_filter f = { ST_FAILED, NULL, 0, 0, NULL, 0 };
	struct err e = ERR_INIT;
	struct strlist ids = STRLIST_INIT;
	size_t i;
	int rc = 0;

	/* Collect first: processing changes the rows being listed. */
	if (store_list(p->st, &f, collect, &ids, &e)) {
		log_errx("%s", e.msg);
		return -1;
	}
	for (i = 0; i < ids.n; i++) {
		struct source_msg m;
		long msg_id;
		char *raw;
		size_t len;

		str_to_long(ids.v[i], 0, LONG_MAX, &msg_id);
		raw = store_message_raw(p->st, msg_id, &len, &e);
		if (!raw) {
			log_warnx("failed message %ld has no stored bytes%s%s; "
			    "import its file again", msg_id,
			    e.kind ? ": " : "", e.msg);
			err_clear(&e);
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.raw = raw;
		m.len = m.size = len;
		m.origin.source = "retry";
		m.where = "retry";
		if (import_one(p, &m, po, stats, quiet))
			rc = -1;
		free(raw);
	}
	strlist_release(&ids);
	return rc;
}

int
cmd_import(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "offline", no_argument, NULL, 'o' },
		{ "no-drafts", no_argument, NULL, 'n' },
		{ "retry-failed", no_argument, NULL, 'r' },
		{ "sent", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline p;
	struct strlist errors = STRLIST_INIT;
	struct process_opts po = { NULL, 0, 0 };
	struct import_stats stats;
	struct progress pg;
	int c, offline = 0, no_drafts = 0, retry = 0, quiet = g->quiet;
	int sent = 0;
	int rc = EXIT_OK, code, i;
	char *outputs[3] = { NULL, NULL, NULL };	/* NULL-terminated */
	size_t nout = 0;
	long total = 0;
	size_t k;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'a': po.account = optarg; break;
		case 'o': offline = 1; break;
		case 'n': no_drafts = 1; break;
		case 'r': retry = 1; break;
		case 's': sent = 1; break;
		case 'q': quiet = 1; break;
		case 'h': return cmd_usage(import_usage, 0);
		default: return cmd_usage(import_usage, 1);
		}
	}
	if (optind >= argc && !retry)
		return cmd_usage(import_usage, 1);
	if (pipeline_load(&p, g->conf_path, PL_ALL, offline, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	if (po.account && !conf_account(&p.conf, po.account)) {
		log_errx("no [account %s] in '%s'", po.account,
		    p.conf_path ? p.conf_path : "(defaults)");
		pipeline_release(&p);
		return EXIT_USAGE;
	}
	if (no_drafts)
		p.no_drafts = 1;
	/* Our own drafts and quotes, were they inside a folder walked. */
	if (p.conf.drafts_dir &&
	    (outputs[nout] = realpath(p.conf.drafts_dir, NULL)))
		nout++;
	if (p.conf.quotes_dir &&
	    (outputs[nout] = realpath(p.conf.quotes_dir, NULL)))
		nout++;
	memset(&stats, 0, sizeof(stats));
	for (i = optind; i < argc; i++) {
		long n = source_count(argv[i], outputs);

		total = n < 0 || total < 0 ? -1 : total + n;
	}
	progress_start(&pg, "importing", total, quiet);
	if (retry && retry_failed(&p, &po, &stats, quiet))
		rc = EXIT_FAIL;
	for (i = optind; i < argc; i++) {
		struct err e = ERR_INIT;
		struct source *src = source_open(argv[i],
		    p.conf.naccounts ? p.conf.accounts[0].max_message_size :
		    25u << 20, &e);
		struct source_msg m;
		int n;

		if (!src) {
			log_errx("%s", e.msg);
			rc = EXIT_FAIL;
			continue;
		}
		source_skip(src, outputs);
		while ((n = source_next(src, &m, &e)) != 0) {
			if (n < 0) {
				log_errx("%s", e.msg);
				err_clear(&e);
				rc = EXIT_FAIL;
				continue;
			}
			m.origin.outgoing = sent;
			m.origin.account = po.account;
			if (import_one(&p, &m, &po, &stats, quiet))
				rc = EXIT_FAIL;
			progress_update(&pg, stats.seen);
		}
		source_close(src);
	}
	progress_end(&pg);
	printf("%ld message%s: %ld inquir%s (%ld vague, %ld detailed, %ld "
	    "spam), %ld recorded, %ld follow-up%s, %ld duplicate%s, %ld "
	    "ignored, %ld failed\n", stats.seen, stats.seen == 1 ? "" : "s",
	    stats.by_outcome[OUT_INQUIRY],
	    stats.by_outcome[OUT_INQUIRY] == 1 ? "y" : "ies",
	    stats.by_class[CLASS_VAGUE], stats.by_class[CLASS_DETAILED],
	    stats.by_class[CLASS_SPAM], stats.by_outcome[OUT_RECORDED],
	    stats.by_outcome[OUT_FOLLOWUP],
	    stats.by_outcome[OUT_FOLLOWUP] == 1 ? "" : "s",
	    stats.by_outcome[OUT_DUPLICATE],
	    stats.by_outcome[OUT_DUPLICATE] == 1 ? "" : "s",
	    stats.by_outcome[OUT_IGNORED], stats.by_outcome[OUT_FAILED] +
	    stats.temp_failures);
	pipeline_release(&p);
	strlist_release(&errors);
	free(outputs[0]);
	free(outputs[1]);
	return rc;
}
