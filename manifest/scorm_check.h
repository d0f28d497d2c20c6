/* The SCORM manifest checker: runs checks 1-8 of issue 3 on a package given as its file list
 * and the bytes of its root imsmanifest.xml. No file I/O, so it can be fuzzed and reused by
 * any reader (folder, zip). */
#ifndef PANYA_MANIFEST_SCORM_CHECK_H
#define PANYA_MANIFEST_SCORM_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "manifest/scorm_files.h"
#include "manifest/scorm_report.h"
#include "manifest/scorm_schema.h"

typedef struct scorm_check_options {
    scorm_schema_set *schemas; /* trusted XSDs; NULL skips stage 5 */
    const char *schema_note;   /* shown when stage 5 is skipped: why there are no schemas */
} scorm_check_options;

/* Checks the package. manifest is NULL when the package root has no imsmanifest.xml (stage 1
 * then says where one was found, or which other format the package is). Findings go to
 * report; files gets its referenced marks. Returns 0, or -1 with err set when the check itself
 * failed (out of memory, schema set does not compile): never for a bad package. */
int scorm_check_manifest(const scorm_files *files, const char *manifest, size_t length,
                         const scorm_check_options *options, scorm_report *report,
                         panya_error *err);

/* For readers that find another format's marker file (moodle_backup.xml, h5p.json, ...) in an
 * archive that is not a zip: adds the not-scorm finding with its hint and returns true; false
 * when path is no known marker. */
bool scorm_check_other_format_marker(const char *path, scorm_report *report);

#endif
