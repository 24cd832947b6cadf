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
	uint64_t v, any = 0;
	size_t i = 0;

	/* Eight bytes a step: the high bits or'ed together. */
	for (; n - i >= 8; i += 8) {
		memcpy(&v, s + i, 8);
		any |= v;
	}
	for (; i < n; i++)
		any |= (unsigned char)s[i];
	return !(any & 0x8080808080808080ull);
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

/* ==== Reading ========================================================== */

/*
 * libetpan's mailmime_parse builds the part tree.  This section bounds its
 * work before it runs, turns its tree into struct mime_part (plain C types
 * for parse.c) while counting parts and depth exactly.  Kept here, small:
 * what libetpan lacks or gets wrong (RFC 2231 parameter continuations and
 * charsets; base64 and quoted-printable decoders that survive broken
 * input; the tolerance steps below) and the listing of header fields with
 * their raw values (read_fields: libetpan's parser is slow at it).
 *
 * Bounded cost.  mailmime_parse has no caps: it allocates a node per part,
 * recurses once per nesting level (the C stack), and scans each nested
 * body again from its start (time ~ nesting x size).  A linear pre-scan
 * of the bytes (prescan, check_bounds) bounds what it can build from the
 * lines starting "--" (each part follows a delimiter line) and the words
 * "rfc822" (message parts).  The message is refused before libetpan runs
 * when the part bound passes MIME_PARTS_SLACK x max_parts, or when the
 * nesting bound passes max_depth and either MIME_ETPAN_DEPTH or MIME_WORK
 * bytes scanned; otherwise the conversion enforces max_parts and
 * max_depth exactly, so a message near a cap is never refused on a bound.
 *
 * Tolerance (each noted in t->defects): a leading mbox "From " line is
 * skipped; a message with CR line ends and no LF is read with LF; an
 * unclosed multipart is closed (close_multiparts); a multipart without a
 * boundary, or whose boundary never occurs, is read as text/plain; an
 * encoded message/rfc822 part (and any message/global part) is decoded
 * and parsed as a message; a message libetpan refuses whole is read as
 * its header and one text/plain body.
 */

#define MIME_HARD_DEPTH 200	/* our tree, whatever the limits say */
#define MIME_ETPAN_DEPTH 1000	/* libetpan's recursion: the C stack */
#define MIME_WORK ((size_t)1 << 31)	/* nesting x bytes: ~4 s at worst */
#define MIME_PARTS_SLACK 4	/* exact count up to 4 x max_parts */
#define MIME_MAX_BOUNDARIES 4096	/* values kept by the pre-scan */
#define MIME_REPAIR_BOUNDARIES 64	/* close_multiparts() looks at */
#define MIME_MAX_FIELDS 1000	/* fields kept per part, repeats included */
#define MIME_MAX_NAMES 1000	/* new names kept after MIME_MAX_FIELDS */
#define MIME_NAME_SLOTS 4096	/* > 2 x (MIME_MAX_FIELDS + MIME_MAX_NAMES) */
#define MIME_MAX_PARAMS 64	/* parameters read per field */

/* ASCII classes that do not depend on the locale. */
static int
isdigit_c(int c)
{
	return c >= '0' && c <= '9';
}

static int
isalnum_c(int c)
{
	return isdigit_c(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
tolower_c(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Whether name[0..len) is w, in ASCII case folding (w lowercase ASCII);
 * a NUL in name ends the comparison there, not past it.
 */
static int
name_is(const char *name, size_t len, const char *w)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!w[i] || tolower_c((unsigned char)name[i]) != w[i])
			return 0;
	return !w[i];
}

struct reader {
	struct mime_tree *t;
	const struct mime_limits *lim;
	struct err *e;
	int header_cut_noted;
};

static void
defect(struct reader *r, const char *fmt, ...) ATTR_PRINTF(2, 3);

static void
defect(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->t->defects.n >= 50)
		return;
	va_start(ap, fmt);
	strlist_push_owned(&r->t->defects, xvasprintf(fmt, ap));
	va_end(ap);
}

/*
 * The parts of a tree, their fields and their strings come from one
 * arena, released whole (mime_tree_release): a message of a few parts
 * costs one allocation or none (a chunk kept from the last tree), not a
 * handful per part.  Strings replaced are left in it until then.
 */
struct arena {
	struct arena *next;	/* the chunks allocated before */
	size_t size, used;	/* of data */
	max_align_t data[];
};

#define ARENA_CHUNK 4096	/* bytes of data in a chunk */

static struct arena *arena_spare;	/* process-wide, as trim_spare */

/* n bytes of t's arena, aligned for any type. */
static void *
arena_alloc(struct mime_tree *t, size_t n)
{
	struct arena *a = t->arena, *big;
	size_t need;

	if (n > SIZE_MAX / 2)	/* more than there is: xmalloc dies of it */
		return xmalloc(n);
	need = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (a && a->size - a->used >= need) {
		a->used += need;
		return (char *)a->data + a->used - need;
	}
	if (need > ARENA_CHUNK / 4) {	/* a chunk of its own, after t's */
		big = xmalloc(offsetof(struct arena, data) + need);
		big->size = big->used = need;
		big->next = a ? a->next : NULL;
		if (a)
			a->next = big;
		else
			t->arena = big;
		return big->data;
	}
	if (arena_spare) {
		a = arena_spare;
		arena_spare = NULL;
	} else {
		a = xmalloc(offsetof(struct arena, data) + ARENA_CHUNK);
		a->size = ARENA_CHUNK;
	}
	a->used = need;
	a->next = t->arena;
	t->arena = a;
	return a->data;
}

static void *
arena_zalloc(struct mime_tree *t, size_t n)
{
	return memset(arena_alloc(t, n), 0, n);
}

static char *
arena_strndup(struct mime_tree *t, const char *s, size_t n)
{
	char *d = arena_alloc(t, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static char *
arena_strdup(struct mime_tree *t, const char *s)
{
	return arena_strndup(t, s, strlen(s));
}

/* A string of malloc (or NULL) moved into t's arena. */
static char *
arena_take(struct mime_tree *t, char *s)
{
	char *d = s ? arena_strdup(t, s) : NULL;

	free(s);
	return d;
}

static void
arena_release(struct mime_tree *t)
{
	struct arena *a, *next;

	for (a = t->arena; a; a = next) {
		next = a->next;
		if (!arena_spare && a->size == ARENA_CHUNK)
			arena_spare = a;
		else
			free(a);
	}
	t->arena = NULL;
}

/*
 * The unit tests read messages both with and without the shortcuts that
 * must not change a reading (unquote_params, check_bounds).
 */
#ifdef INQUIRYD_UNITTEST
int mime_exact;
#else
#define mime_exact 0
#endif

/* ---- The pre-scan ------------------------------------------------------- */

#define MIME_SCAN_DASHES 32	/* "--" line offsets kept (unquote_params) */

struct scan {
	size_t dash_lines;	/* lines starting "--", or "--" after a CR */
	size_t dash[MIME_SCAN_DASHES];	/* the first lines starting "--" */
	size_t ndash;
	size_t hdr_end;		/* the first blank line, or len */
	int lf;			/* any LF */
	int cr;			/* without LF: any CR */
};

/* Up to 8 bytes of s as a number, ASCII letters lowercased. */
static uint64_t
word8(const char *s, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, s, n < 8 ? n : 8);
	return v | 0x2020202020202020ull;
}

/* The "boundary" words of s[0..n) (letters in any case), at most max. */
UNITTEST size_t
count_boundary(const char *s, size_t n, size_t max)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t highs = 0x8080808080808080ull;
	uint64_t w = word8("boundary", 8), v, x, m;
	size_t i = 0, count = 0;

	while (i + 8 <= n && count < max) {
		/*
		 * Eight positions at once when none holds a 'b' or 'B';
		 * else the first that does (the lowest byte flagged is
		 * exact; one position a step on big-endian machines), and
		 * on from the one after it.
		 */
		memcpy(&v, s + i, 8);
		x = (v | 0x2020202020202020ull) ^ (ones * 'b');
		m = (x - ones) & ~x & highs;
		if (!m) {
			i += 8;
			continue;
		}
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		i += (size_t)__builtin_ctzll(m) / 8;
#endif
		if (i + 8 <= n && (s[i] | 0x20) == 'b' && word8(s + i, 8) == w)
			count++;
		i++;
	}
	return count;
}

static void
prescan(const char *s, size_t n, struct scan *sc)
{
	const char *p = s, *end = s + n, *nl;

	memset(sc, 0, sizeof(*sc));
	sc->hdr_end = n;
	/* The header, line by line up to its blank line. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;	/* no LF after p, nor before it */
		sc->lf = 1;
		if (nl == p || (nl == p + 1 && *p == '\r')) {
			sc->hdr_end = (size_t)(p - s);
			break;
		}
		p = nl + 1;
	}
	/*
	 * Lines starting "--", found by their '-' (rarer than LF), and
	 * "--" after a CR: libetpan takes a first delimiter after a lone
	 * CR too (counted apart, as a CR then LF starts no line itself).
	 */
	for (p = s; (p = memchr(p, '-', (size_t)(end - p))); ) {
		if (end - p >= 2 && p[1] == '-') {
			if (p == s || p[-1] == '\n') {
				sc->dash_lines++;
				if (sc->ndash < MIME_SCAN_DASHES)
					sc->dash[sc->ndash++] = (size_t)(p - s);
			}
			if (p > s && p[-1] == '\r')
				sc->dash_lines++;
		}
		/* The rest of a run of '-' (rulers, delimiter lines)
		 * follows a '-': no line starts there. */
		for (p++; p < end && *p == '-'; p++)
			;
	}
	if (!sc->lf)
		sc->cr = memchr(s, '\r', n) != NULL;
}

/* The words "rfc822" in s[0..n) (any case), found by their rare '8'. */
static size_t
count_rfc822(const char *s, size_t n)
{
	const char *p, *e = s + n - 2;
	uint64_t rfc822 = word8("rfc822", 6);
	size_t count = 0;

	if (n < 6)
		return 0;
	for (p = s + 3; p < e && (p = memchr(p, '8', (size_t)(e - p))); p++)
		if (word8(p - 3, 6) == rfc822)
			count++;
	return count;
}

/*
 * The boundary values declared anywhere in s, distinct, in the order of
 * their first declaration.  Each is the value libetpan would read or a
 * prefix of it (a quoted value stops at a backslash), so that counting
 * the "--" lines they start gives an upper bound.
 */
struct bvals {
	const char **v;		/* borrowed from s */
	size_t *len;
	unsigned char *seen;	/* a "--value" line that is not a close */
	unsigned char *closed;	/* a "--value--" line */
	size_t n;
	size_t *slot;		/* open addressing: index + 1, 0 empty */
	uint32_t *hash;
	size_t nslot;
	unsigned char *has_len;	/* has_len[l]: a value of length l */
	size_t maxlen;
};

/* FNV-1a of s[0..n), each byte or'ed with fold (0, or 0x20 for names). */
static uint32_t
fnv(const char *s, size_t n, unsigned char fold)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ ((unsigned char)*s++ | fold)) * 16777619u;
	return h;
}

static int
tspecial(unsigned char c)
{
	switch (c) {
	case '(': case ')': case '<': case '>': case '@': case ',':
	case ';': case ':': case '\\': case '"': case '/': case '[':
	case ']': case '?': case '=':
		return 1;
	default:
		return c <= ' ' || c >= 127;
	}
}

/* s + i is just after "boundary": the value, or -1 (none readable). */
static int
boundary_value(const char *s, size_t n, size_t i, const char **v,
    size_t *vlen)
{
	int depth = 0, eq = 0;

	for (; i < n; i++) {	/* CFWS '=' CFWS */
		if (depth && s[i] == ')')
			depth--;
		else if (s[i] == '(')
			depth++;
		else if (!depth && s[i] == '=' && !eq)
			eq = 1;
		else if (!depth && !strchr(" \t\r\n", s[i]))
			break;
	}
	if (!eq || i == n)
		return -1;
	if (s[i] == '"') {
		*v = s + ++i;
		while (i < n && s[i] != '"' && s[i] != '\\' && s[i] != '\r' &&
		    s[i] != '\n')
			i++;
	} else {
		*v = s + i;
		while (i < n && !tspecial((unsigned char)s[i]))
			i++;
	}
	*vlen = (size_t)(s + i - *v);
	return 0;
}

static void
bvals_release(struct bvals *b)
{
	free(b->v);
	free(b->len);
	free(b->seen);
	free(b->closed);
	free(b->slot);
	free(b->hash);
	free(b->has_len);
	memset(b, 0, sizeof(*b));
}

/* The index of value x[0..l) with hash h, or -1. */
static long
bvals_find(const struct bvals *b, const char *x, size_t l, uint32_t h)
{
	size_t j, k;

	for (j = h & (b->nslot - 1); b->slot[j]; j = (j + 1) & (b->nslot - 1)) {
		k = b->slot[j] - 1;
		if (b->hash[j] == h && b->len[k] == l && !memcmp(b->v[k], x, l))
			return (long)k;
	}
	return -1;
}

/*
 * Collects the values of the count "boundary" words of s; returns -1
 * when one is empty (every "--" line may then be a delimiter) or there
 * are too many to be worth it.
 */
static int
bvals_collect(const char *s, size_t n, size_t count, struct bvals *b)
{
	const char *v;
	size_t i, j, vlen, seen = 0;
	uint32_t h;

	memset(b, 0, sizeof(*b));
	if (count > MIME_MAX_BOUNDARIES)
		return -1;
	b->v = xcalloc(count + 1, sizeof(*b->v));
	b->len = xcalloc(count + 1, sizeof(*b->len));
	b->seen = xcalloc(count + 1, 1);
	b->closed = xcalloc(count + 1, 1);
	for (b->nslot = 2; b->nslot < 2 * count + 2; b->nslot *= 2)
		;
	b->slot = xcalloc(b->nslot, sizeof(*b->slot));
	b->hash = xcalloc(b->nslot, sizeof(*b->hash));
	for (i = 0; i + 8 <= n && seen < count; i++) {
		if ((s[i] | 0x20) != 'b' || strncasecmp(s + i, "boundary", 8))
			continue;
		seen++;
		if (boundary_value(s, n, i + 8, &v, &vlen))
			continue;
		if (!vlen)
			return -1;
		h = fnv(v, vlen, 0);
		if (bvals_find(b, v, vlen, h) >= 0)
			continue;
		for (j = h & (b->nslot - 1); b->slot[j];
		    j = (j + 1) & (b->nslot - 1))
			;
		b->slot[j] = b->n + 1;
		b->hash[j] = h;
		b->v[b->n] = v;
		b->len[b->n++] = vlen;
		if (vlen > b->maxlen)
			b->maxlen = vlen;
	}
	b->has_len = xcalloc(b->maxlen + 1, 1);
	for (j = 0; j < b->n; j++)
		b->has_len[b->len[j]] = 1;
	return 0;
}

