/*
 * fuzz_sig.c - libFuzzer target for sig_analyse(): any bytes as a body
 * (NULs become spaces: parse never hands NULs over), the first line also
 * as the sender's display name, with and without the shipped rules
 * (rules/ under $INQUIRYD_TOP or the current directory).
 */
#include "util.h"
#include "parse.h"
#include "rules.h"
#include "sig.h"

static struct ruleset *rs;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct strlist errs = STRLIST_INIT;
	const char *top = getenv("INQUIRYD_TOP");
	char *dir = xasprintf("%s/rules", top ? top : ".");

	(void)argc;
	(void)argv;
	if (ruleset_load(&rs, dir, &errs))
		rs = NULL;
	strlist_release(&errs);
	free(dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1), *nl;
	struct address from = { NULL, NULL };
	struct sig_result r;
	size_t i;

	for (i = 0; i < size; i++)
		text[i] = data[i] ? (char)data[i] : ' ';
	text[size] = '\0';
	nl = strchr(text, '\n');
	from.name = xstrndup(text, nl ? (size_t)(nl - text) : MIN(size, 64));
	sig_analyse(NULL, text, &from, &r);
	sig_result_release(&r);
	if (rs) {
		sig_analyse(rs, text, &from, &r);
		sig_result_release(&r);
	}
	free(from.name);
	free(text);
	return 0;
}
