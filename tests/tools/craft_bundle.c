/* Test tool: writes a bundle with a hand-written manifest, so CLI tests can build hostile
 * bundles (a manifest naming '../x', objects the manifest does not describe, …) with the
 * real writer (as format 1.0: no path table or catalogue).  usage: craft_bundle OUT.panya MANIFEST.xml [FILE...] */
#include <stdio.h>
#include <stdlib.h>

#include "common/error.h"
#include "writer/bundle_writer.h"
#include "common/mime.h"

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *grown = realloc(buf, cap);
            if (!grown)
                break;
            buf = grown;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        if (n == 0)
            break;
        *len += n;
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: craft_bundle OUT.panya MANIFEST.xml [FILE...]\n");
        return 2;
    }
    size_t len;
    uint8_t *manifest = read_all(argv[2], &len);
    if (!manifest) {
        perror(argv[2]);
        return 2;
    }
    panya_error err = {0};
    bundle_writer *w = bundle_writer_create(NULL, &err);
    int status = w ? 0 : -1;
    for (int i = 3; i < argc && status == 0; i++) {
        uint8_t hash[PANYA_HASH_SIZE];
        uint64_t size;
        status = bundle_writer_add_file(w, argv[i], mime_type_for_path(argv[i]), hash, &size,
                                        &err);
    }
    if (status == 0)
        status = bundle_writer_finish_raw(w, argv[1], manifest, len, &err);
    bundle_writer_free(w);
    free(manifest);
    if (status != 0) {
        fprintf(stderr, "craft_bundle: %s\n", err.message);
        return 1;
    }
    return 0;
}
