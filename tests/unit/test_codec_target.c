/* Per-clip quality targeting: an easy clip reaches its profile's ssim640 target with fewer
 * bytes than the fixed CRF; a clip that cannot reach it is encoded at the ceiling and says
 * so; the search gives the same bytes every time; a miss is corrected and an encode far
 * above the target relaxed by steps real encodes bear out. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec_testmedia.h"
#include "codecs/codecs.h"
#include "codecs/video_internal.h"

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
    assert_true(t.encodes >= 1 && t.encodes <= 3);
    assert_true(t.bytes < f.bytes);
    assert_true(f.target_ssim == 0 && f.crf == small->video.crf);

    /* The search (samples, trials, correction) is deterministic too. */
    char again[300];
    snprintf(again, sizeof again, "%s.again.mp4", src);
    codec_result a = transcode(src, small, again);
    assert_int_equal(a.crf, t.crf);
    assert_true(same_bytes(out, again));
}

/* The VBV allows maxrate over the clip plus one buffer; the test clips have no sound track,
 * so all bytes are video. */
static double ceiling_bps(const codec_profile *profile, const codec_result *r)
{
    return profile->video.maxrate_kbps * 1000.0 +
           profile->video.bufsize_kbps * 1000.0 / r->duration;
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
    /* At the ceiling, not beyond it. */
    double ceiling = ceiling_bps(small, &r);
    if (r.bitrate > ceiling * 1.02 || r.bitrate < small->video.maxrate_kbps * 1000.0 * 0.8)
        fail_msg("%lld b/s against a ceiling of %.0f", (long long)r.bitrate, ceiling);
}

/* A Game of Life, sharp and changing everywhere each frame: SVT-AV1 cannot bring it near
 * modern's ceiling (about 1.7 Mb/s for 78 kb/s), so it is encoded with H.264 under it. */
static void test_av1_over_ceiling_falls_back_to_h264(void **state)
{
    (void)state;
    char src[256], out[300];
    clip(src, sizeof src, "life.mp4",
         "life=s=320x180:rate=30:seed=7:mold=10,trim=duration=2,scale=640:360:flags=neighbor");
    snprintf(out, sizeof out, "%s.modern.mp4", src);
    const codec_profile *modern = testmedia_profile("modern");
    codec_result r = transcode(src, modern, out);
    if (strncmp(r.codecs, "avc1.", 5) != 0)
        fail_msg("codecs %s at %lld b/s: still AV1", r.codecs, (long long)r.bitrate);
    double allowed = ceiling_bps(modern, &r);
    if (r.bitrate > allowed * 1.05)
        fail_msg("%lld b/s against a ceiling of %.0f", (long long)r.bitrate, allowed);
    assert_true(r.below_target && r.at_ceiling);

    /* Ordinary footage under modern stays AV1. */
    char ordinary[256], ordinary_out[300];
    clip(ordinary, sizeof ordinary, "ordinary.mp4", "testsrc2=size=640x360:rate=25:duration=2");
    snprintf(ordinary_out, sizeof ordinary_out, "%s.modern.mp4", ordinary);
    codec_result o = transcode(ordinary, modern, ordinary_out);
    assert_true(strncmp(o.codecs, "av01.", 5) == 0);
}

/* The ssim640 that is `db` SSIM dB: -10 log10(1 - ssim). */
static double ssim_at_db(double db)
{
    return 1.0 - pow(10.0, -db / 10.0);
}

/* Settings as small's: target 0.95 (13.0 dB; the goal adds a 0.3 dB margin), CRF 18-51. */
static codec_video_settings target_settings(void)
{
    return testmedia_profile("small")->video;
}

static void test_correction_distrusts_flat_trials(void **state)
{
    (void)state;
    codec_video_settings s = target_settings();
    double goal = -10.0 * log10(1.0 - s.target_ssim640) + 0.3;
    /* 2 dB short. Trials that measured 0.5 dB per CRF step: 4 steps and one more. */
    video_prediction steep = {.crf = 40, .slope = -0.5, .trials = 2};
    assert_int_equal(video_target_correct(&s, &steep, 40, ssim_at_db(goal - 2.0)), 35);
    /* Trials that looked almost flat (0.08 dB per step) would have jumped 26 steps to a
     * far too costly CRF; real encodes lose at least 0.2 dB per step: 10 and one more. */
    video_prediction flat = {.crf = 40, .slope = -0.08, .trials = 2};
    assert_int_equal(video_target_correct(&s, &flat, 40, ssim_at_db(goal - 2.0)), 29);
    /* Slides: both trials on a plateau (0.017 dB per step) predicted the highest CRF, which
     * fell 5 dB short. The secant through the first trial (CRF 28, 19 dB) and that encode
     * (CRF 51) falls 0.46 dB per step: 11 steps and one more, not the 26 of the floor. */
    video_prediction plateau = {.crf = 51, .slope = -0.017, .trials = 2,
                                .first_trial_crf = 28, .first_trial_db = 19.0};
    assert_int_equal(video_target_correct(&s, &plateau, 51, ssim_at_db(goal - 5.0)), 39);
    plateau.trials = 0; /* no trial: the floor alone */
    assert_int_equal(video_target_correct(&s, &plateau, 51, ssim_at_db(goal - 5.0)), 25);
    /* Nothing lower than the profile's lowest CRF. */
    assert_int_equal(video_target_correct(&s, &flat, s.crf_min, 0.5), -1);
}

static void test_far_above_target_relaxed(void **state)
{
    (void)state;
    codec_video_settings s = target_settings();
    double goal = -10.0 * log10(1.0 - s.target_ssim640) + 0.3;
    video_prediction steep = {.crf = 30, .slope = -0.5, .trials = 2};
    /* Close above the goal: kept. */
    assert_int_equal(video_target_relax(&s, &steep, 30, ssim_at_db(goal + 0.5)), -1);
    /* 4.5 dB above (a slide deck at 0.983 for a 0.95 target): 0.6 of the 9 steps. */
    assert_int_equal(video_target_relax(&s, &steep, 30, ssim_at_db(goal + 4.5)), 35);
    /* A flat trial slope is not trusted for the size of the step either. */
    video_prediction flat = {.crf = 30, .slope = -0.05, .trials = 2};
    assert_int_equal(video_target_relax(&s, &flat, 30, ssim_at_db(goal + 3.0)), 39);
    /* Never above the profile's highest CRF, and nothing to do at it. */
    assert_int_equal(video_target_relax(&s, &flat, s.crf_max - 2, ssim_at_db(goal + 3.0)),
                     s.crf_max);
    assert_int_equal(video_target_relax(&s, &flat, s.crf_max, 0.999), -1);
    /* Below the target there is nothing to relax. */
    assert_int_equal(video_target_relax(&s, &steep, 30, ssim_at_db(goal - 1.0)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_easy_clip_spends_less),
        cmocka_unit_test(test_hard_clip_below_target_at_ceiling),
        cmocka_unit_test(test_correction_distrusts_flat_trials),
        cmocka_unit_test(test_far_above_target_relaxed),
        cmocka_unit_test(test_av1_over_ceiling_falls_back_to_h264),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
