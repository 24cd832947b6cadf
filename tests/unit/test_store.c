/*
 * test_store.c - the SQLite store: exactly-once lookups, cursors, contact
 * history, threads, reps, statuses and listing.
 */
#include <unistd.h>

#include "unit.h"

#include "err.h"
#include "store.h"

struct fixture {
	char dir[64];
	char *path;
	struct store *st;
};

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct err e = ERR_INIT;

	xstrlcpy(f->dir, "/tmp/inquiryd-store-XXXXXX", sizeof(f->dir));
	if (!mkdtemp(f->dir))
		return -1;
	f->path = xasprintf("%s/sub/dir/inquiryd.db", f->dir);
	if (store_open(&f->st, f->path, 0, &e)) {
		print_error("%s\n", e.msg);
		return -1;
	}
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
	free(f->path);
	free(f);
	return 0;
}

static int64_t
put_msg(struct store *st, const char *account, uint32_t uidv, uint32_t uid,
    const char *mid, const char *hash, const char *from, int64_t date)
{
	struct store_msg m;
	struct err e = ERR_INIT;
	int64_t id = 0;

	memset(&m, 0, sizeof(m));
	m.o.account = account;
	m.o.mailbox = account ? "INBOX" : NULL;
	m.o.uidvalidity = uidv;
	m.o.uid = uid;
	m.o.source = account ? "imap" : "file.eml";
	m.message_id = mid;
	m.body_hash = hash;
	m.from_addr = from;
	m.date = date;
	m.received_at = date;
	m.status = "ok";
	assert_int_equal(store_put_message(st, &m, &id, &e), 0);
	return id;
}

static void
test_duplicates(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct msg_origin o = { "sales", "INBOX", 7, 42, "imap", 0 };
	const char *status = NULL;
	int64_t a, b;

	a = put_msg(f->st, "sales", 7, 42, "m1@x", "h1", "a@x", 100);
	b = put_msg(f->st, NULL, 0, 0, NULL, "h2", "b@y", 200);
	assert_true(a > 0 && b > a);
	/* Same Message-ID and body: the same message. */
	assert_int_equal(store_find_duplicate(f->st, "m1@x", "h1", "a@x", 100, 0,
	    &status, &e), a);
	assert_string_equal(status, "ok");
	/* Same Message-ID, another body: another message. */
	assert_int_equal(store_find_duplicate(f->st, "m1@x", "other", "a@x",
	    100, 0, NULL, &e), 0);
	/* The same message in the other direction is not a duplicate. */
	assert_int_equal(store_find_duplicate(f->st, "m1@x", "h1", "a@x",
	    100, 1, NULL, &e), 0);
	/* No Message-ID: body, sender and date decide. */
	assert_int_equal(store_find_duplicate(f->st, NULL, "h2", "b@y", 200, 0,
	    NULL, &e), b);
	assert_int_equal(store_find_duplicate(f->st, NULL, "h2", "b@y", 201, 0,
	    NULL, &e), 0);
	assert_int_equal(store_find_uid(f->st, &o, &e), a);
	o.uidvalidity = 8;
	assert_int_equal(store_find_uid(f->st, &o, &e), 0);
	/* One UID is one message: a second insert fails. */
	{
		struct store_msg m;
		int64_t id;

		memset(&m, 0, sizeof(m));
		m.o.account = "sales";
		m.o.mailbox = "INBOX";
		m.o.uidvalidity = 7;
		m.o.uid = 42;
		m.status = "ok";
		assert_int_equal(store_put_message(f->st, &m, &id, &e), -1);
		assert_int_equal(e.kind, ERR_PERM);
	}
}

static void
test_cursor_in_transaction(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	uint32_t v, u;

	assert_int_equal(store_cursor_get(f->st, "sales", "INBOX", &v, &u, &e),
	    0);
	assert_int_equal(v, 0);
	assert_int_equal(u, 0);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(store_cursor_set(f->st, "sales", "INBOX", 9, 10, &e),
	    0);
	store_rollback(f->st);
	assert_int_equal(store_cursor_get(f->st, "sales", "INBOX", &v, &u, &e),
	    0);
	assert_int_equal(u, 0);
	assert_int_equal(store_begin(f->st, &e), 0);
	assert_int_equal(store_cursor_set(f->st, "sales", "INBOX", 9, 10, &e),
	    0);
	assert_int_equal(store_commit(f->st, &e), 0);
	assert_int_equal(store_cursor_get(f->st, "sales", "INBOX", &v, &u, &e),
	    0);
	assert_int_equal(v, 9);
	assert_int_equal(u, 10);
	assert_int_equal(store_integrity_check(f->st, &e), 0);
}

