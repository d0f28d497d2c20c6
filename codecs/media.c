/* libav plumbing shared by the encoders: inputs, crash-safe outputs, filter graphs. */
#include "codecs/media.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

static void quiet_once(void)
{
    /* PANYA_LIBAV_LOG=1 shows libav's own messages, for diagnosing a file. */
    const char *show = getenv("PANYA_LIBAV_LOG");
    av_log_set_level(show && strcmp(show, "1") == 0 ? AV_LOG_WARNING : AV_LOG_QUIET);
    setenv("SVT_LOG", "1", 0); /* SVT-AV1 prints its settings unless told errors only */
}

void media_quiet_logs(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, quiet_once);
}

int media_av_error(panya_error *err, int code, int averr, const char *path, const char *what)
{
    char text[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(averr, text, sizeof text);
    return panya_error_set(err, code, "%s: %s: %s", path, what, text);
}

int media_open_input(AVFormatContext **in, const char *path, panya_error *err)
{
    *in = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s: cannot open", path);
    struct stat st;
    int stat_rc = fstat(fd, &st);
    close(fd);
    if (stat_rc != 0 || !S_ISREG(st.st_mode))
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: not a regular file", path);
    if (st.st_size == 0)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: empty file (0 bytes)", path);

    int rc = avformat_open_input(in, path, NULL, NULL);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INVALID, rc, path,
                              "not a media file panya can read");
    rc = avformat_find_stream_info(*in, NULL);
    if (rc < 0) {
        avformat_close_input(in);
        return media_av_error(err, PANYA_ERR_INVALID, rc, path, "damaged media");
    }
    return 0;
}

int media_open_decoder(AVCodecContext **dec, const AVStream *st, int threads, int lowres,
                       const char *path, panya_error *err)
{
    *dec = NULL;
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    if (!codec)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: no decoder for codec '%s'", path,
                               avcodec_get_name(st->codecpar->codec_id));
    *dec = avcodec_alloc_context3(codec);
    if (!*dec)
        return panya_error_oom(err);
    int rc = avcodec_parameters_to_context(*dec, st->codecpar);
    if (rc >= 0) {
        (*dec)->pkt_timebase = st->time_base;
        (*dec)->thread_count = threads;
        (*dec)->lowres = lowres;
        rc = avcodec_open2(*dec, codec, NULL);
    }
    if (rc < 0) {
        avcodec_free_context(dec);
        return media_av_error(err, PANYA_ERR_INVALID, rc, path, "cannot decode");
    }
    return 0;
}

int media_output_open(media_output *out, const char *muxer, const char *path, panya_error *err)
{
    memset(out, 0, sizeof *out);
    out->path = path;
    if (panya_output_open(&out->file, path, err) != 0)
        return -1;
    int rc = avformat_alloc_output_context2(&out->ctx, NULL, muxer, out->file.temp_path);
    if (rc < 0) {
        panya_output_abort(&out->file);
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, path, muxer);
    }
    /* No muxer version strings, creation times or random Ogg serial numbers: the same input
     * gives the same bytes (docs/FORMAT.md, Determinism). */
    out->ctx->flags |= AVFMT_FLAG_BITEXACT;
    rc = avio_open(&out->ctx->pb, out->file.temp_path, AVIO_FLAG_WRITE);
    if (rc < 0) {
        media_output_abort(out);
        return media_av_error(err, PANYA_ERR_OUTPUT, rc, path, "cannot write");
    }
    return 0;
}

int media_output_start(media_output *out, AVDictionary **options, panya_error *err)
{
    int rc = avformat_write_header(out->ctx, options);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_OUTPUT, rc, out->path, "cannot write header");
    return 0;
}

int media_output_commit(media_output *out, panya_error *err)
{
    int rc = av_write_trailer(out->ctx);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_OUTPUT, rc, out->path, "cannot finish output");
    rc = avio_closep(&out->ctx->pb);
    avformat_free_context(out->ctx);
    out->ctx = NULL;
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_OUTPUT, rc, out->path, "cannot write");
    return panya_output_commit(&out->file, err);
}

