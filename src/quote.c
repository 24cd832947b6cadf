/*
 * quote.c - what we quote for an inquiry (offer_build) and the quote
 * sheet a rep sends with the reply (quote_write).
 *
 * offer_build reads the verdict's requirement outline: "product" values
 * are matched against the catalog, "quantity" values are read as a number
 * of units where possible, and every other point is checked against what
 * the catalog knows (certifications, packaging, spec); whatever it cannot
 * answer becomes a "to confirm with production" line.  The title follows
 * the export reps' habit: "ACME TRADING SPEAKER QUOTATION FOR MR JICK".
 * A salutation is used only when a title is stated, never guessed.
 *
 * quote_write lays the sheet out with xlsx.c and publishes it atomically:
 * written under a temporary name in the same directory, then renamed to a
 * name made from the title that no other file has.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "err.h"
#include "log.h"
#include "quote.h"
#include "ufold.h"
#include "xlsx.h"

#define CONFIRM_SUFFIX	" \xE2\x80\x94 to confirm with production"
#define AGREE_SUFFIX	" \xE2\x80\x94 to agree"
#define NOTE_MAX_CP	160	/* customer text kept in a note */
#define NAME_MAX_CP	40
#define COMPANY_MAX_CP	60
#define LABEL_MAX_CP	40
#define QTY_MAX		1000000000L
#define MAX_CATEGORIES	3
#define VAGUE_PER_CATEGORY 3

/* Text helpers. */

/*
 * One line of text: valid UTF-8, blanks and controls folded to single
 * spaces, trimmed, at most max_cp code points (an ellipsis marks a cut).
 * NULL when nothing is left.
 */
static char *
one_line(const char *s, size_t max_cp)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	size_t len, i = 0, n, ncp = 0;
	uint32_t cp;
	int space = 0;

	if (!s)
		return NULL;
	len = strlen(s);
	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		i += n;
		if (cp < 0x20 || cp == 0x7F || cp == ' ' || cp == 0xA0 ||
		    (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 ||
		    cp == 0x2029 || cp == 0x202F || cp == 0x3000 ||
		    cp == 0xFEFF) {
			space = b.len > 0;
			continue;
		}
		if (ncp >= max_cp) {
			buf_addstr(&b, "\xE2\x80\xA6");	/* ... */
			break;
		}
		if (space) {
			buf_addch(&b, ' ');
			ncp++;
			space = 0;
		}
		if (cp == UFOLD_REPLACEMENT && n == 1)
			buf_addstr(&b, "\xEF\xBF\xBD");
		else
			buf_add(&b, s + i - n, n);
		ncp++;
	}
	if (!b.len) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static char *
upper_line(const char *s, size_t max_cp)
{
	char *l = one_line(s, max_cp), *u;

	if (!l)
		return NULL;
	u = ufold_upper(l);
	free(l);
	return u;
}

/* The lowercased word (letters and digits) starting at p; *end after it. */
static char *
word_at(const char *p, const char **end)
{
	size_t len = strlen(p), i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_decode(p + i, len - i, &cp);
		if (!ufold_is_word(cp) && cp != '\'' && cp != 0x2019)
			break;
		i += n;
	}
	*end = p + i;
	if (!i)
		return NULL;
	{
		char *raw = xstrndup(p, i), *low = ufold_lower(raw);

		free(raw);
		return low;
	}
}

static int
in_list(const char *w, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; w && i < n; i++)
		if (!strcmp(w, list[i]))
			return 1;
	return 0;
}

/* Quantities. */

static const char *const unit_pieces[] = {
	"pcs", "pc", "pce", "pces", "piece", "pieces", "units", "unit",
	"sets", "set", "pairs", "pair", "nos", "ea", "each", "items", "item",
	"stk", "stück", "stueck", "stuck", "pz", "pzs", "pezzi", "piezas",
	"pieza", "unidades", "unidad", "uds", "ud", "pièces", "pièce",
	"peças", "pecas", "unités", "unité", "unità", "шт", "штук", "штуки",
	"штука", "sztuk", "szt", "adet", "stuks", "kpl", "st",
};
static const char *const unit_packages[] = {
	"cartons", "carton", "ctns", "ctn", "boxes", "box", "pallets",
	"pallet", "bales", "bale", "kg", "kgs", "kilos", "kilograms", "tons",
	"ton", "tonnes", "tonne", "mt", "lbs", "lb", "rolls", "roll",
	"meters", "metres", "meter", "metre", "m", "yards", "yds", "dozen",
	"dozens", "gross", "cajas", "kartons", "коробок", "коробки",
};
static const char *const unit_containers[] = {
	"containers", "container", "fcl", "fcls", "cntr", "cntrs", "ctnr",
	"contenedor", "contenedores", "conteneur", "conteneurs", "container's",
};
static const char *const unit_not_qty[] = {
	"days", "day", "weeks", "week", "wks", "months", "month", "years",
	"year", "yrs", "hours", "hour", "hrs", "h", "mins", "minutes", "w",
	"watt", "watts", "v", "volt", "mah", "gb", "mb", "tb", "mm", "cm",
	"inch", "inches", "in", "oz", "ml", "l", "liter", "litre", "colors",
	"colours", "color", "colour", "sizes", "size", "models", "designs",
	"styles", "versions", "usd", "eur", "rmb", "cny", "gbp", "dollars",
	"dollar", "euro", "euros", "percent", "times", "gsm", "mil", "hz",
	"db", "ft", "feet", "sheets", "pages", "ribs", "st", "nd", "rd", "th",
	"tage", "días", "dias", "jours", "дней", "дня",
};
/* Stop words after a number that do not change its meaning. */
static const char *const after_stop[] = {
	"for", "per", "of", "each", "at", "and", "or", "in", "with", "a",
	"de", "pro", "je", "par", "por", "для", "в", "order", "orders",
	"first", "trial", "monthly", "yearly", "annually", "annual", "total",
	"approx", "about", "around", "minimum", "min", "max", "maximum",
};
static const char *const container_sizes[] = {
	"gp", "hq", "hc", "dc", "ft", "feet", "foot", "rh", "ot", "fr",
};

struct wordnum {
	const char *w;
	int v;
};
static const struct wordnum word_numbers[] = {
	{ "one", 1 }, { "two", 2 }, { "three", 3 }, { "four", 4 },
	{ "five", 5 }, { "six", 6 }, { "seven", 7 }, { "eight", 8 },
	{ "nine", 9 }, { "ten", 10 }, { "eleven", 11 }, { "twelve", 12 },
	{ "fifteen", 15 }, { "twenty", 20 }, { "thirty", 30 },
	{ "forty", 40 }, { "fifty", 50 }, { "hundred", 100 },
	{ "a", 1 }, { "an", 1 }, { "single", 1 },
};

/* Skips blanks, no-break and thin spaces. */
static const char *
skip_sp(const char *p)
{
	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		else if ((unsigned char)p[0] == 0xC2 &&
		    (unsigned char)p[1] == 0xA0)
			p += 2;
		else if ((unsigned char)p[0] == 0xE2 &&
		    (unsigned char)p[1] == 0x80 &&
		    ((unsigned char)p[2] == 0xAF ||
		    (unsigned char)p[2] == 0x89))
			p += 3;
		else
			return p;
	}
}

/* A digit-group separator at p: its length, or 0.  A plain space counts
 * only before exactly three digits ("5 000 pcs"). */
static size_t
group_sep(const char *p)
{
	if (*p == ',' || *p == '.' || *p == '\'')
		return 1;
	if (*p == ' ' && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
	    !isdigit((unsigned char)p[4]))
		return 1;
	if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
		return 2;
	if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
	    ((unsigned char)p[2] == 0xAF || (unsigned char)p[2] == 0x89))
		return 3;
	return 0;
}

/*
 * Reads a number with digit groups ("5,000", "1.000.000", "5 000" with a
 * no-break space, "1.5", "2,5", "1,234.5").  Returns the end, or NULL
 * when the groups make no sense.
 */
static const char *
read_number(const char *p, double *out)
{
	char digits[40];
	size_t nd = 0, ng = 0, ns = 0, i, sl;
	int groups[16], glen = 0, thousands;
	char seps[16];
	const char *q = p;

	for (;;) {
		if (isdigit((unsigned char)*q)) {
			if (nd >= 30)
				return NULL;
			digits[nd++] = *q++;
			glen++;
			continue;
		}
		sl = group_sep(q);
		if (sl && isdigit((unsigned char)q[sl]) && glen > 0 &&
		    ng < 14) {
			groups[ng++] = glen;
			seps[ns++] = (*q == ',' || *q == '.') ? *q : ' ';
			/* a space groups only whole thousands */
			glen = 0;
			q += sl;
			continue;
		}
		break;
	}
	groups[ng++] = glen;
	digits[nd] = '\0';
	if (ng == 1) {
		*out = strtod(digits, NULL);
		return q;
	}
	thousands = groups[0] <= 3;
	for (i = 1; i < ng; i++)
		thousands &= groups[i] == 3;
	for (i = 1; i < ns; i++)
		thousands &= seps[i] == seps[0];
	if (thousands) {
		*out = strtod(digits, NULL);
		return q;
	}
	/* One decimal mark, after optional thousands groups. */
	if (seps[ns - 1] == ' ')
		return NULL;
	for (i = 0; i + 1 < ns; i++)
		if (seps[i] != seps[0] || seps[i] == seps[ns - 1] ||
		    groups[i + 1] != 3)
			return NULL;
	if (ns > 1 && groups[0] > 3)
		return NULL;
	{
		size_t intlen = nd - (size_t)groups[ng - 1];
		char num[48];

		snprintf(num, sizeof(num), "%.*s.%s", (int)intlen, digits,
		    digits + intlen);
		*out = strtod(num, NULL);
	}
	return q;
}

/* "k", "thousand", "万"... after a number: the factor, *end after it. */
static double
read_multiplier(const char *p, const char **end)
{
	static const struct {
		const char *w;
		double f;
	} mult[] = {
		{ "k", 1e3 }, { "thousand", 1e3 }, { "thousands", 1e3 },
		{ "tsd", 1e3 }, { "tausend", 1e3 }, { "mil", 1e3 },
		{ "mille", 1e3 }, { "тыс", 1e3 }, { "тысяч", 1e3 },
		{ "тысячи", 1e3 }, { "million", 1e6 }, { "millions", 1e6 },
		{ "mio", 1e6 }, { "mln", 1e6 }, { "млн", 1e6 },
		{ "lakh", 1e5 }, { "lakhs", 1e5 },
	};
	const char *q = skip_sp(p), *after;
	char *w;
	size_t i;
	double f = 1;

	*end = p;
	if (!strncmp(q, "\xE4\xB8\x87", 3)) {	/* 万 */
		*end = q + 3;
		return 1e4;
	}
	if (!strncmp(q, "\xE5\x8D\x83", 3)) {	/* 千 */
		*end = q + 3;
		return 1e3;
	}
	w = word_at(q, &after);
	if (!w)
		return 1;
	for (i = 0; i < ARRAY_SIZE(mult); i++) {
		if (!strcmp(w, mult[i].w)) {
			f = mult[i].f;
			*end = after;
			if (*after == '.')
				(*end)++;
			break;
		}
	}
	free(w);
	return f;
}

/* Is p a currency mark or code just before a number (to skip prices)? */
static int
currency_before(const char *start, const char *p)
{
	static const char *const codes[] = { "usd", "us$", "eur", "rmb",
	    "cny", "gbp", "aud", "cad" };
	const char *q = p;
	size_t i, n;

	while (q > start && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	if (q > start && (q[-1] == '$' || q[-1] == '#'))
		return 1;
	if (q - start >= 2 && ((unsigned char)q[-2] == 0xC2 &&
	    ((unsigned char)q[-1] == 0xA3 || (unsigned char)q[-1] == 0xA5)))
		return 1;	/* pound, yen */
	if (q - start >= 3 && !memcmp(q - 3, "\xE2\x82\xAC", 3))
		return 1;	/* euro */
	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		n = strlen(codes[i]);
		if ((size_t)(q - start) >= n && !strncmp(q - n, codes[i], n))
			return 1;
	}
	return 0;
}

enum unit_class { U_NONE, U_PIECES, U_PACKAGES, U_CONTAINER, U_NOT_QTY,
	U_OTHER, U_TIMES };

/* CJK unit characters written right after the number. */
static enum unit_class
cjk_unit(const char *p)
{
	static const char *const pieces[] = { "个", "件", "只", "台", "套",
	    "把", "支", "双", "枚", "條", "条", "本", "顶", "個" };
	static const char *const packages[] = { "箱", "托", "吨", "公斤",
	    "卷", "米" };
	static const char *const containers[] = { "柜", "个柜", "个货柜" };
	static const char *const not_qty[] = { "天", "周", "月", "年", "瓦",
	    "元", "美元", "毫安" };
	size_t i;

#define CJK_MATCH(list) \
	for (i = 0; i < ARRAY_SIZE(list); i++) \
		if (!strncmp(p, list[i], strlen(list[i])))
	CJK_MATCH(containers)
		return U_CONTAINER;
	CJK_MATCH(pieces)
		return U_PIECES;
	CJK_MATCH(packages)
		return U_PACKAGES;
	CJK_MATCH(not_qty)
		return U_NOT_QTY;
#undef CJK_MATCH
	return U_OTHER;
}