static void
test_contact_history(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct sig_fields sf;
	struct enrich_info ei;
	int64_t c1, co1, c2, co2;

	memset(&sf, 0, sizeof(sf));
	memset(&ei, 0, sizeof(ei));
	ei.reg_domain = "acme.example";
	ei.free_mail = 0;
	sf.title = "Buyer";
	sf.company = "ACME";
	strlist_push(&sf.phones, "+12145550148");
	assert_int_equal(store_merge_contact(f->st, "jick@acme.example",
	    "Jick", &sf, &ei, 1000, 0, &c1, &co1, &e), 0);
	assert_true(c1 > 0 && co1 > 0);
	/* A later message: a new title; the old one stays as history. */
	sf.title = "Purchasing Manager";
	strlist_release(&sf.phones);
	strlist_push(&sf.phones, "+12145550199");
	assert_int_equal(store_merge_contact(f->st, "jick@acme.example",
	    "Jick Smith", &sf, &ei, 2000, 0, &c2, &co2, &e), 0);
	assert_int_equal(c1, c2);
	assert_int_equal(co1, co2);
	/* Another person at the same company: same company row. */
	assert_int_equal(store_merge_contact(f->st, "amy@acme.example", NULL,
	    NULL, &ei, 3000, 0, &c2, &co2, &e), 0);
	assert_true(c2 != c1);
	assert_int_equal(co1, co2);
	/* Free mail: no company. */
	ei.reg_domain = "mail.example";
	ei.free_mail = 1;
	assert_int_equal(store_merge_contact(f->st, "x@mail.example", NULL,
	    NULL, &ei, 3000, 0, &c2, &co2, &e), 0);
	assert_int_equal(co2, 0);
	strlist_release(&sf.phones);
}

static int
count_row(const struct inquiry_row *r, void *arg)
{
	(void)r;
	(*(long *)arg)++;
	return 0;
}

