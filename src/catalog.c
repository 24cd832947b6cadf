/*
 * catalog.c - the product catalog: an RFC 4180 CSV reader that reports
 * every problem with its line, price tiers, and matching a customer's
 * words against our products.
 *
 * Matching works on tokens: the text is folded to lower case (ufold.c),
 * split on anything that is not a letter or digit, and English plurals
 * are stemmed on both sides, so "Power-Banks" and "power bank" meet.
 * Words of scripts written without spaces (Chinese, Japanese, Korean) are
 * found as substrings of the text with spaces and punctuation removed.
 */
#include <errno.h>
#include <math.h>

#include "buf.h"
#include "catalog.h"
#include "ufold.h"

enum col {
	COL_SKU,
	COL_NAME,
	COL_CATEGORY,
	COL_PRICES,
	COL_KEYWORDS,
	COL_MOQ,
	COL_UNIT,
	COL_LEAD_TIME,
	COL_CERTS,
	COL_PACKAGING,
	COL_SPEC,
	COL_IMAGE,
	COL_BEST_SELLER,
	COL_COUNT
};

/* The canonical column names, in enum order; the first four are required. */
static const char *const col_canon[COL_COUNT] = {
	"sku", "name", "category", "prices", "keywords", "moq", "unit",
	"lead_time", "certifications", "packaging", "spec", "image",
	"best_seller",
};
#define COL_REQUIRED 4

static const struct {
	const char *name;
	enum col col;
} col_alias[] = {
	{ "price_tiers", COL_PRICES },
	{ "price", COL_PRICES },
	{ "keyword", COL_KEYWORDS },
	{ "leadtime", COL_LEAD_TIME },
	{ "certification", COL_CERTS },
	{ "specification", COL_SPEC },
	{ "photo", COL_IMAGE },
	{ "bestseller", COL_BEST_SELLER },
};

struct csv {
	const char *name;	/* for messages */
	const char *p, *end;
	int line;		/* line of p */
	struct strlist *errors;
	size_t nerrors;
	int bad;		/* an error was reported */
	int stop;		/* too many errors, or no way to go on */
};

static void ATTR_PRINTF(3, 4)
csv_error(struct csv *c, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	c->bad = 1;
	if (c->stop)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		strlist_pushf(c->errors, "%s:%d: %s", c->name, line, msg);
	else
		strlist_pushf(c->errors, "%s: %s", c->name, msg);
	free(msg);
	if (++c->nerrors >= CATALOG_MAX_ERRORS) {
		strlist_pushf(c->errors, "%s: too many errors, giving up",
		    c->name);
		c->stop = 1;
	}
}

/* Skips blank lines and '#' comment lines before a record. */
static void
csv_skip_comments(struct csv *c)
{
	const char *q;

	while (c->p < c->end) {
		q = c->p;
		while (q < c->end && (*q == ' ' || *q == '\t'))
			q++;
		if (q < c->end && *q != '#' && *q != '\r' && *q != '\n')
			return;
		if (q < c->end && *q == '#')
			while (q < c->end && *q != '\r' && *q != '\n')
				q++;
		if (q < c->end && *q == '\r')
			q++;
		if (q < c->end && *q == '\n')
			q++;
		c->p = q;
		c->line++;
	}
}

/*
 * Reads one record into fields (trimmed).  Returns 1 when a record was
 * read (*rec_bad set when it had a syntax error, already reported), 0 at
 * the end of the input, -1 when the input cannot be read further.
 */
