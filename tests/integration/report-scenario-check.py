#!/usr/bin/python3
"""tests/integration/report-scenario-check.py - compare what "inquiryd
report" printed with the numbers report-scenario.py worked out.

    report-scenario-check.py KIND EXPECTED.json FILE [GROUP] [LIST.json]

KIND: table (the terminal table; GROUP: country, rep or none), json,
xlsx (numbers read with openpyxl, the charts from the zip), unanswered
(report --unanswered --json against list --json).  Prints one line per
check: "PASS<TAB>name" or "FAIL<TAB>name<TAB>why".
"""
import json
import re
import sys
import zipfile

STEPS = ["received", "drafted", "replied", "quoted", "answered", "won",
         "lost"]
out = []


def check(name, good, why=""):
    out.append("%s\t%s%s" % ("PASS" if good else "FAIL", name,
                             "" if good else "\t" + str(why)))


def close(a, b, tol):
    return a is not None and abs(float(a) - float(b)) <= tol


def group_key(kind):
    return {"country": "by_country", "rep": "by_rep",
            "week": "by_week"}.get(kind)


def table(exp, path, by):
    text = open(path, encoding="utf-8").read().splitlines()
    rows = {}
    rate = None
    for line in text:
        tok = line.split()
        if len(tok) >= 12 and all(re.fullmatch(r"-?[0-9.]+", t)
                                  for t in tok[-11:]):
            rows[" ".join(tok[:-11])] = tok[-11:]
        elif tok and tok[0] == "rate" and len(tok) == 8:
            rate = [float(t.rstrip("%")) for t in tok[1:]]
    want = {"total": exp["total"]}
    if by != "none":
        want.update(exp[group_key(by)])
    check("table: one row per group and the total", set(rows) == set(want),
          "rows %s, want %s" % (sorted(rows), sorted(want)))
    for key, w in sorted(want.items()):
        got = rows.get(key)
        if not got:
            continue
        counts = [int(x) for x in got[:8]]
        wc = [w["funnel"][s] for s in STEPS] + [w["spam"]]
        check("table %s: funnel %s" % (key, wc), counts == wc, counts)
        hrs = [float(x) for x in got[8:]]
        wh = [w["response_hours"]["median"], w["response_hours"]["p90"],
              w["quote_hours"]["median"]]
        check("table %s: hours reply50 %.1f reply90 %.1f quote50 %.1f"
              % (key, wh[0], wh[1], wh[2]),
              all(close(g, x, 0.051) for g, x in zip(hrs, wh)), hrs)
    wr = [100.0 * exp["total"]["funnel"][s] / exp["total"]["funnel"][
        "received"] for s in STEPS]
    check("table: rates %s" % ["%.0f%%" % x for x in wr], rate is not None
          and all(close(g, x, 0.51) for g, x in zip(rate, wr)), rate)


def json_funnel(name, got, w):
    check("%s: funnel" % name, got.get("funnel") == w["funnel"],
          "%s want %s" % (got.get("funnel"), w["funnel"]))
    check("%s: spam" % name, got.get("spam") == w["spam"], got.get("spam"))
    rates = got.get("rates", {})
    check("%s: rates" % name, all(close(rates.get(s), w["rates"][s], 1e-5)
                                  for s in STEPS[1:]), rates)
    for h in ("response_hours", "quote_hours"):
        g, x = got.get(h, {}), w[h]
        check("%s: %s median %.3f p90 %.3f count %d" % (
            name, h, x["median"], x["p90"], x["count"]),
            close(g.get("median"), x["median"], 1e-3) and
            close(g.get("p90"), x["p90"], 1e-3) and
            g.get("count") == x["count"], g)


def jsonrep(exp, path, by):
    got = json.load(open(path, encoding="utf-8"))
    json_funnel("json total", got, exp["total"])
    if by == "none":
        check("json: no groups", got.get("groups") == [], got.get("groups"))
        return
    want = exp[group_key(by)]
    groups = {g["key"]: g for g in got.get("groups", [])}
    check("json by %s: groups %s" % (by, sorted(want)),
          sorted(groups) == sorted(want), sorted(groups))
    for key, w in sorted(want.items()):
        if key in groups:
            json_funnel("json %s" % key, groups[key], w)


