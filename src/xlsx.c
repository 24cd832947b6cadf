/*
 * xlsx.c - a small typed API over libxlsxwriter.
 *
 * Every string goes through xlsx_clean_text() and worksheet_write_string:
 * libxlsxwriter writes that as a shared string, which no reader evaluates.
 * Formats are created once per combination of style flags and cached.
 * libxlsxwriter does its I/O in workbook_close(), into temporary files in
 * the output's directory and then the zip; its errors are mapped to
 * ERR_TEMP (I/O, memory) or ERR_PERM there.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "buf.h"
#include "err.h"
#include "ufold.h"
#include "xlsx.h"

#define IMAGE_MAX_BYTES	(5u << 20)
#define IMAGE_HEAD	(256u << 10)	/* enough to reach a JPEG's SOF */
#define IMAGE_MAX_SIDE	20000u

struct style_cache {
	unsigned style;
	lxw_format *f;
};

struct xlsx_sheet {
	struct xlsx *x;
	lxw_worksheet *ws;	/* NULL for the dummy sheet */
	char *name;
};

struct xlsx {
	lxw_workbook *wb;
	char *path;
	char *tmpdir;
	struct style_cache *styles;
	size_t nstyles, astyles;
	struct xlsx_sheet **sheets;
	size_t nsheets, asheets;
	struct xlsx_sheet dummy;
	lxw_error err;		/* the first error, sticky */
	char err_what[160];
	lxw_doc_properties props;
	char *prop_title, *prop_author, *prop_company;
};

static void
note_error(struct xlsx *x, lxw_error rc, const char *what, unsigned row,
    unsigned col)
{
	char ref[16];

	if (rc == LXW_NO_ERROR || x->err != LXW_NO_ERROR)
		return;
	x->err = rc;
	snprintf(x->err_what, sizeof(x->err_what), "%s at %s", what,
	    xlsx_ref(row, col, 0, ref));
}

char *
xlsx_ref(unsigned row, unsigned col, int absolute, char out[16])
{
	char letters[8];
	size_t n = 0, i;
	unsigned c = col + 1;

	while (c && n < sizeof(letters)) {
		letters[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	i = 0;
	if (absolute)
		out[i++] = '$';
	while (n)
		out[i++] = letters[--n];
	snprintf(out + i, 16 - i, "%s%u", absolute ? "$" : "", row + 1);
	return out;
}

char *
xlsx_clean_text(const char *text)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	char *fixed, *out;
	const char *p;
	size_t len, cut;

	if (!text)
		return xstrdup("");
	len = strlen(text);
	fixed = utf8_valid(text, len) ? xstrdup(text) : utf8_repair(text, len);
	for (p = fixed; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '\r') {
			if (p[1] != '\n')
				buf_addch(&b, '\n');
			continue;
		}
		if ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7F)
			continue;
		/* Excel reads "_x0041_" as "A": escape the underscore. */
		if (ch == '_' && p[1] == 'x' && isxdigit((unsigned char)p[2]) &&
		    isxdigit((unsigned char)p[3]) &&
		    isxdigit((unsigned char)p[4]) &&
		    isxdigit((unsigned char)p[5]) && p[6] == '_') {
			buf_addstr(&b, "_x005F_");
			continue;
		}
		buf_addch(&b, *p);
	}
	free(fixed);
	cut = utf8_prefix(b.data, XLSX_MAX_STRING, SIZE_MAX);
	buf_setlen(&b, cut);
	out = buf_detach(&b, NULL);
	return out;
}

/* Chart and axis titles: text that libxlsxwriter must not take for a
 * formula (it does when the text starts with '='). */
static char *
title_text(const char *text)
{
	char *c = xlsx_clean_text(text), *out;
	size_t cut;

	cut = utf8_prefix(c, 255, SIZE_MAX);
	c[cut] = '\0';
	if (c[0] != '=')
		return c;
	out = xasprintf(" %s", c);
	free(c);
	return out;
}

