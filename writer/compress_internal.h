/* Shared by the parts of bundle_compress_objects (internal to writer/): the job state, one
 * zstd frame, an input's bytes, and the choice of reference objects. */
#ifndef PANYA_WRITER_COMPRESS_INTERNAL_H
#define PANYA_WRITER_COMPRESS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "common/error.h"
#include "common/hash.h"
#include "writer/bundle_compress.h"

/* Decisions (dictionary, reference or neither) are made on fast estimates; only the chosen
 * frame is then made at the final level, so each object is compressed slowly once. */
#define ESTIMATE_LEVEL 3

typedef struct dictionary_class {
    const char *name;
    size_t members;
    uint8_t *dict;
    size_t dict_size;
    ZSTD_CDict *estimate_cdict; /* at ESTIMATE_LEVEL, for the decision */
    ZSTD_CDict *cdict;          /* at the final level, once the dictionary is kept */
    ZSTD_DDict *ddict;          /* to check cached frames, when there is a frame cache */
    uint8_t dict_hash[PANYA_HASH_SIZE];
    uint8_t *stored; /* the dictionary compressed, or NULL when raw is smaller */
    size_t stored_size;
    bool keep;
    int output_index;
} dictionary_class;

typedef struct compress_job_state {
    const compress_input *in;
    compress_output *out;
    size_t *plain_estimate; /* frame size without the dictionary, at ESTIMATE_LEVEL */
    size_t *dict_estimate;  /* frame size with the class dictionary, or 0 */
    bool *use_dict;
    long *reference;        /* input to compress against, or -1; NULL without references */
    int *class_of;
    dictionary_class *classes;
    int level;
    const char *frame_cache; /* folder of frames kept between packs, or NULL */
    struct object_spool *spool;
    bool *incompressible; /* unknown types whose sample did not shrink: stored raw */
    panya_error *errors; /* one per input, so jobs never share state */
} compress_job_state;

/* One frame of data at `level`: with a dictionary (cdict), against a reference's bytes
 * (prefix, as a raw-content prefix), or neither. malloc'd; NULL when out of memory. */
uint8_t *compress_frame(const uint8_t *data, size_t len, int level, const ZSTD_CDict *cdict,
                        const uint8_t *prefix, size_t prefix_len, size_t *out_size);

/* Input's bytes, from memory or read (and checked) from its file; *owned is set when they
 * must be freed. NULL with err set when the source changed or cannot be read. */
const uint8_t *compress_input_bytes(const compress_input *in, uint8_t **owned,
                                    panya_error *err);

/* Allocates s->reference and fills it: for each input, the input it is best compressed
 * against (smaller than its plain and dictionary estimates), or -1. Needs the plain and
 * dictionary estimates. Returns 0 or -1 (a source unreadable, OOM). */
int compress_choose_references(compress_job_state *s, size_t count, int threads,
                               panya_error *err);

/* The final frame of input i against s->reference[i] (through the frame cache when there
 * is one). NULL with s->errors[i] set on failure. */
uint8_t *compress_reference_frame(compress_job_state *s, size_t i, const uint8_t *data,
                                  size_t *size);

#endif
