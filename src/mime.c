/*
 * mime.c - MIME with libetpan: composing drafts, and (below) reading
 * messages into a capped part tree.
 *
 * Composing uses libetpan's builders (mailimf_fields, mailmime_new_*,
 * mailmime_write_mem) for the structure, the addresses, the dates, the
 * transfer encodings and the boundaries.  Two things libetpan's writer
 * does not do right, worked around here:
 *  - it never encodes: display names and unstructured values reach it
 *    already as RFC 2047 encoded-words (mime_encode_words), short enough
 *    that its folding (at blanks, near 72 columns) keeps lines under 78;
 *  - it writes every parameter as a quoted string, which makes an RFC 2231
 *    extended value (filename*=UTF-8''...) invalid.  Such parameters are
 *    written as a unique placeholder token and replaced in the output by
 *    the RFC 2231 form, continued over folded lines when long.
 */
#include <errno.h>
#include <libetpan/libetpan.h>
/* libetpan pulls in <sys/param.h>; util.h has its own. */
#undef MIN
#undef MAX

#include "charset.h"
#include "err.h"
#include "mime.h"

/* ---- Header value cleaning and encoding ------------------------------- */

/*
 * A header value as we will write it: valid UTF-8, controls (C0, DEL, C1,
 * U+2028/2029) replaced by spaces, blanks trimmed.  Owned.
 */
static char *
clean_value(const char *s)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	unsigned char *p;
	size_t i, j;

	if (!s)
		return xstrdup("");
	charset_utf8_sanitize(s, strlen(s), &b);
	p = (unsigned char *)b.data;
	for (i = j = 0; i < b.len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			p[j++] = ' ';
		} else if (p[i] == 0xc2 && i + 1 < b.len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f) {
			p[j++] = ' ';
			i++;
		} else if (p[i] == 0xe2 && i + 2 < b.len && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			p[j++] = ' ';
			i += 2;
		} else {
			p[j++] = p[i];
		}
	}
	buf_setlen(&b, j);
	return str_trim(buf_detach(&b, NULL));
}

static int
is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
b64_append(struct buf *b, const unsigned char *p, size_t n)
{
	size_t i;
	char q[4];

	for (i = 0; i + 2 < n; i += 3) {
		q[0] = b64chars[p[i] >> 2];
		q[1] = b64chars[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = b64chars[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		q[3] = b64chars[p[i + 2] & 63];
		buf_add(b, q, 4);
	}
	if (n - i == 1) {
		q[0] = b64chars[p[i] >> 2];
		q[1] = b64chars[(p[i] & 3) << 4];
		q[2] = q[3] = '=';
		buf_add(b, q, 4);
	} else if (n - i == 2) {
		q[0] = b64chars[p[i] >> 2];
		q[1] = b64chars[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		q[2] = b64chars[(p[i + 1] & 15) << 2];
		q[3] = '=';
		buf_add(b, q, 4);
	}
}

/* Bytes of UTF-8 s[0..n) that fit in max bytes, cut on a character. */
static size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max ? max : MIN(n, (size_t)1);
}

/*
 * Appends s[0..n) as B encoded-words separated by spaces.  The first word
 * takes at most first_room columns, the others a folded line each.
 */
#define EW_OVERHEAD 12		/* "=?UTF-8?B?" "?=" */
static void
encode_run(struct buf *b, const char *s, size_t n, size_t first_room)
{
	size_t room = first_room, raw, k;
	int first = 1;

	while (n > 0) {
		if (room < EW_OVERHEAD + 8)
			room = EW_OVERHEAD + 8;
		if (room > 75)
			room = 75;
		raw = (room - EW_OVERHEAD) / 4 * 3;
		k = utf8_cut(s, n, raw);
		if (!first)
			buf_addch(b, ' ');
		buf_addstr(b, "=?UTF-8?B?");
		b64_append(b, (const unsigned char *)s, k);
		buf_addstr(b, "?=");
		s += k;
		n -= k;
		first = 0;
		room = 74;	/* " =?...?=" on a folded line */
	}
}

/* A word that must be encoded: non-ASCII, looks encoded, or unfoldable. */
static int
word_needs_encoding(const char *w, size_t n)
{
	size_t i;

	if (n > 60 || !is_ascii(w, n))
		return 1;
	for (i = 0; i + 1 < n; i++)
		if (w[i] == '=' && w[i + 1] == '?')
			return 1;
	return 0;
}

char *
mime_encode_words(const char *utf8, size_t first_room)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	char *v = clean_value(utf8);
	const char *p = v, *w, *run_start, *run_end;
	size_t col = 0, room;

	while (*p) {
		if (*p == ' ') {
			buf_addch(&b, ' ');
			p++;
			col++;
			continue;
		}
		w = p;
		while (*p && *p != ' ')
			p++;
		if (!word_needs_encoding(w, (size_t)(p - w))) {
			buf_add(&b, w, (size_t)(p - w));
			col += (size_t)(p - w);
			continue;
		}
		/* Extend the run over following words that need it too. */
		run_start = w;
		run_end = p;
		for (;;) {
			const char *q = run_end, *w2;

			while (*q == ' ')
				q++;
			w2 = q;
			while (*q && *q != ' ')
				q++;
			if (q == w2 || !word_needs_encoding(w2,
			    (size_t)(q - w2)))
				break;
			run_end = q;
		}
		/*
		 * The first word of the value shares its line with the
		 * field name; later ones may start a folded line.
		 */
		room = col == 0 ? first_room : 74;
		encode_run(&b, run_start, (size_t)(run_end - run_start),
		    room);
		col += 100;
		p = run_end;
	}
	free(v);
	return buf_detach(&b, NULL);
}

/* RFC 5322 atext, the characters of an unquoted word. */
static int
atext_word(const char *w, size_t n)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)w[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("!#$%&'*+-/=?^_`{|}~",
		    c)))
			return 0;
	}
	return 1;
}

