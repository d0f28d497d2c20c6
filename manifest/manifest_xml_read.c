/* XML → bundle_manifest. The manifest comes from a file that may have been damaged or
 * crafted, so the parser runs without network, entity substitution or DTD loading, refuses
 * any DOCTYPE, and every attribute and path is checked before it reaches the model. */
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/bundle_manifest.h"
#include "manifest/xml_input.h"

typedef struct read_context {
    const char *name; /* display name for messages */
    panya_error *err;
    bundle_manifest *m;
} read_context;

static int fail_at(read_context *rc, const xmlNode *node, const char *fmt, const char *detail)
{
    char what[1024];
    snprintf(what, sizeof what, fmt, detail ? detail : "");
    return panya_error_set(rc->err, PANYA_ERR_INVALID, "%s: line %ld: %s", rc->name,
                           node ? xmlGetLineNo(node) : 0L, what);
}

static bool is_element(const xmlNode *node, const char *name)
{
    return xml_input_is_element(node, MANIFEST_NAMESPACE, name);
}

/* Our elements are checked; elements in other namespaces are extensions and skipped. */
static bool is_ours(const xmlNode *node)
{
    return node->type == XML_ELEMENT_NODE && node->ns &&
           strcmp((const char *)node->ns->href, MANIFEST_NAMESPACE) == 0;
}

/* Returns a malloc'd attribute value, or NULL (absent). */
static char *attr(const xmlNode *node, const char *name)
{
    return (char *)xmlGetNoNsProp(node, BAD_CAST name);
}

static int required_attr(read_context *rc, const xmlNode *node, const char *name, char **out)
{
    *out = attr(node, name);
    if (!*out || !**out) {
        xmlFree(*out);
        *out = NULL;
        char what[128];
        snprintf(what, sizeof what, "<%s> needs a %s attribute", (const char *)node->name,
                 name);
        return fail_at(rc, node, "%s", what);
    }
    return 0;
}

static int parse_u64(read_context *rc, const xmlNode *node, const char *name, uint64_t max,
                     bool required, uint64_t *out)
{
    char *value = attr(node, name);
    *out = 0;
    if (!value) {
        if (!required)
            return 0;
        return fail_at(rc, node, "missing attribute %s", name);
    }
    int status = 0;
    if (!*value || strspn(value, "0123456789") != strlen(value) || strlen(value) > 20) {
        status = -1;
    } else {
        errno = 0;
        unsigned long long v = strtoull(value, NULL, 10);
        if (errno || v > max)
            status = -1;
        else
            *out = v;
    }
    xmlFree(value);
    return status ? fail_at(rc, node, "attribute %s is not a valid number", name) : 0;
}

static int read_titles(read_context *rc, const xmlNode *parent, manifest_titles *titles)
{
    return xml_input_read_titles(parent, MANIFEST_NAMESPACE, titles, rc->name, rc->err);
}

static int read_variant(read_context *rc, const xmlNode *node, manifest_file *file)
{
    manifest_variant v = {0};
    char *hex = NULL;
    uint64_t width, height, bitrate;
    int status = -1;
    if (required_attr(rc, node, "profile", &v.profile) || required_attr(rc, node, "mime", &v.mime) ||
        required_attr(rc, node, "sha256", &hex) ||
        parse_u64(rc, node, "size", UINT64_MAX, true, &v.size) ||
        parse_u64(rc, node, "width", UINT32_MAX, false, &width) ||
        parse_u64(rc, node, "height", UINT32_MAX, false, &height) ||
        parse_u64(rc, node, "bitrate", UINT32_MAX, false, &bitrate) ||
        parse_u64(rc, node, "duration-ms", UINT64_MAX, false, &v.duration_ms))
        goto out;
    if (panya_hash_from_hex(hex, v.hash) != 0) {
        fail_at(rc, node, "sha256 '%s' is not 64 hex digits", hex);
        goto out;
    }
    v.codecs = attr(node, "codecs");
    v.width = (uint32_t)width;
    v.height = (uint32_t)height;
    v.bitrate = (uint32_t)bitrate;
    status = manifest_file_add_variant(file, &v, rc->err);
out:
    xmlFree(v.profile);
    xmlFree(v.mime);
    xmlFree(v.codecs);
    xmlFree(hex);
    return status;
}

static int read_files(read_context *rc, const xmlNode *files)
{
    for (const xmlNode *n = files->children; n; n = n->next) {
        if (!is_ours(n))
            continue;
        char *path = NULL;
        if (!is_element(n, "file") && !is_element(n, "folder"))
            return fail_at(rc, n, "unexpected element <%s> in <files>", (const char *)n->name);
        if (required_attr(rc, n, "path", &path))
            return -1;
        if (!manifest_path_is_safe(path)) {
            fail_at(rc, n, "unsafe path '%s' (absolute, '..', or not UTF-8)", path);
            xmlFree(path);
            return -1;
        }
        if (is_element(n, "folder")) {
            int status = bundle_manifest_add_folder(rc->m, path, rc->err);
            xmlFree(path);
            if (status)
                return -1;
            continue;
        }
        /* Sorted, no duplicates (docs/FORMAT.md): readers binary-search the files. */
        if (rc->m->file_count &&
            strcmp(rc->m->files[rc->m->file_count - 1].path, path) >= 0) {
            fail_at(rc, n, "files are not sorted by path (or listed twice): '%s'", path);
            xmlFree(path);
            return -1;
        }
        manifest_file *file = bundle_manifest_add_file(rc->m, path, rc->err);
        xmlFree(path);
        if (!file)
            return -1;
        for (const xmlNode *v = n->children; v; v = v->next) {
            if (!is_ours(v))
                continue;
            if (!is_element(v, "variant"))
                return fail_at(rc, v, "unexpected element <%s> in <file>", (const char *)v->name);
            if (read_variant(rc, v, file))
                return -1;
        }
        if (file->variant_count == 0)
            return fail_at(rc, n, "file '%s' has no <variant>", file->path);
    }
    return 0;
}

