#!/bin/sh
# tests/integration/send.sh - "inquiryd send ID" against a real SMTP server
# (aiosmtpd) and Dovecot's Sent folder on loopback: the message received is
# byte for byte the reviewed draft (plus transport headers), it is filed
# in Sent, the inquiry moves to quoted, and it is not sent twice.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"
. "$INQUIRYD_TOP/tests/lib/conf.sh"

py=/usr/bin/python3
tmp=$(tap_tmpdir)
smtp_pid=
cleanup() {
	[ -n "$smtp_pid" ] && kill "$smtp_pid" 2>/dev/null
	dovecot_cleanup
}
trap cleanup EXIT

if ! dovecot_start "$tmp/dc"; then
	not_ok "start Dovecot" "$(tail -5 "$DOVECOT_LOG" 2>/dev/null)"
	done_testing
fi
mkdir -p "$tmp/smtp"
$py "$INQUIRYD_TOP/tests/lib/smtpsrv.py" "$DOVECOT_DIR/tls/server.crt" \
    "$DOVECOT_DIR/tls/server.key" "$tmp/smtp" >"$tmp/smtp.log" 2>&1 </dev/null &
smtp_pid=$!
i=0
while [ ! -s "$tmp/smtp/smtp-ports" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if ! read -r smtps starttls plain <"$tmp/smtp/smtp-ports"; then
	not_ok "start the SMTP server" "$(cat "$tmp/smtp.log")"
	done_testing
fi
ok "Dovecot and aiosmtpd up on loopback"

conf=$tmp/inquiryd.conf
{ files_conf "$tmp" "$tmp"; smtp_conf "$smtps" "$tmp/smtp.password"; } \
    >"$conf"
dovecot_account_conf "$tmp/acct" sales imaps \
    "rep = Alice Wang <alice@example-gifts.com>"
cat "$tmp/acct" >>"$conf"
inq() { "$INQUIRYD_BIN" -c "$conf" "$@"; }
json() { $py -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

inq import -q --account sales "$INQUIRYD_TOP/contrib/samples/01-en-detailed-speakers.eml" >/dev/null 2>&1
id=$(inq list --json | json "d[0]['id']")
draft=$(inq show --json "$id" | json "d['draft_path']")
[ -f "$draft" ] && ok "inquiry #$id has a draft" || not_ok "inquiry #$id has a draft"
# The rep reviews the draft: an edit in the text part.
sed 's/^Dear /Dear dear /' "$draft" >"$draft.new" && mv "$draft.new" "$draft"
cp "$draft" "$tmp/reviewed.eml"

inq send "$id" >"$tmp/send.out" 2>&1
is "send exits 0" "$?" 0
check "send says where it went" grep -q "sent to jick.smith@acme-trading.example" "$tmp/send.out"
check "send filed the copy in Sent" grep -q "filed in the Sent folder" "$tmp/send.out"
got=$(ls "$tmp/smtp"/msg-*.eml 2>/dev/null | head -1)
if [ -n "$got" ] && cmp -s "$got" "$tmp/reviewed.eml"; then
	ok "the server received the reviewed draft byte for byte"
elif [ -n "$got" ]; then
	# aiosmtpd adds nothing; if anything differs, show where.
	not_ok "the server received the reviewed draft byte for byte" \
	    "$(cmp "$got" "$tmp/reviewed.eml")"
else
	not_ok "the server received the reviewed draft byte for byte" \
	    "$(cat "$tmp/smtp.log")"
fi
check "the envelope is from the rep to the customer" sh -c \
    "grep -q 'from alice@example-gifts.com' '$tmp/smtp/msg-1.env' && grep -q 'to jick.smith@acme-trading.example' '$tmp/smtp/msg-1.env'"
is "the Sent folder holds one copy" "$(dovecot_count Sent)" 1
is "the inquiry is quoted (the sheet was attached)" \
    "$(inq show --json "$id" | json "d['status']")" quoted
check "its history says replied and quote_sent" sh -c \
    "'$INQUIRYD_BIN' -c '$conf' show --json $id | $py -c '
import json, sys
t = [e[\"type\"] for e in json.load(sys.stdin)[\"events\"]]
assert \"replied\" in t and \"quote_sent\" in t, t'"

inq send "$id" >"$tmp/send2.out" 2>&1
is "a second send is refused with exit 2" "$?" 2
check "and says why" grep -q "was sent already" "$tmp/send2.out"
is "nothing more was received" "$(ls "$tmp/smtp"/msg-*.eml | wc -l)" 1

# STARTTLS, and a wrong password (a permanent error, no retry advice).
sed -i "s|^url = smtps://127.0.0.1:$smtps|url = smtp://127.0.0.1:$starttls|" "$conf"
inq send --force --no-sent "$id" >/dev/null 2>&1
is "send over STARTTLS exits 0" "$?" 0
is "the STARTTLS server received it" "$(ls "$tmp/smtp"/msg-*.eml | wc -l)" 2
echo wrong >"$tmp/smtp.password"
inq send --force --no-sent "$id" >"$tmp/send3.out" 2>&1
is "a wrong SMTP password fails with exit 1" "$?" 1
check "and names the failure" grep -qi "not sent" "$tmp/send3.out"
# A server certificate from an unknown CA is refused.
sed -i "/^ca_file = /d" "$conf"
echo s3cret >"$tmp/smtp.password"
inq send --force --no-sent "$id" >"$tmp/send4.out" 2>&1
is "an unverified SMTP certificate is refused" "$?" 1
is "nothing was sent over it" "$(ls "$tmp/smtp"/msg-*.eml | wc -l)" 2

done_testing
