/*
 * test_html.c - HTML to text (tables as rows, lists as lines, breaks,
 * dropped scripts), page facts, charset sniffing, hostile pages.
 */
#include <ctype.h>

#include "unit.h"

#include "buf.h"
#include "html.h"

/* An HTML input and the text it must give. */
struct text_case {
	const char *name, *html, *want;
};

/*
 * Checks each case with html_to_text(flags); returns the number that
 * failed, each printed.
 */
static int
check_cases(const struct text_case *c, size_t n, unsigned flags)
{
	struct buf out = BUF_INIT(BUF_CAP_TEXT);
	size_t i;
	int bad = 0;

	for (i = 0; i < n; i++) {
		buf_reset(&out);
		if (html_to_text(c[i].html, strlen(c[i].html), flags, &out) ||
		    strcmp(out.data, c[i].want)) {
			print_message("# %s:\n#  got: '%s'\n# want: '%s'\n",
			    c[i].name, out.data, c[i].want);
			bad++;
		}
	}
	buf_release(&out);
	return bad;
}

static const struct text_case text_cases[] = {
	{ "paragraphs and breaks",
	    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>t</title></head>\n<body style=\"font-family:Arial\">\n"
	    "<p>Good day</p>\n<p>We would like to discuss placing an order."
	    "<br>\nCan you ship to the\xc2\xa0UK ?</p>\n<p>Best Regards ,</p>"
	    "\n<p>Lauren<br>\nSales Manager<br>\n</p>\n</body></html>\n",
	    "Good day\n\nWe would like to discuss placing an order.\n"
	    "Can you ship to the\xc2\xa0UK ?\n\nBest Regards ,\n\nLauren\n"
	    "Sales Manager" },
	{ "spec table",
	    "<p>Please quote:</p><table border=1><thead><tr><th>Item</th>"
	    "<th>Qty</th><th>Spec</th></tr></thead><tbody>\n"
	    "<tr><td>Bluetooth speaker</td><td>500 pcs</td>"
	    "<td>5W, <b>black</b></td></tr>\n<tr><td>USB cable</td>"
	    "<td>1,000 pcs</td><td>1 m</td></tr></tbody></table>"
	    "<p>FOB Shenzhen</p>",
	    "Please quote:\n\nItem | Qty | Spec\nBluetooth speaker | 500 pcs | "
	    "5W, black\nUSB cable | 1,000 pcs | 1 m\n\nFOB Shenzhen" },
	/* Outlook puts each cell's text in a paragraph. */
	{ "paragraphs in cells stay on the row",
	    "<table class=MsoTableGrid><tr><td><p class=MsoNormal>Item"
	    "<o:p></o:p></p></td><td><p class=MsoNormal>Qty</p></td></tr>"
	    "<tr><td><p class=MsoNormal>Steel pipe</p></td><td>"
	    "<p class=MsoNormal>500 pcs</p></td></tr></table>"
	    "<p>Thanks</p>",
	    "Item | Qty\nSteel pipe | 500 pcs\n\nThanks" },
	{ "a layout table keeps its paragraphs and its inner table's rows",
	    "<table><tr><td><p>Dear Sir,</p><p>Please quote:</p>"
	    "<table><tr><td>Valve</td><td>100</td></tr><tr><td>Pump</td>"
	    "<td>5</td></tr></table><p>Regards</p></td></tr></table>",
	    "Dear Sir,\n\nPlease quote:\n\nValve | 100\nPump | 5\n\n"
	    "Regards" },
	{ "an empty Outlook paragraph makes no line; a no-break space in "
	    "text stays",
	    "<p>Dear Sir,<o:p></o:p></p><p><o:p>&nbsp;</o:p></p>"
	    "<p>Price: 5&nbsp;USD</p>",
	    "Dear Sir,\n\nPrice: 5\xc2\xa0USD" },
	{ "empty cells keep their columns",
	    "<table><tr><td>a</td><td></td><td>c</td></tr></table>",
	    "a |  | c" },
	{ "lists",
	    "<p>Requirements:</p><ul><li>500 pcs</li><li>logo <i>printed</i>"
	    "</li></ul><ol><li>first</li><li>second</li></ol>",
	    "Requirements:\n\n- 500 pcs\n- logo printed\n\n1. first\n"
	    "2. second" },
	{ "scripts styles and hidden text dropped",
	    "<style>p{color:red}</style><script>alert('x')</script>"
	    "<p>visible</p><div style=\"display: none\">hidden</div>"
	    "<span hidden>also hidden</span><noscript>ns</noscript>",
	    "visible" },
	{ "entities and white space",
	    "<p>Price &lt; 5&nbsp;USD &amp; MOQ&#x3a; 100 &copy;</p>"
	    "<p>\n  lots   of\n\n   space  </p>",
	    "Price < 5\xc2\xa0USD & MOQ: 100 \xc2\xa9\n\nlots of space" },
	{ "blanks opening a line after a tag are kept",
	    "<p> \t* one<br>\n  two</p>", " \t* one\ntwo" },
	{ "pre keeps white space",
	    "<p>x</p><pre>  a  b\n   c</pre>",
	    "x\n\n  a  b\n   c" },
	{ "headings and divs",
	    "<h1>Title</h1><div>one</div><div>two</div><div><div>three"
	    "</div></div>",
	    "Title\n\none\ntwo\nthree" },
	/* A stray cell ends the paragraph (libxml2's HTML 4 rules). */
	{ "broken markup",
	    "<p>unclosed <b>bold <i>both</p><p>next</b> para<td>cell",
	    "unclosed bold both\n\nnext para\n\ncell" },
	{ "a declared charset is ignored: the text is UTF-8 already",
	    "<meta charset=\"iso-8859-1\"><p>caf\xc3\xa9 ok</p>",
	    "caf\xc3\xa9 ok" },
	{ "empty", "", "" },
	{ "only markup", "<html><body><p> </p><br><br></body></html>", "" },
	{ "many breaks collapse to one blank line",
	    "a<br><br><br><br>b", "a\n\nb" },
	{ "invalid utf-8 becomes U+FFFD", "<p>a\xff" "b</p>",
	    "a\xef\xbf\xbd" "b" },
};

