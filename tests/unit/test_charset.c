/*
 * test_charset.c - every charset of issue 4 to UTF-8, wrong and missing
 * labels, byte-order marks, lossy input, caps.
 *
 * The byte strings were made with Python's codecs from the text beside
 * them (tests' own data, regenerate with any encoder).
 */
#include <iconv.h>

#include "unit.h"

#include "buf.h"
#include "charset.h"

struct conv_case {
	const char *name;
	const char *label;
	const char *bytes;
	size_t len;
	const char *want;	/* UTF-8 */
	const char *used;
	int guessed;
};

static const struct conv_case conv_cases[] = {
	{ "gb2312", "gb2312",
	    "\xc4\xfa\xba\xc3\xa3\xac\xce\xd2\xc3\xc7\xb6\xd4\xb9\xf3\xb9\xab\xcb\xbe\xb5\xc4\xc0\xb6\xd1\xc0\xd2\xf4\xcf\xe4\xba\xdc\xb8\xd0\xd0\xcb\xc8\xa4\xa3\xac\xc7\xeb\xb1\xa8\xbc\xdb\xa1\xa3\xd6\xec\xe9\x46\xbb\xf9", 52,
	    "您好，我们对贵公司的蓝牙音箱很感兴趣，请报价。朱镕基", "gb18030", 0 },
	{ "gbk-unlabelled", NULL,
	    "\xc4\xfa\xba\xc3\xa3\xac\xce\xd2\xc3\xc7\xb6\xd4\xb9\xf3\xb9\xab\xcb\xbe\xb5\xc4\xc0\xb6\xd1\xc0\xd2\xf4\xcf\xe4\xba\xdc\xb8\xd0\xd0\xcb\xc8\xa4\xa3\xac\xc7\xeb\xb1\xa8\xbc\xdb\xa1\xa3\xce\xd2\xc3\xc7\xd0\xe8\xd2\xaa\xce\xe5\xb0\xd9\xb8\xf6\xa3\xac\xb4\xf8\xb1\xea\xd6\xbe\xa3\xac\xc7\xeb\xb8\xe6\xcb\xdf\xce\xd2\xc3\xc7\xbc\xdb\xb8\xf1\xba\xcd\xbd\xbb\xbb\xf5\xca\xb1\xbc\xe4\xa1\xa3", 96,
	    "您好，我们对贵公司的蓝牙音箱很感兴趣，请报价。我们需要五百个，带标志，请告诉我们价格和交货时间。", "gb18030", 1 },
	{ "gbk-as-latin1", "iso-8859-1",
	    "\xc4\xfa\xba\xc3\xa3\xac\xce\xd2\xc3\xc7\xb6\xd4\xb9\xf3\xb9\xab\xcb\xbe\xb5\xc4\xc0\xb6\xd1\xc0\xd2\xf4\xcf\xe4\xba\xdc\xb8\xd0\xd0\xcb\xc8\xa4\xa3\xac\xc7\xeb\xb1\xa8\xbc\xdb\xa1\xa3\xce\xd2\xc3\xc7\xd0\xe8\xd2\xaa\xce\xe5\xb0\xd9\xb8\xf6\xa3\xac\xb4\xf8\xb1\xea\xd6\xbe\xa3\xac\xc7\xeb\xb8\xe6\xcb\xdf\xce\xd2\xc3\xc7\xbc\xdb\xb8\xf1\xba\xcd\xbd\xbb\xbb\xf5\xca\xb1\xbc\xe4\xa1\xa3", 96,
	    "您好，我们对贵公司的蓝牙音箱很感兴趣，请报价。我们需要五百个，带标志，请告诉我们价格和交货时间。", "gb18030", 1 },
	{ "big5-hkscs", "big5",
	    "\xb1\x7a\xa6\x6e\xa1\x41\xa7\xda\xad\xcc\xb9\xef\xb6\x51\xa4\xbd\xa5\x71\xaa\xba\xb2\xa3\xab\x7e\xab\xdc\xb7\x50\xbf\xb3\xbd\xec\xa1\x41\xbd\xd0\xb3\xf8\xbb\xf9\xa1\x43\x9d\xee", 44,
	    "您好，我們對貴公司的產品很感興趣，請報價。㗎", "big5-hkscs", 0 },
	{ "big5-as-utf-8", "utf-8",
	    "\xb1\x7a\xa6\x6e\xa1\x41\xa7\xda\xad\xcc\xb9\xef\xb6\x51\xa4\xbd\xa5\x71\xaa\xba\xb2\xa3\xab\x7e\xab\xdc\xb7\x50\xbf\xb3\xbd\xec\xa1\x41\xbd\xd0\xb3\xf8\xbb\xf9\xa1\x43\xa7\xda\xad\xcc\xbb\xdd\xad\x6e\xa4\xad\xa6\xca\xad\xd3\xa1\x41\xbd\xd0\xa7\x69\xb6\x44\xa7\xda\xad\xcc\xbb\xf9\xae\xe6\xa9\x4d\xa5\xe6\xb3\x66\xae\xc9\xb6\xa1\xa1\x43\xc1\xc2\xc1\xc2\xa1\x43", 90,
	    "您好，我們對貴公司的產品很感興趣，請報價。我們需要五百個，請告訴我們價格和交貨時間。謝謝。", "big5-hkscs", 1 },
	{ "shift_jis-cp932", "shift_jis",
	    "\x82\xa8\x90\xa2\x98\x62\x82\xc9\x82\xc8\x82\xc1\x82\xc4\x82\xa8\x82\xe8\x82\xdc\x82\xb7\x81\x42\x8c\xa9\x90\xcf\x82\xe0\x82\xe8\x82\xf0\x82\xa8\x8a\xe8\x82\xa2\x82\xb5\x82\xdc\x82\xb7\x81\x42\x87\x40", 50,
	    "お世話になっております。見積もりをお願いします。①", "cp932", 0 },
	{ "euc-jp", "euc-jp",
	    "\xa4\xaa\xc0\xa4\xcf\xc3\xa4\xcb\xa4\xca\xa4\xc3\xa4\xc6\xa4\xaa\xa4\xea\xa4\xde\xa4\xb9\xa1\xa3\xb8\xab\xc0\xd1\xa4\xe2\xa4\xea\xa4\xf2\xa4\xaa\xb4\xea\xa4\xa4\xa4\xb7\xa4\xde\xa4\xb9\xa1\xa3", 48,
	    "お世話になっております。見積もりをお願いします。", "euc-jp", 0 },
	{ "iso-2022-jp", "iso-2022-jp",
	    "\x1b\x24\x42\x24\x2a\x40\x24\x4f\x43\x24\x4b\x24\x4a\x24\x43\x24\x46\x24\x2a\x24\x6a\x24\x5e\x24\x39\x21\x23\x38\x2b\x40\x51\x24\x62\x24\x6a\x24\x72\x24\x2a\x34\x6a\x24\x24\x24\x37\x24\x5e\x24\x39\x21\x23\x1b\x28\x42", 54,
	    "お世話になっております。見積もりをお願いします。", "iso-2022-jp-2", 0 },
	{ "iso-2022-jp-unlabelled", NULL,
	    "\x1b\x24\x42\x24\x2a\x40\x24\x4f\x43\x24\x4b\x24\x4a\x24\x43\x24\x46\x24\x2a\x24\x6a\x24\x5e\x24\x39\x21\x23\x38\x2b\x40\x51\x24\x62\x24\x6a\x24\x72\x24\x2a\x34\x6a\x24\x24\x24\x37\x24\x5e\x24\x39\x21\x23\x1b\x28\x42", 54,
	    "お世話になっております。見積もりをお願いします。", "iso-2022-jp-2", 1 },
	{ "euc-kr-cp949", "euc-kr",
	    "\xbe\xc8\xb3\xe7\xc7\xcf\xbc\xbc\xbf\xe4\x2e\x20\xb0\xdf\xc0\xfb\xc0\xbb\x20\xba\xce\xc5\xb9\xb5\xe5\xb8\xb3\xb4\xcf\xb4\xd9\x2e\x20\x8c\x63\xb9\xe6\xb0\xa2\xc7\xcf", 41,
	    "안녕하세요. 견적을 부탁드립니다. 똠방각하", "cp949", 0 },
	{ "koi8-r", "koi8-r",
	    "\xfa\xc4\xd2\xc1\xd7\xd3\xd4\xd7\xd5\xca\xd4\xc5\x2c\x20\xd0\xd2\xcf\xd3\xc9\xcd\x20\xd7\xd9\xd3\xcc\xc1\xd4\xd8\x20\xd0\xd2\xc1\xca\xd3\x2d\xcc\xc9\xd3\xd4\x2e", 40,
	    "Здравствуйте, просим выслать прайс-лист.", "koi8-r", 0 },
	{ "koi8-u", "koi8-u",
	    "\xe4\xcf\xc2\xd2\xcf\xc7\xcf\x20\xc4\xce\xd1\x2c\x20\xad\xd5\xc4\xda\xc9\xcb\x20\xa6\x20\xa7\xd6\xc1\xcb\x2e", 27,
	    "Доброго дня, ґудзик і їжак.", "koi8-u", 0 },
	{ "windows-1250", "windows-1250",
	    "\x44\x7a\x69\x65\xf1\x20\x64\x6f\x62\x72\x79\x2c\x20\x70\x72\x6f\x73\x7a\xea\x20\x6f\x20\x6f\x66\x65\x72\x74\xea\x20\x96\x20\xbf\xf3\xb3\xe6\x2e", 36,
	    "Dzień dobry, proszę o ofertę – żółć.", "cp1250", 0 },
	{ "windows-1251", "windows-1251",
	    "\xc7\xe4\xf0\xe0\xe2\xf1\xf2\xe2\xf3\xe9\xf2\xe5\x2c\x20\xef\xf0\xee\xf1\xe8\xec\x20\xe2\xfb\xf1\xeb\xe0\xf2\xfc\x20\xef\xf0\xe0\xe9\xf1\x2d\xeb\xe8\xf1\xf2\x2e", 40,
	    "Здравствуйте, просим выслать прайс-лист.", "cp1251", 0 },
	{ "windows-1252", "windows-1252",
	    "\x43\x61\x66\xe9\x20\x66\x6f\x72\x20\x80\x35\x20\x96\x20\x93\x71\x75\x6f\x74\x65\x73\x94\x20\x6e\x61\xef\x76\x65\x2e", 29,
	    "Café for €5 – “quotes” naïve.", "windows-1252", 0 },
	{ "windows-1253", "windows-1253",
	    "\xca\xe1\xeb\xe7\xec\xdd\xf1\xe1\x2c\x20\xf0\xe1\xf1\xe1\xea\xe1\xeb\xfe\x20\xf3\xf4\xe5\xdf\xeb\xf4\xe5\x20\xf4\xe9\xec\xdd\xf2\x2e", 33,
	    "Καλημέρα, παρακαλώ στείλτε τιμές.", "cp1253", 0 },
	{ "windows-1254", "windows-1254",
	    "\x4d\x65\x72\x68\x61\x62\x61\x2c\x20\x66\x69\x79\x61\x74\x20\x74\x65\x6b\x6c\x69\x66\x69\x20\x67\xf6\x6e\x64\x65\x72\x69\x72\x20\x6d\x69\x73\x69\x6e\x69\x7a\x3f\x20\xdd\xf0\x6e\x65", 45,
	    "Merhaba, fiyat teklifi gönderir misiniz? İğne", "cp1254", 0 },
	{ "windows-1255", "windows-1255",
	    "\xf9\xec\xe5\xed\x2c\x20\xf0\xe0\x20\xec\xf9\xec\xe5\xe7\x20\xe4\xf6\xf2\xfa\x20\xee\xe7\xe9\xf8\x2e", 25,
	    "שלום, נא לשלוח הצעת מחיר.", "cp1255", 0 },
	{ "windows-1256", "windows-1256",
	    "\xe3\xd1\xcd\xc8\xc7\xa1\x20\xed\xd1\xcc\xec\x20\xc5\xd1\xd3\xc7\xe1\x20\xda\xd1\xd6\x20\xd3\xda\xd1\x2e", 26,
	    "مرحبا، يرجى إرسال عرض سعر.", "cp1256", 0 },
	{ "windows-1257", "windows-1257",
	    "\x4c\x61\x62\x64\x69\x65\x6e\x2c\x20\x6c\xfb\x64\x7a\x75\x2c\x20\x61\x74\x73\xfb\x74\x69\x65\x74\x20\x63\x65\x6e\x75\x20\x70\x69\x65\x64\xe2\x76\xe2\x6a\x75\x6d\x75\x2e", 42,
	    "Labdien, lūdzu, atsūtiet cenu piedāvājumu.", "cp1257", 0 },
	{ "windows-1258", "windows-1258",
	    "\x58\x69\x6e\x20\x63\x68\xe0\x6f\x2e\x20\x47\x69\xe1\x3f", 14,
	    "Xin chào. Giá?", "cp1258", 0 },
	{ "iso-8859-1", "iso-8859-1",
	    "\x53\x65\xf1\x6f\x72\x2c\x20\xbf\x70\x6f\x64\x72\xed\x61\x20\x65\x6e\x76\x69\x61\x72\x6e\x6f\x73\x20\x75\x6e\x61\x20\x63\x6f\x74\x69\x7a\x61\x63\x69\xf3\x6e\x3f\x20\x47\x72\xfc\xdf\x65", 46,
	    "Señor, ¿podría enviarnos una cotización? Grüße", "windows-1252", 0 },
	{ "iso-8859-2", "iso-8859-2",
	    "\x44\x6f\x62\x72\xfd\x20\x64\x65\x6e\x2c\x20\x70\x72\x6f\x73\xed\x6d\x20\x6f\x20\x63\x65\x6e\x6f\x76\x6f\x75\x20\x6e\x61\x62\xed\x64\x6b\x75\x2e\x20\xaf\xf3\xb3\xe6", 41,
	    "Dobrý den, prosím o cenovou nabídku. Żółć", "iso-8859-2", 0 },
	{ "iso-8859-5", "iso-8859-5",
	    "\xb7\xd4\xe0\xd0\xd2\xe1\xe2\xd2\xe3\xd9\xe2\xd5\x2c\x20\xdf\xe0\xde\xe1\xd8\xdc\x20\xd2\xeb\xe1\xdb\xd0\xe2\xec\x20\xdf\xe0\xd0\xd9\xe1\x2d\xdb\xd8\xe1\xe2\x2e", 40,
	    "Здравствуйте, просим выслать прайс-лист.", "iso-8859-5", 0 },
	{ "iso-8859-7", "iso-8859-7",
	    "\xca\xe1\xeb\xe7\xec\xdd\xf1\xe1\x2c\x20\xf0\xe1\xf1\xe1\xea\xe1\xeb\xfe\x20\xf3\xf4\xe5\xdf\xeb\xf4\xe5\x20\xf4\xe9\xec\xdd\xf2\x2e", 33,
	    "Καλημέρα, παρακαλώ στείλτε τιμές.", "iso-8859-7", 0 },
	{ "iso-8859-15", "iso-8859-15",
	    "\x50\x72\x69\x78\x3a\x20\x35\x20\xa4\x20\xbd\x75\x76\x72\x65", 15,
	    "Prix: 5 € œuvre", "iso-8859-15", 0 },
	{ "utf-8-as-latin1", "iso-8859-1",
	    "\x44\x65\x61\x72\x20\x53\x69\x72\x2c\x20\x77\x65\x20\x6e\x65\x65\x64\x20\x35\x30\x30\x20\x70\x63\x73\x20\xe2\x80\x93\x20\xe2\x80\x9c\x75\x72\x67\x65\x6e\x74\xe2\x80\x9d\x20\xe2\x80\x93\x20\x47\x72\xc3\xbc\xc3\x9f\x65", 54,
	    "Dear Sir, we need 500 pcs – “urgent” – Grüße", "utf-8", 1 },
	{ "utf-8-unlabelled", NULL,
	    "\x47\x72\xc3\xbc\xc3\x9f\x65\x20\x61\x75\x73\x20\x4d\xc3\xbc\x6e\x63\x68\x65\x6e", 20,
	    "Grüße aus München", "utf-8", 1 },
	{ "utf-8-as-us-ascii", "us-ascii",
	    "\x6e\x61\xc3\xaf\x76\x65\x20\x63\x61\x66\xc3\xa9", 12,
	    "naïve café", "utf-8", 1 },
	{ "utf-16le-bom", "utf-16",
	    "\xff\xfe\x48\x00\x65\x00\x6c\x00\x6c\x00\x6f\x00\x20\x00\x60\x4f\x7d\x59", 18,
	    "Hello 你好", "utf-16le", 0 },
	{ "utf-16be-bom", "utf-16",
	    "\xfe\xff\x00\x48\x00\x65\x00\x6c\x00\x6c\x00\x6f\x00\x20\x4f\x60\x59\x7d", 18,
	    "Hello 你好", "utf-16be", 0 },
	{ "ascii", "us-ascii", "plain text", 10, "plain text", "us-ascii", 0 },
	{ "ascii-as-gbk", "gbk", "plain text", 10, "plain text", "us-ascii",
	    0 },
	{ "ascii-unlabelled", NULL, "plain text", 10, "plain text",
	    "us-ascii", 0 },
	{ "unknown-label-ascii", "x-unknown", "plain", 5, "plain", "us-ascii",
	    1 },
	{ "nul-bytes", "utf-8", "a\0b\0c", 5, "abc", "us-ascii", 0 },
	{ "utf-8-bom", "iso-8859-1", "\xef\xbb\xbfGr\xc3\xbc\xc3\x9f" "e", 10,
	    "Grüße", "utf-8", 0 },
	{ "utf-16le-no-bom", "utf-16", "H\0i\0", 4, "Hi", "utf-16le", 0 },
};

