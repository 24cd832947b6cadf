/*
 * classify.c - the verdict on one message.
 *
 * The rules do the work (rules/): this file feeds them the texts of the
 * message, one target at a time, in the message's languages; lets the
 * conditions settle (ruleset_resolve); adds the weights of the rules that
 * fired, once per rule; asks the ruleset for the decision; and turns the
 * named captures into the requirement outline and the questions, without
 * duplicates.  Language detection is here too: scripts for the languages
 * that have their own, common words for the Latin-script ones.
 */
#include <ctype.h>

#include "classify.h"
#include "buf.h"
#include "log.h"
#include "ufold.h"

/* --- language ----------------------------------------------------------- */

enum {
	L_EN = 1 << 0, L_ES = 1 << 1, L_PT = 1 << 2, L_FR = 1 << 3,
	L_DE = 1 << 4, L_IT = 1 << 5, L_NL = 1 << 6,
};

static const char *const latin_langs[] = {
	"en", "es", "pt", "fr", "de", "it", "nl",
};

/* Common words, sorted (strcmp order) for bsearch; a unit test checks. */
struct stopword {
	const char *w;
	unsigned mask;
};

static const struct stopword stopwords[] = {
	{ "a", L_PT | L_IT },
	{ "al", L_ES },
	{ "and", L_EN },
	{ "angebot", L_DE },
	{ "any", L_EN },
	{ "ao", L_PT },
	{ "are", L_EN },
	{ "as", L_PT },
	{ "au", L_FR },
	{ "auch", L_DE },
	{ "auf", L_DE },
	{ "aux", L_FR },
	{ "avec", L_FR },
	{ "be", L_EN },
	{ "bedankt", L_NL },
	{ "besoin", L_FR },
	{ "bitte", L_DE },
	{ "bonjour", L_FR },
	{ "buongiorno", L_IT },
	{ "can", L_EN },
	{ "ce", L_FR },
	{ "cette", L_FR },
	{ "che", L_IT },
	{ "com", L_PT },
	{ "como", L_ES | L_PT },
	{ "con", L_ES | L_IT },
	{ "cordialement", L_FR },
	{ "cotação", L_PT },
	{ "cotización", L_ES },
	{ "could", L_EN },
	{ "da", L_PT },
	{ "danke", L_DE },
	{ "dans", L_FR },
	{ "das", L_PT | L_DE },
	{ "de", L_ES | L_PT | L_FR | L_NL },
	{ "del", L_ES | L_IT },
	{ "della", L_IT },
	{ "dem", L_DE },
	{ "den", L_DE },
	{ "der", L_DE },
	{ "des", L_FR },
	{ "di", L_IT },
	{ "die", L_DE },
	{ "do", L_PT | L_EN },
	{ "dos", L_PT },
	{ "du", L_FR },
	{ "e", L_IT | L_PT },
	{ "ein", L_DE },
	{ "eine", L_DE },
	{ "el", L_ES },
	{ "em", L_PT },
	{ "en", L_ES | L_FR | L_NL },
	{ "es", L_ES },
	{ "est", L_FR },
	{ "esta", L_ES | L_PT },
	{ "estamos", L_ES | L_PT },
	{ "este", L_ES | L_PT },
	{ "et", L_FR },
	{ "favor", L_ES | L_PT },
	{ "for", L_EN },
	{ "freundlichen", L_DE },
	{ "from", L_EN },
	{ "für", L_DE },
	{ "geehrte", L_DE },
	{ "geehrter", L_DE },
	{ "gli", L_IT },
	{ "gostaria", L_PT },
	{ "graag", L_NL },
	{ "gracias", L_ES },
	{ "grazie", L_IT },
	{ "groeten", L_NL },
	{ "grüße", L_DE },
	{ "have", L_EN },
	{ "het", L_NL },
	{ "i", L_EN },
	{ "ich", L_DE },
	{ "ihre", L_DE },
	{ "il", L_FR | L_IT },
	{ "in", L_EN | L_DE | L_IT | L_NL },
	{ "interessato", L_IT },
	{ "is", L_EN | L_NL },
	{ "ist", L_DE },
	{ "it", L_EN },
	{ "je", L_FR },
	{ "kindly", L_EN },
	{ "la", L_ES | L_FR | L_IT },
	{ "las", L_ES },
	{ "le", L_FR | L_IT },
	{ "les", L_FR },
	{ "lo", L_ES | L_IT },
	{ "los", L_ES },
	{ "mais", L_PT | L_FR },
	{ "merci", L_FR },
	{ "met", L_NL },
	{ "mit", L_DE },
	{ "my", L_EN },
	{ "na", L_PT },
	{ "necesitamos", L_ES },
	{ "nicht", L_DE },
	{ "niet", L_NL },
	{ "no", L_ES | L_PT },
	{ "nos", L_ES | L_PT },
	{ "nosotros", L_ES },
	{ "nous", L_FR },
	{ "não", L_PT },
	{ "nós", L_PT },
	{ "o", L_PT },
	{ "obrigado", L_PT },
	{ "of", L_EN },
	{ "on", L_EN },
	{ "ons", L_NL },
	{ "os", L_PT },
	{ "our", L_EN },
	{ "para", L_ES | L_PT },
	{ "pas", L_FR },
	{ "per", L_IT | L_EN },
	{ "pero", L_ES },
	{ "please", L_EN },
	{ "por", L_ES | L_PT },
	{ "pour", L_FR },
	{ "precio", L_ES },
	{ "precisamos", L_PT },
	{ "preis", L_DE },
	{ "prezzo", L_IT },
	{ "preço", L_PT },
	{ "prijs", L_NL },
	{ "prix", L_FR },
	{ "que", L_ES | L_PT | L_FR },
	{ "questo", L_IT },
	{ "qui", L_FR },
	{ "regards", L_EN },
	{ "saludos", L_ES },
	{ "saluti", L_IT },
	{ "sehr", L_DE },
	{ "siamo", L_IT },
	{ "sie", L_DE },
	{ "somos", L_ES | L_PT },
	{ "sono", L_IT },
	{ "su", L_ES },
	{ "sua", L_PT },
	{ "sur", L_FR },
	{ "thank", L_EN },
	{ "that", L_EN },
	{ "the", L_EN },
	{ "this", L_EN },
	{ "to", L_EN },
	{ "u", L_NL },
	{ "uma", L_PT },
	{ "un", L_ES | L_FR | L_IT },
	{ "una", L_ES | L_IT },
	{ "und", L_DE },
	{ "une", L_FR },
	{ "uns", L_DE },
	{ "us", L_EN },
	{ "usted", L_ES },
	{ "uw", L_NL },
	{ "van", L_NL },
	{ "você", L_PT },
	{ "voor", L_NL },
	{ "vorremmo", L_IT },
	{ "vos", L_FR },
	{ "votre", L_FR },
	{ "vous", L_FR },
	{ "we", L_EN | L_NL },
	{ "wij", L_NL },
	{ "will", L_EN },
	{ "wir", L_DE },
	{ "with", L_EN },
	{ "would", L_EN },
	{ "y", L_ES },
	{ "you", L_EN },
	{ "your", L_EN },
	{ "zu", L_DE },
	{ "è", L_IT },
	{ "é", L_PT },
};

