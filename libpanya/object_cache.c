#include "libpanya/object_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 1024

typedef struct cache_entry {
    uint64_t key;
    uint8_t *data;
    size_t size;
    struct cache_entry *bucket_next;
    struct cache_entry *newer, *older; /* recency list */
} cache_entry;

struct object_cache {
    pthread_mutex_t lock;
    size_t limit, used;
    cache_entry *buckets[BUCKETS];
    cache_entry *newest, *oldest;
};

object_cache *object_cache_new(size_t limit)
{
    object_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->limit = limit;
    return c;
}

static cache_entry **bucket_of(object_cache *c, uint64_t key)
{
    return &c->buckets[(key * 0x9E3779B97F4A7C15u) >> 54];
}

static void unlink_recency(object_cache *c, cache_entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(object_cache *c, cache_entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

static void evict_oldest(object_cache *c)
{
    cache_entry *e = c->oldest;
    unlink_recency(c, e);
    for (cache_entry **p = bucket_of(c, e->key); *p; p = &(*p)->bucket_next) {
        if (*p == e) {
            *p = e->bucket_next;
            break;
        }
    }
    c->used -= e->size;
    free(e->data);
    free(e);
}

void object_cache_free(object_cache *c)
{
    if (!c)
        return;
    while (c->oldest)
        evict_oldest(c);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void object_cache_set_limit(object_cache *c, size_t limit)
{
    pthread_mutex_lock(&c->lock);
    c->limit = limit;
    while (c->used > c->limit)
        evict_oldest(c);
    pthread_mutex_unlock(&c->lock);
}

int object_cache_admits(object_cache *c, uint64_t size)
{
    pthread_mutex_lock(&c->lock);
    int admits = size <= c->limit / 4;
    pthread_mutex_unlock(&c->lock);
    return admits;
}

static cache_entry *lookup(object_cache *c, uint64_t key)
{
    for (cache_entry *e = *bucket_of(c, key); e; e = e->bucket_next)
        if (e->key == key)
            return e;
    return NULL;
}

int object_cache_copy(object_cache *c, uint64_t key, uint64_t offset, void *buf, size_t len,
                      size_t *got)
{
    pthread_mutex_lock(&c->lock);
    cache_entry *e = lookup(c, key);
    if (e) {
        size_t n = offset >= e->size ? 0 : e->size - (size_t)offset;
        n = n < len ? n : len;
        memcpy(buf, e->data + (n ? offset : 0), n);
        *got = n;
        unlink_recency(c, e);
        push_newest(c, e);
    }
    pthread_mutex_unlock(&c->lock);
    return e != NULL;
}

void object_cache_put(object_cache *c, uint64_t key, uint8_t *data, size_t size)
{
    cache_entry *e = malloc(sizeof *e);
    pthread_mutex_lock(&c->lock);
    if (!e || size > c->limit / 4 || lookup(c, key)) {
        pthread_mutex_unlock(&c->lock);
        free(e);
        free(data);
        return;
    }
    *e = (cache_entry){.key = key, .data = data, .size = size};
    cache_entry **bucket = bucket_of(c, key);
    e->bucket_next = *bucket;
    *bucket = e;
    push_newest(c, e);
    c->used += size;
    while (c->used > c->limit)
        evict_oldest(c);
    pthread_mutex_unlock(&c->lock);
}
