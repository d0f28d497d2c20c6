/* Audio-only files: Opus for speech, AAC-LC for the oldest phones; any input layout; speech
 * at the speech rate, music at the profile's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ---- Speech and music (docs/PROFILES.md): a speech track gets the speech rate ---- */

#define NARRATION "Boil the water for one full minute. Let it cool, then pour it into a " \
                  "clean container with a lid. Wash your hands with soap before you touch " \
                  "the water, and keep the lid closed."
/* Chords that change every two and four seconds over a bass beat twice a second. */
#define MUSIC "aevalsrc=exprs='0.15*(sin(2*PI*(220+27*lt(mod(t,8),4))*t)+sin(2*PI*277.2*t)+" \
              "sin(2*PI*(329.6+20*gte(mod(t,4),2))*t))*(0.7+0.3*abs(sin(PI*2*t)))+" \
              "0.4*sin(2*PI*60*t)*exp(-12*mod(t,0.5))':s=44100:d=12"

/* Real (synthesised) speech from espeak-ng into dir/speech.wav; false without espeak-ng. */
static bool write_speech(const char *dir, char *path, size_t size)
{
    snprintf(path, size, "%s/speech.wav", dir);
    if (system("command -v espeak-ng >/dev/null 2>&1") != 0)
        return false;
    char command[512];
    snprintf(command, sizeof command, "espeak-ng -v en -s 150 -w '%s' '%s'", path, NARRATION);
    if (system(command) != 0)
        fail_msg("espeak-ng failed");
    return true;
}

/* Transcodes src through profile `name`, and again without its speech rules into a second
 * file: r is the real result, plain the one without the rules. */
static void transcode_both(const char *src, const char *name, codec_result *r,
                           codec_result *plain, char *out, size_t out_size)
{
    char plain_out[300];
    snprintf(out, out_size, "%s.out", src);
    snprintf(plain_out, sizeof plain_out, "%s.plain", src);
    codec_profile no_rule = *testmedia_profile(name);
    no_rule.audio.speech_bitrate_kbps = no_rule.video.audio.speech_bitrate_kbps = 0;
    panya_error err = {0};
    if (codec_transcode_file(src, testmedia_profile(name), out, 1, 0, r, &err) != 0 ||
        codec_transcode_file(src, &no_rule, plain_out, 1, 0, plain, &err) != 0)
        fail_msg("%s: %s", src, err.message);
    assert_string_equal(plain->audio_content, "");
}

static void test_speech_at_speech_rate(void **state)
{
    (void)state;
    char dir[200], src[256], out[300];
    testmedia_temp_dir(dir, sizeof dir);
    if (!write_speech(dir, src, sizeof src))
        skip();
    const char *profiles[] = {"small", "low", "modern"};
    for (size_t i = 0; i < 3; i++) {
        const codec_audio_settings *a = &testmedia_profile(profiles[i])->audio;
        codec_result r, plain;
        transcode_both(src, profiles[i], &r, &plain, out, sizeof out);
        assert_string_equal(r.audio_content, "speech");
        assert_true(r.audio_low_energy >= 0.30 && r.audio_high_zcr >= 0.10);
        assert_int_equal(r.audio_kbps, a->speech_bitrate_kbps);
        assert_int_equal(plain.audio_kbps, a->bitrate_kbps);
        /* What a user notices: a smaller file (16 kb/s against 20 or 24). */
        if (r.bytes > plain.bytes * 0.85)
            fail_msg("%s: speech %llu bytes, without the rule %llu", profiles[i],
                     (unsigned long long)r.bytes, (unsigned long long)plain.bytes);
        testmedia_info info;
        testmedia_inspect(out, &info);
        assert_int_equal(info.sample_rate, a->codec[0] == 'o' ? 48000 : a->speech_sample_rate);
        /* The same file gives the same bytes. */
        codec_result again;
        char again_out[320];
        snprintf(again_out, sizeof again_out, "%s.again", out);
        panya_error err = {0};
        assert_int_equal(codec_transcode_file(src, testmedia_profile(profiles[i]), again_out, 2,
                                              0, &again, &err), 0);
        assert_int_equal(again.bytes, r.bytes);
        assert_true(again.audio_low_energy == r.audio_low_energy);
    }
}

