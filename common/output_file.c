#include "common/output_file.h"

#include "common/cleanup.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void release(panya_output_file *out)
{
    if (out->temp_path)
        panya_cleanup_remove(out->temp_path);
    free(out->final_path);
    free(out->temp_path);
    out->final_path = out->temp_path = NULL;
    out->fd = -1;
}

static char *folder_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *folder = strdup(dirname(copy));
    free(copy);
    return folder;
}

int panya_output_open(panya_output_file *out, const char *final_path, panya_error *err)
{
    memset(out, 0, sizeof *out);
    out->fd = -1;
    char *copy = strdup(final_path);
    char *folder = folder_of(final_path);
    if (!copy || !folder) {
        free(copy);
        free(folder);
        return panya_error_oom(err);
    }
    const char *name = basename(copy);
    size_t len = strlen(folder) + strlen(name) + 32;
    out->temp_path = malloc(len);
    out->final_path = strdup(final_path);
    if (!out->temp_path || !out->final_path) {
        free(copy);
        free(folder);
        release(out);
        return panya_error_oom(err);
    }
    snprintf(out->temp_path, len, "%s/.%s.tmp-XXXXXX", folder, name);
    free(copy);
    free(folder);
    out->fd = mkostemp(out->temp_path, O_CLOEXEC);
    if (out->fd < 0) {
        int saved = errno;
        panya_error_errno(err, PANYA_ERR_OUTPUT, saved, "%s: cannot create output", final_path);
        free(out->temp_path);
        out->temp_path = NULL;
        release(out);
        return -1;
    }
    /* Removed by the SIGINT/SIGTERM handler; a failed registration only loses that. The
     * lock tells a later run's sweep that the file is in use; the kernel drops it when
     * this process ends, however it ends. */
    panya_cleanup_install_handlers(); /* the codecs module's own copy of the registry */
    panya_cleanup_add(out->temp_path);
    flock(out->fd, LOCK_EX | LOCK_NB);
    /* mkostemp makes the file private (0600); outputs get the usual 0666 less umask. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(out->fd, 0666 & ~mask);
    return 0;
}

int panya_output_write(panya_output_file *out, const void *buf, size_t len, panya_error *err)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(out->fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            out->write_errno = errno;
            if (errno == ENOSPC || errno == EDQUOT)
                return panya_error_set(err, PANYA_ERR_OUTPUT,
                                       "%s: the disk is full (%llu bytes written)",
                                       out->final_path, (unsigned long long)out->written);
            return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: write failed",
                                     out->final_path);
        }
        p += n;
        len -= (size_t)n;
        out->written += (uint64_t)n;
    }
    return 0;
}

int panya_output_write_zeros(panya_output_file *out, uint64_t count, panya_error *err)
{
    static const uint8_t zeros[4096];
    while (count > 0) {
        size_t chunk = count < sizeof zeros ? (size_t)count : sizeof zeros;
        if (panya_output_write(out, zeros, chunk, err) != 0)
            return -1;
        count -= chunk;
    }
    return 0;
}

static void sync_folder(const char *path)
{
    char *folder = folder_of(path);
    if (!folder)
        return;
    int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd); /* best effort: some filesystems (FUSE, FAT) refuse it on folders */
        close(fd);
    }
    free(folder);
}

static int commit(panya_output_file *out, bool sync, panya_error *err)
{
    if (sync && fsync(out->fd) != 0) {
        int saved = errno;
        panya_output_abort(out);
        return panya_error_errno(err, PANYA_ERR_OUTPUT, saved, "%s: cannot sync output",
                                 out->final_path ? out->final_path : "output");
    }
    if (close(out->fd) != 0) {
        int saved = errno;
        out->fd = -1;
        panya_output_abort(out);
        return panya_error_errno(err, PANYA_ERR_OUTPUT, saved, "cannot close output");
    }
    out->fd = -1;
    if (rename(out->temp_path, out->final_path) != 0) {
        int saved = errno;
        panya_error_errno(err, PANYA_ERR_OUTPUT, saved, "%s: cannot rename %s into place",
                          out->final_path, out->temp_path);
        panya_output_abort(out);
        return -1;
    }
    if (sync)
        sync_folder(out->final_path);
    release(out);
    return 0;
}

int panya_output_commit(panya_output_file *out, panya_error *err)
{
    return commit(out, true, err);
}

int panya_output_commit_unsynced(panya_output_file *out, panya_error *err)
{
    return commit(out, false, err);
}

void panya_output_abort(panya_output_file *out)
{
    if (out->fd >= 0)
        close(out->fd);
    if (out->temp_path)
        unlink(out->temp_path);
    release(out);
}

/* True when name is "." + target + ".tmp-" + 6 characters (what panya_output_open makes). */
static bool is_temp_of(const char *name, const char *target)
{
    size_t len = strlen(target);
    return name[0] == '.' && strncmp(name + 1, target, len) == 0 &&
           strncmp(name + 1 + len, ".tmp-", 5) == 0 && strlen(name + 1 + len + 5) == 6;
}

/* A temporary nobody holds: its writer's lock is gone (it was killed or the card pulled);
 * where the filesystem has no locks, one left untouched for PANYA_OUTPUT_STALE_SECONDS. */
static bool is_stale(int dir_fd, const char *name)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    bool stale = false;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            stale = true;
        else if (errno != EWOULDBLOCK)
            stale = time(NULL) - st.st_mtime >= PANYA_OUTPUT_STALE_SECONDS;
    }
    close(fd);
    return stale;
}

size_t panya_output_sweep_stale(const char *final_path, uint64_t *freed_bytes)
{
    char *folder = folder_of(final_path), *copy = strdup(final_path);
    DIR *dir = folder ? opendir(folder) : NULL;
    size_t removed = 0;
    if (dir && copy) {
        const char *target = basename(copy);
        struct dirent *entry;
        while ((entry = readdir(dir))) {
            struct stat st;
            if (!is_temp_of(entry->d_name, target) || !is_stale(dirfd(dir), entry->d_name) ||
                fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
                unlinkat(dirfd(dir), entry->d_name, 0) != 0)
                continue;
            removed++;
            if (freed_bytes)
                *freed_bytes += (uint64_t)st.st_size;
        }
    }
    if (dir)
        closedir(dir);
    free(folder);
    free(copy);
    return removed;
}

int panya_output_write_file(const char *path, const void *data, size_t len, panya_error *err)
{
    panya_output_file out;
    if (panya_output_open(&out, path, err) != 0)
        return -1;
    if (panya_output_write(&out, data, len, err) != 0) {
        panya_output_abort(&out);
        return -1;
    }
    return panya_output_commit(&out, err);
}
