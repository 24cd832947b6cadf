/*
 * conf.c - the INI configuration, parsed by inih, checked by a key table.
 *
 * inih calls our reader once per line and the handler for each key, so
 * the reader's line counter is the line of the key being handled; that is
 * how errors get their file:line without inih's optional line numbers.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ini.h>

#include "buf.h"
#include "conf.h"
#include "err.h"

#ifndef INQUIRYD_DATADIR
#define INQUIRYD_DATADIR "/usr/local/share/inquiryd"
#endif

enum ck_type { CK_STR, CK_PATH, CK_BOOL, CK_LONG, CK_SIZE, CK_SECONDS,
	CK_TZ };

struct conf_key {
	const char *section;	/* "general", ..., "account" for any account */
	const char *name;
	enum ck_type type;
	size_t off;		/* into struct conf, or struct conf_account */
	const char *def;	/* default, NULL for none */
	long min, max;		/* for CK_LONG and CK_SECONDS */
};

#define G(n, t, f, d) { "general", n, t, offsetof(struct conf, f), d, 0, 0 }
#define C(n, t, f, d) { "company", n, t, offsetof(struct conf, f), d, 0, 0 }
#define S(n, t, f, d) { "smtp", n, t, offsetof(struct conf, f), d, 0, 0 }
#define E(n, t, f, d, lo, hi) \
	{ "enrich", n, t, offsetof(struct conf, f), d, lo, hi }
#define D(n, t, f, d, lo, hi) \
	{ "digest", n, t, offsetof(struct conf, f), d, lo, hi }
#define A(n, t, f, d, lo, hi) \
	{ "account", n, t, offsetof(struct conf_account, f), d, lo, hi }

