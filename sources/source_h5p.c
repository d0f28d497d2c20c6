/* H5P packages (.h5p, or a folder with h5p.json at its root): validated — h5p.json, the
 * content in content/content.json and every library it needs, its own and theirs, present
 * as a `Name-Major.Minor` folder with a library.json — then packed whole with a generated
 * launch page that plays it offline with h5p-standalone (sources/h5p_player.h). Media in
 * the package are transcoded like any others; their paths do not change, so content.json
 * keeps pointing at them. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/h5p_player.h"
#include "sources/source.h"

/* Far above any h5p.json, content.json or library.json we have seen (a big interactive
 * video's content.json is a few hundred KiB). */
#define H5P_JSON_LIMIT (16u << 20)
#define H5P_LIBRARY_LIMIT 1000

static bool is_h5p_name(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcasecmp(path + n - 4, ".h5p") == 0;
}

static bool file_exists(const char *folder, const char *relative)
{
    char *path = source_join(folder, relative);
    struct stat st;
    bool found = path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
    free(path);
    return found;
}

static int h5p_detect(const char *path, source_context *ctx, char *why, size_t why_size,
                      panya_error *err)
{
    (void)ctx, (void)err;
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (S_ISREG(st.st_mode) && is_h5p_name(path)) {
        snprintf(why, why_size, "a .h5p file");
        return 1;
    }
    if (S_ISDIR(st.st_mode) && file_exists(path, "h5p.json")) {
        snprintf(why, why_size, "h5p.json at its root");
        return 1;
    }
    return 0;
}

/* Reads folder/relative as JSON. Returns the value, or NULL with why filled. */
static json_t *read_json(const char *folder, const char *relative, char *why, size_t why_size)
{
    char *path = source_join(folder, relative);
    struct stat st;
    json_t *value = NULL;
    if (!path) {
        snprintf(why, why_size, "out of memory");
    } else if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, why_size, "%s is missing", relative);
    } else if ((uint64_t)st.st_size > H5P_JSON_LIMIT) {
        snprintf(why, why_size, "%s is larger than %u MiB", relative, H5P_JSON_LIMIT >> 20);
    } else {
        json_error_t jerr;
        value = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (!value)
            snprintf(why, why_size, "%s:%d: not valid JSON: %s", relative, jerr.line, jerr.text);
        else if (!json_is_object(value)) {
            snprintf(why, why_size, "%s: not a JSON object", relative);
            json_decref(value);
            value = NULL;
        }
    }
    free(path);
    return value;
}

/* A version number, as an integer or a string of digits (editors write both). */
static bool version_number(const json_t *v, long *out)
{
    if (json_is_integer(v)) {
        *out = (long)json_integer_value(v);
        return *out >= 0;
    }
    const char *s = json_string_value(v);
    char *end;
    if (!s || !*s)
        return false;
    *out = strtol(s, &end, 10);
    return !*end && *out >= 0;
}

static bool safe_machine_name(const char *name)
{
    return name && *name && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789._-") == strlen(name) &&
           name[0] != '.';
}

/* A library the package needs, by its folder name ("H5P.MultiChoice-1.16"), and the file
 * that first asked for it. */
typedef struct needed_library {
    char folder[320];
    char needed_by[320];
} needed_library;

typedef struct library_list {
    needed_library *items;
    size_t count;
} library_list;

