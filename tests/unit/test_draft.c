/*
 * test_draft.c - the reply drafts: the shipped templates load; golden
 * text and HTML bodies for one vague and one detailed inquiry per
 * language (tests/data/draft/<lang>-<class>.{subject,text,html}.expect;
 * INQUIRYD_UPDATE_GOLDEN=1 rewrites them); the salutation table; reply
 * subjects and file names; header and HTML injection; graceful NULLs; the
 * composed message read back by Python's email package with no defects;
 * atomic writes.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include <jansson.h>

#include "unit.h"

#include "conf.h"
#include "draft.h"
#include "err.h"

#define NOW ((int64_t)1795000000)	/* 2026-11-18T...Z */

/* ---- Fixtures ---------------------------------------------------------- */

static struct price_tier speaker_tiers[] = {
	{ 100, 9.80 }, { 1000, 8.50 }, { 5000, 7.20 },
};
static struct price_tier bank_tiers[] = {
	{ 200, 6.40 }, { 2000, 5.85 },
};
static struct price_tier case_tiers[] = {
	{ 500, 1.25 }, { 5000, 0.98 },
};
static char *speaker_kw[] = { "speaker", "bluetooth speaker" };

static struct product products[] = {
	{ "BT-200", "Portable Bluetooth Speaker BT-200", "Bluetooth speakers",
	    { speaker_kw, 2, 0 }, speaker_tiers, 3, 500, "pcs",
	    "25-30 days", "CE, FCC, RoHS", "color box, 40 pcs/carton",
	    "10 W, IPX5, 2000 mAh, BT 5.3", NULL, 1, 2 },
	{ "PB-10K", "Power Bank 10000 mAh PB-10K", "Power banks",
	    { NULL, 0, 0 }, bank_tiers, 2, 200, "pcs", "20 days",
	    "CE, FCC, RoHS, UN38.3", "white box", "10000 mAh, USB-C PD 20 W",
	    NULL, 1, 3 },
	{ "PC-11", "Silicone Phone Case PC-11", "Phone cases",
	    { NULL, 0, 0 }, case_tiers, 2, 500, "pcs", "15 days", NULL,
	    "OPP bag", "soft silicone, 12 colours", NULL, 1, 4 },
};

struct lang_case {
	const char *lang;
	const char *subject;	/* theirs */
	const char *company;
	const char *name;
	const char *salutation;
	const char *q1, *q2;	/* their questions */
	const char *qty, *port, *cert, *logo;
};

static const struct lang_case langs[] = {
	{ "en", "Inquiry: bluetooth speakers", "ACME Trading Ltd",
	    "John Jick", "Mr", "What is your MOQ for the BT-200?",
	    "Can you print our logo on the box?", "5000 pcs",
	    "Hamburg", "CE and RoHS", "logo printed on the speaker" },
	{ "es", "Consulta: altavoces bluetooth", "Comercial Ibérica S.L.",
	    "Lucía Fernández", "Ms", "¿Cuál es el pedido mínimo del BT-200?",
	    "¿Pueden imprimir nuestro logo en la caja?", "5000 unidades",
	    "Valencia", "CE y RoHS", "logo impreso en el altavoz" },
	{ "fr", "Demande de prix : enceintes bluetooth", "Distrib'Ouest SARL",
	    "Pierre Martin", "Mr", "Quel est votre minimum de commande ?",
	    "Pouvez-vous imprimer notre logo sur la boîte ?", "5000 pièces",
	    "Le Havre", "CE et RoHS", "logo imprimé sur l'enceinte" },
	{ "de", "Anfrage: Bluetooth-Lautsprecher", "Müller Handels GmbH",
	    "Anna Müller", "Ms", "Wie hoch ist die Mindestbestellmenge?",
	    "Können Sie unser Logo auf den Karton drucken?", "5000 Stück",
	    "Hamburg", "CE und RoHS", "Logo auf dem Lautsprecher" },
	{ "pt", "Cotação: caixas de som bluetooth", "Comercial Paulista Ltda",
	    "João Silva", "Mr", "Qual é a quantidade mínima do BT-200?",
	    "Vocês podem imprimir nosso logo na caixa?", "5000 peças",
	    "Santos", "CE e RoHS", "logo impresso na caixa de som" },
	{ "ru", "Запрос: bluetooth-колонки", "ООО «Восток Трейд»",
	    "Иван Петров", "Mr", "Какой минимальный заказ для BT-200?",
	    "Можете ли вы нанести наш логотип на коробку?", "5000 шт",
	    "Санкт-Петербург", "CE и RoHS", "логотип на колонке" },
	{ "zh", "询价：蓝牙音箱", "上海远东贸易有限公司", "王伟", "Mr",
	    "BT-200的最小起订量是多少？", "可以在包装盒上印我们的logo吗？",
	    "5000个", "汉堡", "CE和RoHS", "音箱上印logo" },
};

struct fixture {
	struct conf c;
	struct conf_account a;
	struct parsed_msg pm;
	struct sig_result s;
	struct verdict v;
	struct enrich_info ei;
	struct offer o;
	struct requirement req[8];
	char *questions[2];
	struct quote_item items[3];
	char *cats[3];
	char *refs[2];
	struct suggestion sugg[3];
	struct risk_flag flags[1];
	char *confirm[1];
	struct offer_point points[8];
};

static void
fixture_conf(struct fixture *f)
{
	conf_defaults(&f->c);
	free(f->c.company_name);
	f->c.company_name = xstrdup("Shenzhen Example Gifts Co., Ltd.");
	free(f->c.company_domain);
	f->c.company_domain = xstrdup("example-gifts.com");
	free(f->c.company_email);
	f->c.company_email = xstrdup("sales@example-gifts.com");
	free(f->c.company_phone);
	f->c.company_phone = xstrdup("+86 755 0000 0000");
	free(f->c.company_website);
	f->c.company_website = xstrdup("https://www.example-gifts.com");
	free(f->c.port);
	f->c.port = xstrdup("Shenzhen");
	memset(&f->a, 0, sizeof(f->a));
	f->a.name = (char *)"sales";
	f->a.rep_name = (char *)"Alice Wang";
	f->a.rep_email = (char *)"alice@example-gifts.com";
}

