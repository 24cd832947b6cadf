/*
 * test_quote.c - the offer and the quote sheet: quantities as customers
 * write them, titles (with non-ASCII names and companies), salutations
 * never guessed, safe file names, offers for detailed and vague inquiries
 * with missing inputs, the sheet read back with openpyxl (formulas with
 * their cached results, customer text as strings), and I/O errors.
 *
 * Run as "test_quote --write-cases DIR CASE..." it writes the quote of
 * tests/data/quote/NAME.case file given into DIR and prints
 * "name<TAB>path<TAB>title" lines, for tests/fixtures/quote.sh, which
 * converts them with LibreOffice.
 */
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <sys/resource.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "unit.h"

#include "pyread.h"

#include "buf.h"
#include "charset.h"
#include "conf.h"
#include "err.h"
#include "quote.h"


#define DASH " \xE2\x80\x94 "

static struct catalog cat;
static struct conf conf;
static char tmpdir[4096];

/* A message, signature, verdict and enrichment, filled by the tests. */
struct fake {
	struct parsed_msg pm;
	struct sig_result s;
	struct verdict v;
	struct enrich_info ei;
	struct requirement req[16];
	struct suggestion sugg[4];
};

static void
fake_init(struct fake *f, enum iq_class cls)
{
	memset(f, 0, sizeof(*f));
	f->v.cls = cls;
	f->v.req = f->req;
	f->ei.sugg = f->sugg;
	f->ei.free_mail = -1;
}

static void
fake_req(struct fake *f, const char *field, const char *value)
{
	f->req[f->v.nreq].field = (char *)field;
	f->req[f->v.nreq].value = (char *)value;
	f->v.nreq++;
}

static void
fake_release(struct fake *f)
{
	strlist_release(&f->s.f.phones);
}

static int
setup(void **state)
{
	struct strlist errs = STRLIST_INIT;
	int rc;

	(void)state;
	rc = catalog_load(&cat, unit_path("contrib/catalog.csv"), &errs);
	rc |= conf_load(&conf, unit_path("contrib/inquiryd.conf.sample"),
	    &errs);
	strlist_release(&errs);
	snprintf(tmpdir, sizeof(tmpdir), "%s/inquiryd-quote-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return rc || !mkdtemp(tmpdir) ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd[] = { "rm", "-rf", tmpdir, NULL };
	pid_t pid;

	(void)state;
	catalog_release(&cat);
	conf_release(&conf);
	pid = fork();
	if (pid == 0) {
		execvp("rm", cmd);
		_exit(1);
	}
	waitpid(pid, NULL, 0);
	return 0;
}

static void
test_quantities(void **state)
{
	static const struct {
		const char *text;
		enum qty_kind kind;
		long qty;
	} t[] = {
		{ "5,000 pcs", QTY_UNITS, 5000 },
		{ "5000pcs", QTY_UNITS, 5000 },
		{ "5k units", QTY_UNITS, 5000 },
		{ "5K", QTY_UNITS, 5000 },
		{ "1.5k pieces", QTY_UNITS, 1500 },
		{ "2,5k", QTY_UNITS, 2500 },
		{ "10 thousand", QTY_UNITS, 10000 },
		{ "five thousand pieces", QTY_UNITS, 5000 },
		{ "2 x 40HQ", QTY_CONTAINER, 2 },
		{ "2x40'HQ", QTY_CONTAINER, 2 },
		{ "1 \xC3\x97 20GP", QTY_CONTAINER, 1 },
		{ "one 20GP container", QTY_CONTAINER, 1 },
		{ "a 40HQ container", QTY_CONTAINER, 1 },
		{ "3 containers", QTY_CONTAINER, 3 },
		{ "2 FCL", QTY_CONTAINER, 2 },
		{ "500 cartons", QTY_PACKAGES, 500 },
		{ "500 kg", QTY_PACKAGES, 500 },
		{ "1000-2000 pcs", QTY_UNITS, 1000 },
		{ "5-10k pcs", QTY_UNITS, 5000 },
		{ "approx. 3000~5000 pcs per month", QTY_UNITS, 3000 },
		{ "10,000+", QTY_UNITS, 10000 },
		{ "1.000.000 St\xC3\xBC" "ck", QTY_UNITS, 1000000 },
		{ "5.000 Stk.", QTY_UNITS, 5000 },
		/* a no-break space between the groups */
		{ "5\xC2\xA0" "000 pcs", QTY_UNITS, 5000 },
		{ "5 000 pcs", QTY_UNITS, 5000 },
		{ "12 500", QTY_UNITS, 12500 },
		{ "2 x 500 pcs", QTY_UNITS, 500 },
		{ "Quantity: 5000", QTY_UNITS, 5000 },
		{ "10W speaker, 3000 units", QTY_UNITS, 3000 },
		{ "BT-S10 x 500", QTY_UNITS, 500 },
		{ "2024 order of 1500 mugs", QTY_UNITS, 1500 },
		{ "20 pcs", QTY_UNITS, 20 },
		/* 5000个, 5万个 */
		{ "5000\xE4\xB8\xAA", QTY_UNITS, 5000 },
		{ "5\xE4\xB8\x87\xE4\xB8\xAA", QTY_UNITS, 50000 },
		{ "\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90pcs",
		    QTY_UNITS, 2000 },				/* fullwidth */
		{ "3000 \xD1\x88\xD1\x82", QTY_UNITS, 3000 },		/* шт */
		{ "MOQ?", QTY_NONE, 0 },
		{ "as many as possible", QTY_NONE, 0 },
		{ "USD 5000", QTY_NONE, 0 },
		{ "$2.50 per piece", QTY_NONE, 0 },
		{ "delivery in 30 days", QTY_NONE, 0 },
		{ "16GB", QTY_NONE, 0 },
		{ "0 pcs", QTY_NONE, 0 },
		{ "99999999999999 pcs", QTY_NONE, 0 },
		{ "", QTY_NONE, 0 },
		{ NULL, QTY_NONE, 0 },
	};
	size_t i;
	long q;
	enum qty_kind k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		k = quote_parse_qty(t[i].text, &q);
		if (k != t[i].kind || q != t[i].qty)
			fail_msg("'%s': want kind %d qty %ld, got %d %ld",
			    t[i].text ? t[i].text : "(null)", t[i].kind,
			    t[i].qty, k, q);
	}
}

