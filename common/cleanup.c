#include "common/cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 32

/* A slot is FREE, being FILLED by a registering thread, or READY for the handler. */
enum { SLOT_FREE, SLOT_FILLED, SLOT_READY };

static struct {
    atomic_int state;
    char path[PATH_MAX];
} slots[SLOTS];

static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static const int handled_signals[] = {SIGINT, SIGTERM, SIGHUP};

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Removes name below dirfd, a folder with everything in it, with system calls only
 * (getdents64, unlinkat, openat): what a signal handler may do. */
static int remove_below(int dirfd, const char *name, int depth)
{
    if (unlinkat(dirfd, name, 0) == 0)
        return 1;
    if (errno != EISDIR || depth > 200)
        return 0;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        char buf[2048];
        /* Entries are removed while the folder is read, so read it again from the start
         * until a pass finds nothing left to remove. */
        for (int removed = 1; removed;) {
            removed = 0;
            lseek(fd, 0, SEEK_SET);
            long n;
            while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
                for (long at = 0; at < n;) {
                    struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
                    at += d->d_reclen;
                    if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0) {
                        removed |= remove_below(fd, d->d_name, depth + 1);
                    }
                }
            }
        }
        close(fd);
    }
    return unlinkat(dirfd, name, AT_REMOVEDIR) == 0;
}

static void on_signal(int sig)
{
    int saved = errno;
    for (int i = 0; i < SLOTS; i++)
        if (atomic_load(&slots[i].state) == SLOT_READY)
            remove_below(AT_FDCWD, slots[i].path, 0);
    errno = saved;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install(void)
{
    for (size_t i = 0; i < sizeof handled_signals / sizeof handled_signals[0]; i++) {
        struct sigaction old;
        /* A signal the parent asked us to ignore (nohup) stays ignored. */
        if (sigaction(handled_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        for (size_t k = 0; k < sizeof handled_signals / sizeof handled_signals[0]; k++)
            sigaddset(&sa.sa_mask, handled_signals[k]);
        sigaction(handled_signals[i], &sa, NULL);
    }
}

int panya_cleanup_register(const char *path)
{
    if (strlen(path) >= PATH_MAX)
        return -1;
    pthread_once(&install_once, install);
    for (int i = 0; i < SLOTS; i++) {
        int expected = SLOT_FREE;
        if (atomic_compare_exchange_strong(&slots[i].state, &expected, SLOT_FILLED)) {
            strcpy(slots[i].path, path);
            atomic_store(&slots[i].state, SLOT_READY);
            return i;
        }
    }
    return -1;
}

void panya_cleanup_unregister(int handle)
{
    if (handle >= 0 && handle < SLOTS)
        atomic_store(&slots[handle].state, SLOT_FREE);
}

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
