/* Plain folders of web content, packed as they are: every file at its own path, no courses;
 * and the listing every reader uses to add a folder's files (a SCORM folder, an unpacked
 * HTML lesson). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sources/source.h"

typedef struct add_state {
    source_context *ctx;
    lesson_model *model;
    const char *bundle_prefix;
} add_state;

static int warn_shown(add_state *a, const char *path, const char *fmt_tail, panya_error *err)
{
    char *shown = source_display_path(a->ctx, path);
    int status = !shown || lesson_model_warn(a->model, "%s%s", shown, fmt_tail)
                     ? panya_error_oom(err)
                     : 0;
    free(shown);
    return status;
}

static int add_entry(void *ctx, const folder_entry *e, const char *relative, panya_error *err)
{
    add_state *a = ctx;
    size_t folder_len = strlen(e->disk_path) - strlen(e->name);
    char *folder = strndup(e->disk_path, folder_len ? folder_len - 1 : 0);
    if (!folder)
        return panya_error_oom(err);
    const char *why = source_left_out(a->ctx, folder, e);
    free(folder);
    if (why) {
        char *tail = NULL;
        int status = asprintf(&tail, ": ignored (%s)", why) < 0
                         ? panya_error_oom(err)
                         : warn_shown(a, e->disk_path, tail, err);
        free(tail);
        return status < 0 ? -1 : 1;
    }
    if (e->kind != FOLDER_ENTRY_FILE)
        return 0;
    char *bundle_path = source_join(a->bundle_prefix, relative);
    int status = bundle_path ? lesson_model_add_file(a->model, bundle_path, e->disk_path, err)
                             : panya_error_oom(err);
    free(bundle_path);
    return status;
}

/* A folder with nothing packable below it is recreated as an empty folder. */
static int leave_folder(void *ctx, const char *relative, size_t files_taken, panya_error *err)
{
    add_state *a = ctx;
    if (files_taken)
        return 0;
    char *bundle_path = source_join(a->bundle_prefix, relative);
    int status = bundle_path ? lesson_model_add_folder(a->model, bundle_path, err)
                             : panya_error_oom(err);
    free(bundle_path);
    return status;
}

static int note(void *ctx, const char *line, panya_error *err)
{
    add_state *a = ctx;
    return warn_shown(a, line, "", err);
}

int source_add_folder_files(source_context *ctx, const char *folder, const char *bundle_prefix,
                            lesson_model *model, panya_error *err)
{
    static const folder_visitor visitor = {add_entry, leave_folder, note};
    add_state a = {ctx, model, bundle_prefix};
    int status = folder_walk(source_root_for(ctx, folder), folder, &visitor, &a, err);
    if (status != 0)
        source_describe_error(ctx, err);
    return status;
}

static int folder_detect(const char *path, source_context *ctx, char *why, size_t why_size,
                         panya_error *err)
{
    (void)ctx, (void)err;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    /* The KPL reader, asked first, left the reason it did not take the folder here. */
    char kpl_said[SOURCE_REASON_SIZE];
    snprintf(kpl_said, sizeof kpl_said, "%s", why);
    snprintf(why, why_size, "a folder that is not a KPL course export%s%s",
             *kpl_said ? ": " : "", kpl_said);
    return 1;
}

static int plain_folder_read(const char *path, const char *bundle_prefix, source_context *ctx,
                       lesson_model *model, panya_error *err)
{
    return source_add_folder_files(ctx, path, bundle_prefix, model, err);
}

const source_reader source_reader_folder = {
    .name = "folder",
    .detect = folder_detect,
    .read = plain_folder_read,
};
