/* Reads a .panya bundle with random access: opening reads only the footer and the index
 * (and checks them); finding an object is a binary search; reading one is a positioned
 * read of its bytes (plus, once, its dictionary). Every object read is checked against its
 * SHA-256, so damage is reported, never passed on. The file is treated as hostile: every
 * offset and size is bounds-checked before use. */
#ifndef PANYA_LIBPANYA_BUNDLE_READER_H
#define PANYA_LIBPANYA_BUNDLE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/hash.h"
#include "libpanya/bundle_format.h"

typedef struct bundle_reader bundle_reader;

/* Opens path. Not a bundle, truncated, a damaged footer or a format from a newer panya
 * give PANYA_ERR_INVALID with a one-line message; an unreadable path PANYA_ERR_USAGE. */
bundle_reader *bundle_reader_open(const char *path, panya_error *err);

/* Same on an open descriptor (not closed by the reader); display_name names it in errors. */
bundle_reader *bundle_reader_open_fd(int fd, const char *display_name, panya_error *err);

void bundle_reader_close(bundle_reader *r);

const bundle_footer *bundle_reader_footer(const bundle_reader *r);
uint64_t bundle_reader_file_size(const bundle_reader *r);

/* False when the index or dictionary table does not match the footer's hash: objects are
 * still read (each is checked on its own), but lookups may miss damaged entries. */
bool bundle_reader_tables_intact(const bundle_reader *r);

size_t bundle_reader_object_count(const bundle_reader *r);
/* The i-th index entry, in index (hash) order. */
const bundle_index_entry *bundle_reader_object_at(const bundle_reader *r, size_t i);
/* Binary search by hash (linear when the index is damaged); NULL when absent. */
const bundle_index_entry *bundle_reader_find(const bundle_reader *r,
                                             const uint8_t hash[PANYA_HASH_SIZE]);

/* Finds a file by manifest path through the path table, without reading the manifest.
 * profile NULL means the file's first variant. Returns 1 and sets *entry when found; 0 when
 * the bundle has no such path; -1 with err set when the path has no variant for `profile`
 * (PANYA_ERR_USAGE) or the path table is damaged (PANYA_ERR_INVALID); -2 when the bundle
 * has no path table (then look the path up in the manifest). */
int bundle_reader_find_path(bundle_reader *r, const char *path, const char *profile,
                            const bundle_index_entry **entry, panya_error *err);

/* Reads the manifest XML, checked against the footer's manifest hash. *xml is malloc'd
 * (NUL-terminated for convenience). Returns 0 or -1. */
int bundle_reader_read_manifest(bundle_reader *r, uint8_t **xml, size_t *len, panya_error *err);

/* Receives an object's bytes in order; returns 0 to go on or -1 (with err set) to stop. */
typedef int (*bundle_sink)(void *ctx, const void *data, size_t len, panya_error *err);

/* Streams an object's uncompressed bytes to sink and checks them against its hash at the end
 * (damage is PANYA_ERR_INVALID, reported after the sink saw the bytes: sinks that must not
 * keep damaged data write to a temporary place). Returns 0 or -1. */
int bundle_reader_read_object(bundle_reader *r, const bundle_index_entry *entry,
                              bundle_sink sink, void *sink_ctx, panya_error *err);

/* Reads a whole object into memory (at most max_size bytes), checked. *data is malloc'd. */
int bundle_reader_load_object(bundle_reader *r, const bundle_index_entry *entry,
                              uint64_t max_size, uint8_t **data, panya_error *err);

/* Reads the signature block (packer/bundle_sign.h) between the dictionary table and the
 * footer. *block is NULL when the bundle is not signed, else malloc'd. Returns 0, or -1
 * when the footer's signature location is impossible (PANYA_ERR_INVALID) or unreadable. */
int bundle_reader_read_signature(bundle_reader *r, uint8_t **block, size_t *len,
                                 panya_error *err);

#endif
