/* UTF-8 checks shared by the readers of untrusted names (zip entries, hrefs). */
#ifndef PANYA_COMMON_UTF8_H
#define PANYA_COMMON_UTF8_H

#include <stdbool.h>

/* Whether the NUL-terminated string is well-formed UTF-8 (no overlong 2-byte forms). */
bool panya_utf8_valid(const char *s);

#endif
