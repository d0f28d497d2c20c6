/* Zips in the input: their entry names for detection, and unpacking them into the private
 * staging folder under the pack's one archive_budget. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sources/source.h"

/* Room kept free on the staging disk beyond what an entry says it needs. */
#define STAGING_MARGIN (16u << 20)

/* The folder the staging folder is in (what TMPDIR names), for messages. */
static void staging_parent(const source_context *ctx, char *out, size_t size)
{
    const char *slash = strrchr(ctx->staging_dir, '/');
    size_t n = slash && slash != ctx->staging_dir ? (size_t)(slash - ctx->staging_dir) : 1;
    snprintf(out, size, "%.*s", (int)n, ctx->staging_dir);
}

static int disk_full(const source_context *ctx, const char *shown, const char *entry,
                     panya_error *err)
{
    char parent[1024];
    staging_parent(ctx, parent, sizeof parent);
    return panya_error_set(err, PANYA_ERR_OUTPUT,
                           "%s: cannot unpack '%s': the disk is full (%s, where panya unpacks "
                           "zips; set TMPDIR to a folder with more room)",
                           shown, entry, parent);
}

/* Creates the folders leading to `relative` below dest. */
static int make_parents(const char *dest, const char *relative, panya_error *err)
{
    char *path = source_join(dest, relative);
    if (!path)
        return panya_error_oom(err);
    for (char *p = path + strlen(dest) + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            int e = errno;
            free(path);
            return panya_error_errno(err, PANYA_ERR_OUTPUT, e, "cannot create a private work "
                                                               "folder for '%s'", relative);
        }
        *p = '/';
    }
    free(path);
    return 0;
}

static int write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC; /* a short write that makes no progress: nothing left */
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

static int unzip_entry(source_context *ctx, archive_input *in, const char *shown,
                       const char *dest, const archive_input_entry *entry, panya_error *err)
{
    struct statvfs vfs;
    if (entry->declared_size > 0 && statvfs(dest, &vfs) == 0 &&
        (uint64_t)vfs.f_bavail * vfs.f_frsize < (uint64_t)entry->declared_size + STAGING_MARGIN)
        return disk_full(ctx, shown, entry->name, err);
    if (make_parents(dest, entry->name, err) != 0)
        return -1;
    char *path = source_join(dest, entry->name);
    if (!path)
        return panya_error_oom(err);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    free(path);
    if (fd < 0)
        return errno == ENOSPC ? disk_full(ctx, shown, entry->name, err)
                               : panya_error_errno(err, PANYA_ERR_OUTPUT, errno,
                                                   "%s: cannot unpack '%s'", shown, entry->name);
    static __thread char buf[1 << 16];
    int status = 0;
    for (;;) {
        ssize_t n = archive_input_read(in, buf, sizeof buf, err);
        if (n <= 0) {
            status = n < 0 ? -1 : 0;
            break;
        }
        if (write_all(fd, buf, (size_t)n) != 0) {
            status = errno == ENOSPC || errno == EDQUOT
                         ? disk_full(ctx, shown, entry->name, err)
                         : panya_error_errno(err, PANYA_ERR_OUTPUT, errno,
                                             "%s: cannot unpack '%s'", shown, entry->name);
            break;
        }
    }
    if (close(fd) != 0 && status == 0)
        status = errno == ENOSPC ? disk_full(ctx, shown, entry->name, err)
                                 : panya_error_errno(err, PANYA_ERR_OUTPUT, errno,
                                                     "%s: cannot unpack '%s'", shown, entry->name);
    return status;
}

/* The rule for every entry: refused unless a file or folder with a safe UTF-8 name. */
static int refuse_entry(const char *shown, const archive_input_entry *entry, panya_error *err)
{
    if (entry->problems & ARCHIVE_INPUT_UNSAFE_PATH)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: entry '%s' would be written outside the package", shown,
                               entry->name);
    if (entry->problems & ARCHIVE_INPUT_NOT_UTF8)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: entry '%s': the name is not UTF-8 (a legacy code page such "
                               "as CP437, from an old Windows zip tool); make the zip again with "
                               "a tool that writes UTF-8 names",
                               shown, entry->name);
    if (entry->kind == ARCHIVE_INPUT_LINK)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: entry '%s' is a link (links are not unpacked)", shown,
                               entry->name);
    return 0;
}

