#include "libpanya/bundle_reader.h"

#include "libpanya/object_cache.h"
#include "libpanya/object_reference.h"
#include "libpanya/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define READ_CHUNK (1u << 20)
#define MAX_MANIFEST_SIZE (256u * 1024 * 1024)
#define MAX_DICT_SIZE (16u * 1024 * 1024)
/* A table may expand at most this much relative to the whole bundle (plus 1 MiB): a small
 * file must not make the reader allocate gigabytes (zstd frames of repeated bytes expand by
 * thousands). Real path tables and catalogues are a fraction of their bundle. */
#define MAX_TABLE_EXPANSION 16u

/* Decoded reference objects kept for the frames stored against them: the objects of one
 * group of near-duplicates are usually read together (one lesson, extract, verify). */
#define REFERENCE_CACHE_BYTES (4 * (size_t)OBJECT_REFERENCE_MAX_SIZE)

typedef struct reader_dictionary {
    bundle_dict_entry entry;
    ZSTD_DDict *ddict; /* loaded on first use */
} reader_dictionary;

/* A table loaded at open: present and intact, or the reason it cannot be used. */
typedef struct loaded_table {
    uint8_t *bytes;
    panya_error problem; /* code PANYA_OK when usable */
} loaded_table;

struct bundle_reader {
    int fd;
    bool owns_fd;
    char *name;
    uint64_t base;      /* where the bundle starts in fd's file */
    uint64_t file_size; /* the bundle's length */
    bundle_footer footer;
    bool tables_intact;
    bool index_sorted;
    bundle_index_entry *entries;
    reader_dictionary *dicts;
    pthread_mutex_t dict_lock; /* guards reader_dictionary.ddict, created on first use */
    loaded_table path_table_bytes, catalogue_bytes;
    bundle_path_table path_table;
    bundle_catalogue catalogue;
    object_cache *references; /* decoded reference objects (method 2), shared by threads */
};

