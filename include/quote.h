/*
 * quote.h - the offer for one inquiry and its customer-tailored XLSX
 * quote sheet.
 *
 * offer_build() decides what we quote: for a detailed inquiry, the
 * products they named at their quantity (price tier for that quantity,
 * MOQ, lead time), each requirement we cannot answer from the catalog
 * marked to confirm; for a vague one, the best sellers of up to three
 * categories that fit their business.  It also makes the title export reps
 * use, e.g. "ACME TRADING SPEAKER QUOTATION FOR MR JICK".
 *
 * quote_write() writes the sheet with xlsx.c (libxlsxwriter); customer
 * text is always a string cell, never a formula.
 *
 * What the offer says, field by field, for the draft templates:
 * - items: for a detailed inquiry the products they named (at most
 *   QUOTE_MAX_ITEMS), each at their quantity when it could be read as a
 *   number of units, else at the MOQ with to_confirm set; a quantity below
 *   the MOQ is quoted at the MOQ, to confirm.  May be empty when nothing
 *   they named is in the catalog (the product is then in to_confirm).  For
 *   a vague inquiry, the best sellers of the categories, at their MOQ.
 * - categories: the product lines offered (vague: up to three that fit
 *   their business; detailed: the lines of the items, or suggestions when
 *   there are no items).
 * - to_confirm: one line per point the catalog cannot answer, written for
 *   the customer "<Field>: <their words> — to confirm with production"
 *   ("Colour: black and navy blue — to confirm with production"), in the
 *   order of their outline; the items' notes are among them.
 * - to_agree: one line per commercial term of theirs that differs from
 *   ours (Incoterm, port or destination, shipping, insurance, payment,
 *   currency, a target price we do not meet): the rep answers these, not
 *   production, "<Field>: <their words> — to agree" ("Payment: L/C — to
 *   agree"), in the order of their outline.
 * - points: for a detailed inquiry, what the offer says about each entry
 *   of their outline (v->req[i] is points[i]): answered from the catalog
 *   or our terms, to confirm (with its line of to_confirm), a term to
 *   agree (with its line of to_agree), or not for
 *   the customer (an internal field: "request", the catalog's name beside
 *   their words, who they are; a line restated under another field).
 *   The draft reads these, so the reply and the sheet mark the same
 *   points to confirm.
 */
#ifndef INQUIRYD_QUOTE_H
#define INQUIRYD_QUOTE_H

#include "catalog.h"
#include "enrich.h"

struct conf;
struct conf_account;
struct err;

#define QUOTE_MAX_ITEMS 12

struct quote_item {
	const struct product *p;	/* borrowed from the catalog */
	long qty;
	double unit_price;
	int to_confirm;		/* quantity or spec must be confirmed */
	char *note;		/* what is to confirm, NULL if nothing */
	char *their_item;	/* their name for it, a spec table row's first
				 * cell ("Tote bag with gusset"), or NULL */
};

/* What the offer says about one entry of their outline. */
enum point_state {
	POINT_ANSWERED,		/* from the catalog or our terms */
	POINT_CONFIRM,		/* to confirm with production */
	POINT_AGREE,		/* a commercial term: the rep answers it */
	POINT_HIDDEN,		/* not for the customer */
};

struct offer_point {
	enum point_state state;
	const char *note;	/* borrowed from to_confirm (POINT_CONFIRM)
				 * or to_agree (POINT_AGREE); else NULL */
};

struct offer {
	enum iq_class cls;
	char *number;		/* "Q-20261126-0042" */
	char *title;		/* in capitals */
	char *customer_company;	/* NULL if unknown */
	char *customer_name;	/* full name, NULL if unknown */
	char *salutation;	/* "Mr Jick", "Jick Smith", NULL for Sir/Madam */
	char *product_label;	/* "SPEAKER", the category or product named */
	struct quote_item *items;	/* owned */
	size_t nitems;
	struct strlist categories;	/* suggested lines for a vague inquiry */
	struct strlist to_confirm;	/* notes for the rep and the sheet */
	struct strlist to_agree;	/* their commercial terms not ours */
	int64_t date;
	long validity_days;
	char *currency;
	char *incoterm;		/* "FOB Shenzhen" */
	char *payment_terms;
	char *customer_email;	/* the sender's address, NULL if none */
	char *customer_phone;	/* first phone of the signature, NULL */
	char *customer_country;	/* as known (ISO code or name), NULL */
	char *customer_address;	/* from the signature, NULL if none */
	char *company_source;	/* signature, website or domain; NULL */
	struct offer_point *points;	/* owned: one per v->req (detailed) */
	size_t npoints;		/* v->nreq, or 0 (vague, hand-built) */
	size_t cur;		/* offer_build's: the point being decided */
};

