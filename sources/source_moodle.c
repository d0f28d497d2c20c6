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

#include "common/mime.h"
#include "manifest/xml_input.h"
#include "sources/source.h"

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

/* The text of parent's child `name` (malloc'd by libxml2; "" when absent), or NULL (OOM). */
static char *child_text(const xmlNode *parent, const char *name)
{
    const xmlNode *n = xml_input_child(parent, name);
    xmlChar *text = n ? xmlNodeGetContent(n) : xmlStrdup(BAD_CAST "");
    return (char *)text;
}

static long child_number(const xmlNode *parent, const char *name)
{
    char *text = child_text(parent, name);
    long v = text ? strtol(text, NULL, 10) : 0;
    xmlFree(text);
    return v;
}

typedef struct backup_file {
    char *hash, *component, *filearea, *filepath, *filename;
    long contextid, itemid, sortorder;
} backup_file;

typedef struct backup {
    source_context *ctx;
    lesson_model *model;
    manifest_course *course;
    const char *folder; /* unpacked */
    const char *prefix; /* in the bundle */
    const char *shown;  /* the backup as the user names it */
    const char *mbz;    /* the backup's path: each activity's staging folder comes from it */
    backup_file *files;
    size_t file_count;
    size_t lessons;
} backup;

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
        backup_file f = {child_text(n, "contenthash"), child_text(n, "component"),
                         child_text(n, "filearea"), child_text(n, "filepath"),
                         child_text(n, "filename"), child_number(n, "contextid"),
                         child_number(n, "itemid"), child_number(n, "sortorder")};
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

/* An activity being read: its folder in the bundle and the files it adds. */
typedef struct activity {
    backup *b;
    const char *title;
    long contextid;
    char *place;  /* bundle folder: PREFIX/MODNAME_ID */
    char *staged; /* staging folder of its generated pages */
} activity;

/* files/XX/HASH of f, or NULL with err set when the backup lacks it. */
static char *stored_path(const activity *a, const backup_file *f, panya_error *err)
{
    char *path = NULL;
    if (asprintf(&path, "%s/files/%.2s/%s", a->b->folder, f->hash, f->hash) < 0) {
        panya_error_oom(err);
        return NULL;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        panya_error_set(err, PANYA_ERR_INVALID, "files.xml lists '%s%s', but files/%.2s/%s is "
                        "not in the backup", f->filepath, f->filename, f->hash, f->hash);
        free(path);
        return NULL;
    }
    return path;
}

static bool in_area(const activity *a, const backup_file *f, const char *component,
                    const char *area, long itemid)
{
    return f->contextid == a->contextid && strcmp(f->component, component) == 0 &&
           strcmp(f->filearea, area) == 0 && (itemid < 0 || f->itemid == itemid);
}

/* Adds the files of one area below folder (bundle) at their file paths; *main (unless NULL)
 * gets the bundle path of the file Moodle opens (highest sortorder, else the first). Returns
 * the number of files, or -1. */
static long add_area(activity *a, const char *component, const char *area, long itemid,
                     const char *folder, char **main, panya_error *err)
{
    long count = 0, best = -1;
    for (size_t i = 0; i < a->b->file_count; i++) { /* all there, or nothing added */
        char *disk = in_area(a, &a->b->files[i], component, area, itemid)
                         ? stored_path(a, &a->b->files[i], err) : NULL;
        if (!disk && in_area(a, &a->b->files[i], component, area, itemid))
            return -1;
        free(disk);
    }
    for (size_t i = 0; i < a->b->file_count; i++) {
        const backup_file *f = &a->b->files[i];
        if (!in_area(a, f, component, area, itemid))
            continue;
        char *disk = stored_path(a, f, err), *bundle = NULL;
        const char *path = f->filepath[0] == '/' ? f->filepath + 1 : f->filepath;
        if (disk && asprintf(&bundle, "%s/%s%s", folder, path, f->filename) < 0)
            bundle = NULL;
        int status = !disk ? -1 : !bundle ? panya_error_oom(err)
                                          : lesson_model_add_file(a->b->model, bundle, disk, err);
        free(disk);
        if (status != 0) {
            free(bundle);
            return -1;
        }
        if (main && f->sortorder > best) {
            best = f->sortorder;
            free(*main);
            *main = bundle;
        } else {
            free(bundle);
        }
        count++;
    }
    return count;
}

