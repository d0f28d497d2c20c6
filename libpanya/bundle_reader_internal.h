/* What the reader's source files share (libpanya/bundle_reader.c opens and indexes,
 * bundle_tables.c loads the sections, bundle_object.c streams objects). Internal. */
#ifndef PANYA_LIBPANYA_BUNDLE_READER_INTERNAL_H
#define PANYA_LIBPANYA_BUNDLE_READER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <zstd.h>

#include "libpanya/bundle_reader.h"
#include "libpanya/object_cache.h"
#include "libpanya/object_reference.h"

#define READ_CHUNK (1u << 20)
#define MAX_MANIFEST_SIZE (256u * 1024 * 1024)
#define MAX_DICT_SIZE (16u * 1024 * 1024)
/* A table may expand at most this much relative to the whole bundle (plus 1 MiB): a small
 * file must not make the reader allocate gigabytes (zstd frames of repeated bytes expand by
 * thousands). Real path tables and catalogues are a fraction of their bundle. */
#define MAX_TABLE_EXPANSION 16u
/* Decoded reference objects (method 2) kept for the frames stored against them: the
 * near-duplicates of one file are usually read together (one lesson, extract, verify). */
#define REFERENCE_CACHE_BYTES (4 * (size_t)OBJECT_REFERENCE_MAX_SIZE)

enum tables_state { TABLES_NOT_HASHED, TABLES_INTACT, TABLES_DAMAGED };

typedef struct reader_dictionary {
    bundle_dict_entry entry;
    ZSTD_DDict *ddict; /* loaded on first use */
} reader_dictionary;

/* A table loaded at open: present and intact, or the reason it cannot be used. */
typedef struct loaded_table {
    uint8_t *bytes;
    panya_error problem; /* code PANYA_OK when usable */
} loaded_table;

struct bundle_reader {
    int fd;
    bool owns_fd;
    char *name;
    uint64_t base;      /* where the bundle starts in fd's file */
    uint64_t file_size; /* the bundle's length */
    bundle_footer footer;
    atomic_int tables_state; /* enum tables_state: hashed lazily, see tables_intact() */
    bool index_sorted;
    bundle_index_entry *entries;
    reader_dictionary *dicts;
    pthread_mutex_t dict_lock; /* guards reader_dictionary.ddict, created on first use */
    loaded_table path_table_bytes, catalogue_bytes;
    bundle_path_table path_table;
    bundle_catalogue catalogue;
    object_cache *references; /* decoded reference objects, shared by the threads */
};

/* Positioned read of exactly len bytes at offset within the bundle. Returns 0 or -1. */
int reader_read_at(const bundle_reader *r, void *buf, size_t len, uint64_t offset,
                   panya_error *err);
/* PANYA_ERR_INVALID "NAME: what"; returns -1. */
int reader_invalid(const bundle_reader *r, panya_error *err, const char *what);
/* Checks that [offset, offset+len) lies inside [lo, hi) without overflow. */
bool reader_in_range(uint64_t offset, uint64_t len, uint64_t lo, uint64_t hi);

/* Where one whole section (manifest, path table, dictionary) is stored and what it hashes to. */
typedef struct section {
    const char *what; /* "manifest", … for messages */
    uint64_t offset, stored_size, size, limit;
    uint8_t method;
    const uint8_t *hash;
} section;

/* Reads a section, decompresses it and checks its hash. *out is malloc'd, NUL-terminated. */
int reader_load_section(const bundle_reader *r, const section *s, uint8_t **out,
                        panya_error *err);

/* Reads the path table and catalogue at open (bundle_tables.c); damage is recorded. */
void reader_load_tables_of_1_1(bundle_reader *r);

#endif