/*
 * A display name for libetpan, which quotes it when needed: ASCII as it
 * is; else one encoded-word when it fits, else plain atext words between
 * encoded runs (Python's reader puts a space between adjacent
 * encoded-words of a phrase, RFC 2047 readers do not: a run is split
 * only when longer than one encoded-word can hold).  NULL for blank.
 */
static char *
encode_phrase(const char *name, size_t first_room)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	char *v = clean_value(name);
	const char *p, *w, *run_start, *run_end, *q, *w2;

	if (!*v) {
		free(v);
		return NULL;
	}
	if (is_ascii(v, strlen(v)) && !strstr(v, "=?"))
		return v;
	if (strlen(v) <= 45) {
		encode_run(&b, v, strlen(v), 75);
		goto out;
	}
	p = v;
	while (*p) {
		if (*p == ' ') {
			buf_addch(&b, *p++);
			continue;
		}
		w = p;
		while (*p && *p != ' ')
			p++;
		if (atext_word(w, (size_t)(p - w))) {
			buf_add(&b, w, (size_t)(p - w));
			continue;
		}
		run_start = w;
		run_end = p;
		for (;;) {
			q = run_end;
			while (*q == ' ')
				q++;
			w2 = q;
			while (*q && *q != ' ')
				q++;
			if (q == w2 || atext_word(w2, (size_t)(q - w2)))
				break;
			run_end = q;
		}
		encode_run(&b, run_start, (size_t)(run_end - run_start),
		    b.len ? 74 : first_room);
		p = run_end;
	}
out:
	free(v);
	return buf_detach(&b, NULL);
}

/* ---- Validation ------------------------------------------------------ */

static int
addr_ok(const char *a)
{
	const char *at;
	const unsigned char *p;

	if (!a || !*a || strlen(a) > 254)
		return 0;
	at = strchr(a, '@');
	if (!at || at == a || !at[1] || strchr(at + 1, '@'))
		return 0;
	for (p = (const unsigned char *)a; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>()[],;:\"\\", *p))
			return 0;
	return 1;
}

