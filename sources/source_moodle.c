/* Moodle course backups (.mbz: a gzip'd tar, or a zip from older Moodles): one course titled
 * with course/course.xml's full name, whose lessons are the activities of its sections in
 * order (sections/section_N/section.xml's sequence). Files are found through files.xml by
 * context, component and file area, their bytes at files/XX/CONTENTHASH. Resources become
 * their file, folders their files, pages, labels and book chapters generated HTML pages with
 * @@PLUGINFILE@@ links made relative to the files placed beside them, URLs online-only link
 * pages, SCORM and H5P activities their package, validated like any other. Other activities
 * (quizzes, forums, assignments...) need Moodle and are listed as not available offline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest/xml_input.h"
#include "sources/moodle_activity.h"

#define MOODLE_XML_LIMIT (64u << 20)

static bool is_mbz_name(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcasecmp(path + n - 4, ".mbz") == 0;
}

static int moodle_detect(const char *path, source_context *ctx, char *why, size_t why_size,
                         panya_error *err)
{
    (void)ctx, (void)err;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !is_mbz_name(path))
        return 0;
    snprintf(why, why_size, "a .mbz file (Moodle course backup)");
    return 1;
}

static void free_files(backup *b)
{
    for (size_t i = 0; i < b->file_count; i++) {
        backup_file *f = &b->files[i];
        xmlFree(f->hash), xmlFree(f->component), xmlFree(f->filearea);
        xmlFree(f->filepath), xmlFree(f->filename);
    }
    free(b->files);
}

static bool is_content_hash(const char *s)
{
    return strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40;
}

/* files.xml: every stored file (folder entries, named ".", hold no bytes). */
static int read_files(backup *b, panya_error *err)
{
    xmlDocPtr doc = xml_input_parse_file(b->folder, "files.xml", MOODLE_XML_LIMIT, err);
    if (!doc)
        return -1;
    int status = 0;
    for (const xmlNode *n = xmlDocGetRootElement(doc)->children; n && status == 0; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "file") != 0)
            continue;
        backup_file f = {moodle_child_text(n, "contenthash"), moodle_child_text(n, "component"),
                         moodle_child_text(n, "filearea"), moodle_child_text(n, "filepath"),
                         moodle_child_text(n, "filename"), moodle_child_number(n, "contextid"),
                         moodle_child_number(n, "itemid"), moodle_child_number(n, "sortorder")};
        backup_file *grown = realloc(b->files, (b->file_count + 1) * sizeof *grown);
        if (grown)
            b->files = grown;
        if (!grown || !f.hash || !f.component || !f.filearea || !f.filepath || !f.filename) {
            status = panya_error_oom(err);
        } else if (strcmp(f.filename, ".") != 0 && !is_content_hash(f.hash)) {
            status = panya_error_set(err, PANYA_ERR_INVALID, "files.xml line %ld: '%s' has no "
                                     "valid contenthash", xmlGetLineNo(n), f.filename);
        }
        if (grown && strcmp(f.filename ? f.filename : ".", ".") != 0) {
            b->files[b->file_count++] = f;
            continue;
        }
        xmlFree(f.hash), xmlFree(f.component), xmlFree(f.filearea);
        xmlFree(f.filepath), xmlFree(f.filename);
    }
    xmlFreeDoc(doc);
    return status;
}

