/* Signed bundles (docs/SIGNING.md): the signature block, read at open, and the Ed25519 check
 * of the manifest with the library's own SHA-512/Ed25519 (no OpenSSL). */
#include "libpanya/panya_internal.h"

#include "libpanya/ed25519.h"
#include "libpanya/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIGNATURE_MAGIC "PANYASIG"
#define SIGNATURE_BLOCK_SIZE 112
#define SIGNATURE_ED25519 1u

int panya_load_signature(panya_bundle *b, panya_error *err)
{
    uint8_t *block;
    size_t len;
    const char *name = bundle_reader_name(b->reader);
    if (!(bundle_reader_footer(b->reader)->flags & BUNDLE_FLAG_SIGNED))
        return 0;
    b->is_signed = 1;
    if (bundle_reader_read_signature(b->reader, &block, &len, &b->signature_problem) != 0) {
        if (b->signature_problem.code == PANYA_ERR_INVALID)
            return 0; /* kept for panya_check_signature to report */
        *err = b->signature_problem;
        return -1;
    }
    if (len != SIGNATURE_BLOCK_SIZE || memcmp(block, SIGNATURE_MAGIC, 8) != 0) {
        panya_error_set(&b->signature_problem, PANYA_ERR_INVALID,
                        "%s: the signature block is damaged", name);
    } else if (bundle_get_u32(block + 8) != SIGNATURE_ED25519) {
        panya_error_set(&b->signature_problem, PANYA_ERR_INVALID,
                        "%s: signed with an unknown algorithm (%u)", name,
                        bundle_get_u32(block + 8));
    } else {
        memcpy(b->signer_key, block + 16, PANYA_PUBLIC_KEY_BYTES);
        memcpy(b->signature, block + 48, sizeof b->signature);
        uint8_t digest[LP_SHA256_SIZE];
        lp_sha256_buffer(b->signer_key, PANYA_PUBLIC_KEY_BYTES, digest);
        for (int i = 0; i < 8; i++) {
            static const char hex[] = "0123456789abcdef";
            b->key_id[2 * i] = hex[digest[i] >> 4];
            b->key_id[2 * i + 1] = hex[digest[i] & 15];
        }
        b->key_id[16] = '\0';
    }
    free(block);
    return 0;
}

panya_status panya_check_signature(panya_bundle *b,
                                   const uint8_t public_key[PANYA_PUBLIC_KEY_BYTES],
                                   panya_error_info *err)
{
    const char *name = bundle_reader_name(b->reader);
    if (!b->is_signed)
        return panya_failf(err, PANYA_ERR_INVALID, "%s: not signed", name);
    if (b->signature_problem.code != PANYA_OK)
        return panya_fail(err, &b->signature_problem);
    if (memcmp(public_key, b->signer_key, PANYA_PUBLIC_KEY_BYTES) != 0) {
        uint8_t digest[LP_SHA256_SIZE];
        lp_sha256_buffer(public_key, PANYA_PUBLIC_KEY_BYTES, digest);
        char given[PANYA_KEY_ID_CHARS];
        for (int i = 0; i < 8; i++)
            snprintf(given + 2 * i, 3, "%02x", digest[i]);
        return panya_failf(err, PANYA_ERR_INVALID, "%s: signed by %s, not by the given key %s",
                           name, b->key_id, given);
    }
    uint8_t *manifest;
    size_t len;
    panya_error e = {0};
    if (bundle_reader_read_manifest(b->reader, &manifest, &len, &e) != 0)
        return panya_fail(err, &e);
    int valid = lp_ed25519_verify(b->signature, manifest, len, public_key) == 0;
    free(manifest);
    if (!valid)
        return panya_failf(err, PANYA_ERR_INVALID,
                           "%s: the signature does not match the manifest (the bundle was "
                           "changed after it was signed)", name);
    return PANYA_OK;
}