int
xlsx_open(struct xlsx **out, const char *path, struct err *e)
{
	struct xlsx *x = xcalloc(1, sizeof(*x));
	lxw_workbook_options opt;
	const char *slash = strrchr(path, '/');
	int rc = 0;

	x->path = xstrdup(path);
	x->tmpdir = slash ? xstrndup(path, (size_t)(slash - path) + 1) :
	    xstrdup(".");
	memset(&opt, 0, sizeof(opt));
	opt.constant_memory = LXW_FALSE;
	opt.tmpdir = x->tmpdir;
	x->wb = workbook_new_opt(x->path, &opt);
	if (!x->wb) {
		rc = err_set(e, ERR_TEMP, "cannot start workbook '%s': out of "
		    "memory", path);
		free(x->tmpdir);
		free(x->path);
		free(x);
		x = NULL;
	} else {
		x->dummy.x = x;
	}
	*out = x;
	return rc;
}

void
xlsx_properties(struct xlsx *x, const char *title, const char *author,
    const char *company, int64_t created)
{
	free(x->prop_title);
	free(x->prop_author);
	free(x->prop_company);
	x->prop_title = title ? xlsx_clean_text(title) : NULL;
	x->prop_author = author ? xlsx_clean_text(author) : NULL;
	x->prop_company = company ? xlsx_clean_text(company) : NULL;
	memset(&x->props, 0, sizeof(x->props));
	x->props.title = x->prop_title;
	x->props.author = x->prop_author;
	x->props.company = x->prop_company;
	x->props.created = created ? (time_t)created : time(NULL);
	note_error(x, workbook_set_properties(x->wb, &x->props),
	    "document properties", 0, 0);
}

static void
xlsx_free(struct xlsx *x)
{
	size_t i;

	for (i = 0; i < x->nsheets; i++) {
		free(x->sheets[i]->name);
		free(x->sheets[i]);
	}
	free(x->sheets);
	free(x->styles);
	free(x->prop_title);
	free(x->prop_author);
	free(x->prop_company);
	free(x->tmpdir);
	free(x->path);
	free(x);
}

static int
lxw_is_io(lxw_error rc)
{
	switch (rc) {
	case LXW_ERROR_MEMORY_MALLOC_FAILED:
	case LXW_ERROR_CREATING_XLSX_FILE:
	case LXW_ERROR_CREATING_TMPFILE:
	case LXW_ERROR_READING_TMPFILE:
	case LXW_ERROR_ZIP_FILE_OPERATION:
	case LXW_ERROR_ZIP_PARAMETER_ERROR:
	case LXW_ERROR_ZIP_BAD_ZIP_FILE:
	case LXW_ERROR_ZIP_INTERNAL_ERROR:
	case LXW_ERROR_ZIP_FILE_ADD:
	case LXW_ERROR_ZIP_CLOSE:
		return 1;
	default:
		return 0;
	}
}

int
xlsx_close(struct xlsx *x, struct err *e)
{
	lxw_error rc = x->err;
	int saved = 0, ret = 0;

	if (rc != LXW_NO_ERROR) {
		/* a cell call failed: the workbook is not worth writing */
		lxw_workbook_free(x->wb);
		ret = err_set(e, lxw_is_io(rc) ? ERR_TEMP : ERR_PERM,
		    "cannot write '%s': %s (%s)", x->path, lxw_strerror(rc),
		    x->err_what);
	} else {
		errno = 0;
		rc = workbook_close(x->wb);
		saved = errno;
		if (rc != LXW_NO_ERROR && lxw_is_io(rc) && saved)
			ret = err_set(e, ERR_TEMP, "cannot write '%s': %s: %s",
			    x->path, lxw_strerror(rc), strerror(saved));
		else if (rc != LXW_NO_ERROR)
			ret = err_set(e, lxw_is_io(rc) ? ERR_TEMP : ERR_PERM,
			    "cannot write '%s': %s", x->path,
			    lxw_strerror(rc));
	}
	if (ret)
		unlink(x->path);
	xlsx_free(x);
	return ret;
}

