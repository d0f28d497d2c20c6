/* One folder walker with one symbolic-link rule, for every source that reads folders.
 *
 * The rule: a link is followed (once: it is resolved to its final target) only when that
 * target lies inside the root being read; a link that leads outside the root is an error
 * naming the link (PANYA_ERR_INVALID), so nothing from elsewhere on the machine reaches a
 * bundle; a dangling link, and a link back to a folder being walked (a loop), are skipped
 * with a note. Sockets, fifos and devices are skipped with a note. Names that are not UTF-8
 * are an error naming them. Entries come in byte order of their names, so results do not
 * depend on the order the filesystem returns them in.
 *
 * Not thread-safe per root; separate roots are independent. */
#ifndef PANYA_COMMON_FOLDER_WALK_H
#define PANYA_COMMON_FOLDER_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

typedef struct folder_root {
    char *real;      /* the root's resolved path */
    size_t real_len;
} folder_root;

/* Resolves path as the root that links must stay inside. Returns 0 or -1 (err set:
 * PANYA_ERR_USAGE when it cannot be read or is not a folder). */
int folder_root_open(folder_root *root, const char *path, panya_error *err);
void folder_root_close(folder_root *root);

/* Whether path (resolved) is the root or lies below it. */
bool folder_root_contains(const folder_root *root, const char *path);

enum folder_entry_kind {
    FOLDER_ENTRY_FILE,
    FOLDER_ENTRY_FOLDER,
};

typedef struct folder_entry {
    char *name;      /* one component, UTF-8 */
    char *disk_path; /* the folder given, "/", name */
    int kind;        /* enum folder_entry_kind, after following a link */
    bool via_link;   /* name is a symbolic link (to inside the root) */
    dev_t dev;       /* of the target */
    ino_t ino;
    uint64_t size;   /* of a file */
} folder_entry;

typedef struct folder_entries {
    folder_entry *items;
    size_t count;
    char **notes; /* "PATH: skipped: why", one per entry left out */
    size_t note_count;
} folder_entries;

/* Lists folder (inside root) one level deep under the rule above. Returns 0 or -1. */
int folder_read(const folder_root *root, const char *folder, folder_entries *out,
                panya_error *err);
void folder_entries_free(folder_entries *entries);

/* What folder_walk asks its caller. */
typedef struct folder_visitor {
    /* Each entry, depth first in byte order; relative is its '/'-separated path below the
     * walked folder. Return 0 to take it (and walk into a folder), 1 to leave it out, or -1
     * to stop with err set. */
    int (*entry)(void *ctx, const folder_entry *entry, const char *relative, panya_error *err);
    /* After a folder's entries (not the top one); files_taken counts files taken below it. */
    int (*leave)(void *ctx, const char *relative, size_t files_taken, panya_error *err);
    /* Something skipped under the rule (a loop, a dangling link, a fifo). */
    int (*note)(void *ctx, const char *line, panya_error *err);
} folder_visitor;

/* Walks folder (inside root) recursively, at most 64 folders deep. Returns 0 or -1. */
int folder_walk(const folder_root *root, const char *folder, const folder_visitor *visitor,
                void *ctx, panya_error *err);

#endif
