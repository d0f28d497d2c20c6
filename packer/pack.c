#include "packer/pack.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codecs/codecs.h"
#include "packer/lesson_model.h"
#include "packer/bundle_format.h"
#include "packer/mime.h"
#include "packer/pack_split.h"
#include "packer/source.h"
#include "packer/thread_pool.h"
#include "packer/transcode_cache.h"

typedef struct pack_job {
    size_t file;    /* position in model->files */
    size_t profile; /* position in the selected profiles */
    codec_result result;
    char *output_path;
    bool cache_hit, kept_source, done;
    double seconds;
    panya_error err;
} pack_job;

typedef struct pack_state {
    const pack_options *options;
    lesson_model *model;
    transcode_cache cache;
    codec_profile_set profile_set;
    const codec_profile *selected[PACK_MAX_PROFILES];
    size_t selected_count;
    char encoder[160];
    char *frame_cache; /* the cache's frames/ folder, when there is a cache */
    pack_job *jobs;
    size_t job_count;
    int parallel;        /* transcodes at once */
    int threads_per_job; /* cores each may use: parallel × threads_per_job ≤ cores */
    atomic_bool stop;
    pthread_mutex_t lock;
    size_t done;
    uint64_t bytes_in, bytes_out;
    struct timespec start;
} pack_state;

static double seconds_since(const struct timespec *start)
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

static int hash_file(const char *path, uint8_t hash[PANYA_HASH_SIZE], uint64_t *size,
                     panya_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return panya_error_errno(err, PANYA_EXIT_USAGE, errno, "%s", path);
    panya_sha256 ctx;
    if (panya_sha256_init(&ctx) != 0) {
        close(fd);
        return panya_error_oom(err);
    }
    static __thread uint8_t buf[1 << 16];
    ssize_t n;
    *size = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        panya_sha256_update(&ctx, buf, (size_t)n);
        *size += (uint64_t)n;
    }
    int saved = errno;
    panya_sha256_final(&ctx, hash);
    close(fd);
    return n < 0 ? panya_error_errno(err, PANYA_EXIT_USAGE, saved, "%s", path) : 0;
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
    int status = hash_file(file->disk_path, source_hash, &source_size, &job->err);
    if (status == 0) {
        transcode_cache_key(source_hash, profile, s->encoder, key);
        job->output_path = transcode_cache_output_path(&s->cache, key, &job->err);
        status = job->output_path ? 0 : -1;
    }
    if (status == 0 && transcode_cache_lookup(&s->cache, key, &job->result)) {
        job->cache_hit = true;
    } else if (status == 0) {
        unsigned flags = s->options->measure_ssim ? CODEC_MEASURE_SSIM : 0;
        status = codec_transcode_file(file->disk_path, profile, job->output_path,
                                      s->threads_per_job, flags, &job->result, &job->err);
        if (status == 0)
            status = transcode_cache_store(&s->cache, key, &job->result, &job->err);
        job->seconds = seconds_since(&started);
    }
    if (status != 0) {
        if (job->err.code != PANYA_EXIT_OUTPUT && job->err.code != PANYA_EXIT_INTERNAL &&
            !strstr(job->err.message, file->bundle_path))
            panya_error_prefix(&job->err, "%s: ", file->bundle_path);
        if (!s->options->keep_going || job->err.code == PANYA_EXIT_OUTPUT ||
            job->err.code == PANYA_EXIT_INTERNAL)
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
                           seconds_since(&s->start)};
        s->options->progress(s->options->progress_ctx, &p);
    }
    pthread_mutex_unlock(&s->lock);
}

static int select_profiles(pack_state *s, panya_error *err)
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
            return panya_error_set(err, PANYA_EXIT_USAGE,
                                   "no profile '%s'%s%s (see docs/PROFILES.md)", names[i],
                                   o->profiles_file ? " in " : "",
                                   o->profiles_file ? o->profiles_file : "");
        for (size_t k = 0; k < s->selected_count; k++)
            if (s->selected[k] == p)
                return panya_error_set(err, PANYA_EXIT_USAGE, "profile '%s' given twice",
                                       names[i]);
        s->selected[s->selected_count++] = p;
    }
    codec_encoder_versions(s->encoder, sizeof s->encoder);
    return 0;
}

