/*
 * parse.c - a raw message to struct parsed_msg: the MIME tree (mime.c),
 * the text in UTF-8 (charset.c, html.c), the flags a daemon must see
 * before drafting anything, and the customer behind a forward.
 */
#include "charset.h"
#include "err.h"
#include "hash.h"
#include "html.h"
#include "mime.h"
#include "parse.h"
#include "phone.h"
#include "rules.h"
#include "ufold.h"

/* Bytes of transfer-decoded body read before charset conversion, per
 * byte of text kept: a single-byte charset can grow to 3 bytes of UTF-8
 * per byte, UTF-16 shrinks; 4 is enough for every text that fits. */
#define RAW_PER_TEXT 4

struct ctx {
	const struct parse_limits *lim;
	struct parsed_msg *pm;
	struct mime_tree tree;
	const struct mime_part *plain, *html;	/* the body parts */
	int fwd_subject;	/* forward_subject(), or -1: not read yet */
};

/* ---- Small helpers ------------------------------------------------- */

static char *header_value(const struct parsed_msg *pm, const char *name);

static void
pm_defect(struct parsed_msg *pm, const char *fmt, ...) ATTR_PRINTF(2, 3);

static void
pm_defect(struct parsed_msg *pm, const char *fmt, ...)
{
	va_list ap;

	if (pm->defects.n >= 60)
		return;
	va_start(ap, fmt);
	strlist_push_owned(&pm->defects, xvasprintf(fmt, ap));
	va_end(ap);
}

/* Whether s starts with lowercase prefix, s read ASCII-lowercased. */
static int
starts_lower(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if ((*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s) != *prefix)
			return 0;
	return 1;
}

/* ASCII-lowercase copy, for matching. */
static char *
lower_copy(const char *s)
{
	char *l = xstrdup(s ? s : "");

	return str_lower(l);
}

/*
 * Whether hay contains one of needles (non-empty strings, a static NULL-
 * terminated list).  One pass over hay: needles are chained by their
 * first two bytes (hashed to one), and only the chain of each pair of
 * bytes of hay is compared there.  The chains of a list are built on its
 * first use and kept (a few lists of at most CONTAINS_MAX needles of two
 * bytes or more; others are searched with strstr).
 */
#define CONTAINS_MAX 64
#define CONTAINS_LISTS 8

struct needle_chains {
	const char *const *needles;
	unsigned char head[256];	/* first needle of a pair, + 1 */
	unsigned char next[CONTAINS_MAX];	/* next of its pair, + 1 */
};

/* The chain of the pair of bytes at s (s[0] is not NUL). */
static unsigned
pair_key(const char *s)
{
	return ((unsigned char)s[0] ^ (unsigned char)s[1] * 7u) & 0xff;
}

static const struct needle_chains *
chains_of(const char *const *needles)
{
	static struct needle_chains cache[CONTAINS_LISTS];
	static size_t ncache;
	struct needle_chains *c = NULL;
	size_t i, k;

	for (i = 0; i < ncache; i++)
		if (cache[i].needles == needles)
			return &cache[i];
	for (k = 0; needles[k]; k++)
		if (!needles[k][0] || !needles[k][1])
			return NULL;
	if (k > CONTAINS_MAX || ncache == CONTAINS_LISTS)
		return NULL;
	c = &cache[ncache];
	memset(c->head, 0, sizeof(c->head));
	/* Backwards, so that each chain is in the needles' order. */
	for (i = k; i-- > 0; ) {
		c->next[i] = c->head[pair_key(needles[i])];
		c->head[pair_key(needles[i])] = (unsigned char)(i + 1);
	}
	c->needles = needles;
	ncache++;
	return c;
}

static int
contains_any(const char *hay, const char *const *needles)
{
	const struct needle_chains *c = chains_of(needles);
	const char *h, *a, *b;
	size_t i;
	int found = 0;

	if (!c) {
		for (i = 0; needles[i] && !found; i++)
			found = strstr(hay, needles[i]) != NULL;
		return found;
	}
	for (h = hay; *h && !found; h++) {
		for (i = c->head[pair_key(h)]; i && !found;
		    i = c->next[i - 1]) {
			a = h;
			for (b = needles[i - 1]; *b && *a == *b; a++, b++)
				;
			found = !*b;
		}
	}
	return found;
}

void
address_release(struct address *a)
{
	FREE_AND_NULL(a->name);
	FREE_AND_NULL(a->addr);
}

static void
address_set(struct address *dst, struct mime_address *src)
{
	address_release(dst);
	dst->name = src->name;	/* taken: src is freed next */
	dst->addr = src->addr;
	src->name = src->addr = NULL;
}

/* The first mailbox of a raw address header into dst; 0 if none. */
static int
first_address(const char *raw, const char *hint, struct address *dst)
{
	struct mime_address *v;
	size_t n = mime_parse_addresses(raw, hint, &v);

	if (n)
		address_set(dst, &v[0]);
	mime_addresses_free(v, n);
	return n > 0;
}

/* As first_address, for a field of the message header. */
static int
root_address(const struct mime_tree *t, const char *name, const char *hint,
    struct address *dst)
{
	struct mime_address *v;
	size_t n = mime_tree_addresses(t, name, hint, &v);

	if (n)
		address_set(dst, &v[0]);
	mime_addresses_free(v, n);
	return n > 0;
}

/* The mailboxes of a field of the message header. */
static void
address_list(const struct mime_tree *t, const char *name, const char *hint,
    struct address **out, size_t *nout)
{
	struct mime_address *v;
	size_t i, n = mime_tree_addresses(t, name, hint, &v);

	*out = NULL;
	*nout = 0;
	if (!n)
		return;
	*out = xcalloc(n, sizeof(**out));
	for (i = 0; i < n; i++)
		address_set(&(*out)[i], &v[i]);
	*nout = n;
	mime_addresses_free(v, n);
}

static char *
decoded_or_null(const char *raw, const char *hint)
{
	char *v;

	if (!raw)
		return NULL;
	v = mime_decode_header(raw, hint);
	return v;
}

/*
 * Length of the blank at s: ASCII blanks, no-break spaces (U+00A0) and
 * ideographic spaces (U+3000); 0 if s is not blank.
 */
