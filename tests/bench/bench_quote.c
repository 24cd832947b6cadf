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
#include "sheet-floor.h"

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
