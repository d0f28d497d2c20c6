/* Khang Panya Lao course exports (UNICEF Learning Passport bulk layout): a folder or zip with
 * one folder per course; each course folder holds its lesson files directly, the file name
 * being the lesson name, ordered by name with natural number order; an optional
 * panya-course.xml gives titles, order, grade and subject (docs/SOURCES.md). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest/course_file.h"
#include "sources/source.h"

typedef struct lesson_kind {
    const char *extension;
    const char *kind;
} lesson_kind;

static const lesson_kind lesson_kinds[] = {
    {"mp4", "video"},  {"3gp", "video"},      {"avi", "video"},      {"mpg", "video"},
    {"mpeg", "video"}, {"wmv", "video"},      {"mkv", "video"},      {"flv", "video"},
    {"ts", "video"},   {"m4v", "video"},      {"mov", "video"},      {"webm", "video"},
    {"mp3", "audio"},  {"ogg", "audio"},      {"wav", "audio"},      {"m4a", "audio"},
    {"pdf", "document"}, {"ppt", "document"}, {"pptx", "document"},  {"docx", "document"},
    {"epub", "document"}, {"zip", "package"},
};

static const char *kind_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        return NULL;
    for (size_t i = 0; i < sizeof lesson_kinds / sizeof lesson_kinds[0]; i++)
        if (strcasecmp(dot + 1, lesson_kinds[i].extension) == 0)
            return lesson_kinds[i].kind;
    return NULL;
}

typedef struct folder_entries {
    char **names;
    size_t count;
} folder_entries;

static int compare_lesson_names(const void *a, const void *b)
{
    return lesson_name_compare(*(char *const *)a, *(char *const *)b);
}

static void free_entries(folder_entries *e)
{
    for (size_t i = 0; i < e->count; i++)
        free(e->names[i]);
    free(e->names);
    e->names = NULL;
    e->count = 0;
}

/* Lists a folder's visible entries in natural order. */
static int list_entries(const char *path, folder_entries *out, panya_error *err)
{
    memset(out, 0, sizeof *out);
    DIR *dir = opendir(path);
    if (!dir)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    struct dirent *d;
    int status = 0;
    while ((d = readdir(dir)) && status == 0) {
        if (d->d_name[0] == '.')
            continue;
        char **grown = realloc(out->names, (out->count + 1) * sizeof *grown);
        if (!grown || !(grown[out->count] = strdup(d->d_name))) {
            if (grown)
                out->names = grown;
            status = panya_error_oom(err);
            break;
        }
        out->names = grown;
        out->count++;
    }
    closedir(dir);
    if (status == 0 && out->count)
        qsort(out->names, out->count, sizeof *out->names, compare_lesson_names);
    else
        free_entries(out);
    return status;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A course folder holds lesson files only (and perhaps panya-course.xml); anything else
 * means the folder is plain web content, not a KPL export. */
static bool is_course_folder(const char *path)
{
    folder_entries e;
    panya_error ignored = {0};
    if (list_entries(path, &e, &ignored) != 0)
        return false;
    bool lessons_only = e.count > 0;
    for (size_t i = 0; i < e.count && lessons_only; i++) {
        char *child = source_join(path, e.names[i]);
        lessons_only = child && !is_dir(child) &&
                       (kind_of(e.names[i]) || strcmp(e.names[i], COURSE_FILE_NAME) == 0);
        free(child);
    }
    free_entries(&e);
    return lessons_only;
}

/* A zipped export: no imsmanifest.xml or index.html at its root, every file in a folder. */
static bool zip_claims(const char *path)
{
    size_t n = strlen(path);
    if (n < 5 || strcasecmp(path + n - 4, ".zip") != 0)
        return false;
    bool has_manifest, has_index, all_in_folders;
    panya_error ignored = {0};
    return source_zip_roots(path, &has_manifest, &has_index, &all_in_folders, &ignored) == 0 &&
           !has_manifest && !has_index && all_in_folders;
}

static bool kpl_claims(const char *path)
{
    if (!is_dir(path))
        return zip_claims(path);
    if (source_reader_scorm.claims(path))
        return false;
    folder_entries e;
    panya_error ignored = {0};
    if (list_entries(path, &e, &ignored) != 0)
        return false;
    size_t courses = 0;
    bool other = false;
    for (size_t i = 0; i < e.count && !other; i++) {
        char *child = source_join(path, e.names[i]);
        if (child && (source_reader_scorm.claims(child) || is_course_folder(child)))
            courses++;
        else
            other = true;
        free(child);
    }
    free_entries(&e);
    return courses > 0 && !other;
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

/* Adds one lesson file. Returns 0, 1 when skipped under --keep-going, or -1. */
static int add_lesson(course_reader *cr, const char *file, const course_file_lesson *meta,
                      panya_error *err)
{
    char *disk = source_join(cr->folder, file);
    char *bundle_path = source_join(cr->prefix, file);
    char *id = NULL;
    const char *kind = kind_of(file);
    int status = 0;
    if (!disk || !bundle_path || asprintf(&id, "%s/%zu", cr->course->id, cr->lessons + 1) < 0) {
        id = NULL;
        status = panya_error_oom(err);
        goto out;
    }
    char *item_path = bundle_path;
    char *package_prefix = NULL, *package_title = NULL;
    if (!kind) {
        status = panya_error_set(err, PANYA_ERR_INVALID,
                                 "%s: not a lesson file type panya knows (video, audio, PDF, "
                                 "PPT/PPTX, DOCX, EPUB, or a zip)",
                                 disk);
    } else if (strcmp(kind, "package") == 0) {
        /* A zip lesson is unpacked into a folder named after it. */
        bool has_manifest, has_index;
        package_prefix = source_package_name(bundle_path);
        char *within = package_prefix ? source_join(cr->prefix, package_prefix) : NULL;
        free(package_prefix);
        package_prefix = within;
        item_path = package_prefix;
        if (!package_prefix) {
            status = panya_error_oom(err);
        } else if (source_zip_roots(disk, &has_manifest, &has_index, NULL, err) != 0) {
            status = -1;
        } else if (has_manifest) {
            kind = "scorm";
            status = source_scorm_add_package(disk, package_prefix, cr->ctx, cr->model,
                                              &package_title, err);
        } else if (has_index) {
            kind = "html";
            char *staging = source_staging_folder(cr->ctx, err);
            status = staging ? source_unzip(disk, staging, err) : -1;
            if (status == 0)
                status = source_add_folder_files(staging, package_prefix, cr->ctx, cr->model, err);
            free(staging);
        } else {
            status = panya_error_set(err, PANYA_ERR_INVALID,
                                     "%s: a zip lesson needs index.html (HTML lesson) or "
                                     "imsmanifest.xml (SCORM) at its root",
                                     disk);
        }
    } else {
        status = lesson_model_add_file(cr->model, bundle_path, disk, err);
    }
    if (status == 0) {
        manifest_lesson *lesson = manifest_course_add_lesson(cr->course, id);
        manifest_item *item = lesson ? manifest_lesson_add_item(lesson, id, kind, item_path) : NULL;
        char *title = lesson_title(file);
        if (!item || !title) {
            status = panya_error_oom(err);
        } else if (meta && meta->titles.count) {
            for (size_t t = 0; t < meta->titles.count && status == 0; t++)
                if (manifest_titles_add(&lesson->titles, meta->titles.items[t].lang,
                                        meta->titles.items[t].text) != 0)
                    status = panya_error_oom(err);
        } else if (source_add_title(&lesson->titles, package_title ? package_title : title) != 0) {
            status = panya_error_oom(err);
        }
        free(title);
        cr->lessons++;
    } else if (status < 0 && cr->ctx->keep_going && err->code == PANYA_ERR_INVALID) {
        status = lesson_model_skip(cr->model, "%s", err->message) ? panya_error_oom(err) : 1;
    }
    free(package_prefix);
    free(package_title);
out:
    free(disk);
    free(bundle_path);
    free(id);
    return status;
}

static int read_course_file(const char *folder, course_file *meta, bool *present,
                            panya_error *err)
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
    int status = xml ? course_file_read(xml, len, path, meta, err) : panya_error_oom(err);
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
    if (read_course_file(folder, &meta, &has_meta, err) != 0)
        return -1;
    int status = 0;
    char *prefix = source_join(bundle_prefix, name);
    manifest_course *course =
        prefix ? bundle_manifest_add_course(model->manifest, has_meta && meta.id ? meta.id : name)
               : NULL;
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
    course_reader cr = {ctx, model, course, folder, prefix, 0};
    /* Lessons the course file lists come first, in its order; the rest in natural order. */
    for (size_t i = 0; has_meta && i < meta.lesson_count && status == 0; i++) {
        char *disk = source_join(folder, meta.lessons[i].file);
        bool exists = disk && !is_dir(disk) && access(disk, F_OK) == 0;
        free(disk);
        if (!exists)
            status = panya_error_set(err, PANYA_ERR_INVALID,
                                     "%s/%s: lists lesson '%s', which is not in the folder",
                                     folder, COURSE_FILE_NAME, meta.lessons[i].file);
        else
            status = add_lesson(&cr, meta.lessons[i].file, &meta.lessons[i], err) < 0 ? -1 : 0;
    }
    folder_entries e = {0};
    if (status == 0)
        status = list_entries(folder, &e, err);
    for (size_t i = 0; i < e.count && status == 0; i++) {
        bool listed = strcmp(e.names[i], COURSE_FILE_NAME) == 0;
        for (size_t k = 0; has_meta && k < meta.lesson_count && !listed; k++)
            listed = strcmp(meta.lessons[k].file, e.names[i]) == 0;
        if (!listed)
            status = add_lesson(&cr, e.names[i], NULL, err) < 0 ? -1 : 0;
    }
    free_entries(&e);
out:
    if (has_meta)
        course_file_free(&meta);
    free(prefix);
    return status;
}

static int kpl_read_folder(const char *path, const char *bundle_prefix, source_context *ctx,
                           lesson_model *model, panya_error *err)
{
    folder_entries e;
    if (list_entries(path, &e, err) != 0)
        return -1;
    int status = 0;
    for (size_t i = 0; i < e.count && status == 0; i++) {
        char *child = source_join(path, e.names[i]);
        if (!child)
            status = panya_error_oom(err);
        else if (source_reader_scorm.claims(child))
            status = source_reader_scorm.read(child, bundle_prefix, ctx, model, err);
        else if (is_dir(child))
            status = read_course(child, e.names[i], bundle_prefix, ctx, model, err);
        else if (lesson_model_warn(model, "%s: left out (a KPL export holds course folders)",
                                   child) != 0)
            status = panya_error_oom(err);
        free(child);
    }
    free_entries(&e);
    return status;
}

static int kpl_read(const char *path, const char *bundle_prefix, source_context *ctx,
                    lesson_model *model, panya_error *err)
{
    if (is_dir(path))
        return kpl_read_folder(path, bundle_prefix, ctx, model, err);
    /* A zipped export: unpack it privately, then read it as a folder. */
    char *staging = source_staging_folder(ctx, err);
    if (!staging)
        return -1;
    int status = source_unzip(path, staging, err);
    if (status == 0)
        status = kpl_read_folder(staging, bundle_prefix, ctx, model, err);
    free(staging);
    return status;
}

const source_reader source_reader_kpl = {
    .name = "kpl",
    .claims = kpl_claims,
    .read = kpl_read,
};
