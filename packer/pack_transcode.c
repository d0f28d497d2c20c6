/* The transcode stage of `panya pack`: which files become which variants, and running those
 * jobs in parallel through the transcode cache. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/mime.h"
#include "packer/pack_state.h"
#include "common/thread_pool.h"

double pack_seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Media panya transcodes; everything else is stored unchanged. */
static bool is_media(const char *mime)
{
    if (strcmp(mime, "image/svg+xml") == 0 || strcmp(mime, "image/vnd.microsoft.icon") == 0)
        return false;
    return strncmp(mime, "video/", 6) == 0 || strncmp(mime, "audio/", 6) == 0 ||
           strncmp(mime, "image/", 6) == 0;
}

/* Images browsers show as they are: a WebP that is not smaller is not worth storing. */
static bool image_kept_as_is(const char *mime)
{
    return strcmp(mime, "image/jpeg") == 0 || strcmp(mime, "image/png") == 0 ||
           strcmp(mime, "image/webp") == 0 || strcmp(mime, "image/gif") == 0;
}

/* The cache is best effort: when it cannot be written (a full or read-only disk), the
 * transcode goes to the pack's staging folder instead and the pack warns once. Returns the
 * path to transcode to, or NULL (err set). */
static char *uncached_output(pack_state *s, size_t index, panya_error *err)
{
    pthread_mutex_lock(&s->lock);
    if (!s->cache_failed)
        snprintf(s->cache_problem, sizeof s->cache_problem, "%s", err->message);
    s->cache_failed = true;
    pthread_mutex_unlock(&s->lock);
    panya_error_clear(err);
    char *path = NULL;
    if (!s->staging || asprintf(&path, "%s/transcode-%zu.out", s->staging, index) < 0) {
        panya_error_oom(err);
        return NULL;
    }
    return path;
}

static void run_job(void *ctx, size_t index)
{
    pack_state *s = ctx;
    pack_job *job = &s->jobs[index];
    if (atomic_load(&s->stop))
        return;
    const model_file *file = &s->model->files[job->file];
    const codec_profile *profile = s->selected[job->profile];
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    uint8_t source_hash[PANYA_HASH_SIZE];
    uint64_t source_size = 0;
    char key[PANYA_HASH_HEX_SIZE];
    int status = panya_sha256_file(file->disk_path, source_hash, &source_size, &job->err);
    bool cached = true;
    if (status == 0) {
        transcode_cache_key(source_hash, profile, s->encoder, key);
        job->output_path = transcode_cache_output_path(&s->cache, key, &job->err);
        if (!job->output_path && job->err.code == PANYA_ERR_OUTPUT) {
            cached = false;
            job->output_path = uncached_output(s, index, &job->err);
        }
        status = job->output_path ? 0 : -1;
    }
    if (status == 0 && cached && transcode_cache_lookup(&s->cache, key, &job->result)) {
        job->cache_hit = true;
    } else if (status == 0) {
        unsigned flags = s->options->measure_ssim ? CODEC_MEASURE_SSIM : 0;
        status = codec_transcode_file(file->disk_path, profile, job->output_path,
                                      s->threads_per_job, flags, &job->result, &job->err);
        if (status != 0 && cached && job->err.code == PANYA_ERR_OUTPUT) {
            /* The output was the cache: a full cache disk need not fail the pack. */
            cached = false;
            free(job->output_path);
            job->output_path = uncached_output(s, index, &job->err);
            status = job->output_path ? codec_transcode_file(file->disk_path, profile,
                                                             job->output_path,
                                                             s->threads_per_job, flags,
                                                             &job->result, &job->err)
                                      : -1;
        }
        if (status == 0 && cached &&
            transcode_cache_store(&s->cache, key, profile->name, &job->result, &job->err) != 0)
            free(uncached_output(s, index, &job->err)); /* only the note: the transcode stands */
        job->seconds = pack_seconds_since(&started);
    }
    if (status != 0) {
        if (job->err.code != PANYA_ERR_OUTPUT && job->err.code != PANYA_ERR_INTERNAL &&
            !strstr(job->err.message, file->bundle_path))
            panya_error_prefix(&job->err, "%s: ", file->bundle_path);
        if (!s->options->keep_going || job->err.code == PANYA_ERR_OUTPUT ||
            job->err.code == PANYA_ERR_INTERNAL)
            atomic_store(&s->stop, true);
        return;
    }
    const char *source_mime = mime_type_for_path(file->bundle_path);
    job->kept_source = job->result.kind == CODEC_KIND_IMAGE &&
                       job->result.bytes >= source_size && image_kept_as_is(source_mime);
    job->done = true;
    pthread_mutex_lock(&s->lock);
    s->done++;
    s->bytes_in += job->profile == 0 ? source_size : 0; /* each source counted once */
    s->bytes_out += job->kept_source ? source_size : job->result.bytes;
    if (s->options->progress) {
        pack_progress p = {s->done, s->job_count, file->bundle_path, s->bytes_in, s->bytes_out,
                           pack_seconds_since(&s->start)};
        s->options->progress(s->options->progress_ctx, &p);
    }
    pthread_mutex_unlock(&s->lock);
}

