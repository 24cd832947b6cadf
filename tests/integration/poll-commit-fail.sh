#!/bin/sh
# poll-commit-fail.sh - a message whose store transaction fails after its
# draft and quote sheet were written (here the cursor update, refused by
# a trigger the test puts in the database) leaves no files behind: the
# store does not know of that draft, and the next poll drafts the message
# afresh, so the files would stay as orphans beside the real ones.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"
. "$INQUIRYD_TOP/tests/lib/poll.sh"

T=$(tap_tmpdir)
trap 'dovecot_cleanup' EXIT

if ! command -v sqlite3 >/dev/null 2>&1; then
	skip "a failed commit leaves no files" "no sqlite3 command"
	done_testing
fi
if ! dovecot_start "$T/dc"; then
	not_ok "private Dovecot starts"
	done_testing
fi
ok "private Dovecot starts"
dovecot_account_conf "$T/sales.acct" sales imaps \
    "rep = Alice Wang <alice@example-gifts.com>"
poll_conf "$T/c.conf" "$T/w" "$T/sales.acct"
files() { ls "$T/w/drafts" "$T/w/quotes" 2>/dev/null | grep -c '\.\(eml\|xlsx\)$'; }

# An empty INBOX makes the database; then the cursor update is refused.
"$INQUIRYD_BIN" -c "$T/c.conf" poll --once >"$T/p0.out" 2>&1
is "a poll of an empty INBOX exits 0" "$?" 0
db_q "$T/c.conf" "CREATE TRIGGER no_cursor BEFORE INSERT ON cursors
    BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
    CREATE TRIGGER no_cursor_up BEFORE UPDATE ON cursors
    BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
dovecot_seed INBOX "$INQUIRYD_TOP/contrib/samples/01-en-detailed-speakers.eml" \
    "$INQUIRYD_TOP/contrib/samples/04-de-detailed-powerbanks.eml"
"$INQUIRYD_BIN" -c "$T/c.conf" poll --once >"$T/p1.out" 2>"$T/p1.err"
is "the poll whose commits fail exits 1" "$?" 1
check "the log says the message was not stored" \
    grep -q "not stored\|injected failure" "$T/p1.err"
is "no message is stored" \
    "$(db_q "$T/c.conf" "SELECT count(*) FROM messages")" 0
is "no draft or quote file is left behind" "$(files)" 0

db_q "$T/c.conf" "DROP TRIGGER no_cursor; DROP TRIGGER no_cursor_up;"
"$INQUIRYD_BIN" -c "$T/c.conf" poll --once >"$T/p2.out" 2>"$T/p2.err"
is "the next poll exits 0" "$?" 0
is "both messages are stored once" \
    "$(db_q "$T/c.conf" "SELECT count(*), count(DISTINCT uid) FROM messages")" \
    "2|2"
is "one draft and one quote file per drafted inquiry" "$(files)" \
    "$(db_q "$T/c.conf" "SELECT (SELECT count(*) FROM drafts) + (SELECT count(*) FROM quotes)")"
done_testing
