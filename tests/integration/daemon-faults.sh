#!/bin/sh
# daemon-faults.sh - "inquiryd run" against a private Dovecot through the
# faults an admin and a network cause (issue 9):
#   - a corrupt config at start: run and poll exit 2 naming file and line;
#   - SIGHUP with a broken template, a broken catalog, a broken config:
#     each reload is refused with file:line in the log, the old set stays
#     in force and the daemon still drafts new mail with it; a fixed set
#     then reloads;
#   - Dovecot restarted while the daemon idles: it reconnects and stores
#     the mail delivered after the restart, nothing lost or doubled.
# (Dovecot killed in the middle of a fetch at the daemon level is in
# poll-faults.sh; a server closing in the middle of a literal in
# imap-midliteral.sh.)
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"
. "$INQUIRYD_TOP/tests/lib/poll.sh"

T=$(tap_tmpdir)
RUN_PID=
trap '[ -n "$RUN_PID" ] && kill -KILL "$RUN_PID" 2>/dev/null; dovecot_cleanup' EXIT

if ! have_parser; then
	skip "daemon faults" "the MIME parser has not landed in this tree"
	done_testing
fi

# --- a corrupt config at start -------------------------------------------
printf '[general]\ndatabase = %s/x.db\n\n[account a\nurl = imaps://127.0.0.1:1\n' \
    >"$T/corrupt.conf"
"$INQUIRYD_BIN" -c "$T/corrupt.conf" run >"$T/corrupt.out" 2>"$T/corrupt.err"
_rc=$?
if [ "$_rc" = 2 ] && grep -q "corrupt.conf:4:" "$T/corrupt.err"; then
	ok "run with a corrupt config exits 2 naming file and line"
else
	not_ok "run with a corrupt config" "status $_rc: $(cat "$T/corrupt.err")"
fi
"$INQUIRYD_BIN" -c "$T/corrupt.conf" poll --once >"$T/corrupt.out" 2>"$T/corrupt.err"
_rc=$?
if [ "$_rc" = 2 ] && grep -q "corrupt.conf:4:" "$T/corrupt.err"; then
	ok "poll --once with a corrupt config exits 2 naming file and line"
else
	not_ok "poll --once with a corrupt config" "status $_rc: $(cat "$T/corrupt.err")"
fi
printf '[general]\ndatabase = %s/x.db\npoll_interval = 5\nbogus\n' "$T" \
    >"$T/corrupt2.conf"
"$INQUIRYD_BIN" -c "$T/corrupt2.conf" run >"$T/corrupt.out" 2>"$T/corrupt.err"
_rc=$?
if [ "$_rc" = 2 ] && grep -q "corrupt2.conf:3:" "$T/corrupt.err" &&
    grep -q "corrupt2.conf:4:" "$T/corrupt.err"; then
	ok "every error of a corrupt config is reported, each with its line"
else
	not_ok "every error of a corrupt config" "status $_rc: $(cat "$T/corrupt.err")"
fi
[ -e "$T/x.db" ] && not_ok "nothing created by a refused start" ||
    ok "nothing created by a refused start"

# --- the daemon, with a private copy of the rules, templates, catalog ----
if ! dovecot_start "$T/dc"; then
	not_ok "private Dovecot starts"
	done_testing
fi
ok "private Dovecot starts"

cp -R "$INQUIRYD_TOP/rules" "$T/rules"
cp -R "$INQUIRYD_TOP/templates" "$T/templates"
cp "$INQUIRYD_TOP/contrib/catalog.csv" "$T/catalog.csv"
POLL_RULES=$T/rules
dovecot_account_conf "$T/a.acct" sales imaps "track_sent = no"
poll_conf "$T/c.conf" "$T/w" "$T/a.acct"
sed -i -e "s|^templates_dir = .*|templates_dir = $T/templates|" \
    -e "s|^catalog = .*|catalog = $T/catalog.csv|" "$T/c.conf"
grep -q "^catalog = $T/catalog.csv" "$T/c.conf" ||
    sed -i "s|^\[general\]|[general]\ncatalog = $T/catalog.csv|" "$T/c.conf"
cp "$T/c.conf" "$T/c.conf.good"

sample=$INQUIRYD_TOP/contrib/samples/01-en-detailed-speakers.eml
# inquiry N: the detailed sample under a new Message-ID and subject.
inquiry() {
	sed -e "s/^Message-ID: .*/Message-ID: <fault-$1@daemon-faults.test>/I" \
	    -e "s/^Subject: \(.*\)/Subject: \1 (lot $1)/" \
	    -e "s/^From: \(.*\) <jick.smith@/From: \1 <jick.smith$1@/" \
	    "$sample" >"$T/inq-$1.eml"
	grep -qi "^Message-ID: <fault-$1@" "$T/inq-$1.eml" ||
	    sed -i "1i Message-ID: <fault-$1@daemon-faults.test>" "$T/inq-$1.eml"
	dovecot_save INBOX "$T/inq-$1.eml"
}
drafted() {
	_dn=$(db_q "$T/c.conf.good" "SELECT count(*) FROM drafts d JOIN inquiries q ON q.id = d.inquiry_id JOIN messages m ON m.id = q.msg_id WHERE m.message_id LIKE '%fault-$1@%'" 2>/dev/null)
	[ "${_dn:-0}" -ge 1 ]
}
logged() {
	grep -q -- "$1" "$T/d.log"
}
nlogged() {
	grep -c -- "$1" "$T/d.log"
}

