#!/bin/sh
# poll-once.sh - "inquiryd poll --once" against a private Dovecot: 200
# messages stored exactly once (one over max_message_size, quarantined
# without its body; one without a Message-ID), a second poll adds
# nothing, one draft per drafted inquiry in the Drafts folder (by
# Message-ID), \Seen never set, the outbox after a crash before and after
# the APPEND, backfill by INTERNALDATE, STARTTLS as well as IMAPS, a wrong
# password and an unknown CA (exit 1 naming the account, the other
# account still polled).
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"
. "$INQUIRYD_TOP/tests/lib/poll.sh"

T=$(tap_tmpdir)
trap 'dovecot_cleanup' EXIT

if ! dovecot_start "$T/dc"; then
	not_ok "private Dovecot starts"
	done_testing
fi
ok "private Dovecot starts"
if have_parser; then parser=1; else parser=0; fi

poll() {
	_n=$1
	_c=$2
	shift 2
	"$INQUIRYD_BIN" -c "$_c" poll --once "$@" >"$T/$_n.out" 2>"$T/$_n.err"
	echo $? >"$T/$_n.rc"
}
rc() { cat "$T/$1.rc"; }
show() { cat "$T/$1.out" "$T/$1.err" | tail -n 15; }

# 198 varied messages, one without a Message-ID, one of 300 KB.
"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/mail" 199 --seed 11 >/dev/null
sed -i '/^Message-ID:/d' "$T/mail/m00050.eml"
"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/big" 1 --min-kb 300 \
    --max-kb 300 --prefix big >/dev/null