/* One activity of moodle_backup.xml's contents: a lesson, or a note saying why not. */
static int add_activity(backup *b, const xmlNode *entry, panya_error *err)
{
    char *modname = moodle_child_text(entry, "modulename"), *title = moodle_child_text(entry, "title");
    char *directory = moodle_child_text(entry, "directory");
    if (!modname || !title || !directory) {
        xmlFree(modname), xmlFree(title), xmlFree(directory);
        return panya_error_oom(err);
    }
    const char *gap = moodle_offline_gap(modname);
    activity a = {b, title, 0, NULL, NULL};
    int status = 0;
    char *xml_name = NULL, *path = NULL, *launch = NULL;
    const char *kind = NULL;
    xmlDocPtr doc = NULL;
    if (gap) {
        status = lesson_model_warn(b->model, "%s: '%s' not packed, not available offline: a "
                                   "Moodle %s activity (%s)", b->shown, title, modname, gap)
                     ? panya_error_oom(err)
                     : 0;
        goto done;
    }
    const char *base = strrchr(directory, '/') ? strrchr(directory, '/') + 1 : directory;
    if (strncmp(directory, "activities/", 11) != 0 || strchr(directory + 11, '/') ||
        strstr(directory, "..") || !*base)
        status = panya_error_set(err, PANYA_ERR_INVALID, "directory '%s' is not below "
                                 "activities/", directory);
    else if (asprintf(&xml_name, "%s/%s.xml", directory, modname) < 0 ||
             !(a.place = source_join(b->prefix, base)))
        status = panya_error_oom(err);
    else
        doc = xml_input_parse_file(b->folder, xml_name, MOODLE_XML_LIMIT, err);
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlChar *context = root ? xmlGetNoNsProp(root, BAD_CAST "contextid") : NULL;
    a.contextid = context ? strtol((const char *)context, NULL, 10) : -1;
    xmlFree(context);
    if (status == 0 && (!doc || !(a.staged = source_staging_folder(b->ctx, b->mbz, err))))
        status = -1;
    else if (status == 0)
        status = moodle_add_activity_files(&a, modname, xml_input_child(root, modname), &kind, &path,
                                    &launch, err);
    if (status == 0) {
        char *id = NULL;
        if (asprintf(&id, "%s/%zu", b->prefix, ++b->lessons) < 0)
            id = NULL;
        manifest_lesson *lesson = id ? manifest_course_add_lesson(b->course, id) : NULL;
        manifest_item *mi = lesson ? manifest_lesson_add_item(lesson, id, kind, path) : NULL;
        if (!mi || source_add_title(&lesson->titles, title) != 0 ||
            source_add_title(&mi->titles, title) != 0 ||
            (launch && manifest_item_set_launch(mi, launch) != 0))
            status = panya_error_oom(err);
        free(id);
    } else if (status < 0 && err->code == PANYA_ERR_INVALID) {
        panya_error_prefix(err, "%s: '%s' (%s): ", b->shown, title, directory);
        if (b->ctx->keep_going)
            status = lesson_model_skip(b->model, "%s", err->message) ? panya_error_oom(err) : 1;
    }
done:
    xmlFreeDoc(doc);
    free(launch);
    free(path);
    free(a.staged);
    free(a.place);
    free(xml_name);
    xmlFree(modname), xmlFree(title), xmlFree(directory);
    return status < 0 ? -1 : 0;
}

/* Whether activity entry `entry` has module id `id`. */
static bool has_module_id(const xmlNode *entry, long id)
{
    return entry->type == XML_ELEMENT_NODE && strcmp((const char *)entry->name, "activity") == 0
           && moodle_child_number(entry, "moduleid") == id;
}

typedef struct section_order {
    long number;
    char *sequence; /* libxml2's */
} section_order;

static int compare_sections(const void *x, const void *y)
{
    long a = ((const section_order *)x)->number, b = ((const section_order *)y)->number;
    return (a > b) - (a < b);
}

/* Activities in section order (sections by number, modules by sequence), then those no
 * section lists, in the order moodle_backup.xml gives them. */
