/* libFuzzer target: the reader library's public API (libpanya/include/panya.h) on arbitrary
 * bytes: open by descriptor, facts, the catalogue, every file's lookup, reads at offsets
 * derived from the input, the manifest, verification. Inputs that end in a footer get their
 * footer hash recomputed, so mutations reach the tables and objects instead of stopping at
 * the footer check. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/hash.h"
#include "libpanya/bundle_format.h"
#include "libpanya/include/panya.h"

static void walk_catalogue(const panya_bundle *b)
{
    for (size_t c = 0; c < panya_course_count(b); c++) {
        panya_course_info course;
        if (panya_course(b, c, &course) != PANYA_OK)
            continue;
        for (size_t l = 0; l < course.lesson_count; l++) {
            panya_lesson_info lesson;
            if (panya_lesson(b, c, l, &lesson) != PANYA_OK)
                continue;
            for (size_t i = 0; i < lesson.item_count; i++) {
                panya_item_info item;
                panya_file_info info;
                if (panya_item(b, c, l, i, &item) == PANYA_OK)
                    panya_find(b, item.path, NULL, &info, NULL);
            }
        }
    }
    for (size_t i = 0; i < panya_folder_count(b); i++)
        panya_folder(b, i);
}

static void read_files(panya_bundle *b, const uint8_t *data, size_t size)
{
    panya_facts facts;
    panya_get_facts(b, &facts);
    uint8_t buf[4096];
    for (size_t f = 0; f < facts.file_count && f < 64; f++) {
        for (size_t v = 0; v < panya_file_variant_count(b, f); v++) {
            panya_file_info info;
            size_t got;
            if (panya_file_at(b, f, v, &info, NULL) != PANYA_OK)
                continue;
            uint64_t offset = size ? data[f % size] * (info.size / 256 + 1) : 0;
            panya_read(b, &info, offset, buf, sizeof buf, &got, NULL);
            panya_find(b, info.path, info.profile, &info, NULL);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("bundle", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) {
        close(fd);
        return 0;
    }
    memcpy(copy, data, size);
    if (size >= BUNDLE_FOOTER_SIZE) {
        uint8_t *footer = copy + size - BUNDLE_FOOTER_SIZE;
        panya_sha256_buffer(footer, BUNDLE_FOOTER_HASHED_SIZE, footer + BUNDLE_FOOTER_HASHED_SIZE);
    }
    ssize_t written = write(fd, copy, size);
    free(copy);
    panya_bundle *b;
    if (written == (ssize_t)size && panya_open_fd(fd, 0, 0, 0, &b, NULL) == PANYA_OK) {
        walk_catalogue(b);
        read_files(b, data, size);
        char *xml;
        size_t len;
        if (panya_read_manifest(b, &xml, &len, NULL) == PANYA_OK)
            free(xml);
        panya_verify_report report;
        panya_verify_all(b, NULL, NULL, &report, NULL);
        panya_verify_report_free(&report);
        panya_close(b);
    }
    close(fd);
    return 0;
}