dovecot_seed INBOX "$T"/mail/*.eml "$T"/big/*.eml
is "200 messages seeded" "$(dovecot_count INBOX)" 200

dovecot_account_conf "$T/sales.acct" sales imaps "max_message_size = 200K" \
    "fetch_batch = 40" "rep = Alice Wang <alice@example-gifts.com>"
poll_conf "$T/c.conf" "$T/w" "$T/sales.acct"

poll first "$T/c.conf"
if [ "$(rc first)" = 0 ] && grep -q "account 'sales': 200 messages" \
    "$T/first.out"; then
	ok "poll --once: 200 messages, exit 0"
else
	not_ok "poll --once" "$(show first)"
fi
is "200 messages stored, one per UID" \
    "$(db_q "$T/c.conf" "SELECT count(*), count(DISTINCT uid), min(uid), max(uid) FROM messages WHERE account = 'sales' AND mailbox = 'INBOX'")" \
    "200|200|1|200"
is "the cursor is at the last UID" \
    "$(db_q "$T/c.conf" "SELECT uidvalidity, last_uid FROM cursors WHERE account = 'sales' AND mailbox = 'INBOX'")" \
    "$(dovecot_uidvalidity INBOX)|200"
_big=$(db_q "$T/c.conf" "SELECT status, raw IS NULL, size > 300000, reason LIKE '%max_message_size%' FROM messages WHERE uid = 200")
is "the message over max_message_size is quarantined, its body never loaded" \
    "$_big" "failed|1|1|1"
if db_q "$T/c.conf" "SELECT reason FROM messages WHERE uid = 200" |
    grep -q "over the size limit" &&
    "$INQUIRYD_BIN" -c "$T/c.conf" list --status failed 2>/dev/null |
    grep -q failed; then
	ok "list --status failed shows it with its reason"
else
	not_ok "list --status failed" \
	    "$("$INQUIRYD_BIN" -c "$T/c.conf" list --status failed 2>&1)"
fi
is "the message without a Message-ID is stored once" \
    "$(db_q "$T/c.conf" "SELECT count(*) FROM messages WHERE uid = 50")" 1
is "\\Seen is never set in INBOX" "$(dovecot_flags INBOX | grep -c Seen)" 0

poll second "$T/c.conf"
if [ "$(rc second)" = 0 ] && grep -q "account 'sales': 0 messages" \
    "$T/second.out" && [ "$(db_q "$T/c.conf" \
    "SELECT count(*) FROM messages")" = 200 ]; then
	ok "a second poll adds nothing"
else
	not_ok "second poll" "$(show second)"
fi

# One draft per drafted inquiry, by Message-ID, each delivered once.
db_q "$T/c.conf" "SELECT message_id FROM drafts" | sort >"$T/stored.ids"
folder_ids Drafts >"$T/folder.ids"
_drafts=$(wc -l <"$T/stored.ids")
is "the Drafts folder holds exactly the stored drafts, each once" \
    "$(cat "$T/folder.ids")" "$(cat "$T/stored.ids")"
is "every stored draft is recorded as delivered" \
    "$(db_q "$T/c.conf" "SELECT count(*) FROM drafts WHERE delivered_at IS NULL")" 0
figure "poll --once: 200 messages, $_drafts drafts appended once each"
if [ "$parser" = 1 ]; then
	if [ "$_drafts" -gt 100 ]; then
		ok "inquiries got drafts ($_drafts)"
	else
		not_ok "inquiries got drafts" "only $_drafts"
	fi
	is "no duplicate inquiry for a Message-ID" \
	    "$(db_q "$T/c.conf" "SELECT count(*) FROM (SELECT message_id FROM messages WHERE message_id IS NOT NULL GROUP BY message_id HAVING count(*) > 1)")" 0
	if dovecot_flags Drafts | head -n 1 | grep -q 'Draft'; then
		ok "drafts carry \\Draft"
	else
		not_ok "drafts carry \\Draft" "$(dovecot_flags Drafts | head -n 3)"
	fi
else
	skip "inquiries got drafts" "the MIME parser has not landed in this tree"
fi

# The outbox: a draft committed but never appended (a crash before the
# APPEND) is appended at the next poll; one appended but never recorded
# (a crash after it) is recorded, not appended again.
# Two inquiries (the outbox takes the latest draft of each).
_inq1=$(db_q "$T/c.conf" "SELECT min(id) FROM inquiries")
_inq2=$(db_q "$T/c.conf" "SELECT max(id) FROM inquiries")
mkdraft() {
	cat >"$T/w/drafts/$1.eml" <<EOF
From: Alice Wang <alice@example-gifts.com>
To: buyer@example.test
Subject: Re: test draft $1
Message-ID: <$1@example-gifts.com>
Date: Thu, 26 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Draft $1.
EOF
	db_q "$T/c.conf" "INSERT INTO drafts (inquiry_id, message_id, path, account, created_at) VALUES ($2, '$1@example-gifts.com', '$T/w/drafts/$1.eml', 'sales', 1)"
}
mkdir -p "$T/w/drafts"
mkdraft crash-before "$_inq1"
mkdraft crash-after "$_inq2"
dovecot_save Drafts "$T/w/drafts/crash-after.eml"
_before=$(dovecot_count Drafts)
_events=$(db_q "$T/c.conf" "SELECT count(*) FROM events WHERE type = 'delivered'")
poll outbox "$T/c.conf"
poll outbox2 "$T/c.conf"
if [ "$(rc outbox)" = 0 ] && [ "$(rc outbox2)" = 0 ] &&
    [ "$(dovecot_count Drafts)" = $((_before + 1)) ] &&
    [ "$(folder_ids Drafts | grep -c '^crash-before@')" = 1 ] &&
    [ "$(folder_ids Drafts | grep -c '^crash-after@')" = 1 ]; then
	ok "outbox: a draft never appended is appended once, one appended but not recorded is not appended again"
else
	not_ok "outbox after a crash" "$(show outbox) $(folder_ids Drafts | grep crash)"
fi
is "outbox: both recorded as delivered, with an event" \
    "$(db_q "$T/c.conf" "SELECT count(*) FROM drafts WHERE message_id LIKE 'crash-%' AND delivered_at IS NOT NULL"),$(db_q "$T/c.conf" "SELECT count(*) - $_events FROM events WHERE type = 'delivered'")" \
    "2,2"

# Backfill: mail that reached the mailbox long ago is only recorded.
if [ "$parser" = 1 ]; then
	"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/old" 2 --seed 5 \
	    --prefix old >/dev/null
	DOVECOT_SEED_MTIME=$(( $(date +%s) - 40 * 86400 ))
	dovecot_seed INBOX "$T/old/old00001.eml"
	DOVECOT_SEED_MTIME=
	dovecot_seed INBOX "$T/old/old00002.eml"
	poll backfill "$T/c.conf"
	st() {
		db_q "$T/c.conf" "SELECT q.status FROM inquiries q JOIN messages m ON m.id = q.msg_id WHERE m.message_id = 'old-0000$1@mkmail.test'"
	}
	is "backfill: a message that arrived 40 days ago is only recorded, a new one drafted" \
	    "$(st 1),$(st 2)" "recorded,drafted"
else
	skip "backfill" "the MIME parser has not landed in this tree"
fi

# STARTTLS, in a folder of its own; a wrong password; an unknown CA.
dovecot_seed Small "$T/mail/m00001.eml" "$T/mail/m00002.eml" \
    "$T/mail/m00003.eml"
dovecot_account_conf "$T/tls.acct" starttls imap "inbox = Small" \
    "track_sent = no" "append_drafts = no"
poll_conf "$T/tls.conf" "$T/w2" "$T/tls.acct"
_before=$(dovecot_count Drafts)
poll starttls "$T/tls.conf"
if [ "$(rc starttls)" = 0 ] && [ "$(db_q "$T/tls.conf" \
    "SELECT count(*) FROM messages")" = 3 ]; then
	ok "imap:// with STARTTLS polls too"
else
	not_ok "STARTTLS poll" "$(show starttls)"
fi
is "append_drafts = no: nothing appended, the drafts stay in the store" \
    "$(dovecot_count Drafts),$(db_q "$T/tls.conf" "SELECT count(*) FROM drafts WHERE delivered_at IS NOT NULL")" \
    "$_before,0"

# flag_processed and move_processed, only when configured.
dovecot_seed FlagMe "$T/mail/m00004.eml" "$T/mail/m00005.eml"
dovecot_create Processed
dovecot_account_conf "$T/flag.acct" flagger imaps "inbox = FlagMe" \
    "track_sent = no" "append_drafts = no" "flag_processed = \$Inquiryd" \
    "move_processed = Processed"
poll_conf "$T/flag.conf" "$T/w5" "$T/flag.acct"
poll flag "$T/flag.conf"
if [ "$(rc flag)" = 0 ] && [ "$(dovecot_count FlagMe)" = 0 ] &&
    [ "$(dovecot_count Processed)" = 2 ] &&
    [ "$(dovecot_flags Processed | grep -c 'Inquiryd')" = 2 ] &&
    [ "$(dovecot_flags Processed | grep -c 'Seen')" = 0 ]; then
	ok "flag_processed and move_processed: keyword set, moved, \\Seen untouched"
else
	not_ok "flag and move" "$(show flag) $(dovecot_flags Processed)"
fi
is "the moved messages are stored once" \
    "$(db_q "$T/flag.conf" "SELECT count(*) FROM messages")" 2

# A temporary failure (the database held by another writer longer than
# the busy timeout): the poll stops before the message, the cursor stays,
# the next poll stores it.
"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/late" 2 --seed 9 \
    --prefix late >/dev/null
dovecot_seed INBOX "$T"/late/*.eml
_cur=$(db_q "$T/c.conf" "SELECT last_uid FROM cursors WHERE account = 'sales' AND mailbox = 'INBOX'")
"$PY" - "$(poll_db "$T/c.conf")" <<'EOF' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
time.sleep(14)
c.execute("ROLLBACK")
EOF
_holder=$!
sleep 1
poll busy "$T/c.conf"
wait "$_holder"
if [ "$(rc busy)" = 1 ] &&
    grep -q "account 'sales': sales:INBOX;UIDVALIDITY=[0-9]*;UID=$((_cur + 1)): not stored, tried again at the next poll: .*locked" "$T/busy.err" &&
    [ "$(db_q "$T/c.conf" "SELECT last_uid FROM cursors WHERE account = 'sales' AND mailbox = 'INBOX'")" = "$_cur" ]; then
	ok "a busy database: the poll stops before the message, says so, the cursor stays"
else
	not_ok "busy database" "$(show busy)"
fi
poll after_busy "$T/c.conf"
if [ "$(rc after_busy)" = 0 ] && [ "$(db_q "$T/c.conf" "SELECT last_uid FROM cursors WHERE account = 'sales' AND mailbox = 'INBOX'")" = "$((_cur + 2))" ] &&
    [ "$(db_q "$T/c.conf" "SELECT count(*), count(DISTINCT uid) FROM messages WHERE account = 'sales' AND mailbox = 'INBOX'")" = "$((_cur + 2))|$((_cur + 2))" ]; then
	ok "the next poll stores the messages, once"
else
	not_ok "after the busy database" "$(show after_busy)"
fi

dovecot_account_conf "$T/bad.acct" bad imaps "inbox = Small" \
    "track_sent = no"
printf 'Wrong-Secret\n' >"$T/bad.acct.password"
dovecot_account_conf "$T/good.acct" good imaps "inbox = Small" \
    "track_sent = no"
poll_conf "$T/two.conf" "$T/w3" "$T/bad.acct" "$T/good.acct"
poll wrongpw "$T/two.conf"
if [ "$(rc wrongpw)" = 1 ] &&
    grep -q "account 'bad': login as '$DOVECOT_USER'.*refused" \
    "$T/wrongpw.err" && grep -q "poll failed for account 'bad'" \
    "$T/wrongpw.err"; then
	ok "a wrong password: exit 1, the error names the account"
else
	not_ok "wrong password" "$(show wrongpw)"
fi
is "the other account is still polled" \
    "$(db_q "$T/two.conf" "SELECT account, count(*) FROM messages GROUP BY account")" \
    "good|3"

dovecot_account_conf "$T/noca.acct" noca imaps "inbox = Small" "ca_file ="
poll_conf "$T/noca.conf" "$T/w4" "$T/noca.acct"
poll noca "$T/noca.conf"
if [ "$(rc noca)" = 1 ] && grep -q "account 'noca'.*does not verify" \
    "$T/noca.err" && grep -q "set ca_file = " "$T/noca.err"; then
	ok "a certificate from an unknown CA is refused, the error says how to set ca_file"
else
	not_ok "unknown CA" "$(show noca)"
fi

poll unknown "$T/c.conf" --account nosuch
is "--account with an unknown name: exit 2" "$(rc unknown)" 2

done_testing
