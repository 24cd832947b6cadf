#!/bin/sh
# poll.sh - issue 3's benchmark: "inquiryd poll --once" with drafts off
# against a private Dovecot seeded with N varied inquiries (1-20 KB, some
# HTML-only, some with attachments: tests/lib/mkmail.py), beside the
# floors it is made of, measured in the same run on the same mailbox:
#   - fetch: mbsync (isync) pulling the mailbox into a fresh Maildir over
#     IMAPS;
#   - classification: the shipped rules' compiled patterns run by PCRE2
#     JIT in a bare loop over the same texts (tests/bench/rules-floor.c).
# Prints each time, inquiryd's ratio to the floors' sum, peak memory, and
# inquiryd's own account of where its time went (poll --stats).
# Targets: within 1.2x of the floors' sum; peak memory flat in the
# mailbox size, at most 64 MiB at 20,000 messages.
#
#   tests/bench/poll.sh [N...]      default: 2000 20000
TOP=${INQUIRYD_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
INQUIRYD_TOP=$TOP
BIN=${INQUIRYD_BIN:-$TOP/inquiryd}
IMAP_FLOOR_LIB=1
. "$TOP/tests/bench/imap-floor.sh"
. "$TOP/tests/lib/poll.sh"

[ $# -eq 0 ] && set -- 2000 20000
command -v mbsync >/dev/null || {
	echo "poll.sh: mbsync is missing (isync; make bench installs it)" >&2
	exit 1
}
cd "$TOP" || exit 2
mkdir -p build/bench
objs=$(ls build/obj/*.o | grep -v '/main\.o$')
pkgs="libetpan libcurl libpcre2-8 sqlite3 xlsxwriter inih libxml-2.0 uchardet
	libcares libpsl libidn2 jansson nettle gnutls"
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -Iinclude \
    $(pkg-config --cflags $pkgs) -o build/bench/rules-floor \
    tests/bench/rules-floor.c $objs $(pkg-config --libs $pkgs) -lm || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/inquiryd-bench-poll.XXXXXX") || exit 1
trap 'dovecot_cleanup; rm -rf "$T"' EXIT
status=0
peaks=
for n in "$@"; do
	dovecot_start || exit 1
	"$PY" "$TOP/tests/lib/mkmail.py" "$T/seed" "$n" --seed "$n" >/dev/null
	dovecot_seed_dir INBOX "$T/seed"
	dovecot_count INBOX >/dev/null
	_kb=$(du -sk "$DOVECOT_DIR/mail" | cut -f1)

	# Floor 1: mbsync.
	set -- $(bench_mbsync "$T/local")
	m_s=$1 m_rss=$2
	# Floor 2: the rules' patterns over the same texts.
	set -- $("$PY" "$TOP/tests/bench/timeit.py" --keep "$T/floor.out" \
	    build/bench/rules-floor "$TOP/rules" "$T/seed")
	r_s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$T/floor.out")
	r_all=$1

	# inquiryd: drafts off, enrichment off (offline).
	dovecot_account_conf "$T/a.acct" bench imaps \
	    "url = imaps://localhost:$DOVECOT_IMAPS_PORT" "track_sent = no"
	POLL_GENERAL="drafts = no"
	poll_conf "$T/c.conf" "$T/w" "$T/a.acct"
	set -- $("$PY" "$TOP/tests/bench/timeit.py" --keep "$T/poll.out" \
	    "$BIN" -q -c "$T/c.conf" poll --once --stats --offline)
	i_s=$1 i_rss=$2 i_rc=$3
	_stored=$(db_q "$T/c.conf" "SELECT count(*) FROM messages")

	_ratio=$("$PY" -c "print('%.2f' % ($i_s / max($m_s + $r_s, 0.001)))")
	echo "messages=$n maildir_kb=$_kb stored=$_stored"
	echo "  floor mbsync:        ${m_s}s  peak ${m_rss} KiB"
	echo "  floor rules: ${r_s}s  (the process: ${r_all}s with parsing)"
	echo "  floors' sum:         $("$PY" -c "print('%.3f' % ($m_s + $r_s))")s"
	echo "  inquiryd poll --once: ${i_s}s  peak ${i_rss} KiB  status $i_rc"
	echo "  ratio to the floors' sum: $_ratio (target 1.2)"
	sed 's/^/    /' "$T/poll.out"
	echo "# figure: poll bench $n: inquiryd ${i_s}s, mbsync ${m_s}s, rules ${r_s}s, ratio $_ratio, peak ${i_rss} KiB"
	awk -v r="$_ratio" 'BEGIN { exit !(r <= 1.2) }' ||
	    { echo "  ABOVE TARGET: ratio $_ratio > 1.2"; status=1; }
	[ "$i_rc" = 0 ] && [ "$_stored" = "$n" ] ||
	    { echo "  FAILED: status $i_rc, $_stored of $n stored"; status=1; }
	peaks="$peaks $i_rss"
	[ "$i_rss" -le 65536 ] ||
	    { echo "  ABOVE TARGET: peak ${i_rss} KiB > 64 MiB"; status=1; }
	dovecot_cleanup
	rm -rf "$T/seed" "$T/local" "$T/w"
done
set -- $peaks
if [ $# -ge 2 ]; then
	eval "_last=\${$#}"
	echo "peak memory: first ${1} KiB, last ${_last} KiB (flat: at most +16 MiB)"
	[ "$_last" -le $(( $1 + 16384 )) ] ||
	    { echo "  ABOVE TARGET: memory grows with the mailbox"; status=1; }
fi
exit $status