static int
msgid_ok(const char *id)
{
	const unsigned char *p;

	if (!id || !*id || strlen(id) > 250)
		return 0;
	for (p = (const unsigned char *)id; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>()[],;:\"\\", *p))
			return 0;
	return 1;
}

static int
field_name_ok(const char *n)
{
	const unsigned char *p;

	if (!n || !*n || strlen(n) > 76)
		return 0;
	for (p = (const unsigned char *)n; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == ':')
			return 0;
	return 1;
}

/* "type/subtype" of RFC 2045 tokens, lowercased; NULL if not. */
static char *
clean_type(const char *t)
{
	const unsigned char *p;
	int slash = 0;

	if (!t || !*t || strlen(t) > 127)
		return NULL;
	for (p = (const unsigned char *)t; *p; p++) {
		if (*p == '/') {
			if (slash++ || p == (const unsigned char *)t || !p[1])
				return NULL;
			continue;
		}
		if (*p <= 0x20 || *p >= 0x7f || strchr("()<>@,;:\\\"[]?=", *p))
			return NULL;
	}
	return slash ? str_lower(xstrdup(t)) : NULL;
}

/* ---- RFC 2231 placeholders ------------------------------------------- */

struct placeholder {
	char token[40];		/* what libetpan writes, unquoted */
	char *param;		/* "filename" or "name" */
	char *value;		/* UTF-8 */
};

struct compose {
	struct placeholder *ph;
	size_t nph, aph;
	unsigned long nonce;
	struct strlist keep;	/* strings libetpan points to but not frees */
};

static int
attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c);
}

