/*
 * domain.c - domain names without the network: IDN forms (libidn2),
 * registrable domains (libpsl), ccTLD countries, domain sets and the
 * look-alike check.
 *
 * The look-alike check compares "skeletons": each label is decoded to
 * Unicode, letters that look alike are mapped to one ASCII letter (a
 * small table of the Cyrillic, Greek and accented Latin letters that
 * phishers use, plus "rn" -> "m", "vv" -> "w", "0" -> "o", "1" -> "l"),
 * hyphens dropped; two labels with the same skeleton look the same to a
 * reader.  An edit distance of one on the skeletons catches the added,
 * dropped or swapped letter.
 */
#include <ctype.h>
#include <errno.h>
#include <idn2.h>
#include <libpsl.h>

#include "util.h"
#include "buf.h"
#include "domain.h"

static psl_ctx_t *psl;
static int psl_tried;

static const psl_ctx_t *
domain_psl(void)
{
	if (!psl_tried) {
		psl_tried = 1;
		/* The newer of the system list and the built-in one. */
		psl = psl_latest(NULL);
	}
	return psl ? psl : psl_builtin();
}

void
domain_cleanup(void)
{
	if (psl)
		psl_free(psl);
	psl = NULL;
	psl_tried = 0;
}

static int
label_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i]) || s[i] == '-'))
			return 0;
	return 1;
}

/* Lowercase ASCII name with valid labels, two or more, not all-numeric TLD. */
static int
ascii_domain_ok(const char *s)
{
	const char *p = s, *dot;
	size_t labels = 0, n = strlen(s);
	const char *tld = s;

	if (n == 0 || n > DOMAIN_MAX)
		return 0;
	for (;;) {
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (!label_ok(p, n))
			return 0;
		labels++;
		tld = p;
		if (!dot)
			break;
		p = dot + 1;
	}
	/* "1.2.3.4" is an address, not a domain. */
	for (p = tld; *p; p++)
		if (!isdigit((unsigned char)*p))
			break;
	return labels >= 2 && *p;
}