/*
 * x is a "--" line's rest: marks the values it starts with (seen, or
 * closed when "--" follows) and returns whether there was one.
 */
static int
bvals_line(struct bvals *b, const char *x, size_t xn)
{
	uint32_t h = 2166136261u;
	size_t l;
	long k;
	int any = 0;

	for (l = 1; l <= xn && l <= b->maxlen; l++) {
		h = (h ^ (unsigned char)x[l - 1]) * 16777619u;
		if (!b->has_len[l] || (k = bvals_find(b, x, l, h)) < 0)
			continue;
		any = 1;
		if (xn - l >= 2 && x[l] == '-' && x[l + 1] == '-')
			b->closed[k] = 1;
		else
			b->seen[k] = 1;
	}
	return any;
}

/*
 * Marks the values of the "--" lines of s (after an LF, or a lone CR, as
 * libetpan reads a first delimiter); returns how many lines.
 */
static size_t
bvals_lines(struct bvals *b, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *e, *cr, *lf = NULL;
	size_t count = 0;

	while (p < end) {
		/*
		 * The line's end: the next LF (kept while it is ahead, so
		 * that lines cut by lone CRs do not look for it again), or
		 * a CR before it.
		 */
		if ((!lf || lf < p) && !(lf = memchr(p, '\n',
		    (size_t)(end - p))))
			lf = end;
		e = lf;
		if ((cr = memchr(p, '\r', (size_t)(e - p))))
			e = cr;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			count += (size_t)bvals_line(b, p + 2, (size_t)(e - p - 2));
		p = e + 1;
	}
	return count;
}

/* Whether the last line with text is a close line "--...--". */
static int
ends_closed(const char *s, size_t n)
{
	const char *e = s + n, *b;

	while (e > s && strchr(" \t\r\n", e[-1]))
		e--;
	for (b = e; b > s && b[-1] != '\n'; b--)
		;
	return e - b >= 4 && b[0] == '-' && b[1] == '-' && e[-1] == '-' &&
	    e[-2] == '-';
}

static char *
close_multiparts(struct reader *r, const char *s, size_t n,
    const struct scan *sc, size_t *outlen)
{
	struct bvals b;
	struct buf out = BUF_INIT(BUF_CAP_HUGE);
	char *res = NULL;
	size_t k;

	memset(&b, 0, sizeof(b));
	/* Most have no "--" line, or end with a close line: looked at first. */
	if (!sc->dash_lines || ends_closed(s, n) ||
	    !count_boundary(s, sc->hdr_end, 1) ||
	    bvals_collect(s, n, count_boundary(s, n, MIME_REPAIR_BOUNDARIES +
	    1), &b) || b.n > MIME_REPAIR_BOUNDARIES)
		goto out;
	bvals_lines(&b, s, n);
	for (k = b.n; k-- > 0;) {
		if (!b.seen[k] || b.closed[k])
			continue;
		defect(r, "no closing boundary '%.*s'", (int)MIN(b.len[k],
		    (size_t)70), b.v[k]);
		if (!out.len)
			buf_add(&out, s, n);
		if (out.len && out.data[out.len - 1] != '\n')
			buf_addstr(&out, "\r\n");
		buf_addstr(&out, "--");
		buf_add(&out, b.v[k], b.len[k]);
		buf_addstr(&out, "--\r\n");
	}
	if (out.len)
		res = buf_detach(&out, outlen);
out:
	bvals_release(&b);
	buf_release(&out);
	return res;
}

/*
 * Whether libetpan may parse s[0..n) for a node at depth depth with
 * parts_left parts to go: 0, or -1 with r->e set.
 *
 * The bounds: a multipart with parts has a delimiter line of its own, a
 * part of a multipart follows one, and a message part needs "rfc822" or
 * a digest parent (whose parts each follow a delimiter line), so there
 * are at most 1 + 2 x dash_lines + messages parts, nested at most
 * 1 + 2 x (multiparts + messages) deep, where a multipart needs both a
 * delimiter line and a "boundary" word.  Lines starting "--" that are no
 * delimiter (signatures, rulers) are discounted, when the bound is over
 * the cap, by counting only those that start with a declared boundary.
 */
static int
check_bounds(struct reader *r, const char *s, size_t n,
    const struct scan *sc, size_t depth, size_t parts_left)
{
	const struct mime_limits *lim = r->lim;
	size_t delims = sc->dash_lines, parts, nest, messages;
	size_t depth_left = lim->max_depth > depth ? lim->max_depth - depth :
	    0;
	struct bvals b;

	/*
	 * The "rfc822" words take 6 bytes each: with n / 6 of them the
	 * bounds below pass for most messages, and then they pass with the
	 * true count too (no smaller bound can fail), which is not needed.
	 */
	messages = n / 6;
	nest = 1 + 2 * (delims + messages);
	if (!mime_exact &&
	    (1 + 2 * delims + messages) / MIME_PARTS_SLACK <= parts_left &&
	    (nest <= depth_left || (nest <= MIME_ETPAN_DEPTH &&
	    nest <= MIME_WORK / (n ? n : 1))))
		return 0;
	messages = count_rfc822(s, n);
	parts = 1 + 2 * delims + messages;
	if (parts / MIME_PARTS_SLACK > parts_left) {
		if (!bvals_collect(s, n, count_boundary(s, n,
		    MIME_MAX_BOUNDARIES + 1), &b))
			delims = bvals_lines(&b, s, n);
		bvals_release(&b);
		parts = 1 + 2 * delims + messages;
	}
	if (parts / MIME_PARTS_SLACK > parts_left)
		return err_set(r->e, ERR_PERM, "message may have more than "
		    "%zu MIME parts (max_parts): up to %zu by its delimiter "
		    "lines", lim->max_parts, parts);
	nest = 1 + 2 * (delims + messages);
	if (nest > depth_left)	/* a multipart needs its "boundary" too */
		nest = 1 + 2 * (MIN(delims, count_boundary(s, n, delims)) +
		    messages);
	if (nest > depth_left && (nest > MIME_ETPAN_DEPTH ||
	    nest > MIME_WORK / (n ? n : 1)))
		return err_set(r->e, ERR_PERM, "MIME parts may be nested "
		    "deeper than %zu (max_depth): up to %zu levels in %zu "
		    "bytes", lim->max_depth, nest, n);
	return 0;
}

/* ---- Header fields ----------------------------------------------------- */

/*
 * The fields of a header being read: blk holds "name\0value\0" per field,
 * in order, each value written there as its lines are read, and v their
 * offsets; when the header is read, the part gets a copy of both from the
 * tree's arena.  blk and v are kept from one header to the next (below).
 * Past MIME_MAX_FIELDS, seen is a table of the names kept (their offsets
 * in blk plus one, 0 for a free slot).
 */
struct field_off {
	size_t name, value;	/* in the block */
};

struct field_list {
	struct buf blk;
	struct field_off *v;	/* the fields kept, p->nfields of them */
	size_t alloc;		/* of v */
	size_t *seen;
	size_t name;		/* the open field's name in blk */
	size_t nlen;		/* its length; 0: no field open */
	size_t value;		/* its value in blk */
	size_t raw;		/* its value's bytes before trimming */
};

/* read_fields' blk and v between headers (single-threaded, as trim_spare). */
static struct buf fields_blk = BUF_INIT(BUF_CAP_HUGE);
static struct field_off *fields_v;
static size_t fields_alloc;

#define FIELDS_KEEP_CAP (64 * 1024)	/* bytes of blk kept between headers */

/*
 * Adds name[0..n), written at offset off of the block, to the table of
 * names kept; returns 0 when it is there already.
 */
static int
name_add(struct field_list *fl, const char *name, size_t n, size_t off)
{
	size_t i = fnv(name, n, 0x20) & (MIME_NAME_SLOTS - 1);
	const char *kept;

	for (; fl->seen[i]; i = (i + 1) & (MIME_NAME_SLOTS - 1)) {
		kept = fl->blk.data + fl->seen[i] - 1;
		if (!strncasecmp(kept, name, n) && !kept[n])
			return 0;
	}
	fl->seen[i] = off + 1;
	return 1;
}

/*
 * Whether the open field, past the first MIME_MAX_FIELDS, is kept: when
 * no field before it had its name, up to MIME_MAX_NAMES of them.  A
 * header of thousands of Received lines so keeps its From and Subject,
 * which come last.
 */
static int
keep_past_cap(struct reader *r, struct mime_part *p, struct field_list *fl)
{
	size_t i, off, len;

	if (!fl->seen) {
		defect(r, "more than %d header fields; after them only the "
		    "first field of each name is kept, up to %d names",
		    MIME_MAX_FIELDS, MIME_MAX_NAMES);
		fl->seen = xcalloc(MIME_NAME_SLOTS, sizeof(*fl->seen));
		for (i = 0, off = 0; i < p->nfields; i++) {
			len = strlen(fl->blk.data + off);
			name_add(fl, fl->blk.data + off, len, off);
			off += len + 1;
			off += strlen(fl->blk.data + off) + 1;
		}
	}
	if (p->nfields >= MIME_MAX_FIELDS + MIME_MAX_NAMES)
		return 0;
	return name_add(fl, fl->blk.data + fl->name, fl->nlen, fl->name);
}

/*
 * Room for k bytes (and the NUL after them) at the end of the block, or
 * NULL at its cap (far above any header): buf_space, without the call
 * when the block has the room already.
 */
static char *
fl_space(struct field_list *fl, size_t k)
{
	if (fl->blk.alloc > fl->blk.len + k)
		return fl->blk.data + fl->blk.len;
	return buf_space(&fl->blk, k);
}

/* Opens field name[0..n): its name is written, its value comes next. */
static void
open_field(struct field_list *fl, const char *name, size_t n)
{
	char *d = fl_space(fl, n + 1);

	fl->name = fl->blk.len;
	fl->nlen = n;
	if (d) {
		memcpy(d, name, n);
		d[n] = d[n + 1] = '\0';
		fl->blk.len += n + 1;
	}
	fl->value = fl->blk.len;
	fl->raw = 0;
}

/*
 * Appends a value line s[0..n) to the open field's value, capped at
 * max_header bytes (counted before trimming), NUL bytes read as spaces.
 * Blanks before any other byte are not written: the value is trimmed.
 */
static void
value_add(struct reader *r, struct field_list *fl, const char *s, size_t n)
{
	size_t room = r->lim->max_header - fl->raw;
	char *d;

	if (n > room) {
		n = room;
		if (!r->header_cut_noted++)
			defect(r, "header field longer than %zu bytes cut",
			    r->lim->max_header);
	}
	fl->raw += n;
	if (fl->blk.len == fl->value)
		while (n && (*s == ' ' || *s == '\t' || !*s)) {
			s++;
			n--;
		}
	if (!n || !(d = fl_space(fl, n)))
		return;
	memcpy(d, s, n);
	d[n] = '\0';
	fl->blk.len += n;
	if (memchr(d, '\0', n))
		for (; d < fl->blk.data + fl->blk.len; d++)
			if (!*d)
				*d = ' ';
}

/*
 * Closes the open field: its value trimmed, and kept (its offsets in the
 * part's fields, see read_fields) or taken back out of the block.
 */
static void
close_field(struct reader *r, struct mime_part *p, struct field_list *fl)
{
	struct buf *b = &fl->blk;
	size_t n = b->len;
	char *d;

	if (!fl->nlen)
		return;
	while (n > fl->value && (b->data[n - 1] == ' ' ||
	    b->data[n - 1] == '\t'))
		n--;
	b->len = n;
	if (b->alloc)
		b->data[n] = '\0';
	if (p->nfields >= MIME_MAX_FIELDS && !keep_past_cap(r, p, fl)) {
		buf_setlen(b, fl->name);
		fl->nlen = 0;
		return;
	}
	if ((d = fl_space(fl, 1))) {	/* the value's NUL */
		d[0] = d[1] = '\0';
		b->len++;
	}
	if (p->nfields >= fl->alloc)
		GROW(fl->v, p->nfields + 1, fl->alloc);
	fl->v[p->nfields].name = fl->name;
	fl->v[p->nfields].value = fl->value;
	p->nfields++;
	fl->nlen = 0;
}

static int
field_name_char(unsigned char c)
{
	return c > 32 && c < 127 && c != ':';
}

/* field_name_char as a table, for field_colon's four bytes a step. */
static unsigned char name_chars[256];

/*
 * The colon after the field name that line[0..ce) starts with ("Name:",
 * "Name :"), or NULL when the line is no field; *nlen (unless NULL) gets
 * the name's length.
 */
static const char *
field_colon(const char *line, const char *ce, size_t *nlen)
{
	const unsigned char *u = (const unsigned char *)line;
	const char *q;
	int c;

	if (!name_chars['A'])
		for (c = 0; c < 256; c++)
			name_chars[c] = (unsigned char)field_name_char(
			    (unsigned char)c);
	while (ce - (const char *)u >= 4 && (name_chars[u[0]] &
	    name_chars[u[1]] & name_chars[u[2]] & name_chars[u[3]]))
		u += 4;
	while ((const char *)u < ce && name_chars[*u])
		u++;
	q = (const char *)u;
	if (q == line)
		return NULL;
	if (nlen)
		*nlen = (size_t)(q - line);
	while (q < ce && (*q == ' ' || *q == '\t'))
		q++;
	return q < ce && *q == ':' ? q : NULL;
}

/*
 * The header fields of s[0..n) into p: names and values as written, the
 * values unfolded, NUL bytes read as spaces, cut at max_header bytes.
 * libetpan has read this header (it decides where the body starts) but
 * keeps raw values only of the fields it does not know, and reading them
 * again with its field parser, which allocates per token, took half the
 * time of the whole MIME parse: the listing is done here, in one pass.
 * Stops after a blank line or before a line that is no field; returns
 * the bytes read.
 */