/* A parameter value we may leave to libetpan's quoted form. */
static int
plain_param(const char *v)
{
	const unsigned char *p;

	if (strlen(v) > 50)
		return 0;
	for (p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

static const char *
add_placeholder(struct compose *c, const char *param, const char *value)
{
	struct placeholder *ph;

	GROW(c->ph, c->nph + 1, c->aph);
	ph = &c->ph[c->nph++];
	snprintf(ph->token, sizeof(ph->token), "inqph%lx%zu", c->nonce,
	    c->nph);
	ph->param = xstrdup(param);
	ph->value = xstrdup(value);
	return ph->token;
}

/*
 * Writes param*=UTF-8''%XX... (RFC 2231) for value, each continuation on
 * its own folded line.
 */
static void
write_2231(struct buf *b, const char *param, const char *value)
{
	struct buf enc = BUF_INIT(BUF_CAP_TEXT);
	struct buf ch = BUF_INIT(64);
	const unsigned char *p;
	size_t seg = 0, chunk = 60 - strlen(param), k, j;

	for (p = (const unsigned char *)value; *p; p++) {
		if (attr_char(*p))
			buf_addch(&enc, *p);
		else
			buf_addf(&enc, "%%%02X", *p);
	}
	if (enc.len + strlen(param) + 10 <= 70) {
		buf_addf(b, "%s*=UTF-8''%s", param, enc.data);
		goto out;
	}
	/*
	 * Continued: readers decode each segment on its own, so a segment
	 * never ends inside a UTF-8 character.
	 */
	buf_reset(&enc);
	p = (const unsigned char *)value;
	while (*p) {
		k = 1;
		while (p[k] && (p[k] & 0xc0) == 0x80 && k < 4)
			k++;
		buf_reset(&ch);
		for (j = 0; j < k; j++) {
			if (attr_char(p[j]))
				buf_addch(&ch, p[j]);
			else
				buf_addf(&ch, "%%%02X", p[j]);
		}
		if (enc.len && enc.len + ch.len > chunk) {
			if (seg)
				buf_addstr(b, ";\r\n ");
			buf_addf(b, "%s*%zu*=%s%s", param, seg,
			    seg ? "" : "UTF-8''", enc.data);
			seg++;
			buf_reset(&enc);
		}
		buf_add(&enc, ch.data, ch.len);
		p += k;
	}
	if (enc.len) {
		if (seg)
			buf_addstr(b, ";\r\n ");
		buf_addf(b, "%s*%zu*=%s%s", param, seg, seg ? "" : "UTF-8''",
		    enc.data);
	}
out:
	buf_release(&ch);
	buf_release(&enc);
}

/*
 * Appends s[0..n) to out, folding lines longer than 78 columns at their
 * last blank before column 78.  Only header lines can be that long (the
 * bodies are quoted-printable or base64), and a header may be folded
 * before any blank that is not at the start of the line.
 */
static int
refold(const char *s, size_t n, struct buf *out)
{
	const char *p = s, *end = s + n, *eol, *cut, *q;
	int rc = 0;

	while (p < end && !rc) {
		eol = memchr(p, '\n', (size_t)(end - p));
		eol = eol ? eol + 1 : end;
		while (eol - p > 80) {	/* 78 + CRLF */
			cut = NULL;
			for (q = p + 1; q < p + 78; q++)
				if ((*q == ' ' || *q == '\t') && q[-1] != ' ')
					cut = q;
			if (!cut)
				break;
			rc |= buf_add(out, p, (size_t)(cut - p));
			rc |= buf_addstr(out, "\r\n");
			p = cut;
		}
		rc |= buf_add(out, p, (size_t)(eol - p));
		p = eol;
	}
	return rc ? -1 : 0;
}

/*
 * Copies libetpan's output to out, replacing each placeholder parameter
 * (param="token") by its RFC 2231 form.  Returns 0, or -1 when a token is
 * not found exactly once (the caller retries with another nonce) or out's
 * cap is passed (*capped set).
 */
static int
emit(struct compose *c, const char *s, size_t n, struct buf *out,
    int *capped)
{
	struct buf b = BUF_INIT(BUF_CAP_HUGE);
	const char *p = s, *end = s + n, *hit, *next;
	size_t i, start = out->len;
	int rc = -1;

	/* Each token must occur exactly once in the whole output. */
	for (i = 0; i < c->nph; i++) {
		size_t tl = strlen(c->ph[i].token);

		hit = memmem(s, n, c->ph[i].token, tl);
		if (!hit || memmem(hit + tl, (size_t)(end - hit - tl),
		    c->ph[i].token, tl))
			goto out;
	}
	while (p < end) {
		const struct placeholder *ph = NULL;
		const char *best = NULL;
		char quoted[64];

		for (i = 0; i < c->nph; i++) {
			snprintf(quoted, sizeof(quoted), "%s=\"%s\"",
			    c->ph[i].param, c->ph[i].token);
			hit = memmem(p, (size_t)(end - p), quoted,
			    strlen(quoted));
			if (hit && (!best || hit < best)) {
				best = hit;
				ph = &c->ph[i];
			}
		}
		if (!best) {
			buf_add(&b, p, (size_t)(end - p));
			break;
		}
		buf_add(&b, p, (size_t)(best - p));
		/* Start the parameter on a line of its own. */
		while (b.len && b.data[b.len - 1] == ' ')
			buf_setlen(&b, b.len - 1);
		if (b.len < 2 || memcmp(b.data + b.len - 2, "\r\n", 2))
			buf_addstr(&b, "\r\n");
		buf_addch(&b, ' ');
		write_2231(&b, ph->param, ph->value);
		snprintf(quoted, sizeof(quoted), "%s=\"%s\"", ph->param,
		    ph->token);
		next = best + strlen(quoted);
		p = next;
	}
	if (refold(b.data, b.len, out)) {
		buf_setlen(out, start);
		*capped = 1;
		goto out;
	}
	rc = 0;
out:
	buf_release(&b);
	return rc;
}

static void
compose_release(struct compose *c)
{
	size_t i;

	for (i = 0; i < c->nph; i++) {
		free(c->ph[i].param);
		free(c->ph[i].value);
	}
	free(c->ph);
	c->ph = NULL;
	c->nph = c->aph = 0;
	strlist_release(&c->keep);
}

/* ---- Building with libetpan ------------------------------------------ */

/* Text to LF-only, valid UTF-8, no NUL; CRLF if crlf. */
static char *
body_text(const char *text, int crlf, size_t *len)
{
	struct buf san = BUF_INIT(BUF_CAP_HUGE);
	struct buf b = BUF_INIT(BUF_CAP_HUGE);
	size_t i;

	charset_utf8_sanitize(text ? text : "", text ? strlen(text) : 0,
	    &san);
	for (i = 0; i < san.len; i++) {
		char ch = san.data[i];

		if (ch == '\r') {
			if (i + 1 < san.len && san.data[i + 1] == '\n')
				i++;
			ch = '\n';
		}
		if (ch == '\n' && crlf)
			buf_addch(&b, '\r');
		buf_addch(&b, ch);
	}
	if (b.len && b.data[b.len - 1] != '\n') {
		if (crlf)
			buf_addch(&b, '\r');
		buf_addch(&b, '\n');
	}
	buf_release(&san);
	return buf_detach(&b, len);
}

/*
 * Quoted-printable of LF-separated text, CRLF line ends, lines of at most
 * 76 columns.  (libetpan's own encoder doubles a space that ends a line.)
 * Also encoded: "From " and "." at the start of a line, for transports
 * that mangle them.
 */
static char *
qp_encode(const char *s, size_t n, size_t *outlen)
{
	struct buf b = BUF_INIT(BUF_CAP_HUGE);
	size_t i, col = 0, w;
	unsigned char c;
	int enc;
	char tok[4];

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '\n') {
			buf_addstr(&b, "\r\n");
			col = 0;
			continue;
		}
		enc = c == '=' || c >= 0x7f || (c < 0x20 && c != '\t');
		if ((c == ' ' || c == '\t') && (i + 1 == n || s[i + 1] == '\n'))
			enc = 1;
		if (col == 0 && (c == '.' || (c == 'F' && n - i >= 5 &&
		    !memcmp(s + i, "From ", 5))))
			enc = 1;
		w = enc ? 3 : 1;
		/* Room for the token and a soft break ("=") after it. */
		if (col + w > 75 && !(i + 1 == n || s[i + 1] == '\n')) {
			buf_addstr(&b, "=\r\n");
			col = 0;
			if (c == '.' || (c == 'F' && n - i >= 5 &&
			    !memcmp(s + i, "From ", 5)))
				enc = 1, w = 3;
		} else if (col + w > 76) {
			buf_addstr(&b, "=\r\n");
			col = 0;
		}
		if (enc) {
			snprintf(tok, sizeof(tok), "=%02X", c);
			buf_add(&b, tok, 3);
		} else {
			buf_addch(&b, (char)c);
		}
		col += w;
	}
	return buf_detach(&b, outlen);
}

