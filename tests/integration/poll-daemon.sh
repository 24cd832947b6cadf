#!/bin/sh
# poll-daemon.sh - "inquiryd run" against a private Dovecot, with two
# accounts of which one has a wrong password: the good one is served
# (first pass, then new mail through IDLE within seconds) while the bad
# one is retried with growing waits; a second run and a poll refuse to
# share the database; SIGHUP with a broken rule file keeps the old rules
# and logs file:line, with a fixed one the new rules are used and a new
# account (idle = no: interval polling) starts; SIGTERM stops with exit 0.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"
. "$INQUIRYD_TOP/tests/lib/poll.sh"

T=$(tap_tmpdir)
RUN_PID=
trap '[ -n "$RUN_PID" ] && kill -KILL "$RUN_PID" 2>/dev/null; dovecot_cleanup' EXIT

if ! dovecot_start "$T/dc"; then
	not_ok "private Dovecot starts"
	done_testing
fi
ok "private Dovecot starts"
if have_parser; then parser=1; else parser=0; fi

"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/mail" 20 --seed 21 >/dev/null
"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/new" 5 --seed 22 \
    --prefix new >/dev/null
dovecot_seed INBOX "$T"/mail/*.eml
dovecot_seed Small "$T/mail/m00001.eml" "$T/mail/m00002.eml"
cp -R "$INQUIRYD_TOP/rules" "$T/rules"

dovecot_account_conf "$T/good.acct" good imaps
dovecot_account_conf "$T/bad.acct" bad imaps "inbox = Small" "track_sent = no"
printf 'Wrong-Secret\n' >"$T/bad.acct.password"
POLL_RULES=$T/rules
poll_conf "$T/c.conf" "$T/w" "$T/bad.acct" "$T/good.acct"

count() {
	db_q "$T/c.conf" "SELECT count(*) FROM messages WHERE account = '$1'" \
	    2>/dev/null
}
cursor_at() {
	[ "$(db_q "$T/c.conf" "SELECT last_uid FROM cursors WHERE account = '$1' AND mailbox = '$2'" 2>/dev/null)" = "$3" ]
}
logged() {
	grep -q -- "$1" "$T/d.log"
}
retries() {
	grep -c "account 'bad'.*retrying in" "$T/d.log"
}

run_start d "$T/c.conf"
D=$RUN_PID
if wait_until 60 cursor_at good INBOX 20; then
	ok "run: the first pass stores the 20 messages of the good account"
else
	not_ok "run: first pass" "$(tail -n 20 "$T/d.log")"
fi
if wait_until 20 logged "account 'good': idling on 'INBOX'"; then
	ok "run: the good account idles on its inbox (IDLE)"
else
	not_ok "IDLE starts" "$(tail -n 20 "$T/d.log")"
fi

# New mail while idling.
_t0=$(date +%s%N)
dovecot_save INBOX "$T/new/new00001.eml"
if wait_until 15 cursor_at good INBOX 21; then
	_ms=$(( ($(date +%s%N) - _t0) / 1000000 ))
	ok "new mail APPENDed during IDLE is stored within seconds"
	figure "run: new mail stored $_ms ms after its delivery (IDLE)"
else
	not_ok "new mail during IDLE" "$(tail -n 20 "$T/d.log")"
fi

# The broken account: a clear error, retried with growing waits.
if wait_until 20 sh -c "[ \$(grep -c \"account 'bad'.*retrying in\" '$T/d.log') -ge 3 ]"; then
	ok "the account with a wrong password is retried"
else
	not_ok "retries of the broken account" "$(grep "'bad'" "$T/d.log" | tail -n 5)"
fi
_waits=$(sed -n "s/.*account 'bad'.*retrying in \([0-9]*\) s.*/\1/p" "$T/d.log" | head -n 3 | tr '\n' ' ')
set -- $_waits
if [ $# -ge 3 ] && [ "$2" -gt "$1" ] && [ "$3" -gt "$2" ]; then
	ok "with growing waits ($_waits s)"
else
	not_ok "growing waits" "waits: $_waits"
fi
if grep -q "account 'bad': login as '$DOVECOT_USER'.*refused.*check user and the secret" "$T/d.log"; then
	ok "the error names the account and says what to check"
else
	not_ok "the error of the broken account" "$(grep "'bad'" "$T/d.log" | head -n 3)"
fi

# One poller per database.
"$INQUIRYD_BIN" -c "$T/c.conf" run >"$T/second.out" 2>"$T/second.err" &
_p2=$!
wait_until 10 sh -c "! kill -0 $_p2 2>/dev/null"
wait "$_p2"
_rc2=$?
if [ "$_rc2" = 1 ] && grep -q "is in use by another inquiryd (pid and command: $D inquiryd run" "$T/second.err"; then
	ok "a second run refuses the database, naming the first"
else
	not_ok "a second run" "status $_rc2: $(cat "$T/second.err")"
	kill -KILL "$_p2" 2>/dev/null
fi
"$INQUIRYD_BIN" -c "$T/c.conf" poll --once >/dev/null 2>"$T/poll.err"
_rc3=$?
if [ "$_rc3" = 1 ] && grep -q "in use by another inquiryd" "$T/poll.err"; then
	ok "poll --once refuses too"
else
	not_ok "poll while run runs" "status $_rc3: $(cat "$T/poll.err")"
fi

# SIGHUP with a broken rule file: the old rules stay, file:line logged.
printf 'rule TEST_BROKEN subject /(unclosed/\n\tweight spam=50\n' \
    >"$T/rules/99-test.rules"
kill -HUP "$D"
if wait_until 15 logged "99-test.rules:1"; then
	if logged "reload failed"; then
		ok "SIGHUP with a broken rule: reload refused, file:line logged"
	else
		not_ok "reload refused" "$(tail -n 5 "$T/d.log")"
	fi
else
	not_ok "SIGHUP with a broken rule" "$(tail -n 10 "$T/d.log")"
fi
dovecot_save INBOX "$T/new/new00002.eml"
if wait_until 15 cursor_at good INBOX 22 && kill -0 "$D"; then
	ok "the daemon goes on with the old set"
else
	not_ok "after a refused reload" "$(tail -n 10 "$T/d.log")"
fi

# Fixed, and a new account: the new rules are used, the account starts.
printf 'rule TEST_ZEBRA subject /ZEBRA-RELOAD/\n\tweight spam=50\n' \
    >"$T/rules/99-test.rules"
dovecot_account_conf "$T/third.acct" third imaps "inbox = Small" \
    "track_sent = no" "append_drafts = no" "idle = no" "poll_interval = 5s"
printf '\n' >>"$T/c.conf"
cat "$T/third.acct" >>"$T/c.conf"
kill -HUP "$D"
if wait_until 15 logged "reloaded: 3 accounts" &&
    logged "account 'third' is new in the configuration"; then
	ok "SIGHUP with fixed rules and a new account: reloaded"
else
	not_ok "SIGHUP reload" "$(tail -n 10 "$T/d.log")"
fi
if wait_until 20 cursor_at third Small 2; then
	ok "the new account is polled"
else
	not_ok "the new account" "$(grep "third" "$T/d.log" | tail -n 5)"
fi
# idle = no: interval polling.
dovecot_save Small "$T/mail/m00003.eml"
if wait_until 15 cursor_at third Small 3 && ! logged "account 'third': idling"; then
	ok "idle = no: new mail found by polling every poll_interval"
else
	not_ok "interval polling" "$(grep "third" "$T/d.log" | tail -n 5)"
fi
sed 's/^Subject: .*/Subject: ZEBRA-RELOAD special offer/' \
    "$T/new/new00003.eml" >"$T/zebra.eml"
dovecot_save INBOX "$T/zebra.eml"
if wait_until 15 cursor_at good INBOX 23; then
	if [ "$parser" = 1 ]; then
		is "the new rules are used" "$(db_q "$T/c.conf" "SELECT q.class FROM inquiries q JOIN messages m ON m.id = q.msg_id WHERE m.uid = 23 AND m.account = 'good' AND m.mailbox = 'INBOX'")" spam
	else
		skip "the new rules are used" "the MIME parser has not landed in this tree"
	fi
else
	not_ok "mail after the reload" "$(tail -n 10 "$T/d.log")"
fi
if [ "$(retries)" -ge 4 ] || wait_until 20 sh -c "[ \$(grep -c \"account 'bad'.*retrying in\" '$T/d.log') -ge 4 ]"; then
	ok "the broken account is still retried after the reload"
else
	not_ok "retries go on" "$(grep "'bad'" "$T/d.log" | tail -n 3)"
fi

# SIGTERM: exit 0.
run_stop "$D"
_rc=$RUN_RC
RUN_PID=
if [ "$_rc" = 0 ] && logged "signal 15: stopping"; then
	ok "SIGTERM: exit 0"
else
	not_ok "SIGTERM" "status $_rc: $(tail -n 5 "$T/d.log")"
fi
is "every message stored once" \
    "$(db_q "$T/c.conf" "SELECT count(*), count(DISTINCT uid) FROM messages WHERE account = 'good' AND mailbox = 'INBOX'"),$(db_q "$T/c.conf" "SELECT count(*) FROM (SELECT 1 FROM messages WHERE uid > 0 GROUP BY account, mailbox, uidvalidity, uid HAVING count(*) > 1)")" \
    "23|23,0"
is "PRAGMA integrity_check" \
    "$(db_q "$T/c.conf" "PRAGMA integrity_check")" ok

done_testing
