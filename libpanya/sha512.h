/* SHA-512 (FIPS 180-4), needed only by Ed25519 signature checking (ed25519.c). */
#ifndef PANYA_LIBPANYA_SHA512_H
#define PANYA_LIBPANYA_SHA512_H

#include <stddef.h>
#include <stdint.h>

#define LP_SHA512_SIZE 64

typedef struct lp_sha512 {
    uint64_t state[8];
    uint64_t length; /* bytes hashed so far (inputs stay far below 2^61 bytes) */
    uint8_t block[128];
    size_t used;
} lp_sha512;

void lp_sha512_init(lp_sha512 *ctx);
void lp_sha512_update(lp_sha512 *ctx, const void *data, size_t len);
void lp_sha512_final(lp_sha512 *ctx, uint8_t out[LP_SHA512_SIZE]);

#endif
