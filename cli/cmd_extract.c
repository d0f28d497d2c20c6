/* panya extract BUNDLE DIR */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_output.h"
#include "common/output_path.h"
#include "delivery/bundle_extract.h"
#include "delivery/bundle_open.h"

static int run_extract(int argc, char **argv);

const panya_command panya_command_extract = {
    .name = "extract",
    .summary = "recreate a bundle's files in a folder",
    .help = "usage: panya extract BUNDLE DIR [--profile NAME] [-q|-v]\n"
            "\n"
            "Recreates the files of BUNDLE below DIR (created with any missing parent folders;\n"
            "existing files with the same names are replaced). DIR may not be an existing\n"
            "file; for one file on standard output use 'panya cat'. Every file is checked against its hash before it\n"
            "gets its name; damaged files are listed and skipped (exit 1) while the others are\n"
            "written. Nothing is ever written outside DIR, whatever the manifest says.\n"
            "\n"
            "Options:\n"
            "  --profile NAME  which variant of each file to write (default: the first listed;\n"
            "                  files without that variant are written as stored); a profile\n"
            "                  the bundle does not have is an error (exit 2)\n"
            "  -q, --quiet     print nothing but errors\n"
            "  -v, --verbose   also say which profile was written and the bundle's profiles\n",
    .run = run_extract,
};

static bool bundle_has_profile(const bundle_manifest *m, const char *profile)
{
    for (size_t i = 0; i < m->file_count; i++)
        if (manifest_file_variant(&m->files[i], profile))
            return true;
    return false;
}

/* "small, low, source": the profiles of the bundle's variants, in first-seen order. */
static void list_profiles(const bundle_manifest *m, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < m->file_count; i++)
        for (size_t v = 0; v < m->files[i].variant_count; v++) {
            const char *name = m->files[i].variants[v].profile;
            bool seen = false;
            for (size_t k = 0; k < i && !seen; k++)
                seen = manifest_file_variant(&m->files[k], name) != NULL;
            for (size_t w = 0; w < v && !seen; w++)
                seen = strcmp(m->files[i].variants[w].profile, name) == 0;
            int n = seen ? 0 : snprintf(out + len, size - len, "%s%s", len ? ", " : "", name);
            if (n > 0 && (size_t)n < size - len)
                len += (size_t)n;
        }
}

/* Lists the bundle's profiles into out ("small, low, source") and says whether `profile`
 * is one of them: from the catalogue, or from the manifest of a bundle without one. */
static int bundle_profiles(panya_bundle *b, const char *bundle, const char *profile, char *out,
                           size_t size, bool *has, panya_error *err)
{
    size_t count = panya_profile_count(b);
    if (count) {
        size_t len = 0;
        out[0] = '\0';
        for (size_t i = 0; i < count; i++) {
            const char *name = panya_profile_name(b, i);
            *has |= profile && name && strcmp(name, profile) == 0;
            int n = snprintf(out + len, size - len, "%s%s", len ? ", " : "", name ? name : "?");
            if (n > 0 && (size_t)n < size - len)
                len += (size_t)n;
        }
        return 0;
    }
    bundle_manifest *m = bundle_load_manifest(b, bundle, err);
    if (!m)
        return -1;
    list_profiles(m, out, size);
    *has = profile && bundle_has_profile(m, profile);
    bundle_manifest_free(m);
    return 0;
}

static int run_extract(int argc, char **argv)
{
    static const struct option options[] = {
        {"profile", required_argument, NULL, 'p'},
        CLI_QUIET_VERBOSE_OPTIONS,
        {0},
    };
    const char *profile = NULL;
    cli_verbosity verbosity = CLI_NORMAL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &verbosity, NULL))
            continue;
        if (c != 'p')
            return cli_bad_option(&panya_command_extract, argv);
        profile = optarg;
    }
    if (optind != argc - 2)
        return cli_usage_error(&panya_command_extract, "expected BUNDLE and DIR");
    const char *bundle = argv[optind], *dest = argv[optind + 1];
    if (panya_output_is_stdout(dest))
        return cli_usage_error(&panya_command_extract,
                               "DIR is a folder; for one file on standard output use "
                               "'panya cat BUNDLE PATH'");
    panya_error err = {0};
    if (panya_output_folder_check(dest, "DIR", &bundle, 1, &err) != 0)
        return cli_report_error(&err);
    panya_bundle *b = bundle_open_path(bundle, PANYA_OPEN_NO_CACHE, &err);
    if (!b)
        return cli_report_error(&err);
    char profiles[256];
    bool has_profile = false;
    int status = bundle_profiles(b, bundle, profile, profiles, sizeof profiles, &has_profile, &err);
    if (status == 0 && profile && !has_profile)
        status = panya_error_set(&err, PANYA_ERR_USAGE,
                                 "%s has no profile '%s'; its profiles are: %s", bundle, profile,
                                 profiles);
    if (status == 0)
        status = panya_make_folders(dest, &err);
    if (status != 0) {
        panya_close(b);
        return cli_report_error(&err);
    }
    extract_result result;
    status = bundle_extract(b, bundle, dest, profile, &result, &err);
    for (size_t i = 0; i < result.failed_count; i++)
        fprintf(stderr, "panya: damaged, not written: %s\n", result.failed[i]);
    if (verbosity != CLI_QUIET && (status == 0 || result.files_written)) {
        char bytes[32];
        printf("Extracted %llu files (%s) into %s\n", (unsigned long long)result.files_written,
               cli_format_bytes(result.bytes_written, bytes, sizeof bytes), dest);
        if (verbosity == CLI_VERBOSE)
            printf("  profile %s (the bundle has: %s)\n", profile ? profile : "first listed",
                   profiles);
    }
    extract_result_free(&result);
    panya_close(b);
    return status == 0 ? PANYA_EXIT_OK : cli_report_error(&err);
}
