/* The daemon and the routes of `panya serve`: see serve.h. */
#include "delivery/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/hash.h"
#include "delivery/serve_http.h"
#include "delivery/serve_pages.h"
#include "delivery/serve_server.h"

#define GZIP_CACHE_BYTES (32u * 1024 * 1024)
#define RUNTIME_LIMIT (16u * 1024 * 1024)
#define PATH_LIMIT 8192

static const char *const catalogue_profiles[SERVE_CATALOGUE_VERSIONS] = {NULL, "small", "low"};

static size_t catalogue_version(const char *profile)
{
    for (size_t i = 1; i < SERVE_CATALOGUE_VERSIONS; i++)
        if (profile && strcmp(profile, catalogue_profiles[i]) == 0)
            return i;
    return 0;
}

/* ---- requests and the access log ------------------------------------------------------ */

static void *request_begin(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    serve_request *req = calloc(1, sizeof *req);
    if (req)
        req->target = strdup(uri ? uri : "");
    return req;
}

static void client_address(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, cap, "-");
    if (!info || !info->client_addr)
        return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)cap);
}

static void request_end(void *cls, struct MHD_Connection *c, void **req_cls,
                        enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    serve_server *s = cls;
    serve_request *req = *req_cls;
    if (!req)
        return;
    if (s->options.access_log && req->status) {
        char client[INET6_ADDRSTRLEN + 1], line[4096];
        client_address(c, client, sizeof client);
        serve_format_log_line(line, sizeof line, client, time(NULL), req->method, req->target,
                              req->version, req->status, req->bytes, req->referer,
                              req->user_agent);
        s->options.access_log(s->options.log_ctx, line);
    }
    free(req->target);
    free(req->referer);
    free(req->user_agent);
    free(req);
    *req_cls = NULL;
}

/* Paths are decoded by serve_decode_path, strictly; libmicrohttpd's own decoding is off. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static void forward_mhd_log(void *cls, const char *fmt, va_list ap)
{
    serve_server *s = cls;
    if (!s->options.error_log)
        return;
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    s->options.error_log(s->options.log_ctx, line);
}

/* ---- routes --------------------------------------------------------------------------- */

static const char *request_profile(struct MHD_Connection *c)
{
    return serve_pick_profile(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie"),
                              MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Save-Data"));
}

/* /_panya/profile?use=low&back=/ : the choice goes into a cookie, then back (a local path). */
static enum MHD_Result route_profile(struct MHD_Connection *c, serve_request *req)
{
    const char *query = strchr(req->target, '?');
    size_t len = 0;
    const char *raw = serve_query_find(query ? query + 1 : NULL, "use", &len);
    char use[16], back[PATH_LIMIT];
    if (!raw || serve_decode_query_value(raw, len, use, sizeof use) != 0 ||
        !serve_profile_is_choice(use))
        return serve_send_error(c, req, 400, "Bad Request");
    raw = serve_query_find(query + 1, "back", &len);
    if (!raw || serve_decode_query_value(raw, len, back, sizeof back) != 0 || back[0] != '/' ||
        back[1] == '/' || back[1] == '\\')
        snprintf(back, sizeof back, "/");
    char *location = serve_url_escape(back);
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!r || !location) {
        free(location);
        if (r)
            MHD_destroy_response(r);
        return MHD_NO;
    }
    char cookie[128];
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Max-Age=31536000; SameSite=Lax",
             SERVE_PROFILE_COOKIE, use);
    MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    free(location);
    return serve_queue(c, req, MHD_HTTP_SEE_OTHER, r, 0);
}

/* /o/HASH[/NAME] */
static enum MHD_Result route_object(serve_server *s, struct MHD_Connection *c,
                                    serve_request *req, const char *rest)
{
    char hex[PANYA_HASH_HEX_SIZE];
    uint8_t hash[PANYA_HASH_SIZE];
    size_t len = strcspn(rest, "/");
    if (len != 64)
        return serve_send_error(c, req, 404, "Not Found");
    memcpy(hex, rest, 64);
    hex[64] = '\0';
    panya_file_info info;
    serve_pack *pack = panya_hash_from_hex(hex, hash) == 0
                           ? serve_library_find_hash(s->lib, hash, &info)
                           : NULL;
    if (!pack)
        return serve_send_error(c, req, 404, "Not Found");
    return serve_send_file(s, c, req, pack, &info, true);
}