void
xlsx_discard(struct xlsx *x)
{
	if (!x)
		return;
	lxw_workbook_free(x->wb);
	unlink(x->path);
	xlsx_free(x);
}

/* Formats. */

static lxw_format *
format_for(struct xlsx *x, unsigned style)
{
	lxw_format *f;
	size_t i;

	if (!style)
		return NULL;
	for (i = 0; i < x->nstyles; i++)
		if (x->styles[i].style == style)
			return x->styles[i].f;
	f = workbook_add_format(x->wb);
	if (!f) {
		note_error(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "format", 0, 0);
		return NULL;
	}
	format_set_font_name(f, "Calibri");
	format_set_font_size(f, 10.5);
	format_set_align(f, style & XS_VCENTER ? LXW_ALIGN_VERTICAL_CENTER :
	    LXW_ALIGN_VERTICAL_TOP);
	if (style & (XS_BOLD | XS_TOTAL))
		format_set_bold(f);
	if (style & XS_ITALIC)
		format_set_italic(f);
	if (style & XS_BORDER) {
		format_set_border(f, LXW_BORDER_THIN);
		format_set_border_color(f, 0x808080);
	}
	if (style & XS_WRAP)
		format_set_text_wrap(f);
	if (style & XS_CENTER)
		format_set_align(f, LXW_ALIGN_CENTER);
	if (style & XS_RIGHT)
		format_set_align(f, LXW_ALIGN_RIGHT);
	if (style & XS_LEFT)
		format_set_align(f, LXW_ALIGN_LEFT);
	if (style & XS_TITLE) {
		format_set_font_size(f, 18);
		format_set_bold(f);
		format_set_font_color(f, 0x1F3864);
		format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	}
	if (style & XS_SUBTITLE) {
		format_set_font_size(f, 13);
		format_set_bold(f);
		format_set_font_color(f, 0x1F3864);
	}
	if (style & XS_HEADER) {
		format_set_bold(f);
		format_set_font_color(f, LXW_COLOR_WHITE);
		format_set_bg_color(f, 0x1F4E78);
		format_set_border(f, LXW_BORDER_THIN);
		format_set_border_color(f, 0x808080);
		format_set_text_wrap(f);
		format_set_align(f, LXW_ALIGN_CENTER);
		format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	}
	if (style & XS_TOTAL)
		format_set_top(f, LXW_BORDER_DOUBLE);
	if (style & XS_SMALL) {
		format_set_font_size(f, 9);
		format_set_font_color(f, 0x595959);
	}
	if (style & XS_SHADE)
		format_set_bg_color(f, 0xF2F2F2);
	if (style & XS_MARK)
		format_set_bg_color(f, 0xFFF2CC);
	if (style & XS_PRICE)
		format_set_num_format(f, "#,##0.00##");
	else if (style & XS_MONEY)
		format_set_num_format(f, "#,##0.00");
	else if (style & XS_INT)
		format_set_num_format(f, "#,##0");
	else if (style & XS_DECIMAL)
		format_set_num_format(f, "#,##0.0");
	else if (style & XS_PERCENT)
		format_set_num_format(f, "0.0%");
	else if (style & XS_DATE)
		format_set_num_format(f, "yyyy-mm-dd");
	GROW(x->styles, x->nstyles + 1, x->astyles);
	x->styles[x->nstyles].style = style;
	x->styles[x->nstyles].f = f;
	x->nstyles++;
	return f;
}

/* Sheets. */

