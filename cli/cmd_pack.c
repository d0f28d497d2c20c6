/* panya pack INPUT -o OUT.panya */
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_output.h"
#include "cli/pack_output.h"
#include "libpanya/bundle_format.h"
#include "common/output_path.h"
#include "writer/bundle_sign.h"
#include "packer/pack.h"

static int run_pack(int argc, char **argv);

const panya_command panya_command_pack = {
    .name = "pack",
    .summary = "pack lessons (KPL courses, SCORM, a folder) into a .panya bundle",
    .help =
        "usage: panya pack INPUT -o OUT.panya [options]\n"
        "\n"
        "INPUT is a SCORM package (zip or folder), a KPL course export (a folder with one\n"
        "folder per course) or any other folder (packed as it is); see docs/SOURCES.md.\n"
        "Every video, audio and image is transcoded to each selected profile and keeps its\n"
        "path; text is stored unchanged and compressed. Transcodes are cached, so a repack\n"
        "redoes only what changed. The same input always gives the same bytes, and an\n"
        "earlier OUT.panya is replaced only once the new one is complete.\n"
        "\n"
        "Options:\n"
        "  -o, --output FILE      the bundle to write (required; '-' for standard output,\n"
        "                         then the summary goes to standard error); it may not be\n"
        "                         an input, a file of the input folder or a folder (a new\n"
        "                         or earlier bundle inside the input folder is left out)\n"
        "      --profiles LIST    profiles to make, comma-separated (default: small,low);\n"
        "                         'source' alone stores every file unchanged\n"
        "      --profile NAME     one profile (may be repeated); --profile source as above\n"
        "      --profiles-file F  your own profile file (docs/PROFILES.md)\n"
        "      --source KIND      scorm, h5p, pdf, office, imscc, moodle, kpl or folder\n"
        "                         (default: detected; pack says which reader it chose and\n"
        "                         why)\n"
        "      --dry-run          print the plan (reader, courses and lessons, transcodes\n"
        "                         needed and cached, estimated size per profile) and write\n"
        "                         nothing\n"
        "      --keep-going       pack the other lessons when one is broken, and list it;\n"
        "                         exit 6 when a lesson was left out\n"
        "      --strict           paths that differ only in case (one file on a FAT/exFAT\n"
        "                         card) are an error, not a warning\n"
        "      --cache DIR        transcode cache (default: $XDG_CACHE_HOME/panya)\n"
        "      --report FILE      write per-item figures as JSON (sizes, SSIM, time, cache;\n"
        "                         docs/schemas/pack-report.schema.json); '-': stdout\n"
        "      --json             print that report on standard output instead of the\n"
        "                         summary\n"
        "      --schemas DIR      trusted SCORM XSDs for validation (or PANYA_SCHEMA_DIR)\n"
        "      --id ID            pack id (default: the input's name)\n"
        "      --pack-version V   pack version (default: 1)\n"
        "      --title TEXT       English title (default: the input's name)\n"
        "      --title-lo TEXT    Lao title\n"
        "      --level N          zstd level for text, 1-22 (default: 19)\n"
        "      --threads N        cores to use (default: all)\n"
        "      --no-dictionaries  do not train compression dictionaries\n"
        "      --no-references    store no file as a delta against a similar file (format\n"
        "                         1.0 layout: larger on collections of similar packages)\n"
        "      --split[=SIZE]     write parts of whole lessons, none bigger than SIZE\n"
        "                         (e.g. 700M, 2G; default 4G-1, FAT32's file limit):\n"
        "                         OUT.1.panya, OUT.2.panya, ... (one OUT when all fits)\n"
        "      --sign KEY         sign the manifest with this Ed25519 private key (PEM,\n"
        "                         from 'panya keygen')\n"
        "  -q, --quiet            print nothing but errors\n"
        "  -v, --verbose          also list each media file's variants (size, SSIM, cache)\n"
        "\n"
        "Exit status: 0 packed; 1 an input is invalid or damaged; 2 usage error or an\n"
        "unreadable input; 3 OUT could not be written; 6 packed without the lessons\n"
        "--keep-going skipped.\n",
    .run = run_pack,
};