static size_t
read_fields(struct reader *r, struct mime_part *p, const char *s, size_t n)
{
	struct field_list fl;
	const char *line = s, *end = s + n, *nl, *ce, *colon;
	size_t n1, i;
	char *b;

	memset(&fl, 0, sizeof(fl));
	fl.blk = fields_blk;
	buf_reset(&fl.blk);
	/* Most headers fit: no allocation after the first. */
	buf_reserve(&fl.blk, MIN(n, (size_t)4096));
	fl.v = fields_v;
	fl.alloc = fields_alloc;
	p->nfields = 0;

	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		ce = nl ? nl : end;
		if (ce > line && ce[-1] == '\r')
			ce--;
		if (ce == line) {	/* the blank line */
			line = nl ? nl + 1 : end;
			break;
		}
		if (*line == ' ' || *line == '\t') {
			if (fl.nlen)
				value_add(r, &fl, line, (size_t)(ce - line));
			line = nl ? nl + 1 : end;
			continue;
		}
		if (!(colon = field_colon(line, ce, &n1)))
			break;
		close_field(r, p, &fl);
		open_field(&fl, line, n1);
		value_add(r, &fl, colon + 1, (size_t)(ce - colon - 1));
		line = nl ? nl + 1 : end;
	}
	close_field(r, p, &fl);
	free(fl.seen);
	if (p->nfields) {
		b = arena_alloc(r->t, fl.blk.len);
		memcpy(b, fl.blk.data, fl.blk.len);
		p->fields = arena_alloc(r->t, p->nfields * sizeof(*p->fields));
		for (i = 0; i < p->nfields; i++) {
			p->fields[i].name = b + fl.v[i].name;
			p->fields[i].value = b + fl.v[i].value;
		}
	}
	if (fl.blk.alloc > FIELDS_KEEP_CAP)
		buf_release(&fl.blk);
	fields_blk = fl.blk;
	if (fl.alloc > FIELDS_KEEP_CAP / sizeof(*fl.v)) {
		FREE_AND_NULL(fl.v);
		fl.alloc = 0;
	}
	fields_v = fl.v;
	fields_alloc = fl.alloc;
	return (size_t)(line - s);
}

const char *
mime_part_field(const struct mime_part *p, const char *name)
{
	size_t i;

	/* The first letters first: most names differ there. */
	for (i = 0; i < p->nfields; i++)
		if ((p->fields[i].name[0] | 0x20) == (name[0] | 0x20) &&
		    !strcasecmp(p->fields[i].name, name))
			return p->fields[i].value;
	return NULL;
}

/* ---- Parameters (RFC 2231) --------------------------------------------- */

/*
 * libetpan reads parameters but not RFC 2231's continuations and charsets
 * (name*0*=utf-8''%E4...; name*1=...): they are joined here.
 */
struct param {
	char *name;		/* lowercase, without "*N" or "*": short
				 * ones in small, longer ones owned */
	char small[24];
	int section;		/* -1 when not continued */
	int extended;		/* value is RFC 2231 %-encoded */
	const char *value;	/* borrowed from libetpan's tree */
};

struct params {
	struct param p[MIME_MAX_PARAMS];
	size_t n;
	unsigned first;		/* name_bit of each name: most lookups miss */
};

/* A bit for the first letter of a lowercase name. */
static unsigned
name_bit(const char *name)
{
	unsigned c = (unsigned)(unsigned char)name[0] - 'a';

	return c < 26 ? 1u << c : 1u << 31;
}

static void
params_add(struct params *ps, const char *name, const char *value)
{
	struct param *p;
	char *star;
	size_t l;
	long sec;

	if (ps->n >= MIME_MAX_PARAMS || !name || !value)
		return;
	p = &ps->p[ps->n++];
	l = strlen(name);
	if (l < sizeof(p->small)) {
		memcpy(p->small, name, l + 1);
		p->name = str_lower(p->small);
	} else {
		p->name = str_lower(xstrdup(name));
	}
	p->value = value;
	p->section = -1;
	p->extended = 0;
	/* name*, name*N, name*N* */
	star = strchr(p->name, '*');
	if (star) {
		l = strlen(star);
		if (star[l - 1] == '*') {
			p->extended = 1;
			star[l - 1] = '\0';
		}
		if (star[1] && !str_to_long(star + 1, 0, 999, &sec))
			p->section = (int)sec;
		*star = '\0';
	}
	ps->first |= name_bit(p->name);
}

static void
params_of_content(const struct mailmime_content *ct, struct params *ps)
{
	clistiter *it;

	ps->n = 0;
	ps->first = 0;
	if (!ct || !ct->ct_parameters)
		return;
	for (it = clist_begin(ct->ct_parameters); it; it = clist_next(it)) {
		const struct mailmime_parameter *pa = clist_content(it);

		params_add(ps, pa->pa_name, pa->pa_value);
	}
}

static void
params_of_disposition(const struct mailmime_disposition *d,
    struct params *ps)
{
	clistiter *it;

	ps->n = 0;
	ps->first = 0;
	if (!d || !d->dsp_parms)
		return;
	for (it = clist_begin(d->dsp_parms); it; it = clist_next(it)) {
		const struct mailmime_disposition_parm *pa = clist_content(it);

		if (pa->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME)
			params_add(ps, "filename", pa->pa_data.pa_filename);
		else if (pa->pa_type == MAILMIME_DISPOSITION_PARM_PARAMETER)
			params_add(ps, pa->pa_data.pa_parameter->pa_name,
			    pa->pa_data.pa_parameter->pa_value);
	}
}

static void
params_release(struct params *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (ps->p[i].name != ps->p[i].small)
			free(ps->p[i].name);
	ps->n = 0;
	ps->first = 0;
}

/*
 * The value of parameter name as UTF-8 (owned) or NULL: RFC 2231
 * continuations and charsets, or encoded-words or raw 8-bit text in a
 * plain value (what many mailers write), converted with hint.
 */
static char *
param_get(const struct params *ps, const char *name, const char *hint)
{
	struct buf raw = BUF_INIT(BUF_CAP_LINE);
	struct buf out = BUF_INIT(BUF_CAP_LINE);
	const struct param *p, *plain = NULL;
	char *cs = NULL, *res = NULL;
	int sec, found = 0, any_ext = 0;
	size_t i;

	if (!(ps->first & name_bit(name)))
		return NULL;	/* no parameter of that name */

	for (sec = 0; sec < MIME_MAX_PARAMS; sec++) {
		p = NULL;
		for (i = 0; i < ps->n; i++) {
			if (strcmp(ps->p[i].name, name))
				continue;
			if (ps->p[i].section == -1 && ps->p[i].extended &&
			    sec == 0)
				p = &ps->p[i];	/* name*= */
			else if (ps->p[i].section == sec)
				p = &ps->p[i];
			else if (ps->p[i].section == -1 && !plain &&
			    !ps->p[i].extended)
				plain = &ps->p[i];
			if (p)
				break;
		}
		if (!p)
			break;
		found = 1;
		if (p->extended) {
			const char *v = p->value;

			any_ext = 1;
			if (sec == 0) {
				const char *q1 = strchr(v, '\''), *q2;

				if (q1 && (q2 = strchr(q1 + 1, '\''))) {
					cs = xstrndup(v, (size_t)(q1 - v));
					v = q2 + 1;
				}
			}
			buf_add_pct(&raw, v, strlen(v));
		} else {
			buf_addstr(&raw, p->value);
		}
		if (p->section == -1)
			break;
	}
	if (!found) {
		if (!plain)
			goto out;
		/* Most: one plain value, read where it is (as raw would
		 * hold it: whole, or nothing past raw's cap). */
		res = mime_decode_header(strlen(plain->value) <= raw.max ?
		    plain->value : "", hint);
	} else if (any_ext) {
		charset_to_utf8(cs && *cs ? cs : hint, raw.data, raw.len, &out,
		    NULL);
		res = buf_detach(&out, NULL);
	} else {
		res = mime_decode_header(raw.data, hint);
	}
	if (res && !*res)
		FREE_AND_NULL(res);
out:
	free(cs);
	buf_release(&raw);
	buf_release(&out);
	return res;
}

/* A plain parameter (the boundary): as libetpan read it, or NULL. */
static char *
param_raw(struct mime_tree *t, const struct params *ps, const char *name)
{
	size_t i;

	if (!(ps->first & name_bit(name)))
		return NULL;
	for (i = 0; i < ps->n; i++)
		if (!strcmp(ps->p[i].name, name) && ps->p[i].section == -1 &&
		    !ps->p[i].extended && ps->p[i].value[0])
			return arena_strdup(t, ps->p[i].value);
	return NULL;
}

/* The RFC 2231 boundary of n's content type (owned), or NULL. */
static char *
boundary_2231(const struct mailmime *n)
{
	struct params ct;
	char *b;

	params_of_content(n->mm_content_type, &ct);
	b = param_get(&ct, "boundary", NULL);
	params_release(&ct);
	return b;
}

/* ---- From libetpan's tree to ours ----------------------------------- */

/* A charset label we may keep: short printable ASCII. */
static int
plain_label(const char *s)
{
	const unsigned char *p;

	if (strlen(s) > 40)
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 32 || *p >= 127)
			return 0;
	return 1;
}

/* "type/subtype" of RFC 2045 token characters. */
static int
valid_type(const char *t)
{
	const char *slash = strchr(t, '/');
	const unsigned char *p;

	if (!slash || slash == t || !slash[1] || strchr(slash + 1, '/'))
		return 0;
	for (p = (const unsigned char *)t; *p; p++)
		if (*p != '/' && (*p <= 32 || *p >= 127 || tspecial(*p)))
			return 0;
	return 1;
}

/* libetpan's content type as lowercase "type/subtype" (in t), or NULL. */
static char *
type_string(struct mime_tree *t, const struct mailmime_content *ct)
{
	static const char *const discrete[] = { NULL, "text", "image",
		"audio", "video", "application" };
	const char *tn = NULL;
	size_t tl, sl;
	char *s;

	if (!ct || !ct->ct_type || !ct->ct_subtype)
		return NULL;
	if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		const struct mailmime_discrete_type *d =
		    ct->ct_type->tp_data.tp_discrete_type;

		if (d->dt_type == MAILMIME_DISCRETE_TYPE_EXTENSION)
			tn = d->dt_extension;
		else if (d->dt_type > 0 && d->dt_type < (int)ARRAY_SIZE(
		    discrete))
			tn = discrete[d->dt_type];
	} else if (ct->ct_type->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE) {
		const struct mailmime_composite_type *c =
		    ct->ct_type->tp_data.tp_composite_type;

		if (c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE)
			tn = "message";
		else if (c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART)
			tn = "multipart";
		else
			tn = c->ct_token;
	}
	if (!tn)
		return NULL;
	tl = strlen(tn);
	sl = strlen(ct->ct_subtype);
	s = arena_alloc(t, tl + sl + 2);
	memcpy(s, tn, tl);
	s[tl] = '/';
	memcpy(s + tl + 1, ct->ct_subtype, sl + 1);
	return valid_type(str_lower(s)) ? s : NULL;
}

static const struct mailmime_field *
mime_field_of(const struct mailmime *n, int type)
{
	clistiter *it;

	if (!n->mm_mime_fields)
		return NULL;
	for (it = clist_begin(n->mm_mime_fields->fld_list); it;
	    it = clist_next(it)) {
		const struct mailmime_field *f = clist_content(it);

		if (f->fld_type == type)
			return f;
	}
	return NULL;
}

