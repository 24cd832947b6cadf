#!/bin/sh
# tests/integration/config_check.sh - the shipped samples load through the
# check command (STYLE.md 20): the commented sample config (with the
# installed paths pointed at this tree), every rule, every template and
# the sample catalog; and a broken file of each kind is reported with its
# file and line, exit 2, nothing loaded.
. "$(dirname "$0")/../lib/tap.sh"

tmp=$(tap_tmpdir)
top=$INQUIRYD_TOP
sed -e "s|^rules_dir = .*|rules_dir = $top/rules|" \
    -e "s|^templates_dir = .*|templates_dir = $top/templates|" \
    -e "s|^catalog = .*|catalog = $top/contrib/catalog.csv|" \
    -e "s|^database = .*|database = $tmp/db/inquiryd.db|" \
    "$top/contrib/inquiryd.conf.sample" >"$tmp/sample.conf"
"$INQUIRYD_BIN" -c "$tmp/sample.conf" rules check >"$tmp/out" 2>&1
is "the sample config, rules, templates and catalog load" "$?" 0
check "the check names what it loaded" grep -q "products in" "$tmp/out"

# A broken template, catalog row and config line, reported together.
cp -R "$top/templates" "$tmp/templates"
printf '{{#lines}}\nnever closed\n' >"$tmp/templates/en/vague.text.mustache"
{ head -n 1 "$top/contrib/catalog.csv"; grep -v '^#' "$top/contrib/catalog.csv" | sed -n 2p; printf 'BAD-1,Broken,Mugs,mug,abc:xyz,10,pcs,7 days,,,,,no\n'; } >"$tmp/catalog.csv"
sed -e "s|^templates_dir = .*|templates_dir = $tmp/templates|" \
    -e "s|^catalog = .*|catalog = $tmp/catalog.csv|" \
    -e "s|^\[general\]|[general]\ncolour = blue|" \
    "$tmp/sample.conf" >"$tmp/bad.conf"
"$INQUIRYD_BIN" -c "$tmp/bad.conf" rules check >"$tmp/bad.out" 2>&1
is "a broken config exits 2" "$?" 2
check "the config error names its file and line" \
    grep -q "bad.conf:[0-9]*: unknown key 'colour'" "$tmp/bad.out"
sed -i "/^colour = blue/d" "$tmp/bad.conf"
"$INQUIRYD_BIN" -c "$tmp/bad.conf" rules check >"$tmp/bad.out" 2>&1
is "a broken template or catalog exits 2" "$?" 2
check "the template error names its file and line" \
    grep -q "vague.text.mustache:[0-9]*:" "$tmp/bad.out"
check "the catalog error names its file and line" \
    grep -q "catalog.csv:[0-9]*:" "$tmp/bad.out"

# A time zone the tz database does not have is a config error, and a name
# that would be a path outside it too.
for tz in Mars/Olympus ../../etc/passwd; do
	sed "s|^\[digest\]|[digest]\ntimezone = $tz|" "$tmp/sample.conf" \
	    >"$tmp/tz.conf"
	"$INQUIRYD_BIN" -c "$tmp/tz.conf" rules check >"$tmp/tz.out" 2>&1
	is "timezone = $tz exits 2" "$?" 2
	check "the error names the line and says why ($tz)" \
	    grep -q "tz.conf:[0-9]*: timezone = '$tz': not a time zone" \
	    "$tmp/tz.out"
done
sed "s|^\[digest\]|[digest]\ntimezone = Asia/Shanghai|" "$tmp/sample.conf" \
    >"$tmp/tz.conf"
"$INQUIRYD_BIN" -c "$tmp/tz.conf" rules check >"$tmp/tz.out" 2>&1
is "timezone = Asia/Shanghai loads" "$?" 0

done_testing
