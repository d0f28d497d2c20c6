/* `panya pack --dry-run`: the plan of a pack and what it would weigh, without writing
 * anything. A variant already in the transcode cache counts at its real size; any other is
 * estimated from the source (duration, picture size) and the profile: video and audio at the
 * profile's bit rates (the most the encoder may spend), pictures at a tenth of a byte per
 * output pixel, never more than the source. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "packer/pack_state.h"
#include "packer/plan.h"

/* Bytes per output pixel of a WebP at the profiles' qualities (photos; diagrams are less). */
#define WEBP_BYTES_PER_PIXEL 0.1

static uint64_t estimate_variant(const codec_probe_info *info, const codec_profile *p,
                                 uint64_t source_bytes)
{
    double bytes;
    if (info->kind == CODEC_KIND_VIDEO) {
        double kbps = p->video.maxrate_kbps + (info->audio_codec[0] ? p->video.audio.bitrate_kbps
                                                                    : 0);
        bytes = kbps * 1000.0 / 8.0 * info->duration;
    } else if (info->kind == CODEC_KIND_AUDIO) {
        bytes = p->audio.bitrate_kbps * 1000.0 / 8.0 * info->duration;
    } else if (info->kind == CODEC_KIND_IMAGE) {
        double long_side = info->width > info->height ? info->width : info->height;
        double scale = long_side > p->image.max_side && long_side > 0
                           ? p->image.max_side / long_side
                           : 1.0;
        bytes = (double)info->width * info->height * scale * scale * WEBP_BYTES_PER_PIXEL;
    } else {
        return source_bytes;
    }
    return bytes < (double)source_bytes ? (uint64_t)bytes : source_bytes;
}

/* The job that makes this variant, for `panya plan`. */
static int add_plan_job(pack_state *s, const model_file *file, const codec_probe_info *info,
                        const uint8_t *hash, const char *key, uint64_t size,
                        const codec_profile *profile, bool cached, panya_error *err)
{
    size_t staging_len = strlen(s->staging);
    if (strncmp(file->disk_path, s->staging, staging_len) == 0)
        return panya_error_set(err, PANYA_ERR_USAGE,
                               "%s comes from a zip, whose files exist only while a pack "
                               "runs: unpack the zip into a folder and plan that folder",
                               file->bundle_path);
    if (!hash)
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: cannot read the file to hash it",
                               file->disk_path);
    char *source = realpath(file->disk_path, NULL);
    plan_job job = {.source = source, .bundle_path = file->bundle_path,
                    .profile_version = profile->version, .kind = info->kind,
                    .duration = info->duration, .width = info->width, .height = info->height,
                    .source_bytes = size, .cached = cached};
    snprintf(job.key, sizeof job.key, "%s", key);
    panya_hash_to_hex(hash, job.source_hash);
    snprintf(job.profile, sizeof job.profile, "%s", profile->name);
    snprintf(job.encoder, sizeof job.encoder, "%s", s->encoder);
    job.cost = plan_job_cost(info->kind, info->duration, info->width, info->height);
    int status = source ? plan_add(s->options->plan_out, &job, err)
                        : panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", file->disk_path);
    free(source);
    return status;
}

int pack_estimate(pack_state *s, pack_summary *summary, panya_error *err)
{
    summary->dry_run = true;
    lesson_model *model = s->model;
    summary->figures = calloc(model->file_count + 1, sizeof *summary->figures);
    bool *media = calloc(model->file_count + 1, sizeof *media);
    if (!summary->figures || !media) {
        free(media);
        return panya_error_oom(err);
    }
    for (size_t j = 0; j < s->job_count; j++)
        media[s->jobs[j].file] = true;
    int status = 0;
    for (size_t f = 0; f < model->file_count && status == 0; f++) {
        struct stat st;
        uint64_t size = stat(model->files[f].disk_path, &st) == 0 ? (uint64_t)st.st_size : 0;
        summary->files++;
        summary->input_bytes += size;
        if (!media[f]) {
            summary->stored_bytes += size;
            continue;
        }
        pack_file_figures *fig = &summary->figures[summary->figure_count++];
        fig->path = strdup(model->files[f].bundle_path);
        fig->source_bytes = size;
        if (!fig->path)
            status = panya_error_oom(err);
        uint8_t hash[PANYA_HASH_SIZE];
        uint64_t hashed;
        panya_error ignored = {0};
        bool hashed_ok = status == 0 && (s->cache.dir || s->options->plan_out) &&
                         panya_sha256_file(model->files[f].disk_path, hash, &hashed, &ignored) == 0;
        codec_probe_info info;
        bool probed = false;
        for (size_t p = 0; p < s->selected_count && status == 0; p++) {
            pack_variant_figures *vf = &fig->variants[fig->variant_count++];
            snprintf(vf->profile, sizeof vf->profile, "%s", s->selected[p]->name);
            vf->ssim = -1;
            char key[PANYA_HASH_HEX_SIZE];
            codec_result result;
            if (hashed_ok) {
                transcode_cache_key(hash, s->selected[p], s->encoder, key);
                vf->cache_hit = s->cache.dir && transcode_cache_lookup(&s->cache, key, &result);
            }
            if (vf->cache_hit) {
                vf->bytes = result.bytes;
                snprintf(vf->mime, sizeof vf->mime, "%s", result.mime_type);
                summary->cache_hits++;
            } else {
                if (!probed) {
                    memset(&info, 0, sizeof info);
                    if (codec_probe_file(model->files[f].disk_path, &info, &ignored) != 0)
                        info.kind = CODEC_KIND_OTHER; /* the pack would fail here: as is */
                    probed = true;
                }
                vf->bytes = estimate_variant(&info, s->selected[p], size);
                summary->transcodes++;
                if (s->options->plan_out)
                    status = add_plan_job(s, &model->files[f], &info, hashed_ok ? hash : NULL,
                                          key, size, s->selected[p], false, err);
            }
            if (vf->cache_hit && s->options->plan_out) {
                plan *out = s->options->plan_out;
                out->cached++;
                if (out->include_cached && !probed) {
                    memset(&info, 0, sizeof info);
                    if (codec_probe_file(model->files[f].disk_path, &info, &ignored) != 0)
                        info.kind = CODEC_KIND_OTHER;
                    probed = true;
                }
                if (out->include_cached)
                    status = add_plan_job(s, &model->files[f], &info, hash, key, size,
                                          s->selected[p], true, err);
            }
            summary->profile_bytes[p] += vf->bytes;
        }
    }
    free(media);
    return status;
}