def xlsx(exp, path, by):
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True)
    check("xlsx: sheets Funnel, By %s, Weekly" % by,
          wb.sheetnames == ["Funnel", "By " + by, "Weekly"], wb.sheetnames)
    ws = wb["Funnel"]
    cells = {}
    for row in ws.iter_rows(values_only=True):
        if row and isinstance(row[0], str):
            cells[row[0]] = row[1:]
    t = exp["total"]
    got = [cells.get(s, (None,))[0] for s in STEPS]
    check("xlsx Funnel: counts", got == [t["funnel"][s] for s in STEPS],
          got)
    got = [cells.get(s, (None, None))[1] for s in STEPS[1:]]
    check("xlsx Funnel: rates", all(close(g, t["rates"][s], 1e-9)
                                    for g, s in zip(got, STEPS[1:])), got)
    check("xlsx Funnel: spam", cells.get("spam (not counted)",
                                         (None,))[0] == 0, cells)
    for label, h in (("first reply", "response_hours"),
                     ("first quote", "quote_hours")):
        g = cells.get(label, (None, None, None))
        check("xlsx Funnel: hours to %s" % label,
              close(g[0], t[h]["median"], 1e-6) and
              close(g[1], t[h]["p90"], 1e-6) and g[2] == t[h]["count"], g)

    def grouped(sheet, want, total):
        rows = {}
        for row in wb[sheet].iter_rows(min_row=2, values_only=True):
            if row and row[0] is not None:
                rows[row[0]] = row[1:]
        keys = dict(want)
        if total:
            keys["total"] = exp["total"]
        check("xlsx %s: rows %s" % (sheet, sorted(keys)),
              sorted(rows) == sorted(keys), sorted(rows))
        for key, w in sorted(keys.items()):
            g = rows.get(key)
            if not g:
                continue
            wc = [w["funnel"][s] for s in STEPS] + [w["spam"]]
            check("xlsx %s %s: funnel" % (sheet, key),
                  list(g[:8]) == wc, "%s want %s" % (g[:8], wc))
            wh = [w["response_hours"]["median"], w["response_hours"]["p90"],
                  w["quote_hours"]["median"]]
            check("xlsx %s %s: hours" % (sheet, key),
                  all(close(a, b, 1e-6) for a, b in zip(g[8:11], wh)),
                  "%s want %s" % (g[8:11], wh))
        return len(rows)

    grouped("By " + by, exp[group_key(by)], True)
    nweeks = grouped("Weekly", exp["by_week"], False)

    # openpyxl drops charts on load: read them from the zip.
    z = zipfile.ZipFile(path)
    charts = sorted(n for n in z.namelist()
                    if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
    check("xlsx: two charts", len(charts) == 2, charts)
    kinds = {}
    for n in charts:
        x = z.read(n).decode()
        kind = "bar" if "<c:barChart>" in x else \
            "line" if "<c:lineChart>" in x else "?"
        kinds[kind] = x
    f = kinds.get("bar", "")
    check("xlsx: the funnel chart is horizontal bars over Funnel!A5:B11",
          '<c:barDir val="bar"/>' in f and "Funnel!$A$5:$A$11" in f and
          "Funnel!$B$5:$B$11" in f, f[:300])
    w = kinds.get("line", "")
    last = 1 + nweeks
    refs = ["Weekly!$%s$2:$%s$%d" % (c, c, last) for c in "ABDE"]
    check("xlsx: the weekly chart is lines over %s" % ", ".join(refs),
          all(r in w for r in refs), w[:300])
    rels = " ".join(z.read(n).decode() for n in z.namelist()
                    if n.startswith("xl/drawings/_rels/"))
    check("xlsx: both charts are placed in a drawing",
          all(c.split("/")[-1] in rels for c in charts), rels[:300])


def unanswered(exp, path, listpath):
    got = json.load(open(path, encoding="utf-8"))
    ids = {q["id"]: q["message_id"] for q in json.load(
        open(listpath, encoding="utf-8"))}
    order = [ids.get(u["id"]) for u in got]
    check("unanswered: exactly the %d unreplied, oldest first" %
          len(exp["unanswered"]), order == exp["unanswered"],
          "got %s" % order)
    reps = {ids.get(u["id"]): u.get("rep") for u in got}
    bad = [r for r in exp["repeats"] if reps.get(r["message_id"]) != r["rep"]]
    check("unanswered: the repeat companies' inquiries show their rep",
          not bad, bad)


def main():
    kind, exp = sys.argv[1], json.load(open(sys.argv[2]))
    path = sys.argv[3]
    by = sys.argv[4] if len(sys.argv) > 4 else "none"
    try:
        if kind == "table":
            table(exp, path, by)
        elif kind == "json":
            jsonrep(exp, path, by)
        elif kind == "xlsx":
            xlsx(exp, path, by)
        elif kind == "unanswered":
            unanswered(exp, path, by)
    except Exception as ex:	# a broken output is a failed check
        check("%s: %s is readable" % (kind, path), False, repr(ex))
    print("\n".join(out))


if __name__ == "__main__":
    main()
