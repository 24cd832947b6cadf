/*
 * test_catalog.c - the catalog CSV: the shipped sample loads; RFC 4180
 * quoting; every bad row reported as file:line (the line where the record
 * starts, counting the lines inside quoted fields); price tiers; matching
 * a customer's words (plurals, case, punctuation, other scripts).
 */
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "buf.h"
#include "catalog.h"


static struct catalog sample;

static int
load_sample(void **state)
{
	struct strlist errs = STRLIST_INIT;
	size_t i;

	(void)state;
	if (catalog_load(&sample, unit_path("contrib/catalog.csv"), &errs)) {
		for (i = 0; i < errs.n; i++)
			print_error("%s\n", errs.v[i]);
		strlist_release(&errs);
		return -1;
	}
	strlist_release(&errs);
	return 0;
}

static int
free_sample(void **state)
{
	(void)state;
	catalog_release(&sample);
	return 0;
}

static void
test_sample(void **state)
{
	const struct product *p;

	(void)state;
	assert_true(sample.n >= 25);
	assert_true(sample.categories.n >= 8);
	p = catalog_find_sku(&sample, "pb-10k");
	assert_non_null(p);
	assert_string_equal(p->sku, "PB-10K");
	assert_string_equal(p->category, "Power Banks");
	assert_int_equal(p->ntiers, 3);
	assert_int_equal(p->tiers[0].min_qty, 200);
	assert_int_equal(p->moq, 200);
	assert_true(p->best_seller);
	assert_non_null(p->certifications);
	assert_true(strlist_find(&p->keywords, "power bank", 0) >= 0);
	/* A quoted spec with line breaks inside, and the line numbers
	 * after it still right. */
	p = catalog_find_sku(&sample, "BT-S35");
	assert_non_null(strchr(p->spec, '\n'));
	assert_int_equal(catalog_find_sku(&sample, "PB-5000")->line,
	    p->line + 3);
	assert_string_equal(catalog_find_sku(&sample, "EB-T5")->unit, "sets");
	assert_null(catalog_find_sku(&sample, "NOPE"));
}

struct bad_case {
	const char *what;
	const char *csv;
	const char *want[4];	/* substrings, each in some error */
};

static const struct bad_case bad[] = {
	{ "unknown column",
	    "sku,name,category,prices,colour\nA,B,C,1:2,red\n",
	    { "t.csv:1: unknown column 'colour'" } },
	{ "missing required column",
	    "sku,name,category\nA,B,C\n",
	    { "t.csv:1: missing required column 'prices'" } },
	{ "column twice",
	    "sku,name,category,prices,SKU\nA,B,C,1:2,A\n",
	    { "t.csv:1: column 'sku' given twice" } },
	{ "bad price",
	    "sku,name,category,prices\nA,B,C,100:1.5\nB,B,C,100:abc\n"
	    "C,B,C,100:-2\nD,B,C,1e5:3\nE,B,C,100:1;100:2\n",
	    { "t.csv:3: bad price tier '100:abc'", "t.csv:4: bad price tier",
		"t.csv:5: bad price tier", "t.csv:6: two prices for "
		"quantity 100" } },
	{ "missing required field",
	    "sku,name,category,prices\nA,,C,1:2\n,B,C,1:2\n",
	    { "t.csv:2: missing name", "t.csv:3: missing sku" } },
	{ "duplicate SKU, any case",
	    "sku,name,category,prices\nA-1,B,C,1:2\nB-2,B,C,1:2\n"
	    "a-1,B,C,1:2\n",
	    { "t.csv:4: duplicate SKU 'a-1' (first on line 2)" } },
	{ "line numbers count lines inside quotes, comments and blanks",
	    "# our catalog\n\nsku,name,category,prices,spec\n"
	    "A,B,C,1:2,\"two\nlines\"\n\nB,B,C,zero,x\n",
	    { "t.csv:7: bad price 'zero'" } },
	{ "unterminated quote",
	    "sku,name,category,prices\nA,\"B,C,1:2\nD,E,F,1:2\n",
	    { "t.csv:2: unterminated quoted field" } },
	{ "text after a closing quote",
	    "sku,name,category,prices\nA,\"B\"x,C,1:2\n",
	    { "t.csv:2: text after a closing quote" } },
	{ "field count",
	    "sku,name,category,prices\nA,B,C\nD,E,F,1:2,extra\n",
	    { "t.csv:2: 3 fields, the header has 4",
		"t.csv:3: 5 fields, the header has 4" } },
	{ "bad moq and best_seller",
	    "sku,name,category,prices,moq,best_seller\nA,B,C,1:2,many,yes\n"
	    "D,E,F,1:2,5,often\n",
	    { "t.csv:2: bad moq 'many'", "t.csv:3: bad best_seller 'often'" } },
	{ "invalid UTF-8",
	    "sku,name,category,prices\nA,Caf\xE9,C,1:2\n",
	    { "t.csv:2: invalid UTF-8" } },
	{ "empty", "", { "t.csv: no header row" } },
	{ "comments only", "# nothing\n", { "t.csv: no header row" } },
	{ "header only", "sku,name,category,prices\n",
	    { "t.csv: no products" } },
	{ "a price without quantity among tiers",
	    "sku,name,category,prices\nA,B,C,2.5;100:2\n",
	    { "t.csv:2: a price without a quantity" } },
	{ "NUL byte",
	    "sku,name,category,prices\nA,B\0x,C,1:2\n",
	    { "t.csv:2: NUL byte" } },
};

