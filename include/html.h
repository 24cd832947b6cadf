/*
 * html.h - HTML to readable text, and the facts in a page's head (the
 * only user of libxml2).
 *
 * Input is UTF-8 (convert first with charset_to_utf8; html_sniff_charset
 * finds the label a page declares).  Invalid UTF-8 is read as U+FFFD.
 */
#ifndef INQUIRYD_HTML_H
#define INQUIRYD_HTML_H

#include "buf.h"

/* HTML larger than this is cut before parsing (parsers are not linear
 * on some hostile input). */
#define HTML_MAX_INPUT (4u << 20)

/*
 * Appends the readable text of html[0..len) to out, as a careful reader
 * would copy it:
 *  - blocks (p, div, headings, blockquote, pre, li, tr...) start on new
 *    lines; paragraphs and headings are separated by a blank line; <br>
 *    is a line break;
 *  - a table row is one line, its cells separated by " | ";
 *  - list items are lines starting with "- " (numbered "1. " in <ol>);
 *  - white space is collapsed as a browser does (not in <pre>); a
 *    no-break space (U+00A0) is kept as it is; blanks that open a line
 *    right after a tag on the same source line ("<p> \t* item") are
 *    kept, as plain text turned into HTML has them;
 *  - script, style, head, template, noscript, svg and elements hidden
 *    with the hidden attribute or "display:none" are dropped;
 *  - entities are decoded; spaces at line ends and blank lines at both
 *    ends are trimmed, runs of blank lines become one;
 *  - with HTML_MAIL (the body of a mail), a mail client's signature
 *    block (Gmail's class "gmail_signature", Outlook on the web's id
 *    "Signature") opens with the delimiter line "--", as text/plain mail
 *    has it, unless a "-- " line comes just before;
 *  - with HTML_MAIL, the target of a link that is a way to reach
 *    the sender (mailto:, tel:, a messenger's scheme or host, LinkedIn),
 *    of an icon link, and of a link whose text is "our website" follows
 *    the text as mail clients write it in plain text, "WhatsApp
 *    <https://wa.me/...>", unless the text says it already (an address,
 *    a URL, a domain, the number of a tel: link); mailto: and tel: show
 *    the address and the number, Outlook's Safe Links the link it wraps.
 *    Other links (a product page, a button, a tracking link) keep their
 *    text only, as do anchors, relative links, scripts and targets over
 *    300 bytes.  A web page's text (enrichment) shows no targets.
 * Returns 0, or -1 when out's cap cut the text (what fits is kept, cut
 * on a character boundary).
 */
#define HTML_MAIL 1u
int html_to_text(const char *html, size_t len, unsigned flags,
    struct buf *out);

/* What a page says about itself, for the enrichment of company sites. */
struct html_meta {
	char *title;		/* <title>, white space collapsed */
	char *description;	/* <meta name=description> */
	char *keywords;		/* <meta name=keywords> */
	char *site_name;	/* <meta property=og:site_name> */
	char *og_title;		/* <meta property=og:title> */
	char *og_description;	/* <meta property=og:description> */
	char *lang;		/* <html lang>, e.g. "en-US" */
	char *charset;		/* <meta charset> or http-equiv label */
};

/*
 * Fills out (all fields owned, NULL when absent; release with
 * html_meta_release) from html[0..len).  Values are UTF-8 with white
 * space collapsed, at most 1000 bytes each.  Never fails.
 */
void html_meta(const char *html, size_t len, struct html_meta *out);
void html_meta_release(struct html_meta *m);

/*
 * The charset label declared in the first 4 KiB of a page (<meta
 * charset="x"> or <meta http-equiv="Content-Type" content="...;
 * charset=x">), lowercase and owned, or NULL.  Works on raw bytes in
 * any ASCII-compatible charset, before conversion.
 */
char *html_sniff_charset(const char *bytes, size_t len);

#ifdef INQUIRYD_UNITTEST
/* The first control below 0x20 but tab, LF and CR in u[0..n), or n. */
size_t html_first_dropped(const unsigned char *u, size_t n);
/* The nesting depth estimate, or a bound when not past 400 (html.c). */
size_t html_depth_estimate(const char *s, size_t len);
/* Frees the parser context kept between pages (see html.c). */
void html_ctxt_drop(void);
#endif

#endif
