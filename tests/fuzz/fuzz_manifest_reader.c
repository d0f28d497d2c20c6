/* libFuzzer target: the manifest XML reader; what it accepts must write and read back. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "manifest/bundle_manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    panya_error err = {0};
    bundle_manifest *m = bundle_manifest_read_xml(data, size, "fuzz.xml", &err);
    if (!m)
        return 0;
    uint8_t *xml;
    size_t len;
    if (bundle_manifest_write_xml(m, &xml, &len, &err) == 0) {
        bundle_manifest *again = bundle_manifest_read_xml(xml, len, "rewritten.xml", &err);
        if (!again)
            abort(); /* what we wrote must read back */
        bundle_manifest_free(again);
        free(xml);
    }
    bundle_manifest_free(m);
    return 0;
}