static int
csv_record(struct csv *c, struct strlist *fields, int *rec_line,
    int *rec_bad)
{
	struct buf f = BUF_INIT(CATALOG_MAX_FIELD);
	const char *p;
	int rc = 1;

	strlist_release(fields);
	*rec_bad = 0;
	csv_skip_comments(c);
	if (c->p >= c->end)
		return 0;
	*rec_line = c->line;
	p = c->p;
	for (;;) {
		buf_reset(&f);
		while (p < c->end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < c->end && *p == '"') {
			p++;
			for (;;) {
				if (p >= c->end) {
					csv_error(c, *rec_line, "unterminated "
					    "quoted field (a '\"' is missing)");
					rc = -1;
					goto out;
				}
				if (*p == '"') {
					if (p + 1 < c->end && p[1] == '"') {
						buf_addch(&f, '"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				if (*p == '\n' || (*p == '\r' &&
				    !(p + 1 < c->end && p[1] == '\n')))
					c->line++;
				if (*p != '\r')
					buf_addch(&f, *p);
				else if (!(p + 1 < c->end && p[1] == '\n'))
					buf_addch(&f, '\n');
				p++;
			}
			while (p < c->end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < c->end && *p != ',' && *p != '\r' &&
			    *p != '\n') {
				csv_error(c, c->line, "text after a closing "
				    "quote (double a '\"' inside a quoted "
				    "field)");
				*rec_bad = 1;
				while (p < c->end && *p != ',' && *p != '\r' &&
				    *p != '\n')
					p++;
			}
		} else {
			/* An unquoted field may hold a '"' (7" case). */
			while (p < c->end && *p != ',' && *p != '\r' &&
			    *p != '\n') {
				buf_addch(&f, *p);
				p++;
			}
		}
		if (memchr(f.data, '\0', f.len) && !*rec_bad) {
			csv_error(c, c->line, "NUL byte in a field");
			*rec_bad = 1;
		}
		if (f.overflow && !*rec_bad) {
			csv_error(c, *rec_line, "field longer than %u bytes",
			    CATALOG_MAX_FIELD);
			*rec_bad = 1;
		}
		if (fields->n >= CATALOG_MAX_COLUMNS) {
			if (!*rec_bad)
				csv_error(c, *rec_line, "more than %d fields",
				    CATALOG_MAX_COLUMNS);
			*rec_bad = 1;
		} else {
			strlist_push(fields, str_trim(f.data));
		}
		if (p < c->end && *p == ',') {
			p++;
			continue;
		}
		break;
	}
	if (p < c->end && *p == '\r')
		p++;
	if (p < c->end && *p == '\n')
		p++;
	c->line++;
out:
	c->p = p;
	buf_release(&f);
	return rc;
}

void
catalog_init(struct catalog *cat)
{
	cat->path = NULL;
	cat->v = NULL;
	cat->n = 0;
	strlist_init(&cat->categories);
}

static void
product_release(struct product *p)
{
	free(p->sku);
	free(p->name);
	free(p->category);
	strlist_release(&p->keywords);
	free(p->tiers);
	free(p->unit);
	free(p->lead_time);
	free(p->certifications);
	free(p->packaging);
	free(p->spec);
	free(p->image);
	memset(p, 0, sizeof(*p));
}

void
catalog_release(struct catalog *cat)
{
	size_t i;

	for (i = 0; i < cat->n; i++)
		product_release(&cat->v[i]);
	free(cat->v);
	free(cat->path);
	strlist_release(&cat->categories);
	catalog_init(cat);
}

/* A column name as written: lowercased, blanks and '-' as '_'. */
static int
column_of(const char *raw)
{
	char *s = xstrdup(raw), *q;
	int col = -1;
	size_t i;

	str_lower(s);
	for (q = s; *q; q++)
		if (*q == ' ' || *q == '-')
			*q = '_';
	for (i = 0; i < COL_COUNT; i++)
		if (!strcmp(s, col_canon[i]))
			col = (int)i;
	for (i = 0; col < 0 && i < ARRAY_SIZE(col_alias); i++)
		if (!strcmp(s, col_alias[i].name))
			col = (int)col_alias[i].col;
	free(s);
	return col;
}

static int
header_map(struct csv *c, const struct strlist *h, int line, int *map,
    int *have)
{
	size_t i;
	int col;

	for (i = 0; i < COL_COUNT; i++)
		have[i] = -1;
	for (i = 0; i < h->n; i++) {
		map[i] = -1;
		if (!*h->v[i]) {
			csv_error(c, line, "column %zu has no name", i + 1);
			continue;
		}
		if (!utf8_valid(h->v[i], strlen(h->v[i]))) {
			csv_error(c, line, "column %zu: invalid UTF-8", i + 1);
			continue;
		}
		col = column_of(h->v[i]);
		if (col < 0) {
			csv_error(c, line, "unknown column '%s' (known: sku, "
			    "name, category, prices, keywords, moq, unit, "
			    "lead_time, certifications, packaging, spec, "
			    "image, best_seller)", h->v[i]);
			continue;
		}
		if (have[col] >= 0) {
			csv_error(c, line, "column '%s' given twice "
			    "(columns %d and %zu)", col_canon[col],
			    have[col] + 1, i + 1);
			continue;
		}
		have[col] = (int)i;
		map[i] = col;
	}
	for (i = 0; i < COL_REQUIRED; i++)
		if (have[i] < 0)
			csv_error(c, line, "missing required column '%s'",
			    col_canon[i]);
	return c->bad ? -1 : 0;
}

/* A plain decimal number: digits with at most one '.', no sign. */
static int
parse_money(const char *s, double *out)
{
	const char *q;
	int dots = 0, digits = 0;

	for (q = s; *q; q++) {
		if (*q == '.')
			dots++;
		else if (*q >= '0' && *q <= '9')
			digits++;
		else
			return -1;
	}
	if (!digits || dots > 1 || str_to_double(s, out) || !isfinite(*out))
		return -1;
	return *out > 0 && *out < 1e9 ? 0 : -1;
}

static int
parse_tiers(struct csv *c, int line, const char *s, struct product *p)
{
	char *copy = xstrdup(s), *part, *save = NULL, *colon;
	struct price_tier t, *v = NULL;
	size_t n = 0, alloc = 0, i, j;
	int rc = 0, single = 0;

	for (part = strtok_r(copy, ";|", &save); part;
	    part = strtok_r(NULL, ";|", &save)) {
		str_trim(part);
		if (!*part)
			continue;
		colon = strchr(part, ':');
		if (colon) {
			*colon = '\0';
			str_trim(part);
			if (str_to_long(part, 1, 1000000000L, &t.min_qty) ||
			    parse_money(str_trim(colon + 1), &t.price)) {
				*colon = ':';
				csv_error(c, line, "bad price tier '%s' in "
				    "prices (want QTY:PRICE;..., e.g. "
				    "100:12.50;500:11.20)", part);
				rc = -1;
				continue;
			}
		} else {
			if (parse_money(part, &t.price)) {
				csv_error(c, line, "bad price '%s' in prices "
				    "(want QTY:PRICE;..., e.g. "
				    "100:12.50;500:11.20)", part);
				rc = -1;
				continue;
			}
			t.min_qty = 0;	/* from the MOQ */
			single++;
		}
		if (n >= CATALOG_MAX_TIERS) {
			csv_error(c, line, "more than %d price tiers",
			    CATALOG_MAX_TIERS);
			rc = -1;
			break;
		}
		for (i = 0; i < n; i++)
			if (v[i].min_qty == t.min_qty)
				break;
		if (i < n) {
			csv_error(c, line, "two prices for quantity %ld in "
			    "prices", t.min_qty);
			rc = -1;
			continue;
		}
		GROW(v, n + 1, alloc);
		v[n++] = t;
	}
	if (!rc && !n) {
		csv_error(c, line, "no price in prices");
		rc = -1;
	}
	if (!rc && single && n > 1) {
		csv_error(c, line, "a price without a quantity among "
		    "several tiers (write QTY:PRICE for each)");
		rc = -1;
	}
	/* Insertion sort by quantity: a handful of tiers. */
	for (i = 1; !rc && i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && v[j - 1].min_qty > t.min_qty; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
	free(copy);
	if (rc) {
		free(v);
		return -1;
	}
	p->tiers = v;
	p->ntiers = n;
	return 0;
}

static void
parse_keywords(const char *s, struct strlist *out)
{
	char *copy = xstrdup(s), *part, *save = NULL, *low;

	for (part = strtok_r(copy, ";", &save); part;
	    part = strtok_r(NULL, ";", &save)) {
		str_trim(part);
		if (!*part)
			continue;
		low = ufold_lower(part);
		if (strlist_find(out, low, 0) < 0)
			strlist_push_owned(out, low);
		else
			free(low);
	}
	free(copy);
}

static char *
opt_field(char **f, size_t nf, const int *have, enum col col)
{
	int i = have[col];

	if (i < 0 || (size_t)i >= nf || !*f[i])
		return NULL;
	return xstrdup(f[i]);
}

static const char *
field(char **f, size_t nf, const int *have, enum col col)
{
	int i = have[col];

	if (i < 0 || (size_t)i >= nf)
		return "";
	return f[i];
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static void
add_category(struct catalog *cat, struct product *p)
{
	char *low = ufold_lower(p->category), *other;
	size_t i;

	for (i = 0; i < cat->categories.n; i++) {
		other = ufold_lower(cat->categories.v[i]);
		if (!strcmp(low, other)) {
			free(other);
			free(p->category);
			p->category = xstrdup(cat->categories.v[i]);
			free(low);
			return;
		}
		free(other);
	}
	free(low);
	strlist_push(&cat->categories, p->category);
}

/* Checks one data record and appends it as a product; -1 if it is bad. */
static int
add_row(struct csv *c, struct catalog *cat, int line,
    const struct strlist *rec, size_t ncols, const int *have,
    const char *basedir)
{
	struct product p;
	const char *s;
	char **f = rec->v;
	size_t nf = rec->n, i;
	int bad = 0, b;
	long moq;

	memset(&p, 0, sizeof(p));
	strlist_init(&p.keywords);
	p.line = line;
	if (nf < ncols) {
		csv_error(c, line, "%zu fields, the header has %zu", nf, ncols);
		return -1;
	}
	for (i = ncols; i < nf; i++) {
		if (*f[i]) {
			csv_error(c, line, "%zu fields, the header has %zu",
			    nf, ncols);
			return -1;
		}
	}
	for (i = 0; i < ncols; i++) {
		if (!utf8_valid(f[i], strlen(f[i]))) {
			csv_error(c, line, "invalid UTF-8 in field %zu "
			    "(save the file as UTF-8)", i + 1);
			return -1;
		}
	}
	for (i = 0; i < COL_REQUIRED; i++) {
		if (!*field(f, nf, have, (enum col)i)) {
			csv_error(c, line, "missing %s", col_canon[i]);
			bad = 1;
		}
	}
	s = field(f, nf, have, COL_SKU);
	if (strlen(s) > 64) {
		csv_error(c, line, "sku longer than 64 bytes");
		bad = 1;
	}
	s = field(f, nf, have, COL_PRICES);
	if (*s && parse_tiers(c, line, s, &p))
		bad = 1;
	moq = 0;
	s = field(f, nf, have, COL_MOQ);
	if (*s && str_to_long(s, 1, 1000000000L, &moq)) {
		csv_error(c, line, "bad moq '%s' (want a whole number of "
		    "units)", s);
		bad = 1;
	}
	b = 0;
	s = field(f, nf, have, COL_BEST_SELLER);
	if (*s) {
		b = str_to_bool(s);
		if (!strcasecmp(s, "y"))
			b = 1;
		else if (!strcasecmp(s, "n"))
			b = 0;
		if (b < 0) {
			csv_error(c, line, "bad best_seller '%s' (want yes "
			    "or no)", s);
			bad = 1;
		}
	}
	if (bad) {
		product_release(&p);
		return -1;
	}
	p.sku = xstrdup(field(f, nf, have, COL_SKU));
	p.name = xstrdup(field(f, nf, have, COL_NAME));
	p.category = xstrdup(field(f, nf, have, COL_CATEGORY));
	parse_keywords(field(f, nf, have, COL_KEYWORDS), &p.keywords);
	if (!moq)
		moq = p.tiers[0].min_qty ? p.tiers[0].min_qty : 1;
	if (!p.tiers[0].min_qty)
		p.tiers[0].min_qty = moq;
	p.moq = moq;
	p.unit = opt_field(f, nf, have, COL_UNIT);
	if (!p.unit)
		p.unit = xstrdup("pcs");
	p.lead_time = opt_field(f, nf, have, COL_LEAD_TIME);
	p.certifications = opt_field(f, nf, have, COL_CERTS);
	p.packaging = opt_field(f, nf, have, COL_PACKAGING);
	p.spec = opt_field(f, nf, have, COL_SPEC);
	s = field(f, nf, have, COL_IMAGE);
	if (*s)
		p.image = s[0] == '/' ? xstrdup(s) :
		    xasprintf("%s/%s", basedir, s);
	p.best_seller = b > 0;
	add_category(cat, &p);
	if (cat->n >= CATALOG_MAX_PRODUCTS) {
		csv_error(c, line, "more than %d products",
		    CATALOG_MAX_PRODUCTS);
		c->stop = 1;
		product_release(&p);
		return -1;
	}
	cat->v = xrealloc(cat->v, (cat->n + 1) * sizeof(*cat->v));
	cat->v[cat->n++] = p;
	return 0;
}

struct sku_key {
	char *low;
	size_t idx;
};

static int
sku_cmp(const void *a, const void *b)
{
	const struct sku_key *x = a, *y = b;
	int d = strcmp(x->low, y->low);

	if (d)
		return d;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static void
check_duplicates(struct csv *c, struct catalog *cat)
{
	struct sku_key *k = xcalloc(cat->n ? cat->n : 1, sizeof(*k));
	size_t i, first = 0;

	for (i = 0; i < cat->n; i++) {
		k[i].low = ufold_lower(cat->v[i].sku);
		k[i].idx = i;
	}
	qsort(k, cat->n, sizeof(*k), sku_cmp);
	for (i = 0; i < cat->n; i++) {
		if (i > 0 && !strcmp(k[i].low, k[i - 1].low))
			csv_error(c, cat->v[k[i].idx].line, "duplicate SKU "
			    "'%s' (first on line %d)", cat->v[k[i].idx].sku,
			    cat->v[k[first].idx].line);
		else
			first = i;
	}
	for (i = 0; i < cat->n; i++)
		free(k[i].low);
	free(k);
}

int
catalog_parse(struct catalog *cat, const char *name, const char *data,
    size_t len, struct strlist *errors)
{
	struct csv c;
	struct strlist rec = STRLIST_INIT;
	int have[COL_COUNT], *map = NULL, line = 0, r, rec_bad;
	char *basedir = dir_of(name);
	size_t ncols = 0;

	catalog_init(cat);
	memset(&c, 0, sizeof(c));
	c.name = name;
	c.errors = errors;
	c.line = 1;
	if (len > CATALOG_MAX_FILE) {
		csv_error(&c, 0, "larger than %u bytes", CATALOG_MAX_FILE);
		goto out;
	}
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
		data += 3;
		len -= 3;
	}
	c.p = data;
	c.end = data + len;
	r = csv_record(&c, &rec, &line, &rec_bad);
	if (r <= 0 || rec_bad) {
		if (r == 0)
			csv_error(&c, 0, "no header row (e.g. "
			    "sku,name,category,prices,moq,best_seller)");
		goto out;
	}
	ncols = rec.n;
	map = xcalloc(ncols, sizeof(*map));
	if (header_map(&c, &rec, line, map, have))
		goto out;
	while (!c.stop && (r = csv_record(&c, &rec, &line, &rec_bad)) > 0) {
		if (rec_bad)
			continue;
		add_row(&c, cat, line, &rec, ncols, have, basedir);
	}
	check_duplicates(&c, cat);
	if (!c.bad && !cat->n)
		csv_error(&c, 0, "no products (one row per product after the "
		    "header)");
out:
	free(map);
	free(basedir);
	strlist_release(&rec);
	if (c.bad) {
		catalog_release(cat);
		return -1;
	}
	cat->path = xstrdup(name);
	return 0;
}

int
catalog_load(struct catalog *cat, const char *path, struct strlist *errors)
{
	struct buf b = BUF_INIT(CATALOG_MAX_FILE);
	int rc;

	catalog_init(cat);
	if (buf_read_file(&b, path)) {
		if (errno == EFBIG)
			strlist_pushf(errors, "%s: larger than %u bytes", path,
			    CATALOG_MAX_FILE);
		else
			strlist_pushf(errors, "%s: cannot read: %s", path,
			    strerror(errno));
		buf_release(&b);
		return -1;
	}
	rc = catalog_parse(cat, path, b.data, b.len, errors);
	buf_release(&b);
	return rc;
}

double
product_price(const struct product *p, long qty)
{
	size_t i;
	double price;

	if (!p->ntiers)
		return 0;
	price = p->tiers[0].price;
	for (i = 1; i < p->ntiers; i++)
		if (p->tiers[i].min_qty <= qty)
			price = p->tiers[i].price;
	return price;
}

/* Matching. */

#define MATCH_MAX_TEXT	(64u << 10)
#define MATCH_MAX_TOKENS 4096

/* Plural words whose singular reads wrong on a title. */
static const char *const keep_plural[] = {
	"glasses", "sunglasses", "series", "species", "news", "electronics",
	"goods", "clothes", "scissors", "jeans", "pants", "trousers",
	"shorts", "headquarters", "means", "always", "pliers", "tongs",
};

/*
 * The length of the singular of word (len bytes, ASCII lowercase letters)
 * by the English rules: batteries -> battery (returned as the length of
 * "batter" plus a flag in *y), boxes -> box, cases -> case, bags -> bag.
 */
static size_t
stem_len(const char *w, size_t len, int *y)
{
	*y = 0;
	if (len <= 3 || w[len - 1] != 's')
		return len;
	if (len > 4 && !memcmp(w + len - 3, "ies", 3)) {
		*y = 1;
		return len - 3;
	}
	if (!memcmp(w + len - 2, "ss", 2) || !memcmp(w + len - 2, "us", 2) ||
	    !memcmp(w + len - 2, "is", 2))
		return len;
	if (len > 4 && (!memcmp(w + len - 4, "sses", 4) ||
	    !memcmp(w + len - 4, "ches", 4) ||
	    !memcmp(w + len - 4, "shes", 4) ||
	    !memcmp(w + len - 3, "xes", 3) ||
	    !memcmp(w + len - 4, "zzes", 4)))
		return len - 2;
	return len - 1;
}

static int
ascii_alpha(const char *w, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' &&
		    w[i] <= 'Z')))
			return 0;
	return len > 0;
}

