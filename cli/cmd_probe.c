/* panya probe FILE...: what each file is (container, codecs, size, duration, bitrate). */
#include <stdio.h>
#include <string.h>

#include "cli/cli_output.h"
#include "cli/commands.h"
#include "codecs/codecs.h"

static void print_info(const char *path, const codec_probe_info *info)
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
}

static int run_probe(int argc, char **argv)
{
    int first = 1;
    if (first < argc && strcmp(argv[first], "--") == 0)
        first++;
    if (first >= argc)
        return cli_usage_error(&panya_command_probe, "no file given");
    for (int i = first; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1] != '\0' && first == 1)
            return cli_usage_error(&panya_command_probe, "unknown option '%s'", argv[i]);
    int status = PANYA_EXIT_OK;
    for (int i = first; i < argc; i++) {
        panya_error err = {0};
        codec_probe_info info;
        if (codec_probe_file(argv[i], &info, &err) != 0) {
            int code = cli_report_error(&err);
            if (code > status)
                status = code;
            continue;
        }
        print_info(argv[i], &info);
    }
    return status;
}

const panya_command panya_command_probe = {
    .name = "probe",
    .summary = "describe media files (container, codecs, size, duration, bitrate)",
    .help = "usage: panya probe FILE...\n"
            "\n"
            "Describes each FILE as panya's transcoder sees it: its kind (video, audio,\n"
            "image or other), container, codecs, picture size, frame rate, rotation,\n"
            "audio channels and rate, duration, bitrate and size.\n"
            "\n"
            "Exit status: 0 when every file could be read, 1 when one is damaged or not\n"
            "media panya can read, 2 when one cannot be opened.\n",
    .run = run_probe,
};
