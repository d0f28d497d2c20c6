/* panya-course.xml: the optional file in a KPL course folder that gives the course's Lao and
 * English titles, grade, subject and lesson order (schema manifest/course.xsd, documented in
 * docs/SOURCES.md). */
#ifndef PANYA_MANIFEST_COURSE_FILE_H
#define PANYA_MANIFEST_COURSE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "manifest/bundle_manifest.h"

#define COURSE_FILE_NAME "panya-course.xml"
#define COURSE_FILE_NAMESPACE "urn:panya:course:1"

typedef struct course_file_lesson {
    char *file; /* the lesson's file name in the course folder */
    manifest_titles titles;
} course_file_lesson;

typedef struct course_file {
    char *id;      /* NULL: derived from the folder name */
    char *grade;   /* NULL when not given */
    char *subject; /* NULL when not given */
    manifest_titles titles;
    course_file_lesson *lessons; /* in the order the file gives them */
    size_t lesson_count;
} course_file;

/* Parses a course file as hostile input (no network, no entities, no DOCTYPE). A lesson
 * naming a file twice or a name with '/' is an error. Returns 0, or -1 with err naming
 * display_name and the line. */
int course_file_read(const uint8_t *xml, size_t len, const char *display_name, course_file *out,
                     panya_error *err);

void course_file_free(course_file *course);

#endif
