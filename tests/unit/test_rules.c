/*
 * test_rules.c - the rule-file language: every error path with its
 * file:line:column, the decision settings, scanning with captures,
 * lists, conditions, languages, limits, and the shipped rules loading.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "buf.h"
#include "rules.h"
#include "rx.h"

static char tmpdir[64];

static void clear(void);

static int
each(void **state)
{
	(void)state;
	clear();
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/inquiryd-rules-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int
teardown(void **state)
{
	char *cmd;

	(void)state;
	cmd = xasprintf("%s", tmpdir);
	/* remove the files the tests wrote, then the directory */
	{
		static const char *const names[] = {
			"a.rules", "b.rules", "c.rules", "inc.inc", "w.list",
			"m.map", "sub/x.rules", "loop.inc",
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(names); i++) {
			char *p = xasprintf("%s/%s", tmpdir, names[i]);

			unlink(p);
			free(p);
		}
		{
			char *p = xasprintf("%s/sub", tmpdir);

			rmdir(p);
			free(p);
		}
	}
	rmdir(cmd);
	free(cmd);
	return 0;
}

static void
put(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", tmpdir, name);
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

static void
clear(void)
{
	static const char *const names[] = {
		"a.rules", "b.rules", "c.rules", "inc.inc", "w.list", "m.map",
		"loop.inc", "sub/x.rules",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char *p = xasprintf("%s/%s", tmpdir, names[i]);

		unlink(p);
		free(p);
	}
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads tmpdir; returns the ruleset or NULL with errors. */
static struct ruleset *
load(struct strlist *errs)
{
	struct ruleset *rs = NULL;

	if (ruleset_load(&rs, tmpdir, errs))
		return NULL;
	return rs;
}

/* A thresholds preamble that every file set needs to load. */
#define DECIDE "threshold vague 0\nthreshold detailed 0\nthreshold spam 0\n"

static const struct {
	const char *text;	/* a.rules */
	const char *want;	/* expected error, after "DIR/" */
} error_cases[] = {
	{ "bogus x\n", "a.rules:1:1: unknown directive 'bogus'" },
	{ "  rul X subject /a/\n",
	    "a.rules:1:3: unknown directive 'rul'; did you mean 'rule'?" },
	{ "weight spam=1\n", "a.rules:1:1: 'weight' outside a rule" },
	{ "rule\n", "a.rules:1:5: usage: rule ID" },
	{ "rule 9X subject /a/\n", "a.rules:1:6: bad rule id '9X'" },
	{ "rule X subjekt /a/\n",
	    "a.rules:1:8: unknown target 'subjekt'; did you mean 'subject'?" },
	{ "rule X header /a/\n",
	    "a.rules:1:8: target 'header' needs a header name" },
	{ "rule X subject /a(/\n",
	    "a.rules:1:19: missing closing parenthesis" },
	{ "rule X subject /(?<qty>\\d+)/\n",
	    "a.rules:1:17: rule 'X': unknown field 'qty'" },
	{ "rule X subject /a/q\n",
	    "a.rules:1:19: unknown pattern flag 'q'" },
	{ "rule X subject /a\n",
	    "a.rules:1:16: the pattern has no closing '/'" },
	{ "rule X subject //\n", "a.rules:1:17: empty pattern" },
	{ "rule X subject\n pattern a/\n",
	    "a.rules:2:10: expected a pattern written /.../flags" },
	{ "rule X subject /a/\n pattern /b/\n",
	    "a.rules:2:10: rule 'X' already has a pattern" },
	{ "rule X subject /a/\n target body\n",
	    "a.rules:2:9: rule 'X' already has a target" },
	{ "rule X subject /a/\n weight spam\n",
	    "a.rules:2:9: expected CLASS=NUMBER, not 'spam'" },
	{ "rule X subject /a/\n weight spma=1\n",
	    "a.rules:2:9: unknown class 'spma'; did you mean 'spam'?" },
	{ "rule X subject /a/\n weight spam=lots\n",
	    "a.rules:2:14: bad weight 'lots'" },
	{ "rule X subject /a/\n weight spam=5000\n",
	    "a.rules:2:14: bad weight '5000'" },
	{ "rule X subject /a/\n field qty\n",
	    "a.rules:2:8: unknown field 'qty'" },
	{ "rule X subject /a/\n field colour extra\n",
	    "a.rules:2:15: unexpected 'extra'" },
	{ "rule X subject /a/\n lang english\n",
	    "a.rules:2:7: bad language 'english'" },
	{ "rule X subject /a/\n describe\n",
	    "a.rules:2:10: usage: describe TEXT" },
	{ "rule X subject /a/\n meta industry\n",
	    "a.rules:2:7: meta 'industry' has no value" },
	{ "rule X subject /a/\n meta in$dustry x\n",
	    "a.rules:2:7: bad meta key 'in$dustry'" },
	{ "rule X subject /a/\n max-hits 0\n",
	    "a.rules:2:11: bad max-hits '0'" },
	{ "rule X subject /a/\n min-hits many\n",
	    "a.rules:2:11: bad min-hits 'many'" },
	{ "rule X subject /a/\n max-hits 2\n min-hits 3\n",
	    "a.rules:1:1: rule 'X': min-hits 3 is more than max-hits 2" },
	{ "rule X subject /a/\n expand word\n",
	    "a.rules:2:9: unknown expand 'word'" },
	{ "rule X subject /a/\n expand sentence\n",
	    "a.rules:1:1: rule 'X': 'expand' needs a 'field'" },
	{ "rule X subject\n",
	    "a.rules:1:1: rule 'X' has no pattern, words, inlist or when" },
	{ "rule X\n pattern /a/\n", "a.rules:1:1: rule 'X' has no target" },
	{ "rule X subject\n when Y\n",
	    "a.rules:1:1: rule 'X' has a target but no pattern" },
	{ "rule X\n when Y &&\n",
	    "a.rules:2:11: unexpected end of the condition" },
	{ "rule X\n when (Y\n", "a.rules:2:9: expected ')'" },
	{ "rule X\n when Y Z\n",
	    "a.rules:2:9: unexpected text after the condition" },
	{ "rule X\n when Y\n",
	    "a.rules:2:7: rule 'X': the condition names no rule 'Y'" },
	{ "rule X\n when X\n",
	    "a.rules:2:7: rule 'X': the condition names the rule itself" },
	{ "rule X\n when Y\nrule Y\n when X\n",
	    "conditions refer to each other in a loop" },
	{ "rule X\n when Y\n field colour\nrule Y subject /a/\n",
	    "a.rules:1:1: rule 'X': a condition-only rule cannot fill" },
	{ "rule X subject /a/\nrule X body /b/\n",
	    "a.rules:2:1: duplicate rule id 'X' (first defined at " },
	{ "rule X subject\n words nolist\n",
	    "a.rules:1:8: rule 'X': no list called 'nolist'" },
	{ "rule X subject\n inlist\n", "a.rules:2:8: usage: inlist LIST" },
	{ "rule X subject /a/\n words w\n",
	    "a.rules:2:8: rule 'X' already has a pattern" },
	{ "list w\n", "a.rules:1:7: usage: list NAME FILE" },
	{ "list w missing.list\n",
	    "a.rules:1:8: cannot read '" },
	{ "list w w.list extra\n",
	    "a.rules:1:15: unexpected 'extra' after the file name" },
	{ "list 1w w.list\n", "a.rules:1:6: bad list name '1w'" },
	{ "map m nothing.map\n", "a.rules:1:7: cannot read '" },
	{ "include\n", "a.rules:1:8: usage: include FILE" },
	{ "include none.inc\n", "a.rules:1:9: cannot read '" },
	{ "include inc.inc\ninclude inc.inc\n",
	    "a.rules:2:9: '" },
	{ "include loop.inc\n", "is already loaded" },
	{ "threshold spam\n", "a.rules:1:15: usage: threshold CLASS NUMBER" },
	{ "threshold ham 2\n", "a.rules:1:11: unknown class 'ham'" },
	{ "threshold spam x\n", "a.rules:1:16: bad threshold 'x'" },
	{ "threshold spam 1\nthreshold spam 2\n",
	    "a.rules:2:11: threshold for 'spam' already set at " },
	{ "threshold spam 5\nrule X subject /a/\n weight spam=2\n",
	    "a.rules:1:1: threshold spam 5 is unreachable: all the rules "
	    "together give spam at most 2" },
	{ "prefer spam vague\n", "a.rules:1:18: prefer must name vague" },
	{ "prefer spam spam vague\n",
	    "a.rules:1:13: class 'spam' named twice" },
	{ "default junk\n", "a.rules:1:9: unknown class 'junk'" },
	{ "decide vote\n", "a.rules:1:8: unknown decision 'vote'" },
	{ "limit speed 3\n", "a.rules:1:7: unknown limit 'speed'" },
	{ "limit match 5\n", "a.rules:1:13: bad limit '5'" },
	{ "language english\n", "a.rules:1:10: bad language 'english'" },
	{ "fields Bad-Name\n", "a.rules:1:8: bad field name 'Bad-Name'" },
	{ "rule X subject /é(/\n",
	    "a.rules:1:19: missing closing parenthesis" },
	{ "rule X header:Bad Name /a/\n",
	    "a.rules:1:19: expected /PATTERN/FLAGS after the target, not "
	    "'Name'" },
	{ "define\n", "a.rules:1:7: usage: define _NAME /PATTERN/FLAGS" },
	{ "define np /a/\n", "a.rules:1:8: bad define name 'np'" },
	{ "define _n /a/\ndefine _n /b/\n",
	    "a.rules:2:8: '_n' is already defined" },
	{ "define _n /a(/\n", "a.rules:1:14: missing closing parenthesis" },
	{ "define _n /a/U\n", "a.rules:1:14: a define takes only the flags" },
	{ "define _n a\n", "a.rules:1:11: expected a pattern written" },
	{ "define _n /(?&_m)/\n", "a.rules:1:" },
	{ "define _n /a(/\nrule X subject /(?&_n)/\n",
	    "a.rules:1:14: missing closing parenthesis" },
	{ "rule X subject /a\001b/\n",
	    "a.rules:1:18: control character \\x01 in the line" },
};

static void
test_errors(void **state)
{
	size_t i, k;
	int bad = 0;

	(void)state;
	put("w.list", "alpha\n");
	put("inc.inc", "rule INC subject /a/\n");
	put("loop.inc", "include a.rules\n");
	for (i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct strlist errs = STRLIST_INIT;
		struct ruleset *rs;
		char *want = xasprintf("%s/%s", tmpdir, error_cases[i].want);
		int found = 0;

		put("a.rules", error_cases[i].text);
		rs = load(&errs);
		for (k = 0; k < errs.n; k++)
			if (strstr(errs.v[k], error_cases[i].want[0] == 'a' &&
			    strchr(error_cases[i].want, ':') ? want :
			    error_cases[i].want))
				found = 1;
		if (rs || !found) {
			bad = 1;
			print_error("case %zu: %s\n  want: %s\n", i,
			    error_cases[i].text, want);
			for (k = 0; k < errs.n; k++)
				print_error("  got:  %s\n", errs.v[k]);
			if (rs)
				print_error("  (loaded)\n");
		}
		ruleset_free(rs);
		strlist_release(&errs);
		free(want);
	}
	clear();
	assert_false(bad);
}

/* Every error is reported, not just the first. */
static void
test_all_errors_reported(void **state)
{
	struct strlist errs = STRLIST_INIT;

	(void)state;
	put("a.rules", "bogus\nrule X subject /(/\nrule Y body /a/\n weight "
	    "x=1\n");
	put("b.rules", "rule Z nowhere /a/\n");
	assert_null(load(&errs));
	assert_int_equal(errs.n, 4);
	strlist_release(&errs);
	clear();
}

static void
test_missing_dir(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct ruleset *rs = NULL;

	(void)state;
	assert_int_equal(ruleset_load(&rs, "/nonexistent/rules", &errs), -1);
	assert_null(rs);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.v[0], "/nonexistent/rules"));
	strlist_release(&errs);
}

