/*
 * test_tmpl.c - the Mustache engine: every file of the mustache spec in
 * ../shared/corpus/mustache-spec (one test per file; the core files and
 * the optional modules we implement must pass whole), then our own cases:
 * errors with file:line, escaping, the RAW flag, the caps.
 */
#include <dirent.h>

#include <jansson.h>

#include "unit.h"

#include "err.h"
#include "tmpl.h"

struct spec_file {
	const char *file;
	int core;
	size_t passed;
	size_t total;
	int ran;
};

static struct spec_file specs[] = {
	{ "comments.json", 1, 0, 0, 0 },
	{ "delimiters.json", 1, 0, 0, 0 },
	{ "interpolation.json", 1, 0, 0, 0 },
	{ "inverted.json", 1, 0, 0, 0 },
	{ "partials.json", 1, 0, 0, 0 },
	{ "sections.json", 1, 0, 0, 0 },
	{ "~inheritance.json", 0, 0, 0, 0 },
	{ "~dynamic-names.json", 0, 0, 0, 0 },
};

static const char *
spec_dir(void)
{
	static char p[4096];
	const char *shared = getenv("INQUIRYD_SHARED");

	if (shared)
		snprintf(p, sizeof(p), "%s/corpus/mustache-spec", shared);
	else
		snprintf(p, sizeof(p), "%s",
		    unit_path("../shared/corpus/mustache-spec"));
	return p;
}

/* Runs one spec test; returns 1 when the output is as expected. */
static int
run_case(const char *file, json_t *tc)
{
	const char *name = json_string_value(json_object_get(tc, "name"));
	const char *src = json_string_value(json_object_get(tc, "template"));
	const char *want = json_string_value(json_object_get(tc, "expected"));
	json_t *partials = json_object_get(tc, "partials");
	json_t *data = json_object_get(tc, "data");
	struct strlist errs = STRLIST_INIT;
	struct tmpl_set *set = tmpl_set_new();
	struct tmpl *t;
	struct buf out = BUF_INIT(BUF_CAP_TEXT);
	struct err e = ERR_INIT;
	const char *pname;
	json_t *pv;
	int ok = 0;
	size_t i;

	json_object_foreach(partials, pname, pv) {
		struct tmpl *pt = tmpl_compile(json_string_value(pv),
		    json_string_length(pv), pname, &errs);

		if (pt)
			tmpl_set_add(set, pname, pt);
	}
	t = tmpl_compile(src, strlen(src), name, &errs);
	if (!t || errs.n) {
		print_message("# %s: '%s': compile failed\n", file, name);
		for (i = 0; i < errs.n; i++)
			print_message("#   %s\n", errs.v[i]);
		goto out;
	}
	if (tmpl_render(t, set, data, 0, NULL, &out, &e)) {
		print_message("# %s: '%s': render failed: %s\n", file, name,
		    e.msg);
		goto out;
	}
	ok = !strcmp(out.data, want);
	if (!ok) {
		char *j1 = json_dumps(json_string(want), JSON_ENCODE_ANY);
		json_t *g = json_string(out.data);
		char *j2 = json_dumps(g, JSON_ENCODE_ANY);

		print_message("# %s: '%s' differs\n#   want %s\n#   got  %s\n",
		    file, name, j1, j2);
		free(j1);
		free(j2);
		json_decref(g);
	}
out:
	tmpl_free(t);
	tmpl_set_free(set);
	buf_release(&out);
	strlist_release(&errs);
	return ok;
}

static void
test_spec(void **state)
{
	struct spec_file *sf = *state;
	char path[4200];
	json_error_t jerr;
	json_t *doc, *tests;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", spec_dir(), sf->file);
	doc = json_load_file(path, 0, &jerr);
	if (!doc) {
		print_message("# SKIP: no mustache spec at '%s' (%s)\n", path,
		    jerr.text);
		skip();
	}
	tests = json_object_get(doc, "tests");
	assert_true(json_is_array(tests));
	for (i = 0; i < json_array_size(tests); i++) {
		sf->total++;
		sf->passed += run_case(sf->file, json_array_get(tests, i));
	}
	sf->ran = 1;
	json_decref(doc);
	print_message("# %s: %zu/%zu\n", sf->file, sf->passed, sf->total);
	assert_int_equal(sf->passed, sf->total);
}

static void
test_spec_summary(void **state)
{
	size_t cp = 0, ct = 0, i;
	struct spec_file *inh = &specs[6], *dyn = &specs[7];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		if (specs[i].core) {
			cp += specs[i].passed;
			ct += specs[i].total;
		}
	}
	if (!ct)
		skip();
	print_message("# mustache spec: core %zu/%zu, ~inheritance %zu/%zu, "
	    "~dynamic-names %zu/%zu, ~lambdas not run (no JSON lambdas)\n",
	    cp, ct, inh->passed, inh->total, dyn->passed, dyn->total);
}

