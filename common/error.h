/* Errors carried up the call chain: every module fills a panya_error, only cli/ prints it. */
#ifndef PANYA_COMMON_ERROR_H
#define PANYA_COMMON_ERROR_H

#include "common/panya_status.h"

typedef struct panya_error {
    int code;           /* an enum panya_status value; PANYA_OK when no error */
    char message[2048]; /* one line, naming the file (and line) concerned; a longer text
                         * keeps its head and its end (the reason), with "…" between */
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
