/* `panya validate --format json`, built as a jansson tree: escaping and structure are the
 * library's, so the document is valid JSON whatever the messages hold. */
#include <jansson.h>
#include <stdlib.h>

#include "common/utf8.h"

#include "cli/validate_report.h"

/* A JSON string of s; bytes that are not UTF-8 (a legacy file name) are shown as \\xNN. */
static json_t *text(const char *s)
{
    char *safe = panya_utf8_escape(s ? s : "");
    json_t *value = safe ? json_string(safe) : NULL;
    free(safe);
    return value;
}

static json_t *string_or_null(const char *s)
{
    return s ? text(s) : json_null();
}

static json_t *positive_or_null(long value)
{
    return value > 0 ? json_integer(value) : json_null();
}

static json_t *finding_json(const scorm_finding *f)
{
    const scorm_rule *rule = &scorm_rules[f->rule];
    json_t *message = text(f->message), *file = text(f->file);
    return json_pack("{s:s, s:s, s:s, s:i, s:o, s:o, s:o, s:o}", "rule", rule->id, "severity",
                     scorm_severity_name(rule->severity), "impact",
                     scorm_impact_name(rule->impact), "stage", rule->stage, "file", file, "line",
                     positive_or_null(f->line), "column", positive_or_null(f->column), "message",
                     message);
}

static json_t *package_json(const scorm_report *r, bool strict)
{
    json_t *findings = json_array();
    for (size_t i = 0; findings && i < r->count; i++)
        if (json_array_append_new(findings, finding_json(&r->findings[i])) != 0) {
            json_decref(findings);
            findings = NULL;
        }
    if (!findings)
        return NULL;
    json_t *path = text(r->package);
    return json_pack(
        "{s:o, s:s, s:b, s:b, s:b, s:o, s:o, s:I, s:I, s:I, s:i, s:b, s:o, s:o, s:o}", "path",
        path, "verdict", scorm_verdict_name(scorm_report_verdict(r)), "playable",
        scorm_report_playable(r), "conformant", scorm_report_conformant(r), "passed",
        validate_report_passed(r, strict), "version", string_or_null(r->version),
        "not_scorm_kind", string_or_null(r->not_scorm_kind), "errors", (json_int_t)r->errors,
        "warnings", (json_int_t)r->warnings, "deviations", (json_int_t)r->deviations,
        "last_stage", r->last_stage, "schema_checked", r->schema_checked, "schema_set",
        string_or_null(r->schema_set), "schema_note", string_or_null(r->schema_note),
        "findings", findings);
}

int validate_print_json(FILE *out, const scorm_report *reports, size_t count, bool strict,
                        const char *schema_dir)
{
    size_t tally[SCORM_VERDICT_COUNT] = {0}, passed = 0;
    json_t *packages = json_array();
    for (size_t p = 0; packages && p < count; p++) {
        tally[scorm_report_verdict(&reports[p])]++;
        passed += validate_report_passed(&reports[p], strict);
        json_t *package = package_json(&reports[p], strict);
        if (!package || json_array_append_new(packages, package) != 0) {
            json_decref(packages);
            packages = NULL;
        }
    }
    if (!packages)
        return -1;
    json_t *summary = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "packages", (json_int_t)count, "conformant",
        (json_int_t)tally[SCORM_VERDICT_CONFORMANT], "playable",
        (json_int_t)tally[SCORM_VERDICT_PLAYABLE], "not_playable",
        (json_int_t)tally[SCORM_VERDICT_NOT_PLAYABLE], "not_scorm",
        (json_int_t)tally[SCORM_VERDICT_NOT_SCORM], "unreadable",
        (json_int_t)tally[SCORM_VERDICT_UNREADABLE], "passed", (json_int_t)passed);
    json_t *dir = string_or_null(schema_dir);
    json_t *doc = json_pack("{s:s, s:i, s:s, s:b, s:o, s:o, s:o}", "format", "panya-validate",
                            "format_version", 2, "panya_version", PANYA_VERSION, "strict", strict,
                            "schema_dir", dir ? dir : json_null(), "summary", summary, "packages",
                            packages);
    if (!doc)
        return -1;
    int status = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0 : -1;
    json_decref(doc);
    if (status == 0 && fputc('\n', out) == EOF)
        status = -1;
    return status;
}
