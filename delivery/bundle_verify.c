#include "delivery/bundle_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/string_list.h"
#include "delivery/bundle_open.h"

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
                if (panya_strings_add_unique(&report->damaged_lessons,
                                             &report->damaged_lesson_count, line))
                    return -1;
                break;
            }
        }
    }
    return 0;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* True when the catalogue says what the manifest says (format 1.1; 1.0 has none). */
static bool catalogue_agrees(const panya_bundle *b, const bundle_manifest *m)
{
    panya_facts facts;
    panya_get_facts(b, &facts);
    if (!facts.has_catalogue)
        return facts.format_minor == 0;
    if (!same(facts.pack_id, m->id) || !same(facts.pack_version, m->version) ||
        facts.title_count != m->titles.count || panya_course_count(b) != m->course_count ||
        panya_folder_count(b) != m->folder_count)
        return false;
    for (size_t i = 0; i < m->folder_count; i++)
        if (!same(panya_folder(b, i), m->folders[i]))
            return false;
    for (size_t c = 0; c < m->course_count; c++) {
        const manifest_course *mc = &m->courses[c];
        panya_course_info course;
        if (panya_course(b, c, &course) != PANYA_OK || !same(course.id, mc->id) ||
            course.lesson_count != mc->lesson_count)
            return false;
        for (size_t l = 0; l < mc->lesson_count; l++) {
            const manifest_lesson *ml = &mc->lessons[l];
            panya_lesson_info lesson;
            if (panya_lesson(b, c, l, &lesson) != PANYA_OK || !same(lesson.id, ml->id) ||
                lesson.item_count != ml->item_count)
                return false;
            for (size_t i = 0; i < ml->item_count; i++) {
                panya_item_info item;
                const manifest_item *mi = &ml->items[i];
                const char *launch = mi->launch ? mi->launch
                                     : bundle_manifest_find_file(m, mi->path) ? mi->path
                                                                              : NULL;
                if (panya_item(b, c, l, i, &item) != PANYA_OK || !same(item.id, mi->id) ||
                    !same(item.path, mi->path) || !same(item.launch, launch))
                    return false;
            }
        }
    }
    return true;
}

/* True when the path table leads every manifest path to its objects, and to nothing else. */
static bool path_table_agrees(const panya_bundle *b, const bundle_manifest *m)
{
    panya_facts facts;
    panya_get_facts(b, &facts);
    if (facts.file_count == 0 && m->file_count > 0 && facts.format_minor == 0)
        return panya_file_variant_count(b, 0) == 0; /* a 1.0 bundle without a path table */
    if (facts.file_count != m->file_count)
        return false;
    for (size_t f = 0; f < m->file_count; f++) {
        const manifest_file *file = &m->files[f];
        if (panya_file_variant_count(b, f) != file->variant_count)
            return false;
        for (size_t v = 0; v < file->variant_count; v++) {
            const manifest_variant *variant = &file->variants[v];
            panya_file_info info;
            if (panya_find(b, file->path, variant->profile, &info, NULL) != PANYA_OK ||
                memcmp(info.sha256, variant->hash, PANYA_HASH_SIZE) != 0 ||
                (facts.has_catalogue && !same(info.mime, variant->mime)))
                return false;
        }
    }
    return true;
}

static bool object_damaged(const panya_verify_report *lib, const uint8_t hash[PANYA_HASH_SIZE])
{
    char hex[PANYA_HASH_HEX_SIZE];
    panya_hash_to_hex(hash, hex);
    for (size_t i = 0; i < lib->damaged_file_count; i++)
        if (strcmp(lib->damaged_files[i].hash, hex) == 0)
            return true;
    return false;
}

static int check_files(const panya_bundle *b, const bundle_manifest *m,
                       const panya_verify_report *lib, verify_report *report, panya_error *err)
{
    for (size_t f = 0; f < m->file_count; f++) {
        const manifest_file *file = &m->files[f];
        report->files_checked++;
        for (size_t v = 0; v < file->variant_count; v++) {
            panya_error ignored = {0};
            panya_file_info info;
            const manifest_variant *variant = &file->variants[v];
            if (bundle_variant_file(b, file->path, variant, &info, &ignored) == 0 &&
                !object_damaged(lib, variant->hash))
                continue;
            char line[4400];
            if (file->variant_count > 1)
                snprintf(line, sizeof line, "%s (profile %s)", file->path, variant->profile);
            else
                snprintf(line, sizeof line, "%s", file->path);
            if (panya_strings_add_unique(&report->damaged_files, &report->damaged_file_count,
                                         line) ||
                name_lessons(m, file->path, report))
                return panya_error_oom(err);
        }
    }
    return 0;
}

