/*
 * cmd_classify.c - "inquiryd classify FILE.eml|-": the verdict on one
 * message, without a database.
 */
#include <getopt.h>
#include <unistd.h>

#include "buf.h"
#include "catalog.h"
#include "classify.h"
#include "cmd.h"
#include "enrich.h"
#include "err.h"
#include "log.h"
#include "parse.h"
#include "pipeline.h"
#include "rules.h"
#include "sig.h"

static const char classify_usage[] =
"usage: inquiryd [-c FILE] classify [--explain] [--json] [--enrich] FILE.eml|-\n"
"\n"
"Parses one message (- reads standard input) and prints its class (vague,\n"
"detailed or spam), the scores, the requirement outline, the customer's\n"
"questions and the sender's signature fields.  No database is needed.\n"
"\n"
"  --explain   every rule that fired, with its file:line, the text it\n"
"              matched and its weights, then the totals and the decision\n"
"  --json      one JSON object (keys as in DESIGN.md)\n"
"  --enrich    also look the sender's domain and website up (network)\n";

static int
read_input(const char *path, struct buf *b, struct err *e)
{
	if (!strcmp(path, "-")) {
		if (buf_read_fd(b, STDIN_FILENO))
			return err_set_errno(e, ERR_PERM, "cannot read "
			    "standard input");
		return 0;
	}
	if (buf_read_file(b, path))
		return err_set_errno(e, ERR_PERM, "cannot read '%s'", path);
	return 0;
}

static void
print_summary(const struct parsed_msg *pm, const struct sig_result *s,
    const struct verdict *v, const struct enrich_info *ei)
{
	size_t i;

	printf("class:     %s (vague %.2f, detailed %.2f, spam %.2f)\n",
	    class_name(v->cls), v->score[CLASS_VAGUE],
	    v->score[CLASS_DETAILED], v->score[CLASS_SPAM]);
	printf("language:  %s\n", v->lang);
	printf("from:      %s <%s>%s\n", pm->from.name ?
	    log_esc(pm->from.name) : "", pm->from.addr ?
	    log_esc(pm->from.addr) : "", ei && ei->free_mail == 1 ?
	    " (free mail)" : "");
	printf("subject:   %s\n", pm->subject ? log_esc(pm->subject) : "");
	for (i = 0; i < v->nreq; i++)
		printf("%-10s %s: %s\n", i ? "" : "outline:", v->req[i].field,
		    log_esc(v->req[i].value));
	for (i = 0; i < v->questions.n; i++)
		printf("%-10s %s\n", i ? "" : "questions:",
		    log_esc(v->questions.v[i]));
	if (s->f.name || s->f.company || s->f.phones.n)
		printf("signature: %s%s%s%s%s\n", s->f.name ?
		    log_esc(s->f.name) : "", s->f.company ? ", " : "",
		    s->f.company ? log_esc(s->f.company) : "",
		    s->f.phones.n ? ", " : "", s->f.phones.n ?
		    log_esc(s->f.phones.v[0]) : "");
}

int
cmd_classify(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "explain", no_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "enrich", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline p;
	struct strlist errors = STRLIST_INIT;
	struct buf raw = BUF_INIT(64u << 20);
	struct parsed_msg pm;
	struct sig_result s;
	struct verdict v;
	struct enrich_info ei;
	struct enrich *en = NULL;
	struct catalog none;
	struct parse_limits lim = PARSE_LIMITS_INIT;
	struct err e = ERR_INIT;
	int c, code, explain = 0, json = 0, online = 0, rc = EXIT_FAIL;
	size_t k;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'x': explain = 1; break;
		case 'j': json = 1; break;
		case 'E': online = 1; break;
		case 'h': return cmd_usage(classify_usage, 0);
		default: return cmd_usage(classify_usage, 1);
		}
	}
	if (optind != argc - 1)
		return cmd_usage(classify_usage, 1);
	if (pipeline_load(&p, g->conf_path, PL_RULES, !online, &errors,
	    &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	memset(&pm, 0, sizeof(pm));
	memset(&s, 0, sizeof(s));
	memset(&v, 0, sizeof(v));
	memset(&ei, 0, sizeof(ei));
	memset(&none, 0, sizeof(none));
	if (read_input(argv[optind], &raw, &e)) {
		log_errx("%s", e.msg);
		goto out;
	}
	lim.rules = p.rs;	/* the admin's relay-domains list */
	if (parse_message(raw.data, raw.len, &lim, &pm, &e)) {
		log_errx("%s: %s", argv[optind], e.msg);
		goto out;
	}
	sig_analyse(p.rs, pm.text, &pm.from, &s);
	classify_message(p.rs, &pm, &s, &v);
	/* The offline facts (free mail, country from the ccTLD) need no
	 * network and no catalog. */
	en = enrich_new(&p.conf, p.rs, &none, !online);
	enrich_sender(en, &pm, &s, &v, &ei);
	if (json) {
		char *t = pipeline_verdict_json(&pm, &s, &v, &ei, 1);

		puts(t);
		free(t);
	} else if (explain) {
		classify_explain(stdout, &v);
	} else {
		print_summary(&pm, &s, &v, &ei);
	}
	rc = EXIT_OK;
out:
	enrich_info_release(&ei);
	enrich_free(en);
	verdict_release(&v);
	sig_result_release(&s);
	parsed_msg_release(&pm);
	buf_release(&raw);
	pipeline_release(&p);
	return rc;
}
