/*
 * test_xlsx.c - the XLSX writer: cell references, the cleaning of text,
 * a workbook with every kind of cell and both report charts read back
 * with openpyxl (strings that look like formulas stay strings, formulas
 * keep their cached results), sticky errors, and a full disk reported as
 * a temporary error with nothing left behind.
 */
#include <math.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "unit.h"

#include "pyread.h"

#include "err.h"
#include "ufold.h"
#include "xlsx.h"

static const unsigned char png_1x1[] = {
	0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00,
	0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
	0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49,
	0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
};

/* The header of a 64 x 32 baseline JPEG: SOI, APP0 (JFIF), SOF0. */
static const unsigned char jpeg_head[] = {
	0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01,
	0x01, 0x00, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11,
	0x08, 0x00, 0x20, 0x00, 0x40, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01,
	0x03, 0x11, 0x01, 0xFF, 0xD9,
};

static char tmpdir[4096];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/inquiryd-xlsx-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char *cmd[] = { "rm", "-rf", tmpdir, NULL };
	pid_t pid;

	(void)state;
	pid = fork();
	if (pid == 0) {
		execvp("rm", cmd);
		_exit(1);
	}
	waitpid(pid, NULL, 0);
	return 0;
}

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void
write_bytes(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

static void
test_ref(void **state)
{
	static const struct {
		unsigned row, col;
		int abs;
		const char *want;
	} t[] = {
		{ 0, 0, 0, "A1" }, { 2, 1, 0, "B3" }, { 0, 25, 0, "Z1" },
		{ 0, 26, 0, "AA1" }, { 9, 701, 0, "ZZ10" },
		{ 0, 702, 0, "AAA1" }, { 2, 1, 1, "$B$3" },
		{ 1048575, 16383, 0, "XFD1048576" },
	};
	char out[16];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++)
		assert_string_equal(xlsx_ref(t[i].row, t[i].col, t[i].abs,
		    out), t[i].want);
}

static void
test_clean_text(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "plain", "plain" },
		{ "=HYPERLINK(\"http://x\",\"y\")",
		    "=HYPERLINK(\"http://x\",\"y\")" },
		{ "tab\tnew\nline", "tab\tnew\nline" },
		{ "cr\r\nlf\rx", "cr\nlf\nx" },
		{ "bell\a esc\x1b[31m del\x7f", "bell esc[31m del" },
		{ "bad \xFF utf", "bad \xEF\xBF\xBD utf" },
		{ "a_x0041_b", "a_x005F_x0041_b" },
		{ "a_x00_b _xZZZZ_", "a_x00_b _xZZZZ_" },
		{ NULL, "" },
	};
	struct buf_s {
		char *p;
	} big;
	size_t i, n = XLSX_MAX_STRING + 100;
	char *c;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		c = xlsx_clean_text(t[i].in);
		assert_string_equal(c, t[i].want);
		free(c);
	}
	/* Cut at 32767 characters, on a character boundary. */
	big.p = xmalloc(n * 2 + 1);
	for (i = 0; i < n; i++)
		memcpy(big.p + 2 * i, "\xC3\xA9", 2);
	big.p[2 * n] = '\0';
	c = xlsx_clean_text(big.p);
	assert_int_equal(strlen(c), 2 * XLSX_MAX_STRING);
	free(c);
	free(big.p);
}

/* Injection strings that must stay text, and where they are written. */
static const char *const hostile[] = {
	"=HYPERLINK(\"http://x\",\"y\")",
	"@SUM(1)",
	"+cmd|' /C calc'!A0",
	"-2+3",
	"=1+1",
	"\t=cmd|' /C notepad'!A1",
};

