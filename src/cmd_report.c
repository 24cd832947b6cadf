/*
 * cmd_report.c - "inquiryd report": the funnel for managers.
 */
#include <getopt.h>

#include "cmd.h"
#include "err.h"
#include "log.h"
#include "pipeline.h"
#include "report.h"

static const char report_usage[] =
"usage: inquiryd [-c FILE] report [--since D] [--until D]\n"
"                                 [--by rep|country|class|product|week]\n"
"                                 [--json] [--xlsx FILE]\n"
"       inquiryd [-c FILE] report --unanswered [--older-than 24h] [--json]\n"
"\n"
"How many inquiries were received, drafted, replied to, quoted, answered by\n"
"the customer, won and lost, with the conversion rates and the median and\n"
"90th-percentile hours to the first reply and to the first quote.  D is\n"
"YYYY-MM-DD (UTC) or a duration back from now (7d, 4w).\n"
"\n"
"  --by K          one row per rep, country, class, product category or\n"
"                  ISO week, then the total\n"
"  --json          the same as JSON: funnel, rates, response_hours,\n"
"                  quote_hours, groups\n"
"  --xlsx FILE     a workbook with the table, a funnel chart and a weekly\n"
"                  trend chart\n"
"  --unanswered    inquiries nobody has replied to yet, oldest first\n"
"  --older-than T  with --unanswered: received more than T ago (24h, 3d)\n";

static int
print_unanswered(struct store *st, int64_t older, int json)
{
	struct unanswered *u;
	struct err e = ERR_INIT;
	size_t n, i;
	char when[21], from[128], subj[160];
	int64_t now = (int64_t)time(NULL);

	if (report_unanswered(st, older, &u, &n, &e)) {
		log_errx("%s", e.msg);
		return EXIT_FAIL;
	}
	if (json) {
		json_t *a = json_array();
		char *t;

		for (i = 0; i < n; i++) {
			json_t *o = json_object();

			json_object_set_new(o, "id", json_integer(u[i].id));
			json_object_set_new(o, "received_at", json_string(
			    fmt_time_utc(u[i].received_at, when)));
			json_object_set_new(o, "age_hours", json_real(
			    (double)(now - u[i].received_at) / 3600.0));
			json_object_set_new(o, "class", json_string(u[i].cls ?
			    u[i].cls : ""));
			json_object_set_new(o, "status", json_string(
			    u[i].status ? u[i].status : ""));
			json_object_set_new(o, "rep", u[i].rep ?
			    json_string(u[i].rep) : json_null());
			json_object_set_new(o, "sender", u[i].sender ?
			    json_string(u[i].sender) : json_null());
			json_object_set_new(o, "subject", u[i].subject ?
			    json_string(u[i].subject) : json_null());
			json_array_append_new(a, o);
		}
		t = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(t ? t : "[]");
		free(t);
		json_decref(a);
	} else {
		printf("%5s  %-16s %6s  %-8s %-9s %-28s %s\n", "ID", "RECEIVED",
		    "AGE", "CLASS", "STATUS", "FROM", "SUBJECT");
		for (i = 0; i < n; i++) {
			fmt_time_utc(u[i].received_at, when);
			when[16] = '\0';
			when[10] = ' ';
			utf8_fit(u[i].sender, 28, 1, from, sizeof(from));
			utf8_fit(u[i].subject ? u[i].subject : "", 36, 0, subj,
			    sizeof(subj));
			printf("%5lld  %s %5.0fh  %-8s %-9s %s %s\n",
			    (long long)u[i].id, when,
			    (double)(now - u[i].received_at) / 3600.0,
			    u[i].cls ? u[i].cls : "", u[i].status ?
			    u[i].status : "", from, subj);
		}
		printf("%zu unanswered\n", n);
	}
	unanswered_free(u, n);
	return EXIT_OK;
}

int
cmd_report(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "by", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "xlsx", required_argument, NULL, 'x' },
		{ "unanswered", no_argument, NULL, 'u' },
		{ "older-than", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline p;
	struct strlist errors = STRLIST_INIT;
	struct report r;
	struct err e = ERR_INIT;
	int64_t since = 0, until = 0, older = 0;
	const char *by = NULL, *xlsx = NULL;
	int c, code, json = 0, unanswered = 0, rc = EXIT_OK;
	long secs;
	size_t k;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
		case 'U':
			if (cmd_parse_when(optarg, c == 'S' ? &since : &until)) {
				fprintf(stderr, "inquiryd: bad date '%s' (use "
				    "YYYY-MM-DD or e.g. 7d)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'b':
			if (!report_by_valid(optarg)) {
				fprintf(stderr, "inquiryd: --by '%s': use rep, "
				    "country, class, product or week\n", optarg);
				return EXIT_USAGE;
			}
			by = optarg;
			break;
		case 'j': json = 1; break;
		case 'x': xlsx = optarg; break;
		case 'u': unanswered = 1; break;
		case 'o':
			if (str_to_seconds(optarg, &secs)) {
				fprintf(stderr, "inquiryd: bad duration '%s' "
				    "(e.g. 24h, 3d)\n", optarg);
				return EXIT_USAGE;
			}
			older = (int64_t)time(NULL) - secs;
			break;
		case 'h': return cmd_usage(report_usage, 0);
		default: return cmd_usage(report_usage, 1);
		}
	}
	if (optind < argc)
		return cmd_usage(report_usage, 1);
	if (pipeline_load(&p, g->conf_path, PL_STORE, 1, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	if (unanswered) {
		rc = print_unanswered(p.st, older, json);
		pipeline_release(&p);
		return rc;
	}
	if (report_build(p.st, since, until, by, &r, &e)) {
		log_errx("%s", e.msg);
		pipeline_release(&p);
		return EXIT_FAIL;
	}
	if (xlsx) {
		if (report_xlsx(&r, p.st, xlsx, &e)) {
			log_errx("%s", e.msg);
			rc = EXIT_FAIL;
		} else if (!json) {
			printf("wrote %s\n", xlsx);
		}
	}
	if (json) {
		char *t = report_json(&r);

		puts(t);
		free(t);
	} else if (!xlsx) {
		report_print(stdout, &r);
	}
	report_release(&r);
	pipeline_release(&p);
	return rc;
}
