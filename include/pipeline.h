/*
 * pipeline.h - the order of the stages, the lifetime of one message, and
 * the retry policy.
 *
 *   source -> parse -> sig -> classify -> enrich -> quote/draft -> store
 *
 * struct pipeline holds what the stages need (config, rules, templates,
 * catalog, store, enricher).  pipeline_load() builds a complete set or
 * nothing; pipeline_reload() builds a new set and swaps it in only when
 * every file loaded, so a broken edit leaves the old set in force (SIGHUP).
 *
 * pipeline_process() handles one message in one store transaction: the
 * message, its inquiry, draft and quote records, the contact, the events
 * and the IMAP cursor commit together.  It returns 0 when the message is
 * settled (stored as an inquiry, a follow-up, a duplicate, ignored, or
 * quarantined as failed with its reason), and -1 with ERR_TEMP when
 * nothing was committed and the message should be tried again later
 * (database busy, disk full).
 */
#ifndef INQUIRYD_PIPELINE_H
#define INQUIRYD_PIPELINE_H

#include "conf.h"
#include "draft.h"
#include "source.h"
#include "store.h"

struct ruleset;
struct templates;

/* What pipeline_load reads; a bit set. */
enum pipeline_part {
	PL_RULES = 1 << 0,
	PL_TEMPLATES = 1 << 1,
	PL_CATALOG = 1 << 2,
	PL_STORE = 1 << 3,
	PL_ENRICH = 1 << 4,
	PL_ALL = 0x1f,
};

/* Time spent per stage, for the benchmark and the daemon's stats. */
enum pipeline_stage {
	STAGE_PARSE,
	STAGE_SIG,
	STAGE_CLASSIFY,
	STAGE_ENRICH,
	STAGE_QUOTE,
	STAGE_DRAFT,
	STAGE_STORE,
	STAGE_COUNT
};

struct pipeline {
	char *conf_path;	/* owned; NULL for built-in defaults */
	unsigned parts;		/* what was loaded */
	struct conf conf;	/* owned */
	struct ruleset *rs;	/* owned */
	struct templates *tpl;	/* owned */
	struct catalog cat;	/* owned */
	struct store *st;	/* owned */
	struct enrich *en;	/* owned */
	int offline;		/* --offline: no network lookups */
	int no_drafts;		/* classify and store only */
	uint64_t stage_us[STAGE_COUNT];
	int quarantine_known;	/* whether quarantined is known yet */
	int quarantined;	/* the store holds keyed failed messages */
	unsigned long nmessages;
};

/*
 * Loads the config (conf_path, or $INQUIRYD_CONF, or the default; see
 * conf_pick_path) and the parts asked for.  Returns 0, or -1 with every
 * problem in errors ("file:line: message") and nothing loaded; *exit_code
 * (may be NULL) gets 2 for configuration errors and 1 for runtime ones
 * (the database cannot be opened).
 */
int pipeline_load(struct pipeline *p, const char *conf_path, unsigned parts,
    int offline, struct strlist *errors, int *exit_code);

/*
 * Reloads config, rules, templates and catalog all-or-nothing; the store
 * stays open.  Returns 0 when the new set is in force, -1 (old set kept)
 * with the problems in errors.
 */
int pipeline_reload(struct pipeline *p, struct strlist *errors);
void pipeline_release(struct pipeline *p);

/* What happened to one message. */
enum pipeline_outcome {
	OUT_INQUIRY,		/* a new inquiry */
	OUT_RECORDED,		/* older than backfill_days: history only */
	OUT_FOLLOWUP,		/* belongs to a known inquiry's thread */
	OUT_DUPLICATE,		/* already stored */
	OUT_IGNORED,		/* auto-reply, bounce */
	OUT_FAILED,		/* quarantined with a reason */
};

struct pipeline_result {
	enum pipeline_outcome outcome;
	int64_t msg_id;
	int64_t inquiry_id;	/* the new inquiry, or the one followed up */
	enum iq_class cls;
	char *reason;		/* owned: why failed or ignored */
	char *draft_path;	/* owned */
	char *draft_message_id;	/* owned, without <> */
	char *quote_path;	/* owned */
	char *sender;		/* owned */
	char *subject;		/* owned */
	char *account;		/* owned: whose Drafts folder gets the draft */
};
void pipeline_result_release(struct pipeline_result *r);
const char *pipeline_outcome_name(enum pipeline_outcome o);

struct process_opts {
	const char *account;	/* the account it came from, NULL for files */
	int64_t backfill_before;	/* older messages are only recorded */
	int retry_failed;	/* reprocess a message stored as failed */
};

/*
 * Runs one message through the pipeline.  r is initialised by the call.
 * Returns 0 when settled, -1 with e (ERR_TEMP: retry later).
 */
int pipeline_process(struct pipeline *p, const struct source_msg *m,
    const struct process_opts *o, struct pipeline_result *r, struct err *e);

/*
 * The classify --json object (DESIGN.md's contract) for one analysed
 * message, as a malloc'd JSON text.  ei may be NULL.
 */
char *pipeline_verdict_json(const struct parsed_msg *pm,
    const struct sig_result *s, const struct verdict *v,
    const struct enrich_info *ei, int pretty);

/*
 * Re-renders the draft and quote of a stored inquiry (after a catalog or
 * template change) from its stored message.  Returns 0, or -1 with e.
 */
int pipeline_redraft(struct pipeline *p, int64_t inquiry_id,
    struct pipeline_result *r, struct err *e);

#endif
