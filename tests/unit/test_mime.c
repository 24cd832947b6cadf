/*
 * test_mime.c - composing drafts (read back by Python's email package
 * with no defects) and reading messages into a part tree.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "buf.h"
#include "err.h"
#include "mime.h"

/* ---- Composing ------------------------------------------------------- */

static const char xlsx_data[] = "PK\003\004 not really a workbook \000\377";
static unsigned char all_bytes[256];

static const struct mime_attachment_in att_quote[] = {
	{ "ACME TRADING SPEAKER QUOTATION FOR MR JICK.xlsx",
	    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	    xlsx_data, sizeof(xlsx_data) },
};
static const struct mime_attachment_in att_cjk[] = {
	{ "深圳礼品有限公司报价单（蓝牙音箱）- 2026年11月 - 最终版本 - "
	    "请查收并确认.xlsx", "application/vnd.ms-excel", xlsx_data, 10 },
	{ "a \"quoted\" \\ name;\r\nX-Evil: 1.pdf", "application/pdf",
	    all_bytes, sizeof(all_bytes) },
	{ NULL, "not a type", "", 0 },
	{ "photo.jpg", "IMAGE/JPEG", all_bytes, 100 },
};
static const struct mime_header notes[] = {
	{ "X-Inquiryd-Notes", "risk: free-mail sender; 价格待确认\r\nBcc: "
	    "evil@example.com" },
	{ "X-Inquiryd-Class", "detailed" },
};

struct compose_case {
	const char *name;
	struct mime_out m;
	/* expected reading; NULL: same as the input */
	const char *from_name, *to_name, *subject, *text, *html;
	const char *references;
	const char *atts[4];	/* "filename\tcontent_type\tsize" */
	const char *headers[4];	/* "Name\tvalue" */
	const char *absent;
};

static const struct compose_case compose_cases[] = {
	{ "plain",
	    { "Alice Wang", "alice@example-gifts.com", "Jick Smith",
		"jick@acme.example", "Re: Bluetooth speakers", "d1@example-gifts.com",
		"orig@acme.example", "<orig@acme.example>", 1795000000, NULL, 0,
		"Dear Jick,\n\nThank you for your inquiry.\n\nBest regards,\n"
		"Alice\n", NULL, NULL, 0 },
	    NULL, NULL, NULL, NULL, NULL, "<orig@acme.example>",
	    { NULL }, { NULL }, NULL },
	{ "cjk-everything",
	    { "王小明", "wang@example-gifts.com", "José Müller-Lüdenscheidt",
		"jose@example.de", "回复：关于蓝牙音箱的询价 — Quotation for 500 pcs "
		"Bluetooth speakers with logo printing and gift box",
		"d2@example-gifts.com", NULL, NULL, 1795000000, notes, 2,
		"尊敬的客户：\n\n感谢您的询价。附件是我们的报价单。\n\n此致\n敬礼\n"
		"王小明\n", "<p>尊敬的客户：</p><p>感谢您的询价。</p>",
		att_cjk, 4 },
	    NULL, NULL, NULL, NULL, "<p>尊敬的客户：</p><p>感谢您的询价。</p>\n", NULL,
	    { "深圳礼品有限公司报价单（蓝牙音箱）- 2026年11月 - 最终版本 - "
		"请查收并确认.xlsx\tapplication/vnd.ms-excel\t10",
		"a \"quoted\" \\ name;  X-Evil: 1.pdf\tapplication/pdf\t256",
		"attachment-3\tapplication/octet-stream\t0",
		"photo.jpg\timage/jpeg\t100" },
	    { "X-Inquiryd-Notes\trisk: free-mail sender; 价格待确认  Bcc: "
		"evil@example.com", "X-Inquiryd-Class\tdetailed" },
	    "Bcc" },
	{ "injection",
	    { "Eve\r\nBcc: victim@example.com", "eve@example-gifts.com",
		"Mallory\n", "mallory@example.com",
		"Hello\r\nBcc: victim@example.com\r\n\r\nbody", "d3@x.example",
		NULL, NULL, 0, NULL, 0, "text", NULL, NULL, 0 },
	    "Eve  Bcc: victim@example.com", "Mallory",
	    "Hello  Bcc: victim@example.com    body", "text\n", NULL, NULL,
	    { NULL }, { NULL }, "Bcc" },
	{ "long-and-odd-subjects",
	    { "\"Quoted\" O'Brien, Jr. \\ (Sales)", "ob@example-gifts.com",
		"A very long ASCII display name that goes on and on past the "
		"fold", "x@example.com",
		"Re: Fwd: this subject has =?utf-8?q?literal?= encoded-word "
		"text and a very long word "
		"https://www.example.com/a/very/long/path/that/cannot/be/folded/"
		"anywhere/at/all/index.html?x=1 and then more words to wrap",
		"d4@x.example", NULL, NULL, 0, NULL, 0,
		"From the start of a line\n.\nTrailing spaces   \nA long line "
		"that goes past seventy-six columns for sure, because it keeps "
		"on going and going and going.\r\nCRLF and lone CR\rdone", NULL,
		att_quote, 1 },
	    NULL, NULL, NULL,
	    "From the start of a line\n.\nTrailing spaces   \nA long line "
	    "that goes past seventy-six columns for sure, because it keeps "
	    "on going and going and going.\nCRLF and lone CR\ndone\n", NULL,
	    NULL,
	    { "ACME TRADING SPEAKER QUOTATION FOR MR JICK.xlsx\t"
		"application/vnd.openxmlformats-officedocument.spreadsheetml."
		"sheet\t30" }, { NULL }, NULL },
	{ "emoji-and-invalid",
	    { "Ann 😀 Lee", "ann@example.com", NULL, "bob@example.com",
		"Price 👍 \xff\xfe ok", "d5@x.example", NULL,
		"<a@x> bogus <b c> <d@y>", 0, NULL, 0, NULL,
		"<html><body>only html</body></html>", NULL, 0 },
	    NULL, "", "Price 👍 \xef\xbf\xbd\xef\xbf\xbd ok", "",
	    "<html><body>only html</body></html>\n",
	    "<a@x> <d@y>", { NULL }, { NULL }, NULL },
};

static void
put_want(FILE *f, const char *key, const char *val)
{
	const unsigned char *p;

	if (!val)
		return;
	fprintf(f, "%s ", key);
	for (p = (const unsigned char *)val; *p; p++)
		fprintf(f, "%02x", *p);
	fputc('\n', f);
}

/* Lines end with CRLF, are ASCII and at most 78 columns. */
static void
assert_wire_format(const char *name, const struct buf *b)
{
	size_t i, col = 0;

	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];

		if (c == '\r') {
			if (i + 1 >= b->len || b->data[i + 1] != '\n')
				fail_msg("%s: bare CR at %zu", name, i);
			i++;
			col = 0;
			continue;
		}
		if (c == '\n')
			fail_msg("%s: bare LF at %zu", name, i);
		if (c >= 0x80 || c == 0)
			fail_msg("%s: byte 0x%02x at %zu", name, c, i);
		if (++col > 78)
			fail_msg("%s: line over 78 columns at %zu", name, i);
	}
}