/* A pattern is verbatim between the first and the last '/'. */
static void
test_scan_verbatim_and_captures(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct rule_hits h = RULE_HITS_INIT;
	struct ruleset *rs;
	const char *text = "see https://example.com/a and 20 pcs, 30 pcs";

	(void)state;
	put("a.rules", DECIDE
	    "rule URL body /https?://[^\\s/]+/i\n"
	    "  weight spam=1\n"
	    "rule QTY body /(?<quantity>\\d+ pcs)|(?<quantity>\\d+ sets)/\n"
	    "  max-hits 5\n"
	    "  weight detailed=2 vague=-1\n"
	    "  meta industry test\n"
	    "  meta kind=a b\n"
	    "  describe quantities\n");
	rs = load(&errs);
	assert_non_null(rs);
	assert_int_equal(ruleset_count(rs), 2);
	assert_int_equal(ruleset_scan(rs, "body", NULL, text, strlen(text),
	    "en", &h, 0, NULL), 3);
	assert_string_equal(h.v[0].match, "https://example.com");
	assert_string_equal(h.v[1].match, "20 pcs");
	assert_int_equal(h.v[1].ncaps, 1);
	assert_string_equal(h.v[1].caps[0].name, "quantity");
	assert_string_equal(h.v[1].caps[0].value, "20 pcs");
	assert_string_equal(h.v[2].caps[0].value, "30 pcs");
	assert_int_equal(h.v[2].offset, strlen(text) - 6);
	assert_string_equal(rule_meta(h.v[1].rule, "industry"), "test");
	assert_string_equal(rule_meta(h.v[1].rule, "kind"), "a b");
	assert_true(h.v[1].rule->weight[CLASS_VAGUE] == -1);
	assert_int_equal(h.v[1].rule->line, 6);
	rule_hits_release(&h);
	/* another target: nothing */
	assert_int_equal(ruleset_scan(rs, "subject", NULL, text, strlen(text),
	    NULL, &h, 0, NULL), 0);
	ruleset_free(rs);
	strlist_release(&errs);
	clear();
}