/*
 * Russian (lowercase Cyrillic) nouns: the final vowel of the case and
 * number endings goes, so колонка and колонки meet.  Crude, but applied
 * to both sides of a match.
 */
static size_t
stem_cyrillic(const char *w, size_t len)
{
	size_t i = 0, n = 0, last = 0;
	uint32_t cp = 0;

	while (i < len) {
		last = i;
		i += utf8_decode(w + i, len - i, &cp);
		if (cp < 0x0430 || cp > 0x045F)
			return len;
		n++;
	}
	if (n > 4 && (cp == 0x0430 || cp == 0x044F || cp == 0x044B ||
	    cp == 0x0438 || cp == 0x043E || cp == 0x0435 || cp == 0x0443 ||
	    cp == 0x044E))	/* а я ы и о е у ю */
		return last;
	return len;
}

static char *
stem_word(const char *w, size_t len)
{
	size_t n;
	int y;
	char *s;

	if (!ascii_alpha(w, len))
		return xstrndup(w, stem_cyrillic(w, len));
	n = stem_len(w, len, &y);
	/* A singular in -ie meets its plural in -ies, which the English
	 * rule turned into -y: beanie, beanies; parapluie, parapluies. */
	if (!y && n > 3 && w[n - 2] == 'i' && w[n - 1] == 'e') {
		n -= 2;
		y = 1;
	}
	if (!y)
		return xstrndup(w, n);
	s = xmalloc(n + 2);
	memcpy(s, w, n);
	s[n] = 'y';
	s[n + 1] = '\0';
	return s;
}

