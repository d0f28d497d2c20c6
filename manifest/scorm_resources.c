#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest/scorm_href.h"
#include "manifest/scorm_rules_internal.h"

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
        const char *ns = a->ns ? (const char *)a->ns->href : NULL;
        if (ns && strcmp(ns, expected_ns) == 0)
            scorm_report_add(r->report, SCORM_RULE_RESOURCE_SCORMTYPE, MANIFEST, line, 0,
                             "resource '%s' spells the attribute adlcp:%s; %s spells it "
                             "adlcp:%s (Moodle and SCORM Cloud read either)",
                             id, (const char *)a->name,
                             r->family == SCORM_FAMILY_12 ? "SCORM 1.2" : "SCORM 2004",
                             expected);
        else
            scorm_report_add(r->report, SCORM_RULE_RESOURCE_SCORMTYPE, MANIFEST, line, 0,
                             "resource '%s' has %s in namespace '%s'; %s needs adlcp:%s in "
                             "namespace '%s'",
                             id, (const char *)a->name, ns ? ns : "(none)",
                             r->family == SCORM_FAMILY_12 ? "SCORM 1.2" : "SCORM 2004",
                             expected, expected_ns);
        return;
    }
    scorm_report_add(r->report, SCORM_RULE_RESOURCE_SCORMTYPE, MANIFEST, line, 0,
                     "resource '%s' has no adlcp:%s; set it to 'sco' or 'asset'", id, expected);
}

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
        if (rules_is_element(child, r->cp_ns, "file")) {
            char *file_href = rules_attr(child, "href");
            char *full = file_href ? join_base(base, file_href) : NULL;
            snprintf(what, sizeof what, "resource '%s' file href", name);
            if (full) {
                long index = scorm_href_resolve(full, what, xmlGetLineNo(child), r->files,
                                                r->report, NULL);
                if (index >= 0)
                    info->files[info->file_count++] = index;
            } else {
                scorm_report_add(r->report, SCORM_RULE_HREF_MISSING_FILE, MANIFEST,
                                 xmlGetLineNo(child), 0, "%s is missing", what);
            }
            free(full);
            xmlFree(file_href);
        } else if (rules_is_element(child, r->cp_ns, "dependency")) {
            char *ref = rules_attr(child, "identifierref");
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
    info->id = rules_attr(resource, "identifier");
    info->line = xmlGetLineNo(resource);
    info->launch = -1;
    const char *name = info->id ? info->id : "";
    char *own_base = xml_base(resource);
    char *base = join_base(resources_base, own_base ? own_base : "");
    info->href = rules_attr(resource, "href");
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
                                                  r->report, &info->launch_case_only);
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
    const char **owners = calloc(r->files->count + 1, sizeof *owners);
    resource_info **stack = malloc((count + 1) * sizeof *stack);
    if (!owners || !stack) {
        r->report->out_of_memory = true;
        free(owners);
        free(stack);
        return;
    }
    for (size_t i = 0; i < count; i++)
        for (size_t f = 0; f < infos[i].file_count; f++)
            if (!owners[infos[i].files[f]])
                owners[infos[i].files[f]] = infos[i].id ? infos[i].id : "";
    for (size_t i = 0; i < count; i++) {
        infos[i].targets = calloc(infos[i].dependency_count + 1, sizeof *infos[i].targets);
        if (!infos[i].targets) {
            r->report->out_of_memory = true;
            break;
        }
        for (size_t d = 0; d < infos[i].dependency_count; d++)
            infos[i].targets[d] = xmlHashLookup(r->info_by_id, (xmlChar *)infos[i].dependencies[d]);
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
    free(owners);
    free(stack);
}

void scorm_resources_check(rules *r, xmlNodePtr root)
{
    size_t count = 0;
    for (xmlNodePtr list = root->children; list; list = list->next)
        if (rules_is_element(list, r->cp_ns, "resources"))
            for (xmlNodePtr resource = list->children; resource; resource = resource->next)
                count += rules_is_element(resource, r->cp_ns, "resource");
    r->infos = calloc(count + 1, sizeof *r->infos);
    r->info_by_id = xmlHashCreate((int)count + 1);
    if (!r->infos || !r->info_by_id) {
        r->report->out_of_memory = true;
        return;
    }
    for (xmlNodePtr list = root->children; list; list = list->next) {
        if (!rules_is_element(list, r->cp_ns, "resources"))
            continue;
        char *base = xml_base(list);
        for (xmlNodePtr resource = list->children; resource; resource = resource->next)
            if (rules_is_element(resource, r->cp_ns, "resource"))
                collect_resource(r, resource, base, &r->infos[r->info_count++]);
        xmlFree(base);
    }
    for (size_t i = 0; i < r->info_count; i++)
        if (r->infos[i].id && !xmlHashLookup(r->info_by_id, (xmlChar *)r->infos[i].id))
            xmlHashAddEntry(r->info_by_id, (xmlChar *)r->infos[i].id, &r->infos[i]);
    check_launch_listed(r, r->infos, r->info_count);
}

void scorm_resources_free(rules *r)
{
    for (size_t i = 0; i < r->info_count; i++)
        resource_info_free(&r->infos[i]);
    free(r->infos);
    xmlHashFree(r->info_by_id, NULL);
    r->infos = NULL;
    r->info_by_id = NULL;
    r->info_count = 0;
}

void scorm_metadata_locations_check(rules *r, xmlNodePtr node)
{
    const xmlChar *adlcp = (const xmlChar *)(r->family == SCORM_FAMILY_12 ? NS_ADLCP12
                                                                          : NS_ADLCP2004);
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (rules_is_element(node, adlcp, "location")) {
            char *text = (char *)xmlNodeGetContent(node);
            if (text)
                scorm_href_resolve(text, "adlcp:location", xmlGetLineNo(node), r->files,
                                   r->report, NULL);
            xmlFree(text);
        }
        scorm_metadata_locations_check(r, node->children);
    }
}