static void
test_lang_and_header(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct rule_hits h = RULE_HITS_INIT;
	struct ruleset *rs;

	(void)state;
	put("a.rules", DECIDE
	    "language es\n"
	    "rule ES visible /precio/i\n"
	    "rule ES2 visible /precio/i\n"
	    "  lang pt es\n"
	    "language *\n"
	    "rule ALL visible /precio/i\n"
	    "rule MAILER header:X-Mailer /bulk/i\n"
	    "rule TO\n  target header To\n"
	    "  pattern /undisclosed/\n");
	rs = load(&errs);
	assert_non_null(rs);
	assert_int_equal(ruleset_scan(rs, "visible", NULL, "Precio", 6, "en",
	    &h, 0, NULL), 1);
	assert_int_equal(ruleset_scan(rs, "visible", NULL, "Precio", 6, "es",
	    &h, 0, NULL), 3);
	assert_int_equal(ruleset_scan(rs, "visible", NULL, "Precio", 6,
	    "pt en", &h, 0, NULL), 2);
	assert_int_equal(ruleset_scan(rs, "visible", NULL, "Precio", 6, NULL,
	    &h, 0, NULL), 3);
	assert_int_equal(ruleset_scan(rs, "header", "x-mailer", "Bulk 1", 6,
	    NULL, &h, 0, NULL), 1);
	assert_int_equal(ruleset_scan(rs, "header", "Subject", "Bulk 1", 6,
	    NULL, &h, 0, NULL), 0);
	assert_int_equal(ruleset_scan(rs, "header", "To", "undisclosed", 11,
	    NULL, &h, 0, NULL), 1);
	rule_hits_release(&h);
	ruleset_free(rs);
	strlist_release(&errs);
	clear();
}

static void
test_lists_words_maps(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct rule_hits h = RULE_HITS_INIT;
	struct ruleset *rs;
	const char *const *v;
	const char *k, *val;
	size_t n;

	(void)state;
	put("w.list", "# free mail\nGmail.com\nyahoo.co.uk   # UK\n\n"
	    "hot mail\n价格表\nyahoo.co.uk\n");
	put("m.map", "# industries\nphones = speakers, power banks\n"
	    "Furniture=chairs\n");
	put("a.rules", DECIDE
	    "list w w.list\n"
	    "map m m.map\n"
	    "rule FREE from_domain\n  inlist w\n"
	    "rule FREEA from_addr\n  inlist w\n"
	    "rule WORDS visible\n  words w\n  max-hits 9\n");
	rs = load(&errs);
	assert_non_null(rs);
	assert_true(ruleset_in_list(rs, "w", "GMAIL.com"));
	assert_false(ruleset_in_list(rs, "w", "mail.gmail.com"));
	assert_true(ruleset_in_domain_list(rs, "w", "mail.gmail.com"));
	assert_true(ruleset_in_domain_list(rs, "w", "joe@yahoo.co.uk"));
	assert_false(ruleset_in_list(rs, "nolist", "gmail.com"));
	v = ruleset_list(rs, "w", &n);
	assert_int_equal(n, 4);	/* duplicates dropped */
	assert_string_equal(v[0], "gmail.com");
	assert_string_equal(ruleset_map_get(rs, "m", "PHONES"),
	    "speakers, power banks");
	assert_string_equal(ruleset_map_get(rs, "m", "furniture"), "chairs");
	assert_null(ruleset_map_get(rs, "m", "toys"));
	assert_int_equal(ruleset_map_entry(rs, "m", 1, &k, &val), 0);
	assert_string_equal(k, "Furniture");
	assert_int_equal(ruleset_map_entry(rs, "m", 2, &k, &val), -1);
	assert_int_equal(ruleset_scan(rs, "from_domain", NULL, "smtp.gmail.com",
	    14, NULL, &h, 0, NULL), 1);
	assert_int_equal(ruleset_scan(rs, "from_addr", NULL, "a@GMAIL.COM",
	    11, NULL, &h, 0, NULL), 1);
	assert_int_equal(ruleset_scan(rs, "from_domain", NULL, "gmail.com.evil",
	    14, NULL, &h, 0, NULL), 0);
	rule_hits_release(&h);
	/* words: whole words only, CJK without boundaries */
	assert_int_equal(ruleset_scan(rs, "visible", NULL,
	    "Hot  Mail or hotmail, 请发价格表", strlen("Hot  Mail or hotmail, "
	    "请发价格表"), NULL, &h, 0, NULL), 1);
	assert_string_equal(h.v[0].match, "价格表");
	rule_hits_release(&h);
	assert_int_equal(ruleset_scan(rs, "visible", NULL, "hot mail!", 9,
	    NULL, &h, 0, NULL), 1);
	rule_hits_release(&h);
	ruleset_free(rs);
	strlist_release(&errs);
	clear();
}

