/* LD_PRELOAD shim that makes a folder behave like a bad SD card, for the copy tests.
 * Only descriptors whose path starts with $PANYA_FAULT_DIR are affected.
 *   PANYA_FAULT_CORRUPT_FROM=N  reads at file offsets >= N return different bytes while
 *                               writes succeed, as a counterfeit card whose real capacity
 *                               is smaller than it claims does
 *   PANYA_FAULT_EXIT_AFTER=N    the process dies (exit 137, as if killed) once N bytes have
 *                               been written there: a card pulled out mid-copy
 *   PANYA_FAULT_SIGNAL_AFTER=N  the process gets SIGTERM once N bytes have been written
 *                               there (PANYA_FAULT_SIGNAL=2 for SIGINT): Ctrl-C or kill
 *   PANYA_FAULT_FULL_AFTER=N    writes there fail with ENOSPC once N bytes have been
 *                               written: a disk that fills up
 *   PANYA_FAULT_CAPACITY=N      statvfs/statfs there report a card of N bytes, of which the
 *                               files in $PANYA_FAULT_DIR (rounded up to 4 KiB) are used */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

static uint64_t written_total;

static bool on_faulty_card(int fd)
{
    const char *dir = getenv("PANYA_FAULT_DIR");
    if (!dir || !*dir)
        return false;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return false;
    path[n] = '\0';
    return strncmp(path, dir, strlen(dir)) == 0;
}

static long long env_number(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? atoll(v) : -1;
}

/* Built with _FILE_OFFSET_BITS=64 like panya, so `pread` below is the pread64 it calls. */

/* Flips the bytes of buf that lie at file offsets >= the corruption limit. */
static void corrupt(int fd, void *buf, ssize_t n, off_t offset)
{
    long long from = env_number("PANYA_FAULT_CORRUPT_FROM");
    if (n <= 0 || from < 0 || !on_faulty_card(fd))
        return;
    uint8_t *p = buf;
    for (ssize_t i = 0; i < n; i++)
        if (offset + i >= from)
            p[i] ^= 0x5a;
}

ssize_t read(int fd, void *buf, size_t count)
{
    static ssize_t (*real_read)(int, void *, size_t);
    if (!real_read)
        real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
    off_t offset = lseek(fd, 0, SEEK_CUR);
    ssize_t n = real_read(fd, buf, count);
    if (offset >= 0)
        corrupt(fd, buf, n, offset);
    return n;
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
    static ssize_t (*real_pread)(int, void *, size_t, off_t);
    if (!real_pread)
        real_pread = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");
    ssize_t n = real_pread(fd, buf, count, offset);
    corrupt(fd, buf, n, offset);
    return n;
}

ssize_t write(int fd, const void *buf, size_t count)
{
    static ssize_t (*real_write)(int, const void *, size_t);
    if (!real_write)
        real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    long long limit = env_number("PANYA_FAULT_EXIT_AFTER");
    long long signal_after = env_number("PANYA_FAULT_SIGNAL_AFTER");
    long long full_after = env_number("PANYA_FAULT_FULL_AFTER");
    if (full_after >= 0 && count > 0 && on_faulty_card(fd)) {
        if (written_total >= (uint64_t)full_after) {
            errno = ENOSPC;
            return -1;
        }
        ssize_t n = real_write(fd, buf, count);
        if (n > 0)
            written_total += (uint64_t)n;
        return n;
    }
    if (signal_after >= 0 && on_faulty_card(fd)) {
        ssize_t n = real_write(fd, buf, count);
        if (n > 0 && (written_total += (uint64_t)n) >= (uint64_t)signal_after) {
            long long sig = env_number("PANYA_FAULT_SIGNAL");
            raise(sig > 0 ? (int)sig : SIGTERM);
        }
        return n;
    }
    if (limit < 0 || !on_faulty_card(fd))
        return real_write(fd, buf, count);
    if (written_total + count >= (uint64_t)limit) {
        real_write(fd, buf, (size_t)((uint64_t)limit - written_total));
        _exit(137);
    }
    ssize_t n = real_write(fd, buf, count);
    if (n > 0)
        written_total += (uint64_t)n;
    return n;
}

static uint64_t used_bytes;

static int add_used(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)path, (void)ftw;
    if (type == FTW_F)
        used_bytes += ((uint64_t)st->st_size + 4095) / 4096 * 4096;
    return 0;
}

/* The free blocks of a card of PANYA_FAULT_CAPACITY bytes, or -1 when path is not on it. */
static long long fake_free_blocks(const char *path, long long *blocks)
{
    const char *dir = getenv("PANYA_FAULT_DIR");
    long long capacity = env_number("PANYA_FAULT_CAPACITY");
    char resolved[4096];
    if (capacity < 0 || !dir || !*dir || !realpath(path, resolved) ||
        strncmp(resolved, dir, strlen(dir)) != 0)
        return -1;
    used_bytes = 0;
    nftw(dir, add_used, 16, FTW_PHYS);
    *blocks = capacity / 4096;
    long long used = (long long)(used_bytes / 4096);
    return used < *blocks ? *blocks - used : 0;
}

int statvfs(const char *path, struct statvfs *buf)
{
    static int (*real_statvfs)(const char *, struct statvfs *);
    if (!real_statvfs)
        real_statvfs = (int (*)(const char *, struct statvfs *))dlsym(RTLD_NEXT, "statvfs");
    int status = real_statvfs(path, buf);
    long long blocks, free_blocks = status == 0 ? fake_free_blocks(path, &blocks) : -1;
    if (free_blocks >= 0) {
        buf->f_bsize = buf->f_frsize = 4096;
        buf->f_blocks = (fsblkcnt_t)blocks;
        buf->f_bfree = buf->f_bavail = (fsblkcnt_t)free_blocks;
    }
    return status;
}

int statfs(const char *path, struct statfs *buf)
{
    static int (*real_statfs)(const char *, struct statfs *);
    if (!real_statfs)
        real_statfs = (int (*)(const char *, struct statfs *))dlsym(RTLD_NEXT, "statfs");
    int status = real_statfs(path, buf);
    long long blocks, free_blocks = status == 0 ? fake_free_blocks(path, &blocks) : -1;
    if (free_blocks >= 0) {
        buf->f_bsize = 4096;
        buf->f_blocks = (fsblkcnt_t)blocks;
        buf->f_bfree = buf->f_bavail = (fsblkcnt_t)free_blocks;
    }
    return status;
}
