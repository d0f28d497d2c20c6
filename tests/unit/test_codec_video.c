/* Video through the built-in profiles: clips generated with lavfi, outputs checked with
 * libavformat (codec, profile, level, size, pixel format, rate, keyframes, audio). */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <libavcodec/avcodec.h>

#include "codec_testmedia.h"
#include "codecs/codecs.h"
#include "codecs/video_level.h"

/* Transcodes and asserts success; returns the result. */
static codec_result transcode(const char *source, const char *profile_name, const char *out,
                              unsigned flags)
{
    codec_result result;
    panya_error err = {0};
    int rc = codec_transcode_file(source, testmedia_profile(profile_name), out, 2, flags, &result, &err);
    if (rc != 0)
        fail_msg("transcode %s: %s", source, err.message);
    return result;
}

static void paths(char *src, char *out, size_t size, const char *src_name)
{
    char dir[200];
    testmedia_temp_dir(dir, sizeof dir);
    snprintf(src, size, "%s/%s", dir, src_name);
    snprintf(out, size, "%s/out.mp4", dir);
}

static void test_level_table(void **state)
{
    (void)state;
    assert_int_equal(video_h264_level(640, 360, 30, 200), 30);   /* 920 MBs * 30 > 2.2's rate */
    assert_int_equal(video_h264_level(426, 240, 24, 100), 21);   /* 405 MBs > 396 */
    assert_int_equal(video_h264_level(360, 240, 24, 100), 13);
    assert_int_equal(video_h264_level(176, 144, 15, 64), 10);
    assert_int_equal(video_h264_level(176, 144, 15, 1000), 20);  /* bitrate lifts the level */
    assert_int_equal(video_h264_level(1280, 720, 30, 2000), 31);
    assert_int_equal(video_h264_level(1920, 1080, 30, 5000), 40);
    assert_int_equal(video_h264_level(1920, 1080, 60, 5000), 42);
}

static void test_small_h264(void **state)
{
    (void)state;
    char src[256], out[256];
    paths(src, out, sizeof src, "clip.mp4");
    testmedia_clip clip = {.muxer = "mp4",
                           /* noise: camera-like motion (a still picture gets 15 fps) */
                           .video = "testsrc2=size=320x240:rate=25:duration=2,noise=alls=6:allf=t",
                           .video_encoder = "libx264", .pix_fmt = "yuv420p",
                           .audio = "sine=frequency=440:sample_rate=48000:duration=2",
                           .audio_encoder = "aac", .channel_layout = "stereo"};
    testmedia_write_clip(src, &clip);
    codec_result r = transcode(src, "small", out, CODEC_MEASURE_SSIM);
    assert_string_equal(r.mime_type, "video/mp4");
    assert_string_equal(r.codecs, "avc1.4D400D,mp4a.40.2"); /* Main, 320x240@25 is level 1.3 */
    assert_int_equal(r.width, 320); /* never upscaled */
    assert_int_equal(r.height, 240);
    assert_true(r.ssim > 0.85 && r.ssim <= 1.0);
    assert_true(r.duration > 1.9 && r.duration < 2.2);
    assert_true(r.bytes > 1000 && r.bitrate > 0);
    assert_non_null(strstr(r.encoder_id, "lavc"));

    testmedia_info source, info;
    testmedia_inspect(src, &source);
    testmedia_inspect(out, &info);
    assert_string_equal(info.video_codec, "h264");
    assert_int_equal(info.video_profile, FF_PROFILE_H264_MAIN);
    assert_int_equal(info.video_level, 13);
    assert_string_equal(info.pix_fmt, "yuv420p");
    assert_true(info.fps > 24.9 && info.fps < 25.1);
    assert_int_equal(info.video_frames, source.video_frames); /* none dropped or repeated */
    assert_true(info.max_keyframe_gap <= 4.0 + 1e-6);
    assert_string_equal(info.audio_codec, "aac");
    assert_int_equal(info.audio_profile, FF_PROFILE_AAC_LOW);
    assert_int_equal(info.channels, 1);
    assert_int_equal(info.sample_rate, testmedia_profile("small")->video.audio.sample_rate);
}