/* The map of outline labels: a binary search, first line wins, any case;
 * its fields are checked. */
static void
test_outline_labels_map(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct ruleset *rs;
	size_t i;
	int found = 0;

	(void)state;
	put("l.map", "Colour = colour\nqty = quantity\nprice = target_price, "
	    "incoterm\ncolour = material\nЦвет = colour\ndear sir = -\n");
	put("a.rules", DECIDE "map outline_labels l.map\n");
	rs = load(&errs);
	assert_non_null(rs);
	assert_string_equal(ruleset_map_get(rs, OUTLINE_LABELS_MAP,
	    "COLOUR"), "colour");
	assert_string_equal(ruleset_map_get(rs, OUTLINE_LABELS_MAP, "цвет"),
	    "colour");
	assert_string_equal(ruleset_map_get(rs, OUTLINE_LABELS_MAP, "Price"),
	    "target_price, incoterm");
	assert_string_equal(ruleset_map_get(rs, OUTLINE_LABELS_MAP,
	    "dear sir"), "-");
	assert_null(ruleset_map_get(rs, OUTLINE_LABELS_MAP, "size"));
	ruleset_free(rs);
	clear();
	put("l.map", "colour = colour\nqty = qantity\nx = spec, questionn\n"
	    "y = question\n");
	put("a.rules", DECIDE "map outline_labels l.map\n");
	assert_null(load(&errs));
	for (i = 0; i < errs.n; i++)
		found += strstr(errs.v[i], "l.map:2:1: unknown field 'qantity'")
		    != NULL || strstr(errs.v[i], "l.map:3:1: unknown field "
		    "'questionn'") != NULL || strstr(errs.v[i], "l.map:4:1: "
		    "unknown field 'question'") != NULL;
	assert_int_equal(found, 3);
	strlist_release(&errs);
	clear();
}

static void
test_conditions(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct rule_hits h = RULE_HITS_INIT;
	struct ruleset *rs;
	const char *t = "catalog please, 3 colours";
	size_t i;
	int seen_meta = 0, seen_b = 0, seen_two = 0, seen_none = 0;

	(void)state;
	put("a.rules", DECIDE
	    "rule META\n  when A && !B\n  weight vague=1\n"
	    "rule TWO\n  when A + C >= 2\n"
	    "rule NONE\n  when !A && !C\n"
	    "rule A visible /catalog/\n"
	    "rule B visible /colours/\n  when !C\n"
	    "rule C visible /please/\n"
	    "rule ESONLY\n  when A\n  lang es\n");
	rs = load(&errs);
	if (!rs)
		for (i = 0; i < errs.n; i++)
			print_error("%s\n", errs.v[i]);
	assert_non_null(rs);
	ruleset_scan(rs, "visible", NULL, t, strlen(t), "en", &h, 0, NULL);
	assert_int_equal(h.n, 3);
	assert_int_equal(ruleset_resolve(rs, &h, "en"), 2);
	for (i = 0; i < h.n; i++) {
		seen_meta += !strcmp(h.v[i].rule->id, "META");
		seen_b += !strcmp(h.v[i].rule->id, "B");
		seen_two += !strcmp(h.v[i].rule->id, "TWO");
		seen_none += !strcmp(h.v[i].rule->id, "NONE");
	}
	/* B's condition fails (C fired), so META (A && !B) holds */
	assert_int_equal(seen_b, 0);
	assert_int_equal(seen_meta, 1);
	assert_int_equal(seen_two, 1);
	assert_int_equal(seen_none, 0);
	rule_hits_release(&h);
	ruleset_free(rs);
	strlist_release(&errs);
	clear();
}

static void
test_decide(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct ruleset *rs;
	double sc[CLASS_COUNT];
	char why[256];

	(void)state;
	put("a.rules", "threshold vague 1\nthreshold detailed 3\n"
	    "threshold spam 4\nprefer spam detailed vague\ndefault vague\n"
	    "rule S body /s/\n weight spam=5 detailed=5 vague=5\n");
	rs = load(&errs);
	assert_non_null(rs);
	assert_int_equal(ruleset_decide_mode(rs), DECIDE_ORDER);
	sc[CLASS_VAGUE] = 2;
	sc[CLASS_DETAILED] = 3;
	sc[CLASS_SPAM] = 1;
	assert_int_equal(ruleset_decide(rs, sc, why, sizeof(why)),
	    CLASS_DETAILED);
	assert_non_null(strstr(why, "detailed 3 >= threshold 3"));
	sc[CLASS_SPAM] = 4;
	assert_int_equal(ruleset_decide(rs, sc, NULL, 0), CLASS_SPAM);
	sc[CLASS_VAGUE] = sc[CLASS_DETAILED] = sc[CLASS_SPAM] = 0;
	assert_int_equal(ruleset_decide(rs, sc, why, sizeof(why)),
	    CLASS_VAGUE);
	assert_non_null(strstr(why, "default vague"));
	ruleset_free(rs);
	strlist_release(&errs);

	put("a.rules", "threshold vague 1\nthreshold detailed 3\n"
	    "threshold spam 4\nprefer spam detailed vague\ndecide margin\n"
	    "default detailed\n"
	    "rule S body /s/\n weight spam=5 detailed=5 vague=5\n");
	rs = load(&errs);
	assert_non_null(rs);
	sc[CLASS_VAGUE] = 4;
	sc[CLASS_DETAILED] = 4;
	sc[CLASS_SPAM] = 4;
	/* margins 3, 1, 0 */
	assert_int_equal(ruleset_decide(rs, sc, NULL, 0), CLASS_VAGUE);
	sc[CLASS_DETAILED] = 6;	/* tie at 3: spam, detailed, vague order */
	assert_int_equal(ruleset_decide(rs, sc, NULL, 0), CLASS_DETAILED);
	sc[CLASS_VAGUE] = sc[CLASS_DETAILED] = sc[CLASS_SPAM] = 0;
	assert_int_equal(ruleset_decide(rs, sc, NULL, 0), CLASS_DETAILED);
	ruleset_free(rs);
	strlist_release(&errs);
	clear();
}

