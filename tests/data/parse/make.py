#!/usr/bin/python3
"""make.py - writes the parse fixtures: NAME.eml (the bytes a mail client
would send, made here because many are in legacy charsets) and
NAME.expect (what parse_message must find; keys in tests/unit/test_parse.c).

Run it from anywhere after editing; commit both files of each pair.
"""
import base64
import os
import quopri

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = {}


def fixture(name, eml, expect):
    if isinstance(eml, str):
        eml = eml.encode("utf-8")
    FIX[name] = (eml, expect)


def crlf(b):
    return b.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def ew(text, cs, enc="B"):
    raw = text.encode(cs)
    if enc == "B":
        return "=?%s?B?%s?=" % (cs, base64.b64encode(raw).decode())
    q = "".join(chr(c) if (48 <= c < 127 and c not in (61, 63, 95)) or
                65 <= c <= 90 else "=%02X" % c for c in raw)
    return "=?%s?Q?%s?=" % (cs, q.replace("=20", "_"))


HDR = ("From: {frm}\nTo: Sales <sales@exporter.example>\nSubject: {subj}\n"
       "Date: Tue, 15 Mar 2025 09:15:00 +0800\n"
       "Message-ID: <{name}@mail.example>\nMIME-Version: 1.0\n")


def simple(name, text, cs, label, cte="8bit", subj="Inquiry",
           frm="Buyer <buyer@example.com>", extra=""):
    raw = text.encode(cs)
    if cte == "base64":
        body = b64(raw).encode()
    elif cte == "quoted-printable":
        body = quopri.encodestring(raw)
    else:
        body = raw
    ct = "text/plain" + ("; charset=\"%s\"" % label if label else "")
    head = HDR.format(frm=frm, subj=subj, name=name) + extra + \
        "Content-Type: %s\nContent-Transfer-Encoding: %s\n\n" % (ct, cte)
    return crlf(head.encode() + body + b"\n")



def html_mail(name, frm, subj, html, expect, extra=""):
    """An HTML-only message in UTF-8, named name (its Message-ID too)."""
    e = (HDR.format(frm=frm, subj=subj, name=name) + extra
         + "Content-Type: text/html; charset=utf-8\n\n" + html + "\n")
    fixture(name, crlf(e.encode()), expect)

# ---- Charsets: each of issue 4, declared, and missing or wrong --------------

CHARSETS = [
    # name, python codec, label, text, charset_used
    ("cs-gb2312", "gbk", "gb2312",
     "您好！我们对贵公司的蓝牙音箱很感兴趣，需要五百个，请报价。朱镕基", "gb18030"),
    ("cs-gbk", "gbk", "GBK", "请问最小起订量是多少？交货期多久？", "gb18030"),
    ("cs-gb18030", "gb18030", "gb18030", "价格：每个 5 美元 ㈠ 𠀀", "gb18030"),
    ("cs-big5-hkscs", "big5hkscs", "big5",
     "您好，我們對貴公司的產品很感興趣，請報價。㗎", "big5-hkscs"),
    ("cs-shift_jis", "cp932", "Shift_JIS",
     "お世話になっております。見積もりをお願いします。①②", "cp932"),
    ("cs-euc-jp", "euc_jp", "EUC-JP",
     "お世話になっております。見積もりをお願いします。", "euc-jp"),
    ("cs-iso-2022-jp", "iso2022_jp", "ISO-2022-JP",
     "お世話になっております。見積もりをお願いします。", "iso-2022-jp-2"),
    ("cs-euc-kr", "cp949", "euc-kr", "안녕하세요. 견적을 부탁드립니다. 똠", "cp949"),
    ("cs-koi8-r", "koi8_r", "koi8-r",
     "Здравствуйте! Просим выслать прайс-лист.", "koi8-r"),
    ("cs-koi8-u", "koi8_u", "KOI8-U", "Доброго дня! Ґудзики, їжак, і все.",
     "koi8-u"),
    ("cs-windows-1250", "cp1250", "windows-1250",
     "Dzień dobry, proszę o ofertę na żółte kubki.", "cp1250"),
    ("cs-windows-1251", "cp1251", "windows-1251",
     "Здравствуйте, просим выслать прайс-лист.", "cp1251"),
    ("cs-windows-1252", "cp1252", "windows-1252",
     "Prices in € please – “FOB” Shenzhen.", "windows-1252"),
    ("cs-windows-1253", "cp1253", "windows-1253",
     "Καλημέρα, παρακαλώ στείλτε τιμές.", "cp1253"),
    ("cs-windows-1254", "cp1254", "windows-1254",
     "Merhaba, fiyat teklifi gönderir misiniz? İğne", "cp1254"),
    ("cs-windows-1255", "cp1255", "windows-1255", "שלום, נא לשלוח הצעת מחיר.",
     "cp1255"),
    ("cs-windows-1256", "cp1256", "windows-1256", "مرحبا، يرجى إرسال عرض سعر.",
     "cp1256"),
    ("cs-windows-1257", "cp1257", "windows-1257",
     "Labdien, lūdzu, atsūtiet cenu piedāvājumu.", "cp1257"),
    ("cs-windows-1258", "cp1258", "windows-1258", "Xin chào. Giá?", "cp1258"),
    ("cs-iso-8859-1", "latin1", "iso-8859-1",
     "Señor, ¿podría enviarnos una cotización? Grüße", "windows-1252"),
    ("cs-iso-8859-2", "iso8859_2", "iso-8859-2",
     "Dobrý den, prosím o cenovou nabídku. Żółć", "iso-8859-2"),
    ("cs-iso-8859-5", "iso8859_5", "iso-8859-5",
     "Здравствуйте, просим выслать прайс-лист.", "iso-8859-5"),
    ("cs-iso-8859-7", "iso8859_7", "iso-8859-7",
     "Καλημέρα, παρακαλώ στείλτε τιμές.", "iso-8859-7"),
    ("cs-iso-8859-15", "iso8859_15", "iso-8859-15", "Prix : 5 € l'œuvre",
     "iso-8859-15"),
]
for name, codec, label, text, used in CHARSETS:
    cte = "base64" if "2022" not in label else "7bit"
    fixture(name, simple(name, text, codec, label, cte=cte),
            {"text": text, "charset": label.lower(), "charset_used": used,
             "flags": "-"})