static void
test_companies(void **state)
{
	static const struct {
		const char *in, *want;
	} shortc[] = {
		{ "ACME Trading Co., Ltd.", "ACME Trading" },
		{ "Acme Trading Ltd", "Acme Trading" },
		{ "M\xC3\xBCller Handels GmbH & Co. KG",
		    "M\xC3\xBCller Handels" },
		{ "Smith & Sons Limited", "Smith & Sons" },
		{ "PT Maju Jaya", "Maju Jaya" },
		/* ООО «Ромашка» */
		{ "\xD0\x9E\xD0\x9E\xD0\x9E \xC2\xAB\xD0\xA0\xD0\xBE\xD0\xBC"
		    "\xD0\xB0\xD1\x88\xD0\xBA\xD0\xB0\xC2\xBB",
		    "\xD0\xA0\xD0\xBE\xD0\xBC\xD0\xB0\xD1\x88\xD0\xBA\xD0\xB0" },
		/* 深圳市星光贸易有限公司 */
		{ "\xE6\xB7\xB1\xE5\x9C\xB3\xE5\xB8\x82\xE6\x98\x9F\xE5\x85\x89"
		    "\xE8\xB4\xB8\xE6\x98\x93\xE6\x9C\x89\xE9\x99\x90\xE5\x85\xAC"
		    "\xE5\x8F\xB8",
		    "\xE6\xB7\xB1\xE5\x9C\xB3\xE5\xB8\x82\xE6\x98\x9F\xE5\x85\x89"
		    "\xE8\xB4\xB8\xE6\x98\x93" },
		{ "Acme", "Acme" },
		{ "Ltd", "Ltd" },
		{ "  Acme\n\tImports  Inc. ", "Acme Imports" },
	}, domains[] = {
		{ "acme-trading.com", "acme trading" },
		{ "mail.acme.co.uk", "acme" },
		{ "shop.example.com.au", "example" },
		{ "m\xC3\xBCller.de", "m\xC3\xBCller" },
		{ "gmail.com", NULL },
		{ "yahoo.co.uk", NULL },
		{ "qq.com", NULL },
		{ "localhost", NULL },
		{ "", NULL },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(shortc); i++) {
		s = quote_short_company(shortc[i].in);
		assert_string_equal(s, shortc[i].want);
		free(s);
	}
	for (i = 0; i < ARRAY_SIZE(domains); i++) {
		s = quote_domain_company(domains[i].in);
		if (!domains[i].want)
			assert_null(s);
		else
			assert_string_equal(s ? s : "(null)", domains[i].want);
		free(s);
	}
}

static void
test_people(void **state)
{
	static const struct {
		const char *name, *stated;
		const char *title, *surname, *full;
	} t[] = {
		{ "John Jick", "Mr", "Mr", "Jick", "John Jick" },
		{ "John Jick", NULL, NULL, "Jick", "John Jick" },
		{ "Mr. John Jick", NULL, "Mr", "Jick", "John Jick" },
		{ "Dr Anna Weber", NULL, "Dr", "Weber", "Anna Weber" },
		{ "Frau Anna Weber", NULL, "Ms", "Weber", "Anna Weber" },
		{ "Anna Weber", "mrs.", "Mrs", "Weber", "Anna Weber" },
		{ "JOHN JICK", NULL, NULL, "Jick", "John Jick" },
		{ "WANG Wei", "Mr", "Mr", "Wang", "WANG Wei" },
		{ "Jean DUPONT", NULL, NULL, "Dupont", "Jean DUPONT" },
		{ "Ludwig van Beethoven", "Mr", "Mr", "van Beethoven",
		    "Ludwig van Beethoven" },
		{ "Smith, John", NULL, NULL, "Smith", "John Smith" },
		{ "John Smith, Purchasing Manager", "Mr", "Mr", "Smith",
		    "John Smith" },
		{ "John Smith (Purchasing)", NULL, NULL, "Smith",
		    "John Smith" },
		{ "Jos\xC3\xA9 Garc\xC3\xAD" "a Jr.", NULL, NULL,
		    "Garc\xC3\xAD" "a", "Jos\xC3\xA9 Garc\xC3\xAD" "a" },
		/* Иван Иванов */
		{ "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD \xD0\x98\xD0\xB2\xD0\xB0"
		    "\xD0\xBD\xD0\xBE\xD0\xB2", "Mr", "Mr",
		    "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD\xD0\xBE\xD0\xB2",
		    "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD \xD0\x98\xD0\xB2\xD0\xB0"
		    "\xD0\xBD\xD0\xBE\xD0\xB2" },
		/* 王伟, 王先生 */
		{ "\xE7\x8E\x8B\xE4\xBC\x9F", "Mr", "Mr", "\xE7\x8E\x8B",
		    "\xE7\x8E\x8B\xE4\xBC\x9F" },
		{ "\xE7\x8E\x8B\xE5\x85\x88\xE7\x94\x9F", NULL, "Mr",
		    "\xE7\x8E\x8B", "\xE7\x8E\x8B" },
		{ "Anna", "Ms", "Ms", "Anna", "Anna" },
		{ "Maria Rossi", "Mx", NULL, "Rossi", "Maria Rossi" },
		{ "Sales Department", "Mr", NULL, NULL, NULL },
		{ "Purchasing Team", NULL, NULL, NULL, NULL },
		{ "info@acme.com", NULL, NULL, NULL, NULL },
		{ NULL, "Mr", NULL, NULL, NULL },
		{ "   ", NULL, NULL, NULL, NULL },
	};
	size_t i;
	char *title, *surname, *full;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		quote_person(t[i].name, t[i].stated, &title, &surname, &full);
#define SAME(got, want) \
	do { \
		if ((got == NULL) != (want == NULL) || \
		    (got && strcmp(got, want))) \
			fail_msg("'%s': %s is '%s', want '%s'", \
			    t[i].name ? t[i].name : "(null)", #got, \
			    got ? got : "(null)", want ? want : "(null)"); \
	} while (0)
		SAME(title, t[i].title);
		SAME(surname, t[i].surname);
		SAME(full, t[i].full);
#undef SAME
		free(title);
		free(surname);
		free(full);
	}
}

static void
test_titles(void **state)
{
	static const struct {
		const char *company, *product, *title, *surname, *full;
		const char *want;
	} t[] = {
		{ "Acme Trading", "Speaker", "Mr", "Jick", "John Jick",
		    "ACME TRADING SPEAKER QUOTATION FOR MR JICK" },
		{ "Acme Trading", "Speaker", NULL, "Jick", "John Jick",
		    "ACME TRADING SPEAKER QUOTATION FOR JOHN JICK" },
		{ "Acme Trading", "Speaker", NULL, NULL, NULL,
		    "ACME TRADING SPEAKER QUOTATION" },
		{ NULL, "Power Bank", "Ms", "Weber", "Anna Weber",
		    "POWER BANK QUOTATION FOR MS WEBER" },
		{ "Acme", NULL, NULL, NULL, NULL, "ACME QUOTATION" },
		{ "M\xC3\xBCller Handels", "Umbrella", "Mr", "M\xC3\xBCller",
		    NULL, "M\xC3\x9CLLER HANDELS UMBRELLA QUOTATION FOR MR "
		    "M\xC3\x9CLLER" },
		{ "Stra\xC3\x9F" "enbau", "Mug", NULL, NULL, NULL,
		    "STRASSENBAU MUG QUOTATION" },
		/* Ромашка, Иванов */
		{ "\xD0\xA0\xD0\xBE\xD0\xBC\xD0\xB0\xD1\x88\xD0\xBA\xD0\xB0",
		    "Speaker", "Mr",
		    "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD\xD0\xBE\xD0\xB2", NULL,
		    "\xD0\xA0\xD0\x9E\xD0\x9C\xD0\x90\xD0\xA8\xD0\x9A\xD0\x90 "
		    "SPEAKER QUOTATION FOR MR "
		    "\xD0\x98\xD0\x92\xD0\x90\xD0\x9D\xD0\x9E\xD0\x92" },
		/* 深圳贸易, 王 */
		{ "\xE6\xB7\xB1\xE5\x9C\xB3\xE8\xB4\xB8\xE6\x98\x93", "Mug",
		    "Mr", "\xE7\x8E\x8B", NULL,
		    "\xE6\xB7\xB1\xE5\x9C\xB3\xE8\xB4\xB8\xE6\x98\x93 MUG "
		    "QUOTATION FOR MR \xE7\x8E\x8B" },
		{ "Acme\n\r\tTrading", "Speaker & Power Bank", NULL, NULL,
		    "  jick  ", "ACME TRADING SPEAKER & POWER BANK QUOTATION "
		    "FOR JICK" },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		s = quote_make_title(t[i].company, t[i].product, t[i].title,
		    t[i].surname, t[i].full);
		assert_string_equal(s, t[i].want);
		free(s);
	}
	/* A very long company name is cut, with an ellipsis. */
	s = quote_make_title("A Company Name That Goes On And On And On And "
	    "On Without Any End In Sight At All", "Mug", NULL, NULL, NULL);
	assert_non_null(strstr(s, "\xE2\x80\xA6 MUG QUOTATION"));
	free(s);
}