/* Type, charset, boundary, transfer encoding, disposition of p from n. */
static void
interpret(struct reader *r, struct mime_part *p, const struct mailmime *n)
{
	const struct mailmime_field *f;
	const struct mailmime_disposition *d = NULL;
	struct params ct, cd;
	const char *raw = mime_part_field(p, "Content-Type");

	ct.n = cd.n = 0;
	ct.first = cd.first = 0;
	p->type = type_string(r->t, n->mm_content_type);
	if (p->type && raw && !memchr(raw, '/', strcspn(raw, ";"))) {
		/* "Content-Type: text": libetpan says text/unknown. */
		defect(r, "Content-Type '%.60s' without a subtype read as "
		    "text/plain", raw);
		p->type = arena_strdup(r->t, "text/plain");
	} else if (!p->type) {
		defect(r, "unreadable Content-Type '%.60s'", raw ? raw : "");
		p->type = arena_strdup(r->t, "text/plain");
	} else if (raw && !strcmp(p->type, "text/plain") &&
	    strncasecmp(raw, "text/plain", 10)) {
		defect(r, "invalid Content-Type '%.60s' read as text/plain",
		    raw);
	}
	params_of_content(n->mm_content_type, &ct);
	p->charset = param_raw(r->t, &ct, "charset");
	if (!p->charset)	/* charset*=us-ascii''utf-8 */
		p->charset = arena_take(r->t, param_get(&ct, "charset",
		    NULL));
	if (p->charset && !plain_label(p->charset)) {
		defect(r, "unreadable charset label");
		p->charset = NULL;
	}
	if (p->charset) {
		str_lower(p->charset);
		str_trim(p->charset);
	}
	p->boundary = param_raw(r->t, &ct, "boundary");

	f = mime_field_of(n, MAILMIME_FIELD_TRANSFER_ENCODING);
	if (f && f->fld_data.fld_encoding) {
		switch (f->fld_data.fld_encoding->enc_type) {
		case MAILMIME_MECHANISM_BASE64:
			p->enc = MIME_ENC_BASE64;
			break;
		case MAILMIME_MECHANISM_QUOTED_PRINTABLE:
			p->enc = MIME_ENC_QP;
			break;
		case MAILMIME_MECHANISM_TOKEN:
			defect(r, "unknown Content-Transfer-Encoding '%.40s' "
			    "read as 8bit", f->fld_data.fld_encoding->
			    enc_token ? f->fld_data.fld_encoding->enc_token :
			    "");
			break;
		default:
			break;
		}
	}

	f = mime_field_of(n, MAILMIME_FIELD_DISPOSITION);
	if (f)
		d = f->fld_data.fld_disposition;
	if (d) {
		if (d->dsp_type && d->dsp_type->dsp_type ==
		    MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
			p->disp = MIME_DISP_ATTACHMENT;
		else if (d->dsp_type && d->dsp_type->dsp_type ==
		    MAILMIME_DISPOSITION_TYPE_INLINE)
			p->disp = MIME_DISP_INLINE;
		params_of_disposition(d, &cd);
		p->filename = arena_take(r->t, param_get(&cd, "filename",
		    p->charset));
		if (!p->filename)
			p->filename = arena_take(r->t, param_get(&cd, "name",
			    p->charset));
	}
	if (!p->filename)
		p->filename = arena_take(r->t, param_get(&ct, "name",
		    p->charset));
	params_release(&ct);
	params_release(&cd);
}

static struct mime_part *
new_part(struct reader *r, struct mime_part *parent)
{
	struct mime_part *p;

	if (r->t->nparts >= r->lim->max_parts) {
		err_set(r->e, ERR_PERM, "message has more than %zu MIME parts "
		    "(max_parts)", r->lim->max_parts);
		return NULL;
	}
	if (parent && (parent->depth + 1 > r->lim->max_depth ||
	    parent->depth + 1 > MIME_HARD_DEPTH)) {
		err_set(r->e, ERR_PERM, "MIME parts nested deeper than %zu "
		    "(max_depth)", MIN(r->lim->max_depth,
		    (size_t)MIME_HARD_DEPTH));
		return NULL;
	}
	p = arena_zalloc(r->t, sizeof(*p));
	p->parent = parent;
	p->depth = parent ? parent->depth + 1 : 0;
	r->t->nparts++;
	return p;
}

static const char *
body_of(const struct mailmime *n, size_t *len)
{
	if (!n->mm_body || n->mm_body->dt_type != MAILMIME_DATA_TEXT) {
		*len = 0;
		return NULL;
	}
	*len = n->mm_body->dt_data.dt_text.dt_length;
	return n->mm_body->dt_data.dt_text.dt_data;
}

/*
 * A copy of a message for libetpan with only the header fields whose
 * reading by libetpan is used: the addresses (mime_tree_addresses) and
 * the MIME fields (interpret).  Every other field (Received, DKIM, Subject,
 * Date...) is listed by read_fields, and libetpan's typed reading of
 * them, one allocation per token, was most of its parse of the header.
 * The copy is copy[0..kept), the kept field lines, then orig[stop..n)
 * byte for byte, so that a pointer into the rest maps back by offset.
 * (While libetpan reads it, some quoted values in it are written without
 * their quotes, same length, and some names end in X: unquote_params.)
 */
#define TRIM_PATCHES 32	/* quoted values unquoted per copy, at most */

struct trim {
	const char *orig;
	size_t n;
	char *copy;
	size_t len;
	size_t cap;		/* copy's allocation */
	size_t kept;		/* the kept lines' bytes in copy */
	size_t stop;		/* where orig's verbatim rest starts */
	size_t npatch;		/* values unquoted in copy (unquote_params) */
	struct {
		size_t at, len;	/* len 0: a name's last letter (unread_name) */
		char was;	/* that letter */
	} patch[TRIM_PATCHES];
};

/*
 * What becomes of a field in the copy: kept, left out, or left out when it
 * is closed (trim_closed).  Kept: the fields libetpan reads for us (the
 * addresses inquiryd takes from its reading are From, Reply-To, To and
 * Cc) and the Content- fields.  The other fields it reads by their
 * syntax (its envelope fields: Subject, Date, Sender, Bcc..., and
 * MIME-Version, which nothing here asks of it), and such a reading may
 * run on into the lines after an open quote, comment or angle.
 */
enum { TRIM_DROP, TRIM_KEEP, TRIM_TYPED };

static int
trim_class(const char *name, size_t len)
{
	switch (tolower_c((unsigned char)name[0])) {
	case 'b':
		return name_is(name, len, "bcc") ? TRIM_TYPED : TRIM_DROP;
	case 'c':
		return (len >= 8 && name_is(name, 8, "content-")) ||
		    name_is(name, len, "cc") ? TRIM_KEEP : TRIM_DROP;
	case 'd':
		return name_is(name, len, "date") ? TRIM_TYPED : TRIM_DROP;
	case 'f':
		return name_is(name, len, "from") ? TRIM_KEEP : TRIM_DROP;
	case 'i':
		return name_is(name, len, "in-reply-to") ? TRIM_TYPED :
		    TRIM_DROP;
	case 'm':
		return name_is(name, len, "mime-version") ||
		    name_is(name, len, "message-id") ? TRIM_TYPED : TRIM_DROP;
	case 'r':
		return name_is(name, len, "reply-to") ? TRIM_KEEP :
		    name_is(name, len, "references") ? TRIM_TYPED : TRIM_DROP;
	case 's':
		return name_is(name, len, "sender") ||
		    name_is(name, len, "subject") ? TRIM_TYPED : TRIM_DROP;
	case 't':
		return name_is(name, len, "to") ? TRIM_KEEP : TRIM_DROP;
	}
	return TRIM_DROP;	/* X-..., Received, DKIM-..., ARC-... */
}

/*
 * Whether the field text s[0..n) closes every quoted string, comment and
 * domain literal it opens.  libetpan's typed reading of a field that
 * does not may run on through the lines after it.
 */
static int
trim_closed(const char *s, size_t n)
{
	static unsigned char special[256];
	const char *e = s + n;
	int quote = 0, depth = 0, literal = 0, angle = 0;
	const char *c;

	if (!special['"'])
		for (c = "\"\\()[]<>"; *c; c++)
			special[(unsigned char)*c] = 1;
	for (; s < e; s++) {
		/* Four bytes a step through the ordinary ones. */
		while (e - s >= 4 && !(special[(unsigned char)s[0]] |
		    special[(unsigned char)s[1]] |
		    special[(unsigned char)s[2]] |
		    special[(unsigned char)s[3]]))
			s += 4;
		while (s < e && !special[(unsigned char)*s])
			s++;
		if (s == e)
			break;
		if (*s == '\\') {
			if (++s == e)
				return 0;
		} else if (*s == '"' && !depth) {
			quote = !quote;
		} else if (quote) {
			continue;
		} else if (*s == '(') {
			depth++;
		} else if (*s == ')') {
			if (--depth < 0)
				return 0;
		} else if (!depth && *s == '[') {
			literal = 1;
		} else if (!depth && *s == ']') {
			literal = 0;
		} else if (!depth && *s == '<') {
			if (angle++)
				return 0;
		} else if (!depth && *s == '>') {
			if (!angle--)
				return 0;
		}
	}
	return !quote && !depth && !literal && !angle;
}

/* An empty trim; the patches are not cleared (npatch says how many). */
static void
trim_clear(struct trim *tr)
{
	memset(tr, 0, offsetof(struct trim, patch));
}

/* Fewer bytes left out than TRIM_MIN are not worth the copy. */
#define TRIM_MIN 64
#define TRIM_KEEP_CAP (256 * 1024)	/* copy buffer kept for the next */

/*
 * The buffer of the last copy released (mime_tree_release), kept for the
 * next message so that a copy costs no allocation: process-wide, as the
 * parse is single-threaded.
 */
static char *trim_spare;
static size_t trim_spare_cap;

static char *
trim_buffer(size_t need, size_t *cap)
{
	char *b;

	if (trim_spare && trim_spare_cap >= need) {
		b = trim_spare;
		*cap = trim_spare_cap;
		trim_spare = NULL;
		return b;
	}
	*cap = MAX(need, (size_t)4096);
	return xmalloc(*cap);
}

static void
trim_release(char *b, size_t cap)
{
	if (!b)
		return;
	if (cap > TRIM_KEEP_CAP || (trim_spare && trim_spare_cap >= cap)) {
		free(b);
		return;
	}
	free(trim_spare);
	trim_spare = b;
	trim_spare_cap = cap;
}

/*
 * Whether s[0..n), which has no blank line, is header fields to its end
 * (each line a field or the fold of one) without a line end after the
 * last: libetpan would read that last field as the body.
 */
static int
unended_header(const char *s, size_t n)
{
	const char *line, *end = s + n, *nl, *ce;

	if (!n || s[n - 1] == '\n')
		return 0;
	for (line = s; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		ce = nl ? nl : end;
		if ((line == s || (*line != ' ' && *line != '\t')) &&
		    !field_colon(line, ce, NULL))
			return 0;
		if (!nl)
			break;
	}
	return 1;
}

/*
 * Fills tr with the copy of s[0..n), whose header ends at hdr_end (its
 * blank line; n if none), or returns 0 when too little would be left out
 * (TRIM_MIN) or the header is one to give libetpan whole.
 *
 * Only lines that libetpan reads as a field of their own are left out:
 * a name of printable characters and a colon, and the lines that fold
 * into it, all ended by the LF before the blank line, so that libetpan
 * would have read each whole (unstructured, up to an LF not followed by
 * a blank) and gone on to the next.  At the first line that is anything
 * else, the rest is copied as it is, and libetpan meets it as before.
 * A kept or typed field that leaves a quoted string, a comment or an
 * angle open keeps the whole header, as libetpan's reading of it may
 * take in the next fields; so do a NUL, a lone CR and a blank fold line,
 * which libetpan reads in ways of its own.
 */
static int
trim_header(const char *s, size_t n, size_t hdr_end, struct trim *tr)
{
	const char *p = s, *end = s + hdr_end, *nl, *q;
	const char *run = s;	/* start of the kept lines not yet copied */
	const char *field = NULL;	/* a field to be closed */
	size_t dropped = 0, nlen;
	int keep = 0, class;

	trim_clear(tr);
	if (hdr_end >= n || hdr_end < TRIM_MIN)
		return 0;	/* no blank line, or too short to gain */
	tr->copy = trim_buffer(n + 1, &tr->cap);
	for (; p < end && (nl = memchr(p, '\n', (size_t)(end - p)));
	    p = nl + 1) {
		if (*p == ' ' || *p == '\t') {
			for (q = p; q < nl && (*q == ' ' || *q == '\t' ||
			    *q == '\r'); q++)
				;
			if (q == nl)
				goto refuse;	/* a blank fold line */
			if (p == s)
				break;	/* a fold with no field */
			continue;	/* part of the field before */
		}
		if (!field_colon(p, nl, &nlen))
			break;	/* no field: the rest as it is */
		class = trim_class(p, nlen);
		if (field && !trim_closed(field, (size_t)(p - field)))
			goto refuse;
		field = class != TRIM_DROP ? p : NULL;
		if (keep && class != TRIM_KEEP) {	/* a kept run ends */
			memcpy(tr->copy + tr->kept, run, (size_t)(p - run));
			tr->kept += (size_t)(p - run);
		} else if (!keep && class == TRIM_KEEP) {
			dropped += (size_t)(p - run);
			run = p;
		}
		keep = class == TRIM_KEEP;
	}
	if (field && !trim_closed(field, (size_t)(p - field)))
		goto refuse;
	if (!keep) {
		dropped += (size_t)(p - run);
		run = p;
	}
	if (dropped < TRIM_MIN)
		goto refuse;
	for (q = s; (q = memchr(q, '\r', (size_t)(p - q))); q++)
		if (q + 1 == p || q[1] != '\n')
			goto refuse;	/* a lone CR */
	if (memchr(s, '\0', (size_t)(p - s)))
		goto refuse;
	memcpy(tr->copy + tr->kept, run, (size_t)(p - run));
	tr->kept += (size_t)(p - run);
	tr->orig = s;
	tr->n = n;
	tr->stop = (size_t)(p - s);
	memcpy(tr->copy + tr->kept, p, n - tr->stop);
	tr->len = tr->kept + n - tr->stop;
	tr->copy[tr->len] = '\0';
	return 1;
refuse:
	trim_release(tr->copy, tr->cap);
	trim_clear(tr);
	return 0;
}

/*
 * Quoted parameter values, read cheaper.  libetpan reads a quoted string
 * a character at a time (a test for folding blanks, one for the
 * character, an append to a growing string), ~1,300 instructions for a
 * boundary or "utf-8" against ~130 for the same value as an atom, and
 * most Content-Type fields quote their charset and boundary.  So in the
 * copy it reads, a value ="X" of a Content-Type field is written =  X
 * (two blanks, then X: the same length, so every offset holds) when
 * libetpan reads both spellings alike:
 *
 *  - X is not empty, and printable ASCII without blanks, quotes,
 *    backslashes, parentheses or the characters that end an atom
 *    (<>,:;): the quoted string's content is X, and so is the atom;
 *  - the byte after the closing quote ends an atom (';', a blank, a line
 *    end, the value's end), so the atom stops where the quote did;
 *  - the field has no '(' or '\' before the end of the value, so that
 *    libetpan's reading (comments, quoted pairs) goes from quote to
 *    quote as the scan here does.
 *
 * Just after that '=', libetpan is past a parameter's '=' (its CFWS
 * then skips the blanks, and the value is X either way, read up to the
 * same byte), or in an atom with the '=' in it, which the quote and the
 * blank end alike (and the ';' it looks for next is in neither).  The
 * quotes are put back (unquote_restore) as soon as libetpan is done,
 * before anything else reads the copy.  A Content-Disposition filename
 * is read as a Content-Type value is, and unquoted the same way.
 */

/* atom_chars[c]: c may be in a value unquoted (see above). */
static unsigned char atom_chars[256];

/*
 * Whether the value quoted at p is a filename= one: of the parameters of
 * Content-Disposition, libetpan reads the dates only quoted and the
 * size as a number, but a filename as it reads a Content-Type value.
 */
static int
filename_value(const char *v, const char *p)
{
	return p - v >= 10 && memchr("; \t\n", p[-10], 4) &&
	    !strncasecmp(p - 9, "filename", 8);
}

/*
 * Marks the values of the field value v..e of b to unquote (only the
 * filename= ones when dsp: of a Content-Disposition field).
 */
static void
unquote_value(struct trim *tr, const char *b, const char *v, const char *e,
    int dsp)
{
	const char *p, *q, *x;
	int c;

	if (!atom_chars['a'])
		for (c = 33; c < 127; c++)
			atom_chars[c] = !strchr("\"\\<>,:;()", c);
	if (memchr(v, '(', (size_t)(e - v)) || memchr(v, '\\', (size_t)(e -
	    v)))
		return;
	for (p = v; p < e && (p = memchr(p, '"', (size_t)(e - p)));
	    p = q + 1) {
		if (!(q = memchr(p + 1, '"', (size_t)(e - p - 1))))
			return;
		if (p == v || p[-1] != '=' || q == p + 1 || (q + 1 < e &&
		    q[1] != ';' && q[1] != ' ' && q[1] != '\t' &&
		    q[1] != '\r' && q[1] != '\n') || (dsp &&
		    !filename_value(v, p)))
			continue;
		for (x = p + 1; x < q && atom_chars[(unsigned char)*x]; x++)
			;
		if (x < q || tr->npatch == TRIM_PATCHES)
			continue;
		tr->patch[tr->npatch].at = (size_t)(p - b);
		tr->patch[tr->npatch++].len = (size_t)(q - p - 1);
	}
}

/*
 * Whether line[0..len) starts with the field name w (lowercase, any case
 * in line) and its colon.
 */
static int
field_named(const char *line, size_t len, const char *w)
{
	size_t n = strlen(w);

	return len > n && line[n] == ':' && name_is(line, n, w);
}

static int unquote_ok(int);

/*
 * Where the name of the field that line (of len bytes) starts ends, when
 * it is "Content-ID:" or "Content-Description:" in any case, or 0.
 * libetpan reads a Content-ID value as a msg-id and a description as
 * text, allocating for each, and nothing here asks for either: with the
 * name's last letter an X in the copy (the patch of len 0), the field is
 * one libetpan does not know, and it is skipped as a Content-ID that
 * libetpan cannot read is.
 */
static size_t
unread_name(const char *line, size_t len)
{
	if (field_named(line, len, "content-id"))
		return 10;
	if (field_named(line, len, "content-description"))
		return 19;
	return 0;
}

/*
 * Marks the values to unquote in the Content-Type fields (and the
 * filenames of the Content-Disposition fields) of the header
 * b[from..to), up to its blank line; returns where it stopped.  Only the
 * name is looked at, not whether the lines are fields: a line that
 * libetpan reads as no field, but as body bytes, is read by it as such
 * whatever its values look like.
 */
static size_t
unquote_header(struct trim *tr, const char *b, size_t from, size_t to)
{
	const char *line = b + from, *end = b + to, *nl, *fe;
	size_t skip;

	while (line < end && (nl = memchr(line, '\n', (size_t)(end -
	    line)))) {
		if (nl == line || (nl == line + 1 && *line == '\r'))
			break;	/* the blank line */
		fe = nl;
		if ((skip = unread_name(line, (size_t)(nl - line))) &&
		    tr->npatch < TRIM_PATCHES) {
			tr->patch[tr->npatch].at = (size_t)(line + skip - 1 - b);
			tr->patch[tr->npatch++].len = 0;
		}
		skip = field_named(line, (size_t)(nl - line), "content-type") ?
		    13 : field_named(line, (size_t)(nl - line),
		    "content-disposition") && unquote_ok(1) ? 20 : 0;
		if (skip) {
			/* The field's last LF: before a line that is no fold. */
			for (; fe + 1 < end && (fe[1] == ' ' || fe[1] == '\t') &&
			    (nl = memchr(fe + 1, '\n', (size_t)(end - fe - 1)));
			    fe = nl)
				;
			unquote_value(tr, b, line + skip, fe, skip == 20);
		}
		line = fe + 1;
	}
	return (size_t)(line - b);
}

/* Whether libetpan's lists a and b hold alike items (alike), in order. */
static int
lists_alike(clist *a, clist *b, int (*alike)(const void *, const void *))
{
	clistiter *x, *y;

	for (x = clist_begin(a), y = clist_begin(b); x && y;
	    x = clist_next(x), y = clist_next(y))
		if (!alike(clist_content(x), clist_content(y)))
			return 0;
	return !x && !y;
}

static int
param_alike(const void *a, const void *b)
{
	const struct mailmime_parameter *pa = a, *pb = b;

	return !strcmp(pa->pa_name, pb->pa_name) &&
	    !strcmp(pa->pa_value, pb->pa_value);
}

/* Only filenames are probed (unquote_value unquotes nothing else). */
static int
dsp_param_alike(const void *a, const void *b)
{
	const struct mailmime_disposition_parm *pa = a, *pb = b;

	return pa->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME &&
	    pb->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME &&
	    !strcmp(pa->pa_data.pa_filename, pb->pa_data.pa_filename);
}

/* Whether libetpan read a and b, Content-Type values, alike. */
static int
same_content(const char *a, const char *b)
{
	struct mailmime_content *ca = NULL, *cb = NULL;
	size_t ia = 0, ib = 0;
	int same;

	same = mailmime_content_parse(a, strlen(a), &ia, &ca) ==
	    mailmime_content_parse(b, strlen(b), &ib, &cb) && ia == ib &&
	    ca && cb && lists_alike(ca->ct_parameters, cb->ct_parameters,
	    param_alike);
	if (ca)
		mailmime_content_free(ca);
	if (cb)
		mailmime_content_free(cb);
	return same;
}

/* Whether libetpan read a and b, Content-Disposition values, alike. */
static int
same_disposition(const char *a, const char *b)
{
	struct mailmime_disposition *da = NULL, *db = NULL;
	size_t ia = 0, ib = 0;
	int same;

	same = mailmime_disposition_parse(a, strlen(a), &ia, &da) ==
	    mailmime_disposition_parse(b, strlen(b), &ib, &db) && ia == ib &&
	    da && db && da->dsp_type->dsp_type == db->dsp_type->dsp_type &&
	    lists_alike(da->dsp_parms, db->dsp_parms, dsp_param_alike);
	if (da)
		mailmime_disposition_free(da);
	if (db)
		mailmime_disposition_free(db);
	return same;
}

/*
 * Whether this libetpan reads a value unquoted as it reads it quoted,
 * probed once with every character and every end that unquote_value
 * lets through: libetpan 1.9 reads an unquoted value as an atom; older
 * ones read a MIME token, which '=' and '/' end and a tab does not.
 */
static int
unquote_ok(int dsp)
{
	static const char *const probe[][2] = {
		{ "t/s; a=\"x!#$%&'*+-./=?@[]^_`{|}~09AZaz\"; b=\"y\"",
		  "t/s; a=  x!#$%&'*+-./=?@[]^_`{|}~09AZaz; b=  y" },
		{ "t/s; a=\"x\"\t; b=\"y\" ;c=\"z\"\r\n\t;d=\"w\"\n e=\"v\"",
		  "t/s; a=  x\t; b=  y ;c=  z\r\n\t;d=  w\n e=  v" },
	}, *const dprobe[][2] = {
		{ "a; filename=\"x!#$%&'*+-./=?@[]^_`{|}~09AZaz\"",
		  "a; filename=  x!#$%&'*+-./=?@[]^_`{|}~09AZaz" },
		{ "a;filename=\"x\"\t;\r\n\tFILENAME=\"y\" ;\n filename=\"z\"",
		  "a;filename=  x\t;\r\n\tFILENAME=  y ;\n filename=  z" },
	};
	static int ok[2] = { -1, -1 };
	size_t i;

	_Static_assert(ARRAY_SIZE(probe) == ARRAY_SIZE(dprobe),
	    "as many probes of each kind");
	if (ok[dsp] < 0)
		for (ok[dsp] = 1, i = 0; ok[dsp] && i < ARRAY_SIZE(probe); i++)
			ok[dsp] = dsp ? same_disposition(dprobe[i][0],
			    dprobe[i][1]) : same_content(probe[i][0],
			    probe[i][1]);
	return ok[dsp];
}

#ifdef INQUIRYD_UNITTEST
size_t mime_unquote_count;
#endif

/*
 * Unquotes the plain quoted values of the Content-Type fields of the
 * header and of the part headers after the first "--" lines (sc) in the
 * copy libetpan is to read: tr's copy, or a copy of s[0..n) made for it
 * (without fields left out) when tr has none and there is a value.
 */
static void
unquote_params(struct trim *tr, const char *s, size_t n,
    const struct scan *sc)
{
	const char *b = tr->copy ? tr->copy : s, *nl;
	size_t len = tr->copy ? tr->len : n, done, d, k;
	char *x;

	tr->npatch = 0;
	if (mime_exact || !unquote_ok(0))
		return;
	done = unquote_header(tr, b, 0, tr->copy ? tr->kept : len);
	for (k = 0; k < sc->ndash; k++) {
		if (sc->dash[k] < tr->stop)
			continue;	/* in the header */
		d = sc->dash[k] - tr->stop + tr->kept;
		if (d >= done && (nl = memchr(b + d, '\n', len - d)))
			done = unquote_header(tr, b, (size_t)(nl + 1 - b), len);
	}
#ifdef INQUIRYD_UNITTEST
	mime_unquote_count += tr->npatch;
#endif
	if (!tr->npatch)
		return;
	if (!tr->copy) {
		tr->copy = trim_buffer(n + 1, &tr->cap);
		memcpy(tr->copy, s, n);
		tr->copy[n] = '\0';
		tr->orig = s;
		tr->n = tr->len = n;
	}
	for (k = 0; k < tr->npatch; k++) {
		x = tr->copy + tr->patch[k].at;
		if (!tr->patch[k].len) {
			tr->patch[k].was = *x;
			*x = 'X';
			continue;
		}
		memmove(x + 2, x + 1, tr->patch[k].len);
		x[0] = x[1] = ' ';
	}
}

/* Puts back the quotes unquote_params took out of tr's copy. */
static void
unquote_restore(struct trim *tr)
{
	size_t k;
	char *x;

	for (k = 0; k < tr->npatch; k++) {
		x = tr->copy + tr->patch[k].at;
		if (!tr->patch[k].len) {
			*x = tr->patch[k].was;
			continue;
		}
		memmove(x + 1, x + 2, tr->patch[k].len);
		x[0] = x[tr->patch[k].len + 1] = '"';
	}
	tr->npatch = 0;
}

enum pb_mode {
	PB_TOP,		/* the message: an mbox line may come first */
	PB_MESSAGE,	/* an attached message */
	PB_MULTIPART,	/* a multipart body under a synthetic header */
};

static int parse_bytes(struct reader *r, struct mime_part *p, const char *s,
    size_t n, enum pb_mode mode);
static int read_message(struct reader *r, struct mime_part *p,
    const struct mailmime *m, const char *start, const char *end,
    const struct trim *tr);
static int fill(struct reader *r, struct mime_part *p,
    const struct mailmime *n);

/* The parts of multipart n into p. */
static int
fill_multipart(struct reader *r, struct mime_part *p,
    const struct mailmime *n)
{
	struct mime_part *child, **tail = &p->child;
	const struct mailmime *c;
	const char *cbody;
	size_t clen;
	clistiter *it;
	clist *list = n->mm_data.mm_multipart.mm_mp_list;
	int rc = 0;

	if (!list || clist_isempty(list)) {
		defect(r, "no boundary '%.70s' in %s; read as text",
		    p->boundary ? p->boundary : "", p->type);
		p->type = arena_strdup(r->t, "text/plain");
		return 0;
	}
	for (it = clist_begin(list); it && !rc; it = clist_next(it)) {
		c = clist_content(it);
		if (!(child = new_part(r, p)))
			return -1;
		*tail = child;
		tail = &child->next;
		cbody = body_of(c, &clen);
		if (cbody && c->mm_mime_start && cbody >= c->mm_mime_start)
			read_fields(r, child, c->mm_mime_start,
			    (size_t)(cbody - c->mm_mime_start));
		rc = fill(r, child, c);
	}
	return rc;
}

/*
 * A multipart that libetpan read as one part: its boundary was given the
 * RFC 2231 way (boundary*=...), which libetpan does not read.  Its body
 * goes through libetpan again under a plain header.
 */
static int
reparse_multipart(struct reader *r, struct mime_part *p, const char *b)
{
	struct buf syn = BUF_INIT(BUF_CAP_HUGE);
	size_t len;
	char *s;

	buf_addf(&syn, "Content-Type: %s; boundary=\"%s\"\r\n\r\n", p->type, b);
	buf_add(&syn, p->body, p->body_len);
	s = buf_detach(&syn, &len);
	strlist_push_owned(&r->t->owned, s);
	p->boundary = arena_strdup(r->t, b);
	return parse_bytes(r, p, s, len, PB_MULTIPART);
}

/* A boundary we may put in quotes: printable, no quote or backslash. */
static int
plain_boundary(const char *b)
{
	const unsigned char *p;

	if (!*b || strlen(b) > 200)
		return 0;
	for (p = (const unsigned char *)b; *p; p++)
		if (*p < 32 || *p >= 127 || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

/* An encoded message/rfc822, or message/global: libetpan leaves them. */
static int
read_attached(struct reader *r, struct mime_part *p)
{
	struct buf dec = BUF_INIT(BUF_CAP_HUGE);
	struct mime_part *child;
	const char *s = p->body;
	size_t n = p->body_len;

	if (p->enc != MIME_ENC_NONE) {
		defect(r, "encoded %s part decoded", p->type);
		mime_decode_body(p, &dec);
		strlist_push_owned(&r->t->owned, buf_detach(&dec, &n));
		s = r->t->owned.v[r->t->owned.n - 1];
	}
	if (!(child = new_part(r, p)))
		return -1;
	p->child = child;
	return parse_bytes(r, child, s, n, PB_MESSAGE);
}

/* p's fields are read: its type and body, and its children, from n. */
static int
fill(struct reader *r, struct mime_part *p, const struct mailmime *n)
{
	struct mime_part *child;
	const char *body;
	char *b;
	size_t len;
	int rc = 0;

	interpret(r, p, n);
	body = body_of(n, &len);
	p->body = body ? body : "";
	p->body_len = len;
	switch (n->mm_type) {
	case MAILMIME_MULTIPLE:
		rc = fill_multipart(r, p, n);
		break;
	case MAILMIME_MESSAGE:
		if (!(child = new_part(r, p)))
			return -1;
		p->child = child;
		rc = read_message(r, child, n, p->body, p->body + p->body_len,
		    NULL);
		break;
	default:
		if (!strncmp(p->type, "multipart/", 10)) {
			b = boundary_2231(n);
			if (b && plain_boundary(b)) {
				rc = reparse_multipart(r, p, b);
			} else {
				defect(r, "%s without a boundary; read as "
				    "text", p->type);
				p->type = arena_strdup(r->t, "text/plain");
			}
			free(b);
		} else if (!strcmp(p->type, "message/rfc822") ||
		    !strcmp(p->type, "message/global")) {
			rc = read_attached(r, p);
		}
		break;
	}
	return rc;
}

/* Whether the header s..body ends with an empty line. */
static int
blank_line_before(const char *s, const char *body)
{
	const char *p = body;

	if (p > s && p[-1] == '\n')
		p--;
	else
		return 0;
	if (p > s && p[-1] == '\r')
		p--;
	return p == s || p[-1] == '\n';
}

/*
 * p is a message whose header starts at start (libetpan's message node
 * m): its fields from the header, the rest from m's body part.  With tr,
 * libetpan read tr's copy (start..end) and the header is tr's original.
 */
static int
read_message(struct reader *r, struct mime_part *p, const struct mailmime *m,
    const char *start, const char *end, const struct trim *tr)
{
	const struct mailmime *sub = m->mm_data.mm_message.mm_msg_mime;
	const char *body = NULL;
	size_t len = 0, hlen;

	if (sub)
		body = body_of(sub, &len);
	if (!body || body < start || body > end) {
		/* libetpan read the header, not the body: one text part. */
		hlen = read_fields(r, p, start, (size_t)(end - start));
		p->type = arena_strdup(r->t, "text/plain");
		p->body = start + hlen;
		p->body_len = (size_t)(end - start - hlen);
		return 0;
	}
	if (tr) {	/* parse_bytes saw that the body is in the rest */
		body = tr->orig + tr->stop + (size_t)(body - start - tr->kept);
		start = tr->orig;
		end = tr->orig + tr->n;
	}
	read_fields(r, p, start, (size_t)(body - start));
	if (body > start && body < end && !blank_line_before(start, body))
		defect(r, "missing blank line between header and body");
	return fill(r, p, sub);
}

/*
 * libetpan's reading of tr's copy, or of s[0..n) when its header ended
 * elsewhere than in the copied rest (which the fields left out do not
 * cause, but a check costs nothing beside a parse): *trimmed says which.
 */
static int
etpan_parse(struct trim *tr, const char *s, size_t n, struct mailmime **mm,
    int *trimmed)
{
	const struct mailmime *sub;
	const char *body;
	size_t idx = 0, len;
	int er;

	*trimmed = 0;
	if (tr->copy) {
		er = mailmime_parse(tr->copy, tr->len, &idx, mm);
		unquote_restore(tr);
		if (er == MAILIMF_NO_ERROR && *mm) {
			sub = (*mm)->mm_data.mm_message.mm_msg_mime;
			body = sub ? body_of(sub, &len) : NULL;
			if (body && body >= tr->copy + tr->kept &&
			    body <= tr->copy + tr->len) {
				*trimmed = 1;
				return er;
			}
		}
		if (*mm)
			mailmime_free(*mm);
		*mm = NULL;
		idx = 0;
	}
	return mailmime_parse(s, n, &idx, mm);
}

/*
 * Parses the message s[0..n) into p (a new node: the root, or the child of
 * a message part; with PB_MULTIPART, a multipart part whose fields are
 * read), within the limits left.
 */
static int
parse_bytes(struct reader *r, struct mime_part *p, const char *s, size_t n,
    enum pb_mode mode)
{
	const struct mailmime *sub;
	struct mailmime *mm = NULL;
	struct scan sc;
	struct trim tr;
	size_t i, hlen, clen;
	char *copy = NULL, *closed;
	int rc, er, trimmed;

	if (mode == PB_TOP && n >= 5 && !memcmp(s, "From ", 5)) {
		const char *nl = memchr(s, '\n', n);

		defect(r, "mbox 'From ' line skipped");
		n -= nl ? (size_t)(nl + 1 - s) : n;
		s = nl ? nl + 1 : s + n;
	}
	prescan(s, n, &sc);
	if (sc.cr && !sc.lf) {
		defect(r, "CR line ends read as LF");
		copy = xmalloc(n + 1);
		for (i = 0; i < n; i++)
			copy[i] = s[i] == '\r' ? '\n' : s[i];
		copy[n] = '\0';
		strlist_push_owned(&r->t->owned, copy);
		s = copy;
		prescan(s, n, &sc);
	}
	if (mode != PB_MULTIPART && sc.hdr_end == n && unended_header(s, n)) {
		/* The line end its other lines have. */
		const char *nl = memchr(s, '\n', n);
		int crlf = nl && nl > s && nl[-1] == '\r';

		defect(r, "header with no line end after its last field: "
		    "one added");
		copy = xmalloc(n + 3);
		memcpy(copy, s, n);
		if (crlf)
			copy[n++] = '\r';
		copy[n++] = '\n';
		copy[n] = '\0';
		strlist_push_owned(&r->t->owned, copy);
		s = copy;
		prescan(s, n, &sc);
	}
	rc = check_bounds(r, s, n, &sc, p->depth, r->lim->max_parts -
	    r->t->nparts + 1);
	if (rc)
		return rc;
	if ((closed = close_multiparts(r, s, n, &sc, &clen))) {
		strlist_push_owned(&r->t->owned, closed);
		s = copy = closed;
		n = clen;
	}
	if (mode == PB_MULTIPART || !trim_header(s, n, sc.hdr_end, &tr))
		trim_clear(&tr);
	if (mode != PB_MULTIPART)
		unquote_params(&tr, s, n, &sc);
	er = etpan_parse(&tr, s, n, &mm, &trimmed);
	if (trimmed && !r->t->trim) {
		r->t->trim = tr.copy;
		r->t->trim_cap = tr.cap;
	} else if (trimmed) {
		strlist_push_owned(&r->t->owned, tr.copy);
	} else {
		trim_release(tr.copy, tr.cap);
	}
	if (er != MAILIMF_NO_ERROR || !mm) {
		defect(r, "libetpan could not read the MIME structure (error "
		    "%d); read as text", er);
		if (mode == PB_MULTIPART) {
			p->type = arena_strdup(r->t, "text/plain");
			return 0;
		}
		hlen = read_fields(r, p, s, n);
		p->type = arena_strdup(r->t, "text/plain");
		p->body = s + hlen;
		p->body_len = n - hlen;
		return 0;
	}
	if (mode == PB_TOP) {	/* its reading of the header, for addresses */
		r->t->imf = mm->mm_data.mm_message.mm_fields;
		mm->mm_data.mm_message.mm_fields = NULL;
	}
	if (mode != PB_MULTIPART && trimmed) {
		rc = read_message(r, p, mm, tr.copy, tr.copy + tr.len, &tr);
	} else if (mode != PB_MULTIPART) {
		rc = read_message(r, p, mm, s, s + n, NULL);
	} else {
		sub = mm->mm_data.mm_message.mm_msg_mime;
		if (sub && sub->mm_type == MAILMIME_MULTIPLE) {
			p->body = body_of(sub, &p->body_len);
			rc = fill_multipart(r, p, sub);
		} else {
			defect(r, "%s unreadable; read as text", p->type);
			p->type = arena_strdup(r->t, "text/plain");
		}
	}
	mailmime_free(mm);
	return rc;
}

/*
 * libetpan reads every Content-Type value twice (mailmime_field_parse):
 * first as an encoded phrase, word by word, each word copied and
 * converted from US-ASCII to UTF-8 (charconv, an iconv descriptor opened
 * and closed each time) and the words joined again with single spaces;
 * then it parses that.  When a conversion fails, it parses the value as
 * it came instead, as it does already for every value with 8-bit bytes.
 * The decoding is of no use here: interpret reads the type, the charset
 * and the boundary, which are never encoded words, and decodes the names
 * itself (param_get: RFC 2231 and RFC 2047, the part's charset as the
 * hint for raw 8-bit bytes).  So through libetpan's hook for conversions
 * (extended_charconv, charconv.h) every conversion is refused: the
 * decoding stops at the first word, and the value is read as written,
 * which also keeps a quoted boundary with two blanks in a row as it is.
 * Nothing else in inquiryd has libetpan convert text: it decodes headers
 * and bodies with charset.c.
 */
static int
refuse_charconv(const char *tocode, const char *fromcode, const char *str,
    size_t length, char *result, size_t *result_len)
{
	(void)tocode;
	(void)fromcode;
	(void)str;
	(void)length;
	(void)result;
	(void)result_len;
	return MAIL_CHARCONV_ERROR_CONV;
}

int
mime_parse(const char *raw, size_t len, const struct mime_limits *lim,
    struct mime_tree *t, struct err *e)
{
	struct reader r;

	extended_charconv = refuse_charconv;
	memset(t, 0, sizeof(*t));
	strlist_init(&t->defects);
	strlist_init(&t->owned);
	memset(&r, 0, sizeof(r));
	r.t = t;
	r.lim = lim;
	r.e = e;
	t->root = new_part(&r, NULL);
	if (!t->root)
		return -1;
	return parse_bytes(&r, t->root, raw, len, PB_TOP);
}

void
mime_tree_release(struct mime_tree *t)
{
	arena_release(t);	/* the parts, their fields and strings */
	t->root = NULL;
	t->nparts = 0;
	strlist_release(&t->defects);
	strlist_release(&t->owned);
	if (t->imf)
		mailimf_fields_free(t->imf);
	t->imf = NULL;
	trim_release(t->trim, t->trim_cap);
	t->trim = NULL;
}

/* ---- Transfer decoding -------------------------------------------------- */

static signed char b64val[256];

static void
b64_init(void)
{
	int i;

	if (b64val['A'] == 0 && b64val['/'] == 63)
		return;
	memset(b64val, -1, sizeof(b64val));
	for (i = 0; i < 64; i++)
		b64val[(unsigned char)b64chars[i]] = (signed char)i;
	/* URL-safe letters, seen in the wild. */
	b64val['-'] = 62;
	b64val['_'] = 63;
}

/*
 * Base64 decoding of s[0..n) into d, which has room for 3n/4 bytes (see
 * b64_decode for the rules); returns the bytes written.
 */
static size_t
b64_into(const unsigned char *u, size_t n, char *d)
{
	unsigned acc = 0;
	int bits = 0, a, b, c, e;
	size_t i = 0, k = 0;

	while (i < n) {
		/* Whole quanta, as in b64_decode. */
		while (!bits && n - i >= 4) {
			a = b64val[u[i]];
			b = b64val[u[i + 1]];
			c = b64val[u[i + 2]];
			e = b64val[u[i + 3]];
			if ((a | b | c | e) < 0)
				break;
			d[k] = (char)(a << 2 | b >> 4);
			d[k + 1] = (char)(b << 4 | c >> 2);
			d[k + 2] = (char)(c << 6 | e);
			k += 3;
			i += 4;
		}
		if (i == n)
			break;
		a = b64val[u[i++]];
		if (u[i - 1] == '=') {
			bits = 0;
			acc = 0;
			continue;
		}
		if (a < 0)
			continue;
		acc = (acc << 6) | (unsigned)a;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d[k++] = (char)(acc >> bits);
		}
		acc &= (1u << bits) - 1;
	}
	return k;
}

/*
 * Base64, leniently: characters outside the alphabet are skipped, URL-safe
 * letters read, and '=' ends a quantum, so that blocks encoded apart and
 * written one after the other decode right (libetpan's decoder skips the
 * '=' and shifts every later byte; it also appends three bytes at a time
 * to its string, three times slower here).  Decodes into out in chunks
 * (flushed at the same points whatever the speed: a cut output ends at
 * the last chunk that fit); returns the decoded size, *capped when out's
 * cap was hit.
 */
static size_t
b64_decode(const char *s, size_t n, struct buf *out, int *capped)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned acc = 0;
	int bits = 0, a, b, c, d;
	size_t i = 0, total = 0;
	char chunk[1024], *dst;
	size_t cn = 0;

	b64_init();
	/*
	 * With room for the most the text can make (3n/4), no chunk can be
	 * refused: the bytes are written in place, no chunks needed.
	 */
	if (out->max - out->len >= n / 4 * 3 + 3 &&
	    (dst = buf_space(out, n / 4 * 3 + 3))) {
		total = b64_into(u, n, dst);
		buf_added(out, total);
		return total;
	}
	while (i < n) {
		/*
		 * Four letters of a whole quantum make three bytes: the
		 * common case, taken in a loop of its own (a negative
		 * value, outside the alphabet, makes the or negative).
		 */
		while (!bits && n - i >= 4) {
			a = b64val[u[i]];
			b = b64val[u[i + 1]];
			c = b64val[u[i + 2]];
			d = b64val[u[i + 3]];
			if ((a | b | c | d) < 0)
				break;
			if (cn + 3 > sizeof(chunk)) {
				if (!*capped && buf_add(out, chunk, cn))
					*capped = 1;
				cn = 0;
			}
			chunk[cn++] = (char)(a << 2 | b >> 4);
			chunk[cn++] = (char)(b << 4 | c >> 2);
			chunk[cn++] = (char)(c << 6 | d);
			total += 3;
			i += 4;
		}
		if (i == n)
			break;
		/* One character: a letter out of step, a '=', or other. */
		a = b64val[u[i++]];
		if (u[i - 1] == '=') {
			bits = 0;	/* padding ends a quantum */
			acc = 0;
			continue;
		}
		if (a < 0)
			continue;
		acc = (acc << 6) | (unsigned)a;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			total++;
			/* full (the loop above may fill it to the last
			 * byte): flushed before it is written */
			if (cn == sizeof(chunk)) {
				if (!*capped && buf_add(out, chunk, cn))
					*capped = 1;
				cn = 0;
			}
			chunk[cn++] = (char)(acc >> bits);
		}
		acc &= (1u << bits) - 1;
	}
	if (cn && !*capped && buf_add(out, chunk, cn))
		*capped = 1;
	return total;
}