static struct mailmime *
text_part(struct compose *c, const char *subtype, const char *text)
{
	struct mailmime_content *ct;
	struct mailmime_fields *f;
	struct mailmime *m;
	size_t i, len, high = 0;
	char *body, *qp;
	int b64;

	for (i = 0; text && text[i]; i++)
		if ((unsigned char)text[i] >= 0x80)
			high++;
	b64 = text && high * 3 > i;
	body = body_text(text, b64, &len);
	ct = mailmime_content_new_with_str(subtype);
	clist_append(ct->ct_parameters,
	    mailmime_param_new_with_data("charset", "utf-8"));
	if (b64) {
		strlist_push_owned(&c->keep, body);
		f = mailmime_fields_new_encoding(MAILMIME_MECHANISM_BASE64);
		m = mailmime_new_empty(ct, f);
		mailmime_set_body_text(m, body, len);
	} else {
		qp = qp_encode(body, len, &len);
		free(body);
		strlist_push_owned(&c->keep, qp);
		f = mailmime_fields_new_encoding(
		    MAILMIME_MECHANISM_QUOTED_PRINTABLE);
		m = mailmime_new_empty(ct, f);
		m->mm_data.mm_single = mailmime_data_new(MAILMIME_DATA_TEXT,
		    MAILMIME_MECHANISM_QUOTED_PRINTABLE, 1, qp, len, NULL);
	}
	return m;
}

