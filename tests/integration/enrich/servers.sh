# servers.sh - start the loopback peers of the enrichment tests.  Source
# it after tests/lib/tap.sh; it sets:
#   ENRICH_TMP        a private directory (removed at exit)
#   ENRICH_DNS        127.0.0.1:PORT of a dnsmasq with the fixture records
#   ENRICH_HTTPS_PORT, ENRICH_HTTP_PORT   the fixture web server's ports
#   ENRICH_CA         the test CA that signed its certificate
#   ENRICH_STATE      where websrv.py logs requests and canary hits, and
#                     smtpsrv.py writes what it received
#   SMTP_TLS_PORT, SMTP_STARTTLS_PORT, SMTP_PLAIN_PORT   aiosmtpd servers
# Set before sourcing: ENRICH_DNS_EXTRA (more dnsmasq options) and
# ENRICH_TLS_EXTRA (more names, each with its own certificate picked by
# SNI), as the bench does.
# and stops everything at exit.  Returns non-zero (after a not_ok) when a
# server cannot start.  Ports are picked at run time.

enrich_dir=$INQUIRYD_TOP/tests/integration/enrich
ENRICH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/inquiryd-enrich.XXXXXX")
ENRICH_STATE=$ENRICH_TMP/state
mkdir -p "$ENRICH_STATE"
enrich_pids=
enrich_cleanup() {
	for p in $enrich_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $enrich_pids; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$ENRICH_TMP"
}
trap enrich_cleanup EXIT INT TERM

# Names the certificate covers.  badcert.test is left out on purpose: its
# HTTPS fails verification, and the site must then not be read over HTTP.
enrich_tls_names="mail.test phones.test furniture.test parked.test gbk.test big.test slow.test
chain5.test chain3.test toloop.test tolocal.test toftp.test loopa.test
loop6.test mapped.test mixed.test plain.test"

enrich_make_ca() {
	d=$ENRICH_TMP/ca
	mkdir -p "$d"
	san=IP:127.0.0.1
	for n in $enrich_tls_names; do
		san="${san:+$san,}DNS:$n"
	done
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=inquiryd test CA" \
	    -keyout "$d/ca.key" -out "$d/ca.pem" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1 &&
	openssl req -newkey rsa:2048 -nodes -subj "/CN=phones.test" \
	    -keyout "$d/site.key" -out "$d/site.csr" >/dev/null 2>&1 &&
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$d/ext" &&
	openssl x509 -req -in "$d/site.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
	    -CAcreateserial -days 2 -extfile "$d/ext" -out "$d/site.pem" \
	    >/dev/null 2>&1 || return 1
	# One small certificate per extra name (websrv.py picks by SNI).
	[ -n "${ENRICH_TLS_EXTRA:-}" ] || return 0
	mkdir -p "$ENRICH_STATE/sni"
	openssl ecparam -name prime256v1 -genkey -noout \
	    -out "$ENRICH_STATE/sni/key.pem" 2>/dev/null || return 1
	for n in $ENRICH_TLS_EXTRA; do
		openssl req -new -x509 -key "$ENRICH_STATE/sni/key.pem" \
		    -subj "/CN=$n" -addext "subjectAltName=DNS:$n" \
		    -CA "$d/ca.pem" -CAkey "$d/ca.key" -days 2 \
		    -out "$ENRICH_STATE/sni/$n.pem" 2>/dev/null || return 1
	done
}

