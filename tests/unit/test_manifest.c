/* Bundle manifest: model → XML → model round trip (Lao text intact), validation of the
 * written XML against manifest/bundle_manifest.xsd, and rejection of hostile manifests. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "manifest/bundle_manifest.h"

#define LAO_TITLE "ຄະນິດສາດ ປ.3"

static bundle_manifest *sample_manifest(void)
{
    panya_error err = {0};
    bundle_manifest *m = bundle_manifest_new("maths-p3", "2026.11");
    assert_non_null(m);
    assert_int_equal(manifest_titles_add(&m->titles, "lo", LAO_TITLE), 0);
    assert_int_equal(manifest_titles_add(&m->titles, "en", "Maths grade 3 & <more>"), 0);
    manifest_course *course = bundle_manifest_add_course(m, "maths");
    course->grade = strdup("3");
    assert_int_equal(manifest_titles_add(&course->titles, "lo", "ເລກ"), 0);
    manifest_lesson *lesson = manifest_course_add_lesson(course, "maths-1");
    assert_int_equal(manifest_titles_add(&lesson->titles, "lo", "ບົດທີ 1"), 0);
    assert_non_null(manifest_lesson_add_item(lesson, "maths-1-video", "video", "ເລກ/ບົດທີ1.mp4"));
    manifest_item *quiz = manifest_lesson_add_item(lesson, "maths-1-quiz", "h5p", "ເລກ/quiz");
    assert_non_null(quiz);
    assert_int_equal(manifest_item_set_launch(quiz, "ເລກ/quiz/index.html"), 0);
    manifest_file *video = bundle_manifest_add_file(m, "ເລກ/ບົດທີ1.mp4", &err);
    manifest_variant small = {.profile = "small", .mime = "video/mp4",
                              .codecs = "avc1.4D401E,mp4a.40.2", .width = 640, .height = 360,
                              .bitrate = 450000, .duration_ms = 61000, .size = 3400000};
    memset(small.hash, 0xab, sizeof small.hash);
    assert_int_equal(manifest_file_add_variant(video, &small, &err), 0);
    manifest_variant low = small;
    low.profile = "low";
    low.width = 426;
    low.height = 240;
    low.size = 1700000;
    memset(low.hash, 0x01, sizeof low.hash);
    assert_int_equal(manifest_file_add_variant(video, &low, &err), 0);
    manifest_file *page = bundle_manifest_add_file(m, "index.html", &err);
    manifest_variant html = {.profile = "source", .mime = "text/html", .size = 12};
    assert_int_equal(manifest_file_add_variant(page, &html, &err), 0);
    assert_int_equal(bundle_manifest_add_folder(m, "empty/folder", &err), 0);
    assert_int_equal(bundle_manifest_finish(m, &err), 0);
    return m;
}

static void round_trip_keeps_everything(void **state)
{
    (void)state;
    bundle_manifest *m = sample_manifest();
    panya_error err = {0};
    uint8_t *xml, *again;
    size_t len, again_len;
    assert_int_equal(bundle_manifest_write_xml(m, &xml, &len, &err), 0);
    bundle_manifest *back = bundle_manifest_read_xml(xml, len, "test", &err);
    assert_non_null(back);
    assert_string_equal(back->id, "maths-p3");
    assert_string_equal(back->titles.items[0].text, LAO_TITLE);
    assert_string_equal(back->titles.items[1].text, "Maths grade 3 & <more>");
    assert_int_equal(back->course_count, 1);
    assert_string_equal(back->courses[0].grade, "3");
    assert_string_equal(back->courses[0].lessons[0].items[0].path, "ເລກ/ບົດທີ1.mp4");
    assert_null(back->courses[0].lessons[0].items[0].launch);
    assert_string_equal(back->courses[0].lessons[0].items[1].launch, "ເລກ/quiz/index.html");
    const manifest_file *video = bundle_manifest_find_file(back, "ເລກ/ບົດທີ1.mp4");
    assert_non_null(video);
    const manifest_variant *low = manifest_file_variant(video, "low");
    assert_non_null(low);
    assert_int_equal(low->width, 426);
    assert_int_equal(low->size, 1700000);
    assert_string_equal(low->codecs, "avc1.4D401E,mp4a.40.2");
    assert_int_equal(low->hash[31], 0x01);
    assert_int_equal(back->folder_count, 1);
    assert_int_equal(bundle_manifest_write_xml(back, &again, &again_len, &err), 0);
    assert_int_equal(len, again_len);
    assert_memory_equal(xml, again, len); /* deterministic */
    free(xml);
    free(again);
    bundle_manifest_free(back);
    bundle_manifest_free(m);
}

