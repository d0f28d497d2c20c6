/* SHA-256 (OpenSSL libcrypto): object names and integrity checks. */
#ifndef PANYA_COMMON_HASH_H
#define PANYA_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define PANYA_HASH_SIZE 32
#define PANYA_HASH_HEX_SIZE 65 /* 64 hex digits and a NUL */

typedef struct panya_sha256 {
    void *md_ctx; /* EVP_MD_CTX, opaque so callers need no OpenSSL headers */
} panya_sha256;

/* Returns 0, or -1 when OpenSSL cannot allocate a context. */
int panya_sha256_init(panya_sha256 *ctx);
void panya_sha256_update(panya_sha256 *ctx, const void *data, size_t len);
/* Writes the digest and releases the context. */
void panya_sha256_final(panya_sha256 *ctx, uint8_t out[PANYA_HASH_SIZE]);
/* Releases a context without producing a digest (error paths). */
void panya_sha256_discard(panya_sha256 *ctx);

/* One-shot digest; returns 0 or -1 (out of memory). */
int panya_sha256_buffer(const void *data, size_t len, uint8_t out[PANYA_HASH_SIZE]);

/* Hashes a whole file: *size gets its length. An unreadable file is PANYA_ERR_USAGE naming
 * path. Returns 0 or -1 (err may be NULL). */
int panya_sha256_file(const char *path, uint8_t hash[PANYA_HASH_SIZE], uint64_t *size,
                      panya_error *err);

void panya_hash_to_hex(const uint8_t hash[PANYA_HASH_SIZE], char hex[PANYA_HASH_HEX_SIZE]);
/* The value of one hex digit (either case), or -1. */
int panya_hex_digit(char c);

/* Parses exactly 64 lowercase or uppercase hex digits; returns 0 or -1. */
int panya_hash_from_hex(const char *hex, uint8_t hash[PANYA_HASH_SIZE]);

#endif
