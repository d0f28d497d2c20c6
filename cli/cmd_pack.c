/* panya pack DIR -o OUT.panya */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_output.h"
#include "packer/bundle_sign.h"
#include "packer/pack_folder.h"

static int run_pack(int argc, char **argv);

const panya_command panya_command_pack = {
    .name = "pack",
    .summary = "pack a folder into a .panya bundle",
    .help =
        "usage: panya pack DIR -o OUT.panya [options]\n"
        "\n"
        "Packs the files below DIR into one bundle: every file named by the SHA-256 of its\n"
        "bytes and stored once, text compressed with zstd (with per-type dictionaries when\n"
        "they help), media stored raw and aligned for streaming. The same input always gives\n"
        "the same bytes. An earlier OUT.panya is replaced only once the new one is complete.\n"
        "\n"
        "Options:\n"
        "  -o, --output FILE      the bundle to write (required)\n"
        "      --profile source   store files unchanged (the default and, for now, only one)\n"
        "      --id ID            pack id (default: the folder's name)\n"
        "      --pack-version V   pack version (default: 1)\n"
        "      --title TEXT       English title (default: the folder's name)\n"
        "      --title-lo TEXT    Lao title\n"
        "      --level N          zstd level for text, 1-22 (default: 19)\n"
        "      --threads N        compression threads (default: one per core)\n"
        "      --no-dictionaries  do not train compression dictionaries\n"
        "      --sign KEY         sign the manifest with this Ed25519 private key (PEM,\n"
        "                         from 'panya keygen')\n"
        "  -q, --quiet            print nothing but errors\n",
    .run = run_pack,
};

static int parse_int(const char *text, int min, int max, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

static void print_summary(const char *out_path, const pack_folder_summary *s)
{
    char in[32], out[32];
    cli_format_bytes(s->input_bytes, in, sizeof in);
    cli_format_bytes(s->bundle.bundle_bytes, out, sizeof out);
    double ratio = s->input_bytes ? 100.0 * (double)s->bundle.bundle_bytes / (double)s->input_bytes
                                  : 0.0;
    printf("Packed %llu files (%s) into %s: %s (%.1f%% of the input)\n",
           (unsigned long long)s->files, in, out_path, out, ratio);
    printf("  %llu objects (%llu duplicate files stored once), %llu compressed, "
           "%llu dictionaries\n",
           (unsigned long long)s->bundle.objects, (unsigned long long)s->bundle.duplicates,
           (unsigned long long)s->bundle.compressed_objects,
           (unsigned long long)s->bundle.dictionaries);
}

static int run_pack(int argc, char **argv)
{
    const panya_command *cmd = &panya_command_pack;
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"profile", required_argument, NULL, 'p'},
        {"id", required_argument, NULL, 'i'},
        {"pack-version", required_argument, NULL, 'V'},
        {"title", required_argument, NULL, 't'},
        {"title-lo", required_argument, NULL, 'L'},
        {"level", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 'j'},
        {"no-dictionaries", no_argument, NULL, 'D'},
        {"sign", required_argument, NULL, 'S'},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    pack_folder_options opts = {0};
    const char *output = NULL, *sign_key = NULL;
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:q", options, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'p':
            if (strcmp(optarg, "source") != 0)
                return cli_usage_error(cmd, "unknown profile '%s' (this version packs files "
                                            "unchanged: --profile source)", optarg);
            break;
        case 'i': opts.id = optarg; break;
        case 'V': opts.version = optarg; break;
        case 't': opts.title = optarg; break;
        case 'L': opts.title_lo = optarg; break;
        case 'l':
            if (parse_int(optarg, 1, 22, &opts.writer.compression_level) != 0)
                return cli_usage_error(cmd, "--level takes a number from 1 to 22");
            break;
        case 'j':
            if (parse_int(optarg, 1, 256, &opts.writer.threads) != 0)
                return cli_usage_error(cmd, "--threads takes a number from 1 to 256");
            break;
        case 'D': opts.writer.no_dictionaries = true; break;
        case 'S': sign_key = optarg; break;
        case 'q': quiet = true; break;
        default: return cli_usage_error(cmd, "unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, "expected one folder to pack");
    if (!output)
        return cli_usage_error(cmd, "missing -o OUT.panya");
    pack_folder_summary summary;
    panya_error err = {0};
    bundle_key *key = NULL;
    char key_id[BUNDLE_KEY_ID_HEX_SIZE] = "";
    if (sign_key && !(key = bundle_key_load_private(sign_key, &err)))
        return cli_report_error(&err);
    if (key)
        bundle_key_id(key, key_id);
    opts.writer.signing_key = key;
    int status = pack_folder(argv[optind], output, &opts, &summary, &err);
    bundle_key_free(key);
    for (size_t i = 0; i < summary.warning_count; i++)
        cli_warn("%s", summary.warnings[i]);
    pack_folder_summary_free(&summary);
    if (status != 0)
        return cli_report_error(&err);
    if (!quiet)
        print_summary(output, &summary);
    if (!quiet && sign_key)
        printf("  signed by key %s\n", key_id);
    return PANYA_EXIT_OK;
}