static void test_low_downscales_and_caps_rate(void **state)
{
    (void)state;
    char src[256], out[256];
    paths(src, out, sizeof src, "clip.mkv");
    testmedia_clip clip = {.muxer = "matroska",
                           .video = "testsrc2=size=640x480:rate=30:duration=2",
                           .video_encoder = "libx264", .pix_fmt = "yuv420p",
                           .audio = "sine=frequency=300:sample_rate=44100:duration=2",
                           .audio_encoder = "aac", .channel_layout = "5.1"};
    testmedia_write_clip(src, &clip);
    codec_result r = transcode(src, "low", out, 0);
    assert_int_equal(r.width, 320); /* 640x480 into a 426x240 box */
    assert_int_equal(r.height, 240);
    assert_true(r.ssim > 0 && r.target_ssim > 0); /* measured for the target, asked or not */
    testmedia_info info;
    testmedia_inspect(out, &info);
    assert_int_equal(info.video_profile, FF_PROFILE_H264_CONSTRAINED_BASELINE);
    double cap = testmedia_profile("low")->video.max_fps; /* below the source's 30 */
    assert_int_equal(info.video_level, video_h264_level(320, 240, cap, 56));
    assert_int_equal(info.video_level, 12); /* 1.2 for 320x240 at 15 fps */
    assert_true(fabs(info.fps - cap) < 0.1);
    assert_true(info.video_frames >= 2 * cap - 1 && info.video_frames <= 2 * cap + 1);
    assert_int_equal(info.channels, 1); /* 5.1 downmixed */
    assert_int_equal(info.sample_rate, testmedia_profile("low")->video.audio.sample_rate);
    assert_true(info.duration > 1.9 && info.duration < 2.2);
}

static void test_odd_width_444_10bit(void **state)
{
    (void)state;
    char src[256], out[256];
    paths(src, out, sizeof src, "odd.mkv");
    testmedia_clip clip = {.muxer = "matroska",
                           .video = "testsrc2=size=1139x641:rate=10:duration=1",
                           .video_encoder = "ffv1", .pix_fmt = "yuv444p10le"};
    testmedia_write_clip(src, &clip);
    codec_result r = transcode(src, "small", out, 0);
    assert_int_equal(r.width, 640);
    assert_int_equal(r.height, 360);
    testmedia_info info;
    testmedia_inspect(out, &info);
    assert_string_equal(info.pix_fmt, "yuv420p");
    assert_int_equal(info.video_profile, FF_PROFILE_H264_MAIN);
    assert_int_equal(info.streams, 1); /* no sound in, no sound out */
    assert_true(info.fps > 9.9 && info.fps < 10.1);
}

static void test_rotation_is_applied(void **state)
{
    (void)state;
    char src[256], out[256];
    paths(src, out, sizeof src, "rotated.mp4");
    testmedia_clip clip = {.muxer = "mp4",
                           .video = "testsrc2=size=320x240:rate=25:duration=1",
                           .video_encoder = "libx264", .pix_fmt = "yuv420p", .rotation = 90};
    testmedia_write_clip(src, &clip);
    codec_probe_info probe;
    panya_error err = {0};
    assert_int_equal(codec_probe_file(src, &probe, &err), 0);
    assert_int_equal(probe.rotation, 90);
    codec_result r = transcode(src, "small", out, 0);
    assert_int_equal(r.width, 240); /* portrait after turning */
    assert_int_equal(r.height, 320);
}

static void test_variable_rate_screen_recording(void **state)
{
    (void)state;
    char src[256], out[256];
    paths(src, out, sizeof src, "screen.mkv");
    testmedia_clip clip = {.muxer = "matroska",
                           .video = "testsrc2=size=320x240:rate=25:duration=2",
                           .video_encoder = "libx264", .pix_fmt = "yuv444p",
                           .variable_rate = true};
    testmedia_write_clip(src, &clip);
    codec_result r = transcode(src, "small", out, 0);
    testmedia_info info;
    testmedia_inspect(out, &info);
    assert_true(info.fps > 0 && info.fps <= 30.01);
    assert_true(r.duration > 1.8 && r.duration < 2.3);
    assert_string_equal(info.pix_fmt, "yuv420p");
}

