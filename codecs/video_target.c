/* Per-clip quality targeting: the cheapest CRF whose ssim640 reaches the profile's target.
 * Short samples of the clip are trial-encoded at a fast preset; the quality they reach at
 * two CRFs predicts the CRF of the one real encode; a real encode that still misses is
 * corrected once with the slope the trials measured. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "codecs/video_internal.h"

/* Sampled windows: SAMPLE_WINDOWS spread over the clip, SAMPLE_SECONDS in all (or the
 * whole clip when it is shorter), so a trial costs a small share of the real encode. */
#define SAMPLE_WINDOWS 3
#define SAMPLE_SECONDS 2.0
/* CRF steps between the two trial encodes. */
#define TRIAL_STEP 5
/* The fast presets of trial encodes, and how much better the profile's slower preset is at
 * the same CRF, in SSIM dB (-10 log10(1 - ssim)), measured on bench/codecs.sh's clips:
 * x264 slow against veryfast 1.5 to 2.4 dB, SVT-AV1 preset 8 against 12 1.0 to 1.1 dB. */
#define X264_TRIAL_PRESET "veryfast"
#define X264_PRESET_GAIN_DB 1.8
#define SVTAV1_TRIAL_PRESET "12"
#define SVTAV1_PRESET_GAIN_DB 1.0
/* Aim this much above the target (SSIM dB) so the real encode lands on it. */
#define TARGET_MARGIN_DB 0.3
/* Real encodes lose at least this much quality per CRF step (SSIM dB) on bench/codecs.sh's
 * clips (0.2 to 0.7), while the fast trials near the top of the CRF range can look far
 * flatter (0.08): a correction that trusted such a slope jumped 24 CRF steps, to 0.98 for a
 * 0.96 target at 1.6x the bytes. */
#define REAL_SLOPE_DB -0.2
/* A final encode this far above the goal (SSIM dB) is redone once at a higher CRF... */
#define OVERSHOOT_DB 1.0
/* ...taking this share of the step the slope predicts: falling below the target there
 * costs a third encode (the first CRF again). */
#define RELAX_SHARE 0.6

bool video_samples_wanted(double seconds, double duration)
{
    return video_samples_next(seconds, duration) <= seconds;
}

double video_samples_next(double seconds, double duration)
{
    if (duration <= SAMPLE_SECONDS)
        return seconds <= duration ? seconds : -1;
    double window = SAMPLE_SECONDS / SAMPLE_WINDOWS;
    for (int i = 0; i < SAMPLE_WINDOWS; i++) {
        double centre = duration * (2 * i + 1) / (2 * SAMPLE_WINDOWS);
        if (seconds < centre + window / 2)
            return seconds >= centre - window / 2 ? seconds : centre - window / 2;
    }
    return -1;
}

int video_samples_add(video_samples *samples, const AVFrame *frame, const AVFrame *ref,
                      panya_error *err)
{
    if (samples->count == samples->capacity) {
        size_t capacity = samples->capacity ? samples->capacity * 2 : 64;
        AVFrame **frames = realloc(samples->frames, capacity * sizeof *frames);
        if (!frames)
            return panya_error_oom(err);
        samples->frames = frames;
        AVFrame **refs = realloc(samples->refs, capacity * sizeof *refs);
        if (!refs)
            return panya_error_oom(err);
        samples->refs = refs;
        samples->capacity = capacity;
    }
    AVFrame *f = av_frame_clone(frame), *r = av_frame_clone(ref);
    if (!f || !r) {
        av_frame_free(&f);
        av_frame_free(&r);
        return panya_error_oom(err);
    }
    samples->frames[samples->count] = f;
    samples->refs[samples->count] = r;
    samples->count++;
    return 0;
}

void video_samples_free(video_samples *samples)
{
    for (size_t i = 0; i < samples->count; i++) {
        av_frame_free(&samples->frames[i]);
        av_frame_free(&samples->refs[i]);
    }
    free(samples->frames);
    free(samples->refs);
    memset(samples, 0, sizeof *samples);
}

/* Quality on a scale where equal steps are equal effort: -10 log10(1 - ssim) ("SSIM dB"). */
static double ssim_db(double ssim)
{
    return -10.0 * log10(fmax(1.0 - ssim, 1e-6));
}

static int clamp_crf(const codec_video_settings *s, int crf)
{
    return crf < s->crf_min ? s->crf_min : crf > s->crf_max ? s->crf_max : crf;
}

