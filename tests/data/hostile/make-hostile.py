#!/usr/bin/python3
"""make-hostile.py DIR - writes the hostile message corpus (issue 9) into DIR.

Each message is built to hurt a mail parser, a classifier or a log: a
100 MB message, 10,000 MIME parts, nesting 1,000 deep (multipart and
message/rfc822), a 1 MB header line, invalid UTF-8 and NUL bytes
everywhere, a base64 body that never ends, an attachment named
../../etc/passwd, display names with CR/LF and terminal escapes, an HTML
body full of scripts, texts built to make the shipped rules backtrack,
a header of 5,000 fields and one with no line end after its last field.
The files are generated, not committed (some are large);
names start with a number so an import reads them in order, and the last
one, 99-normal.eml, is an ordinary inquiry that must still be processed.
"""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


CRLF = b"\r\n"


def hdr(subject, extra=b""):
    return (b"From: Hostile <hostile@attacker.example>\r\n"
            b"To: sales@example-gifts.com\r\n"
            b"Subject: " + subject + b"\r\n"
            b"Message-ID: <" + subject.replace(b" ", b"-") + b"@attacker.example>\r\n"
            b"Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n" + extra)


# 100 MB: a sparse file after a real header; never loaded whole.
with open(os.path.join(out, "01-100mb.eml"), "wb") as f:
    f.write(hdr(b"one hundred megabytes") + CRLF + b"x" * 1000 + CRLF)
    f.truncate(100 * 1024 * 1024)

