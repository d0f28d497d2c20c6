/* Errors carried up the call chain: every module fills a panya_error, only cli/ prints it. */
#ifndef PANYA_COMMON_ERROR_H
#define PANYA_COMMON_ERROR_H

/* What went wrong, as every room reports it. Only cli/ turns a status into a process exit
 * code (cli_exit_code in cli/cli_output.c). */
enum panya_status {
    PANYA_OK = 0,
    PANYA_ERR_INVALID,  /* invalid or damaged input: bad bundle, package, media */
    PANYA_ERR_USAGE,    /* a bad request (argument, option), or an input that cannot be read */
    PANYA_ERR_OUTPUT,   /* the output could not be written (disk full, read-only) */
    PANYA_ERR_READBACK, /* output was written but reads back different */
    PANYA_ERR_INTERNAL, /* out of memory or a bug */
};

typedef struct panya_error {
    int code;           /* an enum panya_status value; PANYA_OK when no error */
    char message[2048]; /* one line, naming the file (and line) concerned */
} panya_error;

/* Records an error and returns -1, so callers can write `return panya_error_set(...)`. */
int panya_error_set(panya_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like panya_error_set, appending ": strerror(errnum)". */
int panya_error_errno(panya_error *err, int code, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Puts context in front of an existing message ("lesson.mp4: " + message). */
void panya_error_prefix(panya_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void panya_error_clear(panya_error *err);

/* Out-of-memory shorthand: sets PANYA_ERR_INTERNAL, returns -1. */
int panya_error_oom(panya_error *err);

#endif
