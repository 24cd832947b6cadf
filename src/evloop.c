/*
 * evloop.c - poll(2), a timer list, and a self-pipe for signals.
 *
 * Timers are kept in an array sorted by due time: the daemon has a
 * handful (one or two per account), so a sorted array beats a heap in
 * simplicity at no cost.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "evloop.h"

struct ev_fd {
	int fd;
	short events;
	ev_fd_fn *fn;
	void *arg;
};

struct ev_timer {
	uint64_t id;
	uint64_t due;
	ev_timer_fn *fn;
	void *arg;
};

struct ev_sig {
	int signo;
	ev_signal_fn *fn;
	void *arg;
	struct sigaction old;
};

struct evloop {
	struct ev_fd *fds;
	size_t nfds, afds;
	struct ev_timer *timers;
	size_t ntimers, atimers;
	uint64_t next_id;
	struct ev_sig *sigs;
	size_t nsigs, asigs;
	int pipe[2];
	int stop;
};

/* The pipe the handler writes to: one loop per process. */
static volatile sig_atomic_t ev_pipe_wr = -1;

static void
ev_handler(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;

	if (ev_pipe_wr >= 0)
		(void)!write(ev_pipe_wr, &b, 1);
	errno = saved;
}

struct evloop *
evloop_new(void)
{
	struct evloop *ev = xcalloc(1, sizeof(*ev));

	if (pipe2(ev->pipe, O_CLOEXEC | O_NONBLOCK)) {
		free(ev);
		return NULL;
	}
	ev->next_id = 1;
	ev_pipe_wr = ev->pipe[1];
	return ev;
}

void
evloop_free(struct evloop *ev)
{
	size_t i;

	if (!ev)
		return;
	for (i = 0; i < ev->nsigs; i++)
		sigaction(ev->sigs[i].signo, &ev->sigs[i].old, NULL);
	ev_pipe_wr = -1;
	close(ev->pipe[0]);
	close(ev->pipe[1]);
	free(ev->fds);
	free(ev->timers);
	free(ev->sigs);
	free(ev);
}

void
evloop_add_fd(struct evloop *ev, int fd, short events, ev_fd_fn *fn,
    void *arg)
{
	size_t i;

	for (i = 0; i < ev->nfds; i++)
		if (ev->fds[i].fd == fd)
			break;
	if (i == ev->nfds) {
		GROW(ev->fds, ev->nfds + 1, ev->afds);
		ev->nfds++;
	}
	ev->fds[i].fd = fd;
	ev->fds[i].events = events;
	ev->fds[i].fn = fn;
	ev->fds[i].arg = arg;
}

void
evloop_del_fd(struct evloop *ev, int fd)
{
	size_t i;

	for (i = 0; i < ev->nfds; i++) {
		if (ev->fds[i].fd == fd) {
			memmove(&ev->fds[i], &ev->fds[i + 1],
			    (ev->nfds - i - 1) * sizeof(*ev->fds));
			ev->nfds--;
			return;
		}
	}
}

uint64_t
evloop_timer(struct evloop *ev, uint64_t delay_ms, ev_timer_fn *fn,
    void *arg)
{
	uint64_t due = now_ms() + delay_ms;
	size_t i;

	GROW(ev->timers, ev->ntimers + 1, ev->atimers);
	for (i = ev->ntimers; i > 0 && ev->timers[i - 1].due > due; i--)
		ev->timers[i] = ev->timers[i - 1];
	ev->timers[i].id = ev->next_id++;
	ev->timers[i].due = due;
	ev->timers[i].fn = fn;
	ev->timers[i].arg = arg;
	ev->ntimers++;
	return ev->timers[i].id;
}

void
evloop_cancel(struct evloop *ev, uint64_t id)
{
	size_t i;

	for (i = 0; i < ev->ntimers; i++) {
		if (ev->timers[i].id == id) {
			memmove(&ev->timers[i], &ev->timers[i + 1],
			    (ev->ntimers - i - 1) * sizeof(*ev->timers));
			ev->ntimers--;
			return;
		}
	}
}

