/*
 * contacts.h - the rep's base of customers: one row per address with the
 * current value of every field gathered from signatures and background
 * checks, and the older values as history.
 */
#ifndef INQUIRYD_CONTACTS_H
#define INQUIRYD_CONTACTS_H

#include <stdio.h>

#include "store.h"

/* The export's columns, in order. */
extern const char *const contacts_columns[];
extern const size_t contacts_ncolumns;

struct contacts_table {
	struct strlist *rows;	/* owned; each has contacts_ncolumns cells */
	size_t n, alloc;
};

/* Reads every contact into t.  0 or -1 with e. */
int contacts_load(struct store *st, struct contacts_table *t, struct err *e);
void contacts_release(struct contacts_table *t);

/*
 * Writes t as RFC 4180 CSV with a header row.  A cell that a spreadsheet
 * would run as a formula (starting with = or @, or + - with more than a
 * number) gets a leading apostrophe.  0 or -1 with errno.
 */
int contacts_write_csv(const struct contacts_table *t, FILE *fp);

/* Writes t as an XLSX sheet (strings only, never formulas). */
int contacts_write_xlsx(const struct contacts_table *t, const char *path,
    struct err *e);

#endif
