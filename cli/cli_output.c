#include "cli/cli_output.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

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
    fprintf(stderr, "\nTry 'panya help %s'.\n", cmd->name);
    return PANYA_EXIT_USAGE;
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
                                    const char **first, const char **second,
                                    const char **output, bool *quiet)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {0},
    };
    *output = NULL;
    *quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:q", options, NULL)) != -1) {
        if (c == 'o')
            *output = optarg;
        else if (c == 'q')
            *quiet = true;
        else
            return cli_usage_error(cmd, "unknown option");
    }
    if (optind != argc - 2)
        return cli_usage_error(cmd, "expected %s", inputs);
    if (!*output)
        return cli_usage_error(cmd, "missing -o %s", output_name);
    *first = argv[optind];
    *second = argv[optind + 1];
    return PANYA_EXIT_OK;
}