# UTF-16 with a byte-order mark (base64, as clients send it).
t = "Hello, 你好, we need 300 sets."
fixture("cs-utf-16-bom", simple("cs-utf-16-bom", t, "utf-16", "utf-16",
                                cte="base64"),
        {"text": t, "charset_used": "utf-16le", "flags": "-"})

# Missing label: GBK bytes, no charset at all.
t = ("您好，我们是一家贸易公司，想采购一批蓝牙音箱，数量大约五百个，"
     "请发送报价单和目录给我们。谢谢！")
fixture("cs-missing-label-gbk", simple("cs-missing-label-gbk", t, "gbk",
                                       None),
        {"text": t, "charset": "-", "charset_used": "gb18030",
         "flags": "CHARSET_GUESSED DEFECTS"})
# Wrong label: UTF-8 bytes labelled iso-8859-1.
t = "Dear Sir, we need 500 pcs – “urgent” – Grüße aus München"
fixture("cs-utf8-labelled-latin1", simple("cs-utf8-labelled-latin1", t,
                                          "utf-8", "iso-8859-1"),
        {"text": t, "charset": "iso-8859-1", "charset_used": "utf-8",
         "flags": "CHARSET_GUESSED DEFECTS"})
# Wrong label: Big5 bytes labelled utf-8.
t = "您好，我們需要五百個藍牙音箱，請告訴我們價格和交貨時間。謝謝。"
fixture("cs-big5-labelled-utf8", simple("cs-big5-labelled-utf8", t, "big5",
                                        "utf-8", cte="base64"),
        {"text": t, "charset_used": "big5-hkscs",
         "flags": "CHARSET_GUESSED DEFECTS"})
# Unknown label, ASCII text.
fixture("cs-unknown-label", simple("cs-unknown-label", "Plain words.", "ascii",
                                   "x-made-up"),
        {"text": "Plain words.", "charset_used": "us-ascii"})

# ---- Headers: RFC 2047, raw 8-bit, addresses, dates, ids ---------------------

subj = ew("询价：蓝牙音箱", "gb2312") + " " + ew("（500个）", "gb2312")
frm = '%s <wang@example.cn>' % ew("王小明", "gb2312")
fixture("hdr-rfc2047-gb2312", simple("hdr-rfc2047-gb2312", "Hi", "ascii",
                                     "us-ascii", subj=subj, frm=frm),
        {"subject": "询价：蓝牙音箱（500个）", "from": "王小明 <wang@example.cn>"})
# A character split between two encoded-words (a broken encoder).
raw = "見積もり依頼".encode("iso2022_jp")
half = len(raw) // 2
subj = "=?ISO-2022-JP?B?%s?= =?ISO-2022-JP?B?%s?=" % (
    base64.b64encode("見積".encode("iso2022_jp")).decode(),
    base64.b64encode("もり依頼".encode("iso2022_jp")).decode())
raw = "Größe".encode("utf-8")
split = "=?utf-8?B?%s?= =?utf-8?B?%s?=" % (base64.b64encode(raw[:3]).decode(),
                                          base64.b64encode(raw[3:]).decode())
fixture("hdr-rfc2047-mixed", simple(
    "hdr-rfc2047-mixed", "x", "ascii", "us-ascii",
    subj=subj + " " + split + " and =?iso-8859-1?q?caf=E9?= text",
    frm='"Müller, Hans" <Hans.Mueller@Example.DE>',
    extra="Reply-To: =?utf-8?q?Jos=C3=A9?= <jose@example.es>\n"
          "Cc: a@example.com, \"B, Bee\" <b@example.com>, undisclosed:;\n"),
    # RFC 2047 6.2: blanks between encoded-words go, whatever the charsets.
    {"subject": "見積もり依頼Größe and café text",
     "from": "Müller, Hans <Hans.Mueller@example.de>",
     "reply_to": "José <jose@example.es>",
     "cc": "<a@example.com>, B, Bee <b@example.com>"})
# Raw 8-bit GBK in the header, as some webmails send it.
e = (HDR.format(frm="客户 <kehu@example.cn>", subj="求购LED灯", name="hdr-raw8")
     + "Content-Type: text/plain; charset=gbk\n"
     "Content-Transfer-Encoding: 8bit\n\n请报价\n").encode("gbk")
fixture("hdr-raw-8bit-gbk", crlf(e),
        {"subject": "求购LED灯", "from": "客户 <kehu@example.cn>",
         "text": "请报价"})
# Broken addresses and dates libetpan refuses.
e = ("From: John Q. Public <JQP@Example.COM>\n"
     "To: sales@exporter.example (Sales Dept), Lee <lee@exporter.example\n"
     "Subject: dates\nDate: 15 Mar 25 09:15 GMT+8\n"
     "Message-ID: bare-id@mail.example\n"
     "In-Reply-To: <a@x> (comment)\n"
     "References: <r1@x>\n <r2@x> <r3@x>\n\nbody\n")
fixture("hdr-broken-addresses", crlf(e.encode()),
        {"from": "John Q. Public <JQP@example.com>",
         "to": "Sales Dept <sales@exporter.example>, "
               "Lee <lee@exporter.example>",
         "date": "1742001300", "message_id": "bare-id@mail.example",
         "in_reply_to": "a@x", "references": "r1@x r2@x r3@x"})
e = ("From: a@example.com\nSubject: x\nDate: Wed, 31 Feb 2025 25:61:00 +0000\n"
     "\nbody\n")
