/* Packs a plain folder as it is (profile "source": files stored unchanged) into a bundle. */
#ifndef PANYA_PACKER_PACK_FOLDER_H
#define PANYA_PACKER_PACK_FOLDER_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "packer/bundle_writer.h"

typedef struct pack_folder_options {
    const char *id;      /* pack id; NULL: the folder's name */
    const char *version; /* pack version; NULL: "1" */
    const char *title;   /* English title; NULL: the folder's name */
    const char *title_lo; /* Lao title, or NULL */
    bundle_writer_options writer;
} pack_folder_options;

typedef struct pack_folder_summary {
    uint64_t files;
    uint64_t folders;
    uint64_t input_bytes;
    bundle_writer_stats bundle;
    char **warnings; /* paths skipped, one line each */
    size_t warning_count;
} pack_folder_summary;

/* Packs folder `dir` into out_path. The summary's warnings are malloc'd even on failure:
 * free them with pack_folder_summary_free. Returns 0 or -1. */
int pack_folder(const char *dir, const char *out_path, const pack_folder_options *options,
                pack_folder_summary *summary, panya_error *err);

void pack_folder_summary_free(pack_folder_summary *summary);

#endif
