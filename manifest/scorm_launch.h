/* What a SCORM player launches: the items of a package's default organization, in order,
 * each with the file its resource launches (xml:base, href and parameters joined, relative to
 * the package root). Used by `panya serve` to open a lesson at its launch page. No I/O. */
#ifndef PANYA_MANIFEST_SCORM_LAUNCH_H
#define PANYA_MANIFEST_SCORM_LAUNCH_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

typedef struct scorm_launch_entry {
    char *title; /* the item's title (may be empty, never NULL) */
    char *href;  /* "content/page.html?x=1", relative to the package root */
} scorm_launch_entry;

typedef struct scorm_launch {
    scorm_launch_entry *entries;
    size_t count;
} scorm_launch;

/* Reads imsmanifest.xml bytes (hostile input: see manifest/xml_input.h) into *out. Items
 * whose resource is missing or has no href are skipped; a manifest with no launchable item
 * gives count 0. Returns 0, or -1 with err naming display_name (malformed XML, OOM). */
int scorm_launch_read(const uint8_t *xml, size_t len, const char *display_name,
                      scorm_launch *out, panya_error *err);

void scorm_launch_free(scorm_launch *launch);

#endif
