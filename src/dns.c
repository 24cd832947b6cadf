/*
 * dns.c - c-ares behind a small callback interface, and the address
 * policy.
 *
 * c-ares may call a query's callback from inside ares_query() (a bad name
 * fails at once) or from ares_process_fd().  To give callers one simple
 * rule, a finished query goes on a "done" list first and its user
 * callback runs from dns_process(); a cancelled query is freed when c-ares
 * lets go of it.  An A/AAAA query is two c-ares queries sharing one
 * struct dns_query.
 */
#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "util.h"
#include "dns.h"
#include "err.h"

enum query_kind { Q_MX, Q_ADDR };

/* RFC 1035 numbers (arpa/nameser.h would clash with util.h's MIN/MAX). */
enum { RR_CLASS_IN = 1, RR_TYPE_A = 1, RR_TYPE_MX = 15, RR_TYPE_AAAA = 28 };

struct dns_query {
	struct dns *d;
	enum query_kind kind;
	int outstanding;	/* c-ares callbacks still to come */
	int cancelled;
	int in_done;
	enum dns_status st;	/* MX, or the A answer */
	enum dns_status st6;	/* the AAAA answer */
	struct dns_addr addrs[DNS_MAX_ADDRS];
	size_t naddrs;
	struct dns_mx *mx;
	size_t nmx;
	dns_mx_cb *mx_cb;
	dns_addr_cb *addr_cb;
	void *arg;
	struct dns_query *next;	/* on the done list */
};

struct dns {
	ares_channel ch;
	struct dns_query *done, *done_tail;
	size_t pending;		/* started, callback not run, not cancelled */
	int destroying;
};

static int lib_users;

/* ares.h's ARES_GETSOCK_* shift a signed int into the sign bit. */
#define SOCK_READABLE(bits, i) (((unsigned)(bits) >> (i)) & 1u)
#define SOCK_WRITABLE(bits, i) \
	(((unsigned)(bits) >> ((i) + ARES_GETSOCK_MAXNUM)) & 1u)

const char *
dns_status_name(enum dns_status st)
{
	switch (st) {
	case DNS_OK: return "ok";
	case DNS_NXDOMAIN: return "nxdomain";
	case DNS_NODATA: return "nodata";
	case DNS_TIMEOUT: return "timeout";
	case DNS_FAIL: return "fail";
	}
	return "?";
}

const char *
dns_addr_str(const struct dns_addr *a, char out[DNS_ADDRSTRLEN])
{
	if (!inet_ntop(a->family, a->a, out, DNS_ADDRSTRLEN))
		xstrlcpy(out, "?", DNS_ADDRSTRLEN);
	return out;
}

