#!/bin/sh
# report-scenario.sh - issue 8's scenario end to end: 60 inquiries to 3
# reps (one Dovecot user each), 40 replies APPENDed to the reps' Sent
# folders (30 with a quote, 8 threaded by subject only), 12 customer
# follow-ups, 4 won and 3 lost, 2 inquiries from companies another rep
# handled before.  tests/integration/report-scenario.py writes the mail
# and works the numbers out by itself; every figure of "report" (table,
# --json, --by rep/country, --xlsx read back with openpyxl, the charts in
# the zip) and of "report --unanswered" must equal them.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"
. "$INQUIRYD_TOP/tests/lib/poll.sh"

T=$(tap_tmpdir)
trap 'dovecot_cleanup' EXIT
HERE=$INQUIRYD_TOP/tests/integration
REPS="alice bob carol"

if ! have_parser; then
	skip "report scenario" "the MIME parser has not landed in this tree"
	done_testing
fi
if ! "$PY" -c 'import openpyxl' 2>/dev/null; then
	skip "report scenario" "python3-openpyxl is not installed (contrib/install-deps)"
	done_testing
fi
if ! "$PY" "$HERE/report-scenario.py" "$T/sc"; then
	not_ok "the scenario is generated"
	done_testing
fi
EXP=$T/sc/expected.json

DOVECOT_USER=alice@example.test
DOVECOT_EXTRA_USERS="bob@example.test carol@example.test"
if ! dovecot_start "$T/dc"; then
	not_ok "private Dovecot starts with three users"
	done_testing
fi
ok "private Dovecot starts with three users"

expq() {
	"$PY" -c 'import json, sys
e = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    e = e[k]
print(e)' "$EXP" "$1"
}

for r in $REPS; do
	(
		DOVECOT_USER=$r@example.test
		dovecot_account_conf "$T/$r.acct" "$r" imaps \
		    "rep = $(expq "reps.$r")" "backfill_days = 0" "idle = no"
	)
done
poll_conf "$T/c.conf" "$T/w" "$T/alice.acct" "$T/bob.acct" "$T/carol.acct"