static void
test_errors(void **state)
{
	struct catalog cat;
	struct strlist errs = STRLIST_INIT;
	size_t i, j, k, len;
	int found;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		len = strlen(bad[i].csv);
		if (!strcmp(bad[i].what, "NUL byte"))
			len = sizeof("sku,name,category,prices\nA,B\0x,C,1:2\n")
			    - 1;
		assert_int_equal(catalog_parse(&cat, "t.csv", bad[i].csv, len,
		    &errs), -1);
		assert_int_equal(cat.n, 0);
		for (j = 0; j < ARRAY_SIZE(bad[i].want) && bad[i].want[j];
		    j++) {
			found = 0;
			for (k = 0; k < errs.n; k++)
				found |= strstr(errs.v[k], bad[i].want[j]) !=
				    NULL;
			if (!found) {
				for (k = 0; k < errs.n; k++)
					print_error("  %s\n", errs.v[k]);
				fail_msg("%s: no error '%s'", bad[i].what,
				    bad[i].want[j]);
			}
		}
		strlist_release(&errs);
	}
}

static void
test_error_cap(void **state)
{
	struct catalog cat;
	struct strlist errs = STRLIST_INIT;
	struct buf_like {
		char *p;
		size_t len;
	} b = { NULL, 0 };
	FILE *f = open_memstream(&b.p, &b.len);
	int i;

	(void)state;
	fputs("sku,name,category,prices\n", f);
	for (i = 0; i < 500; i++)
		fprintf(f, "A%d,B,C,bad\n", i);
	fclose(f);
	assert_int_equal(catalog_parse(&cat, "t.csv", b.p, b.len, &errs), -1);
	assert_int_equal(errs.n, CATALOG_MAX_ERRORS + 1);
	assert_non_null(strstr(errs.v[errs.n - 1], "too many errors"));
	free(b.p);
	strlist_release(&errs);
}

static void
test_quoting_and_columns(void **state)
{
	static const char csv[] =
	    "\xEF\xBB\xBF# comment\r\n"
	    "Best Seller,Price Tiers,SKU,Name,Category,Keywords,Image\r\n"
	    "yes,\"1000:1.10; 100:1.65 ;500:1.30\",BG-1,\"Tote, \"\"Canvas\"\"\","
	    "Bags,Tote Bag; SAC; Tote Bag,img/tote.png\r\n"
	    "no,3.5,\"X-2\",Mug,Drinkware,,/abs/mug.jpg\r\n";
	struct catalog cat;
	struct strlist errs = STRLIST_INIT;
	const struct product *p;

	(void)state;
	assert_int_equal(catalog_parse(&cat, "/data/cat.csv", csv,
	    sizeof(csv) - 1, &errs), 0);
	assert_int_equal(cat.n, 2);
	p = &cat.v[0];
	assert_string_equal(p->name, "Tote, \"Canvas\"");
	assert_int_equal(p->ntiers, 3);
	assert_int_equal(p->tiers[0].min_qty, 100);	/* sorted */
	assert_true(p->tiers[2].price == 1.10);
	assert_int_equal(p->moq, 100);
	assert_int_equal(p->keywords.n, 2);	/* lowercased, deduplicated */
	assert_string_equal(p->keywords.v[1], "sac");
	assert_string_equal(p->image, "/data/img/tote.png");
	assert_string_equal(p->unit, "pcs");
	assert_int_equal(p->line, 3);
	assert_true(p->best_seller);
	p = &cat.v[1];
	assert_int_equal(p->ntiers, 1);
	assert_int_equal(p->moq, 1);
	assert_int_equal(p->tiers[0].min_qty, 1);
	assert_string_equal(p->image, "/abs/mug.jpg");
	assert_false(p->best_seller);
	catalog_release(&cat);
	strlist_release(&errs);
}

static void
test_load_file(void **state)
{
	struct catalog cat;
	struct strlist errs = STRLIST_INIT;

	(void)state;
	assert_int_equal(catalog_load(&cat, "/nonexistent/catalog.csv",
	    &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.v[0],
	    "/nonexistent/catalog.csv: cannot read"));
	strlist_release(&errs);
}

static void
test_prices(void **state)
{
	static const struct {
		long qty;
		double price;
	} t[] = {
		{ 1, 9.80 }, { 99, 9.80 }, { 200, 9.80 }, { 999, 9.80 },
		{ 1000, 8.90 }, { 4999, 8.90 }, { 5000, 8.10 },
		{ 1000000, 8.10 },
	};
	const struct product *p = catalog_find_sku(&sample, "PB-10K");
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++)
		assert_true(fabs(product_price(p, t[i].qty) - t[i].price) <
		    1e-9);
}

