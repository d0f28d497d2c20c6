/* Media for cheap phones: profiles, probe, and one-file transcodes (video, audio, image).
 *
 * The only header the rest of panya includes from codecs/. Everything here is in-process
 * (libavformat/libavcodec/libavfilter, libwebp); nothing knows about bundles or SCORM.
 * Every function that can fail takes a panya_error, fills it with a message naming the
 * file, and returns -1. */
#ifndef PANYA_CODECS_CODECS_H
#define PANYA_CODECS_CODECS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

typedef enum codec_kind {
    CODEC_KIND_OTHER = 0, /* not media panya transcodes (copied as it is) */
    CODEC_KIND_VIDEO,
    CODEC_KIND_AUDIO,
    CODEC_KIND_IMAGE,
} codec_kind;

/* "video", "audio", "image" or "other". */
const char *codec_kind_name(codec_kind kind);

/* ---- Profiles (docs/PROFILES.md; schema codecs/profiles.xsd) ---- */

#define CODEC_NAME_SIZE 32

typedef struct codec_audio_settings {
    char codec[CODEC_NAME_SIZE]; /* "aac" (AAC-LC) or "opus" */
    int bitrate_kbps;
    int channels;    /* 1 or 2; more are downmixed */
    int sample_rate; /* Hz; never raised above the source's */
    /* The speech rule: a sound track classified as speech is encoded at these instead
     * (docs/PROFILES.md, Speech and music). 0: no rule, every track as above. */
    int speech_bitrate_kbps;
    int speech_sample_rate; /* the profile's sample_rate when the file does not say */
} codec_audio_settings;

typedef struct codec_video_settings {
    char codec[CODEC_NAME_SIZE];   /* "h264" or "av1" */
    char profile[CODEC_NAME_SIZE]; /* h264: "baseline" (constrained) or "main"; av1: "main" */
    int max_width, max_height;     /* bounding box, either orientation; never upscaled */
    double max_fps;                /* frame-rate cap */
    int crf;                       /* constant quality, capped by the VBV below; with a
                                      target, where the CRF search starts */
    int crf_min, crf_max;          /* the CRF search's range (target-ssim640 > 0) */
    double target_ssim640;         /* per-clip quality target (0: the fixed crf) */
    double budget_mb_per_min;      /* average over a catalogue the target should keep to */
    int maxrate_kbps, bufsize_kbps; /* the VBV: the hard per-clip ceiling */
    double keyframe_seconds;
    char preset[CODEC_NAME_SIZE]; /* x264: "ultrafast".."veryslow"; SVT-AV1: "0".."13" (faster) */
    codec_audio_settings audio; /* the sound track of a video */
} codec_video_settings;

typedef struct codec_image_settings {
    int max_side; /* long side of the output, in pixels; never upscaled */
    int quality;  /* lossy WebP quality 0..100: the highest used */
    double min_ssim; /* lowest quality whose SSIM stays at or above this (0: always quality) */
    int lossless_max_colors; /* at or below this many colours lossless is tried too */
} codec_image_settings;

typedef struct codec_profile {
    char name[CODEC_NAME_SIZE];
    int version; /* changes whenever the output for the same input would change */
    codec_video_settings video;
    codec_audio_settings audio; /* audio-only files */
    codec_image_settings image;
} codec_profile;

typedef struct codec_profile_set {
    codec_profile *profiles;
    size_t count;
} codec_profile_set;

/* The built-in set (codecs/profiles.xml compiled in): small, low, modern. */
int codec_profiles_load_default(codec_profile_set *set, panya_error *err);
/* A user's profile file, validated against codecs/profiles.xsd (no network, no entities). */
int codec_profiles_load_file(codec_profile_set *set, const char *path, panya_error *err);
/* Parses profiles from memory; `name` is used in messages. */
int codec_profiles_load_memory(codec_profile_set *set, const char *xml, size_t len,
                               const char *name, panya_error *err);
/* NULL when there is no profile with that name. */
const codec_profile *codec_profiles_find(const codec_profile_set *set, const char *name);
void codec_profiles_free(codec_profile_set *set);

/* ---- Probe ---- */

