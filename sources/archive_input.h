/* Safe reading of zip archives from untrusted sources (SCORM packages, KPL lesson zips).
 * Entries are streamed, never written to disk. Every entry name is checked (absolute paths,
 * '..', links, non-UTF-8 names are flagged, not followed), and the total uncompressed size,
 * the entry count and the compression ratio are bounded, so a zip bomb stops with a clear
 * error instead of filling memory or disk. */
#ifndef PANYA_SOURCES_ARCHIVE_INPUT_H
#define PANYA_SOURCES_ARCHIVE_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

typedef struct archive_input_limits {
    uint64_t max_entries;
    uint64_t max_total_bytes; /* sum of uncompressed entry sizes actually read */
    uint64_t max_ratio;       /* uncompressed bytes per byte of archive, once past 1 MiB */
} archive_input_limits;

/* 100 000 entries, 8 GiB, ratio 200: above any real lesson, far below a bomb. */
void archive_input_default_limits(archive_input_limits *limits);

/* One budget for everything a pack unpacks, shared by every archive it opens, nested ones
 * too, so limits do not multiply (200 x 200) when zips hold zips. The ratio is taken over
 * the archives the input itself holds: a zip unpacked from another adds bytes, not room. */
typedef struct archive_budget {
    archive_input_limits limits; /* for the whole pack: the defaults */
    unsigned max_depth;          /* zips unpacked inside zips: an export of lesson zips is 2 */
    uint64_t bytes, entries;     /* unpacked so far */
    uint64_t packed_bytes;       /* sizes of the archives read straight from the input */
    char input[1024];            /* the input as the user named it: what a bomb error names */
} archive_budget;

void archive_budget_init(archive_budget *budget, const char *input);

enum archive_input_kind {
    ARCHIVE_INPUT_FILE,
    ARCHIVE_INPUT_DIRECTORY,
    ARCHIVE_INPUT_LINK,  /* symbolic or hard link: reported, never followed */
    ARCHIVE_INPUT_OTHER, /* device, fifo, socket */
};

/* Entry problems, as bit flags. */
enum {
    ARCHIVE_INPUT_UNSAFE_PATH = 1 << 0, /* absolute, drive letter, or '..' above the root */
    ARCHIVE_INPUT_NOT_UTF8 = 1 << 1,    /* legacy-encoded name; `name` shows bytes as \xNN */
};

typedef struct archive_input_entry {
    const char *name; /* normalised relative UTF-8 path ("a/b.html"), valid until the next call */
    int kind;         /* enum archive_input_kind */
    unsigned problems;
    int64_t declared_size; /* from the header; -1 when unknown. Not trusted for bounds. */
} archive_input_entry;

typedef struct archive_input archive_input;

/* Opens a zip. Returns 0; or -1 with err set: PANYA_ERR_USAGE when the file cannot be read,
 * PANYA_ERR_INVALID when it is not a zip archive. limits NULL means the defaults. */
int archive_input_open(archive_input **out, const char *path, const archive_input_limits *limits,
                       panya_error *err);

/* The same for a zip or a gzip'd (or plain) tar, as Moodle backups (.mbz) come; tar entries
 * go through the same name, link and size checks. */
int archive_input_open_zip_or_tar(archive_input **out, const char *path,
                                  const archive_input_limits *limits, panya_error *err);

/* Counts what in reads against budget as well as its own limits; from_input says that the
 * archive is part of the input (not unpacked from another), so its size adds to the room the
 * ratio allows. Exceeding the budget is PANYA_ERR_INVALID naming budget->input (a zip bomb).
 * budget must outlive in. */
void archive_input_use_budget(archive_input *in, archive_budget *budget, bool from_input);

/* The name messages give the archive instead of its path (an unpacked copy's path means
 * nothing to the user): "export.zip: course/1 l.zip". Copied. */
int archive_input_set_display_name(archive_input *in, const char *name);

/* Entry names only: next() skips the data it does not read instead of reading it through,
 * so a look at the names of a large zip costs little. Its bytes are then neither counted nor
 * checked (CRC): unpacking does that. */
void archive_input_names_only(archive_input *in);

/* Moves to the next entry, first reading (and counting) what is left of the current one.
 * Returns 1 with *entry filled, 0 at the end, -1 with err set (PANYA_ERR_INVALID: damaged
 * archive or a limit exceeded). */
int archive_input_next(archive_input *in, archive_input_entry *entry, panya_error *err);

/* Reads the current entry's data. Returns the number of bytes (0 at its end), or -1 with err
 * set. Links and unsafe entries read as empty. */
ssize_t archive_input_read(archive_input *in, void *buf, size_t size, panya_error *err);

/* After a -1 from next/read: whether a bound (size, count, ratio) stopped the reading,
 * rather than damage. */
bool archive_input_limit_hit(const archive_input *in);

void archive_input_close(archive_input *in);

#endif
