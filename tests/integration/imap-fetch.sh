#!/bin/sh
# imap-fetch.sh - reading and writing a real Dovecot mailbox through
# imap.c: special-use discovery (a UTF-8 folder name), EXAMINE, UID
# SEARCH, 200+ messages fetched in batches with the bodies intact and
# \Seen never set, the size cap, APPEND of a draft (once per
# Message-ID), keyword STORE, MOVE.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"

DRIVER=${IMAP_DRIVER:-$INQUIRYD_TOP/build/imap-driver-san}
PLAIN_DRIVER=$INQUIRYD_TOP/build/imap-driver
PY=/usr/bin/python3
T=$(tap_tmpdir)
trap 'dovecot_cleanup; rm -rf "$T"' EXIT

if [ ! -x "$DRIVER" ]; then
	not_ok "imap driver built" "missing $DRIVER (make check builds it)"
	done_testing
fi
DOVECOT_DRAFTS_NAME="Entwürfe"
DOVECOT_SENT_NAME=Verzonden
if ! dovecot_start "$T/dovecot"; then
	not_ok "private Dovecot starts"
	done_testing
fi
ok "private Dovecot starts"

drive() {
	_n=$1
	_c=$2
	shift 2
	"$DRIVER" -c "$_c" -a sales "$@" >"$T/$_n.out" 2>"$T/$_n.err"
	echo $? >"$T/$_n.rc"
}
rc() { cat "$T/$1.rc"; }
has() { grep -q -- "$2" "$T/$1.$3"; }
val() { sed -n "s/.*$2=\([^ ]*\).*/\1/p" "$T/$1.out" | tail -n 1; }

# 200 varied messages (1-20 KB, HTML-only, attachments) and one of 300 KB.
"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/mail" 200 --seed 7
"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/big" 1 --min-kb 300 \
    --max-kb 300 --prefix big
dovecot_seed INBOX "$T"/mail/*.eml "$T"/big/*.eml
is "201 messages seeded" "$(dovecot_count INBOX)" 201

dovecot_account_conf "$T/c.conf" sales imaps "max_message_size = 200K" \
    "fetch_batch = 30"

drive folders "$T/c.conf" folders
is "drafts and sent found by special use (RFC 6154)" \
    "$(head -n 1 "$T/folders.out")" "drafts=Entwürfe sent=Verzonden"
dovecot_account_conf "$T/named.conf" sales imaps "drafts = Outbox/Drafts"
drive named "$T/named.conf" folders
is "configured folder names win over discovery" \
    "$(head -n 1 "$T/named.out")" "drafts=Outbox/Drafts sent=Verzonden"

drive examine "$T/c.conf" examine INBOX
if [ "$(rc examine)" = 0 ] && [ "$(val examine exists)" = 201 ] &&
    [ "$(val examine uidnext)" = 202 ] && [ "$(val examine readonly)" = 1 ] &&
    [ "$(val examine uidvalidity)" = "$(dovecot_uidvalidity INBOX)" ]; then
	ok "EXAMINE gives UIDVALIDITY, UIDNEXT, EXISTS, read-only"
else
	not_ok "EXAMINE" "$(cat "$T/examine.out" "$T/examine.err")"
fi
drive nobox "$T/c.conf" examine NoSuchFolder
if [ "$(rc nobox)" = 1 ] && has nobox "error: permanent" err &&
    has nobox "NoSuchFolder" err; then
	ok "a missing mailbox is a permanent error naming it"
else
	not_ok "a missing mailbox" "$(cat "$T/nobox.err")"
fi

# UID SEARCH.
drive s_all "$T/c.conf" search INBOX all
is "UID SEARCH ALL" "$(val s_all count)" 201
drive s_range "$T/c.conf" search INBOX uid:10:20
is "UID SEARCH UID 10:20" "$(val s_range count)" 11
drive s_after "$T/c.conf" search INBOX uid:500:0
is "UID SEARCH UID 500:* past the last UID finds nothing" \
    "$(val s_after count)" 0
drive s_id "$T/c.conf" search INBOX "msgid:<m-00042@mkmail.test>"
is "UID SEARCH HEADER Message-ID" "$(val s_id count)" 1
_tomorrow=$("$PY" -c 'import time; print(time.strftime("%Y-%m-%d", time.gmtime(time.time() + 2 * 86400)))')
_yesterday=$("$PY" -c 'import time; print(time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)))')
drive s_since1 "$T/c.conf" search INBOX "since:$_yesterday"
drive s_since2 "$T/c.conf" search INBOX "since:$_tomorrow"
if [ "$(val s_since1 count)" = 201 ] && [ "$(val s_since2 count)" = 0 ]; then
	ok "UID SEARCH SINCE"
else
	not_ok "UID SEARCH SINCE" "$(head -n 1 "$T/s_since1.out") $(head -n 1 "$T/s_since2.out")"
fi

# Fetch everything in batches of 30, bodies dumped for comparison.
mkdir -p "$T/dump"
drive fetch "$T/c.conf" fetch INBOX --dump "$T/dump"
if [ "$(rc fetch)" = 0 ] && [ "$(val fetch fetched)" = 201 ] &&
    [ "$(val fetch too_big)" = 1 ] && [ "$(val fetch ordered)" = 1 ]; then
	ok "201 messages handed over in UID order, one of them too big"
else
	not_ok "fetch of 201 messages" "$(tail -n 3 "$T/fetch.out") $(cat "$T/fetch.err")"
fi
if grep "too_big=1" "$T/fetch.out" | grep -q "len=0 " &&
    [ "$(grep "too_big=1" "$T/fetch.out" | sed -n 's/.*size=\([0-9]*\).*/\1/p')" -gt 300000 ]; then
	ok "the message over max_message_size is reported by size, without its body"
