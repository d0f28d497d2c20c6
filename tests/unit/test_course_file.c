/* panya-course.xml: the samples' files parse and follow manifest/course.xsd; bad files are
 * refused with their line. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "manifest/course_file.h"
#include "sources/lesson_model.h"
#include "test_helpers.h"

static char *sample_path(const char *course)
{
    const char *root = getenv("PANYA_SOURCE_ROOT");
    if (!root)
        return NULL;
    char *path = NULL;
    assert_true(asprintf(&path, "%s/samples/%s/panya-course.xml", root, course) > 0);
    return path;
}

static void samples_parse_with_lao_titles(void **state)
{
    (void)state;
    char *path = sample_path("ຄະນິດສາດ ປ.3");
    if (!path)
        skip();
    size_t len;
    uint8_t *xml = test_read_file(path, &len);
    assert_non_null(xml);
    course_file course;
    panya_error err = {0};
    assert_int_equal(course_file_read(xml, len, path, &course, &err), 0);
    assert_string_equal(course.id, "maths-p3");
    assert_string_equal(course.grade, "3");
    assert_string_equal(manifest_titles_pick(&course.titles, "lo"), "ຄະນິດສາດ ປ.3");
    assert_int_equal(course.lesson_count, 4);
    assert_string_equal(course.lessons[0].file, "1 ການນັບເລກ.mp4");
    assert_string_equal(manifest_titles_pick(&course.lessons[0].titles, "en"),
                        "Counting from 1 to 20");
    course_file_free(&course);
    free(xml);
    free(path);
}

static void samples_follow_the_schema(void **state)
{
    (void)state;
    const char *root = getenv("PANYA_SOURCE_ROOT");
    if (!root)
        skip();
    char xsd[4096];
    snprintf(xsd, sizeof xsd, "%s/manifest/course.xsd", root);
    xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr schema = xmlSchemaParse(pctx);
    assert_non_null(schema);
    const char *courses[] = {"ຄະນິດສາດ ປ.3", "ວິທະຍາສາດ ປ.4"};
    for (size_t i = 0; i < 2; i++) {
        char *path = sample_path(courses[i]);
        xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
        assert_non_null(doc);
        xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(schema);
        assert_int_equal(xmlSchemaValidateDoc(vctx, doc), 0);
        xmlSchemaFreeValidCtxt(vctx);
        xmlFreeDoc(doc);
        free(path);
    }
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pctx);
}

static void expect_refused(const char *xml, const char *needle)
{
    course_file course;
    panya_error err = {0};
    assert_int_equal(course_file_read((const uint8_t *)xml, strlen(xml), "panya-course.xml",
                                      &course, &err),
                     -1);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    if (!strstr(err.message, needle))
        fail_msg("'%s' lacks '%s'", err.message, needle);
}

static void bad_course_files_are_refused_with_a_line(void **state)
{
    (void)state;
    expect_refused("<course xmlns=\"urn:panya:course:1\">\n<lesson file=\"../x.mp4\"/>\n</course>",
                   "line 2");
    expect_refused("<course xmlns=\"urn:panya:course:1\">\n<lesson file=\"a.mp4\"/>\n"
                   "<lesson file=\"a.mp4\"/></course>",
                   "listed twice");
    expect_refused("<?xml version=\"1.0\"?>\n<!DOCTYPE c [<!ENTITY x \"y\">]>\n"
                   "<course xmlns=\"urn:panya:course:1\"/>",
                   "DOCTYPE");
    expect_refused("<course>\n<title>no namespace</title></course>", "root element");
    expect_refused("<course xmlns=\"urn:panya:course:1\"><title>no lang</title></course>",
                   "xml:lang");
    expect_refused("<course xmlns=\"urn:panya:course:1\">\n<lesson file=\"a\">", "malformed");
}

static void lesson_names_sort_like_people_number_them(void **state)
{
    (void)state;
    assert_true(lesson_name_compare("2 Rain.mp4", "10 Wind.mp4") < 0);
    assert_true(lesson_name_compare("lesson 9", "lesson 10") < 0);
    assert_true(lesson_name_compare("lesson 010", "lesson 9") > 0);
    assert_true(lesson_name_compare("ບົດ 2", "ບົດ 11") < 0);
    assert_int_equal(lesson_name_compare("same", "same"), 0);
    assert_true(lesson_name_compare("a", "ab") < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_parse_with_lao_titles),
        cmocka_unit_test(samples_follow_the_schema),
        cmocka_unit_test(bad_course_files_are_refused_with_a_line),
        cmocka_unit_test(lesson_names_sort_like_people_number_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