static void
test_to_text(void **state)
{
	(void)state;
	assert_int_equal(check_cases(text_cases, ARRAY_SIZE(text_cases), 0),
	    0);
}

/*
 * Mail (HTML_MAIL): the target of a contact link (mailto:, tel:, a
 * messenger, LinkedIn), of an icon and of "our website" follows the
 * link's text, as mail clients write links in plain text, unless the text
 * says where it goes; other links' targets stay out of the text.
 */
static const struct text_case link_cases[] = {
	{ "a WhatsApp link's target after its text",
	    "<p>Chat on <a href=\"https://wa.me/8613800000000\">WhatsApp</a>."
	    "</p>",
	    "Chat on WhatsApp <https://wa.me/8613800000000>." },
	{ "other links keep their text only: a product page, a button",
	    "<p>see the <a href=\"https://drive.example/d/1\">drawing</a>, "
	    "<b>Product:</b> <a href=\"https://www.alibaba.com/product-detail"
	    "/x_1.html\">Speaker BT-200</a> "
	    "<a href=\"https://message.alibaba.com/reply?id=1\">Reply Now</a>"
	    "</p>",
	    "see the drawing, Product: Speaker BT-200 Reply Now" },
	{ "the website a label names",
	    "<a href=\"https://www.acme.example/\">Visit our website</a> | "
	    "<a href=\"https://acme.example/es\">Sitio web</a>",
	    "Visit our website <https://www.acme.example/> | "
	    "Sitio web <https://acme.example/es>" },
	{ "the website label in the buyers' languages",
	    "<a href=\"https://a.example/\">Visite nosso site</a> "
	    "<a href=\"https://b.example/\">Visite nuestro sitio web</a> "
	    "<a href=\"https://c.example/\">Besuchen Sie unsere Website</a> "
	    "<a href=\"https://d.example/\">Visitez notre site</a> "
	    "<a href=\"https://e.example/\">Посетите наш сайт</a> "
	    "<a href=\"https://f.example/\">Visite nossa loja</a>",
	    "Visite nosso site <https://a.example/> "
	    "Visite nuestro sitio web <https://b.example/> "
	    "Besuchen Sie unsere Website <https://c.example/> "
	    "Visitez notre site <https://d.example/> "
	    "Посетите наш сайт <https://e.example/> Visite nossa loja" },
	{ "text that is the URL, with or without scheme and www",
	    "<a href=\"https://www.acme.example/\">www.acme.example</a> "
	    "<a href=\"http://acme.example/p\">acme.example/p</a> "
	    "<a href=\"https://acme.example/x\">https://acme.example/x</a>",
	    "www.acme.example acme.example/p https://acme.example/x" },
	{ "mailto: shows the address, unless the text is one",
	    "<a href=\"mailto:li@acme.example?subject=RFQ\">Li Wei</a>, "
	    "<a href=\"mailto:li@acme.example\">li@acme.example</a>",
	    "Li Wei <li@acme.example>, li@acme.example" },
	{ "tel: shows the number, unless the text is one",
	    "<a href=\"tel:+8613800000000\">Call me</a> "
	    "<a href=\"tel:+8613800000000\">+86 138 0000 0000</a>",
	    "Call me <+8613800000000> +86 138 0000 0000" },
	{ "an icon link shows its target alone",
	    "<p>Li Wei<br><a href=\"https://wa.me/8613800000000\">"
	    "<img src=\"cid:wa\" alt=\"WhatsApp\"></a> "
	    "<a href=\"https://www.linkedin.com/in/li\">LinkedIn</a><a href="
	    "\"https://t.me/li\"><img src=\"cid:tg\"></a>Telegram</p>",
	    "Li Wei\n<https://wa.me/8613800000000> "
	    "LinkedIn <https://www.linkedin.com/in/li> <https://t.me/li> "
	    "Telegram" },
	{ "a Skype icon keeps its ?call (the link, as written)",
	    "<p>Li Wei <a href=\"skype:li.wei?call\"><img src=\"cid:s\"></a>"
	    "</p>",
	    "Li Wei <skype:li.wei?call>" },
	{ "Safe Links show the link they wrap",
	    "<a href=\"https://eur01.safelinks.protection.outlook.com/?url="
	    "https%3A%2F%2Fwww.acme.example%2F&amp;data=05%7C01\">"
	    "Website</a> <a href=\"https://nam02.safelinks.protection.outlook."
	    "com/?url=http%3A%2F%2Facme.example%2F&amp;data=1\">"
	    "acme.example</a>",
	    "Website <https://www.acme.example/> acme.example" },
	{ "a Safe Link that decodes to bytes no URL has is not shown",
	    "<a href=\"https://eur01.safelinks.protection.outlook.com/?url="
	    "https%3A%2F%2Fx.example%A2F\">Website</a> <a href=\"https://eur01."
	    "safelinks.protection.outlook.com/?url=https%3A%2F%2Fx.example%00"
	    "\">Web</a>",
	    "Website Web" },
	{ "anchors, relative links, scripts and images are not shown",
	    "<a href=\"#top\">top</a> <a href=\"/about\">about</a> "
	    "<a href=\"javascript:go()\">go</a> "
	    "<a href=\"data:image/png;base64,AA\">img</a> "
	    "<a href=\"skype:\">Skype</a> <a href=\"mailto:\">mail</a>",
	    "top about go img Skype mail" },
	{ "an overlong target is not shown",
	    "<a href=\"https://wa.me/"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "\">click</a>",
	    "click" },
	{ "a link across blocks ends after its text",
	    "<a href=\"https://t.me/acme\"><div>Telegram</div></a>"
	    "<p>next</p>",
	    "Telegram <https://t.me/acme>\n\nnext" },
};