/*
 * What b64_decode returns, without decoding: each letter adds 6 bits, a
 * byte is out at each 8, and a '=' drops the bits left, so a run of k
 * letters between two '=' (other characters skipped) makes 3k/4 bytes.
 */
static size_t
b64_count(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k = 0, total = 0;

	b64_init();
	while (i < n) {
		/* Four letters at a time, as b64_decode takes them. */
		while (n - i >= 4 && (b64val[u[i]] | b64val[u[i + 1]] |
		    b64val[u[i + 2]] | b64val[u[i + 3]]) >= 0) {
			k += 4;
			i += 4;
		}
		if (i == n)
			break;
		if (u[i] == '=') {
			total += 3 * k / 4;
			k = 0;
		}
		k += b64val[u[i++]] >= 0;
	}
	return total + 3 * k / 4;
}

/*
 * Quoted-printable, leniently: libetpan's decoder turns a bad escape
 * ("=ZZ") into a NUL byte; RFC 2045 (6.7) lets a reader keep it as it is,
 * which is what people read.  Counts only when out is NULL.
 */
static size_t
qp_decode(const char *s, size_t n, struct buf *out, int *capped)
{
	size_t i, total = 0, j;
	int h, l;
	char chunk[1024];
	size_t cn = 0;
	char c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (c != '=') {
			/* The run up to the next '=', copied whole (flushed
			 * at the same points as byte by byte). */
			const char *eq = memchr(s + i, '=', n - i);
			size_t run = (eq ? (size_t)(eq - s) : n) - i, k;

			total += run;
			while (out && run) {
				k = MIN(run, sizeof(chunk) - cn);
				memcpy(chunk + cn, s + i, k);
				cn += k;
				i += k;
				run -= k;
				if (cn == sizeof(chunk)) {
					if (!*capped && buf_add(out, chunk,
					    cn))
						*capped = 1;
					cn = 0;
				}
			}
			if (!out)
				i += run;
			i--;
			continue;
		}
		if (c == '=') {
			if (i + 2 < n + 0 && (h = hex_digit(s[i + 1])) >= 0 &&
			    (l = hex_digit(s[i + 2])) >= 0) {
				c = (char)(h << 4 | l);
				i += 2;
			} else {
				/* A soft break: "=", blanks, line end. */
				for (j = i + 1; j < n && (s[j] == ' ' ||
				    s[j] == '\t'); j++)
					;
				if (j == n || s[j] == '\r' || s[j] == '\n') {
					if (j < n && s[j] == '\r' &&
					    j + 1 < n && s[j + 1] == '\n')
						j++;
					i = j;
					continue;
				}
			}
		}
		total++;
		if (out) {
			chunk[cn++] = c;
			if (cn == sizeof(chunk)) {
				if (!*capped && buf_add(out, chunk, cn))
					*capped = 1;
				cn = 0;
			}
		}
	}
	if (out && cn && !*capped && buf_add(out, chunk, cn))
		*capped = 1;
	return total;
}

