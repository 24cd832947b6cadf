/*
 * parse.h - a raw RFC 5322 message to the facts the pipeline needs:
 * decoded headers, threading ids, the text body in UTF-8, attachments,
 * auto-reply and bounce flags, and the inner sender of a forward.
 *
 * parse_message() never fails because of the message's content: broken
 * MIME, unknown charsets and bad encodings are tolerated and noted in
 * pm->defects.  It fails (ERR_PERM) only when a cap in struct parse_limits
 * is passed, and the caller quarantines the message with e->msg.
 *
 * Every string in struct parsed_msg is owned by it, valid UTF-8, and
 * NUL-free; a missing header is NULL (never "").
 */
#ifndef INQUIRYD_PARSE_H
#define INQUIRYD_PARSE_H

#include <stdint.h>

#include "util.h"

struct err;
struct ruleset;

struct address {
	char *name;		/* display name, decoded; NULL if none */
	char *addr;		/* "local@domain", lowercased domain; NULL */
};

/*
 * An attachment as listed (its bytes are not kept).  filename is what the
 * sender wrote: it may hold '/', ".." or control-free oddities, so it is
 * never a path to write to.  message/rfc822 parts are listed too, and the
 * attachments inside them.
 */
struct attachment {
	char *filename;		/* decoded (RFC 2047/2231), NULL if none */
	char *content_type;	/* lowercase "type/subtype" */
	size_t size;		/* decoded size in bytes */
};

/*
 * The fields of a header block of quoted or forwarded mail ("From:",
 * "发件人：", "Von:", "Gesendet:"...), by kind: one list for the forward
 * reader here and for the quoted history of the signature stage (sig.c).
 */
enum quoted_field {
	QF_NONE = 0,
	QF_FROM,
	QF_DATE,
	QF_TO,
	QF_CC,
	QF_SUBJECT,
};

struct quoted_label {
	const char *name;	/* folded as phone_fold() folds */
	enum quoted_field kind;
};

extern const struct quoted_label quoted_labels[];
extern const size_t quoted_nlabels;

/*
 * Header fields kept for rules that look at "other headers".  The names
 * and values of a parsed_msg's headers are one allocation with the
 * array, at headers (parsed_msg_release frees it so).
 */
struct header {
	char *name;		/* as written, e.g. "X-Mailer" */
	char *value;		/* unfolded, RFC 2047 decoded */
};

enum parsed_flag {
	PM_AUTO_REPLY = 1 << 0,	/* Auto-Submitted, X-Autoreply, OOO subject */
	PM_BOUNCE = 1 << 1,	/* multipart/report, mailer-daemon */
	PM_BULK = 1 << 2,	/* Precedence: bulk/junk/list, List-Id */
	PM_FORWARDED = 1 << 3,	/* customer taken from a forwarded message */
	PM_HTML_ONLY = 1 << 4,	/* text came from HTML */
	PM_CHARSET_GUESSED = 1 << 5,	/* a charset was detected, not declared */
	PM_TRUNCATED = 1 << 6,	/* a cap cut some text (still processed) */
	PM_DEFECTS = 1 << 7,	/* MIME defects were tolerated */
	PM_RELAYED = 1 << 8,	/* came through a B2B platform's relay;
				 * PM_FORWARDED is set too */
};

struct parse_limits {
	size_t max_size;	/* whole message, default 25 MiB */
	size_t max_parts;	/* MIME parts, default 1000 */
	size_t max_depth;	/* multipart nesting, default 30 */
	size_t max_text;	/* UTF-8 text kept, default 1 MiB */
	size_t max_header;	/* one header field, default 64 KiB */
	/*
	 * Optional (borrowed; NULL: the built-in list only): rules whose
	 * list "relay_domains" adds B2B platform relay domains to the
	 * built-in ones (see parse_message).
	 */
	const struct ruleset *rules;
};
#define PARSE_LIMITS_INIT { 25u << 20, 1000, 30, 1u << 20, 64u << 10, NULL }

