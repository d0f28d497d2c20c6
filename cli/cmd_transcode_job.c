/* panya transcode-job PLAN --shard K/N: runs one shard of a plan into a transcode cache
 * (docs/SCALE.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_output.h"
#include "cli/commands.h"
#include "cli/plan_json.h"
#include "packer/plan.h"

/* "K/N" with 0 <= K < N. */
static int parse_shard(const char *text, size_t *k, size_t *n)
{
    char *end;
    unsigned long a = strtoul(text, &end, 10);
    if (end == text || *end != '/' || *text == '-')
        return -1;
    const char *second = end + 1;
    unsigned long b = strtoul(second, &end, 10);
    if (end == second || *end || *second == '-' || b == 0 || b > 100000 || a >= b)
        return -1;
    *k = a;
    *n = b;
    return 0;
}

/* The job's source on this machine: the planned path, or under --map FROM=TO ("/=/TO" moves
 * every path under /TO: sources shipped with their absolute paths). */
static char *source_here(const char *source, const char *map)
{
    const char *eq = map ? strchr(map, '=') : NULL;
    size_t from = eq ? (size_t)(eq - map) : 0;
    char *path = NULL;
    if (eq && strncmp(source, map, from) == 0 &&
        (from == 1 || source[from] == '/' || !source[from])) {
        const char *rest = source + from;
        while (*rest == '/')
            rest++;
        return asprintf(&path, "%s/%s", eq + 1, rest) < 0 ? NULL : path;
    }
    return strdup(source);
}

typedef struct job_run {
    const char *cache_dir, *map, *profiles_file;
    cli_verbosity verbosity;
    size_t transcoded, skipped, failed, done, total;
    int exit_code; /* the first failure's */
} job_run;

static void run_one(job_run *run, const plan_job *job, const transcode_cache *cache,
                    const codec_profile_set *set, const char *encoder)
{
    panya_error err = {0};
    plan_job_outcome outcome;
    const codec_profile *profile = codec_profiles_find(set, job->profile);
    char *source = source_here(job->source, run->map);
    int status;
    if (!source)
        status = panya_error_oom(&err);
    else if (!profile)
        status = panya_error_set(&err, PANYA_ERR_USAGE, "no profile '%s' in %s", job->profile,
                                 run->profiles_file ? run->profiles_file : "the built-in set");
    else
        status = plan_run_job(job, cache, profile, encoder, source, &outcome, &err);
    run->done++;
    if (status != 0) {
        run->failed++;
        fprintf(stderr, "panya: failed: job %s (%s, %s): %s\n", job->key, job->profile,
                job->bundle_path, err.message);
        if (run->exit_code == PANYA_EXIT_OK)
            run->exit_code = cli_exit_code(err.code ? err.code : PANYA_ERR_INTERNAL);
    } else if (outcome.already_cached) {
        run->skipped++;
        if (run->verbosity == CLI_VERBOSE)
            printf("[%zu/%zu] %.12s %s %s: already in the cache\n", run->done, run->total,
                   job->key, job->profile, job->bundle_path);
    } else {
        run->transcoded++;
        if (run->verbosity != CLI_QUIET)
            printf("[%zu/%zu] %.12s %s %s: %.1f s, %llu bytes\n", run->done, run->total,
                   job->key, job->profile, job->bundle_path, outcome.seconds,
                   (unsigned long long)outcome.bytes);
    }
    fflush(stdout);
    free(source);
}