static int add_activities(backup *b, const xmlNode *contents, panya_error *err)
{
    const xmlNode *activities = xml_input_child(contents, "activities");
    const xmlNode *sections = xml_input_child(contents, "sections");
    size_t count = 0, placed_count = 0;
    for (const xmlNode *n = activities ? activities->children : NULL; n; n = n->next)
        count += n->type == XML_ELEMENT_NODE;
    section_order *order = NULL;
    size_t section_count = 0;
    const xmlNode **placed = calloc(count + 1, sizeof *placed);
    int status = placed ? 0 : panya_error_oom(err);
    for (const xmlNode *s = sections ? sections->children : NULL; s && status == 0; s = s->next) {
        if (s->type != XML_ELEMENT_NODE)
            continue;
        char *directory = moodle_child_text(s, "directory"), *xml_name = NULL;
        if (!directory || asprintf(&xml_name, "%s/section.xml", directory) < 0)
            xml_name = NULL;
        xmlDocPtr doc = xml_name && !strstr(directory, "..")
                            ? xml_input_parse_file(b->folder, xml_name, MOODLE_XML_LIMIT, err)
                            : NULL;
        section_order *grown = doc ? realloc(order, (section_count + 1) * sizeof *grown) : NULL;
        if (grown) {
            order = grown;
            const xmlNode *root = xmlDocGetRootElement(doc);
            order[section_count].number = moodle_child_number(root, "number");
            order[section_count++].sequence = moodle_child_text(root, "sequence");
        }
        status = grown ? 0 : !xml_name ? panya_error_oom(err) : doc ? panya_error_oom(err) : -1;
        if (status != 0 && xml_name && strstr(directory, ".."))
            status = panya_error_set(err, PANYA_ERR_INVALID, "section directory '%s' climbs "
                                     "out of the backup", directory);
        xmlFreeDoc(doc);
        free(xml_name);
        xmlFree(directory);
    }
    if (status == 0 && section_count)
        qsort(order, section_count, sizeof *order, compare_sections);
    for (size_t s = 0; s < section_count && status == 0; s++) {
        for (char *p = order[s].sequence; p && *p && status == 0;) {
            char *end;
            long id = strtol(p, &end, 10);
            if (end == p)
                break;
            p = *end ? end + 1 : end;
            for (const xmlNode *n = activities->children; n && status == 0; n = n->next) {
                bool seen = false;
                for (size_t i = 0; i < placed_count; i++)
                    seen |= placed[i] == n;
                if (seen || !has_module_id(n, id) || placed_count >= count)
                    continue;
                placed[placed_count++] = n;
                status = add_activity(b, n, err);
            }
        }
    }
    for (const xmlNode *n = activities ? activities->children : NULL; n && status == 0;
         n = n->next) {
        bool seen = n->type != XML_ELEMENT_NODE;
        for (size_t i = 0; i < placed_count && !seen; i++)
            seen = placed[i] == n;
        if (!seen)
            status = add_activity(b, n, err);
    }
    for (size_t s = 0; s < section_count; s++)
        xmlFree(order[s].sequence);
    free(order);
    free(placed);
    return status;
}

static int read_backup(backup *b, const char *name, panya_error *err)
{
    xmlDocPtr doc = xml_input_parse_file(b->folder, "moodle_backup.xml", MOODLE_XML_LIMIT, err);
    if (!doc)
        return -1;
    const xmlNode *root = xmlDocGetRootElement(doc);
    const xmlNode *info = xml_input_child(root, "information");
    int status = 0;
    if (!root || strcmp((const char *)root->name, "moodle_backup") != 0 || !info) {
        status = panya_error_set(err, PANYA_ERR_INVALID, "moodle_backup.xml is not a Moodle "
                                 "backup description (no <moodle_backup><information>)");
    } else {
        xmlDocPtr course = xml_input_parse_file(b->folder, "course/course.xml",
                                                MOODLE_XML_LIMIT, err);
        char *title = course ? moodle_child_text(xmlDocGetRootElement(course), "fullname")
                             : moodle_child_text(info, "original_course_fullname");
        panya_error_clear(err);
        b->course = bundle_manifest_add_course(b->model->manifest, b->prefix);
        if (!title || !b->course ||
            source_add_title(&b->course->titles, *title ? title : name) != 0)
            status = panya_error_oom(err);
        xmlFree(title);
        xmlFreeDoc(course);
        if (status == 0)
            status = read_files(b, err);
        if (status == 0)
            status = add_activities(b, xml_input_child(info, "contents"), err);
    }
    xmlFreeDoc(doc);
    return status;
}

static int moodle_read(const char *path, const char *bundle_prefix, source_context *ctx,
                       lesson_model *model, panya_error *err)
{
    char *name = source_package_name(path);
    if (name && is_mbz_name(name))
        name[strlen(name) - 4] = '\0';
    char *prefix = name ? source_join(bundle_prefix, name) : NULL;
    char *shown = source_display_path(ctx, path);
    char *folder = prefix && shown ? source_staging_folder(ctx, path, err) : NULL;
    int status = folder ? 0 : prefix && shown ? -1 : panya_error_oom(err);
    if (status == 0)
        status = source_unpack_zip_or_tar(ctx, path, folder, err);
    if (status == 0) {
        backup b = {ctx, model, NULL, folder, prefix, shown, path, NULL, 0, 0};
        status = read_backup(&b, name, err);
        free_files(&b);
        if (status != 0 && !strstr(err->message, shown))
            panya_error_prefix(err, "%s: ", shown);
    }
    free(folder);
    free(shown);
    free(prefix);
    free(name);
    return status;
}

const source_reader source_reader_moodle = {
    .name = "moodle",
    .detect = moodle_detect,
    .read = moodle_read,
};
