#include "common/folder_walk.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/utf8.h"

#define MAX_DEPTH 64

int folder_root_open(folder_root *root, const char *path, panya_error *err)
{
    memset(root, 0, sizeof *root);
    struct stat st;
    if (stat(path, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    if (!S_ISDIR(st.st_mode))
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: not a folder", path);
    root->real = realpath(path, NULL);
    if (!root->real)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    root->real_len = strlen(root->real);
    return 0;
}

void folder_root_close(folder_root *root)
{
    free(root->real);
    memset(root, 0, sizeof *root);
}

bool folder_root_contains(const folder_root *root, const char *path)
{
    if (!root->real || strncmp(path, root->real, root->real_len) != 0)
        return false;
    /* "/" as the root contains everything; otherwise the next byte ends a component. */
    return root->real_len == 1 || path[root->real_len] == '\0' || path[root->real_len] == '/';
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const folder_entry *)a)->name, ((const folder_entry *)b)->name);
}

static char *join(const char *folder, const char *name)
{
    char *s = NULL;
    return asprintf(&s, "%s/%s", folder, name) < 0 ? NULL : s;
}

static int add_note(folder_entries *out, const char *path, const char *why, panya_error *err)
{
    char *line = NULL;
    char **grown = realloc(out->notes, (out->note_count + 1) * sizeof *grown);
    if (!grown || asprintf(&line, "%s: skipped: %s", path, why) < 0) {
        if (grown)
            out->notes = grown;
        return panya_error_oom(err);
    }
    out->notes = grown;
    out->notes[out->note_count++] = line;
    return 0;
}

/* Applies the link rule to one name. Returns 0 with *entry filled, 1 when it is left out
 * (with a note), -1 on error. */