static char *
sheet_name_legal(struct xlsx *x, const char *want)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	char *clean = xlsx_clean_text(want ? want : ""), *p, *name;
	size_t cut, i, n;
	int taken;

	for (p = clean; *p; p++)
		if (strchr("[]:*?/\\\t\n", *p))
			*p = '_';
	p = clean;
	while (*p == '\'' || *p == ' ')
		p++;
	n = strlen(p);
	while (n && (p[n - 1] == '\'' || p[n - 1] == ' '))
		n--;
	p[n] = '\0';
	if (!*p) {
		free(clean);
		clean = xasprintf("Sheet%zu", x->nsheets + 1);
		p = clean;
	}
	for (n = 1;; n++) {
		buf_reset(&b);
		if (n == 1) {
			cut = utf8_prefix(p, 31, SIZE_MAX);
			buf_add(&b, p, cut);
		} else {
			char suffix[24];

			snprintf(suffix, sizeof(suffix), " (%zu)", n);
			cut = utf8_prefix(p, 31 - strlen(suffix), SIZE_MAX);
			buf_add(&b, p, cut);
			buf_addstr(&b, suffix);
		}
		taken = 0;
		for (i = 0; i < x->nsheets && !taken; i++) {
			char *a = ufold_lower(x->sheets[i]->name);
			char *c = ufold_lower(b.data);

			taken = !strcmp(a, c);
			free(a);
			free(c);
		}
		if (!taken)
			break;
	}
	free(clean);
	name = buf_detach(&b, NULL);
	return name;
}

struct xlsx_sheet *
xlsx_sheet_add(struct xlsx *x, const char *name)
{
	struct xlsx_sheet *s = xcalloc(1, sizeof(*s));

	s->x = x;
	s->name = sheet_name_legal(x, name);
	s->ws = workbook_add_worksheet(x->wb, s->name);
	if (!s->ws) {
		note_error(x, LXW_ERROR_PARAMETER_VALIDATION, "worksheet", 0,
		    0);
		free(s->name);
		free(s);
		return &x->dummy;
	}
	GROW(x->sheets, x->nsheets + 1, x->asheets);
	x->sheets[x->nsheets++] = s;
	return s;
}

const char *
xlsx_sheet_name(const struct xlsx_sheet *s)
{
	return s->name ? s->name : "";
}

/* Cells. */

void
xlsx_string(struct xlsx_sheet *s, unsigned row, unsigned col,
    const char *text, unsigned style)
{
	char *clean;

	if (!s->ws)
		return;
	clean = xlsx_clean_text(text);
	note_error(s->x, worksheet_write_string(s->ws, row, (lxw_col_t)col,
	    clean, format_for(s->x, style)), "string", row, col);
	free(clean);
}

void
xlsx_number(struct xlsx_sheet *s, unsigned row, unsigned col, double v,
    unsigned style)
{
	if (!s->ws)
		return;
	if (!isfinite(v)) {
		xlsx_blank(s, row, col, style);
		return;
	}
	note_error(s->x, worksheet_write_number(s->ws, row, (lxw_col_t)col, v,
	    format_for(s->x, style)), "number", row, col);
}

void
xlsx_formula(struct xlsx_sheet *s, unsigned row, unsigned col,
    const char *formula, double cached, unsigned style)
{
	if (!s->ws)
		return;
	if (!isfinite(cached))
		cached = 0;
	note_error(s->x, worksheet_write_formula_num(s->ws, row,
	    (lxw_col_t)col, formula, format_for(s->x, style), cached),
	    "formula", row, col);
}

void
xlsx_date(struct xlsx_sheet *s, unsigned row, unsigned col, int64_t t,
    unsigned style)
{
	lxw_datetime dt;
	time_t tt = (time_t)t;
	struct tm tm;

	if (!s->ws)
		return;
	if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 < 1900 ||
	    tm.tm_year + 1900 > 9999) {
		xlsx_blank(s, row, col, style);
		return;
	}
	memset(&dt, 0, sizeof(dt));
	dt.year = tm.tm_year + 1900;
	dt.month = tm.tm_mon + 1;
	dt.day = tm.tm_mday;
	note_error(s->x, worksheet_write_datetime(s->ws, row, (lxw_col_t)col,
	    &dt, format_for(s->x, style)), "date", row, col);
}

