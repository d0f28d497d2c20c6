/* panya verify BUNDLE... */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli_output.h"
#include "packer/bundle_verify.h"

static int run_verify(int argc, char **argv);

const panya_command panya_command_verify = {
    .name = "verify",
    .summary = "check every object of a bundle against its hash",
    .help = "usage: panya verify BUNDLE... [--quiet]\n"
            "\n"
            "Reads every object of each BUNDLE and checks it against its SHA-256, along with\n"
            "the footer, the index and the manifest. Exit 0 when every bundle is whole; on\n"
            "damage, exit 1 and name the damaged files and the lessons they belong to.\n"
            "\n"
            "Options:\n"
            "  -q, --quiet  print only damage and errors\n",
    .run = run_verify,
};

static int verify_one(const char *path, bool quiet)
{
    panya_error err = {0};
    bundle_reader *r = bundle_reader_open(path, &err);
    if (!r)
        return cli_report_error(&err);
    verify_report report;
    int status = bundle_verify(r, path, &report, &err);
    bundle_reader_close(r);
    if (status < 0) {
        verify_report_free(&report);
        return cli_report_error(&err);
    }
    if (status == 0) {
        if (!quiet)
            printf("%s: OK (%llu objects, %llu files)\n", path,
                   (unsigned long long)report.objects_checked,
                   (unsigned long long)report.files_checked);
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
    static const struct option options[] = {{"quiet", no_argument, NULL, 'q'}, {0}};
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "q", options, NULL)) != -1) {
        if (c != 'q')
            return cli_usage_error(&panya_command_verify, "unknown option");
        quiet = true;
    }
    if (optind >= argc)
        return cli_usage_error(&panya_command_verify, "expected at least one BUNDLE");
    int worst = PANYA_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        int status = verify_one(argv[i], quiet);
        if (status != PANYA_EXIT_OK && (worst == PANYA_EXIT_OK || status > worst))
            worst = status;
    }
    return worst;
}
