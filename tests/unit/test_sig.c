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
#include <ctype.h>
#include <dirent.h>
#include <unistd.h>
#include <jansson.h>

#include "unit.h"

#include "buf.h"
#include "parse.h"
#include "phone.h"
#include "rules.h"
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

/*
 * tests/data/sig: NAME.txt is a message body, NAME.expect says what
 * sig_analyse must find, one "key: value" a line:
 *
 *   from: Name <addr>     the sender (input, optional)
 *   visible: TEXT         the visible text, compared with whitespace runs
 *                         collapsed
 *   quoted: yes|no        whether any history was cut
 *   signature: none|LINE  no signature, or its first line (trimmed)
 *   name, title, company, address, website, country, whatsapp, skype,
 *   wechat, salutation, telegram, qq, department, linkedin, viber, line,
 *   zalo, kakao: the field (the last seven are checked only with the
 *   rules)
 *   phone, mobile, fax, email: one number or address a line, in order
 *
 * When a .expect names any field, every field it does not name must be
 * empty: a fixture checks that nothing is invented, too.
 */

struct expect {
	struct strlist keys;
	struct strlist values;
};

static void
read_expect(const char *path, struct expect *e, struct address *from)
{
	struct buf b = BUF_INIT(1 << 20);
	char *p, *nl, *colon, *k, *v;

	assert_int_equal(buf_read_file(&b, path), 0);
	for (p = b.data; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p == '#' || str_blank(p))
			continue;
		colon = strchr(p, ':');
		assert_non_null(colon);
		*colon = '\0';
		k = str_trim(p);
		v = str_trim(colon + 1);
		if (strcmp(k, "from") == 0) {
			char *lt = strchr(v, '<');

			if (lt) {
				*lt = '\0';
				from->addr = xstrndup(lt + 1,
				    strcspn(lt + 1, ">"));
				from->name = xstrdup(str_trim(v));
			} else if (strchr(v, '@')) {
				from->addr = xstrdup(v);
			} else {
				from->name = xstrdup(v);
			}
			continue;
		}
		strlist_push(&e->keys, k);
		strlist_push(&e->values, v);
	}
	buf_release(&b);
}

static const char *const single_fields[] = {
	"name", "title", "company", "address", "website", "country",
	"whatsapp", "skype", "wechat", "salutation", "telegram", "qq",
	"department", "linkedin", "viber", "line", "zalo", "kakao",
};
/* Found only by the rules of rules/70-signature.rules: not checked
 * without them (test_fixtures_builtin). */
static const char *const rule_only_fields[] = {
	"telegram", "qq", "linkedin", "viber", "line", "zalo", "kakao",
};
static const char *const list_fields[] = {
	"phone", "mobile", "fax", "email",
};

static int
rule_only(const char *k)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rule_only_fields); i++)
		if (!strcmp(k, rule_only_fields[i]))
			return 1;
	return 0;
}

static const char *
single_value(const struct sig_fields *f, const char *k)
{
	if (!strcmp(k, "name")) return f->name;
	if (!strcmp(k, "title")) return f->title;
	if (!strcmp(k, "company")) return f->company;
	if (!strcmp(k, "address")) return f->address;
	if (!strcmp(k, "website")) return f->website;
	if (!strcmp(k, "country")) return f->country;
	if (!strcmp(k, "whatsapp")) return f->whatsapp;
	if (!strcmp(k, "skype")) return f->skype;
	if (!strcmp(k, "wechat")) return f->wechat;
	if (!strcmp(k, "salutation")) return f->salutation;
	if (!strcmp(k, "telegram")) return f->telegram;
	if (!strcmp(k, "qq")) return f->qq;
	if (!strcmp(k, "department")) return f->department;
	if (!strcmp(k, "linkedin")) return f->linkedin;
	if (!strcmp(k, "viber")) return f->viber;
	if (!strcmp(k, "line")) return f->line;
	if (!strcmp(k, "zalo")) return f->zalo;
	if (!strcmp(k, "kakao")) return f->kakao;
	return NULL;
}

