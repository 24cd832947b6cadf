/*
 * report.c - the funnel, response times and groups.
 */
#include <math.h>

#include <jansson.h>

#include "err.h"
#include "report.h"
#include "xlsx.h"

static const char *const step_names[STEP_COUNT] = {
	"received", "drafted", "replied", "quoted", "answered", "won", "lost",
};

const char *
report_step_name(enum report_step s)
{
	return (unsigned)s < STEP_COUNT ? step_names[s] : "?";
}

int
report_by_valid(const char *by)
{
	static const char *const ok[] = { "rep", "country", "class",
	    "product", "week" };
	size_t i;

	if (!by)
		return 1;
	for (i = 0; i < ARRAY_SIZE(ok); i++)
		if (!strcmp(by, ok[i]))
			return 1;
	return 0;
}

static void
hours_add(struct hours *h, double v)
{
	GROW(h->v, h->n + 1, h->alloc);
	h->v[h->n++] = v;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double
hours_percentile(struct hours *h, double p)
{
	double rank, frac;
	size_t lo;

	if (!h->n)
		return 0;
	qsort(h->v, h->n, sizeof(*h->v), cmp_double);
	rank = p * (double)(h->n - 1);
	lo = (size_t)floor(rank);
	frac = rank - (double)lo;
	if (lo + 1 >= h->n)
		return h->v[h->n - 1];
	return h->v[lo] + frac * (h->v[lo + 1] - h->v[lo]);
}

static void
funnel_release(struct funnel *f)
{
	free(f->reply.v);
	free(f->quote.v);
	memset(f, 0, sizeof(*f));
}

/* Adds one inquiry to a funnel. */
static void
funnel_add(struct funnel *f, const struct report_row *r)
{
	int spam = (r->cls && !strcmp(r->cls, "spam")) ||
	    (r->status && (!strcmp(r->status, ST_SPAM) ||
	    !strcmp(r->status, ST_NOT_INQUIRY)));
	int64_t replied = r->replied_at ? r->replied_at : r->quoted_at;

	if (spam) {
		f->spam++;
		return;
	}
	f->step[STEP_RECEIVED]++;
	if (r->drafted_at || replied)
		f->step[STEP_DRAFTED]++;
	if (replied) {
		f->step[STEP_REPLIED]++;
		hours_add(&f->reply, (double)(replied - r->received_at) /
		    3600.0);
	}
	if (r->quoted_at) {
		f->step[STEP_QUOTED]++;
		hours_add(&f->quote, (double)(r->quoted_at - r->received_at) /
		    3600.0);
	}
	if (replied && r->answered_at && r->answered_at >= replied)
		f->step[STEP_ANSWERED]++;
	if (r->won_at || (r->status && !strcmp(r->status, ST_WON)))
		f->step[STEP_WON]++;
	if (r->lost_at || (r->status && !strcmp(r->status, ST_LOST)))
		f->step[STEP_LOST]++;
}

/* The ISO 8601 week of t, "2026-W47". */
static void
iso_week(int64_t t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 16, "%G-W%V", &tm);
}

static const char *
group_key(const struct report *r, const struct report_row *row, char *tmp)
{
	const char *k = NULL;

	if (!strcmp(r->by, "rep"))
		k = row->rep;
	else if (!strcmp(r->by, "country"))
		k = row->country;
	else if (!strcmp(r->by, "class"))
		k = row->cls;
	else if (!strcmp(r->by, "product"))
		k = row->category;
	else if (!strcmp(r->by, "week")) {
		iso_week(row->received_at, tmp);
		k = tmp;
	}
	return k && *k ? k : "(unknown)";
}

