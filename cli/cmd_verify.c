/* panya verify BUNDLE... */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli_output.h"
#include "cli/json_output.h"
#include "delivery/bundle_open.h"
#include "delivery/bundle_verify.h"
#include "writer/bundle_sign.h"

static int run_verify(int argc, char **argv);

const panya_command panya_command_verify = {
    .name = "verify",
    .summary = "check every object of a bundle against its hash",
    .help = "usage: panya verify BUNDLE... [--key PUB] [--json] [-q|-v]\n"
            "\n"
            "Reads every object of each BUNDLE and checks it against its SHA-256, along with\n"
            "the footer, the index and the manifest. Exit 0 when every bundle is whole; on\n"
            "damage, exit 1 and name the damaged files and the lessons they belong to.\n"
            "With --key, each BUNDLE must also carry a valid Ed25519 signature by that key\n"
            "over its manifest (\"signed by KEY-ID\"); an unsigned bundle, another signer or\n"
            "any change to the manifest or an object fails with exit 1.\n"
            "\n"
            "Options:\n"
            "  -k, --key PUB  the public key (PEM, from 'panya keygen') that must have signed\n"
            "      --json     print one JSON document with each bundle's verdict\n"
            "                 (docs/schemas/verify.schema.json)\n"
            "  -q, --quiet    print only damage and errors\n"
            "  -v, --verbose  also say what was checked\n",
    .run = run_verify,
};

/* Describes the signature: checked against `key`, or only named when there is no key.
 * Returns 0, or -1 with err set when a required signature is missing or wrong. */
static int describe_signature(panya_bundle *b, const char *path, const bundle_key *key,
                              char *text, size_t size, panya_error *err)
{
    panya_facts facts;
    panya_get_facts(b, &facts);
    text[0] = '\0';
    if (key) {
        uint8_t public_key[BUNDLE_PUBLIC_KEY_SIZE];
        panya_error_info info;
        bundle_key_public(key, public_key);
        if (panya_check_signature(b, public_key, &info) != PANYA_OK)
            return bundle_error(err, &info, path);
        snprintf(text, size, ", signed by %s", facts.key_id);
        return 0;
    }
    if (facts.is_signed && !facts.key_id[0]) { /* a damaged signature block: say why */
        static const uint8_t no_key[PANYA_PUBLIC_KEY_BYTES];
        panya_error_info info;
        panya_check_signature(b, no_key, &info);
        return bundle_error(err, &info, path);
    }
    if (facts.is_signed)
        snprintf(text, size, ", signature by %s not checked (use --key)", facts.key_id);
    return 0;
}

static json_t *string_list_json(char **items, size_t count)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < count; i++)
        json_array_append_new(list, cli_json_string(items[i]));
    return list;
}

/* One bundle's entry in `verify --json` (docs/schemas/verify.schema.json). */
static json_t *report_json(const char *path, const char *verdict, const verify_report *report,
                           const char *signature, const char *error)
{
    json_t *entry = json_pack("{s:o, s:s}", "bundle", cli_json_string(path), "verdict", verdict);
    if (!entry)
        return NULL;
    if (error)
        json_object_set_new(entry, "error", cli_json_string(error));
    if (report) {
        json_object_set_new(entry, "objects_checked",
                            json_integer((json_int_t)report->objects_checked));
        json_object_set_new(entry, "files_checked",
                            json_integer((json_int_t)report->files_checked));
        json_object_set_new(entry, "objects_damaged",
                            json_integer((json_int_t)report->objects_damaged));
        json_object_set_new(entry, "index_intact", json_boolean(report->tables_intact));
        json_object_set_new(entry, "manifest_intact", json_boolean(report->manifest_intact));
        json_object_set_new(entry, "path_table_intact", json_boolean(report->path_table_intact));
        json_object_set_new(entry, "damaged_files",
                            string_list_json(report->damaged_files, report->damaged_file_count));
        json_object_set_new(entry, "damaged_lessons", string_list_json(report->damaged_lessons,
                                                                       report->damaged_lesson_count));
    }
    if (signature)
        json_object_set_new(entry, "signature", cli_json_string(signature));
    return entry;
}

