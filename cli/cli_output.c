#include "cli/cli_output.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/output_path.h"

int cli_exit_code(int status)
{
    switch (status) {
    case PANYA_OK:
        return PANYA_EXIT_OK;
    case PANYA_ERR_INVALID:
        return PANYA_EXIT_INVALID;
    case PANYA_ERR_UNSUPPORTED:
        return PANYA_EXIT_INVALID;
    case PANYA_ERR_USAGE:
    case PANYA_ERR_NOT_FOUND:
    case PANYA_ERR_IO:
        return PANYA_EXIT_USAGE;
    case PANYA_ERR_OUTPUT:
        return PANYA_EXIT_OUTPUT;
    case PANYA_ERR_READBACK:
        return PANYA_EXIT_DAMAGED_OUTPUT;
    default:
        return PANYA_EXIT_INTERNAL;
    }
}

bool cli_shared_option(int c, cli_verbosity *verbosity, bool *json)
{
    if (c == 'q')
        *verbosity = CLI_QUIET;
    else if (c == 'v')
        *verbosity = CLI_VERBOSE;
    else if (c == CLI_OPTION_JSON && json)
        *json = true;
    else
        return false;
    return true;
}

int cli_report_error(const panya_error *err)
{
    int code = err->code ? cli_exit_code(err->code) : PANYA_EXIT_INTERNAL;
    fprintf(stderr, "panya: %s\n", err->message[0] ? err->message : "unknown error");
    return code;
}

int cli_usage_error(const panya_command *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "panya %s: ", cmd->name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'panya help %s')\n", cmd->name);
    return PANYA_EXIT_USAGE;
}

int cli_bad_option(const panya_command *cmd, char **argv)
{
    /* getopt leaves the offending argument at optind - 1 and a short option in optopt. */
    const char *arg = optind > 0 && argv[optind - 1] ? argv[optind - 1] : "";
    if (strncmp(arg, "--", 2) == 0 || !optopt)
        return cli_usage_error(cmd, "option '%s' is unknown or needs a value", arg);
    return cli_usage_error(cmd, "option '-%c' is unknown or needs a value", optopt);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("panya: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_print_command_help(const panya_command *cmd)
{
    fputs(cmd->help, stdout);
}

const char *cli_format_bytes(unsigned long long bytes, char *buf, unsigned long size)
{
    static const char *units[] = {"B", "kB", "MB", "GB", "TB"};
    double value = (double)bytes;
    int unit = 0;
    while (value >= 1000.0 && unit < 4) {
        value /= 1000.0;
        unit++;
    }
    if (unit == 0)
        snprintf(buf, size, "%llu B", bytes);
    else
        snprintf(buf, size, "%.1f %s", value, units[unit]);
    return buf;
}

int cli_parse_two_inputs_one_output(const panya_command *cmd, int argc, char **argv,
                                    const char *inputs, const char *output_name,
                                    cli_two_inputs *args)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        CLI_QUIET_VERBOSE_OPTIONS,
        CLI_JSON_OPTION,
        {0},
    };
    *args = (cli_two_inputs){.verbosity = CLI_NORMAL};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &args->verbosity, &args->json))
            continue;
        if (c != 'o')
            return cli_bad_option(cmd, argv);
        args->output = optarg;
    }
    if (optind != argc - 2)
        return cli_usage_error(cmd, "expected %s", inputs);
    if (!args->output)
        return cli_usage_error(cmd, "missing -o %s", output_name);
    if (args->json && panya_output_is_stdout(args->output))
        return cli_usage_error(cmd, "--json and -o - would both write to standard output");
    args->first = argv[optind];
    args->second = argv[optind + 1];
    const char *inputs_given[] = {args->first, args->second};
    return cli_check_output(args->output, "-o", inputs_given, 2);
}

int cli_check_output(const char *out, const char *what, const char *const *inputs,
                     size_t input_count)
{
    panya_error err = {0};
    if (panya_output_path_check(out, what, inputs, input_count, &err) != 0)
        return cli_report_error(&err);
    return PANYA_EXIT_OK;
}

/* Parses "4G", "700M", "512K" or a byte count (binary units); NULL means FAT32's limit. */
int cli_parse_size(const char *text, uint64_t *out)
{
    if (!text) {
        *out = 4294967295ull; /* 4 GiB - 1: the largest file FAT32 holds */
        return 0;
    }
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *text == '-')
        return -1;
    int shift = 0;
    switch (*end) {
    case 'K': case 'k': shift = 10; end++; break;
    case 'M': case 'm': shift = 20; end++; break;
    case 'G': case 'g': shift = 30; end++; break;
    case 'T': case 't': shift = 40; end++; break;
    default: break;
    }
    if (*end == 'i' || *end == 'B')
        end++;
    if (*end == 'B')
        end++;
    if (*end || v == 0 || v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

