/* Builds small (and hostile) zip files for the tests with libarchive's writer. */
#ifndef PANYA_TESTS_ZIP_TEST_UTIL_H
#define PANYA_TESTS_ZIP_TEST_UTIL_H

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

typedef struct zip_entry {
    const char *name;
    const char *data;      /* NULL with size: `size` zero bytes (bombs) */
    size_t size;           /* 0 with data: strlen(data) */
    const char *link;      /* non-NULL: a symbolic link to this target */
} zip_entry;

/* Writes the entries to path as a deflated zip with UTF-8 names. */
static void write_zip(const char *path, const zip_entry *entries, size_t count)
{
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t previous = uselocale(utf8);
    struct archive *a = archive_write_new();
    assert_non_null(a);
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    static char zeros[65536];
    for (size_t i = 0; i < count; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, entries[i].name);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_mtime(e, 1700000000, 0);
        size_t size = entries[i].data ? (entries[i].size ? entries[i].size
                                                          : strlen(entries[i].data))
                                      : entries[i].size;
        if (entries[i].link) {
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, entries[i].link);
            size = 0;
        } else {
            archive_entry_set_filetype(e, AE_IFREG);
        }
        archive_entry_set_size(e, (la_int64_t)size);
        assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
        if (entries[i].data && !entries[i].link) {
            assert_int_equal(archive_write_data(a, entries[i].data, size), (la_ssize_t)size);
        } else if (!entries[i].link) {
            for (size_t done = 0; done < size;) {
                size_t chunk = size - done < sizeof zeros ? size - done : sizeof zeros;
                assert_int_equal(archive_write_data(a, zeros, chunk), (la_ssize_t)chunk);
                done += chunk;
            }
        }
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    uselocale(previous);
    freelocale(utf8);
}

/* Replaces every occurrence of the byte sequence `from` with `to` (same length) in a file:
 * how the tests forge names no writer would produce (legacy bytes, raw "..", absolute). */
static void patch_file(const char *path, const char *from, const char *to)
{
    size_t len = strlen(from);
    assert_int_equal(len, strlen(to));
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *bytes = malloc((size_t)size);
    assert_non_null(bytes);
    assert_int_equal(fread(bytes, 1, (size_t)size, f), (size_t)size);
    int patched = 0;
    for (long i = 0; i + (long)len <= size; i++)
        if (memcmp(bytes + i, from, len) == 0) {
            memcpy(bytes + i, to, len);
            patched++;
        }
    assert_true(patched > 0);
    fseek(f, 0, SEEK_SET);
    assert_int_equal(fwrite(bytes, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    free(bytes);
}

/* A private temporary folder; the tests remove it with remove_tree. */
static char *make_temp_dir(void)
{
    char *dir = strdup("/tmp/panya-test-XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_tree(const char *dir)
{
    char command[512];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
}

/* Group fixture: each test program works in one private folder, removed at the end. */
static char *dir;

static int temp_dir_setup(void **state)
{
    (void)state;
    dir = make_temp_dir();
    return 0;
}

static int temp_dir_teardown(void **state)
{
    (void)state;
    remove_tree(dir);
    free(dir);
    return 0;
}

/* DIR/name, in one of four rotating buffers (so a call can take two paths). */
static const char *path_in(const char *name)
{
    static char path[4][512];
    static int next;
    char *out = path[next++ % 4];
    snprintf(out, sizeof path[0], "%s/%s", dir, name);
    return out;
}

#endif
