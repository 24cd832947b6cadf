#!/bin/sh
# tests/integration/hostile.sh - the hostile message corpus (issue 9,
# tests/data/hostile/make-hostile.py) through the real binary, plain and
# under ASan/UBSan: each message is processed or quarantined with its
# reason, within a bounded time and memory, no sanitizer report, no escape
# byte reaches the terminal or the log, nothing is written outside the
# output folders, and the ordinary inquiry after them all is drafted.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/conf.sh"

py=/usr/bin/python3
tmp=$(tap_tmpdir)
$py "$INQUIRYD_TOP/tests/data/hostile/make-hostile.py" "$tmp/mail" ||
    { not_ok "generate the hostile corpus"; done_testing; }
n=$(ls "$tmp/mail" | wc -l)
ok "generated $n hostile messages"


run_one() {	# NAME BINARY MAX_SECONDS MAX_RSS_KB
	name=$1
	out=$tmp/$name
	mkdir -p "$out"
	files_conf "$out" "$out" >"$out/c.conf"
	start=$(date +%s)
	/usr/bin/time -f '%M' -o "$out/rss" timeout "$3" "$2" -c "$out/c.conf" \
	    import "$tmp/mail" >"$out/stdout" 2>"$out/stderr"
	rc=$?
	secs=$(( $(date +%s) - start ))
	rss=$(tail -n 1 "$out/rss")
	is "$name: import exits 0" "$rc" 0
	figure "$name: $n hostile messages in ${secs}s, peak RSS $((rss / 1024)) MiB"
	if [ "$rss" -le "$4" ]; then
		ok "$name: peak memory under $(($4 / 1024)) MiB"
	else
		not_ok "$name: peak memory under $(($4 / 1024)) MiB" "$rss KiB"
	fi
	check "$name: every message was settled" \
	    grep -q "^$n messages: " "$out/stdout"
	check "$name: the ordinary inquiry after them was drafted" sh -c \
	    "grep -A1 'RFQ 2000 pcs power banks' '$out/stdout' | grep -q draft:"
	check "$name: the From and Subject after 5,000 Received fields were read" sh -c \
	    "grep 'buyer@relay-buyer.example *RFQ through 5000 relays' '$out/stdout'"
	check "$name: a last field with no line end after it is the Subject" sh -c \
	    "grep 'cut@short-buyer.example *Quote 300 pcs tote bags' '$out/stdout'"
	if grep -q 'Sanitizer\|runtime error' "$out/stderr"; then
		not_ok "$name: no sanitizer report" "$(grep -m5 'Sanitizer\|runtime error' "$out/stderr")"
	else
		ok "$name: no sanitizer report"
	fi
	if cat "$out/stdout" "$out/stderr" | tr -d '\n' | grep -q "$(printf '\033')\|$(printf '\r')"; then
		not_ok "$name: no escape or CR byte in the output or the log"
	else
		ok "$name: no escape or CR byte in the output or the log"
	fi
}

run_one plain "$INQUIRYD_BIN" 120 $((400 * 1024))
out=$tmp/plain
for why in "over the size limit" "more than 1000 MIME parts" \
    "nested deeper than"; do
	check "quarantined by name: '$why'" grep -q "failed .*: .*$why" "$out/stdout"
done
is "the 10,000-part and both 1,000-deep messages and the 100 MB one are in list --status failed" \
    "$("$INQUIRYD_BIN" -c "$out/c.conf" list --json --status failed | $py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 4
check "a rule that would backtrack is skipped with its file:line, not stalled" \
    grep -q "rules/.*:[0-9]*) skipped" "$out/stderr"
# Nothing outside the output folders: no file named like the attachment.
if find "$tmp" -name passwd -o -name authorized_keys | grep -q .; then
	not_ok "no attachment name became a path"
else
	ok "no attachment name became a path"
fi
bad=$(find "$out" -type f ! -path "$out/drafts/*" ! -path "$out/quotes/*" \
    ! -name 'inquiryd.db*' ! -name c.conf ! -name stdout ! -name stderr ! -name rss)
is "every file written is in the drafts or quotes folder" "$bad" ""
# The draft to the display name with CR/LF is one clean header.
d=$(grep -A1 'evil@attacker.example' "$out/stdout" | sed -n 's/.*draft: //p')
if [ -n "$d" ] && ! grep -qi '^X-Injected' "$d"; then
	ok "a CR/LF in a display name injects no header into the draft"
else
	not_ok "a CR/LF in a display name injects no header into the draft" "$d"
fi

if [ -x "$INQUIRYD_SAN_BIN" ]; then
	# ASan shadow memory makes RSS several times larger.
	run_one sanitizers "$INQUIRYD_SAN_BIN" 300 $((2048 * 1024))
else
	not_ok "the sanitizer build exists" "$INQUIRYD_SAN_BIN (make build/inquiryd-san)"
fi
done_testing