static const struct conf_key conf_keys[] = {
	G("database", CK_PATH, database, "/var/lib/inquiryd/inquiryd.db"),
	G("drafts_dir", CK_PATH, drafts_dir, "/var/lib/inquiryd/drafts"),
	G("quotes_dir", CK_PATH, quotes_dir, "/var/lib/inquiryd/quotes"),
	G("rules_dir", CK_PATH, rules_dir, NULL),
	G("templates_dir", CK_PATH, templates_dir, NULL),
	G("catalog", CK_PATH, catalog, "/etc/inquiryd/catalog.csv"),
	G("log_level", CK_STR, log_level, "info"),
	G("drafts", CK_BOOL, drafts, "yes"),

	C("name", CK_STR, company_name, "Our Company"),
	C("domain", CK_STR, company_domain, "example.com"),
	C("address", CK_STR, company_address, NULL),
	C("phone", CK_STR, company_phone, NULL),
	C("email", CK_STR, company_email, NULL),
	C("website", CK_STR, company_website, NULL),
	C("logo", CK_PATH, company_logo, NULL),
	C("currency", CK_STR, currency, "USD"),
	C("incoterm", CK_STR, incoterm, "FOB"),
	C("port", CK_STR, port, NULL),
	C("payment_terms", CK_STR, payment_terms,
	    "30% T/T deposit, balance before shipment"),
	{ "company", "quote_validity_days", CK_LONG,
	    offsetof(struct conf, quote_validity_days), "30", 1, 3650 },
	C("brands", CK_STR, brands, NULL),

	S("url", CK_STR, smtp_url, NULL),
	S("user", CK_STR, smtp_user, NULL),
	S("password", CK_STR, smtp_password, NULL),
	S("password_command", CK_STR, smtp_password_command, NULL),
	S("password_file", CK_PATH, smtp_password_file, NULL),
	S("ca_file", CK_PATH, smtp_ca_file, NULL),
	S("tls_verify", CK_BOOL, smtp_tls_verify, "yes"),

	E("enabled", CK_BOOL, enrich_enabled, "yes", 0, 0),
	E("dns_servers", CK_STR, dns_servers, NULL, 0, 0),
	E("allow_networks", CK_STR, allow_networks, NULL, 0, 0),
	E("timeout", CK_SECONDS, enrich_timeout, "5", 1, 300),
	E("cache_ttl", CK_SECONDS, enrich_cache_ttl, "7d", 0, 365L * 86400),
	E("max_page_size", CK_SIZE, enrich_max_page, "512K", 0, 0),
	E("max_redirects", CK_LONG, enrich_max_redirects, "3", 0, 10),
	E("freemail_file", CK_PATH, freemail_file, NULL, 0, 0),
	E("ca_file", CK_PATH, enrich_ca_file, NULL, 0, 0),
	E("https_port", CK_LONG, enrich_https_port, "443", 1, 65535),
	E("http_port", CK_LONG, enrich_http_port, "80", 1, 65535),

	D("enabled", CK_BOOL, digest_enabled, "no", 0, 0),
	D("hour", CK_LONG, digest_hour, "8", 0, 23),
	D("timezone", CK_TZ, digest_tz, NULL, 0, 0),
	D("manager", CK_STR, digest_manager, NULL, 0, 0),
	D("from", CK_STR, digest_from, NULL, 0, 0),

	A("url", CK_STR, url, NULL, 0, 0),
	A("user", CK_STR, user, NULL, 0, 0),
	A("password", CK_STR, password, NULL, 0, 0),
	A("password_command", CK_STR, password_command, NULL, 0, 0),
	A("password_file", CK_PATH, password_file, NULL, 0, 0),
	A("auth", CK_STR, auth, "auto", 0, 0),
	A("ca_file", CK_PATH, ca_file, NULL, 0, 0),
	A("tls_verify", CK_BOOL, tls_verify, "yes", 0, 0),
	A("inbox", CK_STR, inbox, "INBOX", 0, 0),
	A("drafts", CK_STR, drafts, NULL, 0, 0),
	A("sent", CK_STR, sent, NULL, 0, 0),
	A("rep", CK_STR, rep, NULL, 0, 0),
	A("poll_interval", CK_SECONDS, poll_interval, "300", 5, 86400),
	A("idle", CK_BOOL, idle, "yes", 0, 0),
	A("backfill_days", CK_LONG, backfill_days, "14", 0, 36500),
	A("max_message_size", CK_SIZE, max_message_size, "25M", 0, 0),
	A("fetch_batch", CK_LONG, fetch_batch, "100", 1, 10000),
	A("append_drafts", CK_BOOL, append_drafts, "yes", 0, 0),
	A("track_sent", CK_BOOL, track_sent, "yes", 0, 0),
	A("flag_processed", CK_STR, flag_processed, NULL, 0, 0),
	A("move_processed", CK_STR, move_processed, NULL, 0, 0),
	A("timeout", CK_SECONDS, timeout, "60", 5, 3600),
	/* starttls is handled by hand: it only makes sense with imap:// */
};

struct conf_parse {
	struct conf *c;
	const char *file;
	char *dir;		/* for relative paths */
	FILE *fp;
	int line;
	struct strlist *errors;
	struct conf_account *acct;	/* the account section in hand */
	char *section;		/* the section in hand, as written */
	struct strlist seen;	/* "section\nkey" already set */
	int starttls;		/* -1 unset, 0 no, 1 yes, for acct */
	int section_line;	/* line of the last [section] header read */
	int bad;
};

static void ATTR_PRINTF(2, 3)
conf_error(struct conf_parse *p, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	strlist_pushf(p->errors, "%s:%d: %s", p->file ? p->file : "(defaults)",
	    p->line, msg);
	free(msg);
	p->bad = 1;
}

static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_parse *p = stream;
	size_t n;
	int c;

	if (!fgets(str, num, p->fp))
		return NULL;
	p->line++;
	n = strspn(str, " \t");
	if (str[n] == '[')
		p->section_line = p->line;
	n = strlen(str);
	if (n == (size_t)num - 1 && str[n - 1] != '\n') {
		conf_error(p, "line longer than %d characters", num - 2);
		while ((c = fgetc(p->fp)) != EOF && c != '\n')
			;
		str[0] = '\0';
	}
	return str;
}

