#include "libpanya/sha256.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define LP_SHA_NI 1
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
    return x >> n | x << (32 - n);
}

static void compress_portable(uint32_t s[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3;
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10;
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 =
            h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s[0] += a;
    s[1] += b;
    s[2] += c;
    s[3] += d;
    s[4] += e;
    s[5] += f;
    s[6] += g;
    s[7] += h;
}

#ifdef LP_SHA_NI
/* The x86 SHA extensions (Intel SHA-NI, AMD Zen): about 5x the portable code, which matters
 * because opening a bundle hashes its tables and every read checks an object. Four rounds per
 * step; the message schedule runs one step ahead with sha256msg1/msg2. */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress_sha_ni(uint32_t s[8],
                                                                        const uint8_t *p,
                                                                        size_t blocks)
{
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[0]), 0xB1); /* CDAB */
    __m128i state1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[4]), 0x1B); /* EFGH */
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);    /* ABEF */
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);         /* CDGH */
    for (; blocks > 0; blocks--, p += 64) {
        __m128i abef = state0, cdgh = state1, m[4];
        for (int g = 0; g < 16; g++) {
            if (g < 4)
                m[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), byte_swap);
            __m128i cur = m[g % 4];
            __m128i msg = _mm_add_epi32(cur, _mm_loadu_si128((const __m128i *)&K[4 * g]));
            state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
            if (g >= 3 && g <= 14) {
                __m128i next = _mm_add_epi32(m[(g + 1) % 4], _mm_alignr_epi8(cur, m[(g + 3) % 4], 4));
                m[(g + 1) % 4] = _mm_sha256msg2_epu32(next, cur);
            }
            state0 = _mm_sha256rnds2_epu32(state0, state1, _mm_shuffle_epi32(msg, 0x0E));
            if (g >= 1 && g <= 12)
                m[(g + 3) % 4] = _mm_sha256msg1_epu32(m[(g + 3) % 4], cur);
        }
        state0 = _mm_add_epi32(state0, abef);
        state1 = _mm_add_epi32(state1, cdgh);
    }
    tmp = _mm_shuffle_epi32(state0, 0x1B);          /* FEBA */
    state1 = _mm_shuffle_epi32(state1, 0xB1);       /* DCHG */
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);    /* DCBA */
    state1 = _mm_alignr_epi8(state1, tmp, 8);       /* ABEF */
    _mm_storeu_si128((__m128i *)&s[0], state0);
    _mm_storeu_si128((__m128i *)&s[4], state1);
}

static int cpu_has_sha_ni(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
        return 0;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

/* 0 unknown, 1 portable, 2 SHA-NI; decided on first use (a race only ever stores the same). */
static int implementation;

void lp_sha256_use_accelerated(int allowed)
{
#ifdef LP_SHA_NI
    __atomic_store_n(&implementation, allowed && cpu_has_sha_ni() ? 2 : 1, __ATOMIC_RELAXED);
#else
    (void)allowed;
    __atomic_store_n(&implementation, 1, __ATOMIC_RELAXED);
#endif
}

static void compress(uint32_t s[8], const uint8_t *p, size_t blocks)
{
    int which = __atomic_load_n(&implementation, __ATOMIC_RELAXED);
    if (!which) {
        lp_sha256_use_accelerated(1);
        which = __atomic_load_n(&implementation, __ATOMIC_RELAXED);
    }
#ifdef LP_SHA_NI
    if (which == 2) {
        compress_sha_ni(s, p, blocks);
        return;
    }
#endif
    for (; blocks > 0; blocks--, p += 64)
        compress_portable(s, p);
}

void lp_sha256_init(lp_sha256 *ctx)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->state, iv, sizeof iv);
    ctx->length = 0;
    ctx->used = 0;
}

void lp_sha256_update(lp_sha256 *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    ctx->length += len;
    if (ctx->used) {
        size_t take = 64 - ctx->used < len ? 64 - ctx->used : len;
        memcpy(ctx->block + ctx->used, p, take);
        ctx->used += take;
        p += take;
        len -= take;
        if (ctx->used < 64)
            return;
        compress(ctx->state, ctx->block, 1);
        ctx->used = 0;
    }
    if (len >= 64) {
        compress(ctx->state, p, len / 64);
        p += len / 64 * 64;
        len %= 64;
    }
    memcpy(ctx->block, p, len);
    ctx->used = len;
}

void lp_sha256_final(lp_sha256 *ctx, uint8_t out[LP_SHA256_SIZE])
{
    uint64_t bits = ctx->length * 8;
    uint8_t pad[72] = {0x80};
    size_t pad_len = (ctx->used < 56 ? 56 : 120) - ctx->used;
    for (int i = 0; i < 8; i++)
        pad[pad_len + i] = (uint8_t)(bits >> (56 - 8 * i));
    lp_sha256_update(ctx, pad, pad_len + 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(ctx->state[i] >> 24);
        out[4 * i + 1] = (uint8_t)(ctx->state[i] >> 16);
        out[4 * i + 2] = (uint8_t)(ctx->state[i] >> 8);
        out[4 * i + 3] = (uint8_t)ctx->state[i];
    }
}

void lp_sha256_buffer(const void *data, size_t len, uint8_t out[LP_SHA256_SIZE])
{
    lp_sha256 ctx;
    lp_sha256_init(&ctx);
    lp_sha256_update(&ctx, data, len);
    lp_sha256_final(&ctx, out);
}
