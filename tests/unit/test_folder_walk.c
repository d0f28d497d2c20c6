/* common/folder_walk and the error messages around it: the one link rule (outside refused
 * naming the link, inside followed, loops and dangling links noted), byte order, names that
 * are not UTF-8, and a message too long for panya_error that keeps its reason. */
#include <stdarg.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/error.h"
#include "common/folder_walk.h"
#include "sources/lesson_model.h"
#include "test_helpers.h"

typedef struct seen {
    char taken[16][256];
    int taken_count;
    char notes[8][512];
    int note_count;
} seen;

static int take(void *ctx, const folder_entry *entry, const char *relative, panya_error *err)
{
    (void)entry, (void)err;
    seen *s = ctx;
    if (s->taken_count < 16)
        snprintf(s->taken[s->taken_count++], 256, "%s", relative);
    return 0;
}

static int note(void *ctx, const char *line, panya_error *err)
{
    (void)err;
    seen *s = ctx;
    if (s->note_count < 8)
        snprintf(s->notes[s->note_count++], 512, "%s", line);
    return 0;
}

static const folder_visitor visitor = {take, NULL, note};

static char *join(const char *a, const char *b)
{
    char *s = NULL;
    assert_true(asprintf(&s, "%s/%s", a, b) > 0);
    return s;
}

static int walk(const char *dir, seen *s, panya_error *err)
{
    folder_root root;
    memset(s, 0, sizeof *s);
    if (folder_root_open(&root, dir, err) != 0)
        return -1;
    int rc = folder_walk(&root, dir, &visitor, s, err);
    folder_root_close(&root);
    return rc;
}

static void links_inside_are_followed_in_byte_order(void **state)
{
    (void)state;
    char *dir = test_make_temp_dir();
    char *in = join(dir, "in");
    char *file = join(in, "b/z.txt");
    test_write_file(file, "z", 1);
    char *link = join(in, "a-link.txt"), *folder_link = join(in, "c");
    assert_int_equal(symlink("b/z.txt", link), 0);
    assert_int_equal(symlink("b", folder_link), 0);
    seen s;
    panya_error err = {0};
    assert_int_equal(walk(in, &s, &err), 0);
    assert_int_equal(s.taken_count, 5);
    assert_string_equal(s.taken[0], "a-link.txt");
    assert_string_equal(s.taken[1], "b");
    assert_string_equal(s.taken[2], "b/z.txt");
    assert_string_equal(s.taken[3], "c");
    assert_string_equal(s.taken[4], "c/z.txt");
    assert_int_equal(s.note_count, 0);
    test_remove_tree(dir);
    free(dir), free(in), free(file), free(link), free(folder_link);
}

static void links_outside_are_refused_naming_the_link(void **state)
{
    (void)state;
    char *dir = test_make_temp_dir();
    char *in = join(dir, "in"), *secret = join(dir, "secret.txt");
    char *inside = join(in, "ok.txt"), *link = join(in, "leak.txt");
    test_write_file(secret, "s", 1);
    test_write_file(inside, "o", 1);
    assert_int_equal(symlink(secret, link), 0);
    seen s;
    panya_error err = {0};
    assert_int_equal(walk(in, &s, &err), -1);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    assert_non_null(strstr(err.message, "leak.txt: a symbolic link to"));
    assert_non_null(strstr(err.message, "outside the input"));
    /* "in2" starts like "in" but is outside it. */
    char *sibling = join(dir, "in2"), *sibling_file = join(sibling, "x");
    test_write_file(sibling_file, "x", 1);
    assert_int_equal(unlink(link), 0);
    assert_int_equal(symlink(sibling_file, link), 0);
    assert_int_equal(walk(in, &s, &err), -1);
    assert_non_null(strstr(err.message, "outside the input"));
    test_remove_tree(dir);
    free(dir), free(in), free(secret), free(inside), free(link), free(sibling), free(sibling_file);
}

