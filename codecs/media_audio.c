/* A sound track through decode -> aformat (rate, channels, sample format) -> encode. */
#include <stdio.h>
#include <string.h>

#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>

#include "codecs/media.h"

const char *media_audio_encoder_name(const char *codec)
{
    return strcmp(codec, "opus") == 0 ? "libopus" : "aac";
}

static int open_encoder(media_audio *a, const codec_audio_settings *s, media_output *out,
                        panya_error *err)
{
    const char *name = media_audio_encoder_name(s->codec);
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (!codec)
        return panya_error_set(err, PANYA_ERR_INTERNAL, "libavcodec has no %s encoder", name);
    a->enc = avcodec_alloc_context3(codec);
    if (!a->enc)
        return panya_error_oom(err);
    int channels = a->dec->ch_layout.nb_channels < s->channels ? a->dec->ch_layout.nb_channels
                                                                : s->channels;
    av_channel_layout_default(&a->enc->ch_layout, channels > 0 ? channels : 1);
    /* Opus always runs at its own rate; AAC is never resampled upwards. */
    int rate = s->sample_rate;
    if (codec->id == AV_CODEC_ID_AAC && a->dec->sample_rate > 0 && a->dec->sample_rate < rate)
        rate = a->dec->sample_rate;
    a->enc->sample_rate = rate;
    a->enc->sample_fmt = codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
    a->enc->bit_rate = (int64_t)s->bitrate_kbps * 1000;
    a->enc->time_base = (AVRational){1, rate};
    if (codec->id == AV_CODEC_ID_AAC)
        a->enc->profile = FF_PROFILE_AAC_LOW;
    if (out->ctx->oformat->flags & AVFMT_GLOBALHEADER)
        a->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    a->enc->flags |= AV_CODEC_FLAG_BITEXACT;
    int rc = avcodec_open2(a->enc, codec, NULL);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, a->path, "cannot open audio encoder");
    a->stream = avformat_new_stream(out->ctx, NULL);
    if (!a->stream)
        return panya_error_oom(err);
    rc = avcodec_parameters_from_context(a->stream->codecpar, a->enc);
    if (rc < 0)
        return panya_error_oom(err);
    a->stream->time_base = a->enc->time_base;
    return 0;
}

int media_audio_open(media_audio *a, AVFormatContext *in, int in_index, media_output *out,
                     const codec_audio_settings *settings, panya_error *err)
{
    memset(a, 0, sizeof *a);
    a->in_index = in_index;
    a->path = out->path;
    a->source = in->url;
    a->next_pts = INT64_MIN;
    const AVStream *st = in->streams[in_index];
    if (media_open_decoder(&a->dec, st, 1, 0, in->url, err) != 0)
        return -1;
    media_track_init(&a->track, in, st, "audio");
    if (a->dec->sample_rate <= 0 || a->dec->ch_layout.nb_channels <= 0) {
        media_audio_close(a);
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: audio stream without sample rate "
                               "or channels", in->url);
    }
    if (open_encoder(a, settings, out, err) != 0) {
        media_audio_close(a);
        return -1;
    }
    char layout[64], description[256];
    av_channel_layout_describe(&a->enc->ch_layout, layout, sizeof layout);
    snprintf(description, sizeof description,
             "aresample=%d:async=1,aformat=sample_fmts=%s:sample_rates=%d:channel_layouts=%s",
             a->enc->sample_rate, av_get_sample_fmt_name(a->enc->sample_fmt),
             a->enc->sample_rate, layout);
    a->frame = av_frame_alloc();
    a->filtered = av_frame_alloc();
    a->pkt = av_packet_alloc();
    if (!a->frame || !a->filtered || !a->pkt) {
        media_audio_close(a);
        return panya_error_oom(err);
    }
    if (media_filter_open_audio(&a->filter, a->dec, st->time_base, description, err) != 0) {
        media_audio_close(a);
        return -1;
    }
    if (!(a->enc->codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE))
        av_buffersink_set_frame_size(a->filter.sink, (unsigned)a->enc->frame_size);
    return 0;
}

static int drain_filter(media_audio *a, media_output *out, panya_error *err)
{
    AVRational sink_tb = av_buffersink_get_time_base(a->filter.sink);
    for (;;) {
        int rc = av_buffersink_get_frame(a->filter.sink, a->filtered);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INTERNAL, rc, a->path, "audio filter");
        /* aresample's async mode pads gaps and trims overlaps between spliced sections;
         * whatever is left over must still never go back in time for the muxer. */
        int64_t pts = a->filtered->pts != AV_NOPTS_VALUE
                          ? av_rescale_q(a->filtered->pts, sink_tb, a->enc->time_base)
                          : a->next_pts == INT64_MIN ? 0 : a->next_pts;
        a->filtered->pts = pts < a->next_pts ? a->next_pts : pts;
        a->next_pts = a->filtered->pts + a->filtered->nb_samples;
        rc = media_encode_write(a->enc, a->filtered, a->stream, out, a->pkt, NULL, NULL, err);
        av_frame_unref(a->filtered);
        if (rc != 0)
            return -1;
    }
}

static int drain_decoder(media_audio *a, media_output *out, panya_error *err)
{
    for (;;) {
        int rc = avcodec_receive_frame(a->dec, a->frame);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc == AVERROR_INVALIDDATA) {
            a->track.bad_packets++;
            continue;
        }
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INVALID, rc, a->source, "audio does not decode");
        a->frame->pts = a->frame->best_effort_timestamp;
        a->decoded_frames++;
        media_track_frame(&a->track, a->frame);
        rc = av_buffersrc_add_frame(a->filter.source, a->frame);
        av_frame_unref(a->frame);
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INTERNAL, rc, a->path, "audio filter");
        if (drain_filter(a, out, err) != 0)
            return -1;
    }
}

int media_audio_feed(media_audio *a, const AVPacket *pkt, media_output *out, panya_error *err)
{
    int rc = avcodec_send_packet(a->dec, pkt);
    if (pkt)
        media_track_packet(&a->track, rc >= 0 || rc == AVERROR_EOF);
    if (rc < 0 && rc != AVERROR_EOF && pkt)
        return 0; /* a damaged packet: skip it, keep the rest of the track */
    if (drain_decoder(a, out, err) != 0)
        return -1;
    if (pkt)
        return 0;
    rc = av_buffersrc_add_frame(a->filter.source, NULL);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, a->path, "audio filter");
    if (drain_filter(a, out, err) != 0)
        return -1;
    return media_encode_write(a->enc, NULL, a->stream, out, a->pkt, NULL, NULL, err);
}

void media_audio_close(media_audio *a)
{
    avcodec_free_context(&a->dec);
    avcodec_free_context(&a->enc);
    media_filter_close(&a->filter);
    av_frame_free(&a->frame);
    av_frame_free(&a->filtered);
    av_packet_free(&a->pkt);
}
