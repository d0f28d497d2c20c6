/* Images: decode (JPEG, PNG 8/16-bit, palette, alpha, GIF first frame, BMP, WebP) ->
 * scale so the long side fits (Lanczos) -> EXIF orientation -> WebP, lossless when a
 * few-colour picture comes out smaller that way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <webp/decode.h>
#include <webp/encode.h>

#include "codecs/media.h"

typedef struct rgba_image {
    int width, height;
    uint8_t *pixels; /* width * height * 4, no padding */
} rgba_image;

static int decode_first_frame(const char *path, int max_side, AVFrame *frame, panya_error *err)
{
    AVFormatContext *in = NULL;
    if (media_open_input(&in, path, err) != 0)
        return -1;
    int index = av_find_best_stream(in, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (index < 0) {
        avformat_close_input(&in);
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: no picture", path);
    }
    const AVCodecParameters *par = in->streams[index]->codecpar;
    int lowres = 0;
    if (par->codec_id == AV_CODEC_ID_MJPEG) {
        int long_side = par->width > par->height ? par->width : par->height;
        while (lowres < 3 && (long_side >> (lowres + 1)) >= max_side)
            lowres++;
    }
    int width = par->width, height = par->height;
    long pixels = ((long)width >> lowres) * ((long)height >> lowres);
    if (pixels > IMAGE_MAX_DECODED_PIXELS) {
        avformat_close_input(&in);
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: picture too large (%dx%d; limit %ld megapixels)", path,
                               width, height, IMAGE_MAX_DECODED_PIXELS / 1000000);
    }
    AVCodecContext *dec = NULL;
    if (media_open_decoder(&dec, in->streams[index], 1, lowres, path, err) != 0) {
        avformat_close_input(&in);
        return -1;
    }
    AVPacket *pkt = av_packet_alloc();
    int rc = pkt ? AVERROR(EAGAIN) : AVERROR(ENOMEM);
    while (rc == AVERROR(EAGAIN)) {
        int read = av_read_frame(in, pkt);
        if (read >= 0 && pkt->stream_index != index) {
            av_packet_unref(pkt);
            continue;
        }
        avcodec_send_packet(dec, read >= 0 ? pkt : NULL);
        av_packet_unref(pkt);
        rc = avcodec_receive_frame(dec, frame);
        if (read < 0 && rc == AVERROR(EAGAIN))
            rc = AVERROR_EOF;
    }
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&in);
    if (rc < 0)
        return media_av_error(err, PANYA_ERR_INVALID, rc == AVERROR_EOF ? AVERROR_INVALIDDATA : rc,
                              path, "picture does not decode");
    return 0;
}

/* EXIF Orientation (1..8), as the JPEG and WebP decoders export it. */
static int exif_orientation(const AVFrame *frame)
{
    const AVDictionaryEntry *e = av_dict_get(frame->metadata, "Orientation", NULL, 0);
    int value = e ? atoi(e->value) : 1;
    return value >= 1 && value <= 8 ? value : 1;
}

/* YUVJ formats are full-range YUV; swscale wants the plain format plus a range flag. */
static enum AVPixelFormat plain_format(enum AVPixelFormat fmt, bool *full_range)
{
    switch (fmt) {
    case AV_PIX_FMT_YUVJ420P:
        *full_range = true;
        return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P:
        *full_range = true;
        return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P:
        *full_range = true;
        return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P:
        *full_range = true;
        return AV_PIX_FMT_YUV440P;
    default:
        return fmt;
    }
}

