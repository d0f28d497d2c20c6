/* The pages `panya serve` writes itself: the catalogue (Lao first, English beside it; a few
 * kB of HTML and CSS, readable 360 px wide, working with JavaScript off) and the SCORM
 * launch page that runs a lesson inside scorm-again with its progress kept in the
 * browser's localStorage. Pure functions: no I/O, thread-safe. */
#ifndef PANYA_DELIVERY_SERVE_PAGES_H
#define PANYA_DELIVERY_SERVE_PAGES_H

#include <stddef.h>

#include "delivery/serve_library.h"

/* The catalogue of every pack for a device that chose `profile` (NULL: the default); lesson
 * links point at content-addressed URLs of that profile's variants. malloc'd HTML (*len
 * bytes), or NULL when out of memory. */
char *serve_page_catalogue(const serve_library *lib, const char *profile, size_t *len);

/* The launch page of SCORM item `item` of `pack`, opening its SCO number `sco` inside the
 * runtime loaded from runtime_url. NULL when out of memory or sco is out of range. */
char *serve_page_scorm(const serve_pack *pack, const serve_item *item, size_t sco,
                       const char *runtime_url, size_t *len);

/* A small HTML page for an error status ("404 Not Found" and a link to the catalogue). */
char *serve_page_error(unsigned status, const char *reason, size_t *len);

#endif
