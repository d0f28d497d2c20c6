/* Plan files (docs/schemas/plan.schema.json): JSON lines, a header object first, then one
 * object per transcode job. Written by `panya plan`, read by `panya transcode-job` and
 * `panya cache gc --keep-plan`. */
#ifndef PANYA_CLI_PLAN_JSON_H
#define PANYA_CLI_PLAN_JSON_H

#include <jansson.h>
#include <stdio.h>

#include "common/error.h"
#include "packer/plan.h"

#define PLAN_FORMAT 1

typedef struct plan_header {
    char *profiles_file; /* the profile file the plan was made with, or NULL: built-in */
    char *cache;         /* the cache it was checked against */
} plan_header;

/* Writes the header and every job, one line each, to f. Returns 0, or -1 on a write error
 * or when out of memory (errno set by stdio). */
int plan_write(FILE *f, const plan *p, const char *const *inputs, size_t input_count,
               const pack_options *options, const char *cache_dir);

/* Reads a plan file ("-": standard input). A line that is not a plan line is
 * PANYA_ERR_INVALID naming the file and line. */
int plan_read(const char *path, plan *p, plan_header *header, panya_error *err);
void plan_header_free(plan_header *header);

#endif
