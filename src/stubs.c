/*
 * stubs.c - TEMPORARY weak stand-ins for the stages that are being built
 * on their own branches (parse, sig, rules/classify, enrich, catalog,
 * quote, draft), so that main links and the spine (store, pipeline,
 * sources, commands) can be tested meanwhile.  Each stage's real, strong
 * definitions replace these as its branch lands; this file is deleted
 * when the last one has.
 */
#include "classify.h"
#include "contacts.h"
#include "draft.h"
#include "enrich.h"
#include "err.h"
#include "parse.h"
#include "quote.h"
#include "report.h"
#include "rules.h"
#include "sig.h"

#define WEAK __attribute__((weak))

WEAK int
parse_message(const char *raw, size_t len, const struct parse_limits *lim,
    struct parsed_msg *pm, struct err *e)
{
	(void)raw; (void)len; (void)lim;
	memset(pm, 0, sizeof(*pm));
	return err_set(e, ERR_PERM, "the parser is not built yet");
}
WEAK void parsed_msg_release(struct parsed_msg *pm) { (void)pm; }
WEAK void
sig_analyse(const struct ruleset *rs, const char *text,
    const struct address *sender, struct sig_result *out)
{
	(void)rs; (void)text; (void)sender;
	memset(out, 0, sizeof(*out));
}
WEAK void sig_result_release(struct sig_result *r) { (void)r; }
WEAK const char *
class_name(enum iq_class c)
{
	static const char *n[] = { "vague", "detailed", "spam" };

	return (unsigned)c < 3 ? n[c] : "?";
}
WEAK int
class_from_name(const char *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(s, class_name((enum iq_class)i)))
			return i;
	return -1;
}
WEAK int
ruleset_load(struct ruleset **out, const char *dir, struct strlist *errors)
{
	(void)dir; (void)errors;
	*out = NULL;
	return 0;
}
WEAK void ruleset_free(struct ruleset *rs) { (void)rs; }
WEAK void
classify_message(const struct ruleset *rs, const struct parsed_msg *pm,
    const struct sig_result *s, struct verdict *v)
{
	(void)rs; (void)pm; (void)s;
	memset(v, 0, sizeof(*v));
	xstrlcpy(v->lang, "en", sizeof(v->lang));
}
WEAK void verdict_release(struct verdict *v) { (void)v; }
WEAK void classify_explain(FILE *fp, const struct verdict *v)
{ (void)fp; (void)v; }
WEAK struct enrich *
enrich_new(const struct conf *c, const struct ruleset *rs,
    const struct catalog *cat, int offline)
{
	(void)c; (void)rs; (void)cat; (void)offline;
	return NULL;
}
WEAK void enrich_free(struct enrich *en) { (void)en; }
WEAK void
enrich_sender(struct enrich *en, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    struct enrich_info *out)
{
	(void)en; (void)pm; (void)s; (void)v;
	memset(out, 0, sizeof(*out));
	out->free_mail = -1;
	out->has_mx = -1;
}
WEAK void enrich_info_release(struct enrich_info *ei) { (void)ei; }
WEAK void enrich_set_cache(struct enrich *en, const struct enrich_cache *c)
{ (void)en; (void)c; }
WEAK int
catalog_load(struct catalog *cat, const char *path, struct strlist *errors)
{
	(void)path; (void)errors;
	memset(cat, 0, sizeof(*cat));
	return 0;
}
WEAK void catalog_release(struct catalog *cat) { (void)cat; }
WEAK void
offer_build(const struct conf *c, const struct catalog *cat,
    const struct parsed_msg *pm, const struct sig_result *s,
    const struct verdict *v, const struct enrich_info *ei, long seq,
    int64_t now, struct offer *o)
{
	(void)c; (void)cat; (void)pm; (void)s; (void)v; (void)ei; (void)seq;
	(void)now;
	memset(o, 0, sizeof(*o));
}
WEAK void offer_release(struct offer *o) { (void)o; }
WEAK int
quote_write(const struct conf *c, const struct offer *o, const char *dir,
    char **path_out, struct err *e)
{
	(void)c; (void)o; (void)dir;
	*path_out = NULL;
	return err_set(e, ERR_PERM, "quote sheets are not built yet");
}
WEAK int
templates_load(struct templates **out, const char *dir,
    struct strlist *errors)
{
	(void)dir; (void)errors;
	*out = NULL;
	return 0;
}
WEAK void templates_free(struct templates *t) { (void)t; }
WEAK int
draft_render(const struct conf *c, const struct conf_account *a,
    const struct templates *t, const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    const struct enrich_info *ei, const struct offer *o,
    const char *quote_path, int64_t now, struct draft *d, struct err *e)
{
	(void)c; (void)a; (void)t; (void)pm; (void)s; (void)v; (void)ei;
	(void)o; (void)quote_path; (void)now;
	memset(d, 0, sizeof(*d));
	return err_set(e, ERR_PERM, "drafts are not built yet");
}
WEAK int draft_write(struct draft *d, const char *dir, struct err *e)
{ (void)d; (void)dir; (void)e; return -1; }
WEAK void draft_release(struct draft *d) { (void)d; }
