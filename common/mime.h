/* MIME types by file name, and whether a type is worth compressing. */
#ifndef PANYA_COMMON_MIME_H
#define PANYA_COMMON_MIME_H

#include <stdbool.h>

/* The MIME type for a file name's extension (case-insensitive);
 * "application/octet-stream" when unknown. The string is static. */
const char *mime_type_for_path(const char *path);

/* False for types that are already compressed (video, audio, raster images, PDF, zip-based
 * documents, fonts in woff): zstd would only waste time on them. */
bool mime_type_is_compressible(const char *mime);

/* The dictionary class a compressible type trains with ("html", "script", "style", …);
 * types in one class share vocabulary. */
const char *mime_type_dictionary_class(const char *mime);

#endif
