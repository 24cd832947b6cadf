/*
 * rules-floor.c - the classification floor of the poll benchmark
 * (tests/bench/poll.sh): the shipped rules' compiled patterns run by
 * PCRE2 JIT in a bare loop over the texts of a directory of .eml files.
 *
 *   rules-floor RULES_DIR EML_DIR
 *
 * Each message is parsed (not timed) for its subject and text, then every
 * pattern rule whose target is the subject, the visible text, the body or
 * "any" runs over its text with rx_exec(), up to its max_hits matches
 * (timed): the same compiled patterns (rule_rx) as classification, with
 * none of its bookkeeping.  Messages are read one at a time, so memory
 * stays flat whatever their number.
 *
 * Prints "messages=N seconds=S per_msg_ms=M mode=bare hits=N".
 */
#include <dirent.h>
#include <sys/stat.h>

#include "buf.h"
#include "err.h"
#include "parse.h"
#include "rules.h"
#include "rx.h"

static unsigned
bare_matches(const struct rx *rx, const char *text, size_t len,
    struct rx_scratch *sc, unsigned max)
{
	size_t start = 0, s, e;
	unsigned n = 0;

	while (n < max && start <= len &&
	    rx_exec(rx, text, len, start, sc, NULL, 0) == RX_MATCH) {
		rx_group(sc, 0, &s, &e);
		n++;
		start = e > start ? e : s + 1;
	}
	return n;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	struct ruleset *rs = NULL;
	struct strlist errors = STRLIST_INIT, files = STRLIST_INIT;
	struct rx_scratch *sc;
	struct dirent *de;
	DIR *dir;
	uint64_t ns = 0;
	size_t i, k, nrules, n = 0;
	unsigned long sink = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: rules-floor RULES_DIR EML_DIR\n");
		return 2;
	}
	if (ruleset_load(&rs, argv[1], &errors)) {
		for (i = 0; i < errors.n; i++)
			fprintf(stderr, "%s\n", errors.v[i]);
		return 2;
	}
	dir = opendir(argv[2]);
	if (!dir) {
		perror(argv[2]);
		return 2;
	}
	while ((de = readdir(dir)) != NULL)
		if (ends_with(de->d_name, ".eml"))
			strlist_pushf(&files, "%s/%s", argv[2], de->d_name);
	closedir(dir);
	qsort(files.v, files.n, sizeof(*files.v), by_name);
	nrules = ruleset_count(rs);
	sc = rx_scratch_new(NULL, 64);
	for (i = 0; i < files.n; i++) {
		struct buf b = BUF_INIT(BUF_CAP_HUGE);
		struct parsed_msg pm;
		struct err e = ERR_INIT;
		struct timespec t0, t1;

		if (buf_read_file(&b, files.v[i]) ||
		    parse_message(b.data, b.len, NULL, &pm, &e)) {
			buf_release(&b);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (k = 0; k < nrules; k++) {
			const struct rule *ru = ruleset_rule(rs, k);
			const struct rx *rx = rule_rx(ru);
			const char *txt;

			if (!rx)
				continue;
			if (!strcmp(ru->target, "subject"))
				txt = pm.subject;
			else if (!strcmp(ru->target, "visible") ||
			    !strcmp(ru->target, "body") ||
			    !strcmp(ru->target, "any"))
				txt = pm.text;
			else
				continue;
			if (txt)
				sink += bare_matches(rx, txt, strlen(txt), sc,
				    MAX(ru->max_hits, MAX(ru->min_hits, 1u)));
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ns += (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u +
		    (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
		n++;
		parsed_msg_release(&pm);
		buf_release(&b);
	}
	printf("messages=%zu seconds=%.3f per_msg_ms=%.3f mode=bare hits=%lu\n",
	    n, ns / 1e9, n ? ns / 1e6 / n : 0.0, sink);
	rx_scratch_free(sc);
	ruleset_free(rs);
	strlist_release(&files);
	strlist_release(&errors);
	return 0;
}
