/*
 * test_evloop.c - timers in order, fds, signals through the self-pipe.
 */
#include <signal.h>
#include <unistd.h>
#include <poll.h>

#include "unit.h"

#include "evloop.h"

static char order[16];
static size_t norder;

static void
tick(struct evloop *ev, void *arg)
{
	(void)ev;
	order[norder++] = *(const char *)arg;
}

static void
test_timers(void **state)
{
	struct evloop *ev = evloop_new();
	uint64_t id, t0 = now_ms();

	(void)state;
	norder = 0;
	evloop_timer(ev, 30, tick, "c");
	evloop_timer(ev, 10, tick, "a");
	id = evloop_timer(ev, 20, tick, "x");
	evloop_timer(ev, 20, tick, "b");
	evloop_cancel(ev, id);
	while (norder < 3)
		evloop_once(ev, 1000);
	assert_memory_equal(order, "abc", 3);
	assert_true(now_ms() - t0 >= 30);
	assert_true(now_ms() - t0 < 1000);
	evloop_free(ev);
}

static int fd_seen;

static void
on_fd(struct evloop *ev, int fd, short revents, void *arg)
{
	char b[8];

	(void)arg;
	if (revents & POLLIN) {
		fd_seen += (int)read(fd, b, sizeof(b));
		evloop_del_fd(ev, fd);
	}
}

static int got_signal;

static void
on_signal(struct evloop *ev, int signo, void *arg)
{
	(void)arg;
	got_signal = signo;
	evloop_stop(ev);
}

static void
test_fds_and_signals(void **state)
{
	struct evloop *ev = evloop_new();
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	evloop_add_fd(ev, p[0], POLLIN, on_fd, NULL);
	assert_int_equal(write(p[1], "hi", 2), 2);
	evloop_once(ev, 1000);
	assert_int_equal(fd_seen, 2);
	/* Removed by its callback: nothing more comes. */
	assert_int_equal(write(p[1], "again", 5), 5);
	assert_int_equal(evloop_once(ev, 50), 0);
	assert_int_equal(evloop_signal(ev, SIGUSR1, on_signal, NULL), 0);
	raise(SIGUSR1);
	evloop_run(ev);
	assert_int_equal(got_signal, SIGUSR1);
	assert_true(evloop_stopped(ev));
	evloop_free(ev);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_fds_and_signals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