static size_t
blank_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*u == ' ' || *u == '\t')
		return 1;
	if (u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

/* The first line of s that has more than blanks on it. */
static const char *
skip_blank_lines(const char *s)
{
	const char *p = s, *line = s;
	size_t k;

	for (;;) {
		while ((k = blank_len(p)))
			p += k;
		if (*p != '\n')
			return line;
		line = ++p;
	}
}

/* ---- Choosing the body ----------------------------------------------- */

static int
is_attachment(const struct mime_part *p)
{
	return p->disp == MIME_DISP_ATTACHMENT ||
	    (p->filename && p->disp != MIME_DISP_INLINE);
}

static int
is_message(const struct mime_part *p)
{
	return !strncmp(p->type, "message/", 8) && p->child;
}

/* A body with nothing but white space (raw, before decoding). */
static int
blank_body(const struct mime_part *p)
{
	size_t i;

	for (i = 0; i < p->body_len; i++)
		if (!strchr(" \t\r\n", p->body[i]))
			return 0;
	return 1;
}

/*
 * Depth-first search from p for the first part of type that is not an
 * attachment (or is, with attachments), descending into attached
 * messages only with messages.  Iterative: the tree is at most max_depth
 * deep, but a walk needs no stack either way.
 */
static const struct mime_part *
find_part(const struct mime_part *root, const char *type, int messages,
    int attachments)
{
	const struct mime_part *p = root;

	while (p) {
		if (!strcmp(p->type, type) && !p->child &&
		    (attachments || !is_attachment(p)) && !blank_body(p))
			return p;
		if (p->child && (!is_message(p) || messages || p == root)) {
			p = p->child;
			continue;
		}
		while (p && p != root && !p->next)
			p = p->parent;
		if (!p || p == root)
			break;
		p = p->next;
	}
	return NULL;
}

static void
choose_body(const struct mime_part *root, const struct mime_part **plain,
    const struct mime_part **html)
{
	*plain = find_part(root, "text/plain", 0, 0);
	*html = find_part(root, "text/html", 0, 0);
	if (!*plain && !*html) {
		*plain = find_part(root, "text/plain", 1, 0);
		*html = find_part(root, "text/html", 1, 0);
	}
	if (!*plain && !*html)
		*plain = find_part(root, "text/plain", 1, 1);
	if (!*plain && !*html)
		*html = find_part(root, "text/html", 1, 1);
}

/* The value of a parameter in a raw Content-Type, lowercased, or NULL. */
static char *
ct_param(const struct mime_part *p, const char *name)
{
	const char *ct = mime_part_field(p, "Content-Type"), *at, *q;
	size_t len = strlen(name), n;
	char *v = NULL;

	/*
	 * name is lowercase: ct is read ASCII-lowercased, in place, at its
	 * start and after each ';' or blank (the places a name may start).
	 */
	for (at = ct; at && *at; at += *at != '\0') {
		if (starts_lower(at, name)) {
			q = at + len;
			while (*q == ' ')
				q++;
			if (*q == '=') {
				q++;
				while (*q == ' ' || *q == '"')
					q++;
				n = strcspn(q, "\"; \t");
				v = str_lower(xstrndup(q, n));
				break;
			}
		}
		at += strcspn(at, "; \t");
	}
	return v;
}

/*
 * Format=flowed (RFC 3676): a line ending in a space continues on the
 * next one (its space removed with delsp=yes); a leading space is
 * stuffing.  Quoted lines join only lines of the same quote depth.
 */
static void
unflow(struct buf *t, int delsp)
{
	struct buf o = BUF_INIT(t->max);
	const char *p = t->data, *end = t->data + t->len, *nl, *c;
	size_t depth, prev_depth = 0;
	int joining = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		for (c = p, depth = 0; c < nl && *c == '>'; c++)
			depth++;
		if (c < nl && *c == ' ')
			c++;	/* stuffing */
		if (joining && depth != prev_depth)
			buf_addch(&o, '\n');
		else if (!joining && o.len)
			buf_addch(&o, '\n');
		if (!joining || depth != prev_depth)
			buf_add(&o, p, (size_t)(c - p));
		/* "-- " is the signature separator, never flowed. */
		if (nl > c && nl[-1] == ' ' && !(nl - c == 3 &&
		    !memcmp(c, "-- ", 3))) {
			buf_add(&o, c, (size_t)(nl - c - (delsp ? 1 : 0)));
			joining = 1;
		} else {
			buf_add(&o, c, (size_t)(nl - c));
			joining = 0;
		}
		prev_depth = depth;
		p = nl < end ? nl + 1 : end;
	}
	buf_release(t);
	*t = o;
}

/*
 * The first byte of d[i..n) that normalise_text changes (a control other
 * than tab and LF, or DEL), or n.  Text is mostly printable: 8 bytes are
 * tested at a time (little-endian only), tabs and LFs passed over.
 */
static size_t
next_control(const unsigned char *d, size_t i, size_t n)
{
	for (;;) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		const uint64_t ones = 0x0101010101010101ull;
		uint64_t v, x, m = 0;

		while (n - i >= 8) {
			memcpy(&v, d + i, 8);
			x = v ^ (ones * 0x7f);
			/* below 0x20, or 0x7f: exact for the lowest byte */
			m = (((v - ones * 0x20) & ~v) | ((x - ones) & ~x)) &
			    (ones * 0x80);
			if (m)
				break;
			i += 8;
		}
		if (m)	/* the byte loop below stops there at once */
			i += (size_t)__builtin_ctzll(m) / 8;
#endif
		while (i < n && d[i] >= 0x20 && d[i] != 0x7f)
			i++;
		if (i == n || (d[i] != '\n' && d[i] != '\t'))
			return i;
		i++;
	}
}

/*
 * In place: CRLF and CR to LF, controls other than tab and LF dropped
 * (form feeds and vertical tabs become LF), the end trimmed.
 */
static void
normalise_text(struct buf *t)
{
	unsigned char *d = (unsigned char *)t->data, c;
	size_t i = 0, j = 0, run;

	while (i < t->len) {
		/* Runs of plain bytes are moved (or kept) whole. */
		run = next_control(d, i, t->len);
		if (j != i)
			memmove(d + j, d + i, run - i);
		j += run - i;
		if (run == t->len)
			break;
		c = d[run];
		i = run + 1;
		if (c == '\r') {
			if (i < t->len && d[i] == '\n')
				continue;
			c = '\n';
		} else if (c == '\f' || c == '\v') {
			c = '\n';
		} else {
			continue;
		}
		d[j++] = c;
	}
	buf_setlen(t, j);
	buf_rtrim(t);
	/* Blank lines at the start. */
	j = (size_t)(skip_blank_lines(t->data) - t->data);
	if (j) {
		memmove(t->data, t->data + j, t->len - j);
		buf_setlen(t, t->len - j);
	}
}

/*
 * Decodes part p (transfer encoding, then charset) into out as UTF-8, at
 * most max bytes.  Sets the charset facts on pm when main.  Returns 1
 * when something was cut.
 */
static int
part_text(struct ctx *c, const struct mime_part *p, struct buf *out,
    int main, int html)
{
	struct parsed_msg *pm = c->pm;
	struct buf raw = BUF_INIT(c->lim->max_text * RAW_PER_TEXT);
	char *used = NULL, *sniffed = NULL;
	const char *label = p->charset, *data;
	size_t dlen;
	unsigned how;
	int cut = 0;

	if (p->enc == MIME_ENC_NONE && p->body_len <= raw.max) {
		/* Not encoded and within the cap: read where it is. */
		data = p->body;
		dlen = p->body_len;
	} else {
		/* Room for the decoded body at once (base64: 3/4). */
		buf_reserve(&raw, p->enc == MIME_ENC_BASE64 ?
		    p->body_len / 4 * 3 + 3 : p->body_len);
		if (mime_decode_body(p, &raw))
			cut = 1;
		data = raw.data;
		dlen = raw.len;
	}
	if (!label && html)
		label = sniffed = html_sniff_charset(data, dlen);
	buf_reserve(out, dlen);	/* ASCII and UTF-8 keep their size */
	how = charset_to_utf8(label, data, dlen, out, &used);
	if (how & CHARSET_TRUNCATED)
		cut = 1;
	if (main) {
		free(pm->charset);
		free(pm->charset_used);
		pm->charset = xstrdup_or_null(label);
		pm->charset_used = used;
		used = NULL;
		if (how & CHARSET_GUESSED) {
			pm->flags |= PM_CHARSET_GUESSED;
			pm_defect(pm, "charset %s guessed for a text labelled "
			    "%s", pm->charset_used, label ? label : "nothing");
		}
		if (how & CHARSET_LOSSY)
			pm_defect(pm, "bytes not valid in %s replaced",
			    pm->charset_used);
	}
	free(used);
	free(sniffed);
	buf_release(&raw);
	return cut;
}

