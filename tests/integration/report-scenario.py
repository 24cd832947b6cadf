#!/usr/bin/python3
"""tests/integration/report-scenario.py - the mail of issue 8's scenario
and the report's numbers, worked out here without inquiryd.

    report-scenario.py DIR [--seed 8]

60 inquiries to 3 reps (one mailbox each) from customers in 6 countries;
40 of them get a rep's reply in that rep's Sent folder (30 with an .xlsx
quotation, 8 threaded only by subject: no In-Reply-To, no References);
12 customer follow-ups (10 answers to our replies, 2 reminders on
inquiries nobody replied to); 4 marked won, 3 lost; the last 2 inquiries
come from companies that another rep handled before, into a third rep's
mailbox.  Every Date header is fixed (in several time zones), so the
hours to reply are known.

Writes DIR/<round>/<rep>/<inbox|sent>/NNN.eml for the rounds 1 (58
inquiries), 2 (the 2 repeat inquiries and the 40 replies) and 3 (the 12
follow-ups), and DIR/expected.json:

  reps: {account: "Name <addr>"}, marks: {message_id: won|lost},
  total / by_rep / by_country / by_week: {funnel: {...}, rates: {...},
      spam, response_hours: {median, p90, count}, quote_hours: {...}}
  unanswered: [message_id, ...] oldest first,
  repeats: [{message_id, rep, first_message_id}],
  countries: {message_id: code}
"""
import argparse
import json
import os
import random
from datetime import datetime, timedelta, timezone

REPS = [("alice", "Alice Wang", "alice@example-gifts.com"),
        ("bob", "Bob Li", "bob@example-gifts.com"),
        ("carol", "Carol Chen", "carol@example-gifts.com")]
COUNTRIES = [("DE", "Hamburg, Germany", "+49 40 555 01%02d", 1),
             ("BR", "Sao Paulo, Brazil", "+55 11 5555 01%02d", -3),
             ("KE", "Nairobi, Kenya", "+254 20 555 01%02d", 3),
             ("IN", "Mumbai, India", "+91 22 5555 01%02d", 5),
             ("PL", "Warsaw, Poland", "+48 22 555 01%02d", 1),
             ("US", "Dallas, TX 75202, USA", "+1 214 555 01%02d", -6)]
FIRST = ["Hans", "Ana", "John", "Priya", "Piotr", "Mary", "Otieno", "Lucas",
         "Karin", "Rahul", "Zofia", "Tom"]
LAST = ["Meier", "Souza", "Kamau", "Sharma", "Nowak", "Miller", "Becker",
        "Lima", "Patel", "Kowalski", "Brown", "Wanjiru"]
PRODUCTS = [("power bank 10000 mAh", "power banks"),
            ("portable Bluetooth speaker 5W", "Bluetooth speakers"),
            ("LED desk lamp with USB port", "LED desk lamps"),
            ("wireless charger 15W", "wireless chargers"),
            ("cotton tote bag 140 gsm", "tote bags"),
            ("stainless steel vacuum flask 500 ml", "vacuum flasks")]
BASE = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)	# a Monday
N, N_FIRST = 60, 58


def rfc2822(t, offset_h):
    tz = timezone(timedelta(hours=offset_h))
    return t.astimezone(tz).strftime("%a, %d %b %Y %H:%M:%S %z")


def percentile(v, p):
    """Linear interpolation between closest ranks (report.h)."""
    if not v:
        return 0.0
    v = sorted(v)
    rank = p * (len(v) - 1)
    lo = int(rank)
    if lo + 1 >= len(v):
        return v[-1]
    return v[lo] + (rank - lo) * (v[lo + 1] - v[lo])


STEPS = ["received", "drafted", "replied", "quoted", "answered", "won",
         "lost"]


def funnel(items):
    f = dict.fromkeys(STEPS, 0)
    rh, qh = [], []
    for q in items:
        f["received"] += 1
        f["drafted"] += 1	# every inquiry gets a draft
        if q["reply_at"] is not None:
            f["replied"] += 1
            rh.append((q["reply_at"] - q["at"]) / 3600.0)
            if q["quote"]:
                f["quoted"] += 1
                qh.append((q["reply_at"] - q["at"]) / 3600.0)
            if q["answer_at"] is not None:
                f["answered"] += 1
        if q["mark"] == "won":
            f["won"] += 1
        if q["mark"] == "lost":
            f["lost"] += 1
    rates = {s: (f[s] / f["received"] if f["received"] else 0.0)
             for s in STEPS[1:]}
    return {"funnel": f, "rates": rates, "spam": 0,
            "response_hours": {"median": percentile(rh, 0.5),
                               "p90": percentile(rh, 0.9), "count": len(rh)},
            "quote_hours": {"median": percentile(qh, 0.5),
                            "p90": percentile(qh, 0.9), "count": len(qh)}}


def write(path, lines, body):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n\n" + body)


