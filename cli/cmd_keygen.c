/* panya keygen -o NAME */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_output.h"
#include "writer/bundle_sign.h"

static int run_keygen(int argc, char **argv);

const panya_command panya_command_keygen = {
    .name = "keygen",
    .summary = "make an Ed25519 key pair for signing bundles",
    .help = "usage: panya keygen -o NAME\n"
            "\n"
            "Writes a new Ed25519 key pair as PEM files: NAME.key (the private key, mode 0600:\n"
            "keep it secret, sign with 'panya pack ... --sign NAME.key') and NAME.pub (the\n"
            "public key: give it out, check with 'panya verify ... --key NAME.pub'). Prints\n"
            "the key id, the first 8 bytes of the SHA-256 of the public key in hex. Existing\n"
            "files are not overwritten.\n"
            "\n"
            "Options:\n"
            "  -o, --output NAME  the path of the key pair, without extension (required)\n",
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
    static const struct option options[] = {{"output", required_argument, NULL, 'o'}, {0}};
    const char *base = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (c != 'o')
            return cli_usage_error(cmd, "unknown option");
        base = optarg;
    }
    if (optind != argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (!base || !*base)
        return cli_usage_error(cmd, "missing -o NAME");
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
    } else {
        char key_id[BUNDLE_KEY_ID_HEX_SIZE];
        if (bundle_keygen(private_path, public_path, key_id, &err) != 0)
            status = cli_report_error(&err);
        else
            printf("Key %s: private key %s, public key %s\n", key_id, private_path, public_path);
    }
    free(private_path);
    free(public_path);
    return status;
}