static void
extract_body(struct ctx *c, const struct mime_part *root)
{
	struct parsed_msg *pm = c->pm;
	struct buf text = BUF_INIT(c->lim->max_text);
	struct buf html = BUF_INIT(c->lim->max_text);
	char *fmt, *delsp;
	size_t hlen = 0;
	int cut = 0;

	pm->flags &= ~(unsigned)PM_HTML_ONLY;
	FREE_AND_NULL(pm->html);
	choose_body(root, &c->plain, &c->html);
	if (c->html) {
		cut |= part_text(c, c->html, &html, !c->plain, 1);
		/* The buffer itself, not a copy of it. */
		hlen = html.len;
		pm->html = buf_detach(&html, NULL);
	}
	if (c->plain) {
		cut |= part_text(c, c->plain, &text, 1, 0);
		fmt = ct_param(c->plain, "format");
		if (fmt && !strcmp(fmt, "flowed")) {
			delsp = ct_param(c->plain, "delsp");
			normalise_text(&text);
			unflow(&text, delsp && !strcmp(delsp, "yes"));
			free(delsp);
		}
		free(fmt);
	} else if (c->html) {
		if (html_to_text(pm->html, hlen, HTML_MAIL, &text))
			cut = 1;
		pm->flags |= PM_HTML_ONLY;
	}
	normalise_text(&text);
	if (cut) {
		pm->flags |= PM_TRUNCATED;
		pm_defect(pm, "text cut at %zu bytes (max_text)",
		    c->lim->max_text);
	}
	free(pm->text);
	pm->text = buf_detach(&text, &pm->text_len);
	buf_release(&html);
}

/* ---- Attachments -------------------------------------------------------- */

static void
list_attachments(struct ctx *c)
{
	struct parsed_msg *pm = c->pm;
	const struct mime_part *p = c->tree.root;
	size_t alloc = 0;
	struct attachment *a;
	int take;

	while (p) {
		take = 0;
		if (is_message(p) && p != c->tree.root)
			take = 1;
		else if (!p->child && strncmp(p->type, "multipart/", 10) &&
		    p != c->plain && p != c->html && p != c->tree.root)
			take = is_attachment(p) ||
			    strncmp(p->type, "text/", 5);
		if (take) {
			GROW(pm->att, pm->natt + 1, alloc);
			a = &pm->att[pm->natt++];
			a->filename = xstrdup_or_null(p->filename);
			a->content_type = xstrdup(p->type);
			a->size = is_message(p) ? p->body_len :
			    mime_decoded_size(p);
		}
		if (p->child) {
			p = p->child;
			continue;
		}
		while (p && !p->next)
			p = p->parent;
		if (p)
			p = p->next;
	}
}

/* ---- Flags --------------------------------------------------------- */

static const char *const auto_subjects[] = {
	"out of office", "out of the office", "automatic reply",
	"auto reply", "auto-reply", "autoreply", "auto response",
	"auto-response", "autoresponse", "away from the office",
	"away from office", "on vacation", "vacation reply",
	"自动回复", "自動回覆", "自动答复", "自動応答", "自動返信",
	"abwesenheitsnotiz", "automatische antwort", "abwesend",
	"réponse automatique", "respuesta automática", "respuesta automatica",
	"risposta automatica", "automatisch antwoord", "resposta automática",
	"fuera de la oficina", "absence du bureau", "автоответ",
	"автоматический ответ", "자동 응답", "autosvar", "automatiskt svar",
	"automatisk svar", "automaattinen vastaus", "odpowiedź automatyczna",
	"automatyczna odpowiedź", "automatická odpověď", "automatikus válasz",
	"răspuns automat", "otomatik yanıt", "otomatik cevap",
	"αυτόματη απάντηση", "автоматична відповідь", "trả lời tự động",
	"balasan otomatis", "ตอบกลับอัตโนมัติ", "رد تلقائي", "תשובה אוטומטית",
	NULL
};

static const char *const bounce_subjects[] = {
	"undeliverable", "undelivered mail", "delivery status notification",
	"returned mail", "mail delivery failed", "delivery failure",
	"failure notice", "delivery has failed", "non-delivery",
	"退信", "未送达", "系统退信", "unzustellbar", "non remis",
	"no se puede entregar", "non recapitabile", "onbestelbaar",
	"não é possível entregar", "не доставлено", "配信不能", "无法传递",
	"無法傳遞", "배달되지 않음", NULL
};

/* Names of mailer daemons, lowercase. */
static const char *const daemon_names[] = {
	"mailer-daemon", "mail delivery subsystem", "mail delivery system",
	NULL
};

static void
set_flags(struct ctx *c)
{
	struct parsed_msg *pm = c->pm;
	const struct mime_part *root = c->tree.root, *p;
	const char *v, *n;
	/* folded past ASCII: "Автоматический ответ", "Odpowiedź ..." */
	char *l, *subj = ufold_lower(pm->subject ? pm->subject : "");
	const char *local;
	char *rt;
	size_t i;

	/* One pass over the header fields. */
	for (i = 0; i < pm->nheaders; i++) {
		n = pm->headers[i].name;
		v = pm->headers[i].value;
		if ((n[0] | 0x20) != 'a' && (n[0] | 0x20) != 'x' &&
		    (n[0] | 0x20) != 'p' && (n[0] | 0x20) != 'l')
			continue;
		if (!strcasecmp(n, "Auto-Submitted")) {
			l = lower_copy(v);
			str_trim(l);
			if (strncmp(l, "no", 2) || (l[2] && l[2] != ' ' &&
			    l[2] != ';' && l[2] != '('))
				pm->flags |= PM_AUTO_REPLY;
			free(l);
		} else if (!strcasecmp(n, "X-Autoreply") ||
		    !strcasecmp(n, "X-Autorespond") ||
		    !strcasecmp(n, "X-Autoresponder") ||
		    !strcasecmp(n, "X-Autogenerated") ||
		    !strcasecmp(n, "X-AutoReply-From") ||
		    !strcasecmp(n, "X-Mail-Autoreply")) {
			pm->flags |= PM_AUTO_REPLY;
		} else if (!strcasecmp(n, "Precedence")) {
			l = lower_copy(v);
			str_trim(l);
			if (!strcmp(l, "auto_reply") ||
			    !strcmp(l, "auto-reply"))
				pm->flags |= PM_AUTO_REPLY;
			else if (!strcmp(l, "bulk") || !strcmp(l, "junk") ||
			    !strcmp(l, "list"))
				pm->flags |= PM_BULK;
			free(l);
		} else if (!strcasecmp(n, "List-Id") ||
		    !strcasecmp(n, "List-Unsubscribe")) {
			pm->flags |= PM_BULK;
		}
	}
	if (contains_any(subj, auto_subjects))
		pm->flags |= PM_AUTO_REPLY;

	/* Delivery reports, and read receipts (auto-replies of a kind). */
	rt = strcmp(root->type, "multipart/report") ? NULL :
	    ct_param(root, "report-type");
	if (!strcmp(root->type, "multipart/report") && rt &&
	    !strcmp(rt, "delivery-status"))
		pm->flags |= PM_BOUNCE;
	if (!strcmp(root->type, "multipart/report") && rt &&
	    !strcmp(rt, "disposition-notification"))
		pm->flags |= PM_AUTO_REPLY;
	free(rt);
	for (p = root; p; ) {
		if (!strcmp(p->type, "message/delivery-status") ||
		    !strcmp(p->type, "message/global-delivery-status"))
			pm->flags |= PM_BOUNCE;
		if (p->child && !is_message(p)) {
			p = p->child;
			continue;
		}
		while (p && !p->next)
			p = p->parent;
		if (p)
			p = p->next;
	}
	if (pm->envelope_from.addr) {
		local = pm->envelope_from.addr;
		if (starts_lower(local, "mailer-daemon@") ||
		    starts_lower(local, "postmaster@") ||
		    (starts_lower(local, "mailer-daemon") && !local[13]))
			pm->flags |= PM_BOUNCE;
	}
	if (pm->envelope_from.name) {
		l = lower_copy(pm->envelope_from.name);
		if (contains_any(l, daemon_names))
			pm->flags |= PM_BOUNCE;
		free(l);
	}
	v = parsed_header(pm, "Return-Path");
	if (v && !strcmp(v, "<>") && contains_any(subj, bounce_subjects))
		pm->flags |= PM_BOUNCE;
	free(subj);
}

