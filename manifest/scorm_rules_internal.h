/* Internal to manifest/: the state the SCORM rule checks share (scorm_rules.c drives them;
 * scorm_resources.c checks resources and hrefs; scorm_sequencing.c sequencing values). */
#ifndef PANYA_MANIFEST_SCORM_RULES_INTERNAL_H
#define PANYA_MANIFEST_SCORM_RULES_INTERNAL_H

#include <libxml/hash.h>
#include <libxml/tree.h>
#include <stdbool.h>

#include "manifest/scorm_files.h"
#include "manifest/scorm_report.h"
#include "manifest/scorm_schema.h"

#define NS_ADLCP12 "http://www.adlnet.org/xsd/adlcp_rootv1p2"
#define NS_ADLCP2004 "http://www.adlnet.org/xsd/adlcp_v1p3"
#define NS_IMSSS "http://www.imsglobal.org/xsd/imsss"
#define NS_XML "http://www.w3.org/XML/1998/namespace"
#define MANIFEST "imsmanifest.xml"

/* What the checks need to know about a resource once its files are resolved. */
typedef struct resource_info {
    char *id;
    char *href;  /* as written */
    long line;
    long launch; /* file index of the href; SCORM_HREF_EXTERNAL for a URL; -1 none or broken */
    bool launch_case_only; /* the launch file matched only ignoring case */
    long *files; /* file indices its <file> elements resolve to */
    size_t file_count;
    char **dependencies;
    size_t dependency_count;
    struct resource_info **targets; /* dependencies resolved, NULL when absent */
    size_t mark; /* the last search that reached this resource */
} resource_info;

typedef struct rules {
    scorm_family family;
    const xmlChar *cp_ns;
    const scorm_files *files;
    scorm_report *report;
    xmlHashTablePtr identifiers; /* every identifier -> its element */
    xmlHashTablePtr resources;   /* resource identifier -> <resource> */
    resource_info *infos;        /* one per <resource>, in document order */
    size_t info_count;
    xmlHashTablePtr info_by_id;  /* resource identifier -> its first resource_info */
    size_t items;                /* <item> elements in the organizations */
    size_t launch_attempts;      /* items with an identifierref */
    size_t launchable;           /* of those, items whose launch file is there (or a URL) */
} rules;

bool rules_is_element(xmlNodePtr node, const xmlChar *ns, const char *name);
xmlNodePtr rules_first_child(xmlNodePtr parent, const xmlChar *ns, const char *name);
/* An attribute without namespace, or NULL; xmlFree it. */
char *rules_attr(xmlNodePtr node, const char *name);
/* Whether the node has text other than white space. */
bool rules_has_text(xmlNodePtr node);

/* Resolves every resource's href and files into r->infos (check 6), and checks scormType,
 * dependencies and launch-file listing (check 7). */
void scorm_resources_check(rules *r, xmlNodePtr root);
void scorm_resources_free(rules *r);
/* adlcp:location names a metadata file inside the package. */
void scorm_metadata_locations_check(rules *r, xmlNodePtr node);
/* IDRef targets and value ranges of IMS Simple Sequencing. */
void scorm_sequencing_check(rules *r, xmlNodePtr root);

#endif
