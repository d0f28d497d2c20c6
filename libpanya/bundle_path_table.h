/* The path table: a compact, sorted map from every manifest path to the index positions of
 * its variants, stored (zstd-compressed) next to the index so that reading one file by path
 * needs neither the manifest nor an XML parser (docs/FORMAT.md, "Path table"). */
#ifndef PANYA_LIBPANYA_BUNDLE_PATH_TABLE_H
#define PANYA_LIBPANYA_BUNDLE_PATH_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "libpanya/bundle_format.h"

typedef struct bundle_path_table {
    const uint8_t *files, *variants, *profiles, *strings;
    uint32_t file_count, variant_count, profile_count, strings_size;
} bundle_path_table;

/* Checks every count, offset and position in data (of size bytes) against the table's own
 * bounds and against index_count; returns 0, or -1 when the table is malformed. */
int bundle_path_table_open(bundle_path_table *t, const uint8_t *data, size_t size,
                           uint64_t index_count);

/* Binary search for path: returns 1 and sets *file (its position in path order) when found,
 * else 0. */
int bundle_path_table_search(const bundle_path_table *t, const char *path, uint32_t *file);

/* A file's path bytes (not NUL-terminated) and its variants' range. */
const uint8_t *bundle_path_table_path(const bundle_path_table *t, uint32_t file, uint32_t *len);
void bundle_path_table_variants(const bundle_path_table *t, uint32_t file, uint32_t *first,
                                uint32_t *count);
/* Variant v (absolute, first..first+count-1): its index position and profile number. */
void bundle_path_table_variant(const bundle_path_table *t, uint32_t v, uint32_t *position,
                               uint32_t *profile);
/* A profile's name bytes (not NUL-terminated). */
const uint8_t *bundle_path_table_profile(const bundle_path_table *t, uint32_t profile,
                                         uint32_t *len);

/* Finds path (and profile, or the first variant when profile is NULL). Returns 1 and sets
 * *position (in the sorted index) when found; 0 when the path is absent; -1 when the path
 * has no variant for that profile. */
int bundle_path_table_find(const bundle_path_table *t, const char *path, const char *profile,
                           uint32_t *position);

#endif
