/*
 * test_report.c - funnel counts, rates, percentiles and groups from a
 * small store built by hand.
 */
#include <math.h>
#include <unistd.h>

#include <jansson.h>

#include "unit.h"

#include "err.h"
#include "report.h"

static char dir[64];
static struct store *st;

/* Adds an inquiry received at t with events at t + hours each. */
static int64_t
add(const char *cls, const char *rep, const char *country, int64_t t,
    double drafted_h, double replied_h, double quoted_h, double answered_h)
{
	static int n;
	struct err e = ERR_INIT;
	struct store_msg m;
	struct store_inquiry q;
	int64_t mid, id;
	char msgid[32];

	snprintf(msgid, sizeof(msgid), "m%d@x", ++n);
	memset(&m, 0, sizeof(m));
	m.message_id = msgid;
	m.received_at = t;
	m.status = "ok";
	assert_int_equal(store_put_message(st, &m, &mid, &e), 0);
	memset(&q, 0, sizeof(q));
	q.msg_id = mid;
	q.cls = cls;
	q.status = !strcmp(cls, "spam") ? ST_SPAM : ST_NEW;
	q.rep = rep;
	q.country = country;
	q.received_at = t;
	q.sender_email = "c@x";
	assert_int_equal(store_put_inquiry(st, &q, &id, &e), 0);
#define EV(h, type) if ((h) >= 0) assert_int_equal(store_add_event(st, id, \
	    type, "test", NULL, t + (int64_t)((h) * 3600), &e), 0)
	EV(drafted_h, "drafted");
	EV(replied_h, "replied");
	EV(quoted_h, "quote_sent");
	EV(answered_h, "answered");
#undef EV
	return id;
}

static int
setup(void **state)
{
	struct err e = ERR_INIT;
	char *path;

	(void)state;
	if (unit_tmpdir(dir, sizeof(dir), "report"))
		return -1;
	path = xasprintf("%s/r.db", dir);
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
test_funnel(void **state)
{
	struct err e = ERR_INIT;
	struct report r;
	int64_t t0 = 1795000000, won;
	struct unanswered *u;
	size_t n;
	char *j;
	json_t *o;

	(void)state;
	/* Alice: 3 inquiries, replied after 1h, 2h and 4h; two quoted. */
	add("detailed", "Alice", "DE", t0, 0.1, 1, 1, 30);
	add("detailed", "Alice", "DE", t0 + 100, 0.1, 2, -1, -1);
	won = add("vague", "Alice", "US", t0 + 200, 0.1, 4, 5, -1);
	/* Bob: one unanswered, one answered before any reply (a chaser). */
	add("vague", "Bob", "US", t0 + 300, 0.1, -1, -1, -1);
	add("detailed", "Bob", "FR", t0 + 400, 0.1, -1, -1, 2);
	add("spam", NULL, NULL, t0 + 500, -1, -1, -1, -1);
	assert_int_equal(store_set_status(st, won, ST_WON, "mark", t0 + 9000,
	    &e), 0);

	assert_int_equal(report_build(st, 0, 0, "rep", &r, &e), 0);
	assert_int_equal(r.total.step[STEP_RECEIVED], 5);
	assert_int_equal(r.total.step[STEP_DRAFTED], 5);
	assert_int_equal(r.total.step[STEP_REPLIED], 3);
	assert_int_equal(r.total.step[STEP_QUOTED], 2);
	assert_int_equal(r.total.step[STEP_ANSWERED], 1);
	assert_int_equal(r.total.step[STEP_WON], 1);
	assert_int_equal(r.total.spam, 1);
	assert_true(fabs(hours_percentile(&r.total.reply, 0.5) - 2) < 1e-9);
	/* p90 of 1, 2, 4: 2 + 0.8 * (4 - 2) */
	assert_true(fabs(hours_percentile(&r.total.reply, 0.9) - 3.6) < 1e-9);
	assert_int_equal(r.ngroups, 3);
	assert_string_equal(r.groups[0].key, "(unknown)");
	assert_string_equal(r.groups[1].key, "Alice");
	assert_int_equal(r.groups[1].f.step[STEP_REPLIED], 3);
	assert_int_equal(r.groups[2].f.step[STEP_RECEIVED], 2);
	j = report_json(&r);
	o = json_loads(j, 0, NULL);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(o,
	    "funnel"), "quoted")), 2);
	assert_true(json_is_real(json_object_get(json_object_get(o,
	    "response_hours"), "median")));
	assert_int_equal(json_array_size(json_object_get(o, "groups")), 3);
	json_decref(o);
	free(j);
	report_release(&r);

	/* Since: only the last three. */
	assert_int_equal(report_build(st, t0 + 250, 0, "week", &r, &e), 0);
	assert_int_equal(r.total.step[STEP_RECEIVED], 2);
	assert_int_equal(r.ngroups, 1);
	assert_true(starts_with(r.groups[0].key, "2026-W"));
	report_release(&r);

	assert_int_equal(report_unanswered(st, 0, &u, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(u[0].received_at < u[1].received_at);
	unanswered_free(u, n);
	assert_int_equal(report_unanswered(st, t0 + 350, &u, &n, &e), 0);
	assert_int_equal(n, 1);
	unanswered_free(u, n);
	assert_false(report_by_valid("colour"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_funnel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
