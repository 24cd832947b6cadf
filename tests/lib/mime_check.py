#!/usr/bin/python3
"""mime_check.py DIR - read every DIR/NAME.eml with Python's email package
(policy=default) and compare it with DIR/NAME.want.

A .want file has one "key hex(value)" per line (hex of the UTF-8 value, so
any text fits); keys: from_name from_addr to_name to_addr subject
message_id in_reply_to references text html att (one per attachment:
"filename\\tcontent_type\\tsize") header:NAME, and absent:NAME for a header
that must not exist.  Every part of every message must parse without
defects, every line must end with CRLF, be ASCII and at most 78 columns.
Prints one line per problem and exits 1 if there was any.
"""
import email
import email.policy
import os
import sys

problems = 0


def bad(name, what):
    global problems
    problems += 1
    print(f"{name}: {what}")


def body(msg, kind):
    part = msg.get_body(preferencelist=(kind,))
    if part is None or part.get_content_type() != "text/" + kind:
        return None
    return part.get_content().replace("\r\n", "\n")


def check(path, wantpath):
    name = os.path.basename(path)
    raw = open(path, "rb").read()
    for i, line in enumerate(raw.split(b"\r\n")[:-1], 1):
        if b"\n" in line or b"\r" in line:
            bad(name, f"line {i}: bare CR or LF")
        if len(line) > 78:
            bad(name, f"line {i}: {len(line)} columns: {line[:60]!r}")
        if any(b >= 0x80 for b in line):
            bad(name, f"line {i}: 8-bit bytes")
    if not raw.endswith(b"\r\n"):
        bad(name, "does not end with CRLF")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for part in msg.walk():
        defects = list(part.defects)
        for k, v in part.items():
            defects += [f"{k}: {d}" for d in getattr(v, "defects", ())]
        if defects:
            bad(name, f"{part.get_content_type()}: defects {defects}")
    got = {}
    for key, hdr in (("from", "from"), ("to", "to")):
        h = msg[hdr]
        if h is not None and h.addresses:
            got[key + "_name"] = h.addresses[0].display_name
            got[key + "_addr"] = h.addresses[0].addr_spec
    for key, hdr in (("subject", "subject"), ("message_id", "message-id"),
                     ("in_reply_to", "in-reply-to"),
                     ("references", "references")):
        if msg[hdr] is not None:
            got[key] = " ".join(str(msg[hdr]).split())
    t = body(msg, "plain")
    if t is not None:
        got["text"] = t
    h = body(msg, "html")
    if h is not None:
        got["html"] = h
    atts = []
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True) or b""
        atts.append(f"{part.get_filename()}\t{part.get_content_type()}"
                    f"\t{len(data)}")
    want_atts = []
    for line in open(wantpath, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line:
            continue
        key, _, hexval = line.partition(" ")
        val = bytes.fromhex(hexval).decode("utf-8")
        if key not in ("text", "html", "att"):
            val = " ".join(val.split())
        if key == "att":
            want_atts.append(val)
        elif key.startswith("header:"):
            v = msg[key[7:]]
            v = None if v is None else " ".join(str(v).split())
            if v != val:
                bad(name, f"{key}: got {v!r}, want {val!r}")
        elif key.startswith("absent:"):
            if msg[key[7:]] is not None:
                bad(name, f"header {key[7:]} is present")
        elif key not in ("text", "html") and got.get(key) is not None and \
                " ".join(got[key].split()) == val:
            pass
        elif got.get(key) != val:
            bad(name, f"{key}: got {got.get(key)!r}, want {val!r}")
    if atts != want_atts:
        bad(name, f"attachments: got {atts!r}, want {want_atts!r}")


d = sys.argv[1]
n = 0
for f in sorted(os.listdir(d)):
    if f.endswith(".eml"):
        n += 1
        check(os.path.join(d, f), os.path.join(d, f[:-4] + ".want"))
if n == 0:
    bad(d, "no messages")
sys.exit(1 if problems else 0)
