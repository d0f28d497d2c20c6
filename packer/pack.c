#include "packer/pack.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/temp_files.h"
#include "packer/pack_state.h"
#include "sources/source.h"

/* Staging folders of killed packs older than this are removed by the next pack. */
#define STALE_STAGING_SECONDS 3600

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

/* Moves the model's lines into the summary, naming unpacked files by the zips they came
 * from rather than by the private folder they were unpacked to. */
static void move_lines(const source_context *ctx, char ***to, size_t *to_count, char ***from,
                       size_t *from_count)
{
    for (size_t i = 0; i < *from_count; i++) {
        panya_error line = {0};
        snprintf(line.message, sizeof line.message, "%s", (*from)[i]);
        source_describe_error(ctx, &line);
        char *described = strcmp(line.message, (*from)[i]) ? strdup(line.message) : NULL;
        if (described) {
            free((*from)[i]);
            (*from)[i] = described;
        }
    }
    *to = *from;
    *to_count = *from_count;
    *from = NULL;
    *from_count = 0;
}

/* Under --keep-going, a pack that kept nothing is a failure, not an empty bundle. */
static int check_something_left(const lesson_model *model, const bool *dropped,
                                panya_error *err)
{
    if (!model->skipped_count)
        return 0;
    for (size_t f = 0; f < model->file_count; f++)
        if (!dropped[f])
            return 0;
    return panya_error_set(err, PANYA_ERR_INVALID,
                           "every lesson was skipped (%zu); nothing is left to pack: %s",
                           model->skipped_count, model->skipped[0]);
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
    int status = -1, staging_hold = -1;
    source_context ctx = {0};
    pack_options resolved = *options;
    if (!name) {
        panya_error_oom(err);
        goto done;
    }
    resolved.title = options->title ? options->title : name;
    s.options = &resolved;
    if (pack_select_profiles(&s, err) != 0)
        goto done;
    if (s.selected_count &&
        transcode_cache_open_mode(&s.cache, options->cache_dir, !options->dry_run, err) < 0)
        goto done;
    if (options->dry_run && s.cache.dir && access(s.cache.dir, F_OK) != 0)
        transcode_cache_close(&s.cache); /* nothing cached yet, and nothing to create */
    if (s.selected_count && asprintf(&s.frame_cache, "%s/frames", s.cache.dir) < 0) {
        s.frame_cache = NULL;
        panya_error_oom(err);
        goto done;
    }
    const char *tmp = getenv("TMPDIR");
    tmp = tmp && *tmp ? tmp : "/tmp";
    panya_sweep_stale_staging(tmp, STALE_STAGING_SECONDS);
    if (asprintf(&staging, "%s/panya-pack-XXXXXX", tmp) < 0 || !mkdtemp(staging)) {
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create a private work folder",
                          tmp);
        goto done;
    }
    staging_hold = panya_staging_hold(staging);
    panya_cleanup_add(staging);
    s.staging = staging;
    scorm_xml_secure_init();
    if ((schema_dir = scorm_schema_dir_find(options->schema_dir)) &&
        scorm_schema_set_open(&schemas, schema_dir, err) != 0)
        goto done;
    if (source_context_init(&ctx, input, out_path, staging, err) != 0)
        goto done;
    ctx.keep_going = options->keep_going;
    ctx.scorm.schemas = schemas;
    ctx.scorm.schema_note = "no trusted SCORM schema folder";
    s.model = lesson_model_new(options->id ? options->id : name,
                               options->version ? options->version : "1");
    if (!s.model) {
        panya_error_oom(err);
        goto done;
    }
    int read_status = source_read(input, options->source_kind, &ctx, s.model, err);
    summary->source_reader = ctx.reader;
    summary->source_reason = ctx.reader ? strdup(ctx.reason) : NULL;
    if (read_status != 0 || lesson_model_finish(s.model, err) != 0 || pack_plan_jobs(&s, err) != 0 ||
        pack_check_case_collisions(&s, options->strict, err) != 0)
        goto done;
    if (ctx.scorm_packages && !schemas &&
        lesson_model_warn(s.model, "%u SCORM package(s) checked without schema validation: no "
                                   "trusted XSD folder (give --schemas DIR or set "
                                   "PANYA_SCHEMA_DIR)",
                          ctx.scorm_packages) != 0) {
        panya_error_oom(err);
        goto done;
    }
    if (options->dry_run) {
        count_structure(s.model->manifest, summary);
        for (size_t p = 0; p < s.selected_count; p++)
            summary->profile_names[summary->profile_count++] = s.selected[p]->name;
        status = pack_estimate(&s, summary, err);
        summary->plan = s.model->manifest;
        s.model->manifest = NULL;
        goto done;
    }
    pack_run_jobs(&s);
    if (s.cache_failed &&
        lesson_model_warn(s.model, "the transcode cache cannot be written (%s): this pack's "
                                   "new transcodes were made without it and will be made "
                                   "again next time", s.cache_problem) != 0) {
        panya_error_oom(err);
        goto done;
    }
    if (!(dropped = calloc(s.model->file_count + 1, sizeof *dropped))) {
        panya_error_oom(err);
        goto done;
    }
    for (size_t j = 0; j < s.job_count; j++) {
        pack_job *job = &s.jobs[j];
        bool fatal = job->err.code && (!options->keep_going || job->err.code == PANYA_ERR_OUTPUT ||
                                       job->err.code == PANYA_ERR_INTERNAL);
        if (fatal) {
            *err = job->err;
            goto done;
        }
    }
    if (pack_drop_failed(&s, dropped, err) != 0 || check_something_left(s.model, dropped, err) != 0)
        goto done;
    count_structure(s.model->manifest, summary);
    for (size_t p = 0; p < s.selected_count; p++)
        summary->profile_names[summary->profile_count++] = s.selected[p]->name;
    status = pack_build_bundle(&s, out_path, summary, dropped, err);
done:
    if (status != 0)
        source_describe_error(&ctx, err);
    if (s.model) {
        move_lines(&ctx, &summary->skipped, &summary->skipped_count, &s.model->skipped,
                   &s.model->skipped_count);
        move_lines(&ctx, &summary->warnings, &summary->warning_count, &s.model->warnings,
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
    summary->seconds = pack_seconds_since(&s.start);
    for (size_t j = 0; j < s.job_count; j++)
        free(s.jobs[j].output_path);
    free(s.jobs);
    free(dropped);
    lesson_model_free(s.model);
    if (staging) {
        nftw(staging, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        panya_cleanup_remove(staging);
        if (staging_hold >= 0)
            close(staging_hold);
        free(staging);
    }
    source_context_free(&ctx);
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
    free(summary->source_reason);
    bundle_manifest_free(summary->plan);
    memset(summary, 0, sizeof *summary);
}

