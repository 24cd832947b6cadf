/*
 * unit.h - what every cmocka unit test includes.
 *
 * System and cmocka headers come before util.h (which bans some libc
 * functions, banned.h).  Tests run with CMOCKA_MESSAGE_OUTPUT=TAP from
 * tests/run.  INQUIRYD_TOP (set by tests/run) is the source tree, for
 * fixtures: unit_path("tests/data/x") gives an absolute path.
 */
#ifndef INQUIRYD_UNIT_H
#define INQUIRYD_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util.h"

/* A path under the source tree (static buffer, overwritten per call). */
static inline const char *
unit_path(const char *rel)
{
	static char p[4096];
	const char *top = getenv("INQUIRYD_TOP");

	snprintf(p, sizeof(p), "%s/%s", top ? top : ".", rel);
	return p;
}

/*
 * One step of the tests' random generator (a linear congruential one:
 * the same sequence on every machine, so a failure repeats); the new
 * seed, which is also the value.
 */
static inline unsigned
unit_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed;
}

/* A fresh directory /tmp/inquiryd-NAME-XXXXXX into dir[n]; 0 or -1. */
static inline int
unit_tmpdir(char *dir, size_t n, const char *name)
{
	snprintf(dir, n, "/tmp/inquiryd-%s-XXXXXX", name);
	return mkdtemp(dir) ? 0 : -1;
}

/* Writes text into the file dir/name; fails the test if it cannot. */
static inline void
unit_write(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) < 0, 0);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

/* Removes dir and everything under it (a unit_tmpdir); 0 or -1. */
static inline int
unit_rmdir(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);

	free(cmd);
	return rc ? -1 : 0;
}

#endif
