/*
 * test_source.c - messages out of .eml files, mbox files, Maildirs and
 * directories, with the size cap.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "err.h"
#include "source.h"

static char tmpdir[64];

static void
write_file(const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", tmpdir, rel);
	FILE *fp = fopen(p, "wb");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

static int
setup(void **state)
{
	(void)state;
	xstrlcpy(tmpdir, "/tmp/inquiryd-source-XXXXXX", sizeof(tmpdir));
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc ? -1 : 0;
}

/* Reads every message of path into out as "len:first-line" strings. */
static void
read_all(const char *path, size_t cap, struct strlist *out)
{
	struct err e = ERR_INIT;
	struct source *src = source_open(path, cap, &e);
	struct source_msg m;
	int n;

	assert_non_null(src);
	while ((n = source_next(src, &m, &e)) != 0) {
		assert_int_equal(n, 1);
		if (m.too_big)
			strlist_pushf(out, "too big %zu", m.size);
		else
			strlist_pushf(out, "%zu:%.*s", m.len,
			    (int)strcspn(m.raw, "\r\n"), m.raw);
		assert_non_null(m.where);
	}
	source_close(src);
}

static void
test_mbox(void **state)
{
	struct strlist l = STRLIST_INIT;
	char *path = xasprintf("%s/box.mbox", tmpdir);
	struct err e = ERR_INIT;
	struct source *src;
	struct source_msg m;

	(void)state;
	write_file("box.mbox",
	    "From a@x Mon Nov 23 10:00:00 2026\n"
	    "Subject: one\n\nbody one\n>From the mboxrd escape\n\n"
	    "From b@y Mon Nov 23 11:00:00 2026\n"
	    "Subject: two\n\nFrom inside a line is kept\n\n"
	    "From c@z Mon Nov 23 12:00:00 2026\n"
	    "Subject: three\n\nlast\n");
	read_all(path, 1000, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "46:Subject: one");
	assert_string_equal(l.v[2], "21:Subject: three");
	assert_int_equal(source_count(path, NULL), 3);
	/* The escape is undone and the separator line is not kept. */
	src = source_open(path, 1000, &e);
	assert_int_equal(source_next(src, &m, &e), 1);
	assert_memory_equal(m.raw + m.len - 23, "From the mboxrd escape\n",
	    23);
	source_close(src);
	strlist_release(&l);
	/* The cap: too big messages come with their size, not their bytes. */
	read_all(path, 30, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "too big 48");
	assert_string_equal(l.v[2], "21:Subject: three");
	strlist_release(&l);
	free(path);
}

static void
test_maildir_and_dir(void **state)
{
	struct strlist l = STRLIST_INIT;
	char *p;

	(void)state;
	p = xasprintf("%s/md", tmpdir);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/md/cur", tmpdir);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/md/new", tmpdir);
	mkdir(p, 0700);
	free(p);
	p = xasprintf("%s/md/tmp", tmpdir);
	mkdir(p, 0700);
	free(p);
	write_file("md/new/1.host", "Subject: new one\n\nx\n");
	write_file("md/cur/2.host:2,S", "Subject: seen one\n\nx\n");
	write_file("a.eml", "Subject: loose\n\nx\n");
	write_file("notes.txt", "not a message\n");
	p = xasprintf("%s/md", tmpdir);
	read_all(p, 1000, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "20:Subject: new one");
	assert_int_equal(source_count(p, NULL), 2);
	free(p);
	strlist_release(&l);
	/* The directory: a.eml, box.mbox (test_mbox) and the Maildir, in
	 * name order; notes.txt is skipped. */
	read_all(tmpdir, 1000, &l);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.v[0], "18:Subject: loose");
	assert_string_equal(l.v[1], "46:Subject: one");
	assert_string_equal(l.v[5], "21:Subject: seen one");
	assert_int_equal(source_count(tmpdir, NULL), 6);
	strlist_release(&l);
}

/*
 * A folder the walk skips (inquiryd's drafts folder inside the one being
 * imported, say) is neither read nor counted: the folder of the tests
 * above without its Maildir.
 */
static void
test_skip(void **state)
{
	char *skip[2] = { NULL, NULL }, *p;
	struct err e = ERR_INIT;
	struct source *src;
	struct source_msg m;
	size_t n = 0;

	(void)state;
	p = xasprintf("%s/md", tmpdir);
	skip[0] = realpath(p, NULL);
	free(p);
	assert_non_null(skip[0]);
	assert_int_equal(source_count(tmpdir, skip), 4);
	src = source_open(tmpdir, 1000, &e);
	assert_non_null(src);
	source_skip(src, skip);
	while (source_next(src, &m, &e) == 1)
		n++;
	assert_int_equal(n, 4);
	source_close(src);
	free(skip[0]);
}

static void
test_missing(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	assert_null(source_open("/nonexistent/x.eml", 100, &e));
	assert_non_null(strstr(e.msg, "/nonexistent/x.eml"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mbox),
		cmocka_unit_test(test_maildir_and_dir),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