/* Opens an archive named in messages as the user knows it (*shown, malloc'd: the outer zip
 * and entry for one unpacked from another). Returns 0 or -1 (err set, nothing to free). */
static int open_shown(const source_context *ctx, const char *zip_path, bool tar_too,
                      archive_input **in, char **shown, panya_error *err)
{
    if (!(*shown = source_display_path(ctx, zip_path)))
        return panya_error_oom(err);
    if ((tar_too ? archive_input_open_zip_or_tar(in, zip_path, NULL, err)
                 : archive_input_open(in, zip_path, NULL, err)) != 0) {
        source_describe_error(ctx, err);
        free(*shown);
        return -1;
    }
    if (archive_input_set_display_name(*in, *shown) != 0) {
        archive_input_close(*in);
        free(*shown);
        return panya_error_oom(err);
    }
    return 0;
}

static int unpack(source_context *ctx, const char *zip_path, const char *dest, bool tar_too,
                  panya_error *err)
{
    char *shown;
    archive_input *in;
    if (open_shown(ctx, zip_path, tar_too, &in, &shown, err) != 0)
        return -1;
    archive_input_use_budget(in, &ctx->budget, source_root_for(ctx, zip_path) != &ctx->staging_root);
    archive_input_entry entry;
    int rc, status = 0;
    while (status == 0 && (rc = archive_input_next(in, &entry, err)) == 1) {
        status = refuse_entry(shown, &entry, err);
        if (status == 0 && entry.kind == ARCHIVE_INPUT_DIRECTORY)
            status = make_parents(dest, entry.name, err) ? -1 : 0;
        else if (status == 0 && entry.kind == ARCHIVE_INPUT_FILE)
            status = unzip_entry(ctx, in, shown, dest, &entry, err);
    }
    if (status == 0 && rc < 0)
        status = -1;
    archive_input_close(in);
    free(shown);
    return status;
}

int source_unzip(source_context *ctx, const char *zip_path, const char *dest, panya_error *err)
{
    return unpack(ctx, zip_path, dest, false, err);
}

int source_unpack_zip_or_tar(source_context *ctx, const char *path, const char *dest,
                             panya_error *err)
{
    return unpack(ctx, path, dest, true, err);
}

int source_zip_roots(const source_context *ctx, const char *zip_path, bool *has_manifest,
                     bool *has_index, size_t *files_in_folders, panya_error *err)
{
    *has_manifest = *has_index = false;
    size_t in_folders = 0;
    char *shown;
    archive_input *in;
    if (open_shown(ctx, zip_path, false, &in, &shown, err) != 0)
        return -1;
    archive_input_names_only(in);
    archive_input_entry entry;
    int rc;
    while ((rc = archive_input_next(in, &entry, err)) == 1) {
        if (entry.kind != ARCHIVE_INPUT_FILE)
            continue;
        /* A leftover anywhere in the path (__MACOSX/..., .../Thumbs.db) does not count. */
        bool leftover = false;
        char *copy = strdup(entry.name);
        for (char *save = NULL, *part = copy ? strtok_r(copy, "/", &save) : NULL;
             part && !leftover; part = strtok_r(NULL, "/", &save)) {
            folder_entry probe = {.name = part, .kind = FOLDER_ENTRY_FILE};
            leftover = source_left_out(ctx, "", &probe) != NULL;
        }
        free(copy);
        if (leftover)
            continue;
        if (strchr(entry.name, '/'))
            in_folders++;
        else if (strcmp(entry.name, "imsmanifest.xml") == 0)
            *has_manifest = true;
        else if (strcasecmp(entry.name, "index.html") == 0 || strcasecmp(entry.name, "index.htm") == 0)
            *has_index = true;
    }
    archive_input_close(in);
    free(shown);
    if (files_in_folders)
        *files_in_folders = in_folders;
    return rc < 0 ? -1 : 0;
}
