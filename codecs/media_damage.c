/* Damaged and truncated media: a stream that decodes to much less than its container states,
 * or whose packets fail to decode, is an error rather than a silently shorter lesson. */
#include <stdio.h>

#include "codecs/media.h"

/* A stream is complete when it decodes to at least this share of the stated duration... */
#define COMPLETE_SHARE 0.90
/* ...or falls short by no more than this (a frame or two of a very short clip). */
#define SHORTFALL_ALLOWED_SECONDS 0.25
/* Packets may fail to decode now and then (players skip them); more than this share is
 * damage, not a glitch. */
#define BAD_PACKET_SHARE 0.01

void media_track_init(media_track *t, const AVFormatContext *in, const AVStream *st,
                      const char *what)
{
    t->what = what;
    t->time_base = st->time_base;
    t->stated = 0;
    if (st->duration > 0 && st->duration != AV_NOPTS_VALUE)
        t->stated = (double)st->duration * av_q2d(st->time_base);
    else if (in->duration > 0)
        t->stated = (double)in->duration / AV_TIME_BASE;
    t->first = t->end = 0;
    t->frames = t->packets = t->bad_packets = 0;
}

void media_track_packet(media_track *t, bool decoded)
{
    t->packets++;
    t->bad_packets += !decoded;
}

void media_track_frame(media_track *t, const AVFrame *frame)
{
    int64_t pts = frame->best_effort_timestamp;
    double start = pts == AV_NOPTS_VALUE ? t->end : (double)pts * av_q2d(t->time_base);
    double length = 0;
    if (frame->sample_rate > 0 && frame->nb_samples > 0)
        length = (double)frame->nb_samples / frame->sample_rate;
    else if (frame->pkt_duration > 0)
        length = (double)frame->pkt_duration * av_q2d(t->time_base);
    /* Decoders that conceal damage (H.264) still say so on the frame. */
    if (frame->decode_error_flags || (frame->flags & AV_FRAME_FLAG_CORRUPT))
        t->bad_packets++;
    if (t->frames == 0 || start < t->first)
        t->first = start;
    if (start + length > t->end || t->frames == 0)
        t->end = start + length;
    t->frames++;
}

double media_track_decoded(const media_track *t)
{
    return t->frames ? t->end - t->first : 0;
}

int media_track_verdict(const media_track *t, const char *path, panya_error *err)
{
    if (t->packets > 0 && (double)t->bad_packets > BAD_PACKET_SHARE * (double)t->packets)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: damaged media: %lld of %lld %s packets do not decode or decode with errors", path,
                               (long long)t->bad_packets, (long long)t->packets, t->what);
    double decoded = media_track_decoded(t);
    if (t->stated > 0 && decoded < COMPLETE_SHARE * t->stated &&
        t->stated - decoded > SHORTFALL_ALLOWED_SECONDS)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: damaged or truncated media: the %s decodes to %.2f s of the "
                               "%.2f s its container states",
                               path, t->what, decoded, t->stated);
    return 0;
}