fixture("hdr-bad-date", crlf(e.encode()),
        {"date": "0", "flags": "DEFECTS"})
e = ("From: a@example.com\nSubject: iso\nDate: 2025-03-15T09:15:00+08:00\n"
     "\nbody\n")
fixture("hdr-iso-date", crlf(e.encode()), {"date": "1742001300"})
# Folded header, a field with a NUL and control characters, tabs.
e = (b"From: a@example.com\nSubject: a folded\n\tsubject with\x00 nul and"
     b"\x1b[31m escapes\nX-Custom : spaced name\n\nbody\x00 with nul\n")
fixture("hdr-folding-nul", crlf(e),
        {"subject": "a folded\tsubject with  nul and [31m escapes".replace(
            "\t", " ").replace("\x1b", " "),
         "header:X-Custom": "spaced name", "text": "body with nul"})

# ---- Attachments, RFC 2231 ------------------------------------------------------

pdf = b"%PDF-1.4 fake" * 10
e = (HDR.format(frm="a@example.com", subj="att", name="att")
     + 'Content-Type: multipart/mixed; boundary="b1"\n\n'
     "--b1\nContent-Type: text/plain; charset=utf-8\n\nSee attached.\n"
     "--b1\nContent-Type: application/pdf; name=\"spec.pdf\"\n"
     "Content-Disposition: attachment;\n"
     " filename*0*=UTF-8''%E8%A7%84%E6%A0%BC%E4%B9%A6;\n"
     " filename*1*=%20v2.pdf\n"
     "Content-Transfer-Encoding: base64\n\n" + b64(pdf) + "\n"
     "--b1\nContent-Type: image/png\n"
     "Content-Disposition: inline; filename=\"=?utf-8?B?"
     + base64.b64encode("产品图.png".encode()).decode() + "?=\"\n"
     "Content-Transfer-Encoding: base64\n\n" + b64(b"\x89PNG" + b"x" * 50)
     + "\n--b1\nContent-Type: application/vnd.ms-excel;"
     " name*=gb2312''%B1%A8%BC%DB.xls\n"
     "Content-Transfer-Encoding: base64\n\n" + b64(b"x" * 7) + "\n"
     "--b1\nContent-Type: text/plain; name=notes.txt\n"
     "Content-Disposition: attachment\n\nnotes\n--b1--\n")
fixture("att-rfc2231", crlf(e.encode()),
        {"text": "See attached.",
         "att": ["规格书 v2.pdf | application/pdf | %d" % len(pdf),
                 "产品图.png | image/png | 54",
                 "报价.xls | application/vnd.ms-excel | 7",
                 "notes.txt | text/plain | 5"]})

# ---- Body shapes ---------------------------------------------------------------

html = ("<html><head><style>td{padding:2px}</style></head><body>"
        "<p>Dear Sir,</p><p>Please quote for the following:</p>"
        "<table border=1><tr><th>Item</th><th>Spec</th><th>Qty</th></tr>"
        "<tr><td>Bluetooth speaker</td><td>5W, IPX5</td><td>500 pcs</td>"
        "</tr><tr><td>Gift box</td><td>with logo</td><td>500 pcs</td></tr>"
        "</table><p>Terms: FOB Shenzhen, T/T.</p><ul><li>Samples?</li>"
        "<li>Lead time?</li></ul><p>Best regards,<br>Tom</p>"
        "<script>track()</script></body></html>")
e = (HDR.format(frm="Tom <tom@example.com>", subj="RFQ", name="html")
     + "Content-Type: text/html; charset=utf-8\n"
     "Content-Transfer-Encoding: quoted-printable\n\n").encode() + \
    quopri.encodestring(html.encode())
fixture("body-html-only-table", crlf(e),
        {"text": "Dear Sir,\n\nPlease quote for the following:\n\n"
                 "Item | Spec | Qty\nBluetooth speaker | 5W, IPX5 | 500 pcs\n"
                 "Gift box | with logo | 500 pcs\n\n"
                 "Terms: FOB Shenzhen, T/T.\n\n- Samples?\n- Lead time?\n\n"
                 "Best regards,\nTom",
         "html": "yes", "flags": "HTML_ONLY"})
# HTML-only without a charset label: the <meta> says GBK.
html = "<html><head><meta charset=\"gbk\"></head><body><p>你好，请报价。</p>"
e = (HDR.format(frm="a@example.cn", subj="meta", name="meta")
     + "Content-Type: text/html\nContent-Transfer-Encoding: base64\n\n"
     + b64(html.encode("gbk")) + "\n")
fixture("body-html-meta-charset", crlf(e.encode()),
        {"text": "你好，请报价。", "charset": "gbk", "charset_used": "gb18030",
         "flags": "HTML_ONLY"})
# Outlook HTML with links: the targets of contact links, icons and "our
# website" follow their text as in a plain-text copy (Safe Links
# unwrapped), so that the signature stage finds the WhatsApp number and
# the website; the drawing's link keeps its text only.
html = ("<html><body><p class=MsoNormal>Hello,</p><p class=MsoNormal>Please "
        "quote 2,000 pcs as in the <a href=\"https://drive.example/d/1A\">"
        "drawing</a>.</p><p class=MsoNormal>Regards,<br>Ana Souza<br>"
        "Tel: <a href=\"tel:+554733334444\">+55 47 3333-4444</a><br>"
        "<a href=\"https://wa.me/5547999887766\"><img src=\"cid:i1\" "
        "alt=\"WhatsApp\"></a> <a href=\"https://www.linkedin.com/in/ana\">"
        "<img src=\"cid:i2\"></a><br><a href=\"mailto:ana@textil.example\">"
        "Email me</a> | <a href=\"https://nam12.safelinks.protection."
        "outlook.com/?url=https%3A%2F%2Fwww.textil.example%2F&amp;"
        "data=05%7C02\">Our website</a> | <a href=\"#top\">Top</a></p>"
        "</body></html>")
