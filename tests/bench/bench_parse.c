/*
 * bench_parse.c - parse throughput (messages per second) of the whole
 * parse stage, parse_message(): MIME, charsets, HTML, flags, forwards,
 * beside libetpan's bare MIME parse (mailmime_parse) of the same
 * messages in the same run.  Issue 4's target: at least half the bare
 * parser's speed.
 *
 *   bench_parse [-s SECONDS] [-r RULESDIR] FILE...
 *
 * Each side runs over all files in turn for at least SECONDS (default 2)
 * in all, in SLICES turns taken in alternation with the other sides, and
 * prints the messages/s and MB/s of its best turn.  With -r, the stage
 * as DESIGN.md draws it: parse_message and then sig_analyse (quoted
 * history, signature block and fields with the rules of RULESDIR); the
 * figure is that.
 */
#include <libetpan/libetpan.h>
#undef MIN
#undef MAX

#include "util.h"
#include "buf.h"
#include "err.h"
#include "parse.h"
#include "rules.h"
#include "sig.h"

#define SLICES 5	/* turns each side takes */

struct msgs {
	struct buf *v;
	size_t n;
	size_t bytes;
};

static double
run_ours(const struct msgs *m, const struct ruleset *sig_rules, double secs,
    size_t *count)
{
	uint64_t t0 = now_ms();
	size_t i, n = 0;

	do {
		for (i = 0; i < m->n; i++) {
			struct parsed_msg pm;
			struct err e = ERR_INIT;

			if (!parse_message(m->v[i].data, m->v[i].len, NULL,
			    &pm, &e) && sig_rules) {
				struct sig_result s;

				sig_analyse(sig_rules, pm.text, &pm.from, &s);
				sig_result_release(&s);
			}
			parsed_msg_release(&pm);
			n++;
		}
	} while (now_ms() - t0 < secs * 1000);
	*count = n;
	return (double)(now_ms() - t0) / 1000.0;
}

static double
run_bare(const struct msgs *m, double secs, size_t *count)
{
	uint64_t t0 = now_ms();
	size_t i, n = 0, idx;

	do {
		for (i = 0; i < m->n; i++) {
			struct mailmime *mime = NULL;

			idx = 0;
			if (mailmime_parse(m->v[i].data, m->v[i].len, &idx,
			    &mime) == MAILIMF_NO_ERROR)
				mailmime_free(mime);
			n++;
		}
	} while (now_ms() - t0 < secs * 1000);
	*count = n;
	return (double)(now_ms() - t0) / 1000.0;
}

int
main(int argc, char **argv)
{
	struct msgs m = { NULL, 0, 0 };
	double secs = 2, t_ours, t_bare, t_mime, t_hook, r_ours, r_bare, r_mime,
	    r_hook;
	size_t n_ours, n_bare, n_mime, n_hook, rounds;
	int (*hook)(const char *, const char *, const char *, size_t, char *,
	    size_t *);
	int i = 1, k;

	struct ruleset *rs = NULL;
	struct strlist errs = STRLIST_INIT;

	while (i + 1 < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-s")) {
			if (str_to_double(argv[i + 1], &secs) || secs <= 0)
				return 2;
		} else if (!strcmp(argv[i], "-r")) {
			if (ruleset_load(&rs, argv[i + 1], &errs)) {
				fprintf(stderr, "%s: cannot load rules\n",
				    argv[i + 1]);
				return 2;
			}
		} else {
			return 2;
		}
		i += 2;
	}
	m.v = xcalloc((size_t)argc, sizeof(*m.v));
	for (; i < argc; i++) {
		buf_init(&m.v[m.n], BUF_CAP_HUGE);
		if (buf_read_file(&m.v[m.n], argv[i])) {
			fprintf(stderr, "cannot read %s\n", argv[i]);
			return 1;
		}
		m.bytes += m.v[m.n].len;
		m.n++;
	}
	if (!m.n) {
		fprintf(stderr, "usage: bench_parse [-s SECONDS] FILE...\n");
		return 2;
	}
	/* Warm up: iconv and uchardet open lazily. */
	run_ours(&m, rs, 0, &n_ours);
	/* BENCH_ONLY=ours, for a profiler. */
	if (getenv("BENCH_ONLY") && !strcmp(getenv("BENCH_ONLY"), "ours")) {
		t_ours = run_ours(&m, rs, secs, &n_ours);
		printf("%.0f msg/s\n", (double)n_ours / t_ours);
		return 0;
	}
	/*
	 * The peer is libetpan as shipped.  parse_message installs a
	 * charset hook in libetpan (mime.c, refuse_charconv) that spares
	 * it decoding each Content-Type value before reading it; it is
	 * global, so it is taken out for the bare run and put back for a
	 * second one, printed beside.
	 */
	hook = extended_charconv;
	/*
	 * The sides take turns, SLICES times each for secs / SLICES, and
	 * each keeps its best slice: a burst of other work on the machine
	 * then slows one slice of a side, not the whole of one side.
	 */
	r_bare = r_hook = r_mime = r_ours = 0;
	rounds = 0;
	for (k = 0; k < SLICES; k++) {
		extended_charconv = NULL;
		t_bare = run_bare(&m, secs / SLICES, &n_bare);
		extended_charconv = hook;
		t_hook = run_bare(&m, secs / SLICES, &n_hook);
		t_mime = run_ours(&m, NULL, secs / SLICES, &n_mime);
		t_ours = rs ? run_ours(&m, rs, secs / SLICES, &n_ours) :
		    t_mime;
		if (!rs)
			n_ours = n_mime;
		r_bare = MAX(r_bare, (double)n_bare / t_bare);
		r_hook = MAX(r_hook, (double)n_hook / t_hook);
		r_mime = MAX(r_mime, (double)n_mime / t_mime);
		r_ours = MAX(r_ours, (double)n_ours / t_ours);
		rounds += n_ours / m.n;
	}
	printf("%zu messages, %.1f KiB, %zu rounds of the whole stage\n", m.n,
	    (double)m.bytes / 1024, rounds);
	printf("%-38s %10.0f msg/s %8.1f MB/s\n",
	    "libetpan mailmime_parse (bare)", r_bare,
	    r_bare * (double)m.bytes / (double)m.n / 1e6);
	printf("%-38s %10.0f msg/s %8.1f MB/s\n",
	    "  the same with inquiryd's charset hook", r_hook,
	    r_hook * (double)m.bytes / (double)m.n / 1e6);
	printf("%-38s %10.0f msg/s %8.1f MB/s\n",
	    "parse_message (MIME, charset, HTML)", r_mime,
	    r_mime * (double)m.bytes / (double)m.n / 1e6);
	if (rs)
		printf("%-38s %10.0f msg/s %8.1f MB/s\n",
		    "+ sig_analyse (history, signature)", r_ours,
		    r_ours * (double)m.bytes / (double)m.n / 1e6);
	printf("# figure: parse stage%s %.0f msg/s = %.2fx libetpan's bare "
	    "MIME parse (%.0f msg/s); target >= 0.5x: %s\n",
	    rs ? "" : " without signature work (no -r)", r_ours,
	    r_ours / r_bare, r_bare, r_ours >= r_bare / 2 ? "met" :
	    "NOT met");
	for (i = 0; (size_t)i < m.n; i++)
		buf_release(&m.v[i]);
	ruleset_free(rs);
	strlist_release(&errs);
	free(m.v);
	return 0;
}
