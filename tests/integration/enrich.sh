#!/bin/sh
# enrich.sh - the enrichment against real loopback peers: dnsmasq with the
# fixture records, a web server with the fixture company sites over HTTPS
# (a test CA) and HTTP, canaries on the refused addresses.  Runs the xfer
# and enrich unit binaries (plain and sanitized) with the peers' addresses
# in the environment; their live cases skip without them.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/enrich/servers.sh"

enrich_start_all || done_testing

run_unit() {
	name=$1
	bin=$2
	if [ ! -x "$bin" ]; then
		not_ok "$name" "$bin is not built (make check builds it)"
		return
	fi
	out=$("$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep '^# figure:' || true
	if [ $rc -eq 0 ] && ! printf '%s\n' "$out" | grep -q 'SKIPPED\|^not ok'; then
		ok "$name"
	else
		not_ok "$name" "$(printf '%s\n' "$out" |
		    grep -E 'ERROR|LINE|FAILED|^# |Direct leak|#[0-9]+ .* (src|tests)/|runtime error|^[a-z.]+:' |
		    head -n 40)"
	fi
}

export CMOCKA_MESSAGE_OUTPUT=stdout
for t in xfer enrich; do
	run_unit "$t live (plain)" "$INQUIRYD_TOP/build/unit/test_$t"
	run_unit "$t live (ASan+UBSan)" "$INQUIRYD_TOP/build/unit-san/test_$t"
done

if [ -s "$ENRICH_STATE/canary.log" ]; then
	not_ok "no request reached a refused address" "$(cat "$ENRICH_STATE/canary.log")"
else
	ok "no request reached a refused address (canaries on 127.0.0.2, 127.0.0.3, ::1)"
fi
done_testing