#ifdef INQUIRYD_UNITTEST
/* The index of the first stop word out of order, or -1. */
long
classify_stopwords_unsorted(void)
{
	size_t i;

	for (i = 1; i < ARRAY_SIZE(stopwords); i++)
		if (strcmp(stopwords[i - 1].w, stopwords[i].w) >= 0)
			return (long)i;
	return -1;
}
#endif

static int
cmp_stopword(const void *key, const void *elem)
{
	return strcmp(key, ((const struct stopword *)elem)->w);
}

/* A letter of a Latin-script word (ASCII or Latin-1/Extended-A/B). */
static int
latin_letter(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7);
}

/* Lowercases ASCII and Latin-1 letters of a UTF-8 word in place. */
static void
lower_latin(char *w)
{
	unsigned char *p = (unsigned char *)w;

	for (; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (unsigned char)(*p + 32);
		else if (*p == 0xc3 && p[1] >= 0x80 && p[1] <= 0x9e &&
		    p[1] != 0x97) {
			p[1] = (unsigned char)(p[1] + 0x20);
			p++;
		}
	}
}

#define LANG_SCAN_MAX (16 * 1024)

const char *
classify_languages(const char *text, char out[8], char *langs, size_t size)
{
	size_t len, i, n = 1, wl = 0;
	size_t latin = 0, han = 0, kana = 0, hangul = 0, cyr = 0, ukr = 0;
	size_t arabic = 0, hebrew = 0, greek = 0, thai = 0, deva = 0;
	unsigned lat_score[ARRAY_SIZE(latin_langs)] = { 0 };
	char word[32];
	const char *lang = "en";
	size_t best = 0, k;
	int unsure = 0, glued = 0;	/* the word touches a digit: "da63t" */

	if (!text)
		text = "";
	len = strlen(text);
	if (len > LANG_SCAN_MAX)
		len = LANG_SCAN_MAX;
	for (i = 0; i <= len; i += n) {
		uint32_t cp = i < len ? utf8_next(text + i, len - i, &n) : 0;

		if (i == len)
			n = 1;
		if (latin_letter(cp)) {
			latin++;
			if (!wl)
				glued = i > 0 && text[i - 1] >= '0' &&
				    text[i - 1] <= '9';
			if (wl + n < sizeof(word)) {
				memcpy(word + wl, text + i, n);
				wl += n;
			} else {
				wl = sizeof(word);	/* too long: no word */
			}
			continue;
		}
		if (cp >= '0' && cp <= '9')
			glued = 1;
		if (wl && wl < sizeof(word) && !glued) {
			const struct stopword *sw;

			word[wl] = '\0';
			lower_latin(word);
			sw = bsearch(word, stopwords, ARRAY_SIZE(stopwords),
			    sizeof(stopwords[0]), cmp_stopword);
			for (k = 0; sw && k < ARRAY_SIZE(latin_langs); k++)
				if (sw->mask & (1u << k))
					lat_score[k]++;
		}
		wl = 0;
		if ((cp >= 0x4e00 && cp <= 0x9fff) ||
		    (cp >= 0x3400 && cp <= 0x4dbf) ||
		    (cp >= 0xf900 && cp <= 0xfaff))
			han++;
		else if (cp >= 0x3040 && cp <= 0x30ff)
			kana++;
		else if ((cp >= 0xac00 && cp <= 0xd7af) ||
		    (cp >= 0x1100 && cp <= 0x11ff))
			hangul++;
		else if (cp >= 0x400 && cp <= 0x4ff) {
			cyr++;
			/* і ї є ґ and their capitals: Ukrainian */
			if (cp == 0x456 || cp == 0x457 || cp == 0x454 ||
			    cp == 0x491 || cp == 0x406 || cp == 0x407 ||
			    cp == 0x404 || cp == 0x490)
				ukr++;
		} else if (cp >= 0x600 && cp <= 0x6ff)
			arabic++;
		else if (cp >= 0x590 && cp <= 0x5ff)
			hebrew++;
		else if (cp >= 0x370 && cp <= 0x3ff)
			greek++;
		else if (cp >= 0xe00 && cp <= 0xe7f)
			thai++;
		else if (cp >= 0x900 && cp <= 0x97f)
			deva++;
	}
	/* One CJK character says about as much as three Latin letters. */
	if (kana * 3 >= latin && kana > 0 && kana * 5 >= han)
		lang = "ja";
	else if (hangul * 3 >= latin && hangul > 0)
		lang = "ko";
	else if (han * 3 >= latin && han > 0)
		lang = "zh";
	else if (cyr >= latin && cyr > 0)
		lang = ukr * 20 >= cyr && ukr > 0 ? "uk" : "ru";
	else if (arabic >= latin && arabic > 0)
		lang = "ar";
	else if (hebrew >= latin && hebrew > 0)
		lang = "he";
	else if (greek >= latin && greek > 0)
		lang = "el";
	else if (thai >= latin && thai > 0)
		lang = "th";
	else if (deva >= latin && deva > 0)
		lang = "hi";
	else {
		/* the most common words; English wins ties */
		size_t second = 0;

		for (k = 0; k < ARRAY_SIZE(latin_langs); k++)
			if (lat_score[k] > best) {
				second = best;
				best = lat_score[k];
				lang = latin_langs[k];
			} else if (lat_score[k] > second) {
				second = lat_score[k];
			}
		/* English, the trade's common language, wins doubt: another
		 * language must lead it by two words */
		if (best < 2 || lat_score[0] + 2 > best)
			lang = "en";
		/* a few words or a close race say little */
		unsure = best < 3 || best - second < 2;
	}
	snprintf(out, 8, "%s", lang);
	if (langs && size) {
		if (unsure && latin > 0)
			/* a few words say little: every Latin language */
			snprintf(langs, size, "en es pt fr de it nl");
		else if (strcmp(lang, "en") && (lat_score[0] >= 3 ||
		    (latin > 40 && lat_score[0] >= 1)))
			/* English rules too when there is English in it */
			snprintf(langs, size, "%s en", lang);
		else
			snprintf(langs, size, "%s", lang);
	}
	return out;
}

