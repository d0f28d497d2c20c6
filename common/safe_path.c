#include "common/safe_path.h"

#include "common/utf8.h"

bool panya_path_is_safe(const char *path, size_t len)
{
    if (len == 0 || len > 4096 || !panya_utf8_valid(path, len))
        return false;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = i < len ? (unsigned char)path[i] : '/';
        if (c == '/') {
            size_t clen = i - start;
            if (clen == 0 || clen > 255 || (clen == 1 && path[start] == '.') ||
                (clen == 2 && path[start] == '.' && path[start + 1] == '.'))
                return false;
            start = i + 1;
        } else if (c < 0x20 || c == 0x7f || c == '\\') {
            return false;
        }
    }
    return true;
}