char *
domain_normalize(const char *host)
{
	char *tmp = NULL, *ascii = NULL, *out = NULL;
	size_t n;
	int ascii_only = 1;
	const char *p;

	if (!host)
		return NULL;
	while (*host == ' ' || *host == '\t')
		host++;
	tmp = xstrdup(host);
	str_trim(tmp);
	n = strlen(tmp);
	if (n && tmp[n - 1] == '.')
		tmp[--n] = '\0';
	if (n == 0 || n > 4 * DOMAIN_MAX)
		goto out;
	for (p = tmp; *p; p++)
		if ((unsigned char)*p >= 0x80)
			ascii_only = 0;
	if (ascii_only) {
		str_lower(tmp);
		if (ascii_domain_ok(tmp)) {
			out = tmp;
			tmp = NULL;
		}
		goto out;
	}
	if (idn2_lookup_u8((const uint8_t *)tmp, (uint8_t **)&ascii,
	    IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
		goto out;
	str_lower(ascii);
	if (ascii_domain_ok(ascii))
		out = xstrdup(ascii);
out:
	idn2_free(ascii);
	free(tmp);
	return out;
}

int
domain_is_punycode(const char *host)
{
	const char *p = host;

	while (p && *p) {
		if (!strncasecmp(p, "xn--", 4))
			return 1;
		p = strchr(p, '.');
		if (p)
			p++;
	}
	return 0;
}

char *
domain_to_unicode(const char *host)
{
	char *u = NULL, *out;

	if (!domain_is_punycode(host))
		return xstrdup(host);
	if (idn2_to_unicode_8z8z(host, &u, 0) != IDN2_OK || !u) {
		idn2_free(u);
		return xstrdup(host);
	}
	out = xstrdup(u);
	idn2_free(u);
	return out;
}

char *
domain_registrable(const char *host)
{
	char *norm = domain_normalize(host);
	const char *reg;
	char *out = NULL;

	if (!norm)
		return NULL;
	reg = psl_registrable_domain(domain_psl(), norm);
	if (reg)
		out = xstrdup(reg);
	free(norm);
	return out;
}

int
domain_known_tld(const char *host)
{
	const char *dot = host ? strrchr(host, '.') : NULL;
	char tld[64];
	size_t i, n;

	if (!dot || !(n = strlen(dot + 1)) || n >= sizeof(tld))
		return 0;
	for (i = 0; i < n; i++)
		tld[i] = (char)tolower((unsigned char)dot[1 + i]);
	tld[n] = '\0';
	return psl_is_public_suffix2(domain_psl(), tld,
	    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

int
domain_split(const char *reg, char **label, char **suffix)
{
	const char *dot;

	*label = *suffix = NULL;
	if (!reg)
		return -1;
	dot = strchr(reg, '.');
	if (!dot || dot == reg || !dot[1])
		return -1;
	*label = xstrndup(reg, (size_t)(dot - reg));
	*suffix = xstrdup(dot + 1);
	return 0;
}

/* Country-code TLDs that are sold as generic names: no evidence alone. */
static const char *const vanity_tlds[] = {
	"ac", "ai", "cc", "cf", "co", "fm", "ga", "gg", "gq", "io", "la",
	"ly", "me", "ml", "nu", "sh", "tk", "to", "tv", "ws", "eu", "su",
	"gs", "ms", "vc", "im", "am", "bz", "sc", "mu",
};

const char *
domain_url_host(const char *url, size_t n, size_t *len)
{
	const char *h = url, *end = url + n, *p;

	/* a scheme: letters, digits, '+', '-', '.' before "://" */
	for (p = url; p < end && (isalnum((unsigned char)*p) || *p == '+' ||
	    *p == '-' || *p == '.'); p++)
		;
	if (p > url && end - p >= 3 && !memcmp(p, "://", 3))
		h = p + 3;
	for (p = h; p < end && *p != '/' && *p != '?' && *p != '#' &&
	    *p != ':'; p++)
		;
	*len = (size_t)(p - h);
	return h;
}

int
domain_url_under(const char *url, size_t n, const char *domain)
{
	size_t hl;
	const char *h = domain_url_host(url, n, &hl);

	return domain_host_under(h, hl, domain);
}

int
domain_host_under(const char *h, size_t hl, const char *domain)
{
	size_t k = strlen(domain);

	return hl >= k && !strncasecmp(h + hl - k, domain, k) &&
	    (hl == k || h[hl - k - 1] == '.');
}

int
domain_url_contact(const char *url, size_t n)
{
	static const char *const hosts[] = {
		"wa.me", "wa.link", "whatsapp.com", "t.me", "telegram.me",
		"line.me", "lin.ee", "zalo.me", "viber.com", "skype.com",
		"weixin.qq.com", "wechat.com", "linkedin.com",
	};
	size_t i, hl;
	const char *h;

	/* the host once, not once a name (domain_url_under) */
	h = domain_url_host(url, n, &hl);
	for (i = 0; i < ARRAY_SIZE(hosts); i++)
		if (domain_host_under(h, hl, hosts[i]))
			return 1;
	return 0;
}

const char *
domain_cctld_country(const char *host)
{
	static char cc[3];
	const char *tld, *prev;
	size_t i;
	int second_level;

	if (!host)
		return NULL;
	tld = strrchr(host, '.');
	if (!tld)
		return NULL;
	tld++;
	if (strlen(tld) != 2 || !isalpha((unsigned char)tld[0]) ||
	    !isalpha((unsigned char)tld[1]))
		return NULL;
	/* "com.co", "co.uk": a second-level suffix is a real country. */
	prev = tld - 1;
	while (prev > host && prev[-1] != '.')
		prev--;
	second_level = 0;
	if (prev > host) {
		char *s = xstrndup(prev, strlen(prev));
		second_level = psl_is_public_suffix(domain_psl(), s);
		free(s);
	}
	if (!strcasecmp(tld, "uk"))
		return "GB";
	for (i = 0; i < ARRAY_SIZE(vanity_tlds); i++)
		if (!strcasecmp(tld, vanity_tlds[i]) && !second_level)
			return NULL;
	cc[0] = (char)toupper((unsigned char)tld[0]);
	cc[1] = (char)toupper((unsigned char)tld[1]);
	cc[2] = '\0';
	return cc;
}

/* ---- domain sets: open addressing on FNV-1a ---- */

struct dset_entry {
	char *name;
	int negated;
};

struct domain_set {
	struct dset_entry *v;
	size_t cap;		/* power of two */
	size_t n;
};

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct domain_set *
domain_set_new(void)
{
	struct domain_set *s = xcalloc(1, sizeof(*s));

	s->cap = 64;
	s->v = xcalloc(s->cap, sizeof(*s->v));
	return s;
}

void
domain_set_free(struct domain_set *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->v[i].name);
	free(s->v);
	free(s);
}

static struct dset_entry *
dset_slot(const struct domain_set *s, const char *name)
{
	size_t i = (size_t)fnv1a(name) & (s->cap - 1);

	while (s->v[i].name && strcmp(s->v[i].name, name))
		i = (i + 1) & (s->cap - 1);
	return &s->v[i];
}

static void
dset_grow(struct domain_set *s)
{
	struct dset_entry *old = s->v;
	size_t oldcap = s->cap, i;

	s->cap *= 2;
	s->v = xcalloc(s->cap, sizeof(*s->v));
	for (i = 0; i < oldcap; i++)
		if (old[i].name)
			*dset_slot(s, old[i].name) = old[i];
	free(old);
}

int
domain_set_add(struct domain_set *s, const char *domain, int negated)
{
	char *norm = domain_normalize(domain);
	struct dset_entry *e;

	if (!norm)
		return -1;
	if ((s->n + 1) * 2 > s->cap)
		dset_grow(s);
	e = dset_slot(s, norm);
	if (e->name) {
		free(norm);
	} else {
		e->name = norm;
		s->n++;
	}
	e->negated = negated;
	return 0;
}

int
domain_set_load(struct domain_set *s, const char *path,
    struct strlist *errors)
{
	FILE *fp;
	char line[1024];
	int lineno = 0, rc = 0;
	size_t n;
	char *p, *hash;

	fp = fopen(path, "r");
	if (!fp) {
		strlist_pushf(errors, "%s: cannot read: %s", path,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			strlist_pushf(errors, "%s:%d: line too long", path,
			    lineno);
			rc = -1;
			while (fgets(line, sizeof(line), fp) &&
			    !strchr(line, '\n'))
				;
			continue;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		p = str_trim(line);
		if (!*p)
			continue;
		if (domain_set_add(s, p[0] == '!' ? p + 1 : p, p[0] == '!')) {
			strlist_pushf(errors, "%s:%d: not a domain name: '%s'",
			    path, lineno, p);
			rc = -1;
		}
	}
	if (ferror(fp)) {
		strlist_pushf(errors, "%s: read error: %s", path,
		    strerror(errno));
		rc = -1;
	}
	fclose(fp);
	return rc;
}

int
domain_set_lookup(const struct domain_set *s, const char *host)
{
	char *norm;
	const char *p;
	const struct dset_entry *e;
	int rc = -1;

	if (!s || !s->n || !host)
		return -1;
	norm = domain_normalize(host);
	if (!norm)
		return -1;
	for (p = norm; p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
		e = dset_slot(s, p);
		if (e->name) {
			rc = e->negated ? 0 : 1;
			break;
		}
	}
	free(norm);
	return rc;
}

size_t
domain_set_count(const struct domain_set *s)
{
	return s ? s->n : 0;
}

void
domain_set_each(const struct domain_set *s,
    void (*fn)(void *arg, const char *domain), void *arg)
{
	size_t i;

	for (i = 0; s && i < s->cap; i++)
		if (s->v[i].name && !s->v[i].negated)
			fn(arg, s->v[i].name);
}

/* ---- look-alikes ---- */

struct confusable {
	uint32_t cp;
	char ascii;
};

/* Letters that render like an ASCII letter (a working subset of UTS #39). */
static const struct confusable confusables[] = {
	{ 0x00e0, 'a' }, { 0x00e1, 'a' }, { 0x00e2, 'a' }, { 0x00e3, 'a' },
	{ 0x00e4, 'a' }, { 0x00e5, 'a' }, { 0x00e7, 'c' }, { 0x00e8, 'e' },
	{ 0x00e9, 'e' }, { 0x00ea, 'e' }, { 0x00eb, 'e' }, { 0x00ec, 'i' },
	{ 0x00ed, 'i' }, { 0x00ee, 'i' }, { 0x00ef, 'i' }, { 0x00f1, 'n' },
	{ 0x00f2, 'o' }, { 0x00f3, 'o' }, { 0x00f4, 'o' }, { 0x00f5, 'o' },
	{ 0x00f6, 'o' }, { 0x00f8, 'o' }, { 0x00f9, 'u' }, { 0x00fa, 'u' },
	{ 0x00fb, 'u' }, { 0x00fc, 'u' }, { 0x00fd, 'y' }, { 0x00ff, 'y' },
	{ 0x0101, 'a' }, { 0x0103, 'a' }, { 0x0105, 'a' }, { 0x0107, 'c' },
	{ 0x010d, 'c' }, { 0x0113, 'e' }, { 0x0117, 'e' }, { 0x0119, 'e' },
	{ 0x011b, 'e' }, { 0x011f, 'g' }, { 0x012b, 'i' }, { 0x0131, 'i' },
	{ 0x0142, 'l' }, { 0x0144, 'n' }, { 0x0148, 'n' }, { 0x014d, 'o' },
	{ 0x0151, 'o' }, { 0x0159, 'r' }, { 0x015b, 's' }, { 0x015f, 's' },
	{ 0x0161, 's' }, { 0x0163, 't' }, { 0x0165, 't' }, { 0x016b, 'u' },
	{ 0x016f, 'u' }, { 0x0171, 'u' }, { 0x017a, 'z' }, { 0x017c, 'z' },
	{ 0x017e, 'z' }, { 0x0251, 'a' }, { 0x0261, 'g' }, { 0x0269, 'i' },
	{ 0x03b1, 'a' }, { 0x03b5, 'e' }, { 0x03b9, 'i' }, { 0x03ba, 'k' },
	{ 0x03bd, 'v' }, { 0x03bf, 'o' }, { 0x03c1, 'p' }, { 0x03c4, 't' },
	{ 0x03c5, 'u' }, { 0x03c7, 'x' }, { 0x0430, 'a' }, { 0x0432, 'b' },
	{ 0x0435, 'e' }, { 0x043a, 'k' }, { 0x043c, 'm' }, { 0x043d, 'h' },
	{ 0x043e, 'o' }, { 0x0440, 'p' }, { 0x0441, 'c' }, { 0x0442, 't' },
	{ 0x0443, 'y' }, { 0x0445, 'x' }, { 0x0455, 's' }, { 0x0456, 'i' },
	{ 0x0457, 'i' }, { 0x0458, 'j' }, { 0x04bb, 'h' }, { 0x04cf, 'l' },
	{ 0x0501, 'd' }, { 0x051b, 'q' }, { 0x051d, 'w' }, { 0x1e0d, 'd' },
	{ 0x1ea1, 'a' }, { 0x1eb9, 'e' }, { 0x1ecb, 'i' }, { 0x1ecd, 'o' },
	{ 0x1ee5, 'u' },
};

/* Decodes one UTF-8 sequence; returns its length (1 for a bad byte). */
static size_t
utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x0f) << 12) |
		    ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return 3;
	}
	if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x07) << 18) |
		    ((uint32_t)(s[1] & 0x3f) << 12) |
		    ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		return 4;
	}
	*cp = 0xfffd;
	return 1;
}

