/* Printing shared by the commands: errors, warnings and --help handling. */
#ifndef PANYA_CLI_OUTPUT_H
#define PANYA_CLI_OUTPUT_H

#include <stdbool.h>

#include "cli/commands.h"
#include "common/error.h"

/* Process exit codes, documented in README.md and `panya --help`. */
enum panya_exit {
    PANYA_EXIT_OK = 0,
    PANYA_EXIT_INVALID = 1,        /* invalid or damaged input: bad bundle, package, media */
    PANYA_EXIT_USAGE = 2,          /* bad arguments, or an input that cannot be read at all */
    PANYA_EXIT_OUTPUT = 3,         /* the output could not be written (disk full, read-only) */
    PANYA_EXIT_DAMAGED_OUTPUT = 4, /* output was written but reads back different */
    PANYA_EXIT_INTERNAL = 5,       /* out of memory or a bug */
};

/* The exit code for an enum panya_status. */
int cli_exit_code(int status);

/* Prints "panya: MESSAGE" on stderr and returns the exit code for err->code (INTERNAL when
 * unset). */
int cli_report_error(const panya_error *err);

/* Prints "panya CMD: MESSAGE" plus a hint to `panya help CMD`; returns PANYA_EXIT_USAGE. */
int cli_usage_error(const panya_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "panya: warning: MESSAGE" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parses "A B -o OUT [-q]" for commands with two inputs and one output (diff, patch):
 * *first and *second get the inputs. Returns PANYA_EXIT_OK or a usage error's exit code,
 * naming the inputs as `inputs` ("OLD and NEW bundles") and the output as `output_name`. */
int cli_parse_two_inputs_one_output(const panya_command *cmd, int argc, char **argv,
                                    const char *inputs, const char *output_name,
                                    const char **first, const char **second,
                                    const char **output, bool *quiet);

/* Prints a command's full help on stdout. */
void cli_print_command_help(const panya_command *cmd);

/* Formats a byte count as "1.4 MB" (SI units, as file managers on phones show). */
const char *cli_format_bytes(unsigned long long bytes, char *buf, unsigned long size);

#endif
