/* HTTP rules of `panya serve` that need no socket: Range parsing (RFC 9110 section 14),
 * entity-tag matching for If-None-Match / If-Range, strict request-path decoding, the
 * device profile (Save-Data header or cookie), multipart/byteranges bodies and access-log
 * lines. Pure functions over strings: no I/O, thread-safe, fuzzable. */
#ifndef PANYA_DELIVERY_SERVE_HTTP_H
#define PANYA_DELIVERY_SERVE_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* More ranges than this in one request, or ranges adding up to more than twice the file,
 * are ignored and the whole file is sent (RFC 9110 lets a server do so; it stops a request
 * from making the server send a file thousands of times). */
#define SERVE_MAX_RANGES 16

typedef struct serve_range {
    uint64_t first, last; /* inclusive byte positions, first <= last < size */
} serve_range;

typedef enum serve_range_result {
    SERVE_RANGE_NONE,          /* no usable Range header: send the whole file (200) */
    SERVE_RANGE_OK,            /* *count satisfiable ranges (206) */
    SERVE_RANGE_UNSATISFIABLE, /* a valid header none of whose ranges fit the file (416) */
} serve_range_result;

/* Parses a Range header value (may be NULL) for a file of `size` bytes into ranges[]
 * (room for SERVE_MAX_RANGES), in the order requested. Malformed headers and units other
 * than bytes are ignored (SERVE_RANGE_NONE), as RFC 9110 asks. */
serve_range_result serve_parse_ranges(const char *header, uint64_t size, serve_range *ranges,
                                      size_t *count);

/* True when an If-None-Match value (may be NULL: false) names the entity tag `etag`
 * (quoted, e.g. "\"abc\""), by weak comparison, or is "*". */
bool serve_etag_listed(const char *if_none_match, const char *etag);

/* True when an If-Range value (may be NULL: true) allows the ranges: it must be exactly
 * the strong entity tag `etag`. Dates never match (the server gives no Last-Modified). */
bool serve_if_range_allows(const char *if_range, const char *etag);

/* Decodes the path of a request target (without the query) into out (cap bytes):
 * %XX escapes are decoded, then the result must be well-formed UTF-8 (no overlong forms)
 * without NUL, control characters or backslashes, start with '/', and have no "." or ".."
 * segment and no empty segment except a final one (a trailing '/'). Returns 0, or -1 for a
 * request to refuse with 400. */
int serve_decode_path(const char *raw, char *out, size_t cap);

/* Decodes one query-string value ('+' is a space) into out; returns 0 or -1 (bad escape,
 * NUL, invalid UTF-8, too long). */
int serve_decode_query_value(const char *raw, size_t len, char *out, size_t cap);

/* Looks up `name` in a raw query string ("a=1&b=2"); returns a pointer to the raw value and
 * sets *len, or NULL when absent. */
const char *serve_query_find(const char *query, const char *name, size_t *len);

/* The profile a device asked for: the cookie SERVE_PROFILE_COOKIE ("small" or "low") when
 * set, else "low" when the Save-Data header is "on", else NULL (the bundle's default). */
#define SERVE_PROFILE_COOKIE "panya_profile"
const char *serve_pick_profile(const char *cookie_header, const char *save_data);

/* True when name is a profile a device may pick: "small" or "low". */
bool serve_profile_is_choice(const char *name);

/* True when the Accept-Encoding value accepts gzip (a q=0 refuses it). */
bool serve_accepts_gzip(const char *accept_encoding);

/* Percent-encodes a path for use in a URL (keeps '/', unreserved characters and UTF-8
 * bytes above 0x7F escaped as %XX). Returns a malloc'd string or NULL. */
char *serve_url_escape(const char *path);

/* The parts of a multipart/byteranges body: part i's header is the text before the bytes of
 * ranges[i]; the closing delimiter follows the last part. */
typedef struct serve_multipart {
    char boundary[48];
    char **part_headers; /* count strings */
    size_t *header_lengths;
    size_t count;
    serve_range *ranges;
    const char *closing; /* "\r\n--BOUNDARY--\r\n" (points into closing_buf) */
    char closing_buf[64];
    size_t closing_length;
    uint64_t total_length; /* the body's exact length: Content-Length */
} serve_multipart;

/* Prepares the body for ranges of a file of `size` bytes and MIME type `mime`; the boundary
 * is derived from `tag` (the file's hash in hex). Returns 0, or -1 when out of memory. */
int serve_multipart_init(serve_multipart *mp, const serve_range *ranges, size_t count,
                         uint64_t size, const char *mime, const char *tag);
void serve_multipart_free(serve_multipart *mp);

/* Where body position `pos` falls: returns the part index and sets *in_header (true: within
 * the part header at *offset; false: within the file at file position *offset), or returns
 * count with *offset into the closing delimiter. */
size_t serve_multipart_locate(const serve_multipart *mp, uint64_t pos, bool *in_header,
                              uint64_t *offset);

/* Writes one access-log line in the Combined Log Format (no newline), escaping quotes,
 * backslashes and control bytes of the request fields. Any string may be NULL ("-"). */
void serve_format_log_line(char *out, size_t cap, const char *client, time_t when,
                           const char *method, const char *target, const char *version,
                           unsigned status, uint64_t bytes, const char *referer,
                           const char *user_agent);

#endif