enrich_start_web() {
	/usr/bin/python3 "$enrich_dir/websrv.py" "$INQUIRYD_TOP/tests/data/enrich/sites" \
	    "$ENRICH_TMP/ca/site.pem" "$ENRICH_TMP/ca/site.key" "$ENRICH_STATE" \
	    </dev/null >"$ENRICH_TMP/websrv.log" 2>&1 &
	enrich_pids="$enrich_pids $!"
	i=0
	while [ ! -s "$ENRICH_STATE/ports" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$ENRICH_STATE/ports" ] || return 1
	read -r ENRICH_HTTPS_PORT ENRICH_HTTP_PORT <"$ENRICH_STATE/ports"
}

enrich_start_smtp() {
	/usr/bin/python3 "$INQUIRYD_TOP/tests/lib/smtpsrv.py" "$ENRICH_TMP/ca/site.pem" \
	    "$ENRICH_TMP/ca/site.key" "$ENRICH_STATE" \
	    </dev/null >"$ENRICH_TMP/smtpsrv.log" 2>&1 &
	enrich_pids="$enrich_pids $!"
	i=0
	while [ ! -s "$ENRICH_STATE/smtp-ports" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$ENRICH_STATE/smtp-ports" ] || return 1
	read -r SMTP_TLS_PORT SMTP_STARTTLS_PORT SMTP_PLAIN_PORT \
	    <"$ENRICH_STATE/smtp-ports"
	export SMTP_TLS_PORT SMTP_STARTTLS_PORT SMTP_PLAIN_PORT
}

enrich_free_udp_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

enrich_start_dns() {
	tries=0
	while [ $tries -lt 5 ]; do
		tries=$((tries + 1))
		port=$(enrich_free_udp_port)
		set -- --no-daemon --conf-file=/dev/null --no-resolv --no-hosts \
		    --port="$port" --listen-address=127.0.0.1 --bind-interfaces \
		    --log-facility="$ENRICH_TMP/dnsmasq.log" --local=/test/
		for n in phones furniture parked gbk big slow chain5 chain3 \
		    toloop tolocal toftp plain badcert; do
			set -- "$@" --host-record="$n.test,127.0.0.1"
		done
		set -- "$@" \
		    --host-record=loopa.test,127.0.0.2 \
		    --host-record=loop6.test,::1 \
		    --host-record=mapped.test,::ffff:127.0.0.3 \
		    --host-record=mixed.test,127.0.0.1,::1 \
		    --mx-host=phones.test,mx.phones.test,10 \
		    --mx-host=furniture.test,mail.furniture.test,10 \
		    --mx-host=gbk.test,mx.gbk.test,5 \
		    --mx-host=plain.test,mx.plain.test,10 \
		    --mx-host=mixed.test,mx.mixed.test,10 \
		    --mx-host=slow.test,mx.slow.test,10 \
		    --mx-host=big.test,mx.big.test,10 \
		    --mx-host=nullmx.test,.,0 \
		    --mx-host=gmail.com,gmail-smtp-in.l.google.com,5 \
		    --mx-host=qq.com,mx1.qq.com,10 \
		    --mx-host=mailinator.com,mail.mailinator.com,10 \
		    ${ENRICH_DNS_EXTRA:-}
		/usr/sbin/dnsmasq "$@" </dev/null >>"$ENRICH_TMP/dnsmasq.out" 2>&1 &
		pid=$!
		sleep 0.3
		if kill -0 "$pid" 2>/dev/null; then
			enrich_pids="$enrich_pids $pid"
			ENRICH_DNS=127.0.0.1:$port
			return 0
		fi
	done
	return 1
}

enrich_start_all() {
	for tool in /usr/sbin/dnsmasq openssl /usr/bin/python3; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			not_ok "enrichment peers" "$tool is not installed (make check installs it)"
			return 1
		fi
	done
	if ! enrich_make_ca; then
		not_ok "make a test CA with openssl"
		return 1
	fi
	ENRICH_CA=$ENRICH_TMP/ca/ca.pem
	if ! enrich_start_web; then
		not_ok "start the fixture web server" "$(tail -5 "$ENRICH_TMP/websrv.log")"
		return 1
	fi
	if ! enrich_start_dns; then
		not_ok "start dnsmasq" "$(tail -5 "$ENRICH_TMP/dnsmasq.out")"
		return 1
	fi
	if ! enrich_start_smtp; then
		not_ok "start the SMTP servers (aiosmtpd)" "$(tail -5 "$ENRICH_TMP/smtpsrv.log")"
		return 1
	fi
	export ENRICH_DNS ENRICH_HTTPS_PORT ENRICH_HTTP_PORT ENRICH_CA ENRICH_STATE
	ok "loopback peers up: dnsmasq $ENRICH_DNS, web https $ENRICH_HTTPS_PORT http $ENRICH_HTTP_PORT, smtp $SMTP_TLS_PORT/$SMTP_STARTTLS_PORT/$SMTP_PLAIN_PORT"
}