typedef struct codec_probe_info {
    codec_kind kind;
    char container[64]; /* libavformat's short name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" */
    char video_codec[32];
    char video_profile[32];
    char pixel_format[32];
    int width, height; /* coded size; 0 without video */
    int rotation;      /* degrees clockwise the picture must be turned to display (0/90/180/270) */
    double fps;        /* average frame rate; 0 when unknown */
    char audio_codec[32];
    int channels, sample_rate;
    double duration;    /* seconds; 0 when unknown (still images) */
    int64_t bitrate;    /* bits per second over the whole file; 0 when unknown */
    uint64_t file_size; /* bytes */
} codec_probe_info;

/* Opens the file with libavformat and describes it. A zero-byte, truncated or unknown file
 * is PANYA_ERR_INVALID naming the file; an unreadable one is PANYA_ERR_USAGE. Files libav
 * reads but panya keeps as they are (SVG, subtitles, text) succeed with CODEC_KIND_OTHER. */
int codec_probe_file(const char *path, codec_probe_info *info, panya_error *err);

/* ---- Transcode ---- */

typedef struct codec_result {
    codec_kind kind;
    char mime_type[48];  /* "video/mp4", "audio/ogg", "audio/mp4", "image/webp" */
    char codecs[64];     /* RFC 6381, e.g. "avc1.4D401E,mp4a.40.2"; "" for WebP */
    int width, height;   /* 0 for audio */
    int64_t bitrate;     /* bits per second; 0 for images */
    double duration;     /* seconds; 0 for images */
    uint64_t bytes;      /* size of the output file */
    double ssim;         /* luma SSIM, -1 if not measured. Video: ssim640 (output and source
                          * both scaled to 640 wide); images: against the source at the
                          * output size */
    double target_ssim;  /* the profile's ssim640 target for video; 0 when none */
    bool below_target;   /* the target was out of reach within the ceiling: encoded at the
                          * ceiling, ssim says what it reached */
    bool at_ceiling;     /* the video spent the ceiling (maxrate-kbps): below_target is the
                          * budget's doing; false with below_target: one correction missed */
    int crf;             /* the CRF of the video encode; 0 for other kinds */
    int encodes;         /* full video encodes made: 1, 2 after a correction or relaxation, 3
                          * when the relaxed encode fell below the target and was undone */
    char audio_content[8]; /* the sound track's class under a speech rule: "speech" (encoded
                            * at the speech rate) or "music" (the profile's rate); "" when
                            * not classified (no rule, no sound, a picture) */
    int audio_kbps;      /* the sound track's nominal bitrate; 0 without sound */
    double audio_low_energy, audio_high_zcr; /* the classifier's features (0..1) when
                                              * audio_content is set (docs/PROFILES.md) */
    char encoder_id[160]; /* library versions that shape the output (part of a cache key) */
} codec_result;

enum codec_transcode_flags {
    CODEC_MEASURE_SSIM = 1 << 0, /* fill result.ssim (costs a decode of the output) */
};

/* The library versions that shape every output (what codec_result.encoder_id holds), so a
 * cache can be keyed on them before transcoding. */
void codec_encoder_versions(char *buf, size_t size);

/* Transcodes one file through one profile into output_path, written with
 * common/output_file.h (temp name, fsync, rename). The output format follows the media
 * kind, not output_path's extension: video -> MP4, audio -> Ogg Opus or MP4 AAC, image ->
 * WebP. threads is the number of cores decoding may use (0: all of them); encoders always
 * run one thread, so the output bytes never depend on threads or on the machine (give
 * each of N parallel transcodes cores/N). A file that is not media is PANYA_ERR_INVALID. */
int codec_transcode_file(const char *source_path, const codec_profile *profile,
                         const char *output_path, int threads, unsigned flags,
                         codec_result *result, panya_error *err);

/* ---- PDF pages ---- */

#define CODEC_PDF_MAX_PAGES 5000

typedef struct codec_pdf_info {
    int pages;          /* rendered */
    int picture_pages;  /* pages that are one big picture (a scan): 80% or more of the page */
    uint64_t pdf_bytes; /* size of the PDF */
} codec_pdf_info;

/* Renders every page of the PDF with poppler and cairo, in process, to out_dir/NNNN.png
 * (page 1 is 0001; long side long_side pixels, white background) and its text to
 * out_dir/NNNN.txt (UTF-8, possibly empty). An encrypted, damaged or empty PDF is
 * PANYA_ERR_INVALID naming it. Not thread-safe for the same document. */
int codec_pdf_render(const char *pdf_path, const char *out_dir, int long_side,
                     codec_pdf_info *info, panya_error *err);

#endif
