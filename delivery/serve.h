/* `panya serve`: an HTTP server (libmicrohttpd) that turns bundles into a website any phone
 * browser opens offline. Routes:
 *   /                          the catalogue (serve_pages.h)
 *   /p/PACK/PATH               a file of a pack by its path, in the device's profile
 *   /o/SHA256[/NAME]           a file by its hash: content-addressed, cached as immutable
 *   /scorm/PACK/C/L/I/S        the launch page of SCO S of item I of lesson L of course C
 *   /_panya/profile?use=low    remembers a device's profile choice in a cookie
 *   /_panya/scorm-again.HASH.js  the SCORM runtime
 * Every file is read from the bundles with the reader library; no request path reaches
 * the disk. Nothing here prints: access-log and error lines go to the callbacks. */
#ifndef PANYA_DELIVERY_SERVE_H
#define PANYA_DELIVERY_SERVE_H

#include "common/error.h"
#include "delivery/serve_library.h"

/* Receives one line (no newline); called from server threads, possibly concurrently. */
typedef void (*serve_log_fn)(void *ctx, const char *line);

typedef struct serve_options {
    const char *address;       /* numeric IPv4 or IPv6 address to listen on */
    unsigned port;             /* 0: a free port (see serve_port) */
    unsigned threads;          /* worker threads; 0: two per core */
    unsigned per_ip_limit;     /* connections at once per client address; 0: no limit */
    unsigned connection_limit; /* connections at once in all */
    const char *runtime_file;  /* scorm-again.min.js; NULL when not found */
    serve_log_fn access_log;   /* Combined Log Format lines; NULL: none */
    serve_log_fn error_log;    /* damaged files, runtime problems; NULL: none */
    void *log_ctx;
} serve_options;

typedef struct serve_server serve_server;

/* Starts serving lib (which must outlive the server) on worker threads and returns at
 * once. Errors: PANYA_ERR_USAGE (bad address, port in use), PANYA_ERR_INVALID (the SCORM
 * runtime is needed but unreadable), PANYA_ERR_NOMEM. */
serve_server *serve_start(serve_library *lib, const serve_options *options, panya_error *err);

/* The port the server listens on. */
unsigned serve_port(const serve_server *server);

/* Stops accepting, finishes or closes open connections, joins the threads, frees. */
void serve_stop(serve_server *server);

#endif
