/* Video: decode -> fps cap, rotation, scale, yuv420p -> H.264 (x264) or AV1 (SVT-AV1) in a
 * faststart MP4, with the sound track through media_audio. With a quality target, a first
 * pass keeps samples for the CRF search (video_target.c, driven by video_clip.c) and every
 * encode is measured (ssim640, video_check.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>

#include "codecs/video_internal.h"
#include "codecs/video_level.h"

/* Encoder threads per video, never the core count (see video_open_encoder). */
#define VIDEO_ENCODER_THREADS 1

/* Fits the display size into the profile's box (in either orientation), never upscaling,
 * keeping the aspect ratio, with even sides as 4:2:0 needs. */
static void plan_size(const codec_video_settings *s, double display_w, double display_h,
                      video_plan *plan)
{
    double box_long = s->max_width > s->max_height ? s->max_width : s->max_height;
    double box_short = s->max_width > s->max_height ? s->max_height : s->max_width;
    double box_w = display_w >= display_h ? box_long : box_short;
    double box_h = display_w >= display_h ? box_short : box_long;
    double scale = fmin(1.0, fmin(box_w / display_w, box_h / display_h));
    int w = (int)floor(display_w * scale + 0.5) & ~1;
    int h = (int)floor(display_h * scale + 0.5) & ~1;
    if (w > (int)display_w)
        w = (int)display_w & ~1;
    if (h > (int)display_h)
        h = (int)display_h & ~1;
    plan->width = w < 2 ? 2 : w;
    plan->height = h < 2 ? 2 : h;
}

/* A constant-rate source within the cap keeps its frames and timestamps. Faster ones,
 * variable ones (screen recordings tag 1000/1) and unknown ones are resampled to a
 * constant rate: the source's average within the cap, or the cap. */
static void plan_fps(const codec_video_settings *s, const AVStream *st, video_plan *plan)
{
    AVRational avg = st->avg_frame_rate, tag = st->r_frame_rate;
    bool avg_known = avg.num > 0 && avg.den > 0, tag_known = tag.num > 0 && tag.den > 0;
    double rate = avg_known ? av_q2d(avg) : tag_known ? av_q2d(tag) : 0;
    /* Muxers that leave the last frame without a duration make the average drift a little
     * from the tag; a real variable rate (or a 1000/1 tag) is far from it. */
    bool constant = avg_known && tag_known &&
                    fabs(av_q2d(avg) - av_q2d(tag)) < 0.05 * av_q2d(tag);
    plan->resample = !constant || rate > s->max_fps + 0.01;
    if (rate <= 0 || rate > s->max_fps + 0.01)
        plan->fps = av_d2q(s->max_fps, 1001000);
    else
        plan->fps = constant ? tag : av_d2q(rate, 1001000);
}

/* with_ref adds the 640-wide [ref] output; sampling leaves out the frame-rate filter (the
 * sample pass skips most of the clip and drops frames itself). */
static void plan_video(const codec_video_settings *s, const AVStream *st,
                       const AVCodecContext *dec, int rotation, bool with_ref, bool sampling,
                       video_plan *plan)
{
    double w = dec->width, h = dec->height;
    if (dec->sample_aspect_ratio.num > 0 && dec->sample_aspect_ratio.den > 0)
        w *= av_q2d(dec->sample_aspect_ratio);
    bool quarter_turn = rotation == 90 || rotation == 270;
    plan_size(s, quarter_turn ? h : w, quarter_turn ? w : h, plan);
    plan_fps(s, st, plan);
    plan->gop = (int)lround(s->keyframe_seconds * av_q2d(plan->fps));
    if (plan->gop < 1)
        plan->gop = 1;
    plan->level = video_h264_level(plan->width, plan->height, av_q2d(plan->fps),
                                   s->maxrate_kbps);
    const char *turn = rotation == 90    ? "transpose=clock,"
                       : rotation == 180 ? "hflip,vflip,"
                       : rotation == 270 ? "transpose=cclock,"
                                         : "";
    char fps[64] = "";
    if (plan->resample && !sampling) /* eof_action=pass keeps the last frame */
        snprintf(fps, sizeof fps, "fps=fps=%d/%d:eof_action=pass,", plan->fps.num,
                 plan->fps.den);
    plan->ref_width = 640;
    plan->ref_height = 640 * plan->height / plan->width / 2 * 2;
    if (plan->ref_height < 2)
        plan->ref_height = 2;
    /* With a reference ([ref], for ssim640) the frame is split before it is scaled. */
    char scale[128];
    snprintf(scale, sizeof scale, "scale=w=%d:h=%d:flags=lanczos+accurate_rnd,format=yuv420p,setsar=1",
             plan->width, plan->height);
    if (with_ref)
        snprintf(plan->filter, sizeof plan->filter,
                 "[in]%s%ssplit[e][r];[e]%s[out];[r]scale=w=%d:h=%d:flags=bicubic,"
                 "format=yuv420p,setsar=1[ref]",
                 fps, turn, scale, plan->ref_width, plan->ref_height);
    else
        snprintf(plan->filter, sizeof plan->filter, "[in]%s%s%s[out]", fps, turn, scale);
}

