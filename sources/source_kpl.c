/* Khang Panya Lao course exports (UNICEF Learning Passport bulk layout): a folder or zip with
 * one folder per course; each course folder holds its lesson files directly, the file name
 * being the lesson name, ordered by name with natural number order; an optional
 * panya-course.xml gives titles, order, grade and subject (docs/SOURCES.md).
 *
 * Detection is by majority, not unanimity: course folders (folders holding lesson files)
 * and no web page at the top make an export; a stray README, an unknown file in a course
 * folder or what an operating system leaves behind never turns it into a plain folder. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codecs/codecs.h"
#include "common/mime.h"
#include "manifest/course_file.h"
#include "sources/source.h"

/* What a file's name says it is, before anything is opened. */
typedef enum name_class {
    NAME_UNKNOWN,
    NAME_MEDIA,    /* audio or video by its extension: confirmed by a probe */
    NAME_DOCUMENT, /* stored as it is */
    NAME_PACKAGE,  /* a zip: an HTML or SCORM lesson */
    NAME_H5P,      /* an H5P package */
} name_class;

static const char *const document_extensions[] = {
    "pdf", "ppt", "pptx", "pps", "ppsx", "doc", "docx", "odt", "odp", "epub",
};

static name_class classify_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        return NAME_UNKNOWN;
    if (strcasecmp(dot + 1, "zip") == 0)
        return NAME_PACKAGE;
    if (strcasecmp(dot + 1, "h5p") == 0)
        return NAME_H5P;
    for (size_t i = 0; i < sizeof document_extensions / sizeof document_extensions[0]; i++)
        if (strcasecmp(dot + 1, document_extensions[i]) == 0)
            return NAME_DOCUMENT;
    const char *mime = mime_type_for_path(name);
    if (strncmp(mime, "video/", 6) == 0 || strncmp(mime, "audio/", 6) == 0)
        return NAME_MEDIA;
    return NAME_UNKNOWN;
}

/* The lesson kind of an audio or video file, from what libavformat finds in it: a .ogg may
 * hold video, a .webm only sound. Returns "video" or "audio", or NULL with err set. */
static const char *media_kind(const char *disk, const char *shown, panya_error *err)
{
    codec_probe_info info;
    if (codec_probe_file(disk, &info, err) != 0) {
        if (err->code != PANYA_ERR_INVALID) {
            /* No codecs module to ask: trust the name; transcoding will say more. */
            panya_error_clear(err);
            return strncmp(mime_type_for_path(disk), "video/", 6) == 0 ? "video" : "audio";
        }
        panya_error_set(err, PANYA_ERR_INVALID, "%s: not audio or video panya can read (%s)",
                        shown, err->message);
        return NULL;
    }
    if (info.kind == CODEC_KIND_VIDEO)
        return "video";
    if (info.kind == CODEC_KIND_AUDIO)
        return "audio";
    panya_error_set(err, PANYA_ERR_INVALID, "%s: holds no audio or video panya can read",
                    shown);
    return NULL;
}

static int compare_lesson_entries(const void *a, const void *b)
{
    return lesson_name_compare(((const folder_entry *)a)->name, ((const folder_entry *)b)->name);
}

/* Lists a folder (leftovers noted in model when given) in natural lesson order. */
static int list_lessons(source_context *ctx, const char *path, folder_entries *out,
                        lesson_model *model, panya_error *err)
{
    if (source_list(ctx, path, out, model, err) != 0)
        return -1;
    if (out->count)
        qsort(out->items, out->count, sizeof *out->items, compare_lesson_entries);
    return 0;
}

static bool has_file(const char *folder, const char *name)
{
    char *path = source_join(folder, name);
    struct stat st;
    bool found = path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
    free(path);
    return found;
}

static bool has_index(const char *folder)
{
    return has_file(folder, "index.html") || has_file(folder, "index.htm");
}

/* A course folder: lesson files (or panya-course.xml) and no index.html. Others' files of
 * unknown kinds do not change that; they become attachment lessons. */
static bool is_course_folder(source_context *ctx, const char *path)
{
    if (has_index(path))
        return false;
    folder_entries e;
    panya_error ignored = {0};
    if (source_list(ctx, path, &e, NULL, &ignored) != 0)
        return false;
    bool lessons = false;
    for (size_t i = 0; i < e.count && !lessons; i++)
        lessons = strcmp(e.items[i].name, COURSE_FILE_NAME) == 0 ||
                  (e.items[i].kind == FOLDER_ENTRY_FILE &&
                   classify_name(e.items[i].name) != NAME_UNKNOWN);
    folder_entries_free(&e);
    return lessons;
}

