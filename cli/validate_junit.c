/* `panya validate --format junit` through libxml2's xmlTextWriter, which escapes text and
 * attributes; control characters XML 1.0 forbids are replaced before they reach it. */
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "cli/validate_report.h"
#include "common/utf8.h"

/* A UTF-8 copy (legacy bytes as \\xNN) with the characters XML 1.0 forbids (even as
 * references) replaced by '?'. */
static char *xml_safe(const char *s)
{
    char *copy = panya_utf8_escape(s ? s : "");
    for (unsigned char *p = (unsigned char *)copy; p && *p; p++)
        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
            *p = '?';
    return copy;
}

static int write_attribute(xmlTextWriterPtr w, const char *name, const char *value)
{
    char *safe = xml_safe(value);
    int rc = safe ? xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST safe) : -1;
    free(safe);
    return rc < 0 ? -1 : 0;
}

/* The findings of one rule as lines "file:line: message", at most VALIDATE_JUNIT_FINDINGS_MAX
 * of them, then how many more there are: CI viewers and xmllint choke on huge text nodes. */
static int write_findings(xmlTextWriterPtr w, const scorm_report *r, int rule)
{
    size_t written = 0, total = 0;
    for (size_t i = 0; i < r->count; i++) {
        const scorm_finding *f = &r->findings[i];
        if ((int)f->rule != rule)
            continue;
        if (total++ >= VALIDATE_JUNIT_FINDINGS_MAX)
            continue;
        char *line = NULL;
        char number[32] = "";
        if (f->line > 0)
            snprintf(number, sizeof number, ":%ld", f->line);
        if (asprintf(&line, "%s%s: %s\n", f->file[0] ? f->file : "(package)", number,
                     f->message) < 0)
            return -1;
        char *safe = xml_safe(line);
        free(line);
        int rc = safe ? xmlTextWriterWriteString(w, BAD_CAST safe) : -1;
        free(safe);
        if (rc < 0)
            return -1;
        written++;
    }
    if (total > written &&
        xmlTextWriterWriteFormatString(w, "... and %zu more (--format json lists them all)\n",
                                       total - written) < 0)
        return -1;
    return 0;
}

static int write_property(xmlTextWriterPtr w, const char *name, const char *value)
{
    if (!value)
        return 0;
    if (xmlTextWriterStartElement(w, BAD_CAST "property") < 0 ||
        write_attribute(w, "name", name) != 0 || write_attribute(w, "value", value) != 0 ||
        xmlTextWriterEndElement(w) < 0)
        return -1;
    return 0;
}

static int write_testcase(xmlTextWriterPtr w, const scorm_report *r, int rule, bool fails,
                          size_t findings)
{
    const scorm_rule *info = &scorm_rules[rule];
    if (xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 ||
        write_attribute(w, "classname", r->package) != 0 || write_attribute(w, "name", info->id))
        return -1;
    int rc = 0;
    if (fails) {
        char message[512];
        snprintf(message, sizeof message, "%zu finding%s: %s", findings,
                 findings == 1 ? "" : "s", info->summary);
        rc = xmlTextWriterStartElement(w, BAD_CAST "failure") < 0 ||
                     write_attribute(w, "type", info->id) != 0 ||
                     write_attribute(w, "message", message) != 0 ||
                     write_findings(w, r, rule) != 0 || xmlTextWriterEndElement(w) < 0
                 ? -1
                 : 0;
    } else if (!scorm_report_rule_ran(r, (scorm_rule_id)rule)) {
        const char *why = info->stage == SCORM_STAGE_SCHEMA && r->schema_note
                              ? r->schema_note
                              : "not run: an earlier check stopped the validation";
        rc = xmlTextWriterStartElement(w, BAD_CAST "skipped") < 0 ||
                     write_attribute(w, "message", why) != 0 || xmlTextWriterEndElement(w) < 0
                 ? -1
                 : 0;
    } else if (findings) {
        rc = xmlTextWriterStartElement(w, BAD_CAST "system-out") < 0 ||
                     write_findings(w, r, rule) != 0 || xmlTextWriterEndElement(w) < 0
                 ? -1
                 : 0;
    }
    return rc == 0 && xmlTextWriterEndElement(w) >= 0 ? 0 : -1;
}

static int write_suite(xmlTextWriterPtr w, const scorm_report *r, bool strict)
{
    size_t failed = 0, skipped = 0;
    size_t errors_of[SCORM_RULE_COUNT] = {0}, warnings_of[SCORM_RULE_COUNT] = {0};
    for (size_t i = 0; i < r->count; i++) {
        if (scorm_rules[r->findings[i].rule].severity == SCORM_ERROR)
            errors_of[r->findings[i].rule]++;
        else
            warnings_of[r->findings[i].rule]++;
    }
    bool fails[SCORM_RULE_COUNT];
    for (int rule = 0; rule < SCORM_RULE_COUNT; rule++) {
        fails[rule] = errors_of[rule] || (strict && warnings_of[rule]);
        if (fails[rule])
            failed++;
        else if (!scorm_report_rule_ran(r, (scorm_rule_id)rule))
            skipped++;
    }
    if (xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0 ||
        write_attribute(w, "name", r->package) != 0 ||
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "tests", "%d", SCORM_RULE_COUNT) < 0 ||
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "failures", "%zu", failed) < 0 ||
        xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST "0") < 0 ||
        xmlTextWriterWriteFormatAttribute(w, BAD_CAST "skipped", "%zu", skipped) < 0 ||
        xmlTextWriterStartElement(w, BAD_CAST "properties") < 0 ||
        write_property(w, "verdict", scorm_verdict_name(scorm_report_verdict(r))) != 0 ||
        write_property(w, "playable", scorm_report_playable(r) ? "true" : "false") != 0 ||
        write_property(w, "conformant", scorm_report_conformant(r) ? "true" : "false") != 0 ||
        write_property(w, "version", r->version ? r->version : r->not_scorm_kind) != 0 ||
        write_property(w, "schema_set", r->schema_set) != 0 || xmlTextWriterEndElement(w) < 0)
        return -1;
    for (int rule = 0; rule < SCORM_RULE_COUNT; rule++)
        if (write_testcase(w, r, rule, fails[rule], errors_of[rule] + warnings_of[rule]) != 0)
            return -1;
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

int validate_print_junit(FILE *out, const scorm_report *reports, size_t count, bool strict)
{
    xmlOutputBufferPtr buffer = xmlOutputBufferCreateFile(out, NULL);
    xmlTextWriterPtr w = buffer ? xmlNewTextWriter(buffer) : NULL;
    if (!w) {
        if (buffer)
            xmlOutputBufferClose(buffer);
        return -1;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    int status = xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
                         xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0 ||
                         xmlTextWriterWriteAttribute(w, BAD_CAST "name",
                                                     BAD_CAST "panya validate") < 0
                     ? -1
                     : 0;
    for (size_t p = 0; status == 0 && p < count; p++)
        status = write_suite(w, &reports[p], strict);
    if (status == 0 && xmlTextWriterEndDocument(w) < 0)
        status = -1;
    if (xmlTextWriterFlush(w) < 0)
        status = -1;
    xmlFreeTextWriter(w); /* closes the output buffer, not `out` */
    return status;
}
