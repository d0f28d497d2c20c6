#include "writer/path_table_build.h"

#include <stdlib.h>
#include <string.h>

/* The layout is docs/FORMAT.md's "Path table"; libpanya/bundle_path_table.c reads it. */

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
    if (*count >= BUNDLE_MAX_PROFILES)
        return -1;
    names[*count] = name;
    return (int)(*count)++;
}

int bundle_profile_list(const bundle_manifest *m, const char *names[BUNDLE_MAX_PROFILES],
                        uint32_t *count, panya_error *err)
{
    *count = 0;
    for (size_t f = 0; f < m->file_count; f++)
        for (size_t v = 0; v < m->files[f].variant_count; v++)
            if (profile_number(names, count, m->files[f].variants[v].profile) < 0)
                return panya_error_set(err, PANYA_ERR_USAGE, "more than %d profiles",
                                       BUNDLE_MAX_PROFILES);
    return 0;
}

int bundle_path_table_build(const bundle_manifest *m, const bundle_index_entry *entries,
                            size_t count, uint8_t **out, size_t *len, panya_error *err)
{
    const char *profiles[BUNDLE_MAX_PROFILES];
    uint32_t profile_count = 0, variant_count = 0;
    uint64_t strings = 0;
    if (bundle_profile_list(m, profiles, &profile_count, err) != 0)
        return -1;
    for (size_t f = 0; f < m->file_count; f++) {
        strings += strlen(m->files[f].path);
        variant_count += (uint32_t)m->files[f].variant_count;
    }
    for (uint32_t p = 0; p < profile_count; p++)
        strings += strlen(profiles[p]);
    uint64_t total = BUNDLE_PATH_TABLE_HEADER_SIZE + m->file_count * BUNDLE_PATH_ENTRY_SIZE +
                     (uint64_t)variant_count * BUNDLE_PATH_VARIANT_SIZE +
                     (uint64_t)profile_count * BUNDLE_PATH_PROFILE_SIZE + strings;
    if (total > UINT32_MAX)
        return panya_error_set(err, PANYA_ERR_USAGE, "too many files for one bundle");
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
                return panya_error_set(err, PANYA_ERR_INTERNAL,
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
