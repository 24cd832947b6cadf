/*
 * log.c - stderr/syslog logging and escaping of untrusted text.
 */
#include <errno.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static int log_syslog;
static enum log_level log_verbosity = LOG_LVL_INFO;
static const char *log_ident = "inquiryd";

void
log_init(const char *ident, int use_syslog, enum log_level verbosity)
{
	log_ident = ident;
	log_syslog = use_syslog;
	log_verbosity = verbosity;
	if (use_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_set_verbosity(enum log_level verbosity)
{
	log_verbosity = verbosity;
}

enum log_level
log_get_verbosity(void)
{
	return log_verbosity;
}

static void
log_vwrite(enum log_level lvl, const char *fmt, va_list ap, int with_errno)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	int saved = errno;
	char line[4096];
	size_t n;

	if (lvl > log_verbosity)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (with_errno) {
		n = strlen(line);
		snprintf(line + n, sizeof(line) - n, ": %s", strerror(saved));
	}
	if (log_syslog) {
		syslog(prio[lvl], "%s", line);
	} else {
		struct timespec ts;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s %s: %s\n", stamp, log_ident, line);
		fflush(stderr);
	}
	errno = saved;
}

#define LOG_FN(name, lvl, with_errno)			\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
							\
	va_start(ap, fmt);				\
	log_vwrite(lvl, fmt, ap, with_errno);		\
	va_end(ap);					\
}

LOG_FN(log_warn, LOG_LVL_WARN, 1)
LOG_FN(log_warnx, LOG_LVL_WARN, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, 0)
LOG_FN(log_err, LOG_LVL_ERR, 1)
LOG_FN(log_errx, LOG_LVL_ERR, 0)

void
fatal(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LVL_ERR, fmt, ap, 1);
	va_end(ap);
	exit(code);
}

void
fatalx(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LVL_ERR, fmt, ap, 0);
	va_end(ap);
	exit(code);
}

/* Length of a valid UTF-8 sequence at s (not C0/C1 controls), else 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 0;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0) ||
	    cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return n;
}

char *
log_escape(const char *s, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "(null)");
	size_t o = 0, n;
	char tmp[8];
	const char *rep;

	while (*p) {
		n = 1;
		rep = NULL;
		switch (*p) {
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case '\\': rep = "\\\\"; break;
		default:
			if (*p >= 0x20 && *p < 0x7f) {
				tmp[0] = (char)*p;
				tmp[1] = '\0';
				rep = tmp;
			} else if ((n = utf8_len(p)) > 0) {
				memcpy(tmp, p, n);
				tmp[n] = '\0';
				rep = tmp;
			} else {
				n = 1;
				snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
				rep = tmp;
			}
		}
		if (o + strlen(rep) + 4 > size) {
			memcpy(out + o, "...", 4);
			return out;
		}
		memcpy(out + o, rep, strlen(rep));
		o += strlen(rep);
		p += n;
	}
	out[o] = '\0';
	return out;
}

const char *
log_esc(const char *s)
{
	static char ring[4][512];
	static unsigned next;

	return log_escape(s, ring[next++ % 4], sizeof(ring[0]));
}