/* Checks one bundle; prints its verdict (text), or appends it to `results` (JSON). */
static int verify_one(const char *path, const bundle_key *key, cli_verbosity verbosity,
                      json_t *results)
{
    panya_error err = {0};
    panya_bundle *b = bundle_open_path(path, PANYA_OPEN_NO_CACHE, &err);
    char signature[128] = "";
    if (b && describe_signature(b, path, key, signature, sizeof signature, &err) != 0) {
        panya_close(b);
        b = NULL;
    }
    if (!b) {
        if (results)
            json_array_append_new(results, report_json(path, "error", NULL, NULL, err.message));
        return cli_report_error(&err);
    }
    verify_report report;
    int status = bundle_verify(b, path, &report, &err);
    panya_close(b);
    const char *signed_by = signature[0] ? signature + 2 : NULL; /* without ", " */
    if (results)
        json_array_append_new(results, report_json(path, status < 0    ? "error"
                                                         : status == 0 ? "ok"
                                                                       : "damaged",
                                                   status < 0 ? NULL : &report, signed_by,
                                                   status < 0 ? err.message : NULL));
    if (status < 0) {
        verify_report_free(&report);
        return cli_report_error(&err);
    }
    if (status == 0) {
        if (!results && verbosity != CLI_QUIET)
            printf("%s: OK (%llu objects, %llu files)%s\n", path,
                   (unsigned long long)report.objects_checked,
                   (unsigned long long)report.files_checked, signature);
        if (!results && verbosity == CLI_VERBOSE)
            printf("  footer, index, path table and manifest intact; every object matches its "
                   "SHA-256\n");
        verify_report_free(&report);
        return PANYA_EXIT_OK;
    }
    if (!results) {
        printf("%s: DAMAGED\n", path);
        if (!report.tables_intact)
            printf("  the index does not match its checksum\n");
        if (!report.manifest_intact)
            printf("  the manifest cannot be read: %s\n", report.manifest_problem);
        else if (!report.path_table_intact)
            printf("  the path table is damaged or disagrees with the manifest\n");
        if (report.objects_damaged)
            printf("  %llu of %llu objects are damaged\n",
                   (unsigned long long)report.objects_damaged,
                   (unsigned long long)report.objects_checked);
        for (size_t i = 0; i < report.damaged_file_count; i++)
            printf("  damaged: %s\n", report.damaged_files[i]);
        for (size_t i = 0; i < report.damaged_lesson_count; i++)
            printf("  affects lesson: %s\n", report.damaged_lessons[i]);
    }
    verify_report_free(&report);
    return PANYA_EXIT_INVALID;
}

static int run_verify(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'},
        CLI_JSON_OPTION,
        CLI_QUIET_VERBOSE_OPTIONS,
        {0},
    };
    cli_verbosity verbosity = CLI_NORMAL;
    bool json = false;
    const char *key_path = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "k:qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &verbosity, &json))
            continue;
        if (c != 'k')
            return cli_bad_option(&panya_command_verify, argv);
        key_path = optarg;
    }
    if (optind >= argc)
        return cli_usage_error(&panya_command_verify, "expected at least one BUNDLE");
    panya_error err = {0};
    bundle_key *key = NULL;
    if (key_path && !(key = bundle_key_load_public(key_path, &err)))
        return cli_report_error(&err);
    json_t *results = json ? json_array() : NULL;
    int worst = PANYA_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        int status = verify_one(argv[i], key, verbosity, results);
        if (status != PANYA_EXIT_OK && (worst == PANYA_EXIT_OK || status > worst))
            worst = status;
    }
    bundle_key_free(key);
    if (json && cli_json_print(json_pack("{s:o}", "bundles", results)) != 0)
        worst = PANYA_EXIT_INTERNAL;
    return worst;
}
