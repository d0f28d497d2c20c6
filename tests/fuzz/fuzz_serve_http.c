/* libFuzzer target: the request-side parsers of `panya serve` (delivery/serve_http.h) on
 * hostile header values and request targets, with the invariants the server relies on:
 * ranges lie inside the file, decoded paths have no ".." segment and no NUL, and the
 * multipart layout adds up to its Content-Length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "delivery/serve_http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    uint64_t file_size;
    memcpy(&file_size, data, 8);
    file_size %= (1ull << 40);
    char *text = malloc(size - 8 + 1);
    if (!text)
        return 0;
    memcpy(text, data + 8, size - 8);
    text[size - 8] = '\0';

    serve_range ranges[SERVE_MAX_RANGES];
    size_t count = 0;
    if (serve_parse_ranges(text, file_size, ranges, &count) == SERVE_RANGE_OK) {
        for (size_t i = 0; i < count; i++)
            if (ranges[i].first > ranges[i].last || ranges[i].last >= file_size)
                abort();
        serve_multipart mp;
        if (serve_multipart_init(&mp, ranges, count, file_size, "video/mp4", "00") == 0) {
            uint64_t sum = mp.closing_length;
            for (size_t i = 0; i < count; i++)
                sum += mp.header_lengths[i] + ranges[i].last - ranges[i].first + 1;
            if (sum != mp.total_length)
                abort();
            serve_multipart_free(&mp);
        }
    }
    char path[4096];
    if (serve_decode_path(text, path, sizeof path) == 0) {
        if (strstr(path, "/../") || strstr(path, "/./") || strstr(path, "//") ||
            strchr(path, '\\') || strlen(path) > sizeof path - 1)
            abort();
        size_t n = strlen(path);
        if ((n >= 3 && strcmp(path + n - 3, "/..") == 0) ||
            (n >= 2 && strcmp(path + n - 2, "/.") == 0))
            abort();
    }
    char value[256];
    serve_decode_query_value(text, strlen(text), value, sizeof value);
    serve_etag_listed(text, "\"abc\"");
    serve_if_range_allows(text, "\"abc\"");
    serve_accepts_gzip(text);
    serve_pick_profile(text, text);
    char *escaped = serve_url_escape(text);
    free(escaped);
    char line[512];
    serve_format_log_line(line, sizeof line, text, 0, text, text, text, 200, 1, text, text);
    free(text);
    return 0;
}
