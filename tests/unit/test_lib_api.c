/* The reader library's public API (libpanya/include/panya.h) on bundles the real writer made:
 * facts, catalogue, lookup, range reads, a bundle inside a larger file, damage, the format
 * 1.0 fixture, and the strictness rules for crafted footers. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/hash.h"
#include "libpanya/bundle_format.h"
#include "libpanya/bundle_path_table.h"
#include "libpanya/include/panya.h"
#include "lib_test_bundle.h"
#include "test_helpers.h"

#define VIDEO_SIZE 300000
#define TEXT_SIZE 200000

typedef struct fixture {
    char *dir;
    char bundle[512];
    lib_test_bundle t;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = test_make_temp_dir();
    snprintf(f->bundle, sizeof f->bundle, "%s/maths.panya", f->dir);
    lib_test_bundle_write(&f->t, f->bundle, 40, VIDEO_SIZE, TEXT_SIZE);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    lib_test_bundle_free(&f->t);
    test_remove_tree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static panya_bundle *open_ok(const char *path, unsigned flags)
{
    panya_bundle *b = NULL;
    panya_error_info e;
    panya_status status = panya_open(path, flags, &b, &e);
    if (status != PANYA_OK)
        fail_msg("%s", e.message);
    return b;
}

static void test_facts_and_catalogue(void **state)
{
    fixture *f = *state;
    panya_bundle *b = open_ok(f->bundle, 0);
    panya_facts facts;
    assert_int_equal(panya_get_facts(b, &facts), PANYA_OK);
    assert_int_equal(facts.format_major, 1);
    assert_int_equal(facts.format_minor, 1);
    assert_true(facts.has_catalogue);
    assert_string_equal(facts.pack_id, "maths-p3");
    assert_string_equal(facts.pack_version, "2026.11");
    assert_string_equal(panya_title(facts.titles, facts.title_count, "lo"), "ຄະນິດສາດ ປ.3");
    assert_string_equal(panya_title(facts.titles, facts.title_count, "en"), "Maths grade 3");
    assert_null(panya_title(facts.titles, facts.title_count, "fr"));
    assert_int_equal(facts.file_count, 43); /* 40 pages, video, photo, book */
    assert_false(facts.is_signed);
    assert_string_equal(facts.key_id, "");
    assert_int_equal(facts.part_count, 0);

    assert_int_equal(panya_course_count(b), 1);
    panya_course_info course;
    assert_int_equal(panya_course(b, 0, &course), PANYA_OK);
    assert_string_equal(course.id, "maths");
    assert_null(course.grade);
    assert_string_equal(panya_title(course.titles, course.title_count, "en"), "Numbers");
    assert_int_equal(course.lesson_count, 2);
    assert_int_equal(panya_course(b, 1, &course), PANYA_ERR_NOT_FOUND);

    const char *names[3] = {"small", "low", "source"};
    for (size_t l = 0; l < 2; l++) {
        panya_lesson_info lesson;
        assert_int_equal(panya_lesson(b, 0, l, &lesson), PANYA_OK);
        assert_int_equal(lesson.profile_count, panya_profile_count(b));
        for (size_t p = 0; p < lesson.profile_count; p++) {
            const char *name = panya_profile_name(b, p);
            size_t k = 0;
            while (k < 3 && strcmp(names[k], name) != 0)
                k++;
            assert_true(k < 3);
            assert_int_equal(lesson.size_by_profile[p], f->t.lesson_sizes[l][k]);
        }
    }
    panya_lesson_info lesson;
    assert_int_equal(panya_lesson(b, 0, 0, &lesson), PANYA_OK);
    assert_string_equal(lesson.id, "maths-1");
    assert_int_equal(lesson.item_count, 2);
    panya_item_info item;
    assert_int_equal(panya_item(b, 0, 0, 0, &item), PANYA_OK);
    assert_string_equal(item.kind, "video");
    assert_string_equal(item.path, "maths/video.mp4");
    assert_int_equal(panya_item(b, 0, 0, 2, &item), PANYA_ERR_NOT_FOUND);
    assert_int_equal(panya_lesson(b, 0, 2, &lesson), PANYA_ERR_NOT_FOUND);
    assert_int_equal(panya_folder_count(b), 1);
    assert_string_equal(panya_folder(b, 0), "maths/empty");
    assert_null(panya_folder(b, 1));
    panya_close(b);
}

