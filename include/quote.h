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
 */
#ifndef INQUIRYD_QUOTE_H
#define INQUIRYD_QUOTE_H

#include "catalog.h"
#include "enrich.h"

struct conf;
struct conf_account;
struct err;

struct quote_item {
	const struct product *p;	/* borrowed from the catalog */
	long qty;
	double unit_price;
	int to_confirm;		/* quantity or spec must be confirmed */
	char *note;		/* what is to confirm, NULL if nothing */
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
	int64_t date;
	long validity_days;
	char *currency;
	char *incoterm;		/* "FOB Shenzhen" */
	char *payment_terms;
};

/*
 * Builds the offer.  Any of s, v, ei may be NULL (degrade gracefully);
 * seq numbers the quote within the day.  o is initialised by the call.
 */
void offer_build(const struct conf *c, const struct catalog *cat,
    const struct parsed_msg *pm, const struct sig_result *s,
    const struct verdict *v, const struct enrich_info *ei, long seq,
    int64_t now, struct offer *o);
void offer_release(struct offer *o);

/*
 * Writes the quote sheet for o under dir, with a file name made safe from
 * the title; *path_out gets the malloc'd path.  Returns 0, or -1 with e
 * (ERR_TEMP for a full disk or I/O error).
 */
int quote_write(const struct conf *c, const struct offer *o, const char *dir,
    char **path_out, struct err *e);

#endif