int video_open_encoder(AVCodecContext **encp, const codec_video_settings *s,
                       const video_plan *plan, AVRational time_base, int crf,
                       const char *preset, bool global_header, const char *path,
                       panya_error *err)
{
    bool av1 = strcmp(s->codec, "av1") == 0;
    const char *name = av1 ? "libsvtav1" : "libx264";
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (!codec)
        return panya_error_set(err, PANYA_ERR_INTERNAL, "libavcodec has no %s encoder", name);
    AVCodecContext *enc = avcodec_alloc_context3(codec);
    *encp = enc;
    if (!enc)
        return panya_error_oom(err);
    enc->width = plan->width;
    enc->height = plan->height;
    enc->pix_fmt = AV_PIX_FMT_YUV420P;
    enc->sample_aspect_ratio = (AVRational){1, 1};
    enc->framerate = plan->fps;
    enc->time_base = time_base;
    enc->gop_size = plan->gop;
    enc->color_range = AVCOL_RANGE_MPEG;
    enc->rc_max_rate = (int64_t)s->maxrate_kbps * 1000;
    enc->rc_buffer_size = s->bufsize_kbps * 1000;
    /* One encoder thread: x264's frame threads under a VBV and SVT-AV1 with lp > 1 give
     * different bytes from run to run, and any count taken from the machine would make
     * the output depend on it. The same input gives the same bytes anywhere; packs get
     * their parallelism from encoding several files at once. */
    enc->thread_count = VIDEO_ENCODER_THREADS;
    enc->flags |= AV_CODEC_FLAG_BITEXACT;
    if (global_header)
        enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary *opts = NULL;
    char value[64];
    snprintf(value, sizeof value, "%d", crf);
    av_dict_set(&opts, "crf", value, 0);
    av_dict_set(&opts, "preset", preset, 0);
    if (av1) {
        /* SVT-AV1 takes its thread budget as logical processors. */
        snprintf(value, sizeof value, "lp=%d", VIDEO_ENCODER_THREADS);
        av_dict_set(&opts, "svtav1-params", value, 0);
    } else {
        av_dict_set(&opts, "profile", s->profile, 0);
        /* x264's CPU-specific routines (the macroblock tree's among them) read memory they
         * never wrote: a 480x270 clip gave other bytes in each process (MALLOC_PERTURB_ shows
         * it, the ffmpeg tool too). cpu-independent picks the routines that give the same
         * result on any CPU; turning the macroblock tree off instead cost 0.014 to 0.032
         * ssim640 at the same bytes. */
        av_dict_set(&opts, "x264-params", "cpu-independent=1", 0);
        enc->level = plan->level;
    }
    int rc = avcodec_open2(enc, codec, &opts);
    av_dict_free(&opts);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, path,
                              "cannot open the video encoder");
    return 0;
}

/* One run over the source: PASS_SAMPLE decodes and filters it to keep samples for the CRF
 * search; PASS_ENCODE writes the MP4 at one CRF. */
typedef enum video_pass_kind { PASS_SAMPLE, PASS_ENCODE } video_pass_kind;

typedef struct video_pass {
    const codec_job *job;
    video_pass_kind kind;
    int crf;
    bool measure; /* ssim640 of the encode (and [ref] frames from the filter) */
    AVFormatContext *in;
    int video_index, audio_index;
    AVCodecContext *dec, *enc;
    media_filter filter;
    video_plan plan;
    media_output out;
    AVStream *stream;
    media_audio audio;
    bool has_audio;
    AVFrame *frame, *filtered, *ref;
    AVPacket *pkt;
    int64_t next_pts;
    int64_t decoded_frames;
    uint64_t video_bytes;
    video_check check;
    media_track track;
    video_samples *samples;
    double sampled_until; /* the sample pass keeps no frame before this (seconds) */
    bool seeked_to_window;
    double last_seek_window; /* the window the last seek aimed at: each is sought once */
} video_pass;

