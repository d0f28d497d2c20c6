#include "sources/source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/archive_input.h"
#include "sources/source_folder.h"

static const source_reader *const readers[] = {
    &source_reader_scorm,
    &source_reader_kpl,
    &source_reader_folder,
    NULL,
};

int source_read(const char *path, const char *kind, source_context *ctx, lesson_model *model,
                panya_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    for (size_t i = 0; readers[i]; i++) {
        if (kind ? strcmp(kind, readers[i]->name) == 0 : readers[i]->claims(path))
            return readers[i]->read(path, "", ctx, model, err);
    }
    if (kind)
        return panya_error_set(err, PANYA_ERR_USAGE,
                               "unknown source kind '%s' (scorm, kpl or folder)", kind);
    return panya_error_set(err, PANYA_ERR_USAGE,
                           "%s: not a SCORM package, a KPL course export or a folder", path);
}

char *source_join(const char *prefix, const char *name)
{
    char *s = NULL;
    if (asprintf(&s, "%s%s%s", prefix, *prefix ? "/" : "", name) < 0)
        return NULL;
    return s;
}

char *source_staging_folder(source_context *ctx, panya_error *err)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%u", ctx->staging_dir, ctx->next_staging++) < 0) {
        panya_error_oom(err);
        return NULL;
    }
    if (mkdir(path, 0700) != 0) {
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create", path);
        free(path);
        return NULL;
    }
    return path;
}

/* Creates the folders leading to `relative` below dest. */
static int make_parents(const char *dest, const char *relative, panya_error *err)
{
    char *path = source_join(dest, relative);
    if (!path)
        return panya_error_oom(err);
    for (char *p = path + strlen(dest) + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create", path);
            free(path);
            return -1;
        }
        *p = '/';
    }
    free(path);
    return 0;
}

static int unzip_entry(archive_input *in, const char *zip_path, const char *dest,
                       const char *name, panya_error *err)
{
    if (make_parents(dest, name, err) != 0)
        return -1;
    char *path = source_join(dest, name);
    if (!path)
        return panya_error_oom(err);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot unpack '%s'", zip_path, name);
        free(path);
        return -1;
    }
    static __thread char buf[1 << 16];
    int status = 0;
    for (;;) {
        ssize_t n = archive_input_read(in, buf, sizeof buf, err);
        if (n < 0) {
            panya_error_prefix(err, "%s: ", zip_path);
            status = -1;
            break;
        }
        if (n == 0)
            break;
        if (write(fd, buf, (size_t)n) != n) {
            status = panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot unpack", path);
            break;
        }
    }
    close(fd);
    free(path);
    return status;
}

int source_unzip(const char *zip_path, const char *dest, panya_error *err)
{
    archive_input *in;
    if (archive_input_open(&in, zip_path, NULL, err) != 0)
        return -1;
    archive_input_entry entry;
    int rc, status = 0;
    while (status == 0 && (rc = archive_input_next(in, &entry, err)) == 1) {
        if (entry.problems & ARCHIVE_INPUT_UNSAFE_PATH)
            status = panya_error_set(err, PANYA_ERR_INVALID,
                                     "%s: entry '%s' would be written outside the package",
                                     zip_path, entry.name);
        else if (entry.kind == ARCHIVE_INPUT_LINK)
            status = panya_error_set(err, PANYA_ERR_INVALID,
                                     "%s: entry '%s' is a link (links are not unpacked)",
                                     zip_path, entry.name);
        else if (entry.kind == ARCHIVE_INPUT_DIRECTORY)
            status = make_parents(dest, entry.name, err) ? -1 : 0;
        else if (entry.kind == ARCHIVE_INPUT_FILE)
            status = unzip_entry(in, zip_path, dest, entry.name, err);
    }
    if (status == 0 && rc < 0) {
        panya_error_prefix(err, "%s: ", zip_path);
        status = -1;
    }
    archive_input_close(in);
    return status;
}

int source_zip_roots(const char *zip_path, bool *has_manifest, bool *has_index,
                     bool *all_in_folders, panya_error *err)
{
    *has_manifest = *has_index = false;
    bool in_folders = true, any = false;
    archive_input *in;
    if (archive_input_open(&in, zip_path, NULL, err) != 0)
        return -1;
    archive_input_entry entry;
    int rc;
    while ((rc = archive_input_next(in, &entry, err)) == 1) {
        if (entry.kind != ARCHIVE_INPUT_FILE)
            continue;
        any = true;
        in_folders = in_folders && strchr(entry.name, '/') != NULL;
        if (strcmp(entry.name, "imsmanifest.xml") == 0)
            *has_manifest = true;
        else if (strcmp(entry.name, "index.html") == 0 || strcmp(entry.name, "index.htm") == 0)
            *has_index = true;
    }
    archive_input_close(in);
    if (all_in_folders)
        *all_in_folders = any && in_folders;
    if (rc < 0)
        panya_error_prefix(err, "%s: ", zip_path);
    return rc < 0 ? -1 : 0;
}

int source_add_folder_files(const char *folder, const char *bundle_prefix,
                            const source_context *ctx, lesson_model *model, panya_error *err)
{
    folder_listing listing;
    if (folder_list(folder, ctx->skip_dev, ctx->skip_ino, &listing, err) != 0)
        return -1;
    int status = 0;
    for (size_t i = 0; i < listing.file_count && status == 0; i++) {
        char *bundle_path = source_join(bundle_prefix, listing.files[i].relative_path);
        status = bundle_path ? lesson_model_add_file(model, bundle_path,
                                                     listing.files[i].disk_path, err)
                             : panya_error_oom(err);
        free(bundle_path);
    }
    for (size_t i = 0; i < listing.folder_count && status == 0; i++) {
        char *bundle_path = source_join(bundle_prefix, listing.empty_folders[i]);
        status = bundle_path ? lesson_model_add_folder(model, bundle_path, err)
                             : panya_error_oom(err);
        free(bundle_path);
    }
    for (size_t i = 0; i < listing.warning_count && status == 0; i++)
        if (lesson_model_warn(model, "%s/%s", folder, listing.warnings[i]) != 0)
            status = panya_error_oom(err);
    folder_listing_free(&listing);
    return status;
}

int source_add_title(manifest_titles *titles, const char *text)
{
    /* Lao letters are U+0E80–U+0EFF: UTF-8 E0 BA 80 – E0 BB BF. */
    const char *lang = "en";
    for (const unsigned char *p = (const unsigned char *)text; p[0] && p[1]; p++)
        if (p[0] == 0xE0 && (p[1] == 0xBA || p[1] == 0xBB))
            lang = "lo";
    return manifest_titles_add(titles, lang, text);
}

char *source_package_name(const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    const char *start = path + len;
    while (start > path && start[-1] != '/')
        start--;
    size_t n = (size_t)(path + len - start);
    if (n > 4 && strncasecmp(start + n - 4, ".zip", 4) == 0)
        n -= 4;
    return strndup(start, n);
}