static void test_modern_av1_opus(void **state)
{
    (void)state;
    char src[256], out[256];
    paths(src, out, sizeof src, "clip.mp4");
    testmedia_clip clip = {.muxer = "mp4",
                           .video = "testsrc2=size=320x240:rate=25:duration=1",
                           .video_encoder = "libx264", .pix_fmt = "yuv420p",
                           .audio = "sine=frequency=440:sample_rate=44100:duration=1",
                           .audio_encoder = "aac", .channel_layout = "stereo"};
    testmedia_write_clip(src, &clip);
    codec_result r = transcode(src, "modern", out, CODEC_MEASURE_SSIM);
    assert_int_equal(strncmp(r.codecs, "av01.0.", 7), 0);
    assert_non_null(strstr(r.codecs, ",opus"));
    assert_true(r.ssim > 0.8);
    testmedia_info info;
    testmedia_inspect(out, &info);
    assert_string_equal(info.video_codec, "av1");
    assert_string_equal(info.pix_fmt, "yuv420p");
    assert_string_equal(info.audio_codec, "opus");
    assert_int_equal(info.channels, 1);
    assert_int_equal(info.sample_rate, 48000);
    assert_true(info.max_keyframe_gap <= 4.0 + 1e-6);
}

static void test_tiny_video(void **state)
{
    (void)state;
    char src[256], out[256];
    paths(src, out, sizeof src, "tiny.mp4");
    testmedia_clip clip = {.muxer = "mp4",
                           .video = "testsrc2=size=2x2:rate=10:duration=1",
                           .video_encoder = "libx264", .pix_fmt = "yuv420p"};
    testmedia_write_clip(src, &clip);
    codec_result r = transcode(src, "small", out, 0);
    assert_int_equal(r.width, 2);
    assert_int_equal(r.height, 2);
    panya_error err = {0};
    assert_int_equal(codec_transcode_file(src, testmedia_profile("modern"), out, 1, 0, &r, &err),
                     -1);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    assert_non_null(strstr(err.message, "too small for AV1"));
}

static void test_audio_only_mp4_is_audio(void **state)
{
    (void)state;
    char src[256], out[256];
    paths(src, out, sizeof src, "sound.mp4");
    testmedia_clip clip = {.muxer = "mp4",
                           .audio = "sine=frequency=440:sample_rate=48000:duration=1",
                           .audio_encoder = "aac", .channel_layout = "stereo"};
    testmedia_write_clip(src, &clip);
    codec_result r = transcode(src, "small", out, 0);
    assert_int_equal(r.kind, CODEC_KIND_AUDIO);
    assert_string_equal(r.mime_type, "audio/ogg");
    assert_string_equal(r.codecs, "opus");
}

typedef struct parallel_job {
    char src[256], out[256];
    const char *profile;
    int rc;
    panya_error err;
} parallel_job;

static void *run_parallel(void *arg)
{
    parallel_job *job = arg;
    codec_result r;
    job->rc = codec_transcode_file(job->src, testmedia_profile(job->profile), job->out, 1, 0, &r,
                                   &job->err);
    return NULL;
}

/* pack runs one transcode per core with threads=1 each: they must not share state. */
static void test_parallel_transcodes(void **state)
{
    (void)state;
    parallel_job jobs[2] = {{.profile = "small"}, {.profile = "modern"}};
    char dir[200];
    testmedia_temp_dir(dir, sizeof dir);
    testmedia_clip clip = {.muxer = "mp4",
                           .video = "testsrc2=size=192x108:rate=15:duration=1",
                           .video_encoder = "libx264", .pix_fmt = "yuv420p",
                           .audio = "sine=frequency=440:sample_rate=48000:duration=1",
                           .audio_encoder = "aac", .channel_layout = "mono"};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++) {
        snprintf(jobs[i].src, sizeof jobs[i].src, "%s/in%d.mp4", dir, i);
        snprintf(jobs[i].out, sizeof jobs[i].out, "%s/out%d.mp4", dir, i);
        testmedia_write_clip(jobs[i].src, &clip);
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, run_parallel, &jobs[i]), 0);
    for (int i = 0; i < 2; i++) {
        pthread_join(threads[i], NULL);
        if (jobs[i].rc != 0)
            fail_msg("%s: %s", jobs[i].src, jobs[i].err.message);
        testmedia_info info;
        testmedia_inspect(jobs[i].out, &info);
        assert_string_equal(info.video_codec, i == 0 ? "h264" : "av1");
        assert_int_equal(info.width, 192);
    }
}