/* A vague or detailed inquiry in the language of lc. */
static void
fixture(struct fixture *f, const struct lang_case *lc, enum iq_class cls)
{
	size_t n = 0;

	memset(f, 0, sizeof(*f));
	fixture_conf(f);
	f->pm.from.name = (char *)lc->name;
	f->pm.from.addr = (char *)"buyer@acme-trading.example";
	f->pm.subject = (char *)lc->subject;
	f->pm.message_id = (char *)"CAF=abc123@mail.acme-trading.example";
	f->refs[0] = (char *)"older@acme-trading.example";
	f->pm.references.v = f->refs;
	f->pm.references.n = 1;
	f->pm.text = (char *)"";
	f->s.f.name = (char *)lc->name;
	f->s.f.company = (char *)lc->company;
	f->s.f.salutation = (char *)lc->salutation;
	f->v.cls = cls;
	xstrlcpy(f->v.lang, lc->lang, sizeof(f->v.lang));
	f->ei.free_mail = 0;
	f->ei.has_mx = 1;
	f->ei.site_status = -1;
	f->ei.industry = (char *)"consumer electronics";
	f->flags[0].code = (char *)"young_domain";
	f->flags[0].reason = (char *)"domain registered 20 days ago";
	f->ei.flags = f->flags;
	f->ei.nflags = 1;
	f->o.cls = cls;
	f->o.number = (char *)"Q-20261118-0007";
	f->o.currency = (char *)"USD";
	f->o.incoterm = (char *)"FOB Shenzhen";
	f->o.payment_terms = (char *)"30% T/T deposit, balance before "
	    "shipment";
	f->o.validity_days = 30;
	f->o.date = NOW;
	f->o.items = f->items;
	if (cls == CLASS_VAGUE) {
		f->cats[0] = (char *)"Bluetooth speakers";
		f->cats[1] = (char *)"Power banks";
		f->cats[2] = (char *)"Phone cases";
		f->o.categories.v = f->cats;
		f->o.categories.n = 3;
		f->items[0].p = &products[0];
		f->items[0].qty = 1000;
		f->items[0].unit_price = 8.50;
		f->items[1].p = &products[1];
		f->items[1].qty = 2000;
		f->items[1].unit_price = 5.85;
		f->items[2].p = &products[2];
		f->items[2].qty = 5000;
		f->items[2].unit_price = 0.98;
		f->o.nitems = 3;
		f->sugg[0].category = (char *)"Bluetooth speakers";
		f->sugg[0].score = 0.9;
		f->sugg[0].evidence = (char *)"website: 'audio', 'speakers'";
		f->ei.sugg = f->sugg;
		f->ei.nsugg = 1;
		return;
	}
	f->items[0].p = &products[0];
	f->items[0].qty = 5000;
	f->items[0].unit_price = 7.20;
	f->items[0].to_confirm = 1;
	f->items[0].note = (char *)"freight to the destination port";
	f->o.nitems = 1;
	f->confirm[0] = (char *)"freight to the destination port";
	f->o.to_confirm.v = f->confirm;
	f->o.to_confirm.n = 1;
	f->req[n].field = (char *)"product";
	f->req[n++].value = (char *)"BT-200 bluetooth speaker";
	f->req[n].field = (char *)"quantity";
	f->req[n++].value = (char *)lc->qty;
	f->req[n].field = (char *)"incoterm";
	f->req[n++].value = (char *)"FOB";
	f->req[n].field = (char *)"port";
	f->req[n++].value = (char *)lc->port;
	f->req[n].field = (char *)"certification";
	f->req[n++].value = (char *)lc->cert;
	f->req[n].field = (char *)"logo";
	f->req[n++].value = (char *)lc->logo;
	f->v.req = f->req;
	f->v.nreq = n;
	/* the offer's verdict on each point, as offer_build writes it */
	f->points[3].state = POINT_CONFIRM;
	f->points[3].note = f->confirm[0];
	f->points[5].state = POINT_CONFIRM;
	f->points[5].note = f->confirm[0];
	f->o.points = f->points;
	f->o.npoints = n;
	f->questions[0] = (char *)lc->q1;
	f->questions[1] = (char *)lc->q2;
	f->v.questions.v = f->questions;
	f->v.questions.n = 2;
}

static void
fixture_release(struct fixture *f)
{
	conf_release(&f->c);
}

static struct templates *tpl;

static int
setup(void **state)
{
	struct strlist errs = STRLIST_INIT;
	size_t i;

	(void)state;
	if (templates_load(&tpl, unit_path("templates"), &errs)) {
		for (i = 0; i < errs.n; i++)
			print_error("%s\n", errs.v[i]);
		strlist_release(&errs);
		return -1;
	}
	strlist_release(&errs);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	templates_free(tpl);
	return 0;
}

/* ---- Golden bodies ----------------------------------------------------- */

static int
compare_golden(const char *name, const char *got)
{
	char path[512];
	struct buf want = BUF_INIT(BUF_CAP_TEXT);
	int ok;

	snprintf(path, sizeof(path), "tests/data/draft/%s.expect", name);
	if (getenv("INQUIRYD_UPDATE_GOLDEN")) {
		FILE *fp = fopen(unit_path(path), "w");

		assert_non_null(fp);
		fputs(got, fp);
		fclose(fp);
	}
	if (buf_read_file(&want, unit_path(path))) {
		print_error("cannot read '%s': %s\n", path, strerror(errno));
		buf_release(&want);
		return 0;
	}
	ok = !strcmp(want.data, got);
	if (!ok)
		print_error("%s differs from %s (INQUIRYD_UPDATE_GOLDEN=1 "
		    "rewrites it); got:\n%s\n", name, path, got);
	buf_release(&want);
	return ok;
}

static void
golden(const struct lang_case *lc, enum iq_class cls)
{
	struct fixture f;
	struct buf subj = BUF_INIT(BUF_CAP_LINE);
	struct buf text = BUF_INIT(BUF_CAP_TEXT);
	struct buf html = BUF_INIT(BUF_CAP_TEXT);
	struct strlist notes = STRLIST_INIT;
	struct err e = ERR_INIT;
	const char *lang = NULL;
	char name[64];
	int ok = 1;

	fixture(&f, lc, cls);
	if (draft_bodies(&f.c, &f.a, tpl, &f.pm, &f.s, &f.v, &f.ei, &f.o,
	    "/q/ACME TRADING SPEAKER QUOTATION FOR MR JICK.xlsx", NOW, &subj,
	    &text, &html, &lang, &notes, &e))
		fail_msg("%s", e.msg);
	assert_string_equal(lang, lc->lang);
	snprintf(name, sizeof(name), "%s-%s.subject", lc->lang,
	    class_name(cls));
	ok &= compare_golden(name, subj.data);
	snprintf(name, sizeof(name), "%s-%s.text", lc->lang, class_name(cls));
	ok &= compare_golden(name, text.data);
	snprintf(name, sizeof(name), "%s-%s.html", lc->lang, class_name(cls));
	ok &= compare_golden(name, html.data);
	/* nothing for the rep leaks into what the customer reads */
	assert_null(strstr(text.data, "young_domain"));
	assert_null(strstr(text.data, "freight to the destination"));
	if (cls == CLASS_DETAILED) {
		size_t i, same = 0;

		for (i = 0; i < notes.n; i++)
			same += strstr(notes.v[i], "freight to the destination") !=
			    NULL;
		assert_int_equal(same, 1);
	}
	assert_null(strstr(html.data, "registered 20 days"));
	buf_release(&subj);
	buf_release(&text);
	buf_release(&html);
	strlist_release(&notes);
	fixture_release(&f);
	if (!ok)
		fail();
}

static void
test_golden(void **state)
{
	const struct lang_case *lc = *state;

	golden(lc, CLASS_VAGUE);
	golden(lc, CLASS_DETAILED);
}

/* ---- The offer decides what is to confirm ------------------------------ */

/*
 * The reply marks to confirm what the offer (and so the quote sheet)
 * marks, and leaves out what the offer keeps from the customer, whatever
 * the draft's own checks would say.
 */