const char *
classify_language(const char *text, char out[8])
{
	return classify_languages(text, out, NULL, 0);
}

/* --- the verdict --------------------------------------------------------- */

void
verdict_release(struct verdict *v)
{
	size_t i;

	rule_hits_release(&v->hits);
	for (i = 0; i < v->nreq; i++) {
		free(v->req[i].field);
		free(v->req[i].value);
	}
	free(v->req);
	v->req = NULL;
	v->nreq = 0;
	strlist_release(&v->questions);
	strlist_release(&v->warnings);
	free(v->business);
	v->business = NULL;
	strlist_release(&v->lines);
}

static void
verdict_init(struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->hits.v = NULL;
	strlist_init(&v->questions);
	strlist_init(&v->warnings);
	strlist_init(&v->lines);
	snprintf(v->lang, sizeof(v->lang), "en");
}

/* The order fields are listed in (others after, in order of appearance). */
static const char *const field_order[] = {
	"product", "product_phrase", "model", "brand", "part_number",
	"quantity", "moq", "order_type", "size", "length", "thickness",
	"weight", "capacity", "power", "voltage", "material", "colour",
	"finish", "shape", "design", "compatibility", "spec", "quality",
	"usage", "logo", "packaging",
	"certification", "documents", "samples", "incoterm", "port",
	"destination", "shipping", "insurance", "price_basis", "payment",
	"target_price", "currency", "delivery", "warranty", "includes",
	"customer_type", "market", "request", "note",
};

static size_t
field_rank(const char *f)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(field_order); i++)
		if (!strcmp(field_order[i], f))
			return i;
	return ARRAY_SIZE(field_order);
}

/* Lowercase copy with white space collapsed, for comparing values. */
static char *
fold(const char *s)
{
	struct buf b = BUF_INIT(BUF_CAP_LINE);
	int sp = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			sp = b.len > 0;
			continue;
		}
		if (sp)
			buf_addch(&b, ' ');
		sp = 0;
		buf_addch(&b, c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	return buf_detach(&b, NULL);
}

/* Drops entry i of the outline. */
static void
drop_requirement(struct verdict *v, size_t i)
{
	free(v->req[i].field);
	free(v->req[i].value);
	memmove(v->req + i, v->req + i + 1, (v->nreq - i - 1) *
	    sizeof(*v->req));
	v->nreq--;
}

/* Fields that restate others: kept only when no other entry says it. */
static int
weak_field(const char *field)
{
	return !strcmp(field, "spec") || !strcmp(field, "request");
}

/* Fields an entry of a weak field may sit inside and still say more. */
static int
names_product(const char *field)
{
	return !strncmp(field, "product", 7) || !strcmp(field, "model");
}

/*
 * Adds field: value to the outline unless it says nothing new:
 *   - a value of the same field that contains it is kept (values it
 *     contains go, the first one's place taken); of two products, one
 *     inside the other, the first is kept (the body's before the
 *     subject's: build_outline's order);
 *   - a weak entry ("spec", "request") inside another field's value is
 *     left out (not inside a product's name: "4.5m" of "cables 4.5m" is
 *     still worth a line), and weak entries inside the new value go;
 *   - with once, the same value under another field is left out: one
 *     fact, one field, the first that said it (labelled lines come
 *     first, so "Logo Color: Customized" is not also a colour).
 */