/* Writes html with "@@PLUGINFILE@@/" removed, so its file links are relative to the page. */
static void write_moodle_html(FILE *f, const char *html)
{
    static const char marker[] = "@@PLUGINFILE@@/";
    for (const char *p = html, *hit; *p; p = hit + sizeof marker - 1) {
        hit = strstr(p, marker);
        if (!hit) {
            fputs(p, f);
            return;
        }
        fwrite(p, 1, (size_t)(hit - p), f);
    }
}

/* A generated page `name` in the activity's staging folder, added at place/name. */
static FILE *open_page(activity *a, const char *name, panya_error *err)
{
    char *disk = source_join(a->staged, name);
    char *slash = disk ? strrchr(disk, '/') : NULL;
    if (slash && slash > disk + strlen(a->staged)) {
        *slash = '\0';
        mkdir(disk, 0700);
        *slash = '/';
    }
    FILE *f = disk ? fopen(disk, "wb") : NULL;
    if (!disk)
        panya_error_oom(err);
    else if (!f)
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", disk);
    free(disk);
    return f;
}

static int close_page(activity *a, FILE *f, const char *name, panya_error *err)
{
    fputs("</body>\n</html>\n", f);
    char *disk = source_join(a->staged, name), *bundle = source_join(a->place, name);
    int status = fclose(f) != 0 ? panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", name)
                 : !disk || !bundle ? panya_error_oom(err)
                                    : lesson_model_add_file(a->b->model, bundle, disk, err);
    free(disk);
    free(bundle);
    return status;
}

/* A page, a label: one HTML page (index.html) and the files its text embeds. */
static int add_html(activity *a, const xmlNode *module, const char *field,
                    const char *component, const char *area, panya_error *err)
{
    if (add_area(a, component, area, -1, a->place, NULL, err) < 0)
        return -1;
    char *html = child_text(module, field);
    FILE *f = html ? open_page(a, "index.html", err) : NULL;
    if (!f) {
        xmlFree(html);
        return html ? -1 : panya_error_oom(err);
    }
    source_write_html_head(f, a->title);
    write_moodle_html(f, html);
    xmlFree(html);
    return close_page(a, f, "index.html", err);
}

/* A book: its chapters (in page order) as pages chapter-ID/index.html beside their files,
 * and index.html listing them. */
static int add_book(activity *a, const xmlNode *module, panya_error *err)
{
    FILE *index = open_page(a, "index.html", err);
    if (!index)
        return -1;
    source_write_html_head(index, a->title);
    fputs("<ol>\n", index);
    const xmlNode *chapters = xml_input_child(module, "chapters");
    int status = 0;
    for (long page = 1; page < 10000 && status == 0; page++) {
        const xmlNode *chapter = NULL;
        for (const xmlNode *n = chapters ? chapters->children : NULL; n && !chapter; n = n->next)
            if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "chapter") == 0 &&
                child_number(n, "pagenum") == page)
                chapter = n;
        if (!chapter)
            break;
        xmlChar *id = xmlGetNoNsProp(chapter, BAD_CAST "id");
        long chapter_id = id ? strtol((const char *)id, NULL, 10) : page;
        xmlFree(id);
        char name[64], folder_name[48];
        snprintf(folder_name, sizeof folder_name, "chapter-%ld", chapter_id);
        snprintf(name, sizeof name, "%s/index.html", folder_name);
        char *folder = source_join(a->place, folder_name);
        char *title = child_text(chapter, "title"), *html = child_text(chapter, "content");
        FILE *f = NULL;
        if (!folder || !title || !html)
            status = panya_error_oom(err);
        else if (add_area(a, "mod_book", "chapter", chapter_id, folder, NULL, err) < 0 ||
                 !(f = open_page(a, name, err)))
            status = -1;
        if (f) {
            source_write_html_head(f, title);
            write_moodle_html(f, html);
            fputs("\n<p><a href=\"../index.html\">", f);
            source_write_html_text(f, a->title);
            fputs("</a></p>\n", f);
            status = close_page(a, f, name, err);
            fprintf(index, "<li><a href=\"%s\">", name);
            source_write_html_text(index, title);
            fputs("</a></li>\n", index);
        }
        xmlFree(title);
        xmlFree(html);
        free(folder);
    }
    fputs("</ol>\n", index);
    int closed = close_page(a, index, "index.html", err);
    return status != 0 ? status : closed;
}

