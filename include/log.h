/*
 * log.h - logging to stderr in the foreground, to syslog as a daemon
 * (OpenSMTPD's log.c).
 *
 * log_warn appends ": strerror(errno)", log_warnx does not.  Untrusted
 * text (a Subject, a sender's name, a server's reply) must go through
 * log_esc(), which makes control characters, newlines and terminal
 * escapes visible as \n, \x1b..., so a message cannot forge log lines.
 */
#ifndef INQUIRYD_LOG_H
#define INQUIRYD_LOG_H

#include "util.h"

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

/*
 * Sets up logging: ident for syslog, use_syslog 0 for stderr, verbosity
 * the highest level printed (LOG_LVL_INFO by default).
 */
void log_init(const char *ident, int use_syslog, enum log_level verbosity);
void log_set_verbosity(enum log_level verbosity);
enum log_level log_get_verbosity(void);

void log_warn(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_info(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_debug(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* Errors: printed at every verbosity. */
void log_err(const char *fmt, ...) ATTR_PRINTF(1, 2);
void log_errx(const char *fmt, ...) ATTR_PRINTF(1, 2);
/* Logs and exits with code. */
void fatal(int code, const char *fmt, ...) ATTR_PRINTF(2, 3) ATTR_NORETURN;
void fatalx(int code, const char *fmt, ...) ATTR_PRINTF(2, 3) ATTR_NORETURN;

/*
 * Escapes untrusted text for a log line into out (size > 4) and returns
 * out: printable ASCII and valid UTF-8 stay, \n \r \t and other controls
 * become C escapes, invalid bytes \xNN, a backslash doubles.  Text that does
 * not fit ends with "...".  NULL prints as "(null)".
 */
char *log_escape(const char *s, char *out, size_t size);

/* log_escape into one of a few rotating static buffers, for one log call. */
const char *log_esc(const char *s);

#endif
