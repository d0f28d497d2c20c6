#include "common/mime.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

typedef struct mime_entry {
    const char *extension;
    const char *mime;
} mime_entry;

/* Sorted by extension for readability only; looked up linearly (it is short). */
static const mime_entry mime_table[] = {
    {"3g2", "video/3gpp2"},
    {"3gp", "video/3gpp"},
    {"aac", "audio/aac"},
    {"aif", "audio/aiff"},
    {"aiff", "audio/aiff"},
    {"amr", "audio/amr"},
    {"avi", "video/x-msvideo"},
    {"bmp", "image/bmp"},
    {"css", "text/css"},
    {"csv", "text/csv"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"dtd", "application/xml-dtd"},
    {"eot", "application/vnd.ms-fontobject"},
    {"epub", "application/epub+zip"},
    {"f4v", "video/mp4"},
    {"flac", "audio/flac"},
    {"flv", "video/x-flv"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"htm", "text/html"},
    {"html", "text/html"},
    {"ico", "image/vnd.microsoft.icon"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript"},
    {"json", "application/json"},
    {"m2ts", "video/mp2t"},
    {"m4a", "audio/mp4"},
    {"m4v", "video/mp4"},
    {"md", "text/markdown"},
    {"mjs", "text/javascript"},
    {"mka", "audio/x-matroska"},
    {"mkv", "video/x-matroska"},
    {"mov", "video/quicktime"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"mpeg", "video/mpeg"},
    {"mpg", "video/mpeg"},
    {"mts", "video/mp2t"},
    {"oga", "audio/ogg"},
    {"ogg", "audio/ogg"},
    {"ogv", "video/ogg"},
    {"opus", "audio/opus"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"svg", "image/svg+xml"},
    {"swf", "application/x-shockwave-flash"},
    {"ts", "video/mp2t"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain"},
    {"vob", "video/mpeg"},
    {"vtt", "text/vtt"},
    {"wav", "audio/wav"},
    {"weba", "audio/webm"},
    {"webm", "video/webm"},
    {"webp", "image/webp"},
    {"wma", "audio/x-ms-wma"},
    {"wmv", "video/x-ms-wmv"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xhtml", "application/xhtml+xml"},
    {"xml", "application/xml"},
    {"xsd", "application/xml"},
    {"zip", "application/zip"},
};

const char *mime_type_for_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');
    if (dot && dot != name) {
        for (size_t i = 0; i < sizeof mime_table / sizeof mime_table[0]; i++)
            if (strcasecmp(dot + 1, mime_table[i].extension) == 0)
                return mime_table[i].mime;
    }
    return "application/octet-stream";
}

bool mime_type_is_compressible(const char *mime)
{
    static const char *const packed_prefixes[] = {"video/", "audio/"};
    static const char *const packed_types[] = {
        "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf",
        "application/zip", "application/gzip", "application/epub+zip", "font/woff",
        "font/woff2", "application/x-shockwave-flash",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    };
    if (strcmp(mime, "audio/wav") == 0)
        return true;
    for (size_t i = 0; i < sizeof packed_prefixes / sizeof packed_prefixes[0]; i++)
        if (strncmp(mime, packed_prefixes[i], strlen(packed_prefixes[i])) == 0)
            return false;
    for (size_t i = 0; i < sizeof packed_types / sizeof packed_types[0]; i++)
        if (strcmp(mime, packed_types[i]) == 0)
            return false;
    return true;
}

const char *mime_type_dictionary_class(const char *mime)
{
    if (strcmp(mime, "text/html") == 0 || strcmp(mime, "application/xhtml+xml") == 0)
        return "html";
    if (strcmp(mime, "text/javascript") == 0 || strcmp(mime, "application/json") == 0)
        return "script";
    if (strcmp(mime, "text/css") == 0)
        return "style";
    if (strcmp(mime, "application/xml") == 0 || strcmp(mime, "image/svg+xml") == 0 ||
        strcmp(mime, "application/xml-dtd") == 0)
        return "xml";
    if (strncmp(mime, "text/", 5) == 0)
        return "text";
    return "other";
}