static const struct strlist *
list_value(const struct sig_fields *f, const char *k)
{
	if (!strcmp(k, "phone")) return &f->phones;
	if (!strcmp(k, "mobile")) return &f->mobiles;
	if (!strcmp(k, "fax")) return &f->faxes;
	return &f->emails;
}

/* Checks one fixture; returns the number of mismatches (printed). */
static int
check_fixture(const struct ruleset *rs, const char *dir, const char *name)
{
	char *path, *got, *want;
	struct buf text = BUF_INIT(1 << 20);
	struct expect e = { STRLIST_INIT, STRLIST_INIT };
	struct address from = { NULL, NULL };
	struct sig_result r;
	struct strlist wanted = STRLIST_INIT;
	const struct strlist *l;
	int bad = 0, fields = 0;
	size_t i, j, n;
	const char *v;

	path = xasprintf("%s/%s.txt", dir, name);
	assert_int_equal(buf_read_file(&text, path), 0);
	free(path);
	path = xasprintf("%s/%s.expect", dir, name);
	read_expect(path, &e, &from);
	free(path);
	sig_analyse(rs, text.data, from.name || from.addr ? &from : NULL, &r);
	for (i = 0; i < e.keys.n; i++) {
		const char *k = e.keys.v[i], *w = e.values.v[i];

		if (!strcmp(k, "visible")) {
			got = collapse(r.visible_text);
			want = collapse(w);
			if (strcmp(got, want)) {
				print_message("# %s: visible\n#   got:  %s\n"
				    "#   want: %s\n", name, got, want);
				bad++;
			}
			free(got);
			free(want);
		} else if (!strcmp(k, "quoted")) {
			if ((*r.quoted != '\0') != (strcmp(w, "yes") == 0)) {
				print_message("# %s: quoted is '%s'\n", name,
				    r.quoted);
				bad++;
			}
		} else if (!strcmp(k, "signature")) {
			char first[512] = "none";

			if (r.signature) {
				n = strcspn(r.signature, "\n");
				snprintf(first, sizeof(first), "%.*s", (int)n,
				    r.signature);
				str_trim(first);
			}
			if (strcmp(first, w)) {
				print_message("# %s: signature starts '%s', "
				    "want '%s'\n", name, first, w);
				bad++;
			}
		} else {
			fields = 1;
		}
	}
	for (j = 0; fields && j < ARRAY_SIZE(single_fields); j++) {
		const char *want1 = NULL;

		if (!rs && rule_only(single_fields[j]))
			continue;

		for (i = 0; i < e.keys.n; i++)
			if (!strcmp(e.keys.v[i], single_fields[j]))
				want1 = e.values.v[i];
		v = single_value(&r.f, single_fields[j]);
		if ((want1 || v) && (!want1 || !v || strcmp(want1, v))) {
			print_message("# %s: %s is '%s', want '%s'\n", name,
			    single_fields[j], v ? v : "(none)",
			    want1 ? want1 : "(none)");
			bad++;
		}
	}
	for (j = 0; fields && j < ARRAY_SIZE(list_fields); j++) {
		strlist_release(&wanted);
		for (i = 0; i < e.keys.n; i++)
			if (!strcmp(e.keys.v[i], list_fields[j]))
				strlist_push(&wanted, e.values.v[i]);
		l = list_value(&r.f, list_fields[j]);
		n = l->n == wanted.n;
		for (i = 0; n && i < l->n; i++)
			n = strcmp(l->v[i], wanted.v[i]) == 0;
		if (!n) {
			print_message("# %s: %s list differs; got:", name,
			    list_fields[j]);
			for (i = 0; i < l->n; i++)
				print_message(" '%s'", l->v[i]);
			print_message("\n");
			bad++;
		}
	}
	strlist_release(&wanted);
	sig_result_release(&r);
	strlist_release(&e.keys);
	strlist_release(&e.values);
	free(from.name);
	free(from.addr);
	buf_release(&text);
	return bad;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
run_fixtures(const struct ruleset *rs, size_t *nfix)
{
	char dir[4096];
	DIR *dp;
	struct dirent *de;
	struct strlist names = STRLIST_INIT;
	size_t i;
	int bad = 0;

	snprintf(dir, sizeof(dir), "%s", unit_path("tests/data/sig"));
	dp = opendir(dir);
	assert_non_null(dp);
	while ((de = readdir(dp)))
		if (ends_with(de->d_name, ".txt"))
			strlist_push_owned(&names, xstrndup(de->d_name,
			    strlen(de->d_name) - 4));
	closedir(dp);
	qsort(names.v, names.n, sizeof(*names.v), name_cmp);
	for (i = 0; i < names.n; i++)
		bad += check_fixture(rs, dir, names.v[i]);
	*nfix = names.n;
	strlist_release(&names);
	assert_int_equal(bad, 0);
}

static void
test_fixtures_builtin(void **state)
{
	size_t n = 0;

	(void)state;
	run_fixtures(NULL, &n);
	assert_true(n >= 60);
}

static void
test_fixtures_rules(void **state)
{
	struct ruleset *rs = NULL;
	struct strlist errs = STRLIST_INIT;
	size_t n = 0, i;

	(void)state;
	if (ruleset_load(&rs, unit_path("rules"), &errs)) {
		for (i = 0; i < errs.n; i++)
			print_error("%s\n", errs.v[i]);
		fail();
	}
	run_fixtures(rs, &n);
	ruleset_free(rs);
	strlist_release(&errs);
}

/*
 * is_valediction's shortcuts (the first letters of a line) agree with
 * the phrase key looked up in full: lines that start with short words,
 * with and without the rules' lists, and random lines.
 */
static void
test_valediction_shortcuts(void **state)
{
	static const char *const first[] = {
		"I", "i", "A", "T", "W", "S", "B", "K", "Y", "We", "we", "So",
		"so", "Br", "BR", "Kr", "Ty", "TY", "Lg", "LG", "Vg", "Mfg",
		"Am", "In", "My", "To", "Hi", "Ok", "At", "Be", "By", "Do",
		"If", "It", "Me", "No", "Of", "On", "Or", "Up", "Us", "Al",
		"Mu", "Un", "Em", "Ir", "Sa", "Tak", "Att", "Lp", "Cp",
	};
	static const char *const rest[] = {
		"", " ", " am", " are here", " regards", " Regards,",
		" Hans", " thanks", " you", " 1234", " the best", " x",
		" gr\xC3\xBC\xC3\x9F" "e", " a lot", " wishes", " best",
		" saludo", " cordial saludo", " a", ",", ".", " !", "  two",
		" \xE2\x80\x94 ok", ": 555 1234", " Hans,", " many thanks",
	};
	static const char alpha[] = "aAbBrRtTyY Ii,.!1&+:";
	struct ruleset *rs = NULL;
	struct strlist errs = STRLIST_INIT;
	char line[64];
	size_t i, k, n, pass;
	unsigned long r = 7;

	(void)state;
	if (ruleset_load(&rs, unit_path("rules"), &errs))
		fail();
	for (pass = 0; pass < 2; pass++) {
		const struct ruleset *use = pass ? rs : NULL;

		for (i = 0; i < ARRAY_SIZE(first); i++)
			for (k = 0; k < ARRAY_SIZE(rest); k++) {
				n = (size_t)snprintf(line, sizeof(line), "%s%s",
				    first[i], rest[k]);
				if (sig_is_valediction(use, line, n) !=
				    sig_is_valediction_slow(use, line, n)) {
					print_error("'%s'\n", line);
					fail();
				}
			}
		for (i = 0; i < 20000; i++) {
			r = r * 6364136223846793005ul + 1442695040888963407ul;
			n = 1 + (r >> 33) % 12;
			for (k = 0; k < n; k++) {
				r = r * 6364136223846793005ul + 1;
				line[k] = alpha[(r >> 33) % (sizeof(alpha) - 1)];
			}
			line[n] = '\0';
			if (sig_is_valediction(use, line, n) !=
			    sig_is_valediction_slow(use, line, n)) {
				print_error("'%s'\n", line);
				fail();
			}
		}
	}
	ruleset_free(rs);
	strlist_release(&errs);
}

/*
 * The word indexes (has_word, the company and title index) find what
 * find_word finds, in random folded texts of list words, pieces of
 * them and separators.
 */
static void
test_word_index(void **state)
{
	static const char *const pieces[] = {
		"sales", "manager", "co.,ltd", "co., ltd", "gmbh", "s.a.", "sa",
		"s.l", "group", "street", "st.", "rd", "no.", "f/", "x", "1",
		"\xE7\xBB\x8F\xE7\x90\x86",
		"\xE6\x9C\x89\xE9\x99\x90\xE5\x85\xAC\xE5\x8F\xB8",
		"ab", "ag", "kg", "inc", "inc.", "ltd", "s", "a", "\xC3\xA9",
		"-", "&", "(", ")", "mfg", "head of", "vp", "c", "ceo", "gm",
		"import & export", "sp. z o.o.", "(pty)", "a.s", "r",
	};
	static const char *const seps[] = { "", " ", ",", "-", "/", ".", "  " };
	char text[256];
	size_t i, k, n, len, pl, sl;
	unsigned long r = 99;

	(void)state;
	for (i = 0; i < 30000; i++) {
		len = 0;
		r = r * 6364136223846793005ul + 1442695040888963407ul;
		n = 1 + (r >> 33) % 6;
		for (k = 0; k < n; k++) {
			const char *p, *sep;

			r = r * 6364136223846793005ul + 1;
			p = pieces[(r >> 33) % ARRAY_SIZE(pieces)];
			r = r * 6364136223846793005ul + 1;
			sep = seps[(r >> 33) % ARRAY_SIZE(seps)];
			pl = strlen(p);
			sl = strlen(sep);
			memcpy(text + len, p, pl);
			memcpy(text + len + pl, sep, sl);
			len += pl + sl;
		}
		text[len] = '\0';
		if (!sig_word_index_agrees(text, len)) {
			print_error("'%s'\n", text);
			fail();
		}
	}
}

/*
 * has_digit (eight bytes at a time) against a test of each byte, on
 * random texts of few digits among letters, the bytes just past '9' and
 * before '0', and UTF-8 bytes whose low seven bits are digits.
 */
static void
test_has_digit(void **state)
{
	static const unsigned char bytes[] = {
		'a', 'Z', ' ', '/', ':', '0', '9', '5', 0xB0, 0xB9, 0xBA,
		0xAF, 0xE4, 0x7F, 0x00, 0x2F, 0x3A,
	};
	char text[40];
	unsigned seed = 3;
	size_t i, k, len;
	int want;

	(void)state;
	for (i = 0; i < 20000; i++) {
		len = unit_rand(&seed) % sizeof(text);
		want = 0;
		for (k = 0; k < len; k++) {
			/* mostly no digit at all */
			text[k] = (char)bytes[unit_rand(&seed) % 4 ? 0 :
			    (unit_rand(&seed) >> 4) % ARRAY_SIZE(bytes)];
			if (unit_rand(&seed) % 3 == 0)
				text[k] = (char)bytes[(unit_rand(&seed) >> 4) %
				    ARRAY_SIZE(bytes)];
			if (text[k] >= '0' && text[k] <= '9')
				want = 1;
		}
		assert_int_equal(sig_has_digit(text, len), want);
	}
}

/*
 * The "On ... wrote:" openers found in one pass (openers_first, which
 * passes over the inside of words) where find_word finds them, in
 * random folded texts of openers, words and pieces of them.
 */
static void
test_openers(void **state)
{
	static const char *const pieces[] = {
		"on ", "on", "le ", "el ", "am ", "den ", "u ", "dana ",
		"w dniu ", "in data ", "el día ", "\xD0\xB2 ", "\xD0\xBD\xD0\xB0 ",
		"\xC3\xA9", "\xC3\xA5 ", "p\xC3\xA5 ", "mon", "done", "lon",
		"x", "1", " ", ",", "-", "(", "\xE5\x9C\xA8", "hello", "a",
	};
	char text[200];
	unsigned seed = 11;
	size_t i, k, n, len, pl;
	const char *p;

	(void)state;
	for (i = 0; i < 20000; i++) {
		len = 0;
		n = 1 + unit_rand(&seed) % 10;
		for (k = 0; k < n; k++) {
			p = pieces[unit_rand(&seed) % ARRAY_SIZE(pieces)];
			pl = strlen(p);
			if (len + pl >= sizeof(text))
				break;
			memcpy(text + len, p, pl);
			len += pl;
		}
		text[len] = '\0';
		if (!sig_openers_agree(text, len)) {
			print_error("'%s'\n", text);
			fail();
		}
	}
}

/*
 * The inquiry corpus: how often the name, company and country that the
 * records say the text claims are found from the text alone (no sender).
 */

/* Lowercase ASCII letters and digits of s, runs of others one space. */
static char *
norm_name(const char *s)
{
	struct buf b = BUF_INIT(4096);
	char f[1024];
	size_t i, n = s ? strlen(s) : 0;
	int sp = 0;

	if (n >= sizeof(f))
		n = sizeof(f) - 1;
	phone_fold(s ? s : "", n, f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)f[i];

		if (isalnum(c) || c >= 0x80) {
			if (sp && b.len)
				buf_addch(&b, ' ');
			sp = 0;
			buf_addch(&b, (char)c);
		} else {
			sp = 1;
		}
	}
	return buf_detach(&b, NULL);
}