int
dns_addr_parse(struct dns_addr *a, const char *s)
{
	char tmp[DNS_ADDRSTRLEN + 2];
	size_t n = strlen(s);

	memset(a, 0, sizeof(*a));
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		if (n - 2 >= sizeof(tmp))
			return -1;
		memcpy(tmp, s + 1, n - 2);
		tmp[n - 2] = '\0';
		if (inet_pton(AF_INET6, tmp, a->a) != 1)
			return -1;
		a->family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

static enum dns_status
status_of(int ares_status)
{
	switch (ares_status) {
	case ARES_SUCCESS: return DNS_OK;
	case ARES_ENOTFOUND: return DNS_NXDOMAIN;
	case ARES_ENODATA: return DNS_NODATA;
	case ARES_ETIMEOUT: return DNS_TIMEOUT;
	default: return DNS_FAIL;
	}
}

struct dns *
dns_new(const char *servers, long timeout_ms, int tries, struct err *e)
{
	struct dns *d = xcalloc(1, sizeof(*d));
	struct ares_options o;
	int rc, mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;

	if (lib_users++ == 0 && ares_library_init(ARES_LIB_INIT_ALL)) {
		lib_users--;
		err_set(e, ERR_TEMP, "cannot initialise c-ares");
		free(d);
		return NULL;
	}
	memset(&o, 0, sizeof(o));
	o.timeout = (int)(timeout_ms > 0 ? timeout_ms : 2000);
	o.tries = tries > 0 ? tries : 2;
	o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_EDNS;
	rc = ares_init_options(&d->ch, &o, mask);
	if (rc != ARES_SUCCESS) {
		err_set(e, ERR_TEMP, "cannot start the resolver: %s",
		    ares_strerror(rc));
		goto fail;
	}
	if (!str_blank(servers)) {
		char *s = xstrdup(servers), *p;

		/* c-ares wants commas only. */
		for (p = s; *p; p++)
			if (*p == ' ' || *p == '\t')
				*p = ',';
		rc = ares_set_servers_ports_csv(d->ch, s);
		free(s);
		if (rc != ARES_SUCCESS) {
			err_set(e, ERR_CONFIG, "bad dns_servers '%s': %s",
			    servers, ares_strerror(rc));
			ares_destroy(d->ch);
			goto fail;
		}
	}
	return d;
fail:
	if (--lib_users == 0)
		ares_library_cleanup();
	free(d);
	return NULL;
}

static void
query_free(struct dns_query *q)
{
	size_t i;

	for (i = 0; i < q->nmx; i++)
		free(q->mx[i].host);
	free(q->mx);
	free(q);
}

void
dns_free(struct dns *d)
{
	struct dns_query *q, *next;

	if (!d)
		return;
	d->destroying = 1;
	/* Runs every outstanding c-ares callback with ARES_EDESTRUCTION. */
	ares_destroy(d->ch);
	for (q = d->done; q; q = next) {
		next = q->next;
		query_free(q);
	}
	if (--lib_users == 0)
		ares_library_cleanup();
	free(d);
}

static void
done_push(struct dns *d, struct dns_query *q)
{
	q->next = NULL;
	q->in_done = 1;
	if (d->done_tail)
		d->done_tail->next = q;
	else
		d->done = q;
	d->done_tail = q;
}

static void
done_remove(struct dns *d, struct dns_query *q)
{
	struct dns_query **pp, *prev = NULL;

	for (pp = &d->done; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp == q) {
			*pp = q->next;
			if (d->done_tail == q)
				d->done_tail = prev;
			break;
		}
	}
	q->in_done = 0;
}

/* A c-ares callback arrived; finish the query when it was the last. */
static void
query_settle(struct dns_query *q)
{
	struct dns *d = q->d;

	if (--q->outstanding > 0)
		return;
	if (q->cancelled || d->destroying) {
		query_free(q);
		return;
	}
	done_push(d, q);
}

static int
mx_cmp(const void *a, const void *b)
{
	const struct dns_mx *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->host, y->host);
}

static void
mx_done(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_query *q = arg;
	struct ares_mx_reply *mx = NULL, *m;
	size_t n = 0, i = 0;

	(void)timeouts;
	if (status == ARES_SUCCESS)
		status = ares_parse_mx_reply(abuf, alen, &mx);
	q->st = status_of(status);
	if (q->st == DNS_OK && !q->cancelled) {
		for (m = mx; m; m = m->next)
			n++;
		q->mx = xcalloc(n ? n : 1, sizeof(*q->mx));
		for (m = mx; m; m = m->next) {
			/* RFC 7505 null MX: "." says no mail at all. */
			if (!m->host || !*m->host || !strcmp(m->host, "."))
				continue;
			q->mx[i].host = xstrdup(m->host);
			q->mx[i].pref = m->priority;
			i++;
		}
		q->nmx = i;
		qsort(q->mx, q->nmx, sizeof(*q->mx), mx_cmp);
	}
	if (mx)
		ares_free_data(mx);
	query_settle(q);
}

static void
addr_add(struct dns_query *q, int family, const void *p)
{
	struct dns_addr *a;
	size_t i, len = family == AF_INET ? 4 : 16;

	if (q->naddrs >= DNS_MAX_ADDRS)
		return;
	for (i = 0; i < q->naddrs; i++)
		if (q->addrs[i].family == family &&
		    !memcmp(q->addrs[i].a, p, len))
			return;
	a = &q->addrs[q->naddrs++];
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->a, p, len);
}

static void
a_done(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_query *q = arg;
	struct ares_addrttl ttl[DNS_MAX_ADDRS];
	int n = DNS_MAX_ADDRS, i;

	(void)timeouts;
	if (status == ARES_SUCCESS)
		status = ares_parse_a_reply(abuf, alen, NULL, ttl, &n);
	q->st = status_of(status);
	if (q->st == DNS_OK)
		for (i = 0; i < n; i++)
			addr_add(q, AF_INET, &ttl[i].ipaddr);
	query_settle(q);
}

