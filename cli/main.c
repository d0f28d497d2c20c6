/* panya entry point: global options and dispatch through the command table (git.c style). */
#include <archive.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <zstd.h>

#include "cli/cli_output.h"
#include "cli/commands.h"
#include "codecs/codecs.h"
#include "common/cleanup.h"
#include "common/error.h"

/* In the order `panya --help` lists them; NULL ends the table. */
static const panya_command *const commands[] = {
    &panya_command_pack,
    &panya_command_inspect,
    &panya_command_verify,
    &panya_command_extract,
    &panya_command_cat,
    &panya_command_probe,
    &panya_command_transcode,
    &panya_command_validate,
    &panya_command_keygen,
    &panya_command_copy,
    &panya_command_serve,
    &panya_command_diff,
    &panya_command_patch,
    &panya_command_plan,
    &panya_command_transcode_job,
    &panya_command_cache,
    NULL,
};

const panya_command *panya_find_command(const char *name)
{
    for (size_t i = 0; commands[i]; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void print_main_help(FILE *out)
{
    fprintf(out,
            "usage: panya [--version] [--help] COMMAND [ARGS]\n"
            "\n"
            "Turns e-learning lessons into small, verifiable offline bundles for phones.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; commands[i]; i++)
        fprintf(out, "  %-13s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out,
            "\n"
            "'panya help COMMAND' (or 'panya COMMAND --help') describes one command.\n"
            "\n"
            "Exit codes:\n"
            "  0  success\n"
            "  1  invalid or damaged input (bundle, package or media)\n"
            "  2  usage error, or an input that cannot be read\n"
            "  3  the output could not be written (disk full, read-only, permission)\n"
            "  4  the output was written but reads back different (failing card)\n"
            "  5  out of memory or internal error\n"
            "  6  partial: --keep-going skipped some lessons (the bundle holds the others)\n"
            "\n"
            "Every command takes -q (print only errors) and -v (say more). Where an output\n"
            "is a file, '-' means standard output.\n");
}

/* `panya --version`: ours, then the libraries this process actually runs with. */
static void print_version(void)
{
    printf("panya %s\n", PANYA_VERSION);
    printf("  libzstd %s\n", ZSTD_versionString());
    printf("  %s\n", archive_version_details());
    printf("  libxml2 %s\n", xmlParserVersion);
    printf("  %s\n", OpenSSL_version(OPENSSL_VERSION));
    printf("  jansson %s\n", jansson_version_str());
    char media[256];
    media[0] = '\0';
    codec_encoder_versions(media, sizeof media);
    if (media[0] && strcmp(media, "unavailable") != 0)
        printf("  media (panya-codecs.so): %s\n", media);
    else
        printf("  media: the codecs module (panya-codecs.so) could not be loaded\n");
}

static int run_help(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help(stdout);
        return PANYA_EXIT_OK;
    }
    const panya_command *cmd = panya_find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "panya: no command '%s'; see 'panya --help'\n", argv[1]);
        return PANYA_EXIT_USAGE;
    }
    cli_print_command_help(cmd);
    return PANYA_EXIT_OK;
}

static int run(int argc, char **argv)
{
    /* Temporaries (outputs, card copies, staging) go away on Ctrl-C and SIGTERM. */
    panya_cleanup_install_handlers();
    if (argc < 2) {
        print_main_help(stderr);
        return PANYA_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_main_help(stdout);
        return PANYA_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        print_version();
        return PANYA_EXIT_OK;
    }
    if (strcmp(name, "help") == 0)
        return run_help(argc - 1, argv + 1);
    const panya_command *cmd = panya_find_command(name);
    if (!cmd) {
        fprintf(stderr, "panya: no command '%s'; see 'panya --help'\n", name);
        return PANYA_EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_print_command_help(cmd);
            return PANYA_EXIT_OK;
        }
    }
    return cmd->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    cli_watch_stdout();
    return cli_close_stdout(run(argc, argv));
}