int pack_select_profiles(pack_state *s, panya_error *err)
{
    const pack_options *o = s->options;
    static const char *const defaults[] = {"small", "low"};
    const char *const *names = o->profile_count ? o->profiles : defaults;
    size_t count = o->profile_count ? o->profile_count : 2;
    if (count == 1 && strcmp(names[0], "source") == 0)
        return 0; /* files stored unchanged: no transcoding at all */
    int status = o->profiles_file ? codec_profiles_load_file(&s->profile_set, o->profiles_file, err)
                                  : codec_profiles_load_default(&s->profile_set, err);
    if (status != 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const codec_profile *p = codec_profiles_find(&s->profile_set, names[i]);
        if (!p)
            return panya_error_set(err, PANYA_ERR_USAGE,
                                   "no profile '%s'%s%s (see docs/PROFILES.md)", names[i],
                                   o->profiles_file ? " in " : "",
                                   o->profiles_file ? o->profiles_file : "");
        for (size_t k = 0; k < s->selected_count; k++)
            if (s->selected[k] == p)
                return panya_error_set(err, PANYA_ERR_USAGE, "profile '%s' given twice",
                                       names[i]);
        s->selected[s->selected_count++] = p;
    }
    codec_encoder_versions(s->encoder, sizeof s->encoder);
    return 0;
}

int pack_plan_jobs(pack_state *s, panya_error *err)
{
    if (!s->selected_count)
        return 0;
    size_t media = 0;
    for (size_t f = 0; f < s->model->file_count; f++)
        media += is_media(mime_type_for_path(s->model->files[f].bundle_path));
    s->jobs = calloc(media * s->selected_count + 1, sizeof *s->jobs);
    if (!s->jobs)
        return panya_error_oom(err);
    for (size_t f = 0; f < s->model->file_count; f++) {
        if (!is_media(mime_type_for_path(s->model->files[f].bundle_path)))
            continue;
        for (size_t p = 0; p < s->selected_count; p++)
            s->jobs[s->job_count++] = (pack_job){.file = f, .profile = p};
    }
    int total = s->options->threads > 0 ? s->options->threads : thread_pool_default_threads();
    size_t parallel = s->job_count < (size_t)total ? s->job_count : (size_t)total;
    s->parallel = parallel ? (int)parallel : 1;
    s->threads_per_job = total / s->parallel > 0 ? total / s->parallel : 1;
    return 0;
}

int pack_drop_failed(pack_state *s, bool *dropped_files, panya_error *err)
{
    bundle_manifest *m = s->model->manifest;
    for (size_t j = 0; j < s->job_count; j++) {
        pack_job *job = &s->jobs[j];
        if (!job->err.code || dropped_files[job->file])
            continue;
        const char *path = s->model->files[job->file].bundle_path;
        bool in_lesson = false;
        for (size_t c = 0; c < m->course_count && !in_lesson; c++) {
            manifest_course *course = &m->courses[c];
            for (size_t l = 0; l < course->lesson_count && !in_lesson; l++) {
                manifest_lesson *lesson = &course->lessons[l];
                for (size_t i = 0; i < lesson->item_count && !in_lesson; i++)
                    in_lesson = manifest_item_uses(&lesson->items[i], path);
                if (!in_lesson)
                    continue;
                for (size_t i = 0; i < lesson->item_count; i++)
                    for (size_t f = 0; f < s->model->file_count; f++)
                        if (manifest_item_uses(&lesson->items[i], s->model->files[f].bundle_path))
                            dropped_files[f] = true;
                const char *title = manifest_titles_pick(&lesson->titles, "lo");
                if (lesson_model_skip(s->model, "lesson %s (%s): %s", lesson->id,
                                      title ? title : "", job->err.message) != 0 ||
                    manifest_course_remove_lesson(course, l) != 0)
                    return panya_error_oom(err);
            }
        }
        if (!in_lesson) {
            dropped_files[job->file] = true;
            if (lesson_model_skip(s->model, "%s", job->err.message) != 0)
                return panya_error_oom(err);
        }
    }
    return 0;
}

/* Adds file f's variants to the writer and to manifest m. The summary counts each file once,
 * however many parts it goes into (count_it). */

void pack_run_jobs(pack_state *s)
{
    thread_pool_run(s->job_count, s->parallel, run_job, s);
}
