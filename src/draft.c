/*
 * draft.c - the reply a rep would write.
 *
 * draft_render() turns what the earlier stages found into one JSON
 * context (documented for admins in templates/README.md), renders the
 * subject, the text part (no HTML escaping) and the HTML part (escaped)
 * from the templates of the inquiry's language and class, and has
 * mime.c compose the RFC 5322 reply with the quote sheet attached.
 *
 * The words are the templates' business: this file only decides facts
 * (who we greet and how we know, which of their points we can answer from
 * the catalog and which must be confirmed with production, which product
 * lines to suggest) and hands them over as booleans, strings and lists.
 * Everything the rep should know but the customer must not read goes to
 * the notes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "draft.h"
#include "conf.h"
#include "err.h"
#include "hash.h"
#include "mime.h"
#include "tmpl.h"
#include "ufold.h"

#define TEMPLATE_EXT ".mustache"
#define TEMPLATES_MAX_FILES 1000
#define TEMPLATES_MAX_DEPTH 3
#define DRAFT_MAX_SIZE ((size_t)48 << 20)
#define QUOTE_MAX_SIZE ((size_t)24 << 20)
#define NOTES_HEADER_MAX 1500
#define MAX_LINES 3
#define MAX_REFERENCES 20

static const char TO_CONFIRM[] = "[TO CONFIRM with production]";
/* A commercial term of theirs that is not ours: the rep answers it. */
static const char TO_AGREE[] = "[TERMS TO AGREE]";
static const char XLSX_TYPE[] =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

static const char *const class_words[] = { "vague", "detailed" };
static const char *const part_words[] = { "subject", "text", "html" };

struct templates {
	char *dir;
	struct tmpl_set *set;
};

/* ---- Loading ---------------------------------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
load_file(struct tmpl_set *set, const char *path, const char *name,
    struct strlist *errors)
{
	struct buf b = BUF_INIT(TMPL_MAX_SOURCE);
	struct tmpl *t;

	if (buf_read_file(&b, path)) {
		strlist_pushf(errors, "%s: cannot read: %s", path,
		    errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		goto out;
	}
	t = tmpl_compile(b.data, b.len, path, errors);
	if (t)
		tmpl_set_add(set, name, t);
out:
	buf_release(&b);
}

/* Loads dir/rel recursively; names are paths without TEMPLATE_EXT. */
static void
load_dir(struct tmpl_set *set, const char *dir, const char *rel, int depth,
    struct strlist *errors, size_t *nfiles)
{
	char *path = rel[0] ? xasprintf("%s/%s", dir, rel) : xstrdup(dir);
	struct strlist names = STRLIST_INIT;
	struct dirent *de;
	DIR *dp;
	size_t i;

	dp = opendir(path);
	if (!dp) {
		strlist_pushf(errors, "%s: cannot open templates: %s", path,
		    strerror(errno));
		free(path);
		return;
	}
	while ((de = readdir(dp)))
		if (de->d_name[0] != '.')
			strlist_push(&names, de->d_name);
	closedir(dp);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	for (i = 0; i < names.n; i++) {
		char *full = xasprintf("%s/%s%s", dir, rel, names.v[i]);
		char *sub = xasprintf("%s%s", rel, names.v[i]);
		struct stat st;

		if (stat(full, &st)) {
			strlist_pushf(errors, "%s: %s", full, strerror(errno));
		} else if (S_ISDIR(st.st_mode) && depth < TEMPLATES_MAX_DEPTH) {
			char *subdir = xasprintf("%s/", sub);

			load_dir(set, dir, subdir, depth + 1, errors, nfiles);
			free(subdir);
		} else if (S_ISREG(st.st_mode) &&
		    ends_with(names.v[i], TEMPLATE_EXT)) {
			if (++*nfiles > TEMPLATES_MAX_FILES) {
				if (*nfiles == TEMPLATES_MAX_FILES + 1)
					strlist_pushf(errors, "%s: more than "
					    "%d templates", dir,
					    TEMPLATES_MAX_FILES);
			} else {
				sub[strlen(sub) - strlen(TEMPLATE_EXT)] = '\0';
				load_file(set, full, sub, errors);
			}
		}
		free(sub);
		free(full);
	}
	strlist_release(&names);
	free(path);
}

static int
has_template(const struct templates *t, const char *lang, const char *what)
{
	char *name = xasprintf("%s/%s", lang, what);
	int ok = tmpl_set_get(t->set, name) != NULL;

	free(name);
	return ok;
}

/* The language has the subject, text and html of class cls. */
static int
lang_has_class(const struct templates *t, const char *lang, int cls)
{
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(part_words); i++) {
		snprintf(what, sizeof(what), "%s.%s", class_words[cls],
		    part_words[i]);
		if (!has_template(t, lang, what))
			return 0;
	}
	return 1;
}

/* Every language directory is complete per class; English is whole. */
static void
check_sets(const struct templates *t, struct strlist *errors)
{
	struct strlist langs = STRLIST_INIT;
	size_t i, j, k;
	char what[64];

	strlist_push(&langs, "en");
	for (i = 0; i < tmpl_set_count(t->set); i++) {
		const char *n = tmpl_set_name(t->set, i);
		const char *slash = strchr(n, '/');
		char *lang;

		if (!slash)
			continue;
		lang = xstrndup(n, (size_t)(slash - n));
		if (strlist_find(&langs, lang, 0) < 0)
			strlist_push(&langs, lang);
		free(lang);
	}
	for (i = 0; i < langs.n; i++) {
		for (j = 0; j < ARRAY_SIZE(class_words); j++) {
			int have = 0;

			for (k = 0; k < ARRAY_SIZE(part_words); k++) {
				snprintf(what, sizeof(what), "%s.%s",
				    class_words[j], part_words[k]);
				have += has_template(t, langs.v[i], what);
			}
			if (have == 3 || (have == 0 && i > 0))
				continue;
			for (k = 0; k < ARRAY_SIZE(part_words); k++) {
				snprintf(what, sizeof(what), "%s.%s",
				    class_words[j], part_words[k]);
				if (!has_template(t, langs.v[i], what))
					strlist_pushf(errors, "%s/%s/%s%s: "
					    "missing (%s)", t->dir, langs.v[i],
					    what, TEMPLATE_EXT, i ?
					    "a language needs the subject, "
					    "text and html of a class" :
					    "English is the fallback and must "
					    "be complete");
			}
		}
	}
	if (!tmpl_set_get(t->set, "signature.text"))
		strlist_pushf(errors, "%s/signature.text%s: missing (the "
		    "default signature)", t->dir, TEMPLATE_EXT);
	if (!tmpl_set_get(t->set, "signature.html"))
		strlist_pushf(errors, "%s/signature.html%s: missing (the "
		    "default signature)", t->dir, TEMPLATE_EXT);
	strlist_release(&langs);
}

int
templates_load(struct templates **out, const char *dir,
    struct strlist *errors)
{
	struct templates *t = xcalloc(1, sizeof(*t));
	struct strlist errs = STRLIST_INIT;
	size_t nfiles = 0, i;
	int rc = -1;

	*out = NULL;
	if (!dir) {
		strlist_push(&errs, "no templates directory configured "
		    "([general] templates_dir)");
		goto out;
	}
	t->dir = xstrdup(dir);
	t->set = tmpl_set_new();
	load_dir(t->set, dir, "", 0, &errs, &nfiles);
	if (errs.n)
		goto out;
	check_sets(t, &errs);
	tmpl_set_check(t->set, &errs);
	if (errs.n)
		goto out;
	*out = t;
	t = NULL;
	rc = 0;
out:
	for (i = 0; i < errs.n; i++)
		if (errors)
			strlist_push(errors, errs.v[i]);
	strlist_release(&errs);
	templates_free(t);
	return rc;
}

void
templates_free(struct templates *t)
{
	if (!t)
		return;
	tmpl_set_free(t->set);
	free(t->dir);
	free(t);
}

/* ---- Names and greetings ---------------------------------------------- */

struct title_word {
	const char *word;
	enum greet_kind kind;
};

/* Titles written before a name; compared ASCII-case-insensitively. */
static const struct title_word title_words[] = {
	{ "mr", GREET_MR }, { "mr.", GREET_MR }, { "mister", GREET_MR },
	{ "ms", GREET_MS }, { "ms.", GREET_MS }, { "miss", GREET_MS },
	{ "mrs", GREET_MRS }, { "mrs.", GREET_MRS },
	{ "dr", GREET_DR }, { "dr.", GREET_DR }, { "doctor", GREET_DR },
	{ "dra", GREET_DR }, { "dra.", GREET_DR },
	{ "herr", GREET_MR }, { "frau", GREET_MS },
	{ "sr", GREET_MR }, { "sr.", GREET_MR }, { "señor", GREET_MR },
	{ "Señor", GREET_MR }, { "senor", GREET_MR },
	{ "sra", GREET_MS }, { "sra.", GREET_MS }, { "señora", GREET_MS },
	{ "Señora", GREET_MS }, { "srta", GREET_MS }, { "srta.", GREET_MS },
	{ "monsieur", GREET_MR }, { "madame", GREET_MS },
	{ "mme", GREET_MS }, { "mme.", GREET_MS }, { "mlle", GREET_MS },
	{ "mlle.", GREET_MS },
	{ "sig.", GREET_MR }, { "sig.ra", GREET_MS },
	{ "г-н", GREET_MR }, { "Г-н", GREET_MR }, { "г-жа", GREET_MS },
	{ "Г-жа", GREET_MS }, { "господин", GREET_MR },
	{ "Господин", GREET_MR }, { "госпожа", GREET_MS },
	{ "Госпожа", GREET_MS },
};

