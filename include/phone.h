/*
 * phone.h - phone numbers and the countries they belong to.
 *
 * One table of countries (ISO 3166 alpha-2 code, E.164 calling code,
 * national trunk prefix, names in several languages) answers the three
 * questions a signature raises: which E.164 number is "021-6296 2950"
 * when the sender is in China, which country is "+971 4 ...", and which
 * country is "Deutschland" or "中国".  Functions over static data, safe
 * on any input (lengths are bounded by the caller's buffer sizes and
 * PHONE_MAX_INPUT); the only state is an index of the country names,
 * built on first use and kept for the life of the process (not
 * thread-safe on that first use).
 */
#ifndef INQUIRYD_PHONE_H
#define INQUIRYD_PHONE_H

#include "util.h"

/* Longest text phone_normalise() looks at; the rest is ignored. */
#define PHONE_MAX_INPUT 64
/* Room for "+" and 15 digits and the NUL. */
#define PHONE_E164_SIZE 17

enum phone_flags {
	/* Digits without "+" or "00" that start with a calling code are
	 * international (WhatsApp numbers are written so: "8613812345678"). */
	PHONE_INTL = 1 << 0,
};

/*
 * Reads the phone number at the start of text (len bytes; a label must
 * already be skipped; extensions, letters and a second number after it
 * are ignored) and normalises it to E.164, assuming country (alpha-2,
 * may be NULL) for a national number.
 *
 * Returns 0 with "+CCNNN..." in out (size >= PHONE_E164_SIZE); 1 when it
 * is a plausible number whose country is unknown, with the number as
 * written (trimmed) in out (truncated to size); -1 when it is not a
 * phone number (too few or too many digits, a date).  *used, when not
 * NULL, gets the bytes of text that the number took.
 */
int phone_normalise(const char *text, size_t len, const char *country,
    unsigned flags, char *out, size_t size, size_t *used);

/*
 * The alpha-2 code of the country an E.164 number ("+4930...", or the
 * digits alone) belongs to, by the longest calling code, NANP area code
 * and the +7 split; NULL when none matches.
 */
const char *phone_country_of(const char *e164);

/* The calling code of an alpha-2 country ("DE" -> "49"), or NULL. */
const char *phone_calling_code(const char *iso);

/*
 * The alpha-2 code of a country written in full (case-insensitive for
 * Latin, Greek and Cyrillic letters, whole words; "Deutschland",
 * "P.R. China", "中国", "Emirats arabes unis", "USA"), or NULL.
 */
const char *phone_country_by_name(const char *name, size_t len);

/*
 * Finds a country name inside text (len bytes): returns the alpha-2
 * code of the match that ends last (an address ends with its country),
 * or NULL.  *at, when not NULL, gets the byte offset of that match.
 * Text longer than 4096 bytes is searched in its last 4096 bytes.
 */
const char *phone_country_in_text(const char *text, size_t len, size_t *at);

/*
 * The country of a domain's top-level domain ("acme.co.uk" -> "GB",
 * "x.com.cn" -> "CN"); NULL for generic TLDs (.com, .io, .co, .me...).
 */
const char *phone_country_of_domain(const char *domain);

/* True when iso is an alpha-2 code in the table. */
int phone_country_known(const char *iso);

/*
 * Lowercases the ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic
 * capitals of s (len bytes) into out, which must hold len + 1 bytes, and
 * NUL-terminates it.  Every letter keeps its UTF-8 length, so an offset
 * in out is the same offset in s.  Returns out.  (sig.c matches its
 * phrase lists the same way as the country names.)
 */
char *phone_fold(const char *s, size_t len, char *out);

#ifdef INQUIRYD_UNITTEST
/* phone_country_in_text by a walk of every name (a reference). */
const char *phone_country_in_text_walk(const char *text, size_t len,
    size_t *at);
#endif

#endif