static void written_xml_matches_the_schema(void **state)
{
    (void)state;
    const char *root = getenv("PANYA_SOURCE_ROOT");
    if (!root)
        skip();
    char xsd[4096];
    snprintf(xsd, sizeof xsd, "%s/manifest/bundle_manifest.xsd", root);
    bundle_manifest *m = sample_manifest();
    panya_error err = {0};
    uint8_t *xml;
    size_t len;
    assert_int_equal(bundle_manifest_write_xml(m, &xml, &len, &err), 0);
    xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr schema = xmlSchemaParse(pctx);
    assert_non_null(schema);
    xmlSchemaValidCtxtPtr vctx = xmlSchemaNewValidCtxt(schema);
    xmlDocPtr doc = xmlReadMemory((const char *)xml, (int)len, "manifest.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    assert_int_equal(xmlSchemaValidateDoc(vctx, doc), 0);
    xmlFreeDoc(doc);
    xmlSchemaFreeValidCtxt(vctx);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pctx);
    free(xml);
    bundle_manifest_free(m);
}

static void unsafe_paths_are_refused(void **state)
{
    (void)state;
    assert_true(manifest_path_is_safe("a/b.html"));
    assert_true(manifest_path_is_safe("ບົດຮຽນ/ໜ້າ 1.html"));
    assert_true(manifest_path_is_safe("..hidden/x"));
    assert_false(manifest_path_is_safe("../etc/passwd"));
    assert_false(manifest_path_is_safe("a/../../b"));
    assert_false(manifest_path_is_safe("/etc/passwd"));
    assert_false(manifest_path_is_safe("a//b"));
    assert_false(manifest_path_is_safe("a/./b"));
    assert_false(manifest_path_is_safe("a/"));
    assert_false(manifest_path_is_safe("a\\..\\b"));
    assert_false(manifest_path_is_safe("bad\xff"));
    assert_false(manifest_path_is_safe("line\nbreak"));
    assert_false(manifest_path_is_safe(""));
}

static void expect_rejected(const char *xml, const char *needle)
{
    panya_error err = {0};
    bundle_manifest *m = bundle_manifest_read_xml((const uint8_t *)xml, strlen(xml), "evil.xml",
                                                  &err);
    assert_null(m);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    if (!strstr(err.message, needle))
        fail_msg("message '%s' lacks '%s'", err.message, needle);
}

#define HEAD "<?xml version=\"1.0\"?>\n<bundle xmlns=\"urn:panya:bundle:1\" format=\"1\" id=\"x\" version=\"1\">\n"
#define HASH "0000000000000000000000000000000000000000000000000000000000000000"

static void hostile_manifests_are_refused_with_a_line(void **state)
{
    (void)state;
    expect_rejected(HEAD "<files>\n<file path=\"../../etc/cron.d/x\"><variant profile=\"source\" "
                         "mime=\"text/plain\" size=\"1\" sha256=\"" HASH "\"/></file>\n</files></bundle>",
                    "line 4: unsafe path");
    expect_rejected("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n"
                    "<bundle xmlns=\"urn:panya:bundle:1\" format=\"1\" id=\"&lol2;\" version=\"1\">"
                    "<files/></bundle>",
                    "DOCTYPE");
    expect_rejected(HEAD "<files>\n<file path=\"a\">\n</bundle>", "line 5: malformed XML");
    expect_rejected(HEAD "<files><file path=\"a\"><variant profile=\"source\" mime=\"t\" "
                         "size=\"-1\" sha256=\"" HASH "\"/></file></files></bundle>",
                    "size is not a valid number");
    expect_rejected(HEAD "<files><file path=\"a\"><variant profile=\"source\" mime=\"t\" "
                         "size=\"1\" sha256=\"" HASH "\"/></file><file path=\"a/b\"><variant "
                         "profile=\"source\" mime=\"t\" size=\"1\" sha256=\"" HASH
                         "\"/></file></files></bundle>",
                    "both a file and a folder");
    expect_rejected("<?xml version=\"1.0\"?><bundle xmlns=\"urn:panya:bundle:1\" format=\"2\" "
                    "id=\"x\" version=\"1\"><files/></bundle>",
                    "unsupported manifest format");
    expect_rejected("<?xml version=\"1.0\"?><manifest/>", "root element");
    /* A launch file outside its item would let a player open another lesson's files. */
    expect_rejected(HEAD "<course id=\"c\"><lesson id=\"l\"><item id=\"i\" kind=\"h5p\" "
                         "path=\"quiz\" launch=\"quizzes/index.html\"/></lesson></course>"
                         "<files/></bundle>",
                    "launch file 'quizzes/index.html' is not a file below");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_keeps_everything),
        cmocka_unit_test(written_xml_matches_the_schema),
        cmocka_unit_test(unsafe_paths_are_refused),
        cmocka_unit_test(hostile_manifests_are_refused_with_a_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
