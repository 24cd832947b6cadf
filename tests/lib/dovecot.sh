# tests/lib/dovecot.sh - a private Dovecot on loopback for the tests and
# `make demo`.  Source it (POSIX sh), then:
#
#   dovecot_start [DIR]   set up DIR (default: a fresh temporary directory,
#                         removed by dovecot_cleanup) and start Dovecot; sets
#                         DOVECOT_DIR, DOVECOT_IMAP_PORT (STARTTLS),
#                         DOVECOT_IMAPS_PORT (implicit TLS), DOVECOT_USER,
#                         DOVECOT_PASS, DOVECOT_CA (the test CA's cert),
#                         DOVECOT_CONF, DOVECOT_LOG.  Returns 1 when it
#                         cannot start (the reason is on stderr).
#   dovecot_stop          stop it (all its processes); the data stays
#   dovecot_restart       stop, then start again on the same ports
#   dovecot_kill          SIGKILL the master and every process it started
#   dovecot_cleanup       stop and remove DOVECOT_DIR (if we made it);
#                         call it from an EXIT trap
#   dovecot_seed FOLDER FILE...   put .eml files into FOLDER (Maildir files
#                         written directly, fast enough for 20,000)
#   dovecot_seed_dir FOLDER DIR   the same for every DIR/*.eml (in name
#                         order; no argument list limit).  Both take
#                         DOVECOT_SEED_MTIME (seconds since the epoch)
#                         from the environment: the files' mtime, which
#                         Dovecot's Maildir gives as INTERNALDATE
#   dovecot_save FOLDER FILE      deliver one message through doveadm save
#   dovecot_count FOLDER  print the number of messages in FOLDER
#   dovecot_flags FOLDER  print "uid flags" lines for every message
#   dovecot_fetch FOLDER [SEARCH] print the messages (doveadm fetch text)
#   dovecot_create FOLDER / dovecot_delete FOLDER
#   dovecot_recreate FOLDER   the same messages under a new UIDVALIDITY
#   dovecot_uidvalidity FOLDER  print the folder's UIDVALIDITY
#   dovecot_doveadm ARGS...     doveadm with our config
#   dovecot_pause / dovecot_resume  SIGSTOP / SIGCONT every Dovecot
#                         process: a server that stops answering
#   dovecot_new_cert NAMES  a new server certificate (same CA) for the
#                         subjectAltName NAMES, then restart
#   dovecot_account_conf FILE NAME [SCHEME] [LINE...]  write an inquiryd
#                         config with one [account NAME] for this server:
#                         SCHEME imaps (default) or imap (STARTTLS),
#                         ca_file = the test CA, the password in a 0600
#                         file; each LINE ("key = value") overrides the
#                         key ("key =" leaves it out)
#
# Settings (environment, before dovecot_start):
#   DOVECOT_CERT_NAMES  subjectAltName of the server certificate
#                       (default "DNS:localhost,IP:127.0.0.1")
#   DOVECOT_EXTRA_CONF  lines appended to dovecot.conf
#   DOVECOT_NO_TLS=1    no TLS at all: no STARTTLS, no imaps port
#                       (DOVECOT_IMAPS_PORT is then empty), plaintext
#                       logins allowed
#   DOVECOT_DRAFTS_NAME / DOVECOT_SENT_NAME  names of the special-use
#                       folders (default Drafts, Sent)
#   DOVECOT_EXTRA_USERS more users (space-separated), same password, each
#                       with its own Maildir; to use one with the helpers
#                       below, set DOVECOT_USER in a subshell:
#                       ( DOVECOT_USER=bob@example.test; dovecot_seed ... )
#
# Each instance has its own directory and free ports, so several test
# runs can share the machine.  Dovecot runs as the current user; as root
# its mail processes use "nobody" (Dovecot refuses mail access as root).
# Needs dovecot-imapd, openssl and python3 (contrib/install-deps check).

DOVECOT_USER=${DOVECOT_USER:-sales@example.test}
DOVECOT_PASS=${DOVECOT_PASS:-Test-Secret-1}
DOVECOT_DIR=
DOVECOT_OWN_DIR=0
DOVECOT_IMAP_PORT=
DOVECOT_IMAPS_PORT=