static int run_transcode_job(int argc, char **argv)
{
    const panya_command *cmd = &panya_command_transcode_job;
    enum { OPT_SHARD = 256, OPT_JOB, OPT_CACHE, OPT_MAP, OPT_PROFILES_FILE, OPT_LIST };
    static const struct option options[] = {
        {"shard", required_argument, NULL, OPT_SHARD},
        {"job", required_argument, NULL, OPT_JOB},
        {"cache", required_argument, NULL, OPT_CACHE},
        {"map", required_argument, NULL, OPT_MAP},
        {"profiles-file", required_argument, NULL, OPT_PROFILES_FILE},
        {"list", no_argument, NULL, OPT_LIST},
        CLI_QUIET_VERBOSE_OPTIONS,
        {0},
    };
    job_run run = {.verbosity = CLI_NORMAL};
    const char *shard_text = NULL, *job_id = NULL;
    size_t shard = 0, shards = 1;
    bool list = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &run.verbosity, NULL))
            continue;
        switch (c) {
        case OPT_SHARD:
            shard_text = optarg;
            if (parse_shard(optarg, &shard, &shards) != 0)
                return cli_usage_error(cmd, "--shard wants K/N with 0 <= K < N, not '%s'",
                                       optarg);
            break;
        case OPT_JOB: job_id = optarg; break;
        case OPT_CACHE: run.cache_dir = optarg; break;
        case OPT_MAP:
            if (!strchr(optarg, '=') || optarg[0] != '/')
                return cli_usage_error(cmd, "--map wants /FROM=/TO, not '%s'", optarg);
            run.map = optarg;
            break;
        case OPT_PROFILES_FILE: run.profiles_file = optarg; break;
        case OPT_LIST: list = true; break;
        default: return cli_bad_option(cmd, argv);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, "give exactly one PLAN file");
    if (!shard_text && !job_id)
        return cli_usage_error(cmd, "give --shard K/N (or --job ID for one job)");
    if (shard_text && job_id)
        return cli_usage_error(cmd, "--shard and --job choose jobs two ways: give one");
    if (job_id && strlen(job_id) < 8)
        return cli_usage_error(cmd, "--job wants at least 8 digits of a job id");

    panya_error err = {0};
    plan p;
    plan_header header;
    if (plan_read(argv[optind], &p, &header, &err) != 0)
        return cli_report_error(&err);
    if (!run.profiles_file)
        run.profiles_file = header.profiles_file;
    size_t *shard_of = calloc(p.count + 1, sizeof *shard_of);
    bool *chosen = calloc(p.count + 1, sizeof *chosen);
    codec_profile_set set = {0};
    transcode_cache cache = {0};
    int exit_code = PANYA_EXIT_OK;
    if (!shard_of || !chosen)
        panya_error_oom(&err);
    if (err.code || plan_assign_shards(&p, shards, shard_of, NULL, &err) != 0) {
        exit_code = cli_report_error(&err);
        goto done;
    }
    for (size_t i = 0; i < p.count; i++) {
        chosen[i] = job_id ? strncmp(p.jobs[i].key, job_id, strlen(job_id)) == 0
                           : shard_of[i] == shard;
        run.total += chosen[i];
    }
    if (job_id && run.total != 1) {
        exit_code = cli_usage_error(cmd, "%s job(s) in %s start with '%s'",
                                    run.total ? "several" : "no", argv[optind], job_id);
        goto done;
    }
    if (list) {
        for (size_t i = 0; i < p.count; i++)
            if (chosen[i])
                printf("%s %s %.0f %s\n", p.jobs[i].key, p.jobs[i].profile, p.jobs[i].cost,
                       p.jobs[i].source);
        goto done;
    }
    int loaded = run.profiles_file ? codec_profiles_load_file(&set, run.profiles_file, &err)
                                   : codec_profiles_load_default(&set, &err);
    if (loaded != 0 || transcode_cache_open(&cache, run.cache_dir, &err) != 0) {
        exit_code = cli_report_error(&err);
        goto done;
    }
    char encoder[160];
    codec_encoder_versions(encoder, sizeof encoder);
    for (size_t i = 0; i < p.count; i++)
        if (chosen[i])
            run_one(&run, &p.jobs[i], &cache, &set, encoder);
    exit_code = run.exit_code;
    if (run.verbosity != CLI_QUIET || run.failed) {
        FILE *out = run.failed ? stderr : stdout;
        if (job_id)
            fprintf(out, "job %s: ", job_id);
        else
            fprintf(out, "shard %zu/%zu: ", shard, shards);
        fprintf(out, "%zu job(s): %zu transcoded, %zu already in the cache, %zu failed\n",
                run.total, run.transcoded, run.skipped, run.failed);
    }
done:
    transcode_cache_close(&cache);
    codec_profiles_free(&set);
    free(shard_of);
    free(chosen);
    plan_free(&p);
    plan_header_free(&header);
    return exit_code;
}

const panya_command panya_command_transcode_job = {
    .name = "transcode-job",
    .summary = "run one shard of a plan into a transcode cache",
    .help = "usage: panya transcode-job PLAN (--shard K/N | --job ID) [--cache DIR]\n"
            "                           [--map /FROM=/TO] [--profiles-file F] [--list] [-q|-v]\n"
            "\n"
            "Runs the jobs of PLAN (made by 'panya plan') that fall to shard K of N into the\n"
            "transcode cache. Shards are balanced by estimated cost, longest job first, and\n"
            "are the same on every machine for the same plan. Jobs already in the cache are\n"
            "skipped, so a rerun (after a failure or a kill) does only what is left; two\n"
            "workers on the same job both succeed with the same bytes (docs/SCALE.md).\n"
            "Failed jobs are listed and the exit code is not 0; the others still run.\n"
            "\n"
            "  --shard K/N          the shard to run, K from 0 to N-1 (Slurm's and Kubernetes'\n"
            "                       array indexes)\n"
            "  --job ID             one job (its id, or 8+ leading digits of it)\n"
            "  --cache DIR          the transcode cache (default: as 'panya pack')\n"
            "  --map /FROM=/TO      read sources planned under /FROM from /TO on this machine\n"
            "  --profiles-file F    the profile file (default: the one the plan names)\n"
            "  --list               print the chosen jobs (id, profile, cost, source); run none\n",
    .run = run_transcode_job,
};
