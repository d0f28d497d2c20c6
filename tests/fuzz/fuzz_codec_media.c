/* Fuzzes media input: probe, then a full transcode of whatever probes as a picture
 * (the image path decodes, scales and encodes). Video and audio are only probed: a
 * transcode per input would be too slow to fuzz usefully. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "codecs/codecs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static codec_profile_set profiles;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!profiles.profiles) {
        panya_error err = {0};
        if (codec_profiles_load_default(&profiles, &err) != 0)
            abort();
    }
    char dir[] = "/tmp/panya-fuzz-XXXXXX";
    if (!mkdtemp(dir))
        return 0;
    char in[64], out[64];
    snprintf(in, sizeof in, "%s/in", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    FILE *f = fopen(in, "wb");
    if (f) {
        fwrite(data, 1, size, f);
        fclose(f);
        codec_probe_info info;
        panya_error err = {0};
        if (codec_probe_file(in, &info, &err) == 0 && info.kind == CODEC_KIND_IMAGE) {
            codec_result result;
            codec_transcode_file(in, codec_profiles_find(&profiles, "low"), out, 1, 0, &result,
                                 &err);
        }
    }
    unlink(out);
    unlink(in);
    rmdir(dir);
    return 0;
}