static void
aaaa_done(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_query *q = arg;
	struct ares_addr6ttl ttl[DNS_MAX_ADDRS];
	int n = DNS_MAX_ADDRS, i;

	(void)timeouts;
	if (status == ARES_SUCCESS)
		status = ares_parse_aaaa_reply(abuf, alen, NULL, ttl, &n);
	q->st6 = status_of(status);
	if (q->st6 == DNS_OK)
		for (i = 0; i < n; i++)
			addr_add(q, AF_INET6, &ttl[i].ip6addr);
	query_settle(q);
}

static struct dns_query *
query_new(struct dns *d, enum query_kind kind, void *arg)
{
	struct dns_query *q = xcalloc(1, sizeof(*q));

	q->d = d;
	q->kind = kind;
	q->arg = arg;
	q->st = q->st6 = DNS_FAIL;
	d->pending++;
	return q;
}

struct dns_query *
dns_query_mx(struct dns *d, const char *name, dns_mx_cb *cb, void *arg)
{
	struct dns_query *q = query_new(d, Q_MX, arg);

	q->mx_cb = cb;
	q->outstanding = 1;
	ares_query(d->ch, name, RR_CLASS_IN, RR_TYPE_MX, mx_done, q);
	return q;
}

struct dns_query *
dns_query_addr(struct dns *d, const char *name, dns_addr_cb *cb, void *arg)
{
	struct dns_query *q = query_new(d, Q_ADDR, arg);
	struct dns_addr lit;

	q->addr_cb = cb;
	if (!dns_addr_parse(&lit, name)) {
		q->addrs[0] = lit;
		q->naddrs = 1;
		q->st = DNS_OK;
		done_push(d, q);
		return q;
	}
	q->outstanding = 2;
	ares_query(d->ch, name, RR_CLASS_IN, RR_TYPE_A, a_done, q);
	ares_query(d->ch, name, RR_CLASS_IN, RR_TYPE_AAAA, aaaa_done, q);
	return q;
}

void
dns_cancel(struct dns_query *q)
{
	if (!q || q->cancelled)
		return;
	q->cancelled = 1;
	q->d->pending--;
	if (q->in_done) {
		done_remove(q->d, q);
		query_free(q);
	}
	/* else freed by query_settle when c-ares lets go */
}

size_t
dns_pending(const struct dns *d)
{
	return d->pending;
}

size_t
dns_pollfds(struct dns *d, struct pollfd *fds, size_t max)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	int bits, i;
	size_t n = 0;

	bits = ares_getsock(d->ch, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM && n < max; i++) {
		short ev = 0;

		if (SOCK_READABLE(bits, i))
			ev |= POLLIN;
		if (SOCK_WRITABLE(bits, i))
			ev |= POLLOUT;
		if (!ev)
			continue;
		fds[n].fd = socks[i];
		fds[n].events = ev;
		fds[n].revents = 0;
		n++;
	}
	return n;
}

int
dns_timeout(struct dns *d)
{
	struct timeval tv, *t;
	long ms;

	if (d->done)
		return 0;
	t = ares_timeout(d->ch, NULL, &tv);
	if (!t)
		return -1;
	ms = (long)t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
	return (int)MIN(ms, 60000);
}

static void
run_done(struct dns *d)
{
	struct dns_query *q;

	while ((q = d->done)) {
		done_remove(d, q);
		d->pending--;
		if (q->kind == Q_MX) {
			q->mx_cb(q->arg, q->st, q->mx, q->nmx);
		} else {
			enum dns_status st;

			if (q->naddrs)
				st = DNS_OK;
			else if (q->st == DNS_NXDOMAIN ||
			    q->st6 == DNS_NXDOMAIN)
				st = DNS_NXDOMAIN;
			else if (q->st == DNS_NODATA && q->st6 == DNS_NODATA)
				st = DNS_NODATA;
			else if (q->st == DNS_TIMEOUT ||
			    q->st6 == DNS_TIMEOUT)
				st = DNS_TIMEOUT;
			else if (q->st == DNS_NODATA || q->st6 == DNS_NODATA)
				st = DNS_NODATA;
			else
				st = DNS_FAIL;
			q->addr_cb(q->arg, st, q->addrs, q->naddrs);
		}
		query_free(q);
	}
}