static void
test_include_and_glob(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct ruleset *rs;
	char *sub = xasprintf("%s/sub", tmpdir);

	(void)state;
	mkdir(sub, 0700);
	put("sub/x.rules", "rule SUBX subject /x/\n");
	put("inc.inc", "rule INC body /b/\n");
	put("a.rules", DECIDE "language de\ninclude inc.inc\n"
	    "include sub/*.rules\ninclude nomatch/*.rules\n");
	rs = load(&errs);
	assert_non_null(rs);
	assert_int_equal(ruleset_count(rs), 2);
	assert_string_equal(ruleset_rule(rs, 0)->id, "INC");
	assert_string_equal(ruleset_rule(rs, 0)->langs.v[0], "de");
	assert_non_null(strstr(ruleset_rule(rs, 0)->file, "inc.inc"));
	assert_int_equal(ruleset_rule(rs, 0)->line, 1);
	ruleset_free(rs);
	strlist_release(&errs);
	unlink(unit_path("x"));
	{
		char *p = xasprintf("%s/sub/x.rules", tmpdir);

		unlink(p);
		free(p);
	}
	rmdir(sub);
	free(sub);
	clear();
}

/* Sentences around a match become the field ("expand sentence"). */
static void
test_expand(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{ "Hello. Can you ship to the UK ? Thanks.",
		    "Can you ship to the UK ?" },
		{ "HelloI need a tent.Do you supply any?What would be the "
		    "cost?Regards", "Do you supply any?" },
		{ "Dear Sir, please let me know the price.\nBest regards,",
		    "Dear Sir, please let me know the price." },
		{ "We like it.\nCould you send the\nprice list to Mr. Li?",
		    "Could you send the price list to Mr. Li?" },
		{ "Details:\n1. Minimum order quantity (MOQ)\n\n2. Lead time",
		    "1. Minimum order quantity (MOQ)" },
		{ "想了解你们的沙发，多少钱？谢谢。", "想了解你们的沙发，多少钱？" },
		{ "Send us your newest catalog and MOQ., payment terms and "
		    "delivery time.\n\nEmail:", "Send us your newest catalog and "
		    "MOQ., payment terms and delivery time." },
		{ "i need 1.300 pcs? ok", "i need 1.300 pcs?" },
		{ "see http://x.com/a?b=1 now? yes", "see http://x.com/a?b=1 now?" },
	};
	struct strlist errs = STRLIST_INIT;
	struct rule_hits h = RULE_HITS_INIT;
	struct ruleset *rs;
	size_t i;

	(void)state;
	put("a.rules", DECIDE
	    "rule Q visible /[?？](?!\\S*=)|let me know|send the|Send us|MOQ\\)/\n"
	    "  field question\n  expand sentence\n");
	rs = load(&errs);
	assert_non_null(rs);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ruleset_scan(rs, "visible", NULL, cases[i].text,
		    strlen(cases[i].text), NULL, &h, 0, NULL);
		if (h.n != 1 || h.v[0].ncaps != 1 ||
		    strcmp(h.v[0].caps[0].value, cases[i].want)) {
			print_error("case %zu: want '%s' got '%s'\n", i,
			    cases[i].want, h.n && h.v[0].ncaps ?
			    h.v[0].caps[0].value : "(none)");
			fail();
		}
		rule_hits_release(&h);
	}
	ruleset_free(rs);
	strlist_release(&errs);
	clear();
}

/* A catastrophic pattern on a long input ends within the budget. */
static void
test_limits(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct strlist warn = STRLIST_INIT;
	struct rule_hits h = RULE_HITS_INIT;
	struct ruleset *rs;
	struct buf b = BUF_INIT(1 << 20);
	uint64_t t0;
	size_t i;

	(void)state;
	put("a.rules", DECIDE "limit match 100000\nlimit time 200\n"
	    "rule EVIL body /(a+)+$/\n"
	    "rule EVIL2 body /(?:(?:a|aa)+)+b/\n"
	    "rule EVIL3 body /(a|a?)+$/\n"
	    "rule FINE body /aaaa/\n");
	rs = load(&errs);
	assert_non_null(rs);
	for (i = 0; i < 100000; i++)
		buf_addch(&b, 'a');
	buf_addch(&b, '!');
	t0 = now_ms();
	ruleset_scan(rs, "body", NULL, b.data, b.len, NULL, &h,
	    now_ms() + ruleset_budget_ms(rs), &warn);
	assert_true(now_ms() - t0 < 2000);
	assert_true(warn.n >= 1);
	for (i = 0; i < warn.n; i++)
		assert_non_null(strstr(warn.v[i], "skipped"));
	/* the well-behaved rule still matched */
	assert_int_equal(h.n, 1);
	assert_string_equal(h.v[0].rule->id, "FINE");
	rule_hits_release(&h);
	strlist_release(&warn);
	/* an expired deadline skips everything, with a warning */
	ruleset_scan(rs, "body", NULL, b.data, b.len, NULL, &h, 1, &warn);
	assert_int_equal(h.n, 0);
	assert_true(warn.n >= 1);
	strlist_release(&warn);
	buf_release(&b);
	ruleset_free(rs);
	strlist_release(&errs);
	clear();
}

static void
test_min_hits_and_invalid_utf8(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct rule_hits h = RULE_HITS_INIT;
	struct ruleset *rs;
	const char *two = "http://a http://b";
	const char *three = "http://a http://b http://c \xff\xfe http://d";

	(void)state;
	put("a.rules", DECIDE "rule LINKS body /https?:\\/\\//\n"
	    "  min-hits 3\n  weight spam=1\n");
	rs = load(&errs);
	assert_non_null(rs);
	assert_int_equal(ruleset_scan(rs, "body", NULL, two, strlen(two), NULL,
	    &h, 0, NULL), 0);
	assert_int_equal(ruleset_scan(rs, "body", NULL, three, strlen(three),
	    NULL, &h, 0, NULL), 3);
	rule_hits_release(&h);
	ruleset_free(rs);
	strlist_release(&errs);
	clear();
}

