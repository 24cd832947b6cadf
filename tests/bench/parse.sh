#!/bin/sh
# tests/bench/parse.sh - parse throughput beside libetpan's bare MIME parse
# over the MIME corpus and the seeded inquiries (issue 4's benchmark).
# The stage is parse_message and sig_analyse with the rules of rules/
# (PARSE_RULES), as DESIGN.md draws it: MIME, charsets, HTML, quoted
# history and signature fields.
# Builds build/bench/bench_parse from tests/bench/bench_parse.c and the
# objects of "make" (build/obj).  BENCH_SECONDS per side (default 3).
cd "$(dirname "$0")/../.." || exit 2
shared=${INQUIRYD_SHARED:-../shared}
set -e
mkdir -p build/bench
objs=$(ls build/obj/*.o | grep -v '/main\.o$')
# The Makefile's PKGS, so that a library a module gains links here too.
pkgs=$(sed -n '/^PKGS =/,/[^\\]$/p' Makefile | sed 's/^PKGS =//; s/\\$//')
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -Iinclude \
    $(pkg-config --cflags $pkgs) -o build/bench/bench_parse \
    tests/bench/bench_parse.c $objs $(pkg-config --libs $pkgs) -lm
set +e
files=
for d in "$shared/corpus/mime" "$shared/corpus/inquiries/eml"; do
	[ -d "$d" ] && files="$files $(ls "$d"/msg_*.txt "$d"/*.eml 2>/dev/null)"
done
if [ -z "$files" ]; then
	echo "parse.sh: no corpus under $shared/corpus; using tests/data/parse"
	files=$(ls tests/data/parse/*.eml)
fi
# shellcheck disable=SC2086
build/bench/bench_parse -s "${BENCH_SECONDS:-3}" -r "${PARSE_RULES:-rules}" $files
rc=$?
# For comparison only, not the figure: mail as it comes through relays
# (tests/bench/relay/, five generated Gmail-style messages with 4 KiB of
# Received, ARC and DKIM fields), where libetpan's bare parse spends most
# of its time in the header that inquiryd keeps from it (mime.c).
echo "# mail with relay headers (tests/bench/relay, not the figure):"
build/bench/bench_parse -s "${BENCH_SECONDS:-3}" -r "${PARSE_RULES:-rules}" \
    tests/bench/relay/*.eml |
    sed -n 's/^# figure: parse stage/#   stage/; s/; target.*//p'
exit $rc
