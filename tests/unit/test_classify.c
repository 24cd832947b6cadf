/*
 * test_classify.c - the verdict: targets reach the rules they should,
 * weights count once, the decision follows the thresholds, the time
 * budget holds, language detection, explain, and the requirement outline
 * of the shipped rules over the cases in tests/data/rules/outline.tsv
 * (seven languages): what must be found, and what must not.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "buf.h"
#include "classify.h"

static struct ruleset *shipped;
static char tmpdir[64];

static int
setup(void **state)
{
	struct strlist errs = STRLIST_INIT;
	size_t i;

	(void)state;
	if (ruleset_load(&shipped, unit_path("rules"), &errs)) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i]);
		return -1;
	}
	strlist_release(&errs);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/inquiryd-classify-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char *p = xasprintf("%s/a.rules", tmpdir);

	(void)state;
	unlink(p);
	free(p);
	rmdir(tmpdir);
	ruleset_free(shipped);
	return 0;
}

/* A ruleset from one file's text. */
static struct ruleset *
load_text(const char *text)
{
	char *p = xasprintf("%s/a.rules", tmpdir);
	FILE *fp = fopen(p, "w");
	struct strlist errs = STRLIST_INIT;
	struct ruleset *rs = NULL;
	size_t i;

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	if (ruleset_load(&rs, tmpdir, &errs))
		for (i = 0; i < errs.n; i++)
			print_error("%s\n", errs.v[i]);
	strlist_release(&errs);
	free(p);
	assert_non_null(rs);
	return rs;
}

/* A message with only a body (and what else the test sets). */
static void
msg_init(struct parsed_msg *pm, const char *body)
{
	memset(pm, 0, sizeof(*pm));
	pm->text = (char *)body;
	pm->text_len = strlen(body);
}

static int
fired(const struct verdict *v, const char *id)
{
	size_t i;

	for (i = 0; i < v->hits.n; i++)
		if (!strcmp(v->hits.v[i].rule->id, id))
			return 1;
	return 0;
}

static const char *
hit_match(const struct verdict *v, const char *id)
{
	size_t i;

	for (i = 0; i < v->hits.n; i++)
		if (!strcmp(v->hits.v[i].rule->id, id))
			return v->hits.v[i].match;
	return NULL;
}