static char *
conf_resolve(const char *dir, const char *value)
{
	if (!*value)
		return NULL;
	if (value[0] == '/' || !dir)
		return xstrdup(value);
	return xasprintf("%s/%s", dir, value);
}

/* Sets one typed field from text; returns 0 or -1 with a message. */
/*
 * A name of the tz database that this machine has: "Asia/Shanghai" is
 * /usr/share/zoneinfo/Asia/Shanghai.  Letters, digits and "/_+-" only,
 * no "..": the name becomes a path.
 */
static int
tz_known(const char *name)
{
	struct stat st;
	char *path;
	const char *q;
	int ok;

	if (strlen(name) > 64 || name[0] == '/' || strstr(name, ".."))
		return 0;
	for (q = name; *q; q++)
		if (!isalnum((unsigned char)*q) && !strchr("/_+-", *q))
			return 0;
	path = xasprintf("/usr/share/zoneinfo/%s", name);
	ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return ok;
}

static int
conf_set(const struct conf_key *k, void *base, const char *dir,
    const char *value, char *why, size_t whylen)
{
	char *at = (char *)base + k->off;
	long l;
	size_t sz;
	int b;

	switch (k->type) {
	case CK_STR:
		free(*(char **)at);
		*(char **)at = *value ? xstrdup(value) : NULL;
		return 0;
	case CK_TZ:
		if (*value && !tz_known(value)) {
			snprintf(why, whylen, "not a time zone of the tz "
			    "database (e.g. Asia/Shanghai, Europe/Berlin, UTC)");
			return -1;
		}
		free(*(char **)at);
		*(char **)at = *value ? xstrdup(value) : NULL;
		return 0;
	case CK_PATH:
		free(*(char **)at);
		*(char **)at = conf_resolve(dir, value);
		return 0;
	case CK_BOOL:
		if ((b = str_to_bool(value)) < 0) {
			snprintf(why, whylen, "expected yes or no");
			return -1;
		}
		*(int *)at = b;
		return 0;
	case CK_LONG:
		if (str_to_long(value, k->min, k->max, &l)) {
			snprintf(why, whylen, "expected a number from %ld to %ld",
			    k->min, k->max);
			return -1;
		}
		*(long *)at = l;
		return 0;
	case CK_SECONDS:
		if (str_to_seconds(value, &l) || l < k->min || l > k->max) {
			snprintf(why, whylen,
			    "expected a duration from %lds to %lds (e.g. 30s, 5m, 2h)",
			    k->min, k->max);
			return -1;
		}
		*(long *)at = l;
		return 0;
	case CK_SIZE:
		if (str_to_size(value, &sz)) {
			snprintf(why, whylen, "expected a size such as 512K or 25M");
			return -1;
		}
		*(size_t *)at = sz;
		return 0;
	}
	return -1;
}

static void
conf_apply_defaults(const char *section, void *base)
{
	size_t i;
	char why[128];

	for (i = 0; i < ARRAY_SIZE(conf_keys); i++) {
		const struct conf_key *k = &conf_keys[i];

		if (strcmp(k->section, section) || !k->def)
			continue;
		conf_set(k, base, NULL, k->def, why, sizeof(why));
	}
}

static void
conf_free_fields(const char *section, void *base)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(conf_keys); i++) {
		const struct conf_key *k = &conf_keys[i];

		if (strcmp(k->section, section))
			continue;
		if (k->type == CK_STR || k->type == CK_PATH ||
		    k->type == CK_TZ)
			FREE_AND_NULL(*(char **)((char *)base + k->off));
	}
}

static void
conf_account_release(struct conf_account *a)
{
	conf_free_fields("account", a);
	free(a->name);
	free(a->host);
	free(a->rep_name);
	free(a->rep_email);
	memset(a, 0, sizeof(*a));
}