/* Mail (HTML_MAIL): a client's signature block gets the delimiter. */
static const struct text_case sig_cases[] = {
	{ "Gmail's signature block",
	    "<div dir=\"ltr\">Please quote.<div><br></div><div class=\"gmail_"
	    "signature\" data-smartmail=\"gmail_signature\">Khalid<br>Gulf "
	    "Star</div></div>",
	    "Please quote.\n\n--\nKhalid\nGulf Star" },
	{ "Gmail's own \"-- \" is not doubled",
	    "<div>Please quote.</div><span class=\"gmail_signature_prefix\">-- "
	    "</span><br><div class=\"gmail_signature\">Khalid</div>",
	    "Please quote.\n--\nKhalid" },
	{ "Outlook on the web's",
	    "<div>Please quote.</div><div id=\"Signature\"><p>Ana Souza</p>"
	    "</div>",
	    "Please quote.\n\n--\nAna Souza" },
	{ "an empty block leaves nothing",
	    "<div>Please quote.</div><div class=\"gmail_signature\"></div>",
	    "Please quote." },
};

static void
test_signature_block(void **state)
{
	static const char page[] =
	    "<p>About us</p><div class=\"gmail_signature\">x</div>";
	struct buf out = BUF_INIT(BUF_CAP_TEXT);

	(void)state;
	assert_int_equal(check_cases(sig_cases, ARRAY_SIZE(sig_cases),
	    HTML_MAIL), 0);
	/* not in a web page's text */
	assert_int_equal(html_to_text(page, sizeof(page) - 1, 0, &out), 0);
	assert_string_equal(out.data, "About us\n\nx");
	buf_release(&out);
}