/* Equal, or one is the other plus words ("Lauren" in "Lauren Kjeldsen"). */
static int
same_name(const char *got, const char *want)
{
	char *g = norm_name(got), *w = norm_name(want);
	size_t gl = strlen(g), wl = strlen(w);
	int r = 0;

	if (gl && wl) {
		if (!strcmp(g, w))
			r = 1;
		else if (gl < wl)
			r = !strncmp(w, g, gl) && w[gl] == ' ';
		else
			r = !strncmp(g, w, wl) && g[wl] == ' ';
	}
	free(g);
	free(w);
	return r;
}

struct inq {
	size_t sig, name, company, country;
	size_t sig_ok, name_ok, company_ok, country_ok;
	double sig_f1;
};

static void
score_inquiry(json_t *rec, void *arg)
{
	struct inq *q = arg;
	struct sig_result r;
	const char *want, *iso;
	char *c;
	int exact;

	sig_analyse(NULL, jstr(rec, "body"), NULL, &r);
	if ((want = jstr(rec, "signature"))) {
		q->sig++;
		q->sig_f1 += line_f1(r.signature, want, &exact);
		q->sig_ok += exact;
	}
	if ((want = jstr(rec, "sender_name"))) {
		q->name++;
		if (same_name(r.f.name, want))
			q->name_ok++;
		else if (verbose)
			print_message("# %s: name '%s', want '%s'\n",
			    jstr(rec, "id"), r.f.name ? r.f.name : "",
			    want);
	}
	if ((want = jstr(rec, "sender_company"))) {
		q->company++;
		if (same_name(r.f.company, want))
			q->company_ok++;
		else if (verbose)
			print_message("# %s: company '%s', want '%s'\n",
			    jstr(rec, "id"), r.f.company ? r.f.company : "",
			    want);
	}
	if ((want = jstr(rec, "sender_country"))) {
		/* "England (claimed)" */
		c = xstrndup(want, strcspn(want, "("));
		iso = phone_country_by_name(c, strlen(c));
		if (!iso)
			iso = phone_country_in_text(c, strlen(c), NULL);
		q->country++;
		if (iso && r.f.country && !strcmp(iso, r.f.country))
			q->country_ok++;
		else if (verbose)
			print_message("# %s: country '%s', want '%s'\n",
			    jstr(rec, "id"), r.f.country ? r.f.country : "",
			    iso ? iso : want);
		free(c);
	}
	sig_result_release(&r);
}