char *
catalog_singular(const char *phrase)
{
	size_t len = strlen(phrase), start, n, i;
	char *low, *out;
	int y;

	while (len && (phrase[len - 1] == ' ' || phrase[len - 1] == '\t'))
		len--;
	start = len;
	while (start && phrase[start - 1] != ' ' && phrase[start - 1] != '-')
		start--;
	low = xstrndup(phrase + start, len - start);
	str_lower(low);
	for (i = 0; i < ARRAY_SIZE(keep_plural); i++)
		if (!strcmp(low, keep_plural[i]))
			break;
	if (i < ARRAY_SIZE(keep_plural) || !ascii_alpha(low, len - start)) {
		free(low);
		return xstrndup(phrase, len);
	}
	n = stem_len(low, len - start, &y);
	free(low);
	out = xmalloc(start + n + 2);
	memcpy(out, phrase, start + n);
	out[start + n] = '\0';
	if (y) {
		/* Keep the case of the word: BATTERIES -> BATTERY. */
		int upper = n && phrase[start + n - 1] >= 'A' &&
		    phrase[start + n - 1] <= 'Z';

		out[start + n] = upper ? 'Y' : 'y';
		out[start + n + 1] = '\0';
	}
	return out;
}

/* A text as stemmed tokens, and as letters only for CJK searches. */
struct toks {
	struct strlist t;
	struct buf flat;	/* folded letters and digits, no spaces */
	int cjk;		/* has CJK characters */
	size_t *ix;		/* owned, or NULL: token positions sorted by
				 * token, then position (toks_index) */
};

