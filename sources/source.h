/* Source readers: one per input format (docs/SOURCES.md), each turning what it is given into
 * courses, lessons, items and files of the lesson model. Adding a format is adding a
 * source_*.c file with a source_reader and listing it in source.c.
 *
 * Every reader lists folders with common/folder_walk.h (one symbolic-link rule: links that
 * lead outside the input are refused) and through source_left_out (operating-system and
 * editor leftovers, the output bundle, its parts and panya's own temporaries are never
 * input), and unpacks zips with source_unzip under one archive_budget for the whole pack. */
#ifndef PANYA_SOURCES_SOURCE_H
#define PANYA_SOURCES_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/folder_walk.h"
#include "sources/archive_input.h"
#include "sources/lesson_model.h"
#include "sources/scorm_validate.h"

#define SOURCE_REASON_SIZE 512

typedef struct source_context {
    const char *staging_dir;      /* private folder for unpacked zips, removed after packing */
    bool keep_going;              /* skip broken lessons (recorded in the model) */
    scorm_validate_options scorm; /* how SCORM packages are validated before packing */
    unsigned scorm_packages;      /* SCORM packages validated */
    bool h5p_player_added;        /* the shared H5P player is in the model */
    /* The output, never read as input: the bundle itself (when it exists), and its split
     * parts and temporaries, by name, in its folder. */
    dev_t skip_dev;
    ino_t skip_ino;
    char *output_folder; /* resolved; NULL when unknown */
    char *output_stem;   /* "OUT" of OUT.panya */
    archive_budget budget; /* everything unpacked, nested zips included */
    folder_root input_root;   /* links must stay inside this (the input, when a folder) */
    folder_root staging_root; /* the same for unpacked copies */
    char **origins;           /* what staging folder N was unpacked from, as users name it */
    unsigned *origin_depths;  /* how deep in zips staging folder N is: 1 for a zip of the input */
    unsigned origin_count;
    /* Which reader took the input and why, for the summary. */
    const char *reader;
    char reason[SOURCE_REASON_SIZE];
} source_context;

/* Prepares ctx for reading input into staging_dir; out_path is the bundle to be written.
 * Returns 0 or -1. */
int source_context_init(source_context *ctx, const char *input, const char *out_path,
                        const char *staging_dir, panya_error *err);
void source_context_free(source_context *ctx);

typedef struct source_reader {
    const char *name; /* "scorm", "kpl", "folder": what --source accepts */
    /* Whether this reader takes path: 1 (with why filled, one short clause), 0, or -1 when
     * path cannot be judged (a damaged zip, a zip bomb: err set). Cheap: names, not data. */
    int (*detect)(const char *path, source_context *ctx, char *why, size_t why_size,
                  panya_error *err);
    /* Adds what path holds to model. bundle_prefix ("" for the top) is where its files go. */
    int (*read)(const char *path, const char *bundle_prefix, source_context *ctx,
                lesson_model *model, panya_error *err);
} source_reader;

extern const source_reader source_reader_scorm;
extern const source_reader source_reader_h5p;
extern const source_reader source_reader_pdf;
extern const source_reader source_reader_office;
extern const source_reader source_reader_imscc;
extern const source_reader source_reader_moodle;
extern const source_reader source_reader_kpl;
extern const source_reader source_reader_folder;

/* Reads path with the reader named `kind`, or with the first that takes it (SCORM package,
 * then H5P package, then PDF, then office document, then Common Cartridge, then Moodle backup, then KPL export, then plain folder) when kind is NULL; ctx->reader and ctx->reason say
 * which and why. Returns 0 or -1. */
int source_read(const char *path, const char *kind, source_context *ctx, lesson_model *model,
                panya_error *err);

/* Why an entry of a folder being read is not input (a static phrase), or NULL to read it:
 * the output bundle, its split parts, panya's temporaries, earlier bundles, and files that
 * operating systems and editors leave behind (Thumbs.db, .DS_Store, ._*, __MACOSX, ~$*,
 * *~, .*.swp, ...). */
const char *source_left_out(const source_context *ctx, const char *folder,
                            const folder_entry *entry);

/* Lists one folder through source_left_out, noting what is left out in model (when given).
 * Returns 0 or -1. */
int source_list(source_context *ctx, const char *folder, folder_entries *out,
                lesson_model *model, panya_error *err);

/* The root links must stay inside when reading path: the input's, or the staging folder's. */
const folder_root *source_root_for(const source_context *ctx, const char *path);

/* A fresh folder below ctx->staging_dir for unpacking the zip at zip_path (malloc'd path).
 * A zip nested deeper than ctx->budget.max_depth is an error (PANYA_ERR_INVALID). */
char *source_staging_folder(source_context *ctx, const char *zip_path, panya_error *err);

