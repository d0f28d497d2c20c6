/* Crash-safe output: write under a temporary name in the destination folder, fsync,
 * then rename over the final name, so a kill or a full disk never leaves a damaged file
 * (or a damaged earlier version) under the final name. */
#ifndef PANYA_COMMON_OUTPUT_FILE_H
#define PANYA_COMMON_OUTPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

typedef struct panya_output_file {
    int fd;
    uint64_t written; /* bytes written so far (the current file offset) */
    int write_errno;  /* errno of the last failed write, or 0 */
    char *final_path;
    char *temp_path;
} panya_output_file;

/* Creates "DIR/.NAME.tmp-XXXXXX" next to final_path. Returns 0 or -1 (err set). */
int panya_output_open(panya_output_file *out, const char *final_path, panya_error *err);

/* Writes all of buf, retrying short writes; a full disk is PANYA_ERR_OUTPUT naming the file. */
int panya_output_write(panya_output_file *out, const void *buf, size_t len, panya_error *err);

/* Writes `count` zero bytes (alignment padding). */
int panya_output_write_zeros(panya_output_file *out, uint64_t count, panya_error *err);

/* fsyncs the data, renames it over final_path and fsyncs the folder. Frees out's memory
 * whether it succeeds or not; on failure the temporary file is removed. */
int panya_output_commit(panya_output_file *out, panya_error *err);

/* As panya_output_commit without the two fsyncs: the file is whole under its final name
 * but may not be on disk yet. For many small files whose writer syncs the filesystem once
 * (syncfs) before anything that depends on them is written. */
int panya_output_commit_unsynced(panya_output_file *out, panya_error *err);

/* Removes the temporary file and frees out's memory; safe to call twice. */
void panya_output_abort(panya_output_file *out);

/* Writes len bytes of data to path crash-safely (open, write, commit). Returns 0 or -1. */
int panya_output_write_file(const char *path, const void *data, size_t len, panya_error *err);

/* Without file locks, a temporary untouched for this long is taken as abandoned. */
#define PANYA_OUTPUT_STALE_SECONDS (10 * 60)

/* Removes the temporaries of final_path that an earlier, killed run left (".NAME.tmp-XXXXXX"
 * that no live process holds: see panya_output_open's lock). Adds their sizes to
 * *freed_bytes (may be NULL). Best effort; returns how many were removed. */
size_t panya_output_sweep_stale(const char *final_path, uint64_t *freed_bytes);

#endif