/* ---- Forwards ------------------------------------------------------ */

static const char *const fwd_prefixes[] = {
	"fw:", "fwd:", "fw :", "fwd :", "tr:", "tr :", "wg:", "wg :",
	"转发:", "转发：", "轉寄:", "轉寄：", "转寄:", "转寄：", "轉發:",
	"轉發：", "転送:", "転送：", "rv:", "rv :", "enc:", "vs:", "vb:",
	"doorst:", "fs:", "pd:", "[fwd:", "[fw:", "fwd[", NULL
};

static int
forward_subject(const char *subject)
{
	const char *s = subject ? subject : "";
	size_t i;
	int yes = 0, rounds, c;

	/* "Re: Fw: x", "[EXT] FW: x" */
	for (rounds = 0; rounds < 4 && !yes; rounds++) {
		while (*s == ' ' || *s == '\t')
			s++;
		/* The first letter first: most prefixes differ there. */
		c = *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s;
		for (i = 0; fwd_prefixes[i] && !yes; i++)
			if (fwd_prefixes[i][0] == c &&
			    starts_lower(s, fwd_prefixes[i]))
				yes = 1;
		if (starts_lower(s, "re:") || starts_lower(s, "aw:") ||
		    starts_lower(s, "回复:") || starts_lower(s, "回复："))
			s = strchr(s, ':') ? strchr(s, ':') + 1 :
			    s + strlen(s);
		else if (*s == '[' && strchr(s, ']'))
			s = strchr(s, ']') + 1;
		else
			break;
	}
	return yes;
}

/* forward_subject() of the message, read once. */
static int
fwd_subject(struct ctx *c)
{
	if (c->fwd_subject < 0)
		c->fwd_subject = forward_subject(c->pm->subject);
	return c->fwd_subject;
}

/* Lines announcing a forwarded message, lowercase. */
static const char *const fwd_markers[] = {
	"forwarded message", "begin forwarded message", "mensaje reenviado",
	"message transféré", "message transfere", "weitergeleitete nachricht",
	"转发的邮件", "已转发邮件", "转发邮件", "轉寄的郵件", "转发的消息",
	"messaggio inoltrato", "doorgestuurd bericht",
	"vidarebefordrat meddelande", "videresendt melding",
	"videresendt meddelelse", "mensagem encaminhada",
	"пересылаемое сообщение", "переадресованное сообщение",
	"пересланное сообщение", "転送されたメッセージ", "転送メッセージ",
	"전달된 메시지", "début du message réexpédié",
	"anfang der weitergeleiteten nachricht", "inicio del mensaje reenviado",
	"inizio messaggio inoltrato", "以下是转发的邮件", NULL
};

