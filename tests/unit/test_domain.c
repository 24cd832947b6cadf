/*
 * test_domain.c - names without the network: IDN forms, registrable
 * domains, ccTLD countries, domain sets with overrides, look-alikes.
 */
#include <unistd.h>

#include "unit.h"

#include "domain.h"

static void
test_normalize(void **state)
{
	static const struct { const char *in, *want; } t[] = {
		{ "Example.COM", "example.com" },
		{ "example.com.", "example.com" },
		{ " mail.acme.co.uk ", "mail.acme.co.uk" },
		{ "bücher.de", "xn--bcher-kva.de" },
		{ "XN--BCHER-KVA.DE", "xn--bcher-kva.de" },
		{ "例子.中国", "xn--fsqu00a.xn--fiqs8s" },
		{ "localhost", NULL },
		{ "1.2.3.4", NULL },
		{ "[127.0.0.1]", NULL },
		{ "-bad.com", NULL },
		{ "bad-.com", NULL },
		{ "a..b.com", NULL },
		{ "under_score.com", NULL },
		{ "", NULL },
	};
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		got = domain_normalize(t[i].in);
		if (t[i].want) {
			if (!got || strcmp(got, t[i].want))
				print_error("%s -> %s\n", t[i].in,
				    got ? got : "NULL");
			assert_non_null(got);
			assert_string_equal(got, t[i].want);
		} else {
			if (got)
				print_error("%s -> %s\n", t[i].in, got);
			assert_null(got);
		}
		free(got);
	}
}

static void
test_unicode(void **state)
{
	char *u;

	(void)state;
	u = domain_to_unicode("xn--bcher-kva.de");
	assert_string_equal(u, "bücher.de");
	free(u);
	u = domain_to_unicode("plain.com");
	assert_string_equal(u, "plain.com");
	free(u);
	assert_true(domain_is_punycode("shop.xn--bcher-kva.de"));
	assert_false(domain_is_punycode("shop.bcher-xn.de"));
}

static void
test_registrable(void **state)
{
	static const struct { const char *in, *want; } t[] = {
		{ "www.acme.com", "acme.com" },
		{ "mail.acme.co.uk", "acme.co.uk" },
		{ "a.b.c.shop.com.cn", "shop.com.cn" },
		{ "user.github.io", "user.github.io" },
		{ "mx.example.com.br", "example.com.br" },
		{ "shop.bücher.de", "xn--bcher-kva.de" },
		{ "co.uk", NULL },
		{ "com", NULL },
	};
	size_t i;
	char *got, *label, *suffix;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		got = domain_registrable(t[i].in);
		if (t[i].want) {
			assert_non_null(got);
			assert_string_equal(got, t[i].want);
		} else {
			assert_null(got);
		}
		free(got);
	}
	assert_int_equal(domain_split("acme.co.uk", &label, &suffix), 0);
	assert_string_equal(label, "acme");
	assert_string_equal(suffix, "co.uk");
	free(label);
	free(suffix);
	domain_cleanup();
}

static void
test_cctld(void **state)
{
	static const struct { const char *in, *want; } t[] = {
		{ "acme.de", "DE" },
		{ "acme.co.uk", "GB" },
		{ "acme.com.br", "BR" },
		{ "acme.com", NULL },
		{ "acme.io", NULL },
		{ "acme.co", NULL },
		{ "acme.com.co", "CO" },
		{ "acme.cn", "CN" },
		{ "acme.xn--fiqs8s", NULL },
	};
	size_t i;
	const char *got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		got = domain_cctld_country(t[i].in);
		if (t[i].want) {
			assert_non_null(got);
			assert_string_equal(got, t[i].want);
		} else {
			assert_null(got);
		}
	}
}

