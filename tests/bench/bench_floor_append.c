/*
 * bench_floor_append.c - the APPEND floor of the end-to-end benchmark
 * (tests/bench/e2e.sh): libetpan alone APPENDing the drafts that inquiryd
 * wrote (every .eml of a directory, in name order) to an IMAP folder, each
 * with the \Draft flag, over one IMAPS session.  Timed: the connect, the
 * login, reading each file and its APPEND; no certificate check, no
 * UIDPLUS bookkeeping, no database.
 *
 *   bench_floor_append HOST PORT USER PASSWORD_FILE MAILBOX DIR
 *
 * Prints "drafts=N bytes=B seconds=S per_draft_ms=M".  Exit status 1 when
 * the server refuses anything.
 */
#include <dirent.h>

#include <libetpan/libetpan.h>

#undef MIN
#undef MAX

#include "buf.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
ok(int r)
{
	return r == MAILIMAP_NO_ERROR || r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED;
}

int
main(int argc, char **argv)
{
	struct strlist files = STRLIST_INIT;
	struct buf pw = BUF_INIT(BUF_CAP_LINE);
	struct mailimap *im = NULL;
	struct dirent *de;
	DIR *dir;
	long port;
	size_t i, bytes = 0;
	double t0, t;
	int r, rc = 1;

	if (argc != 7 || str_to_long(argv[2], 1, 65535, &port)) {
		fprintf(stderr, "usage: bench_floor_append HOST PORT USER "
		    "PASSWORD_FILE MAILBOX DIR\n");
		return 2;
	}
	if (buf_read_file(&pw, argv[4])) {
		perror(argv[4]);
		return 2;
	}
	while (pw.len && (pw.data[pw.len - 1] == '\n' ||
	    pw.data[pw.len - 1] == '\r'))
		pw.data[--pw.len] = '\0';
	dir = opendir(argv[6]);
	if (!dir) {
		perror(argv[6]);
		return 2;
	}
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.' && ends_with(de->d_name, ".eml"))
			strlist_pushf(&files, "%s/%s", argv[6], de->d_name);
	closedir(dir);
	qsort(files.v, files.n, sizeof(*files.v), by_name);

	t0 = now_s();
	im = mailimap_new(0, NULL);
	if (!im)
		goto out;
	r = mailimap_ssl_connect(im, argv[1], (uint16_t)port);
	if (!ok(r)) {
		fprintf(stderr, "bench_floor_append: connect: %d\n", r);
		goto out;
	}
	r = mailimap_login(im, argv[3], pw.data);
	if (!ok(r)) {
		fprintf(stderr, "bench_floor_append: login: %d\n", r);
		goto out;
	}
	mailimap_create(im, argv[5]);	/* it may exist already */
	for (i = 0; i < files.n; i++) {
		struct buf b = BUF_INIT(BUF_CAP_HUGE);
		struct mailimap_flag_list *fl;

		if (buf_read_file(&b, files.v[i])) {
			perror(files.v[i]);
			buf_release(&b);
			goto out;
		}
		fl = mailimap_flag_list_new_empty();
		mailimap_flag_list_add(fl, mailimap_flag_new_draft());
		r = mailimap_append(im, argv[5], fl, NULL, b.data, b.len);
		mailimap_flag_list_free(fl);
		bytes += b.len;
		buf_release(&b);
		if (!ok(r)) {
			fprintf(stderr, "bench_floor_append: APPEND %s: %d\n",
			    files.v[i], r);
			goto out;
		}
	}
	mailimap_logout(im);
	t = now_s() - t0;
	printf("drafts=%zu bytes=%zu seconds=%.3f per_draft_ms=%.3f\n",
	    files.n, bytes, t, files.n ? t * 1e3 / files.n : 0.0);
	rc = 0;
out:
	if (im)
		mailimap_free(im);
	strlist_release(&files);
	buf_release(&pw);
	return rc;
}
