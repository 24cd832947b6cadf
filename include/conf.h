/*
 * conf.h - the INI configuration (DESIGN.md "Files"), read with inih.
 *
 * conf_load() reads a whole file into a fresh struct conf and reports
 * every problem as "file:line: message" before failing, so an admin sees
 * them all at once.  Nothing is half-loaded: on failure the struct is
 * released.  On SIGHUP the daemon loads a new struct and swaps it in only
 * when the load succeeded.
 *
 * Relative paths in the file are taken relative to the file's directory.
 * Keys are table-driven in conf.c: adding a key is one line there and a
 * field here.
 */
#ifndef INQUIRYD_CONF_H
#define INQUIRYD_CONF_H

#include "util.h"

#define CONF_DEFAULT_PATH "/etc/inquiryd/inquiryd.conf"

/* How an IMAP account protects its connection. */
enum conf_tls {
	CONF_TLS_IMPLICIT,	/* imaps:// */
	CONF_TLS_STARTTLS,	/* imap:// with STARTTLS required (default) */
	CONF_TLS_NONE,		/* imap:// with starttls = no: plaintext, loud */
};

struct conf_account {
	char *name;		/* from [account NAME] */
	int line;		/* line of the section header */
	char *url;		/* imaps://host[:port] or imap://host[:port] */
	char *host;		/* parsed from url */
	int port;		/* parsed from url, with the scheme's default */
	enum conf_tls tls;
	char *user;
	char *password;		/* only allowed when the file is mode 0600 */
	char *password_command;	/* run with /bin/sh -c, first line is it */
	char *password_file;	/* must not be readable by group or others */
	char *auth;		/* auto|login|plain|xoauth2|oauthbearer */
	char *ca_file;		/* NULL: the system store */
	int tls_verify;		/* default 1; 0 warns at every connect */
	char *inbox;		/* default INBOX */
	char *drafts;		/* NULL: discover \Drafts (RFC 6154) */
	char *sent;		/* NULL: discover \Sent */
	char *rep;		/* "Alice Wang <alice@example.com>" */
	char *rep_name;		/* parsed from rep (or user) */
	char *rep_email;	/* parsed from rep (or user) */
	long poll_interval;	/* seconds, default 300 */
	int idle;		/* default 1 */
	long backfill_days;	/* default 14 */
	size_t max_message_size;	/* default 25 MiB */
	long fetch_batch;	/* UIDs per FETCH, default 100 */
	int append_drafts;	/* APPEND drafts to the Drafts folder, default 1 */
	int track_sent;		/* watch the Sent folder, default 1 */
	char *flag_processed;	/* optional keyword set after processing */
	char *move_processed;	/* optional folder to move processed mail to */
	long timeout;		/* seconds for any one network step, default 60 */
};

struct conf {
	char *path;		/* the file read, NULL for built-in defaults */
	int private_file;	/* the file is mode 0600 (or stricter) */

	/* [general] */
	char *database;
	char *drafts_dir;
	char *quotes_dir;
	char *rules_dir;
	char *templates_dir;
	char *catalog;
	char *log_level;	/* error|warning|info|debug */
	int drafts;		/* make drafts at all, default 1 */

	/* [company] */
	char *company_name;
	char *company_domain;
	char *company_address;
	char *company_phone;
	char *company_email;
	char *company_website;
	char *company_logo;	/* PNG/JPEG path for the quote sheet */
	char *currency;		/* default USD */
	char *incoterm;		/* default FOB */
	char *port;
	char *payment_terms;	/* default "30% T/T deposit, balance before shipment" */
	long quote_validity_days;	/* default 30 */
	char *brands;		/* extra brand names for look-alike checks */

	/* [account NAME] */
	struct conf_account *accounts;	/* owned, naccounts of them */
	size_t naccounts;

	/* [smtp] */
	char *smtp_url;
	char *smtp_user;
	char *smtp_password;
	char *smtp_password_command;
	char *smtp_password_file;
	char *smtp_ca_file;
	int smtp_tls_verify;	/* default 1 */

	/* [enrich] */
	int enrich_enabled;	/* default 1 */
	char *dns_servers;	/* "127.0.0.1:5353,..." or NULL for the system */
	char *allow_networks;	/* CIDRs exempt from the SSRF refusal */
	long enrich_timeout;	/* seconds for one sender in all, default 5 */
	long enrich_cache_ttl;	/* seconds, default 7 days */
	size_t enrich_max_page;	/* default 512 KiB */
	long enrich_max_redirects;	/* default 3 */
	char *freemail_file;	/* admin override list of free-mail domains */
	char *enrich_ca_file;	/* CA bundle for websites, NULL: the system */
	long enrich_https_port;	/* port of https URLs naming none, 443 */
	long enrich_http_port;	/* the same for http, 80 (tests change them) */

	/* [digest] */
	int digest_enabled;	/* the daemon mails it daily; default 0 */
	long digest_hour;	/* local hour it goes out, 0-23, default 8 */
	char *digest_tz;	/* the desk's time zone ("Asia/Shanghai") for
				 * the hour and the day; NULL: the server's */
	char *digest_manager;	/* "Name <addr>" of the manager, or NULL */
	char *digest_from;	/* its From, NULL: [company] email */
};

/*
 * Resolves which file to read: path if given, else $INQUIRYD_CONF, else
 * CONF_DEFAULT_PATH.  *explicit is set when the user named the file (a
 * missing file is then an error; a missing default file means built-in
 * defaults).  Returns a pointer into its arguments or the environment.
 */
const char *conf_pick_path(const char *path, int *explicit_path);

/*
 * Loads path into c (which need not be initialised).  path NULL gives the
 * built-in defaults.  Returns 0, or -1 with every problem appended to
 * errors as "file:line: message" and c released.
 */
int conf_load(struct conf *c, const char *path, struct strlist *errors);

/* Fills c with the built-in defaults. */
void conf_defaults(struct conf *c);
void conf_release(struct conf *c);

/* The account called name, or NULL. */
struct conf_account *conf_account(const struct conf *c, const char *name);

/*
 * Reads a secret: the value itself, or the first line of a 0600-or-stricter
 * file, or the first line printed by a command run with /bin/sh -c.  what
 * names the owner in errors ("account 'sales'").  Returns a malloc'd string
 * or NULL with e set (ERR_CONFIG for a readable file, ERR_TEMP when the
 * command fails).
 */
struct err;
char *conf_secret(const char *value, const char *file, const char *command,
    const char *what, struct err *e);

/*
 * The directory shipped data is read from when the config names none:
 * "rules" or "templates" beside the binary when run from a build tree,
 * else the installed data directory.  Returns a malloc'd path.
 */
char *conf_data_path(const char *what);

#endif
