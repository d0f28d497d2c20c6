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

/* The speech rule: when the settings for the file's sound have one, classifies the track
 * (sound's audio_content and features) and points job at *adjusted with the speech rate for
 * speech. Sets sound's audio_kbps to the sound's nominal rate (0 without sound). */
static int apply_speech_rule(codec_job *job, codec_profile *adjusted, codec_result *sound,
                             panya_error *err)
{
    bool video = job->probe->kind == CODEC_KIND_VIDEO;
    if (!video && job->probe->kind != CODEC_KIND_AUDIO)
        return 0;
    if (video && !job->probe->audio_codec[0])
        return 0;
    const codec_audio_settings *s = video ? &job->profile->video.audio : &job->profile->audio;
    sound->audio_kbps = s->bitrate_kbps;
    if (s->speech_bitrate_kbps <= 0)
        return 0;
    media_audio_features features;
    if (media_audio_classify(job->source_path, job->probe->duration, &features, err) != 0)
        return -1;
    snprintf(sound->audio_content, sizeof sound->audio_content, "%s",
             features.speech ? "speech" : "music");
    sound->audio_low_energy = features.low_energy;
    sound->audio_high_zcr = features.high_zcr;
    if (!features.speech)
        return 0;
    *adjusted = *job->profile;
    codec_audio_settings *a = video ? &adjusted->video.audio : &adjusted->audio;
    a->bitrate_kbps = a->speech_bitrate_kbps;
    a->sample_rate = a->speech_sample_rate;
    sound->audio_kbps = a->bitrate_kbps;
    job->profile = adjusted;
    return 0;
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
    codec_profile adjusted;
    codec_result sound = {0};
    if (apply_speech_rule(&job, &adjusted, &sound, err) != 0)
        return -1;
    if (encoder->transcode(&job, result, err) != 0)
        return -1;
    memcpy(result->audio_content, sound.audio_content, sizeof result->audio_content);
    result->audio_kbps = sound.audio_kbps;
    result->audio_low_energy = sound.audio_low_energy;
    result->audio_high_zcr = sound.audio_high_zcr;
    result->kind = probe.kind;
    codec_encoder_versions(result->encoder_id, sizeof result->encoder_id);
    return 0;
}
