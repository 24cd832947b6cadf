/*
 * dns.h - MX and A/AAAA lookups with c-ares, driven by the caller's poll
 * loop, and the address check that keeps the website fetch off private
 * networks.
 *
 * One struct dns is one c-ares channel: many queries run at once on it.
 * A query is started with a callback; the callback runs later, always
 * from dns_process() (or dns_wait()), never from inside the call that
 * started it, so the handle a start function returns is valid until the
 * callback has run or dns_cancel() was called.  The caller's loop asks
 * dns_pollfds() which sockets to watch and dns_timeout() how long it may
 * sleep, then calls dns_process() with what poll(2) returned.  Only dns.c
 * calls c-ares.
 *
 * Errors are statuses, not failures: NXDOMAIN and NODATA are answers
 * (the domain or the record does not exist); TIMEOUT and FAIL mean the
 * answer is unknown.
 */
#ifndef INQUIRYD_DNS_H
#define INQUIRYD_DNS_H

#include <poll.h>

#include "util.h"

struct err;

enum dns_status {
	DNS_OK = 0,
	DNS_NXDOMAIN,		/* the name does not exist */
	DNS_NODATA,		/* the name exists, no record of that type */
	DNS_TIMEOUT,		/* no answer in time: unknown */
	DNS_FAIL,		/* SERVFAIL, refused, bad name...: unknown */
};
const char *dns_status_name(enum dns_status st);

/* An IPv4 or IPv6 address in network order. */
struct dns_addr {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char a[16];	/* 4 bytes used for AF_INET */
};

/* "192.0.2.1" or "2001:db8::1" (no brackets); out holds 46 bytes. */
#define DNS_ADDRSTRLEN 46
const char *dns_addr_str(const struct dns_addr *a, char out[DNS_ADDRSTRLEN]);
/* Parses an address literal (brackets allowed for IPv6); 0 or -1. */
int dns_addr_parse(struct dns_addr *a, const char *s);

struct dns_mx {
	char *host;		/* owned */
	unsigned pref;
};

/*
 * Creates a resolver.  servers: "ip[:port],..." ("[::1]:5353" for IPv6),
 * NULL or blank for the system's resolv.conf.  timeout_ms: for one try
 * (c-ares doubles it on each retry); tries: attempts per server.
 * Returns NULL with e set (ERR_CONFIG for a bad server list).
 */
struct dns *dns_new(const char *servers, long timeout_ms, int tries,
    struct err *e);
/* Cancels every query (their callbacks do not run) and frees d. */
void dns_free(struct dns *d);

struct dns_query;

/*
 * The MX records of name (lookup form, domain.h): cb gets the status and
 * the records sorted by preference (borrowed for the call).  A "null MX"
 * (RFC 7505, a single "." record) is DNS_OK with n == 0.
 */
typedef void dns_mx_cb(void *arg, enum dns_status st,
    const struct dns_mx *mx, size_t n);
struct dns_query *dns_query_mx(struct dns *d, const char *name,
    dns_mx_cb *cb, void *arg);

/*
 * The A and AAAA records of name, asked at once: cb gets DNS_OK with
 * every address when either answered, else the more telling failure
 * (NXDOMAIN over NODATA over TIMEOUT/FAIL).  A name that is an address
 * literal answers itself.  At most DNS_MAX_ADDRS addresses.
 */
#define DNS_MAX_ADDRS 16
typedef void dns_addr_cb(void *arg, enum dns_status st,
    const struct dns_addr *addrs, size_t n);
struct dns_query *dns_query_addr(struct dns *d, const char *name,
    dns_addr_cb *cb, void *arg);

/* Forgets a query: its callback will not run.  q may be NULL. */
void dns_cancel(struct dns_query *q);

/* Queries whose callback has not run yet. */
size_t dns_pending(const struct dns *d);

/*
 * The poll loop.  dns_pollfds fills at most max entries (events POLLIN /
 * POLLOUT) and returns how many it filled.  dns_timeout returns the
 * milliseconds until dns_process must be called even with no socket
 * ready (-1: no query in flight, 0: results are waiting).
 * dns_process handles the entries of fds that are c-ares sockets (others
 * are ignored, so one array can serve several users), the timeouts, and
 * runs the callbacks of finished queries.
 */
size_t dns_pollfds(struct dns *d, struct pollfd *fds, size_t max);
int dns_timeout(struct dns *d);
void dns_process(struct dns *d, const struct pollfd *fds, size_t nfds);

/*
 * Runs the loop until no query is pending or deadline_ms (now_ms clock)
 * passes.  Returns 0, or -1 on the deadline (queries still pending).
 */
int dns_wait(struct dns *d, uint64_t deadline_ms);

/*
 * Address policy.  dns_addr_special() says whether an address is one the
 * website fetch must not reach: unspecified, loopback, private (10/8,
 * 172.16/12, 192.168/16, fc00::/7), CGNAT (100.64/10), link-local
 * (169.254/16, fe80::/10), multicast, broadcast, documentation,
 * benchmarking and reserved ranges, and the IPv6 forms that embed an IPv4
 * address (IPv4-mapped ::ffff:0:0/96, IPv4-compatible, NAT64 64:ff9b::/96,
 * 6to4 2002::/16) when the embedded address is one.  Returns the name of
 * the range ("loopback") or NULL for a public address.
 */
const char *dns_addr_special(const struct dns_addr *a);

/* A list of networks in CIDR ("127.0.0.0/8, ::1/128, 192.0.2.7"). */
struct dns_net {
	struct dns_addr addr;
	unsigned prefix;
};
struct dns_netlist {
	struct dns_net *v;	/* owned */
	size_t n;
	size_t alloc;
};
#define DNS_NETLIST_INIT { NULL, 0, 0 }
/*
 * Appends the networks of a comma- or blank-separated list; returns 0, or
 * -1 with e set (ERR_CONFIG, naming the bad entry).
 */
int dns_netlist_parse(struct dns_netlist *l, const char *list,
    struct err *e);
void dns_netlist_release(struct dns_netlist *l);
/* True when a is in one of the networks (IPv4-mapped as its IPv4). */
int dns_netlist_has(const struct dns_netlist *l, const struct dns_addr *a);

/*
 * The check the fetch applies to every address before connecting: NULL
 * when a may be reached (public, or special but inside allow), else the
 * reason ("loopback address 127.0.0.2 is not allowed").  The reason is a
 * static string, valid until the next call.
 */
const char *dns_addr_refused(const struct dns_addr *a,
    const struct dns_netlist *allow);

#endif
