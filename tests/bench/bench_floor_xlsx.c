/*
 * bench_floor_xlsx.c - the quote-sheet floor of the end-to-end benchmark
 * (tests/bench/e2e.sh): libxlsxwriter alone writing N workbooks of the
 * quote sheet's shape (tests/bench/sheet-floor.h: the same cells, merges,
 * formats, formulas and print setup as quote_write) with ITEMS item rows
 * each, to N distinct files under DIR, as inquiryd writes one file per
 * quote.  The offer is built once, untimed, from the sample catalog;
 * the heap is never trimmed between sheets (mallopt).
 *
 *   build/bench/bench_floor_xlsx N ITEMS DIR      (run from the top)
 *
 * Prints "sheets=N items=I seconds=S per_sheet_ms=M" (wall clock).
 */
#include <malloc.h>
#include <stdint.h>
#include <unistd.h>

#include "conf.h"
#include "err.h"
#include "quote.h"
#include "sheet-floor.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static char products[][32] = {
		"Waterproof bluetooth speakers", "power banks 10000mAh",
		"tote bags",
	};
	struct requirement req[2 * 3];
	struct conf c;
	struct catalog cat;
	struct strlist errs = STRLIST_INIT;
	struct parsed_msg pm;
	struct sig_result s;
	struct verdict v;
	struct offer o;
	size_t nitems, i;
	long n, items, k;
	double t;

	if (argc != 4 || str_to_long(argv[1], 0, 10000000, &n) ||
	    str_to_long(argv[2], 1, 3, &items)) {
		fprintf(stderr, "usage: bench_floor_xlsx N ITEMS(1-3) DIR\n");
		return 2;
	}
	if (catalog_load(&cat, "contrib/catalog.csv", &errs) ||
	    conf_load(&c, "contrib/inquiryd.conf.sample", &errs)) {
		fprintf(stderr, "bench_floor_xlsx: run from the top of the "
		    "tree\n");
		return 2;
	}
	for (i = 0; i < (size_t)items; i++) {
		req[2 * i] = (struct requirement){ "product", products[i],
		    NULL };
		req[2 * i + 1] = (struct requirement){ "quantity", "1000 pcs",
		    NULL };
	}
	memset(&pm, 0, sizeof(pm));
	memset(&s, 0, sizeof(s));
	memset(&v, 0, sizeof(v));
	pm.from.addr = "buyer1@d0001-bench.test";
	s.f.company = "ACME Trading Co., Ltd.";
	s.f.name = "John Jick";
	s.f.salutation = "Mr";
	v.cls = CLASS_DETAILED;
	v.req = req;
	v.nreq = 2 * (size_t)items;
	offer_build(&c, &cat, &pm, &s, &v, NULL, 1, 1772409600, &o);
	/* No heap trimming between sheets: each workbook's big buffers
	 * would otherwise go back to the kernel and fault in again, which
	 * on this kind of VM costs more than the writing (the floor is the
	 * writing). */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	nitems = o.nitems;
	o.nitems = MIN(o.nitems, (size_t)items);
	t = now_s();
	for (k = 0; k < n; k++) {
		char *path = xasprintf("%s/floor-%07ld.xlsx", argv[3], k);

		bare_sheet(path, &o);
		free(path);
	}
	t = now_s() - t;
	printf("sheets=%ld items=%zu seconds=%.3f per_sheet_ms=%.3f\n", n,
	    o.nitems, t, n ? t * 1e3 / n : 0.0);
	o.nitems = nitems;
	offer_release(&o);
	catalog_release(&cat);
	conf_release(&c);
	strlist_release(&errs);
	return 0;
}
