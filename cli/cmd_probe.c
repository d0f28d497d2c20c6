/* panya probe FILE...: what each file is (container, codecs, size, duration, bitrate). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_output.h"
#include "cli/commands.h"
#include "cli/json_output.h"
#include "codecs/codecs.h"

static void print_info(const char *path, const codec_probe_info *info, bool verbose)
{
    char size[32];
    printf("%s: %s\n", path, codec_kind_name(info->kind));
    printf("  container: %s\n", info->container);
    if (info->video_codec[0]) {
        printf("  video: %s%s%s%s %dx%d %s", info->video_codec, info->video_profile[0] ? " (" : "",
               info->video_profile, info->video_profile[0] ? ")" : "", info->width,
               info->height, info->pixel_format);
        if (info->fps > 0)
            printf(" %.3g fps", info->fps);
        if (info->rotation)
            printf(" rotated %d°", info->rotation);
        printf("\n");
    }
    if (info->audio_codec[0])
        printf("  audio: %s %d ch %d Hz\n", info->audio_codec, info->channels, info->sample_rate);
    if (info->duration > 0)
        printf("  duration: %.2f s\n", info->duration);
    if (info->bitrate > 0)
        printf("  bitrate: %lld kb/s\n", (long long)(info->bitrate / 1000));
    printf("  size: %s (%llu bytes)\n",
           cli_format_bytes(info->file_size, size, sizeof size),
           (unsigned long long)info->file_size);
    if (verbose) {
        char versions[256];
        codec_encoder_versions(versions, sizeof versions);
        printf("  read with: %s\n", versions);
    }
}

/* One file's entry in `probe --json` (docs/schemas/probe.schema.json). */
static json_t *info_json(const char *path, const codec_probe_info *info)
{
    json_t *entry = json_pack("{s:o, s:s, s:s, s:I}", "file", cli_json_string(path), "kind",
                              codec_kind_name(info->kind), "container", info->container,
                              "bytes", (json_int_t)info->file_size);
    if (!entry)
        return NULL;
    if (info->video_codec[0])
        json_object_set_new(entry, "video",
                            json_pack("{s:s, s:s, s:i, s:i, s:s, s:o, s:i}", "codec",
                                      info->video_codec, "profile", info->video_profile,
                                      "width", info->width, "height", info->height,
                                      "pixel_format", info->pixel_format, "fps",
                                      info->fps > 0 ? json_real(info->fps) : json_null(),
                                      "rotation", info->rotation));
    if (info->audio_codec[0])
        json_object_set_new(entry, "audio", json_pack("{s:s, s:i, s:i}", "codec",
                                                      info->audio_codec, "channels",
                                                      info->channels, "sample_rate",
                                                      info->sample_rate));
    json_object_set_new(entry, "duration",
                        info->duration > 0 ? json_real(info->duration) : json_null());
    json_object_set_new(entry, "bitrate",
                        info->bitrate > 0 ? json_integer((json_int_t)info->bitrate) : json_null());
    return entry;
}

static int run_probe(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_JSON_OPTION,
        CLI_QUIET_VERBOSE_OPTIONS,
        {0},
    };
    cli_verbosity verbosity = CLI_NORMAL;
    bool json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qv", options, NULL)) != -1) {
        if (!cli_shared_option(c, &verbosity, &json))
            return cli_bad_option(&panya_command_probe, argv);
    }
    if (optind >= argc)
        return cli_usage_error(&panya_command_probe, "no file given");
    json_t *files = json ? json_array() : NULL;
    int status = PANYA_EXIT_OK;
    for (int i = optind; i < argc; i++) {
        panya_error err = {0};
        codec_probe_info info;
        if (codec_probe_file(argv[i], &info, &err) != 0) {
            int code = cli_report_error(&err);
            if (code > status)
                status = code;
            if (files)
                json_array_append_new(files, json_pack("{s:o, s:o}", "file",
                                                       cli_json_string(argv[i]), "error",
                                                       cli_json_string(err.message)));
            continue;
        }
        if (files)
            json_array_append_new(files, info_json(argv[i], &info));
        else if (verbosity != CLI_QUIET)
            print_info(argv[i], &info, verbosity == CLI_VERBOSE);
    }
    if (json && cli_json_print(json_pack("{s:o}", "files", files)) != 0)
        status = PANYA_EXIT_INTERNAL;
    return status;
}

const panya_command panya_command_probe = {
    .name = "probe",
    .summary = "describe media files (container, codecs, size, duration, bitrate)",
    .help = "usage: panya probe FILE... [--json] [-q|-v]\n"
            "\n"
            "Describes each FILE as panya's transcoder sees it: its kind (video, audio,\n"
            "image or other), container, codecs, picture size, frame rate, rotation,\n"
            "audio channels and rate, duration, bitrate and size.\n"
            "\n"
            "Options:\n"
            "  --json         one JSON document for all files (docs/schemas/probe.schema.json)\n"
            "  -q, --quiet    print only errors: the exit status says whether all are readable\n"
            "  -v, --verbose  also give the library versions that read the files\n"
            "\n"
            "Exit status: 0 when every file could be read, 1 when one is damaged or not\n"
            "media panya can read, 2 when one cannot be opened.\n",
    .run = run_probe,
};
