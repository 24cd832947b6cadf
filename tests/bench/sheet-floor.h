/*
 * sheet-floor.h - the quote sheet's shape written straight with
 * libxlsxwriter, with none of quote.c's cleaning, naming or publishing:
 * the floor of tests/bench/bench_quote.c and bench_floor_xlsx.c.
 * Included by one bench program each (a static function).
 */
#ifndef SHEET_FLOOR_H
#define SHEET_FLOOR_H

#include <xlsxwriter.h>

#include "quote.h"

/* The floor: the quote sheet's shape written straight with libxlsxwriter. */
static void
bare_sheet(const char *path, const struct offer *o)
{
	lxw_workbook_options opt = { .constant_memory = LXW_FALSE,
	    .tmpdir = "/tmp" };
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Quotation");
	lxw_format *title = workbook_add_format(wb), *bold =
	    workbook_add_format(wb), *head = workbook_add_format(wb), *cell =
	    workbook_add_format(wb), *money = workbook_add_format(wb), *wrap =
	    workbook_add_format(wb), *date = workbook_add_format(wb);
	lxw_datetime dt = { 2026, 3, 2, 0, 0, 0 };
	char f[64];
	unsigned r, i;
	double total = 0;

	format_set_font_size(title, 18);
	format_set_bold(title);
	format_set_bold(bold);
	format_set_bold(head);
	format_set_bg_color(head, 0x1F4E78);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_border(cell, LXW_BORDER_THIN);
	format_set_text_wrap(cell);
	format_set_border(money, LXW_BORDER_THIN);
	format_set_num_format(money, "#,##0.00");
	format_set_text_wrap(wrap);
	format_set_num_format(date, "yyyy-mm-dd");
	worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
	worksheet_set_column(ws, 0, 0, 5, NULL);
	worksheet_set_column(ws, 1, 1, 12, NULL);
	worksheet_set_column(ws, 2, 2, 42, NULL);
	worksheet_set_column(ws, 3, 8, 11, NULL);
	worksheet_merge_range(ws, 0, 0, 0, 8, o->title, title);
	worksheet_set_row(ws, 0, 36, NULL);
	for (r = 2; r < 6; r++)
		worksheet_merge_range(ws, r, 0, r, 2, "Shenzhen Example Gifts",
		    bold);
	worksheet_merge_range(ws, 7, 0, 7, 2, "QUOTATION TO", bold);
	worksheet_merge_range(ws, 7, 3, 7, 8, "QUOTATION DETAILS", bold);
	for (r = 8; r < 14; r++) {
		worksheet_merge_range(ws, r, 0, r, 1, "Label", bold);
		worksheet_write_string(ws, r, 2, "value", wrap);
		worksheet_merge_range(ws, r, 3, r, 4, "Label", bold);
		worksheet_merge_range(ws, r, 5, r, 8, "", wrap);
		if (r == 9 || r == 10)
			worksheet_write_datetime(ws, r, 5, &dt, date);
		else
			worksheet_write_string(ws, r, 5, "value", wrap);
	}
	for (i = 0; i < 9; i++)
		worksheet_write_string(ws, 15, i, "Header", head);
	worksheet_freeze_panes(ws, 16, 0);
	for (i = 0, r = 16; i < o->nitems; i++, r++) {
		double amount = o->items[i].qty * o->items[i].unit_price;

		worksheet_write_number(ws, r, 0, i + 1, cell);
		worksheet_write_string(ws, r, 1, o->items[i].p->sku, cell);
		worksheet_write_string(ws, r, 2, o->items[i].p->spec, cell);
		worksheet_write_number(ws, r, 3, o->items[i].p->moq, cell);
		worksheet_write_number(ws, r, 4, o->items[i].qty, cell);
		worksheet_write_string(ws, r, 5, "pcs", cell);
		worksheet_write_number(ws, r, 6, o->items[i].unit_price, money);
		snprintf(f, sizeof(f), "=E%u*G%u", r + 1, r + 1);
		worksheet_write_formula_num(ws, r, 7, f, money, amount);
		worksheet_write_string(ws, r, 8, "20-25 days", cell);
		worksheet_set_row(ws, r, 60, NULL);
		total += amount;
	}
	worksheet_merge_range(ws, r, 3, r, 6, "TOTAL", bold);
	snprintf(f, sizeof(f), "=SUM(H17:H%u)", r);
	worksheet_write_formula_num(ws, r, 7, f, money, total);
	worksheet_write_string(ws, r, 8, "USD", bold);
	for (i = 0, r += 2; i < 3 + o->to_confirm.n; i++, r++)
		worksheet_merge_range(ws, r, 0, r, 8, "A note for the customer",
		    wrap);
	worksheet_set_paper(ws, 9);
	worksheet_set_portrait(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, 15, 15);
	worksheet_set_footer(ws, "&LQ-1&RPage &P of &N");
	workbook_close(wb);
}

#endif