static void
test_compose_python_reads(void **state)
{
	char dir[] = "/tmp/inquiryd-mime-XXXXXX";
	char path[4200], cmd[4400];
	size_t i, j;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(all_bytes); i++)
		all_bytes[i] = (unsigned char)i;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < ARRAY_SIZE(compose_cases); i++) {
		const struct compose_case *c = &compose_cases[i];
		struct buf b = BUF_INIT(BUF_CAP_TEXT);
		struct err e = ERR_INIT;
		FILE *f;

		if (mime_compose(&c->m, &b, &e))
			fail_msg("%s: %s", c->name, e.msg);
		snprintf(path, sizeof(path), "%s/%s.eml", dir, c->name);
		f = fopen(path, "wb");
		assert_non_null(f);
		fwrite(b.data, 1, b.len, f);
		fclose(f);
		assert_wire_format(path, &b);
		snprintf(path, sizeof(path), "%s/%s.want", dir, c->name);
		f = fopen(path, "w");
		assert_non_null(f);
		put_want(f, "from_name", c->from_name ? c->from_name :
		    c->m.from_name);
		put_want(f, "from_addr", c->m.from_addr);
		put_want(f, "to_name", c->to_name ? c->to_name :
		    c->m.to_name ? c->m.to_name : "");
		put_want(f, "to_addr", c->m.to_addr);
		put_want(f, "subject", c->subject ? c->subject : c->m.subject);
		if (c->m.message_id) {
			char id[300];

			snprintf(id, sizeof(id), "<%s>", c->m.message_id);
			put_want(f, "message_id", id);
		}
		if (c->m.in_reply_to) {
			char id[300];

			snprintf(id, sizeof(id), "<%s>", c->m.in_reply_to);
			put_want(f, "in_reply_to", id);
		}
		put_want(f, "references", c->references);
		put_want(f, "text", c->text ? c->text : c->m.text ?
		    c->m.text : "");
		put_want(f, "html", c->html ? c->html : c->m.html);
		for (j = 0; j < ARRAY_SIZE(c->atts) && c->atts[j]; j++)
			put_want(f, "att", c->atts[j]);
		for (j = 0; j < ARRAY_SIZE(c->headers) && c->headers[j]; j++) {
			char key[100];
			const char *tab = strchr(c->headers[j], '\t');

			snprintf(key, sizeof(key), "header:%.*s",
			    (int)(tab - c->headers[j]), c->headers[j]);
			put_want(f, key, tab + 1);
		}
		if (c->absent) {
			fprintf(f, "absent:%s 00\n", c->absent);
		}
		fclose(f);
		buf_release(&b);
	}
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s 2>&1",
	    unit_path("tests/lib/mime_check.py"), dir);
	rc = system(cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (!getenv("INQUIRYD_KEEP") && system(cmd))
		print_error("cannot remove %s\n", dir);
	assert_int_equal(rc, 0);
}

