/*
 * cmd_show.c - "inquiryd show ID": one inquiry in full, for the rep.
 */
#include <getopt.h>
#include <limits.h>

#include <jansson.h>

#include "cmd.h"
#include "err.h"
#include "log.h"
#include "pipeline.h"

static const char show_usage[] =
"usage: inquiryd [-c FILE] show ID [--json]\n"
"\n"
"Shows one inquiry: sender, class and the rules that decided it, the\n"
"requirement outline and questions, the background check with its risk\n"
"flags, who handles it and why, the draft and quote, and its history.\n";

static int
event_json(const struct event_row *ev, void *arg)
{
	json_t *o = json_object();
	char when[21];

	json_object_set_new(o, "type", json_string(ev->type));
	json_object_set_new(o, "at", json_string(fmt_time_utc(ev->at, when)));
	json_object_set_new(o, "source", ev->source ? json_string(ev->source) :
	    json_null());
	json_object_set_new(o, "detail", ev->detail ? json_string(ev->detail) :
	    json_null());
	json_array_append_new(arg, o);
	return 0;
}

static int
event_print(const struct event_row *ev, void *arg)
{
	char when[21];

	(void)arg;
	fmt_time_utc(ev->at, when);
	printf("  %s  %-14s %s%s%s\n", when, ev->type,
	    ev->source ? log_esc(ev->source) : "",
	    ev->detail ? "  " : "", ev->detail ? log_esc(ev->detail) : "");
	return 0;
}