static void
test_rx(void **state)
{
	struct rx_error e;
	struct rx *rx;
	struct rx_scratch *sc;
	struct buf b = BUF_INIT(100);
	unsigned g, flags;
	size_t s, en, bad;

	(void)state;
	assert_int_equal(rx_parse_flags("imsxUan", 7, &flags, &bad), 0);
	assert_int_equal(rx_parse_flags("iq", 2, &flags, &bad), -1);
	assert_int_equal(bad, 1);
	assert_null(rx_compile("a[", 2, 0, &e));
	assert_int_equal(e.offset, 2);
	rx = rx_compile("(?<quantity>\\d+)\\s*ШТ", strlen("(?<quantity>\\d+)"
	    "\\s*ШТ"), RX_CASELESS, &e);
	assert_non_null(rx);
	assert_int_equal(rx_name_count(rx), 1);
	assert_string_equal(rx_name(rx, 0, &g), "quantity");
	assert_int_equal(g, 1);
	sc = rx_scratch_new(NULL, rx_capture_count(rx));
	assert_int_equal(rx_exec(rx, "x 500 шт", strlen("x 500 шт"), 0, sc,
	    NULL, 0), RX_MATCH);
	assert_int_equal(rx_group(sc, 1, &s, &en), 0);
	assert_int_equal(s, 2);
	assert_int_equal(en, 5);
	assert_int_equal(rx_exec(rx, "none", 4, 0, sc, NULL, 0), RX_NOMATCH);
	rx_scratch_free(sc);
	rx_free(rx);
	rx_quote(&b, "a.b*c (x) 价", strlen("a.b*c (x) 价"));
	assert_string_equal(b.data, "a\\.b\\*c \\(x\\) 价");
	buf_release(&b);
}

static void
test_defines(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct rule_hits h = RULE_HITS_INIT;
	struct ruleset *rs;
	const char *t = "Price for 500 PCS of chairs";

	(void)state;
	put("a.rules", DECIDE
	    "define _unit /pcs|sets/i\n"
	    "define _qty /\\d+\\s*(?&_unit)/\n"
	    "rule Q visible /(?<quantity>(?&_qty))\\s+of\\s+(?<product>\\w+)/\n"
	    "rule P visible /(p)(r)(i)(c)(e)/i\n");
	rs = load(&errs);
	assert_non_null(rs);
	assert_int_equal(ruleset_scan(rs, "visible", NULL, t, strlen(t), NULL,
	    &h, 0, NULL), 2);
	assert_int_equal(h.v[0].ncaps, 2);
	assert_string_equal(!strcmp(h.v[0].caps[0].name, "quantity") ?
	    h.v[0].caps[0].value : h.v[0].caps[1].value, "500 PCS");
	assert_string_equal(!strcmp(h.v[0].caps[0].name, "product") ?
	    h.v[0].caps[0].value : h.v[0].caps[1].value, "chairs");
	/* group numbers are as written: defines come after them */
	assert_string_equal(h.v[1].match, "Price");
	rule_hits_release(&h);
	ruleset_free(rs);
	strlist_release(&errs);
}

/*
 * The prefilter never changes what the rules find: every shipped rule on
 * many texts, with and without it.
 */
static void
test_prefilter_sound(void **state)
{
	static const char *const extra[] = {
		"WE NEED 500 PCS OF CHAIRS, FOB SHENZHEN. WHAT IS YOUR MOQ?",
		"Нам НУЖНЫ 2000 ШТУК чехлов, ЦВЕТ ЧЕРНЫЙ. Пришлите КАТАЛОГ.",
		"ＦＯＢ　Ｓｈａｎｇｈａｉ，５００ｐｃｓ，ｐｌｅａｓｅ ｑｕｏｔｅ",
		"Plea\xc5\xbf" "e ſend the catalogue; color ＢＬＡＣＫ; 12\xe2\x80"
		"\xaf" "000 pcs",
		"Quantity:٥٠٠ pcs Size:L Colour:Red",
		"\xff\xfe broken \xc3 bytes 500 pcs \xe2\x82 of chairs",
		"MATERIAL:Stainless Steel COLOR:Black PACKING:Gift box",
		"", "?", "x",
	};
	struct buf file = BUF_INIT(BUF_CAP_TEXT);
	struct strlist texts = STRLIST_INIT;
	struct strlist errs = STRLIST_INIT;
	struct ruleset *rs = NULL;
	struct rule_scanner *on, *off;
	const char *const targets[] = {
		"visible", "body", "subject", "any", "signature",
	};
	char *line, *next;
	size_t i, k, t, nbad = 0;

	(void)state;
	assert_int_equal(ruleset_load(&rs, unit_path("rules"), &errs), 0);
	for (i = 0; i < ARRAY_SIZE(extra); i++)
		strlist_push(&texts, extra[i]);
	/* the outline cases, and their capitals */
	assert_int_equal(buf_read_file(&file,
	    unit_path("tests/data/rules/outline.tsv")), 0);
	for (line = file.data; line && *line; line = next) {
		char *tab;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		tab = strrchr(line, '\t');
		if (line[0] == '#' || !tab)
			continue;
		strlist_push(&texts, tab + 1);
		strlist_push(&texts, tab + 1);
		str_lower(texts.v[texts.n - 1]);
		for (k = 0; texts.v[texts.n - 1][k]; k++)
			if (texts.v[texts.n - 1][k] >= 'a' &&
			    texts.v[texts.n - 1][k] <= 'z')
				texts.v[texts.n - 1][k] -= 32;
	}
	on = rule_scanner_new(rs);
	off = rule_scanner_new(rs);
	rule_scanner_prefilter(off, 0);
	for (i = 0; i < texts.n; i++)
		for (t = 0; t < ARRAY_SIZE(targets); t++) {
			struct rule_hits a = RULE_HITS_INIT, b = RULE_HITS_INIT;
			const char *x = texts.v[i];

			ruleset_scan_with(rs, on, targets[t], NULL, x,
			    strlen(x), NULL, &a, 0, NULL);
			ruleset_scan_with(rs, off, targets[t], NULL, x,
			    strlen(x), NULL, &b, 0, NULL);
			for (k = 0; k < a.n || k < b.n; k++) {
				if (k < a.n && k < b.n && a.v[k].rule ==
				    b.v[k].rule && a.v[k].offset ==
				    b.v[k].offset && a.v[k].length ==
				    b.v[k].length)
					continue;
				nbad++;
				print_error("'%s' (%s): with %s, without %s\n",
				    x, targets[t], k < a.n ?
				    a.v[k].rule->id : "-", k < b.n ?
				    b.v[k].rule->id : "-");
				break;
			}
			rule_hits_release(&a);
			rule_hits_release(&b);
		}
	assert_int_equal(nbad, 0);
	assert_true(ruleset_prefiltered(rs) > ruleset_count(rs) / 2);
	rule_scanner_free(on);
	rule_scanner_free(off);
	strlist_release(&texts);
	strlist_release(&errs);
	buf_release(&file);
	ruleset_free(rs);
}

