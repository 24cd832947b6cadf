/*
 * tmpl.c - Mustache templates over jansson values.
 *
 * Compiling is three passes over the source:
 *
 * 1. tokenize: text (split after each newline, so that a text token holds
 *    at most one line end, at its end) and tags, following set-delimiter
 *    tags as they come;
 * 2. match: pair each section, inverted section, parent and block with its
 *    close tag, reporting what does not pair;
 * 3. lines: decide which lines are "standalone" (only blanks and one
 *    section-like tag, or one of the tag pairs the inheritance spec
 *    allows on one line) and drop their blanks and line end; work out the
 *    indentation of standalone partials, parents and blocks, and remove a
 *    standalone block's own indentation from its body (it is added back
 *    where the block is expanded).
 *
 * The tokens then become a tree of nodes.  Indentation is applied while
 * rendering, not by re-parsing indented source: every node that starts a
 * line of template text carries line_start, and the renderer writes the
 * current indentation before it.  Text that comes from data is never
 * indented (the spec's "Standalone Indentation").
 */
#include <errno.h>
#include <math.h>

#include "tmpl.h"
#include "err.h"

enum tok_kind {
	TK_TEXT,
	TK_VAR,		/* {{x}} */
	TK_RAW,		/* {{{x}}} {{&x}} */
	TK_SECTION,	/* {{#x}} */
	TK_INVERTED,	/* {{^x}} */
	TK_CLOSE,	/* {{/x}} */
	TK_COMMENT,	/* {{!x}} */
	TK_PARTIAL,	/* {{>x}} */
	TK_PARENT,	/* {{<x}} */
	TK_BLOCK,	/* {{$x}} */
	TK_DELIM,	/* {{=a b=}} */
};

struct tok {
	enum tok_kind kind;
	size_t start, end;	/* the text, or the whole tag, in src */
	char *name;		/* owned: tag content (dynamic: without '*') */
	char *key;		/* owned: what a close tag must repeat */
	int dynamic;		/* {{>*x}} {{<*x}} */
	int line;
	int col0;		/* starts a source line */
	int removed;		/* TEXT: on a standalone line, dropped */
	int standalone;		/* the tag's line is standalone */
	int pair_block;		/* {{$b}}{{/b}} alone on a line */
	long match;		/* open <-> close, else -1 */
	long parent;		/* the enclosing open tag, else -1 */
	size_t line_from, line_to;	/* the tag's line group, in src */
	char *indent;		/* owned: blanks before a standalone tag */
	char *dedent;		/* owned: standalone block's body indentation */
};

enum node_kind {
	N_TEXT,
	N_VAR,
	N_RAW,
	N_SECTION,
	N_INVERTED,
	N_PARTIAL,
	N_PARENT,
	N_BLOCK,
};

struct node {
	enum node_kind kind;
	int line;
	int line_start;		/* write the indentation first */
	int standalone;
	int dynamic;
	const char *text;	/* N_TEXT: borrowed from the template */
	size_t len;
	char *name;		/* owned */
	char **path;		/* owned: name split at dots; none for "." */
	size_t npath;
	char *indent;		/* owned, never NULL for tags */
	struct node *kids;	/* owned */
	size_t nkids;
};

struct tmpl {
	char *file;
	char *src;
	size_t len;
	struct node *root;
	size_t nroot;
};

struct tmpl_set {
	char **names;
	struct tmpl **v;
	size_t n;
	size_t alloc;
	size_t nalloc;
};

struct parser {
	const char *src;
	size_t len;
	const char *file;
	struct strlist *errors;
	int nerr;
	struct tok *toks;
	size_t ntoks;
	size_t atoks;
};

#define MAX_DELIM 16

static void
perr(struct parser *p, int line, const char *fmt, ...) ATTR_PRINTF(3, 4);

static void
perr(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (p->errors)
		strlist_pushf(p->errors, "%s:%d: %s", p->file, line, msg);
	free(msg);
	p->nerr++;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	    c == '\f';
}

