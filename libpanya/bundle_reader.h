/* Reads a .panya bundle with random access: opening reads the footer, the index and the
 * small tables (path table, catalogue) and checks them; finding an object is a binary search;
 * reading one is a positioned read of its bytes (plus, once, its dictionary). Every object
 * read is checked against its SHA-256, so damage is reported, never passed on. The file is
 * treated as hostile: every offset and size is bounds-checked before use.
 *
 * This is the library's internal layer (also used by writer/ for patches); applications use
 * the public API in libpanya/include/panya.h. Thread safety: after open, every function may
 * be called from any number of threads (pread only; the dictionaries load under a lock). */
#ifndef PANYA_LIBPANYA_BUNDLE_READER_H
#define PANYA_LIBPANYA_BUNDLE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "libpanya/bundle_catalogue.h"
#include "libpanya/bundle_format.h"
#include "libpanya/bundle_path_table.h"

typedef struct bundle_reader bundle_reader;

/* Opens path. Errors: PANYA_ERR_NOT_FOUND (no such file), PANYA_ERR_IO (unreadable),
 * PANYA_ERR_INVALID (not a bundle, truncated, damaged footer, broken format rules),
 * PANYA_ERR_UNSUPPORTED (unknown major format version), each with a one-line message. */
bundle_reader *bundle_reader_open(const char *path, panya_error *err);

/* Same on bytes [base, base + length) of an open descriptor (not closed by the reader;
 * length 0: to the end of the file); display_name names it in errors. */
bundle_reader *bundle_reader_open_fd(int fd, uint64_t base, uint64_t length,
                                     const char *display_name, panya_error *err);

void bundle_reader_close(bundle_reader *r);

const char *bundle_reader_name(const bundle_reader *r);
const bundle_footer *bundle_reader_footer(const bundle_reader *r);
/* The bundle's length, and where it starts in its file (0 unless opened inside a file). */
uint64_t bundle_reader_file_size(const bundle_reader *r);
uint64_t bundle_reader_base(const bundle_reader *r);

/* False when the index or dictionary table does not match the footer's hash: objects are
 * still read (each is checked on its own), but lookups may miss damaged entries. */
bool bundle_reader_tables_intact(const bundle_reader *r);

size_t bundle_reader_object_count(const bundle_reader *r);
/* The i-th index entry, in index (hash) order. */
const bundle_index_entry *bundle_reader_object_at(const bundle_reader *r, size_t i);
/* Binary search by hash (linear when the index is damaged); NULL when absent. */
const bundle_index_entry *bundle_reader_find(const bundle_reader *r,
                                             const uint8_t hash[PANYA_HASH_SIZE]);

/* The path table, or NULL with err saying why: absent (a 1.0 bundle written without one:
 * PANYA_ERR_UNSUPPORTED) or damaged (PANYA_ERR_INVALID). */
const bundle_path_table *bundle_reader_path_table(const bundle_reader *r, panya_error *err);

/* The catalogue, or NULL with err saying why: a 1.0 bundle (PANYA_ERR_UNSUPPORTED) or a
 * damaged one (PANYA_ERR_INVALID). */
const bundle_catalogue *bundle_reader_catalogue(const bundle_reader *r, panya_error *err);

/* Finds a file by manifest path through the path table. profile NULL means the file's first
 * variant. Returns 1 and sets *entry when found; 0 when the bundle has no such path; -1 with
 * err set when the path has no variant for `profile` (PANYA_ERR_NOT_FOUND) or the path table
 * is damaged (PANYA_ERR_INVALID); -2 when the bundle has no path table. */
int bundle_reader_find_path(const bundle_reader *r, const char *path, const char *profile,
                            const bundle_index_entry **entry, panya_error *err);

/* Reads the manifest XML, checked against the footer's manifest hash. *xml is malloc'd
 * (NUL-terminated for convenience). Returns 0 or -1. */
int bundle_reader_read_manifest(bundle_reader *r, uint8_t **xml, size_t *len, panya_error *err);

/* Receives an object's bytes in order; returns 0 to go on or -1 (with err set) to stop. */
typedef int (*bundle_sink)(void *ctx, const void *data, size_t len, panya_error *err);

/* A sink that keeps nothing: reading into it checks an object's hash. */
int bundle_sink_discard(void *ctx, const void *data, size_t len, panya_error *err);

/* Streams an object's uncompressed bytes to sink and checks them against its hash at the end
 * (damage is PANYA_ERR_INVALID, reported after the sink saw the bytes: sinks that must not
 * keep damaged data write to a temporary place). Returns 0 or -1. */
int bundle_reader_read_object(bundle_reader *r, const bundle_index_entry *entry,
                              bundle_sink sink, void *sink_ctx, panya_error *err);

/* Reads a whole object into memory (at most max_size bytes), checked. *data is malloc'd. */
int bundle_reader_load_object(bundle_reader *r, const bundle_index_entry *entry,
                              uint64_t max_size, uint8_t **data, panya_error *err);

/* Positioned read of len bytes at `offset` within the bundle (checked against its length). */
int bundle_reader_pread(const bundle_reader *r, void *buf, size_t len, uint64_t offset,
                        panya_error *err);

/* Reads the signature block (docs/SIGNING.md) between the dictionary table and the footer.
 * *block is NULL when the bundle is not signed, else malloc'd. Returns 0, or -1 when the
 * footer's signature location is impossible (PANYA_ERR_INVALID) or unreadable. */
int bundle_reader_read_signature(bundle_reader *r, uint8_t **block, size_t *len,
                                 panya_error *err);

#endif
