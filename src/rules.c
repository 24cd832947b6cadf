/*
 * rules.c - the rule-file language (rules/README.md is its manual).
 *
 * A rule file is read line by line.  A line is blank, a comment (first
 * non-blank character '#'), a top-level directive (rule, include, list,
 * map, language, fields, threshold, prefer, default, decide, limit) or an
 * attribute of the rule above it (target, pattern, words, inlist, weight,
 * field, lang, describe, meta, max-hits, min-hits, when, expand).  A rule
 * ends where the next top-level directive or the file ends.
 *
 * Everything is parsed first, errors collected with file:line:column;
 * then the ruleset is finished (lists joined to the rules that use them,
 * "when" references resolved, thresholds checked).  Only a ruleset with
 * no error at all is returned.
 */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <sys/stat.h>

#include "rules.h"
#include "buf.h"
#include "rx.h"
#include "ufold.h"

#define MAX_FILE_SIZE	(64u << 20)
#define MAX_INCLUDE_DEPTH 16
#define MAX_RULES	100000
#define MAX_HITS_CAP	1000
#define MAX_MATCH_TEXT	200
#define MAX_CAPTURE	600
#define MAX_SENTENCE	600
#define MAX_ERRORS	200

enum rule_kind {
	KIND_NONE = 0,
	KIND_PATTERN,		/* pattern /.../ */
	KIND_WORDS,		/* words LIST: any entry as a whole word */
	KIND_INLIST,		/* inlist LIST: the whole text is an entry */
	KIND_META,		/* only a "when" condition */
};

enum expand {
	EXPAND_NONE = 0,
	EXPAND_SENTENCE,
	EXPAND_LINE,
};

/* A node of a "when" expression. */
enum enode_op {
	E_NUM, E_REF, E_NOT, E_NEG, E_AND, E_OR, E_ADD, E_SUB,
	E_GE, E_LE, E_GT, E_LT, E_EQ, E_NE,
};

struct enode {
	enum enode_op op;
	double num;
	char *ref;		/* E_REF: the rule id as written */
	int col;		/* E_REF: where, for errors */
	size_t rule;		/* E_REF: resolved index */
	int a, b;		/* operands, indexes in the node array */
};

struct xrule {
	struct rule r;		/* first: what other modules see */
	enum rule_kind kind;
	struct rx *rx;
	char *list;		/* words/inlist: the list's name */
	int list_col;
	size_t list_idx;
	struct enode *expr;	/* when: owned node array, root at 0 */
	size_t nexpr;
	int when_line;
	size_t expr_root;	/* index of the root node */
	int pat_line, pat_col;	/* where the pattern is, for errors */
	enum expand expand;
	int max_hits_set;
	int bad;		/* an error was reported: no follow-up ones */
	char *pattern;		/* as written, for the prefilter */
	unsigned flags;
	size_t *lits;		/* ids of the strings one of which it needs */
	size_t nlits;		/* 0: no prefilter, always run */
	int anchored;		/* plits: every match starts with one */
	size_t *plits;
	size_t nplits;
	struct rx *rx_anch;	/* the pattern compiled anchored */
	unsigned *cap_groups;	/* named groups to report, with names */
	const char **cap_names;	/* borrowed from rx */
	size_t ncaps;
};

struct rlist {
	char *name;
	char *file;		/* first file, for errors */
	int line;
	char **v;		/* owned, lowercased, sorted */
	size_t n, alloc;
};

struct rmap {
	char *name;
	char **keys;		/* as written */
	char **lkeys;		/* lowercased (ufold_lower), for search */
	char **values;
	size_t *order;		/* entries by key, then file order */
	size_t n, alloc;
};

/* The rules that look at one target, in load order. */
struct target_index {
	const char *target;	/* borrowed from a rule */
	size_t *rules;
	size_t n;
	/*
	 * The prefilter strings of these rules only (their ids are those of
	 * rs->lits), so that a scan for one target, often of one short line,
	 * neither searches for nor clears the strings of all the others.
	 */
	struct rx_lits *lits;	/* owned, or NULL */
	size_t *ids;		/* owned: the ids it finds */
	size_t nids;
	/*
	 * The rules (positions in rules) whose prefilter has string id:
	 * by_id[by_id_start[id]] to by_id[by_id_start[id + 1]] (owned), so
	 * a scan marks the rules its hits allow instead of asking each.
	 */
	size_t *by_id_start;
	size_t *by_id;
	/*
	 * Bit ti of always (owned, nwords words): rule ti has no prefilter
	 * strings and runs on every text.  With them and the hits, a scan
	 * of a plain target (none of its rules asks for a header or a
	 * language) visits only the rules that may match.
	 */
	uint64_t *always;
	size_t nwords;
	int plain;
};

struct define {
	char *name;		/* "_np" */
	char *group;		/* "(?<_np>(?i-msx:...))" */
};

struct ruleset {
	struct define *defs;
	size_t ndefs, adefs;
	struct xrule **rules;
	size_t nrules, alloc;
	struct rlist *lists;
	size_t nlists, alists;
	struct rmap *maps;
	size_t nmaps, amaps;
	double threshold[CLASS_COUNT];
	int threshold_set[CLASS_COUNT];
	char *threshold_file[CLASS_COUNT];
	int threshold_line[CLASS_COUNT];
	enum iq_class prefer[CLASS_COUNT];
	enum iq_class dflt;
	enum rules_decide decide;
	struct rx_limits lim;
	unsigned long budget_ms;
	size_t text_cap;
	struct strlist fields;	/* declared with "fields" */
	struct strlist files;	/* every file read (real paths) */
	unsigned max_groups;
	struct target_index *tix;	/* rules by target */
	size_t ntix;
	struct rx_lits *lits;	/* the prefilter's strings, or NULL */
	struct strlist lit_strings;
	size_t nlits;
	size_t nprefiltered;	/* rules with a prefilter */
	unsigned long serial;	/* ruleset_serial */
};

/* While loading. */
struct parser {
	struct ruleset *rs;
	struct strlist *errors;
	size_t nerr;
	struct xrule *cur;	/* rule being defined, or NULL */
	const char *dir;
};

/* One file being read. */
struct pfile {
	const char *path;	/* as reported */
	const char *line;	/* current line */
	int lineno;
	struct strlist lang;	/* "language" in force */
	int depth;
};

static const char *const targets[] = {
	"subject", "body", "visible", "quoted", "signature", "sigline",
	"from", "from_name", "from_addr", "from_domain", "reply_to",
	"header", "attachment", "html", "website", "any",
};

/* Fields of the requirement outline (classify.h), and "question". */
static const char *const outline_fields[] = {
	"product", "product_phrase", "quantity", "size", "material",
	"colour", "logo",
	"packaging", "incoterm", "port", "destination", "payment",
	"delivery", "certification", "samples", "target_price", "question",
	"model", "brand", "part_number", "spec", "capacity", "power",
	"voltage", "weight", "length", "thickness", "finish", "design",
	"usage", "quality", "shipping", "price_basis", "currency", "moq",
	"request", "insurance", "includes", "note", "warranty", "documents",
	"customer_type", "market", "order_type", "shape", "compatibility",
	"labelled",
};

/* Fields of a signature (sig.h). */
static const char *const contact_fields[] = {
	"name", "title", "company", "department", "address", "city",
	"country", "phone", "mobile", "fax", "whatsapp", "skype", "wechat",
	"telegram", "qq", "viber", "line", "zalo", "kakao", "linkedin",
	"email", "website",
	"salutation", "industry",
};

static const char *const class_names[CLASS_COUNT] = {
	"vague", "detailed", "spam",
};

const char *
class_name(enum iq_class c)
{
	return (unsigned)c < CLASS_COUNT ? class_names[c] : "unknown";
}

int
class_from_name(const char *s)
{
	int i;

	for (i = 0; i < CLASS_COUNT; i++)
		if (!strcasecmp(s, class_names[i]))
			return i;
	return -1;
}

/* --- small text helpers ---------------------------------------------- */

/* Column (1-based, in characters) of byte offset off in line. */
static int
column(const char *line, size_t off)
{
	size_t i;
	int col = 1;

	for (i = 0; i < off && line[i]; i++)
		if (((unsigned char)line[i] & 0xc0) != 0x80)
			col++;
	return col;
}

/* A copy of s[0..len) cut at max bytes on a character boundary. */
static char *
dup_capped(const char *s, size_t len, size_t max)
{
	if (len > max) {
		len = max;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	return xstrndup(s, len);
}

/*
 * A copy of s[0..len) with runs of white space made one space, trimmed,
 * and trailing ",;:" removed, cut at max bytes.
 */
static char *
dup_clean(const char *s, size_t len, size_t max)
{
	/*
	 * Each byte written stands for a byte of s (a space for the blanks
	 * before a byte), and the loop stops once max are written: at most
	 * MIN(len, max + 1) bytes, allocated at once.
	 */
	char *out = xmalloc(MIN(len, max + 1) + 1);
	size_t i, n = 0;
	int space = 0;

	for (i = 0; i < len && n < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == '\f' || c == '\v') {
			space = n > 0;
			continue;
		}
		/* U+00A0 no-break space */
		if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] == 0xa0) {
			space = n > 0;
			i++;
			continue;
		}
		if (space)
			out[n++] = ' ';
		space = 0;
		out[n++] = (char)c;
	}
	while (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0x80 &&
	    n >= max)
		n--;
	while (n > 0 && strchr(",;: ", out[n - 1]))
		n--;
	out[n] = '\0';
	return out;
}

static int
is_ident_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static int
valid_id(const char *s)
{
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 0; s[i]; i++)
		if (!is_ident_char((unsigned char)s[i]) || i >= 64)
			return 0;
	return 1;
}

static int
valid_lang(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 3)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

static int
in_table(const char *const *t, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i], s))
			return 1;
	return 0;
}

const char *
rules_field_name(const char *name)
{
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(outline_fields); i++)
		if (!strcmp(outline_fields[i], name))
			return outline_fields[i];
	return NULL;
}

int
rules_outline_field(const char *name)
{
	return in_table(outline_fields, ARRAY_SIZE(outline_fields), name);
}

int
ruleset_known_field(const struct ruleset *rs, const char *name)
{
	return rules_outline_field(name) ||
	    in_table(contact_fields, ARRAY_SIZE(contact_fields), name) ||
	    (rs && strlist_find(&rs->fields, name, 0) >= 0);
}

/* Levenshtein distance, capped, for "did you mean". */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			c = MIN(c, d[i - 1][j] + 1);
			d[i][j] = MIN(c, d[i][j - 1] + 1);
		}
	return d[la][lb];
}

/* ", did you mean 'x'?" or "" for the nearest of table. */
static const char *
suggest(char *out, size_t size, const char *s, const char *const *t,
    size_t n)
{
	size_t i, best = 99, bi = 0;

	for (i = 0; i < n; i++) {
		size_t d = distance(s, t[i]);

		if (d < best) {
			best = d;
			bi = i;
		}
	}
	if (best <= 2 && best < strlen(s))
		snprintf(out, size, "; did you mean '%s'?", t[bi]);
	else
		out[0] = '\0';
	return out;
}

/* --- errors ---------------------------------------------------------- */

static void ATTR_PRINTF(5, 6)
perr(struct parser *p, const char *file, int line, int col,
    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	p->nerr++;
	if (p->nerr > MAX_ERRORS) {
		if (p->nerr == MAX_ERRORS + 1)
			strlist_pushf(p->errors, "%s:%d:%d: too many errors, "
			    "stopping", file, line, col);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line <= 0)	/* about a file or directory as a whole */
		strlist_pushf(p->errors, "%s: %s", file, msg);
	else
		strlist_pushf(p->errors, "%s:%d:%d: %s", file, line, col, msg);
}

/* An error at byte offset off of the current line. */
#define ferr(p, f, off, ...) \
	perr((p), (f)->path, (f)->lineno, column((f)->line, (off)), __VA_ARGS__)

/* --- words of a line ------------------------------------------------- */

struct word {
	const char *s;		/* start in the line */
	size_t len;
	size_t off;		/* byte offset in the line */
};

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* The next blank-separated word at or after *pos; 0 when none is left. */
static int
next_word(const char *line, size_t *pos, struct word *w)
{
	size_t i = *pos;

	while (is_blank(line[i]))
		i++;
	if (!line[i])
		return 0;
	w->s = line + i;
	w->off = i;
	while (line[i] && !is_blank(line[i]))
		i++;
	w->len = i - w->off;
	*pos = i;
	return 1;
}

/* The rest of the line after *pos, trimmed; its offset in *off. */
static const char *
rest_of_line(const char *line, size_t pos, size_t *off, size_t *len)
{
	size_t n;

	while (is_blank(line[pos]))
		pos++;
	n = strlen(line + pos);
	while (n > 0 && is_blank(line[pos + n - 1]))
		n--;
	*off = pos;
	*len = n;
	return line + pos;
}

static int
word_is(const struct word *w, const char *s)
{
	return strlen(s) == w->len && !memcmp(w->s, s, w->len);
}

static char *
word_dup(const struct word *w)
{
	return xstrndup(w->s, w->len);
}

/* --- lists and maps -------------------------------------------------- */

static struct rlist *
find_list(const struct ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nlists; i++)
		if (!strcmp(rs->lists[i].name, name))
			return &rs->lists[i];
	return NULL;
}

static struct rmap *
find_map(const struct ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nmaps; i++)
		if (!strcmp(rs->maps[i].name, name))
			return &rs->maps[i];
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Joins dir of file and rel (rel absolute: itself). */
static char *
path_beside(const char *file, const char *rel)
{
	const char *slash;

	if (rel[0] == '/')
		return xstrdup(rel);
	slash = strrchr(file, '/');
	if (!slash)
		return xstrdup(rel);
	return xasprintf("%.*s/%s", (int)(slash - file), file, rel);
}

