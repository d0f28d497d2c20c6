#include "sources/archive_input.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/utf8.h"

#define RATIO_GRACE_BYTES (1u << 20)

struct archive_input {
    struct archive *archive;
    char *path;
    char *display; /* what messages call the archive */
    archive_input_limits limits;
    archive_budget *budget; /* shared by a whole pack, or NULL */
    uint64_t archive_bytes;
    uint64_t entries;
    uint64_t total_bytes;
    bool readable; /* the current entry has data left to drain */
    bool hidden;   /* the current entry is a link or unsafe: the caller reads nothing */
    bool limit_hit;
    bool names_only; /* skip data instead of draining it */
    char *name;
    size_t name_capacity;
    locale_t utf8_locale;
};

void archive_input_default_limits(archive_input_limits *limits)
{
    limits->max_entries = 100000;
    limits->max_total_bytes = 8ull << 30;
    limits->max_ratio = 200;
}

void archive_budget_init(archive_budget *budget, const char *input)
{
    memset(budget, 0, sizeof *budget);
    archive_input_default_limits(&budget->limits);
    budget->max_depth = 2;
    snprintf(budget->input, sizeof budget->input, "%s", input);
}

void archive_input_names_only(archive_input *in)
{
    in->names_only = true;
}

void archive_input_use_budget(archive_input *in, archive_budget *budget, bool from_input)
{
    in->budget = budget;
    if (from_input)
        budget->packed_bytes += in->archive_bytes;
}

int archive_input_set_display_name(archive_input *in, const char *name)
{
    char *copy = strdup(name);
    if (!copy)
        return -1;
    free(in->display);
    in->display = copy;
    return 0;
}

static const char *shown(const archive_input *in)
{
    return in->display ? in->display : in->path;
}

/* libarchive converts names to the current locale; the C locale cannot hold Lao, so names
 * are read under a thread-local UTF-8 locale. */
static locale_t enter_utf8(archive_input *in)
{
    return in->utf8_locale ? uselocale(in->utf8_locale) : (locale_t)0;
}

static void leave_utf8(locale_t previous)
{
    if (previous)
        uselocale(previous);
}

static int open_archive(archive_input **out, const char *path, const archive_input_limits *limits,
                        bool tar_too, panya_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    if (!S_ISREG(st.st_mode))
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: not a regular file", path);
    archive_input *in = calloc(1, sizeof *in);
    if (!in || !(in->path = strdup(path))) {
        free(in);
        return panya_error_oom(err);
    }
    if (limits)
        in->limits = *limits;
    else
        archive_input_default_limits(&in->limits);
    in->archive_bytes = (uint64_t)st.st_size;
    in->utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    in->archive = archive_read_new();
    if (!in->archive) {
        archive_input_close(in);
        return panya_error_oom(err);
    }
    archive_read_support_format_zip(in->archive);
    if (tar_too) {
        archive_read_support_filter_gzip(in->archive);
        archive_read_support_format_tar(in->archive);
    }
    locale_t previous = enter_utf8(in);
    int r = archive_read_open_filename(in->archive, path, 64 * 1024);
    leave_utf8(previous);
    if (r != ARCHIVE_OK) {
        int code = archive_errno(in->archive) == EACCES ? PANYA_ERR_USAGE : PANYA_ERR_INVALID;
        panya_error_set(err, code, "%s: not a readable %s archive (%s)", path,
                        tar_too ? "zip or gzip'd tar" : "zip",
                        archive_error_string(in->archive));
        archive_input_close(in);
        return -1;
    }
    *out = in;
    return 0;
}

int archive_input_open(archive_input **out, const char *path, const archive_input_limits *limits,
                       panya_error *err)
{
    return open_archive(out, path, limits, false, err);
}

int archive_input_open_zip_or_tar(archive_input **out, const char *path,
                                  const archive_input_limits *limits, panya_error *err)
{
    return open_archive(out, path, limits, true, err);
}

