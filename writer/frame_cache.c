#include "writer/frame_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/output_file.h"

#define MAX_FRAME (64u * 1024 * 1024)

static char *frame_path(const char *dir, const uint8_t *hash, const uint8_t *dict_hash, int level)
{
    char object[PANYA_HASH_HEX_SIZE], dict[PANYA_HASH_HEX_SIZE] = "none";
    panya_hash_to_hex(hash, object);
    if (dict_hash)
        panya_hash_to_hex(dict_hash, dict);
    char *path = NULL;
    if (asprintf(&path, "%s/%.2s/%s-%.16s-%d-%u.zst", dir, object, object, dict, level,
                 ZSTD_versionNumber()) < 0)
        return NULL;
    return path;
}

uint8_t *frame_cache_get(const char *dir, const uint8_t hash[PANYA_HASH_SIZE], uint64_t size,
                         const uint8_t *dict_hash, const ZSTD_DDict *ddict, int level,
                         size_t *frame_size)
{
    char *path = dir ? frame_path(dir, hash, dict_hash, level) : NULL;
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    free(path);
    if (fd < 0)
        return NULL;
    struct stat st;
    uint8_t *frame = NULL, *plain = NULL;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || (uint64_t)st.st_size > MAX_FRAME ||
        size > SIZE_MAX - 1 || !(frame = malloc((size_t)st.st_size)) ||
        !(plain = malloc((size_t)size + 1)) ||
        read(fd, frame, (size_t)st.st_size) != st.st_size)
        goto miss;
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    size_t n = dctx ? (ddict ? ZSTD_decompress_usingDDict(dctx, plain, (size_t)size, frame,
                                                          (size_t)st.st_size, ddict)
                             : ZSTD_decompressDCtx(dctx, plain, (size_t)size, frame,
                                                   (size_t)st.st_size))
                    : 0;
    ZSTD_freeDCtx(dctx);
    uint8_t actual[PANYA_HASH_SIZE];
    if (!dctx || ZSTD_isError(n) || n != size ||
        panya_sha256_buffer(plain, (size_t)size, actual) != 0 ||
        memcmp(actual, hash, PANYA_HASH_SIZE) != 0)
        goto miss;
    close(fd);
    free(plain);
    *frame_size = (size_t)st.st_size;
    return frame;
miss:
    close(fd);
    free(frame);
    free(plain);
    return NULL;
}

void frame_cache_put(const char *dir, const uint8_t hash[PANYA_HASH_SIZE],
                     const uint8_t *dict_hash, int level, const uint8_t *frame,
                     size_t frame_size)
{
    char *path = dir ? frame_path(dir, hash, dict_hash, level) : NULL;
    if (!path)
        return;
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(dir, 0755);
    int made = mkdir(path, 0755);
    *slash = '/';
    panya_output_file out;
    panya_error ignored = {0};
    if ((made == 0 || errno == EEXIST) && panya_output_open(&out, path, &ignored) == 0) {
        if (panya_output_write(&out, frame, frame_size, &ignored) == 0)
            panya_output_commit(&out, &ignored);
        else
            panya_output_abort(&out);
    }
    free(path);
}
