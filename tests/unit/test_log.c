/*
 * test_log.c - untrusted text cannot forge log lines or send escapes.
 */
#include "unit.h"

#include "log.h"

static void
test_escape(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "two\nlines", "two\\nlines" },
		{ "cr\r\n", "cr\\r\\n" },
		{ "\x1b[31mred", "\\x1b[31mred" },
		{ "back\\slash", "back\\\\slash" },
		{ "caf\xc3\xa9 \xe6\x8a\xa5\xe4\xbb\xb7", "caf\xc3\xa9 \xe6\x8a\xa5\xe4\xbb\xb7" },
		{ "bad \xff\xfe", "bad \\xff\\xfe" },
		{ "c1 \xc2\x9b", "c1 \\xc2\\x9b" },
		{ "bidi \xe2\x80\xae", "bidi \\xe2\\x80\\xae" },
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_string_equal(log_escape(cases[i].in, out, sizeof(out)),
		    cases[i].want);
	assert_string_equal(log_escape(NULL, out, sizeof(out)), "(null)");
}

static void
test_truncates(void **state)
{
	char out[12];
	const char *r;

	(void)state;
	r = log_escape("abcdefghijklmnopqrstuvwxyz", out, sizeof(out));
	assert_true(strlen(r) < sizeof(out));
	assert_true(ends_with(r, "..."));
	r = log_escape("\n\n\n\n\n\n\n\n", out, sizeof(out));
	assert_true(strlen(r) < sizeof(out));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_truncates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
