#include "sources/source.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/temp_files.h"

static const source_reader *const readers[] = {
    &source_reader_scorm,
    &source_reader_h5p,
    &source_reader_pdf,
    &source_reader_office,
    &source_reader_imscc,
    &source_reader_moodle,
    &source_reader_kpl,
    &source_reader_folder,
    NULL,
};

int source_context_init(source_context *ctx, const char *input, const char *out_path,
                        const char *staging_dir, panya_error *err)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->staging_dir = staging_dir;
    archive_budget_init(&ctx->budget, input);
    struct stat st;
    if (out_path && stat(out_path, &st) == 0) {
        ctx->skip_dev = st.st_dev;
        ctx->skip_ino = st.st_ino;
    }
    if (out_path) {
        char *copy = strdup(out_path), *copy2 = strdup(out_path);
        if (!copy || !copy2) {
            free(copy);
            free(copy2);
            return panya_error_oom(err);
        }
        ctx->output_folder = realpath(dirname(copy), NULL);
        const char *base = basename(copy2);
        size_t n = strlen(base);
        if (n > 6 && strcasecmp(base + n - 6, ".panya") == 0)
            n -= 6;
        ctx->output_stem = strndup(base, n);
        free(copy);
        free(copy2);
        if (!ctx->output_stem)
            return panya_error_oom(err);
    }
    if (stat(input, &st) == 0 && S_ISDIR(st.st_mode) &&
        folder_root_open(&ctx->input_root, input, err) != 0)
        return -1;
    if (staging_dir && folder_root_open(&ctx->staging_root, staging_dir, err) != 0)
        return -1;
    return 0;
}

void source_context_free(source_context *ctx)
{
    free(ctx->output_folder);
    free(ctx->output_stem);
    folder_root_close(&ctx->input_root);
    folder_root_close(&ctx->staging_root);
    for (unsigned i = 0; i < ctx->origin_count; i++)
        free(ctx->origins[i]);
    free(ctx->origins);
    free(ctx->origin_depths);
    memset(ctx, 0, sizeof *ctx);
}

int source_read(const char *path, const char *kind, source_context *ctx, lesson_model *model,
                panya_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    for (size_t i = 0; readers[i]; i++) {
        int taken;
        if (readers[i] == &source_reader_scorm)
            ctx->reason[0] = '\0';
        if (kind) {
            taken = strcmp(kind, readers[i]->name) == 0;
            if (taken)
                snprintf(ctx->reason, sizeof ctx->reason, "--source %s was given", kind);
        } else {
            taken = readers[i]->detect(path, ctx, ctx->reason, sizeof ctx->reason, err);
        }
        if (taken < 0)
            return -1;
        if (taken) {
            ctx->reader = readers[i]->name;
            return readers[i]->read(path, "", ctx, model, err);
        }
    }
    if (kind)
        return panya_error_set(err, PANYA_ERR_USAGE,
                               "unknown source kind '%s' (scorm, h5p, pdf, office, imscc, moodle, "
                               "kpl or folder)", kind);
    return panya_error_set(err, PANYA_ERR_USAGE,
                           "%s: not a SCORM package, an H5P package, a PDF, an office document, "
                           "a Common Cartridge, a Moodle backup, a KPL course export or a "
                           "folder", path);
}

/* Names operating systems, file managers and editors leave in folders they touch. */
static const char *const leftover_names[] = {
    "Thumbs.db", "ehthumbs.db", "desktop.ini", ".DS_Store", "__MACOSX", ".Spotlight-V100",
    ".Trashes", ".fseventsd", ".TemporaryItems", ".directory", "$RECYCLE.BIN",
    "System Volume Information", ".localized",
};

static bool is_leftover(const char *name)
{
    for (size_t i = 0; i < sizeof leftover_names / sizeof leftover_names[0]; i++)
        if (strcasecmp(name, leftover_names[i]) == 0)
            return true;
    size_t n = strlen(name);
    return strncmp(name, "._", 2) == 0 ||                    /* macOS resource forks */
           strncmp(name, "~$", 2) == 0 ||                    /* Office lock files */
           (n > 1 && name[n - 1] == '~') ||                  /* editor backups */
           (name[0] == '.' && n > 4 &&
            (strcmp(name + n - 4, ".swp") == 0 || strcmp(name + n - 4, ".swo") == 0));
}

