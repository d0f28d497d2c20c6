/* Answering a request with a file, a document or an error: see serve_server.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hash.h"
#include "common/mime.h"
#include "delivery/serve_http.h"
#include "delivery/serve_pages.h"
#include "delivery/serve_server.h"

/* Compressible files up to this size are compressed with gzip for clients that accept it;
 * compressed files up to it are decompressed into memory once per request (the library's
 * cache usually holds them already). */
#define SERVE_GZIP_LIMIT (8u * 1024 * 1024)
#define SERVE_LOAD_LIMIT (64u * 1024 * 1024)

#define IMMUTABLE "public, max-age=31536000, immutable"
#define REVALIDATE "no-cache"

void serve_log_error(serve_server *s, const char *fmt, ...)
{
    if (!s->options.error_log)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    s->options.error_log(s->options.log_ctx, line);
}

enum MHD_Result serve_queue(struct MHD_Connection *c, serve_request *req, unsigned status,
                            struct MHD_Response *response, uint64_t body_length)
{
    if (!response)
        return MHD_NO;
    req->status = status;
    req->bytes = req->is_head || status == 304 || status == 204 ? 0 : body_length;
    enum MHD_Result result = MHD_queue_response(c, status, response);
    MHD_destroy_response(response);
    return result;
}

enum MHD_Result serve_send_error(struct MHD_Connection *c, serve_request *req, unsigned status,
                                 const char *reason)
{
    size_t len = 0;
    char *html = serve_page_error(status, reason, &len);
    if (!html)
        return MHD_NO;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, html, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(html);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (status == 405)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    return serve_queue(c, req, status, r, len);
}

static void common_headers(struct MHD_Response *r, const char *etag, const char *cache_control,
                           const char *vary)
{
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control);
    if (vary)
        MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, vary);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
}

static enum MHD_Result send_not_modified(struct MHD_Connection *c, serve_request *req,
                                         const char *etag, const char *cache_control,
                                         const char *vary)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    common_headers(r, etag, cache_control, vary);
    return serve_queue(c, req, MHD_HTTP_NOT_MODIFIED, r, 0);
}

/* A response whose body is len bytes at data inside blob (which it keeps referenced). */
static struct MHD_Response *blob_response(serve_blob *blob, const unsigned char *data,
                                          size_t len)
{
    serve_blob_ref(blob);
    struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback_cls(
        len, (void *)(uintptr_t)data, serve_blob_release, blob);
    if (!r)
        serve_blob_unref(blob);
    return r;
}

enum MHD_Result serve_send_blob(struct MHD_Connection *c, serve_request *req, serve_blob *blob,
                                serve_blob *gzip_blob, const char *mime, const char *etag,
                                const char *cache_control, const char *vary)
{
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    if (serve_etag_listed(inm, etag))
        return send_not_modified(c, req, etag, cache_control, vary);
    bool gzip = gzip_blob &&
                serve_accepts_gzip(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                               "Accept-Encoding"));
    serve_blob *body = gzip ? gzip_blob : blob;
    struct MHD_Response *r = blob_response(body, body->data, body->size);
    if (!r)
        return MHD_NO;
    common_headers(r, etag, cache_control, vary);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, mime);
    if (gzip)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    return serve_queue(c, req, 200, r, body->size);
}

/* ---- files ---------------------------------------------------------------------------- */

/* Where a callback body reads the file's bytes from: a decompressed copy in memory, or the
 * bundle file (raw objects, already checked). */
typedef struct file_source {
    serve_blob *blob; /* NULL: pread from fd at offset */
    int fd;
    uint64_t offset;
} file_source;

static ssize_t source_read(const file_source *src, uint64_t pos, char *buf, size_t len)
{
    if (src->blob) {
        memcpy(buf, src->blob->data + pos, len);
        return (ssize_t)len;
    }
    for (;;) {
        ssize_t n = pread(src->fd, buf, len, (off_t)(src->offset + pos));
        if (n < 0 && errno == EINTR)
            continue;
        return n > 0 ? n : -1;
    }
}

typedef struct multipart_body {
    serve_multipart mp;
    file_source src;
} multipart_body;