static void
test_links(void **state)
{
	static const char page[] = "<a href=\"https://x.example/\">home</a>";
	struct buf out = BUF_INIT(BUF_CAP_TEXT);

	(void)state;
	assert_int_equal(check_cases(link_cases, ARRAY_SIZE(link_cases),
	    HTML_MAIL), 0);
	/* a web page's text (enrichment): no targets */
	assert_int_equal(html_to_text(page, sizeof(page) - 1, 0, &out), 0);
	assert_string_equal(out.data, "home");
	buf_release(&out);
}

/* A NUL byte is dropped, not the end of the page. */
static void
test_nul(void **state)
{
	static const char page[] = "<p>a\0b</p><p>c</p>";
	struct buf out = BUF_INIT(BUF_CAP_TEXT);

	(void)state;
	assert_int_equal(html_to_text(page, sizeof(page) - 1, 0, &out), 0);
	assert_string_equal(out.data, "ab\n\nc");
	buf_release(&out);
}

/* Controls libxml2 drops read as blanks: a form feed is one in HTML. */
static void
test_controls(void **state)
{
	static const char page[] = "<p>Hello\fworld, price\vlist</p>"
	    "<p>a\x01" "b\x1f" "\xe4\xbd\xa0</p>";
	struct buf out = BUF_INIT(BUF_CAP_TEXT);

	(void)state;
	assert_int_equal(html_to_text(page, sizeof(page) - 1, 0, &out), 0);
	assert_string_equal(out.data, "Hello world, price list\n\na b 你");
	buf_release(&out);
}

static void
test_cap(void **state)
{
	struct buf out = BUF_INIT(5);

	(void)state;
	assert_int_equal(html_to_text("<p>ab你好</p>", 14, 0, &out), -1);
	assert_string_equal(out.data, "ab你");
	buf_release(&out);
}

static void
test_meta(void **state)
{
	static const char page[] =
	    "<!doctype html><html lang=\"en-US\"><head>"
	    "<meta http-equiv=\"Content-Type\" content=\"text/html; "
	    "charset=GBK\">"
	    "<title>\n  ACME Trading &amp; Co. -\n Speakers </title>"
	    "<meta name=\"description\" content=\"We import  audio "
	    "products.\">"
	    "<meta name=\"Keywords\" content=\"speakers, headphones\">"
	    "<meta property=\"og:site_name\" content=\"ACME\">"
	    "<meta property=\"og:title\" content=\"ACME home\">"
	    "<meta property=\"og:description\" content=\"Audio importer\">"
	    "</head><body><title>not this</title></body></html>";
	struct html_meta m;

	(void)state;
	html_meta(page, strlen(page), &m);
	assert_string_equal(m.title, "ACME Trading & Co. - Speakers");
	assert_string_equal(m.description, "We import audio products.");
	assert_string_equal(m.keywords, "speakers, headphones");
	assert_string_equal(m.site_name, "ACME");
	assert_string_equal(m.og_title, "ACME home");
	assert_string_equal(m.og_description, "Audio importer");
	assert_string_equal(m.lang, "en-US");
	assert_string_equal(m.charset, "gbk");
	html_meta_release(&m);

	html_meta("<p>nothing</p>", 14, &m);
	assert_null(m.title);
	assert_null(m.description);
	assert_null(m.lang);
	html_meta_release(&m);
}

static void
test_sniff(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "<meta charset=\"Big5\">", "big5" },
		{ "<META HTTP-EQUIV=Content-Type CONTENT='text/html; "
		    "charset=iso-8859-1'>", "iso-8859-1" },
		{ "<html><head><meta name=x content=y><meta charset=utf-8>",
		    "utf-8" },
		{ "text/html; charset = \"shift_jis\"", "shift_jis" },
		{ "<p>charset=utf-8 in the body text</p><meta name=a>", NULL },
		{ "<meta charset=>", NULL },
		{ "", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = html_sniff_charset(cases[i].in,
		    strlen(cases[i].in));

		if (!cases[i].want)
			assert_null(got);
		else if (!got || strcmp(got, cases[i].want))
			fail_msg("case %zu: got %s", i, got ? got : "NULL");
		free(got);
	}
}

