/* The public API's handle (include/panya.h) around the internal reader. */
#ifndef PANYA_LIBPANYA_PANYA_INTERNAL_H
#define PANYA_LIBPANYA_PANYA_INTERNAL_H

#include <stdatomic.h>

#include "common/error.h"
#include "libpanya/bundle_reader.h"
#include "libpanya/include/panya.h"
#include "libpanya/object_cache.h"

#define PANYA_DEFAULT_CACHE_BYTES (8u << 20)

struct panya_bundle {
    bundle_reader *reader;
    unsigned flags;
    object_cache *cache;
    atomic_uchar *checked; /* per object: 1 once it matched its hash (raw objects) */
    /* NUL-terminated copies of the path table's strings (empty when it is unusable) */
    char *strings;
    char **paths;
    char **profiles;
    uint32_t file_count, profile_count;
    panya_text *texts; /* the catalogue's texts, or NULL */
    /* the signature block, read at open */
    int is_signed;
    uint8_t signer_key[PANYA_PUBLIC_KEY_BYTES];
    uint8_t signature[64];
    char key_id[PANYA_KEY_ID_CHARS];
    panya_error signature_problem; /* PANYA_OK when the block is well-formed */
};

/* Copies an internal error into the caller's (which may be NULL); returns its status. */
panya_status panya_fail(panya_error_info *out, const panya_error *err);

/* Sets the caller's error from a format string; returns status. */
panya_status panya_failf(panya_error_info *out, panya_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads the signature block at open (panya_signature.c). Returns 0, or -1 when out of memory
 * or unreadable (err set); a malformed block is recorded in signature_problem instead. */
int panya_load_signature(panya_bundle *b, panya_error *err);

#endif