struct parsed_msg {
	struct address from;	/* the customer: the inner sender if forwarded */
	struct address envelope_from;	/* the From header as it came */
	struct address reply_to;
	struct address *to;	/* owned array */
	size_t nto;
	struct address *cc;
	size_t ncc;
	char *subject;		/* the Subject value in headers, or NULL */
	int64_t date;		/* seconds since the epoch, 0 if none or bad */
	char *date_raw;		/* the Date value in headers, or NULL */
	char *message_id;	/* without <>, NULL if none */
	char *in_reply_to;	/* without <> */
	struct strlist references;	/* without <>, oldest first */
	char *text;		/* the body in UTF-8; "" when there is none */
	size_t text_len;
	char *html;		/* the HTML part in UTF-8 if there was one */
	char *charset;		/* charset declared for the text (lowercase) */
	char *charset_used;	/* charset decoded with, after detection */
	struct attachment *att;	/* owned array */
	size_t natt;
	struct header *headers;	/* owned array, all top-level fields */
	size_t nheaders;
	unsigned flags;		/* enum parsed_flag */
	char *body_hash;	/* hex SHA-256 of the normalised text */
	size_t raw_size;
	struct strlist defects;	/* what was tolerated, human-readable */
	/*
	 * Forwards (PM_FORWARDED): from, reply_to and text are the
	 * forwarded message's; what the forwarder wrote above it and the
	 * forwarded Subject are kept here (NULL otherwise).  subject,
	 * message_id and the threading ids stay the outer message's.
	 */
	char *forward_note;	/* the forwarder's own text, or NULL */
	char *forward_subject;	/* the forwarded message's Subject */
};

/*
 * Parses len bytes of raw message.  lim NULL means PARSE_LIMITS_INIT.
 * Returns 0, or -1 with e set (ERR_PERM: over a cap; the reason names it).
 * pm is initialised by the call and must be released either way.
 *
 * The text is the first text/plain part that is not an attachment (in a
 * multipart/alternative the plain part, with the HTML kept in pm->html),
 * else the first HTML part converted (PM_HTML_ONLY), else the same search
 * inside attached messages; line ends are LF, format=flowed is joined,
 * controls other than tab and newline are dropped, trailing blanks at the
 * end are trimmed, and more than max_text bytes are cut (PM_TRUNCATED).
 * body_hash is the SHA-256 of the text with white space runs collapsed to
 * one space and the ends trimmed.
 *
 * Forwards: a message/rfc822 part under a forward subject (Fw:, Fwd:,
 * TR:, WG:, 转发:...) or with little text of its own, an explicit forward
 * marker in the text (Gmail "---------- Forwarded message ---------",
 * Apple "Begin forwarded message:", Thunderbird "-------- Forwarded
 * Message --------" and their translations), or an Outlook header block
 * (From:/Sent:/To:/Subject: and their translations: "De:", "Von:",
 * "发件人:"...) under a forward subject.  A reply quoting history is not a
 * forward.  The first (outermost) forwarded message with a sender address
 * is taken.
 *
 * B2B platform relays (PM_RELAYED and PM_FORWARDED): when the From
 * address is in a relay domain or under one (built in: alibaba.com,
 * made-in-china.com, globalsources.com, tradekey.com, ec21.com,
 * ecplaza.net, indiamart.com, tradeindia.com, exportersindia.com,
 * dhgate.com, go4worldbusiness.com, hktdc.com; admins add more in
 * rules/lists/relay-domains.list, given as lim->rules), the customer is
 * the Reply-To when it is not a relay itself, else the sender lines of
 * the text's first 80 lines ("Buyer: Name", "From: Name <addr>",
 * "E-mail: addr", "Contact Person: Name"...).  envelope_from stays the
 * relay; a relay's Reply-To is dropped when the text gives the
 * customer's address; when it gives only a name, from keeps the relay's
 * address (replies go back through the platform).  A relayed message is
 * not searched for forwards.
 */
int parse_message(const char *raw, size_t len, const struct parse_limits *lim,
    struct parsed_msg *pm, struct err *e);
void parsed_msg_release(struct parsed_msg *pm);

/* First value of a header by name (case-insensitive), or NULL. */
const char *parsed_header(const struct parsed_msg *pm, const char *name);

/* Frees an address's strings. */
void address_release(struct address *a);

#endif
