/* codec_transcode_file: probe, pick the encoder for the media kind, describe the result. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <webp/encode.h>

#include "codecs/media.h"

static const codec_encoder *const encoders[] = {
    &codec_video_encoder,
    &codec_audio_encoder,
    &codec_image_encoder,
    NULL,
};

void codec_encoder_versions(char *buf, size_t size)
{
    unsigned lavc = avcodec_version(), lavf = avformat_version(), lavfi = avfilter_version();
    int webp = WebPGetEncoderVersion();
    snprintf(buf, size, "lavc%u.%u.%u lavf%u.%u.%u lavfi%u.%u.%u webp%d.%d.%d",
             lavc >> 16, (lavc >> 8) & 0xff, lavc & 0xff, lavf >> 16, (lavf >> 8) & 0xff,
             lavf & 0xff, lavfi >> 16, (lavfi >> 8) & 0xff, lavfi & 0xff, webp >> 16,
             (webp >> 8) & 0xff, webp & 0xff);
}

int codec_transcode_file(const char *source_path, const codec_profile *profile,
                         const char *output_path, int threads, unsigned flags,
                         codec_result *result, panya_error *err)
{
    memset(result, 0, sizeof *result);
    media_quiet_logs();
    result->ssim = -1;
    codec_probe_info probe;
    if (codec_probe_file(source_path, &probe, err) != 0)
        return -1;
    const codec_encoder *encoder = NULL;
    for (size_t i = 0; encoders[i]; i++)
        if (encoders[i]->kind == probe.kind)
            encoder = encoders[i];
    if (!encoder)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: no video, audio or image stream to transcode", source_path);
    if (threads <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cores > 0 ? (int)cores : 1;
    }
    codec_job job = {
        .source_path = source_path,
        .output_path = output_path,
        .profile = profile,
        .threads = threads,
        .flags = flags,
        .probe = &probe,
    };
    if (encoder->transcode(&job, result, err) != 0)
        return -1;
    result->kind = probe.kind;
    codec_encoder_versions(result->encoder_id, sizeof result->encoder_id);
    return 0;
}
