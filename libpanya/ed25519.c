#include "libpanya/ed25519.h"

#include <string.h>

/* Field elements mod 2^255 - 19: 16 limbs of 16 bits, kept in int64 so sums need no carry. */
typedef int64_t gf[16];

static const gf gf0 = {0};
static const gf gf1 = {1};
static const gf D = {0x78a3, 0x1359, 0x4dca, 0x75eb, 0xd8ab, 0x4141, 0x0a4d, 0x0070,
                     0xe898, 0x7779, 0x4079, 0x8cc7, 0xfe73, 0x2b6f, 0x6cee, 0x5203};
static const gf D2 = {0xf159, 0x26b2, 0x9b94, 0xebd6, 0xb156, 0x8283, 0x149a, 0x00e0,
                      0xd130, 0xeef3, 0x80f2, 0x198e, 0xfce7, 0x56df, 0xd9dc, 0x2406};
static const gf X = {0xd51a, 0x8f25, 0x2d60, 0xc956, 0xa7b2, 0x9525, 0xc760, 0x692c,
                     0xdc5c, 0xfdd6, 0xe231, 0xc0a4, 0x53fe, 0xcd6e, 0x36d3, 0x2169};
static const gf Y = {0x6658, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666,
                     0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666};
static const gf SQRT_M1 = {0xa0b0, 0x4a0e, 0x1b27, 0xc4ee, 0xe478, 0xad2f, 0x1806, 0x2f43,
                           0xd7a7, 0x3dfb, 0x0099, 0x2b4d, 0xdf0b, 0x4fc1, 0x2480, 0x2b83};
/* The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian bytes. */
static const int64_t L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                              0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                              0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};

static void set(gf r, const gf a)
{
    memcpy(r, a, sizeof(gf));
}

static void carry(gf o)
{
    for (int i = 0; i < 16; i++) {
        o[i] += 65536;
        int64_t c = o[i] >> 16;
        if (i < 15)
            o[i + 1] += c - 1;
        else
            o[0] += 38 * (c - 1);
        o[i] -= c * 65536;
    }
}

/* Swaps p and q when b is 1 (b is public here, so no need to be constant-time). */
static void swap_if(gf p, gf q, int b)
{
    int64_t mask = -(int64_t)b;
    for (int i = 0; i < 16; i++) {
        int64_t t = mask & (p[i] ^ q[i]);
        p[i] ^= t;
        q[i] ^= t;
    }
}

static void pack_field(uint8_t o[32], const gf n)
{
    gf m, t;
    set(t, n);
    carry(t);
    carry(t);
    carry(t);
    for (int j = 0; j < 2; j++) {
        m[0] = t[0] - 0xffed;
        for (int i = 1; i < 15; i++) {
            m[i] = t[i] - 0xffff - ((m[i - 1] >> 16) & 1);
            m[i - 1] &= 0xffff;
        }
        m[15] = t[15] - 0x7fff - ((m[14] >> 16) & 1);
        int b = (int)((m[15] >> 16) & 1);
        m[14] &= 0xffff;
        swap_if(t, m, 1 - b);
    }
    for (int i = 0; i < 16; i++) {
        o[2 * i] = (uint8_t)(t[i] & 0xff);
        o[2 * i + 1] = (uint8_t)(t[i] >> 8);
    }
}

static int field_differs(const gf a, const gf b)
{
    uint8_t c[32], d[32];
    pack_field(c, a);
    pack_field(d, b);
    return memcmp(c, d, 32) != 0;
}

static int parity(const gf a)
{
    uint8_t d[32];
    pack_field(d, a);
    return d[0] & 1;
}

static void unpack_field(gf o, const uint8_t n[32])
{
    for (int i = 0; i < 16; i++)
        o[i] = n[2 * i] + ((int64_t)n[2 * i + 1] << 8);
    o[15] &= 0x7fff;
}

static void add_f(gf o, const gf a, const gf b)
{
    for (int i = 0; i < 16; i++)
        o[i] = a[i] + b[i];
}

static void sub_f(gf o, const gf a, const gf b)
{
    for (int i = 0; i < 16; i++)
        o[i] = a[i] - b[i];
}

static void mul_f(gf o, const gf a, const gf b)
{
    int64_t t[31] = {0};
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++)
            t[i + j] += a[i] * b[j];
    for (int i = 0; i < 15; i++)
        t[i] += 38 * t[i + 16];
    for (int i = 0; i < 16; i++)
        o[i] = t[i];
    carry(o);
    carry(o);
}

static void square_f(gf o, const gf a)
{
    mul_f(o, a, a);
}

static void invert_f(gf o, const gf i)
{
    gf c;
    set(c, i);
    for (int a = 253; a >= 0; a--) {
        square_f(c, c);
        if (a != 2 && a != 4)
            mul_f(c, c, i);
    }
    set(o, c);
}

/* i^((p-5)/8), for the square root in point decompression. */
static void pow2523(gf o, const gf i)
{
    gf c;
    set(c, i);
    for (int a = 250; a >= 0; a--) {
        square_f(c, c);
        if (a != 1)
            mul_f(c, c, i);
    }
    set(o, c);
}

/* Points in extended coordinates (X, Y, Z, T). */
static void point_add(gf p[4], gf q[4])
{
    gf a, b, c, d, t, e, f, g, h;
    sub_f(a, p[1], p[0]);
    sub_f(t, q[1], q[0]);
    mul_f(a, a, t);
    add_f(b, p[0], p[1]);
    add_f(t, q[0], q[1]);
    mul_f(b, b, t);
    mul_f(c, p[3], q[3]);
    mul_f(c, c, D2);
    mul_f(d, p[2], q[2]);
    add_f(d, d, d);
    sub_f(e, b, a);
    sub_f(f, d, c);
    add_f(g, d, c);
    add_f(h, b, a);
    mul_f(p[0], e, f);
    mul_f(p[1], h, g);
    mul_f(p[2], g, f);
    mul_f(p[3], e, h);
}

