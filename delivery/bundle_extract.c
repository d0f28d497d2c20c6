#include "delivery/bundle_extract.h"

#include "delivery/bundle_open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens (creating as needed) the folder holding `path` below dest_fd, one component at a
 * time with O_NOFOLLOW, so a symbolic link planted in dest cannot redirect the write. */
static int open_parent(int dest_fd, const char *path, const char **leaf, panya_error *err)
{
    char *copy = strdup(path);
    if (!copy)
        return panya_error_oom(err);
    int fd = dup(dest_fd);
    char *component = copy, *slash;
    while (fd >= 0 && (slash = strchr(component, '/'))) {
        *slash = '\0';
        if (mkdirat(fd, component, 0755) != 0 && errno != EEXIST) {
            panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create folder", path);
            close(fd);
            fd = -1;
            break;
        }
        int next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0)
            panya_error_errno(err, PANYA_ERR_OUTPUT, errno,
                              "%s: cannot enter folder '%s' (a symbolic link or a file?)", path,
                              component);
        close(fd);
        fd = next;
        component = slash + 1;
    }
    *leaf = path + (component - copy);
    free(copy);
    return fd;
}

typedef struct file_sink {
    int fd;
    const char *path;
    panya_error *err;
} file_sink;

static panya_status write_to_file(void *ctx, const void *data, size_t len)
{
    file_sink *s = ctx;
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = write(s->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            panya_error_errno(s->err, PANYA_ERR_OUTPUT, errno, "%s: write failed", s->path);
            return PANYA_ERR_OUTPUT;
        }
        p += n;
        len -= (size_t)n;
    }
    return PANYA_OK;
}

static int extract_file(panya_bundle *b, int dest_fd, const char *path,
                        const panya_file_info *info, panya_error *err)
{
    const char *leaf;
    int dir = open_parent(dest_fd, path, &leaf, err);
    if (dir < 0)
        return -1;
    char temp[300];
    uint32_t random_tag = 0;
    getrandom(&random_tag, sizeof random_tag, 0);
    snprintf(temp, sizeof temp, ".panya-%08x.tmp", random_tag);
    int fd = openat(dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create", path);
        close(dir);
        return -1;
    }
    file_sink sink = {fd, path, err};
    panya_error_info info_err;
    int status = 0;
    panya_status read = panya_read_file_cb(b, info, write_to_file, &sink, &info_err);
    if (read != PANYA_OK && read != PANYA_ERR_OUTPUT) { /* output errors are set by the sink */
        bundle_error(err, &info_err, NULL);
        panya_error_prefix(err, "%s: ", path);
    }
    if (read != PANYA_OK)
        status = -1;
    if (close(fd) != 0 && status == 0)
        status = panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: write failed", path);
    if (status == 0 && renameat(dir, temp, dir, leaf) != 0)
        status = panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot rename into place",
                                   path);
    if (status != 0)
        unlinkat(dir, temp, 0);
    close(dir);
    return status;
}