static int count_packet(void *opaque, const AVPacket *pkt, panya_error *err)
{
    video_pass *v = opaque;
    v->video_bytes += (uint64_t)pkt->size;
    return v->measure ? video_check_packet(&v->check, pkt, err) : 0;
}

/* Takes what the filter graph has ready: each frame (with its reference) is kept as a
 * sample or encoded. */
static int take_filtered(video_pass *v, panya_error *err)
{
    AVRational sink_tb = av_buffersink_get_time_base(v->filter.sink);
    AVRational tb = v->enc ? v->enc->time_base : sink_tb;
    for (;;) {
        int rc = av_buffersink_get_frame(v->filter.sink, v->filtered);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc >= 0 && v->filter.ref_sink)
            rc = av_buffersink_get_frame(v->filter.ref_sink, v->ref);
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INTERNAL, rc, v->job->source_path,
                                  "video filter");
        v->filtered->pts = av_rescale_q(v->filtered->pts, sink_tb, tb);
        v->filtered->pict_type = AV_PICTURE_TYPE_NONE;
        if (v->filter.ref_sink)
            v->ref->pts = v->filtered->pts;
        if (v->kind == PASS_SAMPLE) {
            /* Frames at the planned rate, as the fps filter of the encode would keep. */
            double at = (double)v->filtered->pts * av_q2d(tb);
            if (video_samples_wanted(at, v->job->probe->duration) &&
                at >= v->sampled_until - 0.25 / av_q2d(v->plan.fps)) {
                rc = video_samples_add(v->samples, v->filtered, v->ref, err);
                v->sampled_until = at + 1 / av_q2d(v->plan.fps);
            }
        } else {
            if (v->measure)
                rc = video_check_push_ref(&v->check, v->ref, err);
            if (rc == 0)
                rc = media_encode_write(v->enc, v->filtered, v->stream, &v->out, v->pkt,
                                        count_packet, v, err);
        }
        av_frame_unref(v->filtered);
        av_frame_unref(v->ref);
        if (rc != 0)
            return -1;
    }
}

static bool sample_wanted(const video_pass *v)
{
    AVRational tb = v->in->streams[v->video_index]->time_base;
    return video_samples_wanted((double)v->frame->pts * av_q2d(tb), v->job->probe->duration);
}

static int decode_video(video_pass *v, const AVPacket *pkt, panya_error *err)
{
    int rc = avcodec_send_packet(v->dec, pkt);
    if (pkt)
        media_track_packet(&v->track, rc >= 0 || rc == AVERROR_EOF);
    if (rc < 0 && rc != AVERROR_EOF && pkt)
        return 0; /* a damaged packet: skip it, as players do (counted in track) */
    for (;;) {
        rc = avcodec_receive_frame(v->dec, v->frame);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc == AVERROR_INVALIDDATA) {
            v->track.bad_packets++;
            continue;
        }
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INVALID, rc, v->job->source_path,
                                  "video does not decode");
        media_track_frame(&v->track, v->frame);
        if (v->frame->width != v->dec->width || v->frame->height != v->dec->height ||
            v->frame->format != v->dec->pix_fmt) {
            av_frame_unref(v->frame);
            return panya_error_set(err, PANYA_ERR_INVALID,
                                   "%s: the picture size or format changes mid-stream",
                                   v->job->source_path);
        }
        int64_t pts = v->frame->best_effort_timestamp;
        v->frame->pts = pts == AV_NOPTS_VALUE || pts < v->next_pts ? v->next_pts : pts;
        v->next_pts = v->frame->pts + 1;
        v->decoded_frames++;
        if (v->kind == PASS_SAMPLE && !sample_wanted(v)) {
            av_frame_unref(v->frame);
            continue; /* not filtered: the sample pass keeps only its windows */
        }
        rc = av_buffersrc_add_frame(v->filter.source, v->frame);
        av_frame_unref(v->frame);
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INTERNAL, rc, v->job->source_path,
                                  "video filter");
        if (take_filtered(v, err) != 0)
            return -1;
    }
}

