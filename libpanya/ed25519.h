/* Ed25519 signature checking (RFC 8032, pure Ed25519), written for the reader library in the
 * style of TweetNaCl: small and obviously correct rather than fast (one check costs about a
 * millisecond). Only verification: signing stays in writer/ (OpenSSL). */
#ifndef PANYA_LIBPANYA_ED25519_H
#define PANYA_LIBPANYA_ED25519_H

#include <stddef.h>
#include <stdint.h>

#include "libpanya/sha512.h"

#define LP_ED25519_PUBLIC_KEY_SIZE 32
#define LP_ED25519_SIGNATURE_SIZE 64

/* Starts hashing R || A || message: feed the message with lp_sha512_update on *hash, then
 * call lp_ed25519_verify_final. Split so a long message can be streamed. */
void lp_ed25519_verify_start(lp_sha512 *hash, const uint8_t signature[LP_ED25519_SIGNATURE_SIZE],
                             const uint8_t public_key[LP_ED25519_PUBLIC_KEY_SIZE]);

/* Returns 0 when the signature is valid for the message hashed into *hash, -1 otherwise
 * (including a non-canonical S or a public key that is not a curve point). */
int lp_ed25519_verify_final(lp_sha512 *hash, const uint8_t signature[LP_ED25519_SIGNATURE_SIZE],
                            const uint8_t public_key[LP_ED25519_PUBLIC_KEY_SIZE]);

/* One call for a message in memory. */
int lp_ed25519_verify(const uint8_t signature[LP_ED25519_SIGNATURE_SIZE], const void *message,
                      size_t len, const uint8_t public_key[LP_ED25519_PUBLIC_KEY_SIZE]);

#endif
