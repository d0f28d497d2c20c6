/* Where compressed frames wait for their place in the bundle, so pack memory does not grow
 * with the input: frames go to an unnamed temporary file next to the output (nothing is
 * left behind even after kill -9) and are copied into the bundle in layout order. Objects
 * too large to hold in memory are compressed by streaming straight into the spool.
 *
 * Thread safety: object_spool_put and object_spool_compress_stream may run in several
 * threads at once (each reserves its own region); the rest is single-threaded. */
#ifndef PANYA_WRITER_OBJECT_SPOOL_H
#define PANYA_WRITER_OBJECT_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/output_file.h"
#include "writer/bundle_compress.h"

/* Objects above this size are never loaded whole: streamed, and left out of dictionaries. */
#define OBJECT_STREAM_MIN_SIZE (8u * 1024 * 1024)

typedef struct object_spool object_spool;

/* Creates the spool in the folder of near_path (the output). Returns NULL (err set). */
object_spool *object_spool_create(const char *near_path, panya_error *err);

void object_spool_free(object_spool *spool);

/* Stores a frame; writes where it went to *offset. Returns 0 or -1. */
int object_spool_put(object_spool *spool, const uint8_t *frame, size_t len, uint64_t *offset,
                     panya_error *err);

/* Compresses the object by streaming (reading its file in chunks and checking its hash)
 * into the spool. *size receives the frame size, which may not be smaller than the object:
 * the caller then stores it raw. Returns 0 or -1 (source changed or unreadable, disk full). */
int object_spool_compress_stream(object_spool *spool, const compress_input *in, int level,
                                 uint64_t *offset, uint64_t *size, panya_error *err);

/* Appends len bytes at offset of the spool to out. Returns 0 or -1. */
int object_spool_copy(object_spool *spool, uint64_t offset, uint64_t len,
                      panya_output_file *out, panya_error *err);

/* True when a fast compression of a sample of the object (its first 128 KiB) saves almost
 * nothing: random or already-compressed data of an unknown type, which zstd -19 would
 * spend minutes on for no gain. Small objects and unreadable files answer false (the
 * real compression then reports the error). */
bool object_looks_incompressible(const compress_input *in);

/* Bytes the compression threads may use together (zstd contexts plus the objects they hold):
 * pack memory must not grow with the number of cores either. */
#define COMPRESS_MEMORY_BUDGET (384u * 1024 * 1024)

/* How many of `threads` (0: one per core) may compress at `level` at once within
 * COMPRESS_MEMORY_BUDGET; at least 1. */
int compress_threads_within_budget(int threads, int level);

#endif
