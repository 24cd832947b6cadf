/*
 * digest.c - the daily digest: unanswered inquiries per rep, the week's
 * funnel for the manager, composed by mime_compose and sent by
 * xfer_smtp_send.
 */
#include <stdio.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "digest.h"
#include "err.h"
#include "log.h"
#include "mime.h"
#include "report.h"
#include "xfer.h"

#define DIGEST_DAY_KEY	"digest_day"

/* "Name <addr>" or "addr": a malloc'd copy of the address part, or NULL
 * when there is none. */
static char *
rep_addr(const char *rep)
{
	const char *lt, *gt;

	if (!rep)
		return NULL;
	lt = strchr(rep, '<');
	if (lt && (gt = strchr(lt, '>')) != NULL && gt > lt + 1)
		return str_trim(xstrndup(lt + 1, (size_t)(gt - lt - 1)));
	return strchr(rep, '@') ? str_trim(xstrdup(rep)) : NULL;
}

/* The name part of "Name <addr>" (the address when there is none). */
static char *
rep_display(const char *rep)
{
	const char *lt = strchr(rep, '<');
	char *n;

	if (!lt || lt == rep) {
		n = rep_addr(rep);
		return n ? n : xstrdup(rep);
	}
	n = str_trim(xstrndup(rep, (size_t)(lt - rep)));
	if (!*n) {
		free(n);
		return rep_addr(rep);
	}
	return n;
}

/* The rep string of an account, as pipeline.c stores it. */
static char *
account_rep(const struct conf_account *a)
{
	if (a->rep_name && *a->rep_name)
		return xasprintf("%s <%s>", a->rep_name, a->rep_email);
	return xstrdup_or_null(a->rep_email);
}

/* Does the --rep argument name this rep (name, address or account)? */
static int
rep_matches(const struct conf *c, const char *rep, const char *want)
{
	char *name = rep_display(rep), *addr = rep_addr(rep);
	size_t i;
	int yes = !strcasecmp(rep, want) || (name && !strcasecmp(name, want)) ||
	    (addr && !strcasecmp(addr, want));

	for (i = 0; !yes && i < c->naccounts; i++) {
		char *ar = account_rep(&c->accounts[i]);

		yes = ar && !strcmp(ar, rep) &&
		    !strcmp(c->accounts[i].name, want);
		free(ar);
	}
	free(name);
	free(addr);
	return yes;
}