/* Header field names of quoted mail, by kind, in every language we read. */
const struct quoted_label quoted_labels[] = {
	{ "from", QF_FROM }, { "de", QF_FROM }, { "von", QF_FROM },
	{ "van", QF_FROM }, { "fra", QF_FROM }, { "från", QF_FROM },
	{ "od", QF_FROM }, { "da", QF_FROM }, { "от", QF_FROM },
	{ "发件人", QF_FROM }, { "寄件者", QF_FROM }, { "寄件人", QF_FROM },
	{ "發件人", QF_FROM }, { "差出人", QF_FROM }, { "보낸 사람", QF_FROM },
	{ "보낸사람", QF_FROM }, { "kimden", QF_FROM },
	{ "lähettäjä", QF_FROM }, { "feladó", QF_FROM }, { "από", QF_FROM },
	{ "expéditeur", QF_FROM }, { "remetente", QF_FROM },
	{ "mittente", QF_FROM }, { "afzender", QF_FROM },
	{ "avsändare", QF_FROM }, { "odesílatel", QF_FROM },
	{ "від", QF_FROM }, { "người gửi", QF_FROM }, { "dari", QF_FROM },
	{ "pengirim", QF_FROM }, { "من", QF_FROM }, { "מאת", QF_FROM },
	{ "từ", QF_FROM }, { "จาก", QF_FROM }, { "de la", QF_FROM },
	{ "šalje", QF_FROM }, { "pošiljatelj", QF_FROM },
	{ "sent", QF_DATE }, { "date", QF_DATE }, { "datum", QF_DATE },
	{ "data", QF_DATE }, { "fecha", QF_DATE }, { "envoyé", QF_DATE },
	{ "envoye", QF_DATE }, { "enviado", QF_DATE }, { "enviada", QF_DATE },
	{ "gesendet", QF_DATE }, { "verzonden", QF_DATE },
	{ "verstuurd", QF_DATE }, { "skickat", QF_DATE }, { "sendt", QF_DATE },
	{ "wysłano", QF_DATE }, { "odesláno", QF_DATE },
	{ "отправлено", QF_DATE }, { "дата", QF_DATE },
	{ "发送时间", QF_DATE }, { "發送時間", QF_DATE }, { "时间", QF_DATE },
	{ "发送日期", QF_DATE }, { "發送日期", QF_DATE },
	{ "日期", QF_DATE }, { "寄件日期", QF_DATE }, { "送信日時", QF_DATE },
	{ "日時", QF_DATE }, { "보낸 날짜", QF_DATE }, { "날짜", QF_DATE },
	{ "tarih", QF_DATE }, { "gönderildi", QF_DATE },
	{ "lähetetty", QF_DATE }, { "elküldve", QF_DATE },
	{ "dátum", QF_DATE }, { "ημερομηνία", QF_DATE },
	{ "στάλθηκε", QF_DATE }, { "ngày", QF_DATE }, { "tanggal", QF_DATE },
	{ "terkirim", QF_DATE }, { "sent date", QF_DATE },
	{ "enviado el", QF_DATE }, { "enviada em", QF_DATE },
	{ "enviado em", QF_DATE }, { "inviato", QF_DATE },
	{ "data invio", QF_DATE }, { "envoyé le", QF_DATE },
	{ "تم الإرسال", QF_DATE }, { "التاريخ", QF_DATE }, { "נשלח", QF_DATE },
	{ "dikirim", QF_DATE }, { "đã gửi", QF_DATE }, { "ส่ง", QF_DATE },
	{ "trimis", QF_DATE }, { "надіслано", QF_DATE },
	{ "изпратено", QF_DATE }, { "poslano", QF_DATE },
	{ "poslato", QF_DATE }, { "傳送時間", QF_DATE }, { "日付", QF_DATE },
	{ "gửi", QF_DATE }, { "envoyé par", QF_DATE },
	{ "to", QF_TO }, { "an", QF_TO }, { "à", QF_TO }, { "a", QF_TO },
	{ "para", QF_TO }, { "aan", QF_TO }, { "til", QF_TO },
	{ "till", QF_TO }, { "do", QF_TO }, { "кому", QF_TO },
	{ "收件人", QF_TO }, { "收件者", QF_TO }, { "宛先", QF_TO },
	{ "받는 사람", QF_TO }, { "받는사람", QF_TO }, { "kime", QF_TO },
	{ "vastaanottaja", QF_TO }, { "címzett", QF_TO }, { "προς", QF_TO },
	{ "destinataire", QF_TO }, { "destinatário", QF_TO },
	{ "destinatario", QF_TO }, { "komu", QF_TO }, { "người nhận", QF_TO },
	{ "kepada", QF_TO }, { "إلى", QF_TO }, { "אל", QF_TO },
	{ "đến", QF_TO }, { "ถึง", QF_TO }, { "către", QF_TO },
	{ "до", QF_TO }, { "prima", QF_TO },
	{ "cc", QF_CC }, { "bcc", QF_CC }, { "kopie", QF_CC },
	{ "copie", QF_CC }, { "cópia", QF_CC }, { "copia", QF_CC },
	{ "kopia", QF_CC }, { "копия", QF_CC }, { "抄送", QF_CC },
	{ "副本", QF_CC }, { "抄送人", QF_CC }, { "참조", QF_CC },
	{ "reply-to", QF_CC }, { "antwort an", QF_CC },
	{ "subject", QF_SUBJECT }, { "betreff", QF_SUBJECT },
	{ "objet", QF_SUBJECT }, { "asunto", QF_SUBJECT },
	{ "assunto", QF_SUBJECT }, { "oggetto", QF_SUBJECT },
	{ "onderwerp", QF_SUBJECT }, { "emne", QF_SUBJECT },
	{ "ämne", QF_SUBJECT }, { "temat", QF_SUBJECT },
	{ "předmět", QF_SUBJECT }, { "тема", QF_SUBJECT },
	{ "主题", QF_SUBJECT }, { "主題", QF_SUBJECT }, { "件名", QF_SUBJECT },
	{ "제목", QF_SUBJECT }, { "konu", QF_SUBJECT }, { "aihe", QF_SUBJECT },
	{ "tárgy", QF_SUBJECT }, { "θέμα", QF_SUBJECT },
	{ "chủ đề", QF_SUBJECT }, { "subjek", QF_SUBJECT },
	{ "perihal", QF_SUBJECT }, { "الموضوع", QF_SUBJECT },
	{ "נושא", QF_SUBJECT }, { "主旨", QF_SUBJECT },
	{ "เรื่อง", QF_SUBJECT }, { "subiect", QF_SUBJECT },
	{ "predmet", QF_SUBJECT },
};
const size_t quoted_nlabels = ARRAY_SIZE(quoted_labels);

