/* Video: decode -> fps cap, rotation, scale, yuv420p -> H.264 (x264) or AV1 (SVT-AV1) in a
 * faststart MP4, with the sound track through media_audio. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>

#include "codecs/media.h"
#include "codecs/video_level.h"

/* Encoder threads per video, never the core count (see open_video_encoder). */
#define VIDEO_ENCODER_THREADS 1

/* What the output will be, decided before anything is encoded. */
typedef struct video_plan {
    int width, height;
    AVRational fps;
    bool resample; /* frames are dropped or repeated to reach fps (else timestamps kept) */
    int gop; /* frames between keyframes */
    int level;
    char filter[512];
} video_plan;

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

static void plan_video(const codec_video_settings *s, const AVStream *st,
                       const AVCodecContext *dec, int rotation, video_plan *plan)
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
    if (plan->resample) /* eof_action=pass keeps the last frame */
        snprintf(fps, sizeof fps, "fps=fps=%d/%d:eof_action=pass,", plan->fps.num,
                 plan->fps.den);
    snprintf(plan->filter, sizeof plan->filter,
             "%s%sscale=w=%d:h=%d:flags=lanczos+accurate_rnd,format=yuv420p,setsar=1", fps,
             turn, plan->width, plan->height);
}

static int open_video_encoder(AVCodecContext **encp, const codec_video_settings *s,
                              const video_plan *plan, AVRational time_base,
                              media_output *out, panya_error *err)
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
    if (out->ctx->oformat->flags & AVFMT_GLOBALHEADER)
        enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary *opts = NULL;
    char value[64];
    snprintf(value, sizeof value, "%d", s->crf);
    av_dict_set(&opts, "crf", value, 0);
    av_dict_set(&opts, "preset", s->preset, 0);
    if (av1) {
        /* SVT-AV1 takes its thread budget as logical processors. */
        snprintf(value, sizeof value, "lp=%d", VIDEO_ENCODER_THREADS);
        av_dict_set(&opts, "svtav1-params", value, 0);
    } else {
        av_dict_set(&opts, "profile", s->profile, 0);
        /* x264's macroblock tree (with a VBV) reads memory it never wrote: the same input
         * gave other bytes in a process that had freed memory before (MALLOC_PERTURB_ shows
         * it, the ffmpeg tool too), so caches filled on several machines differed. */
        av_dict_set(&opts, "x264-params", "mbtree=0", 0);
        enc->level = plan->level;
    }
    int rc = avcodec_open2(enc, codec, &opts);
    av_dict_free(&opts);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, out->path,
                              "cannot open the video encoder");
    return 0;
}

/* SSIM of each encoded frame: the packet is decoded again and compared with the filtered
 * source frame of the same timestamp (the source scaled to the output size). */
typedef struct video_check {
    AVCodecContext *dec;
    AVFrame *decoded;
    AVFrame **refs; /* filtered source frames waiting for their encoded twin, oldest first */
    size_t ref_count, ref_capacity;
    double ssim_sum;
    int64_t compared;
} video_check;

static int check_open(video_check *c, const AVCodecContext *enc, int threads, panya_error *err)
{
    const AVCodec *codec = avcodec_find_decoder(enc->codec_id);
    if (!codec)
        return panya_error_set(err, PANYA_ERR_INTERNAL, "no %s decoder to measure SSIM",
                               avcodec_get_name(enc->codec_id));
    c->dec = avcodec_alloc_context3(codec);
    c->decoded = av_frame_alloc();
    if (!c->dec || !c->decoded)
        return panya_error_oom(err);
    if (enc->extradata_size > 0) {
        c->dec->extradata = av_mallocz((size_t)enc->extradata_size + AV_INPUT_BUFFER_PADDING_SIZE);
        if (!c->dec->extradata)
            return panya_error_oom(err);
        memcpy(c->dec->extradata, enc->extradata, (size_t)enc->extradata_size);
        c->dec->extradata_size = enc->extradata_size;
    }
    c->dec->pkt_timebase = enc->time_base;
    c->dec->thread_count = threads;
    int rc = avcodec_open2(c->dec, codec, NULL);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, "SSIM", "cannot open decoder");
    return 0;
}

