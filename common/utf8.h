/* UTF-8 checks: Lao (U+0E80–U+0EFF) and English text must pass through unchanged. */
#ifndef PANYA_COMMON_UTF8_H
#define PANYA_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
bool panya_utf8_valid(const char *s, size_t len);

#endif