static int open_source(video_pass *v, panya_error *err)
{
    const codec_job *job = v->job;
    if (media_open_input(&v->in, job->source_path, err) != 0)
        return -1;
    v->video_index = -1;
    v->audio_index = av_find_best_stream(v->in, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    for (unsigned i = 0; i < v->in->nb_streams; i++) {
        const AVStream *st = v->in->streams[i];
        if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
            !(st->disposition & AV_DISPOSITION_ATTACHED_PIC)) {
            v->video_index = (int)i;
            break;
        }
    }
    if (v->video_index < 0)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: no video stream", job->source_path);
    AVStream *st = v->in->streams[v->video_index];
    media_track_init(&v->track, v->in, st, "video");
    if (media_open_decoder(&v->dec, st, job->threads, 0, job->source_path, err) != 0)
        return -1;
    if (v->dec->width <= 0 || v->dec->height <= 0 || v->dec->pix_fmt == AV_PIX_FMT_NONE)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: video stream has no picture size",
                               job->source_path);
    const codec_video_settings *s = &job->profile->video;
    bool with_ref = v->measure || v->kind == PASS_SAMPLE;
    plan_video(s, st, v->dec, job->probe->rotation, with_ref, v->kind == PASS_SAMPLE,
               &v->plan);
    if (strcmp(s->codec, "av1") == 0 && (v->plan.width < 64 || v->plan.height < 64))
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: a %dx%d picture is too small for AV1 (SVT-AV1 needs 64x64 "
                               "or more); use an H.264 profile for it",
                               job->source_path, v->plan.width, v->plan.height);
    if (media_filter_open_video(&v->filter, v->dec, st->time_base, v->plan.filter, 1, err) != 0)
        return -1;
    v->frame = av_frame_alloc();
    v->filtered = av_frame_alloc();
    v->ref = av_frame_alloc();
    v->pkt = av_packet_alloc();
    if (!v->frame || !v->filtered || !v->ref || !v->pkt)
        return panya_error_oom(err);
    v->next_pts = INT64_MIN;
    return 0;
}

static int open_output(video_pass *v, panya_error *err)
{
    const codec_job *job = v->job;
    const codec_video_settings *s = &job->profile->video;
    if (media_output_open(&v->out, "mp4", job->output_path, err) != 0)
        return -1;
    AVRational time_base = av_buffersink_get_time_base(v->filter.sink);
    bool global_header = v->out.ctx->oformat->flags & AVFMT_GLOBALHEADER;
    if (video_open_encoder(&v->enc, s, &v->plan, time_base, v->crf, s->preset, global_header,
                           v->out.path, err) != 0)
        return -1;
    v->stream = avformat_new_stream(v->out.ctx, NULL);
    if (!v->stream || avcodec_parameters_from_context(v->stream->codecpar, v->enc) < 0)
        return panya_error_oom(err);
    v->stream->time_base = v->enc->time_base;
    v->stream->avg_frame_rate = v->plan.fps;
    if (v->audio_index >= 0) {
        if (media_audio_open(&v->audio, v->in, v->audio_index, &v->out, &s->audio, err) != 0)
            return -1;
        v->has_audio = true;
    }
    if (v->measure && video_check_open(&v->check, v->enc, &v->plan, err) != 0)
        return -1;
    AVDictionary *opts = NULL;
    av_dict_set(&opts, "movflags", "+faststart", 0);
    int rc = media_output_start(&v->out, &opts, err);
    av_dict_free(&opts);
    return rc;
}

static int finish_encode(video_pass *v, panya_error *err)
{
    if (media_encode_write(v->enc, NULL, v->stream, &v->out, v->pkt, count_packet, v, err) != 0)
        return -1;
    if (v->measure && video_check_packet(&v->check, NULL, err) != 0)
        return -1;
    if (v->has_audio && media_audio_feed(&v->audio, NULL, &v->out, err) != 0)
        return -1;
    if (v->has_audio && media_track_verdict(&v->audio.track, v->job->source_path, err) != 0)
        return -1;
    return media_output_commit(&v->out, err);
}

/* Seconds of decoding before a window that are cheaper than a seek (a keyframe is usually
 * closer than this), and the reordering delay to leave before and after a window. */
#define SEEK_AHEAD_SECONDS 3.0
#define REORDER_SECONDS 0.3
#define SAMPLES_DONE 1

/* The sample pass decodes only around the sampled windows: it seeks to far windows, lets
 * the decoder skip frames nothing refers to in between, and stops after the last. */
