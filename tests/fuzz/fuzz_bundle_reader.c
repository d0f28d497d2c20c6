/* libFuzzer target: the bundle reader on arbitrary bytes (open, manifest, every object).
 * Inputs that end in a footer get their footer hash recomputed, so mutations reach the
 * index, dictionary and object code instead of stopping at the footer check. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/hash.h"
#include "delivery/bundle_extract.h"
#include "libpanya/bundle_reader.h"

static int discard(void *ctx, const void *data, size_t len, panya_error *err)
{
    (void)ctx, (void)data, (void)len, (void)err;
    return 0;
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
    if (written != (ssize_t)size) {
        close(fd);
        return 0;
    }
    panya_error err = {0};
    bundle_reader *r = bundle_reader_open_fd(fd, "fuzz.panya", &err);
    if (r) {
        bundle_manifest *m = bundle_load_manifest(r, "fuzz.panya", &err);
        bundle_manifest_free(m);
        size_t count = bundle_reader_object_count(r);
        for (size_t i = 0; i < count && i < 64; i++) {
            const bundle_index_entry *e = bundle_reader_object_at(r, i);
            bundle_reader_find(r, e->hash);
            bundle_reader_read_object(r, e, discard, NULL, &err);
        }
        bundle_reader_close(r);
    }
    close(fd);
    return 0;
}