static void
add_requirement(struct verdict *v, const char *field, const char *value,
    const struct rule *r, int once)
{
	char *fv = fold(value);
	int weak = weak_field(field);
	size_t i;
	long place = -1;

	if (!*fv)
		goto out;
	for (i = 0; i < v->nreq; i++) {
		char *fo;
		int skip = 0;

		if (!strcmp(v->req[i].field, field))
			continue;
		fo = fold(v->req[i].value);
		if (weak && strstr(fo, fv) &&
		    !names_product(v->req[i].field)) {
			skip = 1;
		} else if (weak_field(v->req[i].field) && !weak &&
		    !names_product(field) && strstr(fv, fo)) {
			drop_requirement(v, i);
			i--;
		} else if (once && !strcmp(fo, fv)) {
			/* a weak entry never keeps a named one out */
			if (weak_field(v->req[i].field) && !weak) {
				drop_requirement(v, i);
				i--;
			} else {
				skip = 1;
			}
		}
		free(fo);
		if (skip)
			goto out;
	}
	for (i = 0; i < v->nreq; i++) {
		char *fo;
		int inside, covers;

		if (strcmp(v->req[i].field, field))
			continue;
		fo = fold(v->req[i].value);
		inside = strstr(fo, fv) != NULL;
		covers = !inside && strstr(fv, fo) != NULL;
		free(fo);
		/* a product said twice: the first, the customer's own words */
		if (inside || (covers && !strcmp(field, "product")))
			goto out;
		if (covers) {
			/* the new value says more: it takes the old's place */
			if (place < 0) {
				place = (long)i;
				free(v->req[i].value);
				v->req[i].value = xstrdup(value);
				v->req[i].rule = r;
			} else {
				drop_requirement(v, i);
				i--;
			}
		}
	}
	if (place >= 0)
		goto out;
	v->req = xrealloc(v->req, (v->nreq + 1) * sizeof(*v->req));
	v->req[v->nreq].field = xstrdup(field);
	v->req[v->nreq].value = xstrdup(value);
	v->req[v->nreq].rule = r;
	v->nreq++;
out:
	free(fv);
}

/* --- labelled lines ------------------------------------------------------ */

#define LABEL_MAX 40		/* bytes of a label */
#define LABEL_WORDS 4

/*
 * A "Label:" that value starts with ("Colour: black", "付款方式：T/T",
 * "Battery capacity:3516mAh"): the label, lowercased with blanks made
 * single, into lab (LABEL_MAX + 1 bytes); *rest after the colon and the
 * blanks.  0 when value has none: no colon within LABEL_MAX bytes, a
 * label that does not start with a letter or has more than LABEL_WORDS
 * words, a URL ("http://"), or nothing after the colon.
 */
static int
split_label(const char *value, char *lab, const char **rest)
{
	const char *p = value, *colon = NULL, *after;
	size_t n, k = 0, words = 1;
	uint32_t cp;
	int sp = 0;

	n = utf8_decode(p, strlen(p), &cp);
	if (!*p || !ufold_is_word(cp) || (cp >= '0' && cp <= '9'))
		return 0;
	while (*p && p - value <= LABEL_MAX) {
		n = utf8_decode(p, strlen(p), &cp);
		if (cp == ':' || cp == 0xFF1A) {
			colon = p;
			break;
		}
		if (cp == ' ' || cp == '\t') {
			sp = k > 0;
			p += n;
			continue;
		}
		if (!ufold_is_word(cp) && !strchr("'./&#-()", (int)cp) &&
		    cp != 0x2019)
			return 0;
		if (sp) {
			lab[k++] = ' ';
			words++;
		}
		sp = 0;
		if (k + n > LABEL_MAX)
			return 0;
		memcpy(lab + k, p, n);
		k += n;
		p += n;
	}
	if (!colon || !k || words > LABEL_WORDS)
		return 0;
	lab[k] = '\0';
	after = colon + (*colon == ':' ? 1 : 3);
	if (after[0] == '/' && after[1] == '/')
		return 0;
	while (*after == ' ' || *after == '\t')
		after++;
	if (!*after)
		return 0;
	{
		char *low = ufold_lower(lab);

		snprintf(lab, LABEL_MAX + 1, "%s", low);
		free(low);
	}
	*rest = after;
	return 1;
}

/*
 * The fields a label names ("price" -> "target_price, incoterm"; "-" for
 * a label that names none, such as "Dear Sir"), or NULL.  A label not in
 * the map is tried by its last words: "battery capacity" is a capacity,
 * "kraft paper size" a size.
 */
static const char *
label_fields(const struct ruleset *rs, const char *lab)
{
	const char *f = ruleset_map_get(rs, OUTLINE_LABELS_MAP, lab), *sp;

	for (sp = strchr(lab, ' '); !f && sp; sp = strchr(sp + 1, ' '))
		f = ruleset_map_get(rs, OUTLINE_LABELS_MAP, sp + 1);
	return f;
}

static const char *const incoterm_words[] = {
	"exw", "fca", "fas", "fob", "cfr", "cnf", "c&f", "cif", "cpt", "cip",
	"dap", "dpu", "ddp", "dat", "ddu",
};

