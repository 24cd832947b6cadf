/*
 * test_dns.c - the address policy (every special range, IPv4 and IPv6,
 * embedded IPv4, allow lists: no socket is opened for those), and real
 * lookups against a dnsmasq this test starts on a free loopback port.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

#include "dns.h"
#include "err.h"

static void
test_special(void **state)
{
	static const struct { const char *addr, *want; } t[] = {
		{ "0.0.0.0", "unspecified" },
		{ "0.1.2.3", "unspecified" },
		{ "10.0.0.1", "private" },
		{ "10.255.255.255", "private" },
		{ "100.64.0.1", "shared (CGNAT)" },
		{ "100.127.255.254", "shared (CGNAT)" },
		{ "100.128.0.1", NULL },
		{ "127.0.0.1", "loopback" },
		{ "127.255.255.254", "loopback" },
		{ "169.254.169.254", "link-local" },
		{ "172.15.255.255", NULL },
		{ "172.16.0.1", "private" },
		{ "172.31.255.255", "private" },
		{ "172.32.0.1", NULL },
		{ "192.168.1.1", "private" },
		{ "192.0.2.10", "documentation" },
		{ "198.18.0.1", "benchmarking" },
		{ "224.0.0.1", "multicast" },
		{ "239.255.255.250", "multicast" },
		{ "255.255.255.255", "reserved" },
		{ "8.8.8.8", NULL },
		{ "93.184.216.34", NULL },
		{ "::", "unspecified" },
		{ "::1", "loopback" },
		{ "::ffff:127.0.0.1", "IPv4-mapped loopback" },
		{ "::ffff:10.1.2.3", "IPv4-mapped private" },
		{ "::ffff:169.254.169.254", "IPv4-mapped link-local" },
		{ "::ffff:8.8.8.8", NULL },
		{ "::127.0.0.1", "IPv4-compatible loopback" },
		{ "64:ff9b::a00:1", "NAT64 private" },
		{ "2002:c0a8:0101::1", "6to4 private" },
		{ "2002:0808:0808::1", NULL },
		{ "fc00::1", "private (unique local)" },
		{ "fd12:3456::1", "private (unique local)" },
		{ "fe80::1", "link-local" },
		{ "febf::1", "link-local" },
		{ "fec0::1", "site-local" },
		{ "ff02::1", "multicast" },
		{ "2001:db8::1", "documentation" },
		{ "2001:4860:4860::8888", NULL },
		{ "2a00:1450:4001::1", NULL },
	};
	struct dns_addr a;
	const char *got;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		assert_int_equal(dns_addr_parse(&a, t[i].addr), 0);
		got = dns_addr_special(&a);
		if (!t[i].want != !got || (got && strcmp(got, t[i].want)))
			print_error("%s: got '%s' want '%s'\n", t[i].addr,
			    got ? got : "public",
			    t[i].want ? t[i].want : "public");
		if (t[i].want) {
			assert_non_null(got);
			assert_string_equal(got, t[i].want);
		} else {
			assert_null(got);
		}
	}
}

static void
test_parse_and_str(void **state)
{
	struct dns_addr a;
	char s[DNS_ADDRSTRLEN];

	(void)state;
	assert_int_equal(dns_addr_parse(&a, "[::1]"), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_string_equal(dns_addr_str(&a, s), "::1");
	assert_int_equal(dns_addr_parse(&a, "192.0.2.1"), 0);
	assert_string_equal(dns_addr_str(&a, s), "192.0.2.1");
	assert_int_equal(dns_addr_parse(&a, "example.com"), -1);
	assert_int_equal(dns_addr_parse(&a, "1.2.3"), -1);
	assert_int_equal(dns_addr_parse(&a, "[1.2.3.4]"), -1);
}

static void
test_allow(void **state)
{
	struct dns_netlist l = DNS_NETLIST_INIT;
	struct err e = ERR_INIT;
	struct dns_addr a;
	static const struct { const char *addr; int refused; } t[] = {
		{ "127.0.0.1", 0 },
		{ "127.0.0.2", 1 },
		{ "::ffff:127.0.0.1", 0 },	/* mapped: as its IPv4 */
		{ "::ffff:127.0.0.3", 1 },
		{ "::1", 1 },
		{ "10.1.2.3", 0 },
		{ "10.2.0.1", 1 },
		{ "fd00::5", 0 },
		{ "fd00::1:5", 1 },
		{ "8.8.8.8", 0 },		/* public: always */
	};
	size_t i;
	const char *why;

	(void)state;
	assert_int_equal(dns_netlist_parse(&l,
	    "127.0.0.1/32, 10.1.0.0/16  fd00::/112", &e), 0);
	assert_int_equal(l.n, 3);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		assert_int_equal(dns_addr_parse(&a, t[i].addr), 0);
		why = dns_addr_refused(&a, &l);
		if (!why != !t[i].refused)
			print_error("%s: %s\n", t[i].addr, why ? why : "ok");
		assert_int_equal(!!why, t[i].refused);
	}
	assert_int_equal(dns_addr_parse(&a, "127.0.0.2"), 0);
	assert_string_equal(dns_addr_refused(&a, NULL),
	    "loopback address 127.0.0.2 is not allowed");
	assert_int_equal(dns_netlist_parse(&l, "10.0.0.0/33", &e), -1);
	assert_int_equal(e.kind, ERR_CONFIG);
	err_clear(&e);
	assert_int_equal(dns_netlist_parse(&l, "intranet", &e), -1);
	assert_non_null(strstr(e.msg, "'intranet'"));
	dns_netlist_release(&l);
}