static void test_find_and_read(void **state)
{
    fixture *f = *state;
    panya_bundle *b = open_ok(f->bundle, 0);
    panya_error_info e;
    panya_file_info info;
    for (size_t i = 0; i < f->t.file_count; i++) {
        const lib_test_file *t = &f->t.files[i];
        assert_int_equal(panya_find(b, t->path, t->profile, &info, &e), PANYA_OK);
        assert_string_equal(info.path, t->path);
        assert_string_equal(info.profile, t->profile);
        assert_string_equal(info.mime, t->mime);
        assert_int_equal(info.size, t->size);
        uint8_t *buf = malloc(t->size + 10);
        size_t got = 0;
        assert_int_equal(panya_read(b, &info, 0, buf, t->size + 10, &got, &e), PANYA_OK);
        assert_int_equal(got, t->size);
        assert_memory_equal(buf, t->data, t->size);
        /* ranges: the middle, the tail, past the end */
        size_t from = t->size / 3, len = t->size / 4 + 1;
        assert_int_equal(panya_read(b, &info, from, buf, len, &got, &e), PANYA_OK);
        assert_int_equal(got, len);
        assert_memory_equal(buf, t->data + from, len);
        assert_int_equal(panya_read(b, &info, t->size - 5, buf, 100, &got, &e), PANYA_OK);
        assert_int_equal(got, 5);
        assert_int_equal(panya_read(b, &info, t->size + 1, buf, 100, &got, &e), PANYA_OK);
        assert_int_equal(got, 0);
        free(buf);
    }
    /* NULL profile: the first variant; a raw file's offset is where its bytes are. */
    assert_int_equal(panya_find(b, "maths/video.mp4", NULL, &info, &e), PANYA_OK);
    assert_string_equal(info.profile, "small");
    assert_int_equal(info.method, PANYA_STORED_RAW);
    assert_int_equal(info.offset % 4096, 0);
    size_t size;
    uint8_t *whole = test_read_file(f->bundle, &size);
    assert_memory_equal(whole + info.offset, lib_test_bundle_file(&f->t, info.path, "small")->data,
                        VIDEO_SIZE);
    free(whole);
    assert_int_equal(panya_find(b, "maths/page001.html", NULL, &info, &e), PANYA_OK);
    assert_int_not_equal(info.method, PANYA_STORED_RAW);
    assert_int_equal(panya_find(b, "maths/nothing.html", NULL, &info, &e), PANYA_ERR_NOT_FOUND);
    assert_non_null(strstr(e.message, "no file 'maths/nothing.html'"));
    assert_int_equal(panya_find(b, "maths/photo.jpg", "low", &info, &e), PANYA_ERR_NOT_FOUND);
    assert_non_null(strstr(e.message, "no variant for profile 'low'"));
    /* Files in path order, with their variants. */
    panya_facts facts;
    panya_get_facts(b, &facts);
    size_t seen = 0;
    for (size_t i = 0; i < facts.file_count; i++)
        for (size_t v = 0; v < panya_file_variant_count(b, i); v++, seen++) {
            assert_int_equal(panya_file_at(b, i, v, &info, &e), PANYA_OK);
            assert_string_equal(info.path, f->t.files[seen].path);
        }
    assert_int_equal(seen, f->t.file_count);
    /* A streamed read of the large text (bigger than the cache keeps). */
    panya_set_cache_limit(b, 64 * 1024);
    assert_int_equal(panya_find(b, "reading/book.txt", NULL, &info, &e), PANYA_OK);
    uint8_t part[1000];
    size_t got;
    assert_int_equal(panya_read(b, &info, TEXT_SIZE / 2, part, sizeof part, &got, &e), PANYA_OK);
    assert_int_equal(got, sizeof part);
    assert_memory_equal(part, lib_test_bundle_file(&f->t, "reading/book.txt", NULL)->data +
                                  TEXT_SIZE / 2, sizeof part);
    panya_close(b);
}

