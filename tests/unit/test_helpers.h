/* Small helpers shared by the unit tests: temporary folders and whole-file I/O. */
#ifndef PANYA_TEST_HELPERS_H
#define PANYA_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

/* Creates a fresh temporary folder and returns its malloc'd path. */
char *test_make_temp_dir(void);
/* Removes a folder tree (rm -r). */
void test_remove_tree(const char *path);
/* Writes len bytes to path (creating folders on the way); aborts the test on failure. */
void test_write_file(const char *path, const void *data, size_t len);
/* Reads a whole file; returns malloc'd bytes (NUL-terminated) or NULL. */
uint8_t *test_read_file(const char *path, size_t *len);
/* Flips one bit of the byte at offset (negative: from the end). */
void test_flip_byte(const char *path, long offset);

#endif