/* A copy of [s, s+n) without leading and trailing white space. */
static char *
trimmed(const char *s, size_t n)
{
	while (n && is_space((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && is_space((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static int
has_space(const char *s)
{
	for (; *s; s++)
		if (is_space((unsigned char)*s))
			return 1;
	return 0;
}

static struct tok *
push_tok(struct parser *p, enum tok_kind kind, size_t start, size_t end,
    int line)
{
	struct tok *t;

	GROW(p->toks, p->ntoks + 1, p->atoks);
	t = &p->toks[p->ntoks++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->start = start;
	t->end = end;
	t->line = line;
	t->col0 = start == 0 || p->src[start - 1] == '\n';
	t->match = -1;
	t->parent = -1;
	return t;
}

/* Text from..to, one token per line; advances *line. */
static void
add_text(struct parser *p, size_t from, size_t to, int *line)
{
	size_t a = from, i;

	for (i = from; i < to; i++) {
		if (p->src[i] != '\n')
			continue;
		push_tok(p, TK_TEXT, a, i + 1, *line);
		(*line)++;
		a = i + 1;
	}
	if (a < to)
		push_tok(p, TK_TEXT, a, to, *line);
}

static const char *
find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	return memmem(hay, hlen, needle, nlen);
}

/* {{=<% %>=}}: content is "<% %>".  Returns 0 or -1. */
static int
set_delims(const char *content, char *open, size_t *olen, char *close,
    size_t *clen)
{
	const char *s = content, *a, *b;
	size_t na, nb;

	while (is_space((unsigned char)*s))
		s++;
	a = s;
	while (*s && !is_space((unsigned char)*s))
		s++;
	na = (size_t)(s - a);
	while (is_space((unsigned char)*s))
		s++;
	b = s;
	while (*s && !is_space((unsigned char)*s))
		s++;
	nb = (size_t)(s - b);
	while (is_space((unsigned char)*s))
		s++;
	if (*s || !na || !nb || na >= MAX_DELIM || nb >= MAX_DELIM ||
	    memchr(a, '=', na) || memchr(b, '=', nb))
		return -1;
	memcpy(open, a, na);
	open[na] = '\0';
	*olen = na;
	memcpy(close, b, nb);
	close[nb] = '\0';
	*clen = nb;
	return 0;
}

static int
tokenize(struct parser *p)
{
	char open[MAX_DELIM] = "{{", close[MAX_DELIM] = "}}";
	char endseq[MAX_DELIM + 1];
	size_t olen = 2, clen = 2, pos = 0;
	int line = 1;
	const char *src = p->src;
	size_t len = p->len;

	while (pos < len) {
		const char *o = find(src + pos, len - pos, open, olen);
		const char *f;
		size_t ts = o ? (size_t)(o - src) : len, q, cs, ce, end, i;
		enum tok_kind kind = TK_VAR;
		struct tok *t;
		char *content;
		int tline;

		add_text(p, pos, ts, &line);
		if (!o)
			break;
		tline = line;
		q = ts + olen;
		if (q < len && (src[q] == '{' || src[q] == '=')) {
			endseq[0] = src[q] == '{' ? '}' : '=';
			memcpy(endseq + 1, close, clen);
			f = find(src + q + 1, len - q - 1, endseq, clen + 1);
			kind = src[q] == '{' ? TK_RAW : TK_DELIM;
			cs = q + 1;
			ce = f ? (size_t)(f - src) : 0;
			end = ce + 1 + clen;
		} else {
			f = find(src + q, len - q, close, clen);
			cs = q;
			ce = f ? (size_t)(f - src) : 0;
			end = ce + clen;
		}
		if (!f) {
			perr(p, tline, "unclosed tag: no '%s%s' after '%s'",
			    kind == TK_RAW ? "}" : kind == TK_DELIM ? "=" : "",
			    close, open);
			return -1;
		}
		for (i = ts; i < end; i++)
			if (src[i] == '\n')
				line++;
		if (kind == TK_VAR && cs < ce) {
			switch (src[cs]) {
			case '&': kind = TK_RAW; cs++; break;
			case '#': kind = TK_SECTION; cs++; break;
			case '^': kind = TK_INVERTED; cs++; break;
			case '/': kind = TK_CLOSE; cs++; break;
			case '!': kind = TK_COMMENT; cs++; break;
			case '>': kind = TK_PARTIAL; cs++; break;
			case '<': kind = TK_PARENT; cs++; break;
			case '$': kind = TK_BLOCK; cs++; break;
			default: break;
			}
		}
		t = push_tok(p, kind, ts, end, tline);
		pos = end;
		if (kind == TK_COMMENT)
			continue;
		content = xstrndup(src + cs, ce - cs);
		if (kind == TK_DELIM) {
			if (set_delims(content, open, &olen, close, &clen))
				perr(p, tline, "bad delimiter '%s': want two "
				    "markers without blanks or '='", content);
			free(content);
			continue;
		}
		t->name = trimmed(content, strlen(content));
		free(content);
		if ((kind == TK_PARTIAL || kind == TK_PARENT ||
		    kind == TK_CLOSE) && t->name[0] == '*') {
			char *rest = trimmed(t->name + 1, strlen(t->name + 1));

			free(t->name);
			t->name = rest;
			t->dynamic = kind != TK_CLOSE;
			t->key = xasprintf("*%s", rest);
		} else {
			t->key = xstrdup(t->name);
		}
		if (!t->name[0])
			perr(p, tline, "empty tag name");
		else if (has_space(t->name))
			perr(p, tline, "bad tag name '%s'", t->name);
	}
	return 0;
}

static int
is_open(enum tok_kind k)
{
	return k == TK_SECTION || k == TK_INVERTED || k == TK_PARENT ||
	    k == TK_BLOCK;
}

static void
match(struct parser *p)
{
	long *stack = NULL;
	size_t n = 0, alloc = 0, i;

	for (i = 0; i < p->ntoks; i++) {
		struct tok *t = &p->toks[i];

		t->parent = n ? stack[n - 1] : -1;
		if (is_open(t->kind)) {
			if (n >= TMPL_MAX_NESTING) {
				perr(p, t->line, "sections nested more than "
				    "%d deep", TMPL_MAX_NESTING);
				break;
			}
			GROW(stack, n + 1, alloc);
			stack[n++] = (long)i;
		} else if (t->kind == TK_CLOSE) {
			size_t j;

			for (j = n; j > 0; j--)
				if (!strcmp(p->toks[stack[j - 1]].key, t->key))
					break;
			if (!j) {
				perr(p, t->line, "'%s' closes no open section",
				    t->key);
				continue;
			}
			while (n > j) {
				struct tok *u = &p->toks[stack[--n]];

				perr(p, u->line, "unclosed section '%s' "
				    "(closed by '%s' on line %d)", u->key,
				    t->key, t->line);
			}
			n--;
			t->match = stack[n];
			t->parent = n ? stack[n - 1] : -1;
			p->toks[stack[n]].match = (long)i;
		}
	}
	while (n > 0) {
		struct tok *u = &p->toks[stack[--n]];

		perr(p, u->line, "unclosed section '%s'", u->key);
	}
	free(stack);
}

/* Length of the line end ("\n" or "\r\n") that ends the text token t. */
static size_t
eol_len(const struct parser *p, const struct tok *t)
{
	size_t n = t->end - t->start;

	if (n && p->src[t->end - 1] == '\n')
		return n >= 2 && p->src[t->end - 2] == '\r' ? 2 : 1;
	return 0;
}

static int
blank_text(const struct parser *p, const struct tok *t)
{
	size_t i, to = t->end - eol_len(p, t);

	for (i = t->start; i < to; i++)
		if (!is_blank((unsigned char)p->src[i]))
			return 0;
	return 1;
}

static int
may_stand_alone(enum tok_kind k)
{
	return k != TK_TEXT && k != TK_VAR && k != TK_RAW;
}

/* Marks the standalone lines of the group of tokens a..b (one line). */
static void
line_group(struct parser *p, size_t a, size_t b)
{
	size_t tags[3], ntags = 0, i;
	struct tok *t1, *t2, *first = &p->toks[a];
	int removed = 1;
	char *lead;

	for (i = a; i <= b; i++) {
		struct tok *t = &p->toks[i];

		if (t->kind == TK_TEXT) {
			if (!blank_text(p, t))
				return;
			continue;
		}
		if (!may_stand_alone(t->kind) || ntags == 2)
			return;
		tags[ntags++] = i;
	}
	if (!ntags)
		return;
	t1 = &p->toks[tags[0]];
	t2 = ntags == 2 ? &p->toks[tags[1]] : NULL;
	if (t2) {
		if (t2->start != t1->end)
			return;
		if (t1->kind == TK_PARENT && t2->kind == TK_CLOSE &&
		    t2->match == (long)tags[0]) {
			/* {{<parent}}{{/parent}} */
		} else if (t1->kind == TK_BLOCK && t2->kind == TK_CLOSE &&
		    t2->match == (long)tags[0]) {
			/* {{$block}}{{/block}}: the line end stays */
			removed = 0;
			t1->pair_block = 1;
		} else if (t1->kind == TK_PARENT && t2->kind == TK_BLOCK &&
		    t2->parent == (long)tags[0]) {
			t2->standalone = 1;
		} else if (t1->kind == TK_CLOSE && t2->kind == TK_CLOSE &&
		    t1->match >= 0 && t2->match >= 0 &&
		    p->toks[t1->match].kind == TK_BLOCK &&
		    p->toks[t2->match].kind == TK_PARENT &&
		    p->toks[t1->match].parent == t2->match) {
			t2->standalone = 1;
		} else {
			return;
		}
	}
	t1->standalone = 1;
	lead = first->kind == TK_TEXT ?
	    xstrndup(p->src + first->start, first->end - first->start) :
	    xstrdup("");
	t1->indent = lead;
	for (i = a; i <= b; i++) {
		struct tok *t = &p->toks[i];

		t->line_from = p->toks[a].start;
		t->line_to = p->toks[b].end;
		if (t->kind != TK_TEXT)
			continue;
		if (removed || i < tags[0]) {
			t->removed = 1;
		} else {
			/* keep only the line end after a block pair */
			size_t eol = eol_len(p, t);

			t->start = t->end - eol;
			if (!eol)
				t->removed = 1;
		}
	}
}

/* Common leading blanks of the non-blank lines in src[from, to). */
static char *
common_indent(const struct parser *p, size_t from, size_t to)
{
	size_t i = from, best = 0;
	const char *ref = NULL;

	while (i < to) {
		size_t ls = i, n = 0, j;

		while (i < to && p->src[i] != '\n')
			i++;
		for (j = ls; j < i && is_blank((unsigned char)p->src[j]); j++)
			;
		if (!(j == i || (j + 1 == i && p->src[j] == '\r'))) {
			n = j - ls;
			if (!ref) {
				ref = p->src + ls;
				best = n;
			} else {
				size_t k;

				for (k = 0; k < best && k < n &&
				    ref[k] == p->src[ls + k]; k++)
					;
				best = k;
			}
		}
		if (i < to)
			i++;
	}
	return xstrndup(ref ? ref : "", best);
}

/* Drops prefix from the start of s (in place) as far as they agree. */
static void
strip_prefix(char *s, const char *prefix)
{
	size_t k = 0;

	while (prefix[k] && s[k] == prefix[k])
		k++;
	if (k)
		memmove(s, s + k, strlen(s + k) + 1);
}

/*
 * Standalone lines, then the indentation of standalone blocks: the body
 * loses its common indentation (dedent), and the block gets it as the
 * indentation to add where it is expanded (or, with an empty or flush
 * body, the blanks before the tag).  Everything inside a standalone block
 * is made relative to it.
 */
static void
lines(struct parser *p)
{
	size_t a = 0, b, i;
	long *stack = NULL;
	size_t n = 0, alloc = 0;

	while (a < p->ntoks) {
		for (b = a; b < p->ntoks; b++) {
			struct tok *t = &p->toks[b];

			if (t->kind == TK_TEXT && p->src[t->end - 1] == '\n')
				break;
		}
		if (b == p->ntoks)
			b--;
		line_group(p, a, b);
		a = b + 1;
	}
	for (i = 0; i < p->ntoks; i++) {
		struct tok *t = &p->toks[i], *c;
		size_t from, to;

		if (t->kind != TK_BLOCK || !t->standalone || t->match < 0)
			continue;
		c = &p->toks[t->match];
		if (t->pair_block) {
			t->dedent = xstrdup("");
			continue;
		}
		from = t->line_to;
		to = c->standalone ? c->line_from : c->start;
		t->dedent = common_indent(p, from, MAX(from, to));
		if (t->dedent[0]) {
			free(t->indent);
			t->indent = xstrdup(t->dedent);
		}
	}
	for (i = 0; i < p->ntoks; i++) {
		struct tok *t = &p->toks[i];
		const char *r = n ? p->toks[stack[n - 1]].dedent : "";

		if (t->kind == TK_TEXT && t->col0 && !t->removed && *r) {
			size_t k = 0;

			while (r[k] && t->start + k < t->end &&
			    p->src[t->start + k] == r[k])
				k++;
			t->start += k;
		}
		if (t->indent && *r)
			strip_prefix(t->indent, r);
		if (t->kind == TK_BLOCK && t->standalone && t->match >= 0) {
			GROW(stack, n + 1, alloc);
			stack[n++] = (long)i;
		} else if (t->kind == TK_CLOSE && n &&
		    t->match == stack[n - 1]) {
			n--;
		}
	}
	free(stack);
}

static void
node_path(struct node *nd)
{
	char *s, *dot;

	if (!strcmp(nd->name, "."))
		return;
	s = nd->name;
	for (;;) {
		dot = strchr(s, '.');
		nd->path = xrealloc(nd->path, (nd->npath + 1) * sizeof(char *));
		nd->path[nd->npath++] = dot ? xstrndup(s, (size_t)(dot - s)) :
		    xstrdup(s);
		if (!dot)
			break;
		s = dot + 1;
	}
}

struct nodes {
	struct node *v;
	size_t n;
	size_t alloc;
};

static struct node *
add_node(struct nodes *ns, enum node_kind kind, int line)
{
	struct node *nd;

	GROW(ns->v, ns->n + 1, ns->alloc);
	nd = &ns->v[ns->n++];
	memset(nd, 0, sizeof(*nd));
	nd->kind = kind;
	nd->line = line;
	return nd;
}

static void
add_line_start(struct nodes *ns, int line)
{
	struct node *nd = add_node(ns, N_TEXT, line);

	nd->text = "";
	nd->line_start = 1;
}

static void build(const struct parser *p, const char *src, size_t from,
    size_t to, struct nodes *ns);

static void
build_tag(const struct parser *p, const char *src, const struct tok *t,
    size_t i, struct nodes *ns)
{
	static const enum node_kind kinds[] = {
		[TK_VAR] = N_VAR, [TK_RAW] = N_RAW,
		[TK_SECTION] = N_SECTION, [TK_INVERTED] = N_INVERTED,
		[TK_PARTIAL] = N_PARTIAL, [TK_PARENT] = N_PARENT,
		[TK_BLOCK] = N_BLOCK,
	};
	struct node *nd = add_node(ns, kinds[t->kind], t->line);
	struct nodes kids = { NULL, 0, 0 };

	nd->name = xstrdup(t->name);
	nd->dynamic = t->dynamic;
	nd->standalone = t->standalone;
	nd->line_start = t->col0 && !t->standalone;
	nd->indent = xstrdup(t->indent ? t->indent : "");
	if (t->kind != TK_PARTIAL && t->kind != TK_PARENT)
		node_path(nd);
	else if (nd->dynamic)
		node_path(nd);
	if (is_open(t->kind)) {
		build(p, src, i + 1, (size_t)t->match, &kids);
		nd = &ns->v[ns->n - 1];
		nd->kids = kids.v;
		nd->nkids = kids.n;
	}
}

static void
build(const struct parser *p, const char *src, size_t from, size_t to,
    struct nodes *ns)
{
	size_t i;

	for (i = from; i < to; i++) {
		const struct tok *t = &p->toks[i];
		struct node *nd;

		switch (t->kind) {
		case TK_TEXT:
			if (t->removed)
				break;
			if (t->start == t->end && !t->col0)
				break;
			nd = add_node(ns, N_TEXT, t->line);
			nd->text = src + t->start;
			nd->len = t->end - t->start;
			nd->line_start = t->col0;
			break;
		case TK_COMMENT:
		case TK_DELIM:
		case TK_CLOSE:
			if (t->col0 && !t->standalone)
				add_line_start(ns, t->line);
			break;
		default:
			build_tag(p, src, t, i, ns);
			if (is_open(t->kind))
				i = (size_t)t->match;
			break;
		}
	}
	/* a close tag that starts a line starts it inside the section */
	if (to < p->ntoks && p->toks[to].kind == TK_CLOSE &&
	    p->toks[to].col0 && !p->toks[to].standalone)
		add_line_start(ns, p->toks[to].line);
}

static void
nodes_free(struct node *v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		for (j = 0; j < v[i].npath; j++)
			free(v[i].path[j]);
		free(v[i].path);
		free(v[i].indent);
		nodes_free(v[i].kids, v[i].nkids);
	}
	free(v);
}

static void
parser_release(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->ntoks; i++) {
		free(p->toks[i].name);
		free(p->toks[i].key);
		free(p->toks[i].indent);
		free(p->toks[i].dedent);
	}
	free(p->toks);
}

struct tmpl *
tmpl_compile(const char *src, size_t len, const char *file,
    struct strlist *errors)
{
	struct parser p;
	struct tmpl *t = NULL;
	struct nodes ns = { NULL, 0, 0 };

	memset(&p, 0, sizeof(p));
	p.file = file ? file : "template";
	p.errors = errors;
	if (len > TMPL_MAX_SOURCE) {
		perr(&p, 1, "template larger than %d bytes", TMPL_MAX_SOURCE);
		goto out;
	}
	t = xcalloc(1, sizeof(*t));
	t->file = xstrdup(p.file);
	t->src = xmalloc(len + 1);
	if (len)
		memcpy(t->src, src, len);
	t->src[len] = '\0';
	t->len = len;
	p.src = t->src;
	p.len = len;
	if (tokenize(&p))
		goto out;
	match(&p);
	if (p.nerr)
		goto out;
	lines(&p);
	build(&p, t->src, 0, p.ntoks, &ns);
	t->root = ns.v;
	t->nroot = ns.n;
out:
	if (p.nerr && t) {
		tmpl_free(t);
		t = NULL;
	}
	parser_release(&p);
	return t;
}

void
tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	nodes_free(t->root, t->nroot);
	free(t->src);
	free(t->file);
	free(t);
}

const char *
tmpl_file(const struct tmpl *t)
{
	return t->file;
}

struct tmpl_set *
tmpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_set));
}

