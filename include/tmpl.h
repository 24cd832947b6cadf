/*
 * tmpl.h - Mustache templates (the mustache spec, github.com/mustache/spec,
 * is the reference) rendered over jansson values.
 *
 * Supported: the whole required spec (interpolation, sections, inverted
 * sections, comments, partials with standalone indentation, set
 * delimiter) and the optional inheritance ({{<parent}}, {{$block}}) and
 * dynamic names ({{>*name}}, {{<*name}}) modules.  Lambdas are not (the
 * data model is JSON).  tests/unit/test_tmpl.c runs the spec files.
 *
 * Values: a missing name, null, false, "" and [] are falsey; every other
 * value (0 included) is truthy.  Interpolated numbers print in their
 * shortest exact form, true/false as words, null as nothing, objects and
 * arrays as nothing.
 *
 * Escaping: {{name}} is HTML-escaped (& < > " ') unless the render flag
 * TMPL_RAW is given (for text/plain parts); {{{name}}} and {{&name}} never
 * are.
 *
 * Errors in a template ("unclosed section 'x'", "bad delimiter") are
 * appended to a list as "file:line: message", all of them, and the
 * template is not returned.  Rendering fails only on the caps in struct
 * tmpl_limits (output size, partial depth, work), with ERR_PERM.
 */
#ifndef INQUIRYD_TMPL_H
#define INQUIRYD_TMPL_H

#include <jansson.h>

#include "buf.h"

struct err;
struct tmpl;		/* one compiled template */
struct tmpl_set;	/* templates by name: the partial namespace */

/* The largest template source tmpl_compile accepts. */
#define TMPL_MAX_SOURCE (1024 * 1024)
/* Sections, blocks and parents nested inside one template. */
#define TMPL_MAX_NESTING 64

enum tmpl_flag {
	TMPL_RAW = 1 << 0,	/* {{name}} is not HTML-escaped */
};

struct tmpl_limits {
	size_t max_output;	/* bytes appended to out in all */
	unsigned max_depth;	/* partials and parents inside one another */
	unsigned long max_steps;	/* nodes visited: no runaway loops */
};
#define TMPL_LIMITS_INIT { 1024 * 1024, 16, 1000000 }

/*
 * Compiles len bytes of src.  file names the source in errors (NULL:
 * "template").  Returns the template (free with tmpl_free), or NULL with
 * every problem appended to errors as "file:line: message".
 */
struct tmpl *tmpl_compile(const char *src, size_t len, const char *file,
    struct strlist *errors);
void tmpl_free(struct tmpl *t);
/* The file name given to tmpl_compile (owned by t). */
const char *tmpl_file(const struct tmpl *t);

/* A set of named templates; partial and parent tags look names up here. */
struct tmpl_set *tmpl_set_new(void);
void tmpl_set_free(struct tmpl_set *s);
/* Adds t as name; the set owns t.  A template of the same name is freed. */
void tmpl_set_add(struct tmpl_set *s, const char *name, struct tmpl *t);
/* The template called name, or NULL. */
const struct tmpl *tmpl_set_get(const struct tmpl_set *s, const char *name);
/* The number of templates and the name of the i-th (in insertion order). */
size_t tmpl_set_count(const struct tmpl_set *s);
const char *tmpl_set_name(const struct tmpl_set *s, size_t i);

/*
 * Checks that every partial and parent named literally in the templates of
 * s exists in s (dynamic names are resolved at render time and cannot be
 * checked).  Appends "file:line: no template 'x' for partial" per miss and
 * returns how many there were.
 */
size_t tmpl_set_check(const struct tmpl_set *s, struct strlist *errors);

/*
 * Renders t with data as the context (any JSON value; NULL is an empty
 * object), looking partials up in partials (may be NULL: none), and
 * appends the text to out.  flags are enum tmpl_flag; lim NULL means
 * TMPL_LIMITS_INIT.  Returns 0, or -1 with e set (ERR_PERM) when a cap is
 * passed or out's own cap is reached; out then holds a partial result.
 */
int tmpl_render(const struct tmpl *t, const struct tmpl_set *partials,
    const json_t *data, unsigned flags, const struct tmpl_limits *lim,
    struct buf *out, struct err *e);

/* Appends s HTML-escaped (& < > " ') to out; 0 or -1 at out's cap. */
int tmpl_escape_html(struct buf *out, const char *s, size_t len);

#endif
