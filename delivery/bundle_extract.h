/* Reading a bundle's contents by path: its manifest, one file (cat) or all files (extract),
 * and checking every object (verify). */
#ifndef PANYA_DELIVERY_BUNDLE_EXTRACT_H
#define PANYA_DELIVERY_BUNDLE_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "manifest/bundle_manifest.h"
#include "libpanya/bundle_reader.h"

/* Reads and parses the manifest of an open bundle. Returns NULL with err set. */
bundle_manifest *bundle_load_manifest(bundle_reader *r, const char *display_name,
                                      panya_error *err);

/* The index entry holding the variant's bytes, or NULL with err set (missing object). */
const bundle_index_entry *bundle_variant_entry(bundle_reader *r, const char *path,
                                               const manifest_variant *variant,
                                               panya_error *err);

typedef struct extract_result {
    uint64_t files_written;
    uint64_t folders_created;
    uint64_t bytes_written;
    char **failed; /* "PATH: reason" for each file not written (damaged object, …) */
    size_t failed_count;
} extract_result;

/* Recreates the bundle's files below dest (created if missing). `profile` picks the variant
 * (NULL: each file's first). Paths are created with openat() below dest and never follow
 * symbolic links, so nothing is written outside dest. Each file is written under a
 * temporary name and renamed only once its bytes matched their hash; a damaged file is
 * listed in result->failed and the others are still written. Returns 0 when every file was
 * written; -1 with err set otherwise (PANYA_ERR_INVALID when objects were damaged). */
int bundle_extract(bundle_reader *r, const bundle_manifest *m, const char *dest,
                   const char *profile, extract_result *result, panya_error *err);

void extract_result_free(extract_result *result);

#endif