static int read_at(const bundle_reader *r, void *buf, size_t len, uint64_t offset,
                   panya_error *err)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(r->fd, p, len, (off_t)(r->base + offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return panya_error_errno(err, PANYA_ERR_IO, errno, "%s: read failed", r->name);
        if (n == 0)
            return panya_error_set(err, PANYA_ERR_INVALID, "%s: unexpected end of file",
                                   r->name);
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

static int invalid(const bundle_reader *r, panya_error *err, const char *what)
{
    return panya_error_set(err, PANYA_ERR_INVALID, "%s: %s", r->name, what);
}

/* Checks that [offset, offset+len) lies inside [lo, hi) without overflow. */
static bool in_range(uint64_t offset, uint64_t len, uint64_t lo, uint64_t hi)
{
    return offset >= lo && offset <= hi && len <= hi - offset;
}

static int newer_format(const bundle_reader *r, unsigned major, unsigned minor,
                        panya_error *err)
{
    return panya_error_set(err, PANYA_ERR_UNSUPPORTED,
                           "%s: made by a newer panya (bundle format %u.%u); this panya reads "
                           "format %d",
                           r->name, major, minor, BUNDLE_FORMAT_MAJOR);
}

static int check_footer(const bundle_reader *r, panya_error *err)
{
    const bundle_footer *f = &r->footer;
    if (f->format_major != BUNDLE_FORMAT_MAJOR)
        return newer_format(r, f->format_major, f->format_minor, err);
    if (f->reserved_nonzero)
        return invalid(r, err, "the footer's reserved bytes are not zero (damaged bundle)");
    bool part = (f->flags & BUNDLE_FLAG_PART) != 0;
    if (part ? f->part_number == 0 || f->part_number > f->part_count
             : f->part_number != 0 || f->part_count != 0) {
        char what[160];
        snprintf(what, sizeof what, "the footer says part %u of %u (damaged bundle)",
                 f->part_number, f->part_count);
        return invalid(r, err, what);
    }
    if (f->format_minor >= 1 && (!f->path_table_offset || !f->catalogue_offset))
        return invalid(r, err, "format 1.1 without a path table or catalogue (damaged bundle)");
    uint64_t data_end = r->file_size - BUNDLE_FOOTER_SIZE;
    uint64_t max_entries = data_end / BUNDLE_INDEX_ENTRY_SIZE;
    if (f->index_count > max_entries || f->dict_count > max_entries ||
        !in_range(f->index_offset, f->index_count * BUNDLE_INDEX_ENTRY_SIZE, BUNDLE_HEADER_SIZE,
                  data_end) ||
        f->dict_table_offset != f->index_offset + f->index_count * BUNDLE_INDEX_ENTRY_SIZE ||
        !in_range(f->dict_table_offset, f->dict_count * BUNDLE_DICT_ENTRY_SIZE,
                  BUNDLE_HEADER_SIZE, data_end) ||
        !in_range(f->manifest_offset, f->manifest_stored_size, BUNDLE_HEADER_SIZE,
                  f->index_offset) ||
        f->manifest_method > BUNDLE_METHOD_ZSTD || f->dict_count > UINT16_MAX ||
        (f->path_table_offset &&
         !in_range(f->path_table_offset, f->path_table_stored_size, BUNDLE_HEADER_SIZE,
                   f->index_offset)) ||
        (f->catalogue_offset &&
         !in_range(f->catalogue_offset, f->catalogue_stored_size, BUNDLE_HEADER_SIZE,
                   f->index_offset)))
        return invalid(r, err, "the footer points outside the file (damaged bundle)");
    return 0;
}

static int load_tables(bundle_reader *r, panya_error *err)
{
    const bundle_footer *f = &r->footer;
    size_t index_len = (size_t)f->index_count * BUNDLE_INDEX_ENTRY_SIZE;
    size_t table_len = index_len + (size_t)f->dict_count * BUNDLE_DICT_ENTRY_SIZE;
    uint8_t *table = malloc(table_len ? table_len : 1);
    r->entries = calloc(f->index_count ? f->index_count : 1, sizeof *r->entries);
    r->dicts = calloc(f->dict_count ? f->dict_count : 1, sizeof *r->dicts);
    if (!table || !r->entries || !r->dicts) {
        free(table);
        return panya_error_oom(err);
    }
    if (read_at(r, table, table_len, f->index_offset, err) != 0) {
        free(table);
        return -1;
    }
    uint8_t actual[PANYA_HASH_SIZE];
    lp_sha256_buffer(table, table_len, actual);
    r->tables_intact = memcmp(actual, f->tables_hash, PANYA_HASH_SIZE) == 0;
    r->index_sorted = true;
    bool reserved_ok = true;
    for (uint64_t i = 0; i < f->index_count; i++) {
        reserved_ok &= bundle_decode_index_entry(table + i * BUNDLE_INDEX_ENTRY_SIZE,
                                                 &r->entries[i]) == 0;
        if (i > 0 && memcmp(r->entries[i - 1].hash, r->entries[i].hash, PANYA_HASH_SIZE) >= 0)
            r->index_sorted = false;
    }
    for (uint64_t d = 0; d < f->dict_count; d++)
        reserved_ok &= bundle_decode_dict_entry(table + index_len + d * BUNDLE_DICT_ENTRY_SIZE,
                                                &r->dicts[d].entry) == 0;
    free(table);
    /* Intact tables that break the rules were written wrongly, not damaged on the way: a
     * damaged index stays readable object by object so that verify can name the damage. */
    if (r->tables_intact && !r->index_sorted)
        return invalid(r, err, "the index is not sorted by hash (invalid bundle)");
    if (r->tables_intact && !reserved_ok)
        return invalid(r, err, "an index entry's reserved bytes are not zero (invalid bundle)");
    return 0;
}

static void load_tables_of_1_1(bundle_reader *r);

bundle_reader *bundle_reader_open_fd(int fd, uint64_t base, uint64_t length,
                                     const char *display_name, panya_error *err)
{
    bundle_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(display_name))) {
        free(r);
        panya_error_oom(err);
        return NULL;
    }
    r->fd = fd;
    pthread_mutex_init(&r->dict_lock, NULL);
    if (!(r->references = object_cache_new(REFERENCE_CACHE_BYTES))) {
        panya_error_oom(err);
        goto fail;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        panya_error_errno(err, PANYA_ERR_IO, errno, "%s", display_name);
        goto fail;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        invalid(r, err, "not a regular file");
        goto fail;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (base > size || length > size - base) {
        panya_error_set(err, PANYA_ERR_USAGE,
                        "%s: the range %llu+%llu lies outside the file (%llu bytes)",
                        display_name, (unsigned long long)base, (unsigned long long)length,
                        (unsigned long long)size);
        goto fail;
    }
    r->base = base;
    r->file_size = length ? length : size - base;
    if (r->file_size == 0) {
        invalid(r, err, "empty file (0 bytes), not a panya bundle");
        goto fail;
    }
    uint8_t header[BUNDLE_HEADER_SIZE] = {0};
    size_t head_len = r->file_size < sizeof header ? (size_t)r->file_size : sizeof header;
    if (read_at(r, header, head_len, 0, err) != 0)
        goto fail;
    bool magic_ok = memcmp(header, BUNDLE_HEADER_MAGIC, head_len < 8 ? head_len : 8) == 0;
    if (!magic_ok) {
        invalid(r, err, "not a panya bundle (no PANYA signature at the start)");
        goto fail;
    }
    if (r->file_size < BUNDLE_HEADER_SIZE + BUNDLE_FOOTER_SIZE) {
        invalid(r, err, "truncated: too short to hold a bundle (an interrupted copy?)");
        goto fail;
    }
    int header_status = bundle_check_header(header);
    if (header_status == -2) {
        newer_format(r, (unsigned)(header[8] | header[9] << 8),
                     (unsigned)(header[10] | header[11] << 8), err);
        goto fail;
    }
    if (header_status != 0) {
        invalid(r, err, "the header's reserved bytes are not zero (damaged bundle)");
        goto fail;
    }
    uint8_t raw_footer[BUNDLE_FOOTER_SIZE];
    if (read_at(r, raw_footer, sizeof raw_footer, r->file_size - BUNDLE_FOOTER_SIZE, err) != 0)
        goto fail;
    int rc = bundle_decode_footer(raw_footer, &r->footer);
    if (rc == -1) {
        invalid(r, err, "truncated or damaged: no footer at the end (an interrupted copy?)");
        goto fail;
    }
    if (rc == -2) {
        invalid(r, err, "the footer is damaged (checksum mismatch)");
        goto fail;
    }
    if (check_footer(r, err) != 0 || load_tables(r, err) != 0)
        goto fail;
    load_tables_of_1_1(r);
    return r;
fail:
    bundle_reader_close(r);
    return NULL;
}

bundle_reader *bundle_reader_open(const char *path, panya_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        panya_error_errno(err, errno == ENOENT ? PANYA_ERR_NOT_FOUND : PANYA_ERR_IO, errno,
                          "%s", path);
        return NULL;
    }
    bundle_reader *r = bundle_reader_open_fd(fd, 0, 0, path, err);
    if (!r) {
        close(fd);
        return NULL;
    }
    r->owns_fd = true;
    return r;
}

