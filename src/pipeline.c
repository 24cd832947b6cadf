/*
 * pipeline.c - the stages in order, one message at a time, one
 * transaction per message.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "catalog.h"
#include "classify.h"
#include "draft.h"
#include "enrich.h"
#include "err.h"
#include "hash.h"
#include "log.h"
#include "parse.h"
#include "pipeline.h"
#include "quote.h"
#include "rules.h"
#include "sig.h"
#include "store.h"

/* --- loading ------------------------------------------------------------ */

/* Loads the swappable set (config, rules, templates, catalog) into p. */
static int
load_set(struct pipeline *p, const char *path, unsigned parts,
    struct strlist *errors)
{
	int bad = 0;

	if (conf_load(&p->conf, path, errors))
		return -1;
	if (parts & PL_RULES) {
		if (ruleset_load(&p->rs, p->conf.rules_dir, errors))
			bad = 1;
	}
	if (parts & PL_TEMPLATES) {
		if (templates_load(&p->tpl, p->conf.templates_dir, errors))
			bad = 1;
	}
	if (parts & PL_CATALOG) {
		if (catalog_load(&p->cat, p->conf.catalog, errors))
			bad = 1;
	}
	return bad ? -1 : 0;
}

static void
release_set(struct pipeline *p)
{
	ruleset_free(p->rs);
	p->rs = NULL;
	templates_free(p->tpl);
	p->tpl = NULL;
	catalog_release(&p->cat);
	conf_release(&p->conf);
}

static int
ensure_dir(const char *dir, struct strlist *errors)
{
	char *d, *q;

	if (!dir)
		return 0;
	d = xstrdup(dir);
	for (q = d + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		mkdir(d, 0750);
		*q = '/';
	}
	if (mkdir(d, 0750) && errno != EEXIST) {
		strlist_pushf(errors, "cannot create directory '%s': %s", d,
		    strerror(errno));
		free(d);
		return -1;
	}
	free(d);
	return 0;
}

int
pipeline_load(struct pipeline *p, const char *conf_path, unsigned parts,
    int offline, struct strlist *errors, int *exit_code)
{
	const char *path;
	int explicit_path;
	struct err e = ERR_INIT;

	memset(p, 0, sizeof(*p));
	if (exit_code)
		*exit_code = 2;
	path = conf_pick_path(conf_path, &explicit_path);
	if (!explicit_path && access(path, F_OK) != 0)
		path = NULL;	/* no config anywhere: built-in defaults */
	p->conf_path = xstrdup_or_null(path);
	p->parts = parts;
	p->offline = offline;
	if ((parts & PL_ENRICH) && !(parts & PL_CATALOG))
		parts |= PL_CATALOG;
	if ((parts & PL_ENRICH) && !(parts & PL_RULES))
		parts |= PL_RULES;
	p->parts = parts;
	if (load_set(p, path, parts, errors)) {
		release_set(p);
		FREE_AND_NULL(p->conf_path);
		return -1;
	}
	p->no_drafts = !p->conf.drafts;
	if (parts & PL_STORE) {
		if (store_open(&p->st, p->conf.database, 0, &e)) {
			strlist_push(errors, e.msg);
			if (exit_code)
				*exit_code = 1;
			pipeline_release(p);
			return -1;
		}
		if (ensure_dir(p->conf.drafts_dir, errors) ||
		    ensure_dir(p->conf.quotes_dir, errors)) {
			if (exit_code)
				*exit_code = 1;
			pipeline_release(p);
			return -1;
		}
		/* Temporaries of a quote write that a kill interrupted. */
		quote_sweep(p->conf.quotes_dir, (int64_t)time(NULL), 3600);
	}
	if (parts & PL_ENRICH) {
		p->en = enrich_new(&p->conf, p->rs, &p->cat, offline);
		if (p->st) {
			struct enrich_cache cache;

			store_enrich_cache(p->st, &cache);
			enrich_set_cache(p->en, &cache);
		}
	}
	if (exit_code)
		*exit_code = 0;
	return 0;
}

int
pipeline_reload(struct pipeline *p, struct strlist *errors)
{
	struct pipeline fresh;
	unsigned parts = p->parts & (PL_RULES | PL_TEMPLATES | PL_CATALOG);

	memset(&fresh, 0, sizeof(fresh));
	if (load_set(&fresh, p->conf_path, parts, errors)) {
		release_set(&fresh);
		return -1;
	}
	if (p->conf.database && fresh.conf.database &&
	    strcmp(p->conf.database, fresh.conf.database))
		log_warnx("reload: a new database path takes effect at the next "
		    "start; still using '%s'", p->conf.database);
	if (p->en) {
		struct enrich_cache cache;

		enrich_free(p->en);
		p->en = NULL;
		release_set(p);
		p->conf = fresh.conf;
		p->rs = fresh.rs;
		p->tpl = fresh.tpl;
		p->cat = fresh.cat;
		p->en = enrich_new(&p->conf, p->rs, &p->cat, p->offline);
		if (p->st) {
			store_enrich_cache(p->st, &cache);
			enrich_set_cache(p->en, &cache);
		}
	} else {
		release_set(p);
		p->conf = fresh.conf;
		p->rs = fresh.rs;
		p->tpl = fresh.tpl;
		p->cat = fresh.cat;
	}
	p->no_drafts = !p->conf.drafts;
	return 0;
}

void
pipeline_release(struct pipeline *p)
{
	enrich_free(p->en);
	p->en = NULL;
	store_close(p->st);
	p->st = NULL;
	release_set(p);
	free(p->conf_path);
	memset(p, 0, sizeof(*p));
}

