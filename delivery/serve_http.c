/* HTTP rules of `panya serve` without sockets: see serve_http.h. */
#include "delivery/serve_http.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/utf8.h"

static const char *skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Parses decimal digits into *value; NULL when there are none or the value overflows. */
static const char *parse_u64(const char *p, uint64_t *value)
{
    if (!isdigit((unsigned char)*p))
        return NULL;
    uint64_t v = 0;
    while (isdigit((unsigned char)*p)) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return NULL;
        v = v * 10 + d;
        p++;
    }
    *value = v;
    return p;
}

serve_range_result serve_parse_ranges(const char *header, uint64_t size, serve_range *ranges,
                                      size_t *count)
{
    *count = 0;
    if (!header)
        return SERVE_RANGE_NONE;
    const char *p = skip_spaces(header);
    if (strncasecmp(p, "bytes", 5) != 0)
        return SERVE_RANGE_NONE;
    p = skip_spaces(p + 5);
    if (*p != '=')
        return SERVE_RANGE_NONE;
    p++;
    size_t specs = 0;
    uint64_t total = 0;
    for (;;) {
        p = skip_spaces(p);
        if (*p == ',') { /* empty list elements are allowed */
            p++;
            continue;
        }
        if (*p == '\0')
            break;
        uint64_t first = 0, last = UINT64_MAX, suffix = 0;
        bool is_suffix = *p == '-';
        if (is_suffix) {
            if (!(p = parse_u64(p + 1, &suffix)))
                return SERVE_RANGE_NONE;
        } else {
            if (!(p = parse_u64(p, &first)) || *p != '-')
                return SERVE_RANGE_NONE;
            p++;
            if (isdigit((unsigned char)*p)) {
                if (!(p = parse_u64(p, &last)) || last < first)
                    return SERVE_RANGE_NONE;
            }
        }
        p = skip_spaces(p);
        if (*p != ',' && *p != '\0')
            return SERVE_RANGE_NONE;
        if (++specs > SERVE_MAX_RANGES)
            return *count = 0, SERVE_RANGE_NONE;
        if (is_suffix) {
            if (suffix == 0 || size == 0)
                continue; /* unsatisfiable */
            first = suffix >= size ? 0 : size - suffix;
            last = size - 1;
        } else {
            if (first >= size)
                continue; /* unsatisfiable */
            if (last >= size)
                last = size - 1;
        }
        ranges[*count].first = first;
        ranges[*count].last = last;
        total += last - first + 1;
        (*count)++;
    }
    if (specs == 0)
        return SERVE_RANGE_NONE;
    if (*count == 0)
        return SERVE_RANGE_UNSATISFIABLE;
    if (total > 2 * size)
        return *count = 0, SERVE_RANGE_NONE;
    return SERVE_RANGE_OK;
}

/* Compares the opaque part of a listed tag (W/ prefix dropped) with etag. */
static bool tag_equal(const char *start, size_t len, const char *etag, bool weak_ok)
{
    if (len >= 2 && start[0] == 'W' && start[1] == '/') {
        if (!weak_ok)
            return false;
        start += 2;
        len -= 2;
    }
    return len == strlen(etag) && memcmp(start, etag, len) == 0;
}

bool serve_etag_listed(const char *if_none_match, const char *etag)
{
    if (!if_none_match)
        return false;
    const char *p = skip_spaces(if_none_match);
    if (p[0] == '*' && *skip_spaces(p + 1) == '\0')
        return true;
    while (*p) {
        p = skip_spaces(p);
        const char *start = p;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p != '"')
            return false;
        const char *close = strchr(p + 1, '"');
        if (!close)
            return false;
        if (tag_equal(start, (size_t)(close + 1 - start), etag, true))
            return true;
        p = skip_spaces(close + 1);
        if (*p == ',')
            p++;
        else if (*p != '\0')
            return false;
    }
    return false;
}

bool serve_if_range_allows(const char *if_range, const char *etag)
{
    if (!if_range)
        return true;
    const char *p = skip_spaces(if_range);
    size_t len = strlen(p);
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    return tag_equal(p, len, etag, false);
}

int serve_decode_path(const char *raw, char *out, size_t cap)
{
    if (raw[0] != '/')
        return -1;
    size_t n = 0;
    for (const char *p = raw; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '%') {
            int hi = panya_hex_digit(p[1]);
            int lo = hi < 0 ? -1 : panya_hex_digit(p[2]);
            if (lo < 0)
                return -1;
            c = (unsigned char)(hi * 16 + lo);
            p += 2;
        }
        if (c < 0x20 || c == 0x7f || c == '\\')
            return -1;
        if (n + 1 >= cap)
            return -1;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    if (!panya_utf8_valid(out, n))
        return -1;
    /* Segments: none empty (but a trailing '/'), none "." or "..". */
    for (const char *seg = out + 1;;) {
        const char *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 0 && end)
            return -1;
        if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return -1;
        if (!end)
            break;
        seg = end + 1;
    }
    return 0;
}