static char
confusable_ascii(uint32_t cp)
{
	size_t lo = 0, hi = ARRAY_SIZE(confusables);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (confusables[mid].cp == cp)
			return confusables[mid].ascii;
		if (confusables[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

UNITTEST char *
domain_skeleton(const char *label)
{
	struct buf b = BUF_INIT(4 * DOMAIN_MAX);
	const unsigned char *s = (const unsigned char *)label;
	uint32_t cp;
	char c;
	size_t n;

	while (*s) {
		n = utf8_next(s, &cp);
		s += n;
		if (cp < 0x80) {
			c = (char)tolower((int)cp);
			if (c == '-' || c == '.' || c == '_')
				continue;
			if (c == '0')
				c = 'o';
			else if (c == '1')
				c = 'l';
			buf_addch(&b, c);
			/* "rn" -> "m", "vv" -> "w" */
			if (b.len >= 2 && b.data[b.len - 2] == 'r' &&
			    b.data[b.len - 1] == 'n') {
				buf_setlen(&b, b.len - 2);
				buf_addch(&b, 'm');
			} else if (b.len >= 2 && b.data[b.len - 2] == 'v' &&
			    b.data[b.len - 1] == 'v') {
				buf_setlen(&b, b.len - 2);
				buf_addch(&b, 'w');
			}
			continue;
		}
		c = confusable_ascii(cp);
		if (c)
			buf_addch(&b, c);
		else	/* a letter like no ASCII one: keep it distinct */
			buf_addf(&b, "<%x>", (unsigned)cp);
	}
	return buf_detach(&b, NULL);
}

UNITTEST size_t
domain_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d = cap + 1;
	size_t *prev2, *prev, *cur, *t;

	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	prev2 = xcalloc(lb + 1, sizeof(*prev2));
	prev = xcalloc(lb + 1, sizeof(*prev));
	cur = xcalloc(lb + 1, sizeof(*cur));
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = prev[j] + 1;

			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	free(prev2);
	free(prev);
	free(cur);
	return d > cap ? cap + 1 : d;
}

int
domain_protect_init(struct domain_protect *p, const char *name, int own)
{
	struct buf b = BUF_INIT(DOMAIN_MAX);
	char *reg = NULL, *label = NULL, *suffix = NULL;
	const char *s;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	if (!name)
		return -1;
	if (strchr(name, '.') && (reg = domain_registrable(name)) &&
	    !domain_split(reg, &label, &suffix)) {
		p->label = label;
		p->domain = reg;
		p->own = own;
		label = NULL;
		reg = NULL;
		rc = 0;
		goto out;
	}
	/* A brand name: letters and digits, words joined by nothing. */
	for (s = name; *s; s++)
		if (isalnum((unsigned char)*s))
			buf_addch(&b, (char)tolower((unsigned char)*s));
	if (b.len >= 3) {
		p->label = buf_detach(&b, NULL);
		p->own = own;
		rc = 0;
	}
out:
	buf_release(&b);
	free(reg);
	free(label);
	free(suffix);
	return rc;
}

void
domain_protect_release(struct domain_protect *p)
{
	free(p->label);
	free(p->domain);
	memset(p, 0, sizeof(*p));
}

/* True when one of the '-'-separated words of ulabel is name. */
static int
has_word(const char *ulabel, const char *name, const char *name_skel)
{
	char *copy = xstrdup(ulabel), *p = copy, *dash, *sk;
	int found = 0;

	for (;;) {
		dash = strchr(p, '-');
		if (dash)
			*dash = '\0';
		if (!strcmp(p, name))
			found = 1;
		else if (*p) {
			sk = domain_skeleton(p);
			found = !strcmp(sk, name_skel);
			free(sk);
		}
		if (found || !dash)
			break;
		p = dash + 1;
	}
	free(copy);
	return found;
}

int
domain_lookalike(const char *reg, const struct domain_protect *names,
    size_t n, char **why)
{
	char *label = NULL, *suffix = NULL, *ureg = NULL, *ulabel = NULL;
	char *usuffix = NULL, *skel = NULL, *pskel = NULL;
	const struct domain_protect *p;
	const char *how = NULL;
	size_t i;
	int hit = 0;

	*why = NULL;
	if (!reg || domain_split(reg, &label, &suffix))
		goto out;
	ureg = domain_to_unicode(reg);
	if (domain_split(ureg, &ulabel, &usuffix))
		goto out;
	/* The protected domain itself is what it says it is. */
	for (i = 0; i < n; i++)
		if (names[i].domain && !strcmp(reg, names[i].domain))
			goto out;
	skel = domain_skeleton(ulabel);
	for (i = 0; i < n && !hit; i++) {
		p = &names[i];
		free(pskel);
		pskel = domain_skeleton(p->label);
		if (!strcmp(label, p->label)) {
			/* google.de is Google; example-gifts.net is not us. */
			if (!p->own || !p->domain)
				continue;
			how = "the same name under another suffix";
			hit = 1;
		} else if (!strcmp(skel, pskel)) {
			how = "letters that look alike";
			hit = 1;
		} else if (strlen(pskel) >= 5 &&
		    domain_distance(skel, pskel, 1) == 1) {
			how = "one letter off";
			hit = 1;
		} else if (strlen(p->label) >= 3 && strchr(ulabel, '-') &&
		    has_word(ulabel, p->label, pskel)) {
			how = "the name inside a longer one";
			hit = 1;
		}
		if (hit)
			*why = xasprintf("'%s'%s%s%s looks like '%s' (%s)",
			    reg, strcmp(reg, ureg) ? " (shown as '" : "",
			    strcmp(reg, ureg) ? ureg : "",
			    strcmp(reg, ureg) ? "')" : "",
			    p->domain ? p->domain : p->label, how);
	}
out:
	free(label);
	free(suffix);
	free(ureg);
	free(ulabel);
	free(usuffix);
	free(skel);
	free(pskel);
	return hit;
}