/* "STEM.N.panya" */
static bool is_output_part(const char *stem, const char *name)
{
    size_t s = strlen(stem);
    if (strncmp(name, stem, s) != 0 || name[s] != '.')
        return false;
    const char *p = name + s + 1;
    size_t digits = strspn(p, "0123456789");
    return digits > 0 && strcasecmp(p + digits, ".panya") == 0;
}

const char *source_left_out(const source_context *ctx, const char *folder,
                            const folder_entry *entry)
{
    const char *name = entry->name;
    if (entry->dev == ctx->skip_dev && entry->ino == ctx->skip_ino && ctx->skip_ino)
        return "the output bundle";
    if (panya_temp_name(name))
        return "a temporary file of panya (left by an interrupted run)";
    if (is_leftover(name))
        return "left behind by the operating system or an editor";
    size_t n = strlen(name);
    if (ctx->output_folder && ctx->output_stem && is_output_part(ctx->output_stem, name)) {
        char *real = realpath(folder, NULL);
        bool same = real && strcmp(real, ctx->output_folder) == 0;
        free(real);
        if (same)
            return "a part of the output bundle";
    }
    if (entry->kind == FOLDER_ENTRY_FILE && n > 6 && strcasecmp(name + n - 6, ".panya") == 0)
        return "a panya bundle (an earlier output?), not a lesson";
    return NULL;
}

int source_list(source_context *ctx, const char *folder, folder_entries *out,
                lesson_model *model, panya_error *err)
{
    if (folder_read(source_root_for(ctx, folder), folder, out, err) != 0)
        return -1;
    int status = 0;
    for (size_t i = 0; i < out->note_count && status == 0 && model; i++) {
        char *shown = source_display_path(ctx, out->notes[i]);
        status = !shown || lesson_model_warn(model, "%s", shown) ? panya_error_oom(err) : 0;
        free(shown);
    }
    size_t kept = 0;
    for (size_t i = 0; i < out->count; i++) {
        folder_entry *e = &out->items[i];
        const char *why = source_left_out(ctx, folder, e);
        if (!why) {
            out->items[kept++] = *e;
            continue;
        }
        if (status == 0 && model) {
            char *shown = source_display_path(ctx, e->disk_path);
            status = !shown || lesson_model_warn(model, "%s: ignored (%s)", shown, why)
                         ? panya_error_oom(err)
                         : 0;
            free(shown);
        }
        free(e->name);
        free(e->disk_path);
    }
    out->count = kept;
    if (status != 0)
        folder_entries_free(out);
    return status;
}

const folder_root *source_root_for(const source_context *ctx, const char *path)
{
    size_t n = ctx->staging_dir ? strlen(ctx->staging_dir) : 0;
    if (n && strncmp(path, ctx->staging_dir, n) == 0 && (path[n] == '/' || !path[n]))
        return &ctx->staging_root;
    return &ctx->input_root;
}

/* When path lies in staging folder N: N's origin and where the rest starts. */
static const char *staging_origin(const source_context *ctx, const char *path, const char **rest)
{
    size_t n = ctx->staging_dir ? strlen(ctx->staging_dir) : 0;
    if (!n || strncmp(path, ctx->staging_dir, n) != 0 || path[n] != '/')
        return NULL;
    char *end;
    unsigned long index = strtoul(path + n + 1, &end, 10);
    if (end == path + n + 1 || index >= ctx->origin_count || (*end >= '0' && *end <= '9') ||
        (*end >= 'A' && *end <= 'z'))
        return NULL;
    *rest = *end == '/' ? end + 1 : end;
    return ctx->origins[index];
}

