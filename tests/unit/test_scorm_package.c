/* scorm_validate_package on folders and zips the tests build, and schema validation against
 * the trusted XSDs in ../shared/schemas (skipped when absent). */
#include "scorm_test_util.h"
#include "zip_test_util.h"

#include <errno.h>

#include "sources/scorm_validate.h"

static void write_text(const char *path, const char *text)
{
    char parent[512];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    *slash = '\0';
    char command[600];
    snprintf(command, sizeof command, "mkdir -p '%s'", parent);
    assert_int_equal(system(command), 0);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Validates path; returns the report (caller frees). */
static scorm_report validate(const char *path, const scorm_validate_options *options)
{
    scorm_report report;
    assert_int_equal(scorm_report_init(&report, path), 0);
    panya_error err = {0};
    int status = scorm_validate_package(path, options, &report, &err);
    if (status != 0)
        print_message("error: %s\n", err.message);
    assert_int_equal(status, 0);
    return report;
}

static void folder_package(void **state)
{
    (void)state;
    write_text(path_in("course/imsmanifest.xml"), good12);
    write_text(path_in("course/index.html"), "<p>hi</p>");
    scorm_report report = validate(path_in("course"), NULL);
    assert_int_equal(report.count, 0);
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_CONFORMANT);
    scorm_report_free(&report);

    assert_int_equal(symlink("/etc/passwd", path_in("course/passwd")), 0);
    report = validate(path_in("course"), NULL);
    const scorm_finding *f = find_rule(&report, SCORM_RULE_ENTRY_LINK);
    assert_non_null(f);
    assert_string_equal(f->file, "passwd");
    scorm_report_free(&report);
}

static void zip_package_with_lao_names(void **state)
{
    (void)state;
    char *manifest = edit(good12, "href=\"index.html\"><file href=\"index.html\"/>",
                          "href=\"ບົດ/ໜ້າ.html\"><file href=\"ບົດ/ໜ້າ.html\"/>");
    zip_entry entries[] = {{.name = "imsmanifest.xml", .data = manifest},
                           {.name = "ບົດ/ໜ້າ.html", .data = "<p>ສະບາຍດີ</p>"}};
    write_zip(path_in("lao.zip"), entries, 2);
    scorm_report report = validate(path_in("lao.zip"), NULL);
    assert_int_equal(report.count, 0);
    scorm_report_free(&report);
    free(manifest);
}

static void hostile_zip_entries_are_errors(void **state)
{
    (void)state;
    zip_entry entries[] = {{.name = "imsmanifest.xml", .data = good12},
                           {.name = "index.html", .data = "x"},
                           {.name = "XX/XX/tmp/evil.sh", .data = "rm -rf"},
                           {.name = "shortcut", .link = "../../etc/passwd"},
                           {.name = "cafX.html", .data = "legacy"}};
    write_zip(path_in("hostile.zip"), entries, 5);
    patch_file(path_in("hostile.zip"), "XX/XX/tmp", "../../tmp");
    patch_file(path_in("hostile.zip"), "cafX", "caf\xE9");
    scorm_report report = validate(path_in("hostile.zip"), NULL);
    assert_int_equal(count_rule(&report, SCORM_RULE_ENTRY_UNSAFE_PATH), 1);
    assert_int_equal(count_rule(&report, SCORM_RULE_ENTRY_LINK), 1);
    assert_int_equal(count_rule(&report, SCORM_RULE_ENTRY_NAME_ENCODING), 1);
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_NOT_PLAYABLE);
    /* Nothing was written outside (or inside) any folder. */
    struct stat st;
    assert_int_not_equal(stat("/tmp/evil.sh", &st), 0);
    scorm_report_free(&report);
}

static void zip_bomb_is_a_clear_error(void **state)
{
    (void)state;
    zip_entry entries[] = {{.name = "imsmanifest.xml", .data = good12},
                           {.name = "index.html", .size = 8u << 20}};
    write_zip(path_in("bomb.zip"), entries, 2);
    scorm_report report = validate(path_in("bomb.zip"), NULL);
    const scorm_finding *f = find_rule(&report, SCORM_RULE_ARCHIVE_LIMITS);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "zip bomb"));
    assert_int_equal(report.last_stage, SCORM_STAGE_ARCHIVE);
    scorm_report_free(&report);
}

static void nested_manifest_in_zip(void **state)
{
    (void)state;
    zip_entry entries[] = {{.name = "MyCourse/imsmanifest.xml", .data = good12},
                           {.name = "MyCourse/index.html", .data = "x"}};
    write_zip(path_in("nested.zip"), entries, 2);
    scorm_report report = validate(path_in("nested.zip"), NULL);
    const scorm_finding *f = find_rule(&report, SCORM_RULE_MANIFEST_NOT_AT_ROOT);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "MyCourse/"));
    scorm_report_free(&report);
}

static void empty_non_zip_and_missing(void **state)
{
    (void)state;
    FILE *f = fopen(path_in("empty.zip"), "wb");
    fwrite("PK\005\006\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 1, 22, f);
    fclose(f);
    scorm_report report = validate(path_in("empty.zip"), NULL);
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_NOT_SCORM);
    assert_string_equal(report.not_scorm_kind, "empty");
    scorm_report_free(&report);

    write_text(path_in("notes.zip"), "plain text");
    report = validate(path_in("notes.zip"), NULL);
    assert_int_equal(count_rule(&report, SCORM_RULE_ARCHIVE_UNREADABLE), 1);
    assert_int_equal(report.count, 1);
    scorm_report_free(&report);

    scorm_report_init(&report, "absent");
    panya_error err = {0};
    assert_int_equal(scorm_validate_package(path_in("absent.zip"), NULL, &report, &err), 0);
    assert_int_equal(scorm_report_verdict(&report), SCORM_VERDICT_UNREADABLE);
    const scorm_finding *missing = find_rule(&report, SCORM_RULE_PACKAGE_UNREADABLE);
    assert_non_null(missing);
    /* The report names the package; the message does not repeat its path. */
    assert_null(strstr(missing->message, "absent.zip"));
    assert_non_null(strstr(missing->message, "No such file"));
    scorm_report_free(&report);
}