/* Splits "Name <addr>" or "addr" into its parts. */
static void
conf_split_rep(const char *rep, char **name, char **email)
{
	const char *lt = strchr(rep, '<'), *gt;

	if (lt && (gt = strchr(lt, '>')) != NULL) {
		*name = str_trim(xstrndup(rep, (size_t)(lt - rep)));
		*email = str_trim(xstrndup(lt + 1, (size_t)(gt - lt - 1)));
		if (**name == '"' && strlen(*name) >= 2 &&
		    (*name)[strlen(*name) - 1] == '"') {
			memmove(*name, *name + 1, strlen(*name) - 2);
			(*name)[strlen(*name) - 2] = '\0';
		}
	} else {
		*name = xstrdup("");
		*email = str_trim(xstrdup(rep));
	}
}

/* Checks the URL and finishes an account section; reports problems. */
static void
conf_finish_account(struct conf_parse *p, struct conf_account *a)
{
	const char *hp, *colon, *slash;
	long port;
	int saved = p->line;

	p->line = a->line;
	if (!a->user)
		conf_error(p, "account '%s' has no user", a->name);
	if (a->password && !p->c->private_file)
		conf_error(p, "account '%s': a password in '%s' needs the file "
		    "to be mode 0600; use password_file or password_command",
		    a->name, p->file);
	conf_split_rep(a->rep ? a->rep : a->user ? a->user : "",
	    &a->rep_name, &a->rep_email);
	if (a->auth && strcmp(a->auth, "auto") && strcmp(a->auth, "login") &&
	    strcmp(a->auth, "plain") && strcmp(a->auth, "xoauth2") &&
	    strcmp(a->auth, "oauthbearer"))
		conf_error(p, "account '%s': auth '%s' is not one of auto, "
		    "login, plain, xoauth2, oauthbearer", a->name, a->auth);
	if (!a->url) {
		conf_error(p, "account '%s' has no url (e.g. "
		    "url = imaps://imap.example.com:993)", a->name);
		goto out;
	}
	if (starts_with_icase(a->url, "imaps://")) {
		a->tls = CONF_TLS_IMPLICIT;
		a->port = 993;
		hp = a->url + 8;
		if (p->starttls == 0)
			conf_error(p, "account '%s': starttls = no makes no "
			    "sense with imaps://", a->name);
	} else if (starts_with_icase(a->url, "imap://")) {
		a->tls = p->starttls == 0 ? CONF_TLS_NONE : CONF_TLS_STARTTLS;
		a->port = 143;
		hp = a->url + 7;
	} else {
		conf_error(p, "account '%s': url '%s' must start with imaps:// "
		    "or imap://", a->name, a->url);
		goto out;
	}
	slash = strchr(hp, '/');
	if (!slash)
		slash = hp + strlen(hp);
	if (*hp == '[') {
		const char *rb = memchr(hp, ']', (size_t)(slash - hp));

		if (!rb) {
			conf_error(p, "account '%s': bad IPv6 address in url",
			    a->name);
			goto out;
		}
		a->host = xstrndup(hp + 1, (size_t)(rb - hp - 1));
		colon = rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(hp, ':', (size_t)(slash - hp));
		a->host = xstrndup(hp, (size_t)((colon ? colon : slash) - hp));
	}
	if (colon) {
		char *ps = xstrndup(colon + 1, (size_t)(slash - colon - 1));

		if (str_to_long(ps, 1, 65535, &port))
			conf_error(p, "account '%s': bad port '%s' in url",
			    a->name, ps);
		else
			a->port = (int)port;
		free(ps);
	}
	if (!*a->host)
		conf_error(p, "account '%s': url has no host", a->name);
out:
	p->line = saved;
}

static int
conf_seen(struct conf_parse *p, const char *section, const char *key)
{
	char *k = xasprintf("%s\n%s", section, key);

	if (strlist_find(&p->seen, k, 0) >= 0) {
		free(k);
		return 1;
	}
	strlist_push_owned(&p->seen, k);
	return 0;
}

