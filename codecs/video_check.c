/* ssim640: encoded frames decoded again and compared with the source at 640 wide by
 * libavfilter's ssim filter, as a phone shows them and as bench/codecs.sh measures. */
#include <stdio.h>
#include "common/grow.h"
#include <stdlib.h>
#include <string.h>

#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>

#include "codecs/video_internal.h"

static int open_graph(video_check *c, const AVCodecContext *enc, const video_plan *plan,
                      panya_error *err)
{
    c->graph = avfilter_graph_alloc();
    if (!c->graph)
        return panya_error_oom(err);
    c->graph->nb_threads = 1;
    char args[256], description[256];
    snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=1/1",
             plan->width, plan->height, AV_PIX_FMT_YUV420P, enc->time_base.num,
             enc->time_base.den);
    int rc = avfilter_graph_create_filter(&c->dist_source, avfilter_get_by_name("buffer"),
                                          "dist", args, NULL, c->graph);
    snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=1/1",
             plan->ref_width, plan->ref_height, AV_PIX_FMT_YUV420P, enc->time_base.num,
             enc->time_base.den);
    if (rc >= 0)
        rc = avfilter_graph_create_filter(&c->ref_source, avfilter_get_by_name("buffer"), "ref",
                                          args, NULL, c->graph);
    if (rc >= 0)
        rc = avfilter_graph_create_filter(&c->sink, avfilter_get_by_name("buffersink"), "out",
                                          NULL, NULL, c->graph);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, "ssim640", "cannot create");
    snprintf(description, sizeof description,
             "[dist]scale=w=%d:h=%d:flags=bicubic,format=yuv420p[d];[d][ref]ssim[out]",
             plan->ref_width, plan->ref_height);
    AVFilterInOut *outputs = avfilter_inout_alloc(), *inputs = avfilter_inout_alloc();
    AVFilterInOut *second = avfilter_inout_alloc();
    if (!outputs || !inputs || !second) {
        avfilter_inout_free(&outputs);
        avfilter_inout_free(&inputs);
        avfilter_inout_free(&second);
        return panya_error_oom(err);
    }
    outputs->name = av_strdup("dist");
    outputs->filter_ctx = c->dist_source;
    outputs->next = second;
    second->name = av_strdup("ref");
    second->filter_ctx = c->ref_source;
    inputs->name = av_strdup("out");
    inputs->filter_ctx = c->sink;
    rc = avfilter_graph_parse_ptr(c->graph, description, &inputs, &outputs, NULL);
    if (rc >= 0)
        rc = avfilter_graph_config(c->graph, NULL);
    avfilter_inout_free(&outputs);
    avfilter_inout_free(&inputs);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, description, "filter graph");
    return 0;
}

int video_check_open(video_check *c, const AVCodecContext *enc, const video_plan *plan,
                     panya_error *err)
{
    memset(c, 0, sizeof *c);
    const AVCodec *codec = avcodec_find_decoder(enc->codec_id);
    if (!codec)
        return panya_error_set(err, PANYA_ERR_INTERNAL, "no %s decoder to measure SSIM",
                               avcodec_get_name(enc->codec_id));
    c->dec = avcodec_alloc_context3(codec);
    c->decoded = av_frame_alloc();
    c->scored = av_frame_alloc();
    if (!c->dec || !c->decoded || !c->scored)
        return panya_error_oom(err);
    if (enc->extradata_size > 0) {
        c->dec->extradata = av_mallocz((size_t)enc->extradata_size + AV_INPUT_BUFFER_PADDING_SIZE);
        if (!c->dec->extradata)
            return panya_error_oom(err);
        memcpy(c->dec->extradata, enc->extradata, (size_t)enc->extradata_size);
        c->dec->extradata_size = enc->extradata_size;
    }
    c->dec->pkt_timebase = enc->time_base;
    c->dec->thread_count = 1;
    int rc = avcodec_open2(c->dec, codec, NULL);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, "SSIM", "cannot open decoder");
    return open_graph(c, enc, plan, err);
}

int video_check_push_ref(video_check *c, const AVFrame *ref, panya_error *err)
{
    if (panya_grow((void **)&c->refs, &c->ref_capacity, c->ref_count, sizeof *c->refs, 64) != 0)
        return panya_error_oom(err);
    AVFrame *copy = av_frame_clone(ref);
    if (!copy)
        return panya_error_oom(err);
    c->refs[c->ref_count++] = copy;
    return 0;
}

static int drain_scores(video_check *c, panya_error *err)
{
    for (;;) {
        int rc = av_buffersink_get_frame(c->sink, c->scored);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INTERNAL, rc, "ssim640", "filter");
        const AVDictionaryEntry *y = av_dict_get(c->scored->metadata, "lavfi.ssim.Y", NULL, 0);
        if (y) {
            c->ssim_sum += strtod(y->value, NULL);
            c->compared++;
        }
        av_frame_unref(c->scored);
    }
}

/* Pairs a decoded frame with its reference (same pts) and sends both to the ssim filter;
 * references without an encoded twin (frames the encoder dropped) are let go. */
static int score(video_check *c, AVFrame *decoded, panya_error *err)
{
    size_t drop = 0;
    while (drop < c->ref_count && c->refs[drop]->pts < decoded->pts)
        drop++;
    int rc = 0;
    if (drop < c->ref_count && c->refs[drop]->pts == decoded->pts) {
        rc = av_buffersrc_add_frame_flags(c->dist_source, decoded, AV_BUFFERSRC_FLAG_KEEP_REF);
        if (rc >= 0)
            rc = av_buffersrc_add_frame(c->ref_source, c->refs[drop]);
        drop++;
    }
    for (size_t i = 0; i < drop; i++)
        av_frame_free(&c->refs[i]);
    memmove(c->refs, c->refs + drop, (c->ref_count - drop) * sizeof *c->refs);
    c->ref_count -= drop;
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, "ssim640", "filter");
    return drain_scores(c, err);
}

int video_check_packet(void *opaque, const AVPacket *pkt, panya_error *err)
{
    video_check *c = opaque;
    int rc = avcodec_send_packet(c->dec, pkt);
    if (rc < 0 && rc != AVERROR_EOF)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, "SSIM", "encoded video does not decode");
    while (avcodec_receive_frame(c->dec, c->decoded) == 0) {
        c->decoded->pts = c->decoded->best_effort_timestamp;
        rc = score(c, c->decoded, err);
        av_frame_unref(c->decoded);
        if (rc != 0)
            return -1;
    }
    if (pkt)
        return 0;
    rc = av_buffersrc_add_frame(c->dist_source, NULL);
    if (rc >= 0)
        rc = av_buffersrc_add_frame(c->ref_source, NULL);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, "ssim640", "filter");
    return drain_scores(c, err);
}

double video_check_ssim(const video_check *c)
{
    return c->compared > 0 ? c->ssim_sum / (double)c->compared : -1;
}

void video_check_close(video_check *c)
{
    avcodec_free_context(&c->dec);
    av_frame_free(&c->decoded);
    av_frame_free(&c->scored);
    for (size_t i = 0; i < c->ref_count; i++)
        av_frame_free(&c->refs[i]);
    free(c->refs);
    avfilter_graph_free(&c->graph);
    memset(c, 0, sizeof *c);
}
