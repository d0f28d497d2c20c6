/* The one symbol panya-codecs.so exports: its table of codecs.h functions. */
#include "codecs/codecs_module.h"

__attribute__((visibility("default"))) const codecs_module_api panya_codecs_module = {
    .abi = PANYA_CODECS_MODULE_ABI,
    .kind_name = codec_kind_name,
    .profiles_load_default = codec_profiles_load_default,
    .profiles_load_file = codec_profiles_load_file,
    .profiles_load_memory = codec_profiles_load_memory,
    .profiles_find = codec_profiles_find,
    .profiles_free = codec_profiles_free,
    .probe_file = codec_probe_file,
    .encoder_versions = codec_encoder_versions,
    .transcode_file = codec_transcode_file,
    .pdf_render = codec_pdf_render,
};