/* Reads a whole file; -1 with an error reported at the caller's line. */
static int
read_data_file(struct parser *p, struct pfile *f, size_t off,
    const char *path, struct buf *b)
{
	if (buf_read_file(b, path)) {
		ferr(p, f, off, "cannot read '%s': %s", path,
		    errno == EFBIG ? "file too large" : strerror(errno));
		return -1;
	}
	if (memchr(b->data, '\0', b->len)) {
		ferr(p, f, off, "'%s' contains a NUL byte", path);
		return -1;
	}
	return 0;
}

/* Splits b into lines in place, calling fn for each (trimmed, no '#'). */
static void
each_data_line(char *data, void (*fn)(void *ctx, char *line, int lineno),
    void *ctx)
{
	char *s = data, *nl, *hash;
	int lineno = 0;

	while (s && *s) {
		lineno++;
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		/* a comment: '#' at the start or after a blank */
		hash = s[0] == '#' ? s : NULL;
		if (!hash) {
			char *h = strstr(s, " #");
			char *t = strstr(s, "\t#");

			hash = h && t ? MIN(h, t) : h ? h : t;
		}
		if (hash)
			*hash = '\0';
		str_trim(s);
		if (*s)
			fn(ctx, s, lineno);
		s = nl ? nl + 1 : NULL;
	}
}

static void
add_list_entry(void *ctx, char *line, int lineno)
{
	struct rlist *l = ctx;

	(void)lineno;
	str_lower(line);
	GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = xstrdup(line);
}

struct map_ctx {
	struct parser *p;
	struct rmap *m;
	const char *path;
};

/*
 * The map of outline labels ("colour = colour", "price = target_price,
 * incoterm", "dear sir = -") names outline fields: check each.
 */
static void
check_label_fields(struct map_ctx *mc, const char *value, int lineno)
{
	char *copy = xstrdup(value), *f = copy, *comma;

	do {
		comma = strchr(f, ',');
		if (comma)
			*comma = '\0';
		str_trim(f);
		if (strcmp(f, "-") && (!rules_outline_field(f) ||
		    !strcmp(f, "labelled") || !strcmp(f, "question")))
			perr(mc->p, mc->path, lineno, 1, "unknown field '%s' "
			    "(an outline field, or '-' for none)", f);
		f = comma ? comma + 1 : NULL;
	} while (f);
	free(copy);
}

static void
add_map_entry(void *ctx, char *line, int lineno)
{
	struct map_ctx *mc = ctx;
	char *eq = strchr(line, '=');

	if (!eq) {
		perr(mc->p, mc->path, lineno, 1, "expected 'key = value'");
		return;
	}
	*eq = '\0';
	str_trim(line);
	str_trim(eq + 1);
	if (!*line) {
		perr(mc->p, mc->path, lineno, 1, "empty key");
		return;
	}
	if (!strcmp(mc->m->name, OUTLINE_LABELS_MAP))
		check_label_fields(mc, eq + 1, lineno);
	GROW(mc->m->keys, mc->m->n + 1, mc->m->alloc);
	mc->m->values = xrealloc(mc->m->values,
	    mc->m->alloc * sizeof(*mc->m->values));
	mc->m->lkeys = xrealloc(mc->m->lkeys,
	    mc->m->alloc * sizeof(*mc->m->lkeys));
	mc->m->keys[mc->m->n] = xstrdup(line);
	mc->m->lkeys[mc->m->n] = ufold_lower(line);
	mc->m->values[mc->m->n] = xstrdup(eq + 1);
	mc->m->n++;
}

/* "list NAME FILE" and "map NAME FILE". */
static void
do_list_or_map(struct parser *p, struct pfile *f, size_t pos, int is_map)
{
	struct word name, file, extra;
	struct buf b = BUF_INIT(MAX_FILE_SIZE);
	char *path = NULL;

	if (!next_word(f->line, &pos, &name) ||
	    !next_word(f->line, &pos, &file)) {
		ferr(p, f, pos, "usage: %s NAME FILE", is_map ? "map" : "list");
		goto out;
	}
	if (next_word(f->line, &pos, &extra)) {
		ferr(p, f, extra.off, "unexpected '%.*s' after the file name",
		    (int)extra.len, extra.s);
		goto out;
	}
	{
		char *n = word_dup(&name);
		int ok = valid_id(n);

		free(n);
		if (!ok) {
			ferr(p, f, name.off, "bad %s name '%.*s' (letters, "
			    "digits, '_', '-', '.')", is_map ? "map" : "list",
			    (int)name.len, name.s);
			goto out;
		}
	}
	{
		char *rel = word_dup(&file);

		path = path_beside(f->path, rel);
		free(rel);
	}
	if (read_data_file(p, f, file.off, path, &b))
		goto out;
	if (is_map) {
		struct map_ctx mc;
		char *n = word_dup(&name);
		struct rmap *m = find_map(p->rs, n);

		if (!m) {
			GROW(p->rs->maps, p->rs->nmaps + 1, p->rs->amaps);
			m = &p->rs->maps[p->rs->nmaps++];
			memset(m, 0, sizeof(*m));
			m->name = n;
		} else {
			free(n);
		}
		mc.p = p;
		mc.m = m;
		mc.path = path;
		each_data_line(b.data, add_map_entry, &mc);
	} else {
		char *n = word_dup(&name);
		struct rlist *l = find_list(p->rs, n);

		if (!l) {
			GROW(p->rs->lists, p->rs->nlists + 1, p->rs->alists);
			l = &p->rs->lists[p->rs->nlists++];
			memset(l, 0, sizeof(*l));
			l->name = n;
			l->file = xstrdup(f->path);
			l->line = f->lineno;
		} else {
			free(n);
		}
		each_data_line(b.data, add_list_entry, l);
	}
out:
	free(path);
	buf_release(&b);
}

/* --- "when" expressions ---------------------------------------------- */

struct eparse {
	const char *s;		/* the line */
	size_t i;		/* position */
	struct enode *v;
	size_t n, alloc;
	int err;
	size_t err_off;
	char err_msg[128];
};

static void
eskip(struct eparse *e)
{
	while (is_blank(e->s[e->i]))
		e->i++;
}

static int
eeat(struct eparse *e, const char *tok)
{
	size_t n = strlen(tok);

	eskip(e);
	if (strncmp(e->s + e->i, tok, n))
		return 0;
	/* "<" must not eat the start of "<=" and so on */
	if (n == 1 && strchr("<>!=", tok[0]) && e->s[e->i + 1] == '=')
		return 0;
	if (n == 1 && (tok[0] == '&' || tok[0] == '|'))
		return 0;
	e->i += n;
	return 1;
}

static int
enew(struct eparse *e, enum enode_op op, int a, int b)
{
	GROW(e->v, e->n + 1, e->alloc);
	memset(&e->v[e->n], 0, sizeof(e->v[e->n]));
	e->v[e->n].op = op;
	e->v[e->n].a = a;
	e->v[e->n].b = b;
	return (int)e->n++;
}

static void
efail(struct eparse *e, const char *msg)
{
	if (e->err)
		return;
	e->err = 1;
	e->err_off = e->i;
	snprintf(e->err_msg, sizeof(e->err_msg), "%s", msg);
}

static int eor(struct eparse *e, int depth);

static int
eunary(struct eparse *e, int depth)
{
	int a;

	if (e->err)
		return -1;
	if (depth > 64) {
		efail(e, "condition nested too deeply");
		return -1;
	}
	eskip(e);
	if (eeat(e, "!"))
		return enew(e, E_NOT, eunary(e, depth + 1), -1);
	if (eeat(e, "-"))
		return enew(e, E_NEG, eunary(e, depth + 1), -1);
	if (eeat(e, "(")) {
		a = eor(e, depth + 1);
		if (!eeat(e, ")"))
			efail(e, "expected ')'");
		return a;
	}
	if ((e->s[e->i] >= '0' && e->s[e->i] <= '9') || e->s[e->i] == '.') {
		char num[64];
		size_t j = 0;
		double d;

		while (j < sizeof(num) - 1 && ((e->s[e->i] >= '0' &&
		    e->s[e->i] <= '9') || e->s[e->i] == '.'))
			num[j++] = e->s[e->i++];
		num[j] = '\0';
		if (str_to_double(num, &d)) {
			efail(e, "bad number");
			return -1;
		}
		a = enew(e, E_NUM, -1, -1);
		e->v[a].num = d;
		return a;
	}
	if (is_ident_char((unsigned char)e->s[e->i]) && e->s[e->i] != '-' &&
	    e->s[e->i] != '.') {
		size_t st = e->i;

		while (is_ident_char((unsigned char)e->s[e->i]))
			e->i++;
		a = enew(e, E_REF, -1, -1);
		e->v[a].ref = xstrndup(e->s + st, e->i - st);
		e->v[a].col = (int)st;	/* byte offset; made a column later */
		return a;
	}
	efail(e, e->s[e->i] ? "expected a rule id, a number, '!' or '('" :
	    "unexpected end of the condition");
	return -1;
}

static int
esum(struct eparse *e, int depth)
{
	int a = eunary(e, depth);

	for (;;) {
		if (e->err)
			return -1;
		if (eeat(e, "+"))
			a = enew(e, E_ADD, a, eunary(e, depth));
		else if (eeat(e, "-"))
			a = enew(e, E_SUB, a, eunary(e, depth));
		else
			return a;
	}
}

static int
ecmp(struct eparse *e, int depth)
{
	static const struct {
		const char *tok;
		enum enode_op op;
	} ops[] = {
		{ ">=", E_GE }, { "<=", E_LE }, { "==", E_EQ }, { "!=", E_NE },
		{ ">", E_GT }, { "<", E_LT },
	};
	int a = esum(e, depth);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops) && !e->err; i++)
		if (eeat(e, ops[i].tok))
			return enew(e, ops[i].op, a, esum(e, depth));
	return a;
}

static int
eand(struct eparse *e, int depth)
{
	int a = ecmp(e, depth);

	while (!e->err && eeat(e, "&&"))
		a = enew(e, E_AND, a, ecmp(e, depth));
	return a;
}

static int
eor(struct eparse *e, int depth)
{
	int a = eand(e, depth);

	while (!e->err && eeat(e, "||"))
		a = enew(e, E_OR, a, eand(e, depth));
	return a;
}

static void
free_expr(struct enode *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].ref);
	free(v);
}

/* Parses the condition at line[pos..] into x->expr. */
static void
do_when(struct parser *p, struct pfile *f, size_t pos, struct xrule *x)
{
	struct eparse e;
	int root;
	size_t off, len;

	memset(&e, 0, sizeof(e));
	rest_of_line(f->line, pos, &off, &len);
	if (!len) {
		ferr(p, f, pos, "usage: when CONDITION");
		return;
	}
	if (x->expr) {
		ferr(p, f, off, "rule '%s' has two conditions", x->r.id);
		return;
	}
	e.s = f->line;
	e.i = off;
	root = eor(&e, 0);
	eskip(&e);
	if (!e.err && e.s[e.i])
		efail(&e, "unexpected text after the condition");
	if (e.err || root < 0) {
		ferr(p, f, e.err_off, "%s", e.err_msg);
		free_expr(e.v, e.n);
		return;
	}
	x->expr = e.v;
	x->expr_root = (size_t)root;
	x->nexpr = e.n;
	x->r.when = xstrndup(f->line + off, len);
	x->when_line = f->lineno;
	/* E_REF columns: convert byte offsets of this line now. */
	{
		size_t i;

		for (i = 0; i < e.n; i++)
			if (e.v[i].op == E_REF)
				e.v[i].col = column(f->line,
				    (size_t)e.v[i].col);
	}
}

/* --- rules ----------------------------------------------------------- */

static void
xrule_free(struct xrule *x)
{
	size_t i;

	if (!x)
		return;
	free(x->r.id);
	free(x->r.file);
	free(x->r.target);
	free(x->r.header);
	free(x->r.describe);
	strlist_release(&x->r.langs);
	free(x->r.field);
	for (i = 0; i < x->r.nmeta; i++) {
		free(x->r.meta[i].key);
		free(x->r.meta[i].value);
	}
	free(x->r.meta);
	free(x->r.when);
	rx_free(x->rx);
	rx_free(x->rx_anch);
	free(x->list);
	free_expr(x->expr, x->nexpr);
	free(x->cap_groups);
	free(x->cap_names);
	free(x->pattern);
	free(x->lits);
	free(x->plits);
	free(x);
}

/* "target T [HEADER]" or "header:NAME" forms; 0 or -1 (reported). */
static int
set_target(struct parser *p, struct pfile *f, struct xrule *x,
    const struct word *t, const struct word *hdr)
{
	char *name = word_dup(t);
	char *colon = strchr(name, ':');
	char sug[64];
	int rc = -1;

	if (x->r.target) {
		ferr(p, f, t->off, "rule '%s' already has a target", x->r.id);
		goto out;
	}
	if (colon) {
		*colon = '\0';
		if (strcmp(name, "header") || !colon[1]) {
			ferr(p, f, t->off, "bad target '%.*s' (write "
			    "header:NAME)", (int)t->len, t->s);
			goto out;
		}
		x->r.header = xstrdup(colon + 1);
	} else if (hdr) {
		if (strcmp(name, "header")) {
			ferr(p, f, hdr->off, "unexpected '%.*s' after target",
			    (int)hdr->len, hdr->s);
			goto out;
		}
		x->r.header = word_dup(hdr);
	}
	if (!in_table(targets, ARRAY_SIZE(targets), name)) {
		ferr(p, f, t->off, "unknown target '%s'%s", name,
		    suggest(sug, sizeof(sug), name, targets,
		    ARRAY_SIZE(targets)));
		goto out;
	}
	if (!strcmp(name, "header") && !x->r.header) {
		ferr(p, f, t->off, "target 'header' needs a header name "
		    "(header:NAME)");
		goto out;
	}
	if (x->r.header) {
		const char *h;

		for (h = x->r.header; *h; h++)
			if (*h <= ' ' || *h >= 127 || *h == ':') {
				ferr(p, f, t->off, "bad header name '%s'",
				    x->r.header);
				FREE_AND_NULL(x->r.header);
				goto out;
			}
	}
	x->r.target = name;
	name = NULL;
	rc = 0;
out:
	if (rc)
		x->bad = 1;
	free(name);
	return rc;
}