static void
toks_init(struct toks *k)
{
	strlist_init(&k->t);
	buf_init(&k->flat, SIZE_MAX);
	k->cjk = 0;
	k->ix = NULL;
}

static void
toks_release(struct toks *k)
{
	strlist_release(&k->t);
	buf_release(&k->flat);
	FREE_AND_NULL(k->ix);
}

static void
toks_flush(struct toks *k, struct buf *cur)
{
	if (!cur->len)
		return;
	if (k->t.n < MATCH_MAX_TOKENS)
		strlist_push_owned(&k->t, stem_word(cur->data, cur->len));
	buf_reset(cur);
}

static void
toks_make(struct toks *k, const char *s)
{
	struct buf cur = BUF_INIT(SIZE_MAX);
	size_t len = strlen(s), i = 0;
	uint32_t cp;
	char enc[4];
	size_t n;
	int cjk, cur_cjk = 0;

	toks_init(k);
	if (len > MATCH_MAX_TEXT)
		len = utf8_prefix(s, SIZE_MAX, MATCH_MAX_TEXT);
	while (i < len) {
		i += utf8_decode(s + i, len - i, &cp);
		if (!ufold_is_word(cp)) {
			toks_flush(k, &cur);
			continue;
		}
		cp = ufold_lower_cp(cp);
		cjk = ufold_is_cjk(cp);
		if (cur.len && cjk != cur_cjk)
			toks_flush(k, &cur);
		cur_cjk = cjk;
		k->cjk |= cjk;
		n = utf8_encode(cp, enc);
		buf_add(&cur, enc, n);
		buf_add(&k->flat, enc, n);
	}
	toks_flush(k, &cur);
	buf_release(&cur);
}

