#include "common/grow.h"

#include <stdint.h>
#include <stdlib.h>

int panya_grow(void **items, size_t *capacity, size_t count, size_t elem_size,
               size_t first_capacity)
{
    if (count < *capacity)
        return 0;
    size_t wanted = *capacity ? *capacity * 2 : first_capacity;
    if (wanted <= count || wanted > SIZE_MAX / elem_size)
        return -1;
    void *grown = realloc(*items, wanted * elem_size);
    if (!grown)
        return -1;
    *items = grown;
    *capacity = wanted;
    return 0;
}
