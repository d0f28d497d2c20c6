/* SHA-256 (FIPS 180-4), the library's own: the reader must not need OpenSSL (Android has none
 * in its NDK). Checked against the NIST vectors and OpenSSL in tests/unit/test_lib_crypto.c. */
#ifndef PANYA_LIBPANYA_SHA256_H
#define PANYA_LIBPANYA_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define LP_SHA256_SIZE 32

typedef struct lp_sha256 {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
} lp_sha256;

void lp_sha256_init(lp_sha256 *ctx);
void lp_sha256_update(lp_sha256 *ctx, const void *data, size_t len);
void lp_sha256_final(lp_sha256 *ctx, uint8_t out[LP_SHA256_SIZE]);
void lp_sha256_buffer(const void *data, size_t len, uint8_t out[LP_SHA256_SIZE]);

/* With allowed = 0 the portable code is used even where the CPU has SHA instructions (the
 * tests check both); 1 picks the fastest the CPU has (the default). */
void lp_sha256_use_accelerated(int allowed);

#endif
