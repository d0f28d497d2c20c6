/* Audio-only files: Opus in Ogg (speech at low bitrates) or AAC-LC in MP4 for old devices. */
#include <stdio.h>
#include <string.h>

#include "codecs/media.h"

static int run(AVFormatContext *in, int index, media_output *out, const codec_audio_settings *s,
               bool mp4, panya_error *err)
{
    media_audio audio;
    if (media_audio_open(&audio, in, index, out, s, err) != 0)
        return -1;
    AVDictionary *opts = NULL;
    if (mp4)
        av_dict_set(&opts, "movflags", "+faststart", 0);
    int rc = media_output_start(out, &opts, err);
    av_dict_free(&opts);
    AVPacket *pkt = av_packet_alloc();
    if (rc == 0 && !pkt)
        rc = panya_error_oom(err);
    while (rc == 0) {
        int read = av_read_frame(in, pkt);
        if (read == AVERROR_EOF)
            break;
        if (read < 0) {
            rc = media_av_error(err, PANYA_ERR_INVALID, read, in->url, "damaged media");
            break;
        }
        if (pkt->stream_index == index)
            rc = media_audio_feed(&audio, pkt, out, err);
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    if (rc == 0)
        rc = media_audio_feed(&audio, NULL, out, err);
    if (rc == 0 && audio.decoded_frames == 0)
        rc = panya_error_set(err, PANYA_ERR_INVALID, "%s: no audio frame decodes", in->url);
    if (rc == 0)
        rc = media_track_verdict(&audio.track, in->url, err);
    media_audio_close(&audio);
    return rc;
}

static int transcode_audio(const codec_job *job, codec_result *result, panya_error *err)
{
    const codec_audio_settings *s = &job->profile->audio;
    bool mp4 = strcmp(s->codec, "aac") == 0;
    AVFormatContext *in = NULL;
    if (media_open_input(&in, job->source_path, err) != 0)
        return -1;
    int index = av_find_best_stream(in, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (index < 0) {
        avformat_close_input(&in);
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: no audio stream", job->source_path);
    }
    media_output out;
    int rc = media_output_open(&out, mp4 ? "ipod" : "ogg", job->output_path, err);
    if (rc == 0)
        rc = run(in, index, &out, s, mp4, err);
    if (rc == 0)
        rc = media_output_commit(&out, err);
    media_output_abort(&out);
    avformat_close_input(&in);
    if (rc != 0)
        return -1;
    if (media_describe_output(job->output_path, result, err) != 0)
        return -1;
    snprintf(result->mime_type, sizeof result->mime_type, mp4 ? "audio/mp4" : "audio/ogg");
    result->width = result->height = 0;
    result->ssim = -1;
    return 0;
}

const codec_encoder codec_audio_encoder = {
    .kind = CODEC_KIND_AUDIO,
    .transcode = transcode_audio,
};
