/* One test (or more) per rule of the SCORM checker, on small packages built here. */
#include "scorm_test_util.h"

static const char *const index_only[] = {"index.html", NULL};

/* Checks a manifest with index.html, expecting `rule` and no error of any other rule. */
static void expect_only(const char *manifest, const char *const *files, scorm_rule_id rule)
{
    scorm_report report;
    check(&report, manifest, files ? files : index_only, NULL);
    size_t expected_errors = scorm_rules[rule].severity == SCORM_ERROR ? count_rule(&report, rule) : 0;
    if (count_rule(&report, rule) == 0 || report.errors != expected_errors) {
        for (size_t i = 0; i < report.count; i++)
            print_message("finding: [%s] %s\n", scorm_rules[report.findings[i].rule].id,
                          report.findings[i].message);
    }
    assert_true(count_rule(&report, rule) > 0);
    assert_int_equal(report.errors, expected_errors);
    scorm_report_free(&report);
}

static void expect_edit(const char *base, const char *from, const char *to, scorm_rule_id rule)
{
    char *manifest = edit(base, from, to);
    expect_only(manifest, NULL, rule);
    free(manifest);
}

static void good_packages_are_valid(void **state)
{
    (void)state;
    scorm_report report;
    check(&report, good12, index_only, NULL);
    assert_int_equal(report.count, 0);
    assert_string_equal(report.version, "SCORM 1.2");
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_CONFORMANT);
    assert_false(report.schema_checked);
    assert_string_equal(report.schema_note, "none in this test");
    assert_int_equal(report.last_stage, SCORM_STAGE_UNREFERENCED);
    scorm_report_free(&report);

    check(&report, good2004, index_only, NULL);
    assert_int_equal(report.count, 0);
    assert_string_equal(report.version, "SCORM 2004 4th Edition");
    scorm_report_free(&report);
}

static void editions_are_detected(void **state)
{
    (void)state;
    static const char *const versions[][2] = {{"CAM 1.3", "SCORM 2004 2nd Edition"},
                                              {"2004 3rd Edition", "SCORM 2004 3rd Edition"}};
    for (size_t i = 0; i < 2; i++) {
        char *manifest = edit(good2004, "2004 4th Edition", versions[i][0]);
        scorm_report report;
        check(&report, manifest, index_only, NULL);
        assert_string_equal(report.version, versions[i][1]);
        assert_int_equal(report.errors, 0);
        scorm_report_free(&report);
        free(manifest);
    }
}

static void manifest_missing_or_misnamed(void **state)
{
    (void)state;
    static const char *const misnamed[] = {"IMSManifest.xml", "index.html", NULL};
    expect_only(NULL, misnamed, SCORM_RULE_MANIFEST_MISSING);
}

static void manifest_in_subfolder_says_where(void **state)
{
    (void)state;
    static const char *const nested[] = {"course/imsmanifest.xml", "course/index.html", NULL};
    scorm_report report;
    check(&report, NULL, nested, NULL);
    const scorm_finding *f = find_rule(&report, SCORM_RULE_MANIFEST_NOT_AT_ROOT);
    assert_non_null(f);
    assert_string_equal(f->file, "course/imsmanifest.xml");
    assert_non_null(strstr(f->message, "'course/'"));
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_NOT_PLAYABLE);
    scorm_report_free(&report);
}

static void other_formats_are_not_scorm(void **state)
{
    (void)state;
    static const char *const cmi5[] = {"cmi5.xml", "index.html", NULL};
    static const char *const tincan[] = {"tincan.xml", NULL};
    static const char *const h5p[] = {"content/content.json", "h5p.json", NULL};
    static const char *const aicc[] = {"course.au", "course.crs", "course.des", NULL};
    static const char *const plain[] = {"notes.txt", NULL};
    static const char *const empty[] = {NULL};
    static const struct {
        const char *const *files;
        const char *kind;
    } cases[] = {{cmi5, "cmi5"}, {tincan, "xAPI (TinCan)"}, {h5p, "H5P"},
                 {aicc, "AICC"}, {plain, "unknown"},     {empty, "empty"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scorm_report report;
        check(&report, NULL, cases[i].files, NULL);
        assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_NOT_SCORM);
        assert_string_equal(report.not_scorm_kind, cases[i].kind);
        assert_int_equal(report.count, 1);
        assert_int_equal(report.findings[0].rule, SCORM_RULE_NOT_SCORM);
        scorm_report_free(&report);
    }
}

