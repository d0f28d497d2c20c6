/* UTF-8 checks: Lao (U+0E80–U+0EFF) and English text must pass through unchanged. */
#ifndef PANYA_COMMON_UTF8_H
#define PANYA_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
bool panya_utf8_valid(const char *s, size_t len);

/* A malloc'd copy of s that is valid UTF-8: s itself when it is, else s with every byte
 * >= 0x80 written as "\xNN" (a legacy file name stays recognisable). NULL when out of memory. */
char *panya_utf8_escape(const char *s);

#endif
