#!/usr/bin/python3
"""confirm_check.py DRAFT.eml... - does the reply mark the same points "to
confirm with production" as the quote sheet it carries, and the same
commercial terms "to agree" (marked [TERMS TO AGREE] in the reply, listed
as "• Label: value — to agree" on the sheet)?  A commercial term
(Incoterm, port, destination, shipping, payment, currency, target price)
is never sent to production.

For each draft with an .xlsx attached, the points of the outline in the
text part ("N. Label: value" then lines indented by three spaces; a
point carries "[TO CONFIRM with production]") are compared with the
sheet's "To be confirmed with production" list ("• Label: value — to
confirm with production").  Each point to confirm must be on the sheet,
and each line of the sheet must be a point to confirm, except the
quantity notes of items quoted at the MOQ for a quantity they did not
state.  Prints one line per draft: "ok<TAB>name" or "not ok<TAB>name<TAB>
why"; drafts without a sheet are left out."""
import email
import io
import re
import sys
import zipfile
from email import policy
from xml.etree import ElementTree

TAG = "[TO CONFIRM with production]"
SUFFIX = " \u2014 to confirm with production"
AGREE_TAG = "[TERMS TO AGREE]"
AGREE_SUFFIX = " \u2014 to agree"
COMMERCIAL = ("incoterm", "port", "destination", "shipping", "payment",
              "currency", "target price", "price basis", "insurance")
QUOTES = "\"\u00ab\u201e\u201c\u300c"


def norm(s):
    return " ".join(s.split()).lower()


def after_label(line):
    """'Colour: black' -> 'black'; 'Couleur : bleu', '颜色：黑色' too."""
    m = re.search(r"\s?[:\uff1a]\s?", line)
    return line[m.end():] if m else line


def outline_points(text):
    points, cur = [], None
    for line in text.splitlines():
        m = re.match(r"^(\d+)\. (.*)$", line)
        if m:
            cur = None
            if m.group(2)[:1] in QUOTES:
                continue        # a question, not a point of the outline
            cur = [after_label(m.group(2)), False, False, m.group(2)]
            points.append(cur)
        elif cur is not None and line.startswith("   "):
            if TAG in line:
                cur[1] = True
            if AGREE_TAG in line:
                cur[2] = True
        else:
            cur = None
    return points


def sheet_lines(data, suffix=SUFFIX):
    z = zipfile.ZipFile(io.BytesIO(data))
    try:
        xml = z.read("xl/sharedStrings.xml")
    except KeyError:
        return []
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    out = []
    for si in ElementTree.fromstring(xml).iter(ns + "si"):
        s = "".join(t.text or "" for t in si.iter(ns + "t"))
        if s.startswith("\u2022 ") and s.endswith(suffix):
            out.append((after_label(s[2:-len(suffix)]), s[2:]))
    return out


def same(a, b):
    a, b = norm(a), norm(b)
    return a in b or b in a


for path in sys.argv[1:]:
    msg = email.message_from_bytes(open(path, "rb").read(),
                                   policy=policy.default)
    text, sheet = None, None
    for part in msg.walk():
        if part.get_content_type() == "text/plain" and text is None:
            text = part.get_content()
        fn = part.get_filename() or ""
        if fn.endswith(".xlsx"):
            sheet = part.get_content()
    if sheet is None or text is None:
        continue
    name = path.rsplit("/", 1)[-1]
    points = outline_points(text)
    why = []
    for which, idx, suffix in (("to confirm", 1, SUFFIX),
                               ("to agree", 2, AGREE_SUFFIX)):
        marked = [p[0] for p in points if p[idx]]
        lines = sheet_lines(sheet, suffix)
        for v in marked:
            if not any(same(v, s) for s, _ in lines):
                why.append(which + " in the reply, not on the sheet: " + v)
        for s, whole in lines:
            if "not stated" in s:
                continue
            if not any(same(v, s) for v in marked):
                why.append(which + " on the sheet, not in the reply: " + s)
            if idx == 1 and norm(whole).startswith(COMMERCIAL):
                why.append("a commercial term sent to production: " + whole)
    for p in points:
        if p[1] and norm(p[3]).startswith(COMMERCIAL):
            why.append("a commercial term marked " + TAG + ": " + p[3])
    print(("ok\t" + name) if not why else
          ("not ok\t" + name + "\t" + "; ".join(why)))
