/* panya diff OLD NEW -o PATCH */
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli_output.h"
#include "writer/bundle_patch.h"

static int run_diff(int argc, char **argv);

const panya_command panya_command_diff = {
    .name = "diff",
    .summary = "make a small update patch between two versions of a bundle",
    .help = "usage: panya diff OLD.panya NEW.panya -o PATCH [--quiet]\n"
            "\n"
            "Writes PATCH, which turns OLD into NEW with 'panya patch': it carries the new\n"
            "manifest, index and footer and the objects whose stored bytes OLD lacks; every\n"
            "other byte is copied from OLD. Both bundles are checked first. The format is in\n"
            "docs/PATCH.md.\n"
            "\n"
            "Options:\n"
            "  -o, --output PATCH  the patch to write (required)\n"
            "  -q, --quiet         print nothing but errors\n",
    .run = run_diff,
};

static int run_diff(int argc, char **argv)
{
    const char *first, *second, *output;
    bool quiet;
    int usage = cli_parse_two_inputs_one_output(&panya_command_diff, argc, argv,
                                                "OLD and NEW bundles", "PATCH", &first, &second,
                                                &output, &quiet);
    if (usage != PANYA_EXIT_OK)
        return usage;
    patch_stats stats;
    panya_error err = {0};
    if (bundle_diff(first, second, output, &stats, &err) != 0)
        return cli_report_error(&err);
    if (!quiet) {
        char patch[32], new_size[32];
        cli_format_bytes(stats.patch_size, patch, sizeof patch);
        cli_format_bytes(stats.new_size, new_size, sizeof new_size);
        printf("Wrote %s: %s (%.1f%% of the new bundle's %s)\n", output, patch,
               stats.new_size ? 100.0 * (double)stats.patch_size / (double)stats.new_size : 0.0,
               new_size);
        printf("  %llu objects copied from the old bundle, %llu carried; %llu segments\n",
               (unsigned long long)stats.objects_copied,
               (unsigned long long)stats.objects_carried, (unsigned long long)stats.segments);
    }
    return PANYA_EXIT_OK;
}
