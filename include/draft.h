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

#endif