/* What follows a number: its unit class; *end after the unit word. */
static enum unit_class
classify_unit(const char *p, int attached, const char **end)
{
	const char *q = skip_sp(p), *after;
	uint32_t cp;
	enum unit_class u;
	char *w;

	*end = p;
	if (!*q)
		return U_NONE;
	if ((*q == 'x' || *q == 'X' || *q == '*') &&
	    !isalpha((unsigned char)q[1])) {
		*end = q + 1;
		return U_TIMES;
	}
	if (!strncmp(q, "\xC3\x97", 2)) {	/* multiplication sign */
		*end = q + 2;
		return U_TIMES;
	}
	if (*q == '%')
		return U_NOT_QTY;
	if (isdigit((unsigned char)*q))
		return U_NONE;	/* the next number: "one 20GP container" */
	utf8_decode(q, strlen(q), &cp);
	if (ufold_is_cjk(cp)) {
		u = cjk_unit(q);
		*end = q;
		return u;
	}
	w = word_at(q, &after);
	if (!w)
		return U_NONE;
	if (in_list(w, unit_pieces, ARRAY_SIZE(unit_pieces)))
		u = U_PIECES;
	else if (in_list(w, unit_containers, ARRAY_SIZE(unit_containers)) ||
	    !strncmp(w, "контейнер", strlen("контейнер")))
		u = U_CONTAINER;
	else if (in_list(w, unit_packages, ARRAY_SIZE(unit_packages)))
		u = U_PACKAGES;
	else if (in_list(w, unit_not_qty, ARRAY_SIZE(unit_not_qty)))
		u = U_NOT_QTY;
	else if (in_list(w, after_stop, ARRAY_SIZE(after_stop)))
		u = U_NONE;
	else
		u = attached ? U_NOT_QTY : U_OTHER;
	free(w);
	*end = after;
	return u;
}

/* After "20" or "40": a container size such as 40HQ, 40' HC, 20ft? */
static int
container_size(const char *p, const char **end)
{
	const char *q = p, *after;
	char *w;
	int found = 0, mark = 0;

	if (*q == '\'' || *q == '"') {
		q++;
		mark = 1;
	} else if (!strncmp(q, "\xE2\x80\x99", 3) ||
	    !strncmp(q, "\xE2\x80\xB2", 3)) {
		q += 3;
		mark = 1;
	}
	q = skip_sp(q);
	w = word_at(q, &after);
	if (w && (in_list(w, container_sizes, ARRAY_SIZE(container_sizes)) ||
	    !strcmp(w, "hq") || (mark && in_list(w, unit_containers,
	    ARRAY_SIZE(unit_containers))))) {
		found = 1;
		q = after;
	} else if (mark) {
		found = 1;
	}
	free(w);
	if (found)
		*end = q;
	return found;
}

/* Which reading wins: "5,000 pcs" over "2 x 40HQ" over "500 cartons"
 * over "1500 mugs" over a bare "1500". */
enum qty_pri { P_NONE, P_BARE, P_NOUN, P_PACKAGES, P_CONTAINER, P_UNITS };

struct qty_best {
	enum qty_pri pri;
	enum qty_kind kind;
	long v;
};

static void
qty_consider(struct qty_best *b, enum qty_pri pri, enum qty_kind kind,
    double v)
{
	if (pri <= b->pri)
		return;
	v = floor(v + 0.5);
	if (v < 1 || v > QTY_MAX)
		return;
	b->pri = pri;
	b->kind = kind;
	b->v = (long)v;
}

/* Fullwidth digits to ASCII, lowercased, capped. */
static char *
qty_normalise(const char *text)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	char *low = ufold_lower(text);
	size_t len = strlen(low), i = 0, n;
	uint32_t cp;
	char enc[4];

	if (len > 4096)
		len = utf8_prefix(low, SIZE_MAX, 4096);
	while (i < len) {
		n = utf8_decode(low + i, len - i, &cp);
		if (cp >= 0xFF10 && cp <= 0xFF19)
			buf_addch(&b, (char)('0' + (cp - 0xFF10)));
		else if (cp == 0xFF0C)
			buf_addch(&b, ',');
		else if (cp == 0xFF0E)
			buf_addch(&b, '.');
		else
			buf_add(&b, enc, utf8_encode(cp, enc));
		i += n;
	}
	free(low);
	return buf_detach(&b, NULL);
}

static int
alnum_before(const char *start, const char *p)
{
	uint32_t cp;
	const char *q = p;

	if (q == start)
		return 0;
	/* back to the start of the previous code point */
	do
		q--;
	while (q > start && ((unsigned char)*q & 0xC0) == 0x80);
	utf8_decode(q, (size_t)(p - q), &cp);
	return ufold_is_word(cp) && !ufold_is_cjk(cp);
}

/* Handles the number v read at [p, q): classifies what follows. */
static const char *
qty_after_number(struct qty_best *b, double v, int had_mult,
    const char *q, double *pending)
{
	const char *end, *r, *r2;
	double v2, m2;
	enum unit_class u;
	int attached;

	/* A range: "1000-2000 pcs", "5 to 10k": the lower bound, with the
	 * unit and multiplier written after the upper one. */
	r = skip_sp(q);
	r2 = NULL;
	if (*r == '-' || *r == '~' || *r == '/')
		r2 = skip_sp(r + 1);
	else if (!strncmp(r, "\xE2\x80\x93", 3) ||
	    !strncmp(r, "\xEF\xBD\x9E", 3))
		r2 = skip_sp(r + 3);
	else if (!strncmp(r, "to ", 3) || !strncmp(r, "bis ", 4))
		r2 = skip_sp(r + (r[0] == 't' ? 3 : 4));
	if (r2 && isdigit((unsigned char)*r2) && *r != '/') {
		const char *e2 = read_number(r2, &v2);

		if (e2) {
			m2 = read_multiplier(e2, &e2);
			if (!had_mult && m2 > 1) {
				v *= m2;
				had_mult = 1;
			}
			q = e2;
		}
	}
	if ((v == 20 || v == 40 || v == 45) && !had_mult &&
	    container_size(q, &end)) {
		qty_consider(b, P_CONTAINER, QTY_CONTAINER,
		    *pending > 0 ? *pending : 1);
		*pending = 0;
		return end;
	}
	attached = !had_mult && q == skip_sp(q) &&
	    isalpha((unsigned char)*q);
	u = classify_unit(q, attached, &end);
	if (u != U_TIMES)
		*pending = 0;
	switch (u) {
	case U_TIMES:
		*pending = v;
		break;
	case U_PIECES:
		qty_consider(b, P_UNITS, QTY_UNITS, v);
		break;
	case U_CONTAINER:
		qty_consider(b, P_CONTAINER, QTY_CONTAINER, v);
		break;
	case U_PACKAGES:
		qty_consider(b, P_PACKAGES, QTY_PACKAGES, v);
		break;
	case U_NOT_QTY:
		break;
	case U_NONE:
	case U_OTHER:
		if (v == floor(v) || had_mult)
			qty_consider(b, u == U_OTHER ? P_NOUN : P_BARE,
			    QTY_UNITS, v);
		break;
	}
	return end > q ? end : q;
}

enum qty_kind
quote_parse_qty(const char *text, long *qty)
{
	struct qty_best b = { P_NONE, QTY_NONE, 0 };
	char *t, *w;
	const char *p, *q, *after, *last = NULL;
	double v, m, pending = 0;
	size_t i, n;
	uint32_t cp;

	*qty = 0;
	if (!text)
		return QTY_NONE;
	t = qty_normalise(text);
	p = t;
	while (*p) {
		/* "2x40HQ": the number right after the times sign counts */
		if (isdigit((unsigned char)*p) && (!alnum_before(t, p) ||
		    (pending > 0 && p == last))) {
			q = read_number(p, &v);
			if (!q || currency_before(t, p)) {
				while (isdigit((unsigned char)*p) ||
				    group_sep(p))
					p += group_sep(p) ? group_sep(p) : 1;
				continue;
			}
			m = read_multiplier(q, &q);
			p = last = qty_after_number(&b, v * m, m > 1, q,
			    &pending);
			continue;
		}
		n = utf8_decode(p, strlen(p), &cp);
		if (ufold_is_word(cp) && !alnum_before(t, p)) {
			w = word_at(p, &after);
			for (i = 0; w && i < ARRAY_SIZE(word_numbers); i++)
				if (!strcmp(w, word_numbers[i].w))
					break;
			if (w && i < ARRAY_SIZE(word_numbers)) {
				v = word_numbers[i].v;
				m = read_multiplier(after, &q);
				if (m == 1 && v < 100) {
					const char *h;
					char *w2 = word_at(skip_sp(after), &h);

					if (w2 && !strcmp(w2, "hundred")) {
						v *= 100;
						after = h;
						m = read_multiplier(after, &q);
					}
					free(w2);
				}
				if (v == 1 && m == 1 && (w[0] == 'a')) {
					/* "a 40HQ", "a container" only */
					const char *e2 = skip_sp(after), *e3;
					char *w3 = word_at(e2, &e3);

					if (w3 && in_list(w3, unit_containers,
					    ARRAY_SIZE(unit_containers)))
						qty_consider(&b, P_CONTAINER,
						    QTY_CONTAINER, 1);
					else if (!strncmp(e2, "20", 2) ||
					    !strncmp(e2, "40", 2))
						pending = 1;
					free(w3);
					free(w);
					p = after;
					continue;
				}
				free(w);
				p = last = qty_after_number(&b, v * m, m > 1,
				    m > 1 ? q : after, &pending);
				continue;
			}
			free(w);
			p = after > p ? after : p + n;
			continue;
		}
		p += n;
	}
	free(t);
	*qty = b.v;
	return b.kind;
}

/* Companies and people. */

static const char *const legal_forms[] = {
	"ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "plc",
	"gmbh", "ag", "kg", "ohg", "gbr", "ug", "ek", "co", "company", "corp",
	"corporation", "sa", "sas", "sarl", "srl", "sl", "slu", "spa", "bv",
	"nv", "ab", "as", "asa", "oy", "oyj", "aps", "pty", "pte", "sdn",
	"bhd", "kk", "ltda", "eirl", "sro", "sp", "zoo", "ооо", "оао", "зао",
	"пао", "ао", "ип", "tbk", "jsc", "cjsc", "pjsc", "fze", "fzco", "fzc",
	"fzllc", "dmcc", "wll", "spc", "cc", "pvt", "private", "public",
	"sae", "sal", "sac", "saic", "cia", "ltée", "lda", "bvba", "scs",
	"snc", "doo", "ad", "kft", "zrt", "rt", "se", "ae", "oü", "as",
	"group", "holding", "holdings",
};
static const char *const cjk_legal[] = {
	"股份有限公司", "有限责任公司", "有限公司", "株式会社", "公司",
};

/* A token of a company name, for comparing with legal_forms. */
static char *
legal_key(const char *tok)
{
	char *low = ufold_lower(tok), *o = low, *i;

	for (i = low; *i; i++)
		if (*i != '.' && *i != ',' && *i != '(' && *i != ')' &&
		    *i != '&' && *i != '/' && *i != '-' && *i != '"' &&
		    *i != '\'')
			*o++ = *i;
	*o = '\0';
	return low;
}

UNITTEST char *
quote_short_company(const char *company)
{
	struct strlist tok = STRLIST_INIT;
	struct buf b = BUF_INIT(SIZE_MAX);
	char *line = one_line(company, 200), *save = NULL, *t, *key, *out;
	size_t n, i, first = 0;
	int stripped = 1;

	if (!line)
		return NULL;
	/* Russian forms come first, with the name in quotes: ООО «Ромашка». */
	for (t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save))
		strlist_push(&tok, t);
	n = tok.n;
	while (stripped && n > first + 1) {
		stripped = 0;
		key = legal_key(tok.v[n - 1]);
		if (!*key || in_list(key, legal_forms,
		    ARRAY_SIZE(legal_forms))) {
			n--;
			stripped = 1;
		}
		free(key);
		key = legal_key(tok.v[first]);
		if (n > first + 1 && (!strcmp(key, "ооо") ||
		    !strcmp(key, "оао") || !strcmp(key, "зао") ||
		    !strcmp(key, "пао") || !strcmp(key, "ао") ||
		    !strcmp(key, "ип") || !strcmp(key, "pt") ||
		    !strcmp(key, "cv"))) {
			first++;
			stripped = 1;
		}
		free(key);
	}
	for (i = first; i < n; i++) {
		if (b.len)
			buf_addch(&b, ' ');
		buf_addstr(&b, tok.v[i]);
	}
	/* Trailing punctuation and quotes: "Acme Trading Co.," */
	while (b.len && strchr(",.;:-&/ ", b.data[b.len - 1]))
		buf_setlen(&b, b.len - 1);
	out = buf_detach(&b, NULL);
	/* Quotes around the name: «Ромашка», "Acme". */
	{
		static const char *const quotes[] = { "\xC2\xAB", "\xC2\xBB",
		    "\xE2\x80\x9C", "\xE2\x80\x9D", "\"", "\xE3\x80\x8C",
		    "\xE3\x80\x8D" };
		struct buf c = BUF_INIT(SIZE_MAX);
		const char *p = out;
		size_t k;

		while (*p) {
			for (k = 0; k < ARRAY_SIZE(quotes); k++)
				if (!strncmp(p, quotes[k], strlen(quotes[k])))
					break;
			if (k < ARRAY_SIZE(quotes))
				p += strlen(quotes[k]);
			else
				buf_addch(&c, *p++);
		}
		free(out);
		out = buf_detach(&c, NULL);
	}
	/* Chinese and Japanese legal forms are written as a suffix. */
	for (i = 0; i < ARRAY_SIZE(cjk_legal); i++) {
		size_t ol = strlen(out), sl = strlen(cjk_legal[i]);

		if (ol > sl && !strcmp(out + ol - sl, cjk_legal[i])) {
			out[ol - sl] = '\0';
			break;
		}
	}
	free(line);
	strlist_release(&tok);
	t = one_line(out, COMPANY_MAX_CP);
	free(out);
	if (!t)
		return one_line(company, COMPANY_MAX_CP);
	return t;
}