/* --- results ------------------------------------------------------------ */

void
pipeline_result_release(struct pipeline_result *r)
{
	free(r->reason);
	free(r->draft_path);
	free(r->draft_message_id);
	free(r->quote_path);
	free(r->sender);
	free(r->subject);
	free(r->account);
	memset(r, 0, sizeof(*r));
}

const char *
pipeline_outcome_name(enum pipeline_outcome o)
{
	switch (o) {
	case OUT_INQUIRY: return "inquiry";
	case OUT_RECORDED: return "recorded";
	case OUT_FOLLOWUP: return "follow-up";
	case OUT_DUPLICATE: return "duplicate";
	case OUT_IGNORED: return "ignored";
	case OUT_FAILED: return "failed";
	}
	return "?";
}

/* --- JSON ---------------------------------------------------------------- */

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
jlist(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

static json_t *
verdict_obj(const struct parsed_msg *pm, const struct sig_result *s,
    const struct verdict *v, const struct enrich_info *ei)
{
	json_t *o = json_object(), *score, *rules, *fired, *reqs, *sender,
	    *sig, *phones;
	const char *domain = NULL;
	size_t i;
	int c;

	json_object_set_new(o, "class", json_string(class_name(v->cls)));
	score = json_object();
	for (c = 0; c < CLASS_COUNT; c++)
		json_object_set_new(score, class_name((enum iq_class)c),
		    json_real(v->score[c]));
	json_object_set_new(o, "score", score);
	rules = json_array();
	fired = json_array();
	for (i = 0; i < v->hits.n; i++) {
		const struct rule_hit *h = &v->hits.v[i];
		json_t *f = json_object(), *w = json_object();

		json_array_append_new(rules, json_string(h->rule->id));
		json_object_set_new(f, "id", json_string(h->rule->id));
		json_object_set_new(f, "file", jstr(h->rule->file));
		json_object_set_new(f, "line", json_integer(h->rule->line));
		json_object_set_new(f, "match", jstr(h->match));
		for (c = 0; c < CLASS_COUNT; c++)
			if (h->rule->weight[c] != 0)
				json_object_set_new(w,
				    class_name((enum iq_class)c),
				    json_real(h->rule->weight[c]));
		json_object_set_new(f, "weights", w);
		json_array_append_new(fired, f);
	}
	json_object_set_new(o, "rules", rules);
	json_object_set_new(o, "fired", fired);
	reqs = json_array();
	for (i = 0; i < v->nreq; i++) {
		json_t *r = json_object();

		json_object_set_new(r, "field", jstr(v->req[i].field));
		json_object_set_new(r, "value", jstr(v->req[i].value));
		if (v->req[i].rule)
			json_object_set_new(r, "rule",
			    json_string(v->req[i].rule->id));
		json_array_append_new(reqs, r);
	}
	json_object_set_new(o, "requirements", reqs);
	json_object_set_new(o, "questions", jlist(&v->questions));

	sender = json_object();
	json_object_set_new(sender, "name", jstr(pm->from.name));
	json_object_set_new(sender, "email", jstr(pm->from.addr));
	if (ei && ei->domain)
		domain = ei->domain;
	else if (pm->from.addr && strchr(pm->from.addr, '@'))
		domain = strchr(pm->from.addr, '@') + 1;
	json_object_set_new(sender, "domain", jstr(domain));
	json_object_set_new(sender, "free_mail",
	    !ei || ei->free_mail < 0 ? json_null() :
	    json_boolean(ei->free_mail));
	json_object_set_new(o, "sender", sender);

	sig = json_object();
	json_object_set_new(sig, "text", jstr(s ? s->signature : NULL));
	json_object_set_new(sig, "name", jstr(s ? s->f.name : NULL));
	json_object_set_new(sig, "title", jstr(s ? s->f.title : NULL));
	json_object_set_new(sig, "company", jstr(s ? s->f.company : NULL));
	phones = json_array();
	if (s) {
		const struct strlist *ls[] = { &s->f.phones, &s->f.mobiles };
		size_t k;

		for (k = 0; k < ARRAY_SIZE(ls); k++)
			for (i = 0; i < ls[k]->n; i++)
				json_array_append_new(phones,
				    json_string(ls[k]->v[i]));
	}
	json_object_set_new(sig, "phones", phones);
	json_object_set_new(sig, "mobiles", s ? jlist(&s->f.mobiles) :
	    json_array());
	json_object_set_new(sig, "faxes", s ? jlist(&s->f.faxes) :
	    json_array());
	json_object_set_new(sig, "emails", s ? jlist(&s->f.emails) :
	    json_array());
	json_object_set_new(sig, "whatsapp", jstr(s ? s->f.whatsapp : NULL));
	json_object_set_new(sig, "skype", jstr(s ? s->f.skype : NULL));
	json_object_set_new(sig, "wechat", jstr(s ? s->f.wechat : NULL));
	json_object_set_new(sig, "address", jstr(s ? s->f.address : NULL));
	json_object_set_new(sig, "website", jstr(s ? s->f.website : NULL));
	json_object_set_new(sig, "country", jstr(s ? s->f.country : NULL));
	json_object_set_new(sig, "salutation",
	    jstr(s ? s->f.salutation : NULL));
	/* beyond DESIGN.md's contract: what the rules of 70-signature find */
	for (i = 0; i < sig_nextra; i++)
		json_object_set_new(sig, sig_extra_name(i),
		    jstr(s ? sig_extra_value(&s->f, i) : NULL));
	json_object_set_new(o, "signature", sig);
	json_object_set_new(o, "visible_text",
	    jstr(s ? s->visible_text : pm->text));
	json_object_set_new(o, "language", json_string(v->lang));
	json_object_set_new(o, "subject", jstr(pm->subject));
	json_object_set_new(o, "message_id", jstr(pm->message_id));
	{
		json_t *fl = json_array();

		if (pm->flags & PM_AUTO_REPLY)
			json_array_append_new(fl, json_string("auto-reply"));
		if (pm->flags & PM_BOUNCE)
			json_array_append_new(fl, json_string("bounce"));
		if (pm->flags & PM_BULK)
			json_array_append_new(fl, json_string("bulk"));
		if (pm->flags & PM_FORWARDED)
			json_array_append_new(fl, json_string("forwarded"));
		if (pm->flags & PM_RELAYED)
			json_array_append_new(fl, json_string("relayed"));
		if (pm->flags & PM_CHARSET_GUESSED)
			json_array_append_new(fl,
			    json_string("charset-guessed"));
		if (pm->flags & PM_HTML_ONLY)
			json_array_append_new(fl, json_string("html-only"));
		if (pm->flags & PM_TRUNCATED)
			json_array_append_new(fl, json_string("truncated"));
		json_object_set_new(o, "flags", fl);
	}
	json_object_set_new(o, "charset", jstr(pm->charset_used));
	if (v->warnings.n)
		json_object_set_new(o, "warnings", jlist(&v->warnings));
	return o;
}

static json_t *
enrich_obj(const struct enrich_info *ei)
{
	json_t *o = json_object(), *a;
	size_t i;

	json_object_set_new(o, "domain", jstr(ei->domain));
	json_object_set_new(o, "registrable_domain", jstr(ei->reg_domain));
	json_object_set_new(o, "free_mail", ei->free_mail < 0 ? json_null() :
	    json_boolean(ei->free_mail));
	json_object_set_new(o, "disposable", json_boolean(ei->disposable > 0));
	json_object_set_new(o, "has_mx", ei->has_mx < 0 ? json_null() :
	    json_boolean(ei->has_mx));
	json_object_set_new(o, "website", jstr(ei->website));
	json_object_set_new(o, "site_title", jstr(ei->site_title));
	json_object_set_new(o, "site_description",
	    jstr(ei->site_description));
	json_object_set_new(o, "site_name", jstr(ei->site_name));
	json_object_set_new(o, "site_lang", jstr(ei->site_lang));
	json_object_set_new(o, "site_summary", jstr(ei->site_summary));
	json_object_set_new(o, "industry", jstr(ei->industry));
	json_object_set_new(o, "country", jstr(ei->country));
	a = json_array();
	for (i = 0; i < ei->ncountries; i++) {
		json_t *c = json_object();

		json_object_set_new(c, "country",
		    jstr(ei->countries[i].country));
		json_object_set_new(c, "source", jstr(ei->countries[i].source));
		json_object_set_new(c, "detail", jstr(ei->countries[i].detail));
		json_array_append_new(a, c);
	}
	json_object_set_new(o, "country_evidence", a);
	a = json_array();
	for (i = 0; i < ei->nsugg; i++) {
		json_t *c = json_object();

		json_object_set_new(c, "category", jstr(ei->sugg[i].category));
		json_object_set_new(c, "score", json_real(ei->sugg[i].score));
		json_object_set_new(c, "evidence", jstr(ei->sugg[i].evidence));
		json_array_append_new(a, c);
	}
	json_object_set_new(o, "suggestions", a);
	a = json_array();
	for (i = 0; i < ei->nflags; i++) {
		json_t *c = json_object();

		json_object_set_new(c, "code", jstr(ei->flags[i].code));
		json_object_set_new(c, "reason", jstr(ei->flags[i].reason));
		json_array_append_new(a, c);
	}
	json_object_set_new(o, "risk_flags", a);
	return o;
}

static char *
json_text(json_t *o, int pretty)
{
	char *t = json_dumps(o, (pretty ? JSON_INDENT(2) : JSON_COMPACT) |
	    JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
	char *r = xstrdup(t ? t : "{}");

	free(t);
	json_decref(o);
	return r;
}

char *
pipeline_verdict_json(const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    const struct enrich_info *ei, int pretty)
{
	json_t *o = verdict_obj(pm, s, v, ei);

	if (ei)
		json_object_set_new(o, "enrich", enrich_obj(ei));
	return json_text(o, pretty);
}

/* --- one message ---------------------------------------------------------- */

static struct conf_account *
pick_account(struct pipeline *p, const char *name)
{
	if (name)
		return conf_account(&p->conf, name);
	return p->conf.naccounts ? &p->conf.accounts[0] : NULL;
}

static char *
rep_string(const struct conf_account *a)
{
	if (!a)
		return NULL;
	if (a->rep_name && *a->rep_name)
		return xasprintf("%s <%s>", a->rep_name, a->rep_email);
	return xstrdup_or_null(a->rep_email);
}

/* The references of pm joined with spaces, NULL if none. */
static char *
join_refs(const struct parsed_msg *pm)
{
	struct buf b = BUF_INIT(BUF_CAP_LINE);
	size_t i;

	for (i = 0; i < pm->references.n; i++) {
		if (i)
			buf_addch(&b, ' ');
		buf_addstr(&b, pm->references.v[i]);
	}
	if (!b.len)
		return NULL;
	return buf_detach(&b, NULL);
}

/* Stores a message that is not (or not yet) an inquiry. */
static int
put_plain(struct pipeline *p, const struct source_msg *m,
    const struct parsed_msg *pm, const char *status, const char *reason,
    const char *fail_key, int keep_raw, int64_t *id, struct err *e)
{
	struct store_msg sm;
	char *refs = pm ? join_refs(pm) : NULL;
	int rc;

	memset(&sm, 0, sizeof(sm));
	sm.o = m->origin;
	if (pm) {
		sm.message_id = pm->message_id;
		sm.body_hash = pm->body_hash;
		sm.from_name = pm->from.name;
		sm.from_addr = pm->from.addr;
		sm.to_addr = pm->nto ? pm->to[0].addr : NULL;
		sm.subject = pm->subject;
		sm.date = pm->date;
		sm.in_reply_to = pm->in_reply_to;
		sm.references = refs;
		sm.flags = pm->flags;
	}
	if (fail_key)
		sm.body_hash = fail_key;
	sm.received_at = m->internal_date ? m->internal_date :
	    (pm && pm->date ? pm->date : (int64_t)time(NULL));
	sm.size = m->size;
	sm.status = status;
	sm.reason = reason;
	if (keep_raw && m->raw) {
		sm.raw = m->raw;
		sm.raw_len = m->len;
	}
	rc = store_put_message(p->st, &sm, id, e);
	free(refs);
	return rc;
}

/*
 * The key a quarantined message is known by (store_find_failed): a hash of
 * its bytes, or for one over the size cap, whose bytes were never loaded,
 * its account, size and arrival time.
 */
static char *
big_key(const struct source_msg *m)
{
	return xasprintf("big:%s:%zu:%lld", m->origin.account ?
	    m->origin.account : "", m->size, (long long)m->internal_date);
}

static char *
fail_key(const struct source_msg *m)
{
	char hex[65];

	if (m->raw) {
		hash_sha256_hex(m->raw, m->len, hex);
		return xasprintf("raw:%s", hex);
	}
	return big_key(m);
}

/* Quarantines a message: a failed message row and a failed inquiry row, so
 * that "list --status failed" shows it with its reason.  A message already
 * quarantined (seen again by a rescan or a retry) keeps its one row. */
static int
quarantine(struct pipeline *p, const struct source_msg *m,
    const struct parsed_msg *pm, const char *reason,
    struct pipeline_result *r, struct err *e)
{
	struct store_inquiry q;
	int64_t msg_id;
	char *key = fail_key(m);
	int rc = -1;

	msg_id = store_find_failed(p->st, key, &r->inquiry_id, e);
	if (msg_id < 0)
		goto out;
	if (msg_id > 0) {
		/* A retry that fails again says so; a rescan found it. */
		r->outcome = m->origin.source &&
		    !strcmp(m->origin.source, "retry") ? OUT_FAILED :
		    OUT_DUPLICATE;
		r->msg_id = msg_id;
		r->reason = xstrdup(reason);
		rc = 0;
		goto out;
	}
	if (put_plain(p, m, pm, "failed", reason, key, !m->too_big, &msg_id,
	    e))
		goto out;
	memset(&q, 0, sizeof(q));
	q.msg_id = msg_id;
	q.account = m->origin.account;
	q.cls = "";
	q.status = ST_FAILED;
	q.subject = pm ? pm->subject : NULL;
	q.sender_name = pm ? pm->from.name : NULL;
	q.sender_email = pm ? pm->from.addr : NULL;
	q.received_at = m->internal_date ? m->internal_date :
	    (int64_t)time(NULL);
	if (store_put_inquiry(p->st, &q, &r->inquiry_id, e))
		goto out;
	if (store_add_event(p->st, r->inquiry_id, "failed",
	    m->where ? m->where : m->origin.source, reason, q.received_at, e))
		goto out;
	r->outcome = OUT_FAILED;
	r->msg_id = msg_id;
	r->reason = xstrdup(reason);
	p->quarantined = 1;
	rc = 0;
out:
	free(key);
	return rc;
}

static uint64_t
usec_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

#define STAGE(p, st, stmt) do {					\
	uint64_t t0_ = usec_now();				\
	stmt;							\
	(p)->stage_us[st] += usec_now() - t0_;			\
} while (0)

/*
 * The reply and the quote for an inquiry: files written, records stored,
 * status "drafted".  A template or catalog problem leaves the inquiry
 * undrafted with a logged reason (the rep still sees it in list).
 */
static int
make_draft(struct pipeline *p, const struct conf_account *a,
    int64_t inquiry_id, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    const struct enrich_info *ei, struct pipeline_result *r, struct err *e)
{
	struct offer o;
	struct draft d;
	struct store_quote sq;
	struct store_draft sd;
	char *quote_path = NULL;
	int64_t now = (int64_t)time(NULL);
	long seq;
	int rc = -1, wrote_draft = 0;

	memset(&d, 0, sizeof(d));
	memset(&o, 0, sizeof(o));
	seq = store_next_quote_seq(p->st, now, e);
	if (seq < 0)
		return -1;
	STAGE(p, STAGE_QUOTE, {
		offer_build(&p->conf, &p->cat, pm, s, v, ei, seq, now, &o);
		rc = o.nitems ? quote_write(&p->conf, &o, p->conf.quotes_dir,
		    &quote_path, e) : 0;
	});
	if (rc)
		goto out;
	rc = -1;
	STAGE(p, STAGE_DRAFT, {
		rc = draft_render(&p->conf, a, p->tpl, pm, s, v, ei, &o,
		    quote_path, now, &d, e);
		if (!rc)
			rc = draft_write(&d, p->conf.drafts_dir, e);
		wrote_draft = !rc;
	});
	if (rc)
		goto out;
	rc = -1;
	if (quote_path) {
		memset(&sq, 0, sizeof(sq));
		sq.inquiry_id = inquiry_id;
		sq.number = o.number;
		sq.path = quote_path;
		sq.title = o.title;
		sq.currency = o.currency;
		{
			size_t i;

			for (i = 0; i < o.nitems; i++)
				sq.total += (double)o.items[i].qty *
				    o.items[i].unit_price;
		}
		if (store_put_quote(p->st, &sq, NULL, e))
			goto out;
	}
	memset(&sd, 0, sizeof(sd));
	sd.inquiry_id = inquiry_id;
	sd.message_id = d.message_id;
	sd.path = d.path;
	sd.subject = d.subject;
	sd.to_addr = d.to;
	sd.lang = d.lang;
	sd.notes = d.notes;
	sd.account = a ? a->name : NULL;
	if (store_put_draft(p->st, &sd, NULL, e) ||
	    store_set_status(p->st, inquiry_id, ST_DRAFTED, "inquiryd", now,
	    e))
		goto out;
	r->draft_path = xstrdup_or_null(d.path);
	r->draft_message_id = xstrdup_or_null(d.message_id);
	r->quote_path = xstrdup_or_null(quote_path);
	rc = 0;
out:
	if (rc) {
		/* Nothing on disk that the store does not know of: the
		 * inquiry stays undrafted and is drafted afresh later. */
		if (quote_path)
			unlink(quote_path);
		if (wrote_draft && d.path)
			unlink(d.path);
	}
	free(quote_path);
	draft_release(&d);
	offer_release(&o);
	return rc;
}

/* Removes the files of a draft whose store transaction did not commit. */
static void
forget_draft_files(const struct pipeline_result *r)
{
	if (r->quote_path)
		unlink(r->quote_path);
	if (r->draft_path)
		unlink(r->draft_path);
}

/*
 * Does a message we sent carry a quotation?  A spreadsheet, or a PDF or
 * document whose name says quote/offer/proforma in a few languages.
 */
static int
carries_quote(const struct parsed_msg *pm)
{
	static const char *const sheet_types[] = {
		"application/vnd.openxmlformats-officedocument.spreadsheetml",
		"application/vnd.ms-excel",
		"application/vnd.oasis.opendocument.spreadsheet",
	};
	static const char *const words[] = {
		"quot", "offer", "proforma", "pro-forma", "pi_", "pi-", "price",
		"cotiz", "presupuesto", "angebot", "devis", "orcamento",
		"\xe6\x8a\xa5\xe4\xbb\xb7",	/* 报价 */
		"\xd0\xba\xd0\xbf",		/* кп */
	};
	size_t i, j;

	for (i = 0; i < pm->natt; i++) {
		const struct attachment *a = &pm->att[i];
		char *name = a->filename ? str_lower(xstrdup(a->filename)) :
		    NULL;
		int yes = 0;

		for (j = 0; j < ARRAY_SIZE(sheet_types) && a->content_type; j++)
			yes |= starts_with(a->content_type, sheet_types[j]);
		if (name && (ends_with(name, ".xlsx") ||
		    ends_with(name, ".xls") || ends_with(name, ".ods")))
			yes = 1;
		for (j = 0; j < ARRAY_SIZE(words) && name && !yes; j++)
			yes = strstr(name, words[j]) != NULL;
		free(name);
		if (yes)
			return 1;
	}
	return 0;
}

/*
 * A message from a Sent folder: a rep's reply moves its inquiry to
 * "replied", or "quoted" when a quote is attached.  The thread is found by
 * In-Reply-To/References, else by recipient and normalised subject.
 */
static int
process_outgoing(struct pipeline *p, const struct source_msg *m,
    struct parsed_msg *pm, struct pipeline_result *r, struct err *e)
{
	int64_t msg_id, thread, when = pm->date ? pm->date :
	    m->internal_date ? m->internal_date : (int64_t)time(NULL);
	char *refs = join_refs(pm);
	const char *to = pm->nto ? pm->to[0].addr : NULL;
	size_t i;

	thread = store_find_thread(p->st, pm->in_reply_to, refs, e);
	free(refs);
	for (i = 0; thread == 0 && i < pm->nto; i++)
		thread = store_find_by_subject(p->st, pm->to[i].addr,
		    pm->subject, e);
	if (thread < 0)
		return -1;
	if (put_plain(p, m, pm, "sent", NULL, NULL, 0, &msg_id, e))
		return -1;
	r->msg_id = msg_id;
	r->sender = xstrdup_or_null(to);
	r->subject = xstrdup_or_null(pm->subject);
	if (!thread) {
		r->outcome = OUT_IGNORED;
		r->reason = xstrdup("sent mail outside any inquiry");
		return 0;
	}
	if (store_link_message(p->st, msg_id, thread, e) ||
	    store_advance_status(p->st, thread, ST_REPLIED,
	    m->origin.account ? m->origin.account : "sent", pm->subject, when,
	    e))
		return -1;
	if (carries_quote(pm) && store_advance_status(p->st, thread,
	    ST_QUOTED, m->origin.account ? m->origin.account : "sent",
	    pm->subject, when, e))
		return -1;
	r->outcome = OUT_FOLLOWUP;
	r->inquiry_id = thread;
	return 0;
}

/* classify's hook: the catalog's product a text names, if any. */
static const char *
product_lookup(void *arg, const char *text)
{
	const struct catalog *cat = arg;
	const struct product *p;

	if (!text || catalog_match(cat, text, &p, 1) < 1)
		return NULL;
	return p->name;
}

/* Runs the classifier with the catalog's products and logs what it
 * skipped on a limit. */
static void
classify_with_catalog(struct pipeline *p, const struct parsed_msg *pm,
    const struct sig_result *s, struct verdict *v)
{
	struct classify_opts opts = CLASSIFY_OPTS_INIT;
	size_t i;

	if (p->cat.n) {
		opts.product_lookup = product_lookup;
		opts.arg = &p->cat;
	}
	classify_message_opts(p->rs, pm, s, &opts, v);
	for (i = 0; i < v->warnings.n; i++)
		log_warnx("message <%s>: %s", log_esc(pm->message_id),
		    v->warnings.v[i]);
}

/* Stores the message as ignored for the reason why: kept, never answered. */
static int
ignore_message(struct pipeline *p, const struct source_msg *m,
    struct parsed_msg *pm, const char *why, struct pipeline_result *r,
    struct err *e)
{
	int64_t msg_id;

	if (put_plain(p, m, pm, "ignored", why, NULL, 0, &msg_id, e))
		return -1;
	r->outcome = OUT_IGNORED;
	r->msg_id = msg_id;
	r->reason = xstrdup(why);
	return 0;
}

/* Everything after parsing, inside the transaction. */
static int
process_parsed(struct pipeline *p, const struct source_msg *m,
    const struct process_opts *o, struct parsed_msg *pm,
    struct pipeline_result *r, struct err *e)
{
	struct conf_account *a = pick_account(p, o ? o->account :
	    m->origin.account);
	struct sig_result s;
	struct verdict v;
	struct enrich_info ei;
	struct store_inquiry q;
	char *vjson = NULL, *ejson = NULL, *rep = NULL, *rep_reason = NULL;
	char *prev_rep = NULL;
	int64_t msg_id, contact_id = 0, company_id = 0, thread, prev_inq;
	int64_t when = pm->date ? pm->date : m->internal_date ?
	    m->internal_date : (int64_t)time(NULL);
	int recorded, found, rc = -1;
	const char *status;

	memset(&s, 0, sizeof(s));
	memset(&v, 0, sizeof(v));
	memset(&ei, 0, sizeof(ei));
	r->sender = xstrdup_or_null(pm->from.addr);
	r->subject = xstrdup_or_null(pm->subject);
	r->account = a ? xstrdup(a->name) : NULL;

	/*
	 * A draft of ours (draft.c marks each with X-Inquiryd-Class) is no
	 * inquiry wherever it turns up: a folder imported with the drafts
	 * folder inside it, a rep's copy of a sent reply in the sales box.
	 * Drafting a reply to it would answer ourselves.
	 */
	if (parsed_header(pm, "X-Inquiryd-Class")) {
		rc = ignore_message(p, m, pm, "our own draft", r, e);
		goto out;
	}

	/*
	 * An empty file (a delivery that wrote nothing, a zero-byte file in
	 * a Maildir) has no sender, subject nor text: it is kept, as every
	 * message is, but it is no inquiry to count or answer.
	 */
	if (str_blank(pm->from.addr) && str_blank(pm->subject) &&
	    str_blank(pm->text)) {
		rc = ignore_message(p, m, pm, "empty message", r, e);
		goto out;
	}

	/* A reply into a known thread is a follow-up, not a new inquiry. */
	{
		char *refs = join_refs(pm);

		thread = store_find_thread(p->st, pm->in_reply_to, refs, e);
		free(refs);
	}
	if (thread < 0)
		goto out;
	if (thread > 0 && !(pm->flags & (PM_AUTO_REPLY | PM_BOUNCE))) {
		if (put_plain(p, m, pm, "followup", NULL, NULL, 0, &msg_id, e) ||
		    store_link_message(p->st, msg_id, thread, e) ||
		    store_customer_followup(p->st, thread, pm->from.addr,
		    pm->subject, when, e))
			goto out;
		r->outcome = OUT_FOLLOWUP;
		r->msg_id = msg_id;
		r->inquiry_id = thread;
		rc = 0;
		goto out;
	}
	if (pm->flags & (PM_AUTO_REPLY | PM_BOUNCE)) {
		rc = ignore_message(p, m, pm, pm->flags & PM_BOUNCE ?
		    "bounce" : "auto-reply", r, e);
		goto out;
	}

	STAGE(p, STAGE_SIG, sig_analyse(p->rs, pm->text, &pm->from, &s));
	STAGE(p, STAGE_CLASSIFY, classify_with_catalog(p, pm, &s, &v));
	if (p->en)
		STAGE(p, STAGE_ENRICH, enrich_sender(p->en, pm, &s, &v, &ei));

	recorded = o && o->backfill_before && when < o->backfill_before;
	status = v.cls == CLASS_SPAM ? ST_SPAM : recorded ? ST_RECORDED :
	    ST_NEW;
	/* The raw message is kept for inquiries that get a draft, so that
	 * "inquiryd draft ID" can render them again. */
	if (put_plain(p, m, pm, "ok", NULL, NULL,
	    !strcmp(status, ST_NEW), &msg_id, e))
		goto out;
	r->msg_id = msg_id;
	if (store_merge_contact(p->st, pm->from.addr, pm->from.name, &s.f,
	    p->en ? &ei : NULL, when, msg_id, &contact_id, &company_id, e))
		goto out;

	/* The same buyer goes to the same rep. */
	rep = rep_string(a);
	found = store_find_rep(p->st, contact_id, company_id, &prev_rep,
	    &prev_inq, e);
	if (found < 0)
		goto out;
	if (found && prev_rep && (!rep || strcmp(prev_rep, rep))) {
		size_t i;

		rep_reason = xasprintf("same %s as inquiry #%lld",
		    company_id ? "company" : "contact", (long long)prev_inq);
		free(rep);
		rep = prev_rep;
		prev_rep = NULL;
		/* Their Drafts folder: the account whose rep this is. */
		for (i = 0; i < p->conf.naccounts; i++) {
			char *ar = rep_string(&p->conf.accounts[i]);

			if (ar && !strcmp(ar, rep)) {
				a = &p->conf.accounts[i];
				free(r->account);
				r->account = xstrdup(a->name);
			}
			free(ar);
		}
	} else if (found) {
		rep_reason = xasprintf("same %s as inquiry #%lld",
		    company_id ? "company" : "contact", (long long)prev_inq);
	}

	vjson = pipeline_verdict_json(pm, &s, &v, NULL, 0);
	if (p->en)
		ejson = json_text(enrich_obj(&ei), 0);
	memset(&q, 0, sizeof(q));
	q.msg_id = msg_id;
	q.account = a ? a->name : m->origin.account;
	q.rep = rep;
	q.rep_reason = rep_reason;
	q.contact_id = contact_id;
	q.company_id = company_id;
	q.cls = class_name(v.cls);
	q.status = status;
	q.score = v.score;
	q.lang = v.lang;
	q.country = ei.country ? ei.country : s.f.country;
	q.category = ei.nsugg ? ei.sugg[0].category : NULL;
	q.verdict_json = vjson;
	q.enrich_json = ejson;
	q.subject = pm->subject;
	q.sender_name = pm->from.name;
	q.sender_email = pm->from.addr;
	q.received_at = when;
	if (store_put_inquiry(p->st, &q, &r->inquiry_id, e) ||
	    store_add_event(p->st, r->inquiry_id, "received",
	    m->where ? m->where : m->origin.source, NULL, when, e) ||
	    store_add_event(p->st, r->inquiry_id, "classified", "inquiryd",
	    class_name(v.cls), (int64_t)time(NULL), e))
		goto out;
	if (p->en && store_add_event(p->st, r->inquiry_id, "enriched",
	    "inquiryd", ei.reg_domain, (int64_t)time(NULL), e))
		goto out;
	if (v.cls == CLASS_SPAM && store_add_event(p->st, r->inquiry_id,
	    ST_SPAM, "inquiryd", NULL, (int64_t)time(NULL), e))
		goto out;
	r->cls = v.cls;
	r->outcome = recorded ? OUT_RECORDED : OUT_INQUIRY;
	if (!strcmp(status, ST_NEW) && !p->no_drafts && p->tpl) {
		struct err de = ERR_INIT;

		if (make_draft(p, a, r->inquiry_id, pm, &s, &v, &ei, r, &de)) {
			if (de.kind == ERR_TEMP) {
				err_set(e, ERR_TEMP, "%s", de.msg);
				goto out;
			}
			/* A template or quote problem: keep the inquiry,
			 * say why it has no draft. */
			log_warnx("inquiry #%lld: no draft: %s",
			    (long long)r->inquiry_id, de.msg);
			if (store_add_event(p->st, r->inquiry_id,
			    "draft_failed", "inquiryd", de.msg,
			    (int64_t)time(NULL), e))
				goto out;
		}
	}
	rc = 0;
out:
	free(vjson);
	free(ejson);
	free(rep);
	free(prev_rep);
	free(rep_reason);
	if (p->en)
		enrich_info_release(&ei);
	verdict_release(&v);
	sig_result_release(&s);
	return rc;
}

int
pipeline_process(struct pipeline *p, const struct source_msg *m,
    const struct process_opts *o, struct pipeline_result *r, struct err *e)
{
	struct parse_limits lim = PARSE_LIMITS_INIT;
	struct parsed_msg pm;
	struct err pe = ERR_INIT;
	const char *dup_status = NULL;
	int64_t dup;
	int rc, parsed = 0;

	memset(r, 0, sizeof(*r));
	memset(&pm, 0, sizeof(pm));
	p->nmessages++;
	if (store_begin(p->st, e))
		return -1;
	if (m->origin.uid) {
		dup = store_find_uid(p->st, &m->origin, e);
		if (dup < 0)
			goto fail;
		if (dup > 0) {
			r->outcome = OUT_DUPLICATE;
			r->msg_id = dup;
			goto commit;
		}
	}
	if (m->too_big) {
		char *why = xasprintf("message of %zu bytes is over the size "
		    "limit (max_message_size)", m->size);

		rc = quarantine(p, m, NULL, why, r, e);
		free(why);
		if (rc)
			goto fail;
		goto commit;
	}
	if (m->origin.account) {
		const struct conf_account *a = conf_account(&p->conf,
		    m->origin.account);

		if (a)
			lim.max_size = a->max_message_size;
	}
	lim.rules = p->rs;	/* the admin's relay-domains list */
	STAGE(p, STAGE_PARSE, rc = parse_message(m->raw, m->len, &lim, &pm,
	    &pe));
	parsed = 1;
	if (rc) {
		if (quarantine(p, m, &pm, pe.msg, r, e))
			goto fail;
		goto commit;
	}
	if (!p->quarantine_known) {
		/* Asked once: the hash below costs each message a pass over
		 * its bytes, worth paying only when a record could match. */
		rc = store_has_failed(p->st, e);
		if (rc < 0)
			goto fail;
		p->quarantined = rc;
		p->quarantine_known = 1;
	}
	if (p->quarantined) {
		/* Quarantined before (smaller caps, an older version): the
		 * message now parses, so its failed record gives way. */
		char *key = fail_key(m);

		dup = store_find_failed(p->st, key, NULL, e);
		free(key);
		if (dup < 0 || (dup > 0 && store_forget_failed(p->st, dup, e)))
			goto fail;
		/* Over the size cap then, fetched now that it is raised:
		 * known by its account, size and arrival time. */
		if (m->raw && m->size) {
			key = big_key(m);
			dup = store_find_failed(p->st, key, NULL, e);
			free(key);
			if (dup < 0 || (dup > 0 &&
			    store_forget_failed(p->st, dup, e)))
				goto fail;
		}
	}
	dup = store_find_duplicate(p->st, pm.message_id, pm.body_hash,
	    pm.from.addr, pm.date, m->origin.outgoing, &dup_status, e);
	if (dup < 0)
		goto fail;
	if (dup > 0 && !strcmp(dup_status, "failed")) {
		/* Tried before and quarantined: try again now. */
		if (store_forget_failed(p->st, dup, e))
			goto fail;
		dup = 0;
	}
	if (dup > 0) {
		r->outcome = OUT_DUPLICATE;
		r->msg_id = dup;
		r->sender = xstrdup_or_null(pm.from.addr);
		r->subject = xstrdup_or_null(pm.subject);
		goto commit;
	}
	if (m->origin.outgoing ? process_outgoing(p, m, &pm, r, e) :
	    process_parsed(p, m, o, &pm, r, e))
		goto fail;
commit:
	if (m->origin.uid && store_cursor_set(p->st, m->origin.account,
	    m->origin.mailbox, m->origin.uidvalidity, m->origin.uid, e))
		goto fail;
	STAGE(p, STAGE_STORE, rc = store_commit(p->st, e));
	if (rc)
		goto fail_committed;
	if (parsed)
		parsed_msg_release(&pm);
	return 0;
fail:
	store_rollback(p->st);
fail_committed:
	if (parsed)
		parsed_msg_release(&pm);
	/* The store does not know of the draft: it is written afresh when
	 * the message comes again, so these files would stay orphans. */
	forget_draft_files(r);
	pipeline_result_release(r);
	if (e->kind == ERR_NONE)
		err_set(e, ERR_TEMP, "message not stored");
	return -1;
}

int
pipeline_redraft(struct pipeline *p, int64_t inquiry_id,
    struct pipeline_result *r, struct err *e)
{
	struct inquiry_row row;
	struct parsed_msg pm;
	struct sig_result s;
	struct verdict v;
	struct enrich_info ei;
	struct conf_account *a;
	char *raw = NULL;
	size_t len = 0;
	int found, rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&pm, 0, sizeof(pm));
	memset(&s, 0, sizeof(s));
	memset(&v, 0, sizeof(v));
	memset(&ei, 0, sizeof(ei));
	found = store_get(p->st, inquiry_id, &row, e);
	if (found <= 0) {
		if (!found)
			err_set(e, ERR_CONFIG, "no inquiry #%lld",
			    (long long)inquiry_id);
		return -1;
	}
	if (!strcmp(row.status, ST_FAILED) || !strcmp(row.status, ST_SPAM) ||
	    !strcmp(row.status, ST_NOT_INQUIRY)) {
		err_set(e, ERR_CONFIG, "inquiry #%lld is %s: nothing to draft "
		    "(mark it new first)", (long long)inquiry_id, row.status);
		goto out;
	}
	raw = store_message_raw(p->st, row.msg_id, &len, e);
	if (!raw) {
		struct buf b = BUF_INIT(BUF_CAP_HUGE);

		/* Imported long ago without its bytes: read the file again. */
		if (e->kind != ERR_NONE || !row.source ||
		    buf_read_file(&b, row.source)) {
			if (e->kind == ERR_NONE)
				err_set(e, ERR_PERM, "inquiry #%lld: the "
				    "message is no longer stored (source "
				    "'%s')", (long long)inquiry_id,
				    row.source ? row.source : "?");
			buf_release(&b);
			goto out;
		}
		raw = buf_detach(&b, &len);
	}
	{
		struct parse_limits lim = PARSE_LIMITS_INIT;

		lim.rules = p->rs;
		if (parse_message(raw, len, &lim, &pm, e))
			goto out;
	}
	a = row.account ? conf_account(&p->conf, row.account) : NULL;
	if (!a)
		a = pick_account(p, NULL);
	sig_analyse(p->rs, pm.text, &pm.from, &s);
	classify_with_catalog(p, &pm, &s, &v);
	if (p->en)
		enrich_sender(p->en, &pm, &s, &v, &ei);
	if (store_begin(p->st, e))
		goto out;
	r->inquiry_id = inquiry_id;
	r->cls = v.cls;
	r->outcome = OUT_INQUIRY;
	if (make_draft(p, a, inquiry_id, &pm, &s, &v, &ei, r, e) ||
	    store_commit(p->st, e)) {
		store_rollback(p->st);
		forget_draft_files(r);
		goto out;
	}
	rc = 0;
out:
	if (p->en)
		enrich_info_release(&ei);
	verdict_release(&v);
	sig_result_release(&s);
	parsed_msg_release(&pm);
	free(raw);
	inquiry_row_release(&row);
	return rc;
}
