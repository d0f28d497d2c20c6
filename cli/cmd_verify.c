/* panya verify BUNDLE... */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli_output.h"
#include "delivery/bundle_open.h"
#include "delivery/bundle_verify.h"
#include "writer/bundle_sign.h"

static int run_verify(int argc, char **argv);

const panya_command panya_command_verify = {
    .name = "verify",
    .summary = "check every object of a bundle against its hash",
    .help = "usage: panya verify BUNDLE... [--key PUB] [--quiet]\n"
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
            "  -q, --quiet    print only damage and errors\n",
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

static int verify_one(const char *path, const bundle_key *key, bool quiet)
{
    panya_error err = {0};
    panya_bundle *b = bundle_open_path(path, PANYA_OPEN_NO_CACHE, &err);
    if (!b)
        return cli_report_error(&err);
    char signature[128];
    if (describe_signature(b, path, key, signature, sizeof signature, &err) != 0) {
        panya_close(b);
        return cli_report_error(&err);
    }
    verify_report report;
    int status = bundle_verify(b, path, &report, &err);
    panya_close(b);
    if (status < 0) {
        verify_report_free(&report);
        return cli_report_error(&err);
    }
    if (status == 0) {
        if (!quiet)
            printf("%s: OK (%llu objects, %llu files)%s\n", path,
                   (unsigned long long)report.objects_checked,
                   (unsigned long long)report.files_checked, signature);
        verify_report_free(&report);
        return PANYA_EXIT_OK;
    }
    printf("%s: DAMAGED\n", path);
    if (!report.tables_intact)
        printf("  the index does not match its checksum\n");
    if (!report.manifest_intact)
        printf("  the manifest cannot be read: %s\n", report.manifest_problem);
    else if (!report.path_table_intact)
        printf("  the path table is damaged or disagrees with the manifest\n");
    if (report.objects_damaged)
        printf("  %llu of %llu objects are damaged\n", (unsigned long long)report.objects_damaged,
               (unsigned long long)report.objects_checked);
    for (size_t i = 0; i < report.damaged_file_count; i++)
        printf("  damaged: %s\n", report.damaged_files[i]);
    for (size_t i = 0; i < report.damaged_lesson_count; i++)
        printf("  affects lesson: %s\n", report.damaged_lessons[i]);
    verify_report_free(&report);
    return PANYA_EXIT_INVALID;
}

static int run_verify(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    bool quiet = false;
    const char *key_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:q", options, NULL)) != -1) {
        if (c == 'q')
            quiet = true;
        else if (c == 'k')
            key_path = optarg;
        else
            return cli_usage_error(&panya_command_verify, "unknown option");
    }
    if (optind >= argc)
        return cli_usage_error(&panya_command_verify, "expected at least one BUNDLE");
    panya_error err = {0};
    bundle_key *key = NULL;
    if (key_path && !(key = bundle_key_load_public(key_path, &err)))
        return cli_report_error(&err);
    int worst = PANYA_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        int status = verify_one(argv[i], key, quiet);
        if (status != PANYA_EXIT_OK && (worst == PANYA_EXIT_OK || status > worst))
            worst = status;
    }
    bundle_key_free(key);
    return worst;
}