/* Does the lowercase text have w as a word of its own? */
static int
has_word(const char *text, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = text; (p = strstr(p, w)); p++)
		if ((p == text || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return 1;
	return 0;
}

/* Counts without digits: "a few barrels", "一百件", "two containers". */
static const char *const count_words[] = {
	"few", "several", "dozen", "hundred", "thousand", "container",
	"fcl", "lcl", "one", "two", "three", "four", "five", "ten",
	"\xe4\xb8\x80", "\xe4\xb8\xa4", "\xe4\xba\x8c", "\xe4\xb8\x89",
	"\xe5\x8d\x81", "\xe7\x99\xbe", "\xe5\x8d\x83", "\xe4\xb8\x87",
};

/* Does text have one of words (ASCII ones as words, any case)? */
static int
has_any(const char *text, const char *const *words, size_t n)
{
	char *low = ufold_lower(text);
	size_t i;
	int found = 0;

	for (i = 0; i < n && !found; i++)
		found = (unsigned char)words[i][0] < 0x80 ?
		    has_word(low, words[i]) : strstr(low, words[i]) != NULL;
	free(low);
	return found;
}

/*
 * May value stand under field?  A quantity has a number, a target price
 * an amount, an Incoterm one of the terms; other fields take any value.
 * ("Price: CIF Tokyo" is no target price: the map's next field, the
 * Incoterm, takes it.)
 */
static int
value_fits(const char *field, const char *value)
{
	if (!strcmp(field, "target_price"))
		return strpbrk(value, "0123456789") != NULL;
	if (!strcmp(field, "quantity") || !strcmp(field, "moq"))
		return strpbrk(value, "0123456789") != NULL ||
		    has_any(value, count_words, ARRAY_SIZE(count_words));
	if (strcmp(field, "incoterm"))
		return 1;
	return has_any(value, incoterm_words, ARRAY_SIZE(incoterm_words));
}

/* A capture before it goes into the outline. */
struct capture {
	const char *field;	/* borrowed: a rule's or a static name */
	char *value;		/* owned */
	const struct rule *rule;
	int labelled;		/* filed by its label */
};

/*
 * Files one capture by its label, in place; returns 0 to drop it.
 *   - a "labelled" line (rule field "labelled") goes under the field its
 *     label names, the label stripped; when the label names none, or the
 *     value does not fit any field it names, it goes;
 *   - a "spec" pair ("Key: Value") does the same, but stays a "spec" entry
 *     ("Hydroxyl Value: 200-300mgKOH/g") when its label names no field;
 *   - any other field loses a label that names that same field
 *     ("payment: Payment: T/T" is "payment: T/T").
 * A value that answers nothing ("Yes", "Customized", "...": the list
 * outline_void) goes, after any label.
 */
static int
file_by_label(const struct ruleset *rs, struct capture *c)
{
	char lab[LABEL_MAX + 1], *fields = NULL, *f, *comma, *val = NULL;
	const char *rest, *names;
	int keep = 1, is_lab = !strcmp(c->field, "labelled");
	int is_spec = !strcmp(c->field, "spec");

	if (!split_label(c->value, lab, &rest)) {
		keep = !is_lab;
		goto check;
	}
	names = label_fields(rs, lab);
	if (!names) {
		keep = !is_lab && !ruleset_in_list(rs, "outline_void", rest);
		if (keep && is_spec) {
			/* "Key:Value" written "Key: Value" */
			val = xasprintf("%.*s: %s", (int)strcspn(c->value,
			    ":\xef"), c->value, rest);
			free(c->value);
			c->value = val;
		}
		goto check;
	}
	if (!strcmp(names, "-")) {
		keep = !(is_lab || is_spec);
		goto check;
	}
	fields = xstrdup(names);
	for (f = fields; f; f = comma ? comma + 1 : NULL) {
		comma = strchr(f, ',');
		if (comma)
			*comma = '\0';
		str_trim(f);
		if (!is_lab && !is_spec && strcmp(f, c->field))
			continue;
		if (!value_fits(f, rest))
			continue;
		c->field = rules_field_name(f);
		c->labelled = 1;
		val = xstrdup(rest);
		free(c->value);
		c->value = val;
		goto check;
	}
	keep = !is_lab;
check:
	if (keep && c->value) {
		/* a sentence's full stop is not part of the value */
		size_t n = strlen(c->value);
		char *t;

		if (n > 1 && c->value[n - 1] == '.' && c->value[n - 2] != '.')
			c->value[n - 1] = '\0';
		t = xstrdup(c->value);
		str_trim(t);
		keep = *t && !ruleset_in_list(rs, "outline_void", t);
		free(t);
	}
	free(fields);
	return keep;
}

/*
 * A product that is only a label ("Colour" of "5,000 pcs\nColour:"):
 * the rules' phrase ran into the next line's label.
 */
static int
product_is_label(const struct ruleset *rs, const char *value)
{
	char *low = ufold_lower(value);
	int is = 0;

	str_trim(low);
	is = ruleset_map_get(rs, OUTLINE_LABELS_MAP, low) != NULL;
	free(low);
	return is;
}

static void
add_question(struct verdict *v, const char *q)
{
	char *fq = fold(q);
	size_t i;

	for (i = 0; i < v->questions.n; i++) {
		char *fo = fold(v->questions.v[i]);
		int dup = strstr(fo, fq) != NULL;

		if (!dup && strstr(fq, fo)) {
			free(v->questions.v[i]);
			v->questions.v[i] = xstrdup(q);
			dup = 1;
		}
		free(fo);
		if (dup)
			goto out;
	}
	strlist_push(&v->questions, q);
out:
	free(fq);
}

/*
 * Within a field, what the customer wrote comes before the subject (a
 * platform RFQ's subject is the seller's listing title) and before what
 * the catalog lookup added.
 */
static int
target_rank(const struct rule *r)
{
	if (!r || !r->target)
		return 5;
	if (!strcmp(r->target, "visible"))
		return 0;
	if (!strcmp(r->target, "body"))
		return 1;
	if (!strcmp(r->target, "any"))
		return 2;
	if (!strcmp(r->target, "subject"))
		return 4;
	return 3;
}

static int
cmp_req(const void *a, const void *b)
{
	const struct requirement *x = a, *y = b;
	size_t rx = field_rank(x->field), ry = field_rank(y->field);
	int tx, ty;

	if (rx != ry)
		return rx < ry ? -1 : 1;
	tx = target_rank(x->rule);
	ty = target_rank(y->rule);
	return tx < ty ? -1 : tx > ty;
}

/* Stable sort by field rank (insertion sort: outlines are short). */
static void
sort_outline(struct verdict *v)
{
	size_t i, j;

	for (i = 1; i < v->nreq; i++) {
		struct requirement t = v->req[i];

		for (j = i; j > 0 && cmp_req(&v->req[j - 1], &t) > 0; j--)
			v->req[j] = v->req[j - 1];
		v->req[j] = t;
	}
}

/*
 * The marks one rule found one by one ("CE", "RoHS" of "Zertifikate: CE
 * und RoHS") are one point of their outline: "CE, RoHS", in the first
 * one's place.  Only short marks of the same rule, and only for
 * certifications: one answer, one line in the reply.
 */
static void
merge_marks(struct verdict *v)
{
	size_t i, k;

	/* a model their product's words already name ("X1" of "Lenovo X1
	 * Yoga Gen3 Battery") is not one more point */
	for (i = 0; i < v->nreq; i++) {
		char *fm;
		int named = 0;

		if (strcmp(v->req[i].field, "model"))
			continue;
		fm = fold(v->req[i].value);
		for (k = 0; k < v->nreq && !named; k++) {
			char *fp, *at;
			size_t n = strlen(fm);

			if (strcmp(v->req[k].field, "product"))
				continue;
			fp = fold(v->req[k].value);
			for (at = strstr(fp, fm); at && !named;
			    at = strstr(at + 1, fm))
				named = n && (at == fp || !isalnum(
				    (unsigned char)at[-1])) &&
				    !isalnum((unsigned char)at[n]);
			free(fp);
		}
		free(fm);
		if (named)
			drop_requirement(v, i--);
	}

	for (i = 0; i < v->nreq; i++) {
		if (strcmp(v->req[i].field, "certification") ||
		    !v->req[i].rule || strlen(v->req[i].value) > 24)
			continue;
		for (k = i + 1; k < v->nreq; ) {
			if (!strcmp(v->req[k].field, "certification") &&
			    v->req[k].rule == v->req[i].rule &&
			    strlen(v->req[k].value) <= 24 &&
			    strlen(v->req[i].value) < 120) {
				char *m = xasprintf("%s, %s", v->req[i].value,
				    v->req[k].value);

				free(v->req[i].value);
				v->req[i].value = m;
				drop_requirement(v, k);
			} else {
				k++;
			}
		}
	}
}

/*
 * "I need 1.300 pcs (150 x Gold, 150 x Black) 2.To Las Vegas": a numbered
 * list whose "1." runs into the count.  A quantity value found at or after
 * offset from in text that starts with one digit N, a dot and three digits
 * is item N's count, not a thousand and more, when the text after it
 * numbers an item "N+1." before a word.  Returns the value without the
 * list number (owned), or NULL when it is no such value.
 */
static char *
list_number_dropped(const char *text, size_t from, const char *value)
{
	const char *at, *p;
	char next;

	if (!isdigit((unsigned char)value[0]) || value[0] == '9' ||
	    value[1] != '.' || !isdigit((unsigned char)value[2]) ||
	    !isdigit((unsigned char)value[3]) ||
	    !isdigit((unsigned char)value[4]) ||
	    isdigit((unsigned char)value[5]) ||
	    ((value[5] == '.' || value[5] == ',') &&
	    isdigit((unsigned char)value[6])))
		return NULL;
	if (!text || strlen(text) < from || !(at = strstr(text + from, value)))
		return NULL;
	next = (char)(value[0] + 1);
	for (p = at + strlen(value); (p = strchr(p, next)); p++) {
		const char *w = p + 1;

		if (p > text && (isalnum((unsigned char)p[-1]) ||
		    p[-1] == '.' || p[-1] == ','))
			continue;
		if (*w++ != '.')
			continue;
		while (*w == ' ' || *w == '\t')
			w++;
		if (isalpha((unsigned char)*w) || (unsigned char)*w >= 0x80)
			return xstrdup(value + 2);
	}
	return NULL;
}

/*
 * The outline and the questions, from the captures: each filed by its
 * label (file_by_label), then added without duplicates (add_requirement):
 * the entries filed by their label first, then those of the visible text,
 * then those of the subject and the rest.
 */
static void
build_outline(const struct ruleset *rs, const char *visible,
    struct verdict *v)
{
	struct capture *c = NULL;
	size_t n = 0, alloc = 0, i, k;
	int pass;

	for (i = 0; i < v->hits.n; i++) {
		const struct rule_hit *h = &v->hits.v[i];

		for (k = 0; k < h->ncaps; k++) {
			const char *f = h->caps[k].name;

			if (!strcmp(f, "question")) {
				add_question(v, h->caps[k].value);
				continue;
			}
			if (!rules_outline_field(f))
				continue;
			GROW(c, n + 1, alloc);
			c[n].field = f;
			c[n].value = NULL;
			if (!strcmp(f, "quantity") && h->rule->target &&
			    !strcmp(h->rule->target, "visible"))
				c[n].value = list_number_dropped(visible,
				    h->offset, h->caps[k].value);
			if (!c[n].value)
				c[n].value = xstrdup(h->caps[k].value);
			c[n].rule = h->rule;
			c[n].labelled = 0;
			if (file_by_label(rs, &c[n]))
				n++;
			else
				free(c[n].value);
		}
	}
	/* labelled entries, then the visible text's, then the others */
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < n; i++) {
			int vis = c[i].rule && c[i].rule->target &&
			    !strcmp(c[i].rule->target, "visible");

			if (pass != (c[i].labelled ? 0 : vis ? 1 : 2))
				continue;
			if (!strcmp(c[i].field, "product") &&
			    product_is_label(rs, c[i].value))
				continue;
			add_requirement(v, c[i].field, c[i].value, c[i].rule,
			    1);
		}
	for (i = 0; i < n; i++)
		free(c[i].value);
	free(c);
	merge_marks(v);
}

