/* One zstd frame, and the bytes it is made from (internal to writer/). */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_c_forceAttachDict: stable in practice since 1.4 */
#include "writer/compress_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int bundle_load_source(const char *disk_path, uint64_t size, const uint8_t *hash,
                       uint8_t **data, panya_error *err)
{
    *data = NULL;
    if (size > SIZE_MAX - 1)
        return panya_error_set(err, PANYA_ERR_INTERNAL, "%s: too large to hold in memory",
                               disk_path);
    int fd = open(disk_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", disk_path);
    uint8_t *buf = malloc(size ? (size_t)size : 1);
    if (!buf) {
        close(fd);
        return panya_error_oom(err);
    }
    uint64_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, (size_t)(size - got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (uint64_t)n;
    }
    uint8_t extra;
    bool longer = read(fd, &extra, 1) > 0;
    close(fd);
    uint8_t actual[PANYA_HASH_SIZE];
    if (got != size || longer || panya_sha256_buffer(buf, (size_t)size, actual) != 0 ||
        memcmp(actual, hash, PANYA_HASH_SIZE) != 0) {
        free(buf);
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: changed while it was being packed",
                               disk_path);
    }
    *data = buf;
    return 0;
}

static unsigned ceil_log2(uint64_t v)
{
    unsigned log = 0;
    while (log < 63 && (1ULL << log) < v)
        log++;
    return log;
}

uint8_t *compress_frame(const uint8_t *data, size_t len, int level, const ZSTD_CDict *cdict,
                        const uint8_t *prefix, size_t prefix_len, size_t *out_size)
{
    size_t bound = ZSTD_compressBound(len);
    uint8_t *frame = malloc(bound);
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    if (!frame || !cctx) {
        free(frame);
        ZSTD_freeCCtx(cctx);
        return NULL;
    }
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0); /* SHA-256 covers integrity */
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
    if (cdict) {
        /* Reference the dictionary's tables instead of copying them for every frame: with a
         * large content dictionary at level 19 the copy costs more than compressing. */
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_forceAttachDict, ZSTD_dictForceAttach);
        ZSTD_CCtx_refCDict(cctx, cdict);
    }
    if (prefix) {
        /* The window must span the reference and the object, or matches far back in the
         * reference are lost (zstd --patch-from does the same). Both are at most
         * OBJECT_REFERENCE_MAX_SIZE, so this stays within the decoder's default 2^27. */
        unsigned window = ceil_log2((uint64_t)len + prefix_len);
        if (window > ZSTD_getCParams(level, len, prefix_len).windowLog)
            ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, (int)window);
        ZSTD_CCtx_refPrefix(cctx, prefix, prefix_len);
    }
    size_t n = ZSTD_compress2(cctx, frame, bound, data, len);
    ZSTD_freeCCtx(cctx);
    if (ZSTD_isError(n)) {
        free(frame);
        return NULL;
    }
    *out_size = n;
    return frame;
}

const uint8_t *compress_input_bytes(const compress_input *in, uint8_t **owned,
                                    panya_error *err)
{
    *owned = NULL;
    if (in->memory)
        return in->memory;
    if (bundle_load_source(in->disk_path, in->size, in->hash, owned, err) != 0)
        return NULL;
    return *owned;
}
