/*
 * fuzz_rules.c - libFuzzer target for the rule-file language: the input
 * is a rule file (and, after a NUL byte, a list file it may name as
 * "w.list" and a text).  A file that loads is then run over the text on
 * every target with a short time budget.  Loading, reporting errors and
 * scanning must neither crash, leak nor run away.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const unsigned char *buf, size_t len);

static char dir[64];

static void
put(const char *name, const void *p, size_t n)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (!fp)
		abort();
	fwrite(p, 1, n, fp);
	fclose(fp);
}

int
LLVMFuzzerTestOneInput(const unsigned char *buf, size_t len)
{
	static const char *const targets[] = {
		"subject", "visible", "body", "signature", "sigline", "from",
		"any", "website",
	};
	const char *src = (const char *)buf;
	const unsigned char *nul = memchr(buf, '\0', len);
	size_t rlen = nul ? (size_t)(nul - buf) : len;
	const char *rest = nul ? (const char *)nul + 1 : "";
	size_t restlen = nul ? len - rlen - 1 : 0;
	struct strlist errs = STRLIST_INIT;
	struct ruleset *rs = NULL;
	size_t i;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/fuzz-rules-%ld",
		    (long)getpid());
		mkdir(dir, 0700);
	}
	put("a.rules", src, rlen);
	put("w.list", rest, restlen);
	if (ruleset_load(&rs, dir, &errs) == 0) {
		struct rule_hits h = RULE_HITS_INIT;

		for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
			ruleset_scan(rs, targets[i], NULL, rest, restlen,
			    i & 1 ? "en" : NULL, &h, now_ms() + 50, NULL);
		ruleset_scan(rs, "header", "X-Test", rest, restlen, NULL, &h,
		    now_ms() + 50, NULL);
		ruleset_resolve(rs, &h, "en");
		ruleset_in_list(rs, "w", "x");
		rule_hits_release(&h);
		ruleset_free(rs);
	}
	strlist_release(&errs);
	return 0;
}
