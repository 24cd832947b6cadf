/*
 * test_imap.c - the pure parts of imap.c: base64, SASL messages, the
 * choice of authentication, keyword checks, UID lists.  Talking to a
 * server is tests/integration/imap-*.sh against a private Dovecot.
 */
#include "unit.h"

#include "buf.h"
#include "imap.h"

static void
test_b64(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	struct buf b = BUF_INIT(1024);
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s = imap_b64_encode(cases[i].in, strlen(cases[i].in));
		assert_string_equal(s, cases[i].out);
		free(s);
		buf_reset(&b);
		assert_int_equal(imap_b64_decode(cases[i].out, &b), 0);
		assert_string_equal(b.data, cases[i].in);
	}
	buf_reset(&b);
	assert_int_equal(imap_b64_decode("Zm9v!", &b), -1);
	/* A capped buffer refuses, it does not grow. */
	{
		struct buf small = BUF_INIT(2);

		assert_int_equal(imap_b64_decode("Zm9vYmFy", &small), -1);
		buf_release(&small);
	}
	buf_release(&b);
}

static void
test_sasl(void **state)
{
	struct buf b = BUF_INIT(1024);
	char *s;
	size_t len;

	(void)state;
	s = imap_sasl_plain("user@example.com", "pa ss", &len);
	assert_int_equal(len, strlen(s));
	assert_int_equal(imap_b64_decode(s, &b), 0);
	assert_int_equal(b.len, 1 + 16 + 1 + 5);
	assert_memory_equal(b.data, "\0user@example.com\0pa ss", b.len);
	free(s);

	buf_reset(&b);
	s = imap_sasl_xoauth2("a@b.c", "tok");
	assert_int_equal(imap_b64_decode(s, &b), 0);
	assert_string_equal(b.data, "user=a@b.c\001auth=Bearer tok\001\001");
	free(s);

	buf_reset(&b);
	s = imap_sasl_oauthbearer("a,b=c@d.e", "tok");
	assert_int_equal(imap_b64_decode(s, &b), 0);
	assert_string_equal(b.data,
	    "n,a=a=2Cb=3Dc@d.e,\001auth=Bearer tok\001\001");
	free(s);
	buf_release(&b);
}

static void
test_pick_auth(void **state)
{
	static const struct {
		const char *wanted;
		int plain, login, xoauth2, oauthbearer;
		const char *want;
	} cases[] = {
		{ "auto", 1, 1, 1, 1, "PLAIN" },
		{ NULL, 1, 1, 0, 0, "PLAIN" },
		{ "auto", 0, 1, 1, 1, "LOGIN" },
		{ "auto", 0, 0, 1, 1, "OAUTHBEARER" },
		{ "auto", 0, 0, 1, 0, "XOAUTH2" },
		{ "auto", 0, 0, 0, 0, NULL },
		{ "login", 1, 1, 1, 1, "LOGIN" },
		{ "login", 1, 0, 1, 1, NULL },	/* LOGINDISABLED */
		{ "plain", 0, 1, 1, 1, NULL },
		{ "xoauth2", 1, 1, 1, 1, "XOAUTH2" },
		{ "oauthbearer", 1, 1, 1, 0, NULL },
		{ "OAuthBearer", 1, 1, 1, 1, "OAUTHBEARER" },
		{ "cram-md5", 1, 1, 1, 1, NULL },
	};
	size_t i;
	const char *got;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = imap_pick_auth(cases[i].wanted, cases[i].plain,
		    cases[i].login, cases[i].xoauth2, cases[i].oauthbearer);
		if (!cases[i].want)
			assert_null(got);
		else
			assert_string_equal(got, cases[i].want);
	}
}

static void
test_keywords(void **state)
{
	static const struct {
		const char *kw;
		int ok;
	} cases[] = {
		{ "$Inquiryd", 1 },
		{ "inquiryd-processed", 1 },
		{ "\\Seen", 0 },
		{ "\\Deleted", 0 },
		{ "", 0 },
		{ "two words", 0 },
		{ "paren(", 0 },
		{ "quote\"", 0 },
		{ "star*", 0 },
		{ "br]", 0 },
		{ "caf\xc3\xa9", 0 },
		{ "tab\t", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(imap_valid_keyword(cases[i].kw), cases[i].ok);
	assert_int_equal(imap_valid_keyword(NULL), 0);
}

static void
test_uids(void **state)
{
	struct imap_uids u = IMAP_UIDS_INIT;
	static const uint32_t in[] = { 5, 3, 9, 3, 1, 5, 5, 4294967295u };
	static const uint32_t want[] = { 1, 3, 5, 9, 4294967295u };
	size_t i;

	(void)state;
	imap_uids_normalise(&u);
	assert_int_equal(u.n, 0);
	u.v = xmalloc(sizeof(in));
	memcpy(u.v, in, sizeof(in));
	u.n = u.alloc = ARRAY_SIZE(in);
	imap_uids_normalise(&u);
	assert_int_equal(u.n, ARRAY_SIZE(want));
	for (i = 0; i < u.n; i++)
		assert_int_equal(u.v[i], want[i]);
	imap_uids_release(&u);
	assert_null(u.v);
}

static void
test_mutf7(void **state)
{
	static const struct {
		const char *utf8, *wire;
	} cases[] = {
		{ "INBOX", "INBOX" },
		{ "Entw\xc3\xbcrfe", "Entw&APw-rfe" },
		{ "R&D", "R&-D" },
		/* Chinese "Drafts" */
		{ "\xe8\x8d\x89\xe7\xa8\xbf", "&g0l6Pw-" },
		{ "\xd0\xa7\xd0\xb5\xd1\x80\xd0\xbd\xd0\xbe\xd0\xb2"
		  "\xd0\xb8\xd0\xba\xd0\xb8", "&BCcENQRABD0EPgQyBDgEOgQ4-" },
		/* Beyond the BMP: a surrogate pair. */
		{ "a\xf0\x9f\x98\x80" "b", "a&2D3eAA-b" },
		{ "\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac"
		  "\xe8\xaa\x9e", "&U,BTFw-/&ZeVnLIqe-" },	/* RFC 3501 */
		{ "\xc3\x89l\xc3\xa9ments envoy\xc3\xa9s",
		  "&AMk-l&AOk-ments envoy&AOk-s" },
		{ "", "" },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		s = imap_mutf7_encode(cases[i].utf8);
		assert_non_null(s);
		assert_string_equal(s, cases[i].wire);
		free(s);
		s = imap_mutf7_decode(cases[i].wire);
		assert_string_equal(s, cases[i].utf8);
		free(s);
	}
	/* Not UTF-8: refused. */
	assert_null(imap_mutf7_encode("caf\xe9"));
	assert_null(imap_mutf7_encode("\xed\xa0\x80"));	/* a surrogate */
	assert_null(imap_mutf7_encode("\xc0\xaf"));	/* overlong */
	/* Malformed on the wire: left as it is. */
	s = imap_mutf7_decode("bad&AMk");
	assert_string_equal(s, "bad&AMk");
	free(s);
	s = imap_mutf7_decode("bad&2D0-");		/* a lone surrogate */
	assert_string_equal(s, "bad&2D0-");
	free(s);
	s = imap_mutf7_decode("bad&*-");
	assert_string_equal(s, "bad&*-");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64),
		cmocka_unit_test(test_sasl),
		cmocka_unit_test(test_pick_auth),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_uids),
		cmocka_unit_test(test_mutf7),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