/* Titles written after a (Chinese) surname. */
static const struct title_word title_suffixes[] = {
	{ "先生", GREET_MR }, { "女士", GREET_MS }, { "小姐", GREET_MS },
	{ "太太", GREET_MRS }, { "夫人", GREET_MRS }, { "博士", GREET_DR },
};

/* Words that say a display name is a role or a company, not a person. */
static const char *const not_person[] = {
	"sales", "info", "admin", "office", "support", "service", "team",
	"purchas", "procurement", "import", "export", "trading", "company",
	"ltd", "limited", "inc.", "llc", "gmbh", "corp", "s.a.", "s.l.",
	"srl", "b.v.", "department", "dept", "buyer", "marketing", "enquir",
	"inquir", "noreply", "no-reply", "customer", "shop", "store",
	"group", "industr", "international", "global", "factory", "contact",
	"account", "webmaster", "postmaster", "mailer", "newsletter",
	"z.o.o", "z o.o", "sp. z", "sarl", "s.a.s", "s.r.o", "s.r.l",
	"s.p.a", "ltda", "pty", "pvt", "plc", "co.,", "co.ltd", "distribu",
	"enterprise", "holding", "ооо", "株式会社", "股份",
	"有限公司", "公司", "贸易", "采购", "销售",
};

const char *
greet_kind_name(enum greet_kind k)
{
	static const char *const n[] = {
		"unknown", "name", "Mr", "Ms", "Mrs", "Dr", "sir", "madam",
	};

	return (unsigned)k < ARRAY_SIZE(n) ? n[k] : "unknown";
}

static enum greet_kind
title_of(const char *w, size_t n)
{
	size_t i;

	while (n && (w[n - 1] == ',' || w[n - 1] == ':'))
		n--;
	for (i = 0; i < ARRAY_SIZE(title_words); i++)
		if (strlen(title_words[i].word) == n &&
		    !strncasecmp(w, title_words[i].word, n))
			return title_words[i].kind;
	return GREET_UNKNOWN;
}

/* Collapses blanks and controls to single spaces, trims, drops quotes. */
static char *
clean_name(const char *s)
{
	struct buf b = BUF_INIT(1024);
	int space = 0;

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == ' ' || c == 0x7f) {
			space = b.len > 0;
			continue;
		}
		if (c == '"')
			continue;
		if (space)
			buf_addch(&b, ' ');
		space = 0;
		buf_addch(&b, (char)c);
	}
	return buf_detach(&b, NULL);
}

/* Strips a leading title word or a trailing Chinese one; returns it. */
static enum greet_kind
strip_title(char *name)
{
	char *sp = strchr(name, ' ');
	enum greet_kind k;
	size_t i, n = strlen(name);

	if (sp) {
		k = title_of(name, (size_t)(sp - name));
		if (k != GREET_UNKNOWN) {
			memmove(name, sp + 1, strlen(sp + 1) + 1);
			return k;
		}
	}
	k = title_of(name, n);
	if (k != GREET_UNKNOWN) {
		name[0] = '\0';
		return k;
	}
	for (i = 0; i < ARRAY_SIZE(title_suffixes); i++) {
		size_t sl = strlen(title_suffixes[i].word);

		if (n >= sl && !strcmp(name + n - sl, title_suffixes[i].word)) {
			name[n - sl] = '\0';
			str_trim(name);
			return title_suffixes[i].kind;
		}
	}
	return GREET_UNKNOWN;
}

static int
plausible_person(const char *name, const char *addr)
{
	char *low;
	size_t i, words = 1;
	int ok = 1;
	const char *p;

	if (str_blank(name) || strlen(name) > 64)
		return 0;
	for (p = name; *p; p++) {
		if (*p == '@' || *p == '/' || *p == '|' || *p == ':' ||
		    *p == '(' || *p == '<' || (*p >= '0' && *p <= '9'))
			return 0;
		if (*p == ' ')
			words++;
	}
	if (words > 5)
		return 0;
	low = str_lower(xstrdup(name));
	for (i = 0; i < ARRAY_SIZE(not_person) && ok; i++)
		if (strstr(low, not_person[i]))
			ok = 0;
	if (ok && addr) {
		const char *at = strchr(addr, '@');

		if (at && (size_t)(at - addr) == strlen(low) &&
		    !strncasecmp(addr, low, strlen(low)))
			ok = 0;
	}
	free(low);
	return ok;
}

/* "JOHN JICK" and "john jick" become "John Jick"; mixed case stays. */
static void
fix_case(char *s)
{
	int upper = 0, lower = 0, start = 1;
	char *p;

	for (p = s; *p; p++) {
		if ((unsigned char)*p >= 0x80)
			return;
		upper += *p >= 'A' && *p <= 'Z';
		lower += *p >= 'a' && *p <= 'z';
	}
	if (upper && lower)
		return;
	for (p = s; *p; p++) {
		if (*p >= 'A' && *p <= 'Z' && !start)
			*p = (char)(*p - 'A' + 'a');
		else if (*p >= 'a' && *p <= 'z' && start)
			*p = (char)(*p - 'a' + 'A');
		start = *p == ' ' || *p == '-' || *p == '\'';
	}
}

/* "Jick, John" -> "John Jick" (one comma, a word or two each side). */
static char *
unreverse(char *s)
{
	char *comma = strchr(s, ',');
	char *r;

	if (!comma || strchr(comma + 1, ',') || comma == s)
		return s;
	*comma = '\0';
	r = xasprintf("%s %s", str_trim(comma + 1), str_trim(s));
	free(s);
	return r;
}

/* The surname: the last word, or the first character of a CJK name. */
static char *
surname_of(const char *name)
{
	const char *sp = strrchr(name, ' ');
	const unsigned char *u = (const unsigned char *)name;

	if (sp)
		return xstrdup(sp + 1);
	if (u[0] >= 0xe3 && u[0] <= 0xe9 && strlen(name) >= 6)
		return xstrndup(name, 3);
	return xstrdup(name);
}

void
draft_greeting(const struct parsed_msg *pm, const struct sig_result *s,
    struct greeting *g)
{
	enum greet_kind title = GREET_UNKNOWN, k;
	const char *addr = pm ? pm->from.addr : NULL;
	const char *cands[2];
	const char *why_title = NULL, *why_name = NULL;
	static const char *const title_src[] = {
		"title in the signature name", "title in the From name",
	};
	static const char *const name_src[] = {
		"name from the signature", "name from the From header",
	};
	char *name = NULL;
	size_t i;

	memset(g, 0, sizeof(*g));
	if (s && !str_blank(s->f.salutation)) {
		char *t = clean_name(s->f.salutation);

		title = title_of(t, strlen(t));
		if (title != GREET_UNKNOWN)
			why_title = "title from the signature";
		free(t);
	}
	cands[0] = s ? s->f.name : NULL;
	cands[1] = pm ? pm->from.name : NULL;
	for (i = 0; i < 2; i++) {
		char *c;

		if (str_blank(cands[i]))
			continue;
		c = unreverse(clean_name(cands[i]));
		k = strip_title(c);
		str_trim(c);
		if (k != GREET_UNKNOWN && title == GREET_UNKNOWN) {
			title = k;
			why_title = title_src[i];
		}
		if (!name && plausible_person(c, addr)) {
			fix_case(c);
			name = c;
			why_name = name_src[i];
			c = NULL;
		}
		free(c);
	}
	if (name) {
		g->full_name = name;
		g->surname = surname_of(name);
	}
	switch (title) {
	case GREET_MR:
	case GREET_MS:
	case GREET_MRS:
	case GREET_DR:
		if (g->surname) {
			g->kind = title;
			g->why = why_title;
		} else if (title == GREET_MR || title == GREET_MS ||
		    title == GREET_MRS) {
			g->kind = title == GREET_MR ? GREET_SIR : GREET_MADAM;
			g->why = why_title;
		} else {
			g->kind = GREET_UNKNOWN;
			g->why = "title Dr but no name";
		}
		break;
	default:
		g->kind = name ? GREET_NAME : GREET_UNKNOWN;
		g->why = name ? why_name : "no name or title stated";
		break;
	}
}

void
greeting_release(struct greeting *g)
{
	free(g->full_name);
	free(g->surname);
	memset(g, 0, sizeof(*g));
}

/* ---- Subjects and file names ------------------------------------------ */

static const char *const reply_prefixes[] = {
	"re", "aw", "sv", "vs", "antw", "odp", "res", "回复", "答复", "回覆",
	"ответ", "Ответ",
};

/* After a reply prefix at s ("Re:", "RE[2]:", "回复："), or NULL. */
static const char *
after_prefix(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reply_prefixes); i++) {
		size_t n = strlen(reply_prefixes[i]);
		const char *p = s + n;

		if (strncasecmp(s, reply_prefixes[i], n))
			continue;
		if (*p == '[' || *p == '(') {
			const char *q = p + 1;

			while (*q >= '0' && *q <= '9')
				q++;
			if (q > p + 1 && (*q == ']' || *q == ')'))
				p = q + 1;
		}
		while (*p == ' ')
			p++;
		if (*p == ':')
			return p + 1;
		if (!strncmp(p, "\xef\xbc\x9a", 3))	/* fullwidth colon */
			return p + 3;
	}
	return NULL;
}