html_mail("body-html-links", "Ana Souza <ana@textil.example>", "RFQ", html,
        {"text": "Hello,\n\nPlease quote 2,000 pcs as in the drawing."
                 "\n\nRegards,\nAna Souza\n"
                 "Tel: +55 47 3333-4444\n<https://wa.me/5547999887766> "
                 "<https://www.linkedin.com/in/ana>\n"
                 "Email me <ana@textil.example> | Our website "
                 "<https://www.textil.example/> | Top",
         "html": "yes", "flags": "HTML_ONLY"})
# Gmail's signature block gets the delimiter a text/plain mail has, so
# that a two-line signature with no "Regards" above it is found.
html = ('<div dir="ltr"><div>Hello, please quote 500 pcs of DN50 ball valves, '
        'CIF Jebel Ali. Thanks</div><div><br></div><div><div dir="ltr" '
        'class="gmail_signature" data-smartmail="gmail_signature">Khalid<br>'
        'Gulf Star</div></div></div>')
html_mail("body-html-gmail-signature", "procurement@gulfstar.example",
          "RFQ valves", html,
          {"text": "Hello, please quote 500 pcs of DN50 ball valves, CIF "
                   "Jebel Ali. Thanks\n\n--\nKhalid\nGulf Star",
           "html": "yes", "flags": "HTML_ONLY"})
# multipart/alternative: plain preferred, HTML kept; related inside.
e = (HDR.format(frm="a@example.com", subj="alt", name="alt")
     + 'Content-Type: multipart/mixed; boundary="m"\n\n--m\n'
     'Content-Type: multipart/alternative; boundary="a"\n\n--a\n'
     "Content-Type: text/plain; charset=utf-8\n\nplain version\n--a\n"
     'Content-Type: multipart/related; boundary="r"\n\n--r\n'
     "Content-Type: text/html; charset=utf-8\n\n<p>html version</p>\n--r\n"
     "Content-Type: image/gif\nContent-ID: <logo>\n"
     "Content-Transfer-Encoding: base64\n\nR0lGODlh\n--r--\n--a--\n--m--\n")
fixture("body-alternative-related", crlf(e.encode()),
        {"text": "plain version", "html": "yes", "flags": "-",
         "att": ["- | image/gif | 6"]})
# format=flowed, delsp=yes.
e = (HDR.format(frm="a@example.com", subj="flowed", name="flowed")
     + "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n"
     "\nWe need 500 pcs of the speaker with our  \nlogo printed. Can "
     "you ship by  \nMay?\n\n-- \nTom\n")
fixture("body-format-flowed", crlf(e.encode()),
        {"text": "We need 500 pcs of the speaker with our logo printed. Can "
                 "you ship by May?\n\n-- \nTom"})

# ---- Broken MIME -------------------------------------------------------------

e = (HDR.format(frm="a@example.com", subj="broken", name="b1")
     + 'Content-Type: multipart/mixed; boundary="zz"\n\n'
     "--zz\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
     "SGVsbG8s!! IHdv\ncmxk\n=\nIQ\n--zz\nContent-Type: application/pdf\n"
     "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQ=\n")
fixture("broken-no-close-bad-base64", crlf(e.encode()),
        {"text": "Hello, world!", "flags": "DEFECTS",
         "att": ["- | application/pdf | 8"]})
# No closing delimiters: libetpan alone ends the last part at its last
# line starting with '-', losing the signature and what follows.
e = (HDR.format(frm="a@example.com", subj="broken", name="b6")
     + 'Content-Type: multipart/mixed; boundary="outer"\n\n'
     "--outer\nContent-Type: multipart/alternative; boundary=\"inner\"\n\n"
     "--inner\nContent-Type: text/plain; charset=utf-8\n\n"
     "We need:\n- 500 speakers\n- 200 cables\nDelivery by May.\n\n-- \n"
     "John Smith\nACME Trading\n")
fixture("broken-unclosed-nested", crlf(e.encode()),
        {"text": "We need:\n- 500 speakers\n- 200 cables\nDelivery by May."
         "\n\n-- \nJohn Smith\nACME Trading", "flags": "DEFECTS"})
# RFC 2231 boundary, which libetpan does not read by itself.
e = (HDR.format(frm="a@example.com", subj="rfc2231 boundary", name="b7")
     + "Content-Type: multipart/alternative;\n"
     " boundary*=us-ascii''b2231\n\n"
     "--b2231\nContent-Type: text/plain; charset=utf-8\n\nplain part\n"
     "--b2231\nContent-Type: text/html; charset=utf-8\n\n<p>html part</p>\n"
     "--b2231--\n")
fixture("broken-boundary-rfc2231", crlf(e.encode()),
        {"text": "plain part", "html": "yes", "flags": "-"})
e = (HDR.format(frm="a@example.com", subj="no subtype", name="b8")
     + "Content-Type: text; charset=us-ascii\n\nJust text.\n")
fixture("broken-type-no-subtype", crlf(e.encode()),
        {"text": "Just text.", "flags": "DEFECTS"})
e = (HDR.format(frm="Old Mac <mac@example.com>", subj="CR only",
                name="b9")
     + "Content-Type: text/plain\n\nline one\nline two\n")
fixture("broken-cr-only", e.replace("\n", "\r").encode(),
        {"from": "Old Mac <mac@example.com>", "subject": "CR only",
         "text": "line one\nline two", "flags": "DEFECTS"})
e = (HDR.format(frm="a@example.com", subj="broken", name="b2")
     + 'Content-Type: multipart/alternative\n\nno boundary at all\n')
fixture("broken-no-boundary", crlf(e.encode()),
        {"text": "no boundary at all", "flags": "DEFECTS"})
e = (HDR.format(frm="a@example.com", subj="broken", name="b3")
     + "Content-Type: text/plain; charset=utf-8\n"
     "Content-Transfer-Encoding: quoted-printable\n\n"
     "a=3Db =ZZ c=\nd caf=C3=A9 =E2=82\n")
