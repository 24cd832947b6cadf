#!/bin/sh
# e2e.sh - issue 9's end-to-end benchmark (extends issue 3's poll.sh).
# A private Dovecot is seeded with N varied inquiries (1-20 KB, some
# HTML-only, some with attachments: tests/lib/mkmail.py; senders at 190
# fixture company domains and one in ten at gmail.com), then, in one run:
#   e2e drafts on   inquiryd poll --once: drafts, quotes and the Drafts
#                   APPEND on, enrichment against the loopback peers
#                   (dnsmasq with an A and an MX record per domain, the
#                   fixture web server over HTTPS; tests/integration/enrich)
#   e2e drafts off  the same with [general] drafts = no
#   the floors, each a bare loop doing only that work on the same data:
#     mbsync        isync pulling the same mailbox into a fresh Maildir
#     rules         the shipped rules' compiled patterns, PCRE2 JIT, over
#                   the same texts (rules-floor.c; its timed part only).
#                   It runs every pattern over every text, where
#                   classification skips those whose required literals
#                   are absent: it is heavier than inquiryd's classify
#                   stage (compare the stage's share), so read the ratios
#                   with that in mind.
#     xlsx          libxlsxwriter writing as many quote sheets of the same
#                   shape as inquiryd wrote (bench_floor_xlsx.c)
#     append        libetpan APPENDing the drafts inquiryd wrote
#                   (bench_floor_append.c)
# Floors' sum: drafts on = all four, drafts off = mbsync + rules.  Targets:
# e2e within 1.2x of its floors' sum, both modes; peak memory at the
# largest size no more than at the smallest plus 16 MiB, and at most
# 64 MiB (issue 3).  Per-stage shares come from inquiryd's own counters
# (poll --stats).  One markdown table, printed and written to
# build/bench/e2e.md; exit status 1 when a target is missed.
#
#   tests/bench/e2e.sh [--quick]
#   BENCH_SIZES="2000 20000"   the mailbox sizes (the default);
#                              --quick alone means BENCH_SIZES=200
TOP=${INQUIRYD_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
INQUIRYD_TOP=$TOP
export INQUIRYD_TOP
BIN=${INQUIRYD_BIN:-$TOP/inquiryd}
IMAP_FLOOR_LIB=1
. "$TOP/tests/bench/imap-floor.sh"
. "$TOP/tests/lib/poll.sh"

sizes=${BENCH_SIZES:-2000 20000}
if [ "${1:-}" = --quick ]; then
	sizes=${BENCH_SIZES:-200}
fi
NDOM=190		# company domains: d0001..d0199-bench.test, no slow ones
for tool in mbsync /usr/sbin/dnsmasq openssl sqlite3; do
	command -v "$tool" >/dev/null || {
		echo "e2e.sh: $tool is missing (make bench installs it)" >&2
		exit 1
	}
done
cd "$TOP" || exit 2
make -s --no-print-directory inquiryd build/bench/rules-floor \
    build/bench/bench_floor_xlsx build/bench/bench_floor_append || exit 1

# The loopback peers of the enrichment, once for every size.
doms=
j=1
while [ $j -lt 200 ]; do
	[ $((j % 20)) -eq 0 ] || doms="$doms $(printf 'd%04d-bench.test' $j)"
	j=$((j + 1))
done
dnsconf=$(mktemp "${TMPDIR:-/tmp}/inquiryd-e2e-dns.XXXXXX") || exit 1
for d in $doms; do
	printf 'host-record=%s,127.0.0.1\nmx-host=%s,mx.%s,10\n' "$d" "$d" "$d"
done >"$dnsconf"
ENRICH_DNS_EXTRA="--conf-file=$dnsconf"
ENRICH_TLS_EXTRA=$doms
. "$TOP/tests/integration/enrich/servers.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/inquiryd-bench-e2e.XXXXXX") || exit 1
trap 'dovecot_cleanup; enrich_cleanup; rm -rf "$T" "$dnsconf"' EXIT
trap 'exit 1' INT TERM
enrich_start_all >"$T/peers.out" || { cat "$T/peers.out"; exit 1; }

# e2e_conf FILE DIR DRAFTS(yes|no): the config of an e2e run.
e2e_conf() {
	dovecot_account_conf "$2.acct" bench imaps \
	    "url = imaps://localhost:$DOVECOT_IMAPS_PORT" "track_sent = no" \
	    "drafts = Drafts" "backfill_days = 0" "idle = no"
	mkdir -p "$2"
	cat >"$1" <<EOC
[general]
database = $2/db/inquiryd.db
drafts_dir = $2/drafts
quotes_dir = $2/quotes
rules_dir = $TOP/rules
templates_dir = $TOP/templates
catalog = $TOP/contrib/catalog.csv
drafts = $3

[company]
name = Shenzhen Example Gifts Co., Ltd.
domain = example-gifts.com

[enrich]
enabled = yes
dns_servers = $ENRICH_DNS
allow_networks = 127.0.0.0/8
ca_file = $ENRICH_CA
https_port = $ENRICH_HTTPS_PORT
http_port = $ENRICH_HTTP_PORT
timeout = 5

EOC
	cat "$2.acct" >>"$1"
}

