/*
 * xfer.h - every libcurl transfer inquiryd makes: the capped, address-
 * checked GET of a company's home page, and SMTP sending.
 *
 * The GET is built not to be turned against us (server-side request
 * forgery): the host is resolved first with dns.h, every address is
 * checked with dns_addr_refused() (loopback, private, link-local, CGNAT,
 * multicast... unless the allow list admits it), and curl is pinned to
 * the addresses that passed (CURLOPT_RESOLVE, and an open-socket callback
 * that refuses any other address, so DNS rebinding between our check and
 * curl's connect cannot get round it).  Redirects are followed here, not
 * by curl: each new URL is parsed, must be http or https, is resolved and
 * checked again, and counts against max_redirects.  The body is capped in
 * the write callback (a longer page is cut, not refused, and marked
 * truncated); the whole fetch, redirects and DNS included, ends at the
 * deadline.  No proxy from the environment is used (it would connect
 * somewhere we did not check).  TLS is always verified.
 *
 * Fetches run concurrently on one struct xfer (a curl multi handle) and
 * are driven by the caller's poll loop like dns.h: xfer_pollfds,
 * xfer_timeout, xfer_process.  A fetch's callback runs from xfer_process()
 * or dns_process(), never from xfer_fetch_start().  Only xfer.c calls
 * libcurl.
 */
#ifndef INQUIRYD_XFER_H
#define INQUIRYD_XFER_H

#include <poll.h>

#include "buf.h"
#include "dns.h"

struct err;

enum xfer_result {
	XFER_OK = 0,		/* a final response (see status) */
	XFER_REFUSED,		/* the policy said no: address, scheme,
				 * redirects; nothing was sent there */
	XFER_NOHOST,		/* the host does not resolve (NXDOMAIN,
				 * NODATA) */
	XFER_FAILED,		/* connect, TLS or protocol error */
	XFER_TIMEOUT,		/* the deadline passed */
	XFER_TLS,		/* the server's certificate did not verify;
				 * nothing was sent */
};
const char *xfer_result_name(enum xfer_result r);

struct xfer_fetch_opts {
	size_t max_bytes;		/* body cap, default 512 KiB */
	long max_redirects;		/* default 3 */
	uint64_t deadline_ms;		/* now_ms() clock; 0: 10 s from start */
	const char *ca_file;		/* NULL: the system store; else only
					 * this CA bundle is trusted */
	long https_port;		/* port for https URLs that name none
					 * (0: 443); tests use a high port */
	long http_port;			/* the same for http (0: 80) */
	const struct dns_netlist *allow;	/* borrowed, may be NULL */
	const char *user_agent;		/* NULL: "inquiryd/VERSION" */
};

struct xfer_page {
	enum xfer_result result;
	char *url;		/* the last URL asked for */
	long status;		/* its HTTP status, 0 if none */
	char *content_type;	/* as sent, NULL if none */
	char *charset;		/* from content_type, lowercase, or NULL */
	struct buf body;	/* at most max_bytes */
	int truncated;		/* the body was cut at max_bytes */
	unsigned redirects;	/* redirects followed */
	char *error;		/* why result is not XFER_OK, NULL if it is */
	struct strlist trail;	/* "GET URL -> ADDRESS: STATUS" per hop,
				 * and refusals, for the record */
	uint64_t ms;		/* time taken */
};
void xfer_page_init(struct xfer_page *p);
void xfer_page_release(struct xfer_page *p);

struct xfer;
struct xfer_fetch;

/* A transfer engine (a curl multi handle).  Never fails (out of memory
 * exits). */
struct xfer *xfer_new(void);
/* Cancels every fetch (their callbacks do not run) and frees x. */
void xfer_free(struct xfer *x);

/*
 * Starts fetching url (http or https; "www.acme.com" without a scheme is
 * taken as https) with d resolving (x and d must outlive the fetch).  cb
 * gets the page when it is done, whatever the result, and owns it
 * (xfer_page_release).  o is copied; its allow list is borrowed.
 */
typedef void xfer_fetch_cb(void *arg, struct xfer_page *page);
struct xfer_fetch *xfer_fetch_start(struct xfer *x, struct dns *d,
    const char *url, const struct xfer_fetch_opts *o, xfer_fetch_cb *cb,
    void *arg);
/* Stops a fetch: its callback will not run.  f may be NULL. */
void xfer_fetch_cancel(struct xfer_fetch *f);
/* Fetches whose callback has not run yet. */
size_t xfer_pending(const struct xfer *x);

/* The poll loop, as in dns.h (the fetch's DNS work is on d's sockets). */
size_t xfer_pollfds(struct xfer *x, struct pollfd *fds, size_t max);
int xfer_timeout(struct xfer *x);
void xfer_process(struct xfer *x, const struct pollfd *fds, size_t nfds);

/*
 * Fetches url to completion, running x's and d's loop (other fetches on
 * them progress too).  out is initialised by the call; returns 0 when
 * out->result is XFER_OK, else -1.
 */
int xfer_fetch(struct xfer *x, struct dns *d, const char *url,
    const struct xfer_fetch_opts *o, struct xfer_page *out);

/*
 * SMTP submission.  url is smtps://host[:port] (TLS from the start) or
 * smtp://host[:port], where STARTTLS is required (CURLUSESSL_ALL: no
 * plaintext fallback).  The certificate is verified against ca_file (NULL:
 * the system store) unless tls_verify is 0, which logs a warning each
 * time.  user and password authenticate (AUTH as the server offers).
 */
struct xfer_smtp {
	const char *url;
	const char *user;
	const char *password;
	const char *ca_file;
	int tls_verify;
	long timeout_ms;	/* whole session, 0: 60 s */
};

/*
 * Sends data[0..len) (an RFC 5322 message; bare LF line ends are sent as
 * CRLF, and curl dot-stuffs) from the envelope sender from to every
 * address in rcpts.  Returns 0 once the server accepted the message
 * (250 after DATA), or -1 with e set: ERR_TEMP for a 4xx reply, a failed
 * connection or a timeout (send again later), ERR_PERM for a 5xx reply,
 * a refused login or a certificate that does not verify (sending again
 * will not help until someone changes something).  e->msg carries the
 * server's last reply code.
 */
int xfer_smtp_send(const struct xfer_smtp *cfg, const char *from,
    const struct strlist *rcpts, const char *data, size_t len,
    struct err *e);

#endif
