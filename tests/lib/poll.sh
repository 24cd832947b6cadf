# tests/lib/poll.sh - helpers for the tests of "inquiryd poll" and "run"
# against the private Dovecot of tests/lib/dovecot.sh.  Source tap.sh and
# dovecot.sh first, start Dovecot, then:
#
#   poll_conf FILE DIR [ACCOUNT_FILE...]  write an inquiryd config using
#                         DIR for the database, drafts and quotes, the
#                         shipped rules and templates, enrichment off,
#                         then each ACCOUNT_FILE (dovecot_account_conf)
#   poll_db FILE          the database path of config FILE
#   db_q CONF SQL         run SQL on the database of CONF (sqlite3 CLI)
#   have_parser           0 when this build has the real MIME parser (the
#                         parse branch); its stand-in quarantines every
#                         message, which some checks cannot work with
#   folder_ids FOLDER     the Message-IDs in FOLDER, one a line, sorted
#                         (duplicates kept)
#   wait_until SECONDS CMD...   run CMD every 0.2 s until it succeeds;
#                         1 when SECONDS pass first
#   run_start NAME CONF [ARGS...]  start "inquiryd run" in the background;
#                         its stderr goes to $T/NAME.log, its pid to
#                         RUN_PID (and to $T/NAME.pid)
#   run_stop PID          SIGTERM, wait up to 20 s, then SIGKILL; the exit
#                         status in RUN_RC (not in a $(...): the shell
#                         that started it must wait for it)
PY=/usr/bin/python3

poll_conf() {
	_pc_file=$1
	_pc_dir=$2
	shift 2
	mkdir -p "$_pc_dir"
	{
		printf '[general]\n'
		printf 'database = %s/db/inquiryd.db\n' "$_pc_dir"
		printf 'drafts_dir = %s/drafts\n' "$_pc_dir"
		printf 'quotes_dir = %s/quotes\n' "$_pc_dir"
		printf 'rules_dir = %s\n' "${POLL_RULES:-$INQUIRYD_TOP/rules}"
		printf 'templates_dir = %s/templates\n' "$INQUIRYD_TOP"
		[ -f "$INQUIRYD_TOP/contrib/catalog.csv" ] &&
		    printf 'catalog = %s/contrib/catalog.csv\n' "$INQUIRYD_TOP"
		printf '%s\n' "${POLL_GENERAL:-}"
		printf '\n[company]\nname = Shenzhen Example Gifts Co., Ltd.\n'
		printf 'domain = example-gifts.com\n\n[enrich]\nenabled = no\n'
		for _pc_a in "$@"; do
			printf '\n'
			cat "$_pc_a"
		done
	} >"$_pc_file"
}

poll_db() {
	sed -n 's/^database = //p' "$1"
}

db_q() {
	sqlite3 -batch "$(poll_db "$1")" "$2"
}

have_parser() {
	! "$INQUIRYD_BIN" classify "$INQUIRYD_TOP/contrib/samples/01-en-detailed-speakers.eml" \
	    2>&1 | grep -q "not built yet"
}

folder_ids() {
	dovecot_doveadm -f flow fetch -u "$DOVECOT_USER" hdr.message-id \
	    mailbox "$1" all 2>/dev/null |
	    sed -n 's/^hdr.message-id=<*\([^>]*\)>*.*/\1/p' | sort
}

wait_until() {
	_wu_end=$(( $(date +%s) + $1 ))
	shift
	while [ "$(date +%s)" -le "$_wu_end" ]; do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

run_start() {
	_rs_name=$1
	_rs_conf=$2
	shift 2
	"$INQUIRYD_BIN" -v -c "$_rs_conf" run "$@" >"$T/$_rs_name.out" \
	    2>"$T/$_rs_name.log" &
	RUN_PID=$!
	echo "$RUN_PID" >"$T/$_rs_name.pid"
}

run_stop() {
	kill -TERM "$1" 2>/dev/null
	_st_n=0
	while kill -0 "$1" 2>/dev/null && [ "$_st_n" -lt 100 ]; do
		sleep 0.2
		_st_n=$((_st_n + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
	RUN_RC=$?
}
