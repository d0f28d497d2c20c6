#include "libpanya/bundle_catalogue.h"

#include "common/safe_path.h"
#include "libpanya/bundle_format.h"

#include <stdlib.h>
#include <string.h>

typedef struct cursor {
    const uint8_t *strings;
    uint32_t strings_size;
    int bad;
} cursor;

/* A string reference: NULL for absent, else a pointer to NUL-terminated bytes without an
 * inner NUL; a reference outside the strings area marks the catalogue bad. */
static const char *string_at(cursor *c, const uint8_t *p, int optional)
{
    uint32_t off = bundle_get_u32(p), len = bundle_get_u32(p + 4);
    if (off == CATALOGUE_ABSENT && optional && len == 0)
        return NULL;
    if ((uint64_t)off + len >= c->strings_size || c->strings[off + len] != 0 ||
        memchr(c->strings + off, 0, len) != NULL) {
        c->bad = 1;
        return "";
    }
    return (const char *)c->strings + off;
}

static int titles_ok(uint32_t first, uint32_t count, uint32_t text_count)
{
    return (uint64_t)first + count <= text_count;
}

int bundle_catalogue_decode(bundle_catalogue *c, const uint8_t *data, size_t size,
                            uint32_t variant_count, uint32_t profile_count)
{
    memset(c, 0, sizeof *c);
    if (size < CATALOGUE_HEADER_SIZE)
        return -1;
    uint32_t h[8];
    for (int i = 0; i < 8; i++)
        h[i] = bundle_get_u32(data + 4 * i);
    c->text_count = h[1];
    c->course_count = h[2];
    c->lesson_count = h[3];
    c->item_count = h[4];
    c->folder_count = h[5];
    c->variant_count = h[6];
    c->profile_count = h[7];
    if (c->variant_count != variant_count || c->profile_count != profile_count ||
        bundle_get_u64(data + 56) != 0)
        return -1;
    uint64_t need = CATALOGUE_HEADER_SIZE + (uint64_t)c->text_count * CATALOGUE_TEXT_SIZE +
                    (uint64_t)c->course_count * CATALOGUE_COURSE_SIZE +
                    (uint64_t)c->lesson_count * CATALOGUE_LESSON_SIZE +
                    (uint64_t)c->item_count * CATALOGUE_ITEM_SIZE +
                    (uint64_t)c->folder_count * CATALOGUE_STRING_SIZE +
                    (uint64_t)c->variant_count * CATALOGUE_STRING_SIZE +
                    (uint64_t)c->lesson_count * c->profile_count * 8 + h[0];
    if (need != size)
        return -1; /* the counts cannot claim more than the bytes hold */
    const uint8_t *p = data + CATALOGUE_HEADER_SIZE;
    const uint8_t *texts = p;
    const uint8_t *courses = texts + (size_t)c->text_count * CATALOGUE_TEXT_SIZE;
    const uint8_t *lessons = courses + (size_t)c->course_count * CATALOGUE_COURSE_SIZE;
    const uint8_t *items = lessons + (size_t)c->lesson_count * CATALOGUE_LESSON_SIZE;
    const uint8_t *folders = items + (size_t)c->item_count * CATALOGUE_ITEM_SIZE;
    const uint8_t *mimes = folders + (size_t)c->folder_count * CATALOGUE_STRING_SIZE;
    const uint8_t *sizes = mimes + (size_t)c->variant_count * CATALOGUE_STRING_SIZE;
    cursor cur = {sizes + (size_t)c->lesson_count * c->profile_count * 8, h[0], 0};

    c->texts = calloc(c->text_count + 1, sizeof *c->texts);
    c->courses = calloc(c->course_count + 1, sizeof *c->courses);
    c->lessons = calloc(c->lesson_count + 1, sizeof *c->lessons);
    c->items = calloc(c->item_count + 1, sizeof *c->items);
    c->folders = calloc(c->folder_count + 1, sizeof *c->folders);
    c->mimes = calloc(c->variant_count + 1, sizeof *c->mimes);
    c->sizes = calloc((size_t)c->lesson_count * c->profile_count + 1, sizeof *c->sizes);
    if (!c->texts || !c->courses || !c->lessons || !c->items || !c->folders || !c->mimes ||
        !c->sizes) {
        bundle_catalogue_free(c);
        return -2;
    }
    c->pack_id = string_at(&cur, data + 32, 0);
    c->pack_version = string_at(&cur, data + 40, 0);
    c->first_title = bundle_get_u32(data + 48);
    c->title_count = bundle_get_u32(data + 52);
    int ok = titles_ok(c->first_title, c->title_count, c->text_count);
    for (uint32_t i = 0; i < c->text_count; i++) {
        c->texts[i].lang = string_at(&cur, texts + (size_t)i * CATALOGUE_TEXT_SIZE, 0);
        c->texts[i].text = string_at(&cur, texts + (size_t)i * CATALOGUE_TEXT_SIZE + 8, 0);
    }
    uint64_t next_lesson = 0, next_item = 0;
    for (uint32_t i = 0; ok && i < c->course_count; i++) {
        const uint8_t *r = courses + (size_t)i * CATALOGUE_COURSE_SIZE;
        catalogue_course *k = &c->courses[i];
        k->id = string_at(&cur, r, 0);
        k->grade = string_at(&cur, r + 8, 1);
        k->subject = string_at(&cur, r + 16, 1);
        k->first_title = bundle_get_u32(r + 24);
        k->title_count = bundle_get_u32(r + 28);
        k->lesson_count = bundle_get_u32(r + 32);
        k->first_lesson = (uint32_t)next_lesson;
        next_lesson += k->lesson_count;
        ok = titles_ok(k->first_title, k->title_count, c->text_count) &&
             next_lesson <= c->lesson_count;
    }
    ok = ok && next_lesson == c->lesson_count;
    for (uint32_t i = 0; ok && i < c->lesson_count; i++) {
        const uint8_t *r = lessons + (size_t)i * CATALOGUE_LESSON_SIZE;
        catalogue_lesson *l = &c->lessons[i];
        l->id = string_at(&cur, r, 0);
        l->first_title = bundle_get_u32(r + 8);
        l->title_count = bundle_get_u32(r + 12);
        l->item_count = bundle_get_u32(r + 16);
        l->first_item = (uint32_t)next_item;
        next_item += l->item_count;
        ok = titles_ok(l->first_title, l->title_count, c->text_count) &&
             next_item <= c->item_count;
    }
    ok = ok && next_item == c->item_count;
    for (uint32_t i = 0; ok && i < c->item_count; i++) {
        const uint8_t *r = items + (size_t)i * CATALOGUE_ITEM_SIZE;
        catalogue_item *it = &c->items[i];
        it->id = string_at(&cur, r, 0);
        it->kind = string_at(&cur, r + 8, 0);
        it->path = string_at(&cur, r + 16, 0);
        it->launch = string_at(&cur, r + 24, 1);
        it->first_title = bundle_get_u32(r + 32);
        it->title_count = bundle_get_u32(r + 36);
        ok = titles_ok(it->first_title, it->title_count, c->text_count) &&
             (!it->launch || panya_path_is_safe(it->launch, strlen(it->launch)));
    }
    for (uint32_t i = 0; i < c->folder_count; i++) {
        c->folders[i] = string_at(&cur, folders + (size_t)i * CATALOGUE_STRING_SIZE, 0);
        ok = ok && panya_path_is_safe(c->folders[i], strlen(c->folders[i]));
    }
    for (uint32_t i = 0; i < c->variant_count; i++)
        c->mimes[i] = string_at(&cur, mimes + (size_t)i * CATALOGUE_STRING_SIZE, 0);
    for (size_t i = 0; i < (size_t)c->lesson_count * c->profile_count; i++)
        c->sizes[i] = bundle_get_u64(sizes + 8 * i);
    if (!ok || cur.bad) {
        bundle_catalogue_free(c);
        return -1;
    }
    return 0;
}

void bundle_catalogue_free(bundle_catalogue *c)
{
    free(c->texts);
    free(c->courses);
    free(c->lessons);
    free(c->items);
    free(c->folders);
    free(c->mimes);
    free(c->sizes);
    memset(c, 0, sizeof *c);
}