static void
test_compose_refuses(void **state)
{
	static const struct mime_header bad_hdr[] = { { "X Bad", "v" } };
	static const struct {
		const char *from, *to, *id;
		const struct mime_header *extra;
		const char *want;
	} cases[] = {
		{ "a b@example.com", "c@example.com", "i@x", NULL, "From" },
		{ "a@example.com", NULL, "i@x", NULL, "To" },
		{ "a@example.com", "<c@example.com>", "i@x", NULL, "To" },
		{ "a@example.com", "c@example.com", "<i@x>", NULL,
		    "Message-ID" },
		{ "a@example.com", "c@example.com", "i@x", bad_hdr,
		    "header name" },
		{ "a@example.com", "c@exam\r\nple.com", "i@x", NULL, "To" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mime_out m;
		struct buf b = BUF_INIT(BUF_CAP_TEXT);
		struct err e = ERR_INIT;

		memset(&m, 0, sizeof(m));
		m.from_addr = cases[i].from;
		m.to_addr = cases[i].to;
		m.message_id = cases[i].id;
		m.extra = cases[i].extra;
		m.nextra = cases[i].extra ? 1 : 0;
		m.text = "x";
		assert_int_equal(mime_compose(&m, &b, &e), -1);
		assert_int_equal(e.kind, ERR_PERM);
		if (!strstr(e.msg, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg,
			    cases[i].want);
		assert_int_equal(b.len, 0);
		buf_release(&b);
	}
}

static void
test_compose_cap(void **state)
{
	struct mime_out m;
	struct buf b = BUF_INIT(200);
	struct err e = ERR_INIT;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.from_addr = "a@example.com";
	m.to_addr = "b@example.com";
	m.text = "a text that, with the headers, will not fit in 200 bytes";
	assert_int_equal(mime_compose(&m, &b, &e), -1);
	assert_int_equal(e.kind, ERR_PERM);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void
test_encode_words(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain ascii", "plain ascii" },
		{ "  blanks\tand\r\ncontrols ", "blanks and  controls" },
		{ "Re: 你好", "Re: =?UTF-8?B?5L2g5aW9?=" },
		{ "你 好 x", "=?UTF-8?B?5L2gIOWlvQ==?= x" },
		{ "a =?x?q?y?= b", "a =?UTF-8?B?PT94P3E/eT89?= b" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = mime_encode_words(cases[i].in, 60);

		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

/* ---- Reading --------------------------------------------------------- */

static void
test_decode_header(void **state)
{
	static const struct {
		const char *in, *hint, *want;
	} cases[] = {
		{ "plain", NULL, "plain" },
		{ "=?utf-8?q?caf=C3=A9_au_lait?=", NULL, "café au lait" },
		{ "=?UTF-8?B?5L2g5aW9?= =?UTF-8?B?5LiW55WM?=", NULL, "你好世界" },
		{ "a =?iso-8859-1?q?=E9?= b", NULL, "a é b" },
		/* A character split between two words of one charset. */
		{ "=?utf-8?B?5L2=?= =?utf-8?B?oOWlvQ==?=", NULL, "你好" },
		{ "=?gb2312?B?xOO6ww==?=", NULL, "你好" },
		{ "=?utf-8*en?q?lang?=", NULL, "lang" },
		{ "=?bogus?q?x?= y", NULL, "x y" },
		{ "=?utf-8?x?bad encoding?=", NULL, "=?utf-8?x?bad encoding?=" },
		{ "not =? an ?= word", NULL, "not =? an ?= word" },
		{ "\xc4\xe3\xba\xc3 raw gbk", "gbk", "你好 raw gbk" },
		{ "tab\tand\x01" "control", NULL, "tab and control" },
		{ "  trimmed  ", NULL, "trimmed" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = mime_decode_header(cases[i].in, cases[i].hint);

		if (strcmp(got, cases[i].want))
			fail_msg("'%s': got '%s', want '%s'", cases[i].in, got,
			    cases[i].want);
		free(got);
	}
}

static void
test_addresses(void **state)
{
	static const struct {
		const char *in;
		const char *want;	/* "name|addr;name|addr" */
	} cases[] = {
		{ "John Smith <John@Example.COM>", "John Smith|John@example.com" },
		{ "\"Smith, John\" <j@x.org>, b@y.org",
		    "Smith, John|j@x.org;-|b@y.org" },
		{ "j@x.org (John Smith)", "John Smith|j@x.org" },
		{ "John Q. Public <jqp@x.org>", "John Q. Public|jqp@x.org" },
		{ "=?utf-8?b?546L5bCP5piO?= <w@x.cn>", "王小明|w@x.cn" },
		{ "team: a@x.org, b@x.org;", "-|a@x.org;-|b@x.org" },
		{ "undisclosed-recipients:;", "" },
		{ "<bare@x.org>", "-|bare@x.org" },
		{ "Broken <b@x.org", "Broken|b@x.org" },
		{ "MAILER-DAEMON", "-|MAILER-DAEMON" },
		{ "", "" },
	};
	size_t i, j, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mime_address *v;
		struct buf b = BUF_INIT(4096);

		n = mime_parse_addresses(cases[i].in, NULL, &v);
		for (j = 0; j < n; j++)
			buf_addf(&b, "%s%s|%s", j ? ";" : "",
			    v[j].name ? v[j].name : "-",
			    v[j].addr ? v[j].addr : "-");
		if (strcmp(b.data, cases[i].want))
			fail_msg("'%s': got '%s', want '%s'", cases[i].in,
			    b.data, cases[i].want);
		mime_addresses_free(v, n);
		buf_release(&b);
	}
}

static void
test_dates(void **state)
{
	static const struct {
		const char *in;
		long long want;	/* -1: unreadable */
	} cases[] = {
		{ "Tue, 15 Mar 2025 09:15:00 +0800", 1742001300 },
		{ "15 Mar 2025 09:15:00 +0800", 1742001300 },
		{ "Tue, 15 Mar 25 01:15 GMT", 1742001300 },
		{ "Tue, 15 Mar 2025 09:15:00 +0800 (CST)", 1742001300 },
		{ "Sat, 15 Mar 2025 01:15:00 UT", 1742001300 },
		{ "15 Mar 2025 09:15:00 GMT+8", 1742001300 },
		{ "15 Mar 2025 09:15:00 +08:00", 1742001300 },
		{ "Fri, 14 Mar 2025 21:15:00 EDT", 1742001300 },
		{ "2025-03-15T01:15:00Z", 1742001300 },
		{ "2025-03-15 09:15:00 +0800", 1742001300 },
		{ "Sat Mar 15 01:15:00 2025", 1742001300 },
		{ "2025/03/15 01:15", 1742001300 },
		{ "garbage", -1 },
		{ "32 Foo 2025", -1 },
		{ "", -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t t = -1;
		int rc = mime_parse_date(cases[i].in, &t);

		if (cases[i].want < 0 ? rc != -1 : (rc || t != cases[i].want))
			fail_msg("'%s': got %d/%lld, want %lld", cases[i].in,
			    rc, (long long)t, cases[i].want);
	}
}

static void
test_msgids(void **state)
{
	struct strlist l = STRLIST_INIT;
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	size_t i;

	(void)state;
	mime_parse_msgids("<a@x> <b@y>\r\n\t<c@z> (comment <d@w>)", &l);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "a@x");
	assert_string_equal(l.v[3], "d@w");
	strlist_release(&l);
	mime_parse_msgids("bare@id other", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0], "bare@id");
	strlist_release(&l);
	/* 150 ids: the first and the newest 99 are kept. */
	for (i = 0; i < 150; i++)
		buf_addf(&b, "<id%zu@x> ", i);
	mime_parse_msgids(b.data, &l);
	assert_int_equal(l.n, 100);
	assert_string_equal(l.v[0], "id0@x");
	assert_string_equal(l.v[1], "id51@x");
	assert_string_equal(l.v[99], "id149@x");
	strlist_release(&l);
	buf_release(&b);
}

static void
test_tree(void **state)
{
	static const char msg[] =
	    "From a@x  Mon Jan  1 00:00:00 2025\n"
	    "Content-Type: multipart/mixed; boundary=\"o\"\n\npreamble\n"
	    "--o\nContent-Type: text/plain; charset*=us-ascii'en'utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\ncaf=C3=A9\n"
	    "--o \nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum"
	    "%C3%A9.pdf\nContent-Transfer-Encoding: base64\n\nAAEC\nAw==\n"
	    "--o--\nepilogue\n";
	struct mime_limits lim = { 100, 10, 1000 };
	struct mime_tree t;
	struct err e = ERR_INIT;
	const struct mime_part *a, *b;
	struct buf out = BUF_INIT(100);

	(void)state;
	assert_int_equal(mime_parse(msg, strlen(msg), &lim, &t, &e), 0);
	assert_string_equal(t.root->type, "multipart/mixed");
	assert_int_equal(t.nparts, 3);
	a = t.root->child;
	b = a->next;
	assert_string_equal(a->type, "text/plain");
	assert_string_equal(a->charset, "utf-8");
	assert_int_equal(mime_decode_body(a, &out), 0);
	assert_string_equal(out.data, "café");
	assert_int_equal(b->disp, MIME_DISP_ATTACHMENT);
	assert_string_equal(b->filename, "résumé.pdf");
	assert_int_equal(mime_decoded_size(b), 4);
	assert_null(b->next);
	assert_true(t.defects.n >= 1);	/* the mbox line */
	mime_tree_release(&t);
	buf_release(&out);
}

/*
 * Content-Type names as clients write them.  libetpan's own decoding of
 * the value is refused (mime.c, refuse_charconv) and the names are
 * decoded here: raw UTF-8 (which libetpan's decoding turned into '?'),
 * encoded words quoted, unquoted, folded and split, comments, a name
 * with "=?" that is no encoded word.
 */
static void
test_content_type_names(void **state)
{
	static const struct {
		const char *ct, *type, *name;
	} cases[] = {
		{ "application/pdf; name=\"\xe4\xba\xa7\xe5\x93\x81.pdf\"",
		    "application/pdf", "\xe4\xba\xa7\xe5\x93\x81.pdf" },
		{ "application/pdf; name=\"=?UTF-8?B?5Lqn5ZOB5riF5Y2VLnBkZg==?=\"",
		    "application/pdf", "产品清单.pdf" },
		{ "application/octet-stream; name=\"=?GB2312?B?suLK1C54bHN4?=\"",
		    "application/octet-stream", "测试.xlsx" },
		{ "application/pdf; name==?utf-8?Q?a=C3=A9.pdf?=",
		    "application/pdf", "aé.pdf" },
		{ "application/vnd.ms-excel;\r\n\tname=\"=?utf-8?Q?price_list?= "
		    "=?utf-8?Q?_2026.xls?=\"", "application/vnd.ms-excel",
		    "price list 2026.xls" },
		{ "Application/PDF (a comment); name=\"x.pdf\" (another)",
		    "application/pdf", "x.pdf" },
		{ "application/pdf; name=\"a=?b?c.pdf\"", "application/pdf",
		    "a=?b?c.pdf" },
	};
	struct mime_limits lim = { 100, 10, 1000 };
	struct buf msg = BUF_INIT(4096);
	const struct mime_part *a;
	struct mime_tree t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e = ERR_INIT;

		buf_reset(&msg);
		buf_addf(&msg, "Content-Type: multipart/mixed; boundary=o\n\n"
		    "--o\nContent-Type: text/plain\n\nhi\n--o\n"
		    "Content-Type: %s\nContent-Transfer-Encoding: base64\n\n"
		    "aGVsbG8=\n--o--\n", cases[i].ct);
		assert_int_equal(mime_parse(msg.data, msg.len, &lim, &t, &e), 0);
		a = t.root->child ? t.root->child->next : NULL;
		assert_non_null(a);
		assert_string_equal(a->type, cases[i].type);
		assert_non_null(a->filename);
		assert_string_equal(a->filename, cases[i].name);
		assert_int_equal(mime_decoded_size(a), 5);
		mime_tree_release(&t);
	}
	buf_release(&msg);
}

/*
 * Base64 decoded a quantum at a time and a byte at a time into one 1 KiB
 * chunk: one byte ("QQ=="), 341 whole quanta that fill the chunk to its
 * last byte, one more byte.  (The fuzzer found the write past the end.)
 */
static void
test_base64_chunks(void **state)
{
	struct buf msg = BUF_INIT(BUF_CAP_HUGE), out = BUF_INIT(BUF_CAP_HUGE);
	struct mime_limits lim = { 100, 10, 1000 };
	struct mime_tree t;
	struct err e = ERR_INIT;
	size_t i;

	(void)state;
	buf_addstr(&msg, "Content-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: base64\n\nQQ==");
	for (i = 0; i < 341; i++)
		buf_addstr(&msg, "QUJD");	/* "ABC" */
	buf_addstr(&msg, "QQ==\n");
	assert_int_equal(mime_parse(msg.data, msg.len, &lim, &t, &e), 0);
	assert_int_equal(mime_decode_body(t.root, &out), 0);
	assert_int_equal(out.len, 1 + 3 * 341 + 1);
	assert_int_equal(out.data[0], 'A');
	for (i = 0; i < 341; i++)
		assert_memory_equal(out.data + 1 + 3 * i, "ABC", 3);
	assert_int_equal(out.data[out.len - 1], 'A');
	assert_int_equal(mime_decoded_size(t.root), out.len);
	mime_tree_release(&t);
	buf_release(&msg);
	buf_release(&out);
}

/*
 * The base64 decoder as it was, a character at a time into 1 KiB chunks
 * (a quantum of four letters when one starts), as the reference for the
 * faster one and for the counting without decoding.
 */
static const char ref_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t
ref_b64(const unsigned char *s, size_t n, struct buf *out, int *capped)
{
	signed char val[256];
	unsigned acc = 0;
	int bits = 0, i4, v[4];
	size_t i, k, total = 0, cn = 0;
	char chunk[1024];

	memset(val, -1, sizeof(val));
	for (k = 0; k < 64; k++)
		val[(unsigned char)ref_alpha[k]] = (signed char)k;
	val['-'] = 62;
	val['_'] = 63;
	for (i = 0; i < n; i++) {
		for (i4 = 0; i4 < 4 && i + 4 <= n; i4++)
			if ((v[i4] = val[s[i + i4]]) < 0)
				break;
		if (!bits && i4 == 4) {
			total += 3;
			if (out) {
				if (cn + 3 > sizeof(chunk)) {
					if (!*capped && buf_add(out, chunk, cn))
						*capped = 1;
					cn = 0;
				}
				chunk[cn++] = (char)(v[0] << 2 | v[1] >> 4);
				chunk[cn++] = (char)(v[1] << 4 | v[2] >> 2);
				chunk[cn++] = (char)(v[2] << 6 | v[3]);
			}
			i += 3;
			continue;
		}
		if (s[i] == '=') {
			bits = 0;
			acc = 0;
			continue;
		}
		if (val[s[i]] < 0)
			continue;
		acc = acc << 6 | (unsigned)val[s[i]];
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			total++;
			if (out) {
				if (cn == sizeof(chunk)) {
					if (!*capped && buf_add(out, chunk, cn))
						*capped = 1;
					cn = 0;
				}
				chunk[cn++] = (char)(acc >> bits);
			}
		}
		acc &= (1u << bits) - 1;
	}
	if (out && cn && !*capped && buf_add(out, chunk, cn))
		*capped = 1;
	return total;
}

/*
 * Random base64-ish bodies (letters mostly, line ends, '=', URL-safe and
 * stray bytes): the decoded bytes, the cut at a cap and the decoded size
 * are the reference decoder's.
 */
static void
test_base64_random(void **state)
{
	static const char some[] = "QUJDZGVm+/-_=\r\n \t.\001\377";
	unsigned char body[6000];
	struct mime_part p;
	struct buf out, ref;
	size_t n, i, caps[] = { BUF_CAP_HUGE, 0, 1, 700, 1024, 1500, 3000 };
	unsigned seed = 12345;
	int round, c, refcapped, rc;

	(void)state;
	for (round = 0; round < 400; round++) {
		unit_rand(&seed);
		n = (seed >> 8) % sizeof(body);
		for (i = 0; i < n; i++) {
			unit_rand(&seed);
			if ((seed >> 16) % 4)	/* a letter */
				body[i] = (unsigned char)ref_alpha[(seed >> 20) %
				    64];
			else
				body[i] = (unsigned char)some[(seed >> 20) %
				    (sizeof(some) - 1)];
		}
		memset(&p, 0, sizeof(p));
		p.enc = MIME_ENC_BASE64;
		p.body = (const char *)body;
		p.body_len = n;
		for (c = 0; c < (int)ARRAY_SIZE(caps); c++) {
			buf_init(&out, caps[c]);
			buf_init(&ref, caps[c]);
			refcapped = 0;
			ref_b64(body, n, &ref, &refcapped);
			rc = mime_decode_body(&p, &out);
			assert_int_equal(rc, refcapped ? -1 : 0);
			assert_int_equal(out.len, ref.len);
			assert_memory_equal(out.data, ref.data, ref.len);
			buf_release(&out);
			buf_release(&ref);
		}
		assert_int_equal(mime_decoded_size(&p), ref_b64(body, n,
		    NULL, &refcapped));
	}
}

/*
 * mime_header_plain (eight bytes a step) against a byte at a time, on
 * random values of printable ASCII with a few blanks, '=', '?', tabs,
 * DEL and 8-bit bytes; a plain value is what mime_decode_header gives.
 */
static void
test_header_plain(void **state)
{
	static const char odd[] = "==??  \t\177\200\303\251";
	char raw[80], *dec;
	const char *start;
	const unsigned char *u;
	size_t n, i, len;
	unsigned seed = 777;
	int round, plain;

	(void)state;
	for (round = 0; round < 20000; round++) {
		unit_rand(&seed);
		n = (seed >> 8) % (sizeof(raw) - 1);
		for (i = 0; i < n; i++) {
			unit_rand(&seed);
			if ((seed >> 16) % 16)
				raw[i] = (char)(' ' + (seed >> 20) % 95);
			else
				raw[i] = odd[(seed >> 20) % (sizeof(odd) - 1)];
		}
		raw[n] = '\0';
		for (u = (const unsigned char *)raw; *u >= 0x20 &&
		    *u < 0x7f; u++)
			if (u[0] == '=' && u[1] == '?')
				break;
		plain = !*u;
		assert_int_equal(mime_header_plain(raw, &start, &len), plain);
		if (!plain)
			continue;
		dec = mime_decode_header(raw, NULL);
		assert_int_equal(strlen(dec), len);
		assert_memory_equal(dec, start, len);
		free(dec);
	}
}

/*
 * count_boundary (eight bytes a step) against a byte at a time, on
 * random text of the word's letters in both cases and a few others.
 */
static void
test_count_boundary(void **state)
{
	static const char letters[] = "bBoOuUnNdDaArRyYx =\"\n";
	char s[200];
	size_t n, i, k, max, want;
	unsigned seed = 4242;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		unit_rand(&seed);
		n = (seed >> 8) % sizeof(s);
		max = (seed >> 20) % 6;
		for (i = 0; i < n; i++) {
			unit_rand(&seed);
			if ((seed >> 16) % 10 == 0 && i + 8 <= n) {
				memcpy(s + i, (seed >> 20) % 2 ? "boundary" :
				    "BoUnDaRY", 8);
				i += 7;
				continue;
			}
			s[i] = letters[(seed >> 20) % (sizeof(letters) - 1)];
		}
		for (i = 0, want = 0; i + 8 <= n && want < max; i++) {
			for (k = 0; k < 8 && (s[i + k] | 0x20) ==
			    "boundary"[k]; k++)
				;
			want += k == 8;
		}
		assert_int_equal(count_boundary(s, n, max), want);
	}
}

/*
 * An unclosed multipart is closed: its delimiter lines are found line by
 * line, ended by LF, CRLF or a lone CR (bvals_lines), and only the
 * boundary whose "--" lines occur without a close gets one.
 */
static void
test_unclosed_multipart(void **state)
{
	static const char *const msgs[] = {
		"Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
		    "--b1\nContent-Type: text/plain\n\nhello\n"
		    "--b1\nContent-Type: text/plain\n\nworld\n",
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
		    "--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
		    "--b1\r\nContent-Type: text/plain\r\n\r\nworld\r\n",
		"Content-Type: multipart/mixed; boundary=\"b1\"\n\n"
		    "x\r--b1\nContent-Type: text/plain\n\nhello\r\r\n"
		    "--b1\nContent-Type: text/plain\n\nworld\n",
	};
	struct mime_limits lim = { 100, 10, 8192 };
	struct mime_tree t;
	struct err e = ERR_INIT;
	size_t i, k;
	int closed;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(msgs); i++) {
		assert_int_equal(mime_parse(msgs[i], strlen(msgs[i]), &lim,
		    &t, &e), 0);
		for (k = 0, closed = 0; k < t.defects.n; k++)
			closed += strstr(t.defects.v[k],
			    "no closing boundary 'b1'") != NULL;
		assert_int_equal(closed, 1);
		assert_string_equal(t.root->type, "multipart/mixed");
		assert_non_null(t.root->child);
		assert_non_null(t.root->child->next);
		mime_tree_release(&t);
	}
}