void
tmpl_set_free(struct tmpl_set *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->names[i]);
		tmpl_free(s->v[i]);
	}
	free(s->names);
	free(s->v);
	free(s);
}

static long
set_find(const struct tmpl_set *s, const char *name)
{
	size_t i;

	for (i = 0; s && i < s->n; i++)
		if (!strcmp(s->names[i], name))
			return (long)i;
	return -1;
}

void
tmpl_set_add(struct tmpl_set *s, const char *name, struct tmpl *t)
{
	long i = set_find(s, name);

	if (i >= 0) {
		tmpl_free(s->v[i]);
		s->v[i] = t;
		return;
	}
	GROW(s->names, s->n + 1, s->nalloc);
	GROW(s->v, s->n + 1, s->alloc);
	s->names[s->n] = xstrdup(name);
	s->v[s->n++] = t;
}

const struct tmpl *
tmpl_set_get(const struct tmpl_set *s, const char *name)
{
	long i = set_find(s, name);

	return i < 0 ? NULL : s->v[i];
}

size_t
tmpl_set_count(const struct tmpl_set *s)
{
	return s ? s->n : 0;
}

const char *
tmpl_set_name(const struct tmpl_set *s, size_t i)
{
	return i < s->n ? s->names[i] : NULL;
}

static size_t
check_nodes(const struct tmpl_set *s, const struct tmpl *t,
    const struct node *v, size_t n, struct strlist *errors)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++) {
		const struct node *nd = &v[i];

		if ((nd->kind == N_PARTIAL || nd->kind == N_PARENT) &&
		    !nd->dynamic && set_find(s, nd->name) < 0) {
			if (errors)
				strlist_pushf(errors, "%s:%d: no template "
				    "'%s' for %s", t->file, nd->line,
				    nd->name, nd->kind == N_PARTIAL ?
				    "partial" : "parent");
			bad++;
		}
		bad += check_nodes(s, t, nd->kids, nd->nkids, errors);
	}
	return bad;
}

