/* Writing the path table (docs/FORMAT.md, "Path table") from a finished manifest model. */
#ifndef PANYA_WRITER_PATH_TABLE_BUILD_H
#define PANYA_WRITER_PATH_TABLE_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "libpanya/bundle_format.h"
#include "manifest/bundle_manifest.h"

#define BUNDLE_MAX_PROFILES 256

/* The profiles of a finished manifest, numbered in order of first appearance (the path
 * table's and the catalogue's profile numbers). Returns 0 or -1. */
int bundle_profile_list(const bundle_manifest *m, const char *names[BUNDLE_MAX_PROFILES],
                        uint32_t *count, panya_error *err);

/* Encodes the table for a finished manifest; `entries` is the sorted index (count entries).
 * A variant whose object is not in the index is an internal error. *out is malloc'd. */
int bundle_path_table_build(const bundle_manifest *m, const bundle_index_entry *entries,
                            size_t count, uint8_t **out, size_t *len, panya_error *err);

#endif