static int check_push_ref(video_check *c, const AVFrame *frame, panya_error *err)
{
    if (c->ref_count == c->ref_capacity) {
        size_t capacity = c->ref_capacity ? c->ref_capacity * 2 : 64;
        AVFrame **refs = realloc(c->refs, capacity * sizeof *refs);
        if (!refs)
            return panya_error_oom(err);
        c->refs = refs;
        c->ref_capacity = capacity;
    }
    AVFrame *copy = av_frame_clone(frame);
    if (!copy)
        return panya_error_oom(err);
    c->refs[c->ref_count++] = copy;
    return 0;
}

static void check_compare(video_check *c, const AVFrame *decoded)
{
    size_t drop = 0;
    while (drop < c->ref_count && c->refs[drop]->pts < decoded->pts)
        drop++;
    if (drop < c->ref_count && c->refs[drop]->pts == decoded->pts) {
        const AVFrame *ref = c->refs[drop];
        c->ssim_sum += media_ssim_plane(ref->data[0], ref->linesize[0], decoded->data[0],
                                        decoded->linesize[0], ref->width, ref->height);
        c->compared++;
        drop++;
    }
    for (size_t i = 0; i < drop; i++)
        av_frame_free(&c->refs[i]);
    memmove(c->refs, c->refs + drop, (c->ref_count - drop) * sizeof *c->refs);
    c->ref_count -= drop;
}

static int check_packet(void *opaque, const AVPacket *pkt, panya_error *err)
{
    video_check *c = opaque;
    int rc = avcodec_send_packet(c->dec, pkt);
    if (rc < 0 && rc != AVERROR_EOF)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, "SSIM", "encoded video does not decode");
    while (avcodec_receive_frame(c->dec, c->decoded) == 0) {
        c->decoded->pts = c->decoded->best_effort_timestamp;
        check_compare(c, c->decoded);
        av_frame_unref(c->decoded);
    }
    return 0;
}

static void check_close(video_check *c)
{
    avcodec_free_context(&c->dec);
    av_frame_free(&c->decoded);
    for (size_t i = 0; i < c->ref_count; i++)
        av_frame_free(&c->refs[i]);
    free(c->refs);
    memset(c, 0, sizeof *c);
}

typedef struct video_job {
    const codec_job *job;
    AVFormatContext *in;
    int video_index, audio_index;
    AVCodecContext *dec, *enc;
    media_filter filter;
    media_output out;
    AVStream *stream;
    media_audio audio;
    bool has_audio;
    AVFrame *frame, *filtered;
    AVPacket *pkt;
    int64_t next_pts;
    int64_t decoded_frames;
    bool measure;
    video_check check;
    media_track track;
} video_job;

static int encode_filtered(video_job *v, panya_error *err)
{
    AVRational sink_tb = av_buffersink_get_time_base(v->filter.sink);
    for (;;) {
        int rc = av_buffersink_get_frame(v->filter.sink, v->filtered);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INTERNAL, rc, v->job->source_path,
                                  "video filter");
        v->filtered->pts = av_rescale_q(v->filtered->pts, sink_tb, v->enc->time_base);
        v->filtered->pict_type = AV_PICTURE_TYPE_NONE;
        if (v->measure && check_push_ref(&v->check, v->filtered, err) != 0)
            return -1;
        rc = media_encode_write(v->enc, v->filtered, v->stream, &v->out, v->pkt,
                                v->measure ? check_packet : NULL, &v->check, err);
        av_frame_unref(v->filtered);
        if (rc != 0)
            return -1;
    }
}

static int decode_video(video_job *v, const AVPacket *pkt, panya_error *err)
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
        rc = av_buffersrc_add_frame(v->filter.source, v->frame);
        av_frame_unref(v->frame);
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INTERNAL, rc, v->job->source_path,
                                  "video filter");
        if (encode_filtered(v, err) != 0)
            return -1;
    }
}

