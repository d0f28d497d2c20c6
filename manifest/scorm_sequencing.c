#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/scorm_rules_internal.h"

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
        if (rules_is_element(node, (const xmlChar *)NS_IMSSS, "sequencing")) {
            char *id = rules_attr(node, "ID");
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
        if (rules_is_element(node, (const xmlChar *)NS_IMSSS, "sequencing")) {
            char *ref = rules_attr(node, "IDRef");
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
            char *text = rule->attribute ? rules_attr(node, rule->attribute)
                                         : (char *)xmlNodeGetContent(node);
            /* An empty element is the 4th Edition form (attributes only); the XSD checks it. */
            if (text && (rule->attribute || rules_has_text(node)))
                check_range(r, node, rule, text);
            xmlFree(text);
        }
        check_sequencing(r, node->children, ids);
    }
}

void scorm_sequencing_check(rules *r, xmlNodePtr root)
{
    xmlHashTablePtr ids = xmlHashCreate(16);
    if (!ids) {
        r->report->out_of_memory = true;
        return;
    }
    collect_sequencing_ids(root, ids);
    check_sequencing(r, root, ids);
    xmlHashFree(ids, NULL);
}
