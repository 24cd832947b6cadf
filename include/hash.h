/*
 * hash.h - SHA-256 as lowercase hex (the only user of nettle).
 */
#ifndef INQUIRYD_HASH_H
#define INQUIRYD_HASH_H

#include "util.h"

/* Writes the SHA-256 of p[0..n) as 64 lowercase hex digits and a NUL. */
void hash_sha256_hex(const void *p, size_t n, char out[65]);

#endif
