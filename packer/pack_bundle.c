/* The last stage of `panya pack`: every file's variants into one bundle, or into the parts of
 * --split, with their manifests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpanya/bundle_format.h"
#include "common/mime.h"
#include "packer/pack_split.h"
#include "packer/pack_state.h"

static int add_file_variants(pack_state *s, bundle_writer *w, bundle_manifest *m, size_t f,
                             const pack_job *jobs, bool count_it, pack_summary *summary,
                             panya_error *err)
{
    const model_file *file = &s->model->files[f];
    manifest_file *entry = bundle_manifest_add_file(m, file->bundle_path, err);
    if (!entry)
        return -1;
    const char *source_mime = mime_type_for_path(file->bundle_path);
    if (!jobs) {
        manifest_variant v = {.profile = MANIFEST_PROFILE_SOURCE, .mime = (char *)source_mime};
        if (bundle_writer_add_file(w, file->disk_path, source_mime, v.hash, &v.size, err) != 0)
            return -1;
        summary->input_bytes += count_it ? v.size : 0;
        summary->files += count_it;
        return manifest_file_add_variant(entry, &v, err);
    }
    pack_file_figures scratch = {0};
    pack_file_figures *fig = count_it ? &summary->figures[summary->figure_count++] : &scratch;
    if (count_it && !(fig->path = strdup(file->bundle_path)))
        return panya_error_oom(err);
    summary->files += count_it;
    for (size_t p = 0; p < s->selected_count; p++) {
        const pack_job *job = &jobs[p];
        const codec_result *r = &job->result;
        manifest_variant v = {
            .profile = (char *)s->selected[p]->name,
            .mime = job->kept_source ? (char *)source_mime : (char *)r->mime_type,
            .codecs = job->kept_source || !r->codecs[0] ? NULL : (char *)r->codecs,
            .width = job->kept_source ? 0 : (uint32_t)r->width,
            .height = job->kept_source ? 0 : (uint32_t)r->height,
            .bitrate = (uint32_t)(r->bitrate > 0 && r->bitrate < UINT32_MAX ? r->bitrate : 0),
            .duration_ms = (uint64_t)(r->duration * 1000.0 + 0.5),
        };
        const char *bytes_from = job->kept_source ? file->disk_path : job->output_path;
        if (bundle_writer_add_file(w, bytes_from, v.mime, v.hash, &v.size, err) != 0 ||
            manifest_file_add_variant(entry, &v, err) != 0)
            return -1;
        pack_variant_figures *vf = &fig->variants[fig->variant_count++];
        snprintf(vf->profile, sizeof vf->profile, "%s", v.profile);
        snprintf(vf->mime, sizeof vf->mime, "%s", v.mime);
        vf->bytes = v.size;
        vf->ssim = job->kept_source ? 1.0 : r->ssim;
        vf->seconds = job->seconds;
        vf->cache_hit = job->cache_hit;
        vf->kept_source = job->kept_source;
        vf->target_ssim = r->target_ssim;
        vf->below_target = r->below_target;
        vf->at_ceiling = r->at_ceiling;
        snprintf(vf->audio_content, sizeof vf->audio_content, "%s",
                 job->kept_source ? "" : r->audio_content);
        if (!count_it)
            continue;
        summary->profile_bytes[p] += v.size;
        summary->cache_hits += job->cache_hit;
        summary->transcodes += !job->cache_hit;
    }
    struct stat st;
    fig->source_bytes = stat(file->disk_path, &st) == 0 ? (uint64_t)st.st_size : 0;
    summary->input_bytes += count_it ? fig->source_bytes : 0;
    return 0;
}

/* The jobs of file f (one per profile), or NULL when it is stored unchanged. */
static const pack_job *jobs_of(const pack_state *s, size_t f)
{
    for (size_t j = 0; j < s->job_count; j += s->selected_count)
        if (s->jobs[j].file == f)
            return &s->jobs[j];
    return NULL;
}

/* An upper bound of what file f stores: all its variants, uncompressed. */
static uint64_t stored_bytes_bound(const pack_state *s, size_t f)
{
    const pack_job *jobs = jobs_of(s, f);
    struct stat st;
    uint64_t source = stat(s->model->files[f].disk_path, &st) == 0 ? (uint64_t)st.st_size : 0;
    if (!jobs)
        return source;
    uint64_t total = 0;
    for (size_t p = 0; p < s->selected_count; p++)
        total += (jobs[p].kept_source ? source : jobs[p].result.bytes) + BUNDLE_RAW_ALIGNMENT;
    return total;
}

