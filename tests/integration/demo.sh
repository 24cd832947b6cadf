#!/bin/sh
# demo.sh - "make demo" (contrib/demo) works: a private Dovecot starts,
# the samples are polled over IMAPS, the table and the Drafts folder are
# printed, and the server is stopped again.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/poll.sh"

T=$(tap_tmpdir)
INQUIRYD_DEMO_DIR=$T/demo "$INQUIRYD_TOP/contrib/demo" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" = 0 ]; then
	ok "contrib/demo exits 0"
else
	not_ok "contrib/demo exits 0" "status $rc: $(tail -n 15 "$T/err")"
fi
_n=$(ls "$INQUIRYD_TOP"/contrib/samples/*.eml | wc -l)
if grep -q "INBOX holds $_n sample inquiries" "$T/out" &&
    grep -q "account 'sales': $_n messages" "$T/out"; then
	ok "the $_n samples are seeded and polled"
else
	not_ok "samples polled" "$(head -n 20 "$T/out")"
fi
if grep -q "^== what inquiryd found" "$T/out" &&
    grep -q "^== the Drafts folder" "$T/out" &&
    grep -q "drafts* in Drafts$" "$T/out"; then
	ok "it prints the inquiries and the Drafts folder"
else
	not_ok "the demo's output" "$(tail -n 20 "$T/out")"
fi
_stored=$(sqlite3 "$T/demo/inquiryd.db" "SELECT count(*) FROM drafts")
if grep -q "^$_stored drafts* in Drafts$" "$T/out"; then
	ok "the Drafts folder holds the $_stored drafts inquiryd made"
else
	not_ok "drafts in the folder" "$(grep "in Drafts" "$T/out")"
fi
if have_parser; then
	if [ "$_stored" -ge 10 ] && [ "$(grep -c "draft: " "$T/out")" = "$_stored" ]; then
		ok "a draft for each sample inquiry, its path printed"
	else
		not_ok "drafts" "$(grep -c "draft: " "$T/out") draft paths, $_stored drafts"
	fi
	figure "demo: $_stored drafts, $(grep -c "quote: " "$T/out") quote sheets"
else
	skip "a draft for each sample inquiry" "the MIME parser has not landed in this tree"
fi
_dc=$(sed -n 's/.*, data in \(.*\) (removed at the end)$/\1/p' "$T/out")
if [ -n "$_dc" ] && [ ! -e "$_dc" ] &&
    ! pgrep -f "dovecot -c $_dc/" >/dev/null 2>&1; then
	ok "the private Dovecot is stopped"
else
	not_ok "Dovecot stopped" "$(pgrep -af dovecot | head -n 3)"
fi
done_testing
