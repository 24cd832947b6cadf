/*
 * draft.h - the reply a rep would write: an RFC 5322 message with a text
 * and an HTML part rendered from Mustache templates, the quote sheet
 * attached, threading headers set, written as .eml under the drafts
 * directory.
 *
 * The notes for the rep (risk flags, what was guessed, what is to
 * confirm) go in d->notes and the X-Inquiryd-Notes header, never in the
 * text the customer reads.
 */
#ifndef INQUIRYD_DRAFT_H
#define INQUIRYD_DRAFT_H

#include "buf.h"
#include "quote.h"

struct conf;
struct conf_account;
struct err;
struct templates;

struct draft {
	char *message_id;	/* without <>, at our domain */
	char *subject;
	char *to;		/* the address replied to */
	char *lang;		/* language of the template used */
	char *notes;		/* for the rep */
	char *path;		/* the .eml written, NULL until draft_write */
	struct buf raw;		/* the whole message, CRLF line ends */
};

/*
 * Loads every template under dir (all-or-nothing, errors as
 * "file:line: message").  Returns 0 and *out, or -1.
 */
int templates_load(struct templates **out, const char *dir,
    struct strlist *errors);
void templates_free(struct templates *t);

/*
 * Renders the reply to pm for account a (may be NULL: the [company]
 * identity) from the offer and the quote at quote_path (may be NULL: no
 * attachment).  now is the Date.  d is initialised by the call.  Returns 0,
 * or -1 with e (ERR_CONFIG when a template is missing or fails).
 */
int draft_render(const struct conf *c, const struct conf_account *a,
    const struct templates *t, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    const struct enrich_info *ei, const struct offer *o,
    const char *quote_path, int64_t now, struct draft *d, struct err *e);

/*
 * Writes d->raw under dir as <safe name>.eml (atomically: a temporary file
 * renamed), sets d->path.  Returns 0 or -1 with e (ERR_TEMP on I/O).
 */
int draft_write(struct draft *d, const char *dir, struct err *e);
void draft_release(struct draft *d);

/*
 * Who the reply greets, from what the customer stated and never from a
 * guess: a title (Mr, Ms, Mrs, Dr; also Herr/Frau, Sr./Sra., Monsieur/
 * Madame, 先生/女士...) from the signature's salutation field or written
 * in the From display name or signature name, and the name from the
 * signature or a From display name that looks like a person's (not
 * "Sales", "ACME Ltd", an address).  Names written in capitals are
 * title-cased; "Jick, John" becomes "John Jick".
 */
enum greet_kind {
	GREET_UNKNOWN,		/* Dear Sir or Madam */
	GREET_NAME,		/* Dear John Jick */
	GREET_MR,		/* Dear Mr Jick */
	GREET_MS,
	GREET_MRS,
	GREET_DR,
	GREET_SIR,		/* Mr stated, no name: Dear Sir */
	GREET_MADAM,		/* Ms or Mrs stated, no name: Dear Madam */
};

struct greeting {
	enum greet_kind kind;
	char *full_name;	/* owned, NULL if unknown */
	char *surname;		/* owned, NULL if unknown */
	const char *why;	/* static: where it came from, for the notes */
};

/* Works out g (initialised by the call) from pm and s (either NULL). */
void draft_greeting(const struct parsed_msg *pm, const struct sig_result *s,
    struct greeting *g);
void greeting_release(struct greeting *g);
/* "Mr", "Ms", "Mrs", "Dr", "name", "sir", "madam", "unknown". */
const char *greet_kind_name(enum greet_kind k);

/*
 * The subject of a reply to subject: "Re: " once, before the subject
 * without its reply prefixes (Re:, RE[2]:, AW:, SV:, 回复: ...) and with
 * controls and runs of blanks made single spaces.  Returns a malloc'd
 * string; NULL or blank subject gives "Re: " + fallback.
 */
char *draft_reply_subject(const char *subject, const char *fallback);

/*
 * A file name for the draft, from its message id: only [A-Za-z0-9._-@+],
 * never starting with a dot, at most 100 bytes, ending in ".eml".
 * Returns a malloc'd string.
 */
char *draft_file_name(const char *message_id);

#ifdef INQUIRYD_UNITTEST
/* The JSON context the templates see (for tests); a new reference. */
struct json_t;
struct json_t *draft_context(const struct conf *c,
    const struct conf_account *a, const struct templates *t,
    const struct parsed_msg *pm, const struct sig_result *s,
    const struct verdict *v, const struct enrich_info *ei,
    const struct offer *o, const char *quote_path, int64_t now,
    const char *lang, struct strlist *notes);
/* The rendered subject, text and html parts, before MIME. */
int draft_bodies(const struct conf *c, const struct conf_account *a,
    const struct templates *t, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    const struct enrich_info *ei, const struct offer *o,
    const char *quote_path, int64_t now, struct buf *subject,
    struct buf *text, struct buf *html, const char **lang,
    struct strlist *notes, struct err *e);
#endif

#endif
