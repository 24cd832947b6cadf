#!/usr/bin/python3
"""tests/bench/report-db.py - fill an inquiryd database (its schema made
by inquiryd itself) with N inquiries and their events, in one transaction.

    report-db.py DB N [--seed 1]

Each inquiry has a message row, a contact, a company (one in five
inquiries from a company seen before), a rep out of 8, a country out of
20, a category out of 12, a received date over the last year, and the
events a real one gets: received, classified, drafted, delivered; 70 %
replied, 50 % quoted, 20 % answered, 5 % won, 4 % lost, 3 % spam.
"""
import random
import sqlite3
import sys
import time

db, n = sys.argv[1], int(sys.argv[2])
seed = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seed" \
    else 1
rng = random.Random(seed)
now = int(time.time())
REPS = ["Rep %d <rep%d@example-gifts.com>" % (i, i) for i in range(8)]
COUNTRIES = ["DE", "US", "BR", "IN", "KE", "PL", "FR", "ES", "IT", "GB",
             "MX", "CL", "ZA", "NG", "AE", "SA", "TR", "VN", "ID", "AU"]
CATS = ["speakers", "power banks", "lamps", "bags", "flasks", "cables",
        "chargers", "watches", "umbrellas", "pens", "mugs", "caps"]

con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
cur = con.cursor()
cur.execute("BEGIN")
msgs, inqs, evs, companies, contacts = [], [], [], [], []
ncompanies = 0
for i in range(1, n + 1):
    t = now - rng.randrange(365 * 86400)
    spam = rng.random() < 0.03
    if ncompanies and rng.random() < 0.2:
        company = rng.randrange(1, ncompanies + 1)
    else:
        ncompanies += 1
        company = ncompanies
        companies.append((company, "company%d.example" % company,
                          "Company %d" % company, rng.choice(COUNTRIES),
                          t, t))
    contacts.append((i, "buyer%d@company%d.example" % (i, company), company,
                     t, t))
    subject = "RFQ %d: %s" % (i, rng.choice(CATS))
    msgs.append((i, "bench", "INBOX", 1, i, "imap", "m%d@bench.example" % i,
                 "h%d" % i, "Buyer %d" % i, contacts[-1][1],
                 "sales@example-gifts.com", subject, t, t, 4000, "ok"))
    status = "spam" if spam else "drafted"
    evs.append((i, "received", t, "INBOX"))
    evs.append((i, "classified", t + 2, "inquiryd"))
    if not spam:
        evs.append((i, "drafted", t + 3, "inquiryd"))
        evs.append((i, "delivered", t + 4, "Drafts"))
        r = rng.random()
        if r < 0.7:
            rt = t + rng.randrange(600, 96 * 3600)
            evs.append((i, "replied", rt, "bench"))
            status = "replied"
            if r < 0.5:
                evs.append((i, "quote_sent", rt, "bench"))
                status = "quoted"
            if rng.random() < 0.3:
                evs.append((i, "answered", rt + rng.randrange(3600, 86400 * 5),
                            "buyer"))
                status = "answered"
            w = rng.random()
            if w < 0.07:
                evs.append((i, "won", rt + 86400 * 7, "mark"))
                status = "won"
            elif w < 0.13:
                evs.append((i, "lost", rt + 86400 * 7, "mark"))
                status = "lost"
    else:
        evs.append((i, "spam", t + 2, "inquiryd"))
    inqs.append((i, i, "bench", REPS[company % len(REPS)], i, company,
                 "spam" if spam else rng.choice(["vague", "detailed"]),
                 status, rng.choice(COUNTRIES), rng.choice(CATS), subject,
                 "Buyer %d" % i, contacts[-1][1], t, t, t,
                 subject.lower()))
cur.executemany("INSERT INTO companies (id, domain, name, country,"
                " created_at, updated_at) VALUES (?,?,?,?,?,?)", companies)
cur.executemany("INSERT INTO contacts (id, email, company_id, created_at,"
                " updated_at) VALUES (?,?,?,?,?)", contacts)
cur.executemany("INSERT INTO messages (id, account, mailbox, uidvalidity,"
                " uid, source, message_id, body_hash, from_name, from_addr,"
                " to_addr, subject, date, received_at, size, status)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", msgs)
cur.executemany("INSERT INTO inquiries (id, msg_id, account, rep,"
                " contact_id, company_id, class, status, country, category,"
                " subject, sender_name, sender_email, received_at,"
                " created_at, updated_at, thread_subject)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", inqs)
cur.executemany("INSERT INTO events (inquiry_id, type, at, source)"
                " VALUES (?,?,?,?)", evs)
con.commit()
con.close()
print("%d inquiries, %d events" % (n, len(evs)))