static void test_speech_in_video(void **state)
{
    (void)state;
    char dir[200], speech[256], src[300], out[320];
    testmedia_temp_dir(dir, sizeof dir);
    if (!write_speech(dir, speech, sizeof speech))
        skip();
    snprintf(src, sizeof src, "%s/slides.mp4", dir);
    char graph[400];
    snprintf(graph, sizeof graph, "amovie=%s", speech);
    testmedia_clip clip = {.muxer = "mp4", .video = "color=c=0x204080:size=160x120:rate=10:duration=9",
                           .video_encoder = "libx264", .pix_fmt = "yuv420p", .audio = graph,
                           .audio_encoder = "aac", .channel_layout = "mono"};
    testmedia_write_clip(src, &clip);
    codec_result r, plain;
    transcode_both(src, "small", &r, &plain, out, sizeof out);
    assert_int_equal(r.kind, CODEC_KIND_VIDEO);
    assert_string_equal(r.audio_content, "speech");
    const codec_audio_settings *a = &testmedia_profile("small")->video.audio;
    assert_int_equal(r.audio_kbps, a->speech_bitrate_kbps);
    assert_true(r.bytes < plain.bytes);
    testmedia_info info;
    testmedia_inspect(out, &info);
    assert_string_equal(info.audio_codec, "aac");
    assert_int_equal(info.sample_rate, a->speech_sample_rate);
}

/* A track longer than a minute is read in six windows spread over it. */
static void test_long_speech_in_windows(void **state)
{
    (void)state;
    char dir[200], speech[256], src[300], out[320], graph[400];
    testmedia_temp_dir(dir, sizeof dir);
    if (!write_speech(dir, speech, sizeof speech))
        skip();
    snprintf(src, sizeof src, "%s/lecture.mp3", dir);
    snprintf(graph, sizeof graph, "amovie=%s:loop=9,asetpts=N/SR/TB", speech);
    testmedia_clip clip = {.muxer = "mp3", .audio = graph, .audio_encoder = "libmp3lame",
                           .channel_layout = "mono"};
    testmedia_write_clip(src, &clip);
    codec_result r, plain;
    transcode_both(src, "modern", &r, &plain, out, sizeof out);
    assert_true(r.duration > 70);
    assert_string_equal(r.audio_content, "speech");
    assert_int_equal(r.audio_kbps, testmedia_profile("modern")->audio.speech_bitrate_kbps);
    assert_true(r.bytes < plain.bytes * 0.9);
}

/* Music, and speech over a music bed, keep the profile's rate: the same bytes as without
 * the rule. */
static void expect_music(const char *dir, const char *name, const char *graph)
{
    char src[300], out[320];
    snprintf(src, sizeof src, "%s/%s", dir, name);
    testmedia_clip clip = {.muxer = "wav", .audio = graph, .audio_encoder = "pcm_s16le",
                           .channel_layout = "stereo"};
    testmedia_write_clip(src, &clip);
    codec_result r, plain;
    transcode_both(src, "small", &r, &plain, out, sizeof out);
    if (strcmp(r.audio_content, "music") != 0)
        fail_msg("%s: %s (low-energy %.3f, high-ZCR %.3f)", name, r.audio_content,
                 r.audio_low_energy, r.audio_high_zcr);
    assert_int_equal(r.audio_kbps, testmedia_profile("small")->audio.bitrate_kbps);
    assert_int_equal(r.bytes, plain.bytes);
}

static void test_music_keeps_rate(void **state)
{
    (void)state;
    char dir[200], speech[256], graph[1024];
    testmedia_temp_dir(dir, sizeof dir);
    expect_music(dir, "music.wav", MUSIC);
    if (!write_speech(dir, speech, sizeof speech))
        skip();
    snprintf(graph, sizeof graph,
             "amovie=%s,aresample=44100[s];" MUSIC ",volume=0.3[m];"
             "[s][m]amix=inputs=2:duration=first:normalize=0", speech);
    expect_music(dir, "narration-over-music.wav", graph);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mp3_to_opus),
        cmocka_unit_test(test_aac_fallback),
        cmocka_unit_test(test_surround_downmixed),
        cmocka_unit_test(test_speech_at_speech_rate),
        cmocka_unit_test(test_speech_in_video),
        cmocka_unit_test(test_long_speech_in_windows),
        cmocka_unit_test(test_music_keeps_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