/* Deep nesting and many unclosed elements: bounded, no crash. */
static void
test_hostile(void **state)
{
	static const char *units[] = { "<div>", "<b>", "<table><tr><td>",
	    "<ul><li>", "<a href=x>", "<p><i>", "<select><option>" };
	struct buf in = BUF_INIT(BUF_CAP_TEXT);
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		struct buf out = BUF_INIT(BUF_CAP_TEXT);
		uint64_t t0 = now_ms();

		buf_reset(&in);
		for (j = 0; j < 20000; j++) {
			buf_addstr(&in, units[i]);
			buf_addstr(&in, "x ");
		}
		html_to_text(in.data, in.len, 0, &out);
		if (getenv("INQUIRYD_TIMING"))
			print_message("%s %llu ms\n", units[i],
			    (unsigned long long)(now_ms() - t0));
		assert_true(out.len > 0);
		if (now_ms() - t0 > 20000)
			fail_msg("'%s' x 20000 took %llu ms", units[i],
			    (unsigned long long)(now_ms() - t0));
		buf_release(&out);
	}
	/* Just under the depth the parser is trusted with, then many tags. */
	{
		struct buf out = BUF_INIT(BUF_CAP_TEXT);
		uint64_t t0 = now_ms();

		buf_reset(&in);
		for (j = 0; j < 390; j++)
			buf_addstr(&in, "<div>");
		while (in.len < HTML_MAX_INPUT)
			buf_addstr(&in, "<span>x</span><b>y</b>");
		html_to_text(in.data, in.len, 0, &out);
		if (getenv("INQUIRYD_TIMING"))
			print_message("deep + wide %llu ms\n",
			    (unsigned long long)(now_ms() - t0));
		assert_true(out.len > 0);
		buf_release(&out);
	}
	buf_release(&in);
}

/*
 * html_first_dropped (eight bytes a step) against a byte at a time, on
 * random text with line ends, tabs and now and then another control.
 */
static void
test_first_dropped(void **state)
{
	unsigned char s[100];
	size_t n, i, want;
	unsigned seed = 99;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		unit_rand(&seed);
		n = (seed >> 8) % sizeof(s);
		for (i = 0; i < n; i++) {
			unit_rand(&seed);
			switch ((seed >> 16) % 40) {
			case 0:
				s[i] = (unsigned char)((seed >> 24) % 0x20);
				break;
			case 1: case 2:
				s[i] = "\n\t\r"[(seed >> 24) % 3];
				break;
			default:
				s[i] = (unsigned char)(0x20 + (seed >> 24) %
				    0xe0);
			}
		}
		for (want = 0; want < n && (s[want] >= 0x20 ||
		    s[want] == '\t' || s[want] == '\n' || s[want] == '\r');
		    want++)
			;
		assert_int_equal(html_first_dropped(s, n), want);
	}
}

/*
 * The parser context kept from page to page reads each page as a new
 * one would: random tag soup (unclosed scripts, comments, quotes, deep
 * nesting, stray end tags) gives the same text and page facts in a run
 * as with a fresh context for each page.
 */
