#include "cli/json_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/output_file.h"
#include "writer/bundle_patch.h"

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

/* Length of the valid UTF-8 sequence at p (at most `left` bytes), or 0 when it is not one. */
static size_t utf8_sequence(const unsigned char *p, size_t left)
{
    size_t n;
    unsigned min;
    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xE0) == 0xC0) {
        n = 2;
        min = 0x80;
    } else if ((p[0] & 0xF0) == 0xE0) {
        n = 3;
        min = 0x800;
    } else if ((p[0] & 0xF8) == 0xF0) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n > left)
        return 0;
    unsigned cp = p[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

json_t *cli_json_string(const char *s)
{
    if (!s)
        return json_null();
    json_t *value = json_string(s);
    if (value)
        return value;
    /* Not UTF-8: keep every valid sequence, replace each stray byte with U+FFFD. */
    size_t len = strlen(s);
    char *clean = malloc(len * 3 + 1);
    if (!clean)
        return NULL;
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_sequence((const unsigned char *)s + i, len - i);
        if (n) {
            memcpy(clean + out, s + i, n);
            out += n;
            i += n;
        } else {
            memcpy(clean + out, "\xEF\xBF\xBD", 3);
            out += 3;
            i++;
        }
    }
    value = json_stringn(clean, out);
    free(clean);
    return value;
}

json_t *cli_json_real_or_null(double value)
{
    return value < 0 ? json_null() : json_real(value);
}

int cli_json_print(json_t *doc)
{
    if (!doc)
        return -1;
    json_dumpf(doc, stdout, DUMP_FLAGS);
    fputc('\n', stdout);
    json_decref(doc);
    return 0;
}

int cli_json_write_file(json_t *doc, const char *path, panya_error *err)
{
    char *text = doc ? json_dumps(doc, DUMP_FLAGS) : NULL;
    json_decref(doc);
    if (!text)
        return panya_error_oom(err);
    size_t len = strlen(text);
    char *line = realloc(text, len + 2); /* the document and its newline, written at once */
    if (!line) {
        free(text);
        return panya_error_oom(err);
    }
    text = line;
    memcpy(text + len, "\n", 2);
    int status = panya_output_write_file(path, text, len + 1, err);
    free(text);
    return status;
}

json_t *patch_stats_json(const char *command, const cli_two_inputs *args,
                         const patch_stats *stats)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "command",
                     command, "first", cli_json_string(args->first), "second",
                     cli_json_string(args->second), "output", cli_json_string(args->output),
                     "old_bytes", (json_int_t)stats->old_size, "new_bytes",
                     (json_int_t)stats->new_size, "patch_bytes", (json_int_t)stats->patch_size,
                     "copied_bytes", (json_int_t)stats->copied_bytes, "literal_bytes",
                     (json_int_t)stats->literal_bytes, "objects_copied",
                     (json_int_t)stats->objects_copied, "objects_carried",
                     (json_int_t)stats->objects_carried, "segments",
                     (json_int_t)stats->segments);
}
