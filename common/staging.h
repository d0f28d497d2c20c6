/* Private working folders of `panya pack` ("$TMPDIR/panya-pack-XXXXXX", where zips are
 * unpacked) and the names panya gives its own temporaries, so that no reader takes them for
 * input and a killed pack's folder does not stay forever. Removal on SIGINT/SIGTERM is
 * common/cleanup.h's job; these handle what kill -9 leaves. Thread-safe (no shared state). */
#ifndef PANYA_COMMON_STAGING_H
#define PANYA_COMMON_STAGING_H

#include <stdbool.h>

/* Whether name is one panya gives its own temporaries: ".NAME.tmp-XXXXXX" (outputs written
 * by common/output_file.h, cache entries) or "panya-pack-XXXXXX" (pack staging folders). */
bool panya_temp_name(const char *name);

/* Marks a staging folder as in use by this process until the returned fd is closed or the
 * process ends (an flock on the folder). Returns the fd, or -1. */
int panya_staging_hold(const char *folder);

/* Removes the panya-pack-* folders in folder that belong to this user, were last changed
 * more than max_age_seconds ago and that no running pack holds. Returns how many. */
int panya_sweep_stale_staging(const char *folder, long max_age_seconds);

#endif
