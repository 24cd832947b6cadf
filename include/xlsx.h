/*
 * xlsx.h - writing XLSX workbooks for quote sheets and reports.  The only
 * module that calls libxlsxwriter; its callers see plain C types.
 *
 * A workbook is opened on a path, filled sheet by sheet with typed cells
 * (string, number, formula with its cached result, date, image), styles,
 * column widths, merged ranges, frozen panes, A4 print setup and charts
 * drawn from a table on a sheet, then closed, which writes the file.
 *
 * Customer text is safe in every call that takes text: strings are always
 * written as string cells, never as formulas or links, so "=HYPERLINK(..)",
 * "@SUM(1)" or "+cmd|' /C calc'!A0" stay text.  Text is made valid UTF-8,
 * control characters other than tab and newline are dropped, Excel's
 * "_xHHHH_" escapes are themselves escaped, and strings are cut at Excel's
 * 32,767 characters.  Only xlsx_formula() writes a formula: give it
 * formulas built by our code from cell references (xlsx_ref), never
 * customer text.
 *
 * Errors are sticky, like a stdio stream's: a cell call that fails (a
 * row past Excel's limits, out of memory) records the first error and the
 * rest carry on; xlsx_close() reports it.  So the writing code needs no
 * check after each cell.
 */
#ifndef INQUIRYD_XLSX_H
#define INQUIRYD_XLSX_H

#include <stdint.h>

#include "util.h"

struct err;
struct xlsx;		/* a workbook being written */
struct xlsx_sheet;	/* one of its worksheets, owned by the workbook */

/* Excel's limits. */
#define XLSX_MAX_ROWS		1048576u
#define XLSX_MAX_COLS		16384u
#define XLSX_MAX_STRING		32767u	/* characters in a cell */

/* Cell styles, combined with '|'; 0 is the default style. */
enum xlsx_style {
	XS_BOLD = 1u << 0,
	XS_ITALIC = 1u << 1,
	XS_BORDER = 1u << 2,	/* thin border all round */
	XS_WRAP = 1u << 3,	/* wrap text */
	XS_CENTER = 1u << 4,	/* centred horizontally */
	XS_RIGHT = 1u << 5,	/* right-aligned */
	XS_VCENTER = 1u << 6,	/* centred vertically (default: top) */
	XS_TITLE = 1u << 7,	/* 18 pt bold, dark blue */
	XS_SUBTITLE = 1u << 8,	/* 13 pt bold */
	XS_HEADER = 1u << 9,	/* table header: bold, white on dark blue,
				   border, wrap, centred */
	XS_TOTAL = 1u << 10,	/* bold with a double top border */
	XS_SMALL = 1u << 11,	/* 9 pt grey, for notes */
	XS_MONEY = 1u << 12,	/* #,##0.00 */
	XS_INT = 1u << 13,	/* #,##0 */
	XS_DECIMAL = 1u << 14,	/* #,##0.0 */
	XS_PERCENT = 1u << 15,	/* 0.0% */
	XS_DATE = 1u << 16,	/* yyyy-mm-dd */
	XS_SHADE = 1u << 17,	/* light grey fill */
	XS_MARK = 1u << 18,	/* light yellow fill: look here */
	XS_LEFT = 1u << 19,	/* left-aligned (numbers and dates too) */
	XS_PRICE = 1u << 20,	/* #,##0.00## : 2 to 4 decimals */
};

/*
 * Opens a workbook that xlsx_close() will write to path (libxlsxwriter's
 * temporary files go beside it, on the same disk).  Nothing is written
 * before xlsx_close.  Returns 0 and *out, or -1 with e.
 */
int xlsx_open(struct xlsx **out, const char *path, struct err *e);

/*
 * Sets the document properties (title, author, company; NULL for none)
 * and the creation time (seconds since the epoch, 0 for now).
 */
void xlsx_properties(struct xlsx *x, const char *title, const char *author,
    const char *company, int64_t created);

/*
 * Writes the file and frees x, whatever happens.  Returns 0, or -1 with e
 * (ERR_TEMP for an I/O error such as a full disk, ERR_PERM for anything
 * else, e.g. a sticky error from a cell call); on failure nothing is left
 * at the path.
 */
int xlsx_close(struct xlsx *x, struct err *e);

/* Frees x without keeping a file (anything at the path is removed). */
void xlsx_discard(struct xlsx *x);

/*
 * Adds a worksheet.  name is made legal (no []:*?/\, at most 31
 * characters, unique in the workbook; NULL or "" gives "Sheet<N>").
 * Never NULL; on failure the error is sticky and a dummy sheet that
 * ignores every call is returned.
 */
struct xlsx_sheet *xlsx_sheet_add(struct xlsx *x, const char *name);
/* The legal name the sheet was given. */
const char *xlsx_sheet_name(const struct xlsx_sheet *s);

