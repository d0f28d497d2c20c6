/* libFuzzer target for the pack source readers on a zip: detection (SCORM, KPL export),
 * unpacking under the one unpack budget (names, links, nesting, bombs), the KPL and SCORM
 * readers on what it holds, and the lesson model. Input: the bytes of a zip, written to
 * a private folder as input.zip (nested zips inside it are read as a pack would). */
#include <ftw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char root[] = "/tmp/panya-fuzz-XXXXXX";
    if (!mkdtemp(root))
        return 0;
    char input[64], staging[64], out[64];
    snprintf(input, sizeof input, "%s/input.zip", root);
    snprintf(staging, sizeof staging, "%s/staging", root);
    snprintf(out, sizeof out, "%s/out.panya", root);
    FILE *f = fopen(input, "wb");
    bool written = f && (size == 0 || fwrite(data, 1, size, f) == size);
    if (f && fclose(f) != 0)
        written = false;
    if (written && mkdir(staging, 0700) == 0) {
        panya_error err = {0};
        source_context ctx = {0};
        lesson_model *model = lesson_model_new("fuzz", "1");
        if (model && source_context_init(&ctx, input, out, staging, &err) == 0) {
            ctx.keep_going = size % 2 == 0;
            if (source_read(input, NULL, &ctx, model, &err) == 0)
                lesson_model_finish(model, &err);
            else
                source_describe_error(&ctx, &err);
        }
        source_context_free(&ctx);
        lesson_model_free(model);
    }
    nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}
