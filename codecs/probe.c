/* panya probe: what a file is, through libavformat, and which encoder it goes to. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/display.h>
#include <libavutil/pixdesc.h>

#include "codecs/media.h"

const char *codec_kind_name(codec_kind kind)
{
    switch (kind) {
    case CODEC_KIND_VIDEO:
        return "video";
    case CODEC_KIND_AUDIO:
        return "audio";
    case CODEC_KIND_IMAGE:
        return "image";
    default:
        return "other";
    }
}

/* Degrees clockwise, as ffmpeg's autorotate computes them from the display matrix. */
static int stream_rotation(const AVStream *st)
{
    const int32_t *matrix =
        (const int32_t *)av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
    if (!matrix)
        return 0;
    double theta = -av_display_rotation_get(matrix);
    if (isnan(theta))
        return 0;
    theta -= 360 * floor(theta / 360 + 0.9 / 360);
    int degrees = (int)lround(theta / 90) * 90;
    return degrees % 360;
}

/* Containers that only ever hold images (image2, the *_pipe demuxers, GIF: first frame). */
static bool is_image_container(const char *name)
{
    return strcmp(name, "image2") == 0 || strstr(name, "_pipe") != NULL ||
           strcmp(name, "gif") == 0 || strcmp(name, "apng") == 0;
}

/* Pictures panya turns into WebP. Other things libav reads as pictures stay as they are:
 * an SVG is smaller and sharper than any WebP of it. */
static bool is_picture_codec(enum AVCodecID id)
{
    return id == AV_CODEC_ID_MJPEG || id == AV_CODEC_ID_PNG || id == AV_CODEC_ID_APNG ||
           id == AV_CODEC_ID_GIF || id == AV_CODEC_ID_BMP || id == AV_CODEC_ID_WEBP ||
           id == AV_CODEC_ID_TIFF;
}

/* libav's tty demuxer takes text files (.txt, .nfo, .asc) as ANSI-art video. */
static bool is_text_codec(enum AVCodecID id)
{
    return id == AV_CODEC_ID_ANSI || id == AV_CODEC_ID_BINTEXT || id == AV_CODEC_ID_XBIN ||
           id == AV_CODEC_ID_IDF;
}

static void describe(const AVFormatContext *fmt, codec_probe_info *info)
{
    snprintf(info->container, sizeof info->container, "%s", fmt->iformat->name);
    const AVStream *video = NULL, *audio = NULL;
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        const AVStream *st = fmt->streams[i];
        enum AVMediaType type = st->codecpar->codec_type;
        if (type == AVMEDIA_TYPE_VIDEO && !video && !(st->disposition & AV_DISPOSITION_ATTACHED_PIC))
            video = st;
        else if (type == AVMEDIA_TYPE_AUDIO && !audio)
            audio = st;
    }
    if (video) {
        const AVCodecParameters *par = video->codecpar;
        snprintf(info->video_codec, sizeof info->video_codec, "%s",
                 avcodec_get_name(par->codec_id));
        const char *profile = avcodec_profile_name(par->codec_id, par->profile);
        snprintf(info->video_profile, sizeof info->video_profile, "%s", profile ? profile : "");
        const char *pix = av_get_pix_fmt_name(par->format);
        snprintf(info->pixel_format, sizeof info->pixel_format, "%s", pix ? pix : "");
        info->width = par->width;
        info->height = par->height;
        info->rotation = stream_rotation(video);
        AVRational rate = video->avg_frame_rate.num > 0 ? video->avg_frame_rate
                                                        : video->r_frame_rate;
        info->fps = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0;
    }
    if (audio) {
        const AVCodecParameters *par = audio->codecpar;
        snprintf(info->audio_codec, sizeof info->audio_codec, "%s",
                 avcodec_get_name(par->codec_id));
        info->channels = par->ch_layout.nb_channels;
        info->sample_rate = par->sample_rate;
    }
    info->duration = fmt->duration > 0 ? (double)fmt->duration / AV_TIME_BASE : 0;
    info->bitrate = fmt->bit_rate > 0 ? fmt->bit_rate : 0;

    enum AVCodecID video_id = video ? video->codecpar->codec_id : AV_CODEC_ID_NONE;
    if (video && is_image_container(fmt->iformat->name))
        info->kind = is_picture_codec(video_id) ? CODEC_KIND_IMAGE : CODEC_KIND_OTHER;
    else if (video && !is_text_codec(video_id))
        info->kind = CODEC_KIND_VIDEO;
    else if (audio)
        info->kind = CODEC_KIND_AUDIO;
    else
        info->kind = CODEC_KIND_OTHER;
    if (video && is_image_container(fmt->iformat->name)) { /* stills have no time */
        info->duration = 0;
        info->bitrate = 0;
        info->fps = 0;
    }
}

/* Containers with an index up front (MP4, M4A, MOV) say where every sample is: a sample
 * past the end of the file means the file was cut short, found without decoding it. */
static int check_index(const AVFormatContext *fmt, uint64_t file_size, const char *path,
                       panya_error *err)
{
    for (unsigned i = 0; i < fmt->nb_streams; i++) {
        AVStream *st = fmt->streams[i];
        int count = avformat_index_get_entries_count(st);
        if (count <= 0)
            continue;
        const AVIndexEntry *last = avformat_index_get_entry(st, count - 1);
        uint64_t end = last && last->pos >= 0 ? (uint64_t)last->pos + (uint64_t)last->size : 0;
        if (end > file_size)
            return panya_error_set(err, PANYA_ERR_INVALID,
                                   "%s: truncated media: its index needs %llu bytes, the file "
                                   "has %llu",
                                   path, (unsigned long long)end, (unsigned long long)file_size);
    }
    return 0;
}

static bool starts_as_png(const char *path)
{
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t head[8];
    FILE *f = fopen(path, "rb");
    bool png = f && fread(head, 1, sizeof head, f) == sizeof head &&
               memcmp(head, signature, sizeof head) == 0;
    if (f)
        fclose(f);
    return png;
}

int codec_probe_file(const char *path, codec_probe_info *info, panya_error *err)
{
    memset(info, 0, sizeof *info);
    media_quiet_logs();
    int png_width = 0, png_height = 0;
    if (starts_as_png(path)) {
        if (media_png_check(path, &png_width, &png_height, err) != 0)
            return -1;
        if ((long)png_width * png_height > IMAGE_MAX_DECODED_PIXELS)
            return panya_error_set(err, PANYA_ERR_INVALID,
                                   "%s: picture too large (%dx%d; limit %ld megapixels)", path,
                                   png_width, png_height, IMAGE_MAX_DECODED_PIXELS / 1000000);
    }
    AVFormatContext *fmt = NULL;
    if (media_open_input(&fmt, path, err) != 0)
        return -1;
    describe(fmt, info);
    if (fmt->pb)
        info->file_size = (uint64_t)avio_size(fmt->pb);
    int index_rc = fmt->pb ? check_index(fmt, info->file_size, path, err) : 0;
    avformat_close_input(&fmt);
    if (index_rc != 0)
        return -1;
    /* The image2 demuxer trusts file extensions: a text file named .png gets here. */
    if ((info->kind == CODEC_KIND_VIDEO || info->kind == CODEC_KIND_IMAGE) &&
        (info->width <= 0 || info->height <= 0))
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: not a media file panya can read (no picture size)", path);
    return 0;
}
