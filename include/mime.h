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

#endif
