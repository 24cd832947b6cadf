#!/bin/sh
# poll-sent.sh - the Sent folder is watched like the inbox: the rep's
# reply (In-Reply-To the inquiry) moves it to replied, a reply with an
# .xlsx attached to quoted, a reply that only shares the thread's subject
# and recipient to replied; the customer's answer to our reply marks it
# answered; "show" lists the events; sent mail is never an inquiry.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"
. "$INQUIRYD_TOP/tests/lib/poll.sh"

T=$(tap_tmpdir)
trap 'dovecot_cleanup' EXIT

if ! have_parser; then
	skip "Sent tracking" "the MIME parser has not landed in this tree (threads are found by In-Reply-To and Subject)"
	done_testing
fi
if ! dovecot_start "$T/dc"; then
	not_ok "private Dovecot starts"
	done_testing
fi
ok "private Dovecot starts"

S=$INQUIRYD_TOP/contrib/samples
dovecot_seed INBOX "$S/01-en-detailed-speakers.eml" \
    "$S/04-de-detailed-powerbanks.eml" "$S/11-en-detailed-html-table.eml"
dovecot_account_conf "$T/a.acct" sales imaps
poll_conf "$T/c.conf" "$T/w" "$T/a.acct"

poll() {
	"$INQUIRYD_BIN" -c "$T/c.conf" poll --once >"$T/$1.out" 2>"$T/$1.err"
	echo $? >"$T/$1.rc"
}
status_of() {
	db_q "$T/c.conf" "SELECT q.status FROM inquiries q JOIN messages m ON m.id = q.msg_id WHERE m.message_id = '$1'"
}
id_of() {
	db_q "$T/c.conf" "SELECT q.id FROM inquiries q JOIN messages m ON m.id = q.msg_id WHERE m.message_id = '$1'"
}

poll first
is "three inquiries, drafted" \
    "$(status_of demo-01.x7q@acme-trading.example),$(status_of demo-04.x7q@becker-handel.example),$(status_of demo-11.x7q@green-bags.example)" \
    "drafted,drafted,drafted"

reply() {
	# reply FILE TO SUBJECT IN_REPLY_TO [xlsx]
	{
		printf 'From: Alice Wang <alice@example-gifts.com>\n'
		printf 'To: %s\n' "$2"
		printf 'Subject: %s\n' "$3"
		printf 'Date: %s\n' "$(date -R)"
		printf 'Message-ID: <reply-%s@example-gifts.com>\n' "${1##*/}"
		[ -n "$4" ] && printf 'In-Reply-To: <%s>\nReferences: <%s>\n' \
		    "$4" "$4"
		printf 'MIME-Version: 1.0\n'
		if [ "${5:-}" = xlsx ]; then
			printf 'Content-Type: multipart/mixed; boundary="b1"\n\n'
			printf -- '--b1\nContent-Type: text/plain; charset=utf-8\n\n'
			printf 'Dear customer, our quotation is attached.\n\n'
			printf -- '--b1\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet; name="Quotation-Q1.xlsx"\n'
			printf 'Content-Disposition: attachment; filename="Quotation-Q1.xlsx"\n'
			printf 'Content-Transfer-Encoding: base64\n\n'
			printf 'UEsDBBQAAAAIAAAAIQBkYXRhZGF0YWRhdGE=\n--b1--\n'
		else
			printf 'Content-Type: text/plain; charset=utf-8\n\n'
			printf 'Dear customer, thank you, details follow.\n'
		fi
	} >"$1"
}
reply "$T/r1.eml" "Jick Smith <jick.smith@acme-trading.example>" \
    "Re: RFQ: 5,000 pcs Bluetooth speakers with our logo" \
    demo-01.x7q@acme-trading.example
reply "$T/r2.eml" "Dr. Anna Becker <a.becker@becker-handel.example>" \
    "AW: Anfrage: 2.000 Powerbanks 10000 mAh mit Logo" \
    demo-04.x7q@becker-handel.example xlsx
reply "$T/r3.eml" "Sarah Johnson <sarah@green-bags.example>" \
    "Re: Quotation request - cotton tote bags" ""
reply "$T/r4.eml" "someone@elsewhere.example" "Lunch on Friday" ""
for f in r1 r2 r3 r4; do
	dovecot_save Sent "$T/$f.eml"
done

poll second
if [ "$(cat "$T/second.rc")" = 0 ]; then
	ok "poll --once reads the Sent folder"
else
	not_ok "poll of Sent" "$(cat "$T/second.err")"
fi
is "a reply with In-Reply-To: replied" \
    "$(status_of demo-01.x7q@acme-trading.example)" replied
is "a reply with an .xlsx quote attached: quoted" \
    "$(status_of demo-04.x7q@becker-handel.example)" quoted
is "a reply by subject and recipient only: replied" \
    "$(status_of demo-11.x7q@green-bags.example)" replied
is "sent mail is never an inquiry" \
    "$(db_q "$T/c.conf" "SELECT count(*) FROM inquiries q JOIN messages m ON m.id = q.msg_id WHERE m.outgoing = 1")" 0
is "the Sent folder has its cursor" \
    "$(db_q "$T/c.conf" "SELECT last_uid FROM cursors WHERE account = 'sales' AND mailbox = 'Sent'")" 4

_id=$(id_of demo-04.x7q@becker-handel.example)
"$INQUIRYD_BIN" -c "$T/c.conf" show "$_id" >"$T/show.out" 2>&1
if grep -q "replied" "$T/show.out" && grep -q "quote_sent" "$T/show.out" &&
    grep -q "delivered" "$T/show.out"; then
	ok "show lists the events: delivered, replied, quote_sent"
else
	not_ok "show's events" "$(tail -n 12 "$T/show.out")"
fi

# The customer answers our reply: answered.
{
	printf 'From: Jick Smith <jick.smith@acme-trading.example>\n'
	printf 'To: Alice Wang <alice@example-gifts.com>\n'
	printf 'Subject: Re: Re: RFQ: 5,000 pcs Bluetooth speakers with our logo\n'
	printf 'Date: %s\n' "$(date -R)"
	printf 'Message-ID: <answer-1@acme-trading.example>\n'
	printf 'In-Reply-To: <reply-r1.eml@example-gifts.com>\n'
	printf 'References: <demo-01.x7q@acme-trading.example> <reply-r1.eml@example-gifts.com>\n'
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n'
	printf 'Thanks, the price is fine, please send the PI.\n'
} >"$T/answer.eml"
dovecot_save INBOX "$T/answer.eml"
poll third
is "the customer's answer to our reply: answered, not a new inquiry" \
    "$(status_of demo-01.x7q@acme-trading.example),$(db_q "$T/c.conf" "SELECT count(*) FROM inquiries")" \
    "answered,3"

poll fourth
is "a poll after that adds nothing" \
    "$(grep -c "0 messages" "$T/fourth.out")" 1

done_testing
