/* Printing shared by the commands: errors, warnings and --help handling. */
#ifndef PANYA_CLI_OUTPUT_H
#define PANYA_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
    PANYA_EXIT_PARTIAL = 6,        /* partial: --keep-going skipped some lessons */
};

/* How much a command prints: -q errors only, -v more detail. */
typedef enum cli_verbosity { CLI_QUIET = 0, CLI_NORMAL = 1, CLI_VERBOSE = 2 } cli_verbosity;

/* The options every command shares, for its getopt_long table: -q, -v (and --json, as
 * CLI_OPTION_JSON, in the commands that report). */
#define CLI_OPTION_JSON 'J'
#define CLI_QUIET_VERBOSE_OPTIONS \
    {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'}
#define CLI_JSON_OPTION {"json", no_argument, NULL, CLI_OPTION_JSON}

/* Applies a shared option getopt_long returned: true when c was -q, -v or (with json not
 * NULL) --json. */
bool cli_shared_option(int c, cli_verbosity *verbosity, bool *json);

/* The exit code for an enum panya_status. */
int cli_exit_code(int status);

/* Prints "panya: MESSAGE" on stderr and returns the exit code for err->code (INTERNAL when
 * unset). */
int cli_report_error(const panya_error *err);

/* Prints "panya CMD: MESSAGE (see 'panya help CMD')", one line; returns PANYA_EXIT_USAGE. */
int cli_usage_error(const panya_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The usage error for the option getopt_long just refused (call with opterr = 0). */
int cli_bad_option(const panya_command *cmd, char **argv);

/* Prints "panya: warning: MESSAGE" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What "A B -o OUT [-q|-v] [--json]" gives commands with two inputs and one output. */
typedef struct cli_two_inputs {
    const char *first, *second, *output;
    cli_verbosity verbosity;
    bool json;
} cli_two_inputs;

/* Parses those arguments (diff, patch) and checks OUT against both inputs before any work.
 * Returns PANYA_EXIT_OK or the exit code of the error it printed, naming the inputs as
 * `inputs` ("OLD and NEW bundles") and the output as `output_name`. */
int cli_parse_two_inputs_one_output(const panya_command *cmd, int argc, char **argv,
                                    const char *inputs, const char *output_name,
                                    cli_two_inputs *args);

/* Checks an output file path before any work (common/output_path.h): prints the error and
 * returns its exit code, or PANYA_EXIT_OK. `what` names the option ("-o", "--report"). */
int cli_check_output(const char *out, const char *what, const char *const *inputs,
                     size_t input_count);

/* Routes stdout through a stream that remembers why a write failed (called once, first). */
void cli_watch_stdout(void);

/* Flushes standard output and checks it for errors. On a write error
 * (a full disk, a closed pipe) prints "panya: standard output: REASON" and returns
 * PANYA_EXIT_OUTPUT (unless `status` is worse), else `status`. */
int cli_close_stdout(int status);

/* An output file that may be "-": then the command writes a temporary file, which
 * cli_output_target_finish copies to standard output. Messages meant for the user go to
 * `info` (stderr when the data goes to stdout). */
typedef struct cli_output_target {
    const char *path; /* what to pass to the writer */
    char *temp;       /* the temporary file behind "-", or NULL */
    FILE *info;       /* stdout, or stderr when stdout carries the output */
} cli_output_target;

/* Returns PANYA_EXIT_OK or the exit code of the error it printed. */
int cli_output_target_open(cli_output_target *target, const char *given);

/* When the output is "-" and `status` is PANYA_EXIT_OK, copies the temporary file to
 * standard output; always removes it. Returns the status to exit with. */
int cli_output_target_finish(cli_output_target *target, int status);

/* Parses "4G", "700M", "512K" or a byte count (binary units); NULL means FAT32's limit
 * (4 GiB - 1). Returns 0 or -1. */
int cli_parse_size(const char *text, uint64_t *out);

/* Prints a command's full help on stdout. */
void cli_print_command_help(const panya_command *cmd);

/* Formats a byte count as "1.4 MB" (SI units, as file managers on phones show). */
const char *cli_format_bytes(unsigned long long bytes, char *buf, unsigned long size);

#endif
