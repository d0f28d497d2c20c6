/* `panya plan` and `panya transcode-job`: the transcodes of a pack as independent jobs,
 * shards balanced by estimated cost, and one job run into a transcode cache. */
#include "packer/plan.h"
#include "common/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "packer/pack_state.h"

/* An audio second costs about as much to encode as a second of a 320×240 picture would. */
#define AUDIO_PIXELS (320.0 * 240.0)

double plan_job_cost(codec_kind kind, double duration, int width, int height)
{
    double pixels = width > 0 && height > 0 ? (double)width * height : 0;
    switch (kind) {
    case CODEC_KIND_VIDEO:
        return duration * (pixels > 0 ? pixels : AUDIO_PIXELS);
    case CODEC_KIND_AUDIO:
        return duration * AUDIO_PIXELS;
    case CODEC_KIND_IMAGE:
        return pixels;
    default:
        return 0;
    }
}

int plan_add(plan *p, const plan_job *job, panya_error *err)
{
    if (panya_grow((void **)&p->jobs, &p->capacity, p->count, sizeof *p->jobs, 64) != 0)
        return panya_error_oom(err);
    plan_job *copy = &p->jobs[p->count];
    *copy = *job;
    copy->input = job->input ? strdup(job->input) : NULL;
    copy->source = strdup(job->source);
    copy->bundle_path = strdup(job->bundle_path);
    if ((job->input && !copy->input) || !copy->source || !copy->bundle_path) {
        free(copy->input);
        free(copy->source);
        free(copy->bundle_path);
        return panya_error_oom(err);
    }
    p->count++;
    return 0;
}

static void free_job(plan_job *job)
{
    free(job->input);
    free(job->source);
    free(job->bundle_path);
}

void plan_free(plan *p)
{
    for (size_t i = 0; i < p->count; i++)
        free_job(&p->jobs[i]);
    free(p->jobs);
    memset(p, 0, sizeof *p);
}

static const plan *sorting; /* qsort has no context argument; plans are per thread */

static int by_key(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sorting->jobs[i].key, sorting->jobs[j].key);
    return c ? c : (i > j) - (i < j);
}

/* Keeps the first job of each key (the same file in two inputs is transcoded once). */
static int drop_duplicates(plan *p, panya_error *err)
{
    size_t *order = malloc((p->count + 1) * sizeof *order);
    bool *duplicate = calloc(p->count + 1, sizeof *duplicate);
    if (!order || !duplicate) {
        free(order);
        free(duplicate);
        return panya_error_oom(err);
    }
    for (size_t i = 0; i < p->count; i++)
        order[i] = i;
    sorting = p;
    qsort(order, p->count, sizeof *order, by_key);
    for (size_t i = 1; i < p->count; i++)
        duplicate[order[i]] = strcmp(p->jobs[order[i]].key, p->jobs[order[i - 1]].key) == 0;
    size_t kept = 0;
    for (size_t i = 0; i < p->count; i++) {
        if (duplicate[i]) {
            free_job(&p->jobs[i]);
            p->duplicates++;
        } else {
            p->jobs[kept++] = p->jobs[i];
        }
    }
    p->count = kept;
    free(order);
    free(duplicate);
    return 0;
}

int plan_build(plan *p, const char *const *inputs, size_t input_count,
               const pack_options *options, panya_error *err)
{
    pack_options o = *options;
    o.dry_run = true;
    o.plan_out = p;
    for (size_t i = 0; i < input_count; i++) {
        size_t first = p->count;
        pack_summary summary;
        int status = pack_run(inputs[i], NULL, &o, &summary, err);
        pack_summary_free(&summary);
        if (status != 0)
            return -1;
        char *input = realpath(inputs[i], NULL);
        if (!input)
            return panya_error_oom(err);
        for (size_t j = first; j < p->count; j++)
            if (!(p->jobs[j].input = strdup(input))) {
                free(input);
                return panya_error_oom(err);
            }
        free(input);
    }
    return drop_duplicates(p, err);
}

static int by_cost(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const plan_job *x = &sorting->jobs[i], *y = &sorting->jobs[j];
    if (x->cost != y->cost)
        return x->cost < y->cost ? 1 : -1;
    return strcmp(x->key, y->key);
}

int plan_assign_shards(const plan *p, size_t shards, size_t *shard_of, double *loads,
                       panya_error *err)
{
    size_t *order = malloc((p->count + 1) * sizeof *order);
    double *load = calloc(shards, sizeof *load);
    if (!order || !load) {
        free(order);
        free(load);
        return panya_error_oom(err);
    }
    for (size_t i = 0; i < p->count; i++)
        order[i] = i;
    sorting = p;
    qsort(order, p->count, sizeof *order, by_cost);
    for (size_t i = 0; i < p->count; i++) {
        size_t least = 0;
        for (size_t k = 1; k < shards; k++)
            if (load[k] < load[least])
                least = k;
        shard_of[order[i]] = least;
        load[least] += p->jobs[order[i]].cost;
    }
    if (loads)
        memcpy(loads, load, shards * sizeof *load);
    free(order);
    free(load);
    return 0;
}

int plan_run_job(const plan_job *job, const transcode_cache *cache, const codec_profile *profile,
                 const char *encoder, const char *source_path, plan_job_outcome *outcome,
                 panya_error *err)
{
    memset(outcome, 0, sizeof *outcome);
    if (profile->version != job->profile_version || strcmp(encoder, job->encoder) != 0)
        return panya_error_set(err, PANYA_ERR_USAGE,
                               "job %.12s: planned for profile %s version %d with %s, but this "
                               "worker has version %d with %s: plan again with this panya",
                               job->key, job->profile, job->profile_version, job->encoder,
                               profile->version, encoder);
    codec_result result;
    if (transcode_cache_lookup(cache, job->key, &result)) {
        outcome->already_cached = true;
        outcome->bytes = result.bytes;
        return 0;
    }
    uint8_t hash[PANYA_HASH_SIZE];
    char hex[PANYA_HASH_HEX_SIZE], key[PANYA_HASH_HEX_SIZE];
    uint64_t size;
    if (panya_sha256_file(source_path, hash, &size, err) != 0)
        return -1;
    panya_hash_to_hex(hash, hex);
    if (strcmp(hex, job->source_hash) != 0)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: changed since it was planned (its SHA-256 is %.12s…, the "
                               "plan says %.12s…): plan again", source_path, hex,
                               job->source_hash);
    transcode_cache_key(hash, profile, encoder, key);
    if (strcmp(key, job->key) != 0)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "job %.12s: its id is not the cache key of its source and "
                               "profile (%.12s): the plan was edited", job->key, key);
    char *out = transcode_cache_output_path(cache, key, err);
    if (!out)
        return -1;
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    /* One encoder thread: the output is then the same bytes on every machine. */
    int status = codec_transcode_file(source_path, profile, out, 1, 0, &result, err);
    if (status == 0)
        status = transcode_cache_store(cache, key, profile->name, &result, err);
    outcome->seconds = pack_seconds_since(&started);
    outcome->bytes = result.bytes;
    free(out);
    if (status != 0 && err->code != PANYA_ERR_OUTPUT && !strstr(err->message, source_path))
        panya_error_prefix(err, "%s: ", source_path);
    return status;
}
