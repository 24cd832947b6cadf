/*
 * replay.c - runs a libFuzzer target's LLVMFuzzerTestOneInput over saved
 * inputs without libFuzzer, so that "make check" replays the crashes the
 * fuzzers found (tests/data/fuzz-NAME/) with the ordinary compiler and
 * the sanitizers: no clang needed.  Linked with one tests/fuzz/fuzz_*.c.
 *
 *   build/replay/fuzz_NAME FILE...    each file is one input
 *
 * Prints "replayed FILE" after each input; a crash or a sanitizer report
 * ends the process with a non-zero status, as under libFuzzer.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int
replay(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (!fp) {
		fprintf(stderr, "replay: cannot open '%s': %s\n", path,
		    strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			data = realloc(data, cap);
			if (!data)
				abort();
		}
		n = fread(data + len, 1, cap - len, fp);
		if (n == 0)
			break;
		len += n;
	}
	fclose(fp);
	/* An exact-size copy, so ASan sees a read past the end. */
	{
		unsigned char *exact = malloc(len ? len : 1);

		if (!exact)
			abort();
		memcpy(exact, data, len);
		free(data);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	printf("replayed %s\n", path);
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, rc = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		if (replay(argv[i]))
			rc = 1;
	return rc;
}