/* The prefilter's analysis of patterns, and the multi-string search. */
static void
test_literals(void **state)
{
	static const struct {
		const char *pattern;
		int prefix;		/* -1: no set found */
		const char *want;	/* the set, sorted, space-separated */
	} cases[] = {
		{ "colou?r", 1, "color colour" },
		{ "\\bfoo\\b|bar", 1, "bar foo" },
		{ "(?:indian\\s+)?rupees", 1, "indian rupees" },
		{ "\\d+\\s*pcs", 1, "0 1 2 3 4 5 6 7 8 9" },
		{ "\\w+\\s*pcs", 0, "pcs" },
		{ "a(?=bcd)", 0, "bcd" },
		{ "ab(?=cd)", 1, "ab" },
		{ "x?", -1, "" },
		{ "(?:ab|)c", 0, "c" },
		{ "(?:ab|)cd", 1, "abcd cd" },
		{ "[A-Z]+\\d", 0, "0 1 2 3 4 5 6 7 8 9" },
		{ "(?x) a b c", -1, "" },
		{ "(ab)\\1", 1, "ab" },
		{ "\\Qa.b\\E", 1, "a.b" },
		{ "ЦЕНА", 1, "цена" },
		{ "(?i)Größe", 1, "größe" },
		{ ".*", -1, "" },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strlist out = STRLIST_INIT;
		struct buf got = BUF_INIT(1024);
		struct strlist pre = STRLIST_INIT;
		int prefix = -1, rc;

		rc = rx_required_literals(cases[i].pattern,
		    strlen(cases[i].pattern), 0, NULL, NULL, &out, &pre);
		prefix = pre.n > 0;
		if (prefix) {
			strlist_release(&out);
			out = pre;
			strlist_init(&pre);
		}
		if (out.n)
			qsort(out.v, out.n, sizeof(*out.v), cmp_strp);
		for (k = 0; k < out.n; k++)
			buf_addf(&got, "%s%s", k ? " " : "", out.v[k]);
		if ((rc < 0 ? -1 : prefix) != cases[i].prefix ||
		    strcmp(got.data, cases[i].want)) {
			print_error("%s: want %d '%s', got %d '%s'\n",
			    cases[i].pattern, cases[i].prefix, cases[i].want,
			    rc < 0 ? -1 : prefix, got.data);
			fail();
		}
		buf_release(&got);
		strlist_release(&out);
		strlist_release(&pre);
	}
	{
		struct strlist s = STRLIST_INIT;
		struct rx_lits *l;
		struct rx_lits_hit *hits = NULL;
		size_t nh = 0, ah = 0;
		unsigned char seen[4] = { 0 };
		const char *t = "ushers say she his";

		strlist_push(&s, "he");
		strlist_push(&s, "she");
		strlist_push(&s, "his");
		strlist_push(&s, "hers");
		l = rx_lits_new(&s);
		assert_int_equal(rx_lits_scan(l, t, strlen(t), seen, &hits,
		    &nh, &ah, 100), 0);
		assert_true(seen[0] && seen[1] && seen[2] && seen[3]);
		assert_int_equal(nh, 6);	/* he she hers ... */
		assert_int_equal(rx_lits_scan(l, t, strlen(t), seen, &hits,
		    &nh, &ah, 2), -1);
		free(hits);
		rx_lits_free(l);
		strlist_release(&s);
	}
}

/*
 * rx_lits_scan_ascii over ASCII text finds what rx_lits_scan finds over
 * rx_fold's copy, at the same offsets: random strings and texts, with
 * a small automaton (a table) and a large one (links walked).
 */
static void
test_lits_ascii(void **state)
{
	static const char alpha[] = "abcABC 0-Z.z";
	unsigned long r = 12345;
	size_t big, i, k, n, len;

	(void)state;
	for (big = 0; big < 2; big++) {
		struct strlist s = STRLIST_INIT;
		struct rx_lits *l;
		size_t nstr = big ? 8000 : 40, nh1 = 0, nh2 = 0, a1 = 0,
		    a2 = 0;
		struct rx_lits_hit *h1 = NULL, *h2 = NULL;
		unsigned char *seen1 = xcalloc(nstr, 1), *seen2 =
		    xcalloc(nstr, 1);
		char w[16], text[200];

		for (i = 0; i < nstr; i++) {
			r = r * 6364136223846793005ul + 1442695040888963407ul;
			n = 1 + (r >> 33) % (big ? 15 : 4);
			for (k = 0; k < n; k++) {
				r = r * 6364136223846793005ul + 1;
				/* folded strings: no capitals */
				w[k] = "abc 0-z.xyzw"[(r >> 33) % 12];
			}
			w[n] = '\0';
			strlist_push(&s, w);
		}
		l = rx_lits_new(&s);
		for (i = 0; i < 300; i++) {
			struct buf f = BUF_INIT(1024);
			size_t *map = NULL, amap = 0;

			r = r * 6364136223846793005ul + 1442695040888963407ul;
			len = (r >> 33) % sizeof(text);
			for (k = 0; k < len; k++) {
				r = r * 6364136223846793005ul + 1;
				text[k] = alpha[(r >> 33) % (sizeof(alpha) - 1)];
			}
			nh1 = nh2 = 0;
			memset(seen1, 0, nstr);
			memset(seen2, 0, nstr);
			assert_int_equal(rx_fold(&f, text, len, &map, &amap), 0);
			assert_int_equal(f.len, len);
			assert_int_equal(rx_lits_scan(l, f.data, f.len, seen1,
			    &h1, &nh1, &a1, 500), rx_lits_scan_ascii(l, text,
			    len, seen2, &h2, &nh2, &a2, 500));
			assert_int_equal(nh1, nh2);
			assert_memory_equal(seen1, seen2, nstr);
			for (k = 0; k < nh1; k++) {
				assert_int_equal(h1[k].id, h2[k].id);
				assert_int_equal(h1[k].end, h2[k].end);
				assert_int_equal(map[h1[k].end - 1],
				    h1[k].end - 1);
			}
			buf_release(&f);
			free(map);
		}
		free(h1);
		free(h2);
		free(seen1);
		free(seen2);
		rx_lits_free(l);
		strlist_release(&s);
	}
}

