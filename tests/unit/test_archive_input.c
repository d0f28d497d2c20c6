/* archive_input on hostile zips: names, links, bombs, damage, encodings. */
#include "zip_test_util.h"

#include "sources/archive_input.h"

typedef struct seen {
    char names[16][128];
    int kinds[16];
    unsigned problems[16];
    char data[16][64];
    int count;
} seen;

/* Reads every entry; returns archive_input_next's final result (0 end, -1 error). */
static int read_all(const char *path, const archive_input_limits *limits, seen *out,
                    panya_error *err)
{
    archive_input *in = NULL;
    if (archive_input_open(&in, path, limits, err) != 0)
        return -2;
    memset(out, 0, sizeof *out);
    archive_input_entry entry;
    int r;
    while ((r = archive_input_next(in, &entry, err)) == 1) {
        int i = out->count < 16 ? out->count : 15;
        snprintf(out->names[i], sizeof out->names[i], "%s", entry.name);
        out->kinds[i] = entry.kind;
        out->problems[i] = entry.problems;
        ssize_t got = archive_input_read(in, out->data[i], sizeof out->data[i] - 1, err);
        if (got < 0) {
            r = -1;
            break;
        }
        out->count++;
    }
    archive_input_close(in);
    return r;
}

static void plain_entries_are_read(void **state)
{
    (void)state;
    zip_entry entries[] = {{.name = "./a//b.txt", .data = "hello"},
                           {.name = "ບົດຮຽນ/ໜ້າ.html", .data = "ລາວ"},
                           {.name = "win\\path.txt", .data = "x"}};
    write_zip(path_in("plain.zip"), entries, 3);
    seen s;
    panya_error err = {0};
    assert_int_equal(read_all(path_in("plain.zip"), NULL, &s, &err), 0);
    assert_int_equal(s.count, 3);
    assert_string_equal(s.names[0], "a/b.txt");
    assert_string_equal(s.data[0], "hello");
    assert_string_equal(s.names[1], "ບົດຮຽນ/ໜ້າ.html");
    assert_int_equal(s.problems[1], 0);
    assert_string_equal(s.names[2], "win/path.txt");
}

static void unsafe_names_are_flagged_and_hidden(void **state)
{
    (void)state;
    zip_entry entries[] = {{.name = "XX/evil.txt", .data = "owned"},
                           {.name = "Xetc/passwd", .data = "root"},
                           {.name = "a/../../up.txt", .data = "up"},
                           {.name = "ok.txt", .data = "fine"}};
    write_zip(path_in("unsafe.zip"), entries, 4);
    patch_file(path_in("unsafe.zip"), "XX/evil", "../evil");
    patch_file(path_in("unsafe.zip"), "Xetc/passwd", "/etc/passwd");
    seen s;
    panya_error err = {0};
    assert_int_equal(read_all(path_in("unsafe.zip"), NULL, &s, &err), 0);
    assert_int_equal(s.count, 4);
    for (int i = 0; i < 3; i++) {
        assert_true(s.problems[i] & ARCHIVE_INPUT_UNSAFE_PATH);
        assert_string_equal(s.data[i], ""); /* never handed out */
    }
    assert_int_equal(s.problems[3], 0);
    assert_string_equal(s.data[3], "fine");
}

static void links_are_flagged_not_followed(void **state)
{
    (void)state;
    zip_entry entries[] = {{.name = "link", .link = "/etc/passwd"}, {.name = "f", .data = "x"}};
    write_zip(path_in("link.zip"), entries, 2);
    seen s;
    panya_error err = {0};
    assert_int_equal(read_all(path_in("link.zip"), NULL, &s, &err), 0);
    assert_int_equal(s.kinds[0], ARCHIVE_INPUT_LINK);
    assert_string_equal(s.data[0], "");
    assert_int_equal(s.kinds[1], ARCHIVE_INPUT_FILE);
}

static void legacy_names_are_escaped(void **state)
{
    (void)state;
    zip_entry entries[] = {{.name = "cafX.html", .data = "x"}};
    write_zip(path_in("legacy.zip"), entries, 1);
    patch_file(path_in("legacy.zip"), "cafX", "caf\xE9");
    seen s;
    panya_error err = {0};
    assert_int_equal(read_all(path_in("legacy.zip"), NULL, &s, &err), 0);
    assert_true(s.problems[0] & ARCHIVE_INPUT_NOT_UTF8);
    assert_string_equal(s.names[0], "caf\\xE9.html");
}

