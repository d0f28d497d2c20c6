/* The public API: finding files by path and reading them (include/panya.h). */
#include "libpanya/panya_internal.h"

#include "common/mime.h"
#include "libpanya/sha256.h"

#include <stdlib.h>
#include <string.h>

static const bundle_path_table *path_table_of(const panya_bundle *b, panya_error_info *err,
                                              panya_status *status)
{
    panya_error e = {0};
    const bundle_path_table *t = bundle_reader_path_table(b->reader, &e);
    if (!t)
        *status = panya_fail(err, &e);
    return t;
}

static void describe_entry(const panya_bundle *b, const bundle_index_entry *e,
                           panya_file_info *info)
{
    memset(info, 0, sizeof *info);
    info->size = e->size;
    memcpy(info->sha256, e->hash, PANYA_HASH_BYTES);
    info->method = e->method == BUNDLE_METHOD_RAW         ? PANYA_STORED_RAW
                   : e->method == BUNDLE_METHOD_REFERENCE ? PANYA_STORED_ZSTD_REFERENCE
                   : e->dict_id                           ? PANYA_STORED_ZSTD_DICT
                                                          : PANYA_STORED_ZSTD;
    info->offset = bundle_reader_base(b->reader) + e->offset;
    info->stored_size = e->stored_size;
    info->object = (uint64_t)(e - bundle_reader_object_at(b->reader, 0));
}

panya_status panya_find_object(const panya_bundle *b, const uint8_t sha256[PANYA_HASH_BYTES],
                               panya_file_info *info, panya_error_info *err)
{
    const bundle_index_entry *e = bundle_reader_find(b->reader, sha256);
    if (!e)
        return panya_failf(err, PANYA_ERR_NOT_FOUND, "%s: no such object in the index",
                           bundle_reader_name(b->reader));
    describe_entry(b, e, info);
    return PANYA_OK;
}

/* Fills info for variant v (absolute) of file f. */
static panya_status describe(const panya_bundle *b, const bundle_path_table *t, uint32_t f,
                             uint32_t v, panya_file_info *info, panya_error_info *err)
{
    uint32_t position, profile;
    bundle_path_table_variant(t, v, &position, &profile);
    const bundle_index_entry *e = bundle_reader_object_at(b->reader, position);
    const bundle_catalogue *c = bundle_reader_catalogue(b->reader, NULL);
    if (!e)
        return panya_failf(err, PANYA_ERR_INVALID, "%s: the path table is damaged",
                           bundle_reader_name(b->reader));
    describe_entry(b, e, info);
    info->path = b->paths[f];
    info->profile = b->profiles[profile];
    info->mime = c ? c->mimes[v] : mime_type_for_path(b->paths[f]);
    return PANYA_OK;
}

panya_status panya_find(const panya_bundle *b, const char *path, const char *profile,
                        panya_file_info *info, panya_error_info *err)
{
    panya_status status = PANYA_OK;
    const bundle_path_table *t = path_table_of(b, err, &status);
    if (!t)
        return status;
    const char *name = bundle_reader_name(b->reader);
    uint32_t f, first, count;
    if (!path || !bundle_path_table_search(t, path, &f))
        return panya_failf(err, PANYA_ERR_NOT_FOUND, "%s: no file '%s' in the bundle", name,
                           path ? path : "(null)");
    bundle_path_table_variants(t, f, &first, &count);
    for (uint32_t v = first; v < first + count; v++) {
        uint32_t position, number;
        bundle_path_table_variant(t, v, &position, &number);
        if (!profile || strcmp(profile, b->profiles[number]) == 0)
            return describe(b, t, f, v, info, err);
    }
    return panya_failf(err, PANYA_ERR_NOT_FOUND, "%s: '%s' has no variant for profile '%s'",
                       name, path, profile);
}

size_t panya_file_variant_count(const panya_bundle *b, size_t file)
{
    const bundle_path_table *t = bundle_reader_path_table(b->reader, NULL);
    if (!t || file >= t->file_count)
        return 0;
    uint32_t first, count;
    bundle_path_table_variants(t, (uint32_t)file, &first, &count);
    return count;
}

panya_status panya_file_at(const panya_bundle *b, size_t file, size_t variant,
                           panya_file_info *info, panya_error_info *err)
{
    panya_status status = PANYA_OK;
    const bundle_path_table *t = path_table_of(b, err, &status);
    if (!t)
        return status;
    uint32_t first, count;
    if (file < t->file_count)
        bundle_path_table_variants(t, (uint32_t)file, &first, &count);
    if (file >= t->file_count || variant >= count)
        return panya_failf(err, PANYA_ERR_NOT_FOUND, "%s: no file %zu variant %zu",
                           bundle_reader_name(b->reader), file, variant);
    return describe(b, t, (uint32_t)file, first + (uint32_t)variant, info, err);
}

/* The index entry of a file info from this bundle, or NULL (a caller's mistake). */
static const bundle_index_entry *entry_of(const panya_bundle *b, const panya_file_info *file,
                                          panya_error_info *err)
{
    const bundle_index_entry *e = file ? bundle_reader_object_at(b->reader, file->object) : NULL;
    if (!e || memcmp(e->hash, file->sha256, PANYA_HASH_BYTES) != 0) {
        panya_failf(err, PANYA_ERR_USAGE, "%s: the file info is not from this bundle",
                    bundle_reader_name(b->reader));
        return NULL;
    }
    return e;
}

static size_t info_position(const panya_bundle *b, const bundle_index_entry *e)
{
    return (size_t)(e - bundle_reader_object_at(b->reader, 0));
}

