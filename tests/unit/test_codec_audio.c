/* Audio-only files: Opus for speech, AAC-LC for the oldest phones; any input layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <libavcodec/avcodec.h>

#include "codec_testmedia.h"
#include "codecs/codecs.h"

static void run(const char *muxer, const char *encoder, const char *layout, const char *name,
                const char *profile_name, codec_result *r, testmedia_info *info)
{
    char dir[200], src[256], out[256];
    testmedia_temp_dir(dir, sizeof dir);
    snprintf(src, sizeof src, "%s/%s", dir, name);
    snprintf(out, sizeof out, "%s/%s.out", dir, name);
    testmedia_clip clip = {.muxer = muxer,
                           .audio = "sine=frequency=220:sample_rate=44100:duration=3",
                           .audio_encoder = encoder, .channel_layout = layout};
    testmedia_write_clip(src, &clip);
    panya_error err = {0};
    if (codec_transcode_file(src, testmedia_profile(profile_name), out, 1, 0, r,
                             &err) != 0)
        fail_msg("%s: %s", name, err.message);
    assert_int_equal(r->kind, CODEC_KIND_AUDIO);
    assert_int_equal(r->width, 0);
    assert_true(r->duration > 2.9 && r->duration < 3.2);
    testmedia_inspect(out, info);
    assert_int_equal(info->streams, 1);
}

static void test_mp3_to_opus(void **state)
{
    (void)state;
    codec_result r;
    testmedia_info info;
    run("mp3", "libmp3lame", "stereo", "talk.mp3", "small", &r, &info);
    assert_string_equal(r.mime_type, "audio/ogg");
    assert_string_equal(r.codecs, "opus");
    assert_string_equal(info.container, "ogg");
    assert_string_equal(info.audio_codec, "opus");
    assert_int_equal(info.channels, 1);
    assert_int_equal(info.sample_rate, 48000);
    /* Within a third of what the profile asks (Ogg pages add a little). */
    double asked = testmedia_profile("small")->audio.bitrate_kbps * 1000.0;
    assert_true(r.bitrate > asked * 0.66 && r.bitrate < asked * 1.33);
}

static void test_aac_fallback(void **state)
{
    (void)state;
    codec_result r;
    testmedia_info info;
    run("mp3", "libmp3lame", "stereo", "talk.mp3", "low", &r, &info);
    assert_string_equal(r.mime_type, "audio/mp4");
    assert_string_equal(r.codecs, "mp4a.40.2");
    assert_string_equal(info.audio_codec, "aac");
    assert_int_equal(info.audio_profile, FF_PROFILE_AAC_LOW);
    assert_int_equal(info.channels, 1);
    assert_int_equal(info.sample_rate, testmedia_profile("low")->audio.sample_rate);
}

static void test_surround_downmixed(void **state)
{
    (void)state;
    codec_result r;
    testmedia_info info;
    run("wav", "pcm_f32le", "5.1", "film.wav", "modern", &r, &info);
    assert_string_equal(info.audio_codec, "opus");
    assert_int_equal(info.channels, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mp3_to_opus),
        cmocka_unit_test(test_aac_fallback),
        cmocka_unit_test(test_surround_downmixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