static void malformed_xml_has_line_and_column(void **state)
{
    (void)state;
    char *manifest = edit(good12, "</organization>", "</organisation>");
    scorm_report report;
    check(&report, manifest, index_only, NULL);
    const scorm_finding *f = find_rule(&report, SCORM_RULE_XML_MALFORMED);
    assert_non_null(f);
    assert_int_equal(f->line, 8);
    assert_true(f->column > 0);
    assert_int_equal(report.count, 1);
    assert_int_equal(report.last_stage, SCORM_STAGE_WELL_FORMED);
    scorm_report_free(&report);
    free(manifest);
    expect_only("", NULL, SCORM_RULE_XML_MALFORMED);
    expect_only("\xff\xfe<not utf8", NULL, SCORM_RULE_XML_MALFORMED);
}

static void external_entities_are_never_loaded(void **state)
{
    (void)state;
    char *manifest = edit(good12, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                          "<?xml version=\"1.0\"?>\n<!DOCTYPE manifest [<!ENTITY secret SYSTEM "
                          "\"file:///etc/hostname\">]>\n");
    char *with_use = edit(manifest, "<title>Lesson</title>", "<title>&secret;</title>");
    scorm_report report;
    check(&report, with_use, index_only, NULL);
    assert_true(count_rule(&report, SCORM_RULE_XML_ENTITIES) == 1);
    for (size_t i = 0; i < report.count; i++)
        assert_null(strstr(report.findings[i].message, "localhost"));
    scorm_report_free(&report);
    free(with_use);
    free(manifest);
}

static void billion_laughs_is_refused(void **state)
{
    (void)state;
    char doctype[4096] = "<?xml version=\"1.0\"?>\n<!DOCTYPE manifest [\n<!ENTITY l0 \"lol\">\n";
    for (int i = 1; i < 12; i++) {
        char line[128];
        snprintf(line, sizeof line, "<!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;\">\n",
                 i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        strcat(doctype, line);
    }
    strcat(doctype, "]>\n");
    char *manifest = edit(good12, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", doctype);
    char *bomb = edit(manifest, "identifier=\"org\">", "identifier=\"org\" x=\"&l11;\">");
    scorm_report report;
    check(&report, bomb, index_only, NULL);
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_NOT_PLAYABLE);
    assert_true(count_rule(&report, SCORM_RULE_XML_ENTITIES) + count_rule(&report, SCORM_RULE_XML_MALFORMED) > 0);
    scorm_report_free(&report);
    free(bomb);
    free(manifest);
}

static void root_must_be_a_scorm_manifest(void **state)
{
    (void)state;
    expect_only("<courseStructure xmlns=\"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd\"/>",
                NULL, SCORM_RULE_MANIFEST_ROOT);
    expect_edit(good12, NS12, "http://example.org/not-scorm", SCORM_RULE_MANIFEST_ROOT);

    char *cartridge = edit(good12, NS12, "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1");
    scorm_report report;
    check(&report, cartridge, index_only, NULL);
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_NOT_SCORM);
    scorm_report_free(&report);
    free(cartridge);
}

static void metadata_rules(void **state)
{
    (void)state;
    expect_edit(good12,
                "<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>",
                "", SCORM_RULE_METADATA_MISSING);
    expect_edit(good12, "</metadata>",
                "</metadata><metadata><schema>ADL SCORM</schema></metadata>",
                SCORM_RULE_METADATA_MISSING);
    expect_edit(good12, "ADL SCORM", "IMS Content", SCORM_RULE_METADATA_SCHEMA);
    expect_edit(good12, "<schemaversion>1.2</schemaversion>",
                "<schemaversion>2004 3rd Edition</schemaversion>",
                SCORM_RULE_METADATA_SCHEMAVERSION);
    expect_edit(good2004, "2004 4th Edition", "2004 5th Edition",
                SCORM_RULE_METADATA_SCHEMAVERSION);
    expect_edit(good2004, "<schemaversion>2004 4th Edition</schemaversion>", "",
                SCORM_RULE_METADATA_SCHEMAVERSION);
}

