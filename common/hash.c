#include "common/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>
#include <unistd.h>

int panya_sha256_init(panya_sha256 *ctx)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md)
        return -1;
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return -1;
    }
    ctx->md_ctx = md;
    return 0;
}

void panya_sha256_update(panya_sha256 *ctx, const void *data, size_t len)
{
    if (len)
        EVP_DigestUpdate(ctx->md_ctx, data, len);
}

void panya_sha256_final(panya_sha256 *ctx, uint8_t out[PANYA_HASH_SIZE])
{
    unsigned int len = PANYA_HASH_SIZE;
    EVP_DigestFinal_ex(ctx->md_ctx, out, &len);
    EVP_MD_CTX_free(ctx->md_ctx);
    ctx->md_ctx = NULL;
}

void panya_sha256_discard(panya_sha256 *ctx)
{
    EVP_MD_CTX_free(ctx->md_ctx);
    ctx->md_ctx = NULL;
}

int panya_sha256_buffer(const void *data, size_t len, uint8_t out[PANYA_HASH_SIZE])
{
    panya_sha256 ctx;
    if (panya_sha256_init(&ctx) != 0)
        return -1;
    panya_sha256_update(&ctx, data, len);
    panya_sha256_final(&ctx, out);
    return 0;
}

int panya_sha256_file(const char *path, uint8_t hash[PANYA_HASH_SIZE], uint64_t *size,
                      panya_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    panya_sha256 ctx;
    if (panya_sha256_init(&ctx) != 0) {
        close(fd);
        return panya_error_oom(err);
    }
    static __thread uint8_t buf[1 << 16];
    ssize_t n;
    *size = 0;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        panya_sha256_update(&ctx, buf, (size_t)n);
        *size += (uint64_t)n;
    }
    int saved = errno;
    close(fd);
    if (n < 0) {
        panya_sha256_discard(&ctx);
        return panya_error_errno(err, PANYA_ERR_USAGE, saved, "%s: read failed", path);
    }
    panya_sha256_final(&ctx, hash);
    return 0;
}

void panya_hash_to_hex(const uint8_t hash[PANYA_HASH_SIZE], char hex[PANYA_HASH_HEX_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < PANYA_HASH_SIZE; i++) {
        hex[2 * i] = digits[hash[i] >> 4];
        hex[2 * i + 1] = digits[hash[i] & 15];
    }
    hex[2 * PANYA_HASH_SIZE] = '\0';
}

int panya_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int panya_hash_from_hex(const char *hex, uint8_t hash[PANYA_HASH_SIZE])
{
    if (!hex || strlen(hex) != 2 * PANYA_HASH_SIZE)
        return -1;
    for (int i = 0; i < PANYA_HASH_SIZE; i++) {
        int hi = panya_hex_digit(hex[2 * i]), lo = panya_hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        hash[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}