static const char *const free_mail[] = {
	"gmail", "googlemail", "yahoo", "ymail", "hotmail", "outlook", "live",
	"msn", "aol", "icloud", "me", "mac", "gmx", "web", "mail", "yandex",
	"qq", "163", "126", "yeah", "sina", "sohu", "aliyun", "foxmail",
	"protonmail", "proton", "pm", "zoho", "rediffmail", "naver", "daum",
	"hanmail", "libero", "orange", "wanadoo", "free", "laposte", "t-online",
	"rambler", "ukr", "seznam", "wp", "o2", "interia", "onet", "bigpond",
	"rocketmail", "tutanota", "hushmail", "inbox", "lycos", "btinternet",
	"comcast", "verizon", "att", "sbcglobal", "uol", "bol", "terra",
};

UNITTEST char *
quote_domain_company(const char *domain)
{
	struct strlist lab = STRLIST_INIT;
	char *low, *save = NULL, *t, *out = NULL, *p;
	const char *name;
	size_t n;

	if (!domain || !*domain)
		return NULL;
	low = ufold_lower(domain);
	for (t = strtok_r(low, ".", &save); t; t = strtok_r(NULL, ".", &save))
		strlist_push(&lab, t);
	n = lab.n;
	if (n < 2)
		goto out;
	name = lab.v[n - 2];
	/* co.uk, com.cn, com.au, ne.jp: the label before the second level */
	if (n >= 3 && strlen(lab.v[n - 1]) == 2 &&
	    (in_list(lab.v[n - 2], (const char *const[]){ "co", "com", "net",
	    "org", "gov", "edu", "ac", "ltd", "plc", "ne", "or", "gob", "nom",
	    "biz", "info" }, 15)))
		name = lab.v[n - 3];
	if (in_list(name, free_mail, ARRAY_SIZE(free_mail)))
		goto out;
	out = xstrdup(name);
	for (p = out; *p; p++)
		if (*p == '-' || *p == '_')
			*p = ' ';
out:
	free(low);
	strlist_release(&lab);
	return out;
}

static const char *const role_words[] = {
	"sales", "info", "information", "purchasing", "purchase", "purchases",
	"procurement", "sourcing", "admin", "administrator", "office",
	"department", "dept", "team", "support", "service", "services",
	"import", "export", "imports", "exports", "marketing", "contact",
	"enquiry", "enquiries", "inquiry", "inquiries", "accounts",
	"accounting", "hr", "noreply", "no-reply", "webmaster", "customer",
	"customers", "orders", "order", "shop", "store", "mail", "email",
	"hello", "buyer", "buying", "ventas", "compras", "einkauf",
	"verkauf", "achats", "vendas", "отдел", "закупки", "продажи",
};

struct title_word {
	const char *w;
	const char *title;
};
static const struct title_word title_words[] = {
	{ "mr", "Mr" }, { "mister", "Mr" }, { "herr", "Mr" }, { "sr", "Mr" },
	{ "señor", "Mr" }, { "senor", "Mr" }, { "sig", "Mr" },
	{ "signor", "Mr" }, { "monsieur", "Mr" }, { "господин", "Mr" },
	{ "mrs", "Mrs" }, { "ms", "Ms" }, { "miss", "Ms" }, { "frau", "Ms" },
	{ "mme", "Ms" }, { "madame", "Ms" }, { "mlle", "Ms" },
	{ "mademoiselle", "Ms" }, { "sra", "Ms" }, { "señora", "Ms" },
	{ "senora", "Ms" }, { "srta", "Ms" }, { "señorita", "Ms" },
	{ "signora", "Ms" }, { "госпожа", "Ms" }, { "dr", "Dr" },
	{ "dra", "Dr" }, { "doctor", "Dr" }, { "drs", "Dr" },
};
/* Written after a Chinese surname: 王先生, 李女士. */
static const struct title_word cjk_titles[] = {
	{ "先生", "Mr" }, { "女士", "Ms" }, { "小姐", "Ms" }, { "博士", "Dr" },
};
static const char *const name_suffixes[] = {
	"jr", "sr", "ii", "iii", "iv", "phd", "mba", "msc", "bsc", "md",
	"esq", "ceng", "pe", "cpa",
};
static const char *const particles[] = {
	"van", "von", "der", "den", "de", "la", "le", "del", "della", "da",
	"das", "dos", "du", "di", "ten", "ter", "bin", "al", "el", "st",
};

static const char *
title_of(const char *word)
{
	char *k = legal_key(word);
	const char *t = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(title_words) && !t; i++)
		if (!strcmp(k, title_words[i].w))
			t = title_words[i].title;
	free(k);
	return t;
}

static int
has_lower(const char *s)
{
	size_t len = strlen(s), i = 0;
	uint32_t cp;

	while (i < len) {
		i += utf8_decode(s + i, len - i, &cp);
		if (ufold_upper_cp(cp) != cp)
			return 1;
	}
	return 0;
}

static int
has_upper(const char *s)
{
	size_t len = strlen(s), i = 0;
	uint32_t cp;

	while (i < len) {
		i += utf8_decode(s + i, len - i, &cp);
		if (ufold_lower_cp(cp) != cp)
			return 1;
	}
	return 0;
}

/* "JOHN SMITH" or "john smith" -> "John Smith". */
static char *
name_case(const char *word)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	size_t len = strlen(word), i = 0;
	uint32_t cp;
	char enc[4];
	int start = 1;

	while (i < len) {
		i += utf8_decode(word + i, len - i, &cp);
		cp = start ? ufold_upper_cp(cp) : ufold_lower_cp(cp);
		start = cp == ' ' || cp == '-' || cp == '\'';
		buf_add(&b, enc, utf8_encode(cp, enc));
	}
	return buf_detach(&b, NULL);
}

static void
split_words(const char *text, struct strlist *out)
{
	char *copy = xstrdup(text), *save = NULL, *t;

	for (t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		strlist_push(out, t);
	free(copy);
}

static const char *
stated_title(const char *stated)
{
	char *k;
	const char *t = NULL;

	if (!stated)
		return NULL;
	k = legal_key(stated);
	if (!strcmp(k, "mr") || !strcmp(k, "mister"))
		t = "Mr";
	else if (!strcmp(k, "mrs"))
		t = "Mrs";
	else if (!strcmp(k, "ms") || !strcmp(k, "miss"))
		t = "Ms";
	else if (!strcmp(k, "dr"))
		t = "Dr";
	free(k);
	return t;
}

/* The name without decorations: "(Purchasing)", " - Buyer", ", Manager",
 * "Smith, John" turned round.  NULL if nothing is left. */
static char *
bare_name(const char *name)
{
	char *line = one_line(name, 120), *p, *before, *after, *k;

	if (!line || strchr(line, '@')) {
		free(line);
		return NULL;
	}
	for (p = line; *p; p++)
		if (*p == '"')
			*p = ' ';
	if ((p = strchr(line, '(')))
		*p = '\0';
	if ((p = strstr(line, " - ")) || (p = strstr(line, " | ")) ||
	    (p = strstr(line, " / ")))
		*p = '\0';
	if ((p = strchr(line, ','))) {
		*p = '\0';
		before = one_line(line, 60);
		after = one_line(p + 1, 60);
		k = after ? legal_key(after) : NULL;
		if (before && after && !strchr(before, ' ') &&
		    !strchr(after, ' ') && !title_of(after) &&
		    !in_list(k, role_words, ARRAY_SIZE(role_words))) {
			free(line);
			line = xasprintf("%s %s", after, before);
		}
		free(k);
		free(before);
		free(after);
	}
	p = one_line(line, 120);
	free(line);
	return p;
}

UNITTEST void
quote_person(const char *name, const char *stated, char **title,
    char **surname, char **full)
{
	struct strlist tok = STRLIST_INIT;
	struct buf b = BUF_INIT(SIZE_MAX);
	char *line, *k;
	const char *found = stated_title(stated);
	size_t i, n, first = 0, last, caps = 0, capsi = 0, other = 0, len;
	uint32_t cp;

	*title = *surname = *full = NULL;
	line = bare_name(name);
	if (!line)
		goto out;
	split_words(line, &tok);
	n = tok.n;
	/* A title written in the name: "Mr. John Jick", "Frau Weber". */
	while (first < n && title_of(tok.v[first])) {
		if (!found)
			found = title_of(tok.v[first]);
		first++;
	}
	/* Chinese puts it after the surname: 王先生, 李女士. */
	if (n - first == 1) {
		for (i = 0; i < ARRAY_SIZE(cjk_titles); i++) {
			size_t tl = strlen(cjk_titles[i].w);
			size_t wl = strlen(tok.v[first]);

			if (wl > tl && !strcmp(tok.v[first] + wl - tl,
			    cjk_titles[i].w)) {
				tok.v[first][wl - tl] = '\0';
				if (!found)
					found = cjk_titles[i].title;
				break;
			}
		}
	}
	while (n > first + 1) {
		k = legal_key(tok.v[n - 1]);
		i = in_list(k, name_suffixes, ARRAY_SIZE(name_suffixes));
		free(k);
		if (!i)
			break;
		n--;
	}
	if (first >= n)
		goto out;
	/* "Sales Department", "Purchasing Team", "Order 123": not a person */
	for (i = first; i < n; i++) {
		k = legal_key(tok.v[i]);
		if (in_list(k, role_words, ARRAY_SIZE(role_words)) || !*k ||
		    isdigit((unsigned char)k[0])) {
			free(k);
			goto out;
		}
		free(k);
	}
	for (i = first; i < n; i++) {
		if (b.len)
			buf_addch(&b, ' ');
		buf_addstr(&b, tok.v[i]);
	}
	if (!has_lower(b.data) || !has_upper(b.data)) {
		/* All capitals or all lower case: "John Smith". */
		char *nc = name_case(b.data);

		strlist_release(&tok);
		split_words(nc, &tok);
		buf_reset(&b);
		buf_addstr(&b, nc);
		free(nc);
		first = 0;
		n = tok.n;
	}
	*full = one_line(b.data, NAME_MAX_CP);
	/* The surname.  Chinese, Japanese, Korean: the first character. */
	len = utf8_decode(tok.v[first], strlen(tok.v[first]), &cp);
	if (n - first == 1 && ufold_is_cjk(cp)) {
		*surname = xstrndup(tok.v[first], len);
		goto out;
	}
	for (i = first; i < n; i++) {
		if (utf8_length(tok.v[i]) >= 2 && !has_lower(tok.v[i]) &&
		    has_upper(tok.v[i])) {
			caps++;
			capsi = i;
		} else {
			other++;
		}
	}
	if (caps == 1 && other >= 1) {
		/* "WANG Wei", "Jean DUPONT": the capitals are the surname. */
		*surname = name_case(tok.v[capsi]);
		goto out;
	}
	/* The last word, with its particles: "van Beethoven". */
	last = n - 1;
	while (last > first + 1) {
		k = legal_key(tok.v[last - 1]);
		i = in_list(k, particles, ARRAY_SIZE(particles));
		free(k);
		if (!i)
			break;
		last--;
	}
	buf_reset(&b);
	for (i = last; i < n; i++) {
		if (b.len)
			buf_addch(&b, ' ');
		buf_addstr(&b, tok.v[i]);
	}
	*surname = one_line(b.data, NAME_MAX_CP);
out:
	if (found && *surname)
		*title = xstrdup(found);
	free(line);
	buf_release(&b);
	strlist_release(&tok);
}

UNITTEST char *
quote_make_title(const char *company, const char *product,
    const char *title, const char *surname, const char *full_name)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	char *u;

	if ((u = upper_line(company, COMPANY_MAX_CP))) {
		buf_addstr(&b, u);
		buf_addch(&b, ' ');
		free(u);
	}
	if ((u = upper_line(product, LABEL_MAX_CP))) {
		buf_addstr(&b, u);
		buf_addch(&b, ' ');
		free(u);
	}
	buf_addstr(&b, "QUOTATION");
	if (title && surname && (u = upper_line(surname, NAME_MAX_CP))) {
		char *tu = ufold_upper(title);

		buf_addf(&b, " FOR %s %s", tu, u);
		free(tu);
		free(u);
	} else if ((u = upper_line(full_name, NAME_MAX_CP))) {
		buf_addf(&b, " FOR %s", u);
		free(u);
	}
	return buf_detach(&b, NULL);
}

/* File names. */

/* ASCII for accented Latin letters U+0100..U+017F. */
static const char latin_ext_a[] =
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlL"
    "lLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

static const char *
translit(uint32_t cp)
{
	static const char *const latin1[] = {
		"A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E",
		"I", "I", "I", "I", "D", "N", "O", "O", "O", "O", "O", NULL,
		"O", "U", "U", "U", "U", "Y", "TH", "SS",
	};
	static const char *const cyr[] = {
		"A", "B", "V", "G", "D", "E", "ZH", "Z", "I", "Y", "K", "L",
		"M", "N", "O", "P", "R", "S", "T", "U", "F", "KH", "TS", "CH",
		"SH", "SHCH", "", "Y", "", "E", "YU", "YA",
	};
	static char one[2];

	cp = ufold_upper_cp(cp);
	if (cp >= 0xC0 && cp <= 0xDF)
		return latin1[cp - 0xC0];
	if (cp >= 0x100 && cp <= 0x17F) {
		one[0] = (char)toupper((unsigned char)latin_ext_a[cp - 0x100]);
		one[1] = '\0';
		return one;
	}
	if (cp >= 0x410 && cp <= 0x42F)
		return cyr[cp - 0x410];
	if (cp == 0x401)
		return "E";
	return NULL;
}

static const char *const dangling[] = {
	"_FOR_MR", "_FOR_MS", "_FOR_MRS", "_FOR_DR", "_FOR",
};

