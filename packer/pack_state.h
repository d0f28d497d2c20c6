/* State shared by the stages of `panya pack` (internal to packer/pack*.c): the plan of
 * transcode jobs and their results, between pack.c (orchestration), pack_transcode.c (plan,
 * cached parallel transcodes) and pack_bundle.c (variants into one bundle or split parts). */
#ifndef PANYA_PACKER_PACK_STATE_H
#define PANYA_PACKER_PACK_STATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "codecs/codecs.h"
#include "sources/lesson_model.h"
#include "packer/pack.h"
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
    const char *staging;     /* where transcodes go when the cache cannot take them */
    bool cache_failed;       /* under lock: the cache could not be written at least once */
    char cache_problem[sizeof ((panya_error *)0)->message]; /* the first reason, for one warning */
    pthread_mutex_t lock;
    size_t done;
    uint64_t bytes_in, bytes_out;
    struct timespec start;
} pack_state;

double pack_seconds_since(const struct timespec *start);

/* Resolves the selected profile names (none for "source"). Returns 0 or -1. */
int pack_select_profiles(pack_state *s, panya_error *err);

/* One job per media file and profile, and how many run at once with how many threads. */
int pack_plan_jobs(pack_state *s, panya_error *err);

/* Runs every job: from the cache, or transcoded and then cached. Errors stay in the jobs. */
void pack_run_jobs(pack_state *s);

/* Under --keep-going, drops the lesson of each file that failed (all its files) and records
 * it as skipped; a file outside any lesson is dropped alone. */
int pack_drop_failed(pack_state *s, bool *dropped_files, panya_error *err);

/* Paths of the bundle that are equal when case is ignored: a FAT or exFAT card (what
 * bundles are extracted to) keeps one of each such group only. Each is a warning, or with
 * `strict` an error (PANYA_ERR_INVALID naming both paths). Returns 0 or -1. */
int pack_check_case_collisions(pack_state *s, bool strict, panya_error *err);

/* --dry-run: fills summary with the plan, each job's output found in the cache or
 * estimated from the source's duration or picture size and the profile. Writes nothing. */
int pack_estimate(pack_state *s, pack_summary *summary, panya_error *err);

/* Writes the bundle (or the parts of --split) with every file not dropped. */
int pack_build_bundle(pack_state *s, const char *out_path, pack_summary *summary,
                      const bool *dropped_files, panya_error *err);

#endif