static void referenced_xsds_must_be_present(void **state)
{
    (void)state;
    char *manifest = edit(good12, "version=\"1\"",
                          "version=\"1\" xsi:schemaLocation=\"" NS12 " imscp_rootv1p1p2.xsd\"");
    expect_only(manifest, NULL, SCORM_RULE_XSD_MISSING);
    static const char *const with_xsd[] = {"index.html", "imscp_rootv1p1p2.xsd", NULL};
    scorm_report report;
    check(&report, manifest, with_xsd, NULL);
    assert_int_equal(report.count, 0);
    scorm_report_free(&report);
    free(manifest);
    expect_edit(good12, "version=\"1\"",
                "version=\"1\" xsi:schemaLocation=\"" NS12 " http://example.org/cp.xsd\"",
                SCORM_RULE_XSD_EXTERNAL);
}

static void href_rules(void **state)
{
    (void)state;
    static const struct {
        const char *href;
        scorm_rule_id rule;
    } cases[] = {
        {"http://example.org/lesson.html", SCORM_RULE_HREF_EXTERNAL},
        {"//cdn.example.org/a.html", SCORM_RULE_HREF_EXTERNAL},
        {"/index.html", SCORM_RULE_HREF_ABSOLUTE},
        {"C:/course/index.html", SCORM_RULE_HREF_ABSOLUTE},
        {"content\\index.html", SCORM_RULE_HREF_BACKSLASH},
        {"../index.html", SCORM_RULE_HREF_ESCAPES_ROOT},
        {"a/../../index.html", SCORM_RULE_HREF_ESCAPES_ROOT},
        {"index%2.html", SCORM_RULE_HREF_ENCODING},
        {"index%00.html", SCORM_RULE_HREF_ENCODING},
        {"index%FF.html", SCORM_RULE_HREF_ENCODING},
        {"missing.html", SCORM_RULE_HREF_MISSING_FILE},
        {"INDEX.HTML", SCORM_RULE_HREF_CASE_MISMATCH},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char file[256];
        snprintf(file, sizeof file, "<file href=\"%s\"/>", cases[i].href);
        char *manifest = edit(good12, "<file href=\"index.html\"/>", file);
        char *both = edit(manifest, "<file", "<file href=\"index.html\"/><file");
        print_message("href %s\n", cases[i].href);
        expect_only(both, NULL, cases[i].rule);
        free(both);
        free(manifest);
    }
}

static void hrefs_are_decoded_and_normalised(void **state)
{
    (void)state;
    static const char *const files[] = {"index.html", "My File.html", "ບົດ/ໜ້າ.html", NULL};
    char *manifest = edit(good12, "<file href=\"index.html\"/>",
                          "<file href=\"./sub/../index.html?x=1#top\"/>"
                          "<file href=\"My%20File.html\"/>"
                          "<file href=\"%E0%BA%9A%E0%BA%BB%E0%BA%94/ໜ້າ.html\"/>");
    scorm_report report;
    check(&report, manifest, files, NULL);
    assert_int_equal(report.count, 0);
    scorm_report_free(&report);
    free(manifest);

    char *based = edit(good12, "<resources>", "<resources xml:base=\"content/\">");
    static const char *const content[] = {"content/index.html", NULL};
    check(&report, based, content, NULL);
    assert_int_equal(report.count, 0);
    scorm_report_free(&report);
    free(based);
}

