/*
 * test_conf.c - the INI config: the shipped sample loads, every error is
 * reported with file:line, secrets refuse readable files.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "conf.h"
#include "err.h"

static char *
write_tmp(const char *text, mode_t mode)
{
	char *path = xstrdup("/tmp/inquiryd-conf-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
	return path;
}

static void
test_sample_loads(void **state)
{
	struct conf c;
	struct strlist errs = STRLIST_INIT;
	struct conf_account *a;
	size_t i;

	(void)state;
	if (conf_load(&c, unit_path("contrib/inquiryd.conf.sample"), &errs)) {
		for (i = 0; i < errs.n; i++)
			print_error("%s\n", errs.v[i]);
		fail();
	}
	assert_non_null(c.company_name);
	assert_true(c.naccounts >= 1);
	a = &c.accounts[0];
	assert_non_null(a->host);
	assert_true(a->port > 0);
	assert_int_equal(a->backfill_days, 14);
	assert_non_null(a->rep_email);
	conf_release(&c);
	strlist_release(&errs);
}

static void
test_values_and_paths(void **state)
{
	struct conf c;
	struct strlist errs = STRLIST_INIT;
	char *path = write_tmp(
	    "[general]\n"
	    "database = db/inquiryd.db   ; relative to the file\n"
	    "[company]\n"
	    "name = Shenzhen Example Gifts Co., Ltd.\n"
	    "quote_validity_days = 45\n"
	    "[account sales]\n"
	    "url = imap://[::1]:10143\n"
	    "user = sales@example-gifts.com\n"
	    "password_command = echo secret\n"
	    "rep = \"Alice Wang\" <alice@example-gifts.com>\n"
	    "poll_interval = 5m\n"
	    "max_message_size = 10M\n"
	    "[enrich]\n"
	    "enabled = no\n", 0644);
	struct conf_account *a;

	(void)state;
	assert_int_equal(conf_load(&c, path, &errs), 0);
	assert_string_equal(c.database, "/tmp/db/inquiryd.db");
	assert_int_equal(c.quote_validity_days, 45);
	assert_string_equal(c.company_name,
	    "Shenzhen Example Gifts Co., Ltd.");
	a = conf_account(&c, "sales");
	assert_non_null(a);
	assert_string_equal(a->host, "::1");
	assert_int_equal(a->port, 10143);
	assert_int_equal(a->tls, CONF_TLS_STARTTLS);
	assert_int_equal(a->poll_interval, 300);
	assert_int_equal(a->max_message_size, 10u << 20);
	assert_string_equal(a->rep_name, "Alice Wang");
	assert_string_equal(a->rep_email, "alice@example-gifts.com");
	assert_int_equal(c.enrich_enabled, 0);
	assert_int_equal(c.enrich_timeout, 5);
	conf_release(&c);
	unlink(path);
	free(path);
	strlist_release(&errs);
}

static void
test_errors_have_lines(void **state)
{
	struct conf c;
	struct strlist errs = STRLIST_INIT;
	char *path = write_tmp(
	    "[general]\n"
	    "colour = blue\n"
	    "[company]\n"
	    "quote_validity_days = soon\n"
	    "[account sales]\n"
	    "url = pop3://mail.example.com\n"
	    "user = x\n"
	    "password = hunter2\n"
	    "[weird]\n"
	    "a = b\n", 0644);
	char *want;
	size_t i;
	int found[5] = { 0 };

	(void)state;
	assert_int_equal(conf_load(&c, path, &errs), -1);
	for (i = 0; i < errs.n; i++) {
		want = xasprintf("%s:2: unknown key 'colour'", path);
		found[0] |= starts_with(errs.v[i], want);
		free(want);
		want = xasprintf("%s:4: quote_validity_days", path);
		found[1] |= starts_with(errs.v[i], want);
		free(want);
		want = xasprintf("%s:5: account 'sales': url", path);
		found[2] |= starts_with(errs.v[i], want);
		free(want);
		found[3] |= strstr(errs.v[i], "mode 0600") != NULL;
		want = xasprintf("%s:10: unknown section [weird]", path);
		found[4] |= starts_with(errs.v[i], want);
		free(want);
	}
	for (i = 0; i < ARRAY_SIZE(found); i++) {
		if (!found[i]) {
			size_t j;

			for (j = 0; j < errs.n; j++)
				print_error("%s\n", errs.v[j]);
			fail_msg("error %zu not reported", i);
		}
	}
	unlink(path);
	free(path);
	strlist_release(&errs);
}

static void
test_secrets(void **state)
{
	struct err e = ERR_INIT;
	char *open_file = write_tmp("pw-open\n", 0644);
	char *closed = write_tmp("pw-closed\nsecond line\n", 0600);
	char *s;

	(void)state;
	s = conf_secret(NULL, open_file, NULL, "account 'x'", &e);
	assert_null(s);
	assert_int_equal(e.kind, ERR_CONFIG);
	assert_non_null(strstr(e.msg, "chmod 600"));
	err_clear(&e);
	s = conf_secret(NULL, closed, NULL, "account 'x'", &e);
	assert_string_equal(s, "pw-closed");
	free(s);
	s = conf_secret(NULL, NULL, "printf 'tok\\n'", "account 'x'", &e);
	assert_string_equal(s, "tok");
	free(s);
	s = conf_secret(NULL, NULL, "exit 3", "account 'x'", &e);
	assert_null(s);
	assert_int_equal(e.kind, ERR_TEMP);
	unlink(open_file);
	unlink(closed);
	free(open_file);
	free(closed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_loads),
		cmocka_unit_test(test_values_and_paths),
		cmocka_unit_test(test_errors_have_lines),
		cmocka_unit_test(test_secrets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