/* s with controls and runs of blanks as single spaces, trimmed. */
static char *
one_line(const char *s)
{
	struct buf b = BUF_INIT(BUF_CAP_LINE);
	int space = 0;

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == ' ' || c == 0x7f) {
			space = b.len > 0;
			continue;
		}
		if ((space && buf_addch(&b, ' ')) || buf_addch(&b, (char)c))
			break;
		space = 0;
	}
	return buf_detach(&b, NULL);
}

char *
draft_reply_subject(const char *subject, const char *fallback)
{
	char *clean = one_line(subject);
	const char *p = clean, *q;
	char *r;

	for (;;) {
		while (*p == ' ')
			p++;
		q = after_prefix(p);
		if (!q)
			break;
		p = q;
	}
	while (*p == ' ')
		p++;
	if (!*p && fallback)
		p = fallback;
	r = xasprintf("Re: %s", p);
	free(clean);
	return r;
}

char *
draft_file_name(const char *message_id)
{
	struct buf b = BUF_INIT(128);
	const char *p;

	for (p = message_id ? message_id : ""; *p && b.len < 100; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_' || c == '@' || c == '+'))
			c = '_';
		if (c == '.' && b.len == 0)
			c = '_';
		buf_addch(&b, c);
	}
	if (!b.len)
		buf_addstr(&b, "draft");
	buf_addstr(&b, ".eml");
	return buf_detach(&b, NULL);
}

/* ---- The context ------------------------------------------------------ */

/* A JSON string of s, or null when s is blank or not UTF-8. */
static json_t *
jstr(const char *s)
{
	json_t *j;

	if (str_blank(s))
		return json_null();
	j = json_string(s);
	return j ? j : json_null();
}

static void
set_str(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, jstr(s));
}

static void
set_bool(json_t *o, const char *key, int b)
{
	json_object_set_new(o, key, json_boolean(b));
}

/* 36000 -> "36,000.00"; unit prices keep up to 4 decimals. */
static void
fmt_money(double v, int unit, char *out, size_t size)
{
	char tmp[64], *dot;
	size_t n, i, intlen, o = 0;
	int neg = v < 0;

	if (!isfinite(v))
		v = 0;
	snprintf(tmp, sizeof(tmp), unit ? "%.4f" : "%.2f", fabs(v));
	if (unit) {
		n = strlen(tmp);
		while (n > 0 && tmp[n - 1] == '0' && tmp[n - 3] != '.')
			tmp[--n] = '\0';
	}
	dot = strchr(tmp, '.');
	intlen = dot ? (size_t)(dot - tmp) : strlen(tmp);
	if (neg && o + 1 < size)
		out[o++] = '-';
	for (i = 0; tmp[i] && o + 1 < size; i++) {
		if (i && i < intlen && (intlen - i) % 3 == 0 && o + 1 < size)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
}

static void
set_money(json_t *o, const char *key, double v, int unit)
{
	char m[64];

	fmt_money(v, unit, m, sizeof(m));
	set_str(o, key, m);
}

/* Marks each element of a list with first/last/index for joining. */
static void
mark_list(json_t *a)
{
	size_t i, n = json_array_size(a);

	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(a, i);

		set_bool(e, "first", i == 0);
		set_bool(e, "last", i + 1 == n);
		set_bool(e, "middle", i > 0 && i + 1 < n);
		json_object_set_new(e, "n", json_integer((json_int_t)i + 1));
	}
}

static int
icase_contains(const char *hay, const char *needle)
{
	return hay && needle && *needle && strcasestr(hay, needle) != NULL;
}

/* The lowest quantity of the tier that prices qty. */
static long
tier_from(const struct product *p, long qty)
{
	long from = p->ntiers ? p->tiers[0].min_qty : 0;
	size_t i;

	for (i = 0; i < p->ntiers; i++)
		if (p->tiers[i].min_qty <= qty)
			from = p->tiers[i].min_qty;
	return from;
}

/* "pcs" -> "pc", "sets" -> "set", "boxes" -> "box": for "USD 7.20/pc". */
static char *
unit_singular(const char *unit)
{
	size_t n = strlen(unit);

	if (n > 4 && ends_with(unit, "es") && (unit[n - 3] == 'x' ||
	    unit[n - 3] == 's' || unit[n - 3] == 'h'))
		return xstrndup(unit, n - 2);
	if (n > 2 && unit[n - 1] == 's' && unit[n - 2] != 's')
		return xstrndup(unit, n - 1);
	return xstrdup(unit);
}

/* Does o quote product p on more than one item? */
static int
quoted_twice(const struct offer *o, const struct product *p)
{
	size_t i, n = 0;

	for (i = 0; o && i < o->nitems; i++)
		n += o->items[i].p == p;
	return n > 1;
}

static json_t *
item_json(const struct offer *o, const struct quote_item *it, size_t n)
{
	const struct product *p = it->p;
	json_t *j = json_object();
	const char *unit = p && p->unit ? p->unit : "pcs";

	json_object_set_new(j, "n", json_integer((json_int_t)n));
	if (p && it->their_item && quoted_twice(o, p)) {
		/* two rows of their table, one product: say which row */
		char *name = xasprintf("%s \xE2\x80\x94 %s", p->name,
		    it->their_item);

		set_str(j, "name", name);
		free(name);
	} else {
		set_str(j, "name", p ? p->name : it->note);
	}
	set_str(j, "sku", p ? p->sku : NULL);
	set_str(j, "category", p ? p->category : NULL);
	json_object_set_new(j, "qty", json_integer(it->qty));
	set_str(j, "unit", unit);
	{
		char *one = unit_singular(unit);

		set_str(j, "unit_one", one);
		free(one);
	}
	set_money(j, "unit_price", it->unit_price, 1);
	set_money(j, "amount", it->unit_price * (double)it->qty, 0);
	set_str(j, "currency", o && o->currency ? o->currency : NULL);
	if (p && p->moq > 0)
		json_object_set_new(j, "moq", json_integer(p->moq));
	else
		json_object_set_new(j, "moq", json_null());
	set_bool(j, "below_moq", p && p->moq > 0 && it->qty < p->moq);
	if (p && p->ntiers) {
		json_object_set_new(j, "tier_from",
		    json_integer(tier_from(p, it->qty)));
		set_money(j, "price_from", p->tiers[p->ntiers - 1].price, 1);
		json_object_set_new(j, "best_qty",
		    json_integer(p->tiers[p->ntiers - 1].min_qty));
	} else {
		json_object_set_new(j, "tier_from", json_null());
		json_object_set_new(j, "price_from", json_null());
		json_object_set_new(j, "best_qty", json_null());
	}
	set_str(j, "lead_time", p ? p->lead_time : NULL);
	set_str(j, "certifications", p ? p->certifications : NULL);
	set_str(j, "packaging", p ? p->packaging : NULL);
	set_str(j, "spec", p ? p->spec : NULL);
	set_bool(j, "best_seller", p && p->best_seller);
	set_bool(j, "to_confirm", it->to_confirm);
	set_str(j, "note", it->note);
	return j;
}

/* Outline fields, as the templates know them (f.<word>). */
enum field {
	F_PRODUCT, F_QUANTITY, F_SPEC, F_INCOTERM, F_PORT, F_PAYMENT,
	F_DELIVERY, F_CERT, F_PACKAGING, F_LOGO, F_SAMPLES, F_TARGET_PRICE,
	F_MOQ, F_SHIPPING, F_OTHER, F_INFO, F_COUNT
};

static const char *const field_words[F_COUNT] = {
	"product", "quantity", "spec", "incoterm", "port", "payment",
	"delivery", "certification", "packaging", "logo", "samples",
	"target_price", "moq", "shipping", "other", "info",
};

/* The rules' field names (rules/README.md "Fields") and their group. */
static const struct {
	const char *name;
	enum field f;
} field_synonyms[] = {
	{ "product_phrase", F_PRODUCT }, { "products", F_PRODUCT },
	{ "model", F_PRODUCT }, { "part_number", F_PRODUCT },
	{ "brand", F_PRODUCT }, { "item", F_PRODUCT },
	{ "qty", F_QUANTITY }, { "quantities", F_QUANTITY },
	{ "specs", F_SPEC }, { "specification", F_SPEC },
	{ "specifications", F_SPEC }, { "size", F_SPEC },
	{ "material", F_SPEC }, { "colour", F_SPEC }, { "color", F_SPEC },
	{ "capacity", F_SPEC }, { "power", F_SPEC }, { "voltage", F_SPEC },
	{ "weight", F_SPEC }, { "length", F_SPEC }, { "thickness", F_SPEC },
	{ "finish", F_SPEC }, { "design", F_SPEC }, { "usage", F_SPEC },
	{ "quality", F_SPEC },
	{ "incoterms", F_INCOTERM }, { "trade_term", F_INCOTERM },
	{ "price_basis", F_INCOTERM },
	{ "destination", F_PORT }, { "destination_port", F_PORT },
	{ "payment_terms", F_PAYMENT }, { "lead_time", F_DELIVERY },
	{ "delivery_time", F_DELIVERY }, { "timing", F_DELIVERY },
	{ "certifications", F_CERT }, { "certificate", F_CERT },
	{ "certificates", F_CERT }, { "packing", F_PACKAGING },
	{ "package", F_PACKAGING }, { "customization", F_LOGO },
	{ "customisation", F_LOGO }, { "custom", F_LOGO },
	{ "oem", F_LOGO }, { "branding", F_LOGO }, { "sample", F_SAMPLES },
	{ "price", F_TARGET_PRICE }, { "budget", F_TARGET_PRICE },
	{ "target", F_TARGET_PRICE },
	{ "shipping_method", F_SHIPPING }, { "freight", F_SHIPPING },
	{ "delivery_terms", F_SHIPPING },
	{ "customer_type", F_INFO }, { "market", F_INFO },
	{ "order_type", F_INFO },
};

