/*
 * fuzz_catalog.c - libFuzzer target for the catalog CSV reader and the
 * matching that runs over customer text.
 *
 * The input is a catalog file; after its last 0xFF byte (if any) comes
 * a customer's text, matched against the catalog when it loaded.  The
 * reader must never crash, leak or read out of bounds, whatever the
 * quoting, line ends, NULs or invalid UTF-8.
 */
#include <stdint.h>

#include "catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog cat;
	struct strlist errs = STRLIST_INIT;
	const struct product *out[8];
	const char *cats[3];
	const uint8_t *ff = NULL;
	char *text, *s;
	size_t csv_len = size, i;

	for (i = 0; i < size; i++)
		if (data[i] == 0xFF)
			ff = data + i;
	if (ff)
		csv_len = (size_t)(ff - data);
	text = ff ? xstrndup((const char *)ff + 1, size - csv_len - 1) :
	    xstrdup("speaker");
	if (catalog_parse(&cat, "fuzz/catalog.csv", (const char *)data,
	    csv_len, &errs) == 0) {
		catalog_match(&cat, text, out, ARRAY_SIZE(out));
		catalog_best_sellers(&cat, text, out, ARRAY_SIZE(out));
		catalog_best_seller_categories(&cat, cats, ARRAY_SIZE(cats));
		catalog_category(&cat, text);
		catalog_find_sku(&cat, text);
		for (i = 0; i < cat.n; i++) {
			product_price(&cat.v[i], 0);
			product_price(&cat.v[i], cat.v[i].moq);
			product_price(&cat.v[i], 1000000000L);
		}
		catalog_release(&cat);
	}
	s = catalog_singular(text);
	free(s);
	free(text);
	strlist_release(&errs);
	return 0;
}
