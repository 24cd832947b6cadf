#!/bin/sh
# tests/bench/report.sh - "inquiryd report" over 10,000 and over 100,000
# inquiries with their events (tests/bench/report-db.py fills a database
# whose schema inquiryd made itself): report, --by week, --json,
# --unanswered, each the best of 3 runs.  Prints both times and the
# ratio; fails when 100,000 take more than 10 times as long as 10,000.
#
#   tests/bench/report.sh [SMALL LARGE]     (default 10000 100000)
cd "$(dirname "$0")/../.." || exit 2
make -s --no-print-directory inquiryd || exit 1
PY=/usr/bin/python3
BIN=$PWD/inquiryd
SMALL=${1:-10000}
LARGE=${2:-100000}
D=$(mktemp -d "${TMPDIR:-/tmp}/inquiryd-bench-report.XXXXXX")
trap 'rm -rf "$D"' EXIT

for n in "$SMALL" "$LARGE"; do
	printf '[general]\ndatabase = %s/r%s.db\n' "$D" "$n" >"$D/r$n.conf"
	# inquiryd makes its own schema (every migration) on the first open.
	"$BIN" -c "$D/r$n.conf" report >/dev/null || exit 1
	printf 'filling %s: ' "$n"
	"$PY" tests/bench/report-db.py "$D/r$n.db" "$n" || exit 1
done

best() {
	# best N ARGS...: the lowest wall time of 3 runs, in seconds.
	_n=$1
	shift
	for _i in 1 2 3; do
		"$PY" tests/bench/timeit.py "$BIN" -c "$D/r$_n.conf" report "$@"
	done | awk '$3 != 0 { bad = 1 }
	    NR == 1 || $1 < m { m = $1 }
	    END { if (bad) print "fail"; else printf "%.3f\n", m }'
}

rc=0
printf '%-22s %10s %10s %7s\n' "report" "$SMALL" "$LARGE" "ratio"
for args in "" "--by week" "--json" "--unanswered"; do
	# shellcheck disable=SC2086
	a=$(best "$SMALL" $args)
	# shellcheck disable=SC2086
	b=$(best "$LARGE" $args)
	if [ "$a" = fail ] || [ "$b" = fail ]; then
		echo "report $args: failed"
		rc=1
		continue
	fi
	r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", b / (a > 0 ? a : 0.001) }')
	printf '%-22s %9ss %9ss %6sx\n' "report${args:+ $args}" "$a" "$b" "$r"
	awk -v r="$r" 'BEGIN { exit !(r > 10) }' && rc=1
done
[ "$rc" -eq 0 ] && echo "target met: $LARGE inquiries take at most 10x $SMALL" ||
    echo "over target: $LARGE inquiries take more than 10x $SMALL"
exit $rc