int serve_decode_query_value(const char *raw, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < len ? panya_hex_digit(raw[i + 1]) : -1;
            int lo = hi < 0 ? -1 : panya_hex_digit(raw[i + 2]);
            if (lo < 0)
                return -1;
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        if (c < 0x20 || c == 0x7f || n + 1 >= cap)
            return -1;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return panya_utf8_valid(out, n) ? 0 : -1;
}

const char *serve_query_find(const char *query, const char *name, size_t *len)
{
    if (!query)
        return NULL;
    size_t name_len = strlen(name);
    for (const char *p = query; *p;) {
        const char *end = strchr(p, '&');
        size_t seg = end ? (size_t)(end - p) : strlen(p);
        if (seg > name_len && strncmp(p, name, name_len) == 0 && p[name_len] == '=') {
            *len = seg - name_len - 1;
            return p + name_len + 1;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return NULL;
}

bool serve_profile_is_choice(const char *name)
{
    return name && (strcmp(name, "small") == 0 || strcmp(name, "low") == 0);
}

const char *serve_pick_profile(const char *cookie_header, const char *save_data)
{
    static const char *const choices[] = {"small", "low"};
    const size_t name_len = strlen(SERVE_PROFILE_COOKIE);
    for (const char *p = cookie_header; p && *p;) {
        p = skip_spaces(p);
        const char *end = strchr(p, ';');
        size_t seg = end ? (size_t)(end - p) : strlen(p);
        if (seg > name_len && strncmp(p, SERVE_PROFILE_COOKIE, name_len) == 0 &&
            p[name_len] == '=') {
            const char *value = p + name_len + 1;
            size_t value_len = seg - name_len - 1;
            for (size_t i = 0; i < 2; i++)
                if (value_len == strlen(choices[i]) && memcmp(value, choices[i], value_len) == 0)
                    return choices[i];
        }
        if (!end)
            break;
        p = end + 1;
    }
    if (save_data && strncasecmp(skip_spaces(save_data), "on", 2) == 0)
        return "low";
    return NULL;
}

/* True when the q parameter of one Accept-Encoding element (text between ';' and the
 * element's end) is zero: "q=0", "q=0.0", "q=0.000". */
static bool quality_is_zero(const char *params, size_t len)
{
    const char *q = memchr(params, '=', len);
    if (!q)
        return false;
    const char *name = skip_spaces(params);
    if (name[0] != 'q' && name[0] != 'Q')
        return false;
    const char *v = skip_spaces(q + 1);
    const char *end = params + len;
    if (v >= end || *v != '0')
        return false;
    for (v++; v < end && (*v == '.' || *v == '0'); v++)
        ;
    return v >= end || *v == ' ' || *v == '\t' || *v == ';';
}

bool serve_accepts_gzip(const char *accept_encoding)
{
    int gzip = -1, any = -1; /* -1 not named, 0 refused, 1 accepted */
    for (const char *p = accept_encoding; p && *p;) {
        p = skip_spaces(p);
        const char *end = strchr(p, ',');
        size_t seg = end ? (size_t)(end - p) : strlen(p);
        size_t token = strcspn(p, ";, \t");
        if (token > seg)
            token = seg;
        const char *semi = memchr(p, ';', seg);
        int accepted = !(semi && quality_is_zero(semi + 1, seg - (size_t)(semi + 1 - p)));
        if (token == 4 && strncasecmp(p, "gzip", 4) == 0)
            gzip = accepted;
        else if (token == 1 && p[0] == '*')
            any = accepted;
        if (!end)
            break;
        p = end + 1;
    }
    return gzip >= 0 ? gzip == 1 : any == 1;
}

char *serve_url_escape(const char *path)
{
    size_t len = strlen(path);
    char *out = malloc(3 * len + 1);
    if (!out)
        return NULL;
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("-._~/", *p)) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    out[n] = '\0';
    return out;
}

int serve_multipart_init(serve_multipart *mp, const serve_range *ranges, size_t count,
                         uint64_t size, const char *mime, const char *tag)
{
    memset(mp, 0, sizeof *mp);
    snprintf(mp->boundary, sizeof mp->boundary, "panya-%.32s", tag);
    mp->part_headers = calloc(count, sizeof *mp->part_headers);
    mp->header_lengths = calloc(count, sizeof *mp->header_lengths);
    mp->ranges = malloc(count * sizeof *mp->ranges);
    if (!mp->part_headers || !mp->header_lengths || !mp->ranges) {
        serve_multipart_free(mp);
        return -1;
    }
    memcpy(mp->ranges, ranges, count * sizeof *ranges);
    mp->count = count;
    for (size_t i = 0; i < count; i++) {
        int n = asprintf(&mp->part_headers[i],
                         "%s--%s\r\nContent-Type: %s\r\nContent-Range: bytes %" PRIu64 "-%" PRIu64
                         "/%" PRIu64 "\r\n\r\n",
                         i == 0 ? "" : "\r\n", mp->boundary, mime, ranges[i].first,
                         ranges[i].last, size);
        if (n < 0) {
            mp->part_headers[i] = NULL;
            serve_multipart_free(mp);
            return -1;
        }
        mp->header_lengths[i] = (size_t)n;
        mp->total_length += (uint64_t)n + (ranges[i].last - ranges[i].first + 1);
    }
    int n = snprintf(mp->closing_buf, sizeof mp->closing_buf, "\r\n--%s--\r\n", mp->boundary);
    mp->closing = mp->closing_buf;
    mp->closing_length = (size_t)n;
    mp->total_length += (uint64_t)n;
    return 0;
}

void serve_multipart_free(serve_multipart *mp)
{
    for (size_t i = 0; mp->part_headers && i < mp->count; i++)
        free(mp->part_headers[i]);
    free(mp->part_headers);
    free(mp->header_lengths);
    free(mp->ranges);
    memset(mp, 0, sizeof *mp);
}

size_t serve_multipart_locate(const serve_multipart *mp, uint64_t pos, bool *in_header,
                              uint64_t *offset)
{
    for (size_t i = 0; i < mp->count; i++) {
        if (pos < mp->header_lengths[i]) {
            *in_header = true;
            *offset = pos;
            return i;
        }
        pos -= mp->header_lengths[i];
        uint64_t len = mp->ranges[i].last - mp->ranges[i].first + 1;
        if (pos < len) {
            *in_header = false;
            *offset = mp->ranges[i].first + pos;
            return i;
        }
        pos -= len;
    }
    *in_header = false;
    *offset = pos;
    return mp->count;
}

/* A log line being written: never past cap - 1 bytes, always NUL-terminated. */
typedef struct log_writer {
    char *out;
    size_t cap, len;
} log_writer;

static void log_put(log_writer *w, const char *s, size_t n)
{
    if (w->len + 1 >= w->cap)
        return;
    size_t room = w->cap - 1 - w->len;
    if (n > room)
        n = room;
    memcpy(w->out + w->len, s, n);
    w->len += n;
    w->out[w->len] = '\0';
}

/* Appends s ("-" when NULL or empty) with quotes, backslashes and control bytes escaped. */
static void log_put_escaped(log_writer *w, const char *s)
{
    if (!s || !*s)
        s = "-";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || *p < 0x20 || *p == 0x7f) {
            char esc[8];
            int n = snprintf(esc, sizeof esc, "\\x%02X", *p);
            log_put(w, esc, (size_t)n);
        } else {
            log_put(w, (const char *)p, 1);
        }
    }
}

void serve_format_log_line(char *out, size_t cap, const char *client, time_t when,
                           const char *method, const char *target, const char *version,
                           unsigned status, uint64_t bytes, const char *referer,
                           const char *user_agent)
{
    if (cap == 0)
        return;
    out[0] = '\0';
    log_writer w = {out, cap, 0};
    struct tm tm;
    localtime_r(&when, &tm);
    char buf[96];
    log_put_escaped(&w, client);
    strftime(buf, sizeof buf, " - - [%d/%b/%Y:%H:%M:%S %z] \"", &tm);
    log_put(&w, buf, strlen(buf));
    log_put_escaped(&w, method);
    log_put(&w, " ", 1);
    log_put_escaped(&w, target);
    log_put(&w, " ", 1);
    log_put_escaped(&w, version);
    int n = snprintf(buf, sizeof buf, "\" %u %" PRIu64 " \"", status, bytes);
    log_put(&w, buf, (size_t)n);
    log_put_escaped(&w, referer);
    log_put(&w, "\" \"", 3);
    log_put_escaped(&w, user_agent);
    log_put(&w, "\"", 1);
}