static int record_failure(extract_result *result, const char *message)
{
    char **grown = realloc(result->failed, (result->failed_count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    result->failed = grown;
    if (!(grown[result->failed_count] = strdup(message)))
        return -1;
    result->failed_count++;
    return 0;
}

static int create_folder(int dest_fd, const char *path, panya_error *err)
{
    size_t len = strlen(path);
    char *with_slash = malloc(len + 3);
    if (!with_slash)
        return panya_error_oom(err);
    snprintf(with_slash, len + 3, "%s/x", path); /* open_parent creates every component */
    const char *leaf;
    int fd = open_parent(dest_fd, with_slash, &leaf, err);
    free(with_slash);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

/* What to extract: each file's chosen variant, from the binary tables or the manifest. */
typedef struct extract_plan {
    bundle_manifest *manifest; /* NULL when the binary tables serve */
    size_t file_count, folder_count;
} extract_plan;

static const char *plan_folder(const panya_bundle *b, const extract_plan *p, size_t i)
{
    return p->manifest ? p->manifest->folders[i] : panya_folder(b, i);
}

/* The variant of file i to write: `profile`, else "source", else the first. Returns 0 and sets
 * *path and *info, or -1 with err set (PANYA_ERR_INVALID: the object is missing). */
static int plan_file(const panya_bundle *b, const extract_plan *p, size_t i, const char *profile,
                     const char **path, panya_file_info *info, panya_error *err)
{
    if (p->manifest) {
        const manifest_file *file = &p->manifest->files[i];
        const manifest_variant *v = manifest_file_variant(file, profile);
        if (!v)
            v = manifest_file_variant(file, MANIFEST_PROFILE_SOURCE);
        if (!v)
            v = manifest_file_variant(file, NULL);
        *path = file->path;
        return bundle_variant_file(b, file->path, v, info, err);
    }
    size_t count = panya_file_variant_count(b, i), chosen = 0;
    const char *wanted[] = {profile, MANIFEST_PROFILE_SOURCE};
    for (size_t w = 0; w < 2 && chosen == 0; w++) {
        for (size_t v = 0; wanted[w] && v < count; v++) {
            panya_file_info candidate;
            if (panya_file_at(b, i, v, &candidate, NULL) == PANYA_OK &&
                strcmp(candidate.profile, wanted[w]) == 0) {
                chosen = v + 1;
                break;
            }
        }
    }
    panya_error_info info_err;
    if (panya_file_at(b, i, chosen ? chosen - 1 : 0, info, &info_err) != PANYA_OK)
        return bundle_error(err, &info_err, NULL);
    *path = info->path;
    return 0;
}

static int make_plan(panya_bundle *b, const char *display_name, extract_plan *p,
                     panya_error *err)
{
    panya_facts facts;
    panya_get_facts(b, &facts);
    memset(p, 0, sizeof *p);
    if (facts.has_catalogue) {
        p->file_count = (size_t)facts.file_count;
        p->folder_count = panya_folder_count(b);
        return 0;
    }
    if (!(p->manifest = bundle_load_manifest(b, display_name, err)))
        return -1;
    p->file_count = p->manifest->file_count;
    p->folder_count = p->manifest->folder_count;
    return 0;
}

int bundle_extract(panya_bundle *b, const char *display_name, const char *dest,
                   const char *profile, extract_result *result, panya_error *err)
{
    memset(result, 0, sizeof *result);
    extract_plan plan;
    if (make_plan(b, display_name, &plan, err) != 0)
        return -1;
    int dest_fd = -1;
    if (mkdir(dest, 0755) != 0 && errno != EEXIST)
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create folder", dest);
    else if ((dest_fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", dest);
    int status = dest_fd < 0 ? -1 : 0;
    for (size_t i = 0; i < plan.folder_count && status == 0; i++) {
        status = create_folder(dest_fd, plan_folder(b, &plan, i), err);
        result->folders_created += status == 0;
    }
    for (size_t i = 0; i < plan.file_count && status == 0; i++) {
        const char *path = "";
        panya_file_info info;
        panya_error file_err = {0};
        if (plan_file(b, &plan, i, profile, &path, &info, &file_err) == 0 &&
            extract_file(b, dest_fd, path, &info, &file_err) == 0) {
            result->files_written++;
            result->bytes_written += info.size;
            continue;
        }
        if (file_err.code != PANYA_ERR_INVALID) { /* output trouble stops everything */
            *err = file_err;
            status = -1;
            break;
        }
        if (record_failure(result, file_err.message) != 0)
            status = panya_error_oom(err);
    }
    if (dest_fd >= 0)
        close(dest_fd);
    bundle_manifest_free(plan.manifest);
    if (status == 0 && result->failed_count) {
        panya_error_set(err, PANYA_ERR_INVALID, "%zu of %zu files were damaged and not written",
                        result->failed_count, plan.file_count);
        status = -1;
    }
    return status;
}

void extract_result_free(extract_result *result)
{
    for (size_t i = 0; i < result->failed_count; i++)
        free(result->failed[i]);
    free(result->failed);
    memset(result, 0, sizeof *result);
}
