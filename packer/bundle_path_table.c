#include "packer/bundle_path_table.h"

#include <stdlib.h>
#include <string.h>

/* Layout (all u32, little-endian): header {file_count, variant_count, profile_count,
 * strings_size}; files[file_count] {path_offset, path_length, first_variant, variant_count}
 * sorted by path bytes; variants[variant_count] {index_position, profile_number};
 * profiles[profile_count] {name_offset, name_length}; strings. */

static long find_entry(const bundle_index_entry *entries, size_t count, const uint8_t *hash)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = memcmp(hash, entries[mid].hash, PANYA_HASH_SIZE);
        if (cmp == 0)
            return (long)mid;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* Profile names are few: a linear list is enough. Returns the profile's number or -1. */
static int profile_number(const char **names, uint32_t *count, const char *name)
{
    for (uint32_t i = 0; i < *count; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    if (*count >= 256)
        return -1;
    names[*count] = name;
    return (int)(*count)++;
}

int bundle_path_table_build(const bundle_manifest *m, const bundle_index_entry *entries,
                            size_t count, uint8_t **out, size_t *len, panya_error *err)
{
    const char *profiles[256];
    uint32_t profile_count = 0, variant_count = 0;
    uint64_t strings = 0;
    for (size_t f = 0; f < m->file_count; f++) {
        strings += strlen(m->files[f].path);
        variant_count += (uint32_t)m->files[f].variant_count;
        for (size_t v = 0; v < m->files[f].variant_count; v++)
            if (profile_number(profiles, &profile_count, m->files[f].variants[v].profile) < 0)
                return panya_error_set(err, PANYA_EXIT_USAGE, "more than 256 profiles");
    }
    for (uint32_t p = 0; p < profile_count; p++)
        strings += strlen(profiles[p]);
    uint64_t total = BUNDLE_PATH_TABLE_HEADER_SIZE + m->file_count * BUNDLE_PATH_ENTRY_SIZE +
                     (uint64_t)variant_count * BUNDLE_PATH_VARIANT_SIZE +
                     (uint64_t)profile_count * BUNDLE_PATH_PROFILE_SIZE + strings;
    if (total > UINT32_MAX)
        return panya_error_set(err, PANYA_EXIT_USAGE, "too many files for one bundle");
    uint8_t *buf = calloc(1, (size_t)total);
    if (!buf)
        return panya_error_oom(err);
    uint8_t *files = buf + BUNDLE_PATH_TABLE_HEADER_SIZE;
    uint8_t *variants = files + m->file_count * BUNDLE_PATH_ENTRY_SIZE;
    uint8_t *profile_records = variants + (size_t)variant_count * BUNDLE_PATH_VARIANT_SIZE;
    uint8_t *string_base = profile_records + (size_t)profile_count * BUNDLE_PATH_PROFILE_SIZE;
    uint32_t string_used = 0, variant_used = 0;
    bundle_put_u32(buf, (uint32_t)m->file_count);
    bundle_put_u32(buf + 4, variant_count);
    bundle_put_u32(buf + 8, profile_count);
    bundle_put_u32(buf + 12, (uint32_t)strings);
    for (uint32_t p = 0; p < profile_count; p++) {
        uint32_t n = (uint32_t)strlen(profiles[p]);
        bundle_put_u32(profile_records + p * 8, string_used);
        bundle_put_u32(profile_records + p * 8 + 4, n);
        memcpy(string_base + string_used, profiles[p], n);
        string_used += n;
    }
    for (size_t f = 0; f < m->file_count; f++) { /* manifest files are sorted by path */
        const manifest_file *file = &m->files[f];
        uint32_t n = (uint32_t)strlen(file->path);
        uint8_t *rec = files + f * BUNDLE_PATH_ENTRY_SIZE;
        bundle_put_u32(rec, string_used);
        bundle_put_u32(rec + 4, n);
        bundle_put_u32(rec + 8, variant_used);
        bundle_put_u32(rec + 12, (uint32_t)file->variant_count);
        memcpy(string_base + string_used, file->path, n);
        string_used += n;
        for (size_t v = 0; v < file->variant_count; v++, variant_used++) {
            long position = find_entry(entries, count, file->variants[v].hash);
            if (position < 0) {
                free(buf);
                return panya_error_set(err, PANYA_EXIT_INTERNAL,
                                       "%s: the manifest names an object that was not added",
                                       file->path);
            }
            uint8_t *vrec = variants + (size_t)variant_used * BUNDLE_PATH_VARIANT_SIZE;
            bundle_put_u32(vrec, (uint32_t)position);
            bundle_put_u32(vrec + 4, (uint32_t)profile_number(profiles, &profile_count,
                                                               file->variants[v].profile));
        }
    }
    *out = buf;
    *len = (size_t)total;
    return 0;
}

int bundle_path_table_open(bundle_path_table *t, const uint8_t *data, size_t size,
                           uint64_t index_count)
{
    if (size < BUNDLE_PATH_TABLE_HEADER_SIZE)
        return -1;
    t->file_count = bundle_get_u32(data);
    t->variant_count = bundle_get_u32(data + 4);
    t->profile_count = bundle_get_u32(data + 8);
    t->strings_size = bundle_get_u32(data + 12);
    uint64_t need = BUNDLE_PATH_TABLE_HEADER_SIZE +
                    (uint64_t)t->file_count * BUNDLE_PATH_ENTRY_SIZE +
                    (uint64_t)t->variant_count * BUNDLE_PATH_VARIANT_SIZE +
                    (uint64_t)t->profile_count * BUNDLE_PATH_PROFILE_SIZE + t->strings_size;
    if (need != size)
        return -1;
    t->files = data + BUNDLE_PATH_TABLE_HEADER_SIZE;
    t->variants = t->files + (size_t)t->file_count * BUNDLE_PATH_ENTRY_SIZE;
    t->profiles = t->variants + (size_t)t->variant_count * BUNDLE_PATH_VARIANT_SIZE;
    t->strings = t->profiles + (size_t)t->profile_count * BUNDLE_PATH_PROFILE_SIZE;
    for (uint32_t p = 0; p < t->profile_count; p++) {
        uint64_t off = bundle_get_u32(t->profiles + p * 8), n = bundle_get_u32(t->profiles + p * 8 + 4);
        if (off + n > t->strings_size)
            return -1;
    }
    for (uint32_t f = 0; f < t->file_count; f++) {
        const uint8_t *rec = t->files + (size_t)f * BUNDLE_PATH_ENTRY_SIZE;
        uint64_t off = bundle_get_u32(rec), n = bundle_get_u32(rec + 4);
        uint64_t first = bundle_get_u32(rec + 8), vn = bundle_get_u32(rec + 12);
        if (off + n > t->strings_size || first + vn > t->variant_count)
            return -1;
    }
    for (uint32_t v = 0; v < t->variant_count; v++) {
        const uint8_t *vrec = t->variants + (size_t)v * BUNDLE_PATH_VARIANT_SIZE;
        if (bundle_get_u32(vrec) >= index_count || bundle_get_u32(vrec + 4) >= t->profile_count)
            return -1;
    }
    return 0;
}

static int compare_path(const bundle_path_table *t, uint32_t f, const char *path, size_t len)
{
    const uint8_t *rec = t->files + (size_t)f * BUNDLE_PATH_ENTRY_SIZE;
    uint32_t off = bundle_get_u32(rec), n = bundle_get_u32(rec + 4);
    int cmp = memcmp(path, t->strings + off, len < n ? len : n);
    if (cmp)
        return cmp;
    return len < n ? -1 : len > n;
}

int bundle_path_table_find(const bundle_path_table *t, const char *path, const char *profile,
                           uint32_t *position)
{
    size_t len = strlen(path);
    uint32_t lo = 0, hi = t->file_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int cmp = compare_path(t, mid, path, len);
        if (cmp < 0) {
            hi = mid;
            continue;
        }
        if (cmp > 0) {
            lo = mid + 1;
            continue;
        }
        const uint8_t *rec = t->files + (size_t)mid * BUNDLE_PATH_ENTRY_SIZE;
        uint32_t first = bundle_get_u32(rec + 8), count = bundle_get_u32(rec + 12);
        for (uint32_t v = first; v < first + count; v++) {
            const uint8_t *vrec = t->variants + (size_t)v * BUNDLE_PATH_VARIANT_SIZE;
            const uint8_t *prof = t->profiles + (size_t)bundle_get_u32(vrec + 4) * 8;
            uint32_t poff = bundle_get_u32(prof), plen = bundle_get_u32(prof + 4);
            if (!profile || (strlen(profile) == plen &&
                             memcmp(profile, t->strings + poff, plen) == 0)) {
                *position = bundle_get_u32(vrec);
                return 1;
            }
        }
        return -1;
    }
    return 0;
}