static void
test_safe_names(void **state)
{
	static const struct {
		const char *title, *want;
	} t[] = {
		{ "ACME TRADING SPEAKER QUOTATION FOR MR JICK",
		    "ACME_TRADING_SPEAKER_QUOTATION_FOR_MR_JICK" },
		{ "M\xC3\x9CLLER HANDELS UMBRELLA QUOTATION",
		    "MULLER_HANDELS_UMBRELLA_QUOTATION" },
		{ "\xC5\x81\xC3\x93\x44\xC5\xB9 MUG QUOTATION",	/* ŁÓDŹ */
		    "LODZ_MUG_QUOTATION" },
		{ "\xD0\xA0\xD0\x9E\xD0\x9C\xD0\x90\xD0\xA8\xD0\x9A\xD0\x90 "
		    "SPEAKER QUOTATION", "ROMASHKA_SPEAKER_QUOTATION" },
		{ "\xE6\xB7\xB1\xE5\x9C\xB3\xE8\xB4\xB8\xE6\x98\x93 MUG "
		    "QUOTATION FOR MR \xE7\x8E\x8B", "\xE6\xB7\xB1\xE5\x9C\xB3"
		    "\xE8\xB4\xB8\xE6\x98\x93_MUG_QUOTATION_FOR_MR_\xE7\x8E\x8B" },
		/* 深圳／贸易。: full-width solidus and stop are no letters */
		{ "\xE6\xB7\xB1\xE5\x9C\xB3\xEF\xBC\x8F\xE8\xB4\xB8\xE6"
		    "\x98\x93\xE3\x80\x82", "\xE6\xB7\xB1\xE5\x9C\xB3_\xE8"
		    "\xB4\xB8\xE6\x98\x93" },
		{ "\xE2\x80\xAE\xE2\x80\x8B SPEAKER", "SPEAKER" },
		{ "SPEAKER QUOTATION FOR", "SPEAKER_QUOTATION" },
		{ "FOR", "FOR" },
		{ "../../etc/passwd", "etc_passwd" },
		{ "=HYPERLINK(\"http://x\",\"y\") SPEAKER QUOTATION",
		    "HYPERLINK_http_x_y_SPEAKER_QUOTATION" },
		{ "--rm -rf / QUOTATION", "rm_-rf_QUOTATION" },
		{ "a\\b:c*d?e\"f<g>h|i", "a_b_c_d_e_f_g_h_i" },
		{ "", "QUOTATION" },
		{ NULL, "QUOTATION" },
		{ "\xE4\xB8\xAD\xE6\x96\x87", "\xE4\xB8\xAD\xE6\x96\x87" },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		s = quote_safe_name(t[i].title, 80);
		assert_string_equal(s, t[i].want);
		free(s);
	}
	s = quote_safe_name("ALPHA BRAVO CHARLIE DELTA ECHO FOXTROT GOLF "
	    "HOTEL INDIA JULIETT KILO LIMA MIKE NOVEMBER OSCAR", 40);
	assert_true(strlen(s) <= 40);
	assert_string_equal(s, "ALPHA_BRAVO_CHARLIE_DELTA_ECHO_FOXTROT");
	free(s);
	/* 30 Chinese letters, 90 bytes, cut on a character at 40 bytes. */
	s = quote_safe_name("\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD"
	    "\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD"
	    "\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD"
	    "\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD"
	    "\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD"
	    "\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD\xE4\xB8\xAD"
	    "\xE4\xB8\xAD\xE4\xB8\xAD", 40);
	assert_int_equal(strlen(s), 39);
	assert_true(charset_utf8_valid(s, strlen(s)));
	free(s);
}

static int
has_note(const struct offer *o, const char *prefix)
{
	size_t i;

	for (i = 0; i < o->to_confirm.n; i++)
		if (starts_with(o->to_confirm.v[i], prefix))
			return 1;
	return 0;
}

/* Is there a commercial term to agree starting with prefix? */
static int
has_agree(const struct offer *o, const char *prefix)
{
	size_t i;

	for (i = 0; i < o->to_agree.n; i++)
		if (starts_with(o->to_agree.v[i], prefix))
			return 1;
	return 0;
}

static void
dump_offer(const struct offer *o)
{
	size_t i;

	print_error("title: %s\n", o->title);
	for (i = 0; i < o->nitems; i++)
		print_error("item: %s %ld %.2f\n", o->items[i].p->sku,
		    o->items[i].qty, o->items[i].unit_price);
	for (i = 0; i < o->to_confirm.n; i++)
		print_error("confirm: %s\n", o->to_confirm.v[i]);
}

