/* panya patch OLD PATCH -o NEW */
#include <stdbool.h>
#include <stdio.h>

#include "cli/cli_output.h"
#include "writer/bundle_patch.h"

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
    const char *first, *second, *output;
    bool quiet;
    int usage = cli_parse_two_inputs_one_output(&panya_command_patch, argc, argv,
                                                "OLD bundle and PATCH", "NEW.panya", &first,
                                                &second, &output, &quiet);
    if (usage != PANYA_EXIT_OK)
        return usage;
    patch_stats stats;
    panya_error err = {0};
    if (bundle_patch(first, second, output, &stats, &err) != 0)
        return cli_report_error(&err);
    if (!quiet) {
        char new_size[32], copied[32];
        cli_format_bytes(stats.new_size, new_size, sizeof new_size);
        cli_format_bytes(stats.copied_bytes, copied, sizeof copied);
        printf("Wrote %s: %s, checked (%s reused from %s)\n", output, new_size, copied,
               first);
    }
    return PANYA_EXIT_OK;
}
