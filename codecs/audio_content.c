/* What a sound track holds: speech (narration, a talking head) or music (anything else:
 * music, speech over a music bed, continuous sound). Speech alternates syllables with short
 * pauses and voiced with unvoiced sounds; music is continuous. Two classic features of 20 ms
 * frames within 1 s blocks measure that (Scheirer & Slaney 1997; Lu, Zhang & Jiang 2002):
 * the share of frames below half their block's mean energy, and the share of frames whose
 * zero-crossing rate is above 1.5 times their block's mean. Measured values per test sound
 * are in docs/PROFILES.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>

#include "codecs/media.h"

/* At most ANALYSIS_SECONDS of the track are read: all of a short track, else windows
 * spread evenly over it. */
#define ANALYSIS_SECONDS 60.0
#define ANALYSIS_WINDOWS 6
#define FRAMES_PER_SECOND 50 /* 20 ms frames */
/* Blocks quieter than this mean RMS (about -80 dBFS) are digital silence: not counted. */
#define SILENT_BLOCK_RMS 1e-4

typedef struct content_state {
    int frame_samples;
    double block_rms[FRAMES_PER_SECOND], block_zcr[FRAMES_PER_SECOND];
    int block_frames;
    int64_t frames, low_energy, high_zcr;
} content_state;

static void finish_block(content_state *c)
{
    double mean_rms = 0, mean_zcr = 0;
    for (int i = 0; i < FRAMES_PER_SECOND; i++) {
        mean_rms += c->block_rms[i];
        mean_zcr += c->block_zcr[i];
    }
    mean_rms /= FRAMES_PER_SECOND;
    mean_zcr /= FRAMES_PER_SECOND;
    c->block_frames = 0;
    if (mean_rms < SILENT_BLOCK_RMS)
        return;
    for (int i = 0; i < FRAMES_PER_SECOND; i++) {
        c->low_energy += c->block_rms[i] < 0.5 * mean_rms;
        c->high_zcr += c->block_zcr[i] > 1.5 * mean_zcr;
    }
    c->frames += FRAMES_PER_SECOND;
}

/* One 20 ms frame of planar float samples, mixed down to mono. */
static void add_frame(content_state *c, const AVFrame *f)
{
    int channels = f->ch_layout.nb_channels;
    double energy = 0, previous = 0;
    int crossings = 0;
    for (int i = 0; i < f->nb_samples; i++) {
        double x = 0;
        for (int ch = 0; ch < channels; ch++)
            x += ((const float *)f->extended_data[ch])[i];
        x /= channels;
        energy += x * x;
        crossings += i > 0 && (x < 0) != (previous < 0);
        previous = x;
    }
    c->block_rms[c->block_frames] = sqrt(energy / f->nb_samples);
    c->block_zcr[c->block_frames] = (double)crossings / f->nb_samples;
    if (++c->block_frames == FRAMES_PER_SECOND)
        finish_block(c);
}

static int take_frames(content_state *c, media_filter *filter, AVFrame *frame, panya_error *err)
{
    for (;;) {
        int rc = av_buffersink_get_frame(filter->sink, frame);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INTERNAL, rc, "audio analysis", "filter");
        if (frame->nb_samples == c->frame_samples) /* the short last one is left out */
            add_frame(c, frame);
        av_frame_unref(frame);
    }
}

typedef struct analysis {
    AVFormatContext *in;
    const AVStream *st;
    AVCodecContext *dec;
    AVFrame *frame;
    AVPacket *pkt;
    content_state state;
} analysis;

/* Decodes [start, end) seconds of the track into the features. A fresh filter graph per
 * window: nothing carries over from one window into the next. */