static int scale_to_rgba(const AVFrame *frame, int width, int height, rgba_image *out,
                         const char *path, panya_error *err)
{
    bool full_range = frame->color_range == AVCOL_RANGE_JPEG;
    enum AVPixelFormat fmt = plain_format(frame->format, &full_range);
    struct SwsContext *sws =
        sws_getContext(frame->width, frame->height, fmt, width, height, AV_PIX_FMT_RGBA,
                       SWS_LANCZOS | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, NULL, NULL, NULL);
    if (!sws)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: cannot convert %s pictures", path,
                               av_get_pix_fmt_name(frame->format));
    const int *coefs = sws_getCoefficients(SWS_CS_DEFAULT);
    sws_setColorspaceDetails(sws, coefs, full_range, coefs, 1, 0, 1 << 16, 1 << 16);
    out->width = width;
    out->height = height;
    out->pixels = malloc((size_t)width * (size_t)height * 4);
    if (!out->pixels) {
        sws_freeContext(sws);
        return panya_error_oom(err);
    }
    uint8_t *dst[4] = {out->pixels, NULL, NULL, NULL};
    int dst_stride[4] = {width * 4, 0, 0, 0};
    sws_scale(sws, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height, dst,
              dst_stride);
    sws_freeContext(sws);
    return 0;
}

/* Turns and mirrors the pixels as EXIF orientation 2..8 says. */
static int apply_orientation(rgba_image *img, int orientation, panya_error *err)
{
    if (orientation == 1)
        return 0;
    bool swap = orientation >= 5;
    int w = img->width, h = img->height;
    int ow = swap ? h : w, oh = swap ? w : h;
    uint32_t *dst = malloc((size_t)w * (size_t)h * 4);
    if (!dst)
        return panya_error_oom(err);
    const uint32_t *src = (const uint32_t *)img->pixels;
    for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
            int sx, sy;
            switch (orientation) {
            case 2: sx = w - 1 - x; sy = y; break;
            case 3: sx = w - 1 - x; sy = h - 1 - y; break;
            case 4: sx = x; sy = h - 1 - y; break;
            case 5: sx = y; sy = x; break;
            case 6: sx = y; sy = h - 1 - x; break;
            case 7: sx = w - 1 - y; sy = h - 1 - x; break;
            default: sx = w - 1 - y; sy = x; break; /* 8 */
            }
            dst[(size_t)y * (size_t)ow + (size_t)x] = src[(size_t)sy * (size_t)w + (size_t)sx];
        }
    }
    free(img->pixels);
    img->pixels = (uint8_t *)dst;
    img->width = ow;
    img->height = oh;
    return 0;
}

static bool has_transparency(const rgba_image *img)
{
    size_t n = (size_t)img->width * (size_t)img->height;
    for (size_t i = 0; i < n; i++)
        if (img->pixels[i * 4 + 3] != 255)
            return true;
    return false;
}

/* True when the picture has at most `limit` distinct colours (line art, diagrams). */
static bool few_colours(const rgba_image *img, int limit)
{
    if (limit <= 0)
        return false;
    size_t capacity = 1;
    while (capacity < (size_t)limit * 4)
        capacity <<= 1;
    uint32_t *table = calloc(capacity, sizeof *table);
    bool *used = calloc(capacity, sizeof *used);
    bool few = table && used;
    int distinct = 0;
    const uint32_t *px = (const uint32_t *)img->pixels;
    size_t n = (size_t)img->width * (size_t)img->height;
    for (size_t i = 0; few && i < n; i++) {
        size_t slot = (px[i] * 2654435761u) & (capacity - 1);
        while (used[slot] && table[slot] != px[i])
            slot = (slot + 1) & (capacity - 1);
        if (!used[slot]) {
            used[slot] = true;
            table[slot] = px[i];
            few = ++distinct <= limit;
        }
    }
    free(table);
    free(used);
    return few;
}