int
mime_decode_body(const struct mime_part *p, struct buf *out)
{
	int capped = 0;

	switch (p->enc) {
	case MIME_ENC_BASE64:
		b64_decode(p->body, p->body_len, out, &capped);
		break;
	case MIME_ENC_QP:
		qp_decode(p->body, p->body_len, out, &capped);
		break;
	default:
		if (buf_add(out, p->body, p->body_len)) {
			buf_add(out, p->body, out->max - out->len);
			capped = 1;
		}
		break;
	}
	return capped ? -1 : 0;
}

size_t
mime_decoded_size(const struct mime_part *p)
{
	int capped = 0;

	switch (p->enc) {
	case MIME_ENC_BASE64:
		return b64_count(p->body, p->body_len);
	case MIME_ENC_QP:
		return qp_decode(p->body, p->body_len, NULL, &capped);
	default:
		return p->body_len;
	}
}

/* ---- Header values ---------------------------------------------------- */

/* Appends text to out as UTF-8: as it is when valid, else from hint. */
static void
add_text(struct buf *out, const char *s, size_t n, const char *hint)
{
	if (!n)
		return;
	if (charset_utf8_valid(s, n))
		buf_add(out, s, n);
	else
		charset_to_utf8(hint, s, n, out, NULL);
}

/*
 * An encoded-word at s: "=?charset[*lang]?B|Q?text?=".  Returns its end
 * and fills the charset and the decoded bytes, or NULL.
 */