/* ssim640 of the samples encoded at crf with the fast preset, and their video bitrate. */
static int trial(const codec_video_settings *s, const video_samples *samples, int crf,
                 const char *path, double *ssim, double *kbps, panya_error *err)
{
    uint64_t bytes = 0;
    bool av1 = strcmp(s->codec, "av1") == 0;
    AVCodecContext *enc = NULL;
    video_check check = {0};
    AVPacket *pkt = av_packet_alloc();
    int rc = pkt ? 0 : panya_error_oom(err);
    if (rc == 0)
        rc = video_open_encoder(&enc, s, &samples->plan, samples->time_base,
                                crf, av1 ? SVTAV1_TRIAL_PRESET : X264_TRIAL_PRESET, false, path,
                                err);
    if (rc == 0)
        rc = video_check_open(&check, enc, &samples->plan, err);
    for (size_t i = 0; rc == 0 && i <= samples->count; i++) {
        AVFrame *frame = i < samples->count ? samples->frames[i] : NULL;
        if (frame && video_check_push_ref(&check, samples->refs[i], err) != 0) {
            rc = -1;
            break;
        }
        int sent = avcodec_send_frame(enc, frame);
        if (sent < 0)
            rc = media_av_error(err, PANYA_ERR_INTERNAL, sent, path, "trial encode");
        while (rc == 0 && avcodec_receive_packet(enc, pkt) == 0) {
            bytes += (uint64_t)pkt->size;
            rc = video_check_packet(&check, pkt, err);
            av_packet_unref(pkt);
        }
    }
    if (rc == 0)
        rc = video_check_packet(&check, NULL, err);
    *ssim = video_check_ssim(&check);
    double seconds = (double)samples->count / av_q2d(samples->plan.fps);
    *kbps = seconds > 0 ? (double)bytes * 8 / seconds / 1000 : 0;
    video_check_close(&check);
    avcodec_free_context(&enc);
    av_packet_free(&pkt);
    return rc;
}

int video_target_predict(const codec_video_settings *s, const video_samples *samples,
                         const char *path, video_prediction *prediction, panya_error *err)
{
    prediction->crf = clamp_crf(s, s->crf);
    prediction->slope = 0;
    prediction->trials = 0;
    if (samples->count == 0)
        return 0;
    int a = prediction->crf;
    double sa, sb, kbps;
    if (trial(s, samples, a, path, &sa, &kbps, err) != 0)
        return -1;
    prediction->trials = 1;
    prediction->first_trial_crf = a;
    prediction->first_trial_db = ssim_db(sa) + (strcmp(s->codec, "av1") == 0
                                                    ? SVTAV1_PRESET_GAIN_DB
                                                    : X264_PRESET_GAIN_DB);
    /* Below the target with the VBV already spending the ceiling: no lower CRF helps (and
     * x264 under a VBV does worse at a far lower CRF than at a moderate one). */
    double gain = strcmp(s->codec, "av1") == 0 ? SVTAV1_PRESET_GAIN_DB : X264_PRESET_GAIN_DB;
    double goal = ssim_db(s->target_ssim640) + TARGET_MARGIN_DB;
    bool reached = ssim_db(sa) + gain >= goal;
    if (!reached && kbps >= VIDEO_CEILING_SHARE * s->maxrate_kbps)
        return 0;
    int b = clamp_crf(s, reached ? a + TRIAL_STEP : a - TRIAL_STEP);
    if (b == a || sa < 0)
        return 0;
    if (trial(s, samples, b, path, &sb, &kbps, err) != 0)
        return -1;
    prediction->trials = 2;
    double qa = ssim_db(sa) + gain, qb = ssim_db(sb) + gain;
    double slope = (qb - qa) / (b - a);
    prediction->slope = slope;
    if (slope > -0.02) { /* quality no longer follows the CRF: the VBV ceiling binds */
        prediction->crf = reached ? s->crf_max : a;
        return 0;
    }
    /* Interpolate (or extrapolate) on the line through both trials; round towards quality. */
    double crf = a + (goal - qa) / slope;
    prediction->crf = clamp_crf(s, (int)floor(crf));
    return 0;
}

/* The trials' slope, never flatter than real encodes are. */
static double real_slope(const video_prediction *prediction)
{
    return prediction->slope < REAL_SLOPE_DB ? prediction->slope : REAL_SLOPE_DB;
}

int video_target_correct(const codec_video_settings *s, const video_prediction *prediction,
                         int crf, double ssim)
{
    if (crf <= s->crf_min || ssim < 0)
        return -1;
    double slope = real_slope(prediction);
    /* Where the first trial (at a lower CRF) and the missed encode say quality falls faster
     * than that, their secant sizes the step: slides whose trials both sat on a plateau
     * (0.02 dB per step) were otherwise corrected from CRF 51 to 25, 0.988 for a 0.95
     * target at 1.4x the bytes. */
    if (prediction->trials > 0 && prediction->first_trial_crf < crf) {
        double secant = (ssim_db(ssim) - prediction->first_trial_db) /
                        (crf - prediction->first_trial_crf);
        if (secant < slope)
            slope = secant;
    }
    double missing = ssim_db(s->target_ssim640) + TARGET_MARGIN_DB - ssim_db(ssim);
    /* One step more than the slope says: a second miss is reported, not encoded again. */
    int step = (int)ceil(missing / -slope) + 1;
    return clamp_crf(s, crf - step);
}

int video_target_relax(const codec_video_settings *s, const video_prediction *prediction,
                       int crf, double ssim)
{
    if (crf >= s->crf_max || ssim < 0)
        return -1;
    double excess = ssim_db(ssim) - (ssim_db(s->target_ssim640) + TARGET_MARGIN_DB);
    if (excess < OVERSHOOT_DB)
        return -1;
    int step = (int)floor(RELAX_SHARE * excess / -real_slope(prediction));
    return step < 2 ? -1 : clamp_crf(s, crf + step);
}
