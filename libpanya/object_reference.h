/* Objects stored as a zstd frame against a reference object (method 2, docs/FORMAT.md,
 * "Reference frames"): the frame was compressed with the reference's uncompressed bytes as
 * a raw-content prefix, as `zstd --patch-from` does. Self-contained: it knows nothing of the
 * reader's files or caches, only bytes in and bytes out. Thread-safe (no shared state). */
#ifndef PANYA_LIBPANYA_OBJECT_REFERENCE_H
#define PANYA_LIBPANYA_OBJECT_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

/* Largest object, and largest reference, that a reference frame may involve: both are held
 * in memory while decoding, on phones too. The writer never makes larger ones; readers
 * refuse them. */
#define OBJECT_REFERENCE_MAX_SIZE (8u * 1024 * 1024)

/* Decompresses `frame` (one zstd frame made against `reference`) into out, which has room
 * for exactly `size` bytes. Returns 0 when the frame decodes to exactly `size` bytes, -1
 * when it is damaged, needs a window larger than 2^27, or decodes to another size. The
 * caller checks the result against the object's hash. */
int object_reference_decode(const uint8_t *reference, size_t reference_size,
                            const uint8_t *frame, size_t frame_size, uint8_t *out, size_t size);

#endif
