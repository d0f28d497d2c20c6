#include "delivery/card_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MSDOS_SUPER_MAGIC 0x4d44
#define READ_CHUNK (1u << 20)

/* Finds the filesystem type of device `dev` in /proc/self/mountinfo, whose lines read
 * "ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS". */
static void mount_type_of(dev_t dev, char type[64])
{
    type[0] = '\0';
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        unsigned major_no, minor_no;
        if (sscanf(line, "%*s %*s %u:%u", &major_no, &minor_no) != 2 ||
            major_no != major(dev) || minor_no != minor(dev))
            continue;
        const char *sep = strstr(line, " - ");
        if (sep && sscanf(sep + 3, "%63s", type) == 1)
            break;
        type[0] = '\0';
    }
    fclose(f);
}

static bool type_is_fat(const char *type)
{
    static const char *const fat_types[] = {"vfat", "msdos", "fat", "fuse.fusefat",
                                            "fuseblk.fusefat", "fuse.vfat", NULL};
    for (size_t i = 0; fat_types[i]; i++)
        if (strcmp(type, fat_types[i]) == 0)
            return true;
    return false;
}

int card_fs_probe(const char *dir, card_fs_info *info, panya_error *err)
{
    memset(info, 0, sizeof *info);
    struct stat st;
    if (stat(dir, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", dir);
    if (!S_ISDIR(st.st_mode))
        return panya_error_set(err, PANYA_ERR_OUTPUT, "%s: not a folder (give the card's "
                                                       "mount point or a folder on it)", dir);
    struct statfs sfs;
    struct statvfs svfs;
    if (statfs(dir, &sfs) != 0 || statvfs(dir, &svfs) != 0)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot query the filesystem",
                                 dir);
    mount_type_of(st.st_dev, info->fs_type);
    info->fat = sfs.f_type == MSDOS_SUPER_MAGIC || type_is_fat(info->fs_type);
    info->cluster_size = svfs.f_bsize ? svfs.f_bsize : 4096;
    info->free_known = svfs.f_blocks != 0;
    if (info->free_known)
        info->free_bytes = (uint64_t)svfs.f_bavail * (svfs.f_frsize ? svfs.f_frsize : svfs.f_bsize);
    return 0;
}

uint64_t card_fs_allocated(const card_fs_info *info, uint64_t size)
{
    return (size + info->cluster_size - 1) / info->cluster_size * info->cluster_size;
}

int card_fs_hash_file(const char *path, bool from_card, uint8_t hash[PANYA_HASH_SIZE],
                      uint64_t *length, card_read_progress_fn progress, void *progress_ctx,
                      panya_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return panya_error_errno(err, from_card ? PANYA_ERR_READBACK : PANYA_ERR_USAGE,
                                 errno, "%s: cannot open it to read it", path);
    int status = card_fs_hash_fd(fd, path, from_card, hash, length, progress, progress_ctx, err);
    close(fd);
    return status;
}

int card_fs_hash_fd(int fd, const char *path, bool from_card, uint8_t hash[PANYA_HASH_SIZE],
                    uint64_t *length, card_read_progress_fn progress, void *progress_ctx,
                    panya_error *err)
{
    int code = from_card ? PANYA_ERR_READBACK : PANYA_ERR_USAGE;
    if (from_card)
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    uint8_t *buf = malloc(READ_CHUNK);
    panya_sha256 ctx;
    if (!buf || panya_sha256_init(&ctx) != 0) {
        free(buf);
        return panya_error_oom(err);
    }
    uint64_t total = 0;
    int status = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, READ_CHUNK, (off_t)total);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            status = panya_error_errno(err, code, errno, from_card ?
                                       "%s: the card cannot read back the copy (it may be "
                                       "failing)" : "%s: read failed", path);
            break;
        }
        if (n == 0)
            break;
        panya_sha256_update(&ctx, buf, (size_t)n);
        total += (uint64_t)n;
        if (progress)
            progress(progress_ctx, total);
    }
    if (status == 0)
        panya_sha256_final(&ctx, hash);
    else
        panya_sha256_discard(&ctx);
    free(buf);
    *length = total;
    return status;
}