/* A line without quote marks, bold stars and leading blanks. */
static const char *
strip_line(const char *s, const char *end, const char **out_end)
{
	while (s < end && (*s == '>' || *s == ' ' || *s == '\t' || *s == '*'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	*out_end = end;
	return s;
}

/*
 * When line s..e is "Label: value" (the label within 30 bytes, the colon
 * ASCII or full-width), copies the label into label (size bytes) and
 * returns its length, with *value after the colon and its blanks; else 0.
 */
static size_t
split_label(const char *s, const char *e, char *label, size_t size,
    const char **value)
{
	const char *colon, *v;
	size_t n;

	for (colon = s; colon < e && colon - s < 30; colon++)
		if (*colon == ':' || (e - colon >= 3 &&
		    !memcmp(colon, "\xef\xbc\x9a", 3)))
			break;
	if (colon >= e || colon - s >= 30)
		return 0;
	v = *colon == ':' ? colon + 1 : colon + 3;
	while (colon > s && (colon[-1] == ' ' || colon[-1] == '*' ||
	    colon[-1] == '\t'))
		colon--;
	n = (size_t)(colon - s);
	if (!n || n >= size)
		return 0;
	memcpy(label, s, n);
	label[n] = '\0';
	while (v < e && (*v == ' ' || *v == '*' || *v == '\t'))
		v++;
	*value = v;
	return n;
}

/*
 * When line s..e is "Label: value" with a label in labels (lowercase
 * ASCII), returns the value.
 */
static const char *
labelled(const char *s, const char *e, const char *const *labels)
{
	const char *v;
	char label[40];
	size_t i;

	if (!split_label(s, e, label, sizeof(label), &v))
		return NULL;
	str_lower(label);
	for (i = 0; labels[i]; i++)
		if (!strcmp(label, labels[i]))
			return v;
	return NULL;
}

/*
 * The kind of quoted-mail header field line s..e is ("Von: ...",
 * "发件人：..."), with *value its value; QF_NONE when it is none.
 */
static enum quoted_field
quoted_field_of(const char *s, const char *e, const char **value)
{
	char label[40], key[40];
	size_t i, n;

	if (!(n = split_label(s, e, label, sizeof(label), value)))
		return QF_NONE;
	phone_fold(label, n, key);
	for (i = 0; i < quoted_nlabels; i++)
		if (!strcmp(key, quoted_labels[i].name))
			return quoted_labels[i].kind;
	return QF_NONE;
}

struct fwd_block {
	const char *from, *from_end;	/* the From value */
	const char *subj, *subj_end;
	const char *note_end;		/* the forwarder's text ends here */
	const char *body;		/* the forwarded text starts here */
	int quoted;			/* the block is quoted with '>' */
};

/*
 * Reads the header block starting at line s: up to 10 lines of "Label:
 * value" (blank lines before it skipped).  Returns 1 with a From value,
 * a date or subject line, and where the block ends.
 */
static int
read_block(const char *s, const char *end, struct fwd_block *b)
{
	const char *line = s, *nl, *ls, *le, *v;
	int lines = 0, have_other = 0, started = 0;
	enum quoted_field k;

	b->from = NULL;
	b->subj = NULL;
	while (line < end && lines < 14) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		ls = strip_line(line, nl, &le);
		if (ls == le) {
			if (started)
				break;
			line = nl < end ? nl + 1 : end;
			continue;
		}
		started = 1;
		lines++;
		k = quoted_field_of(ls, le, &v);
		if (k == QF_FROM && !b->from) {
			b->from = v;
			b->from_end = le;
			b->quoted = *line == '>';
		} else if (k == QF_SUBJECT) {
			b->subj = v;
			b->subj_end = le;
			have_other = 1;
		} else if (k == QF_DATE || k == QF_TO || k == QF_CC) {
			have_other = 1;
		} else if (b->from && lines > 1 && *line != ' ' &&
		    *line != '\t') {
			break;	/* the forwarded text, without a blank line */
		}
		line = nl < end ? nl + 1 : end;
	}
	b->body = line;
	return b->from && have_other;
}

/* "Name [mailto:a@b]" and "Name <mailto:a@b>" as "Name <a@b>". */
static char *
from_value(const char *s, const char *e)
{
	struct buf b = BUF_INIT(2000);
	const char *p;

	for (p = s; p < e; p++) {
		if (e - p >= 8 && !strncasecmp(p, "[mailto:", 8)) {
			buf_addch(&b, '<');
			p += 7;
		} else if (e - p >= 7 && !strncasecmp(p, "mailto:", 7)) {
			p += 6;
		} else if (*p == ']' && strchr(b.data, '<') &&
		    !strchr(b.data, '>')) {
			buf_addch(&b, '>');
		} else if (*p != '*') {
			buf_addch(&b, *p);
		}
	}
	return buf_detach(&b, NULL);
}

static int
marker_line(const char *s, const char *e)
{
	char l[128];
	size_t i, n = (size_t)(e - s);

	/*
	 * Markers are dashed ("---------- Forwarded message ---------") or
	 * end in a colon ("Begin forwarded message:", "以下是转发的邮件：").
	 */
	if (n > 120 || n < 4 || !(s[0] == '-' || s[0] == '_' ||
	    e[-1] == ':' || !memcmp(e - 3, "\xef\xbc\x9a", 3)))
		return 0;
	for (i = 0; i < n; i++)
		l[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') :
		    s[i];
	l[n] = '\0';
	return contains_any(l, fwd_markers);
}

/*
 * Finds the first forwarded message in text.  Returns 1 and fills b with
 * a sender that has an address.
 */
static int
find_inline_forward(const char *text, size_t len, int fwd_subject,
    struct fwd_block *b)
{
	const char *end = text + len, *line = text, *nl, *ls, *le, *next;
	const char *value;
	struct mime_address *v;
	size_t n;
	char *fv;
	int found;

	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		next = nl < end ? nl + 1 : end;
		ls = strip_line(line, nl, &le);
		found = 0;
		if (marker_line(ls, le)) {
			found = read_block(next, end, b);
		} else if (fwd_subject &&
		    quoted_field_of(ls, le, &value) == QF_FROM) {
			/* Outlook's block, under a forward subject only. */
			found = read_block(line, end, b);
		}
		if (found) {
			fv = from_value(b->from, b->from_end);
			n = mime_parse_addresses(fv, NULL, &v);
			found = n && v[0].addr && strchr(v[0].addr, '@');
			mime_addresses_free(v, n);
			free(fv);
			if (found) {
				b->note_end = line;
				return 1;
			}
		}
		line = next;
	}
	return 0;
}

/* Lines that introduce a quoted message, lowercase. */
static const char *const separators[] = {
	"original message", "ursprüngliche nachricht", "message d'origine",
	"mensaje original", "messaggio originale", "oorspronkelijk bericht",
	"原始邮件", "原始郵件", "исходное сообщение", "mensagem original",
	"wiadomość oryginalna", "alkuperäinen viesti", "opprinnelig melding",
	"ursprungligt meddelande", "původní zpráva", "元のメッセージ", NULL
};

/*
 * The forwarder's text: what is before the block, without the separator
 * lines ("-----Original Message-----", "_____") at its end; NULL when
 * nothing is left.
 */
static char *
note_of(const char *text, const char *end)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	const char *ls;
	char *l;
	int sep;

	buf_add(&b, text, (size_t)(end - text));
	for (;;) {
		buf_rtrim(&b);
		ls = b.len ? b.data + b.len - 1 : b.data;
		while (ls > b.data && ls[-1] != '\n')
			ls--;
		l = str_lower(xstrdup(ls));
		str_trim(l);
		sep = b.len && (starts_with(l, "---") ||
		    starts_with(l, "___") || (strlen(l) < 80 &&
		    contains_any(l, separators)));
		free(l);
		if (!sep)
			break;
		buf_setlen(&b, (size_t)(ls - b.data));
	}
	if (!b.len) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Replaces the text by s[0..n), which may point into it. */
static void
set_text(struct parsed_msg *pm, const char *s, size_t n)
{
	char *old = pm->text;

	pm->text = xstrndup(s, n);
	free(old);
	pm->text_len = n;
	while (pm->text_len && strchr(" \t\n", pm->text[pm->text_len - 1]))
		pm->text[--pm->text_len] = '\0';
}

static void
inline_forward(struct ctx *c)
{
	struct parsed_msg *pm = c->pm;
	struct fwd_block b;
	struct mime_address *v;
	size_t n;
	char *fv, *note;
	const char *body;

	if (!find_inline_forward(pm->text, pm->text_len, fwd_subject(c),
	    &b))
		return;
	fv = from_value(b.from, b.from_end);
	n = mime_parse_addresses(fv, NULL, &v);
	address_set(&pm->from, &v[0]);
	mime_addresses_free(v, n);
	free(fv);
	address_release(&pm->reply_to);
	if (b.subj) {
		free(pm->forward_subject);
		pm->forward_subject = xstrndup(b.subj,
		    (size_t)(b.subj_end - b.subj));
	}
	note = note_of(pm->text, b.note_end);
	body = skip_blank_lines(b.body);
	free(pm->forward_note);
	pm->forward_note = note;
	if (b.quoted) {
		/* Apple Mail quotes what it forwards: one level off. */
		struct buf t = BUF_INIT(BUF_CAP_HUGE);
		const char *p = body, *end = pm->text + pm->text_len, *nl;

		while (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			nl = nl ? nl + 1 : end;
			if (*p == '>') {
				p++;
				if (p < nl && *p == ' ')
					p++;
			}
			buf_add(&t, p, (size_t)(nl - p));
			p = nl;
		}
		body = skip_blank_lines(t.data);
		set_text(pm, body, t.len - (size_t)(body - t.data));
		buf_release(&t);
	} else {
		set_text(pm, body, pm->text_len - (size_t)(body - pm->text));
	}
	pm->flags |= PM_FORWARDED;
}

/* An attached message under a forward subject or with little text. */
static void
attached_forward(struct ctx *c)
{
	struct parsed_msg *pm = c->pm;
	const struct mime_part *p = c->tree.root, *msg = NULL, *inner;
	const struct mime_part *plain, *html;
	struct ctx ic;

	if (pm->flags & (PM_BOUNCE | PM_AUTO_REPLY))
		return;
	/* Without a forward subject: a mixed message with no text. */
	if (!fwd_subject(c) && (pm->text_len > 0 ||
	    strcmp(c->tree.root->type, "multipart/mixed")))
		return;
	/* The first attached message, not inside a report. */
	while (p && !msg) {
		if (is_message(p) && p != c->tree.root)
			msg = p;
		else if (p->child && !is_message(p)) {
			p = p->child;
			continue;
		}
		while (p && !p->next)
			p = p->parent;
		if (p)
			p = p->next;
	}
	if (!msg || !msg->child)
		return;
	inner = msg->child;
	ic = *c;
	choose_body(inner, &plain, &html);
	{
		struct address from = { NULL, NULL };
		const char *hint = plain ? plain->charset : html ?
		    html->charset : NULL;

		if (!first_address(mime_part_field(inner, "From"), hint,
		    &from) || !from.addr) {
			address_release(&from);
			return;
		}
		address_release(&pm->from);
		pm->from = from;
		address_release(&pm->reply_to);
		first_address(mime_part_field(inner, "Reply-To"), hint,
		    &pm->reply_to);
		free(pm->forward_subject);
		pm->forward_subject = decoded_or_null(mime_part_field(inner,
		    "Subject"), hint);
	}
	free(pm->forward_note);
	pm->forward_note = pm->text_len ? xstrdup(pm->text) : NULL;
	/* The forwarded text, with its own charset facts. */
	extract_body(&ic, inner);
	pm->flags |= PM_FORWARDED;
}

/* ---- B2B platform relays ------------------------------------------ */

/*
 * Platforms that pass buyers' inquiries on from a no-reply address of
 * their own; admins add more with the rules' list "relay_domains".
 */
static const char *const relay_domains[] = {
	"alibaba.com", "made-in-china.com", "globalsources.com",
	"tradekey.com", "ec21.com", "ecplaza.net", "indiamart.com",
	"tradeindia.com", "exportersindia.com", "dhgate.com",
	"go4worldbusiness.com", "hktdc.com", NULL
};

/* Labels of the lines naming the buyer, lowercase, without the colon. */
static const char *const buyer_name_labels[] = {
	"buyer", "buyer name", "buyer's name", "sender", "sender name",
	"from", "contact", "contact person", "contact name", "name",
	"customer", "customer name", "inquirer", "purchaser", "买家",
	"联系人", "发件人", NULL
};
static const char *const buyer_addr_labels[] = {
	"email", "e-mail", "e mail", "email address", "e-mail address",
	"buyer email", "buyer e-mail", "buyer's email", "sender email",
	"sender e-mail", "contact email", "reply to", "reply-to", "邮箱",
	"电子邮件", NULL
};

/* Whether addr is at a relay domain or under one. */
static int
relay_address(const struct parse_limits *lim, const char *addr)
{
	const char *d = addr ? strrchr(addr, '@') : NULL;
	size_t i, n, dl;

	if (!d || !*++d)
		return 0;
	dl = strlen(d);
	for (i = 0; relay_domains[i]; i++) {
		n = strlen(relay_domains[i]);
		/* the cheap tests first: a label boundary, the last byte */
		if (dl >= n && (dl == n || d[dl - n - 1] == '.') &&
		    (d[dl - 1] | 0x20) == relay_domains[i][n - 1] &&
		    !strcasecmp(d + dl - n, relay_domains[i]))
			return 1;
	}
	return lim->rules && ruleset_in_domain_list(lim->rules,
	    "relay_domains", addr);
}

/* Whether addr is one the message went to (ours, quoted in history). */
static int
recipient(const struct parsed_msg *pm, const char *addr)
{
	size_t i;

	for (i = 0; i < pm->nto; i++)
		if (pm->to[i].addr && !strcasecmp(pm->to[i].addr, addr))
			return 1;
	for (i = 0; i < pm->ncc; i++)
		if (pm->cc[i].addr && !strcasecmp(pm->cc[i].addr, addr))
			return 1;
	return 0;
}

/*
 * The value of a sender line: a mailbox neither at a relay nor among the
 * recipients (*addr, and its name), else, with names, a plain name.
 */
static void
sender_value(struct ctx *c, const char *v, const char *e, int names,
    char **name, char **addr)
{
	struct mime_address *a;
	char *val = xstrndup(v, (size_t)(e - v));
	size_t n = mime_parse_addresses(val, NULL, &a);

	str_trim(val);
	if (n && a[0].addr && strchr(a[0].addr, '@')) {
		if (!*addr && !relay_address(c->lim, a[0].addr) &&
		    !recipient(c->pm, a[0].addr)) {
			*addr = xstrdup(a[0].addr);
			if (!*name && a[0].name)
				*name = xstrdup(a[0].name);
		}
	} else if (names && !*name && *val && !strchr(val, '@') &&
	    strlen(val) <= 80) {
		*name = xstrdup(val);
	}
	mime_addresses_free(a, n);
	free(val);
}

/* The customer behind a relay: Reply-To, else the text's sender lines. */
static void
relay_sender(struct ctx *c)
{
	struct parsed_msg *pm = c->pm;
	const char *line, *nl, *ls, *le, *v, *end = pm->text + pm->text_len;
	char *name = NULL, *addr = NULL;
	size_t lines = 0;

	if (!relay_address(c->lim, pm->envelope_from.addr))
		return;
	for (line = pm->text; line < end && lines < 80 && (!name || !addr);
	    line = nl ? nl + 1 : end, lines++) {
		nl = memchr(line, '\n', (size_t)(end - line));
		ls = strip_line(line, nl ? nl : end, &le);
		if ((v = labelled(ls, le, buyer_name_labels)))
			sender_value(c, v, le, 1, &name, &addr);
		else if ((v = labelled(ls, le, buyer_addr_labels)))
			sender_value(c, v, le, 0, &name, &addr);
	}
	if (pm->reply_to.addr && !relay_address(c->lim, pm->reply_to.addr)) {
		if (pm->reply_to.name) {
			free(name);
			name = xstrdup(pm->reply_to.name);
		}
		free(addr);
		addr = xstrdup(pm->reply_to.addr);
	} else if (addr) {
		address_release(&pm->reply_to);	/* the relay's, if any */
	}
	if (!name && !addr)
		return;
	if (addr) {
		free(pm->from.addr);
		pm->from.addr = addr;
	}
	free(pm->from.name);
	pm->from.name = name;
	pm->flags |= PM_RELAYED | PM_FORWARDED;
}

/* ---- The message --------------------------------------------------- */

/*
 * The top-level fields, decoded, into pm->headers: the array, the names
 * and the values in one allocation.  Most values read as they are
 * written (mime_header_plain): they are copied from the tree, trimmed,
 * with no string of their own on the way.
 */
static void
copy_headers(struct ctx *c, const char *hint)
{
	const struct mime_part *root = c->tree.root;
	struct parsed_msg *pm = c->pm;
	struct value {
		const char *s;
		size_t len;
		char *decoded;	/* owned, or NULL: s is in the tree */
	} few[32], *v;
	size_t i, size = 0, nl, n = root->nfields;
	char *d;

	if (!n)
		return;
	/* a message has a few dozen fields: no allocation for those */
	v = n <= ARRAY_SIZE(few) ? few : xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].decoded = NULL;
		if (!mime_header_plain(root->fields[i].value, &v[i].s,
		    &v[i].len)) {
			v[i].decoded = mime_decode_header(
			    root->fields[i].value, hint);
			v[i].s = v[i].decoded;
			v[i].len = strlen(v[i].decoded);
		}
		size += strlen(root->fields[i].name) + 1 + v[i].len + 1;
	}
	pm->headers = xmalloc(n * sizeof(*pm->headers) + size);
	d = (char *)(pm->headers + n);
	for (i = 0; i < n; i++) {
		nl = strlen(root->fields[i].name) + 1;
		memcpy(d, root->fields[i].name, nl);
		pm->headers[i].name = d;
		d += nl;
		memcpy(d, v[i].s, v[i].len);
		d[v[i].len] = '\0';
		pm->headers[i].value = d;
		d += v[i].len + 1;
		free(v[i].decoded);
	}
	if (v != few)
		free(v);
	pm->nheaders = n;
}

