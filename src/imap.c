/*
 * imap.c - IMAP sessions on libetpan, with the certificate checks that
 * libetpan leaves out.
 *
 * How, in short:
 *  - We open the TCP connection ourselves (non-blocking connect bounded by
 *    the timeout, every address of the host in turn) and hand the socket
 *    to libetpan's plain or TLS stream with the same timeout on every read
 *    and write.
 *  - Debian's libetpan 1.9.4 is built with GnuTLS, and its TLS stream
 *    (mailstream_ssl.c) loads no trust store and never verifies the peer:
 *    any certificate is accepted, and mailstream_ssl_set_server_certicate
 *    is "not implemented" for GnuTLS.  So right after the handshake, before
 *    a byte of IMAP is read or sent, imap_verify_peer() takes the chain the
 *    server sent (mailstream_get_certificate_chain) and verifies it with
 *    GnuTLS against ca_file or the system store, with the host name and
 *    the TLS server purpose.  The handshake callback sets SNI.
 *  - STARTTLS is done by hand (as mailimap_socket_starttls_with_callback
 *    does, plus the timeout and a check that the server sent nothing after
 *    its OK, which would otherwise be read as if it came over TLS).
 *  - AUTHENTICATE PLAIN / XOAUTH2 / OAUTHBEARER is written on the stream
 *    with libetpan's tag, then parsed with mailimap_parse_response, the
 *    way libetpan's own mailimap_oauth2_authenticate works; it answers an
 *    error challenge so a refusal is a NO, not a hang.
 *  - A libetpan logger copies what the server sends while we need its
 *    exact words: the text of an authentication refusal (to tell
 *    [UNAVAILABLE] from bad credentials) and the untagged news of IDLE and
 *    NOOP.
 *  - libetpan parses a whole FETCH answer into memory (its per-message
 *    callback, mailimap_set_msg_att_handler, is never called for UID
 *    FETCH in 1.9.4), so bodies are fetched in groups capped in bytes,
 *    using the sizes fetched first: a group holds at most
 *    IMAP_GROUP_BYTES of bodies (or one message up to max_message_size),
 *    whatever the size of the mailbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libetpan/libetpan.h>
/* libetpan's headers define these too; util.h has ours. */
#undef MIN
#undef MAX

#include "buf.h"
#include "conf.h"
#include "err.h"
#include "imap.h"
#include "log.h"

/* Bytes of bodies asked for in one UID FETCH (one message may pass it). */
#define IMAP_GROUP_BYTES	(4u * 1024 * 1024)
/* What we keep of the server's words while capturing. */
#define IMAP_CAPTURE_MAX	(64 * 1024)
/* Certificates of a chain we look at. */
#define IMAP_CHAIN_MAX		16
/* Timeout of the LOGOUT on close. */
#define IMAP_LOGOUT_TIMEOUT	5

struct imap_meta {
	uint32_t uid;
	uint32_t size;
	int64_t internaldate;
	unsigned flags;
	struct strlist keywords;
};

struct imap {
	const struct conf_account *a;	/* borrowed */
	mailimap *s;			/* owned */
	int fd;			/* ours until s's stream takes it */
	int alive;
	enum imap_fail fail;
	long timeout;
	char *selected;			/* owned */
	int readonly;
	int idling;
	uint64_t idle_since;

	int capturing;			/* copy what arrives to capture */
	struct buf capture;

	/* During imap_fetch. */
	imap_msg_fn fn;
	void *arg;
	int stopped;
	size_t max_size;
};

static const char *
imap_name(const struct imap *im)
{
	return im->a && im->a->name ? im->a->name : "?";
}

/* Sets e and im->fail; the kind follows from what failed. */
static int ATTR_PRINTF(4, 5)
imap_error(struct imap *im, struct err *e, enum imap_fail fail,
    const char *fmt, ...)
{
	va_list ap;
	char *msg;
	enum err_kind kind;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	switch (fail) {
	case IMAP_FAIL_NET:
	case IMAP_FAIL_PROTO:
		kind = ERR_TEMP;
		im->alive = 0;
		break;
	case IMAP_FAIL_CONFIG:
		kind = ERR_CONFIG;
		break;
	default:
		kind = ERR_PERM;
		break;
	}
	im->fail = fail;
	err_set(e, kind, "account '%s': %s", imap_name(im), msg);
	free(msg);
	return -1;
}

/* The server's last response text, escaped, or "". */
static const char *
imap_server_text(const struct imap *im)
{
	if (!im->s || !im->s->imap_response || !*im->s->imap_response)
		return "";
	return log_esc(im->s->imap_response);
}

/*
 * What went wrong with the stream when libetpan says only "stream error":
 * the server closed or reset the connection, or it did not answer within
 * the timeout.
 */
static const char *
imap_stream_trouble(const struct imap *im, char *why, size_t size)
{
	struct pollfd pfd;
	char c;
	ssize_t n;
	int fd = -1;

	if (im->s && im->s->imap_stream)
		fd = mailstream_low_get_fd(mailstream_get_low(
		    im->s->imap_stream));
	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (fd >= 0 && poll(&pfd, 1, 0) == 1) {
		n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
		if (n == 0 || (pfd.revents & POLLHUP)) {
			snprintf(why, size, "%s closed the connection",
			    im->a->host);
			return why;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			snprintf(why, size, "connection to %s: %s",
			    im->a->host, strerror(errno));
			return why;
		}
	}
	snprintf(why, size, "no answer from %s within %lds (timed out)",
	    im->a->host, im->timeout);
	return why;
}

/*
 * Turns a libetpan result into our error.  what says what we were doing
 * ("UID FETCH in 'INBOX'").
 */
static int
imap_etpan_error(struct imap *im, struct err *e, int r, const char *what)
{
	const char *text = imap_server_text(im);
	char why[200];

	switch (r) {
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		return imap_error(im, e, IMAP_FAIL_NET, "%s: %s", what,
		    imap_stream_trouble(im, why, sizeof(why)));
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		return imap_error(im, e, IMAP_FAIL_NET,
		    "%s: server %s closed the session%s%s", what,
		    im->a->host, *text ? ": " : "", text);
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_PROTOCOL:
	case MAILIMAP_ERROR_BAD_STATE:
	case MAILIMAP_ERROR_MEMORY:
		return imap_error(im, e, IMAP_FAIL_PROTO,
		    "%s: unexpected answer from %s (libetpan error %d)",
		    what, im->a->host, r);
	case MAILIMAP_ERROR_SSL:
		return imap_error(im, e, IMAP_FAIL_TLS, "%s: TLS failure "
		    "with %s", what, im->a->host);
	default:
		return imap_error(im, e, IMAP_FAIL_REFUSED,
		    "%s refused by %s%s%s", what, im->a->host,
		    *text ? ": " : "", text);
	}
}

static int
imap_ok(int r)
{
	return r == MAILIMAP_NO_ERROR || r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED;
}

/* Called by libetpan for every chunk sent or received. */
static void
imap_logger(mailimap *s, int type, const char *str, size_t size, void *ctx)
{
	struct imap *im = ctx;

	(void)s;
	if (!im->capturing || type != MAILSTREAM_LOG_TYPE_DATA_RECEIVED)
		return;
	if (buf_add(&im->capture, str, size))
		im->capture.overflow = 1;
}

static void
imap_capture_start(struct imap *im)
{
	buf_reset(&im->capture);
	im->capture.overflow = 0;
	im->capturing = 1;
}

static void
imap_capture_stop(struct imap *im)
{
	im->capturing = 0;
}

/*
 * 1 when the captured untagged responses announce a change of the
 * mailbox: "* N EXISTS", "* N EXPUNGE", "* N RECENT", "* N FETCH", or
 * VANISHED.  A capture that overflowed counts as a change.
 */
