/* Images of every accepted kind through the built-in profiles into WebP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <webp/decode.h>

#include "codec_testmedia.h"
#include "codecs/codecs.h"

typedef struct webp_facts {
    int width, height;
    bool alpha, lossless;
} webp_facts;

static webp_facts read_webp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static uint8_t data[4 << 20];
    size_t size = fread(data, 1, sizeof data, f);
    fclose(f);
    WebPBitstreamFeatures features;
    assert_int_equal(WebPGetFeatures(data, size, &features), VP8_STATUS_OK);
    int w, h;
    uint8_t *pixels = WebPDecodeRGBA(data, size, &w, &h); /* decodes fully: not damaged */
    assert_non_null(pixels);
    WebPFree(pixels);
    return (webp_facts){features.width, features.height, features.has_alpha != 0,
                        features.format == 2};
}

/* Writes a picture, transcodes it with `profile_name`, checks the output. */
static webp_facts run(const char *name, const char *graph, const char *encoder,
                      const char *muxer, const char *profile_name, codec_result *result)
{
    char dir[200], src[256], out[256];
    testmedia_temp_dir(dir, sizeof dir);
    snprintf(src, sizeof src, "%s/%s", dir, name);
    snprintf(out, sizeof out, "%s/%s", dir, name); /* pack keeps paths: same name, new bytes */
    strcat(out, ".out.png");
    testmedia_write_image(src, graph, encoder, muxer);
    panya_error err = {0};
    const codec_profile *p = testmedia_profile(profile_name);
    assert_non_null(p);
    if (codec_transcode_file(src, p, out, 1, CODEC_MEASURE_SSIM, result, &err) != 0)
        fail_msg("%s: %s", name, err.message);
    assert_int_equal(result->kind, CODEC_KIND_IMAGE);
    assert_string_equal(result->mime_type, "image/webp");
    webp_facts facts = read_webp(out);
    assert_int_equal(facts.width, result->width);
    assert_int_equal(facts.height, result->height);
    return facts;
}

static void test_jpeg_never_upscaled(void **state)
{
    (void)state;
    codec_result r;
    webp_facts f = run("photo.jpg", "testsrc2=size=640x480,format=yuvj420p", "mjpeg", NULL,
                       "small", &r);
    assert_int_equal(f.width, 640);
    assert_int_equal(f.height, 480);
    assert_false(f.alpha);
    assert_true(r.ssim > 0.9);
}

static void test_png_downscaled_to_long_side(void **state)
{
    (void)state;
    codec_result r;
    webp_facts f = run("wide.png", "testsrc2=size=2000x1000,format=rgb24", "png", NULL, "low", &r);
    assert_int_equal(f.width, 720);
    assert_int_equal(f.height, 360);
}

static void test_png_16bit(void **state)
{
    (void)state;
    codec_result r;
    webp_facts f = run("deep.png", "testsrc2=size=96x64,format=rgb48be", "png", NULL, "small", &r);
    assert_int_equal(f.width, 96);
    assert_true(r.ssim > 0.9);
}

static void test_png_alpha_kept(void **state)
{
    (void)state;
    codec_result r;
    webp_facts f = run("alpha.png",
                       "testsrc2=size=128x96,format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':"
                       "a='if(lt(X,64),0,255)',format=rgba",
                       "png", NULL, "small", &r);
    assert_true(f.alpha);
}

static void test_opaque_rgba_has_no_alpha(void **state)
{
    (void)state;
    codec_result r;
    webp_facts f = run("opaque.png", "testsrc2=size=64x64,format=rgba", "png", NULL, "small", &r);
    assert_false(f.alpha);
}

/* A path for `name` in a fresh folder. */
static void temp_path(const char *name, char *buf, size_t size)
{
    char dir[200];
    testmedia_temp_dir(dir, sizeof dir);
    snprintf(buf, size, "%s/%s", dir, name);
}

/* Transcodes src with `small` into src + ".webp"; returns 0 or -1 with err set. */
static int transcode_small(const char *src, unsigned flags, codec_result *r, panya_error *err)
{
    char out[300];
    snprintf(out, sizeof out, "%s.webp", src);
    return codec_transcode_file(src, testmedia_profile("small"), out, 1, flags, r, err);
}

static void expect_refused(const char *src, const char *needle)
{
    codec_result r;
    panya_error err = {0};
    assert_int_equal(transcode_small(src, 0, &r, &err), -1);
    assert_int_equal(err.code, PANYA_ERR_INVALID);
    assert_non_null(strstr(err.message, src));
    if (!strstr(err.message, needle))
        fail_msg("'%s' lacks '%s'", err.message, needle);
}

static void test_palette_line_art_lossless(void **state)
{
    (void)state;
    char src[256], out[300];
    temp_path("diagram.png", src, sizeof src);
    testmedia_write_palette_png(src, 300, 200);
    codec_result r;
    panya_error err = {0};
    assert_int_equal(transcode_small(src, CODEC_MEASURE_SSIM, &r, &err), 0);
    snprintf(out, sizeof out, "%s.webp", src);
    webp_facts f = read_webp(out);
    assert_true(f.lossless);
    assert_true(r.ssim > 0.999);
}

