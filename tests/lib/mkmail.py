#!/usr/bin/python3
"""tests/lib/mkmail.py - write N varied inquiry-like messages as .eml files,
for seeding the test Dovecot (tests/lib/dovecot.sh) and for benchmarks.

    mkmail.py DIR N [--min-kb 1] [--max-kb 20] [--seed 1] [--prefix m]

Files are DIR/<prefix>00001.eml ...; each has a unique Message-ID
<prefix-NNNNN@mkmail.test>, a Date within the last 30 days, and a body
of the size drawn between min and max KiB: plain text, HTML only, or
text with a small base64 attachment.  Deterministic for a given seed.
"""
import argparse
import base64
import os
import random
import time

PRODUCTS = ["bluetooth speaker", "power bank", "LED desk lamp", "USB cable",
            "wireless charger", "earphones", "smart watch", "phone case"]
COUNTRIES = ["Germany", "Brazil", "Kenya", "India", "Poland", "Chile",
             "Vietnam", "Canada"]
WORDS = ("please quote your best price for the items below with FOB "
         "Shenzhen terms and tell us the MOQ lead time packaging and "
         "whether you can print our logo we also need CE and RoHS "
         "certificates samples before the bulk order payment by T/T "
         "thirty percent deposit balance before shipment").split()


def filler(rng, size):
    out, n = [], 0
    while n < size:
        line = " ".join(rng.choice(WORDS) for _ in range(12))
        out.append(line)
        n += len(line) + 1
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("n", type=int)
    ap.add_argument("--min-kb", type=float, default=1)
    ap.add_argument("--max-kb", type=float, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prefix", default="m")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.dir, exist_ok=True)
    now = int(time.time())
    for i in range(1, a.n + 1):
        size = int(rng.uniform(a.min_kb, a.max_kb) * 1024)
        product = rng.choice(PRODUCTS)
        country = rng.choice(COUNTRIES)
        mid = "<%s-%05d@mkmail.test>" % (a.prefix, i)
        date = time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                             time.gmtime(now - rng.randint(0, 30 * 86400)))
        head = ("From: Buyer %d <buyer%d@example-%s.test>\n"
                "To: sales@example.test\n"
                "Subject: RFQ %s for %s market\n"
                "Date: %s\n"
                "Message-ID: %s\n"
                "MIME-Version: 1.0\n") % (i, i, country.lower(), product,
                                          country, date, mid)
        text = ("Dear sales team,\n\nWe need %d pcs of %s for %s.\n%s\n\n"
                "Best regards,\nBuyer %d\n") % (
                    rng.choice([500, 1000, 3000]), product, country,
                    filler(rng, max(size - 400, 10)), i)
        kind = i % 10
        if kind == 3:
            html = "<html><body><p>" + text.replace("\n", "<br>\n") + \
                "</p></body></html>\n"
            msg = head + "Content-Type: text/html; charset=utf-8\n\n" + html
        elif kind == 7:
            blob = base64.encodebytes(bytes(rng.getrandbits(8)
                                            for _ in range(2048))).decode()
            b = "b%05d" % i
            msg = (head + 'Content-Type: multipart/mixed; boundary="%s"\n\n'
                   "--%s\nContent-Type: text/plain; charset=utf-8\n\n%s\n"
                   "--%s\nContent-Type: application/pdf; name=\"spec.pdf\"\n"
                   "Content-Transfer-Encoding: base64\n"
                   "Content-Disposition: attachment; filename=\"spec.pdf\""
                   "\n\n%s--%s--\n") % (b, b, text, b, blob, b)
        else:
            msg = head + "Content-Type: text/plain; charset=utf-8\n\n" + text
        path = os.path.join(a.dir, "%s%05d.eml" % (a.prefix, i))
        with open(path, "w") as f:
            f.write(msg)


if __name__ == "__main__":
    main()
