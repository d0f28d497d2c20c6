/* Plain folders of web content, packed as they are: every file at its own path, no courses. */
#include <stdbool.h>
#include <sys/stat.h>

#include "sources/source.h"

static bool folder_claims(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int folder_read(const char *path, const char *bundle_prefix, source_context *ctx,
                       lesson_model *model, panya_error *err)
{
    return source_add_folder_files(path, bundle_prefix, ctx, model, err);
}

const source_reader source_reader_folder = {
    .name = "folder",
    .claims = folder_claims,
    .read = folder_read,
};
