#!/bin/sh
# enrich.sh - the enrichment benchmark (make bench): 1,000 distinct
# fixture domains (dNNNN-bench.test) on the loopback peers (dnsmasq with
# an A and an MX record for each, the fixture web server over HTTPS), one
# site in twenty answering only after a second.  The 1,000 senders one
# at a time, then the same 1,000 64 at a time, in the same run (target:
# at least 5x faster together), then from the cache (target: under a
# millisecond a sender).  Prints figures; exits non-zero when a target is
# missed.
cd "$(dirname "$0")/../.." || exit 2
INQUIRYD_TOP=$PWD
export INQUIRYD_TOP
. tests/lib/tap.sh
N=${ENRICH_BENCH_N:-1000}
CONC=${ENRICH_BENCH_CONCURRENCY:-64}
conf=$(mktemp "${TMPDIR:-/tmp}/inquiryd-bench-dns.XXXXXX")
names=
i=0
while [ $i -lt "$N" ]; do
	d=$(printf 'd%04d-bench.test' $i)
	printf 'host-record=%s,127.0.0.1\nmx-host=%s,mx.%s,10\n' "$d" "$d" "$d"
	names="$names $d"
	i=$((i + 1))
done >"$conf"
i=0
while [ $i -lt "$N" ]; do
	names="$names $(printf 'd%04d-bench.test' $i)"
	i=$((i + 1))
done
ENRICH_DNS_EXTRA="--conf-file=$conf"
ENRICH_TLS_EXTRA=$names
. tests/integration/enrich/servers.sh
trap 'enrich_cleanup; rm -f "$conf"' EXIT INT TERM
export ENRICH_TIMEOUT=5

make --no-print-directory build/enrich-driver >/dev/null || exit 2
enrich_start_all || exit 1
${ENRICH_BENCH_WRAP:-} build/enrich-driver bench "$N" "$CONC"