static void
test_kept_context(void **state)
{
	static const char *const bits[] = { "<p>", "</p>", "<div>", "</div>",
	    "<table><tr><td>", "</td><td>", "</table>", "<ul><li>", "<ol><li>",
	    "</li>", "<pre>", "</pre>", "<script>", "</script>", "<style>",
	    "<!--", "-->", "<![CDATA[", "]]>", "<?xml x?>", "<!DOCTYPE html>",
	    "<a href=\"mailto:a@b.example\">", "</a>", "<a href='x", "\"",
	    "<br>", "<title>", "</title>", "<meta name=description content=",
	    "<textarea>", "</textarea>", "<b>", "</i>", "&amp;", "&#x41;",
	    "&nbsp", "&", "<", ">", " ", "\n", "word", "Hello world",
	    "\xc2\xa0", "\xe4\xbd\xa0\xe5\xa5\xbd", "<html>", "</body>",
	    "<head>", "<x-y z=1>", "</x-y>", "<span hidden>", "<frameset>",
	    "<select><option>", "<svg><text>", "</svg>", "<noscript>" };
	enum { PAGES = 300 };
	struct buf page[PAGES], fresh[PAGES], out = BUF_INIT(BUF_CAP_TEXT);
	struct html_meta m;
	unsigned seed = 777;
	size_t i, k, n;
	int pass;

	(void)state;
	for (i = 0; i < PAGES; i++) {
		buf_init(&page[i], BUF_CAP_HUGE);
		buf_init(&fresh[i], BUF_CAP_TEXT);
		n = i % 80;
		for (k = 0; k < n; k++) {
			unit_rand(&seed);
			buf_addstr(&page[i], bits[(seed >> 16) %
			    ARRAY_SIZE(bits)]);
		}
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < PAGES; i++) {
			if (!pass)
				html_ctxt_drop();
			buf_reset(&out);
			html_to_text(page[i].data, page[i].len, HTML_MAIL,
			    &out);
			html_meta(page[i].data, page[i].len, &m);
			buf_addstr(&out, "\n--\n");
			buf_addstr(&out, m.title ? m.title : "-");
			buf_addstr(&out, m.description ? m.description : "-");
			html_meta_release(&m);
			if (!pass)
				buf_add(&fresh[i], out.data, out.len);
			else
				assert_string_equal(out.data, fresh[i].data);
		}
	}
	html_ctxt_drop();
	for (i = 0; i < PAGES; i++) {
		buf_release(&page[i]);
		buf_release(&fresh[i]);
	}
	buf_release(&out);
}

/* The nesting depth byte by byte, as html.c's full scan reads it. */
static size_t
ref_depth(const char *s, size_t len)
{
	static const char *const flat[] = { "br", "img", "hr", "meta",
	    "link", "input", "wbr", "area", "base", "col", "embed", "source",
	    "track", "param", "keygen", "p", "li", "option", "td", "th", "tr",
	    "dt", "dd", "!doctype" };
	size_t i = 0, k, name, n, depth = 0, max = 0;
	int closing, isflat;

	while (i < len) {
		if (s[i++] != '<')
			continue;
		closing = i < len && s[i] == '/';
		if (closing)
			i++;
		name = i;
		while (i < len && (isalnum((unsigned char)s[i]) ||
		    s[i] == '!'))
			i++;
		n = i - name;
		isflat = 0;
		for (k = 0; k < ARRAY_SIZE(flat); k++)
			if (strlen(flat[k]) == n &&
			    !strncasecmp(s + name, flat[k], n))
				isflat = 1;
		if (!n || isflat)
			continue;
		if (closing) {
			if (depth)
				depth--;
			continue;
		}
		while (i < len && s[i] != '>' && s[i] != '<')
			i++;
		if (i < len && s[i] == '>' && s[i - 1] == '/')
			continue;
		if (++depth > max)
			max = depth;
	}
	return max;
}

/*
 * Random tag soup of about 400 tags, deep or not: the estimate says
 * "past 400" exactly when the full scan does, and is never below it.
 */
static void
test_depth_estimate(void **state)
{
	static const char *const bits[] = { "<div>", "</div>", "<DIV x=1>",
	    "<br>", "<P>", "<td>", "<x/>", "<a href=x/>", "<span", "</",
	    "<", ">", "word", "<!-- c -->", "<!DOCTYPE html>", "</span>",
	    "<b><i>", "<ul><li>" };
	struct buf page = BUF_INIT(BUF_CAP_HUGE);
	unsigned seed = 400;
	size_t round, k, n, est, ref;
	int deep = 0;

	(void)state;
	for (round = 0; round < 300; round++) {
		buf_reset(&page);
		n = 300 + round * 3;
		for (k = 0; k < n; k++) {
			unit_rand(&seed);
			/* odd rounds open more than they close */
			buf_addstr(&page, round % 2 && (seed >> 12) % 3 ?
			    "<div>" : bits[(seed >> 16) % ARRAY_SIZE(bits)]);
		}
		est = html_depth_estimate(page.data, page.len);
		ref = ref_depth(page.data, page.len);
		assert_int_equal(est > 400, ref > 400);
		assert_true(est >= MIN(ref, 401));
		deep += ref > 400;
	}
	assert_true(deep > 50 && deep < 250);
	buf_release(&page);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_text),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_signature_block),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_first_dropped),
		cmocka_unit_test(test_kept_context),
		cmocka_unit_test(test_depth_estimate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
