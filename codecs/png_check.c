/* PNG structure without decoding: libav finds no size for pictures too large for it and
 * decodes a cut-off PNG only when asked, so `probe` would call both fine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/crc.h>

#include "codecs/media.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* CRC-32 of a chunk's type and data, read from f in pieces; false on a short read. */
static bool chunk_crc(FILE *f, const uint8_t type[4], uint32_t length, uint32_t *crc)
{
    const AVCRC *table = av_crc_get_table(AV_CRC_32_IEEE_LE);
    uint32_t c = av_crc(table, UINT32_MAX, type, 4);
    uint8_t buf[65536];
    while (length > 0) {
        size_t want = length < sizeof buf ? length : sizeof buf;
        if (fread(buf, 1, want, f) != want)
            return false;
        c = av_crc(table, c, buf, want);
        length -= (uint32_t)want;
    }
    *crc = c ^ UINT32_MAX;
    return true;
}

int media_png_check(const char *path, int *width, int *height, panya_error *err)
{
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    FILE *f = fopen(path, "rb");
    if (!f)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s: cannot open", path);
    uint8_t head[8];
    int rc = 0;
    bool first = true, end = false;
    if (fread(head, 1, 8, f) != 8 || memcmp(head, signature, 8) != 0) {
        rc = panya_error_set(err, PANYA_ERR_INVALID, "%s: not a PNG (no PNG signature)", path);
        goto out;
    }
    while (!end) {
        uint8_t chunk[8], stored[4];
        if (fread(chunk, 1, 8, f) != 8) {
            rc = panya_error_set(err, PANYA_ERR_INVALID,
                                 "%s: truncated PNG (ends before its IEND chunk)", path);
            goto out;
        }
        uint32_t length = be32(chunk), crc = 0;
        long data_at = ftell(f);
        if (length > 0x7fffffffu || !chunk_crc(f, chunk + 4, length, &crc) ||
            fread(stored, 1, 4, f) != 4) {
            rc = panya_error_set(err, PANYA_ERR_INVALID,
                                 "%s: truncated PNG (chunk '%.4s' is cut off)", path,
                                 (const char *)chunk + 4);
            goto out;
        }
        if (crc != be32(stored)) {
            rc = panya_error_set(err, PANYA_ERR_INVALID,
                                 "%s: damaged PNG (chunk '%.4s' fails its CRC check)", path,
                                 (const char *)chunk + 4);
            goto out;
        }
        if (first) {
            uint8_t ihdr[8];
            if (memcmp(chunk + 4, "IHDR", 4) != 0 || length < 13 ||
                fseek(f, data_at, SEEK_SET) != 0 || fread(ihdr, 1, 8, f) != 8 ||
                fseek(f, (long)length - 8 + 4, SEEK_CUR) != 0) {
                rc = panya_error_set(err, PANYA_ERR_INVALID,
                                     "%s: damaged PNG (no IHDR chunk first)", path);
                goto out;
            }
            *width = (int)(be32(ihdr) & 0x7fffffff);
            *height = (int)(be32(ihdr + 4) & 0x7fffffff);
            first = false;
        }
        end = memcmp(chunk + 4, "IEND", 4) == 0;
    }
out:
    fclose(f);
    return rc;
}
