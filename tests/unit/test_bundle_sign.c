/* Signing API: key files, signed and unsigned bundles, another signer, a bad key file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libpanya/include/panya.h"
#include "writer/bundle_sign.h"
#include "writer/bundle_writer.h"

static const char manifest[] = "<bundle xmlns=\"urn:panya:bundle:1\"/>";

typedef struct fixture {
    char dir[64];
    char path[8][128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/panya-sign-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    const char *names[] = {"a.key", "a.pub", "b.key", "b.pub", "signed.panya", "plain.panya",
                           "junk.pem", "unused"};
    for (int i = 0; i < 8; i++)
        snprintf(f->path[i], sizeof f->path[i], "%s/%s", f->dir, names[i]);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 8; i++)
        unlink(f->path[i]);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_bundle(const char *path, const bundle_key *key)
{
    panya_error err = {0};
    bundle_writer_options options = {.threads = 1, .signing_key = key};
    bundle_writer *w = bundle_writer_create(&options, &err);
    uint8_t hash[PANYA_HASH_SIZE];
    assert_int_equal(bundle_writer_add_memory(w, "lesson text", 11, "text/plain", hash, &err), 0);
    assert_int_equal(bundle_writer_finish_raw(w, path, (const uint8_t *)manifest, strlen(manifest),
                                          &err), 0);
    bundle_writer_free(w);
}

static void test_sign_and_check(void **state)
{
    fixture *f = *state;
    panya_error err = {0};
    char id_a[BUNDLE_KEY_ID_HEX_SIZE], id_b[BUNDLE_KEY_ID_HEX_SIZE], id[BUNDLE_KEY_ID_HEX_SIZE];
    assert_int_equal(bundle_keygen(f->path[0], f->path[1], id_a, &err), 0);
    assert_int_equal(bundle_keygen(f->path[2], f->path[3], id_b, &err), 0);
    assert_int_equal(strlen(id_a), 16);
    assert_string_not_equal(id_a, id_b);

    bundle_key *private_a = bundle_key_load_private(f->path[0], &err);
    bundle_key *public_a = bundle_key_load_public(f->path[1], &err);
    bundle_key *public_b = bundle_key_load_public(f->path[3], &err);
    assert_non_null(private_a);
    assert_non_null(public_a);
    assert_non_null(public_b);
    bundle_key_id(public_a, id);
    assert_string_equal(id, id_a);

    write_bundle(f->path[4], private_a);
    write_bundle(f->path[5], NULL);
    /* Checked by the reader library's own Ed25519 against keys OpenSSL made. */
    panya_bundle *signed_b, *plain_b;
    panya_error_info info;
    assert_int_equal(panya_open(f->path[4], 0, &signed_b, &info), PANYA_OK);
    assert_int_equal(panya_open(f->path[5], 0, &plain_b, &info), PANYA_OK);
    panya_facts facts;
    panya_get_facts(signed_b, &facts);
    assert_true(facts.is_signed);
    assert_string_equal(facts.key_id, id_a);
    panya_get_facts(plain_b, &facts);
    assert_false(facts.is_signed);
    assert_string_equal(facts.key_id, "");

    uint8_t key_a[BUNDLE_PUBLIC_KEY_SIZE], key_b[BUNDLE_PUBLIC_KEY_SIZE];
    bundle_key_public(public_a, key_a);
    bundle_key_public(public_b, key_b);
    assert_int_equal(panya_check_signature(signed_b, key_a, &info), PANYA_OK);
    assert_int_equal(panya_check_signature(signed_b, key_b, &info), PANYA_ERR_INVALID);
    assert_non_null(strstr(info.message, "not by the given key"));
    assert_int_equal(panya_check_signature(plain_b, key_a, &info), PANYA_ERR_INVALID);
    assert_non_null(strstr(info.message, "not signed"));

    panya_close(signed_b);
    panya_close(plain_b);
    bundle_key_free(private_a);
    bundle_key_free(public_a);
    bundle_key_free(public_b);
}

static void test_bad_key_files(void **state)
{
    fixture *f = *state;
    panya_error err = {0};
    FILE *junk = fopen(f->path[6], "w");
    fputs("-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n", junk);
    fclose(junk);
    assert_null(bundle_key_load_public(f->path[6], &err));
    assert_int_equal(err.code, PANYA_ERR_USAGE);
    panya_error_clear(&err);
    assert_null(bundle_key_load_private(f->path[7], &err));
    assert_int_equal(err.code, PANYA_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sign_and_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_key_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
