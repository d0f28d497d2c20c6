#include "manifest/scorm_rules.h"

#include <ctype.h>
#include <libxml/hash.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/scorm_href.h"

#define NS_ADLCP12 "http://www.adlnet.org/xsd/adlcp_rootv1p2"
#define NS_ADLCP2004 "http://www.adlnet.org/xsd/adlcp_v1p3"
#define NS_IMSSS "http://www.imsglobal.org/xsd/imsss"
#define NS_XML "http://www.w3.org/XML/1998/namespace"
#define MANIFEST "imsmanifest.xml"

typedef struct rules {
    scorm_family family;
    const xmlChar *cp_ns;
    const scorm_files *files;
    scorm_report *report;
    xmlHashTablePtr identifiers; /* every identifier -> its element */
    xmlHashTablePtr resources;   /* resource identifier -> <resource> */
} rules;

static bool is_element(xmlNodePtr node, const xmlChar *ns, const char *name)
{
    return node->type == XML_ELEMENT_NODE && node->ns && xmlStrEqual(node->ns->href, ns) &&
           strcmp((const char *)node->name, name) == 0;
}

static xmlNodePtr first_child(xmlNodePtr parent, const xmlChar *ns, const char *name)
{
    for (xmlNodePtr child = parent->children; child; child = child->next)
        if (is_element(child, ns, name))
            return child;
    return NULL;
}

static char *attr(xmlNodePtr node, const char *name)
{
    return (char *)xmlGetNoNsProp(node, (const xmlChar *)name);
}

static bool has_text(xmlNodePtr node)
{
    char *text = node ? (char *)xmlNodeGetContent(node) : NULL;
    bool found = false;
    for (const char *p = text; p && *p && !found; p++)
        found = !isspace((unsigned char)*p);
    xmlFree(text);
    return found;
}

/* Joins an xml:base prefix and an href ("content/" + "a.html"). */
static char *join_base(const char *base, const char *href)
{
    char *joined = NULL;
    if (asprintf(&joined, "%s%s", base ? base : "", href) < 0)
        return NULL;
    return joined;
}

static char *xml_base(xmlNodePtr node)
{
    return (char *)xmlGetNsProp(node, (const xmlChar *)"base", (const xmlChar *)NS_XML);
}

/* ---- Check 7: identifiers ----------------------------------------------------------------- */

static void collect_identifiers(rules *r, xmlNodePtr node)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        static const char *const kinds[] = {"manifest", "organization", "item", "resource"};
        for (size_t k = 0; k < 4; k++) {
            if (!is_element(node, r->cp_ns, kinds[k]))
                continue;
            char *id = attr(node, "identifier");
            if (!id || !id[0]) {
                scorm_report_add(r->report, SCORM_RULE_IDENTIFIER_MISSING, MANIFEST,
                                 xmlGetLineNo(node), 0,
                                 "<%s> has no identifier attribute; every %s needs a unique one",
                                 kinds[k], kinds[k]);
            } else {
                xmlNodePtr first = xmlHashLookup(r->identifiers, (xmlChar *)id);
                if (first)
                    scorm_report_add(r->report, SCORM_RULE_IDENTIFIER_DUPLICATE, MANIFEST,
                                     xmlGetLineNo(node), 0,
                                     "identifier '%s' is already used on line %ld; identifiers "
                                     "must be unique across the manifest",
                                     id, xmlGetLineNo(first));
                else
                    xmlHashAddEntry(r->identifiers, (xmlChar *)id, node);
                if (k == 3 && !xmlHashLookup(r->resources, (xmlChar *)id))
                    xmlHashAddEntry(r->resources, (xmlChar *)id, node);
            }
            xmlFree(id);
        }
        collect_identifiers(r, node->children);
    }
}

/* ---- Check 7: organizations and items ----------------------------------------------------- */