size_t
tmpl_set_check(const struct tmpl_set *s, struct strlist *errors)
{
	size_t i, bad = 0;

	for (i = 0; s && i < s->n; i++)
		bad += check_nodes(s, s->v[i], s->v[i]->root, s->v[i]->nroot,
		    errors);
	return bad;
}

/* Rendering. */

struct args {
	const char *name;
	const struct node *block;
	const struct args *next;
};

struct render {
	const struct tmpl_set *set;
	unsigned flags;
	struct tmpl_limits lim;
	struct buf *out;
	size_t base;
	const json_t **stack;
	size_t nstack;
	size_t astack;
	unsigned depth;
	unsigned long steps;
	struct err *e;
};

static int render_nodes(struct render *r, const struct node *v, size_t n,
    const char *indent, const struct args *args);

static int
emit(struct render *r, const char *s, size_t n)
{
	if (r->out->len - r->base + n > r->lim.max_output ||
	    buf_add(r->out, s, n))
		return err_set(r->e, ERR_PERM, "template output larger than "
		    "%zu bytes", MIN(r->lim.max_output, r->out->max));
	return 0;
}

int
tmpl_escape_html(struct buf *out, const char *s, size_t len)
{
	size_t i, a = 0;
	int rc = 0;

	for (i = 0; i < len && !rc; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		rc = buf_add(out, s + a, i - a);
		if (!rc)
			rc = buf_addstr(out, rep);
		a = i + 1;
	}
	if (!rc)
		rc = buf_add(out, s + a, len - a);
	return rc;
}

