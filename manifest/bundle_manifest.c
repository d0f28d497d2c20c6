#include "manifest/bundle_manifest.h"

#include <stdlib.h>
#include <string.h>

#include "common/safe_path.h"

/* Grows *items (of *count elements of elem_size) by one zeroed element; NULL when OOM. */
static void *append_zeroed(void **items, size_t *count, size_t elem_size)
{
    void *grown = realloc(*items, (*count + 1) * elem_size);
    if (!grown)
        return NULL;
    *items = grown;
    void *slot = (char *)grown + *count * elem_size;
    memset(slot, 0, elem_size);
    (*count)++;
    return slot;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

bundle_manifest *bundle_manifest_new(const char *id, const char *version)
{
    bundle_manifest *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->id = strdup(id);
    m->version = strdup(version);
    if (!m->id || !m->version) {
        bundle_manifest_free(m);
        return NULL;
    }
    return m;
}

void manifest_titles_free(manifest_titles *titles)
{
    for (size_t i = 0; i < titles->count; i++) {
        free(titles->items[i].lang);
        free(titles->items[i].text);
    }
    free(titles->items);
    titles->items = NULL;
    titles->count = 0;
}

const char *manifest_titles_pick(const manifest_titles *titles, const char *lang)
{
    for (size_t i = 0; i < titles->count; i++)
        if (strcmp(titles->items[i].lang, lang) == 0)
            return titles->items[i].text;
    return titles->count ? titles->items[0].text : NULL;
}

static void free_variant(manifest_variant *v)
{
    free(v->profile);
    free(v->mime);
    free(v->codecs);
}

static void free_lesson(manifest_lesson *lesson)
{
    for (size_t i = 0; i < lesson->item_count; i++) {
        free(lesson->items[i].id);
        free(lesson->items[i].kind);
        free(lesson->items[i].path);
        free(lesson->items[i].launch);
        manifest_titles_free(&lesson->items[i].titles);
    }
    free(lesson->items);
    free(lesson->id);
    manifest_titles_free(&lesson->titles);
}

bool manifest_item_uses(const manifest_item *item, const char *path)
{
    size_t n = strlen(item->path);
    return strncmp(item->path, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int manifest_item_set_launch(manifest_item *item, const char *launch)
{
    char *copy = strdup(launch);
    if (!copy)
        return -1;
    free(item->launch);
    item->launch = copy;
    return 0;
}

int manifest_course_remove_lesson(manifest_course *course, size_t index)
{
    if (index >= course->lesson_count)
        return -1;
    free_lesson(&course->lessons[index]);
    memmove(&course->lessons[index], &course->lessons[index + 1],
            (course->lesson_count - index - 1) * sizeof *course->lessons);
    course->lesson_count--;
    return 0;
}

void bundle_manifest_free(bundle_manifest *m)
{
    if (!m)
        return;
    for (size_t c = 0; c < m->course_count; c++) {
        manifest_course *course = &m->courses[c];
        for (size_t l = 0; l < course->lesson_count; l++)
            free_lesson(&course->lessons[l]);
        free(course->lessons);
        free(course->id);
        free(course->grade);
        free(course->subject);
        manifest_titles_free(&course->titles);
    }
    free(m->courses);
    for (size_t f = 0; f < m->file_count; f++) {
        for (size_t v = 0; v < m->files[f].variant_count; v++)
            free_variant(&m->files[f].variants[v]);
        free(m->files[f].variants);
        free(m->files[f].path);
    }
    free(m->files);
    for (size_t d = 0; d < m->folder_count; d++)
        free(m->folders[d]);
    free(m->folders);
    manifest_titles_free(&m->titles);
    free(m->id);
    free(m->version);
    free(m);
}

int manifest_titles_add(manifest_titles *titles, const char *lang, const char *text)
{
    manifest_text *t = append_zeroed((void **)&titles->items, &titles->count, sizeof *t);
    if (!t)
        return -1;
    t->lang = strdup(lang);
    t->text = strdup(text);
    return t->lang && t->text ? 0 : -1;
}

bool manifest_path_is_safe(const char *path)
{
    return panya_path_is_safe(path, strlen(path));
}

manifest_file *bundle_manifest_add_file(bundle_manifest *m, const char *path, panya_error *err)
{
    if (!manifest_path_is_safe(path)) {
        panya_error_set(err, PANYA_ERR_INVALID, "unsafe path '%s'", path);
        return NULL;
    }
    manifest_file *f = append_zeroed((void **)&m->files, &m->file_count, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        if (f)
            m->file_count--;
        panya_error_oom(err);
        return NULL;
    }
    return f;
}

int manifest_file_add_variant(manifest_file *file, const manifest_variant *variant,
                              panya_error *err)
{
    manifest_variant *v =
        append_zeroed((void **)&file->variants, &file->variant_count, sizeof *v);
    if (!v)
        return panya_error_oom(err);
    *v = *variant;
    v->profile = strdup(variant->profile);
    v->mime = strdup(variant->mime);
    v->codecs = dup_or_null(variant->codecs);
    if (!v->profile || !v->mime || (variant->codecs && !v->codecs))
        return panya_error_oom(err);
    return 0;
}

int bundle_manifest_add_folder(bundle_manifest *m, const char *path, panya_error *err)
{
    if (!manifest_path_is_safe(path))
        return panya_error_set(err, PANYA_ERR_INVALID, "unsafe folder path '%s'", path);
    char **slot = append_zeroed((void **)&m->folders, &m->folder_count, sizeof *slot);
    if (!slot || !(*slot = strdup(path)))
        return panya_error_oom(err);
    return 0;
}

manifest_course *bundle_manifest_add_course(bundle_manifest *m, const char *id)
{
    manifest_course *c = append_zeroed((void **)&m->courses, &m->course_count, sizeof *c);
    if (c && !(c->id = strdup(id)))
        return NULL;
    return c;
}

manifest_lesson *manifest_course_add_lesson(manifest_course *course, const char *id)
{
    manifest_lesson *l =
        append_zeroed((void **)&course->lessons, &course->lesson_count, sizeof *l);
    if (l && !(l->id = strdup(id)))
        return NULL;
    return l;
}

manifest_item *manifest_lesson_add_item(manifest_lesson *lesson, const char *id,
                                        const char *kind, const char *path)
{
    manifest_item *it = append_zeroed((void **)&lesson->items, &lesson->item_count, sizeof *it);
    if (!it)
        return NULL;
    it->id = strdup(id);
    it->kind = strdup(kind);
    it->path = strdup(path);
    return it->id && it->kind && it->path ? it : NULL;
}

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const manifest_file *)a)->path, ((const manifest_file *)b)->path);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* True when `prefix` names a folder that contains `path` ("a/b" contains "a/b/c"). */
static bool is_folder_of(const char *prefix, const char *path)
{
    size_t n = strlen(prefix);
    return strncmp(prefix, path, n) == 0 && path[n] == '/';
}