/* Judges a folder. Returns 1 (an export) or 0 with why saying what decided it, or -1. */
static int judge_folder(const char *path, source_context *ctx, char *why, size_t why_size,
                        panya_error *err)
{
    if (has_index(path)) {
        snprintf(why, why_size, "index.html at its top");
        return 0;
    }
    folder_entries e;
    if (source_list(ctx, path, &e, NULL, err) != 0)
        return -1;
    size_t courses = 0, packages = 0, others = 0;
    const char *first_other = NULL, *first_course = NULL;
    int status = 0;
    for (size_t i = 0; i < e.count && status == 0; i++) {
        const folder_entry *entry = &e.items[i];
        int scorm = source_is_scorm(ctx, entry->disk_path, err);
        if (scorm < 0)
            status = -1;
        else if (scorm)
            packages++;
        else if (entry->kind != FOLDER_ENTRY_FOLDER)
            continue; /* a stray file at the top: left out with a warning when read */
        else if (is_course_folder(ctx, entry->disk_path))
            courses++, first_course = first_course ? first_course : entry->name;
        else
            others++, first_other = first_other ? first_other : entry->name;
    }
    int taken = 0;
    if (status == 0 && courses + packages == 0) {
        snprintf(why, why_size, "no course folders (folders of lesson files) at its top");
    } else if (status == 0 && others >= courses + packages) {
        snprintf(why, why_size, "%zu of its %zu folders, such as '%s', hold no lesson files",
                 others, others + courses + packages, first_other);
    } else if (status == 0) {
        char course_part[200] = "", package_part[64] = "", other_part[200] = "";
        if (courses)
            snprintf(course_part, sizeof course_part, "%zu course folder%s ('%s'%s)", courses,
                     courses == 1 ? "" : "s", first_course, courses > 1 ? ", ..." : "");
        if (packages)
            snprintf(package_part, sizeof package_part, "%s%zu SCORM package%s",
                     courses ? " and " : "", packages, packages == 1 ? "" : "s");
        if (others)
            snprintf(other_part, sizeof other_part, "; '%s'%s, without lesson files, read as "
                                                    "a course too",
                     first_other, others > 1 ? " and others" : "");
        snprintf(why, why_size, "%s%s at its top%s", course_part, package_part, other_part);
        taken = 1;
    }
    folder_entries_free(&e);
    return status ? -1 : taken;
}

static int kpl_detect(const char *path, source_context *ctx, char *why, size_t why_size,
                      panya_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (S_ISDIR(st.st_mode))
        return judge_folder(path, ctx, why, why_size, err);
    if (!S_ISREG(st.st_mode) || !source_is_zip_name(path))
        return 0;
    /* A zipped export: no imsmanifest.xml or index.html at its root, files in folders. */
    bool has_manifest, has_index_page;
    size_t in_folders;
    if (source_zip_roots(ctx, path, &has_manifest, &has_index_page, &in_folders, err) != 0)
        return -1;
    if (has_manifest || has_index_page || !in_folders)
        return 0;
    snprintf(why, why_size, "a zip with no imsmanifest.xml or index.html at its root and %zu "
                            "file%s in folders",
             in_folders, in_folders == 1 ? "" : "s");
    return 1;
}

/* The lesson's name: its file name without the extension. */
static char *lesson_title(const char *file)
{
    const char *dot = strrchr(file, '.');
    return dot && dot != file ? strndup(file, (size_t)(dot - file)) : strdup(file);
}

typedef struct course_reader {
    source_context *ctx;
    lesson_model *model;
    manifest_course *course;
    const char *folder;      /* course folder on disk */
    const char *prefix;      /* its bundle path */
    size_t lessons;          /* lessons added so far (for ids) */
} course_reader;

/* Adds a zip lesson (HTML or SCORM) or a lesson folder; sets *kind. */
static int add_package(course_reader *cr, const char *disk, const char *shown, bool is_folder,
                       const char *package_prefix, const char **kind, char **package_title,
                       panya_error *err)
{
    bool manifest, index;
    if (is_folder) {
        manifest = has_file(disk, "imsmanifest.xml");
        index = has_index(disk);
    } else if (source_zip_roots(cr->ctx, disk, &manifest, &index, NULL, err) != 0) {
        return -1;
    }
    if (manifest) {
        *kind = "scorm";
        return source_scorm_add_package(disk, package_prefix, cr->ctx, cr->model, package_title,
                                        err);
    }
    if (!index && is_folder) {
        /* Kept, as an unknown file is: never dropped, never a reason to fail the export. */
        *kind = "attachment";
        if (lesson_model_warn(cr->model, "%s: a folder without index.html or imsmanifest.xml; "
                                         "packed as an attachment lesson",
                              shown) != 0)
            return panya_error_oom(err);
        return source_add_folder_files(cr->ctx, disk, package_prefix, cr->model, err);
    }
    if (!index)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: a zip lesson needs index.html (HTML lesson) or "
                               "imsmanifest.xml (SCORM) at its root",
                               shown);
    *kind = "html";
    if (is_folder)
        return source_add_folder_files(cr->ctx, disk, package_prefix, cr->model, err);
    char *staging = source_staging_folder(cr->ctx, disk, err);
    int status = staging ? source_unzip(cr->ctx, disk, staging, err) : -1;
    if (status == 0)
        status = source_add_folder_files(cr->ctx, staging, package_prefix, cr->model, err);
    free(staging);
    return status;
}

