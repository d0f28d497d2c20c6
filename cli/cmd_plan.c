/* panya plan INPUT... -o plan.jsonl: the transcodes a pack needs, as jobs for other
 * processes or machines (docs/SCALE.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_output.h"
#include "cli/commands.h"
#include "cli/pack_output.h"
#include "cli/plan_json.h"
#include "common/output_file.h"
#include "common/output_path.h"

/* The plan into memory first: a plan file is written whole or not at all. */
static int write_plan(const char *output, const plan *p, char **inputs, size_t input_count,
                      const pack_options *opts, const char *cache_dir, panya_error *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return panya_error_oom(err);
    int status = plan_write(mem, p, (const char *const *)inputs, input_count, opts, cache_dir);
    if (fclose(mem) != 0 || status != 0) {
        free(text);
        return panya_error_oom(err);
    }
    if (panya_output_is_stdout(output)) {
        status = fwrite(text, 1, len, stdout) == len ? 0
                                                     : panya_error_set(err, PANYA_ERR_OUTPUT,
                                                                       "standard output: "
                                                                       "cannot write");
    } else {
        status = panya_output_write_file(output, text, len, err);
    }
    free(text);
    return status;
}

static int run_plan(int argc, char **argv)
{
    const panya_command *cmd = &panya_command_plan;
    enum { OPT_PROFILES = 256, OPT_PROFILES_FILE, OPT_CACHE, OPT_SOURCE, OPT_ALL };
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"profiles", required_argument, NULL, OPT_PROFILES},
        {"profile", required_argument, NULL, OPT_PROFILES},
        {"profiles-file", required_argument, NULL, OPT_PROFILES_FILE},
        {"cache", required_argument, NULL, OPT_CACHE},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"all", no_argument, NULL, OPT_ALL},
        CLI_QUIET_VERBOSE_OPTIONS,
        {0},
    };
    pack_options opts = {0};
    const char *output = NULL;
    cli_verbosity verbosity = CLI_NORMAL;
    plan p = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &verbosity, NULL))
            continue;
        switch (c) {
        case 'o': output = optarg; break;
        case OPT_PROFILES:
            if (pack_options_add_profiles(&opts, optarg) != 0)
                return cli_usage_error(cmd, "at most %d profiles", PACK_MAX_PROFILES);
            break;
        case OPT_PROFILES_FILE: opts.profiles_file = optarg; break;
        case OPT_CACHE: opts.cache_dir = optarg; break;
        case OPT_SOURCE: opts.source_kind = optarg; break;
        case OPT_ALL: p.include_cached = true; break;
        default: return cli_bad_option(cmd, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error(cmd, "give at least one INPUT");
    if (!output)
        return cli_usage_error(cmd, "-o PLAN is required ('-' for standard output)");
    if (opts.profile_count == 1 && strcmp(opts.profiles[0], "source") == 0)
        return cli_usage_error(cmd, "profile 'source' transcodes nothing: there is no plan");
    char **inputs = argv + optind;
    size_t input_count = (size_t)(argc - optind);
    for (size_t i = 0; i < input_count; i++) {
        const char *checked[] = {inputs[i], opts.profiles_file};
        int usage = cli_check_output(output, "-o", checked, 2);
        if (usage != PANYA_EXIT_OK)
            return usage;
    }
    panya_error err = {0};
    transcode_cache cache;
    int opened = transcode_cache_open_mode(&cache, opts.cache_dir, false, &err);
    if (opened < 0)
        return cli_report_error(&err);
    /* The folder given (or the default), absolute: workers elsewhere read the header. */
    char *cache_dir = NULL, *cwd = getcwd(NULL, 0);
    if (cache.dir && cache.dir[0] != '/' && cwd) {
        if (asprintf(&cache_dir, "%s/%.*s", cwd, (int)strlen(cache.dir) - 3, cache.dir) < 0)
            cache_dir = NULL;
    } else if (cache.dir)
        cache_dir = strndup(cache.dir, strlen(cache.dir) - 3); /* without "/v1" */
    free(cwd);
    transcode_cache_close(&cache);
    int status = plan_build(&p, (const char *const *)inputs, input_count, &opts, &err);
    if (status == 0)
        status = write_plan(output, &p, inputs, input_count, &opts, cache_dir, &err);
    int exit_code = status == 0 ? PANYA_EXIT_OK : cli_report_error(&err);
    if (status == 0 && verbosity != CLI_QUIET) {
        double cost = 0;
        size_t pending = 0;
        for (size_t i = 0; i < p.count; i++) {
            cost += p.jobs[i].cached ? 0 : p.jobs[i].cost;
            pending += !p.jobs[i].cached;
        }
        FILE *info = panya_output_is_stdout(output) ? stderr : stdout;
        fprintf(info, "%s: %zu transcode job(s) to run (%zu already in %s)",
                panya_output_is_stdout(output) ? "plan" : output, pending, p.cached,
                cache_dir ? cache_dir : "the cache");
        if (p.duplicates)
            fprintf(info, ", %zu the same as another (same file and profile: planned once)",
                    p.duplicates);
        fprintf(info, "\n  estimated cost: %.3g pixel-seconds\n", cost);
        if (verbosity == CLI_VERBOSE)
            for (size_t i = 0; i < p.count; i++)
                fprintf(info, "  %.12s %-6s %s%s\n", p.jobs[i].key, p.jobs[i].profile,
                        p.jobs[i].bundle_path, p.jobs[i].cached ? " (cached)" : "");
    }
    free(cache_dir);
    plan_free(&p);
    return exit_code;
}

const panya_command panya_command_plan = {
    .name = "plan",
    .summary = "list the transcodes a pack needs, as jobs for other machines",
    .help = "usage: panya plan INPUT... -o PLAN [--profiles LIST] [--profiles-file FILE]\n"
            "                  [--cache DIR] [--source KIND] [--all] [-q|-v]\n"
            "\n"
            "Reads each INPUT (a course folder, as 'panya pack' would) and writes PLAN, JSON\n"
            "lines: a header, then one job per transcode the pack needs that the cache does\n"
            "not hold yet (docs/schemas/plan.schema.json). A job's id is its transcode cache\n"
            "key. Run the jobs with 'panya transcode-job PLAN --shard K/N' on any number of\n"
            "machines, bring their caches together with 'panya cache merge', and 'panya pack'\n"
            "makes no transcode (docs/SCALE.md).\n"
            "\n"
            "  -o PLAN              where to write the plan ('-': standard output)\n"
            "  --profiles LIST      comma-separated profile names (default: small,low)\n"
            "  --profiles-file F    profiles from F instead of the built-in set\n"
            "  --cache DIR          the transcode cache to leave out jobs already done in\n"
            "  --source KIND        the reader: scorm, kpl or folder (default: detect)\n"
            "  --all                list cached jobs too (\"cached\": true): every key the pack\n"
            "                       uses, for 'panya cache gc --keep-plan'\n"
            "\n"
            "Zipped inputs cannot be planned: their files exist only while a pack runs;\n"
            "unpack them into a folder first.\n",
    .run = run_plan,
};