static void expect_failure(const char *path, int code)
{
    char out[300];
    snprintf(out, sizeof out, "%s.out", path);
    codec_result r;
    panya_error err = {0};
    assert_int_equal(codec_transcode_file(path, testmedia_profile("small"), out, 1, 0, &r, &err), -1);
    assert_int_equal(err.code, code);
    assert_non_null(strstr(err.message, path));
    FILE *f = fopen(out, "rb");
    assert_null(f); /* nothing under the final name */
}

static void test_broken_inputs(void **state)
{
    (void)state;
    char src[256], out[256], path[300];
    paths(src, out, sizeof src, "clip.mp4");
    testmedia_clip clip = {.muxer = "mp4",
                           .video = "testsrc2=size=160x120:rate=25:duration=1",
                           .video_encoder = "libx264", .pix_fmt = "yuv420p"};
    testmedia_write_clip(src, &clip);

    snprintf(path, sizeof path, "%s.empty.mp4", src);
    testmedia_truncate_copy(src, path, 0);
    expect_failure(path, PANYA_ERR_INVALID);

    snprintf(path, sizeof path, "%s.half.mp4", src);
    testmedia_truncate_copy(src, path, 3000); /* moov is at the end: cut off */
    expect_failure(path, PANYA_ERR_INVALID);

    snprintf(path, sizeof path, "%s.txt", src);
    FILE *f = fopen(path, "wb");
    fputs("this is not a video at all\n", f);
    fclose(f);
    expect_failure(path, PANYA_ERR_INVALID);

    snprintf(path, sizeof path, "%s.missing.mp4", src);
    expect_failure(path, PANYA_ERR_USAGE);
}

/* Still content (slides) is encoded at the still frame rate; moving content keeps its own. */
static void test_still_content_lowers_rate(void **state)
{
    (void)state;
    char src[256], out[256];
    paths(src, out, sizeof src, "slides.mp4");
    testmedia_clip clip = {.muxer = "mp4",
                           .video = "smptebars=size=320x240:rate=30:duration=2",
                           .video_encoder = "libx264", .pix_fmt = "yuv420p"};
    testmedia_write_clip(src, &clip);
    transcode(src, "small", out, 0);
    testmedia_info info;
    testmedia_inspect(out, &info);
    assert_true(info.fps > 14.9 && info.fps < 15.1); /* small's cap is 30 */
    assert_true(info.duration > 1.9 && info.duration < 2.2);

    paths(src, out, sizeof src, "moving.mp4");
    clip.video = "testsrc2=size=320x240:rate=30:duration=2,noise=alls=20:allf=t";
    testmedia_write_clip(src, &clip);
    transcode(src, "small", out, 0);
    testmedia_inspect(out, &info);
    assert_true(info.fps > 29.9 && info.fps < 30.1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_table),
        cmocka_unit_test(test_small_h264),
        cmocka_unit_test(test_low_downscales_and_caps_rate),
        cmocka_unit_test(test_odd_width_444_10bit),
        cmocka_unit_test(test_rotation_is_applied),
        cmocka_unit_test(test_variable_rate_screen_recording),
        cmocka_unit_test(test_modern_av1_opus),
        cmocka_unit_test(test_tiny_video),
        cmocka_unit_test(test_audio_only_mp4_is_audio),
        cmocka_unit_test(test_parallel_transcodes),
        cmocka_unit_test(test_broken_inputs),
        cmocka_unit_test(test_still_content_lowers_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
