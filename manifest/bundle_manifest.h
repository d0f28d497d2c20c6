/* The bundle manifest: the logical description of a .panya bundle (docs/FORMAT.md, section
 * "Manifest"; schema manifest/bundle_manifest.xsd). It names every file path with its
 * variants (profile, MIME type, size, object hash, media figures) and the courses, lessons
 * and items that use them. It does no I/O on bundles: it converts between this model and
 * XML bytes. */
#ifndef PANYA_MANIFEST_BUNDLE_MANIFEST_H
#define PANYA_MANIFEST_BUNDLE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/hash.h"

#define MANIFEST_NAMESPACE "urn:panya:bundle:1"
#define MANIFEST_PROFILE_SOURCE "source" /* a file stored unchanged */

typedef struct manifest_text {
    char *lang; /* BCP 47 tag for xml:lang ("lo", "en"), never NULL */
    char *text;
} manifest_text;

typedef struct manifest_titles {
    manifest_text *items;
    size_t count;
} manifest_titles;

typedef struct manifest_variant {
    char *profile; /* "source" for unchanged files */
    char *mime;
    char *codecs;  /* RFC 6381 codecs string, NULL when not media */
    uint32_t width, height; /* pixels, 0 when not applicable */
    uint32_t bitrate;       /* bits per second, 0 when not applicable */
    uint64_t duration_ms;   /* 0 when not applicable */
    uint64_t size;          /* exact uncompressed bytes */
    uint8_t hash[PANYA_HASH_SIZE]; /* SHA-256 of the bytes: the object name */
} manifest_variant;

typedef struct manifest_file {
    char *path; /* relative, '/'-separated UTF-8; see manifest_path_is_safe */
    manifest_variant *variants;
    size_t variant_count;
} manifest_file;

typedef struct manifest_item {
    char *id;
    char *kind; /* video, audio, image, document, html, scorm, … */
    char *path; /* a file path, or a folder prefix for a package */
    char *launch; /* the file a player opens (below path), or NULL: path itself, or none */
    manifest_titles titles;
} manifest_item;

typedef struct manifest_lesson {
    char *id;
    manifest_titles titles;
    manifest_item *items;
    size_t item_count;
} manifest_lesson;

typedef struct manifest_course {
    char *id;
    char *grade;   /* NULL when unknown */
    char *subject; /* NULL when unknown */
    manifest_titles titles;
    manifest_lesson *lessons;
    size_t lesson_count;
} manifest_course;

typedef struct bundle_manifest {
    char *id;
    char *version;
    manifest_titles titles;
    manifest_course *courses;
    size_t course_count;
    manifest_file *files; /* sorted by path (byte order) once finished */
    size_t file_count;
    char **folders; /* empty folders to recreate, sorted */
    size_t folder_count;
} bundle_manifest;

/* Allocates an empty manifest with the given id and version; NULL when out of memory. */
bundle_manifest *bundle_manifest_new(const char *id, const char *version);
void bundle_manifest_free(bundle_manifest *m);

/* Appends a title. Returns 0, or -1 when out of memory. */
int manifest_titles_add(manifest_titles *titles, const char *lang, const char *text);

/* Frees every title and empties the list. */
void manifest_titles_free(manifest_titles *titles);

/* The title in `lang`, else the first one, else NULL. */
const char *manifest_titles_pick(const manifest_titles *titles, const char *lang);

/* Adds a file (no variants yet); returns it, or NULL with err set (unsafe path, OOM).
 * The pointer stays valid until the next add or bundle_manifest_finish. */
manifest_file *bundle_manifest_add_file(bundle_manifest *m, const char *path, panya_error *err);

/* Appends a copy of *variant (strings are duplicated). Returns 0, or -1 (OOM). */
int manifest_file_add_variant(manifest_file *file, const manifest_variant *variant,
                              panya_error *err);

/* Records an empty folder to recreate. Returns 0 or -1 (unsafe path, OOM). */
int bundle_manifest_add_folder(bundle_manifest *m, const char *path, panya_error *err);

/* Appends a course / a lesson / an item; returns it, or NULL when out of memory. */
manifest_course *bundle_manifest_add_course(bundle_manifest *m, const char *id);
manifest_lesson *manifest_course_add_lesson(manifest_course *course, const char *id);
manifest_item *manifest_lesson_add_item(manifest_lesson *lesson, const char *id,
                                        const char *kind, const char *path);

/* True when the item uses the file at path: the item's own file, or a file below its folder
 * (a package's root). */
bool manifest_item_uses(const manifest_item *item, const char *path);

/* Sets the item's launch file (a bundle path below its folder). Returns 0, or -1 (OOM). */
int manifest_item_set_launch(manifest_item *item, const char *launch);

/* Removes (and frees) the lesson at position index. Returns 0, or -1 when out of range. */
int manifest_course_remove_lesson(manifest_course *course, size_t index);

/* Sorts files and folders by path and checks the whole manifest: paths unique, no file
 * that is also a folder of another, every file has a variant, profiles unique per file.
 * Returns 0 or -1 with err naming the first problem. */
int bundle_manifest_finish(bundle_manifest *m, panya_error *err);

/* Binary search by path in a finished manifest; NULL when absent. */
const manifest_file *bundle_manifest_find_file(const bundle_manifest *m, const char *path);

/* The variant of `file` for `profile`; NULL profile means the first (primary) variant. */
const manifest_variant *manifest_file_variant(const manifest_file *file, const char *profile);

/* True when path is safe to create below a folder: relative, '/'-separated, no empty, "."
 * or ".." components, no backslash or control characters, valid UTF-8, at most 4096 bytes
 * with components of at most 255 bytes. */
bool manifest_path_is_safe(const char *path);

/* Serialises a finished manifest as indented UTF-8 XML (deterministic: same model, same
 * bytes). On success *xml is malloc'd. Returns 0 or -1. */
int bundle_manifest_write_xml(const bundle_manifest *m, uint8_t **xml, size_t *len,
                              panya_error *err);

/* Parses manifest XML as hostile input (no network, no entities, no DTD), checks every
 * attribute and path, and returns a finished manifest, or NULL with err naming
 * `display_name` and the line. */
bundle_manifest *bundle_manifest_read_xml(const uint8_t *xml, size_t len,
                                          const char *display_name, panya_error *err);

#endif
