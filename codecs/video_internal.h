/* Internal to codecs/video*.c: the output plan, the ssim640 check and the CRF search. */
#ifndef PANYA_CODECS_VIDEO_INTERNAL_H
#define PANYA_CODECS_VIDEO_INTERNAL_H

#include "codecs/media.h"

/* An encode whose video bitrate reaches this share of maxrate-kbps is at the ceiling. */
#define VIDEO_CEILING_SHARE 0.85

/* What the output will be, decided before anything is encoded. */
typedef struct video_plan {
    int width, height;
    int ref_width, ref_height; /* ssim640's display size: 640 wide, the output's shape */
    AVRational fps;
    bool resample; /* frames are dropped or repeated to reach fps (else timestamps kept) */
    int gop;       /* frames between keyframes */
    int level;
    char filter[768];
} video_plan;

/* Opens x264 or SVT-AV1 for plan at one CRF and preset (the profile's, or a fast one for
 * trial encodes). path is named in errors. */
int video_open_encoder(AVCodecContext **encp, const codec_video_settings *s,
                       const video_plan *plan, AVRational time_base, int crf,
                       const char *preset, bool global_header, const char *path,
                       panya_error *err);

/* ssim640 of an encode (video_check.c): each encoded packet is decoded again, scaled to
 * 640 wide (bicubic) and compared by libavfilter's ssim filter with the source frame of
 * the same timestamp at 640 wide (bench/codecs.sh measures the same way). */
typedef struct video_check {
    AVCodecContext *dec;
    AVFrame *decoded, *scored;
    AVFrame **refs; /* reference frames waiting for their encoded twin, oldest first */
    size_t ref_count, ref_capacity;
    AVFilterGraph *graph;
    AVFilterContext *dist_source, *ref_source, *sink;
    double ssim_sum;
    int64_t compared;
} video_check;

int video_check_open(video_check *c, const AVCodecContext *enc, const video_plan *plan,
                     panya_error *err);
/* Queues the 640-wide reference of the next frame given to the encoder. */
int video_check_push_ref(video_check *c, const AVFrame *ref, panya_error *err);
/* A media_packet_fn: decodes pkt (NULL flushes) and scores what comes out. */
int video_check_packet(void *opaque, const AVPacket *pkt, panya_error *err);
/* Mean ssim640 so far; -1 before any frame was scored. */
double video_check_ssim(const video_check *c);
void video_check_close(video_check *c);

/* Source frames kept for trial encodes: encoder input and 640-wide reference, in pairs. */
typedef struct video_samples {
    AVFrame **frames, **refs;
    size_t count, capacity;
    AVRational time_base; /* of the frames' pts */
    video_plan plan;
} video_samples;

/* Windows of the clip that are sampled: true when a frame at `seconds` is kept. */
bool video_samples_wanted(double seconds, double duration);
/* Where the next sampled window starts at or after `seconds` (seconds itself inside one);
 * -1 after the last. */
double video_samples_next(double seconds, double duration);
int video_samples_add(video_samples *samples, const AVFrame *frame, const AVFrame *ref,
                      panya_error *err);
void video_samples_free(video_samples *samples);
/* Content detection (video_still.c). motion: the mean share of the 640-wide luma that
 * changes between neighbouring sampled frames (1 with fewer than two neighbours). still:
 * slides or a screen recording rather than camera footage; such clips are encoded at
 * VIDEO_STILL_FPS at most. */
#define VIDEO_STILL_FPS 15
double video_samples_motion(const video_samples *samples);
bool video_samples_still(const video_samples *samples);

/* The passes over a clip (video.c). encode: one encode of the clip at crf into the job's
 * output (committed on success), measured when asked; what it gave goes to *outcome.
 * sample: decodes the sampled windows into *samples for the CRF search. Both return 0 or
 * -1 with err set. */
typedef struct video_outcome {
    double ssim;       /* ssim640, or -1 when not measured */
    double video_kbps; /* video bitrate over the clip */
    double seconds;    /* of video decoded and encoded */
} video_outcome;

int video_encode_pass(const codec_job *job, int crf, bool measure, video_outcome *outcome,
                      panya_error *err);
int video_sample_pass(const codec_job *job, video_samples *samples, panya_error *err);

/* The CRF search (video_target.c). predict: trial-encodes the samples at a fast preset
 * and returns the highest CRF predicted to reach the profile's target, and the slope of
 * quality against CRF it measured. correct: after a final encode below the target, the
 * CRF to try once more, or -1 when none can do better. relax: after a first encode far
 * above the target, the higher CRF to try once, or -1 when it is close enough. */
typedef struct video_prediction {
    int crf;
    double slope; /* change of -10*log10(1 - ssim) per CRF step (negative) */
    int trials;
    int first_trial_crf;   /* with trials > 0: the first trial's CRF and its quality plus */
    double first_trial_db; /* what the real preset adds, in SSIM dB */
} video_prediction;

int video_target_predict(const codec_video_settings *s, const video_samples *samples,
                         const char *path, video_prediction *prediction, panya_error *err);
int video_target_correct(const codec_video_settings *s, const video_prediction *prediction,
                         int crf, double ssim);
int video_target_relax(const codec_video_settings *s, const video_prediction *prediction,
                       int crf, double ssim);

#endif