/* Android hands apps a descriptor; a bundle may also sit inside a larger file. */
static void test_open_inside_larger_file(void **state)
{
    fixture *f = *state;
    size_t size;
    uint8_t *bytes = test_read_file(f->bundle, &size);
    char outer[600];
    snprintf(outer, sizeof outer, "%s/outer.bin", f->dir);
    uint8_t *joined = calloc(1, size + 5000);
    memset(joined, 0x55, 1234);
    memcpy(joined + 1234, bytes, size);
    memset(joined + 1234 + size, 0xAA, 5000 - 1234);
    test_write_file(outer, joined, size + 5000);
    int fd = open(outer, O_RDONLY);
    assert_true(fd >= 0);
    panya_bundle *b;
    panya_error_info e;
    assert_int_equal(panya_open_fd(fd, 1234, size, 0, &b, &e), PANYA_OK);
    panya_file_info info;
    assert_int_equal(panya_find(b, "maths/video.mp4", "low", &info, &e), PANYA_OK);
    uint8_t head[64];
    assert_int_equal(pread(fd, head, sizeof head, (off_t)info.offset), (ssize_t)sizeof head);
    assert_memory_equal(head, lib_test_bundle_file(&f->t, "maths/video.mp4", "low")->data, 64);
    panya_verify_report report;
    assert_int_equal(panya_verify_all(b, NULL, NULL, &report, &e), PANYA_OK);
    panya_verify_report_free(&report);
    panya_close(b);
    /* Without the length, the junk after the bundle hides its footer. */
    assert_int_equal(panya_open_fd(fd, 1234, 0, 0, &b, &e), PANYA_ERR_INVALID);
    assert_int_equal(panya_open_fd(fd, size, size * 2, 0, &b, &e), PANYA_ERR_USAGE);
    assert_int_equal(lseek(fd, 0, SEEK_CUR), 0); /* pread only */
    close(fd);
    unlink(outer);
    free(joined);
    free(bytes);
}

static int count_progress(void *ctx, uint64_t done, uint64_t total)
{
    uint64_t *calls = ctx;
    (*calls)++;
    return done > total; /* never stops */
}

static void test_damage(void **state)
{
    fixture *f = *state;
    panya_bundle *b = open_ok(f->bundle, 0);
    panya_file_info page, video;
    panya_error_info e;
    /* A page stored against another one (a near-duplicate): no other file depends on it,
     * so damage to it is damage to it alone. */
    char page_path[64];
    for (int i = 0;; i++) {
        snprintf(page_path, sizeof page_path, "maths/page%03d.html", i);
        assert_int_equal(panya_find(b, page_path, NULL, &page, &e), PANYA_OK);
        if (page.method == PANYA_STORED_ZSTD_REFERENCE)
            break;
    }
    assert_int_equal(panya_find(b, "maths/video.mp4", NULL, &video, &e), PANYA_OK);
    panya_close(b);
    char copy[600];
    snprintf(copy, sizeof copy, "%s/damaged.panya", f->dir);
    size_t size;
    uint8_t *bytes = test_read_file(f->bundle, &size);
    bytes[page.offset + page.stored_size / 2] ^= 0x10;
    bytes[video.offset + 1000] ^= 0x10;
    test_write_file(copy, bytes, size);
    free(bytes);

    b = open_ok(copy, 0);
    uint8_t buf[64];
    size_t got = 99;
    assert_int_equal(panya_read(b, &page, 0, buf, sizeof buf, &got, &e), PANYA_ERR_INVALID);
    assert_int_equal(got, 0);
    /* A raw range is served directly; a whole read checks the hash. */
    assert_int_equal(panya_read(b, &video, 0, buf, sizeof buf, &got, &e), PANYA_OK);
    uint8_t *all = malloc(VIDEO_SIZE);
    assert_int_equal(panya_read(b, &video, 0, all, VIDEO_SIZE, &got, &e), PANYA_ERR_INVALID);
    assert_int_equal(panya_verify_file(b, &video, &e), PANYA_ERR_INVALID);
    uint64_t calls = 0;
    panya_verify_report report;
    assert_int_equal(panya_verify_all(b, count_progress, &calls, &report, &e), PANYA_ERR_INVALID);
    assert_int_equal(calls, report.objects_checked);
    assert_int_equal(report.objects_damaged, 2);
    assert_int_equal(report.damaged_file_count, 2);
    assert_string_equal(report.damaged_files[0].path, page_path);
    assert_string_equal(report.damaged_files[1].path, "maths/video.mp4");
    assert_string_equal(report.damaged_files[1].profile, "small");
    assert_int_equal(report.damaged_lesson_count, 1);
    assert_string_equal(report.damaged_lessons[0], "Numbers / Counting");
    panya_verify_report_free(&report);
    panya_close(b);
    /* With PANYA_OPEN_CHECK_RAW a range of a damaged raw file is refused too. */
    b = open_ok(copy, PANYA_OPEN_CHECK_RAW);
    assert_int_equal(panya_read(b, &video, 0, buf, sizeof buf, &got, &e), PANYA_ERR_INVALID);
    panya_close(b);
    free(all);
    unlink(copy);
}

