/*
 * test_ufold.c - UTF-8 decoding never fails and always advances, repair
 * keeps valid text, case mapping for the scripts customers write in.
 */
#include "unit.h"

#include "ufold.h"

static void
test_decode(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		uint32_t cp;
		size_t used;
	} t[] = {
		{ "A", 1, 'A', 1 },
		{ "\xC3\xA9", 2, 0xE9, 2 },
		{ "\xE4\xB8\xAD", 3, 0x4E2D, 3 },
		{ "\xF0\x9F\x98\x80", 4, 0x1F600, 4 },
		{ "\xC3", 1, UFOLD_REPLACEMENT, 1 },		/* truncated */
		{ "\xC0\xAF", 2, UFOLD_REPLACEMENT, 1 },	/* overlong */
		{ "\xED\xA0\x80", 3, UFOLD_REPLACEMENT, 1 },	/* surrogate */
		{ "\xF4\x90\x80\x80", 4, UFOLD_REPLACEMENT, 1 }, /* > 10FFFF */
		{ "\xFF", 1, UFOLD_REPLACEMENT, 1 },
		{ "\x80", 1, UFOLD_REPLACEMENT, 1 },
	};
	size_t i, n;
	uint32_t cp;
	char enc[4];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		n = utf8_decode(t[i].in, t[i].len, &cp);
		assert_int_equal(cp, t[i].cp);
		assert_int_equal(n, t[i].used);
		if (t[i].cp != UFOLD_REPLACEMENT) {
			assert_int_equal(utf8_encode(cp, enc), t[i].len);
			assert_memory_equal(enc, t[i].in, t[i].len);
		}
	}
	assert_true(utf8_valid("caf\xC3\xA9", 5));
	assert_false(utf8_valid("caf\xE9", 4));
}

/* utf8_next and utf8_prev walk the same code points both ways. */
static void
test_next_prev(void **state)
{
	static const struct {
		const char *s;
		size_t i;		/* offset to look back from */
		uint32_t prev;
		size_t at;
	} t[] = {
		{ "", 0, 0, 0 },
		{ "ab", 2, 'b', 1 },
		{ "a\xc3\xa9", 3, 0xe9, 1 },		/* é */
		{ "\xe4\xb8\xad", 3, 0x4e2d, 0 },	/* 中 */
		{ "x\xf0\x9f\x98\x80", 5, 0x1f600, 1 },
		{ "a\x80", 2, UFOLD_REPLACEMENT, 1 },	/* stray continuation */
		{ "\xe4\xb8", 2, UFOLD_REPLACEMENT, 1 },	/* cut sequence */
	};
	size_t i, at, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		assert_int_equal(utf8_prev(t[i].s, t[i].i, &at), t[i].prev);
		assert_int_equal(at, t[i].at);
	}
	assert_int_equal(utf8_next("\xe4\xb8\xad!", 4, &n), 0x4e2d);
	assert_int_equal(n, 3);
	assert_int_equal(utf8_next("\xff", 1, &n), UFOLD_REPLACEMENT);
	assert_int_equal(n, 1);
}

static void
test_repair_and_prefix(void **state)
{
	char *r;

	(void)state;
	r = utf8_repair("a\xFF" "b\xC3\xA9", 5);
	assert_string_equal(r, "a\xEF\xBF\xBD" "b\xC3\xA9");
	free(r);
	r = utf8_repair("x\0y", 3);
	assert_string_equal(r, "xy");
	free(r);
	assert_int_equal(utf8_length("\xE4\xB8\xAD\xE6\x96\x87" "ab"), 4);
	assert_int_equal(utf8_prefix("\xE4\xB8\xAD\xE6\x96\x87" "ab", 1,
	    SIZE_MAX), 3);
	/* never cuts a code point: 4 bytes allowed, the second is 3 more */
	assert_int_equal(utf8_prefix("\xE4\xB8\xAD\xE6\x96\x87", 10, 4), 3);
}

static void
test_case(void **state)
{
	static const struct {
		const char *in, *upper, *lower;
	} t[] = {
		{ "Acme", "ACME", "acme" },
		{ "M\xC3\xBCller Stra\xC3\x9F" "e", "M\xC3\x9CLLER STRASSE",
		    "m\xC3\xBCller stra\xC3\x9F" "e" },
		{ "Soci\xC3\xA9t\xC3\xA9", "SOCI\xC3\x89T\xC3\x89",
		    "soci\xC3\xA9t\xC3\xA9" },
		/* Cyrillic: Ромашка */
		{ "\xD0\xA0\xD0\xBE\xD0\xBC\xD0\xB0\xD1\x88\xD0\xBA\xD0\xB0",
		    "\xD0\xA0\xD0\x9E\xD0\x9C\xD0\x90\xD0\xA8\xD0\x9A\xD0\x90",
		    "\xD1\x80\xD0\xBE\xD0\xBC\xD0\xB0\xD1\x88\xD0\xBA\xD0\xB0" },
		/* Greek: Αθήνα */
		{ "\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1",
		    "\xCE\x91\xCE\x98\xCE\x89\xCE\x9D\xCE\x91",
		    "\xCE\xB1\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1" },
		/* Polish: Łódź */
		{ "\xC5\x81\xC3\xB3\x64\xC5\xBA", "\xC5\x81\xC3\x93\x44\xC5\xB9",
		    "\xC5\x82\xC3\xB3\x64\xC5\xBA" },
		/* Chinese has no case */
		{ "\xE6\xB7\xB1\xE5\x9C\xB3", "\xE6\xB7\xB1\xE5\x9C\xB3",
		    "\xE6\xB7\xB1\xE5\x9C\xB3" },
		/* Vietnamese: Nguyễn */
		{ "Nguy\xE1\xBB\x85n", "NGUY\xE1\xBB\x84N",
		    "nguy\xE1\xBB\x85n" },
	};
	size_t i;
	char *u, *l;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		u = ufold_upper(t[i].in);
		l = ufold_lower(t[i].in);
		assert_string_equal(u, t[i].upper);
		assert_string_equal(l, t[i].lower);
		free(u);
		free(l);
	}
	/* final sigma */
	assert_int_equal(ufold_upper_cp(0x03C2), 0x03A3);
	assert_int_equal(ufold_lower_cp(0x0130), 'i');
}

static void
test_word_chars(void **state)
{
	(void)state;
	assert_true(ufold_is_word('a'));
	assert_true(ufold_is_word('7'));
	assert_false(ufold_is_word('-'));
	assert_false(ufold_is_word(0x2014));	/* em dash */
	assert_false(ufold_is_word(0x3001));	/* ideographic comma */
	assert_false(ufold_is_word(0x1F600));	/* emoji */
	assert_true(ufold_is_word(0xE9));
	assert_true(ufold_is_word(0x4E2D));
	assert_true(ufold_is_cjk(0x4E2D));
	assert_false(ufold_is_cjk(0xE9));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_next_prev),
		cmocka_unit_test(test_repair_and_prefix),
		cmocka_unit_test(test_case),
		cmocka_unit_test(test_word_chars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
