#include "libpanya/bundle_path_table.h"

#include "common/safe_path.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Layout (all u32, little-endian): header {file_count, variant_count, profile_count,
 * strings_size}; files[file_count] {path_offset, path_length, first_variant, variant_count}
 * sorted by path bytes; variants[variant_count] {index_position, profile_number};
 * profiles[profile_count] {name_offset, name_length}; strings. */

/* True when file a's path sorts strictly before file b's (byte order). */
static bool path_before(const bundle_path_table *t, uint32_t a, uint32_t b)
{
    const uint8_t *ra = t->files + (size_t)a * BUNDLE_PATH_ENTRY_SIZE;
    const uint8_t *rb = t->files + (size_t)b * BUNDLE_PATH_ENTRY_SIZE;
    uint32_t na = bundle_get_u32(ra + 4), nb = bundle_get_u32(rb + 4);
    int cmp = memcmp(t->strings + bundle_get_u32(ra), t->strings + bundle_get_u32(rb),
                     na < nb ? na : nb);
    return cmp < 0 || (cmp == 0 && na < nb);
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
        uint64_t off = bundle_get_u32(t->profiles + p * 8),
                 n = bundle_get_u32(t->profiles + p * 8 + 4);
        if (off + n > t->strings_size)
            return -1;
    }
    for (uint32_t f = 0; f < t->file_count; f++) {
        const uint8_t *rec = t->files + (size_t)f * BUNDLE_PATH_ENTRY_SIZE;
        uint64_t off = bundle_get_u32(rec), n = bundle_get_u32(rec + 4);
        uint64_t first = bundle_get_u32(rec + 8), vn = bundle_get_u32(rec + 12);
        if (off + n > t->strings_size || first + vn > t->variant_count || vn == 0)
            return -1;
        if (f > 0 && !path_before(t, f - 1, f))
            return -1; /* unsorted or duplicate: binary search would miss paths */
        if (!panya_path_is_safe((const char *)t->strings + off, (size_t)n) ||
            memchr(t->strings + off, 0, (size_t)n))
            return -1; /* a path that could lead outside an extraction folder */
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

int bundle_path_table_search(const bundle_path_table *t, const char *path, uint32_t *file)
{
    size_t len = strlen(path);
    uint32_t lo = 0, hi = t->file_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int cmp = compare_path(t, mid, path, len);
        if (cmp == 0) {
            *file = mid;
            return 1;
        }
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

const uint8_t *bundle_path_table_path(const bundle_path_table *t, uint32_t file, uint32_t *len)
{
    const uint8_t *rec = t->files + (size_t)file * BUNDLE_PATH_ENTRY_SIZE;
    *len = bundle_get_u32(rec + 4);
    return t->strings + bundle_get_u32(rec);
}

void bundle_path_table_variants(const bundle_path_table *t, uint32_t file, uint32_t *first,
                                uint32_t *count)
{
    const uint8_t *rec = t->files + (size_t)file * BUNDLE_PATH_ENTRY_SIZE;
    *first = bundle_get_u32(rec + 8);
    *count = bundle_get_u32(rec + 12);
}

void bundle_path_table_variant(const bundle_path_table *t, uint32_t v, uint32_t *position,
                               uint32_t *profile)
{
    const uint8_t *vrec = t->variants + (size_t)v * BUNDLE_PATH_VARIANT_SIZE;
    *position = bundle_get_u32(vrec);
    *profile = bundle_get_u32(vrec + 4);
}

const uint8_t *bundle_path_table_profile(const bundle_path_table *t, uint32_t profile,
                                         uint32_t *len)
{
    const uint8_t *prof = t->profiles + (size_t)profile * BUNDLE_PATH_PROFILE_SIZE;
    *len = bundle_get_u32(prof + 4);
    return t->strings + bundle_get_u32(prof);
}

int bundle_path_table_find(const bundle_path_table *t, const char *path, const char *profile,
                           uint32_t *position)
{
    uint32_t file, first, count;
    if (!bundle_path_table_search(t, path, &file))
        return 0;
    bundle_path_table_variants(t, file, &first, &count);
    for (uint32_t v = first; v < first + count; v++) {
        uint32_t pos, prof, plen;
        bundle_path_table_variant(t, v, &pos, &prof);
        const uint8_t *name = bundle_path_table_profile(t, prof, &plen);
        if (!profile || (strlen(profile) == plen && memcmp(profile, name, plen) == 0)) {
            *position = pos;
            return 1;
        }
    }
    return -1;
}