/*
 * The /.../flags on a line from pos: the pattern is everything between the
 * first and the last '/' of the line, verbatim; flag letters follow.
 * Returns 0 with the pattern's byte range, or -1 (reported).
 */
static int
split_pattern(struct parser *p, struct pfile *f, size_t pos, size_t *start,
    size_t *end, unsigned *flags)
{
	const char *line = f->line;
	const char *first, *last;
	size_t flen, bad;

	first = strchr(line + pos, '/');
	if (!first || first != line + pos) {
		ferr(p, f, pos, "expected a pattern written /.../flags");
		return -1;
	}
	last = strrchr(line, '/');
	if (last == first) {
		ferr(p, f, pos, "the pattern has no closing '/'");
		return -1;
	}
	*start = (size_t)(first - line) + 1;
	*end = (size_t)(last - line);
	flen = strlen(last + 1);
	while (flen > 0 && is_blank(last[flen]))
		flen--;
	if (rx_parse_flags(last + 1, flen, flags, &bad)) {
		ferr(p, f, *end + 1 + bad, "unknown pattern flag '%c' (flags: "
		    "i m s x U a n)", last[1 + bad]);
		return -1;
	}
	if (*end == *start) {
		ferr(p, f, *start, "empty pattern");
		return -1;
	}
	return 0;
}

static long
find_define(const struct ruleset *rs, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < rs->ndefs; i++)
		if (strlen(rs->defs[i].name) == len &&
		    !memcmp(rs->defs[i].name, name, len))
			return (long)i;
	return -1;
}

/* Marks the defines text[0..len) calls with (?&NAME) or (?P>NAME). */
static void
mark_defines(const struct ruleset *rs, const char *text, size_t len,
    unsigned char *need)
{
	size_t i, n;
	long d;

	for (i = 0; i + 3 < len; i++) {
		if (text[i] != '(' || text[i + 1] != '?')
			continue;
		if (text[i + 2] == '&')
			i += 3;
		else if (text[i + 2] == 'P' && text[i + 3] == '>')
			i += 4;
		else
			continue;
		for (n = 0; i + n < len && is_ident_char((unsigned char)
		    text[i + n]) && text[i + n] != '-' && text[i + n] != '.';
		    n++)
			;
		d = find_define(rs, text + i, n);
		if (d >= 0 && !need[d]) {
			need[d] = 1;
			mark_defines(rs, rs->defs[d].group,
			    strlen(rs->defs[d].group), need);
		}
	}
}

/*
 * Compiles a pattern with the defines it calls appended in a (?(DEFINE)
 * ...) group, after the pattern, so its own group numbers and error
 * offsets stay as written.  *in_def is set when the error lies in a
 * define.
 */
static struct rx *
compile_pattern(const struct ruleset *rs, const char *pat, size_t len,
    unsigned flags, struct rx_error *e, int *in_def)
{
	unsigned char *need;
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	struct rx *rx;
	size_t i;
	int any = 0;

	*in_def = 0;
	if (!rs->ndefs)
		return rx_compile(pat, len, flags, e);
	need = xcalloc(rs->ndefs, 1);
	mark_defines(rs, pat, len, need);
	buf_add(&b, pat, len);
	for (i = 0; i < rs->ndefs; i++)
		if (need[i]) {
			if (!any)
				buf_addstr(&b, "(?(DEFINE)");
			buf_addstr(&b, rs->defs[i].group);
			any = 1;
		}
	if (any)
		buf_addch(&b, ')');
	rx = rx_compile(b.data, b.len, flags, e);
	if (!rx && e->offset > len) {
		*in_def = 1;
		e->offset = len;
	}
	free(need);
	buf_release(&b);
	return rx;
}

/* "pattern /.../flags" */
static void
set_pattern(struct parser *p, struct pfile *f, struct xrule *x, size_t pos)
{
	size_t start, end;
	unsigned flags = 0;
	struct rx_error e;
	int in_def;

	while (is_blank(f->line[pos]))
		pos++;
	if (x->kind != KIND_NONE) {
		ferr(p, f, pos, "rule '%s' already has a %s", x->r.id,
		    x->kind == KIND_PATTERN ? "pattern" :
		    x->kind == KIND_WORDS ? "word list" : "list");
		return;
	}
	/* Whatever goes wrong below, the rule has no pattern: say it once. */
	x->bad = 1;
	if (split_pattern(p, f, pos, &start, &end, &flags))
		return;
	x->rx = compile_pattern(p->rs, f->line + start, end - start, flags, &e,
	    &in_def);
	if (!x->rx) {
		ferr(p, f, start + MIN(e.offset, end - start), "%s%s", e.msg,
		    in_def ? " (in a define it calls)" : "");
		return;
	}
	x->kind = KIND_PATTERN;
	x->pattern = xstrndup(f->line + start, end - start);
	x->flags = flags;
	x->bad = 0;
}

/* "define _NAME /RE/FLAGS": a subpattern patterns call with (?&_NAME). */
static void
do_define(struct parser *p, struct pfile *f, size_t pos)
{
	struct word name;
	size_t start, end, i;
	unsigned flags = 0;
	struct rx_error e;
	struct rx *rx;
	char *group, *n = NULL;
	char on[8], off[8];
	int k = 0, j = 0, in_def;

	if (!next_word(f->line, &pos, &name)) {
		ferr(p, f, pos, "usage: define _NAME /PATTERN/FLAGS");
		return;
	}
	n = word_dup(&name);
	for (i = 1; n[i]; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' &&
		    n[i] <= 'Z') || (n[i] >= '0' && n[i] <= '9') ||
		    n[i] == '_'))
			break;
	if (n[0] != '_' || i < 2 || n[i] || i > 32) {
		ferr(p, f, name.off, "bad define name '%s' (an underscore, "
		    "then letters, digits, '_')", n);
		goto out;
	}
	if (find_define(p->rs, n, strlen(n)) >= 0) {
		ferr(p, f, name.off, "'%s' is already defined", n);
		goto out;
	}
	while (is_blank(f->line[pos]))
		pos++;
	if (split_pattern(p, f, pos, &start, &end, &flags))
		goto out;
	if (flags & ~(unsigned)(RX_CASELESS | RX_MULTILINE | RX_DOTALL |
	    RX_EXTENDED)) {
		ferr(p, f, end + 1, "a define takes only the flags i m s x");
		goto out;
	}
	on[0] = off[0] = '\0';
	if (flags & RX_CASELESS) on[k++] = 'i'; else off[j++] = 'i';
	if (flags & RX_MULTILINE) on[k++] = 'm'; else off[j++] = 'm';
	if (flags & RX_DOTALL) on[k++] = 's'; else off[j++] = 's';
	if (flags & RX_EXTENDED) on[k++] = 'x'; else off[j++] = 'x';
	on[k] = off[j] = '\0';
	group = xasprintf("(?<%s>(?%s%s%s:%.*s))", n, on, j ? "-" : "", off,
	    (int)(end - start), f->line + start);
	/* Check it on its own, with the defines it calls. */
	rx = compile_pattern(p->rs, group, strlen(group), 0, &e, &in_def);
	if (!rx) {
		size_t pre = strlen(n) + 7 + strlen(on) + strlen(off) +
		    (j ? 1 : 0);

		ferr(p, f, start + (e.offset > pre ? MIN(e.offset - pre,
		    end - start) : 0), "%s", e.msg);
		free(group);
		goto out;
	}
	rx_free(rx);
	GROW(p->rs->defs, p->rs->ndefs + 1, p->rs->adefs);
	p->rs->defs[p->rs->ndefs].name = n;
	p->rs->defs[p->rs->ndefs].group = group;
	p->rs->ndefs++;
	n = NULL;
out:
	free(n);
}

static void
set_weights(struct parser *p, struct pfile *f, struct xrule *x, size_t pos)
{
	struct word w;
	int any = 0;

	while (next_word(f->line, &pos, &w)) {
		char *s = word_dup(&w);
		char *eq = strchr(s, '=');
		int c;
		double d;

		any = 1;
		if (!eq) {
			ferr(p, f, w.off, "expected CLASS=NUMBER, not '%s'", s);
			free(s);
			continue;
		}
		*eq = '\0';
		c = class_from_name(s);
		if (c < 0) {
			char sug[64];

			ferr(p, f, w.off, "unknown class '%s'%s", s,
			    suggest(sug, sizeof(sug), s, class_names,
			    CLASS_COUNT));
		} else if (str_to_double(eq + 1, &d) || !isfinite(d) ||
		    fabs(d) > 1000) {
			ferr(p, f, w.off + (size_t)(eq + 1 - s), "bad weight "
			    "'%s' (a number from -1000 to 1000)", eq + 1);
		} else {
			x->r.weight[c] = d;
		}
		free(s);
	}
	if (!any)
		ferr(p, f, pos, "usage: weight CLASS=NUMBER...");
}

static void
add_meta(struct parser *p, struct pfile *f, struct xrule *x, size_t pos)
{
	struct word k;
	char *key, *eq;
	const char *val;
	size_t off, len, i;

	if (!next_word(f->line, &pos, &k)) {
		ferr(p, f, pos, "usage: meta KEY VALUE");
		return;
	}
	key = word_dup(&k);
	eq = strchr(key, '=');
	if (eq) {
		/* meta KEY=VALUE [more value] */
		*eq = '\0';
		val = f->line + k.off + (size_t)(eq - key) + 1;
		rest_of_line(val, 0, &off, &len);
		val += off;
	} else {
		val = rest_of_line(f->line, pos, &off, &len);
	}
	for (i = 0; key[i]; i++)
		if (!is_ident_char((unsigned char)key[i]))
			break;
	if (!key[0] || key[i]) {
		ferr(p, f, k.off, "bad meta key '%s'", key);
		free(key);
		return;
	}
	if (!len) {
		ferr(p, f, k.off, "meta '%s' has no value", key);
		free(key);
		return;
	}
	x->r.meta = xrealloc(x->r.meta, (x->r.nmeta + 1) * sizeof(*x->r.meta));
	x->r.meta[x->r.nmeta].key = key;
	x->r.meta[x->r.nmeta].value = xstrndup(val, len);
	x->r.nmeta++;
}

static void
set_number(struct parser *p, struct pfile *f, size_t pos, const char *what,
    long min, long max, unsigned *out)
{
	struct word w, extra;
	long v;
	char *s;

	if (!next_word(f->line, &pos, &w)) {
		ferr(p, f, pos, "usage: %s NUMBER", what);
		return;
	}
	s = word_dup(&w);
	if (str_to_long(s, min, max, &v))
		ferr(p, f, w.off, "bad %s '%s' (%ld to %ld)", what, s, min,
		    max);
	else if (next_word(f->line, &pos, &extra))
		ferr(p, f, extra.off, "unexpected '%.*s'", (int)extra.len,
		    extra.s);
	else
		*out = (unsigned)v;
	free(s);
}

static void
set_langs(struct parser *p, struct pfile *f, size_t pos, struct strlist *l)
{
	struct word w;
	int any = 0;

	strlist_release(l);
	while (next_word(f->line, &pos, &w)) {
		char *s = word_dup(&w);

		any = 1;
		if (!strcmp(s, "*") || !strcmp(s, "any")) {
			strlist_release(l);
		} else if (!valid_lang(s)) {
			ferr(p, f, w.off, "bad language '%s' (an ISO 639 code "
			    "such as en, es, zh, or *)", s);
		} else {
			strlist_push(l, s);
		}
		free(s);
	}
	if (!any)
		ferr(p, f, pos, "usage: lang CODE... (or *)");
}

static void
set_field(struct parser *p, struct pfile *f, struct xrule *x, size_t pos)
{
	struct word w, extra;
	char *s;
	char sug[64];

	if (!next_word(f->line, &pos, &w)) {
		ferr(p, f, pos, "usage: field NAME");
		return;
	}
	s = word_dup(&w);
	if (next_word(f->line, &pos, &extra)) {
		ferr(p, f, extra.off, "unexpected '%.*s'", (int)extra.len,
		    extra.s);
		free(s);
	} else if (!ruleset_known_field(p->rs, s)) {
		ferr(p, f, w.off, "unknown field '%s'%s", s,
		    suggest(sug, sizeof(sug), s, outline_fields,
		    ARRAY_SIZE(outline_fields)));
		free(s);
	} else if (x->r.field) {
		ferr(p, f, w.off, "rule '%s' already has a field", x->r.id);
		free(s);
	} else {
		x->r.field = s;
	}
}

static void
set_list_ref(struct parser *p, struct pfile *f, struct xrule *x, size_t pos,
    enum rule_kind kind)
{
	struct word w;

	if (!next_word(f->line, &pos, &w)) {
		ferr(p, f, pos, "usage: %s LIST",
		    kind == KIND_WORDS ? "words" : "inlist");
		return;
	}
	if (x->kind != KIND_NONE) {
		ferr(p, f, w.off, "rule '%s' already has a %s", x->r.id,
		    x->kind == KIND_PATTERN ? "pattern" : "list");
		return;
	}
	x->kind = kind;
	x->list = word_dup(&w);
	x->list_col = column(f->line, w.off);
}

