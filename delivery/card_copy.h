/* Copying bundles to SD cards safely (`panya copy`). For each destination folder (a card),
 * in parallel, one thread per card:
 *   - the filesystem is probed: FAT (a file cannot exceed 4 GiB - 1 there) and free space,
 *     which some cards and FUSE drivers report as zero ("unknown": write errors decide);
 *   - a bundle already on the card and byte-identical (read back, hashed) is skipped, a
 *     damaged or partial one replaced, and temporary files of an interrupted copy removed;
 *   - nothing is started when the known free space cannot hold what is to be written
 *     (exact sizes rounded up to the allocation unit; a copy being replaced keeps its
 *     space until the new one is renamed over it, so it does not count as free);
 *   - each bundle is written under a temporary name and fsynced, then its cached pages are
 *     dropped and it is read back from the card: the whole file must hash like the source
 *     and every object must match its hash; only then is it renamed into place;
 *   - finally the card catalogue (manifest/card_catalogue.h) is rewritten from the packs
 *     found on the card.
 * One failing card does not stop the others. */
#ifndef PANYA_DELIVERY_CARD_COPY_H
#define PANYA_DELIVERY_CARD_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define CARD_FAT_MAX_FILE_SIZE 4294967295ull /* 4 GiB - 1 */

typedef enum card_phase {
    CARD_PHASE_CHECKING,     /* reading back a copy already on the card */
    CARD_PHASE_WRITING,      /* done / total: bytes written */
    CARD_PHASE_READING_BACK, /* done / total: bytes read back */
    CARD_PHASE_VERIFYING,    /* checking every object of the copy */
    CARD_PHASE_BUNDLE_DONE,  /* the bundle is on the card and checked (or was already) */
} card_phase;

typedef struct card_progress {
    size_t card;        /* index of the destination */
    const char *bundle; /* file name of the bundle being handled */
    card_phase phase;
    uint64_t done, total;
} card_progress;

/* Called from the card threads (serialise your own output). */
typedef void (*card_progress_fn)(void *ctx, const card_progress *progress);

typedef struct card_copy_options {
    card_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    /* A whole, valid bundle of the same name but different content (another pack, another
     * version) is replaced only when this is set; otherwise that bundle is not copied and
     * the card fails with PANYA_ERR_USAGE saying so. Damaged or partial copies are always
     * replaced. */
    bool replace;
} card_copy_options;

typedef struct card_result {
    bool probed;            /* the card was reached: the fields below describe it */
    bool fat;               /* a FAT filesystem: 4 GiB - 1 per file */
    bool free_space_known;  /* false when the filesystem reports 0 blocks */
    uint64_t free_bytes;    /* when known, before copying */
    uint64_t needed_bytes;  /* what the bundles to write take, in allocation units */
    size_t copied;          /* bundles written (new on the card) */
    size_t replaced;        /* damaged or different copies replaced */
    size_t skipped;         /* identical copies left as they were */
    size_t stale_removed;   /* temporary files of interrupted copies removed */
    uint64_t bytes_written;
    int status;             /* PANYA_OK, or the code of the first failure */
    panya_error err;        /* the first failure, naming the card and bundle */
} card_result;

/* Copies every bundle to every destination folder. results has dest_count entries.
 * Returns 0 when every card succeeded, 1 when some card failed (see results), and -1 (err
 * set) when nothing was started: a source that is not a readable, structurally sound
 * bundle, two sources whose file names are equal when case is ignored (FAT and exFAT
 * cannot hold both), a destination that is not an existing folder (PANYA_ERR_USAGE), out
 * of memory. */
int card_copy(const char *const *bundles, size_t bundle_count, const char *const *dests,
              size_t dest_count, const card_copy_options *options, card_result *results,
              panya_error *err);

#endif
