/* Fuzzes the profile file parser (libxml2 + schema + value checks). */
#include <stddef.h>
#include <stdint.h>

#include "codecs/codecs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    codec_profile_set set;
    panya_error err = {0};
    if (codec_profiles_load_memory(&set, (const char *)data, size, "fuzz.xml", &err) == 0)
        codec_profiles_free(&set);
    return 0;
}