fixture("broken-bad-qp", crlf(e.encode()),
        {"text": "a=b =ZZ cd café \ufffd", "flags": "DEFECTS"})
e = (HDR.format(frm="a@example.com", subj="broken", name="b4")
     + "Content-Type: text/plain; charset=utf-8\n"
     "Content-Transfer-Encoding: x-gzip64\n"
     "This line is body, not a header\nmore body\n")
fixture("broken-no-blank-line", crlf(e.encode()),
        {"text": "This line is body, not a header\nmore body",
         "flags": "DEFECTS"})
inner = ("From: Customer <c@example.org>\nSubject: inner\n\n"
         "We want 1000 units.\n")
e = (HDR.format(frm="a@example.com", subj="Fwd: inner", name="b5")
     + 'Content-Type: multipart/mixed; boundary="q"\n\n--q\n'
     "Content-Type: text/plain\n\n\n--q\nContent-Type: message/rfc822\n"
     "Content-Transfer-Encoding: base64\n\n" + b64(inner.encode()) +
     "\n--q--\n")
fixture("broken-encoded-rfc822", crlf(e.encode()),
        {"from": "Customer <c@example.org>", "text": "We want 1000 units.",
         "flags": "FORWARDED DEFECTS"})
fixture("broken-invalid-utf8", simple(
    "broken-invalid-utf8", "", "ascii", "utf-8",
    subj="=?utf-8?B?" + base64.b64encode(b"ok \xc3\xa9 \xff bad").decode()
    + "?=",
    ).replace(b"\r\n\r\n\r\n", b"\r\n\r\nabc \xc3\xa9 \xff\xfe \xe4\xbd\xa0\r\n"),
    {"subject": "ok é \ufffd bad", "text": "abc é \ufffd\ufffd 你"})

# ---- Auto-replies, bounces, bulk ---------------------------------------------

for name, extra, subj, flags in [
    ("auto-submitted", "Auto-Submitted: auto-replied\n", "Re: Inquiry",
     "AUTO_REPLY"),
    ("auto-submitted-no", "Auto-Submitted: no\n", "Re: Inquiry", "-"),
    ("auto-x-autoreply", "X-Autoreply: yes\n", "Re: Inquiry", "AUTO_REPLY"),
    ("auto-precedence", "Precedence: auto_reply\n", "Re: x", "AUTO_REPLY"),
    ("auto-subject-en", "", "Automatic reply: Inquiry", "AUTO_REPLY"),
    ("auto-subject-ooo", "", "Out of Office: back on Monday", "AUTO_REPLY"),
    ("auto-subject-zh", "", "自动回复: 询价", "AUTO_REPLY"),
    ("auto-subject-de", "", "Abwesenheitsnotiz: Anfrage", "AUTO_REPLY"),
    ("auto-subject-fr", "", "Réponse automatique : Demande", "AUTO_REPLY"),
    ("auto-subject-ru", "", "Автоматический ответ: запрос цены",
     "AUTO_REPLY"),
    ("auto-subject-pl", "", "Odpowiedź automatyczna: zapytanie ofertowe",
     "AUTO_REPLY"),
    ("auto-subject-tr", "", "Otomatik yanıt: fiyat teklifi", "AUTO_REPLY"),
    ("bulk-list", "List-Unsubscribe: <mailto:u@list.example>\n"
     "List-Id: <news.list.example>\n", "Newsletter", "BULK"),
    ("bulk-precedence", "Precedence: bulk\n", "Offer", "BULK"),
]:
    s = subj if all(ord(c) < 128 for c in subj) else ew(subj, "utf-8")
    fixture(name, simple(name, "I am away.", "ascii", "us-ascii", subj=s,
                         extra=extra),
            {"flags": flags, "subject": subj})

e = ("From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
     "To: sales@exporter.example\nSubject: Undelivered Mail Returned to "
     "Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; "
     "report-type=delivery-status; boundary=\"r\"\n\n--r\n"
     "Content-Type: text/plain\n\nThis is the mail system. I'm sorry.\n--r\n"
     "Content-Type: message/delivery-status\n\nReporting-MTA: dns; "
     "mx.example.net\n\nFinal-Recipient: rfc822; nobody@example.org\n"
     "Action: failed\nStatus: 5.1.1\n--r\nContent-Type: message/rfc822\n\n"
     "From: sales@exporter.example\nSubject: Quotation\n\nOur offer.\n"
     "--r--\n")
fixture("bounce-report", crlf(e.encode()),
        {"flags": "BOUNCE", "text": "This is the mail system. I'm sorry.",
         "from": "Mail Delivery System <MAILER-DAEMON@mx.example.net>"})
e = ("From: postmaster@example.org\nTo: sales@exporter.example\n"
     "Subject: failure notice\n\nSorry, we were unable to deliver.\n")
fixture("bounce-postmaster", crlf(e.encode()), {"flags": "BOUNCE"})

# ---- Forwards -------------------------------------------------------------------

def fwd(name, subj, body, expect, frm="Colleague <alice@exporter.example>"):
    e = (HDR.format(frm=frm, subj=subj, name=name)
         + "Content-Type: text/plain; charset=utf-8\n"
         "Content-Transfer-Encoding: 8bit\n\n" + body)
    fixture(name, crlf(e.encode()), expect)


CUSTOMER = ("Dear Sir,\n\nWe need 500 pcs of Bluetooth speakers, FOB Shenzhen."
            "\nPlease send your best price.\n\nRegards,\nJohn Smith\n")