static int
conf_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct conf_parse *p = user;
	const char *kind = section;
	void *base = p->c;
	char why[160];
	size_t i;

	if (!p->section || strcmp(p->section, section)) {
		/* A new section starts. */
		if (p->acct)
			conf_finish_account(p, p->acct);
		p->acct = NULL;
		free(p->section);
		p->section = xstrdup(section);
		if (starts_with(section, "account ") ||
		    !strcmp(section, "account")) {
			const char *an = section + 7;
			size_t j;

			while (*an == ' ')
				an++;
			if (!*an) {
				conf_error(p, "[account] needs a name, e.g. "
				    "[account sales]");
			} else {
				for (j = 0; j < p->c->naccounts; j++)
					if (!strcmp(p->c->accounts[j].name, an))
						conf_error(p, "account '%s' is "
						    "defined twice", an);
			}
			p->c->accounts = xrealloc(p->c->accounts,
			    (p->c->naccounts + 1) * sizeof(*p->c->accounts));
			p->acct = &p->c->accounts[p->c->naccounts++];
			memset(p->acct, 0, sizeof(*p->acct));
			p->acct->name = xstrdup(an);
			p->acct->line = p->section_line;
			p->starttls = -1;
			conf_apply_defaults("account", p->acct);
		}
	}
	if (p->acct) {
		kind = "account";
		base = p->acct;
		if (!strcmp(name, "starttls")) {
			int b = str_to_bool(value);

			if (b < 0)
				conf_error(p, "starttls: expected yes or no");
			else
				p->starttls = b;
			return 1;
		}
	} else if (strcmp(section, "general") && strcmp(section, "company") &&
	    strcmp(section, "smtp") && strcmp(section, "enrich") &&
	    strcmp(section, "digest")) {
		conf_error(p, "unknown section [%s] (known: general, company, "
		    "account NAME, smtp, enrich, digest)", section);
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(conf_keys); i++) {
		const struct conf_key *k = &conf_keys[i];

		if (strcmp(k->section, kind) || strcmp(k->name, name))
			continue;
		if (conf_seen(p, section, name))
			conf_error(p, "'%s' is set twice in [%s]", name,
			    section);
		if (conf_set(k, base, p->dir, value, why, sizeof(why)))
			conf_error(p, "%s = '%s': %s", name, value, why);
		return 1;
	}
	conf_error(p, "unknown key '%s' in [%s]", name, section);
	return 1;
}

const char *
conf_pick_path(const char *path, int *explicit_path)
{
	const char *env;

	*explicit_path = 1;
	if (path)
		return path;
	env = getenv("INQUIRYD_CONF");
	if (env && *env)
		return env;
	*explicit_path = 0;
	return CONF_DEFAULT_PATH;
}

char *
conf_data_path(const char *what)
{
	char exe[PATH_MAX], *slash, *p;
	ssize_t n;
	struct stat st;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			p = xasprintf("%s/%s", exe, what);
			if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
				return p;
			free(p);
		}
	}
	return xasprintf("%s/%s", INQUIRYD_DATADIR, what);
}

void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	conf_apply_defaults("general", c);
	conf_apply_defaults("company", c);
	conf_apply_defaults("smtp", c);
	conf_apply_defaults("enrich", c);
	conf_apply_defaults("digest", c);
	c->rules_dir = conf_data_path("rules");
	c->templates_dir = conf_data_path("templates");
}