/* Copies raw into in->name: UTF-8 as is, other bytes as \xNN; drops "./" and empty segments;
 * reads '\\' as a separator, as Windows zip tools meant it;
 * flags absolute paths and '..' that climbs above the root. */
static int normalise_name(archive_input *in, const char *raw, bool utf8, unsigned *problems)
{
    size_t need = strlen(raw) * 4 + 1;
    if (need > in->name_capacity) {
        char *grown = realloc(in->name, need);
        if (!grown)
            return -1;
        in->name = grown;
        in->name_capacity = need;
    }
    if (raw[0] == '/' || raw[0] == '\\' ||
        (((raw[0] | 0x20) >= 'a' && (raw[0] | 0x20) <= 'z') && raw[1] == ':'))
        *problems |= ARCHIVE_INPUT_UNSAFE_PATH;
    size_t used = 0;
    int depth = 0;
    const char *p = raw;
    while (*p) {
        while (*p == '/' || *p == '\\')
            p++;
        const char *end = p + strcspn(p, "/\\");
        size_t len = (size_t)(end - p);
        if (len == 0)
            break;
        if (len == 1 && p[0] == '.') {
            p = end;
            continue;
        }
        if (len == 2 && p[0] == '.' && p[1] == '.')
            depth--;
        else
            depth++;
        if (depth < 0)
            *problems |= ARCHIVE_INPUT_UNSAFE_PATH;
        if (used)
            in->name[used++] = '/';
        for (const char *c = p; c < end; c++) {
            unsigned char byte = (unsigned char)*c;
            if (utf8 && byte >= 0x20)
                in->name[used++] = (char)byte;
            else if (byte < 0x80 && byte >= 0x20)
                in->name[used++] = (char)byte;
            else
                used += (size_t)sprintf(in->name + used, "\\x%02X", byte);
        }
        p = end;
    }
    in->name[used] = '\0';
    return 0;
}

static int check_ratio(archive_input *in, panya_error *err)
{
    if (in->total_bytes > in->limits.max_total_bytes)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: more than %llu bytes once uncompressed; refusing to read on "
                               "(zip bomb?)",
                               shown(in), (unsigned long long)in->limits.max_total_bytes);
    if (in->total_bytes > RATIO_GRACE_BYTES &&
        in->total_bytes / (in->archive_bytes ? in->archive_bytes : 1) > in->limits.max_ratio)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: uncompresses to more than %llu times its size; refusing to "
                               "read on (zip bomb?)",
                               shown(in), (unsigned long long)in->limits.max_ratio);
    archive_budget *b = in->budget;
    if (!b)
        return 0;
    if (b->bytes > b->limits.max_total_bytes)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: its archives unpack to more than %llu bytes in all; stopped "
                               "at '%s' in %s (zip bomb?)",
                               b->input, (unsigned long long)b->limits.max_total_bytes, in->name,
                               shown(in));
    if (b->bytes > RATIO_GRACE_BYTES &&
        b->bytes / (b->packed_bytes ? b->packed_bytes : 1) > b->limits.max_ratio)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: its archives, with the archives inside them, unpack to more "
                               "than %llu times their size; stopped at '%s' in %s (zip bomb?)",
                               b->input, (unsigned long long)b->limits.max_ratio, in->name,
                               shown(in));
    return 0;
}

static ssize_t read_data(archive_input *in, void *buf, size_t size, panya_error *err)
{
    if (!in->readable)
        return 0;
    locale_t previous = enter_utf8(in);
    la_ssize_t got = archive_read_data(in->archive, buf, size);
    leave_utf8(previous);
    if (got < 0)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: entry '%s' is damaged (%s)",
                               shown(in), in->name, archive_error_string(in->archive));
    in->total_bytes += (uint64_t)got;
    if (in->budget)
        in->budget->bytes += (uint64_t)got;
    if (check_ratio(in, err) != 0) {
        in->limit_hit = true;
        return -1;
    }
    return got;
}