static void
test_offer_points(void **state)
{
	struct fixture f;
	struct strlist notes = STRLIST_INIT;
	struct rule dummy;
	struct requirement req[] = {
		{ (char *)"product", (char *)"BT-200 bluetooth speaker", &dummy },
		{ (char *)"payment", (char *)"T/T 30% deposit, 70% against "
		    "copy of B/L", &dummy },
		{ (char *)"spec", (char *)"10 W", &dummy },
		{ (char *)"request", (char *)"quotation", &dummy },
		{ (char *)"colour", (char *)"navy blue", &dummy },
	};
	struct offer_point pts[] = {
		{ POINT_ANSWERED, NULL },
		{ POINT_CONFIRM, "Payment: T/T 30% deposit, 70% against copy "
		    "of B/L \xE2\x80\x94 to confirm with production" },
		{ POINT_ANSWERED, NULL },
		{ POINT_HIDDEN, NULL },
		{ POINT_CONFIRM, "Colour: navy blue \xE2\x80\x94 to confirm "
		    "with production" },
	};
	static const char *const fields[] = {
		"product", "payment", "spec", "colour",
	};
	static const int confirm[] = { 0, 1, 0, 1 };
	json_t *ctx, *outline, *e;
	size_t i;

	(void)state;
	fixture(&f, &langs[0], CLASS_DETAILED);
	f.v.req = req;
	f.v.nreq = ARRAY_SIZE(req);
	f.o.points = pts;
	f.o.npoints = ARRAY_SIZE(pts);
	ctx = draft_context(&f.c, &f.a, tpl, &f.pm, &f.s, &f.v, &f.ei, &f.o,
	    NULL, NOW, "en", &notes);
	outline = json_object_get(ctx, "outline");
	assert_int_equal(json_array_size(outline), ARRAY_SIZE(fields));
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		e = json_array_get(outline, i);
		assert_string_equal(json_string_value(json_object_get(e,
		    "field")), fields[i]);
		assert_int_equal(json_is_true(json_object_get(e,
		    "to_confirm")), confirm[i]);
		assert_int_equal(json_is_true(json_object_get(e,
		    "answered")), !confirm[i]);
	}
	json_decref(ctx);
	/* an offer without points (built by hand): the draft's own checks */
	f.o.points = NULL;
	f.o.npoints = 0;
	ctx = draft_context(&f.c, &f.a, tpl, &f.pm, &f.s, &f.v, &f.ei, &f.o,
	    NULL, NOW, "en", &notes);
	outline = json_object_get(ctx, "outline");
	assert_int_equal(json_array_size(outline), 4);	/* no "request" */
	json_decref(ctx);
	strlist_release(&notes);
	fixture_release(&f);
}

/*
 * What a rep reads: a point whose value is only its label shows the label
 * alone ("Samples", not "Samples: Samples"); a question asking when the
 * goods can ship, in Chinese too, is answered with the lead time; their
 * shipping terms are the rep's to agree.
 */
static void
test_outline_words(void **state)
{
	struct fixture f;
	struct strlist notes = STRLIST_INIT;
	struct rule dummy;
	struct requirement req[] = {
		{ (char *)"samples", (char *)"Samples", &dummy },
		{ (char *)"samples", (char *)"sample first", &dummy },
		{ (char *)"shipping", (char *)"express shipping", &dummy },
	};
	static const int bare[] = { 1, 0, 0 };
	json_t *ctx, *outline, *qs, *e;
	size_t i;

	(void)state;
	memset(&dummy, 0, sizeof(dummy));
	fixture(&f, &langs[0], CLASS_DETAILED);
	f.o.points = NULL;
	f.o.npoints = 0;
	f.v.req = req;
	f.v.nreq = ARRAY_SIZE(req);
	f.questions[0] = (char *)"\xE8\xAF\xB7\xE9\x97\xAE\xE6\x9C\x80"
	    "\xE5\xBF\xAB\xE4\xBB\x80\xE4\xB9\x88\xE6\x97\xB6\xE5\x80\x99"
	    "\xE5\x8F\xAF\xE4\xBB\xA5\xE5\x87\xBA\xE8\xB4\xA7\xEF\xBC\x9F";
	f.questions[1] = (char *)"What is the price including express "
	    "shipping?";
	f.v.questions.n = 2;
	ctx = draft_context(&f.c, &f.a, tpl, &f.pm, &f.s, &f.v, &f.ei, &f.o,
	    NULL, NOW, "en", &notes);
	outline = json_object_get(ctx, "outline");
	assert_int_equal(json_array_size(outline), ARRAY_SIZE(req));
	for (i = 0; i < ARRAY_SIZE(req); i++) {
		e = json_array_get(outline, i);
		assert_int_equal(json_is_true(json_object_get(e, "bare")),
		    bare[i]);
	}
	e = json_array_get(outline, 2);
	assert_true(json_is_true(json_object_get(e, "to_agree")));
	assert_false(json_is_true(json_object_get(e, "to_confirm")));
	assert_true(json_is_true(json_object_get(json_object_get(e, "f"),
	    "shipping")));
	qs = json_object_get(ctx, "questions");
	assert_int_equal(json_array_size(qs), 2);
	assert_true(json_is_true(json_object_get(json_object_get(
	    json_array_get(qs, 0), "t"), "lead_time")));
	/* the freight they ask for is the rep's to quote */
	assert_true(json_is_true(json_object_get(json_array_get(qs, 1),
	    "to_agree")));
	assert_true(json_is_true(json_object_get(ctx, "any_to_agree")));
	json_decref(ctx);
	strlist_release(&notes);
	fixture_release(&f);
}

/* ---- The outline the rules produce ------------------------------------ */

