#include "manifest/scorm_report.h"
#include "common/grow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define E SCORM_ERROR
#define W SCORM_WARNING
#define P SCORM_IMPACT_PLAY
#define C SCORM_IMPACT_CONFORMANCE
#define A SCORM_IMPACT_ADVICE

const scorm_rule scorm_rules[SCORM_RULE_COUNT] = {
    [SCORM_RULE_ARCHIVE_UNREADABLE] = {"archive-unreadable", E, P, SCORM_STAGE_ARCHIVE,
                                       "the package is a readable zip archive"},
    [SCORM_RULE_ARCHIVE_LIMITS] = {"archive-limits", E, P, SCORM_STAGE_ARCHIVE,
                                   "entry count, total size and compression ratio are bounded"},
    [SCORM_RULE_ENTRY_UNSAFE_PATH] = {"entry-unsafe-path", E, P, SCORM_STAGE_ARCHIVE,
                                      "no entry name is absolute or climbs out with '..'"},
    [SCORM_RULE_ENTRY_LINK] = {"entry-link", E, P, SCORM_STAGE_ARCHIVE,
                               "the package holds no symbolic or hard links"},
    [SCORM_RULE_ENTRY_NAME_ENCODING] = {"entry-name-encoding", W, A, SCORM_STAGE_ARCHIVE,
                                        "entry names are UTF-8"},
    [SCORM_RULE_PACKAGE_UNREADABLE] = {"package-unreadable", E, P, SCORM_STAGE_ARCHIVE,
                                       "the package's files can be read"},
    [SCORM_RULE_MANIFEST_MISSING] = {"manifest-missing", E, P, SCORM_STAGE_MANIFEST_PRESENT,
                                     "imsmanifest.xml exists"},
    [SCORM_RULE_MANIFEST_NOT_AT_ROOT] = {"manifest-not-at-root", E, P,
                                         SCORM_STAGE_MANIFEST_PRESENT,
                                         "imsmanifest.xml is at the package root"},
    [SCORM_RULE_NOT_SCORM] = {"not-scorm", E, P, SCORM_STAGE_MANIFEST_PRESENT,
                              "the package is SCORM, not another e-learning format"},
    [SCORM_RULE_MANIFEST_TOO_LARGE] = {"manifest-too-large", E, P, SCORM_STAGE_MANIFEST_PRESENT,
                                       "imsmanifest.xml is of a reasonable size"},
    [SCORM_RULE_XML_MALFORMED] = {"xml-malformed", E, P, SCORM_STAGE_WELL_FORMED,
                                  "imsmanifest.xml is well-formed XML"},
    [SCORM_RULE_XML_ENTITIES] = {"xml-entities", E, P, SCORM_STAGE_WELL_FORMED,
                                 "imsmanifest.xml declares no DTD entities"},
    [SCORM_RULE_MANIFEST_ROOT] = {"manifest-root", E, P, SCORM_STAGE_ROOT_VERSION,
                                  "the root element is a SCORM manifest"},
    [SCORM_RULE_METADATA_MISSING] = {"metadata-missing", W, C, SCORM_STAGE_ROOT_VERSION,
                                     "exactly one manifest metadata block"},
    [SCORM_RULE_METADATA_SCHEMA] = {"metadata-schema", W, C, SCORM_STAGE_ROOT_VERSION,
                                    "metadata schema is 'ADL SCORM'"},
    [SCORM_RULE_METADATA_SCHEMAVERSION] = {"metadata-schemaversion", W, C,
                                           SCORM_STAGE_ROOT_VERSION,
                                           "metadata schemaversion names a SCORM version"},
    [SCORM_RULE_XSD_MISSING] = {"xsd-missing", W, C, SCORM_STAGE_XSD_PRESENT,
                                "the XSDs the manifest references are in the package"},
    [SCORM_RULE_XSD_EXTERNAL] = {"xsd-external", W, A, SCORM_STAGE_XSD_PRESENT,
                                 "the XSDs the manifest references are not on the network"},
    [SCORM_RULE_SCHEMA_INVALID] = {"schema-invalid", W, C, SCORM_STAGE_SCHEMA,
                                   "imsmanifest.xml is valid against the SCORM schemas"},
    [SCORM_RULE_HREF_EXTERNAL] = {"href-external", W, A, SCORM_STAGE_HREFS,
                                  "hrefs point inside the package, not to the network"},
    [SCORM_RULE_HREF_ABSOLUTE] = {"href-absolute", W, C, SCORM_STAGE_HREFS,
                                  "hrefs are relative paths"},
    [SCORM_RULE_HREF_BACKSLASH] = {"href-backslash", W, C, SCORM_STAGE_HREFS,
                                   "hrefs use '/' and no backslashes"},
    [SCORM_RULE_HREF_ESCAPES_ROOT] = {"href-escapes-root", W, C, SCORM_STAGE_HREFS,
                                      "no href climbs out of the package with '..'"},
    [SCORM_RULE_HREF_ENCODING] = {"href-encoding", W, C, SCORM_STAGE_HREFS,
                                  "hrefs are correctly %-encoded UTF-8"},
    [SCORM_RULE_HREF_MISSING_FILE] = {"href-missing-file", W, C, SCORM_STAGE_HREFS,
                                      "every href names a file in the package"},
    [SCORM_RULE_HREF_CASE_MISMATCH] = {"href-case-mismatch", W, A, SCORM_STAGE_HREFS,
                                       "hrefs match file names exactly, including case"},
    [SCORM_RULE_IDENTIFIER_MISSING] = {"identifier-missing", W, C, SCORM_STAGE_PROFILE,
                                       "organizations, items and resources have identifiers"},
    [SCORM_RULE_IDENTIFIER_DUPLICATE] = {"identifier-duplicate", W, C, SCORM_STAGE_PROFILE,
                                         "identifiers are unique across the manifest"},
    [SCORM_RULE_ORG_DEFAULT] = {"organization-default", W, C, SCORM_STAGE_PROFILE,
                                "organizations@default names a real organization"},
    [SCORM_RULE_ORG_NONE] = {"organization-none", W, C, SCORM_STAGE_PROFILE,
                             "the package has an organization a learner can launch"},
    [SCORM_RULE_ORG_TITLE] = {"organization-title", W, C, SCORM_STAGE_PROFILE,
                              "every organization has a title"},
    [SCORM_RULE_ORG_EMPTY] = {"organization-empty", W, C, SCORM_STAGE_PROFILE,
                              "every organization has at least one item"},
    [SCORM_RULE_ITEM_TITLE] = {"item-title", W, C, SCORM_STAGE_PROFILE,
                               "every item has a title"},
    [SCORM_RULE_ITEM_REF_NOT_LEAF] = {"item-identifierref-not-leaf", W, C, SCORM_STAGE_PROFILE,
                                      "only leaf items have identifierref"},
    [SCORM_RULE_ITEM_LEAF_NO_REF] = {"item-leaf-without-resource", W, C, SCORM_STAGE_PROFILE,
                                     "every leaf item references a resource"},
    [SCORM_RULE_ITEM_REF_MISSING] = {"item-identifierref-missing", E, P, SCORM_STAGE_PROFILE,
                                     "item identifierref points at a real resource"},
    [SCORM_RULE_ITEM_REF_NO_HREF] = {"item-resource-without-href", E, P, SCORM_STAGE_PROFILE,
                                     "resources that items launch have an href"},
    [SCORM_RULE_RESOURCE_SCORMTYPE] = {"resource-scormtype", W, C, SCORM_STAGE_PROFILE,
                                       "every resource has scormType 'sco' or 'asset'"},
    [SCORM_RULE_RESOURCE_HREF_NOT_LISTED] = {"resource-href-not-listed", W, C, SCORM_STAGE_PROFILE,
                                             "a resource's href is listed as one of its files"},
    [SCORM_RULE_RESOURCE_HREF_ELSEWHERE] = {"resource-href-listed-elsewhere", W, A,
                                            SCORM_STAGE_PROFILE,
                                            "a resource's launch file is listed by that resource "
                                            "or its dependencies, not only by another"},
    [SCORM_RULE_DEPENDENCY_MISSING] = {"dependency-missing", W, C, SCORM_STAGE_PROFILE,
                                       "dependency identifierref points at a real resource"},
    [SCORM_RULE_SEQUENCING_IDREF] = {"sequencing-idref", W, C, SCORM_STAGE_PROFILE,
                                     "sequencing IDRef names a sequencing collection entry"},
    [SCORM_RULE_SEQUENCING_RANGE] = {"sequencing-range", W, C, SCORM_STAGE_PROFILE,
                                     "sequencing values are within their ranges"},
    [SCORM_RULE_LAUNCH_FILE_MISSING] = {"launch-file-missing", E, P, SCORM_STAGE_PROFILE,
                                        "the file each item launches is in the package"},
    [SCORM_RULE_LAUNCH_NONE] = {"launch-none", E, P, SCORM_STAGE_PROFILE,
                                "the package has something a learner can launch"},
    [SCORM_RULE_FILE_UNREFERENCED] = {"file-unreferenced", W, A, SCORM_STAGE_UNREFERENCED,
                                      "every file in the package is referenced"},
};