/* Renders src with the JSON text data; returns the output (static). */
static const char *
render(const char *src, const char *data, unsigned flags)
{
	static char res[4096];
	struct strlist errs = STRLIST_INIT;
	struct tmpl *t = tmpl_compile(src, strlen(src), "t", &errs);
	json_t *d = json_loads(data, 0, NULL);
	struct buf out = BUF_INIT(BUF_CAP_TEXT);
	struct err e = ERR_INIT;

	assert_non_null(t);
	assert_non_null(d);
	assert_int_equal(tmpl_render(t, NULL, d, flags, NULL, &out, &e), 0);
	xstrlcpy(res, out.data, sizeof(res));
	buf_release(&out);
	json_decref(d);
	tmpl_free(t);
	strlist_release(&errs);
	return res;
}

static void
test_escaping(void **state)
{
	(void)state;
	assert_string_equal(render("{{x}}", "{\"x\": \"<script>'&\\\"\"}",
	    0), "&lt;script&gt;&#39;&amp;&quot;");
	assert_string_equal(render("{{x}}", "{\"x\": \"<b>\"}", TMPL_RAW),
	    "<b>");
	assert_string_equal(render("{{{x}}}{{&x}}", "{\"x\": \"<b>\"}", 0),
	    "<b><b>");
	/* "" is falsey, 0 is not; numbers print exactly */
	assert_string_equal(render("{{#s}}S{{/s}}{{^s}}no{{/s}}{{#z}}{{z}}"
	    "{{/z}} {{r}}", "{\"s\": \"\", \"z\": 0, \"r\": 12.5}", 0),
	    "no0 12.5");
	/* values from data are never parsed as template text */
	assert_string_equal(render("{{x}}", "{\"x\": \"{{y}}\", \"y\": 1}",
	    0), "{{y}}");
}