static int
cmp_hit(const void *a, const void *b)
{
	const struct rx_lits_hit *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * rx_lits_scan finds every string that ends at every offset, as a test
 * of each string at each offset finds them: random sets of distinct
 * strings, short ones over a few bytes, so that most of a text is in the
 * middle of some string and many strings end inside others.
 */
static void
test_lits_naive(void **state)
{
	static const char alpha[] = "ab0 .c";
	unsigned seed = 7;
	size_t round, i, k, n, len, nh, ah = 0, nref;
	char w[8], text[120];

	(void)state;
	for (round = 0; round < 400; round++) {
		struct strlist s = STRLIST_INIT;
		struct rx_lits *l;
		/* at most one string of each length ends at an offset */
		struct rx_lits_hit *hits = NULL, ref[120 * 8];
		unsigned char seen[3000], want[3000];
		size_t nstr = round % 50 == 49 ? 3000 :
		    1 + unit_rand(&seed) % 40;

		while (s.n < nstr) {
			n = 1 + unit_rand(&seed) % (nstr > 100 ? 7 : 3);
			for (k = 0; k < n; k++)
				w[k] = alpha[unit_rand(&seed) % 6];
			w[n] = '\0';
			for (k = 0; k < s.n && strcmp(s.v[k], w); k++)
				;
			if (k == s.n)
				strlist_push(&s, w);
			else if (nstr > 100)
				nstr--;	/* fewer distinct ones exist */
		}
		l = rx_lits_new(&s);
		len = unit_rand(&seed) % sizeof(text);
		for (k = 0; k < len; k++)
			text[k] = alpha[unit_rand(&seed) % 6];
		nref = 0;
		memset(want, 0, sizeof(want));
		for (i = 1; i <= len; i++)
			for (k = 0; k < s.n; k++) {
				n = strlen(s.v[k]);
				if (n <= i && !memcmp(text + i - n, s.v[k], n)) {
					ref[nref].id = k;
					ref[nref++].end = i;
					want[k] = 1;
				}
			}
		memset(seen, 0, sizeof(seen));
		nh = 0;
		assert_int_equal(rx_lits_scan(l, text, len, seen, &hits, &nh,
		    &ah, SIZE_MAX), 0);
		assert_int_equal(nh, nref);
		assert_memory_equal(seen, want, s.n);
		if (nh > 1)
			qsort(hits, nh, sizeof(*hits), cmp_hit);
		for (k = 0; k < nh; k++) {
			assert_int_equal(hits[k].id, ref[k].id);
			assert_int_equal(hits[k].end, ref[k].end);
		}
		free(hits);
		hits = NULL;
		ah = 0;
		rx_lits_free(l);
		strlist_release(&s);
	}
}

/*
 * rx_fold across scripts, and at the edges of the ranges fold_cp lets
 * through at once (CJK, hangul) next to the digits of other scripts.
 */
static void
test_fold_scripts(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		/* 电话：１３８ */
		{ "\xE7\x94\xB5\xE8\xAF\x9D\xEF\xBC\x9A"
		  "\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98",
		  "\xE7\x94\xB5\xE8\xAF\x9D\xEF\xBC\x9A" "138" },
		/* 전화 ０１ */
		{ "\xEC\xA0\x84\xED\x99\x94 \xEF\xBC\x90\xEF\xBC\x91",
		  "\xEC\xA0\x84\xED\x99\x94 01" },
		/* ÄΣЖ and Arabic-Indic three */
		{ "\xC3\x84\xCE\xA3\xD0\x96\xD9\xA3",
		  "\xC3\xA4\xCF\x83\xD0\xB6" "3" },
		/* U+A61F stays, U+A620 (Vai zero) and U+ABF0 are digits,
		 * U+2E80, U+ABFF and U+AC00 stay, U+1C50 is a digit */
		{ "\xEA\x98\x9F\xEA\x98\xA0\xEA\xAF\xB0\xE2\xBA\x80"
		  "\xEA\xAF\xBF\xEA\xB0\x80\xE1\xB1\x90",
		  "\xEA\x98\x9F" "00" "\xE2\xBA\x80\xEA\xAF\xBF"
		  "\xEA\xB0\x80" "0" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT(256);

		assert_int_equal(rx_fold(&b, cases[i].in, strlen(cases[i].in),
		    NULL, NULL), 0);
		assert_string_equal(b.data, cases[i].want);
		buf_release(&b);
	}
}

/* The shipped rules load. */
static void
test_shipped_rules(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct ruleset *rs = NULL;
	size_t i;

	(void)state;
	if (ruleset_load(&rs, unit_path("rules"), &errs)) {
		for (i = 0; i < errs.n; i++)
			print_error("%s\n", errs.v[i]);
		fail();
	}
	assert_true(ruleset_count(rs) > 0);
	ruleset_free(rs);
	strlist_release(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_errors, each),
		cmocka_unit_test_setup(test_all_errors_reported, each),
		cmocka_unit_test_setup(test_missing_dir, each),
		cmocka_unit_test_setup(test_scan_verbatim_and_captures, each),
		cmocka_unit_test_setup(test_lang_and_header, each),
		cmocka_unit_test_setup(test_lists_words_maps, each),
		cmocka_unit_test_setup(test_outline_labels_map, each),
		cmocka_unit_test_setup(test_conditions, each),
		cmocka_unit_test_setup(test_decide, each),
		cmocka_unit_test_setup(test_include_and_glob, each),
		cmocka_unit_test_setup(test_expand, each),
		cmocka_unit_test_setup(test_limits, each),
		cmocka_unit_test_setup(test_min_hits_and_invalid_utf8, each),
		cmocka_unit_test_setup(test_rx, each),
		cmocka_unit_test_setup(test_shipped_rules, each),
		cmocka_unit_test_setup(test_defines, each),
		cmocka_unit_test_setup(test_prefilter_sound, each),
		cmocka_unit_test_setup(test_literals, each),
		cmocka_unit_test_setup(test_lits_ascii, each),
		cmocka_unit_test_setup(test_lits_naive, each),
		cmocka_unit_test_setup(test_fold_scripts, each),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
