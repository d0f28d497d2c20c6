/* manifest/xml_input: hostile XML is refused with the line where the trouble is (review
 * finding 24: a DOCTYPE was reported at "line -1"). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "manifest/bundle_manifest.h"
#include "manifest/xml_input.h"

static const char doctype_on_line_3[] =
    "<?xml version=\"1.0\"?>\n"
    "<!-- a comment -->\n"
    "<!DOCTYPE m [<!ENTITY a \"aaaa\">]>\n"
    "<m>&a;</m>\n";

static void test_doctype_line_in_message(void **state)
{
    (void)state;
    panya_error err = {0};
    xmlDocPtr doc = xml_input_parse((const uint8_t *)doctype_on_line_3,
                                    strlen(doctype_on_line_3), "course.xml", &err);
    assert_null(doc);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    assert_non_null(strstr(err.message, "course.xml: line 3: a DOCTYPE is not allowed"));
    assert_null(strstr(err.message, "line -1"));
}

static void test_doctype_line(void **state)
{
    (void)state;
    const uint8_t *xml = (const uint8_t *)doctype_on_line_3;
    assert_int_equal(xml_input_doctype_line(xml, strlen(doctype_on_line_3)), 3);
    assert_int_equal(xml_input_doctype_line((const uint8_t *)"<a/>", 4), 1);
}

static void test_bundle_manifest_doctype(void **state)
{
    (void)state;
    panya_error err = {0};
    bundle_manifest *m = bundle_manifest_read_xml((const uint8_t *)doctype_on_line_3,
                                                  strlen(doctype_on_line_3), "b.panya (manifest)",
                                                  &err);
    assert_null(m);
    assert_non_null(strstr(err.message, "line 3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doctype_line_in_message),
        cmocka_unit_test(test_doctype_line),
        cmocka_unit_test(test_bundle_manifest_doctype),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