static void
test_outline_fields(void **state)
{
	struct fixture f;
	struct strlist notes = STRLIST_INIT;
	struct rule dummy;
	struct requirement req[] = {
		{ (char *)"product_phrase", (char *)"speakers", &dummy },
		{ (char *)"quantity", (char *)"3000 pcs", &dummy },
		{ (char *)"size", (char *)"10 x 8 cm", &dummy },
		{ (char *)"moq", (char *)"MOQ", &dummy },
		{ (char *)"customer_type", (char *)"importer", &dummy },
		{ (char *)"part_number", (char *)"XK-99", &dummy },
		{ (char *)"destination", (char *)"Lagos, Nigeria", &dummy },
		/* the catalog's name, added by the product lookup */
		{ (char *)"product",
		    (char *)"Portable Bluetooth Speaker BT-200", NULL },
	};
	json_t *ctx, *outline, *e;
	const char *want[][3] = {
		/* field, group, label key */
		{ "product_phrase", "product", "product" },
		{ "quantity", "quantity", "quantity" },
		{ "size", "spec", "size" },
		{ "moq", "moq", "moq" },
		{ "part_number", "product", "other" },
		{ "destination", "port", "destination" },
	};
	size_t i, k;
	char *dump;

	(void)state;
	memset(&dummy, 0, sizeof(dummy));
	fixture(&f, &langs[0], CLASS_DETAILED);
	f.v.req = req;
	f.v.nreq = ARRAY_SIZE(req);
	ctx = draft_context(&f.c, &f.a, tpl, &f.pm, &f.s, &f.v, &f.ei, &f.o,
	    NULL, NOW, "en", &notes);
	outline = json_object_get(ctx, "outline");
	dump = json_dumps(outline, JSON_INDENT(1));
	if (json_array_size(outline) != ARRAY_SIZE(want)) {
		print_error("%s\n", dump);
		fail();
	}
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		e = json_array_get(outline, i);
		assert_string_equal(json_string_value(json_object_get(e,
		    "field")), want[i][0]);
		assert_true(json_is_true(json_object_get(json_object_get(e,
		    "f"), want[i][1])));
		assert_true(json_is_true(json_object_get(json_object_get(e,
		    "k"), want[i][2])));
	}
	/* their word for the product is answered with the item they mean */
	e = json_array_get(outline, 0);
	assert_int_equal(json_array_size(json_object_get(e, "items")), 1);
	assert_true(json_is_true(json_object_get(e, "answered")));
	/* the MOQ is answered from the catalog, the size must be confirmed */
	assert_true(json_is_true(json_object_get(json_array_get(outline, 3),
	    "answered")));
	assert_true(json_is_true(json_object_get(json_array_get(outline, 2),
	    "to_confirm")));
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(outline, 4), "label")), "Part number");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(outline, 5), "label")), "Destination");
	/* who they are is for the rep */
	for (k = 0, i = 0; i < notes.n; i++)
		k += !strcmp(notes.v[i], "customer customer_type: importer");
	assert_int_equal(k, 1);
	free(dump);
	json_decref(ctx);

	/* our terms from the config when the offer has none */
	{
		struct requirement terms[] = {
			{ (char *)"incoterm", (char *)"FOB", &dummy },
			{ (char *)"incoterm", (char *)"CIF Hamburg", &dummy },
			{ (char *)"port", (char *)"Hamburg", &dummy },
			{ (char *)"port", (char *)"FOB Shenzhen port", &dummy },
			{ (char *)"payment", (char *)"L/C at sight", &dummy },
		};
		/* their other terms are the rep's to agree, never sent to
		 * production */
		static const int agree[] = { 0, 1, 1, 0, 1 };

		f.o.incoterm = NULL;
		f.o.payment_terms = NULL;
		f.v.req = terms;
		f.v.nreq = ARRAY_SIZE(terms);
		ctx = draft_context(&f.c, &f.a, tpl, &f.pm, &f.s, &f.v, &f.ei,
		    &f.o, NULL, NOW, "en", &notes);
		outline = json_object_get(ctx, "outline");
		for (i = 0; i < ARRAY_SIZE(terms); i++) {
			e = json_array_get(outline, i);
			assert_false(json_is_true(json_object_get(e,
			    "to_confirm")));
			assert_int_equal(json_is_true(json_object_get(e,
			    "to_agree")), agree[i]);
			assert_int_equal(json_is_true(json_object_get(e,
			    "answered")), !agree[i]);
			if (i < 4)
				assert_string_equal(json_string_value(
				    json_object_get(e, "ours")), "FOB Shenzhen");
		}
		assert_string_equal(json_string_value(json_object_get(
		    json_array_get(outline, 4), "ours")), "30% T/T deposit, "
		    "balance before shipment");
		assert_string_equal(json_string_value(json_object_get(
		    json_object_get(ctx, "quote"), "incoterm")),
		    "FOB Shenzhen");
		assert_true(json_is_true(json_object_get(ctx,
		    "any_to_agree")));
		json_decref(ctx);
	}
	strlist_release(&notes);
	fixture_release(&f);
}

/* ---- Greetings, subjects, file names ---------------------------------- */

