#include "codec_testmedia.h"

#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavformat/avformat.h>
#include <libavutil/crc.h>
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

#include "codecs/codecs.h"

#define CHECK_AV(expr)                                                                        \
    do {                                                                                      \
        int check_rc_ = (expr);                                                               \
        if (check_rc_ < 0)                                                                    \
            fail_msg("%s: %s", #expr, av_err2str(check_rc_));                                 \
    } while (0)

static AVFilterGraph *source_graph(const char *description, bool audio, AVFilterContext **sink)
{
    AVFilterGraph *graph = avfilter_graph_alloc();
    assert_non_null(graph);
    CHECK_AV(avfilter_graph_create_filter(sink, avfilter_get_by_name(audio ? "abuffersink"
                                                                            : "buffersink"),
                                          "out", NULL, NULL, graph));
    AVFilterInOut *inputs = avfilter_inout_alloc();
    inputs->name = av_strdup("out");
    inputs->filter_ctx = *sink;
    AVFilterInOut *outputs = NULL;
    CHECK_AV(avfilter_graph_parse_ptr(graph, description, &inputs, &outputs, NULL));
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    CHECK_AV(avfilter_graph_config(graph, NULL));
    return graph;
}

static void drain(AVCodecContext *enc, const AVFrame *frame, AVFormatContext *out,
                  AVStream *st)
{
    AVPacket *pkt = av_packet_alloc();
    CHECK_AV(avcodec_send_frame(enc, frame));
    while (avcodec_receive_packet(enc, pkt) == 0) {
        av_packet_rescale_ts(pkt, enc->time_base, st->time_base);
        pkt->stream_index = st->index;
        CHECK_AV(av_interleaved_write_frame(out, pkt));
    }
    av_packet_free(&pkt);
}

typedef struct track {
    AVFilterGraph *graph;
    AVFilterContext *sink;
    AVCodecContext *enc;
    AVStream *st;
} track;

static void open_video(track *t, const testmedia_clip *clip, AVFormatContext *out)
{
    char description[512];
    snprintf(description, sizeof description, "%s,format=%s", clip->video, clip->pix_fmt);
    t->graph = source_graph(description, false, &t->sink);
    const AVCodec *codec = avcodec_find_encoder_by_name(clip->video_encoder);
    assert_non_null(codec);
    t->enc = avcodec_alloc_context3(codec);
    t->enc->width = av_buffersink_get_w(t->sink);
    t->enc->height = av_buffersink_get_h(t->sink);
    t->enc->pix_fmt = av_buffersink_get_format(t->sink);
    t->enc->framerate = av_buffersink_get_frame_rate(t->sink);
    t->enc->time_base = clip->variable_rate ? (AVRational){1, 1000}
                                            : av_buffersink_get_time_base(t->sink);
    t->enc->gop_size = 12;
    if (out->oformat->flags & AVFMT_GLOBALHEADER)
        t->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary *opts = NULL;
    if (strcmp(clip->video_encoder, "libx264") == 0)
        av_dict_set(&opts, "preset", "ultrafast", 0);
    CHECK_AV(avcodec_open2(t->enc, codec, &opts));
    av_dict_free(&opts);
    t->st = avformat_new_stream(out, NULL);
    CHECK_AV(avcodec_parameters_from_context(t->st->codecpar, t->enc));
    t->st->time_base = t->enc->time_base;
    if (clip->rotation) {
        uint8_t *matrix = av_stream_new_side_data(t->st, AV_PKT_DATA_DISPLAYMATRIX, 9 * 4);
        assert_non_null(matrix);
        /* Tagged so that a player (ffmpeg's autorotate) turns it `rotation` degrees
         * clockwise; the sign convention of av_display_rotation_set varies by version. */
        av_display_rotation_set((int32_t *)matrix, (double)clip->rotation);
        if (lround(-av_display_rotation_get((int32_t *)matrix) + 360) % 360 != clip->rotation)
            av_display_rotation_set((int32_t *)matrix, -(double)clip->rotation);
    }
}

static void open_audio(track *t, const testmedia_clip *clip, AVFormatContext *out)
{
    const AVCodec *codec = avcodec_find_encoder_by_name(clip->audio_encoder);
    assert_non_null(codec);
    enum AVSampleFormat format = codec->sample_fmts ? codec->sample_fmts[0] : AV_SAMPLE_FMT_FLTP;
    char description[512];
    snprintf(description, sizeof description, "%s,aformat=sample_fmts=%s:channel_layouts=%s",
             clip->audio, av_get_sample_fmt_name(format), clip->channel_layout);
    t->graph = source_graph(description, true, &t->sink);
    t->enc = avcodec_alloc_context3(codec);
    CHECK_AV(av_buffersink_get_ch_layout(t->sink, &t->enc->ch_layout));
    t->enc->sample_rate = av_buffersink_get_sample_rate(t->sink);
    t->enc->sample_fmt = format;
    t->enc->bit_rate = 96000;
    t->enc->time_base = (AVRational){1, t->enc->sample_rate};
    if (out->oformat->flags & AVFMT_GLOBALHEADER)
        t->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    CHECK_AV(avcodec_open2(t->enc, codec, NULL));
    if (t->enc->frame_size > 0)
        av_buffersink_set_frame_size(t->sink, (unsigned)t->enc->frame_size);
    t->st = avformat_new_stream(out, NULL);
    CHECK_AV(avcodec_parameters_from_context(t->st->codecpar, t->enc));
    t->st->time_base = t->enc->time_base;
}

static void pump(track *t, AVFormatContext *out, bool variable_rate)
{
    AVFrame *frame = av_frame_alloc();
    int64_t index = 0;
    while (av_buffersink_get_frame(t->sink, frame) >= 0) {
        if (variable_rate) /* 40 ms steps with jitter, as screen recorders write */
            frame->pts = index * 40 + (index % 3) * 10;
        else
            frame->pts = av_rescale_q(frame->pts, av_buffersink_get_time_base(t->sink),
                                      t->enc->time_base);
        index++;
        drain(t->enc, frame, out, t->st);
        av_frame_unref(frame);
    }
    drain(t->enc, NULL, out, t->st);
    av_frame_free(&frame);
}

static void close_track(track *t)
{
    avfilter_graph_free(&t->graph);
    avcodec_free_context(&t->enc);
}

void testmedia_write_clip(const char *path, const testmedia_clip *clip)
{
    av_log_set_level(AV_LOG_ERROR);
    AVFormatContext *out = NULL;
    CHECK_AV(avformat_alloc_output_context2(&out, NULL, clip->muxer, path));
    track video = {0}, audio = {0};
    if (clip->video)
        open_video(&video, clip, out);
    if (clip->audio)
        open_audio(&audio, clip, out);
    CHECK_AV(avio_open(&out->pb, path, AVIO_FLAG_WRITE));
    CHECK_AV(avformat_write_header(out, NULL));
    if (clip->video)
        pump(&video, out, clip->variable_rate);
    if (clip->audio)
        pump(&audio, out, false);
    CHECK_AV(av_write_trailer(out));
    avio_closep(&out->pb);
    avformat_free_context(out);
    close_track(&video);
    close_track(&audio);
}

static void write_bytes(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

static void encode_picture(const char *path, AVFrame *frame, const char *encoder,
                           const char *muxer)
{
    const AVCodec *codec = avcodec_find_encoder_by_name(encoder);
    assert_non_null(codec);
    AVCodecContext *enc = avcodec_alloc_context3(codec);
    enc->width = frame->width;
    enc->height = frame->height;
    enc->pix_fmt = frame->format;
    enc->time_base = (AVRational){1, 25};
    enc->strict_std_compliance = FF_COMPLIANCE_UNOFFICIAL;
    if (strcmp(encoder, "mjpeg") == 0)
        enc->color_range = AVCOL_RANGE_JPEG;
    CHECK_AV(avcodec_open2(enc, codec, NULL));
    frame->pts = 0;
    if (muxer) {
        AVFormatContext *out = NULL;
        CHECK_AV(avformat_alloc_output_context2(&out, NULL, muxer, path));
        AVStream *st = avformat_new_stream(out, NULL);
        CHECK_AV(avcodec_parameters_from_context(st->codecpar, enc));
        st->time_base = enc->time_base;
        CHECK_AV(avio_open(&out->pb, path, AVIO_FLAG_WRITE));
        CHECK_AV(avformat_write_header(out, NULL));
        drain(enc, frame, out, st);
        drain(enc, NULL, out, st);
        CHECK_AV(av_write_trailer(out));
        avio_closep(&out->pb);
        avformat_free_context(out);
    } else {
        AVPacket *pkt = av_packet_alloc();
        CHECK_AV(avcodec_send_frame(enc, frame));
        CHECK_AV(avcodec_send_frame(enc, NULL));
        CHECK_AV(avcodec_receive_packet(enc, pkt));
        write_bytes(path, pkt->data, (size_t)pkt->size);
        av_packet_free(&pkt);
    }
    avcodec_free_context(&enc);
}

void testmedia_write_image(const char *path, const char *graph, const char *encoder,
                           const char *muxer)
{
    av_log_set_level(AV_LOG_ERROR);
    AVFilterContext *sink;
    AVFilterGraph *g = source_graph(graph, false, &sink);
    AVFrame *frame = av_frame_alloc();
    CHECK_AV(av_buffersink_get_frame(sink, frame));
    encode_picture(path, frame, encoder, muxer);
    av_frame_free(&frame);
    avfilter_graph_free(&g);
}

void testmedia_write_palette_png(const char *path, int width, int height)
{
    static const uint32_t colours[4] = {0xFFFFFFFF, 0xFF000000, 0xFFD02020, 0xFF2040C0};
    AVFrame *frame = av_frame_alloc();
    frame->width = width;
    frame->height = height;
    frame->format = AV_PIX_FMT_PAL8;
    CHECK_AV(av_frame_get_buffer(frame, 0));
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            frame->data[0][y * frame->linesize[0] + x] = (uint8_t)(((x / 7) + (y / 13)) % 4);
    memset(frame->data[1], 0, 1024);
    memcpy(frame->data[1], colours, sizeof colours);
    encode_picture(path, frame, "png", NULL);
    av_frame_free(&frame);
}

static uint8_t *read_all(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)*size + 64);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)*size, f), (size_t)*size);
    fclose(f);
    return data;
}