static void
test_offer_detailed(void **state)
{
	struct fake f;
	struct offer o;

	(void)state;
	fake_init(&f, CLASS_DETAILED);
	f.pm.from.addr = "jick@acme-trading.co.uk";
	f.pm.from.name = "J. Jick";
	f.s.f.company = "ACME Trading Co., Ltd.";
	f.s.f.name = "John Jick";
	f.s.f.salutation = "Mr";
	f.s.f.country = "GB";
	strlist_push(&f.s.f.phones, "+44 20 7946 0000");
	fake_req(&f, "product", "Waterproof bluetooth speakers");
	fake_req(&f, "quantity", "5,000 pcs");
	fake_req(&f, "certification", "CE, FCC and UL");
	fake_req(&f, "packaging", "color gift box");
	fake_req(&f, "incoterm", "CIF Hamburg");
	fake_req(&f, "payment", "L/C at sight");
	fake_req(&f, "logo", "our logo printed");
	fake_req(&f, "material", "IPX7");
	fake_req(&f, "delivery", "within 45 days");
	fake_req(&f, "market", "for the UK market");
	fake_req(&f, "currency", "USD");
	fake_req(&f, "samples", "2 free samples");
	offer_build(&conf, &cat, &f.pm, &f.s, &f.v, &f.ei, 42, 1764180000,
	    &o);
	assert_string_equal(o.title,
	    "ACME TRADING SPEAKER QUOTATION FOR MR JICK");
	assert_string_equal(o.number, "Q-20251126-0042");
	assert_string_equal(o.salutation, "Mr Jick");
	assert_string_equal(o.customer_name, "John Jick");
	assert_string_equal(o.customer_company, "ACME Trading Co., Ltd.");
	assert_string_equal(o.customer_phone, "+44 20 7946 0000");
	assert_string_equal(o.incoterm, "FOB Shenzhen");
	assert_string_equal(o.currency, "USD");
	assert_int_equal(o.validity_days, 30);
	assert_int_equal(o.nitems, 1);
	assert_string_equal(o.items[0].p->sku, "BT-S20");
	assert_int_equal(o.items[0].qty, 5000);
	assert_true(o.items[0].unit_price == 9.40);
	assert_false(o.items[0].to_confirm);
	assert_string_equal(o.categories.v[0], "Speakers");
	/* written for the customer: their field's name, their words */
	/* their commercial terms are the rep's to agree, not production's */
	if (!has_note(&o, "Certification: UL" DASH "to confirm with production")
	    || !has_agree(&o, "Incoterm: CIF Hamburg" DASH "to agree") ||
	    !has_agree(&o, "Payment: L/C at sight" DASH) ||
	    has_note(&o, "Incoterm") || has_note(&o, "Payment") ||
	    !has_note(&o, "Logo / customisation: our logo printed" DASH) ||
	    !has_note(&o, "Samples: 2 free samples" DASH) ||
	    has_note(&o, "Packaging") || has_note(&o, "Material") ||
	    has_note(&o, "Quantity") || has_note(&o, "Delivery") ||
	    has_note(&o, "Market") || has_note(&o, "Currency") ||
	    o.to_confirm.n != 3 || o.to_agree.n != 2) {
		dump_offer(&o);
		fail();
	}
	/* one verdict per point of their outline, the draft's to read */
	{
		static const enum point_state want[] = {
			POINT_ANSWERED, POINT_ANSWERED, POINT_CONFIRM,
			POINT_ANSWERED, POINT_AGREE, POINT_AGREE,
			POINT_CONFIRM, POINT_ANSWERED, POINT_ANSWERED,
			POINT_HIDDEN, POINT_ANSWERED, POINT_CONFIRM,
		};
		size_t i;

		assert_int_equal(o.npoints, f.v.nreq);
		assert_int_equal(o.npoints, ARRAY_SIZE(want));
		for (i = 0; i < o.npoints; i++) {
			if (o.points[i].state != want[i])
				fail_msg("point %zu (%s): %d, not %d", i,
				    f.v.req[i].field, o.points[i].state,
				    want[i]);
			assert_true((o.points[i].note != NULL) ==
			    (want[i] == POINT_CONFIRM || want[i] ==
			    POINT_AGREE));
		}
		assert_true(starts_with(o.points[2].note, "Certification: UL"));
	}
	offer_release(&o);
	fake_release(&f);
}

/* No port of ours configured: their FOB place becomes ours, and their
 * port, the same place, is answered, not a term to agree. */
static void
test_offer_no_port(void **state)
{
	struct fake f;
	struct offer o;
	char *port = conf.port;

	(void)state;
	conf.port = NULL;
	fake_init(&f, CLASS_DETAILED);
	fake_req(&f, "product", "BT-S10");
	fake_req(&f, "quantity", "500 pcs");
	fake_req(&f, "incoterm", "FOB \xE6\xB7\xB1\xE5\x9C\xB3");	/* 深圳 */
	fake_req(&f, "port", "\xE6\xB7\xB1\xE5\x9C\xB3");
	offer_build(&conf, &cat, NULL, NULL, &f.v, NULL, 1, 1764180000, &o);
	conf.port = port;
	if (!o.incoterm || strcmp(o.incoterm, "FOB \xE6\xB7\xB1\xE5\x9C\xB3") ||
	    o.to_agree.n || o.to_confirm.n) {
		dump_offer(&o);
		fail();
	}
	offer_release(&o);
}

/* A spec table in their text: one item per row, at the row's quantity. */
static void
test_offer_table(void **state)
{
	static const struct {
		const char *text;
		const char *qty;	/* a quantity asked, or NULL */
		size_t n;		/* items */
		long q0, q1;		/* their quantities */
	} shapes[] = {
		{ "Item             Qty\n"
		  "Tote bag         1000 pcs\n"
		  "Metal pen        2000 pcs", NULL, 2, 1000, 2000 },
		{ "| Item | Qty |\n|---|---|\n"
		  "| Tote bag | 1000 pcs |\n| Metal pen | 2000 pcs |\n", NULL,
		  2, 1000, 2000 },
		{ "Tote bag\t1000 pcs\nMetal pen\t2000 pcs\n", NULL, 2, 1000,
		  2000 },
		{ "Item | Qty\nTote bag | 1000 pcs\n", "1000 pcs", 1, 1000, 0 },
	};
	struct fake f;
	struct offer o;
	size_t i;

	(void)state;
	/* As html_to_text writes a table: a header, then rows. */
	fake_init(&f, CLASS_DETAILED);
	fake_req(&f, "product", "tote bags");
	fake_req(&f, "quantity", "3,000 pcs");
	fake_req(&f, "quantity", "50 pcs");
	f.s.visible_text = "Please quote:\n\nItem | Size | Qty\n"
	    "Tote bag | 38 x 42 cm | 3,000 pcs\n"
	    "Tote bag with gusset | 40 x 35 x 10 cm | 50 pcs\n"
	    "Metal ballpoint pen | blue ink | 10,000 pcs\n\nThanks";
	offer_build(&conf, &cat, NULL, &f.s, &f.v, NULL, 1, 1764180000, &o);
	if (o.nitems != 3 || strcmp(o.items[0].p->sku, "BG-CV12") ||
	    o.items[0].qty != 3000 || strcmp(o.items[1].p->sku, "BG-CV12") ||
	    o.items[1].qty != 100 || strcmp(o.items[2].p->sku, "PN-MT") ||
	    o.items[2].qty != 10000 || o.items[2].unit_price != 0.30 ||
	    !o.items[1].their_item ||
	    strcmp(o.items[1].their_item, "Tote bag with gusset") ||
	    !has_note(&o, "Specification: Tote bag with gusset (BG-CV12): "
	    "40 x 35 x 10 cm" DASH) ||
	    !has_note(&o, "Quantity: 50 pcs (below our MOQ of 100 pcs for "
	    "BG-CV12)" DASH)) {
		dump_offer(&o);
		fail();
	}
	offer_release(&o);

	/*
	 * The other shapes: columns aligned with blanks (the table ends the
	 * text), Markdown, tab-separated cells without a header.  A header
	 * and one row is no table: the quantity asked is quoted, with
	 * nothing to confirm.
	 */
	for (i = 0; i < ARRAY_SIZE(shapes); i++) {
		fake_init(&f, CLASS_DETAILED);
		fake_req(&f, "product", "tote bags");
		if (shapes[i].qty)
			fake_req(&f, "quantity", shapes[i].qty);
		f.s.visible_text = (char *)shapes[i].text;
		offer_build(&conf, &cat, NULL, &f.s, &f.v, NULL, 1, 1764180000,
		    &o);
		if (o.nitems != shapes[i].n || o.items[0].qty != shapes[i].q0 ||
		    (shapes[i].n > 1 && (o.items[1].qty != shapes[i].q1 ||
		    strcmp(o.items[1].p->sku, "PN-MT"))) ||
		    (shapes[i].n == 1 && o.to_confirm.n)) {
			print_error("shape %zu\n", i);
			dump_offer(&o);
			fail();
		}
		offer_release(&o);
	}
}

