/* The status every panya function reports: 0 for success, a positive value naming the kind
 * of failure. This header is part of the reader library's installed API (panya.h includes
 * it) and of every room's panya_error (common/error.h). Only the CLI turns a status into a
 * process exit code. Values are stable: new ones are only ever added at the end. */
#ifndef PANYA_STATUS_H
#define PANYA_STATUS_H

typedef enum panya_status {
    PANYA_OK = 0,
    PANYA_ERR_INVALID = 1,     /* invalid or damaged input: bad bundle, package, media */
    PANYA_ERR_USAGE = 2,       /* a bad request (argument, option) or an input that cannot be read */
    PANYA_ERR_OUTPUT = 3,      /* the output could not be written (disk full, read-only) */
    PANYA_ERR_READBACK = 4,    /* output was written but reads back different */
    PANYA_ERR_INTERNAL = 5,    /* a bug */
    PANYA_ERR_NOMEM = 6,       /* out of memory */
    PANYA_ERR_NOT_FOUND = 7,   /* no such file, profile or object in the bundle */
    PANYA_ERR_UNSUPPORTED = 8, /* made by a newer panya (unknown major format version) */
    PANYA_ERR_IO = 9,          /* reading the input failed (I/O error, permission) */
} panya_status;

#endif