static void check_item(rules *r, xmlNodePtr item)
{
    char *id = attr(item, "identifier");
    const char *name = id ? id : "";
    long line = xmlGetLineNo(item);
    if (!has_text(first_child(item, r->cp_ns, "title")))
        scorm_report_add(r->report, SCORM_RULE_ITEM_TITLE, MANIFEST, line, 0,
                         "item '%s' has no <title>; learners see the title in the menu", name);
    bool leaf = first_child(item, r->cp_ns, "item") == NULL;
    char *ref = attr(item, "identifierref");
    if (ref && !leaf) {
        scorm_report_add(r->report, SCORM_RULE_ITEM_REF_NOT_LEAF, MANIFEST, line, 0,
                         "item '%s' has child items and also identifierref='%s'; only leaf "
                         "items may reference a resource",
                         name, ref);
    } else if (!ref && leaf) {
        scorm_report_add(r->report, SCORM_RULE_ITEM_LEAF_NO_REF, MANIFEST, line, 0,
                         "item '%s' has no child items and no identifierref; a leaf item must "
                         "reference the resource it launches",
                         name);
    } else if (ref) {
        xmlNodePtr resource = xmlHashLookup(r->resources, (xmlChar *)ref);
        char *href = resource ? attr(resource, "href") : NULL;
        if (!resource)
            scorm_report_add(r->report, SCORM_RULE_ITEM_REF_MISSING, MANIFEST, line, 0,
                             "item '%s' references resource '%s', which does not exist", name,
                             ref);
        else if (!href)
            scorm_report_add(r->report, SCORM_RULE_ITEM_REF_NO_HREF, MANIFEST, line, 0,
                             "item '%s' launches resource '%s', which has no href to launch",
                             name, ref);
        xmlFree(href);
    }
    xmlFree(ref);
    xmlFree(id);
    for (xmlNodePtr child = item->children; child; child = child->next)
        if (is_element(child, r->cp_ns, "item"))
            check_item(r, child);
}

static void check_organizations(rules *r, xmlNodePtr root)
{
    xmlNodePtr organizations = first_child(root, r->cp_ns, "organizations");
    xmlNodePtr first_org = organizations ? first_child(organizations, r->cp_ns, "organization")
                                         : NULL;
    if (!first_org) {
        scorm_report_add(r->report, SCORM_RULE_ORG_NONE, MANIFEST,
                         xmlGetLineNo(organizations ? organizations : root), 0,
                         "the manifest has no <organization>: an LMS has nothing to launch "
                         "(a resource-only package)");
        return;
    }
    char *fallback = attr(organizations, "default");
    bool default_found = false;
    for (xmlNodePtr org = organizations->children; org; org = org->next) {
        if (!is_element(org, r->cp_ns, "organization"))
            continue;
        char *id = attr(org, "identifier");
        if (id && fallback && strcmp(id, fallback) == 0)
            default_found = true;
        long line = xmlGetLineNo(org);
        if (!has_text(first_child(org, r->cp_ns, "title")))
            scorm_report_add(r->report, SCORM_RULE_ORG_TITLE, MANIFEST, line, 0,
                             "organization '%s' has no <title>; it is the course name learners "
                             "see",
                             id ? id : "");
        if (!first_child(org, r->cp_ns, "item"))
            scorm_report_add(r->report, SCORM_RULE_ORG_EMPTY, MANIFEST, line, 0,
                             "organization '%s' has no <item>; it needs at least one",
                             id ? id : "");
        xmlFree(id);
        for (xmlNodePtr item = org->children; item; item = item->next)
            if (is_element(item, r->cp_ns, "item"))
                check_item(r, item);
    }
    if (!fallback)
        scorm_report_add(r->report, SCORM_RULE_ORG_DEFAULT, MANIFEST,
                         xmlGetLineNo(organizations), 0,
                         "<organizations> has no default attribute; set it to the identifier "
                         "of the organization to launch");
    else if (!default_found)
        scorm_report_add(r->report, SCORM_RULE_ORG_DEFAULT, MANIFEST,
                         xmlGetLineNo(organizations), 0,
                         "<organizations default=\"%s\"> names no organization of this manifest",
                         fallback);
    xmlFree(fallback);
}

