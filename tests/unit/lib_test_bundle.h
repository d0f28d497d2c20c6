/* A format 1.1 test bundle written by the real writer from a lesson model, with its files'
 * bytes kept in memory so tests of the reader library can compare what it returns. */
#ifndef PANYA_LIB_TEST_BUNDLE_H
#define PANYA_LIB_TEST_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct lib_test_file {
    char path[96];
    const char *profile; /* "source", "small" or "low" */
    const char *mime;
    uint8_t *data;
    size_t size;
} lib_test_file;

typedef struct lib_test_bundle {
    lib_test_file *files; /* one per path and variant, in path order */
    size_t file_count;
    uint64_t lesson_sizes[2][3]; /* lesson (of course "maths") x profile (small, low, source) */
} lib_test_bundle;

/* Writes the bundle to path: course "maths" (titles lo/en) with lessons "maths-1" and
 * "maths-2"; `pages` HTML pages (compressed, some near-duplicates), a raw video of
 * video_size bytes in two profiles (small, low), a photo, a large compressible text of
 * text_size bytes, an empty folder. Aborts on failure. */
void lib_test_bundle_write(lib_test_bundle *t, const char *path, size_t pages,
                           size_t video_size, size_t text_size);

void lib_test_bundle_free(lib_test_bundle *t);

/* The test file with this path and profile (NULL: its first), or NULL. */
const lib_test_file *lib_test_bundle_file(const lib_test_bundle *t, const char *path,
                                          const char *profile);

#endif
