/* `panya cache stats|verify|merge|gc`: whole-cache operations over the layout of
 * packer/transcode_cache.c (DIR/v1/KE/KEY.meta + KEY.out). */
#include "packer/cache_admin.h"
#include "common/grow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/output_file.h"
#include "common/temp_files.h"
#include "packer/transcode_cache.h"

typedef struct scanned_entry {
    char key[PANYA_HASH_HEX_SIZE];
    bool record, output;
    time_t mtime;       /* the record's: when the entry was made */
    uint64_t out_bytes; /* the output file's size on disk */
} scanned_entry;

typedef struct cache_scan {
    transcode_cache cache;
    scanned_entry *entries;
    size_t count, capacity;
    char **temporaries; /* paths of half-written files */
    size_t temporary_count;
    uint64_t temporary_bytes;
} cache_scan;

static bool is_key(const char *s, size_t len)
{
    if (len != PANYA_HASH_HEX_SIZE - 1)
        return false;
    for (size_t i = 0; i < len; i++)
        if (panya_hex_digit(s[i]) < 0 || (s[i] >= 'A' && s[i] <= 'F'))
            return false;
    return true;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const scanned_entry *)a)->key, ((const scanned_entry *)b)->key);
}

static scanned_entry *entry_for(cache_scan *scan, const char *key)
{
    if (scan->count && strncmp(scan->entries[scan->count - 1].key, key, PANYA_HASH_HEX_SIZE - 1) == 0)
        return &scan->entries[scan->count - 1];
    if (panya_grow((void **)&scan->entries, &scan->capacity, scan->count,
                   sizeof *scan->entries, 256) != 0)
        return NULL;
    scanned_entry *e = &scan->entries[scan->count++];
    memset(e, 0, sizeof *e);
    memcpy(e->key, key, PANYA_HASH_HEX_SIZE - 1);
    return e;
}

