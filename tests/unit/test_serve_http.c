/* The HTTP rules of `panya serve` (delivery/serve_http.h), gzip and its cache
 * (delivery/serve_blob.h) and the SCORM launch list (manifest/scorm_launch.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "delivery/serve_blob.h"
#include "delivery/serve_http.h"
#include "manifest/scorm_launch.h"

static serve_range_result parse(const char *header, uint64_t size, serve_range *r, size_t *n)
{
    return serve_parse_ranges(header, size, r, n);
}

static void test_single_ranges(void **state)
{
    (void)state;
    serve_range r[SERVE_MAX_RANGES];
    size_t n;
    assert_int_equal(parse("bytes=0-99", 1000, r, &n), SERVE_RANGE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].first, 0);
    assert_int_equal(r[0].last, 99);
    assert_int_equal(parse("bytes=900-", 1000, r, &n), SERVE_RANGE_OK);
    assert_int_equal(r[0].first, 900);
    assert_int_equal(r[0].last, 999);
    assert_int_equal(parse("bytes=-100", 1000, r, &n), SERVE_RANGE_OK);
    assert_int_equal(r[0].first, 900);
    assert_int_equal(r[0].last, 999);
    assert_int_equal(parse("bytes=-5000", 1000, r, &n), SERVE_RANGE_OK); /* suffix > size */
    assert_int_equal(r[0].first, 0);
    assert_int_equal(parse("bytes=990-5000", 1000, r, &n), SERVE_RANGE_OK); /* clipped */
    assert_int_equal(r[0].last, 999);
    assert_int_equal(parse(" Bytes = 1-2 ", 1000, r, &n), SERVE_RANGE_OK);
}