static void identifier_rules(void **state)
{
    (void)state;
    expect_edit(good12, "<item identifier=\"i1\"", "<item", SCORM_RULE_IDENTIFIER_MISSING);
    char *duplicate = edit(good12, "<item identifier=\"i1\"", "<item identifier=\"r1\"");
    scorm_report report;
    check(&report, duplicate, index_only, NULL);
    const scorm_finding *f = find_rule(&report, SCORM_RULE_IDENTIFIER_DUPLICATE);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "line 7"));
    /* Runtimes look identifierrefs up among resources only: it still plays. */
    assert_int_equal(report.errors, 0);
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_PLAYABLE);
    scorm_report_free(&report);
    free(duplicate);
}

static void organization_rules(void **state)
{
    (void)state;
    expect_edit(good12, "default=\"org\"", "default=\"other\"", SCORM_RULE_ORG_DEFAULT);
    expect_edit(good12, " default=\"org\"", "", SCORM_RULE_ORG_DEFAULT);
    expect_edit(good12, "<title>Lesson</title>", "", SCORM_RULE_ORG_TITLE);
    expect_edit(good12, "<title>Lesson</title>", "<title>  </title>", SCORM_RULE_ORG_TITLE);
    char *no_org = edit(good12,
                        "<organizations default=\"org\"><organization identifier=\"org\"><title>Lesson</title>\n"
                        "<item identifier=\"i1\" identifierref=\"r1\"><title>One</title></item>\n"
                        "</organization></organizations>",
                        "<organizations/>");
    expect_only(no_org, NULL, SCORM_RULE_ORG_NONE);
    free(no_org);
    expect_edit(good12,
                "<item identifier=\"i1\" identifierref=\"r1\"><title>One</title></item>\n", "",
                SCORM_RULE_ORG_EMPTY);
}

static void item_rules(void **state)
{
    (void)state;
    expect_edit(good12, "<title>One</title>", "", SCORM_RULE_ITEM_TITLE);
    expect_edit(good12, "<title>One</title></item>",
                "<title>One</title><item identifier=\"i2\" identifierref=\"r1\"><title>Two</title>"
                "</item></item>",
                SCORM_RULE_ITEM_REF_NOT_LEAF);
    /* A label item beside one that launches (alone, nothing would launch: launch-none). */
    expect_edit(good12, "<item identifier=\"i1\"",
                "<item identifier=\"i0\"><title>Label</title></item><item identifier=\"i1\"",
                SCORM_RULE_ITEM_LEAF_NO_REF);
    expect_edit(good12, "identifierref=\"r1\"", "identifierref=\"nowhere\"",
                SCORM_RULE_ITEM_REF_MISSING);
    expect_edit(good12, " href=\"index.html\"><file", "><file", SCORM_RULE_ITEM_REF_NO_HREF);
}

static void scormtype_rules(void **state)
{
    (void)state;
    expect_edit(good12, " adlcp:scormtype=\"sco\"", "", SCORM_RULE_RESOURCE_SCORMTYPE);
    expect_edit(good12, "adlcp:scormtype=\"sco\"", "adlcp:scormtype=\"SCO\"",
                SCORM_RULE_RESOURCE_SCORMTYPE);
    /* 2004 spelling in a 1.2 manifest: the message names the right spelling. */
    char *manifest = edit(good12, "adlcp:scormtype", "adlcp:scormType");
    scorm_report report;
    check(&report, manifest, index_only, NULL);
    const scorm_finding *f = find_rule(&report, SCORM_RULE_RESOURCE_SCORMTYPE);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "adlcp:scormtype"));
    scorm_report_free(&report);
    free(manifest);
    expect_edit(good2004, "adlcp:scormType=\"sco\"", "adlcp:scormType=\"Asset\"",
                SCORM_RULE_RESOURCE_SCORMTYPE);
}

