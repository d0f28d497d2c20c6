/* Recreating a bundle's files in a folder (panya extract, and the sideload checks). */
#ifndef PANYA_DELIVERY_BUNDLE_EXTRACT_H
#define PANYA_DELIVERY_BUNDLE_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "libpanya/include/panya.h"

typedef struct extract_result {
    uint64_t files_written;
    uint64_t folders_created;
    uint64_t bytes_written;
    char **failed; /* "PATH: reason" for each file not written (damaged object, …) */
    size_t failed_count;
} extract_result;

/* Recreates the bundle's files below dest (created if missing). Files and empty folders come
 * from the path table and catalogue; for a format 1.0 bundle (or damaged tables), from the XML
 * manifest. `profile` picks the variant (NULL: each file's first; a file without that profile
 * gives its "source" variant, else its first). Paths are created with openat() below dest and never follow
 * symbolic links, so nothing is written outside dest. Each file is written under a
 * temporary name and renamed only once its bytes matched their hash; a damaged file is
 * listed in result->failed and the others are still written. Returns 0 when every file was
 * written; -1 with err set otherwise (PANYA_ERR_INVALID when objects were damaged). */
int bundle_extract(panya_bundle *b, const char *display_name, const char *dest,
                   const char *profile, extract_result *result, panya_error *err);

void extract_result_free(extract_result *result);

#endif
