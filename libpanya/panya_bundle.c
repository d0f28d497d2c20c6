/* The public API: opening, facts and the catalogue (include/panya.h). */
#include "libpanya/panya_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

panya_status panya_fail(panya_error_info *out, const panya_error *err)
{
    panya_status status = err->code ? (panya_status)err->code : PANYA_ERR_INTERNAL;
    if (out) {
        out->status = status;
        size_t n = strnlen(err->message, sizeof out->message - 1);
        memcpy(out->message, err->message, n);
        out->message[n] = '\0';
    }
    return status;
}

panya_status panya_failf(panya_error_info *out, panya_status status, const char *fmt, ...)
{
    if (out) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(out->message, sizeof out->message, fmt, ap);
        va_end(ap);
        out->status = status;
    }
    return status;
}

const char *panya_status_text(panya_status status)
{
    switch (status) {
    case PANYA_OK: return "success";
    case PANYA_ERR_INVALID: return "invalid or damaged input";
    case PANYA_ERR_USAGE: return "bad request";
    case PANYA_ERR_OUTPUT: return "output could not be written";
    case PANYA_ERR_READBACK: return "output reads back different";
    case PANYA_ERR_INTERNAL: return "internal error";
    case PANYA_ERR_NOMEM: return "out of memory";
    case PANYA_ERR_NOT_FOUND: return "not found";
    case PANYA_ERR_UNSUPPORTED: return "made by a newer panya, or not in this format version";
    case PANYA_ERR_IO: return "read error";
    }
    return "unknown status";
}

/* Copies len bytes to *p with a NUL after them, advances *p, returns the copy. */
static char *append_terminated(char **p, const uint8_t *s, uint32_t len)
{
    char *copy = *p;
    memcpy(copy, s, len);
    copy[len] = '\0';
    *p += len + 1;
    return copy;
}

/* NUL-terminated copies of the path table's paths and profile names, so that info structs
 * can hand out plain C strings. Sized from the lengths, not from strings_size: entries may
 * share or overlap their bytes in the strings area, so the copies can need more room. */
static int copy_path_strings(panya_bundle *b, const bundle_path_table *t)
{
    uint64_t total = 1;
    for (uint32_t f = 0; f < t->file_count; f++) {
        uint32_t len;
        bundle_path_table_path(t, f, &len);
        total += (uint64_t)len + 1;
    }
    for (uint32_t i = 0; i < t->profile_count; i++) {
        uint32_t len;
        bundle_path_table_profile(t, i, &len);
        total += (uint64_t)len + 1;
    }
    if (total != (size_t)total) /* a 32-bit phone */
        return -1;
    b->strings = malloc((size_t)total);
    b->paths = calloc(t->file_count + 1, sizeof *b->paths);
    b->profiles = calloc(t->profile_count + 1, sizeof *b->profiles);
    if (!b->strings || !b->paths || !b->profiles)
        return -1;
    char *p = b->strings;
    uint32_t len;
    for (uint32_t f = 0; f < t->file_count; f++) {
        const uint8_t *s = bundle_path_table_path(t, f, &len);
        b->paths[f] = append_terminated(&p, s, len);
    }
    for (uint32_t i = 0; i < t->profile_count; i++) {
        const uint8_t *s = bundle_path_table_profile(t, i, &len);
        b->profiles[i] = append_terminated(&p, s, len);
    }
    b->file_count = t->file_count;
    b->profile_count = t->profile_count;
    return 0;
}