/* ---- Check 6 and 7: resources ------------------------------------------------------------- */

static void check_scormtype(rules *r, xmlNodePtr resource, const char *id)
{
    const char *expected_ns = r->family == SCORM_FAMILY_12 ? NS_ADLCP12 : NS_ADLCP2004;
    const char *expected = r->family == SCORM_FAMILY_12 ? "scormtype" : "scormType";
    long line = xmlGetLineNo(resource);
    char *value = (char *)xmlGetNsProp(resource, (const xmlChar *)expected,
                                       (const xmlChar *)expected_ns);
    if (value) {
        if (strcmp(value, "sco") != 0 && strcmp(value, "asset") != 0)
            scorm_report_add(r->report, SCORM_RULE_RESOURCE_SCORMTYPE, MANIFEST, line, 0,
                             "resource '%s' has adlcp:%s='%s'; it must be 'sco' or 'asset' "
                             "(lower case)",
                             id, expected, value);
        xmlFree(value);
        return;
    }
    /* Say what is wrong with a near miss: wrong spelling or the other version's namespace. */
    for (xmlAttrPtr a = resource->properties; a; a = a->next) {
        if (strcasecmp((const char *)a->name, "scormtype") != 0)
            continue;
        scorm_report_add(r->report, SCORM_RULE_RESOURCE_SCORMTYPE, MANIFEST, line, 0,
                         "resource '%s' has %s in namespace '%s'; %s needs adlcp:%s in "
                         "namespace '%s'",
                         id, (const char *)a->name,
                         a->ns ? (const char *)a->ns->href : "(none)",
                         r->family == SCORM_FAMILY_12 ? "SCORM 1.2" : "SCORM 2004",
                         expected, expected_ns);
        return;
    }
    scorm_report_add(r->report, SCORM_RULE_RESOURCE_SCORMTYPE, MANIFEST, line, 0,
                     "resource '%s' has no adlcp:%s; set it to 'sco' or 'asset'", id, expected);
}

/* What check 7 needs to know about a resource once its files are resolved. */
typedef struct resource_info {
    char *id;
    char *href;  /* as written */
    long line;
    long launch; /* file index of the href; -1 when none, external or broken */
    long *files; /* file indices its <file> elements resolve to */
    size_t file_count;
    char **dependencies;
    size_t dependency_count;
    struct resource_info **targets; /* dependencies resolved, NULL when absent */
    size_t mark; /* the last search that reached this resource */
} resource_info;

static void resource_info_free(resource_info *info)
{
    xmlFree(info->id);
    xmlFree(info->href);
    free(info->files);
    for (size_t i = 0; i < info->dependency_count; i++)
        xmlFree(info->dependencies[i]);
    free(info->dependencies);
    free(info->targets);
}

static void collect_files(rules *r, xmlNodePtr resource, const char *base, const char *name,
                          resource_info *info)
{
    char what[256];
    for (xmlNodePtr child = resource->children; child; child = child->next) {
        if (is_element(child, r->cp_ns, "file")) {
            char *file_href = attr(child, "href");
            char *full = file_href ? join_base(base, file_href) : NULL;
            snprintf(what, sizeof what, "resource '%s' file href", name);
            if (full) {
                long index = scorm_href_resolve(full, what, xmlGetLineNo(child), r->files,
                                                      r->report);
                if (index >= 0)
                    info->files[info->file_count++] = index;
            } else {
                scorm_report_add(r->report, SCORM_RULE_HREF_MISSING_FILE, MANIFEST,
                                 xmlGetLineNo(child), 0, "%s is missing", what);
            }
            free(full);
            xmlFree(file_href);
        } else if (is_element(child, r->cp_ns, "dependency")) {
            char *ref = attr(child, "identifierref");
            if (!ref || !xmlHashLookup(r->resources, (xmlChar *)ref)) {
                scorm_report_add(r->report, SCORM_RULE_DEPENDENCY_MISSING, MANIFEST,
                                 xmlGetLineNo(child), 0,
                                 "resource '%s' depends on resource '%s', which does not exist",
                                 name, ref ? ref : "");
                xmlFree(ref);
            } else {
                info->dependencies[info->dependency_count++] = ref;
            }
        }
    }
}

