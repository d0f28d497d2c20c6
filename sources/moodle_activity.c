/* The files each kind of Moodle activity becomes (sources/moodle_activity.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mime.h"
#include "manifest/xml_input.h"
#include "sources/moodle_activity.h"

char *moodle_child_text(const xmlNode *parent, const char *name)
{
    const xmlNode *n = xml_input_child(parent, name);
    xmlChar *text = n ? xmlNodeGetContent(n) : xmlStrdup(BAD_CAST "");
    return (char *)text;
}

long moodle_child_number(const xmlNode *parent, const char *name)
{
    char *text = moodle_child_text(parent, name);
    long v = text ? strtol(text, NULL, 10) : 0;
    xmlFree(text);
    return v;
}

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
    char *html = moodle_child_text(module, field);
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
                moodle_child_number(n, "pagenum") == page)
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
        char *title = moodle_child_text(chapter, "title"), *html = moodle_child_text(chapter, "content");
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

const char *moodle_offline_gap(const char *modname)
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

int moodle_add_activity_files(activity *a, const char *modname, const xmlNode *module,
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
        char *url = moodle_child_text(module, "externalurl");
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