static void
test_corpus_inquiries(void **state)
{
	struct inq q;

	(void)state;
	memset(&q, 0, sizeof(q));
	if (each_record(corpus_path("../shared/corpus/inquiries/"
	    "inquiries.jsonl"), score_inquiry, &q) < 0) {
		print_message("# ../shared/corpus/inquiries missing\n");
		skip();
	}
	assert_true(q.name > 0 && q.sig > 0);
	figure("inquiries (text only, no From): signature exact %zu/%zu, "
	    "line F1 %.2f", q.sig_ok, q.sig, q.sig_f1 / q.sig);
	figure("inquiries: sender name found %zu/%zu, company %zu/%zu, "
	    "country %zu/%zu", q.name_ok, q.name, q.company_ok, q.company,
	    q.country_ok, q.country);
	/* a floor under today's figures, so that a regression fails */
	assert_true(q.sig_f1 / q.sig >= 0.9);
	assert_true(q.name_ok * 100 >= q.name * 60);
}

/*
 * Bounds: a hostile body never stalls the stage.
 */

static uint64_t
timed(const char *text)
{
	struct sig_result r;
	uint64_t t0 = now_ms();

	sig_analyse(NULL, text, NULL, &r);
	assert_non_null(r.visible_text);
	sig_result_release(&r);
	return now_ms() - t0;
}