static void
test_url_host(void **state)
{
	static const struct {
		const char *url, *host;
		int under_wa, contact;
	} t[] = {
		{ "https://wa.me/8613800000000", "wa.me", 1, 1 },
		{ "HTTP://API.WA.ME/x", "API.WA.ME", 1, 1 },
		{ "https://notwa.me/x", "notwa.me", 0, 0 },
		{ "wa.me/123", "wa.me", 1, 1 },
		{ "www.acme.com/about?x=1", "www.acme.com", 0, 0 },
		{ "https://acme.com:8443/#top", "acme.com", 0, 0 },
		{ "https://www.linkedin.com/in/jane", "www.linkedin.com", 0, 1 },
		{ "https://wa.link/abc", "wa.link", 0, 1 },
		/* "://" in the path is no scheme */
		{ "acme.com/r?u=https://wa.me/1", "acme.com", 0, 0 },
		{ "", "", 0, 0 },
	};
	size_t i, len;
	const char *h;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		size_t n = strlen(t[i].url);

		h = domain_url_host(t[i].url, n, &len);
		assert_int_equal(len, strlen(t[i].host));
		assert_memory_equal(h, t[i].host, len);
		assert_int_equal(domain_url_under(t[i].url, n, "wa.me"),
		    t[i].under_wa);
		assert_int_equal(domain_url_contact(t[i].url, n),
		    t[i].contact);
	}
	/* the length bounds the URL: no NUL needed */
	assert_true(domain_url_under("https://wa.me/1 trailing", 14,
	    "wa.me"));
}

/*
 * domain_url_contact reads the host once: it answers as domain_url_under
 * asked of each messenger host does, on random URLs built of pieces.
 */
static void
test_url_contact_random(void **state)
{
	static const char *const hosts[] = {
		"wa.me", "wa.link", "whatsapp.com", "t.me", "telegram.me",
		"line.me", "lin.ee", "zalo.me", "viber.com", "skype.com",
		"weixin.qq.com", "wechat.com", "linkedin.com",
	};
	static const char *const pieces[] = {
		"https://", "http://", "://", "x.", "www.", "WA.ME", "wa.me",
		"t.me", "at.me", "LinkedIn.com", "weixin.qq.com", "lin.ee",
		"/", ":", "?", "#", ".", "a", "-", "8443", "://wa.me",
	};
	char url[128];
	unsigned seed = 1;
	size_t i, k, n, parts;
	int want;

	(void)state;
	for (i = 0; i < 20000; i++) {
		n = 0;
		parts = unit_rand(&seed) % 5;
		for (k = 0; k < parts; k++) {
			const char *p = pieces[unit_rand(&seed) %
			    ARRAY_SIZE(pieces)];

			memcpy(url + n, p, strlen(p));
			n += strlen(p);
		}
		want = 0;
		for (k = 0; k < ARRAY_SIZE(hosts); k++)
			want |= domain_url_under(url, n, hosts[k]);
		assert_int_equal(domain_url_contact(url, n), want);
	}
}

static void
test_known_tld(void **state)
{
	(void)state;
	assert_true(domain_known_tld("acme.com"));
	assert_true(domain_known_tld("ACME.CO.UK"));
	assert_true(domain_known_tld("acme-tools.de"));
	assert_false(domain_known_tld("St.Louis"));
	assert_false(domain_known_tld("brighthome.example"));
	assert_false(domain_known_tld("acme"));
	assert_false(domain_known_tld("acme."));
	assert_false(domain_known_tld(NULL));
}

static void
test_set(void **state)
{
	struct domain_set *s = domain_set_new();
	struct strlist errs = STRLIST_INIT;
	char path[] = "/tmp/inquiryd-domset-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "# free mail\ngmail.com\nQQ.com  # comment\n"
	    "\n33mail.com\n!corp.33mail.com\nnot a domain\n";
	size_t i;
	char name[64];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(domain_set_load(s, path, &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.v[0], ":7: not a domain name"));
	assert_int_equal(domain_set_lookup(s, "gmail.com"), 1);
	assert_int_equal(domain_set_lookup(s, "qq.com"), 1);
	assert_int_equal(domain_set_lookup(s, "vip.QQ.com"), 1);
	assert_int_equal(domain_set_lookup(s, "x.33mail.com"), 1);
	assert_int_equal(domain_set_lookup(s, "corp.33mail.com"), 0);
	assert_int_equal(domain_set_lookup(s, "a.corp.33mail.com"), 0);
	assert_int_equal(domain_set_lookup(s, "acme.com"), -1);
	assert_int_equal(domain_set_lookup(s, "gmail.com.evil.com"), -1);
	/* Growth keeps every entry. */
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "d%zu.example", i);
		assert_int_equal(domain_set_add(s, name, 0), 0);
	}
	for (i = 0; i < 5000; i += 7) {
		snprintf(name, sizeof(name), "d%zu.example", i);
		assert_int_equal(domain_set_lookup(s, name), 1);
	}
	assert_int_equal(domain_set_count(s), 5004);
	unlink(path);
	strlist_release(&errs);
	domain_set_free(s);
}