/* Adds one lesson file or folder. Returns 0, 1 when skipped under --keep-going, or -1. */
static int add_lesson(course_reader *cr, const char *file, bool is_folder,
                      const course_file_lesson *meta, panya_error *err)
{
    char *disk = source_join(cr->folder, file);
    char *bundle_path = source_join(cr->prefix, file);
    char *shown = disk ? source_display_path(cr->ctx, disk) : NULL;
    char *id = NULL, *package_prefix = NULL, *package_title = NULL;
    const char *kind = NULL;
    int status = 0;
    if (!disk || !bundle_path || !shown ||
        asprintf(&id, "%s/%zu", cr->course->id, cr->lessons + 1) < 0) {
        id = NULL;
        status = panya_error_oom(err);
        goto out;
    }
    const char *item_path = bundle_path;
    name_class name = is_folder ? NAME_PACKAGE : classify_name(file);
    if (name == NAME_PACKAGE) {
        /* A zip lesson is unpacked into a folder named after it. */
        char *base = source_package_name(bundle_path);
        package_prefix = base ? source_join(cr->prefix, base) : NULL;
        free(base);
        item_path = package_prefix;
        status = package_prefix ? add_package(cr, disk, shown, is_folder, package_prefix, &kind,
                                              &package_title, err)
                                : panya_error_oom(err);
    } else if (name == NAME_H5P) {
        /* Unpacked into a folder named after it, opened by its launch page. */
        package_prefix = strndup(bundle_path, strlen(bundle_path) - 4);
        item_path = package_prefix;
        kind = "h5p";
        status = package_prefix ? source_h5p_add_package(disk, package_prefix, cr->ctx, cr->model,
                                                         &package_title, err)
                                : panya_error_oom(err);
    } else {
        if (name == NAME_DOCUMENT) {
            kind = "document";
        } else if (name == NAME_MEDIA) {
            kind = media_kind(disk, shown, err);
            status = kind ? 0 : -1;
        } else {
            kind = "attachment";
            if (lesson_model_warn(cr->model, "%s: not a lesson kind panya knows (video, audio, "
                                             "document or zip); packed as an attachment lesson",
                                  shown) != 0)
                status = panya_error_oom(err);
        }
        if (status == 0)
            status = lesson_model_add_file(cr->model, bundle_path, disk, err);
    }
    if (status == 0) {
        manifest_lesson *lesson = manifest_course_add_lesson(cr->course, id);
        manifest_item *item = lesson ? manifest_lesson_add_item(lesson, id, kind, item_path) : NULL;
        char *title = is_folder ? strdup(file) : lesson_title(file);
        char *launch = name == NAME_H5P ? source_join(item_path, "index.html") : NULL;
        if (!item || !title || (name == NAME_H5P && (!launch ||
                                                     manifest_item_set_launch(item, launch)))) {
            status = panya_error_oom(err);
        } else if (meta && meta->titles.count) {
            for (size_t t = 0; t < meta->titles.count && status == 0; t++)
                if (manifest_titles_add(&lesson->titles, meta->titles.items[t].lang,
                                        meta->titles.items[t].text) != 0)
                    status = panya_error_oom(err);
        } else if (source_add_title(&lesson->titles, package_title ? package_title : title) != 0) {
            status = panya_error_oom(err);
        }
        free(launch);
        free(title);
        cr->lessons++;
    } else if (status < 0 && cr->ctx->keep_going && err->code == PANYA_ERR_INVALID) {
        status = lesson_model_skip(cr->model, "%s", err->message) ? panya_error_oom(err) : 1;
    }
out:
    free(package_prefix);
    free(package_title);
    free(disk);
    free(shown);
    free(bundle_path);
    free(id);
    return status;
}

static int read_course_file(source_context *ctx, const char *folder, course_file *meta,
                            bool *present, panya_error *err)
{
    *present = false;
    char *path = source_join(folder, COURSE_FILE_NAME);
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) {
        free(path);
        return 0;
    }
    static const size_t limit = 4u << 20;
    uint8_t *xml = malloc(limit);
    size_t len = xml ? fread(xml, 1, limit, f) : 0;
    fclose(f);
    char *shown = source_display_path(ctx, path);
    int status = xml && shown ? course_file_read(xml, len, shown, meta, err) : panya_error_oom(err);
    free(shown);
    free(xml);
    free(path);
    *present = status == 0;
    return status;
}