/* ---- live lookups against dnsmasq ---- */

static pid_t dnsmasq_pid;
static char servers[64];

static int
free_udp_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), port = -1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&sin, sizeof(sin)) &&
	    !getsockname(fd, (struct sockaddr *)&sin, &len))
		port = ntohs(sin.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

struct answer {
	int done;
	enum dns_status st;
	size_t n;
	char first[DNS_ADDRSTRLEN + 32];
};

static void
mx_cb(void *arg, enum dns_status st, const struct dns_mx *mx, size_t n)
{
	struct answer *a = arg;

	a->done++;
	a->st = st;
	a->n = n;
	if (n)
		snprintf(a->first, sizeof(a->first), "%u %s", mx[0].pref,
		    mx[0].host);
}

static void
addr_cb(void *arg, enum dns_status st, const struct dns_addr *addrs,
    size_t n)
{
	struct answer *a = arg;
	char s[DNS_ADDRSTRLEN];

	a->done++;
	a->st = st;
	a->n = n;
	if (n)
		xstrlcpy(a->first, dns_addr_str(&addrs[0], s),
		    sizeof(a->first));
}

static int
start_dnsmasq(void **state)
{
	char port[32];
	char *argv[] = {
		"dnsmasq", "--no-daemon", "--conf-file=/dev/null",
		"--no-resolv", "--no-hosts", port,
		"--listen-address=127.0.0.1", "--bind-interfaces",
		"--local=/test/", "--log-facility=/dev/null", "--quiet-dhcp",
		"--host-record=shop.test,127.0.0.1",
		"--host-record=v6.test,::1",
		"--host-record=mapped.test,::ffff:127.0.0.3",
		"--mx-host=shop.test,mx2.shop.test,20",
		"--mx-host=shop.test,mx1.shop.test,10",
		"--host-record=nomx.test,127.0.0.1",
		"--mx-host=nullmx.test,.,0",
		NULL,
	};
	int tries, p;
	struct err e = ERR_INIT;

	(void)state;
	if (access("/usr/sbin/dnsmasq", X_OK))
		return 0;	/* the live test reports the skip */
	for (tries = 0; tries < 5 && !dnsmasq_pid; tries++) {
		struct dns *d;
		struct answer a = { 0 };
		uint64_t until;

		p = free_udp_port();
		snprintf(port, sizeof(port), "--port=%d", p);
		snprintf(servers, sizeof(servers), "127.0.0.1:%d", p);
		/* It dies with us, even if a sanitizer aborts the test. */
		dnsmasq_pid = fork();
		if (dnsmasq_pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			prctl(PR_SET_PDEATHSIG, SIGTERM);
			dup2(null, 1);
			dup2(null, 2);
			execv("/usr/sbin/dnsmasq", argv);
			_exit(127);
		}
		if (dnsmasq_pid < 0) {
			dnsmasq_pid = 0;
			break;
		}
		/* Up when it answers; a port taken meanwhile makes it exit. */
		d = dns_new(servers, 200, 1, &e);
		assert_non_null(d);
		until = now_ms() + 3000;
		while (!a.done || a.st != DNS_OK) {
			if (waitpid(dnsmasq_pid, NULL, WNOHANG) ==
			    dnsmasq_pid || now_ms() > until) {
				kill(dnsmasq_pid, SIGTERM);
				waitpid(dnsmasq_pid, NULL, 0);
				dnsmasq_pid = 0;
				break;
			}
			memset(&a, 0, sizeof(a));
			dns_query_addr(d, "shop.test", addr_cb, &a);
			dns_wait(d, now_ms() + 500);
		}
		dns_free(d);
	}
	return 0;
}

static int
stop_dnsmasq(void **state)
{
	(void)state;
	if (dnsmasq_pid > 0) {
		kill(dnsmasq_pid, SIGTERM);
		waitpid(dnsmasq_pid, NULL, 0);
	}
	return 0;
}

static void
test_live(void **state)
{
	static const struct {
		const char *name;
		int mx;		/* 1 MX, 0 A/AAAA */
		enum dns_status st;
		size_t n;
		const char *first;
	} t[] = {
		{ "shop.test", 1, DNS_OK, 2, "10 mx1.shop.test" },
		{ "shop.test", 0, DNS_OK, 1, "127.0.0.1" },
		{ "nomx.test", 1, DNS_NODATA, 0, NULL },
		{ "nullmx.test", 1, DNS_OK, 0, NULL },
		{ "nothere.test", 1, DNS_NXDOMAIN, 0, NULL },
		{ "nothere.test", 0, DNS_NXDOMAIN, 0, NULL },
		{ "v6.test", 0, DNS_OK, 1, "::1" },
		{ "mapped.test", 0, DNS_OK, 1, "::ffff:127.0.0.3" },
		{ "192.0.2.7", 0, DNS_OK, 1, "192.0.2.7" },
	};
	struct answer a[ARRAY_SIZE(t)];
	struct answer dropped = { 0 };
	struct err e = ERR_INIT;
	struct dns *d;
	struct dns_query *q;
	size_t i;
	uint64_t start;

	(void)state;
	if (!dnsmasq_pid) {
		print_message("# SKIP dnsmasq is not installed or did not "
		    "start\n");
		skip();
	}
	d = dns_new(servers, 1000, 2, &e);
	assert_non_null(d);
	memset(a, 0, sizeof(a));
	/* All at once, on one channel. */
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (t[i].mx)
			dns_query_mx(d, t[i].name, mx_cb, &a[i]);
		else
			dns_query_addr(d, t[i].name, addr_cb, &a[i]);
	}
	/* A cancelled query never calls back. */
	q = dns_query_addr(d, "shop.test", addr_cb, &dropped);
	dns_cancel(q);
	q = dns_query_addr(d, "127.0.0.9", addr_cb, &dropped);
	dns_cancel(q);
	/* Callbacks run from the loop, never from the start call. */
	for (i = 0; i < ARRAY_SIZE(t); i++)
		assert_int_equal(a[i].done, 0);
	assert_int_equal(dns_pending(d), ARRAY_SIZE(t));
	assert_int_equal(dns_wait(d, now_ms() + 5000), 0);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		if (a[i].st != t[i].st)
			print_error("%s: %s\n", t[i].name,
			    dns_status_name(a[i].st));
		assert_int_equal(a[i].done, 1);
		assert_int_equal(a[i].st, t[i].st);
		assert_int_equal(a[i].n, t[i].n);
		if (t[i].first)
			assert_string_equal(a[i].first, t[i].first);
	}
	assert_int_equal(dropped.done, 0);
	dns_free(d);

	/* A server that never answers: the status is TIMEOUT, in time. */
	d = dns_new("127.0.0.1:9", 200, 1, &e);
	assert_non_null(d);
	memset(a, 0, sizeof(a));
	start = now_ms();
	dns_query_mx(d, "shop.test", mx_cb, &a[0]);
	dns_wait(d, now_ms() + 3000);
	assert_int_equal(a[0].done, 1);
	assert_true(a[0].st == DNS_TIMEOUT || a[0].st == DNS_FAIL);
	assert_true(now_ms() - start < 2000);
	dns_free(d);
}

static void
test_bad_servers(void **state)
{
	struct err e = ERR_INIT;

	(void)state;
	assert_null(dns_new("not-an-address", 100, 1, &e));
	assert_int_equal(e.kind, ERR_CONFIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_special),
		cmocka_unit_test(test_parse_and_str),
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_bad_servers),
		cmocka_unit_test_setup_teardown(test_live, start_dnsmasq,
		    stop_dnsmasq),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
