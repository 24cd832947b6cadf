# tests/lib/conf.sh - config files for integration tests that run the
# binary on files (import, classify, send), with the tree's rules,
# templates and catalog.  poll.sh has poll_conf for the IMAP tests.

# files_conf DB_DIR OUT_DIR [QUOTES_DIR]: [general] with the database
# under DB_DIR and the drafts and quotes under OUT_DIR (the quotes in
# QUOTES_DIR when given), the sample company, no enrichment.
files_conf() {
	cat <<CONF
[general]
database = $1/inquiryd.db
drafts_dir = $2/drafts
quotes_dir = ${3:-$2/quotes}
rules_dir = $INQUIRYD_TOP/rules
templates_dir = $INQUIRYD_TOP/templates
catalog = $INQUIRYD_TOP/contrib/catalog.csv

[company]
name = Shenzhen Example Gifts Co., Ltd.
domain = example-gifts.com
email = sales@example-gifts.com

[enrich]
enabled = no
CONF
}

# smtp_conf PORT PASSWORD_FILE: [smtp] for tests/lib/smtpsrv.py's TLS
# port, user "rep" with the password in PASSWORD_FILE (written here, mode
# 0600), the CA of dovecot.sh.
smtp_conf() {
	(umask 077; echo s3cret >"$2")
	cat <<CONF

[smtp]
url = smtps://127.0.0.1:$1
user = rep
password_file = $2
ca_file = $DOVECOT_CA
CONF
}
