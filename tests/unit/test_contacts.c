/*
 * test_contacts.c - the contacts export: merged fields, history, CSV
 * quoting and formula defusing.
 */
#include <unistd.h>

#include "unit.h"

#include "contacts.h"
#include "err.h"

/* The index of the export's column name. */
static size_t
col(const char *name)
{
	size_t i;

	for (i = 0; i < contacts_ncolumns; i++)
		if (!strcmp(contacts_columns[i], name))
			return i;
	fail_msg("no column %s", name);
	return 0;
}

static void
test_export(void **state)
{
	char dir[] = "/tmp/inquiryd-contacts-XXXXXX", *path, *cmd, *out;
	struct store *st;
	struct err e = ERR_INIT;
	struct sig_fields f;
	struct enrich_info ei;
	struct contacts_table t;
	FILE *fp;
	size_t len = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/c.db", dir);
	assert_int_equal(store_open(&st, path, 0, &e), 0);
	memset(&f, 0, sizeof(f));
	memset(&ei, 0, sizeof(ei));
	ei.reg_domain = "acme.example";
	ei.free_mail = 0;
	f.name = "Jick Smith";
	f.title = "Buyer";
	f.company = "=HYPERLINK(\"http://x\",\"ACME\")";
	strlist_push(&f.phones, "+1 214 555 0148");
	/* the fields only the rules of 70-signature find have columns */
	f.department = "Purchasing";
	f.telegram = "@jicksmith";
	f.zalo = "0901 234 567";
	f.kakao = "jick_s";
	f.linkedin = "linkedin.com/in/jick";
	assert_int_equal(store_merge_contact(st, "jick@acme.example", "Jick",
	    &f, &ei, 1000, 0, NULL, NULL, &e), 0);
	f.title = "Purchasing Manager, \"Asia\"";
	assert_int_equal(store_merge_contact(st, "jick@acme.example", "Jick",
	    &f, &ei, 2000, 0, NULL, NULL, &e), 0);
	assert_int_equal(contacts_load(st, &t, &e), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.rows[0].v[col("title")],
	    "Purchasing Manager, \"Asia\"");
	assert_string_equal(t.rows[0].v[col("company_domain")],
	    "acme.example");
	assert_non_null(strstr(t.rows[0].v[col("history")], "title: Buyer"));
	assert_string_equal(t.rows[0].v[col("department")], "Purchasing");
	assert_string_equal(t.rows[0].v[col("telegram")], "@jicksmith");
	assert_string_equal(t.rows[0].v[col("zalo")], "0901 234 567");
	assert_string_equal(t.rows[0].v[col("kakao")], "jick_s");
	assert_string_equal(t.rows[0].v[col("linkedin")],
	    "linkedin.com/in/jick");
	assert_string_equal(t.rows[0].v[col("inquiries")], "0");
	fp = open_memstream(&out, &len);
	assert_int_equal(contacts_write_csv(&t, fp), 0);
	fclose(fp);
	assert_true(starts_with(out, "email,name,title,company"));
	assert_non_null(strstr(out, "\"Purchasing Manager, \"\"Asia\"\"\""));
	assert_non_null(strstr(out, "\"'=HYPERLINK(\"\"http"));
	/* A phone number is data, not a formula. */
	assert_non_null(strstr(out, ",+1 214 555 0148,"));
	free(out);
	contacts_release(&t);
	strlist_release(&f.phones);
	store_close(st);
	cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
