/* panya cache stats|verify|merge|gc: the transcode cache as a whole (docs/SCALE.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_output.h"
#include "cli/commands.h"
#include "cli/plan_json.h"
#include "packer/cache_admin.h"

static const panya_command *const cmd = &panya_command_cache;

/* Parses the options every subcommand shares (-q, -v, --cache DIR) and its own. */
typedef struct cache_args {
    cli_verbosity verbosity;
    const char *cache_dir, *keep_plan, *older_than, *max_size;
    bool dry_run, fix;
} cache_args;

/* own: the subcommand's options besides --cache (gc's, or verify's --fix). */
static int parse_args(int argc, char **argv, cache_args *a, const char *own)
{
    enum { OPT_CACHE = 256, OPT_KEEP_PLAN, OPT_OLDER, OPT_MAX_SIZE, OPT_DRY_RUN, OPT_FIX };
    static const struct option options[] = {
        {"cache", required_argument, NULL, OPT_CACHE},
        {"keep-plan", required_argument, NULL, OPT_KEEP_PLAN},
        {"older-than", required_argument, NULL, OPT_OLDER},
        {"max-size", required_argument, NULL, OPT_MAX_SIZE},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"fix", no_argument, NULL, OPT_FIX},
        CLI_QUIET_VERBOSE_OPTIONS,
        {0},
    };
    memset(a, 0, sizeof *a);
    a->verbosity = CLI_NORMAL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &a->verbosity, NULL))
            continue;
        bool allowed = c == OPT_CACHE || c == '?' ||
                       (c == OPT_FIX ? strcmp(own, "fix") == 0 : strcmp(own, "gc") == 0);
        if (!allowed)
            return cli_usage_error(cmd, "%s takes no such option: '%s'", argv[0],
                                   argv[optind - 1]);
        switch (c) {
        case OPT_CACHE: a->cache_dir = optarg; break;
        case OPT_KEEP_PLAN: a->keep_plan = optarg; break;
        case OPT_OLDER: a->older_than = optarg; break;
        case OPT_MAX_SIZE: a->max_size = optarg; break;
        case OPT_DRY_RUN: a->dry_run = true; break;
        case OPT_FIX: a->fix = true; break;
        default: return cli_bad_option(cmd, argv);
        }
    }
    return PANYA_EXIT_OK;
}

/* DIR given as the operand or --cache; NULL: the default cache. */
static int one_dir(int argc, char **argv, cache_args *a, const char **dir)
{
    if (optind < argc - 1 || (optind == argc - 1 && a->cache_dir))
        return cli_usage_error(cmd, "%s takes at most one cache DIR", argv[0]);
    *dir = optind == argc - 1 ? argv[optind] : a->cache_dir;
    return PANYA_EXIT_OK;
}

static int run_stats(int argc, char **argv)
{
    cache_args a;
    const char *dir = NULL;
    int usage = parse_args(argc, argv, &a, "");
    if (usage != PANYA_EXIT_OK || (usage = one_dir(argc, argv, &a, &dir)) != PANYA_EXIT_OK)
        return usage;
    cache_stats st;
    panya_error err = {0};
    if (cache_admin_stats(dir, &st, &err) != 0)
        return cli_report_error(&err);
    char size[32];
    printf("%s: %zu entries, %s (%llu bytes)\n", st.dir, st.entries,
           cli_format_bytes(st.bytes, size, sizeof size), (unsigned long long)st.bytes);
    for (size_t p = 0; p < st.profile_count; p++)
        printf("  %-12s %8zu entries  %s\n", st.profiles[p].name[0] ? st.profiles[p].name
                                                                   : "(unrecorded)",
               st.profiles[p].entries, cli_format_bytes(st.profiles[p].bytes, size, sizeof size));
    if (st.orphans || st.temporaries)
        printf("  leftovers: %zu output(s) without a record, %zu temporary file(s), %s "
               "('panya cache gc' removes those no writer holds)\n",
               st.orphans, st.temporaries, cli_format_bytes(st.other_bytes, size, sizeof size));
    cache_stats_free(&st);
    return PANYA_EXIT_OK;
}

static int run_verify(int argc, char **argv)
{
    cache_args a;
    const char *dir = NULL;
    int usage = parse_args(argc, argv, &a, "fix");
    if (usage != PANYA_EXIT_OK || (usage = one_dir(argc, argv, &a, &dir)) != PANYA_EXIT_OK)
        return usage;
    cache_verify_report r;
    panya_error err = {0};
    if (cache_admin_verify(dir, a.fix, &r, &err) != 0)
        return cli_report_error(&err);
    for (size_t i = 0; i < r.bad; i++)
        fprintf(stderr, "panya: damaged entry %s: its output does not match its record\n",
                r.bad_keys[i]);
    if (a.verbosity != CLI_QUIET || r.bad)
        fprintf(r.bad ? stderr : stdout, "%s: %zu entries good, %zu damaged%s\n",
                dir ? dir : "cache", r.good, r.bad,
                !r.bad ? "" : a.fix ? " (removed)" : " (packs ignore them; --fix removes them)");
    int code = r.bad ? PANYA_EXIT_INVALID : PANYA_EXIT_OK;
    cache_verify_report_free(&r);
    return code;
}

