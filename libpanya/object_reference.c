#include "libpanya/object_reference.h"

#include <zstd.h>

int object_reference_decode(const uint8_t *reference, size_t reference_size,
                            const uint8_t *frame, size_t frame_size, uint8_t *out, size_t size)
{
    if (size > OBJECT_REFERENCE_MAX_SIZE || reference_size > OBJECT_REFERENCE_MAX_SIZE)
        return -1;
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    if (!dctx)
        return -1;
    /* The prefix is referenced, not copied: it must outlive the call, which it does. The
     * default window limit (2^27) bounds what a hostile frame can make the decoder hold. */
    size_t rc = ZSTD_DCtx_refPrefix(dctx, reference, reference_size);
    size_t n = ZSTD_isError(rc) ? rc : ZSTD_decompressDCtx(dctx, out, size, frame, frame_size);
    ZSTD_freeDCtx(dctx);
    return ZSTD_isError(n) || n != size ? -1 : 0;
}
