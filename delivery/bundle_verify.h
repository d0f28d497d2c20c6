/* Checks a whole bundle: footer, index, manifest and every object against its hash, and
 * names the files and lessons that damage affects. */
#ifndef PANYA_DELIVERY_BUNDLE_VERIFY_H
#define PANYA_DELIVERY_BUNDLE_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "libpanya/bundle_reader.h"

typedef struct verify_report {
    bool tables_intact;
    bool manifest_intact;
    bool path_table_intact;      /* readable and agreeing with the manifest (or absent) */
    bool signature_intact;       /* the footer's signature block in its place (or unsigned) */
    char signature_problem[2048];
    char manifest_problem[2048]; /* why the manifest could not be read, when it could not */
    uint64_t objects_checked;
    uint64_t objects_damaged;
    uint64_t files_checked;
    char **damaged_files;   /* "PATH" or "PATH (profile P)"; object hashes when no manifest */
    size_t damaged_file_count;
    char **damaged_lessons; /* "COURSE / LESSON" titles or ids */
    size_t damaged_lesson_count;
} verify_report;

/* Fills report; returns 0 when the bundle is whole, 1 when damage was found, -1 on an error
 * that stopped the check (err set: unreadable file, out of memory). */
int bundle_verify(bundle_reader *r, const char *display_name, verify_report *report,
                  panya_error *err);

/* One line saying why a bundle that bundle_verify found damaged is not whole ("3 of 24
 * objects do not match their hash", "2 files name objects missing from the bundle", ...). */
void verify_report_describe(const verify_report *report, char *text, size_t size);

void verify_report_free(verify_report *report);

#endif
