#include "libpanya/bundle_format.h"

#include "libpanya/sha256.h"

#include <string.h>

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void bundle_put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void bundle_put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t bundle_get_u32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

uint64_t bundle_get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

void bundle_encode_header(uint8_t out[BUNDLE_HEADER_SIZE], uint16_t minor)
{
    memset(out, 0, BUNDLE_HEADER_SIZE);
    memcpy(out, BUNDLE_HEADER_MAGIC, 8);
    put_u16(out + 8, BUNDLE_FORMAT_MAJOR);
    put_u16(out + 10, minor);
}

int bundle_check_header(const uint8_t in[BUNDLE_HEADER_SIZE])
{
    if (memcmp(in, BUNDLE_HEADER_MAGIC, 8) != 0)
        return -1;
    if (get_u16(in + 8) != BUNDLE_FORMAT_MAJOR)
        return -2;
    if (get_u16(in + 10) <= BUNDLE_FORMAT_MINOR && !all_zero(in + 12, BUNDLE_HEADER_SIZE - 12))
        return -3;
    return 0;
}

void bundle_encode_footer(const bundle_footer *f, uint8_t out[BUNDLE_FOOTER_SIZE])
{
    memset(out, 0, BUNDLE_FOOTER_SIZE);
    memcpy(out, BUNDLE_FOOTER_MAGIC, 8);
    put_u16(out + 8, f->format_major);
    put_u16(out + 10, f->format_minor);
    bundle_put_u32(out + 12, f->flags);
    bundle_put_u64(out + 16, f->index_offset);
    bundle_put_u64(out + 24, f->index_count);
    bundle_put_u64(out + 32, f->dict_table_offset);
    bundle_put_u64(out + 40, f->dict_count);
    bundle_put_u64(out + 48, f->manifest_offset);
    bundle_put_u64(out + 56, f->manifest_stored_size);
    bundle_put_u64(out + 64, f->manifest_size);
    out[72] = f->manifest_method;
    bundle_put_u64(out + 80, f->signature_offset);
    bundle_put_u64(out + 88, f->signature_size);
    bundle_put_u32(out + 96, f->part_number);
    bundle_put_u32(out + 100, f->part_count);
    bundle_put_u64(out + 104, f->path_table_offset);
    bundle_put_u64(out + 112, f->path_table_stored_size);
    bundle_put_u64(out + 120, f->path_table_size);
    memcpy(out + 128, f->tables_hash, PANYA_HASH_SIZE);
    memcpy(out + 160, f->manifest_hash, PANYA_HASH_SIZE);
    memcpy(out + 192, f->path_table_hash, PANYA_HASH_SIZE);
    bundle_put_u64(out + 224, f->catalogue_offset);
    bundle_put_u64(out + 232, f->catalogue_stored_size);
    bundle_put_u64(out + 240, f->catalogue_size);
    memcpy(out + 248, f->catalogue_hash, PANYA_HASH_SIZE);
    lp_sha256_buffer(out, BUNDLE_FOOTER_HASHED_SIZE, out + BUNDLE_FOOTER_HASHED_SIZE);
    memcpy(out + BUNDLE_FOOTER_SIZE - 8, BUNDLE_END_MAGIC, 8);
}