static void
test_roundtrip(void **state)
{
	struct xlsx *x;
	struct xlsx_sheet *data, *bad1, *bad2, *again;
	struct err e = ERR_INIT;
	char *path = tmp_path("round.xlsx"), *png = tmp_path("p.png");
	char *jpg = tmp_path("p.jpg"), *txt = tmp_path("p.txt"), *out, *want;
	const char *line;
	struct xlsx_series funnel_s[] = { { "Inquiries", 1 } };
	struct xlsx_series trend_s[] = { { "=Received", 1 }, { "Replied", 2 } };
	struct xlsx_chart funnel, trend;
	unsigned h;
	size_t i;
	int rc;

	(void)state;
	if (!py_have_openpyxl())
		skip();
	write_bytes(png, png_1x1, sizeof(png_1x1));
	write_bytes(jpg, jpeg_head, sizeof(jpeg_head));
	write_bytes(txt, "not an image at all", 19);
	assert_int_equal(xlsx_open(&x, path, &e), 0);
	xlsx_properties(x, "Round trip", "Tests", "Example Gifts", 1764180000);
	data = xlsx_sheet_add(x, "Data");
	for (i = 0; i < ARRAY_SIZE(hostile); i++)
		xlsx_string(data, (unsigned)i, 0, hostile[i], XS_BOLD);
	xlsx_number(data, 6, 0, 3, XS_INT);
	xlsx_number(data, 6, 1, 2.5, XS_PRICE);
	xlsx_formula(data, 6, 2, "=A7*B7", 7.5, XS_MONEY | XS_BORDER);
	xlsx_number(data, 6, 3, NAN, 0);
	xlsx_date(data, 7, 0, 1764180000, XS_DATE);
	xlsx_merge(data, 8, 0, 8, 3, "=merged(1)", XS_TITLE | XS_CENTER);
	xlsx_blank(data, 9, 0, XS_BORDER);
	xlsx_columns(data, 0, 0, 30, 0);
	xlsx_row_height(data, 8, 30);
	xlsx_freeze(data, 1, 0);
	xlsx_print_a4(data, 1, 0, 0, "Q-1 & Co");
	assert_int_equal(xlsx_image(data, 10, 0, png, 80, 80, 2, 2, "dot",
	    &h), 0);
	assert_int_equal(h, 1);
	assert_int_equal(xlsx_image(data, 11, 0, jpg, 32, 0, 0, 0, NULL, &h),
	    0);
	assert_int_equal(h, 16);	/* 64 x 32 scaled to 32 wide */
	assert_int_equal(xlsx_image(data, 12, 0, txt, 0, 0, 0, 0, NULL, &h),
	    -1);
	assert_int_equal(xlsx_image(data, 12, 0, "/nonexistent.png", 0, 0, 0,
	    0, NULL, NULL), -1);
	bad1 = xlsx_sheet_add(x, "Bad:/Name?*[x]");
	bad2 = xlsx_sheet_add(x, "data");
	again = xlsx_sheet_add(x, "A very long sheet name, longer than 31");
	assert_string_equal(xlsx_sheet_name(bad1), "Bad__Name___x_");
	assert_string_equal(xlsx_sheet_name(bad2), "data (2)");
	assert_int_equal(utf8_length(xlsx_sheet_name(again)), 31);
	/* A report: the funnel table and chart, a weekly trend. */
	xlsx_string(bad1, 0, 0, "Step", XS_HEADER);
	xlsx_string(bad1, 0, 1, "Inquiries", XS_HEADER);
	xlsx_string(bad1, 0, 2, "Replied", XS_HEADER);
	for (i = 0; i < 4; i++) {
		xlsx_string(bad1, (unsigned)i + 1, 0, "step", 0);
		xlsx_number(bad1, (unsigned)i + 1, 1, 100.0 - 20 * i, 0);
		xlsx_number(bad1, (unsigned)i + 1, 2, 50.0 - 5 * i, 0);
	}
	memset(&funnel, 0, sizeof(funnel));
	funnel.kind = XLSX_CHART_FUNNEL;
	funnel.title = "=Funnel";
	funnel.data = bad1;
	funnel.first_row = 1;
	funnel.last_row = 4;
	funnel.label_col = 0;
	funnel.series = funnel_s;
	funnel.nseries = 1;
	funnel.row = 6;
	funnel.labels = 1;
	assert_int_equal(xlsx_chart_add(bad1, &funnel), 0);
	trend = funnel;
	trend.kind = XLSX_CHART_LINE;
	trend.title = "Weekly";
	trend.x_title = "Week";
	trend.y_title = "Inquiries";
	trend.series = trend_s;
	trend.nseries = 2;
	trend.row = 24;
	trend.labels = 0;
	assert_int_equal(xlsx_chart_add(data, &trend), 0);
	assert_int_equal(xlsx_close(x, &e), 0);

	rc = py_run(py_dump, path, NULL, &out);
	if (rc)
		fail_msg("python3 failed (%d):\n%s", rc, out ? out : "");
	for (i = 0; i < ARRAY_SIZE(hostile); i++) {
		want = xasprintf("Data!A%zu\ts\t", i + 1);
		line = py_line(out, want);
		if (!line)
			fail_msg("no string cell %s in:\n%s", want, out);
		assert_string_equal(line + strlen(want), hostile[i]);
		free(want);
	}
	assert_non_null(py_line(out, "Data!C7\tf\t=A7*B7"));
	assert_non_null(py_line(out, "cached Data!C7\t7.5"));
	assert_non_null(py_line(out, "Data!A7\tn\t3"));
	assert_null(py_line(out, "Data!D7"));	/* NaN: empty */
	assert_non_null(py_line(out, "Data!A8\td\t2025-11-26"));
	assert_non_null(py_line(out, "Data!A9\ts\t=merged(1)"));
	assert_non_null(py_line(out, "merged Data A9:D9"));
	assert_non_null(py_line(out, "freeze Data A2"));
	if (!py_line(out, "paper Data 9 1 0 True landscape"))
		fail_msg("print setup: %s", py_line(out, "paper Data"));
	assert_non_null(py_line(out, "sheet Bad__Name___x_"));
	assert_non_null(py_line(out, "sheet data (2)"));
	assert_non_null(py_line(out, "part xl/media/image1.png"));
	assert_non_null(py_line(out, "part xl/media/image2.jpeg"));
	assert_null(py_line(out, "part xl/media/image3"));
	assert_non_null(py_line(out, "part xl/charts/chart1.xml"));
	assert_non_null(py_line(out, "part xl/charts/chart2.xml"));
	free(out);
	/* The charts: a bar chart with its categories reversed (funnel) and
	 * a line chart; titles that start with '=' are text. */
	rc = py_run("import sys, zipfile\n"
	    "z = zipfile.ZipFile(sys.argv[1])\n"
	    "for n in sorted(x for x in z.namelist() if 'charts/chart' in x):\n"
	    "    t = z.read(n).decode()\n"
	    "    print(n, 'bar' if '<c:barChart>' in t else '',"
	    " 'line' if '<c:lineChart>' in t else '',"
	    " 'reversed' if 'maxMin' in t else '',"
	    " 'formula-title' if '<c:f>=' in t or '<c:f>Funnel' in t or"
	    " '<c:f>Received' in t else '')\n",
	    path, NULL, &out);
	assert_int_equal(rc, 0);
	if (!strstr(out, "bar  reversed") || !strstr(out, " line ") ||
	    strstr(out, "formula-title"))
		fail_msg("charts:\n%s", out);
	free(out);
	free(path);
	free(png);
	free(jpg);
	free(txt);
}

