#include "libpanya/bundle_reader_internal.h"

#include "libpanya/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int reader_read_at(const bundle_reader *r, void *buf, size_t len, uint64_t offset, panya_error *err)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(r->fd, p, len, (off_t)(r->base + offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return panya_error_errno(err, PANYA_ERR_IO, errno, "%s: read failed", r->name);
        if (n == 0)
            return panya_error_set(err, PANYA_ERR_INVALID, "%s: unexpected end of file", r->name);
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

int reader_invalid(const bundle_reader *r, panya_error *err, const char *what)
{
    return panya_error_set(err, PANYA_ERR_INVALID, "%s: %s", r->name, what);
}

bool reader_in_range(uint64_t offset, uint64_t len, uint64_t lo, uint64_t hi)
{
    return offset >= lo && offset <= hi && len <= hi - offset;
}

static int newer_format(const bundle_reader *r, unsigned major, unsigned minor, panya_error *err)
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
        return reader_invalid(r, err, "the footer's reserved bytes are not zero (damaged bundle)");
    bool part = (f->flags & BUNDLE_FLAG_PART) != 0;
    if (part ? f->part_number == 0 || f->part_number > f->part_count
             : f->part_number != 0 || f->part_count != 0) {
        char what[160];
        snprintf(what, sizeof what, "the footer says part %u of %u (damaged bundle)",
                 f->part_number, f->part_count);
        return reader_invalid(r, err, what);
    }
    if (f->format_minor >= 1 && (!f->path_table_offset || !f->catalogue_offset))
        return reader_invalid(r, err,
                              "format 1.1 without a path table or catalogue (damaged bundle)");
    uint64_t data_end = r->file_size - BUNDLE_FOOTER_SIZE;
    uint64_t max_entries = data_end / BUNDLE_INDEX_ENTRY_SIZE;
    if (f->index_count > max_entries || f->dict_count > max_entries ||
        !reader_in_range(f->index_offset, f->index_count * BUNDLE_INDEX_ENTRY_SIZE,
                         BUNDLE_HEADER_SIZE, data_end) ||
        f->dict_table_offset != f->index_offset + f->index_count * BUNDLE_INDEX_ENTRY_SIZE ||
        !reader_in_range(f->dict_table_offset, f->dict_count * BUNDLE_DICT_ENTRY_SIZE,
                         BUNDLE_HEADER_SIZE, data_end) ||
        !reader_in_range(f->manifest_offset, f->manifest_stored_size, BUNDLE_HEADER_SIZE,
                         f->index_offset) ||
        f->manifest_method > BUNDLE_METHOD_ZSTD || f->dict_count > UINT16_MAX ||
        (f->path_table_offset && !reader_in_range(f->path_table_offset, f->path_table_stored_size,
                                                  BUNDLE_HEADER_SIZE, f->index_offset)) ||
        (f->catalogue_offset && !reader_in_range(f->catalogue_offset, f->catalogue_stored_size,
                                                 BUNDLE_HEADER_SIZE, f->index_offset)))
        return reader_invalid(r, err, "the footer points outside the file (damaged bundle)");
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
    if (reader_read_at(r, table, table_len, f->index_offset, err) != 0) {
        free(table);
        return -1;
    }
    r->index_sorted = true;
    bool reserved_ok = true;
    for (uint64_t i = 0; i < f->index_count; i++) {
        reserved_ok &=
            bundle_decode_index_entry(table + i * BUNDLE_INDEX_ENTRY_SIZE, &r->entries[i]) == 0;
        if (i > 0 && memcmp(r->entries[i - 1].hash, r->entries[i].hash, PANYA_HASH_SIZE) >= 0)
            r->index_sorted = false;
    }
    for (uint64_t d = 0; d < f->dict_count; d++)
        reserved_ok &= bundle_decode_dict_entry(table + index_len + d * BUNDLE_DICT_ENTRY_SIZE,
                                                &r->dicts[d].entry) == 0;
    /* Reserved bytes are checked up to the minor version this reader knows (a later minor may
     * use them). Tables that break a rule are hashed now: intact, they were written wrongly
     * and are refused; damaged on the way, they stay readable object by object so that verify
     * can name the damage. Rule-abiding tables are hashed only when asked (tables_intact):
     * every object read is checked on its own anyway, and opening stays one cheap read. */
    bool broken = !r->index_sorted || (!reserved_ok && f->format_minor <= BUNDLE_FORMAT_MINOR);
    int status = 0;
    if (broken) {
        uint8_t actual[PANYA_HASH_SIZE];
        lp_sha256_buffer(table, table_len, actual);
        bool intact = memcmp(actual, f->tables_hash, PANYA_HASH_SIZE) == 0;
        atomic_store(&r->tables_state, intact ? TABLES_INTACT : TABLES_DAMAGED);
        if (intact)
            status = reader_invalid(r, err, r->index_sorted ? "an index entry's reserved bytes "
                                                              "are not zero (invalid bundle)"
                                                            : "the index is not sorted by hash "
                                                              "(invalid bundle)");
    }
    free(table);
    return status;
}

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
        reader_invalid(r, err, "not a regular file");
        goto fail;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (base > size || length > size - base) {
        panya_error_set(err, PANYA_ERR_USAGE,
                        "%s: the range %llu+%llu lies outside the file (%llu bytes)", display_name,
                        (unsigned long long)base, (unsigned long long)length,
                        (unsigned long long)size);
        goto fail;
    }
    r->base = base;
    r->file_size = length ? length : size - base;
    if (r->file_size == 0) {
        reader_invalid(r, err, "empty file (0 bytes), not a panya bundle");
        goto fail;
    }
    uint8_t header[BUNDLE_HEADER_SIZE] = {0};
    size_t head_len = r->file_size < sizeof header ? (size_t)r->file_size : sizeof header;
    if (reader_read_at(r, header, head_len, 0, err) != 0)
        goto fail;
    bool magic_ok = memcmp(header, BUNDLE_HEADER_MAGIC, head_len < 8 ? head_len : 8) == 0;
    if (!magic_ok) {
        reader_invalid(r, err, "not a panya bundle (no PANYA signature at the start)");
        goto fail;
    }
    if (r->file_size < BUNDLE_HEADER_SIZE + BUNDLE_FOOTER_SIZE) {
        reader_invalid(r, err, "truncated: too short to hold a bundle (an interrupted copy?)");
        goto fail;
    }
    int header_status = bundle_check_header(header);
    if (header_status == -2) {
        newer_format(r, (unsigned)(header[8] | header[9] << 8),
                     (unsigned)(header[10] | header[11] << 8), err);
        goto fail;
    }
    if (header_status != 0) {
        reader_invalid(r, err, "the header's reserved bytes are not zero (damaged bundle)");
        goto fail;
    }
    uint8_t raw_footer[BUNDLE_FOOTER_SIZE];
    uint64_t footer_at = r->file_size - BUNDLE_FOOTER_SIZE;
    if (reader_read_at(r, raw_footer, sizeof raw_footer, footer_at, err) != 0)
        goto fail;
    int rc = bundle_decode_footer(raw_footer, &r->footer);
    if (rc == -1) {
        reader_invalid(r, err, "truncated or damaged: no footer at the end (an interrupted copy?)");
        goto fail;
    }
    if (rc == -2) {
        reader_invalid(r, err, "the footer is damaged (checksum mismatch)");
        goto fail;
    }
    if (check_footer(r, err) != 0 || load_tables(r, err) != 0)
        goto fail;
    reader_load_tables_of_1_1(r);
    return r;
