/* Lists a plain folder for packing: every regular file (symbolic links to files are read
 * through), every empty folder, in byte order of their relative paths so the bundle does
 * not depend on the order the filesystem returns names in. */
#ifndef PANYA_SOURCES_SOURCE_FOLDER_H
#define PANYA_SOURCES_SOURCE_FOLDER_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

typedef struct folder_file {
    char *relative_path; /* '/'-separated, UTF-8 */
    char *disk_path;
} folder_file;

typedef struct folder_listing {
    folder_file *files;
    size_t file_count;
    char **empty_folders; /* relative paths */
    size_t folder_count;
    char **warnings; /* things skipped, one line each, naming the path */
    size_t warning_count;
} folder_listing;

/* Lists root. The file identified by (skip_dev, skip_ino) — the output bundle when it
 * lies inside root — is left out; pass 0, 0 to skip nothing. A name that is not UTF-8 is
 * an error (PANYA_ERR_INVALID) naming it. Returns 0 or -1. */
int folder_list(const char *root, dev_t skip_dev, ino_t skip_ino, folder_listing *out,
                panya_error *err);

void folder_listing_free(folder_listing *listing);

#endif
