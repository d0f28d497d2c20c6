/* Temporary files and folders that must not outlive an interrupted run.
 *
 * A path registered here is removed (a folder with everything in it) when the process gets
 * SIGINT, SIGTERM or SIGHUP; the signal is then re-raised with its default action, so the
 * exit status still says what killed the process. The handlers are installed on the first
 * registration. Registration copies the path; register and unregister are thread-safe and
 * the handler only makes async-signal-safe system calls. kill -9 cannot be caught: stale
 * temporaries are recognised by panya_temp_name and swept by the next run. */
#ifndef PANYA_COMMON_CLEANUP_H
#define PANYA_COMMON_CLEANUP_H

#include <stdbool.h>

/* Returns a handle (>= 0) for panya_cleanup_unregister, or -1 when the path is too long or
 * all slots are taken (the path is then simply not cleaned up on a signal). */
int panya_cleanup_register(const char *path);

/* The path is gone or kept on purpose: forget it. A negative handle is ignored. */
void panya_cleanup_unregister(int handle);

/* Whether name is one panya gives its own temporaries: ".NAME.tmp-XXXXXX" (outputs written
 * by common/output_file.h, cache entries) or "panya-pack-XXXXXX" (pack staging folders). */
bool panya_temp_name(const char *name);

/* Removes the panya-pack-* staging folders in folder that belong to this user, are older
 * than max_age_seconds and that no running pack holds (each holds a lock on its own).
 * Returns how many were removed. */
int panya_sweep_stale_staging(const char *folder, long max_age_seconds);

/* Marks a staging folder as in use by this process until it exits or the folder is removed
 * (an flock on the folder). Returns an fd to close when done, or -1. */
int panya_staging_hold(const char *folder);

#endif
