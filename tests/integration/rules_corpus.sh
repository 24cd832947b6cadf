#!/bin/sh
# rules_corpus.sh - "inquiryd rules test" on the labelled corpora: the
# shared development corpus against the issue's targets (macro-F1 0.90,
# outline and question recall 0.80 on the detailed items) and outline
# precision 0.80, and our own multilingual corpus (tests/data/rules/corpus)
# as a regression guard.
. "$(dirname "$0")/../lib/tap.sh"
cd "$INQUIRYD_TOP" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/inquiryd-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# One figure from the report: "macro-F1: 0.958" -> 0.958.
fig() {
	sed -n "s/^$1: \([0-9.]*\).*/\1/p" "$2" | head -n 1
}

run_corpus() {
	name=$1
	dir=$2
	shift 2
	"$INQUIRYD_BIN" rules test --rules rules "$@" "$dir" >"$tmp/$name.out" 2>&1
	rc=$?
	is "$name: rules test meets its targets" "$rc" 0
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$tmp/$name.out" | head -n 40
	figure "$name: accuracy $(fig accuracy "$tmp/$name.out")," \
	    "lenient $(fig 'lenient accuracy' "$tmp/$name.out")," \
	    "macro-F1 $(fig macro-F1 "$tmp/$name.out")," \
	    "outline recall $(fig 'outline recall (detailed)' "$tmp/$name.out")," \
	    "outline precision $(fig 'outline precision (detailed)' "$tmp/$name.out")," \
	    "question recall $(fig 'question recall (detailed)' "$tmp/$name.out")"
	grep -q '^confusion matrix' "$tmp/$name.out" &&
	    grep -q '^rules that never fired:' "$tmp/$name.out" &&
	    grep -q '^rule hits' "$tmp/$name.out"
	is "$name: the report has the matrix, hit counts, unfired rules" "$?" 0
}

shared=$SHARED/corpus/inquiries
if [ -f "$shared/inquiries.jsonl" ]; then
	# The development share's figures as they stand (macro-F1 1.000,
	# outline recall 0.992, precision 0.859, question recall 1.000): a
	# change that loses any of them must say so here.
	run_corpus shared "$shared" --min-macro-f1 1.0 \
	    --min-outline-recall 0.95 --min-question-recall 0.95 \
	    --min-outline-precision 0.85
else
	skip "shared corpus: rules test meets its targets" \
	    "no $shared (the shared corpora are not checked out here)"
fi
run_corpus ours tests/data/rules/corpus --min-macro-f1 0.90 \
    --min-outline-recall 0.80 --min-question-recall 0.80 \
    --min-outline-precision 0.90

# The gate can fail: rules that call everything vague miss the target.
cp -R rules "$tmp/rules"
sed -i 's/^threshold spam .*/threshold spam 1000/; s/^threshold detailed .*/threshold detailed 1000/' \
    "$tmp/rules/00-decide.rules"
# (unreachable thresholds are an error, so lift them with a heavy rule)
printf 'rule HEAVY subject /\\A(?!)/\n\tweight spam=1000 detailed=1000\n' \
    >"$tmp/rules/99-heavy.rules"
"$INQUIRYD_BIN" rules test --rules "$tmp/rules" --min-macro-f1 0.9 \
    tests/data/rules/corpus >"$tmp/gate.out" 2>&1
is "--min-macro-f1 fails below the figure" "$?" 1
grep -q 'macro-F1 .* is below 0.900' "$tmp/gate.out"
is "the failure says which figure" "$?" 0

# So can the precision gate: rules that file every word as a colour.
cp -R rules "$tmp/noisy"
printf 'rule NOISY visible /(?<colour>\\b\\w{3,}\\b)/\n\tmax-hits 50\n' \
    >"$tmp/noisy/99-noisy.rules"
"$INQUIRYD_BIN" rules test --rules "$tmp/noisy" --min-outline-precision 0.9 \
    tests/data/rules/corpus >"$tmp/noisy.out" 2>&1
is "--min-outline-precision fails below the figure" "$?" 1
grep -q 'outline precision .* is below 0.900' "$tmp/noisy.out"
is "the failure says outline precision" "$?" 0

"$INQUIRYD_BIN" rules test --min-macro-f1 2 tests/data/rules/corpus \
    >/dev/null 2>&1
is "a bad --min-macro-f1 is a usage error" "$?" 2
"$INQUIRYD_BIN" rules test --rules rules /nonexistent >/dev/null 2>&1
is "a missing corpus fails" "$?" 1
done_testing
