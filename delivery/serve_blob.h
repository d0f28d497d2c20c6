/* Shared byte blobs for `panya serve`: reference-counted buffers that responses hand to
 * libmicrohttpd without copying, gzip compression of text (zlib), and a size-limited cache
 * of gzip-compressed objects keyed by their SHA-256, so that a page asked for by a whole
 * classroom is compressed once, not per request.
 * Threads: every function is thread-safe; a blob is immutable once made. */
#ifndef PANYA_DELIVERY_SERVE_BLOB_H
#define PANYA_DELIVERY_SERVE_BLOB_H

#include <stdatomic.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct serve_blob {
    atomic_size_t refs;
    size_t size;
    unsigned char data[];
} serve_blob;

/* A blob holding a copy of data (refs 1), or NULL when out of memory. */
serve_blob *serve_blob_copy(const void *data, size_t size);
void serve_blob_ref(serve_blob *blob);
/* Drops one reference; the last frees it. NULL is fine. */
void serve_blob_unref(serve_blob *blob);
/* Shaped as libmicrohttpd's free callback: unref(cls). */
void serve_blob_release(void *blob);

/* data gzip-compressed (RFC 1952) at the default level, or NULL (out of memory). */
serve_blob *serve_gzip(const void *data, size_t size);

typedef struct serve_blob_cache_entry serve_blob_cache_entry;

typedef struct serve_blob_cache {
    pthread_mutex_t lock;
    serve_blob_cache_entry *entries; /* in insertion order: the oldest is dropped first */
    size_t count, capacity;
    size_t bytes, limit;
} serve_blob_cache;

void serve_blob_cache_init(serve_blob_cache *cache, size_t limit);
void serve_blob_cache_free(serve_blob_cache *cache);

/* The cached blob for key, with a reference for the caller, or NULL. */
serve_blob *serve_blob_cache_get(serve_blob_cache *cache, const uint8_t key[32]);
/* Keeps blob under key (taking its own reference), dropping the oldest entries past the
 * limit; blobs larger than a quarter of the limit are not kept. */
void serve_blob_cache_put(serve_blob_cache *cache, const uint8_t key[32], serve_blob *blob);

#endif
