/* Moodle backups, one activity at a time (sources/source_moodle.c reads the backup and its
 * sections): the files an activity kind becomes, found through files.xml, and the pages
 * panya generates for pages, labels and books. Not thread-safe; one backup per call. */
#ifndef PANYA_SOURCES_MOODLE_ACTIVITY_H
#define PANYA_SOURCES_MOODLE_ACTIVITY_H

#include <libxml/tree.h>

#include "sources/source.h"

/* One <file> of files.xml (strings are libxml2's). */
typedef struct backup_file {
    char *hash, *component, *filearea, *filepath, *filename;
    long contextid, itemid, sortorder;
} backup_file;

typedef struct backup {
    source_context *ctx;
    lesson_model *model;
    manifest_course *course;
    const char *folder; /* unpacked */
    const char *prefix; /* in the bundle */
    const char *shown;  /* the backup as the user names it */
    const char *mbz;    /* the backup's path: each activity's staging folder comes from it */
    backup_file *files;
    size_t file_count;
    size_t lessons;
} backup;

/* An activity being read: its folder in the bundle and the files it adds. */
typedef struct activity {
    backup *b;
    const char *title;
    long contextid;
    char *place;  /* bundle folder: PREFIX/MODNAME_ID */
    char *staged; /* staging folder of its generated pages */
} activity;

/* The text of parent's child `name` (malloc'd by libxml2; "" when absent), or NULL (OOM). */
char *moodle_child_text(const xmlNode *parent, const char *name);
long moodle_child_number(const xmlNode *parent, const char *name);

/* What an activity kind needs Moodle for (a phrase), or NULL when panya packs it. */
const char *moodle_offline_gap(const char *modname);

/* Adds the files of one packed activity (module: its MODNAME element in MOD.xml) to the
 * model and fills its item: *kind and *path, and *launch when the player opens a file other
 * than the path (malloc'd). Returns 0, 1 (a package skipped under --keep-going) or -1:
 * PANYA_ERR_INVALID for a damaged activity (a file files.xml lists but the backup lacks). */
int moodle_add_activity_files(activity *a, const char *modname, const xmlNode *module,
                              const char **kind, char **path, char **launch, panya_error *err);

#endif