static struct mailmime *
attachment_part(struct compose *c, const struct mime_attachment_in *a,
    size_t idx)
{
	struct mailmime_content *ct;
	struct mailmime_fields *f;
	struct mailmime *m;
	char *type = clean_type(a->content_type);
	char *name = clean_value(a->filename);
	char *fname;
	const char *tok;

	if (!*name) {
		free(name);
		name = xasprintf("attachment-%zu", idx + 1);
	}
	ct = mailmime_content_new_with_str(type ? type :
	    "application/octet-stream");
	free(type);
	if (plain_param(name)) {
		fname = strdup(name);
		clist_append(ct->ct_parameters,
		    mailmime_param_new_with_data("name", name));
	} else {
		tok = add_placeholder(c, "name", name);
		clist_append(ct->ct_parameters,
		    mailmime_param_new_with_data("name", (char *)tok));
		fname = strdup(add_placeholder(c, "filename", name));
	}
	f = mailmime_fields_new_filename(MAILMIME_DISPOSITION_TYPE_ATTACHMENT,
	    fname, MAILMIME_MECHANISM_BASE64);
	m = mailmime_new_empty(ct, f);
	mailmime_set_body_text(m, (char *)(a->data ? a->data : ""),
	    a->data ? a->len : 0);
	free(name);
	return m;
}

/*
 * The ids of "<a@x> <b@y>" (or of bare ids when there are no brackets)
 * that are plain msg-ids, as a clist of malloc'd strings for libetpan.
 */
static clist *
id_list(const char *ids)
{
	clist *l = clist_new();
	const char *p = ids, *q;
	char *id;
	int brackets = ids && strchr(ids, '<');

	while (p && *p && clist_count(l) < 100) {
		if (brackets) {
			p = strchr(p, '<');
			if (!p || !(q = strchr(p + 1, '>')))
				break;
			p++;
		} else {
			while (*p && (*p == ',' || (unsigned char)*p <= 0x20))
				p++;
			for (q = p; *q && *q != ',' && (unsigned char)*q > 0x20;
			    q++)
				;
			if (q == p)
				break;
		}
		id = xstrndup(p, (size_t)(q - p));
		if (msgid_ok(id))
			clist_append(l, strdup(id));
		free(id);
		p = brackets ? q + 1 : q;
	}
	return l;
}

static struct mailimf_mailbox *
mailbox(const char *name, const char *addr, size_t room)
{
	char *dn = name ? encode_phrase(name, room) : NULL;
	char *dn2 = dn ? strdup(dn) : NULL;

	free(dn);
	return mailimf_mailbox_new(dn2, strdup(addr));
}

static int
build(struct compose *c, const struct mime_out *m, struct mailmime **out,
    struct err *e)
{
	struct mailimf_fields *fl;
	struct mailimf_mailbox_list *from;
	struct mailimf_address_list *to;
	struct mailimf_date_time *dt;
	struct mailmime *msg, *body, *alt, *mixed;
	struct tm tm;
	time_t t = (time_t)m->date;
	clist *irt = NULL, *refs;
	char *subj;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (!gmtime_r(&t, &tm))
		return err_set(e, ERR_PERM, "cannot compose: bad date %lld",
		    (long long)m->date);
	from = mailimf_mailbox_list_new_empty();
	mailimf_mailbox_list_add(from, mailbox(m->from_name, m->from_addr,
	    62));
	to = mailimf_address_list_new_empty();
	mailimf_address_list_add(to, mailimf_address_new(
	    MAILIMF_ADDRESS_MAILBOX, mailbox(m->to_name, m->to_addr, 64),
	    NULL));
	dt = mailimf_date_time_new(tm.tm_mday, tm.tm_mon + 1,
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, 0);
	if (m->in_reply_to) {
		irt = id_list(m->in_reply_to);
		if (clist_isempty(irt)) {
			clist_free(irt);
			irt = NULL;
		}
	}
	refs = id_list(m->references);
	if (clist_isempty(refs)) {
		clist_free(refs);
		refs = NULL;
	}
	subj = mime_encode_words(m->subject ? m->subject : "", 60);
	fl = mailimf_fields_new_empty();
	mailimf_fields_add_data(fl, dt, from, NULL, NULL, to, NULL, NULL,
	    m->message_id ? strdup(m->message_id) : NULL, irt, refs,
	    strdup(subj));
	free(subj);
	for (i = 0; i < m->nextra; i++) {
		size_t nl = strlen(m->extra[i].name) + 2;
		char *v = mime_encode_words(m->extra[i].value,
		    nl < 70 ? 78 - nl : 8);

		mailimf_fields_add(fl, mailimf_field_new_custom(
		    strdup(m->extra[i].name), strdup(v)));
		free(v);
	}

