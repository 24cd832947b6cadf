/*
 * sig.h - what the customer just wrote, and who they say they are.
 *
 * sig_analyse() splits a UTF-8 body into the visible new text, the quoted
 * history (replies, forwards, "On ... wrote:" in many languages, mobile
 * footers) and the signature block, and extracts the contact fields from
 * the signature with the patterns admins keep in rules/ (struct ruleset,
 * rules.h).  It never fails: a text with no signature gives empty fields.
 */
#ifndef INQUIRYD_SIG_H
#define INQUIRYD_SIG_H

#include "parse.h"

struct ruleset;

struct sig_fields {
	char *name;
	char *title;		/* job title */
	char *company;
	char *address;		/* postal address, lines joined with ", " */
	char *website;		/* as written, e.g. "www.acme.com" */
	char *country;		/* ISO 3166 alpha-2 when known, else as written */
	char *whatsapp;
	char *skype;
	char *wechat;
	struct strlist phones;	/* E.164 where the country is known */
	struct strlist mobiles;
	struct strlist faxes;
	struct strlist emails;	/* other addresses in the signature */
	char *salutation;	/* "Mr", "Ms", "Mrs", "Dr" when stated, else NULL */
};

struct sig_result {
	char *visible_text;	/* new text without history or signature */
	char *quoted;		/* the stripped history, "" if none */
	char *signature;	/* the signature block, NULL if none */
	struct sig_fields f;
};

/*
 * Analyses text (UTF-8) written by sender (may be NULL) with the signature
 * patterns of rs (may be NULL: built-in heuristics only).  out is
 * initialised by the call; release it with sig_result_release.
 */
void sig_analyse(const struct ruleset *rs, const char *text,
    const struct address *sender, struct sig_result *out);
void sig_result_release(struct sig_result *r);

#endif
