/* Inside `panya serve`: the server and request records shared by serve.c (the daemon and
 * its routes) and serve_send.c (answering with a file, a page or an error). Not a public
 * header: only delivery/serve*.c include it. */
#ifndef PANYA_DELIVERY_SERVE_SERVER_H
#define PANYA_DELIVERY_SERVE_SERVER_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>

#include "delivery/serve.h"
#include "delivery/serve_blob.h"

/* The catalogue exists in one version per profile choice: default, small, low. */
#define SERVE_CATALOGUE_VERSIONS 3

struct serve_server {
    struct MHD_Daemon *daemon;
    serve_library *lib;
    serve_options options;
    serve_blob_cache gzip_cache;
    serve_blob *catalogue[SERVE_CATALOGUE_VERSIONS];
    serve_blob *catalogue_gzip[SERVE_CATALOGUE_VERSIONS];
    char catalogue_etag[SERVE_CATALOGUE_VERSIONS][72];
    serve_blob *runtime, *runtime_gzip;
    char runtime_url[64];
    char runtime_etag[72];
};

/* One request, from its first line to the access-log line. */
typedef struct serve_request {
    char *target; /* the request target as received (path and query) */
    char method[16], version[16];
    char *referer, *user_agent;
    unsigned status;
    uint64_t bytes; /* body bytes sent (0 for HEAD and bodiless statuses) */
    bool is_head;
    bool headers_seen; /* the handler was called once (with the headers) */
} serve_request;

/* Queues response with status, records both for the log, and releases the response. */
enum MHD_Result serve_queue(struct MHD_Connection *c, serve_request *req, unsigned status,
                            struct MHD_Response *response, uint64_t body_length);

/* A short HTML error page for status. */
enum MHD_Result serve_send_error(struct MHD_Connection *c, serve_request *req, unsigned status,
                                 const char *reason);

/* Answers with a file of a bundle: conditional request (ETag = its SHA-256), ranges (206,
 * multipart/byteranges, 416), gzip for compressible files when the client accepts it,
 * raw files straight from the bundle file. immutable: the URL names the content (/o/). */
enum MHD_Result serve_send_file(serve_server *s, struct MHD_Connection *c, serve_request *req,
                                serve_pack *pack, const panya_file_info *info,
                                bool immutable);

/* Answers with an in-memory document (a page or the runtime) and its gzip version. */
enum MHD_Result serve_send_blob(struct MHD_Connection *c, serve_request *req, serve_blob *blob,
                                serve_blob *gzip_blob, const char *mime, const char *etag,
                                const char *cache_control, const char *vary);

void serve_log_error(serve_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
