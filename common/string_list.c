#include "common/string_list.h"

#include <stdlib.h>
#include <string.h>

int panya_strings_add_unique(char ***items, size_t *count, const char *s)
{
    for (size_t i = 0; i < *count; i++)
        if (strcmp((*items)[i], s) == 0)
            return 0;
    char **grown = realloc(*items, (*count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    *items = grown;
    if (!(grown[*count] = strdup(s)))
        return -1;
    (*count)++;
    return 0;
}

void panya_strings_free(char ***items, size_t *count)
{
    for (size_t i = 0; i < *count; i++)
        free((*items)[i]);
    free(*items);
    *items = NULL;
    *count = 0;
}