char *
quote_safe_name(const char *title, size_t max)
{
	struct buf b = BUF_INIT(SIZE_MAX);
	size_t len = title ? strlen(title) : 0, i = 0, cut, n;
	uint32_t cp;
	const char *tr;
	int sep = 0;

	if (max < 8)
		max = 8;
	while (i < len) {
		n = utf8_decode(title + i, len - i, &cp);
		i += n;
		if (cp < 0x80 && (isalnum((int)cp) || cp == '-')) {
			if (sep && b.len)
				buf_addch(&b, '_');
			sep = 0;
			buf_addch(&b, (char)cp);
		} else if ((tr = translit(cp))) {
			if (sep && b.len)
				buf_addch(&b, '_');
			sep = 0;
			buf_addstr(&b, tr);
		} else if (cp >= 0x80 && cp != 0xFFFD && ufold_is_word(cp)) {
			/* A Chinese company or name is the customer's own
			 * word for the file: kept, as UTF-8. */
			if (sep && b.len)
				buf_addch(&b, '_');
			sep = 0;
			buf_add(&b, title + i - n, n);
		} else {
			sep = 1;
		}
	}
	/* No leading '-' (an option to a shell command). */
	while (b.len && b.data[0] == '-') {
		memmove(b.data, b.data + 1, b.len);
		b.len--;
	}
	if (b.len > max) {
		cut = max;
		while (cut > max / 2 && b.data[cut] != '_')
			cut--;
		if (b.data[cut] != '_') {
			/* no word boundary: cut on a character */
			cut = max;
			while (cut > 0 && ((unsigned char)b.data[cut] &
			    0xC0) == 0x80)
				cut--;
		}
		buf_setlen(&b, cut);
	}
	while (b.len && (b.data[b.len - 1] == '_' || b.data[b.len - 1] == '-'))
		buf_setlen(&b, b.len - 1);
	/* A name in a script we drop leaves "..._FOR_MR": drop that too. */
	do {
		cut = 0;
		for (i = 0; i < ARRAY_SIZE(dangling) && !cut; i++) {
			if (ends_with(b.data, dangling[i]) &&
			    b.len > strlen(dangling[i]))
				cut = strlen(dangling[i]);
		}
		buf_setlen(&b, b.len - cut);
	} while (cut);
	if (!b.len)
		buf_addstr(&b, "QUOTATION");
	return buf_detach(&b, NULL);
}

/* The offer. */

static void
offer_init(struct offer *o)
{
	memset(o, 0, sizeof(*o));
	strlist_init(&o->categories);
	strlist_init(&o->to_confirm);
	strlist_init(&o->to_agree);
}

void
offer_release(struct offer *o)
{
	size_t i;

	for (i = 0; i < o->nitems; i++) {
		free(o->items[i].note);
		free(o->items[i].their_item);
	}
	free(o->items);
	free(o->number);
	free(o->title);
	free(o->customer_company);
	free(o->customer_name);
	free(o->salutation);
	free(o->product_label);
	strlist_release(&o->categories);
	strlist_release(&o->to_confirm);
	strlist_release(&o->to_agree);
	free(o->currency);
	free(o->incoterm);
	free(o->payment_terms);
	free(o->customer_email);
	free(o->customer_phone);
	free(o->customer_country);
	free(o->customer_address);
	free(o->company_source);
	free(o->points);
	offer_init(o);
}

/* A requirement's field, canonical: "Target price" -> "target_price". */
static char *
field_key(const char *field)
{
	char *k = ufold_lower(field ? field : ""), *p;

	for (p = k; *p; p++)
		if (*p == ' ' || *p == '-')
			*p = '_';
	return k;
}

static int
field_is(const char *key, const char *const *names, size_t n)
{
	return in_list(key, names, n);
}

/* The outline's fields (rules/README.md "Fields"), by how we answer them. */
static const char *const F_PRODUCT[] = { "product", "product_phrase",
	"products", "item", "items", "model", "part_number", "brand" };
static const char *const F_QTY[] = { "quantity", "qty", "quantities",
	"order_quantity", "volume" };
static const char *const F_INCOTERM[] = { "incoterm", "incoterms",
	"trade_term", "trade_terms", "price_term", "shipping_term" };
static const char *const F_PORT[] = { "port", "destination",
	"destination_port", "port_of_destination", "port_of_discharge" };
static const char *const F_CERT[] = { "certification", "certifications",
	"certificate", "certificates", "cert", "certs", "standard",
	"standards" };
static const char *const F_PACK[] = { "packaging", "packing", "package",
	"packages", "pack" };
static const char *const F_SPEC[] = { "spec", "specs", "specification",
	"specifications", "material", "materials", "size", "sizes", "color",
	"colour", "colors", "colours", "capacity", "feature", "features",
	"power", "voltage", "weight", "length", "thickness", "finish",
	"design" };
static const char *const F_DELIVERY[] = { "delivery", "lead_time",
	"delivery_time", "leadtime" };
static const char *const F_PAYMENT[] = { "payment", "payment_terms",
	"payment_term" };
/* Commercial terms: the rep agrees them, production has no say. */
static const char *const F_TERMS[] = { "shipping", "shipping_method",
	"freight", "insurance", "price_basis", "delivery_terms" };
static const char *const F_TARGET[] = { "target_price", "target",
	"budget" };
/* Answered by the sheet itself, or not a point to confirm at all. */
static const char *const F_SHEET[] = { "moq", "currency", "question" };
/* Not for the customer: who they are (the rep's notes), what they ask to
 * receive (the quotation is the reply). */
static const char *const F_HIDDEN[] = { "customer_type", "market",
	"order_type", "request", "labelled" };

/* Their fields as the customer reads them on the sheet. */
static const struct {
	const char *field;
	const char *label;
} field_labels[] = {
	{ "product", "Product" }, { "product_phrase", "Product" },
	{ "products", "Product" }, { "item", "Product" },
	{ "model", "Model" }, { "part_number", "Part number" },
	{ "brand", "Brand" }, { "quantity", "Quantity" },
	{ "moq", "MOQ" }, { "size", "Size" }, { "length", "Length" },
	{ "thickness", "Thickness" }, { "weight", "Weight" },
	{ "capacity", "Capacity" }, { "power", "Power" },
	{ "voltage", "Voltage" }, { "material", "Material" },
	{ "colour", "Colour" }, { "color", "Colour" }, { "finish", "Finish" },
	{ "shape", "Shape" }, { "design", "Design" },
	{ "compatibility", "Compatibility" }, { "spec", "Specification" },
	{ "quality", "Quality" }, { "usage", "Usage" },
	{ "logo", "Logo / customisation" }, { "packaging", "Packaging" },
	{ "certification", "Certification" }, { "documents", "Documents" },
	{ "samples", "Samples" }, { "incoterm", "Incoterm" },
	{ "port", "Port" }, { "destination", "Destination" },
	{ "shipping", "Shipping" }, { "insurance", "Insurance" },
	{ "price_basis", "Price basis" }, { "payment", "Payment" },
	{ "target_price", "Target price" }, { "currency", "Currency" },
	{ "delivery", "Delivery" }, { "warranty", "Warranty" },
	{ "includes", "Including" }, { "note", "Note" },
};

/* "Colour" for "colour", "Lead time" for an unknown "lead_time". */
static char *
field_label(const char *field)
{
	char *l, *p;
	size_t i;

	for (i = 0; field && i < ARRAY_SIZE(field_labels); i++)
		if (!strcasecmp(field, field_labels[i].field))
			return xstrdup(field_labels[i].label);
	l = one_line(field && *field ? field : "requirement", LABEL_MAX_CP);
	for (p = l; *p; p++)
		if (*p == '_')
			*p = ' ';
	if (*l >= 'a' && *l <= 'z')
		*l -= 32;
	return l;
}

/*
 * Adds "<Field>: <value> — to confirm with production" and marks the
 * point being decided (o->cur) to confirm; returns the line.
 */
static const char *
confirm(struct offer *o, const char *field, const char *value)
{
	char *v = one_line(value, NOTE_MAX_CP), *f = field_label(field);
	char *note = xasprintf("%s: %s%s", f, v ? v : "(not stated)",
	    CONFIRM_SUFFIX);
	long i = strlist_find(&o->to_confirm, note, 0);

	if (i < 0) {
		strlist_push_owned(&o->to_confirm, note);
		i = (long)o->to_confirm.n - 1;
	} else {
		free(note);
	}
	free(v);
	free(f);
	if (o->cur < o->npoints && o->points[o->cur].state != POINT_HIDDEN) {
		o->points[o->cur].state = POINT_CONFIRM;
		if (!o->points[o->cur].note)
			o->points[o->cur].note = o->to_confirm.v[i];
	}
	return o->to_confirm.v[i];
}

/*
 * A commercial term of theirs that is not ours (Incoterm, port, payment,
 * a target price we do not meet): not a question for production, but for
 * the rep, who quotes our terms and agrees the rest with the customer.
 * Adds "<Field>: <value> — to agree" and marks the point being decided
 * (o->cur) as a term to agree, unless it is already to confirm.
 */
static void
agree(struct offer *o, const char *field, const char *value)
{
	char *v = one_line(value, NOTE_MAX_CP), *f = field_label(field);
	char *note = xasprintf("%s: %s%s", f, v ? v : "(not stated)",
	    AGREE_SUFFIX);
	long i = strlist_find(&o->to_agree, note, 0);

	if (i < 0) {
		strlist_push_owned(&o->to_agree, note);
		i = (long)o->to_agree.n - 1;
	} else {
		free(note);
	}
	free(v);
	free(f);
	if (o->cur < o->npoints && o->points[o->cur].state ==
	    POINT_ANSWERED) {
		o->points[o->cur].state = POINT_AGREE;
		o->points[o->cur].note = o->to_agree.v[i];
	}
}

/* Words of a requirement worth checking against the catalog's text. */
static const char *const check_stop[] = {
	"a", "an", "and", "the", "with", "for", "of", "in", "on", "our",
	"your", "we", "need", "needs", "needed", "require", "required",
	"requirement", "please", "must", "should", "have", "has", "be", "is",
	"are", "it", "its", "all", "each", "per", "pcs", "pc", "to", "or",
	"by", "as", "if", "can", "you", "packing", "packaging", "package",
	"certified", "certificate", "certificates", "certification",
	"standard", "approved", "compliant", "material", "made", "from",
	"color", "colour", "size", "spec", "specs", "also", "only", "want",
	"would", "like", "any", "will", "use", "used",
};

/* Is w a whole word of h (both lowercase)? */
static int
has_whole_word(const char *h, const char *w)
{
	const char *q = h;
	size_t n = strlen(w);

	while (n && (q = strstr(q, w))) {
		if ((q == h || !isalnum((unsigned char)q[-1])) &&
		    !isalnum((unsigned char)q[n]))
			return 1;
		q++;
	}
	return 0;
}

/* Past a label such as "Payment:" or "付款方式：" at the start of text. */
static const char *
after_label(const char *text)
{
	const char *c = strstr(text, ":"), *w = strstr(text, "\xEF\xBC\x9A");

	if (w && (!c || w < c))
		return w - text <= 24 ? w + 3 : text;
	return c && c - text <= 24 && c[1] != '/' ? c + 1 : text;
}

/* The words of text (word_at: lowercased), but those in stop, into out. */
static void
text_words(const char *text, const char *const *stop, size_t nstop,
    struct strlist *out)
{
	const char *p = text, *end;
	char *word;
	size_t n;
	uint32_t cp;

	while (*p) {
		n = utf8_decode(p, strlen(p), &cp);
		if (!ufold_is_word(cp)) {
			p += n;
			continue;
		}
		word = word_at(p, &end);
		p = end > p ? end : p + n;
		if (word && !in_list(word, stop, nstop))
			strlist_push_owned(out, word);
		else
			free(word);
	}
}

/* Are words i and i + 1 of w, written together, a word of h: is "5 W"
 * the "5w" of h? */
static int
pair_in(const struct strlist *w, size_t i, const char *h)
{
	char *two;
	int in;

	if (i + 1 >= w->n)
		return 0;
	two = xasprintf("%s%s", w->v[i], w->v[i + 1]);
	in = has_whole_word(h, two);
	free(two);
	return in;
}

/*
 * Are all significant words of want (after any label) among the words of
 * have?  Two words of want may be one of have: "10000 mAh" is "10000mAh".
 */
static int
words_covered(const char *want, const char *have)
{
	struct strlist w = STRLIST_INIT;
	char *h = ufold_lower(have ? have : "");
	size_t i;
	int ok = 1;

	text_words(after_label(want ? want : ""), check_stop,
	    ARRAY_SIZE(check_stop), &w);
	for (i = 0; ok && i < w.n; i++) {
		/* the pair first: "5 W" is "5W", not a "5" somewhere */
		if (pair_in(&w, i, h))
			i++;
		else
			ok = has_whole_word(h, w.v[i]);
	}
	ok = ok && w.n > 0;
	strlist_release(&w);
	free(h);
	return ok;
}

/* Ports of loading by their names in a few languages. */
static const char *const port_names[][6] = {
	{ "shenzhen", "\xE6\xB7\xB1\xE5\x9C\xB3", "yantian", "shekou",
	    "\xD1\x88\xD1\x8D\xD0\xBD\xD1\x8C\xD1\x87\xD0\xB6\xD1\x8D\xD0"
	    "\xBD\xD1\x8C", "chiwan" },
	{ "shanghai", "\xE4\xB8\x8A\xE6\xB5\xB7",
	    "\xD1\x88\xD0\xB0\xD0\xBD\xD1\x85\xD0\xB0\xD0\xB9", NULL },
	{ "ningbo", "\xE5\xAE\x81\xE6\xB3\xA2",
	    "\xD0\xBD\xD0\xB8\xD0\xBD\xD0\xB1\xD0\xBE", NULL },
	{ "guangzhou", "\xE5\xB9\xBF\xE5\xB7\x9E", "nansha",
	    "huangpu", NULL },
	{ "xiamen", "\xE5\x8E\xA6\xE9\x97\xA8", "amoy", NULL },
	{ "qingdao", "\xE9\x9D\x92\xE5\xB2\x9B", NULL },
	{ "tianjin", "\xE5\xA4\xA9\xE6\xB4\xA5", "xingang", NULL },
	{ "hong kong", "\xE9\xA6\x99\xE6\xB8\xAF", "hongkong",
	    "\xD0\xB3\xD0\xBE\xD0\xBD\xD0\xBA\xD0\xBE\xD0\xBD\xD0\xB3",
	    NULL },
};