static void
test_offer_pairs_and_moq(void **state)
{
	struct fake f;
	struct offer o;

	(void)state;
	/* Two products, two quantities, paired in order. */
	fake_init(&f, CLASS_DETAILED);
	fake_req(&f, "product", "bluetooth speakers");
	fake_req(&f, "quantity", "1000 pcs");
	fake_req(&f, "product", "tote bags");
	fake_req(&f, "quantity", "10k");
	offer_build(&conf, &cat, NULL, NULL, &f.v, NULL, 1, 1764180000, &o);
	if (o.nitems != 2 || strcmp(o.items[0].p->sku, "BT-S10") ||
	    o.items[0].qty != 1000 || o.items[0].unit_price != 5.20 ||
	    strcmp(o.items[1].p->sku, "BG-CV12") || o.items[1].qty != 10000 ||
	    o.items[1].unit_price != 0.98 || o.to_confirm.n) {
		dump_offer(&o);
		fail();
	}
	assert_string_equal(o.title, "SPEAKER & BAG QUOTATION");
	offer_release(&o);

	/* A table restated under "spec", a packing quantity, a spec code
	 * we do not list is to confirm; a later, larger quantity is one;
	 * "waterproof" asked of a speaker that is not is to confirm. */
	fake_init(&f, CLASS_DETAILED);
	fake_req(&f, "product", "portable Bluetooth speaker, 5W, waterproof");
	fake_req(&f, "model", "IPX5");
	fake_req(&f, "quantity", "5,000 pcs");
	fake_req(&f, "quantity", "40 pcs");
	fake_req(&f, "quantity", "20,000 pcs per year");
	fake_req(&f, "spec", "Quantity: 5,000 pcs");
	fake_req(&f, "spec", "Product: portable Bluetooth speaker, 5W, "
	    "waterproof");
	offer_build(&conf, &cat, NULL, NULL, &f.v, NULL, 1, 1764180000, &o);
	if (o.nitems != 1 || o.items[0].qty != 5000 || o.to_confirm.n != 3 ||
	    !has_note(&o, "Product: portable Bluetooth speaker, 5W, "
	    "waterproof (not in the specification of BT-S10: waterproof)"
	    DASH) || !has_note(&o, "Model: IPX5" DASH) ||
	    !has_note(&o, "Quantity: 20,000 pcs per year" DASH)) {
		dump_offer(&o);
		fail();
	}
	offer_release(&o);

	/* A Chinese outline: the product twice, our port in Chinese, our
	 * payment behind a label, a spec written with a space. */
	fake_init(&f, CLASS_DETAILED);
	/* 询价：蓝牙音箱 10000个, 采购蓝牙音箱10000个 */
	fake_req(&f, "product", "\xE8\xAF\xA2\xE4\xBB\xB7\xEF\xBC\x9A"
	    "\xE8\x93\x9D\xE7\x89\x99\xE9\x9F\xB3\xE7\xAE\xB1 10000"
	    "\xE4\xB8\xAA");
	fake_req(&f, "product", "\xE9\x87\x87\xE8\xB4\xAD\xE8\x93\x9D"
	    "\xE7\x89\x99\xE9\x9F\xB3\xE7\xAE\xB1" "10000\xE4\xB8\xAA");
	fake_req(&f, "quantity", "10000\xE4\xB8\xAA");
	fake_req(&f, "incoterm", "FOB");
	fake_req(&f, "port", "\xE6\xB7\xB1\xE5\x9C\xB3");	/* 深圳 */
	/* 付款方式：T/T */
	fake_req(&f, "payment", "\xE4\xBB\x98\xE6\xAC\xBE\xE6\x96\xB9"
	    "\xE5\xBC\x8F\xEF\xBC\x9AT/T");
	fake_req(&f, "spec", "5 W");
	offer_build(&conf, &cat, NULL, NULL, &f.v, NULL, 1, 1764180000, &o);
	if (o.nitems != 1 || o.items[0].qty != 10000 || o.to_confirm.n) {
		dump_offer(&o);
		fail();
	}
	offer_release(&o);

	/* A second order is a note, a packing quantity is not. */
	fake_init(&f, CLASS_DETAILED);
	fake_req(&f, "product", "tote bags");
	fake_req(&f, "quantity", "3,000 pcs");
	fake_req(&f, "quantity", "2,000 pcs");
	fake_req(&f, "quantity", "50 pcs");
	fake_req(&f, "quantity", "1.20 per piece");
	offer_build(&conf, &cat, NULL, NULL, &f.v, NULL, 1, 1764180000, &o);
	if (o.to_confirm.n != 1 || !has_note(&o, "Quantity: 2,000 pcs" DASH)) {
		dump_offer(&o);
		fail();
	}
	offer_release(&o);

	/* Payment in our terms is answered, other terms are not. */
	fake_init(&f, CLASS_DETAILED);
	fake_req(&f, "product", "BT-S10");
	fake_req(&f, "quantity", "500 pcs");
	fake_req(&f, "payment", "T/T, 30% deposit");
	fake_req(&f, "payment_terms", "PayPal");
	offer_build(&conf, &cat, NULL, NULL, &f.v, NULL, 1, 1764180000, &o);
	assert_int_equal(o.to_confirm.n, 0);
	assert_int_equal(o.to_agree.n, 1);
	assert_true(has_agree(&o, "Payment terms: PayPal" DASH "to agree"));
	offer_release(&o);

	/* Below the MOQ; a container; no quantity at all. */
	fake_init(&f, CLASS_DETAILED);
	fake_req(&f, "product", "non-woven bags");
	fake_req(&f, "quantity", "200 pcs");
	offer_build(&conf, &cat, NULL, NULL, &f.v, NULL, 1, 1764180000, &o);
	assert_int_equal(o.nitems, 1);
	assert_int_equal(o.items[0].qty, 1000);
	assert_true(o.items[0].to_confirm);
	assert_string_equal(o.items[0].note, "Quantity: 200 pcs (below our "
	    "MOQ of 1000 pcs for BG-NW80)" DASH "to confirm with production");
	assert_string_equal(o.to_confirm.v[0], o.items[0].note);
	offer_release(&o);

	fake_init(&f, CLASS_DETAILED);
	fake_req(&f, "product", "BT-S10");
	fake_req(&f, "quantity", "1 x 40HQ");
	offer_build(&conf, &cat, NULL, NULL, &f.v, NULL, 1, 1764180000, &o);
	assert_int_equal(o.items[0].qty, 100);
	assert_true(o.items[0].unit_price == 6.80);
	assert_true(has_note(&o, "Quantity: 1 x 40HQ (quoted at the MOQ of "
	    "100 pcs for BT-S10)"));
	offer_release(&o);

	fake_init(&f, CLASS_DETAILED);
	fake_req(&f, "product", "golf umbrella");
	offer_build(&conf, &cat, NULL, NULL, &f.v, NULL, 1, 1764180000, &o);
	assert_string_equal(o.items[0].p->sku, "UM-G30");
	assert_int_equal(o.items[0].qty, 100);
	assert_true(has_note(&o, "Quantity: not stated (quoted at the MOQ of "
	    "100 pcs for UM-G30)"));
	assert_string_equal(o.product_label, "UMBRELLA");
	offer_release(&o);
}

