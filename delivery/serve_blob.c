/* Blobs, gzip and the gzip cache of `panya serve`: see serve_blob.h. */
#include "delivery/serve_blob.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct serve_blob_cache_entry {
    uint8_t key[32];
    serve_blob *blob;
};

serve_blob *serve_blob_copy(const void *data, size_t size)
{
    serve_blob *blob = malloc(sizeof *blob + size + 1);
    if (!blob)
        return NULL;
    atomic_init(&blob->refs, 1);
    blob->size = size;
    if (size)
        memcpy(blob->data, data, size);
    blob->data[size] = '\0';
    return blob;
}

void serve_blob_ref(serve_blob *blob)
{
    atomic_fetch_add(&blob->refs, 1);
}

void serve_blob_unref(serve_blob *blob)
{
    if (blob && atomic_fetch_sub(&blob->refs, 1) == 1)
        free(blob);
}

void serve_blob_release(void *blob)
{
    serve_blob_unref(blob);
}

serve_blob *serve_gzip(const void *data, size_t size)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* 15 window bits + 16: a gzip header and trailer instead of zlib's. */
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return NULL;
    size_t bound = deflateBound(&z, (uLong)size);
    serve_blob *blob = malloc(sizeof *blob + bound + 1);
    if (!blob) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)size;
    z.next_out = blob->data;
    z.avail_out = (uInt)bound;
    int status = deflate(&z, Z_FINISH);
    size_t out = bound - z.avail_out;
    deflateEnd(&z);
    if (status != Z_STREAM_END) {
        free(blob);
        return NULL;
    }
    atomic_init(&blob->refs, 1);
    blob->size = out;
    return blob;
}

void serve_blob_cache_init(serve_blob_cache *cache, size_t limit)
{
    memset(cache, 0, sizeof *cache);
    pthread_mutex_init(&cache->lock, NULL);
    cache->limit = limit;
}

void serve_blob_cache_free(serve_blob_cache *cache)
{
    for (size_t i = 0; i < cache->count; i++)
        serve_blob_unref(cache->entries[i].blob);
    free(cache->entries);
    pthread_mutex_destroy(&cache->lock);
    memset(cache, 0, sizeof *cache);
}

serve_blob *serve_blob_cache_get(serve_blob_cache *cache, const uint8_t key[32])
{
    serve_blob *found = NULL;
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->count; i++)
        if (memcmp(cache->entries[i].key, key, 32) == 0) {
            found = cache->entries[i].blob;
            serve_blob_ref(found);
            break;
        }
    pthread_mutex_unlock(&cache->lock);
    return found;
}

void serve_blob_cache_put(serve_blob_cache *cache, const uint8_t key[32], serve_blob *blob)
{
    if (blob->size > cache->limit / 4)
        return;
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->count; i++)
        if (memcmp(cache->entries[i].key, key, 32) == 0) {
            pthread_mutex_unlock(&cache->lock);
            return; /* another thread put it first */
        }
    size_t drop = 0;
    while (drop < cache->count && cache->bytes + blob->size > cache->limit) {
        cache->bytes -= cache->entries[drop].blob->size;
        serve_blob_unref(cache->entries[drop].blob);
        drop++;
    }
    if (drop) {
        memmove(cache->entries, cache->entries + drop,
                (cache->count - drop) * sizeof *cache->entries);
        cache->count -= drop;
    }
    if (cache->count == cache->capacity) {
        size_t capacity = cache->capacity ? 2 * cache->capacity : 64;
        serve_blob_cache_entry *grown = realloc(cache->entries, capacity * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&cache->lock);
            return;
        }
        cache->entries = grown;
        cache->capacity = capacity;
    }
    memcpy(cache->entries[cache->count].key, key, 32);
    cache->entries[cache->count].blob = blob;
    serve_blob_ref(blob);
    cache->count++;
    cache->bytes += blob->size;
    pthread_mutex_unlock(&cache->lock);
}
