/* Helpers for the SCORM unit tests: build a package (file list + manifest) in memory, check
 * it, and ask which rules fired. */
#ifndef PANYA_TESTS_SCORM_TEST_UTIL_H
#define PANYA_TESTS_SCORM_TEST_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "manifest/scorm_check.h"

#define NS12 "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
#define NS2004 "http://www.imsglobal.org/xsd/imscp_v1p1"

/* A correct SCORM 1.2 manifest: one organization, one item, one SCO listing index.html. */
static const char good12[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest identifier=\"m\" version=\"1\" xmlns=\"" NS12 "\"\n"
    "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\"\n"
    "  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    "<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n"
    "<organizations default=\"org\"><organization identifier=\"org\"><title>Lesson</title>\n"
    "<item identifier=\"i1\" identifierref=\"r1\"><title>One</title></item>\n"
    "</organization></organizations>\n"
    "<resources><resource identifier=\"r1\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
    "href=\"index.html\"><file href=\"index.html\"/></resource></resources>\n"
    "</manifest>\n";

/* The same course as SCORM 2004 4th Edition, with sequencing. */
static const char good2004[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<manifest identifier=\"m\" version=\"1\" xmlns=\"" NS2004 "\"\n"
    "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_v1p3\"\n"
    "  xmlns:imsss=\"http://www.imsglobal.org/xsd/imsss\"\n"
    "  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    "<metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion>"
    "</metadata>\n"
    "<organizations default=\"org\"><organization identifier=\"org\"><title>ບົດຮຽນ</title>\n"
    "<item identifier=\"i1\" identifierref=\"r1\"><title>One</title>\n"
    "<imsss:sequencing IDRef=\"common\"><imsss:limitConditions attemptLimit=\"3\"/>"
    "</imsss:sequencing></item>\n"
    "</organization></organizations>\n"
    "<resources><resource identifier=\"r1\" type=\"webcontent\" adlcp:scormType=\"sco\" "
    "href=\"index.html\"><file href=\"index.html\"/></resource></resources>\n"
    "<imsss:sequencingCollection><imsss:sequencing ID=\"common\"/></imsss:sequencingCollection>\n"
    "</manifest>\n";

/* base with the first occurrence of `from` replaced by `to` (the test fails if absent). */
static char *edit(const char *base, const char *from, const char *to)
{
    const char *at = strstr(base, from);
    assert_non_null(at);
    size_t head = (size_t)(at - base), from_len = strlen(from), to_len = strlen(to);
    char *out = malloc(strlen(base) - from_len + to_len + 1);
    assert_non_null(out);
    memcpy(out, base, head);
    memcpy(out + head, to, to_len);
    strcpy(out + head + to_len, at + from_len);
    return out;
}

/* Checks manifest (NULL: none at the root) in a package holding the NULL-terminated files. */
static void check(scorm_report *report, const char *manifest, const char *const *files,
                  scorm_schema_set *schemas)
{
    scorm_files list;
    scorm_files_init(&list);
    for (size_t i = 0; files && files[i]; i++)
        assert_int_equal(scorm_files_add(&list, files[i]), 0);
    assert_int_equal(scorm_files_finish(&list), 0);
    assert_int_equal(scorm_report_init(report, "test"), 0);
    scorm_check_options options = {.schemas = schemas, .schema_note = "none in this test"};
    panya_error err = {0};
    int status = scorm_check_manifest(&list, manifest, manifest ? strlen(manifest) : 0, &options,
                                      report, &err);
    assert_int_equal(status, 0);
    scorm_files_free(&list);
}

static size_t count_rule(const scorm_report *report, scorm_rule_id rule)
{
    size_t n = 0;
    for (size_t i = 0; i < report->count; i++)
        n += report->findings[i].rule == rule;
    return n;
}

static const scorm_finding *find_rule(const scorm_report *report, scorm_rule_id rule)
{
    for (size_t i = 0; i < report->count; i++)
        if (report->findings[i].rule == rule)
            return &report->findings[i];
    return NULL;
}

#endif
