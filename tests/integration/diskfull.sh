#!/bin/sh
# tests/integration/diskfull.sh - a full disk (a small tmpfs) under the
# drafts directory, then under the database: the message in hand gets a
# temporary error with a clear log line, nothing half-stored, and once
# there is room again the same import stores every message exactly once.
# Mounting a tmpfs needs root: as another user the test says so and skips.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/conf.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "full-disk behaviour" "mounting a tmpfs needs root"
	done_testing
fi
py=/usr/bin/python3
tmp=$(tap_tmpdir)
mnt=$tmp/small
mkdir -p "$mnt"
trap 'umount "$mnt" 2>/dev/null' EXIT
samples=$INQUIRYD_TOP/contrib/samples

count() { "$INQUIRYD_BIN" -c "$1" list --json 2>/dev/null | $py -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# --- the drafts directory fills up -------------------------------------
mount -t tmpfs -o size=24k tmpfs "$mnt" || { not_ok "mount a tmpfs"; done_testing; }
files_conf "$tmp/db1" "$mnt" "$tmp/quotes" >"$tmp/c1.conf"
"$INQUIRYD_BIN" -c "$tmp/c1.conf" import "$samples" >"$tmp/out1" 2>"$tmp/err1"
is "import with a full drafts disk exits 1" "$?" 1
check "the log says the disk is full and the message was not stored" \
    grep -q "not stored: .*No space left on device" "$tmp/err1"
stored=$(count "$tmp/c1.conf")
drafts=$(ls "$mnt/drafts" | grep -c '\.eml$')
figure "with 24 KiB for drafts: $stored inquiries stored, $drafts drafts written"
# Every stored draftable inquiry has its draft file: nothing half-stored.
check "every stored draft path exists" sh -c "'$INQUIRYD_BIN' -c '$tmp/c1.conf' list --json | $py -c '
import json, os, sys
for q in json.load(sys.stdin):
    assert q[\"draft_path\"] is None or os.path.exists(q[\"draft_path\"]), q'"
mount -o remount,size=8m "$mnt"
"$INQUIRYD_BIN" -c "$tmp/c1.conf" import "$samples" >"$tmp/out1b" 2>"$tmp/err1b"
is "with room again the same import exits 0" "$?" 0
is "every sample is stored once" "$(count "$tmp/c1.conf")" 14
is "one draft per drafted inquiry" "$(ls "$mnt/drafts" | grep -c '\.eml$')" \
    "$("$INQUIRYD_BIN" -c "$tmp/c1.conf" list --json --status drafted | $py -c 'import json,sys; print(len(json.load(sys.stdin)))')"
umount "$mnt"

# --- the database's disk fills up -----------------------------------------
mount -t tmpfs -o size=200k tmpfs "$mnt" || { not_ok "mount a tmpfs"; done_testing; }
files_conf "$mnt" "$tmp/files2" "$tmp/quotes" >"$tmp/c2.conf"
"$INQUIRYD_BIN" -c "$tmp/c2.conf" import "$samples" >"$tmp/out2" 2>"$tmp/err2"
rc=$?
if [ "$rc" -eq 1 ]; then
	ok "import with a full database disk exits 1"
	check "the log names the database and the full disk" \
	    grep -qi "database '.*inquiryd.db'.*\(full\|disk\)" "$tmp/err2"
else
	not_ok "import with a full database disk exits 1" "rc=$rc $(tail -3 "$tmp/err2")"
fi
mount -o remount,size=16m "$mnt"
"$INQUIRYD_BIN" -c "$tmp/c2.conf" import "$samples" >"$tmp/out2b" 2>"$tmp/err2b"
is "with room again the import exits 0" "$?" 0
is "every sample is stored once" "$(count "$tmp/c2.conf")" 14
check "the database is sound" sh -c "sqlite3 '$mnt/inquiryd.db' 'PRAGMA integrity_check' | grep -qx ok"
done_testing
