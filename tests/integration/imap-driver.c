/*
 * imap-driver.c - a small command-line client over imap.h, for the
 * integration tests against the private Dovecot (tests/lib/dovecot.sh).
 *
 *   imap-driver -c CONF -a ACCOUNT [-v] COMMAND [ARGS]
 *
 *   connect                    log in, print the capabilities we use
 *   folders                    print "drafts=NAME sent=NAME"
 *   examine MBOX               print "uidvalidity=N uidnext=N exists=N"
 *   search MBOX [KEY]          KEY: all | uid:LO:HI | since:YYYY-MM-DD |
 *                              msgid:VALUE; prints "count=N" and the UIDs
 *   fetch MBOX [OPTS]          fetch every message; prints one line per
 *                              message and "fetched=N bytes=N too_big=N
 *                              seen=N maxrss_kb=N"
 *        --dump DIR            write each body to DIR/UID.eml
 *        --sleep-ms N          pause N ms per message (slow consumer)
 *        --stop-after N        stop after N messages
 *   append MBOX FILE [MSGID]   APPEND FILE with \Draft (once per MSGID)
 *   idle MBOX SECONDS          IDLE until news or SECONDS pass; prints
 *                              "idling" first, then "woke changed=N ms=N"
 *                              or "timeout"
 *   noop MBOX                  prints "changed=N"
 *   store MBOX UID KEYWORD     UID STORE +FLAGS.SILENT (KEYWORD)
 *   move MBOX UID DEST         UID MOVE
 *
 * Errors go to stderr as "error: KIND/FAIL: message" and exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"
#include "err.h"
#include "imap.h"
#include "log.h"

static const char *fail_names[] = {
	"none", "net", "tls", "auth", "refused", "proto", "config",
};

struct fetch_ctx {
	const char *dump;
	long sleep_ms;
	long stop_after;
	size_t n, bytes, too_big, seen;
	uint32_t last_uid;
	int out_of_order;
};

static int
on_msg(const struct imap_msg *m, void *arg)
{
	struct fetch_ctx *c = arg;

	c->n++;
	if (m->uid <= c->last_uid)
		c->out_of_order = 1;
	c->last_uid = m->uid;
	if (m->too_big)
		c->too_big++;
	else
		c->bytes += m->len;
	if (m->flags & IMAP_FLAG_SEEN)
		c->seen++;
	printf("msg uid=%u size=%u len=%zu flags=%u too_big=%d date=%lld\n",
	    m->uid, m->size, m->len, m->flags, m->too_big,
	    (long long)m->internaldate);
	fflush(stdout);
	if (c->dump && m->data) {
		char *path = xasprintf("%s/%u.eml", c->dump, m->uid);
		FILE *f = fopen(path, "wb");

		if (f) {
			fwrite(m->data, 1, m->len, f);
			fclose(f);
		}
		free(path);
	}
	if (c->sleep_ms > 0)
		usleep((useconds_t)c->sleep_ms * 1000);
	if (c->stop_after > 0 && (long)c->n >= c->stop_after)
		return 1;
	return 0;
}

static int
open_box(struct imap *im, const char *name, int writable, struct err *e)
{
	struct imap_mailbox mb;

	return imap_open_mailbox(im, name, writable, &mb, e);
}

static long
num(const char *s)
{
	long v = 0;

	if (str_to_long(s, 0, 0xffffffffL, &v))
		fatalx(2, "not a number: %s", s);
	return v;
}

static int
cmd_fetch(struct imap *im, int argc, char **argv, struct err *e)
{
	struct fetch_ctx c;
	struct imap_uids uids = IMAP_UIDS_INIT;
	struct imap_query q;
	struct rusage ru;
	int i, rc;

	memset(&c, 0, sizeof(c));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dump") && i + 1 < argc)
			c.dump = argv[++i];
		else if (!strcmp(argv[i], "--sleep-ms") && i + 1 < argc)
			c.sleep_ms = num(argv[++i]);
		else if (!strcmp(argv[i], "--stop-after") && i + 1 < argc)
			c.stop_after = num(argv[++i]);
		else
			fatalx(2, "fetch: unknown option %s", argv[i]);
	}
	rc = open_box(im, argv[0], 0, e);
	if (rc)
		goto out;
	memset(&q, 0, sizeof(q));
	rc = imap_search(im, &q, &uids, e);
	if (rc)
		goto out;
	rc = imap_fetch(im, uids.v, uids.n, on_msg, &c, e);
	if (rc < 0)
		goto out;
	getrusage(RUSAGE_SELF, &ru);
	printf("fetched=%zu bytes=%zu too_big=%zu seen=%zu ordered=%d "
	    "stopped=%d maxrss_kb=%ld\n", c.n, c.bytes, c.too_big, c.seen,
	    !c.out_of_order, rc == 1, ru.ru_maxrss);
	rc = 0;
out:
	imap_uids_release(&uids);
	return rc;
}

static int
cmd_search(struct imap *im, int argc, char **argv, struct err *e)
{
	struct imap_uids uids = IMAP_UIDS_INIT;
	struct imap_query q;
	size_t i;
	int rc;

	memset(&q, 0, sizeof(q));
	if (argc > 1) {
		const char *k = argv[1];

		if (starts_with(k, "uid:")) {
			const char *lo = k + 4, *hi = strchr(lo, ':');
			char *los;

			if (!hi)
				fatalx(2, "uid:LO:HI");
			los = xstrndup(lo, (size_t)(hi - lo));
			q.uid_min = (uint32_t)num(los);
			q.uid_max = (uint32_t)num(hi + 1);
			free(los);
		} else if (starts_with(k, "since:")) {
			if (parse_time_utc(k + 6, &q.since))
				fatalx(2, "since:YYYY-MM-DD");
		} else if (starts_with(k, "msgid:")) {
			q.header = "Message-ID";
			q.value = k + 6;
		} else if (strcmp(k, "all")) {
			fatalx(2, "unknown search key %s", k);
		}
	}
	rc = open_box(im, argv[0], 0, e);
	if (rc == 0)
		rc = imap_search(im, &q, &uids, e);
	if (rc == 0) {
		printf("count=%zu\n", uids.n);
		for (i = 0; i < uids.n; i++)
			printf("%u\n", uids.v[i]);
	}
	imap_uids_release(&uids);
	return rc;
}

static int
cmd_append(struct imap *im, int argc, char **argv, struct err *e)
{
	struct buf b = BUF_INIT(BUF_CAP_HUGE);
	uint32_t uid = 0;
	int found = 0, rc;

	if (argc < 2)
		fatalx(2, "append MBOX FILE [MSGID]");
	if (buf_read_file(&b, argv[1]))
		fatal(2, "cannot read %s", argv[1]);
	if (argc > 2)
		rc = imap_append_once(im, argv[0], argv[2], b.data, b.len,
		    IMAP_FLAG_DRAFT | IMAP_FLAG_SEEN, &uid, &found, e);
	else
		rc = imap_append(im, argv[0], b.data, b.len,
		    IMAP_FLAG_DRAFT | IMAP_FLAG_SEEN, 0, &uid, e);
	if (rc == 0)
		printf("%s uid=%u\n", found ? "found" : "appended", uid);
	buf_release(&b);
	return rc;
}

static int
cmd_idle(struct imap *im, int argc, char **argv, struct err *e)
{
	struct pollfd pfd;
	uint64_t start, deadline;
	int changed = 0, rc, r;

	if (argc < 2)
		fatalx(2, "idle MBOX SECONDS");
	rc = open_box(im, argv[0], 0, e);
	if (rc)
		return rc;
	rc = imap_idle_start(im, e);
	if (rc)
		return rc;
	printf("idling\n");
	fflush(stdout);
	start = now_ms();
	deadline = start + (uint64_t)num(argv[1]) * 1000;
	for (;;) {
		uint64_t now = now_ms();

		if (imap_idle_ready(im))
			break;
		if (now >= deadline) {
			rc = imap_idle_done(im, &changed, e);
			if (rc == 0)
				printf("timeout changed=%d\n", changed);
			return rc;
		}
		pfd.fd = imap_fd(im);
		pfd.events = POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, (int)(deadline - now));
		if (r > 0)
			break;
		if (r < 0 && errno != EINTR)
			fatal(1, "poll");
	}
	rc = imap_idle_done(im, &changed, e);
	if (rc == 0)
		printf("woke changed=%d ms=%llu\n", changed,
		    (unsigned long long)(now_ms() - start));
	return rc;
}

int
main(int argc, char **argv)
{
	const char *conf_path = NULL, *account = NULL, *cmd;
	struct conf c;
	struct strlist errs = STRLIST_INIT;
	struct err e = ERR_INIT;
	struct conf_account *a;
	struct imap *im = NULL;
	int opt, rc = 1, changed = 0;
	size_t i;
	char *d = NULL, *s = NULL;

	log_init("imap-driver", 0, LOG_LVL_INFO);
	while ((opt = getopt(argc, argv, "+c:a:v")) != -1) {
		switch (opt) {
		case 'c':
			conf_path = optarg;
			break;
		case 'a':
			account = optarg;
			break;
		case 'v':
			log_set_verbosity(LOG_LVL_DEBUG);
			break;
		default:
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (!conf_path || !account || argc < 1) {
		fprintf(stderr, "usage: imap-driver -c CONF -a ACCOUNT CMD "
		    "[ARGS]\n");
		return 2;
	}
	if (conf_load(&c, conf_path, &errs)) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i]);
		strlist_release(&errs);
		return 2;
	}
	strlist_release(&errs);
	a = conf_account(&c, account);
	if (!a) {
		fprintf(stderr, "no account %s\n", account);
		conf_release(&c);
		return 2;
	}
	cmd = argv[0];
	argc--;
	argv++;
	im = imap_connect(a, &e);
	if (!im)
		goto out;
	if (!strcmp(cmd, "connect")) {
		printf("connected idle=%d move=%d uidplus=%d fd=%d\n",
		    imap_has_cap(im, "IDLE"), imap_has_cap(im, "MOVE"),
		    imap_has_cap(im, "UIDPLUS"), imap_fd(im) >= 0);
		rc = 0;
	} else if (!strcmp(cmd, "folders")) {
		rc = imap_resolve_folders(im, &d, &s, &e);
		if (rc == 0)
			printf("drafts=%s sent=%s\n", d ? d : "(none)",
			    s ? s : "(none)");
	} else if (!strcmp(cmd, "examine") && argc >= 1) {
		struct imap_mailbox mb;

		rc = imap_open_mailbox(im, argv[0], 0, &mb, &e);
		if (rc == 0)
			printf("uidvalidity=%u uidnext=%u exists=%u "
			    "readonly=%d\n", mb.uidvalidity, mb.uidnext,
			    mb.exists, mb.readonly);
	} else if (!strcmp(cmd, "search") && argc >= 1) {
		rc = cmd_search(im, argc, argv, &e);
	} else if (!strcmp(cmd, "fetch") && argc >= 1) {
		rc = cmd_fetch(im, argc, argv, &e);
	} else if (!strcmp(cmd, "append") && argc >= 1) {
		rc = cmd_append(im, argc, argv, &e);
	} else if (!strcmp(cmd, "idle") && argc >= 1) {
		rc = cmd_idle(im, argc, argv, &e);
	} else if (!strcmp(cmd, "noop") && argc >= 1) {
		rc = open_box(im, argv[0], 0, &e);
		if (rc == 0)
			rc = imap_noop(im, &changed, &e);
		if (rc == 0)
			printf("changed=%d\n", changed);
	} else if (!strcmp(cmd, "store") && argc >= 3) {
		uint32_t uid = (uint32_t)num(argv[1]);

		rc = open_box(im, argv[0], 1, &e);
		if (rc == 0)
			rc = imap_store_keyword(im, &uid, 1, argv[2], &e);
	} else if (!strcmp(cmd, "move") && argc >= 3) {
		uint32_t uid = (uint32_t)num(argv[1]);

		rc = open_box(im, argv[0], 1, &e);
		if (rc == 0)
			rc = imap_move(im, &uid, 1, argv[2], &e);
	} else {
		fprintf(stderr, "unknown command or missing arguments: %s\n",
		    cmd);
		rc = 2;
	}
	if (rc == 0)
		printf("ok\n");
out:
	if (e.kind != ERR_NONE) {
		fprintf(stderr, "error: %s/%s: %s\n", err_kind_name(e.kind),
		    fail_names[im ? imap_fail(im) : 0], e.msg);
		rc = 1;
	}
	free(d);
	free(s);
	imap_close(im);
	conf_release(&c);
	return rc < 0 ? 1 : rc;
}