/* Which row of port_names text names, or -1. */
static int
port_of(const char *text)
{
	char *low = ufold_lower(text ? text : "");
	size_t i, j;
	int found = -1;

	for (i = 0; i < ARRAY_SIZE(port_names) && found < 0; i++)
		for (j = 0; j < 6 && port_names[i][j] && found < 0; j++)
			if (strstr(low, port_names[i][j]))
				found = (int)i;
	free(low);
	return found;
}

/* Does their port name ours ("深圳" is Shenzhen)? */
static int
same_port(const char *theirs, const char *ours)
{
	int p;

	if (!ours)
		return 0;
	if (words_covered(theirs, ours))
		return 1;
	p = port_of(ours);
	return p >= 0 && p == port_of(theirs);
}

/* Certification codes, compared without punctuation. */
static const char *const cert_codes[] = {
	"ce", "fcc", "rohs", "ul", "etl", "fda", "lfgb", "reach", "bsci",
	"sedex", "iso9001", "iso14001", "iso", "grs", "oekotex", "fsc",
	"un383", "msds", "sds", "ipx7", "ipx6", "ipx5", "ip67", "ip68", "kc",
	"pse", "saa", "rcm", "bis", "cb", "gs", "tuv", "weee", "cpsia",
	"prop65", "en71", "astm", "qi", "sgs", "ukca", "ccc", "emc", "lvd",
	"red", "erp", "cpc", "gots", "wrap", "smeta", "ecovadis", "halal",
	"fsc", "pefc", "bpa",
};

static char *
cert_key(const char *s)
{
	char *low = ufold_lower(s), *o = low, *i;

	for (i = low; *i; i++)
		if (isalnum((unsigned char)*i))
			*o++ = *i;
	*o = '\0';
	return low;
}

/* The certification codes named in text, as keys. */
static void
cert_codes_in(const char *text, struct strlist *out)
{
	char *copy = xstrdup(text ? text : ""), *save = NULL, *t, *k;
	char *p;

	/* "UN 38.3", "EN 71", "ISO 9001" are written with a space. */
	for (p = copy; *p; p++)
		if (strchr(",;/&+()|\n\t", *p))
			*p = ' ';
	{
		struct strlist words = STRLIST_INIT;
		size_t i;

		for (t = strtok_r(copy, " ", &save); t;
		    t = strtok_r(NULL, " ", &save))
			strlist_push(&words, t);
		for (i = 0; i < words.n; i++) {
			k = cert_key(words.v[i]);
			if (i + 1 < words.n && (!strcmp(k, "un") ||
			    !strcmp(k, "en") || !strcmp(k, "iso") ||
			    !strcmp(k, "oeko") || !strcmp(k, "prop"))) {
				char *k2 = cert_key(words.v[i + 1]);
				char *j = xasprintf("%s%s", k, k2);

				if (in_list(j, cert_codes,
				    ARRAY_SIZE(cert_codes))) {
					free(k);
					k = j;
					i++;
				} else {
					free(j);
				}
				free(k2);
			}
			if (in_list(k, cert_codes, ARRAY_SIZE(cert_codes)) &&
			    strlist_find(out, k, 0) < 0)
				strlist_push(out, k);
			free(k);
		}
		strlist_release(&words);
	}
	free(copy);
}

/* The certification requirement: which codes some item lacks. */
static void
check_certs(struct offer *o, const char *field, const char *value)
{
	struct strlist want = STRLIST_INIT, have = STRLIST_INIT;
	struct buf missing = BUF_INIT(SIZE_MAX);
	size_t i, j;
	char *u;

	cert_codes_in(value, &want);
	if (!want.n || !o->nitems) {
		confirm(o, field, value);
		goto out;
	}
	for (i = 0; i < want.n; i++) {
		int all = 1;

		for (j = 0; j < o->nitems; j++) {
			strlist_release(&have);
			cert_codes_in(o->items[j].p->certifications, &have);
			if (strlist_find(&have, want.v[i], 0) < 0)
				all = 0;
		}
		if (!all) {
			if (missing.len)
				buf_addstr(&missing, ", ");
			u = ufold_upper(want.v[i]);
			buf_addstr(&missing, u);
			free(u);
		}
	}
	if (missing.len)
		confirm(o, field, want.n == 1 ? value : missing.data);
out:
	strlist_release(&want);
	strlist_release(&have);
	buf_release(&missing);
}

/* Packaging or a spec point: answered when every item's text has it. */
static void
check_words(struct offer *o, const char *field, const char *value,
    int packaging)
{
	size_t i;
	int ok = o->nitems > 0;
	char *text;

	for (i = 0; ok && i < o->nitems; i++) {
		const struct product *p = o->items[i].p;

		if (packaging)
			text = xstrdup(p->packaging ? p->packaging : "");
		else
			text = xasprintf("%s %s %s", p->name,
			    p->spec ? p->spec : "",
			    p->certifications ? p->certifications : "");
		ok = words_covered(value, text);
		free(text);
	}
	if (!ok)
		confirm(o, field, value);
}

static const char *const incoterms[] = {
	"EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU",
	"DDP", "DAT", "DDU", "CNF",
};

/* The Incoterm named in text ("C&F" is CFR), or NULL; *rest after it. */
static const char *
incoterm_in(const char *text, const char **rest)
{
	char *up = ufold_upper(text ? text : "");
	const char *found = NULL, *p;
	size_t i;

	*rest = NULL;
	for (i = 0; i < ARRAY_SIZE(incoterms) && !found; i++) {
		for (p = up; (p = strstr(p, incoterms[i])); p++) {
			if ((p == up || !isalnum((unsigned char)p[-1])) &&
			    !isalnum((unsigned char)p[3])) {
				found = incoterms[i];
				*rest = text + (p - up) + 3;
				break;
			}
		}
	}
	if (!found && (p = strstr(up, "C&F"))) {
		found = "CFR";
		*rest = text + (p - up) + 3;
	}
	if (found && !strcmp(found, "CNF"))
		found = "CFR";
	free(up);
	return found;
}

/* E and F terms name the place of loading, ours; C and D theirs. */
static int
term_is_origin(const char *term)
{
	return term[0] == 'E' || term[0] == 'F';
}

/* Picks the products a text names: the best, and the best of each other
 * line it names just as clearly ("speakers and power banks"). */
static size_t
pick_products(const struct catalog *cat, const char *text,
    const struct product **out, size_t max)
{
	const struct product *m[16];
	int sc[16];
	size_t n, i, j, k = 0;

	n = catalog_match_scored(cat, text, m, sc, ARRAY_SIZE(m));
	for (i = 0; i < n && k < max; i++) {
		if (i > 0 && (sc[i] < CATALOG_SCORE_KEYWORD ||
		    sc[i] * 2 < sc[0]))
			break;
		for (j = 0; j < k; j++)
			if (!strcmp(out[j]->category, m[i]->category) &&
			    sc[i] < CATALOG_SCORE_SKU)
				break;
		if (j == k)
			out[k++] = m[i];
	}
	return k;
}

/* A new item for p; with once, none when p is quoted already. */
static struct quote_item *
new_item(struct offer *o, const struct product *p, int once)
{
	struct quote_item *it;
	size_t i;

	for (i = 0; once && i < o->nitems; i++)
		if (o->items[i].p == p)
			return NULL;
	if (o->nitems >= QUOTE_MAX_ITEMS)
		return NULL;
	o->items = xrealloc(o->items, (o->nitems + 1) * sizeof(*o->items));
	it = &o->items[o->nitems++];
	memset(it, 0, sizeof(*it));
	it->p = p;
	it->qty = p->moq;
	it->unit_price = product_price(p, p->moq);
	return it;
}

static struct quote_item *
add_item(struct offer *o, const struct product *p)
{
	return new_item(o, p, 1);
}

static void
item_note(struct quote_item *it, const char *note)
{
	it->to_confirm = 1;
	if (!it->note)
		it->note = xstrdup(note);
}

/* Sets the item's quantity from their words; notes what is to confirm. */
static void
item_quantity(struct offer *o, struct quote_item *it, const char *field,
    const char *value)
{
	const struct product *p = it->p;
	enum qty_kind kind;
	long q = 0;
	char *v = one_line(value, NOTE_MAX_CP), *what;

	kind = quote_parse_qty(value, &q);
	if (kind == QTY_UNITS && q >= p->moq) {
		it->qty = q;
		it->unit_price = product_price(p, q);
		goto out;
	}
	it->qty = p->moq;
	it->unit_price = product_price(p, p->moq);
	if (kind == QTY_UNITS)
		what = xasprintf("%s (below our MOQ of %ld %s for %s)",
		    v ? v : "", p->moq, p->unit, p->sku);
	else
		what = xasprintf("%s (quoted at the MOQ of %ld %s for %s)",
		    v ? v : "(not stated)", p->moq, p->unit, p->sku);
	item_note(it, confirm(o, field, what));
	free(what);
out:
	free(v);
}

static void
add_category(struct offer *o, const char *category)
{
	if (category && o->categories.n < MAX_CATEGORIES &&
	    strlist_find(&o->categories, category, 1) < 0)
		strlist_push(&o->categories, category);
}

static void
suggested_categories(struct offer *o, const struct catalog *cat,
    const struct enrich_info *ei)
{
	const char *best[MAX_CATEGORIES];
	size_t i, n;

	for (i = 0; ei && i < ei->nsugg; i++)
		add_category(o, catalog_category(cat, ei->sugg[i].category));
	if (o->categories.n)
		return;
	n = catalog_best_seller_categories(cat, best, MAX_CATEGORIES);
	for (i = 0; i < n; i++)
		add_category(o, best[i]);
	for (i = 0; !o->categories.n && i < cat->categories.n; i++)
		add_category(o, cat->categories.v[i]);
}

static void
build_vague(struct offer *o, const struct catalog *cat,
    const struct verdict *v, const struct enrich_info *ei)
{
	const struct product *m[VAGUE_PER_CATEGORY];
	size_t i, j, n;
	char *key;

	/* Products they did name point to their lines. */
	for (i = 0; v && i < v->nreq; i++) {
		key = field_key(v->req[i].field);
		if (field_is(key, F_PRODUCT, ARRAY_SIZE(F_PRODUCT))) {
			n = pick_products(cat, v->req[i].value, m, 1);
			if (n)
				add_category(o, m[0]->category);
		}
		free(key);
	}
	/* The lines their own words about their business point to ("we
	 * are a distributor of promotional products"), then the website's. */
	for (i = 0; v && i < v->lines.n; i++)
		add_category(o, catalog_category(cat, v->lines.v[i]));
	suggested_categories(o, cat, ei);
	for (i = 0; i < o->categories.n; i++) {
		n = catalog_best_sellers(cat, o->categories.v[i], m,
		    VAGUE_PER_CATEGORY);
		for (j = 0; !n && j < cat->n; j++)
			if (!strcmp(cat->v[j].category, o->categories.v[i]))
				m[n++] = &cat->v[j];
		for (j = 0; j < n; j++)
			add_item(o, m[j]);
	}
}

/*
 * Does every item's price meet their target ("USD 1.20 per piece")?  The
 * first number of their words is the target; none, or no item, is not met.
 */
static int
target_met(const struct offer *o, const char *value)
{
	const char *p = value;
	double t = 0;
	size_t i;

	while (*p && !isdigit((unsigned char)*p))
		p++;
	for (; isdigit((unsigned char)*p); p++)
		t = t * 10 + (*p - '0');
	if (*p == '.' && isdigit((unsigned char)p[1])) {
		double f = 0.1;

		for (p++; isdigit((unsigned char)*p); p++, f /= 10)
			t += (*p - '0') * f;
	}
	if (t <= 0 || !o->nitems || strchr(value, '%'))
		return 0;
	for (i = 0; i < o->nitems; i++)
		if (o->items[i].unit_price > t + 1e-9)
			return 0;
	return 1;
}

/* Their Incoterm against ours; may name the place on o->incoterm. */
static void
check_incoterm(struct offer *o, const struct conf *c, const char *field,
    const char *value)
{
	const char *our = c->incoterm ? c->incoterm : "FOB", *rest, *term;
	char *place;

	term = incoterm_in(value, &rest);
	if (!term || strcasecmp(term, our)) {
		agree(o, field, value);
		return;
	}
	place = one_line(rest, 60);
	while (place && strchr(",.:;-", place[0])) {
		char *t = one_line(place + 1, 60);

		free(place);
		place = t;
	}
	if (place && (!c->port || !term_is_origin(our))) {
		/* Their named place where we have none, or a destination. */
		free(o->incoterm);
		o->incoterm = xasprintf("%s %s", our, place);
		if (!term_is_origin(our))
			agree(o, field, value);
	} else if (place && !same_port(place, c->port)) {
		agree(o, field, value);
	}
	free(place);
}

/*
 * "Quantity: 5,000 pcs" under spec, when quantity "5,000 pcs" is in the
 * outline too: a line of their table restated under another field.
 */