/* Copies s for one line of a text body: controls become spaces. */
static void
add_clean(struct buf *b, const char *s, size_t cols, int pad)
{
	char tmp[512], *p;

	utf8_fit(s ? s : "", cols, pad, tmp, sizeof(tmp));
	for (p = tmp; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	buf_addstr(b, tmp);
}

static void
add_unanswered_line(struct buf *b, const struct unanswered *u, int64_t now)
{
	char when[21];

	fmt_time_utc(u->received_at, when);
	when[16] = '\0';
	when[10] = ' ';
	buf_addf(b, "  #%-6lld %s UTC %5.0fh  %-8s ", (long long)u->id, when,
	    (double)(now - u->received_at) / 3600.0, u->cls ? u->cls : "");
	add_clean(b, u->sender, 36, 0);
	buf_addstr(b, "\n           ");
	add_clean(b, u->subject, 64, 0);
	buf_addch(b, '\n');
}

/* Adds one composed mail to d. */
static int
digest_add(struct digest *d, const struct conf *c, const char *rep,
    const char *to_name, const char *to_addr, const char *subject,
    const char *text, int64_t now, struct err *e)
{
	static unsigned seq;
	struct mime_out mo;
	struct buf out = BUF_INIT(BUF_CAP_TEXT);
	struct digest_mail *m;
	char *from_name = NULL, *msgid;
	int rc;

	memset(&mo, 0, sizeof(mo));
	from_name = c->digest_from ? rep_display(c->digest_from) : NULL;
	mo.from_name = from_name && strcmp(from_name, d->from) ? from_name :
	    "inquiryd";
	mo.from_addr = d->from;
	mo.to_name = to_name;
	mo.to_addr = to_addr;
	mo.subject = subject;
	msgid = xasprintf("digest-%lld.%u.%ld@%s", (long long)now, ++seq,
	    (long)getpid(), strchr(d->from, '@') ? strchr(d->from, '@') + 1 :
	    "inquiryd.invalid");
	mo.message_id = msgid;
	mo.date = now;
	mo.text = text;
	rc = mime_compose(&mo, &out, e);
	free(msgid);
	free(from_name);
	if (rc) {
		buf_release(&out);
		return -1;
	}
	GROW(d->m, d->n + 1, d->alloc);
	m = &d->m[d->n++];
	m->to = xstrdup(to_addr);
	m->rep = xstrdup(rep);
	m->msg = buf_detach(&out, &m->len);
	return 0;
}

/* The sender: [digest] from, else [company] email, else inquiryd@domain. */
static char *
digest_sender(const struct conf *c)
{
	char *a = c->digest_from ? rep_addr(c->digest_from) : NULL;

	if (!a && c->company_email)
		a = rep_addr(c->company_email);
	if (!a)
		a = xasprintf("inquiryd@%s", c->company_domain ?
		    c->company_domain : "localhost");
	return a;
}

/* The manager's mail: the week's funnel by rep, then who has what
 * waiting. */
static int
manager_mail(struct digest *d, struct store *st, const struct conf *c,
    struct unanswered *u, size_t n, const struct strlist *reps,
    int64_t now, struct err *e)
{
	struct report r;
	struct buf b = BUF_INIT(BUF_CAP_TEXT);
	char *text = NULL, *subject = NULL, *to = NULL, *name = NULL;
	char day[21], first[21];
	size_t len, i, k;
	FILE *fp;
	int rc = -1;

	if (report_build(st, now - 7 * 86400, now, "rep", &r, e))
		goto out;
	fp = open_memstream(&text, &len);
	if (!fp)
		fatal(1, "out of memory");
	report_print(fp, &r);
	fclose(fp);
	fmt_time_utc(now, day);
	day[10] = '\0';
	fmt_time_utc(now - 7 * 86400, first);
	first[10] = '\0';
	buf_addf(&b, "The inquiry funnel of the last seven days (inquiries "
	    "received from\n%s to %s), by rep:\n\n", first, day);
	buf_addstr(&b, text);
	buf_addf(&b, "\n%zu inquir%s still wait%s for a first reply", n,
	    n == 1 ? "y" : "ies", n == 1 ? "s" : "");
	buf_addstr(&b, n ? ":\n\n" : ".\n");
	for (k = 0; k < reps->n; k++) {
		size_t cnt = 0;
		int64_t oldest = 0;

		for (i = 0; i < n; i++)
			if (u[i].rep && !strcmp(u[i].rep, reps->v[k])) {
				if (!cnt++)
					oldest = u[i].received_at;
			}
		if (!cnt)
			continue;
		buf_addstr(&b, "  ");
		add_clean(&b, reps->v[k], 44, 1);
		buf_addf(&b, "  %4zu, the oldest %.0fh\n", cnt,
		    (double)(now - oldest) / 3600.0);
	}
	for (i = 0, k = 0; i < n; i++)
		k += !u[i].rep;
	if (k)
		buf_addf(&b, "  %-44s  %4zu\n", "(no rep)", k);
	buf_addstr(&b, "\n-- \ninquiryd report --since 7d --by rep has the "
	    "same figures;\ninquiryd report --unanswered lists every "
	    "inquiry waiting.\n");
	subject = xasprintf("Inquiry digest %s: %ld received, %ld replied, "
	    "%ld quoted, %zu waiting", day, r.total.step[STEP_RECEIVED],
	    r.total.step[STEP_REPLIED], r.total.step[STEP_QUOTED], n);
	to = rep_addr(c->digest_manager);
	name = rep_display(c->digest_manager);
	if (!to) {
		err_set(e, ERR_CONFIG, "[digest] manager '%s' has no address",
		    c->digest_manager);
		report_release(&r);
		goto out;
	}
	rc = digest_add(d, c, "manager", name && strcmp(name, to) ? name :
	    NULL, to, subject, b.data, now, e);
	report_release(&r);
out:
	free(text);
	free(subject);
	free(to);
	free(name);
	buf_release(&b);
	return rc;
}

int
digest_build(struct store *st, const struct conf *c, int64_t now,
    const char *only_rep, struct digest *d, struct err *e)
{
	struct unanswered *u = NULL;
	struct strlist reps = STRLIST_INIT;
	size_t n = 0, i, k;
	char day[21];
	int rc = -1;

	memset(d, 0, sizeof(*d));
	d->from = digest_sender(c);
	if (report_unanswered(st, 0, &u, &n, e))
		goto out;
	/* The reps: those of the accounts, then any other in the store. */
	for (i = 0; i < c->naccounts; i++) {
		char *ar = account_rep(&c->accounts[i]);

		if (ar && strlist_find(&reps, ar, 0) < 0)
			strlist_push(&reps, ar);
		free(ar);
	}
	for (i = 0; i < n; i++)
		if (u[i].rep && strlist_find(&reps, u[i].rep, 0) < 0)
			strlist_push(&reps, u[i].rep);
	fmt_time_utc(now, day);
	day[10] = '\0';
	for (k = 0; k < reps.n; k++) {
		struct buf b = BUF_INIT(BUF_CAP_TEXT);
		char *to, *name, *subject;
		size_t cnt = 0;

		if (only_rep && !rep_matches(c, reps.v[k], only_rep))
			continue;
		for (i = 0; i < n; i++)
			cnt += u[i].rep && !strcmp(u[i].rep, reps.v[k]);
		to = rep_addr(reps.v[k]);
		if (!cnt || !to) {
			if (cnt)
				log_warnx("digest: rep '%s' has no address",
				    log_esc(reps.v[k]));
			free(to);
			continue;
		}
		name = rep_display(reps.v[k]);
		buf_addf(&b, "Hello %s,\n\n%zu inquir%s wait%s for your reply, "
		    "the oldest first:\n\n", name, cnt, cnt == 1 ? "y" : "ies",
		    cnt == 1 ? "s" : "");
		buf_addf(&b, "  %-7s %-20s %6s  %-8s %s\n", "ID", "RECEIVED",
		    "AGE", "CLASS", "FROM / SUBJECT");
		for (i = 0; i < n; i++)
			if (u[i].rep && !strcmp(u[i].rep, reps.v[k]))
				add_unanswered_line(&b, &u[i], now);
		buf_addstr(&b, "\nThe drafted replies are in your Drafts "
		    "folder; \"inquiryd show ID\" has the\ndetails.\n");
		subject = xasprintf("Inquiry digest %s: %zu waiting for your "
		    "reply", day, cnt);
		rc = digest_add(d, c, reps.v[k], strcmp(name, to) ? name : NULL,
		    to, subject, b.data, now, e);
		free(subject);
		free(name);
		free(to);
		buf_release(&b);
		if (rc)
			goto out;
		rc = -1;
	}
	if (!only_rep && c->digest_manager && manager_mail(d, st, c, u, n,
	    &reps, now, e))
		goto out;
	rc = 0;
out:
	strlist_release(&reps);
	unanswered_free(u, n);
	return rc;
}

void
digest_release(struct digest *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->m[i].to);
		free(d->m[i].rep);
		free(d->m[i].msg);
	}
	free(d->m);
	free(d->from);
	memset(d, 0, sizeof(*d));
}