static void point_swap_if(gf p[4], gf q[4], int b)
{
    for (int i = 0; i < 4; i++)
        swap_if(p[i], q[i], b);
}

static void point_pack(uint8_t r[32], gf p[4])
{
    gf tx, ty, zi;
    invert_f(zi, p[2]);
    mul_f(tx, p[0], zi);
    mul_f(ty, p[1], zi);
    pack_field(r, ty);
    r[31] ^= (uint8_t)(parity(tx) << 7);
}

static void scalar_mult(gf p[4], gf q[4], const uint8_t s[32])
{
    set(p[0], gf0);
    set(p[1], gf1);
    set(p[2], gf1);
    set(p[3], gf0);
    for (int i = 255; i >= 0; i--) {
        int b = (s[i / 8] >> (i & 7)) & 1;
        point_swap_if(p, q, b);
        point_add(q, p);
        point_add(p, p);
        point_swap_if(p, q, b);
    }
}

static void scalar_base(gf p[4], const uint8_t s[32])
{
    gf q[4];
    set(q[0], X);
    set(q[1], Y);
    set(q[2], gf1);
    mul_f(q[3], X, Y);
    scalar_mult(p, q, s);
}

/* r = x mod L, for x of 64 limbs holding bytes. */
static void mod_l(uint8_t r[32], int64_t x[64])
{
    int64_t c;
    for (int i = 63; i >= 32; i--) {
        c = 0;
        int j;
        for (j = i - 32; j < i - 12; j++) {
            x[j] += c - 16 * x[i] * L[j - (i - 32)];
            c = (x[j] + 128) >> 8;
            x[j] -= c * 256;
        }
        x[j] += c;
        x[i] = 0;
    }
    c = 0;
    for (int j = 0; j < 32; j++) {
        x[j] += c - (x[31] >> 4) * L[j];
        c = x[j] >> 8;
        x[j] &= 255;
    }
    for (int j = 0; j < 32; j++)
        x[j] -= c * L[j];
    for (int i = 0; i < 32; i++) {
        x[i + 1] += x[i] >> 8;
        r[i] = (uint8_t)(x[i] & 255);
    }
}

static void reduce_hash(uint8_t r[32], const uint8_t h[64])
{
    int64_t x[64];
    for (int i = 0; i < 64; i++)
        x[i] = h[i];
    mod_l(r, x);
}

/* Decodes a public key as the negated point -A; -1 when it is not on the curve. */
static int unpack_negated(gf r[4], const uint8_t p[32])
{
    gf t, chk, num, den, den2, den4, den6;
    set(r[2], gf1);
    unpack_field(r[1], p);
    square_f(num, r[1]);
    mul_f(den, num, D);
    sub_f(num, num, r[2]);
    add_f(den, r[2], den);
    square_f(den2, den);
    square_f(den4, den2);
    mul_f(den6, den4, den2);
    mul_f(t, den6, num);
    mul_f(t, t, den);
    pow2523(t, t);
    mul_f(t, t, num);
    mul_f(t, t, den);
    mul_f(t, t, den);
    mul_f(r[0], t, den);
    square_f(chk, r[0]);
    mul_f(chk, chk, den);
    if (field_differs(chk, num))
        mul_f(r[0], r[0], SQRT_M1);
    square_f(chk, r[0]);
    mul_f(chk, chk, den);
    if (field_differs(chk, num))
        return -1;
    if (parity(r[0]) == (p[31] >> 7))
        sub_f(r[0], gf0, r[0]);
    mul_f(r[3], r[0], r[1]);
    return 0;
}

/* S must be below L (RFC 8032, 5.1.7): otherwise signatures would be malleable. */
static int scalar_is_canonical(const uint8_t s[32])
{
    for (int i = 31; i >= 0; i--) {
        if (s[i] < L[i])
            return 1;
        if (s[i] > L[i])
            return 0;
    }
    return 0; /* equal to L */
}

void lp_ed25519_verify_start(lp_sha512 *hash, const uint8_t signature[LP_ED25519_SIGNATURE_SIZE],
                             const uint8_t public_key[LP_ED25519_PUBLIC_KEY_SIZE])
{
    lp_sha512_init(hash);
    lp_sha512_update(hash, signature, 32);
    lp_sha512_update(hash, public_key, LP_ED25519_PUBLIC_KEY_SIZE);
}

int lp_ed25519_verify_final(lp_sha512 *hash, const uint8_t signature[LP_ED25519_SIGNATURE_SIZE],
                            const uint8_t public_key[LP_ED25519_PUBLIC_KEY_SIZE])
{
    uint8_t h[LP_SHA512_SIZE], k[32], check[32];
    lp_sha512_final(hash, h);
    gf p[4], q[4];
    if (!scalar_is_canonical(signature + 32) || unpack_negated(q, public_key) != 0)
        return -1;
    reduce_hash(k, h);
    /* [S]B - [k]A must equal R. */
    scalar_mult(p, q, k);
    scalar_base(q, signature + 32);
    point_add(p, q);
    point_pack(check, p);
    return memcmp(check, signature, 32) == 0 ? 0 : -1;
}

int lp_ed25519_verify(const uint8_t signature[LP_ED25519_SIGNATURE_SIZE], const void *message,
                      size_t len, const uint8_t public_key[LP_ED25519_PUBLIC_KEY_SIZE])
{
    lp_sha512 hash;
    lp_ed25519_verify_start(&hash, signature, public_key);
    lp_sha512_update(&hash, message, len);
    return lp_ed25519_verify_final(&hash, signature, public_key);
}
