/*
 * test_parse.c - parse_message() on the fixture pairs of tests/data/parse
 * (NAME.eml + NAME.expect), on the shared corpora (CPython's MIME test
 * messages and the inquiry corpus), and on hostile messages that must
 * be handled in bounded time.
 *
 * NAME.expect holds "key: value" lines; a value may use \n and \t.  Keys:
 *   from, envelope_from, reply_to   "Name <addr>" or "<addr>" or "-"
 *   to, cc           the whole list, ", "-separated, as from
 *   subject, date (epoch), message_id, in_reply_to, references (space-
 *   separated), charset, charset_used, forward_subject, forward_note,
 *   text             the exact text
 *   text_has, text_lacks, note_has   substrings
 *   html             "yes" or "no"
 *   flags            the exact set, e.g. "AUTO_REPLY BULK" or "-"
 *   att              "filename | type | size" (one line each, in order)
 *   header:NAME      a decoded header value
 *   error            a substring of the ERR_PERM message
 * Keys not listed are not checked.
 */
#include <dirent.h>
#include <jansson.h>
#include <unistd.h>

#include "unit.h"

#include "buf.h"
#include "charset.h"
#include "err.h"
#include "hash.h"
#include "mime.h"
#include "parse.h"
#include "rules.h"

static int
charset_utf8_valid_str(const char *s)
{
	return charset_utf8_valid(s, strlen(s));
}

static const char *
nz(const char *s)
{
	return s ? s : "-";
}

static char *
fmt_address(const struct address *a)
{
	if (!a->name && !a->addr)
		return xstrdup("-");
	if (!a->name)
		return xasprintf("<%s>", a->addr);
	return xasprintf("%s <%s>", a->name, a->addr ? a->addr : "");
}

static char *
fmt_list(const struct address *v, size_t n)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	size_t i;

	for (i = 0; i < n; i++) {
		char *s = fmt_address(&v[i]);

		buf_addf(&b, "%s%s", i ? ", " : "", s);
		free(s);
	}
	return buf_detach(&b, NULL);
}

static const struct {
	unsigned bit;
	const char *name;
} flag_names[] = {
	{ PM_AUTO_REPLY, "AUTO_REPLY" }, { PM_BOUNCE, "BOUNCE" },
	{ PM_BULK, "BULK" }, { PM_FORWARDED, "FORWARDED" },
	{ PM_HTML_ONLY, "HTML_ONLY" }, { PM_CHARSET_GUESSED, "CHARSET_GUESSED" },
	{ PM_TRUNCATED, "TRUNCATED" }, { PM_DEFECTS, "DEFECTS" },
	{ PM_RELAYED, "RELAYED" },
};

static char *
fmt_flags(unsigned f)
{
	struct buf b = BUF_INIT(1000);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (f & flag_names[i].bit)
			buf_addf(&b, "%s%s", b.len ? " " : "",
			    flag_names[i].name);
	if (!b.len)
		buf_addstr(&b, "-");
	return buf_detach(&b, NULL);
}

/* \n and \t escapes of an .expect value. */
static char *
unescape(const char *s)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);

	for (; *s; s++) {
		if (*s == '\\' && s[1] == 'n') {
			buf_addch(&b, '\n');
			s++;
		} else if (*s == '\\' && s[1] == 't') {
			buf_addch(&b, '\t');
			s++;
		} else if (*s == '\\' && s[1] == '\\') {
			buf_addch(&b, '\\');
			s++;
		} else {
			buf_addch(&b, *s);
		}
	}
	return buf_detach(&b, NULL);
}

static int
check_str(const char *file, const char *key, const char *got,
    const char *want)
{
	if (!strcmp(got, want))
		return 0;
	print_error("%s: %s:\n   got: '%s'\n  want: '%s'\n", file, key, got,
	    want);
	return 1;
}

