#include "cli/validate_report.h"

#include <string.h>

bool validate_report_passed(const scorm_report *report, bool strict)
{
    if (strict)
        return scorm_report_conformant(report) && report->warnings == 0;
    return scorm_report_playable(report);
}

static void print_location(FILE *out, const scorm_finding *f)
{
    fputs(f->file[0] ? f->file : "(package)", out);
    if (f->line > 0)
        fprintf(out, ":%ld", f->line);
    if (f->column > 0)
        fprintf(out, ":%ld", f->column);
}

static const char *verdict_words(scorm_verdict verdict)
{
    switch (verdict) {
    case SCORM_VERDICT_CONFORMANT:
        return "PLAYS, CONFORMANT";
    case SCORM_VERDICT_PLAYABLE:
        return "PLAYS, NOT CONFORMANT";
    case SCORM_VERDICT_NOT_PLAYABLE:
        return "WILL NOT PLAY";
    case SCORM_VERDICT_NOT_SCORM:
        return "NOT SCORM";
    case SCORM_VERDICT_UNREADABLE:
        return "UNREADABLE";
    }
    return "WILL NOT PLAY";
}

int validate_print_text(FILE *out, const scorm_report *reports, size_t count, bool strict)
{
    size_t tally[SCORM_VERDICT_COUNT] = {0}, passed = 0;
    for (size_t p = 0; p < count; p++) {
        const scorm_report *r = &reports[p];
        scorm_verdict verdict = scorm_report_verdict(r);
        tally[verdict]++;
        bool ok = validate_report_passed(r, strict);
        passed += ok;
        fprintf(out, "%s: %s", r->package, verdict_words(verdict));
        if (verdict == SCORM_VERDICT_NOT_SCORM)
            fprintf(out, " (%s)", r->not_scorm_kind);
        else if (r->version)
            fprintf(out, " (%s)", r->version);
        fprintf(out, ", %zu error%s, %zu warning%s%s\n", r->errors, r->errors == 1 ? "" : "s",
                r->warnings, r->warnings == 1 ? "" : "s",
                scorm_report_playable(r) && !ok ? " (--strict fails on warnings)" : "");
        for (size_t i = 0; i < r->count; i++) {
            const scorm_finding *f = &r->findings[i];
            fprintf(out, "  %-7s ", scorm_severity_name(scorm_rules[f->rule].severity));
            print_location(out, f);
            fprintf(out, " [%s] %s\n", scorm_rules[f->rule].id, f->message);
        }
        if (r->schema_note && r->last_stage >= SCORM_STAGE_SCHEMA)
            fprintf(out, "  note    schema validation skipped: %s\n", r->schema_note);
    }
    fprintf(out,
            "%zu package%s: %zu conformant, %zu play but do not conform, %zu will not play, "
            "%zu not SCORM, %zu unreadable",
            count, count == 1 ? "" : "s", tally[SCORM_VERDICT_CONFORMANT],
            tally[SCORM_VERDICT_PLAYABLE], tally[SCORM_VERDICT_NOT_PLAYABLE],
            tally[SCORM_VERDICT_NOT_SCORM], tally[SCORM_VERDICT_UNREADABLE]);
    if (strict)
        fprintf(out, "; %zu pass --strict", passed);
    fputc('\n', out);
    return ferror(out) ? -1 : 0;
}
