#include "delivery/bundle_open.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bundle_error(panya_error *err, const panya_error_info *info, const char *display_name)
{
    const char *message = info->message;
    /* panya_open_fd names the descriptor ("descriptor 7: ..."): name the file instead. */
    if (display_name && strncmp(message, "descriptor ", 11) == 0) {
        const char *colon = strchr(message, ':');
        if (colon)
            return panya_error_set(err, (int)info->status, "%s%s", display_name, colon);
    }
    return panya_error_set(err, (int)info->status, "%s", message);
}

panya_bundle *bundle_open_path(const char *path, unsigned flags, panya_error *err)
{
    panya_bundle *b;
    panya_error_info info;
    if (panya_open(path, flags, &b, &info) != PANYA_OK) {
        bundle_error(err, &info, path);
        return NULL;
    }
    return b;
}

panya_bundle *bundle_open_descriptor(int fd, const char *display_name, panya_error *err)
{
    panya_bundle *b;
    panya_error_info info;
    if (panya_open_fd(fd, 0, 0, 0, &b, &info) != PANYA_OK) {
        bundle_error(err, &info, display_name);
        return NULL;
    }
    return b;
}

bundle_manifest *bundle_load_manifest(panya_bundle *b, const char *display_name,
                                      panya_error *err)
{
    char *xml;
    size_t len;
    panya_error_info info;
    if (panya_read_manifest(b, &xml, &len, &info) != PANYA_OK) {
        bundle_error(err, &info, display_name);
        return NULL;
    }
    char name[1100];
    snprintf(name, sizeof name, "%s (manifest)", display_name);
    bundle_manifest *m = bundle_manifest_read_xml((const uint8_t *)xml, len, name, err);
    free(xml);
    return m;
}

int bundle_variant_file(const panya_bundle *b, const char *path, const manifest_variant *v,
                        panya_file_info *info, panya_error *err)
{
    if (panya_find_object(b, v->hash, info, NULL) != PANYA_OK)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: its object is missing from the index",
                               path);
    if (info->size != v->size)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: the index and the manifest disagree on its size", path);
    return 0;
}
