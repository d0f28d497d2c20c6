#include "cli/cli_output.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"json", no_argument, NULL, 'J'},
        {0},
    };
    *args = (cli_two_inputs){.verbosity = CLI_NORMAL};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qv", options, NULL)) != -1) {
        if (c == 'o')
            args->output = optarg;
        else if (c == 'q')
            args->verbosity = CLI_QUIET;
        else if (c == 'v')
            args->verbosity = CLI_VERBOSE;
        else if (c == 'J')
            args->json = true;
        else
            return cli_bad_option(cmd, argv);
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

/* The errno of the first failed write on standard output: stdio keeps only an error flag. */
static int stdout_write_errno;


static ssize_t write_stdout_fd(void *cookie, const char *buf, size_t size)
{
    (void)cookie;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(STDOUT_FILENO, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (!stdout_write_errno)
                stdout_write_errno = errno;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

void cli_watch_stdout(void)
{
    cookie_io_functions_t io = {.write = write_stdout_fd};
    FILE *watched = fopencookie(NULL, "w", io);
    if (!watched)
        return; /* the plain stream still reports errors, only without their reason */
    setvbuf(watched, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
    /* Never closed: libraries loaded later (libstdc++ through libav) keep this pointer for
     * their own exit-time flush. */
    stdout = watched;
}

int cli_close_stdout(int status)
{
    int failed = fflush(stdout) != 0 || ferror(stdout);
    int reason = stdout_write_errno ? stdout_write_errno : errno;
    if (!failed)
        return status;
    fprintf(stderr, "panya: standard output: %s\n", strerror(reason ? reason : EIO));
    return status == PANYA_EXIT_DAMAGED_OUTPUT || status == PANYA_EXIT_INTERNAL
               ? status
               : PANYA_EXIT_OUTPUT;
}

int cli_output_target_open(cli_output_target *target, const char *given)
{
    *target = (cli_output_target){.path = given, .info = stdout};
    if (!panya_output_is_stdout(given))
        return PANYA_EXIT_OK;
    const char *tmp = getenv("TMPDIR");
    size_t len = strlen(tmp && *tmp ? tmp : "/tmp") + 32;
    target->temp = malloc(len);
    if (!target->temp)
        return PANYA_EXIT_INTERNAL;
    snprintf(target->temp, len, "%s/panya-stdout-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(target->temp);
    if (fd < 0) {
        fprintf(stderr, "panya: %s: cannot create a temporary file: %s\n", target->temp,
                strerror(errno));
        free(target->temp);
        target->temp = NULL;
        return PANYA_EXIT_OUTPUT;
    }
    close(fd);
    target->path = target->temp;
    target->info = stderr;
    return PANYA_EXIT_OK;
}

int cli_output_target_finish(cli_output_target *target, int status)
{
    if (!target->temp)
        return status;
    if (status == PANYA_EXIT_OK || status == PANYA_EXIT_PARTIAL) {
        FILE *in = fopen(target->temp, "rb");
        char buf[65536];
        size_t n;
        if (!in) {
            fprintf(stderr, "panya: %s: %s\n", target->temp, strerror(errno));
            status = PANYA_EXIT_INTERNAL;
        }
        while (in && (n = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, n, stdout) != n)
                break; /* reported once, at exit, by cli_close_stdout */
        if (in)
            fclose(in);
    }
    unlink(target->temp);
    free(target->temp);
    target->temp = NULL;
    return status;
}
