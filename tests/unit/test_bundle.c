/* Bundle writer, reader and index: round trips, dictionaries, alignment, determinism and
 * every kind of damage the reader must catch. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libpanya/bundle_reader.h"
#include "writer/bundle_writer.h"
#include "test_helpers.h"

#define LESSONS 40
#define BLOB_SIZE 70000

typedef struct fixture {
    char *dir;
    char bundle[4200];
    char html[LESSONS][1200];
    uint8_t blob[BLOB_SIZE];
} fixture;

static void make_inputs(fixture *f)
{
    for (int i = 0; i < LESSONS; i++)
        snprintf(f->html[i], sizeof f->html[i],
                 "<!DOCTYPE html><html lang=\"lo\"><head><meta charset=\"utf-8\">"
                 "<title>ບົດຮຽນ %d</title><link rel=\"stylesheet\" href=\"../style.css\">"
                 "<script src=\"../scormfunctions.js\"></script></head><body>"
                 "<div class=\"lesson\"><h1>Lesson %d: counting to %d</h1>"
                 "<p>Count the mangoes in the basket and write the number below.</p>"
                 "<p>ນັບໝາກມ່ວງໃນກະຕ່າ ແລ້ວຂຽນຕົວເລກລົງລຸ່ມນີ້.</p>"
                 "<input type=\"number\" id=\"answer-%d\"><button onclick=\"check(%d)\">"
                 "Check</button></div></body></html>",
                 i, i, i * 7, i, i);
    srand(7);
    for (int i = 0; i < BLOB_SIZE; i++)
        f->blob[i] = (uint8_t)rand();
}

/* Writes the fixture's objects (plus one duplicate and one empty object). */
static int write_bundle(fixture *f, const char *path, int threads, uint8_t hashes[][32])
{
    panya_error err = {0};
    bundle_writer_options options = {.threads = threads};
    bundle_writer *w = bundle_writer_create(&options, &err);
    assert_non_null(w);
    for (int i = 0; i < LESSONS; i++)
        assert_int_equal(bundle_writer_add_memory(w, f->html[i], strlen(f->html[i]), "text/html",
                                                  hashes[i], &err),
                         0);
    assert_int_equal(
        bundle_writer_add_memory(w, f->blob, BLOB_SIZE, "image/jpeg", hashes[LESSONS], &err), 0);
    uint8_t dup[32];
    assert_int_equal(bundle_writer_add_memory(w, f->html[3], strlen(f->html[3]), "text/html",
                                              dup, &err),
                     0);
    assert_memory_equal(dup, hashes[3], 32);
    assert_int_equal(bundle_writer_add_memory(w, "", 0, "text/plain", hashes[LESSONS + 1], &err),
                     0);
    const char manifest[] = "<manifest-bytes/>";
    int status = bundle_writer_finish_raw(w, path, (const uint8_t *)manifest, sizeof manifest - 1,
                                      &err);
    bundle_writer_stats stats = bundle_writer_get_stats(w);
    bundle_writer_free(w);
    assert_int_equal(stats.objects, LESSONS + 2);
    assert_int_equal(stats.duplicates, 1);
    return status;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_make_temp_dir();
    snprintf(f->bundle, sizeof f->bundle, "%s/test.panya", f->dir);
    make_inputs(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    test_remove_tree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void round_trip_reads_every_object(void **state)
{
    fixture *f = *state;
    uint8_t hashes[LESSONS + 2][32];
    assert_int_equal(write_bundle(f, f->bundle, 0, hashes), 0);
    panya_error err = {0};
    bundle_reader *r = bundle_reader_open(f->bundle, &err);
    assert_non_null(r);
    assert_true(bundle_reader_tables_intact(r));
    assert_int_equal(bundle_reader_object_count(r), LESSONS + 2);
    for (int i = 0; i < LESSONS; i++) {
        const bundle_index_entry *e = bundle_reader_find(r, hashes[i]);
        assert_non_null(e);
        /* The lessons are near-duplicates: some are stored against another one. */
        assert_true(e->method == BUNDLE_METHOD_ZSTD || e->method == BUNDLE_METHOD_REFERENCE);
        assert_true(e->stored_size < e->size);
        uint8_t *data;
        assert_int_equal(bundle_reader_load_object(r, e, 1 << 20, &data, &err), 0);
        assert_memory_equal(data, f->html[i], strlen(f->html[i]));
        free(data);
    }
    const bundle_index_entry *blob = bundle_reader_find(r, hashes[LESSONS]);
    assert_non_null(blob);
    assert_int_equal(blob->method, BUNDLE_METHOD_RAW);
    assert_int_equal(blob->offset % BUNDLE_RAW_ALIGNMENT, 0);
    const bundle_index_entry *empty = bundle_reader_find(r, hashes[LESSONS + 1]);
    assert_non_null(empty);
    assert_int_equal(empty->size, 0);
    uint8_t *manifest;
    size_t len;
    assert_int_equal(bundle_reader_read_manifest(r, &manifest, &len, &err), 0);
    assert_string_equal((char *)manifest, "<manifest-bytes/>");
    free(manifest);
    bundle_reader_close(r);
}

static void similar_text_trains_a_dictionary(void **state)
{
    fixture *f = *state;
    uint8_t hashes[LESSONS + 2][32];
    assert_int_equal(write_bundle(f, f->bundle, 0, hashes), 0);
    panya_error err = {0};
    bundle_reader *r = bundle_reader_open(f->bundle, &err);
    assert_non_null(r);
    assert_int_equal(bundle_reader_footer(r)->dict_count, 1);
    int with_dict = 0;
    for (size_t i = 0; i < bundle_reader_object_count(r); i++)
        with_dict += bundle_reader_object_at(r, i)->dict_id == 1;
    assert_true(with_dict > LESSONS / 2);
    bundle_reader_close(r);
}

static void output_is_identical_whatever_the_threads(void **state)
{
    fixture *f = *state;
    char second[4300];
    snprintf(second, sizeof second, "%s/second.panya", f->dir);
    uint8_t hashes[LESSONS + 2][32];
    assert_int_equal(write_bundle(f, f->bundle, 1, hashes), 0);
    assert_int_equal(write_bundle(f, second, 4, hashes), 0);
    size_t a_len, b_len;
    uint8_t *a = test_read_file(f->bundle, &a_len), *b = test_read_file(second, &b_len);
    assert_int_equal(a_len, b_len);
    assert_memory_equal(a, b, a_len);
    free(a);
    free(b);
}

static void index_lookup_finds_every_one_of_many(void **state)
{
    fixture *f = *state;
    panya_error err = {0};
    bundle_writer *w = bundle_writer_create(NULL, &err);
    enum { N = 3000 };
    static uint8_t hashes[N][32];
    for (int i = 0; i < N; i++) {
        char text[32];
        int len = snprintf(text, sizeof text, "object %d", i);
        assert_int_equal(bundle_writer_add_memory(w, text, (size_t)len, "text/plain", hashes[i],
                                                  &err),
                         0);
    }
    assert_int_equal(bundle_writer_finish_raw(w, f->bundle, (const uint8_t *)"m", 1, &err), 0);
    bundle_writer_free(w);
    bundle_reader *r = bundle_reader_open(f->bundle, &err);
    assert_non_null(r);
    for (size_t i = 1; i < bundle_reader_object_count(r); i++)
        assert_true(memcmp(bundle_reader_object_at(r, i - 1)->hash,
                           bundle_reader_object_at(r, i)->hash, 32) < 0);
    for (int i = 0; i < N; i++)
        assert_non_null(bundle_reader_find(r, hashes[i]));
    uint8_t absent[32] = {0};
    assert_null(bundle_reader_find(r, absent));
    bundle_reader_close(r);
}

static void a_flipped_object_byte_is_caught_and_others_still_read(void **state)
{
    fixture *f = *state;
    uint8_t hashes[LESSONS + 2][32];
    assert_int_equal(write_bundle(f, f->bundle, 0, hashes), 0);
    panya_error err = {0};
    bundle_reader *r = bundle_reader_open(f->bundle, &err);
    long blob_at = (long)bundle_reader_find(r, hashes[LESSONS])->offset;
    bundle_reader_close(r);
    test_flip_byte(f->bundle, blob_at + 100);
    r = bundle_reader_open(f->bundle, &err);
    assert_non_null(r);
    uint8_t *data = NULL;
    assert_int_equal(bundle_reader_load_object(r, bundle_reader_find(r, hashes[LESSONS]), 1 << 20,
                                               &data, &err),
                     -1);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    assert_non_null(strstr(err.message, "hash"));
    assert_int_equal(
        bundle_reader_load_object(r, bundle_reader_find(r, hashes[0]), 1 << 20, &data, &err), 0);
    free(data);
    bundle_reader_close(r);
}

static void a_flipped_index_byte_is_caught(void **state)
{
    fixture *f = *state;
    uint8_t hashes[LESSONS + 2][32];
    assert_int_equal(write_bundle(f, f->bundle, 0, hashes), 0);
    panya_error err = {0};
    bundle_reader *r = bundle_reader_open(f->bundle, &err);
    long index_at = (long)bundle_reader_footer(r)->index_offset;
    bundle_reader_close(r);
    test_flip_byte(f->bundle, index_at + 40); /* the stored size of the first entry */
    r = bundle_reader_open(f->bundle, &err);
    assert_non_null(r);
    assert_false(bundle_reader_tables_intact(r));
    bundle_reader_close(r);
}

static void a_flipped_footer_byte_fails_open(void **state)
{
    fixture *f = *state;
    uint8_t hashes[LESSONS + 2][32];
    assert_int_equal(write_bundle(f, f->bundle, 0, hashes), 0);
    test_flip_byte(f->bundle, -100);
    panya_error err = {0};
    assert_null(bundle_reader_open(f->bundle, &err));
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    assert_non_null(strstr(err.message, "footer"));
}

static void truncated_empty_and_foreign_files_fail_open(void **state)
{
    fixture *f = *state;
    uint8_t hashes[LESSONS + 2][32];
    assert_int_equal(write_bundle(f, f->bundle, 0, hashes), 0);
    assert_int_equal(truncate(f->bundle, 5000), 0);
    panya_error err = {0};
    assert_null(bundle_reader_open(f->bundle, &err));
    assert_non_null(strstr(err.message, "truncated"));
    assert_int_equal(truncate(f->bundle, 0), 0);
    assert_null(bundle_reader_open(f->bundle, &err));
    assert_non_null(strstr(err.message, "empty"));
    test_write_file(f->bundle, "PK\3\4 this is a zip, not a bundle", 33);
    assert_null(bundle_reader_open(f->bundle, &err));
    assert_non_null(strstr(err.message, "not a panya bundle"));
    assert_int_equal(err.code, PANYA_ERR_INVALID);
}

static void a_failed_write_keeps_the_earlier_bundle(void **state)
{
    fixture *f = *state;
    uint8_t hashes[LESSONS + 2][32];
    assert_int_equal(write_bundle(f, f->bundle, 0, hashes), 0);
    size_t before_len;
    uint8_t *before = test_read_file(f->bundle, &before_len);
    char source[4300];
    snprintf(source, sizeof source, "%s/vanishing.txt", f->dir);
    test_write_file(source, "soon gone", 9);
    panya_error err = {0};
    bundle_writer *w = bundle_writer_create(NULL, &err);
    uint8_t hash[32];
    uint64_t size;
    assert_int_equal(bundle_writer_add_file(w, source, "image/png", hash, &size, &err), 0);
    unlink(source);
    assert_int_equal(bundle_writer_finish_raw(w, f->bundle, (const uint8_t *)"m", 1, &err), -1);
    bundle_writer_free(w);
    size_t after_len;
    uint8_t *after = test_read_file(f->bundle, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(round_trip_reads_every_object, setup, teardown),
        cmocka_unit_test_setup_teardown(similar_text_trains_a_dictionary, setup, teardown),
        cmocka_unit_test_setup_teardown(output_is_identical_whatever_the_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(index_lookup_finds_every_one_of_many, setup, teardown),
        cmocka_unit_test_setup_teardown(a_flipped_object_byte_is_caught_and_others_still_read,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_flipped_index_byte_is_caught, setup, teardown),
        cmocka_unit_test_setup_teardown(a_flipped_footer_byte_fails_open, setup, teardown),
        cmocka_unit_test_setup_teardown(truncated_empty_and_foreign_files_fail_open, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_failed_write_keeps_the_earlier_bundle, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
