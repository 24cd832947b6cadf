/*
 * mime.h - MIME both ways (the only user of libetpan's MIME and IMF API):
 * raw bytes to a part tree with caps, header decoding (RFC 2047, RFC 2231,
 * addresses, dates, message ids), transfer decoding; and a draft message
 * with its attachments back to bytes (mime_compose).
 *
 * Strings given to and returned by this module are UTF-8.
 */
#ifndef INQUIRYD_MIME_H
#define INQUIRYD_MIME_H

#include <stdint.h>

#include "buf.h"

struct err;

/* ---- Composing ---------------------------------------------------------- */

struct mime_header { const char *name; const char *value; };  /* extra fields, value UTF-8 */
struct mime_attachment_in { const char *filename; const char *content_type; const void *data; size_t len; };
struct mime_out {
	const char *from_name, *from_addr;   /* name may be NULL or non-ASCII */
	const char *to_name, *to_addr;
	const char *subject;                 /* UTF-8 */
	const char *message_id;              /* without <> */
	const char *in_reply_to;             /* without <>, may be NULL */
	const char *references;              /* "<a@x> <b@y>" or NULL */
	int64_t date;                        /* seconds since the epoch */
	const struct mime_header *extra; size_t nextra;
	const char *text;                    /* text/plain part, UTF-8 */
	const char *html;                    /* text/html part or NULL */
	const struct mime_attachment_in *att; size_t natt;
};

/*
 * Appends an RFC 5322 message with CRLF line ends to out: multipart/mixed
 * (multipart/alternative(text, html), attachments base64 with RFC 2231 /
 * RFC 2047 encoded filenames), or simpler shapes when parts are missing.
 * Non-ASCII in display names and unstructured fields becomes encoded-words;
 * CR, LF and other controls in any header value are replaced by spaces (no
 * header injection), lines folded under 78 columns. Returns 0 or -1 with e.
 *
 * Details: from_addr and to_addr are required and must be plain ASCII
 * addr-specs (local@domain, no blanks, quotes or brackets): anything else
 * fails with ERR_PERM, as does a message_id that is not a plain msg-id or
 * an extra field name that is not printable ASCII without ':'.  Ids in
 * in_reply_to and references that are not plain msg-ids are left out.
 * NULL subject, text: empty.  text and html are sent as UTF-8,
 * quoted-printable (base64 when mostly non-ASCII), with LF or CRLF line
 * ends accepted; invalid UTF-8 becomes U+FFFD.  Attachment names are
 * written as RFC 2231 parameters (filename*= and name*=, continued when
 * long) unless they are short printable ASCII; an attachment without a
 * valid "type/subtype" is application/octet-stream.  Nothing is appended
 * on failure; ERR_PERM also when out's cap is too small.
 */
int mime_compose(const struct mime_out *m, struct buf *out, struct err *e);

/*
 * The header-value encoders mime_compose uses, for callers that write
 * their own fields.  Both return an owned ASCII string.  first_room is
 * the room left on the first line (e.g. 78 - strlen("Subject: ")).
 * mime_encode_words: an unstructured value, words with non-ASCII (or
 * "=?", or too long to fold) as RFC 2047 B encoded-words of UTF-8.
 * Controls are replaced by spaces first.
 */
char *mime_encode_words(const char *utf8, size_t first_room);

/* ---- Reading ---------------------------------------------------------- */

enum mime_enc {
	MIME_ENC_NONE = 0,	/* 7bit, 8bit, binary, or unknown */
	MIME_ENC_QP,
	MIME_ENC_BASE64,
};

enum mime_disp {
	MIME_DISP_NONE = 0,
	MIME_DISP_INLINE,
	MIME_DISP_ATTACHMENT,
};

/* A header field as written, unfolded. */
struct mime_field {
	char *name;		/* as written, e.g. "X-Mailer" */
	char *value;		/* raw bytes (maybe 8-bit), NUL-free, trimmed */
};

/*
 * One part of the tree.  A multipart's parts are its children; a
 * message/rfc822 part has one child, the embedded message.  All strings
 * are owned by the tree; body points into the raw message given to
 * mime_parse (or into a buffer the tree owns) and is still
 * transfer-encoded (mime_decode_body).
 */
struct mime_part {
	struct mime_part *parent, *child, *next;
	size_t depth;		/* 0 for the message itself */
	struct mime_field *fields;
	size_t nfields;
	char *type;		/* lowercase "type/subtype", never NULL */
	char *charset;		/* lowercase charset parameter, or NULL */
	char *boundary;		/* multipart boundary, or NULL */
	char *filename;		/* UTF-8, from filename= or name=, or NULL */
	enum mime_disp disp;
	enum mime_enc enc;
	const char *body;	/* borrowed, body_len bytes */
	size_t body_len;
};

struct mime_limits {
	size_t max_parts;	/* parts in the whole tree */
	size_t max_depth;	/* nesting of multiparts and messages */
	size_t max_header;	/* bytes of one unfolded header field */
};