/* Fields that tell one product of a line from another ("10000 mAh"). */
static const char *const telling_fields[] = {
	"model", "spec", "capacity", "power", "size", "length", "voltage",
	"material",
};

/*
 * The catalog's name for product entry i, asked with what tells their
 * product apart ("Powerbanks 10000 mAh" is the 10000 mAh one, not the
 * best seller of the line), then with the product alone.
 */
static const char *
lookup_with_specs(const struct classify_opts *opts, const struct verdict *v,
    size_t i)
{
	struct buf b = BUF_INIT(BUF_CAP_LINE);
	const char *name = NULL;
	size_t k, f;

	buf_addstr(&b, v->req[i].value);
	for (k = 0; k < v->nreq; k++)
		for (f = 0; f < ARRAY_SIZE(telling_fields); f++)
			if (!strcmp(v->req[k].field, telling_fields[f])) {
				buf_addch(&b, ' ');
				buf_addstr(&b, v->req[k].value);
			}
	if (b.len > strlen(v->req[i].value))
		name = opts->product_lookup(opts->arg, b.data);
	if (!name)
		name = opts->product_lookup(opts->arg, v->req[i].value);
	buf_release(&b);
	return name;
}

/*
 * Their business from their own words: the industry rules (target
 * "website", "meta industry", "meta strength") over the visible text; the
 * industry with the most strength wins (ties: the first found), and its
 * words and the map industry_categories' lines go on the verdict.
 */
