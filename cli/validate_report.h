/* Output of `panya validate`: text for people, JSON (docs/validate.schema.json) and JUnit XML
 * for CI. Each package carries two verdicts: whether runtimes would play it, and whether it
 * conforms to ADL's rules and XSDs. */
#ifndef PANYA_CLI_VALIDATE_REPORT_H
#define PANYA_CLI_VALIDATE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "manifest/scorm_report.h"

/* Whether a package passes: it plays; under strict it also conforms and has no warning. */
bool validate_report_passed(const scorm_report *report, bool strict);

/* Per package: a verdict line, then errors before warnings, each "file:line [rule] message";
 * then a summary line. Returns 0, or -1 when writing failed. */
int validate_print_text(FILE *out, const scorm_report *reports, size_t count, bool strict);

/* One JSON document (docs/validate.schema.json), written with jansson. schema_dir is the
 * trusted XSD folder used, or NULL. Returns 0, or -1 when out of memory or writing failed. */
int validate_print_json(FILE *out, const scorm_report *reports, size_t count, bool strict,
                        const char *schema_dir);

/* One <testsuite> per package and one <testcase> per rule (failed, passed or skipped),
 * written with libxml2's xmlTextWriter. At most VALIDATE_JUNIT_FINDINGS_MAX findings per
 * text node, then a count of the rest. Returns 0, or -1 when writing failed. */
#define VALIDATE_JUNIT_FINDINGS_MAX 100
int validate_print_junit(FILE *out, const scorm_report *reports, size_t count, bool strict);

#endif
