/*
 * classify.h - the verdict on one message: vague, detailed or spam, with
 * the score per class, every rule that fired (with its file:line and the
 * text it matched), the requirement outline and the customer's questions.
 *
 * classify_message() runs the ruleset over the targets the parse and sig
 * stages produced (subject, visible text, signature, sender, headers,
 * attachment names).  It does not fail: a rule that times out is skipped
 * with a warning in v->warnings.
 */
#ifndef INQUIRYD_CLASSIFY_H
#define INQUIRYD_CLASSIFY_H

#include "parse.h"
#include "rules.h"
#include "sig.h"

struct requirement {
	char *field;		/* product, quantity, incoterm, port, ... */
	char *value;		/* as the customer wrote it */
	const struct rule *rule;	/* borrowed: the rule that produced it */
};

struct verdict {
	enum iq_class cls;
	double score[CLASS_COUNT];
	struct rule_hits hits;	/* every rule that fired, in order */
	struct requirement *req;	/* owned: the outline */
	size_t nreq;
	struct strlist questions;	/* verbatim */
	char lang[8];		/* ISO 639-1, "en" when unsure */
	struct strlist warnings;	/* rules skipped on limits */
};

/*
 * Classifies pm (as analysed by sig into s) with rs.  v is initialised by
 * the call; release it with verdict_release.  The verdict borrows rules
 * from rs: keep rs alive while v is used.
 */
void classify_message(const struct ruleset *rs, const struct parsed_msg *pm,
    const struct sig_result *s, struct verdict *v);
void verdict_release(struct verdict *v);

/*
 * Prints, for "classify --explain", each rule that fired with its
 * file:line, the matched text (escaped) and its weights, then the totals
 * per class and the decision with the thresholds that made it.
 */
void classify_explain(FILE *fp, const struct verdict *v);

/* Guesses the language of text (ISO 639-1), "en" when unsure. */
const char *classify_language(const char *text, char out[8]);

#endif