static panya_status finish_open(panya_bundle *b, panya_error_info *err)
{
    panya_error e = {0};
    size_t objects = bundle_reader_object_count(b->reader);
    b->checked = calloc(objects ? objects : 1, sizeof *b->checked);
    b->cache = object_cache_new(b->flags & PANYA_OPEN_NO_CACHE ? 0 : PANYA_DEFAULT_CACHE_BYTES);
    if (!b->checked || !b->cache)
        return panya_failf(err, PANYA_ERR_NOMEM, "out of memory");
    const bundle_path_table *t = bundle_reader_path_table(b->reader, NULL);
    if (t && copy_path_strings(b, t) != 0)
        return panya_failf(err, PANYA_ERR_NOMEM, "out of memory");
    const bundle_catalogue *c = bundle_reader_catalogue(b->reader, NULL);
    if (c) {
        b->texts = calloc(c->text_count + 1, sizeof *b->texts);
        if (!b->texts)
            return panya_failf(err, PANYA_ERR_NOMEM, "out of memory");
        for (uint32_t i = 0; i < c->text_count; i++)
            b->texts[i] = (panya_text){c->texts[i].lang, c->texts[i].text};
    }
    if (panya_load_signature(b, &e) != 0)
        return panya_fail(err, &e);
    return PANYA_OK;
}

static panya_status open_with(bundle_reader *r, unsigned flags, panya_bundle **bundle,
                              panya_error_info *err, const panya_error *open_err)
{
    *bundle = NULL;
    if (!r)
        return panya_fail(err, open_err);
    panya_bundle *b = calloc(1, sizeof *b);
    if (!b) {
        bundle_reader_close(r);
        return panya_failf(err, PANYA_ERR_NOMEM, "out of memory");
    }
    b->reader = r;
    b->flags = flags;
    panya_status status = finish_open(b, err);
    if (status != PANYA_OK) {
        panya_close(b);
        return status;
    }
    *bundle = b;
    return PANYA_OK;
}

#define KNOWN_FLAGS (PANYA_OPEN_NO_CACHE | PANYA_OPEN_CHECK_RAW)

panya_status panya_open(const char *path, unsigned flags, panya_bundle **bundle,
                        panya_error_info *err)
{
    if (!path || !bundle || (flags & ~KNOWN_FLAGS))
        return panya_failf(err, PANYA_ERR_USAGE, "panya_open: bad arguments");
    panya_error e = {0};
    bundle_reader *r = bundle_reader_open(path, &e);
    return open_with(r, flags, bundle, err, &e);
}

panya_status panya_open_fd(int fd, uint64_t offset, uint64_t length, unsigned flags,
                           panya_bundle **bundle, panya_error_info *err)
{
    if (fd < 0 || !bundle || (flags & ~KNOWN_FLAGS))
        return panya_failf(err, PANYA_ERR_USAGE, "panya_open_fd: bad arguments");
    char name[64];
    snprintf(name, sizeof name, "descriptor %d", fd);
    panya_error e = {0};
    bundle_reader *r = bundle_reader_open_fd(fd, offset, length, name, &e);
    return open_with(r, flags, bundle, err, &e);
}

void panya_close(panya_bundle *b)
{
    if (!b)
        return;
    bundle_reader_close(b->reader);
    object_cache_free(b->cache);
    free(b->checked);
    free(b->strings);
    free(b->paths);
    free(b->profiles);
    free(b->texts);
    free(b);
}

void panya_set_cache_limit(panya_bundle *b, size_t bytes)
{
    object_cache_set_limit(b->cache, bytes);
}

const char *panya_title(const panya_text *titles, size_t count, const char *lang)
{
    for (size_t i = 0; titles && lang && i < count; i++)
        if (strcmp(titles[i].lang, lang) == 0)
            return titles[i].text;
    return NULL;
}

panya_status panya_get_facts(const panya_bundle *b, panya_facts *facts)
{
    const bundle_footer *f = bundle_reader_footer(b->reader);
    memset(facts, 0, sizeof *facts);
    facts->format_major = f->format_major;
    facts->format_minor = f->format_minor;
    facts->bundle_size = bundle_reader_file_size(b->reader);
    facts->object_count = f->index_count;
    facts->dictionary_count = f->dict_count;
    facts->file_count = b->file_count;
    facts->part_number = f->part_number;
    facts->part_count = f->part_count;
    facts->tables_intact = bundle_reader_tables_intact(b->reader);
    facts->is_signed = b->is_signed;
    memcpy(facts->key_id, b->key_id, sizeof facts->key_id);
    memcpy(facts->signer_public_key, b->signer_key, sizeof facts->signer_public_key);
    const bundle_catalogue *c = bundle_reader_catalogue(b->reader, NULL);
    if (c) {
        facts->has_catalogue = 1;
        facts->pack_id = c->pack_id;
        facts->pack_version = c->pack_version;
        facts->titles = b->texts + c->first_title;
        facts->title_count = c->title_count;
    }
    return PANYA_OK;
}

