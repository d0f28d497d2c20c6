#include "sources/source_folder.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/utf8.h"

#define MAX_DEPTH 64

typedef struct walk_state {
    folder_listing *out;
    dev_t skip_dev;
    ino_t skip_ino;
    size_t files_capacity;
    panya_error *err;
} walk_state;

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 2;
    char *s = malloc(len);
    if (s)
        snprintf(s, len, "%s%s%s", a, *a ? "/" : "", b);
    return s;
}

static int push_string(char ***items, size_t *count, char *s)
{
    char **grown = realloc(*items, (*count + 1) * sizeof *grown);
    if (!grown) {
        free(s);
        return -1;
    }
    grown[(*count)++] = s;
    *items = grown;
    return 0;
}

static int warn(walk_state *w, const char *relative, const char *why)
{
    size_t len = strlen(relative) + strlen(why) + 4;
    char *line = malloc(len);
    if (!line)
        return panya_error_oom(w->err);
    snprintf(line, len, "%s: %s", relative, why);
    return push_string(&w->out->warnings, &w->out->warning_count, line) ? panya_error_oom(w->err)
                                                                       : 0;
}

static int add_file(walk_state *w, char *relative, char *disk)
{
    folder_listing *out = w->out;
    if (out->file_count == w->files_capacity) {
        size_t capacity = w->files_capacity ? w->files_capacity * 2 : 64;
        folder_file *grown = realloc(out->files, capacity * sizeof *grown);
        if (!grown) {
            free(relative);
            free(disk);
            return panya_error_oom(w->err);
        }
        out->files = grown;
        w->files_capacity = capacity;
    }
    out->files[out->file_count++] = (folder_file){relative, disk};
    return 0;
}

/* Reads and sorts the names in one folder. */
static int read_names(walk_state *w, const char *disk, char ***names, size_t *count)
{
    *names = NULL;
    *count = 0;
    DIR *dir = opendir(disk);
    if (!dir)
        return panya_error_errno(w->err, PANYA_ERR_USAGE, errno, "%s", disk);
    struct dirent *d;
    errno = 0;
    while ((d = readdir(dir))) {
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
            continue;
        char *name = strdup(d->d_name);
        if (!name || push_string(names, count, name) != 0) {
            closedir(dir);
            return panya_error_oom(w->err);
        }
    }
    int saved = errno;
    closedir(dir);
    if (saved)
        return panya_error_errno(w->err, PANYA_ERR_USAGE, saved, "%s", disk);
    if (*count)
        qsort(*names, *count, sizeof **names, compare_names);
    return 0;
}

static int walk(walk_state *w, const char *disk, const char *relative, int depth);

static int visit(walk_state *w, const char *disk_dir, const char *relative_dir, const char *name,
                 int depth)
{
    char *disk = join(disk_dir, name), *relative = join(relative_dir, name);
    if (!disk || !relative) {
        free(disk);
        free(relative);
        return panya_error_oom(w->err);
    }
    int status = 0;
    struct stat lst, st;
    if (!panya_utf8_valid(name, strlen(name))) {
        status = panya_error_set(w->err, PANYA_ERR_INVALID,
                                 "%s: the name is not valid UTF-8 (rename it, e.g. with convmv)",
                                 disk);
    } else if (lstat(disk, &lst) != 0) {
        status = panya_error_errno(w->err, PANYA_ERR_USAGE, errno, "%s", disk);
    } else if (S_ISLNK(lst.st_mode) && stat(disk, &st) != 0) {
        status = warn(w, relative, "skipped: a symbolic link to nothing");
    } else {
        if (!S_ISLNK(lst.st_mode))
            st = lst;
        if (st.st_dev == w->skip_dev && st.st_ino == w->skip_ino && w->skip_ino) {
            status = 0; /* the output bundle itself */
        } else if (S_ISREG(st.st_mode)) {
            status = add_file(w, relative, disk);
            relative = disk = NULL; /* owned by the listing now */
        } else if (S_ISDIR(st.st_mode) && S_ISLNK(lst.st_mode)) {
            status = warn(w, relative, "skipped: a symbolic link to a folder");
        } else if (S_ISDIR(st.st_mode)) {
            status = walk(w, disk, relative, depth + 1);
        } else {
            status = warn(w, relative, "skipped: not a regular file or folder");
        }
    }
    free(disk);
    free(relative);
    return status;
}

static int walk(walk_state *w, const char *disk, const char *relative, int depth)
{
    if (depth > MAX_DEPTH)
        return panya_error_set(w->err, PANYA_ERR_INVALID,
                               "%s: folders nested more than %d deep", disk, MAX_DEPTH);
    char **names;
    size_t count;
    if (read_names(w, disk, &names, &count) != 0)
        return -1;
    int status = 0;
    size_t files_before = w->out->file_count;
    for (size_t i = 0; i < count && status == 0; i++)
        status = visit(w, disk, relative, names[i], depth);
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    /* A folder with nothing packable below it is recreated as an empty folder. */
    if (status == 0 && *relative && w->out->file_count == files_before) {
        char *copy = strdup(relative);
        if (!copy || push_string(&w->out->empty_folders, &w->out->folder_count, copy) != 0)
            return panya_error_oom(w->err);
    }
    return status;
}

int folder_list(const char *root, dev_t skip_dev, ino_t skip_ino, folder_listing *out,
                panya_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(root, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", root);
    if (!S_ISDIR(st.st_mode))
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: not a folder", root);
    walk_state w = {.out = out, .skip_dev = skip_dev, .skip_ino = skip_ino, .err = err};
    if (walk(&w, root, "", 0) != 0) {
        folder_listing_free(out);
        return -1;
    }
    return 0;
}

void folder_listing_free(folder_listing *listing)
{
    for (size_t i = 0; i < listing->file_count; i++) {
        free(listing->files[i].relative_path);
        free(listing->files[i].disk_path);
    }
    for (size_t i = 0; i < listing->folder_count; i++)
        free(listing->empty_folders[i]);
    for (size_t i = 0; i < listing->warning_count; i++)
        free(listing->warnings[i]);
    free(listing->files);
    free(listing->empty_folders);
    free(listing->warnings);
    memset(listing, 0, sizeof *listing);
}