def inquiry_text(q):
    if q["vague"]:
        return ("Dear Sir or Madam,\n\nWe are %s, an importer and "
                "distributor of promotional gifts.\nWe are interested "
                "in your %s. Please send us your catalog and price list."
                "\n\nBest regards,\n\n" % (q["company"], q["plural"]))
    return ("Dear Sales Team,\n\nWe are %s, an importer of consumer "
            "goods.\nPlease quote your best price for the following:\n\n"
            "Product: %s\nQuantity: %d pcs\nLogo: our logo printed, 1 "
            "colour\nDelivery: FOB Shenzhen\nPayment: T/T 30%% deposit\n\n"
            "What is your lead time?\n\nBest regards,\n\n"
            % (q["company"], q["product"], q["qty"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=8)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    d = a.dir

    qs = []
    t = BASE
    for i in range(N):
        t = t + timedelta(minutes=rng.randrange(150, 390))
        c = COUNTRIES[i % len(COUNTRIES)]
        prod = PRODUCTS[rng.randrange(len(PRODUCTS))]
        first, last = rng.choice(FIRST), LAST[i % len(LAST)]
        company = "%s %s Trading %d" % (last, c[0], i + 1)
        domain = "%s-trading%d.example" % (last.lower(), i + 1)
        qs.append({
            "i": i, "at": int(t.timestamp()), "tz": c[3],
            "rep": i % 3, "country": c[0], "city": c[1],
            "phone": c[2] % (i % 100),
            "name": "%s %s" % (first, last), "company": company,
            "addr": "%s.%s@%s" % (first.lower(), last.lower(), domain),
            "product": prod[0], "plural": prod[1],
            "qty": rng.choice([500, 1000, 2000, 3000, 5000]),
            "vague": i % 5 == 4,
            "subject": ("Inquiry about your %s" % prod[1] if i % 5 == 4
                        else "RFQ %d: %s" % (i + 1, prod[0])),
            "msgid": "rs-%02d@%s" % (i + 1, domain),
            "reply_at": None, "quote": False, "by_subject": False,
            "answer_at": None, "reminder": False, "mark": None,
            "repeat_of": None,
        })
    # The last two: a new contact at a company that an earlier inquiry of
    # another rep came from, into the third rep's mailbox.
    for k, (j, mailbox) in enumerate([(0, 1), (4, 2)]):
        q, old = qs[N_FIRST + k], qs[j]
        q["repeat_of"] = j
        q["mailbox"] = mailbox
        q["rep"] = old["rep"]
        q["company"] = old["company"]
        q["country"], q["city"], q["tz"] = old["country"], old["city"], \
            old["tz"]
        q["phone"] = COUNTRIES[j % len(COUNTRIES)][2] % 77
        q["addr"] = "purchasing@" + old["addr"].split("@")[1]
        q["name"] = "Lena Vogt" if k == 0 else "Ravi Iyer"
        q["msgid"] = "rs-%02d@%s" % (q["i"] + 1, old["addr"].split("@")[1])
    for q in qs:
        q.setdefault("mailbox", q["rep"])

    first = list(range(N_FIRST))
    replied = sorted(rng.sample(first, 40))
    quoted = set(rng.sample(replied, 30))
    plain = [i for i in replied if i not in quoted]
    by_subject = set(rng.sample(sorted(quoted), 5) + rng.sample(plain, 3))
    for i in replied:
        q = qs[i]
        q["reply_at"] = q["at"] + 60 * rng.randrange(20, 72 * 60)
        q["quote"] = i in quoted
        q["by_subject"] = i in by_subject
    # Answers: 2 of them to replies threaded by subject only.
    answered = sorted(rng.sample(sorted(by_subject), 2) + rng.sample(
        [i for i in replied if i not in by_subject], 8))
    for i in answered:
        qs[i]["answer_at"] = qs[i]["reply_at"] + 60 * rng.randrange(30,
                                                                   30 * 60)
    unreplied = [i for i in first if i not in replied]
    for i in rng.sample(unreplied, 2):
        qs[i]["reminder"] = True
        qs[i]["reminder_at"] = qs[i]["at"] + 3 * 86400
    marks = rng.sample(sorted(quoted), 7)
    for k, i in enumerate(marks):
        qs[i]["mark"] = "won" if k < 4 else "lost"

    rep_name = ["%s <%s>" % (n, e) for _, n, e in REPS]
    # Round 1 and 2: the inquiries.
    for q in qs:
        rnd = "round2" if q["repeat_of"] is not None else "round1"
        hdr = ["From: %s <%s>" % (q["name"], q["addr"]),
               "To: %s" % rep_name[q["mailbox"]],
               "Subject: %s" % q["subject"],
               "Date: %s" % rfc2822(datetime.fromtimestamp(q["at"],
                                                           timezone.utc),
                                    q["tz"]),
               "Message-ID: <%s>" % q["msgid"],
               "MIME-Version: 1.0",
               "Content-Type: text/plain; charset=utf-8"]
        body = inquiry_text(q) + "%s\nPurchasing Manager\n%s\n" \
            "Main Street 1, %s\nTel: %s\n" % (q["name"], q["company"],
                                              q["city"], q["phone"])
        write(os.path.join(d, rnd, REPS[q["mailbox"]][0], "inbox",
                           "%03d.eml" % (q["i"] + 1)), hdr, body)
    # Round 2: the replies, each in the Sent folder of the inquiry's rep.
    for i in replied:
        q = qs[i]
        rn, rmail = REPS[q["rep"]][1], REPS[q["rep"]][2]
        hdr = ["From: %s <%s>" % (rn, rmail),
               "To: %s <%s>" % (q["name"], q["addr"]),
               "Subject: Re: %s" % q["subject"],
               "Date: %s" % rfc2822(datetime.fromtimestamp(q["reply_at"],
                                                           timezone.utc), 8),
               "Message-ID: <reply-%02d@example-gifts.com>" % (i + 1)]
        if not q["by_subject"]:
            hdr += ["In-Reply-To: <%s>" % q["msgid"],
                    "References: <%s>" % q["msgid"]]
        hdr.append("MIME-Version: 1.0")
        text = ("Dear %s,\n\nthank you for your inquiry. %s\n\nBest "
                "regards,\n%s\n" % (q["name"], "Our quotation is attached."
                                    if q["quote"] else
                                    "Could you tell us the quantity?", rn))
        if q["quote"]:
            hdr.append('Content-Type: multipart/mixed; boundary="b1"')
            body = ("--b1\nContent-Type: text/plain; charset=utf-8\n\n%s\n"
                    "--b1\nContent-Type: application/vnd.openxmlformats-"
                    "officedocument.spreadsheetml.sheet; name=\"Q%02d.xlsx\""
                    "\nContent-Disposition: attachment; filename=\"Q%02d."
                    "xlsx\"\nContent-Transfer-Encoding: base64\n\n"
                    "UEsDBBQAAAAIAAAAIQBkYXRhZGF0YWRhdGE=\n--b1--\n"
                    % (text, i + 1, i + 1))
        else:
            hdr.append("Content-Type: text/plain; charset=utf-8")
            body = text
        write(os.path.join(d, "round2", REPS[q["rep"]][0], "sent",
                           "%03d.eml" % (i + 1)), hdr, body)
    # Round 3: the customers write again.
    for q in qs:
        if q["answer_at"] is None and not q["reminder"]:
            continue
        if q["answer_at"] is not None:
            rid = "reply-%02d@example-gifts.com" % (q["i"] + 1)
            refs = "<%s>" % rid if q["by_subject"] else "<%s> <%s>" % (
                q["msgid"], rid)
            at, subj = q["answer_at"], "Re: Re: %s" % q["subject"]
            text = "Thank you, the price is fine. Please send the PI.\n"
        else:
            rid, refs = q["msgid"], "<%s>" % q["msgid"]
            at, subj = q["reminder_at"], "Re: %s" % q["subject"]
            text = "Any news about our inquiry below? Please reply.\n"
        hdr = ["From: %s <%s>" % (q["name"], q["addr"]),
               "To: %s" % rep_name[q["rep"]],
               "Subject: %s" % subj,
               "Date: %s" % rfc2822(datetime.fromtimestamp(at,
                                                           timezone.utc),
                                    q["tz"]),
               "Message-ID: <followup-%02d@%s>" % (q["i"] + 1,
                                                   q["addr"].split("@")[1]),
               "In-Reply-To: <%s>" % rid, "References: %s" % refs,
               "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
        write(os.path.join(d, "round3", REPS[q["rep"]][0], "inbox",
                           "%03d.eml" % (q["i"] + 1)), hdr, text)

    def groups(key):
        out = {}
        for q in qs:
            out.setdefault(key(q), []).append(q)
        return {k: funnel(v) for k, v in sorted(out.items())}

    def week(q):
        y, w, _ = datetime.fromtimestamp(q["at"], timezone.utc).isocalendar()
        return "%d-W%02d" % (y, w)

    exp = {
        "reps": {r[0]: rep_name[k] for k, r in enumerate(REPS)},
        "total": funnel(qs),
        "by_rep": groups(lambda q: rep_name[q["rep"]]),
        "by_country": groups(lambda q: q["country"]),
        "by_week": groups(week),
        "unanswered": [q["msgid"] for q in sorted(qs, key=lambda q: (
            q["at"], q["i"])) if q["reply_at"] is None],
        "marks": {q["msgid"]: q["mark"] for q in qs if q["mark"]},
        "repeats": [{"message_id": q["msgid"], "rep": rep_name[q["rep"]],
                     "first_message_id": qs[q["repeat_of"]]["msgid"]}
                    for q in qs if q["repeat_of"] is not None],
        "countries": {q["msgid"]: q["country"] for q in qs},
        "counts": {"inquiries": len(qs), "replies": len(replied),
                   "quotes": len(quoted), "by_subject": len(by_subject),
                   "followups": len(answered) + 2},
    }
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(exp, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
