/* sha256: FIPS 180-4 SHA-256, for content hashes (a trusted course's files). */
#ifndef PARLAB_SHA256_H
#define PARLAB_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint32_t h[8];
	uint64_t len;        /* bytes so far */
	unsigned char buf[64];
	size_t nbuf;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(sha256_ctx *c, char out[65]);

#endif
