/* Updates between two versions of a bundle (docs/PATCH.md). A patch describes the new
 * bundle as a sequence of segments: COPY a byte range of the old bundle (an object or
 * dictionary whose stored bytes are unchanged), or take the next LITERAL bytes (objects
 * the old bundle lacks, the new manifest, index, signature and footer), the literals held
 * as one zstd frame. It names the old bundle by size and SHA-256 and the new one likewise,
 * so applying it to the wrong base fails before anything is written, and the result is
 * checked byte for byte (and object by object) before it gets its name. */
#ifndef PANYA_WRITER_BUNDLE_PATCH_H
#define PANYA_WRITER_BUNDLE_PATCH_H

#include <stdint.h>

#include "common/error.h"

#define PATCH_MAGIC "PANYAPCH"
#define PATCH_VERSION 1
#define PATCH_HEADER_SIZE 128
#define PATCH_SEGMENT_SIZE 24

typedef struct patch_stats {
    uint64_t old_size, new_size, patch_size;
    uint64_t copied_bytes;  /* bytes of NEW taken from OLD */
    uint64_t literal_bytes; /* bytes of NEW carried by the patch (before its compression) */
    uint64_t objects_copied, objects_carried; /* NEW's objects taken from OLD / carried */
    uint64_t segments;
} patch_stats;

/* Writes patch_path (crash-safely) that turns old_path into new_path. Both must be whole
 * bundles (checked); a damaged one is PANYA_ERR_INVALID. Returns 0 or -1. */
int bundle_diff(const char *old_path, const char *new_path, const char *patch_path,
                patch_stats *stats, panya_error *err);

/* Applies patch_path to old_path and writes new_path (crash-safely). A patch made for
 * another base, or a damaged patch, is PANYA_ERR_INVALID and nothing is written under
 * new_path. The result must match the new bundle's size and SHA-256 and pass a full check
 * of its objects before it is renamed into place. Returns 0 or -1. */
int bundle_patch(const char *old_path, const char *patch_path, const char *new_path,
                 patch_stats *stats, panya_error *err);

#endif