static int plan_jobs(pack_state *s, panya_error *err)
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

static bool path_covers(const char *item_path, const char *path)
{
    size_t n = strlen(item_path);
    return strcmp(item_path, path) == 0 || (strncmp(item_path, path, n) == 0 && path[n] == '/');
}

/* Under --keep-going, drops the lesson holding a file that failed (and so every file of its
 * items); a file outside any lesson (plain folders) is dropped alone. */
static int drop_failed(pack_state *s, bool *dropped_files, panya_error *err)
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
                    in_lesson = path_covers(lesson->items[i].path, path);
                if (!in_lesson)
                    continue;
                for (size_t i = 0; i < lesson->item_count; i++)
                    for (size_t f = 0; f < s->model->file_count; f++)
                        if (path_covers(lesson->items[i].path, s->model->files[f].bundle_path))
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
    uint8_t *xml = NULL;
    size_t xml_len = 0;
    if (status == 0)
        status = bundle_manifest_finish(m, err);
    if (status == 0)
        status = bundle_manifest_write_xml(m, &xml, &xml_len, err);
    if (status == 0)
        status = bundle_writer_finish(w, path, xml, xml_len, err);
    bundle_writer_stats stats = bundle_writer_get_stats(w);
    summary->bundle.objects += stats.objects;
    summary->bundle.duplicates += stats.duplicates;
    summary->bundle.object_bytes += stats.object_bytes;
    summary->bundle.compressed_objects += stats.compressed_objects;
    summary->bundle.dictionaries += stats.dictionaries;
    summary->bundle.bundle_bytes += stats.bundle_bytes;
    free(xml);
    bundle_writer_free(w);
    return status;
}