/* Checks pm against one expect file; returns the number of mismatches. */
static int
check_expect(const char *name, const char *path, int rc,
    const struct err *e, const struct parsed_msg *pm)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	char *line, *save = NULL, *val, *got;
	size_t natt = 0;
	int bad = 0;
	char tmp[64];

	if (buf_read_file(&b, path)) {
		print_error("%s: cannot read\n", path);
		return 1;
	}
	for (line = strtok_r(b.data, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char *colon = strstr(line, ": ");
		const char *key = line;

		if (line[0] == '#' || !colon)
			continue;
		*colon = '\0';
		val = unescape(colon + 2);
		got = NULL;
		if (!strcmp(key, "error")) {
			if (rc != -1 || !strstr(e->msg, val)) {
				print_error("%s: error: got rc %d '%s', want "
				    "'%s'\n", name, rc, e->msg, val);
				bad++;
			}
			free(val);
			continue;
		}
		if (rc) {
			print_error("%s: parse failed: %s\n", name, e->msg);
			free(val);
			bad++;
			break;
		}
		if (!strcmp(key, "from"))
			got = fmt_address(&pm->from);
		else if (!strcmp(key, "envelope_from"))
			got = fmt_address(&pm->envelope_from);
		else if (!strcmp(key, "reply_to"))
			got = fmt_address(&pm->reply_to);
		else if (!strcmp(key, "to"))
			got = fmt_list(pm->to, pm->nto);
		else if (!strcmp(key, "cc"))
			got = fmt_list(pm->cc, pm->ncc);
		else if (!strcmp(key, "subject"))
			got = xstrdup(nz(pm->subject));
		else if (!strcmp(key, "date")) {
			snprintf(tmp, sizeof(tmp), "%lld",
			    (long long)pm->date);
			got = xstrdup(tmp);
		} else if (!strcmp(key, "message_id"))
			got = xstrdup(nz(pm->message_id));
		else if (!strcmp(key, "in_reply_to"))
			got = xstrdup(nz(pm->in_reply_to));
		else if (!strcmp(key, "references")) {
			struct buf r = BUF_INIT(BUF_CAP_TEXT);
			size_t i;

			for (i = 0; i < pm->references.n; i++)
				buf_addf(&r, "%s%s", i ? " " : "",
				    pm->references.v[i]);
			got = buf_detach(&r, NULL);
		} else if (!strcmp(key, "charset"))
			got = xstrdup(nz(pm->charset));
		else if (!strcmp(key, "charset_used"))
			got = xstrdup(nz(pm->charset_used));
		else if (!strcmp(key, "forward_subject"))
			got = xstrdup(nz(pm->forward_subject));
		else if (!strcmp(key, "forward_note"))
			got = xstrdup(nz(pm->forward_note));
		else if (!strcmp(key, "text"))
			got = xstrdup(pm->text);
		else if (!strcmp(key, "html"))
			got = xstrdup(pm->html ? "yes" : "no");
		else if (!strcmp(key, "flags"))
			got = fmt_flags(pm->flags);
		else if (!strcmp(key, "att")) {
			if (natt < pm->natt) {
				got = xasprintf("%s | %s | %zu",
				    nz(pm->att[natt].filename),
				    pm->att[natt].content_type,
				    pm->att[natt].size);
			} else {
				got = xstrdup("(none)");
			}
			natt++;
		} else if (!strncmp(key, "header:", 7))
			got = xstrdup(nz(parsed_header(pm, key + 7)));
		if (got) {
			bad += check_str(name, key, got, val);
		} else if (!strcmp(key, "text_has") || !strcmp(key,
		    "text_lacks") || !strcmp(key, "note_has")) {
			const char *hay = key[0] == 'n' ? nz(pm->forward_note) :
			    pm->text;
			int has = strstr(hay, val) != NULL;

			if (has != (strcmp(key, "text_lacks") != 0)) {
				print_error("%s: %s '%s' in:\n%s\n", name, key,
				    val, hay);
				bad++;
			}
		} else {
			print_error("%s: unknown key '%s'\n", name, key);
			bad++;
		}
		free(got);
		free(val);
	}
	if (!rc && natt && natt != pm->natt) {
		print_error("%s: %zu attachments, %zu expected\n", name,
		    pm->natt, natt);
		bad++;
	}
	buf_release(&b);
	return bad;
}

/* Every string valid UTF-8 without NUL: the contract of parse.h. */
static void
assert_clean(const char *name, const struct parsed_msg *pm)
{
	const char *s[12];
	size_t i, n = 0;

	s[n++] = pm->from.name;
	s[n++] = pm->from.addr;
	s[n++] = pm->subject;
	s[n++] = pm->date_raw;
	s[n++] = pm->message_id;
	s[n++] = pm->html;
	s[n++] = pm->forward_note;
	s[n++] = pm->forward_subject;
	s[n++] = pm->charset_used;
	for (i = 0; i < n; i++)
		if (s[i] && !charset_utf8_valid_str(s[i]))
			fail_msg("%s: invalid UTF-8 in field %zu", name, i);
	if (!charset_utf8_valid_str(pm->text) || strchr(pm->text, '\r') ||
	    strlen(pm->text) != pm->text_len)
		fail_msg("%s: text is not clean UTF-8", name);
	for (i = 0; i < pm->nheaders; i++)
		if (!charset_utf8_valid_str(pm->headers[i].value))
			fail_msg("%s: header %s not UTF-8", name,
			    pm->headers[i].name);
	for (i = 0; i < pm->natt; i++)
		if (pm->att[i].filename &&
		    !charset_utf8_valid_str(pm->att[i].filename))
			fail_msg("%s: attachment name not UTF-8", name);
}