static void huge_manifest_is_bounded(void **state)
{
    (void)state;
    zip_entry entries[] = {{.name = "imsmanifest.xml", .data = good12},
                           {.name = "index.html", .data = "x"}};
    write_zip(path_in("small.zip"), entries, 2);
    scorm_validate_options options = {.max_manifest_bytes = 100};
    scorm_report report = validate(path_in("small.zip"), &options);
    assert_int_equal(count_rule(&report, SCORM_RULE_MANIFEST_TOO_LARGE), 1);
    scorm_report_free(&report);
}

static void packages_are_found_recursively(void **state)
{
    (void)state;
    write_text(path_in("tree/a/imsmanifest.xml"), good12);
    write_text(path_in("tree/a/inner/imsmanifest.xml"), good12);
    write_text(path_in("tree/b/c.zip"), "x");
    write_text(path_in("tree/b/readme.txt"), "x");
    scorm_files found;
    scorm_files_init(&found);
    panya_error err = {0};
    assert_int_equal(scorm_find_packages(path_in("tree"), &found, &err), 0);
    assert_int_equal(found.count, 2);
    assert_non_null(strstr(found.paths[0], "tree/a"));
    assert_null(strstr(found.paths[0], "inner"));
    assert_non_null(strstr(found.paths[1], "tree/b/c.zip"));
    scorm_files_free(&found);
}

/* ---- trusted schemas ---------------------------------------------------------------------- */

static scorm_schema_set *shared_schemas(void)
{
    const char *shared = getenv("PANYA_SHARED");
    char schemas[512];
    snprintf(schemas, sizeof schemas, "%s/schemas", shared ? shared : "../shared");
    struct stat st;
    if (stat(schemas, &st) != 0)
        return NULL;
    scorm_schema_set *set = NULL;
    panya_error err = {0};
    assert_int_equal(scorm_schema_set_open(&set, schemas, &err), 0);
    return set;
}

static void schemas_accept_good_manifests(void **state)
{
    (void)state;
    scorm_schema_set *set = shared_schemas();
    if (!set)
        skip();
    scorm_report report;
    check(&report, good12, (const char *const[]){"index.html", NULL}, set);
    assert_true(report.schema_checked);
    assert_int_equal(report.count, 0);
    scorm_report_free(&report);
    check(&report, good2004, (const char *const[]){"index.html", NULL}, set);
    for (size_t i = 0; i < report.count; i++)
        print_message("%s\n", report.findings[i].message);
    assert_int_equal(report.count, 0);
    scorm_report_free(&report);
    scorm_schema_set_free(set);
}

static void schemas_report_violations_with_lines(void **state)
{
    (void)state;
    scorm_schema_set *set = shared_schemas();
    if (!set)
        skip();
    char *manifest = edit(good2004, "<title>One</title>", "<title>One</title><colour>red</colour>");
    scorm_report report;
    check(&report, manifest, (const char *const[]){"index.html", NULL}, set);
    const scorm_finding *f = find_rule(&report, SCORM_RULE_SCHEMA_INVALID);
    assert_non_null(f);
    assert_int_equal(f->line, 8);
    assert_non_null(strstr(f->message, "colour"));
    scorm_report_free(&report);
    free(manifest);
    scorm_schema_set_free(set);
}

static void schemas_never_come_from_the_network_or_package(void **state)
{
    (void)state;
    scorm_schema_set *set = NULL;
    panya_error err = {0};
    assert_int_equal(scorm_schema_set_open(&set, dir, &err), -1);
    assert_int_equal(err.code, PANYA_ERR_USAGE);
    /* A manifest pulling an external DTD: nothing is fetched, the parse stays local. */
    char *manifest = edit(good12, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                          "<?xml version=\"1.0\"?>\n<!DOCTYPE manifest SYSTEM "
                          "\"http://192.0.2.1/evil.dtd\">\n");
    scorm_report report;
    check(&report, manifest, (const char *const[]){"index.html", NULL}, NULL);
    assert_int_equal(count_rule(&report, SCORM_RULE_XML_ENTITIES), 1);
    scorm_report_free(&report);
    free(manifest);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folder_package),
        cmocka_unit_test(zip_package_with_lao_names),
        cmocka_unit_test(hostile_zip_entries_are_errors),
        cmocka_unit_test(zip_bomb_is_a_clear_error),
        cmocka_unit_test(nested_manifest_in_zip),
        cmocka_unit_test(empty_non_zip_and_missing),
        cmocka_unit_test(huge_manifest_is_bounded),
        cmocka_unit_test(packages_are_found_recursively),
        cmocka_unit_test(schemas_accept_good_manifests),
        cmocka_unit_test(schemas_report_violations_with_lines),
        cmocka_unit_test(schemas_never_come_from_the_network_or_package),
    };
    return cmocka_run_group_tests(tests, temp_dir_setup, temp_dir_teardown);
}