static int library_list_add(library_list *list, const char *folder, const char *needed_by)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i].folder, folder) == 0)
            return 0;
    needed_library *grown = realloc(list->items, (list->count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    list->items = grown;
    snprintf(grown[list->count].folder, sizeof grown->folder, "%s", folder);
    snprintf(grown[list->count].needed_by, sizeof grown->needed_by, "%s", needed_by);
    list->count++;
    return 0;
}

/* Adds the folder names of the libraries listed in object's preloadedDependencies to
 * needed. Returns 0, or -1 with why filled. */
static int list_dependencies(const json_t *object, const char *file, library_list *needed,
                             char *why, size_t why_size)
{
    const json_t *deps = json_object_get(object, "preloadedDependencies");
    if (!deps)
        return 0;
    if (!json_is_array(deps)) {
        snprintf(why, why_size, "%s: preloadedDependencies is not a list", file);
        return -1;
    }
    size_t i;
    const json_t *dep;
    json_array_foreach(deps, i, dep) {
        const char *name = json_string_value(json_object_get(dep, "machineName"));
        long major, minor;
        if (!safe_machine_name(name) ||
            !version_number(json_object_get(dep, "majorVersion"), &major) ||
            !version_number(json_object_get(dep, "minorVersion"), &minor)) {
            snprintf(why, why_size,
                     "%s: preloadedDependencies[%zu] needs a machineName, a majorVersion and a "
                     "minorVersion",
                     file, i);
            return -1;
        }
        char folder[320];
        snprintf(folder, sizeof folder, "%s-%ld.%ld", name, major, minor);
        if (library_list_add(needed, folder, file) != 0) {
            snprintf(why, why_size, "out of memory");
            return -1;
        }
    }
    return 0;
}

/* Checks the unpacked package in folder. Returns 0 with *title set (malloc'd), or -1 with
 * why saying what is wrong, as a user could fix it. */
static int check_package(const char *folder, char **title, char *why, size_t why_size)
{
    *title = NULL;
    json_t *h5p = read_json(folder, "h5p.json", why, why_size);
    if (!h5p) {
        if (strstr(why, "is missing"))
            snprintf(why, why_size,
                     "h5p.json is missing (an H5P package has h5p.json and "
                     "content/content.json at its root)");
        return -1;
    }
    int status = -1;
    library_list needed = {0};
    const char *text = json_string_value(json_object_get(h5p, "title"));
    const char *main_library = json_string_value(json_object_get(h5p, "mainLibrary"));
    json_t *content = NULL;
    if (!text || !*text) {
        snprintf(why, why_size, "h5p.json: no title");
    } else if (!safe_machine_name(main_library)) {
        snprintf(why, why_size, "h5p.json: no mainLibrary");
    } else if (file_exists(folder, "index.html")) {
        snprintf(why, why_size,
                 "index.html at its root: an H5P package holds only h5p.json, content/ and "
                 "library folders (is it a web page zipped with the wrong extension?)");
    } else if ((content = read_json(folder, "content/content.json", why, why_size)) &&
               list_dependencies(h5p, "h5p.json", &needed, why, why_size) == 0) {
        status = 0;
        bool has_main = false;
        for (size_t i = 0; i < needed.count; i++) {
            size_t n = strlen(main_library);
            has_main |= strncmp(needed.items[i].folder, main_library, n) == 0 &&
                        needed.items[i].folder[n] == '-';
        }
        if (!has_main) {
            snprintf(why, why_size,
                     "h5p.json: the main library %s is not in its preloadedDependencies",
                     main_library);
            status = -1;
        }
        /* Every library, and every library those need, must be in the package. */
        for (size_t i = 0; status == 0 && i < needed.count; i++) {
            if (needed.count > H5P_LIBRARY_LIMIT) {
                snprintf(why, why_size, "more than %d libraries", H5P_LIBRARY_LIMIT);
                status = -1;
                break;
            }
            char relative[600];
            snprintf(relative, sizeof relative, "%s/library.json", needed.items[i].folder);
            json_t *library = read_json(folder, relative, why, why_size);
            if (!library) {
                if (strstr(why, "is missing"))
                    snprintf(why, why_size,
                             "the library %s (needed by %s) is missing: export the content "
                             "again with its libraries",
                             needed.items[i].folder, needed.items[i].needed_by);
                status = -1;
                break;
            }
            char folder_name[sizeof needed.items->folder + 16];
            snprintf(folder_name, sizeof folder_name, "%s/library.json", needed.items[i].folder);
            status = list_dependencies(library, folder_name, &needed, why, why_size);
            json_decref(library);
        }
    }
    if (status == 0 && !(*title = strdup(text))) {
        snprintf(why, why_size, "out of memory");
        status = -1;
    }
    json_decref(content);
    json_decref(h5p);
    free(needed.items);
    return status;
}

int source_h5p_add_package(const char *path, const char *bundle_prefix, source_context *ctx,
                           lesson_model *model, char **title, panya_error *err)
{
    *title = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    bool unpacked = S_ISDIR(st.st_mode);
    char *folder = unpacked ? strdup(path) : source_staging_folder(ctx, path, err);
    if (!folder)
        return unpacked ? panya_error_oom(err) : -1;
    int status = unpacked ? 0 : source_unzip(ctx, path, folder, err);
    char why[1024];
    if (status == 0 && check_package(folder, title, why, sizeof why) != 0) {
        char *shown = source_display_path(ctx, path);
        if (!shown)
            status = panya_error_oom(err);
        else if (ctx->keep_going)
            status = lesson_model_skip(model, "%s: not a playable H5P package: %s", shown, why)
                         ? panya_error_oom(err)
                         : 1;
        else
            status = panya_error_set(err, PANYA_ERR_INVALID,
                                     "%s: not a playable H5P package: %s", shown, why);
        free(shown);
    }
    /* The launch page is written beside the package, never into the input. */
    char *page_folder = status == 0 ? source_staging_folder(ctx, path, err) : NULL;
    char *page = page_folder ? source_join(page_folder, "index.html") : NULL;
    char *page_path = page ? source_join(bundle_prefix, "index.html") : NULL;
    if (status == 0 && !page_folder)
        status = -1;
    else if (status == 0 && !page_path)
        status = panya_error_oom(err);
    if (status == 0)
        status = source_add_folder_files(ctx, folder, bundle_prefix, model, err);
    if (status == 0)
        status = h5p_launch_page_write(page, bundle_prefix, *title, err);
    if (status == 0)
        status = lesson_model_add_file(model, page_path, page, err);
    if (status == 0 && !ctx->h5p_player_added) {
        status = h5p_player_add(model, err);
        ctx->h5p_player_added = status == 0;
    }
    free(page_path);
    free(page);
    free(page_folder);
    free(folder);
    if (status != 0) {
        free(*title);
        *title = NULL;
    }
    return status;
}

/* The package's name in the bundle: its file name without ".h5p". */
static char *package_name(const char *path)
{
    char *name = source_package_name(path);
    size_t n = name ? strlen(name) : 0;
    if (is_h5p_name(name ? name : ""))
        name[n - 4] = '\0';
    return name;
}

static int h5p_read(const char *path, const char *bundle_prefix, source_context *ctx,
                    lesson_model *model, panya_error *err)
{
    char *name = package_name(path);
    char *prefix = name ? source_join(bundle_prefix, name) : NULL;
    char *title = NULL;
    int status = prefix ? source_h5p_add_package(path, prefix, ctx, model, &title, err)
                        : panya_error_oom(err);
    if (status == 0)
        status = source_add_package_course(model, prefix, "h5p", title, err);
    free(title);
    free(prefix);
    free(name);
    return status < 0 ? -1 : 0;
}

const source_reader source_reader_h5p = {
    .name = "h5p",
    .detect = h5p_detect,
    .read = h5p_read,
};