static int
parse_file(const char *path, struct parsed_msg *pm, struct err *e)
{
	struct buf b = BUF_INIT(BUF_CAP_HUGE);
	int rc;

	if (buf_read_file(&b, path))
		fail_msg("cannot read %s", path);
	rc = parse_message(b.data, b.len, NULL, pm, e);
	buf_release(&b);
	return rc;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void
test_fixtures(void **state)
{
	struct dirent **ents;
	char dir[4096], eml[4400], expect[4400];
	int i, n, bad = 0, count = 0;

	(void)state;
	xstrlcpy(dir, unit_path("tests/data/parse"), sizeof(dir));
	n = scandir(dir, &ents, NULL, by_name);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		const char *d = ents[i]->d_name;
		size_t l = strlen(d);
		struct parsed_msg pm;
		struct err e = ERR_INIT;
		int rc;

		if (l > 4 && !strcmp(d + l - 4, ".eml")) {
			snprintf(eml, sizeof(eml), "%s/%s", dir, d);
			snprintf(expect, sizeof(expect), "%s/%.*s.expect", dir,
			    (int)(l - 4), d);
			rc = parse_file(eml, &pm, &e);
			if (!rc)
				assert_clean(d, &pm);
			bad += check_expect(d, expect, rc, &e, &pm);
			parsed_msg_release(&pm);
			count++;
		}
		free(ents[i]);
	}
	free(ents);
	print_message("# figure: parse fixtures: %d/%d agree\n", count - bad,
	    count);
	assert_true(count >= 30);
	assert_int_equal(bad, 0);
}

/* ---- The shared corpora ---------------------------------------------- */

static char *
collapse(const char *s)
{
	struct buf b = BUF_INIT(BUF_CAP_HUGE);
	int space = 0;

	for (; s && *s; s++) {
		if (strchr(" \t\r\n", *s)) {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_addch(&b, ' ');
		space = 0;
		buf_addch(&b, *s);
	}
	return buf_detach(&b, NULL);
}

static int
corpus_missing(const char *rel)
{
	if (access(unit_path(rel), R_OK) == 0)
		return 0;
	print_message("# SKIP %s is missing (../shared/corpus)\n", rel);
	return 1;
}

static void
test_mime_corpus(void **state)
{
	json_t *rec;
	json_error_t jerr;
	FILE *f;
	char line[65536], path[4200];
	int total = 0, parsed = 0, nfrom = 0, from_ok = 0, nsubj = 0;
	int name_ok = 0;
	int subj_ok = 0, ntext = 0, text_ok = 0, start_ok = 0;

	(void)state;
	if (corpus_missing("../shared/corpus/mime/index.jsonl")) {
		skip();
		return;
	}
	f = fopen(unit_path("../shared/corpus/mime/index.jsonl"), "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		const char *file, *from, *subj, *start;
		struct parsed_msg pm;
		struct err e = ERR_INIT;

		rec = json_loads(line, 0, &jerr);
		assert_non_null(rec);
		file = json_string_value(json_object_get(rec, "file"));
		from = json_string_value(json_object_get(rec, "from"));
		subj = json_string_value(json_object_get(rec, "subject"));
		start = json_string_value(json_object_get(rec,
		    "text_body_start"));
		snprintf(path, sizeof(path), "%s/%s",
		    unit_path("../shared/corpus/mime"), file);
		total++;
		if (parse_file(path, &pm, &e)) {
			print_error("%s: %s\n", file, e.msg);
		} else {
			parsed++;
			assert_clean(file, &pm);
		}
		if (from) {
			struct mime_address *v;
			size_t n = mime_parse_addresses(from, NULL, &v);
			int ok = n && ((!v[0].addr && !pm.envelope_from.addr) ||
			    (v[0].addr && pm.envelope_from.addr &&
			    !strcasecmp(v[0].addr, pm.envelope_from.addr)));
			char *a = collapse(n ? v[0].name : NULL);
			char *b = collapse(pm.envelope_from.name);

			nfrom++;
			from_ok += ok;
			/*
			 * "a@b (Name)": Python drops the comment, we keep it
			 * as the name; the names agree where Python has one.
			 */
			name_ok += ok && (!strcmp(a, b) || !*a);
			if (!ok || (strcmp(a, b) && *a))
				print_error("%s: From '%s' read as '%s' <%s>\n",
				    file, from, b, nz(pm.envelope_from.addr));
			free(a);
			free(b);
			mime_addresses_free(v, n);
		}
		if (subj) {
			char *a = collapse(subj), *b = collapse(pm.subject);

			nsubj++;
			if (!strcmp(a, b))
				subj_ok++;
			else
				print_error("%s: Subject '%s' read as '%s'\n",
				    file, a, b);
			free(a);
			free(b);
		}
		if (json_is_true(json_object_get(rec, "has_text_body"))) {
			char *a = collapse(start), *b = collapse(pm.text);

			ntext++;
			if (*b)
				text_ok++;
			else
				print_error("%s: no text found\n", file);
			if (!strncmp(a, b, strlen(a)))
				start_ok++;
			else
				print_error("%s: text starts '%.40s', Python "
				    "'%.40s'\n", file, b, a);
			free(a);
			free(b);
		}
		parsed_msg_release(&pm);
		json_decref(rec);
	}
	fclose(f);
	print_message("# figure: MIME corpus: %d/%d parsed; From %d/%d (names "
	    "agree %d/%d), Subject %d/%d, text found %d/%d (same start as Python "
	    "%d/%d)\n", parsed, total, from_ok, nfrom, name_ok, nfrom, subj_ok,
	    nsubj, text_ok, ntext, start_ok, ntext);
	assert_int_equal(parsed, total);
	assert_int_equal(from_ok, nfrom);
	assert_int_equal(subj_ok, nsubj);
	assert_int_equal(text_ok, ntext);
}

/* Line ends LF, blanks at line ends and blank lines at the end gone. */
static char *
norm_body(const char *s)
{
	struct buf b = BUF_INIT(BUF_CAP_HUGE);

	for (; *s; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n') {
			while (b.len && (b.data[b.len - 1] == ' ' ||
			    b.data[b.len - 1] == '\t'))
				buf_setlen(&b, b.len - 1);
		}
		buf_addch(&b, *s);
	}
	buf_rtrim(&b);
	return buf_detach(&b, NULL);
}