static void collect_resource(rules *r, xmlNodePtr resource, const char *resources_base,
                             resource_info *info)
{
    info->id = attr(resource, "identifier");
    info->line = xmlGetLineNo(resource);
    info->launch = -1;
    const char *name = info->id ? info->id : "";
    char *own_base = xml_base(resource);
    char *base = join_base(resources_base, own_base ? own_base : "");
    info->href = attr(resource, "href");
    check_scormtype(r, resource, name);
    size_t children = 0;
    for (xmlNodePtr child = resource->children; child; child = child->next)
        children++;
    info->files = malloc((children + 1) * sizeof *info->files);
    info->dependencies = malloc((children + 1) * sizeof *info->dependencies);
    if (!info->files || !info->dependencies || !base) {
        r->report->out_of_memory = true;
    } else {
        if (info->href) {
            char *full = join_base(base, info->href);
            char what[256];
            snprintf(what, sizeof what, "resource '%s' href", name);
            if (full)
                info->launch = scorm_href_resolve(full, what, info->line, r->files,
                                                        r->report);
            free(full);
        }
        collect_files(r, resource, base, name, info);
    }
    free(base);
    xmlFree(own_base);
}

/* Dependency searches stop after this many resources: real packages nest one or two levels,
 * and a hostile chain of thousands would otherwise make the check quadratic. */
#define DEPENDENCY_SEARCH_MAX 1024

/* Whether the resource or a resource it depends on (transitively) lists the file. Iterative,
 * with a per-search mark, so hostile dependency chains cost no stack and no resets. */
static bool lists_file(resource_info **stack, resource_info *start, long file, size_t mark)
{
    size_t depth = 0, visited = 0;
    stack[depth++] = start;
    start->mark = mark;
    while (depth && visited++ < DEPENDENCY_SEARCH_MAX) {
        resource_info *info = stack[--depth];
        for (size_t i = 0; i < info->file_count; i++)
            if (info->files[i] == file)
                return true;
        for (size_t i = 0; i < info->dependency_count; i++) {
            resource_info *next = info->targets[i];
            if (next && next->mark != mark) {
                next->mark = mark;
                stack[depth++] = next;
            }
        }
    }
    return false;
}

