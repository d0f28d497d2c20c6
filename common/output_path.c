#include "common/output_path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool panya_output_is_stdout(const char *path)
{
    return path && strcmp(path, "-") == 0;
}

bool panya_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Splits path into its folder ("." when it has none) and its last component. */
static void split_parent(const char *path, char *parent, size_t size, const char **leaf)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(parent, size, ".");
        *leaf = path;
    } else if (slash == path) {
        snprintf(parent, size, "/");
        *leaf = slash + 1;
    } else {
        snprintf(parent, size, "%.*s", (int)(slash - path), path);
        *leaf = slash + 1;
    }
}

/* The absolute, link-free form of a path that may not exist yet (its folder must). */
static bool canonical_output(const char *path, char *out, size_t size)
{
    char real[PATH_MAX];
    if (realpath(path, real)) {
        snprintf(out, size, "%s", real);
        return true;
    }
    char parent[PATH_MAX];
    const char *leaf;
    split_parent(path, parent, sizeof parent, &leaf);
    if (!realpath(parent, real))
        return false;
    int n = snprintf(out, size, "%s/%s", strcmp(real, "/") == 0 ? "" : real, leaf);
    return n > 0 && (size_t)n < size;
}

/* Creates and removes a file in `folder`: the only test that holds for root, read-only
 * mounts and pseudo file systems alike. Returns 0, or -1 with errno set. */
static int probe_writable(const char *folder)
{
    char probe[PATH_MAX];
    int n = snprintf(probe, sizeof probe, "%s/.panya-probe-XXXXXX", folder);
    if (n <= 0 || (size_t)n >= sizeof probe) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(probe);
    if (fd < 0)
        return -1;
    close(fd);
    unlink(probe);
    return 0;
}

/* Whether `inner` is `folder` or lies below it (both canonical). */
static bool path_within(const char *inner, const char *folder)
{
    size_t len = strlen(folder);
    if (strcmp(folder, "/") == 0)
        return true;
    return strncmp(inner, folder, len) == 0 && (inner[len] == '/' || inner[len] == '\0');
}

bool panya_path_inside_folder(const char *path, const char *folder)
{
    char path_real[PATH_MAX], folder_real[PATH_MAX];
    return canonical_output(path, path_real, sizeof path_real) &&
           realpath(folder, folder_real) && path_within(path_real, folder_real);
}

/* The checks shared by files and folders: not the same as an input, not inside an input
 * folder. */
static int check_against_inputs(const char *out, const char *what, const char *const *inputs,
                                size_t input_count, panya_error *err)
{
    for (size_t i = 0; i < input_count; i++) {
        if (!inputs[i] || panya_output_is_stdout(inputs[i]))
            continue;
        if (strcmp(out, inputs[i]) == 0 || panya_same_file(out, inputs[i]))
            return panya_error_set(err, PANYA_ERR_USAGE,
                                   "%s %s is the input %s; it would be destroyed: choose "
                                   "another output",
                                   what, out, inputs[i]);
        struct stat st;
        if (stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode) &&
            panya_path_inside_folder(out, inputs[i]))
            return panya_error_set(err, PANYA_ERR_USAGE,
                                   "%s %s lies inside the input folder %s: choose an output "
                                   "outside it",
                                   what, out, inputs[i]);
    }
    return 0;
}

int panya_output_path_check(const char *out, const char *what, const char *const *inputs,
                            size_t input_count, panya_error *err)
{
    if (!out || !*out)
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: the output path is empty", what);
    if (panya_output_is_stdout(out))
        return 0;
    size_t len = strlen(out);
    struct stat st;
    if (out[len - 1] == '/' || (stat(out, &st) == 0 && S_ISDIR(st.st_mode)))
        return panya_error_set(err, PANYA_ERR_USAGE,
                               "%s %s is a folder; give the name of a file to write", what, out);
    char parent[PATH_MAX];
    const char *leaf;
    split_parent(out, parent, sizeof parent, &leaf);
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
        return panya_error_set(err, PANYA_ERR_USAGE, "%s %s: there is no folder %s", what, out,
                               parent);
    if (probe_writable(parent) != 0)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s %s: cannot create output in %s",
                                 what, out, parent);
    return check_against_inputs(out, what, inputs, input_count, err);
}

int panya_output_folder_check(const char *dir, const char *what, const char *const *inputs,
                              size_t input_count, panya_error *err)
{
    if (!dir || !*dir)
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: the output folder is empty", what);
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return panya_error_set(err, PANYA_ERR_USAGE,
                                   "%s %s exists and is not a folder", what, dir);
        if (probe_writable(dir) != 0)
            return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s %s: cannot create output in it",
                                     what, dir);
    }
    for (size_t i = 0; i < input_count; i++)
        if (inputs[i] && (strcmp(dir, inputs[i]) == 0 || panya_same_file(dir, inputs[i])))
            return panya_error_set(err, PANYA_ERR_USAGE, "%s %s is the input %s", what, dir,
                                   inputs[i]);
    return 0;
}

int panya_make_folders(const char *dir, panya_error *err)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof path, "%s", dir);
    if (n <= 0 || (size_t)n >= sizeof path)
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: path too long", dir);
    /* Each prefix ending at a '/', then the whole path. */
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        struct stat st;
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create folder",
                                     path);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            return panya_error_set(err, PANYA_ERR_OUTPUT, "%s: exists and is not a folder",
                                   path);
        *p = saved;
        if (saved == '\0')
            return 0;
    }
}