char *source_staging_folder(source_context *ctx, const char *zip_path, panya_error *err)
{
    const char *rest;
    unsigned depth = 1;
    const char *origin_of_zip = staging_origin(ctx, zip_path, &rest);
    for (unsigned i = 0; origin_of_zip && i < ctx->origin_count; i++)
        if (ctx->origins[i] == origin_of_zip)
            depth = ctx->origin_depths[i] + 1;
    char *origin = source_display_path(ctx, zip_path);
    if (!origin) {
        panya_error_oom(err);
        return NULL;
    }
    if (depth > ctx->budget.max_depth) {
        panya_error_set(err, PANYA_ERR_INVALID,
                        "%s: zips nested more than %u deep (%s); refusing to unpack on (zip bomb?)",
                        ctx->budget.input, ctx->budget.max_depth, origin);
        free(origin);
        return NULL;
    }
    char *path = NULL;
    char **grown = realloc(ctx->origins, (ctx->origin_count + 1) * sizeof *grown);
    if (grown)
        ctx->origins = grown;
    unsigned *depths = grown ? realloc(ctx->origin_depths,
                                       (ctx->origin_count + 1) * sizeof *depths) : NULL;
    if (depths)
        ctx->origin_depths = depths;
    if (!depths || asprintf(&path, "%s/%u", ctx->staging_dir, ctx->origin_count) < 0) {
        free(origin);
        panya_error_oom(err);
        return NULL;
    }
    if (mkdir(path, 0700) != 0) {
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "cannot create a private work folder");
        free(origin);
        free(path);
        return NULL;
    }
    ctx->origin_depths[ctx->origin_count] = depth;
    ctx->origins[ctx->origin_count++] = origin;
    return path;
}

char *source_display_path(const source_context *ctx, const char *path)
{
    const char *rest;
    const char *origin = staging_origin(ctx, path, &rest);
    if (!origin)
        return strdup(path);
    char *s = NULL;
    if (asprintf(&s, "%s%s%s", origin, *rest ? ": " : "", rest) < 0)
        return NULL;
    return s;
}

void source_describe_error(const source_context *ctx, panya_error *err)
{
    if (!ctx->staging_dir || !strstr(err->message, ctx->staging_dir))
        return;
    char out[sizeof err->message];
    size_t used = 0, n = strlen(ctx->staging_dir);
    const char *p = err->message;
    while (*p && used + 1 < sizeof out) {
        const char *rest;
        const char *origin = strncmp(p, ctx->staging_dir, n) == 0 ? staging_origin(ctx, p, &rest)
                                                                  : NULL;
        if (!origin) {
            out[used++] = *p++;
            continue;
        }
        used += (size_t)snprintf(out + used, sizeof out - used, "%s%s", origin,
                                 *rest && !strchr(":' ", *rest) ? ": " : "");
        if (used >= sizeof out)
            used = sizeof out - 1;
        p = rest;
    }
    out[used] = '\0';
    memcpy(err->message, out, used + 1);
}

char *source_join(const char *prefix, const char *name)
{
    char *s = NULL;
    if (asprintf(&s, "%s%s%s", prefix, *prefix ? "/" : "", name) < 0)
        return NULL;
    return s;
}

bool source_is_zip_name(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".zip") == 0;
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

int source_add_package_course(lesson_model *model, const char *prefix, const char *kind,
                               const char *title, panya_error *err)
{
    manifest_course *course = bundle_manifest_add_course(model->manifest, prefix);
    char *lesson_id = source_join(prefix, "1");
    manifest_lesson *lesson = course && lesson_id ? manifest_course_add_lesson(course, lesson_id)
                                                  : NULL;
    manifest_item *item = lesson ? manifest_lesson_add_item(lesson, lesson_id, kind, prefix)
                                 : NULL;
    int status = 0;
    if (!item || source_add_title(&course->titles, title) != 0 ||
        source_add_title(&lesson->titles, title) != 0 ||
        source_add_title(&item->titles, title) != 0)
        status = panya_error_oom(err);
    free(lesson_id);
    return status;
}

void source_write_html_text(FILE *f, const char *text)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\f': break;
        default: fputc(*p, f);
        }
    }
}

void source_write_html_head(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<meta "
          "name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    source_write_html_text(f, title);
    fputs("</title>\n</head>\n<body>\n<h1>", f);
    source_write_html_text(f, title);
    fputs("</h1>\n", f);
}

int source_write_link_page(const char *disk, const char *title, const char *url,
                           panya_error *err)
{
    FILE *f = fopen(disk, "wb");
    if (!f)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", disk);
    source_write_html_head(f, title);
    fputs("<p>This is a link to a web site: it opens only with an internet "
          "connection.</p>\n<p><a href=\"", f);
    source_write_html_text(f, url);
    fputs("\">", f);
    source_write_html_text(f, url);
    fputs("</a></p>\n</body>\n</html>\n", f);
    return fclose(f) == 0 ? 0 : panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", disk);
}