int bundle_decode_footer(const uint8_t in[BUNDLE_FOOTER_SIZE], bundle_footer *f)
{
    if (memcmp(in, BUNDLE_FOOTER_MAGIC, 8) != 0 ||
        memcmp(in + BUNDLE_FOOTER_SIZE - 8, BUNDLE_END_MAGIC, 8) != 0)
        return -1;
    uint8_t expected[PANYA_HASH_SIZE];
    lp_sha256_buffer(in, BUNDLE_FOOTER_HASHED_SIZE, expected);
    if (memcmp(expected, in + BUNDLE_FOOTER_HASHED_SIZE, PANYA_HASH_SIZE) != 0)
        return -2;
    memset(f, 0, sizeof *f);
    f->format_major = get_u16(in + 8);
    f->format_minor = get_u16(in + 10);
    f->flags = bundle_get_u32(in + 12);
    f->index_offset = bundle_get_u64(in + 16);
    f->index_count = bundle_get_u64(in + 24);
    f->dict_table_offset = bundle_get_u64(in + 32);
    f->dict_count = bundle_get_u64(in + 40);
    f->manifest_offset = bundle_get_u64(in + 48);
    f->manifest_stored_size = bundle_get_u64(in + 56);
    f->manifest_size = bundle_get_u64(in + 64);
    f->manifest_method = in[72];
    f->signature_offset = bundle_get_u64(in + 80);
    f->signature_size = bundle_get_u64(in + 88);
    f->part_number = bundle_get_u32(in + 96);
    f->part_count = bundle_get_u32(in + 100);
    f->path_table_offset = bundle_get_u64(in + 104);
    f->path_table_stored_size = bundle_get_u64(in + 112);
    f->path_table_size = bundle_get_u64(in + 120);
    memcpy(f->tables_hash, in + 128, PANYA_HASH_SIZE);
    memcpy(f->manifest_hash, in + 160, PANYA_HASH_SIZE);
    memcpy(f->path_table_hash, in + 192, PANYA_HASH_SIZE);
    /* Zero bytes are checked only up to the minor version this reader knows: a later minor
     * may use them for additions. */
    if (f->format_minor <= BUNDLE_FORMAT_MINOR)
        f->reserved_nonzero = !all_zero(in + 73, 7) || (f->flags & ~(uint32_t)3) != 0;
    if (f->format_minor >= 1) {
        f->catalogue_offset = bundle_get_u64(in + 224);
        f->catalogue_stored_size = bundle_get_u64(in + 232);
        f->catalogue_size = bundle_get_u64(in + 240);
        memcpy(f->catalogue_hash, in + 248, PANYA_HASH_SIZE);
    } else {
        f->reserved_nonzero |= !all_zero(in + 224, 56);
    }
    return 0;
}

void bundle_encode_index_entry(const bundle_index_entry *e, uint8_t out[BUNDLE_INDEX_ENTRY_SIZE])
{
    memset(out, 0, BUNDLE_INDEX_ENTRY_SIZE);
    memcpy(out, e->hash, PANYA_HASH_SIZE);
    bundle_put_u64(out + 32, e->offset);
    bundle_put_u64(out + 40, e->stored_size);
    bundle_put_u64(out + 48, e->size);
    out[56] = e->method;
    put_u16(out + 58, e->dict_id);
    bundle_put_u32(out + 60, e->reference);
}

int bundle_decode_index_entry(const uint8_t in[BUNDLE_INDEX_ENTRY_SIZE], bundle_index_entry *e)
{
    memcpy(e->hash, in, PANYA_HASH_SIZE);
    e->offset = bundle_get_u64(in + 32);
    e->stored_size = bundle_get_u64(in + 40);
    e->size = bundle_get_u64(in + 48);
    e->method = in[56];
    e->dict_id = get_u16(in + 58);
    e->reference = bundle_get_u32(in + 60);
    /* Byte 57 is reserved; bytes 60..63 name a reference for method 2 only. */
    bool referenced = e->method == BUNDLE_METHOD_REFERENCE;
    return in[57] == 0 && referenced == (e->reference != 0) ? 0 : -1;
}

void bundle_encode_dict_entry(const bundle_dict_entry *e, uint8_t out[BUNDLE_DICT_ENTRY_SIZE])
{
    memset(out, 0, BUNDLE_DICT_ENTRY_SIZE);
    bundle_put_u64(out, e->offset);
    bundle_put_u64(out + 8, e->stored_size);
    bundle_put_u64(out + 16, e->size);
    out[24] = e->method;
    memcpy(out + 32, e->hash, PANYA_HASH_SIZE);
}

int bundle_decode_dict_entry(const uint8_t in[BUNDLE_DICT_ENTRY_SIZE], bundle_dict_entry *e)
{
    e->offset = bundle_get_u64(in);
    e->stored_size = bundle_get_u64(in + 8);
    e->size = bundle_get_u64(in + 16);
    e->method = in[24];
    memcpy(e->hash, in + 32, PANYA_HASH_SIZE);
    return all_zero(in + 25, 7) ? 0 : -1;
}

uint64_t bundle_align(uint64_t offset)
{
    return (offset + BUNDLE_RAW_ALIGNMENT - 1) / BUNDLE_RAW_ALIGNMENT * BUNDLE_RAW_ALIGNMENT;
}
