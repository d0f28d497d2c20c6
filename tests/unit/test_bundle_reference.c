/* Reference frames (format 1.1, method 2): near-duplicate objects stored as a zstd frame
 * against another object. Size against the 1.0 layout, byte-for-byte round trips, the
 * one-decode rule, damage to a reference, hostile reference fields, and the decoder alone. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include <cmocka.h>

#include "libpanya/bundle_reader.h"
#include "libpanya/object_reference.h"
#include "manifest/bundle_manifest.h"
#include "writer/bundle_writer.h"
#include "writer/reference_select.h"
#include "test_helpers.h"

#define VERSIONS 3
#define LIBRARY_FILES 3
#define OBJECTS (VERSIONS * LIBRARY_FILES)

typedef struct fixture {
    char *dir;
    char *text[OBJECTS]; /* version v of library file f at v * LIBRARY_FILES + f */
    size_t len[OBJECTS];
    uint8_t hash[OBJECTS][32];
} fixture;

/* A pseudo JavaScript library, deterministic; `version` changes a few words here and there,
 * as a point release does. Each file differs from the others in every line. The library is
 * larger than a content dictionary holds (1 MiB), as real collections are. */
static char *make_library(int file, int version, size_t *len)
{
    size_t cap = 400 * 1024, used = 0;
    char *s = malloc(cap);
    unsigned seed = 1234u + (unsigned)file * 7919u;
    for (int fn = 0; used + 400 < cap; fn++) {
        seed = seed * 1103515245u + 12345u;
        unsigned a = (seed >> 8) % 1000, b = (seed >> 18) % 97;
        bool edited = version > 0 && (fn % 41) == (version * 13 + file) % 41;
        used += (size_t)snprintf(s + used, cap - used,
                                 "function lib%d_f%d(state, value) {\n"
                                 "  if (state.mode === %u) { return value * %u + %d; }\n"
                                 "  state.log.push('call f%d of version %s');\n"
                                 "  return helper_%u(state, value - %u);\n}\n",
                                 file, fn, a, b, edited ? version : 0, fn,
                                 edited ? "next" : "first", a % 31, b);
    }
    *len = used;
    return s;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_make_temp_dir();
    for (int v = 0; v < VERSIONS; v++)
        for (int file = 0; file < LIBRARY_FILES; file++)
            f->text[v * LIBRARY_FILES + file] =
                make_library(file, v, &f->len[v * LIBRARY_FILES + file]);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    test_remove_tree(f->dir);
    for (int i = 0; i < OBJECTS; i++)
        free(f->text[i]);
    free(f->dir);
    free(f);
    return 0;
}

/* Packs the fixture as files package-V/lib/fileF.js (same names across packages, as in
 * collections of packages), with a manifest naming them; returns the bundle's size. */
static uint64_t write_collection(fixture *f, const char *out, bool no_references)
{
    panya_error err = {0};
    /* A fast level: what is tested is the layout, not zstd's effort. */
    bundle_writer_options options = {.no_references = no_references, .threads = 2,
                                     .compression_level = 6};
    bundle_writer *w = bundle_writer_create(&options, &err);
    bundle_manifest *m = bundle_manifest_new("collection", "1");
    assert_non_null(w);
    assert_non_null(m);
    for (int i = 0; i < OBJECTS; i++) {
        char relative[64], path[4400];
        snprintf(relative, sizeof relative, "package-%d/lib/file%d.js", i / LIBRARY_FILES,
                 i % LIBRARY_FILES);
        snprintf(path, sizeof path, "%s/%s", f->dir, relative);
        test_write_file(path, f->text[i], f->len[i]);
        manifest_variant v = {.profile = MANIFEST_PROFILE_SOURCE, .mime = "text/javascript"};
        assert_int_equal(bundle_writer_add_file(w, path, v.mime, v.hash, &v.size, &err), 0);
        memcpy(f->hash[i], v.hash, sizeof v.hash);
        manifest_file *file = bundle_manifest_add_file(m, relative, &err);
        assert_non_null(file);
        assert_int_equal(manifest_file_add_variant(file, &v, &err), 0);
    }
    assert_int_equal(bundle_manifest_finish(m, &err), 0);
    assert_int_equal(bundle_writer_finish(w, out, m, &err), 0);
    bundle_writer_stats stats = bundle_writer_get_stats(w);
    bundle_writer_free(w);
    bundle_manifest_free(m);
    if (no_references)
        assert_int_equal(stats.referencing_objects, 0);
    else /* at least the later versions of the files the content dictionary cannot hold */
        assert_true(stats.referencing_objects >= VERSIONS - 1);
    return stats.bundle_bytes;
}

