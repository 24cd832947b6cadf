/*
 * test_digest.c - the digest's mails from a small store built by hand, and
 * the daily step's rules (off, not yet, already sent, failed: not
 * recorded).  Sending is tested against a real server in
 * tests/integration/digest.sh.
 */
#include <unistd.h>

#include "unit.h"

#include "digest.h"
#include "err.h"

static char dir[64];
static struct store *st;

static void
add(const char *rep, const char *sender, const char *subject, int64_t t)
{
	static int n;
	struct err e = ERR_INIT;
	struct store_msg m;
	struct store_inquiry q;
	int64_t mid, id;
	char msgid[32];

	snprintf(msgid, sizeof(msgid), "d%d@x", ++n);
	memset(&m, 0, sizeof(m));
	m.message_id = msgid;
	m.received_at = t;
	m.status = "ok";
	assert_int_equal(store_put_message(st, &m, &mid, &e), 0);
	memset(&q, 0, sizeof(q));
	q.msg_id = mid;
	q.cls = "detailed";
	q.status = ST_DRAFTED;
	q.rep = rep;
	q.received_at = t;
	q.sender_email = sender;
	q.subject = subject;
	assert_int_equal(store_put_inquiry(st, &q, &id, &e), 0);
}

static int
setup(void **state)
{
	struct err e = ERR_INIT;
	char *path;

	(void)state;
	if (unit_tmpdir(dir, sizeof(dir), "digest"))
		return -1;
	path = xasprintf("%s/d.db", dir);
	if (store_open(&st, path, 0, &e))
		return -1;
	free(path);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	store_close(st);
	return unit_rmdir(dir);
}

static void
test_mails(void **state)
{
	struct err e = ERR_INIT;
	struct conf c;
	struct digest d;
	int64_t now = 1795000000;
	char *a, *b, *day = NULL;

	(void)state;
	add("Alice Wang <alice@us.example>", "x@a.example", "newer",
	    now - 3600);
	add("Alice Wang <alice@us.example>", "y@b.example",
	    "older\r\nBcc: evil@x", now - 7200);
	add("bob@us.example", "z@c.example", "bob's", now - 600);
	conf_defaults(&c);
	c.company_email = xstrdup("sales@us.example");

	assert_int_equal(digest_build(st, &c, now, NULL, &d, &e), 0);
	assert_int_equal(d.n, 2);	/* no manager configured */
	assert_string_equal(d.from, "sales@us.example");
	assert_string_equal(d.m[0].to, "alice@us.example");
	assert_string_equal(d.m[1].to, "bob@us.example");
	/* Oldest first, with the age; the subject's CR LF is no header. */
	a = strstr(d.m[0].msg, "older");
	b = strstr(d.m[0].msg, "newer");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b);
	assert_non_null(strstr(d.m[0].msg, "2h"));
	assert_null(strstr(d.m[0].msg, "\nBcc:"));
	assert_non_null(strstr(d.m[0].msg, "2 waiting for your reply"));
	digest_release(&d);

	/* Only one rep, by address; no manager mail even when configured. */
	c.digest_manager = xstrdup("Mia <mia@us.example>");
	assert_int_equal(digest_build(st, &c, now, "bob@us.example", &d, &e),
	    0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.m[0].to, "bob@us.example");
	digest_release(&d);
	assert_int_equal(digest_build(st, &c, now, NULL, &d, &e), 0);
	assert_int_equal(d.n, 3);
	assert_string_equal(d.m[2].rep, "manager");
	assert_non_null(strstr(d.m[2].msg, "3 inquiries still wait"));
	digest_release(&d);

	/* The daily step: off; then due but no [smtp]: an error, and the
	 * day is not recorded; recorded: nothing more today. */
	assert_int_equal(digest_daily(st, &c, now, &e), 0);
	c.digest_enabled = 1;
	c.digest_hour = 0;
	assert_int_equal(digest_daily(st, &c, now, &e), -1);
	assert_int_equal(e.kind, ERR_CONFIG);
	err_clear(&e);
	assert_int_equal(store_state_get(st, "digest_day", &day, &e), 0);
	assert_null(day);
	assert_int_equal(digest_record_day(st, &c, now, &e), 0);
	assert_int_equal(store_state_get(st, "digest_day", &day, &e), 0);
	assert_non_null(day);
	free(day);
	assert_int_equal(digest_daily(st, &c, now, &e), 0);

	/* The desk's time zone: 20:00 UTC on 26 November is 04:00 on the
	 * 27th in Shanghai, before an 8 o'clock digest; the day recorded is
	 * the desk's; the process's own zone is left as it was. */
	if (access("/usr/share/zoneinfo/Asia/Shanghai", R_OK)) {
		print_message("no tz database: the time zone case skipped\n");
	} else {
		int64_t t = 1795723200;	/* 2026-11-26T20:00:00Z */
		const char *tz_before = getenv("TZ");
		char *before = tz_before ? xstrdup(tz_before) : NULL;

		c.digest_hour = 8;
		c.digest_tz = xstrdup("Asia/Shanghai");
		assert_int_equal(digest_record_day(st, &c, t, &e), 0);
		assert_int_equal(store_state_get(st, "digest_day", &day, &e),
		    0);
		assert_string_equal(day, "2026-11-27");
		free(day);
		assert_int_equal(store_state_set(st, "digest_day", "2026-11-26",
		    t, &e), 0);
		assert_int_equal(digest_daily(st, &c, t, &e), 0);
		/* At 01:00 UTC it is 09:00 there: due (no [smtp]: -1). */
		assert_int_equal(digest_daily(st, &c, t + 5 * 3600, &e), -1);
		err_clear(&e);
		if (before)
			assert_string_equal(getenv("TZ"), before);
		else
			assert_null(getenv("TZ"));
		free(before);
	}
	conf_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mails),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, setup, teardown);
}
