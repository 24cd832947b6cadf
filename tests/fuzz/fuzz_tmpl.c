/*
 * fuzz_tmpl.c - libFuzzer target for the Mustache engine: the input is a
 * template (and, after a NUL byte, a partial called "p"); every template
 * that compiles is rendered over fixed data, escaped and raw, with small
 * caps.  Neither step may crash, leak or run away.
 */
#include <jansson.h>

#include "err.h"
#include "tmpl.h"

static const char data_json[] =
    "{\"name\": \"<Jick & Co>\", \"list\": [1, 2.5, \"x\", {\"a\": 1}],"
    " \"obj\": {\"a\": {\"b\": \"deep\"}}, \"t\": true, \"f\": false,"
    " \"n\": null, \"e\": \"\", \"dyn\": \"p\", \"self\": \"main\"}";

int LLVMFuzzerTestOneInput(const unsigned char *buf, size_t len);

int
LLVMFuzzerTestOneInput(const unsigned char *buf, size_t len)
{
	static json_t *data;
	const char *src = (const char *)buf;
	const char *nul = memchr(buf, '\0', len);
	size_t mlen = nul ? (size_t)(nul - src) : len;
	struct strlist errs = STRLIST_INIT;
	struct tmpl_set *set = tmpl_set_new();
	struct tmpl *t, *p = NULL;
	struct tmpl_limits lim = { 64 * 1024, 8, 20000 };
	struct buf out = BUF_INIT(1 << 20);
	struct err e = ERR_INIT;

	if (!data)
		data = json_loads(data_json, 0, NULL);
	if (nul)
		p = tmpl_compile(nul + 1, len - mlen - 1, "p", &errs);
	if (p)
		tmpl_set_add(set, "p", p);
	t = tmpl_compile(src, mlen, "main", &errs);
	if (t) {
		tmpl_set_add(set, "main", t);
		tmpl_set_check(set, &errs);
		tmpl_render(t, set, data, 0, &lim, &out, &e);
		buf_reset(&out);
		err_clear(&e);
		tmpl_render(t, set, data, TMPL_RAW, &lim, &out, &e);
		if (out.len > lim.max_output)
			__builtin_trap();
	}
	tmpl_set_free(set);
	buf_release(&out);
	strlist_release(&errs);
	return 0;
}