else
	not_ok "the too-big message has no body" "$(grep "too_big=1" "$T/fetch.out")"
fi
_same=$("$PY" - "$T/mail" "$T/dump" <<'EOF'
import hashlib, os, sys
src, dump = sys.argv[1], sys.argv[2]
def h(p):
    with open(p, "rb") as f:
        return hashlib.sha256(f.read().replace(b"\r\n", b"\n")).hexdigest()
want = {h(os.path.join(src, f)) for f in os.listdir(src)}
got = {h(os.path.join(dump, f)) for f in os.listdir(dump)}
print(len(want & got), len(got))
EOF
)
is "every body fetched is byte-identical to the message seeded" "$_same" "200 200"
_seen=$(dovecot_flags INBOX | grep -c 'Seen')
is "no message has \\Seen after the fetch (BODY.PEEK)" "$_seen" 0
is "the fetch saw no \\Seen either" "$(val fetch seen)" 0

# Stopping early.
drive stop "$T/c.conf" fetch INBOX --stop-after 5
is "the callback can stop the fetch" "$(val stop fetched) $(val stop stopped)" "5 1"

# Memory: the plain (not sanitized) driver's peak RSS for the whole fetch.
if [ -x "$PLAIN_DRIVER" ]; then
	"$PLAIN_DRIVER" -c "$T/c.conf" -a sales fetch INBOX >"$T/rss.out" 2>&1
	figure "imap fetch of 201 messages (3 MB) in batches of 30: peak RSS $(val rss maxrss_kb) KiB"
fi

# APPEND a draft with \Draft, once per Message-ID.
cat >"$T/draft.eml" <<'EOF'
From: Alice Wang <alice@example.test>
To: buyer1@example-germany.test
Subject: Re: RFQ bluetooth speaker
Message-ID: <draft-1@inquiryd.test>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Dear Buyer 1, thank you for your inquiry.
EOF
drive app1 "$T/c.conf" append "Entwürfe" "$T/draft.eml" "<draft-1@inquiryd.test>"
drive app2 "$T/c.conf" append "Entwürfe" "$T/draft.eml" "<draft-1@inquiryd.test>"
if has app1 "appended uid=1" out && has app2 "found uid=1" out &&
    [ "$(dovecot_count "Entwürfe")" = 1 ]; then
	ok "APPEND to Drafts, and a second APPEND of the same Message-ID finds it"
else
	not_ok "APPEND once" "$(cat "$T/app1.out" "$T/app1.err" "$T/app2.out" "$T/app2.err")"
fi
if dovecot_flags "Entwürfe" | grep -q 'Draft'; then
	ok "the draft has the \\Draft flag"
else
	not_ok "the draft has \\Draft" "$(dovecot_flags "Entwürfe")"
fi
is "the inbox is untouched by the APPEND" "$(dovecot_count INBOX)" 201

# Keyword STORE (flag_processed) and MOVE (move_processed), on request only.
drive store "$T/c.conf" store INBOX 1 '$Inquiryd'
if [ "$(rc store)" = 0 ] && dovecot_flags INBOX | grep -q '^1 .*\$Inquiryd' &&
    ! dovecot_flags INBOX | grep -q '^1 .*Seen'; then
	ok "UID STORE of a keyword sets it and nothing else"
else
	not_ok "STORE of a keyword" "$(cat "$T/store.err") $(dovecot_flags INBOX | head -n 2)"
fi
drive storeseen "$T/c.conf" store INBOX 1 '\Seen'
if [ "$(rc storeseen)" = 1 ] && has storeseen "error: config" err &&
    [ "$(dovecot_flags INBOX | grep -c Seen)" = 0 ]; then
	ok "STORE of \\Seen is refused before it reaches the server"
else
	not_ok "STORE of \\Seen is refused" "$(cat "$T/storeseen.err")"
fi
dovecot_create Processed
drive move "$T/c.conf" move INBOX 2 Processed
if [ "$(rc move)" = 0 ] && [ "$(dovecot_count Processed)" = 1 ] &&
    [ "$(dovecot_count INBOX)" = 200 ]; then
	ok "UID MOVE moves one message"
else
	not_ok "UID MOVE" "$(cat "$T/move.err")"
fi
drive noop "$T/c.conf" noop INBOX
is "NOOP" "$(head -n 1 "$T/noop.out")" "changed=0"

done_testing