static void
test_offer_unmatched_and_subject(void **state)
{
	struct fake f;
	struct offer o;

	(void)state;
	fake_init(&f, CLASS_DETAILED);
	f.pm.from.addr = "buyer@gmail.com";
	f.pm.from.name = "Anna Weber";
	f.ei.free_mail = 1;
	fake_req(&f, "product", "solar panels");
	fake_req(&f, "quantity", "200 pcs");
	offer_build(&conf, &cat, &f.pm, NULL, &f.v, &f.ei, 7, 1764180000, &o);
	assert_int_equal(o.nitems, 0);
	assert_true(has_note(&o, "Product: solar panels" DASH));
	assert_true(o.categories.n > 0);	/* lines we can offer */
	assert_string_equal(o.title, "SOLAR PANEL QUOTATION FOR ANNA WEBER");
	assert_null(o.customer_company);
	offer_release(&o);

	/* No product in the outline: the subject names it. */
	fake_init(&f, CLASS_DETAILED);
	f.pm.subject = "RFQ: 10000 lanyards with our logo";
	f.pm.from.addr = "a@acme-trading.com";
	fake_req(&f, "quantity", "10000 pcs");
	offer_build(&conf, &cat, &f.pm, NULL, &f.v, NULL, 7, 1764180000, &o);
	assert_int_equal(o.nitems, 1);
	assert_string_equal(o.items[0].p->sku, "LY-20");
	assert_true(o.items[0].unit_price == 0.24);
	assert_string_equal(o.title, "ACME TRADING LANYARD QUOTATION");
	assert_string_equal(o.company_source, "domain");
	offer_release(&o);
}

static void
test_offer_vague(void **state)
{
	struct fake f;
	struct offer o;
	size_t i;

	(void)state;
	/* Their business points to two of our lines. */
	fake_init(&f, CLASS_VAGUE);
	f.ei.site_name = "Acme Store";
	f.ei.nsugg = 2;
	f.sugg[0].category = "drinkware";
	f.sugg[1].category = "Bags";
	f.pm.from.addr = "hello@acmestore.com";
	f.pm.from.name = "Sales Team";
	offer_build(&conf, &cat, &f.pm, NULL, &f.v, &f.ei, 3, 1764180000, &o);
	assert_int_equal(o.categories.n, 2);
	assert_string_equal(o.categories.v[0], "Drinkware");
	assert_string_equal(o.categories.v[1], "Bags");
	assert_int_equal(o.nitems, 3);
	for (i = 0; i < o.nitems; i++) {
		assert_true(o.items[i].p->best_seller);
		assert_int_equal(o.items[i].qty, o.items[i].p->moq);
	}
	assert_string_equal(o.title, "ACME STORE DRINKWARE & BAG QUOTATION");
	assert_null(o.salutation);
	assert_int_equal(o.to_confirm.n, 0);
	offer_release(&o);

	/* Nothing known at all: the catalog's best-selling lines. */
	offer_build(&conf, &cat, NULL, NULL, NULL, NULL, 0, 1764180000, &o);
	assert_int_equal(o.cls, CLASS_VAGUE);
	assert_int_equal(o.categories.n, 3);
	assert_string_equal(o.categories.v[0], "Power Banks");
	assert_int_equal(o.nitems, 6);
	assert_string_equal(o.title, "BEST SELLERS QUOTATION");
	assert_string_equal(o.number, "Q-20251126-0000");
	offer_release(&o);

	/* A vague inquiry that names a product gets that line first. */
	fake_init(&f, CLASS_VAGUE);
	fake_req(&f, "product", "umbrellas");
	f.s.f.name = "Mr. Tom Baker";
	offer_build(&conf, &cat, NULL, &f.s, &f.v, NULL, 3, 1764180000, &o);
	assert_string_equal(o.categories.v[0], "Umbrellas");
	assert_string_equal(o.title, "UMBRELLA QUOTATION FOR MR BAKER");
	offer_release(&o);
}

/* Every file name in dir, for checks that nothing else was left. */
static size_t
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void
build_detailed(struct fake *f, struct offer *o, const char *company,
    const char *name)
{
	fake_init(f, CLASS_DETAILED);
	f->s.f.company = (char *)company;
	f->s.f.name = (char *)name;
	f->s.f.salutation = "Mr";
	fake_req(f, "product", "BT-S10");
	fake_req(f, "quantity", "5,000 pcs");
	fake_req(f, "product", "PB-10K");
	fake_req(f, "quantity", "1200 pcs");
	fake_req(f, "certification", "UL");
	offer_build(&conf, &cat, &f->pm, &f->s, &f->v, NULL, 9, 1764180000,
	    o);
}

