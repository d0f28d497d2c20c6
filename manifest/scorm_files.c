#include "manifest/scorm_files.h"
#include "common/grow.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void scorm_files_init(scorm_files *files)
{
    memset(files, 0, sizeof *files);
}

void scorm_files_free(scorm_files *files)
{
    for (size_t i = 0; i < files->count; i++)
        free(files->paths[i]);
    free(files->paths);
    free(files->referenced);
    free(files->folded);
    memset(files, 0, sizeof *files);
}

int scorm_files_add(scorm_files *files, const char *path)
{
    if (panya_grow((void **)&files->paths, &files->capacity, files->count, sizeof *files->paths,
                   64) != 0)
        return -1;
    char *copy = strdup(path);
    if (!copy)
        return -1;
    files->paths[files->count++] = copy;
    return 0;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_folded(const void *a, const void *b, void *paths)
{
    char **p = paths;
    return strcasecmp(p[*(const size_t *)a], p[*(const size_t *)b]);
}

int scorm_files_finish(scorm_files *files)
{
    if (files->count)
        qsort(files->paths, files->count, sizeof *files->paths, compare_paths);
    size_t kept = 0;
    for (size_t i = 0; i < files->count; i++) {
        if (kept && strcmp(files->paths[kept - 1], files->paths[i]) == 0) {
            free(files->paths[i]);
            continue;
        }
        files->paths[kept++] = files->paths[i];
    }
    files->count = kept;
    free(files->referenced);
    free(files->folded);
    files->referenced = calloc(kept + 1, sizeof *files->referenced);
    files->folded = malloc((kept + 1) * sizeof *files->folded);
    if (!files->referenced || !files->folded)
        return -1;
    for (size_t i = 0; i < kept; i++)
        files->folded[i] = i;
    if (kept)
        qsort_r(files->folded, kept, sizeof *files->folded, compare_folded, files->paths);
    return 0;
}

long scorm_files_find(const scorm_files *files, const char *path)
{
    size_t low = 0, high = files->count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        int order = strcmp(files->paths[mid], path);
        if (order == 0)
            return (long)mid;
        if (order < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return -1;
}

long scorm_files_find_nocase(const scorm_files *files, const char *path)
{
    size_t low = 0, high = files->count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        int order = strcasecmp(files->paths[files->folded[mid]], path);
        if (order == 0)
            return (long)files->folded[mid];
        if (order < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return -1;
}