static void
test_convert(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(conv_cases); i++) {
		const struct conv_case *c = &conv_cases[i];
		struct buf out = BUF_INIT(BUF_CAP_TEXT);
		char *used = NULL;
		unsigned how;

		how = charset_to_utf8(c->label, c->bytes, c->len, &out, &used);
		if (strcmp(out.data, c->want) || strcmp(used, c->used) ||
		    !!(how & CHARSET_GUESSED) != c->guessed ||
		    (how & CHARSET_LOSSY))
			fail_msg("%s: got '%s' with %s (how %u), want '%s' "
			    "with %s%s", c->name, out.data, used, how, c->want,
			    c->used, c->guessed ? " (guessed)" : "");
		free(used);
		buf_release(&out);
	}
}

static void
test_lossy(void **state)
{
	static const struct {
		const char *label, *in;
		size_t len;
		const char *want;
		unsigned how;
	} cases[] = {
		/* Mostly UTF-8 with one stray byte: UTF-8 with U+FFFD. */
		{ "utf-8", "Gr\xc3\xbc\xc3\x9f" "e \xff ok", 12,
		    "Grüße \xef\xbf\xbd ok", CHARSET_LOSSY },
		/* Latin-1 labelled UTF-8: the bytes are not UTF-8 at all. */
		{ "utf-8", "Gr\xfc\xdf" "e aus M\xfcnchen", 17,
		    "Grüße aus München", CHARSET_GUESSED },
		/* GB18030 cut in the middle of a character. */
		{ "gbk", "\xc4\xfa\xba", 3, "您\xef\xbf\xbd", CHARSET_LOSSY },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf out = BUF_INIT(BUF_CAP_TEXT);
		unsigned how;

		how = charset_to_utf8(cases[i].label, cases[i].in,
		    cases[i].len, &out, NULL);
		if (strcmp(out.data, cases[i].want) || how != cases[i].how)
			fail_msg("case %zu: got '%s' (how %u), want '%s' "
			    "(how %u)", i, out.data, how, cases[i].want,
			    cases[i].how);
		assert_true(charset_utf8_valid(out.data, out.len));
		buf_release(&out);
	}
}