_dc_py=/usr/bin/python3

_dc_free_port() {
	"$_dc_py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Waits until PORT answers with an IMAP greeting (plain or TLS), at most
# 10 seconds.
_dc_wait_port() {
	"$_dc_py" - "$1" "$2" <<'EOF'
import socket, ssl, sys, time
port, tls = int(sys.argv[1]), sys.argv[2] == "tls"
end = time.time() + 10
while time.time() < end:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            s = ctx.wrap_socket(s)
        if s.recv(512).startswith(b"* OK"):
            s.close()
            sys.exit(0)
        s.close()
    except OSError:
        pass
    time.sleep(0.05)
sys.exit(1)
EOF
}

# The test CA and a server certificate signed by it.
_dc_make_certs() {
	_d=$DOVECOT_DIR/tls
	mkdir -p "$_d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
	    -subj "/CN=inquiryd test CA" -keyout "$_d/ca.key" \
	    -out "$_d/ca.crt" -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    >/dev/null 2>&1 || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
	    -keyout "$_d/server.key" -out "$_d/server.csr" \
	    >/dev/null 2>&1 || return 1
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
	    "${DOVECOT_CERT_NAMES:-DNS:localhost,IP:127.0.0.1}" >"$_d/ext.cnf"
	openssl x509 -req -in "$_d/server.csr" -CA "$_d/ca.crt" \
	    -CAkey "$_d/ca.key" -CAcreateserial -days 30 \
	    -extfile "$_d/ext.cnf" -out "$_d/server.crt" \
	    >/dev/null 2>&1 || return 1
	DOVECOT_CA=$_d/ca.crt
}

# As root, Dovecot's auth and mail processes run as other users: they must
# be able to pass through every directory above DIR.  tests/run and
# mktemp make private (0700) temporary directories, so give those (only
# those under /tmp or $TMPDIR) the search bit for others, never read.
_dc_traversable() {
	_p=$(cd "$1/.." && pwd)
	while [ -n "$_p" ] && [ "$_p" != / ]; do
		case $_p/ in
		/tmp/*|"${TMPDIR:-/tmp}"/*)
			[ -O "$_p" ] && chmod o+x "$_p" ;;
		esac
		_p=${_p%/*}
	done
	return 0
}

_dc_write_conf() {
	_user=$(id -un)
	_group=$(id -gn)
	if [ "$(id -u)" -eq 0 ]; then
		_muid=$(id -u nobody)
		_mgid=$(id -g nobody)
		_login=dovenull
		_internal=dovecot
		getent passwd dovenull >/dev/null || _login=nobody
		getent passwd dovecot >/dev/null || _internal=nobody
		_igroup=$(id -gn "$_internal")
		_first=1
	else
		_muid=$(id -u)
		_mgid=$(id -g)
		_login=$_user
		_internal=$_user
		_igroup=$_group
		_first=$_muid
	fi
	mkdir -p "$DOVECOT_DIR/run" "$DOVECOT_DIR/state" "$DOVECOT_DIR/mail"
	chown "$_muid:$_mgid" "$DOVECOT_DIR/mail"
	chmod 755 "$DOVECOT_DIR"
	[ "$(id -u)" -eq 0 ] && _dc_traversable "$DOVECOT_DIR"
	DOVECOT_MAIL_UID=$_muid
	DOVECOT_MAIL_GID=$_mgid
	printf '%s:{PLAIN}%s:%s:%s::%s/mail/%s::\n' "$DOVECOT_USER" \
	    "$DOVECOT_PASS" "$_muid" "$_mgid" "$DOVECOT_DIR" \
	    "$DOVECOT_USER" >"$DOVECOT_DIR/users"
	for _xu in ${DOVECOT_EXTRA_USERS:-}; do
		printf '%s:{PLAIN}%s:%s:%s::%s/mail/%s::\n' "$_xu" \
		    "$DOVECOT_PASS" "$_muid" "$_mgid" "$DOVECOT_DIR" "$_xu" \
		    >>"$DOVECOT_DIR/users"
	done
	chmod 644 "$DOVECOT_DIR/users"
	DOVECOT_CONF=$DOVECOT_DIR/dovecot.conf
	DOVECOT_LOG=$DOVECOT_DIR/dovecot.log
	if [ "${DOVECOT_NO_TLS:-0}" = 1 ]; then
		_ssl="ssl = no
disable_plaintext_auth = no"
		_imaps_port=0
	else
		_ssl="ssl = yes
ssl_cert = <$DOVECOT_DIR/tls/server.crt
ssl_key = <$DOVECOT_DIR/tls/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes"
		_imaps_port=$DOVECOT_IMAPS_PORT
	fi
	_drafts=${DOVECOT_DRAFTS_NAME:-Drafts}
	_sent=${DOVECOT_SENT_NAME:-Sent}
	cat >"$DOVECOT_CONF" <<EOF
# Written by tests/lib/dovecot.sh: a private test instance.
instance_name = inquiryd-test-$$-$DOVECOT_IMAP_PORT
base_dir = $DOVECOT_DIR/run
state_dir = $DOVECOT_DIR/state
log_path = $DOVECOT_LOG
info_log_path = $DOVECOT_LOG
debug_log_path = $DOVECOT_LOG
protocols = imap
listen = 127.0.0.1
default_internal_user = $_internal
default_internal_group = $_igroup
default_login_user = $_login
first_valid_uid = $_first
first_valid_gid = 0
mail_uid = $_muid
mail_gid = $_mgid
$_ssl
auth_mechanisms = plain login xoauth2 oauthbearer
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DOVECOT_DIR/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $DOVECOT_DIR/users
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
  mailbox $_drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox $_sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = create
  }
  mailbox Trash {
    special_use = \\Trash
    auto = create
  }
}
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = 2 mins
mail_max_userip_connections = 100
auth_failure_delay = 0
# No growing penalty for the failed logins that tests make on purpose.
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $DOVECOT_IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $_imaps_port
    ssl = yes
  }
}
service pop3-login {
  chroot =
}
service submission-login {
  chroot =
}
service imap-urlauth-login {
  chroot =
}
${DOVECOT_EXTRA_CONF:-}
EOF
}

# Dovecot starts under tests/lib/reaper.py, which reaps every process it
# leaves behind at once: after dovecot_kill no zombie keeps a dot-lock
# alive for Dovecot's two-minute stale timeout, whatever the machine's
# init does (see reaper.py).
_dc_launch() {
	rm -f "$DOVECOT_DIR/run/master.pid" "$DOVECOT_DIR/launch.rc"
	_reaper=${INQUIRYD_TOP:+$INQUIRYD_TOP/tests/lib/reaper.py}
	if [ -z "$_reaper" ] || [ ! -f "$_reaper" ]; then
		dovecot -c "$DOVECOT_CONF" 2>>"$DOVECOT_DIR/start.err" ||
		    return 1
	else
		"$_dc_py" "$_reaper" "$DOVECOT_DIR/launch.rc" \
		    dovecot -c "$DOVECOT_CONF" </dev/null >/dev/null \
		    2>>"$DOVECOT_DIR/start.err" &
		echo "$!" >"$DOVECOT_DIR/reaper.pid"
		_n=0
		while [ ! -f "$DOVECOT_DIR/launch.rc" ] && [ "$_n" -lt 100 ]; do
			sleep 0.1
			_n=$((_n + 1))
		done
		[ "$(cat "$DOVECOT_DIR/launch.rc" 2>/dev/null)" = 0 ] ||
		    return 1
	fi
	_dc_wait_port "$DOVECOT_IMAP_PORT" plain || return 1
	[ "${DOVECOT_NO_TLS:-0}" = 1 ] && return 0
	_dc_wait_port "$DOVECOT_IMAPS_PORT" tls
}

dovecot_start() {
	if [ -n "${1:-}" ]; then
		DOVECOT_DIR=$1
		mkdir -p "$DOVECOT_DIR"
	else
		DOVECOT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/inquiryd-dovecot.XXXXXX")
		DOVECOT_OWN_DIR=1
	fi
	if ! command -v dovecot >/dev/null 2>&1; then
		echo "dovecot_start: dovecot is not installed (dovecot-imapd)" >&2
		return 1
	fi
	_dc_make_certs || {
		echo "dovecot_start: cannot make the test certificates" >&2
		return 1
	}
	# A free port can be taken between the probe and Dovecot's bind:
	# retry with new ones a few times.
	_tries=0
	while [ "$_tries" -lt 5 ]; do
		_tries=$((_tries + 1))
		DOVECOT_IMAP_PORT=$(_dc_free_port)
		DOVECOT_IMAPS_PORT=$(_dc_free_port)
		[ "$DOVECOT_IMAP_PORT" = "$DOVECOT_IMAPS_PORT" ] && continue
		_dc_write_conf
		if _dc_launch; then
			[ "${DOVECOT_NO_TLS:-0}" = 1 ] && DOVECOT_IMAPS_PORT=
			export DOVECOT_DIR DOVECOT_IMAP_PORT DOVECOT_IMAPS_PORT \
			    DOVECOT_USER DOVECOT_PASS DOVECOT_CA DOVECOT_CONF \
			    DOVECOT_LOG
			return 0
		fi
		dovecot_stop
	done
	echo "dovecot_start: Dovecot did not start; its log:" >&2
	tail -n 20 "$DOVECOT_DIR/start.err" "$DOVECOT_LOG" >&2 2>/dev/null
	return 1
}

_dc_master_pid() {
	[ -n "$DOVECOT_DIR" ] && [ -f "$DOVECOT_DIR/run/master.pid" ] &&
	    cat "$DOVECOT_DIR/run/master.pid"
}

# Every process whose parent chain leads to the master.
_dc_tree() {
	_p=$1
	echo "$_p"
	for _c in $(pgrep -P "$_p" 2>/dev/null); do
		_dc_tree "$_c"
	done
}

# Whether PID is running (a zombie is not).
_dc_running() {
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	''|Z*) return 1 ;;
	esac
	return 0
}

# Waits, at most 5 seconds, until the reaper has exited: every Dovecot
# process is gone and reaped.  A process the master forked while it was
# being killed is by then the reaper's child: after 2 seconds such
# stragglers are killed too.
_dc_reaped() {
	_rp=$(cat "$DOVECOT_DIR/reaper.pid" 2>/dev/null) || return 0
	_n=0
	while [ -n "$_rp" ] && _dc_running "$_rp" && [ "$_n" -lt 50 ]; do
		if [ "$_n" -eq 20 ]; then
			for _p in $(_dc_tree "$_rp"); do
				[ "$_p" = "$_rp" ] || kill -KILL "$_p" 2>/dev/null
			done
		fi
		sleep 0.1
		_n=$((_n + 1))
	done
	rm -f "$DOVECOT_DIR/reaper.pid"
	return 0
}

dovecot_stop() {
	_pid=$(_dc_master_pid) || return 0
	[ -n "$_pid" ] || return 0
	_pids=$(_dc_tree "$_pid")
	kill -TERM "$_pid" 2>/dev/null
	_n=0
	while [ "$_n" -lt 100 ]; do
		_alive=0
		for _p in $_pids; do
			_dc_running "$_p" && _alive=1
		done
		[ "$_alive" -eq 0 ] && break
		sleep 0.1
		_n=$((_n + 1))
	done
	for _p in $_pids; do
		kill -KILL "$_p" 2>/dev/null
	done
	rm -f "$DOVECOT_DIR/run/master.pid"
	_dc_reaped
}

dovecot_kill() {
	_pid=$(_dc_master_pid) || return 0
	[ -n "$_pid" ] || return 0
	for _p in $(_dc_tree "$_pid"); do
		kill -KILL "$_p" 2>/dev/null
	done
	rm -f "$DOVECOT_DIR/run/master.pid"
	_dc_reaped
}

dovecot_pause() {
	_pid=$(_dc_master_pid) || return 0
	for _p in $(_dc_tree "$_pid"); do
		kill -STOP "$_p" 2>/dev/null
	done
	return 0
}

dovecot_resume() {
	_pid=$(_dc_master_pid) || return 0
	for _p in $(_dc_tree "$_pid"); do
		kill -CONT "$_p" 2>/dev/null
	done
	return 0
}

dovecot_new_cert() {
	DOVECOT_CERT_NAMES=$1
	_d=$DOVECOT_DIR/tls
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
	    "$DOVECOT_CERT_NAMES" >"$_d/ext.cnf"
	openssl x509 -req -in "$_d/server.csr" -CA "$_d/ca.crt" \
	    -CAkey "$_d/ca.key" -CAcreateserial -days 30 \
	    -extfile "$_d/ext.cnf" -out "$_d/server.crt" \
	    >/dev/null 2>&1 || return 1
	dovecot_restart
}

dovecot_account_conf() {
	_file=$1
	_name=$2
	_scheme=${3:-imaps}
	[ $# -ge 3 ] && shift 3 || shift $#
	if [ "$_scheme" = imaps ]; then
		_url="imaps://127.0.0.1:$DOVECOT_IMAPS_PORT"
	else
		_url="imap://127.0.0.1:$DOVECOT_IMAP_PORT"
	fi
	umask 077
	printf '%s\n' "$DOVECOT_PASS" >"$_file.password"
	umask 022
	{
		printf 'url = %s\n' "$_url"
		printf 'user = %s\n' "$DOVECOT_USER"
		printf 'password_file = %s\n' "$_file.password"
		[ -n "${DOVECOT_CA:-}" ] && printf 'ca_file = %s\n' "$DOVECOT_CA"
		printf 'timeout = 10\n'
		for _l in "$@"; do
			printf '%s\n' "$_l"
		done
	} | "$_dc_py" -c '
import sys
name = sys.argv[1]
keys, vals = [], {}
for line in sys.stdin.read().splitlines():
    k, _, v = line.partition("=")
    k, v = k.strip(), v.strip()
    if k not in vals:
        keys.append(k)
    vals[k] = v
print("[account %s]" % name)
for k in keys:
    if vals[k]:
        print("%s = %s" % (k, vals[k]))
' "$_name" >"$_file"
}

dovecot_restart() {
	dovecot_stop
	_dc_launch || {
		echo "dovecot_restart: Dovecot did not start again" >&2
		tail -n 20 "$DOVECOT_DIR/start.err" "$DOVECOT_LOG" >&2 2>/dev/null
		return 1
	}
}

dovecot_cleanup() {
	dovecot_stop
	if [ "$DOVECOT_OWN_DIR" -eq 1 ] && [ -n "$DOVECOT_DIR" ]; then
		rm -rf "$DOVECOT_DIR"
	fi
}

dovecot_doveadm() {
	doveadm -c "$DOVECOT_CONF" "$@"
}

# The Maildir++ directory of a folder.
_dc_folder_dir() {
	_base=$DOVECOT_DIR/mail/$DOVECOT_USER/Maildir
	case $1 in
	INBOX|inbox) echo "$_base" ;;
	*) echo "$_base/.$(printf '%s' "$1" | tr / .)" ;;
	esac
}

dovecot_create() {
	case $1 in INBOX|inbox) dovecot_doveadm mailbox status -u \
	    "$DOVECOT_USER" messages INBOX >/dev/null; return ;; esac
	dovecot_doveadm mailbox status -u "$DOVECOT_USER" messages "$1" \
	    >/dev/null 2>&1 ||
	    dovecot_doveadm mailbox create -u "$DOVECOT_USER" "$1"
}

dovecot_delete() {
	dovecot_doveadm mailbox delete -u "$DOVECOT_USER" "$1"
}

dovecot_seed() {
	_folder=$1
	shift
	_dc_seed "$_folder" files "$@"
}

dovecot_seed_dir() {
	_dc_seed "$1" dir "$2"
}

_dc_seed() {
	_folder=$1
	shift
	dovecot_create "$_folder" || return 1
	_fd=$(_dc_folder_dir "$_folder")
	mkdir -p "$_fd/tmp" "$_fd/new" "$_fd/cur"
	DOVECOT_SEED_MTIME=${DOVECOT_SEED_MTIME:-} "$_dc_py" - "$_fd" \
	    "$DOVECOT_MAIL_UID" "$DOVECOT_MAIL_GID" "$@" <<'EOF'
import os, socket, sys, time
d, uid, gid, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
mtime = os.environ.get("DOVECOT_SEED_MTIME")
paths = sys.argv[5:]
if mode == "dir":
    paths = [os.path.join(paths[0], f) for f in sorted(os.listdir(paths[0]))
             if f.endswith(".eml")]
host = socket.gethostname().replace("/", "_").replace(":", "_")
now = int(time.time())
root = os.getuid() == 0
for i, path in enumerate(paths):
    with open(path, "rb") as f:
        data = f.read().replace(b"\r\n", b"\n")
    name = "%d.M%dP%dQ%d.%s" % (now, i, os.getpid(), i, host)
    tmp = os.path.join(d, "tmp", name)
    with open(tmp, "wb") as f:
        f.write(data)
    if root:
        os.chown(tmp, uid, gid)
    if mtime:
        os.utime(tmp, (int(mtime), int(mtime)))
    os.rename(tmp, os.path.join(d, "new", name))
EOF
	[ "$(id -u)" -eq 0 ] && chown "$DOVECOT_MAIL_UID:$DOVECOT_MAIL_GID" \
	    "$DOVECOT_DIR/mail" "$DOVECOT_DIR/mail/$DOVECOT_USER" \
	    "$DOVECOT_DIR/mail/$DOVECOT_USER/Maildir" "$_fd" "$_fd/tmp" \
	    "$_fd/new" "$_fd/cur" 2>/dev/null
	return 0
}

dovecot_save() {
	dovecot_create "$1" || return 1
	dovecot_doveadm save -u "$DOVECOT_USER" -m "$1" <"$2"
}

dovecot_count() {
	dovecot_doveadm -f flow mailbox status -u "$DOVECOT_USER" messages "$1" |
	    sed -n 's/.*messages=\([0-9]*\).*/\1/p'
}

dovecot_uidvalidity() {
	dovecot_doveadm -f flow mailbox status -u "$DOVECOT_USER" uidvalidity \
	    "$1" | sed -n 's/.*uidvalidity=\([0-9]*\).*/\1/p'
}

dovecot_flags() {
	dovecot_doveadm -f flow fetch -u "$DOVECOT_USER" "uid flags" mailbox \
	    "$1" all | sed 's/^uid=\([0-9]*\) flags=/\1 /'
}

dovecot_fetch() {
	_folder=$1
	shift
	[ $# -eq 0 ] && set -- all
	dovecot_doveadm fetch -u "$DOVECOT_USER" text mailbox "$_folder" "$@"
}

# Exports the folder's messages, removes them and gives the folder a new
# UIDVALIDITY, then puts the same messages back (new UIDs).
dovecot_recreate() {
	_folder=$1
	_save=$DOVECOT_DIR/recreate.$$
	rm -rf "$_save"
	mkdir -p "$_save"
	_fd=$(_dc_folder_dir "$_folder")
	_n=0
	for _f in "$_fd"/cur/* "$_fd"/new/*; do
		[ -f "$_f" ] || continue
		_n=$((_n + 1))
		cp "$_f" "$_save/$_n.eml"
	done
	_old=$(dovecot_uidvalidity "$_folder")
	case $_folder in
	INBOX|inbox)
		dovecot_doveadm expunge -u "$DOVECOT_USER" mailbox INBOX all ||
		    return 1
		dovecot_doveadm mailbox update -u "$DOVECOT_USER" \
		    --uid-validity $((_old + 1)) INBOX || return 1
		;;
	*)
		dovecot_delete "$_folder" || return 1
		# Dovecot derives UIDVALIDITY from the clock: make it move on.
		sleep 1
		dovecot_create "$_folder" || return 1
		;;
	esac
	# shellcheck disable=SC2046
	[ "$_n" -gt 0 ] && dovecot_seed "$_folder" $(ls "$_save"/*.eml)
	rm -rf "$_save"
}
