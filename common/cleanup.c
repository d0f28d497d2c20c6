#include "common/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A slot holds a strdup'ed path or NULL. remove() swaps the pointer out and frees it
 * unless the handler has started (then the process is dying and the leak is harmless):
 * the handler raises `interrupted` before it reads any slot, so it never reads a freed
 * path. */
static _Atomic(char *) slots[PANYA_CLEANUP_SLOTS];
static atomic_bool interrupted;
static atomic_flag installed = ATOMIC_FLAG_INIT;

static const int handled_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define HANDLED_COUNT (sizeof handled_signals / sizeof handled_signals[0])
/* What each signal did before: the dlopen'ed codecs module carries its own copy of this
 * registry, and its handler hands over to the executable's once its own slots are empty. */
static struct sigaction previous[HANDLED_COUNT];

int panya_cleanup_add(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    for (size_t i = 0; i < PANYA_CLEANUP_SLOTS; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&slots[i], &expected, copy))
            return 0;
    }
    free(copy);
    return -1;
}

void panya_cleanup_remove(const char *path)
{
    for (size_t i = 0; i < PANYA_CLEANUP_SLOTS; i++) {
        char *held = atomic_load(&slots[i]);
        if (!held || strcmp(held, path) != 0)
            continue;
        if (!atomic_compare_exchange_strong(&slots[i], &held, NULL))
            continue;
        if (!atomic_load(&interrupted))
            free(held);
        return;
    }
}

/* The folder's entries, removed with async-signal-safe system calls only (no opendir:
 * it allocates). Depth is bounded so a hostile tree cannot exhaust the stack. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void remove_tree_at(int parent, const char *name, int depth);

static void empty_folder(int fd, int depth)
{
    char buf[2048] __attribute__((aligned(8)));
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0)
            return;
        int removed = 0;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            off += d->d_reclen;
            if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
                continue;
            remove_tree_at(fd, d->d_name, depth + 1);
            removed = 1;
        }
        /* Entries were deleted under the reading position: read again from the start. */
        if (removed)
            lseek(fd, 0, SEEK_SET);
    }
}

static void remove_tree_at(int parent, const char *name, int depth)
{
    if (unlinkat(parent, name, 0) == 0 || (errno != EISDIR && errno != EPERM))
        return;
    if (depth < 64) {
        int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            empty_folder(fd, depth);
            close(fd);
        }
    }
    unlinkat(parent, name, AT_REMOVEDIR);
}

static void on_signal(int sig)
{
    int saved = errno;
    atomic_store(&interrupted, true);
    for (size_t i = 0; i < PANYA_CLEANUP_SLOTS; i++) {
        char *path = atomic_exchange(&slots[i], NULL);
        if (path)
            remove_tree_at(AT_FDCWD, path, 0);
    }
    /* The action from before (another copy's handler, or the default), then re-raise: it
     * runs once this handler returns, and the parent sees "killed by SIGINT" as usual. */
    struct sigaction next;
    memset(&next, 0, sizeof next);
    next.sa_handler = SIG_DFL;
    sigemptyset(&next.sa_mask);
    for (size_t i = 0; i < HANDLED_COUNT; i++)
        if (handled_signals[i] == sig && previous[i].sa_handler != SIG_IGN)
            next = previous[i];
    sigaction(sig, &next, NULL);
    errno = saved;
    raise(sig);
}

void panya_cleanup_install_handlers(void)
{
    if (atomic_flag_test_and_set(&installed))
        return;
    for (size_t i = 0; i < HANDLED_COUNT; i++) {
        if (sigaction(handled_signals[i], NULL, &previous[i]) != 0 ||
            previous[i].sa_handler == SIG_IGN)
            continue;
        struct sigaction act;
        memset(&act, 0, sizeof act);
        act.sa_handler = on_signal;
        sigfillset(&act.sa_mask); /* no second signal while the slots are being emptied */
        sigaction(handled_signals[i], &act, NULL);
    }
}
