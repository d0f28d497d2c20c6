/* Still content (slides, screen recordings): most of the picture stays the same from one
 * frame to the next. Such clips are encoded at a lower frame rate, which costs fewer bytes
 * at the same ssim640 (bench/codecs.sh's slides and screen clips; see docs/PROFILES.md). */
#include <stdlib.h>

#include "codecs/video_internal.h"

/* A luma change of more than this many levels is motion (sensor noise and re-encoding
 * stay under it on still pictures)... */
#define STILL_LEVELS 3
/* ...and a clip is still while less than this share of the picture moves on average. */
#define STILL_MOVING_SHARE 0.10

/* Share of the luma of b that differs from a by more than STILL_LEVELS. */
static double moving_share(const AVFrame *a, const AVFrame *b)
{
    size_t moving = 0;
    for (int y = 0; y < a->height; y++) {
        const uint8_t *pa = a->data[0] + (ptrdiff_t)y * a->linesize[0];
        const uint8_t *pb = b->data[0] + (ptrdiff_t)y * b->linesize[0];
        for (int x = 0; x < a->width; x++)
            moving += abs(pa[x] - pb[x]) > STILL_LEVELS;
    }
    return (double)moving / ((double)a->width * a->height);
}

double video_samples_motion(const video_samples *samples)
{
    double sum = 0, frame = 1 / (av_q2d(samples->plan.fps) * av_q2d(samples->time_base));
    size_t pairs = 0;
    for (size_t i = 1; i < samples->count; i++) {
        const AVFrame *a = samples->refs[i - 1], *b = samples->refs[i];
        /* Neighbours only: the last frame of one window and the first of the next are
         * seconds apart. */
        if ((double)(b->pts - a->pts) > 1.5 * frame || a->width != b->width ||
            a->height != b->height)
            continue;
        sum += moving_share(a, b);
        pairs++;
    }
    return pairs ? sum / (double)pairs : 1;
}

bool video_samples_still(const video_samples *samples)
{
    return video_samples_motion(samples) < STILL_MOVING_SHARE;
}