# The senders: the fixture company domains, and gmail.com for one in ten.
e2e_senders() {
	"$PY" - "$1" $doms <<'EOP'
import os, re, sys
d, doms = sys.argv[1], sys.argv[2:]
for f in os.listdir(d):
    p = os.path.join(d, f)
    s = open(p).read()
    i = int(re.search(r"(\d+)\.eml$", f).group(1))
    dom = "gmail.com" if i % 10 == 5 else doms[(i * 7) % len(doms)]
    s = re.sub(r"(?m)^(From: .*<buyer\d+@)[^>]+>", r"\g<1>%s>" % dom, s, 1)
    open(p, "w").write(s)
EOP
}

# stage_shares FILE: "fetch 3% parse 2% ..." from poll --stats output.
stage_shares() {
	awk '/^  [a-z*]+ +[0-9.]+ s +[0-9.]+%$/ {
		sub(/\*/, "", $1); printf "%s%s %s", sep, $1, $4; sep = ", " }' \
	    "$1"
}

# sheet_items DIR: the item rows of the quote sheets (median of a sample).
sheet_items() {
	"$PY" - "$1" <<'EOP'
import os, sys, zipfile
d = sys.argv[1]
names = sorted(f for f in os.listdir(d) if f.endswith(".xlsx"))[:50]
n = []
for f in names:
    with zipfile.ZipFile(os.path.join(d, f)) as z:
        x = z.read("xl/worksheets/sheet1.xml").decode()
        n.append(max(1, x.count("<f>E")))
n.sort()
print(min(3, n[len(n) // 2]) if n else 1)
EOP
}

f3() {
	"$PY" -c "import sys; print('%.1f' % eval(sys.argv[1]))" "$1"
}
mib() {
	"$PY" -c "import sys; print('%.1f MiB' % (int(sys.argv[1]) / 1024))" "$1"
}

mkdir -p build/bench
md=build/bench/e2e.md
rows=$T/rows.md
: >"$rows"
status=0
peaks=
row() {
	printf '| %s | %s | %s | %s | %s |\n' "$@" >>"$rows"
}
for n in $sizes; do
	echo "== $n messages"
	dovecot_start || exit 1
	"$PY" "$TOP/tests/lib/mkmail.py" "$T/seed" "$n" --seed "$n" >/dev/null
	e2e_senders "$T/seed"
	dovecot_seed_dir INBOX "$T/seed"
	dovecot_create Drafts
	dovecot_count INBOX >/dev/null
	kb=$(du -sk "$DOVECOT_DIR/mail" | cut -f1)

	# Floor: mbsync.
	set -- $(bench_mbsync "$T/local")
	m_s=$1
	echo "  floor mbsync ${m_s}s"
	# Floor: the rules' patterns over the same texts.
	"$PY" tests/bench/timeit.py --keep "$T/rules.out" \
	    build/bench/rules-floor rules "$T/seed" >/dev/null
	r_s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$T/rules.out")
	echo "  floor rules ${r_s}s"

	# inquiryd, drafts on.
	e2e_conf "$T/on.conf" "$T/on" yes
	set -- $("$PY" tests/bench/timeit.py --keep "$T/on.out" \
	    "$BIN" -c "$T/on.conf" poll --once --stats)
	on_s=$1 on_rss=$2 on_rc=$3
	on_stored=$(db_q "$T/on.conf" "SELECT count(*) FROM messages")
	on_quotes=$(db_q "$T/on.conf" "SELECT count(*) FROM quotes")
	on_drafts=$(db_q "$T/on.conf" "SELECT count(*) FROM drafts")
	on_appended=$(dovecot_count Drafts)
	echo "  e2e drafts on ${on_s}s (status $on_rc, $on_stored stored," \
	    "$on_quotes quotes, $on_appended drafts appended)"

	# Floor: as many quote sheets of the same shape.
	items=$(sheet_items "$T/on/quotes")
	mkdir -p "$T/xlsx"
	build/bench/bench_floor_xlsx "$on_quotes" "$items" "$T/xlsx" \
	    >"$T/xlsx.out" || status=1
	x_s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$T/xlsx.out")
	rm -rf "$T/xlsx"
	echo "  floor xlsx ${x_s}s"
	# Floor: APPENDing the drafts inquiryd wrote.
	build/bench/bench_floor_append 127.0.0.1 "$DOVECOT_IMAPS_PORT" \
	    "$DOVECOT_USER" "$T/on.acct.password" FloorDrafts "$T/on/drafts" \
	    >"$T/append.out" || status=1
	a_s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$T/append.out")
	a_n=$(sed -n 's/^drafts=\([0-9]*\).*/\1/p' "$T/append.out")
	echo "  floor append ${a_s}s"
	rm -rf "$T/on/quotes" "$T/on/drafts"

	# inquiryd, drafts off.
	e2e_conf "$T/off.conf" "$T/off" no
	set -- $("$PY" tests/bench/timeit.py --keep "$T/off.out" \
	    "$BIN" -c "$T/off.conf" poll --once --stats)
	off_s=$1 off_rss=$2 off_rc=$3
	off_stored=$(db_q "$T/off.conf" "SELECT count(*) FROM messages")
	echo "  e2e drafts off ${off_s}s (status $off_rc, $off_stored stored)"

	sum_on=$(f3 "$m_s + $r_s + ${x_s:-0} + ${a_s:-0}")
	sum_off=$(f3 "$m_s + $r_s")
	ratio_on=$("$PY" -c "print('%.2f' % ($on_s / max($sum_on, 0.001)))")
	ratio_off=$("$PY" -c "print('%.2f' % ($off_s / max($sum_off, 0.001)))")
	v_on=PASS v_off=PASS
	awk -v r="$ratio_on" 'BEGIN { exit !(r <= 1.2) }' || { v_on=MISS; status=1; }
	awk -v r="$ratio_off" 'BEGIN { exit !(r <= 1.2) }' || { v_off=MISS; status=1; }
	if [ "$on_rc" != 0 ] || [ "$on_stored" != "$n" ] ||
	    [ "$off_rc" != 0 ] || [ "$off_stored" != "$n" ]; then
		v_on="$v_on (FAILED: status $on_rc/$off_rc, stored $on_stored/$off_stored of $n)"
		status=1
	fi
	row "$n" "e2e drafts on" "$(f3 "$on_s")" "$(mib "$on_rss")" \
	    "$on_quotes quotes, $on_drafts drafts ($on_appended APPENDed); $(stage_shares "$T/on.out")"
	row "$n" "e2e drafts off" "$(f3 "$off_s")" "$(mib "$off_rss")" \
	    "$(stage_shares "$T/off.out")"
	row "$n" "floor mbsync" "$(f3 "$m_s")" "" "${kb} KiB of Maildir"
	row "$n" "floor rules (PCRE2 JIT)" "$(f3 "$r_s")" "" \
	    "$(sed -n 's/.*per_msg_ms=\([0-9.]*\).*/\1 ms a message/p' "$T/rules.out")"
	row "$n" "floor xlsx" "$(f3 "${x_s:-0}")" "" \
	    "$on_quotes sheets of $items item(s)"
	row "$n" "floor libetpan APPEND" "$(f3 "${a_s:-0}")" "" \
	    "${a_n:-0} drafts"
	row "$n" "floors' sum, drafts on" "$sum_on" "" "all four"
	row "$n" "floors' sum, drafts off" "$sum_off" "" "mbsync + rules"
	row "$n" "ratio drafts on" "$ratio_on" "" "target <= 1.2: $v_on"
	row "$n" "ratio drafts off" "$ratio_off" "" "target <= 1.2: $v_off"
	peak=$on_rss
	[ "$off_rss" -gt "$peak" ] && peak=$off_rss
	peaks="$peaks $peak"
	echo "# figure: e2e $n: on ${on_s}s/${sum_on}s=$ratio_on off ${off_s}s/${sum_off}s=$ratio_off peak ${peak} KiB"
	cp "$T/on.out" "build/bench/e2e-$n-on.out"
	cp "$T/off.out" "build/bench/e2e-$n-off.out"
	dovecot_cleanup
	rm -rf "$T/seed" "$T/local" "$T/on" "$T/off"
done
set -- $peaks
first=$1
eval "last=\${$#}"
v=PASS
[ "$last" -le $((first + 16384)) ] || { v=MISS; status=1; }
[ "$last" -le 65536 ] || { v="$v; MISS (above 64 MiB)"; status=1; }
set -- $sizes
eval "lastn=\${$#}"
row "$1 -> $lastn" "peak memory" "" "$(mib "$first") -> $(mib "$last")" \
    "target: at most +16 MiB and 64 MiB: $v"
{
	echo "end to end, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
	    "load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo
	echo "| messages | what | seconds | peak RSS | detail |"
	echo "|---|---|---:|---:|---|"
	cat "$rows"
} >"$md"
cat "$md"
exit $status
