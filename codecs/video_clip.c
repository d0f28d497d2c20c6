/* One clip through a video profile: the CRF search towards the profile's quality target
 * (predict from samples, encode, then correct or relax once) and, where SVT-AV1 cannot keep
 * the ceiling, H.264 instead. The passes themselves are in video.c. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "codecs/video_internal.h"

/* The video spent the ceiling: a lower CRF could not have bought more quality. */
static bool spends_ceiling(const codec_video_settings *s, const video_outcome *o)
{
    return o->video_kbps >= VIDEO_CEILING_SHARE * s->maxrate_kbps;
}

/* The CRF search: predict from samples, encode, then once: correct a miss, or relax an
 * encode far above the target (and go back when the relaxed one falls below it). */
static int encode_to_target(const codec_job *job, codec_result *result,
                            video_outcome *final, panya_error *err)
{
    const codec_video_settings *s = &job->profile->video;
    video_samples samples = {0};
    video_prediction prediction;
    int rc = video_sample_pass(job, &samples, err);
    /* Still content at a lower frame rate: the profile's cap lowered, samples taken again
     * at that rate so the trials see what the encode will. */
    codec_profile still_profile;
    codec_job still_job;
    if (rc == 0 && s->max_fps > VIDEO_STILL_FPS && video_samples_still(&samples)) {
        still_profile = *job->profile;
        still_profile.video.max_fps = VIDEO_STILL_FPS;
        still_job = *job;
        still_job.profile = &still_profile;
        job = &still_job;
        s = &still_profile.video;
        video_samples_free(&samples);
        rc = video_sample_pass(job, &samples, err);
    }
    if (rc == 0)
        rc = video_target_predict(s, &samples, job->source_path, &prediction, err);
    video_samples_free(&samples);
    if (rc != 0)
        return -1;
    int crf = prediction.crf;
    video_outcome outcome;
    if (video_encode_pass(job, crf, true, &outcome, err) != 0)
        return -1;
    result->encodes = 1;
    bool at_ceiling = spends_ceiling(s, &outcome);
    int next = -1;
    if (outcome.ssim < s->target_ssim640 && !at_ceiling)
        next = video_target_correct(s, &prediction, crf, outcome.ssim);
    else if (outcome.ssim >= s->target_ssim640)
        next = video_target_relax(s, &prediction, crf, outcome.ssim);
    if (next >= 0 && next != crf) {
        int first = crf;
        bool relaxing = next > crf;
        crf = next;
        int rc = video_encode_pass(job, crf, true, &outcome, err);
        result->encodes = 2;
        if (rc == 0 && relaxing && outcome.ssim < s->target_ssim640) {
            crf = first;
            rc = video_encode_pass(job, crf, true, &outcome, err);
            result->encodes = 3;
        }
        if (rc != 0) {
            unlink(job->output_path); /* the first encode, committed before */
            return -1;
        }
    }
    *final = outcome;
    result->crf = crf;
    result->ssim = outcome.ssim;
    result->target_ssim = s->target_ssim640;
    result->below_target = outcome.ssim < s->target_ssim640;
    result->at_ceiling = spends_ceiling(s, &outcome) ||
                         crf <= s->crf_min;
    return 0;
}

/* SVT-AV1 (1.4) cannot keep some sharp, fast-changing pictures under the ceiling even at its
 * coarsest quantizer, in capped CRF or VBR alike: a Game of Life came out at 1,695 kb/s for
 * a 78 kb/s cap, where x264 holds it. The ceiling is the profile's promise, so a clip whose
 * AV1 video passes it (and the buffer VBV allows) by half again is encoded with H.264 Main
 * under the same ceiling, which every phone that plays AV1 also plays. */
#define AV1_OVERSHOOT 1.5
#define H264_FALLBACK_CRF 28

static bool av1_over_ceiling(const codec_video_settings *s, const video_outcome *o)
{
    if (strcmp(s->codec, "av1") != 0 || o->seconds <= 0)
        return false;
    double allowed = s->maxrate_kbps + s->bufsize_kbps / o->seconds;
    return o->video_kbps > AV1_OVERSHOOT * allowed;
}

static int encode_h264_instead(const codec_job *job, bool measure, codec_result *facts,
                               panya_error *err)
{
    codec_profile h264_profile = *job->profile;
    codec_video_settings *h264 = &h264_profile.video;
    snprintf(h264->codec, sizeof h264->codec, "h264");
    snprintf(h264->profile, sizeof h264->profile, "main");
    snprintf(h264->preset, sizeof h264->preset, "slow");
    codec_job h264_job = *job;
    h264_job.profile = &h264_profile;
    video_outcome outcome;
    if (video_encode_pass(&h264_job, H264_FALLBACK_CRF, measure, &outcome, err) != 0) {
        unlink(job->output_path); /* the AV1 encode, committed before */
        return -1;
    }
    facts->crf = H264_FALLBACK_CRF;
    facts->encodes++;
    facts->ssim = outcome.ssim;
    facts->below_target = facts->target_ssim > 0 && outcome.ssim < facts->target_ssim;
    facts->at_ceiling = spends_ceiling(h264, &outcome);
    return 0;
}

static int transcode_video(const codec_job *job, codec_result *result, panya_error *err)
{
    const codec_video_settings *s = &job->profile->video;
    codec_result facts = {0};
    video_outcome outcome = {0};
    bool measure = s->target_ssim640 > 0 || (job->flags & CODEC_MEASURE_SSIM);
    int rc;
    if (s->target_ssim640 > 0) {
        rc = encode_to_target(job, &facts, &outcome, err);
    } else {
        rc = video_encode_pass(job, s->crf, measure, &outcome, err);
        facts.ssim = outcome.ssim;
        facts.crf = s->crf;
        facts.encodes = 1;
    }
    if (rc == 0 && av1_over_ceiling(s, &outcome))
        rc = encode_h264_instead(job, measure, &facts, err);
    if (rc != 0)
        return -1;
    if (media_describe_output(job->output_path, result, err) != 0)
        return -1;
    snprintf(result->mime_type, sizeof result->mime_type, "video/mp4");
    result->ssim = facts.ssim;
    result->target_ssim = facts.target_ssim;
    result->below_target = facts.below_target;
    result->at_ceiling = facts.at_ceiling;
    result->crf = facts.crf;
    result->encodes = facts.encodes;
    return 0;
}

const codec_encoder codec_video_encoder = {
    .kind = CODEC_KIND_VIDEO,
    .transcode = transcode_video,
};