/* Each target reaches its rules, with the text it should. */
static void
test_targets(void **state)
{
	struct ruleset *rs;
	struct parsed_msg pm;
	struct sig_result s;
	struct verdict v;
	struct header hdrs[2] = {
		{ (char *)"X-Mailer", (char *)"BulkMailer 3.0" },
		{ (char *)"To", (char *)"undisclosed-recipients:;" },
	};
	struct attachment att = { (char *)"PO_4512.pdf.exe", NULL, 10 };

	(void)state;
	rs = load_text("threshold vague 0\nthreshold detailed 0\n"
	    "threshold spam 0\n"
	    "rule SUBJ subject /^Quote/\n"
	    "rule VIS visible /\\bchairs\\b/\n"
	    "rule VIS_SIG visible /Regards/\n"
	    "rule BODY body /Regards/\n"
	    "rule SIG signature /Manager/\n"
	    "rule QUO quoted /wrote:/\n"
	    "rule FROM from /^Acme <joe@acme\\.example>$/\n"
	    "rule FNAME from_name /^Acme$/\n"
	    "rule FADDR from_addr /^joe@/\n"
	    "rule FDOM from_domain /^acme\\.example$/\n"
	    "rule RTO reply_to /@other\\.example$/\n"
	    "rule MAILER header:X-Mailer /bulk/i\n"
	    "rule TO header:to /undisclosed/\n"
	    "rule ATT attachment /\\.exe$/\n"
	    "rule HTML html /<a href/\n"
	    "rule ANY_S any /^Quote/\n"
	    "rule ANY_B any /Manager/\n");
	msg_init(&pm, "We need 20 chairs.\n\nRegards,\nJoe\nSales Manager\n\n"
	    "On Monday Ann wrote:\n> old text\n");
	pm.subject = (char *)"Quote request";
	pm.from.name = (char *)"Acme";
	pm.from.addr = (char *)"joe@acme.example";
	pm.reply_to.addr = (char *)"x@other.example";
	pm.headers = hdrs;
	pm.nheaders = 2;
	pm.att = &att;
	pm.natt = 1;
	pm.html = (char *)"<p><a href=\"x\">x</a></p>";
	memset(&s, 0, sizeof(s));
	s.visible_text = (char *)"We need 20 chairs.";
	s.signature = (char *)"Regards,\nJoe\nSales Manager";
	s.quoted = (char *)"On Monday Ann wrote:\n> old text";
	classify_message(rs, &pm, &s, &v);
	assert_true(fired(&v, "SUBJ"));
	assert_true(fired(&v, "VIS"));
	assert_false(fired(&v, "VIS_SIG"));	/* not in the visible text */
	assert_true(fired(&v, "BODY"));
	assert_true(fired(&v, "SIG"));
	assert_true(fired(&v, "QUO"));
	assert_true(fired(&v, "FROM"));
	assert_true(fired(&v, "FNAME"));
	assert_true(fired(&v, "FADDR"));
	assert_true(fired(&v, "FDOM"));
	assert_true(fired(&v, "RTO"));
	assert_true(fired(&v, "MAILER"));
	assert_true(fired(&v, "TO"));
	assert_true(fired(&v, "ATT"));
	assert_true(fired(&v, "HTML"));
	assert_true(fired(&v, "ANY_S"));
	assert_true(fired(&v, "ANY_B"));
	verdict_release(&v);

	/* Without a sig result, the whole body stands for the visible text. */
	classify_message(rs, &pm, NULL, &v);
	assert_true(fired(&v, "VIS_SIG"));
	assert_false(fired(&v, "SIG"));
	assert_string_equal(hit_match(&v, "VIS"), "chairs");
	verdict_release(&v);
	ruleset_free(rs);
}

/* Weights count once per rule; the decision follows the thresholds. */
static void
test_weights_and_decision(void **state)
{
	struct ruleset *rs;
	struct parsed_msg pm;
	struct verdict v;

	(void)state;
	rs = load_text("threshold vague 1\nthreshold detailed 3\n"
	    "threshold spam 4\nprefer spam detailed vague\ndefault vague\n"
	    "rule PCS visible /\\d+ pcs/\n  max-hits 5\n"
	    "  weight detailed=2 vague=-1\n"
	    "rule CAT visible /catalog/\n  weight vague=2\n"
	    "rule SEO visible /SEO/\n  weight spam=4 detailed=1\n"
	    "rule BOTH\n  when PCS && CAT\n  weight detailed=1\n");
	msg_init(&pm, "10 pcs, 20 pcs, 30 pcs and your catalog");
	classify_message(rs, &pm, NULL, &v);
	assert_true(v.score[CLASS_DETAILED] == 3);	/* 2 once, +1 */
	assert_true(v.score[CLASS_VAGUE] == 1);
	assert_int_equal(v.cls, CLASS_DETAILED);
	assert_true(v.threshold[CLASS_SPAM] == 4);
	assert_non_null(strstr(v.why, "detailed 3 >= threshold 3"));
	verdict_release(&v);

	msg_init(&pm, "10 pcs and SEO");
	classify_message(rs, &pm, NULL, &v);
	assert_int_equal(v.cls, CLASS_SPAM);	/* spam first */
	verdict_release(&v);

	msg_init(&pm, "hello");
	classify_message(rs, &pm, NULL, &v);
	assert_int_equal(v.cls, CLASS_VAGUE);
	assert_non_null(strstr(v.why, "default vague"));
	verdict_release(&v);
	ruleset_free(rs);
}