static int
restates(const struct verdict *v, size_t i)
{
	const char *val = v->req[i].value, *colon;
	size_t j;

	colon = val ? strchr(val, ':') : NULL;
	if (!colon || colon - val > 30)
		return 0;
	for (j = 0; j < v->nreq; j++) {
		if (j == i || !v->req[j].value || strlen(v->req[j].value) < 2 ||
		    (v->req[j].field && v->req[i].field &&
		    !strcmp(v->req[j].field, v->req[i].field)))
			continue;
		if (strcasestr(colon + 1, v->req[j].value))
			return 1;
	}
	return 0;
}

/* The smallest MOQ of the items: a later quantity below it is packing
 * ("40 pcs" per carton), not a second order. */
/*
 * Attributes a buyer asks of a product that our product may not have:
 * a word with a digit (IPX5, 20000mAh, 12oz) or one of these.  Other
 * words of a product line ("high quality", "for our stores") are not
 * checked: they would send every line to production.
 */
static const char *const attribute_words[] = {
	"waterproof", "water-resistant", "wireless", "rechargeable", "solar",
	"magnetic", "foldable", "stainless", "organic", "recycled",
	"biodegradable", "compostable", "bamboo", "leather", "silicone",
	"aluminium", "aluminum", "wooden", "glass", "ceramic", "led",
	"usb-c", "type-c", "bpa-free", "insulated", "anti-slip",
	"impermeable", "wasserdicht", "étanche", "à prova d'água",
	"водонепроницаемый", "防水", "无线", "不锈钢",
};

/*
 * The attributes of want (a product line in their words) that p's name,
 * spec, certificates and keywords do not state, as "waterproof, IPX5"
 * (their spelling, lowercase), or NULL.
 */
static char *
product_gaps(const struct product *p, const char *want)
{
	struct strlist w = STRLIST_INIT;
	struct buf have = BUF_INIT(SIZE_MAX), gaps = BUF_INIT(BUF_CAP_LINE);
	char *h;
	size_t i;

	buf_addf(&have, "%s %s %s %s", p->sku, p->name, p->spec ? p->spec :
	    "", p->certifications ? p->certifications : "");
	for (i = 0; i < p->keywords.n; i++)
		buf_addf(&have, " %s", p->keywords.v[i]);
	h = ufold_lower(have.data);
	text_words(want, NULL, 0, &w);
	for (i = 0; i < w.n; i++) {
		/* the pair first: "5 W" is "5W" */
		if (pair_in(&w, i, h)) {
			i++;
			continue;
		}
		if (!strpbrk(w.v[i], "0123456789") && !in_list(w.v[i],
		    attribute_words, ARRAY_SIZE(attribute_words)))
			continue;
		if (!strpbrk(w.v[i], "abcdefghijklmnopqrstuvwxyz") &&
		    !in_list(w.v[i], attribute_words,
		    ARRAY_SIZE(attribute_words)))
			continue;	/* a number: a quantity, a year */
		if (has_whole_word(h, w.v[i]))
			continue;
		buf_addf(&gaps, "%s%s", gaps.len ? ", " : "", w.v[i]);
	}
	strlist_release(&w);
	buf_release(&have);
	free(h);
	return gaps.len ? buf_detach(&gaps, NULL) : (buf_release(&gaps), NULL);
}

/* A product point asking what the item's product does not state: to
 * confirm, naming what. */
static void
product_point_gaps(struct offer *o, struct quote_item *it,
    const char *field, const char *value)
{
	char *gaps = product_gaps(it->p, value), *what;

	if (!gaps)
		return;
	what = xasprintf("%s (not in the specification of %s: %s)", value,
	    it->p->sku, gaps);
	item_note(it, confirm(o, field, what));
	free(what);
	free(gaps);
}

/* ---- A spec table: one item per row ----------------------------------- */

/*
 * RFQs often come as a table, one product per row with its size,
 * material and quantity.  html_to_text writes a table row as one line
 * of cells split by " | "; a plain-text table splits them by tabs.  A
 * run of such lines with the same number of cells (two or more) is a
 * table; a first line without digits is its header.
 */
#define TABLE_MAX_ROWS	QUOTE_MAX_ITEMS
#define TABLE_MAX_CELLS	12

struct table_row {
	const struct product *p;
	char *cells[TABLE_MAX_CELLS];	/* trimmed, owned */
	size_t ncells;
};

/*
 * Splits line s[0..n) into cells; returns their number (0: no table).
 * Cells are split by tabs, else by " | " (a Markdown row's outer bars
 * aside), else by runs of two blanks or more (columns aligned with
 * spaces in a plain-text mail).
 */
static size_t
split_cells(const char *s, size_t n, char **cells)
{
	const char *p, *end, *sep;
	size_t k = 0, w;
	int tabs = memchr(s, '\t', n) != NULL, bars;

	while (n && (*s == ' ' || *s == '|')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '|'))
		n--;
	p = s;
	end = s + n;
	bars = !tabs && memmem(s, n, " | ", 3) != NULL;
	while (p <= end && k < TABLE_MAX_CELLS) {
		if (tabs) {
			sep = memchr(p, '\t', (size_t)(end - p));
			w = 1;
		} else if (bars) {
			sep = memmem(p, (size_t)(end - p), " | ", 3);
			w = 3;
		} else {
			sep = memmem(p, (size_t)(end - p), "  ", 2);
			for (w = 2; sep && sep + w < end && sep[w] == ' '; w++)
				;
		}
		if (!sep)
			sep = end;
		cells[k++] = str_trim(xstrndup(p, (size_t)(sep - p)));
		p = sep + w;
	}
	if (k < 2) {
		while (k)
			free(cells[--k]);
	}
	return k;
}

static int
row_has_digit(const struct table_row *r)
{
	size_t i;

	for (i = 0; i < r->ncells; i++)
		if (strpbrk(r->cells[i], "0123456789"))
			return 1;
	return 0;
}

/* A header cell that names the quantity column. */
static int
qty_header(const char *cell)
{
	static const char *const words[] = { "qty", "quantity", "quantities",
		"q'ty", "order", "pcs", "units", "cantidad", "menge",
		"anzahl", "quantité", "qté", "quantidade", "quantità",
		"количество", "кол-во", "数量", "數量", "miktar", "ilość" };
	char *l = ufold_lower(cell);
	size_t i;
	int hit = 0;

	for (i = 0; i < ARRAY_SIZE(words) && !hit; i++)
		hit = strstr(l, words[i]) != NULL;
	free(l);
	return hit;
}

static void
rows_release(struct table_row *rows, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < rows[i].ncells; j++)
			free(rows[i].cells[j]);
}

/*
 * The first table of text whose rows name products of ours: at most
 * TABLE_MAX_ROWS rows into rows, the quantity column into *qcol (-1
 * when no header names it).  Returns the rows that name a product.
 */
static size_t
table_rows(const struct catalog *cat, const char *text,
    struct table_row *rows, long *qcol)
{
	struct table_row cur[TABLE_MAX_ROWS];
	const char *line = text, *nl;
	size_t ncur = 0, want = 0, i, n, matched = 0;
	char *cells[TABLE_MAX_CELLS];

	*qcol = -1;
	for (;;) {
		if (line) {
			nl = strchr(line, '\n');
			n = nl ? (size_t)(nl - line) : strlen(line);
			n = split_cells(line, n, cells);
		} else {
			n = 0;	/* after the last line: a table there ends */
		}
		if (n && ncur && n == want && ncur < TABLE_MAX_ROWS) {
			memcpy(cur[ncur].cells, cells, n * sizeof(*cells));
			cur[ncur++].ncells = n;
		} else {
			/* A table ends: keep it when it names products. */
			for (i = 0, matched = 0; i < ncur; i++) {
				const struct product *m[1];

				cur[i].p = NULL;
				if (i == 0 && !row_has_digit(&cur[0]))
					continue;	/* the header */
				if (pick_products(cat, cur[i].cells[0], m, 1) ||
				    pick_products(cat, cur[i].cells[1], m, 1))
					cur[i].p = m[0];
				matched += cur[i].p != NULL;
			}
			if (matched >= 2) {
				while (n)
					free(cells[--n]);
				break;
			}
			rows_release(cur, ncur);
			ncur = 0;
			if (n) {
				memcpy(cur[0].cells, cells, n * sizeof(*cells));
				cur[0].ncells = n;
				ncur = 1;
				want = n;
			}
		}
		if (!line)
			break;
		line = nl ? nl + 1 : NULL;
	}
	if (matched < 2) {
		rows_release(cur, ncur);
		return 0;
	}
	/* The header's quantity column. */
	for (i = 0; i < cur[0].ncells && !cur[0].p; i++)
		if (qty_header(cur[0].cells[i]))
			*qcol = (long)i;
	for (i = 0, n = 0; i < ncur; i++)
		if (cur[i].p)
			rows[n++] = cur[i];
		else
			rows_release(&cur[i], 1);
	return n;
}

/*
 * One item per row of a spec table in text, each with the quantity of
 * its row and the rest of the row (size, material, printing) to confirm.
 * Returns the items added: none unless two rows or more name products.
 */
static size_t
table_items(struct offer *o, const struct catalog *cat, const char *text)
{
	struct table_row rows[TABLE_MAX_ROWS];
	struct quote_item *it;
	struct buf spec = BUF_INIT(BUF_CAP_LINE);
	size_t n, i, j, added = 0;
	long qcol, q;
	ssize_t qi;

	n = table_rows(cat, text, rows, &qcol);
	for (i = 0; i < n; i++) {
		if (!(it = new_item(o, rows[i].p, 0)))
			break;
		added++;
		if (!str_blank(rows[i].cells[0]))
			it->their_item = one_line(rows[i].cells[0], 60);
		qi = qcol >= 0 && (size_t)qcol < rows[i].ncells ? qcol : -1;
		for (j = rows[i].ncells; qi < 0 && j > 1; j--)
			if (quote_parse_qty(rows[i].cells[j - 1], &q) ==
			    QTY_UNITS || quote_parse_qty(rows[i].cells[j - 1],
			    &q) == QTY_CONTAINER)
				qi = (ssize_t)j - 1;
		if (qi >= 0)
			item_quantity(o, it, "quantity", rows[i].cells[qi]);
		buf_reset(&spec);
		for (j = 1; j < rows[i].ncells; j++) {
			if ((ssize_t)j == qi || str_blank(rows[i].cells[j]))
				continue;
			buf_addf(&spec, "%s%s", spec.len ? ", " : "",
			    rows[i].cells[j]);
		}
		if (spec.len) {
			char *what = xasprintf("%s (%s): %s",
			    rows[i].cells[0], it->p->sku, spec.data);

			item_note(it, confirm(o, "spec", what));
			free(what);
		}
	}
	rows_release(rows, n);
	buf_release(&spec);
	return added;
}

static long
min_item_moq(const struct offer *o)
{
	long m = QTY_MAX;
	size_t i;

	for (i = 0; i < o->nitems; i++)
		m = MIN(m, o->items[i].p->moq);
	return m;
}

