/*
 * html.c - HTML to text and page facts with libxml2's HTML parser, read
 * as SAX events: no tree is built.  It was gumbo (a full HTML5 tree);
 * on an HTML-only inquiry gumbo took 12 times libetpan's parse of the
 * whole message, libxml2's events a fifth of gumbo's time.  The price is
 * HTML 4 recovery rules for broken markup: a stray <td> outside a table
 * ends the paragraph instead of joining it.
 *
 * The open elements are an explicit stack of frames: a hostile page
 * nested a million levels deep costs memory in proportion to its size,
 * never the C stack.  The text is built as a browser lays out blocks:
 * newlines are only requested (st->nl) and written before the next
 * visible text, so empty blocks and markup white space leave nothing
 * behind.
 */
#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "charset.h"
#include "domain.h"
#include "html.h"

struct text_state {
	struct buf *out;
	int nl;			/* newlines wanted before the next text */
	int space;		/* a blank wanted before the next text */
	int sep;		/* table cell separators wanted */
	const char *prefix;	/* list item marker wanted */
	char num[16];		/* numbered marker storage */
	int pre;		/* inside <pre> */
	int full;		/* out's cap was reached */
	char lead[16];		/* blanks opening a line, kept */
	size_t nlead;
	int cell_fresh;		/* in a table cell before its first text */
	size_t nbsp;		/* no-break spaces held back (nbsp_run) */
	int cell_nl;		/* newlines a closed cell held back */
	unsigned flags;		/* HTML_MAIL */
	int sig_pending;	/* a signature block opened: "--" before its text */
};

#define NBSP_MAX 16

struct frame {
	const struct tagdef *tag;	/* NULL: an element we do not know */
	int cells;		/* cells seen (rows) */
	int items;		/* items seen (lists) */
	size_t list;		/* index of the enclosing list frame + 1 */
	size_t row;		/* index of the enclosing row frame + 1 */
	int block;		/* newlines around this element */
};

static void
put(struct text_state *st, const char *s, size_t n)
{
	if (!st->full && buf_add(st->out, s, n))
		st->full = 1;
}

static void
flush(struct text_state *st)
{
	static const char nls[] = "\n\n";

	st->cell_fresh = 0;
	/* text after a cell that no cell nor row followed (broken markup) */
	if (st->cell_nl > st->nl)
		st->nl = st->cell_nl;
	st->cell_nl = 0;
	if (!st->out->len) {
		st->nl = 0;
		st->space = 0;
		st->sep = 0;
	}
	/* a signature block's delimiter starts a line of its own */
	if (st->sig_pending && st->out->len && !st->nl)
		st->nl = 1;
	if (st->nl) {
		put(st, nls, st->nl > 2 ? 2 : (size_t)st->nl);
		st->nl = 0;
		st->space = 0;
	}
	if (st->sig_pending) {
		st->sig_pending = 0;
		put(st, "--\n", 3);
		st->space = 0;
		st->nlead = 0;
	}
	if (st->nlead) {
		put(st, st->lead, st->nlead);
		st->nlead = 0;
		st->space = 0;
	}
	for (; st->sep > 0; st->sep--) {
		if (st->out->len && st->out->data[st->out->len - 1] != '\n')
			put(st, " | ", 3);
		else
			put(st, "| ", 2);
		st->space = 0;
	}
	if (st->prefix) {
		put(st, st->prefix, strlen(st->prefix));
		st->prefix = NULL;
		st->space = 0;
	}
	if (st->space) {
		put(st, " ", 1);
		st->space = 0;
	}
	for (; st->nbsp > 0; st->nbsp--)
		put(st, "\xc2\xa0", 2);
}

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/*
 * The no-break spaces of s[0..n) when it is only those and blanks, else
 * 0.  Such a run (the entity "&nbsp;" comes alone) is held back: it is
 * text before a word on its line ("5&nbsp;USD"), and nothing when the
 * block ends first (Outlook's empty paragraph "<p>&nbsp;</p>").
 */
static size_t
nbsp_run(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (is_blank(p[i]))
			continue;
		if (p[i] != 0xC2 || i + 1 >= n || p[i + 1] != 0xA0)
			return 0;
		i++;
		k++;
	}
	return k;
}

static int
at_line_start(const struct text_state *st)
{
	return st->nl || !st->out->len ||
	    st->out->data[st->out->len - 1] == '\n';
}

static void
text(struct text_state *st, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *start;
	size_t k;

	if (st->pre) {
		flush(st);
		for (; p < end; p++)
			if (*p != '\r')
				put(st, p, 1);
		return;
	}
	if ((k = nbsp_run(s, len)) > 0) {
		st->nbsp = MIN(st->nbsp + k, (size_t)NBSP_MAX);
		return;
	}
	while (p < end) {
		if (is_blank((unsigned char)*p)) {
			start = p;
			while (p < end && is_blank((unsigned char)*p))
				p++;
			/*
			 * Blanks that open a line on the same source line as
			 * the tag before them ("<p> \t* item") are kept, as
			 * text/plain turned into HTML has them; indentation
			 * of the markup (after a newline) is not.
			 */
			if (at_line_start(st) && (size_t)(p - start) <
			    sizeof(st->lead) && !memchr(start, '\n',
			    (size_t)(p - start)) && !memchr(start, '\r',
			    (size_t)(p - start))) {
				st->nlead = (size_t)(p - start);
				memcpy(st->lead, start, st->nlead);
			}
			st->space = 1;
			continue;
		}
		start = p;
		while (p < end && !is_blank((unsigned char)*p))
			p++;
		flush(st);
		put(st, start, (size_t)(p - start));
		/*
		 * The words that follow after one space each: a flush
		 * between them would only write that space (the one above
		 * left nothing else pending), so they go out as one piece
		 * when it fits, word by word at the cap.
		 */
		start = p;
		while (end - p >= 2 && *p == ' ' &&
		    !is_blank((unsigned char)p[1]))
			for (p++; p < end && !is_blank((unsigned char)*p); p++)
				;
		if (p > start && !st->full &&
		    (size_t)(p - start) <= st->out->max - st->out->len)
			put(st, start, (size_t)(p - start));
		else
			p = start;
	}
}

