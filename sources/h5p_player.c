#include "sources/h5p_player.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/exe_dir.h"
#include "common/folder_walk.h"
#include "sources/source.h"

static bool is_player_dir(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;
    snprintf(path, sizeof path, "%s/main.bundle.js", dir);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    snprintf(path, sizeof path, "%s/frame.bundle.js", dir);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *h5p_player_dir_find(void)
{
    const char *env = getenv("PANYA_H5P_PLAYER_DIR");
    if (env && env[0])
        return is_player_dir(env) ? strdup(env) : NULL;
    char exe[PATH_MAX], path[PATH_MAX + 64], resolved[PATH_MAX];
    if (panya_exe_dir(exe, sizeof exe) == 0) {
        snprintf(path, sizeof path, "%s/" PANYA_H5P_PLAYER_EXE_RELATIVE, exe);
        if (is_player_dir(path) && realpath(path, resolved))
            return strdup(resolved);
#if defined(PANYA_BUILD_ROOT) && defined(PANYA_H5P_PLAYER_BUILD_DIR)
        /* Only a binary inside the build tree uses the npm folder of its source tree. */
        char build_root[PATH_MAX], exe_real[PATH_MAX];
        if (realpath(PANYA_BUILD_ROOT, build_root) && realpath(exe, exe_real) &&
            strncmp(exe_real, build_root, strlen(build_root)) == 0 &&
            (exe_real[strlen(build_root)] == '\0' || exe_real[strlen(build_root)] == '/') &&
            is_player_dir(PANYA_H5P_PLAYER_BUILD_DIR))
            return strdup(PANYA_H5P_PLAYER_BUILD_DIR);
#endif
    }
    if (is_player_dir(PANYA_H5P_PLAYER_INSTALL_DIR))
        return strdup(PANYA_H5P_PLAYER_INSTALL_DIR);
    return NULL;
}

static int add_player_file(void *ctx, const folder_entry *e, const char *relative,
                           panya_error *err)
{
    lesson_model *model = ctx;
    size_t n = strlen(e->name);
    if (n > 5 && strcmp(e->name + n - 5, ".d.ts") == 0)
        return 1; /* TypeScript declarations: of no use to a browser */
    if (e->kind != FOLDER_ENTRY_FILE)
        return 0;
    char *bundle_path = source_join(H5P_PLAYER_BUNDLE_DIR, relative);
    int status = bundle_path ? lesson_model_add_file(model, bundle_path, e->disk_path, err)
                             : panya_error_oom(err);
    free(bundle_path);
    return status;
}

int h5p_player_add(lesson_model *model, panya_error *err)
{
    char *dir = h5p_player_dir_find();
    if (!dir)
        return panya_error_set(err, PANYA_ERR_USAGE,
                               "the H5P player (npm h5p-standalone) is not installed: run "
                               "'scripts/dev build' in a source tree, reinstall panya with "
                               "'meson install', or set PANYA_H5P_PLAYER_DIR to its dist folder");
    folder_root root;
    int status = folder_root_open(&root, dir, err);
    if (status == 0) {
        static const folder_visitor visitor = {add_player_file, NULL, NULL};
        status = folder_walk(&root, dir, &visitor, model, err);
        folder_root_close(&root);
    }
    free(dir);
    return status;
}

int h5p_launch_page_write(const char *disk_path, const char *bundle_prefix, const char *title,
                          panya_error *err)
{
    /* From the page's folder (bundle_prefix) back up to the bundle root, then into the
     * shared player: "../../_panya/h5p-standalone" for "course/quiz". */
    char player[PATH_MAX] = "";
    size_t used = 0;
    for (const char *p = bundle_prefix; p && used + 4 < sizeof player; p = strchr(p + 1, '/')) {
        memcpy(player + used, "../", 4);
        used += 3;
    }
    snprintf(player + used, sizeof player - used, "%s", H5P_PLAYER_BUNDLE_DIR);
    FILE *f = fopen(disk_path, "wb");
    if (!f)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", disk_path);
    fputs("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    source_write_html_text(f, title);
    fprintf(f,
            "</title>\n<style>body{margin:0;padding:4px;font-family:sans-serif}</style>\n"
            "</head>\n<body>\n<div id=\"h5p-container\"></div>\n"
            "<noscript><p>This activity needs JavaScript: turn it on in the browser's "
            "settings.</p></noscript>\n"
            "<script src=\"%s/main.bundle.js\" charset=\"UTF-8\"></script>\n"
            "<script>\nnew H5PStandalone.H5P(document.getElementById('h5p-container'), {\n"
            "  h5pJsonPath: '.',\n  contentJsonPath: './content',\n"
            "  frameJs: '%s/frame.bundle.js',\n  frameCss: '%s/styles/h5p.css'\n});\n"
            "</script>\n</body>\n</html>\n",
            player, player, player);
    if (fclose(f) != 0)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", disk_path);
    return 0;
}