/* A pathological rule or message ends within the budget, with warnings. */
static void
test_budget(void **state)
{
	struct ruleset *rs;
	struct parsed_msg pm;
	struct verdict v;
	struct buf b = BUF_INIT(1 << 20);
	struct classify_opts o = CLASSIFY_OPTS_INIT;
	uint64_t t0;
	size_t i;

	(void)state;
	rs = load_text("threshold vague 0\nthreshold detailed 0\n"
	    "threshold spam 0\nlimit time 300\nlimit match 200000\n"
	    "rule EVIL1 visible /(x+x+)+y/\n"
	    "rule EVIL2 body /(?:x|xx)+(?:x|xx)+z/\n"
	    "rule EVIL3 any /(x*)*y/\n"
	    "rule OK visible /xxxx/\n");
	for (i = 0; i < 200000; i++)
		buf_addch(&b, 'x');
	buf_addstr(&b, "!yz");	/* the strings the rules need are there */
	msg_init(&pm, b.data);
	t0 = now_ms();
	classify_message(rs, &pm, NULL, &v);
	assert_true(now_ms() - t0 < 3000);
	assert_true(v.warnings.n >= 1);
	assert_true(fired(&v, "OK"));
	verdict_release(&v);
	/* a tighter budget from the caller */
	o.budget_ms = 1;
	t0 = now_ms();
	classify_message_opts(rs, &pm, NULL, &o, &v);
	assert_true(now_ms() - t0 < 3000);
	verdict_release(&v);
	buf_release(&b);
	ruleset_free(rs);
}

static void
test_language(void **state)
{
	static const struct {
		const char *text;
		const char *lang;
	} cases[] = {
		{ "Please send us your best price for the chairs.", "en" },
		{ "Necesitamos el precio de las sillas, por favor.", "es" },
		{ "Precisamos do preço das cadeiras, por favor. Obrigado", "pt" },
		{ "Nous avons besoin du prix des chaises, merci.", "fr" },
		{ "Wir brauchen den Preis für die Stühle, bitte.", "de" },
		{ "Nam nuzhno: Нам нужна цена на стулья, пожалуйста.", "ru" },
		{ "Потрібна ціна на стільці, будь ласка. Дякуємо, їх треба", "uk" },
		{ "我们需要椅子的价格，谢谢。", "zh" },
		{ "椅子の価格を教えてください。", "ja" },
		{ "의자 가격을 알려주세요.", "ko" },
		{ "نحتاج سعر الكراسي من فضلك", "ar" },
		{ "Ci serve il prezzo delle sedie, grazie. Siamo interessati", "it" },
		{ "500 pcs", "en" },
		{ "", "en" },
	};
	char out[8], langs[32];
	size_t i;

	(void)state;
	assert_int_equal(classify_stopwords_unsorted(), -1);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		classify_language(cases[i].text, out);
		if (strcmp(out, cases[i].lang))
			print_error("'%s': want %s, got %s\n", cases[i].text,
			    cases[i].lang, out);
		assert_string_equal(out, cases[i].lang);
	}
	classify_languages("Bonjour, nous avons besoin de 500 pcs pour notre "
	    "client, merci de nous envoyer le prix et le délai. Please send "
	    "the price to us.", out, langs, sizeof(langs));
	assert_string_equal(langs, "fr en");
	classify_languages(NULL, out, langs, sizeof(langs));
	assert_string_equal(out, "en");
}

static const char *
lookup(void *arg, const char *text)
{
	(void)arg;
	return strstr(text, "speaker") || strstr(text, "Speaker") ?
	    "BT-200 Bluetooth Speaker" : NULL;
}

