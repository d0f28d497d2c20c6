/* The public API: checking every object and table, naming damaged files and lessons. */
#include "libpanya/panya_internal.h"

#include "common/string_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push_damaged(panya_verify_report *r, const char *path, const char *profile,
                        const uint8_t hash[PANYA_HASH_BYTES])
{
    panya_damaged_file *grown =
        realloc(r->damaged_files, (r->damaged_file_count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    r->damaged_files = grown;
    panya_damaged_file *d = &grown[r->damaged_file_count];
    memset(d, 0, sizeof *d);
    for (int i = 0; i < PANYA_HASH_BYTES; i++)
        snprintf(d->hash + 2 * i, 3, "%02x", hash[i]);
    d->path = path ? strdup(path) : NULL;
    d->profile = profile ? strdup(profile) : NULL;
    r->damaged_file_count++;
    return (path && !d->path) || (profile && !d->profile) ? -1 : 0;
}

/* True when an item with path `item` (a file, or a package's folder) uses file `path`. */
static int item_uses(const char *item, const char *path)
{
    size_t n = strlen(item);
    return strncmp(item, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static const char *title_or(const panya_bundle *b, uint32_t first, uint32_t count,
                            const char *fallback)
{
    const char *title = panya_title(b->texts + first, count, "en");
    return title ? title : fallback;
}

/* Adds "COURSE / LESSON" for every lesson with an item using path. */
static int name_lessons(const panya_bundle *b, const bundle_catalogue *c, const char *path,
                        panya_verify_report *r)
{
    for (uint32_t k = 0; k < c->course_count; k++) {
        const catalogue_course *course = &c->courses[k];
        for (uint32_t l = course->first_lesson; l < course->first_lesson + course->lesson_count;
             l++) {
            const catalogue_lesson *lesson = &c->lessons[l];
            for (uint32_t i = lesson->first_item; i < lesson->first_item + lesson->item_count;
                 i++) {
                if (!item_uses(c->items[i].path, path))
                    continue;
                char line[1024];
                snprintf(line, sizeof line, "%s / %s",
                         title_or(b, course->first_title, course->title_count, course->id),
                         title_or(b, lesson->first_title, lesson->title_count, lesson->id));
                if (panya_strings_add_unique(&r->damaged_lessons, &r->damaged_lesson_count, line) !=
                    0)
                    return -1;
                break;
            }
        }
    }
    return 0;
}

/* Names the files (and lessons) whose objects are damaged. */
static int name_damage(const panya_bundle *b, const uint8_t *damaged, panya_verify_report *r)
{
    const bundle_path_table *t = bundle_reader_path_table(b->reader, NULL);
    const bundle_catalogue *c = bundle_reader_catalogue(b->reader, NULL);
    size_t count = bundle_reader_object_count(b->reader);
    if (!t) { /* no way from objects to paths: name the objects */
        for (size_t i = 0; i < count; i++)
            if (damaged[i] &&
                push_damaged(r, NULL, NULL, bundle_reader_object_at(b->reader, i)->hash))
                return -1;
        return 0;
    }
    for (uint32_t f = 0; f < t->file_count; f++) {
        uint32_t first, n;
        bundle_path_table_variants(t, f, &first, &n);
        r->files_checked++;
        for (uint32_t v = first; v < first + n; v++) {
            uint32_t position, profile;
            bundle_path_table_variant(t, v, &position, &profile);
            if (!damaged[position])
                continue;
            if (push_damaged(r, b->paths[f], b->profiles[profile],
                             bundle_reader_object_at(b->reader, position)->hash) != 0 ||
                (c && name_lessons(b, c, b->paths[f], r) != 0))
                return -1;
        }
    }
    return 0;
}

panya_status panya_verify_all(panya_bundle *b, panya_progress_fn progress, void *ctx,
                              panya_verify_report *r, panya_error_info *err)
{
    memset(r, 0, sizeof *r);
    const bundle_footer *f = bundle_reader_footer(b->reader);
    r->tables_intact = bundle_reader_tables_intact(b->reader);
    /* A 1.0 bundle may lack a path table (FORMAT.md); 1.1 requires one. */
    r->path_table_intact = bundle_reader_path_table(b->reader, NULL) != NULL ||
                           (f->path_table_offset == 0 && f->format_minor == 0);
    r->catalogue_intact = f->catalogue_offset == 0 || bundle_reader_catalogue(b->reader, NULL);
    size_t count = bundle_reader_object_count(b->reader);
    uint8_t *damaged = calloc(count ? count : 1, 1);
    if (!damaged)
        return panya_failf(err, PANYA_ERR_NOMEM, "out of memory");
    panya_status status = PANYA_OK;
    for (size_t i = 0; i < count && status == PANYA_OK; i++) {
        panya_error x = {0};
        if (bundle_reader_read_object(b->reader, bundle_reader_object_at(b->reader, i),
                                      bundle_sink_discard, NULL, &x) == 0) {
            atomic_store(&b->checked[i], 1);
        } else if (x.code == PANYA_ERR_INVALID) {
            damaged[i] = 1;
            r->objects_damaged++;
        } else {
            status = panya_fail(err, &x); /* I/O error, out of memory: the check cannot go on */
        }
        r->objects_checked++;
        if (status == PANYA_OK && progress && progress(ctx, i + 1, count) != 0)
            status = panya_failf(err, PANYA_ERR_USAGE, "%s: verification stopped",
                                 bundle_reader_name(b->reader));
    }
    char *xml = NULL;
    size_t len;
    panya_error x = {0};
    if (status == PANYA_OK) {
        r->manifest_intact =
            bundle_reader_read_manifest(b->reader, (uint8_t **)&xml, &len, &x) == 0;
        free(xml);
        if (x.code != PANYA_OK && x.code != PANYA_ERR_INVALID)
            status = panya_fail(err, &x);
    }
    if (status == PANYA_OK && name_damage(b, damaged, r) != 0)
        status = panya_failf(err, PANYA_ERR_NOMEM, "out of memory");
    free(damaged);
    if (status != PANYA_OK) {
        panya_verify_report_free(r);
        return status;
    }
    int whole = r->tables_intact && r->path_table_intact && r->catalogue_intact &&
                r->manifest_intact && r->objects_damaged == 0;
    if (!whole)
        return panya_failf(err, PANYA_ERR_INVALID, "%s: the bundle is damaged",
                           bundle_reader_name(b->reader));
    return PANYA_OK;
}

void panya_verify_report_free(panya_verify_report *r)
{
    for (size_t i = 0; i < r->damaged_file_count; i++) {
        free(r->damaged_files[i].path);
        free(r->damaged_files[i].profile);
    }
    free(r->damaged_files);
    panya_strings_free(&r->damaged_lessons, &r->damaged_lesson_count);
    memset(r, 0, sizeof *r);
}
