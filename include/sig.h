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
	/* Captured only by "sigline" rules (rules/70-signature.rules): */
	char *department;
	char *city;
	char *telegram;
	char *qq;
	char *viber;
	char *line;		/* LINE messenger id */
	char *zalo;		/* Zalo (Vietnam); viber and zalo are E.164 when
				 * the number could be read, else as written */
	char *kakao;		/* KakaoTalk (Korea) id */
	char *linkedin;
};

/*
 * The rule-only fields that reports and contacts carry, beyond DESIGN.md's
 * contract (department, the messengers, LinkedIn): sig_nextra of them,
 * each by its name and its value in f (NULL when empty).
 */
extern const size_t sig_nextra;
const char *sig_extra_name(size_t i);
const char *sig_extra_value(const struct sig_fields *f, size_t i);

struct sig_result {
	char *visible_text;	/* new text without history or signature */
	char *quoted;		/* the stripped history, "" if none */
	char *signature;	/* the signature block, NULL if none */
	struct sig_fields f;
};

/*
 * Analyses text (UTF-8, "\n" or "\r\n" lines) written by sender (may be
 * NULL; its display name helps find the signature, its address is left
 * out of f.emails and its ccTLD is the last guess for national phone
 * numbers) with the signature patterns of rs (may be NULL: built-in
 * heuristics only).
 *
 * visible_text is what the customer wrote now: quoted history (replies,
 * forwards headers in many languages, "> " blocks) and the signature are
 * cut, except that text the customer wrote between or under quotes stays.
 * A forward ("---------- Forwarded message ----------" first) is kept
 * whole: its text is what the customer sends us.  quoted is what was cut
 * as history ("" if none).  signature is the signature block, including
 * a mobile footer ("Sent from my iPhone"), or NULL.
 *
 * Fields: each "sigline" rule's named captures fill the field of that
 * name; the built-in patterns fill what the rules leave empty.  Phone
 * numbers are E.164 ("+8675512345678") when the country is known (a "+"
 * prefix, the country or postal code in the signature's address, another
 * number's calling code, the sender's ccTLD), else as written.  country
 * is ISO 3166 alpha-2 (from the address, else the first phone's calling
 * code).  salutation is only what the text states ("Mr. John Smith",
 * "Edward Reed (Mr)", a display name "Ms Jane Doe"): never guessed from a
 * first name.  When no signature block is found, name may still come
 * from a closing line ("... Thank you, Daniel.") or the display name.
 *
 * Bounded: linear in the size of the text (lines are looked at through
 * fixed windows, the signature only in the last 15 non-empty lines, and
 * the rules within the ruleset's time budget).  Never fails; out is
 * initialised by the call; release it with sig_result_release.
 */
void sig_analyse(const struct ruleset *rs, const char *text,
    const struct address *sender, struct sig_result *out);
void sig_result_release(struct sig_result *r);

#ifdef INQUIRYD_UNITTEST
/* Is s a valediction line; the same without the shortcuts (a reference). */
int sig_is_valediction(const struct ruleset *rs, const char *s, size_t len);
int sig_is_valediction_slow(const struct ruleset *rs, const char *s,
    size_t len);
/* Do the word indexes find in folded text what find_word finds? */
int sig_word_index_agrees(const char *f, size_t len);
/* Has s an ASCII digit? */
int sig_has_digit(const char *s, size_t len);
/* Does the one-pass search of the "On ..." openers find what find_word
 * finds in the folded text s? */
int sig_openers_agree(const char *s, size_t len);
#endif

#endif