static int add_temporary(cache_scan *scan, const char *path, uint64_t bytes)
{
    char **grown = realloc(scan->temporaries, (scan->temporary_count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    scan->temporaries = grown;
    if (!(grown[scan->temporary_count] = strdup(path)))
        return -1;
    scan->temporary_count++;
    scan->temporary_bytes += bytes;
    return 0;
}

static void scan_free(cache_scan *scan)
{
    for (size_t i = 0; i < scan->temporary_count; i++)
        free(scan->temporaries[i]);
    free(scan->temporaries);
    free(scan->entries);
    transcode_cache_close(&scan->cache);
}

/* Reads one KE folder: records and outputs (sorted by name, so one key's two files meet). */
static int scan_folder(cache_scan *scan, const char *folder, panya_error *err)
{
    struct dirent **names = NULL;
    int n = scandir(folder, &names, NULL, alphasort);
    if (n < 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s: cannot read", folder);
    int status = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        char path[4096];
        struct stat st;
        int len = snprintf(path, sizeof path, "%s/%s", folder, name);
        const char *dot = strrchr(name, '.');
        if (status != 0 || (name[0] == '.' && !panya_temp_name(name))) {
            /* "." and ".." */
        } else if (len < 0 || (size_t)len >= sizeof path || lstat(path, &st) != 0 ||
                   !S_ISREG(st.st_mode)) {
            /* gone meanwhile, or not ours */
        } else if (panya_temp_name(name)) {
            if (add_temporary(scan, path, (uint64_t)st.st_size) != 0)
                status = panya_error_oom(err);
        } else if (dot && is_key(name, (size_t)(dot - name)) &&
                   (strcmp(dot, ".meta") == 0 || strcmp(dot, ".out") == 0)) {
            scanned_entry *e = entry_for(scan, name);
            if (!e)
                status = panya_error_oom(err);
            else if (strcmp(dot, ".meta") == 0) {
                e->record = true;
                e->mtime = st.st_mtime;
            } else {
                e->output = true;
                e->out_bytes = (uint64_t)st.st_size;
                if (!e->record)
                    e->mtime = st.st_mtime; /* an orphan: how long since its writer wrote */
            }
        }
        free(names[i]);
    }
    free(names);
    return status;
}

/* Lists the cache in dir (which must exist), entries sorted by key. */
static int scan_cache(cache_scan *scan, const char *dir, panya_error *err)
{
    memset(scan, 0, sizeof *scan);
    int opened = transcode_cache_open_mode(&scan->cache, dir, false, err);
    if (opened < 0)
        return -1;
    if (opened == 1) {
        int status = panya_error_set(err, PANYA_ERR_USAGE,
                                     "%s: no transcode cache here (no %s)",
                                     dir ? dir : "the default cache", scan->cache.dir);
        transcode_cache_close(&scan->cache);
        return status;
    }
    DIR *top = opendir(scan->cache.dir);
    if (!top) {
        int status = panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s: cannot read",
                                       scan->cache.dir);
        transcode_cache_close(&scan->cache);
        return status;
    }
    int status = 0;
    struct dirent *d;
    while (status == 0 && (d = readdir(top))) {
        if (strlen(d->d_name) != 2 || panya_hex_digit(d->d_name[0]) < 0 ||
            panya_hex_digit(d->d_name[1]) < 0)
            continue; /* frames/ and anything else */
        char folder[4096];
        snprintf(folder, sizeof folder, "%s/%s", scan->cache.dir, d->d_name);
        status = scan_folder(scan, folder, err);
    }
    closedir(top);
    if (status == 0)
        qsort(scan->entries, scan->count, sizeof *scan->entries, by_key);
    else
        scan_free(scan);
    return status;
}

int cache_admin_stats(const char *dir, cache_stats *stats, panya_error *err)
{
    memset(stats, 0, sizeof *stats);
    cache_scan scan;
    if (scan_cache(&scan, dir, err) != 0)
        return -1;
    for (size_t i = 0; i < scan.count; i++) {
        scanned_entry *e = &scan.entries[i];
        codec_result r;
        char profile[CODEC_NAME_SIZE], sha[PANYA_HASH_HEX_SIZE];
        if (!e->record || !transcode_cache_read_record(&scan.cache, e->key, &r, profile,
                                                       sizeof profile, sha)) {
            stats->orphans += e->output;
            stats->other_bytes += e->out_bytes;
            continue;
        }
        stats->entries++;
        stats->bytes += r.bytes;
        size_t p = 0;
        while (p < stats->profile_count && strcmp(stats->profiles[p].name, profile) != 0)
            p++;
        if (p == stats->profile_count && p < CACHE_ADMIN_MAX_PROFILES)
            snprintf(stats->profiles[stats->profile_count++].name, CODEC_NAME_SIZE, "%s",
                     profile);
        if (p == CACHE_ADMIN_MAX_PROFILES)
            p--;
        stats->profiles[p].entries++;
        stats->profiles[p].bytes += r.bytes;
    }
    stats->temporaries = scan.temporary_count;
    stats->other_bytes += scan.temporary_bytes;
    stats->dir = strdup(scan.cache.dir);
    scan_free(&scan);
    return stats->dir ? 0 : panya_error_oom(err);
}

void cache_stats_free(cache_stats *stats)
{
    free(stats->dir);
    memset(stats, 0, sizeof *stats);
}

static void remove_entry(const transcode_cache *cache, const scanned_entry *e, bool dry_run);

int cache_admin_verify(const char *dir, bool remove_bad, cache_verify_report *report,
                       panya_error *err)
{
    memset(report, 0, sizeof *report);
    cache_scan scan;
    if (scan_cache(&scan, dir, err) != 0)
        return -1;
    int status = 0;
    for (size_t i = 0; i < scan.count && status == 0; i++) {
        scanned_entry *e = &scan.entries[i];
        codec_result r;
        if (!e->record)
            continue; /* an orphan output is no entry: gc removes it */
        if (transcode_cache_lookup(&scan.cache, e->key, &r)) {
            report->good++;
            continue;
        }
        void *grown = realloc(report->bad_keys, (report->bad + 1) * sizeof *report->bad_keys);
        if (!grown) {
            status = panya_error_oom(err);
            break;
        }
        report->bad_keys = grown;
        memcpy(report->bad_keys[report->bad++], e->key, PANYA_HASH_HEX_SIZE);
        if (remove_bad)
            remove_entry(&scan.cache, e, false);
    }
    scan_free(&scan);
    return status;
}

void cache_verify_report_free(cache_verify_report *report)
{
    free(report->bad_keys);
    memset(report, 0, sizeof *report);
}

/* Copies src to dest under a temporary name and renames it; when want_hash is given, the
 * bytes must hash to it and number want_bytes (else PANYA_ERR_INVALID, nothing written). */
static int copy_checked(const char *src, const char *dest, const char *want_hash,
                        uint64_t want_bytes, panya_error *err)
{
    int fd = open(src, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return panya_error_errno(err, PANYA_ERR_INVALID, errno, "%s", src);
    panya_output_file out;
    if (panya_output_open(&out, dest, err) != 0) {
        close(fd);
        return -1;
    }
    panya_sha256 ctx;
    if (panya_sha256_init(&ctx) != 0) {
        close(fd);
        panya_output_abort(&out);
        return panya_error_oom(err);
    }
    static _Thread_local char buf[1 << 16];
    uint64_t total = 0;
    ssize_t n;
    int status = 0;
    while (status == 0 && (n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            status = panya_error_errno(err, PANYA_ERR_INVALID, errno, "%s", src);
            break;
        }
        panya_sha256_update(&ctx, buf, (size_t)n);
        total += (uint64_t)n;
        status = panya_output_write(&out, buf, (size_t)n, err);
    }
    close(fd);
    uint8_t digest[PANYA_HASH_SIZE];
    char hex[PANYA_HASH_HEX_SIZE];
    panya_sha256_final(&ctx, digest);
    panya_hash_to_hex(digest, hex);
    if (status == 0 && want_hash && (total != want_bytes || strcmp(hex, want_hash) != 0))
        status = panya_error_set(err, PANYA_ERR_INVALID,
                                 "%s: does not match its record (damaged)", src);
    if (status != 0) {
        panya_output_abort(&out);
        return -1;
    }
    return panya_output_commit_unsynced(&out, err); /* the batch syncs (merge_batch_flush) */
}

/* dest already has key with the same output (by record; `cache verify` hashes). */
static bool present(const transcode_cache *dest, const char *key, const char *sha,
                    uint64_t bytes)
{
    codec_result r;
    char dest_sha[PANYA_HASH_HEX_SIZE];
    if (!transcode_cache_read_record(dest, key, &r, NULL, 0, dest_sha) ||
        strcmp(dest_sha, sha) != 0 || r.bytes != bytes)
        return false;
    char *out = transcode_cache_entry_path(dest, key, false);
    struct stat st;
    bool there = out && stat(out, &st) == 0 && (uint64_t)st.st_size == bytes;
    free(out);
    return there;
}

/* Entries are merged in batches: the outputs of a batch, one syncfs, their records, another
 * syncfs. A record still never reaches the disk before its output (a crash leaves at worst
 * outputs without records, which readers ignore and gc removes), at two syncs per batch
 * instead of two per file: a sync per file made merging 10,000 entries take 99 s. */
enum { MERGE_BATCH = 256 };

typedef struct merge_batch {
    char keys[MERGE_BATCH][PANYA_HASH_HEX_SIZE];
    uint64_t bytes[MERGE_BATCH];
    size_t count;
} merge_batch;

static int sync_cache(const transcode_cache *dest, panya_error *err)
{
    int fd = open(dest->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", dest->dir);
    int status = 0;
    if (syncfs(fd) != 0)
        status = panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot sync", dest->dir);
    close(fd);
    return status;
}

/* Makes the batch's outputs durable, then writes their records and makes those durable. */
static int merge_batch_flush(const transcode_cache *src, const transcode_cache *dest,
                             merge_batch *batch, cache_merge_report *report, panya_error *err)
{
    if (batch->count == 0)
        return 0;
    if (sync_cache(dest, err) != 0)
        return -1;
    int status = 0;
    for (size_t i = 0; i < batch->count && status == 0; i++) {
        char *src_meta = transcode_cache_entry_path(src, batch->keys[i], true);
        char *dest_meta = transcode_cache_entry_path(dest, batch->keys[i], true);
        if (!src_meta || !dest_meta)
            status = panya_error_oom(err);
        else if ((status = copy_checked(src_meta, dest_meta, NULL, 0, err)) == 0) {
            report->copied++;
            report->bytes_copied += batch->bytes[i];
        }
        free(src_meta);
        free(dest_meta);
    }
    batch->count = 0;
    if (status == 0)
        status = sync_cache(dest, err);
    return status;
}

/* Copies key's output into dest when dest lacks it and queues its record in the batch. */
static int merge_output(const transcode_cache *src, const transcode_cache *dest,
                        const char *key, merge_batch *batch, cache_merge_report *report,
                        panya_error *err)
{
    codec_result r;
    char sha[PANYA_HASH_HEX_SIZE];
    if (!transcode_cache_read_record(src, key, &r, NULL, 0, sha)) {
        report->bad++;
        return 0;
    }
    if (present(dest, key, sha, r.bytes)) {
        report->present++;
        return 0;
    }
    char *src_out = transcode_cache_entry_path(src, key, false);
    char *dest_out = transcode_cache_output_path(dest, key, err); /* makes KE/ */
    int status = -1;
    if (!src_out) {
        if (dest_out)
            panya_error_oom(err);
    } else if (dest_out) {
        panya_error damage = {0};
        if (copy_checked(src_out, dest_out, sha, r.bytes, &damage) == 0) {
            memcpy(batch->keys[batch->count], key, PANYA_HASH_HEX_SIZE);
            batch->bytes[batch->count++] = r.bytes;
            status = 0;
        } else if (damage.code == PANYA_ERR_INVALID) {
            report->bad++;
            status = 0;
        } else {
            *err = damage;
        }
    }
    free(src_out);
    free(dest_out);
    return status;
}

int cache_admin_merge(const char *const *sources, size_t source_count, const char *dest,
                      cache_merge_report *report, panya_error *err)
{
    memset(report, 0, sizeof *report);
    transcode_cache target;
    if (transcode_cache_open(&target, dest, err) != 0)
        return -1;
    merge_batch *batch = calloc(1, sizeof *batch);
    int status = batch ? 0 : panya_error_oom(err);
    for (size_t s = 0; s < source_count && status == 0; s++) {
        cache_scan scan;
        if (scan_cache(&scan, sources[s], err) != 0) {
            status = -1;
            break;
        }
        if (strcmp(scan.cache.dir, target.dir) == 0)
            status = panya_error_set(err, PANYA_ERR_USAGE, "%s is DEST itself", sources[s]);
        for (size_t i = 0; i < scan.count && status == 0; i++) {
            if (scan.entries[i].record)
                status = merge_output(&scan.cache, &target, scan.entries[i].key, batch, report,
                                      err);
            if (status == 0 && batch->count == MERGE_BATCH)
                status = merge_batch_flush(&scan.cache, &target, batch, report, err);
        }
        /* The outputs already copied get their records even when a later entry failed. */
        panya_error later = {0};
        if (merge_batch_flush(&scan.cache, &target, batch, report, status == 0 ? err : &later) != 0)
            status = -1;
        scan_free(&scan);
    }
    free(batch);
    transcode_cache_close(&target);
    return status;
}

static int by_age(const void *a, const void *b)
{
    const scanned_entry *x = a, *y = b;
    if (x->mtime != y->mtime)
        return x->mtime < y->mtime ? -1 : 1;
    return strcmp(x->key, y->key);
}

static bool kept(const cache_gc_options *o, const char *key)
{
    return o->keep_count && bsearch(key, o->keep, o->keep_count, sizeof *o->keep,
                                    (int (*)(const void *, const void *))strcmp);
}

/* Removes the record first: from then on the entry is a miss for every reader. */
static void remove_entry(const transcode_cache *cache, const scanned_entry *e, bool dry_run)
{
    char *meta = transcode_cache_entry_path(cache, e->key, true);
    char *out = transcode_cache_entry_path(cache, e->key, false);
    if (!dry_run && meta)
        unlink(meta);
    if (!dry_run && out)
        unlink(out);
    free(meta);
    free(out);
}

int cache_admin_gc(const char *dir, const cache_gc_options *o, cache_gc_report *report,
                   panya_error *err)
{
    memset(report, 0, sizeof *report);
    cache_scan scan;
    if (scan_cache(&scan, dir, err) != 0)
        return -1;
    time_t now = time(NULL);
    bool limited = o->older_than >= 0 || o->max_size > 0;
    /* Damaged entries and orphans first, then by age: the oldest go first under max_size. */
    size_t live = 0;
    for (size_t i = 0; i < scan.count; i++) {
        scanned_entry *e = &scan.entries[i];
        codec_result r;
        char sha[PANYA_HASH_HEX_SIZE];
        bool whole = e->record && e->output &&
                     transcode_cache_read_record(&scan.cache, e->key, &r, NULL, 0, sha) &&
                     r.bytes == e->out_bytes;
        if (!whole && !(e->output && !e->record && now - e->mtime < PANYA_OUTPUT_STALE_SECONDS)) {
            report->broken++;
            remove_entry(&scan.cache, e, o->dry_run);
        } else {
            scan.entries[live++] = *e;
        }
    }
    qsort(scan.entries, live, sizeof *scan.entries, by_age);
    uint64_t total = 0;
    for (size_t i = 0; i < live; i++)
        total += scan.entries[i].out_bytes;
    for (size_t i = 0; i < live; i++) {
        scanned_entry *e = &scan.entries[i];
        bool go = !kept(o, e->key) &&
                  ((!limited && o->keep_given) ||
                   (o->older_than >= 0 && difftime(now, e->mtime) > o->older_than) ||
                   (o->max_size > 0 && total > o->max_size));
        if (go) {
            remove_entry(&scan.cache, e, o->dry_run);
            report->removed++;
            report->bytes_removed += e->out_bytes;
            total -= e->out_bytes;
        } else {
            report->kept++;
            report->bytes_kept += e->out_bytes;
        }
    }
    for (size_t i = 0; i < scan.temporary_count; i++) {
        /* ".KEY.out.tmp-XXXXXX": the sweep removes only those no live writer holds. */
        char *path = scan.temporaries[i], *slash = strrchr(path, '/');
        char *tmp = strstr(slash, ".tmp-");
        if (o->dry_run || !tmp)
            continue;
        char final[4096];
        snprintf(final, sizeof final, "%.*s/%.*s", (int)(slash - path), path,
                 (int)(tmp - slash - 2), slash + 2);
        report->broken += panya_output_sweep_stale(final, NULL);
    }
    scan_free(&scan);
    return 0;
}
