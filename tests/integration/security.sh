#!/bin/sh
# security.sh - the security defaults (issue 9), each checked against the
# real binary and real loopback peers:
#   - TLS verified everywhere: IMAP (poll --once), SMTP (send, implicit TLS
#     and STARTTLS) and the enrichment's HTTPS refuse a self-signed
#     certificate that is not in the CA file, and accept it once it is;
#   - a password_file readable by group or others is refused, saying
#     what to run; a password in a config readable by others too;
#   - the lint that keeps SQL literal and the shell away from customer
#     text fails on a planted violation (run over a copy of the tree);
#   - quote and draft paths stay inside their folders whatever the
#     sender's name, company or subject holds;
#   - the systemd units run unprivileged with the usual hardening
#     (systemd-analyze verify when it is there);
#   - inquiryd never needs root: import and poll --once as "nobody".
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"
. "$INQUIRYD_TOP/tests/lib/poll.sh"
. "$INQUIRYD_TOP/tests/lib/conf.sh"

T=$(tap_tmpdir)
SMTP_PID=
W=
trap '[ -n "$SMTP_PID" ] && kill "$SMTP_PID" 2>/dev/null; dovecot_cleanup; [ -n "$W" ] && rm -rf "$W"' EXIT
PY=/usr/bin/python3
json() { $PY -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

if ! have_parser; then
	skip "security defaults" "the MIME parser has not landed in this tree"
	done_testing
fi

# A self-signed certificate for 127.0.0.1 and localhost, in no CA file.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$T/self.key" -out "$T/self.crt" >/dev/null 2>&1 ||
    { not_ok "make a self-signed certificate"; done_testing; }

# --- IMAP: poll --once -----------------------------------------------------
if ! dovecot_start "$T/dc"; then
	not_ok "private Dovecot starts"
	done_testing
fi
"$PY" "$INQUIRYD_TOP/tests/lib/mkmail.py" "$T/mail" 3 --seed 5 >/dev/null
dovecot_seed_dir INBOX "$T/mail"
# The test CA's Dovecot with a CA file that holds only another
# (self-signed) certificate: refused.
dovecot_account_conf "$T/other.acct" sales imaps "ca_file = $T/self.crt" \
    "track_sent = no"
poll_conf "$T/imap.conf" "$T/imapw" "$T/other.acct"
"$INQUIRYD_BIN" -c "$T/imap.conf" poll --once >"$T/imap.out" 2>"$T/imap.err"
_rc=$?
_n=$(db_q "$T/imap.conf" "SELECT count(*) FROM messages" 2>/dev/null)
if [ "$_rc" != 0 ] && grep -qi "certificate" "$T/imap.err" &&
    [ "${_n:-0}" = 0 ]; then
	ok "IMAP: a certificate not in ca_file is refused, nothing fetched"
else
	not_ok "IMAP: certificate not in ca_file" "status $_rc, $_n stored: $(tail -n 3 "$T/imap.err")"
fi
dovecot_account_conf "$T/good.acct" sales imaps "track_sent = no"
poll_conf "$T/imap2.conf" "$T/imapw2" "$T/good.acct"
"$INQUIRYD_BIN" -c "$T/imap2.conf" poll --once >"$T/imap2.out" 2>"$T/imap2.err"
is "IMAP: with its CA in ca_file the same server is polled" \
    "$?,$(db_q "$T/imap2.conf" "SELECT count(*) FROM messages")" "0,3"

# --- SMTP: send ---------------------------------------------------------
mkdir -p "$T/smtp"
"$PY" "$INQUIRYD_TOP/tests/lib/smtpsrv.py" "$T/self.crt" "$T/self.key" \
    "$T/smtp" >"$T/smtp.log" 2>&1 </dev/null &
SMTP_PID=$!
wait_until 10 test -s "$T/smtp/smtp-ports"
if read -r smtps starttls plain <"$T/smtp/smtp-ports"; then
	{ files_conf "$T/send" "$T/send"; smtp_conf "$smtps" \
	    "$T/smtp.password"; } >"$T/send.conf"
	dovecot_account_conf "$T/send.acct" sales imaps \
	    "rep = Alice Wang <alice@example-gifts.com>"
	cat "$T/send.acct" >>"$T/send.conf"
	inq() { "$INQUIRYD_BIN" -c "$T/send.conf" "$@"; }
	inq import -q --account sales \
	    "$INQUIRYD_TOP/contrib/samples/01-en-detailed-speakers.eml" >/dev/null 2>&1
	id=$(inq list --json | json "d[0]['id']")
	inq send --no-sent "$id" >"$T/send1.out" 2>&1
	_rc=$?
	if [ "$_rc" = 1 ] && [ -z "$(ls "$T/smtp" | grep msg-)" ] &&
	    grep -qi "certificate\|verif\|tls\|ssl" "$T/send1.out"; then
		ok "SMTP (smtps): a self-signed certificate not in ca_file is refused, nothing sent"
	else
		not_ok "SMTP (smtps): self-signed refused" "status $_rc: $(cat "$T/send1.out")"
	fi
	sed -i "s|^url = smtps://127.0.0.1:$smtps|url = smtp://127.0.0.1:$starttls|" "$T/send.conf"
	inq send --no-sent "$id" >"$T/send2.out" 2>&1
	_rc=$?
	if [ "$_rc" = 1 ] && [ -z "$(ls "$T/smtp" | grep msg-)" ]; then
		ok "SMTP (STARTTLS): the same certificate is refused, nothing sent"
	else
		not_ok "SMTP (STARTTLS): self-signed refused" "status $_rc: $(cat "$T/send2.out")"
	fi
	sed -i "s|^url = smtp://127.0.0.1:$starttls|url = smtp://127.0.0.1:$plain|" "$T/send.conf"
	inq send --no-sent "$id" >"$T/send3.out" 2>&1
	_rc=$?
	if [ "$_rc" != 0 ] && [ -z "$(ls "$T/smtp" | grep msg-)" ]; then
		ok "SMTP: a server without STARTTLS gets nothing in clear text"
	else
		not_ok "SMTP: no plaintext" "status $_rc: $(cat "$T/send3.out")"
	fi
	# The certificate trusted: the same send goes through.
	sed -i -e "s|^url = smtp://127.0.0.1:$plain|url = smtps://127.0.0.1:$smtps|" \
	    -e "s|^ca_file = $DOVECOT_CA\$|ca_file = $T/self.crt|" "$T/send.conf"
	sed -n '/^\[smtp\]/,/^\[/p' "$T/send.conf" | grep -q "ca_file = $T/self.crt" ||
	    not_ok "the [smtp] ca_file was rewritten"
	inq send --no-sent "$id" >"$T/send4.out" 2>&1
	is "SMTP: with the certificate in ca_file it is sent" \
	    "$?,$(ls "$T/smtp" | grep -c 'msg-.*\.eml')" "0,1"
	# A password_file others can read is refused before any connection.
	chmod 0644 "$T/smtp.password"
	inq send --force --no-sent "$id" >"$T/send5.out" 2>&1
	_rc=$?
	if [ "$_rc" != 0 ] && grep -q "readable by others" "$T/send5.out" &&
	    grep -q "chmod 600" "$T/send5.out" &&
	    [ "$(ls "$T/smtp" | grep -c 'msg-.*\.eml')" = 1 ]; then
		ok "SMTP: a password_file readable by others is refused with what to run"
	else
		not_ok "SMTP: password_file mode 0644" "status $_rc: $(cat "$T/send5.out")"
	fi
	chmod 0600 "$T/smtp.password"
else
	not_ok "start the SMTP server" "$(cat "$T/smtp.log")"
fi

# --- HTTPS in the enrichment -----------------------------------------------
# The fixture sites (tests/integration/enrich/) behind dnsmasq; the
# sender's domain phones.test has an HTTPS site signed by the test CA.
# With a CA file that does not hold it, no request may reach the site
# over TLS; with the test CA, the same import fetches it over HTTPS.
. "$INQUIRYD_TOP/tests/integration/enrich/servers.sh"
trap 'enrich_cleanup; [ -n "$SMTP_PID" ] && kill "$SMTP_PID" 2>/dev/null; dovecot_cleanup; [ -n "$W" ] && rm -rf "$W"' EXIT
if enrich_start_all; then
	# enrich_import NAME CA: import the sample from jick@phones.test.
	enrich_import() {
		mkdir -p "$T/$1"
		cat >"$T/$1/c.conf" <<CONF
[general]
database = $T/$1/inquiryd.db
drafts_dir = $T/$1/drafts
quotes_dir = $T/$1/quotes
rules_dir = $INQUIRYD_TOP/rules
templates_dir = $INQUIRYD_TOP/templates
catalog = $INQUIRYD_TOP/contrib/catalog.csv

[company]
name = Shenzhen Example Gifts Co., Ltd.
email = sales@example-gifts.com

[enrich]
enabled = yes
dns_servers = $ENRICH_DNS
allow_networks = 127.0.0.0/8
https_port = $ENRICH_HTTPS_PORT
http_port = $ENRICH_HTTP_PORT
ca_file = $2
timeout = 8
CONF
		sed -e 's/^From: .*/From: Jick Smith <jick@phones.test>/' \
		    -e "s/^Message-ID: .*/Message-ID: <$1@phones.test>/" \
		    "$INQUIRYD_TOP/contrib/samples/01-en-detailed-speakers.eml" \
		    >"$T/$1/m.eml"
		: >"$ENRICH_STATE/requests.log"
		"$INQUIRYD_BIN" -v -c "$T/$1/c.conf" import "$T/$1/m.eml" \
		    >"$T/$1/out" 2>&1
	}
	enrich_import enrich-self "$T/self.crt"
	_rc=$?
	if [ "$_rc" = 0 ] && ! grep -q "^https phones.test" "$ENRICH_STATE/requests.log"; then
		ok "HTTPS (enrichment): a certificate not in ca_file is refused, no request over TLS"
	else
		not_ok "HTTPS (enrichment): untrusted certificate" "status $_rc: $(cat "$ENRICH_STATE/requests.log")"
	fi
	if grep -q "^http phones.test" "$ENRICH_STATE/requests.log"; then
		not_ok "HTTPS (enrichment): no plain-HTTP fallback after a refused certificate" "$(cat "$ENRICH_STATE/requests.log")"
	else
		ok "HTTPS (enrichment): no plain-HTTP fallback after a refused certificate"
	fi
	check "HTTPS (enrichment): the log says the certificate did not verify" \
	    grep -q "certificate not verified" "$T/enrich-self/out"
	enrich_import enrich-ca "$ENRICH_CA"
	_rc=$?
	if [ "$_rc" = 0 ] && grep -q "^https phones.test" "$ENRICH_STATE/requests.log"; then
		ok "HTTPS (enrichment): with the CA in ca_file the site is fetched over HTTPS"
	else
		not_ok "HTTPS (enrichment): trusted certificate" "status $_rc: $(cat "$ENRICH_STATE/requests.log")"
	fi
	[ -s "$ENRICH_STATE/canary.log" ] &&
	    not_ok "no request reached a refused address" "$(cat "$ENRICH_STATE/canary.log")"
fi

# --- credentials files ----------------------------------------------------
for mode in 0640 0604 0644; do
	dovecot_account_conf "$T/m$mode.acct" sales imaps "track_sent = no"
	chmod "$mode" "$T/m$mode.acct.password"
	poll_conf "$T/m$mode.conf" "$T/m$mode" "$T/m$mode.acct"
	"$INQUIRYD_BIN" -c "$T/m$mode.conf" poll --once >"$T/m$mode.out" 2>"$T/m$mode.err"
	_rc=$?
	_n=$(db_q "$T/m$mode.conf" "SELECT count(*) FROM messages" 2>/dev/null)
	if [ "$_rc" != 0 ] && grep -q "password file '.*' is readable by others (mode $mode); run chmod 600" "$T/m$mode.err" &&
	    [ "${_n:-0}" = 0 ]; then
		ok "IMAP: a password_file of mode $mode is refused with a clear error"
	else
		not_ok "IMAP: password_file mode $mode" "status $_rc, $_n stored: $(tail -n 3 "$T/m$mode.err")"
	fi
done
poll_conf "$T/inline.conf" "$T/inline"
printf '\n[account x]\nurl = imaps://127.0.0.1:1\nuser = u\npassword = secret\n' \
    >>"$T/inline.conf"
chmod 0644 "$T/inline.conf"
"$INQUIRYD_BIN" -c "$T/inline.conf" poll --once >"$T/inline.out" 2>&1
_rc=$?
if [ "$_rc" = 2 ] && grep -q "inline.conf:[0-9]*:.*0600" "$T/inline.out"; then
	ok "a password in a config readable by others: exit 2, file:line"
else
	not_ok "a password in a world-readable config" "status $_rc: $(cat "$T/inline.out")"
fi

# --- the lint fails on planted violations ---------------------------------
# lint_planted NAME FILE TEXT: a copy of src/, include/ and the lint with
# TEXT appended to FILE must fail the lint, naming FILE.
mkdir -p "$T/lint/tests/lint"
cp -R "$INQUIRYD_TOP/src" "$INQUIRYD_TOP/include" "$T/lint/"
cp "$INQUIRYD_TOP/tests/lint/run" "$T/lint/tests/lint/run"
if "$T/lint/tests/lint/run" >"$T/lint.out" 2>&1; then
	ok "lint: a clean copy of the tree passes"
else
	not_ok "lint: a clean copy of the tree passes" "$(grep '^not ok' "$T/lint.out")"
fi
lint_planted() {
	rm -rf "$T/lint/src" "$T/lint/include"
	cp -R "$INQUIRYD_TOP/src" "$INQUIRYD_TOP/include" "$T/lint/"
	printf '%s\n' "$3" >>"$T/lint/$2"
	if "$T/lint/tests/lint/run" >"$T/lint.out" 2>&1; then
		not_ok "lint fails on $1" "the lint passed with this in $2: $3"
	elif grep -q "^#   $2:" "$T/lint.out"; then
		ok "lint fails on $1 ($(grep -m1 '^not ok' "$T/lint.out" | sed 's/^not ok [0-9]* - //'))"
	else
		not_ok "lint names $2 for $1" "$(grep -A3 '^not ok' "$T/lint.out")"
	fi
}
lint_planted "SQL built with printf" src/store.c \
    'static char *q(const char *s) { return xasprintf("SELECT id FROM messages WHERE subject = '"'"'%s'"'"'", s); }'
lint_planted "SQL built with printf over two lines" src/store.c \
    'static char *q2(const char *s) { return xasprintf(
	    "DELETE FROM drafts WHERE message_id = '"'"'%s'"'"'", s); }'
