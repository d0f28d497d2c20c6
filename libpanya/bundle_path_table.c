#include "libpanya/bundle_path_table.h"

#include <stdlib.h>
#include <string.h>

/* Layout (all u32, little-endian): header {file_count, variant_count, profile_count,
 * strings_size}; files[file_count] {path_offset, path_length, first_variant, variant_count}
 * sorted by path bytes; variants[variant_count] {index_position, profile_number};
 * profiles[profile_count] {name_offset, name_length}; strings. */

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
