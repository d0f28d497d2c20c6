#include "delivery/bundle_extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int extract_file(bundle_reader *r, int dest_fd, const manifest_file *file,
                        const manifest_variant *v, panya_error *err)
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

int bundle_extract(bundle_reader *r, const bundle_manifest *m, const char *dest,
                   const char *profile, extract_result *result, panya_error *err)
{
    memset(result, 0, sizeof *result);
    if (mkdir(dest, 0755) != 0 && errno != EEXIST)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create folder", dest);
    int dest_fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dest_fd < 0)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", dest);
    int status = 0;
    for (size_t i = 0; i < m->folder_count && status == 0; i++) {
        status = create_folder(dest_fd, m->folders[i], err);
        result->folders_created += status == 0;
    }
    for (size_t i = 0; i < m->file_count && status == 0; i++) {
        const manifest_file *file = &m->files[i];
        const manifest_variant *v = manifest_file_variant(file, profile);
        if (!v)
            v = manifest_file_variant(file, MANIFEST_PROFILE_SOURCE);
        if (!v)
            v = manifest_file_variant(file, NULL);
        panya_error file_err = {0};
        if (extract_file(r, dest_fd, file, v, &file_err) == 0) {
            result->files_written++;
            result->bytes_written += v->size;
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