/* Fields the label templates name (k.<word>); others are k.other. */
static const char *const label_words[] = {
	"product", "quantity", "spec", "size", "material", "colour",
	"incoterm", "port", "destination", "payment", "delivery",
	"certification", "packaging", "logo", "samples", "target_price",
	"moq", "model", "warranty", "shipping",
};

static enum field
field_of(const char *name)
{
	size_t i;

	if (!name)
		return F_OTHER;
	for (i = 0; i < F_COUNT; i++)
		if (!strcasecmp(name, field_words[i]))
			return (enum field)i;
	for (i = 0; i < ARRAY_SIZE(field_synonyms); i++)
		if (!strcasecmp(name, field_synonyms[i].name))
			return field_synonyms[i].f;
	return F_OTHER;
}

static const char *
label_of(const char *name)
{
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(label_words); i++)
		if (!strcasecmp(name, label_words[i]))
			return label_words[i];
	if (name && !strcasecmp(name, "color"))
		return "colour";
	if (name && (!strcasecmp(name, "product_phrase") ||
	    !strcasecmp(name, "products") || !strcasecmp(name, "item")))
		return "product";
	return "other";
}

static int
has_field(const struct verdict *v, enum field f)
{
	size_t i;

	for (i = 0; v && i < v->nreq; i++)
		if (field_of(v->req[i].field) == f &&
		    !str_blank(v->req[i].value))
			return 1;
	return 0;
}

/* Certifications a text names, as upper-case codes. */
static const char *const cert_codes[] = {
	"CE", "FCC", "RoHS", "UL", "ETL", "FDA", "REACH", "UKCA", "GS",
	"CB", "SAA", "KC", "PSE", "LFGB", "BSCI", "ISO", "EMC", "LVD",
	"CCC", "BIS", "TUV", "MSDS", "UN38.3", "EN71", "ASTM", "CPSIA",
};

static int
isalnum_ascii(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* A word of text equal to w (ASCII case-insensitive), on word bounds. */
static int
has_word(const char *text, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	if (!n)
		return 0;
	for (p = text; p && (p = strcasestr(p, w)); p++) {
		int before = p == text || !isalnum_ascii(p[-1]);
		int after = !isalnum_ascii(p[n]);

		if (before && after)
			return 1;
	}
	return 0;
}

/* Certifications named in text that no item has. */
static int
certs_missing(const char *text, const struct offer *o)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(cert_codes); i++) {
		int found = 0;

		if (!has_word(text, cert_codes[i]))
			continue;
		for (j = 0; o && j < o->nitems; j++)
			if (o->items[j].p &&
			    has_word(o->items[j].p->certifications,
			    cert_codes[i]))
				found = 1;
		if (!found)
			return 1;
	}
	return 0;
}

static int
any_item_has(const struct offer *o, size_t field_offset)
{
	size_t i;

	for (i = 0; o && i < o->nitems; i++) {
		const struct product *p = o->items[i].p;

		if (p && !str_blank(*(char *const *)((const char *)p +
		    field_offset)))
			return 1;
	}
	return 0;
}

static int
any_item_moq(const struct offer *o)
{
	size_t i;

	for (i = 0; o && i < o->nitems; i++)
		if (o->items[i].p && o->items[i].p->moq > 0)
			return 1;
	return 0;
}

static int
all_items_have_lead_time(const struct offer *o)
{
	size_t i;

	if (!o || !o->nitems)
		return 0;
	for (i = 0; i < o->nitems; i++)
		if (!o->items[i].p || str_blank(o->items[i].p->lead_time))
			return 0;
	return 1;
}

/* Is item i the first of its product (rows of a spec table may quote
 * one product twice, for two sizes or quantities)? */
static int
first_of_product(const struct offer *o, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (o->items[k].p && o->items[k].p == o->items[i].p)
			return 0;
	return 1;
}

/* One item per product: what a product's facts (lead time, MOQ,
 * certificates, packing) answer is said once. */
static json_t *
product_items(const struct offer *o)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; o && i < o->nitems; i++) {
		json_t *j;

		if (!first_of_product(o, i))
			continue;
		j = item_json(o, &o->items[i], i + 1);
		/* the product's facts, not one row's */
		if (o->items[i].p)
			set_str(j, "name", o->items[i].p->name);
		json_array_append_new(a, j);
	}
	return a;
}

/* Items a product requirement names (by SKU, name or keyword). */
static json_t *
items_named(const struct offer *o, const char *value, int only_product)
{
	json_t *a = json_array();
	size_t i, j;

	for (i = 0; o && i < o->nitems; i++) {
		const struct product *p = o->items[i].p;
		int hit = !p;

		if (p) {
			hit = icase_contains(value, p->sku) ||
			    icase_contains(value, p->name) ||
			    icase_contains(p->name, value);
			for (j = 0; !hit && j < p->keywords.n; j++)
				hit = has_word(value, p->keywords.v[j]);
		}
		if (hit && first_of_product(o, i))
			json_array_append_new(a, item_json(o, &o->items[i],
			    i + 1));
	}
	if (!json_array_size(a) && only_product) {
		json_decref(a);
		a = product_items(o);
	}
	return a;
}

static json_t *
all_items(const struct offer *o)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; o && i < o->nitems; i++)
		json_array_append_new(a, item_json(o, &o->items[i], i + 1));
	return a;
}

/* The items quoted for the quantity they wrote, else all of them. */
static json_t *
items_for_qty(const struct offer *o, const char *value)
{
	json_t *a = json_array();
	long q = 0;
	size_t i;

	if (quote_parse_qty(value ? value : "", &q) == QTY_UNITS)
		for (i = 0; o && i < o->nitems; i++)
			if (o->items[i].qty == q)
				json_array_append_new(a, item_json(o,
				    &o->items[i], i + 1));
	if (!json_array_size(a)) {
		json_decref(a);
		a = all_items(o);
	}
	return a;
}

static const char *const payment_other[] = {
	"l/c", "letter of credit", "d/p", "d/a", "o/a", "open account",
	"net ", "credit", "days after", "paypal", "western union",
	"carta de crédito", "lettre de crédit", "akkreditiv", "аккредитив",
	"信用证",
};

static const char *const custom_packaging[] = {
	"custom", "own", "printed", "logo", "gift box", "color box",
	"colour box", "personaliz", "personnalis", "individuell", "定制",
	"彩盒",
};

static int
mentions_any(const char *text, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (icase_contains(text, words[i]))
			return 1;
	return 0;
}

/* Our Incoterm with its place, "FOB Shenzhen" (malloc'd), or NULL. */
static char *
our_incoterm(const struct offer *o, const struct conf *c)
{
	if (o && !str_blank(o->incoterm))
		return xstrdup(o->incoterm);
	if (!c || str_blank(c->incoterm))
		return NULL;
	if (str_blank(c->port))
		return xstrdup(c->incoterm);
	return xasprintf("%s %s", c->incoterm, c->port);
}

/*
 * One point of their outline with what we can say about it, and whether
 * it must be confirmed with production.  The offer decides that (pt, its
 * verdict on this point), so the reply and the quote sheet mark the same
 * points; only an offer without points (built by hand) leaves it to the
 * checks here.
 */