static char *
repeat(const char *unit, size_t times)
{
	size_t n = strlen(unit), i;
	char *s = xmalloc(n * times + 1);

	for (i = 0; i < times; i++)
		memcpy(s + i * n, unit, n);
	s[n * times] = '\0';
	return s;
}

static void
test_bounds(void **state)
{
	static const char *const units[] = {
		"a",		/* one 1 MB line */
		"-",		/* a 1 MB delimiter */
		">",		/* a 1 MB quote marker */
		"On 1 May, x wrote: ",
		"Tel: +86 755 1234 5678 | ",
	};
	static const char *const lines[] = {
		"short line\n",
		"> quoted line\n",
		"-----Original Message-----\n",
		"From: a@b.c\n",
		"On Mon, May 6, 2024 at 10:15 AM\n",
		"Best regards,\n",
		"Tel: +86 755 1234 5678\n",
		"\n",
		"text\n> quote\n",
	};
	char *s;
	size_t i;
	uint64_t ms, worst = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		s = repeat(units[i], (1u << 20) / strlen(units[i]));
		ms = timed(s);
		if (verbose)
			print_message("# 1 MB of '%s': %llu ms\n", units[i],
			    (unsigned long long)ms);
		worst = MAX(worst, ms);
		free(s);
	}
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		s = repeat(lines[i], 100000);
		ms = timed(s);
		if (verbose)
			print_message("# 100,000 x '%.20s': %llu ms\n",
			    lines[i], (unsigned long long)ms);
		worst = MAX(worst, ms);
		free(s);
	}
	figure("bounds: worst of 1 MB lines and 100,000-line bodies: %llu ms",
	    (unsigned long long)worst);
	/* generous for the sanitizer build on a busy machine */
	assert_true(worst < 20000);
}

