/*
 * cmd_rules.c - "inquiryd rules check [DIR]" and "inquiryd rules test".
 *
 * check loads the rules the way the daemon does (all or nothing) and
 * prints every error as file:line:column: message; exit 2 on any.
 *
 * test classifies a labelled corpus in the format of
 * ../shared/corpus/inquiries (README there): inquiries.jsonl with a gold
 * label, requirement keys and questions per message, and the .eml files
 * it names.  Each message goes through parse, sig and classify as in the
 * pipeline, and the figures are computed the way that README says:
 *   - accuracy, lenient accuracy (alt_label accepted), macro-F1 over
 *     vague/detailed/spam;
 *   - outline recall: the share of gold requirement keys found, as a
 *     case-insensitive substring after whitespace and NFKC normalisation,
 *     in one of the outline's values;
 *   - question recall: the share of gold questions matched by an
 *     extracted question (substring either way, or >= 60% of the gold
 *     question's content words).
 * and one figure of ours, which the README does not define:
 *   - outline precision: the share of the outline's entries on the
 *     detailed items that say something the gold requirements say
 *     (outline_entry_right() has the rule).  Recall rewards an outline
 *     that lists everything; precision is what the customer reads.
 */
#include <errno.h>
#include <getopt.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "buf.h"
#include "classify.h"
#include "conf.h"
#include "err.h"
#include "log.h"
#include "parse.h"
#include "pipeline.h"
#include "rules.h"
#include "rx.h"
#include "sig.h"
#include "ufold.h"


static const char usage_text[] =
    "usage: inquiryd [-c FILE] rules check [DIR]\n"
    "       inquiryd [-c FILE] rules test [--rules DIR] [--min-macro-f1 X]\n"
    "                [--min-outline-recall X] [--min-question-recall X]\n"
    "                [--min-outline-precision X] [--bench ROUNDS] [-v]\n"
    "                CORPUS\n"
    "\n"
    "check  compiles every rule under DIR and prints each error as\n"
    "       file:line:column: message.  Without DIR it checks everything\n"
    "       the config names, as the daemon would load it, without touching\n"
    "       mail: the config itself, the rules, the templates and the\n"
    "       catalog.  Exit 0 when all load, 2 when any error was found.\n"
    "test   classifies a labelled corpus (CORPUS/inquiries.jsonl and the\n"
    "       .eml files it names) and prints the confusion matrix, accuracy,\n"
    "       macro-F1, outline recall and precision and question recall on\n"
    "       the detailed items,\n"
    "       each rule's hits and the rules that never fired.  The --min-*\n"
    "       options exit 1 when a figure is below X (0 to 1).\n"
    "       --rules DIR picks the rules (default: the config's rules_dir);\n"
    "       -v prints each message's verdict, what it missed and the\n"
    "       outline entries no gold requirement backs (twice:\n"
    "       the explanation too).  --bench ROUNDS times classification\n"
    "       beside the same patterns run in a bare JIT loop.\n";

struct test_opts {
	double min_f1, min_outline, min_questions, min_precision;
	int have_f1, have_outline, have_questions, have_precision;
	int verbose;
	long bench;		/* rounds of the benchmark, 0: none */
};

/* A message kept for the benchmark, parsed and analysed once. */
struct bench_msg {
	struct parsed_msg pm;
	struct sig_result sr;
	int has_sr;
	int parsed;
};

/* The rules directory: the argument, else the config's. */
static char *
pick_rules_dir(const char *arg, const struct cmd_global *g, int *rc)
{
	struct conf c;
	struct strlist errs = STRLIST_INIT;
	const char *path;
	char *dir = NULL;
	int explicit_path = 0;
	size_t i;

	*rc = EXIT_OK;
	if (arg)
		return xstrdup(arg);
	path = conf_pick_path(g->conf_path, &explicit_path);
	if (!explicit_path && access(path, F_OK) != 0)
		path = NULL;
	if (conf_load(&c, path, &errs)) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i]);
		*rc = EXIT_USAGE;
		goto out;
	}
	dir = xstrdup(c.rules_dir);
	conf_release(&c);
out:
	strlist_release(&errs);
	return dir;
}

static int
load_rules(const char *dir, struct ruleset **rs)
{
	struct strlist errs = STRLIST_INIT;
	size_t i;
	int rc = 0;

	if (ruleset_load(rs, dir, &errs)) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i]);
		fprintf(stderr, "inquiryd: %zu error%s in '%s'; nothing "
		    "loaded\n", errs.n, errs.n == 1 ? "" : "s", dir);
		rc = -1;
	}
	strlist_release(&errs);
	return rc;
}