static void launch_file_listing_rules(void **state)
{
    (void)state;
    static const char *const two[] = {"index.html", "other.html", NULL};
    char *unlisted = edit(good12, "<file href=\"index.html\"/>", "<file href=\"other.html\"/>");
    expect_only(unlisted, two, SCORM_RULE_RESOURCE_HREF_NOT_LISTED);
    /* Listed by a resource it depends on: fine. */
    char *dependency = edit(unlisted, "</resource></resources>",
                            "<dependency identifierref=\"common\"/></resource>"
                            "<resource identifier=\"common\" type=\"webcontent\" "
                            "adlcp:scormtype=\"asset\"><file href=\"index.html\"/></resource>"
                            "</resources>");
    scorm_report report;
    check(&report, dependency, two, NULL);
    assert_int_equal(report.count, 0);
    scorm_report_free(&report);
    /* Listed only by an unrelated resource: a warning. */
    char *elsewhere = edit(dependency, "<dependency identifierref=\"common\"/>", "");
    expect_only(elsewhere, two, SCORM_RULE_RESOURCE_HREF_ELSEWHERE);
    free(elsewhere);
    free(dependency);
    free(unlisted);
}

/* A long dependency cycle: every search is bounded, the file lookups stay logarithmic. */
static void hostile_dependency_chain(void **state)
{
    (void)state;
    enum { RESOURCES = 3000 };
    size_t size = 4096 + RESOURCES * 200;
    char *manifest = malloc(size);
    assert_non_null(manifest);
    int used = snprintf(manifest, size,
                        "<manifest identifier=\"m\" xmlns=\"" NS12 "\" "
                        "xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\">"
                        "<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion>"
                        "</metadata><organizations default=\"o\"><organization identifier=\"o\">"
                        "<title>t</title><item identifier=\"i\" identifierref=\"r0\"><title>t"
                        "</title></item></organization></organizations><resources>");
    for (int i = 0; i < RESOURCES; i++)
        used += snprintf(manifest + used, size - (size_t)used,
                         "<resource identifier=\"r%d\" type=\"webcontent\" "
                         "adlcp:scormtype=\"asset\" href=\"index.html\">"
                         "<dependency identifierref=\"r%d\"/></resource>",
                         i, (i + 1) % RESOURCES);
    snprintf(manifest + used, size - (size_t)used, "</resources></manifest>");
    scorm_report report;
    check(&report, manifest, index_only, NULL);
    assert_int_equal(count_rule(&report, SCORM_RULE_RESOURCE_HREF_NOT_LISTED), RESOURCES);
    assert_int_equal(report.deviations, RESOURCES);
    assert_int_equal(report.errors, 0);
    scorm_report_free(&report);
    free(manifest);
}

static void dependency_rules(void **state)
{
    (void)state;
    expect_edit(good12, "<file href=\"index.html\"/>",
                "<file href=\"index.html\"/><dependency identifierref=\"nothing\"/>",
                SCORM_RULE_DEPENDENCY_MISSING);
}

static void sequencing_rules(void **state)
{
    (void)state;
    expect_edit(good2004, "IDRef=\"common\"", "IDRef=\"absent\"", SCORM_RULE_SEQUENCING_IDREF);
    expect_edit(good2004, "attemptLimit=\"3\"", "attemptLimit=\"-1\"",
                SCORM_RULE_SEQUENCING_RANGE);
    expect_edit(good2004, "<imsss:limitConditions attemptLimit=\"3\"/>",
                "<imsss:objectives><imsss:primaryObjective><imsss:minNormalizedMeasure>1.5"
                "</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives>",
                SCORM_RULE_SEQUENCING_RANGE);
    expect_edit(good2004, "<title>One</title>",
                "<title>One</title><adlcp:completionThreshold minProgressMeasure=\"2\"/>",
                SCORM_RULE_SEQUENCING_RANGE);
}

static void unreferenced_files_are_warnings(void **state)
{
    (void)state;
    static const char *const files[] = {"index.html", "stray.png", "adlcp_rootv1p2.xsd",
                                        "common/x.dtd", NULL};
    scorm_report report;
    check(&report, good12, files, NULL);
    assert_int_equal(report.errors, 0);
    assert_int_equal(report.warnings, 1);
    const scorm_finding *f = find_rule(&report, SCORM_RULE_FILE_UNREFERENCED);
    assert_non_null(f);
    assert_string_equal(f->file, "stray.png");
    scorm_report_free(&report);
}

