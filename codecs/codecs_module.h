/* The table of codecs.h functions that the codecs module (panya-codecs.so) exports, so the
 * panya executable does not link libavcodec, libavformat, libavfilter and libwebp (about 170
 * shared libraries) and starts fast for the commands that never touch media. */
#ifndef PANYA_CODECS_CODECS_MODULE_H
#define PANYA_CODECS_CODECS_MODULE_H

#include "codecs/codecs.h"

#define PANYA_CODECS_MODULE_ABI 3
#define PANYA_CODECS_MODULE_SYMBOL "panya_codecs_module"

typedef struct codecs_module_api {
    int abi; /* PANYA_CODECS_MODULE_ABI: the loader refuses a module built for another */
    const char *(*kind_name)(codec_kind kind);
    int (*profiles_load_default)(codec_profile_set *set, panya_error *err);
    int (*profiles_load_file)(codec_profile_set *set, const char *path, panya_error *err);
    int (*profiles_load_memory)(codec_profile_set *set, const char *xml, size_t len,
                                const char *name, panya_error *err);
    const codec_profile *(*profiles_find)(const codec_profile_set *set, const char *name);
    void (*profiles_free)(codec_profile_set *set);
    int (*probe_file)(const char *path, codec_probe_info *info, panya_error *err);
    void (*encoder_versions)(char *buf, size_t size);
    int (*transcode_file)(const char *source_path, const codec_profile *profile,
                          const char *output_path, int threads, unsigned flags,
                          codec_result *result, panya_error *err);
    int (*pdf_render)(const char *pdf_path, const char *out_dir, int long_side,
                      codec_pdf_info *info, panya_error *err);
} codecs_module_api;

#endif
