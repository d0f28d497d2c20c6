/* panya patch OLD PATCH -o NEW */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli_output.h"
#include "packer/bundle_patch.h"

static int run_patch(int argc, char **argv);

const panya_command panya_command_patch = {
    .name = "patch",
    .summary = "apply an update patch to a bundle",
    .help = "usage: panya patch OLD.panya PATCH -o NEW.panya [--quiet]\n"
            "\n"
            "Rebuilds the new bundle from OLD and a PATCH made by 'panya diff'. OLD must be\n"
            "exactly the bundle the patch was made from (checked first: nothing is written\n"
            "otherwise). The result is checked against the new bundle's SHA-256 and every\n"
            "object against its hash before it is written under NEW; an earlier NEW stays\n"
            "untouched on any failure. OLD and NEW may not be the same file.\n"
            "\n"
            "Options:\n"
            "  -o, --output NEW  the bundle to write (required)\n"
            "  -q, --quiet       print nothing but errors\n",
    .run = run_patch,
};

static int run_patch(int argc, char **argv)
{
    const panya_command *cmd = &panya_command_patch;
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    const char *output = NULL;
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:q", options, NULL)) != -1) {
        if (c == 'o')
            output = optarg;
        else if (c == 'q')
            quiet = true;
        else
            return cli_usage_error(cmd, "unknown option");
    }
    if (optind != argc - 2)
        return cli_usage_error(cmd, "expected OLD bundle and PATCH");
    if (!output)
        return cli_usage_error(cmd, "missing -o NEW.panya");
    patch_stats stats;
    panya_error err = {0};
    if (bundle_patch(argv[optind], argv[optind + 1], output, &stats, &err) != 0)
        return cli_report_error(&err);
    if (!quiet) {
        char new_size[32], copied[32];
        cli_format_bytes(stats.new_size, new_size, sizeof new_size);
        cli_format_bytes(stats.copied_bytes, copied, sizeof copied);
        printf("Wrote %s: %s, checked (%s reused from %s)\n", output, new_size, copied,
               argv[optind]);
    }
    return PANYA_EXIT_OK;
}