fwd("fwd-gmail", "Fwd: Inquiry for speakers",
    "Please handle this one.\n\n---------- Forwarded message ---------\n"
    "From: John Smith <john.smith@acme.example>\n"
    "Date: Mon, Mar 10, 2025 at 9:15 AM\nSubject: Inquiry for speakers\n"
    "To: <info@exporter.example>\n\n\n" + CUSTOMER,
    {"from": "John Smith <john.smith@acme.example>",
     "envelope_from": "Colleague <alice@exporter.example>",
     "reply_to": "-", "forward_subject": "Inquiry for speakers",
     "forward_note": "Please handle this one.",
     "text": CUSTOMER.rstrip("\n"), "flags": "FORWARDED"})
fwd("fwd-outlook-en", "FW: Inquiry for speakers",
    "FYI\n\n________________________________\n"
    "From: John Smith <john.smith@acme.example>\n"
    "Sent: Monday, March 10, 2025 9:15 AM\nTo: Info <info@exporter.example>\n"
    "Subject: Inquiry for speakers\n\n" + CUSTOMER,
    {"from": "John Smith <john.smith@acme.example>",
     "text": CUSTOMER.rstrip("\n"), "forward_note": "FYI",
     "flags": "FORWARDED"})
fwd("fwd-outlook-mailto", "FW: RFQ",
    "-----Original Message-----\n"
    "From: John Smith [mailto:John.Smith@ACME.example]\n"
    "Sent: Monday, March 10, 2025 9:15 AM\nTo: Info\nSubject: RFQ\n\n"
    + CUSTOMER,
    {"from": "John Smith <John.Smith@acme.example>",
     "text": CUSTOMER.rstrip("\n"), "forward_note": "-",
     "flags": "FORWARDED"})
fwd("fwd-outlook-fr", "TR: Demande de prix",
    "Voir ci-dessous.\n\nDe : Jean Dupont <jean.dupont@client.example>\n"
    "Envoyé : lundi 10 mars 2025 09:15\nÀ : info@exporter.example\n"
    "Objet : Demande de prix\n\nBonjour,\nMerci de nous envoyer un devis "
    "pour 200 pièces.\n",
    {"from": "Jean Dupont <jean.dupont@client.example>",
     "text": "Bonjour,\nMerci de nous envoyer un devis pour 200 pièces.",
     "forward_subject": "Demande de prix", "flags": "FORWARDED"})
fwd("fwd-outlook-de", "WG: Anfrage",
    "Von: Hans Müller <hans@kunde.example>\nGesendet: Montag, 10. März "
    "2025 09:15\nAn: info@exporter.example\nBetreff: Anfrage\n\n"
    "Sehr geehrte Damen und Herren,\nbitte um ein Angebot für 300 Stück.\n",
    {"from": "Hans Müller <hans@kunde.example>",
     "text": "Sehr geehrte Damen und Herren,\nbitte um ein Angebot für "
             "300 Stück.", "flags": "FORWARDED"})
fwd("fwd-outlook-zh", "转发: 询价",
    "请跟进。\n\n发件人: 李先生 <li@kehu.example.cn>\n发送时间: 2025年3月10日 "
    "9:15\n收件人: info@exporter.example\n主题: 询价\n\n"
    "您好，我们需要1000个蓝牙音箱，请报价。\n",
    {"from": "李先生 <li@kehu.example.cn>",
     "text": "您好，我们需要1000个蓝牙音箱，请报价。", "forward_note": "请跟进。",
     "forward_subject": "询价", "flags": "FORWARDED"})
# NetEase Mail (163/126): "转发邮件信息", and 发送日期 for the date.
fwd("fwd-netease-zh", "Fw:询价",
    "请跟进。\n\n\n\n-------- 转发邮件信息 --------\n"
    "发件人：\"李先生\" <li@kehu.example.cn>\n发送日期：2025-03-10 09:15:00\n"
    "收件人：\"info\" <info@exporter.example>\n主题：询价\n\n"
    "您好，我们需要1000个蓝牙音箱，请报价。\n",
    {"from": "李先生 <li@kehu.example.cn>",
     "text": "您好，我们需要1000个蓝牙音箱，请报价。", "forward_note": "请跟进。",
     "forward_subject": "询价", "flags": "FORWARDED"})
# Outlook in Greek and in Indonesian: the forward reader and the signature
# stage read the same list of header labels (parse.h, quoted_labels).
fwd("fwd-outlook-el", "FW: Αίτημα προσφοράς",
    "Δείτε παρακάτω.\n\nΑπό: Νίκος Παπαδόπουλος <nikos@pelatis.example.gr>"
    "\nΣτάλθηκε: Δευτέρα, 10 Μαρτίου 2025 09:15\nΠρος: info@exporter.example"
    "\nΘέμα: Αίτημα προσφοράς\n\nΚαλημέρα, χρειαζόμαστε 300 τεμάχια.\n",
    {"from": "Νίκος Παπαδόπουλος <nikos@pelatis.example.gr>",
     "text": "Καλημέρα, χρειαζόμαστε 300 τεμάχια.",
     "forward_note": "Δείτε παρακάτω.",
     "forward_subject": "Αίτημα προσφοράς", "flags": "FORWARDED"})
fwd("fwd-outlook-id", "FW: Permintaan harga",
    "Tolong dibalas.\n\nDari: Budi Santoso <budi@pelanggan.example.co.id>\n"
    "Dikirim: Senin, 10 Maret 2025 09.15\nKepada: info@exporter.example\n"
    "Subjek: Permintaan harga\n\nSelamat pagi, kami butuh 500 unit.\n",
    {"from": "Budi Santoso <budi@pelanggan.example.co.id>",
     "text": "Selamat pagi, kami butuh 500 unit.",
     "forward_note": "Tolong dibalas.",
     "forward_subject": "Permintaan harga", "flags": "FORWARDED"})
fwd("fwd-apple", "Fwd: Order",
    "Begin forwarded message:\n\n> From: Maria Garcia <maria@cliente.example>"
    "\n> Subject: Order\n> Date: 10 March 2025 at 09:15:00 CET\n"
    "> To: info@exporter.example\n> \n> Hello,\n> we want 50 cartons.\n",
    {"from": "Maria Garcia <maria@cliente.example>",
     "text": "Hello,\nwe want 50 cartons.", "forward_note": "-",
     "flags": "FORWARDED"})
