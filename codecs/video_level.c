#include "codecs/video_level.h"

#include <math.h>
#include <stddef.h>

typedef struct h264_level {
    int idc;
    long max_mbps;   /* macroblocks per second */
    long max_fs;     /* macroblocks per frame */
    long max_kbps;   /* MaxBR for Baseline/Main (cpbBrVclFactor 1000) */
} h264_level;

static const h264_level levels[] = {
    {10, 1485, 99, 64},        {11, 3000, 396, 192},      {12, 6000, 396, 384},
    {13, 11880, 396, 768},     {20, 11880, 396, 2000},    {21, 19800, 792, 4000},
    {22, 20250, 1620, 4000},   {30, 40500, 1620, 10000},  {31, 108000, 3600, 14000},
    {32, 216000, 5120, 20000}, {40, 245760, 8192, 20000}, {41, 245760, 8192, 50000},
    {42, 522240, 8704, 50000}, {50, 589824, 22080, 135000}, {51, 983040, 36864, 240000},
    {52, 2073600, 36864, 240000},
};

int video_h264_level(int width, int height, double fps, int maxrate_kbps)
{
    long mbs_w = (width + 15) / 16, mbs_h = (height + 15) / 16;
    long frame_mbs = mbs_w * mbs_h;
    double mbps = (double)frame_mbs * fps;
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        const h264_level *l = &levels[i];
        /* Each side is limited to sqrt(8 * MaxFS) macroblocks (A.3.1 f, g). */
        double side_limit = sqrt(8.0 * (double)l->max_fs);
        if (frame_mbs <= l->max_fs && mbps <= (double)l->max_mbps + 0.5 &&
            (double)mbs_w <= side_limit && (double)mbs_h <= side_limit &&
            maxrate_kbps <= l->max_kbps)
            return l->idc;
    }
    return 52;
}
