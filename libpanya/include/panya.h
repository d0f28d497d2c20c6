/* libpanya: reads .panya lesson bundles (docs/FORMAT.md), from any thread, with no
 * dependency but libzstd and libc.
 *
 * Use:
 *   panya_bundle *b; panya_error_info e;
 *   if (panya_open("maths.panya", 0, &b, &e) != PANYA_OK) { show(e.message); ... }
 *   panya_file_info f;
 *   if (panya_find(b, "maths/lesson1.html", NULL, &f, &e) == PANYA_OK)
 *       panya_read(b, &f, 0, buf, sizeof buf, &got, &e);
 *   panya_close(b);
 *
 * Contracts that hold for every function below:
 * - Errors: each function returns a panya_status (panya_status.h); PANYA_OK is 0. When `err`
 *   is not NULL, a failure also writes a one-line English message naming the bundle (and the
 *   path concerned) into err->message and the status into err->status; success leaves *err
 *   untouched. The library never prints and never exits.
 * - Ownership: a panya_bundle is created by panya_open/panya_open_fd and freed by panya_close.
 *   Every `const char *`, title array and other pointer the library hands out through an
 *   info struct belongs to the bundle and stays valid, unchanged, until panya_close. Things
 *   the caller must free say so (panya_read_manifest, panya_verify_report_free).
 * - Threads: after panya_open returns, any number of threads may call every function taking
 *   a bundle at the same time (lookups, reads, verification, the catalogue, signature check).
 *   Only panya_close must not run concurrently with any other use of that bundle.
 * - Input is hostile: every offset, size and count in the file is checked before use; every
 *   byte handed out has been checked against its SHA-256 (see panya_read for the exact rule).
 *
 * The header is C99 and uses only <stddef.h> and <stdint.h> types. */
#ifndef PANYA_H
#define PANYA_H

#include <stddef.h>
#include <stdint.h>

#include "panya_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PANYA_API __attribute__((visibility("default")))
#else
#define PANYA_API
#endif

/* The library's version (not the bundle format's): the soname is libpanya.so.MAJOR. */
#define PANYA_VERSION_MAJOR 1
#define PANYA_VERSION_MINOR 0

#define PANYA_HASH_BYTES 32       /* SHA-256 */
#define PANYA_PUBLIC_KEY_BYTES 32 /* Ed25519 */
#define PANYA_KEY_ID_CHARS 17     /* 16 lowercase hex digits and a NUL */

typedef struct panya_bundle panya_bundle;

/* A failure's status and message. */
typedef struct panya_error_info {
    panya_status status;
    char message[512];
} panya_error_info;

/* The static text of a status ("damaged or invalid bundle", ...); never NULL. */
PANYA_API const char *panya_status_text(panya_status status);

/* ---- opening ------------------------------------------------------------------------- */

/* Flags for panya_open / panya_open_fd: 0 is the default; unknown bits are PANYA_ERR_USAGE. */
#define PANYA_OPEN_NO_CACHE 0x1u  /* keep no decompressed objects between reads */
#define PANYA_OPEN_CHECK_RAW 0x2u /* check a raw file's whole hash before its first range */

/* Opens the bundle at path: reads and checks its footer, index, path table and catalogue
 * (a few reads; the objects are not read). On success *bundle is set. Errors:
 * PANYA_ERR_NOT_FOUND no such file; PANYA_ERR_IO unreadable; PANYA_ERR_INVALID not a bundle,
 * truncated, damaged footer or tables that break the format's rules; PANYA_ERR_UNSUPPORTED a
 * format major version this library does not know; PANYA_ERR_NOMEM. A bundle whose index,
 * path table or catalogue fails its hash still opens (so that verification can name the
 * damage): lookups then report PANYA_ERR_INVALID. */
PANYA_API panya_status panya_open(const char *path, unsigned flags, panya_bundle **bundle,
                                  panya_error_info *err);

/* Opens a bundle stored in bytes [offset, offset + length) of the open descriptor fd (a file
 * picked by the user, or a bundle inside a larger file). The library only ever uses pread on
 * fd, never moves its file position and never closes it: the caller keeps fd open until
 * panya_close. length 0 means "to the end of the file". Offsets handed out by panya_find
 * are absolute positions in fd's file. Errors as panya_open. */
