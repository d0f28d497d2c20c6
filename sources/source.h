/* Source readers: one per input format (docs/SOURCES.md), each turning what it is given into
 * courses, lessons, items and files of the lesson model. Adding a format is adding a
 * source_*.c file with a source_reader and listing it in source.c. */
#ifndef PANYA_SOURCES_SOURCE_H
#define PANYA_SOURCES_SOURCE_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "sources/lesson_model.h"
#include "sources/scorm_validate.h"

typedef struct source_context {
    const char *staging_dir;      /* private folder for unpacked zips, removed after packing */
    bool keep_going;              /* skip broken lessons (recorded in the model) */
    scorm_validate_options scorm; /* how SCORM packages are validated before packing */
    unsigned next_staging;        /* counter for staging subfolders */
    unsigned scorm_packages;      /* SCORM packages validated */
    dev_t skip_dev;               /* the output bundle, when it lies inside a source folder */
    ino_t skip_ino;
} source_context;

typedef struct source_reader {
    const char *name; /* "scorm", "kpl", "folder": what --source accepts */
    /* True when this reader recognises path (cheap: a look at names, not a full read). */
    bool (*claims)(const char *path);
    /* Adds what path holds to model. bundle_prefix ("" for the top) is where its files go. */
    int (*read)(const char *path, const char *bundle_prefix, source_context *ctx,
                lesson_model *model, panya_error *err);
} source_reader;

extern const source_reader source_reader_scorm;
extern const source_reader source_reader_kpl;
extern const source_reader source_reader_folder;

/* Reads path with the reader named `kind`, or with the first that claims it (SCORM package,
 * then KPL export, then plain folder) when kind is NULL. Returns 0 or -1. */
int source_read(const char *path, const char *kind, source_context *ctx, lesson_model *model,
                panya_error *err);

/* A fresh folder below ctx->staging_dir for one unpacked archive (malloc'd path). */
char *source_staging_folder(source_context *ctx, panya_error *err);

/* Unpacks a zip into dest (an empty staging folder) with archive_input: entries with unsafe
 * names or links are refused, sizes are bounded. Returns 0 or -1 naming the zip and entry. */
int source_unzip(const char *zip_path, const char *dest, panya_error *err);

/* Looks at a zip's entry names only: sets *has_manifest when imsmanifest.xml is at its root,
 * *has_index when index.html is, and *all_in_folders (unless NULL) when every file is inside
 * a folder. Returns 0 or -1 (not a readable zip). */
int source_zip_roots(const char *zip_path, bool *has_manifest, bool *has_index,
                     bool *all_in_folders, panya_error *err);

/* Adds every file below folder (recursively, byte order) to the model under bundle_prefix.
 * Returns 0 or -1. */
int source_add_folder_files(const char *folder, const char *bundle_prefix,
                            const source_context *ctx, lesson_model *model, panya_error *err);

/* Validates the SCORM package at path (zip or folder) and adds its files under bundle_prefix;
 * *title receives the default organization's title (malloc'd) or NULL. An invalid package is
 * an error with the first finding, or, under keep_going, a skipped lesson (returns 1). */
int source_scorm_add_package(const char *path, const char *bundle_prefix, source_context *ctx,
                             lesson_model *model, char **title, panya_error *err);

/* Adds a title in Lao ("lo") when text has Lao letters, else in English ("en"). */
int source_add_title(manifest_titles *titles, const char *text);

/* The last component of path without a ".zip" extension (malloc'd). */
char *source_package_name(const char *path);

/* "prefix/name", or name when prefix is empty (malloc'd). */
char *source_join(const char *prefix, const char *name);

#endif
