/*
 * hash.c - SHA-256 with nettle.
 */
#include <nettle/sha2.h>

#include "hash.h"

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(struct hash_sha256),
    "struct hash_sha256 too small for nettle's sha256_ctx");

static void
to_hex(const uint8_t d[SHA256_DIGEST_SIZE], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

void
hash_sha256_hex(const void *p, size_t n, char out[65])
{
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, n, p);
	sha256_digest(&ctx, sizeof(d), d);
	to_hex(d, out);
}

void
hash_sha256_init(struct hash_sha256 *h)
{
	sha256_init((struct sha256_ctx *)(void *)h->state);
}

void
hash_sha256_update(struct hash_sha256 *h, const void *p, size_t n)
{
	sha256_update((struct sha256_ctx *)(void *)h->state, n, p);
}

void
hash_sha256_final(struct hash_sha256 *h, char out[65])
{
	uint8_t d[SHA256_DIGEST_SIZE];

	sha256_digest((struct sha256_ctx *)(void *)h->state, sizeof(d), d);
	to_hex(d, out);
}