/* Without a manifest, the library's report names what it can: paths (from the path table)
 * or object hashes, and lessons (from the catalogue). */
static int copy_library_names(const panya_verify_report *lib, verify_report *report,
                              panya_error *err)
{
    for (size_t i = 0; i < lib->damaged_file_count; i++) {
        const panya_damaged_file *d = &lib->damaged_files[i];
        char line[4400];
        if (d->path)
            snprintf(line, sizeof line, "%s (profile %s)", d->path, d->profile);
        else
            snprintf(line, sizeof line, "object %s", d->hash);
        if (panya_strings_add_unique(&report->damaged_files, &report->damaged_file_count, line))
            return panya_error_oom(err);
    }
    for (size_t i = 0; i < lib->damaged_lesson_count; i++)
        if (panya_strings_add_unique(&report->damaged_lessons, &report->damaged_lesson_count,
                        lib->damaged_lessons[i]))
            return panya_error_oom(err);
    return 0;
}

int bundle_signature_intact(panya_bundle *b, const char *display_name, panya_error *err)
{
    panya_facts facts;
    panya_get_facts(b, &facts);
    if (!facts.is_signed || facts.key_id[0])
        return 0;
    /* Signed, but no signer could be read: the library says why when asked to check. */
    static const uint8_t no_key[PANYA_PUBLIC_KEY_BYTES];
    panya_error_info info;
    panya_check_signature(b, no_key, &info);
    return bundle_error(err, &info, display_name);
}

int bundle_verify(panya_bundle *b, const char *display_name, verify_report *report,
                  panya_error *err)
{
    memset(report, 0, sizeof *report);
    panya_error signature_err = {0};
    report->signature_intact = bundle_signature_intact(b, display_name, &signature_err) == 0;
    if (!report->signature_intact)
        snprintf(report->signature_problem, sizeof report->signature_problem, "%s",
                 signature_err.message);
    panya_verify_report lib;
    panya_error_info info;
    panya_status checked = panya_verify_all(b, NULL, NULL, &lib, &info);
    if (checked != PANYA_OK && checked != PANYA_ERR_INVALID)
        return bundle_error(err, &info, display_name);
    report->tables_intact = lib.tables_intact;
    report->objects_checked = lib.objects_checked;
    report->objects_damaged = lib.objects_damaged;
    panya_error manifest_err = {0};
    bundle_manifest *m = bundle_load_manifest(b, display_name, &manifest_err);
    int status = 0;
    if (m) {
        report->manifest_intact = true;
        report->path_table_intact = lib.path_table_intact && lib.catalogue_intact &&
                                    path_table_agrees(b, m) && catalogue_agrees(b, m);
        status = check_files(b, m, &lib, report, err);
        bundle_manifest_free(m);
    } else {
        snprintf(report->manifest_problem, sizeof report->manifest_problem, "%s",
                 manifest_err.message);
        report->path_table_intact = lib.path_table_intact && lib.catalogue_intact;
        report->files_checked = lib.files_checked;
        status = copy_library_names(&lib, report, err);
    }
    panya_verify_report_free(&lib);
    if (status != 0)
        return -1;
    bool whole = report->tables_intact && report->manifest_intact && report->path_table_intact &&
                 report->signature_intact && report->objects_damaged == 0 && report->damaged_file_count == 0;
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
        snprintf(text, size, "its path table or catalogue disagrees with the manifest");
    else
        snprintf(text, size, "it is whole");
}

void verify_report_free(verify_report *report)
{
    panya_strings_free(&report->damaged_files, &report->damaged_file_count);
    panya_strings_free(&report->damaged_lessons, &report->damaged_lesson_count);
    memset(report, 0, sizeof *report);
}
