#include "cli/cli_output.h"

#include <stdarg.h>
#include <stdio.h>

int cli_report_error(const panya_error *err)
{
    int code = err->code ? err->code : PANYA_EXIT_INTERNAL;
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