void
dns_process(struct dns *d, const struct pollfd *fds, size_t nfds)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	int bits, i;
	size_t j;

	bits = ares_getsock(d->ch, socks, ARES_GETSOCK_MAXNUM);
	for (j = 0; j < nfds; j++) {
		if (!fds[j].revents)
			continue;
		for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			if (!(SOCK_READABLE(bits, i) ||
			    SOCK_WRITABLE(bits, i)) ||
			    socks[i] != fds[j].fd)
				continue;
			ares_process_fd(d->ch,
			    fds[j].revents & (POLLIN | POLLERR | POLLHUP) ?
			    fds[j].fd : ARES_SOCKET_BAD,
			    fds[j].revents & POLLOUT ? fds[j].fd :
			    ARES_SOCKET_BAD);
			break;
		}
	}
	/* Timeouts and retries. */
	ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	run_done(d);
}

int
dns_wait(struct dns *d, uint64_t deadline_ms)
{
	struct pollfd fds[ARES_GETSOCK_MAXNUM];
	size_t n;
	int t;
	uint64_t now;

	while (d->pending) {
		now = now_ms();
		if (deadline_ms && now >= deadline_ms)
			return -1;
		n = dns_pollfds(d, fds, ARRAY_SIZE(fds));
		t = dns_timeout(d);
		if (deadline_ms && (t < 0 || (uint64_t)t > deadline_ms - now))
			t = (int)(deadline_ms - now);
		if (t < 0)
			t = 1000;
		if (poll(fds, n, t) < 0 && errno != EINTR)
			return -1;
		dns_process(d, fds, n);
	}
	return 0;
}

/* ---- address policy ---- */

struct special {
	int family;
	unsigned char net[16];
	unsigned prefix;
	const char *name;
};

static const struct special specials[] = {
	{ AF_INET, { 0 }, 8, "unspecified" },
	{ AF_INET, { 10 }, 8, "private" },
	{ AF_INET, { 100, 64 }, 10, "shared (CGNAT)" },
	{ AF_INET, { 127 }, 8, "loopback" },
	{ AF_INET, { 169, 254 }, 16, "link-local" },
	{ AF_INET, { 172, 16 }, 12, "private" },
	{ AF_INET, { 192, 0, 0 }, 24, "IETF protocol" },
	{ AF_INET, { 192, 0, 2 }, 24, "documentation" },
	{ AF_INET, { 192, 88, 99 }, 24, "6to4 relay" },
	{ AF_INET, { 192, 168 }, 16, "private" },
	{ AF_INET, { 198, 18 }, 15, "benchmarking" },
	{ AF_INET, { 198, 51, 100 }, 24, "documentation" },
	{ AF_INET, { 203, 0, 113 }, 24, "documentation" },
	{ AF_INET, { 224 }, 4, "multicast" },
	{ AF_INET, { 240 }, 4, "reserved" },	/* and 255.255.255.255 */
	{ AF_INET6, { 0 }, 128, "unspecified" },
	{ AF_INET6, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 128,
	    "loopback" },
	{ AF_INET6, { 0x01 }, 64, "discard" },
	{ AF_INET6, { 0x20, 0x01, 0x0d, 0xb8 }, 32, "documentation" },
	{ AF_INET6, { 0x20, 0x01, 0x00, 0x00 }, 32, "Teredo" },
	{ AF_INET6, { 0x20, 0x01, 0x00, 0x10 }, 28, "ORCHID" },
	{ AF_INET6, { 0xfc }, 7, "private (unique local)" },
	{ AF_INET6, { 0xfe, 0x80 }, 10, "link-local" },
	{ AF_INET6, { 0xfe, 0xc0 }, 10, "site-local" },
	{ AF_INET6, { 0xff }, 8, "multicast" },
};

static int
prefix_match(const unsigned char *a, const unsigned char *net, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	unsigned char mask;

	if (memcmp(a, net, full))
		return 0;
	if (!rest)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a[full] & mask) == (net[full] & mask);
}