static struct report_group *
group_get(struct report *r, const char *key)
{
	size_t lo = 0, hi = r->ngroups, mid;
	int c;

	/* Kept sorted by key: binary search, insert in place. */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(r->groups[mid].key, key);
		if (!c)
			return &r->groups[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	GROW(r->groups, r->ngroups + 1, r->agroups);
	memmove(&r->groups[lo + 1], &r->groups[lo],
	    (r->ngroups - lo) * sizeof(*r->groups));
	memset(&r->groups[lo], 0, sizeof(*r->groups));
	r->groups[lo].key = xstrdup(key);
	r->ngroups++;
	return &r->groups[lo];
}

static int
report_row_cb(const struct report_row *row, void *arg)
{
	struct report *r = arg;
	char tmp[16];

	funnel_add(&r->total, row);
	if (r->by)
		funnel_add(&group_get(r, group_key(r, row, tmp))->f, row);
	return 0;
}

int
report_build(struct store *st, int64_t since, int64_t until, const char *by,
    struct report *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	r->by = xstrdup_or_null(by);
	r->since = since;
	r->until = until;
	return store_report_rows(st, since, until, report_row_cb, r, e);
}

void
report_release(struct report *r)
{
	size_t i;

	for (i = 0; i < r->ngroups; i++) {
		free(r->groups[i].key);
		funnel_release(&r->groups[i].f);
	}
	free(r->groups);
	funnel_release(&r->total);
	free(r->by);
	memset(r, 0, sizeof(*r));
}

static double
rate(const struct funnel *f, enum report_step s)
{
	return f->step[STEP_RECEIVED] ? (double)f->step[s] /
	    (double)f->step[STEP_RECEIVED] : 0;
}

static void
print_line(FILE *fp, const char *label, struct funnel *f)
{
	char key[80];
	int s;

	utf8_fit(label, 24, 1, key, sizeof(key));
	fprintf(fp, "%s", key);
	for (s = 0; s < STEP_COUNT; s++)
		fprintf(fp, " %8ld", f->step[s]);
	fprintf(fp, " %5ld %7.1f %7.1f %7.1f\n", f->spam,
	    hours_percentile(&f->reply, 0.5), hours_percentile(&f->reply, 0.9),
	    hours_percentile(&f->quote, 0.5));
}

void
report_print(FILE *fp, struct report *r)
{
	char a[21], b[21];
	size_t i;
	int s;

	fprintf(fp, "inquiries received %s%s%s%s\n\n",
	    r->since ? "from " : "", r->since ? fmt_time_utc(r->since, a) : "",
	    r->until ? " until " : "", r->until ? fmt_time_utc(r->until, b) :
	    "");
	fprintf(fp, "%-24s", r->by ? r->by : "");
	for (s = 0; s < STEP_COUNT; s++)
		fprintf(fp, " %8s", step_names[s]);
	fprintf(fp, " %5s %7s %7s %7s\n", "spam", "reply50", "reply90",
	    "quote50");
	for (i = 0; i < r->ngroups; i++)
		print_line(fp, r->groups[i].key, &r->groups[i].f);
	print_line(fp, "total", &r->total);
	fprintf(fp, "%-24s", "rate");
	for (s = 0; s < STEP_COUNT; s++)
		fprintf(fp, " %7.0f%%", 100 * rate(&r->total,
		    (enum report_step)s));
	fprintf(fp, "\n\nreply50/reply90: median and 90th percentile hours "
	    "from receipt to the first reply;\nquote50: median hours to the "
	    "first quote sent.\n");
}

static json_t *
funnel_json(struct funnel *f, json_t *parent)
{
	json_t *fu = json_object(), *rates = json_object(), *h;
	int s;

	for (s = 0; s < STEP_COUNT; s++) {
		json_object_set_new(fu, step_names[s],
		    json_integer(f->step[s]));
		if (s)
			json_object_set_new(rates, step_names[s],
			    json_real(rate(f, (enum report_step)s)));
	}
	json_object_set_new(parent, "funnel", fu);
	json_object_set_new(parent, "rates", rates);
	json_object_set_new(parent, "spam", json_integer(f->spam));
	h = json_object();
	json_object_set_new(h, "median", json_real(hours_percentile(&f->reply,
	    0.5)));
	json_object_set_new(h, "p90", json_real(hours_percentile(&f->reply,
	    0.9)));
	json_object_set_new(h, "count", json_integer((json_int_t)f->reply.n));
	json_object_set_new(parent, "response_hours", h);
	h = json_object();
	json_object_set_new(h, "median", json_real(hours_percentile(&f->quote,
	    0.5)));
	json_object_set_new(h, "p90", json_real(hours_percentile(&f->quote,
	    0.9)));
	json_object_set_new(h, "count", json_integer((json_int_t)f->quote.n));
	json_object_set_new(parent, "quote_hours", h);
	return parent;
}

char *
report_json(struct report *r)
{
	json_t *o = json_object(), *groups = json_array();
	char when[21], *t, *res;
	size_t i;

	json_object_set_new(o, "by", r->by ? json_string(r->by) :
	    json_null());
	json_object_set_new(o, "since", r->since ?
	    json_string(fmt_time_utc(r->since, when)) : json_null());
	json_object_set_new(o, "until", r->until ?
	    json_string(fmt_time_utc(r->until, when)) : json_null());
	funnel_json(&r->total, o);
	for (i = 0; i < r->ngroups; i++) {
		json_t *g = json_object();

		json_object_set_new(g, "key", json_string(r->groups[i].key));
		json_array_append_new(groups, funnel_json(&r->groups[i].f, g));
	}
	json_object_set_new(o, "groups", groups);
	t = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(6));
	res = xstrdup(t ? t : "{}");
	free(t);
	json_decref(o);
	return res;
}