void bundle_reader_close(bundle_reader *r)
{
    if (!r)
        return;
    if (r->owns_fd)
        close(r->fd);
    for (uint64_t d = 0; r->dicts && d < r->footer.dict_count; d++)
        ZSTD_freeDDict(r->dicts[d].ddict);
    pthread_mutex_destroy(&r->dict_lock);
    object_cache_free(r->references);
    free(r->dicts);
    free(r->entries);
    bundle_catalogue_free(&r->catalogue);
    free(r->path_table_bytes.bytes);
    free(r->catalogue_bytes.bytes);
    free(r->name);
    free(r);
}

const char *bundle_reader_name(const bundle_reader *r)
{
    return r->name;
}

uint64_t bundle_reader_base(const bundle_reader *r)
{
    return r->base;
}

int bundle_reader_pread(const bundle_reader *r, void *buf, size_t len, uint64_t offset,
                        panya_error *err)
{
    if (!in_range(offset, len, 0, r->file_size))
        return invalid(r, err, "a read past the end of the bundle (damaged index)");
    return read_at(r, buf, len, offset, err);
}

const bundle_footer *bundle_reader_footer(const bundle_reader *r)
{
    return &r->footer;
}

uint64_t bundle_reader_file_size(const bundle_reader *r)
{
    return r->file_size;
}