static int
emit_text(struct render *r, const char *s, size_t n, int escape)
{
	struct buf tmp = BUF_INIT(BUF_CAP_HUGE);
	int rc;

	if (!escape)
		return emit(r, s, n);
	tmpl_escape_html(&tmp, s, n);
	rc = emit(r, tmp.data, tmp.len);
	buf_release(&tmp);
	return rc;
}

/* The shortest text that reads back as d. */
static void
fmt_real(double d, char *out, size_t size)
{
	int prec;

	if (!isfinite(d)) {
		snprintf(out, size, "%s", isnan(d) ? "NaN" : d > 0 ?
		    "Infinity" : "-Infinity");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(out, size, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

static int
emit_value(struct render *r, const json_t *v, int escape)
{
	char num[64];

	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return emit_text(r, json_string_value(v),
		    json_string_length(v), escape);
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return emit(r, num, strlen(num));
	case JSON_REAL:
		fmt_real(json_real_value(v), num, sizeof(num));
		return emit(r, num, strlen(num));
	case JSON_TRUE:
		return emit(r, "true", 4);
	case JSON_FALSE:
		return emit(r, "false", 5);
	default:
		return 0;
	}
}

static const json_t *
lookup(const struct render *r, char *const *path, size_t npath)
{
	const json_t *v = NULL;
	size_t i;

	if (!npath)
		return r->nstack ? r->stack[r->nstack - 1] : NULL;
	for (i = r->nstack; i > 0; i--) {
		if (json_is_object(r->stack[i - 1]) &&
		    (v = json_object_get(r->stack[i - 1], path[0])))
			break;
	}
	if (!v)
		return NULL;
	for (i = 1; i < npath && v; i++)
		v = json_is_object(v) ? json_object_get(v, path[i]) : NULL;
	return v;
}

static int
truthy(const json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE:
		return 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	default:
		return 1;
	}
}

static void
push(struct render *r, const json_t *v)
{
	GROW(r->stack, r->nstack + 1, r->astack);
	r->stack[r->nstack++] = v;
}

/* The template a partial or parent tag names, or NULL. */
static const struct tmpl *
target(const struct render *r, const struct node *nd)
{
	const char *name = nd->name;

	if (nd->dynamic) {
		const json_t *v = lookup(r, nd->path, nd->npath);

		if (!json_is_string(v))
			return NULL;
		name = json_string_value(v);
	}
	return tmpl_set_get(r->set, name);
}

static int
enter(struct render *r, const struct node *nd)
{
	if (r->depth >= r->lim.max_depth)
		return err_set(r->e, ERR_PERM, "template line %d: partials "
		    "nested more than %u deep at '%s'", nd->line,
		    r->lim.max_depth, nd->name);
	r->depth++;
	return 0;
}

/* The argument the outermost parent passed for block name, or NULL. */
static const struct node *
argument(const struct args *a, const char *name)
{
	const struct node *found = NULL;

	for (; a; a = a->next)
		if (!strcmp(a->name, name))
			found = a->block;
	return found;
}

static int
render_section(struct render *r, const struct node *nd, const char *indent,
    const struct args *args)
{
	const json_t *v = lookup(r, nd->path, nd->npath);
	size_t i;
	int rc = 0;

	if (nd->kind == N_INVERTED) {
		if (!truthy(v))
			rc = render_nodes(r, nd->kids, nd->nkids, indent, args);
		return rc;
	}
	if (!truthy(v))
		return 0;
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v) && !rc; i++) {
			push(r, json_array_get(v, i));
			rc = render_nodes(r, nd->kids, nd->nkids, indent, args);
			r->nstack--;
		}
	} else {
		push(r, v);
		rc = render_nodes(r, nd->kids, nd->nkids, indent, args);
		r->nstack--;
	}
	return rc;
}

