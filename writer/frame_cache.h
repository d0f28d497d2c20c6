/* Compressed frames kept between packs, keyed by (object hash, dictionary hash, level, zstd
 * version): a repack whose text did not change reuses them instead of compressing everything
 * at level 19 again. A cached frame is used only after it decompresses to exactly the bytes
 * named by the object's hash, so a damaged cache costs time, never a damaged bundle. */
#ifndef PANYA_WRITER_FRAME_CACHE_H
#define PANYA_WRITER_FRAME_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "common/hash.h"

/* The cached frame for the object (malloc'd, *frame_size set), or NULL. dict_hash and ddict
 * are NULL for frames made without a dictionary. */
uint8_t *frame_cache_get(const char *dir, const uint8_t hash[PANYA_HASH_SIZE], uint64_t size,
                         const uint8_t *dict_hash, const ZSTD_DDict *ddict, int level,
                         size_t *frame_size);

/* Stores a frame (best effort: a cache that cannot be written is simply not used). */
void frame_cache_put(const char *dir, const uint8_t hash[PANYA_HASH_SIZE],
                     const uint8_t *dict_hash, int level, const uint8_t *frame,
                     size_t frame_size);

#endif