static void
test_inquiry_corpus(void **state)
{
	FILE *f;
	char line[262144], path[4200];
	json_t *rec;
	json_error_t jerr;
	int total = 0, same = 0, from_ok = 0;

	(void)state;
	if (corpus_missing("../shared/corpus/inquiries/inquiries.jsonl")) {
		skip();
		return;
	}
	f = fopen(unit_path("../shared/corpus/inquiries/inquiries.jsonl"),
	    "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		json_t *eml;
		const char *file, *body, *fromh;
		struct parsed_msg pm;
		struct err e = ERR_INIT;
		char *a, *b;

		rec = json_loads(line, 0, &jerr);
		assert_non_null(rec);
		eml = json_object_get(rec, "eml");
		file = json_string_value(json_object_get(eml, "file"));
		fromh = json_string_value(json_object_get(eml, "from_header"));
		body = json_string_value(json_object_get(rec, "body"));
		snprintf(path, sizeof(path), "%s/%s",
		    unit_path("../shared/corpus/inquiries"), file);
		total++;
		if (parse_file(path, &pm, &e))
			fail_msg("%s: %s", file, e.msg);
		assert_clean(file, &pm);
		a = norm_body(body);
		b = norm_body(pm.text);
		if (!strcmp(a, b)) {
			same++;
		} else {
			size_t i = 0;

			while (a[i] && a[i] == b[i])
				i++;
			print_error("%s (%s): text differs at byte %zu:\n"
			    "   got: '%.60s'\n  want: '%.60s'\n", file,
			    nz(pm.charset_used), i, b + i, a + i);
		}
		{
			struct mime_address *v;
			size_t n = mime_parse_addresses(fromh, NULL, &v);

			if (n && v[0].addr && pm.from.addr &&
			    !strcmp(v[0].addr, pm.from.addr))
				from_ok++;
			else
				print_error("%s: From '%s' read as <%s>\n",
				    file, fromh, nz(pm.from.addr));
			mime_addresses_free(v, n);
		}
		free(a);
		free(b);
		parsed_msg_release(&pm);
		json_decref(rec);
	}
	fclose(f);
	print_message("# figure: inquiry corpus: decoded text equals the "
	    "body in %d/%d, sender %d/%d\n", same, total, from_ok, total);
	assert_int_equal(same, total);
	assert_int_equal(from_ok, total);
}

/*
 * The inputs the fuzzer once crashed on (tests/data/fuzz-mime), replayed
 * with the fuzz target's limits: parsed or refused, and clean.
 */
static void
test_fuzz_crashes(void **state)
{
	struct dirent **ents;
	char dir[4096], path[4400];
	int i, n, count = 0;

	(void)state;
	xstrlcpy(dir, unit_path("tests/data/fuzz-mime"), sizeof(dir));
	n = scandir(dir, &ents, NULL, by_name);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		struct parse_limits lim = PARSE_LIMITS_INIT;
		struct buf b = BUF_INIT(BUF_CAP_HUGE);
		struct parsed_msg pm;
		struct err e = ERR_INIT;

		if (ents[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
			    ents[i]->d_name);
			assert_int_equal(buf_read_file(&b, path), 0);
			lim.max_parts = 200;
			lim.max_depth = 12;
			lim.max_text = 64 * 1024;
			lim.max_header = 4096;
			if (!parse_message(b.data, b.len, &lim, &pm, &e))
				assert_clean(ents[i]->d_name, &pm);
			else
				assert_int_equal(e.kind, ERR_PERM);
			parsed_msg_release(&pm);
			buf_release(&b);
			count++;
		}
		free(ents[i]);
	}
	free(ents);
	assert_true(count > 0);
}

/* ---- Hostile messages ---------------------------------------------- */

typedef void (*gen_fn)(struct buf *b);

static void
gen_many_parts(struct buf *b)
{
	size_t i;

	buf_addstr(b, "From: a@example.com\r\nContent-Type: multipart/mixed;"
	    " boundary=x\r\n\r\n");
	for (i = 0; i < 10000; i++)
		buf_addstr(b, "--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n");
	buf_addstr(b, "--x--\r\n");
}