/* A SCORM or H5P activity: its package file, linked into the staging folder under a name
 * with the package's extension, validated and added by the SCORM or H5P reader. */
static int add_package(activity *a, const char *modname, char **launch, panya_error *err)
{
    bool scorm = strcmp(modname, "scorm") == 0;
    const char *component = scorm ? "mod_scorm" : "mod_h5pactivity";
    const backup_file *package = NULL;
    for (size_t i = 0; i < a->b->file_count && !package; i++)
        if (in_area(a, &a->b->files[i], component, "package", -1))
            package = &a->b->files[i];
    if (!package)
        return panya_error_set(err, PANYA_ERR_INVALID, "files.xml has no package file for it");
    char *disk = stored_path(a, package, err), *linked = NULL, *title = NULL;
    if (!disk)
        return -1;
    int status = 0;
    if (asprintf(&linked, "%s/%s.%s", a->staged, strrchr(a->place, '/') + 1,
                 scorm ? "zip" : "h5p") < 0)
        status = panya_error_oom(err);
    else if (link(disk, linked) != 0)
        status = panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", linked);
    else if (scorm)
        status = source_scorm_add_package(linked, a->place, a->b->ctx, a->b->model, &title, err);
    else
        status = source_h5p_add_package(linked, a->place, a->b->ctx, a->b->model, &title, err);
    if (status == 0 && !scorm && !(*launch = source_join(a->place, "index.html")))
        status = panya_error_oom(err);
    free(title);
    free(linked);
    free(disk);
    return status;
}

/* What an activity kind needs Moodle for, or NULL when panya packs it. */
static const char *offline_gap(const char *modname)
{
    static const char *const packed[] = {"resource", "folder", "page", "label", "url",
                                         "scorm", "h5pactivity", "book"};
    for (size_t i = 0; i < sizeof packed / sizeof packed[0]; i++)
        if (strcmp(modname, packed[i]) == 0)
            return NULL;
    if (strcmp(modname, "quiz") == 0 || strcmp(modname, "assign") == 0 ||
        strcmp(modname, "lesson") == 0 || strcmp(modname, "workshop") == 0)
        return "needs Moodle to mark it";
    if (strcmp(modname, "forum") == 0 || strcmp(modname, "chat") == 0)
        return "a discussion, needs Moodle";
    if (strcmp(modname, "lti") == 0)
        return "an LTI tool, runs on another server";
    return "needs Moodle";
}

/* Fills the item of one packed activity: *kind and *path (and *launch). Returns 0, 1 (a
 * package skipped under --keep-going) or -1. */
