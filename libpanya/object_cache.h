/* A size-limited cache of decompressed objects, least recently used out first, shared by the
 * threads reading one bundle (one mutex; hits copy under it, which costs a memcpy). Objects
 * are put only after they matched their hash, so a hit needs no second check. */
#ifndef PANYA_LIBPANYA_OBJECT_CACHE_H
#define PANYA_LIBPANYA_OBJECT_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct object_cache object_cache;

/* NULL when out of memory. limit is in bytes of object data. */
object_cache *object_cache_new(size_t limit);
void object_cache_free(object_cache *c);

/* Changes the limit (evicting down to it); objects above limit/4 are never kept. */
void object_cache_set_limit(object_cache *c, size_t limit);
/* True when an object of this size would be kept. */
int object_cache_admits(object_cache *c, uint64_t size);

/* Copies bytes [offset, offset+len) of object `key` (clipped to its size) into buf when it
 * is cached: returns 1 and sets *got; 0 on a miss. */
int object_cache_copy(object_cache *c, uint64_t key, uint64_t offset, void *buf, size_t len,
                      size_t *got);

/* Takes ownership of data (malloc'd, size bytes): keeps it, or frees it when it is too large
 * or another thread put the same key first. */
void object_cache_put(object_cache *c, uint64_t key, uint8_t *data, size_t size);

#endif
