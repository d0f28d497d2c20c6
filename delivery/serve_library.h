/* The library `panya serve` serves: the bundles named on the command line (a folder stands
 * for every *.panya in it, as on an SD card), opened with the reader library (panya.h), with
 * their catalogue (courses -> lessons -> items, each item resolved to the file it opens at)
 * and a table from object hash to file for content-addressed URLs.
 *
 * Threads: built once by serve_library_open, then read-only except for the per-object
 * "checked" marks, which are atomic; every function below may run on many threads at once.
 * Ownership: everything belongs to the library until serve_library_close. */
#ifndef PANYA_DELIVERY_SERVE_LIBRARY_H
#define PANYA_DELIVERY_SERVE_LIBRARY_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "libpanya/include/panya.h"
#include "manifest/bundle_manifest.h"
#include "manifest/scorm_launch.h"

typedef struct serve_titles {
    const panya_text *items; /* Lao and English titles (strings owned by the bundle) */
    size_t count;
    panya_text *owned; /* the array when the library made it (format 1.0), else NULL */
} serve_titles;

typedef struct serve_item {
    const char *id, *kind, *path;
    serve_titles titles;
    char *launch;      /* the file the item opens at, NULL when the bundle has none */
    scorm_launch scos; /* SCORM packages: their items, hrefs relative to `path` */
    int is_scorm;      /* launched inside the SCORM runtime */
} serve_item;

typedef struct serve_lesson {
    const char *id;
    serve_titles titles;
    serve_item *items;
    size_t item_count;
    uint64_t *size_by_profile; /* bytes per profile (the pack's profile numbers) */
} serve_lesson;

typedef struct serve_course {
    const char *id;
    serve_titles titles;
    serve_lesson *lessons;
    size_t lesson_count;
} serve_course;

typedef struct serve_pack {
    char *key;  /* the URL segment: the bundle's file name without ".panya", unique */
    char *file; /* the path it was opened from, for messages */
    int fd;
    panya_bundle *bundle;
    panya_facts facts;
    serve_titles titles;
    const char **profiles; /* profile names by number */
    size_t profile_count;
    serve_course *courses;
    size_t course_count;
    bundle_manifest *manifest; /* format 1.0 bundles: the catalogue comes from here */
    atomic_uchar *object_state; /* per object: 0 not checked yet, 1 whole, 2 damaged */
} serve_pack;

typedef struct serve_hash_entry {
    uint8_t hash[PANYA_HASH_BYTES];
    uint32_t pack, file, variant;
} serve_hash_entry;

typedef struct serve_library {
    serve_pack *packs;
    size_t pack_count;
    serve_hash_entry *by_hash; /* sorted by hash */
    size_t hash_count;
    char **warnings; /* bundles of a folder that could not be opened (skipped) */
    size_t warning_count;
} serve_library;

/* Opens every bundle of paths (files, or folders of *.panya files, sorted by name). A named
 * file that does not open is an error (its status and message); a bundle found in a folder
 * that does not open is skipped with a warning. No bundle at all is PANYA_ERR_USAGE.
 * Returns 0, or -1 with err set. */
int serve_library_open(serve_library *lib, char *const *paths, size_t count, panya_error *err);

void serve_library_close(serve_library *lib);

/* The pack whose key is `key` (length key_len), or NULL. */
serve_pack *serve_library_pack(const serve_library *lib, const char *key, size_t key_len);

/* Finds `path` in pack for `profile` (NULL: default), falling back to the file's default
 * variant when it has none for that profile. PANYA_ERR_NOT_FOUND when there is no such
 * path; other statuses as panya_find. */
panya_status serve_pack_find(serve_pack *pack, const char *path, const char *profile,
                             panya_file_info *info, panya_error_info *err);

/* Finds the file stored as object `hash` (any pack). Returns its pack and fills *info, or
 * NULL when no pack holds it. */
serve_pack *serve_library_find_hash(const serve_library *lib,
                                    const uint8_t hash[PANYA_HASH_BYTES],
                                    panya_file_info *info);

/* Makes sure a raw file's bytes are whole before they are sent straight from the bundle
 * file: checked against its SHA-256 on first use, the answer kept. PANYA_OK or
 * PANYA_ERR_INVALID (err names the bundle and the path). */
panya_status serve_pack_check_raw(serve_pack *pack, const panya_file_info *info,
                                  panya_error_info *err);

/* Reads a whole file (at most max bytes) into a malloc'd buffer; checked by the library. */
panya_status serve_pack_load(serve_pack *pack, const panya_file_info *info, uint64_t max,
                             uint8_t **data, panya_error_info *err);

/* The title in lang, else the other language's, else fallback. */
const char *serve_title(const serve_titles *titles, const char *lang, const char *fallback);

#endif