static const char *
encoded_word(const char *s, const char *end, char *cs, size_t cssize,
    struct buf *bytes)
{
	const char *p = s + 2, *q, *text;
	char enc;
	size_t n;
	int capped = 0;

	if (end - s < 8 || s[0] != '=' || s[1] != '?')
		return NULL;
	q = p;
	while (q < end && *q != '?' && (unsigned char)*q > 32)
		q++;
	if (q >= end || *q != '?' || q == p || (size_t)(q - p) >= cssize)
		return NULL;
	n = (size_t)(q - p);
	memcpy(cs, p, n);
	cs[n] = '\0';
	if (strchr(cs, '*'))
		*strchr(cs, '*') = '\0';	/* RFC 2231 language */
	enc = q[1];
	if (q + 2 >= end || q[2] != '?' || !strchr("BbQq", enc) || !enc)
		return NULL;
	text = q + 3;
	for (q = text; q + 1 < end; q++) {
		if (q[0] == '?' && q[1] == '=')
			break;
		if (q - text > 2000)	/* RFC 2047 says 75 */
			return NULL;
		if ((unsigned char)*q <= 32 && *q != ' ')
			return NULL;
	}
	if (q + 1 >= end)
		return NULL;
	if (enc == 'B' || enc == 'b') {
		b64_decode(text, (size_t)(q - text), bytes, &capped);
	} else {
		const char *t;
		int h, l;

		for (t = text; t < q; t++) {
			if (*t == '_')
				buf_addch(bytes, ' ');
			else if (*t == '=' && t + 2 < q + 1 &&
			    (h = hex_digit(t[1])) >= 0 &&
			    (l = hex_digit(t[2])) >= 0) {
				buf_addch(bytes, (char)(h << 4 | l));
				t += 2;
			} else {
				buf_addch(bytes, *t);
			}
		}
	}
	return q + 2;
}

int
mime_header_plain(const char *raw, const char **start, size_t *len)
{
	const unsigned char *u = (const unsigned char *)raw, *end;
	const char *b = raw, *e;

	end = u + strlen(raw);
	while (u < end) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/*
		 * Eight bytes a step while none is below 0x20, 0x7f or
		 * above, or '=' (a test may also flag a byte after one that
		 * is: the byte step below decides).
		 */
		const uint64_t ones = 0x0101010101010101ull;
		const uint64_t highs = ones * 0x80;
		uint64_t v, x;

		while (end - u >= 8) {
			memcpy(&v, u, 8);
			x = v ^ (ones * '=');
			if (((v - ones * 0x20) | ((v & ~highs) + ones) | v |
			    (x - ones)) & highs)
				break;
			u += 8;
		}
		if (u == end)
			break;
#endif
		if (*u < 0x20 || *u >= 0x7f || (u[0] == '=' && u[1] == '?'))
			return 0;
		u++;
	}
	/* Trimmed as str_trim would: ' ' is the only blank here. */
	e = (const char *)end;
	while (*b == ' ')
		b++;
	while (e > b && e[-1] == ' ')
		e--;
	*start = b;
	*len = (size_t)(e - b);
	return 1;
}

char *
mime_decode_header(const char *raw, const char *hint)
{
	struct buf out = BUF_INIT(BUF_CAP_LINE * 4);
	struct buf pend = BUF_INIT(BUF_CAP_LINE * 4);
	struct buf word = BUF_INIT(BUF_CAP_LINE * 4);
	char cs[64], pend_cs[64] = "";
	const char *p, *end, *lit, *we, *q, *g;
	size_t i, j;

	if (!raw)
		return xstrdup("");
	if (mime_header_plain(raw, &p, &i))
		return xstrndup(p, i);
	p = lit = raw;
	end = raw + strlen(raw);
	while (p < end && (q = memchr(p, '=', (size_t)(end - p)))) {
		buf_reset(&word);
		if (q + 1 >= end || q[1] != '?' ||
		    !(we = encoded_word(q, end, cs, sizeof(cs), &word))) {
			p = q + 1;
			continue;
		}
		for (g = lit; g < q && (*g == ' ' || *g == '\t'); g++)
			;
		/*
		 * Blanks between two encoded-words vanish, and words of
		 * one charset are converted together: a character may be
		 * split between them.
		 */
		if (g < q || !pend.len || strcasecmp(cs, pend_cs)) {
			if (pend.len)
				charset_to_utf8(pend_cs, pend.data, pend.len,
				    &out, NULL);
			buf_reset(&pend);
			if (g < q || !out.len)
				add_text(&out, lit, (size_t)(q - lit), hint);
			xstrlcpy(pend_cs, cs, sizeof(pend_cs));
		}
		buf_add(&pend, word.data, word.len);
		p = lit = we;
	}
	if (pend.len)
		charset_to_utf8(pend_cs, pend.data, pend.len, &out, NULL);
	add_text(&out, lit, (size_t)(end - lit), hint);
	buf_release(&pend);
	buf_release(&word);

	/* Controls to spaces; NUL bytes cannot occur (C strings). */
	for (i = j = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];

		out.data[j++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	buf_setlen(&out, j);
	return str_trim(buf_detach(&out, NULL));
}

/* ---- Addresses ---------------------------------------------------------- */

#define MIME_MAX_ADDRESSES 200

/*
 * Adds the mailbox name[0..nlen) addr[0..alen), decoded, to v; name is
 * part of a NUL-terminated string (name[nlen] is read).
 */
static void
push_address(struct mime_address **v, size_t *n, size_t *alloc,
    const char *name, size_t nlen, const char *addr, size_t alen,
    const char *hint)
{
	struct mime_address *a;
	char *nm = NULL, *ad = NULL, *at, *d, *raw;
	const char *s;

	if (*n >= MIME_MAX_ADDRESSES)
		return;
	if (name && nlen) {
		/* A whole string (libetpan's display name) needs no copy. */
		raw = name[nlen] ? xstrndup(name, nlen) : NULL;
		nm = mime_decode_header(raw ? raw : name, hint);
		free(raw);
		/* Quotes left by the lenient reading. */
		if (nm[0] == '"' && strlen(nm) >= 2 &&
		    nm[strlen(nm) - 1] == '"') {
			memmove(nm, nm + 1, strlen(nm) - 2);
			nm[strlen(nm) - 2] = '\0';
		}
		str_trim(nm);
		if (!*nm)
			FREE_AND_NULL(nm);
	}
	if (addr && alen) {
		size_t k = 0, cap = MIN(alen, (size_t)1000);

		/* Blanks and controls inside an address are dropped; at
		 * most 1000 bytes kept. */
		ad = xmalloc(cap + 1);
		for (s = addr; s < addr + alen && k < cap; s++)
			if ((unsigned char)*s > 32 && *s != 127)
				ad[k++] = *s;
		ad[k] = '\0';
		if (!charset_utf8_valid(ad, strlen(ad)) || !*ad) {
			free(ad);
			ad = NULL;
		} else if ((at = strrchr(ad, '@'))) {
			for (d = at + 1; *d; d++)
				if (*d >= 'A' && *d <= 'Z')
					*d = (char)(*d - 'A' + 'a');
		}
	}
	if (!nm && !ad)
		return;
	GROW(*v, *n + 1, *alloc);
	a = &(*v)[(*n)++];
	a->name = nm;
	a->addr = ad;
}

static void
push_mailbox(struct mime_address **v, size_t *n, size_t *alloc,
    const struct mailimf_mailbox *mb, const char *hint)
{
	const char *dn = mb->mb_display_name;

	push_address(v, n, alloc, dn, dn ? strlen(dn) : 0, mb->mb_addr_spec,
	    mb->mb_addr_spec ? strlen(mb->mb_addr_spec) : 0, hint);
}

/*
 * What libetpan refuses ("John Q. Public <j@x>", raw 8-bit names, stray
 * brackets): split at commas outside quotes and brackets; in each piece
 * the address is in <> or is the word with an '@'.
 */
static void
lenient_addresses(const char *s, const char *hint, struct mime_address **v,
    size_t *n, size_t *alloc)
{
	const char *start = s, *p, *lt, *gt, *w, *we, *at;
	int quote = 0, angle = 0, paren = 0;

	for (p = s;; p++) {
		if (*p && *p != ',' ) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				quote = !quote;
			else if (!quote && *p == '<')
				angle++;
			else if (!quote && *p == '>' && angle)
				angle--;
			else if (!quote && *p == '(')
				paren++;
			else if (!quote && *p == ')' && paren)
				paren--;
			continue;
		}
		if (*p == ',' && (quote || angle || paren))
			continue;
		/* One piece: [start, p). */
		lt = memchr(start, '<', (size_t)(p - start));
		gt = lt ? memchr(lt, '>', (size_t)(p - lt)) : NULL;
		if (lt) {
			push_address(v, n, alloc, start, (size_t)(lt - start),
			    lt + 1, (size_t)((gt ? gt : p) - lt - 1), hint);
		} else if ((at = memchr(start, '@', (size_t)(p - start)))) {
			for (w = at; w > start && (unsigned char)w[-1] > 32 &&
			    w[-1] != '"'; w--)
				;
			for (we = at; we < p && (unsigned char)*we > 32 &&
			    *we != '(' && *we != '"'; we++)
				;
			/* "addr (Name)" or "Name addr" */
			if (we < p) {
				const char *c = memchr(we, '(', (size_t)(p -
				    we));
				const char *ce = c ? memchr(c, ')',
				    (size_t)(p - c)) : NULL;

				if (c && ce)
					push_address(v, n, alloc, c + 1,
					    (size_t)(ce - c - 1), w,
					    (size_t)(we - w), hint);
				else
					push_address(v, n, alloc, start,
					    (size_t)(w - start), w,
					    (size_t)(we - w), hint);
			} else {
				push_address(v, n, alloc, start,
				    (size_t)(w - start), w, (size_t)(we - w),
				    hint);
			}
		} else if (p > start) {
			/* No address at all ("foo", "undisclosed"). */
			const char *a = start, *b = p;

			while (a < b && (*a == ' ' || *a == '\t'))
				a++;
			while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			if (b > a && !memchr(a, ' ', (size_t)(b - a)) &&
			    !memchr(a, ':', (size_t)(b - a)))
				push_address(v, n, alloc, NULL, 0, a,
				    (size_t)(b - a), hint);
			else if (b > a && !memchr(a, ':', (size_t)(b - a)))
				push_address(v, n, alloc, a, (size_t)(b - a),
				    NULL, 0, hint);
		}
		if (!*p)
			break;
		start = p + 1;
	}
}

static int
bad_addr_spec(const char *a)
{
	return !a || strpbrk(a, "<>()[],;\" \t\r\n") != NULL;
}

/*
 * libetpan's reading is not used when it made an address of something
 * that is not one ("Lee <lee@x" without '>'), or dropped a comment that
 * holds the name ("a@b (Name)"): the lenient reading does better.
 */
static int
etpan_suspect(const struct mailimf_address_list *al, const char *raw)
{
	clistiter *it, *jt;
	const struct mailimf_mailbox *mb;

	for (it = clist_begin(al->ad_list); it; it = clist_next(it)) {
		struct mailimf_address *a = clist_content(it);

		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			mb = a->ad_data.ad_mailbox;
			if (bad_addr_spec(mb->mb_addr_spec) ||
			    (!mb->mb_display_name && strchr(raw, '(')))
				return 1;
			continue;
		}
		if (!a->ad_data.ad_group->grp_mb_list)
			continue;
		for (jt = clist_begin(a->ad_data.ad_group->grp_mb_list->
		    mb_list); jt; jt = clist_next(jt)) {
			mb = clist_content(jt);
			if (bad_addr_spec(mb->mb_addr_spec))
				return 1;
		}
	}
	return 0;
}

/* Appends the mailboxes of libetpan's address list al, group members
 * included. */
static void
push_address_list(const struct mailimf_address_list *al, const char *hint,
    struct mime_address **v, size_t *n, size_t *alloc)
{
	clistiter *it, *jt;

	for (it = clist_begin(al->ad_list); it; it = clist_next(it)) {
		struct mailimf_address *a = clist_content(it);

		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			push_mailbox(v, n, alloc, a->ad_data.ad_mailbox, hint);
			continue;
		}
		if (!a->ad_data.ad_group->grp_mb_list)
			continue;
		for (jt = clist_begin(a->ad_data.ad_group->grp_mb_list->
		    mb_list); jt; jt = clist_next(jt))
			push_mailbox(v, n, alloc, clist_content(jt), hint);
	}
}

size_t
mime_parse_addresses(const char *raw, const char *hint,
    struct mime_address **out)
{
	struct mailimf_address_list *al = NULL;
	struct mime_address *v = NULL;
	size_t n = 0, alloc = 0, idx = 0, len;
	int r;

	*out = NULL;
	if (!raw || str_blank(raw))
		return 0;
	len = strlen(raw);
	r = mailimf_address_list_parse(raw, len, &idx, &al);
	/* Only a parse of the whole value is trusted. */
	while (r == MAILIMF_NO_ERROR && idx < len && (raw[idx] == ' ' ||
	    raw[idx] == '\t' || raw[idx] == '\r' || raw[idx] == '\n'))
		idx++;
	if (r == MAILIMF_NO_ERROR && idx == len && !etpan_suspect(al, raw))
		push_address_list(al, hint, &v, &n, &alloc);
	else
		lenient_addresses(raw, hint, &v, &n, &alloc);
	if (al)
		mailimf_address_list_free(al);
	*out = v;
	return n;
}

/*
 * The first field called name of libetpan's reading of the message
 * header, when libetpan read it as an address field; NULL otherwise.
 */