lint_planted "SQL in a writable string" src/store.c \
    'static void q3(struct store *st) { char *sql = xstrdup("SELECT 1"); sqlite3_exec(st->db, sql, 0, 0, 0); }'
lint_planted "sqlite3 called outside store.c" src/report.c \
    'static void q4(void *db) { sqlite3_exec(db, "DELETE FROM drafts", 0, 0, 0); }'
lint_planted "system() with customer text" src/draft.c \
    'static void s1(const char *subject) { char *c = xasprintf("echo %s", subject); system(c); }'
lint_planted "popen() outside conf.c" src/enrich.c \
    'static void s2(const char *site) { popen(site, "r"); }'
lint_planted "execvp()" src/outbox.c \
    'static void s3(char **argv) { execvp(argv[0], argv); }'

# --- quote and draft paths stay inside their folders ----------------------
mkdir -p "$T/paths/in"
"$PY" - "$INQUIRYD_TOP/contrib/samples/01-en-detailed-speakers.eml" "$T/paths/in" <<'PY'
import os, sys
src, out = sys.argv[1], sys.argv[2]
raw = open(src, 'rb').read()
head, _, body = raw.partition(b'\n\n')
long_name = 'A' * 3000
cases = [
    ('"../../../../tmp/pwned-1" <jick1@acme-trading.example>',
     'RFQ ../../../../tmp/pwned-2 speakers', 'Company: ../../../../tmp/pwned-3 Ltd'),
    ('"/tmp/pwned-4/" <jick2@acme-trading.example>', '/', 'Company: /etc/pwned-5'),
    ('=?utf-8?q?pwned-6=00=01=1b=2E=2E=2F=2E=2E=2F?= <jick3@acme-trading.example>',
     '=?utf-8?q?=2E=2E=2F=2E=2E=2Fpwned-7=00?=', 'Company: ..\\..\\pwned-8'),
    ('"%s" <jick4@acme-trading.example>' % long_name, 'RFQ ' + 'B' * 3000,
     'Company: ' + 'C' * 2000 + ' Trading'),
    ('".." <jick5@acme-trading.example>', '..', 'Company: .'),
    ('"Mr. ../pwned-9" <jick6@acme-trading.example>', 'RFQ\t/../pwned-10',
     'Company: ACME/../../pwned-11 Trading'),
]
for i, (frm, subj, company) in enumerate(cases):
    h = []
    for line in head.decode().split('\n'):
        if line.startswith('From:'):
            line = 'From: ' + frm
        elif line.startswith('Subject:'):
            line = 'Subject: ' + subj
        elif line.startswith('Message-ID:'):
            line = 'Message-ID: <paths-%d@acme-trading.example>' % i
        h.append(line)
    b = body.decode() + '\nBest regards,\n' + frm.split('<')[0].strip('" ') + \
        '\n' + company + '\nPhone: +1 555 0100\n'
    with open(os.path.join(out, 'p%d.eml' % i), 'w') as f:
        f.write('\n'.join(h) + '\n\n' + b)
