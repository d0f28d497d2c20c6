/* Growable arrays: the one doubling rule every room used to write by hand. */
#ifndef PANYA_COMMON_GROW_H
#define PANYA_COMMON_GROW_H

#include <stddef.h>

/* Makes room for one more element after *count in the array *items of *capacity elements of
 * elem_size bytes, doubling it (first_capacity when empty). *items and *capacity change only
 * on success. Returns 0, or -1 when out of memory (the array is left as it was). */
int panya_grow(void **items, size_t *capacity, size_t count, size_t elem_size,
               size_t first_capacity);

#endif