int bundle_manifest_finish(bundle_manifest *m, panya_error *err)
{
    if (m->file_count) /* qsort's pointer must not be NULL, even for no elements */
        qsort(m->files, m->file_count, sizeof *m->files, compare_files);
    if (m->folder_count)
        qsort(m->folders, m->folder_count, sizeof *m->folders, compare_strings);
    for (size_t i = 0; i < m->file_count; i++) {
        const manifest_file *f = &m->files[i];
        if (f->variant_count == 0)
            return panya_error_set(err, PANYA_ERR_INVALID, "file '%s' has no variant",
                                   f->path);
        for (size_t a = 0; a < f->variant_count; a++)
            for (size_t b = a + 1; b < f->variant_count; b++)
                if (strcmp(f->variants[a].profile, f->variants[b].profile) == 0)
                    return panya_error_set(err, PANYA_ERR_INVALID,
                                           "file '%s' has two '%s' variants", f->path,
                                           f->variants[a].profile);
        if (i + 1 < m->file_count) {
            const char *next = m->files[i + 1].path;
            if (strcmp(f->path, next) == 0)
                return panya_error_set(err, PANYA_ERR_INVALID, "file '%s' is listed twice",
                                       f->path);
            /* Sorted order puts "a/b" right before "a/b/…" or "a/b-…"/"a/b.…" siblings;
             * scan forward over the names that share the prefix. */
            for (size_t j = i + 1; j < m->file_count; j++) {
                if (strncmp(m->files[j].path, f->path, strlen(f->path)) != 0)
                    break;
                if (is_folder_of(f->path, m->files[j].path))
                    return panya_error_set(err, PANYA_ERR_INVALID,
                                           "'%s' is both a file and a folder", f->path);
            }
        }
    }
    for (size_t d = 0; d < m->folder_count; d++) {
        if (d + 1 < m->folder_count && strcmp(m->folders[d], m->folders[d + 1]) == 0)
            return panya_error_set(err, PANYA_ERR_INVALID, "folder '%s' is listed twice",
                                   m->folders[d]);
        if (bundle_manifest_find_file(m, m->folders[d]))
            return panya_error_set(err, PANYA_ERR_INVALID,
                                   "'%s' is both a file and a folder", m->folders[d]);
    }
    return 0;
}

const manifest_file *bundle_manifest_find_file(const bundle_manifest *m, const char *path)
{
    size_t lo = 0, hi = m->file_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(path, m->files[mid].path);
        if (cmp == 0)
            return &m->files[mid];
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

const manifest_variant *manifest_file_variant(const manifest_file *file, const char *profile)
{
    if (file->variant_count == 0)
        return NULL;
    if (!profile)
        return &file->variants[0];
    for (size_t i = 0; i < file->variant_count; i++)
        if (strcmp(file->variants[i].profile, profile) == 0)
            return &file->variants[i];
    return NULL;
}