static void
test_write(void **state)
{
	struct fake f;
	struct offer o;
	struct err e = ERR_INIT;
	char *dir = xasprintf("%s/write", tmpdir), *p1, *p2, *out;
	char real[PATH_MAX], rdir[PATH_MAX];
	const char *line;
	int rc;

	(void)state;
	build_detailed(&f, &o, "ACME Trading Co., Ltd.", "John Jick");
	assert_int_equal(quote_write(&conf, &o, dir, &p1, &e), 0);
	assert_int_equal(quote_write(&conf, &o, dir, &p2, &e), 0);
	assert_true(ends_with(p1, "/ACME_TRADING_SPEAKER_POWER_BANK_QUOTATION_"
	    "FOR_MR_JICK.xlsx"));
	assert_true(ends_with(p2, "/ACME_TRADING_SPEAKER_POWER_BANK_QUOTATION_"
	    "FOR_MR_JICK-2.xlsx"));
	assert_int_equal(count_files(dir), 2);	/* no temporary left */
	assert_non_null(realpath(p1, real));
	assert_non_null(realpath(dir, rdir));
	assert_true(starts_with(real, rdir));
	if (!py_have_openpyxl()) {
		offer_release(&o);
		free(p1);
		free(p2);
		free(dir);
		skip();
	}
	rc = py_run(py_dump, p1, NULL, &out);
	if (rc)
		fail_msg("python3 failed (%d):\n%s", rc, out ? out : "");
	if (getenv("QUOTE_TEST_DUMP")) {
		FILE *df = fopen(getenv("QUOTE_TEST_DUMP"), "w");

		if (df) {
			fputs(out, df);
			fclose(df);
		}
	}
	assert_non_null(py_line(out, "Quotation!A1\ts\tACME TRADING SPEAKER & "
	    "POWER BANK QUOTATION FOR MR JICK"));
	/* The item table: header row, two items, total. */
	line = py_line(out, "freeze Quotation ");
	assert_non_null(line);
	{
		unsigned hdr;
		char ref[16], *want;

		assert_int_equal(sscanf(line, "freeze Quotation A%u", &hdr), 1);
		hdr -= 1;	/* the frozen row is below the header */
		/* No photo column: No, Model, Description, MOQ, Quantity,
		 * Unit, Unit price, Amount, Lead time: amount is H. */
		want = xasprintf("Quotation!H%u\tf\t=E%u*G%u", hdr + 1,
		    hdr + 1, hdr + 1);
		assert_non_null(py_line(out, want));
		free(want);
		want = xasprintf("cached Quotation!H%u\t23000", hdr + 1);
		assert_non_null(py_line(out, want));	/* 5000 x 4.60 */
		free(want);
		want = xasprintf("cached Quotation!H%u\t10680", hdr + 2);
		assert_non_null(py_line(out, want));	/* 1200 x 8.90 */
		free(want);
		want = xasprintf("Quotation!H%u\tf\t=SUM(H%u:H%u)", hdr + 3,
		    hdr + 1, hdr + 2);
		assert_non_null(py_line(out, want));
		free(want);
		want = xasprintf("cached Quotation!H%u\t33680", hdr + 3);
		assert_non_null(py_line(out, want));
		free(want);
		(void)ref;
	}
	assert_non_null(py_line(out, "paper Quotation 9 1 0 True portrait"));
	assert_non_null(strstr(out, "\ts\t\xE2\x80\xA2 Certification: UL"
	    DASH));
	free(out);
	offer_release(&o);
	fake_release(&f);
	free(p1);
	free(p2);
	free(dir);
}

/* Customer text that looks like a formula stays a string; the only
 * formulas are ours: amounts and the total. */
static void
test_injection(void **state)
{
	static const char csv[] =
	    "sku,name,category,prices,spec,lead_time,packaging\n"
	    "=1+1,+cmd|' /C calc'!A0,Hostile,100:2.5,@SUM(1),-2+3,"
	    "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n";
	struct catalog hcat;
	struct strlist errs = STRLIST_INIT;
	struct fake f;
	struct offer o;
	struct err e = ERR_INIT;
	char *dir, *path, *out, *p, *nl;
	const char *company = "=HYPERLINK(\"http://x\",\"y\")";
	int rc, formulas = 0;

	(void)state;
	if (!py_have_openpyxl())
		skip();
	dir = xasprintf("%s/inject", tmpdir);
	assert_int_equal(catalog_parse(&hcat, "h.csv", csv, sizeof(csv) - 1,
	    &errs), 0);
	fake_init(&f, CLASS_DETAILED);
	f.s.f.company = (char *)company;
	f.s.f.name = "@SUM(1) Jick";
	f.s.f.country = "+cmd|' /C calc'!A0";
	f.pm.from.addr = "=1+1@x.com";
	fake_req(&f, "product", "=1+1");
	fake_req(&f, "quantity", "500");
	fake_req(&f, "port", "=IMPORTXML(\"http://x\")");
	offer_build(&conf, &hcat, &f.pm, &f.s, &f.v, NULL, 1, 1764180000, &o);
	assert_int_equal(o.nitems, 1);
	assert_int_equal(quote_write(&conf, &o, dir, &path, &e), 0);
	rc = py_run(py_dump, path, NULL, &out);
	if (rc)
		fail_msg("python3 failed (%d):\n%s", rc, out ? out : "");
	/* Every formula is an amount or the total. */
	for (p = out; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (strstr(p, "\tf\t")) {
			const char *v = strstr(p, "\tf\t") + 3;
			unsigned a, b, c;
			char x, y;

			formulas++;
			if (!(sscanf(v, "=%c%u*%c%u", &x, &a, &y, &b) == 4 ||
			    sscanf(v, "=SUM(H%u:H%u)", &a, &c) == 2))
				fail_msg("unexpected formula: %s", p);
		}
		if (nl)
			*nl = '\n';
	}
	assert_int_equal(formulas, 2);
	assert_non_null(strstr(out, "\ts\t=HYPERLINK(\"http://x\",\"y\")\n"));
	assert_non_null(strstr(out, "\ts\t=1+1\n"));
	assert_non_null(strstr(out, "\ts\t+cmd|' /C calc'!A0\n"));
	assert_non_null(strstr(out, "\ts\t-2+3\n"));
	assert_non_null(strstr(out, "\ts\t=1+1@x.com\n"));
	assert_non_null(strstr(out, "\ts\t\xE2\x80\xA2 Port: =IMPORTXML("));
	free(out);
	free(path);
	offer_release(&o);
	catalog_release(&hcat);
	strlist_release(&errs);
	free(dir);
}

/* Product photos and our logo: the photo column appears, amounts move. */
static void
test_write_photo(void **state)
{
	static const unsigned char png[] = {
		0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00,
		0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
		0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41,
		0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00,
		0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
		0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
	};
	static const char csv[] =
	    "sku,name,category,prices,image\n"
	    "M-1,Mug,Drinkware,100:1.5;1000:1.2,img.png\n"
	    "M-2,Cup,Drinkware,100:2,missing.png\n";
	struct catalog pcat;
	struct strlist errs = STRLIST_INIT;
	struct fake f;
	struct offer o;
	struct err e = ERR_INIT;
	char *img, *name, *dir, *path, *out, *logo;
	FILE *fp;
	int rc;

	(void)state;
	if (!py_have_openpyxl())
		skip();
	img = xasprintf("%s/img.png", tmpdir);
	name = xasprintf("%s/cat.csv", tmpdir);
	dir = xasprintf("%s/photo", tmpdir);
	fp = fopen(img, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(png, 1, sizeof(png), fp), sizeof(png));
	fclose(fp);
	assert_int_equal(catalog_parse(&pcat, name, csv, sizeof(csv) - 1,
	    &errs), 0);
	fake_init(&f, CLASS_DETAILED);
	fake_req(&f, "product", "M-1");
	fake_req(&f, "product", "M-2");
	fake_req(&f, "quantity", "1000 pcs");
	offer_build(&conf, &pcat, NULL, NULL, &f.v, NULL, 1, 1764180000, &o);
	assert_int_equal(o.nitems, 2);
	logo = conf.company_logo;
	conf.company_logo = img;
	rc = quote_write(&conf, &o, dir, &path, &e);
	conf.company_logo = logo;
	assert_int_equal(rc, 0);
	rc = py_run(py_dump, path, NULL, &out);
	if (rc)
		fail_msg("python3 failed (%d):\n%s", rc, out ? out : "");
	assert_non_null(strstr(out, "\ts\tPhoto\n"));
	assert_non_null(py_line(out, "part xl/media/image1.png"));
	assert_non_null(py_line(out, "part xl/drawings/drawing1.xml"));
	/* the amounts are one column further right */
	assert_non_null(strstr(out, "\tf\t=F17*H17\n"));
	free(out);
	free(path);
	offer_release(&o);
	catalog_release(&pcat);
	strlist_release(&errs);
	free(img);
	free(name);
	free(dir);
}