/* /p/PACK/PATH */
static enum MHD_Result route_path(serve_server *s, struct MHD_Connection *c, serve_request *req,
                                  const char *rest)
{
    const char *slash = strchr(rest, '/');
    serve_pack *pack = slash ? serve_library_pack(s->lib, rest, (size_t)(slash - rest)) : NULL;
    if (!pack || slash[1] == '\0')
        return serve_send_error(c, req, 404, "Not Found");
    /* A folder's URL ("lesson/") opens its index.html, as web servers do. */
    char path[PATH_LIMIT];
    const char *wanted = slash + 1;
    size_t len = strlen(wanted);
    if (wanted[len - 1] == '/' && len + sizeof "index.html" <= sizeof path) {
        snprintf(path, sizeof path, "%sindex.html", wanted);
        wanted = path;
    }
    panya_file_info info;
    panya_error_info e = {0};
    panya_status st = serve_pack_find(pack, wanted, request_profile(c), &info, &e);
    if (st == PANYA_ERR_NOT_FOUND)
        return serve_send_error(c, req, 404, "Not Found");
    if (st != PANYA_OK) {
        serve_log_error(s, "500 %s: %s", req->target, e.message);
        return serve_send_error(c, req, 500, "Internal Server Error");
    }
    return serve_send_file(s, c, req, pack, &info, false);
}

/* Parses "N/" or "N" at *p (a decimal index below limit); advances past the slash. */
static int take_index(const char **p, size_t limit, size_t *out)
{
    char *end;
    errno = 0;
    if (**p < '0' || **p > '9')
        return -1;
    unsigned long long v = strtoull(*p, &end, 10);
    if (errno || v >= limit || (*end != '/' && *end != '\0'))
        return -1;
    *out = (size_t)v;
    *p = *end ? end + 1 : end;
    return 0;
}

/* /scorm/PACK/C/L/I/S */
static enum MHD_Result route_scorm(serve_server *s, struct MHD_Connection *c,
                                   serve_request *req, const char *rest)
{
    const char *slash = strchr(rest, '/');
    serve_pack *pack = slash ? serve_library_pack(s->lib, rest, (size_t)(slash - rest)) : NULL;
    const char *p = slash ? slash + 1 : "";
    size_t ci, li, ii, si;
    if (!pack || take_index(&p, pack->course_count, &ci) != 0 ||
        take_index(&p, pack->courses[ci].lesson_count, &li) != 0 ||
        take_index(&p, pack->courses[ci].lessons[li].item_count, &ii) != 0)
        return serve_send_error(c, req, 404, "Not Found");
    const serve_item *item = &pack->courses[ci].lessons[li].items[ii];
    if (!item->is_scorm || take_index(&p, item->scos.count, &si) != 0 || *p != '\0')
        return serve_send_error(c, req, 404, "Not Found");
    if (!s->runtime) {
        serve_log_error(s, "500 %s: the SCORM runtime (scorm-again) is not installed",
                        req->target);
        return serve_send_error(c, req, 500, "Internal Server Error");
    }
    size_t len = 0;
    char *html = serve_page_scorm(pack, item, si, s->runtime_url, &len);
    serve_blob *blob = html ? serve_blob_copy(html, len) : NULL;
    free(html);
    if (!blob)
        return MHD_NO;
    uint8_t hash[PANYA_HASH_SIZE];
    char hex[PANYA_HASH_HEX_SIZE], etag[72];
    panya_sha256_buffer(blob->data, blob->size, hash);
    panya_hash_to_hex(hash, hex);
    snprintf(etag, sizeof etag, "\"%s\"", hex);
    enum MHD_Result result = serve_send_blob(c, req, blob, NULL, "text/html; charset=utf-8",
                                             etag, "no-cache", NULL);
    serve_blob_unref(blob);
    return result;
}

