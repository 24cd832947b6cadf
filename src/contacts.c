/*
 * contacts.c - the contacts export.
 */
#include <errno.h>
#include <limits.h>

#include "buf.h"
#include "contacts.h"
#include "err.h"
#include "xlsx.h"

/* The columns, in the order of contacts_columns. */
enum {
	COL_EMAIL, COL_NAME, COL_TITLE, COL_COMPANY, COL_COMPANY_DOMAIN,
	COL_DEPARTMENT, COL_PHONE, COL_MOBILE, COL_FAX, COL_WHATSAPP,
	COL_SKYPE, COL_WECHAT, COL_TELEGRAM, COL_VIBER, COL_LINE, COL_QQ,
	COL_ZALO, COL_KAKAO, COL_OTHER_EMAILS, COL_WEBSITE, COL_LINKEDIN,
	COL_ADDRESS, COL_COUNTRY, COL_INQUIRIES, COL_FIRST_SEEN,
	COL_LAST_SEEN, COL_HISTORY, COL_COUNT
};

const char *const contacts_columns[] = {
	"email", "name", "title", "company", "company_domain", "department",
	"phone", "mobile", "fax", "whatsapp", "skype", "wechat", "telegram",
	"viber", "line", "qq", "zalo", "kakao", "other_emails", "website",
	"linkedin", "address", "country", "inquiries", "first_seen",
	"last_seen", "history",
};
const size_t contacts_ncolumns = ARRAY_SIZE(contacts_columns);

_Static_assert(ARRAY_SIZE(contacts_columns) == COL_COUNT,
    "contacts_columns and the COL_ names disagree");

/*
 * Which column a stored field goes to ("email" in fields is other_emails);
 * -1 for the display name, -2 for a field without a column (history).
 */
static long
column_of(const char *field)
{
	size_t i;

	if (!strcmp(field, "email"))
		return COL_OTHER_EMAILS;
	if (!strcmp(field, "display_name"))
		return -1;
	for (i = 1; i < contacts_ncolumns; i++)
		if (!strcmp(field, contacts_columns[i]))
			return (long)i;
	return -2;
}

static void
cell_append(struct strlist *row, size_t col, const char *value)
{
	char *old = row->v[col];

	if (!*old) {
		free(old);
		row->v[col] = xstrdup(value);
	} else {
		row->v[col] = xasprintf("%s; %s", old, value);
		free(old);
	}
}

static int
contact_cb(const struct contact_row *c, void *arg)
{
	struct contacts_table *t = arg;
	struct strlist *row;
	const char *display = NULL;
	char when[21];
	size_t i;

	GROW(t->rows, t->n + 1, t->alloc);
	row = &t->rows[t->n++];
	strlist_init(row);
	for (i = 0; i < contacts_ncolumns; i++)
		strlist_push(row, "");
	cell_append(row, COL_EMAIL, c->email);
	if (c->company_domain)
		cell_append(row, COL_COMPANY_DOMAIN, c->company_domain);
	for (i = 0; i < c->nfields; i++) {
		const struct contact_field *f = &c->fields[i];
		long col = column_of(f->field);

		if (col == -1) {
			if (f->current && !display)
				display = f->value;
			continue;
		}
		if (f->current && col >= 0) {
			cell_append(row, (size_t)col, f->value);
		} else {
			char *h = xasprintf("%s: %s (until %.10s)", f->field,
			    f->value, fmt_time_utc(f->last_seen, when));

			cell_append(row, COL_HISTORY, h);
			free(h);
		}
	}
	if (!*row->v[COL_NAME] && display)
		cell_append(row, COL_NAME, display);
	free(row->v[COL_INQUIRIES]);
	row->v[COL_INQUIRIES] = xasprintf("%ld", c->inquiries);
	free(row->v[COL_FIRST_SEEN]);
	row->v[COL_FIRST_SEEN] = xstrdup(fmt_time_utc(c->created_at, when));
	free(row->v[COL_LAST_SEEN]);
	row->v[COL_LAST_SEEN] = xstrdup(fmt_time_utc(c->updated_at, when));
	return 0;
}

int
contacts_load(struct store *st, struct contacts_table *t, struct err *e)
{
	memset(t, 0, sizeof(*t));
	return store_contacts(st, contact_cb, t, e);
}

void
contacts_release(struct contacts_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		strlist_release(&t->rows[i]);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* A cell a spreadsheet would evaluate. */
static int
looks_like_formula(const char *v)
{
	const char *p;

	if (*v == '=' || *v == '@' || *v == '\t' || *v == '\r')
		return 1;
	if (*v != '+' && *v != '-')
		return 0;
	for (p = v + 1; *p; p++)
		if (!strchr("0123456789 ().-/", *p))
			return 1;
	return 0;
}

static int
csv_cell(FILE *fp, const char *v)
{
	const char *p;
	int quote = strpbrk(v, ",\"\r\n") != NULL;

	if (quote)
		fputc('"', fp);
	/* The apostrophe goes inside the field, where Excel looks for it. */
	if (looks_like_formula(v))
		fputc('\'', fp);
	for (p = v; *p; p++) {
		if (*p == '"')
			fputc('"', fp);
		fputc(*p, fp);
	}
	if (quote)
		fputc('"', fp);
	return ferror(fp) ? -1 : 0;
}

int
contacts_write_csv(const struct contacts_table *t, FILE *fp)
{
	size_t i, j;

	for (j = 0; j < contacts_ncolumns; j++) {
		if (j)
			fputc(',', fp);
		csv_cell(fp, contacts_columns[j]);
	}
	fputs("\r\n", fp);
	for (i = 0; i < t->n; i++) {
		for (j = 0; j < contacts_ncolumns; j++) {
			if (j)
				fputc(',', fp);
			csv_cell(fp, t->rows[i].v[j]);
		}
		fputs("\r\n", fp);
	}
	return ferror(fp) ? -1 : 0;
}

int
contacts_write_xlsx(const struct contacts_table *t, const char *path,
    struct err *e)
{
	struct xlsx *x;
	struct xlsx_sheet *sh;
	size_t i, j;

	if (xlsx_open(&x, path, e))
		return -1;
	xlsx_properties(x, "Contacts", "inquiryd", NULL, 0);
	sh = xlsx_sheet_add(x, "Contacts");
	for (j = 0; j < contacts_ncolumns; j++)
		xlsx_string(sh, 0, (unsigned)j, contacts_columns[j],
		    XS_HEADER);
	/* Every cell is a string cell: customer text never becomes a
	 * formula (xlsx.h), and the count of inquiries is a number. */
	for (i = 0; i < t->n; i++) {
		for (j = 0; j < contacts_ncolumns; j++) {
			long n;

			if (j == COL_INQUIRIES &&
			    !str_to_long(t->rows[i].v[j], 0, LONG_MAX, &n))
				xlsx_number(sh, 1 + (unsigned)i, (unsigned)j,
				    (double)n, XS_INT);
			else
				xlsx_string(sh, 1 + (unsigned)i, (unsigned)j,
				    t->rows[i].v[j], 0);
		}
	}
	xlsx_columns(sh, 0, 0, 32, 0);
	xlsx_columns(sh, 1, contacts_ncolumns - 1, 18, 0);
	xlsx_freeze(sh, 1, 1);
	return xlsx_close(x, e);
}