static void
test_inquiries_threads_reps(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct store_inquiry q;
	struct store_draft d;
	struct inquiry_row row;
	struct inquiry_filter flt;
	double score[CLASS_COUNT] = { 1, 4, 0 };
	int64_t m1, q1, q2, prev;
	char *rep = NULL;
	long n = 0;

	m1 = put_msg(f->st, NULL, 0, 0, "orig@acme", "h", "jick@acme", 5000);
	memset(&q, 0, sizeof(q));
	q.msg_id = m1;
	q.rep = "Alice <alice@us>";
	q.contact_id = 1;
	q.company_id = 1;
	q.cls = "detailed";
	q.status = ST_NEW;
	q.score = score;
	q.lang = "en";
	q.subject = "RFQ";
	q.sender_email = "jick@acme";
	q.received_at = 5000;
	assert_int_equal(store_put_inquiry(f->st, &q, &q1, &e), 0);
	memset(&d, 0, sizeof(d));
	d.inquiry_id = q1;
	d.message_id = "draft1@us";
	d.path = "/tmp/d.eml";
	assert_int_equal(store_put_draft(f->st, &d, NULL, &e), 0);
	assert_int_equal(store_set_status(f->st, q1, ST_DRAFTED, "test", 5001,
	    &e), 0);
	/* A reply to the inquiry or to our draft finds the inquiry. */
	assert_int_equal(store_find_thread(f->st, "orig@acme", NULL, &e), q1);
	assert_int_equal(store_find_thread(f->st, NULL,
	    "<x@y> <draft1@us>", &e), q1);
	assert_int_equal(store_find_thread(f->st, "nothing@here", "<a@b>",
	    &e), 0);
	/* The same company goes to the same rep. */
	assert_int_equal(store_find_rep(f->st, 99, 1, &rep, &prev, &e), 1);
	assert_string_equal(rep, "Alice <alice@us>");
	assert_int_equal(prev, q1);
	free(rep);
	assert_int_equal(store_find_rep(f->st, 99, 98, &rep, &prev, &e), 0);
	/* Reading back. */
	assert_int_equal(store_get(f->st, q1, &row, &e), 1);
	assert_string_equal(row.status, ST_DRAFTED);
	assert_string_equal(row.draft_path, "/tmp/d.eml");
	assert_string_equal(row.message_id, "orig@acme");
	assert_true(row.score[CLASS_DETAILED] == 4);
	inquiry_row_release(&row);
	assert_int_equal(store_get(f->st, 12345, &row, &e), 0);
	/* Statuses and filters. */
	q.msg_id = put_msg(f->st, NULL, 0, 0, "two@x", "h3", "z@x", 9000);
	q.cls = "spam";
	q.status = ST_SPAM;
	q.received_at = 9000;
	assert_int_equal(store_put_inquiry(f->st, &q, &q2, &e), 0);
	memset(&flt, 0, sizeof(flt));
	flt.cls = "spam";
	assert_int_equal(store_list(f->st, &flt, count_row, &n, &e), 0);
	assert_int_equal(n, 1);
	memset(&flt, 0, sizeof(flt));
	flt.since = 6000;
	n = 0;
	assert_int_equal(store_list(f->st, &flt, count_row, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_set_status(f->st, 777, ST_WON, "t", 1, &e), -1);
	assert_true(store_status_markable("won"));
	assert_false(store_status_markable("failed"));
	assert_false(store_status_known("bogus"));
	assert_int_equal(store_next_quote_seq(f->st, 86400 * 3, &e), 1);
	assert_int_equal(store_next_quote_seq(f->st, 86400 * 3 + 5, &e), 2);
	assert_int_equal(store_next_quote_seq(f->st, 86400 * 4, &e), 1);
}

static void
test_thread_subjects_and_status(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *in, *want;
	} subj[] = {
		{ "Re: RFQ  5000 Speakers", "rfq 5000 speakers" },
		{ "RE: Fwd: AW: [External] RFQ 5000 speakers", "rfq 5000 speakers" },
		{ "\xe5\x9b\x9e\xe5\xa4\x8d: \xe8\xaf\xa2\xe4\xbb\xb7",
		    "\xe8\xaf\xa2\xe4\xbb\xb7" },
		{ "  ", "" },
	};
	struct err e = ERR_INIT;
	struct store_inquiry q;
	struct inquiry_row row;
	int64_t id;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(subj); i++) {
		char *t = store_thread_subject(subj[i].in);

		assert_string_equal(t, subj[i].want);
		free(t);
	}
	memset(&q, 0, sizeof(q));
	q.msg_id = put_msg(f->st, NULL, 0, 0, "s1@x", "h", "buyer@x", 10);
	q.cls = "detailed";
	q.status = ST_DRAFTED;
	q.subject = "RFQ 5000 Speakers";
	q.sender_email = "buyer@x";
	q.received_at = 10;
	assert_int_equal(store_put_inquiry(f->st, &q, &id, &e), 0);
	assert_int_equal(store_find_by_subject(f->st, "buyer@x",
	    "Re: rfq 5000 speakers", &e), id);
	assert_int_equal(store_find_by_subject(f->st, "other@x",
	    "Re: rfq 5000 speakers", &e), 0);
	/* Our reply matched by subject alone, linked: the customer's answer
	 * to it finds the inquiry. */
	{
		int64_t sent = put_msg(f->st, NULL, 0, 0, "reply1@us", "h9",
		    "rep@us", 15);

		assert_int_equal(store_find_thread(f->st, "reply1@us",
		    "<reply1@us>", &e), 0);
		assert_int_equal(store_link_message(f->st, sent, id, &e), 0);
		assert_int_equal(store_find_thread(f->st, "reply1@us",
		    "<reply1@us>", &e), id);
		assert_int_equal(store_find_thread(f->st, NULL,
		    "<reply1@us>", &e), id);
	}
	/* A chaser before our reply keeps the status. */
	assert_int_equal(store_customer_followup(f->st, id, "buyer@x", NULL,
	    20, &e), 0);
	assert_int_equal(store_get(f->st, id, &row, &e), 1);
	assert_string_equal(row.status, ST_DRAFTED);
	inquiry_row_release(&row);
	assert_int_equal(store_advance_status(f->st, id, ST_QUOTED, "sent",
	    NULL, 30, &e), 0);
	/* Forward only: replied after quoted changes nothing. */
	assert_int_equal(store_advance_status(f->st, id, ST_REPLIED, "sent",
	    NULL, 31, &e), 0);
	assert_int_equal(store_customer_followup(f->st, id, "buyer@x", NULL,
	    40, &e), 0);
	assert_int_equal(store_get(f->st, id, &row, &e), 1);
	assert_string_equal(row.status, ST_ANSWERED);
	inquiry_row_release(&row);
	assert_int_equal(store_set_status(f->st, id, ST_WON, "mark", 50, &e),
	    0);
	assert_int_equal(store_advance_status(f->st, id, ST_REPLIED, "sent",
	    NULL, 60, &e), 0);
	assert_int_equal(store_get(f->st, id, &row, &e), 1);
	assert_string_equal(row.status, ST_WON);
	inquiry_row_release(&row);
}

static void
test_reopen_and_cache(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	struct enrich_cache c;
	struct store *ro;
	char *j;

	store_enrich_cache(f->st, &c);
	c.put(c.ctx, "acme.example", "{\"a\":1}", 5000);
	j = c.get(c.ctx, "acme.example", 4000);
	assert_string_equal(j, "{\"a\":1}");
	free(j);
	assert_null(c.get(c.ctx, "acme.example", 6000));
	/* Opening again runs no migration twice and sees the data. */
	assert_int_equal(store_open(&ro, f->path, 1, &e), 0);
	store_close(ro);
	assert_int_equal(store_open(&ro, "/nonexistent/dir/x.db", 1, &e), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cursor_in_transaction,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_contact_history, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_inquiries_threads_reps,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_subjects_and_status,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_and_cache, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