/* Rewrites the footer of a copy through fn, with a fresh footer hash, and opens it. */
static panya_status open_crafted(fixture *f, void (*fn)(uint8_t *footer, uint8_t *header),
                                 panya_error_info *e)
{
    char copy[600];
    snprintf(copy, sizeof copy, "%s/crafted.panya", f->dir);
    size_t size;
    uint8_t *bytes = test_read_file(f->bundle, &size);
    uint8_t *footer = bytes + size - BUNDLE_FOOTER_SIZE;
    fn(footer, bytes);
    panya_sha256_buffer(footer, BUNDLE_FOOTER_HASHED_SIZE, footer + BUNDLE_FOOTER_HASHED_SIZE);
    test_write_file(copy, bytes, size);
    free(bytes);
    panya_bundle *b = NULL;
    panya_status status = panya_open(copy, 0, &b, e);
    panya_close(b);
    unlink(copy);
    return status;
}

static void reserved_footer(uint8_t *footer, uint8_t *header)
{
    (void)header;
    footer[75] = 1;
}

static void part_5_of_2(uint8_t *footer, uint8_t *header)
{
    (void)header;
    footer[12] |= BUNDLE_FLAG_PART;
    bundle_put_u32(footer + 96, 5);
    bundle_put_u32(footer + 100, 2);
}

static void major_2(uint8_t *footer, uint8_t *header)
{
    (void)header;
    footer[8] = 2;
}

static void reserved_header(uint8_t *footer, uint8_t *header)
{
    (void)footer;
    header[40] = 7;
}

/* A path table claiming 1 GiB uncompressed in a bundle of a few hundred KiB. */
static void huge_path_table(uint8_t *footer, uint8_t *header)
{
    (void)header;
    bundle_put_u64(footer + 120, 1ull << 30);
}