static void near_duplicates_pack_smaller_and_read_back_exactly(void **state)
{
    fixture *f = *state;
    char with[4300], without[4300];
    snprintf(with, sizeof with, "%s/with.panya", f->dir);
    snprintf(without, sizeof without, "%s/without.panya", f->dir);
    uint64_t with_size = write_collection(f, with, false);
    uint64_t without_size = write_collection(f, without, true);
    /* Three versions of a library of three 400 KiB files: the content dictionary (1 MiB)
     * holds two files' first version; the third file's later versions, 30 kB each alone,
     * cost about 1 kB each against their first version. */
    assert_true(with_size + 40000 < without_size);
    panya_error err = {0};
    bundle_reader *r = bundle_reader_open(with, &err);
    assert_non_null(r);
    int referencing = 0;
    for (int i = 0; i < OBJECTS; i++) {
        const bundle_index_entry *e = bundle_reader_find(r, f->hash[i]);
        assert_non_null(e);
        if (e->method == BUNDLE_METHOD_REFERENCE) {
            referencing++;
            /* One decode at most: the reference is itself raw or a plain frame. */
            const bundle_index_entry *ref = bundle_reader_object_at(r, e->reference - 1);
            assert_non_null(ref);
            assert_true(ref->method == BUNDLE_METHOD_RAW || ref->method == BUNDLE_METHOD_ZSTD);
            assert_int_equal(e->dict_id, 0);
        } else {
            assert_int_equal(e->reference, 0);
        }
        uint8_t *data;
        assert_int_equal(bundle_reader_load_object(r, e, 1 << 22, &data, &err), 0);
        assert_int_equal(e->size, f->len[i]);
        assert_memory_equal(data, f->text[i], f->len[i]);
        free(data);
    }
    assert_true(referencing >= VERSIONS - 1);
    bundle_reader_close(r);
}

static void a_damaged_reference_fails_exactly_its_dependents(void **state)
{
    fixture *f = *state;
    char path[4300];
    snprintf(path, sizeof path, "%s/damaged.panya", f->dir);
    write_collection(f, path, false);
    panya_error err = {0};
    bundle_reader *r = bundle_reader_open(path, &err);
    assert_non_null(r);
    uint32_t reference = 0;
    for (size_t i = 0; i < bundle_reader_object_count(r) && !reference; i++)
        reference = bundle_reader_object_at(r, i)->reference;
    assert_true(reference > 0);
    uint64_t flip_at = bundle_reader_object_at(r, reference - 1)->offset + 20;
    bundle_reader_close(r);
    test_flip_byte(path, (long)flip_at);

    assert_non_null(r = bundle_reader_open(path, &err));
    int failed = 0;
    for (size_t i = 0; i < bundle_reader_object_count(r); i++) {
        const bundle_index_entry *e = bundle_reader_object_at(r, i);
        bool depends = i + 1 == reference || e->reference == reference;
        uint8_t *data = NULL;
        panya_error read_err = {0};
        int status = bundle_reader_load_object(r, e, 1 << 22, &data, &read_err);
        free(data);
        assert_int_equal(status, depends ? -1 : 0);
        if (depends) {
            assert_int_equal(read_err.code, PANYA_ERR_INVALID);
            if (i + 1 != reference)
                assert_non_null(strstr(read_err.message, "stored against is damaged"));
            failed++;
        }
    }
    assert_true(failed >= VERSIONS); /* the reference and its later versions */
    bundle_reader_close(r);
}

/* Rewrites index entry `position` (0-based) of a bundle: method 2 against `reference`. */
static void forge_reference(const char *path, size_t position, uint32_t reference)
{
    size_t len;
    uint8_t *bytes = test_read_file(path, &len);
    assert_non_null(bytes);
    bundle_footer footer;
    assert_int_equal(bundle_decode_footer(bytes + len - BUNDLE_FOOTER_SIZE, &footer), 0);
    uint8_t *entry = bytes + footer.index_offset + position * BUNDLE_INDEX_ENTRY_SIZE;
    entry[56] = BUNDLE_METHOD_REFERENCE;
    entry[58] = entry[59] = 0;
    bundle_put_u32(entry + 60, reference);
    test_write_file(path, bytes, len);
    free(bytes);
}

static void hostile_reference_fields_are_refused(void **state)
{
    fixture *f = *state;
    char good[4300], bad[4300];
    snprintf(good, sizeof good, "%s/good.panya", f->dir);
    snprintf(bad, sizeof bad, "%s/bad.panya", f->dir);
    write_collection(f, good, false);
    panya_error err = {0};
    bundle_reader *r = bundle_reader_open(good, &err);
    assert_non_null(r);
    size_t count = bundle_reader_object_count(r), referencing = 0, plain = 0;
    for (size_t i = 0; i < count; i++)
        if (bundle_reader_object_at(r, i)->method == BUNDLE_METHOD_REFERENCE)
            referencing = i;
        else
            plain = i;
    bundle_reader_close(r);
    /* itself; out of range; zero; another referencing object (a chain) */
    const struct {
        size_t position;
        uint32_t reference;
    } forged[] = {{plain, (uint32_t)plain + 1},
                  {referencing, (uint32_t)count + 1},
                  {referencing, 0},
                  {plain, (uint32_t)referencing + 1}};
    for (size_t k = 0; k < sizeof forged / sizeof forged[0]; k++) {
        size_t len;
        uint8_t *copy = test_read_file(good, &len);
        test_write_file(bad, copy, len);
        free(copy);
        forge_reference(bad, forged[k].position, forged[k].reference);
        assert_non_null(r = bundle_reader_open(bad, &err));
        assert_false(bundle_reader_tables_intact(r));
        uint8_t *data = NULL;
        panya_error read_err = {0};
        assert_int_equal(bundle_reader_load_object(r, bundle_reader_object_at(r, forged[k].position),
                                                   1 << 22, &data, &read_err),
                         -1);
        assert_int_equal(read_err.code, PANYA_ERR_INVALID);
        assert_null(data);
        bundle_reader_close(r);
    }
}