static void report_sorts_errors_first(void **state)
{
    (void)state;
    scorm_report report;
    assert_int_equal(scorm_report_init(&report, "p"), 0);
    scorm_report_add(&report, SCORM_RULE_FILE_UNREFERENCED, "a", 0, 0, "w1");
    scorm_report_add(&report, SCORM_RULE_ITEM_REF_MISSING, "b", 3, 0, "e1");
    scorm_report_add(&report, SCORM_RULE_HREF_CASE_MISMATCH, "c", 0, 0, "w2");
    scorm_report_add(&report, SCORM_RULE_LAUNCH_FILE_MISSING, "d", 4, 0, "e2");
    scorm_report_sort(&report);
    const char *order[] = {"e1", "e2", "w1", "w2"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(report.findings[i].message, order[i]);
    assert_int_equal(report.errors, 2);
    assert_int_equal(report.warnings, 2);
    scorm_report_free(&report);
}

static void rule_ids_are_unique_and_complete(void **state)
{
    (void)state;
    for (int i = 0; i < SCORM_RULE_COUNT; i++) {
        assert_non_null(scorm_rules[i].id);
        assert_non_null(scorm_rules[i].summary);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(scorm_rules[i].id, scorm_rules[k].id);
        /* Errors are exactly the findings that stop a package from playing. */
        assert_int_equal(scorm_rules[i].severity == SCORM_ERROR,
                         scorm_rules[i].impact == SCORM_IMPACT_PLAY);
    }
}

/* The rule table in docs/VALIDATE.md and the rule enum of docs/validate.schema.json list every
 * rule, with its severity and impact: CI configurations are written from them. */
static char *read_doc(const char *name)
{
    const char *root = getenv("PANYA_SOURCE_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/%s", root ? root : "..", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buffer[1 << 20];
    size_t n = fread(buffer, 1, sizeof buffer - 1, f);
    fclose(f);
    buffer[n] = '\0';
    return strdup(buffer);
}

static void docs_list_every_rule(void **state)
{
    (void)state;
    char *table = read_doc("VALIDATE.md");
    char *schema = read_doc("validate.schema.json");
    for (int i = 0; i < SCORM_RULE_COUNT; i++) {
        char row[256], quoted[128];
        snprintf(row, sizeof row, "| `%s` | %s | %s |", scorm_rules[i].id,
                 scorm_severity_name(scorm_rules[i].severity),
                 scorm_impact_name(scorm_rules[i].impact));
        snprintf(quoted, sizeof quoted, "\"%s\"", scorm_rules[i].id);
        if (!strstr(table, row) || !strstr(schema, quoted))
            print_message("rule %s is missing from the docs: %s\n", scorm_rules[i].id, row);
        assert_non_null(strstr(table, row));
        assert_non_null(strstr(schema, quoted));
    }
    free(table);
    free(schema);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_packages_are_valid),
        cmocka_unit_test(editions_are_detected),
        cmocka_unit_test(manifest_missing_or_misnamed),
        cmocka_unit_test(manifest_in_subfolder_says_where),
        cmocka_unit_test(other_formats_are_not_scorm),
        cmocka_unit_test(malformed_xml_has_line_and_column),
        cmocka_unit_test(external_entities_are_never_loaded),
        cmocka_unit_test(billion_laughs_is_refused),
        cmocka_unit_test(root_must_be_a_scorm_manifest),
        cmocka_unit_test(metadata_rules),
        cmocka_unit_test(referenced_xsds_must_be_present),
        cmocka_unit_test(href_rules),
        cmocka_unit_test(hrefs_are_decoded_and_normalised),
        cmocka_unit_test(identifier_rules),
        cmocka_unit_test(organization_rules),
        cmocka_unit_test(item_rules),
        cmocka_unit_test(scormtype_rules),
        cmocka_unit_test(launch_file_listing_rules),
        cmocka_unit_test(dependency_rules),
        cmocka_unit_test(hostile_dependency_chain),
        cmocka_unit_test(sequencing_rules),
        cmocka_unit_test(unreferenced_files_are_warnings),
        cmocka_unit_test(report_sorts_errors_first),
        cmocka_unit_test(rule_ids_are_unique_and_complete),
        cmocka_unit_test(docs_list_every_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
