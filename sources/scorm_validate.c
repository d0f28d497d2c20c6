#include "sources/scorm_validate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "manifest/scorm_check.h"

#define MANIFEST "imsmanifest.xml"
#define DEFAULT_MAX_MANIFEST (16u << 20)
#define MAX_FOLDER_DEPTH 64

typedef struct package {
    scorm_files files;
    char *manifest;
    size_t manifest_length;
    bool manifest_too_large;
} package;

static size_t manifest_limit(const scorm_validate_options *options)
{
    return options && options->max_manifest_bytes ? options->max_manifest_bytes
                                                  : DEFAULT_MAX_MANIFEST;
}

/* ---- zip ---------------------------------------------------------------------------------- */

static int read_zip_manifest(archive_input *in, package *pkg, size_t limit, panya_error *err)
{
    size_t capacity = 64 * 1024;
    char *buffer = malloc(capacity);
    if (!buffer)
        return panya_error_oom(err);
    size_t used = 0;
    for (;;) {
        if (used == capacity) {
            if (capacity > limit) {
                pkg->manifest_too_large = true;
                free(buffer);
                return 0;
            }
            char *grown = realloc(buffer, capacity * 2);
            if (!grown) {
                free(buffer);
                return panya_error_oom(err);
            }
            buffer = grown;
            capacity *= 2;
        }
        ssize_t got = archive_input_read(in, buffer + used, capacity - used, err);
        if (got < 0) {
            free(buffer);
            return -1;
        }
        if (got == 0)
            break;
        used += (size_t)got;
    }
    if (used > limit) {
        pkg->manifest_too_large = true;
        free(buffer);
        return 0;
    }
    pkg->manifest = buffer;
    pkg->manifest_length = used;
    return 0;
}

/* message without a leading "path: " (or "path/" before a file inside it): findings are
 * printed under the package's name. */
static const char *without_path(const char *message, const char *path)
{
    size_t len = strlen(path);
    if (strncmp(message, path, len) != 0)
        return message;
    if (message[len] == ':' && message[len + 1] == ' ')
        return message + len + 2;
    if (message[len] == '/' && path[0])
        return message + len + 1;
    return message;
}

/* How far a package that is not a zip is looked into: skipping a tar entry means inflating
 * it, so a hostile .tar.gz could otherwise make this loop run for hours. */
#define SNIFF_ENTRIES_MAX 2000
#define SNIFF_BYTES_MAX (256u << 20)

/* A gzip'd (or plain) tar, as Moodle writes .mbz backups: whether it holds another format's
 * marker file, which then becomes the not-scorm finding. */
static bool sniff_other_archive(const char *path, scorm_report *report)
{
    struct archive *a = archive_read_new();
    if (!a)
        return false;
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    bool found = false;
    if (archive_read_open_filename(a, path, 64 * 1024) == ARCHIVE_OK) {
        struct archive_entry *entry;
        for (int i = 0; !found && i < SNIFF_ENTRIES_MAX &&
                        archive_read_next_header(a, &entry) == ARCHIVE_OK;
             i++) {
            const char *name = archive_entry_pathname(entry);
            if (name && !strchr(name, '/'))
                found = scorm_check_other_format_marker(name, report);
            /* Stop before a skip that would inflate too much. */
            if ((uint64_t)archive_filter_bytes(a, 0) + (uint64_t)archive_entry_size(entry) >
                SNIFF_BYTES_MAX)
                break;
        }
    }
    archive_read_free(a);
    return found;
}