static int
hash_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The first byte of p..end that is ' ' or below (a blank or a control),
 * or end.  Text is mostly words: 8 bytes are tested at a time, the first
 * such byte found from the lowest bit of the mask (little-endian only).
 */
static const unsigned char *
next_low(const unsigned char *p, const unsigned char *end)
{
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t v, m;

	while (end - p >= 8) {
		memcpy(&v, p, 8);
		/* exact for the lowest byte below 0x21 */
		m = (v - ones * 0x21) & ~v & (ones * 0x80);
		if (m)
			return p + __builtin_ctzll(m) / 8;
		p += 8;
	}
#endif
	while (p < end && *p > ' ')
		p++;
	return p;
}

/*
 * Bytes for the hash gathered in a small buffer: nettle's update costs
 * about as much per call as per block, and the runs between blank runs
 * are short.
 */
struct hash_acc {
	struct hash_sha256 h;
	size_t n;
	unsigned char b[512];
};

static void
hash_acc_add(struct hash_acc *a, const void *p, size_t n)
{
	if (n > sizeof(a->b) - a->n) {
		hash_sha256_update(&a->h, a->b, a->n);
		a->n = 0;
		if (n >= sizeof(a->b)) {
			hash_sha256_update(&a->h, p, n);
			return;
		}
	}
	memcpy(a->b + a->n, p, n);
	a->n += n;
}