static int parse_int(const char *text, int min, int max, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

/* An output inside the folder being packed may be new or an earlier bundle (left out of
 * the input by the readers), never one of the lesson files. */
static int check_output_in_input(const char *output, const char *input)
{
    if (panya_output_is_stdout(output) || !panya_path_inside_folder(output, input))
        return PANYA_EXIT_OK;
    FILE *f = fopen(output, "rb");
    if (!f)
        return PANYA_EXIT_OK; /* a new file */
    char magic[sizeof BUNDLE_HEADER_MAGIC - 1] = {0};
    bool bundle = fread(magic, 1, sizeof magic, f) == sizeof magic &&
                  memcmp(magic, BUNDLE_HEADER_MAGIC, sizeof magic) == 0;
    fclose(f);
    if (bundle)
        return PANYA_EXIT_OK;
    panya_error err = {0};
    panya_error_set(&err, PANYA_ERR_USAGE,
                    "-o %s is a file of the input folder %s; it would be destroyed: choose "
                    "another output",
                    output, input);
    return cli_report_error(&err);
}

static bool found_video;

static int note_video(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t len = strlen(path);
    found_video = type == FTW_F && len > 4 && strcmp(path + len - 4, ".mp4") == 0;
    return found_video; /* stops the walk at the first video */
}

/* Whether INPUT is panya's own demo folder (samples/ beside scripts/make-samples in a clone)
 * before its media were made: a fresh clone holds only the course files and pages. */
static bool is_unmade_demo(const char *input)
{
    char real[PATH_MAX], script[PATH_MAX + 32];
    if (!realpath(input, real))
        return false;
    char *slash = strrchr(real, '/');
    if (!slash || strcmp(slash + 1, "samples") != 0)
        return false;
    snprintf(script, sizeof script, "%.*s/scripts/make-samples", (int)(slash - real), real);
    if (access(script, F_OK) != 0)
        return false;
    found_video = false;
    nftw(real, note_video, 16, FTW_PHYS);
    return !found_video;
}

static int run_pack(int argc, char **argv)
{
    const panya_command *cmd = &panya_command_pack;
    enum { OPT_PROFILES = 256, OPT_PROFILES_FILE, OPT_SOURCE, OPT_KEEP_GOING, OPT_CACHE,
           OPT_REPORT, OPT_SCHEMAS, OPT_ID, OPT_VERSION, OPT_TITLE, OPT_TITLE_LO, OPT_LEVEL,
           OPT_THREADS, OPT_NO_DICT, OPT_NO_REFS, OPT_PROFILE, OPT_SIGN, OPT_SPLIT, OPT_DRY_RUN,
           OPT_STRICT };
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"profiles", required_argument, NULL, OPT_PROFILES},
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"profiles-file", required_argument, NULL, OPT_PROFILES_FILE},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"keep-going", no_argument, NULL, OPT_KEEP_GOING},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"cache", required_argument, NULL, OPT_CACHE},
        {"report", required_argument, NULL, OPT_REPORT},
        {"schemas", required_argument, NULL, OPT_SCHEMAS},
        {"id", required_argument, NULL, OPT_ID},
        {"pack-version", required_argument, NULL, OPT_VERSION},
        {"title", required_argument, NULL, OPT_TITLE},
        {"title-lo", required_argument, NULL, OPT_TITLE_LO},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"no-dictionaries", no_argument, NULL, OPT_NO_DICT},
        {"no-references", no_argument, NULL, OPT_NO_REFS},
        {"sign", required_argument, NULL, OPT_SIGN},
        {"split", optional_argument, NULL, OPT_SPLIT},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        CLI_QUIET_VERBOSE_OPTIONS,
        CLI_JSON_OPTION,
        {0},
    };
    pack_options opts = {0};
    const char *output = NULL, *report = NULL, *sign_key = NULL;
    bool json = false;
    cli_verbosity verbosity = CLI_NORMAL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &verbosity, &json))
            continue;
        switch (c) {
        case 'o': output = optarg; break;
        case OPT_PROFILES:
        case OPT_PROFILE:
            if (pack_options_add_profiles(&opts, optarg) != 0)
                return cli_usage_error(cmd, "at most %d profiles", PACK_MAX_PROFILES);
            break;
        case OPT_PROFILES_FILE: opts.profiles_file = optarg; break;
        case OPT_SOURCE: opts.source_kind = optarg; break;
        case OPT_KEEP_GOING: opts.keep_going = true; break;
        case OPT_STRICT: opts.strict = true; break;
        case OPT_CACHE: opts.cache_dir = optarg; break;
        case OPT_REPORT: report = optarg; break;
        case OPT_SCHEMAS: opts.schema_dir = optarg; break;
        case OPT_ID: opts.id = optarg; break;
        case OPT_VERSION: opts.version = optarg; break;
        case OPT_TITLE: opts.title = optarg; break;
        case OPT_TITLE_LO: opts.title_lo = optarg; break;
        case OPT_LEVEL:
            if (parse_int(optarg, 1, 22, &opts.writer.compression_level) != 0)
                return cli_usage_error(cmd, "--level takes a number from 1 to 22");
            break;
        case OPT_THREADS:
            if (parse_int(optarg, 1, 256, &opts.threads) != 0)
                return cli_usage_error(cmd, "--threads takes a number from 1 to 256");
            opts.writer.threads = opts.threads;
            break;
        case OPT_NO_DICT: opts.writer.no_dictionaries = true; break;
        case OPT_NO_REFS: opts.writer.no_references = true; break;
        case OPT_SIGN: sign_key = optarg; break;
        case OPT_SPLIT:
            /* "--split 700M" as well as "--split=700M"; a bare --split means 4G-1. */
            if (!optarg && optind < argc && access(argv[optind], F_OK) != 0 &&
                cli_parse_size(argv[optind], &opts.split_size) == 0)
                optarg = argv[optind++];
            if (cli_parse_size(optarg, &opts.split_size) != 0)
                return cli_usage_error(cmd, "--split takes a size such as 700M or 4G");
            break;
        case OPT_DRY_RUN: opts.dry_run = true; break;
        default: return cli_bad_option(cmd, argv);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, "expected one INPUT to pack");
    if (!output)
        return cli_usage_error(cmd, "missing -o OUT.panya");
    for (size_t i = 0; i < opts.profile_count; i++)
        if (strcmp(opts.profiles[i], "source") == 0 && opts.profile_count > 1)
            return cli_usage_error(cmd, "'source' cannot be combined with other profiles");
    const char *input = argv[optind];
    if (panya_output_is_stdout(output) && opts.split_size)
        return cli_usage_error(cmd, "--split writes several files: give -o a file name");
    if (panya_output_is_stdout(output) && (json || panya_output_is_stdout(report)))
        return cli_usage_error(cmd, "the bundle and the JSON report cannot both go to "
                                    "standard output");
    if (json && report)
        return cli_usage_error(cmd, "--json prints the report given by --report: use one");
    /* Every path is checked before any work: nothing the pack reads may be replaced. A
     * bundle may be written inside the folder it packs (the readers leave it out, as tar
     * and zip do), but never over one of that folder's files. */
    struct stat input_st;
    bool input_is_folder = stat(input, &input_st) == 0 && S_ISDIR(input_st.st_mode);
    const char *inputs[] = {input_is_folder ? NULL : input, opts.profiles_file, sign_key,
                            opts.cache_dir, output};
    int usage = cli_check_output(output, "-o", inputs, 4);
    if (usage == PANYA_EXIT_OK && input_is_folder)
        usage = check_output_in_input(output, input);
    inputs[0] = input;
    if (usage == PANYA_EXIT_OK && report && !panya_output_is_stdout(report))
        usage = cli_check_output(report, "--report", inputs, 5);
    if (usage != PANYA_EXIT_OK)
        return usage;
    if (panya_output_is_stdout(report)) {
        json = true;
        report = NULL;
    }
    opts.measure_ssim = report || json;
    cli_output_target target;
    if ((usage = cli_output_target_open(&target, output)) != PANYA_EXIT_OK)
        return usage;
    pack_progress_display display = {.enabled = verbosity != CLI_QUIET &&
                                                isatty(STDERR_FILENO)};
    opts.progress = pack_progress_show;
    opts.progress_ctx = &display;
    pack_summary summary;
    panya_error err = {0};
    bundle_key *key = NULL;
    char key_id[BUNDLE_KEY_ID_HEX_SIZE] = "";
    if (sign_key && !(key = bundle_key_load_private(sign_key, &err)))
        return cli_output_target_finish(&target, cli_report_error(&err));
    if (key)
        bundle_key_id(key, key_id);
    opts.writer.signing_key = key;
    int status = pack_run(input, target.path, &opts, &summary, &err);
    bundle_key_free(key);
    pack_progress_end(&display);
    if (status != 0 && is_unmade_demo(input)) {
        /* Not a broken course: the demo's media are generated, not kept in git. */
        fprintf(stderr, "panya: %s: the sample media (videos, songs, pictures, zipped lessons) "
                        "are made by scripts/make-samples: run 'bash scripts/make-samples', then "
                        "pack again\n",
                input);
        pack_summary_free(&summary);
        return cli_output_target_finish(&target, PANYA_EXIT_USAGE);
    }
    for (size_t i = 0; i < summary.warning_count; i++)
        cli_warn("%s", summary.warnings[i]);
    if (status == 0 && opts.dry_run) {
        pack_print_plan(output, &summary);
        pack_summary_free(&summary);
        return cli_output_target_finish(&target, PANYA_EXIT_OK);
    }
    if (status == 0 && report &&
        cli_json_write_file(pack_report_json(output, &summary), report, &err) != 0)
        status = -1;
    int exit_code = status == 0 ? PANYA_EXIT_OK : cli_report_error(&err);
    if (status == 0 && json) {
        if (cli_json_print(pack_report_json(output, &summary)) != 0)
            exit_code = PANYA_EXIT_INTERNAL;
    } else if (status == 0 && verbosity != CLI_QUIET) {
        pack_print_summary(target.info, output, &summary, verbosity == CLI_VERBOSE);
        for (size_t p = 1; p <= summary.part_count; p++) {
            char *part = pack_part_path(output, p);
            fprintf(target.info, "  part %zu of %zu: %s\n", p, summary.part_count,
                    part ? part : "?");
            free(part);
        }
        if (sign_key)
            fprintf(target.info, "  signed by key %s\n", key_id);
    } else if (status == 0) {
        for (size_t i = 0; i < summary.skipped_count; i++)
            cli_warn("skipped: %s", summary.skipped[i]);
    }
    /* --keep-going that left lessons out is not a plain success: scripts must see it. */
    if (exit_code == PANYA_EXIT_OK && summary.skipped_count)
        exit_code = PANYA_EXIT_PARTIAL;
    pack_summary_free(&summary);
    return cli_output_target_finish(&target, exit_code);
}
