#!/usr/bin/python3
"""says_check.py SAYS DRAFT.eml... - does each draft's text part say what
SAYS (tests/data/draft/samples.says) expects of the reply to its
message?  A case is "<Message-ID local part> TAB <words>" ("\\n" a line
break), "!<words>" for words it must not say.  Prints one line per case:
"ok<TAB>id: words" or "not ok<TAB>id: words<TAB>why"; a case whose
message has no draft is not ok."""
import email
import sys
from email import policy

cases = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    mid, words = line.split("\t", 1)
    cases.append((mid, words))
texts = {}
for path in sys.argv[2:]:
    msg = email.message_from_bytes(open(path, "rb").read(),
                                   policy=policy.default)
    irt = (msg["in-reply-to"] or "").strip("<> ")
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            texts[irt.split("@", 1)[0]] = part.get_content().replace(
                "\r\n", "\n")
            break
for mid, words in cases:
    neg = words.startswith("!")
    want = (words[1:] if neg else words).replace("\\n", "\n")
    text = texts.get(mid)
    show = mid + ": " + words[:70].replace("\\n", " / ")
    if text is None:
        print("not ok\t" + show + "\tno draft replies to it")
    elif (want in text) == neg:
        print("not ok\t" + show + "\t" + ("says it" if neg else
              "does not say it"))
    else:
        print("ok\t" + show)
