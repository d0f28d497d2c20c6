/* Bundles opened through the reader library (libpanya/include/panya.h) for the delivery and
 * CLI code: its statuses as panya_error, and the XML manifest parsed through manifest/. */
#ifndef PANYA_DELIVERY_BUNDLE_OPEN_H
#define PANYA_DELIVERY_BUNDLE_OPEN_H

#include "common/error.h"
#include "libpanya/include/panya.h"
#include "manifest/bundle_manifest.h"

/* Copies the library's error into err, putting display_name where the library named a
 * descriptor. Returns -1. */
int bundle_error(panya_error *err, const panya_error_info *info, const char *display_name);

/* Opens path (flags as panya_open). NULL with err set. */
panya_bundle *bundle_open_path(const char *path, unsigned flags, panya_error *err);

/* Opens the whole file behind fd (not closed); errors name display_name. */
panya_bundle *bundle_open_descriptor(int fd, const char *display_name, panya_error *err);

/* Reads and parses the manifest. NULL with err set. */
bundle_manifest *bundle_load_manifest(panya_bundle *b, const char *display_name,
                                      panya_error *err);

/* The stored object of a manifest variant, checked against the manifest's size: 0, or -1
 * with err set (PANYA_ERR_INVALID naming path when the index lacks it). */
int bundle_variant_file(const panya_bundle *b, const char *path, const manifest_variant *v,
                        panya_file_info *info, panya_error *err);

#endif
