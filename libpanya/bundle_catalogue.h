/* The binary catalogue of format 1.1 (docs/FORMAT.md, "Catalogue"): pack facts and the
 * courses -> lessons -> items structure with titles, per-profile lesson sizes, empty folders
 * and each variant's MIME type, so that a reader needs no XML. Stored as one zstd frame and
 * checked against the footer's catalogue hash. All integers u32 little-endian except the
 * lesson sizes (u64); a string is {offset, length} into the strings area, where every string
 * is followed by a NUL (not counted); offset 0xFFFFFFFF means "absent" (NULL).
 *
 *   header   u32 strings_size, text_count, course_count, lesson_count, item_count,
 *            folder_count, variant_count, profile_count; string pack_id, pack_version;
 *            u32 first_title, title_count; 8 zero bytes                          (64 bytes)
 *   texts    text_count   x {string lang, string text}                           (16)
 *   courses  course_count x {string id, grade, subject; u32 first_title, title_count,
 *                            lesson_count}                                      (36)
 *   lessons  lesson_count x {string id; u32 first_title, title_count, item_count} (20)
 *   items    item_count   x {string id, kind, path, launch?; u32 first_title, title_count}
 *                                                                                      (40)
 *   folders  folder_count x string                                               (8)
 *   mimes    variant_count x string, parallel to the path table's variants       (8)
 *   sizes    lesson_count x profile_count x u64 (profile numbers of the path table)
 *   strings  strings_size bytes
 *
 * Lessons are stored course after course, items lesson after lesson, so a course's lessons
 * start where the previous course's end. */
#ifndef PANYA_LIBPANYA_BUNDLE_CATALOGUE_H
#define PANYA_LIBPANYA_BUNDLE_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

#define CATALOGUE_HEADER_SIZE 64
#define CATALOGUE_TEXT_SIZE 16
#define CATALOGUE_COURSE_SIZE 36
#define CATALOGUE_LESSON_SIZE 20
#define CATALOGUE_ITEM_SIZE 40
#define CATALOGUE_STRING_SIZE 8
#define CATALOGUE_ABSENT 0xFFFFFFFFu

/* A decoded catalogue: arrays of pointers into the (kept) decompressed bytes. */
typedef struct catalogue_text {
    const char *lang, *text;
} catalogue_text;

typedef struct catalogue_course {
    const char *id, *grade, *subject;
    uint32_t first_title, title_count, first_lesson, lesson_count;
} catalogue_course;

typedef struct catalogue_lesson {
    const char *id;
    uint32_t first_title, title_count, first_item, item_count;
} catalogue_lesson;

typedef struct catalogue_item {
    const char *id, *kind, *path, *launch; /* launch NULL: none recorded */
    uint32_t first_title, title_count;
} catalogue_item;

typedef struct bundle_catalogue {
    const char *pack_id, *pack_version;
    uint32_t first_title, title_count;
    catalogue_text *texts;
    catalogue_course *courses;
    catalogue_lesson *lessons;
    catalogue_item *items;
    const char **folders;
    const char **mimes;
    uint64_t *sizes; /* lesson_count x profile_count, host order */
    uint32_t text_count, course_count, lesson_count, item_count, folder_count, variant_count,
        profile_count;
} bundle_catalogue;

/* Decodes and checks every count, range and string of data (size bytes, kept by the caller
 * while c is used) against the table and against the path table's variant and profile
 * counts. Returns 0, -1 when malformed, -2 when out of memory. */
int bundle_catalogue_decode(bundle_catalogue *c, const uint8_t *data, size_t size,
                            uint32_t variant_count, uint32_t profile_count);

void bundle_catalogue_free(bundle_catalogue *c);

#endif
