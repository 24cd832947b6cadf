/*
 * test_util.c - checked number parsing, strings, time, string lists.
 */
#include "unit.h"

static void
test_str_to_long(void **state)
{
	static const struct {
		const char *in;
		long min, max;
		int rc;
		long want;
	} cases[] = {
		{ "42", 0, 100, 0, 42 },
		{ " 42 ", 0, 100, 0, 42 },
		{ "-5", -10, 10, 0, -5 },
		{ "101", 0, 100, -1, 0 },
		{ "4x", 0, 100, -1, 0 },
		{ "", 0, 100, -1, 0 },
		{ "99999999999999999999", 0, 100, -1, 0 },
	};
	size_t i;
	long v;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		v = 0;
		assert_int_equal(str_to_long(cases[i].in, cases[i].min,
		    cases[i].max, &v), cases[i].rc);
		if (cases[i].rc == 0)
			assert_int_equal(v, cases[i].want);
	}
	assert_int_equal(str_to_long(NULL, 0, 1, &v), -1);
}

static void
test_sizes_and_durations(void **state)
{
	static const struct {
		const char *in;
		int rc;
		size_t want;
	} sizes[] = {
		{ "512K", 0, 512 * 1024 }, { "25M", 0, 25u << 20 },
		{ "1 GiB", 0, 1u << 30 }, { "100", 0, 100 }, { "12q", -1, 0 },
		{ "", -1, 0 }, { "3KB", 0, 3072 },
	};
	static const struct {
		const char *in;
		int rc;
		long want;
	} secs[] = {
		{ "30", 0, 30 }, { "5m", 0, 300 }, { "24h", 0, 86400 },
		{ "2d", 0, 172800 }, { "h", -1, 0 }, { "5 x", -1, 0 },
	};
	size_t i, sz;
	long l;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		sz = 0;
		assert_int_equal(str_to_size(sizes[i].in, &sz), sizes[i].rc);
		if (!sizes[i].rc)
			assert_int_equal(sz, sizes[i].want);
	}
	for (i = 0; i < ARRAY_SIZE(secs); i++) {
		l = 0;
		assert_int_equal(str_to_seconds(secs[i].in, &l), secs[i].rc);
		if (!secs[i].rc)
			assert_int_equal(l, secs[i].want);
	}
}

static void
test_strings(void **state)
{
	char s[] = "  Hello World \r\n";
	struct strlist l = STRLIST_INIT;

	(void)state;
	assert_string_equal(str_trim(s), "Hello World");
	assert_string_equal(str_lower(s), "hello world");
	assert_true(starts_with("inquiry", "inq"));
	assert_true(starts_with_icase("INQUIRY", "inq"));
	assert_true(ends_with("quote.xlsx", ".xlsx"));
	assert_false(ends_with("x", ".xlsx"));
	assert_true(str_blank(" \t"));
	assert_false(str_blank(" a"));
	assert_int_equal(str_to_bool("Yes"), 1);
	assert_int_equal(str_to_bool("off"), 0);
	assert_int_equal(str_to_bool("maybe"), -1);
	strlist_push(&l, "a");
	strlist_pushf(&l, "%d", 2);
	assert_int_equal(l.n, 2);
	assert_null(l.v[2]);
	assert_int_equal(strlist_find(&l, "2", 0), 1);
	assert_int_equal(strlist_find(&l, "A", 1), 0);
	assert_int_equal(strlist_find(&l, "A", 0), -1);
	strlist_release(&l);
	assert_int_equal(l.n, 0);
}

static void
test_time(void **state)
{
	int64_t t;
	char out[21];

	(void)state;
	assert_int_equal(parse_time_utc("2026-11-26", &t), 0);
	assert_string_equal(fmt_time_utc(t, out), "2026-11-26T00:00:00Z");
	assert_int_equal(parse_time_utc("2026-11-26T19:31:05Z", &t), 0);
	assert_string_equal(fmt_time_utc(t, out), "2026-11-26T19:31:05Z");
	assert_int_equal(parse_time_utc("2026-11-26 19:31", &t), 0);
	assert_string_equal(fmt_time_utc(t, out), "2026-11-26T19:31:00Z");
	assert_int_equal(parse_time_utc("2026-13-01", &t), -1);
	assert_int_equal(parse_time_utc("yesterday", &t), -1);
}

/*
 * xcalloc zeroes what it gives, on both sides of the size where it
 * stops clearing malloc's blocks itself, also blocks just freed dirty
 * (what malloc hands out again first).
 */
static void
test_xcalloc(void **state)
{
	unsigned char *p;
	size_t n, k, i;
	unsigned seed = 31;

	(void)state;
	for (n = 0; n <= 2100; n += n < 1100 ? 1 : 37) {
		unit_rand(&seed);
		k = 1 + (seed >> 16) % 4;
		p = xmalloc(n * k + 1);
		memset(p, 0xa5, n * k + 1);
		free(p);
		/* both orders of the factors */
		p = (seed >> 8) & 1 ? xcalloc(n, k) : xcalloc(k, n);
		for (i = 0; i < n * k; i++)
			assert_int_equal(p[i], 0);
		free(p);
	}
	p = xcalloc(0, 0);
	assert_non_null(p);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_to_long),
		cmocka_unit_test(test_sizes_and_durations),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_xcalloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