/* Expands a partial, a parent or a block. */
static int
render_include(struct render *r, const struct node *nd, const char *indent,
    const struct args *args)
{
	const struct tmpl *t = NULL;
	const struct node *arg = NULL;
	struct args *own = NULL;
	char *ind = NULL;
	size_t i, n = 0;
	int rc = 0;

	if (nd->kind == N_BLOCK) {
		arg = argument(args, nd->name);
	} else {
		t = target(r, nd);
		if (!t)
			return 0;
	}
	if (nd->kind == N_BLOCK && !arg) {
		ind = nd->standalone ? xasprintf("%s%s", indent, nd->indent) :
		    xstrdup(indent);
		rc = render_nodes(r, nd->kids, nd->nkids, ind, args);
		goto out;
	}
	rc = enter(r, nd);
	if (rc)
		goto out;
	ind = nd->standalone ? xasprintf("%s%s", indent, nd->indent) :
	    xstrdup("");
	if (nd->kind == N_BLOCK) {
		rc = render_nodes(r, arg->kids, arg->nkids, ind, args);
	} else if (nd->kind == N_PARTIAL) {
		rc = render_nodes(r, t->root, t->nroot, ind, args);
	} else {
		own = xcalloc(nd->nkids + 1, sizeof(*own));
		for (i = 0; i < nd->nkids; i++) {
			if (nd->kids[i].kind != N_BLOCK)
				continue;
			own[n].name = nd->kids[i].name;
			own[n].block = &nd->kids[i];
			own[n].next = n ? &own[n - 1] : args;
			n++;
		}
		rc = render_nodes(r, t->root, t->nroot, ind,
		    n ? &own[n - 1] : args);
	}
	r->depth--;
out:
	free(own);
	free(ind);
	return rc;
}

