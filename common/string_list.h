/* A growable list of malloc'd strings (names of damaged files, lessons, ...). */
#ifndef PANYA_COMMON_STRING_LIST_H
#define PANYA_COMMON_STRING_LIST_H

#include <stddef.h>

/* Appends a copy of s unless the list already holds it. Returns 0, or -1 when out of memory. */
int panya_strings_add_unique(char ***items, size_t *count, const char *s);

/* Frees every string and the list; *items becomes NULL and *count 0. */
void panya_strings_free(char ***items, size_t *count);

#endif