static enum MHD_Result route_favicon(struct MHD_Connection *c, serve_request *req)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=86400");
    return serve_queue(c, req, MHD_HTTP_NO_CONTENT, r, 0);
}

static char *copy_header(struct MHD_Connection *c, const char *name)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    return v ? strndup(v, 1024) : NULL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
    (void)url;
    (void)upload_data;
    serve_server *s = cls;
    serve_request *req = *req_cls;
    if (!req || !req->target)
        return MHD_NO;
    /* The first call comes with the headers: answering then would make libmicrohttpd
     * close the connection (the request body is unread); answer on the next call. A body
     * sent with GET or HEAD is skipped. */
    if (!req->headers_seen) {
        req->headers_seen = true;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    snprintf(req->method, sizeof req->method, "%s", method);
    snprintf(req->version, sizeof req->version, "%s", version);
    req->referer = copy_header(c, "Referer");
    req->user_agent = copy_header(c, "User-Agent");
    req->is_head = strcmp(method, "HEAD") == 0;
    if (!req->is_head && strcmp(method, "GET") != 0)
        return serve_send_error(c, req, 405, "Method Not Allowed");

    char raw[PATH_LIMIT], path[PATH_LIMIT];
    size_t raw_len = strcspn(req->target, "?#");
    if (raw_len >= sizeof raw)
        return serve_send_error(c, req, 414, "URI Too Long");
    memcpy(raw, req->target, raw_len);
    raw[raw_len] = '\0';
    if (serve_decode_path(raw, path, sizeof path) != 0)
        return serve_send_error(c, req, 400, "Bad Request");

    if (strcmp(path, "/") == 0) {
        size_t v = catalogue_version(request_profile(c));
        return serve_send_blob(c, req, s->catalogue[v], s->catalogue_gzip[v],
                               "text/html; charset=utf-8", s->catalogue_etag[v], "no-cache",
                               "Accept-Encoding, Cookie, Save-Data");
    }
    if (strncmp(path, "/p/", 3) == 0)
        return route_path(s, c, req, path + 3);
    if (strncmp(path, "/o/", 3) == 0)
        return route_object(s, c, req, path + 3);
    if (strncmp(path, "/scorm/", 7) == 0)
        return route_scorm(s, c, req, path + 7);
    if (strcmp(path, "/_panya/profile") == 0)
        return route_profile(c, req);
    if (s->runtime && strcmp(path, s->runtime_url) == 0)
        return serve_send_blob(c, req, s->runtime, s->runtime_gzip, "text/javascript",
                               s->runtime_etag, "public, max-age=31536000, immutable",
                               "Accept-Encoding");
    if (strcmp(path, "/favicon.ico") == 0)
        return route_favicon(c, req);
    return serve_send_error(c, req, 404, "Not Found");
}

/* ---- starting and stopping ------------------------------------------------------------ */

static int make_document(serve_blob **plain, serve_blob **gzip, char *etag, size_t etag_cap,
                         const void *data, size_t len)
{
    uint8_t hash[PANYA_HASH_SIZE];
    char hex[PANYA_HASH_HEX_SIZE];
    *plain = serve_blob_copy(data, len);
    *gzip = serve_gzip(data, len);
    if (!*plain || !*gzip)
        return -1;
    panya_sha256_buffer(data, len, hash);
    panya_hash_to_hex(hash, hex);
    snprintf(etag, etag_cap, "\"%s\"", hex);
    return 0;
}