/* The IPv4 address an IPv6 one embeds, if any. */
static int
embedded_v4(const struct dns_addr *a, struct dns_addr *v4, const char **how)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0xff, 0xff };
	static const unsigned char compat[12] = { 0 };
	static const unsigned char nat64[12] = { 0x00, 0x64, 0xff, 0x9b };

	if (a->family != AF_INET6)
		return 0;
	memset(v4, 0, sizeof(*v4));
	v4->family = AF_INET;
	if (!memcmp(a->a, mapped, 12)) {
		*how = "IPv4-mapped";
		memcpy(v4->a, a->a + 12, 4);
		return 1;
	}
	if (!memcmp(a->a, nat64, 12)) {
		*how = "NAT64";
		memcpy(v4->a, a->a + 12, 4);
		return 1;
	}
	if (a->a[0] == 0x20 && a->a[1] == 0x02) {
		*how = "6to4";
		memcpy(v4->a, a->a + 2, 4);
		return 1;
	}
	/* ::a.b.c.d (deprecated); :: and ::1 are handled as themselves. */
	if (!memcmp(a->a, compat, 12) &&
	    (a->a[12] || a->a[13] || a->a[14] > 0 || a->a[15] > 1)) {
		*how = "IPv4-compatible";
		memcpy(v4->a, a->a + 12, 4);
		return 1;
	}
	return 0;
}

const char *
dns_addr_special(const struct dns_addr *a)
{
	static char name[64];
	struct dns_addr v4;
	const char *how, *inner;
	size_t i;

	if (embedded_v4(a, &v4, &how)) {
		inner = dns_addr_special(&v4);
		if (!inner)
			return NULL;
		snprintf(name, sizeof(name), "%s %s", how, inner);
		return name;
	}
	for (i = 0; i < ARRAY_SIZE(specials); i++)
		if (specials[i].family == a->family &&
		    prefix_match(a->a, specials[i].net, specials[i].prefix))
			return specials[i].name;
	return NULL;
}

int
dns_netlist_parse(struct dns_netlist *l, const char *list, struct err *e)
{
	char *copy, *tok, *save = NULL, *slash;
	struct dns_net net;
	long prefix;
	int rc = 0;

	if (str_blank(list))
		return 0;
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ", \t", &save); tok;
	    tok = strtok_r(NULL, ", \t", &save)) {
		memset(&net, 0, sizeof(net));
		slash = strchr(tok, '/');
		if (slash)
			*slash = '\0';
		if (dns_addr_parse(&net.addr, tok)) {
			rc = err_set(e, ERR_CONFIG,
			    "'%s' is not an address or network", tok);
			break;
		}
		net.prefix = net.addr.family == AF_INET ? 32 : 128;
		if (slash) {
			if (str_to_long(slash + 1, 0, net.prefix, &prefix)) {
				rc = err_set(e, ERR_CONFIG,
				    "bad prefix length in '%s/%s'", tok,
				    slash + 1);
				break;
			}
			net.prefix = (unsigned)prefix;
		}
		GROW(l->v, l->n + 1, l->alloc);
		l->v[l->n++] = net;
	}
	free(copy);
	return rc;
}

void
dns_netlist_release(struct dns_netlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

int
dns_netlist_has(const struct dns_netlist *l, const struct dns_addr *a)
{
	struct dns_addr v4;
	const char *how;
	size_t i;

	if (!l)
		return 0;
	if (embedded_v4(a, &v4, &how) && !strcmp(how, "IPv4-mapped"))
		a = &v4;
	for (i = 0; i < l->n; i++)
		if (l->v[i].addr.family == a->family &&
		    prefix_match(a->a, l->v[i].addr.a, l->v[i].prefix))
			return 1;
	return 0;
}

const char *
dns_addr_refused(const struct dns_addr *a, const struct dns_netlist *allow)
{
	static char why[128];
	char s[DNS_ADDRSTRLEN];
	const char *sp = dns_addr_special(a);

	if (!sp || dns_netlist_has(allow, a))
		return NULL;
	snprintf(why, sizeof(why), "%s address %s is not allowed", sp,
	    dns_addr_str(a, s));
	return why;
}