static int read_item(read_context *rc, const xmlNode *node, manifest_lesson *lesson)
{
    char *id = NULL, *kind = NULL, *path = NULL, *launch = NULL;
    int status = -1;
    if (required_attr(rc, node, "id", &id) || required_attr(rc, node, "kind", &kind) ||
        required_attr(rc, node, "path", &path))
        goto out;
    if (!manifest_path_is_safe(path)) {
        fail_at(rc, node, "unsafe item path '%s'", path);
        goto out;
    }
    launch = attr(node, "launch");
    if (launch && (!manifest_path_is_safe(launch) || !manifest_item_uses(
                       &(manifest_item){.path = path}, launch) || strcmp(launch, path) == 0)) {
        fail_at(rc, node, "item launch file '%s' is not a file below the item's path", launch);
        goto out;
    }
    manifest_item *item = manifest_lesson_add_item(lesson, id, kind, path);
    if (!item || (launch && manifest_item_set_launch(item, launch) != 0)) {
        panya_error_oom(rc->err);
        goto out;
    }
    status = read_titles(rc, node, &item->titles);
out:
    xmlFree(launch);
    xmlFree(id);
    xmlFree(kind);
    xmlFree(path);
    return status;
}

static int read_course(read_context *rc, const xmlNode *node)
{
    char *id = NULL;
    if (required_attr(rc, node, "id", &id))
        return -1;
    manifest_course *course = bundle_manifest_add_course(rc->m, id);
    xmlFree(id);
    if (!course)
        return panya_error_oom(rc->err);
    course->grade = attr(node, "grade");
    course->subject = attr(node, "subject");
    if (read_titles(rc, node, &course->titles))
        return -1;
    for (const xmlNode *n = node->children; n; n = n->next) {
        if (!is_ours(n) || is_element(n, "title"))
            continue;
        if (!is_element(n, "lesson"))
            return fail_at(rc, n, "unexpected element <%s> in <course>", (const char *)n->name);
        if (required_attr(rc, n, "id", &id))
            return -1;
        manifest_lesson *lesson = manifest_course_add_lesson(course, id);
        xmlFree(id);
        if (!lesson)
            return panya_error_oom(rc->err);
        if (read_titles(rc, n, &lesson->titles))
            return -1;
        for (const xmlNode *i = n->children; i; i = i->next) {
            if (!is_ours(i) || is_element(i, "title"))
                continue;
            if (!is_element(i, "item"))
                return fail_at(rc, i, "unexpected element <%s> in <lesson>", (const char *)i->name);
            if (read_item(rc, i, lesson))
                return -1;
        }
    }
    return 0;
}

static int read_root(read_context *rc, const xmlNode *root)
{
    if (!is_element(root, "bundle"))
        return fail_at(rc, root, "the root element is not <bundle xmlns=\"%s\">",
                       MANIFEST_NAMESPACE);
    char *format = attr(root, "format"), *id = NULL, *version = NULL;
    bool format_ok = format && strcmp(format, "1") == 0;
    xmlFree(format);
    if (!format_ok)
        return fail_at(rc, root, "%s", "unsupported manifest format (this panya reads format 1)");
    if (required_attr(rc, root, "id", &id) || required_attr(rc, root, "version", &version)) {
        xmlFree(id);
        return -1;
    }
    rc->m = bundle_manifest_new(id, version);
    xmlFree(id);
    xmlFree(version);
    if (!rc->m)
        return panya_error_oom(rc->err);
    if (read_titles(rc, root, &rc->m->titles))
        return -1;
    bool have_files = false;
    for (const xmlNode *n = root->children; n; n = n->next) {
        if (!is_ours(n) || is_element(n, "title"))
            continue;
        if (is_element(n, "course")) {
            if (read_course(rc, n))
                return -1;
        } else if (is_element(n, "files") && !have_files) {
            have_files = true;
            if (read_files(rc, n))
                return -1;
        } else {
            return fail_at(rc, n, "unexpected element <%s> in <bundle>", (const char *)n->name);
        }
    }
    if (!have_files)
        return fail_at(rc, root, "%s", "<bundle> has no <files>");
    return 0;
}

bundle_manifest *bundle_manifest_read_xml(const uint8_t *xml, size_t len,
                                          const char *display_name, panya_error *err)
{
    xmlDocPtr doc = xml_input_parse(xml, len, display_name, err);
    if (!doc)
        return NULL;
    read_context rc = {.name = display_name, .err = err};
    int status = read_root(&rc, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    if (status == 0 && bundle_manifest_finish(rc.m, err) != 0) {
        panya_error_prefix(err, "%s: ", display_name);
        status = -1;
    }
    if (status != 0) {
        bundle_manifest_free(rc.m);
        return NULL;
    }
    return rc.m;
}