fwd("fwd-thunderbird", "Fwd: Quote",
    "-------- Forwarded Message --------\nSubject: \tQuote\n"
    "Date: \tMon, 10 Mar 2025 09:15:00 +0100\n"
    "From: \tPiet de Vries <piet@klant.example>\nTo: \tinfo@exporter.example\n"
    "\nGraag een offerte voor 100 stuks.\n",
    {"from": "Piet de Vries <piet@klant.example>",
     "text": "Graag een offerte voor 100 stuks.", "flags": "FORWARDED"})
INNER = ("From: =?utf-8?q?Ren=C3=A9?= <rene@client.example>\n"
         "Reply-To: purchase@client.example\nSubject: RFQ for cables\n"
         "Content-Type: multipart/alternative; boundary=\"i\"\n\n--i\n"
         "Content-Type: text/plain; charset=iso-8859-1\n"
         "Content-Transfer-Encoding: quoted-printable\n\n"
         "Pri=E8re de coter 2000 c=E2bles.\n--i\nContent-Type: text/html\n\n"
         "<p>x</p>\n--i--")
e = (HDR.format(frm="Colleague <alice@exporter.example>", subj="Fwd: RFQ",
                name="fwd-attached")
     + 'Content-Type: multipart/mixed; boundary="f"\n\n--f\n'
     "Content-Type: text/plain\n\nForwarding as attachment.\n--f\n"
     "Content-Type: message/rfc822; name=\"RFQ.eml\"\n"
     "Content-Disposition: attachment; filename=\"RFQ.eml\"\n\n"
     + INNER + "\n--f--\n")
fixture("fwd-rfc822-attachment", crlf(e.encode()),
        {"from": "René <rene@client.example>",
         "reply_to": "<purchase@client.example>",
         "envelope_from": "Colleague <alice@exporter.example>",
         "text": "Prière de coter 2000 câbles.",
         "forward_note": "Forwarding as attachment.",
         "forward_subject": "RFQ for cables", "flags": "FORWARDED",
         "att": ["RFQ.eml | message/rfc822 | %d" % len(crlf(INNER.encode()))]})
# HTML-only forwards: Gmail's and Outlook's markup.
html = ('<div dir="ltr">Please quote.<br><br><div class="gmail_quote">'
        '<div dir="ltr" class="gmail_attr">---------- Forwarded message '
        '---------<br>From: <strong class="gmail_sendername" dir="auto">'
        'Ahmed Khan</strong> <span dir="auto">&lt;<a href="mailto:'
        'ahmed@buyer.example">ahmed@buyer.example</a>&gt;</span><br>Date: '
        'Mon, Mar 10, 2025 at 9:15 AM<br>Subject: RFQ valves<br>To: &lt;'
        '<a href="mailto:info@exporter.example">info@exporter.example</a>'
        '&gt;<br></div><br><br><div dir="ltr">We need 200 ball valves, DN50.'
        '<br>Regards,<br>Ahmed</div></div></div>')
html_mail("fwd-gmail-html", "Colleague <alice@exporter.example>",
          "Fwd: RFQ valves", html,
        {"from": "Ahmed Khan <ahmed@buyer.example>",
         "text": "We need 200 ball valves, DN50.\nRegards,\nAhmed",
         "forward_note": "Please quote.", "forward_subject": "RFQ valves",
         "flags": "FORWARDED HTML_ONLY"})
html = ('<html><body><div class=WordSection1><p class=MsoNormal>FYI<o:p>'
        '</o:p></p><div><div style="border:none;border-top:solid #E1E1E1 '
        '1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class=MsoNormal><b><span '
        'lang=EN-US>From:</span></b><span lang=EN-US> Ana Souza &lt;'
        'ana@cliente.example&gt; <br><b>Sent:</b> Monday, March 10, 2025 '
        '9:15 AM<br><b>To:</b> Info &lt;info@exporter.example&gt;<br><b>'
        'Subject:</b> Cotação<o:p></o:p></span></p></div></div><p '
        'class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Bom dia, '
        'precisamos de 300 unidades.<o:p></o:p></p></div></body></html>')
html_mail("fwd-outlook-html", "Colleague <alice@exporter.example>",
          "FW: Cotação", html,
        {"from": "Ana Souza <ana@cliente.example>",
         "text": "Bom dia, precisamos de 300 unidades.", "forward_note": "FYI",
         "flags": "FORWARDED HTML_ONLY"})
# A reply with quoted history is not a forward, Outlook block or not.
fwd("fwd-not-reply-outlook", "RE: Inquiry",
    "Thanks, the price is fine.\n\n-----Original Message-----\n"
    "From: Alice <alice@exporter.example>\nSent: Monday\nTo: John\n"
    "Subject: Inquiry\n\nOur offer is USD 5.\n",
    {"from": "Colleague <alice@exporter.example>",
     "text_has": "Thanks, the price is fine.", "flags": "-"})
fwd("fwd-not-reply-gmail", "Re: Inquiry",
    "Yes, 500 pcs.\n\nOn Mon, Mar 10, 2025 at 9:15 AM Alice "
    "<alice@exporter.example> wrote:\n> Our offer is USD 5.\n",
    {"from": "Colleague <alice@exporter.example>",
     "text_has": "Yes, 500 pcs.", "flags": "-"})

# ---- B2B platform relays ------------------------------------------------------------

def relay(name, frm, body, expect, extra=""):
    e = (HDR.format(frm=frm, subj="New inquiry from your product page",
                    name=name) + extra
         + "Content-Type: text/plain; charset=utf-8\n"
         "Content-Transfer-Encoding: 8bit\n\n" + body)
    fixture(name, crlf(e.encode()), expect)