PANYA_API panya_status panya_open_fd(int fd, uint64_t offset, uint64_t length, unsigned flags,
                                     panya_bundle **bundle, panya_error_info *err);

/* Frees everything the bundle owns (and closes the file panya_open opened). NULL is fine. */
PANYA_API void panya_close(panya_bundle *bundle);

/* ---- facts --------------------------------------------------------------------------- */

/* A title or other text in one language. */
typedef struct panya_text {
    const char *lang; /* BCP 47: "lo" Lao, "en" English */
    const char *text; /* UTF-8 */
} panya_text;

/* The text in `lang` among titles, or NULL when there is none. */
PANYA_API const char *panya_title(const panya_text *titles, size_t count, const char *lang);

typedef struct panya_facts {
    unsigned format_major, format_minor; /* from the footer */
    uint64_t bundle_size;    /* bytes (the length given to panya_open_fd) */
    uint64_t object_count;   /* distinct stored objects */
    uint64_t dictionary_count;
    uint64_t file_count;     /* paths (each with one variant per profile) */
    unsigned part_number, part_count; /* this is part k of n of a split pack; 0, 0 if whole */
    int is_signed;           /* 1 when a signature block is present (not yet checked!) */
    char key_id[PANYA_KEY_ID_CHARS]; /* signer's key id; "" unsigned or block damaged */
    uint8_t signer_public_key[PANYA_PUBLIC_KEY_BYTES]; /* zeros when unsigned */
    int has_catalogue;       /* 0 for format 1.0 bundles: the four fields below are NULL/0 */
    const char *pack_id, *pack_version;
    const panya_text *titles;
    size_t title_count;
    int tables_intact;       /* 0 when the index does not match its hash: run a verify */
} panya_facts;

/* Fills *facts. Never fails (returns PANYA_OK). */
PANYA_API panya_status panya_get_facts(const panya_bundle *bundle, panya_facts *facts);

/* ---- catalogue: courses -> lessons (ordered) -> items ------------------------------------
 * Format 1.1 bundles carry a binary catalogue. For a format 1.0 bundle these functions
 * return PANYA_ERR_UNSUPPORTED (counts return 0); read the XML manifest instead. An index
 * out of range is PANYA_ERR_NOT_FOUND. Profiles are numbered 0..profile_count-1; lesson
 * sizes and file variants refer to these numbers. */

typedef struct panya_course_info {
    const char *id;
    const char *grade, *subject; /* NULL when unknown */
    const panya_text *titles;
    size_t title_count;
    size_t lesson_count;
} panya_course_info;

typedef struct panya_lesson_info {
    const char *id;
    const panya_text *titles;
    size_t title_count;
    size_t item_count;
    /* bytes of every file the lesson uses, per profile (profile_count values) */
    const uint64_t *size_by_profile;
    size_t profile_count;
} panya_lesson_info;

typedef struct panya_item_info {
    const char *id;
    const char *kind;   /* video, audio, image, document, html, scorm, ... */
    const char *path;   /* launch file (look it up with panya_find, per profile), or
                           a folder prefix ending without '/' for a whole package */
    const panya_text *titles;
    size_t title_count;
    const char *launch; /* the file a player opens first, per profile through panya_find: a
                           package's launch page (SCORM resource href, index.html), the file
                           itself for a file item; NULL when the pack names none */
} panya_item_info;

PANYA_API size_t panya_profile_count(const panya_bundle *bundle);
/* Profile name ("source", "small", ...), or NULL out of range. Works for 1.0 bundles too
 * (from the path table). */
PANYA_API const char *panya_profile_name(const panya_bundle *bundle, size_t profile);

PANYA_API size_t panya_course_count(const panya_bundle *bundle);
PANYA_API panya_status panya_course(const panya_bundle *bundle, size_t course,
                                    panya_course_info *info);
PANYA_API panya_status panya_lesson(const panya_bundle *bundle, size_t course, size_t lesson,
                                    panya_lesson_info *info);