PY
files_conf "$T/paths/db" "$T/paths/out" >"$T/paths.conf"
touch "$T/paths/marker"
"$INQUIRYD_BIN" -c "$T/paths.conf" import "$T/paths/in" >"$T/paths.out" 2>&1
is "hostile names: import exits 0" "$?" 0
_stray=$(find "$T/paths" -newer "$T/paths/marker" \( -type f -o -type l \) |
    grep -v "^$T/paths/out/drafts/[^/]*\$" | grep -v "^$T/paths/out/quotes/[^/]*\$" |
    grep -v "^$T/paths/db/")
_pwned=$(find /tmp "$T" "$INQUIRYD_TOP" /etc -maxdepth 4 -newer "$T/paths/marker" \
    -name '*pwned*' 2>/dev/null | grep -v "^$T/paths/in/")
if [ -z "$_stray" ] && [ -z "$_pwned" ]; then
	ok "hostile names: no file outside the drafts and quotes folders"
else
	not_ok "hostile names: files outside the folders" "$_stray $_pwned"
fi
"$INQUIRYD_BIN" -c "$T/paths.conf" list --json >"$T/paths.json" 2>&1
if _r=$("$PY" - "$T/paths.json" "$T/paths/out/drafts" "$T/paths/out/quotes" <<'PY'
import json, os, sys
rows = json.load(open(sys.argv[1]))
drafts, quotes = (os.path.realpath(d) + '/' for d in sys.argv[2:4])
bad, nd, nq = [], 0, 0
for r in rows:
    for key, base in (('draft_path', drafts), ('quote_path', quotes)):
        p = r.get(key)
        if not p:
            continue
        real = os.path.realpath(p)
        if not real.startswith(base) or '/' in real[len(base):] or \
                not os.path.isfile(real) or len(os.path.basename(real)) > 255:
            bad.append('%s %r' % (key, p))
        elif key == 'draft_path':
            nd += 1
        else:
            nq += 1
print('%d inquiries, %d drafts, %d quotes' % (len(rows), nd, nq))
for b in bad:
    print(b)
sys.exit(1 if bad or len(rows) < 6 or nd < 5 or nq < 5 else 0)
PY
); then
	ok "hostile names: every draft and quote path is a plain file in its folder ($_r)"