struct unanswered_ctx {
	int64_t older_than;
	struct unanswered *v;
	size_t n, alloc;
};

static int
unanswered_cb(const struct report_row *row, void *arg)
{
	struct unanswered_ctx *c = arg;
	struct unanswered *u;
	static const char *const done[] = { ST_SPAM, ST_NOT_INQUIRY, ST_WON,
	    ST_LOST, ST_REPLIED, ST_QUOTED };
	size_t i;

	if (row->replied_at || row->quoted_at ||
	    (row->cls && !strcmp(row->cls, "spam")))
		return 0;
	for (i = 0; i < ARRAY_SIZE(done); i++)
		if (row->status && !strcmp(row->status, done[i]))
			return 0;
	if (c->older_than && row->received_at > c->older_than)
		return 0;
	GROW(c->v, c->n + 1, c->alloc);
	u = &c->v[c->n++];
	u->id = row->id;
	u->received_at = row->received_at;
	u->cls = xstrdup_or_null(row->cls);
	u->status = xstrdup_or_null(row->status);
	u->rep = xstrdup_or_null(row->rep);
	u->sender = xstrdup_or_null(row->sender);
	u->subject = xstrdup_or_null(row->subject);
	return 0;
}

int
report_unanswered(struct store *st, int64_t older_than,
    struct unanswered **out, size_t *n, struct err *e)
{
	struct unanswered_ctx c = { older_than, NULL, 0, 0 };
	int rc = store_report_rows(st, 0, 0, unanswered_cb, &c, e);

	*out = c.v;
	*n = c.n;
	return rc;
}

void
unanswered_free(struct unanswered *u, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(u[i].cls);
		free(u[i].status);
		free(u[i].rep);
		free(u[i].sender);
		free(u[i].subject);
	}
	free(u);
}

/* --- XLSX ------------------------------------------------------------------ */

static const char *const group_header[] = {
	NULL, "received", "drafted", "replied", "quoted", "answered", "won",
	"lost", "spam", "reply hours (median)", "reply hours (p90)",
	"quote hours (median)",
};

/* One row of the per-group table. */
static void
xlsx_group_row(struct xlsx_sheet *sh, unsigned row, const char *key,
    struct funnel *f, unsigned style)
{
	int s;

