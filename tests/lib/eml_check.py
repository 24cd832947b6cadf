#!/usr/bin/python3
"""eml_check.py FILE... - read each message with Python's email package
(policy=default) and print one JSON object per file with what a test needs
to check: the defects of the message, of every part and of every header,
the decoded headers, and the parts (type, charset, filename, decoded text
or size).  Exits 1 when a file has any defect or cannot be read."""
import email
import json
import sys
from email import policy

status = 0
for path in sys.argv[1:]:
    out = {"file": path, "defects": [], "headers": [], "parts": []}
    try:
        with open(path, "rb") as fp:
            raw = fp.read()
        msg = email.message_from_bytes(raw, policy=policy.default)
        out["crlf"] = b"\n" not in raw.replace(b"\r\n", b"")
        for part in msg.walk():
            for d in part.defects:
                out["defects"].append(f"{part.get_content_type()}: {d!r}")
            for name, value in part.items():
                for d in getattr(value, "defects", ()):
                    out["defects"].append(f"header {name}: {d!r}")
                if part is msg:
                    out["headers"].append([name, str(value)])
            if part.is_multipart():
                continue
            info = {"type": part.get_content_type(),
                    "charset": part.get_content_charset(),
                    "filename": part.get_filename(),
                    "disposition": part.get_content_disposition()}
            content = part.get_content()
            if isinstance(content, str):
                info["text"] = content
            else:
                info["size"] = len(content)
            out["parts"].append(info)
    except Exception as ex:  # a test failure, not a crash of the checker
        out["defects"].append(f"exception: {ex!r}")
    if out["defects"]:
        status = 1
    print(json.dumps(out, ensure_ascii=False))
sys.exit(status)
