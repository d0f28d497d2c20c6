/* Compression planning for bundle_writer (internal to packer/): per-class dictionary
 * training and parallel zstd compression, keeping a dictionary only when it makes the
 * bundle smaller. */
#ifndef PANYA_WRITER_BUNDLE_COMPRESS_H
#define PANYA_WRITER_BUNDLE_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/hash.h"

typedef struct compress_input {
    const uint8_t *hash;     /* expected SHA-256 of the bytes */
    uint64_t size;
    const char *disk_path;   /* read from here when memory is NULL */
    const uint8_t *memory;
    const char *dict_class;  /* objects of one class share a dictionary */
    const char *name;        /* file name (no folder), or NULL: objects with the same name in
                                different folders are usually near-duplicates */
} compress_input;

typedef struct compress_output {
    bool compressed;       /* false when the object is better stored raw */
    uint64_t spool_offset; /* where its zstd frame waits in the spool (writer/object_spool.h) */
    uint64_t size;         /* frame size */
    int dict_index;        /* position in the dictionary list, or -1 */
    long reference;        /* input whose bytes the frame was made against (method 2), or -1;
                              that input's own output never has a reference */
} compress_output;

typedef struct compress_dictionary {
    uint8_t *data;        /* the zstd dictionary */
    size_t size;
    uint8_t *stored;      /* the same compressed as a zstd frame, or NULL to store it raw */
    size_t stored_size;
} compress_dictionary;

struct object_spool;

/* Compresses every input into the spool; out[i] receives input i's result. Dictionaries
 * that were kept are returned in *dicts (malloc'd, *dict_count entries, in a deterministic
 * order). With use_references, a near-duplicate of another input is compressed against it
 * when that is smaller (writer/reference_select.h). frame_cache (or NULL) is a folder of
 * frames kept between packs (writer/frame_cache.h). Returns 0 or -1 (a source changed or
 * could not be read, OOM). */
int bundle_compress_objects(const compress_input *in, size_t count, int level, int threads,
                            bool train_dictionaries, bool use_references,
                            const char *frame_cache, struct object_spool *spool,
                            compress_output *out, compress_dictionary **dicts,
                            size_t *dict_count, panya_error *err);

/* Reads `size` bytes of disk_path and checks them against `hash`; the source changing
 * since it was added is PANYA_ERR_INVALID. *data is malloc'd. Returns 0 or -1. */
int bundle_load_source(const char *disk_path, uint64_t size, const uint8_t *hash,
                       uint8_t **data, panya_error *err);

#endif
