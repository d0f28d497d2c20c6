/* The reader's sections: manifest, path table, catalogue, signature block. */
#include "libpanya/bundle_reader_internal.h"

#include "libpanya/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a section, decompresses it and checks its hash. *out is malloc'd, NUL-terminated. */
int reader_load_section(const bundle_reader *r, const section *s, uint8_t **out, panya_error *err)
{
    char what[160];
    *out = NULL;
    if (s->size > s->limit || s->stored_size > s->limit || s->method > BUNDLE_METHOD_ZSTD ||
        (s->method == BUNDLE_METHOD_RAW && s->stored_size != s->size)) {
        snprintf(what, sizeof what, "the %s is damaged (impossible size)", s->what);
        return reader_invalid(r, err, what);
    }
    uint8_t *stored = malloc(s->stored_size ? (size_t)s->stored_size : 1);
    uint8_t *plain = malloc((size_t)s->size + 1);
    if (!stored || !plain) {
        free(stored);
        free(plain);
        return panya_error_oom(err);
    }
    int status = reader_read_at(r, stored, (size_t)s->stored_size, s->offset, err);
    if (status == 0 && s->method == BUNDLE_METHOD_ZSTD) {
        size_t n = ZSTD_decompress(plain, (size_t)s->size, stored, (size_t)s->stored_size);
        if (ZSTD_isError(n) || n != s->size) {
            snprintf(what, sizeof what, "the %s is damaged (cannot decompress it)", s->what);
            status = reader_invalid(r, err, what);
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
            status = reader_invalid(r, err, what);
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
    if (reader_load_section(r, &s, xml, err) != 0)
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
    reader_load_section(r, s, &t->bytes, &t->problem);
}

/* The path table and catalogue are read at open, so that lookups from many threads only read
 * memory. Damage does not stop the open: lookups report it, verify names it. */
void reader_load_tables_of_1_1(bundle_reader *r)
{
    const bundle_footer *f = &r->footer;
    section paths = {"path table", f->path_table_offset, f->path_table_stored_size,
                     f->path_table_size, table_limit(r), BUNDLE_METHOD_ZSTD,
                     f->path_table_hash};
    load_table(r, &r->path_table_bytes, &paths);
    if (r->path_table_bytes.bytes &&
        bundle_path_table_open(&r->path_table, r->path_table_bytes.bytes,
                               (size_t)f->path_table_size, f->index_count) != 0) {
        reader_invalid(r, &r->path_table_bytes.problem, "the path table is damaged (malformed)");
        free(r->path_table_bytes.bytes);
        r->path_table_bytes.bytes = NULL;
    }
    section cat = {"catalogue", f->catalogue_offset, f->catalogue_stored_size,
                   f->catalogue_size, table_limit(r), BUNDLE_METHOD_ZSTD, f->catalogue_hash};
    load_table(r, &r->catalogue_bytes, &cat);
    if (!r->catalogue_bytes.bytes)
        return;
    if (!r->path_table_bytes.bytes) {
        reader_invalid(r, &r->catalogue_bytes.problem,
                       "the catalogue needs the path table, which is damaged");
    } else {
        int rc = bundle_catalogue_decode(&r->catalogue, r->catalogue_bytes.bytes,
                                         (size_t)f->catalogue_size, r->path_table.variant_count,
                                         r->path_table.profile_count);
        if (rc == -2)
            panya_error_oom(&r->catalogue_bytes.problem);
        else if (rc != 0)
            reader_invalid(r, &r->catalogue_bytes.problem, "the catalogue is damaged (malformed)");
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
        return panya_error_set(err, PANYA_ERR_NOT_FOUND, "%s: '%s' has no variant for profile '%s'",
                               r->name, path, profile);
    if (found == 1)
        *entry = &r->entries[position];
    return found;
}

#define MAX_SIGNATURE_SIZE 4096

int bundle_reader_read_signature(bundle_reader *r, uint8_t **block, size_t *len, panya_error *err)
{
    const bundle_footer *f = &r->footer;
    *block = NULL;
    *len = 0;
    if (!(f->flags & BUNDLE_FLAG_SIGNED))
        return 0;
    uint64_t tables_end = f->dict_table_offset + f->dict_count * BUNDLE_DICT_ENTRY_SIZE;
    if (f->signature_size == 0 || f->signature_size > MAX_SIGNATURE_SIZE ||
        !reader_in_range(f->signature_offset, f->signature_size, tables_end,
                         r->file_size - BUNDLE_FOOTER_SIZE))
        return reader_invalid(r, err, "the signature block is outside its place (damaged bundle)");
    uint8_t *bytes = malloc((size_t)f->signature_size);
    if (!bytes)
        return panya_error_oom(err);
    if (reader_read_at(r, bytes, (size_t)f->signature_size, f->signature_offset, err) != 0) {
        free(bytes);
        return -1;
    }
    *block = bytes;
    *len = (size_t)f->signature_size;
    return 0;
}
