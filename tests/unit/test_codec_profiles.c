/* Profile files: the built-in set, user files, and broken or hostile ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codec_testmedia.h"
#include "codecs/codecs.h"

static const char valid_profile[] =
    "<profiles>\n"
    "  <profile name=\"tiny\" version=\"3\">\n"
    "    <video codec=\"h264\" profile=\"baseline\" max-width=\"320\" max-height=\"180\"\n"
    "           max-fps=\"15\" crf=\"30\" maxrate-kbps=\"80\" bufsize-kbps=\"160\"\n"
    "           keyframe-seconds=\"2.5\" preset=\"veryfast\">\n"
    "      <audio codec=\"aac\" bitrate-kbps=\"16\" channels=\"1\" sample-rate=\"16000\"/>\n"
    "    </video>\n"
    "    <audio codec=\"opus\" bitrate-kbps=\"12\" channels=\"1\" sample-rate=\"48000\"/>\n"
    "    <image max-side=\"480\" quality=\"50\" min-ssim=\"0.9\" lossless-max-colors=\"64\"/>\n"
    "  </profile>\n"
    "</profiles>\n";

static void test_default_set(void **state)
{
    (void)state;
    codec_profile_set set;
    panya_error err = {0};
    assert_int_equal(codec_profiles_load_default(&set, &err), 0);
    const char *names[] = {"small", "low", "modern"};
    for (size_t i = 0; i < 3; i++) {
        const codec_profile *p = codec_profiles_find(&set, names[i]);
        assert_non_null(p);
        assert_true(p->version >= 1);
        assert_true(p->video.max_width >= p->video.max_height);
        assert_true(p->image.max_side > 0);
    }
    assert_string_equal(codec_profiles_find(&set, "small")->video.codec, "h264");
    assert_string_equal(codec_profiles_find(&set, "low")->video.profile, "baseline");
    assert_string_equal(codec_profiles_find(&set, "modern")->video.codec, "av1");
    assert_string_equal(codec_profiles_find(&set, "modern")->video.audio.codec, "opus");
    assert_null(codec_profiles_find(&set, "huge"));
    codec_profiles_free(&set);
}

static void test_user_file(void **state)
{
    (void)state;
    char dir[200], path[256];
    testmedia_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/mine.xml", dir);
    FILE *f = fopen(path, "wb");
    fputs(valid_profile, f);
    fclose(f);
    codec_profile_set set;
    panya_error err = {0};
    assert_int_equal(codec_profiles_load_file(&set, path, &err), 0);
    assert_int_equal(set.count, 1);
    const codec_profile *p = &set.profiles[0];
    assert_string_equal(p->name, "tiny");
    assert_int_equal(p->version, 3);
    assert_int_equal(p->video.max_width, 320);
    assert_true(p->video.keyframe_seconds == 2.5);
    assert_string_equal(p->video.preset, "veryfast");
    assert_int_equal(p->video.audio.sample_rate, 16000);
    assert_string_equal(p->audio.codec, "opus");
    assert_int_equal(p->image.lossless_max_colors, 64);
    assert_true(p->image.min_ssim == 0.9);
    codec_profiles_free(&set);
}

static void expect_invalid(const char *xml, const char *needle)
{
    codec_profile_set set;
    panya_error err = {0};
    assert_int_equal(codec_profiles_load_memory(&set, xml, strlen(xml), "p.xml", &err), -1);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    if (!strstr(err.message, needle))
        fail_msg("'%s' lacks '%s'", err.message, needle);
    assert_null(set.profiles);
}

static void test_invalid_files(void **state)
{
    (void)state;
    expect_invalid("<profiles><profile", "p.xml:1: not well-formed");
    char bad[sizeof valid_profile + 16];
    /* A value the schema refuses, reported with the line libxml2 gives (end of the tag). */
    snprintf(bad, sizeof bad, "%s", valid_profile);
    memcpy(strstr(bad, "crf=\"30\""), "crf=\"99\"", 8);
    expect_invalid(bad, "p.xml:5: Element 'video', attribute 'crf'");
    /* An x264 preset on an AV1 profile. */
    snprintf(bad, sizeof bad, "%s", valid_profile);
    memcpy(strstr(bad, "codec=\"h264\""), "codec=\"av1\" ", 12);
    expect_invalid(bad, "preset 'veryfast' does not suit av1");
    /* Two profiles with one name. */
    char twice[2 * sizeof valid_profile];
    const char *body = strstr(valid_profile, "  <profile");
    size_t body_len = (size_t)(strstr(valid_profile, "</profiles>") - body);
    snprintf(twice, sizeof twice, "<profiles>\n%.*s%.*s</profiles>\n", (int)body_len, body,
             (int)body_len, body);
    expect_invalid(twice, "p.xml:");
}

