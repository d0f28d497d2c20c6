/* codecs.h for the panya executable: loads panya-codecs.so on first use (dlopen) and calls
 * through its table. Looked for in $PANYA_CODECS, next to the executable (the build
 * folder's codecs/), relative to it as installed (bindir/../libdir/panya, whatever the
 * prefix), then in the configured install location. */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codecs/codecs_module.h"
#include "common/exe_dir.h"

#define MODULE_NAME "panya-codecs.so"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const codecs_module_api *module;
static char load_problem[1024];

static const codecs_module_api *try_open(const char *path)
{
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(load_problem, sizeof load_problem, "%s", dlerror());
        return NULL;
    }
    const codecs_module_api *api = dlsym(handle, PANYA_CODECS_MODULE_SYMBOL);
    if (!api || api->abi != PANYA_CODECS_MODULE_ABI) {
        snprintf(load_problem, sizeof load_problem, "%s: not a panya codecs module of this version",
                 path);
        dlclose(handle);
        return NULL;
    }
    return api;
}

static void load_module(void)
{
    const char *explicit_path = getenv("PANYA_CODECS");
    if (explicit_path && *explicit_path) {
        module = try_open(explicit_path);
        return;
    }
    char exe[PATH_MAX], path[PATH_MAX + 64];
    if (panya_exe_dir(exe, sizeof exe) == 0) {
        snprintf(path, sizeof path, "%s/codecs/%s", exe, MODULE_NAME);
        if (access(path, F_OK) == 0 && (module = try_open(path)))
            return;
        snprintf(path, sizeof path, "%s/%s", exe, PANYA_CODECS_EXE_RELATIVE);
        if (access(path, F_OK) == 0 && (module = try_open(path)))
            return;
    }
    module = try_open(PANYA_CODECS_INSTALL_PATH);
}

/* Returns the module, or NULL with err set (when err is given). */
static const codecs_module_api *api(panya_error *err)
{
    pthread_once(&load_once, load_module);
    if (!module)
        panya_error_set(err, PANYA_ERR_INTERNAL,
                        "cannot load the media codecs (%s): %s; set PANYA_CODECS to its path",
                        MODULE_NAME, load_problem);
    return module;
}

const char *codec_kind_name(codec_kind kind)
{
    const codecs_module_api *m = api(NULL);
    return m ? m->kind_name(kind) : "unknown";
}

int codec_profiles_load_default(codec_profile_set *set, panya_error *err)
{
    const codecs_module_api *m = api(err);
    return m ? m->profiles_load_default(set, err) : -1;
}

int codec_profiles_load_file(codec_profile_set *set, const char *path, panya_error *err)
{
    const codecs_module_api *m = api(err);
    return m ? m->profiles_load_file(set, path, err) : -1;
}

int codec_profiles_load_memory(codec_profile_set *set, const char *xml, size_t len,
                               const char *name, panya_error *err)
{
    const codecs_module_api *m = api(err);
    return m ? m->profiles_load_memory(set, xml, len, name, err) : -1;
}

const codec_profile *codec_profiles_find(const codec_profile_set *set, const char *name)
{
    const codecs_module_api *m = api(NULL);
    return m ? m->profiles_find(set, name) : NULL;
}

void codec_profiles_free(codec_profile_set *set)
{
    if (!set->profiles) /* nothing was loaded: no need to load the module to free nothing */
        return;
    const codecs_module_api *m = api(NULL);
    if (m)
        m->profiles_free(set);
}

int codec_probe_file(const char *path, codec_probe_info *info, panya_error *err)
{
    const codecs_module_api *m = api(err);
    return m ? m->probe_file(path, info, err) : -1;
}

void codec_encoder_versions(char *buf, size_t size)
{
    const codecs_module_api *m = api(NULL);
    if (m)
        m->encoder_versions(buf, size);
    else
        snprintf(buf, size, "unavailable");
}

int codec_transcode_file(const char *source_path, const codec_profile *profile,
                         const char *output_path, int threads, unsigned flags,
                         codec_result *result, panya_error *err)
{
    const codecs_module_api *m = api(err);
    return m ? m->transcode_file(source_path, profile, output_path, threads, flags, result, err)
             : -1;
}

int codec_pdf_render(const char *pdf_path, const char *out_dir, int long_side,
                     codec_pdf_info *info, panya_error *err)
{
    const codecs_module_api *m = api(err);
    return m ? m->pdf_render(pdf_path, out_dir, long_side, info, err) : -1;
}