static void
build_detailed(struct offer *o, const struct conf *c,
    const struct catalog *cat, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v)
{
	const struct product *m[MAX_CATEGORIES];
	const char *our = c->incoterm ? c->incoterm : "FOB";
	size_t i, j, n, nprod = 0, nqty = 0, qn = 0, nrows;
	size_t *first_item, *nitems_of, *prod_req, *matched, *answer;
	char **keys;
	long ignored;
	int phrase = 0;

	keys = xcalloc(v->nreq + 1, sizeof(*keys));
	o->points = xcalloc(v->nreq + 1, sizeof(*o->points));
	o->npoints = v->nreq;
	o->cur = o->npoints;
	first_item = xcalloc(v->nreq + 1, sizeof(*first_item));
	nitems_of = xcalloc(v->nreq + 1, sizeof(*nitems_of));
	prod_req = xcalloc(v->nreq + 1, sizeof(*prod_req));
	matched = xcalloc(v->nreq + 1, sizeof(*matched));
	answer = xcalloc(v->nreq + 1, sizeof(*answer));
	for (i = 0; i < v->nreq; i++) {
		keys[i] = field_key(v->req[i].field);
		phrase |= !strcmp(keys[i], "product_phrase");
	}
	/* A spec table: its rows are the items, with their quantities. */
	nrows = s && s->visible_text ? table_items(o, cat, s->visible_text) :
	    0;
	/* The products, in the order they named them (the catalog's name
	 * that the lookup put beside their words quotes, but is not one
	 * more product of theirs). */
	for (i = 0; i < v->nreq; i++) {
		if (field_is(keys[i], F_QTY, ARRAY_SIZE(F_QTY)))
			nqty++;
		if (!field_is(keys[i], F_PRODUCT, ARRAY_SIZE(F_PRODUCT)))
			continue;
		if (!(phrase && !v->req[i].rule && !strcmp(keys[i],
		    "product")))
			prod_req[nprod++] = i;
		first_item[i] = o->nitems;
		n = pick_products(cat, v->req[i].value, m, MAX_CATEGORIES);
		answer[i] = SIZE_MAX;
		for (j = 0; j < n; j++) {
			size_t k;

			/* their words for a line the catalog's name (listed
			 * first) already quotes: that item answers them */
			for (k = 0; phrase && !strcmp(keys[i],
			    "product_phrase") && k < o->nitems; k++)
				if (!strcmp(o->items[k].p->category,
				    m[j]->category))
					break;
			if (!phrase || strcmp(keys[i], "product_phrase") ||
			    k == o->nitems)
				add_item(o, m[j]);
			else if (j == 0)
				answer[i] = k;
		}
		nitems_of[i] = o->nitems - first_item[i];
		if (nitems_of[i])
			answer[i] = first_item[i];
		matched[i] = n;
	}
	/* Named nowhere in the outline: look at the subject, the text. */
	if (!nprod && !nrows) {
		n = pm && pm->subject ? pick_products(cat, pm->subject, m,
		    MAX_CATEGORIES) : 0;
		if (!n && s && s->visible_text)
			n = pick_products(cat, s->visible_text, m,
			    MAX_CATEGORIES);
		for (j = 0; j < n; j++)
			add_item(o, m[j]);
	}
	for (i = 0; i < o->nitems; i++)
		add_category(o, o->items[i].p->category);
	/* Every point of their outline, in order. */
	for (i = 0; i < v->nreq; i++) {
		const char *f = v->req[i].field, *val = v->req[i].value;
		const char *key = keys[i];

		o->cur = i;
		/* not for the customer: internal fields, the catalog's
		 * name beside their words, a line restated elsewhere */
		if (str_blank(val) || field_is(key, F_HIDDEN,
		    ARRAY_SIZE(F_HIDDEN)) || (phrase && !v->req[i].rule &&
		    !strcmp(key, "product")) || (!field_is(key, F_PRODUCT,
		    ARRAY_SIZE(F_PRODUCT)) && !field_is(key, F_QTY,
		    ARRAY_SIZE(F_QTY)) && restates(v, i))) {
			o->points[i].state = POINT_HIDDEN;
			continue;
		}
		if (field_is(key, F_PRODUCT, ARRAY_SIZE(F_PRODUCT))) {
			/* what we do not list is to confirm; their words for
			 * what the catalog lookup found are answered by it */
			if (!matched[i] && !(o->nitems &&
			    !strcmp(key, "product_phrase")))
				confirm(o, f, val);
			/* what they ask of it that ours does not state */
			else if (answer[i] < o->nitems)
				product_point_gaps(o, &o->items[answer[i]], f,
				    val);
		} else if (nrows && field_is(key, F_QTY, ARRAY_SIZE(F_QTY))) {
			/* each row's quantity is quoted on its item */
		} else if (field_is(key, F_QTY, ARRAY_SIZE(F_QTY))) {
			size_t from = 0, to = o->nitems, pr;

			if (nqty > 1 && nqty == nprod) {
				/* one quantity per product, in order */
				pr = prod_req[qn];
				from = first_item[pr];
				to = from + nitems_of[pr];
			} else if (qn > 0) {
				/* "then 20k monthly" is to confirm; "40 pcs
				 * per carton" is packing, "1.20 per piece"
				 * no quantity at all */
				enum qty_kind k = quote_parse_qty(val, &ignored);

				from = to = 0;
				if (k == QTY_CONTAINER || (k == QTY_UNITS &&
				    ignored >= min_item_moq(o)))
					confirm(o, f, val);
			}
			for (j = from; j < to; j++)
				item_quantity(o, &o->items[j], f, val);
			/* nothing quoted: no price answers their quantity */
			if (from == to && qn == 0 && (!o->nitems ||
			    quote_parse_qty(val, &ignored) != QTY_UNITS))
				confirm(o, f, val);
			qn++;
		} else if (field_is(key, F_INCOTERM, ARRAY_SIZE(F_INCOTERM))) {
			check_incoterm(o, c, f, val);
		} else if (field_is(key, F_PORT, ARRAY_SIZE(F_PORT))) {
			/* with no port of ours, their FOB place became ours
			 * (check_incoterm): the same port is answered */
			if (!term_is_origin(our) || !same_port(val, c->port ?
			    c->port : o->incoterm))
				agree(o, f, val);
		} else if (field_is(key, F_CERT, ARRAY_SIZE(F_CERT))) {
			check_certs(o, f, val);
		} else if (field_is(key, F_PACK, ARRAY_SIZE(F_PACK))) {
			check_words(o, f, val, 1);
		} else if (field_is(key, F_SPEC, ARRAY_SIZE(F_SPEC))) {
			check_words(o, f, val, 0);
		} else if (field_is(key, F_DELIVERY, ARRAY_SIZE(F_DELIVERY))) {
			/* answered by each item's lead time */
			for (j = 0; j < o->nitems; j++)
				if (str_blank(o->items[j].p->lead_time))
					break;
			if (!o->nitems || j < o->nitems)
				confirm(o, f, val);
		} else if (field_is(key, F_PAYMENT, ARRAY_SIZE(F_PAYMENT))) {
			if (!c->payment_terms ||
			    !words_covered(val, c->payment_terms))
				agree(o, f, val);
		} else if (!strcmp(key, "currency")) {
			if (!c->currency || !words_covered(val, c->currency))
				agree(o, f, val);
		} else if (field_is(key, F_TERMS, ARRAY_SIZE(F_TERMS))) {
			agree(o, f, val);
		} else if (field_is(key, F_TARGET, ARRAY_SIZE(F_TARGET))) {
			if (!target_met(o, val))
				agree(o, f, val);
		} else if (!field_is(key, F_SHEET, ARRAY_SIZE(F_SHEET))) {
			confirm(o, f, val);
		}
	}
	o->cur = o->npoints;
	/* No quantity given: quoted at the MOQ, to confirm. */
	for (i = 0; !nqty && !nrows && i < o->nitems; i++) {
		struct quote_item *it = &o->items[i];
		char *what = xasprintf("not stated (quoted at the MOQ of %ld "
		    "%s for %s)", it->p->moq, it->p->unit, it->p->sku);

		item_note(it, confirm(o, "quantity", what));
		free(what);
	}
	for (i = 0; i < v->nreq; i++)
		free(keys[i]);
	free(keys);
	free(first_item);
	free(nitems_of);
	free(prod_req);
	free(matched);
	free(answer);
}

/* A label from their words: "solar panels 400W" -> "solar panel" (at
 * most three words, none with digits, the last made singular). */
static char *
words_label(const char *text)
{
	struct strlist w = STRLIST_INIT;
	struct buf b = BUF_INIT(SIZE_MAX);
	char *line = one_line(text, 60), *out = NULL;
	size_t i, n = 0;

	if (!line)
		return NULL;
	split_words(line, &w);
	for (i = 0; i < w.n && n < 3; i++) {
		if (strpbrk(w.v[i], "0123456789,;:()/"))
			break;
		if (b.len)
			buf_addch(&b, ' ');
		buf_addstr(&b, w.v[i]);
		n++;
	}
	if (b.len)
		out = catalog_singular(b.data);
	buf_release(&b);
	strlist_release(&w);
	free(line);
	return out;
}

/* "SPEAKER", "SPEAKER & POWER BANK", "BEST SELLERS". */
static char *
product_label(const struct offer *o, const struct verdict *v)
{
	struct strlist cats = STRLIST_INIT;
	char *a, *b, *out = NULL, *key;
	size_t i;

	for (i = 0; i < o->nitems; i++)
		if (strlist_find(&cats, o->items[i].p->category, 1) < 0)
			strlist_push(&cats, o->items[i].p->category);
	/* A detailed inquiry for what we do not list: in their words. */
	for (i = 0; !cats.n && o->cls == CLASS_DETAILED && v &&
	    i < v->nreq && !out; i++) {
		key = field_key(v->req[i].field);
		if (field_is(key, F_PRODUCT, ARRAY_SIZE(F_PRODUCT)))
			out = words_label(v->req[i].value);
		free(key);
	}
	if (!cats.n && !out)
		for (i = 0; i < o->categories.n; i++)
			strlist_push(&cats, o->categories.v[i]);
	if (cats.n == 1) {
		out = catalog_singular(cats.v[0]);
	} else if (cats.n == 2) {
		a = catalog_singular(cats.v[0]);
		b = catalog_singular(cats.v[1]);
		out = xasprintf("%s & %s", a, b);
		free(a);
		free(b);
	} else if (cats.n > 2) {
		out = xstrdup(o->cls == CLASS_DETAILED ? "PRODUCT" :
		    "BEST SELLERS");
	}
	strlist_release(&cats);
	if (out) {
		a = ufold_upper(out);
		free(out);
		out = a;
	}
	return out;
}

void
offer_build(const struct conf *c, const struct catalog *cat,
    const struct parsed_msg *pm, const struct sig_result *s,
    const struct verdict *v, const struct enrich_info *ei, long seq,
    int64_t now, struct offer *o)
{
	char *title = NULL, *surname = NULL, *full = NULL, *company_label;
	const char *name = NULL, *stated = NULL, *addr = NULL, *at;
	char date[16];
	time_t tt = (time_t)now;
	struct tm tm;

	offer_init(o);
	o->cls = v ? v->cls : CLASS_VAGUE;
	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(date, sizeof(date), "%Y%m%d", &tm);
	o->number = xasprintf("Q-%s-%04ld", date, seq < 0 ? 0 : seq % 100000);
	o->date = now;
	o->validity_days = c->quote_validity_days > 0 ?
	    c->quote_validity_days : 30;
	o->currency = xstrdup(c->currency ? c->currency : "USD");
	o->incoterm = c->port ? xasprintf("%s %s",
	    c->incoterm ? c->incoterm : "FOB", c->port) :
	    xstrdup(c->incoterm ? c->incoterm : "FOB");
	o->payment_terms = xstrdup_or_null(c->payment_terms);

	/* Who they are. */
	if (s && !str_blank(s->f.company)) {
		o->customer_company = one_line(s->f.company, 120);
		o->company_source = xstrdup("signature");
	} else if (ei && !str_blank(ei->site_name)) {
		o->customer_company = one_line(ei->site_name, 120);
		o->company_source = xstrdup("website");
	}
	if (pm)
		addr = pm->reply_to.addr ? pm->reply_to.addr : pm->from.addr;
	o->customer_email = one_line(addr, 254);
	if (s && !str_blank(s->f.name))
		name = s->f.name;
	else if (pm && !str_blank(pm->from.name))
		name = pm->from.name;
	if (s)
		stated = s->f.salutation;
	quote_person(name, stated, &title, &surname, &full);
	if (full && o->customer_company &&
	    !strcasecmp(full, o->customer_company)) {
		FREE_AND_NULL(full);
		FREE_AND_NULL(surname);
		FREE_AND_NULL(title);
	}
	o->customer_name = full ? xstrdup(full) : NULL;
	if (title && surname)
		o->salutation = xasprintf("%s %s", title, surname);
	else if (full)
		o->salutation = xstrdup(full);
	if (s && s->f.phones.n)
		o->customer_phone = one_line(s->f.phones.v[0], 60);
	else if (s && s->f.mobiles.n)
		o->customer_phone = one_line(s->f.mobiles.v[0], 60);
	if (s && !str_blank(s->f.country))
		o->customer_country = one_line(s->f.country, 60);
	else if (ei && !str_blank(ei->country))
		o->customer_country = one_line(ei->country, 60);
	if (s)
		o->customer_address = one_line(s->f.address, 200);

	/* What we quote. */
	if (o->cls == CLASS_DETAILED && v)
		build_detailed(o, c, cat, pm, s, v);
	else
		build_vague(o, cat, v, ei);
	if (o->cls == CLASS_DETAILED && !o->nitems)
		suggested_categories(o, cat, ei);
	o->product_label = product_label(o, v);

	/* The title. */
	if (o->customer_company) {
		company_label = quote_short_company(o->customer_company);
	} else {
		const char *dom = ei && ei->reg_domain ? ei->reg_domain :
		    (addr && (at = strrchr(addr, '@')) ? at + 1 : NULL);

		company_label = ei && ei->free_mail == 1 ? NULL :
		    quote_domain_company(dom);
		if (company_label)
			o->company_source = xstrdup("domain");
	}
	o->title = quote_make_title(company_label, o->product_label, title,
	    surname, full);
	free(company_label);
	free(title);
	free(surname);
	free(full);
}

/* The sheet. */

struct cols {
	int photo;
	unsigned no, pic, model, desc, moq, qty, unit, price, amount, lead;
	unsigned last;
};

static void
cols_layout(struct cols *k, int photo)
{
	unsigned c = 0;

	k->photo = photo;
	k->no = c++;
	k->pic = photo ? c++ : 0;
	k->model = c++;
	k->desc = c++;
	k->moq = c++;
	k->qty = c++;
	k->unit = c++;
	k->price = c++;
	k->amount = c++;
	k->lead = c++;
	k->last = c - 1;
}

/* Lines the text takes in a column width chars wide. */
static unsigned
text_lines(const char *text, double width)
{
	size_t len = text ? strlen(text) : 0, i = 0;
	unsigned lines = 1;
	double col = 0;
	uint32_t cp;

	while (i < len) {
		i += utf8_decode(text + i, len - i, &cp);
		if (cp == '\n') {
			lines++;
			col = 0;
			continue;
		}
		col += ufold_is_cjk(cp) ? 2 : 1.05;
		if (col > width) {
			lines++;
			col = ufold_is_cjk(cp) ? 2 : 1.05;
		}
	}
	return lines;
}

static int
readable(const char *path)
{
	return path && access(path, R_OK) == 0;
}

static void
kv(struct xlsx_sheet *sh, unsigned row, unsigned l1, unsigned l2,
    unsigned v1, unsigned v2, const char *label, const char *value)
{
	xlsx_merge(sh, row, l1, row, l2, label, XS_BOLD | XS_SMALL);
	xlsx_merge(sh, row, v1, row, v2, value ? value : "", XS_WRAP);
}

