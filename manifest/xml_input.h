/* Parsing XML that panya did not write (bundle manifests, course files) as hostile input:
 * no network, no entity substitution, no DTD loading, and any DOCTYPE refused, so neither
 * XXE nor "billion laughs" can work. Errors name the file and the line. */
#ifndef PANYA_MANIFEST_XML_INPUT_H
#define PANYA_MANIFEST_XML_INPUT_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "manifest/bundle_manifest.h"

/* Returns the parsed document, or NULL with err (PANYA_ERR_INVALID) naming display_name and
 * the line of the first problem. Free with xmlFreeDoc. */
xmlDocPtr xml_input_parse(const uint8_t *xml, size_t len, const char *display_name,
                          panya_error *err);

/* Parses the file folder/relative (at most limit bytes; a larger file is an error), named
 * `relative` in messages; a missing file is "RELATIVE is missing". NULL with err set. */
xmlDocPtr xml_input_parse_file(const char *folder, const char *relative, size_t limit,
                               panya_error *err);

/* The first child element of parent with this local name, whatever its namespace (formats
 * whose versions differ in namespace), or NULL; parent may be NULL. */
const xmlNode *xml_input_child(const xmlNode *parent, const char *name);

/* True when node is an element named `name` in namespace `ns`. */
bool xml_input_is_element(const xmlNode *node, const char *ns, const char *name);

/* The line (1-based) of the document's "<!DOCTYPE": libxml2 keeps no line for the DTD node
 * (xmlGetLineNo gives -1). 1 when there is none. */
long xml_input_doctype_line(const uint8_t *xml, size_t len);

/* Appends every <title xml:lang="…"> child of parent (in namespace ns) to titles. A title
 * without xml:lang is an error naming display_name and the line. Returns 0 or -1. */
int xml_input_read_titles(const xmlNode *parent, const char *ns, manifest_titles *titles,
                          const char *display_name, panya_error *err);

#endif