static void
test_greeting(void **state)
{
	static const struct {
		const char *sig_title, *sig_name, *from_name, *from_addr;
		enum greet_kind kind;
		const char *surname, *full;
	} cases[] = {
		/* the title is stated in the signature */
		{ "Mr", "John Jick", "John Jick", "john@acme.example",
		    GREET_MR, "Jick", "John Jick" },
		{ "Ms.", "Jane Doe", NULL, "jane@acme.example", GREET_MS,
		    "Doe", "Jane Doe" },
		{ "MRS", "Ann Lee", NULL, "a@x.example", GREET_MRS, "Lee",
		    "Ann Lee" },
		{ "Dr", "Ravi Rao", NULL, "r@x.example", GREET_DR, "Rao",
		    "Ravi Rao" },
		/* ... or evident in the From display name */
		{ NULL, NULL, "Mr. John Jick", "j@x.example", GREET_MR,
		    "Jick", "John Jick" },
		{ NULL, NULL, "Dr Ana Souza", "a@x.example", GREET_DR,
		    "Souza", "Ana Souza" },
		{ NULL, NULL, "Herr Klaus Weber", "k@x.example", GREET_MR,
		    "Weber", "Klaus Weber" },
		{ NULL, NULL, "Frau Anna Müller", "a@x.example", GREET_MS,
		    "Müller", "Anna Müller" },
		{ NULL, NULL, "Sra. Lucía Fernández", "l@x.example",
		    GREET_MS, "Fernández", "Lucía Fernández" },
		{ NULL, NULL, "Madame Claire Dubois", "c@x.example", GREET_MS,
		    "Dubois", "Claire Dubois" },
		{ NULL, NULL, "王先生", "w@x.example", GREET_MR, "王", "王" },
		{ NULL, NULL, "李女士", "l@x.example", GREET_MS, "李", "李" },
		{ NULL, "Mr John Jick", NULL, "j@x.example", GREET_MR, "Jick",
		    "John Jick" },
		/* a name but no title: never a guessed gender */
		{ NULL, "John Jick", "John Jick", "j@x.example", GREET_NAME,
		    "Jick", "John Jick" },
		{ NULL, NULL, "Maria Rossi", "m@x.example", GREET_NAME,
		    "Rossi", "Maria Rossi" },
		{ NULL, NULL, "JICK, JOHN", "j@x.example", GREET_NAME, "Jick",
		    "John Jick" },
		{ NULL, NULL, "\"john jick\"", "j@x.example", GREET_NAME,
		    "Jick", "John Jick" },
		{ NULL, NULL, "王伟", "w@x.example", GREET_NAME, "王", "王伟" },
		{ NULL, "Иван Петров", NULL, "i@x.example", GREET_NAME,
		    "Петров", "Иван Петров" },
		/* the signature name wins over the From name */
		{ NULL, "Jane Roe", "Sales Team", "sales@x.example",
		    GREET_NAME, "Roe", "Jane Roe" },
		/* not a person: Sir or Madam */
		{ NULL, NULL, "Sales Department", "sales@x.example",
		    GREET_UNKNOWN, NULL, NULL },
		{ NULL, NULL, "ACME Trading Co., Ltd.", "info@x.example",
		    GREET_UNKNOWN, NULL, NULL },
		/* a company in the display name is no one to greet */
		{ NULL, NULL, "Staekar Polski SP z.o.o", "s@x.example",
		    GREET_UNKNOWN, NULL, NULL },
		{ NULL, NULL, "Lojas Brasil Ltda", "l@x.example",
		    GREET_UNKNOWN, NULL, NULL },
		{ NULL, NULL, "buyer@acme.example", "buyer@acme.example",
		    GREET_UNKNOWN, NULL, NULL },
		{ NULL, NULL, "purchasing", "purchasing@x.example",
		    GREET_UNKNOWN, NULL, NULL },
		{ NULL, NULL, "jick", "jick@x.example", GREET_UNKNOWN, NULL,
		    NULL },
		{ NULL, NULL, "R2D2 Unit 7", "r@x.example", GREET_UNKNOWN,
		    NULL, NULL },
		{ NULL, NULL, "上海远东贸易有限公司", "a@x.example",
		    GREET_UNKNOWN, NULL, NULL },
		{ NULL, NULL, NULL, NULL, GREET_UNKNOWN, NULL, NULL },
		{ "", "  ", "   ", "x@y.example", GREET_UNKNOWN, NULL, NULL },
		/* a title without a name */
		{ "Mr", NULL, NULL, "x@y.example", GREET_SIR, NULL, NULL },
		{ "Ms", NULL, "Sales", "x@y.example", GREET_MADAM, NULL,
		    NULL },
		{ "Dr", NULL, NULL, "x@y.example", GREET_UNKNOWN, NULL, NULL },
		{ "Captain", "Jack Sparrow", NULL, "j@x.example", GREET_NAME,
		    "Sparrow", "Jack Sparrow" },
		/* hostile bytes in names stay out of the result's lines */
		{ NULL, NULL, "John\r\nBcc: x@evil.example", "j@x.example",
		    GREET_UNKNOWN, NULL, NULL },
		{ NULL, NULL, "Anna\tMaria\nLopez", "a@x.example", GREET_NAME,
		    "Lopez", "Anna Maria Lopez" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct parsed_msg pm;
		struct sig_result s;
		struct greeting g;

		memset(&pm, 0, sizeof(pm));
		memset(&s, 0, sizeof(s));
		s.f.salutation = (char *)cases[i].sig_title;
		s.f.name = (char *)cases[i].sig_name;
		pm.from.name = (char *)cases[i].from_name;
		pm.from.addr = (char *)cases[i].from_addr;
		draft_greeting(&pm, &s, &g);
		if (g.kind != cases[i].kind ||
		    (cases[i].surname ? !g.surname ||
		    strcmp(g.surname, cases[i].surname) : g.surname != NULL) ||
		    (cases[i].full ? !g.full_name ||
		    strcmp(g.full_name, cases[i].full) : 0)) {
			print_error("case %zu (%s / %s): got %s '%s' '%s' "
			    "(%s)\n", i, cases[i].sig_name ?
			    cases[i].sig_name : "-", cases[i].from_name ?
			    cases[i].from_name : "-", greet_kind_name(g.kind),
			    g.surname ? g.surname : "", g.full_name ?
			    g.full_name : "", g.why ? g.why : "");
			fail();
		}
		greeting_release(&g);
	}
	/* both NULL */
	{
		struct greeting g;

		draft_greeting(NULL, NULL, &g);
		assert_int_equal(g.kind, GREET_UNKNOWN);
		greeting_release(&g);
	}
}

static void
test_reply_subject(void **state)
{
	static const struct {
		const char *in, *fallback, *want;
	} cases[] = {
		{ "Bluetooth speakers", NULL, "Re: Bluetooth speakers" },
		{ "Re: Bluetooth speakers", NULL, "Re: Bluetooth speakers" },
		{ "RE: re: Re[2]: prices", NULL, "Re: prices" },
		{ "AW: Anfrage", NULL, "Re: Anfrage" },
		{ "SV:Offert", NULL, "Re: Offert" },
		{ "回复：询价", NULL, "Re: 询价" },
		{ "Ответ: запрос", NULL, "Re: запрос" },
		{ "Fwd: catalog", NULL, "Re: Fwd: catalog" },
		{ "Regarding prices", NULL, "Re: Regarding prices" },
		{ "Hello\r\nBcc: evil@example.com", NULL,
		    "Re: Hello Bcc: evil@example.com" },
		{ "  lots \t of   space  ", NULL, "Re: lots of space" },
		{ NULL, "Your inquiry", "Re: Your inquiry" },
		{ "Re:", "Your inquiry", "Re: Your inquiry" },
		{ "", NULL, "Re: " },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = draft_reply_subject(cases[i].in,
		    cases[i].fallback);

		if (strcmp(got, cases[i].want)) {
			print_error("case %zu: got '%s', want '%s'\n", i, got,
			    cases[i].want);
			fail();
		}
		free(got);
	}
}

/*
 * A forwarded inquiry is answered under the customer's own subject, not
 * the colleague's "Fwd: ..."; a platform's relay keeps its subject.
 */
static void
test_forward_subject(void **state)
{
	static const struct {
		unsigned flags;
		const char *want;
	} cases[] = {
		{ 0, "Fwd: Earbuds inquiry" },
		{ PM_FORWARDED, "Earbuds inquiry" },
		{ PM_FORWARDED | PM_RELAYED, "Fwd: Earbuds inquiry" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fixture f;
		struct strlist notes = STRLIST_INIT;
		json_t *ctx;

		fixture(&f, &langs[0], CLASS_VAGUE);
		f.pm.subject = (char *)"Fwd: Earbuds inquiry";
		f.pm.forward_subject = (char *)"Earbuds inquiry";
		f.pm.flags = cases[i].flags;
		ctx = draft_context(&f.c, &f.a, tpl, &f.pm, &f.s, &f.v, &f.ei,
		    NULL, NULL, NOW, langs[0].lang, &notes);
		assert_string_equal(json_string_value(json_object_get(ctx,
		    "subject")), cases[i].want);
		json_decref(ctx);
		strlist_release(&notes);
		fixture_release(&f);
	}
}

static void
test_file_name(void **state)
{
	static const struct {
		const char *id, *want;
	} cases[] = {
		{ "20261118.abc.inquiryd@example-gifts.com",
		    "20261118.abc.inquiryd@example-gifts.com.eml" },
		{ "../../etc/passwd", "_._.._etc_passwd.eml" },
		{ "/abs/path", "_abs_path.eml" },
		{ ".hidden", "_hidden.eml" },
		{ "a\r\nb c<d>", "a__b_c_d_.eml" },
		{ "", "draft.eml" },
		{ NULL, "draft.eml" },
	};
	size_t i;
	char *got;
	char long_id[300];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = draft_file_name(cases[i].id);
		if (strcmp(got, cases[i].want)) {
			print_error("case %zu: got '%s', want '%s'\n", i, got,
			    cases[i].want);
			fail();
		}
		assert_null(strchr(got, '/'));
		free(got);
	}
	memset(long_id, 'x', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	got = draft_file_name(long_id);
	assert_int_equal(strlen(got), 104);
	free(got);
}

/* ---- Reading drafts back with Python ----------------------------------- */

static const char *
python(void)
{
	return access("/usr/bin/python3", X_OK) ? NULL : "/usr/bin/python3";
}

/* Runs eml_check.py on path; returns its JSON (one object) or NULL. */
static json_t *
eml_check(const char *path, int *status)
{
	int pfd[2];
	pid_t pid;
	struct buf out = BUF_INIT(BUF_CAP_TEXT);
	json_t *j;
	int st;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execl(python(), python(), unit_path("tests/lib/eml_check.py"),
		    path, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	buf_read_fd(&out, pfd[0]);
	close(pfd[0]);
	waitpid(pid, &st, 0);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	j = json_loads(out.data, 0, NULL);
	if (!j)
		print_error("eml_check printed: %s\n", out.data);
	buf_release(&out);
	return j;
}

static const char *
header(json_t *r, const char *name)
{
	json_t *h = json_object_get(r, "headers");
	size_t i;

	for (i = 0; i < json_array_size(h); i++) {
		json_t *p = json_array_get(h, i);

		if (!strcasecmp(json_string_value(json_array_get(p, 0)), name))
			return json_string_value(json_array_get(p, 1));
	}
	return NULL;
}

static json_t *
part(json_t *r, const char *type)
{
	json_t *ps = json_object_get(r, "parts");
	size_t i;

	for (i = 0; i < json_array_size(ps); i++)
		if (!strcmp(json_string_value(json_object_get(
		    json_array_get(ps, i), "type")), type))
			return json_array_get(ps, i);
	return NULL;
}

static char tmpdir[64];
static char quote_file[256];

static void
make_tmpdir(void)
{
	FILE *fp;

	if (tmpdir[0])
		return;
	xstrlcpy(tmpdir, "/tmp/inquiryd-draft-XXXXXX", sizeof(tmpdir));
	assert_non_null(mkdtemp(tmpdir));
	snprintf(quote_file, sizeof(quote_file), "%s/ACME TRADING SPEAKER "
	    "QUOTATION FOR MR JICK.xlsx", tmpdir);
	fp = fopen(quote_file, "w");
	assert_non_null(fp);
	fputs("PK\003\004 a stand-in for the workbook\377\001", fp);
	fclose(fp);
}

static void
remove_tmpdir(void)
{
	DIR *dp;
	struct dirent *de;
	char p[512];

	if (!tmpdir[0])
		return;
	dp = opendir(tmpdir);
	while (dp && (de = readdir(dp))) {
		if (de->d_name[0] == '.' && (!de->d_name[1] ||
		    !strcmp(de->d_name, "..")))
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
		unlink(p);
	}
	if (dp)
		closedir(dp);
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}

/* Renders and writes f's draft; returns Python's reading of it. */
static json_t *
draft_and_read(struct fixture *f, const char *quote, struct draft *d)
{
	struct err e = ERR_INIT;
	json_t *r;
	int status;

	make_tmpdir();
	if (draft_render(&f->c, &f->a, tpl, &f->pm, &f->s, &f->v, &f->ei,
	    &f->o, quote, NOW, d, &e))
		fail_msg("draft_render: %s", e.msg);
	if (draft_write(d, tmpdir, &e))
		fail_msg("draft_write: %s", e.msg);
	r = eml_check(d->path, &status);
	assert_non_null(r);
	if (status || json_array_size(json_object_get(r, "defects"))) {
		char *dump = json_dumps(json_object_get(r, "defects"), 0);

		print_error("%s: defects %s\n", d->path, dump);
		free(dump);
		fail();
	}
	return r;
}

static void
test_every_draft_parses(void **state)
{
	size_t i, k;

	(void)state;
	if (!python())
		skip();
	for (i = 0; i < ARRAY_SIZE(langs); i++) {
		for (k = 0; k < 2; k++) {
			struct fixture f;
			struct draft d;
			json_t *r, *att, *text, *html;
			const char *refs;

			fixture(&f, &langs[i], k ? CLASS_DETAILED :
			    CLASS_VAGUE);
			r = draft_and_read(&f, quote_file, &d);
			assert_true(json_is_true(json_object_get(r, "crlf")));
			assert_non_null(strstr(header(r, "To"),
			    "<buyer@acme-trading.example>"));
			assert_non_null(strstr(header(r, "To"),
			    langs[i].name));
			assert_string_equal(header(r, "From"),
			    "Alice Wang <alice@example-gifts.com>");
			assert_true(starts_with(header(r, "Subject"), "Re: "));
			assert_non_null(strstr(header(r, "Subject"),
			    langs[i].subject));
			assert_string_equal(header(r, "In-Reply-To"),
			    "<CAF=abc123@mail.acme-trading.example>");
			refs = header(r, "References");
			assert_non_null(refs);
			assert_non_null(strstr(refs,
			    "<older@acme-trading.example>"));
			assert_non_null(strstr(refs,
			    "<CAF=abc123@mail.acme-trading.example>"));
			assert_true(ends_with(header(r, "Message-ID"),
			    "@example-gifts.com>"));
			assert_non_null(header(r, "Date"));
			assert_non_null(strstr(header(r, "X-Inquiryd-Notes"),
			    "young_domain"));
			att = part(r, "application/vnd.openxmlformats-"
			    "officedocument.spreadsheetml.sheet");
			assert_non_null(att);
			assert_string_equal(json_string_value(json_object_get(
			    att, "filename")), "ACME TRADING SPEAKER QUOTATION "
			    "FOR MR JICK.xlsx");
			assert_string_equal(json_string_value(json_object_get(
			    att, "disposition")), "attachment");
			text = part(r, "text/plain");
			html = part(r, "text/html");
			assert_non_null(text);
			assert_non_null(html);
			/* the body survives the encoding */
			assert_non_null(strstr(json_string_value(
			    json_object_get(text, "text")), "Alice Wang"));
			assert_null(strstr(json_string_value(json_object_get(
			    text, "text")), "young_domain"));
			json_decref(r);
			draft_release(&d);
			fixture_release(&f);
		}
	}
}

/* ---- Injection --------------------------------------------------------- */

static void
test_header_injection(void **state)
{
	struct fixture f;
	struct draft d;
	json_t *r, *h;
	size_t i;

	(void)state;
	if (!python())
		skip();
	fixture(&f, &langs[0], CLASS_DETAILED);
	f.pm.from.name = (char *)"José Müller\r\nBcc: victim@evil.example";
	f.s.f.name = NULL;
	f.s.f.salutation = NULL;
	f.pm.subject = (char *)"Prices\r\nX-Injected: yes\n\nbody?";
	f.s.f.company = (char *)"ACME\r\nBcc: a@evil.example";
	f.pm.references.v[0] = (char *)"x>\r\nBcc: <y@evil.example";
	r = draft_and_read(&f, NULL, &d);
	h = json_object_get(r, "headers");
	for (i = 0; i < json_array_size(h); i++) {
		const char *name = json_string_value(json_array_get(
		    json_array_get(h, i), 0));

		assert_true(strcasecmp(name, "Bcc"));
		assert_true(strcasecmp(name, "X-Injected"));
	}
	assert_null(strchr(header(r, "Subject"), '\n'));
	assert_non_null(strstr(header(r, "Subject"), "X-Injected: yes"));
	assert_null(strstr(header(r, "References"), "evil"));
	/* no attachment when there is no quote */
	assert_null(part(r, "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet"));
	assert_non_null(strstr(d.notes, "no quote sheet attached"));
	json_decref(r);
	draft_release(&d);
	fixture_release(&f);
}

static void
test_html_injection(void **state)
{
	struct fixture f;
	struct buf subj = BUF_INIT(BUF_CAP_LINE);
	struct buf text = BUF_INIT(BUF_CAP_TEXT);
	struct buf html = BUF_INIT(BUF_CAP_TEXT);
	struct strlist notes = STRLIST_INIT;
	struct err e = ERR_INIT;
	const char *lang;
	char *qs[2] = {
		(char *)"<script>alert('q')</script> price?",
		(char *)"<img src=x onerror=alert(1)> MOQ?",
	};
	struct requirement req[1] = {
		{ (char *)"quantity", (char *)"<b>5000</b> \"pcs\" & more",
		    NULL },
	};

	(void)state;
	fixture(&f, &langs[0], CLASS_DETAILED);
	f.s.f.company = (char *)"<script>alert(1)</script> & Co";
	f.pm.subject = (char *)"</title><script>x()</script>";
	f.v.questions.v = qs;
	f.v.req = req;
	f.v.nreq = 1;
	assert_int_equal(draft_bodies(&f.c, &f.a, tpl, &f.pm, &f.s, &f.v,
	    &f.ei, &f.o, NULL, NOW, &subj, &text, &html, &lang, &notes, &e),
	    0);
	assert_null(strstr(html.data, "<script"));
	assert_null(strstr(html.data, "<img"));
	assert_null(strstr(html.data, "<b>5000"));
	assert_non_null(strstr(html.data,
	    "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
	assert_non_null(strstr(html.data,
	    "&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(html.data,
	    "<title>&lt;/title&gt;&lt;script&gt;"));
	/* the text part is not HTML: it shows the characters as written */
	assert_non_null(strstr(text.data, "<script>alert(1)</script> & Co"));
	assert_non_null(strstr(text.data, "\"<img src=x onerror=alert(1)> "
	    "MOQ?\""));
	buf_release(&subj);
	buf_release(&text);
	buf_release(&html);
	strlist_release(&notes);
	fixture_release(&f);
}

/* ---- Degrading gracefully ---------------------------------------------- */

static void
test_nulls(void **state)
{
	struct conf c;
	struct parsed_msg pm;
	struct draft d;
	struct err e = ERR_INIT;
	struct verdict v;
	struct offer o;
	struct requirement req[2] = {
		{ NULL, NULL, NULL },
		{ (char *)"weird_field", (char *)"x", NULL },
	};
	char *qs[1] = { (char *)"" };
	struct quote_item it = { NULL, 10, 1.5, 1, NULL, NULL };

	(void)state;
	memset(&pm, 0, sizeof(pm));
	pm.from.addr = (char *)"someone@example.org";
	conf_defaults(&c);
	free(c.company_email);
	c.company_email = xstrdup("sales@example-gifts.com");
	/* nothing known but an address */
	assert_int_equal(draft_render(&c, NULL, tpl, &pm, NULL, NULL, NULL,
	    NULL, NULL, NOW, &d, &e), 0);
	assert_non_null(strstr(d.raw.data, "Dear Sir or Madam"));
	assert_string_equal(d.lang, "en");
	assert_string_equal(d.to, "someone@example.org");
	assert_non_null(d.message_id);
	draft_release(&d);
	/* a detailed verdict with holes, an offer with a product-less item */
	memset(&v, 0, sizeof(v));
	v.cls = CLASS_DETAILED;
	v.req = req;
	v.nreq = 2;
	v.questions.v = qs;
	v.questions.n = 1;
	xstrlcpy(v.lang, "xx", sizeof(v.lang));
	memset(&o, 0, sizeof(o));
	o.cls = CLASS_DETAILED;
	o.items = &it;
	o.nitems = 1;
	assert_int_equal(draft_render(&c, NULL, tpl, &pm, NULL, &v, NULL, &o,
	    NULL, NOW, &d, &e), 0);
	assert_non_null(strstr(d.notes, "language 'xx' has no detailed "
	    "templates"));
	draft_release(&d);
	/* no address to reply to, spam, no templates, no From */
	pm.from.addr = NULL;
	assert_int_equal(draft_render(&c, NULL, tpl, &pm, NULL, NULL, NULL,
	    NULL, NULL, NOW, &d, &e), -1);
	assert_int_equal(e.kind, ERR_PERM);
	draft_release(&d);
	err_clear(&e);
	pm.from.addr = (char *)"someone@example.org";
	v.cls = CLASS_SPAM;
	assert_int_equal(draft_render(&c, NULL, tpl, &pm, NULL, &v, NULL,
	    NULL, NULL, NOW, &d, &e), -1);
	draft_release(&d);
	err_clear(&e);
	assert_int_equal(draft_render(&c, NULL, NULL, &pm, NULL, NULL, NULL,
	    NULL, NULL, NOW, &d, &e), -1);
	assert_int_equal(e.kind, ERR_CONFIG);
	draft_release(&d);
	err_clear(&e);
	FREE_AND_NULL(c.company_email);
	assert_int_equal(draft_render(&c, NULL, tpl, &pm, NULL, NULL, NULL,
	    NULL, NULL, NOW, &d, &e), -1);
	assert_int_equal(e.kind, ERR_CONFIG);
	draft_release(&d);
	err_clear(&e);
	/* a quote that cannot be read is a temporary failure */
	c.company_email = xstrdup("sales@example-gifts.com");
	assert_int_equal(draft_render(&c, NULL, tpl, &pm, NULL, NULL, NULL,
	    NULL, "/nonexistent/q.xlsx", NOW, &d, &e), -1);
	assert_int_equal(e.kind, ERR_TEMP);
	draft_release(&d);
	conf_release(&c);
}

/* ---- Writing ----------------------------------------------------------- */

static void
test_write(void **state)
{
	struct draft d;
	struct err e = ERR_INIT;
	char *path;
	DIR *dp;
	struct dirent *de;
	int n = 0;

	(void)state;
	make_tmpdir();
	memset(&d, 0, sizeof(d));
	buf_init(&d.raw, 1 << 20);
	buf_addstr(&d.raw, "Subject: x\r\n\r\nbody\r\n");
	d.message_id = xstrdup("../../escape@x");
	assert_int_equal(draft_write(&d, tmpdir, &e), 0);
	path = xasprintf("%s/_._.._escape@x.eml", tmpdir);
	assert_string_equal(d.path, path);
	free(path);
	/* rewriting replaces it, and leaves no temporary file */
	assert_int_equal(draft_write(&d, tmpdir, &e), 0);
	dp = opendir(tmpdir);
	while ((de = readdir(dp)))
		n += strstr(de->d_name, "escape") != NULL;
	closedir(dp);
	assert_int_equal(n, 1);
	/* a folder we cannot write to is a temporary failure */
	assert_int_equal(draft_write(&d, "/nonexistent/dir", &e), -1);
	assert_int_equal(e.kind, ERR_TEMP);
	draft_release(&d);
	/* draft_release on a zeroed draft is harmless */
	memset(&d, 0, sizeof(d));
	draft_release(&d);
}

/* ---- Loading ----------------------------------------------------------- */

static void
put(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	char *slash = strrchr(p, '/');
	FILE *fp;

	*slash = '\0';
	mkdir(p, 0755);
	*slash = '/';
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

static void
rm_rf(const char *dir)
{
	char *cmd[] = { (char *)"rm", (char *)"-rf", (char *)dir, NULL };
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execvp("rm", cmd);
		_exit(127);
	}
	waitpid(pid, &st, 0);
}

static void
test_load_errors(void **state)
{
	char dir[] = "/tmp/inquiryd-tpl-XXXXXX";
	struct strlist errs = STRLIST_INIT;
	struct templates *t = NULL;
	static const char *const parts[] = {
		"vague.subject", "vague.text", "vague.html",
		"detailed.subject", "detailed.text", "detailed.html",
	};
	const char *want[] = {
		"/en/vague.text.mustache:3: unclosed section 'lines'",
		"/en/detailed.html.mustache:1: bad delimiter",
		"/es/vague.html.mustache: missing",
		"/fr/detailed.text.mustache:2: no template 'fr/nope' for "
		    "partial",
		"/signature.html.mustache: missing",
	};
	char name[64];
	size_t i, j;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		snprintf(name, sizeof(name), "en/%s.mustache", parts[i]);
		put(dir, name, "ok\n");
		snprintf(name, sizeof(name), "fr/%s.mustache", parts[i]);
		put(dir, name, "ok\n");
	}
	put(dir, "signature.text.mustache", "sig\n");
	put(dir, "en/vague.text.mustache", "a\nb\n{{#lines}}\n");
	put(dir, "en/detailed.html.mustache", "{{=<% =}}");
	put(dir, "es/vague.text.mustache", "hola\n");
	put(dir, "es/vague.subject.mustache", "hola\n");
	put(dir, "fr/detailed.text.mustache", "x\n{{>fr/nope}}\n");
	put(dir, "README.md", "not a template\n");
	assert_int_equal(templates_load(&t, dir, &errs), -1);
	assert_null(t);
	/* the syntax errors first (nothing else is checked then) */
	for (i = 0; i < 2; i++) {
		int found = 0;

		for (j = 0; j < errs.n; j++)
			found |= strstr(errs.v[j], want[i]) != NULL;
		if (!found) {
			for (j = 0; j < errs.n; j++)
				print_error("%s\n", errs.v[j]);
			fail_msg("'%s' not reported", want[i]);
		}
	}
	strlist_release(&errs);
	/* fixed, the set checks come */
	put(dir, "en/vague.text.mustache", "a\nb\n{{#lines}}{{/lines}}\n");
	put(dir, "en/detailed.html.mustache", "{{=<% %>=}}<%x%>");
	assert_int_equal(templates_load(&t, dir, &errs), -1);
	for (i = 2; i < ARRAY_SIZE(want); i++) {
		int found = 0;

		for (j = 0; j < errs.n; j++)
			found |= strstr(errs.v[j], want[i]) != NULL;
		if (!found) {
			for (j = 0; j < errs.n; j++)
				print_error("%s\n", errs.v[j]);
			fail_msg("'%s' not reported", want[i]);
		}
	}
	strlist_release(&errs);
	assert_int_equal(templates_load(&t, "/nonexistent/templates", &errs),
	    -1);
	assert_true(errs.n >= 1);
	strlist_release(&errs);
	rm_rf(dir);
}

static void
test_signature_per_rep(void **state)
{
	char dir[] = "/tmp/inquiryd-tpl-XXXXXX";
	struct strlist errs = STRLIST_INIT;
	struct templates *t = NULL;
	struct fixture f;
	struct buf subj = BUF_INIT(BUF_CAP_LINE);
	struct buf text = BUF_INIT(BUF_CAP_TEXT);
	struct buf html = BUF_INIT(BUF_CAP_TEXT);
	struct strlist notes = STRLIST_INIT;
	struct err e = ERR_INIT;
	const char *lang;
	size_t i;
	static const char *const parts[] = {
		"vague.subject", "vague.text", "vague.html",
		"detailed.subject", "detailed.text", "detailed.html",
	};
	char name[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		snprintf(name, sizeof(name), "en/%s.mustache", parts[i]);
		put(dir, name, ends_with(parts[i], "text") ?
		    "{{>*partials.signature_text}}" :
		    "{{>*partials.signature_html}}");
	}
	put(dir, "signature.text.mustache", "default sig");
	put(dir, "signature.html.mustache", "default html sig");
	put(dir, "signature-alice-wang.text.mustache", "Alice's own");
	put(dir, "signature-alice-wang.html.mustache", "Alice's own html");
	put(dir, "signature-bob@example-gifts.com.text.mustache", "Bob's");
	put(dir, "signature-bob@example-gifts.com.html.mustache", "Bob's h");
	if (templates_load(&t, dir, &errs)) {
		for (i = 0; i < errs.n; i++)
			print_error("%s\n", errs.v[i]);
		fail();
	}
	fixture(&f, &langs[0], CLASS_VAGUE);
	assert_int_equal(draft_bodies(&f.c, &f.a, t, &f.pm, &f.s, &f.v, &f.ei,
	    &f.o, NULL, NOW, &subj, &text, &html, &lang, &notes, &e), 0);
	assert_string_equal(text.data, "Alice's own");
	buf_reset(&text);
	buf_reset(&html);
	f.a.rep_name = (char *)"Bob Smith";
	f.a.rep_email = (char *)"Bob@Example-Gifts.com";
	assert_int_equal(draft_bodies(&f.c, &f.a, t, &f.pm, &f.s, &f.v, &f.ei,
	    &f.o, NULL, NOW, &subj, &text, &html, &lang, &notes, &e), 0);
	assert_string_equal(text.data, "Bob's");
	buf_reset(&text);
	buf_reset(&html);
	f.a.rep_name = (char *)"Carol";
	f.a.rep_email = (char *)"carol@example-gifts.com";
	assert_int_equal(draft_bodies(&f.c, &f.a, t, &f.pm, &f.s, &f.v, &f.ei,
	    &f.o, NULL, NOW, &subj, &text, &html, &lang, &notes, &e), 0);
	assert_string_equal(text.data, "default sig");
	assert_string_equal(html.data, "default html sig");
	buf_release(&subj);
	buf_release(&text);
	buf_release(&html);
	strlist_release(&notes);
	strlist_release(&errs);
	fixture_release(&f);
	templates_free(t);
	rm_rf(dir);
}

static int
teardown_all(void **state)
{
	remove_tmpdir();
	return teardown(state);
}

int
main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(langs) + 16];
	size_t i, n = 0;
	const struct CMUnitTest more[] = {
		cmocka_unit_test(test_offer_points),
		cmocka_unit_test(test_outline_fields),
		cmocka_unit_test(test_outline_words),
		cmocka_unit_test(test_greeting),
		cmocka_unit_test(test_reply_subject),
		cmocka_unit_test(test_forward_subject),
		cmocka_unit_test(test_file_name),
		cmocka_unit_test(test_every_draft_parses),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_html_injection),
		cmocka_unit_test(test_nulls),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_signature_per_rep),
	};

	for (i = 0; i < ARRAY_SIZE(langs); i++) {
		struct CMUnitTest t = { langs[i].lang, test_golden, NULL, NULL,
			(void *)&langs[i] };

		tests[n++] = t;
	}
	for (i = 0; i < ARRAY_SIZE(more); i++)
		tests[n++] = more[i];
	return _cmocka_run_group_tests("draft", tests, n, setup, teardown_all);
}
