/*
 * fuzz_mime.c - libFuzzer target: any bytes through parse_message (MIME,
 * charsets, HTML, forwards, flags), and every output string checked
 * against parse.h's promise: valid UTF-8 without NUL bytes.
 *
 * Built by "make fuzz-build" (clang, -fsanitize=fuzzer,address,undefined)
 * and run by tests/fuzz/run.  Small limits make the caps reachable.
 */
#include <stdint.h>
#include <stddef.h>

#include "util.h"
#include "buf.h"
#include "charset.h"
#include "err.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const char *s)
{
	if (s && !charset_utf8_valid(s, strlen(s)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_limits lim = PARSE_LIMITS_INIT;
	struct parsed_msg pm;
	struct err e = ERR_INIT;
	size_t i;

	lim.max_parts = 200;
	lim.max_depth = 12;
	lim.max_text = 64 * 1024;
	lim.max_header = 4096;
	if (!parse_message((const char *)data, size, &lim, &pm, &e)) {
		check(pm.from.name);
		check(pm.from.addr);
		check(pm.envelope_from.name);
		check(pm.reply_to.addr);
		check(pm.subject);
		check(pm.date_raw);
		check(pm.message_id);
		check(pm.in_reply_to);
		check(pm.html);
		check(pm.charset_used);
		check(pm.forward_note);
		check(pm.forward_subject);
		if (strlen(pm.text) != pm.text_len || !charset_utf8_valid(
		    pm.text, pm.text_len) || pm.text_len > lim.max_text)
			abort();
		for (i = 0; i < pm.nto; i++)
			check(pm.to[i].addr);
		for (i = 0; i < pm.nheaders; i++)
			check(pm.headers[i].value);
		for (i = 0; i < pm.natt; i++)
			check(pm.att[i].filename);
		for (i = 0; i < pm.references.n; i++)
			check(pm.references.v[i]);
	} else if (e.kind != ERR_PERM) {
		abort();
	}
	parsed_msg_release(&pm);
	return 0;
}
