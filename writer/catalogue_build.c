#include "writer/catalogue_build.h"

#include <stdlib.h>
#include <string.h>

#include "libpanya/bundle_catalogue.h"
#include "libpanya/bundle_format.h"
#include "writer/path_table_build.h"

/* Sections are written into separate growable buffers, then joined in format order. */
typedef struct buffer {
    uint8_t *data;
    size_t len, cap;
    int failed;
} buffer;

static uint8_t *grow(buffer *b, size_t n)
{
    if (b->failed)
        return NULL;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *data = realloc(b->data, cap);
        if (!data) {
            b->failed = 1;
            return NULL;
        }
        b->data = data;
        b->cap = cap;
    }
    uint8_t *p = b->data + b->len;
    b->len += n;
    return p;
}

static void put32(buffer *b, uint32_t v)
{
    uint8_t *p = grow(b, 4);
    if (p)
        bundle_put_u32(p, v);
}

static void put64(buffer *b, uint64_t v)
{
    uint8_t *p = grow(b, 8);
    if (p)
        bundle_put_u64(p, v);
}

typedef struct catalogue_writer {
    buffer texts, courses, lessons, items, folders, mimes, sizes, strings;
    uint32_t text_count;
} catalogue_writer;

/* A string reference into the strings area (each string followed by a NUL). */
static void put_string(catalogue_writer *w, buffer *b, const char *s)
{
    if (!s) {
        put32(b, CATALOGUE_ABSENT);
        put32(b, 0);
        return;
    }
    size_t n = strlen(s);
    put32(b, (uint32_t)w->strings.len);
    put32(b, (uint32_t)n);
    uint8_t *p = grow(&w->strings, n + 1);
    if (p)
        memcpy(p, s, n + 1);
}

/* What a player opens first: a file item is its own launch file; a package's is the page its
 * source reader found (absent when none is known). */
static const char *item_launch(const bundle_manifest *m, const manifest_item *item)
{
    if (item->launch)
        return item->launch;
    return bundle_manifest_find_file(m, item->path) ? item->path : NULL;
}

/* Appends titles to the text table; writes {first, count} into b. */
static void put_titles(catalogue_writer *w, buffer *b, const manifest_titles *titles)
{
    put32(b, w->text_count);
    put32(b, (uint32_t)titles->count);
    for (size_t i = 0; i < titles->count; i++) {
        put_string(w, &w->texts, titles->items[i].lang);
        put_string(w, &w->texts, titles->items[i].text);
    }
    w->text_count += (uint32_t)titles->count;
}

/* Bytes a device stores for a lesson in one profile: every file an item uses, in that
 * profile's variant, else its source, else its first. */
static uint64_t lesson_size(const bundle_manifest *m, const manifest_lesson *lesson,
                            const char *profile)
{
    uint64_t total = 0;
    for (size_t f = 0; f < m->file_count; f++) {
        const manifest_file *file = &m->files[f];
        size_t i = 0;
        while (i < lesson->item_count && !manifest_item_uses(&lesson->items[i], file->path))
            i++;
        if (i == lesson->item_count)
            continue;
        const manifest_variant *v = manifest_file_variant(file, profile);
        if (!v)
            v = manifest_file_variant(file, MANIFEST_PROFILE_SOURCE);
        if (!v)
            v = manifest_file_variant(file, NULL);
        total += v->size;
    }
    return total;
}

static void free_writer(catalogue_writer *w)
{
    buffer *all[] = {&w->texts, &w->courses, &w->lessons, &w->items,
                     &w->folders, &w->mimes, &w->sizes, &w->strings};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        free(all[i]->data);
}

int bundle_catalogue_build(const bundle_manifest *m, uint8_t **out, size_t *len,
                           panya_error *err)
{
    const char *profiles[BUNDLE_MAX_PROFILES];
    uint32_t profile_count;
    if (bundle_profile_list(m, profiles, &profile_count, err) != 0)
        return -1;
    catalogue_writer w = {0};
    buffer header = {0};
    uint32_t lesson_count = 0, item_count = 0, variant_count = 0;
    put_string(&w, &header, m->id);
    put_string(&w, &header, m->version);
    put_titles(&w, &header, &m->titles);
    for (size_t c = 0; c < m->course_count; c++) {
        const manifest_course *course = &m->courses[c];
        put_string(&w, &w.courses, course->id);
        put_string(&w, &w.courses, course->grade);
        put_string(&w, &w.courses, course->subject);
        put_titles(&w, &w.courses, &course->titles);
        put32(&w.courses, (uint32_t)course->lesson_count);
        for (size_t l = 0; l < course->lesson_count; l++, lesson_count++) {
            const manifest_lesson *lesson = &course->lessons[l];
            put_string(&w, &w.lessons, lesson->id);
            put_titles(&w, &w.lessons, &lesson->titles);
            put32(&w.lessons, (uint32_t)lesson->item_count);
            for (uint32_t p = 0; p < profile_count; p++)
                put64(&w.sizes, lesson_size(m, lesson, profiles[p]));
            for (size_t i = 0; i < lesson->item_count; i++, item_count++) {
                const manifest_item *item = &lesson->items[i];
                put_string(&w, &w.items, item->id);
                put_string(&w, &w.items, item->kind);
                put_string(&w, &w.items, item->path);
                put_string(&w, &w.items, item_launch(m, item));
                put_titles(&w, &w.items, &item->titles);
            }
        }
    }
    for (size_t i = 0; i < m->folder_count; i++)
        put_string(&w, &w.folders, m->folders[i]);
    for (size_t f = 0; f < m->file_count; f++)
        for (size_t v = 0; v < m->files[f].variant_count; v++, variant_count++)
            put_string(&w, &w.mimes, m->files[f].variants[v].mime);
    uint32_t counts[8] = {(uint32_t)w.strings.len,  w.text_count,    (uint32_t)m->course_count,
                          lesson_count,             item_count,      (uint32_t)m->folder_count,
                          variant_count,            profile_count};
    buffer *parts[] = {&w.texts, &w.courses, &w.lessons, &w.items,
                       &w.folders, &w.mimes, &w.sizes, &w.strings};
    size_t total = CATALOGUE_HEADER_SIZE;
    int failed = header.failed;
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        total += parts[i]->len;
        failed |= parts[i]->failed;
    }
    if (total > UINT32_MAX) {
        free(header.data);
        free_writer(&w);
        return panya_error_set(err, PANYA_ERR_USAGE, "too many lessons for one bundle");
    }
    uint8_t *bytes = failed ? NULL : calloc(1, total);
    if (!bytes) {
        free(header.data);
        free_writer(&w);
        return panya_error_oom(err);
    }
    for (int i = 0; i < 8; i++)
        bundle_put_u32(bytes + 4 * i, counts[i]);
    memcpy(bytes + 32, header.data, header.len); /* id, version, titles; then 8 zero bytes */
    size_t at = CATALOGUE_HEADER_SIZE;
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (parts[i]->len)
            memcpy(bytes + at, parts[i]->data, parts[i]->len);
        at += parts[i]->len;
    }
    free(header.data);
    free_writer(&w);
    *out = bytes;
    *len = total;
    return 0;
}