/* Random bytes under every label: always valid UTF-8, never a NUL. */
static void
test_garbage(void **state)
{
	static const char *labels[] = { NULL, "utf-8", "gbk", "big5",
	    "shift_jis", "euc-jp", "iso-2022-jp", "euc-kr", "koi8-r",
	    "utf-16", "utf-7", "windows-1252", "x-nonsense", "\"utf-8\"" };
	char in[512];
	size_t i, j, round;
	unsigned seed = 12345;

	(void)state;
	for (round = 0; round < 40; round++) {
		for (j = 0; j < sizeof(in); j++) {
			unit_rand(&seed);
			in[j] = (char)(seed >> 16);
		}
		for (i = 0; i < ARRAY_SIZE(labels); i++) {
			struct buf out = BUF_INIT(BUF_CAP_TEXT);
			char *used = NULL;

			charset_to_utf8(labels[i], in, sizeof(in) - round,
			    &out, &used);
			assert_true(charset_utf8_valid(out.data, out.len));
			assert_null(memchr(out.data, '\0', out.len));
			assert_non_null(used);
			free(used);
			buf_release(&out);
		}
	}
}

/*
 * WINDOWS-1252 without iconv against glibc's iconv: every byte, then
 * random texts (ASCII, high bytes, NULs) under random caps: the same
 * UTF-8, cut at the same character, without NUL bytes.
 */