int
digest_send(const struct conf *c, const struct digest *d, struct err *e)
{
	struct xfer_smtp smtp;
	struct strlist rcpt = STRLIST_INIT;
	struct err se = ERR_INIT;
	char *password = NULL;
	size_t i;
	int rc = 0;

	if (!c->smtp_url)
		return err_set(e, ERR_CONFIG, "no [smtp] url to send the "
		    "digest through (url = smtps://host:465)");
	password = conf_secret(c->smtp_password, c->smtp_password_file,
	    c->smtp_password_command, "[smtp]", e);
	if (!password && (c->smtp_password || c->smtp_password_file ||
	    c->smtp_password_command))
		return -1;
	err_clear(e);
	memset(&smtp, 0, sizeof(smtp));
	smtp.url = c->smtp_url;
	smtp.user = c->smtp_user;
	smtp.password = password;
	smtp.ca_file = c->smtp_ca_file;
	smtp.tls_verify = c->smtp_tls_verify;
	for (i = 0; i < d->n; i++) {
		strlist_release(&rcpt);
		strlist_push(&rcpt, d->m[i].to);
		err_clear(&se);
		if (xfer_smtp_send(&smtp, d->from, &rcpt, d->m[i].msg,
		    d->m[i].len, &se)) {
			log_warnx("digest to '%s' not sent: %s", d->m[i].to,
			    se.msg);
			if (!rc)
				err_set(e, se.kind, "digest to '%s': %s",
				    d->m[i].to, se.msg);
			rc = -1;
			continue;
		}
		log_info("digest sent to '%s'", d->m[i].to);
	}
	strlist_release(&rcpt);
	if (password) {
		memset(password, 0, strlen(password));
		free(password);
	}
	return rc;
}

/*
 * now's day ("2026-11-26") and hour in time zone tz (a tz database name,
 * checked by the config), or the server's when tz is NULL.  The C library
 * converts in one zone, the process's: TZ is set for the call and put
 * back.  Only the daemon's main loop and the digest command get here.
 */
static void
local_day(const char *tz, int64_t now, char out[16], int *hour)
{
	time_t t = (time_t)now;
	struct tm tm;
	char *saved = NULL;
	const char *was;

	if (tz) {
		was = getenv("TZ");
		saved = was ? xstrdup(was) : NULL;
		setenv("TZ", tz, 1);
		tzset();
	}
	localtime_r(&t, &tm);
	if (tz) {
		if (saved)
			setenv("TZ", saved, 1);
		else
			unsetenv("TZ");
		tzset();
		free(saved);
	}
	strftime(out, 16, "%Y-%m-%d", &tm);
	if (hour)
		*hour = tm.tm_hour;
}

int
digest_record_day(struct store *st, const struct conf *c, int64_t now,
    struct err *e)
{
	char today[16];

	local_day(c->digest_tz, now, today, NULL);
	return store_state_set(st, DIGEST_DAY_KEY, today, now, e);
}

int
digest_daily(struct store *st, const struct conf *c, int64_t now,
    struct err *e)
{
	struct digest d;
	char today[16], *last = NULL;
	int rc, hour;

	if (!c->digest_enabled)
		return 0;
	local_day(c->digest_tz, now, today, &hour);
	if (hour < c->digest_hour)
		return 0;
	if (store_state_get(st, DIGEST_DAY_KEY, &last, e))
		return -1;
	rc = last && !strcmp(last, today);
	free(last);
	if (rc)
		return 0;
	if (digest_build(st, c, now, NULL, &d, e)) {
		digest_release(&d);
		return -1;
	}
	rc = digest_send(c, &d, e);
	digest_release(&d);
	if (rc)
		return -1;
	if (digest_record_day(st, c, now, e))
		return -1;
	return 1;
}
