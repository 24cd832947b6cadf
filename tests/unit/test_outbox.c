/*
 * test_outbox.c - the outbox's side of the store (which drafts wait for
 * their APPEND) and the CRLF line ends of what is appended.  The APPEND
 * itself runs against Dovecot in tests/integration/poll-once.sh.
 */
#include <unistd.h>

#include "unit.h"

#include "err.h"
#include "outbox.h"
#include "store.h"

struct fixture {
	char dir[64];
	struct store *st;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct err e = ERR_INIT;
	char *path;

	xstrlcpy(f->dir, "/tmp/inquiryd-outbox-XXXXXX", sizeof(f->dir));
	if (!mkdtemp(f->dir))
		return -1;
	path = xasprintf("%s/inquiryd.db", f->dir);
	if (store_open(&f->st, path, 0, &e)) {
		print_error("%s\n", e.msg);
		free(path);
		return -1;
	}
	free(path);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd;

	store_close(f->st);
	cmd = xasprintf("rm -rf '%s'", f->dir);
	if (system(cmd))
		print_error("cannot remove %s\n", f->dir);
	free(cmd);
	free(f);
	return 0;
}

static int64_t
inquiry(struct store *st, const char *mid)
{
	struct store_msg m;
	struct store_inquiry q;
	struct err e = ERR_INIT;
	int64_t msg_id = 0, id = 0;

	memset(&m, 0, sizeof(m));
	m.message_id = mid;
	m.received_at = 1;
	m.status = "ok";
	assert_int_equal(store_put_message(st, &m, &msg_id, &e), 0);
	memset(&q, 0, sizeof(q));
	q.msg_id = msg_id;
	q.account = "sales";
	q.cls = "detailed";
	q.status = ST_DRAFTED;
	q.received_at = 1;
	assert_int_equal(store_put_inquiry(st, &q, &id, &e), 0);
	return id;
}

static void
draft(struct store *st, int64_t inq, const char *mid, const char *account)
{
	struct store_draft d;
	struct err e = ERR_INIT;
	char path[128];

	snprintf(path, sizeof(path), "/drafts/%s.eml", mid);
	memset(&d, 0, sizeof(d));
	d.inquiry_id = inq;
	d.message_id = mid;
	d.path = path;
	d.account = account;
	assert_int_equal(store_put_draft(st, &d, NULL, &e), 0);
}

static int
collect(const struct store_outbox_draft *d, void *arg)
{
	strlist_pushf(arg, "%lld %s %s", (long long)d->inquiry_id,
	    d->message_id, d->path);
	return 0;
}

static int
stop_at_first(const struct store_outbox_draft *d, void *arg)
{
	(void)d;
	(*(int *)arg)++;
	return 7;
}

static void
test_undelivered(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct strlist got = STRLIST_INIT;
	int64_t a, b, c;
	int calls = 0;

	a = inquiry(f->st, "a@x");
	b = inquiry(f->st, "b@x");
	c = inquiry(f->st, "c@x");
	draft(f->st, a, "d1@us", "sales");
	draft(f->st, b, "d2@us", "sales");
	draft(f->st, b, "d3@us", "sales");	/* re-drafted: replaces d2 */
	draft(f->st, c, "d4@us", "export");	/* another account */

	assert_int_equal(store_undelivered_drafts(f->st, "sales", collect,
	    &got, &e), 0);
	assert_int_equal(got.n, 2);
	assert_string_equal(got.v[0], "1 d1@us /drafts/d1@us.eml");
	assert_string_equal(got.v[1], "2 d3@us /drafts/d3@us.eml");
	strlist_release(&got);

	/* Delivered ones are no longer waiting. */
	assert_int_equal(store_draft_delivered(f->st, "d1@us", "Drafts", 5,
	    &e), 0);
	assert_int_equal(store_undelivered_drafts(f->st, "sales", collect,
	    &got, &e), 0);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.v[0], "2 d3@us /drafts/d3@us.eml");
	strlist_release(&got);

	assert_int_equal(store_undelivered_drafts(f->st, "export", collect,
	    &got, &e), 0);
	assert_int_equal(got.n, 1);
	strlist_release(&got);
	assert_int_equal(store_undelivered_drafts(f->st, "nobody", collect,
	    &got, &e), 0);
	assert_int_equal(got.n, 0);

	/* The callback's non-zero return stops the walk and comes back. */
	assert_int_equal(store_undelivered_drafts(f->st, "sales",
	    stop_at_first, &calls, &e), 7);
	assert_int_equal(calls, 1);
}

static void
test_crlf(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "a", "a" },
		{ "a\n", "a\r\n" },
		{ "a\r\nb\n", "a\r\nb\r\n" },
		{ "\n\n", "\r\n\r\n" },
		{ "x\r\n\r\n", "x\r\n\r\n" },
		{ "\r\n\n", "\r\n\r\n" },
	};
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *s = outbox_crlf(cases[i].in, strlen(cases[i].in), &len);

		assert_string_equal(s, cases[i].out);
		assert_int_equal(len, strlen(cases[i].out));
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_undelivered, setup,
		    teardown),
		cmocka_unit_test(test_crlf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