static void the_decoder_needs_the_right_reference(void **state)
{
    fixture *f = *state;
    const char *reference = f->text[0], *object = f->text[LIBRARY_FILES];
    size_t ref_len = f->len[0], len = f->len[LIBRARY_FILES];
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    assert_non_null(cctx);
    size_t bound = ZSTD_compressBound(len);
    uint8_t *frame = malloc(bound), *out = malloc(len);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 19);
    ZSTD_CCtx_refPrefix(cctx, reference, ref_len);
    size_t frame_len = ZSTD_compress2(cctx, frame, bound, object, len);
    assert_false(ZSTD_isError(frame_len));
    assert_true(frame_len < len / 20);
    assert_int_equal(object_reference_decode((const uint8_t *)reference, ref_len, frame,
                                             frame_len, out, len),
                     0);
    assert_memory_equal(out, object, len);
    /* Another reference gives other bytes (or none); a truncated frame, a wrong size fail. */
    int status = object_reference_decode((const uint8_t *)f->text[1], f->len[1], frame,
                                         frame_len, out, len);
    assert_true(status != 0 || memcmp(out, object, len) != 0);
    assert_int_equal(object_reference_decode((const uint8_t *)reference, ref_len, frame,
                                             frame_len / 2, out, len),
                     -1);
    assert_int_equal(object_reference_decode((const uint8_t *)reference, ref_len, frame,
                                             frame_len, out, len - 1),
                     -1);
    ZSTD_freeCCtx(cctx);
    free(frame);
    free(out);
}

static void sketches_tell_versions_from_strangers(void **state)
{
    fixture *f = *state;
    /* b: file 0 with every 40th line rewritten, as a release with many changes. */
    char *changed = malloc(f->len[0]);
    memcpy(changed, f->text[0], f->len[0]);
    for (size_t at = 0, line = 0; at < f->len[0]; at++)
        if (changed[at] == '\n' && ++line % 40 == 0)
            for (size_t k = at + 1; k < f->len[0] && changed[k] != '\n'; k++)
                changed[k] = (char)('a' + (k * 7) % 26);
    content_sketch a, b, other;
    content_sketch_compute((const uint8_t *)f->text[0], f->len[0], &a);
    content_sketch_compute((const uint8_t *)changed, f->len[0], &b);
    content_sketch_compute((const uint8_t *)f->text[1], f->len[1], &other);
    free(changed);
    assert_int_equal(a.count, CONTENT_SKETCH_SIZE);
    assert_true(content_sketch_similarity(&a, &a) == 1.0);
    assert_true(content_sketch_similarity(&a, &b) > 0.5);
    assert_true(content_sketch_similarity(&a, &b) < 1.0);
    assert_true(content_sketch_similarity(&a, &other) < content_sketch_similarity(&a, &b));
    /* Renamed copies are paired by content; nothing refers to an object that refers. */
    reference_object objects[3] = {{.sketch = &a, .name = "x.js", .size = f->len[0]},
                                   {.sketch = &b, .name = "y.js", .size = f->len[0]},
                                   {.sketch = &b, .name = "z.js", .size = f->len[0]}};
    long reference[3];
    assert_int_equal(reference_select(objects, 3, reference), 0);
    assert_int_equal(reference[0], -1);
    assert_int_equal(reference[1], 0);
    assert_int_equal(reference[2], 0);
    /* Once 1 -> 0 is rejected, 1 stands alone and its copy refers to it. */
    const long rejected = 0;
    objects[1].rejected = &rejected;
    objects[1].rejected_count = 1;
    assert_int_equal(reference_select(objects, 3, reference), 0);
    assert_int_equal(reference[1], -1);
    assert_int_equal(reference[2], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(near_duplicates_pack_smaller_and_read_back_exactly,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_damaged_reference_fails_exactly_its_dependents, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(hostile_reference_fields_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(the_decoder_needs_the_right_reference, setup, teardown),
        cmocka_unit_test_setup_teardown(sketches_tell_versions_from_strangers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