static ssize_t multipart_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    multipart_body *body = cls;
    if (pos >= body->mp.total_length)
        return MHD_CONTENT_READER_END_OF_STREAM;
    bool in_header;
    uint64_t offset;
    size_t part = serve_multipart_locate(&body->mp, pos, &in_header, &offset);
    if (part == body->mp.count) {
        size_t n = body->mp.closing_length - (size_t)offset;
        n = n < max ? n : max;
        memcpy(buf, body->mp.closing + offset, n);
        return (ssize_t)n;
    }
    if (in_header) {
        size_t n = body->mp.header_lengths[part] - (size_t)offset;
        n = n < max ? n : max;
        memcpy(buf, body->mp.part_headers[part] + offset, n);
        return (ssize_t)n;
    }
    uint64_t left = body->mp.ranges[part].last - offset + 1;
    size_t n = left < max ? (size_t)left : max;
    ssize_t got = source_read(&body->src, offset, buf, n);
    return got < 0 ? MHD_CONTENT_READER_END_WITH_ERROR : got;
}

static void multipart_free(void *cls)
{
    multipart_body *body = cls;
    serve_multipart_free(&body->mp);
    serve_blob_unref(body->src.blob);
    free(body);
}

static struct MHD_Response *multipart_response(const serve_range *ranges, size_t count,
                                               const panya_file_info *info,
                                               const file_source *src, const char *hex,
                                               uint64_t *length, char *content_type,
                                               size_t content_type_cap)
{
    multipart_body *body = calloc(1, sizeof *body);
    if (!body || serve_multipart_init(&body->mp, ranges, count, info->size, info->mime, hex)) {
        free(body);
        return NULL;
    }
    body->src = *src;
    if (body->src.blob)
        serve_blob_ref(body->src.blob);
    *length = body->mp.total_length;
    snprintf(content_type, content_type_cap, "multipart/byteranges; boundary=%s",
             body->mp.boundary);
    struct MHD_Response *r = MHD_create_response_from_callback(
        body->mp.total_length, 64 * 1024, multipart_reader, body, multipart_free);
    if (!r)
        multipart_free(body);
    return r;
}

/* A whole-file or single-range body. */
static struct MHD_Response *range_response(const file_source *src, uint64_t first,
                                           uint64_t length)
{
    if (src->blob)
        return blob_response(src->blob, src->blob->data + first, (size_t)length);
    /* libmicrohttpd closes the descriptor it is given, and sends it with sendfile. */
    int fd = dup(src->fd);
    if (fd < 0)
        return NULL;
    struct MHD_Response *r = MHD_create_response_from_fd_at_offset64(length, fd,
                                                                     src->offset + first);
    if (!r)
        close(fd);
    return r;
}

static enum MHD_Result damaged(serve_server *s, struct MHD_Connection *c, serve_request *req,
                               const panya_error_info *e)
{
    serve_log_error(s, "500 %s: %s", req->target, e->message);
    return serve_send_error(c, req, 500, "Internal Server Error");
}

/* The gzip copy of a compressible file: from the cache, or compressed now and kept. NULL
 * with *status PANYA_OK when memory ran out (then the file is sent plain). */
static serve_blob *gzip_of(serve_server *s, serve_pack *pack, const panya_file_info *info,
                           panya_error_info *e, panya_status *status)
{
    *status = PANYA_OK;
    serve_blob *gz = serve_blob_cache_get(&s->gzip_cache, info->sha256);
    if (gz)
        return gz;
    uint8_t *data = NULL;
    if ((*status = serve_pack_load(pack, info, SERVE_GZIP_LIMIT, &data, e)) != PANYA_OK)
        return NULL;
    gz = serve_gzip(data, (size_t)info->size);
    free(data);
    if (gz)
        serve_blob_cache_put(&s->gzip_cache, info->sha256, gz);
    return gz;
}