# append USER FOLDER DIR: IMAP APPEND of every DIR/*.eml as the user, the
# internal date taken from the Date header (as a mail client files it).
append() {
	[ -d "$3" ] || return 0
	"$PY" - "$1" "$2" "$3" <<'EOF'
import email.utils, imaplib, os, ssl, sys
user, folder, d = sys.argv[1:4]
ctx = ssl.create_default_context(cafile=os.environ["DOVECOT_CA"])
ctx.check_hostname = False
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["DOVECOT_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login(user, os.environ["DOVECOT_PASS"])
for f in sorted(os.listdir(d)):
    raw = open(os.path.join(d, f), "rb").read().replace(b"\n", b"\r\n")
    date = [l for l in raw.split(b"\r\n") if l.startswith(b"Date: ")][0]
    t = email.utils.parsedate_to_datetime(date[6:].decode())
    typ, _ = m.append(folder, None, imaplib.Time2Internaldate(t), raw)
    if typ != "OK":
        sys.exit("APPEND %s to %s failed" % (f, folder))
m.logout()
EOF
}
deliver() {
	for r in $REPS; do
		append "$r@example.test" INBOX "$T/sc/$1/$r/inbox" || return 1
		append "$r@example.test" Sent "$T/sc/$1/$r/sent" || return 1
	done
}
poll() {
	"$INQUIRYD_BIN" -c "$T/c.conf" poll --once >"$T/$1.out" 2>"$T/$1.err"
	echo $? >"$T/$1.rc"
}
check_poll() {
	if [ "$(cat "$T/$1.rc")" = 0 ]; then
		ok "$2"
	else
		not_ok "$2" "$(tail -n 12 "$T/$1.err")"
	fi
}
count() {
	db_q "$T/c.conf" "SELECT count(*) FROM inquiries WHERE $1"
}

# Round 1: 58 inquiries.
check "58 inquiries APPENDed to three INBOXes" deliver round1
poll first
check_poll first "poll --once reads the three accounts"
is "58 inquiries, all drafted, none spam" \
    "$(count "status = 'drafted'"),$(count "class = 'spam'")" "58,0"
is "each rep has the inquiries of their mailbox" \
    "$(db_q "$T/c.conf" "SELECT account || ':' || count(*) FROM inquiries GROUP BY account ORDER BY account" | tr '\n' ' ')" \
    "alice:20 bob:19 carol:19 "

# Round 2: the reps' replies in their Sent folders; 2 new inquiries from
# companies that another rep handled before.
check "40 replies APPENDed to the Sent folders, 2 inquiries to INBOX" \
    deliver round2
poll second
check_poll second "poll --once reads the Sent folders"
is "replied 10, quoted 30 (8 of them threaded by subject only)" \
    "$(count "status = 'replied'"),$(count "status = 'quoted'")" "10,30"
is "sent mail is never an inquiry" "$(count "1")" 60

# Round 3: 10 answers to our replies, 2 reminders on unreplied inquiries.
check "12 follow-ups APPENDed to INBOX" deliver round3
poll third
check_poll third "poll --once reads the follow-ups"
is "10 answered, still 60 inquiries" \
    "$(count "status = 'answered'"),$(count "1")" "10,60"
is "the reminders are in the history of unreplied inquiries" \
    "$(db_q "$T/c.conf" "SELECT count(*) FROM events e JOIN inquiries q ON q.id = e.inquiry_id WHERE e.type = 'followup' AND q.status = 'drafted'")" 2

"$INQUIRYD_BIN" -c "$T/c.conf" list --limit 1000 --json >"$T/list.json" \
    2>"$T/list.err"
id_of() {
	"$PY" -c 'import json, sys
for q in json.load(open(sys.argv[1])):
    if q["message_id"] == sys.argv[2]:
        print(q["id"])' "$T/list.json" "$1"
}
"$PY" -c 'import json, sys
for k, v in sorted(json.load(open(sys.argv[1]))["marks"].items()):
    print(k, v)' "$EXP" >"$T/marks"
_bad=
while read -r mid st; do
	"$INQUIRYD_BIN" -c "$T/c.conf" mark "$(id_of "$mid")" "$st" \
	    >>"$T/mark.out" 2>&1 || _bad="$_bad $mid"
done <"$T/marks"
is "4 marked won, 3 lost" "$_bad,$(count "status = 'won'"),$(count "status = 'lost'")" ",4,3"

# The report, every way.
report() {
	_name=$1
	shift
	"$INQUIRYD_BIN" -c "$T/c.conf" report "$@" >"$T/$_name" \
	    2>"$T/$_name.err"
	echo $? >"$T/$_name.rc"
}
verify() {
	# verify KIND FILE [GROUP] [LIST]: one TAP line per check.
	if [ "$(cat "$T/$2.rc")" != 0 ]; then
		not_ok "report ($2) exits 0" "$(tail -n 5 "$T/$2.err")"
		return
	fi
	"$PY" "$HERE/report-scenario-check.py" "$1" "$EXP" "$T/$2" \
	    ${3:+"$3"} >"$T/$2.check" 2>&1
	[ -s "$T/$2.check" ] || echo "FAIL	$2 checked	no output" >"$T/$2.check"
	while IFS='	' read -r res name why; do
		if [ "$res" = PASS ]; then
			ok "$name"
		else
			not_ok "$name" "$why"
		fi
	done <"$T/$2.check"
}
report table.txt
verify table table.txt none
report by-country.txt --by country
verify table by-country.txt country
report total.json --json
verify json total.json none
report by-rep.json --by rep --json
verify json by-rep.json rep
report by-country.json --by country --json
verify json by-country.json country
report xlsx.out --by country --xlsx "$T/report.xlsx"
cp "$T/xlsx.out.rc" "$T/report.xlsx.rc"
cp "$T/xlsx.out.err" "$T/report.xlsx.err"
verify xlsx report.xlsx country
report unanswered.json --unanswered --json
verify unanswered unanswered.json "$T/list.json"
report unanswered.txt --unanswered
is "report --unanswered prints the 20" "$(tail -n 1 "$T/unanswered.txt")" \
    "20 unanswered"

# Same buyer, same rep: the 2 repeat inquiries went to the rep who handled
# the company before, and show says why.
for i in 0 1; do
	set -- $("$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))["repeats"][int(sys.argv[2])]
print(r["message_id"], r["first_message_id"])' "$EXP" "$i")
	mid=$1
	first=$2
	want_rep=$("$PY" -c 'import json, sys
print(json.load(open(sys.argv[1]))["repeats"][int(sys.argv[2])]["rep"])' \
	    "$EXP" "$i")
	id=$(id_of "$mid")
	fid=$(id_of "$first")
	"$INQUIRYD_BIN" -c "$T/c.conf" show "$id" >"$T/show$i.out" 2>&1
	if grep -q "same company as inquiry #$fid" "$T/show$i.out" &&
	    grep -F -q "$want_rep" "$T/show$i.out"; then
		ok "repeat company $((i + 1)): rep $want_rep, show says 'same company as inquiry #$fid'"
	else
		not_ok "repeat company $((i + 1)): rep and reason" \
		    "$(grep -i rep "$T/show$i.out")"
	fi
done

done_testing