int
conf_load(struct conf *c, const char *path, struct strlist *errors)
{
	struct conf_parse p;
	struct stat st;
	size_t i;
	int rc;

	conf_defaults(c);
	if (!path)
		return 0;
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.file = path;
	p.errors = errors;
	p.starttls = -1;
	strlist_init(&p.seen);
	c->path = xstrdup(path);
	p.fp = fopen(path, "r");
	if (!p.fp) {
		strlist_pushf(errors, "%s: cannot open: %s", path,
		    strerror(errno));
		conf_release(c);
		return -1;
	}
	if (fstat(fileno(p.fp), &st) == 0)
		c->private_file = (st.st_mode & 077) == 0;
	{
		const char *slash = strrchr(path, '/');

		p.dir = slash ? xstrndup(path, (size_t)(slash - path + 1) - 1)
		    : xstrdup(".");
		if (!*p.dir) {
			free(p.dir);
			p.dir = xstrdup("/");
		}
	}
	rc = ini_parse_stream(conf_reader, &p, conf_handler, &p);
	if (rc > 0 && !p.bad) {
		p.line = rc;
		conf_error(&p, "syntax error (expected [section], key = value "
		    "or a ; comment)");
	} else if (rc > 0) {
		/* inih's first bad line may be one the handler missed. */
		int saved = p.line;

		p.line = rc;
		for (i = 0; i < errors->n; i++) {
			char *tag = xasprintf("%s:%d:", path, rc);

			if (starts_with(errors->v[i], tag)) {
				free(tag);
				break;
			}
			free(tag);
		}
		if (i == errors->n)
			conf_error(&p, "syntax error (expected [section], "
			    "key = value or a ; comment)");
		p.line = saved;
	}
	if (p.acct)
		conf_finish_account(&p, p.acct);
	if (c->smtp_password && !c->private_file) {
		p.line = 0;
		conf_error(&p, "[smtp] password needs the file to be mode 0600; "
		    "use password_file or password_command");
	}
	fclose(p.fp);
	free(p.dir);
	free(p.section);
	strlist_release(&p.seen);
	if (!c->rules_dir)
		c->rules_dir = conf_data_path("rules");
	if (!c->templates_dir)
		c->templates_dir = conf_data_path("templates");
	if (p.bad) {
		conf_release(c);
		return -1;
	}
	return 0;
}

void
conf_release(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->naccounts; i++)
		conf_account_release(&c->accounts[i]);
	free(c->accounts);
	conf_free_fields("general", c);
	conf_free_fields("company", c);
	conf_free_fields("smtp", c);
	conf_free_fields("enrich", c);
	conf_free_fields("digest", c);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

struct conf_account *
conf_account(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->naccounts; i++)
		if (!strcmp(c->accounts[i].name, name))
			return &c->accounts[i];
	return NULL;
}

static char *
first_line(char *s)
{
	s[strcspn(s, "\r\n")] = '\0';
	return s;
}

char *
conf_secret(const char *value, const char *file, const char *command,
    const char *what, struct err *e)
{
	struct buf b = BUF_INIT(64 * 1024);
	struct stat st;
	FILE *fp;
	int status;

	if (value)
		return xstrdup(value);
	if (file) {
		if (stat(file, &st)) {
			err_set_errno(e, ERR_CONFIG, "%s: cannot read password "
			    "file '%s'", what, file);
			return NULL;
		}
		if (st.st_mode & 077) {
			err_set(e, ERR_CONFIG, "%s: password file '%s' is "
			    "readable by others (mode %04o); run chmod 600 '%s'",
			    what, file, (unsigned)(st.st_mode & 07777), file);
			return NULL;
		}
		if (buf_read_file(&b, file)) {
			err_set_errno(e, ERR_CONFIG, "%s: cannot read password "
			    "file '%s'", what, file);
			buf_release(&b);
			return NULL;
		}
		return first_line(buf_detach(&b, NULL));
	}
	if (command) {
		fflush(NULL);
		fp = popen(command, "r");
		if (!fp) {
			err_set_errno(e, ERR_TEMP, "%s: cannot run "
			    "password_command", what);
			return NULL;
		}
		buf_read_fd(&b, fileno(fp));
		status = pclose(fp);
		if (status == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			err_set(e, ERR_TEMP, "%s: password_command failed "
			    "(exit status %d)", what,
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			buf_release(&b);
			return NULL;
		}
		return first_line(buf_detach(&b, NULL));
	}
	err_set(e, ERR_CONFIG, "%s: no password, password_file or "
	    "password_command", what);
	return NULL;
}
