/* panya cat BUNDLE PATH: one file to stdout, by random access. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli_output.h"
#include "delivery/bundle_open.h"

#define BUFFERED_LIMIT (64u * 1024 * 1024)

static int run_cat(int argc, char **argv);

/* -v: describe the object on standard error (standard output carries the file). */
static bool verbose;

const panya_command panya_command_cat = {
    .name = "cat",
    .summary = "write one file of a bundle to standard output",
    .help = "usage: panya cat BUNDLE PATH [--profile NAME] [-q|-v]\n"
            "\n"
            "Writes the file PATH of BUNDLE to standard output, reading only the footer, the\n"
            "index, the path table and that file's bytes. The bytes are checked against their\n"
            "hash: files up to 64 MiB are checked before anything is written; larger ones\n"
            "are streamed and a mismatch is reported (exit 1) at the end.\n"
            "\n"
            "Options:\n"
            "  --profile NAME  which variant to write (default: the first listed)\n"
            "  -q, --quiet     print nothing but errors (the default: stdout is the file)\n"
            "  -v, --verbose   describe the object (size, stored size, SHA-256) on stderr\n",
    .run = run_cat,
};

static panya_status write_stdout(void *ctx, const void *data, size_t len)
{
    panya_error *err = ctx;
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "standard output");
            return PANYA_ERR_OUTPUT;
        }
        p += n;
        len -= (size_t)n;
    }
    return PANYA_OK;
}

/* Finds PATH through the path table, or through the manifest when the path table is absent
 * or damaged (the manifest still knows every path). Returns 0 or -1 with err set. */
static int find_file(panya_bundle *b, const char *bundle, const char *path, const char *profile,
                     panya_file_info *info, panya_error *err)
{
    panya_error_info found;
    panya_status status = panya_find(b, path, profile, info, &found);
    if (status == PANYA_OK)
        return 0;
    if (status != PANYA_ERR_INVALID && status != PANYA_ERR_UNSUPPORTED)
        return bundle_error(err, &found, bundle);
    bundle_manifest *m = bundle_load_manifest(b, bundle, err);
    if (!m)
        return -1;
    const manifest_file *file = bundle_manifest_find_file(m, path);
    const manifest_variant *v = file ? manifest_file_variant(file, profile) : NULL;
    int result = -1;
    if (!file)
        panya_error_set(err, PANYA_ERR_NOT_FOUND, "%s: no file '%s' in the bundle", bundle, path);
    else if (!v)
        panya_error_set(err, PANYA_ERR_NOT_FOUND, "%s: '%s' has no variant for profile '%s'",
                        bundle, path, profile);
    else
        result = bundle_variant_file(b, path, v, info, err);
    bundle_manifest_free(m);
    return result;
}

static int cat_file(panya_bundle *b, const char *bundle, const char *path, const char *profile,
                    panya_error *err)
{
    panya_file_info info;
    if (find_file(b, bundle, path, profile, &info, err) != 0)
        return -1;
    if (verbose) {
        char hex[PANYA_HASH_HEX_SIZE];
        panya_hash_to_hex(info.sha256, hex);
        fprintf(stderr, "panya: %s: %llu bytes, stored %llu, sha256 %s\n", path,
                (unsigned long long)info.size, (unsigned long long)info.stored_size, hex);
    }
    panya_error_info read_err;
    panya_status status;
    if (info.size <= BUFFERED_LIMIT) { /* a whole read is checked before it returns */
        uint8_t *data = malloc(info.size ? (size_t)info.size : 1);
        size_t got = 0;
        if (!data)
            return panya_error_oom(err);
        status = panya_read(b, &info, 0, data, (size_t)info.size, &got, &read_err);
        if (status == PANYA_OK)
            status = write_stdout(err, data, got);
        free(data);
    } else {
        status = panya_read_file_cb(b, &info, write_stdout, err, &read_err);
    }
    if (status == PANYA_OK)
        return 0;
    if (status == PANYA_ERR_OUTPUT) /* set by write_stdout */
        return -1;
    bundle_error(err, &read_err, bundle);
    panya_error_prefix(err, "%s: ", path);
    return -1;
}

static int run_cat(int argc, char **argv)
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
            return cli_bad_option(&panya_command_cat, argv);
        profile = optarg;
    }
    verbose = verbosity == CLI_VERBOSE;
    if (optind != argc - 2)
        return cli_usage_error(&panya_command_cat, "expected BUNDLE and PATH");
    panya_error err = {0};
    panya_bundle *b = bundle_open_path(argv[optind], PANYA_OPEN_NO_CACHE, &err);
    if (!b)
        return cli_report_error(&err);
    int status = cat_file(b, argv[optind], argv[optind + 1], profile, &err);
    panya_close(b);
    return status == 0 ? PANYA_EXIT_OK : cli_report_error(&err);
}