static void
want_nl(struct text_state *st, int n)
{
	st->nlead = 0;
	st->nbsp = 0;
	/* a block that opens a cell ("<td><p>Qty") stays on the row */
	if (st->cell_fresh)
		return;
	if (n > st->nl)
		st->nl = n;
}

/* ---- Elements ---------------------------------------------------------- */

enum tag_kind {
	K_NONE, K_SKIP, K_BR, K_PRE, K_UL, K_OL, K_LI, K_TR, K_CELL, K_LINK
};

/*
 * The elements that change the text: the newlines around them (2 for
 * paragraphs, 1 for other blocks) and what else they do.  Sorted by
 * name for bsearch; libxml2 gives HTML element names in lowercase.
 */
struct tagdef {
	const char *name;
	int block;
	enum tag_kind kind;
};

static const struct tagdef tags[] = {
	{ "a", 0, K_LINK }, { "address", 1, K_NONE }, { "article", 1, K_NONE },
	{ "aside", 1, K_NONE }, { "blockquote", 2, K_NONE },
	{ "body", 1, K_NONE }, { "br", 0, K_BR },
	{ "caption", 1, K_NONE }, { "center", 1, K_NONE },
	{ "dd", 1, K_NONE }, { "details", 1, K_NONE },
	{ "div", 1, K_NONE }, { "dl", 2, K_NONE },
	{ "dt", 1, K_NONE }, { "fieldset", 1, K_NONE },
	{ "figcaption", 1, K_NONE }, { "figure", 1, K_NONE },
	{ "footer", 1, K_NONE }, { "form", 1, K_NONE },
	{ "h1", 2, K_NONE }, { "h2", 2, K_NONE }, { "h3", 2, K_NONE },
	{ "h4", 2, K_NONE }, { "h5", 2, K_NONE }, { "h6", 2, K_NONE },
	{ "head", 0, K_SKIP }, { "header", 1, K_NONE },
	{ "hr", 2, K_NONE }, { "html", 1, K_NONE },
	{ "legend", 1, K_NONE }, { "li", 1, K_LI },
	{ "listing", 2, K_PRE }, { "main", 1, K_NONE },
	{ "math", 0, K_SKIP }, { "nav", 1, K_NONE },
	{ "noscript", 0, K_SKIP }, { "object", 0, K_SKIP },
	{ "ol", 2, K_OL }, { "p", 2, K_NONE }, { "pre", 2, K_PRE },
	{ "script", 0, K_SKIP }, { "section", 1, K_NONE },
	{ "select", 0, K_SKIP }, { "style", 0, K_SKIP },
	{ "summary", 1, K_NONE }, { "svg", 0, K_SKIP },
	{ "table", 2, K_NONE }, { "tbody", 1, K_NONE },
	{ "td", 0, K_CELL }, { "template", 0, K_SKIP },
	{ "tfoot", 1, K_NONE }, { "th", 0, K_CELL },
	{ "thead", 1, K_NONE }, { "title", 0, K_SKIP },
	{ "tr", 1, K_TR }, { "ul", 2, K_UL }, { "xmp", 2, K_PRE },
};

static int
tag_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct tagdef *)elem)->name);
}

static const struct tagdef *
tag_find(const char *name)
{
	return bsearch(name, tags, ARRAY_SIZE(tags), sizeof(tags[0]),
	    tag_cmp);
}

/* The value of attribute name in libxml2's name/value list, or NULL. */
static const char *
attr(const xmlChar **atts, const char *name, int *present)
{
	size_t i;

	if (present)
		*present = 0;
	for (i = 0; atts && atts[i]; i += 2) {
		if (strcasecmp((const char *)atts[i], name))
			continue;
		if (present)
			*present = 1;
		return (const char *)atts[i + 1];
	}
	return NULL;
}

/* Hidden with the hidden attribute or an inline "display:none". */
static int
hidden(const xmlChar **atts)
{
	const char *style;
	char flat[128];
	size_t i, n = 0;
	int present;

	attr(atts, "hidden", &present);
	if (present)
		return 1;
	style = attr(atts, "style", NULL);
	if (!style)
		return 0;
	for (i = 0; style[i] && n + 1 < sizeof(flat); i++)
		if (!is_blank((unsigned char)style[i]))
			flat[n++] = (char)(style[i] | 0x20);
	flat[n] = '\0';
	return strstr(flat, "display:none") != NULL;
}

/* ---- HTML to text, from libxml2's SAX events ----------------------------- */

/*
 * libxml2's HTML parser closes what the markup leaves open (a <p> before
 * the next <p>, everything at the end) and reports each element's end,
 * so the open elements are a stack of frames.  No tree is built: the
 * text is written as the events come.
 */