static const struct mailimf_field *
imf_address_field(const struct mailimf_fields *fl, const char *name)
{
	static const struct {
		int type;
		const char *name;
	} known[] = {
		{ MAILIMF_FIELD_FROM, "From" }, { MAILIMF_FIELD_SENDER,
		"Sender" }, { MAILIMF_FIELD_REPLY_TO, "Reply-To" },
		{ MAILIMF_FIELD_TO, "To" }, { MAILIMF_FIELD_CC, "Cc" },
		{ MAILIMF_FIELD_BCC, "Bcc" },
	};
	clistiter *it;
	const char *fname;
	size_t i;

	for (it = fl ? clist_begin(fl->fld_list) : NULL; it;
	    it = clist_next(it)) {
		const struct mailimf_field *f = clist_content(it);

		fname = NULL;
		if (f->fld_type == MAILIMF_FIELD_OPTIONAL_FIELD)
			fname = f->fld_data.fld_optional_field->fld_name;
		for (i = 0; !fname && i < ARRAY_SIZE(known); i++)
			if (f->fld_type == known[i].type)
				fname = known[i].name;
		/* The first letters first: most names differ there. */
		if (fname && (fname[0] | 0x20) == (name[0] | 0x20) &&
		    !strcasecmp(fname, name))
			return f->fld_type == MAILIMF_FIELD_OPTIONAL_FIELD ?
			    NULL : f;
	}
	return NULL;
}

size_t
mime_tree_addresses(const struct mime_tree *t, const char *name,
    const char *hint, struct mime_address **out)
{
	const struct mailimf_field *f = imf_address_field(t->imf, name);
	const char *raw = t->root ? mime_part_field(t->root, name) : NULL;
	const struct mailimf_address_list *al = NULL;
	const struct mailimf_mailbox_list *ml = NULL;
	struct mime_address *v = NULL;
	size_t n = 0, alloc = 0;
	clistiter *it;

	*out = NULL;
	if (!raw || !f)
		return mime_parse_addresses(raw, hint, out);
	if (f->fld_type == MAILIMF_FIELD_FROM)
		ml = f->fld_data.fld_from->frm_mb_list;
	else if (f->fld_type == MAILIMF_FIELD_SENDER)
		return mime_parse_addresses(raw, hint, out);
	else if (f->fld_type == MAILIMF_FIELD_REPLY_TO)
		al = f->fld_data.fld_reply_to->rt_addr_list;
	else if (f->fld_type == MAILIMF_FIELD_TO)
		al = f->fld_data.fld_to->to_addr_list;
	else if (f->fld_type == MAILIMF_FIELD_CC)
		al = f->fld_data.fld_cc->cc_addr_list;
	else if (f->fld_type == MAILIMF_FIELD_BCC)
		al = f->fld_data.fld_bcc->bcc_addr_list;
	if (ml) {
		for (it = clist_begin(ml->mb_list); it; it = clist_next(it)) {
			const struct mailimf_mailbox *mb = clist_content(it);

			if (bad_addr_spec(mb->mb_addr_spec) ||
			    (!mb->mb_display_name && strchr(raw, '(')))
				return mime_parse_addresses(raw, hint, out);
		}
		for (it = clist_begin(ml->mb_list); it; it = clist_next(it))
			push_mailbox(&v, &n, &alloc, clist_content(it), hint);
	} else if (al && !etpan_suspect(al, raw)) {
		push_address_list(al, hint, &v, &n, &alloc);
	} else {
		return mime_parse_addresses(raw, hint, out);
	}
	if (!n)		/* nothing libetpan could read: the lenient way */
		return mime_parse_addresses(raw, hint, out);
	*out = v;
	return n;
}

void
mime_addresses_free(struct mime_address *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].addr);
	}
	free(a);
}

/* ---- Dates --------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* zone: +hhmm as an integer (e.g. -0500 is -500). */
static int
civil_to_epoch(long y, long mon, long d, long h, long mi, long s, long zone,
    int64_t *out)
{
	long zh, zm;

	if (y < 100)
		y += y < 50 ? 2000 : 1900;
	else if (y < 1000)
		y += 1900;	/* "123" for 2023 from old software */
	if (y < 1900 || y > 9999 || mon < 1 || mon > 12 || d < 1 || d > 31 ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 ||
	    zone < -2400 || zone > 2400)
		return -1;
	zh = zone / 100;
	zm = zone % 100;
	*out = days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + s - (zh * 3600 + zm * 60);
	return 0;
}

static const char *const months[] = { "jan", "feb", "mar", "apr", "may",
	"jun", "jul", "aug", "sep", "oct", "nov", "dec" };

static const struct {
	const char *name;
	int zone;
} zones[] = {
	{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 }, { "est", -500 },
	{ "edt", -400 }, { "cst", -600 }, { "cdt", -500 }, { "mst", -700 },
	{ "mdt", -600 }, { "pst", -800 }, { "pdt", -700 }, { "cet", 100 },
	{ "cest", 200 }, { "bst", 100 }, { "ist", 530 }, { "jst", 900 },
	{ "kst", 900 }, { "hkt", 800 }, { "sgt", 800 }, { "msk", 300 },
	{ "eet", 200 }, { "eest", 300 }, { "wet", 0 }, { "aest", 1000 },
};

/*
 * The lenient reader: tokens in any order that a human would read as a
 * date ("2 Jan 06 15:04 +0800", "Mon Jan  2 15:04:05 2006",
 * "02 Jan 2006 15:04:05 GMT+8", "2006/01/02 15:04").
 */
static int
lenient_date(const char *s, int64_t *out)
{
	long day = -1, mon = -1, year = -1, h = 0, mi = 0, sec = 0, zone = 0;
	long nums[3];
	size_t nn = 0, i;
	const char *p = s;
	char tok[32];
	int have_time = 0;

	while (*p) {
		size_t n = 0;

		while (*p && !isalnum_c((unsigned char)*p) && *p != '+' &&
		    *p != '-')
			p++;
		if (!*p)
			break;
		if ((*p == '+' || *p == '-') && have_time) {
			int sign = *p == '-' ? -1 : 1;
			long v = 0, digits = 0;

			p++;
			while (isdigit_c((unsigned char)*p) && digits < 5) {
				v = v * 10 + (*p++ - '0');
				digits++;
			}
			if (*p == ':' && digits <= 2) {	/* +08:00 */
				long m2 = 0, d2 = 0;

				p++;
				while (isdigit_c((unsigned char)*p) && d2++ < 2)
					m2 = m2 * 10 + (*p++ - '0');
				v = v * 100 + m2;
			} else if (digits <= 2) {
				v *= 100;		/* GMT+8 */
			}
			if (digits)
				zone = sign * v;
			continue;
		}
		if (*p == '+' || *p == '-') {	/* 2006-01-02 */
			p++;
			continue;
		}
		while ((isalnum_c((unsigned char)*p) || *p == ':') &&
		    n + 1 < sizeof(tok))
			tok[n++] = (char)tolower_c((unsigned char)*p++);
		tok[n] = '\0';
		while (isalnum_c((unsigned char)*p) || *p == ':')
			p++;
		if (strchr(tok, ':')) {
			if (sscanf(tok, "%ld:%ld:%ld", &h, &mi, &sec) >= 2)
				have_time = 1;
			continue;
		}
		if (isdigit_c((unsigned char)tok[0])) {
			long v;

			if (!str_to_long(tok, 0, 99999999, &v) && nn < 3)
				nums[nn++] = v;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(months); i++)
			if (!strncmp(tok, months[i], 3))
				mon = (long)i + 1;
		for (i = 0; i < ARRAY_SIZE(zones); i++)
			if (!strcmp(tok, zones[i].name))
				zone = zones[i].zone;
	}
	if (mon > 0) {
		/* day and year among the numbers: the year is > 31 */
		for (i = 0; i < nn; i++) {
			if (nums[i] > 31 && year < 0)
				year = nums[i];
			else if (day < 0)
				day = nums[i];
			else if (year < 0)
				year = nums[i];
		}
	} else if (nn == 3 && nums[0] > 31) {	/* 2006/01/02 */
		year = nums[0];
		mon = nums[1];
		day = nums[2];
	} else if (nn == 3 && nums[2] > 31) {	/* 02.01.2006 */
		day = nums[0];
		mon = nums[1];
		year = nums[2];
	}
	if (day < 0 || mon < 0 || year < 0)
		return -1;
	return civil_to_epoch(year, mon, day, h, mi, sec, zone, out);
}

/* "2006-01-02T15:04[:05][.123](Z|+hh:mm|+hhmm)" */
static int
iso_date(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, se = 0, n = 0, zh = 0, zm = 0;
	long zone = 0;
	const char *p;

	if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &n) != 5 || !n)
		return -1;
	p = s + n;
	if (*p == ':' && isdigit_c((unsigned char)p[1])) {
		/* "hh:mm:s" at the very end: no reading past the NUL */
		se = p[1] - '0';
		p += 2;
		if (isdigit_c((unsigned char)*p))
			se = se * 10 + (*p++ - '0');
	}
	if (*p == '.')
		for (p++; isdigit_c((unsigned char)*p); p++)
			;
	while (*p == ' ')
		p++;
	if (*p == '+' || *p == '-') {
		if (sscanf(p + 1, "%2d:%2d", &zh, &zm) == 2 ||
		    sscanf(p + 1, "%2d%2d", &zh, &zm) >= 1)
			zone = (*p == '-' ? -1 : 1) * (zh * 100 + zm);
	}
	return civil_to_epoch(y, mo, d, h, mi, se, zone, out);
}

/*
 * libetpan is trusted with RFC 5322's numeric zones only: it misreads
 * "GMT+8" and "+08:00", and names ("UT", "EDT") are the lenient reader's.
 */
static int
plain_zone(const char *s)
{
	const char *p;
	size_t n;
	int seen = 0;

	for (p = s; (p = strpbrk(p, "+-")); p++) {
		for (n = 0; isdigit_c((unsigned char)p[1 + n]); n++)
			;
		if (n && (n != 4 || p[1 + n] == ':'))
			return 0;
		if (n == 4)
			seen = 1;
	}
	return seen;
}

/*
 * n digits at *p (n == 1: one or two) into *v, *p moved past them: 0, or
 * -1 when they are not there.
 */
static int
digits(const char **p, size_t n, long *v)
{
	const char *s = *p;
	size_t k;

	for (*v = 0, k = 0; k < (n == 1 ? 2 : n) && isdigit_c(s[k]); k++)
		*v = *v * 10 + (s[k] - '0');
	if (k < n || (n == 1 && !k))
		return -1;
	*p = s + k;
	return 0;
}

/*
 * The usual RFC 5322 form, "[Tue, ]15 Mar 2025 09:15[:00] +0800" and
 * nothing after, read here: libetpan's reading of it, one token at a
 * time, took 5,000 instructions per date.  Anything else, -1, is left to
 * libetpan and the lenient reader, which read this form the same way.
 */
static int
plain_date(const char *s, int64_t *out)
{
	static const char *const wdays[] = { "mon", "tue", "wed", "thu",
	    "fri", "sat", "sun" };
	const char *p = s;
	long day, year, hour, min, sec = 0, zone;
	size_t i;
	int sign;

	if (((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')) {
		for (i = 0; i < 7 && !name_is(p, 3, wdays[i]); i++)
			;
		if (i == 7 || p[3] != ',' || p[4] != ' ')
			return -1;
		p += 5;
	}
	if (digits(&p, 1, &day) || *p++ != ' ')
		return -1;
	for (i = 0; i < 12 && !name_is(p, 3, months[i]); i++)
		;
	if (i == 12 || p[3] != ' ')
		return -1;
	p += 4;
	if (digits(&p, 4, &year) || *p++ != ' ' || digits(&p, 2, &hour) ||
	    *p++ != ':' || digits(&p, 2, &min))
		return -1;
	if (*p == ':' && (p++, digits(&p, 2, &sec)))
		return -1;
	if (*p++ != ' ' || (*p != '+' && *p != '-'))
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 4, &zone))
		return -1;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p)
		return -1;
	return civil_to_epoch(year, (long)i + 1, day, hour, min, sec,
	    sign * zone, out);
}

int
mime_parse_date(const char *raw, int64_t *out)
{
	struct mailimf_date_time *dt = NULL;
	size_t idx = 0;
	int64_t t;
	int rc = -1;

	if (!raw || str_blank(raw) || strlen(raw) > 200)
		return -1;
	while (*raw == ' ' || *raw == '\t')
		raw++;
	if (!iso_date(raw, out) || !plain_date(raw, out))
		return 0;
	if (plain_zone(raw) && mailimf_date_time_parse(raw, strlen(raw), &idx,
	    &dt) == MAILIMF_NO_ERROR) {
		rc = civil_to_epoch(dt->dt_year, dt->dt_month, dt->dt_day,
		    dt->dt_hour, dt->dt_min, dt->dt_sec, dt->dt_zone, &t);
		mailimf_date_time_free(dt);
	}
	if (rc && (rc = lenient_date(raw, &t)))
		return -1;
	*out = t;
	return 0;
}

/* ---- Message ids --------------------------------------------------- */

void
mime_parse_msgids(const char *raw, struct strlist *out)
{
	struct strlist ids = STRLIST_INIT;
	const char *p = raw, *q;
	size_t i, n;
	int brackets;

	if (!raw)
		return;
	brackets = strchr(raw, '<') != NULL;
	while (*p) {
		if (brackets) {
			p = strchr(p, '<');
			if (!p || !(q = strchr(p + 1, '>')))
				break;
			p++;
		} else {
			while (*p && (*p == ',' || (unsigned char)*p <= 32))
				p++;
			for (q = p; *q && *q != ',' && (unsigned char)*q > 32;
			    q++)
				;
			if (q == p)
				break;
			if (!memchr(p, '@', (size_t)(q - p))) {
				p = q;
				continue;
			}
		}
		{
			/* Blanks and controls dropped, at most 998 bytes. */
			size_t k = 0, cap = MIN((size_t)(q - p), (size_t)998);
			char *id = xmalloc(cap + 1);
			const char *s;

			for (s = p; s < q && k < cap; s++)
				if ((unsigned char)*s > 32 && *s != 127)
					id[k++] = *s;
			id[k] = '\0';
			if (k && charset_utf8_valid(id, k))
				strlist_push_owned(&ids, id);
			else
				free(id);
		}
		p = q + (*q ? 1 : 0);
	}
	/* At most 100: the first (the thread's root) and the newest. */
	n = ids.n;
	for (i = 0; i < n; i++)
		if (n <= 100 || i == 0 || i >= n - 99) {
			strlist_push_owned(out, ids.v[i]);	/* moved */
			ids.v[i] = NULL;
		}
	strlist_release(&ids);
}
