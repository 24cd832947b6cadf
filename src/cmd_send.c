/*
 * cmd_send.c - "inquiryd send ID": send the reviewed draft by SMTP and
 * file it in the Sent folder.
 *
 * The draft is sent exactly as it is on disk (the rep may have edited the
 * .eml), so what the customer receives is the reviewed draft byte for
 * byte plus the server's transport headers.  A draft already sent is not
 * sent again without --force.
 */
#include <getopt.h>
#include <limits.h>

#include "buf.h"
#include "cmd.h"
#include "err.h"
#include "imap.h"
#include "log.h"
#include "parse.h"
#include "pipeline.h"
#include "xfer.h"

static const char send_usage[] =
"usage: inquiryd [-c FILE] send [--force] [--no-sent] ID\n"
"\n"
"Sends inquiry ID's latest draft (the .eml under drafts_dir, as the rep\n"
"left it) through [smtp], files a copy in the account's Sent folder, and\n"
"moves the inquiry to replied (quoted when the quote is attached).\n"
"\n"
"  --force     send although this draft was sent before\n"
"  --no-sent   do not file the copy in the Sent folder\n";

/* The addresses the draft goes to: To and Cc. */
static void
recipients(const struct parsed_msg *pm, struct strlist *rcpts)
{
	size_t i;

	for (i = 0; i < pm->nto; i++)
		if (pm->to[i].addr && strlist_find(rcpts, pm->to[i].addr, 1) < 0)
			strlist_push(rcpts, pm->to[i].addr);
	for (i = 0; i < pm->ncc; i++)
		if (pm->cc[i].addr && strlist_find(rcpts, pm->cc[i].addr, 1) < 0)
			strlist_push(rcpts, pm->cc[i].addr);
}

static int
has_sheet(const struct parsed_msg *pm)
{
	size_t i;

	for (i = 0; i < pm->natt; i++)
		if ((pm->att[i].filename && ends_with(pm->att[i].filename,
		    ".xlsx")) || (pm->att[i].content_type &&
		    strstr(pm->att[i].content_type, "spreadsheet")))
			return 1;
	return 0;
}

/* Files the sent message in the account's Sent folder. */
static int
file_in_sent(const struct conf_account *a, const struct buf *raw,
    struct err *e)
{
	struct imap *im;
	char *sent = NULL;
	int rc = -1;

	im = imap_connect(a, e);
	if (!im)
		return -1;
	if (imap_resolve_folders(im, NULL, &sent, e))
		goto out;
	if (!sent) {
		err_set(e, ERR_CONFIG, "account '%s' has no Sent folder (set "
		    "'sent = NAME' in [account %s])", a->name, a->name);
		goto out;
	}
	if (imap_append(im, sent, raw->data, raw->len, IMAP_FLAG_SEEN, 0,
	    NULL, e))
		goto out;
	log_info("filed in '%s' of account '%s'", sent, a->name);
	rc = 0;
out:
	free(sent);
	imap_close(im);
	return rc;
}