static void
test_cp1252(void **state)
{
	iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
	unsigned char in[9000];		/* past the 4 KB chunks */
	char ref[3 * 9000], *ip, *op;
	size_t n, i, il, ol, rn, room, j;
	unsigned seed = 1252;
	int round, rc;

	(void)state;
	assert_true(cd != (iconv_t)-1);
	for (round = 0; round < 256 + 5000; round++) {
		if (round < 256) {
			in[0] = (unsigned char)round;
			n = 1;
		} else {
			/* Long texts now and then; long ASCII runs in odd
			 * rounds. */
			unit_rand(&seed);
			n = (seed >> 8) % (round % 10 < 2 ? sizeof(in) : 300);
			for (i = 0; i < n; i++) {
				unit_rand(&seed);
				in[i] = (unsigned char)((seed >> 16) %
				    (round % 2 ? 40 : 3) ?
				    0x20 + (seed >> 20) % 0x5f : (seed >> 24) %
				    0x100);
			}
		}
		ip = (char *)in;
		il = n;
		op = ref;
		ol = sizeof(ref);
		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			/* a byte iconv has no character for */
			assert_true(charset_cp1252_holes(in, n));
			continue;
		}
		assert_false(charset_cp1252_holes(in, n));
		rn = (size_t)(op - ref);
		unit_rand(&seed);
		room = round < 256 || (seed >> 8) % 2 ? sizeof(ref) :
		    (seed >> 12) % (rn + 1);
		{
			struct buf out = BUF_INIT(room);

			rc = charset_from_cp1252(in, n, &out);
			/* the reference cut: whole characters, then NULs */
			if (rn > room) {
				while (room > 0 &&
				    ((unsigned char)ref[room] & 0xc0) == 0x80)
					room--;
				rn = room;
			}
			for (i = j = 0; i < rn; i++)
				if (ref[i])
					ref[j++] = ref[i];
			assert_int_equal(rc, rn < (size_t)(op - ref) ? -1 : 0);
			assert_int_equal(out.len, j);
			assert_memory_equal(out.data, ref, j);
			buf_release(&out);
		}
	}
	iconv_close(cd);
}