static void
test_explain_and_catalog(void **state)
{
	struct parsed_msg pm;
	struct verdict v;
	struct classify_opts o = CLASSIFY_OPTS_INIT;
	char *out = NULL;
	size_t len = 0, i;
	FILE *fp;
	int have_product = 0, have_phrase = 0;

	(void)state;
	msg_init(&pm, "Dear Sir,\nWe need 500 pcs of portable speakers, FOB "
	    "Shenzhen. What is the lead time?\nBest regards\x1b[31m");
	o.product_lookup = lookup;
	classify_message_opts(shipped, &pm, NULL, &o, &v);
	assert_int_equal(v.cls, CLASS_DETAILED);
	for (i = 0; i < v.nreq; i++) {
		if (!strcmp(v.req[i].field, "product")) {
			have_product = !strcmp(v.req[i].value,
			    "BT-200 Bluetooth Speaker");
			assert_null(v.req[i].rule);
		}
		have_phrase |= !strcmp(v.req[i].field, "product_phrase");
	}
	assert_true(have_product);
	assert_true(have_phrase);
	fp = open_memstream(&out, &len);
	classify_explain(fp, &v);
	fclose(fp);
	assert_non_null(strstr(out, "QTY_UNIT"));
	assert_non_null(strstr(out, "40-detailed.rules:"));
	assert_non_null(strstr(out, "\"500 pcs\""));
	assert_non_null(strstr(out, "totals: vague"));
	assert_non_null(strstr(out, "decision: detailed"));
	assert_non_null(strstr(out, "What is the lead time?"));
	assert_null(strchr(out, '\x1b'));	/* escaped */
	free(out);
	verdict_release(&v);
}

/* The shipped spam rules see headers and attachments too. */
static void
test_shipped_spam_signals(void **state)
{
	struct parsed_msg pm;
	struct verdict v;
	struct attachment att = { (char *)"PO_4512.pdf.exe", NULL, 1000 };
	struct header to = { (char *)"To", (char *)"undisclosed-recipients:;" };

	(void)state;
	msg_init(&pm, "Dear Sir,\nPlease find attached our new order.\n"
	    "Regards");
	pm.subject = (char *)"New PO#4512";
	pm.att = &att;
	pm.natt = 1;
	pm.headers = &to;
	pm.nheaders = 1;
	pm.from.name = (char *)"Alibaba Trade Center";
	pm.from.addr = (char *)"notice@alibaba-service.example";
	classify_message(shipped, &pm, NULL, &v);
	assert_int_equal(v.cls, CLASS_SPAM);
	assert_true(fired(&v, "SPAM_ATTACH_DOUBLE"));
	assert_true(fired(&v, "SPAM_UNDISCLOSED"));
	assert_true(fired(&v, "SPAM_NAME_MISMATCH"));
	assert_true(fired(&v, "SPAM_SUBJECT_LURE"));
	verdict_release(&v);

	/* the same brand on its own domain is not a mismatch */
	pm.from.addr = (char *)"notice@service.alibaba.com";
	classify_message(shipped, &pm, NULL, &v);
	assert_false(fired(&v, "SPAM_NAME_MISMATCH"));
	verdict_release(&v);
	/* an address in the display name that is not the sender's */
	pm.from.name = (char *)"sales@bigbuyer.example";
	pm.from.addr = (char *)"x1@mailer.example";
	classify_message(shipped, &pm, NULL, &v);
	assert_true(fired(&v, "SPAM_NAME_MISMATCH"));
	verdict_release(&v);
	pm.from.name = (char *)"joe@acme.example";
	pm.from.addr = (char *)"joe@acme.example";
	classify_message(shipped, &pm, NULL, &v);
	assert_false(fired(&v, "SPAM_NAME_MISMATCH"));
	verdict_release(&v);
}

/* Decodes the \n of a case's text. */
static char *
unescape(const char *s)
{
	struct buf b = BUF_INIT(BUF_CAP_LINE);

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			buf_addch(&b, '\n');
			s++;
		} else {
			buf_addch(&b, *s);
		}
	}
	return buf_detach(&b, NULL);
}