struct walk {
	struct text_state st;
	struct frame *stack;	/* stack[0]: the document */
	size_t top, alloc;
	size_t skip;		/* open elements inside a dropped one */
	char *link;		/* the open link's target as shown (HTML_MAIL) */
	int link_contact;	/* a way to reach someone (link_target) */
	size_t link_top;	/* its frame */
	size_t link_start;	/* the text's length when it opened */
};

/* ---- Link targets (HTML_MAIL) ------------------------------------------ */

#define LINK_MAX 300	/* longer targets are tracking noise, not shown */
#define LINK_TEXT_MAX 1000	/* a link's text searched for its target */

/*
 * The value of query parameter name in url (percent-decoded), or NULL:
 * the link that Outlook's Safe Links wraps ("...?url=https%3A%2F%2F...").
 */
static char *
query_param(const char *url, const char *name)
{
	const char *p = strchr(url, '?');
	size_t n = strlen(name);
	struct buf b = BUF_INIT(LINK_MAX + 1);

	while (p) {
		p++;
		if (!strncasecmp(p, name, n) && p[n] == '=')
			break;
		p = strchr(p, '&');
	}
	if (!p)
		return NULL;
	p += n + 1;
	buf_add_pct(&b, p, strcspn(p, "&#"));
	if (!b.len || memchr(b.data, '\0', b.len)) {	/* "%00" ends no URL */
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/*
 * What a link's href shows in the text, as mail clients write a link in
 * plain text ("WhatsApp <https://wa.me/...>"), or NULL for a target that
 * means nothing outside the page: anchors, relative paths, scripts,
 * inline images, and overlong tracking links.  mailto: shows the address
 * and tel: the number; Safe Links shows the link it wraps.  *contact
 * says whether the target is a way to reach someone: mailto:, tel:, a
 * messenger's scheme or host, LinkedIn.
 */
static char *
link_target(const char *href, int *contact)
{
	static const char *const schemes[] = { "http://", "https://",
	    "ftp://", "skype:", "weixin://", "whatsapp://", "viber://",
	    "tg://" };
	char *s, *t;
	size_t i, n;

	while (*href && is_blank((unsigned char)*href))
		href++;
	*contact = 1;
	if (starts_with_icase(href, "mailto:") ||
	    starts_with_icase(href, "tel:") ||
	    starts_with_icase(href, "callto:")) {
		href = strchr(href, ':') + 1;
		n = strcspn(href, "?");
		if (!n || n > LINK_MAX || memchr(href, '%', n))
			return NULL;
		s = xstrndup(href, n);
	} else {
		for (i = 0; i < ARRAY_SIZE(schemes); i++)
			if (starts_with_icase(href, schemes[i]))
				break;
		/* the scheme and nothing after it ("skype:") */
		if (i == ARRAY_SIZE(schemes) ||
		    !href[strlen(schemes[i])])
			return NULL;
		s = xstrdup(href);
		/* Safe Links: the link they wrap, or nothing */
		if (i < 2 && domain_url_under(s, strlen(s),
		    "safelinks.protection.outlook.com")) {
			t = query_param(s, "url");
			free(s);
			if (!(s = t))
				return NULL;
			/* decoded bytes: a URL, in UTF-8, without controls */
			for (t = s; *t && (unsigned char)*t >= 0x20 &&
			    *t != 0x7f; t++)
				;
			if (*t || !charset_utf8_valid(s, strlen(s)) ||
			    (!starts_with_icase(s, "http://") &&
			    !starts_with_icase(s, "https://"))) {
				free(s);
				return NULL;
			}
		}
		/* skype:, weixin://, whatsapp://, viber://, tg:// */
		*contact = i >= 3 || domain_url_contact(s, strlen(s));
	}
	n = strlen(s);
	while (n && is_blank((unsigned char)s[n - 1]))
		s[--n] = '\0';
	/* a blank inside would split the target in the text */
	for (t = s; *t && !is_blank((unsigned char)*t); t++)
		;
	if (!n || n > LINK_MAX || *t) {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * Whether a link's text already says where it goes: an address, a URL,
 * a bare domain ("acme.com"), a number for tel:, or the target itself.
 */
static int
text_shows_target(const char *text, size_t n, const char *target)
{
	const char *core = target, *p;
	size_t i, digits = 0, clen;
	int blank = 0, dot = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '@')
			return 1;
		digits += c >= '0' && c <= '9';
		blank |= is_blank(c);
		dot |= c == '.' && i > 0 && i + 1 < n;
	}
	if (digits >= 6 && !strchr(target, '/'))
		return 1;	/* tel: 6 digits or more, the number shown */
	if (memmem(text, n, "://", 3) || (n >= 4 &&
	    !strncasecmp(text, "www.", 4)) || (dot && !blank))
		return 1;
	if ((p = strstr(core, "://")) != NULL)
		core = p + 3;
	if (!strncasecmp(core, "www.", 4))
		core += 4;
	clen = strlen(core);
	while (clen && core[clen - 1] == '/')
		clen--;
	/* a label, not a page of text: its first LINK_TEXT_MAX bytes */
	n = MIN(n, (size_t)LINK_TEXT_MAX);
	for (i = 0; clen && i + clen <= n; i++)
		if (!strncasecmp(text + i, core, clen))
			return 1;
	return 0;
}

/*
 * Whether a link's text only says "our website", in the languages of
 * our buyers ("Visit our website", "Sitio web", "官网").
 */
static int
website_label(const char *text, size_t n)
{
	static const char *const openers[] = { "visit ", "visite ",
	    "visita ", "visitez ", "besuchen sie ", "посетите ",
	    "Посетите ", /* strncasecmp folds ASCII only */ "our ",
	    "my ", "the ", "company ", "nuestro ", "nuestra ", "notre ",
	    "unsere ", "il nostro ", "o nosso ", "nosso ", "nossa ",
	    "наш " };
	static const char *const labels[] = { "website", "web site", "web",
	    "www", "homepage", "home page", "webpage", "web page", "site",
	    "sitio web", "página web", "pagina web", "site web",
	    "site internet", "webseite", "internetseite", "sito web", "sito",
	    "сайт", "веб-сайт", "网站", "官网", "网址", "公司网站",
	    "ウェブサイト", "ホームページ", "홈페이지", "웹사이트" };
	size_t i, k;
	int again = 1;

	while (n && (is_blank((unsigned char)text[n - 1]) ||
	    text[n - 1] == ':' || text[n - 1] == '.'))
		n--;
	while (again) {
		again = 0;
		for (i = 0; i < ARRAY_SIZE(openers); i++) {
			k = strlen(openers[i]);
			if (n > k && !strncasecmp(text, openers[i], k)) {
				text += k;
				n -= k;
				again = 1;
			}
		}
	}
	for (i = 0; i < ARRAY_SIZE(labels); i++)
		if (strlen(labels[i]) == n && !strncasecmp(text, labels[i], n))
			return 1;
	return 0;
}

/*
 * The end of a link: its target after its text, when the text does not
 * say it and the target is a way to reach the sender (link_target's
 * contact), the site an icon stands for, or the website that "Visit our
 * website" names.  Other links' targets (a product page, a "Reply now"
 * button, a tracking link) are left out: their words would be read as
 * the customer's (a relay's "alibaba.com/buyer/..." as a spam sign, a
 * "Product: <name>" line no longer a label).
 */
static void
link_end(struct walk *w)
{
	struct text_state *st = &w->st;
	const char *lt = st->out->data + w->link_start;
	size_t n = st->out->len - w->link_start;
	struct buf b = BUF_INIT(LINK_MAX + 4);

	while (n && is_blank((unsigned char)*lt)) {
		lt++;
		n--;
	}
	if ((w->link_contact || !n || website_label(lt, n)) &&
	    !text_shows_target(lt, n, w->link)) {
		int nl = st->nl;

		if (n)
			buf_add(&b, " ", 1);
		buf_add(&b, "<", 1);
		buf_add(&b, w->link, strlen(w->link));
		buf_add(&b, ">", 1);
		if (n) {
			/* on the line of the link's text, before the
			 * newlines its blocks asked for */
			st->nl = 0;
			text(st, b.data, b.len);
			st->nl = MAX(st->nl, nl);
		} else {
			/* an icon's, where the icon was: a word of its own */
			st->space = 1;
			text(st, b.data, b.len);
			st->space = 1;
		}
	}
	buf_release(&b);
	free(w->link);
	w->link = NULL;
}

/* Whether the class attribute's list holds the word. */
static int
has_class(const xmlChar **atts, const char *word)
{
	const char *c = attr(atts, "class", NULL), *p;
	size_t n = strlen(word);

	for (p = c; p && (p = strstr(p, word)) != NULL; p += n)
		if ((p == c || is_blank((unsigned char)p[-1])) &&
		    (!p[n] || is_blank((unsigned char)p[n])))
			return 1;
	return 0;
}

/*
 * The last line of the text so far is a signature delimiter ("--"): a
 * Gmail user's "-- " before the signature block.
 */
static int
ends_with_delimiter(const struct buf *b)
{
	size_t n = b->len;

	while (n && is_blank((unsigned char)b->data[n - 1]))
		n--;
	return n >= 2 && b->data[n - 1] == '-' && b->data[n - 2] == '-' &&
	    (n == 2 || b->data[n - 3] == '\n');
}

/*
 * A mail client's signature block: Gmail's class "gmail_signature",
 * Outlook on the web's id "Signature".  (Thunderbird writes "-- " into
 * its "moz-signature" itself.)
 */
static int
signature_block(const xmlChar **atts)
{
	const char *id = attr(atts, "id", NULL);

	return has_class(atts, "gmail_signature") ||
	    (id && !strcasecmp(id, "Signature"));
}

static void
open_element(struct walk *w, const xmlChar **atts)
{
	struct text_state *st = &w->st;
	struct frame *f = &w->stack[w->top], *up;

	f->block = f->tag ? f->tag->block : 0;
	if (f->block)
		want_nl(st, f->block);
	/* the standard delimiter, so that the signature stage knows it */
	if ((st->flags & HTML_MAIL) && atts && !st->sig_pending &&
	    signature_block(atts) && !ends_with_delimiter(st->out))
		st->sig_pending = 1;
	switch (f->tag ? f->tag->kind : K_NONE) {
	case K_BR:
		st->space = 0;
		st->nlead = 0;
		st->nl++;
		if (!st->out->len)
			st->nl = 0;
		break;
	case K_PRE:
		st->pre++;
		break;
	case K_UL:
	case K_OL:
		f->list = w->top + 1;
		break;
	case K_LI:
		up = f->list ? &w->stack[f->list - 1] : NULL;
		if (up && up->tag->kind == K_OL) {
			snprintf(st->num, sizeof(st->num), "%d. ",
			    ++up->items);
			st->prefix = st->num;
		} else {
			st->prefix = "- ";
		}
		break;
	case K_TR:
		f->row = w->top + 1;
		st->sep = 0;
		st->cell_nl = 0;
		break;
	case K_CELL:
		if (f->row && w->stack[f->row - 1].cells++ > 0)
			st->sep++;
		st->cell_fresh = 1;
		st->cell_nl = 0;
		break;
	case K_LINK:
		if ((st->flags & HTML_MAIL) && !w->link && !st->pre) {
			const char *href = attr(atts, "href", NULL);

			if (href && (w->link = link_target(href,
			    &w->link_contact)) != NULL) {
				w->link_top = w->top;
				w->link_start = st->out->len;
			}
		}
		break;
	default:
		break;
	}
}

static void
close_element(struct walk *w)
{
	struct text_state *st = &w->st;
	const struct frame *f = &w->stack[w->top];

	switch (f->tag ? f->tag->kind : K_NONE) {
	case K_PRE:
		st->pre--;
		break;
	case K_TR:
		st->sep = 0;
		st->cell_nl = 0;
		break;
	case K_LI:
		st->prefix = NULL;
		break;
	case K_LINK:
		if (w->link && w->link_top == w->top)
			link_end(w);
		break;
	case K_CELL:
		/*
		 * The newlines the cell's blocks asked for ("<p>500
		 * pcs</p></td>") give way to the next cell's separator or
		 * the row's end: an Outlook row stays on one line.  They
		 * are held, for text that comes before either.
		 */
		st->cell_fresh = 0;
		st->cell_nl = st->nl;
		st->nl = 0;
		break;
	default:
		break;
	}
	if (f->block)
		want_nl(st, f->block);
}

static void
on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct walk *w = ((htmlParserCtxtPtr)ctx)->_private;
	const struct tagdef *t = tag_find((const char *)name);
	struct frame *f;

	if (w->skip || (t && t->kind == K_SKIP) || hidden(atts)) {
		w->skip++;
		return;
	}
	GROW(w->stack, w->top + 2, w->alloc);
	f = &w->stack[w->top + 1];
	f->tag = t;
	f->cells = 0;
	f->items = 0;
	f->list = w->stack[w->top].list;
	f->row = w->stack[w->top].row;
	w->top++;
	open_element(w, atts);
}

static void
on_end(void *ctx, const xmlChar *name)
{
	struct walk *w = ((htmlParserCtxtPtr)ctx)->_private;

	(void)name;
	if (w->skip) {
		w->skip--;
		return;
	}
	if (!w->top)
		return;
	close_element(w);
	w->top--;
}

static void
on_text(void *ctx, const xmlChar *s, int n)
{
	struct walk *w = ((htmlParserCtxtPtr)ctx)->_private;

	if (!w->skip && n > 0)
		text(&w->st, (const char *)s, (size_t)n);
	if (w->st.full)
		xmlStopParser(ctx);
}

/* libxml2 reports a broken page on stderr unless told where. */
static void
on_error(void *ctx, xmlErrorPtr error)
{
	(void)ctx;
	(void)error;
}

/*
 * The parser context is kept from page to page: making one (its
 * dictionary, stacks and handlers) and freeing it cost more than the
 * parse of a short mail.  htmlCtxtReset() drops what a page leaves
 * (its input, the stacks, a stop); the dictionary of names stays, so the
 * context is made afresh after CTXT_PAGES pages or CTXT_NAMES names (a
 * hostile page can invent names without end).  One thread only, as the
 * daemon; a parse from inside a handler gets a context of its own.
 */
#define CTXT_PAGES 256
#define CTXT_NAMES 4096

static htmlParserCtxtPtr kept_ctxt;
static int kept_pages, kept_busy;

/* A parser context for a page: the kept one, or one of its own. */
static htmlParserCtxtPtr
ctxt_take(void)
{
	if (kept_busy)
		return htmlNewParserCtxt();
	if (kept_ctxt && (++kept_pages > CTXT_PAGES ||
	    xmlDictSize(kept_ctxt->dict) > CTXT_NAMES)) {
		htmlFreeParserCtxt(kept_ctxt);
		kept_ctxt = NULL;
	}
	if (!kept_ctxt) {
		xmlInitParser();
		kept_ctxt = htmlNewParserCtxt();
		kept_pages = 0;
	}
	kept_busy = kept_ctxt != NULL;
	return kept_ctxt;
}

/* Done with c: the kept context is reset (the page's input freed). */
static void
ctxt_give(htmlParserCtxtPtr c)
{
	if (c == kept_ctxt) {
		htmlCtxtReset(c);
		kept_busy = 0;
	} else {
		htmlFreeParserCtxt(c);
	}
}

#ifdef INQUIRYD_UNITTEST
/* Frees the kept context: the next page gets a new one. */
void
html_ctxt_drop(void)
{
	if (kept_ctxt && !kept_busy) {
		htmlFreeParserCtxt(kept_ctxt);
		kept_ctxt = NULL;
	}
}
#endif

/*
 * Runs libxml2's HTML parser over UTF-8 html[0..len) with the element and
 * text handlers of sax and ud as the parser context's _private.  The
 * input must be valid UTF-8 without NUL bytes (libxml2 reads a page with
 * a bad byte as Latin-1 from there on): clean_input() makes it so.  The
 * encoding a page declares is ignored: it was converted already.  The
 * page is read from a copy: libxml2 2.9's static input buffers do not
 * survive the parser's shrinking of its input (text comes out twice).
 */
static void
sax_parse(const char *html, size_t len, const htmlSAXHandler *sax, void *ud)
{
	htmlParserCtxtPtr c;
	xmlParserInputBufferPtr in;
	xmlParserInputPtr stream = NULL;

	if (!len)	/* no events, as libxml2 reads no empty page */
		return;
	c = ctxt_take();
	if (!c)
		return;
	in = xmlParserInputBufferCreateMem(html, (int)len,
	    XML_CHAR_ENCODING_NONE);
	if (in)
		stream = xmlNewIOInputStream(c, in, XML_CHAR_ENCODING_NONE);
	if (stream && inputPush(c, stream) < 0) {
		xmlFreeInputStream(stream);
		stream = NULL;
	} else if (!stream) {
		xmlFreeParserInputBuffer(in);
	}
	if (stream) {
		memcpy(c->sax, sax, sizeof(*sax));
		c->_private = ud;
		c->userData = c;
		xmlSwitchEncoding(c, XML_CHAR_ENCODING_UTF8);
		htmlCtxtUseOptions(c, HTML_PARSE_NOERROR |
		    HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
		    HTML_PARSE_IGNORE_ENC);
		htmlParseDocument(c);
	}
	ctxt_give(c);
}

/*
 * A control byte libxml2 drops as no XML character: a form feed (blank
 * in HTML) or a vertical tab between two words would join them.
 */
static int
dropped_control(unsigned char c)
{
	return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

/*
 * The first byte of u[0..n) that dropped_control() takes, or n.  Eight
 * bytes a step while none is below 0x20 (HTML has an LF a line: a word
 * with one is then read byte by byte).
 */
UNITTEST size_t
html_first_dropped(const unsigned char *u, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t v;
	size_t i = 0, k;

	for (; n - i >= 8; i += 8) {
		memcpy(&v, u + i, 8);
		/* whether any byte is below 0x20 (exact, whatever the
		 * byte order) */
		if (!((v - ones * 0x20) & ~v & (ones * 0x80)))
			continue;
		for (k = 0; k < 8; k++)
			if (dropped_control(u[i + k]))
				return i + k;
	}
	while (i < n && !dropped_control(u[i]))
		i++;
	return i;
}

/*
 * html[0..len) as libxml2 must have it: valid UTF-8 (a bad byte becomes
 * U+FFFD), NUL bytes dropped and the other controls it drops read as
 * spaces.  Returns html itself when it is so, else a copy in tmp.
 */
static const char *
clean_input(const char *html, size_t *len, struct buf *tmp)
{
	size_t i;

	i = html_first_dropped((const unsigned char *)html, *len);
	if (i == *len && charset_utf8_valid(html, *len))
		return html;
	charset_utf8_sanitize(html, *len, tmp);
	for (i = 0; i < tmp->len; i++)
		if (dropped_control((unsigned char)tmp->data[i]))
			tmp->data[i] = ' ';
	*len = tmp->len;
	return tmp->data;
}

static void
walk_text(const char *html, size_t len, struct text_state *st)
{
	htmlSAXHandler sax;
	struct walk w;

	memset(&sax, 0, sizeof(sax));
	sax.startElement = on_start;
	sax.endElement = on_end;
	sax.characters = on_text;
	sax.ignorableWhitespace = on_text;
	sax.serror = on_error;
	sax.initialized = XML_SAX2_MAGIC;
	memset(&w, 0, sizeof(w));
	w.st = *st;
	GROW(w.stack, 1, w.alloc);
	memset(&w.stack[0], 0, sizeof(w.stack[0]));
	sax_parse(html, len, &sax, &w);
	/* Elements the parser left open (it stopped on a full buffer). */
	while (w.top) {
		close_element(&w);
		w.top--;
	}
	*st = w.st;
	free(w.link);
	free(w.stack);
}
/*
 * Trims blanks at line ends, blank lines at both ends, and runs of blank
 * lines to one, in place.  Line by line: a line's bytes stay where they
 * are until a trimmed blank or a dropped newline shifts them.
 */
static void
tidy(struct buf *b)
{
	char *d = b->data, *nl;
	size_t i = 0, j = 0, n, nls = 0;

	while (i < b->len) {
		nl = memchr(d + i, '\n', b->len - i);
		n = (nl ? (size_t)(nl - d) : b->len) - i;
		if (n) {
			if (j != i)
				memmove(d + j, d + i, n);
			j += n;
			i += n;
			nls = 0;
		}
		if (!nl)
			break;
		i++;
		/* the line's blanks at its end (back to the newline
		 * written before it at the most) */
		while (j > 0 && (d[j - 1] == ' ' || d[j - 1] == '\t'))
			j--;
		if (j == 0 || ++nls > 2)
			continue;
		d[j++] = '\n';
	}
	while (j > 0 && (d[j - 1] == '\n' || d[j - 1] == ' ' ||
	    d[j - 1] == '\t'))
		j--;
	buf_setlen(b, j);
}

/* ---- Pages the parser would be slow on --------------------------------- */

/*
 * An HTML parser matches an end tag against its stack of open elements,
 * so its time can grow with the nesting depth times the number of tags:
 * 20,000 unclosed <ul><li> took gumbo seconds.  A quick scan estimates
 * the deepest nesting (elements that close themselves, void elements and
 * the ones a sibling closes do not count), or a bound on it when that is
 * not past HTML_MAX_DEPTH; past it the page is read by strip_tags()
 * instead.
 */
#define HTML_MAX_DEPTH 400

static int
tag_is(const char *name, size_t n, const char *const *list)
{
	char c = (char)tolower((unsigned char)name[0]);

	/* The first letter (the lists are lowercase) before the rest. */
	for (; *list; list++)
		if ((*list)[0] == c && !strncasecmp(name, *list, n) &&
		    !(*list)[n])
			return 1;
	return 0;
}

static const char *const flat_tags[] = { "br", "img", "hr", "meta",
	"link", "input", "wbr", "area", "base", "col", "embed", "source",
	"track", "param", "keygen", "p", "li", "option", "td", "th", "tr",
	"dt", "dd", "!doctype", NULL };

UNITTEST size_t
html_depth_estimate(const char *s, size_t len)
{
	const char *p = s, *end = s + len, *name;
	size_t depth = 0, max = 0, n;
	int closing;

	/*
	 * Each level opens with a '<': a page with no more of them than
	 * HTML_MAX_DEPTH (most pages) nests no deeper, and their count is
	 * the estimate, without looking at the tags.
	 */
	for (n = 0; n <= HTML_MAX_DEPTH &&
	    (p = memchr(p, '<', (size_t)(end - p))); n++)
		p++;
	if (n <= HTML_MAX_DEPTH)
		return n;
	p = s;
	while ((p = memchr(p, '<', (size_t)(end - p))) && max <=
	    HTML_MAX_DEPTH) {
		p++;
		closing = p < end && *p == '/';
		if (closing)
			p++;
		name = p;
		while (p < end && (isalnum((unsigned char)*p) || *p == '!'))
			p++;
		n = (size_t)(p - name);
		if (!n || tag_is(name, n, flat_tags))
			continue;
		if (closing) {
			if (depth)
				depth--;
			continue;
		}
		/* A self-closing tag: "<x ... />". */
		while (p < end && *p != '>' && *p != '<')
			p++;
		if (p < end && *p == '>' && p[-1] == '/')
			continue;
		if (++depth > max)
			max = depth;
	}
	return max;
}

/* Text of a tag soup without a tree: breaks at block tags, no scripts. */
static void
strip_tags(const char *s, size_t len, struct text_state *st)
{
	static const char *const breaks[] = { "p", "div", "br", "li", "tr",
		"h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
		"blockquote", "pre", NULL };
	static const char *const cells[] = { "td", "th", NULL };
	const char *p = s, *end = s + len, *name, *q;
	size_t n;

	while (p < end && !st->full) {
		if (*p != '<') {
			q = memchr(p, '<', (size_t)(end - p));
			q = q ? q : end;
			text(st, p, (size_t)(q - p));
			p = q;
			continue;
		}
		name = ++p;
		if (p < end && *p == '/')
			name = ++p;
		while (p < end && isalnum((unsigned char)*p))
			p++;
		n = (size_t)(p - name);
		q = memchr(p, '>', (size_t)(end - p));
		q = q ? q + 1 : end;
		if (n && (tag_is(name, n, (const char *const[]){ "script",
		    "style", NULL }))) {
			/* Skip to the matching end tag. */
			const char *e = q;

			while ((e = memchr(e, '<', (size_t)(end - e))) &&
			    !(e + 2 + n <= end && e[1] == '/' &&
			    !strncasecmp(e + 2, name, n)))
				e++;
			q = e ? e : end;
		} else if (n && tag_is(name, n, breaks)) {
			want_nl(st, 1);
		} else if (n && tag_is(name, n, cells)) {
			st->space = 1;
		}
		p = q;
	}
}

int
html_to_text(const char *html, size_t len, unsigned flags, struct buf *out)
{
	struct buf tmp = BUF_INIT(BUF_CAP_TEXT);
	struct buf in = BUF_INIT(HTML_MAX_INPUT);
	struct text_state st;
	size_t room, n;
	int rc = 0;

	memset(&st, 0, sizeof(st));
	st.out = &tmp;
	st.flags = flags;
	if (len > HTML_MAX_INPUT)
		len = HTML_MAX_INPUT;
	html = clean_input(html, &len, &in);
	if (html_depth_estimate(html, len) > HTML_MAX_DEPTH)
		strip_tags(html, len, &st);
	else
		walk_text(html, len, &st);
	tidy(&tmp);
	if (buf_add(out, tmp.data, tmp.len)) {
		room = out->max - out->len;
		n = MIN(room, tmp.len);
		while (n > 0 && ((unsigned char)tmp.data[n] & 0xc0) == 0x80)
			n--;
		buf_add(out, tmp.data, n);
		rc = -1;
	}
	if (st.full)
		rc = -1;
	buf_release(&tmp);
	buf_release(&in);
	return rc;
}

/* ---- Page facts ------------------------------------------------------ */

/* s with white space collapsed and trimmed, at most 1000 bytes; NULL. */
static char *
collapse(const char *s)
{
	struct buf b = BUF_INIT(1000);
	int space = 0;

	for (; *s && !b.overflow; s++) {
		if (is_blank((unsigned char)*s)) {
			space = b.len > 0;
			continue;
		}
		if (space && buf_addch(&b, ' '))
			break;
		space = 0;
		if (buf_addch(&b, *s))
			break;
	}
	/* A cut may have left half a character. */
	while (b.len && ((unsigned char)b.data[b.len - 1] & 0x80) &&
	    !charset_utf8_valid(b.data, b.len))
		buf_setlen(&b, b.len - 1);
	if (!b.len) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static void
set_once(char **field, const char *value)
{
	if (!*field && value)
		*field = collapse(value);
}

struct meta_walk {
	struct html_meta *m;
	struct buf title;	/* text of the first <title> */
	int in_title;
};

static void
meta_element(struct html_meta *m, const xmlChar **atts)
{
	const char *name, *prop, *content, *cs, *eq;

	cs = attr(atts, "charset", NULL);
	if (cs)
		set_once(&m->charset, cs);
	content = attr(atts, "content", NULL);
	if (!content)
		return;
	eq = attr(atts, "http-equiv", NULL);
	if (eq && !strcasecmp(eq, "content-type") && !m->charset)
		m->charset = html_sniff_charset(content, strlen(content));
	name = attr(atts, "name", NULL);
	prop = attr(atts, "property", NULL);
	if (name && !strcasecmp(name, "description"))
		set_once(&m->description, content);
	else if (name && !strcasecmp(name, "keywords"))
		set_once(&m->keywords, content);
	if (!prop)
		prop = name;
	if (prop && !strcasecmp(prop, "og:site_name"))
		set_once(&m->site_name, content);
	else if (prop && !strcasecmp(prop, "og:title"))
		set_once(&m->og_title, content);
	else if (prop && !strcasecmp(prop, "og:description"))
		set_once(&m->og_description, content);
}

static void
meta_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct meta_walk *w = ((htmlParserCtxtPtr)ctx)->_private;

	if (!strcmp((const char *)name, "title"))
		w->in_title = !w->m->title;
	else if (!strcmp((const char *)name, "html"))
		set_once(&w->m->lang, attr(atts, "lang", NULL));
	else if (!strcmp((const char *)name, "meta"))
		meta_element(w->m, atts);
}

static void
meta_end(void *ctx, const xmlChar *name)
{
	struct meta_walk *w = ((htmlParserCtxtPtr)ctx)->_private;

	if (!w->in_title || strcmp((const char *)name, "title"))
		return;
	w->in_title = 0;
	if (w->title.len)
		w->m->title = collapse(w->title.data);
}

static void
meta_text(void *ctx, const xmlChar *s, int n)
{
	struct meta_walk *w = ((htmlParserCtxtPtr)ctx)->_private;

	if (w->in_title && n > 0)
		buf_add(&w->title, (const char *)s, (size_t)n);
}

void
html_meta(const char *html, size_t len, struct html_meta *m)
{
	struct buf in = BUF_INIT(HTML_MAX_INPUT);
	htmlSAXHandler sax;
	struct meta_walk w;

	memset(m, 0, sizeof(*m));
	memset(&sax, 0, sizeof(sax));
	sax.startElement = meta_start;
	sax.endElement = meta_end;
	sax.characters = meta_text;
	sax.ignorableWhitespace = meta_text;
	sax.serror = on_error;
	sax.initialized = XML_SAX2_MAGIC;
	memset(&w, 0, sizeof(w));
	w.m = m;
	buf_init(&w.title, 64 * 1024);
	if (len > HTML_MAX_INPUT)
		len = HTML_MAX_INPUT;
	html = clean_input(html, &len, &in);
	sax_parse(html, len, &sax, &w);
	if (m->charset)
		str_lower(m->charset);
	buf_release(&w.title);
	buf_release(&in);
}

void
html_meta_release(struct html_meta *m)
{
	free(m->title);
	free(m->description);
	free(m->keywords);
	free(m->site_name);
	free(m->og_title);
	free(m->og_description);
	free(m->lang);
	free(m->charset);
	memset(m, 0, sizeof(*m));
}

static const char *
find_icase(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; s + n <= end; s++)
		if (!strncasecmp(s, needle, n))
			return s;
	return NULL;
}

char *
html_sniff_charset(const char *bytes, size_t len)
{
	const char *end = bytes + MIN(len, (size_t)4096);
	const char *p = bytes, *tag_end, *c, *q;
	char label[41];
	size_t n;
	int bare = 0;

	/* Also accepts a bare attribute value ("text/html; charset=x"). */
	if (!find_icase(bytes, end, "<meta"))
		bare = 1;
	for (;;) {
		if (!bare) {
			p = find_icase(p, end, "<meta");
			if (!p)
				return NULL;
			tag_end = memchr(p, '>', (size_t)(end - p));
			if (!tag_end)
				tag_end = end;
		} else {
			p = bytes;
			tag_end = end;
		}
		for (c = p; (c = find_icase(c, tag_end, "charset")); c += 7) {
			q = c + 7;
			while (q < tag_end && is_blank((unsigned char)*q))
				q++;
			if (q >= tag_end || *q != '=')
				continue;
			q++;
			while (q < tag_end && (is_blank((unsigned char)*q) ||
			    *q == '"' || *q == '\''))
				q++;
			for (n = 0; q < tag_end && n + 1 < sizeof(label) &&
			    (isalnum((unsigned char)*q) || strchr("-_:.", *q));
			    q++)
				label[n++] = (char)tolower((unsigned char)*q);
			label[n] = '\0';
			if (n)
				return xstrdup(label);
		}
		if (tag_end >= end || bare)
			return NULL;
		p = tag_end;
	}
}