/* Returns 0 when the archive was read (findings may say it is damaged), -1 on I/O or OOM. */
static int load_zip(const char *path, const scorm_validate_options *options, package *pkg,
                    scorm_report *report, panya_error *err)
{
    archive_input *in = NULL;
    panya_error open_err = {0};
    if (archive_input_open(&in, path, options ? options->limits : NULL, &open_err) != 0) {
        if (open_err.code != PANYA_ERR_INVALID) {
            *err = open_err;
            return -1;
        }
        if (!sniff_other_archive(path, report))
            scorm_report_add(report, SCORM_RULE_ARCHIVE_UNREADABLE, "", 0, 0,
                             "%s", without_path(open_err.message, path));
        return 0;
    }
    int status = 0;
    archive_input_entry entry;
    panya_error read_err = {0};
    int r;
    while ((r = archive_input_next(in, &entry, &read_err)) == 1) {
        if (entry.problems & ARCHIVE_INPUT_UNSAFE_PATH) {
            scorm_report_add(report, SCORM_RULE_ENTRY_UNSAFE_PATH, entry.name, 0, 0,
                             "zip entry '%s' is an absolute path or climbs out of the package "
                             "with '..'; an unzip could write it anywhere on the phone",
                             entry.name);
            continue;
        }
        if (entry.kind == ARCHIVE_INPUT_LINK || entry.kind == ARCHIVE_INPUT_OTHER) {
            scorm_report_add(report, SCORM_RULE_ENTRY_LINK, entry.name, 0, 0,
                             "zip entry '%s' is a %s, not a regular file; replace it with the "
                             "file itself",
                             entry.name,
                             entry.kind == ARCHIVE_INPUT_LINK ? "link" : "special file");
            continue;
        }
        if (entry.problems & ARCHIVE_INPUT_NOT_UTF8)
            scorm_report_add(report, SCORM_RULE_ENTRY_NAME_ENCODING, entry.name, 0, 0,
                             "zip entry name '%s' is not UTF-8 (a legacy code page?); re-create "
                             "the zip with a tool that writes UTF-8 names",
                             entry.name);
        if (entry.kind == ARCHIVE_INPUT_DIRECTORY)
            continue;
        if (scorm_files_add(&pkg->files, entry.name) != 0) {
            status = panya_error_oom(err);
            break;
        }
        if (strcmp(entry.name, MANIFEST) == 0 && !pkg->manifest && !pkg->manifest_too_large &&
            read_zip_manifest(in, pkg, manifest_limit(options), &read_err) != 0) {
            r = -1;
            break;
        }
    }
    if (status == 0 && r < 0) {
        if (read_err.code == PANYA_ERR_INTERNAL || read_err.code == PANYA_ERR_NOMEM) {
            *err = read_err;
            status = -1;
        } else {
            scorm_report_add(report,
                             archive_input_limit_hit(in) ? SCORM_RULE_ARCHIVE_LIMITS
                                                         : SCORM_RULE_ARCHIVE_UNREADABLE,
                             "", 0, 0, "%s", without_path(read_err.message, path));
        }
    }
    archive_input_close(in);
    return status;
}

/* ---- folder ------------------------------------------------------------------------------- */

typedef struct folder_walk {
    const char *root;
    package *pkg;
    scorm_report *report;
    const scorm_validate_options *options;
} folder_walk;

static int read_folder_manifest(folder_walk *walk, const char *full, panya_error *err)
{
    int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", full);
    struct stat st;
    size_t limit = manifest_limit(walk->options);
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size > limit) {
        walk->pkg->manifest_too_large = true;
        close(fd);
        return 0;
    }
    char *buffer = malloc((size_t)st.st_size + 1);
    if (!buffer) {
        close(fd);
        return panya_error_oom(err);
    }
    size_t used = 0;
    while (used < (size_t)st.st_size) {
        ssize_t got = read(fd, buffer + used, (size_t)st.st_size - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            int saved = errno;
            free(buffer);
            close(fd);
            return panya_error_errno(err, PANYA_ERR_USAGE, got < 0 ? saved : EIO, "%s", full);
        }
        used += (size_t)got;
    }
    close(fd);
    walk->pkg->manifest = buffer;
    walk->pkg->manifest_length = used;
    return 0;
}

static int walk_folder(folder_walk *walk, const char *relative, int depth, panya_error *err)
{
    char *folder = NULL;
    if (asprintf(&folder, "%s%s%s", walk->root, relative[0] ? "/" : "", relative) < 0)
        return panya_error_oom(err);
    DIR *dir = opendir(folder);
    if (!dir) {
        int saved = errno;
        free(folder);
        return panya_error_errno(err, PANYA_ERR_USAGE, saved, "%s%s%s", walk->root,
                                 relative[0] ? "/" : "", relative);
    }
    int status = 0;
    struct dirent *d;
    while (status == 0 && (d = readdir(dir))) {
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
            continue;
        char *path = NULL, *full = NULL;
        if (asprintf(&path, "%s%s%s", relative, relative[0] ? "/" : "", d->d_name) < 0 ||
            asprintf(&full, "%s/%s", folder, d->d_name) < 0) {
            free(path);
            status = panya_error_oom(err);
            break;
        }
        struct stat st;
        if (lstat(full, &st) != 0) {
            status = panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", full);
        } else if (S_ISLNK(st.st_mode)) {
            scorm_report_add(walk->report, SCORM_RULE_ENTRY_LINK, path, 0, 0,
                             "'%s' is a symbolic link; links may point outside the package, "
                             "so replace it with the file itself",
                             path);
        } else if (S_ISDIR(st.st_mode)) {
            if (depth >= MAX_FOLDER_DEPTH)
                scorm_report_add(walk->report, SCORM_RULE_ARCHIVE_LIMITS, path, 0, 0,
                                 "folders nest more than %d deep; not read further",
                                 MAX_FOLDER_DEPTH);
            else
                status = walk_folder(walk, path, depth + 1, err);
        } else if (S_ISREG(st.st_mode)) {
            if (scorm_files_add(&walk->pkg->files, path) != 0)
                status = panya_error_oom(err);
            else if (strcmp(path, MANIFEST) == 0)
                status = read_folder_manifest(walk, full, err);
        } else {
            scorm_report_add(walk->report, SCORM_RULE_ENTRY_LINK, path, 0, 0,
                             "'%s' is a special file (device, fifo or socket), not content",
                             path);
        }
        free(path);
        free(full);
    }
    closedir(dir);
    free(folder);
    return status;
}

