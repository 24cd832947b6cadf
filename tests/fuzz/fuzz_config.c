/*
 * fuzz_config.c - libFuzzer target for the INI configuration: the input
 * is a config file, loaded with conf_load() (inih has no memory API that
 * keeps our line counter, so the bytes go to a private temporary file).
 * Loading, the file:line diagnostics and the account lookups must never
 * crash, leak or read out of bounds.
 *
 * Nothing may run: conf_load() only reads, and this target never calls
 * conf_secret().  To hold that whatever conf.c becomes, the target
 * defines popen(), system() and the exec family itself (the executable's
 * definitions win over libc's), and each of them aborts, so a path that
 * would run a password_command is a crash the fuzzer reports.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

FILE *popen(const char *command, const char *type);
int system(const char *command);
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
int execvp(const char *file, char *const argv[]);
int execl(const char *path, const char *arg, ...);
int execlp(const char *file, const char *arg, ...);

FILE *
popen(const char *command, const char *type)
{
	(void)command;
	(void)type;
	abort();
}

int
system(const char *command)
{
	(void)command;
	abort();
}

int
execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	abort();
}

int
execv(const char *path, char *const argv[])
{
	(void)path;
	(void)argv;
	abort();
}

int
execvp(const char *file, char *const argv[])
{
	(void)file;
	(void)argv;
	abort();
}

int
execl(const char *path, const char *arg, ...)
{
	(void)path;
	(void)arg;
	abort();
}

int
execlp(const char *file, const char *arg, ...)
{
	(void)file;
	(void)arg;
	abort();
}

static char path[96];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist errs = STRLIST_INIT;
	struct conf c;
	FILE *fp;
	size_t i;

	if (!path[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(path, sizeof(path), "%s/fuzz-config-%ld.conf",
		    tmp && *tmp && strlen(tmp) < 60 ? tmp : "/tmp",
		    (long)getpid());
	}
	fp = fopen(path, "w");
	if (!fp)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
	/* Alternate the mode: a 0600 file may hold passwords. */
	chmod(path, size & 1 ? 0600 : 0644);
	if (conf_load(&c, path, &errs) == 0) {
		for (i = 0; i < c.naccounts; i++) {
			if (conf_account(&c, c.accounts[i].name) == NULL)
				abort();
		}
		conf_account(&c, "");
		conf_release(&c);
	} else {
		/* Every error names the file (or is about it). */
		for (i = 0; i < errs.n; i++)
			if (strncmp(errs.v[i], path, strlen(path)))
				abort();
	}
	strlist_release(&errs);
	unlink(path);
	return 0;
}