static int load_runtime(serve_server *s, panya_error *err)
{
    bool needed = false;
    for (size_t p = 0; p < s->lib->pack_count; p++)
        for (size_t c = 0; c < s->lib->packs[p].course_count; c++)
            for (size_t l = 0; l < s->lib->packs[p].courses[c].lesson_count; l++)
                for (size_t i = 0; i < s->lib->packs[p].courses[c].lessons[l].item_count; i++)
                    needed |= s->lib->packs[p].courses[c].lessons[l].items[i].is_scorm != 0;
    const char *file = s->options.runtime_file;
    if (!file) {
        if (needed)
            serve_log_error(s, "warning: the SCORM runtime (scorm-again) is not installed: "
                               "SCORM lessons will not open");
        return 0;
    }
    FILE *f = fopen(file, "rb");
    if (!f)
        return panya_error_errno(err, PANYA_ERR_INVALID, errno, "%s", file);
    char *data = malloc(RUNTIME_LIMIT);
    size_t len = data ? fread(data, 1, RUNTIME_LIMIT, f) : 0;
    bool bad = !data || ferror(f) || len == RUNTIME_LIMIT || len == 0;
    fclose(f);
    if (bad) {
        free(data);
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: unreadable SCORM runtime", file);
    }
    int status = make_document(&s->runtime, &s->runtime_gzip, s->runtime_etag,
                               sizeof s->runtime_etag, data, len);
    free(data);
    if (status != 0)
        return panya_error_oom(err);
    /* Content-addressed URL: a new scorm-again version is a new URL. */
    snprintf(s->runtime_url, sizeof s->runtime_url, "/_panya/scorm-again.%.16s.js",
             s->runtime_etag + 1);
    return 0;
}

static int render_catalogues(serve_server *s, panya_error *err)
{
    for (size_t v = 0; v < SERVE_CATALOGUE_VERSIONS; v++) {
        size_t len = 0;
        char *html = serve_page_catalogue(s->lib, catalogue_profiles[v], &len);
        int status = html ? make_document(&s->catalogue[v], &s->catalogue_gzip[v],
                                          s->catalogue_etag[v], sizeof s->catalogue_etag[v],
                                          html, len)
                          : -1;
        free(html);
        if (status != 0)
            return panya_error_oom(err);
    }
    return 0;
}

static void server_free(serve_server *s)
{
    for (size_t v = 0; v < SERVE_CATALOGUE_VERSIONS; v++) {
        serve_blob_unref(s->catalogue[v]);
        serve_blob_unref(s->catalogue_gzip[v]);
    }
    serve_blob_unref(s->runtime);
    serve_blob_unref(s->runtime_gzip);
    serve_blob_cache_free(&s->gzip_cache);
    free(s);
}

serve_server *serve_start(serve_library *lib, const serve_options *options, panya_error *err)
{
    serve_server *s = calloc(1, sizeof *s);
    if (!s) {
        panya_error_oom(err);
        return NULL;
    }
    s->lib = lib;
    s->options = *options;
    serve_blob_cache_init(&s->gzip_cache, GZIP_CACHE_BYTES);
    if (load_runtime(s, err) != 0 || render_catalogues(s, err) != 0) {
        server_free(s);
        return NULL;
    }

    struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)options->port)};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6,
                              .sin6_port = htons((uint16_t)options->port)};
    const struct sockaddr *addr;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
                     MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, options->address, &v4.sin_addr) == 1) {
        addr = (const struct sockaddr *)&v4;
    } else if (inet_pton(AF_INET6, options->address, &v6.sin6_addr) == 1) {
        addr = (const struct sockaddr *)&v6;
        flags |= MHD_USE_IPv6;
    } else {
        panya_error_set(err, PANYA_ERR_USAGE, "--listen: '%s' is not a numeric IP address",
                        options->address);
        server_free(s);
        return NULL;
    }
    unsigned threads = options->threads ? options->threads : 4;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)options->port, NULL, NULL, handle, s,
        MHD_OPTION_EXTERNAL_LOGGER, forward_mhd_log, s,
        MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, options->connection_limit ? options->connection_limit : 1000,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, options->per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_STRICT_FOR_CLIENT, 1,
        MHD_OPTION_URI_LOG_CALLBACK, request_begin, s,
        MHD_OPTION_NOTIFY_COMPLETED, request_end, s,
        MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, s,
        MHD_OPTION_END);
    if (!s->daemon) {
        panya_error_set(err, PANYA_ERR_USAGE, "cannot listen on %s port %u (in use, or not an "
                        "address of this machine)", options->address, options->port);
        server_free(s);
        return NULL;
    }
    return s;
}

unsigned serve_port(const serve_server *server)
{
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void serve_stop(serve_server *server)
{
    if (!server)
        return;
    MHD_stop_daemon(server->daemon);
    server_free(server);
}