void media_output_abort(media_output *out)
{
    if (out->ctx) {
        avio_closep(&out->ctx->pb);
        avformat_free_context(out->ctx);
        out->ctx = NULL;
    }
    if (out->file.temp_path)
        panya_output_abort(&out->file);
}

static int finish_filter(media_filter *f, const char *description, panya_error *err)
{
    AVFilterInOut *outputs = avfilter_inout_alloc();
    AVFilterInOut *inputs = avfilter_inout_alloc();
    if (!outputs || !inputs) {
        avfilter_inout_free(&outputs);
        avfilter_inout_free(&inputs);
        return panya_error_oom(err);
    }
    outputs->name = av_strdup("in");
    outputs->filter_ctx = f->source;
    inputs->name = av_strdup("out");
    inputs->filter_ctx = f->sink;
    if (f->ref_sink) {
        inputs->next = avfilter_inout_alloc();
        if (!inputs->next) {
            avfilter_inout_free(&outputs);
            avfilter_inout_free(&inputs);
            return panya_error_oom(err);
        }
        inputs->next->name = av_strdup("ref");
        inputs->next->filter_ctx = f->ref_sink;
    }
    int rc = avfilter_graph_parse_ptr(f->graph, description, &inputs, &outputs, NULL);
    if (rc >= 0)
        rc = avfilter_graph_config(f->graph, NULL);
    avfilter_inout_free(&outputs);
    avfilter_inout_free(&inputs);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, description, "filter graph");
    return 0;
}

int media_filter_open_video(media_filter *f, const AVCodecContext *dec, AVRational time_base,
                            const char *description, int threads, panya_error *err)
{
    memset(f, 0, sizeof *f);
    f->graph = avfilter_graph_alloc();
    if (!f->graph)
        return panya_error_oom(err);
    f->graph->nb_threads = threads;
    char args[256];
    AVRational sar = dec->sample_aspect_ratio.num > 0 ? dec->sample_aspect_ratio
                                                       : (AVRational){1, 1};
    snprintf(args, sizeof args, "video_size=%dx%d:pix_fmt=%d:time_base=%d/%d:pixel_aspect=%d/%d",
             dec->width, dec->height, dec->pix_fmt, time_base.num, time_base.den, sar.num,
             sar.den);
    int rc = avfilter_graph_create_filter(&f->source, avfilter_get_by_name("buffer"), "in", args,
                                          NULL, f->graph);
    if (rc >= 0)
        rc = avfilter_graph_create_filter(&f->sink, avfilter_get_by_name("buffersink"), "out",
                                          NULL, NULL, f->graph);
    if (rc >= 0 && strstr(description, "[ref]"))
        rc = avfilter_graph_create_filter(&f->ref_sink, avfilter_get_by_name("buffersink"),
                                          "ref", NULL, NULL, f->graph);
    if (rc < 0) {
        media_filter_close(f);
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, "video filter", "cannot create");
    }
    if (finish_filter(f, description, err) != 0) {
        media_filter_close(f);
        return -1;
    }
    return 0;
}

int media_filter_open_audio(media_filter *f, const AVCodecContext *dec, AVRational time_base,
                            const char *description, panya_error *err)
{
    memset(f, 0, sizeof *f);
    f->graph = avfilter_graph_alloc();
    if (!f->graph)
        return panya_error_oom(err);
    f->graph->nb_threads = 1;
    char layout[128] = "";
    AVChannelLayout source_layout;
    if (dec->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
        av_channel_layout_default(&source_layout, dec->ch_layout.nb_channels);
    else
        av_channel_layout_copy(&source_layout, &dec->ch_layout);
    av_channel_layout_describe(&source_layout, layout, sizeof layout);
    av_channel_layout_uninit(&source_layout);
    char args[384];
    snprintf(args, sizeof args, "time_base=%d/%d:sample_rate=%d:sample_fmt=%s:channel_layout=%s",
             time_base.num, time_base.den, dec->sample_rate,
             av_get_sample_fmt_name(dec->sample_fmt), layout);
    int rc = avfilter_graph_create_filter(&f->source, avfilter_get_by_name("abuffer"), "in", args,
                                          NULL, f->graph);
    if (rc >= 0)
        rc = avfilter_graph_create_filter(&f->sink, avfilter_get_by_name("abuffersink"), "out",
                                          NULL, NULL, f->graph);
    if (rc < 0) {
        media_filter_close(f);
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, "audio filter", "cannot create");
    }
    if (finish_filter(f, description, err) != 0) {
        media_filter_close(f);
        return -1;
    }
    return 0;
}