PANYA_API panya_status panya_item(const panya_bundle *bundle, size_t course, size_t lesson,
                                  size_t item, panya_item_info *info);

/* Empty folders to recreate when extracting (1.1 only; 1.0: 0 and NULL). */
PANYA_API size_t panya_folder_count(const panya_bundle *bundle);
PANYA_API const char *panya_folder(const panya_bundle *bundle, size_t index);

/* ---- files --------------------------------------------------------------------------- */

typedef enum panya_stored_method {
    PANYA_STORED_RAW = 0,       /* the bytes as they are: offset/size locate them in the file */
    PANYA_STORED_ZSTD = 1,      /* one zstd frame */
    PANYA_STORED_ZSTD_DICT = 2, /* one zstd frame needing a dictionary */
    PANYA_STORED_ZSTD_REFERENCE = 3, /* one zstd frame made against another object (a near-
                                        duplicate, format 1.1): reading it decodes that one too */
} panya_stored_method;

typedef struct panya_file_info {
    const char *path;    /* owned by the bundle */
    const char *profile; /* the variant's profile name */
    const char *mime;    /* MIME type ("text/html"); from the name for 1.0 bundles */
    uint64_t size;       /* uncompressed bytes */
    uint8_t sha256[PANYA_HASH_BYTES];
    panya_stored_method method;
    uint64_t offset;      /* absolute byte position of the stored bytes in the file (for raw
                             objects: the file's bytes themselves, for sendfile/players) */
    uint64_t stored_size; /* bytes at offset */
    uint64_t object;      /* the object's position in the index (used by panya_read) */
} panya_file_info;

/* Finds `path` (relative, '/'-separated, as in the manifest) in the variant of `profile`
 * (NULL: the file's first variant, its default). PANYA_ERR_NOT_FOUND: no such path, or the
 * path has no variant for that profile (the message says which); PANYA_ERR_INVALID: the path
 * table or index is damaged; PANYA_ERR_UNSUPPORTED: a 1.0 bundle without a path table. */
PANYA_API panya_status panya_find(const panya_bundle *bundle, const char *path,
                                  const char *profile, panya_file_info *info,
                                  panya_error_info *err);

/* Finds the object whose SHA-256 is sha256 (as a variant of the XML manifest names it), for
 * readers working from the manifest: info->path, profile and mime are NULL. Errors:
 * PANYA_ERR_NOT_FOUND when the index has no such object. */
PANYA_API panya_status panya_find_object(const panya_bundle *bundle,
                                         const uint8_t sha256[PANYA_HASH_BYTES],
                                         panya_file_info *info, panya_error_info *err);

/* Paths in byte order, with their variants: file 0..file_count-1 (panya_facts.file_count),
 * variant 0..variant_count-1. Errors as panya_find. */
PANYA_API size_t panya_file_variant_count(const panya_bundle *bundle, size_t file);
PANYA_API panya_status panya_file_at(const panya_bundle *bundle, size_t file, size_t variant,
                                     panya_file_info *info, panya_error_info *err);

/* ---- reading ------------------------------------------------------------------------- */

/* Copies up to len bytes of the file starting at byte `offset` into buf; *got is the count
 * (less than len only at the end of the file; 0 at or past the end). Raw files are read with
 * one pread. Compressed files are decompressed with bounded memory; objects up to the cache
 * limit are kept in a size-limited cache shared by all threads (least recently used first
 * out). Hash rule: a compressed file is decoded and checked whole before any of its bytes is
 * returned (from the cache afterwards, which only holds checked objects). A raw file (media)
 * is read directly, range by range, so that a player starts at once: its hash is checked when
 * a read covers the whole file, by panya_verify_file / panya_verify_all, or - with
 * PANYA_OPEN_CHECK_RAW - whole before the first range is returned (once per open). Damage
 * found is PANYA_ERR_INVALID with *got 0 (buf's contents are then unspecified); PANYA_ERR_IO
 * for a failed read; PANYA_ERR_USAGE for a file info not from this bundle. */
