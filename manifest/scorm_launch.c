/* The launch list of a SCORM package: see scorm_launch.h. Elements are matched by local
 * name, as IMS content packages come in several namespace versions (1.1, 1.1.2, 1.1.4). */
#include "manifest/scorm_launch.h"

#include <libxml/tree.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/xml_input.h"

static bool named(const xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

static xmlNode *child(const xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (named(c, name))
            return c;
    return NULL;
}

/* An attribute by local name (identifier, href, ...) or xml:base; "" when absent. */
static const char *attr(const xmlNode *node, const char *name)
{
    for (xmlAttr *a = node->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0 && a->children && a->children->content)
            return (const char *)a->children->content;
    return "";
}

static const char *xml_base(const xmlNode *node)
{
    xmlAttr *a = xmlHasNsProp(node, BAD_CAST "base", XML_XML_NAMESPACE);
    return a && a->children && a->children->content ? (const char *)a->children->content : "";
}

static xmlNode *find_resource(const xmlNode *resources, const char *id)
{
    for (xmlNode *r = resources ? resources->children : NULL; r; r = r->next)
        if (named(r, "resource") && strcmp(attr(r, "identifier"), id) == 0)
            return r;
    return NULL;
}

static int add_entry(scorm_launch *out, const char *title, char *href, panya_error *err)
{
    scorm_launch_entry *grown = realloc(out->entries, (out->count + 1) * sizeof *grown);
    char *title_copy = strdup(title);
    if (!grown || !title_copy) {
        if (grown)
            out->entries = grown;
        free(title_copy);
        free(href);
        return panya_error_oom(err);
    }
    out->entries = grown;
    out->entries[out->count].title = title_copy;
    out->entries[out->count].href = href;
    out->count++;
    return 0;
}

/* Walks items depth first (the order a learner meets them). */
static int walk_items(const xmlNode *parent, const xmlNode *resources, scorm_launch *out,
                      panya_error *err)
{
    for (xmlNode *item = parent->children; item; item = item->next) {
        if (!named(item, "item"))
            continue;
        const char *ref = attr(item, "identifierref");
        xmlNode *resource = *ref ? find_resource(resources, ref) : NULL;
        const char *href = resource ? attr(resource, "href") : "";
        if (*href) {
            xmlNode *title_node = child(item, "title");
            xmlChar *title = title_node ? xmlNodeGetContent(title_node) : NULL;
            const char *params = attr(item, "parameters");
            /* parameters starting with '#' or '?' are appended as they are; others get '?'. */
            const char *join = *params == '\0' || *params == '?' || *params == '#' ? "" :
                               strchr(href, '?') ? "&" : "?";
            char *full = NULL;
            if (asprintf(&full, "%s%s%s%s%s", xml_base(resources), xml_base(resource), href,
                         join, params) < 0)
                full = NULL;
            int status = full ? add_entry(out, title ? (const char *)title : "", full, err)
                              : panya_error_oom(err);
            xmlFree(title);
            if (status != 0)
                return -1;
        }
        if (walk_items(item, resources, out, err) != 0)
            return -1;
    }
    return 0;
}

int scorm_launch_read(const uint8_t *xml, size_t len, const char *display_name,
                      scorm_launch *out, panya_error *err)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc = xml_input_parse(xml, len, display_name, err);
    if (!doc)
        return -1;
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *organizations = child(root, "organizations");
    xmlNode *resources = child(root, "resources");
    const char *wanted = organizations ? attr(organizations, "default") : "";
    xmlNode *organization = NULL;
    for (xmlNode *o = organizations ? organizations->children : NULL; o; o = o->next) {
        if (!named(o, "organization"))
            continue;
        if (!organization || strcmp(attr(o, "identifier"), wanted) == 0)
            organization = o;
        if (strcmp(attr(o, "identifier"), wanted) == 0)
            break;
    }
    int status = organization ? walk_items(organization, resources, out, err) : 0;
    xmlFreeDoc(doc);
    if (status != 0)
        scorm_launch_free(out);
    return status;
}

void scorm_launch_free(scorm_launch *launch)
{
    for (size_t i = 0; i < launch->count; i++) {
        free(launch->entries[i].title);
        free(launch->entries[i].href);
    }
    free(launch->entries);
    memset(launch, 0, sizeof *launch);
}
