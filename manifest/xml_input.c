#include "manifest/xml_input.h"

#include <libxml/parser.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct first_xml_error {
    int line;
    char message[512];
    bool seen;
} first_xml_error;

static void capture_xml_error(void *ctx, xmlErrorPtr error)
{
    first_xml_error *first = ctx;
    if (first->seen || !error)
        return;
    first->seen = true;
    first->line = error->line;
    snprintf(first->message, sizeof first->message, "%s",
             error->message ? error->message : "malformed XML");
    first->message[strcspn(first->message, "\n")] = '\0';
}

xmlDocPtr xml_input_parse(const uint8_t *xml, size_t len, const char *display_name,
                          panya_error *err)
{
    if (len > INT32_MAX) {
        panya_error_set(err, PANYA_ERR_INVALID, "%s: too large for an XML file", display_name);
        return NULL;
    }
    first_xml_error first = {0};
    xmlSetStructuredErrorFunc(&first, capture_xml_error);
    xmlDocPtr doc = xmlReadMemory((const char *)xml, (int)len, display_name, "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!doc) {
        panya_error_set(err, PANYA_ERR_INVALID, "%s: line %d: malformed XML: %s", display_name,
                        first.line, first.seen ? first.message : "unreadable");
        return NULL;
    }
    if (doc->intSubset || doc->extSubset) {
        long line = xml_input_doctype_line(xml, len);
        panya_error_set(err, PANYA_ERR_INVALID, "%s: line %ld: a DOCTYPE is not allowed here",
                        display_name, line);
        xmlFreeDoc(doc);
        return NULL;
    }
    if (!xmlDocGetRootElement(doc)) {
        panya_error_set(err, PANYA_ERR_INVALID, "%s: no root element", display_name);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

long xml_input_doctype_line(const uint8_t *xml, size_t len)
{
    static const char mark[] = "<!DOCTYPE";
    long line = 1;
    for (size_t i = 0; i + sizeof mark - 1 <= len; i++) {
        if (xml[i] == '\n')
            line++;
        else if (xml[i] == '<' && memcmp(xml + i, mark, sizeof mark - 1) == 0)
            return line;
    }
    return 1;
}

bool xml_input_is_element(const xmlNode *node, const char *ns, const char *name)
{
    return node->type == XML_ELEMENT_NODE && node->ns &&
           strcmp((const char *)node->ns->href, ns) == 0 &&
           strcmp((const char *)node->name, name) == 0;
}

int xml_input_read_titles(const xmlNode *parent, const char *ns, manifest_titles *titles,
                          const char *display_name, panya_error *err)
{
    for (const xmlNode *n = parent->children; n; n = n->next) {
        if (!xml_input_is_element(n, ns, "title"))
            continue;
        xmlChar *lang = xmlNodeGetLang(n);
        xmlChar *text = xmlNodeGetContent(n);
        int status = 0;
        if (!lang || !*lang)
            status = panya_error_set(err, PANYA_ERR_INVALID,
                                     "%s: line %ld: <title> needs an xml:lang attribute",
                                     display_name, xmlGetLineNo(n));
        else if (manifest_titles_add(titles, (const char *)lang, text ? (const char *)text : "") != 0)
            status = panya_error_oom(err);
        xmlFree(lang);
        xmlFree(text);
        if (status)
            return -1;
    }
    return 0;
}

xmlDocPtr xml_input_parse_file(const char *folder, const char *relative, size_t limit,
                               panya_error *err)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%s", folder, relative) < 0) {
        panya_error_oom(err);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f) {
        if (errno == ENOENT || errno == ENOTDIR)
            panya_error_set(err, PANYA_ERR_INVALID, "%s is missing", relative);
        else
            panya_error_errno(err, PANYA_ERR_INVALID, errno, "%s", relative);
        return NULL;
    }
    uint8_t *xml = malloc(limit + 1);
    size_t len = xml ? fread(xml, 1, limit + 1, f) : 0;
    fclose(f);
    xmlDocPtr doc = NULL;
    if (!xml)
        panya_error_oom(err);
    else if (len > limit)
        panya_error_set(err, PANYA_ERR_INVALID, "%s is larger than %zu MiB", relative,
                        limit >> 20);
    else
        doc = xml_input_parse(xml, len, relative, err);
    free(xml);
    return doc;
}

const xmlNode *xml_input_child(const xmlNode *parent, const char *name)
{
    for (const xmlNode *n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}