static int
rules_check(int argc, char **argv, const struct cmd_global *g)
{
	struct ruleset *rs = NULL;
	char *dir;
	char ver[64];
	int rc;

	struct pipeline p;
	int whole = argc == 1;

	if (argc > 2)
		return cmd_usage(usage_text, 1);
	memset(&p, 0, sizeof(p));
	if (whole) {
		/* Everything the daemon loads, all errors at once. */
		struct strlist errs = STRLIST_INIT;
		size_t i;

		if (pipeline_load(&p, g->conf_path, PL_RULES | PL_TEMPLATES |
		    PL_CATALOG, 1, &errs, &rc)) {
			for (i = 0; i < errs.n; i++)
				fprintf(stderr, "%s\n", errs.v[i]);
			fprintf(stderr, "inquiryd: %zu error%s; nothing "
			    "loaded\n", errs.n, errs.n == 1 ? "" : "s");
			strlist_release(&errs);
			dir = NULL;
			rc = EXIT_USAGE;
			goto out;
		}
		strlist_release(&errs);
		dir = xstrdup(p.conf.rules_dir);
		rs = p.rs;
		p.rs = NULL;
	} else {
		dir = pick_rules_dir(argv[1], g, &rc);
		if (!dir)
			goto out;
		if (load_rules(dir, &rs)) {
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (g->verbose) {
		size_t i, k;

		for (i = 0; i < ruleset_count(rs); i++) {
			const struct rule *r = ruleset_rule(rs, i);
			struct strlist l = STRLIST_INIT, st = STRLIST_INIT;

			printf("%s (%s:%d): ", r->id, r->file, r->line);
			if (!rule_prefilter(rs, r, &l, &st))
				printf("always runs");
			for (k = 0; k < l.n && k < 10; k++)
				printf("%s\"%s\"", k ? " " : "needs ",
				    log_esc(l.v[k]));
			if (l.n > 10)
				printf(" (%zu more)", l.n - 10);
			for (k = 0; k < st.n && k < 10; k++)
				printf("%s\"%s\"", k ? " " : l.n ?
				    "; tried at " : "tried at ",
				    log_esc(st.v[k]));
			if (st.n > 10)
				printf(" (%zu more)", st.n - 10);
			putchar('\n');
			strlist_release(&l);
			strlist_release(&st);
		}
	}
	if (!g->quiet)
		printf("%s: %zu rules ok, %zu with a literal prefilter (%s)\n",
		    dir, ruleset_count(rs), ruleset_prefiltered(rs),
		    rx_version(ver, sizeof(ver)));
	if (whole && !g->quiet) {
		printf("%s: config ok, %zu account%s\n", p.conf_path ?
		    p.conf_path : "(built-in defaults)", p.conf.naccounts,
		    p.conf.naccounts == 1 ? "" : "s");
		printf("%s: templates ok\n", p.conf.templates_dir);
		printf("%s: %zu products in %zu categories ok\n",
		    p.conf.catalog, p.cat.n, p.cat.categories.n);
	}
	rc = EXIT_OK;
out:
	ruleset_free(rs);
	pipeline_release(&p);
	free(dir);
	return rc;
}

/* --- normalisation for scoring ------------------------------------------ */

static void
put_cp(struct buf *b, uint32_t cp)
{
	if (cp < 0x80) {
		buf_addch(b, (int)cp);
	} else if (cp < 0x800) {
		buf_addch(b, 0xc0 | (cp >> 6));
		buf_addch(b, 0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		buf_addch(b, 0xe0 | (cp >> 12));
		buf_addch(b, 0x80 | ((cp >> 6) & 0x3f));
		buf_addch(b, 0x80 | (cp & 0x3f));
	} else {
		buf_addch(b, 0xf0 | (cp >> 18));
		buf_addch(b, 0x80 | ((cp >> 12) & 0x3f));
		buf_addch(b, 0x80 | ((cp >> 6) & 0x3f));
		buf_addch(b, 0x80 | (cp & 0x3f));
	}
}

/*
 * The compatibility mappings of NFKC that occur in mail text (fullwidth
 * forms, compatibility spaces, ligatures, superscript digits, the degree
 * signs), then white space runs collapsed to one space and trimmed.
 * Case is left to the caseless comparison.
 */
static char *
normalise(const char *s)
{
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	size_t len = strlen(s), i, n;
	int space = 0;

	for (i = 0; i < len; i += n) {
		uint32_t cp = utf8_next(s + i, len - i, &n);
		const char *rep = NULL;

		if (cp >= 0xff01 && cp <= 0xff5e)
			cp -= 0xfee0;
		else if (cp == 0x3000 || cp == 0xa0 || (cp >= 0x2000 &&
		    cp <= 0x200a) || cp == 0x202f || cp == 0x205f)
			cp = ' ';
		else if (cp == 0xb2 || cp == 0xb3)
			cp = '0' + cp - 0xb0;
		else if (cp == 0xb9)
			cp = '1';
		else if (cp == 0x2103)
			rep = "\xc2\xb0" "C";
		else if (cp == 0x2109)
			rep = "\xc2\xb0" "F";
		else if (cp == 0xfb00)
			rep = "ff";
		else if (cp == 0xfb01)
			rep = "fi";
		else if (cp == 0xfb02)
			rep = "fl";
		else if (cp == 0xfb03)
			rep = "ffi";
		else if (cp == 0xfb04)
			rep = "ffl";
		else if (cp == 0x2026)
			rep = "...";
		else if (cp == 0x2122)
			rep = "TM";
		if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
		    cp == '\f' || cp == '\v') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_addch(&b, ' ');
		space = 0;
		if (rep)
			buf_addstr(&b, rep);
		else if (cp < 0x80 || n > 1)
			put_cp(&b, cp);
		else
			buf_addch(&b, (int)cp);	/* a stray byte as it was */
	}
	return buf_detach(&b, NULL);
}

/* Is normalised needle inside normalised hay, ignoring case? */
static int
contains_icase(const char *hay, const char *needle)
{
	struct rx_error e;
	struct rx *rx;
	struct rx_scratch *sc;
	int found = 0;

	if (!*needle)
		return 1;
	rx = rx_compile(needle, strlen(needle), RX_LITERAL | RX_CASELESS, &e);
	if (!rx)
		return strstr(hay, needle) != NULL;
	sc = rx_scratch_new(NULL, 0);
	found = rx_exec(rx, hay, strlen(hay), 0, sc, NULL, 0) == RX_MATCH;
	rx_scratch_free(sc);
	rx_free(rx);
	return found;
}

static const char *const function_words[] = {
	"a", "about", "all", "also", "am", "an", "and", "any", "are", "as",
	"at", "be", "but", "by", "can", "could", "do", "does", "for", "from",
	"have", "how", "i", "if", "in", "is", "it", "its", "kindly", "let",
	"me", "my", "no", "not", "of", "on", "or", "our", "please", "so",
	"that", "the", "their", "them", "there", "these", "this", "to", "us",
	"was", "we", "what", "when", "where", "which", "will", "with",
	"would", "you", "your",
};

/* The content words of a normalised text, lowercased (ASCII). */
static void
content_words(const char *s, struct strlist *out)
{
	size_t len = strlen(s), i = 0, n, st;
	size_t k;

	while (i < len) {
		uint32_t cp = utf8_next(s + i, len - i, &n);
		int letter = (cp >= '0' && cp <= '9') || (cp >= 'a' &&
		    cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp >= 0xc0;

		if (!letter) {
			i += n;
			continue;
		}
		st = i;
		while (i < len) {
			cp = utf8_next(s + i, len - i, &n);
			if (!((cp >= '0' && cp <= '9') || (cp >= 'a' &&
			    cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
			    cp >= 0xc0) || cp == 0x3001 || cp == 0x3002 ||
			    (cp >= 0xff00 && cp <= 0xff65))
				break;
			i += n;
		}
		{
			char *w = xstrndup(s + st, i - st);
			int skip = 0;

			str_lower(w);
			for (k = 0; k < ARRAY_SIZE(function_words); k++)
				if (!strcmp(w, function_words[k]))
					skip = 1;
			if (skip || strlist_find(out, w, 0) >= 0)
				free(w);
			else
				strlist_push_owned(out, w);
		}
		if (i == st)
			i += n;
	}
}

/* Does extracted question q match gold question g (both normalised)? */
static int
question_matches(const char *g, const char *q)
{
	struct strlist gw = STRLIST_INIT, qw = STRLIST_INIT;
	size_t i, hit = 0;
	int ok;

	if (contains_icase(q, g) || contains_icase(g, q))
		return 1;
	content_words(g, &gw);
	content_words(q, &qw);
	for (i = 0; i < gw.n; i++)
		hit += strlist_find(&qw, gw.v[i], 0) >= 0;
	ok = gw.n > 0 && hit * 10 >= gw.n * 6;
	strlist_release(&gw);
	strlist_release(&qw);
	return ok;
}

/* The code point before p (not before start), 0 at start. */
static uint32_t
cp_before(const char *start, const char *p)
{
	const char *q = p;
	uint32_t cp = 0;

	if (p <= start)
		return 0;
	do
		q--;
	while (q > start && ((unsigned char)*q & 0xc0) == 0x80);
	utf8_decode(q, (size_t)(p - q), &cp);
	return cp;
}

static uint32_t
cp_at(const char *p)
{
	uint32_t cp = 0;

	if (*p)
		utf8_decode(p, strlen(p), &cp);
	return cp;
}

/* May a word start or end between code points a and b (0: none)? */
static int
word_edge(uint32_t a, uint32_t b)
{
	return !a || !b || !ufold_is_word(a) || !ufold_is_word(b) ||
	    ufold_is_cjk(a) || ufold_is_cjk(b);
}

/*
 * Where needle occurs in hay as whole words (both normalised), ignoring
 * case: not inside a longer word, so "with" is not in "without".  Next to
 * a CJK character every place is a word boundary (no spaces there).
 */
static int
contains_words(const char *hay, const char *needle)
{
	char *h = ufold_lower(hay), *nd = ufold_lower(needle);
	size_t nl = strlen(nd);
	const char *p;
	int found = 0;

	for (p = h; nl && !found && (p = strstr(p, nd)); p++)
		found = word_edge(cp_before(h, p), cp_at(nd)) &&
		    word_edge(cp_before(nd, nd + nl), cp_at(p + nl));
	free(h);
	free(nd);
	return found;
}

/*
 * What a requirement is about, to compare an outline entry with a gold
 * one: the gold's field names are free text ("colour split", "port/
 * destination"), the outline's the rules' fields.  0 is "anything": a
 * gold "gears" or an outline "spec" may match any other.
 */
enum {
	G_PRODUCT = 1 << 0, G_QTY = 1 << 1, G_COLOUR = 1 << 2,
	G_SIZE = 1 << 3, G_MATERIAL = 1 << 4, G_PACK = 1 << 5,
	G_LOGO = 1 << 6, G_INCOTERM = 1 << 7, G_PLACE = 1 << 8,
	G_PAYMENT = 1 << 9, G_DELIVERY = 1 << 10, G_CERT = 1 << 11,
	G_SAMPLE = 1 << 12, G_PRICE = 1 << 13, G_SHIPPING = 1 << 14,
	G_REQUEST = 1 << 15,
};

/* Gold field names by the words in them (any of them may hit). */
static const struct {
	const char *word;
	unsigned group;
} gold_groups[] = {
	{ "product", G_PRODUCT }, { "item", G_PRODUCT },
	{ "quantit", G_QTY }, { "qty", G_QTY }, { "colo", G_COLOUR },
	{ "size", G_SIZE }, { "dimension", G_SIZE }, { "length", G_SIZE },
	{ "thickness", G_SIZE }, { "capacity", G_SIZE },
	{ "material", G_MATERIAL }, { "packag", G_PACK },
	{ "packing", G_PACK }, { "logo", G_LOGO }, { "imprint", G_LOGO },
	{ "incoterm", G_INCOTERM }, { "port", G_PLACE },
	{ "destination", G_PLACE }, { "payment", G_PAYMENT },
	{ "delivery", G_DELIVERY }, { "lead time", G_DELIVERY },
	{ "certif", G_CERT }, { "document", G_CERT },
	{ "sample", G_SAMPLE }, { "price", G_PRICE },
	{ "currency", G_PRICE }, { "shipping", G_SHIPPING },
	{ "request", G_REQUEST },
};

/* Outline fields (rules/README.md "Fields"); others are 0. */
static const struct {
	const char *field;
	unsigned group;
} outline_groups[] = {
	{ "product", G_PRODUCT }, { "product_phrase", G_PRODUCT },
	{ "quantity", G_QTY }, { "moq", G_QTY }, { "colour", G_COLOUR },
	{ "size", G_SIZE }, { "length", G_SIZE }, { "thickness", G_SIZE },
	{ "weight", G_SIZE }, { "capacity", G_SIZE },
	{ "material", G_MATERIAL }, { "packaging", G_PACK },
	{ "logo", G_LOGO }, { "incoterm", G_INCOTERM },
	{ "port", G_PLACE }, { "destination", G_PLACE },
	{ "payment", G_PAYMENT }, { "delivery", G_DELIVERY },
	{ "certification", G_CERT }, { "documents", G_CERT },
	{ "samples", G_SAMPLE }, { "target_price", G_PRICE },
	{ "currency", G_PRICE }, { "price_basis", G_PRICE },
	{ "shipping", G_SHIPPING }, { "request", G_REQUEST },
};

static unsigned
gold_group(const char *field)
{
	char *f = ufold_lower(field ? field : "");
	unsigned g = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(gold_groups); i++)
		if (strstr(f, gold_groups[i].word))
			g |= gold_groups[i].group;
	free(f);
	return g;
}

static unsigned
outline_group(const char *field)
{
	size_t i;

	for (i = 0; field && i < ARRAY_SIZE(outline_groups); i++)
		if (!strcmp(field, outline_groups[i].field))
			return outline_groups[i].group;
	return 0;
}

/*
 * May an entry of group e stand for a gold point of group g (pass 0: of
 * the same kind; 1: either is "anything"; 2: a colour, size, material or
 * logo may be words of the product's own description, "hard enamel" of
 * "pins hard enamel")?  The named place of an Incoterm is a port.
 */
static int
groups_fit(unsigned e, unsigned g, int pass)
{
	if (pass == 0)
		return (e & g) || ((e & G_PLACE) && (g & G_INCOTERM)) ||
		    ((e & G_INCOTERM) && (g & G_PLACE));
	if (pass == 1)
		return !e || !g;
	return (g & G_PRODUCT) && (e & (G_COLOUR | G_SIZE | G_MATERIAL |
	    G_LOGO));
}

/* One gold requirement, normalised: its value and the key it must show. */
struct gold_req {
	char *value;
	char *key;
	unsigned group;
	struct strlist words;	/* the content words of value */
};

/*
 * Does normalised nv say what gold point g says (the rule below)?  2:
 * it has the whole gold value or is whole words of it; 1: it has the
 * gold key or half of its words are the gold's; 0: no.
 */
static int
gold_says(const char *nv, const struct strlist *ew, const struct gold_req *g)
{
	size_t j, hit;

	if (contains_icase(nv, g->value) || contains_words(g->value, nv))
		return 2;
	if (contains_icase(nv, g->key) || contains_words(g->key, nv))
		return 1;
	for (j = hit = 0; j < ew->n; j++)
		hit += strlist_find(&g->words, ew->v[j], 0) >= 0;
	return ew->n && hit * 2 >= ew->n;
}

/*
 * Which gold point backs the outline entry of group eg with normalised
 * value nv, or -1 (noise).  An entry is backed by a gold point of a
 * fitting kind (groups_fit) when it
 *   1. contains the gold key (what recall looks for), or
 *   2. is whole words of the gold value or key ("hard enamel" of "pins
 *      hard enamel"), or
 *   3. shares at least half of its content words with the gold value
 *      ("including delivery" with "delivery to our warehouse").
 * A gold point of the same kind is preferred to one of any kind, and
 * within a kind the one it says most fully.  So a
 * label taken for a product ("product: Colour"), a colour word taken for
 * a product ("product: x Gold"), a packing detail taken for the order
 * quantity and a stray word ("colour: with") are noise; so is the same
 * fact twice (see the caller).
 */
static long
gold_backing(const char *nv, unsigned eg, const struct gold_req *g,
    size_t ng)
{
	struct strlist ew = STRLIST_INIT;
	long found = -1;
	size_t i;
	int pass, best, says;

	if (!*nv)
		return -1;
	content_words(nv, &ew);
	for (pass = 0; pass < 3 && found < 0; pass++)
		for (i = 0, best = 0; i < ng; i++) {
			if (!groups_fit(eg, g[i].group, pass))
				continue;
			says = gold_says(nv, &ew, &g[i]);
			if (says > best) {
				best = says;
				found = (long)i;
			}
		}
	strlist_release(&ew);
	return found;
}

/* The value after a "Label:" it starts with, for comparing duplicates. */
static const char *
past_label(const char *v)
{
	const char *c = strchr(v, ':');

	return c && c - v <= 30 && c[1] != '/' ? c + 1 : v;
}

/* How vague a field is, for duplicates: spec, then fields of any kind. */
static int
vagueness(const char *field)
{
	if (field && !strcmp(field, "spec"))
		return 2;
	return !outline_group(field);
}

/*
 * The same fact twice: two entries backed by the same gold point, one
 * value (past any "Label:") inside the other, of the same kind or one of
 * them of any kind ("spec: Colour: black" beside "colour: black").  The
 * vaguer one counts as noise (backer -2): "spec", then a field of any
 * kind, then the shorter value, then the later entry.  A material that
 * is words of the product ("nylon" of "nylon cables") is not a duplicate.
 */
static void
dedupe_backing(const struct verdict *v, long *backer)
{
	size_t m, k;

	for (k = 0; k < v->nreq; k++)
		for (m = 0; m < k && backer[k] >= 0; m++) {
			unsigned gm = outline_group(v->req[m].field);
			unsigned gk = outline_group(v->req[k].field);
			int vm = vagueness(v->req[m].field);
			int vk = vagueness(v->req[k].field);
			char *a, *b;
			size_t la, lb;
			int dup;

			if (backer[m] != backer[k] || (gm && gk && gm != gk))
				continue;
			a = normalise(past_label(v->req[m].value));
			b = normalise(past_label(v->req[k].value));
			dup = contains_icase(a, b) || contains_icase(b, a);
			la = strlen(a);
			lb = strlen(b);
			free(a);
			free(b);
			if (!dup)
				continue;
			if (vm > vk || (vm == vk && la < lb))
				backer[m] = -2;
			else
				backer[k] = -2;
		}
}

/* --- the corpus ------------------------------------------------------ */

/* A .eml as a parsed message: the parse stage if linked, else the JSONL. */
static int
load_message(const char *path, json_t *rec, struct parsed_msg *pm,
    int *parsed, int verbose)
{
	struct buf raw = BUF_INIT(64u << 20);
	struct err e = ERR_INIT;
	const char *s;
	int rc = -1;

	*parsed = 0;
	if (buf_read_file(&raw, path)) {
		err_set_errno(&e, ERR_PERM, "cannot read it");
	} else if (!parse_message(raw.data, raw.len, NULL, pm, &e)) {
		*parsed = 1;
		rc = 0;
		goto out;
	} else {
		parsed_msg_release(pm);
	}
	/* The JSONL's text stands in (the report counts these). */
	memset(pm, 0, sizeof(*pm));
	if (!json_string_value(json_object_get(rec, "body"))) {
		fprintf(stderr, "inquiryd: '%s': %s, and the JSONL has no "
		    "body\n", path, e.msg);
		goto out;
	}
	if (verbose)
		fprintf(stderr, "inquiryd: '%s': %s; using the text of the "
		    "JSONL\n", path, e.msg);
	s = json_string_value(json_object_get(rec, "subject"));
	pm->subject = s ? xstrdup(s) : NULL;
	s = json_string_value(json_object_get(rec, "body"));
	pm->text = xstrdup(s ? s : "");
	pm->text_len = strlen(pm->text);
	s = json_string_value(json_object_get(json_object_get(rec, "eml"),
	    "from_header"));
	if (s) {
		const char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') :
		    NULL;

		if (lt && gt) {
			size_t nl = (size_t)(lt - s);

			while (nl > 0 && (s[nl - 1] == ' ' || s[nl - 1] == '"'))
				nl--;
			pm->from.name = nl ? xstrndup(s + (*s == '"'),
			    nl - (*s == '"')) : NULL;
			pm->from.addr = xstrndup(lt + 1, (size_t)(gt - lt - 1));
		} else {
			pm->from.addr = xstrdup(s);
		}
	}
	rc = 0;
out:
	buf_release(&raw);
	return rc;
}

static void
release_message(struct parsed_msg *pm, int parsed)
{
	if (parsed) {
		parsed_msg_release(pm);
		return;
	}
	free(pm->subject);
	free(pm->text);
	free(pm->from.name);
	free(pm->from.addr);
}

/* Seconds of the monotonic clock. */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Every match of rx in text, as a scan would find them. */
static unsigned
bare_matches(const struct rx *rx, const char *text, size_t len,
    struct rx_scratch *sc, unsigned max)
{
	size_t start = 0, s, e;
	unsigned n = 0;

	while (n < max && start <= len &&
	    rx_exec(rx, text, len, start, sc, NULL, 0) == RX_MATCH) {
		rx_group(sc, 0, &s, &e);
		n++;
		start = e > start ? e : s + 1;
	}
	return n;
}

/*
 * Classification throughput with the visible text already extracted,
 * beside the floor: the same compiled patterns run by JIT over the same
 * texts (subject, visible text, body) in a bare loop.  The best of
 * several runs of each is printed.
 */
static void
rules_bench(const struct ruleset *rs, struct bench_msg *m, size_t n,
    long rounds)
{
	struct rx_scratch *sc = rx_scratch_new(NULL, 64);
	double best_c = 1e30, best_f = 1e30, t;
	size_t nrules = ruleset_count(rs), i, k, bytes = 0, npat = 0;
	unsigned sink = 0;
	long r;
	int rep;

	for (i = 0; i < n; i++)
		bytes += m[i].pm.text_len;
	for (k = 0; k < nrules; k++)
		npat += rule_rx(ruleset_rule(rs, k)) != NULL;
	for (rep = 0; rep < 5; rep++) {
		t = now_s();
		for (r = 0; r < rounds; r++)
			for (i = 0; i < n; i++) {
				struct verdict v;

				classify_message(rs, &m[i].pm, m[i].has_sr ?
				    &m[i].sr : NULL, &v);
				sink += v.cls;
				verdict_release(&v);
			}
		t = now_s() - t;
		if (t < best_c)
			best_c = t;
		t = now_s();
		for (r = 0; r < rounds; r++)
			for (i = 0; i < n; i++) {
				const struct parsed_msg *pm = &m[i].pm;
				const char *vis = m[i].has_sr &&
				    m[i].sr.visible_text ?
				    m[i].sr.visible_text : pm->text;

				for (k = 0; k < nrules; k++) {
					const struct rule *ru =
					    ruleset_rule(rs, k);
					const struct rx *rx = rule_rx(ru);
					const char *txt;

					if (!rx)
						continue;
					if (!strcmp(ru->target, "subject"))
						txt = pm->subject;
					else if (!strcmp(ru->target, "visible"))
						txt = vis;
					else if (!strcmp(ru->target, "body") ||
					    !strcmp(ru->target, "any"))
						txt = pm->text;
					else
						continue;
					if (txt)
						sink += bare_matches(rx, txt,
						    strlen(txt), sc,
						    MAX(ru->max_hits,
						    ru->min_hits));
				}
			}
		t = now_s() - t;
		if (t < best_f)
			best_f = t;
	}
	printf("\nbenchmark: %zu messages (%.0f bytes on average), %zu "
	    "patterns, %ld rounds, best of 5\n", n, (double)bytes / n, npat,
	    rounds);
	printf("  classify: %.0f messages/s (%.3f ms each)\n",
	    rounds * n / best_c, best_c * 1e3 / (rounds * n));
	printf("  floor, the same patterns in a bare JIT loop: %.0f "
	    "messages/s (%.3f ms each)\n", rounds * n / best_f,
	    best_f * 1e3 / (rounds * n));
	printf("  classify / floor: %.2f\n", best_f / best_c);
	/* The costliest rules in classification, for whoever tunes them. */
	{
		uint64_t *ns = xcalloc(nrules + 1, sizeof(*ns));
		struct classify_opts co = CLASSIFY_OPTS_INIT;
		size_t top, b;

		co.rule_ns = ns;
		for (r = 0; r < rounds; r++)
			for (i = 0; i < n; i++) {
				struct verdict v;

				classify_message_opts(rs, &m[i].pm,
				    m[i].has_sr ? &m[i].sr : NULL, &co, &v);
				verdict_release(&v);
			}
		printf("  costliest rules in classification (microseconds "
		    "per message):\n");
		for (top = 0; top < 12; top++) {
			b = nrules;
			for (k = 0; k < nrules; k++)
				if (ns[k] && (b == nrules || ns[k] > ns[b]))
					b = k;
			if (b == nrules)
				break;
			printf("    %7.1f  %s (%s:%d)%s\n",
			    ns[b] / 1e3 / (rounds * n), ruleset_rule(rs, b)->id,
			    ruleset_rule(rs, b)->file,
			    ruleset_rule(rs, b)->line,
			    rule_prefilter(rs, ruleset_rule(rs, b), NULL,
			    NULL) ? "" :
			    "  (no prefilter)");
			ns[b] = 0;
		}
		free(ns);
	}
	printf("# figure: classify %.0f msg/s, floor %.0f msg/s, ratio %.2f\n",
	    rounds * n / best_c, rounds * n / best_f, best_f / best_c);
	rx_scratch_free(sc);
	(void)sink;
}

struct rule_count {
	const struct rule *r;
	unsigned n;
};

static double
ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static int
rules_test_main(const char *dir, const char *corpus,
    const struct test_opts *o)
{
	struct ruleset *rs = NULL;
	struct rule_count *counts = NULL;
	char *jsonl = NULL;
	FILE *fp = NULL;
	char *line = NULL;
	size_t lalloc = 0;
	ssize_t llen;
	unsigned conf[CLASS_COUNT][CLASS_COUNT] = { { 0 } };
	unsigned total = 0, right = 0, lenient = 0, lineno = 0;
	unsigned keys = 0, keys_found = 0, qs = 0, qs_found = 0;
	unsigned all_qs = 0, all_qs_found = 0, ndetailed = 0;
	unsigned entries = 0, entries_right = 0, nprec = 0;
	double recall_sum = 0, prec_sum = 0, f1 = 0, ms_total = 0;
	struct bench_msg *bm = NULL;
	size_t i, k, nrules, nbm = 0, abm = 0;
	unsigned parse_used = 0;
	int rc = EXIT_FAIL, c;

	if (load_rules(dir, &rs)) {
		rc = EXIT_USAGE;
		goto out;
	}
	nrules = ruleset_count(rs);
	counts = xcalloc(nrules + 1, sizeof(*counts));
	for (i = 0; i < nrules; i++)
		counts[i].r = ruleset_rule(rs, i);
	jsonl = xasprintf("%s/inquiries.jsonl", corpus);
	fp = fopen(jsonl, "r");
	if (!fp) {
		fprintf(stderr, "inquiryd: cannot open '%s': %s\n", jsonl,
		    strerror(errno));
		goto out;
	}
	while ((llen = getline(&line, &lalloc, fp)) >= 0) {
		json_error_t je;
		json_t *rec, *reqs, *gq;
		struct parsed_msg pm;
		struct sig_result sr, *srp = NULL;
		struct verdict v;
		const char *id, *label, *alt, *file;
		char *path;
		int gold, altc = -1, parsed = 0, is_detailed;
		size_t j;

		lineno++;
		if (str_blank(line))
			continue;
		if (llen > 16 * 1024 * 1024) {
			fprintf(stderr, "%s:%u: line too long\n", jsonl, lineno);
			goto out;
		}
		rec = json_loads(line, 0, &je);
		if (!rec) {
			fprintf(stderr, "%s:%u: %s\n", jsonl, lineno, je.text);
			goto out;
		}
		id = json_string_value(json_object_get(rec, "id"));
		label = json_string_value(json_object_get(rec, "label"));
		alt = json_string_value(json_object_get(rec, "alt_label"));
		file = json_string_value(json_object_get(json_object_get(rec,
		    "eml"), "file"));
		gold = label ? class_from_name(label) : -1;
		if (alt)
			altc = class_from_name(alt);
		if (!id || gold < 0 || !file) {
			fprintf(stderr, "%s:%u: a record needs id, label "
			    "(vague, detailed or spam) and eml.file\n", jsonl,
			    lineno);
			json_decref(rec);
			goto out;
		}
		path = xasprintf("%s/%s", corpus, file);
		if (load_message(path, rec, &pm, &parsed, o->verbose)) {
			free(path);
			json_decref(rec);
			goto out;
		}
		parse_used += parsed;
		if (parsed) {
			sig_analyse(rs, pm.text, &pm.from, &sr);
			srp = &sr;
		}
		classify_message(rs, &pm, srp, &v);
		ms_total += v.elapsed_ms;
		total++;
		conf[gold][v.cls]++;
		right += (int)v.cls == gold;
		lenient += (int)v.cls == gold || (int)v.cls == altc;
		for (j = 0; j < v.hits.n; j++) {
			for (k = 0; k < j; k++)
				if (v.hits.v[k].rule == v.hits.v[j].rule)
					break;
			if (k < j)
				continue;
			for (k = 0; k < nrules; k++)
				if (counts[k].r == v.hits.v[j].rule)
					counts[k].n++;
		}
		if (o->verbose)
			printf("%-10s gold %-8s got %-8s%s  "
			    "(v %g, d %g, s %g)\n",
			    id, label, class_name(v.cls),
			    (int)v.cls == gold ? "" : (int)v.cls == altc ?
			    "  ~alt" : "  WRONG", v.score[0], v.score[1],
			    v.score[2]);
		/* Outline and questions, scored on the detailed items. */
		is_detailed = gold == CLASS_DETAILED;
		ndetailed += is_detailed;
		reqs = json_object_get(rec, "requirements");
		{
			unsigned mk = 0, mf = 0;
			json_t *r;

			json_array_foreach(reqs, j, r) {
				const char *key = json_string_value(
				    json_object_get(r, "key"));
				char *nk;
				int found = 0;

				if (!key)
					key = json_string_value(
					    json_object_get(r, "value"));
				if (!key)
					continue;
				nk = normalise(key);
				for (k = 0; k < v.nreq && !found; k++) {
					char *nv = normalise(v.req[k].value);

					found = contains_icase(nv, nk);
					free(nv);
				}
				if (is_detailed) {
					mk++;
					mf += found;
				}
				if (o->verbose && is_detailed && !found)
					printf("    missed %s: %s\n",
					    json_string_value(json_object_get(
					    r, "field")), key);
				free(nk);
			}
			keys += mk;
			keys_found += mf;
			if (is_detailed)
				recall_sum += mk ? (double)mf / mk : 1;
		}
		/* Precision, on the detailed items that have gold points. */
		if (is_detailed && json_array_size(reqs) && v.nreq) {
			struct gold_req *g;
			long *backer;
			size_t ng = 0;
			unsigned ok = 0;
			json_t *r;

			g = xcalloc(json_array_size(reqs), sizeof(*g));
			backer = xcalloc(v.nreq, sizeof(*backer));
			json_array_foreach(reqs, j, r) {
				const char *gv = json_string_value(
				    json_object_get(r, "value"));
				const char *gk = json_string_value(
				    json_object_get(r, "key"));

				if (!gv && !gk)
					continue;
				g[ng].value = normalise(gv ? gv : gk);
				g[ng].key = normalise(gk ? gk : gv);
				g[ng].group = gold_group(json_string_value(
				    json_object_get(r, "field")));
				strlist_init(&g[ng].words);
				content_words(g[ng].value, &g[ng].words);
				ng++;
			}
			for (k = 0; k < v.nreq; k++) {
				char *nv = normalise(v.req[k].value);

				backer[k] = gold_backing(nv,
				    outline_group(v.req[k].field), g, ng);
				free(nv);
			}
			dedupe_backing(&v, backer);
			for (k = 0; k < v.nreq; k++) {
				ok += backer[k] >= 0;
				if (o->verbose && backer[k] < 0)
					printf("    %s %s: %s\n", backer[k] ==
					    -1 ? "noise" : "again",
					    v.req[k].field, v.req[k].value);
			}
			entries += (unsigned)v.nreq;
			entries_right += ok;
			prec_sum += (double)ok / (double)v.nreq;
			nprec++;
			for (k = 0; k < ng; k++) {
				free(g[k].value);
				free(g[k].key);
				strlist_release(&g[k].words);
			}
			free(g);
			free(backer);
		}
		gq = json_object_get(rec, "questions");
		{
			json_t *q;

			json_array_foreach(gq, j, q) {
				const char *gs = json_string_value(q);
				char *ng;
				int found = 0;

				if (!gs)
					continue;
				ng = normalise(gs);
				for (k = 0; k < v.questions.n && !found; k++) {
					char *nq = normalise(v.questions.v[k]);

					found = question_matches(ng, nq);
					free(nq);
				}
				all_qs++;
				all_qs_found += found;
				if (is_detailed) {
					qs++;
					qs_found += found;
				}
				if (o->verbose && !found)
					printf("    missed question: %s\n", gs);
				free(ng);
			}
		}
		if (o->verbose > 1) {
			classify_explain(stdout, &v);
			putchar('\n');
		}
		verdict_release(&v);
		if (o->bench) {
			GROW(bm, nbm + 1, abm);
			memset(&bm[nbm], 0, sizeof(bm[nbm]));
			bm[nbm].pm = pm;
			if (srp)
				bm[nbm].sr = sr;
			bm[nbm].has_sr = srp != NULL;
			bm[nbm].parsed = parsed;
			nbm++;
		} else {
			if (srp)
				sig_result_release(srp);
			release_message(&pm, parsed);
		}
		free(path);
		json_decref(rec);
	}
	if (!total) {
		fprintf(stderr, "inquiryd: no message in '%s'\n", jsonl);
		goto out;
	}

	printf("corpus: %s (%u messages", corpus, total);
	if (parse_used < total)
		printf("; %u read from the JSONL: their .eml did not parse",
		    total - parse_used);
	printf(")\n");
	printf("\nconfusion matrix (rows: gold, columns: predicted)\n");
	printf("%-10s %8s %8s %8s\n", "", "vague", "detailed", "spam");
	for (c = 0; c < CLASS_COUNT; c++)
		printf("%-10s %8u %8u %8u\n", class_name((enum iq_class)c),
		    conf[c][0], conf[c][1], conf[c][2]);
	printf("\n");
	for (c = 0; c < CLASS_COUNT; c++) {
		unsigned tp = conf[c][c], fp_ = 0, fn = 0;
		double p, r, f;

		for (k = 0; k < CLASS_COUNT; k++)
			if ((int)k != c) {
				fp_ += conf[k][c];
				fn += conf[c][k];
			}
		p = ratio(tp, tp + fp_);
		r = ratio(tp, tp + fn);
		f = p + r > 0 ? 2 * p * r / (p + r) : 0;
		f1 += f / CLASS_COUNT;
		printf("%-10s precision %.3f  recall %.3f  F1 %.3f\n",
		    class_name((enum iq_class)c), p, r, f);
	}
	printf("\naccuracy: %.3f (%u/%u)\n", ratio(right, total), right, total);
	printf("lenient accuracy: %.3f (%u/%u, alt_label accepted)\n",
	    ratio(lenient, total), lenient, total);
	printf("macro-F1: %.3f\n", f1);
	printf("outline recall (detailed): %.3f (%u/%u keys; per message "
	    "%.3f)\n", ratio(keys_found, keys), keys_found, keys,
	    ratio(recall_sum, ndetailed));
	printf("outline precision (detailed): %.3f (%u/%u entries; per "
	    "message %.3f)\n", entries ? ratio(entries_right, entries) : 1.0,
	    entries_right, entries, nprec ? ratio(prec_sum, nprec) : 1.0);
	printf("question recall (detailed): %.3f (%u/%u)\n",
	    qs ? ratio(qs_found, qs) : 1.0, qs_found, qs);
	printf("question recall (all): %.3f (%u/%u)\n",
	    all_qs ? ratio(all_qs_found, all_qs) : 1.0, all_qs_found, all_qs);
	printf("matching time: %.1f ms per message\n", ms_total / total);
	printf("\nrule hits (messages):\n");
	for (i = 0; i < nrules; i++)
		if (counts[i].n)
			printf("  %4u  %s\n", counts[i].n, counts[i].r->id);
	printf("\nrules that never fired:\n");
	for (i = k = 0; i < nrules; i++)
		if (!counts[i].n) {
			printf("  %s (%s:%d)\n", counts[i].r->id,
			    counts[i].r->file, counts[i].r->line);
			k++;
		}
	if (!k)
		printf("  (none)\n");
	rc = EXIT_OK;
	if (o->have_f1 && f1 < o->min_f1) {
		printf("\nmacro-F1 %.3f is below %.3f\n", f1, o->min_f1);
		rc = EXIT_FAIL;
	}
	if (o->have_outline && ratio(keys_found, keys) < o->min_outline) {
		printf("\noutline recall %.3f is below %.3f\n",
		    ratio(keys_found, keys), o->min_outline);
		rc = EXIT_FAIL;
	}
	if (o->have_precision && entries &&
	    ratio(entries_right, entries) < o->min_precision) {
		printf("\noutline precision %.3f is below %.3f\n",
		    ratio(entries_right, entries), o->min_precision);
		rc = EXIT_FAIL;
	}
	if (o->have_questions && qs && ratio(qs_found, qs) < o->min_questions) {
		printf("\nquestion recall %.3f is below %.3f\n",
		    ratio(qs_found, qs), o->min_questions);
		rc = EXIT_FAIL;
	}
	if (o->bench && nbm)
		rules_bench(rs, bm, nbm, o->bench);
out:
	for (i = 0; i < nbm; i++) {
		if (bm[i].has_sr)
			sig_result_release(&bm[i].sr);
		release_message(&bm[i].pm, bm[i].parsed);
	}
	free(bm);
	free(line);
	if (fp)
		fclose(fp);
	free(jsonl);
	free(counts);
	ruleset_free(rs);
	return rc;
}

static int
parse_fraction(const char *opt, const char *s, double *out)
{
	if (str_to_double(s, out) || *out < 0 || *out > 1) {
		fprintf(stderr, "inquiryd: %s wants a number from 0 to 1, not "
		    "'%s'\n", opt, s);
		return -1;
	}
	return 0;
}

static int
rules_test(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option longopts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "min-macro-f1", required_argument, NULL, 'm' },
		{ "min-outline-recall", required_argument, NULL, 'o' },
		{ "min-question-recall", required_argument, NULL, 'q' },
		{ "min-outline-precision", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "bench", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct test_opts o;
	const char *rules_arg = NULL;
	char *dir;
	int c, rc;

	memset(&o, 0, sizeof(o));
	o.verbose = g->verbose;
	optind = 0;	/* glibc: start afresh, permuting */
	while ((c = getopt_long(argc, argv, "r:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rules_arg = optarg;
			break;
		case 'm':
			if (parse_fraction("--min-macro-f1", optarg, &o.min_f1))
				return EXIT_USAGE;
			o.have_f1 = 1;
			break;
		case 'o':
			if (parse_fraction("--min-outline-recall", optarg,
			    &o.min_outline))
				return EXIT_USAGE;
			o.have_outline = 1;
			break;
		case 'q':
			if (parse_fraction("--min-question-recall", optarg,
			    &o.min_questions))
				return EXIT_USAGE;
			o.have_questions = 1;
			break;
		case 'p':
			if (parse_fraction("--min-outline-precision", optarg,
			    &o.min_precision))
				return EXIT_USAGE;
			o.have_precision = 1;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'b':
			if (str_to_long(optarg, 1, 100000, &o.bench)) {
				fprintf(stderr, "inquiryd: --bench wants a "
				    "number of rounds, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			return cmd_usage(usage_text, 1);
		}
	}
	if (argc - optind != 1)
		return cmd_usage(usage_text, 1);
	dir = pick_rules_dir(rules_arg, g, &rc);
	if (!dir)
		return rc;
	rc = rules_test_main(dir, argv[optind], &o);
	free(dir);
	return rc;
}

int
cmd_rules(int argc, char **argv, const struct cmd_global *g)
{
	if (cmd_wants_help(argc, argv))
		return cmd_usage(usage_text, 0);
	if (argc < 2)
		return cmd_usage(usage_text, 1);
	if (!strcmp(argv[1], "check"))
		return rules_check(argc - 1, argv + 1, g);
	if (!strcmp(argv[1], "test"))
		return rules_test(argc - 1, argv + 1, g);
	fprintf(stderr, "inquiryd: unknown 'rules' command '%s'\n", argv[1]);
	return cmd_usage(usage_text, 1);
}