static void
test_skeleton(void **state)
{
	static const struct { const char *in, *want; } t[] = {
		{ "paypal", "paypal" },
		{ "paypa1", "paypal" },
		{ "g00gle", "google" },
		{ "rnicrosoft", "microsoft" },
		{ "\xd0\xb0pple", "apple" },	/* Cyrillic a */
		{ "example-gifts", "examplegifts" },
		{ "vvalmart", "walmart" },
	};
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		got = domain_skeleton(t[i].in);
		assert_string_equal(got, t[i].want);
		free(got);
	}
	assert_int_equal(domain_distance("paypal", "paypal", 1), 0);
	assert_int_equal(domain_distance("paypal", "paypall", 1), 1);
	assert_int_equal(domain_distance("paypal", "papyal", 1), 1);
	assert_int_equal(domain_distance("paypal", "pypl", 1), 2);
	assert_int_equal(domain_distance("alibaba", "alibabba", 3), 1);
}

static void
test_lookalike(void **state)
{
	static const char *const prot[] = {
		"paypal.com", "apple.com", "dhl.com", "alibaba.com",
		"gmail.com",
	};
	static const struct { const char *reg; int want; } t[] = {
		{ "paypal.com", 0 },
		{ "paypal.de", 0 },		/* the brand under a ccTLD */
		{ "paypa1.com", 1 },
		{ "paypall.com", 1 },
		{ "xn--pple-43d.com", 1 },	/* Cyrillic a: аpple.com */
		{ "dhl-express-delivery.com", 1 },
		{ "alibabba.com", 1 },
		{ "gmai1.com", 1 },
		{ "example-gifts.net", 1 },	/* ours, another suffix */
		{ "examplegifts.com", 1 },
		{ "exarnple-gifts.com", 1 },
		{ "example-gifts.com", 0 },	/* us */
		{ "acme-trading.com", 0 },
		{ "dhlogistics.com", 0 },
		{ "apples.org", 1 },
		{ "pineapple.com", 0 },
	};
	struct domain_protect p[ARRAY_SIZE(prot) + 2];
	size_t i, n = 0;
	char *why;
	int got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(prot); i++)
		assert_int_equal(domain_protect_init(&p[n++], prot[i], 0), 0);
	assert_int_equal(domain_protect_init(&p[n++], "example-gifts.com", 1),
	    0);
	assert_int_equal(domain_protect_init(&p[n++], "Example Gifts", 1), 0);
	assert_string_equal(p[n - 1].label, "examplegifts");
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		got = domain_lookalike(t[i].reg, p, n, &why);
		if (got != t[i].want)
			print_error("%s: got %d (%s)\n", t[i].reg, got,
			    why ? why : "-");
		assert_int_equal(got, t[i].want);
		if (got) {
			assert_non_null(why);
			assert_non_null(strstr(why, t[i].reg));
		} else {
			assert_null(why);
		}
		free(why);
	}
	got = domain_lookalike("xn--pple-43d.com", p, n, &why);
	assert_non_null(strstr(why, "shown as '\xd0\xb0pple.com'"));
	free(why);
	for (i = 0; i < n; i++)
		domain_protect_release(&p[i]);
	domain_cleanup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_unicode),
		cmocka_unit_test(test_registrable),
		cmocka_unit_test(test_cctld),
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_url_contact_random),
		cmocka_unit_test(test_known_tld),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_skeleton),
		cmocka_unit_test(test_lookalike),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