static int add_activity_files(activity *a, const char *modname, const xmlNode *module,
                              const char **kind, char **path, char **launch, panya_error *err)
{
    if (strcmp(modname, "resource") == 0) {
        long n = add_area(a, "mod_resource", "content", -1, a->place, path, err);
        if (n == 0)
            return panya_error_set(err, PANYA_ERR_INVALID, "files.xml has no file for it");
        const char *mime = *path ? mime_type_for_path(*path) : "";
        *kind = strncmp(mime, "video/", 6) == 0   ? "video"
                : strncmp(mime, "audio/", 6) == 0 ? "audio"
                : strncmp(mime, "image/", 6) == 0 ? "image"
                : strcmp(mime, "text/html") == 0  ? "html"
                                                  : "document";
        if (n > 0 && strcmp(*kind, "html") == 0) {
            *launch = *path; /* an HTML resource plays from its folder, opened at its file */
            *path = strdup(a->place);
            if (!*path)
                return panya_error_oom(err);
        }
        return n < 0 ? -1 : 0;
    }
    if (strcmp(modname, "url") == 0) {
        char *url = child_text(module, "externalurl");
        char *disk = a->staged ? source_join(a->staged, "index.html") : NULL;
        int status = !url || !disk ? panya_error_oom(err)
                     : strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0
                         ? panya_error_set(err, PANYA_ERR_INVALID, "no http(s) externalurl")
                         : source_write_link_page(disk, a->title, url, err);
        *kind = "url";
        *path = source_join(a->place, "index.html");
        if (status == 0)
            status = !*path ? panya_error_oom(err)
                            : lesson_model_add_file(a->b->model, *path, disk, err);
        free(disk);
        xmlFree(url);
        return status;
    }
    *path = strdup(a->place);
    if (!*path)
        return panya_error_oom(err);
    *kind = "html";
    bool page = strcmp(modname, "page") == 0 || strcmp(modname, "label") == 0 ||
                strcmp(modname, "book") == 0;
    if (page && !(*launch = source_join(a->place, "index.html")))
        return panya_error_oom(err);
    if (strcmp(modname, "folder") == 0) {
        *kind = "folder";
        return add_area(a, "mod_folder", "content", -1, a->place, NULL, err) < 0 ? -1 : 0;
    }
    if (strcmp(modname, "page") == 0)
        return add_html(a, module, "content", "mod_page", "content", err);
    if (strcmp(modname, "label") == 0)
        return add_html(a, module, "intro", "mod_label", "intro", err);
    if (strcmp(modname, "book") == 0)
        return add_book(a, module, err);
    *kind = strcmp(modname, "scorm") == 0 ? "scorm" : "h5p";
    return add_package(a, modname, launch, err);
}

/* One activity of moodle_backup.xml's contents: a lesson, or a note saying why not. */
static int add_activity(backup *b, const xmlNode *entry, panya_error *err)
{
    char *modname = child_text(entry, "modulename"), *title = child_text(entry, "title");
    char *directory = child_text(entry, "directory");
    if (!modname || !title || !directory) {
        xmlFree(modname), xmlFree(title), xmlFree(directory);
        return panya_error_oom(err);
    }
    const char *gap = offline_gap(modname);
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
        status = add_activity_files(&a, modname, xml_input_child(root, modname), &kind, &path,
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
           && child_number(entry, "moduleid") == id;
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
        char *directory = child_text(s, "directory"), *xml_name = NULL;
        if (!directory || asprintf(&xml_name, "%s/section.xml", directory) < 0)
            xml_name = NULL;
        xmlDocPtr doc = xml_name && !strstr(directory, "..")
                            ? xml_input_parse_file(b->folder, xml_name, MOODLE_XML_LIMIT, err)
                            : NULL;
        section_order *grown = doc ? realloc(order, (section_count + 1) * sizeof *grown) : NULL;
        if (grown) {
            order = grown;
            const xmlNode *root = xmlDocGetRootElement(doc);
            order[section_count].number = child_number(root, "number");
            order[section_count++].sequence = child_text(root, "sequence");
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
        char *title = course ? child_text(xmlDocGetRootElement(course), "fullname")
                             : child_text(info, "original_course_fullname");
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
