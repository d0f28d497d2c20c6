/* The card catalogue: a small XML file at the top of an SD card (CARD_CATALOGUE_FILE) that
 * lists the packs on the card with their titles, versions and sizes, so a phone app or a
 * person can see what the card holds without opening every bundle. Schema:
 * manifest/card_catalogue.xsd. This module only turns a list into XML bytes. */
#ifndef PANYA_MANIFEST_CARD_CATALOGUE_H
#define PANYA_MANIFEST_CARD_CATALOGUE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "manifest/bundle_manifest.h"

#define CARD_CATALOGUE_NAMESPACE "urn:panya:catalogue:1"
#define CARD_CATALOGUE_FILE "panya-catalogue.xml"

typedef struct card_catalogue_pack {
    const char *file;    /* file name on the card, e.g. "maths-p1.panya" */
    uint64_t size;       /* exact bytes */
    const char *id;      /* pack id and version, from the manifest */
    const char *version;
    const manifest_titles *titles;
    uint64_t lesson_count;
    const char *signer;  /* key id of a signed pack (not checked here), or NULL */
} card_catalogue_pack;

/* Serialises packs (in the given order) as indented UTF-8 XML; *xml is malloc'd. The same
 * list always gives the same bytes. Returns 0 or -1. */
int card_catalogue_write_xml(const card_catalogue_pack *packs, size_t count, uint8_t **xml,
                             size_t *len, panya_error *err);

#endif
