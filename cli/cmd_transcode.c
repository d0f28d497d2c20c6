/* panya transcode FILE --profile NAME -o OUT: one file through one profile. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_output.h"
#include "cli/commands.h"
#include "cli/json_output.h"
#include "codecs/codecs.h"
#include "common/output_path.h"

static void print_result(FILE *out, const char *out_path, const codec_result *r, bool verbose)
{
    char size[32];
    if (r->codecs[0])
        fprintf(out, "%s: %s; codecs=\"%s\"\n", out_path, r->mime_type, r->codecs);
    else
        fprintf(out, "%s: %s\n", out_path, r->mime_type);
    fprintf(out, "  size: %s (%llu bytes)\n", cli_format_bytes(r->bytes, size, sizeof size),
            (unsigned long long)r->bytes);
    if (r->width > 0)
        fprintf(out, "  picture: %dx%d\n", r->width, r->height);
    if (r->duration > 0)
        fprintf(out, "  duration: %.2f s\n  bitrate: %lld kb/s\n", r->duration,
                (long long)(r->bitrate / 1000));
    if (r->kind == CODEC_KIND_VIDEO && r->target_ssim > 0)
        fprintf(out, "  ssim640: %.4f (target %.2f%s); crf %d, %d encode%s\n", r->ssim,
                r->target_ssim,
                !r->below_target ? " reached"
                : r->at_ceiling  ? ": below target at the ceiling"
                                 : ": below target after one correction",
                r->crf, r->encodes, r->encodes == 1 ? "" : "s");
    else if (r->kind == CODEC_KIND_VIDEO && r->ssim >= 0)
        fprintf(out, "  ssim640: %.4f (output and source scaled to 640 wide)\n", r->ssim);
    else if (r->ssim >= 0)
        fprintf(out, "  ssim: %.4f (against the source scaled to %dx%d)\n", r->ssim, r->width,
                r->height);
    if (r->audio_content[0])
        fprintf(out, "  sound: %s, %d kb/s (low-energy frames %.3f, high-ZCR frames %.3f)\n",
                r->audio_content, r->audio_kbps, r->audio_low_energy, r->audio_high_zcr);
    else if (r->audio_kbps > 0)
        fprintf(out, "  sound: %d kb/s\n", r->audio_kbps);
    if (verbose)
        fprintf(out, "  made with: %s\n", r->encoder_id);
}

/* docs/schemas/transcode.schema.json */
static json_t *result_json(const char *source, const char *profile, const char *out_path,
                           const codec_result *r)
{
    bool video = r->kind == CODEC_KIND_VIDEO;
    bool classified = r->audio_content[0] != '\0';
    return json_pack("{s:o, s:o, s:o, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:b, "
                     "s:b, s:o, s:o, s:o, s:o, s:o, s:s}",
                     "input", cli_json_string(source), "profile", cli_json_string(profile),
                     "output", cli_json_string(out_path), "kind", codec_kind_name(r->kind),
                     "mime", r->mime_type, "codecs", r->codecs, "bytes", (json_int_t)r->bytes,
                     "width", r->width > 0 ? json_integer(r->width) : json_null(), "height",
                     r->height > 0 ? json_integer(r->height) : json_null(), "duration",
                     r->duration > 0 ? json_real(r->duration) : json_null(), "bitrate",
                     r->bitrate > 0 ? json_integer((json_int_t)r->bitrate) : json_null(),
                     "ssim", cli_json_real_or_null(r->ssim), "target_ssim640",
                     r->target_ssim > 0 ? json_real(r->target_ssim) : json_null(),
                     "below_target", r->below_target, "at_ceiling", r->at_ceiling, "crf",
                     video ? json_integer(r->crf) : json_null(), "audio_content",
                     classified ? json_string(r->audio_content) : json_null(), "audio_kbps",
                     r->audio_kbps > 0 ? json_integer(r->audio_kbps) : json_null(),
                     "audio_low_energy", classified ? json_real(r->audio_low_energy) : json_null(),
                     "audio_high_zcr", classified ? json_real(r->audio_high_zcr) : json_null(),
                     "encoder", r->encoder_id);
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
        CLI_JSON_OPTION,
        CLI_QUIET_VERBOSE_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    cli_verbosity verbosity = CLI_NORMAL;
    const char *profile_name = NULL, *profiles_path = NULL, *out_path = NULL;
    int threads = 0;
    unsigned flags = CODEC_MEASURE_SSIM;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &verbosity, &json))
            continue;
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
            return cli_bad_option(&panya_command_transcode, argv);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(&panya_command_transcode, "give exactly one input FILE");
    if (!profile_name)
        return cli_usage_error(&panya_command_transcode, "--profile NAME is required");
    if (!out_path)
        return cli_usage_error(&panya_command_transcode, "-o OUT is required");
    const char *source = argv[optind];
    if (json && panya_output_is_stdout(out_path))
        return cli_usage_error(&panya_command_transcode,
                               "--json and -o - would both write to standard output");
    const char *inputs[] = {source, profiles_path};
    int usage = cli_check_output(out_path, "-o", inputs, 2);
    if (usage != PANYA_EXIT_OK)
        return usage;

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
    cli_output_target target;
    int status = cli_output_target_open(&target, out_path);
    codec_result result;
    if (status == PANYA_EXIT_OK) {
        rc = codec_transcode_file(source, profile, target.path, threads, flags, &result, &err);
        if (rc != 0)
            status = cli_report_error(&err);
        else if (json && cli_json_print(result_json(source, profile_name, out_path, &result)) != 0)
            status = PANYA_EXIT_INTERNAL;
        else if (!json && verbosity != CLI_QUIET)
            print_result(target.info, out_path, &result, verbosity == CLI_VERBOSE);
        status = cli_output_target_finish(&target, status);
    }
    codec_profiles_free(&set);
    return status;
}

const panya_command panya_command_transcode = {
    .name = "transcode",
    .summary = "transcode one media file through one profile",
    .help = "usage: panya transcode FILE --profile NAME -o OUT [options]\n"
            "\n"
            "Transcodes FILE (video, audio or image) through profile NAME and writes OUT:\n"
            "video as MP4 (H.264 + AAC-LC, or AV1 + Opus), audio as Ogg Opus or MP4 AAC-LC,\n"
            "images as WebP, whatever OUT's extension. Prints the output's type, codecs,\n"
            "size, bitrate and SSIM against the source scaled to the output size, and\n"
            "for sound under a profile's speech rule whether it is speech (encoded at the\n"
            "speech rate) or music (docs/PROFILES.md).\n"
            "\n"
            "Options:\n"
            "  --profile NAME     small, low, modern (built in) or one from --profiles\n"
            "  --profiles-file FILE  a profile file (see docs/PROFILES.md) instead of the\n"
            "                     built-in set (also --profiles FILE)\n"
            "  -o, --output OUT   the file to write (replaced atomically; '-' for standard\n"
            "                     output). It may not be FILE itself (exit 2)\n"
            "  --threads N        cores for decoding (default: all); the output is the\n"
            "                     same whatever N is\n"
            "  --no-ssim          skip the quality measurement (faster)\n"
            "  --json             print the result as JSON (docs/schemas/transcode.schema.json)\n"
            "  -q, --quiet        print nothing but errors\n"
            "  -v, --verbose      also print the library versions that made OUT\n"
            "\n"
            "Exit status: 0 ok, 1 damaged or unsupported media, 2 usage error or unreadable\n"
            "FILE, 3 OUT could not be written, 5 internal error.\n",
    .run = run_transcode,
};
