#include "writer/object_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_estimateCCtxSize: stable for years */
#include <zstd.h>

#include "common/hash.h"

#define CHUNK (1u << 20)
#define PROBE_BYTES (128u * 1024)
#define PROBE_LEVEL 1
/* A sample that does not shrink by 1/32 (about 3%) is not worth zstd's time. */
#define PROBE_MIN_SAVING_SHIFT 5

struct object_spool {
    int fd;
    _Atomic uint64_t end; /* next free offset; regions are reserved with fetch_add */
};

object_spool *object_spool_create(const char *near_path, panya_error *err)
{
    object_spool *spool = calloc(1, sizeof *spool);
    char *copy = strdup(near_path);
    if (!spool || !copy) {
        free(spool);
        free(copy);
        panya_error_oom(err);
        return NULL;
    }
    const char *folder = dirname(copy);
    /* An unnamed file: the kernel frees it when the last descriptor closes, even on kill -9. */
    spool->fd = open(folder, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (spool->fd < 0) { /* filesystems without O_TMPFILE (FUSE, older ones): name, unlink */
        size_t len = strlen(folder) + 32;
        char *name = malloc(len);
        if (name) {
            snprintf(name, len, "%s/.panya-spool-XXXXXX", folder);
            spool->fd = mkostemp(name, O_CLOEXEC);
            if (spool->fd >= 0)
                unlink(name);
        }
        free(name);
    }
    if (spool->fd < 0) {
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno,
                          "%s: cannot create a temporary file for compressed objects", folder);
        free(copy);
        free(spool);
        return NULL;
    }
    free(copy);
    return spool;
}

void object_spool_free(object_spool *spool)
{
    if (!spool)
        return;
    close(spool->fd);
    free(spool);
}

static int spool_write_at(object_spool *spool, const uint8_t *data, size_t len, uint64_t at,
                          panya_error *err)
{
    while (len > 0) {
        ssize_t n = pwrite(spool->fd, data, len, (off_t)at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == ENOSPC || errno == EDQUOT))
            return panya_error_set(err, PANYA_ERR_OUTPUT,
                                   "the disk is full (compressed objects wait next to the "
                                   "output until they are written)");
        if (n <= 0)
            return panya_error_errno(err, PANYA_ERR_OUTPUT, errno,
                                     "cannot write compressed objects to a temporary file");
        data += n;
        len -= (size_t)n;
        at += (uint64_t)n;
    }
    return 0;
}

int object_spool_put(object_spool *spool, const uint8_t *frame, size_t len, uint64_t *offset,
                     panya_error *err)
{
    *offset = atomic_fetch_add(&spool->end, (uint64_t)len);
    return spool_write_at(spool, frame, len, *offset, err);
}

