/* The reader library's own SHA-256, SHA-512 and Ed25519 verification (it cannot use
 * OpenSSL): NIST and RFC 8032 vectors, and OpenSSL on random data and random keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "libpanya/ed25519.h"
#include "libpanya/sha256.h"
#include "libpanya/sha512.h"

static void from_hex(const char *hex, uint8_t *out)
{
    for (size_t i = 0; hex[2 * i]; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static void assert_sha256(const void *data, size_t len, const char *hex)
{
    uint8_t want[32], got[32];
    from_hex(hex, want);
    lp_sha256_buffer(data, len, got);
    assert_memory_equal(got, want, 32);
}

static void test_sha256_nist(void **state)
{
    (void)state;
    assert_sha256("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_sha256("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_sha256(two_blocks, strlen(two_blocks),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* one million 'a', fed in uneven pieces */
    lp_sha256 ctx;
    lp_sha256_init(&ctx);
    char a[1000];
    memset(a, 'a', sizeof a);
    for (size_t done = 0, step = 1; done < 1000000; done += step, step = step % 997 + 1)
        lp_sha256_update(&ctx, a, done + step > 1000000 ? 1000000 - done : step);
    uint8_t got[32], want[32];
    lp_sha256_final(&ctx, got);
    from_hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want);
    assert_memory_equal(got, want, 32);
}

static void test_sha512_nist(void **state)
{
    (void)state;
    const struct {
        const char *msg, *hex;
    } vectors[] = {
        {"", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
        {"abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"},
    };
    for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
        uint8_t got[64], want[64];
        lp_sha512 ctx;
        lp_sha512_init(&ctx);
        lp_sha512_update(&ctx, vectors[i].msg, strlen(vectors[i].msg));
        lp_sha512_final(&ctx, got);
        from_hex(vectors[i].hex, want);
        assert_memory_equal(got, want, 64);
    }
}

static uint32_t next_random(uint32_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 17, *x ^= *x << 5;
    return *x;
}

/* Random lengths across block boundaries, fed in random pieces, against OpenSSL. */
static void test_hashes_against_openssl(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    uint8_t *data = malloc(20000);
    for (int round = 0; round < 300; round++) {
        size_t len = round < 260 ? (size_t)round : next_random(&seed) % 20000;
        for (size_t i = 0; i < len; i++)
            data[i] = (uint8_t)next_random(&seed);
        lp_sha256 c256;
        lp_sha512 c512;
        lp_sha256_init(&c256);
        lp_sha512_init(&c512);
        for (size_t done = 0; done < len;) {
            size_t step = 1 + next_random(&seed) % 300;
            step = step > len - done ? len - done : step;
            lp_sha256_update(&c256, data + done, step);
            lp_sha512_update(&c512, data + done, step);
            done += step;
        }
        uint8_t ours256[32], ours512[64], theirs[64];
        unsigned n;
        lp_sha256_final(&c256, ours256);
        lp_sha512_final(&c512, ours512);
        assert_int_equal(EVP_Digest(data, len, theirs, &n, EVP_sha256(), NULL), 1);
        assert_memory_equal(ours256, theirs, 32);
        assert_int_equal(EVP_Digest(data, len, theirs, &n, EVP_sha512(), NULL), 1);
        assert_memory_equal(ours512, theirs, 64);
    }
    free(data);
}

/* The same checks on the portable SHA-256 where the CPU would use its SHA instructions. */
static void test_sha256_portable(void **state)
{
    lp_sha256_use_accelerated(0);
    test_sha256_nist(state);
    test_hashes_against_openssl(state);
    lp_sha256_use_accelerated(1);
}

static void test_ed25519_rfc8032(void **state)
{
    (void)state;
    const struct {
        const char *pk, *msg, *sig;
    } vectors[] = {
        {"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
        {"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    };
    for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
        uint8_t pk[32], sig[64], msg[8];
        from_hex(vectors[i].pk, pk);
        from_hex(vectors[i].sig, sig);
        from_hex(vectors[i].msg, msg);
        size_t len = strlen(vectors[i].msg) / 2;
        assert_int_equal(lp_ed25519_verify(sig, msg, len, pk), 0);
        sig[63] ^= 0x01;
        assert_int_equal(lp_ed25519_verify(sig, msg, len, pk), -1);
        sig[63] ^= 0x01;
        pk[0] ^= 0x02;
        assert_int_equal(lp_ed25519_verify(sig, msg, len, pk), -1);
    }
}

/* Adds the group order L to S: the same point, but a non-canonical scalar (RFC 8032 5.1.7
 * says reject: otherwise signatures would be malleable). */
static void add_group_order(uint8_t s[32])
{
    static const uint8_t L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                  0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                  0,    0,    0,    0,    0,    0,    0,    0,
                                  0,    0,    0,    0,    0,    0,    0,    0x10};
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        carry += s[i] + L[i];
        s[i] = (uint8_t)carry;
        carry >>= 8;
    }
}

/* Keys and signatures from OpenSSL, messages of random lengths: all accepted; any flipped
 * bit of message or signature, and S + L, refused. */
static void test_ed25519_against_openssl(void **state)
{
    (void)state;
    uint32_t seed = 99;
    uint8_t *msg = malloc(5000);
    for (int round = 0; round < 40; round++) {
        EVP_PKEY *key = NULL;
        EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
        assert_int_equal(EVP_PKEY_keygen_init(kctx), 1);
        assert_int_equal(EVP_PKEY_keygen(kctx, &key), 1);
        EVP_PKEY_CTX_free(kctx);
        uint8_t pk[32], sig[64];
        size_t pk_len = 32, sig_len = 64;
        assert_int_equal(EVP_PKEY_get_raw_public_key(key, pk, &pk_len), 1);
        size_t len = next_random(&seed) % 5000;
        for (size_t i = 0; i < len; i++)
            msg[i] = (uint8_t)next_random(&seed);
        EVP_MD_CTX *mctx = EVP_MD_CTX_new();
        assert_int_equal(EVP_DigestSignInit(mctx, NULL, NULL, NULL, key), 1);
        assert_int_equal(EVP_DigestSign(mctx, sig, &sig_len, msg, len), 1);
        EVP_MD_CTX_free(mctx);
        EVP_PKEY_free(key);
        assert_int_equal(lp_ed25519_verify(sig, msg, len, pk), 0);
        if (len) {
            size_t at = next_random(&seed) % len;
            msg[at] ^= 0x20;
            assert_int_equal(lp_ed25519_verify(sig, msg, len, pk), -1);
            msg[at] ^= 0x20;
        }
        size_t bit = next_random(&seed) % 512;
        sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(lp_ed25519_verify(sig, msg, len, pk), -1);
        sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        add_group_order(sig + 32);
        assert_int_equal(lp_ed25519_verify(sig, msg, len, pk), -1);
    }
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_nist),
        cmocka_unit_test(test_sha512_nist),
        cmocka_unit_test(test_hashes_against_openssl),
        cmocka_unit_test(test_sha256_portable),
        cmocka_unit_test(test_ed25519_rfc8032),
        cmocka_unit_test(test_ed25519_against_openssl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