static int run_merge(int argc, char **argv)
{
    cache_args a;
    int usage = parse_args(argc, argv, &a, "");
    if (usage != PANYA_EXIT_OK)
        return usage;
    if (a.cache_dir)
        return cli_usage_error(cmd, "merge takes SRC... DEST, not --cache");
    if (argc - optind < 2)
        return cli_usage_error(cmd, "merge wants SRC... DEST (at least one source)");
    const char *dest = argv[argc - 1];
    cache_merge_report r;
    panya_error err = {0};
    if (cache_admin_merge((const char *const *)argv + optind, (size_t)(argc - 1 - optind), dest,
                          &r, &err) != 0)
        return cli_report_error(&err);
    char size[32];
    if (a.verbosity != CLI_QUIET || r.bad)
        fprintf(r.bad ? stderr : stdout,
                "%s: %zu entries copied (%s), %zu already there, %zu damaged left out\n", dest,
                r.copied, cli_format_bytes(r.bytes_copied, size, sizeof size), r.present, r.bad);
    return r.bad ? PANYA_EXIT_INVALID : PANYA_EXIT_OK;
}

static int by_hex(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The keys a plan uses, sorted for cache_admin_gc. */
static int read_keep(const char *path, char (**keys)[PANYA_HASH_HEX_SIZE], size_t *count)
{
    plan p;
    plan_header h;
    panya_error err = {0};
    if (plan_read(path, &p, &h, &err) != 0)
        return cli_report_error(&err);
    plan_header_free(&h);
    *keys = malloc((p.count + 1) * sizeof **keys);
    if (!*keys) {
        plan_free(&p);
        panya_error_oom(&err);
        return cli_report_error(&err);
    }
    for (size_t i = 0; i < p.count; i++)
        memcpy((*keys)[i], p.jobs[i].key, PANYA_HASH_HEX_SIZE);
    *count = p.count;
    qsort(*keys, *count, sizeof **keys, by_hex);
    plan_free(&p);
    return PANYA_EXIT_OK;
}

static int run_gc(int argc, char **argv)
{
    cache_args a;
    const char *dir = NULL;
    int usage = parse_args(argc, argv, &a, "gc");
    if (usage != PANYA_EXIT_OK || (usage = one_dir(argc, argv, &a, &dir)) != PANYA_EXIT_OK)
        return usage;
    cache_gc_options o = {.older_than = -1, .dry_run = a.dry_run};
    if (!a.keep_plan && !a.older_than && !a.max_size)
        return cli_usage_error(cmd, "gc wants --keep-plan PLAN, --older-than DAYS or "
                                    "--max-size SIZE");
    if (a.older_than) {
        char *end;
        double days = strtod(a.older_than, &end);
        if (end == a.older_than || *end || days < 0)
            return cli_usage_error(cmd, "--older-than wants a number of days, not '%s'",
                                   a.older_than);
        o.older_than = days * 86400.0;
    }
    if (a.max_size && cli_parse_size(a.max_size, &o.max_size) != 0)
        return cli_usage_error(cmd, "--max-size wants a size such as 20G or 500M, not '%s'",
                               a.max_size);
    char (*keep)[PANYA_HASH_HEX_SIZE] = NULL;
    if (a.keep_plan && (usage = read_keep(a.keep_plan, &keep, &o.keep_count)) != PANYA_EXIT_OK)
        return usage;
    o.keep = (const char (*)[PANYA_HASH_HEX_SIZE])keep;
    o.keep_given = a.keep_plan != NULL;
    cache_gc_report r;
    panya_error err = {0};
    int status = cache_admin_gc(dir, &o, &r, &err);
    free(keep);
    if (status != 0)
        return cli_report_error(&err);
    char removed[32], kept[32];
    if (a.verbosity != CLI_QUIET)
        printf("%s%zu entries removed (%s), %zu kept (%s), %zu damaged or leftover files "
               "removed\n", a.dry_run ? "would be: " : "", r.removed,
               cli_format_bytes(r.bytes_removed, removed, sizeof removed), r.kept,
               cli_format_bytes(r.bytes_kept, kept, sizeof kept), r.broken);
    return PANYA_EXIT_OK;
}

static int run_cache(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subcommands[] = {
        {"stats", run_stats}, {"verify", run_verify}, {"merge", run_merge}, {"gc", run_gc},
    };
    if (argc < 2)
        return cli_usage_error(cmd, "give a subcommand: stats, verify, merge or gc");
    for (size_t i = 0; i < sizeof subcommands / sizeof *subcommands; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    return cli_usage_error(cmd, "no subcommand '%s' (stats, verify, merge or gc)", argv[1]);
}

const panya_command panya_command_cache = {
    .name = "cache",
    .summary = "statistics, verification, merging and cleaning of transcode caches",
    .help = "usage: panya cache stats [DIR]\n"
            "       panya cache verify [DIR] [--fix]\n"
            "       panya cache merge SRC... DEST\n"
            "       panya cache gc [DIR] [--keep-plan PLAN] [--older-than DAYS]\n"
            "                      [--max-size SIZE] [--dry-run]\n"
            "\n"
            "DIR is a transcode cache folder (as 'panya pack --cache DIR'); without it, the\n"
            "default cache ($XDG_CACHE_HOME/panya). --cache DIR works too.\n"
            "\n"
            "  stats   entries, bytes and entries per profile, from the records\n"
            "  verify  hashes every entry against its record; exit 1 when any is damaged\n"
            "          (--fix removes those)\n"
            "  merge   copies the entries of each SRC that DEST lacks: each output is hashed\n"
            "          as it is copied and must match its record; an entry appears in DEST\n"
            "          whole (output, then record, each renamed into place) or not at all\n"
            "  gc      removes entries not used by PLAN (made with 'panya plan --all'), made\n"
            "          more than DAYS ago, or the oldest until the cache is under SIZE (20G,\n"
            "          500M); always records whose output is missing or of another size,\n"
            "          and leftovers of killed writers\n"
            "\n"
            "stats, verify and merge are safe while packs and workers use the caches, also\n"
            "on NFS; gc needs the cache to itself (docs/SCALE.md).\n",
    .run = run_cache,
};