static void
gen_deep_multipart(struct buf *b)
{
	size_t i;

	buf_addstr(b, "From: a@example.com\r\n");
	for (i = 0; i < 1000; i++)
		buf_addf(b, "Content-Type: multipart/mixed; boundary=b%zu\r\n"
		    "\r\n--b%zu\r\n", i, i);
	buf_addstr(b, "Content-Type: text/plain\r\n\r\ndeep\r\n");
}

static void
gen_deep_rfc822(struct buf *b)
{
	size_t i;

	for (i = 0; i < 1000; i++)
		buf_addstr(b, "From: a@example.com\r\nContent-Type: "
		    "message/rfc822\r\n\r\n");
	buf_addstr(b, "Subject: inner\r\n\r\ntext\r\n");
}

/*
 * libetpan takes a first delimiter after a lone CR: 100,000 levels so
 * nested would overflow its stack if the pre-scan did not count them.
 */
static void
gen_deep_lone_cr(struct buf *b)
{
	size_t i;

	buf_addstr(b, "From: a@example.com\r\n");
	for (i = 0; i < 100000; i++)
		buf_addf(b, "Content-Type: multipart/mixed; boundary=b%zu\r\n"
		    "\r\nx\r--b%zu\r\n", i, i);
	buf_addstr(b, "Content-Type: text/plain\r\n\r\ndeep\r\n");
}

/* Nesting under the bound that libetpan is let parse, over 20 MB. */
static void
gen_deep_and_big(struct buf *b)
{
	size_t i;

	buf_addstr(b, "From: a@example.com\r\n");
	for (i = 0; i < 40; i++)
		buf_addf(b, "Content-Type: multipart/mixed; boundary=b%zu\r\n"
		    "\r\n--b%zu\r\n", i, i);
	buf_addstr(b, "Content-Type: text/plain\r\n\r\n");
	for (i = 0; i < (20u << 20) / 64; i++)
		buf_addstr(b, "We need 500 pcs of speakers, FOB Shenzhen, by May "
		    "2025, thanks\r\n");
}

static void
gen_huge_header(struct buf *b)
{
	size_t i;

	buf_addstr(b, "From: a@example.com\r\nSubject: ");
	for (i = 0; i < (1u << 20) / 8; i++)
		buf_addstr(b, "=?x?Q?a ");
	buf_addstr(b, "\r\nTo: ");
	for (i = 0; i < 100000; i++)
		buf_addstr(b, "a@b, ");
	buf_addstr(b, "\r\nDate: ");
	for (i = 0; i < 100000; i++)
		buf_addstr(b, "Mon ");
	buf_addstr(b, "\r\n");
	for (i = 0; i < 100000; i++)
		buf_addstr(b, "X-Many: field\r\n");
	buf_addstr(b, "\r\nbody\r\n");
}

static void
gen_nul_and_garbage(struct buf *b)
{
	size_t i;
	unsigned seed = 7;

	buf_addstr(b, "From: \xff\xfe <a@example.com>\r\nSubject: \x00\x01"
	    "\xc0\xaf\r\nContent-Type: text/plain; charset=\"\xff\"\r\n\r\n");
	for (i = 0; i < 1u << 20; i++) {
		unit_rand(&seed);
		buf_addch(b, (char)(seed >> 16));
	}
}

static void
gen_endless_base64(struct buf *b)
{
	size_t i;

	buf_addstr(b, "From: a@example.com\r\nContent-Type: multipart/mixed; "
	    "boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n");
	for (i = 0; i < (20u << 20) / 77; i++)
		buf_addstr(b, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w"
		    "cXJzdHV2d3h5ejAxMjM0\r\n");
}

static void
gen_html_bomb(struct buf *b)
{
	size_t i;

	buf_addstr(b, "From: a@example.com\r\nContent-Type: text/html\r\n\r\n");
	for (i = 0; i < 200000; i++)
		buf_addstr(b, "<div><table><tr><td>x");
}

static void
gen_one_long_line(struct buf *b)
{
	size_t i;

	buf_addstr(b, "From: a@example.com\r\nContent-Type: multipart/mixed; "
	    "boundary=\"");
	for (i = 0; i < 100000; i++)
		buf_addch(b, 'b');
	buf_addstr(b, "\"\r\n\r\n");
	for (i = 0; i < (8u << 20); i++)
		buf_addch(b, i % 7 ? '-' : '=');
}