static int
render_nodes(struct render *r, const struct node *v, size_t n,
    const char *indent, const struct args *args)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		const struct node *nd = &v[i];

		if (++r->steps > r->lim.max_steps) {
			rc = err_set(r->e, ERR_PERM, "template needs more "
			    "than %lu steps", r->lim.max_steps);
			break;
		}
		if (nd->line_start && *indent) {
			rc = emit(r, indent, strlen(indent));
			if (rc)
				break;
		}
		switch (nd->kind) {
		case N_TEXT:
			rc = emit(r, nd->text, nd->len);
			break;
		case N_VAR:
		case N_RAW:
			rc = emit_value(r, lookup(r, nd->path, nd->npath),
			    nd->kind == N_VAR && !(r->flags & TMPL_RAW));
			break;
		case N_SECTION:
		case N_INVERTED:
			rc = render_section(r, nd, indent, args);
			break;
		case N_PARTIAL:
		case N_PARENT:
		case N_BLOCK:
			rc = render_include(r, nd, indent, args);
			break;
		}
	}
	return rc;
}

int
tmpl_render(const struct tmpl *t, const struct tmpl_set *partials,
    const json_t *data, unsigned flags, const struct tmpl_limits *lim,
    struct buf *out, struct err *e)
{
	static const struct tmpl_limits deflim = TMPL_LIMITS_INIT;
	struct render r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.set = partials;
	r.flags = flags;
	r.lim = lim ? *lim : deflim;
	r.out = out;
	r.base = out->len;
	r.e = e;
	if (data)
		push(&r, data);
	rc = render_nodes(&r, t->root, t->nroot, "", NULL);
	free(r.stack);
	return rc;
}
