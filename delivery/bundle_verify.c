#include "delivery/bundle_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delivery/bundle_extract.h"

static int discard(void *ctx, const void *data, size_t len, panya_error *err)
{
    (void)ctx, (void)data, (void)len, (void)err;
    return 0;
}

static int push_unique(char ***items, size_t *count, const char *s)
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

static const char *title_of(const manifest_titles *titles, const char *fallback)
{
    const char *title = manifest_titles_pick(titles, "en");
    return title ? title : fallback;
}

/* Adds every lesson with an item that uses `path`. */
static int name_lessons(const bundle_manifest *m, const char *path, verify_report *report)
{
    for (size_t c = 0; c < m->course_count; c++) {
        const manifest_course *course = &m->courses[c];
        for (size_t l = 0; l < course->lesson_count; l++) {
            const manifest_lesson *lesson = &course->lessons[l];
            for (size_t i = 0; i < lesson->item_count; i++) {
                if (!manifest_item_uses(&lesson->items[i], path))
                    continue;
                char line[1024];
                snprintf(line, sizeof line, "%s / %s", title_of(&course->titles, course->id),
                         title_of(&lesson->titles, lesson->id));
                if (push_unique(&report->damaged_lessons, &report->damaged_lesson_count, line))
                    return -1;
                break;
            }
        }
    }
    return 0;
}

/* True when the path table, if there is one, leads every manifest path to its objects. */
static bool path_table_agrees(bundle_reader *r, const bundle_manifest *m)
{
    for (size_t f = 0; f < m->file_count; f++) {
        const manifest_file *file = &m->files[f];
        for (size_t v = 0; v < file->variant_count; v++) {
            panya_error ignored = {0};
            const bundle_index_entry *e = NULL;
            int found = bundle_reader_find_path(r, file->path, file->variants[v].profile, &e,
                                                &ignored);
            if (found == -2)
                return true;
            if (found != 1 || memcmp(e->hash, file->variants[v].hash, PANYA_HASH_SIZE) != 0)
                return false;
        }
    }
    return true;
}

static int check_files(bundle_reader *r, const bundle_manifest *m, const bool *damaged,
                       verify_report *report, panya_error *err)
{
    const bundle_index_entry *first = bundle_reader_object_at(r, 0);
    for (size_t f = 0; f < m->file_count; f++) {
        const manifest_file *file = &m->files[f];
        report->files_checked++;
        for (size_t v = 0; v < file->variant_count; v++) {
            panya_error ignored = {0};
            const manifest_variant *variant = &file->variants[v];
            const bundle_index_entry *e = bundle_variant_entry(r, file->path, variant, &ignored);
            if (e && !damaged[e - first])
                continue;
            char line[4400];
            if (file->variant_count > 1)
                snprintf(line, sizeof line, "%s (profile %s)", file->path, variant->profile);
            else
                snprintf(line, sizeof line, "%s", file->path);
            if (push_unique(&report->damaged_files, &report->damaged_file_count, line) ||
                name_lessons(m, file->path, report))
                return panya_error_oom(err);
        }
    }
    return 0;
}

int bundle_verify(bundle_reader *r, const char *display_name, verify_report *report,
                  panya_error *err)
{
    memset(report, 0, sizeof *report);
    report->tables_intact = bundle_reader_tables_intact(r);
    /* The footer's structure, as `verify` checks it: a signature block where it belongs. */
    uint8_t *block;
    size_t block_len;
    panya_error signature_err = {0};
    report->signature_intact =
        bundle_reader_read_signature(r, &block, &block_len, &signature_err) == 0;
    if (report->signature_intact)
        free(block);
    else if (signature_err.code != PANYA_ERR_INVALID) {
        *err = signature_err;
        return -1;
    } else
        snprintf(report->signature_problem, sizeof report->signature_problem, "%s",
                 signature_err.message);
    size_t count = bundle_reader_object_count(r);
    bool *damaged = calloc(count ? count : 1, sizeof *damaged);
    if (!damaged)
        return panya_error_oom(err);
    for (size_t i = 0; i < count; i++) {
        panya_error object_err = {0};
        if (bundle_reader_read_object(r, bundle_reader_object_at(r, i), discard, NULL,
                                      &object_err) != 0) {
            if (object_err.code != PANYA_ERR_INVALID) { /* I/O error, OOM: stop */
                *err = object_err;
                free(damaged);
                return -1;
            }
            damaged[i] = true;
            report->objects_damaged++;
        }
        report->objects_checked++;
    }
    panya_error manifest_err = {0};
    bundle_manifest *m = bundle_load_manifest(r, display_name, &manifest_err);
    int status = 0;
    if (m) {
        report->manifest_intact = true;
        report->path_table_intact = path_table_agrees(r, m);
        status = check_files(r, m, damaged, report, err);
        bundle_manifest_free(m);
    } else {
        snprintf(report->manifest_problem, sizeof report->manifest_problem, "%s",
                 manifest_err.message);
        for (size_t i = 0; i < count && status == 0; i++) {
            if (!damaged[i])
                continue;
            char line[80] = "object ";
            panya_hash_to_hex(bundle_reader_object_at(r, i)->hash, line + 7);
            if (push_unique(&report->damaged_files, &report->damaged_file_count, line))
                status = panya_error_oom(err);
        }
    }
    free(damaged);
    if (status != 0)
        return -1;
    bool whole = report->tables_intact && report->manifest_intact && report->path_table_intact &&
                 report->signature_intact &&
                 report->objects_damaged == 0 && report->damaged_file_count == 0;
    return whole ? 0 : 1;
}

void verify_report_describe(const verify_report *report, char *text, size_t size)
{
    if (!report->tables_intact)
        snprintf(text, size, "its index or dictionary table is damaged");
    else if (!report->signature_intact)
        snprintf(text, size, "%s", report->signature_problem);
    else if (!report->manifest_intact)
        snprintf(text, size, "its manifest cannot be read: %s", report->manifest_problem);
    else if (report->objects_damaged)
        snprintf(text, size, "%llu of %llu objects do not match their hash",
                 (unsigned long long)report->objects_damaged,
                 (unsigned long long)report->objects_checked);
    else if (report->damaged_file_count)
        snprintf(text, size, "%zu of %llu files name objects missing from the bundle",
                 report->damaged_file_count, (unsigned long long)report->files_checked);
    else if (!report->path_table_intact)
        snprintf(text, size, "its path table disagrees with the manifest");
    else
        snprintf(text, size, "it is whole");
}

void verify_report_free(verify_report *report)
{
    for (size_t i = 0; i < report->damaged_file_count; i++)
        free(report->damaged_files[i]);
    for (size_t i = 0; i < report->damaged_lesson_count; i++)
        free(report->damaged_lessons[i]);
    free(report->damaged_files);
    free(report->damaged_lessons);
    memset(report, 0, sizeof *report);
}