inquiry 0
run_start d "$T/c.conf"
D=$RUN_PID
if wait_until 60 drafted 0; then
	ok "run drafts the first inquiry"
else
	not_ok "run drafts the first inquiry" "$(tail -n 20 "$T/d.log")"
fi
if wait_until 20 logged "account 'sales': idling on 'INBOX'"; then
	ok "run idles on the inbox"
else
	not_ok "run idles" "$(tail -n 10 "$T/d.log")"
fi

# hup_broken NAME PATTERN N: SIGHUP, then the refusal with PATTERN
# (file:line) in the log, then inquiry N still drafted with the old set.
hup_broken() {
	_before=$(nlogged "reload failed")
	kill -HUP "$D"
	if wait_until 15 sh -c "[ \$(grep -c 'reload failed' '$T/d.log') -gt $_before ]" &&
	    wait_until 5 logged "$2"; then
		ok "SIGHUP with a broken $1: refused, $2 logged"
	else
		not_ok "SIGHUP with a broken $1" "$(tail -n 10 "$T/d.log")"
	fi
	inquiry "$3"
	if wait_until 30 drafted "$3" && kill -0 "$D" 2>/dev/null; then
		ok "after the broken $1 the old set still drafts new mail"
	else
		not_ok "drafting after the broken $1" "$(tail -n 10 "$T/d.log")"
	fi
}

# A broken template.
cp "$T/templates/en/detailed.text.mustache" "$T/tmpl.save"
printf '{{#lines}}\nnever closed\n' >"$T/templates/en/detailed.text.mustache"
hup_broken template "detailed.text.mustache:[0-9]*:" 1
cp "$T/tmpl.save" "$T/templates/en/detailed.text.mustache"

# A broken catalog row.
cp "$T/catalog.csv" "$T/catalog.save"
printf 'BAD-1,Broken,Mugs,mug,abc:xyz,10,pcs,7 days,,,,,no\n' >>"$T/catalog.csv"
hup_broken catalog "catalog.csv:[0-9]*:" 2
cp "$T/catalog.save" "$T/catalog.csv"

# A broken config: an unknown key and a line that is no INI.
sed -i "s|^\[general\]|[general]\ncolour = blue\nthis is not ini|" "$T/c.conf"
hup_broken config "c.conf:[0-9]*:" 3
_lines=$(grep "c.conf:[0-9]*:" "$T/d.log" | sed 's/.*c\.conf:\([0-9]*\):.*/\1/' | sort -u | tr '\n' ' ')
if [ "$(echo "$_lines" | wc -w)" -ge 2 ]; then
	ok "both config errors are logged, with their lines ($_lines)"
else
	not_ok "both config errors logged" "$(grep 'c.conf' "$T/d.log")"
fi
cp "$T/c.conf.good" "$T/c.conf"

# A broken rule still refused (poll-daemon.sh has the details).
printf 'rule TEST_BROKEN subject /(unclosed/\n\tweight spam=50\n' \
    >"$T/rules/99-test.rules"
hup_broken rule "99-test.rules:1" 4
rm -f "$T/rules/99-test.rules"

# Everything fixed: the reload goes through.
_before=$(nlogged "reloaded:")
kill -HUP "$D"
if wait_until 15 sh -c "[ \$(grep -c 'reloaded:' '$T/d.log') -gt $_before ]"; then
	ok "SIGHUP with the set fixed: reloaded"
else
	not_ok "SIGHUP with the set fixed" "$(tail -n 10 "$T/d.log")"
fi
inquiry 5
if wait_until 30 drafted 5; then
	ok "the reloaded set drafts"
else
	not_ok "the reloaded set drafts" "$(tail -n 10 "$T/d.log")"
fi

# --- Dovecot restarted while the daemon idles ----------------------------
wait_until 20 sh -c "[ \$(grep -c \"account 'sales': idling on 'INBOX'\" '$T/d.log') -ge 2 ]"
_idles=$(nlogged "account 'sales': idling on 'INBOX'")
if dovecot_restart; then
	ok "Dovecot restarted while the daemon idles"
else
	not_ok "Dovecot restarts"
fi
inquiry 6
if wait_until 60 drafted 6; then
	ok "after the restart the daemon reconnects and drafts the new mail"
else
	not_ok "reconnect after a restart during IDLE" "$(tail -n 15 "$T/d.log")"
fi
if wait_until 20 sh -c "[ \$(grep -c \"account 'sales': idling on 'INBOX'\" '$T/d.log') -gt $_idles ]"; then
	ok "and idles again"
else
	not_ok "idles again after the restart" "$(tail -n 10 "$T/d.log")"
fi
if kill -0 "$D" 2>/dev/null; then
	ok "the daemon is still running"
else
	not_ok "the daemon is still running" "$(tail -n 10 "$T/d.log")"
fi

run_stop "$D"
_rc=$RUN_RC
RUN_PID=
is "SIGTERM: exit 0" "$_rc" 0
is "seven inquiries, each stored and drafted once" \
    "$(db_q "$T/c.conf" "SELECT count(*), count(DISTINCT message_id) FROM messages WHERE message_id LIKE '%fault-%'")|$(db_q "$T/c.conf" "SELECT count(*) FROM (SELECT inquiry_id FROM drafts GROUP BY inquiry_id HAVING count(*) > 1)")" \
    "7|7|0"
is "PRAGMA integrity_check" "$(db_q "$T/c.conf" "PRAGMA integrity_check")" ok
done_testing