/*
 * mime_tree_addresses(t, field) gives n mailboxes, the i-th with name and
 * addr (NULL: not checked).
 */
static void
expect_address(const struct mime_tree *t, const char *field, size_t n,
    size_t i, const char *name, const char *addr)
{
	struct mime_address *v;
	size_t got = mime_tree_addresses(t, field, NULL, &v);

	assert_int_equal(got, n);
	if (name)
		assert_string_equal(v[i].name, name);
	if (addr)
		assert_string_equal(v[i].addr, addr);
	mime_addresses_free(v, got);
}

/* The root's addresses from libetpan's reading, or the lenient one. */
static void
test_tree_addresses(void **state)
{
	static const char msg[] =
	    "From: j@x.example (John Smith)\r\n"
	    "To: a@x.example, Team: b@x.example, \"C, D\" <c@x.example>;\r\n"
	    "Reply-To: Lee <lee@x.example\r\n"
	    "Cc: =?utf-8?q?Ren=C3=A9?= <rene@X.Example>\r\n\r\nhi\r\n";
	struct mime_limits lim = { 100, 10, 1000 };
	struct mime_address *v;
	struct mime_tree t;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(mime_parse(msg, strlen(msg), &lim, &t, &e), 0);
	expect_address(&t, "From", 1, 0, "John Smith", "j@x.example");
	expect_address(&t, "to", 3, 1, NULL, "b@x.example");
	expect_address(&t, "to", 3, 2, "C, D", NULL);
	expect_address(&t, "Reply-To", 1, 0, NULL, "lee@x.example");
	expect_address(&t, "Cc", 1, 0, "René", "rene@x.example");
	assert_int_equal(mime_tree_addresses(&t, "Bcc", NULL, &v), 0);
	assert_null(v);
	mime_tree_release(&t);
}

