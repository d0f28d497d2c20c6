/* Checks a whole bundle: the library's check of every object and table (panya_verify_all),
 * plus what needs the XML manifest: that the manifest reads, that the binary path table and
 * catalogue agree with it, and (for 1.0 bundles) which lessons damage affects. */
#ifndef PANYA_DELIVERY_BUNDLE_VERIFY_H
#define PANYA_DELIVERY_BUNDLE_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "libpanya/include/panya.h"

typedef struct verify_report {
    bool tables_intact;
    bool manifest_intact;
    bool path_table_intact;      /* path table and catalogue readable and agreeing with the
                                    manifest (or absent in a 1.0 bundle) */
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
int bundle_verify(panya_bundle *b, const char *display_name, verify_report *report,
                  panya_error *err);

/* The footer's signature block, as `verify` checks it: 0 when the bundle is unsigned or
 * the block is well-formed (whoever signed), -1 with err set (PANYA_ERR_INVALID) when the
 * footer says "signed" and the block is missing, misplaced or damaged. */
int bundle_signature_intact(panya_bundle *b, const char *display_name, panya_error *err);

/* One line saying why a bundle that bundle_verify found damaged is not whole ("3 of 24
 * objects do not match their hash", "2 files name objects missing from the bundle", ...). */
void verify_report_describe(const verify_report *report, char *text, size_t size);

void verify_report_free(verify_report *report);

#endif
