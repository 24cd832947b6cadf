/*
 * bench_quote.c - quote sheets per second (quote_write, which cleans
 * every string, lays the sheet out and publishes it under a unique name)
 * beside the floor measured in the same run: a bare libxlsxwriter loop
 * writing a workbook of the same shape (the same cells, merges, formats,
 * formulas and print setup) to a fixed name.  Target: at least 0.7 of
 * the floor.  Also printed: offers per second (offer_build alone: the
 * catalog matching and the outline checks), and both together.  Rates
 * are per second of this process's CPU time, best of five rounds.
 *
 *   build/bench/bench_quote [SHEETS_PER_ROUND]     (run from the top)
 */
#include <stdint.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "conf.h"
#include "err.h"
#include "quote.h"

#define ROUNDS 5

/*
 * CPU time of this process (user and system): the machine is shared, and
 * wall-clock rates swing with the other jobs' load.
 */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

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

int
main(int argc, char **argv)
{
	struct conf c;
	struct catalog cat;
	struct strlist errs = STRLIST_INIT;
	struct parsed_msg pm;
	struct sig_result s;
	struct verdict v;
	struct requirement req[] = {
		{ "product", "Waterproof bluetooth speakers", NULL },
		{ "quantity", "5,000 pcs", NULL },
		{ "product", "power banks 10000mAh", NULL },
		{ "quantity", "2000 pcs", NULL },
		{ "product", "tote bags", NULL },
		{ "quantity", "10k", NULL },
		{ "certification", "CE, UL", NULL },
	};
	struct offer o;
	struct err e = ERR_INIT;
	char dir[] = "/tmp/inquiryd-bench-XXXXXX", *path, *bare;
	long per = argc > 1 ? strtol(argv[1], NULL, 10) : 100, i;
	double t, ours = 0, floor_ = 0, build = 0, both = 0, rate;
	int round;

	if (per <= 0 || catalog_load(&cat, "contrib/catalog.csv", &errs) ||
	    conf_load(&c, "contrib/inquiryd.conf.sample", &errs) ||
	    !mkdtemp(dir)) {
		fprintf(stderr, "bench_quote: run from the top of the tree\n");
		return 2;
	}
	bare = xasprintf("%s/bare.xlsx", dir);
	memset(&pm, 0, sizeof(pm));
	memset(&s, 0, sizeof(s));
	memset(&v, 0, sizeof(v));
	pm.from.addr = "jick@acme-trading.co.uk";
	s.f.company = "ACME Trading Co., Ltd.";
	s.f.name = "John Jick";
	s.f.salutation = "Mr";
	v.cls = CLASS_DETAILED;
	v.req = req;
	v.nreq = ARRAY_SIZE(req);
	offer_build(&c, &cat, &pm, &s, &v, NULL, 1, 1772409600, &o);
	/* Best of ROUNDS for each, interleaved, so that a busy machine
	 * slows both alike. */
	for (round = 0; round < 2 * ROUNDS; round++) {
		/* floor and sheets take turns at going first */
		if ((round & 1) == (round / 2 & 1)) {
			t = now_s();
			for (i = 0; i < per; i++)
				bare_sheet(bare, &o);
			rate = per / (now_s() - t);
			floor_ = rate > floor_ ? rate : floor_;
			continue;
		}
		t = now_s();
		for (i = 0; i < per; i++) {
			if (quote_write(&c, &o, dir, &path, &e)) {
				fprintf(stderr, "bench_quote: %s\n", e.msg);
				return 1;
			}
			unlink(path);
			free(path);
		}
		rate = per / (now_s() - t);
		ours = rate > ours ? rate : ours;
	}
	for (round = 0; round < ROUNDS; round++) {
		t = now_s();
		for (i = 0; i < per; i++) {
			struct offer o2;

			offer_build(&c, &cat, &pm, &s, &v, NULL, i, 1772409600,
			    &o2);
			offer_release(&o2);
		}
		rate = per / (now_s() - t);
		build = rate > build ? rate : build;
	}
	both = 1 / (1 / ours + 1 / build);
	unlink(bare);
	rmdir(dir);
	printf("quote sheets: %.0f/s of CPU (quote_write, %zu items)\n", ours,
	    o.nitems);
	printf("floor:        %.0f/s (bare libxlsxwriter, same shape)\n",
	    floor_);
	printf("offers:       %.0f/s (offer_build alone); with the sheet "
	    "%.0f/s\n", build, both);
	printf("ratio:        %.2f (target >= 0.70) %s\n", ours / floor_,
	    ours / floor_ >= 0.7 ? "PASS" : "FAIL");
	offer_release(&o);
	catalog_release(&cat);
	conf_release(&c);
	strlist_release(&errs);
	free(bare);
	return ours / floor_ >= 0.7 ? 0 : 1;
}
