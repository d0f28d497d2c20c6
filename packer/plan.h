/* The transcode plan of a pack, split into jobs that other processes or machines run into
 * their own transcode caches (docs/SCALE.md): building the plan from `pack --dry-run`'s
 * reading of the inputs, cost-balanced shards, and running one job. Plans are written and
 * read as JSON lines by cli/ (docs/schemas/plan.schema.json). Not thread-safe: one plan per
 * thread. Errors: panya_error, PANYA_ERR_USAGE for inputs the plan cannot use. */
#ifndef PANYA_PACKER_PLAN_H
#define PANYA_PACKER_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codecs/codecs.h"
#include "common/error.h"
#include "common/hash.h"
#include "packer/pack.h"
#include "packer/transcode_cache.h"

typedef struct plan_job {
    char key[PANYA_HASH_HEX_SIZE];         /* the job id: the transcode cache key */
    char source_hash[PANYA_HASH_HEX_SIZE]; /* SHA-256 of the source file */
    char *input;       /* the INPUT it was read from (absolute) */
    char *source;      /* the source file (absolute) */
    char *bundle_path; /* its path in the bundle */
    char profile[CODEC_NAME_SIZE];
    int profile_version;
    char encoder[160]; /* encoder versions the key was made with */
    codec_kind kind;
    double duration; /* seconds; 0 for pictures */
    int width, height;
    uint64_t source_bytes;
    double cost; /* plan_job_cost() */
    bool cached; /* in the cache when planned (listed only with include_cached) */
} plan_job;

typedef struct plan {
    plan_job *jobs;
    size_t count, capacity;
    size_t cached;     /* variants the pack needs that the cache already holds */
    size_t duplicates; /* the same key as an earlier job (same file content and profile) */
    bool include_cached; /* set before plan_build: list cached variants too (cached = true),
                          * the whole set of keys a pack uses (for `cache gc --keep-plan`) */
} plan;

/* Estimated work of one job in pixel-seconds: a video's duration × its picture's pixels; an
 * audio file's duration × AUDIO_PIXELS (its encode costs about a small picture's); a
 * picture's pixels × 1 s. Only the ratio between jobs matters (shard balance). */
double plan_job_cost(codec_kind kind, double duration, int width, int height);

/* Reads every input like `pack --dry-run` (options: profiles, profiles file, cache) and
 * adds each transcode the cache does not hold yet (and with include_cached, each it holds),
 * once per key, in input order. A zip
 * input is PANYA_ERR_USAGE: its files exist only while a pack runs (unpack it first). */
int plan_build(plan *p, const char *const *inputs, size_t input_count,
               const pack_options *options, panya_error *err);

/* Adds a copy of job (strings duplicated). Returns 0 or -1 (out of memory). */
int plan_add(plan *p, const plan_job *job, panya_error *err);

void plan_free(plan *p);

/* Which shard (0..shards-1) runs each job: longest estimated cost first, each to the shard
 * with the least cost so far (ties: the lower shard; equal costs: in key order). The same
 * plan gives the same assignment on every machine. shard_of has p->count entries; loads
 * (may be NULL) gets each shard's total cost. Returns 0 or -1 (out of memory). */
int plan_assign_shards(const plan *p, size_t shards, size_t *shard_of, double *loads,
                       panya_error *err);

typedef struct plan_job_outcome {
    bool already_cached; /* done earlier (by this worker, another, or a merge): skipped */
    double seconds;      /* transcode time */
    uint64_t bytes;      /* the cached output's size */
} plan_job_outcome;

/* Runs one job into cache: skipped when the cache already holds its key; otherwise the
 * source is hashed (it must still be the planned file), transcoded with one encoder thread
 * (deterministic output) and stored. Two workers racing on one key both succeed: outputs
 * and records are written under temporary names and renamed, and the outputs are equal.
 * profile must be the job's profile at the job's version, encoder the running encoder
 * versions (a worker with other encoders would fill keys no pack looks up: USAGE). */
int plan_run_job(const plan_job *job, const transcode_cache *cache, const codec_profile *profile,
                 const char *encoder, const char *source_path, plan_job_outcome *outcome,
                 panya_error *err);

#endif
