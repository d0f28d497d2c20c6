/* panya diff OLD NEW -o PATCH */
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli_output.h"
#include "cli/json_output.h"
#include "writer/bundle_patch.h"

static int run_diff(int argc, char **argv);

const panya_command panya_command_diff = {
    .name = "diff",
    .summary = "make a small update patch between two versions of a bundle",
    .help = "usage: panya diff OLD.panya NEW.panya -o PATCH [-q|-v] [--json]\n"
            "\n"
            "Writes PATCH, which turns OLD into NEW with 'panya patch': it carries the new\n"
            "manifest, index and footer and the objects whose stored bytes OLD lacks; every\n"
            "other byte is copied from OLD. Both bundles are checked first. PATCH may not be\n"
            "OLD or NEW (refused before any work, exit 2). The format is in docs/PATCH.md.\n"
            "\n"
            "Options:\n"
            "  -o, --output PATCH  the patch to write (required; '-' for standard output)\n"
            "      --json          print the figures as JSON (docs/schemas/patch-stats.schema.json)\n"
            "  -q, --quiet         print nothing but errors\n"
            "  -v, --verbose       also give the sizes of both bundles and the bytes copied\n",
    .run = run_diff,
};

static int run_diff(int argc, char **argv)
{
    cli_two_inputs args;
    int usage = cli_parse_two_inputs_one_output(&panya_command_diff, argc, argv,
                                                "OLD and NEW bundles", "PATCH", &args);
    if (usage != PANYA_EXIT_OK)
        return usage;
    cli_output_target target;
    int status = cli_output_target_open(&target, args.output);
    if (status != PANYA_EXIT_OK)
        return status;
    patch_stats stats;
    panya_error err = {0};
    if (bundle_diff(args.first, args.second, target.path, &stats, &err) != 0)
        return cli_output_target_finish(&target, cli_report_error(&err));
    FILE *info = target.info;
    if (args.json && cli_json_print(patch_stats_json("diff", &args, &stats)) != 0)
        status = PANYA_EXIT_INTERNAL;
    else if (!args.json && args.verbosity != CLI_QUIET) {
        char patch[32], new_size[32], old_size[32], copied[32];
        cli_format_bytes(stats.patch_size, patch, sizeof patch);
        cli_format_bytes(stats.new_size, new_size, sizeof new_size);
        fprintf(info, "Wrote %s: %s (%.1f%% of the new bundle's %s)\n", args.output, patch,
                stats.new_size ? 100.0 * (double)stats.patch_size / (double)stats.new_size
                               : 0.0,
                new_size);
        fprintf(info, "  %llu objects copied from the old bundle, %llu carried; %llu segments\n",
                (unsigned long long)stats.objects_copied,
                (unsigned long long)stats.objects_carried, (unsigned long long)stats.segments);
        if (args.verbosity == CLI_VERBOSE)
            fprintf(info, "  old %s (%s), new %s; %s of the new bundle copied from the old\n",
                    args.first, cli_format_bytes(stats.old_size, old_size, sizeof old_size),
                    args.second, cli_format_bytes(stats.copied_bytes, copied, sizeof copied));
    }
    return cli_output_target_finish(&target, status);
}