static int analyse_window(analysis *a, double start, double end, panya_error *err)
{
    double tb = av_q2d(a->st->time_base);
    int64_t origin = a->st->start_time != AV_NOPTS_VALUE ? a->st->start_time : 0;
    if (start > 0) {
        int64_t ts = origin + (int64_t)(start / tb);
        if (av_seek_frame(a->in, a->st->index, ts, AVSEEK_FLAG_BACKWARD) >= 0)
            avcodec_flush_buffers(a->dec);
    }
    media_filter filter;
    if (media_filter_open_audio(&filter, a->dec, a->st->time_base, "aformat=sample_fmts=fltp",
                                err) != 0)
        return -1;
    av_buffersink_set_frame_size(filter.sink, (unsigned)a->state.frame_samples);
    a->state.block_frames = 0;
    int rc = 0;
    bool done = false;
    while (rc == 0 && !done) {
        int read = av_read_frame(a->in, a->pkt);
        if (read < 0)
            break; /* end of file, or damage the real encode reports */
        if (a->pkt->stream_index == a->st->index && avcodec_send_packet(a->dec, a->pkt) >= 0) {
            while (rc == 0 && avcodec_receive_frame(a->dec, a->frame) == 0) {
                int64_t pts = a->frame->best_effort_timestamp;
                double at = pts == AV_NOPTS_VALUE ? start : (double)(pts - origin) * tb;
                if (at >= end)
                    done = true;
                /* A frame the graph refuses (the rate or layout changed mid-stream) ends the
                 * window; the real encode decides what such a track is worth. */
                if (at >= start && at < end && av_buffersrc_add_frame(filter.source, a->frame) < 0)
                    done = true;
                av_frame_unref(a->frame);
                if (rc == 0)
                    rc = take_frames(&a->state, &filter, a->frame, err);
            }
        }
        av_packet_unref(a->pkt);
    }
    if (rc == 0 && av_buffersrc_add_frame(filter.source, NULL) >= 0)
        rc = take_frames(&a->state, &filter, a->frame, err);
    media_filter_close(&filter);
    return rc;
}

int media_audio_classify(const char *path, double duration, media_audio_features *features,
                         panya_error *err)
{
    memset(features, 0, sizeof *features);
    analysis a = {0};
    if (media_open_input(&a.in, path, err) != 0)
        return -1;
    int index = av_find_best_stream(a.in, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (index < 0) {
        avformat_close_input(&a.in);
        return 0; /* no sound: nothing to classify */
    }
    for (unsigned i = 0; i < a.in->nb_streams; i++)
        a.in->streams[i]->discard = (int)i == index ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    a.st = a.in->streams[index];
    int rc = media_open_decoder(&a.dec, a.st, 1, 0, path, err);
    a.frame = av_frame_alloc();
    a.pkt = av_packet_alloc();
    if (rc == 0 && (!a.frame || !a.pkt))
        rc = panya_error_oom(err);
    if (rc == 0 && a.dec->sample_rate < FRAMES_PER_SECOND)
        rc = panya_error_set(err, PANYA_ERR_INVALID, "%s: audio stream without a sample rate",
                             path);
    if (rc == 0) {
        a.state.frame_samples = a.dec->sample_rate / FRAMES_PER_SECOND;
        /* A short track, or one of unknown length: its first minute at most. */
        if (duration <= ANALYSIS_SECONDS)
            rc = analyse_window(&a, 0, ANALYSIS_SECONDS, err);
        double window = ANALYSIS_SECONDS / ANALYSIS_WINDOWS;
        for (int i = 0; duration > ANALYSIS_SECONDS && rc == 0 && i < ANALYSIS_WINDOWS; i++) {
            double centre = duration * (2 * i + 1) / (2 * ANALYSIS_WINDOWS);
            rc = analyse_window(&a, centre - window / 2, centre + window / 2, err);
        }
    }
    features->seconds = (double)a.state.frames / FRAMES_PER_SECOND;
    if (a.state.frames > 0) {
        features->low_energy = (double)a.state.low_energy / (double)a.state.frames;
        features->high_zcr = (double)a.state.high_zcr / (double)a.state.frames;
    }
    features->speech = features->low_energy >= MEDIA_SPEECH_LOW_ENERGY &&
                       features->high_zcr >= MEDIA_SPEECH_HIGH_ZCR;
    av_frame_free(&a.frame);
    av_packet_free(&a.pkt);
    avcodec_free_context(&a.dec);
    avformat_close_input(&a.in);
    return rc;
}