static void
test_errors(void **state)
{
	static const struct {
		const char *src;
		const char *want;
	} cases[] = {
		{ "a\n{{#s}}\nb\n", "t.mustache:2: unclosed section 's'" },
		{ "{{/s}}", "t.mustache:1: 's' closes no open section" },
		{ "x\ny {{name", "t.mustache:2: unclosed tag" },
		{ "\n\n{{=<% =}}", "t.mustache:3: bad delimiter" },
		{ "{{= a= b =}}", "t.mustache:1: bad delimiter" },
		{ "{{a b}}", "t.mustache:1: bad tag name 'a b'" },
		{ "{{}}", "t.mustache:1: empty tag name" },
		{ "{{#a}}{{#b}}{{/a}}", "t.mustache:1: unclosed section 'b'" },
		{ "{{<p}}\n{{$b}}\n{{/p}}", "t.mustache:2: unclosed section "
		    "'b'" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strlist errs = STRLIST_INIT;
		struct tmpl *t = tmpl_compile(cases[i].src,
		    strlen(cases[i].src), "t.mustache", &errs);

		if (t || !errs.n || !starts_with(errs.v[0], cases[i].want)) {
			print_error("case %zu: got '%s', want '%s'\n", i,
			    errs.n ? errs.v[0] : "(none)", cases[i].want);
			fail();
		}
		strlist_release(&errs);
	}
}

static void
test_all_errors_reported(void **state)
{
	const char *src = "{{#a}}\n{{/b}}\n{{x y}}\n{{#c}}\n";
	struct strlist errs = STRLIST_INIT;

	(void)state;
	assert_null(tmpl_compile(src, strlen(src), "f", &errs));
	assert_true(errs.n >= 3);
	strlist_release(&errs);
}

static void
test_caps(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct tmpl_set *set = tmpl_set_new();
	const char *loop = "x{{>loop}}";
	const char *big = "{{#l}}{{#l}}{{#l}}{{#l}}xxxxxxxx{{/l}}{{/l}}{{/l}}"
	    "{{/l}}";
	struct tmpl *t;
	struct buf out = BUF_INIT(BUF_CAP_TEXT);
	struct err e = ERR_INIT;
	struct tmpl_limits lim = TMPL_LIMITS_INIT;
	json_t *d = json_loads("{\"l\": [1,2,3,4,5,6,7,8,9,10]}", 0, NULL);

	(void)state;
	tmpl_set_add(set, "loop", tmpl_compile(loop, strlen(loop), "loop",
	    &errs));
	/* endless partial recursion stops at the depth cap */
	assert_int_equal(tmpl_render(tmpl_set_get(set, "loop"), set, d, 0,
	    NULL, &out, &e), -1);
	assert_int_equal(e.kind, ERR_PERM);
	assert_non_null(strstr(e.msg, "nested more than 16"));
	/* output cap */
	err_clear(&e);
	buf_reset(&out);
	t = tmpl_compile(big, strlen(big), "big", &errs);
	lim.max_output = 1000;
	assert_int_equal(tmpl_render(t, set, d, 0, &lim, &out, &e), -1);
	assert_non_null(strstr(e.msg, "larger than 1000"));
	assert_true(out.len <= 1000);
	/* step cap */
	err_clear(&e);
	buf_reset(&out);
	lim.max_output = 1 << 20;
	lim.max_steps = 500;
	assert_int_equal(tmpl_render(t, set, d, 0, &lim, &out, &e), -1);
	assert_non_null(strstr(e.msg, "steps"));
	/* and with the defaults it fits */
	err_clear(&e);
	buf_reset(&out);
	assert_int_equal(tmpl_render(t, set, d, 0, NULL, &out, &e), 0);
	assert_int_equal(out.len, 80000);
	tmpl_free(t);
	tmpl_set_free(set);
	json_decref(d);
	buf_release(&out);
	strlist_release(&errs);
}

static void
test_set_check(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct tmpl_set *set = tmpl_set_new();
	const char *a = "{{>b}}\n{{>missing}}\n{{>*dyn}}{{<gone}}{{/gone}}";

	(void)state;
	tmpl_set_add(set, "a", tmpl_compile(a, strlen(a), "a.mustache",
	    &errs));
	tmpl_set_add(set, "b", tmpl_compile("b", 1, "b.mustache", &errs));
	assert_int_equal(tmpl_set_count(set), 2);
	assert_string_equal(tmpl_set_name(set, 1), "b");
	assert_int_equal(tmpl_set_check(set, &errs), 2);
	assert_string_equal(errs.v[0],
	    "a.mustache:2: no template 'missing' for partial");
	assert_string_equal(errs.v[1],
	    "a.mustache:3: no template 'gone' for parent");
	tmpl_set_free(set);
	strlist_release(&errs);
}

/*
 * Every input under tests/data/fuzz-tmpl (the fuzzer's seeds and the
 * crashes it found) goes through compile and render as in fuzz_tmpl.c.
 */
static void
test_fuzz_replay(void **state)
{
	const char *dir = unit_path("tests/data/fuzz-tmpl");
	json_t *data = json_loads("{\"name\": \"<x>\", \"list\": [1, \"a\"],"
	    " \"dyn\": \"p\", \"obj\": {\"a\": {\"b\": 1}}}", 0, NULL);
	struct dirent *de;
	DIR *dp = opendir(dir);
	int n = 0;

	(void)state;
	assert_non_null(dp);
	while ((de = readdir(dp))) {
		struct buf in = BUF_INIT(TMPL_MAX_SOURCE + 1);
		struct buf out = BUF_INIT(1 << 20);
		struct strlist errs = STRLIST_INIT;
		struct tmpl_set *set;
		struct tmpl_limits lim = { 64 * 1024, 8, 20000 };
		struct err e = ERR_INIT;
		struct tmpl *t, *p;
		char path[4400];
		const char *nul;
		size_t mlen;

		if (de->d_name[0] == '.')
			continue;
		set = tmpl_set_new();
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(buf_read_file(&in, path), 0);
		nul = memchr(in.data, '\0', in.len);
		mlen = nul ? (size_t)(nul - in.data) : in.len;
		p = nul ? tmpl_compile(nul + 1, in.len - mlen - 1, "p",
		    &errs) : NULL;
		if (p)
			tmpl_set_add(set, "p", p);
		t = tmpl_compile(in.data, mlen, de->d_name, &errs);
		if (t) {
			tmpl_set_add(set, "main", t);
			tmpl_render(t, set, data, 0, &lim, &out, &e);
			assert_true(out.len <= lim.max_output);
		}
		tmpl_set_free(set);
		strlist_release(&errs);
		buf_release(&in);
		buf_release(&out);
		n++;
	}
	closedir(dp);
	json_decref(data);
	assert_true(n >= 5);
}

int
main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(specs) + 7];
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		struct CMUnitTest t = { specs[i].file, test_spec, NULL, NULL,
			&specs[i] };

		tests[n++] = t;
	}
	{
		const struct CMUnitTest more[] = {
			cmocka_unit_test(test_spec_summary),
			cmocka_unit_test(test_escaping),
			cmocka_unit_test(test_errors),
			cmocka_unit_test(test_all_errors_reported),
			cmocka_unit_test(test_caps),
			cmocka_unit_test(test_set_check),
			cmocka_unit_test(test_fuzz_replay),
		};

		for (i = 0; i < ARRAY_SIZE(more); i++)
			tests[n++] = more[i];
	}
	return _cmocka_run_group_tests("tmpl", tests, n, NULL, NULL);
}