#undef E
#undef W
#undef P
#undef C
#undef A

static char *copy_string(const char *s)
{
    return s ? strdup(s) : NULL;
}

int scorm_report_init(scorm_report *report, const char *package)
{
    memset(report, 0, sizeof *report);
    report->last_stage = -1;
    report->package = copy_string(package ? package : "");
    return report->package ? 0 : -1;
}

void scorm_report_free(scorm_report *report)
{
    for (size_t i = 0; i < report->count; i++) {
        free(report->findings[i].file);
        free(report->findings[i].message);
    }
    free(report->findings);
    free(report->package);
    free(report->version);
    free(report->not_scorm_kind);
    free(report->schema_set);
    free(report->schema_note);
    memset(report, 0, sizeof *report);
}

void scorm_report_add(scorm_report *report, scorm_rule_id rule, const char *file, long line,
                      long column, const char *fmt, ...)
{
    if (panya_grow((void **)&report->findings, &report->capacity, report->count,
                   sizeof *report->findings, 16) != 0) {
        report->out_of_memory = true;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *message = NULL;
    int length = vasprintf(&message, fmt, ap);
    va_end(ap);
    char *file_copy = copy_string(file ? file : "");
    if (length < 0 || !file_copy) {
        if (length >= 0)
            free(message);
        free(file_copy);
        report->out_of_memory = true;
        return;
    }
    report->findings[report->count++] = (scorm_finding){
        .rule = rule, .file = file_copy, .line = line, .column = column, .message = message};
    if (scorm_rules[rule].severity == SCORM_ERROR)
        report->errors++;
    else
        report->warnings++;
    if (scorm_rules[rule].impact == SCORM_IMPACT_CONFORMANCE)
        report->deviations++;
}

void scorm_report_set(scorm_report *report, char **field, const char *value)
{
    char *copy = copy_string(value);
    if (value && !copy) {
        report->out_of_memory = true;
        return;
    }
    free(*field);
    *field = copy;
}

void scorm_report_sort(scorm_report *report)
{
    if (report->count == 0)
        return; /* findings may be NULL: nothing to move */
    /* Stable partition: a second buffer keeps the check order inside each severity. */
    scorm_finding *sorted = malloc(report->count * sizeof *sorted + 1);
    if (!sorted) {
        report->out_of_memory = true;
        return;
    }
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < report->count; i++)
            if ((scorm_rules[report->findings[i].rule].severity == SCORM_ERROR) == (pass == 0))
                sorted[n++] = report->findings[i];
    memcpy(report->findings, sorted, report->count * sizeof *sorted);
    free(sorted);
}