static void
test_sweep(void **state)
{
	char *dir = xasprintf("%s/sweep", tmpdir), *old, *fresh, *other;
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat st;
	FILE *fp;

	(void)state;
	assert_int_equal(mkdir(dir, 0700), 0);
	old = xasprintf("%s/.quote-AbC123", dir);
	fresh = xasprintf("%s/.quote-XyZ789", dir);
	other = xasprintf("%s/.quote-notours.xlsx", dir);
	fp = fopen(old, "w");
	fclose(fp);
	fp = fopen(fresh, "w");
	fclose(fp);
	fp = fopen(other, "w");
	fclose(fp);
	assert_int_equal(utimensat(AT_FDCWD, old, ts, 0), 0);
	assert_int_equal(utimensat(AT_FDCWD, other, ts, 0), 0);
	assert_int_equal(quote_sweep(dir, time(NULL), 3600), 1);
	assert_int_equal(stat(old, &st), -1);
	assert_int_equal(stat(fresh, &st), 0);
	assert_int_equal(stat(other, &st), 0);
	assert_int_equal(quote_sweep("/nonexistent", time(NULL), 0), 0);
	free(old);
	free(fresh);
	free(other);
	free(dir);
}

static void
test_write_errors(void **state)
{
	struct fake f;
	struct offer o;
	struct err e = ERR_INIT;
	char *file = xasprintf("%s/plainfile", tmpdir), *dir, *path = NULL;
	FILE *fp;
	pid_t pid;
	int status;

	(void)state;
	build_detailed(&f, &o, "Acme", "John Jick");
	/* A quotes directory that cannot exist. */
	fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	dir = xasprintf("%s/sub", file);
	assert_int_equal(quote_write(&conf, &o, dir, &path, &e), -1);
	assert_int_equal(e.kind, ERR_TEMP);
	assert_null(path);
	free(dir);
	/* A full disk: a file size limit in a child process. */
	dir = xasprintf("%s/full", tmpdir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 2048, 2048 };

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		err_clear(&e);
		if (quote_write(&conf, &o, dir, &path, &e) != -1)
			_exit(3);
		if (e.kind != ERR_TEMP || path)
			_exit(4);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(count_files(dir), 0);	/* nothing left behind */
	offer_release(&o);
	fake_release(&f);
	free(dir);
	free(file);
}

/* --write-cases: the fixture cases, see the file's header. */

static char *
case_value(char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) || line[n] != ':')
		return NULL;
	return str_trim(line + n + 1);
}

static int
write_case(const char *dir, const char *file)
{
	struct fake f;
	struct offer o;
	struct err e = ERR_INIT;
	struct strlist keep = STRLIST_INIT;
	char line[2048], *v, *path, *eq, *lt;
	const char *base;
	long seq = 1;
	int64_t when = 1764180000;
	FILE *fp = fopen(file, "r");
	int rc;

	if (!fp) {
		fprintf(stderr, "cannot open '%s'\n", file);
		return -1;
	}
	fake_init(&f, CLASS_VAGUE);
	/* Each value is kept in keep until the quote is written. */
#define KEEP(s) (strlist_push(&keep, (s)), keep.v[keep.n - 1])
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || str_blank(line))
			continue;
		if ((v = case_value(line, "class")))
			f.v.cls = !strcmp(v, "detailed") ? CLASS_DETAILED :
			    CLASS_VAGUE;
		else if ((v = case_value(line, "from"))) {
			lt = strchr(v, '<');
			if (lt) {
				*lt = '\0';
				f.pm.from.addr = KEEP(lt + 1);
				f.pm.from.addr[strcspn(f.pm.from.addr, ">")] =
				    '\0';
				f.pm.from.name = KEEP(str_trim(v));
			} else {
				f.pm.from.addr = KEEP(v);
			}
		} else if ((v = case_value(line, "subject")))
			f.pm.subject = KEEP(v);
		else if ((v = case_value(line, "company")))
			f.s.f.company = KEEP(v);
		else if ((v = case_value(line, "name")))
			f.s.f.name = KEEP(v);
		else if ((v = case_value(line, "salutation")))
			f.s.f.salutation = KEEP(v);
		else if ((v = case_value(line, "country")))
			f.s.f.country = KEEP(v);
		else if ((v = case_value(line, "phone")))
			strlist_push(&f.s.f.phones, v);
		else if ((v = case_value(line, "site_name")))
			f.ei.site_name = KEEP(v);
		else if ((v = case_value(line, "free_mail")))
			f.ei.free_mail = !strcmp(v, "yes");
		else if ((v = case_value(line, "sugg")) && f.ei.nsugg < 4)
			f.sugg[f.ei.nsugg++].category = KEEP(v);
		else if ((v = case_value(line, "seq")))
			str_to_long(v, 0, 99999, &seq);
		else if ((v = case_value(line, "date")))
			parse_time_utc(v, &when);
		else if ((v = case_value(line, "req")) &&
		    (eq = strchr(v, '=')) && f.v.nreq < 16) {
			*eq = '\0';
			f.req[f.v.nreq].field = KEEP(str_trim(v));
			f.req[f.v.nreq].value = KEEP(str_trim(eq + 1));
			f.v.nreq++;
		} else {
			fprintf(stderr, "%s: bad line '%s'\n", file, line);
		}
	}
#undef KEEP
	fclose(fp);
	offer_build(&conf, &cat, &f.pm, &f.s, &f.v, &f.ei, seq, when, &o);
	rc = quote_write(&conf, &o, dir, &path, &e);
	base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	if (rc) {
		fprintf(stderr, "%s: %s\n", base, e.msg);
	} else {
		printf("%.*s\t%s\t%s\n", (int)strcspn(base, "."), base, path,
		    o.title);
		free(path);
	}
	offer_release(&o);
	fake_release(&f);
	strlist_release(&keep);
	return rc;
}

static int
write_cases(int argc, char **argv)
{
	int i, rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: test_quote --write-cases DIR "
		    "CASE...\n");
		return 2;
	}
	if (setup(NULL))
		return 1;
	for (i = 3; i < argc; i++)
		rc |= write_case(argv[2], argv[i]);
	catalog_release(&cat);
	conf_release(&conf);
	rmdir(tmpdir);
	return rc ? 1 : 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantities),
		cmocka_unit_test(test_companies),
		cmocka_unit_test(test_people),
		cmocka_unit_test(test_titles),
		cmocka_unit_test(test_safe_names),
		cmocka_unit_test(test_offer_detailed),
		cmocka_unit_test(test_offer_pairs_and_moq),
		cmocka_unit_test(test_offer_table),
		cmocka_unit_test(test_offer_no_port),
		cmocka_unit_test(test_offer_unmatched_and_subject),
		cmocka_unit_test(test_offer_vague),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_write_photo),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_write_errors),
	};

	if (argc > 1 && !strcmp(argv[1], "--write-cases"))
		return write_cases(argc, argv);
	return cmocka_run_group_tests(tests, setup, teardown);
}
