#!/bin/sh
# digest.sh - the daily digest mail against a real SMTP server (aiosmtpd,
# tests/lib/smtpsrv.py) on loopback: "inquiryd digest --dry-run" shows
# each rep's unanswered inquiries oldest first with their age and the
# manager's funnel; "inquiryd run" sends nothing while [digest] is off,
# sends it once when on, and a restart the same day does not send it
# again; "digest --rep" sends one rep's now.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"
. "$INQUIRYD_TOP/tests/lib/poll.sh"

T=$(tap_tmpdir)
smtp_pid=
cleanup() {
	[ -n "$smtp_pid" ] && kill "$smtp_pid" 2>/dev/null
	[ -n "${RUN_PID:-}" ] && kill "$RUN_PID" 2>/dev/null
	dovecot_cleanup
}
trap cleanup EXIT

if ! have_parser; then
	skip "digest" "the MIME parser has not landed in this tree"
	done_testing
fi
DOVECOT_USER=alice@example.test
DOVECOT_EXTRA_USERS=bob@example.test
if ! dovecot_start "$T/dc"; then
	not_ok "private Dovecot starts"
	done_testing
fi
mkdir -p "$T/smtp"
"$PY" "$INQUIRYD_TOP/tests/lib/smtpsrv.py" "$DOVECOT_DIR/tls/server.crt" \
    "$DOVECOT_DIR/tls/server.key" "$T/smtp" >"$T/smtp.log" 2>&1 </dev/null &
smtp_pid=$!
wait_until 10 test -s "$T/smtp/smtp-ports"
if ! read -r smtps starttls plain <"$T/smtp/smtp-ports"; then
	not_ok "the SMTP server starts" "$(cat "$T/smtp.log")"
	done_testing
fi
ok "Dovecot and aiosmtpd up on loopback"

dovecot_account_conf "$T/alice.acct" alice imaps \
    "rep = Alice Wang <alice@example-gifts.com>" "idle = no"
(
	DOVECOT_USER=bob@example.test
	dovecot_account_conf "$T/bob.acct" bob imaps \
	    "rep = Bob Li <bob@example-gifts.com>" "idle = no"
)
umask 077
echo s3cret >"$T/smtp.password"
umask 022
# conf FILE ENABLED: the config with [smtp] and [digest].
conf() {
	POLL_GENERAL= poll_conf "$1" "$T/w" "$T/alice.acct" "$T/bob.acct"
	cat >>"$1" <<EOF

[smtp]
url = smtps://127.0.0.1:$smtps
user = rep
password_file = $T/smtp.password
ca_file = $DOVECOT_CA

[digest]
enabled = $2
hour = 0
manager = Mia Manager <mia@example-gifts.com>
from = Sales robot <robot@example-gifts.com>
EOF
}
conf "$T/off.conf" no
conf "$T/on.conf" yes
inq() { "$INQUIRYD_BIN" -c "$T/off.conf" "$@"; }

# Inquiries with known dates: alice 3 (one of them lost), bob 2.
mk() {
	# mk FILE DAYS_AGO MSGID SUBJECT
	{
		printf 'From: Buyer %s <buyer@%s.example>\n' "$3" "$3"
		printf 'To: Sales <sales@example-gifts.com>\n'
		printf 'Subject: %s\n' "$4"
		printf 'Date: %s\n' "$(date -u -R -d "@$(( $(date +%s) - $2 * 86400 ))")"
		printf 'Message-ID: <%s@%s.example>\n' "$3" "$3"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n'
		printf 'Dear Sales Team,\n\nPlease quote your best price for 2,000 pcs power bank 10000 mAh,\nFOB Shenzhen, with our logo.  What is the lead time?\n\n'
		printf 'Best regards,\nBuyer %s\nPurchasing Manager\n%s Trading GmbH\nHamburg, Germany\n' "$3" "$3"
	} >"$1"
}
mk "$T/a1.eml" 3 acme "RFQ power banks (oldest)"
mk "$T/a2.eml" 1 bolt "RFQ power banks (newer)"
mk "$T/a3.eml" 2 cray "RFQ power banks (lost)"
mk "$T/b1.eml" 5 delta "RFQ power banks for Bob"
mk "$T/b2.eml" 4 echo "RFQ power banks for Bob too"
inq import --account alice "$T/a1.eml" "$T/a2.eml" "$T/a3.eml" \
    >"$T/import.out" 2>&1
inq import --account bob "$T/b1.eml" "$T/b2.eml" >>"$T/import.out" 2>&1
is "5 inquiries imported" "$(db_q "$T/off.conf" "SELECT count(*) FROM inquiries")" 5
inq mark "$(db_q "$T/off.conf" "SELECT q.id FROM inquiries q JOIN messages m ON m.id = q.msg_id WHERE m.message_id = 'cray@cray.example'")" lost >/dev/null

# --dry-run: the mails, printed.
inq digest --dry-run >"$T/dry.out" 2>"$T/dry.err"
is "digest --dry-run exits 0" "$?" 0
is "three mails: alice, bob, the manager" \
    "$(grep '^=== digest for' "$T/dry.out" | sed 's/ (to .*//' | tr '\n' '|')" \
    "=== digest for Alice Wang <alice@example-gifts.com>|=== digest for Bob Li <bob@example-gifts.com>|=== digest for manager|"