static bool has_rule(const scorm_report *report, scorm_rule_id rule)
{
    for (size_t i = 0; i < report->count; i++)
        if (report->findings[i].rule == rule)
            return true;
    return false;
}

scorm_verdict scorm_report_verdict(const scorm_report *report)
{
    if (has_rule(report, SCORM_RULE_PACKAGE_UNREADABLE))
        return SCORM_VERDICT_UNREADABLE;
    if (report->not_scorm_kind)
        return SCORM_VERDICT_NOT_SCORM;
    if (report->errors)
        return SCORM_VERDICT_NOT_PLAYABLE;
    return report->deviations ? SCORM_VERDICT_PLAYABLE : SCORM_VERDICT_CONFORMANT;
}

bool scorm_report_playable(const scorm_report *report)
{
    scorm_verdict verdict = scorm_report_verdict(report);
    return verdict == SCORM_VERDICT_CONFORMANT || verdict == SCORM_VERDICT_PLAYABLE;
}

bool scorm_report_conformant(const scorm_report *report)
{
    return scorm_report_verdict(report) == SCORM_VERDICT_CONFORMANT;
}

const char *scorm_verdict_name(scorm_verdict verdict)
{
    switch (verdict) {
    case SCORM_VERDICT_CONFORMANT:
        return "conformant";
    case SCORM_VERDICT_PLAYABLE:
        return "playable";
    case SCORM_VERDICT_NOT_PLAYABLE:
        return "not-playable";
    case SCORM_VERDICT_NOT_SCORM:
        return "not-scorm";
    case SCORM_VERDICT_UNREADABLE:
        return "unreadable";
    }
    return "not-playable";
}

const char *scorm_severity_name(scorm_severity severity)
{
    return severity == SCORM_ERROR ? "error" : "warning";
}

const char *scorm_impact_name(scorm_impact impact)
{
    return impact == SCORM_IMPACT_PLAY ? "play"
           : impact == SCORM_IMPACT_CONFORMANCE ? "conformance"
                                                : "advice";
}

bool scorm_report_rule_ran(const scorm_report *report, scorm_rule_id rule)
{
    int stage = scorm_rules[rule].stage;
    if (stage == SCORM_STAGE_SCHEMA && !report->schema_checked)
        return false;
    return stage <= report->last_stage;
}