void
xlsx_blank(struct xlsx_sheet *s, unsigned row, unsigned col, unsigned style)
{
	if (!s->ws)
		return;
	note_error(s->x, worksheet_write_blank(s->ws, row, (lxw_col_t)col,
	    format_for(s->x, style)), "blank", row, col);
}

void
xlsx_merge(struct xlsx_sheet *s, unsigned row1, unsigned col1,
    unsigned row2, unsigned col2, const char *text, unsigned style)
{
	char *clean;

	if (!s->ws)
		return;
	if (row1 == row2 && col1 == col2) {
		xlsx_string(s, row1, col1, text, style);
		return;
	}
	clean = xlsx_clean_text(text);
	note_error(s->x, worksheet_merge_range(s->ws, row1, (lxw_col_t)col1,
	    row2, (lxw_col_t)col2, clean, format_for(s->x, style)), "merge",
	    row1, col1);
	free(clean);
}

/* Images. */

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[1] << 8 | p[0];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The size of a PNG, JPEG, GIF or BMP from its first bytes; 0 or -1. */
static int
image_size(const unsigned char *h, size_t n, unsigned *w, unsigned *ht)
{
	size_t i;
	unsigned len, m;
	int32_t bh;

	*w = *ht = 0;
	if (n >= 24 && !memcmp(h, "\x89PNG\r\n\x1a\n", 8) &&
	    !memcmp(h + 12, "IHDR", 4)) {
		*w = be32(h + 16) > IMAGE_MAX_SIDE ? 0 : be32(h + 16);
		*ht = be32(h + 20) > IMAGE_MAX_SIDE ? 0 : be32(h + 20);
	} else if (n >= 10 && (!memcmp(h, "GIF87a", 6) ||
	    !memcmp(h, "GIF89a", 6))) {
		*w = le16(h + 6);
		*ht = le16(h + 8);
	} else if (n >= 26 && h[0] == 'B' && h[1] == 'M') {
		*w = le16(h + 18) | (unsigned)le16(h + 20) << 16;
		bh = (int32_t)((uint32_t)le16(h + 22) |
		    (uint32_t)le16(h + 24) << 16);
		*ht = (unsigned)(bh < 0 ? -(int64_t)bh : bh);
	} else if (n >= 4 && h[0] == 0xFF && h[1] == 0xD8) {
		for (i = 2; i + 9 < n;) {
			if (h[i] != 0xFF)
				return -1;
			m = h[i + 1];
			if (m == 0xFF) {
				i++;
				continue;
			}
			if (m == 0xD8 || m == 0x01 ||
			    (m >= 0xD0 && m <= 0xD7)) {
				i += 2;
				continue;
			}
			len = be16(h + i + 2);
			if (m >= 0xC0 && m <= 0xCF && m != 0xC4 &&
			    m != 0xC8 && m != 0xCC) {
				*ht = be16(h + i + 5);
				*w = be16(h + i + 7);
				break;
			}
			if (len < 2)
				return -1;
			i += 2 + len;
		}
	} else {
		return -1;
	}
	if (!*w || !*ht || *w > IMAGE_MAX_SIDE || *ht > IMAGE_MAX_SIDE)
		return -1;
	return 0;
}

static int
image_probe(const char *path, unsigned *w, unsigned *h)
{
	unsigned char *head = NULL;
	struct stat st;
	ssize_t n;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)IMAGE_MAX_BYTES || st.st_size < 10)
		goto out;
	head = xmalloc(IMAGE_HEAD);
	n = read(fd, head, IMAGE_HEAD);
	if (n <= 0)
		goto out;
	rc = image_size(head, (size_t)n, w, h);
