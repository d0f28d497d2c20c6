/* panya cat BUNDLE PATH: one file to stdout, by random access. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli_output.h"
#include "delivery/bundle_extract.h"

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

static int write_stdout(void *ctx, const void *data, size_t len, panya_error *err)
{
    (void)ctx;
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "standard output");
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Finds PATH through the path table, or through the manifest when the bundle has none. */
static const bundle_index_entry *find_file(bundle_reader *r, const char *bundle, const char *path,
                                           const char *profile, panya_error *err)
{
    const bundle_index_entry *e = NULL;
    int found = bundle_reader_find_path(r, path, profile, &e, err);
    if (found == 1)
        return e;
    if (found == 0)
        panya_error_set(err, PANYA_ERR_USAGE, "%s: no file '%s' in the bundle", bundle, path);
    /* No path table, or a damaged one: the manifest still knows every path. */
    if (found != -2 && !(found == -1 && err->code == PANYA_ERR_INVALID))
        return NULL;
    panya_error_clear(err);
    bundle_manifest *m = bundle_load_manifest(r, bundle, err);
    if (!m)
        return NULL;
    const manifest_file *file = bundle_manifest_find_file(m, path);
    const manifest_variant *v = file ? manifest_file_variant(file, profile) : NULL;
    if (!file)
        panya_error_set(err, PANYA_ERR_USAGE, "%s: no file '%s' in the bundle", bundle, path);
    else if (!v)
        panya_error_set(err, PANYA_ERR_USAGE, "%s: '%s' has no variant for profile '%s'",
                        bundle, path, profile);
    else
        e = bundle_variant_entry(r, path, v, err);
    bundle_manifest_free(m);
    return e;
}

static int cat_file(bundle_reader *r, const char *bundle, const char *path, const char *profile,
                    panya_error *err)
{
    const bundle_index_entry *e = find_file(r, bundle, path, profile, err);
    if (!e)
        return -1;
    if (verbose) {
        char hex[PANYA_HASH_HEX_SIZE];
        panya_hash_to_hex(e->hash, hex);
        fprintf(stderr, "panya: %s: %llu bytes, stored %llu, sha256 %s\n", path,
                (unsigned long long)e->size, (unsigned long long)e->stored_size, hex);
    }
    int status = -1;
    if (e->size <= BUFFERED_LIMIT) {
        uint8_t *data;
        if (bundle_reader_load_object(r, e, BUFFERED_LIMIT, &data, err) == 0) {
            status = write_stdout(NULL, data, (size_t)e->size, err);
            free(data);
        }
    } else {
        status = bundle_reader_read_object(r, e, write_stdout, NULL, err);
    }
    if (status != 0 && err->code == PANYA_ERR_INVALID)
        panya_error_prefix(err, "%s: ", path);
    return status;
}

static int run_cat(int argc, char **argv)
{
    static const struct option options[] = {
        {"profile", required_argument, NULL, 'p'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {0},
    };
    const char *profile = NULL;
    cli_verbosity verbosity = CLI_NORMAL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qv", options, NULL)) != -1) {
        if (c == 'p')
            profile = optarg;
        else if (c == 'q')
            verbosity = CLI_QUIET;
        else if (c == 'v')
            verbosity = CLI_VERBOSE;
        else
            return cli_bad_option(&panya_command_cat, argv);
    }
    verbose = verbosity == CLI_VERBOSE;
    if (optind != argc - 2)
        return cli_usage_error(&panya_command_cat, "expected BUNDLE and PATH");
    panya_error err = {0};
    bundle_reader *r = bundle_reader_open(argv[optind], &err);
    if (!r)
        return cli_report_error(&err);
    int status = cat_file(r, argv[optind], argv[optind + 1], profile, &err);
    bundle_reader_close(r);
    return status == 0 ? PANYA_EXIT_OK : cli_report_error(&err);
}
