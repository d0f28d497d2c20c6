/* The folder of the running executable, so an installed or built panya finds its data files
 * relative to itself, whatever prefix it was installed under. */
#ifndef PANYA_COMMON_EXE_DIR_H
#define PANYA_COMMON_EXE_DIR_H

#include <stddef.h>

/* Writes the executable's folder (no trailing '/') into out. Returns 0, or -1 when it cannot
 * be known (no /proc) or does not fit. Thread-safe. */
int panya_exe_dir(char *out, size_t size);

#endif