out:
	free(head);
	close(fd);
	return rc;
}

int
xlsx_image(struct xlsx_sheet *s, unsigned row, unsigned col,
    const char *path, unsigned max_w, unsigned max_h, unsigned x_off,
    unsigned y_off, const char *alt, unsigned *height_px)
{
	lxw_image_options opt;
	unsigned w, h;
	double scale = 1;
	char *desc;
	lxw_error rc;

	if (height_px)
		*height_px = 0;
	if (!s->ws || !path || image_probe(path, &w, &h))
		return -1;
	if (max_w && w > max_w)
		scale = (double)max_w / w;
	if (max_h && h * scale > max_h)
		scale = (double)max_h / h;
	memset(&opt, 0, sizeof(opt));
	opt.x_offset = (int32_t)x_off;
	opt.y_offset = (int32_t)y_off;
	opt.x_scale = scale;
	opt.y_scale = scale;
	opt.object_position = LXW_OBJECT_MOVE_DONT_SIZE;
	desc = xlsx_clean_text(alt ? alt : "");
	opt.description = desc;
	rc = worksheet_insert_image_opt(s->ws, row, (lxw_col_t)col, path,
	    &opt);
	free(desc);
	if (rc != LXW_NO_ERROR)
		return -1;
	if (height_px)
		*height_px = (unsigned)(h * scale + 0.5);
	return 0;
}

/* Layout and printing. */

void
xlsx_columns(struct xlsx_sheet *s, unsigned col1, unsigned col2,
    double width, unsigned style)
{
	if (!s->ws)
		return;
	note_error(s->x, worksheet_set_column(s->ws, (lxw_col_t)col1,
	    (lxw_col_t)col2, width, format_for(s->x, style)), "column width",
	    0, col1);
}

void
xlsx_row_height(struct xlsx_sheet *s, unsigned row, double points)
{
	if (!s->ws)
		return;
	if (points > 409)
		points = 409;	/* Excel's maximum */
	note_error(s->x, worksheet_set_row(s->ws, row, points, NULL),
	    "row height", row, 0);
}

void
xlsx_freeze(struct xlsx_sheet *s, unsigned row, unsigned col)
{
	if (!s->ws)
		return;
	worksheet_freeze_panes(s->ws, row, (lxw_col_t)col);
}

void
xlsx_print_a4(struct xlsx_sheet *s, int landscape, unsigned first_repeat,
    unsigned last_repeat, const char *footer)
{
	struct buf b = BUF_INIT(240);
	char *clean;
	const char *p;

	if (!s->ws)
		return;
	worksheet_set_paper(s->ws, 9);	/* A4 */
	if (landscape)
		worksheet_set_landscape(s->ws);
	else
		worksheet_set_portrait(s->ws);
	worksheet_fit_to_pages(s->ws, 1, 0);
	worksheet_set_margins(s->ws, 0.4, 0.4, 0.5, 0.6);
	worksheet_center_horizontally(s->ws);
	if (first_repeat <= last_repeat)
		note_error(s->x, worksheet_repeat_rows(s->ws, first_repeat,
		    last_repeat), "repeat rows", first_repeat, 0);
	buf_addstr(&b, "&L&8");
	if (footer) {
		clean = xlsx_clean_text(footer);
		for (p = clean; *p && b.len < 180; p++) {
			if (*p == '\n' || *p == '\t')
				buf_addch(&b, ' ');
			else if (*p == '&')
				buf_addstr(&b, "&&");
			else
				buf_addch(&b, *p);
		}
		free(clean);
	}
	buf_addstr(&b, "&R&8Page &P of &N");
	note_error(s->x, worksheet_set_footer(s->ws, b.data), "footer", 0, 0);
	buf_release(&b);
}

void
xlsx_hide_gridlines(struct xlsx_sheet *s)
{
	if (!s->ws)
		return;
	worksheet_gridlines(s->ws, LXW_HIDE_ALL_GRIDLINES);
}