static json_t *
outline_entry(const struct offer *o, const struct conf *c,
    const struct requirement *rq, const struct offer_point *pt,
    int nproducts, struct strlist *notes)
{
	json_t *j = json_object(), *f = json_object(), *items = NULL;
	enum field fd = field_of(rq->field);
	char *ours = NULL, *term;
	int confirm = 0, agree = 0;

	set_str(j, "field", rq->field);
	{
		char *fn = xstrdup(rq->field ? rq->field : "");
		json_t *k = json_object();
		size_t i;

		for (i = 0; fn[i]; i++)
			if (fn[i] == '_')
				fn[i] = ' ';
		/* a line of the reply starts with a capital: "Price basis" */
		if (fn[0] >= 'a' && fn[0] <= 'z')
			fn[0] -= 32;
		set_str(j, "field_name", fn);
		free(fn);
		json_object_set_new(k, label_of(rq->field), json_true());
		json_object_set_new(j, "k", k);
	}
	set_str(j, "value", rq->value);
	json_object_set_new(f, field_words[fd], json_true());
	json_object_set_new(j, "f", f);
	switch (fd) {
	case F_PRODUCT:
		items = items_named(o, rq->value, nproducts <= 1 &&
		    rq->field && (!strcmp(rq->field, "product") ||
		    !strcmp(rq->field, "product_phrase")));
		confirm = !json_array_size(items);
		break;
	case F_QUANTITY:
		items = items_for_qty(o, rq->value);
		confirm = !json_array_size(items);
		break;
	case F_DELIVERY:
		items = product_items(o);
		confirm = !all_items_have_lead_time(o);
		break;
	case F_MOQ:
		items = product_items(o);
		confirm = !any_item_moq(o);
		break;
	case F_CERT:
		items = product_items(o);
		confirm = !any_item_has(o, offsetof(struct product,
		    certifications)) || certs_missing(rq->value, o);
		break;
	case F_PACKAGING:
		items = product_items(o);
		confirm = !any_item_has(o, offsetof(struct product,
		    packaging)) || mentions_any(rq->value, custom_packaging,
		    ARRAY_SIZE(custom_packaging));
		break;
	case F_INCOTERM:
		/* the same term ("FOB") is answered; another one is freight */
		ours = our_incoterm(o, c);
		term = ours ? xstrndup(ours, strcspn(ours, " ")) : NULL;
		confirm = !term || !has_word(rq->value, term);
		free(term);
		break;
	case F_PORT:
		ours = our_incoterm(o, c);
		confirm = !(ours && c && !str_blank(c->port) &&
		    icase_contains(rq->value, c->port));
		break;
	case F_PAYMENT:
		ours = xstrdup_or_null(o && o->payment_terms ? o->payment_terms :
		    c ? c->payment_terms : NULL);
		confirm = !ours || mentions_any(rq->value, payment_other,
		    ARRAY_SIZE(payment_other));
		break;
	case F_TARGET_PRICE:
		items = all_items(o);
		confirm = 1;
		break;
	case F_SHIPPING:
		ours = our_incoterm(o, c);
		confirm = 1;
		break;
	case F_SPEC:
		items = product_items(o);
		confirm = 1;
		break;
	default:
		confirm = 1;
		break;
	}
	/* a commercial term is the rep's to agree, not production's */
	agree = confirm && (fd == F_INCOTERM || fd == F_PORT ||
	    fd == F_PAYMENT || fd == F_SHIPPING || fd == F_TARGET_PRICE);
	if (agree)
		confirm = 0;
	if (pt) {
		confirm = pt->state == POINT_CONFIRM;
		agree = pt->state == POINT_AGREE;
	}
	/* a quantity to confirm is answered by the items it concerns (one
	 * below our MOQ), not by an item quoted for another quantity */
	if (pt && confirm && fd == F_QUANTITY && items) {
		json_t *mine = json_array();
		size_t k;

		for (k = 0; o && k < o->nitems; k++)
			if (o->items[k].note && pt->note &&
			    !strcmp(o->items[k].note, pt->note))
				json_array_append_new(mine, item_json(o,
				    &o->items[k], k + 1));
		json_decref(items);
		items = mine;
	}
	json_object_set_new(j, "items", items ? items : json_array());
	set_str(j, "ours", ours);
	free(ours);
	set_bool(j, "to_confirm", confirm);
	set_bool(j, "to_agree", agree);
	set_bool(j, "answered", !confirm && !agree);
	if (confirm)
		strlist_pushf(notes, "to confirm: %s '%s'", rq->field ?
		    rq->field : "point", rq->value ? rq->value : "");
	if (agree)
		strlist_pushf(notes, "to agree: %s '%s'", rq->field ?
		    rq->field : "point", rq->value ? rq->value : "");
	return j;
}

/*
 * Does their value say no more than the point's label ("Samples:
 * Samples", "Muster: Muster")?  Compared folded, trimmed, a plural 's'
 * aside.  The reply then shows the label alone.
 */
static int
only_label(const char *value, const char *label)
{
	char *v = ufold_lower(value ? value : ""), *l = ufold_lower(label ?
	    label : "");
	char *vs = v + strspn(v, " \t");
	size_t nv, nl;
	int same;

	nv = strlen(vs);
	while (nv && strchr(" \t.,;:!?", vs[nv - 1]))
		vs[--nv] = '\0';
	nl = strlen(l);
	if (nv && vs[nv - 1] == 's')
		nv--;
	if (nl && l[nl - 1] == 's')
		nl--;
	same = nv && nv == nl && !strncmp(vs, l, nl);
	free(v);
	free(l);
	return same;
}

/* Question topics: keywords in the languages we have templates for. */
enum topic {
	T_MOQ, T_PRICE, T_LEAD_TIME, T_CERT, T_PACKAGING, T_PAYMENT,
	T_SHIPPING, T_SAMPLE, T_CUSTOM, T_WARRANTY, T_COUNT
};

static const char *const topic_words[T_COUNT] = {
	"moq", "price", "lead_time", "certification", "packaging", "payment",
	"shipping", "sample", "custom", "warranty",
};

#define TOPIC_KEYS 24
static const char *const topic_keys[T_COUNT][TOPIC_KEYS] = {
	[T_MOQ] = { "moq", "minimum order", "minimum quantity", "min order",
	    "minimum", "mínimo", "mínima", "minimale", "mindestbestell",
	    "mindestmenge", "минимальн", "起订", "最小订", "最低订", NULL },
	[T_PRICE] = { "price", "cost", "how much", "precio", "cuánto",
	    "cuesta", "prix", "tarif", "preis", "kosten", "preço", "цен",
	    "стоимост", "价格", "报价", "多少钱", "quot", "cotiz",
	    "cotaç", "angebot", "devis", "предложени", NULL },
	[T_LEAD_TIME] = { "lead time", "delivery time", "how long",
	    "when can", "production time", "plazo", "tiempo de entrega",
	    "délai", "lieferzeit", "prazo", "срок", "交货期", "交期",
	    "生产周期", "多久", "出货", "发货", "交货", NULL },
	[T_CERT] = { "certif", "zertifi", "сертифик", "认证", "证书", " ce ",
	    "fcc", "rohs", NULL },
	[T_PACKAGING] = { "packag", "packing", "embalaje", "empaque",
	    "emballage", "verpackung", "embalagem", "упаковк", "包装", NULL },
	[T_PAYMENT] = { "payment", "pay ", "t/t", "l/c", "pago",
	    "paiement", "zahlung", "pagamento", "оплат", "付款", "支付",
	    NULL },
	[T_SHIPPING] = { "shipping", "freight", "ship to", "incoterm",
	    "fob", "cif", "envío", "flete", "livraison", "expédition",
	    "versand", "fracht", "frete", "доставк", "运费", "运输" },
	[T_SAMPLE] = { "sample", "muestra", "échantillon", "muster",
	    "amostra", "образ", "样品", "样板", NULL },
	[T_CUSTOM] = { "logo", "custom", "oem", "odm", "personaliz",
	    "personnalis", "individuell", "bedruck", "логотип", "定制",
	    "印刷", NULL },
	[T_WARRANTY] = { "warranty", "guarantee", "garantía", "garantie",
	    "garantia", "гарант", "保修", "质保", NULL },
};

static json_t *
question_entry(const struct offer *o, const struct conf *c, const char *q,
    struct strlist *notes)
{
	json_t *j = json_object(), *t = json_object();
	char *padded = xasprintf(" %s ", q);
	int topics = 0, confirm = 0, agree = 0;
	size_t i, k;

	for (i = 0; i < T_COUNT; i++) {
		int hit = 0, can = 0;

		for (k = 0; k < TOPIC_KEYS && topic_keys[i][k] && !hit; k++)
			hit = icase_contains(padded, topic_keys[i][k]);
		if (!hit)
			continue;
		topics++;
		json_object_set_new(t, topic_words[i], json_true());
		switch (i) {
		case T_MOQ:
		case T_PRICE:
			can = o && o->nitems > 0;
			break;
		case T_LEAD_TIME:
			can = all_items_have_lead_time(o);
			break;
		case T_CERT:
			can = any_item_has(o, offsetof(struct product,
			    certifications)) && !certs_missing(q, o);
			break;
		case T_PACKAGING:
			can = any_item_has(o, offsetof(struct product,
			    packaging)) && !mentions_any(q, custom_packaging,
			    ARRAY_SIZE(custom_packaging));
			break;
		case T_PAYMENT:
			can = (o && o->payment_terms) ||
			    (c && c->payment_terms);
			break;
		case T_SHIPPING:
			/* our Incoterm answers; the freight is the rep's */
			can = (o && !str_blank(o->incoterm)) ||
			    (c && !str_blank(c->incoterm));
			agree = can;
			break;
		default:
			can = 0;
			break;
		}
		if (!can)
			confirm = 1;
	}
	if (!topics)
		confirm = 1;
	set_str(j, "text", q);
	json_object_set_new(j, "t", t);
	/* a price differs per quoted quantity; other facts per product */
	json_object_set_new(j, "items", json_object_get(t, "price") ?
	    all_items(o) : product_items(o));
	set_bool(j, "to_confirm", confirm);
	set_bool(j, "to_agree", agree);
	set_bool(j, "answered", !confirm && !agree);
	if (confirm)
		strlist_pushf(notes, "to confirm: question '%s'", q);
	if (agree)
		strlist_pushf(notes, "to agree: question '%s'", q);
	free(padded);
	return j;
}

static json_t *
company_json(const struct conf *c)
{
	json_t *j = json_object();

	set_str(j, "name", c ? c->company_name : NULL);
	set_str(j, "domain", c ? c->company_domain : NULL);
	set_str(j, "address", c ? c->company_address : NULL);
	set_str(j, "phone", c ? c->company_phone : NULL);
	set_str(j, "email", c ? c->company_email : NULL);
	set_str(j, "website", c ? c->company_website : NULL);
	return j;
}

