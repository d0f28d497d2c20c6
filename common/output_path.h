/* Checks on output paths made before any work starts, so that no command replaces one of
 * its own inputs and no mistyped -o costs hours of transcoding before it is noticed.
 * Thread-safe (no shared state); reads the file system only. */
#ifndef PANYA_COMMON_OUTPUT_PATH_H
#define PANYA_COMMON_OUTPUT_PATH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* "-": standard output, accepted by every check here as it can never be an input file. */
bool panya_output_is_stdout(const char *path);

/* Whether a and b name the same existing file (same device and inode, through symbolic
 * and hard links). */
bool panya_same_file(const char *a, const char *b);

/* Whether `path` (which need not exist; its folder must) lies inside the existing folder
 * `folder`, after resolving links in both. */
bool panya_path_inside_folder(const char *path, const char *folder);

/* Checks that `out` can be written as a file: not empty, not an existing folder, its folder
 * exists, not the same file as any of `inputs` and not inside any input that is a folder.
 * `what` names the output in messages ("-o", "--report"). Returns 0, or -1 with err set:
 * PANYA_ERR_USAGE for these mistakes, PANYA_ERR_OUTPUT when the folder cannot be written
 * (read-only, permission). */
int panya_output_path_check(const char *out, const char *what, const char *const *inputs,
                            size_t input_count, panya_error *err);

/* The same for an output folder (extract): not empty, not an existing file, not one of
 * `inputs`, and writable when it exists. Missing folders are allowed (they are created). */
int panya_output_folder_check(const char *dir, const char *what, const char *const *inputs,
                              size_t input_count, panya_error *err);

/* Creates `dir` and any missing folders above it (mode 0755), like mkdir -p. Returns 0 or
 * -1 with err set (PANYA_ERR_OUTPUT). */
int panya_make_folders(const char *dir, panya_error *err);

#endif
