#include "delivery/bundle_extract.h"

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

bundle_manifest *bundle_load_manifest(bundle_reader *r, const char *display_name,
                                      panya_error *err)
{
    uint8_t *xml;
    size_t len;
    if (bundle_reader_read_manifest(r, &xml, &len, err) != 0)
        return NULL;
    char name[1100];
    snprintf(name, sizeof name, "%s (manifest)", display_name);
    bundle_manifest *m = bundle_manifest_read_xml(xml, len, name, err);
    free(xml);
    return m;
}

const bundle_index_entry *bundle_variant_entry(bundle_reader *r, const char *path,
                                               const manifest_variant *variant,
                                               panya_error *err)
{
    const bundle_index_entry *e = bundle_reader_find(r, variant->hash);
    if (!e) {
        panya_error_set(err, PANYA_ERR_INVALID, "%s: its object is missing from the index",
                        path);
        return NULL;
    }
    if (e->size != variant->size) {
        panya_error_set(err, PANYA_ERR_INVALID,
                        "%s: the index and the manifest disagree on its size", path);
        return NULL;
    }
    return e;
}

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
} file_sink;

static int write_to_file(void *ctx, const void *data, size_t len, panya_error *err)
{
    file_sink *s = ctx;
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = write(s->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: write failed", s->path);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int extract_file(bundle_reader *r, const char *dest, int dest_fd,
                        const manifest_file *file, const manifest_variant *v, panya_error *err)
{
    const bundle_index_entry *e = bundle_variant_entry(r, file->path, v, err);
    if (!e)
        return -1;
    const char *leaf;
    int dir = open_parent(dest_fd, file->path, &leaf, err);
    if (dir < 0)
        return -1;
    char temp[300];
    uint32_t random_tag = 0;
    getrandom(&random_tag, sizeof random_tag, 0);
    snprintf(temp, sizeof temp, ".panya-%08x.tmp", random_tag);
    int fd = openat(dir, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create", file->path);
        close(dir);
        return -1;
    }
    /* Removed on Ctrl-C / SIGTERM like every other panya temporary. */
    char *temp_path = NULL;
    if (asprintf(&temp_path, "%s/%.*s%s", dest, (int)(leaf - file->path), file->path, temp) > 0)
        panya_cleanup_add(temp_path);
    else
        temp_path = NULL;
    file_sink sink = {fd, file->path};
    int status = bundle_reader_read_object(r, e, write_to_file, &sink, err);
    if (status != 0)
        panya_error_prefix(err, "%s: ", file->path);
    if (close(fd) != 0 && status == 0)
        status = panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: write failed", file->path);
    if (status == 0 && renameat(dir, temp, dir, leaf) != 0)
        status = panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot rename into place",
                                   file->path);
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

/* The variant extract writes for a file. */
static const manifest_variant *chosen_variant(const manifest_file *file, const char *profile)
{
    const manifest_variant *v = manifest_file_variant(file, profile);
    if (!v)
        v = manifest_file_variant(file, MANIFEST_PROFILE_SOURCE);
    if (!v)
        v = manifest_file_variant(file, NULL);
    return v;
}

/* The footer's structure, as `verify` checks it, before anything is written. */
static int check_structure(bundle_reader *r, panya_error *err)
{
    if (!bundle_reader_tables_intact(r))
        return panya_error_set(err, PANYA_ERR_INVALID, "the bundle's index or dictionary "
                               "table is damaged (see 'panya verify'); nothing was written");
    uint8_t *block = NULL;
    size_t len;
    int status = bundle_reader_read_signature(r, &block, &len, err);
    free(block);
    return status;
}

/* Refuses to start when the folder's filesystem reports less free space than the files
 * take (exact sizes from the manifest, in whole blocks); unknown free space lets writes
 * decide. */
static int check_free_space(const char *dest, const bundle_manifest *m, const char *profile,
                            panya_error *err)
{
    struct statvfs fs;
    if (statvfs(dest, &fs) != 0 || fs.f_blocks == 0)
        return 0;
    uint64_t block = fs.f_frsize ? fs.f_frsize : fs.f_bsize ? fs.f_bsize : 4096;
    uint64_t needed = (uint64_t)m->folder_count * block, available = fs.f_bavail * block;
    for (size_t i = 0; i < m->file_count; i++) {
        const manifest_variant *v = chosen_variant(&m->files[i], profile);
        uint64_t blocks = v ? (v->size + block - 1) / block : 0;
        needed += blocks > UINT64_MAX / block - needed / block ? UINT64_MAX - needed
                                                               : blocks * block;
    }
    if (needed > available)
        return panya_error_set(err, PANYA_ERR_OUTPUT,
                               "%s: not enough free space: the files need %llu bytes but the "
                               "disk has %llu free; nothing was written", dest,
                               (unsigned long long)needed, (unsigned long long)available);
    return 0;
}

static const bundle_manifest *sort_manifest; /* for qsort, under one call only */

static int compare_files_ignoring_case(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcasecmp(sort_manifest->files[i].path, sort_manifest->files[j].path);
    return c ? c : (i > j) - (i < j);
}

/* Marks the files whose paths are equal to another's when case is ignored. Returns the
 * number marked, or -1 (OOM). */
static long mark_case_groups(const bundle_manifest *m, bool *in_group)
{
    if (m->file_count < 2)
        return 0;
    size_t *order = malloc(m->file_count * sizeof *order);
    if (!order)
        return -1;
    for (size_t i = 0; i < m->file_count; i++)
        order[i] = i;
    sort_manifest = m;
    qsort(order, m->file_count, sizeof *order, compare_files_ignoring_case);
    long marked = 0;
    for (size_t k = 0; k + 1 < m->file_count; k++)
        if (strcasecmp(m->files[order[k]].path, m->files[order[k + 1]].path) == 0) {
            marked += !in_group[order[k]] + !in_group[order[k + 1]];
            in_group[order[k]] = in_group[order[k + 1]] = true;
        }
    free(order);
    return marked;
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
 * name. */
static int check_case_groups(int dest_fd, const char *dest, const bundle_manifest *m,
                             const bool *in_group, const bool *written, panya_error *err)
{
    for (size_t i = 0; i < m->file_count; i++) {
        if (!in_group[i] || !written[i] || name_listed(dest_fd, m->files[i].path))
            continue;
        const char *other = "another file";
        for (size_t j = 0; j < m->file_count; j++)
            if (j != i && in_group[j] && strcasecmp(m->files[j].path, m->files[i].path) == 0)
                other = m->files[j].path;
        return panya_error_set(err, PANYA_ERR_OUTPUT,
                               "%s: '%s' and '%s' are one name on this disk (it ignores case, "
                               "as FAT and exFAT do): only one of them was kept", dest,
                               m->files[i].path, other);
    }
    return 0;
}

int bundle_extract(bundle_reader *r, const bundle_manifest *m, const char *dest,
                   const char *profile, extract_result *result, panya_error *err)
{
    memset(result, 0, sizeof *result);
    if (check_structure(r, err) != 0)
        return -1;
    if (mkdir(dest, 0755) != 0 && errno != EEXIST)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create folder", dest);
    int dest_fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dest_fd < 0)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", dest);
    bool *in_group = calloc(m->file_count + 1, sizeof *in_group);
    bool *written = calloc(m->file_count + 1, sizeof *written);
    if (!in_group || !written || mark_case_groups(m, in_group) < 0) {
        free(in_group);
        free(written);
        close(dest_fd);
        return panya_error_oom(err);
    }
    int status = check_free_space(dest, m, profile, err);
    for (size_t i = 0; i < m->folder_count && status == 0; i++) {
        status = create_folder(dest_fd, m->folders[i], err);
        result->folders_created += status == 0;
    }
    for (size_t i = 0; i < m->file_count && status == 0; i++) {
        const manifest_file *file = &m->files[i];
        const manifest_variant *v = chosen_variant(file, profile);
        panya_error file_err = {0};
        if (extract_file(r, dest, dest_fd, file, v, &file_err) == 0) {
            result->files_written++;
            result->bytes_written += v->size;
            written[i] = true;
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
        status = check_case_groups(dest_fd, dest, m, in_group, written, err);
    free(in_group);
    free(written);
    close(dest_fd);
    if (status == 0 && result->failed_count) {
        panya_error_set(err, PANYA_ERR_INVALID, "%zu of %zu files were damaged and not written",
                        result->failed_count, m->file_count);
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