static void test_strict_footer(void **state)
{
    fixture *f = *state;
    panya_error_info e;
    assert_int_equal(open_crafted(f, reserved_footer, &e), PANYA_ERR_INVALID);
    assert_non_null(strstr(e.message, "reserved"));
    assert_int_equal(open_crafted(f, part_5_of_2, &e), PANYA_ERR_INVALID);
    assert_non_null(strstr(e.message, "part 5 of 2"));
    assert_int_equal(open_crafted(f, major_2, &e), PANYA_ERR_UNSUPPORTED);
    assert_non_null(strstr(e.message, "newer panya"));
    assert_int_equal(open_crafted(f, reserved_header, &e), PANYA_ERR_INVALID);

    /* The table is refused by size, before any allocation; lookups say it is damaged. */
    char copy[600];
    snprintf(copy, sizeof copy, "%s/huge.panya", f->dir);
    size_t size;
    uint8_t *bytes = test_read_file(f->bundle, &size);
    huge_path_table(bytes + size - BUNDLE_FOOTER_SIZE, bytes);
    uint8_t *footer = bytes + size - BUNDLE_FOOTER_SIZE;
    panya_sha256_buffer(footer, BUNDLE_FOOTER_HASHED_SIZE, footer + BUNDLE_FOOTER_HASHED_SIZE);
    test_write_file(copy, bytes, size);
    free(bytes);
    panya_bundle *b = open_ok(copy, 0);
    panya_file_info info;
    assert_int_equal(panya_find(b, "maths/page001.html", NULL, &info, &e), PANYA_ERR_INVALID);
    assert_non_null(strstr(e.message, "path table"));
    panya_facts facts;
    panya_get_facts(b, &facts);
    assert_false(facts.has_catalogue);
    panya_close(b);
    unlink(copy);
}

/* tests/data/format-1.0.panya: made by the format 1.0 writer, read file for file. */
static void test_format_1_0_fixture(void **state)
{
    (void)state;
    const char *root = getenv("PANYA_SOURCE_ROOT");
    assert_non_null(root);
    char path[1024], list[1024];
    snprintf(path, sizeof path, "%s/tests/data/format-1.0.panya", root);
    snprintf(list, sizeof list, "%s/tests/data/format-1.0.files", root);
    panya_bundle *b = open_ok(path, 0);
    panya_facts facts;
    panya_get_facts(b, &facts);
    assert_int_equal(facts.format_minor, 0);
    assert_false(facts.has_catalogue);
    assert_null(facts.pack_id);
    assert_int_equal(panya_course_count(b), 0);
    panya_course_info course;
    assert_int_equal(panya_course(b, 0, &course), PANYA_ERR_UNSUPPORTED);
    FILE *in = fopen(list, "r");
    assert_non_null(in);
    char line[1200];
    size_t files = 0;
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || strncmp(line, "folder ", 7) == 0)
            continue;
        uint8_t want[PANYA_HASH_SIZE];
        line[64] = '\0';
        assert_int_equal(panya_hash_from_hex(line, want), 0);
        panya_file_info info;
        panya_error_info e;
        assert_int_equal(panya_find(b, line + 66, NULL, &info, &e), PANYA_OK);
        assert_memory_equal(info.sha256, want, PANYA_HASH_SIZE);
        uint8_t *data = malloc(info.size + 1);
        size_t got;
        assert_int_equal(panya_read(b, &info, 0, data, info.size, &got, &e), PANYA_OK);
        uint8_t actual[PANYA_HASH_SIZE];
        panya_sha256_buffer(data, got, actual);
        assert_memory_equal(actual, want, PANYA_HASH_SIZE);
        free(data);
        files++;
    }
    fclose(in);
    assert_int_equal(files, facts.file_count);
    panya_verify_report report;
    panya_error_info e;
    assert_int_equal(panya_verify_all(b, NULL, NULL, &report, &e), PANYA_OK);
    assert_true(report.catalogue_intact);
    panya_verify_report_free(&report);
    panya_close(b);
}

/* A path table of the given paths (one variant each, profile "source", object 0). */
static size_t make_path_table(uint8_t *out, const char *const *paths, uint32_t count)
{
    uint32_t strings = 6;
    for (uint32_t i = 0; i < count; i++)
        strings += (uint32_t)strlen(paths[i]);
    uint8_t *p = out;
    uint32_t header[4] = {count, count, 1, strings};
    for (int i = 0; i < 4; i++, p += 4)
        bundle_put_u32(p, header[i]);
    uint32_t at = 6;
    for (uint32_t i = 0; i < count; at += (uint32_t)strlen(paths[i]), i++, p += 16) {
        bundle_put_u32(p, at);
        bundle_put_u32(p + 4, (uint32_t)strlen(paths[i]));
        bundle_put_u32(p + 8, i);
        bundle_put_u32(p + 12, 1);
    }
    for (uint32_t i = 0; i < count; i++, p += 8) {
        bundle_put_u32(p, 0);
        bundle_put_u32(p + 4, 0);
    }
    bundle_put_u32(p, 0);
    bundle_put_u32(p + 4, 6);
    p += 8;
    memcpy(p, "source", 6);
    p += 6;
    for (uint32_t i = 0; i < count; p += strlen(paths[i]), i++)
        memcpy(p, paths[i], strlen(paths[i]));
    return (size_t)(p - out);
}