static void
write_sheet(const struct conf *c, const struct offer *o, struct xlsx *x)
{
	const char *cur = o->currency ? o->currency : "USD";
	const char *number = o->number ? o->number : "";
	struct xlsx_sheet *sh;
	struct cols k;
	struct buf b = BUF_INIT(SIZE_MAX);
	char r1[16], r2[16], *s;
	unsigned row, head, first, i, lines, img_h, n;
	double total = 0, amount, h;
	int photo = 0;
	size_t j;

	for (j = 0; j < o->nitems; j++)
		photo |= readable(o->items[j].p->image);
	cols_layout(&k, photo);
	sh = xlsx_sheet_add(x, "Quotation");
	xlsx_hide_gridlines(sh);
	xlsx_columns(sh, k.no, k.no, 5, 0);
	if (photo)
		xlsx_columns(sh, k.pic, k.pic, 13.5, 0);
	xlsx_columns(sh, k.model, k.model, 12, 0);
	xlsx_columns(sh, k.desc, k.desc, 42, 0);
	xlsx_columns(sh, k.moq, k.qty, 10, 0);
	xlsx_columns(sh, k.unit, k.unit, 6, 0);
	xlsx_columns(sh, k.price, k.price, 12, 0);
	xlsx_columns(sh, k.amount, k.amount, 14, 0);
	xlsx_columns(sh, k.lead, k.lead, 12, 0);

	/* The title. */
	xlsx_merge(sh, 0, 0, 0, k.last, o->title,
	    XS_TITLE | XS_CENTER | XS_WRAP);
	xlsx_row_height(sh, 0, 24.0 * text_lines(o->title, 70) + 12);

	/* Our company, with the logo on the right. */
	row = 2;
	xlsx_merge(sh, row, 0, row, k.desc, c->company_name, XS_SUBTITLE);
	xlsx_row_height(sh, row++, 20);
	if (c->company_address) {
		xlsx_merge(sh, row, 0, row, k.desc, c->company_address, 0);
		row++;
	}
	buf_reset(&b);
	if (c->company_phone)
		buf_addf(&b, "Tel: %s", c->company_phone);
	if (c->company_email)
		buf_addf(&b, "%sEmail: %s", b.len ? "   " : "",
		    c->company_email);
	if (b.len) {
		xlsx_merge(sh, row, 0, row, k.desc, b.data, 0);
		row++;
	}
	if (c->company_website) {
		xlsx_merge(sh, row, 0, row, k.desc, c->company_website, 0);
		row++;
	}
	if (c->company_logo && xlsx_image(sh, 2, k.price, c->company_logo,
	    220, 72, 0, 2, c->company_name, NULL))
		log_warnx("quote: logo '%s' left out (not a readable PNG, "
		    "JPEG, GIF or BMP under 5 MiB)", log_esc(c->company_logo));
	row = MAX(row, 6u) + 1;

	/* Their block on the left, the quote's on the right. */
	xlsx_merge(sh, row, 0, row, k.desc, "QUOTATION TO",
	    XS_BOLD | XS_SHADE);
	xlsx_merge(sh, row, k.moq, row, k.lead, "QUOTATION DETAILS",
	    XS_BOLD | XS_SHADE);
	row++;
	first = row;
	{
		const char *labels[6] = { "Company", "Contact", "Email",
		    "Phone", "Country", "Address" };
		const char *values[6];
		char *dom = NULL;

		if (!o->customer_company && o->customer_email &&
		    strchr(o->customer_email, '@'))
			dom = xstrdup(strchr(o->customer_email, '@') + 1);
		values[0] = o->customer_company ? o->customer_company : dom;
		values[1] = o->customer_name;
		values[2] = o->customer_email;
		values[3] = o->customer_phone;
		values[4] = o->customer_country;
		values[5] = o->customer_address;
		for (i = 0; i < 6; i++)
			kv(sh, first + i, 0, 1, 2, k.desc, labels[i],
			    values[i]);
		free(dom);
	}
	kv(sh, first, k.moq, k.qty, k.unit, k.lead, "Quote No.", number);
	kv(sh, first + 1, k.moq, k.qty, k.unit, k.lead, "Date", "");
	xlsx_date(sh, first + 1, k.unit, o->date, XS_DATE | XS_LEFT);
	kv(sh, first + 2, k.moq, k.qty, k.unit, k.lead, "Valid until", "");
	xlsx_date(sh, first + 2, k.unit,
	    o->date + (int64_t)o->validity_days * 86400, XS_DATE | XS_LEFT);
	kv(sh, first + 3, k.moq, k.qty, k.unit, k.lead, "Currency", cur);
	kv(sh, first + 4, k.moq, k.qty, k.unit, k.lead, "Incoterm",
	    o->incoterm);
	kv(sh, first + 5, k.moq, k.qty, k.unit, k.lead, "Payment",
	    o->payment_terms);
	lines = MAX(text_lines(o->payment_terms, 38),
	    text_lines(o->customer_address, 50));
	if (lines > 1)
		xlsx_row_height(sh, first + 5, 14.0 * lines + 2);
	row = first + 7;

	/* The items. */
	head = row;
	xlsx_string(sh, head, k.no, "No.", XS_HEADER);
	if (photo)
		xlsx_string(sh, head, k.pic, "Photo", XS_HEADER);
	xlsx_string(sh, head, k.model, "Model", XS_HEADER);
	xlsx_string(sh, head, k.desc, "Description & specification",
	    XS_HEADER);
	xlsx_string(sh, head, k.moq, "MOQ", XS_HEADER);
	xlsx_string(sh, head, k.qty, "Quantity", XS_HEADER);
	xlsx_string(sh, head, k.unit, "Unit", XS_HEADER);
	s = xasprintf("Unit price (%s)", cur);
	xlsx_string(sh, head, k.price, s, XS_HEADER);
	free(s);
	s = xasprintf("Amount (%s)", cur);
	xlsx_string(sh, head, k.amount, s, XS_HEADER);
	free(s);
	xlsx_string(sh, head, k.lead, "Lead time", XS_HEADER);
	xlsx_row_height(sh, head, 30);
	xlsx_freeze(sh, head + 1, 0);
	row = head + 1;
	for (j = 0; j < o->nitems; j++, row++) {
		const struct quote_item *it = &o->items[j];
		const struct product *p = it->p;
		unsigned cell = XS_BORDER;

		buf_reset(&b);
		buf_addstr(&b, p->name);
		if (it->their_item)
			buf_addf(&b, "\nYour item: %s", it->their_item);
		if (p->spec)
			buf_addf(&b, "\n%s", p->spec);
		if (p->certifications)
			buf_addf(&b, "\nCertifications: %s",
			    p->certifications);
		if (p->packaging)
			buf_addf(&b, "\nPackaging: %s", p->packaging);
		xlsx_number(sh, row, k.no, (double)(j + 1),
		    cell | XS_CENTER);
		img_h = 0;
		if (photo) {
			xlsx_blank(sh, row, k.pic, cell);
			if (readable(p->image))
				xlsx_image(sh, row, k.pic, p->image, 88, 88,
				    4, 4, p->name, &img_h);
		}
		xlsx_string(sh, row, k.model, p->sku, cell | XS_BOLD);
		xlsx_string(sh, row, k.desc, b.data, cell | XS_WRAP);
		xlsx_number(sh, row, k.moq, (double)p->moq, cell | XS_INT);
		xlsx_number(sh, row, k.qty, (double)it->qty,
		    cell | XS_INT | (it->to_confirm ? XS_MARK : 0));
		xlsx_string(sh, row, k.unit, p->unit, cell | XS_CENTER);
		xlsx_number(sh, row, k.price, it->unit_price,
		    cell | XS_PRICE);
		amount = (double)it->qty * it->unit_price;
		total += amount;
		s = xasprintf("=%s*%s", xlsx_ref(row, k.qty, 0, r1),
		    xlsx_ref(row, k.price, 0, r2));
		xlsx_formula(sh, row, k.amount, s, amount, cell | XS_MONEY);
		free(s);
		xlsx_string(sh, row, k.lead, p->lead_time ? p->lead_time : "",
		    cell | XS_WRAP);
		h = MAX(14.0 * text_lines(b.data, 42) + 4,
		    img_h ? img_h * 0.75 + 8 : 0);
		xlsx_row_height(sh, row, MAX(h, 18));
	}
	if (!o->nitems) {
		xlsx_merge(sh, row, 0, row, k.desc, "Product and price to be "
		    "confirmed - see the notes below", XS_BORDER | XS_ITALIC);
		for (i = k.moq; i <= k.lead; i++)
			xlsx_blank(sh, row, i, XS_BORDER);
		row++;
	}
	/* The total. */
	xlsx_merge(sh, row, k.moq, row, k.price, "TOTAL",
	    XS_TOTAL | XS_RIGHT);
	s = xasprintf("=SUM(%s:%s)", xlsx_ref(head + 1, k.amount, 0, r1),
	    xlsx_ref(row - 1, k.amount, 0, r2));
	xlsx_formula(sh, row, k.amount, s, total, XS_TOTAL | XS_MONEY);
	free(s);
	xlsx_string(sh, row, k.lead, cur, XS_TOTAL);
	row += 2;

	/* Notes. */
	xlsx_string(sh, row++, 0, "Notes", XS_SUBTITLE);
	n = 1;
	buf_reset(&b);
	buf_addf(&b, "%u. Prices in %s per unit, %s, valid for %ld days.", n++,
	    cur, o->incoterm ? o->incoterm : "FOB", o->validity_days);
	xlsx_merge(sh, row, 0, row, k.last, b.data, XS_WRAP);
	row++;
	if (o->payment_terms) {
		buf_reset(&b);
		buf_addf(&b, "%u. Payment: %s.", n++, o->payment_terms);
		xlsx_merge(sh, row, 0, row, k.last, b.data, XS_WRAP);
		xlsx_row_height(sh, row, 14.0 * text_lines(b.data, 115) + 2);
		row++;
	}
	buf_reset(&b);
	buf_addf(&b, "%u. Lead time counts from the deposit and the approval "
	    "of the pre-production sample.", n++);
	xlsx_merge(sh, row, 0, row, k.last, b.data, XS_WRAP);
	row++;
	if (o->to_confirm.n) {
		row++;
		xlsx_merge(sh, row, 0, row, k.last, "To be confirmed with "
		    "production:", XS_BOLD | XS_MARK);
		row++;
		for (j = 0; j < o->to_confirm.n; j++, row++) {
			buf_reset(&b);
			buf_addf(&b, "\xE2\x80\xA2 %s", o->to_confirm.v[j]);
			xlsx_merge(sh, row, 0, row, k.last, b.data, XS_WRAP);
			xlsx_row_height(sh, row,
			    14.0 * text_lines(b.data, 115) + 2);
		}
	}
	if (o->to_agree.n) {
		row++;
		xlsx_merge(sh, row, 0, row, k.last, "Commercial terms to agree "
		    "with you:", XS_BOLD);
		row++;
		for (j = 0; j < o->to_agree.n; j++, row++) {
			buf_reset(&b);
			buf_addf(&b, "\xE2\x80\xA2 %s", o->to_agree.v[j]);
			xlsx_merge(sh, row, 0, row, k.last, b.data, XS_WRAP);
			xlsx_row_height(sh, row,
			    14.0 * text_lines(b.data, 115) + 2);
		}
	}
	s = xasprintf("%s - %s", number, c->company_name ?
	    c->company_name : "");
	xlsx_print_a4(sh, 0, head, head, s);
	free(s);
	buf_release(&b);
}

/* Renames tmp to dir/name.xlsx, or name-2.xlsx..., never replacing. */
static int
publish(const char *tmp, const char *dir, const char *name, char **out,
    struct err *e)
{
	char *path = NULL;
	int i, rc = -1;

	for (i = 1; i <= 1000 && rc; i++) {
		free(path);
		path = i == 1 ? xasprintf("%s/%s.xlsx", dir, name) :
		    xasprintf("%s/%s-%d.xlsx", dir, name, i);
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
		    RENAME_NOREPLACE) == 0) {
			rc = 0;
		} else if ((errno == EINVAL || errno == ENOSYS) &&
		    link(tmp, path) == 0) {
			/* a file system without RENAME_NOREPLACE */
			unlink(tmp);
			rc = 0;
		} else if (errno != EEXIST) {
			err_set_errno(e, ERR_TEMP, "cannot rename quote to "
			    "'%s'", path);
			goto out;
		}
	}
	if (rc)
		err_set(e, ERR_TEMP, "cannot name quote '%s/%s.xlsx': 1000 "
		    "files of that name", dir, name);
out:
	if (rc)
		free(path);
	else
		*out = path;
	return rc;
}

int
quote_sweep(const char *dir, int64_t now, long older_than)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (!starts_with(de->d_name, ".quote-") ||
		    strlen(de->d_name) != strlen(".quote-XXXXXX"))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) || st.st_mtime > now - older_than)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int
quote_write(const struct conf *c, const struct offer *o, const char *dir,
    char **path_out, struct err *e)
{
	struct xlsx *x = NULL;
	char *tmp = NULL, *name = NULL;
	mode_t um;
	int fd, rc = -1;

	*path_out = NULL;
	if (!dir || !*dir)
		dir = ".";
	if (mkdir(dir, 0750) && errno != EEXIST) {
		err_set_errno(e, ERR_TEMP, "cannot create quotes directory "
		    "'%s'", dir);
		goto out;
	}
	name = quote_safe_name(o->title, 80);
	tmp = xasprintf("%s/.quote-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set_errno(e, ERR_TEMP, "cannot create a file in '%s'",
		    dir);
		FREE_AND_NULL(tmp);
		goto out;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0644 & ~um))
		log_warn("quote: chmod '%s'", log_esc(tmp));
	close(fd);
	if (xlsx_open(&x, tmp, e))
		goto out;
	xlsx_properties(x, o->title, c->company_name, c->company_name,
	    o->date);
	write_sheet(c, o, x);
	rc = xlsx_close(x, e);
	x = NULL;
	if (rc) {
		err_prefix(e, "quote '%s'", name);
		goto out;
	}
	rc = publish(tmp, dir, name, path_out, e);
out:
	if (x)
		xlsx_discard(x);
	if (rc && tmp)
		unlink(tmp);
	free(tmp);
	free(name);
	return rc;
}