/* Joins tokens [from, from + n) of t without spaces. */
static char *
toks_join(const struct strlist *t, size_t from, size_t n)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	size_t i;

	for (i = from; i < from + n && i < t->n; i++)
		buf_addstr(&b, t->v[i]);
	return buf_detach(&b, NULL);
}

/*
 * An index of a long text's tokens, so that matching a whole catalog
 * against it looks each term up instead of walking every token for every
 * term of every product: the positions 0..n-1 sorted by their token
 * (strcmp order), then by position.  Lookups give the same first
 * position the walk would.
 */
static const struct toks *ix_sorting;

static int
ix_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = strcmp(ix_sorting->t.v[x], ix_sorting->t.v[y]);

	if (r)
		return r;
	return x < y ? -1 : x > y;
}

static void
toks_index(struct toks *k)
{
	size_t i;

	FREE_AND_NULL(k->ix);
	k->ix = xcalloc(k->t.n ? k->t.n : 1, sizeof(*k->ix));
	for (i = 0; i < k->t.n; i++)
		k->ix[i] = i;
	ix_sorting = k;
	qsort(k->ix, k->t.n, sizeof(*k->ix), ix_cmp);
	ix_sorting = NULL;
}

/* strcmp of token tok with the first wlen bytes of w (no NUL among them). */
static int
ix_cmp_n(const char *tok, const char *w, size_t wlen)
{
	int r = strncmp(tok, w, wlen);

	if (r)
		return r;
	return tok[wlen] != '\0';
}

