/* Temporaries removed when the process is interrupted: a path registered here (a file, or
 * a folder removed with everything in it) is deleted by the SIGINT/SIGTERM/SIGHUP handler,
 * which then re-raises the signal so the exit status still says "killed by signal".
 * kill -9 cannot be caught: the stale-temporary sweeps (panya_output_sweep_stale, ...)
 * handle what it leaves behind on the next run.
 *
 * Thread safety: add/remove may be called from any thread; the handler only uses
 * async-signal-safe calls. At most PANYA_CLEANUP_SLOTS paths are registered at once;
 * past that panya_cleanup_add returns -1 and the path is simply not cleaned on a signal. */
#ifndef PANYA_COMMON_CLEANUP_H
#define PANYA_COMMON_CLEANUP_H

#define PANYA_CLEANUP_SLOTS 256

/* Registers a copy of path. Returns 0, or -1 when out of memory or slots. */
int panya_cleanup_add(const char *path);

/* Forgets path (after it was renamed into place or removed). Unknown paths are ignored. */
void panya_cleanup_remove(const char *path);

/* Installs the handlers for SIGINT, SIGTERM and SIGHUP (once; later calls do nothing).
 * Signals whose disposition is "ignore" (nohup) are left alone. A handler installed before
 * (the executable's, when this copy lives in the codecs module) runs after this one. */
void panya_cleanup_install_handlers(void);

#endif