static void loops_and_dangling_links_are_noted(void **state)
{
    (void)state;
    char *dir = test_make_temp_dir();
    char *in = join(dir, "in"), *file = join(in, "sub/a.txt");
    test_write_file(file, "a", 1);
    char *up = join(in, "sub/up"), *dangling = join(in, "gone.txt"), *self = join(in, "self");
    assert_int_equal(symlink("..", up), 0);
    assert_int_equal(symlink("nowhere.txt", dangling), 0);
    assert_int_equal(symlink("self", self), 0);
    seen s;
    panya_error err = {0};
    assert_int_equal(walk(in, &s, &err), 0);
    assert_int_equal(s.taken_count, 2); /* sub, sub/a.txt */
    assert_int_equal(s.note_count, 3);
    bool loop = false, nothing = false, looping = false;
    for (int i = 0; i < s.note_count; i++) {
        loop |= strstr(s.notes[i], "up: skipped: a symbolic link back to a folder") != NULL;
        nothing |= strstr(s.notes[i], "gone.txt: skipped: a symbolic link to nothing") != NULL;
        looping |= strstr(s.notes[i], "self: skipped: a symbolic link that loops") != NULL;
    }
    assert_true(loop && nothing && looping);
    test_remove_tree(dir);
    free(dir), free(in), free(file), free(up), free(dangling), free(self);
}

static void names_that_are_not_utf8_are_errors(void **state)
{
    (void)state;
    char *dir = test_make_temp_dir();
    char *bad = join(dir, "2 \x81.pdf");
    test_write_file(bad, "x", 1);
    seen s;
    panya_error err = {0};
    assert_int_equal(walk(dir, &s, &err), -1);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    assert_non_null(strstr(err.message, "not valid UTF-8"));
    test_remove_tree(dir);
    free(dir), free(bad);
}

static void long_messages_keep_their_reason(void **state)
{
    (void)state;
    char path[6000];
    memset(path, 'm', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    memcpy(path, "/head", 5);
    /* Lao letters (3 bytes each) around the cut must not be split. */
    for (size_t i = 1000; i + 3 < 5000; i += 3)
        memcpy(path + i, "\xE0\xBA\x81", 3);
    panya_error err = {0};
    panya_error_errno(&err, PANYA_ERR_IO, 36, "%s/tail.txt", path);
    size_t len = strlen(err.message);
    assert_true(len < sizeof err.message);
    assert_memory_equal(err.message, "/head", 5);
    assert_non_null(strstr(err.message, "\xE2\x80\xA6"));
    assert_non_null(strstr(err.message, "tail.txt: File name too long"));
    for (size_t i = 0; i < len; i++) /* valid UTF-8: no lone continuation bytes */
        if (((unsigned char)err.message[i] & 0xC0) == 0x80)
            assert_true(i > 0 && ((unsigned char)err.message[i - 1] & 0x80));
    panya_error_prefix(&err, "%s: ", path);
    assert_non_null(strstr(err.message, "tail.txt: File name too long"));
}

static void lao_digits_are_numbers(void **state)
{
    (void)state;
    assert_true(lesson_name_compare("ບົດ ໒", "ບົດ ໑໐") < 0); /* 2 < 10 */
    assert_true(lesson_name_compare("ບົດ ໑໐", "ບົດ ໒") > 0);
    assert_true(lesson_name_compare("2 Rain", "10 Wind") < 0);
    assert_true(lesson_name_compare("ບົດ ໙", "ບົດ 10") < 0); /* 9 < 10 across scripts */
    assert_int_equal(lesson_name_compare("ບົດ ໐໓", "ບົດ 3"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(links_inside_are_followed_in_byte_order),
        cmocka_unit_test(links_outside_are_refused_naming_the_link),
        cmocka_unit_test(loops_and_dangling_links_are_noted),
        cmocka_unit_test(names_that_are_not_utf8_are_errors),
        cmocka_unit_test(long_messages_keep_their_reason),
        cmocka_unit_test(lao_digits_are_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
