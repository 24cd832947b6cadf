/*
 * html.c - HTML to text and page facts with gumbo (the HTML5 parsing
 * algorithm, so broken markup reads as a browser shows it).
 *
 * The tree is walked with an explicit stack: a hostile page nested a
 * million levels deep costs memory in proportion to its size, never the C
 * stack.  The text is built as a browser lays out blocks: newlines are
 * only requested (st->nl) and written before the next visible text, so
 * empty blocks and markup white space leave nothing behind.
 */
#include <ctype.h>
#include <gumbo.h>

#include "charset.h"
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
};

struct frame {
	GumboNode *node;
	unsigned idx;		/* next child to visit */
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

	if (!st->out->len) {
		st->nl = 0;
		st->space = 0;
		st->sep = 0;
	}
	if (st->nl) {
		put(st, nls, st->nl > 2 ? 2 : (size_t)st->nl);
		st->nl = 0;
		st->space = 0;
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
}

static int
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int
at_line_start(const struct text_state *st)
{
	return st->nl || !st->out->len ||
	    st->out->data[st->out->len - 1] == '\n';
}

static void
text(struct text_state *st, const char *s)
{
	const char *p = s, *start;

	if (st->pre) {
		flush(st);
		for (; *p; p++)
			if (*p != '\r')
				put(st, p, 1);
		return;
	}
	while (*p) {
		if (is_blank((unsigned char)*p)) {
			start = p;
			while (is_blank((unsigned char)*p))
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
		while (*p && !is_blank((unsigned char)*p))
			p++;
		flush(st);
		put(st, start, (size_t)(p - start));
	}
}

static void
want_nl(struct text_state *st, int n)
{
	if (n > st->nl)
		st->nl = n;
	st->nlead = 0;
}

/* Newlines around an element: 2 for paragraphs, 1 for other blocks. */
static int
block_of(GumboTag tag)
{
	switch (tag) {
	case GUMBO_TAG_P:
	case GUMBO_TAG_H1:
	case GUMBO_TAG_H2:
	case GUMBO_TAG_H3:
	case GUMBO_TAG_H4:
	case GUMBO_TAG_H5:
	case GUMBO_TAG_H6:
	case GUMBO_TAG_PRE:
	case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_TABLE:
	case GUMBO_TAG_UL:
	case GUMBO_TAG_OL:
	case GUMBO_TAG_DL:
	case GUMBO_TAG_HR:
	case GUMBO_TAG_LISTING:
	case GUMBO_TAG_XMP:
		return 2;
	case GUMBO_TAG_DIV:
	case GUMBO_TAG_LI:
	case GUMBO_TAG_TR:
	case GUMBO_TAG_DT:
	case GUMBO_TAG_DD:
	case GUMBO_TAG_ADDRESS:
	case GUMBO_TAG_SECTION:
	case GUMBO_TAG_ARTICLE:
	case GUMBO_TAG_HEADER:
	case GUMBO_TAG_FOOTER:
	case GUMBO_TAG_NAV:
	case GUMBO_TAG_ASIDE:
	case GUMBO_TAG_MAIN:
	case GUMBO_TAG_FORM:
	case GUMBO_TAG_FIELDSET:
	case GUMBO_TAG_LEGEND:
	case GUMBO_TAG_FIGURE:
	case GUMBO_TAG_FIGCAPTION:
	case GUMBO_TAG_CAPTION:
	case GUMBO_TAG_CENTER:
	case GUMBO_TAG_DETAILS:
	case GUMBO_TAG_SUMMARY:
	case GUMBO_TAG_THEAD:
	case GUMBO_TAG_TBODY:
	case GUMBO_TAG_TFOOT:
	case GUMBO_TAG_BODY:
	case GUMBO_TAG_HTML:
		return 1;
	default:
		return 0;
	}
}

static int
skipped(const GumboElement *el)
{
	const GumboAttribute *a;
	char style[128];
	size_t i, n = 0;

	switch (el->tag) {
	case GUMBO_TAG_SCRIPT:
	case GUMBO_TAG_STYLE:
	case GUMBO_TAG_HEAD:
	case GUMBO_TAG_TITLE:
	case GUMBO_TAG_TEMPLATE:
	case GUMBO_TAG_NOSCRIPT:
	case GUMBO_TAG_SVG:
	case GUMBO_TAG_MATH:
	case GUMBO_TAG_OBJECT:
	case GUMBO_TAG_SELECT:
		return 1;
	default:
		break;
	}
	if (gumbo_get_attribute(&el->attributes, "hidden"))
		return 1;
	a = gumbo_get_attribute(&el->attributes, "style");
	if (!a)
		return 0;
	for (i = 0; a->value[i] && n + 1 < sizeof(style); i++)
		if (!is_blank((unsigned char)a->value[i]))
			style[n++] = (char)(a->value[i] | 0x20);
	style[n] = '\0';
	return strstr(style, "display:none") != NULL;
}

static void
open_element(struct text_state *st, struct frame *stack, size_t top)
{
	struct frame *f = &stack[top];
	GumboElement *el = &f->node->v.element;
	struct frame *up;

	f->block = block_of(el->tag);
	if (f->block)
		want_nl(st, f->block);
	switch (el->tag) {
	case GUMBO_TAG_BR:
		st->space = 0;
		st->nlead = 0;
		st->nl++;
		if (!st->out->len)
			st->nl = 0;
		break;
	case GUMBO_TAG_PRE:
	case GUMBO_TAG_LISTING:
	case GUMBO_TAG_XMP:
		st->pre++;
		break;
	case GUMBO_TAG_UL:
	case GUMBO_TAG_OL:
		f->list = top + 1;
		break;
	case GUMBO_TAG_LI:
		up = f->list ? &stack[f->list - 1] : NULL;
		up = up && up->node->v.element.tag == GUMBO_TAG_OL ? up : NULL;
		if (up) {
			snprintf(st->num, sizeof(st->num), "%d. ",
			    ++up->items);
			st->prefix = st->num;
		} else {
			st->prefix = "- ";
		}
		break;
	case GUMBO_TAG_TR:
		f->row = top + 1;
		st->sep = 0;
		break;
	case GUMBO_TAG_TD:
	case GUMBO_TAG_TH:
		if (f->row && stack[f->row - 1].cells++ > 0)
			st->sep++;
		break;
	default:
		break;
	}
}

static void
close_element(struct text_state *st, struct frame *f)
{
	GumboElement *el = &f->node->v.element;

	switch (el->tag) {
	case GUMBO_TAG_PRE:
	case GUMBO_TAG_LISTING:
	case GUMBO_TAG_XMP:
		st->pre--;
		break;
	case GUMBO_TAG_TR:
		st->sep = 0;
		break;
	case GUMBO_TAG_LI:
		st->prefix = NULL;
		break;
	default:
		break;
	}
	if (f->block)
		want_nl(st, f->block);
}

static GumboOutput *
parse(const char *html, size_t len)
{
	GumboOptions opt = kGumboDefaultOptions;

	opt.max_errors = 0;
	if (len > HTML_MAX_INPUT)
		len = HTML_MAX_INPUT;
	return gumbo_parse_with_options(&opt, html, len);
}

static void
walk_text(GumboNode *root, struct text_state *st)
{
	struct frame *stack = NULL, *f;
	size_t top = 0, alloc = 0;
	GumboNode *child;
	GumboVector *kids;

	GROW(stack, 1, alloc);
	memset(&stack[0], 0, sizeof(stack[0]));
	stack[0].node = root;
	if (root->type == GUMBO_NODE_ELEMENT)
		open_element(st, stack, 0);
	for (;;) {
		f = &stack[top];
		kids = f->node->type == GUMBO_NODE_ELEMENT ?
		    &f->node->v.element.children :
		    f->node->type == GUMBO_NODE_DOCUMENT ?
		    &f->node->v.document.children : NULL;
		if (st->full || !kids || f->idx >= kids->length) {
			if (f->node->type == GUMBO_NODE_ELEMENT)
				close_element(st, f);
			if (top == 0)
				break;
			top--;
			continue;
		}
		child = kids->data[f->idx++];
		switch (child->type) {
		case GUMBO_NODE_TEXT:
		case GUMBO_NODE_WHITESPACE:
		case GUMBO_NODE_CDATA:
			text(st, child->v.text.text);
			break;
		case GUMBO_NODE_ELEMENT:
		case GUMBO_NODE_TEMPLATE:
			if (child->type == GUMBO_NODE_TEMPLATE ||
			    skipped(&child->v.element))
				break;
			GROW(stack, top + 2, alloc);
			f = &stack[top];
			stack[top + 1].node = child;
			stack[top + 1].idx = 0;
			stack[top + 1].cells = 0;
			stack[top + 1].items = 0;
			stack[top + 1].list = f->list;
			stack[top + 1].row = f->row;
			top++;
			open_element(st, stack, top);
			break;
		default:
			break;
		}
	}
	free(stack);
}

/*
 * Trims blanks at line ends, blank lines at both ends, and runs of blank
 * lines to one, in place.
 */
static void
tidy(struct buf *b)
{
	char *d = b->data;
	size_t i, j = 0, line_start = 0, nls = 0;

	for (i = 0; i < b->len; i++) {
		char c = d[i];

		if (c == '\n') {
			while (j > line_start && (d[j - 1] == ' ' ||
			    d[j - 1] == '\t'))
				j--;
			if (j == 0 || ++nls > 2)
				continue;
			d[j++] = '\n';
			line_start = j;
			continue;
		}
		nls = 0;
		d[j++] = c;
	}
	while (j > 0 && (d[j - 1] == '\n' || d[j - 1] == ' ' ||
	    d[j - 1] == '\t'))
		j--;
	buf_setlen(b, j);
}

/* ---- Pages gumbo would be slow on ------------------------------------- */

/*
 * Gumbo checks element scopes by walking its stack of open elements, so
 * its time grows with the nesting depth times the number of tags: 20,000
 * unclosed <ul><li> take seconds.  A quick scan estimates the deepest
 * nesting (elements that close themselves, void elements and the ones a
 * sibling closes do not count); past HTML_MAX_DEPTH the page is read by
 * strip_tags() instead.
 */
#define HTML_MAX_DEPTH 400

static int
tag_is(const char *name, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && !strncasecmp(name, *list, n))
			return 1;
	return 0;
}

static const char *const flat_tags[] = { "br", "img", "hr", "meta",
	"link", "input", "wbr", "area", "base", "col", "embed", "source",
	"track", "param", "keygen", "p", "li", "option", "td", "th", "tr",
	"dt", "dd", "!doctype", NULL };

static size_t
depth_estimate(const char *s, size_t len)
{
	const char *p = s, *end = s + len, *name;
	size_t depth = 0, max = 0, n;
	int closing;

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
	struct buf t = BUF_INIT(BUF_CAP_TEXT);
	size_t n;

	while (p < end && !st->full) {
		if (*p != '<') {
			q = memchr(p, '<', (size_t)(end - p));
			q = q ? q : end;
			buf_reset(&t);
			buf_add(&t, p, (size_t)(q - p));
			/* NUL-free: charset conversion dropped them. */
			text(st, t.data);
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
	buf_release(&t);
}

int
html_to_text(const char *html, size_t len, struct buf *out)
{
	struct buf tmp = BUF_INIT(BUF_CAP_TEXT);
	struct text_state st;
	GumboOutput *g;
	size_t room, n;
	int rc = 0;

	memset(&st, 0, sizeof(st));
	st.out = &tmp;
	if (len > HTML_MAX_INPUT)
		len = HTML_MAX_INPUT;
	if (depth_estimate(html, len) > HTML_MAX_DEPTH) {
		strip_tags(html, len, &st);
	} else {
		g = parse(html, len);
		walk_text(g->document, &st);
		gumbo_destroy_output(&kGumboDefaultOptions, g);
	}
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

static void
node_text(GumboNode *n, struct buf *b)
{
	GumboVector *kids;
	unsigned i;

	/* <title> holds only text in HTML5 parsing: one level deep. */
	if (n->type != GUMBO_NODE_ELEMENT)
		return;
	kids = &n->v.element.children;
	for (i = 0; i < kids->length; i++) {
		GumboNode *c = kids->data[i];

		if (c->type == GUMBO_NODE_TEXT || c->type ==
		    GUMBO_NODE_WHITESPACE)
			buf_addstr(b, c->v.text.text);
	}
}

static void
meta_element(GumboElement *el, GumboNode *node, struct html_meta *m)
{
	const GumboAttribute *name, *prop, *content, *cs, *eq;
	struct buf b = BUF_INIT(64 * 1024);

	if (el->tag == GUMBO_TAG_TITLE && !m->title) {
		node_text(node, &b);
		m->title = collapse(b.data);
		buf_release(&b);
		return;
	}
	if (el->tag == GUMBO_TAG_HTML) {
		name = gumbo_get_attribute(&el->attributes, "lang");
		set_once(&m->lang, name ? name->value : NULL);
		return;
	}
	if (el->tag != GUMBO_TAG_META)
		return;
	cs = gumbo_get_attribute(&el->attributes, "charset");
	if (cs)
		set_once(&m->charset, cs->value);
	content = gumbo_get_attribute(&el->attributes, "content");
	if (!content)
		return;
	eq = gumbo_get_attribute(&el->attributes, "http-equiv");
	if (eq && !strcasecmp(eq->value, "content-type") && !m->charset) {
		char *lab = html_sniff_charset(content->value,
		    strlen(content->value));

		m->charset = lab;
	}
	name = gumbo_get_attribute(&el->attributes, "name");
	prop = gumbo_get_attribute(&el->attributes, "property");
	if (name && !strcasecmp(name->value, "description"))
		set_once(&m->description, content->value);
	else if (name && !strcasecmp(name->value, "keywords"))
		set_once(&m->keywords, content->value);
	if (!prop)
		prop = name;
	if (prop && !strcasecmp(prop->value, "og:site_name"))
		set_once(&m->site_name, content->value);
	else if (prop && !strcasecmp(prop->value, "og:title"))
		set_once(&m->og_title, content->value);
	else if (prop && !strcasecmp(prop->value, "og:description"))
		set_once(&m->og_description, content->value);
}

void
html_meta(const char *html, size_t len, struct html_meta *m)
{
	GumboOutput *g;
	GumboNode **stack = NULL, *n;
	size_t top = 0, alloc = 0;
	unsigned i;

	memset(m, 0, sizeof(*m));
	g = parse(html, len);
	GROW(stack, 1, alloc);
	stack[top++] = g->root;
	while (top) {
		n = stack[--top];
		if (n->type != GUMBO_NODE_ELEMENT)
			continue;
		meta_element(&n->v.element, n, m);
		/* Children pushed in reverse: document order. */
		for (i = n->v.element.children.length; i > 0; i--) {
			GROW(stack, top + 1, alloc);
			stack[top++] = n->v.element.children.data[i - 1];
		}
	}
	free(stack);
	if (m->charset)
		str_lower(m->charset);
	gumbo_destroy_output(&kGumboDefaultOptions, g);
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
