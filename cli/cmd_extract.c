/* panya extract BUNDLE DIR */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli_output.h"
#include "delivery/bundle_extract.h"
#include "delivery/bundle_open.h"

static int run_extract(int argc, char **argv);

const panya_command panya_command_extract = {
    .name = "extract",
    .summary = "recreate a bundle's files in a folder",
    .help = "usage: panya extract BUNDLE DIR [--profile NAME] [--quiet]\n"
            "\n"
            "Recreates the files of BUNDLE below DIR (created if missing; existing files with\n"
            "the same names are replaced). Every file is checked against its hash before it\n"
            "gets its name; damaged files are listed and skipped (exit 1) while the others are\n"
            "written. Nothing is ever written outside DIR, whatever the manifest says.\n"
            "\n"
            "Options:\n"
            "  --profile NAME  which variant of each file to write (default: the first listed)\n"
            "  -q, --quiet     print nothing but errors\n",
    .run = run_extract,
};

static int run_extract(int argc, char **argv)
{
    static const struct option options[] = {
        {"profile", required_argument, NULL, 'p'},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    const char *profile = NULL;
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "q", options, NULL)) != -1) {
        if (c == 'p')
            profile = optarg;
        else if (c == 'q')
            quiet = true;
        else
            return cli_usage_error(&panya_command_extract, "unknown option");
    }
    if (optind != argc - 2)
        return cli_usage_error(&panya_command_extract, "expected BUNDLE and DIR");
    const char *bundle = argv[optind], *dest = argv[optind + 1];
    panya_error err = {0};
    panya_bundle *b = bundle_open_path(bundle, PANYA_OPEN_NO_CACHE, &err);
    if (!b)
        return cli_report_error(&err);
    extract_result result;
    int status = bundle_extract(b, bundle, dest, profile, &result, &err);
    for (size_t i = 0; i < result.failed_count; i++)
        fprintf(stderr, "panya: damaged, not written: %s\n", result.failed[i]);
    if (!quiet && (status == 0 || result.files_written)) {
        char bytes[32];
        printf("Extracted %llu files (%s) into %s\n", (unsigned long long)result.files_written,
               cli_format_bytes(result.bytes_written, bytes, sizeof bytes), dest);
    }
    extract_result_free(&result);
    panya_close(b);
    return status == 0 ? PANYA_EXIT_OK : cli_report_error(&err);
}
