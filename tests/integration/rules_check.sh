#!/bin/sh
# rules_check.sh - "inquiryd rules check" on the shipped rules (exit 0) and
# on broken copies (exit 2, every error as file:line:column: message).
. "$(dirname "$0")/../lib/tap.sh"
cd "$INQUIRYD_TOP" || exit 1
# (not tap_tmpdir: its EXIT trap would fire in the $(...) subshell)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/inquiryd-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

out=$("$INQUIRYD_BIN" rules check rules 2>&1)
is "shipped rules load" "$?" 0
case $out in
*"rules ok"*) ok "check says how many rules loaded" ;;
*) not_ok "check says how many rules loaded" "$out" ;;
esac

# A broken copy: a bad pattern, an unknown field, an unknown directive.
cp -R rules "$tmp/rules"
printf 'rule BROKEN_ONE visible /(?<quantity>\\d+ pcs/i\n' >>"$tmp/rules/40-detailed.rules"
printf 'rule BROKEN_TWO subject /(?<qty>x)/\nfrobnicate yes\n' >"$tmp/rules/99-broken.rules"
out=$("$INQUIRYD_BIN" rules check "$tmp/rules" 2>&1)
is "a broken copy exits 2" "$?" 2
line=$(grep -c '' "$tmp/rules/40-detailed.rules")
case $out in
*"$tmp/rules/40-detailed.rules:$line:"*"missing closing parenthesis"*)
	ok "PCRE2 error with file:line:column" ;;
*) not_ok "PCRE2 error with file:line:column" "$out" ;;
esac
case $out in
*"$tmp/rules/99-broken.rules:1:26: rule 'BROKEN_TWO': unknown field 'qty'"*)
	ok "unknown field with its column" ;;
*) not_ok "unknown field with its column" "$out" ;;
esac
case $out in
*"$tmp/rules/99-broken.rules:2:1: unknown directive 'frobnicate'"*)
	ok "unknown directive with its column" ;;
*) not_ok "unknown directive with its column" "$out" ;;
esac
case $out in
*"3 errors"*"nothing loaded"*) ok "every error reported, nothing loaded" ;;
*) not_ok "every error reported, nothing loaded" "$out" ;;
esac

# A duplicate id across files.
rm "$tmp/rules/99-broken.rules"
cp rules/40-detailed.rules "$tmp/rules/40-detailed.rules"
id=$(sed -n 's/^rule \([A-Za-z0-9_.-]*\).*/\1/p' rules/40-detailed.rules | head -n 1)
printf 'rule %s subject /x/\n' "$id" >"$tmp/rules/98-dup.rules"
out=$("$INQUIRYD_BIN" rules check "$tmp/rules" 2>&1)
is "a duplicate id exits 2" "$?" 2
case $out in
*"98-dup.rules:1:1: duplicate rule id '$id' (first defined at "*) ok "duplicate id named" ;;
*) not_ok "duplicate id named" "$out" ;;
esac

# Without DIR: the config's rules_dir.
printf '[general]\nrules_dir = %s\ncatalog = %s\n' "$tmp/rules" "$PWD/contrib/catalog.csv" >"$tmp/inquiryd.conf"
"$INQUIRYD_BIN" -c "$tmp/inquiryd.conf" rules check >/dev/null 2>&1
is "DIR defaults to the config's rules_dir" "$?" 2
rm "$tmp/rules/98-dup.rules"
"$INQUIRYD_BIN" -c "$tmp/inquiryd.conf" rules check >/dev/null 2>&1
is "the fixed copy loads" "$?" 0

"$INQUIRYD_BIN" rules check /nonexistent/rules >/dev/null 2>&1
is "a missing directory exits 2" "$?" 2
"$INQUIRYD_BIN" rules frob >/dev/null 2>&1
is "an unknown subcommand exits 2" "$?" 2
"$INQUIRYD_BIN" rules --help >/dev/null 2>&1
is "--help exits 0" "$?" 0
done_testing
