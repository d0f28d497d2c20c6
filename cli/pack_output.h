/* What `panya pack` shows: a progress line on a terminal, the closing summary, and the
 * --report JSON file. */
#ifndef PANYA_CLI_PACK_OUTPUT_H
#define PANYA_CLI_PACK_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/json_output.h"
#include "common/error.h"
#include "packer/pack.h"

typedef struct pack_progress_display {
    bool enabled;   /* only on a terminal and without --quiet */
    bool drawn;     /* a progress line is on screen */
} pack_progress_display;

/* pack_options.progress callback: redraws one line on stderr (called under the pack's lock). */
void pack_progress_show(void *display, const pack_progress *progress);
/* Clears the progress line, if any. */
void pack_progress_end(pack_progress_display *display);

/* The closing summary; verbose adds each media file's variants (size, SSIM, cache). */
void pack_print_summary(FILE *out, const char *out_path, const pack_summary *summary,
                        bool verbose);

/* The --report / --json document: totals and per-item figures
 * (docs/schemas/pack-report.schema.json). NULL when out of memory. */
json_t *pack_report_json(const char *out_path, const pack_summary *summary);

/* Splits a comma-separated list into opts->profiles (pointing into `list`, which is kept).
 * Returns -1 past PACK_MAX_PROFILES. */
int pack_options_add_profiles(pack_options *opts, char *list);

/* pack --dry-run: the reader and why, courses and lessons, transcodes, estimates. */
void pack_print_plan(const char *out_path, const pack_summary *summary);

#endif