/* The rep's signature partial: per rep by email, by name, or default. */
static char *
signature_partial(const struct templates *t, const char *rep_email,
    const char *rep_name, const char *part)
{
	char *name = NULL, *slug;
	size_t i;

	if (rep_email) {
		name = xasprintf("signature-%s.%s", rep_email, part);
		str_lower(name);
		if (tmpl_set_get(t->set, name))
			return name;
		FREE_AND_NULL(name);
	}
	if (rep_name) {
		slug = str_lower(xstrdup(rep_name));
		for (i = 0; slug[i]; i++)
			if (!((slug[i] >= 'a' && slug[i] <= 'z') ||
			    (slug[i] >= '0' && slug[i] <= '9') ||
			    (unsigned char)slug[i] >= 0x80))
				slug[i] = '-';
		name = xasprintf("signature-%s.%s", slug, part);
		free(slug);
		if (tmpl_set_get(t->set, name))
			return name;
		FREE_AND_NULL(name);
	}
	return xasprintf("signature.%s", part);
}

/* Renders a one-line template to a trimmed string, or NULL. */
static char *
render_line(const struct templates *t, const char *name, json_t *ctx)
{
	const struct tmpl *tp = t ? tmpl_set_get(t->set, name) : NULL;
	struct buf out = BUF_INIT(4096);
	struct err e = ERR_INIT;
	char *r = NULL, *clean;

	if (tp && !tmpl_render(tp, t->set, ctx, TMPL_RAW, NULL, &out, &e)) {
		clean = clean_name(out.data);
		if (!str_blank(clean))
			r = xstrdup(clean);
		free(clean);
	}
	buf_release(&out);
	return r;
}

static const char *
base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

/* Lines (categories) to suggest for a vague inquiry, up to MAX_LINES. */
static void
pick_lines(const struct offer *o, const struct enrich_info *ei,
    struct strlist *lines, const char **why)
{
	size_t i;

	*why = NULL;
	for (i = 0; o && i < o->categories.n && lines->n < MAX_LINES; i++)
		if (strlist_find(lines, o->categories.v[i], 1) < 0)
			strlist_push(lines, o->categories.v[i]);
	if (lines->n) {
		*why = "the quote's product lines";
		return;
	}
	for (i = 0; ei && i < ei->nsugg && lines->n < MAX_LINES; i++)
		if (ei->sugg[i].category &&
		    strlist_find(lines, ei->sugg[i].category, 1) < 0)
			strlist_push(lines, ei->sugg[i].category);
	if (lines->n) {
		*why = "the enrichment's suggestions";
		return;
	}
	for (i = 0; o && i < o->nitems && lines->n < MAX_LINES; i++)
		if (o->items[i].p && o->items[i].p->category &&
		    strlist_find(lines, o->items[i].p->category, 1) < 0)
			strlist_push(lines, o->items[i].p->category);
	if (lines->n)
		*why = "the best sellers' categories";
}

static json_t *
lines_json(const struct offer *o, const struct enrich_info *ei,
    struct strlist *notes)
{
	struct strlist lines = STRLIST_INIT;
	json_t *a = json_array();
	const char *why;
	size_t i, k;

	pick_lines(o, ei, &lines, &why);
	for (i = 0; i < lines.n; i++) {
		json_t *l = json_object(), *prods = json_array();
		json_t *best = NULL;
		const char *evidence = NULL;

		set_str(l, "name", lines.v[i]);
		for (k = 0; o && k < o->nitems; k++) {
			const struct product *p = o->items[k].p;

			if (!p || !p->category ||
			    strcasecmp(p->category, lines.v[i]))
				continue;
			json_array_append_new(prods, item_json(o, &o->items[k],
			    k + 1));
		}
		if (json_array_size(prods))
			best = json_incref(json_array_get(prods, 0));
		json_object_set_new(l, "best", best ? best : json_null());
		json_object_set_new(l, "products", prods);
		for (k = 0; ei && k < ei->nsugg; k++)
			if (ei->sugg[k].category &&
			    !strcasecmp(ei->sugg[k].category, lines.v[i]))
				evidence = ei->sugg[k].evidence;
		if (evidence)
			strlist_pushf(notes, "line '%s' suggested by %s",
			    lines.v[i], evidence);
		json_array_append_new(a, l);
	}
	if (why)
		strlist_pushf(notes, "product lines from %s", why);
	mark_list(a);
	strlist_release(&lines);
	return a;
}

static json_t *
products_json(const struct offer *o, const struct verdict *v)
{
	struct strlist names = STRLIST_INIT;
	json_t *a = json_array();
	size_t i;

	for (i = 0; o && i < o->nitems; i++)
		if (o->items[i].p && o->items[i].p->name &&
		    strlist_find(&names, o->items[i].p->name, 1) < 0)
			strlist_push(&names, o->items[i].p->name);
	for (i = 0; !names.n && v && i < v->nreq; i++)
		if (field_of(v->req[i].field) == F_PRODUCT &&
		    !str_blank(v->req[i].value) &&
		    strlist_find(&names, v->req[i].value, 1) < 0)
			strlist_push(&names, v->req[i].value);
	for (i = 0; i < names.n; i++) {
		json_t *p = json_object();

		set_str(p, "name", names.v[i]);
		json_array_append_new(a, p);
	}
	mark_list(a);
	strlist_release(&names);
	return a;
}

static json_t *
greeting_json(const struct greeting *g)
{
	json_t *j = json_object();
	static const char *const keys[] = {
		"unknown", "name", "mr", "ms", "mrs", "dr", "sir", "madam",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		set_bool(j, keys[i], (size_t)g->kind == i);
	set_str(j, "title", g->kind >= GREET_MR && g->kind <= GREET_DR ?
	    greet_kind_name(g->kind) : NULL);
	set_str(j, "surname", g->surname);
	set_str(j, "full_name", g->full_name);
	return j;
}

/* Some element of the array a has key true. */
static int
any_true(json_t *a, const char *key)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++)
		if (json_is_true(json_object_get(json_array_get(a, i), key)))
			return 1;
	return 0;
}

/* Their subject without reply prefixes, for the templates. */
static char *
bare_subject(const char *subject)
{
	char *r = draft_reply_subject(subject, NULL);
	char *bare = xstrdup(r + 4);

	free(r);
	return bare;
}

/*
 * The subject the customer wrote: a forwarded inquiry's own, as the
 * colleague's "Fwd: ..." was never theirs (a platform's relay keeps its
 * subject, which the platform's reply path expects).
 */
static const char *
customer_subject(const struct parsed_msg *pm)
{
	if (!pm)
		return NULL;
	if ((pm->flags & PM_FORWARDED) && !(pm->flags & PM_RELAYED) &&
	    !str_blank(pm->forward_subject))
		return pm->forward_subject;
	return pm->subject;
}

UNITTEST json_t *
draft_context(const struct conf *c, const struct conf_account *a,
    const struct templates *t, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    const struct enrich_info *ei, const struct offer *o,
    const char *quote_path, int64_t now, const char *lang,
    struct strlist *notes)
{
	json_t *ctx = json_object(), *j;
	enum iq_class cls = v ? v->cls : o ? o->cls : CLASS_VAGUE;
	struct greeting g;
	char *subj, *sig;
	const char *company = NULL, *rep_name, *rep_email;
	char day[21];
	size_t i;
	int nproducts = 0;

	set_str(ctx, "lang", lang);
	set_bool(ctx, "vague", cls != CLASS_DETAILED);
	set_bool(ctx, "detailed", cls == CLASS_DETAILED);
	set_str(ctx, "to_confirm_tag", TO_CONFIRM);
	set_str(ctx, "to_agree_tag", TO_AGREE);
	subj = bare_subject(customer_subject(pm));
	set_str(ctx, "subject", subj);
	free(subj);

	draft_greeting(pm, s, &g);
	json_object_set_new(ctx, "greeting", greeting_json(&g));
	strlist_pushf(notes, "greeting: %s (%s)", greet_kind_name(g.kind),
	    g.why ? g.why : "-");

	j = json_object();
	set_str(j, "name", g.full_name);
	if (s && !str_blank(s->f.company)) {
		company = s->f.company;
	} else if (o && !str_blank(o->customer_company)) {
		company = o->customer_company;
	} else if (ei && !str_blank(ei->site_name) && ei->free_mail != 1) {
		company = ei->site_name;
		strlist_pushf(notes, "company name '%s' guessed from their "
		    "website", company);
	}
	{
		/* "Ibérica S.L." would end a sentence with two dots */
		char *co = one_line(company);
		size_t n = strlen(co);

		while (n > 1 && co[n - 1] == '.' && co[n - 2] != '.')
			co[--n] = '\0';
		set_str(j, "company", co);
		free(co);
	}
	{
		/* their own words first ("promotional products"), else the
		 * website's industry ("consumer-electronics" reads
		 * "consumer electronics") */
		char *biz = xstrdup_or_null(v && !str_blank(v->business) ?
		    v->business : ei ? ei->industry : NULL);
		char *p;

		for (p = biz; p && *p; p++)
			if (*p == '-')
				*p = ' ';
		set_str(j, "business", biz);
		free(biz);
	}
	set_str(j, "website", s && !str_blank(s->f.website) ? s->f.website :
	    ei ? ei->website : NULL);
	set_str(j, "country", ei && ei->country ? ei->country :
	    s ? s->f.country : NULL);
	set_str(j, "email", pm ? (pm->reply_to.addr ? pm->reply_to.addr :
	    pm->from.addr) : NULL);
	json_object_set_new(ctx, "customer", j);
	greeting_release(&g);