/*
 * A header of relays and signatures before the addresses and the MIME
 * fields (libetpan is given only the fields it reads for us): every
 * field is still listed in order, and the addresses, the parts and the
 * body are read as before.  A header libetpan reads in ways of its own
 * (a blank fold, a lone CR, an open angle in a field it reads by its
 * syntax) goes to it whole, with the same result.
 */
static void
test_relay_header(void **state)
{
	static const char *const variants[] = { "", "X-Blank: a\r\n \r\n",
	    "X-Cr: a\rb\r\n", "Message-ID: <open@x.example\r\n" };
	struct mime_limits lim = { 100, 10, 8192 };
	struct buf msg = BUF_INIT(BUF_CAP_HUGE), out = BUF_INIT(1000);
	struct mime_tree t;
	struct err e = ERR_INIT;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		buf_reset(&msg);
		buf_reset(&out);
		buf_addstr(&msg, "Received: from a (a [192.0.2.1]) by mx;\r\n"
		    "\tTue, 15 Mar 2025 09:15:00 +0800\r\n"
		    "DKIM-Signature: v=1; a=rsa-sha256; d=x.example;\r\n"
		    "\tb=");
		for (k = 0; k < 30; k++)	/* a header worth trimming */
			buf_addstr(&msg,
			    "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/\r\n\t");
		buf_addstr(&msg, "==\r\nX-Mailer: \"quoted (open\r\n");
		buf_addstr(&msg, variants[i]);
		buf_addstr(&msg, "From: Lee <lee@x.example>\r\n"
		    "Subject: RFQ\r\nTo: a@y.example, b@y.example\r\n"
		    "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
		    "\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\nY2Fmw6k=\r\n"
		    "--b--\r\n");
		assert_int_equal(mime_parse(msg.data, msg.len, &lim, &t, &e),
		    0);
		assert_int_equal(t.root->nfields, i ? 8 : 7);
		assert_string_equal(t.root->fields[0].name, "Received");
		assert_string_equal(t.root->fields[2].value,
		    "\"quoted (open");
		assert_string_equal(t.root->fields[i ? 4 : 3].name, "From");
		assert_string_equal(mime_part_field(t.root, "subject"), "RFQ");
		assert_string_equal(t.root->type, "multipart/mixed");
		assert_non_null(t.root->child);
		assert_int_equal(mime_decode_body(t.root->child, &out), 0);
		assert_string_equal(out.data, "café");
		expect_address(&t, "To", 2, 1, NULL, "b@y.example");
		expect_address(&t, "From", 1, 0, "Lee", "lee@x.example");
		assert_int_equal(t.defects.n, 0);
		mime_tree_release(&t);
	}
	buf_release(&msg);
	buf_release(&out);
}

/*
 * Past the first 1,000 fields of a header, a field is kept only under a
 * name not seen before: a header of thousands of Received lines keeps the
 * From, To and Subject that come after them, and no more than 1,000 new
 * names are taken.
 */
static void
test_many_fields(void **state)
{
	struct mime_limits lim = { 100, 10, 8192 };
	struct buf msg = BUF_INIT(BUF_CAP_HUGE);
	struct mime_tree t;
	struct err e = ERR_INIT;
	char line[64];
	size_t k;

	(void)state;
	for (k = 0; k < 3000; k++) {
		snprintf(line, sizeof(line), "Received: from r%zu by mx\r\n",
		    k);
		buf_addstr(&msg, line);
	}
	buf_addstr(&msg, "X-Once: 1\r\nx-once: 2\r\n"
	    "From: Lee <lee@x.example>\r\nTo: a@y.example\r\n"
	    "Subject: RFQ\r\n\r\nHello\r\n");
	assert_int_equal(mime_parse(msg.data, msg.len, &lim, &t, &e), 0);
	assert_int_equal(t.root->nfields, 1004);
	assert_string_equal(t.root->fields[999].value, "from r999 by mx");
	assert_string_equal(t.root->fields[1000].name, "X-Once");
	assert_string_equal(mime_part_field(t.root, "x-once"), "1");
	assert_string_equal(mime_part_field(t.root, "Subject"), "RFQ");
	expect_address(&t, "From", 1, 0, "Lee", "lee@x.example");
	expect_address(&t, "To", 1, 0, NULL, "a@y.example");
	assert_int_equal(t.defects.n, 1);
	assert_non_null(strstr(t.defects.v[0], "more than 1000 header"));
	mime_tree_release(&t);

	/* 3,000 names, each new: 1,000 past the first 1,000. */
	buf_reset(&msg);
	for (k = 0; k < 3000; k++) {
		snprintf(line, sizeof(line), "X-N%zu: v\r\n", k);
		buf_addstr(&msg, line);
	}
	buf_addstr(&msg, "From: lee@x.example\r\n\r\nHello\r\n");
	assert_int_equal(mime_parse(msg.data, msg.len, &lim, &t, &e), 0);
	assert_int_equal(t.root->nfields, 2000);
	assert_string_equal(t.root->fields[1999].name, "X-N1999");
	assert_null(mime_part_field(t.root, "From"));
	mime_tree_release(&t);
	buf_release(&msg);
}