/* A path that cannot be read is a finding of its own, so a run over many packages reports it
 * and goes on; the message drops the path when it starts with it (the report names it). */
static void report_unreadable(const char *path, panya_error *err, scorm_report *report)
{
    const char *message = without_path(err->message, path);
    report->last_stage = SCORM_STAGE_ARCHIVE;
    scorm_report_add(report, SCORM_RULE_PACKAGE_UNREADABLE, "", 0, 0, "cannot read it: %s",
                     message);
    panya_error_clear(err);
}

int scorm_validate_package(const char *path, const scorm_validate_options *options,
                           scorm_report *report, panya_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
        report_unreadable(path, err, report);
        return report->out_of_memory ? panya_error_oom(err) : 0;
    }
    package pkg = {0};
    scorm_files_init(&pkg.files);
    report->last_stage = SCORM_STAGE_ARCHIVE;
    int status;
    if (S_ISDIR(st.st_mode)) {
        folder_walk walk = {.root = path, .pkg = &pkg, .report = report, .options = options};
        status = walk_folder(&walk, "", 0, err);
    } else {
        status = load_zip(path, options, &pkg, report, err);
    }
    if (status != 0 && err->code != PANYA_ERR_NOMEM && err->code != PANYA_ERR_INTERNAL) {
        report_unreadable(path, err, report);
        status = 1; /* reported; no further stage runs */
    }
    bool archive_failed = status != 0;
    for (size_t i = 0; i < report->count; i++)
        archive_failed |= report->findings[i].rule == SCORM_RULE_ARCHIVE_UNREADABLE ||
                          report->findings[i].rule == SCORM_RULE_ARCHIVE_LIMITS ||
                          report->findings[i].rule == SCORM_RULE_NOT_SCORM;
    if (status == 1)
        status = 0;
    if (status == 0 && scorm_files_finish(&pkg.files) != 0)
        status = panya_error_oom(err);
    if (status == 0 && !archive_failed) {
        if (pkg.manifest_too_large) {
            report->last_stage = SCORM_STAGE_MANIFEST_PRESENT;
            scorm_report_add(report, SCORM_RULE_MANIFEST_TOO_LARGE, MANIFEST, 0, 0,
                             "imsmanifest.xml is larger than %zu bytes; not parsed",
                             manifest_limit(options));
        } else {
            scorm_check_options check = {
                .schemas = options ? options->schemas : NULL,
                .schema_note = options ? options->schema_note : NULL,
            };
            status = scorm_check_manifest(&pkg.files, pkg.manifest, pkg.manifest_length, &check,
                                          report, err);
        }
    }
    if (status == 0 && report->out_of_memory)
        status = panya_error_oom(err);
    if (status != 0 && strncmp(err->message, path, strlen(path)) != 0)
        panya_error_prefix(err, "%s: ", path);
    scorm_report_sort(report);
    free(pkg.manifest);
    scorm_files_free(&pkg.files);
    return status;
}

/* ---- discovery ---------------------------------------------------------------------------- */

static int find_in(const char *dir, scorm_files *list, int depth, panya_error *err)
{
    char *manifest = NULL;
    if (asprintf(&manifest, "%s/" MANIFEST, dir) < 0)
        return panya_error_oom(err);
    struct stat st;
    bool is_package = lstat(manifest, &st) == 0;
    free(manifest);
    if (is_package) {
        return scorm_files_add(list, dir) == 0 ? 0 : panya_error_oom(err);
    }
    if (depth >= MAX_FOLDER_DEPTH)
        return 0;
    DIR *d = opendir(dir);
    if (!d) {
        /* Listed as a package: validating it reports why it cannot be read, and the search
         * goes on with the other folders. */
        return scorm_files_add(list, dir) == 0 ? 0 : panya_error_oom(err);
    }
    int status = 0;
    struct dirent *e;
    while (status == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
            status = panya_error_oom(err);
            break;
        }
        size_t len = strlen(e->d_name);
        if (lstat(path, &st) != 0) {
            free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            status = find_in(path, list, depth + 1, err);
        } else if (S_ISREG(st.st_mode) && len > 4 && strcasecmp(e->d_name + len - 4, ".zip") == 0) {
            if (scorm_files_add(list, path) != 0)
                status = panya_error_oom(err);
        }
        free(path);
    }
    closedir(d);
    return status;
}

int scorm_find_packages(const char *dir, scorm_files *packages, panya_error *err)
{
    if (find_in(dir, packages, 0, err) != 0)
        return -1;
    return scorm_files_finish(packages) == 0 ? 0 : panya_error_oom(err);
}