static int setup(video_job *v, panya_error *err)
{
    const codec_job *job = v->job;
    const codec_video_settings *s = &job->profile->video;
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
    video_plan plan;
    plan_video(s, st, v->dec, job->probe->rotation, &plan);
    if (strcmp(s->codec, "av1") == 0 && (plan.width < 64 || plan.height < 64))
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: a %dx%d picture is too small for AV1 (SVT-AV1 needs 64x64 "
                               "or more); use an H.264 profile for it",
                               job->source_path, plan.width, plan.height);
    if (media_filter_open_video(&v->filter, v->dec, st->time_base, plan.filter, 1, err) != 0)
        return -1;
    if (media_output_open(&v->out, "mp4", job->output_path, err) != 0)
        return -1;
    AVRational time_base = av_buffersink_get_time_base(v->filter.sink);
    if (open_video_encoder(&v->enc, s, &plan, time_base, &v->out, err) != 0)
        return -1;
    v->stream = avformat_new_stream(v->out.ctx, NULL);
    if (!v->stream || avcodec_parameters_from_context(v->stream->codecpar, v->enc) < 0)
        return panya_error_oom(err);
    v->stream->time_base = v->enc->time_base;
    v->stream->avg_frame_rate = plan.fps;
    if (v->audio_index >= 0) {
        if (media_audio_open(&v->audio, v->in, v->audio_index, &v->out, &s->audio, err) != 0)
            return -1;
        v->has_audio = true;
    }
    v->frame = av_frame_alloc();
    v->filtered = av_frame_alloc();
    v->pkt = av_packet_alloc();
    if (!v->frame || !v->filtered || !v->pkt)
        return panya_error_oom(err);
    v->measure = job->flags & CODEC_MEASURE_SSIM;
    if (v->measure && check_open(&v->check, v->enc, job->threads, err) != 0)
        return -1;
    v->next_pts = INT64_MIN;
    AVDictionary *opts = NULL;
    av_dict_set(&opts, "movflags", "+faststart", 0);
    int rc = media_output_start(&v->out, &opts, err);
    av_dict_free(&opts);
    return rc;
}

static int run(video_job *v, panya_error *err)
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
    if (encode_filtered(v, err) != 0)
        return -1;
    if (media_encode_write(v->enc, NULL, v->stream, &v->out, v->pkt,
                           v->measure ? check_packet : NULL, &v->check, err) != 0)
        return -1;
    if (v->measure && check_packet(&v->check, NULL, err) != 0)
        return -1;
    if (v->has_audio && media_audio_feed(&v->audio, NULL, &v->out, err) != 0)
        return -1;
    if (media_track_verdict(&v->track, v->job->source_path, err) != 0 ||
        (v->has_audio && media_track_verdict(&v->audio.track, v->job->source_path, err) != 0))
        return -1;
    return media_output_commit(&v->out, err);
}

static void release(video_job *v)
{
    media_output_abort(&v->out);
    if (v->has_audio)
        media_audio_close(&v->audio);
    check_close(&v->check);
    media_filter_close(&v->filter);
    avcodec_free_context(&v->dec);
    avcodec_free_context(&v->enc);
    av_frame_free(&v->frame);
    av_frame_free(&v->filtered);
    av_packet_free(&v->pkt);
    avformat_close_input(&v->in);
}

static int transcode_video(const codec_job *job, codec_result *result, panya_error *err)
{
    video_job v = {.job = job};
    int rc = setup(&v, err);
    if (rc == 0)
        rc = run(&v, err);
    double ssim = v.check.compared > 0 ? v.check.ssim_sum / (double)v.check.compared : -1;
    release(&v);
    if (rc != 0)
        return -1;
    if (media_describe_output(job->output_path, result, err) != 0)
        return -1;
    snprintf(result->mime_type, sizeof result->mime_type, "video/mp4");
    result->ssim = ssim;
    return 0;
}

const codec_encoder codec_video_encoder = {
    .kind = CODEC_KIND_VIDEO,
    .transcode = transcode_video,
};
