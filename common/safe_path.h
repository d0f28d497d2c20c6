/* The rule every path inside a bundle follows (docs/FORMAT.md, "Manifest"): relative,
 * '/'-separated UTF-8; no empty, "." or ".." components; no backslash or control characters;
 * at most 4096 bytes, components of at most 255. Extracting such a path below a folder can
 * never leave it. */
#ifndef PANYA_COMMON_SAFE_PATH_H
#define PANYA_COMMON_SAFE_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* True when path[0..len) follows the rule (no NUL inside). */
bool panya_path_is_safe(const char *path, size_t len);

#endif