static int
icontains(const char *hay, const char *needle)
{
	char *h = xstrdup(hay), *n = xstrdup(needle);
	int r;

	str_lower(h);
	str_lower(n);
	r = strstr(h, n) != NULL;
	free(h);
	free(n);
	return r;
}

/* The outline cases of tests/data/rules/outline.tsv. */
static void
test_outline_table(void **state)
{
	struct buf file = BUF_INIT(BUF_CAP_TEXT);
	char *line, *next;
	unsigned ncases = 0, nbad = 0;
	struct strlist langs = STRLIST_INIT;

	(void)state;
	assert_int_equal(buf_read_file(&file,
	    unit_path("tests/data/rules/outline.tsv")), 0);
	for (line = file.data; line && *line; line = next) {
		char *f[4], *text;
		struct parsed_msg pm;
		struct verdict v;
		size_t i, k;
		int ok = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		f[0] = line;
		for (k = 1; k < 4; k++) {
			f[k] = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
			if (f[k])
				*f[k]++ = '\0';
		}
		assert_non_null(f[3]);
		text = unescape(f[3]);
		msg_init(&pm, text);
		classify_message(shipped, &pm, NULL, &v);
		if (!strcmp(f[1], "class")) {
			ok = !strcmp(class_name(v.cls), f[2]);
		} else if (!strcmp(f[1], "question")) {
			for (i = 0; i < v.questions.n && !ok; i++)
				ok = icontains(v.questions.v[i], f[2]);
		} else if (!strcmp(f[1], "!question")) {
			/* no question contains it (a courtesy is none) */
			ok = 1;
			for (i = 0; i < v.questions.n && ok; i++)
				ok = !icontains(v.questions.v[i], f[2]);
		} else if (!strcmp(f[1], "business")) {
			ok = v.business && icontains(v.business, f[2]);
		} else if (!strcmp(f[1], "line")) {
			for (i = 0; i < v.lines.n && !ok; i++)
				ok = icontains(v.lines.v[i], f[2]);
		} else if (f[1][0] == '!') {
			/* nothing of that field (any: "*") may contain it */
			ok = 1;
			for (i = 0; i < v.nreq && ok; i++)
				ok = !((!strcmp(f[1] + 1, "*") ||
				    !strcmp(v.req[i].field, f[1] + 1)) &&
				    icontains(v.req[i].value, f[2]));
		} else if (f[1][0] == '=') {
			/* an entry of that field is exactly it (any case) */
			for (i = 0; i < v.nreq && !ok; i++)
				ok = !strcmp(v.req[i].field, f[1] + 1) &&
				    icontains(v.req[i].value, f[2]) &&
				    strlen(v.req[i].value) == strlen(f[2]);
		} else {
			for (i = 0; i < v.nreq && !ok; i++)
				ok = !strcmp(v.req[i].field, f[1]) &&
				    icontains(v.req[i].value, f[2]);
		}
		if (!ok) {
			nbad++;
			print_error("[%s] %s '%s' %s in: %s\n", f[0], f[1],
			    f[2], f[1][0] == '!' ? "found" : "not found",
			    f[3]);
			print_error("    class %s, language %s, outline:",
			    class_name(v.cls), v.lang);
			for (i = 0; i < v.nreq; i++)
				print_error(" %s=%s;", v.req[i].field,
				    v.req[i].value);
			print_error("\n");
		}
		if (strlist_find(&langs, f[0], 0) < 0)
			strlist_push(&langs, f[0]);
		ncases++;
		verdict_release(&v);
		free(text);
	}
	print_message("%u outline cases in %zu languages\n", ncases, langs.n);
	assert_true(ncases >= 100);
	assert_true(langs.n >= 7);
	assert_int_equal(nbad, 0);
	strlist_release(&langs);
	buf_release(&file);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_weights_and_decision),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_language),
		cmocka_unit_test(test_explain_and_catalog),
		cmocka_unit_test(test_shipped_spam_signals),
		cmocka_unit_test(test_outline_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
