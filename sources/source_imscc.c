/* IMS Common Cartridges 1.1-1.3 (.imscc): one course whose lessons are the organization's
 * items in order. Web content opens at its file; web links become a small page with the
 * link, marked online-only (item kind `url`); LTI tools, assessments and discussions cannot
 * work offline and are listed as left out. Every file of the cartridge is packed at its own
 * path, so pages keep their relative links. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "manifest/xml_input.h"
#include "sources/source.h"

#define IMSCC_XML_LIMIT (16u << 20)

static bool is_imscc_name(const char *path)
{
    size_t n = strlen(path);
    return n > 6 && strcasecmp(path + n - 6, ".imscc") == 0;
}

static int imscc_detect(const char *path, source_context *ctx, char *why, size_t why_size,
                        panya_error *err)
{
    (void)ctx, (void)err;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !is_imscc_name(path))
        return 0;
    snprintf(why, why_size, "a .imscc file");
    return 1;
}

/* An element by its local name, whatever its namespace (cartridge versions differ). */
static bool is_named(const xmlNode *node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

static xmlDocPtr parse_file(const char *folder, const char *relative, panya_error *err)
{
    return xml_input_parse_file(folder, relative, IMSCC_XML_LIMIT, err);
}

typedef struct cartridge {
    source_context *ctx;
    lesson_model *model;
    manifest_course *course;
    const char *folder;   /* unpacked */
    const char *prefix;   /* in the bundle */
    const char *shown;    /* the cartridge as the user names it */
    const char *links;    /* staging folder of the generated link pages */
    const xmlNode *resources;
    size_t lessons;
} cartridge;

static const xmlNode *find_resource(const cartridge *c, const char *id)
{
    for (const xmlNode *r = c->resources ? c->resources->children : NULL; r; r = r->next) {
        if (!is_named(r, "resource"))
            continue;
        xmlChar *rid = xmlGetNoNsProp(r, BAD_CAST "identifier");
        bool match = rid && strcmp((const char *)rid, id) == 0;
        xmlFree(rid);
        if (match)
            return r;
    }
    return NULL;
}

/* The first <file href> of a resource (malloc'd by libxml2), or NULL. */
static xmlChar *first_file(const xmlNode *resource)
{
    const xmlNode *file = xml_input_child(resource, "file");
    return file ? xmlGetNoNsProp(file, BAD_CAST "href") : NULL;
}

/* A web link: a page saying the link needs the internet. Sets *page (bundle path). */
static int add_link_page(cartridge *c, const xmlNode *resource, const char *title, char **page,
                         panya_error *err)
{
    xmlChar *href = first_file(resource);
    xmlDocPtr doc = href ? parse_file(c->folder, (const char *)href, err) : NULL;
    xmlFree(href);
    if (!doc)
        return href ? -1 : panya_error_set(err, PANYA_ERR_INVALID, "a web link without its file");
    const xmlNode *url = xml_input_child(xmlDocGetRootElement(doc), "url");
    xmlChar *target = url ? xmlGetNoNsProp(url, BAD_CAST "href") : NULL;
    int status = 0;
    if (!target || (strncmp((const char *)target, "http://", 7) != 0 &&
                    strncmp((const char *)target, "https://", 8) != 0)) {
        status = panya_error_set(err, PANYA_ERR_INVALID, "a web link without an http(s) url");
    } else {
        char name[64], *disk = NULL;
        snprintf(name, sizeof name, "link-%zu.html", c->lessons + 1);
        char relative[96];
        snprintf(relative, sizeof relative, "_links/%s", name);
        disk = source_join(c->links, name);
        *page = source_join(c->prefix, relative);
        if (!disk || !*page)
            status = panya_error_oom(err);
        else if (source_write_link_page(disk, title, (const char *)target, err) == 0)
            status = lesson_model_add_file(c->model, *page, disk, err);
        else
            status = -1;
        free(disk);
    }
    xmlFree(target);
    xmlFreeDoc(doc);
    return status;
}

/* What a resource type cannot do offline, or NULL when panya packs it. */
static const char *offline_gap(const char *type)
{
    if (strstr(type, "imsbasiclti"))
        return "an LTI tool (runs on another server)";
    if (strstr(type, "assessment") || strstr(type, "imsqti"))
        return "an assessment (needs the LMS to mark it)";
    if (strstr(type, "imsdt"))
        return "a discussion (needs the LMS)";
    if (strcmp(type, "webcontent") == 0 || strncmp(type, "imswl_xmlv", 10) == 0)
        return NULL;
    return "a resource kind panya does not know";
}

static int add_item(cartridge *c, const xmlNode *item, panya_error *err)
{
    xmlChar *ref = xmlGetNoNsProp(item, BAD_CAST "identifierref");
    if (!ref)
        return 0;
    const xmlNode *title_node = xml_input_child(item, "title");
    xmlChar *title_text = title_node ? xmlNodeGetContent(title_node) : NULL;
    const char *title = title_text && *title_text ? (const char *)title_text : (const char *)ref;
    const xmlNode *resource = find_resource(c, (const char *)ref);
    xmlChar *type = resource ? xmlGetNoNsProp(resource, BAD_CAST "type") : NULL;
    int status = 0;
    const char *gap = type ? offline_gap((const char *)type) : "a missing resource";
    char *path = NULL;
    const char *kind = NULL;
    if (gap) {
        status = lesson_model_warn(c->model, "%s: '%s' not packed, not available offline: %s",
                                   c->shown, title, gap)
                     ? panya_error_oom(err)
                     : 0;
    } else if (strcmp((const char *)type, "webcontent") == 0) {
        xmlChar *href = xmlGetNoNsProp(resource, BAD_CAST "href");
        if (!href)
            href = first_file(resource);
        path = href ? source_join(c->prefix, (const char *)href) : NULL;
        const char *dot = href ? strrchr((const char *)href, '.') : NULL;
        kind = dot && (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0)
                   ? "html"
                   : "document";
        char *disk = href ? source_join(c->folder, (const char *)href) : NULL;
        struct stat st;
        if (!href)
            status = panya_error_set(err, PANYA_ERR_INVALID, "%s: '%s' has no file", c->shown,
                                     title);
        else if (!path || !disk)
            status = panya_error_oom(err);
        else if (stat(disk, &st) != 0 || !S_ISREG(st.st_mode))
            status = panya_error_set(err, PANYA_ERR_INVALID, "%s: '%s' opens %s, which is not "
                                     "in the cartridge", c->shown, title, (const char *)href);
        free(disk);
        xmlFree(href);
    } else {
        kind = "url";
        status = add_link_page(c, resource, title, &path, err);
        if (status != 0)
            panya_error_prefix(err, "%s: '%s': ", c->shown, title);
    }
    if (status == 0 && kind) {
        char *id = NULL;
        if (asprintf(&id, "%s/%zu", c->prefix, ++c->lessons) < 0)
            id = NULL;
        manifest_lesson *lesson = id ? manifest_course_add_lesson(c->course, id) : NULL;
        manifest_item *mi = lesson ? manifest_lesson_add_item(lesson, id, kind, path) : NULL;
        if (!mi || source_add_title(&lesson->titles, title) != 0 ||
            source_add_title(&mi->titles, title) != 0)
            status = panya_error_oom(err);
        free(id);
    }
    free(path);
    xmlFree(type);
    xmlFree(title_text);
    xmlFree(ref);
    return status;
}

/* Items in document order, depth first: modules (items without a resource) hold lessons. */
static int walk_items(cartridge *c, const xmlNode *parent, unsigned depth, panya_error *err)
{
    if (depth > 32)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: items nested more than 32 deep",
                               c->shown);
    for (const xmlNode *n = parent->children; n; n = n->next) {
        if (!is_named(n, "item"))
            continue;
        if (add_item(c, n, err) != 0 || walk_items(c, n, depth + 1, err) != 0)
            return -1;
    }
    return 0;
}

