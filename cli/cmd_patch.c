/* panya patch OLD PATCH -o NEW */
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli_output.h"
#include "cli/json_output.h"
#include "writer/bundle_patch.h"

static int run_patch(int argc, char **argv);

const panya_command panya_command_patch = {
    .name = "patch",
    .summary = "apply an update patch to a bundle",
    .help = "usage: panya patch OLD.panya PATCH -o NEW.panya [-q|-v] [--json]\n"
            "\n"
            "Rebuilds the new bundle from OLD and a PATCH made by 'panya diff'. OLD must be\n"
            "exactly the bundle the patch was made from (checked first: nothing is written\n"
            "otherwise). The result is checked against the new bundle's SHA-256 and every\n"
            "object against its hash before it is written under NEW; an earlier NEW stays\n"
            "untouched on any failure. NEW may not be OLD or PATCH (refused before any work,\n"
            "exit 2).\n"
            "\n"
            "Options:\n"
            "  -o, --output NEW  the bundle to write (required; '-' for standard output)\n"
            "      --json        print the figures as JSON (docs/schemas/patch-stats.schema.json)\n"
            "  -q, --quiet       print nothing but errors\n"
            "  -v, --verbose     also give the patch's make-up (segments, bytes carried)\n",
    .run = run_patch,
};

static int run_patch(int argc, char **argv)
{
    cli_two_inputs args;
    int usage = cli_parse_two_inputs_one_output(&panya_command_patch, argc, argv,
                                                "OLD bundle and PATCH", "NEW.panya", &args);
    if (usage != PANYA_EXIT_OK)
        return usage;
    cli_output_target target;
    int status = cli_output_target_open(&target, args.output);
    if (status != PANYA_EXIT_OK)
        return status;
    patch_stats stats;
    panya_error err = {0};
    if (bundle_patch(args.first, args.second, target.path, &stats, &err) != 0)
        return cli_output_target_finish(&target, cli_report_error(&err));
    FILE *info = target.info;
    if (args.json && cli_json_print(patch_stats_json("patch", &args, &stats)) != 0)
        status = PANYA_EXIT_INTERNAL;
    else if (!args.json && args.verbosity != CLI_QUIET) {
        char new_size[32], copied[32], literal[32];
        cli_format_bytes(stats.new_size, new_size, sizeof new_size);
        cli_format_bytes(stats.copied_bytes, copied, sizeof copied);
        fprintf(info, "Wrote %s: %s, checked (%s reused from %s)\n", args.output, new_size,
                copied, args.first);
        if (args.verbosity == CLI_VERBOSE)
            fprintf(info, "  %llu segments; %s carried by the patch; %llu objects copied, %llu "
                          "carried\n",
                    (unsigned long long)stats.segments,
                    cli_format_bytes(stats.literal_bytes, literal, sizeof literal),
                    (unsigned long long)stats.objects_copied,
                    (unsigned long long)stats.objects_carried);
    }
    return cli_output_target_finish(&target, status);
}