void testmedia_add_exif_orientation(const char *jpeg_path, int orientation)
{
    long size;
    uint8_t *data = read_all(jpeg_path, &size);
    assert_true(size > 2 && data[0] == 0xFF && data[1] == 0xD8);
    /* APP1: "Exif\0\0", big-endian TIFF header, one IFD entry 0x0112 SHORT = orientation. */
    const uint8_t app1[] = {
        0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0x00, 0x2A, 0, 0, 0, 8,
        0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, (uint8_t)orientation, 0, 0,
        0, 0, 0, 0,
    };
    FILE *f = fopen(jpeg_path, "wb");
    assert_non_null(f);
    fwrite(data, 1, 2, f);
    fwrite(app1, 1, sizeof app1, f);
    fwrite(data + 2, 1, (size_t)size - 2, f);
    assert_int_equal(fclose(f), 0);
    free(data);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void testmedia_forge_png_size(const char *png_path, int width, int height)
{
    long size;
    uint8_t *data = read_all(png_path, &size);
    /* Signature (8), IHDR length (4), "IHDR" (4), width, height, ..., CRC over type+data. */
    assert_true(size > 33 && memcmp(data + 12, "IHDR", 4) == 0);
    put_be32(data + 16, (uint32_t)width);
    put_be32(data + 20, (uint32_t)height);
    uint32_t crc = av_crc(av_crc_get_table(AV_CRC_32_IEEE_LE), UINT32_MAX, data + 12, 17) ^
                   UINT32_MAX;
    put_be32(data + 29, crc);
    write_bytes(png_path, data, (size_t)size);
    free(data);
}

void testmedia_truncate_copy(const char *from, const char *to, long size)
{
    long full;
    uint8_t *data = read_all(from, &full);
    write_bytes(to, data, (size_t)(size < full ? size : full));
    free(data);
}

void testmedia_inspect(const char *path, testmedia_info *info)
{
    memset(info, 0, sizeof *info);
    AVFormatContext *in = NULL;
    CHECK_AV(avformat_open_input(&in, path, NULL, NULL));
    CHECK_AV(avformat_find_stream_info(in, NULL));
    snprintf(info->container, sizeof info->container, "%s", in->iformat->name);
    info->streams = (int)in->nb_streams;
    info->duration = in->duration > 0 ? (double)in->duration / AV_TIME_BASE : 0;
    int v = av_find_best_stream(in, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    int a = av_find_best_stream(in, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (v >= 0) {
        const AVStream *st = in->streams[v];
        snprintf(info->video_codec, sizeof info->video_codec, "%s",
                 avcodec_get_name(st->codecpar->codec_id));
        info->video_profile = st->codecpar->profile;
        info->video_level = st->codecpar->level;
        info->width = st->codecpar->width;
        info->height = st->codecpar->height;
        const char *pix = av_get_pix_fmt_name(st->codecpar->format);
        snprintf(info->pix_fmt, sizeof info->pix_fmt, "%s", pix ? pix : "");
        info->fps = av_q2d(st->avg_frame_rate);
    }
    if (a >= 0) {
        const AVStream *st = in->streams[a];
        snprintf(info->audio_codec, sizeof info->audio_codec, "%s",
                 avcodec_get_name(st->codecpar->codec_id));
        info->audio_profile = st->codecpar->profile;
        info->channels = st->codecpar->ch_layout.nb_channels;
        info->sample_rate = st->codecpar->sample_rate;
    }
    AVPacket *pkt = av_packet_alloc();
    double last_key = -1, last_pts = 0;
    while (av_read_frame(in, pkt) >= 0) {
        if (pkt->stream_index == v) {
            double t = (double)pkt->pts * av_q2d(in->streams[v]->time_base);
            info->video_frames++;
            if (t > last_pts)
                last_pts = t;
            if (pkt->flags & AV_PKT_FLAG_KEY) {
                if (last_key >= 0 && t - last_key > info->max_keyframe_gap)
                    info->max_keyframe_gap = t - last_key;
                last_key = t;
            }
        }
        av_packet_unref(pkt);
    }
    if (last_key >= 0 && last_pts - last_key > info->max_keyframe_gap)
        info->max_keyframe_gap = last_pts - last_key;
    av_packet_free(&pkt);
    avformat_close_input(&in);
}

static codec_profile_set builtin_profiles;

static void free_profiles(void)
{
    codec_profiles_free(&builtin_profiles);
}

const codec_profile *testmedia_profile(const char *name)
{
    if (!builtin_profiles.profiles) {
        panya_error err = {0};
        if (codec_profiles_load_default(&builtin_profiles, &err) != 0)
            fail_msg("built-in profiles: %s", err.message);
        atexit(free_profiles);
    }
    const codec_profile *p = codec_profiles_find(&builtin_profiles, name);
    if (!p)
        fail_msg("no built-in profile '%s'", name);
    return p;
}

static char temp_root[256];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_temp_root(void)
{
    if (temp_root[0] && !getenv("PANYA_KEEP_TEST_FILES"))
        nftw(temp_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void testmedia_temp_dir(char *buf, unsigned long size)
{
    if (!temp_root[0]) {
        snprintf(temp_root, sizeof temp_root, "/tmp/panya-codec-test-XXXXXX");
        assert_non_null(mkdtemp(temp_root));
        atexit(remove_temp_root);
    }
    static int counter;
    snprintf(buf, size, "%s/%d", temp_root, ++counter);
    assert_int_equal(mkdir(buf, 0700), 0);
}
