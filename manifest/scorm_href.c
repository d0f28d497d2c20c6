#include "manifest/scorm_href.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/utf8.h"

#define MANIFEST "imsmanifest.xml"

/* A URL scheme ("http:", "mailto:") or a network path ("//host"): not a package file. */
static bool is_external(const char *href)
{
    if (href[0] == '/' && href[1] == '/')
        return true;
    const char *p = href;
    if (!isalpha((unsigned char)*p))
        return false;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    return *p == ':' && p - href > 1; /* one letter is a Windows drive */
}

/* Resolves an href that has no backslash (see scorm_href_resolve). */
static long resolve_slashed(const char *href, const char *what, long line,
                            const scorm_files *files, scorm_report *report, bool *case_only)
{
    if (href[0] == '/' || (isalpha((unsigned char)href[0]) && href[1] == ':')) {
        scorm_report_add(report, SCORM_RULE_HREF_ABSOLUTE, MANIFEST, line, 0,
                         "%s '%s' is an absolute path; make it relative to the package root",
                         what, href);
        return -1;
    }
    size_t len = strcspn(href, "?#"); /* launch parameters and anchors are not part of the file */
    char *decoded = malloc(len + 1);
    if (!decoded) {
        report->out_of_memory = true;
        return -1;
    }
    size_t out = 0;
    bool bad_escape = false;
    for (size_t i = 0; i < len; i++) {
        if (href[i] != '%') {
            decoded[out++] = href[i];
            continue;
        }
        int high = i + 2 < len ? panya_hex_digit(href[i + 1]) : -1;
        int low = high >= 0 ? panya_hex_digit(href[i + 2]) : -1;
        if (low < 0 || (high == 0 && low == 0)) {
            bad_escape = true;
            break;
        }
        decoded[out++] = (char)(high * 16 + low);
        i += 2;
    }
    decoded[out] = '\0';
    if (bad_escape || !panya_utf8_valid((const char *)decoded, strlen((const char *)decoded))) {
        scorm_report_add(report, SCORM_RULE_HREF_ENCODING, MANIFEST, line, 0,
                         "%s '%s' is not correctly %%-encoded UTF-8", what, href);
        free(decoded);
        return -1;
    }
    /* Normalise "." and "..", refusing to climb above the root. */
    char *normal = malloc(out + 1);
    if (!normal) {
        free(decoded);
        report->out_of_memory = true;
        return -1;
    }
    size_t used = 0;
    bool escapes = false;
    for (char *save = NULL, *segment = strtok_r(decoded, "/", &save); segment;
         segment = strtok_r(NULL, "/", &save)) {
        if (strcmp(segment, ".") == 0)
            continue;
        if (strcmp(segment, "..") == 0) {
            if (used == 0) {
                escapes = true;
                break;
            }
            while (used && normal[used - 1] != '/')
                used--;
            if (used)
                used--;
            continue;
        }
        if (used)
            normal[used++] = '/';
        size_t segment_len = strlen(segment);
        memcpy(normal + used, segment, segment_len);
        used += segment_len;
    }
    normal[used] = '\0';
    free(decoded);
    long found = -1;
    if (escapes) {
        scorm_report_add(report, SCORM_RULE_HREF_ESCAPES_ROOT, MANIFEST, line, 0,
                         "%s '%s' climbs out of the package with '..'", what, href);
    } else if ((found = scorm_files_find(files, normal)) >= 0) {
        files->referenced[found] = true;
    } else if ((found = scorm_files_find_nocase(files, normal)) >= 0) {
        files->referenced[found] = true;
        if (case_only)
            *case_only = true;
        scorm_report_add(report, SCORM_RULE_HREF_CASE_MISMATCH, MANIFEST, line, 0,
                         "%s '%s' differs in case from the file '%s'; phones and Linux servers "
                         "are case-sensitive, so make them identical",
                         what, href, files->paths[found]);
    } else {
        scorm_report_add(report, SCORM_RULE_HREF_MISSING_FILE, MANIFEST, line, 0,
                         "%s '%s': the package has no file '%s'", what, href, normal);
    }
    free(normal);
    return found;
}

long scorm_href_resolve(const char *href, const char *what, long line, const scorm_files *files,
                        scorm_report *report, bool *case_only)
{
    if (case_only)
        *case_only = false;
    if (!href[0]) {
        scorm_report_add(report, SCORM_RULE_HREF_MISSING_FILE, MANIFEST, line, 0,
                         "%s is empty", what);
        return -1;
    }
    if (is_external(href)) {
        scorm_report_add(report, SCORM_RULE_HREF_EXTERNAL, MANIFEST, line, 0,
                         "%s '%s' is on the network; offline phones cannot load it, so ship "
                         "the file in the package",
                         what, href);
        return SCORM_HREF_EXTERNAL;
    }
    if (!strchr(href, '\\'))
        return resolve_slashed(href, what, line, files, report, case_only);
    /* Browsers read '\\' as '/' in http(s) URLs, so LMSs play these Windows-made hrefs;
     * resolve them the same way and say so. */
    size_t length = strlen(href);
    char *slashed = malloc(length + 1);
    if (!slashed) {
        report->out_of_memory = true;
        return -1;
    }
    for (size_t i = 0; i <= length; i++)
        slashed[i] = href[i] == '\\' ? '/' : href[i];
    scorm_report_add(report, SCORM_RULE_HREF_BACKSLASH, MANIFEST, line, 0,
                     "%s '%.*s' contains a backslash; browsers read it as '/', but use '/' "
                     "between folders",
                     what, (int)length, href);
    long found = resolve_slashed(slashed, what, line, files, report, case_only);
    free(slashed);
    return found;
}