static const char *
jget(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void
print_text(const char *label, const char *value)
{
	if (value && *value)
		printf("%-12s %s\n", label, log_esc(value));
}

static void
print_verdict(json_t *v)
{
	json_t *a, *x;
	size_t i;

	a = json_object_get(v, "fired");
	if (json_array_size(a)) {
		printf("\nrules that fired:\n");
		json_array_foreach(a, i, x) {
			printf("  %-28s %s:%lld  '%s'\n", jget(x, "id"),
			    jget(x, "file") ? jget(x, "file") : "?",
			    (long long)json_integer_value(
			    json_object_get(x, "line")),
			    log_esc(jget(x, "match")));
		}
	}
	a = json_object_get(v, "requirements");
	if (json_array_size(a)) {
		printf("\nrequirements:\n");
		json_array_foreach(a, i, x)
			printf("  %2zu. %-14s %s\n", i + 1, jget(x, "field"),
			    log_esc(jget(x, "value")));
	}
	a = json_object_get(v, "questions");
	if (json_array_size(a)) {
		printf("\nquestions:\n");
		json_array_foreach(a, i, x)
			printf("  - %s\n", log_esc(json_string_value(x)));
	}
	x = json_object_get(v, "signature");
	if (json_is_object(x)) {
		printf("\nsignature:\n");
		print_text("  name", jget(x, "name"));
		print_text("  title", jget(x, "title"));
		print_text("  department", jget(x, "department"));
		print_text("  company", jget(x, "company"));
		print_text("  address", jget(x, "address"));
		print_text("  website", jget(x, "website"));
		print_text("  whatsapp", jget(x, "whatsapp"));
		print_text("  skype", jget(x, "skype"));
		print_text("  wechat", jget(x, "wechat"));
		print_text("  telegram", jget(x, "telegram"));
		print_text("  viber", jget(x, "viber"));
		print_text("  line", jget(x, "line"));
		print_text("  qq", jget(x, "qq"));
		print_text("  zalo", jget(x, "zalo"));
		print_text("  kakao", jget(x, "kakao"));
		print_text("  linkedin", jget(x, "linkedin"));
		print_text("  country", jget(x, "country"));
		a = json_object_get(x, "phones");
		json_array_foreach(a, i, x)
			print_text("  phone", json_string_value(x));
	}
}

static void
print_enrich(json_t *en)
{
	json_t *a, *x;
	size_t i;

	printf("\nbackground check:\n");
	print_text("  domain", jget(en, "registrable_domain"));
	x = json_object_get(en, "free_mail");
	if (json_is_boolean(x))
		printf("  %-10s %s\n", "free mail", json_is_true(x) ? "yes" :
		    "no");
	print_text("  website", jget(en, "website"));
	print_text("  site", jget(en, "site_title"));
	print_text("  industry", jget(en, "industry"));
	print_text("  country", jget(en, "country"));
	a = json_object_get(en, "suggestions");
	json_array_foreach(a, i, x)
		printf("  %-10s %s (%s)\n", i ? "" : "suggest",
		    log_esc(jget(x, "category")), log_esc(jget(x, "evidence")));
	a = json_object_get(en, "risk_flags");
	json_array_foreach(a, i, x)
		printf("  RISK       %s: %s\n", jget(x, "code"),
		    log_esc(jget(x, "reason")));
}

int
cmd_show(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline p;
	struct strlist errors = STRLIST_INIT;
	struct inquiry_row r;
	struct err e = ERR_INIT;
	json_t *verdict = NULL, *en = NULL;
	int c, code, json = 0, found, rc = EXIT_OK;
	long id;
	size_t k;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': return cmd_usage(show_usage, 0);
		default: return cmd_usage(show_usage, 1);
		}
	}
	if (optind != argc - 1 || str_to_long(argv[optind][0] == '#' ?
	    argv[optind] + 1 : argv[optind], 1, LONG_MAX, &id))
		return cmd_usage(show_usage, 1);
	if (pipeline_load(&p, g->conf_path, PL_STORE, 1, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	found = store_get(p.st, id, &r, &e);
	if (found <= 0) {
		if (found < 0)
			log_errx("%s", e.msg);
		else
			fprintf(stderr, "inquiryd: no inquiry #%ld\n", id);
		pipeline_release(&p);
		return found < 0 ? EXIT_FAIL : EXIT_USAGE;
	}
	if (r.verdict_json)
		verdict = json_loads(r.verdict_json, 0, NULL);
	if (r.enrich_json)
		en = json_loads(r.enrich_json, 0, NULL);
	if (json) {
		json_t *o = cmd_row_json(&r), *evs = json_array();
		char *t;

		json_object_set_new(o, "rep_reason", r.rep_reason ?
		    json_string(r.rep_reason) : json_null());
		json_object_set_new(o, "verdict", verdict ? verdict :
		    json_null());
		json_object_set_new(o, "enrich", en ? en : json_null());
		verdict = en = NULL;
		if (store_events(p.st, id, event_json, evs, &e))
			log_errx("%s", e.msg);
		json_object_set_new(o, "events", evs);
		t = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(t ? t : "{}");
		free(t);
		json_decref(o);
	} else {
		char when[21];

		printf("inquiry #%lld  %s, %s\n", (long long)r.id,
		    r.cls && *r.cls ? r.cls : "(unclassified)", r.status);
		print_text("from", r.sender_name);
		print_text("email", r.sender_email);
		print_text("subject", r.subject);
		printf("%-12s %s\n", "received", fmt_time_utc(r.received_at,
		    when));
		print_text("message-id", r.message_id);
		print_text("source", r.source);
		print_text("account", r.account);
		print_text("rep", r.rep);
		print_text("why rep", r.rep_reason);
		print_text("language", r.lang);
		print_text("country", r.country);
		if (r.cls && *r.cls)
			printf("%-12s vague %.2f, detailed %.2f, spam %.2f\n",
			    "score", r.score[CLASS_VAGUE],
			    r.score[CLASS_DETAILED], r.score[CLASS_SPAM]);
		print_text("reason", r.reason);
		print_text("draft", r.draft_path);
		print_text("quote", r.quote_path);
		if (verdict)
			print_verdict(verdict);
		if (en)
			print_enrich(en);
		printf("\nhistory:\n");
		if (store_events(p.st, id, event_print, NULL, &e)) {
			log_errx("%s", e.msg);
			rc = EXIT_FAIL;
		}
	}
	json_decref(verdict);
	json_decref(en);
	inquiry_row_release(&r);
	pipeline_release(&p);
	return rc;
}