int
evloop_signal(struct evloop *ev, int signo, ev_signal_fn *fn, void *arg)
{
	struct sigaction sa;
	struct ev_sig *s;

	GROW(ev->sigs, ev->nsigs + 1, ev->asigs);
	s = &ev->sigs[ev->nsigs];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ev_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(signo, &sa, &s->old))
		return -1;
	s->signo = signo;
	s->fn = fn;
	s->arg = arg;
	ev->nsigs++;
	return 0;
}

static int
run_signals(struct evloop *ev)
{
	unsigned char b[64];
	ssize_t n, k;
	size_t i;
	int ran = 0;

	while ((n = read(ev->pipe[0], b, sizeof(b))) > 0) {
		for (k = 0; k < n; k++) {
			for (i = 0; i < ev->nsigs; i++) {
				if (ev->sigs[i].signo == b[k]) {
					ev->sigs[i].fn(ev, b[k],
					    ev->sigs[i].arg);
					ran++;
				}
			}
		}
	}
	return ran;
}

static int
run_timers(struct evloop *ev)
{
	uint64_t now = now_ms();
	int ran = 0;

	/* A callback may add timers: take the due ones one at a time. */
	while (ev->ntimers && ev->timers[0].due <= now && !ev->stop) {
		struct ev_timer t = ev->timers[0];

		memmove(&ev->timers[0], &ev->timers[1],
		    (ev->ntimers - 1) * sizeof(*ev->timers));
		ev->ntimers--;
		t.fn(ev, t.arg);
		ran++;
	}
	return ran;
}

int
evloop_once(struct evloop *ev, int max_ms)
{
	struct pollfd *pfd;
	struct ev_fd *snap;
	size_t n = ev->nfds, i, j;
	int timeout = max_ms, rc, ran = 0;

	if (ev->ntimers) {
		uint64_t now = now_ms(), due = ev->timers[0].due;
		int t = due <= now ? 0 : due - now > 86400000 ? 86400000 :
		    (int)(due - now);

		if (timeout < 0 || t < timeout)
			timeout = t;
	}
	pfd = xcalloc(n + 1, sizeof(*pfd));
	snap = xcalloc(n + 1, sizeof(*snap));
	if (n)
		memcpy(snap, ev->fds, n * sizeof(*snap));
	pfd[0].fd = ev->pipe[0];
	pfd[0].events = POLLIN;
	for (i = 0; i < n; i++) {
		pfd[i + 1].fd = snap[i].fd;
		pfd[i + 1].events = snap[i].events;
	}
	rc = poll(pfd, n + 1, timeout);
	if (rc < 0 && errno != EINTR) {
		free(pfd);
		free(snap);
		return -1;
	}
	if (rc > 0 && (pfd[0].revents & POLLIN))
		ran += run_signals(ev);
	for (i = 0; rc > 0 && i < n && !ev->stop; i++) {
		if (!pfd[i + 1].revents)
			continue;
		/* Skip a watch removed by an earlier callback this round. */
		for (j = 0; j < ev->nfds; j++)
			if (ev->fds[j].fd == snap[i].fd &&
			    ev->fds[j].fn == snap[i].fn)
				break;
		if (j == ev->nfds)
			continue;
		snap[i].fn(ev, snap[i].fd, pfd[i + 1].revents, snap[i].arg);
		ran++;
	}
	free(pfd);
	free(snap);
	if (!ev->stop)
		ran += run_timers(ev);
	return ran;
}

void
evloop_run(struct evloop *ev)
{
	while (!ev->stop)
		if (evloop_once(ev, -1) < 0)
			break;
}

void
evloop_stop(struct evloop *ev)
{
	ev->stop = 1;
}

int
evloop_stopped(const struct evloop *ev)
{
	return ev->stop;
}