void media_filter_close(media_filter *f)
{
    avfilter_graph_free(&f->graph);
    f->source = f->sink = f->ref_sink = NULL;
}

int media_encode_write(AVCodecContext *enc, const AVFrame *frame, AVStream *stream,
                       media_output *out, AVPacket *pkt, media_packet_fn on_packet,
                       void *opaque, panya_error *err)
{
    int rc = avcodec_send_frame(enc, frame);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INTERNAL, rc, out->path, "encoder refused a frame");
    for (;;) {
        rc = avcodec_receive_packet(enc, pkt);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_INTERNAL, rc, out->path, "encoding failed");
        if (on_packet && on_packet(opaque, pkt, err) != 0) {
            av_packet_unref(pkt);
            return -1;
        }
        av_packet_rescale_ts(pkt, enc->time_base, stream->time_base);
        pkt->stream_index = stream->index;
        rc = av_interleaved_write_frame(out->ctx, pkt);
        if (rc < 0)
            return media_av_error(err, PANYA_ERR_OUTPUT, rc, out->path, "cannot write");
    }
}

/* "avc1.PPCCLL" from the avcC record the MP4 muxer wrote. */
static void h264_codecs(const AVCodecParameters *par, char *buf, size_t size)
{
    if (par->extradata_size >= 4 && par->extradata[0] == 1)
        snprintf(buf, size, "avc1.%02X%02X%02X", par->extradata[1], par->extradata[2],
                 par->extradata[3]);
    else
        snprintf(buf, size, "avc1");
}

/* "av01.P.LLT.DD" (AV1 codec ISO media file format binding, section 5). */
static void av1_codecs(const AVCodecParameters *par, char *buf, size_t size)
{
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(par->format);
    int depth = desc ? desc->comp[0].depth : 8;
    snprintf(buf, size, "av01.%d.%02dM.%02d", par->profile > 0 ? par->profile : 0,
             par->level >= 0 ? par->level : 0, depth);
}

static void append_codec(char *codecs, size_t size, const AVCodecParameters *par)
{
    char one[32];
    switch (par->codec_id) {
    case AV_CODEC_ID_H264:
        h264_codecs(par, one, sizeof one);
        break;
    case AV_CODEC_ID_AV1:
        av1_codecs(par, one, sizeof one);
        break;
    case AV_CODEC_ID_AAC:
        snprintf(one, sizeof one, "mp4a.40.2");
        break;
    case AV_CODEC_ID_OPUS:
        snprintf(one, sizeof one, "opus");
        break;
    default:
        snprintf(one, sizeof one, "%s", avcodec_get_name(par->codec_id));
        break;
    }
    size_t len = strlen(codecs);
    snprintf(codecs + len, size - len, "%s%s", len ? "," : "", one);
}

int media_describe_output(const char *path, codec_result *result, panya_error *err)
{
    AVFormatContext *fmt = NULL;
    if (media_open_input(&fmt, path, err) != 0) {
        err->code = PANYA_ERR_READBACK;
        panya_error_prefix(err, "output does not read back: ");
        return -1;
    }
    result->codecs[0] = '\0';
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        const AVCodecParameters *par = fmt->streams[i]->codecpar;
        if (par->codec_type == AVMEDIA_TYPE_VIDEO) {
            result->width = par->width;
            result->height = par->height;
        }
        if (par->codec_type == AVMEDIA_TYPE_VIDEO || par->codec_type == AVMEDIA_TYPE_AUDIO)
            append_codec(result->codecs, sizeof result->codecs, par);
    }
    result->duration = fmt->duration > 0 ? (double)fmt->duration / AV_TIME_BASE : 0;
    avformat_close_input(&fmt);
    struct stat st;
    if (stat(path, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot stat", path);
    result->bytes = (uint64_t)st.st_size;
    result->bitrate = result->duration > 0 ? (int64_t)(result->bytes * 8 / result->duration) : 0;
    return 0;
}
