/*
 * domain.h - what a domain name says by itself, with no network: its
 * ASCII and Unicode forms (IDN), its registrable domain (the public
 * suffix list, libpsl), the country of its ccTLD, whether it is in a
 * domain list (free mail, disposable, brands), and whether it looks like
 * someone else's (look-alike and punycode checks).
 *
 * Every name returned is lowercase ASCII ("A-label" form for IDNs, as DNS
 * and the lists use it) unless the function says Unicode.  Only domain.c
 * calls libpsl and libidn2.  Nothing here fails in a way the caller must
 * handle beyond "not a valid domain" (NULL / -1): a name that cannot be
 * converted is simply not a domain.
 */
#ifndef INQUIRYD_DOMAIN_H
#define INQUIRYD_DOMAIN_H

#include "util.h"

#define DOMAIN_MAX 253

/*
 * The lookup form of host: IDNA2008 (UTS #46 non-transitional) to ASCII,
 * lowercased, without a trailing dot; each label 1-63 characters of
 * [a-z0-9-] not starting or ending with '-'; at least two labels.
 * Returns a malloc'd string, or NULL when host is not a valid domain name
 * (an IP literal, a single label, bad characters).
 */
char *domain_normalize(const char *host);

/*
 * The Unicode (U-label) form of an ASCII domain, for display and the
 * look-alike check; a malloc'd copy of host when it has no "xn--" label
 * or cannot be decoded.
 */
char *domain_to_unicode(const char *host);

/* True when a label of host is an IDN ("xn--"). */
int domain_is_punycode(const char *host);

/*
 * The registrable domain of a normalised host ("shop.acme.co.uk" ->
 * "acme.co.uk") by the public suffix list (the system's
 * /usr/share/publicsuffix when newer than libpsl's built-in copy).
 * Returns a malloc'd string, or NULL when host is itself a public suffix
 * or not a domain.
 */
char *domain_registrable(const char *host);

/*
 * Whether host (ASCII, any case) ends with a top-level domain that the
 * public suffix list names, not one only its "*" rule would make up:
 * "acme.com" and "acme.co.uk" yes, "St.Louis" and "No.5" no.
 */
int domain_known_tld(const char *host);

/*
 * The public suffix of a registrable domain and the label before it:
 * "acme.co.uk" -> label "acme", suffix "co.uk".  Both malloc'd; returns
 * 0, or -1 when reg is not a registrable domain.
 */
int domain_split(const char *reg, char **label, char **suffix);

/*
 * The ISO 3166 alpha-2 country of host's top-level domain ("de" -> "DE",
 * "uk" -> "GB"), or NULL for generic TLDs and for the country codes sold
 * as generic names (.io, .co, .me, .tv, .ai...).  Returns a static string.
 */
const char *domain_cctld_country(const char *host);

/*
 * The host of URL url (n bytes): after its "scheme://" when it has one
 * ("www.acme.com/x" has none), up to a '/', '?', '#' or ':'; its length
 * in *len.  No normalisation: the host as written.
 */
const char *domain_url_host(const char *url, size_t n, size_t *len);

/*
 * Whether the host of url (n bytes) is domain (lowercase ASCII) or a
 * name under it, in any case: "nam12.safelinks.protection.outlook.com"
 * is under "safelinks.protection.outlook.com", "notwa.me" is not under
 * "wa.me".
 */
int domain_url_under(const char *url, size_t n, const char *domain);
/* domain_url_under() for a host already found (domain_url_host: h, hl). */
int domain_host_under(const char *h, size_t hl, const char *domain);

/*
 * Whether url (n bytes) is on a messenger's host (WhatsApp, Telegram,
 * LINE, Zalo, Viber, Skype, WeChat) or LinkedIn's: a link that is a way
 * to reach a person, never a company's website.
 */
int domain_url_contact(const char *url, size_t n);

/*
 * A set of domains (a free-mail list, an override file, well-known
 * brands).  Lookups match the domain or any parent of it, so "x.33mail.com"
 * is in a set holding "33mail.com".  Entries may be negated ("!acme.com"
 * in a file): a negated entry answers "no" for itself and its subdomains
 * even if the shipped list says yes, which is how an admin's override file
 * removes a wrongly listed domain.
 */
struct domain_set;
struct domain_set *domain_set_new(void);
void domain_set_free(struct domain_set *s);
/* Adds a domain (normalised here); returns 0 or -1 if it is not one. */
int domain_set_add(struct domain_set *s, const char *domain, int negated);
/*
 * Loads a list file: one domain per line, '#' comments, blank lines, and
 * "!domain" negations.  Every bad line is appended to errors as
 * "file:line: message"; returns 0, or -1 when the file cannot be read or
 * a line was bad (the good lines stay added).
 */
int domain_set_load(struct domain_set *s, const char *path,
    struct strlist *errors);
/*
 * 1 when host or a parent is in the set, 0 when a negated entry matches
 * first (the most specific entry wins), -1 when nothing matches.
 */
int domain_set_lookup(const struct domain_set *s, const char *host);
size_t domain_set_count(const struct domain_set *s);
/* Calls fn for each positive entry (in no particular order). */
void domain_set_each(const struct domain_set *s,
    void (*fn)(void *arg, const char *domain), void *arg);

/*
 * Look-alike check of a registrable domain against protected names: each
 * entry of names is a domain ("paypal.com") or a bare brand name
 * ("Example Gifts"); own marks names that are ours (our domain and
 * brands), for which the same name under another suffix is suspicious too.
 * Catches homoglyphs (Cyrillic 'а' for 'a', "rn" for "m", "0" for "o"),
 * one letter added, dropped, changed or swapped (names of 5 letters or
 * more), and the name as a hyphenated word of a longer one
 * ("paypal-secure.com").  The protected domain itself never matches.
 * Returns 1 and a malloc'd reason in *why ("'paypa1.com' looks like
 * 'paypal.com' (homoglyph)"), or 0.
 */
struct domain_protect {
	char *label;		/* the name reduced to [a-z0-9] and '-' */
	char *domain;		/* the full domain, NULL for a bare name */
	int own;
};
int domain_lookalike(const char *reg, const struct domain_protect *names,
    size_t n, char **why);
/*
 * Builds a protected name from a domain or brand name; returns 0 or -1
 * when nothing usable is left.  Release with domain_protect_release.
 */
int domain_protect_init(struct domain_protect *p, const char *name, int own);
void domain_protect_release(struct domain_protect *p);

/* Frees the public suffix list (at exit; later calls reload it). */
void domain_cleanup(void);

#ifdef INQUIRYD_UNITTEST
/* The confusable skeleton of a label (UTF-8 in, ASCII out). */
char *domain_skeleton(const char *label);
/* Damerau-Levenshtein distance (optimal string alignment), capped. */
size_t domain_distance(const char *a, const char *b, size_t cap);
#endif

#endif
