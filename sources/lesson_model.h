/* The lesson model: what the source readers found, before anything is transcoded. Courses,
 * lessons and items are kept in a bundle_manifest (which gets its files later, from the
 * plan); every file to pack is listed with its path in the bundle and where its bytes are. */
#ifndef PANYA_SOURCES_LESSON_MODEL_H
#define PANYA_SOURCES_LESSON_MODEL_H

#include <stddef.h>

#include "common/error.h"
#include "manifest/bundle_manifest.h"

typedef struct model_file {
    char *bundle_path; /* where the file goes in the bundle */
    char *disk_path;   /* where its bytes are now: the source, or the staging folder */
} model_file;

typedef struct lesson_model {
    bundle_manifest *manifest; /* id, titles, courses, lessons, items; files come later */
    model_file *files;
    size_t file_count;
    char **empty_folders; /* bundle paths of empty folders to recreate */
    size_t folder_count;
    char **skipped;       /* "WHAT: why", for lessons left out under --keep-going */
    size_t skipped_count;
    char **warnings;      /* things left out that are not lessons (stray files, links) */
    size_t warning_count;
} lesson_model;

/* Creates an empty model for a pack with this id and version; NULL when out of memory. */
lesson_model *lesson_model_new(const char *id, const char *version);
void lesson_model_free(lesson_model *model);

/* Adds a file. Returns 0, or -1 with err set (unsafe bundle path, OOM). */
int lesson_model_add_file(lesson_model *model, const char *bundle_path, const char *disk_path,
                          panya_error *err);
int lesson_model_add_folder(lesson_model *model, const char *bundle_path, panya_error *err);

/* Records a skipped lesson or a warning (formatted like printf). Returns 0 or -1 (OOM). */
int lesson_model_skip(lesson_model *model, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int lesson_model_warn(lesson_model *model, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Orders files by bundle path; two sources giving the same path is an error naming it. */
int lesson_model_finish(lesson_model *model, panya_error *err);

/* Records each package item's launch file (sources/lesson_launch.c): a SCORM package's first
 * launchable resource, else the package's index.html. Called by lesson_model_finish, once the
 * files are sorted. Returns 0 or -1 (OOM). */
int lesson_model_resolve_launches(lesson_model *model, panya_error *err);

/* Compares names the way people number lessons: "2 Rain" before "10 Wind"; Lao digits
 * (໐-໙) are numbers like 0-9, so "໒ ..." comes before "໑໐ ...". */
int lesson_name_compare(const char *a, const char *b);

#endif
