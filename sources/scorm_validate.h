/* Validating SCORM packages on disk: a zip (streamed with archive_input, never extracted) or
 * an unpacked folder. This is the entry point `panya validate` and `panya pack` call. */
#ifndef PANYA_SOURCES_SCORM_VALIDATE_H
#define PANYA_SOURCES_SCORM_VALIDATE_H

#include <stddef.h>

#include "common/error.h"
#include "manifest/scorm_files.h"
#include "manifest/scorm_report.h"
#include "manifest/scorm_schema.h"
#include "sources/archive_input.h"

typedef struct scorm_validate_options {
    scorm_schema_set *schemas;         /* NULL: the schema check is skipped, with schema_note */
    const char *schema_note;
    size_t max_manifest_bytes;         /* 0: 16 MiB */
    const archive_input_limits *limits; /* NULL: archive_input_default_limits */
} scorm_validate_options;

/* Validates the package at path into report (initialised by the caller). Returns 0 whatever
 * the package's verdict; a path or file that cannot be read is a package-unreadable finding
 * (verdict "unreadable"). -1 with err set only when the check itself failed (out of memory:
 * PANYA_ERR_INTERNAL). */
int scorm_validate_package(const char *path, const scorm_validate_options *options,
                           scorm_report *report, panya_error *err);

/* Adds to packages (initialised by the caller) the packages under dir: each folder holding an
 * imsmanifest.xml (not descended into), each *.zip file, and each folder
 * that cannot be listed (validating it reports why); then sorts the list. Returns 0, or -1
 * with err set (out of memory). */
int scorm_find_packages(const char *dir, scorm_files *packages, panya_error *err);

#endif