/* Cells; rows and columns count from 0. */
void xlsx_string(struct xlsx_sheet *s, unsigned row, unsigned col,
    const char *text, unsigned style);
/* A number; NaN and infinities are written as an empty cell. */
void xlsx_number(struct xlsx_sheet *s, unsigned row, unsigned col,
    double v, unsigned style);
/*
 * A formula ("=SUM(I12:I14)", built by our code) with the value it
 * computes stored as its cached result, so that readers that do not
 * recalculate show it.
 */
void xlsx_formula(struct xlsx_sheet *s, unsigned row, unsigned col,
    const char *formula, double cached, unsigned style);
/* The UTC date of t as a date cell (use XS_DATE to show it as a date). */
void xlsx_date(struct xlsx_sheet *s, unsigned row, unsigned col, int64_t t,
    unsigned style);
void xlsx_blank(struct xlsx_sheet *s, unsigned row, unsigned col,
    unsigned style);
/* Merges the range and writes text (a string cell) in it. */
void xlsx_merge(struct xlsx_sheet *s, unsigned row1, unsigned col1,
    unsigned row2, unsigned col2, const char *text, unsigned style);

/*
 * Inserts a PNG, JPEG, GIF or BMP at the cell, scaled down to fit
 * max_w x max_h pixels (0: no limit) and offset by x_off, y_off pixels;
 * alt is its description for screen readers (may be NULL).  The file is
 * checked first (readable, at most 5 MiB, a known image type with sane
 * dimensions).  *height_px, if given, gets the height drawn.  Returns 0,
 * or -1 when the image is left out (not a sticky error).
 */
int xlsx_image(struct xlsx_sheet *s, unsigned row, unsigned col,
    const char *path, unsigned max_w, unsigned max_h, unsigned x_off,
    unsigned y_off, const char *alt, unsigned *height_px);

/* Widths of columns col1..col2 in characters; a default style for them. */
void xlsx_columns(struct xlsx_sheet *s, unsigned col1, unsigned col2,
    double width, unsigned style);
/* The height of a row in points. */
void xlsx_row_height(struct xlsx_sheet *s, unsigned row, double points);
/* Freezes the rows above row and the columns left of col. */
void xlsx_freeze(struct xlsx_sheet *s, unsigned row, unsigned col);
/*
 * Print setup: A4, portrait or landscape, fitted to one page wide (as
 * many pages tall as needed), narrow margins, rows first_repeat to
 * last_repeat repeated on every page (first_repeat > last_repeat: none),
 * and footer text (our text; '&' is printed as is) beside "Page N of M".
 */
void xlsx_print_a4(struct xlsx_sheet *s, int landscape,
    unsigned first_repeat, unsigned last_repeat, const char *footer);
/* Hides the grid lines on screen and on paper. */
void xlsx_hide_gridlines(struct xlsx_sheet *s);

/*
 * "B3" for row 2, col 1, with '$' before the column and row when
 * absolute.  out must hold 16 bytes; returns out.
 */
char *xlsx_ref(unsigned row, unsigned col, int absolute, char out[16]);

/* Charts drawn from a table on a sheet of the same workbook. */
enum xlsx_chart_kind {
	XLSX_CHART_FUNNEL,	/* horizontal bars, first row on top, values
				   as labels, no legend: inquiry -> won */
	XLSX_CHART_BAR,		/* horizontal bars */
	XLSX_CHART_COLUMN,	/* vertical bars */
	XLSX_CHART_LINE,	/* lines with markers, e.g. a weekly trend */
};

struct xlsx_series {
	const char *name;	/* legend text (plain text) */
	unsigned col;		/* the values: this column, over the rows */
};

struct xlsx_chart {
	enum xlsx_chart_kind kind;
	const char *title;	/* plain text, NULL for none */
	const char *x_title;	/* category axis title, NULL for none */
	const char *y_title;	/* value axis title, NULL for none */
	struct xlsx_sheet *data;	/* the sheet holding the table */
	unsigned first_row;	/* the table's data rows (not its header) */
	unsigned last_row;
	unsigned label_col;	/* the categories: week, step, country... */
	const struct xlsx_series *series;
	size_t nseries;
	unsigned row, col;	/* where the chart's top left corner goes */
	unsigned width, height;	/* pixels; 0 for 576 x 320 */
	int labels;		/* show values on the points or bars */
};

/*
 * Draws the chart on sheet at (the same sheet as c->data or another).
 * Returns 0, or -1 with the error made sticky.
 */
int xlsx_chart_add(struct xlsx_sheet *at, const struct xlsx_chart *c);

/*
 * The text as it will be stored: valid UTF-8, controls dropped, "_xHHHH_"
 * escaped, cut at XLSX_MAX_STRING characters.  malloc'd.  Exposed for the
 * tests.
 */
char *xlsx_clean_text(const char *text);

#endif