/* With min-ssim the quality goes down only as far as SSIM allows. */
static void test_quality_search(void **state)
{
    (void)state;
    char src[256], out[300];
    temp_path("photo.jpg", src, sizeof src);
    snprintf(out, sizeof out, "%s.webp", src);
    testmedia_write_image(src, "testsrc2=size=400x300,format=yuvj420p", "mjpeg", NULL);
    codec_profile fixed = *testmedia_profile("small"), searched = fixed;
    fixed.image.min_ssim = 0;
    searched.image.min_ssim = 0.9;
    codec_result a, b;
    panya_error err = {0};
    assert_int_equal(codec_transcode_file(src, &fixed, out, 1, CODEC_MEASURE_SSIM, &a, &err), 0);
    assert_int_equal(codec_transcode_file(src, &searched, out, 1, CODEC_MEASURE_SSIM, &b, &err),
                     0);
    assert_true(b.bytes < a.bytes);
    assert_true(b.ssim >= 0.9 && b.ssim <= a.ssim);
}

static void test_gif_first_frame(void **state)
{
    (void)state;
    codec_result r;
    webp_facts f = run("anim.gif", "testsrc2=size=100x80:rate=5:duration=1,format=bgr8", "gif",
                       "gif", "small", &r);
    assert_int_equal(f.width, 100);
    assert_int_equal(f.height, 80);
}

static void test_bmp(void **state)
{
    (void)state;
    codec_result r;
    webp_facts f = run("old.bmp", "testsrc2=size=90x60,format=bgr24", "bmp", NULL, "small", &r);
    assert_int_equal(f.width, 90);
}

static void test_webp_source(void **state)
{
    (void)state;
    codec_result r;
    webp_facts f = run("in.webp", "testsrc2=size=1600x900,format=yuv420p", "libwebp", NULL,
                       "low", &r);
    assert_int_equal(f.width, 720);
    assert_int_equal(f.height, 405);
}

static void test_one_pixel(void **state)
{
    (void)state;
    codec_result r;
    webp_facts f = run("dot.png", "color=c=red:size=1x1,format=rgb24", "png", NULL, "small", &r);
    assert_int_equal(f.width, 1);
    assert_int_equal(f.height, 1);
}

static void test_exif_orientation(void **state)
{
    (void)state;
    char src[256];
    temp_path("phone.jpg", src, sizeof src);
    testmedia_write_image(src, "testsrc2=size=160x80,format=yuvj420p", "mjpeg", NULL);
    testmedia_add_exif_orientation(src, 6); /* taken holding the phone upright */
    codec_result r;
    panya_error err = {0};
    if (transcode_small(src, 0, &r, &err) != 0)
        fail_msg("%s", err.message);
    assert_int_equal(r.width, 80);
    assert_int_equal(r.height, 160);
}

static void test_huge_jpeg_bounded(void **state)
{
    (void)state;
    codec_result r;
    webp_facts f = run("huge.jpg", "color=c=0x336699:size=12000x8000,format=yuvj420p", "mjpeg",
                       NULL, "small", &r);
    assert_int_equal(f.width, 1280);
    assert_int_equal(f.height, 853);
}

static void test_svg_and_text_stay_as_they_are(void **state)
{
    (void)state;
    char svg[256], txt[256];
    temp_path("diagram.svg", svg, sizeof svg);
    temp_path("notes.txt", txt, sizeof txt);
    FILE *f = fopen(svg, "wb");
    fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">"
          "<rect width=\"40\" height=\"20\" fill=\"red\"/></svg>\n", f);
    fclose(f);
    f = fopen(txt, "wb");
    fputs("Lesson notes\nline two\n", f);
    fclose(f);
    const char *paths[] = {svg, txt};
    for (int i = 0; i < 2; i++) {
        codec_probe_info info;
        panya_error err = {0};
        if (codec_probe_file(paths[i], &info, &err) == 0)
            assert_int_equal(info.kind, CODEC_KIND_OTHER);
        else
            assert_int_equal(err.code, PANYA_ERR_INVALID);
        expect_refused(paths[i], paths[i]);
    }
}

static void test_huge_png_refused(void **state)
{
    (void)state;
    char src[256];
    temp_path("bomb.png", src, sizeof src);
    testmedia_write_image(src, "color=c=white:size=8x8,format=rgb24", "png", NULL);
    testmedia_forge_png_size(src, 12000, 8000);
    expect_refused(src, "picture too large (12000x8000; limit 40 megapixels)");
}

static void test_truncated_png(void **state)
{
    (void)state;
    char src[256], cut[256];
    temp_path("full.png", src, sizeof src);
    temp_path("cut.png", cut, sizeof cut);
    testmedia_write_image(src, "testsrc2=size=200x200,format=rgb24", "png", NULL);
    testmedia_truncate_copy(src, cut, 300);
    expect_refused(cut, "cut.png");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jpeg_never_upscaled),
        cmocka_unit_test(test_png_downscaled_to_long_side),
        cmocka_unit_test(test_png_16bit),
        cmocka_unit_test(test_png_alpha_kept),
        cmocka_unit_test(test_opaque_rgba_has_no_alpha),
        cmocka_unit_test(test_palette_line_art_lossless),
        cmocka_unit_test(test_quality_search),
        cmocka_unit_test(test_gif_first_frame),
        cmocka_unit_test(test_bmp),
        cmocka_unit_test(test_webp_source),
        cmocka_unit_test(test_one_pixel),
        cmocka_unit_test(test_exif_orientation),
        cmocka_unit_test(test_huge_jpeg_bounded),
        cmocka_unit_test(test_svg_and_text_stay_as_they_are),
        cmocka_unit_test(test_huge_png_refused),
        cmocka_unit_test(test_truncated_png),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