/*
 * The text with blank runs as one space, ends trimmed.  The runs that
 * read as they are (words and the single spaces between them) are taken
 * from the text, and a space for each other blank run.
 */
static void
body_hash(struct parsed_msg *pm)
{
	struct hash_acc a;
	char hex[65];
	const unsigned char *p = (const unsigned char *)pm->text, *q, *end;

	end = p + strlen(pm->text);
	hash_sha256_init(&a.h);
	a.n = 0;
	while (p < end && hash_blank(*p))
		p++;
	while (p < end) {
		for (q = p; (q = next_low(q, end)) < end; ) {
			if (!hash_blank(*q))
				q++;	/* a control: a byte like others */
			else if (*q == ' ' && q + 1 < end &&
			    !hash_blank(q[1]))
				q += 2;	/* a space between two words */
			else
				break;
		}
		hash_acc_add(&a, p, (size_t)(q - p));
		while (q < end && hash_blank(*q))
			q++;
		if (q < end)
			hash_acc_add(&a, " ", 1);
		p = q;
	}
	hash_sha256_update(&a.h, a.b, a.n);
	hash_sha256_final(&a.h, hex);
	pm->body_hash = xstrdup(hex);
}

int
parse_message(const char *raw, size_t len, const struct parse_limits *lim,
    struct parsed_msg *pm, struct err *e)
{
	static const struct parse_limits deflim = PARSE_LIMITS_INIT;
	struct mime_limits ml;
	struct ctx c;
	struct mime_part *root;
	const char *hint;
	struct strlist ids = STRLIST_INIT;
	size_t i;
	int rc = -1;

	memset(pm, 0, sizeof(*pm));
	strlist_init(&pm->references);
	strlist_init(&pm->defects);
	memset(&c, 0, sizeof(c));
	c.lim = lim ? lim : &deflim;
	c.pm = pm;
	c.fwd_subject = -1;
	pm->raw_size = len;
	if (len > c.lim->max_size) {
		err_set(e, ERR_PERM, "message of %zu bytes is larger than "
		    "%zu (max_size)", len, c.lim->max_size);
		goto out;
	}
	ml.max_parts = c.lim->max_parts;
	ml.max_depth = c.lim->max_depth;
	ml.max_header = c.lim->max_header;
	if (mime_parse(raw, len, &ml, &c.tree, e))
		goto out;
	root = c.tree.root;
	for (i = 0; i < c.tree.defects.n; i++)
		pm_defect(pm, "%s", c.tree.defects.v[i]);

	extract_body(&c, root);
	hint = c.plain ? c.plain->charset : c.html ? c.html->charset : NULL;
	copy_headers(&c, hint);

	if (root_address(&c.tree, "From", hint, &pm->envelope_from)) {
		pm->from.name = xstrdup_or_null(pm->envelope_from.name);
		pm->from.addr = xstrdup_or_null(pm->envelope_from.addr);
	}
	root_address(&c.tree, "Reply-To", hint, &pm->reply_to);
	address_list(&c.tree, "To", hint, &pm->to, &pm->nto);
	address_list(&c.tree, "Cc", hint, &pm->cc, &pm->ncc);
	/* Decoded once, by copy_headers: the values there, not copies. */
	pm->subject = header_value(pm, "Subject");
	pm->date_raw = header_value(pm, "Date");
	if (pm->date_raw && mime_parse_date(pm->date_raw, &pm->date))
		pm_defect(pm, "unreadable Date '%.60s'", pm->date_raw);
	mime_parse_msgids(mime_part_field(root, "Message-ID"), &ids);
	if (ids.n) {
		pm->message_id = ids.v[0];	/* taken */
		ids.v[0] = NULL;
	}
	strlist_release(&ids);
	mime_parse_msgids(mime_part_field(root, "In-Reply-To"), &ids);
	if (ids.n) {
		pm->in_reply_to = ids.v[0];
		ids.v[0] = NULL;
	}
	strlist_release(&ids);
	mime_parse_msgids(mime_part_field(root, "References"),
	    &pm->references);

	list_attachments(&c);
	set_flags(&c);
	if (!(pm->flags & (PM_BOUNCE | PM_AUTO_REPLY)))
		relay_sender(&c);
	if (!(pm->flags & (PM_BOUNCE | PM_AUTO_REPLY | PM_RELAYED)))
		inline_forward(&c);
	if (!(pm->flags & PM_FORWARDED))
		attached_forward(&c);
	body_hash(pm);
	if (pm->defects.n)
		pm->flags |= PM_DEFECTS;
	rc = 0;
out:
	if (!pm->text)
		pm->text = xstrdup("");
	mime_tree_release(&c.tree);
	return rc;
}

void
parsed_msg_release(struct parsed_msg *pm)
{
	size_t i;

	address_release(&pm->from);
	address_release(&pm->envelope_from);
	address_release(&pm->reply_to);
	for (i = 0; i < pm->nto; i++)
		address_release(&pm->to[i]);
	free(pm->to);
	for (i = 0; i < pm->ncc; i++)
		address_release(&pm->cc[i]);
	free(pm->cc);
	free(pm->message_id);
	free(pm->in_reply_to);
	strlist_release(&pm->references);
	free(pm->text);
	free(pm->html);
	free(pm->charset);
	free(pm->charset_used);
	for (i = 0; i < pm->natt; i++) {
		free(pm->att[i].filename);
		free(pm->att[i].content_type);
	}
	free(pm->att);
	free(pm->headers);	/* with the names and values */
	free(pm->body_hash);
	strlist_release(&pm->defects);
	free(pm->forward_note);
	free(pm->forward_subject);
	memset(pm, 0, sizeof(*pm));
}

/* The value of the first field called name (any case), or NULL. */
static char *
header_value(const struct parsed_msg *pm, const char *name)
{
	size_t i;

	/* The first letters first: most names differ there. */
	for (i = 0; i < pm->nheaders; i++)
		if ((pm->headers[i].name[0] | 0x20) == (name[0] | 0x20) &&
		    !strcasecmp(pm->headers[i].name, name))
			return pm->headers[i].value;
	return NULL;
}

const char *
parsed_header(const struct parsed_msg *pm, const char *name)
{
	return header_value(pm, name);
}
