#!/bin/sh
# imap-tls.sh - connecting to a real Dovecot on loopback: IMAPS and
# STARTTLS, certificate checks (private CA, wrong host name, tls_verify =
# no), STARTTLS required, every authentication method, wrong passwords.
# Drives build/imap-driver-san (tests/integration/imap-driver.c).
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/dovecot.sh"

DRIVER=${IMAP_DRIVER:-$INQUIRYD_TOP/build/imap-driver-san}
T=$(tap_tmpdir)
trap 'dovecot_cleanup; rm -rf "$T"' EXIT

if [ ! -x "$DRIVER" ]; then
	not_ok "imap driver built" "missing $DRIVER (make check builds it)"
	done_testing
fi
if ! dovecot_start "$T/dovecot"; then
	not_ok "private Dovecot starts" "$(tail -n 5 "$T/dovecot/start.err" 2>/dev/null)"
	done_testing
fi
ok "private Dovecot starts on ports $DOVECOT_IMAP_PORT/$DOVECOT_IMAPS_PORT"

# drive NAME CONF [ARGS...]: runs the driver, output in $T/NAME.out/.err
drive() {
	_n=$1
	_c=$2
	shift 2
	"$DRIVER" -c "$_c" -a sales "$@" >"$T/$_n.out" 2>"$T/$_n.err"
	echo $? >"$T/$_n.rc"
}
rc() { cat "$T/$1.rc"; }
has() { grep -q -- "$2" "$T/$1.$3"; }

# IMAPS with the test CA.
dovecot_account_conf "$T/imaps.conf" sales imaps
drive imaps "$T/imaps.conf" connect
if [ "$(rc imaps)" = 0 ] && has imaps "connected idle=1" out; then
	ok "imaps:// with ca_file connects and logs in"
else
	not_ok "imaps:// with ca_file connects and logs in" "$(cat "$T/imaps.err")"
fi

# STARTTLS, by host name (the certificate has DNS:localhost).
dovecot_account_conf "$T/starttls.conf" sales imap \
    "url = imap://localhost:$DOVECOT_IMAP_PORT"
drive starttls "$T/starttls.conf" connect
if [ "$(rc starttls)" = 0 ] && has starttls connected out; then
	ok "imap:// upgrades with STARTTLS and verifies the host name"
else
	not_ok "imap:// upgrades with STARTTLS" "$(cat "$T/starttls.err")"
fi

# The private CA without ca_file: refused, and the error says what to do.
_before=$(grep -c "no auth attempts" "$DOVECOT_LOG")
for scheme in imaps imap; do
	dovecot_account_conf "$T/noca-$scheme.conf" sales $scheme "ca_file ="
	drive noca-$scheme "$T/noca-$scheme.conf" connect
	if [ "$(rc noca-$scheme)" = 1 ] &&
	    has noca-$scheme "account 'sales'" err &&
	    has noca-$scheme "not trusted\|issuer is unknown" err &&
	    has noca-$scheme "ca_file = " err &&
	    has noca-$scheme "tls_verify = no" err &&
	    ! has noca-$scheme connected out; then
		ok "$scheme: certificate from an unknown CA refused, error says ca_file / tls_verify"
	else
		not_ok "$scheme: unknown CA refused" "$(cat "$T/noca-$scheme.err" "$T/noca-$scheme.out")"
	fi
done

# The refusal comes before any login: Dovecot logs both connections as
# closed with no authentication attempt.
sleep 0.3
_after=$(grep -c "no auth attempts" "$DOVECOT_LOG")
is "the connections close before any login when the certificate fails" \
    "$((_after - _before))" 2

# tls_verify = no: works, with a warning.
dovecot_account_conf "$T/noverify.conf" sales imaps "ca_file =" \
    "tls_verify = no"
drive noverify "$T/noverify.conf" connect
if [ "$(rc noverify)" = 0 ] && has noverify "NOT verifying the TLS certificate" err; then
	ok "tls_verify = no connects, with a warning at connect"
else
	not_ok "tls_verify = no connects with a warning" "$(cat "$T/noverify.err")"
fi

# A CA file that holds another CA: refused.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other CA" \
    -keyout "$T/other.key" -out "$T/other.crt" >/dev/null 2>&1
dovecot_account_conf "$T/otherca.conf" sales imaps "ca_file = $T/other.crt"
drive otherca "$T/otherca.conf" connect
if [ "$(rc otherca)" = 1 ] && has otherca "does not verify against ca_file" err; then
	ok "a ca_file with another CA is refused"
else
	not_ok "a ca_file with another CA is refused" "$(cat "$T/otherca.err")"
fi

# An unreadable ca_file is a configuration error.
dovecot_account_conf "$T/badca.conf" sales imaps "ca_file = $T/none.pem"
drive badca "$T/badca.conf" connect
if [ "$(rc badca)" = 1 ] && has badca "error: config" err &&
    has badca "ca_file" err; then
	ok "a missing ca_file is a configuration error"
else
	not_ok "a missing ca_file is a configuration error" "$(cat "$T/badca.err")"