static void
test_cap(void **state)
{
	struct buf out = BUF_INIT(7);
	const char *in = "\xc4\xfa\xba\xc3\xa3\xac\xce\xd2";	/* 您好，我 */
	unsigned how;

	(void)state;
	how = charset_to_utf8("gbk", in, strlen(in), &out, NULL);
	assert_true(how & CHARSET_TRUNCATED);
	assert_string_equal(out.data, "您好");
	buf_release(&out);
}

static void
test_canonical(void **state)
{
	static const char *map[][2] = {
		{ "GB2312", "GB18030" }, { " \"gbk\" ", "GB18030" },
		{ "x-gbk", "GB18030" }, { "Big5", "BIG5-HKSCS" },
		{ "Shift_JIS", "CP932" }, { "ks_c_5601-1987", "CP949" },
		{ "ISO_8859-2:1987", "ISO-8859-2" }, { "latin1", "WINDOWS-1252" },
		{ "iso-8859-15", "ISO-8859-15" }, { "utf8", "UTF-8" },
		{ "", NULL }, { NULL, NULL }, { "x-nonsense", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(map); i++) {
		const char *got = charset_canonical(map[i][0]);

		if (!map[i][1])
			assert_null(got);
		else if (!got || strcmp(got, map[i][1]))
			fail_msg("'%s': got %s, want %s", map[i][0],
			    got ? got : "NULL", map[i][1]);
	}
}

static void
test_sanitize(void **state)
{
	struct buf out = BUF_INIT(BUF_CAP_TEXT);

	(void)state;
	/* Overlong, surrogate, stray continuation, NUL, truncated. */
	assert_int_equal(charset_utf8_sanitize("a\xc0\xaf" "b\xed\xa0\x80"
	    "c\x80" "d\0e\xe4\xbd", 14, &out), 5);
	assert_true(charset_utf8_valid(out.data, out.len));
	assert_null(strchr(out.data, 'x'));
	assert_false(charset_utf8_valid("\xc0\xaf", 2));
	assert_true(charset_utf8_valid("\xf0\x9f\x98\x80", 4));
	buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_convert),
		cmocka_unit_test(test_lossy),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_cp1252),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_sanitize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
