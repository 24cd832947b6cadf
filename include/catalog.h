/*
 * catalog.h - our products, from the catalog CSV (contrib/catalog.csv is
 * the commented sample): SKU, name, category, keywords, price tiers by
 * quantity, MOQ, lead time, certifications, packaging, best-seller flag,
 * optional image.
 *
 * catalog_load() is all-or-nothing like the rules: every bad row is
 * reported as "file:line: message" and nothing is returned.
 */
#ifndef INQUIRYD_CATALOG_H
#define INQUIRYD_CATALOG_H

#include "util.h"

struct price_tier {
	long min_qty;		/* this price from min_qty units up */
	double price;		/* per unit, in the catalog's currency */
};

struct product {
	char *sku;
	char *name;
	char *category;
	struct strlist keywords;	/* lowercase */
	struct price_tier *tiers;	/* owned, by min_qty ascending */
	size_t ntiers;
	long moq;
	char *unit;		/* "pcs" by default */
	char *lead_time;	/* "25-30 days" */
	char *certifications;	/* "CE, FCC, RoHS" */
	char *packaging;
	char *spec;		/* short description and spec */
	char *image;		/* path, NULL if none */
	int best_seller;
	int line;		/* line in the CSV */
};

struct catalog {
	char *path;
	struct product *v;	/* owned */
	size_t n;
	struct strlist categories;	/* distinct, in first-seen order */
};

int catalog_load(struct catalog *cat, const char *path,
    struct strlist *errors);
void catalog_release(struct catalog *cat);

/* The unit price for qty (the highest tier whose min_qty <= qty; qty below
 * the MOQ gets the first tier). */
double product_price(const struct product *p, long qty);

/*
 * Finds the products a text names (by name, SKU or keyword), best match
 * first; at most max results are stored in out.  Returns how many.
 */
size_t catalog_match(const struct catalog *cat, const char *text,
    const struct product **out, size_t max);

/* Best sellers of a category (NULL: of any), at most max. */
size_t catalog_best_sellers(const struct catalog *cat, const char *category,
    const struct product **out, size_t max);

#endif
