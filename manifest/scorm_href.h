/* Check 6: resolving an href of imsmanifest.xml to a file of the package, the way a phone's
 * browser would, and saying precisely what is wrong when it cannot. */
#ifndef PANYA_MANIFEST_SCORM_HREF_H
#define PANYA_MANIFEST_SCORM_HREF_H

#include <stdbool.h>

#include "manifest/scorm_files.h"
#include "manifest/scorm_report.h"

/* Resolves a package-relative href (already joined with any xml:base): %-decodes it, drops
 * query and fragment, resolves "." and "..", and looks the file up; marks it referenced.
 * Backslashes count as '/' (as browsers read them), with an href-backslash finding.
 * Adds href-* findings attributed to `what` ("resource 'r1' href") at line. Returns the file
 * index; SCORM_HREF_EXTERNAL for a URL (not a package file, not broken); -1 when the href is
 * unsafe or names no file. *case_only (when given) says whether the file matched only when
 * ASCII case is ignored: a case-sensitive server or phone would not find it. */
#define SCORM_HREF_EXTERNAL (-2L)
long scorm_href_resolve(const char *href, const char *what, long line, const scorm_files *files,
                        scorm_report *report, bool *case_only);

#endif