static void check_launch_listed(rules *r, resource_info *infos, size_t count)
{
    xmlHashTablePtr by_id = xmlHashCreate((int)count + 1);
    const char **owners = calloc(r->files->count + 1, sizeof *owners);
    resource_info **stack = malloc((count + 1) * sizeof *stack);
    if (!by_id || !owners || !stack) {
        r->report->out_of_memory = true;
        xmlHashFree(by_id, NULL);
        free(owners);
        free(stack);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        if (infos[i].id)
            xmlHashAddEntry(by_id, (xmlChar *)infos[i].id, &infos[i]);
        for (size_t f = 0; f < infos[i].file_count; f++)
            if (!owners[infos[i].files[f]])
                owners[infos[i].files[f]] = infos[i].id ? infos[i].id : "";
    }
    for (size_t i = 0; i < count; i++) {
        infos[i].targets = calloc(infos[i].dependency_count + 1, sizeof *infos[i].targets);
        if (!infos[i].targets) {
            r->report->out_of_memory = true;
            break;
        }
        for (size_t d = 0; d < infos[i].dependency_count; d++)
            infos[i].targets[d] = xmlHashLookup(by_id, (xmlChar *)infos[i].dependencies[d]);
    }
    for (size_t i = 0; i < count && !r->report->out_of_memory; i++) {
        resource_info *info = &infos[i];
        if (info->launch < 0)
            continue;
        if (lists_file(stack, info, info->launch, i + 1))
            continue;
        const char *owner = owners[info->launch];
        const char *id = info->id ? info->id : "";
        const char *path = r->files->paths[info->launch];
        if (owner)
            scorm_report_add(r->report, SCORM_RULE_RESOURCE_HREF_ELSEWHERE, MANIFEST, info->line,
                             0,
                             "resource '%s' launches '%s', which only resource '%s' lists; "
                             "list it in '%s' too, or make '%s' depend on '%s'",
                             id, path, owner, id, id, owner);
        else
            scorm_report_add(r->report, SCORM_RULE_RESOURCE_HREF_NOT_LISTED, MANIFEST,
                             info->line, 0,
                             "resource '%s' launches '%s' but no <file href=\"%s\"> lists it, "
                             "in this resource or one it depends on",
                             id, path, path);
    }
    xmlHashFree(by_id, NULL);
    free(owners);
    free(stack);
}

static void check_resources(rules *r, xmlNodePtr root)
{
    size_t count = 0;
    for (xmlNodePtr list = root->children; list; list = list->next)
        if (is_element(list, r->cp_ns, "resources"))
            for (xmlNodePtr resource = list->children; resource; resource = resource->next)
                count += is_element(resource, r->cp_ns, "resource");
    resource_info *infos = calloc(count + 1, sizeof *infos);
    if (!infos) {
        r->report->out_of_memory = true;
        return;
    }
    size_t used = 0;
    for (xmlNodePtr list = root->children; list; list = list->next) {
        if (!is_element(list, r->cp_ns, "resources"))
            continue;
        char *base = xml_base(list);
        for (xmlNodePtr resource = list->children; resource; resource = resource->next)
            if (is_element(resource, r->cp_ns, "resource"))
                collect_resource(r, resource, base, &infos[used++]);
        xmlFree(base);
    }
    check_launch_listed(r, infos, used);
    for (size_t i = 0; i < used; i++)
        resource_info_free(&infos[i]);
    free(infos);
}

/* adlcp:location names a metadata file inside the package. */
static void check_metadata_locations(rules *r, xmlNodePtr node)
{
    const xmlChar *adlcp = (const xmlChar *)(r->family == SCORM_FAMILY_12 ? NS_ADLCP12
                                                                          : NS_ADLCP2004);
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (is_element(node, adlcp, "location")) {
            char *text = (char *)xmlNodeGetContent(node);
            if (text)
                scorm_href_resolve(text, "adlcp:location", xmlGetLineNo(node), r->files,
                                         r->report);
            xmlFree(text);
        }
        check_metadata_locations(r, node->children);
    }
}

/* ---- Check 7: sequencing ------------------------------------------------------------------ */

typedef struct range_rule {
    const char *ns;
    const char *element;   /* NULL: any element */
    const char *attribute; /* NULL: the element's text */
    double min, max;
    bool integer;
} range_rule;

static const range_rule ranges[] = {
    {NS_IMSSS, "minNormalizedMeasure", NULL, -1, 1, false},
    {NS_IMSSS, NULL, "measureThreshold", -1, 1, false},
    {NS_IMSSS, NULL, "minimumPercent", 0, 1, false},
    {NS_IMSSS, NULL, "objectiveMeasureWeight", 0, 1, false},
    {NS_IMSSS, NULL, "attemptLimit", 0, 2147483647.0, true},
    {NS_IMSSS, NULL, "selectCount", 0, 2147483647.0, true},
    {NS_IMSSS, NULL, "minimumCount", 0, 2147483647.0, true},
    {NS_ADLCP2004, "completionThreshold", NULL, 0, 1, false},
    {NS_ADLCP2004, NULL, "minProgressMeasure", 0, 1, false},
    {NS_ADLCP2004, NULL, "progressWeight", 0, 1, false},
};