	xlsx_string(sh, row, 0, key, style | XS_BORDER);
	for (s = 0; s < STEP_COUNT; s++)
		xlsx_number(sh, row, 1 + (unsigned)s, (double)f->step[s],
		    style | XS_BORDER | XS_INT);
	xlsx_number(sh, row, 8, (double)f->spam, style | XS_BORDER | XS_INT);
	xlsx_number(sh, row, 9, hours_percentile(&f->reply, 0.5),
	    style | XS_BORDER | XS_DECIMAL);
	xlsx_number(sh, row, 10, hours_percentile(&f->reply, 0.9),
	    style | XS_BORDER | XS_DECIMAL);
	xlsx_number(sh, row, 11, hours_percentile(&f->quote, 0.5),
	    style | XS_BORDER | XS_DECIMAL);
}

static void
xlsx_funnel_sheet(struct xlsx *x, struct report *r)
{
	struct xlsx_sheet *sh = xlsx_sheet_add(x, "Funnel");
	struct xlsx_series ser = { "inquiries", 1 };
	struct xlsx_chart c;
	char a[21], b[21], *period, ref[16], ref2[16], *f;
	unsigned row;
	int s;

	period = xasprintf("Received %s%s%s%s", r->since ? "from " : "",
	    r->since ? fmt_time_utc(r->since, a) : "all time",
	    r->until ? " until " : "", r->until ? fmt_time_utc(r->until, b) :
	    "");
	xlsx_merge(sh, 0, 0, 0, 3, "Inquiry funnel", XS_TITLE);
	xlsx_string(sh, 1, 0, period, XS_SMALL);
	free(period);
	xlsx_string(sh, 3, 0, "step", XS_HEADER);
	xlsx_string(sh, 3, 1, "inquiries", XS_HEADER);
	xlsx_string(sh, 3, 2, "of received", XS_HEADER);
	for (s = 0; s < STEP_COUNT; s++) {
		row = 4 + (unsigned)s;
		xlsx_string(sh, row, 0, step_names[s], XS_BORDER);
		xlsx_number(sh, row, 1, (double)r->total.step[s],
		    XS_BORDER | XS_INT);
		/* The rate as a formula over the table, with its value. */
		xlsx_ref(row, 1, 0, ref);
		xlsx_ref(4, 1, 1, ref2);
		f = xasprintf("=IF(%s=0,0,%s/%s)", ref2, ref, ref2);
		xlsx_formula(sh, row, 2, f, rate(&r->total,
		    (enum report_step)s), XS_BORDER | XS_PERCENT);
		free(f);
	}
	row = 4 + STEP_COUNT + 1;
	xlsx_string(sh, row, 0, "spam (not counted)", XS_BORDER);
	xlsx_number(sh, row, 1, (double)r->total.spam, XS_BORDER | XS_INT);
	row += 2;
	xlsx_string(sh, row, 0, "hours to", XS_HEADER);
	xlsx_string(sh, row, 1, "median", XS_HEADER);
	xlsx_string(sh, row, 2, "90th percentile", XS_HEADER);
	xlsx_string(sh, row, 3, "inquiries", XS_HEADER);
	xlsx_string(sh, row + 1, 0, "first reply", XS_BORDER);
	xlsx_number(sh, row + 1, 1, hours_percentile(&r->total.reply, 0.5),
	    XS_BORDER | XS_DECIMAL);
	xlsx_number(sh, row + 1, 2, hours_percentile(&r->total.reply, 0.9),
	    XS_BORDER | XS_DECIMAL);
	xlsx_number(sh, row + 1, 3, (double)r->total.reply.n,
	    XS_BORDER | XS_INT);
	xlsx_string(sh, row + 2, 0, "first quote", XS_BORDER);
	xlsx_number(sh, row + 2, 1, hours_percentile(&r->total.quote, 0.5),
	    XS_BORDER | XS_DECIMAL);
	xlsx_number(sh, row + 2, 2, hours_percentile(&r->total.quote, 0.9),
	    XS_BORDER | XS_DECIMAL);
	xlsx_number(sh, row + 2, 3, (double)r->total.quote.n,
	    XS_BORDER | XS_INT);
	xlsx_columns(sh, 0, 0, 22, 0);
	xlsx_columns(sh, 1, 3, 16, 0);
	memset(&c, 0, sizeof(c));
	c.kind = XLSX_CHART_FUNNEL;
	c.title = "Inquiry funnel";
	c.data = sh;
	c.first_row = 4;
	c.last_row = 4 + STEP_COUNT - 1;
	c.label_col = 0;
	c.series = &ser;
	c.nseries = 1;
	c.row = 3;
	c.col = 5;
	c.labels = 1;
	xlsx_chart_add(sh, &c);
	xlsx_print_a4(sh, 1, 1, 0, "inquiryd report");
}

static void
xlsx_groups_sheet(struct xlsx *x, struct report *r)
{
	struct xlsx_sheet *sh;
	char *name = xasprintf("By %s", r->by);
	size_t i, k;

	sh = xlsx_sheet_add(x, name);
	free(name);
	for (k = 0; k < ARRAY_SIZE(group_header); k++)
		xlsx_string(sh, 0, (unsigned)k, k ? group_header[k] : r->by,
		    XS_HEADER);
	for (i = 0; i < r->ngroups; i++)
		xlsx_group_row(sh, 1 + (unsigned)i, r->groups[i].key,
		    &r->groups[i].f, 0);
	xlsx_group_row(sh, 1 + (unsigned)r->ngroups, "total", &r->total,
	    XS_TOTAL);
	xlsx_columns(sh, 0, 0, 30, 0);
	xlsx_columns(sh, 1, 11, 12, 0);
	xlsx_freeze(sh, 1, 1);
	xlsx_print_a4(sh, 1, 0, 0, "inquiryd report");
}

static int
xlsx_weekly_sheet(struct xlsx *x, struct report *r, struct store *st,
    struct err *e)
{
	static const struct xlsx_series ser[] = {
		{ "received", 1 }, { "replied", 3 }, { "quoted", 4 },
	};
	struct report w;
	struct xlsx_sheet *sh;
	struct xlsx_chart c;
	size_t i, k;

	if (report_build(st, r->since, r->until, "week", &w, e))
		return -1;
	sh = xlsx_sheet_add(x, "Weekly");
	for (k = 0; k < ARRAY_SIZE(group_header); k++)
		xlsx_string(sh, 0, (unsigned)k, k ? group_header[k] : "week",
		    XS_HEADER);
	for (i = 0; i < w.ngroups; i++)
		xlsx_group_row(sh, 1 + (unsigned)i, w.groups[i].key,
		    &w.groups[i].f, 0);
	xlsx_columns(sh, 0, 0, 12, 0);
	xlsx_columns(sh, 1, 11, 12, 0);
	xlsx_freeze(sh, 1, 1);
	if (w.ngroups) {
		memset(&c, 0, sizeof(c));
		c.kind = XLSX_CHART_LINE;
		c.title = "Inquiries per week";
		c.x_title = "ISO week";
		c.y_title = "inquiries";
		c.data = sh;
		c.first_row = 1;
		c.last_row = (unsigned)w.ngroups;
		c.label_col = 0;
		c.series = ser;
		c.nseries = ARRAY_SIZE(ser);
		c.row = (unsigned)w.ngroups + 3;
		c.col = 0;
		c.width = 720;
		xlsx_chart_add(sh, &c);
	}
	xlsx_print_a4(sh, 1, 0, 0, "inquiryd report");
	report_release(&w);
	return 0;
}

int
report_xlsx(struct report *r, struct store *st, const char *path,
    struct err *e)
{
	struct xlsx *x;

	if (xlsx_open(&x, path, e))
		return -1;
	xlsx_properties(x, "Inquiry report", "inquiryd", NULL, 0);
	xlsx_funnel_sheet(x, r);
	if (r->by)
		xlsx_groups_sheet(x, r);
	if (xlsx_weekly_sheet(x, r, st, e)) {
		xlsx_discard(x);
		return -1;
	}
	return xlsx_close(x, e);
}
