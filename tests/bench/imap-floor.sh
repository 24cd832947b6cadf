#!/bin/sh
# imap-floor.sh - the IMAP part of issue 3's benchmark: seed the private
# Dovecot with N varied messages (1-20 KB, some HTML-only, some with
# attachments), then time over IMAPS
#   - mbsync (isync) pulling the mailbox into a fresh local Maildir: the
#     fetch floor;
#   - imap.c fetching every message (build/imap-driver fetch, no
#     processing): what inquiryd's own fetch costs;
# and print each time, the ratio, and peak memory.
#
#   tests/bench/imap-floor.sh [N...]      default: 2000 20000
#
# Functions for other bench scripts (set INQUIRYD_TOP and IMAP_FLOOR_LIB=1,
# then source this file):
#   bench_seed N        seed INBOX with N messages (after dovecot_start)
#   bench_mbsync DIR    pull INBOX into DIR with mbsync; prints
#                       "SECONDS MAXRSS_KB STATUS"
TOP=${INQUIRYD_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
INQUIRYD_TOP=$TOP
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/dovecot.sh"
PY=/usr/bin/python3

bench_seed() {
	_dir=$DOVECOT_DIR/seed-$1
	rm -rf "$_dir"
	"$PY" "$TOP/tests/lib/mkmail.py" "$_dir" "$1" --seed "$1"
	dovecot_seed_dir INBOX "$_dir"
	rm -rf "$_dir"
	# Let Dovecot index the new mail before anyone is timed.
	dovecot_count INBOX >/dev/null
}

bench_mbsync() {
	_local=$1
	rm -rf "$_local"
	mkdir -p "$_local"
	cat >"$DOVECOT_DIR/mbsyncrc" <<EOC
FSync no

IMAPAccount bench
Host localhost
Port $DOVECOT_IMAPS_PORT
User $DOVECOT_USER
Pass $DOVECOT_PASS
SSLType IMAPS
CertificateFile $DOVECOT_CA
AuthMechs PLAIN

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path $_local/
Inbox $_local/INBOX

Channel bench
Far :bench-far:
Near :bench-near:
Patterns INBOX
Create Near
Sync Pull
SyncState *
EOC
	"$PY" "$TOP/tests/bench/timeit.py" mbsync -c "$DOVECOT_DIR/mbsyncrc" \
	    -q bench
}

[ "${IMAP_FLOOR_LIB:-0}" = 1 ] && return 0 2>/dev/null

[ $# -eq 0 ] && set -- 2000 20000
command -v mbsync >/dev/null || {
	echo "imap-floor: mbsync is missing (isync; make bench installs it)" >&2
	exit 1
}
cd "$TOP" || exit 2
[ -x build/imap-driver ] || make --no-print-directory build/imap-driver ||
    exit 1
trap 'dovecot_cleanup' EXIT
for n in "$@"; do
	dovecot_start || exit 1
	bench_seed "$n"
	_bytes=$(du -sk "$DOVECOT_DIR/mail" | cut -f1)
	dovecot_account_conf "$DOVECOT_DIR/bench.conf" bench imaps \
	    "url = imaps://localhost:$DOVECOT_IMAPS_PORT"
	set -- $(bench_mbsync "$DOVECOT_DIR/local")
	m_s=$1 m_rss=$2 m_rc=$3
	_got=$(find "$DOVECOT_DIR/local/INBOX" -type f | wc -l)
	set -- $("$PY" tests/bench/timeit.py --keep "$DOVECOT_DIR/fetch.out" \
	    build/imap-driver -c "$DOVECOT_DIR/bench.conf" -a bench fetch INBOX)
	i_s=$1 i_rss=$2 i_rc=$3
	_fetched=$(sed -n 's/^fetched=\([0-9]*\).*/\1/p' "$DOVECOT_DIR/fetch.out")
	echo "messages=$n maildir_kb=$_bytes"
	echo "  mbsync:    ${m_s}s  peak ${m_rss} KiB  status $m_rc  ($_got files)"
	echo "  imap.c:    ${i_s}s  peak ${i_rss} KiB  status $i_rc  ($_fetched fetched)"
	echo "  ratio imap.c / mbsync: $("$PY" -c "print('%.2f' % ($i_s / max($m_s, 0.001)))")"
	dovecot_cleanup
done
