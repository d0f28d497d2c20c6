/* Ed25519 keys and signing of bundles (OpenSSL libcrypto); checking a signature is the reader
 * library's job (panya_check_signature). The signature covers the uncompressed
 * manifest bytes; the manifest names every object by its SHA-256, so a valid signature plus
 * every object matching its hash vouches for the whole bundle. Keys are PEM files (PKCS#8
 * private key, SubjectPublicKeyInfo public key); a key id is the first 8 bytes of the
 * SHA-256 of the raw 32-byte public key, in hex.
 *
 * Signature block (docs/SIGNING.md), stored between the dictionary table and the footer
 * and located by the footer's signature_offset / signature_size, with BUNDLE_FLAG_SIGNED:
 *   "PANYASIG" (8) | algorithm u32 = 1 (Ed25519) | reserved u32 = 0 |
 *   public key (32) | signature (64)                                   = 112 bytes */
#ifndef PANYA_WRITER_BUNDLE_SIGN_H
#define PANYA_WRITER_BUNDLE_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define BUNDLE_SIGNATURE_MAGIC "PANYASIG"
#define BUNDLE_SIGNATURE_ED25519 1u
#define BUNDLE_SIGNATURE_BLOCK_SIZE 112
#define BUNDLE_PUBLIC_KEY_SIZE 32
#define BUNDLE_SIGNATURE_SIZE 64
#define BUNDLE_KEY_ID_HEX_SIZE 17 /* 16 hex digits and a NUL */

/* An Ed25519 key, private (can sign and check) or public (can check only). */
typedef struct bundle_key bundle_key;

/* Generates a key pair and writes private_path (mode 0600) and public_path, each crash-safely.
 * Writes the key id. Returns 0 or -1. */
int bundle_keygen(const char *private_path, const char *public_path,
                  char key_id[BUNDLE_KEY_ID_HEX_SIZE], panya_error *err);

/* Loads a PEM private key. Not Ed25519 or not a key: PANYA_ERR_USAGE. NULL on error. */
bundle_key *bundle_key_load_private(const char *path, panya_error *err);

/* Loads a PEM public key (a private key file is accepted too). NULL on error. */
bundle_key *bundle_key_load_public(const char *path, panya_error *err);

void bundle_key_free(bundle_key *key);

void bundle_key_id(const bundle_key *key, char key_id[BUNDLE_KEY_ID_HEX_SIZE]);

/* Signs manifest bytes with a private key and encodes the signature block. Returns 0 or -1. */
int bundle_sign_manifest(const bundle_key *key, const uint8_t *manifest, size_t len,
                         uint8_t block[BUNDLE_SIGNATURE_BLOCK_SIZE], panya_error *err);

/* The raw 32-byte Ed25519 public key, as the reader library checks signatures with it
 * (panya_check_signature in libpanya/include/panya.h). */
void bundle_key_public(const bundle_key *key, uint8_t public_key[BUNDLE_PUBLIC_KEY_SIZE]);

#endif