ssize_t archive_input_read(archive_input *in, void *buf, size_t size, panya_error *err)
{
    return in->hidden ? 0 : read_data(in, buf, size, err);
}

bool archive_input_limit_hit(const archive_input *in)
{
    return in->limit_hit;
}

int archive_input_next(archive_input *in, archive_input_entry *entry, panya_error *err)
{
    /* Drain the previous entry so its bytes count towards the bounds (and its CRC is checked). */
    if (in->names_only && in->readable) {
        locale_t previous = enter_utf8(in);
        int r = archive_read_data_skip(in->archive);
        leave_utf8(previous);
        if (r != ARCHIVE_OK)
            return panya_error_set(err, PANYA_ERR_INVALID, "%s: entry '%s' is damaged (%s)",
                                   shown(in), in->name, archive_error_string(in->archive));
    } else {
        char drain[16384];
        ssize_t got;
        while ((got = read_data(in, drain, sizeof drain, err)) > 0)
            ;
        if (got < 0)
            return -1;
    }
    in->readable = false;

    struct archive_entry *header;
    locale_t previous = enter_utf8(in);
    int r = archive_read_next_header(in->archive, &header);
    leave_utf8(previous);
    if (r == ARCHIVE_EOF)
        return 0;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: damaged zip archive (%s)", shown(in),
                               archive_error_string(in->archive));
    if (++in->entries > in->limits.max_entries) {
        in->limit_hit = true;
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: more than %llu entries; refusing to read on (zip bomb?)",
                               shown(in), (unsigned long long)in->limits.max_entries);
    }
    if (in->budget && ++in->budget->entries > in->budget->limits.max_entries) {
        in->limit_hit = true;
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: its archives hold more than %llu entries in all; refusing to "
                               "read on (zip bomb?)",
                               in->budget->input, (unsigned long long)in->budget->limits.max_entries);
    }

    memset(entry, 0, sizeof *entry);
    const char *utf8 = archive_entry_pathname_utf8(header);
    const char *raw = utf8;
    if (!utf8 || !panya_utf8_valid((const char *)utf8, strlen((const char *)utf8))) {
        raw = archive_entry_pathname(header);
        if (!raw)
            raw = "";
        if (!panya_utf8_valid((const char *)raw, strlen((const char *)raw)))
            entry->problems |= ARCHIVE_INPUT_NOT_UTF8;
    }
    if (normalise_name(in, raw, !(entry->problems & ARCHIVE_INPUT_NOT_UTF8), &entry->problems) != 0)
        return panya_error_oom(err);
    entry->name = in->name;
    entry->declared_size = archive_entry_size_is_set(header) ? archive_entry_size(header) : -1;

    mode_t type = archive_entry_filetype(header);
    if (archive_entry_hardlink(header) || archive_entry_symlink(header) || type == AE_IFLNK)
        entry->kind = ARCHIVE_INPUT_LINK;
    else if (type == AE_IFDIR)
        entry->kind = ARCHIVE_INPUT_DIRECTORY;
    else if (type == AE_IFREG || type == 0)
        entry->kind = ARCHIVE_INPUT_FILE;
    else
        entry->kind = ARCHIVE_INPUT_OTHER;
    /* Unsafe entries and links are still drained (bounds apply) but never handed out. */
    in->readable = true;
    in->hidden = entry->kind == ARCHIVE_INPUT_LINK || (entry->problems & ARCHIVE_INPUT_UNSAFE_PATH);
    return 1;
}

void archive_input_close(archive_input *in)
{
    if (!in)
        return;
    if (in->archive)
        archive_read_free(in->archive);
    if (in->utf8_locale)
        freelocale(in->utf8_locale);
    free(in->name);
    free(in->path);
    free(in->display);
    free(in);
}
