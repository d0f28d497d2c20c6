/* Writing the binary catalogue of format 1.1 (docs/FORMAT.md, "Catalogue";
 * libpanya/bundle_catalogue.h reads it) from a finished manifest model. */
#ifndef PANYA_WRITER_CATALOGUE_BUILD_H
#define PANYA_WRITER_CATALOGUE_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "manifest/bundle_manifest.h"

/* Encodes the catalogue of m; *out is malloc'd. Returns 0 or -1. */
int bundle_catalogue_build(const bundle_manifest *m, uint8_t **out, size_t *len,
                           panya_error *err);

#endif