/*
 * A header whose last field has no line end after it (a message cut
 * short, or an attached one that is all header): the last field is read
 * as a field, not as the body.  A last line that is no field stays body.
 */
static void
test_unended_header(void **state)
{
	static const char *const crlf = "From: Lee <lee@x.example>\r\n"
	    "Subject: RFQ\r\n for pumps";
	static const char *const lf = "Subject: only";
	static const char *const body = "From: lee@x.example\nhello";
	struct mime_limits lim = { 100, 10, 8192 };
	struct mime_tree t;
	struct err e = ERR_INIT;

	(void)state;
	assert_int_equal(mime_parse(crlf, strlen(crlf), &lim, &t, &e), 0);
	assert_int_equal(t.root->nfields, 2);
	assert_string_equal(mime_part_field(t.root, "Subject"),
	    "RFQ for pumps");
	assert_int_equal(t.root->body_len, 0);
	expect_address(&t, "From", 1, 0, "Lee", "lee@x.example");
	assert_int_equal(t.defects.n, 1);
	assert_non_null(strstr(t.defects.v[0], "no line end"));
	mime_tree_release(&t);

	assert_int_equal(mime_parse(lf, strlen(lf), &lim, &t, &e), 0);
	assert_string_equal(mime_part_field(t.root, "subject"), "only");
	assert_int_equal(t.root->body_len, 0);
	mime_tree_release(&t);

	assert_int_equal(mime_parse(body, strlen(body), &lim, &t, &e), 0);
	assert_int_equal(t.root->nfields, 1);
	assert_int_equal(t.root->body_len, 5);
	assert_memory_equal(t.root->body, "hello", 5);
	mime_tree_release(&t);
}

/* Whether the trees of parts a and b are the same, recursively. */
static void
expect_same_part(const struct mime_part *a, const struct mime_part *b)
{
	size_t i;

	for (; a || b; a = a->next, b = b->next) {
		assert_non_null(a);
		assert_non_null(b);
		assert_string_equal(a->type, b->type);
		assert_true((!a->charset && !b->charset) || (a->charset &&
		    b->charset && !strcmp(a->charset, b->charset)));
		assert_true((!a->boundary && !b->boundary) || (a->boundary &&
		    b->boundary && !strcmp(a->boundary, b->boundary)));
		assert_true((!a->filename && !b->filename) || (a->filename &&
		    b->filename && !strcmp(a->filename, b->filename)));
		assert_int_equal(a->disp, b->disp);
		assert_int_equal(a->enc, b->enc);
		assert_int_equal(a->body_len, b->body_len);
		assert_memory_equal(a->body, b->body, a->body_len);
		assert_int_equal(a->nfields, b->nfields);
		for (i = 0; i < a->nfields; i++) {
			assert_string_equal(a->fields[i].name,
			    b->fields[i].name);
			assert_string_equal(a->fields[i].value,
			    b->fields[i].value);
		}
		expect_same_part(a->child, b->child);
	}
}

/* A Content-Type value's parameter value, quoted or not, at random. */
static void
random_value(struct buf *b, unsigned *seed)
{
	/* Mostly what an atom takes, and each byte that it does not. */
	static const char plain[] = "abcXYZ019-_./?=+@[]!#$%&'*^{}|~";
	static const char other[] = " \t\"\\<>,:;()\r\n\001\177\344";
	/* Quotes that a comment or a quoted pair hides from libetpan. */
	static const char *const hide[] = { "\\\"=\"", "(\")", "(=\"a)",
		"\\\"", "=\"" };
	size_t i, n;

	unit_rand(seed);
	n = (*seed >> 16) % 12;
	if ((*seed >> 8) % 4)
		buf_addch(b, '"');
	for (i = 0; i < n; i++) {
		unit_rand(seed);
		if ((*seed >> 16) % 25 > 1)
			buf_addch(b, plain[(*seed >> 20) % (sizeof(plain) -
			    1)]);
		else if ((*seed >> 16) % 25)
			buf_addch(b, other[(*seed >> 20) % (sizeof(other) -
			    1)]);
		else
			buf_addstr(b, hide[(*seed >> 20) % ARRAY_SIZE(hide)]);
	}
	unit_rand(seed);
	if ((*seed >> 8) % 8)
		buf_addch(b, '"');
}

/*
 * A Content-Type field (or another, now and then) of type with random
 * parameters, and boundary (unless NULL) among them.
 */
static void
random_field(struct buf *b, const char *type, const char *boundary,
    unsigned *seed)
{
	static const char *const names[] = { "charset", "name", "format",
		"boundary", "x" };
	static const char *const seps[] = { "; ", ";", ";\r\n\t", " ; ",
		";\n ", "", " (c) ;", ";\r\n", "; (\") ", " (=\"a) ;" };
	size_t i, n, at;

	unit_rand(seed);
	buf_addstr(b, boundary || (*seed >> 16) % 8 ? "Content-Type: " :
	    (*seed >> 16) % 2 ? "content-type:" : "X-Content-Type: ");
	buf_addstr(b, type);
	unit_rand(seed);
	n = (*seed >> 16) % 4;
	at = boundary ? (*seed >> 20) % (n + 1) : n + 1;
	for (i = 0; i <= n; i++) {
		if (i == at) {
			unit_rand(seed);
			buf_addf(b, (*seed >> 16) % 3 ? "; boundary=\"%s\"" :
			    "; boundary=%s", boundary);
		}
		if (i == n)
			break;
		unit_rand(seed);
		buf_addstr(b, seps[(*seed >> 16) % ARRAY_SIZE(seps)]);
		buf_addstr(b, names[(*seed >> 20) % ARRAY_SIZE(names)]);
		buf_addstr(b, (*seed >> 24) % 8 ? "=" : (*seed >> 24) % 2 ?
		    " = " : "=(\")");
		random_value(b, seed);
	}
	unit_rand(seed);
	buf_addstr(b, (*seed >> 16) % 6 ? "\r\n" : "\n");
}

/*
 * A Content-Disposition field with random parameters: filename ones (to
 * unquote), others that libetpan reads as dates or a size, names that
 * end or only start like "filename", with random values.
 */
static void
random_disposition(struct buf *b, unsigned *seed)
{
	static const char *const names[] = { "filename", "FileName",
		"creation-date", "size", "name", "xfilename", "filenamex",
		"read-date", "filename ", "modification-date" };
	static const char *const seps[] = { "; ", ";", ";\r\n\t", " ; ",
		";\n ", "", " (c) ;", "; (\") ", "\t;\t" };
	size_t i, n;

	unit_rand(seed);
	buf_addstr(b, (*seed >> 16) % 4 ? "Content-Disposition: " :
	    (*seed >> 16) % 2 ? "content-disposition:" :
	    "Content-Disposition : ");
	buf_addstr(b, (*seed >> 20) % 2 ? "attachment" : "inline");
	n = (*seed >> 24) % 4;
	for (i = 0; i < n; i++) {
		unit_rand(seed);
		buf_addstr(b, seps[(*seed >> 16) % ARRAY_SIZE(seps)]);
		buf_addstr(b, names[(*seed >> 20) % ARRAY_SIZE(names)]);
		buf_addstr(b, (*seed >> 24) % 8 ? "=" : " =");
		random_value(b, seed);
	}
	unit_rand(seed);
	buf_addstr(b, (*seed >> 16) % 6 ? "\r\n" : "\n");
}

