/* `panya pack --dry-run`: the plan of a pack and what it would weigh, without writing
 * anything. A variant already in the transcode cache counts at its real size; any other is
 * estimated from the source (duration, picture size) and the profile: video and audio at the
 * profile's bit rates (the most the encoder may spend), pictures at a tenth of a byte per
 * output pixel, never more than the source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "packer/pack_state.h"

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
        bool hashed_ok = status == 0 && s->cache.dir &&
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
                vf->cache_hit = transcode_cache_lookup(&s->cache, key, &result);
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
            }
            summary->profile_bytes[p] += vf->bytes;
        }
    }
    free(media);
    return status;
}
