/*
 * cmd_list.c - "inquiryd list": the stored inquiries, newest first.
 */
#include <getopt.h>

#include <jansson.h>

#include "cmd.h"
#include "err.h"
#include "log.h"
#include "pipeline.h"

static const char list_usage[] =
"usage: inquiryd [-c FILE] list [--status S] [--class C] [--since DATE]\n"
"                               [--until DATE] [--account NAME] [--limit N]\n"
"                               [--json]\n"
"\n"
"Lists the stored inquiries, newest first.  DATE is YYYY-MM-DD (UTC) or a\n"
"duration back from now such as 24h or 7d.\n"
"\n"
"  --status S   new, drafted, replied, quoted, answered, won, lost, spam,\n"
"               not-inquiry, recorded, or failed (quarantined messages,\n"
"               with the reason)\n"
"  --class C    vague, detailed or spam\n"
"  --json       one JSON array: id, class, status, account, message_id,\n"
"               sender, subject, draft_path, quote_path and more\n";

/* Parses --since/--until: a date, or a duration back from now. */
int
cmd_parse_when(const char *s, int64_t *out)
{
	long secs;

	if (parse_time_utc(s, out) == 0)
		return 0;
	if (str_to_seconds(s, &secs) == 0) {
		*out = (int64_t)time(NULL) - secs;
		return 0;
	}
	return -1;
}

json_t *
cmd_row_json(const struct inquiry_row *r)
{
	json_t *o = json_object(), *sender = json_object();
	char when[21];

#define S(x) ((x) ? json_string(x) : json_null())
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "class", json_string(r->cls ? r->cls : ""));
	json_object_set_new(o, "status", S(r->status));
	json_object_set_new(o, "account", S(r->account));
	json_object_set_new(o, "message_id", S(r->message_id));
	json_object_set_new(sender, "name", S(r->sender_name));
	json_object_set_new(sender, "email", S(r->sender_email));
	json_object_set_new(o, "sender", sender);
	json_object_set_new(o, "subject", S(r->subject));
	json_object_set_new(o, "draft_path", S(r->draft_path));
	json_object_set_new(o, "quote_path", S(r->quote_path));
	json_object_set_new(o, "draft_message_id", S(r->draft_message_id));
	json_object_set_new(o, "quote_number", S(r->quote_number));
	json_object_set_new(o, "rep", S(r->rep));
	json_object_set_new(o, "language", S(r->lang));
	json_object_set_new(o, "country", S(r->country));
	json_object_set_new(o, "category", S(r->category));
	json_object_set_new(o, "received_at",
	    json_string(fmt_time_utc(r->received_at, when)));
	if (r->reason)
		json_object_set_new(o, "reason", json_string(r->reason));
	json_object_set_new(o, "source", S(r->source));
#undef S
	return o;
}

struct list_ctx {
	int json;
	json_t *arr;
	long n;
};

static int
list_row(const struct inquiry_row *r, void *arg)
{
	struct list_ctx *lc = arg;
	char when[21], from[128], subj[160], cls[16];

	lc->n++;
	if (lc->json) {
		json_array_append_new(lc->arr, cmd_row_json(r));
		return 0;
	}
	fmt_time_utc(r->received_at, when);
	when[16] = '\0';
	when[10] = ' ';
	utf8_fit(r->sender_email ? r->sender_email : "-", 28, 1, from,
	    sizeof(from));
	utf8_fit(r->reason ? r->reason : r->subject ? r->subject :
	    "(no subject)", 40, 0, subj, sizeof(subj));
	utf8_fit(r->cls && *r->cls ? r->cls : "-", 8, 1, cls, sizeof(cls));
	printf("%5lld  %s  %s  %-11s %s  %s\n", (long long)r->id, when, cls,
	    r->status ? r->status : "-", from, subj);
	return 0;
}

int
cmd_list(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "class", required_argument, NULL, 'C' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "account", required_argument, NULL, 'a' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct inquiry_filter f;
	struct list_ctx lc = { 0, NULL, 0 };
	struct pipeline p;
	struct strlist errors = STRLIST_INIT;
	struct err e = ERR_INIT;
	int c, code, rc = EXIT_OK;
	size_t k;

	memset(&f, 0, sizeof(f));
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!store_status_known(optarg)) {
				fprintf(stderr, "inquiryd: unknown status "
				    "'%s'\n", optarg);
				return cmd_usage(list_usage, 1);
			}
			f.status = optarg;
			break;
		case 'C':
			if (class_from_name(optarg) < 0) {
				fprintf(stderr, "inquiryd: unknown class '%s' "
				    "(vague, detailed, spam)\n", optarg);
				return EXIT_USAGE;
			}
			f.cls = optarg;
			break;
		case 'S':
		case 'U':
			if (cmd_parse_when(optarg, c == 'S' ? &f.since :
			    &f.until)) {
				fprintf(stderr, "inquiryd: bad date '%s' (use "
				    "YYYY-MM-DD or e.g. 7d)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'a': f.account = optarg; break;
		case 'n':
			if (str_to_long(optarg, 1, 1000000000L, &f.limit))
				return cmd_usage(list_usage, 1);
			break;
		case 'j': lc.json = 1; break;
		case 'h': return cmd_usage(list_usage, 0);
		default: return cmd_usage(list_usage, 1);
		}
	}
	if (optind < argc)
		return cmd_usage(list_usage, 1);
	if (pipeline_load(&p, g->conf_path, PL_STORE, 1, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	if (lc.json)
		lc.arr = json_array();
	else
		printf("%5s  %-16s  %-8s  %-11s %-28s  %s\n", "ID", "RECEIVED",
		    "CLASS", "STATUS", "FROM", "SUBJECT");
	if (store_list(p.st, &f, list_row, &lc, &e)) {
		log_errx("%s", e.msg);
		rc = EXIT_FAIL;
	}
	if (lc.json) {
		char *t = json_dumps(lc.arr, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER);

		puts(t ? t : "[]");
		free(t);
		json_decref(lc.arr);
	} else if (!lc.n) {
		printf("(no inquiries)\n");
	}
	pipeline_release(&p);
	return rc;
}