static void total_size_is_bounded(void **state)
{
    (void)state;
    zip_entry entries[] = {{.name = "zeros", .size = 3u << 20}};
    write_zip(path_in("big.zip"), entries, 1);
    archive_input_limits limits;
    archive_input_default_limits(&limits);
    limits.max_total_bytes = 1u << 20;
    limits.max_ratio = 1u << 30;
    seen s;
    panya_error err = {0};
    assert_int_equal(read_all(path_in("big.zip"), &limits, &s, &err), -1);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    assert_non_null(strstr(err.message, "zip bomb"));
}

static void ratio_is_bounded(void **state)
{
    (void)state;
    /* 8 MiB of zeros deflate to a few kB: a ratio far above 200. */
    zip_entry entries[] = {{.name = "bomb", .size = 8u << 20}};
    write_zip(path_in("ratio.zip"), entries, 1);
    seen s;
    panya_error err = {0};
    assert_int_equal(read_all(path_in("ratio.zip"), NULL, &s, &err), -1);
    assert_non_null(strstr(err.message, "times its size"));
}

static void entry_count_is_bounded(void **state)
{
    (void)state;
    zip_entry entries[12];
    char names[12][16];
    for (int i = 0; i < 12; i++) {
        snprintf(names[i], sizeof names[i], "f%d", i);
        entries[i] = (zip_entry){.name = names[i], .data = "x"};
    }
    write_zip(path_in("many.zip"), entries, 12);
    archive_input_limits limits;
    archive_input_default_limits(&limits);
    limits.max_entries = 10;
    seen s;
    panya_error err = {0};
    assert_int_equal(read_all(path_in("many.zip"), &limits, &s, &err), -1);
    assert_non_null(strstr(err.message, "more than 10 entries"));
}

static void empty_and_non_zips(void **state)
{
    (void)state;
    FILE *f = fopen(path_in("empty.zip"), "wb");
    fwrite("PK\005\006\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 1, 22, f);
    fclose(f);
    seen s;
    panya_error err = {0};
    assert_int_equal(read_all(path_in("empty.zip"), NULL, &s, &err), 0);
    assert_int_equal(s.count, 0);

    f = fopen(path_in("text.zip"), "wb");
    fputs("this is not a zip\n", f);
    fclose(f);
    assert_int_equal(read_all(path_in("text.zip"), NULL, &s, &err), -2);
    assert_int_equal(err.code, PANYA_ERR_INVALID);

    assert_int_equal(read_all(path_in("absent.zip"), NULL, &s, &err), -2);
    assert_int_equal(err.code, PANYA_ERR_USAGE);
}

static void damaged_data_is_an_error(void **state)
{
    (void)state;
    char text[4096];
    unsigned seed = 12345; /* incompressible, so the damage lands inside the data */
    for (size_t i = 0; i < sizeof text - 1; i++) {
        seed = seed * 1103515245u + 12345u;
        text[i] = (char)('!' + (seed >> 16) % 90);
    }
    text[sizeof text - 1] = '\0';
    zip_entry entries[] = {{.name = "text.txt", .data = text}};
    write_zip(path_in("damaged.zip"), entries, 1);
    FILE *f = fopen(path_in("damaged.zip"), "r+b");
    fseek(f, 1000, SEEK_SET);
    fputs("DAMAGEDAMAGE", f);
    fclose(f);
    seen s;
    panya_error err = {0};
    assert_int_equal(read_all(path_in("damaged.zip"), NULL, &s, &err), -1);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_entries_are_read),
        cmocka_unit_test(unsafe_names_are_flagged_and_hidden),
        cmocka_unit_test(links_are_flagged_not_followed),
        cmocka_unit_test(legacy_names_are_escaped),
        cmocka_unit_test(total_size_is_bounded),
        cmocka_unit_test(ratio_is_bounded),
        cmocka_unit_test(entry_count_is_bounded),
        cmocka_unit_test(empty_and_non_zips),
        cmocka_unit_test(damaged_data_is_an_error),
    };
    return cmocka_run_group_tests(tests, temp_dir_setup, temp_dir_teardown);
}
