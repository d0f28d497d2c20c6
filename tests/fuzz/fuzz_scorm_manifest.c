/* libFuzzer target for the SCORM manifest checker (stages 1-8 without schemas).
 * Input: an optional file list, newline-separated and ended by a NUL byte, then the
 * imsmanifest.xml bytes. Without a NUL the package holds index.html and the manifest. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/scorm_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scorm_files files;
    scorm_files_init(&files);
    const uint8_t *manifest = data;
    size_t manifest_size = size;
    const uint8_t *nul = memchr(data, '\0', size);
    if (nul) {
        char *list = strndup((const char *)data, (size_t)(nul - data));
        if (!list)
            return 0;
        char *save = NULL;
        for (char *name = strtok_r(list, "\n", &save); name; name = strtok_r(NULL, "\n", &save))
            scorm_files_add(&files, name);
        free(list);
        manifest = nul + 1;
        manifest_size = size - (size_t)(nul - data) - 1;
    } else {
        scorm_files_add(&files, "index.html");
    }
    scorm_files_add(&files, "imsmanifest.xml");
    if (scorm_files_finish(&files) == 0) {
        scorm_report report;
        if (scorm_report_init(&report, "fuzz") == 0) {
            panya_error err = {0};
            scorm_check_manifest(&files, (const char *)manifest, manifest_size, NULL, &report,
                                 &err);
            scorm_report_sort(&report);
            scorm_report_free(&report);
        }
    }
    scorm_files_free(&files);
    return 0;
}
