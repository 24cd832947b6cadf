/*
 * fuzz_quote_qty.c - libFuzzer target for the hand-written parsers of
 * quote.c that read customer text: quantities ("5,000 pcs", "2 x 40HQ",
 * "5万个"), names and titles, company names, safe file names.
 */
#include <stdint.h>

#include "quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *a, *b, *c, *t;
	long q;

	quote_parse_qty(text, &q);
	quote_person(text, text, &a, &b, &c);
	t = quote_make_title(text, text, a, b, c);
	free(a);
	free(b);
	free(c);
	a = quote_safe_name(t, 80);
	free(a);
	free(t);
	a = quote_short_company(text);
	free(a);
	a = quote_domain_company(text);
	free(a);
	free(text);
	return 0;
}