/* Checks a rule once all its lines are read; moves it into the set. */
static void
finish_rule(struct parser *p)
{
	struct xrule *x = p->cur;
	size_t i;

	if (!x)
		return;
	p->cur = NULL;
	if (x->bad) {
		/* its error is reported; the rest would only repeat it */
	} else if (x->kind == KIND_NONE && !x->expr) {
		perr(p, x->r.file, x->r.line, 1, "rule '%s' has no pattern, "
		    "words, inlist or when", x->r.id);
	} else if (x->kind == KIND_NONE) {
		x->kind = KIND_META;
		if (x->r.target)
			perr(p, x->r.file, x->r.line, 1, "rule '%s' has a "
			    "target but no pattern, words or inlist",
			    x->r.id);
	} else if (!x->r.target && x->kind != KIND_META) {
		perr(p, x->r.file, x->r.line, 1, "rule '%s' has no target",
		    x->r.id);
	}
	if (x->kind == KIND_META && x->r.field)
		perr(p, x->r.file, x->r.line, 1, "rule '%s': a condition-only "
		    "rule cannot fill field '%s'", x->r.id, x->r.field);
	if (x->expand != EXPAND_NONE && !x->r.field)
		perr(p, x->r.file, x->r.line, 1, "rule '%s': 'expand' needs a "
		    "'field'", x->r.id);
	if (x->r.min_hits > 1 && !x->max_hits_set)
		x->r.max_hits = x->r.min_hits;
	if (x->r.min_hits > x->r.max_hits && x->max_hits_set)
		perr(p, x->r.file, x->r.line, 1, "rule '%s': min-hits %u is "
		    "more than max-hits %u", x->r.id, x->r.min_hits,
		    x->r.max_hits);
	/* Named groups must be fields ("_name": private helper groups). */
	if (x->rx) {
		size_t n = rx_name_count(x->rx);

		x->cap_groups = xcalloc(n + 1, sizeof(*x->cap_groups));
		x->cap_names = xcalloc(n + 1, sizeof(*x->cap_names));
		for (i = 0; i < n; i++) {
			unsigned g;
			const char *name = rx_name(x->rx, i, &g);
			char sug[64];

			if (name[0] == '_')
				continue;
			if (!ruleset_known_field(p->rs, name)) {
				perr(p, x->r.file, x->pat_line,
				    x->pat_col, "rule '%s': unknown "
				    "field '%s' in (?<%s>...)%s", x->r.id,
				    name, name, suggest(sug, sizeof(sug),
				    name, outline_fields,
				    ARRAY_SIZE(outline_fields)));
				continue;
			}
			x->cap_groups[x->ncaps] = g;
			x->cap_names[x->ncaps] = name;
			x->ncaps++;
		}
		if (rx_capture_count(x->rx) > p->rs->max_groups)
			p->rs->max_groups = rx_capture_count(x->rx);
	}
	if (p->rs->nrules >= MAX_RULES) {
		perr(p, x->r.file, x->r.line, 1, "too many rules (at most %d)",
		    MAX_RULES);
		xrule_free(x);
		return;
	}
	GROW(p->rs->rules, p->rs->nrules + 1, p->rs->alloc);
	p->rs->rules[p->rs->nrules++] = x;
}

/* "rule ID [TARGET [/pattern/flags]]" */
static void
do_rule(struct parser *p, struct pfile *f, size_t pos)
{
	struct word id, t;
	struct xrule *x;
	size_t save;

	if (!next_word(f->line, &pos, &id)) {
		ferr(p, f, pos, "usage: rule ID [TARGET [/PATTERN/FLAGS]]");
		return;
	}
	x = xcalloc(1, sizeof(*x));
	x->r.id = word_dup(&id);
	x->r.file = xstrdup(f->path);
	x->r.line = f->lineno;
	x->r.max_hits = 1;
	x->pat_line = f->lineno;
	x->pat_col = 1;
	strlist_init(&x->r.langs);
	for (save = 0; save < f->lang.n; save++)
		strlist_push(&x->r.langs, f->lang.v[save]);
	if (!valid_id(x->r.id))
		ferr(p, f, id.off, "bad rule id '%s' (a letter, then letters, "
		    "digits, '_', '-', '.'; at most 64)", x->r.id);
	p->cur = x;
	save = pos;
	if (!next_word(f->line, &pos, &t))
		return;
	if (t.s[0] == '/') {
		ferr(p, f, t.off, "a pattern on the rule line needs a target "
		    "before it");
		return;
	}
	if (set_target(p, f, x, &t, NULL))
		return;
	save = pos;
	while (is_blank(f->line[save]))
		save++;
	if (f->line[save] && f->line[save] != '/') {
		struct word nw;

		next_word(f->line, &save, &nw);
		ferr(p, f, nw.off, "expected /PATTERN/FLAGS after the target, "
		    "not '%.*s'", (int)nw.len, nw.s);
		x->bad = 1;
	} else if (f->line[save]) {
		x->pat_col = column(f->line, save + 1);
		set_pattern(p, f, x, save);
	}
}

static void parse_file(struct parser *p, const char *path, int depth,
    const struct strlist *lang, struct pfile *from, size_t from_off);

static void
do_include(struct parser *p, struct pfile *f, size_t pos)
{
	struct word w, extra;
	char *rel, *path;
	glob_t g;
	size_t i;
	int rc;

	if (!next_word(f->line, &pos, &w)) {
		ferr(p, f, pos, "usage: include FILE");
		return;
	}
	if (next_word(f->line, &pos, &extra)) {
		ferr(p, f, extra.off, "unexpected '%.*s'", (int)extra.len,
		    extra.s);
		return;
	}
	if (f->depth >= MAX_INCLUDE_DEPTH) {
		ferr(p, f, w.off, "includes nested more than %d deep",
		    MAX_INCLUDE_DEPTH);
		return;
	}
	rel = word_dup(&w);
	path = path_beside(f->path, rel);
	if (strpbrk(rel, "*?[")) {
		rc = glob(path, 0, NULL, &g);
		if (rc == 0) {
			for (i = 0; i < g.gl_pathc; i++)
				parse_file(p, g.gl_pathv[i], f->depth + 1,
				    &f->lang, f, w.off);
			globfree(&g);
		} else if (rc != GLOB_NOMATCH) {
			ferr(p, f, w.off, "cannot expand '%s'", rel);
		}
	} else {
		parse_file(p, path, f->depth + 1, &f->lang, f, w.off);
	}
	free(rel);
	free(path);
}

static void
do_fields(struct parser *p, struct pfile *f, size_t pos)
{
	struct word w;
	int any = 0;

	while (next_word(f->line, &pos, &w)) {
		char *s = word_dup(&w);
		size_t i;

		any = 1;
		for (i = 0; s[i]; i++)
			if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' ||
			    (i && s[i] >= '0' && s[i] <= '9')))
				break;
		if (!s[0] || s[i])
			ferr(p, f, w.off, "bad field name '%s' (lowercase "
			    "letters, digits, '_')", s);
		else if (!ruleset_known_field(p->rs, s))
			strlist_push(&p->rs->fields, s);
		free(s);
	}
	if (!any)
		ferr(p, f, pos, "usage: fields NAME...");
}

static void
do_threshold(struct parser *p, struct pfile *f, size_t pos)
{
	struct word c, n;
	char *cs, *ns;
	int cls;
	double d;

	if (!next_word(f->line, &pos, &c) || !next_word(f->line, &pos, &n)) {
		ferr(p, f, pos, "usage: threshold CLASS NUMBER");
		return;
	}
	cs = word_dup(&c);
	ns = word_dup(&n);
	cls = class_from_name(cs);
	if (cls < 0)
		ferr(p, f, c.off, "unknown class '%s' (vague, detailed, spam)",
		    cs);
	else if (str_to_double(ns, &d) || !isfinite(d))
		ferr(p, f, n.off, "bad threshold '%s'", ns);
	else if (p->rs->threshold_set[cls])
		ferr(p, f, c.off, "threshold for '%s' already set at %s:%d",
		    cs, p->rs->threshold_file[cls],
		    p->rs->threshold_line[cls]);
	else {
		p->rs->threshold[cls] = d;
		p->rs->threshold_set[cls] = 1;
		p->rs->threshold_file[cls] = xstrdup(f->path);
		p->rs->threshold_line[cls] = f->lineno;
	}
	free(cs);
	free(ns);
}

static void
do_prefer(struct parser *p, struct pfile *f, size_t pos)
{
	struct word w;
	enum iq_class order[CLASS_COUNT];
	int seen[CLASS_COUNT] = { 0 };
	int n = 0, bad = 0;

	while (next_word(f->line, &pos, &w)) {
		char *s = word_dup(&w);
		int c = class_from_name(s);

		if (c < 0) {
			ferr(p, f, w.off, "unknown class '%s'", s);
			bad = 1;
		} else if (seen[c]) {
			ferr(p, f, w.off, "class '%s' named twice", s);
			bad = 1;
		} else if (n < CLASS_COUNT) {
			seen[c] = 1;
			order[n++] = (enum iq_class)c;
		}
		free(s);
	}
	if (!bad && n != CLASS_COUNT)
		ferr(p, f, pos, "prefer must name vague, detailed and spam, "
		    "each once");
	else if (!bad)
		memcpy(p->rs->prefer, order, sizeof(order));
}

static void
do_default(struct parser *p, struct pfile *f, size_t pos)
{
	struct word w;
	char *s;
	int c;

	if (!next_word(f->line, &pos, &w)) {
		ferr(p, f, pos, "usage: default CLASS");
		return;
	}
	s = word_dup(&w);
	c = class_from_name(s);
	if (c < 0)
		ferr(p, f, w.off, "unknown class '%s'", s);
	else
		p->rs->dflt = (enum iq_class)c;
	free(s);
}

static void
do_decide(struct parser *p, struct pfile *f, size_t pos)
{
	struct word w;

	if (!next_word(f->line, &pos, &w)) {
		ferr(p, f, pos, "usage: decide order|margin|score");
		return;
	}
	if (word_is(&w, "order"))
		p->rs->decide = DECIDE_ORDER;
	else if (word_is(&w, "margin"))
		p->rs->decide = DECIDE_MARGIN;
	else if (word_is(&w, "score"))
		p->rs->decide = DECIDE_SCORE;
	else
		ferr(p, f, w.off, "unknown decision '%.*s' (order, margin, "
		    "score)", (int)w.len, w.s);
}

