/* Fuzz target: `panya patch` input (the patch file is hostile). A small OLD bundle is made
 * once; each input is written as the patch, with its base fields (bytes 16-55: OLD's size
 * and SHA-256) set to OLD's, so inputs get past the base check into the segment table and
 * the literal frame. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "writer/bundle_patch.h"
#include "writer/bundle_writer.h"
#include "delivery/card_fs.h"

static char dir[64], old_path[96], patch_path[96], new_path[96];
static uint8_t base_fields[8 + PANYA_HASH_SIZE];

static void make_old_bundle(void)
{
    snprintf(dir, sizeof dir, "/tmp/panya-fuzz-patch-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    snprintf(old_path, sizeof old_path, "%s/old.panya", dir);
    snprintf(patch_path, sizeof patch_path, "%s/input.patch", dir);
    snprintf(new_path, sizeof new_path, "%s/new.panya", dir);
    panya_error err = {0};
    bundle_writer_options options = {.threads = 1, .no_dictionaries = true};
    bundle_writer *w = bundle_writer_create(&options, &err);
    uint8_t hash[PANYA_HASH_SIZE], media[5000];
    for (size_t i = 0; i < sizeof media; i++)
        media[i] = (uint8_t)(i * 31 + 7);
    static const char manifest[] = "<bundle/>";
    if (!w || bundle_writer_add_memory(w, "<p>text</p>", 11, "text/html", hash, &err) ||
        bundle_writer_add_memory(w, media, sizeof media, "video/mp4", hash, &err) ||
        bundle_writer_finish_raw(w, old_path, (const uint8_t *)manifest, sizeof manifest - 1, &err))
        abort();
    bundle_writer_free(w);
    uint64_t size;
    if (card_fs_hash_file(old_path, false, base_fields + 8, &size, NULL, NULL, &err) != 0)
        abort();
    for (int i = 0; i < 8; i++)
        base_fields[i] = (uint8_t)(size >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        make_old_bundle();
    uint8_t *patch = malloc(size ? size : 1);
    if (!patch)
        return 0;
    memcpy(patch, data, size);
    if (size >= 16 + sizeof base_fields)
        memcpy(patch + 16, base_fields, sizeof base_fields);
    FILE *f = fopen(patch_path, "wb");
    if (!f || fwrite(patch, 1, size, f) != size)
        abort();
    fclose(f);
    free(patch);
    patch_stats stats;
    panya_error err = {0};
    bundle_patch(old_path, patch_path, new_path, &stats, &err);
    unlink(new_path);
    return 0;
}