static int build_bundle(pack_state *s, const char *out_path, pack_summary *summary,
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
            status = panya_error_set(err, PANYA_EXIT_USAGE,
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

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static char *input_name(const char *input)
{
    char *resolved = realpath(input, NULL);
    char *name = source_package_name(resolved ? resolved : input);
    free(resolved);
    return name;
}

static void count_structure(const bundle_manifest *m, pack_summary *summary)
{
    summary->courses = m->course_count;
    for (size_t c = 0; c < m->course_count; c++) {
        summary->lessons += m->courses[c].lesson_count;
        for (size_t l = 0; l < m->courses[c].lesson_count; l++)
            summary->items += m->courses[c].lessons[l].item_count;
    }
}

static void move_strings(char ***to, size_t *to_count, char ***from, size_t *from_count)
{
    *to = *from;
    *to_count = *from_count;
    *from = NULL;
    *from_count = 0;
}

int pack_run(const char *input, const char *out_path, const pack_options *options,
             pack_summary *summary, panya_error *err)
{
    memset(summary, 0, sizeof *summary);
    pack_state s = {.options = options};
    pthread_mutex_init(&s.lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &s.start);
    char *name = input_name(input), *staging = NULL, *schema_dir = NULL;
    scorm_schema_set *schemas = NULL;
    bool *dropped = NULL;
    int status = -1;
    pack_options resolved = *options;
    if (!name) {
        panya_error_oom(err);
        goto done;
    }
    resolved.title = options->title ? options->title : name;
    s.options = &resolved;
    if (select_profiles(&s, err) != 0)
        goto done;
    if (s.selected_count && transcode_cache_open(&s.cache, options->cache_dir, err) != 0)
        goto done;
    if (s.selected_count && asprintf(&s.frame_cache, "%s/frames", s.cache.dir) < 0) {
        s.frame_cache = NULL;
        panya_error_oom(err);
        goto done;
    }
    const char *tmp = getenv("TMPDIR");
    if (asprintf(&staging, "%s/panya-pack-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 ||
        !mkdtemp(staging)) {
        panya_error_errno(err, PANYA_EXIT_OUTPUT, errno, "cannot create a private work folder");
        goto done;
    }
    scorm_xml_secure_init();
    if ((schema_dir = scorm_schema_dir_find(options->schema_dir)) &&
        scorm_schema_set_open(&schemas, schema_dir, err) != 0)
        goto done;
    source_context ctx = {.staging_dir = staging, .keep_going = options->keep_going};
    ctx.scorm.schemas = schemas;
    ctx.scorm.schema_note = "no trusted SCORM schema folder";
    struct stat out_st;
    if (stat(out_path, &out_st) == 0) {
        ctx.skip_dev = out_st.st_dev;
        ctx.skip_ino = out_st.st_ino;
    }
    s.model = lesson_model_new(options->id ? options->id : name,
                               options->version ? options->version : "1");
    if (!s.model) {
        panya_error_oom(err);
        goto done;
    }
    if (source_read(input, options->source_kind, &ctx, s.model, err) != 0 ||
        lesson_model_finish(s.model, err) != 0 || plan_jobs(&s, err) != 0)
        goto done;
    if (ctx.scorm_packages && !schemas &&
        lesson_model_warn(s.model, "%u SCORM package(s) checked without schema validation: no "
                                   "trusted XSD folder (give --schemas DIR or set "
                                   "PANYA_SCHEMA_DIR)",
                          ctx.scorm_packages) != 0) {
        panya_error_oom(err);
        goto done;
    }
    thread_pool_run(s.job_count, s.parallel, run_job, &s);
    if (!(dropped = calloc(s.model->file_count + 1, sizeof *dropped))) {
        panya_error_oom(err);
        goto done;
    }
    for (size_t j = 0; j < s.job_count; j++) {
        pack_job *job = &s.jobs[j];
        bool fatal = job->err.code && (!options->keep_going || job->err.code == PANYA_EXIT_OUTPUT ||
                                       job->err.code == PANYA_EXIT_INTERNAL);
        if (fatal) {
            *err = job->err;
            goto done;
        }
    }
    if (drop_failed(&s, dropped, err) != 0)
        goto done;
    count_structure(s.model->manifest, summary);
    for (size_t p = 0; p < s.selected_count; p++)
        summary->profile_names[summary->profile_count++] = s.selected[p]->name;
    status = build_bundle(&s, out_path, summary, dropped, err);
done:
    if (s.model) {
        move_strings(&summary->skipped, &summary->skipped_count, &s.model->skipped,
                     &s.model->skipped_count);
        move_strings(&summary->warnings, &summary->warning_count, &s.model->warnings,
                     &s.model->warning_count);
    }
    /* Profile names must outlive the profile set. */
    size_t total = 0;
    for (size_t p = 0; p < summary->profile_count; p++)
        total += strlen(summary->profile_names[p]) + 1;
    summary->profile_storage = malloc(total + 1);
    for (size_t p = 0, at = 0; summary->profile_storage && p < summary->profile_count; p++) {
        size_t n = strlen(summary->profile_names[p]) + 1;
        memcpy(summary->profile_storage + at, summary->profile_names[p], n);
        summary->profile_names[p] = summary->profile_storage + at;
        at += n;
    }
    if (!summary->profile_storage)
        summary->profile_count = 0;
    summary->seconds = seconds_since(&s.start);
    for (size_t j = 0; j < s.job_count; j++)
        free(s.jobs[j].output_path);
    free(s.jobs);
    free(dropped);
    lesson_model_free(s.model);
    if (staging) {
        nftw(staging, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(staging);
    }
    scorm_schema_set_free(schemas);
    free(schema_dir);
    transcode_cache_close(&s.cache);
    free(s.frame_cache);
    codec_profiles_free(&s.profile_set);
    pthread_mutex_destroy(&s.lock);
    free(name);
    return status;
}

void pack_summary_free(pack_summary *summary)
{
    for (size_t i = 0; i < summary->figure_count; i++)
        free(summary->figures[i].path);
    free(summary->figures);
    for (size_t i = 0; i < summary->skipped_count; i++)
        free(summary->skipped[i]);
    free(summary->skipped);
    for (size_t i = 0; i < summary->warning_count; i++)
        free(summary->warnings[i]);
    free(summary->warnings);
    free(summary->profile_storage);
    memset(summary, 0, sizeof *summary);
}