	/* how many things they named as "the product" (not models) */
	for (i = 0; v && i < v->nreq; i++)
		nproducts += v->req[i].field && v->req[i].rule &&
		    (!strcmp(v->req[i].field, "product") ||
		    !strcmp(v->req[i].field, "product_phrase"));
	j = products_json(o, v);
	set_bool(ctx, "has_products", json_array_size(j) > 0);
	json_object_set_new(ctx, "products", j);
	json_object_set_new(ctx, "items", all_items(o));
	set_bool(ctx, "has_items", o && o->nitems > 0);
	set_str(ctx, "currency", o && o->currency ? o->currency :
	    c ? c->currency : NULL);

	if (cls == CLASS_DETAILED) {
		json_t *outline = json_array(), *qs = json_array();
		const struct offer_point *pts = o && v && o->npoints ==
		    v->nreq && o->points ? o->points : NULL;
		int phrase = 0;

		for (i = 0; v && i < v->nreq; i++)
			phrase |= v->req[i].field &&
			    !strcmp(v->req[i].field, "product_phrase");
		for (i = 0; v && i < v->nreq; i++) {
			json_t *e;
			char *label;

			if (str_blank(v->req[i].value))
				continue;
			if (field_of(v->req[i].field) == F_INFO) {
				strlist_pushf(notes, "customer %s: %s",
				    v->req[i].field, v->req[i].value);
				continue;
			}
			/* the catalog's name for what they wrote; what they
			 * ask to receive (the reply is the quotation); what
			 * the offer keeps from the customer */
			if ((phrase && !strcmp(v->req[i].field, "product") &&
			    !v->req[i].rule) || !strcmp(v->req[i].field,
			    "request") || (pts && pts[i].state ==
			    POINT_HIDDEN))
				continue;
			e = outline_entry(o, c, &v->req[i], pts ? &pts[i] :
			    NULL, nproducts, notes);
			json_array_append_new(outline, e);
			label = lang ? xasprintf("%s/label", lang) : NULL;
			{
				char *l = label ? render_line(t, label, e) :
				    NULL;

				if (!l) {
					size_t k;

					l = xstrdup(v->req[i].field ?
					    v->req[i].field : "");
					for (k = 0; l[k]; k++)
						if (l[k] == '_')
							l[k] = ' ';
				}
				set_str(e, "label", l);
				set_bool(e, "bare", only_label(v->req[i].value,
				    l));
				free(l);
			}
			free(label);
		}
		mark_list(outline);
		for (i = 0; v && i < v->questions.n; i++)
			if (!str_blank(v->questions.v[i]))
				json_array_append_new(qs, question_entry(o, c,
				    v->questions.v[i], notes));
		mark_list(qs);
		set_bool(ctx, "any_to_confirm",
		    any_true(outline, "to_confirm") ||
		    any_true(qs, "to_confirm") ||
		    any_true(json_object_get(ctx, "items"), "to_confirm"));
		set_bool(ctx, "any_to_agree", any_true(outline, "to_agree") ||
		    any_true(qs, "to_agree"));
		set_bool(ctx, "has_outline", json_array_size(outline) > 0);
		set_bool(ctx, "has_questions", json_array_size(qs) > 0);
		json_object_set_new(ctx, "outline", outline);
		json_object_set_new(ctx, "questions", qs);
	} else {
		json_t *lines = lines_json(o, ei, notes), *ask = json_object();
		int q = !has_field(v, F_QUANTITY);
		int tp = !has_field(v, F_TARGET_PRICE);
		int port = !has_field(v, F_PORT) && !has_field(v, F_INCOTERM);
		int cust = !has_field(v, F_LOGO) && !has_field(v, F_PACKAGING);
		int when = !has_field(v, F_DELIVERY);

		set_bool(ctx, "has_lines", json_array_size(lines) > 0);
		json_object_set_new(ctx, "lines", lines);
		set_bool(ask, "quantity", q);
		set_bool(ask, "target_price", tp);
		set_bool(ask, "port", port);
		set_bool(ask, "custom", cust);
		set_bool(ask, "timing", when);
		set_bool(ask, "any", q || tp || port || cust || when);
		json_object_set_new(ctx, "ask", ask);
	}

	j = json_object();
	set_str(j, "number", o ? o->number : NULL);
	set_str(j, "title", o ? o->title : NULL);
	set_str(j, "currency", o && o->currency ? o->currency :
	    c ? c->currency : NULL);
	{
		char *inc = our_incoterm(o, c);

		set_str(j, "incoterm", inc);
		free(inc);
	}
	set_str(j, "payment_terms", o && o->payment_terms ? o->payment_terms :
	    c ? c->payment_terms : NULL);
	{
		long days = o && o->validity_days > 0 ? o->validity_days :
		    c ? c->quote_validity_days : 0;
		int64_t date = o && o->date ? o->date : now;

		if (days > 0) {
			json_object_set_new(j, "validity_days",
			    json_integer(days));
			fmt_time_utc(date + (int64_t)days * 86400, day);
			day[10] = '\0';
			set_str(j, "valid_until", day);
		} else {
			json_object_set_new(j, "validity_days", json_null());
			json_object_set_new(j, "valid_until", json_null());
		}
		fmt_time_utc(date, day);
		day[10] = '\0';
		set_str(j, "date", day);
	}
	set_bool(j, "attached", quote_path != NULL);
	set_str(j, "filename", base_name(quote_path));
	{
		double total = 0;

		for (i = 0; o && i < o->nitems; i++)
			total += o->items[i].unit_price *
			    (double)o->items[i].qty;
		set_money(j, "total", total, 0);
	}
	json_object_set_new(ctx, "quote", j);
	if (!quote_path)
		strlist_push(notes, "no quote sheet attached");

	rep_name = a && a->rep_name ? a->rep_name : NULL;
	rep_email = a && a->rep_email ? a->rep_email :
	    c ? c->company_email : NULL;
	j = json_object();
	set_str(j, "name", rep_name);
	set_str(j, "email", rep_email);
	set_str(j, "phone", c ? c->company_phone : NULL);
	json_object_set_new(ctx, "rep", j);
	json_object_set_new(ctx, "company", company_json(c));

	j = json_object();
	if (t) {
		sig = signature_partial(t, rep_email, rep_name, "text");
		set_str(j, "signature_text", sig);
		free(sig);
		sig = signature_partial(t, rep_email, rep_name, "html");
		set_str(j, "signature_html", sig);
		free(sig);
	} else {
		set_str(j, "signature_text", "signature.text");
		set_str(j, "signature_html", "signature.html");
	}
	json_object_set_new(ctx, "partials", j);

	for (i = 0; ei && i < ei->nflags; i++)
		strlist_pushf(notes, "risk %s: %s", ei->flags[i].code ?
		    ei->flags[i].code : "?", ei->flags[i].reason ?
		    ei->flags[i].reason : "");
	for (i = 0; o && i < o->to_confirm.n; i++)
		strlist_pushf(notes, "quote: %s", o->to_confirm.v[i]);
	/* item notes the quote's list does not already say */
	for (i = 0; o && i < o->nitems; i++)
		if (o->items[i].note && strlist_find(&o->to_confirm,
		    o->items[i].note, 0) < 0)
			strlist_pushf(notes, "item %zu: %s", i + 1,
			    o->items[i].note);
	return ctx;
}

/* ---- The message ------------------------------------------------------ */

static int
render_part(const struct templates *t, const char *lang, const char *cls,
    const char *part, json_t *ctx, unsigned flags, struct buf *out,
    struct err *e)
{
	char *name = xasprintf("%s/%s.%s", lang, cls, part);
	const struct tmpl *tp = tmpl_set_get(t->set, name);
	int rc;

	if (!tp) {
		rc = err_set(e, ERR_CONFIG, "no template '%s' in '%s'", name,
		    t->dir);
	} else {
		rc = tmpl_render(tp, t->set, ctx, flags, NULL, out, e);
		if (rc) {
			e->kind = ERR_CONFIG;
			err_prefix(e, "template '%s'", tmpl_file(tp));
		}
	}
	free(name);
	return rc;
}

static char *
make_message_id(const struct conf *c, const char *from_addr,
    const struct parsed_msg *pm, const struct conf_account *a,
    const char *salt, int64_t now)
{
	struct buf b = BUF_INIT(BUF_CAP_LINE);
	const char *domain = c && c->company_domain ? c->company_domain :
	    NULL;
	char hex[65], t[21];
	char *id;

	if (!domain && from_addr && strchr(from_addr, '@'))
		domain = strchr(from_addr, '@') + 1;
	if (!domain)
		domain = "inquiryd.invalid";
	/* The quote number (unique per store) keeps a re-draft in the same
	 * second from reusing the id. */
	buf_addf(&b, "%s|%s|%s|%s|%s|%s|%lld", salt ? salt : "",
	    pm && pm->message_id ? pm->message_id : "",
	    pm && pm->body_hash ? pm->body_hash : "",
	    pm && pm->from.addr ? pm->from.addr : "",
	    pm && pm->subject ? pm->subject : "",
	    a && a->name ? a->name : "", (long long)now);
	hash_sha256_hex(b.data, b.len, hex);
	fmt_time_utc(now, t);
	/* 2026-11-26T19:31:00Z -> 20261126193100 */
	id = xasprintf("%.4s%.2s%.2s%.2s%.2s%.2s.%.16s.inquiryd@%s", t, t + 5,
	    t + 8, t + 11, t + 14, t + 17, hex, domain);
	buf_release(&b);
	return id;
}