static int read_cartridge(cartridge *c, const char *name, panya_error *err)
{
    xmlDocPtr doc = parse_file(c->folder, "imsmanifest.xml", err);
    if (!doc)
        return -1;
    const xmlNode *root = xmlDocGetRootElement(doc);
    const char *ns = root && root->ns ? (const char *)root->ns->href : "";
    int status = 0;
    if (!is_named(root, "manifest") || !strstr(ns, "imscc")) {
        status = panya_error_set(err, PANYA_ERR_INVALID,
                                 "imsmanifest.xml is not a Common Cartridge manifest "
                                 "(namespace '%s')", ns);
    } else {
        const xmlNode *org = xml_input_child(xml_input_child(root, "organizations"), "organization");
        c->resources = xml_input_child(root, "resources");
        const xmlNode *title = xml_input_child(org, "title");
        xmlChar *text = title ? xmlNodeGetContent(title) : NULL;
        c->course = bundle_manifest_add_course(c->model->manifest, c->prefix);
        if (!c->course || source_add_title(&c->course->titles,
                                           text && *text ? (const char *)text : name) != 0)
            status = panya_error_oom(err);
        xmlFree(text);
        if (status == 0 && org)
            status = walk_items(c, org, 0, err);
    }
    xmlFreeDoc(doc);
    return status;
}

static int imscc_read(const char *path, const char *bundle_prefix, source_context *ctx,
                      lesson_model *model, panya_error *err)
{
    char *name = source_package_name(path);
    if (name && is_imscc_name(name))
        name[strlen(name) - 6] = '\0';
    char *prefix = name ? source_join(bundle_prefix, name) : NULL;
    char *shown = source_display_path(ctx, path);
    char *folder = prefix && shown ? source_staging_folder(ctx, path, err) : NULL;
    char *links = folder ? source_staging_folder(ctx, path, err) : NULL;
    int status = links ? 0 : prefix && shown ? -1 : panya_error_oom(err);
    if (status == 0)
        status = source_unzip(ctx, path, folder, err);
    if (status == 0) {
        cartridge c = {ctx, model, NULL, folder, prefix, shown, links, NULL, 0};
        status = read_cartridge(&c, name, err);
        if (status != 0 && !strstr(err->message, shown))
            panya_error_prefix(err, "%s: ", shown);
    }
    if (status == 0)
        status = source_add_folder_files(ctx, folder, prefix, model, err);
    free(links);
    free(folder);
    free(shown);
    free(prefix);
    free(name);
    return status;
}

const source_reader source_reader_imscc = {
    .name = "imscc",
    .detect = imscc_detect,
    .read = imscc_read,
};