static void
test_hostile(void **state)
{
	static const struct {
		const char *name;
		gen_fn gen;
		const char *error;	/* expected ERR_PERM, or NULL */
		unsigned flags;		/* expected among the flags */
	} cases[] = {
		{ "10,000 parts", gen_many_parts, "max_parts", 0 },
		{ "multipart nested 1,000 deep", gen_deep_multipart,
		    "max_depth", 0 },
		{ "message/rfc822 nested 1,000 deep", gen_deep_rfc822,
		    "max_depth", 0 },
		{ "multipart nested 40 deep over 20 MB", gen_deep_and_big,
		    "max_depth", 0 },
		{ "100,000 levels behind lone CRs", gen_deep_lone_cr, "max_",
		    0 },
		{ "1 MB header lines", gen_huge_header, NULL, PM_DEFECTS },
		{ "NUL bytes and garbage", gen_nul_and_garbage, NULL, 0 },
		{ "base64 that never ends", gen_endless_base64, NULL,
		    PM_TRUNCATED },
		{ "HTML bomb", gen_html_bomb, NULL, PM_HTML_ONLY },
		{ "one 8 MB line", gen_one_long_line, NULL, PM_DEFECTS },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT(BUF_CAP_HUGE);
		struct parsed_msg pm;
		struct err e = ERR_INIT;
		uint64_t t0;
		int rc;

		cases[i].gen(&b);
		t0 = now_ms();
		rc = parse_message(b.data, b.len, NULL, &pm, &e);
		print_message("# %s: %zu bytes in %llu ms: %s\n", cases[i].name,
		    b.len, (unsigned long long)(now_ms() - t0),
		    rc ? e.msg : "parsed");
		if (cases[i].error) {
			assert_int_equal(rc, -1);
			assert_int_equal(e.kind, ERR_PERM);
			assert_non_null(strstr(e.msg, cases[i].error));
		} else {
			if (rc)
				fail_msg("%s: %s", cases[i].name, e.msg);
			assert_clean(cases[i].name, &pm);
			assert_true(pm.text_len <= (1u << 20));
			assert_true((pm.flags & cases[i].flags) ==
			    cases[i].flags);
		}
		if (now_ms() - t0 > 20000)
			fail_msg("%s took %llu ms", cases[i].name,
			    (unsigned long long)(now_ms() - t0));
		parsed_msg_release(&pm);
		buf_release(&b);
	}
}

/*
 * Every top-level field is kept, in order, decoded: a few (on the
 * stack while copied) and many (more than copy_headers holds there).
 */
static void
test_many_headers(void **state)
{
	struct buf msg = BUF_INIT(BUF_CAP_HUGE);
	struct parsed_msg pm;
	struct err e = ERR_INIT;
	char name[32], want[64];
	size_t nf, i;

	(void)state;
	for (nf = 1; nf <= 70; nf += 23) {
		buf_reset(&msg);
		for (i = 0; i < nf; i++)
			buf_addf(&msg, i % 5 ? "X-F%zu:  value %zu \r\n" :
			    "X-F%zu: =?utf-8?q?caf=C3=A9_%zu?=\r\n", i, i);
		buf_addstr(&msg, "\r\nbody\r\n");
		assert_int_equal(parse_message(msg.data, msg.len, NULL, &pm,
		    &e), 0);
		assert_int_equal(pm.nheaders, nf);
		for (i = 0; i < nf; i++) {
			snprintf(name, sizeof(name), "X-F%zu", i);
			snprintf(want, sizeof(want), i % 5 ? "value %zu" :
			    "caf\xc3\xa9 %zu", i);
			assert_string_equal(pm.headers[i].name, name);
			assert_string_equal(pm.headers[i].value, want);
		}
		parsed_msg_release(&pm);
	}
	buf_release(&msg);
}

/* The caps of struct parse_limits, each named in the error. */
static void
test_limits(void **state)
{
	static const char msg[] = "From: a@example.com\r\nSubject: "
	    "a rather long subject line\r\nContent-Type: multipart/mixed; "
	    "boundary=q\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\n"
	    "0123456789 0123456789 0123456789\r\n--q\r\nContent-Type: "
	    "message/rfc822\r\n\r\nSubject: in\r\n\r\nx\r\n--q--\r\n";
	struct parse_limits lim = PARSE_LIMITS_INIT;
	struct parsed_msg pm;
	struct err e = ERR_INIT;

	(void)state;
	lim.max_size = 100;
	assert_int_equal(parse_message(msg, strlen(msg), &lim, &pm, &e), -1);
	assert_non_null(strstr(e.msg, "max_size"));
	parsed_msg_release(&pm);

	lim = (struct parse_limits)PARSE_LIMITS_INIT;
	lim.max_parts = 3;
	err_clear(&e);
	assert_int_equal(parse_message(msg, strlen(msg), &lim, &pm, &e), -1);
	assert_non_null(strstr(e.msg, "max_parts"));
	parsed_msg_release(&pm);

	lim = (struct parse_limits)PARSE_LIMITS_INIT;
	lim.max_depth = 1;
	err_clear(&e);
	assert_int_equal(parse_message(msg, strlen(msg), &lim, &pm, &e), -1);
	assert_non_null(strstr(e.msg, "max_depth"));
	parsed_msg_release(&pm);

	lim = (struct parse_limits)PARSE_LIMITS_INIT;
	lim.max_text = 15;
	err_clear(&e);
	assert_int_equal(parse_message(msg, strlen(msg), &lim, &pm, &e), 0);
	assert_string_equal(pm.text, "0123456789 0123");
	assert_true(pm.flags & PM_TRUNCATED);
	parsed_msg_release(&pm);

	lim = (struct parse_limits)PARSE_LIMITS_INIT;
	lim.max_header = 20;
	assert_int_equal(parse_message(msg, strlen(msg), &lim, &pm, &e), 0);
	assert_string_equal(pm.subject, "a rather long subje");
	assert_true(pm.flags & PM_DEFECTS);
	parsed_msg_release(&pm);
}