# 10,000 MIME parts.
parts = [hdr(b"ten thousand parts",
             b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="p"\r\n'),
         CRLF]
for i in range(10000):
    parts.append(b"--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i)
parts.append(b"--p--\r\n")
put("02-10000-parts.eml", b"".join(parts))

# Nesting 1,000 deep: multiparts, then attached messages.
depth = 1000
body = b"Content-Type: text/plain\r\n\r\nWe need 500 pcs.\r\n"
for i in range(depth):
    b = b"b%d" % i
    body = (b'Content-Type: multipart/mixed; boundary="' + b + b'"\r\n\r\n--' +
            b + CRLF + body + b"\r\n--" + b + b"--\r\n")
put("03-nested-multipart.eml", hdr(b"nested multipart", b"MIME-Version: 1.0\r\n") + body)
body = b"Subject: inner\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
for i in range(depth):
    body = b"Subject: level %d\r\nContent-Type: message/rfc822\r\n\r\n" % i + body
put("04-nested-rfc822.eml", hdr(b"nested messages", b"MIME-Version: 1.0\r\n") + body[body.index(b"Content-Type"):])

# A 1 MB header line, and a 1 MB folded header.
put("05-long-header.eml", hdr(b"long header", b"X-Long: " + b"A" * (1 << 20) + CRLF) +
    CRLF + b"Please quote 100 mugs.\r\n")
put("06-folded-header.eml", hdr(b"folded header", b"X-Folded: " +
    b"\r\n ".join([b"y" * 70] * 15000) + CRLF) + CRLF + b"Hello\r\n")

# Invalid UTF-8 and NUL bytes everywhere, headers included.
junk = bytes(range(256)) * 40
put("07-bytes.eml", b"From: \xff\xfe\x00 <a\x00b@c\xff.example>\r\nSubject: \x00\xc3\x28\xe2\x82\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + junk + b"\x00" * 1000 + CRLF)

# A base64 body that never ends (no boundary after it, 20 MB).
put("08-endless-base64.eml", hdr(b"endless base64",
    b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="e"\r\n') + CRLF +
    b"--e\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
    (b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n" * 280000))

# An attachment that wants to be a path.
put("09-path-attachment.eml", hdr(b"path attachment",
    b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="a"\r\n') + CRLF +
    b"--a\r\nContent-Type: text/plain\r\n\r\nRFQ attached, 2000 pcs.\r\n"
    b'--a\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="../../etc/passwd"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\ncm9vdDp4OjA6MA==\r\n"
    b"--a\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment;\r\n"
    b" filename*=UTF-8''%2E%2E%2F%2E%2E%2Froot%2F.ssh%2Fauthorized_keys\r\n\r\nx\r\n--a--\r\n")

# Display names with CR/LF and terminal escapes (encoded, so they survive
# the header syntax), and a subject that tries to forge a log line.
put("10-escapes.eml",
    b"From: =?utf-8?q?Evil=0D=0AX-Injected=3A_yes=1B=5B2J=1B=5D0=3Bowned=07?= <evil@attacker.example>\r\n"
    b"To: sales@example-gifts.com\r\n"
    b"Subject: =?utf-8?q?Quote_please=0A2026-11-26_inquiryd=3A_forged_line=1B=5B31m?=\r\n"
    b"Message-ID: <escapes@attacker.example>\r\n\r\n"
    b"Dear sir, we need 300 pcs of your product. \x1b[2J\x1b]0;title\x07\r\n")

# HTML full of scripts, styles, event handlers and a huge table.
html = [b"<html><head><script>" + b"alert(1);" * 10000 + b"</script><style>" +
        b"p{color:red}" * 10000 + b"</style></head><body onload='x()'>"]
for i in range(3000):
    html.append(b"<script>document.write('<b>%d</b>')</script><p onclick='y()'>item %d</p>" % (i, i))
html.append(b"<table>" + b"<tr><td>cell</td><td><script>z()</script></td></tr>" * 5000 + b"</table>")
html.append(b"<p>We need 1000 pcs, FOB Ningbo.</p></body></html>")
put("11-scripts.eml", hdr(b"scripts", b"MIME-Version: 1.0\r\nContent-Type: text/html\r\n") + CRLF +
    b"\r\n".join(html) + CRLF)

# Texts that make naive patterns backtrack: long runs and near-misses of
# the shapes the rules look for (quantities, Incoterms, questions, URLs).
runs = [b"1" * 200000, b"1,000," * 30000, b"pcs " * 50000, b"FOB " * 50000,
        b"a" * 100000 + b"!", b"? " * 50000, b"http://" + b"a." * 50000,
        b"please " * 30000, b"(" * 50000, b"\xe4\xb8\xaa" * 60000]
put("12-backtrack.eml", hdr(b"backtrack", b"Content-Type: text/plain; charset=utf-8\r\n") + CRLF +
    b"\r\n".join(runs) + CRLF)

# 5,000 Received fields before the sender and subject: the fields after
# the first 1,000 are kept by name, so the From and Subject survive.
put("13-many-fields.eml",
    b"".join(b"Received: from relay%d.example by mx.example; Mon, 23 Nov 2026 "
             b"10:00:00 +0000\r\n" % i for i in range(5000)) +
    b"From: Many Relays <buyer@relay-buyer.example>\r\nTo: sales@example-gifts.com\r\n"
    b"Subject: RFQ through 5000 relays\r\n\r\nPlease quote 500 pcs of mugs, FOB Ningbo.\r\n")

# All header, with no line end after the last field: that field is still
# a field, not the body.
put("14-unended-header.eml",
    b"From: Cut Short <cut@short-buyer.example>\r\nTo: sales@example-gifts.com\r\n"
    b"Subject: Quote 300 pcs tote bags")

# One ordinary inquiry last: it must go through whatever came before.
put("99-normal.eml",
    b"From: Normal Buyer <buyer@normal-trading.example>\r\nTo: sales@example-gifts.com\r\n"
    b"Subject: RFQ 2000 pcs power banks\r\nMessage-ID: <normal-99@normal-trading.example>\r\n"
    b"Date: Mon, 23 Nov 2026 11:00:00 +0000\r\n\r\n"
    b"Dear Sales,\r\n\r\nPlease quote 2,000 pcs power banks 10000mAh, FOB Shenzhen.\r\n"
    b"What is your lead time?\r\n\r\nBest regards,\r\nNormal Buyer\r\n")
