#include "common/temp_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

bool panya_temp_name(const char *name)
{
    size_t len = strlen(name);
    if (strncmp(name, "panya-pack-", 11) == 0 && len == 17)
        return true;
    /* ".NAME.tmp-XXXXXX" */
    return len > 13 && name[0] == '.' && strncmp(name + len - 11, ".tmp-", 5) == 0;
}

int panya_staging_hold(const char *folder)
{
    int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

int panya_sweep_stale_staging(const char *folder, long max_age_seconds)
{
    DIR *dir = opendir(folder);
    if (!dir)
        return 0;
    int removed = 0;
    time_t now = time(NULL);
    struct dirent *d;
    while ((d = readdir(dir))) {
        if (strncmp(d->d_name, "panya-pack-", 11) != 0 || !panya_temp_name(d->d_name))
            continue;
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", folder, d->d_name) >= (int)sizeof path)
            continue;
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
            now - st.st_mtime < max_age_seconds)
            continue;
        int held = panya_staging_hold(path); /* fails while its pack is still running */
        if (held < 0)
            continue;
        nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        close(held);
        removed++;
    }
    closedir(dir);
    return removed;
}
