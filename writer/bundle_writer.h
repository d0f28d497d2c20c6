/* Writes a .panya bundle (format 1, docs/FORMAT.md). Objects are added one by one (from a
 * file or from memory), named by the SHA-256 of their bytes and stored once however often
 * they are added. bundle_writer_finish trains per-type zstd dictionaries, compresses text
 * in parallel, lays the objects out deterministically and writes the file crash-safely. */
#ifndef PANYA_WRITER_BUNDLE_WRITER_H
#define PANYA_WRITER_BUNDLE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/hash.h"
#include "manifest/bundle_manifest.h"

typedef struct bundle_writer bundle_writer;

typedef struct bundle_writer_options {
    int compression_level;   /* zstd level for text; 0 means the default (19) */
    int threads;             /* compression threads; 0 means one per core */
    bool no_dictionaries;    /* skip dictionary training (faster, usually larger) */
    bool no_references;      /* never store a near-duplicate against another object (the
                                format 1.0 layout; larger on collections of packages) */
    /* Ed25519 private key (packer/bundle_sign.h) to sign the manifest with; NULL: unsigned */
    const struct bundle_key *signing_key;
    uint32_t part_number, part_count; /* one part of a split pack (1-based); 0, 0 when whole */
    const char *frame_cache; /* folder keeping compressed frames between packs, or NULL */
} bundle_writer_options;

typedef struct bundle_writer_stats {
    uint64_t objects;        /* distinct objects stored */
    uint64_t duplicates;     /* adds that matched an object already stored */
    uint64_t object_bytes;   /* uncompressed bytes of the distinct objects */
    uint64_t compressed_objects;
    uint64_t referencing_objects; /* stored as a frame against another object (method 2) */
    uint64_t dictionaries;
    uint64_t bundle_bytes;   /* size of the finished file */
} bundle_writer_stats;

/* NULL options mean the defaults. Returns NULL when out of memory (err set). */
bundle_writer *bundle_writer_create(const bundle_writer_options *options, panya_error *err);

/* Adds the bytes of the file at disk_path. The file is read now (to name it) and again by
 * bundle_writer_finish, which fails if it changed in between. `mime` decides whether the
 * object is compressed. Writes the object's hash and size. Returns 0 or -1. */
int bundle_writer_add_file(bundle_writer *w, const char *disk_path, const char *mime,
                           uint8_t hash[PANYA_HASH_SIZE], uint64_t *size, panya_error *err);

/* Adds bytes held in memory (copied). Returns 0 or -1. */
int bundle_writer_add_memory(bundle_writer *w, const void *data, size_t len, const char *mime,
                             uint8_t hash[PANYA_HASH_SIZE], panya_error *err);

/* Writes a format 1.1 bundle for the finished manifest model m to out_path (temporary file,
 * fsync, rename: an earlier file at out_path survives any failure): its XML manifest, path
 * table and catalogue all come from m. Every variant's object must have been added.
 * Returns 0 or -1. */
int bundle_writer_finish(bundle_writer *w, const char *out_path, const bundle_manifest *m,
                         panya_error *err);

/* Writes a bundle around hand-made manifest bytes, without path table or catalogue: a format
 * 1.0 bundle. Only for tools that build hostile or damaged bundles on purpose. */
int bundle_writer_finish_raw(bundle_writer *w, const char *out_path, const uint8_t *manifest,
                             size_t manifest_len, panya_error *err);

/* Figures about the bundle written by bundle_writer_finish. */
bundle_writer_stats bundle_writer_get_stats(const bundle_writer *w);

void bundle_writer_free(bundle_writer *w);

#endif
