/* panya transcode FILE --profile NAME -o OUT: one file through one profile. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_output.h"
#include "cli/commands.h"
#include "codecs/codecs.h"

static void print_result(const char *out_path, const codec_result *r)
{
    char size[32];
    if (r->codecs[0])
        printf("%s: %s; codecs=\"%s\"\n", out_path, r->mime_type, r->codecs);
    else
        printf("%s: %s\n", out_path, r->mime_type);
    printf("  size: %s (%llu bytes)\n", cli_format_bytes(r->bytes, size, sizeof size),
           (unsigned long long)r->bytes);
    if (r->width > 0)
        printf("  picture: %dx%d\n", r->width, r->height);
    if (r->duration > 0)
        printf("  duration: %.2f s\n  bitrate: %lld kb/s\n", r->duration,
               (long long)(r->bitrate / 1000));
    if (r->ssim >= 0)
        printf("  ssim: %.4f (against the source scaled to %dx%d)\n", r->ssim, r->width,
               r->height);
}

static int run_transcode(int argc, char **argv)
{
    static const struct option options[] = {
        {"profile", required_argument, NULL, 'p'},
        {"profiles", required_argument, NULL, 'P'},
        {"profiles-file", required_argument, NULL, 'P'}, /* the name `panya pack` uses */
        {"output", required_argument, NULL, 'o'},
        {"threads", required_argument, NULL, 't'},
        {"no-ssim", no_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    const char *profile_name = NULL, *profiles_path = NULL, *out_path = NULL;
    int threads = 0;
    unsigned flags = CODEC_MEASURE_SSIM;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        switch (c) {
        case 'p':
            profile_name = optarg;
            break;
        case 'P':
            profiles_path = optarg;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 't': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 256)
                return cli_usage_error(&panya_command_transcode,
                                       "--threads wants a number from 1 to 256, not '%s'", optarg);
            threads = (int)n;
            break;
        }
        case 'n':
            flags &= ~(unsigned)CODEC_MEASURE_SSIM;
            break;
        default:
            return cli_usage_error(&panya_command_transcode, "unknown or incomplete option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(&panya_command_transcode, "give exactly one input FILE");
    if (!profile_name)
        return cli_usage_error(&panya_command_transcode, "--profile NAME is required");
    if (!out_path)
        return cli_usage_error(&panya_command_transcode, "-o OUT is required");
    const char *source = argv[optind];

    panya_error err = {0};
    codec_profile_set set;
    int rc = profiles_path ? codec_profiles_load_file(&set, profiles_path, &err)
                           : codec_profiles_load_default(&set, &err);
    if (rc != 0)
        return cli_report_error(&err);
    const codec_profile *profile = codec_profiles_find(&set, profile_name);
    if (!profile) {
        fprintf(stderr, "panya transcode: no profile '%s'; the profiles are:", profile_name);
        for (size_t i = 0; i < set.count; i++)
            fprintf(stderr, " %s", set.profiles[i].name);
        fprintf(stderr, "\n");
        codec_profiles_free(&set);
        return PANYA_EXIT_USAGE;
    }
    codec_result result;
    rc = codec_transcode_file(source, profile, out_path, threads, flags, &result, &err);
    codec_profiles_free(&set);
    if (rc != 0)
        return cli_report_error(&err);
    print_result(out_path, &result);
    return PANYA_EXIT_OK;
}

const panya_command panya_command_transcode = {
    .name = "transcode",
    .summary = "transcode one media file through one profile",
    .help = "usage: panya transcode FILE --profile NAME -o OUT [options]\n"
            "\n"
            "Transcodes FILE (video, audio or image) through profile NAME and writes OUT:\n"
            "video as MP4 (H.264 + AAC-LC, or AV1 + Opus), audio as Ogg Opus or MP4 AAC-LC,\n"
            "images as WebP, whatever OUT's extension. Prints the output's type, codecs,\n"
            "size, bitrate and SSIM against the source scaled to the output size.\n"
            "\n"
            "Options:\n"
            "  --profile NAME     small, low, modern (built in) or one from --profiles\n"
            "  --profiles-file FILE  a profile file (see docs/PROFILES.md) instead of the\n"
            "                     built-in set (also --profiles FILE)\n"
            "  -o, --output OUT   the file to write (replaced atomically)\n"
            "  --threads N        cores for decoding (default: all); the output is the\n"
            "                     same whatever N is\n"
            "  --no-ssim          skip the quality measurement (faster)\n"
            "\n"
            "Exit status: 0 ok, 1 damaged or unsupported media, 2 usage error or unreadable\n"
            "FILE, 3 OUT could not be written, 5 internal error.\n",
    .run = run_transcode,
};