/* Reads and checks a whole object once; remembers success so raw ranges need no re-check. */
static panya_status check_object(panya_bundle *b, const bundle_index_entry *e,
                                 panya_error_info *err)
{
    size_t position = info_position(b, e);
    if (atomic_load(&b->checked[position]))
        return PANYA_OK;
    panya_error x = {0};
    if (bundle_reader_read_object(b->reader, e, bundle_sink_discard, NULL, &x) != 0)
        return panya_fail(err, &x);
    atomic_store(&b->checked[position], 1);
    return PANYA_OK;
}

panya_status panya_verify_file(panya_bundle *b, const panya_file_info *file,
                               panya_error_info *err)
{
    const bundle_index_entry *e = entry_of(b, file, err);
    if (!e)
        return PANYA_ERR_USAGE;
    atomic_store(&b->checked[info_position(b, e)], 0); /* a verify always reads the bytes again */
    return check_object(b, e, err);
}

/* Collects bytes [from, from + len) of a stream into buf. */
typedef struct range_sink {
    uint64_t at, from;
    uint8_t *buf;
    size_t len, got;
} range_sink;

static int to_range(void *ctx, const void *data, size_t len, panya_error *err)
{
    (void)err;
    range_sink *s = ctx;
    uint64_t start = s->at, end = s->at + len;
    s->at = end;
    uint64_t lo = start > s->from ? start : s->from;
    uint64_t hi = end < s->from + s->len ? end : s->from + s->len;
    if (lo < hi) {
        memcpy(s->buf + (lo - s->from), (const uint8_t *)data + (lo - start), (size_t)(hi - lo));
        s->got += (size_t)(hi - lo);
    }
    return 0;
}

static panya_status read_compressed(panya_bundle *b, const bundle_index_entry *e,
                                    uint64_t offset, void *buf, size_t len, size_t *got,
                                    panya_error_info *err)
{
    uint64_t key = (uint64_t)(e - bundle_reader_object_at(b->reader, 0));
    if (object_cache_copy(b->cache, key, offset, buf, len, got))
        return PANYA_OK;
    panya_error x = {0};
    if (object_cache_admits(b->cache, e->size)) {
        uint8_t *data;
        if (bundle_reader_load_object(b->reader, e, e->size, &data, &x) != 0)
            return panya_fail(err, &x);
        size_t n = (size_t)(e->size - offset) < len ? (size_t)(e->size - offset) : len;
        memcpy(buf, data + offset, n);
        *got = n;
        object_cache_put(b->cache, key, data, (size_t)e->size);
        return PANYA_OK;
    }
    /* Too large to keep: decode the whole frame with bounded memory, keeping only the range,
     * and hand it out once the whole object matched its hash. */
    range_sink s = {.from = offset, .buf = buf, .len = len};
    if (bundle_reader_read_object(b->reader, e, to_range, &s, &x) != 0)
        return panya_fail(err, &x);
    *got = s.got;
    return PANYA_OK;
}

panya_status panya_read(panya_bundle *b, const panya_file_info *file, uint64_t offset,
                        void *buf, size_t len, size_t *got, panya_error_info *err)
{
    *got = 0;
    const bundle_index_entry *e = entry_of(b, file, err);
    if (!e)
        return PANYA_ERR_USAGE;
    if (offset >= e->size || len == 0)
        return PANYA_OK;
    panya_status status = PANYA_OK;
    if (e->method != BUNDLE_METHOD_RAW) {
        status = read_compressed(b, e, offset, buf, len, got, err);
        if (status != PANYA_OK)
            *got = 0;
        return status;
    }
    bool whole = offset == 0 && len >= e->size;
    if (!whole && (b->flags & PANYA_OPEN_CHECK_RAW) &&
        (status = check_object(b, e, err)) != PANYA_OK)
        return status;
    size_t n = (size_t)(e->size - offset) < len ? (size_t)(e->size - offset) : len;
    panya_error x = {0};
    if (e->offset > bundle_reader_file_size(b->reader) ||
        bundle_reader_pread(b->reader, buf, n, e->offset + offset, &x) != 0)
        return panya_fail(err, &x);
    if (whole) { /* the whole file in hand: check it without a second read */
        uint8_t actual[PANYA_HASH_BYTES];
        lp_sha256_buffer(buf, n, actual);
        if (memcmp(actual, e->hash, PANYA_HASH_BYTES) != 0)
            return panya_failf(err, PANYA_ERR_INVALID,
                               "%s: an object does not match its hash (damaged)",
                               bundle_reader_name(b->reader));
        atomic_store(&b->checked[info_position(b, e)], 1);
    }
    *got = n;
    return PANYA_OK;
}

typedef struct user_sink {
    panya_sink_fn fn;
    void *ctx;
} user_sink;

static int to_user(void *ctx, const void *data, size_t len, panya_error *err)
{
    user_sink *s = ctx;
    panya_status status = s->fn(s->ctx, data, len);
    if (status == PANYA_OK)
        return 0;
    return panya_error_set(err, (int)status, "stopped by the caller");
}

panya_status panya_read_file_cb(panya_bundle *b, const panya_file_info *file,
                                panya_sink_fn sink, void *ctx, panya_error_info *err)
{
    const bundle_index_entry *e = entry_of(b, file, err);
    if (!e)
        return PANYA_ERR_USAGE;
    user_sink s = {sink, ctx};
    panya_error x = {0};
    if (bundle_reader_read_object(b->reader, e, to_user, &s, &x) != 0)
        return panya_fail(err, &x);
    return PANYA_OK;
}

panya_status panya_read_manifest(panya_bundle *b, char **xml, size_t *len,
                                 panya_error_info *err)
{
    panya_error x = {0};
    uint8_t *bytes;
    if (bundle_reader_read_manifest(b->reader, &bytes, len, &x) != 0)
        return panya_fail(err, &x);
    *xml = (char *)bytes;
    return PANYA_OK;
}