PANYA_API panya_status panya_read(panya_bundle *bundle, const panya_file_info *file,
                                  uint64_t offset, void *buf, size_t len, size_t *got,
                                  panya_error_info *err);

/* Receives a file's bytes in order; returns PANYA_OK to go on, anything else to stop (that
 * status is then returned by panya_read_file_cb). */
typedef panya_status (*panya_sink_fn)(void *ctx, const void *data, size_t len);

/* Streams a whole file to sink with bounded memory, checking its SHA-256 on the way. The
 * check ends with the last byte: a damaged file is PANYA_ERR_INVALID after the sink saw its
 * bytes, so a sink that must not keep damaged data writes to a temporary place first. */
PANYA_API panya_status panya_read_file_cb(panya_bundle *bundle, const panya_file_info *file,
                                          panya_sink_fn sink, void *ctx,
                                          panya_error_info *err);

/* The XML manifest (docs/FORMAT.md, "Manifest"), checked against its hash: *xml is malloc'd
 * (the caller frees it), NUL-terminated, *len bytes. */
PANYA_API panya_status panya_read_manifest(panya_bundle *bundle, char **xml, size_t *len,
                                           panya_error_info *err);

/* ---- verification -------------------------------------------------------------------- */

/* Checks one file's object against its SHA-256: PANYA_OK or PANYA_ERR_INVALID. */
PANYA_API panya_status panya_verify_file(panya_bundle *bundle, const panya_file_info *file,
                                         panya_error_info *err);

typedef struct panya_damaged_file {
    char *path;    /* NULL when the path table is unreadable: then `hash` names the object */
    char *profile;
    char hash[2 * PANYA_HASH_BYTES + 1];
} panya_damaged_file;

typedef struct panya_verify_report {
    int tables_intact;     /* index and dictionary table match the footer's hash */
    int path_table_intact; /* matches its hash, well-formed (1 for a 1.0 bundle without one) */
    int catalogue_intact;  /* matches its hash and is well-formed (1 for 1.0: none) */
    int manifest_intact;   /* the XML manifest matches its hash */
    uint64_t objects_checked, objects_damaged;
    uint64_t files_checked;
    panya_damaged_file *damaged_files; /* in path order */
    size_t damaged_file_count;
    char **damaged_lessons; /* "COURSE / LESSON" (English titles, else ids); 1.1 only */
    size_t damaged_lesson_count;
} panya_verify_report;

/* Called after each object with the objects done so far and the total; return 0 to go on,
 * non-zero to stop (panya_verify_all then returns PANYA_ERR_USAGE, "stopped"). */
typedef int (*panya_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* Checks every object, the tables, the catalogue and the manifest, and names the damaged
 * files and the lessons they belong to. Returns PANYA_OK when everything is whole,
 * PANYA_ERR_INVALID when damage was found (the report says what), another status when the
 * check could not run. The report is filled in both first cases and zeroed otherwise; free
 * it with panya_verify_report_free in every case. progress may be NULL. */
PANYA_API panya_status panya_verify_all(panya_bundle *bundle, panya_progress_fn progress,
                                        void *ctx, panya_verify_report *report,
                                        panya_error_info *err);

PANYA_API void panya_verify_report_free(panya_verify_report *report);

/* ---- signature ----------------------------------------------------------------------- */

/* Checks that the bundle carries a valid Ed25519 signature (RFC 8032) by public_key over its
 * manifest (docs/SIGNING.md). PANYA_OK: signed by that key and the signature is valid;
 * PANYA_ERR_INVALID: unsigned, signed by another key, or a signature that does not match
 * (the message says which). The objects are not read: panya_verify_all checks them against
 * the (then trusted) manifest and tables. */
PANYA_API panya_status panya_check_signature(panya_bundle *bundle,
                                             const uint8_t public_key[PANYA_PUBLIC_KEY_BYTES],
                                             panya_error_info *err);

/* ---- memory -------------------------------------------------------------------------- */

/* The byte limit of the decompressed-object cache (default 8 MiB; 0 disables it). Objects
 * larger than a quarter of the limit are never cached. Safe to call from any thread. */
PANYA_API void panya_set_cache_limit(panya_bundle *bundle, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif
