/*
 * source.c - messages from .eml files, Maildir folders, mbox files and
 * directories of them.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "source.h"

/* --- helpers ------------------------------------------------------------ */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists dir's entries (not . or ..) as full paths, sorted. */
static int
list_dir(const char *dir, struct strlist *out, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t first = out->n;

	if (!d)
		return err_set_errno(e, ERR_PERM, "cannot read '%s'", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		strlist_pushf(out, "%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (out->n > first)
		qsort(out->v + first, out->n - first, sizeof(*out->v),
		    cmp_str);
	return 0;
}

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
is_maildir(const char *p)
{
	char *cur = xasprintf("%s/cur", p), *nw = xasprintf("%s/new", p);
	int r = is_dir(cur) && is_dir(nw);

	free(cur);
	free(nw);
	return r;
}

static int
is_mbox(const char *p)
{
	char head[5];
	FILE *fp = fopen(p, "rb");
	size_t n;

	if (!fp)
		return 0;
	n = fread(head, 1, sizeof(head), fp);
	fclose(fp);
	return n == 5 && !memcmp(head, "From ", 5);	/* checked per line */
}

static void
set_where(struct source *src, struct source_msg *m, const char *fmt, ...)
	ATTR_PRINTF(3, 4);

static void
set_where(struct source *src, struct source_msg *m, const char *fmt, ...)
{
	va_list ap;

	free(src->where);
	va_start(ap, fmt);
	src->where = xvasprintf(fmt, ap);
	va_end(ap);
	m->where = src->where;
}

/*
 * Reads one file as one message into src->msg, honouring the cap.
 * Returns 1, or -1 with e.
 */
static int
read_one(struct source *src, const char *path, struct source_msg *m,
    struct err *e)
{
	struct stat st;

	memset(m, 0, sizeof(*m));
	buf_reset(&src->msg);
	if (stat(path, &st))
		return err_set_errno(e, ERR_PERM, "cannot read '%s'", path);
	m->size = (size_t)st.st_size;
	m->internal_date = (int64_t)st.st_mtime;
	m->origin.source = path;
	set_where(src, m, "%s", path);
	if (m->size > src->max_size) {
		m->too_big = 1;
		return 1;
	}
	if (buf_read_file(&src->msg, path)) {
		if (errno == EFBIG) {
			m->too_big = 1;
			return 1;
		}
		return err_set_errno(e, ERR_PERM, "cannot read '%s'", path);
	}
	m->raw = src->msg.data;
	m->len = src->msg.len;
	m->size = src->msg.len;
	return 1;
}

/* --- one .eml file ------------------------------------------------------ */

static int
eml_next(struct source *src, struct source_msg *m, struct err *e)
{
	if (src->priv)
		return 0;
	src->priv = src;	/* done after this one */
	return read_one(src, src->path, m, e);
}

static void
eml_close(struct source *src)
{
	(void)src;
}

static const struct source_ops eml_ops = { "eml", eml_next, eml_close };

/* --- Maildir: new/ then cur/ ------------------------------------------------ */

struct file_list {
	struct strlist files;
	size_t next;
};

static int
maildir_next(struct source *src, struct source_msg *m, struct err *e)
{
	struct file_list *fl = src->priv;

	if (fl->next >= fl->files.n)
		return 0;
	return read_one(src, fl->files.v[fl->next++], m, e);
}

static void
files_close(struct source *src)
{
	struct file_list *fl = src->priv;

	if (fl) {
		strlist_release(&fl->files);
		free(fl);
	}
}

static const struct source_ops maildir_ops = { "maildir", maildir_next,
	files_close };

static int
maildir_open(struct source *src, struct err *e)
{
	struct file_list *fl = xcalloc(1, sizeof(*fl));
	const char *sub[] = { "new", "cur" };
	size_t i;

	src->priv = fl;
	for (i = 0; i < ARRAY_SIZE(sub); i++) {
		char *d = xasprintf("%s/%s", src->path, sub[i]);
		int rc = list_dir(d, &fl->files, e);

		free(d);
		if (rc)
			return -1;
	}
	return 0;
}

/* --- mbox: "From " separated, >From unescaped (mboxrd) ------------------ */

struct mbox {
	FILE *fp;
	char *line;
	size_t cap;
	ssize_t len;		/* the line read ahead, -1 at EOF */
	long lineno;
	long msgno;
};

/*
 * A separator is "From " at the start of a line with a date in it ("From
 * a@b Mon Nov 23 10:00:00 2026"): a body line that merely starts with
 * "From " (an unescaped mboxo body) has no four-digit year.
 */
static int
mbox_from_line(const char *line, ssize_t len)
{
	ssize_t i, digits = 0;

	if (len < 5 || memcmp(line, "From ", 5))
		return 0;
	for (i = 5; i < len; i++) {
		if (line[i] >= '0' && line[i] <= '9') {
			if (++digits == 4)
				return 1;
		} else {
			digits = 0;
		}
	}
	return 0;
}

static int
mbox_next(struct source *src, struct source_msg *m, struct err *e)
{
	struct mbox *mb = src->priv;
	long start;
	int prev_blank = 0;

	(void)e;
	memset(m, 0, sizeof(*m));
	buf_reset(&src->msg);
	/* Skip to a "From " line. */
	while (mb->len >= 0 && !mbox_from_line(mb->line, mb->len)) {
		mb->len = getline(&mb->line, &mb->cap, mb->fp);
		mb->lineno++;
	}
	if (mb->len < 0)
		return 0;
	start = mb->lineno;
	mb->msgno++;
	for (;;) {
		mb->len = getline(&mb->line, &mb->cap, mb->fp);
		mb->lineno++;
		if (mb->len < 0)
			break;
		if (prev_blank && mbox_from_line(mb->line, mb->len))
			break;
		prev_blank = mb->len == 1 || (mb->len == 2 &&
		    mb->line[0] == '\r');
		m->size += (size_t)mb->len;
		if (m->too_big)
			continue;
		{
			const char *l = mb->line;
			size_t n = (size_t)mb->len, q = 0;

			/* mboxrd: ">From " and ">>From " lose one '>'. */
			while (q < n && l[q] == '>')
				q++;
			if (q && n - q >= 5 && !memcmp(l + q, "From ", 5)) {
				l++;
				n--;
			}
			if (src->msg.len + n > src->max_size ||
			    buf_add(&src->msg, l, n)) {
				m->too_big = 1;
				buf_reset(&src->msg);
			}
		}
	}
	/* The blank line before the next "From " belongs to the mbox. */
	if (!m->too_big && src->msg.len && src->msg.data[src->msg.len - 1] ==
	    '\n' && prev_blank) {
		size_t n = src->msg.len - 1;

		if (n && src->msg.data[n - 1] == '\r')
			n--;
		buf_setlen(&src->msg, n);
	}
	m->origin.source = src->path;
	set_where(src, m, "%s:%ld", src->path, start);
	if (!m->too_big) {
		m->raw = src->msg.data;
		m->len = src->msg.len;
	}
	return 1;
}

static void
mbox_close(struct source *src)
{
	struct mbox *mb = src->priv;

	if (!mb)
		return;
	if (mb->fp)
		fclose(mb->fp);
	free(mb->line);
	free(mb);
}

static const struct source_ops mbox_ops = { "mbox", mbox_next, mbox_close };

static int
mbox_open(struct source *src, struct err *e)
{
	struct mbox *mb = xcalloc(1, sizeof(*mb));

	src->priv = mb;
	mb->fp = fopen(src->path, "rb");
	if (!mb->fp)
		return err_set_errno(e, ERR_PERM, "cannot read '%s'",
		    src->path);
	mb->len = getline(&mb->line, &mb->cap, mb->fp);
	mb->lineno = 1;
	return 0;
}

/* --- a directory of any of these ------------------------------------------ */

struct dir_walk {
	struct strlist entries;
	size_t next;
	struct source *child;
};

/* Is path one of the folders skip names (see source_skip)? */
static int
in_skip(char *const *skip, const char *path)
{
	char real[PATH_MAX];
	size_t i;
	int found = 0;

	if (!skip || !is_dir(path) || !realpath(path, real))
		return 0;
	for (i = 0; skip[i] && !found; i++)
		found = !strcmp(skip[i], real);
	return found;
}

static int
dir_next(struct source *src, struct source_msg *m, struct err *e)
{
	struct dir_walk *dw = src->priv;
	int rc;

	for (;;) {
		if (dw->child) {
			rc = source_next(dw->child, m, e);
			if (rc != 0)
				return rc;
			source_close(dw->child);
			dw->child = NULL;
		}
		if (dw->next >= dw->entries.n)
			return 0;
		if (in_skip(src->skip, dw->entries.v[dw->next])) {
			dw->next++;
			continue;
		}
		dw->child = source_open(dw->entries.v[dw->next++],
		    src->max_size, e);
		if (!dw->child)
			return -1;
		dw->child->skip = src->skip;
	}
}

static void
dir_close(struct source *src)
{
	struct dir_walk *dw = src->priv;

	if (!dw)
		return;
	source_close(dw->child);
	strlist_release(&dw->entries);
	free(dw);
}

static const struct source_ops dir_ops = { "dir", dir_next, dir_close };

static int
dir_open(struct source *src, struct err *e)
{
	struct dir_walk *dw = xcalloc(1, sizeof(*dw));
	struct strlist all = STRLIST_INIT;
	size_t i;

	src->priv = dw;
	if (list_dir(src->path, &all, e)) {
		strlist_release(&all);
		return -1;
	}
	/* Keep message files and folders; skip our own outputs. */
	for (i = 0; i < all.n; i++) {
		const char *p = all.v[i];

		if (is_dir(p) || ends_with(p, ".eml") || ends_with(p, ".mbox") ||
		    is_mbox(p))
			strlist_push(&dw->entries, p);
	}
	strlist_release(&all);
	return 0;
}

/* --- the public face ------------------------------------------------------- */

struct source *
source_open(const char *path, size_t max_size, struct err *e)
{
	struct source *src = xcalloc(1, sizeof(*src));
	struct stat st;
	int rc = 0;

	src->path = xstrdup(path);
	/* "dir/" and "dir" are the same place; keep paths in logs tidy. */
	while (strlen(src->path) > 1 && ends_with(src->path, "/"))
		src->path[strlen(src->path) - 1] = '\0';
	src->max_size = max_size;
	buf_init(&src->msg, max_size + 1);
	if (stat(path, &st)) {
		err_set_errno(e, ERR_PERM, "cannot read '%s'", path);
		src->ops = &eml_ops;
		source_close(src);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		if (is_maildir(path)) {
			src->ops = &maildir_ops;
			rc = maildir_open(src, e);
		} else {
			src->ops = &dir_ops;
			rc = dir_open(src, e);
		}
	} else if (is_mbox(path)) {
		src->ops = &mbox_ops;
		rc = mbox_open(src, e);
	} else {
		src->ops = &eml_ops;
	}
	if (rc) {
		source_close(src);
		return NULL;
	}
	return src;
}

void
source_skip(struct source *src, char *const *dirs)
{
	src->skip = dirs;
}

int
source_next(struct source *src, struct source_msg *m, struct err *e)
{
	return src->ops->next(src, m, e);
}

void
source_close(struct source *src)
{
	if (!src)
		return;
	if (src->ops)
		src->ops->close(src);
	buf_release(&src->msg);
	free(src->where);
	free(src->path);
	free(src);
}

/* Counts "From " lines of an mbox cheaply. */
static long
mbox_count(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long n = 0;
	int prev_blank = 1;

	if (!fp)
		return -1;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		if (prev_blank && mbox_from_line(line, len))
			n++;
		prev_blank = len == 1 || (len == 2 && line[0] == '\r');
	}
	free(line);
	fclose(fp);
	return n;
}

long
source_count(const char *path, char *const *skip)
{
	struct strlist l = STRLIST_INIT;
	struct err e = ERR_INIT;
	long n = 0, c;
	size_t i;

	if (!is_dir(path))
		return is_mbox(path) ? mbox_count(path) : 1;
	if (is_maildir(path)) {
		const char *sub[] = { "new", "cur" };

		for (i = 0; i < ARRAY_SIZE(sub); i++) {
			char *d = xasprintf("%s/%s", path, sub[i]);

			list_dir(d, &l, &e);
			free(d);
		}
		n = (long)l.n;
		strlist_release(&l);
		return n;
	}
	if (list_dir(path, &l, &e))
		return -1;
	for (i = 0; i < l.n; i++) {
		const char *p = l.v[i];

		if (in_skip(skip, p))
			continue;
		if (is_dir(p) || ends_with(p, ".eml") || ends_with(p, ".mbox") ||
		    is_mbox(p)) {
			c = source_count(p, skip);
			if (c > 0)
				n += c;
		}
	}
	strlist_release(&l);
	return n;
}