bool bundle_reader_tables_intact(const bundle_reader *r)
{
    return r->tables_intact;
}

size_t bundle_reader_object_count(const bundle_reader *r)
{
    return (size_t)r->footer.index_count;
}

const bundle_index_entry *bundle_reader_object_at(const bundle_reader *r, size_t i)
{
    return i < r->footer.index_count ? &r->entries[i] : NULL;
}

const bundle_index_entry *bundle_reader_find(const bundle_reader *r,
                                             const uint8_t hash[PANYA_HASH_SIZE])
{
    size_t count = (size_t)r->footer.index_count;
    if (!r->index_sorted) {
        for (size_t i = 0; i < count; i++)
            if (memcmp(r->entries[i].hash, hash, PANYA_HASH_SIZE) == 0)
                return &r->entries[i];
        return NULL;
    }
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = memcmp(hash, r->entries[mid].hash, PANYA_HASH_SIZE);
        if (cmp == 0)
            return &r->entries[mid];
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Where one whole section (manifest, path table, dictionary) is stored and what it hashes to. */
typedef struct section {
    const char *what; /* "manifest", … for messages */
    uint64_t offset, stored_size, size, limit;
    uint8_t method;
    const uint8_t *hash;
} section;

/* Reads a section, decompresses it and checks its hash. *out is malloc'd, NUL-terminated. */
static int load_section(const bundle_reader *r, const section *s, uint8_t **out,
                        panya_error *err)
{
    char what[160];
    *out = NULL;
    if (s->size > s->limit || s->stored_size > s->limit || s->method > BUNDLE_METHOD_ZSTD ||
        (s->method == BUNDLE_METHOD_RAW && s->stored_size != s->size)) {
        snprintf(what, sizeof what, "the %s is damaged (impossible size)", s->what);
        return invalid(r, err, what);
    }
    uint8_t *stored = malloc(s->stored_size ? (size_t)s->stored_size : 1);
    uint8_t *plain = malloc((size_t)s->size + 1);
    if (!stored || !plain) {
        free(stored);
        free(plain);
        return panya_error_oom(err);
    }
    int status = read_at(r, stored, (size_t)s->stored_size, s->offset, err);
    if (status == 0 && s->method == BUNDLE_METHOD_ZSTD) {
        size_t n = ZSTD_decompress(plain, (size_t)s->size, stored, (size_t)s->stored_size);
        if (ZSTD_isError(n) || n != s->size) {
            snprintf(what, sizeof what, "the %s is damaged (cannot decompress it)", s->what);
            status = invalid(r, err, what);
        }
    } else if (status == 0) {
        memcpy(plain, stored, (size_t)s->size);
    }
    free(stored);
    uint8_t actual[PANYA_HASH_SIZE];
    if (status == 0) {
        lp_sha256_buffer(plain, (size_t)s->size, actual);
        if (memcmp(actual, s->hash, PANYA_HASH_SIZE) != 0) {
            snprintf(what, sizeof what, "the %s is damaged (checksum mismatch)", s->what);
            status = invalid(r, err, what);
        }
    }
    if (status != 0) {
        free(plain);
        return -1;
    }
    plain[s->size] = '\0';
    *out = plain;
    return 0;
}

int bundle_reader_read_manifest(bundle_reader *r, uint8_t **xml, size_t *len, panya_error *err)
{
    const bundle_footer *f = &r->footer;
    section s = {"manifest", f->manifest_offset, f->manifest_stored_size, f->manifest_size,
                 MAX_MANIFEST_SIZE, f->manifest_method, f->manifest_hash};
    if (load_section(r, &s, xml, err) != 0)
        return -1;
    *len = (size_t)f->manifest_size;
    return 0;
}

/* Where a table may expand to: MAX_TABLE_EXPANSION x the bundle plus 1 MiB, at most 256 MiB. */
static uint64_t table_limit(const bundle_reader *r)
{
    uint64_t limit = r->file_size * MAX_TABLE_EXPANSION + (1u << 20);
    return limit < MAX_MANIFEST_SIZE ? limit : MAX_MANIFEST_SIZE;
}

static void load_table(bundle_reader *r, loaded_table *t, const section *s)
{
    if (!s->offset) {
        panya_error_set(&t->problem, PANYA_ERR_UNSUPPORTED, "%s: no %s (a format %u.%u bundle)",
                        r->name, s->what, r->footer.format_major, r->footer.format_minor);
        return;
    }
    load_section(r, s, &t->bytes, &t->problem);
}

/* The path table and catalogue are read at open, so that lookups from many threads only read
 * memory. Damage does not stop the open: lookups report it, verify names it. */
static void load_tables_of_1_1(bundle_reader *r)
{
    const bundle_footer *f = &r->footer;
    section paths = {"path table", f->path_table_offset, f->path_table_stored_size,
                     f->path_table_size, table_limit(r), BUNDLE_METHOD_ZSTD,
                     f->path_table_hash};
    load_table(r, &r->path_table_bytes, &paths);
    if (r->path_table_bytes.bytes &&
        bundle_path_table_open(&r->path_table, r->path_table_bytes.bytes,
                               (size_t)f->path_table_size, f->index_count) != 0) {
        invalid(r, &r->path_table_bytes.problem, "the path table is damaged (malformed)");
        free(r->path_table_bytes.bytes);
        r->path_table_bytes.bytes = NULL;
    }
    section cat = {"catalogue", f->catalogue_offset, f->catalogue_stored_size,
                   f->catalogue_size, table_limit(r), BUNDLE_METHOD_ZSTD, f->catalogue_hash};
    load_table(r, &r->catalogue_bytes, &cat);
    if (!r->catalogue_bytes.bytes)
        return;
    if (!r->path_table_bytes.bytes) {
        invalid(r, &r->catalogue_bytes.problem, "the catalogue needs the path table, which is "
                                                "damaged");
    } else {
        int rc = bundle_catalogue_decode(&r->catalogue, r->catalogue_bytes.bytes,
                                         (size_t)f->catalogue_size, r->path_table.variant_count,
                                         r->path_table.profile_count);
        if (rc == -2)
            panya_error_oom(&r->catalogue_bytes.problem);
        else if (rc != 0)
            invalid(r, &r->catalogue_bytes.problem, "the catalogue is damaged (malformed)");
        if (rc == 0)
            return;
    }
    free(r->catalogue_bytes.bytes);
    r->catalogue_bytes.bytes = NULL;
}

static const void *table_or_problem(const loaded_table *t, const void *table, panya_error *err)
{
    if (t->bytes)
        return table;
    if (err)
        *err = t->problem;
    return NULL;
}

const bundle_path_table *bundle_reader_path_table(const bundle_reader *r, panya_error *err)
{
    return table_or_problem(&r->path_table_bytes, &r->path_table, err);
}

const bundle_catalogue *bundle_reader_catalogue(const bundle_reader *r, panya_error *err)
{
    return table_or_problem(&r->catalogue_bytes, &r->catalogue, err);
}

int bundle_reader_find_path(const bundle_reader *r, const char *path, const char *profile,
                            const bundle_index_entry **entry, panya_error *err)
{
    if (!r->footer.path_table_offset)
        return -2;
    const bundle_path_table *t = bundle_reader_path_table(r, err);
    if (!t)
        return -1;
    uint32_t position;
    int found = bundle_path_table_find(t, path, profile, &position);
    if (found < 0)
        return panya_error_set(err, PANYA_ERR_NOT_FOUND,
                               "%s: '%s' has no variant for profile '%s'", r->name, path,
                               profile);
    if (found == 1)
        *entry = &r->entries[position];
    return found;
}

static const ZSTD_DDict *dictionary_for(bundle_reader *r, uint16_t dict_id, panya_error *err)
{
    if (dict_id == 0 || dict_id > r->footer.dict_count) {
        invalid(r, err, "an index entry names a dictionary that does not exist");
        return NULL;
    }
    reader_dictionary *d = &r->dicts[dict_id - 1];
    pthread_mutex_lock(&r->dict_lock);
    const ZSTD_DDict *ddict = d->ddict;
    if (!ddict) {
        section s = {"compression dictionary", d->entry.offset, d->entry.stored_size,
                     d->entry.size, MAX_DICT_SIZE, d->entry.method, d->entry.hash};
        uint8_t *bytes;
        if (!in_range(d->entry.offset, d->entry.stored_size, BUNDLE_HEADER_SIZE,
                      r->footer.index_offset)) {
            invalid(r, err, "a dictionary entry points outside the file");
        } else if (load_section(r, &s, &bytes, err) == 0) {
            d->ddict = ZSTD_createDDict(bytes, (size_t)d->entry.size);
            free(bytes);
            if (!d->ddict)
                invalid(r, err, "a compression dictionary is not valid zstd");
            ddict = d->ddict;
        }
    }
    pthread_mutex_unlock(&r->dict_lock);
    return ddict;
}

typedef struct object_stream {
    bundle_reader *r;
    const bundle_index_entry *entry;
    lp_sha256 hash;
    uint64_t produced;
    bundle_sink sink;
    void *sink_ctx;
} object_stream;

static int emit(object_stream *s, const uint8_t *data, size_t len, panya_error *err)
{
    if (len > s->entry->size - s->produced)
        return invalid(s->r, err, "an object is longer than its index entry says (damaged)");
    s->produced += len;
    lp_sha256_update(&s->hash, data, len);
    return s->sink(s->sink_ctx, data, len, err);
}

static int stream_raw(object_stream *s, uint8_t *in, panya_error *err)
{
    uint64_t offset = s->entry->offset, left = s->entry->stored_size;
    while (left > 0) {
        size_t n = left < READ_CHUNK ? (size_t)left : READ_CHUNK;
        if (read_at(s->r, in, n, offset, err) != 0 || emit(s, in, n, err) != 0)
            return -1;
        offset += n;
        left -= n;
    }
    return 0;
}

static int stream_zstd(object_stream *s, uint8_t *in, uint8_t *out, panya_error *err)
{
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    if (!dctx)
        return panya_error_oom(err);
    int status = 0;
    if (s->entry->dict_id) {
        const ZSTD_DDict *ddict = dictionary_for(s->r, s->entry->dict_id, err);
        if (!ddict)
            status = -1;
        else
            ZSTD_DCtx_refDDict(dctx, ddict);
    }
    uint64_t offset = s->entry->offset, left = s->entry->stored_size;
    size_t last = 1;
    while (status == 0 && left > 0) {
        size_t n = left < READ_CHUNK ? (size_t)left : READ_CHUNK;
        if (read_at(s->r, in, n, offset, err) != 0) {
            status = -1;
            break;
        }
        offset += n;
        left -= n;
        ZSTD_inBuffer input = {in, n, 0};
        while (status == 0 && input.pos < input.size) {
            ZSTD_outBuffer output = {out, READ_CHUNK, 0};
            last = ZSTD_decompressStream(dctx, &output, &input);
            if (ZSTD_isError(last))
                status = invalid(s->r, err, "an object does not decompress (damaged)");
            else
                status = emit(s, out, output.pos, err);
        }
    }
    /* Flush what the decoder still holds once all input is in. */
    while (status == 0 && last != 0) {
        ZSTD_inBuffer input = {in, 0, 0};
        ZSTD_outBuffer output = {out, READ_CHUNK, 0};
        last = ZSTD_decompressStream(dctx, &output, &input);
        if (ZSTD_isError(last) || output.pos == 0)
            status = invalid(s->r, err, "an object ends early (damaged)");
        else
            status = emit(s, out, output.pos, err);
    }
    ZSTD_freeDCtx(dctx);
    return status;
}

/* The decoded bytes of the reference object at 1-based index position `position` (malloc'd,
 * the caller frees them), from the cache or read and checked against its hash now. */
static uint8_t *reference_bytes(bundle_reader *r, uint32_t position, panya_error *err)
{
    const bundle_index_entry *ref = &r->entries[position - 1];
    size_t size = (size_t)ref->size, got;
    uint8_t *bytes = malloc(size ? size : 1);
    if (!bytes) {
        panya_error_oom(err);
        return NULL;
    }
    if (r->references && object_cache_copy(r->references, position, 0, bytes, size, &got) &&
        got == size)
        return bytes;
    free(bytes);
    panya_error ref_err = {0};
    if (bundle_reader_load_object(r, ref, OBJECT_REFERENCE_MAX_SIZE, &bytes, &ref_err) != 0) {
        if (ref_err.code != PANYA_ERR_INVALID)
            *err = ref_err;
        else
            invalid(r, err, "the object it is stored against is damaged");
        return NULL;
    }
    uint8_t *kept;
    if (r->references && object_cache_admits(r->references, size) &&
        (kept = malloc(size ? size : 1))) {
        memcpy(kept, bytes, size);
        object_cache_put(r->references, position, kept, size);
    }
    return bytes;
}

/* Method 2: reads the frame, decodes it against its reference (docs/FORMAT.md, "Reference
 * frames") and emits the result. Only raw and plain zstd objects may be references, so one
 * read costs at most one other object's decode. */
static int stream_reference(object_stream *s, panya_error *err)
{
    bundle_reader *r = s->r;
    const bundle_index_entry *e = s->entry;
    if (e->reference == 0 || e->reference > r->footer.index_count || e->dict_id != 0 ||
        &r->entries[e->reference - 1] == e ||
        r->entries[e->reference - 1].method > BUNDLE_METHOD_ZSTD ||
        e->size > OBJECT_REFERENCE_MAX_SIZE || e->stored_size > OBJECT_REFERENCE_MAX_SIZE ||
        r->entries[e->reference - 1].size > OBJECT_REFERENCE_MAX_SIZE)
        return invalid(r, err, "an index entry is damaged (impossible reference object)");
    uint8_t *reference = reference_bytes(r, e->reference, err);
    if (!reference)
        return -1;
    size_t reference_size = (size_t)r->entries[e->reference - 1].size;
    uint8_t *frame = malloc(e->stored_size ? (size_t)e->stored_size : 1);
    uint8_t *plain = malloc(e->size ? (size_t)e->size : 1);
    int status = (!frame || !plain) ? panya_error_oom(err) : 0;
    if (status == 0)
        status = read_at(r, frame, (size_t)e->stored_size, e->offset, err);
    if (status == 0 && object_reference_decode(reference, reference_size, frame,
                                               (size_t)e->stored_size, plain,
                                               (size_t)e->size) != 0)
        status = invalid(r, err, "an object does not decompress against its reference (damaged)");
    for (uint64_t done = 0; status == 0 && done < e->size; done += READ_CHUNK) {
        uint64_t n = e->size - done < READ_CHUNK ? e->size - done : READ_CHUNK;
        status = emit(s, plain + done, (size_t)n, err);
    }
    free(reference);
    free(frame);
    free(plain);
    return status;
}

int bundle_reader_read_object(bundle_reader *r, const bundle_index_entry *entry,
                              bundle_sink sink, void *sink_ctx, panya_error *err)
{
    bool raw = entry->method == BUNDLE_METHOD_RAW;
    bool referenced = entry->method == BUNDLE_METHOD_REFERENCE;
    if (entry->method > BUNDLE_METHOD_REFERENCE || (raw && entry->stored_size != entry->size) ||
        (raw && entry->dict_id != 0) || (!referenced && entry->reference != 0) ||
        !in_range(entry->offset, entry->stored_size, BUNDLE_HEADER_SIZE, r->footer.index_offset))
        return invalid(r, err, "an index entry is damaged (it points outside the objects)");
    object_stream s = {.r = r, .entry = entry, .sink = sink, .sink_ctx = sink_ctx};
    bool streamed = !referenced;
    uint8_t *in = streamed ? malloc(READ_CHUNK) : NULL;
    uint8_t *out = streamed && !raw ? malloc(READ_CHUNK) : NULL;
    lp_sha256_init(&s.hash);
    if ((streamed && !in) || (streamed && !raw && !out)) {
        free(in);
        free(out);
        return panya_error_oom(err);
    }
    int status = referenced ? stream_reference(&s, err)
                 : raw      ? stream_raw(&s, in, err)
                            : stream_zstd(&s, in, out, err);
    free(in);
    free(out);
    uint8_t actual[PANYA_HASH_SIZE];
    lp_sha256_final(&s.hash, actual);
    if (status == 0 && (s.produced != entry->size ||
                        memcmp(actual, entry->hash, PANYA_HASH_SIZE) != 0))
        status = invalid(r, err, "an object does not match its hash (damaged)");
    return status;
}

typedef struct memory_sink {
    uint8_t *data;
    size_t used;
} memory_sink;

static int to_memory(void *ctx, const void *data, size_t len, panya_error *err)
{
    (void)err;
    memory_sink *m = ctx;
    memcpy(m->data + m->used, data, len); /* emit() bounds the total by entry->size */
    m->used += len;
    return 0;
}

int bundle_reader_load_object(bundle_reader *r, const bundle_index_entry *entry,
                              uint64_t max_size, uint8_t **data, panya_error *err)
{
    *data = NULL;
    if (entry->size > max_size || entry->size > SIZE_MAX - 1)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: object too large to load (%llu bytes)",
                               r->name, (unsigned long long)entry->size);
    memory_sink m = {.data = malloc((size_t)entry->size + 1)};
    if (!m.data)
        return panya_error_oom(err);
    if (bundle_reader_read_object(r, entry, to_memory, &m, err) != 0) {
        free(m.data);
        return -1;
    }
    *data = m.data;
    return 0;
}

#define MAX_SIGNATURE_SIZE 4096

int bundle_reader_read_signature(bundle_reader *r, uint8_t **block, size_t *len,
                                 panya_error *err)
{
    const bundle_footer *f = &r->footer;
    *block = NULL;
    *len = 0;
    if (!(f->flags & BUNDLE_FLAG_SIGNED))
        return 0;
    uint64_t tables_end = f->dict_table_offset + f->dict_count * BUNDLE_DICT_ENTRY_SIZE;
    if (f->signature_size == 0 || f->signature_size > MAX_SIGNATURE_SIZE ||
        !in_range(f->signature_offset, f->signature_size, tables_end,
                  r->file_size - BUNDLE_FOOTER_SIZE))
        return invalid(r, err, "the signature block is outside its place (damaged bundle)");
    uint8_t *bytes = malloc((size_t)f->signature_size);
    if (!bytes)
        return panya_error_oom(err);
    if (read_at(r, bytes, (size_t)f->signature_size, f->signature_offset, err) != 0) {
        free(bytes);
        return -1;
    }
    *block = bytes;
    *len = (size_t)f->signature_size;
    return 0;
}
