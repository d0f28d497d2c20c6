/* Output of `panya validate`: text for people, JSON (docs/VALIDATE.md) and JUnit XML for CI. */
#ifndef PANYA_CLI_VALIDATE_REPORT_H
#define PANYA_CLI_VALIDATE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "manifest/scorm_report.h"

/* Whether a package passes: valid, and under strict also free of warnings. */
bool validate_report_passed(const scorm_report *report, bool strict);

/* Per package: a verdict line, then errors before warnings, each "file:line [rule] message";
 * then a summary line. */
void validate_print_text(FILE *out, const scorm_report *reports, size_t count, bool strict);

/* One JSON document (schema in docs/VALIDATE.md). */
void validate_print_json(FILE *out, const scorm_report *reports, size_t count, bool strict);

/* One <testsuite> per package and one <testcase> per rule: failed, passed or skipped. */
void validate_print_junit(FILE *out, const scorm_report *reports, size_t count, bool strict);

#endif
