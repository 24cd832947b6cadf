#!/bin/sh
# poll-faults.sh - exactly once through faults, against a private Dovecot:
#   - "run" killed with SIGKILL in the middle of its batches, three times,
#     then "poll --once": every message stored once, every draft appended
#     once, PRAGMA integrity_check ok;
#   - Dovecot killed (SIGKILL, every process) in the middle of a fetch
#     and started again: the daemon backs off, reconnects and finishes,
#     nothing lost or doubled;
#   - the mailbox recreated with a new UIDVALIDITY and the same messages:
#     rescanned, no duplicates, no new drafts.
# FAULT_N sets the number of messages (default 200; tests/soak/ uses more).
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"
. "$INQUIRYD_TOP/tests/lib/poll.sh"

N=${FAULT_N:-200}
KILLS=${FAULT_KILLS:-3}
T=$(tap_tmpdir)
RUN_PID=
trap '[ -n "$RUN_PID" ] && kill -KILL "$RUN_PID" 2>/dev/null; dovecot_cleanup' EXIT

if ! dovecot_start "$T/dc"; then
	not_ok "private Dovecot starts"
	done_testing
fi
ok "private Dovecot starts"
if have_parser; then parser=1; else parser=0; fi

"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/mail" "$N" --seed 31 >/dev/null
dovecot_seed_dir INBOX "$T/mail"
is "$N messages seeded" "$(dovecot_count INBOX)" "$N"

stored() {
	db_q "$1" "SELECT count(*) FROM messages WHERE account = 'sales' AND mailbox = 'INBOX'" 2>/dev/null || echo 0
}
at_least() {
	[ "$(stored "$1")" -ge "$2" ]
}
all_stored() {
	[ "$(db_q "$1" "SELECT last_uid FROM cursors WHERE account = 'sales' AND mailbox = 'INBOX'" 2>/dev/null)" = "$N" ]
}