enum MHD_Result serve_send_file(serve_server *s, struct MHD_Connection *c, serve_request *req,
                                serve_pack *pack, const panya_file_info *info, bool immutable)
{
    char hex[PANYA_HASH_HEX_SIZE], etag[80], etag_gzip[84];
    panya_hash_to_hex(info->sha256, hex);
    snprintf(etag, sizeof etag, "\"%s\"", hex);
    snprintf(etag_gzip, sizeof etag_gzip, "\"%s.gz\"", hex);
    const char *cache_control = immutable ? IMMUTABLE : REVALIDATE;
    bool compressible = mime_type_is_compressible(info->mime);
    const char *vary = immutable ? (compressible ? "Accept-Encoding" : NULL)
                                 : (compressible ? "Accept-Encoding, Cookie, Save-Data"
                                                 : "Cookie, Save-Data");
    const char *range_header = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
    const char *if_range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Range");
    bool gzip = compressible && info->size <= SERVE_GZIP_LIMIT && !range_header &&
                serve_accepts_gzip(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                               "Accept-Encoding"));
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    if (serve_etag_listed(inm, etag) || serve_etag_listed(inm, etag_gzip))
        return send_not_modified(c, req, gzip ? etag_gzip : etag, cache_control, vary);

    panya_error_info e = {0};
    struct MHD_Response *r = NULL;
    uint64_t length = 0;
    unsigned status = 200;
    if (gzip) {
        panya_status st;
        serve_blob *gz = gzip_of(s, pack, info, &e, &st);
        if (st != PANYA_OK)
            return damaged(s, c, req, &e);
        if (gz) {
            r = blob_response(gz, gz->data, gz->size);
            length = gz->size;
            serve_blob_unref(gz);
            if (!r)
                return MHD_NO;
            common_headers(r, etag_gzip, cache_control, vary);
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, info->mime);
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
            return serve_queue(c, req, 200, r, length);
        }
        /* Out of memory for the gzip copy: send it plain. */
    }

    file_source src = {.fd = pack->fd, .offset = info->offset};
    if (info->method == PANYA_STORED_RAW) {
        if (serve_pack_check_raw(pack, info, &e) != PANYA_OK)
            return damaged(s, c, req, &e);
    } else {
        uint8_t *data = NULL;
        if (serve_pack_load(pack, info, SERVE_LOAD_LIMIT, &data, &e) != PANYA_OK)
            return damaged(s, c, req, &e);
        src.blob = serve_blob_copy(data, (size_t)info->size);
        free(data);
        if (!src.blob)
            return MHD_NO;
    }

    serve_range ranges[SERVE_MAX_RANGES];
    size_t count = 0;
    serve_range_result rr = serve_if_range_allows(if_range, etag)
                                ? serve_parse_ranges(range_header, info->size, ranges, &count)
                                : SERVE_RANGE_NONE;
    char content_range[96], content_type[160];
    snprintf(content_type, sizeof content_type, "%s", info->mime);
    if (rr == SERVE_RANGE_UNSATISFIABLE) {
        serve_blob_unref(src.blob);
        r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (!r)
            return MHD_NO;
        snprintf(content_range, sizeof content_range, "bytes */%" PRIu64, info->size);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, content_range);
        common_headers(r, etag, cache_control, vary);
        return serve_queue(c, req, MHD_HTTP_RANGE_NOT_SATISFIABLE, r, 0);
    }
    if (rr == SERVE_RANGE_OK && count == 1) {
        length = ranges[0].last - ranges[0].first + 1;
        r = range_response(&src, ranges[0].first, length);
        snprintf(content_range, sizeof content_range, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64,
                 ranges[0].first, ranges[0].last, info->size);
        if (r)
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, content_range);
        status = MHD_HTTP_PARTIAL_CONTENT;
    } else if (rr == SERVE_RANGE_OK) {
        r = multipart_response(ranges, count, info, &src, hex, &length, content_type,
                               sizeof content_type);
        status = MHD_HTTP_PARTIAL_CONTENT;
    } else {
        length = info->size;
        r = range_response(&src, 0, length);
    }
    serve_blob_unref(src.blob);
    if (!r)
        return MHD_NO;
    common_headers(r, etag, cache_control, vary);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    return serve_queue(c, req, status, r, length);
}
