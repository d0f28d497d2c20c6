#include "delivery/bundle_extract.h"

#include "delivery/bundle_open.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "delivery/bundle_verify.h"

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

static int extract_file(panya_bundle *b, const char *dest, int dest_fd, const char *path,
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
    /* Removed on Ctrl-C / SIGTERM like every other panya temporary. */
    char *temp_path = NULL;
    if (asprintf(&temp_path, "%s/%.*s%s", dest, (int)(leaf - path), path, temp) > 0)
        panya_cleanup_add(temp_path);
    else
        temp_path = NULL;
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
    if (temp_path)
        panya_cleanup_remove(temp_path);
    free(temp_path);
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

/* Refuses to start when the folder's filesystem reports less free space than the files
 * take (exact sizes, in whole blocks); unknown free space lets the writes decide. */
static int check_free_space(const char *dest, const uint64_t *sizes, size_t count,
                            size_t folders, panya_error *err)
{
    struct statvfs fs;
    if (statvfs(dest, &fs) != 0 || fs.f_blocks == 0)
        return 0;
    uint64_t block = fs.f_frsize ? fs.f_frsize : fs.f_bsize ? fs.f_bsize : 4096;
    uint64_t available = fs.f_bavail * block, needed = (uint64_t)folders * block;
    for (size_t i = 0; i < count; i++) {
        uint64_t blocks = sizes[i] / block + (sizes[i] % block != 0);
        /* Saturating: sizes come from the bundle, which may be hostile. */
        needed = blocks > (UINT64_MAX - needed) / block ? UINT64_MAX : needed + blocks * block;
    }
    if (needed > available)
        return panya_error_set(err, PANYA_ERR_OUTPUT,
                               "%s: not enough free space: the files need %llu bytes but the "
                               "disk has %llu free; nothing was written", dest,
                               (unsigned long long)needed, (unsigned long long)available);
    return 0;
}

static const char *const *sort_paths; /* for qsort, under one call only */

static int compare_ignoring_case(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcasecmp(sort_paths[i], sort_paths[j]);
    return c ? c : (i > j) - (i < j);
}

/* Marks the files whose paths equal another's when case is ignored. 0, or -1 (OOM). */
static int mark_case_groups(const char *const *paths, size_t count, bool *in_group)
{
    if (count < 2)
        return 0;
    size_t *order = malloc(count * sizeof *order);
    if (!order)
        return -1;
    for (size_t i = 0; i < count; i++)
        order[i] = i;
    sort_paths = paths;
    qsort(order, count, sizeof *order, compare_ignoring_case);
    for (size_t k = 0; k + 1 < count; k++)
        if (paths[order[k]] && paths[order[k + 1]] &&
            strcasecmp(paths[order[k]], paths[order[k + 1]]) == 0)
            in_group[order[k]] = in_group[order[k + 1]] = true;
    free(order);
    return 0;
}

/* True when the folder holding `path` (below dest_fd) lists exactly its file name: on a
 * disk that ignores case, a later same-named file took the name over ("1 lesson.pdf"
 * renamed over "1 Lesson.pdf" leaves only the later spelling). */
static bool name_listed(int dest_fd, const char *path)
{
    const char *slash = strrchr(path, '/');
    char *folder = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
    const char *leaf = slash ? slash + 1 : path;
    int fd = folder ? openat(dest_fd, folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    : -1;
    free(folder);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    bool found = false;
    struct dirent *entry;
    while (!found && (entry = readdir(dir)))
        found = strcmp(entry->d_name, leaf) == 0;
    closedir(dir);
    return found;
}

/* After extraction: every written file of a case group must still be listed under its own
 * name, or the disk kept only one of them. */
static int check_case_groups(int dest_fd, const char *dest, const char *const *paths,
                             size_t count, const bool *in_group, const bool *written,
                             panya_error *err)
{
    for (size_t i = 0; i < count; i++) {
        if (!in_group[i] || !written[i] || name_listed(dest_fd, paths[i]))
            continue;
        const char *other = "another file";
        for (size_t j = 0; j < count; j++)
            if (j != i && in_group[j] && strcasecmp(paths[j], paths[i]) == 0)
                other = paths[j];
        return panya_error_set(err, PANYA_ERR_OUTPUT,
                               "%s: '%s' and '%s' are one name on this disk (it ignores case, "
                               "as FAT and exFAT do): only one of them was kept", dest,
                               paths[i], other);
    }
    return 0;
}

int bundle_extract(panya_bundle *b, const char *display_name, const char *dest,
                   const char *profile, extract_result *result, panya_error *err)
{
    memset(result, 0, sizeof *result);
    extract_plan plan;
    /* The footer's structure as `verify` checks it, before anything is written. */
    if (bundle_signature_intact(b, display_name, err) != 0 ||
        make_plan(b, display_name, &plan, err) != 0)
        return -1;
    size_t n = plan.file_count;
    const char **paths = calloc(n + 1, sizeof *paths);
    uint64_t *sizes = calloc(n + 1, sizeof *sizes);
    bool *in_group = calloc(n + 1, sizeof *in_group), *written = calloc(n + 1, sizeof *written);
    if (!paths || !sizes || !in_group || !written) {
        free(paths);
        free(sizes);
        free(in_group);
        free(written);
        bundle_manifest_free(plan.manifest);
        return panya_error_oom(err);
    }
    for (size_t i = 0; i < n; i++) {
        panya_file_info info;
        panya_error ignored = {0}; /* a missing object is reported when it is extracted */
        if (plan_file(b, &plan, i, profile, &paths[i], &info, &ignored) == 0)
            sizes[i] = info.size;
        else
            paths[i] = NULL;
    }
    int dest_fd = -1;
    if (mark_case_groups(paths, n, in_group) != 0)
        panya_error_oom(err);
    else if (mkdir(dest, 0755) != 0 && errno != EEXIST)
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create folder", dest);
    else if ((dest_fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", dest);
    int status = dest_fd < 0 ? -1 : check_free_space(dest, sizes, n, plan.folder_count, err);
    for (size_t i = 0; i < plan.folder_count && status == 0; i++) {
        status = create_folder(dest_fd, plan_folder(b, &plan, i), err);
        result->folders_created += status == 0;
    }
    for (size_t i = 0; i < plan.file_count && status == 0; i++) {
        const char *path = "";
        panya_file_info info;
        panya_error file_err = {0};
        if (plan_file(b, &plan, i, profile, &path, &info, &file_err) == 0 &&
            extract_file(b, dest, dest_fd, path, &info, &file_err) == 0) {
            result->files_written++;
            result->bytes_written += info.size;
            written[i] = paths[i] != NULL;
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
    if (status == 0)
        status = check_case_groups(dest_fd, dest, paths, n, in_group, written, err);
    if (dest_fd >= 0)
        close(dest_fd);
    free(paths);
    free(sizes);
    free(in_group);
    free(written);
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