/* path as a user knows it (malloc'd): a file in the staging folder is named by the zip it
 * came from and its place in it ("export.zip: course/1 l.zip: index.html"). */
char *source_display_path(const source_context *ctx, const char *path);

/* Rewrites staging paths in err's message the same way. */
void source_describe_error(const source_context *ctx, panya_error *err);

/* Unpacks a zip into dest (an empty staging folder) with archive_input under ctx->budget:
 * entries with unsafe or non-UTF-8 names or links are refused, free space is checked before
 * each entry and a full disk is said as such. Returns 0 or -1 naming the zip and entry. */
int source_unzip(source_context *ctx, const char *zip_path, const char *dest,
                 panya_error *err);

/* The same for a zip or a gzip'd tar (a Moodle backup), under the same rules and budget. */
int source_unpack_zip_or_tar(source_context *ctx, const char *path, const char *dest,
                             panya_error *err);

/* Looks at a zip's entry names only: sets *has_manifest when imsmanifest.xml is at its root,
 * *has_index when index.html is, and *files_in_folders (unless NULL) to the number of
 * files inside folders. Leftovers (source_left_out) do not count. Returns 0 or -1 (a
 * damaged zip, a bomb: PANYA_ERR_INVALID naming it). */
int source_zip_roots(const source_context *ctx, const char *zip_path, bool *has_manifest,
                     bool *has_index, size_t *files_in_folders, panya_error *err);

/* Adds every file below folder (recursively, byte order) to the model under bundle_prefix.
 * Returns 0 or -1. */
int source_add_folder_files(source_context *ctx, const char *folder, const char *bundle_prefix,
                            lesson_model *model, panya_error *err);

/* Validates the SCORM package at path (zip or folder) and adds its files under bundle_prefix;
 * *title receives the default organization's title (malloc'd) or NULL. An invalid package is
 * an error with the first finding, or, under keep_going, a skipped lesson (returns 1). */
int source_scorm_add_package(const char *path, const char *bundle_prefix, source_context *ctx,
                             lesson_model *model, char **title, panya_error *err);

/* Validates the H5P package at path (a .h5p zip, or a folder with h5p.json) and adds its
 * files under bundle_prefix, a generated launch page (bundle_prefix/index.html) and, once per
 * pack, the shared player (sources/h5p_player.h); *title receives h5p.json's title
 * (malloc'd). An invalid package is an error naming it and what is wrong, or, under
 * keep_going, a skipped lesson (returns 1). */
int source_h5p_add_package(const char *path, const char *bundle_prefix, source_context *ctx,
                           lesson_model *model, char **title, panya_error *err);

/* Renders the PDF at path to page pictures with a page viewer (bundle_prefix/index.html,
 * titled title) and, unless it is a scan, adds the PDF itself as a download; notes what it
 * chose in model. A damaged or encrypted PDF is an error naming it, or, under keep_going, a
 * skipped lesson (returns 1). */
int source_pdf_add_document(const char *path, const char *bundle_prefix, source_context *ctx,
                            lesson_model *model, const char *title, panya_error *err);

/* Whether path is a SCORM package: a folder with imsmanifest.xml, or a .zip with it at its
 * root. Returns 1, 0, or -1 (a zip that cannot be read: err set). */
int source_is_scorm(const source_context *ctx, const char *path, panya_error *err);

/* Adds a course `prefix` with one lesson and one item of `kind` for the package at path
 * prefix, all titled title; the item's launch page (a SCORM package's first SCO, else
 * prefix/index.html) is found when the model is finished. Returns 0 or -1 (OOM). */
int source_add_package_course(lesson_model *model, const char *prefix, const char *kind,
                               const char *title, panya_error *err);

/* Writes text into an HTML page, escaping what HTML gives a meaning (& < > ") and dropping
 * form feeds (poppler ends each page's text with one). */
void source_write_html_text(FILE *f, const char *text);

/* Starts a generated page: doctype, UTF-8, phone viewport, title, and the title as <h1>. */
void source_write_html_head(FILE *f, const char *title);

/* Writes the page an online-only web link becomes (item kind `url`) at disk: the title, a
 * line saying it needs the internet, and the link. Returns 0 or -1. */
int source_write_link_page(const char *disk, const char *title, const char *url,
                           panya_error *err);

/* Adds a title in Lao ("lo") when text has Lao letters, else in English ("en"). */
int source_add_title(manifest_titles *titles, const char *text);

/* The last component of path without a ".zip" extension (malloc'd). */
char *source_package_name(const char *path);

/* "prefix/name", or name when prefix is empty (malloc'd). */
char *source_join(const char *prefix, const char *name);

/* Whether name ends in ".zip" (case-insensitive). */
bool source_is_zip_name(const char *name);

#endif