# The text parts are quoted-printable or plain; decode them in Python.
"$PY" - "$T/dry.out" "$T/dry" <<'EOF'
import email, email.policy, sys
parts = open(sys.argv[1], encoding="utf-8").read().split("=== digest for ")[1:]
for i, p in enumerate(parts):
    raw = p.split("\n", 1)[1]
    m = email.message_from_string(raw, policy=email.policy.default)
    with open("%s.%d" % (sys.argv[2], i), "w") as f:
        f.write("To: %s\nFrom: %s\nSubject: %s\n\n" % (m["To"], m["From"],
                                                      m["Subject"]))
        f.write(m.get_body(("plain",)).get_content())
EOF
order=$(grep -o 'RFQ power banks ([a-z]*)' "$T/dry.0" | tr '\n' '|')
is "alice's: her 2 unanswered, oldest first (not the lost one)" "$order" \
    "RFQ power banks (oldest)|RFQ power banks (newer)|"
if grep -q '^Subject: Inquiry digest .*: 2 waiting for your reply' "$T/dry.0" &&
    grep -q '^To: Alice Wang <alice@example-gifts.com>' "$T/dry.0" &&
    grep -q '^From: Sales robot <robot@example-gifts.com>' "$T/dry.0" &&
    grep -Eq '  7[0-9]h  ' "$T/dry.0"; then
	ok "alice's: to her, from [digest] from, the age in hours (72h)"
else
	not_ok "alice's headers and ages" "$(cat "$T/dry.0")"
fi
is "bob's: his 2, oldest first" \
    "$(grep -o 'RFQ power banks for Bob[a-z ]*' "$T/dry.1" | tr '\n' '|')" \
    "RFQ power banks for Bob|RFQ power banks for Bob too|"
if grep -q '^To: Mia Manager <mia@example-gifts.com>' "$T/dry.2" &&
    grep -Eq '^total +5 +5 +0 +0 +0 +0 +1 ' "$T/dry.2" &&
    grep -Eq 'Alice Wang <alice@example-gifts.com> +2, the oldest 7[0-9]h' "$T/dry.2" &&
    grep -q 'Subject: Inquiry digest .*: 5 received, 0 replied, 0 quoted, 4 waiting' "$T/dry.2"; then
	ok "the manager's: the week's funnel by rep, who has what waiting"
else
	not_ok "the manager's digest" "$(cat "$T/dry.2")"
fi
# What a rep and the manager read (in the log, for a human).
sed 's/^/# /' "$T/dry.0" "$T/dry.2"
inq digest --dry-run --rep bob >"$T/dry-bob.out" 2>&1
is "--rep bob (the account name): only bob's" \
    "$(grep -c '^=== digest for' "$T/dry-bob.out"),$(grep -c 'digest for Bob Li' "$T/dry-bob.out")" "1,1"
is "nothing was sent by --dry-run" "$(ls "$T/smtp" | grep -c '\.eml$')" 0

# The daemon: off by default, nothing sent.
run_start off "$T/off.conf"
sleep 3
run_stop "$RUN_PID"
RUN_PID=
is "run with [digest] enabled = no sends nothing" \
    "$(ls "$T/smtp" | grep -c '\.eml$')" 0

run_start on "$T/on.conf"
if wait_until 20 sh -c "[ \$(ls '$T/smtp' | grep -c '\\.eml\$') -ge 3 ]"; then
	ok "run with [digest] enabled = yes sends it"
else
	not_ok "the daemon sends the digest" "$(tail -n 20 "$T/on.log")"
fi
sleep 1
run_stop "$RUN_PID"
RUN_PID=
is "three mails, to alice, bob and the manager" \
    "$(cat "$T"/smtp/msg-*.env | sed -n 's/^to //p' | sort | tr '\n' ' ')" \
    "alice@example-gifts.com bob@example-gifts.com mia@example-gifts.com "
is "the envelope sender is [digest] from" \
    "$(cat "$T"/smtp/msg-*.env | sed -n 's/^from //p' | sort -u)" \
    "robot@example-gifts.com"
is "the day is in the store" \
    "$(db_q "$T/on.conf" "SELECT value FROM state WHERE key = 'digest_day'")" \
    "$(date +%Y-%m-%d)"
run_start again "$T/on.conf"
sleep 4
run_stop "$RUN_PID"
RUN_PID=
is "a restart the same day does not send it again" \
    "$(ls "$T/smtp" | grep -c '\.eml$')" 3

"$INQUIRYD_BIN" -c "$T/on.conf" digest --rep "Bob Li" >"$T/bob.out" \
    2>"$T/bob.err"
is "digest --rep sends that rep's now" \
    "$(cat "$T/bob.out"),$(ls "$T/smtp" | grep -c '\.eml$')" \
    "digest sent to bob@example-gifts.com,4"
sed -i 's/^url = smtps:.*/url =/' "$T/off.conf"
inq digest >"$T/nosmtp.out" 2>&1
is "digest without [smtp] url: exit 2" "$?" 2

done_testing
