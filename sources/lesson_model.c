#include "sources/lesson_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

lesson_model *lesson_model_new(const char *id, const char *version)
{
    lesson_model *model = calloc(1, sizeof *model);
    if (!model)
        return NULL;
    model->manifest = bundle_manifest_new(id, version);
    if (!model->manifest) {
        free(model);
        return NULL;
    }
    return model;
}

static void free_strings(char **items, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(items[i]);
    free(items);
}

void lesson_model_free(lesson_model *model)
{
    if (!model)
        return;
    for (size_t i = 0; i < model->file_count; i++) {
        free(model->files[i].bundle_path);
        free(model->files[i].disk_path);
    }
    free(model->files);
    free_strings(model->empty_folders, model->folder_count);
    free_strings(model->skipped, model->skipped_count);
    free_strings(model->warnings, model->warning_count);
    bundle_manifest_free(model->manifest);
    free(model);
}

static int push(char ***items, size_t *count, char *s)
{
    if (!s)
        return -1;
    char **grown = realloc(*items, (*count + 1) * sizeof *grown);
    if (!grown) {
        free(s);
        return -1;
    }
    grown[(*count)++] = s;
    *items = grown;
    return 0;
}

int lesson_model_add_file(lesson_model *model, const char *bundle_path, const char *disk_path,
                          panya_error *err)
{
    if (!manifest_path_is_safe(bundle_path))
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: unsafe path '%s' in the bundle",
                               disk_path, bundle_path);
    model_file *grown = realloc(model->files, (model->file_count + 1) * sizeof *grown);
    if (!grown)
        return panya_error_oom(err);
    model->files = grown;
    model_file *f = &grown[model->file_count];
    f->bundle_path = strdup(bundle_path);
    f->disk_path = strdup(disk_path);
    if (!f->bundle_path || !f->disk_path) {
        free(f->bundle_path);
        free(f->disk_path);
        return panya_error_oom(err);
    }
    model->file_count++;
    return 0;
}

int lesson_model_add_folder(lesson_model *model, const char *bundle_path, panya_error *err)
{
    if (!manifest_path_is_safe(bundle_path))
        return panya_error_set(err, PANYA_ERR_INVALID, "unsafe folder path '%s'", bundle_path);
    return push(&model->empty_folders, &model->folder_count, strdup(bundle_path))
               ? panya_error_oom(err)
               : 0;
}

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;
    return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

int lesson_model_skip(lesson_model *model, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = vformat(fmt, ap);
    va_end(ap);
    return push(&model->skipped, &model->skipped_count, line);
}

int lesson_model_warn(lesson_model *model, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = vformat(fmt, ap);
    va_end(ap);
    return push(&model->warnings, &model->warning_count, line);
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const model_file *)a)->bundle_path, ((const model_file *)b)->bundle_path);
}

int lesson_model_finish(lesson_model *model, panya_error *err)
{
    if (model->file_count)
        qsort(model->files, model->file_count, sizeof *model->files, compare_files);
    for (size_t i = 1; i < model->file_count; i++)
        if (strcmp(model->files[i - 1].bundle_path, model->files[i].bundle_path) == 0)
            return panya_error_set(err, PANYA_ERR_INVALID,
                                   "two sources give the same path '%s' (%s and %s)",
                                   model->files[i].bundle_path, model->files[i - 1].disk_path,
                                   model->files[i].disk_path);
    return lesson_model_resolve_launches(model, err);
}

/* The value of the digit at s (ASCII 0-9 or Lao ໐-໙, U+0ED0-U+0ED9: E0 BB 90-99), and its
 * length in bytes; 0 when s is not a digit. */
static size_t digit_at(const char *s, int *value)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] >= '0' && p[0] <= '9') {
        *value = p[0] - '0';
        return 1;
    }
    if (p[0] == 0xE0 && p[1] == 0xBB && p[2] >= 0x90 && p[2] <= 0x99) {
        *value = p[2] - 0x90;
        return 3;
    }
    return 0;
}

/* Reads the number at *s: skips leading zeros, stores up to `size` digit values (most
 * significant first) and returns how many digits it has. Advances *s past it. */
static size_t read_number(const char **s, int *digits, size_t size)
{
    size_t count = 0, len;
    int value;
    while ((len = digit_at(*s, &value))) {
        *s += len;
        if (count == 0 && value == 0)
            continue;
        if (count < size)
            digits[count] = value;
        count++;
    }
    return count;
}

int lesson_name_compare(const char *a, const char *b)
{
    int va, vb;
    while (*a && *b) {
        if (digit_at(a, &va) && digit_at(b, &vb)) {
            /* "10 Wind" after "2 Rain", and "໑໐" after "໒" (Lao digits are numbers too). */
            int da[64], db[64];
            size_t la = read_number(&a, da, 64), lb = read_number(&b, db, 64);
            if (la != lb)
                return la < lb ? -1 : 1;
            for (size_t i = 0; i < la && i < 64; i++)
                if (da[i] != db[i])
                    return da[i] < db[i] ? -1 : 1;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}
