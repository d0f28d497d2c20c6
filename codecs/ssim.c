/* Structural similarity (Wang et al. 2004) on one 8-bit plane: 8x8 windows every 4 pixels,
 * as libvpx and FFmpeg's ssim filter do, so figures are comparable with `ffmpeg -lavfi ssim`. */
#include "codecs/media.h"

static double window_ssim(const uint8_t *a, int a_stride, const uint8_t *b, int b_stride,
                          int w, int h)
{
    const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (int y = 0; y < h; y++) {
        const uint8_t *pa = a + (size_t)y * (size_t)a_stride;
        const uint8_t *pb = b + (size_t)y * (size_t)b_stride;
        for (int x = 0; x < w; x++) {
            double va = pa[x], vb = pb[x];
            sa += va;
            sb += vb;
            saa += va * va;
            sbb += vb * vb;
            sab += va * vb;
        }
    }
    double n = (double)w * h;
    double ma = sa / n, mb = sb / n;
    double var_a = saa / n - ma * ma, var_b = sbb / n - mb * mb, cov = sab / n - ma * mb;
    return ((2 * ma * mb + c1) * (2 * cov + c2)) /
           ((ma * ma + mb * mb + c1) * (var_a + var_b + c2));
}

double media_ssim_plane(const uint8_t *a, int a_stride, const uint8_t *b, int b_stride,
                        int width, int height)
{
    int win_w = width < 8 ? width : 8, win_h = height < 8 ? height : 8;
    double sum = 0;
    long count = 0;
    for (int y = 0; y + win_h <= height; y += 4) {
        for (int x = 0; x + win_w <= width; x += 4) {
            sum += window_ssim(a + (size_t)y * (size_t)a_stride + x, a_stride,
                               b + (size_t)y * (size_t)b_stride + x, b_stride, win_w, win_h);
            count++;
        }
    }
    return count ? sum / (double)count : 1.0;
}