/* "limit match|depth|heap|jit-stack|time|text N" */
static void
do_limit(struct parser *p, struct pfile *f, size_t pos)
{
	static const struct {
		const char *name;
		long min, max;
	} keys[] = {
		{ "match", 1000, 100000000 },
		{ "depth", 100, 10000000 },
		{ "heap", 64, 4194304 },
		{ "jit-stack", 32, 65536 },
		{ "time", 1, 600000 },
		{ "text", 1024, 64L << 20 },
	};
	struct word k, v;
	char *vs;
	long n;
	size_t i;

	if (!next_word(f->line, &pos, &k) || !next_word(f->line, &pos, &v)) {
		ferr(p, f, pos, "usage: limit match|depth|heap|jit-stack|"
		    "time|text NUMBER");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (word_is(&k, keys[i].name))
			break;
	if (i == ARRAY_SIZE(keys)) {
		ferr(p, f, k.off, "unknown limit '%.*s' (match, depth, heap, "
		    "jit-stack, time, text)", (int)k.len, k.s);
		return;
	}
	vs = word_dup(&v);
	if (str_to_long(vs, keys[i].min, keys[i].max, &n)) {
		ferr(p, f, v.off, "bad limit '%s' (%ld to %ld)", vs,
		    keys[i].min, keys[i].max);
	} else {
		switch (i) {
		case 0: p->rs->lim.match = (uint32_t)n; break;
		case 1: p->rs->lim.depth = (uint32_t)n; break;
		case 2: p->rs->lim.heap_kib = (uint32_t)n; break;
		case 3: p->rs->lim.jit_stack = (size_t)n * 1024; break;
		case 4: p->rs->budget_ms = (unsigned long)n; break;
		default: p->rs->text_cap = (size_t)n; break;
		}
	}
	free(vs);
}

/* An attribute line of the current rule. */
static void
do_attribute(struct parser *p, struct pfile *f, const struct word *kw,
    size_t pos)
{
	struct xrule *x = p->cur;
	struct word a, b;
	size_t off, len;

	if (word_is(kw, "target")) {
		if (!next_word(f->line, &pos, &a)) {
			ferr(p, f, pos, "usage: target NAME");
			return;
		}
		if (next_word(f->line, &pos, &b)) {
			struct word c;

			if (next_word(f->line, &pos, &c)) {
				ferr(p, f, c.off, "unexpected '%.*s'",
				    (int)c.len, c.s);
				return;
			}
			set_target(p, f, x, &a, &b);
		} else {
			set_target(p, f, x, &a, NULL);
		}
	} else if (word_is(kw, "pattern")) {
		while (is_blank(f->line[pos]))
			pos++;
		x->pat_line = f->lineno;
		x->pat_col = column(f->line, pos + 1);
		set_pattern(p, f, x, pos);
	} else if (word_is(kw, "words")) {
		set_list_ref(p, f, x, pos, KIND_WORDS);
	} else if (word_is(kw, "inlist")) {
		set_list_ref(p, f, x, pos, KIND_INLIST);
	} else if (word_is(kw, "weight")) {
		set_weights(p, f, x, pos);
	} else if (word_is(kw, "field")) {
		set_field(p, f, x, pos);
	} else if (word_is(kw, "lang")) {
		set_langs(p, f, pos, &x->r.langs);
	} else if (word_is(kw, "describe")) {
		const char *s = rest_of_line(f->line, pos, &off, &len);

		if (!len) {
			ferr(p, f, pos, "usage: describe TEXT");
			return;
		}
		free(x->r.describe);
		x->r.describe = xstrndup(s, len);
	} else if (word_is(kw, "meta")) {
		add_meta(p, f, x, pos);
	} else if (word_is(kw, "max-hits")) {
		set_number(p, f, pos, "max-hits", 1, MAX_HITS_CAP,
		    &x->r.max_hits);
		x->max_hits_set = 1;
	} else if (word_is(kw, "min-hits")) {
		set_number(p, f, pos, "min-hits", 1, MAX_HITS_CAP,
		    &x->r.min_hits);
	} else if (word_is(kw, "when")) {
		do_when(p, f, pos, x);
	} else if (word_is(kw, "expand")) {
		if (!next_word(f->line, &pos, &a))
			ferr(p, f, pos, "usage: expand sentence|line|none");
		else if (word_is(&a, "sentence"))
			x->expand = EXPAND_SENTENCE;
		else if (word_is(&a, "line"))
			x->expand = EXPAND_LINE;
		else if (word_is(&a, "none"))
			x->expand = EXPAND_NONE;
		else
			ferr(p, f, a.off, "unknown expand '%.*s' (sentence, "
			    "line, none)", (int)a.len, a.s);
	}
}

static const char *const attributes[] = {
	"target", "pattern", "words", "inlist", "weight", "field", "lang",
	"describe", "meta", "max-hits", "min-hits", "when", "expand",
};

static const char *const directives[] = {
	"rule", "include", "list", "map", "language", "fields", "threshold",
	"prefer", "default", "decide", "limit", "define",
};

static void
parse_line(struct parser *p, struct pfile *f)
{
	struct word kw;
	size_t pos = 0;
	char sug[64], name[40];

	if (!next_word(f->line, &pos, &kw) || kw.s[0] == '#')
		return;
	if (kw.len < sizeof(name))
		snprintf(name, sizeof(name), "%.*s", (int)kw.len, kw.s);
	else
		snprintf(name, sizeof(name), "%.30s...", kw.s);
	if (in_table(attributes, ARRAY_SIZE(attributes), name)) {
		if (!p->cur) {
			ferr(p, f, kw.off, "'%s' outside a rule (start one "
			    "with 'rule ID')", name);
			return;
		}
		do_attribute(p, f, &kw, pos);
		return;
	}
	if (!in_table(directives, ARRAY_SIZE(directives), name)) {
		const char *all[ARRAY_SIZE(attributes) +
		    ARRAY_SIZE(directives)];
		size_t i;

		for (i = 0; i < ARRAY_SIZE(attributes); i++)
			all[i] = attributes[i];
		for (i = 0; i < ARRAY_SIZE(directives); i++)
			all[ARRAY_SIZE(attributes) + i] = directives[i];
		ferr(p, f, kw.off, "unknown directive '%s'%s", name,
		    suggest(sug, sizeof(sug), name, all, ARRAY_SIZE(all)));
		return;
	}
	finish_rule(p);
	if (word_is(&kw, "rule"))
		do_rule(p, f, pos);
	else if (word_is(&kw, "include"))
		do_include(p, f, pos);
	else if (word_is(&kw, "list"))
		do_list_or_map(p, f, pos, 0);
	else if (word_is(&kw, "map"))
		do_list_or_map(p, f, pos, 1);
	else if (word_is(&kw, "language"))
		set_langs(p, f, pos, &f->lang);
	else if (word_is(&kw, "fields"))
		do_fields(p, f, pos);
	else if (word_is(&kw, "threshold"))
		do_threshold(p, f, pos);
	else if (word_is(&kw, "prefer"))
		do_prefer(p, f, pos);
	else if (word_is(&kw, "default"))
		do_default(p, f, pos);
	else if (word_is(&kw, "decide"))
		do_decide(p, f, pos);
	else if (word_is(&kw, "limit"))
		do_limit(p, f, pos);
	else if (word_is(&kw, "define"))
		do_define(p, f, pos);
}

/*
 * Reads one rule file.  from/from_off: the include line that named it
 * (for errors about the file itself), or NULL.
 */
static void
parse_file(struct parser *p, const char *path, int depth,
    const struct strlist *lang, struct pfile *from, size_t from_off)
{
	struct buf b = BUF_INIT(MAX_FILE_SIZE);
	struct pfile f;
	char real[PATH_MAX];
	char *s, *nl;
	size_t i;

	memset(&f, 0, sizeof(f));
	if (!realpath(path, real) || buf_read_file(&b, path)) {
		int e = errno;

		if (from)
			ferr(p, from, from_off, "cannot read '%s': %s", path,
			    e == EFBIG ? "file too large" : strerror(e));
		else
			perr(p, path, 0, 0, "cannot read: %s",
			    e == EFBIG ? "file too large" : strerror(e));
		goto out;
	}
	if (strlist_find(&p->rs->files, real, 0) >= 0) {
		if (from)
			ferr(p, from, from_off, "'%s' is already loaded", path);
		else
			perr(p, path, 0, 0, "already loaded by an include");
		goto out;
	}
	strlist_push(&p->rs->files, real);
	f.path = path;
	f.depth = depth;
	strlist_init(&f.lang);
	for (i = 0; lang && i < lang->n; i++)
		strlist_push(&f.lang, lang->v[i]);
	if (memchr(b.data, '\0', b.len)) {
		const char *z = memchr(b.data, '\0', b.len), *q;
		int line = 1;

		for (q = b.data; q < z; q++)
			line += *q == '\n';
		perr(p, path, line, 1, "NUL byte in the file");
		goto out;
	}
	s = b.data;
	while (s) {
		f.lineno++;
		nl = strchr(s, '\n');
		if (nl) {
			*nl = '\0';
			if (nl > s && nl[-1] == '\r')
				nl[-1] = '\0';
		}
		f.line = s;
		if (strlen(s) > BUF_CAP_LINE) {
			perr(p, path, f.lineno, 1, "line longer than %d bytes",
			    BUF_CAP_LINE);
		} else {
			const char *c;

			for (c = s; *c; c++)
				if ((unsigned char)*c < 0x20 && *c != '\t')
					break;
			if (*c)
				ferr(p, &f, (size_t)(c - s), "control "
				    "character \\x%02x in the line (write it "
				    "as an escape in a pattern)",
				    (unsigned char)*c);
			else
				parse_line(p, &f);
		}
		s = nl ? nl + 1 : NULL;
	}
	/* A rule ends with its file. */
	finish_rule(p);
out:
	strlist_release(&f.lang);
	buf_release(&b);
}

/* --- finishing -------------------------------------------------------- */

static int
cmp_rule_id(const void *a, const void *b)
{
	const struct xrule *x = *(struct xrule *const *)a;
	const struct xrule *y = *(struct xrule *const *)b;
	int c = strcmp(x->r.id, y->r.id);

	if (c)
		return c;
	return x < y ? -1 : x > y;
}

static long
rule_index(const struct ruleset *rs, struct xrule **sorted, const char *id)
{
	size_t lo = 0, hi = rs->nrules;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(sorted[mid]->r.id, id);

		if (!c) {
			size_t i;

			for (i = 0; i < rs->nrules; i++)
				if (rs->rules[i] == sorted[mid])
					return (long)i;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Depth-first search for cycles among "when" references. */
static int
when_cycle(const struct ruleset *rs, size_t i, unsigned char *state)
{
	const struct xrule *x = rs->rules[i];
	size_t k;

	if (state[i] == 2)
		return 0;
	if (state[i] == 1)
		return 1;
	state[i] = 1;
	for (k = 0; k < x->nexpr; k++)
		if (x->expr[k].op == E_REF &&
		    when_cycle(rs, x->expr[k].rule, state))
			return 1;
	state[i] = 2;
	return 0;
}

static void
build_words(struct parser *p, struct xrule *x, const struct rlist *l)
{
	struct buf b = BUF_INIT(MAX_FILE_SIZE);
	struct rx_error e;
	size_t i;

	buf_addstr(&b, "(?:");
	for (i = 0; i < l->n; i++) {
		const char *w = l->v[i];
		size_t n = strlen(w), k;
		uint32_t first, last;

		first = utf8_next(w, n, &k);
		last = utf8_prev(w, n, &k);
		if (i)
			buf_addch(&b, '|');
		/* Whole words for alphabetic scripts; CJK has no spaces. */
		if (first < 0x2e80)
			buf_addstr(&b, "(?<!\\w)");
		rx_quote(&b, w, n);
		if (last < 0x2e80)
			buf_addstr(&b, "(?!\\w)");
	}
	buf_addch(&b, ')');
	if (b.overflow) {
		perr(p, x->r.file, x->r.line, 1, "list '%s' is too large for "
		    "'words'", l->name);
	} else if (!l->n) {
		perr(p, x->r.file, x->r.line, 1, "list '%s' is empty",
		    l->name);
	} else {
		x->rx = rx_compile(b.data, b.len, RX_CASELESS, &e);
		if (x->rx)
			x->rx_anch = rx_compile(b.data, b.len, RX_CASELESS |
			    RX_ANCHORED, &e);
		if (!x->rx)
			perr(p, x->r.file, x->r.line, x->list_col,
			    "cannot use list '%s' as words: %s", l->name,
			    e.msg);
	}
	buf_release(&b);
}

/*
 * The prefilter (rx.h): the strings one of which each pattern needs, all
 * in one Aho-Corasick automaton, so that a scan runs only the rules whose
 * strings the text contains.
 */
/* The group text of a define, for the prefilter's analysis. */
static const char *
resolve_define(void *arg, const char *name, size_t len, size_t *body_len)
{
	const struct ruleset *rs = arg;
	long d = find_define(rs, name, len);

	if (d < 0)
		return NULL;
	*body_len = strlen(rs->defs[d].group);
	return rs->defs[d].group;
}

/* The id of string v in all, added if new. */
static size_t
lit_id(struct strlist *all, const char *v)
{
	long id = strlist_find(all, v, 0);

	if (id < 0) {
		strlist_push(all, v);
		id = (long)all->n - 1;
	}
	return (size_t)id;
}

static void
build_prefilter(struct ruleset *rs)
{
	struct strlist all = STRLIST_INIT;
	size_t i, k;

	for (i = 0; i < rs->nrules; i++) {
		struct xrule *x = rs->rules[i];
		struct strlist need = STRLIST_INIT, pre = STRLIST_INIT;

		if (x->kind == KIND_PATTERN && x->pattern) {
			rx_required_literals(x->pattern, strlen(x->pattern),
			    x->flags, resolve_define, rs, &need, &pre);
		} else if (x->kind == KIND_WORDS) {
			const struct rlist *l = &rs->lists[x->list_idx];
			struct buf b = BUF_INIT(BUF_CAP_LINE);
			int ok = 1;

			for (k = 0; k < l->n; k++) {
				buf_reset(&b);
				rx_fold(&b, l->v[k], strlen(l->v[k]), NULL,
				    NULL);
				if (!b.len)
					ok = 0;
				strlist_push(&need, b.data);
			}
			buf_release(&b);
			if (!ok)
				strlist_release(&need);
			else if (x->rx_anch)
				for (k = 0; k < need.n; k++)
					strlist_push(&pre, need.v[k]);
		}
		if (need.n) {
			x->lits = xcalloc(need.n, sizeof(*x->lits));
			for (k = 0; k < need.n; k++)
				x->lits[x->nlits++] = lit_id(&all, need.v[k]);
			rs->nprefiltered++;
		}
		if (pre.n && x->kind == KIND_PATTERN) {
			struct rx_error e;
			int in_def;

			x->rx_anch = compile_pattern(rs, x->pattern,
			    strlen(x->pattern), x->flags | RX_ANCHORED, &e,
			    &in_def);
			if (!x->rx_anch)
				strlist_release(&pre);
		}
		if (pre.n) {
			x->plits = xcalloc(pre.n, sizeof(*x->plits));
			for (k = 0; k < pre.n; k++)
				x->plits[x->nplits++] = lit_id(&all, pre.v[k]);
			x->anchored = 1;
			if (!need.n)
				rs->nprefiltered++;
		}
		strlist_release(&need);
		strlist_release(&pre);
	}
	if (all.n) {
		rs->lits = rx_lits_new(&all);
		rs->nlits = all.n;
	}
	rs->lit_strings = all;
}

/* The prefilter automaton of the strings of t's rules. */
static void
target_lits(const struct ruleset *rs, struct target_index *t)
{
	struct strlist strings = STRLIST_INIT;
	unsigned char *mark;
	size_t i, k, id, alloc = 0;

	if (!rs->nlits)
		return;
	mark = xcalloc(rs->nlits, 1);
	for (i = 0; i < t->n; i++) {
		const struct xrule *x = rs->rules[t->rules[i]];

		for (k = 0; k < x->nlits + x->nplits; k++) {
			id = k < x->nlits ? x->lits[k] :
			    x->plits[k - x->nlits];
			if (mark[id])
				continue;
			mark[id] = 1;
			GROW(t->ids, t->nids + 1, alloc);
			t->ids[t->nids++] = id;
		}
	}
	free(mark);
	if (t->nids) {
		for (i = 0; i < t->nids; i++)
			strlist_push(&strings, rs->lit_strings.v[t->ids[i]]);
		t->lits = rx_lits_new_ids(&strings, t->ids);
		/* counts, then places */
		t->by_id_start = xcalloc(rs->nlits + 2, sizeof(size_t));
		for (i = 0; i < t->n; i++) {
			const struct xrule *x = rs->rules[t->rules[i]];

			for (k = 0; k < x->nlits; k++)
				t->by_id_start[x->lits[k] + 2]++;
		}
		for (id = 0; id < rs->nlits; id++)
			t->by_id_start[id + 2] += t->by_id_start[id + 1];
		t->by_id = xcalloc(t->by_id_start[rs->nlits + 1] + 1,
		    sizeof(size_t));
		for (i = 0; i < t->n; i++) {
			const struct xrule *x = rs->rules[t->rules[i]];

			for (k = 0; k < x->nlits; k++)
				t->by_id[t->by_id_start[x->lits[k] + 1]++] = i;
		}
	}
	strlist_release(&strings);
}

static void
build_target_index(struct ruleset *rs)
{
	size_t i, k;

	for (i = 0; i < rs->nrules; i++) {
		const struct xrule *x = rs->rules[i];
		struct target_index *t = NULL;

		if (x->kind == KIND_META || !x->r.target)
			continue;
		for (k = 0; k < rs->ntix; k++)
			if (!strcmp(rs->tix[k].target, x->r.target))
				t = &rs->tix[k];
		if (!t) {
			rs->tix = xrealloc(rs->tix, (rs->ntix + 1) *
			    sizeof(*rs->tix));
			t = &rs->tix[rs->ntix++];
			t->target = x->r.target;
			t->rules = NULL;
			t->n = 0;
			t->lits = NULL;
			t->ids = NULL;
			t->nids = 0;
			t->by_id_start = NULL;
			t->by_id = NULL;
			t->always = NULL;
			t->nwords = 0;
			t->plain = 0;
		}
		t->rules = xrealloc(t->rules, (t->n + 1) * sizeof(*t->rules));
		t->rules[t->n++] = i;
	}
	for (k = 0; k < rs->ntix; k++) {
		struct target_index *t = &rs->tix[k];

		target_lits(rs, t);
		t->nwords = (t->n + 63) / 64;
		t->always = xcalloc(t->nwords, sizeof(*t->always));
		t->plain = 1;
		for (i = 0; i < t->n; i++) {
			const struct xrule *x = rs->rules[t->rules[i]];

			if (!x->nlits)
				t->always[i / 64] |= (uint64_t)1 << (i % 64);
			if (x->r.header || !x->r.lang_any)
				t->plain = 0;
		}
	}
}

/* The map being sorted by cmp_map_key (qsort has no context). */
static const struct rmap *sort_ctx_map;

static int
cmp_map_key(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(sort_ctx_map->lkeys[x], sort_ctx_map->lkeys[y]);

	return c ? c : x < y ? -1 : x > y;
}

static void
finish_set(struct parser *p)
{
	struct ruleset *rs = p->rs;
	struct xrule **sorted;
	unsigned char *state;
	double reach[CLASS_COUNT] = { 0 };
	size_t i, k;
	int c;

	/* Lists: sort and drop duplicates, for bsearch. */
	for (i = 0; i < rs->nlists; i++) {
		struct rlist *l = &rs->lists[i];
		size_t w = 0;

		if (l->n)
			qsort(l->v, l->n, sizeof(*l->v), cmp_str);
		for (k = 0; k < l->n; k++) {
			if (w && !strcmp(l->v[w - 1], l->v[k]))
				free(l->v[k]);
			else
				l->v[w++] = l->v[k];
		}
		l->n = w;
	}
	/* Maps: an index by key, for bsearch. */
	for (i = 0; i < rs->nmaps; i++) {
		struct rmap *m = &rs->maps[i];

		m->order = xcalloc(m->n + 1, sizeof(*m->order));
		for (k = 0; k < m->n; k++)
			m->order[k] = k;
		sort_ctx_map = m;
		if (m->n)
			qsort(m->order, m->n, sizeof(*m->order), cmp_map_key);
		sort_ctx_map = NULL;
	}
	/* Duplicate ids. */
	sorted = xcalloc(rs->nrules + 1, sizeof(*sorted));
	if (rs->nrules) {
		memcpy(sorted, rs->rules, rs->nrules * sizeof(*sorted));
		qsort(sorted, rs->nrules, sizeof(*sorted), cmp_rule_id);
	}
	for (i = 1; i < rs->nrules; i++)
		if (!strcmp(sorted[i - 1]->r.id, sorted[i]->r.id)) {
			const struct xrule *a = sorted[i - 1], *b = sorted[i];

			/* report the later one, by load order */
			for (k = 0; k < rs->nrules; k++)
				if (rs->rules[k] == a || rs->rules[k] == b)
					break;
			if (rs->rules[k] == b) {
				const struct xrule *t = a;

				a = b;
				b = t;
			}
			perr(p, b->r.file, b->r.line, 1, "duplicate rule id "
			    "'%s' (first defined at %s:%d)", b->r.id,
			    a->r.file, a->r.line);
		}
	/* Lists used by rules; "when" references. */
	for (i = 0; i < rs->nrules; i++) {
		struct xrule *x = rs->rules[i];

		if (x->kind == KIND_WORDS || x->kind == KIND_INLIST) {
			struct rlist *l = find_list(rs, x->list);

			if (!l) {
				perr(p, x->r.file, x->r.line, x->list_col,
				    "rule '%s': no list called '%s'", x->r.id,
				    x->list);
			} else {
				x->list_idx = (size_t)(l - rs->lists);
				if (x->kind == KIND_WORDS)
					build_words(p, x, l);
			}
		}
		for (k = 0; k < x->nexpr; k++) {
			long ri;

			if (x->expr[k].op != E_REF)
				continue;
			ri = rule_index(rs, sorted, x->expr[k].ref);
			if (ri < 0)
				perr(p, x->r.file, x->when_line,
				    x->expr[k].col, "rule '%s': the condition "
				    "names no rule '%s'", x->r.id,
				    x->expr[k].ref);
			else if ((size_t)ri == i)
				perr(p, x->r.file, x->when_line,
				    x->expr[k].col, "rule '%s': the condition "
				    "names the rule itself", x->r.id);
			else
				x->expr[k].rule = (size_t)ri;
		}
		for (c = 0; c < CLASS_COUNT; c++)
			if (x->r.weight[c] > 0)
				reach[c] += x->r.weight[c];
		x->r.lang_any = x->r.langs.n == 0;
	}
	free(sorted);
	if (!p->nerr) {
		state = xcalloc(rs->nrules + 1, 1);
		for (i = 0; i < rs->nrules; i++)
			if (when_cycle(rs, i, state)) {
				perr(p, rs->rules[i]->r.file,
				    rs->rules[i]->when_line, 1, "rule '%s': "
				    "conditions refer to each other in a loop",
				    rs->rules[i]->r.id);
				break;
			}
		free(state);
	}
	if (!p->nerr) {
		build_prefilter(rs);
		build_target_index(rs);
	}
	/* A threshold the rules cannot reach is a mistake. */
	for (c = 0; c < CLASS_COUNT; c++)
		if (rs->threshold_set[c] && rs->threshold[c] > 0 &&
		    rs->threshold[c] > reach[c] + 1e-9)
			perr(p, rs->threshold_file[c], rs->threshold_line[c], 1,
			    "threshold %s %g is unreachable: all the rules "
			    "together give %s at most %g", class_names[c],
			    rs->threshold[c], class_names[c], reach[c]);
}

static void
ruleset_init(struct ruleset *rs)
{
	static const struct rx_limits lim = RX_LIMITS_INIT;
	int c;

	memset(rs, 0, sizeof(*rs));
	for (c = 0; c < CLASS_COUNT; c++)
		rs->threshold[c] = 1;
	rs->prefer[0] = CLASS_SPAM;
	rs->prefer[1] = CLASS_DETAILED;
	rs->prefer[2] = CLASS_VAGUE;
	rs->dflt = CLASS_VAGUE;
	rs->decide = DECIDE_ORDER;
	rs->lim = lim;
	rs->budget_ms = 500;
	rs->text_cap = 256 * 1024;
	strlist_init(&rs->fields);
	strlist_init(&rs->files);
}

void
ruleset_free(struct ruleset *rs)
{
	size_t i, k;
	int c;

	if (!rs)
		return;
	for (i = 0; i < rs->nrules; i++)
		xrule_free(rs->rules[i]);
	free(rs->rules);
	for (i = 0; i < rs->nlists; i++) {
		for (k = 0; k < rs->lists[i].n; k++)
			free(rs->lists[i].v[k]);
		free(rs->lists[i].v);
		free(rs->lists[i].name);
		free(rs->lists[i].file);
	}
	free(rs->lists);
	for (i = 0; i < rs->nmaps; i++) {
		for (k = 0; k < rs->maps[i].n; k++) {
			free(rs->maps[i].keys[k]);
			free(rs->maps[i].lkeys[k]);
			free(rs->maps[i].values[k]);
		}
		free(rs->maps[i].keys);
		free(rs->maps[i].lkeys);
		free(rs->maps[i].values);
		free(rs->maps[i].order);
		free(rs->maps[i].name);
	}
	free(rs->maps);
	for (c = 0; c < CLASS_COUNT; c++)
		free(rs->threshold_file[c]);
	strlist_release(&rs->fields);
	strlist_release(&rs->files);
	for (i = 0; i < rs->ndefs; i++) {
		free(rs->defs[i].name);
		free(rs->defs[i].group);
	}
	free(rs->defs);
	rx_lits_free(rs->lits);
	strlist_release(&rs->lit_strings);
	for (i = 0; i < rs->ntix; i++) {
		free(rs->tix[i].rules);
		rx_lits_free(rs->tix[i].lits);
		free(rs->tix[i].ids);
		free(rs->tix[i].by_id_start);
		free(rs->tix[i].by_id);
		free(rs->tix[i].always);
	}
	free(rs->tix);
	free(rs);
}

static int
ends_with_rules(const char *name)
{
	return name[0] != '.' && ends_with(name, ".rules");
}

/* Numbers the rulesets, so that a cache can tell a new one from an old one
 * reallocated at the same address (ruleset_serial). */
static unsigned long rulesets_loaded;

int
ruleset_load(struct ruleset **out, const char *dir, struct strlist *errors)
{
	struct strlist names = STRLIST_INIT;
	struct strlist scratch = STRLIST_INIT;
	struct parser p;
	struct ruleset *rs;
	struct stat st;
	DIR *d = NULL;
	struct dirent *de;
	size_t i;
	int rc = -1;

	*out = NULL;
	rs = xcalloc(1, sizeof(*rs));
	ruleset_init(rs);
	rs->serial = ++rulesets_loaded;
	memset(&p, 0, sizeof(p));
	p.rs = rs;
	p.errors = errors ? errors : &scratch;
	p.dir = dir;
	if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) {
		/* A single file may be checked on its own. */
		parse_file(&p, dir, 0, NULL, NULL, 0);
	} else {
		d = opendir(dir);
		if (!d) {
			perr(&p, dir, 0, 0, "cannot open the rules directory: "
			    "%s", strerror(errno));
			goto out;
		}
		while ((de = readdir(d)))
			if (ends_with_rules(de->d_name))
				strlist_push(&names, de->d_name);
		if (names.n)
			qsort(names.v, names.n, sizeof(*names.v), cmp_str);
		if (!names.n)
			perr(&p, dir, 0, 0, "no *.rules file in the rules "
			    "directory");
		for (i = 0; i < names.n; i++) {
			char *path = xasprintf("%s/%s", dir, names.v[i]);
			long k;

			/* already pulled in by an include: skip silently */
			{
				char real[PATH_MAX];

				k = realpath(path, real) ?
				    strlist_find(&rs->files, real, 0) : -1;
			}
			if (k < 0)
				parse_file(&p, path, 0, NULL, NULL, 0);
			free(path);
		}
	}
	finish_set(&p);
	if (p.nerr)
		goto out;
	*out = rs;
	rs = NULL;
	rc = 0;
out:
	if (d)
		closedir(d);
	strlist_release(&names);
	strlist_release(&scratch);
	ruleset_free(rs);
	return rc;
}

/* --- scanning --------------------------------------------------------- */

void
rule_hits_release(struct rule_hits *h)
{
	size_t i, k;

	for (i = 0; i < h->n; i++) {
		free(h->v[i].match);
		for (k = 0; k < h->v[i].ncaps; k++)
			free(h->v[i].caps[k].value);
		free(h->v[i].caps);
	}
	free(h->v);
	h->v = NULL;
	h->n = h->alloc = 0;
}

static int
lang_matches(const struct rule *r, const char *lang)
{
	size_t i;

	if (r->lang_any || !lang)
		return 1;
	for (i = 0; i < r->langs.n; i++) {
		const char *l = r->langs.v[i], *s = lang;
		size_t n = strlen(l);

		while ((s = strstr(s, l))) {
			int left = s == lang || !((s[-1] >= 'a' &&
			    s[-1] <= 'z'));
			int right = !(s[n] >= 'a' && s[n] <= 'z');

			if (left && right)
				return 1;
			s += n;
		}
	}
	return 0;
}

static const char *const abbreviations[] = {
	"mr", "mrs", "ms", "dr", "st", "no", "nos", "co", "inc", "ltd",
	"e.g", "i.e", "etc", "approx", "vs", "ref", "fig", "tel", "qty",
	"pcs", "sr", "sra", "av", "nr", "dept", "jr",
};

/* True when text[i-1] ends an abbreviation such as "Mr" or "No". */
static int
abbrev_before(const char *t, size_t i)
{
	size_t s = i, k, n;
	char w[8];

	while (s > 0 && (((t[s - 1] | 0x20) >= 'a' && (t[s - 1] | 0x20) <=
	    'z') || (t[s - 1] == '.' && s > 1 && t[s - 2] != '.')))
		s--;
	n = i - s;
	if (!n || n >= sizeof(w))
		return 0;
	for (k = 0; k < n; k++)
		w[k] = (char)(t[s + k] | 0x20);
	w[n] = '\0';
	return n == 1 || in_table(abbreviations, ARRAY_SIZE(abbreviations), w);
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Does the line at t[i..] start with a list marker ("- ", "1. ", "a) ")? */
static int
list_marker_at(const char *t, size_t len, size_t i)
{
	size_t j = i;

	while (j < len && is_space(t[j]))
		j++;
	if (j >= len)
		return 0;
	if ((t[j] == '-' || t[j] == '*') && j + 1 < len && t[j + 1] == ' ')
		return 1;
	if (j + 2 < len && (unsigned char)t[j] == 0xe2 &&
	    (unsigned char)t[j + 1] == 0x80 && (unsigned char)t[j + 2] == 0xa2)
		return 1;	/* bullet */
	if (t[j] >= '0' && t[j] <= '9') {
		while (j < len && t[j] >= '0' && t[j] <= '9' && j - i < 4)
			j++;
		return j < len && (t[j] == '.' || t[j] == ')');
	}
	return 0;
}

/*
 * Is there a sentence boundary between t[i-1] and t[i]?  Terminators
 * followed by a space, CJK terminators, paragraph breaks, list items,
 * lines ending with ':', and short lines (not wrapped prose).
 */
static int
boundary(const char *t, size_t len, size_t i)
{
	size_t at, j, k;
	uint32_t prev;

	if (i == 0 || i >= len)
		return 1;
	prev = utf8_prev(t, i, &at);
	if (prev == 0x3002 || prev == 0xff01 || prev == 0xff1f ||
	    prev == 0xff1b)
		return 1;	/* 。！？； */
	if (prev == '?' || prev == '!') {
		unsigned char c = (unsigned char)t[i];

		if (is_space(c) || c == '\n')
			return 1;
		/* "any?What": but not a URL's "?a=b" */
		if (prev == '?' && (c == '=' || c == '&' || c == '/'))
			return 0;
		if (prev == '?') {
			for (j = i; j < len && !is_space(t[j]) && t[j] != '\n';
			    j++)
				if (t[j] == '=')
					return 0;
		}
		return !strchr("?!.,;:)\"'", c);
	}
	if (prev == '.') {
		unsigned char c = (unsigned char)t[i];

		if (is_space(c) || c == '\n') {
			if (abbrev_before(t, i - 1))
				return 0;
			/* "1. item": a list number, not an end */
			k = i - 1;
			while (k > 0 && t[k - 1] >= '0' && t[k - 1] <= '9')
				k--;
			if (k < i - 1 && (k == 0 || t[k - 1] == '\n' ||
			    is_space(t[k - 1])) && i - 1 - k <= 2 &&
			    (k == 0 || t[k - 1] == '\n'))
				return 0;
			return 1;
		}
		/* "August.Do": glued sentences, not "E.Leclerc" */
		if (c >= 'A' && c <= 'Z' && i >= 3 && t[i - 2] >= 'a' &&
		    t[i - 2] <= 'z' && t[i - 3] >= 'a' && t[i - 3] <= 'z')
			return 1;
		return 0;
	}
	if (prev != '\n')
		return 0;
	/* After a line break. */
	j = i;
	while (j < len && is_space(t[j]))
		j++;
	if (j >= len || t[j] == '\n')
		return 1;	/* blank line */
	if (list_marker_at(t, len, i))
		return 1;
	/* the previous line */
	k = i - 1;
	while (k > 0 && is_space(t[k - 1]))
		k--;
	if (k > 0 && (t[k - 1] == ':' || t[k - 1] == '.' || t[k - 1] == '?' ||
	    t[k - 1] == '!'))
		return 1;
	{
		size_t ls = k;

		while (ls > 0 && t[ls - 1] != '\n')
			ls--;
		/* wrapped prose continues in lowercase */
		if ((t[j] >= 'a' && t[j] <= 'z') || t[j] == '(')
			return k - ls < 12;
		return k - ls < 50;
	}
}

/* Widens [*s, *e) to the sentence (or line) around it. */
static void
expand_span(const char *t, size_t len, size_t *s, size_t *e,
    enum expand how)
{
	size_t a = *s, b = *e;

	if (how == EXPAND_LINE) {
		while (a > 0 && t[a - 1] != '\n')
			a--;
		while (b < len && t[b] != '\n')
			b++;
	} else {
		while (a > 0 && *s - a < MAX_SENTENCE && !boundary(t, len, a))
			a--;
		if (b > a && b < len && boundary(t, len, b)) {
			/* the match ends the sentence */
		} else {
			while (b < len && b - *e < MAX_SENTENCE &&
			    !boundary(t, len, b))
				b++;
		}
	}
	/* skip a leading newline, blanks */
	while (a < b && (is_space(t[a]) || t[a] == '\n'))
		a++;
	*s = a;
	*e = b;
}

static void
add_capture(struct rule_hit *h, const char *name, const char *s, size_t len)
{
	char *v = dup_clean(s, len, MAX_CAPTURE);

	if (!*v) {
		free(v);
		return;
	}
	h->caps = xrealloc(h->caps, (h->ncaps + 1) * sizeof(*h->caps));
	h->caps[h->ncaps].name = name;
	h->caps[h->ncaps].value = v;
	h->ncaps++;
}

static struct rule_hit *
new_hit(struct rule_hits *hits, const struct xrule *x, const char *text,
    size_t s, size_t e)
{
	struct rule_hit *h;

	GROW(hits->v, hits->n + 1, hits->alloc);
	h = &hits->v[hits->n++];
	memset(h, 0, sizeof(*h));
	h->rule = &x->r;
	h->match = dup_capped(text + s, e - s, MAX_MATCH_TEXT);
	h->offset = s;
	h->length = e - s;
	return h;
}

static void
drop_hits_from(struct rule_hits *hits, size_t from)
{
	struct rule_hits tail;

	tail.v = hits->v + from;
	tail.n = hits->n - from;
	tail.alloc = 0;
	{
		size_t i, k;

		for (i = 0; i < tail.n; i++) {
			free(tail.v[i].match);
			for (k = 0; k < tail.v[i].ncaps; k++)
				free(tail.v[i].caps[k].value);
			free(tail.v[i].caps);
		}
	}
	hits->n = from;
}

/*
 * Runs one pattern rule; 0, or -1 when it hit a limit or the deadline.
 * cand (ncand of them, ascending): the only offsets a match can start at
 * (the prefilter's), tried anchored; NULL: search the whole text.
 * ascii: the text is all ASCII (rx_exec_ascii).
 */
static int
scan_pattern(const struct ruleset *rs, const struct xrule *x,
    const char *text, size_t len, struct rule_hits *hits,
    struct rx_scratch *sc, uint64_t deadline, struct strlist *warnings,
    const size_t *cand, size_t ncand, int ascii)
{
	const struct rx *anch = x->rx_anch ? x->rx_anch : x->rx;
	size_t start = 0, first = hits->n, s, e, k, ci = 0;
	unsigned n = 0, want = MAX(x->r.max_hits, x->r.min_hits);
	char msg[256];
	int rc = 0;

	(void)rs;
	while (n < want && start <= len) {
		if (deadline && now_ms() > deadline) {
			if (warnings)
				strlist_pushf(warnings, "rule '%s' (%s:%d) "
				    "skipped: the time budget for the message "
				    "ran out", x->r.id, x->r.file, x->r.line);
			rc = -1;
			break;
		}
		if (cand) {
			/* the next place a match can start */
			while (ci < ncand && cand[ci] < start)
				ci++;
			if (ci == ncand) {
				rc = 0;
				break;
			}
			rc = ascii ? rx_exec_ascii(anch, text, len, cand[ci],
			    1, sc, msg, sizeof(msg)) : rx_exec_anchored(anch,
			    text, len, cand[ci], sc, msg, sizeof(msg));
			if (rc == RX_NOMATCH) {
				ci++;
				rc = 0;
				continue;
			}
		} else {
			rc = ascii ? rx_exec_ascii(x->rx, text, len, start, 0,
			    sc, msg, sizeof(msg)) : rx_exec(x->rx, text, len,
			    start, sc, msg, sizeof(msg));
			if (rc == RX_NOMATCH) {
				rc = 0;
				break;
			}
		}
		if (rc != RX_MATCH) {
			if (warnings)
				strlist_pushf(warnings, "rule '%s' (%s:%d) "
				    "skipped: %s", x->r.id, x->r.file,
				    x->r.line, msg);
			rc = -1;
			break;
		}
		rc = 0;
		rx_group(sc, 0, &s, &e);
		if (n < x->r.max_hits) {
			struct rule_hit *h = new_hit(hits, x, text, s, e);

			for (k = 0; k < x->ncaps; k++) {
				size_t cs, ce;

				if (!rx_group(sc, x->cap_groups[k], &cs, &ce) &&
				    ce > cs)
					add_capture(h, x->cap_names[k],
					    text + cs, ce - cs);
			}
			if (x->r.field) {
				size_t fs = s, fe = e;

				if (x->expand)
					expand_span(text, len, &fs, &fe,
					    x->expand);
				if (fe > fs)
					add_capture(h, x->r.field, text + fs,
					    fe - fs);
			}
		}
		n++;
		if (e > start)
			start = e;
		else
			start = (s < len ? s + utf8_decode(text + s, len - s, &(uint32_t){ 0 }) :
			    len + 1);
		if (e > s && e < start)
			start = e;
	}
	if (rc || (x->r.min_hits && n < x->r.min_hits))
		drop_hits_from(hits, first);
	return rc;
}

static int
list_has(const struct rlist *l, const char *key)
{
	return l->n && bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_str);
}

static int
scan_inlist(const struct ruleset *rs, const struct xrule *x,
    const char *text, size_t len, struct rule_hits *hits)
{
	const struct rlist *l = &rs->lists[x->list_idx];
	char *w = dup_clean(text, len, 1024);
	const char *key = w, *at;
	int found = 0;

	str_lower(w);
	at = strrchr(w, '@');
	if (list_has(l, key)) {
		found = 1;
	} else {
		/* an address: its domain; a domain: its parents */
		key = at ? at + 1 : w;
		if (!strchr(key, ' ') && strchr(key, '.')) {
			while (key && *key) {
				if (list_has(l, key)) {
					found = 1;
					break;
				}
				key = strchr(key, '.');
				if (key)
					key++;
			}
		}
	}
	if (found)
		new_hit(hits, x, text, 0, len);
	free(w);
	return found;
}

#define MAX_LIT_HITS 50000

struct rule_scanner {
	const struct ruleset *rs;
	struct rx_scratch *sc;
	struct buf folded;	/* the text as the prefilter reads it */
	size_t *map;		/* folded offset -> text offset */
	int unfolded;		/* ASCII text scanned as it is: no map */
	size_t amap;
	unsigned char *seen;	/* which prefilter strings it contains */
	const struct target_index *last;	/* whose strings seen has */
	unsigned char *want;	/* scratch: the strings of one rule */
	uint64_t *runs;		/* bits: the rules of a target that run */
	size_t aruns;
	struct rx_lits_hit *hits;	/* where they are */
	size_t nhits, ahits;
	int hits_lost;		/* more than MAX_LIT_HITS: no anchoring */
	size_t *cand;		/* scratch: where a rule may match */
	size_t ncand, acand;
	uint64_t *ns;		/* time per rule, or NULL */
	int no_prefilter;
	int ascii;		/* rule_scanner_ascii */
	size_t tj;		/* the target index last scanned for, + 1 */
};

void
rule_scanner_prefilter(struct rule_scanner *s, int on)
{
	s->no_prefilter = !on;
}

void
rule_scanner_ascii(struct rule_scanner *s, int on)
{
	s->ascii = on;
}

void
rule_scanner_time(struct rule_scanner *s, uint64_t *ns)
{
	s->ns = ns;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct rule_scanner *
rule_scanner_new(const struct ruleset *rs)
{
	struct rule_scanner *s = xcalloc(1, sizeof(*s));

	s->rs = rs;
	buf_init(&s->folded, BUF_CAP_HUGE);
	return s;
}

void
rule_scanner_free(struct rule_scanner *s)
{
	if (!s)
		return;
	rx_scratch_free(s->sc);
	buf_release(&s->folded);
	free(s->map);
	free(s->seen);
	free(s->want);
	free(s->runs);
	free(s->hits);
	free(s->cand);
	free(s);
}

/*
 * Folds the text and finds every prefilter string of t's rules in it,
 * once.  Only the strings the last scan found (its hits, or when it
 * lost some, all the strings of its target) can be in seen, so only
 * those are cleared.  *ascii: ruleset_scan_with's (-1 not known yet);
 * ASCII text is scanned as it is (rx_lits_scan_ascii), not folded into
 * a copy first.
 */
static void
prefilter(struct rule_scanner *scn, const struct target_index *t,
    const char *text, size_t len, int *ascii)
{
	const struct ruleset *rs = scn->rs;
	size_t k;

	if (!scn->seen) {
		scn->seen = xcalloc(rs->nlits, 1);
		scn->want = xcalloc(rs->nlits, 1);
	}
	/* what the last scan found, or all it may have found */
	if (scn->last && scn->hits_lost)
		for (k = 0; k < scn->last->nids; k++)
			scn->seen[scn->last->ids[k]] = 0;
	else
		for (k = 0; k < scn->nhits; k++)
			scn->seen[scn->hits[k].id] = 0;
	scn->last = t;
	scn->nhits = 0;
	if (*ascii < 0)
		*ascii = scn->ascii && rx_is_ascii(text, len);
	scn->unfolded = *ascii;
	if (*ascii) {
		scn->hits_lost = t->lits && rx_lits_scan_ascii(t->lits, text,
		    len, scn->seen, &scn->hits, &scn->nhits, &scn->ahits,
		    MAX_LIT_HITS) != 0;
		return;
	}
	buf_reset(&scn->folded);
	rx_fold(&scn->folded, text, len, &scn->map, &scn->amap);
	scn->hits_lost = t->lits && rx_lits_scan(t->lits, scn->folded.data,
	    scn->folded.len, scn->seen, &scn->hits, &scn->nhits, &scn->ahits,
	    MAX_LIT_HITS) != 0;
}

/*
 * Marks in scn->runs the rules of t that run: those without strings,
 * and those one of the strings the last scan found allows (what seen[]
 * says, read from the hits); 0 when the hits are not all there and
 * seen[] must be asked rule by rule.
 */
static int
allowed_by_hits(struct rule_scanner *scn, const struct target_index *t)
{
	size_t k, m, id, r;

	if (scn->hits_lost || !t->by_id_start)
		return 0;
	GROW(scn->runs, t->nwords, scn->aruns);
	memcpy(scn->runs, t->always, t->nwords * sizeof(*scn->runs));
	for (k = 0; k < scn->nhits; k++) {
		id = scn->hits[k].id;
		for (m = t->by_id_start[id]; m < t->by_id_start[id + 1];
		    m++) {
			r = t->by_id[m];
			scn->runs[r / 64] |= (uint64_t)1 << (r % 64);
		}
	}
	return 1;
}

/* The first rule from ti that runs (runs), or t->n. */
static size_t
next_run(const struct rule_scanner *scn, const struct target_index *t,
    size_t ti)
{
	size_t w = ti / 64;
	uint64_t bits;

	if (ti >= t->n)
		return t->n;
	bits = scn->runs[w] & (~(uint64_t)0 << (ti % 64));
	while (!bits) {
		if (++w == t->nwords)
			return t->n;
		bits = scn->runs[w];
	}
	return w * 64 + (size_t)__builtin_ctzll(bits);
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Where in the text an anchored rule can start: its strings' places. */
static void
candidates(struct rule_scanner *scn, const struct xrule *x)
{
	size_t k, w, at;

	for (k = 0; k < x->nplits; k++)
		scn->want[x->plits[k]] = 1;
	scn->ncand = 0;
	for (k = 0; k < scn->nhits; k++) {
		const struct rx_lits_hit *h = &scn->hits[k];

		if (!scn->want[h->id])
			continue;
		GROW(scn->cand, scn->ncand + 1, scn->acand);
		at = h->end - rx_lits_len(scn->rs->lits, h->id);
		scn->cand[scn->ncand++] = scn->unfolded ? at : scn->map[at];
	}
	for (k = 0; k < x->nplits; k++)
		scn->want[x->plits[k]] = 0;
	if (scn->ncand > 1)
		qsort(scn->cand, scn->ncand, sizeof(*scn->cand), cmp_size);
	for (k = w = 0; k < scn->ncand; k++)
		if (!w || scn->cand[w - 1] != scn->cand[k])
			scn->cand[w++] = scn->cand[k];
	scn->ncand = w;
}

size_t
ruleset_scan_with(const struct ruleset *rs, struct rule_scanner *scn,
    const char *target, const char *header_name, const char *text,
    size_t len, const char *lang, struct rule_hits *hits,
    uint64_t deadline_ms, struct strlist *warnings)
{
	size_t before = hits->n, i, k, j, ti;
	uint64_t t0;
	int prefiltered = 0, by_hits = 0, skip = 0, ascii = -1;
	const struct target_index *t;

	if (!text)
		return 0;
	if (len > rs->text_cap) {
		len = rs->text_cap;
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	/* the target asked about last time is mostly the one asked now */
	j = scn->tj;
	if (scn->rs == rs && j > 0 && j <= rs->ntix &&
	    !strcmp(rs->tix[j - 1].target, target)) {
		j--;
	} else {
		for (j = 0; j < rs->ntix; j++)
			if (!strcmp(rs->tix[j].target, target))
				break;
		if (j == rs->ntix)
			return 0;
		scn->tj = j + 1;
	}
	t = &rs->tix[j];
	/*
	 * A plain target is prefiltered at once, which the first rule with
	 * strings would do (all its rules pass the header and language
	 * tests), and only the rules that can match are visited.
	 */
	if (t->plain && t->nids && !scn->no_prefilter) {
		prefilter(scn, t, text, len, &ascii);
		prefiltered = 1;
		skip = by_hits = allowed_by_hits(scn, t);
	}
	for (ti = skip ? next_run(scn, t, 0) : 0; ti < t->n;
	    ti = skip ? next_run(scn, t, ti + 1) : ti + 1) {
		const struct xrule *x;

		i = t->rules[ti];
		x = rs->rules[i];
		if (x->r.header && (!header_name ||
		    strcasecmp(x->r.header, header_name)))
			continue;
		if (!lang_matches(&x->r, lang))
			continue;
		if ((x->nlits || x->anchored) && !scn->no_prefilter &&
		    !prefiltered) {
			/* one pass over the text for all the rules */
			prefilter(scn, t, text, len, &ascii);
			prefiltered = 1;
			by_hits = allowed_by_hits(scn, t);
		}
		if (x->nlits && !scn->no_prefilter) {
			if (by_hits) {
				if (!(scn->runs[ti / 64] >> (ti % 64) & 1))
					continue;	/* cannot match */
			} else {
				for (k = 0; k < x->nlits &&
				    !scn->seen[x->lits[k]]; k++)
					;
				if (k == x->nlits)
					continue;	/* cannot match */
			}
		}
		if (deadline_ms && now_ms() > deadline_ms) {
			if (warnings)
				strlist_pushf(warnings, "time budget ran out "
				    "at rule '%s' (%s:%d); the remaining "
				    "rules for %s were skipped", x->r.id,
				    x->r.file, x->r.line, target);
			break;
		}
		if (x->kind == KIND_INLIST) {
			scan_inlist(rs, x, text, len, hits);
			continue;
		}
		if (!scn->sc)
			scn->sc = rx_scratch_new(&rs->lim, rs->max_groups);
		/* once a scan, where a pattern runs */
		if (ascii < 0)
			ascii = scn->ascii && rx_is_ascii(text, len);
		t0 = scn->ns ? now_ns() : 0;
		if (x->anchored && !scn->hits_lost && !scn->no_prefilter) {
			candidates(scn, x);
			scan_pattern(rs, x, text, len, hits, scn->sc,
			    deadline_ms, warnings, scn->cand, scn->ncand,
			    ascii);
		} else {
			scan_pattern(rs, x, text, len, hits, scn->sc,
			    deadline_ms, warnings, NULL, 0, ascii);
		}
		if (scn->ns)
			scn->ns[i] += now_ns() - t0;
	}
	return hits->n - before;
}

size_t
ruleset_scan(const struct ruleset *rs, const char *target,
    const char *header_name, const char *text, size_t len, const char *lang,
    struct rule_hits *hits, uint64_t deadline_ms, struct strlist *warnings)
{
	struct rule_scanner *scn = rule_scanner_new(rs);
	size_t n;

	n = ruleset_scan_with(rs, scn, target, header_name, text, len, lang,
	    hits, deadline_ms, warnings);
	rule_scanner_free(scn);
	return n;
}

/* --- conditions ------------------------------------------------------- */

static double
eval(const struct xrule *x, int k, const char *fired)
{
	const struct enode *n = &x->expr[k];
	double a, b;

	switch (n->op) {
	case E_NUM:
		return n->num;
	case E_REF:
		return fired[n->rule] == 1;
	case E_NOT:
		return !eval(x, n->a, fired);
	case E_NEG:
		return -eval(x, n->a, fired);
	case E_AND:
		return eval(x, n->a, fired) && eval(x, n->b, fired);
	case E_OR:
		return eval(x, n->a, fired) || eval(x, n->b, fired);
	default:
		break;
	}
	a = eval(x, n->a, fired);
	b = eval(x, n->b, fired);
	switch (n->op) {
	case E_ADD: return a + b;
	case E_SUB: return a - b;
	case E_GE: return a >= b;
	case E_LE: return a <= b;
	case E_GT: return a > b;
	case E_LT: return a < b;
	case E_EQ: return a == b;
	case E_NE: return a != b;
	default: return 0;
	}
}

/*
 * fired[i]: 0 not yet known, 1 fired, 2 did not.  Rules with conditions
 * are settled after the rules their condition names (no loops: checked
 * when loading).
 */
static void
settle(const struct ruleset *rs, size_t i, char *fired, const char *matched,
    const char *lang)
{
	const struct xrule *x = rs->rules[i];
	size_t k;
	int ok;

	if (fired[i])
		return;
	for (k = 0; k < x->nexpr; k++)
		if (x->expr[k].op == E_REF)
			settle(rs, x->expr[k].rule, fired, matched, lang);
	if (x->kind == KIND_META)
		ok = lang_matches(&x->r, lang);
	else
		ok = matched[i];
	if (ok && x->expr)
		ok = eval(x, (int)x->expr_root, fired) != 0;
	fired[i] = ok ? 1 : 2;
}

size_t
ruleset_resolve(const struct ruleset *rs, struct rule_hits *hits,
    const char *lang)
{
	char *fired = xcalloc(rs->nrules + 1, 1);
	char *matched = xcalloc(rs->nrules + 1, 1);
	size_t i, k, w, added = 0;

	for (i = 0; i < hits->n; i++)
		for (k = 0; k < rs->nrules; k++)
			if (hits->v[i].rule == &rs->rules[k]->r) {
				matched[k] = 1;
				break;
			}
	for (i = 0; i < rs->nrules; i++)
		settle(rs, i, fired, matched, lang);
	/* drop hits of rules whose condition failed */
	for (i = w = 0; i < hits->n; i++) {
		const struct xrule *x = (const struct xrule *)hits->v[i].rule;
		int keep = 1;

		if (x->expr) {
			for (k = 0; k < rs->nrules; k++)
				if (rs->rules[k] == x) {
					keep = fired[k] == 1;
					break;
				}
		}
		if (keep) {
			hits->v[w++] = hits->v[i];
		} else {
			free(hits->v[i].match);
			for (k = 0; k < hits->v[i].ncaps; k++)
				free(hits->v[i].caps[k].value);
			free(hits->v[i].caps);
		}
	}
	hits->n = w;
	for (i = 0; i < rs->nrules; i++)
		if (rs->rules[i]->kind == KIND_META && fired[i] == 1) {
			new_hit(hits, rs->rules[i], "", 0, 0);
			added++;
		}
	free(fired);
	free(matched);
	return added;
}

/* --- queries ---------------------------------------------------------- */

int
ruleset_in_list(const struct ruleset *rs, const char *name, const char *word)
{
	const struct rlist *l = find_list(rs, name);
	char *w;
	const char *key;
	int found;

	if (!l || !word)
		return 0;
	w = xstrdup(word);
	str_trim(str_lower(w));
	key = w;
	found = list_has(l, key);
	free(w);
	return found;
}

int
ruleset_in_domain_list(const struct ruleset *rs, const char *name,
    const char *word)
{
	const char *at, *d;

	if (!word)
		return 0;
	at = strrchr(word, '@');
	d = at ? at + 1 : word;
	while (d && *d) {
		if (ruleset_in_list(rs, name, d))
			return 1;
		d = strchr(d, '.');
		if (d)
			d++;
	}
	return 0;
}

const char *const *
ruleset_list(const struct ruleset *rs, const char *name, size_t *n)
{
	const struct rlist *l = find_list(rs, name);

	*n = l ? l->n : 0;
	return l ? (const char *const *)l->v : NULL;
}

const char *
ruleset_map_get(const struct ruleset *rs, const char *name, const char *key)
{
	const struct rmap *m = find_map(rs, name);
	const char *found = NULL;
	size_t lo = 0, hi;
	char *k;

	if (!m || !key || !m->n)
		return NULL;
	/* the first entry of the key in file order: the lowest bound */
	k = ufold_lower(key);
	hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->lkeys[m->order[mid]], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && !strcmp(m->lkeys[m->order[lo]], k))
		found = m->values[m->order[lo]];
	free(k);
	return found;
}

int
ruleset_map_entry(const struct ruleset *rs, const char *name, size_t i,
    const char **key, const char **value)
{
	const struct rmap *m = find_map(rs, name);

	if (!m || i >= m->n)
		return -1;
	*key = m->keys[i];
	*value = m->values[i];
	return 0;
}

double
ruleset_threshold(const struct ruleset *rs, enum iq_class c)
{
	return rs->threshold[c];
}

const enum iq_class *
ruleset_preference(const struct ruleset *rs)
{
	return rs->prefer;
}

enum iq_class
ruleset_default_class(const struct ruleset *rs)
{
	return rs->dflt;
}

enum rules_decide
ruleset_decide_mode(const struct ruleset *rs)
{
	return rs->decide;
}

unsigned long
ruleset_serial(const struct ruleset *rs)
{
	return rs->serial;
}

unsigned long
ruleset_budget_ms(const struct ruleset *rs)
{
	return rs->budget_ms;
}

size_t
ruleset_text_cap(const struct ruleset *rs)
{
	return rs->text_cap;
}

enum iq_class
ruleset_decide(const struct ruleset *rs, const double score[CLASS_COUNT],
    char *why, size_t whysize)
{
	enum iq_class best = CLASS_COUNT;
	double bestv = 0;
	int i;

	for (i = 0; i < CLASS_COUNT; i++) {
		enum iq_class c = rs->prefer[i];
		double v;

		if (score[c] < rs->threshold[c])
			continue;
		if (rs->decide == DECIDE_ORDER) {
			best = c;
			break;
		}
		v = rs->decide == DECIDE_MARGIN ? score[c] - rs->threshold[c] :
		    score[c];
		/* strictly better: on a tie the preferred class stays */
		if (best == CLASS_COUNT || v > bestv + 1e-9) {
			best = c;
			bestv = v;
		}
	}
	if (best == CLASS_COUNT) {
		if (why)
			snprintf(why, whysize, "no class reached its threshold"
			    " (vague %g/%g, detailed %g/%g, spam %g/%g): "
			    "default %s", score[0], rs->threshold[0],
			    score[1], rs->threshold[1], score[2],
			    rs->threshold[2], class_names[rs->dflt]);
		return rs->dflt;
	}
	if (why)
		snprintf(why, whysize, "%s %g >= threshold %g (decide %s, "
		    "prefer %s %s %s)", class_names[best], score[best],
		    rs->threshold[best], rs->decide == DECIDE_ORDER ? "order" :
		    rs->decide == DECIDE_MARGIN ? "margin" : "score",
		    class_names[rs->prefer[0]], class_names[rs->prefer[1]],
		    class_names[rs->prefer[2]]);
	return best;
}

size_t
ruleset_count(const struct ruleset *rs)
{
	return rs->nrules;
}

const struct rule *
ruleset_rule(const struct ruleset *rs, size_t i)
{
	return i < rs->nrules ? &rs->rules[i]->r : NULL;
}

const char *
rule_meta(const struct rule *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nmeta; i++)
		if (!strcmp(r->meta[i].key, key))
			return r->meta[i].value;
	return NULL;
}

const struct rx *
rule_rx(const struct rule *r)
{
	const struct xrule *x = (const struct xrule *)r;

	return x->kind == KIND_PATTERN || x->kind == KIND_WORDS ? x->rx : NULL;
}

size_t
ruleset_prefiltered(const struct ruleset *rs)
{
	return rs->nprefiltered;
}

size_t
rule_prefilter(const struct ruleset *rs, const struct rule *r,
    struct strlist *out, struct strlist *starts)
{
	const struct xrule *x = (const struct xrule *)r;
	size_t k;

	for (k = 0; out && k < x->nlits; k++)
		strlist_push(out, rs->lit_strings.v[x->lits[k]]);
	for (k = 0; starts && k < x->nplits; k++)
		strlist_push(starts, rs->lit_strings.v[x->plits[k]]);
	return x->nlits + x->nplits;
}