static void
find_business(const struct ruleset *rs, const char *text, uint64_t deadline,
    struct verdict *v)
{
	struct rule_hits hits = RULE_HITS_INIT;
	const char *best = NULL, *words = NULL, *map;
	double best_score = 0;
	size_t i, k;

	if (str_blank(text))
		return;
	ruleset_scan(rs, "website", NULL, text, strlen(text), NULL, &hits,
	    deadline, NULL);
	for (i = 0; i < hits.n; i++) {
		const char *name = rule_meta(hits.v[i].rule, "industry");
		double score = 0;

		if (!name)
			continue;
		for (k = 0; k < hits.n; k++) {
			const char *n2 = rule_meta(hits.v[k].rule, "industry");
			const char *st = rule_meta(hits.v[k].rule, "strength");
			double one = 1;

			if (!n2 || strcmp(n2, name))
				continue;
			if (st)
				str_to_double(st, &one);
			score += one;
		}
		if (score > best_score) {
			best_score = score;
			best = name;
			words = hits.v[i].match;
		}
	}
	if (best && words && !str_blank(words)) {
		char *copy, *p, *comma;

		v->business = ufold_lower(words);
		str_trim(v->business);
		map = ruleset_map_get(rs, "industry_categories", best);
		copy = xstrdup(map ? map : "");
		for (p = copy; p && *p; p = comma ? comma + 1 : NULL) {
			comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			str_trim(p);
			if (*p)
				strlist_push(&v->lines, p);
		}
		free(copy);
	}
	rule_hits_release(&hits);
}

struct scan_ctx {
	const struct ruleset *rs;
	struct rule_scanner *scn;
	const char *langs;
	struct verdict *v;
	uint64_t deadline;
};

static void
scan(struct scan_ctx *c, const char *target, const char *header,
    const char *text)
{
	if (!text || !*text)
		return;
	ruleset_scan_with(c->rs, c->scn, target, header, text, strlen(text),
	    c->langs, &c->v->hits, c->deadline, &c->v->warnings);
}

void
classify_message_opts(const struct ruleset *rs, const struct parsed_msg *pm,
    const struct sig_result *s, const struct classify_opts *opts,
    struct verdict *v)
{
	struct scan_ctx c;
	const char *visible, *body, *at;
	char langs[32];
	char *from = NULL;
	uint64_t t0 = now_ms();
	unsigned long budget;
	size_t i, k;
	int counted;

	verdict_init(v);
	body = pm->text ? pm->text : "";
	visible = s && s->visible_text && !str_blank(s->visible_text) ?
	    s->visible_text : body;
	classify_languages(str_blank(visible) && pm->subject ? pm->subject :
	    visible, v->lang, langs, sizeof(langs));
	budget = opts && opts->budget_ms ? opts->budget_ms :
	    ruleset_budget_ms(rs);
	c.rs = rs;
	c.scn = rule_scanner_new(rs);
	if (opts && opts->rule_ns)
		rule_scanner_time(c.scn, opts->rule_ns);
	c.langs = langs;
	c.v = v;
	c.deadline = budget ? t0 + budget : 0;