else
	not_ok "hostile names: draft and quote paths" "$_r"
fi

# --- systemd units --------------------------------------------------------
for unit in "$INQUIRYD_TOP"/contrib/systemd/*.service; do
	u=${unit##*/}
	_miss=
	_has() { grep -Eq "^$1" "$unit" || _miss="$_miss $2"; }
	if grep -Eq '^User=' "$unit"; then
		grep -Eq '^User=(root|0)$' "$unit" && _miss="$_miss User=(not root)"
	else
		_has 'DynamicUser=yes' 'User=/DynamicUser=yes'
	fi
	_has 'NoNewPrivileges=yes' NoNewPrivileges=yes
	_has 'ProtectSystem=strict' ProtectSystem=strict
	_has 'ProtectHome=(yes|read-only|tmpfs)' ProtectHome=
	_has 'PrivateTmp=yes' PrivateTmp=yes
	_has 'PrivateDevices=yes' PrivateDevices=yes
	_has 'RestrictAddressFamilies=' RestrictAddressFamilies=
	_has 'CapabilityBoundingSet=$' 'CapabilityBoundingSet= (empty)'
	_has 'SystemCallFilter=@system-service' SystemCallFilter=@system-service
	_has '(StateDirectory|ReadWritePaths)=' 'StateDirectory=/ReadWritePaths='
	grep -Eq '^AmbientCapabilities=.+' "$unit" && _miss="$_miss AmbientCapabilities(empty)"
	if [ -z "$_miss" ]; then
		ok "systemd: $u runs unprivileged with the usual hardening"
	else
		not_ok "systemd: $u hardening" "missing:$_miss"
	fi