/*
 * Builds the offer.  c and cat are required; any of pm, s, v, ei may be
 * NULL (degrade gracefully: no verdict is a vague inquiry).  seq numbers
 * the quote within the day ("Q-YYYYMMDD-NNNN", now's UTC date).  o is
 * initialised by the call and owns all its strings; its items borrow
 * products from cat, so keep cat alive while o is used.  Never fails.
 */
void offer_build(const struct conf *c, const struct catalog *cat,
    const struct parsed_msg *pm, const struct sig_result *s,
    const struct verdict *v, const struct enrich_info *ei, long seq,
    int64_t now, struct offer *o);
void offer_release(struct offer *o);

/*
 * Writes the quote sheet for o under dir (created if missing, one level),
 * with a file name made safe from the title (quote_safe_name), made unique
 * with "-2", "-3"... rather than replacing a file: the sheet is written
 * under a temporary name in dir, then renamed, so a reader never sees half
 * a sheet.  *path_out gets the malloc'd path ("dir/NAME.xlsx").  Returns 0,
 * or -1 with e and *path_out NULL (ERR_TEMP for a full disk or any I/O
 * error; nothing is left behind).
 */
int quote_write(const struct conf *c, const struct offer *o, const char *dir,
    char **path_out, struct err *e);

/*
 * Removes the temporary files (".quote-XXXXXX") that a quote_write
 * killed halfway left in dir, when older than older_than seconds at now.
 * Touches nothing else.  Returns how many it removed.  For start-up.
 */
int quote_sweep(const char *dir, int64_t now, long older_than);

/*
 * What quote_write would name the file for title (without ".xlsx"):
 * letters, digits, '-' and '_' only: accented Latin and Cyrillic letters
 * transliterated to ASCII, letters of other scripts (a Chinese company
 * or name) kept as UTF-8; no separator, dot, blank or control character
 * of any script.  At most max bytes, cut on a character, never empty.
 * malloc'd.
 */
char *quote_safe_name(const char *title, size_t max);

/* How a quantity was written. */
enum qty_kind {
	QTY_NONE,		/* no quantity we can read */
	QTY_UNITS,		/* pieces, sets, units: *qty of them */
	QTY_CONTAINER,		/* *qty containers (2 x 40HQ) */
	QTY_PACKAGES,		/* *qty cartons, pallets, kg... */
};

/*
 * The quantity a text states ("3,000 pcs", "2 x 40HQ", "5k"): its kind,
 * and the number into *qty (0 with QTY_NONE).  The reply uses it to
 * answer a stated quantity with the item quoted for it.
 */
enum qty_kind quote_parse_qty(const char *text, long *qty);

#ifdef INQUIRYD_UNITTEST
/* The company name without its legal form ("Acme Trading Co., Ltd." ->
 * "Acme Trading"); malloc'd. */
char *quote_short_company(const char *company);
/* A company label from a domain ("acme-trading.co.uk" -> "acme trading"),
 * NULL for free-mail domains.  malloc'd. */
char *quote_domain_company(const char *domain);
/*
 * From a name and a stated title (either may be NULL): *title "Mr", "Ms",
 * "Mrs" or "Dr" when stated or written in the name ("Mr. John Jick",
 * "Frau Weber"), never guessed, else NULL; *surname and *full the surname
 * and the cleaned name, NULL when the name is not a person's ("Sales
 * Dept").  All malloc'd.
 */
void quote_person(const char *name, const char *stated, char **title,
    char **surname, char **full);
/* The title from its parts (any may be NULL), in capitals; malloc'd. */
char *quote_make_title(const char *company, const char *product,
    const char *title, const char *surname, const char *full_name);
#endif

#endif