/* The path table is refused when its paths are unsorted or could leave an extraction
 * folder: extract and serve trust it. */
static void test_path_table_rules(void **state)
{
    (void)state;
    uint8_t table[512];
    bundle_path_table t;
    const char *good[] = {"a/b.html", "a/c.html", "ບົດ/1.txt"};
    assert_int_equal(bundle_path_table_open(&t, table, make_path_table(table, good, 3), 1), 0);
    const char *unsorted[] = {"a/c.html", "a/b.html"};
    assert_int_equal(bundle_path_table_open(&t, table, make_path_table(table, unsorted, 2), 1), -1);
    const char *twice[] = {"a/b.html", "a/b.html"};
    assert_int_equal(bundle_path_table_open(&t, table, make_path_table(table, twice, 2), 1), -1);
    const char *bad[][1] = {{"../x"}, {"a/../../x"}, {"/etc/passwd"}, {"a//b"}, {"a\\b"}, {"a/./b"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(bundle_path_table_open(&t, table, make_path_table(table, bad[i], 1), 1),
                         -1);
    /* an index position past the index */
    assert_int_equal(bundle_path_table_open(&t, table, make_path_table(table, good, 3), 0), -1);
}

static void test_open_errors(void **state)
{
    fixture *f = *state;
    panya_bundle *b = (panya_bundle *)1;
    panya_error_info e;
    char missing[600];
    snprintf(missing, sizeof missing, "%s/missing.panya", f->dir);
    assert_int_equal(panya_open(missing, 0, &b, &e), PANYA_ERR_NOT_FOUND);
    assert_null(b);
    assert_int_equal(panya_open(f->bundle, 0x80, &b, &e), PANYA_ERR_USAGE);
    assert_int_equal(panya_open(f->dir, 0, &b, NULL), PANYA_ERR_INVALID);
    assert_string_equal(panya_status_text(PANYA_ERR_NOT_FOUND), "not found");
}

/* tests/data/path-table-shared-strings.panya (found by fuzz_bundle_reader): path table
 * entries whose strings share bytes, so their copies need more room than the strings area.
 * Opening it once wrote past the copies' buffer (ASan: heap-buffer-overflow). */
static void test_path_table_shared_strings(void **state)
{
    (void)state;
    const char *root = getenv("PANYA_SOURCE_ROOT");
    assert_non_null(root);
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/path-table-shared-strings.panya", root);
    panya_bundle *b = open_ok(path, 0);
    panya_facts facts;
    assert_int_equal(panya_get_facts(b, &facts), PANYA_OK);
    assert_true(facts.file_count > 0);
    for (size_t f = 0; f < facts.file_count; f++) {
        panya_file_info info;
        assert_int_equal(panya_file_at(b, f, 0, &info, NULL), PANYA_OK);
        assert_non_null(info.path);
        assert_true(strlen(info.path) < 4096);
    }
    for (size_t p = 0; p < panya_profile_count(b); p++)
        assert_non_null(panya_profile_name(b, p));
    panya_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts_and_catalogue),
        cmocka_unit_test(test_find_and_read),
        cmocka_unit_test(test_open_inside_larger_file),
        cmocka_unit_test(test_damage),
        cmocka_unit_test(test_strict_footer),
        cmocka_unit_test(test_format_1_0_fixture),
        cmocka_unit_test(test_path_table_rules),
        cmocka_unit_test(test_path_table_shared_strings),
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