done
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$T/units"
	for unit in "$INQUIRYD_TOP"/contrib/systemd/*; do
		sed "s|/usr/local/bin/inquiryd|$INQUIRYD_BIN|" "$unit" \
		    >"$T/units/${unit##*/}"
	done
	(cd "$T/units" && systemd-analyze verify --man=no ./*.service ./*.timer) \
	    >"$T/verify.out" 2>&1
	_rc=$?
	if [ "$_rc" = 0 ]; then
		ok "systemd-analyze verify accepts the units"
	else
		not_ok "systemd-analyze verify" "status $_rc: $(cat "$T/verify.out")"
	fi
else
	skip "systemd-analyze verify" "systemd-analyze is not installed"
fi

# --- never needs root ------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
	skip "import and poll --once as nobody" "not root: this run is already unprivileged"
elif ! id nobody >/dev/null 2>&1; then
	skip "import and poll --once as nobody" "no user nobody"
else
	if command -v runuser >/dev/null 2>&1; then
		as_nobody() { runuser -u nobody -- "$@"; }
	else
		as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- "$@"; }
	fi
	# A world-writable directory outside $TMPDIR (which is ours, 0700).
	W=$(mktemp -d /tmp/inquiryd-nobody.XXXXXX)
	chmod 1777 "$W"
	cp "$INQUIRYD_TOP/contrib/samples/01-en-detailed-speakers.eml" \
	    "$INQUIRYD_TOP/contrib/samples/02-en-vague-catalog.eml" "$W/"
	cp "$DOVECOT_CA" "$W/ca.crt"
	dovecot_account_conf "$W/acct" sales imaps "ca_file = $W/ca.crt" "track_sent = no"
	chown nobody "$W/acct.password"
	chmod 0644 "$W/ca.crt" "$W"/*.eml
	poll_conf "$W/inquiryd.conf" "$W/state" "$W/acct"
	rmdir "$W/state"	# poll_conf made it as root: nobody makes its own
	chmod 0644 "$W/inquiryd.conf"
	as_nobody "$INQUIRYD_BIN" -c "$W/inquiryd.conf" import "$W"/*.eml >"$T/nobody-import.out" 2>&1
	_rc=$?
	if [ "$_rc" = 0 ] && [ "$(stat -c %U "$W/state/db/inquiryd.db" 2>/dev/null)" = nobody ]; then
		ok "import as nobody works (database owned by nobody)"
	else
		not_ok "import as nobody" "status $_rc: $(tail -n 5 "$T/nobody-import.out")"
	fi
	as_nobody "$INQUIRYD_BIN" -c "$W/inquiryd.conf" poll --once >"$T/nobody-poll.out" 2>&1
	_rc=$?
	_n=$(db_q "$W/inquiryd.conf" "SELECT count(*) FROM messages WHERE account = 'sales' AND uid > 0")
	if [ "$_rc" = 0 ] && [ "$_n" = 3 ]; then
		ok "poll --once as nobody works ($_n messages fetched)"
	else
		not_ok "poll --once as nobody" "status $_rc, $_n fetched: $(tail -n 5 "$T/nobody-poll.out")"
	fi
	_drafts=$(find "$W/state/drafts" -type f | wc -l)
	_foreign=$(find "$W/state" ! -user nobody | wc -l)
	if [ "$_drafts" -ge 1 ] && [ "$_foreign" = 0 ]; then
		ok "as nobody: $_drafts drafts written, every file owned by nobody"
	else
		not_ok "as nobody: drafts and ownership" "$_drafts drafts, $_foreign files not nobody's"
	fi
fi

done_testing