	scan(&c, "subject", NULL, pm->subject);
	scan(&c, "visible", NULL, visible);
	scan(&c, "body", NULL, body);
	if (s) {
		scan(&c, "quoted", NULL, s->quoted);
		scan(&c, "signature", NULL, s->signature);
	}
	if (pm->from.addr || pm->from.name) {
		from = xasprintf("%s <%s>", pm->from.name ? pm->from.name : "",
		    pm->from.addr ? pm->from.addr : "");
		scan(&c, "from", NULL, from);
	}
	scan(&c, "from_name", NULL, pm->from.name);
	scan(&c, "from_addr", NULL, pm->from.addr);
	if (pm->from.addr && (at = strrchr(pm->from.addr, '@')))
		scan(&c, "from_domain", NULL, at + 1);
	scan(&c, "reply_to", NULL, pm->reply_to.addr);
	for (i = 0; i < pm->nheaders; i++)
		scan(&c, "header", pm->headers[i].name, pm->headers[i].value);
	for (i = 0; i < pm->natt; i++)
		scan(&c, "attachment", NULL, pm->att[i].filename);
	scan(&c, "html", NULL, pm->html);
	scan(&c, "any", NULL, pm->subject);
	scan(&c, "any", NULL, body);
	rule_scanner_free(c.scn);
	ruleset_resolve(rs, &v->hits, langs);

	/* Weights: once per rule, however often it matched. */
	for (i = 0; i < v->hits.n; i++) {
		const struct rule *r = v->hits.v[i].rule;

		counted = 0;
		for (k = 0; k < i && !counted; k++)
			counted = v->hits.v[k].rule == r;
		if (counted)
			continue;
		for (k = 0; k < CLASS_COUNT; k++)
			v->score[k] += r->weight[k];
	}
	for (k = 0; k < CLASS_COUNT; k++)
		v->threshold[k] = ruleset_threshold(rs, (enum iq_class)k);
	v->cls = ruleset_decide(rs, v->score, v->why, sizeof(v->why));

	build_outline(rs, visible, v);
	find_business(rs, visible, c.deadline, v);
	if (opts && opts->product_lookup) {
		size_t nreq = v->nreq;
		const char *name = NULL;

		for (i = 0; i < nreq && !name; i++)
			if (!strcmp(v->req[i].field, "product"))
				name = lookup_with_specs(opts, v, i);
		if (!name && pm->subject)
			name = opts->product_lookup(opts->arg, pm->subject);
		if (!name)
			name = opts->product_lookup(opts->arg, visible);
		if (name) {
			for (i = 0; i < v->nreq; i++)
				if (!strcmp(v->req[i].field, "product")) {
					free(v->req[i].field);
					v->req[i].field =
					    xstrdup("product_phrase");
				}
			add_requirement(v, "product", name, NULL, 0);
		}
	}
	sort_outline(v);
	free(from);
	v->elapsed_ms = (unsigned long)(now_ms() - t0);
}

void
classify_message(const struct ruleset *rs, const struct parsed_msg *pm,
    const struct sig_result *s, struct verdict *v)
{
	classify_message_opts(rs, pm, s, NULL, v);
}

/* --- explain ------------------------------------------------------------- */

static void
print_weights(FILE *fp, const struct rule *r)
{
	int c, any = 0;

	for (c = 0; c < CLASS_COUNT; c++)
		if (r->weight[c] != 0) {
			fprintf(fp, "%s%s %+g", any ? ", " : "",
			    class_name((enum iq_class)c), r->weight[c]);
			any = 1;
		}
	if (!any)
		fputs("no weight", fp);
}

void
classify_explain(FILE *fp, const struct verdict *v)
{
	char esc[256];
	size_t i, k;
	int c;

	fprintf(fp, "rules that fired:\n");
	if (!v->hits.n)
		fprintf(fp, "  (none)\n");
	for (i = 0; i < v->hits.n; i++) {
		const struct rule_hit *h = &v->hits.v[i];
		const struct rule *r = h->rule;
		int first = 1;

		for (k = 0; k < i; k++)
			if (v->hits.v[k].rule == r)
				first = 0;
		fprintf(fp, "  %-28s %s:%d  %s", r->id, r->file, r->line,
		    r->target ? r->target : "when");
		if (r->header)
			fprintf(fp, ":%s", r->header);
		if (r->target)
			fprintf(fp, " \"%s\"", log_escape(h->match, esc,
			    sizeof(esc)));
		else if (r->when)
			fprintf(fp, " %.60s%s", r->when,
			    strlen(r->when) > 60 ? "..." : "");
		fputs("  ", fp);
		if (first)
			print_weights(fp, r);
		else
			fputs("(counted once)", fp);
		fputc('\n', fp);
		for (k = 0; k < h->ncaps; k++)
			fprintf(fp, "      %s: %s\n", h->caps[k].name,
			    log_escape(h->caps[k].value, esc, sizeof(esc)));
	}
	fprintf(fp, "totals:");
	for (c = 0; c < CLASS_COUNT; c++)
		fprintf(fp, "%s %s %g (threshold %g)", c ? "," : "",
		    class_name((enum iq_class)c), v->score[c], v->threshold[c]);
	fprintf(fp, "\ndecision: %s (%s)\n", class_name(v->cls), v->why);
	fprintf(fp, "language: %s\n", v->lang);
	fprintf(fp, "outline:\n");
	if (!v->nreq)
		fprintf(fp, "  (nothing)\n");
	for (i = 0; i < v->nreq; i++)
		fprintf(fp, "  %-14s %s  [%s]\n", v->req[i].field,
		    log_escape(v->req[i].value, esc, sizeof(esc)),
		    v->req[i].rule ? v->req[i].rule->id : "catalog");
	fprintf(fp, "questions:\n");
	if (!v->questions.n)
		fprintf(fp, "  (none)\n");
	for (i = 0; i < v->questions.n; i++)
		fprintf(fp, "  - %s\n", log_escape(v->questions.v[i], esc,
		    sizeof(esc)));
	for (i = 0; i < v->warnings.n; i++)
		fprintf(fp, "warning: %s\n", v->warnings.v[i]);
	fprintf(fp, "matching took %lu ms\n", v->elapsed_ms);
}