static void test_unsatisfiable_and_ignored(void **state)
{
    (void)state;
    serve_range r[SERVE_MAX_RANGES];
    size_t n;
    assert_int_equal(parse("bytes=1000-", 1000, r, &n), SERVE_RANGE_UNSATISFIABLE);
    assert_int_equal(parse("bytes=-0", 1000, r, &n), SERVE_RANGE_UNSATISFIABLE);
    assert_int_equal(parse("bytes=0-0", 0, r, &n), SERVE_RANGE_UNSATISFIABLE);
    assert_int_equal(parse("bytes=2000-3000,4000-", 1000, r, &n), SERVE_RANGE_UNSATISFIABLE);
    /* Malformed: ignored, the whole file is sent. */
    const char *bad[] = {NULL, "", "bytes", "bytes=", "bytes=a-b", "bytes=5-1", "items=0-1",
                         "bytes=0-1;x", "bytes=1-2-3", "bytes=99999999999999999999999-",
                         "bytes=--5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse(bad[i], 1000, r, &n), SERVE_RANGE_NONE);
}

static void test_multi_ranges(void **state)
{
    (void)state;
    serve_range r[SERVE_MAX_RANGES];
    size_t n;
    /* One unsatisfiable range among good ones is dropped. */
    assert_int_equal(parse("bytes=0-9, 20-29,5000-6000,-5", 1000, r, &n), SERVE_RANGE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(r[1].first, 20);
    assert_int_equal(r[2].first, 995);
    /* Too many ranges, or ranges adding up to more than twice the file: ignored. */
    char many[1024] = "bytes=0-0";
    for (int i = 1; i <= SERVE_MAX_RANGES; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), ",%d-%d", i, i);
    assert_int_equal(parse(many, 1000, r, &n), SERVE_RANGE_NONE);
    assert_int_equal(parse("bytes=0-,0-,0-", 1000, r, &n), SERVE_RANGE_NONE);
}

static void test_multipart_layout(void **state)
{
    (void)state;
    serve_range r[2] = {{0, 9}, {100, 104}};
    serve_multipart mp;
    assert_int_equal(serve_multipart_init(&mp, r, 2, 1000, "video/mp4", "abcdef"), 0);
    uint64_t expected = mp.header_lengths[0] + 10 + mp.header_lengths[1] + 5 + mp.closing_length;
    assert_int_equal(mp.total_length, expected);
    assert_non_null(strstr(mp.part_headers[1], "Content-Range: bytes 100-104/1000\r\n"));
    assert_non_null(strstr(mp.part_headers[0], "Content-Type: video/mp4\r\n"));
    bool in_header;
    uint64_t offset;
    assert_int_equal(serve_multipart_locate(&mp, mp.header_lengths[0] + 3, &in_header, &offset), 0);
    assert_false(in_header);
    assert_int_equal(offset, 3);
    assert_int_equal(serve_multipart_locate(&mp, mp.header_lengths[0] + 10 +
                                                     mp.header_lengths[1] + 4,
                                            &in_header, &offset),
                     1);
    assert_int_equal(offset, 104);
    assert_int_equal(serve_multipart_locate(&mp, expected - 1, &in_header, &offset), 2);
    serve_multipart_free(&mp);
}

static void test_etags(void **state)
{
    (void)state;
    const char *tag = "\"abc\"";
    assert_true(serve_etag_listed("\"abc\"", tag));
    assert_true(serve_etag_listed("W/\"abc\"", tag));
    assert_true(serve_etag_listed("\"x\", \"abc\"", tag));
    assert_true(serve_etag_listed(" * ", tag));
    assert_false(serve_etag_listed("\"abcd\"", tag));
    assert_false(serve_etag_listed("abc", tag));
    assert_false(serve_etag_listed(NULL, tag));
    assert_false(serve_etag_listed("\"abc", tag));
    assert_true(serve_if_range_allows(NULL, tag));
    assert_true(serve_if_range_allows("\"abc\"", tag));
    assert_false(serve_if_range_allows("W/\"abc\"", tag)); /* If-Range is strong */
    assert_false(serve_if_range_allows("Tue, 01 Dec 2026 10:00:00 GMT", tag));
}

static void test_paths(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(serve_decode_path("/p/k/%E0%BA%A5%E0%BA%B2%E0%BA%A7/a%20b.html", out,
                                       sizeof out), 0);
    assert_string_equal(out, "/p/k/ລາວ/a b.html");
    assert_int_equal(serve_decode_path("/p/k/dir/", out, sizeof out), 0);
    const char *bad[] = {"", "p/x", "/..", "/a/../b", "/a/%2e%2e/b", "/a/%2E%2E", "/a/.",
                         "/a/./b", "/a//b", "//a", "/a%00b", "/a%0ab", "/a\\b", "/a%5cb",
                         "/%", "/%4", "/%zz", "/%C0%AE", "/%E0%80%AE", "/%ED%A0%80", "/%FF",
                         "/a\x01", "/a\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(serve_decode_path(bad[i], out, sizeof out), -1);
    char tiny[4];
    assert_int_equal(serve_decode_path("/abcdef", tiny, sizeof tiny), -1);
}

static void test_query_and_profile(void **state)
{
    (void)state;
    size_t len;
    const char *v = serve_query_find("use=low&back=%2Fx%20y", "back", &len);
    assert_non_null(v);
    char out[64];
    assert_int_equal(serve_decode_query_value(v, len, out, sizeof out), 0);
    assert_string_equal(out, "/x y");
    assert_null(serve_query_find("usex=1", "use", &len));
    assert_int_equal(serve_decode_query_value("%", 1, out, sizeof out), -1);
    assert_int_equal(serve_decode_query_value("%0a", 3, out, sizeof out), -1);
    assert_int_equal(serve_decode_query_value("a+b", 3, out, sizeof out), 0);
    assert_string_equal(out, "a b");

    assert_null(serve_pick_profile(NULL, NULL));
    assert_string_equal(serve_pick_profile(NULL, "on"), "low");
    assert_null(serve_pick_profile(NULL, "off"));
    assert_string_equal(serve_pick_profile("a=1; panya_profile=small", "on"), "small");
    assert_string_equal(serve_pick_profile("panya_profile=low", NULL), "low");
    assert_null(serve_pick_profile("panya_profile=huge; x_panya_profile=low", NULL));
    assert_true(serve_profile_is_choice("low"));
    assert_false(serve_profile_is_choice("source"));

    assert_true(serve_accepts_gzip("gzip, deflate, br"));
    assert_true(serve_accepts_gzip("br;q=1.0, GZIP;q=0.5"));
    assert_true(serve_accepts_gzip("*"));
    assert_false(serve_accepts_gzip("gzip;q=0"));
    assert_false(serve_accepts_gzip("gzip;q=0.000, br"));
    assert_false(serve_accepts_gzip("br, zstd"));
    assert_false(serve_accepts_gzip(NULL));
    assert_false(serve_accepts_gzip("*, gzip;q=0"));

    char *escaped = serve_url_escape("ລາວ/a b?#.mp4");
    assert_string_equal(escaped, "%E0%BA%A5%E0%BA%B2%E0%BA%A7/a%20b%3F%23.mp4");
    free(escaped);
}

static void test_log_line(void **state)
{
    (void)state;
    char line[512];
    serve_format_log_line(line, sizeof line, "10.0.0.7", 0, "GET", "/p/a\"b\n", "HTTP/1.1", 206,
                          65536, NULL, "Mozilla/5.0 (Linux; Android 13)");
    assert_non_null(strstr(line, "10.0.0.7 - - ["));
    assert_non_null(strstr(line, "] \"GET /p/a\\x22b\\x0A HTTP/1.1\" 206 65536 \"-\" "
                                 "\"Mozilla/5.0 (Linux; Android 13)\""));
    char small[16];
    serve_format_log_line(small, sizeof small, "1.2.3.4", 0, "GET", "/x", "HTTP/1.1", 200, 1,
                          NULL, NULL);
    assert_true(strlen(small) < sizeof small);
    /* A target longer than the line (found by fuzz_serve_http): cut, never overrun. */
    char target[3000];
    memset(target, '"', sizeof target - 1);
    target[sizeof target - 1] = '\0';
    char guarded[600];
    memset(guarded, 'Z', sizeof guarded);
    serve_format_log_line(guarded, 512, "1.2.3.4", 0, "GET", target, "HTTP/1.1", 200, 1, NULL,
                          NULL);
    assert_int_equal(strlen(guarded), 511);
    assert_int_equal(guarded[512], 'Z');
}

static void test_gzip_and_cache(void **state)
{
    (void)state;
    char text[20000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = "ລາວ lao "[i % 10];
    serve_blob *gz = serve_gzip(text, sizeof text);
    assert_non_null(gz);
    assert_true(gz->size < sizeof text / 10);
    assert_int_equal(gz->data[0], 0x1f); /* gzip magic */
    assert_int_equal(gz->data[1], 0x8b);
    char back[sizeof text];
    z_stream z = {0};
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = gz->data;
    z.avail_in = (uInt)gz->size;
    z.next_out = (Bytef *)back;
    z.avail_out = sizeof back;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, sizeof text);
    inflateEnd(&z);
    assert_memory_equal(back, text, sizeof text);

    serve_blob_cache cache;
    serve_blob_cache_init(&cache, 4 * gz->size);
    uint8_t k1[32] = {1}, k2[32] = {2}, k3[32] = {3}, k4[32] = {4}, k5[32] = {5};
    serve_blob_cache_put(&cache, k1, gz);
    serve_blob *hit = serve_blob_cache_get(&cache, k1);
    assert_ptr_equal(hit, gz);
    serve_blob_unref(hit);
    assert_null(serve_blob_cache_get(&cache, k2));
    serve_blob_cache_put(&cache, k2, gz);
    serve_blob_cache_put(&cache, k3, gz);
    serve_blob_cache_put(&cache, k4, gz);
    serve_blob_cache_put(&cache, k5, gz); /* over the limit: the oldest (k1) goes */
    assert_null(serve_blob_cache_get(&cache, k1));
    hit = serve_blob_cache_get(&cache, k5);
    assert_non_null(hit);
    serve_blob_unref(hit);
    serve_blob_cache_free(&cache);
    serve_blob_unref(gz);
}

static void test_scorm_launch(void **state)
{
    (void)state;
    const char *xml =
        "<?xml version=\"1.0\"?>\n"
        "<manifest identifier=\"m\" xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\"\n"
        "  xmlns:adlcp=\"http://www.adlnet.org/xsd/adlcp_rootv1p2\">\n"
        "<organizations default=\"b\">\n"
        "  <organization identifier=\"a\"><item identifier=\"x\" identifierref=\"r1\">"
        "<title>Wrong</title></item></organization>\n"
        "  <organization identifier=\"b\"><title>Course</title>\n"
        "    <item identifier=\"i1\" identifierref=\"r1\" parameters=\"page=2\">"
        "<title>ບົດທີ 1</title>\n"
        "      <item identifier=\"i2\" identifierref=\"r2\"><title>Two</title></item>\n"
        "    </item>\n"
        "    <item identifier=\"i3\" identifierref=\"missing\"><title>Gone</title></item>\n"
        "    <item identifier=\"i4\" identifierref=\"r3\"><title>Asset</title></item>\n"
        "  </organization>\n"
        "</organizations>\n"
        "<resources xml:base=\"content/\">\n"
        "  <resource identifier=\"r1\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
        "href=\"one.html\"/>\n"
        "  <resource identifier=\"r2\" type=\"webcontent\" adlcp:scormtype=\"sco\" "
        "xml:base=\"two/\" href=\"index.html?x=1\"/>\n"
        "  <resource identifier=\"r3\" type=\"webcontent\" adlcp:scormtype=\"asset\"/>\n"
        "</resources></manifest>\n";
    scorm_launch launch;
    panya_error err = {0};
    assert_int_equal(scorm_launch_read((const uint8_t *)xml, strlen(xml), "imsmanifest.xml",
                                       &launch, &err),
                     0);
    assert_int_equal(launch.count, 2);
    assert_string_equal(launch.entries[0].title, "ບົດທີ 1");
    assert_string_equal(launch.entries[0].href, "content/one.html?page=2");
    assert_string_equal(launch.entries[1].href, "content/two/index.html?x=1");
    scorm_launch_free(&launch);

    const char *broken = "<manifest><organizations>";
    assert_int_equal(scorm_launch_read((const uint8_t *)broken, strlen(broken), "bad.xml",
                                       &launch, &err),
                     -1);
    assert_non_null(strstr(err.message, "bad.xml"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_ranges),
        cmocka_unit_test(test_unsatisfiable_and_ignored),
        cmocka_unit_test(test_multi_ranges),
        cmocka_unit_test(test_multipart_layout),
        cmocka_unit_test(test_etags),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_query_and_profile),
        cmocka_unit_test(test_log_line),
        cmocka_unit_test(test_gzip_and_cache),
        cmocka_unit_test(test_scorm_launch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
