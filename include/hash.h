/*
 * hash.h - SHA-256 as lowercase hex (the only user of nettle).
 */
#ifndef INQUIRYD_HASH_H
#define INQUIRYD_HASH_H

#include "util.h"

/* Writes the SHA-256 of p[0..n) as 64 lowercase hex digits and a NUL. */
void hash_sha256_hex(const void *p, size_t n, char out[65]);

/*
 * SHA-256 in pieces, for data that is not in one buffer: init, update
 * any number of times, final (the state is then spent).  The struct is
 * the caller's (on the stack); its contents are nettle's.
 */
struct hash_sha256 {
	uint64_t state[24];
};
void hash_sha256_init(struct hash_sha256 *h);
void hash_sha256_update(struct hash_sha256 *h, const void *p, size_t n);
/* Writes the digest as 64 lowercase hex digits and a NUL. */
void hash_sha256_final(struct hash_sha256 *h, char out[65]);

#endif
