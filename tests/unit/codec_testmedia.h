/* Test media made in-process (lavfi sources through libav), and a libavformat look at
 * what an encoder wrote. Used by tests/unit/test_codec_*.c only. */
#ifndef PANYA_TESTS_CODEC_TESTMEDIA_H
#define PANYA_TESTS_CODEC_TESTMEDIA_H

#include <stdbool.h>
#include <stdint.h>

#include "codecs/codecs.h"

typedef struct testmedia_clip {
    const char *muxer;         /* "mp4", "matroska", "mp3", ... */
    const char *video;         /* lavfi graph, e.g. "testsrc2=size=320x240:rate=25:duration=2", or NULL */
    const char *video_encoder; /* "libx264", "ffv1", ... */
    const char *pix_fmt;       /* encoder input format, e.g. "yuv420p" */
    int rotation;              /* display-matrix rotation to tag the stream with (degrees) */
    bool variable_rate;        /* irregular timestamps on a 1/1000 time base */
    const char *audio;         /* lavfi graph, e.g. "sine=frequency=440:duration=2", or NULL */
    const char *audio_encoder; /* "aac", "libmp3lame", ... */
    const char *channel_layout; /* "stereo", "5.1", ... */
} testmedia_clip;

/* Writes the clip; aborts the test (cmocka fail) on any libav error. */
void testmedia_write_clip(const char *path, const testmedia_clip *clip);

/* Writes one picture from a lavfi graph (e.g. "testsrc2=size=64x48,format=rgba") encoded
 * with `encoder` ("png", "mjpeg", "bmp", "gif", "libwebp") through `muxer`. */
void testmedia_write_image(const char *path, const char *graph, const char *encoder,
                           const char *muxer);

/* A palette PNG of four flat colours in stripes (line art). */
void testmedia_write_palette_png(const char *path, int width, int height);

/* Inserts an EXIF APP1 segment with the given Orientation after a JPEG's SOI marker. */
void testmedia_add_exif_orientation(const char *jpeg_path, int orientation);

/* Rewrites a PNG's IHDR size (and CRC) so it claims width x height. */
void testmedia_forge_png_size(const char *png_path, int width, int height);

/* Writes `size` bytes of a file's beginning to another file (truncated media). */
void testmedia_truncate_copy(const char *from, const char *to, long size);

typedef struct testmedia_info {
    char container[64];
    char video_codec[32];
    int video_profile, video_level;
    int width, height;
    char pix_fmt[32];
    double fps;                   /* avg_frame_rate */
    double max_keyframe_gap;      /* seconds between consecutive keyframes (and to the end) */
    int64_t video_frames;
    char audio_codec[32];
    int audio_profile;
    int channels, sample_rate;
    double duration;
    int streams;
} testmedia_info;

/* Opens a written file with libavformat and reads every packet. */
void testmedia_inspect(const char *path, testmedia_info *info);

/* A built-in profile by name (loaded once per test program); fails the test if absent. */
const codec_profile *testmedia_profile(const char *name);

/* A fresh folder for one test under /tmp/panya-codec-test-XXXXXX, removed at exit unless
 * PANYA_KEEP_TEST_FILES is set (to look at what a failing test wrote). */
void testmedia_temp_dir(char *buf, unsigned long size);

#endif
