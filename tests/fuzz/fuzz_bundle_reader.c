/* libFuzzer target: the reader library's public API (libpanya/include/panya.h) on mutated bundles: open by
 * descriptor + offset, facts, catalogue, lookups, reads at random offsets, verify-all, the
 * signature check. So that mutations get past the hashes and reach the parsers, the harness
 * reseals what a careless or hostile writer would also get right: the tables hash, the path
 * table and catalogue hashes (when their zstd frames still decompress) and the footer hash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "common/hash.h"
#include "libpanya/include/panya.h"

#define FOOTER 320
#define PREFIX 7 /* bytes before the bundle, so that offsets are tested as absolute */

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Recomputes the hash at hash_at of the zstd frame at [offset, offset + stored) when it
 * decompresses to exactly size bytes. */
static void reseal_frame(uint8_t *bundle, size_t len, uint64_t offset, uint64_t stored,
                         uint64_t size, uint8_t *hash_at)
{
    if (!offset || offset > len || stored > len - offset || size > (1u << 22))
        return;
    uint8_t *plain = malloc(size ? size : 1);
    if (!plain)
        return;
    size_t n = ZSTD_decompress(plain, size, bundle + offset, stored);
    if (!ZSTD_isError(n) && n == size)
        panya_sha256_buffer(plain, size, hash_at);
    free(plain);
}

static void reseal(uint8_t *b, size_t len)
{
    if (len < FOOTER + 64)
        return;
    uint8_t *f = b + len - FOOTER;
    uint64_t index_offset = get64(f + 16), index_count = get64(f + 24);
    uint64_t dict_count = get64(f + 40);
    uint64_t tables = (index_count + dict_count) * 64;
    if (index_count < len && dict_count < len && index_offset < len && tables <= len - index_offset)
        panya_sha256_buffer(b + index_offset, tables, f + 128);
    reseal_frame(b, len, get64(f + 104), get64(f + 112), get64(f + 120), f + 192);
    reseal_frame(b, len, get64(f + 224), get64(f + 232), get64(f + 240), f + 248);
    panya_sha256_buffer(f, 280, f + 280);
}

static panya_status discard(void *ctx, const void *data, size_t len)
{
    (void)ctx, (void)data, (void)len;
    return PANYA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("bundle", MFD_CLOEXEC);
    uint8_t *copy = malloc(size + PREFIX);
    if (fd < 0 || !copy) {
        free(copy);
        if (fd >= 0)
            close(fd);
        return 0;
    }
    memset(copy, 0xA5, PREFIX);
    memcpy(copy + PREFIX, data, size);
    reseal(copy + PREFIX, size);
    ssize_t written = write(fd, copy, size + PREFIX);
    free(copy);
    panya_bundle *b = NULL;
    if (written == (ssize_t)(size + PREFIX) &&
        panya_open_fd(fd, PREFIX, size, 0, &b, NULL) == PANYA_OK) {
        panya_facts facts;
        panya_get_facts(b, &facts);
        for (size_t c = 0; c < panya_course_count(b) && c < 16; c++) {
            panya_course_info course;
            if (panya_course(b, c, &course) != PANYA_OK)
                break;
            for (size_t l = 0; l < course.lesson_count && l < 16; l++) {
                panya_lesson_info lesson;
                if (panya_lesson(b, c, l, &lesson) != PANYA_OK)
                    break;
                for (size_t i = 0; i < lesson.item_count && i < 8; i++) {
                    panya_item_info item;
                    panya_file_info file;
                    if (panya_item(b, c, l, i, &item) == PANYA_OK)
                        panya_find(b, item.path, NULL, &file, NULL);
                }
            }
        }
        for (size_t p = 0; p < panya_profile_count(b) && p < 8; p++)
            panya_profile_name(b, p);
        for (size_t i = 0; i < panya_folder_count(b) && i < 8; i++)
            panya_folder(b, i);
        uint8_t buf[512];
        for (uint64_t i = 0; i < facts.file_count && i < 32; i++) {
            for (size_t v = 0; v < panya_file_variant_count(b, i) && v < 4; v++) {
                panya_file_info file;
                if (panya_file_at(b, i, v, &file, NULL) != PANYA_OK)
                    continue;
                panya_find(b, file.path, file.profile, &file, NULL);
                size_t got;
                uint64_t at = file.size ? (i * 7919u) % file.size : 0;
                panya_read(b, &file, at, buf, sizeof buf, &got, NULL);
                panya_read(b, &file, file.size, buf, sizeof buf, &got, NULL);
                panya_read_file_cb(b, &file, discard, NULL, NULL);
            }
        }
        char *xml;
        size_t xml_len;
        if (panya_read_manifest(b, &xml, &xml_len, NULL) == PANYA_OK)
            free(xml);
        panya_verify_report report;
        if (panya_verify_all(b, NULL, NULL, &report, NULL) <= PANYA_ERR_INVALID)
            panya_verify_report_free(&report);
        uint8_t key[PANYA_PUBLIC_KEY_BYTES] = {0};
        panya_check_signature(b, key, NULL);
        panya_close(b);
    }
    close(fd);
    return 0;
}