fail:
    bundle_reader_close(r);
    return NULL;
}

bundle_reader *bundle_reader_open(const char *path, panya_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        panya_error_errno(err, errno == ENOENT ? PANYA_ERR_NOT_FOUND : PANYA_ERR_IO, errno, "%s",
                          path);
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
    if (!reader_in_range(offset, len, 0, r->file_size))
        return reader_invalid(r, err, "a read past the end of the bundle (damaged index)");
    return reader_read_at(r, buf, len, offset, err);
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
    int state = atomic_load(&r->tables_state);
    if (state != TABLES_NOT_HASHED)
        return state == TABLES_INTACT;
    const bundle_footer *f = &r->footer;
    size_t len = (size_t)(f->index_count * BUNDLE_INDEX_ENTRY_SIZE +
                          f->dict_count * BUNDLE_DICT_ENTRY_SIZE);
    uint8_t *table = malloc(len ? len : 1), actual[PANYA_HASH_SIZE];
    panya_error ignored = {0};
    if (!table || reader_read_at(r, table, len, f->index_offset, &ignored) != 0) {
        free(table);
        return false; /* unreadable now; asked again, it is read again */
    }
    lp_sha256_buffer(table, len, actual);
    free(table);
    bool intact = memcmp(actual, f->tables_hash, PANYA_HASH_SIZE) == 0;
    /* A cache in a const reader: threads racing here store the same answer. */
    atomic_store(&((bundle_reader *)r)->tables_state, intact ? TABLES_INTACT : TABLES_DAMAGED);
    return intact;
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