/* The same message fetched twice, or with other line ends, hashes the
 * same; another text does not. */
static void
test_body_hash(void **state)
{
	static const char *same[] = {
		"From: a@x\r\n\r\nHello  world\r\nline two\r\n",
		"From: a@x\n\nHello world\nline two\n\n\n",
		"From: a@x\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		    "SGVsbG8gd29ybGQNCmxpbmUgdHdvDQo=\r\n",
	};
	struct parsed_msg pm;
	struct err e = ERR_INIT;
	char first[65];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(same); i++) {
		assert_int_equal(parse_message(same[i], strlen(same[i]), NULL,
		    &pm, &e), 0);
		assert_int_equal(strlen(pm.body_hash), 64);
		if (!i)
			xstrlcpy(first, pm.body_hash, sizeof(first));
		else
			assert_string_equal(first, pm.body_hash);
		parsed_msg_release(&pm);
	}
	assert_int_equal(parse_message("\n\nHello world!", 15, NULL, &pm,
	    &e), 0);
	assert_string_not_equal(first, pm.body_hash);
	parsed_msg_release(&pm);
}

/* The text normalised byte by byte, as parse.c did before it read 8
 * bytes at a time: CRLF and CR to LF, FF and VT to LF, other controls but
 * tab and LF dropped, the end trimmed, blank lines at the start too. */
static char *
ref_normalise(const char *s, size_t n)
{
	struct buf b = BUF_INIT(BUF_CAP_HUGE);
	const char *line;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;
		if (c == '\r' || c == '\f' || c == '\v')
			c = '\n';
		else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			continue;
		buf_addch(&b, c);
	}
	buf_rtrim(&b);
	for (line = b.data, i = 0; i < b.len; i++) {
		if (b.data[i] == '\n')
			line = b.data + i + 1;
		else if (b.data[i] != ' ' && b.data[i] != '\t')
			break;
	}
	if (i == b.len)
		line = b.data + b.len;
	line = xstrdup(line);
	buf_release(&b);
	return (char *)line;
}