/* Odd inputs the fuzzer found or could find; none may crash or leak. */
static void
test_hostile(void **state)
{
	static const char *const texts[] = {
		"", "\n", "\n\n\n", "        ", "--", "-- \n", ">", "> \n>\n>",
		"Thanks,", "\xff\xfe\xc3", "On wrote:", "From:\nSent:\nTo:",
		"a\n\n--\n\xe4\xb8", "Best regards,\n   \n   ,,,\n(((",
		"Tel: +\nFax: (\nMob: 00\nWhatsApp: wa.me/",
		"x\n\nRegards\n Mr.\n(Mr)\n先生\n",
		"reply On Wed, Apr 4, 2012 at 3:59 PM, bob@example.com wrote:",
	};
	static const char *const names[] = {
		NULL, "", "   ", "Mr.", "(Mr)", "先生", "\xff", "Bob,",
	};
	struct address from = { NULL, "x@example.de" };
	struct sig_result r;
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(texts); i++)
		for (j = 0; j < ARRAY_SIZE(names); j++) {
			from.name = (char *)names[j];
			sig_analyse(NULL, texts[i], &from, &r);
			assert_non_null(r.visible_text);
			assert_non_null(r.quoted);
			sig_result_release(&r);
		}
	sig_analyse(NULL, NULL, NULL, &r);
	assert_string_equal(r.visible_text, "");
	sig_result_release(&r);
	/* the reply before a header on the same line stays */
	sig_analyse(NULL, texts[ARRAY_SIZE(texts) - 1], NULL, &r);
	assert_string_equal(r.visible_text, "reply");
	sig_result_release(&r);
}

