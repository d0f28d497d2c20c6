/* Checks 6 (hrefs) and 7 (SCORM application-profile rules XSDs cannot express), on a parsed
 * manifest. Internal to manifest/: scorm_check.c calls it after the schema stage. */
#ifndef PANYA_MANIFEST_SCORM_RULES_H
#define PANYA_MANIFEST_SCORM_RULES_H

#include <libxml/tree.h>

#include "manifest/scorm_files.h"
#include "manifest/scorm_report.h"
#include "manifest/scorm_schema.h"

/* Adds findings for every href and profile rule; marks each file an href reaches. */
void scorm_rules_check(xmlDocPtr doc, scorm_family family, const scorm_files *files,
                       scorm_report *report);

/* Resolves a package-relative href (already joined with any xml:base) against files, adding
 * href-* findings attributed to `what` ("resource 'r1' href"). Returns the file index, or -1
 * when the href is external, unsafe or names no file. */
long scorm_rules_resolve_href(const char *href, const char *what, long line,
                              const scorm_files *files, scorm_report *report);

#endif
