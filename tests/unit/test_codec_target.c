/* Per-clip quality targeting: an easy clip reaches its profile's ssim640 target with fewer
 * bytes than the fixed CRF; a clip that cannot reach it is encoded at the ceiling and says
 * so; the search gives the same bytes every time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec_testmedia.h"
#include "codecs/codecs.h"

static codec_result transcode(const char *source, const codec_profile *profile, const char *out)
{
    codec_result result;
    panya_error err = {0};
    if (codec_transcode_file(source, profile, out, 2, 0, &result, &err) != 0)
        fail_msg("transcode %s: %s", source, err.message);
    return result;
}

static void clip(char *path, size_t size, const char *name, const char *video)
{
    char dir[200];
    testmedia_temp_dir(dir, sizeof dir);
    snprintf(path, size, "%s/%s", dir, name);
    testmedia_clip c = {.muxer = "mp4", .video = video, .video_encoder = "libx264",
                        .pix_fmt = "yuv420p"};
    testmedia_write_clip(path, &c);
}

static bool same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        same = ca == cb;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* A slide with a small moving pointer: far above the target at the profile's CRF. */
#define EASY "color=c=0x204080:size=640x360:rate=25:duration=3," \
             "drawbox=x=100+40*t:y=120:w=60:h=40:color=yellow:t=fill"

static void test_easy_clip_spends_less(void **state)
{
    (void)state;
    char src[256], out[300], fixed_out[300];
    clip(src, sizeof src, "slide.mp4", EASY);
    snprintf(out, sizeof out, "%s.target.mp4", src);
    snprintf(fixed_out, sizeof fixed_out, "%s.fixed.mp4", src);
    const codec_profile *small = testmedia_profile("small");
    codec_profile fixed = *small;
    fixed.video.target_ssim640 = 0;
    codec_result t = transcode(src, small, out);
    codec_result f = transcode(src, &fixed, fixed_out);
    assert_true(t.target_ssim > 0.94 && t.target_ssim < 0.96);
    assert_false(t.below_target);
    assert_true(t.ssim >= t.target_ssim);
    assert_true(t.crf > small->video.crf); /* a cheaper setting than the fixed one */
    assert_true(t.encodes >= 1 && t.encodes <= 2);
    assert_true(t.bytes < f.bytes);
    assert_true(f.target_ssim == 0 && f.crf == small->video.crf);

    /* The search (samples, trials, correction) is deterministic too. */
    char again[300];
    snprintf(again, sizeof again, "%s.again.mp4", src);
    codec_result a = transcode(src, small, again);
    assert_int_equal(a.crf, t.crf);
    assert_true(same_bytes(out, again));
}

/* Loud moving noise: no encode within the ceiling reaches the target. */
static void test_hard_clip_below_target_at_ceiling(void **state)
{
    (void)state;
    char src[256], out[300];
    clip(src, sizeof src, "noise.mp4",
         "testsrc2=size=640x360:rate=25:duration=3,noise=alls=90:allf=t+u");
    snprintf(out, sizeof out, "%s.small.mp4", src);
    const codec_profile *small = testmedia_profile("small");
    codec_result r = transcode(src, small, out);
    assert_true(r.below_target);
    assert_true(r.ssim > 0 && r.ssim < r.target_ssim);
    /* At the ceiling, not beyond it: the VBV allows maxrate over the clip plus one buffer
     * (no sound track here: all bytes are video). */
    double ceiling = small->video.maxrate_kbps * 1000.0 +
                     small->video.bufsize_kbps * 1000.0 / r.duration;
    if (r.bitrate > ceiling * 1.02 || r.bitrate < small->video.maxrate_kbps * 1000.0 * 0.8)
        fail_msg("%lld b/s against a ceiling of %.0f", (long long)r.bitrate, ceiling);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_easy_clip_spends_less),
        cmocka_unit_test(test_hard_clip_below_target_at_ceiling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
