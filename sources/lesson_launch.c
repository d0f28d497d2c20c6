/* Launch files of package items (format 1.1's catalogue and the manifest's item@launch): what
 * a reader app or `panya serve` opens first. A SCORM package launches its default
 * organization's first launchable resource; an HTML lesson its index.html. Decided once, from
 * the files the sources found, so that every reader (KPL, SCORM, Moodle, H5P...) gets it. */
#include "sources/lesson_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/scorm_launch.h"

#define MAX_LAUNCH_MANIFEST (16u * 1024 * 1024)

static int compare_path(const void *key, const void *file)
{
    return strcmp(key, ((const model_file *)file)->bundle_path);
}

/* The model file at bundle path prefix/name (files are sorted), or NULL. */
static const model_file *file_below(const lesson_model *model, const char *prefix,
                                    const char *name, char *path, size_t size)
{
    if (snprintf(path, size, "%s/%s", prefix, name) >= (int)size)
        return NULL;
    return bsearch(path, model->files, model->file_count, sizeof *model->files, compare_path);
}

/* The first launchable SCORM resource's file, relative to the package root (query and
 * fragment cut off: they are parameters, not part of the file name), or NULL. */
static char *scorm_launch_file(const model_file *manifest)
{
    FILE *f = fopen(manifest->disk_path, "rb");
    if (!f)
        return NULL;
    uint8_t *xml = malloc(MAX_LAUNCH_MANIFEST);
    size_t len = xml ? fread(xml, 1, MAX_LAUNCH_MANIFEST, f) : 0;
    fclose(f);
    char *launch = NULL;
    scorm_launch entries = {0};
    panya_error ignored = {0};
    if (len && len < MAX_LAUNCH_MANIFEST &&
        scorm_launch_read(xml, len, manifest->bundle_path, &entries, &ignored) == 0 &&
        entries.count && (launch = strdup(entries.entries[0].href)))
        launch[strcspn(launch, "?#")] = '\0';
    scorm_launch_free(&entries);
    free(xml);
    return launch;
}

/* Sets item->launch for a package (an item whose path is a folder). Returns 0 or -1 (OOM). */
static int resolve_item(const lesson_model *model, manifest_item *item)
{
    if (item->launch)
        return 0;
    char path[8192];
    if (bsearch(item->path, model->files, model->file_count, sizeof *model->files,
                compare_path))
        return 0; /* a file item launches itself */
    const model_file *manifest = file_below(model, item->path, "imsmanifest.xml", path,
                                            sizeof path);
    if (manifest) {
        char *href = scorm_launch_file(manifest);
        const model_file *target =
            href ? file_below(model, item->path, href, path, sizeof path) : NULL;
        free(href);
        if (target)
            return manifest_item_set_launch(item, target->bundle_path);
    }
    const model_file *index = file_below(model, item->path, "index.html", path, sizeof path);
    return index ? manifest_item_set_launch(item, index->bundle_path) : 0;
}

int lesson_model_resolve_launches(lesson_model *model, panya_error *err)
{
    bundle_manifest *m = model->manifest;
    for (size_t c = 0; c < m->course_count; c++)
        for (size_t l = 0; l < m->courses[c].lesson_count; l++)
            for (size_t i = 0; i < m->courses[c].lessons[l].item_count; i++)
                if (resolve_item(model, &m->courses[c].lessons[l].items[i]) != 0)
                    return panya_error_oom(err);
    return 0;
}
