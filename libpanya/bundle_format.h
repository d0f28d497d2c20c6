/* The .panya container, format 1.1 (docs/FORMAT.md is the specification). Byte layout:
 *
 *   header (64) | dictionaries | objects | manifest | path table | catalogue | index |
 *   dictionary table | [signature] | footer (320)
 *
 * All integers are little-endian. The footer, at the very end, locates everything else. */
#ifndef PANYA_LIBPANYA_BUNDLE_FORMAT_H
#define PANYA_LIBPANYA_BUNDLE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hash.h" /* PANYA_HASH_SIZE only: hashing is libpanya/sha256.h */

#define BUNDLE_HEADER_MAGIC "\x89PANYA\r\n"
#define BUNDLE_FOOTER_MAGIC "PANYAIDX"
#define BUNDLE_END_MAGIC "PANYAEND"
#define BUNDLE_FORMAT_MAJOR 1
#define BUNDLE_FORMAT_MINOR 1 /* 1.1: mandatory path table, binary catalogue */

#define BUNDLE_HEADER_SIZE 64
#define BUNDLE_FOOTER_SIZE 320
#define BUNDLE_FOOTER_HASHED_SIZE 280 /* footer bytes covered by footer_hash */
#define BUNDLE_INDEX_ENTRY_SIZE 64
#define BUNDLE_DICT_ENTRY_SIZE 64
#define BUNDLE_RAW_ALIGNMENT 4096      /* streamable raw objects start on a multiple of this */
#define BUNDLE_ALIGN_MIN_SIZE 65536    /* raw objects this large or larger are aligned */

enum bundle_method {
    BUNDLE_METHOD_RAW = 0,
    BUNDLE_METHOD_ZSTD = 1,
    BUNDLE_METHOD_REFERENCE = 2, /* a zstd frame against another object (format 1.1) */
};

/* Footer flags. */
#define BUNDLE_FLAG_SIGNED 0x1u /* a signature block is present (signature_offset) */
#define BUNDLE_FLAG_PART 0x2u   /* one part of a split pack (part_number of part_count) */

typedef struct bundle_footer {
    uint16_t format_major, format_minor;
    uint32_t flags;
    uint64_t index_offset, index_count;
    uint64_t dict_table_offset, dict_count;
    uint64_t manifest_offset, manifest_stored_size, manifest_size;
    uint8_t manifest_method;
    uint64_t signature_offset, signature_size;
    uint32_t part_number, part_count;
    uint64_t path_table_offset, path_table_stored_size, path_table_size; /* 0: no path table */
    uint8_t tables_hash[PANYA_HASH_SIZE];     /* SHA-256 of index bytes then dict table bytes */
    uint8_t manifest_hash[PANYA_HASH_SIZE];   /* SHA-256 of the uncompressed manifest */
    uint8_t path_table_hash[PANYA_HASH_SIZE]; /* SHA-256 of the uncompressed path table */
    /* 1.1: the binary catalogue (one zstd frame); all 0 in 1.0 footers */
    uint64_t catalogue_offset, catalogue_stored_size, catalogue_size;
    uint8_t catalogue_hash[PANYA_HASH_SIZE];
    bool reserved_nonzero; /* bytes the footer's minor version says are zero are not */
} bundle_footer;

typedef struct bundle_index_entry {
    uint8_t hash[PANYA_HASH_SIZE]; /* SHA-256 of the uncompressed object: its name */
    uint64_t offset;
    uint64_t stored_size;
    uint64_t size;
    uint8_t method;   /* enum bundle_method */
    uint16_t dict_id; /* 1-based position in the dictionary table; 0: none */
    uint32_t reference; /* method 2: 1-based index position of the reference object; else 0 */
} bundle_index_entry;

typedef struct bundle_dict_entry {
    uint64_t offset, stored_size, size;
    uint8_t method; /* enum bundle_method */
    uint8_t hash[PANYA_HASH_SIZE]; /* SHA-256 of the uncompressed dictionary */
} bundle_dict_entry;

/* The path table (docs/FORMAT.md, "Path table"): a sorted map from each manifest path to its
 * variants' index positions, so one file can be found without parsing the manifest. */
#define BUNDLE_PATH_TABLE_HEADER_SIZE 16
#define BUNDLE_PATH_ENTRY_SIZE 16
#define BUNDLE_PATH_VARIANT_SIZE 8
#define BUNDLE_PATH_PROFILE_SIZE 8

/* minor: BUNDLE_FORMAT_MINOR, or 0 for a 1.0 bundle (no path table or catalogue). */
void bundle_encode_header(uint8_t out[BUNDLE_HEADER_SIZE], uint16_t minor);
/* Checks the header: returns 0, -1 when the magic is absent (not a bundle), -2 when its major
 * version is unknown, -3 when bytes that must be zero are not. */
int bundle_check_header(const uint8_t in[BUNDLE_HEADER_SIZE]);
/* Fills the footer bytes, including footer_hash and the magics. */
void bundle_encode_footer(const bundle_footer *footer, uint8_t out[BUNDLE_FOOTER_SIZE]);
/* Returns 0, -1 when the magics are absent (not a bundle / truncated), -2 when the footer
 * hash does not match (footer damaged). */
int bundle_decode_footer(const uint8_t in[BUNDLE_FOOTER_SIZE], bundle_footer *footer);

void bundle_encode_index_entry(const bundle_index_entry *e, uint8_t out[BUNDLE_INDEX_ENTRY_SIZE]);
/* Returns 0, or -1 when the entry's reserved bytes are not zero. */
int bundle_decode_index_entry(const uint8_t in[BUNDLE_INDEX_ENTRY_SIZE], bundle_index_entry *e);
void bundle_encode_dict_entry(const bundle_dict_entry *e, uint8_t out[BUNDLE_DICT_ENTRY_SIZE]);
/* Returns 0, or -1 when the entry's reserved bytes are not zero. */
int bundle_decode_dict_entry(const uint8_t in[BUNDLE_DICT_ENTRY_SIZE], bundle_dict_entry *e);

void bundle_put_u32(uint8_t *p, uint32_t v);
uint32_t bundle_get_u32(const uint8_t *p);
void bundle_put_u64(uint8_t *p, uint64_t v);
uint64_t bundle_get_u64(const uint8_t *p);

/* Offset rounded up to the raw-object alignment. */
uint64_t bundle_align(uint64_t offset);

#endif
