/* panya keygen -o NAME */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_output.h"
#include "common/output_path.h"
#include "writer/bundle_sign.h"

static int run_keygen(int argc, char **argv);

const panya_command panya_command_keygen = {
    .name = "keygen",
    .summary = "make an Ed25519 key pair for signing bundles",
    .help = "usage: panya keygen -o NAME [-q|-v]\n"
            "\n"
            "Writes a new Ed25519 key pair as PEM files: NAME.key (the private key, mode 0600:\n"
            "keep it secret, sign with 'panya pack ... --sign NAME.key') and NAME.pub (the\n"
            "public key: give it out, check with 'panya verify ... --key NAME.pub'). Prints\n"
            "the key id, the first 8 bytes of the SHA-256 of the public key in hex. Existing\n"
            "files are not overwritten.\n"
            "\n"
            "Options:\n"
            "  -o, --output NAME  the path of the key pair, without extension (required)\n"
            "  -q, --quiet        print nothing but errors\n"
            "  -v, --verbose      also say how the key id is made\n",
    .run = run_keygen,
};

static char *with_suffix(const char *base, const char *suffix)
{
    size_t len = strlen(base) + strlen(suffix) + 1;
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "%s%s", base, suffix);
    return path;
}

static int run_keygen(int argc, char **argv)
{
    const panya_command *cmd = &panya_command_keygen;
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        CLI_QUIET_VERBOSE_OPTIONS,
        {0},
    };
    const char *base = NULL;
    cli_verbosity verbosity = CLI_NORMAL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &verbosity, NULL))
            continue;
        if (c != 'o')
            return cli_bad_option(cmd, argv);
        base = optarg;
    }
    if (optind != argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!base || !*base)
        return cli_usage_error(cmd, "missing -o NAME");
    if (panya_output_is_stdout(base))
        return cli_usage_error(cmd, "-o names two files (NAME.key, NAME.pub), not '-'");
    char *private_path = with_suffix(base, ".key"), *public_path = with_suffix(base, ".pub");
    panya_error err = {0};
    int status = PANYA_EXIT_OK;
    if (!private_path || !public_path) {
        panya_error_oom(&err);
        status = cli_report_error(&err);
    } else if (access(private_path, F_OK) == 0 || access(public_path, F_OK) == 0) {
        panya_error_set(&err, PANYA_ERR_OUTPUT, "%s or %s already exists: not overwriting a key",
                        private_path, public_path);
        status = cli_report_error(&err);
    } else if ((status = cli_check_output(private_path, "-o", NULL, 0)) != PANYA_EXIT_OK) {
        /* a missing or read-only folder is found before any key is made */
    } else {
        char key_id[BUNDLE_KEY_ID_HEX_SIZE];
        if (bundle_keygen(private_path, public_path, key_id, &err) != 0)
            status = cli_report_error(&err);
        else if (verbosity != CLI_QUIET)
            printf("Key %s: private key %s, public key %s\n", key_id, private_path, public_path);
        if (status == PANYA_EXIT_OK && verbosity == CLI_VERBOSE)
            printf("  Ed25519; the key id is the first 8 bytes of the SHA-256 of the public "
                   "key\n");
    }
    free(private_path);
    free(public_path);
    return status;
}