/* quality < 0 asks for lossless; method is libwebp's effort, 0..6. */
static int encode_webp(const rgba_image *img, bool alpha, int quality, int method, int threads,
                       WebPMemoryWriter *writer, const char *path, panya_error *err)
{
    WebPConfig config;
    if (!WebPConfigInit(&config))
        return panya_error_set(err, PANYA_ERR_INTERNAL, "libwebp version mismatch");
    bool lossless = quality < 0;
    if (lossless) {
        WebPConfigLosslessPreset(&config, 6);
    } else {
        config.quality = (float)quality;
        config.method = method;
        config.use_sharp_yuv = 1;
    }
    config.thread_level = threads > 1;
    WebPPicture pic;
    if (!WebPPictureInit(&pic))
        return panya_error_set(err, PANYA_ERR_INTERNAL, "libwebp version mismatch");
    pic.use_argb = lossless;
    pic.width = img->width;
    pic.height = img->height;
    int ok = alpha ? WebPPictureImportRGBA(&pic, img->pixels, img->width * 4)
                   : WebPPictureImportRGBX(&pic, img->pixels, img->width * 4);
    if (!ok) {
        WebPPictureFree(&pic);
        return panya_error_oom(err);
    }
    WebPMemoryWriterInit(writer);
    pic.writer = WebPMemoryWrite;
    pic.custom_ptr = writer;
    ok = WebPEncode(&config, &pic);
    int code = pic.error_code;
    WebPPictureFree(&pic);
    if (!ok) {
        WebPMemoryWriterClear(writer);
        return panya_error_set(err, PANYA_ERR_INTERNAL, "%s: WebP encoding failed (libwebp "
                               "error %d)", path, code);
    }
    return 0;
}

/* Luma of RGBA composited over white, as a phone shows a transparent picture. */
static uint8_t *luma_over_white(const uint8_t *rgba, int width, int height)
{
    size_t n = (size_t)width * (size_t)height;
    uint8_t *y = malloc(n);
    if (!y)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = rgba + i * 4;
        double a = p[3] / 255.0;
        double luma = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
        y[i] = (uint8_t)(luma * a + 255.0 * (1 - a) + 0.5);
    }
    return y;
}

static double webp_ssim(const rgba_image *ref, const uint8_t *webp, size_t size)
{
    int w = 0, h = 0;
    uint8_t *decoded = WebPDecodeRGBA(webp, size, &w, &h);
    if (!decoded || w != ref->width || h != ref->height) {
        WebPFree(decoded);
        return -1;
    }
    uint8_t *a = luma_over_white(ref->pixels, w, h);
    uint8_t *b = luma_over_white(decoded, w, h);
    double ssim = a && b ? media_ssim_plane(a, w, b, w, w, h) : -1;
    free(a);
    free(b);
    WebPFree(decoded);
    return ssim;
}

static int write_file(const char *path, const uint8_t *data, size_t size, panya_error *err)
{
    panya_output_file out;
    if (panya_output_open(&out, path, err) != 0)
        return -1;
    if (panya_output_write(&out, data, size, err) != 0) {
        panya_output_abort(&out);
        return -1;
    }
    return panya_output_commit(&out, err);
}

/* The output size: the long side fits max_side, never upscaled, aspect kept. */
static void fit(int width, int height, int max_side, int *out_w, int *out_h)
{
    int long_side = width > height ? width : height;
    if (long_side <= max_side) {
        *out_w = width;
        *out_h = height;
        return;
    }
    double scale = (double)max_side / long_side;
    *out_w = (int)(width * scale + 0.5);
    *out_h = (int)(height * scale + 0.5);
    if (*out_w < 1)
        *out_w = 1;
    if (*out_h < 1)
        *out_h = 1;
}

/* The lowest lossy quality the search goes down to. */
#define IMAGE_QUALITY_FLOOR 20

/* SSIM of a quick (method 4) lossy encode at `quality`. */
static int trial_ssim(const codec_job *job, const rgba_image *img, bool alpha, int quality,
                      double *ssim, panya_error *err)
{
    WebPMemoryWriter trial;
    if (encode_webp(img, alpha, quality, 4, job->threads, &trial, job->output_path, err) != 0)
        return -1;
    *ssim = webp_ssim(img, trial.mem, trial.size);
    WebPMemoryWriterClear(&trial);
    return 0;
}

/* The lowest lossy quality (down to IMAGE_QUALITY_FLOOR, at most the profile's) whose SSIM
 * against the resized picture is still min_ssim: photos that compress well get fewer
 * bytes, hard ones keep the profile's quality. A bisection to within 4, on quick encodes. */
