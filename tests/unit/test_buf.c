/*
 * test_buf.c - the capped buffer.
 */
#include "unit.h"

#include "buf.h"

static void
test_cap(void **state)
{
	struct buf b = BUF_INIT(8);
	char *p;
	size_t n;

	(void)state;
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_addstr(&b, "12345"), 0);
	assert_int_equal(buf_addstr(&b, "6789"), -1);
	assert_true(b.overflow);
	assert_string_equal(b.data, "12345");
	assert_int_equal(buf_addf(&b, "%d", 678), 0);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(buf_addch(&b, 'x'), -1);
	p = buf_detach(&b, &n);
	assert_int_equal(n, 8);
	assert_string_equal(p, "12345678");
	free(p);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

/* Room to write in place: within the cap, counted by buf_added. */
static void
test_space(void **state)
{
	struct buf b = BUF_INIT(8);
	char *p;

	(void)state;
	assert_int_equal(buf_addstr(&b, "ab"), 0);
	p = buf_space(&b, 6);
	assert_non_null(p);
	memcpy(p, "cdef", 4);
	buf_added(&b, 4);
	assert_int_equal(b.len, 6);
	assert_string_equal(b.data, "abcdef");
	assert_null(buf_space(&b, 3));
	assert_true(b.overflow);
	assert_string_equal(b.data, "abcdef");
	p = buf_space(&b, 0);
	assert_non_null(p);
	buf_added(&b, 0);
	assert_string_equal(b.data, "abcdef");
	buf_release(&b);
}

/* "%XX" decoded; a broken or cut escape kept as written. */
static void
test_add_pct(void **state)
{
	struct buf b = BUF_INIT(64);
	static const char in[] = "https%3A%2F%2Fx.example%2f a%zz%4";

	(void)state;
	assert_int_equal(buf_add_pct(&b, in, sizeof(in) - 1), 0);
	assert_string_equal(b.data, "https://x.example/ a%zz%4");
	buf_reset(&b);
	/* the escape at the end of the span, not past it */
	assert_int_equal(buf_add_pct(&b, "a%41", 3), 0);
	assert_string_equal(b.data, "a%4");
	assert_int_equal(hex_digit('F'), 15);
	assert_int_equal(hex_digit('g'), -1);
	buf_release(&b);
}

static void
test_growth_and_trim(void **state)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	int i;

	(void)state;
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_addstr(&b, "abc"), 0);
	assert_int_equal(b.len, 30000);
	buf_reset(&b);
	buf_addstr(&b, "line \r\n\t ");
	buf_rtrim(&b);
	assert_string_equal(b.data, "line");
	buf_setlen(&b, 2);
	assert_string_equal(b.data, "li");
	buf_release(&b);

	{
		struct buf e = BUF_INIT(4);
		char *p = buf_detach(&e, NULL);

		assert_string_equal(p, "");
		free(p);
	}
}

/*
 * Random adds of every length about the growth steps, with and without
 * reserve, under random caps: the buffer holds what a plain array does,
 * refuses what passes the cap and flags it.
 */
static void
test_random_adds(void **state)
{
	struct buf b;
	char src[300], ref[4096];
	unsigned seed = 4242;
	size_t round, k, n, len, max;
	int ovf;

	(void)state;
	for (k = 0; k < sizeof(src); k++)
		src[k] = (char)('a' + k % 23);
	for (round = 0; round < 200; round++) {
		max = (unit_rand(&seed) >> 16) % 4000 + 1;
		buf_init(&b, max);
		len = 0;
		ovf = 0;
		for (k = 0; k < 40; k++) {
			n = (unit_rand(&seed) >> 16) % sizeof(src);
			if ((unit_rand(&seed) >> 16) % 7 == 0)
				buf_reserve(&b, n);
			if ((unit_rand(&seed) >> 16) % 5 == 0) {
				assert_int_equal(buf_addch(&b, 'Z'),
				    len + 1 <= max ? 0 : -1);
				if (len + 1 <= max)
					ref[len++] = 'Z';
				else
					ovf = 1;
				continue;
			}
			assert_int_equal(buf_add(&b, src, n),
			    len + n <= max ? 0 : -1);
			if (len + n <= max) {
				memcpy(ref + len, src, n);
				len += n;
			} else if (n)
				ovf = 1;
		}
		assert_int_equal(b.len, len);
		assert_true(b.alloc > len || (!b.alloc && !len));
		assert_memory_equal(b.data, ref, len);
		assert_int_equal(b.data[len], '\0');
		assert_int_equal(b.overflow, ovf);
		buf_release(&b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_space),
		cmocka_unit_test(test_add_pct),
		cmocka_unit_test(test_growth_and_trim),
		cmocka_unit_test(test_random_adds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