static int skip_to_samples(video_pass *v, const AVPacket *pkt, panya_error *err)
{
    const AVStream *st = v->in->streams[v->video_index];
    int64_t ts = pkt->dts != AV_NOPTS_VALUE ? pkt->dts : pkt->pts;
    double at = ts == AV_NOPTS_VALUE ? v->sampled_until : (double)ts * av_q2d(st->time_base);
    double duration = v->job->probe->duration;
    double next = video_samples_next(at > REORDER_SECONDS ? at - REORDER_SECONDS : 0, duration);
    if (next < 0 && (v->samples->count > 0 || at > duration + REORDER_SECONDS))
        return SAMPLES_DONE;
    /* A backward seek lands on the keyframe before the window, which may lie before windows
     * already sampled when keyframes are sparse; seeking for the same window again would then
     * loop forever, so each window is sought at most once and the rest is decoded through. */
    if (next > at + SEEK_AHEAD_SECONDS && !v->seeked_to_window && next > v->last_seek_window) {
        int64_t target = (int64_t)((next - REORDER_SECONDS) / av_q2d(st->time_base));
        if (av_seek_frame(v->in, v->video_index, target, AVSEEK_FLAG_BACKWARD) >= 0) {
            avcodec_flush_buffers(v->dec);
            v->seeked_to_window = true;
            v->last_seek_window = next;
            return 0;
        }
    }
    if (next >= 0 && next <= at + REORDER_SECONDS)
        v->seeked_to_window = false;
    v->dec->skip_frame = next >= 0 && next <= at + REORDER_SECONDS ? AVDISCARD_DEFAULT
                                                                   : AVDISCARD_NONREF;
    return decode_video(v, pkt, err);
}

static int run(video_pass *v, panya_error *err)
{
    AVPacket *in_pkt = av_packet_alloc();
    if (!in_pkt)
        return panya_error_oom(err);
    int rc = 0;
    for (;;) {
        int read = av_read_frame(v->in, in_pkt);
        if (read == AVERROR_EOF)
            break;
        if (read < 0) {
            rc = media_av_error(err, PANYA_ERR_INVALID, read, v->job->source_path,
                                "damaged media");
            break;
        }
        if (v->kind == PASS_SAMPLE && in_pkt->stream_index == v->video_index) {
            int skip = skip_to_samples(v, in_pkt, err);
            av_packet_unref(in_pkt);
            if (skip < 0) {
                rc = -1;
                break;
            }
            if (skip == SAMPLES_DONE)
                break;
            continue;
        }
        if (in_pkt->stream_index == v->video_index)
            rc = decode_video(v, in_pkt, err);
        else if (v->has_audio && in_pkt->stream_index == v->audio_index)
            rc = media_audio_feed(&v->audio, in_pkt, &v->out, err);
        av_packet_unref(in_pkt);
        if (rc != 0)
            break;
    }
    av_packet_free(&in_pkt);
    if (rc != 0)
        return -1;
    if (decode_video(v, NULL, err) != 0)
        return -1;
    if (v->decoded_frames == 0)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: no video frame decodes",
                               v->job->source_path);
    int frc = av_buffersrc_add_frame(v->filter.source, NULL);
    if (frc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, frc, v->job->source_path,
                              "video filter");
    if (take_filtered(v, err) != 0)
        return -1;
    if (v->kind == PASS_SAMPLE)
        return 0; /* it skipped most of the clip: the encode pass checks for damage */
    /* The damage check comes before anything is written. */
    if (media_track_verdict(&v->track, v->job->source_path, err) != 0)
        return -1;
    return finish_encode(v, err);
}

static void release(video_pass *v)
{
    media_output_abort(&v->out);
    if (v->has_audio)
        media_audio_close(&v->audio);
    video_check_close(&v->check);
    media_filter_close(&v->filter);
    avcodec_free_context(&v->dec);
    avcodec_free_context(&v->enc);
    av_frame_free(&v->frame);
    av_frame_free(&v->filtered);
    av_frame_free(&v->ref);
    av_packet_free(&v->pkt);
    avformat_close_input(&v->in);
}

int video_encode_pass(const codec_job *job, int crf, bool measure, video_outcome *outcome,
                      panya_error *err)
{
    video_pass v = {.job = job, .kind = PASS_ENCODE, .crf = crf, .measure = measure};
    int rc = open_source(&v, err);
    if (rc == 0)
        rc = open_output(&v, err);
    if (rc == 0)
        rc = run(&v, err);
    double seconds = media_track_decoded(&v.track);
    outcome->ssim = video_check_ssim(&v.check);
    outcome->video_kbps = seconds > 0 ? (double)v.video_bytes * 8 / seconds / 1000 : 0;
    outcome->seconds = seconds;
    release(&v);
    return rc;
}

int video_sample_pass(const codec_job *job, video_samples *samples, panya_error *err)
{
    video_pass v = {.job = job, .kind = PASS_SAMPLE, .samples = samples};
    int rc = open_source(&v, err);
    if (rc == 0) {
        samples->time_base = av_buffersink_get_time_base(v.filter.sink);
        samples->plan = v.plan;
        rc = run(&v, err);
    }
    release(&v);
    return rc;
}