int object_spool_compress_stream(object_spool *spool, const compress_input *in, int level,
                                 uint64_t *offset, uint64_t *size, panya_error *err)
{
    /* The whole bound is reserved up front; what the frame does not use stays a hole. */
    uint64_t start = atomic_fetch_add(&spool->end, (uint64_t)ZSTD_compressBound((size_t)in->size));
    int fd = -1;
    if (!in->memory && (fd = open(in->disk_path, O_RDONLY | O_CLOEXEC)) < 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", in->disk_path);
    size_t out_cap = ZSTD_CStreamOutSize();
    uint8_t *chunk = in->memory ? NULL : malloc(CHUNK);
    uint8_t *outbuf = malloc(out_cap);
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    panya_sha256 sha;
    int status = -1;
    if ((!in->memory && !chunk) || !outbuf || !cctx || panya_sha256_init(&sha) != 0) {
        panya_error_oom(err);
        goto done;
    }
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0); /* SHA-256 covers integrity */
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
    ZSTD_CCtx_setPledgedSrcSize(cctx, in->size);
    uint64_t read_total = 0, written = 0;
    bool last = false;
    while (!last) {
        const uint8_t *src;
        size_t n;
        if (in->memory) {
            src = in->memory;
            n = (size_t)in->size;
        } else {
            ssize_t got = read(fd, chunk, CHUNK);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0) {
                panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", in->disk_path);
                goto done;
            }
            src = chunk;
            n = (size_t)got;
        }
        if (read_total + n > in->size)
            break; /* longer than when it was added: reported below */
        read_total += n;
        panya_sha256_update(&sha, src, n);
        last = in->memory || n == 0 || read_total == in->size;
        ZSTD_inBuffer input = {src, n, 0};
        ZSTD_EndDirective mode = last ? ZSTD_e_end : ZSTD_e_continue;
        size_t remaining;
        do {
            ZSTD_outBuffer output = {outbuf, out_cap, 0};
            remaining = ZSTD_compressStream2(cctx, &output, &input, mode);
            if (ZSTD_isError(remaining)) {
                panya_error_set(err, PANYA_ERR_INTERNAL, "%s: zstd: %s",
                                in->disk_path ? in->disk_path : "object",
                                ZSTD_getErrorName(remaining));
                goto done;
            }
            if (spool_write_at(spool, outbuf, output.pos, start + written, err) != 0)
                goto done;
            written += output.pos;
        } while (last ? remaining != 0 : input.pos < input.size);
    }
    uint8_t actual[PANYA_HASH_SIZE], extra;
    panya_sha256_final(&sha, actual);
    if (read_total != in->size || memcmp(actual, in->hash, PANYA_HASH_SIZE) != 0 ||
        (fd >= 0 && read(fd, &extra, 1) > 0)) {
        panya_error_set(err, PANYA_ERR_INVALID, "%s: changed while it was being packed",
                        in->disk_path);
        goto done;
    }
    *offset = start;
    *size = written;
    status = 0;
done:
    if (fd >= 0)
        close(fd);
    ZSTD_freeCCtx(cctx);
    free(chunk);
    free(outbuf);
    return status;
}

int object_spool_copy(object_spool *spool, uint64_t offset, uint64_t len,
                      panya_output_file *out, panya_error *err)
{
    uint8_t *buf = malloc(CHUNK);
    if (!buf)
        return panya_error_oom(err);
    int status = 0;
    while (len > 0 && status == 0) {
        ssize_t n = pread(spool->fd, buf, len < CHUNK ? (size_t)len : CHUNK, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            status = panya_error_errno(err, PANYA_ERR_OUTPUT, n < 0 ? errno : EIO,
                                       "cannot read compressed objects back");
            break;
        }
        status = panya_output_write(out, buf, (size_t)n, err);
        offset += (uint64_t)n;
        len -= (uint64_t)n;
    }
    free(buf);
    return status;
}

bool object_looks_incompressible(const compress_input *in)
{
    if (in->size < PROBE_BYTES)
        return false;
    uint8_t *owned = NULL;
    const uint8_t *sample = in->memory;
    if (!sample) {
        int fd = open(in->disk_path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || !(owned = malloc(PROBE_BYTES))) {
            if (fd >= 0)
                close(fd);
            return false;
        }
        ssize_t got = pread(fd, owned, PROBE_BYTES, 0);
        close(fd);
        if (got != (ssize_t)PROBE_BYTES) {
            free(owned);
            return false;
        }
        sample = owned;
    }
    size_t bound = ZSTD_compressBound(PROBE_BYTES);
    uint8_t *frame = malloc(bound);
    bool incompressible = false;
    if (frame) {
        size_t n = ZSTD_compress(frame, bound, sample, PROBE_BYTES, PROBE_LEVEL);
        incompressible = !ZSTD_isError(n) &&
                         n > PROBE_BYTES - (PROBE_BYTES >> PROBE_MIN_SAVING_SHIFT);
    }
    free(frame);
    free(owned);
    return incompressible;
}

int compress_threads_within_budget(int threads, int level)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int wanted = threads > 0 ? threads : cores > 0 ? (int)cores : 1;
    /* A job holds one context and, below the streaming size, the object and its frame. */
    size_t per_job = ZSTD_estimateCCtxSize(level) + 2 * (size_t)OBJECT_STREAM_MIN_SIZE;
    size_t fit = COMPRESS_MEMORY_BUDGET / per_job;
    return fit < 1 ? 1 : (size_t)wanted > fit ? (int)fit : wanted;
}
