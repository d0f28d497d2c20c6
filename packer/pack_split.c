#include "packer/pack_split.h"

#include <stdlib.h>
#include <string.h>

#include "libpanya/bundle_format.h"

#define PART_OVERHEAD (64u * 1024) /* header, footer, tables, dictionaries (checked after writing) */
#define FILE_OVERHEAD 1024          /* index entry, manifest and path table lines, padding */

static bool lesson_uses(const manifest_lesson *lesson, const char *path)
{
    for (size_t i = 0; i < lesson->item_count; i++)
        if (manifest_item_uses(&lesson->items[i], path))
            return true;
    return false;
}

static size_t lesson_count(const bundle_manifest *m)
{
    size_t n = 0;
    for (size_t c = 0; c < m->course_count; c++)
        n += m->courses[c].lesson_count;
    return n;
}

int pack_split_plan_make(const lesson_model *model, const uint64_t *file_bytes,
                         const bool *dropped, uint64_t limit, pack_split_plan *plan,
                         panya_error *err)
{
    const bundle_manifest *m = model->manifest;
    memset(plan, 0, sizeof *plan);
    size_t lessons = lesson_count(m);
    plan->part_of_lesson = calloc(lessons + 1, sizeof *plan->part_of_lesson);
    plan->part_of_file = malloc((model->file_count + 1) * sizeof *plan->part_of_file);
    bool *placed = calloc(model->file_count + 1, sizeof *placed);
    if (!plan->part_of_lesson || !plan->part_of_file || !placed) {
        free(placed);
        pack_split_plan_free(plan);
        return panya_error_oom(err);
    }
    if (limit <= PART_OVERHEAD) {
        free(placed);
        pack_split_plan_free(plan);
        return panya_error_set(err, PANYA_ERR_USAGE, "--split needs at least %u KiB per part",
                               PART_OVERHEAD / 1024 + 1);
    }
    uint64_t room = limit - PART_OVERHEAD, used = 0;
    size_t part = 0, k = 0;
    int status = 0;
    /* Lessons first, in course order; a lesson's files go where the lesson goes. */
    for (size_t c = 0; c < m->course_count && status == 0; c++) {
        const manifest_course *course = &m->courses[c];
        for (size_t l = 0; l < course->lesson_count && status == 0; l++, k++) {
            uint64_t need = 0;
            for (size_t f = 0; f < model->file_count; f++)
                if (!dropped[f] && !placed[f] && lesson_uses(&course->lessons[l],
                                                             model->files[f].bundle_path))
                    need += file_bytes[f] + FILE_OVERHEAD;
            if (need > room) {
                const char *title = manifest_titles_pick(&course->lessons[l].titles, "lo");
                status = panya_error_set(err, PANYA_ERR_USAGE,
                                         "lesson %s (%s) needs %llu bytes, more than a part "
                                         "of --split %llu can hold",
                                         course->lessons[l].id, title ? title : "",
                                         (unsigned long long)need, (unsigned long long)limit);
                break;
            }
            if (used + need > room) {
                part++;
                used = 0;
            }
            used += need;
            plan->part_of_lesson[k] = part;
            for (size_t f = 0; f < model->file_count; f++)
                if (!dropped[f] && !placed[f] && lesson_uses(&course->lessons[l],
                                                             model->files[f].bundle_path)) {
                    placed[f] = true;
                    plan->part_of_file[f] = part;
                }
        }
    }
    /* Files outside lessons (plain folders) fill parts one by one. */
    for (size_t f = 0; f < model->file_count && status == 0; f++) {
        if (dropped[f] || placed[f])
            continue;
        uint64_t need = file_bytes[f] + FILE_OVERHEAD;
        if (need > room) {
            status = panya_error_set(err, PANYA_ERR_USAGE,
                                     "%s needs %llu bytes, more than a part of --split %llu "
                                     "can hold",
                                     model->files[f].bundle_path, (unsigned long long)need,
                                     (unsigned long long)limit);
            break;
        }
        if (used + need > room) {
            part++;
            used = 0;
        }
        used += need;
        plan->part_of_file[f] = part;
    }
    free(placed);
    if (status != 0) {
        pack_split_plan_free(plan);
        return -1;
    }
    plan->part_count = part + 1;
    return 0;
}

void pack_split_plan_free(pack_split_plan *plan)
{
    free(plan->part_of_lesson);
    free(plan->part_of_file);
    memset(plan, 0, sizeof *plan);
}

bool pack_split_file_in_part(const lesson_model *model, const pack_split_plan *plan, size_t f,
                             size_t p)
{
    if (plan->part_of_file[f] == p)
        return true;
    const bundle_manifest *m = model->manifest;
    size_t k = 0;
    for (size_t c = 0; c < m->course_count; c++)
        for (size_t l = 0; l < m->courses[c].lesson_count; l++, k++)
            if (plan->part_of_lesson[k] == p &&
                lesson_uses(&m->courses[c].lessons[l], model->files[f].bundle_path))
                return true;
    return false;
}

static int copy_titles(manifest_titles *to, const manifest_titles *from)
{
    for (size_t i = 0; i < from->count; i++)
        if (manifest_titles_add(to, from->items[i].lang, from->items[i].text) != 0)
            return -1;
    return 0;
}

bundle_manifest *pack_split_manifest(const bundle_manifest *whole, const pack_split_plan *plan,
                                     size_t p)
{
    bundle_manifest *m = bundle_manifest_new(whole->id, whole->version);
    if (!m || copy_titles(&m->titles, &whole->titles) != 0)
        goto oom;
    size_t k = 0;
    for (size_t c = 0; c < whole->course_count; c++) {
        const manifest_course *from = &whole->courses[c];
        manifest_course *to = NULL;
        for (size_t l = 0; l < from->lesson_count; l++, k++) {
            if (plan && plan->part_of_lesson[k] != p)
                continue;
            if (!to) {
                if (!(to = bundle_manifest_add_course(m, from->id)) ||
                    copy_titles(&to->titles, &from->titles) != 0 ||
                    (from->grade && !(to->grade = strdup(from->grade))) ||
                    (from->subject && !(to->subject = strdup(from->subject))))
                    goto oom;
            }
            const manifest_lesson *lesson = &from->lessons[l];
            manifest_lesson *copy = manifest_course_add_lesson(to, lesson->id);
            if (!copy || copy_titles(&copy->titles, &lesson->titles) != 0)
                goto oom;
            for (size_t i = 0; i < lesson->item_count; i++) {
                const manifest_item *item = &lesson->items[i];
                manifest_item *ic = manifest_lesson_add_item(copy, item->id, item->kind, item->path);
                if (!ic || copy_titles(&ic->titles, &item->titles) != 0 ||
                    (item->launch && manifest_item_set_launch(ic, item->launch) != 0))
                    goto oom;
            }
        }
    }
    return m;
oom:
    bundle_manifest_free(m);
    return NULL;
}
