/* Administration of transcode caches (`panya cache`): statistics, verification, merging the
 * caches of several workers, garbage collection. Which of these may run while others use the
 * cache (also on NFS) is in docs/SCALE.md: stats, verify and merge (into DEST) may; gc needs
 * the cache to itself. Errors: panya_error; a folder that is no cache is PANYA_ERR_USAGE. */
#ifndef PANYA_PACKER_CACHE_ADMIN_H
#define PANYA_PACKER_CACHE_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "codecs/codecs.h"
#include "common/error.h"
#include "common/hash.h"

#define CACHE_ADMIN_MAX_PROFILES 32

typedef struct cache_profile_stats {
    char name[CODEC_NAME_SIZE]; /* "" for entries made before profiles were recorded */
    size_t entries;
    uint64_t bytes;
} cache_profile_stats;

typedef struct cache_stats {
    char *dir;           /* the cache's layout folder (DIR/v1) */
    size_t entries;      /* records */
    uint64_t bytes;      /* their outputs, as recorded */
    size_t orphans;      /* outputs without a record (a transcode killed before it recorded) */
    size_t temporaries;  /* half-written files of running or killed writers */
    uint64_t other_bytes; /* what orphans and temporaries take */
    cache_profile_stats profiles[CACHE_ADMIN_MAX_PROFILES];
    size_t profile_count; /* entries beyond the last slot count under the last one */
} cache_stats;

/* Counts dir's entries from their records (no hashing). Returns 0 or -1. */
int cache_admin_stats(const char *dir, cache_stats *stats, panya_error *err);
void cache_stats_free(cache_stats *stats);

typedef struct cache_verify_report {
    size_t good, bad;   /* entries whose output matches its record, or not */
    char (*bad_keys)[PANYA_HASH_HEX_SIZE];
} cache_verify_report;

/* Hashes every entry's output against its record; with remove_bad, removes the damaged ones
 * (record first). Returns 0 (even with bad entries) or -1. */
int cache_admin_verify(const char *dir, bool remove_bad, cache_verify_report *report,
                       panya_error *err);
void cache_verify_report_free(cache_verify_report *report);

typedef struct cache_merge_report {
    size_t copied, present, bad; /* copied; already in DEST; damaged in a source, left */
    uint64_t bytes_copied;
} cache_merge_report;

/* Copies every entry of each source that dest lacks: the output is hashed while it is copied
 * and must match its record; output then record are written under temporary names and
 * renamed (an entry appears whole or not at all), in batches synced to disk outputs first,
 * then records. Creates dest. Returns 0 or -1. */
int cache_admin_merge(const char *const *sources, size_t source_count, const char *dest,
                      cache_merge_report *report, panya_error *err);

typedef struct cache_gc_options {
    const char (*keep)[PANYA_HASH_HEX_SIZE]; /* keys never removed, sorted (strcmp) */
    size_t keep_count;
    bool keep_given;    /* without other limits: remove everything not kept */
    double older_than;  /* seconds; < 0: no age limit */
    uint64_t max_size;  /* 0: no size limit; else remove the oldest until under it */
    bool dry_run;       /* count only */
} cache_gc_options;

typedef struct cache_gc_report {
    size_t removed, kept, broken; /* entries; broken: damaged, orphans, stale temporaries */
    uint64_t bytes_removed, bytes_kept;
} cache_gc_report;

/* Removes entries by the options (record first, so no reader sees half an entry), damaged
 * entries, orphans and temporaries no writer holds. Returns 0 or -1. */
int cache_admin_gc(const char *dir, const cache_gc_options *options, cache_gc_report *report,
                   panya_error *err);

#endif