static int
imap_capture_changed(const struct imap *im)
{
	const char *p = im->capture.data;
	static const char *const words[] = {
		"EXISTS", "EXPUNGE", "RECENT", "FETCH", "VANISHED",
	};
	size_t i;

	if (im->capture.overflow)
		return 1;
	while (p && *p) {
		if (p[0] == '*' && p[1] == ' ') {
			const char *w = p + 2;

			while (*w >= '0' && *w <= '9')
				w++;
			if (*w == ' ')
				w++;
			for (i = 0; i < ARRAY_SIZE(words); i++)
				if (starts_with_icase(w, words[i]))
					return 1;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Small pure helpers (exposed to the unit tests). */

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

UNITTEST char *
imap_b64_encode(const void *p, size_t n)
{
	const unsigned char *s = p;
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*o++ = b64chars[s[i] >> 2];
		*o++ = b64chars[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
		*o++ = b64chars[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
		*o++ = b64chars[s[i + 2] & 63];
	}
	if (i < n) {
		*o++ = b64chars[s[i] >> 2];
		if (i + 1 < n) {
			*o++ = b64chars[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
			*o++ = b64chars[(s[i + 1] & 15) << 2];
		} else {
			*o++ = b64chars[(s[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* Decodes base64 (blanks ignored) into out; 0, or -1 on a bad digit. */
UNITTEST int
imap_b64_decode(const char *s, struct buf *out)
{
	unsigned acc = 0;
	int bits = 0, rc = 0;
	const char *p;

	for (; *s && *s != '='; s++) {
		if (*s == ' ' || *s == '\r' || *s == '\n' || *s == '\t')
			continue;
		p = strchr(b64chars, *s);
		if (!p || !*s) {
			rc = -1;
			goto out;
		}
		acc = (acc << 6) | (unsigned)(p - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (buf_addch(out, (int)((acc >> bits) & 0xff))) {
				rc = -1;
				goto out;
			}
		}
	}
out:
	return rc;
}

/* "\0user\0pass", the PLAIN message (RFC 4616), base64. */
UNITTEST char *
imap_sasl_plain(const char *user, const char *pass, size_t *len)
{
	size_t ul = strlen(user), pl = strlen(pass), n = ul + pl + 2;
	char *raw = xmalloc(n), *b64;

	raw[0] = '\0';
	memcpy(raw + 1, user, ul);
	raw[ul + 1] = '\0';
	memcpy(raw + ul + 2, pass, pl);
	b64 = imap_b64_encode(raw, n);
	explicit_bzero(raw, n);
	free(raw);
	if (len)
		*len = strlen(b64);
	return b64;
}

/* Google's XOAUTH2: "user=U^Aauth=Bearer T^A^A", base64. */
UNITTEST char *
imap_sasl_xoauth2(const char *user, const char *token)
{
	char *raw = xasprintf("user=%s\001auth=Bearer %s\001\001", user, token);
	char *b64 = imap_b64_encode(raw, strlen(raw));

	explicit_bzero(raw, strlen(raw));
	free(raw);
	return b64;
}

/* RFC 7628 OAUTHBEARER: "n,a=U,^Aauth=Bearer T^A^A", base64. */
UNITTEST char *
imap_sasl_oauthbearer(const char *user, const char *token)
{
	struct buf gs2 = BUF_INIT(BUF_CAP_LINE);
	const char *p;
	char *raw, *b64;

	/* In the gs2 authzid, "," is "=2C" and "=" is "=3D". */
	for (p = user; *p; p++) {
		if (*p == ',')
			buf_addstr(&gs2, "=2C");
		else if (*p == '=')
			buf_addstr(&gs2, "=3D");
		else
			buf_addch(&gs2, *p);
	}
	raw = xasprintf("n,a=%s,\001auth=Bearer %s\001\001", gs2.data, token);
	b64 = imap_b64_encode(raw, strlen(raw));
	explicit_bzero(raw, strlen(raw));
	free(raw);
	buf_release(&gs2);
	return b64;
}

/*
 * The mechanism to use: wanted (auto|login|plain|xoauth2|oauthbearer)
 * given what the server offers.  Returns "LOGIN", "PLAIN", "XOAUTH2",
 * "OAUTHBEARER", or NULL when nothing fits.  LOGIN is "offered" unless
 * the server says LOGINDISABLED.
 */
UNITTEST const char *
imap_pick_auth(const char *wanted, int plain, int login, int xoauth2,
    int oauthbearer)
{
	if (!wanted || !strcasecmp(wanted, "auto")) {
		if (plain)
			return "PLAIN";
		if (login)
			return "LOGIN";
		if (oauthbearer)
			return "OAUTHBEARER";
		if (xoauth2)
			return "XOAUTH2";
		return NULL;
	}
	if (!strcasecmp(wanted, "plain"))
		return plain ? "PLAIN" : NULL;
	if (!strcasecmp(wanted, "login"))
		return login ? "LOGIN" : NULL;
	if (!strcasecmp(wanted, "xoauth2"))
		return xoauth2 ? "XOAUTH2" : NULL;
	if (!strcasecmp(wanted, "oauthbearer"))
		return oauthbearer ? "OAUTHBEARER" : NULL;
	return NULL;
}

/* An IMAP keyword: an atom, no backslash, not too long. */
UNITTEST int
imap_valid_keyword(const char *kw)
{
	const unsigned char *p;

	if (!kw || !*kw || strlen(kw) > 128)
		return 0;
	for (p = (const unsigned char *)kw; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("(){%*\"\\]", *p))
			return 0;
	return 1;
}

/*
 * Mailbox names: the API speaks UTF-8, the wire modified UTF-7 (RFC 3501
 * 5.1.3): printable ASCII stands for itself, "&" is "&-", anything else
 * is UTF-16 in base64 with "," for "/" between "&" and "-".
 */
static const char mb64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* Next code point of UTF-8 at *p, or -1 when malformed. */
static long
imap_utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	long c;
	int n, i;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		c = s[0] & 0x1f;
		n = 1;
	} else if ((s[0] & 0xf0) == 0xe0) {
		c = s[0] & 0x0f;
		n = 2;
	} else if ((s[0] & 0xf8) == 0xf0) {
		c = s[0] & 0x07;
		n = 3;
	} else {
		return -1;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) ||
	    (n == 3 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*p = s + n + 1;
	return c;
}

static void
imap_utf8_put(struct buf *b, long c)
{
	if (c < 0x80) {
		buf_addch(b, (int)c);
	} else if (c < 0x800) {
		buf_addch(b, (int)(0xc0 | (c >> 6)));
		buf_addch(b, (int)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_addch(b, (int)(0xe0 | (c >> 12)));
		buf_addch(b, (int)(0x80 | ((c >> 6) & 0x3f)));
		buf_addch(b, (int)(0x80 | (c & 0x3f)));
	} else {
		buf_addch(b, (int)(0xf0 | (c >> 18)));
		buf_addch(b, (int)(0x80 | ((c >> 12) & 0x3f)));
		buf_addch(b, (int)(0x80 | ((c >> 6) & 0x3f)));
		buf_addch(b, (int)(0x80 | (c & 0x3f)));
	}
}

/* UTF-8 to modified UTF-7; NULL when name is not valid UTF-8. */
UNITTEST char *
imap_mutf7_encode(const char *name)
{
	struct buf b = BUF_INIT(BUF_CAP_LINE);
	const unsigned char *p = (const unsigned char *)name;
	unsigned acc = 0;
	int bits = 0, open = 0;
	long c;

	while (*p) {
		c = imap_utf8_next(&p);
		if (c < 0) {
			buf_release(&b);
			return NULL;
		}
		if (c >= 0x20 && c <= 0x7e) {
			if (open) {
				if (bits > 0)
					buf_addch(&b, mb64[(acc << (6 - bits)) &
					    0x3f]);
				buf_addch(&b, '-');
				open = 0;
				bits = 0;
				acc = 0;
			}
			if (c == '&')
				buf_addstr(&b, "&-");
			else
				buf_addch(&b, (int)c);
			continue;
		}
		if (!open) {
			buf_addch(&b, '&');
			open = 1;
		}
		{
			unsigned units[2];
			int nu = 1, i;

			if (c >= 0x10000) {
				c -= 0x10000;
				units[0] = 0xd800 | (unsigned)(c >> 10);
				units[1] = 0xdc00 | (unsigned)(c & 0x3ff);
				nu = 2;
			} else {
				units[0] = (unsigned)c;
			}
			for (i = 0; i < nu; i++) {
				acc = (acc << 16) | units[i];
				bits += 16;
				while (bits >= 6) {
					bits -= 6;
					buf_addch(&b,
					    mb64[(acc >> bits) & 0x3f]);
				}
				acc &= (1u << bits) - 1;
			}
		}
	}
	if (open) {
		if (bits > 0)
			buf_addch(&b, mb64[(acc << (6 - bits)) & 0x3f]);
		buf_addch(&b, '-');
	}
	return buf_detach(&b, NULL);
}

/* Modified UTF-7 to UTF-8; a malformed name comes back as it is. */
UNITTEST char *
imap_mutf7_decode(const char *name)
{
	struct buf b = BUF_INIT(BUF_CAP_LINE);
	const char *p = name, *q, *d;
	unsigned acc, hi;
	int bits;

	while (*p) {
		if (*p != '&') {
			buf_addch(&b, *p++);
			continue;
		}
		if (p[1] == '-') {
			buf_addch(&b, '&');
			p += 2;
			continue;
		}
		acc = 0;
		bits = 0;
		hi = 0;
		for (q = p + 1; *q && *q != '-'; q++) {
			d = strchr(mb64, *q);
			if (!d || !*q)
				goto bad;
			acc = (acc << 6) | (unsigned)(d - mb64);
			bits += 6;
			if (bits >= 16) {
				unsigned u;

				bits -= 16;
				u = (acc >> bits) & 0xffff;
				acc &= (1u << bits) - 1;
				if (u >= 0xd800 && u <= 0xdbff) {
					if (hi)
						goto bad;
					hi = u;
				} else if (u >= 0xdc00 && u <= 0xdfff) {
					if (!hi)
						goto bad;
					imap_utf8_put(&b, 0x10000 +
					    ((long)(hi - 0xd800) << 10) +
					    (u - 0xdc00));
					hi = 0;
				} else {
					if (hi)
						goto bad;
					imap_utf8_put(&b, u);
				}
			}
		}
		if (*q != '-' || hi)
			goto bad;
		p = q + 1;
	}
	return buf_detach(&b, NULL);
bad:
	buf_release(&b);
	return xstrdup(name);
}

static int
imap_uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts and removes duplicates. */
UNITTEST void
imap_uids_normalise(struct imap_uids *u)
{
	size_t i, j;

	if (u->n < 2)
		return;
	qsort(u->v, u->n, sizeof(*u->v), imap_uid_cmp);
	for (i = 1, j = 1; i < u->n; i++)
		if (u->v[i] != u->v[j - 1])
			u->v[j++] = u->v[i];
	u->n = j;
}

void
imap_uids_release(struct imap_uids *u)
{
	free(u->v);
	u->v = NULL;
	u->n = u->alloc = 0;
}

void
imap_uids_push(struct imap_uids *u, uint32_t uid)
{
	GROW(u->v, u->n + 1, u->alloc);
	u->v[u->n++] = uid;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
imap_days(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t
imap_date_time(const struct mailimap_date_time *t)
{
	int zone, off;

	if (!t)
		return 0;
	zone = t->dt_zone;
	off = (zone / 100) * 3600 + (zone % 100) * 60;
	return imap_days(t->dt_year, t->dt_month, t->dt_day) * 86400 +
	    t->dt_hour * 3600 + t->dt_min * 60 + t->dt_sec - off;
}

/* ---------------------------------------------------------------- */
/* Connecting. */

/* 1 when host is an IPv4 or IPv6 literal (no SNI for those). */
static int
imap_ip_literal(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

/* Connects one address with a timeout; returns the fd or -1, errno set. */
static int
imap_connect_addr(const struct addrinfo *ai, long timeout)
{
	int fd, flags, soerr = 0, rc = -1, saved;
	socklen_t len = sizeof(soerr);
	struct pollfd pfd;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0)
		goto out;
	flags = fcntl(fd, F_GETFL, 0);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		goto out;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS)
			goto out;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		do
			rc = poll(&pfd, 1, (int)(timeout * 1000));
		while (rc < 0 && errno == EINTR);
		if (rc == 0) {
			errno = ETIMEDOUT;
			rc = -1;
			goto out;
		}
		rc = -1;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
			goto out;
		if (soerr) {
			errno = soerr;
			goto out;
		}
	}
	/* libetpan wants a blocking socket for the handshake. */
	if (fcntl(fd, F_SETFL, flags) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0 && fd >= 0) {
		saved = errno;
		close(fd);
		errno = saved;
		fd = -1;
	}
	return fd;
}

static int
imap_tcp_connect(struct imap *im, struct err *e)
{
	const struct conf_account *a = im->a;
	struct addrinfo hints, *res = NULL, *ai;
	char port[16];
	int r, fd = -1, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(port, sizeof(port), "%d", a->port);
	r = getaddrinfo(a->host, port, &hints, &res);
	if (r) {
		imap_error(im, e, IMAP_FAIL_NET, "cannot resolve '%s': %s",
		    a->host, r == EAI_SYSTEM ? strerror(errno) :
		    gai_strerror(r));
		goto out;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = imap_connect_addr(ai, im->timeout);
		if (fd >= 0)
			break;
		saved = errno;
	}
	if (fd < 0)
		imap_error(im, e, IMAP_FAIL_NET, "cannot connect to %s port "
		    "%d: %s", a->host, a->port, strerror(saved));
out:
	if (res)
		freeaddrinfo(res);
	im->fd = fd;
	return fd < 0 ? -1 : 0;
}

/* libetpan calls this before the TLS handshake. */
static void
imap_tls_setup(struct mailstream_ssl_context *ctx, void *data)
{
	struct imap *im = data;

	if (!imap_ip_literal(im->a->host))
		mailstream_ssl_set_server_name(ctx, im->a->host);
}

/*
 * Verifies the certificate chain the server sent: trusted by ca_file or
 * the system store, valid now, for this host name, for a TLS server.
 */
static int
imap_verify_peer(struct imap *im, mailstream *stream, struct err *e)
{
	const struct conf_account *a = im->a;
	gnutls_x509_crt_t certs[IMAP_CHAIN_MAX];
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_typed_vdata_st vd[2];
	gnutls_datum_t out = { NULL, 0 };
	carray *chain = NULL;
	unsigned status = 0, i, n = 0;
	int r, rc = -1;

	if (!a->tls_verify) {
		log_warnx("account '%s': NOT verifying the TLS certificate of "
		    "%s (tls_verify = no): anyone on the network path can "
		    "read the password and the mail", a->name, a->host);
		rc = 0;
		goto out;
	}
	chain = mailstream_get_certificate_chain(stream);
	if (!chain || carray_count(chain) == 0) {
		imap_error(im, e, IMAP_FAIL_TLS, "%s sent no certificate",
		    a->host);
		goto out;
	}
	for (i = 0; i < carray_count(chain) && n < IMAP_CHAIN_MAX; i++) {
		MMAPString *der = carray_get(chain, i);
		gnutls_datum_t d;

		if (gnutls_x509_crt_init(&certs[n]) < 0)
			break;
		d.data = (unsigned char *)der->str;
		d.size = (unsigned)der->len;
		if (gnutls_x509_crt_import(certs[n], &d,
		    GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(certs[n]);
			break;
		}
		n++;
	}
	if (n == 0) {
		imap_error(im, e, IMAP_FAIL_TLS, "cannot read the certificate "
		    "of %s", a->host);
		goto out;
	}
	if (gnutls_x509_trust_list_init(&tl, 0) < 0) {
		tl = NULL;
		imap_error(im, e, IMAP_FAIL_TLS, "cannot set up certificate "
		    "checks");
		goto out;
	}
	if (a->ca_file) {
		r = gnutls_x509_trust_list_add_trust_file(tl, a->ca_file, NULL,
		    GNUTLS_X509_FMT_PEM, 0, 0);
		if (r <= 0) {
			imap_error(im, e, IMAP_FAIL_CONFIG, "no CA certificate "
			    "read from ca_file '%s'%s%s", a->ca_file,
			    r < 0 ? ": " : "", r < 0 ? gnutls_strerror(r) : "");
			goto out;
		}
	} else {
		r = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
		if (r <= 0) {
			imap_error(im, e, IMAP_FAIL_CONFIG, "no system CA "
			    "certificates found (install ca-certificates, or "
			    "set ca_file = /path/to/ca.pem in [account %s])",
			    a->name);
			goto out;
		}
	}
	memset(vd, 0, sizeof(vd));
	vd[0].type = GNUTLS_DT_DNS_HOSTNAME;
	vd[0].data = (unsigned char *)a->host;
	vd[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vd[1].data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
	r = gnutls_x509_trust_list_verify_crt2(tl, certs, n, vd, 2, 0,
	    &status, NULL);
	if (r < 0) {
		imap_error(im, e, IMAP_FAIL_TLS, "cannot verify the "
		    "certificate of %s: %s", a->host, gnutls_strerror(r));
		goto out;
	}
	if (status) {
		if (gnutls_certificate_verification_status_print(status,
		    GNUTLS_CRT_X509, &out, 0) < 0)
			out.data = NULL;
		if (a->ca_file)
			imap_error(im, e, IMAP_FAIL_TLS, "the TLS certificate "
			    "of %s does not verify against ca_file '%s': %s "
			    "(check that ca_file holds the CA that signed it "
			    "and that url names the host in the certificate)",
			    a->host, a->ca_file, out.data ? (char *)out.data :
			    "untrusted");
		else
			imap_error(im, e, IMAP_FAIL_TLS, "the TLS certificate "
			    "of %s does not verify: %s (if the server uses its "
			    "own CA or a self-signed certificate, set ca_file "
			    "= /path/to/ca.pem in [account %s]; only on a "
			    "trusted network, tls_verify = no)", a->host,
			    out.data ? (char *)out.data : "untrusted", a->name);
		goto out;
	}
	log_debug("account '%s': certificate of %s verified", a->name,
	    a->host);
	rc = 0;
out:
	if (out.data)
		gnutls_free(out.data);
	if (tl)
		gnutls_x509_trust_list_deinit(tl, 1);
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit(certs[i]);
	if (chain)
		mailstream_certificate_chain_free(chain);
	return rc;
}

int
imap_has_cap(struct imap *im, const char *cap)
{
	if (!im || !im->s || !im->s->imap_connection_info ||
	    !im->s->imap_connection_info->imap_capability)
		return 0;
	if (starts_with_icase(cap, "AUTH="))
		return mailimap_has_authentication(im->s, cap + 5) != 0;
	return mailimap_has_extension(im->s, cap) != 0;
}

static int
imap_capability(struct imap *im, struct err *e)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	r = mailimap_capability(im->s, &cap);
	if (cap)
		mailimap_capability_data_free(cap);
	if (!imap_ok(r))
		return imap_etpan_error(im, e, r, "CAPABILITY");
	return 0;
}

/* The part of the capture that holds the server's last line. */
static const char *
imap_capture_last_line(struct imap *im)
{
	const char *p;

	buf_rtrim(&im->capture);
	p = strrchr(im->capture.data, '\n');
	p = p ? p + 1 : im->capture.data;
	/* Not the tag: "12 NO [AUTHENTICATIONFAILED] ..." */
	if (*p != '*' && strchr(p, ' '))
		p = strchr(p, ' ') + 1;
	return log_esc(p);
}

/* Turns a refused authentication into the right error. */
static int
imap_auth_refused(struct imap *im, const char *mech, struct err *e)
{
	const struct conf_account *a = im->a;
	const char *line = imap_capture_last_line(im);
	const char *src = a->password_command ? "password_command" :
	    a->password_file ? "password_file" : "password";

	if (strstr(im->capture.data, "[UNAVAILABLE]"))
		return imap_error(im, e, IMAP_FAIL_NET, "%s is unavailable "
		    "for login (try later): %s", a->host, line);
	return imap_error(im, e, IMAP_FAIL_AUTH, "login as '%s' (%s) "
	    "refused by %s: %s (check user and the secret from %s)",
	    a->user, mech, a->host, line, src);
}

/* Writes all of s on the stream and flushes. */
static int
imap_write(struct imap *im, const char *s, size_t n)
{
	if (mailstream_write(im->s->imap_stream, s, n) < 0 ||
	    mailstream_flush(im->s->imap_stream) < 0)
		return -1;
	return 0;
}

/* Logs the JSON status of an OAuth error challenge ("+ base64"). */
static void
imap_oauth_status(struct imap *im, const char *line)
{
	struct buf json = BUF_INIT(4096);

	line++;
	while (*line == ' ')
		line++;
	if (imap_b64_decode(line, &json) == 0 && json.len)
		log_info("account '%s': %s says about the token: %s",
		    im->a->name, im->a->host, log_esc(json.data));
	buf_release(&json);
}

/*
 * AUTHENTICATE mech with the initial response ir (base64), using SASL-IR
 * when the server has it.  Answers an error challenge the way each
 * mechanism wants, so that the server then says NO.
 */
static int
imap_authenticate(struct imap *im, const char *mech, const char *ir,
    struct err *e)
{
	struct mailimap_response *resp = NULL;
	int sasl_ir = imap_has_cap(im, "SASL-IR");
	int sent_ir = sasl_ir, r, i, cond, rc = -1;
	char *line = NULL;
	const char *buf;

	imap_capture_start(im);
	r = mailimap_send_current_tag(im->s);
	if (r != MAILIMAP_NO_ERROR) {
		imap_etpan_error(im, e, r, "AUTHENTICATE");
		goto out;
	}
	line = sasl_ir ? xasprintf("AUTHENTICATE %s %s\r\n", mech, ir) :
	    xasprintf("AUTHENTICATE %s\r\n", mech);
	mailstream_set_privacy(im->s->imap_stream, 0);
	r = imap_write(im, line, strlen(line));
	mailstream_set_privacy(im->s->imap_stream, 1);
	if (r < 0) {
		imap_etpan_error(im, e, MAILIMAP_ERROR_STREAM, "AUTHENTICATE");
		goto out;
	}
	for (i = 0; i < 3; i++) {
		if (!mailimap_read_line(im->s)) {
			imap_etpan_error(im, e, MAILIMAP_ERROR_STREAM,
			    "AUTHENTICATE");
			goto out;
		}
		buf = im->s->imap_stream_buffer->str;
		if (buf[0] != '+')
			break;
		if (!sent_ir) {
			mailstream_set_privacy(im->s->imap_stream, 0);
			r = imap_write(im, ir, strlen(ir));
			if (r == 0)
				r = imap_write(im, "\r\n", 2);
			mailstream_set_privacy(im->s->imap_stream, 1);
			sent_ir = 1;
		} else if (!strcmp(mech, "OAUTHBEARER") ||
		    !strcmp(mech, "XOAUTH2")) {
			imap_oauth_status(im, buf);
			r = !strcmp(mech, "XOAUTH2") ?
			    imap_write(im, "\r\n", 2) :
			    imap_write(im, "AQ==\r\n", 6);	/* ^A */
		} else {
			r = imap_write(im, "*\r\n", 3);	/* cancel */
		}
		if (r < 0) {
			imap_etpan_error(im, e, MAILIMAP_ERROR_STREAM,
			    "AUTHENTICATE");
			goto out;
		}
	}
	r = mailimap_parse_response(im->s, &resp);
	if (r != MAILIMAP_NO_ERROR) {
		imap_etpan_error(im, e, r, "AUTHENTICATE");
		goto out;
	}
	if (resp->rsp_resp_done->rsp_type != MAILIMAP_RESP_DONE_TYPE_TAGGED) {
		imap_etpan_error(im, e, MAILIMAP_ERROR_FATAL, "AUTHENTICATE");
		goto out;
	}
	cond = resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->
	    rsp_type;
	if (cond != MAILIMAP_RESP_COND_STATE_OK) {
		imap_auth_refused(im, mech, e);
		goto out;
	}
	im->s->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	rc = 0;
out:
	imap_capture_stop(im);
	if (resp)
		mailimap_response_free(resp);
	if (line) {
		explicit_bzero(line, strlen(line));
		free(line);
	}
	return rc;
}

static int
imap_login(struct imap *im, struct err *e)
{
	const struct conf_account *a = im->a;
	char *secret = NULL, *ir = NULL, *what;
	const char *mech;
	int r, rc = -1;

	mech = imap_pick_auth(a->auth, imap_has_cap(im, "AUTH=PLAIN"),
	    !imap_has_cap(im, "LOGINDISABLED"),
	    imap_has_cap(im, "AUTH=XOAUTH2"),
	    imap_has_cap(im, "AUTH=OAUTHBEARER"));
	if (!mech) {
		imap_error(im, e, IMAP_FAIL_CONFIG, "%s offers no way to log "
		    "in with auth = %s (it may need TLS first, or another auth "
		    "method)", a->host, a->auth ? a->auth : "auto");
		goto out;
	}
	what = xasprintf("account '%s'", a->name);
	secret = conf_secret(a->password, a->password_file,
	    a->password_command, what, e);
	free(what);
	if (!secret) {
		im->fail = e->kind == ERR_TEMP ? IMAP_FAIL_NET :
		    IMAP_FAIL_CONFIG;
		goto out;
	}
	log_debug("account '%s': logging in as '%s' with %s", a->name,
	    a->user, mech);
	if (!strcmp(mech, "LOGIN")) {
		imap_capture_start(im);
		r = mailimap_login(im->s, a->user, secret);
		imap_capture_stop(im);
		if (r == MAILIMAP_ERROR_LOGIN)
			imap_auth_refused(im, mech, e);
		else if (!imap_ok(r))
			imap_etpan_error(im, e, r, "LOGIN");
		else
			rc = 0;
		goto out;
	}
	if (!strcmp(mech, "PLAIN"))
		ir = imap_sasl_plain(a->user, secret, NULL);
	else if (!strcmp(mech, "XOAUTH2"))
		ir = imap_sasl_xoauth2(a->user, secret);
	else
		ir = imap_sasl_oauthbearer(a->user, secret);
	rc = imap_authenticate(im, mech, ir, e);
out:
	if (secret) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
	if (ir) {
		explicit_bzero(ir, strlen(ir));
		free(ir);
	}
	return rc;
}

/*
 * End of file as an error.  libetpan 1.9's parser reads a literal with
 * "while (needed > 0)" over mailstream_read() and takes a read of 0 bytes
 * (the peer closed) as no progress, so a server that closes in the middle
 * of a FETCH literal made it spin at 100% CPU for ever, the timeout never
 * firing (the socket is readable: at EOF).  imap_guard_eof() puts a thin
 * layer over the stream's low driver that reports end of file as -1; for
 * an IMAP client a closed connection is an error wherever it comes.  The
 * layer owns the driver below it and passes every other call through.
 */
static mailstream_low *
eof_inner(mailstream_low *s)
{
	mailstream_low *in = s->data;

	in->timeout = s->timeout;
	return in;
}

static ssize_t
eof_read(mailstream_low *s, void *p, size_t n)
{
	mailstream_low *in = eof_inner(s);
	ssize_t r = in->driver->mailstream_read(in, p, n);

	return r == 0 && n > 0 ? -1 : r;
}

static ssize_t
eof_write(mailstream_low *s, const void *p, size_t n)
{
	mailstream_low *in = eof_inner(s);

	return in->driver->mailstream_write(in, p, n);
}

static int
eof_close(mailstream_low *s)
{
	mailstream_low *in = eof_inner(s);

	return in->driver->mailstream_close(in);
}

static int
eof_get_fd(mailstream_low *s)
{
	mailstream_low *in = eof_inner(s);

	return in->driver->mailstream_get_fd(in);
}

static void
eof_free(mailstream_low *s)
{
	mailstream_low_free(s->data);
	free(s);
}

static void
eof_cancel(mailstream_low *s)
{
	mailstream_low *in = eof_inner(s);

	if (in->driver->mailstream_cancel)
		in->driver->mailstream_cancel(in);
}

static struct mailstream_cancel *
eof_get_cancel(mailstream_low *s)
{
	mailstream_low *in = eof_inner(s);

	return in->driver->mailstream_get_cancel ?
	    in->driver->mailstream_get_cancel(in) : NULL;
}

static carray *
eof_get_certificate_chain(mailstream_low *s)
{
	mailstream_low *in = eof_inner(s);

	return in->driver->mailstream_get_certificate_chain ?
	    in->driver->mailstream_get_certificate_chain(in) : NULL;
}

static int
eof_setup_idle(mailstream_low *s)
{
	mailstream_low *in = eof_inner(s);

	return in->driver->mailstream_setup_idle ?
	    in->driver->mailstream_setup_idle(in) : -1;
}

static int
eof_unsetup_idle(mailstream_low *s)
{
	mailstream_low *in = eof_inner(s);

	return in->driver->mailstream_unsetup_idle ?
	    in->driver->mailstream_unsetup_idle(in) : -1;
}

static int
eof_interrupt_idle(mailstream_low *s)
{
	mailstream_low *in = eof_inner(s);

	return in->driver->mailstream_interrupt_idle ?
	    in->driver->mailstream_interrupt_idle(in) : -1;
}

static mailstream_low_driver eof_driver = {
	eof_read, eof_write, eof_close, eof_get_fd, eof_free, eof_cancel,
	eof_get_cancel, eof_get_certificate_chain, eof_setup_idle,
	eof_unsetup_idle, eof_interrupt_idle,
};

static void
imap_guard_eof(mailstream *stream)
{
	mailstream_low *in = mailstream_get_low(stream);
	mailstream_low *w;

	if (in->driver == &eof_driver)
		return;
	w = mailstream_low_new(in, &eof_driver);
	if (!w)
		fatalx(1, "out of memory");
	w->timeout = in->timeout;
	w->privacy = in->privacy;
	mailstream_set_low(stream, w);
}

static int
imap_starttls(struct imap *im, struct err *e)
{
	mailstream *stream = im->s->imap_stream;
	mailstream_low *low, *tls;
	int r, fd;

	if (!imap_has_cap(im, "STARTTLS"))
		return imap_error(im, e, IMAP_FAIL_TLS, "%s does not offer "
		    "STARTTLS, so the connection cannot be protected (use "
		    "imaps:// if the server has it; only on a trusted network, "
		    "starttls = no)", im->a->host);
	r = mailimap_starttls(im->s);
	if (!imap_ok(r))
		return imap_etpan_error(im, e, r, "STARTTLS");
	/* Bytes after the OK were sent in clear: refuse them. */
	if (stream->read_buffer_len > 0)
		return imap_error(im, e, IMAP_FAIL_TLS, "%s sent data after "
		    "its STARTTLS answer (possible injection); refusing",
		    im->a->host);
	low = mailstream_get_low(stream);
	fd = mailstream_low_get_fd(low);
	tls = mailstream_low_tls_open_with_callback_timeout(fd, im->timeout,
	    imap_tls_setup, im);
	if (!tls)
		return imap_error(im, e, IMAP_FAIL_TLS, "TLS handshake with %s "
		    "port %d failed after STARTTLS", im->a->host, im->a->port);
	mailstream_low_free(low);
	mailstream_set_low(stream, tls);
	imap_guard_eof(stream);
	if (imap_verify_peer(im, stream, e))
		return -1;
	/* What the server said before TLS no longer counts. */
	return imap_capability(im, e);
}

struct imap *
imap_connect(const struct conf_account *a, struct err *e)
{
	struct imap *im = xcalloc(1, sizeof(*im));
	mailstream *stream = NULL;
	int r, rc = -1, preauth;

	/* A server closing mid-write must be an error, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	im->a = a;
	im->fd = -1;
	im->timeout = a->timeout > 0 ? a->timeout : 60;
	buf_init(&im->capture, IMAP_CAPTURE_MAX);
	if (!a->host || !a->user) {
		imap_error(im, e, IMAP_FAIL_CONFIG, "no url or user");
		goto out;
	}
	if (a->tls == CONF_TLS_NONE)
		log_warnx("account '%s': connecting to %s port %d WITHOUT TLS "
		    "(starttls = no): the password and the mail cross the "
		    "network in clear text", a->name, a->host, a->port);
	mailstream_network_delay.tv_sec = im->timeout;
	mailstream_network_delay.tv_usec = 0;
	im->s = mailimap_new(0, NULL);
	if (!im->s)
		fatalx(1, "out of memory");
	mailimap_set_timeout(im->s, im->timeout);
	mailimap_set_logger(im->s, imap_logger, im);
	if (imap_tcp_connect(im, e))
		goto out;
	if (a->tls == CONF_TLS_IMPLICIT) {
		stream = mailstream_ssl_open_with_callback_timeout(im->fd,
		    im->timeout, imap_tls_setup, im);
		if (!stream) {
			imap_error(im, e, IMAP_FAIL_TLS, "TLS handshake with "
			    "%s port %d failed (is it an imaps:// port?)",
			    a->host, a->port);
			goto out;
		}
		im->fd = -1;	/* the stream owns it now */
		if (imap_verify_peer(im, stream, e)) {
			mailstream_close(stream);
			goto out;
		}
	} else {
		stream = mailstream_socket_open_timeout(im->fd, im->timeout);
		if (!stream)
			fatalx(1, "out of memory");
		im->fd = -1;
	}
	imap_guard_eof(stream);
	r = mailimap_connect(im->s, stream);
	if (!imap_ok(r)) {
		/* mailimap_connect closed the stream. */
		imap_etpan_error(im, e, r, "greeting");
		goto out;
	}
	preauth = r == MAILIMAP_NO_ERROR_AUTHENTICATED;
	im->alive = 1;
	if (!im->s->imap_connection_info ||
	    !im->s->imap_connection_info->imap_capability)
		if (imap_capability(im, e))
			goto out;
	if (a->tls == CONF_TLS_STARTTLS) {
		if (preauth) {
			imap_error(im, e, IMAP_FAIL_TLS, "%s greets with "
			    "PREAUTH, which rules out STARTTLS; refusing to "
			    "go on without TLS", a->host);
			goto out;
		}
		if (imap_starttls(im, e))
			goto out;
	}
	if (!preauth) {
		if (imap_login(im, e))
			goto out;
		if (imap_capability(im, e))
			goto out;
	}
	log_debug("account '%s': logged in to %s port %d", a->name, a->host,
	    a->port);
	rc = 0;
out:
	if (rc) {
		imap_close(im);
		return NULL;
	}
	return im;
}

void
imap_close(struct imap *im)
{
	if (!im)
		return;
	if (im->s) {
		if (im->alive && im->s->imap_stream) {
			if (im->idling)
				mailimap_idle_done(im->s);
			mailimap_set_timeout(im->s, IMAP_LOGOUT_TIMEOUT);
			mailstream_low_set_timeout(
			    mailstream_get_low(im->s->imap_stream),
			    IMAP_LOGOUT_TIMEOUT);
			mailimap_logout(im->s);
		}
		/* mailimap_free would send LOGOUT on a stream still open and
		 * wait for it: close a dead one without a word. */
		if (im->s->imap_stream) {
			mailstream_close(im->s->imap_stream);
			im->s->imap_stream = NULL;
		}
		mailimap_free(im->s);
	}
	if (im->fd >= 0)
		close(im->fd);
	buf_release(&im->capture);
	free(im->selected);
	free(im);
}

const char *
imap_account(const struct imap *im)
{
	return imap_name(im);
}

int
imap_fd(const struct imap *im)
{
	if (!im || !im->s || !im->s->imap_stream || !im->alive)
		return -1;
	return mailstream_low_get_fd(mailstream_get_low(im->s->imap_stream));
}

int
imap_alive(const struct imap *im)
{
	return im && im->alive;
}

enum imap_fail
imap_fail(const struct imap *im)
{
	return im ? im->fail : IMAP_FAIL_NET;
}

/* Common entry check: a live session not in IDLE. */
static int
imap_ready(struct imap *im, struct err *e, const char *what)
{
	im->fail = IMAP_FAIL_NONE;
	if (!im->alive)
		return imap_error(im, e, IMAP_FAIL_NET, "%s: not connected",
		    what);
	if (im->idling)
		return imap_error(im, e, IMAP_FAIL_PROTO, "%s during IDLE "
		    "(call imap_idle_done first)", what);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Mailboxes. */

/* The wire form of a UTF-8 mailbox name (malloc'd), or NULL with e set. */
static char *
imap_wire_name(struct imap *im, const char *name, struct err *e)
{
	char *w = imap_mutf7_encode(name);

	if (!w)
		imap_error(im, e, IMAP_FAIL_CONFIG, "mailbox name '%s' is not "
		    "valid UTF-8", log_esc(name));
	return w;
}

/* 1 when the LIST entry has the attribute ("\\Drafts"). */
static int
imap_list_has(const struct mailimap_mailbox_list *mb, const char *use)
{
	clistiter *it;

	if (!mb->mb_flag || !mb->mb_flag->mbf_oflags)
		return 0;
	if (*use == '\\')
		use++;
	for (it = clist_begin(mb->mb_flag->mbf_oflags); it;
	    it = clist_next(it)) {
		struct mailimap_mbx_list_oflag *of = clist_content(it);
		const char *f;

		if (of->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT ||
		    !of->of_flag_ext)
			continue;
		f = of->of_flag_ext;
		if (*f == '\\')
			f++;
		if (!strcasecmp(f, use))
			return 1;
	}
	return 0;
}

/* LIST "" "*" into *list. */
static int
imap_list(struct imap *im, clist **list, struct err *e)
{
	int r;

	*list = NULL;
	if (imap_ready(im, e, "LIST"))
		return -1;
	r = mailimap_list(im->s, "", "*", list);
	if (!imap_ok(r)) {
		*list = NULL;
		return imap_etpan_error(im, e, r, "LIST");
	}
	return 0;
}

static char *
imap_list_find(clist *list, const char *use, const char *name)
{
	clistiter *it;

	for (it = clist_begin(list); it; it = clist_next(it)) {
		struct mailimap_mailbox_list *mb = clist_content(it);
		char *utf8;

		if (use && imap_list_has(mb, use))
			return imap_mutf7_decode(mb->mb_name);
		if (!name)
			continue;
		utf8 = imap_mutf7_decode(mb->mb_name);
		if (!strcasecmp(utf8, name))
			return utf8;
		free(utf8);
	}
	return NULL;
}

int
imap_find_special(struct imap *im, const char *use, char **name,
    struct err *e)
{
	clist *list;

	*name = NULL;
	if (imap_list(im, &list, e))
		return -1;
	*name = imap_list_find(list, use, NULL);
	mailimap_list_result_free(list);
	return 0;
}

int
imap_resolve_folders(struct imap *im, char **drafts, char **sent,
    struct err *e)
{
	const struct conf_account *a = im->a;
	clist *list = NULL;
	int need;

	if (drafts)
		*drafts = xstrdup_or_null(a->drafts);
	if (sent)
		*sent = xstrdup_or_null(a->sent);
	need = (drafts && !*drafts) || (sent && !*sent);
	if (!need)
		return 0;
	if (imap_list(im, &list, e))
		return -1;
	if (drafts && !*drafts) {
		*drafts = imap_list_find(list, "\\Drafts", NULL);
		if (!*drafts)
			*drafts = imap_list_find(list, NULL, "Drafts");
	}
	if (sent && !*sent) {
		*sent = imap_list_find(list, "\\Sent", NULL);
		if (!*sent)
			*sent = imap_list_find(list, NULL, "Sent");
	}
	mailimap_list_result_free(list);
	return 0;
}

int
imap_open_mailbox(struct imap *im, const char *name, int writable,
    struct imap_mailbox *mb, struct err *e)
{
	struct mailimap_selection_info *si;
	char what[300], *wire;
	int r;

	memset(mb, 0, sizeof(*mb));
	snprintf(what, sizeof(what), "%s '%s'", writable ? "SELECT" :
	    "EXAMINE", log_esc(name));
	if (imap_ready(im, e, what))
		return -1;
	FREE_AND_NULL(im->selected);
	wire = imap_wire_name(im, name, e);
	if (!wire)
		return -1;
	r = writable ? mailimap_select(im->s, wire) :
	    mailimap_examine(im->s, wire);
	free(wire);
	if (!imap_ok(r))
		return imap_etpan_error(im, e, r, what);
	si = im->s->imap_selection_info;
	if (!si || !si->sel_uidvalidity)
		return imap_error(im, e, IMAP_FAIL_PROTO, "%s: the server gave "
		    "no UIDVALIDITY", what);
	mb->uidvalidity = si->sel_uidvalidity;
	mb->uidnext = si->sel_uidnext;
	mb->exists = si->sel_has_exists ? si->sel_exists : 0;
	mb->readonly = !writable || si->sel_perm == MAILIMAP_MAILBOX_READONLY;
	im->selected = xstrdup(name);
	im->readonly = mb->readonly;
	return 0;
}

const char *
imap_mailbox_name(const struct imap *im)
{
	return im ? im->selected : NULL;
}

static int
imap_need_mailbox(struct imap *im, struct err *e, const char *what)
{
	if (imap_ready(im, e, what))
		return -1;
	if (!im->selected)
		return imap_error(im, e, IMAP_FAIL_CONFIG, "%s with no mailbox "
		    "open", what);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Search. */

static int
imap_has_8bit(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

int
imap_search(struct imap *im, const struct imap_query *q,
    struct imap_uids *out, struct err *e)
{
	struct mailimap_search_key *key, *sub;
	clist *result = NULL;
	clistiter *it;
	const char *charset = NULL;
	int r, rc = -1;

	if (imap_need_mailbox(im, e, "UID SEARCH"))
		return -1;
	key = mailimap_search_key_new_multiple_empty();
	mailimap_search_key_multiple_add(key, mailimap_search_key_new_all());
	if (q && (q->uid_min || q->uid_max)) {
		sub = mailimap_search_key_new_uid(mailimap_set_new_interval(
		    q->uid_min ? q->uid_min : 1, q->uid_max));
		mailimap_search_key_multiple_add(key, sub);
	}
	if (q && q->since) {
		struct tm tm;
		time_t t = (time_t)q->since;

		gmtime_r(&t, &tm);
		sub = mailimap_search_key_new_since(mailimap_date_new(
		    tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900));
		mailimap_search_key_multiple_add(key, sub);
	}
	if (q && q->header && q->value) {
		sub = mailimap_search_key_new_header(xstrdup(q->header),
		    xstrdup(q->value));
		mailimap_search_key_multiple_add(key, sub);
		if (imap_has_8bit(q->value))
			charset = "UTF-8";
	}
	r = mailimap_uid_search(im->s, charset, key, &result);
	if (!imap_ok(r)) {
		char what[300];

		snprintf(what, sizeof(what), "UID SEARCH in '%s'",
		    log_esc(im->selected));
		imap_etpan_error(im, e, r, what);
		result = NULL;
		goto out;
	}
	for (it = clist_begin(result); it; it = clist_next(it)) {
		uint32_t *uid = clist_content(it);

		/* "UID n:*" matches the last message even when n is above
		 * its UID (RFC 3501 6.4.8): filter here. */
		if (q && q->uid_min && *uid < q->uid_min)
			continue;
		if (q && q->uid_max && *uid > q->uid_max)
			continue;
		imap_uids_push(out, *uid);
	}
	imap_uids_normalise(out);
	rc = 0;
out:
	if (result)
		mailimap_search_result_free(result);
	mailimap_search_key_free(key);
	return rc;
}

int
imap_header_any(struct imap *im, const char *mailbox, const char *header,
    char *const *values, size_t n, int *any, struct err *e)
{
	struct imap_mailbox mb;
	struct mailimap_search_key *key, *h;
	clist *result;
	const char *charset;
	size_t i, from, to;
	int r;

	*any = 0;
	if (imap_open_mailbox(im, mailbox, 0, &mb, e))
		return -1;
	for (from = 0; from < n && !*any; from = to) {
		to = MIN(n, from + IMAP_ANY_CHUNK);
		key = NULL;
		charset = NULL;
		for (i = from; i < to; i++) {
			h = mailimap_search_key_new_header(xstrdup(header),
			    xstrdup(values[i]));
			if (imap_has_8bit(values[i]))
				charset = "UTF-8";
			key = key ? mailimap_search_key_new_or(key, h) : h;
		}
		result = NULL;
		r = mailimap_uid_search(im->s, charset, key, &result);
		mailimap_search_key_free(key);
		if (!imap_ok(r)) {
			char what[300];

			snprintf(what, sizeof(what), "UID SEARCH in '%s'",
			    log_esc(mailbox));
			return imap_etpan_error(im, e, r, what);
		}
		*any = result && clist_begin(result) != NULL;
		if (result)
			mailimap_search_result_free(result);
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* Fetch. */

/* A set of the UIDs, consecutive ones as ranges. */
static struct mailimap_set *
imap_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i = 0, j;

	while (i < n) {
		j = i;
		while (j + 1 < n && uids[j + 1] == uids[j] + 1)
			j++;
		mailimap_set_add_interval(set, uids[i], uids[j]);
		i = j + 1;
	}
	return set;
}

static void
imap_meta_flags(struct imap_meta *m, struct mailimap_msg_att_dynamic *dyn)
{
	clistiter *it;

	if (!dyn || !dyn->att_list)
		return;
	for (it = clist_begin(dyn->att_list); it; it = clist_next(it)) {
		struct mailimap_flag_fetch *ff = clist_content(it);
		struct mailimap_flag *f;

		if (ff->fl_type == MAILIMAP_FLAG_FETCH_RECENT) {
			m->flags |= IMAP_FLAG_RECENT;
			continue;
		}
		f = ff->fl_flag;
		if (!f)
			continue;
		switch (f->fl_type) {
		case MAILIMAP_FLAG_SEEN:
			m->flags |= IMAP_FLAG_SEEN;
			break;
		case MAILIMAP_FLAG_ANSWERED:
			m->flags |= IMAP_FLAG_ANSWERED;
			break;
		case MAILIMAP_FLAG_FLAGGED:
			m->flags |= IMAP_FLAG_FLAGGED;
			break;
		case MAILIMAP_FLAG_DELETED:
			m->flags |= IMAP_FLAG_DELETED;
			break;
		case MAILIMAP_FLAG_DRAFT:
			m->flags |= IMAP_FLAG_DRAFT;
			break;
		case MAILIMAP_FLAG_KEYWORD:
			if (f->fl_data.fl_keyword)
				strlist_push(&m->keywords,
				    f->fl_data.fl_keyword);
			break;
		default:
			break;
		}
	}
}

/* Reads UID, RFC822.SIZE, INTERNALDATE, FLAGS and a body out of one
 * FETCH response. */
static void
imap_parse_att(struct mailimap_msg_att *att, struct imap_meta *m,
    const char **body, size_t *len)
{
	clistiter *it;

	if (body) {
		*body = NULL;
		*len = 0;
	}
	for (it = clist_begin(att->att_list); it; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			imap_meta_flags(m, item->att_data.att_dyn);
			continue;
		}
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		switch (st->att_type) {
		case MAILIMAP_MSG_ATT_UID:
			m->uid = st->att_data.att_uid;
			break;
		case MAILIMAP_MSG_ATT_RFC822_SIZE:
			m->size = st->att_data.att_rfc822_size;
			break;
		case MAILIMAP_MSG_ATT_INTERNALDATE:
			m->internaldate = imap_date_time(
			    st->att_data.att_internal_date);
			break;
		case MAILIMAP_MSG_ATT_BODY_SECTION:
			if (body && st->att_data.att_body_section) {
				*body = st->att_data.att_body_section->
				    sec_body_part;
				*len = st->att_data.att_body_section->
				    sec_length;
			}
			break;
		default:
			break;
		}
	}
}

static int
imap_meta_cmp(const void *a, const void *b)
{
	const struct imap_meta *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static struct imap_meta *
imap_meta_find(struct imap_meta *v, size_t n, uint32_t uid)
{
	struct imap_meta key;

	if (!v || n == 0)
		return NULL;
	key.uid = uid;
	return bsearch(&key, v, n, sizeof(*v), imap_meta_cmp);
}

static void
imap_metas_release(struct imap_meta *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strlist_release(&v[i].keywords);
	free(v);
}

/* Hands one message to the caller's function. */
static void
imap_emit(struct imap *im, const struct imap_meta *m, const char *data,
    size_t len)
{
	struct imap_msg msg;

	if (im->stopped)
		return;
	memset(&msg, 0, sizeof(msg));
	msg.uid = m->uid;
	msg.size = m->size;
	msg.internaldate = m->internaldate;
	msg.flags = m->flags;
	msg.keywords = &m->keywords;
	if (data && len <= im->max_size) {
		msg.data = data;
		msg.len = len;
	} else {
		msg.too_big = 1;
	}
	if (im->fn(&msg, im->arg))
		im->stopped = 1;
}

/* UID FETCH BODY.PEEK[] of a group of messages under the cap. */
static int
imap_fetch_group(struct imap *im, struct imap_meta *g, size_t n,
    struct err *e)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	clist *result = NULL;
	clistiter *it;
	uint32_t *uids = xmalloc(n * sizeof(*uids));
	struct {
		const char *data;
		size_t len;
	} *bodies = xcalloc(n, sizeof(*bodies));
	size_t i;
	int r, rc = 0;

	for (i = 0; i < n; i++)
		uids[i] = g[i].uid;
	set = imap_set(uids, n);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	/* Partial fetch: a server whose RFC822.SIZE lies still cannot send
	 * more than the cap plus one byte. */
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section_partial(
	    mailimap_section_new(NULL), 0,
	    (uint32_t)MIN(im->max_size + 1, (size_t)UINT32_MAX)));
	r = mailimap_uid_fetch(im->s, set, ft, &result);
	if (!imap_ok(r)) {
		char what[300];

		snprintf(what, sizeof(what), "UID FETCH in '%s'",
		    log_esc(im->selected));
		rc = imap_etpan_error(im, e, r, what);
		result = NULL;
	}
	/* One answer without a body is an unsolicited FETCH (flag news), one
	 * not asked for is skipped; the rest go out in UID order, whatever
	 * order the server used. */
	for (it = result ? clist_begin(result) : NULL; it;
	    it = clist_next(it)) {
		struct imap_meta got, *m;
		const char *body;
		size_t len;

		memset(&got, 0, sizeof(got));
		strlist_init(&got.keywords);
		imap_parse_att(clist_content(it), &got, &body, &len);
		strlist_release(&got.keywords);
		if (!got.uid || !body)
			continue;
		m = imap_meta_find(g, n, got.uid);
		if (!m || bodies[m - g].data)
			continue;
		bodies[m - g].data = body;
		bodies[m - g].len = len;
	}
	for (i = 0; i < n; i++)
		if (bodies[i].data)
			imap_emit(im, &g[i], bodies[i].data, bodies[i].len);
	if (result)
		mailimap_fetch_list_free(result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	free(uids);
	free(bodies);
	return rc;
}

/* UID FETCH (UID RFC822.SIZE INTERNALDATE FLAGS) of sorted uids. */
static int
imap_fetch_meta(struct imap *im, const uint32_t *uids, size_t n,
    struct imap_meta **out, size_t *nout, struct err *e)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set;
	clist *result = NULL;
	clistiter *it;
	struct imap_meta *v = NULL;
	size_t nv = 0, alloc = 0;
	int r, rc = -1;

	set = imap_set(uids, n);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_internaldate());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_flags());
	r = mailimap_uid_fetch(im->s, set, ft, &result);
	if (!imap_ok(r)) {
		char what[300];

		snprintf(what, sizeof(what), "UID FETCH in '%s'",
		    log_esc(im->selected));
		imap_etpan_error(im, e, r, what);
		result = NULL;
		goto out;
	}
	for (it = clist_begin(result); it; it = clist_next(it)) {
		struct imap_meta m;
		uint32_t *hit;

		memset(&m, 0, sizeof(m));
		strlist_init(&m.keywords);
		imap_parse_att(clist_content(it), &m, NULL, NULL);
		hit = m.uid ? bsearch(&m.uid, uids, n, sizeof(*uids),
		    imap_uid_cmp) : NULL;
		if (!hit || imap_meta_find(v, nv, m.uid)) {
			strlist_release(&m.keywords);
			continue;
		}
		GROW(v, nv + 1, alloc);
		v[nv++] = m;
		/* Keep v sorted for imap_meta_find (answers come sorted). */
		if (nv > 1 && v[nv - 2].uid > m.uid)
			qsort(v, nv, sizeof(*v), imap_meta_cmp);
	}
	rc = 0;
out:
	if (result)
		mailimap_fetch_list_free(result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (rc) {
		imap_metas_release(v, nv);
		v = NULL;
		nv = 0;
	}
	*out = v;
	*nout = nv;
	return rc;
}

int
imap_fetch(struct imap *im, const uint32_t *uids, size_t n,
    imap_msg_fn fn, void *arg, struct err *e)
{
	struct imap_uids sorted = IMAP_UIDS_INIT;
	struct imap_meta *meta = NULL;
	size_t nmeta = 0, batch, i, j, gstart, gbytes;
	int rc = -1;

	if (imap_need_mailbox(im, e, "UID FETCH"))
		return -1;
	batch = im->a->fetch_batch > 0 ? (size_t)im->a->fetch_batch : 100;
	im->max_size = im->a->max_message_size ? im->a->max_message_size :
	    (size_t)25 * 1024 * 1024;
	im->fn = fn;
	im->arg = arg;
	im->stopped = 0;
	for (i = 0; i < n; i++)
		imap_uids_push(&sorted, uids[i]);
	imap_uids_normalise(&sorted);
	for (i = 0; i < sorted.n && !im->stopped; i += batch) {
		size_t cnt = MIN(batch, sorted.n - i);

		if (imap_fetch_meta(im, sorted.v + i, cnt, &meta, &nmeta, e))
			goto out;
		/* Groups of bodies under the byte cap; a message over
		 * max_message_size goes out on its own, without its body. */
		gstart = 0;
		gbytes = 0;
		for (j = 0; j <= nmeta && !im->stopped; j++) {
			int flush = j == nmeta || meta[j].size > im->max_size ||
			    (j > gstart && gbytes + meta[j].size >
			    IMAP_GROUP_BYTES);

			if (flush && j > gstart) {
				if (imap_fetch_group(im, meta + gstart,
				    j - gstart, e))
					goto out;
				gstart = j;
				gbytes = 0;
			}
			if (j == nmeta)
				break;
			if (meta[j].size > im->max_size) {
				imap_emit(im, &meta[j], NULL, 0);
				gstart = j + 1;
				continue;
			}
			gbytes += meta[j].size;
		}
		imap_metas_release(meta, nmeta);
		meta = NULL;
		nmeta = 0;
	}
	rc = im->stopped ? 1 : 0;
out:
	imap_metas_release(meta, nmeta);
	imap_uids_release(&sorted);
	im->fn = NULL;
	im->arg = NULL;
	return rc;
}

/* ---------------------------------------------------------------- */
/* IDLE and NOOP. */

int
imap_idle_start(struct imap *im, struct err *e)
{
	int r;

	if (imap_need_mailbox(im, e, "IDLE"))
		return -1;
	if (!mailimap_has_idle(im->s))
		return imap_error(im, e, IMAP_FAIL_REFUSED, "%s has no IDLE",
		    im->a->host);
	imap_capture_start(im);
	r = mailimap_idle(im->s);
	if (!imap_ok(r)) {
		imap_capture_stop(im);
		return imap_etpan_error(im, e, r, "IDLE");
	}
	im->idling = 1;
	im->idle_since = now_ms();
	return 0;
}

int
imap_idle_ready(struct imap *im)
{
	return im && im->idling && im->s && im->s->imap_stream &&
	    im->s->imap_stream->read_buffer_len > 0;
}

uint64_t
imap_idle_started(const struct imap *im)
{
	return im && im->idling ? im->idle_since : 0;
}

int
imap_idling(const struct imap *im)
{
	return im && im->idling;
}

int
imap_idle_done(struct imap *im, int *changed, struct err *e)
{
	int r, rc = 0;

	if (changed)
		*changed = 0;
	if (!im->idling)
		return 0;
	im->idling = 0;
	if (!im->alive) {
		imap_capture_stop(im);
		return imap_error(im, e, IMAP_FAIL_NET, "IDLE: not connected");
	}
	r = mailimap_idle_done(im->s);
	imap_capture_stop(im);
	if (!imap_ok(r))
		rc = imap_etpan_error(im, e, r, "IDLE");
	else if (changed)
		*changed = imap_capture_changed(im);
	return rc;
}

int
imap_noop(struct imap *im, int *changed, struct err *e)
{
	int r;

	if (changed)
		*changed = 0;
	if (imap_ready(im, e, "NOOP"))
		return -1;
	imap_capture_start(im);
	r = mailimap_noop(im->s);
	imap_capture_stop(im);
	if (!imap_ok(r))
		return imap_etpan_error(im, e, r, "NOOP");
	if (changed)
		*changed = imap_capture_changed(im);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Writing: APPEND, STORE of a keyword, MOVE. */

int
imap_append(struct imap *im, const char *mailbox, const char *data,
    size_t len, unsigned flags, int64_t date, uint32_t *uid, struct err *e)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_date_time *dt = NULL;
	uint32_t uidvalidity = 0, newuid = 0;
	char what[300], *wire;
	int r;

	if (uid)
		*uid = 0;
	snprintf(what, sizeof(what), "APPEND to '%s'", log_esc(mailbox));
	if (imap_ready(im, e, what)) {
		mailimap_flag_list_free(fl);
		return -1;
	}
	if (flags & IMAP_FLAG_SEEN)
		mailimap_flag_list_add(fl, mailimap_flag_new_seen());
	if (flags & IMAP_FLAG_ANSWERED)
		mailimap_flag_list_add(fl, mailimap_flag_new_answered());
	if (flags & IMAP_FLAG_FLAGGED)
		mailimap_flag_list_add(fl, mailimap_flag_new_flagged());
	if (flags & IMAP_FLAG_DRAFT)
		mailimap_flag_list_add(fl, mailimap_flag_new_draft());
	if (date > 0) {
		struct tm tm;
		time_t t = (time_t)date;

		gmtime_r(&t, &tm);
		dt = mailimap_date_time_new(tm.tm_mday, tm.tm_mon + 1,
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, 0);
	}
	wire = imap_wire_name(im, mailbox, e);
	if (!wire)
		r = MAILIMAP_NO_ERROR;
	else if (mailimap_has_uidplus(im->s))
		r = mailimap_uidplus_append(im->s, wire, fl, dt, data, len,
		    &uidvalidity, &newuid);
	else
		r = mailimap_append(im->s, wire, fl, dt, data, len);
	mailimap_flag_list_free(fl);
	if (dt)
		mailimap_date_time_free(dt);
	if (!wire)
		return -1;
	free(wire);
	if (!imap_ok(r))
		return imap_etpan_error(im, e, r, what);
	if (uid)
		*uid = newuid;
	return 0;
}

int
imap_append_once(struct imap *im, const char *mailbox,
    const char *message_id, const char *data, size_t len, unsigned flags,
    uint32_t *uid, int *found, struct err *e)
{
	struct imap_mailbox mb;
	struct imap_query q;
	struct imap_uids hits = IMAP_UIDS_INIT;
	int rc = -1;

	*found = 0;
	if (uid)
		*uid = 0;
	if (message_id && *message_id) {
		if (imap_open_mailbox(im, mailbox, 0, &mb, e))
			goto out;
		memset(&q, 0, sizeof(q));
		q.header = "Message-ID";
		q.value = message_id;
		if (imap_search(im, &q, &hits, e))
			goto out;
		if (hits.n > 0) {
			*found = 1;
			if (uid)
				*uid = hits.v[0];
			rc = 0;
			goto out;
		}
	}
	rc = imap_append(im, mailbox, data, len, flags, 0, uid, e);
out:
	imap_uids_release(&hits);
	return rc;
}

static int
imap_need_writable(struct imap *im, struct err *e, const char *what)
{
	if (imap_need_mailbox(im, e, what))
		return -1;
	if (im->readonly)
		return imap_error(im, e, IMAP_FAIL_CONFIG, "%s: '%s' is open "
		    "read-only", what, log_esc(im->selected));
	return 0;
}

int
imap_store_keyword(struct imap *im, const uint32_t *uids, size_t n,
    const char *keyword, struct err *e)
{
	struct imap_uids sorted = IMAP_UIDS_INIT;
	struct mailimap_flag_list *fl;
	struct mailimap_store_att_flags *st;
	struct mailimap_set *set;
	size_t i;
	int r;

	if (!imap_valid_keyword(keyword))
		return imap_error(im, e, IMAP_FAIL_CONFIG, "flag_processed "
		    "'%s' is not an IMAP keyword (letters, digits, $, _ or "
		    "-; system flags such as \\Seen are never set)",
		    log_esc(keyword));
	if (imap_need_writable(im, e, "UID STORE"))
		return -1;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		imap_uids_push(&sorted, uids[i]);
	imap_uids_normalise(&sorted);
	fl = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(fl, mailimap_flag_new_flag_keyword(
	    xstrdup(keyword)));
	st = mailimap_store_att_flags_new_add_flags_silent(fl);
	set = imap_set(sorted.v, sorted.n);
	r = mailimap_uid_store(im->s, set, st);
	mailimap_store_att_flags_free(st);
	mailimap_set_free(set);
	imap_uids_release(&sorted);
	if (!imap_ok(r))
		return imap_etpan_error(im, e, r, "UID STORE");
	return 0;
}

int
imap_move(struct imap *im, const uint32_t *uids, size_t n, const char *dest,
    struct err *e)
{
	struct imap_uids sorted = IMAP_UIDS_INIT;
	struct mailimap_set *set;
	char what[300], *wire;
	size_t i;
	int r;

	snprintf(what, sizeof(what), "UID MOVE to '%s'", log_esc(dest));
	if (imap_need_writable(im, e, what))
		return -1;
	if (!imap_has_cap(im, "MOVE"))
		return imap_error(im, e, IMAP_FAIL_REFUSED, "%s has no MOVE "
		    "(RFC 6851); inquiryd does not copy and delete instead",
		    im->a->host);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		imap_uids_push(&sorted, uids[i]);
	imap_uids_normalise(&sorted);
	wire = imap_wire_name(im, dest, e);
	if (!wire) {
		imap_uids_release(&sorted);
		return -1;
	}
	set = imap_set(sorted.v, sorted.n);
	r = mailimap_uid_move(im->s, set, wire);
	mailimap_set_free(set);
	free(wire);
	imap_uids_release(&sorted);
	if (!imap_ok(r))
		return imap_etpan_error(im, e, r, what);
	return 0;
}