	body = text_part(c, "text/plain", m->text);
	if (m->html) {
		alt = mailmime_multiple_new("multipart/alternative");
		mailmime_smart_add_part(alt, body);
		mailmime_smart_add_part(alt, text_part(c, "text/html",
		    m->html));
		body = alt;
	}
	if (m->natt) {
		mixed = mailmime_multiple_new("multipart/mixed");
		mailmime_smart_add_part(mixed, body);
		for (i = 0; i < m->natt; i++)
			mailmime_smart_add_part(mixed,
			    attachment_part(c, &m->att[i], i));
		body = mixed;
	}
	msg = mailmime_new_message_data(NULL);
	mailmime_set_imf_fields(msg, fl);
	if (mailmime_smart_add_part(msg, body) != MAILIMF_NO_ERROR) {
		mailmime_free(body);
		mailmime_free(msg);
		err_set(e, ERR_TEMP, "cannot compose: out of memory");
		goto out;
	}
	*out = msg;
	rc = 0;
out:
	return rc;
}

int
mime_compose(const struct mime_out *m, struct buf *out, struct err *e)
{
	static unsigned long counter;
	struct compose c;
	struct mailmime *msg = NULL;
	MMAPString *s = NULL;
	size_t i;
	int col, rc = -1, tries, capped = 0;

	memset(&c, 0, sizeof(c));
	strlist_init(&c.keep);
	if (!addr_ok(m->from_addr))
		return err_set(e, ERR_PERM, "cannot compose: bad From "
		    "address '%s'", m->from_addr ? m->from_addr : "");
	if (!addr_ok(m->to_addr))
		return err_set(e, ERR_PERM, "cannot compose: bad To "
		    "address '%s'", m->to_addr ? m->to_addr : "");
	if (m->message_id && !msgid_ok(m->message_id))
		return err_set(e, ERR_PERM, "cannot compose: bad "
		    "Message-ID '%s'", m->message_id);
	for (i = 0; i < m->nextra; i++)
		if (!field_name_ok(m->extra[i].name))
			return err_set(e, ERR_PERM, "cannot compose: bad "
			    "header name '%s'", m->extra[i].name ?
			    m->extra[i].name : "");

	for (tries = 0; tries < 4; tries++) {
		c.nonce = (unsigned long)now_ms() * 2654435761u + ++counter *
		    40503u + (unsigned long)tries;
		if (build(&c, m, &msg, e))
			goto out;
		s = mmap_string_new("");
		col = 0;
		if (!s || mailmime_write_mem(s, &col, msg) !=
		    MAILIMF_NO_ERROR) {
			err_set(e, ERR_TEMP, "cannot compose: libetpan "
			    "could not write the message");
			goto out;
		}
		if (!emit(&c, s->str, s->len, out, &capped)) {
			rc = 0;
			goto out;
		}
		if (capped) {
			err_set(e, ERR_PERM, "cannot compose: message larger "
			    "than %zu bytes", out->max);
			goto out;
		}
		mmap_string_free(s);
		s = NULL;
		mailmime_free(msg);
		msg = NULL;
		compose_release(&c);
	}
	err_set(e, ERR_TEMP, "cannot compose: placeholder collision");
out:
	if (s)
		mmap_string_free(s);
	if (msg)
		mailmime_free(msg);
	compose_release(&c);
	return rc;
}