/* Charts. */

int
xlsx_chart_add(struct xlsx_sheet *at, const struct xlsx_chart *c)
{
	struct xlsx *x = at->x;
	lxw_chart *ch;
	lxw_chart_series *se;
	lxw_chart_options opt;
	lxw_chart_axis *cat_axis, *val_axis;
	const char *dname;
	char *t;
	uint8_t type;
	size_t i;
	lxw_error rc;

	if (!at->ws || !c->data || !c->data->ws || !c->nseries ||
	    c->first_row > c->last_row) {
		note_error(x, LXW_ERROR_PARAMETER_VALIDATION, "chart", c->row,
		    c->col);
		return -1;
	}
	dname = c->data->name;
	switch (c->kind) {
	case XLSX_CHART_LINE:
		type = LXW_CHART_LINE;
		break;
	case XLSX_CHART_COLUMN:
		type = LXW_CHART_COLUMN;
		break;
	default:
		type = LXW_CHART_BAR;
		break;
	}
	ch = workbook_add_chart(x->wb, type);
	if (!ch) {
		note_error(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "chart", c->row,
		    c->col);
		return -1;
	}
	for (i = 0; i < c->nseries; i++) {
		se = chart_add_series(ch, NULL, NULL);
		if (!se) {
			note_error(x, LXW_ERROR_MEMORY_MALLOC_FAILED,
			    "chart series", c->row, c->col);
			return -1;
		}
		chart_series_set_categories(se, dname, c->first_row,
		    (lxw_col_t)c->label_col, c->last_row,
		    (lxw_col_t)c->label_col);
		chart_series_set_values(se, dname, c->first_row,
		    (lxw_col_t)c->series[i].col, c->last_row,
		    (lxw_col_t)c->series[i].col);
		if (c->series[i].name) {
			t = title_text(c->series[i].name);
			chart_series_set_name(se, t);
			free(t);
		}
		if (c->labels)
			chart_series_set_labels(se);
		if (c->kind == XLSX_CHART_LINE)
			chart_series_set_marker_type(se,
			    LXW_CHART_MARKER_AUTOMATIC);
	}
	if (c->title) {
		t = title_text(c->title);
		chart_title_set_name(ch, t);
		free(t);
	}
	/* libxlsxwriter's x axis is the horizontal one: for bar charts
	 * that is the value axis. */
	cat_axis = type == LXW_CHART_BAR ? ch->y_axis : ch->x_axis;
	val_axis = type == LXW_CHART_BAR ? ch->x_axis : ch->y_axis;
	if (c->x_title) {
		t = title_text(c->x_title);
		chart_axis_set_name(cat_axis, t);
		free(t);
	}
	if (c->y_title) {
		t = title_text(c->y_title);
		chart_axis_set_name(val_axis, t);
		free(t);
	}
	if (c->kind == XLSX_CHART_FUNNEL) {
		/* First step on top, the value axis kept at the bottom. */
		chart_axis_set_reverse(cat_axis);
		chart_axis_set_crossing_max(cat_axis);
		chart_set_series_gap(ch, 40);
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
	} else if (c->nseries == 1) {
		chart_legend_set_position(ch, LXW_CHART_LEGEND_NONE);
	} else {
		chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
	}
	memset(&opt, 0, sizeof(opt));
	opt.x_scale = (c->width ? c->width : 576) / 480.0;
	opt.y_scale = (c->height ? c->height : 320) / 288.0;
	opt.object_position = LXW_OBJECT_MOVE_DONT_SIZE;
	rc = worksheet_insert_chart_opt(at->ws, c->row, (lxw_col_t)c->col, ch,
	    &opt);
	note_error(x, rc, "chart", c->row, c->col);
	return rc == LXW_NO_ERROR ? 0 : -1;
}