static void check_range(rules *r, xmlNodePtr node, const range_rule *rule, const char *text)
{
    char *end = NULL;
    double value = strtod(text, &end);
    while (end && isspace((unsigned char)*end))
        end++;
    bool ok = end != text && end && !*end && value >= rule->min && value <= rule->max &&
              (!rule->integer || value == (double)(long long)value);
    if (ok)
        return;
    const char *what = rule->attribute ? rule->attribute : rule->element;
    if (rule->integer)
        scorm_report_add(r->report, SCORM_RULE_SEQUENCING_RANGE, MANIFEST, xmlGetLineNo(node), 0,
                         "%s is '%s'; it must be a whole number of 0 or more", what, text);
    else
        scorm_report_add(r->report, SCORM_RULE_SEQUENCING_RANGE, MANIFEST, xmlGetLineNo(node), 0,
                         "%s is '%s'; it must be a number from %g to %g", what, text, rule->min,
                         rule->max);
}

static void collect_sequencing_ids(xmlNodePtr node, xmlHashTablePtr ids)
{
    for (; node; node = node->next) {
        if (is_element(node, (const xmlChar *)NS_IMSSS, "sequencing")) {
            char *id = attr(node, "ID");
            if (id)
                xmlHashAddEntry(ids, (xmlChar *)id, node);
            xmlFree(id);
        }
        if (node->type == XML_ELEMENT_NODE)
            collect_sequencing_ids(node->children, ids);
    }
}

static void check_sequencing(rules *r, xmlNodePtr node, xmlHashTablePtr ids)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (is_element(node, (const xmlChar *)NS_IMSSS, "sequencing")) {
            char *ref = attr(node, "IDRef");
            if (ref && !xmlHashLookup(ids, (xmlChar *)ref))
                scorm_report_add(r->report, SCORM_RULE_SEQUENCING_IDREF, MANIFEST,
                                 xmlGetLineNo(node), 0,
                                 "<imsss:sequencing IDRef=\"%s\"> names no <imsss:sequencing "
                                 "ID=\"%s\"> in the sequencingCollection",
                                 ref, ref);
            xmlFree(ref);
        }
        for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
            const range_rule *rule = &ranges[i];
            if (!node->ns || !xmlStrEqual(node->ns->href, (const xmlChar *)rule->ns))
                continue;
            if (rule->element && strcmp((const char *)node->name, rule->element) != 0)
                continue;
            char *text = rule->attribute ? attr(node, rule->attribute)
                                         : (char *)xmlNodeGetContent(node);
            /* An empty element is the 4th Edition form (attributes only); the XSD checks it. */
            if (text && (rule->attribute || has_text(node)))
                check_range(r, node, rule, text);
            xmlFree(text);
        }
        check_sequencing(r, node->children, ids);
    }
}

void scorm_rules_check(xmlDocPtr doc, scorm_family family, const scorm_files *files,
                       scorm_report *report)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    rules r = {
        .family = family,
        .cp_ns = root->ns->href,
        .files = files,
        .report = report,
        .identifiers = xmlHashCreate(64),
        .resources = xmlHashCreate(64),
    };
    xmlHashTablePtr sequencing_ids = xmlHashCreate(16);
    if (!r.identifiers || !r.resources || !sequencing_ids) {
        report->out_of_memory = true;
    } else {
        collect_identifiers(&r, root);
        check_organizations(&r, root);
        check_resources(&r, root);
        check_metadata_locations(&r, root);
        collect_sequencing_ids(root, sequencing_ids);
        check_sequencing(&r, root, sequencing_ids);
    }
    xmlHashFree(r.identifiers, NULL);
    xmlHashFree(r.resources, NULL);
    xmlHashFree(sequencing_ids, NULL);
}