static void
test_sticky_error(void **state)
{
	struct xlsx *x;
	struct xlsx_sheet *s;
	struct err e = ERR_INIT;
	char *path = tmp_path("sticky.xlsx");
	struct stat st;

	(void)state;
	assert_int_equal(xlsx_open(&x, path, &e), 0);
	s = xlsx_sheet_add(x, "S");
	xlsx_string(s, 0, 0, "fine", 0);
	xlsx_string(s, XLSX_MAX_ROWS, 0, "past the last row", 0);
	xlsx_number(s, 1, 0, 1, 0);
	assert_int_equal(xlsx_close(x, &e), -1);
	assert_int_equal(e.kind, ERR_PERM);
	assert_non_null(strstr(e.msg, "A1048577"));
	assert_int_equal(stat(path, &st), -1);
	free(path);
}

static void
test_io_errors(void **state)
{
	struct xlsx *x;
	struct xlsx_sheet *s;
	struct err e = ERR_INIT;
	pid_t pid;
	int status;
	char *path;

	(void)state;
	assert_int_equal(xlsx_open(&x, "/nonexistent-dir/q.xlsx", &e), 0);
	s = xlsx_sheet_add(x, "S");
	xlsx_string(s, 0, 0, "x", 0);
	assert_int_equal(xlsx_close(x, &e), -1);
	assert_int_equal(e.kind, ERR_TEMP);
	err_clear(&e);
	/* A full disk, made with a file size limit in a child process. */
	path = tmp_path("full.xlsx");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 4096, 4096 };
		struct stat st;
		unsigned i;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		if (xlsx_open(&x, path, &e))
			_exit(2);
		s = xlsx_sheet_add(x, "S");
		for (i = 0; i < 3000; i++)
			xlsx_number(s, i, 0, i * 1.5, 0);
		if (xlsx_close(x, &e) != -1)
			_exit(3);
		if (e.kind != ERR_TEMP)
			_exit(4);
		if (stat(path, &st) == 0)
			_exit(5);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref),
		cmocka_unit_test(test_clean_text),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_io_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
