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

#endif
