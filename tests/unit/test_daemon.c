/*
 * test_daemon.c - the poller's pure parts: the backoff schedule and the
 * database lock.  The passes, IDLE and signals run against Dovecot in
 * tests/integration/poll-*.sh.
 */
#include <fcntl.h>
#include <unistd.h>

#include "unit.h"

#include "daemon.h"
#include "err.h"

static void
test_backoff(void **state)
{
	uint64_t prev = 0, d;
	unsigned f;

	(void)state;
	/* No jitter at rnd = 20 (100%): 2 s, doubling, capped. */
	assert_int_equal(daemon_backoff_ms(1, 0, 20), 2000);
	assert_int_equal(daemon_backoff_ms(2, 0, 20), 4000);
	assert_int_equal(daemon_backoff_ms(3, 0, 20), 8000);
	for (f = 1; f < 40; f++) {
		d = daemon_backoff_ms(f, 0, 20);
		assert_true(d >= prev);
		assert_true(d <= 5 * 60 * 1000);
		prev = d;
	}
	assert_int_equal(daemon_backoff_ms(1000, 0, 20), 5 * 60 * 1000);
	/* Refusals (wrong password...) wait up to 30 minutes. */
	assert_int_equal(daemon_backoff_ms(1000, 1, 20), 30 * 60 * 1000);
	/* Jitter: 80% to 120%. */
	assert_int_equal(daemon_backoff_ms(1, 0, 0), 1600);
	assert_int_equal(daemon_backoff_ms(1, 0, 40), 2400);
	assert_int_equal(daemon_backoff_ms(1, 0, 41), 1600);
	assert_int_equal(daemon_backoff_ms(0, 0, 20), 2000);
}

static void
test_lock(void **state)
{
	char dir[64], *db, *lock, buf[128];
	struct err e = ERR_INIT;
	int fd1 = -1, fd2 = -1, fd3 = -1, rfd;
	ssize_t n;

	(void)state;
	xstrlcpy(dir, "/tmp/inquiryd-lock-XXXXXX", sizeof(dir));
	assert_non_null(mkdtemp(dir));
	db = xasprintf("%s/inquiryd.db", dir);
	lock = xasprintf("%s.lock", db);

	assert_int_equal(daemon_lock(db, "run", &fd1, &e), 0);
	assert_true(fd1 >= 0);
	rfd = open(lock, O_RDONLY);
	assert_true(rfd >= 0);
	n = read(rfd, buf, sizeof(buf) - 1);
	close(rfd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, " inquiryd run\n"));

	/* A second lock (a separate open file description) is refused,
	 * naming the holder. */
	assert_int_equal(daemon_lock(db, "poll --once", &fd2, &e), -1);
	assert_int_equal(fd2, -1);
	assert_int_equal(e.kind, ERR_TEMP);
	assert_non_null(strstr(e.msg, "is in use by another inquiryd"));
	assert_non_null(strstr(e.msg, "inquiryd run"));
	assert_non_null(strstr(e.msg, db));

	/* Released with the descriptor: the next one gets it. */
	close(fd1);
	err_clear(&e);
	assert_int_equal(daemon_lock(db, "poll --once", &fd3, &e), 0);
	close(fd3);

	unlink(lock);
	rmdir(dir);
	free(lock);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
