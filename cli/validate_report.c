#include "cli/validate_report.h"

#include <string.h>

bool validate_report_passed(const scorm_report *report, bool strict)
{
    return scorm_report_verdict(report) == SCORM_VERDICT_VALID && !(strict && report->warnings);
}

static void print_location(FILE *out, const scorm_finding *f)
{
    fputs(f->file[0] ? f->file : "(package)", out);
    if (f->line > 0)
        fprintf(out, ":%ld", f->line);
    if (f->column > 0)
        fprintf(out, ":%ld", f->column);
}

void validate_print_text(FILE *out, const scorm_report *reports, size_t count, bool strict)
{
    size_t tally[3] = {0}, passed = 0;
    for (size_t p = 0; p < count; p++) {
        const scorm_report *r = &reports[p];
        scorm_verdict verdict = scorm_report_verdict(r);
        tally[verdict]++;
        bool ok = validate_report_passed(r, strict);
        passed += ok;
        fprintf(out, "%s: %s", r->package,
                verdict == SCORM_VERDICT_NOT_SCORM ? "NOT SCORM" : ok ? "VALID" : "INVALID");
        if (verdict == SCORM_VERDICT_NOT_SCORM)
            fprintf(out, " (%s)", r->not_scorm_kind);
        else if (r->version)
            fprintf(out, " (%s)", r->version);
        fprintf(out, ", %zu error%s, %zu warning%s%s\n", r->errors, r->errors == 1 ? "" : "s",
                r->warnings, r->warnings == 1 ? "" : "s",
                verdict == SCORM_VERDICT_VALID && !ok ? " (--strict fails on warnings)" : "");
        for (size_t i = 0; i < r->count; i++) {
            const scorm_finding *f = &r->findings[i];
            fprintf(out, "  %-7s ", scorm_severity_name(scorm_rules[f->rule].severity));
            print_location(out, f);
            fprintf(out, " [%s] %s\n", scorm_rules[f->rule].id, f->message);
        }
        if (r->schema_note && r->last_stage >= SCORM_STAGE_SCHEMA)
            fprintf(out, "  note    schema validation skipped: %s\n", r->schema_note);
    }
    fprintf(out, "%zu package%s: %zu valid, %zu invalid, %zu not SCORM", count,
            count == 1 ? "" : "s", tally[SCORM_VERDICT_VALID], tally[SCORM_VERDICT_INVALID],
            tally[SCORM_VERDICT_NOT_SCORM]);
    if (strict)
        fprintf(out, "; %zu pass --strict", passed);
    fputc('\n', out);
}

/* ---- JSON --------------------------------------------------------------------------------- */

static void json_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_number_or_null(FILE *out, long value)
{
    if (value > 0)
        fprintf(out, "%ld", value);
    else
        fputs("null", out);
}

void validate_print_json(FILE *out, const scorm_report *reports, size_t count, bool strict)
{
    size_t tally[3] = {0}, passed = 0;
    for (size_t p = 0; p < count; p++) {
        tally[scorm_report_verdict(&reports[p])]++;
        passed += validate_report_passed(&reports[p], strict);
    }
    fprintf(out,
            "{\n  \"format\": \"panya-validate\",\n  \"format_version\": 1,\n"
            "  \"panya_version\": \"%s\",\n  \"strict\": %s,\n"
            "  \"summary\": {\"packages\": %zu, \"valid\": %zu, \"invalid\": %zu, "
            "\"not_scorm\": %zu, \"passed\": %zu},\n  \"packages\": [",
            PANYA_VERSION, strict ? "true" : "false", count, tally[SCORM_VERDICT_VALID],
            tally[SCORM_VERDICT_INVALID], tally[SCORM_VERDICT_NOT_SCORM], passed);
    for (size_t p = 0; p < count; p++) {
        const scorm_report *r = &reports[p];
        fputs(p ? ",\n    {" : "\n    {", out);
        fputs("\"path\": ", out);
        json_string(out, r->package);
        fprintf(out, ", \"verdict\": \"%s\", \"passed\": %s, \"version\": ",
                scorm_verdict_name(scorm_report_verdict(r)),
                validate_report_passed(r, strict) ? "true" : "false");
        json_string(out, r->version);
        fputs(", \"not_scorm_kind\": ", out);
        json_string(out, r->not_scorm_kind);
        fprintf(out, ",\n     \"errors\": %zu, \"warnings\": %zu, \"last_stage\": %d, "
                     "\"schema_checked\": %s, \"schema_note\": ",
                r->errors, r->warnings, r->last_stage, r->schema_checked ? "true" : "false");
        json_string(out, r->schema_note);
        fputs(",\n     \"findings\": [", out);
        for (size_t i = 0; i < r->count; i++) {
            const scorm_finding *f = &r->findings[i];
            const scorm_rule *rule = &scorm_rules[f->rule];
            fprintf(out, "%s\n       {\"rule\": \"%s\", \"severity\": \"%s\", \"stage\": %d, "
                         "\"file\": ",
                    i ? "," : "", rule->id, scorm_severity_name(rule->severity), rule->stage);
            json_string(out, f->file);
            fputs(", \"line\": ", out);
            json_number_or_null(out, f->line);
            fputs(", \"column\": ", out);
            json_number_or_null(out, f->column);
            fputs(", \"message\": ", out);
            json_string(out, f->message);
            fputc('}', out);
        }
        fputs(r->count ? "\n     ]}" : "]}", out);
    }
    fputs(count ? "\n  ]\n}\n" : "]\n}\n", out);
}

