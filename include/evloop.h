/*
 * evloop.h - one poll(2) loop with timers and self-pipe signals (isync's
 * event_wait, redis's ae.c).
 *
 * Signal handlers only write the signal number to a pipe; the loop reads
 * it and calls the registered callback in normal context, so reload and
 * shutdown happen between messages, never inside a handler.  No threads.
 *
 * Callbacks may add and remove fds and timers, including their own.
 */
#ifndef INQUIRYD_EVLOOP_H
#define INQUIRYD_EVLOOP_H

#include <stdint.h>

#include "util.h"

struct evloop;

/* POLLIN/POLLOUT from <poll.h>; revents as poll(2) gave them. */
typedef void ev_fd_fn(struct evloop *ev, int fd, short revents, void *arg);
typedef void ev_timer_fn(struct evloop *ev, void *arg);
typedef void ev_signal_fn(struct evloop *ev, int signo, void *arg);

struct evloop *evloop_new(void);
/* Frees the loop; restores default signal dispositions it changed. */
void evloop_free(struct evloop *ev);

/* Watches fd for events (POLLIN and/or POLLOUT); replaces an earlier
 * watch of the same fd. */
void evloop_add_fd(struct evloop *ev, int fd, short events, ev_fd_fn *fn,
    void *arg);
void evloop_del_fd(struct evloop *ev, int fd);

/*
 * Calls fn once, delay_ms from now (now_ms() clock).  Returns an id for
 * evloop_cancel (never 0).
 */
uint64_t evloop_timer(struct evloop *ev, uint64_t delay_ms, ev_timer_fn *fn,
    void *arg);
/* Cancels a pending timer; unknown or fired ids are ignored. */
void evloop_cancel(struct evloop *ev, uint64_t id);

/* Routes signo (SIGTERM, SIGINT, SIGHUP, ...) to fn through the pipe. */
int evloop_signal(struct evloop *ev, int signo, ev_signal_fn *fn, void *arg);

/*
 * Runs one round: waits for the earliest of an fd event, a timer, a
 * signal or max_ms (-1: no limit), and runs what is due.  Returns the
 * number of callbacks run, or -1 when poll failed for another reason than
 * EINTR.
 */
int evloop_once(struct evloop *ev, int max_ms);
/* Runs rounds until evloop_stop. */
void evloop_run(struct evloop *ev);
void evloop_stop(struct evloop *ev);
int evloop_stopped(const struct evloop *ev);

#endif