size_t panya_profile_count(const panya_bundle *b)
{
    return b->profile_count;
}

const char *panya_profile_name(const panya_bundle *b, size_t profile)
{
    return profile < b->profile_count ? b->profiles[profile] : NULL;
}

static const bundle_catalogue *catalogue_of(const panya_bundle *b, panya_status *status)
{
    panya_error e = {0};
    const bundle_catalogue *c = bundle_reader_catalogue(b->reader, &e);
    *status = c ? PANYA_OK : (panya_status)e.code;
    return c;
}

size_t panya_course_count(const panya_bundle *b)
{
    panya_status status;
    const bundle_catalogue *c = catalogue_of(b, &status);
    return c ? c->course_count : 0;
}

panya_status panya_course(const panya_bundle *b, size_t course, panya_course_info *info)
{
    panya_status status;
    const bundle_catalogue *c = catalogue_of(b, &status);
    if (!c)
        return status;
    if (course >= c->course_count)
        return PANYA_ERR_NOT_FOUND;
    const catalogue_course *k = &c->courses[course];
    *info = (panya_course_info){k->id, k->grade, k->subject, b->texts + k->first_title,
                                k->title_count, k->lesson_count};
    return PANYA_OK;
}

static const catalogue_lesson *lesson_at(const panya_bundle *b, size_t course, size_t lesson,
                                         panya_status *status)
{
    const bundle_catalogue *c = catalogue_of(b, status);
    if (!c)
        return NULL;
    if (course >= c->course_count || lesson >= c->courses[course].lesson_count) {
        *status = PANYA_ERR_NOT_FOUND;
        return NULL;
    }
    return &c->lessons[c->courses[course].first_lesson + lesson];
}

panya_status panya_lesson(const panya_bundle *b, size_t course, size_t lesson,
                          panya_lesson_info *info)
{
    panya_status status;
    const catalogue_lesson *l = lesson_at(b, course, lesson, &status);
    if (!l)
        return status;
    const bundle_catalogue *c = bundle_reader_catalogue(b->reader, NULL);
    size_t number = (size_t)(l - c->lessons);
    *info = (panya_lesson_info){l->id, b->texts + l->first_title, l->title_count,
                                l->item_count, c->sizes + number * c->profile_count,
                                c->profile_count};
    return PANYA_OK;
}

panya_status panya_item(const panya_bundle *b, size_t course, size_t lesson, size_t item,
                        panya_item_info *info)
{
    panya_status status;
    const catalogue_lesson *l = lesson_at(b, course, lesson, &status);
    if (!l)
        return status;
    if (item >= l->item_count)
        return PANYA_ERR_NOT_FOUND;
    const bundle_catalogue *c = bundle_reader_catalogue(b->reader, NULL);
    const catalogue_item *it = &c->items[l->first_item + item];
    *info = (panya_item_info){it->id, it->kind, it->path, b->texts + it->first_title,
                              it->title_count, it->launch};
    return PANYA_OK;
}

size_t panya_folder_count(const panya_bundle *b)
{
    panya_status status;
    const bundle_catalogue *c = catalogue_of(b, &status);
    return c ? c->folder_count : 0;
}

const char *panya_folder(const panya_bundle *b, size_t index)
{
    panya_status status;
    const bundle_catalogue *c = catalogue_of(b, &status);
    return c && index < c->folder_count ? c->folders[index] : NULL;
}