int
cmd_send(int argc, char **argv, const struct cmd_global *g)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "no-sent", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pipeline p;
	struct strlist errors = STRLIST_INIT, rcpts = STRLIST_INIT;
	struct inquiry_row row;
	struct parsed_msg pm;
	struct buf raw = BUF_INIT(64u << 20);
	struct err e = ERR_INIT;
	struct xfer_smtp smtp;
	struct store_msg sm;
	const struct conf_account *a;
	char *password = NULL;
	int c, code, force = 0, no_sent = 0, found, rc = EXIT_FAIL;
	int parsed = 0, have_row = 0;
	int64_t now = (int64_t)time(NULL);
	long id;
	size_t k;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = 1; break;
		case 'n': no_sent = 1; break;
		case 'h': return cmd_usage(send_usage, 0);
		default: return cmd_usage(send_usage, 1);
		}
	}
	if (optind != argc - 1 || str_to_long(argv[optind][0] == '#' ?
	    argv[optind] + 1 : argv[optind], 1, LONG_MAX, &id))
		return cmd_usage(send_usage, 1);
	if (pipeline_load(&p, g->conf_path, PL_STORE, 1, &errors, &code)) {
		for (k = 0; k < errors.n; k++)
			fprintf(stderr, "inquiryd: %s\n", errors.v[k]);
		strlist_release(&errors);
		return code;
	}
	memset(&pm, 0, sizeof(pm));
	if (!p.conf.smtp_url) {
		log_errx("no [smtp] url in '%s': set url = smtps://host:465 "
		    "(or smtp://host:587 with STARTTLS)", p.conf_path ?
		    p.conf_path : "(defaults)");
		rc = EXIT_USAGE;
		goto out;
	}
	found = store_get(p.st, id, &row, &e);
	if (found <= 0) {
		if (found < 0)
			log_errx("%s", e.msg);
		else
			fprintf(stderr, "inquiryd: no inquiry #%ld\n", id);
		rc = found < 0 ? EXIT_FAIL : EXIT_USAGE;
		goto out;
	}
	have_row = 1;
	if (!row.draft_path) {
		log_errx("inquiry #%ld has no draft (inquiryd draft %ld makes "
		    "one)", id, id);
		rc = EXIT_USAGE;
		goto out;
	}
	if (buf_read_file(&raw, row.draft_path)) {
		log_err("cannot read the draft '%s'", row.draft_path);
		goto out;
	}
	if (parse_message(raw.data, raw.len, NULL, &pm, &e)) {
		log_errx("draft '%s': %s", row.draft_path, e.msg);
		parsed = 1;
		goto out;
	}
	parsed = 1;
	recipients(&pm, &rcpts);
	if (!rcpts.n || !pm.envelope_from.addr) {
		log_errx("draft '%s' has no %s", row.draft_path, rcpts.n ?
		    "From address" : "recipient (To or Cc)");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!force && pm.message_id && store_find_duplicate(p.st,
	    pm.message_id, NULL, NULL, 0, 1, NULL, &e) > 0) {
		log_errx("inquiry #%ld: draft <%s> was sent already (use "
		    "--force to send it again)", id, pm.message_id);
		rc = EXIT_USAGE;
		goto out;
	}
	password = conf_secret(p.conf.smtp_password, p.conf.smtp_password_file,
	    p.conf.smtp_password_command, "[smtp]", &e);
	if (!password && (p.conf.smtp_password || p.conf.smtp_password_file ||
	    p.conf.smtp_password_command)) {
		log_errx("%s", e.msg);
		rc = e.kind == ERR_CONFIG ? EXIT_USAGE : EXIT_FAIL;
		goto out;
	}
	err_clear(&e);
	memset(&smtp, 0, sizeof(smtp));
	smtp.url = p.conf.smtp_url;
	smtp.user = p.conf.smtp_user;
	smtp.password = password;
	smtp.ca_file = p.conf.smtp_ca_file;
	smtp.tls_verify = p.conf.smtp_tls_verify;
	if (xfer_smtp_send(&smtp, pm.envelope_from.addr, &rcpts, raw.data,
	    raw.len, &e)) {
		log_errx("inquiry #%ld not sent: %s%s", id, e.msg,
		    e.kind == ERR_TEMP ? " (try again later)" : "");
		goto out;
	}
	printf("#%ld sent to %s\n", id, rcpts.v[0]);

	/* The sent message is history: replied, or quoted with the sheet. */
	memset(&sm, 0, sizeof(sm));
	sm.o.account = row.account;
	sm.o.source = row.draft_path;
	sm.o.outgoing = 1;
	sm.message_id = pm.message_id;
	sm.body_hash = pm.body_hash;
	sm.from_addr = pm.envelope_from.addr;
	sm.to_addr = rcpts.v[0];
	sm.subject = pm.subject;
	sm.date = pm.date;
	sm.received_at = now;
	sm.size = raw.len;
	sm.in_reply_to = pm.in_reply_to;
	sm.status = "sent";
	if (store_begin(p.st, &e) || store_put_message(p.st, &sm, NULL, &e) ||
	    store_advance_status(p.st, id, ST_REPLIED, "send", pm.subject,
	    now, &e) || (has_sheet(&pm) && store_advance_status(p.st, id,
	    ST_QUOTED, "send", pm.subject, now, &e)) ||
	    store_commit(p.st, &e)) {
		store_rollback(p.st);
		log_errx("inquiry #%ld was sent but not recorded: %s", id,
		    e.msg);
		goto out;
	}
	rc = EXIT_OK;
	if (no_sent)
		goto out;
	a = row.account ? conf_account(&p.conf, row.account) : NULL;
	if (!a && p.conf.naccounts)
		a = &p.conf.accounts[0];
	if (!a) {
		log_warnx("no [account] to file the sent copy in");
		goto out;
	}
	err_clear(&e);
	if (file_in_sent(a, &raw, &e)) {
		log_errx("inquiry #%ld was sent, but filing it in Sent failed: "
		    "%s", id, e.msg);
		rc = EXIT_FAIL;
	} else {
		printf("#%ld filed in the Sent folder of account '%s'\n", id,
		    a->name);
	}
out:
	if (password) {
		memset(password, 0, strlen(password));
		free(password);
	}
	strlist_release(&rcpts);
	if (parsed)
		parsed_msg_release(&pm);
	if (have_row)
		inquiry_row_release(&row);
	buf_release(&raw);
	pipeline_release(&p);
	return rc;
}
