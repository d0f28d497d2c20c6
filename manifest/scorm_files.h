/* The list of files in a SCORM package (relative UTF-8 paths, '/'-separated), however the
 * package was read (folder or zip), with lookup and "was this referenced" marks. */
#ifndef PANYA_MANIFEST_SCORM_FILES_H
#define PANYA_MANIFEST_SCORM_FILES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct scorm_files {
    char **paths;      /* sorted by byte value after scorm_files_finish */
    bool *referenced;  /* parallel to paths */
    size_t *folded;    /* indices of paths, sorted ignoring ASCII case */
    size_t count;
    size_t capacity;
} scorm_files;

void scorm_files_init(scorm_files *files);
void scorm_files_free(scorm_files *files);

/* Adds a copy of path; returns 0, or -1 when out of memory. */
int scorm_files_add(scorm_files *files, const char *path);

/* Sorts the list and drops duplicates; call once after the last add, before lookups.
 * Returns 0, or -1 when out of memory. */
int scorm_files_finish(scorm_files *files);

/* Index of the file with exactly this path, or -1. */
long scorm_files_find(const scorm_files *files, const char *path);

/* Index of a file whose path matches ignoring ASCII case, or -1. */
long scorm_files_find_nocase(const scorm_files *files, const char *path);

#endif