/*
 * libetpan reads quoted Content-Type values (and Content-Disposition
 * filenames) that an atom can hold unquoted (mime.c, unquote_params):
 * the trees of random messages, with such values and every byte that
 * keeps a value from being unquoted (blanks, quotes, backslashes,
 * comments, line ends, atom ends), are the same read both ways; so are
 * they with Content-ID and Content-Description fields, renamed in the
 * copy.
 */
static void
test_unquote_params(void **state)
{
	static const char *const types[] = { "text/plain", "text/html",
		"application/pdf", "multipart/alternative", "message/rfc822" };
	/* Quotes that libetpan pairs otherwise than from quote to quote. */
	static const char *const tricky[] = {
		"Content-Type: text/plain; charset=(\")\"p=\"X\" ;\r\n",
		"Content-Type: text/plain; name=\"p\\\"=\"X\" ;\r\n",
		"Content-Type: text/plain; name=\"p(=\"X\" ;\r\n",
		"Content-Type: text/plain; x=(\")\"X\"; name=\"Y\"\r\n",
		"Content-Type: \"text/html\"\r\n",
	}, *const ids[] = { "Content-ID: <a.1@x.example>\r\n",
		"content-id:<b@y>\n", "Content-Id: not an id\r\n",
		"CONTENT-ID: <c@z>\r\n (c)\r\n", "Content-ID : <d@w>\r\n",
		"Content-IDs: <e@v>\r\n", "Content-ID:\r\n",
		"Content-Description: a =?utf-8?q?p=C3=A9?= \"b\"\r\n",
		"content-description:(x)\n\ty\r\n",
		"Content-Descriptions: z\r\n" };
	struct mime_limits lim = { 100, 10, 8192 };
	struct buf msg = BUF_INIT(BUF_CAP_HUGE);
	struct mime_tree t1, t2;
	struct err e1 = ERR_INIT, e2 = ERR_INIT;
	unsigned seed = 2718;
	size_t round, k, i, nparts, before = mime_unquote_count;
	int r1, r2;

	(void)state;
	for (round = 0; round < 4000; round++) {
		buf_reset(&msg);
		unit_rand(&seed);
		if ((seed >> 16) % 2)	/* enough to leave out: a trimmed copy */
			buf_addstr(&msg, "Received: from a.example by "
			    "b.example with ESMTP id 0123456789abcdef\r\n");
		buf_addstr(&msg, "From: Lee <lee@x.example>\r\n");
		random_field(&msg, "multipart/mixed", "b=_1", &seed);
		buf_addstr(&msg, "\r\npreamble\r\n");
		unit_rand(&seed);
		nparts = round < ARRAY_SIZE(tricky) ? 1 : (seed >> 16) % 4;
		for (k = 0; k < nparts; k++) {
			buf_addstr(&msg, "--b=_1\r\n");
			unit_rand(&seed);
			if (round < ARRAY_SIZE(tricky))
				buf_addstr(&msg, tricky[round]);
			else
				for (i = (seed >> 16) % 3; i > 0; i--)
					random_field(&msg, types[(seed >> 20) %
					    ARRAY_SIZE(types)], NULL, &seed);
			unit_rand(&seed);
			if ((seed >> 16) % 3)
				random_disposition(&msg, &seed);
			/* Renamed in libetpan's copy, and read as before. */
			if ((seed >> 20) % 3)
				buf_addstr(&msg, ids[(seed >> 24) %
				    ARRAY_SIZE(ids)]);
			if (!((seed >> 20) % 4))
				random_field(&msg, "text/plain", NULL, &seed);
			buf_addstr(&msg, "\r\nbody \"x\"\r\n-- \r\n"
			    "Content-Type: text/plain; a=\"b\"\r\n");
		}
		unit_rand(&seed);
		if ((seed >> 16) % 4)
			buf_addstr(&msg, "--b=_1--\r\n");

		mime_exact = 1;
		r1 = mime_parse(msg.data, msg.len, &lim, &t1, &e1);
		mime_exact = 0;
		r2 = mime_parse(msg.data, msg.len, &lim, &t2, &e2);
		assert_int_equal(r1, r2);
		assert_int_equal(t1.nparts, t2.nparts);
		assert_int_equal(t1.defects.n, t2.defects.n);
		for (k = 0; k < t1.defects.n; k++)
			assert_string_equal(t1.defects.v[k], t2.defects.v[k]);
		expect_same_part(t1.root, t2.root);
		mime_tree_release(&t1);
		mime_tree_release(&t2);
	}
	/*
	 * Most messages had values to unquote (none when unquote_ok finds
	 * that this libetpan reads them otherwise: then this test has
	 * nothing to compare, and says so here).
	 */
	assert_true(mime_unquote_count - before > 4000);
	buf_release(&msg);
}

/* One field of ref_fields: its name and value, NUL-free. */
struct ref_field {
	char name[64];
	char value[256];
	size_t raw;		/* value bytes before the cut */
};

/*
 * The header fields of s[0..n) as read_fields reads them, a byte at a
 * time: LF line ends (a CR before the LF dropped), folds appended whole,
 * values cut after max bytes (counted before trimming), NULs read as
 * spaces, blanks trimmed; up to the blank line or a line that is no
 * field.  Returns the count.
 */
static size_t
ref_fields(const char *s, size_t n, size_t max, struct ref_field *f,
    size_t nmax)
{
	size_t i = 0, e, ce, k, c, len, nf = 0;
	int open = 0;

	while (i < n) {
		for (e = i; e < n && s[e] != '\n'; e++)
			;
		ce = e > i && s[e - 1] == '\r' ? e - 1 : e;
		if (ce == i)
			break;
		if (s[i] == ' ' || s[i] == '\t') {
			k = i;
		} else {
			for (k = i; k < ce && (unsigned char)s[k] > 32 &&
			    (unsigned char)s[k] < 127 && s[k] != ':'; k++)
				;
			len = k - i;
			while (k < ce && (s[k] == ' ' || s[k] == '\t'))
				k++;
			if (!len || k == ce || s[k] != ':' || nf == nmax)
				break;
			memcpy(f[nf].name, s + i, len);
			f[nf].name[len] = '\0';
			f[nf].value[0] = '\0';
			f[nf].raw = 0;
			nf++;
			open = 1;
			k++;
		}
		for (; open && k < ce && f[nf - 1].raw < max; k++) {
			f[nf - 1].raw++;
			len = strlen(f[nf - 1].value);
			c = s[k] ? (unsigned char)s[k] : ' ';
			if (!len && (c == ' ' || c == '\t'))
				continue;
			f[nf - 1].value[len] = (char)c;
			f[nf - 1].value[len + 1] = '\0';
		}
		i = e < n ? e + 1 : n;
	}
	for (k = 0; k < nf; k++) {
		len = strlen(f[k].value);
		while (len && (f[k].value[len - 1] == ' ' ||
		    f[k].value[len - 1] == '\t'))
			f[k].value[--len] = '\0';
	}
	return nf;
}

/*
 * The root header of random messages (folds, blanks, CRs, NULs, long
 * values cut at max_header) as ref_fields reads it a byte at a time.
 */
