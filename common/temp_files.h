/* panya's own temporaries, as later runs recognise them: output files written under
 * ".NAME.tmp-XXXXXX" (common/output_file.h, cache entries) and pack staging folders
 * "panya-pack-XXXXXX". A killed run (kill -9) leaves them behind; sources never read them as
 * input, and the next pack sweeps stale staging folders. */
#ifndef PANYA_COMMON_TEMP_FILES_H
#define PANYA_COMMON_TEMP_FILES_H

#include <stdbool.h>

/* Whether name is one panya gives its own temporaries. */
bool panya_temp_name(const char *name);

/* Removes the panya-pack-* staging folders in folder that belong to this user, are older
 * than max_age_seconds and that no running pack holds (each holds a lock on its own).
 * Returns how many were removed. */
int panya_sweep_stale_staging(const char *folder, long max_age_seconds);

/* Marks a staging folder as in use by this process until it exits or the folder is removed
 * (an flock on the folder). Returns an fd to close when done, or -1. */
int panya_staging_hold(const char *folder);

#endif