/*
 * sig.c keeps the ruleset's lists folded between calls; a ruleset loaded
 * after another (perhaps at the same address) must be read afresh.
 */
static struct ruleset *
load_valedictions(const char *dir, const char *entries)
{
	struct strlist errs = STRLIST_INIT;
	struct ruleset *rs = NULL;
	size_t i;

	unit_write(dir, "a.rules", "list sig_valedictions v.list\n");
	unit_write(dir, "v.list", entries);
	if (ruleset_load(&rs, dir, &errs)) {
		for (i = 0; i < errs.n; i++)
			print_error("%s\n", errs.v[i]);
		fail();
	}
	strlist_release(&errs);
	return rs;
}

static int
signs_with(const struct ruleset *rs, const char *text, const char *first)
{
	struct sig_result r;
	int yes;

	sig_analyse(rs, text, NULL, &r);
	yes = r.signature && starts_with(r.signature, first);
	sig_result_release(&r);
	return yes;
}

static void
test_reloaded_lists(void **state)
{
	static const char text[] = "Please quote 500 pumps, FOB Shanghai.\n"
	    "\nZorgle greetings\nMilo Brand\n";
	const char *tmp = getenv("TMPDIR");
	struct ruleset *rs;
	char *dir;
	int round;

	(void)state;
	dir = xasprintf("%s/inquiryd-sig-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	for (round = 0; round < 3; round++) {
		/* with the entry, without it, with it again */
		rs = load_valedictions(dir, round == 1 ? "kind wishes\n" :
		    "zorgle greetings\n");
		assert_int_equal(signs_with(rs, text, "Zorgle greetings"),
		    round != 1);
		ruleset_free(rs);
	}
	unit_rmdir(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valediction_shortcuts),
		cmocka_unit_test(test_word_index),
		cmocka_unit_test(test_has_digit),
		cmocka_unit_test(test_openers),
		cmocka_unit_test(test_fixtures_builtin),
		cmocka_unit_test(test_fixtures_rules),
		cmocka_unit_test(test_corpus_signatures),
		cmocka_unit_test(test_corpus_replies),
		cmocka_unit_test(test_corpus_inquiries),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_reloaded_lists),
	};

	verbose = getenv("SIG_VERBOSE") != NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