static void
test_match(void **state)
{
	static const struct {
		const char *text;
		const char *first;	/* NULL: nothing */
	} t[] = {
		{ "Bluetooth speakers", "BT-S10" },
		{ "waterproof bluetooth speaker", "BT-S20" },
		{ "BT-S35", "BT-S35" },
		{ "bt s35 please", "BT-S35" },
		{ "POWER-BANKS 10000mAh", "PB-10K" },
		{ "powerbank", "PB-5000" },
		{ "slim power bank", "PB-5000" },
		{ "magnetic power banks", "PB-W15" },
		{ "custom mugs with logo", "MG-11" },
		{ "Batteries", NULL },
		{ "golf umbrellas", "UM-G30" },
		/* -ies plural of an -ie singular: parapluie */
		{ "parapluies pliants", "UM-F21" },
		{ "woven lanyards", "LY-WV" },
		{ "USB-Sticks", "UD-SW16" },
		{ "Kugelschreiber", "PN-MT" },
		/* Cyrillic, upper case: КОЛОНКА; plural: термокружки */
		{ "\xD0\x9A\xD0\x9E\xD0\x9B\xD0\x9E\xD0\x9D\xD0\x9A\xD0\x90",
		    "BT-S10" },
		{ "\xD1\x82\xD0\xB5\xD1\x80\xD0\xBC\xD0\xBE\xD0\xBA\xD1\x80"
		    "\xD1\x83\xD0\xB6\xD0\xBA\xD0\xB8 3000 \xD1\x88\xD1\x82",
		    "TB-500" },
		/* Chinese, inside a sentence: 我们需要蓝牙音箱5000个 */
		{ "\xE6\x88\x91\xE4\xBB\xAC\xE9\x9C\x80\xE8\xA6\x81\xE8\x93\x9D"
		    "\xE7\x89\x99\xE9\x9F\xB3\xE7\xAE\xB1" "5000\xE4\xB8\xAA",
		    "BT-S10" },
		/* French: Clé USB */
		{ "Cl\xC3\xA9 USB 16 Go", "UD-SW16" },
		{ "We are a supermarket chain in Germany", NULL },
		{ "", NULL },
	};
	const struct product *out[5];
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		n = catalog_match(&sample, t[i].text, out, ARRAY_SIZE(out));
		if (!t[i].first) {
			if (n)
				fail_msg("'%s' matched %s", t[i].text,
				    out[0]->sku);
			continue;
		}
		if (!n || strcmp(out[0]->sku, t[i].first))
			fail_msg("'%s': want %s, got %s", t[i].text,
			    t[i].first, n ? out[0]->sku : "nothing");
	}
	assert_int_equal(catalog_match(&sample, NULL, out, 5), 0);
	assert_int_equal(catalog_match(&sample, "speaker", out, 0), 0);
}

static void
test_best_sellers(void **state)
{
	const struct product *out[10];
	const char *cats[3];
	size_t n, i;

	(void)state;
	n = catalog_best_sellers(&sample, "power banks", out, 10);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		assert_true(out[i]->best_seller);
	n = catalog_best_sellers(&sample, NULL, out, 10);
	assert_int_equal(n, 10);
	n = catalog_best_seller_categories(&sample, cats, 3);
	assert_int_equal(n, 3);
	assert_string_equal(cats[0], "Power Banks");	/* two, first seen */
	assert_string_equal(cats[1], "Drinkware");
	assert_string_equal(cats[2], "Stationery");
}

static void
test_category_and_singular(void **state)
{
	static const struct {
		const char *in, *out;
	} cat[] = {
		{ "speaker", "Speakers" }, { "POWER BANK", "Power Banks" },
		{ "power-banks", "Power Banks" }, { "drinkware", "Drinkware" },
		{ "Phone case", "Phone Cases" }, { "usb drive", "USB Drives" },
		{ "Bluetooth speakers", "Speakers" }, { "solar panels", NULL },
	}, sing[] = {
		{ "Power Banks", "Power Bank" }, { "Batteries", "Battery" },
		{ "BATTERIES", "BATTERY" }, { "Boxes", "Box" },
		{ "Phone Cases", "Phone Case" }, { "Glasses", "Glasses" },
		{ "Drinkware", "Drinkware" }, { "Bags ", "Bag" },
		{ "Electronics", "Electronics" }, { "Watches", "Watch" },
		{ "Glass", "Glass" }, { "Bus", "Bus" },
	};
	size_t i;
	const char *c;
	char *s;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cat); i++) {
		c = catalog_category(&sample, cat[i].in);
		if (!cat[i].out)
			assert_null(c);
		else
			assert_string_equal(c ? c : "(null)", cat[i].out);
	}
	for (i = 0; i < ARRAY_SIZE(sing); i++) {
		s = catalog_singular(sing[i].in);
		assert_string_equal(s, sing[i].out);
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_quoting_and_columns),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_prices),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_best_sellers),
		cmocka_unit_test(test_category_and_singular),
	};

	return cmocka_run_group_tests(tests, load_sample, free_sample);
}
