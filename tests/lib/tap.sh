# tests/lib/tap.sh - TAP output for shell test scripts.  Source it:
#   . "$(dirname "$0")/../lib/tap.sh"
#   ok "name"            a passing check
#   not_ok "name" [why]  a failing one
#   check "name" CMD...  runs CMD, ok when it exits 0
#   is "name" GOT WANT   ok when the strings are equal
#   skip "name" "why"    a check that cannot run here (counted as ok with
#                        a SKIP note; use only for a missing optional tool)
#   figure "text"        a line that tests/run repeats in its summary
#   done_testing         prints the plan; exits 1 if anything failed
: "${INQUIRYD_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${INQUIRYD_BIN:=$INQUIRYD_TOP/inquiryd}"
SHARED=${INQUIRYD_SHARED:-$INQUIRYD_TOP/../shared}
tap_n=0
tap_failed=0
ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}
not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}
check() {
	_name=$1
	shift
	if _out=$("$@" 2>&1); then
		ok "$_name"
	else
		not_ok "$_name" "$(printf '%s\n' "$_out" | tail -n 20)"
	fi
}
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "got:  '$2'
want: '$3'"
	fi
}
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}
figure() {
	echo "# figure: $*"
}
done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}
# A private temporary directory: $(tap_tmpdir) is safe to use in a
# command substitution.  tests/run gives each suite its own $TMPDIR and
# removes it when the suite ends (even after a crash), so no trap is needed.
tap_tmpdir() {
	mktemp -d "${TMPDIR:-/tmp}/inquiryd-test.XXXXXX"
}