static int choose_quality(const codec_job *job, const rgba_image *img, bool alpha, int *quality,
                          panya_error *err)
{
    const codec_image_settings *s = &job->profile->image;
    *quality = s->quality;
    if (s->min_ssim <= 0)
        return 0;
    double ssim;
    if (trial_ssim(job, img, alpha, *quality, &ssim, err) != 0)
        return -1;
    if (ssim < s->min_ssim)
        return 0;
    int bad = IMAGE_QUALITY_FLOOR - 1;
    while (*quality - bad > 4) {
        int mid = (*quality + bad) / 2;
        if (trial_ssim(job, img, alpha, mid, &ssim, err) != 0)
            return -1;
        if (ssim >= s->min_ssim)
            *quality = mid;
        else
            bad = mid;
    }
    return 0;
}

static int encode_best(const codec_job *job, const rgba_image *img, WebPMemoryWriter *best,
                       panya_error *err)
{
    const codec_image_settings *s = &job->profile->image;
    bool alpha = has_transparency(img);
    int quality;
    if (choose_quality(job, img, alpha, &quality, err) != 0)
        return -1;
    /* The thorough final encode (method 6) can land a little below the quick one's SSIM:
     * step the quality back up until it holds. */
    for (;;) {
        if (encode_webp(img, alpha, quality, 6, job->threads, best, job->output_path, err) != 0)
            return -1;
        if (quality >= s->quality || webp_ssim(img, best->mem, best->size) >= s->min_ssim)
            break;
        WebPMemoryWriterClear(best);
        quality = quality + 4 < s->quality ? quality + 4 : s->quality;
    }
    if (!few_colours(img, s->lossless_max_colors))
        return 0;
    WebPMemoryWriter lossless;
    if (encode_webp(img, alpha, -1, 6, job->threads, &lossless, job->output_path, err) != 0) {
        WebPMemoryWriterClear(best);
        return -1;
    }
    if (lossless.size < best->size) {
        WebPMemoryWriterClear(best);
        *best = lossless;
    } else {
        WebPMemoryWriterClear(&lossless);
    }
    return 0;
}

static int transcode_image(const codec_job *job, codec_result *result, panya_error *err)
{
    const codec_image_settings *s = &job->profile->image;
    AVFrame *frame = av_frame_alloc();
    if (!frame)
        return panya_error_oom(err);
    if (decode_first_frame(job->source_path, s->max_side, frame, err) != 0) {
        av_frame_free(&frame);
        return -1;
    }
    int orientation = exif_orientation(frame);
    bool swap = orientation >= 5;
    int shown_w = swap ? frame->height : frame->width;
    int shown_h = swap ? frame->width : frame->height;
    int out_w, out_h;
    fit(shown_w, shown_h, s->max_side, &out_w, &out_h);
    rgba_image img = {0};
    int rc = scale_to_rgba(frame, swap ? out_h : out_w, swap ? out_w : out_h, &img,
                           job->source_path, err);
    av_frame_free(&frame);
    if (rc == 0)
        rc = apply_orientation(&img, orientation, err);
    WebPMemoryWriter webp;
    if (rc == 0)
        rc = encode_best(job, &img, &webp, err);
    if (rc == 0) {
        rc = write_file(job->output_path, webp.mem, webp.size, err);
        if (rc == 0 && (job->flags & CODEC_MEASURE_SSIM))
            result->ssim = webp_ssim(&img, webp.mem, webp.size);
        result->bytes = webp.size;
        WebPMemoryWriterClear(&webp);
    }
    free(img.pixels);
    if (rc != 0)
        return -1;
    snprintf(result->mime_type, sizeof result->mime_type, "image/webp");
    result->codecs[0] = '\0';
    result->width = img.width;
    result->height = img.height;
    return 0;
}

const codec_encoder codec_image_encoder = {
    .kind = CODEC_KIND_IMAGE,
    .transcode = transcode_image,
};