struct mime_tree {
	struct mime_part *root;
	size_t nparts;
	struct strlist defects;	/* what was tolerated, for people */
	struct strlist owned;	/* decoded bodies of encoded messages */
	void *imf;		/* libetpan's reading of the root header */
	char *trim;		/* the copy of the message libetpan read */
	size_t trim_cap;
	void *arena;		/* the parts, their fields and strings */
};

/*
 * Reads raw[0..len) into t with libetpan's MIME parser (mailmime_parse);
 * t is initialised by the call and released by the caller with
 * mime_tree_release either way; raw must outlive t.
 * Tolerated and noted in t->defects: a leading mbox "From " line, header
 * fields longer than max_header (cut), NUL bytes in header values (read
 * as spaces), CR-only line ends, a multipart without its closing
 * delimiter (closed at the end), a multipart without a boundary or whose
 * boundary never occurs (read as text/plain), unknown transfer encodings
 * (read as 8bit), encoded message/rfc822 parts (decoded and parsed), a
 * Content-Type without a subtype (text/plain), a header with no line end
 * after its last field (one added), more than 1,000 header fields (after
 * them only the first field of each name, up to 1,000 names).
 * Fails with ERR_PERM, naming the limit ("max_parts", "max_depth"), when
 * the message has more parts or deeper nesting than lim allows, or when
 * a linear pre-scan shows that it may have many more (4 x max_parts) or
 * may nest deeper than libetpan can parse in bounded time and stack.
 * Time: linear in len for the pre-scan, len x nesting depth for libetpan
 * (at most 2^31 byte steps); memory linear in len and the part count.
 */
int mime_parse(const char *raw, size_t len, const struct mime_limits *lim,
    struct mime_tree *t, struct err *e);
void mime_tree_release(struct mime_tree *t);

/* The first field called name (case-insensitive) of p, raw, or NULL. */
const char *mime_part_field(const struct mime_part *p, const char *name);

/*
 * Appends p's transfer-decoded body to out (base64 and quoted-printable
 * are decoded leniently: stray characters skipped, bad escapes kept).
 * Returns 0, or -1 when out's cap cut it.
 */
int mime_decode_body(const struct mime_part *p, struct buf *out);

/* The size of p's decoded body, computed without decoding it. */
size_t mime_decoded_size(const struct mime_part *p);

/*
 * A header value for people: RFC 2047 encoded-words decoded (adjacent
 * words of one charset joined before conversion, so a character split
 * between words survives), raw 8-bit text converted from UTF-8 or, when
 * it is not UTF-8, from hint (a charset label, e.g. the body's; may be
 * NULL: detected).  Controls become spaces, the ends are trimmed.
 * Returns an owned UTF-8 string, never NULL.
 */
char *mime_decode_header(const char *raw, const char *hint);
/*
 * Whether mime_decode_header would return raw as it is but for its ends
 * (printable ASCII without an encoded-word): then 1, with the trimmed
 * value at *start, *len bytes long (in raw, not a copy); else 0.
 */
int mime_header_plain(const char *raw, const char **start, size_t *len);

#ifdef INQUIRYD_UNITTEST
/* The "boundary" words of s[0..n) (any case), at most max (prescan). */
size_t count_boundary(const char *s, size_t n, size_t max);
/* Shortcuts (unquoted values, bounds by size) off (1) or on (0). */
extern int mime_exact;
/* Quoted values unquoted for libetpan so far. */
extern size_t mime_unquote_count;
#endif

/* One mailbox of an address header. */
struct mime_address {
	char *name;		/* decoded display name, or NULL */
	char *addr;		/* "local@domain", domain lowercased, or NULL */
};

/*
 * The mailboxes of an address header (From, To, Cc, Reply-To), group
 * members included, at most 200: libetpan's RFC 5322 parser first, a
 * lenient reading of what it refuses.  Returns the count and *out (owned,
 * free with mime_addresses_free), 0 and NULL for none.
 */
size_t mime_parse_addresses(const char *raw, const char *hint,
    struct mime_address **out);
void mime_addresses_free(struct mime_address *a, size_t n);

/*
 * As mime_parse_addresses for the first field called name ("From",
 * "Reply-To", "To", "Cc") of t's root header, using the reading libetpan
 * made of it while parsing the tree (not parsing it twice) when it is
 * whole and sound.
 */
size_t mime_tree_addresses(const struct mime_tree *t, const char *name,
    const char *hint, struct mime_address **out);

/*
 * A Date header to seconds since the epoch: RFC 5322 (libetpan), then
 * the broken forms seen in the wild (no weekday, two-digit years, zone
 * names, "GMT+8", ISO 8601, asctime).  Returns 0, or -1 when no date can
 * be read (*out untouched).
 */
int mime_parse_date(const char *raw, int64_t *out);

/*
 * Appends the ids of a Message-ID, In-Reply-To or References value to
 * out, without <>, in order, at most 100 (the newest kept); bare ids with
 * an '@' are taken when there are no brackets.
 */
void mime_parse_msgids(const char *raw, struct strlist *out);

#endif