ASK = ("Message:\nWe are interested in your Bluetooth speakers, 500 pcs, "
       "FOB Shenzhen.\nPlease quote.\n")
relay("relay-alibaba-reply-to",
      "Alibaba.com <notice@service.alibaba.com>",
      "Dear Supplier,\n\nYou have received a new inquiry.\n\n" + ASK,
      {"from": "John Smith <john.smith@acme-trading.example>",
       "envelope_from": "Alibaba.com <notice@service.alibaba.com>",
       "reply_to": "John Smith <john.smith@acme-trading.example>",
       "text_has": "500 pcs", "flags": "FORWARDED RELAYED"},
      extra="Reply-To: John Smith <john.smith@acme-trading.example>\n")
relay("relay-made-in-china-body",
      "Made-in-China.com <inquiry@made-in-china.com>",
      "New inquiry via Made-in-China.com\n\nBuyer: Maria Lopez\n"
      "Company: Lopez Import S.L.\nCountry: Spain\n"
      "E-mail: maria@lopez-import.example\n\n" + ASK,
      {"from": "Maria Lopez <maria@lopez-import.example>",
       "envelope_from": "Made-in-China.com <inquiry@made-in-china.com>",
       "reply_to": "-", "flags": "FORWARDED RELAYED"},
      extra="Reply-To: <noreply@made-in-china.com>\n")
relay("relay-globalsources-from-line",
      "Global Sources <inquiries@globalsources.com>",
      "**From:** Ahmed Khan <ahmed.khan@khan-traders.example>\n"
      "**Product:** Bluetooth speaker BT-200\n\n" + ASK,
      {"from": "Ahmed Khan <ahmed.khan@khan-traders.example>",
       "envelope_from": "Global Sources <inquiries@globalsources.com>",
       "flags": "FORWARDED RELAYED"})
relay("relay-indiamart-name-only",
      "IndiaMART <buyleads@indiamart.com>",
      "Buyer Name: Rajesh Kumar\nCity: Pune\n\n" + ASK,
      {"from": "Rajesh Kumar <buyleads@indiamart.com>",
       "envelope_from": "IndiaMART <buyleads@indiamart.com>",
       "flags": "FORWARDED RELAYED"})
relay("relay-reply-with-history",
      "EC21 <noreply@ec21.com>",
      "Yes, 500 pcs is fine.\n\n-----Original Message-----\n"
      "From: Sales <sales@exporter.example>\nSubject: Re: speakers\n\n"
      "Our price is USD 5.\n",
      {"from": "EC21 <noreply@ec21.com>",
       "envelope_from": "EC21 <noreply@ec21.com>",
       "flags": "-"})
# A relay's HTML notification: its links (the buyer's profile, the product
# page, "Reply Now") keep their text only, so that no platform URL is read
# as the customer's words; the logo's link is an icon and shows.
html = ('<table><tr><td><a href="https://www.alibaba.com/"><img src="cid:l" '
        'alt="Alibaba.com"></a></td></tr><tr><td><p>Dear Supplier,</p><p>'
        'New inquiry from <a href="https://message.alibaba.com/buyer/'
        'profile.htm?id=1">John Smith</a>.</p><p><b>Product:</b> <a href='
        '"https://www.alibaba.com/product-detail/Speaker_1.html">Bluetooth '
        'speaker BT-200</a></p><p><b>Message:</b><br>We need 500 pcs, FOB '
        'Shenzhen.</p><p><a href="https://message.alibaba.com/reply.htm?'
        'id=1">Reply Now</a></p></td></tr></table>')
html_mail("relay-alibaba-html", "Alibaba.com <notice@service.alibaba.com>",
          "New inquiry", html,
        {"from": "John Smith <john.smith@acme-trading.example>",
         "text": "<https://www.alibaba.com/>\nDear Supplier,\n\nNew "
                 "inquiry from John Smith.\n\nProduct: Bluetooth speaker "
                 "BT-200\n\nMessage:\nWe need 500 pcs, FOB Shenzhen.\n\n"
                 "Reply Now",
         "flags": "FORWARDED HTML_ONLY RELAYED"},
          extra="Reply-To: John Smith <john.smith@acme-trading.example>\n")
relay("relay-not-a-relay",
      "Bob <bob@notalibaba.example>",
      "Buyer: Someone Else\nE-mail: someone@else.example\n\n" + ASK,
      {"from": "Bob <bob@notalibaba.example>", "flags": "-"})

# ---- Caps ---------------------------------------------------------------------------

parts = "".join("--p\nContent-Type: text/plain\n\npart %d\n" % i
                for i in range(1001))
e = (HDR.format(frm="a@example.com", subj="many", name="cap-parts")
     + 'Content-Type: multipart/mixed; boundary="p"\n\n' + parts + "--p--\n")
fixture("cap-too-many-parts", crlf(e.encode()), {"error": "max_parts"})
nest = "".join('Content-Type: multipart/mixed; boundary="n%d"\n\n--n%d\n'
               % (i, i) for i in range(40))
e = (HDR.format(frm="a@example.com", subj="deep", name="cap-depth") + nest +
     "Content-Type: text/plain\n\ndeep\n")
fixture("cap-too-deep", crlf(e.encode()), {"error": "max_depth"})

# ---- Write ------------------------------------------------------------------------

for old in os.listdir(HERE):
    if old.endswith(".eml") or old.endswith(".expect"):
        os.unlink(os.path.join(HERE, old))
for name, (eml, expect) in sorted(FIX.items()):
    with open(os.path.join(HERE, name + ".eml"), "wb") as f:
        f.write(eml)
    with open(os.path.join(HERE, name + ".expect"), "w",
              encoding="utf-8") as f:
        for k, v in expect.items():
            for one in (v if isinstance(v, list) else [v]):
                one = one.replace("\\", "\\\\").replace("\n", "\\n") \
                    .replace("\t", "\\t")
                f.write("%s: %s\n" % (k, one))
print(len(FIX), "fixtures")