fi

# Every authentication method, right and wrong secret.
for auth in auto plain login xoauth2 oauthbearer; do
	dovecot_account_conf "$T/auth-$auth.conf" sales imaps "auth = $auth"
	drive auth-$auth "$T/auth-$auth.conf" connect
	if [ "$(rc auth-$auth)" = 0 ]; then
		ok "auth = $auth logs in"
	else
		not_ok "auth = $auth logs in" "$(cat "$T/auth-$auth.err")"
	fi
	echo "wrong-$auth" >"$T/auth-$auth.conf.password"
	drive authbad-$auth "$T/auth-$auth.conf" connect
	if [ "$(rc authbad-$auth)" = 1 ] &&
	    has authbad-$auth "error: permanent" err &&
	    has authbad-$auth "account 'sales'" err &&
	    has authbad-$auth "login as '$DOVECOT_USER'" err &&
	    has authbad-$auth "refused" err &&
	    has authbad-$auth "password_file" err; then
		ok "auth = $auth with a wrong secret: permanent error naming the account"
	else
		not_ok "auth = $auth wrong secret" "$(cat "$T/authbad-$auth.err")"
	fi
done

# The token from password_command (XOAUTH2, as for Gmail / Microsoft 365).
dovecot_account_conf "$T/cmd.conf" sales imaps "auth = xoauth2" \
    "password_file =" "password_command = printf '%s\\n' '$DOVECOT_PASS'"
drive cmd "$T/cmd.conf" connect
if [ "$(rc cmd)" = 0 ]; then
	ok "xoauth2 with the token from password_command"
else
	not_ok "xoauth2 with password_command" "$(cat "$T/cmd.err")"
fi
dovecot_account_conf "$T/cmdfail.conf" sales imaps "password_file =" \
    "password_command = exit 3"
drive cmdfail "$T/cmdfail.conf" connect
if [ "$(rc cmdfail)" = 1 ] && has cmdfail "password_command failed" err; then
	ok "a failing password_command is reported"
else
	not_ok "a failing password_command is reported" "$(cat "$T/cmdfail.err")"
fi

# Nothing listening: a temporary error, quickly.
_port=$(_dc_free_port)
dovecot_account_conf "$T/closed.conf" sales imaps \
    "url = imaps://127.0.0.1:$_port"
drive closed "$T/closed.conf" connect
if [ "$(rc closed)" = 1 ] && has closed "error: temporary" err &&
    has closed "cannot connect" err; then
	ok "a closed port is a temporary error"
else
	not_ok "a closed port is a temporary error" "$(cat "$T/closed.err")"
fi

# imaps:// pointed at the STARTTLS port: the handshake fails, no hang.
dovecot_account_conf "$T/wrongport.conf" sales imaps \
    "url = imaps://127.0.0.1:$DOVECOT_IMAP_PORT" "timeout = 5"
_t0=$(date +%s)
drive wrongport "$T/wrongport.conf" connect
_dt=$(( $(date +%s) - _t0 ))
if [ "$(rc wrongport)" = 1 ] && [ "$_dt" -le 12 ] && has wrongport "TLS" err; then
	ok "imaps:// on a plaintext port fails cleanly in ${_dt}s"
else
	not_ok "imaps:// on a plaintext port" "rc=$(rc wrongport) ${_dt}s $(cat "$T/wrongport.err")"
fi

# A certificate for another host name: refused even with the right CA.
if dovecot_new_cert "DNS:mail.example.test"; then
	drive wrongname "$T/imaps.conf" connect
	if [ "$(rc wrongname)" = 1 ] &&
	    has wrongname "does not match\|hostname" err; then
		ok "a certificate for another host name is refused"
	else
		not_ok "a certificate for another host name is refused" "$(cat "$T/wrongname.err")"
	fi
else
	not_ok "Dovecot restarts with a new certificate"
fi
dovecot_cleanup

# A server without STARTTLS: imap:// is refused; starttls = no works with
# a loud warning.
DOVECOT_NO_TLS=1
if dovecot_start "$T/dovecot-plain"; then
	dovecot_account_conf "$T/plain.conf" sales imap
	drive nostarttls "$T/plain.conf" connect
	if [ "$(rc nostarttls)" = 1 ] && has nostarttls "does not offer STARTTLS" err &&
	    has nostarttls "starttls = no" err; then
		ok "imap:// to a server without STARTTLS is refused"
	else
		not_ok "imap:// without STARTTLS is refused" "$(cat "$T/nostarttls.err")"
	fi
	dovecot_account_conf "$T/plainok.conf" sales imap "starttls = no"
	drive plainok "$T/plainok.conf" connect
	if [ "$(rc plainok)" = 0 ] && has plainok "WITHOUT TLS" err; then
		ok "starttls = no connects in clear text, with a warning"
	else
		not_ok "starttls = no connects with a warning" "$(cat "$T/plainok.err")"
	fi
else
	not_ok "Dovecot without TLS starts"
fi
unset DOVECOT_NO_TLS

done_testing
