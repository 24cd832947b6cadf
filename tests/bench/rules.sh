#!/bin/sh
# rules.sh - issue 5's benchmark: classification throughput with the
# shipped rules (messages per second, visible text already extracted)
# beside the floor measured in the same run: the same compiled patterns
# run by PCRE2's JIT over the same texts in a bare loop.  Target: at
# least 0.8 of the floor.  Also a 5 KB variant (bodies of the corpus run
# together), closer to what a real mailbox holds.
#
#   tests/bench/rules.sh [ROUNDS]      default 20
TOP=${INQUIRYD_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${INQUIRYD_BIN:-$TOP/inquiryd}
SHARED=${INQUIRYD_SHARED:-$TOP/../shared}
rounds=${1:-20}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/inquiryd-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
rc=0

bench() {
	name=$1
	dir=$2
	"$BIN" rules test --rules "$TOP/rules" --bench "$rounds" "$dir" \
	    >"$tmp/out" 2>&1 || { cat "$tmp/out"; rc=1; return; }
	sed -n '/^benchmark:/,$p' "$tmp/out" | grep -v '^# figure'
	ratio=$(sed -n 's/^  classify \/ floor: //p' "$tmp/out")
	echo "# figure: rules bench ($name): $(sed -n 's/^# figure: //p' "$tmp/out")"
	awk -v r="$ratio" 'BEGIN { exit !(r >= 0.8) }' ||
	    { echo "rules bench ($name): classify/floor $ratio is below 0.8"; rc=1; }
}

for d in "$SHARED/corpus/inquiries" "$TOP/tests/data/rules/corpus"; do
	[ -f "$d/inquiries.jsonl" ] && bench "${d##*/corpus/}" "$d"
done

# 5 KB messages: the corpus bodies run together.
if [ -f "$SHARED/corpus/inquiries/inquiries.jsonl" ]; then
	mkdir -p "$tmp/big/eml"
	/usr/bin/python3 - "$SHARED/corpus/inquiries/inquiries.jsonl" \
	    "$tmp/big/inquiries.jsonl" <<'PY'
import json, random, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
random.seed(5)
with open(sys.argv[2], "w") as out:
    for i in range(20):
        body = ""
        while len(body.encode()) < 4500:
            body += random.choice(recs)["body"] + "\n\n"
        out.write(json.dumps({"id": "big%d" % i, "label": "detailed",
            "subject": "Inquiry", "body": body, "requirements": [],
            "questions": [], "eml": {"file": "eml/none.eml",
            "from_header": "Buyer <buyer@example.com>"}}) + "\n")
PY
	bench "5KB" "$tmp/big"
fi
exit $rc