/* Writes one bundle (a whole pack or one part) holding manifest m and the files in `files`. */
static int write_part(pack_state *s, const char *path, bundle_manifest *m, const bool *files,
                      bool *counted, uint32_t part_number, uint32_t part_count,
                      pack_summary *summary, panya_error *err)
{
    bundle_writer_options writer_options = s->options->writer;
    writer_options.frame_cache = s->frame_cache;
    writer_options.part_number = part_number;
    writer_options.part_count = part_count;
    bundle_writer *w = bundle_writer_create(&writer_options, err);
    if (!w)
        return -1;
    int status = 0;
    for (size_t f = 0; f < s->model->file_count && status == 0; f++) {
        if (!files[f])
            continue;
        status = add_file_variants(s, w, m, f, jobs_of(s, f), !counted[f], summary, err);
        counted[f] = true;
    }
    for (size_t d = 0; d < s->model->folder_count && status == 0 && part_number <= 1; d++)
        status = bundle_manifest_add_folder(m, s->model->empty_folders[d], err);
    if (status == 0)
        status = bundle_manifest_finish(m, err);
    if (status == 0)
        status = bundle_writer_finish(w, path, m, err);
    bundle_writer_stats stats = bundle_writer_get_stats(w);
    summary->bundle.objects += stats.objects;
    summary->bundle.duplicates += stats.duplicates;
    summary->bundle.object_bytes += stats.object_bytes;
    summary->bundle.compressed_objects += stats.compressed_objects;
    summary->bundle.dictionaries += stats.dictionaries;
    summary->bundle.referencing_objects += stats.referencing_objects;
    summary->bundle.bundle_bytes += stats.bundle_bytes;
    bundle_writer_free(w);
    return status;
}

int pack_build_bundle(pack_state *s, const char *out_path, pack_summary *summary,
                      const bool *dropped_files, panya_error *err)
{
    const pack_options *o = s->options;
    lesson_model *model = s->model;
    bundle_manifest *whole = model->manifest;
    size_t n = model->file_count;
    summary->figures = calloc(s->job_count + 1, sizeof *summary->figures);
    uint64_t *bytes = calloc(n + 1, sizeof *bytes);
    bool *counted = calloc(n + 1, sizeof *counted), *files = calloc(n + 1, sizeof *files);
    pack_split_plan plan = {0};
    int status = 0;
    if (!summary->figures || !bytes || !counted || !files ||
        manifest_titles_add(&whole->titles, "en", o->title) != 0 ||
        (o->title_lo && manifest_titles_add(&whole->titles, "lo", o->title_lo) != 0)) {
        status = panya_error_oom(err);
        goto out;
    }
    for (size_t f = 0; f < n; f++)
        bytes[f] = stored_bytes_bound(s, f);
    if (o->split_size &&
        pack_split_plan_make(model, bytes, dropped_files, o->split_size, &plan, err) != 0) {
        status = -1;
        goto out;
    }
    if (plan.part_count <= 1) { /* everything fits: one ordinary bundle at out_path */
        for (size_t f = 0; f < n; f++)
            files[f] = !dropped_files[f];
        status = write_part(s, out_path, whole, files, counted, 0, 0, summary, err);
        goto out;
    }
    for (size_t p = 0; p < plan.part_count && status == 0; p++) {
        bundle_manifest *m = pack_split_manifest(whole, &plan, p);
        char *path = pack_part_path(out_path, p + 1);
        for (size_t f = 0; f < n; f++)
            files[f] = !dropped_files[f] && pack_split_file_in_part(model, &plan, f, p);
        uint64_t before = summary->bundle.bundle_bytes;
        status = m && path ? write_part(s, path, m, files, counted, (uint32_t)(p + 1),
                                        (uint32_t)plan.part_count, summary, err)
                           : panya_error_oom(err);
        if (status == 0 && summary->bundle.bundle_bytes - before > o->split_size) {
            /* The plan's bound is generous, so this means unusually large tables. */
            unlink(path);
            status = panya_error_set(err, PANYA_ERR_USAGE,
                                     "%s came out at %llu bytes, over --split %llu; give a "
                                     "larger size",
                                     path, (unsigned long long)(summary->bundle.bundle_bytes - before),
                                     (unsigned long long)o->split_size);
        }
        bundle_manifest_free(m);
        free(path);
    }
    summary->part_count = plan.part_count;
out:
    pack_split_plan_free(&plan);
    free(bytes);
    free(counted);
    free(files);
    return status;
}

char *pack_part_path(const char *out_path, size_t n)
{
    size_t len = strlen(out_path);
    bool has_extension = len > 6 && strcmp(out_path + len - 6, ".panya") == 0;
    char *path = NULL;
    if (asprintf(&path, "%.*s.%zu.panya", (int)(has_extension ? len - 6 : len), out_path, n) < 0)
        return NULL;
    return path;
}


static int compare_paths_ignoring_case(const void *a, const void *b)
{
    int c = strcasecmp(*(const char *const *)a, *(const char *const *)b);
    return c ? c : strcmp(*(const char *const *)a, *(const char *const *)b);
}

int pack_check_case_collisions(pack_state *s, bool strict, panya_error *err)
{
    size_t count = s->model->file_count;
    if (count < 2)
        return 0;
    const char **paths = malloc(count * sizeof *paths);
    if (!paths)
        return panya_error_oom(err);
    for (size_t i = 0; i < count; i++)
        paths[i] = s->model->files[i].bundle_path;
    qsort(paths, count, sizeof *paths, compare_paths_ignoring_case);
    int status = 0;
    for (size_t i = 0; i + 1 < count && status == 0; i++) {
        if (strcasecmp(paths[i], paths[i + 1]) != 0)
            continue;
        static const char why[] = "differ only in case: a FAT or exFAT card (phones, "
                                  "extract) keeps one of them only; rename one";
        if (strict)
            status = panya_error_set(err, PANYA_ERR_INVALID, "'%s' and '%s' %s (--strict)",
                                     paths[i], paths[i + 1], why);
        else if (lesson_model_warn(s->model, "'%s' and '%s' %s", paths[i], paths[i + 1],
                                   why) != 0)
            status = panya_error_oom(err);
    }
    free(paths);
    return status;
}