static void
test_read_fields(void **state)
{
	static const char *const names[] = { "Subject", "X-A", "to",
		"Received", "Content-Type", "X-Long-Name-Of-A-Field" };
	static const char bytes[] = "abc xyz\t\t  :;\"(=\r\0";
	struct mime_limits lim = { 100, 10, 40 };
	struct ref_field want[16];
	struct buf msg = BUF_INIT(BUF_CAP_HUGE);
	struct mime_tree t;
	struct err e = ERR_INIT;
	unsigned seed = 1618;
	size_t round, k, i, n, nf;

	(void)state;
	for (round = 0; round < 3000; round++) {
		buf_reset(&msg);
		unit_rand(&seed);
		nf = 1 + (seed >> 16) % 8;
		for (k = 0; k < nf; k++) {
			unit_rand(&seed);
			buf_addstr(&msg, names[(seed >> 16) % ARRAY_SIZE(names)]);
			buf_addstr(&msg, (seed >> 20) % 4 ? ":" : " :");
			do {
				unit_rand(&seed);
				n = (seed >> 16) % 30;
				for (i = 0; i < n; i++) {
					unit_rand(&seed);
					buf_addch(&msg, bytes[(seed >> 16) %
					    (sizeof(bytes) - 1)]);
				}
				unit_rand(&seed);
				buf_addstr(&msg, (seed >> 16) % 3 ? "\r\n" :
				    "\n");
				if ((seed >> 20) % 3)
					break;
				/* A fold, not blank (libetpan's own case). */
				buf_addstr(&msg, (seed >> 24) % 2 ? " f" : "\tf");
			} while (1);
		}
		buf_addstr(&msg, "\r\nbody\r\n");
		assert_int_equal(mime_parse(msg.data, msg.len, &lim, &t, &e),
		    0);
		n = ref_fields(msg.data, msg.len, lim.max_header, want,
		    ARRAY_SIZE(want));
		assert_int_equal(t.root->nfields, n);
		for (k = 0; k < n; k++) {
			assert_string_equal(t.root->fields[k].name,
			    want[k].name);
			assert_string_equal(t.root->fields[k].value,
			    want[k].value);
		}
		mime_tree_release(&t);
	}
	buf_release(&msg);
}

/*
 * A tree of many parts, and fields of every size, from the arena: more
 * than a chunk of it (4 KiB), fields longer than a quarter of one (a
 * chunk of their own), two trees alive at once.
 */
static void
test_many_parts(void **state)
{
	struct mime_limits lim = { 200, 10, 8192 };
	struct buf msg = BUF_INIT(BUF_CAP_HUGE);
	struct mime_tree t, t2;
	struct err e = ERR_INIT;
	const struct mime_part *c;
	char want[64];
	size_t k, i;

	(void)state;
	buf_addstr(&msg, "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
	for (k = 0; k < 120; k++) {
		buf_addf(&msg, "--b\r\nContent-Type: text/plain; charset="
		    "\"utf-8\"\r\nX-Index: %zu\r\nX-Pad: ", k);
		for (i = 0; i < k * 20; i++)
			buf_addch(&msg, 'a' + (char)(i % 26));
		buf_addf(&msg, "\r\n\r\npart %zu\r\n", k);
	}
	buf_addstr(&msg, "--b--\r\n");
	assert_int_equal(mime_parse(msg.data, msg.len, &lim, &t, &e), 0);
	assert_int_equal(mime_parse(msg.data, msg.len, &lim, &t2, &e), 0);
	assert_int_equal(t.nparts, 121);
	for (k = 0, c = t.root->child; k < 120; k++, c = c->next) {
		assert_non_null(c);
		assert_string_equal(c->type, "text/plain");
		assert_string_equal(c->charset, "utf-8");
		snprintf(want, sizeof(want), "%zu", k);
		assert_string_equal(mime_part_field(c, "X-Index"), want);
		assert_int_equal(strlen(mime_part_field(c, "x-pad")), k * 20);
		snprintf(want, sizeof(want), "part %zu", k);
		assert_int_equal(c->body_len, strlen(want));
		assert_memory_equal(c->body, want, c->body_len);
	}
	assert_null(c);
	mime_tree_release(&t);
	assert_int_equal(t2.nparts, 121);
	assert_string_equal(mime_part_field(t2.root->child->next, "X-Index"),
	    "1");
	mime_tree_release(&t2);
	buf_release(&msg);
}

/*
 * The bounds on parts and nesting (mime.c, check_bounds) with the
 * shortcut that takes n / 6 "rfc822" words for the count, and without:
 * random messages of delimiter lines, "rfc822" and "boundary" words,
 * read under small random limits, give the same result and tree.
 */
static void
test_bounds_shortcut(void **state)
{
	static const char *const lines[] = { "--b\n", "--c\n",
		"Content-Type: message/rfc822\n", "x rfc822 y\n",
		"Content-Type: multipart/mixed; boundary=c\n", "\n",
		"--b--\n", "text\n", "rfc822RFC822rfc822rfc822rfc822" };
	struct buf msg = BUF_INIT(BUF_CAP_HUGE);
	struct mime_tree t1, t2;
	unsigned seed = 5772;
	size_t round, k, n;
	int r1, r2;

	(void)state;
	for (round = 0; round < 3000; round++) {
		struct err e1 = ERR_INIT, e2 = ERR_INIT;
		struct mime_limits lim;

		unit_rand(&seed);
		lim.max_parts = 1 + (seed >> 16) % 12;
		lim.max_depth = 1 + (seed >> 20) % 6;
		lim.max_header = 1000;
		buf_reset(&msg);
		buf_addstr(&msg, "Content-Type: multipart/mixed; boundary=b\n\n");
		unit_rand(&seed);
		n = (seed >> 16) % 80;
		if ((seed >> 24) % 4 == 0) {	/* as dense as it gets */
			for (k = 0; k < n; k++)
				buf_addstr(&msg, "rfc822");
			n = 0;
		}
		for (k = 0; k < n; k++) {
			unit_rand(&seed);
			buf_addstr(&msg, lines[(seed >> 16) % ARRAY_SIZE(lines)]);
		}
		unit_rand(&seed);
		for (k = (seed >> 16) % 3000; k > 0 && n; k--)
			buf_addch(&msg, 'a' + (char)(k % 26));
		mime_exact = 1;
		r1 = mime_parse(msg.data, msg.len, &lim, &t1, &e1);
		mime_exact = 0;
		r2 = mime_parse(msg.data, msg.len, &lim, &t2, &e2);
		assert_int_equal(r1, r2);
		assert_string_equal(e1.msg, e2.msg);
		assert_int_equal(t1.nparts, t2.nparts);
		assert_int_equal(t1.defects.n, t2.defects.n);
		if (!r1)
			expect_same_part(t1.root, t2.root);
		mime_tree_release(&t1);
		mime_tree_release(&t2);
	}
	buf_release(&msg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_words),
		cmocka_unit_test(test_compose_python_reads),
		cmocka_unit_test(test_compose_refuses),
		cmocka_unit_test(test_compose_cap),
		cmocka_unit_test(test_decode_header),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_msgids),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_content_type_names),
		cmocka_unit_test(test_base64_chunks),
		cmocka_unit_test(test_base64_random),
		cmocka_unit_test(test_header_plain),
		cmocka_unit_test(test_count_boundary),
		cmocka_unit_test(test_unclosed_multipart),
		cmocka_unit_test(test_tree_addresses),
		cmocka_unit_test(test_relay_header),
		cmocka_unit_test(test_many_fields),
		cmocka_unit_test(test_unended_header),
		cmocka_unit_test(test_unquote_params),
		cmocka_unit_test(test_read_fields),
		cmocka_unit_test(test_many_parts),
		cmocka_unit_test(test_bounds_shortcut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
