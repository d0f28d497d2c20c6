/* What `panya pack` shows: a progress line on a terminal, the closing summary, and the
 * --report JSON file. */
#ifndef PANYA_CLI_PACK_OUTPUT_H
#define PANYA_CLI_PACK_OUTPUT_H

#include <stdbool.h>

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

void pack_print_summary(const char *out_path, const pack_summary *summary);

/* pack --dry-run: the reader and why, courses and lessons, transcodes, estimates. */
void pack_print_plan(const char *out_path, const pack_summary *summary);

/* Writes the per-item figures as JSON to path (temporary file, fsync, rename). */
int pack_write_report(const char *path, const char *out_path, const pack_summary *summary,
                      panya_error *err);

#endif