static int read_course(const char *folder, const char *name, const char *bundle_prefix,
                       source_context *ctx, lesson_model *model, panya_error *err)
{
    course_file meta;
    bool has_meta;
    if (read_course_file(ctx, folder, &meta, &has_meta, err) != 0)
        return -1;
    int status = 0;
    char *prefix = source_join(bundle_prefix, name);
    manifest_course *course =
        prefix ? bundle_manifest_add_course(model->manifest, has_meta && meta.id ? meta.id : name)
               : NULL;
    folder_entries e = {0};
    if (!course) {
        status = panya_error_oom(err);
        goto out;
    }
    if (has_meta) {
        course->grade = meta.grade ? strdup(meta.grade) : NULL;
        course->subject = meta.subject ? strdup(meta.subject) : NULL;
        for (size_t t = 0; t < meta.titles.count && status == 0; t++)
            if (manifest_titles_add(&course->titles, meta.titles.items[t].lang,
                                    meta.titles.items[t].text) != 0)
                status = panya_error_oom(err);
    }
    if (status == 0 && course->titles.count == 0 && source_add_title(&course->titles, name) != 0)
        status = panya_error_oom(err);
    if (status == 0)
        status = list_lessons(ctx, folder, &e, model, err);
    course_reader cr = {ctx, model, course, folder, prefix, 0};
    /* Lessons the course file lists come first, in its order; the rest in natural order. */
    for (size_t i = 0; has_meta && i < meta.lesson_count && status == 0; i++) {
        const folder_entry *found = NULL;
        for (size_t k = 0; k < e.count && !found; k++)
            if (strcmp(e.items[k].name, meta.lessons[i].file) == 0)
                found = &e.items[k];
        if (!found)
            status = panya_error_set(err, PANYA_ERR_INVALID,
                                     "%s/%s: lists lesson '%s', which is not in the folder",
                                     folder, COURSE_FILE_NAME, meta.lessons[i].file);
        else
            status = add_lesson(&cr, found->name, found->kind == FOLDER_ENTRY_FOLDER,
                                &meta.lessons[i], err) < 0 ? -1 : 0;
    }
    for (size_t i = 0; i < e.count && status == 0; i++) {
        bool listed = strcmp(e.items[i].name, COURSE_FILE_NAME) == 0;
        for (size_t k = 0; has_meta && k < meta.lesson_count && !listed; k++)
            listed = strcmp(meta.lessons[k].file, e.items[i].name) == 0;
        if (!listed)
            status = add_lesson(&cr, e.items[i].name, e.items[i].kind == FOLDER_ENTRY_FOLDER,
                                NULL, err) < 0 ? -1 : 0;
    }
out:
    folder_entries_free(&e);
    if (has_meta)
        course_file_free(&meta);
    free(prefix);
    if (status != 0)
        source_describe_error(ctx, err);
    return status;
}

static int kpl_read_folder(const char *path, const char *bundle_prefix, source_context *ctx,
                           lesson_model *model, panya_error *err)
{
    folder_entries e;
    if (list_lessons(ctx, path, &e, model, err) != 0)
        return -1;
    int status = 0;
    for (size_t i = 0; i < e.count && status == 0; i++) {
        const folder_entry *entry = &e.items[i];
        int scorm = source_is_scorm(ctx, entry->disk_path, err);
        if (scorm < 0) {
            status = -1;
        } else if (scorm) {
            status = source_reader_scorm.read(entry->disk_path, bundle_prefix, ctx, model, err);
        } else if (entry->kind == FOLDER_ENTRY_FOLDER) {
            status = read_course(entry->disk_path, entry->name, bundle_prefix, ctx, model, err);
        } else {
            char *shown = source_display_path(ctx, entry->disk_path);
            if (!shown || lesson_model_warn(model, "%s: left out (a KPL export holds course "
                                                   "folders; lessons go inside them)",
                                            shown) != 0)
                status = panya_error_oom(err);
            free(shown);
        }
    }
    folder_entries_free(&e);
    return status;
}

static int kpl_read(const char *path, const char *bundle_prefix, source_context *ctx,
                    lesson_model *model, panya_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return kpl_read_folder(path, bundle_prefix, ctx, model, err);
    /* A zipped export: unpack it privately, then read it as a folder. */
    char *staging = source_staging_folder(ctx, path, err);
    if (!staging)
        return -1;
    int status = source_unzip(ctx, path, staging, err);
    if (status == 0)
        status = kpl_read_folder(staging, bundle_prefix, ctx, model, err);
    free(staging);
    return status;
}

const source_reader source_reader_kpl = {
    .name = "kpl",
    .detect = kpl_detect,
    .read = kpl_read,
};