static int classify(const folder_root *root, folder_entries *out, folder_entry *entry,
                    panya_error *err)
{
    struct stat st;
    if (lstat(entry->disk_path, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_IO, errno, "%s", entry->disk_path);
    if (S_ISLNK(st.st_mode)) {
        char *target = realpath(entry->disk_path, NULL);
        if (!target) {
            int e = errno;
            return add_note(out, entry->disk_path,
                            e == ELOOP ? "a symbolic link that loops" : "a symbolic link to nothing",
                            err) ? -1 : 1;
        }
        bool inside = folder_root_contains(root, target);
        if (!inside) {
            panya_error_set(err, PANYA_ERR_INVALID,
                            "%s: a symbolic link to '%s', outside the input (links may only "
                            "point inside what is packed; copy the file in instead)",
                            entry->disk_path, target);
            free(target);
            return -1;
        }
        int rc = stat(target, &st);
        free(target);
        if (rc != 0)
            return add_note(out, entry->disk_path, "a symbolic link to nothing", err) ? -1 : 1;
        entry->via_link = true;
    }
    if (S_ISREG(st.st_mode))
        entry->kind = FOLDER_ENTRY_FILE;
    else if (S_ISDIR(st.st_mode))
        entry->kind = FOLDER_ENTRY_FOLDER;
    else
        return add_note(out, entry->disk_path, "not a regular file or folder", err) ? -1 : 1;
    entry->dev = st.st_dev;
    entry->ino = st.st_ino;
    entry->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    return 0;
}

static void free_entry(folder_entry *e)
{
    free(e->name);
    free(e->disk_path);
}

int folder_read(const folder_root *root, const char *folder, folder_entries *out,
                panya_error *err)
{
    memset(out, 0, sizeof *out);
    DIR *dir = opendir(folder);
    if (!dir)
        return panya_error_errno(err, PANYA_ERR_IO, errno, "%s", folder);
    size_t capacity = 0;
    int status = 0;
    struct dirent *d;
    errno = 0;
    while (status == 0 && (d = readdir(dir))) {
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
            continue;
        if (out->count == capacity) {
            capacity = capacity ? capacity * 2 : 32;
            folder_entry *grown = realloc(out->items, capacity * sizeof *grown);
            if (!grown) {
                status = panya_error_oom(err);
                break;
            }
            out->items = grown;
        }
        folder_entry *e = &out->items[out->count];
        memset(e, 0, sizeof *e);
        e->name = strdup(d->d_name);
        e->disk_path = join(folder, d->d_name);
        if (!e->name || !e->disk_path) {
            free_entry(e);
            status = panya_error_oom(err);
            break;
        }
        out->count++;
        errno = 0;
    }
    if (status == 0 && errno)
        status = panya_error_errno(err, PANYA_ERR_IO, errno, "%s", folder);
    closedir(dir);
    if (status == 0 && out->count)
        qsort(out->items, out->count, sizeof *out->items, compare_entries);
    size_t kept = 0;
    for (size_t i = 0; i < out->count; i++) {
        folder_entry *e = &out->items[i];
        int rc = status;
        if (rc == 0 && !panya_utf8_valid(e->name, strlen(e->name)))
            rc = status = panya_error_set(err, PANYA_ERR_INVALID,
                                          "%s: the name is not valid UTF-8 (a legacy code page; "
                                          "rename it, e.g. with convmv)",
                                          e->disk_path);
        if (rc == 0)
            rc = classify(root, out, e, err);
        if (rc < 0)
            status = -1;
        if (rc == 0)
            out->items[kept++] = *e;
        else
            free_entry(e);
    }
    out->count = kept;
    if (status != 0)
        folder_entries_free(out);
    return status;
}

void folder_entries_free(folder_entries *entries)
{
    for (size_t i = 0; i < entries->count; i++)
        free_entry(&entries->items[i]);
    free(entries->items);
    for (size_t i = 0; i < entries->note_count; i++)
        free(entries->notes[i]);
    free(entries->notes);
    memset(entries, 0, sizeof *entries);
}

typedef struct walk_state {
    const folder_root *root;
    const folder_visitor *visitor;
    void *ctx;
    dev_t devs[MAX_DEPTH + 2]; /* the folders being walked, to see loops */
    ino_t inos[MAX_DEPTH + 2];
    size_t files_taken;
    panya_error *err;
} walk_state;

static int walk(walk_state *w, const char *folder, const char *relative, int depth)
{
    if (depth > MAX_DEPTH)
        return panya_error_set(w->err, PANYA_ERR_INVALID, "%s: folders nested more than %d deep",
                               folder, MAX_DEPTH);
    folder_entries entries;
    if (folder_read(w->root, folder, &entries, w->err) != 0)
        return -1;
    int status = 0;
    for (size_t i = 0; i < entries.note_count && status == 0; i++)
        if (w->visitor->note)
            status = w->visitor->note(w->ctx, entries.notes[i], w->err);
    for (size_t i = 0; i < entries.count && status == 0; i++) {
        const folder_entry *e = &entries.items[i];
        char *rel = NULL;
        if (asprintf(&rel, "%s%s%s", relative, *relative ? "/" : "", e->name) < 0) {
            status = panya_error_oom(w->err);
            break;
        }
        bool loop = false;
        for (int k = 0; k <= depth && e->kind == FOLDER_ENTRY_FOLDER; k++)
            loop = loop || (w->devs[k] == e->dev && w->inos[k] == e->ino);
        if (loop) {
            char *line = NULL;
            status = asprintf(&line, "%s: skipped: a symbolic link back to a folder that holds "
                                     "it (a loop)", e->disk_path) < 0
                         ? panya_error_oom(w->err)
                     : w->visitor->note ? w->visitor->note(w->ctx, line, w->err) : 0;
            free(line);
            free(rel);
            continue;
        }
        int rc = w->visitor->entry(w->ctx, e, rel, w->err);
        if (rc < 0) {
            status = -1;
        } else if (rc == 0 && e->kind == FOLDER_ENTRY_FILE) {
            w->files_taken++;
        } else if (rc == 0) {
            size_t before = w->files_taken;
            w->devs[depth + 1] = e->dev;
            w->inos[depth + 1] = e->ino;
            status = walk(w, e->disk_path, rel, depth + 1);
            if (status == 0 && w->visitor->leave)
                status = w->visitor->leave(w->ctx, rel, w->files_taken - before, w->err);
        }
        free(rel);
    }
    folder_entries_free(&entries);
    return status;
}

int folder_walk(const folder_root *root, const char *folder, const folder_visitor *visitor,
                void *ctx, panya_error *err)
{
    struct stat st;
    if (stat(folder, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_IO, errno, "%s", folder);
    walk_state w = {.root = root, .visitor = visitor, .ctx = ctx, .err = err};
    w.devs[0] = st.st_dev;
    w.inos[0] = st.st_ino;
    return walk(&w, folder, "", 0);
}