/* ---- JUnit -------------------------------------------------------------------------------- */

static void xml_text(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            /* XML 1.0 forbids most control characters, even as references. */
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                fputc('?', out);
            else
                fputc(*p, out);
        }
    }
}

static void junit_finding(FILE *out, const scorm_finding *f)
{
    char line[64] = "";
    if (f->line > 0)
        snprintf(line, sizeof line, ":%ld", f->line);
    xml_text(out, f->file[0] ? f->file : "(package)");
    fputs(line, out);
    fputs(": ", out);
    xml_text(out, f->message);
    fputc('\n', out);
}

static void junit_suite(FILE *out, const scorm_report *r, bool strict)
{
    size_t failed = 0, skipped = 0;
    size_t errors_of[SCORM_RULE_COUNT] = {0}, warnings_of[SCORM_RULE_COUNT] = {0};
    for (size_t i = 0; i < r->count; i++) {
        if (scorm_rules[r->findings[i].rule].severity == SCORM_ERROR)
            errors_of[r->findings[i].rule]++;
        else
            warnings_of[r->findings[i].rule]++;
    }
    for (int rule = 0; rule < SCORM_RULE_COUNT; rule++) {
        if (errors_of[rule] || (strict && warnings_of[rule]))
            failed++;
        else if (!scorm_report_rule_ran(r, (scorm_rule_id)rule))
            skipped++;
    }
    fputs("  <testsuite name=\"", out);
    xml_text(out, r->package);
    fprintf(out, "\" tests=\"%d\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
            SCORM_RULE_COUNT, failed, skipped);
    fprintf(out, "    <properties>\n      <property name=\"verdict\" value=\"%s\"/>\n",
            scorm_verdict_name(scorm_report_verdict(r)));
    if (r->version || r->not_scorm_kind) {
        fputs("      <property name=\"version\" value=\"", out);
        xml_text(out, r->version ? r->version : r->not_scorm_kind);
        fputs("\"/>\n", out);
    }
    fputs("    </properties>\n", out);
    for (int rule = 0; rule < SCORM_RULE_COUNT; rule++) {
        const scorm_rule *info = &scorm_rules[rule];
        fputs("    <testcase classname=\"", out);
        xml_text(out, r->package);
        fprintf(out, "\" name=\"%s\">\n", info->id);
        bool fails = errors_of[rule] || (strict && warnings_of[rule]);
        if (fails) {
            fprintf(out, "      <failure type=\"%s\" message=\"%zu finding%s: ", info->id,
                    errors_of[rule] + warnings_of[rule],
                    errors_of[rule] + warnings_of[rule] == 1 ? "" : "s");
            xml_text(out, info->summary);
            fputs("\">", out);
            for (size_t i = 0; i < r->count; i++)
                if ((int)r->findings[i].rule == rule)
                    junit_finding(out, &r->findings[i]);
            fputs("</failure>\n", out);
        } else if (!scorm_report_rule_ran(r, (scorm_rule_id)rule)) {
            fputs("      <skipped message=\"", out);
            xml_text(out, info->stage == SCORM_STAGE_SCHEMA && r->schema_note
                              ? r->schema_note
                              : "not run: an earlier check stopped the validation");
            fputs("\"/>\n", out);
        } else if (warnings_of[rule]) {
            fputs("      <system-out>", out);
            for (size_t i = 0; i < r->count; i++)
                if ((int)r->findings[i].rule == rule)
                    junit_finding(out, &r->findings[i]);
            fputs("</system-out>\n", out);
        }
        fputs("    </testcase>\n", out);
    }
    fputs("  </testsuite>\n", out);
}

void validate_print_junit(FILE *out, const scorm_report *reports, size_t count, bool strict)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"panya validate\">\n",
          out);
    for (size_t p = 0; p < count; p++)
        junit_suite(out, &reports[p], strict);
    fputs("</testsuites>\n", out);
}