/* A msg-id we pass on: printable ASCII, no blanks or brackets, one @. */
static int
plain_id(const char *id)
{
	const char *p, *at = id ? strchr(id, '@') : NULL;

	if (!at || at == id || !at[1] || strchr(at + 1, '@') ||
	    strlen(id) > 250)
		return 0;
	for (p = id; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>' ||
		    *p == '"' || *p == '\\' || *p == ',')
			return 0;
	return 1;
}

/* "<their refs...> <their id>", the last MAX_REFERENCES. */
static char *
references(const struct parsed_msg *pm)
{
	struct buf b = BUF_INIT(BUF_CAP_LINE);
	size_t i, from;

	if (!pm)
		return NULL;
	from = pm->references.n > MAX_REFERENCES - 1 ?
	    pm->references.n - (MAX_REFERENCES - 1) : 0;
	for (i = from; i < pm->references.n; i++)
		if (plain_id(pm->references.v[i]) && (!pm->message_id ||
		    strcmp(pm->references.v[i], pm->message_id)))
			buf_addf(&b, "%s<%s>", b.len ? " " : "",
			    pm->references.v[i]);
	if (plain_id(pm->message_id))
		buf_addf(&b, "%s<%s>", b.len ? " " : "", pm->message_id);
	if (!b.len) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static char *
join_notes(const struct strlist *notes, const char *sep, size_t max)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	size_t i;

	for (i = 0; i < notes->n; i++)
		buf_addf(&b, "%s%s", i ? sep : "", notes->v[i]);
	if (max && b.len > max) {
		buf_setlen(&b, max - 3);
		/* do not cut a UTF-8 sequence */
		while (b.len && ((unsigned char)b.data[b.len] & 0xc0) == 0x80)
			buf_setlen(&b, b.len - 1);
		buf_addstr(&b, "...");
	}
	return buf_detach(&b, NULL);
}

/* The language to answer in: theirs when we have it for cls, else en. */
static const char *
pick_lang(const struct templates *t, const struct verdict *v, int cls,
    struct strlist *notes)
{
	const char *want = v && v->lang[0] ? v->lang : "en";

	if (lang_has_class(t, want, cls))
		return want;
	if (strcmp(want, "en"))
		strlist_pushf(notes, "language '%s' has no %s templates: "
		    "replied in English", want, class_words[cls]);
	return "en";
}

/*
 * Renders the subject, text and html of the reply into the buffers; lang
 * gets the language used, notes what the rep should know.
 */
UNITTEST int
draft_bodies(const struct conf *c, const struct conf_account *a,
    const struct templates *t, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    const struct enrich_info *ei, const struct offer *o,
    const char *quote_path, int64_t now, struct buf *subject,
    struct buf *text, struct buf *html, const char **lang,
    struct strlist *notes, struct err *e)
{
	enum iq_class cls = v ? v->cls : o ? o->cls : CLASS_VAGUE;
	const char *cw;
	json_t *ctx = NULL;
	int rc = -1;

	if (cls == CLASS_SPAM) {
		err_set(e, ERR_PERM, "no reply is drafted to spam");
		goto out;
	}
	if (!t) {
		err_set(e, ERR_CONFIG, "no templates loaded");
		goto out;
	}
	cw = class_words[cls == CLASS_DETAILED];
	*lang = pick_lang(t, v, cls == CLASS_DETAILED, notes);
	ctx = draft_context(c, a, t, pm, s, v, ei, o, quote_path, now, *lang,
	    notes);
	rc = render_part(t, *lang, cw, "subject", ctx, TMPL_RAW, subject, e);
	if (!rc)
		rc = render_part(t, *lang, cw, "text", ctx, TMPL_RAW, text, e);
	if (!rc)
		rc = render_part(t, *lang, cw, "html", ctx, 0, html, e);
out:
	json_decref(ctx);
	return rc;
}

int
draft_render(const struct conf *c, const struct conf_account *a,
    const struct templates *t, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    const struct enrich_info *ei, const struct offer *o,
    const char *quote_path, int64_t now, struct draft *d, struct err *e)
{
	enum iq_class cls = v ? v->cls : o ? o->cls : CLASS_VAGUE;
	struct strlist notes = STRLIST_INIT;
	struct buf subj = BUF_INIT(BUF_CAP_LINE);
	struct buf text = BUF_INIT(BUF_CAP_TEXT);
	struct buf html = BUF_INIT(BUF_CAP_TEXT);
	struct buf att = BUF_INIT(QUOTE_MAX_SIZE);
	struct mime_attachment_in ma;
	struct mime_header extra[2];
	struct mime_out m;
	const struct address *to;
	const char *lang = "en", *from_addr, *from_name;
	char *refs = NULL, *notes_hdr = NULL;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	buf_init(&d->raw, DRAFT_MAX_SIZE);
	to = pm && pm->reply_to.addr ? &pm->reply_to : pm ? &pm->from : NULL;
	if (!to || str_blank(to->addr)) {
		err_set(e, ERR_PERM, "no address to reply to");
		goto out;
	}
	from_addr = a && a->rep_email ? a->rep_email :
	    c ? c->company_email : NULL;
	from_name = a && a->rep_name ? a->rep_name :
	    c ? c->company_name : NULL;
	if (str_blank(from_addr)) {
		err_set(e, ERR_CONFIG, "no From address for the draft: set "
		    "'rep' in the account or 'email' in [company]");
		goto out;
	}
	if (draft_bodies(c, a, t, pm, s, v, ei, o, quote_path, now, &subj,
	    &text, &html, &lang, &notes, e))
		goto out;
	if (quote_path && buf_read_file(&att, quote_path)) {
		err_set_errno(e, errno == EFBIG ? ERR_PERM : ERR_TEMP,
		    "cannot read quote '%s'", quote_path);
		goto out;
	}
	d->subject = draft_reply_subject(subj.data, "Your inquiry");
	d->to = xstrdup(to->addr);
	d->lang = xstrdup(lang);
	d->message_id = make_message_id(c, from_addr, pm, a,
	    o ? o->number : NULL, now);
	d->notes = join_notes(&notes, "\n", 0);
	notes_hdr = join_notes(&notes, "; ", NOTES_HEADER_MAX);
	refs = references(pm);

	memset(&m, 0, sizeof(m));
	m.from_name = from_name;
	m.from_addr = from_addr;
	m.to_name = to->name;
	m.to_addr = to->addr;
	m.subject = d->subject;
	m.message_id = d->message_id;
	m.in_reply_to = plain_id(pm->message_id) ? pm->message_id : NULL;
	m.references = refs;
	m.date = now;
	extra[0].name = "X-Inquiryd-Notes";
	extra[0].value = notes_hdr;
	/* Marks the draft as ours: the pipeline ignores it if it comes in. */
	extra[1].name = "X-Inquiryd-Class";
	extra[1].value = class_words[cls == CLASS_DETAILED];
	m.extra = extra;
	m.nextra = 2;
	m.text = text.data;
	m.html = html.data;
	if (quote_path) {
		ma.filename = base_name(quote_path);
		ma.content_type = XLSX_TYPE;
		ma.data = att.data;
		ma.len = att.len;
		m.att = &ma;
		m.natt = 1;
	}
	rc = mime_compose(&m, &d->raw, e);
out:
	free(refs);
	free(notes_hdr);
	buf_release(&subj);
	buf_release(&text);
	buf_release(&html);
	buf_release(&att);
	strlist_release(&notes);
	return rc;
}

/* ---- Writing ---------------------------------------------------------- */

static int
write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
draft_write(struct draft *d, const char *dir, struct err *e)
{
	char *name = draft_file_name(d->message_id);
	char *path = xasprintf("%s/%s", dir, name);
	char *tmp = xasprintf("%s/.%s.XXXXXX", dir, name);
	int fd = -1, dfd = -1, rc = -1;

	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set_errno(e, ERR_TEMP, "cannot create a draft in '%s'",
		    dir);
		goto out;
	}
	if (write_all(fd, d->raw.data, d->raw.len) || fsync(fd)) {
		err_set_errno(e, ERR_TEMP, "cannot write draft '%s'", tmp);
		goto out;
	}
	if (fchmod(fd, 0640) || close(fd)) {
		fd = -1;
		err_set_errno(e, ERR_TEMP, "cannot write draft '%s'", tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path)) {
		err_set_errno(e, ERR_TEMP, "cannot rename draft to '%s'",
		    path);
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0)
		fsync(dfd);
	free(d->path);
	d->path = path;
	path = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (rc)
		unlink(tmp);
	free(tmp);
	free(path);
	free(name);
	return rc;
}

void
draft_release(struct draft *d)
{
	free(d->message_id);
	free(d->subject);
	free(d->to);
	free(d->lang);
	free(d->notes);
	free(d->path);
	buf_release(&d->raw);
	memset(d, 0, sizeof(*d));
	buf_init(&d->raw, DRAFT_MAX_SIZE);
}
