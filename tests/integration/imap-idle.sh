#!/bin/sh
# imap-idle.sh - IDLE wakes within seconds when another client delivers,
# and a server that dies or stops answering in the middle of a fetch gives
# a temporary error, bounded by the timeout: no hang, no crash.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"

DRIVER=${IMAP_DRIVER:-$INQUIRYD_TOP/build/imap-driver-san}
PY=/usr/bin/python3
T=$(tap_tmpdir)
BG=
trap '[ -n "$BG" ] && kill "$BG" 2>/dev/null; dovecot_resume; dovecot_cleanup; rm -rf "$T"' EXIT

if [ ! -x "$DRIVER" ]; then
	not_ok "imap driver built" "missing $DRIVER (make check builds it)"
	done_testing
fi
if ! dovecot_start "$T/dovecot"; then
	not_ok "private Dovecot starts"
	done_testing
fi
ok "private Dovecot starts"

val() { sed -n "s/.*$2=\([^ ]*\).*/\1/p" "$1" | tail -n 1; }

# wait_for FILE PATTERN SECONDS: until PATTERN shows up in FILE.
wait_for() {
	_i=0
	while [ "$_i" -lt $(($3 * 20)) ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# wait_exit PID SECONDS: until PID is gone; its status in $_status.
wait_exit() {
	_i=0
	while [ "$_i" -lt $(($2 * 10)) ]; do
		if ! kill -0 "$1" 2>/dev/null; then
			wait "$1"
			_status=$?
			return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/mail" 3 --seed 3
dovecot_seed INBOX "$T"/mail/*.eml
dovecot_account_conf "$T/c.conf" sales imaps "timeout = 5"

# IDLE with nothing happening ends at our deadline, or earlier on an
# untagged status line a loaded server may send (Dovecot checks the
# mailbox every second here): either way, no news.
"$DRIVER" -c "$T/c.conf" -a sales idle INBOX 2 >"$T/idle0.out" 2>"$T/idle0.err"
if grep -q "^\(timeout\|woke\) changed=0" "$T/idle0.out"; then
	ok "IDLE with no news ends quietly at the caller's deadline"
else
	not_ok "IDLE with no news" "$(cat "$T/idle0.out" "$T/idle0.err")"
fi

# IDLE wakes when another client delivers a message.
"$DRIVER" -c "$T/c.conf" -a sales idle INBOX 30 >"$T/idle.out" 2>"$T/idle.err" &
BG=$!
if wait_for "$T/idle.out" idling 10; then
	_t0=$("$PY" -c 'import time; print(int(time.time() * 1000))')
	dovecot_save INBOX "$T/mail/m00001.eml"
	if wait_exit "$BG" 20; then
		_t1=$("$PY" -c 'import time; print(int(time.time() * 1000))')
		BG=
		if [ "$_status" = 0 ] && grep -q "^woke changed=1" "$T/idle.out"; then
			ok "IDLE wakes on new mail from another client"
			figure "IDLE woke $((_t1 - _t0)) ms after the delivery"
		else
			not_ok "IDLE wakes with changed=1" "$(cat "$T/idle.out" "$T/idle.err")"
		fi
		if [ $((_t1 - _t0)) -lt 5000 ]; then
			ok "within seconds ($((_t1 - _t0)) ms)"
		else
			not_ok "IDLE woke within seconds" "$((_t1 - _t0)) ms"
		fi
	else
		not_ok "IDLE wakes on new mail" "still idling: $(cat "$T/idle.out")"
	fi
else
	not_ok "IDLE starts" "$(cat "$T/idle.out" "$T/idle.err")"
fi
[ -n "$BG" ] && kill "$BG" 2>/dev/null
BG=

# A NOOP sees news too.
dovecot_save INBOX "$T/mail/m00002.eml"
"$DRIVER" -c "$T/c.conf" -a sales noop INBOX >"$T/noop.out" 2>&1
is "NOOP runs" "$(head -n 1 "$T/noop.out")" "changed=0"

# Fault: Dovecot killed in the middle of a fetch.
"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/many" 120 --min-kb 8 \
    --max-kb 12 --seed 5 --prefix f
dovecot_seed INBOX "$T"/many/*.eml
dovecot_account_conf "$T/slow.conf" sales imaps "timeout = 5" \
    "fetch_batch = 10"
"$DRIVER" -c "$T/slow.conf" -a sales fetch INBOX --sleep-ms 30 \
    >"$T/kill.out" 2>"$T/kill.err" &
BG=$!
if wait_for "$T/kill.out" "^msg uid=20 " 20; then
	dovecot_kill
	if wait_exit "$BG" 20; then
		BG=
		_got=$(grep -c '^msg ' "$T/kill.out")
		if [ "$_status" = 1 ] && grep -q "error: temporary" "$T/kill.err" &&
		    grep -q "closed the connection\|Connection reset" "$T/kill.err" &&
		    [ "$_got" -lt 125 ] && ! grep -q "Sanitizer\|runtime error" "$T/kill.err"; then
			ok "Dovecot killed mid-fetch: a temporary error after $_got messages"
		else
			not_ok "Dovecot killed mid-fetch" "status=$_status got=$_got $(cat "$T/kill.err")"
		fi
	else
		not_ok "Dovecot killed mid-fetch: the client ends" "still running"
	fi
else
	not_ok "the slow fetch starts" "$(tail -n 3 "$T/kill.out") $(cat "$T/kill.err")"
fi
[ -n "$BG" ] && kill "$BG" 2>/dev/null
BG=

# Dovecot comes back; the client connects again.
if dovecot_restart; then
	"$DRIVER" -c "$T/c.conf" -a sales connect >"$T/back.out" 2>&1
	if grep -q "^connected" "$T/back.out"; then
		ok "after a restart the client connects again"
	else
		not_ok "connect after restart" "$(cat "$T/back.out")"
	fi
else
	not_ok "Dovecot restarts"
fi

# Fault: Dovecot stops answering (SIGSTOP) in the middle of a fetch: the
# timeout (5 s) ends the wait.
"$DRIVER" -c "$T/slow.conf" -a sales fetch INBOX --sleep-ms 30 \
    >"$T/hang.out" 2>"$T/hang.err" &
BG=$!
if wait_for "$T/hang.out" "^msg uid=20 " 20; then
	dovecot_pause
	_t0=$(date +%s)
	if wait_exit "$BG" 30; then
		BG=
		_dt=$(( $(date +%s) - _t0 ))
		if [ "$_status" = 1 ] && grep -q "error: temporary" "$T/hang.err" &&
		    grep -q "timed out" "$T/hang.err" && [ "$_dt" -le 15 ]; then
			ok "a server that stops answering: temporary error after ${_dt}s (timeout 5s)"
		else
			not_ok "a server that stops answering" "status=$_status ${_dt}s $(cat "$T/hang.err")"
		fi
	else
		not_ok "a server that stops answering: the client gives up" "still waiting after 30s"
	fi
	dovecot_resume
else
	not_ok "the slow fetch starts again" "$(tail -n 3 "$T/hang.out") $(cat "$T/hang.err")"
fi
[ -n "$BG" ] && kill "$BG" 2>/dev/null
BG=

# IDLE on a connection whose server goes away: the fd wakes, DONE fails
# with a temporary error.
"$DRIVER" -c "$T/c.conf" -a sales idle INBOX 30 >"$T/idlekill.out" 2>"$T/idlekill.err" &
BG=$!
if wait_for "$T/idlekill.out" idling 10; then
	dovecot_kill
	if wait_exit "$BG" 20; then
		BG=
		if [ "$_status" = 1 ] && grep -q "error: temporary" "$T/idlekill.err"; then
			ok "Dovecot killed during IDLE: a temporary error, at once"
		else
			not_ok "Dovecot killed during IDLE" "status=$_status $(cat "$T/idlekill.out" "$T/idlekill.err")"
		fi
	else
		not_ok "Dovecot killed during IDLE: the client ends" "still running"
	fi
else
	not_ok "IDLE starts before the kill" "$(cat "$T/idlekill.err")"
fi

done_testing
