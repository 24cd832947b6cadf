/*
 * catalog.h - our products, from the catalog CSV (contrib/catalog.csv is
 * the commented sample): SKU, name, category, keywords, price tiers by
 * quantity, MOQ, lead time, certifications, packaging, best-seller flag,
 * optional image.
 *
 * The file is RFC 4180 CSV in UTF-8 (a leading BOM is ignored): fields
 * may be quoted, with commas, newlines and doubled quotes inside.  The
 * first record that is not a comment is the header, naming the columns,
 * so their order is free.  Lines starting with '#' and blank lines are
 * skipped (a field that starts with '#' must be quoted).
 *
 *   column          required  meaning
 *   sku             yes       model number, unique (case-insensitive)
 *   name            yes       product name
 *   category        yes       product line, e.g. "Speakers"
 *   prices          yes       QTY:PRICE tiers separated by ';',
 *                             e.g. "100:12.50;500:11.20;1000:9.80"
 *                             (also: price_tiers, price)
 *   keywords        no        words a customer may use, separated by ';'
 *   moq             no        minimum order quantity (default: the
 *                             first tier's quantity)
 *   unit            no        "pcs" by default
 *   lead_time       no        "25-30 days"
 *   certifications  no        "CE, FCC, RoHS"
 *   packaging       no        "Gift box, 50 pcs/carton"
 *   spec            no        short description and specification
 *   image           no        PNG/JPEG path, relative to the catalog file
 *   best_seller     no        yes/no (default no)
 *
 * catalog_load() is all-or-nothing like the rules: every bad row is
 * reported as "file:line: message" (the line where the record starts) and
 * nothing is returned.  A missing image file is not an error: the quote
 * sheet leaves the photo out.
 */
#ifndef INQUIRYD_CATALOG_H
#define INQUIRYD_CATALOG_H

#include "util.h"

/* Caps: beyond them the file is refused with an error. */
#define CATALOG_MAX_FILE	(16u << 20)	/* bytes */
#define CATALOG_MAX_FIELD	(64u << 10)	/* bytes in one field */
#define CATALOG_MAX_COLUMNS	64
#define CATALOG_MAX_PRODUCTS	100000
#define CATALOG_MAX_TIERS	32
#define CATALOG_MAX_ERRORS	50	/* reported before giving up */

struct price_tier {
	long min_qty;		/* this price from min_qty units up */
	double price;		/* per unit, in the catalog's currency */
};

struct product {
	char *sku;
	char *name;
	char *category;		/* the spelling first seen in the file */
	struct strlist keywords;	/* lowercase */
	struct price_tier *tiers;	/* owned, by min_qty ascending */
	size_t ntiers;
	long moq;
	char *unit;		/* "pcs" by default */
	char *lead_time;	/* "25-30 days", NULL if not given */
	char *certifications;	/* "CE, FCC, RoHS", NULL if none */
	char *packaging;	/* NULL if not given */
	char *spec;		/* short description and spec, NULL if none */
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

/* An empty catalog (what catalog_release leaves). */
void catalog_init(struct catalog *cat);

/*
 * Loads the CSV at path into cat (which need not be initialised).
 * Returns 0, or -1 with every problem appended to errors as
 * "file:line: message" (or "file: message") and cat left empty.
 */
int catalog_load(struct catalog *cat, const char *path,
    struct strlist *errors);
/*
 * As catalog_load, from len bytes at data; name is used in messages and
 * as the base for relative image paths.
 */
int catalog_parse(struct catalog *cat, const char *name, const char *data,
    size_t len, struct strlist *errors);
void catalog_release(struct catalog *cat);

/* The unit price for qty (the highest tier whose min_qty <= qty; qty below
 * the MOQ gets the first tier). */
double product_price(const struct product *p, long qty);

/*
 * Finds the products a text names (by name, SKU or keyword, and more
 * weakly by category), best match first; at most max results are stored
 * in out.  Matching ignores case (Unicode, not only ASCII), punctuation
 * and English plurals ("Power-Banks" names "power bank"), and finds words
 * of scripts written without spaces (Chinese, Japanese) inside the text.
 * Returns how many.
 */
size_t catalog_match(const struct catalog *cat, const char *text,
    const struct product **out, size_t max);
/*
 * As catalog_match, with each result's score in scores (may be NULL):
 * >= 1000 the SKU was named, >= 100 the whole product name, >= 20 a
 * keyword, < 20 only the category or part of the name.
 */
size_t catalog_match_scored(const struct catalog *cat, const char *text,
    const struct product **out, int *scores, size_t max);
#define CATALOG_SCORE_SKU	1000
#define CATALOG_SCORE_NAME	100
#define CATALOG_SCORE_KEYWORD	20

/* Best sellers of a category (NULL: of any), at most max. */
size_t catalog_best_sellers(const struct catalog *cat, const char *category,
    const struct product **out, size_t max);

/*
 * The categories that have best sellers, most best sellers first (ties in
 * catalog order), at most max; out borrows the catalog's strings.
 */
size_t catalog_best_seller_categories(const struct catalog *cat,
    const char **out, size_t max);

/* The product with this SKU (case-insensitive), or NULL. */
const struct product *catalog_find_sku(const struct catalog *cat,
    const char *sku);

/*
 * The catalog's spelling of a category named name, ignoring case and
 * plurals ("speaker" finds "Speakers"), or NULL.
 */
const char *catalog_category(const struct catalog *cat, const char *name);

/*
 * A malloc'd copy of phrase with its last word made singular by the
 * English rules used for matching ("Power Banks" -> "Power Bank",
 * "Batteries" -> "Battery"); words such as "Glasses" or "Electronics" are
 * left alone.
 */
char *catalog_singular(const char *phrase);

#endif