# Exactly once: one row per UID, no Message-ID twice; each stored draft
# in the Drafts folder once and recorded; the database intact.
exactly_once() {
	_c=$1
	_what=$2
	is "$_what: every message stored once" \
	    "$(db_q "$_c" "SELECT count(*), count(DISTINCT uid) FROM messages WHERE account = 'sales' AND mailbox = 'INBOX'"),$(db_q "$_c" "SELECT count(*) FROM (SELECT 1 FROM messages WHERE message_id IS NOT NULL GROUP BY message_id, outgoing HAVING count(*) > 1)")" \
	    "$N|$N,0"
	db_q "$_c" "SELECT message_id FROM drafts" | sort >"$T/stored.ids"
	folder_ids Drafts >"$T/folder.ids"
	_bad=$(awk 'NR == FNR { want[$0] = 1; next } ($0 in want) { n[$0]++ }
	    END { for (k in want) if (n[k] != 1) bad++; print bad + 0 }' \
	    "$T/stored.ids" "$T/folder.ids")
	_n=$(wc -l <"$T/stored.ids")
	is "$_what: each of the $_n drafts is in the Drafts folder exactly once" \
	    "$_bad" 0
	is "$_what: every draft recorded as delivered" \
	    "$(db_q "$_c" "SELECT count(*) FROM drafts WHERE delivered_at IS NULL")" 0
	if [ "$parser" = 1 ]; then
		is "$_what: one inquiry per message, one draft per inquiry" \
		    "$(db_q "$_c" "SELECT count(*) FROM (SELECT inquiry_id FROM drafts GROUP BY inquiry_id HAVING count(*) > 1)")" 0
	fi
	is "$_what: PRAGMA integrity_check" \
	    "$(db_q "$_c" "PRAGMA integrity_check")" ok
}

# 1. SIGKILL in the middle of the batches.
dovecot_account_conf "$T/a.acct" sales imaps "fetch_batch = 25"
poll_conf "$T/k.conf" "$T/wk" "$T/a.acct"
_k=1
_points=
while [ "$_k" -le "$KILLS" ]; do
	# Off the batch boundaries (fetch_batch = 25): inside a batch.
	_target=$(( N * _k / (KILLS + 1) + 7 ))
	run_start "kill$_k" "$T/k.conf"
	if ! wait_until 90 at_least "$T/k.conf" "$_target"; then
		not_ok "run gets to message $_target" "$(tail -n 5 "$T/kill$_k.log")"
	fi
	kill -KILL "$RUN_PID"
	wait "$RUN_PID" 2>/dev/null
	RUN_PID=
	_points="$_points $(stored "$T/k.conf")"
	_k=$((_k + 1))
done
figure "SIGKILL after$_points of $N messages"
_mid=0
for _p in $_points; do
	[ "$_p" -lt "$N" ] && _mid=$((_mid + 1))
done
if [ "$_mid" -ge 1 ]; then
	ok "run was killed in the middle ($_mid of $KILLS kills before the end)"
else
	skip "run was killed in the middle" "this build processes the whole mailbox faster than the test can kill it"
fi
"$INQUIRYD_BIN" -c "$T/k.conf" poll --once >"$T/after.out" 2>"$T/after.err"
is "poll --once after the kills: exit 0" "$?" 0
exactly_once "$T/k.conf" "after $KILLS SIGKILLs"

# 2. Dovecot killed in the middle of a fetch, then started again.
dovecot_doveadm expunge -u "$DOVECOT_USER" mailbox Drafts all
poll_conf "$T/s.conf" "$T/ws" "$T/a.acct"
run_start stop "$T/s.conf"
D=$RUN_PID
wait_until 90 at_least "$T/s.conf" $((N / 4))
_down=$(stored "$T/s.conf")
dovecot_kill
sleep 3
if kill -0 "$D" 2>/dev/null && grep -q "account 'sales'.*retrying in" "$T/stop.log"; then
	ok "Dovecot killed after $_down messages: the daemon backs off"
else
	not_ok "backoff while Dovecot is down" "$(tail -n 5 "$T/stop.log")"
fi
figure "Dovecot killed after $_down of $N messages"
if ! dovecot_restart 2>"$T/restart.err"; then
	not_ok "Dovecot starts again" "$(tail -n 5 "$T/restart.err")"
fi
if wait_until 60 grep -q "account 'sales': working again" "$T/stop.log"; then
	ok "Dovecot started again: the daemon reconnects"
else
	not_ok "reconnect after the restart" "$(grep "sales" "$T/stop.log" | tail -n 5; tail -n 3 "$DOVECOT_LOG")"
fi
# The budget grows with N: the soak's 2,000 messages on a loaded machine
# went at 4 a second after the restart.
if wait_until $((120 + N / 4)) all_stored "$T/s.conf"; then
	ok "and finishes"
else
	not_ok "finish after the restart" "$(tail -n 10 "$T/stop.log")"
fi
# The drafts of the last batch go out right after it.
sleep 1
run_stop "$D"
RUN_PID=
is "SIGTERM: exit 0" "$RUN_RC" 0
exactly_once "$T/s.conf" "Dovecot restarted"

# 3. The mailbox recreated: new UIDVALIDITY, the same messages.
_old=$(dovecot_uidvalidity INBOX)
dovecot_recreate INBOX
_new=$(dovecot_uidvalidity INBOX)
_drafts=$(db_q "$T/s.conf" "SELECT count(*) FROM drafts")
"$INQUIRYD_BIN" -c "$T/s.conf" poll --once >"$T/uv.out" 2>"$T/uv.err"
_rc=$?
if [ "$_rc" = 0 ] && [ "$_old" != "$_new" ] &&
    grep -q "new UIDVALIDITY ($_new, was $_old): rescanning" "$T/uv.err"; then
	ok "a new UIDVALIDITY is noticed and logged"
else
	not_ok "new UIDVALIDITY" "$_old -> $_new; $(tail -n 5 "$T/uv.err")"
fi
if [ "$parser" = 1 ]; then
	is "the rescan recognises every message: no duplicate, no new draft" \
	    "$(db_q "$T/s.conf" "SELECT count(*) FROM messages WHERE account = 'sales' AND mailbox = 'INBOX'"),$(db_q "$T/s.conf" "SELECT count(*) FROM drafts"),$(grep -c "$N duplicates" "$T/uv.out")" \
	    "$N,$_drafts,1"
	_next=$(dovecot_doveadm -f flow mailbox status -u "$DOVECOT_USER" \
	    uidnext INBOX | sed -n 's/.*uidnext=\([0-9]*\).*/\1/p')
	is "the cursor moved to the new UIDVALIDITY and its last UID" \
	    "$(db_q "$T/s.conf" "SELECT uidvalidity, last_uid FROM cursors WHERE account = 'sales' AND mailbox = 'INBOX'")" \
	    "$_new|$((_next - 1))"
else
	skip "the rescan recognises every message" "the MIME parser has not landed in this tree (duplicates are found by Message-ID and body hash)"
fi
is "after the rescan: PRAGMA integrity_check" \
    "$(db_q "$T/s.conf" "PRAGMA integrity_check")" ok

done_testing
