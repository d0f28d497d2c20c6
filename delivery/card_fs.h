/* What card_copy needs to know about a card's filesystem, and reading a file back from the
 * device rather than from the page cache. */
#ifndef PANYA_DELIVERY_CARD_FS_H
#define PANYA_DELIVERY_CARD_FS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "common/hash.h"

typedef struct card_fs_info {
    bool fat;              /* FAT12/16/32 (kernel vfat/msdos or fusefat): 4 GiB - 1 per file */
    bool free_known;       /* statvfs reported a size (some FUSE drivers report 0 blocks) */
    uint64_t free_bytes;   /* available to us, when known */
    uint64_t cluster_size; /* allocation unit: files take whole multiples of it */
    char fs_type[64];      /* as /proc/self/mountinfo names it, or "" when not found */
} card_fs_info;

/* Probes the filesystem holding folder `dir` (which must exist and be a folder).
 * Returns 0, or -1 with PANYA_ERR_OUTPUT. */
int card_fs_probe(const char *dir, card_fs_info *info, panya_error *err);

/* Rounds size up to whole allocation units. */
uint64_t card_fs_allocated(const card_fs_info *info, uint64_t size);

/* Called as a read back progresses. */
typedef void (*card_read_progress_fn)(void *ctx, uint64_t done);

/* Hashes the file at path, writing its hash and length. With from_card, its cached pages
 * are dropped first (posix_fadvise DONTNEED, after the writer's fsync) so the bytes come
 * back from the card, and a read error is PANYA_ERR_READBACK; otherwise (a source)
 * it is PANYA_ERR_USAGE. */
int card_fs_hash_file(const char *path, bool from_card, uint8_t hash[PANYA_HASH_SIZE],
                      uint64_t *length, card_read_progress_fn progress, void *progress_ctx,
                      panya_error *err);

/* Same on an open descriptor, read from its start; `name` names it in errors. Reusing the
 * descriptor afterwards keeps the pages just read (FUSE drops a file's cache on open). */
int card_fs_hash_fd(int fd, const char *name, bool from_card, uint8_t hash[PANYA_HASH_SIZE],
                    uint64_t *length, card_read_progress_fn progress, void *progress_ctx,
                    panya_error *err);

#endif