/* The body hash byte by byte: blank runs as one space, ends trimmed. */
static void
ref_hash(const char *t, char hex[65])
{
	struct buf b = BUF_INIT(BUF_CAP_HUGE);
	int space = 0;

	for (; *t; t++) {
		if (strchr(" \t\n\r", *t)) {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_addch(&b, ' ');
		space = 0;
		buf_addch(&b, *t);
	}
	hash_sha256_hex(b.data ? b.data : "", b.len, hex);
	buf_release(&b);
}

/*
 * Random ASCII bodies of blanks, controls and words of every length
 * about the 8-byte steps: the text and its hash are those of the byte-
 * by-byte references above.
 */
static void
test_text_passes(void **state)
{
	static const char *const bits[] = { "a", "word", "eightchr",
	    "a-longer-word!", " ", "  ", "\t", "\n", "\r\n", "\r", "\f",
	    "\v", "\x01", "\x7f", " \t ", "\n\n\n", "~", " x", "x " };
	struct parsed_msg pm;
	struct err e = ERR_INIT;
	struct buf msg = BUF_INIT(BUF_CAP_HUGE);
	char hex[65], *want, longword[700];
	unsigned seed = 12345;
	size_t round, k, n, head;

	(void)state;
	for (k = 0; k < sizeof(longword) - 1; k++)
		longword[k] = (char)('a' + k % 26);
	longword[k] = '\0';
	for (round = 0; round < 400; round++) {
		buf_reset(&msg);
		buf_addstr(&msg, "From: a@x\nSubject: s\n\n");
		head = msg.len;
		/* Some bodies past body_hash's 512-byte buffer, some words
		 * longer than it. */
		n = round % 3 == 0 ? (round * 13) % 400 : (round * 7) % 60;
		for (k = 0; k < n; k++) {
			unit_rand(&seed);
			if ((seed >> 16) % 50 == 0)
				buf_addstr(&msg, longword);
			else
				buf_addstr(&msg,
				    bits[(seed >> 16) % ARRAY_SIZE(bits)]);
		}
		assert_int_equal(parse_message(msg.data, msg.len, NULL, &pm,
		    &e), 0);
		want = ref_normalise(msg.data + head, msg.len - head);
		assert_string_equal(pm.text, want);
		ref_hash(pm.text, hex);
		assert_string_equal(pm.body_hash, hex);
		free(want);
		parsed_msg_release(&pm);
	}
	buf_release(&msg);
}

/*
 * A relay domain that only the rules' list "relay_domains" names: taken
 * as a relay when lim->rules is given, not otherwise.
 */
static void
test_relay_list(void **state)
{
	static const char msg[] = "From: Hub <noreply@mail.b2b-hub.example>"
	    "\r\nReply-To: Ana Ruiz <ana@ruiz.example>\r\nSubject: New "
	    "inquiry\r\n\r\nWe need 200 lamps.\r\n";
	char dir[] = "/tmp/inquiryd-relay-XXXXXX";
	struct parse_limits lim = PARSE_LIMITS_INIT;
	struct strlist errors = STRLIST_INIT;
	struct ruleset *rs = NULL;
	struct parsed_msg pm;
	struct err e = ERR_INIT;

	(void)state;
	assert_non_null(mkdtemp(dir));
	unit_write(dir, "r.rules", "list relay_domains relays.list\n");
	unit_write(dir, "relays.list", "# test\nb2b-hub.example\n");
	assert_int_equal(ruleset_load(&rs, dir, &errors), 0);

	assert_int_equal(parse_message(msg, strlen(msg), &lim, &pm, &e), 0);
	assert_false(pm.flags & PM_RELAYED);
	assert_string_equal(pm.from.addr, "noreply@mail.b2b-hub.example");
	parsed_msg_release(&pm);

	lim.rules = rs;
	assert_int_equal(parse_message(msg, strlen(msg), &lim, &pm, &e), 0);
	assert_true(pm.flags & PM_RELAYED);
	assert_true(pm.flags & PM_FORWARDED);
	assert_string_equal(pm.from.addr, "ana@ruiz.example");
	assert_string_equal(pm.from.name, "Ana Ruiz");
	assert_string_equal(pm.envelope_from.addr,
	    "noreply@mail.b2b-hub.example");
	parsed_msg_release(&pm);

	ruleset_free(rs);
	strlist_release(&errors);
	unit_rmdir(dir);
}

/* ct_param's old reading, byte by byte: whether format is flowed. */
static int
ref_flowed(const char *ct)
{
	const char *at, *q;

	for (at = ct; *at; at++) {
		if (strncasecmp(at, "format", 6))
			continue;
		q = at + 6;
		while (*q == ' ')
			q++;
		if ((at == ct || at[-1] == ';' || at[-1] == ' ' ||
		    at[-1] == '\t') && *q == '=') {
			q++;
			while (*q == ' ' || *q == '"')
				q++;
			return !strncasecmp(q, "flowed", 6) &&
			    (!q[6] || strchr("\"; \t", q[6]));
		}
	}
	return 0;
}

/*
 * Random Content-Type parameters: the body is read as flowed exactly
 * when the byte-by-byte reading finds format=flowed.
 */
static void
test_ct_param(void **state)
{
	static const char *const bits[] = { ";", " ", "\t", "; ", "=", "\"",
	    "format", "FORMAT", "Format =", "xformat=flowed", "format=fixed",
	    "format=flowed", "format = \"Flowed\"", "charset=utf-8", "f",
	    "delsp=no", "name=\"a;format=flowed\"", "flowed", "=flowed" };
	struct parsed_msg pm;
	struct err e = ERR_INIT;
	struct buf msg = BUF_INIT(BUF_CAP_HUGE), ct = BUF_INIT(BUF_CAP_HUGE);
	char *flowed, *fixed;
	unsigned seed = 2646;
	size_t round, k;
	int nflowed = 0;

	(void)state;
	flowed = fixed = NULL;
	for (round = 0; round < 600 + 2; round++) {
		buf_reset(&ct);
		if (round == 0)
			buf_addstr(&ct, "; format=flowed");
		else if (round > 1)
			for (k = 0; k < round % 12; k++) {
				unit_rand(&seed);
				buf_addstr(&ct,
				    bits[(seed >> 16) % ARRAY_SIZE(bits)]);
			}
		buf_reset(&msg);
		buf_addf(&msg, "From: a@x\nContent-Type: text/plain;%s\n\n"
		    "one \ntwo\n", ct.data);
		assert_int_equal(parse_message(msg.data, msg.len, NULL, &pm,
		    &e), 0);
		if (round == 0)
			flowed = xstrdup(pm.text);
		else if (round == 1)
			fixed = xstrdup(pm.text);
		else {
			assert_string_equal(pm.text,
			    ref_flowed(ct.data) ? flowed : fixed);
			nflowed += ref_flowed(ct.data);
		}
		parsed_msg_release(&pm);
	}
	assert_string_not_equal(flowed, fixed);
	assert_true(nflowed > 5);
	free(flowed);
	free(fixed);
	buf_release(&msg);
	buf_release(&ct);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_mime_corpus),
		cmocka_unit_test(test_inquiry_corpus),
		cmocka_unit_test(test_fuzz_crashes),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_many_headers),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_body_hash),
		cmocka_unit_test(test_ct_param),
		cmocka_unit_test(test_text_passes),
		cmocka_unit_test(test_relay_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