/* valid_profile with extra attributes on its audio-only <audio>, into buf. */
static void with_audio_attributes(char *buf, size_t size, const char *extra)
{
    const char *end = strstr(valid_profile, "sample-rate=\"48000\"") + 19;
    snprintf(buf, size, "%.*s %s%s", (int)(end - valid_profile), valid_profile, extra, end);
}

/* The speech rule: read from the file, checked against the rate for music. */
static void test_speech_rule(void **state)
{
    (void)state;
    char xml[sizeof valid_profile + 128];
    with_audio_attributes(xml, sizeof xml,
                          "speech-bitrate-kbps=\"10\" speech-sample-rate=\"16000\"");
    codec_profile_set set;
    panya_error err = {0};
    assert_int_equal(codec_profiles_load_memory(&set, xml, strlen(xml), "p.xml", &err), 0);
    assert_int_equal(set.profiles[0].audio.speech_bitrate_kbps, 10);
    assert_int_equal(set.profiles[0].audio.speech_sample_rate, 16000);
    assert_int_equal(set.profiles[0].video.audio.speech_bitrate_kbps, 0); /* no rule */
    codec_profiles_free(&set);
    /* Without speech-sample-rate, speech keeps the profile's sample rate. */
    with_audio_attributes(xml, sizeof xml, "speech-bitrate-kbps=\"10\"");
    assert_int_equal(codec_profiles_load_memory(&set, xml, strlen(xml), "p.xml", &err), 0);
    assert_int_equal(set.profiles[0].audio.speech_sample_rate, 48000);
    codec_profiles_free(&set);
    with_audio_attributes(xml, sizeof xml, "speech-bitrate-kbps=\"16\"");
    expect_invalid(xml, "speech-bitrate-kbps 16 is above its bitrate-kbps 12");
    with_audio_attributes(xml, sizeof xml, "speech-sample-rate=\"16000\"");
    expect_invalid(xml, "speech-sample-rate needs speech-bitrate-kbps");
    with_audio_attributes(xml, sizeof xml, "speech-sample-rate=\"11025\"");
    expect_invalid(xml, "attribute 'speech-sample-rate'");
}

static void test_no_external_entities(void **state)
{
    (void)state;
    /* An external entity must never be fetched or expanded into a value. */
    const char *xxe = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE profiles [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>\n"
                      "<profiles><profile name=\"&x;\" version=\"1\"/></profiles>\n";
    expect_invalid(xxe, "p.xml:");
}

static void test_missing_file(void **state)
{
    (void)state;
    codec_profile_set set;
    panya_error err = {0};
    assert_int_equal(codec_profiles_load_file(&set, "/nonexistent/profiles.xml", &err), -1);
    assert_int_equal(err.code, PANYA_ERR_USAGE);
    assert_non_null(strstr(err.message, "/nonexistent/profiles.xml"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_set),
        cmocka_unit_test(test_user_file),
        cmocka_unit_test(test_invalid_files),
        cmocka_unit_test(test_speech_rule),
        cmocka_unit_test(test_no_external_entities),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
