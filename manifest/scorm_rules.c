#include "manifest/scorm_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/scorm_href.h"
#include "manifest/scorm_rules_internal.h"

bool rules_is_element(xmlNodePtr node, const xmlChar *ns, const char *name)
{
    return node->type == XML_ELEMENT_NODE && node->ns && xmlStrEqual(node->ns->href, ns) &&
           strcmp((const char *)node->name, name) == 0;
}

xmlNodePtr rules_first_child(xmlNodePtr parent, const xmlChar *ns, const char *name)
{
    for (xmlNodePtr child = parent->children; child; child = child->next)
        if (rules_is_element(child, ns, name))
            return child;
    return NULL;
}

char *rules_attr(xmlNodePtr node, const char *name)
{
    return (char *)xmlGetNoNsProp(node, (const xmlChar *)name);
}

bool rules_has_text(xmlNodePtr node)
{
    char *text = node ? (char *)xmlNodeGetContent(node) : NULL;
    bool found = false;
    for (const char *p = text; p && *p && !found; p++)
        found = !isspace((unsigned char)*p);
    xmlFree(text);
    return found;
}


/* ---- Check 7: identifiers ----------------------------------------------------------------- */

static void collect_identifiers(rules *r, xmlNodePtr node)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        static const char *const kinds[] = {"manifest", "organization", "item", "resource"};
        for (size_t k = 0; k < 4; k++) {
            if (!rules_is_element(node, r->cp_ns, kinds[k]))
                continue;
            char *id = rules_attr(node, "identifier");
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

/* What a runtime does when the item is chosen: find the resource, then its launch file. Moodle
 * and SCORM Cloud refuse a package whose items name a missing resource. */
static void check_item_launch(rules *r, const char *name, const char *ref, long line)
{
    r->launch_attempts++;
    resource_info *info = r->info_by_id ? xmlHashLookup(r->info_by_id, (const xmlChar *)ref)
                                        : NULL;
    if (!info) {
        scorm_report_add(r->report, SCORM_RULE_ITEM_REF_MISSING, MANIFEST, line, 0,
                         "item '%s' references resource '%s', which does not exist", name, ref);
    } else if (!info->href) {
        scorm_report_add(r->report, SCORM_RULE_ITEM_REF_NO_HREF, MANIFEST, line, 0,
                         "item '%s' launches resource '%s', which has no href to launch", name,
                         ref);
    } else if (info->launch == -1) {
        scorm_report_add(r->report, SCORM_RULE_LAUNCH_FILE_MISSING, MANIFEST, line, 0,
                         "item '%s' launches '%s' (resource '%s'), which is not a file of the "
                         "package: learners would get a 'not found' page",
                         name, info->href, ref);
    } else if (info->launch_case_only) {
        /* LMS file stores, web servers and phones look names up case-sensitively. */
        scorm_report_add(r->report, SCORM_RULE_LAUNCH_FILE_MISSING, MANIFEST, line, 0,
                         "item '%s' launches '%s' (resource '%s') but the package has '%s': "
                         "case-sensitive servers and phones will not find it",
                         name, info->href, ref, r->files->paths[info->launch]);
    } else {
        r->launchable++;
    }
}

static void check_item(rules *r, xmlNodePtr item)
{
    r->items++;
    char *id = rules_attr(item, "identifier");
    const char *name = id ? id : "";
    long line = xmlGetLineNo(item);
    if (!rules_has_text(rules_first_child(item, r->cp_ns, "title")))
        scorm_report_add(r->report, SCORM_RULE_ITEM_TITLE, MANIFEST, line, 0,
                         "item '%s' has no <title>; learners see the title in the menu", name);
    bool leaf = rules_first_child(item, r->cp_ns, "item") == NULL;
    char *ref = rules_attr(item, "identifierref");
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
    }
    if (ref)
        check_item_launch(r, name, ref, line);
    xmlFree(ref);
    xmlFree(id);
    for (xmlNodePtr child = item->children; child; child = child->next)
        if (rules_is_element(child, r->cp_ns, "item"))
            check_item(r, child);
}

static void check_organizations(rules *r, xmlNodePtr root)
{
    xmlNodePtr organizations = rules_first_child(root, r->cp_ns, "organizations");
    xmlNodePtr first_org = organizations ? rules_first_child(organizations, r->cp_ns, "organization")
                                         : NULL;
    if (!first_org) {
        scorm_report_add(r->report, SCORM_RULE_ORG_NONE, MANIFEST,
                         xmlGetLineNo(organizations ? organizations : root), 0,
                         "the manifest has no <organization> (a resource-only package); Moodle "
                         "then launches each resource, but ADL's rules need an organization "
                         "for a course");
        return;
    }
    char *fallback = rules_attr(organizations, "default");
    bool default_found = false;
    for (xmlNodePtr org = organizations->children; org; org = org->next) {
        if (!rules_is_element(org, r->cp_ns, "organization"))
            continue;
        char *id = rules_attr(org, "identifier");
        if (id && fallback && strcmp(id, fallback) == 0)
            default_found = true;
        long line = xmlGetLineNo(org);
        if (!rules_has_text(rules_first_child(org, r->cp_ns, "title")))
            scorm_report_add(r->report, SCORM_RULE_ORG_TITLE, MANIFEST, line, 0,
                             "organization '%s' has no <title>; it is the course name learners "
                             "see",
                             id ? id : "");
        if (!rules_first_child(org, r->cp_ns, "item"))
            scorm_report_add(r->report, SCORM_RULE_ORG_EMPTY, MANIFEST, line, 0,
                             "organization '%s' has no <item>; it needs at least one",
                             id ? id : "");
        xmlFree(id);
        for (xmlNodePtr item = org->children; item; item = item->next)
            if (rules_is_element(item, r->cp_ns, "item"))
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
/* Moodle launches every resource with an href when a manifest has no items; otherwise only
 * items with an identifierref launch (the others are menu labels). Nothing to launch at all
 * is a package no runtime plays. */
static void check_something_launches(rules *r, xmlNodePtr root)
{
    if (r->launch_attempts) {
        /* Each failing item already has its own error. */
        return;
    }
    if (r->items) {
        scorm_report_add(r->report, SCORM_RULE_LAUNCH_NONE, MANIFEST, xmlGetLineNo(root), 0,
                         "nothing in this package can be launched: none of its %zu item%s "
                         "references a resource (identifierref)",
                         r->items, r->items == 1 ? "" : "s");
        return;
    }
    for (size_t i = 0; i < r->info_count; i++)
        if (r->infos[i].href && r->infos[i].launch != -1)
            return;
    scorm_report_add(r->report, SCORM_RULE_LAUNCH_NONE, MANIFEST, xmlGetLineNo(root), 0,
                     "nothing in this package can be launched: it has no item, and no resource "
                     "has an href naming a file of the package");
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
    if (!r.identifiers || !r.resources) {
        report->out_of_memory = true;
    } else {
        collect_identifiers(&r, root);
        scorm_resources_check(&r, root);
        check_organizations(&r, root);
        check_something_launches(&r, root);
        scorm_metadata_locations_check(&r, root);
        scorm_sequencing_check(&r, root);
    }
    scorm_resources_free(&r);
    xmlHashFree(r.identifiers, NULL);
    xmlHashFree(r.resources, NULL);
}