/* The first index slot whose token is not below w[0..wlen). */
static size_t
ix_lower(const struct toks *k, const char *w, size_t wlen)
{
	size_t lo = 0, hi = k->t.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix_cmp_n(k->t.v[k->ix[mid]], w, wlen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* toks_find on an indexed text: the same answers, by lookups. */
static int
toks_find_ix(const struct toks *text, const struct toks *term, size_t *at,
    size_t *len)
{
	size_t i, j, s, n = term->t.n, best = SIZE_MAX, wlen;
	const char *w = term->t.v[0];
	char *glued;

	for (s = ix_lower(text, w, strlen(w)); s < text->t.n &&
	    !strcmp(text->t.v[text->ix[s]], w); s++) {
		i = text->ix[s];
		if (i + n > text->t.n)
			break;
		for (j = 1; j < n; j++)
			if (strcmp(text->t.v[i + j], term->t.v[j]))
				break;
		if (j == n) {
			*at = i;
			*len = n;
			return 1;
		}
	}
	if (n > 1) {
		glued = toks_join(&term->t, 0, n);
		s = ix_lower(text, glued, strlen(glued));
		if (s < text->t.n && !strcmp(text->t.v[text->ix[s]], glued)) {
			*at = text->ix[s];
			*len = 1;
		}
		free(glued);
		return *len != 0;
	}
	wlen = strlen(w);
	if (wlen < 6)
		return 0;
	/* Two tokens in a row that make w: try every split of w. */
	for (j = 0; j <= wlen; j++) {
		for (s = ix_lower(text, w, j); s < text->t.n &&
		    !ix_cmp_n(text->t.v[text->ix[s]], w, j); s++) {
			i = text->ix[s];
			if (i + 1 >= text->t.n || i >= best)
				break;
			if (!strcmp(text->t.v[i + 1], w + j)) {
				best = i;
				break;
			}
		}
	}
	if (best == SIZE_MAX)
		return 0;
	*at = best;
	*len = 2;
	return 1;
}

/*
 * Where the text holds the phrase (its tokens in a row, or glued): the
 * first text token in *at and how many in *n (*n is 0 for a match inside
 * a CJK run).  Returns 1 if found.
 */
static int
toks_find(const struct toks *text, const struct toks *term, size_t *at,
    size_t *len)
{
	size_t i, j, n = term->t.n;
	char *glued;
	int found = 0;

	*at = 0;
	*len = 0;
	if (!n)
		return 0;
	if (term->cjk)
		return text->flat.len && strstr(text->flat.data,
		    term->flat.data) != NULL;
	if (text->ix)
		return toks_find_ix(text, term, at, len);
	for (i = 0; i + n <= text->t.n && !found; i++) {
		for (j = 0; j < n; j++)
			if (strcmp(text->t.v[i + j], term->t.v[j]))
				break;
		if (j == n) {
			found = 1;
			*at = i;
			*len = n;
		}
	}
	if (found)
		return 1;
	if (n > 1) {
		/* "powerbank" for "power bank" */
		glued = toks_join(&term->t, 0, n);
		for (i = 0; i < text->t.n && !found; i++) {
			if (!strcmp(text->t.v[i], glued)) {
				found = 1;
				*at = i;
				*len = 1;
			}
		}
		free(glued);
	} else if (strlen(term->t.v[0]) >= 6) {
		/* "power bank" for "powerbank" */
		for (i = 0; i + 1 < text->t.n && !found; i++) {
			glued = toks_join(&text->t, i, 2);
			if (!strcmp(glued, term->t.v[0])) {
				found = 1;
				*at = i;
				*len = 2;
			}
			free(glued);
		}
	}
	return found;
}

static int
toks_has(const struct toks *text, const struct toks *term)
{
	size_t at, len;

	return toks_find(text, term, &at, &len);
}

/*
 * Finds phrase in the text; marks the text tokens it covers in cover
 * (one flag per text token).  Returns 1 if found, *ntok the phrase's
 * token count.
 */
static int
match_phrase(const struct toks *text, const char *phrase, size_t *ntok,
    unsigned char *cover, int *cjk_hit)
{
	struct toks term;
	size_t at, len, i;
	int found;

	toks_make(&term, phrase);
	*ntok = term.t.n;
	found = toks_find(text, &term, &at, &len);
	if (found && term.cjk)
		*cjk_hit = 1;
	for (i = at; found && i < at + len; i++)
		cover[i] = 1;
	toks_release(&term);
	return found;
}

static const char *const stop_words[] = {
	"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with",
	"pc", "pcs", "set",
};

static int
is_stop(const char *w)
{
	size_t i;

	if (strlen(w) < 2)
		return 1;
	for (i = 0; i < ARRAY_SIZE(stop_words); i++)
		if (!strcmp(w, stop_words[i]))
			return 1;
	return 0;
}

/* Name words present anywhere in the text, when most of them are. */
static int
partial_name(const struct toks *text, const char *name)
{
	struct toks nm;
	size_t i, j, want = 0, got = 0;

	toks_make(&nm, name);
	for (i = 0; i < nm.t.n; i++) {
		if (is_stop(nm.t.v[i]))
			continue;
		want++;
		if (text->ix) {
			j = ix_lower(text, nm.t.v[i], strlen(nm.t.v[i]));
			got += j < text->t.n &&
			    !strcmp(text->t.v[text->ix[j]], nm.t.v[i]);
			continue;
		}
		for (j = 0; j < text->t.n; j++)
			if (!strcmp(nm.t.v[i], text->t.v[j]))
				break;
		got += j < text->t.n;
	}
	toks_release(&nm);
	if (got >= 2 && got * 3 >= want * 2)
		return (int)got * 8;
	return 0;
}

static int
in_toks(const struct toks *k, const char *w)
{
	size_t i;

	for (i = 0; i < k->t.n; i++)
		if (!strcmp(k->t.v[i], w))
			return 1;
	return 0;
}

/*
 * Words of the text not yet explained that appear among the product's
 * name and keyword words: "waterproof bluetooth speaker" prefers the
 * waterproof one.  Each distinct word counts once.
 */
static int
vocabulary_hits(const struct toks *text, const struct product *p,
    const unsigned char *cover)
{
	struct toks voc, seen;
	struct buf all = BUF_INIT(SIZE_MAX);
	size_t i;
	int hits = 0;

	buf_addstr(&all, p->name);
	for (i = 0; i < p->keywords.n; i++) {
		buf_addch(&all, ' ');
		buf_addstr(&all, p->keywords.v[i]);
	}
	toks_make(&voc, all.data);
	toks_init(&seen);
	for (i = 0; i < text->t.n; i++) {
		if (cover[i] || is_stop(text->t.v[i]) ||
		    in_toks(&seen, text->t.v[i]) ||
		    !in_toks(&voc, text->t.v[i]))
			continue;
		strlist_push(&seen.t, text->t.v[i]);
		hits++;
	}
	toks_release(&seen);
	toks_release(&voc);
	buf_release(&all);
	return hits;
}

/*
 * How well the text names the product: the strongest kind of match (SKU,
 * whole name, keyword, category) plus 3 points for each word of the text
 * that one of the product's terms explains, so that "power bank 10000mah"
 * prefers the product with both keywords.
 */
static int
product_score(const struct toks *text, const struct product *p,
    unsigned char *cover)
{
	size_t i, n;
	int score = 0, kw = 0, cjk = 0;

	memset(cover, 0, text->t.n ? text->t.n : 1);
	if (match_phrase(text, p->sku, &n, cover, &cjk))
		score += CATALOG_SCORE_SKU;
	if (match_phrase(text, p->name, &n, cover, &cjk))
		score += CATALOG_SCORE_NAME + 10 * (int)n;
	else
		score += partial_name(text, p->name);
	for (i = 0; i < p->keywords.n; i++)
		if (match_phrase(text, p->keywords.v[i], &n, cover, &cjk))
			kw = MAX(kw, CATALOG_SCORE_KEYWORD + 5 * (int)n);
	score += kw;
	if (match_phrase(text, p->category, &n, cover, &cjk))
		score += 5 + (int)n;
	for (i = 0; i < text->t.n; i++)
		score += 3 * cover[i];
	score += 3 * cjk;
	if (score)
		score += 2 * vocabulary_hits(text, p, cover);
	if (score && p->best_seller)
		score++;
	return score;
}

struct scored {
	size_t idx;
	int score;
};

static int
scored_cmp(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

size_t
catalog_match_scored(const struct catalog *cat, const char *text,
    const struct product **out, int *scores, size_t max)
{
	struct toks tt;
	struct scored *v;
	unsigned char *cover;
	size_t i, n = 0;
	int sc;

	if (!text || !cat->n || !max)
		return 0;
	toks_make(&tt, text);
	toks_index(&tt);
	v = xcalloc(cat->n, sizeof(*v));
	cover = xmalloc(tt.t.n ? tt.t.n : 1);
	for (i = 0; i < cat->n; i++) {
		sc = product_score(&tt, &cat->v[i], cover);
		if (sc > 0) {
			v[n].idx = i;
			v[n].score = sc;
			n++;
		}
	}
	qsort(v, n, sizeof(*v), scored_cmp);
	n = MIN(n, max);
	for (i = 0; i < n; i++) {
		out[i] = &cat->v[v[i].idx];
		if (scores)
			scores[i] = v[i].score;
	}
	free(cover);
	free(v);
	toks_release(&tt);
	return n;
}

size_t
catalog_match(const struct catalog *cat, const char *text,
    const struct product **out, size_t max)
{
	return catalog_match_scored(cat, text, out, NULL, max);
}

size_t
catalog_best_sellers(const struct catalog *cat, const char *category,
    const struct product **out, size_t max)
{
	size_t i, n = 0;
	char *want = category ? ufold_lower(category) : NULL, *have;

	for (i = 0; i < cat->n && n < max; i++) {
		if (!cat->v[i].best_seller)
			continue;
		if (want) {
			have = ufold_lower(cat->v[i].category);
			if (strcmp(have, want)) {
				free(have);
				continue;
			}
			free(have);
		}
		out[n++] = &cat->v[i];
	}
	free(want);
	return n;
}

size_t
catalog_best_seller_categories(const struct catalog *cat, const char **out,
    size_t max)
{
	struct scored *v;
	size_t i, j, n = 0;

	if (!cat->categories.n || !max)
		return 0;
	v = xcalloc(cat->categories.n, sizeof(*v));
	for (i = 0; i < cat->categories.n; i++) {
		v[i].idx = i;
		for (j = 0; j < cat->n; j++)
			if (cat->v[j].best_seller &&
			    !strcmp(cat->v[j].category, cat->categories.v[i]))
				v[i].score++;
	}
	qsort(v, cat->categories.n, sizeof(*v), scored_cmp);
	for (i = 0; i < cat->categories.n && n < max; i++)
		if (v[i].score > 0)
			out[n++] = cat->categories.v[v[i].idx];
	free(v);
	return n;
}

const struct product *
catalog_find_sku(const struct catalog *cat, const char *sku)
{
	char *want, *have;
	const struct product *p = NULL;
	size_t i;

	if (!sku)
		return NULL;
	want = ufold_lower(sku);
	for (i = 0; i < cat->n && !p; i++) {
		have = ufold_lower(cat->v[i].sku);
		if (!strcmp(have, want))
			p = &cat->v[i];
		free(have);
	}
	free(want);
	return p;
}

static int
toks_equal(const struct toks *a, const struct toks *b)
{
	size_t i;

	if (a->t.n != b->t.n || !a->t.n)
		return 0;
	for (i = 0; i < a->t.n; i++)
		if (strcmp(a->t.v[i], b->t.v[i]))
			return 0;
	return 1;
}

const char *
catalog_category(const struct catalog *cat, const char *name)
{
	struct toks want, have;
	const char *found = NULL;
	size_t i;
	int pass;

	if (!name)
		return NULL;
	toks_make(&want, name);
	/* First the same words, then one phrase inside the other. */
	for (pass = 0; pass < 2 && !found; pass++) {
		for (i = 0; i < cat->categories.n && !found; i++) {
			toks_make(&have, cat->categories.v[i]);
			if (pass == 0 ? toks_equal(&want, &have) :
			    toks_has(&want, &have) || toks_has(&have, &want))
				found = cat->categories.v[i];
			toks_release(&have);
		}
	}
	toks_release(&want);
	return found;
}
