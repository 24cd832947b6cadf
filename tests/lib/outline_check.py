#!/usr/bin/python3
"""outline_check.py DRAFT.eml... - does the outline of each reply read as a
rep would write it?  In the text part, each point of "Your requirements"
("N. Label: value", then lines indented by three spaces) must not show
  - an internal field name as its label ("Product phrase", "Request",
    "Labelled", "Customer type", "Market", "Order type");
  - its label again as the whole value ("Samples: Samples": the label
    alone says it), or at the head of the value before a separator
    ("Payment: Payment: L/C", "颜色：颜色：黑色");
  - another label inside the value ("Delivery: délai souhaité : 6
    semaines"), except under Specification, whose values are the
    customer's own "Key: value" pairs;
and a reply must not quote the same point twice.  Prints one line per
draft: "ok<TAB>name" or "not ok<TAB>name<TAB>why"."""
import email
import re
import sys
from email import policy

INTERNAL = ("product phrase", "product_phrase", "request", "labelled",
            "customer type", "customer_type", "market", "order type",
            "order_type", "field_name", "requirement")
QUOTES = "\"\u00ab\u201e\u201c\u300c"
SPEC = ("specification", "spécification", "spezifikation", "especificación",
        "especificação", "спецификация", "характеристики", "规格")
POINT = re.compile(r"^(\d+)\. (.+)$")
LABELLED = re.compile(r"^(.{1,40}?) ?[:\uff1a] ?(.*)$")
INNER = re.compile(r"^[^\d\W][\w'\u2019 ]{0,25}? ?[:\uff1a]\s", re.U)


def norm(s):
    return " ".join(s.split()).lower()


def check(text):
    why, seen, in_outline = [], set(), False
    for line in text.splitlines():
        if not line.strip():
            continue
        m = POINT.match(line)
        if not m:
            if not line.startswith(" "):
                in_outline = line.rstrip().endswith((":", "\uff1a"))
            continue
        body = m.group(2)
        if not in_outline or body[:1] in QUOTES:
            continue
        lm = LABELLED.match(body)
        label, value = (lm.group(1), lm.group(2)) if lm else (body, "")
        l, v = norm(label), norm(value)
        if l in INTERNAL:
            why.append("internal field name shown: " + body)
        if v and (v == l or v.rstrip("s") == l.rstrip("s")):
            why.append("label repeated as the value: " + body)
        elif v.startswith(l) and v[len(l):len(l) + 2].strip()[:1] in \
                (":", "\uff1a", "-", "\u2013"):
            why.append("label repeated in the value: " + body)
        elif l not in SPEC and INNER.match(value):
            why.append("a label inside the value: " + body)
        if (l, v) in seen:
            why.append("point quoted twice: " + body)
        seen.add((l, v))
    return why


for path in sys.argv[1:]:
    msg = email.message_from_bytes(open(path, "rb").read(),
                                   policy=policy.default)
    text = None
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_content()
            break
    name = path.rsplit("/", 1)[-1]
    why = check(text or "")
    print(("ok\t" + name) if not why else
          ("not ok\t" + name + "\t" + "; ".join(why)))
