#include "manifest/scorm_schema.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PANYA_SCHEMA_INSTALL_DIR
#define PANYA_SCHEMA_INSTALL_DIR "/usr/local/share/panya/schemas"
#endif

/* Schema findings past this many are summarised in one line: a broken manifest can
 * otherwise produce thousands of near-identical messages. */
#define SCHEMA_FINDINGS_MAX 50

struct scorm_schema_set {
    char *dir; /* canonical (realpath) */
    xmlSchemaPtr schemas[2];
};

/* The folder the entity loader may read from while a schema set compiles; NULL otherwise,
 * so parsing a manifest can load nothing at all. */
static const char *loadable_dir;
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
        if (strcmp(url, "http://www.w3.org/2001/xml.xsd") == 0) {
            char local[PATH_MAX];
            int length = snprintf(local, sizeof local, "%s/scorm2004/xml.xsd", loadable_dir);
            if (length > 0 && (size_t)length < sizeof local)
                return default_loader(local, id, ctxt);
            return NULL;
        }
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

static bool has_schema_folders(const char *dir)
{
    static const char *const roots[] = {"scorm12/imscp_rootv1p1p2.xsd",
                                        "scorm2004/imscp_v1p1.xsd"};
    for (size_t i = 0; i < 2; i++) {
        char path[PATH_MAX];
        int length = snprintf(path, sizeof path, "%s/%s", dir, roots[i]);
        if (length < 0 || (size_t)length >= sizeof path || access(path, R_OK) != 0)
            return false;
    }
    return true;
}

char *scorm_schema_dir_find(const char *explicit_dir)
{
    if (explicit_dir)
        return strdup(explicit_dir);
    const char *env = getenv("PANYA_SCHEMA_DIR");
    if (env && env[0])
        return strdup(env);
    if (is_dir(PANYA_SCHEMA_INSTALL_DIR))
        return strdup(PANYA_SCHEMA_INSTALL_DIR);
    return NULL;
}

int scorm_schema_set_open(scorm_schema_set **out, const char *dir, panya_error *err)
{
    *out = NULL;
    char resolved[PATH_MAX];
    if (!is_dir(dir) || !realpath(dir, resolved))
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: schema folder not found", dir);
    if (!has_schema_folders(resolved))
        return panya_error_set(err, PANYA_ERR_USAGE,
                               "%s: not a SCORM schema folder (needs scorm12/imscp_rootv1p1p2.xsd "
                               "and scorm2004/imscp_v1p1.xsd)",
                               dir);
    scorm_schema_set *set = calloc(1, sizeof *set);
    if (!set || !(set->dir = strdup(resolved))) {
        free(set);
        return panya_error_oom(err);
    }
    *out = set;
    return 0;
}

void scorm_schema_set_free(scorm_schema_set *set)
{
    if (!set)
        return;
    for (int i = 0; i < 2; i++)
        if (set->schemas[i])
            xmlSchemaFree(set->schemas[i]);
    free(set->dir);
    free(set);
}

/* Namespace and file of each schema a family's manifests may use. */
static const char *const family_imports[2][7][2] = {
    [SCORM_FAMILY_12] = {
        {"http://www.imsproject.org/xsd/imscp_rootv1p1p2", "scorm12/imscp_rootv1p1p2.xsd"},
        {"http://www.adlnet.org/xsd/adlcp_rootv1p2", "scorm12/adlcp_rootv1p2.xsd"},
        {"http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "scorm12/imsmd_rootv1p2p1.xsd"},
    },
    [SCORM_FAMILY_2004] = {
        {"http://www.imsglobal.org/xsd/imscp_v1p1", "scorm2004/imscp_v1p1.xsd"},
        {"http://www.adlnet.org/xsd/adlcp_v1p3", "scorm2004/adlcp_v1p3.xsd"},
        {"http://www.adlnet.org/xsd/adlseq_v1p3", "scorm2004/adlseq_v1p3.xsd"},
        {"http://www.adlnet.org/xsd/adlnav_v1p3", "scorm2004/adlnav_v1p3.xsd"},
        {"http://www.imsglobal.org/xsd/imsss", "scorm2004/imsss_v1p0.xsd"},
        {"http://ltsc.ieee.org/xsd/LOM", "scorm2004/lom.xsd"},
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

static int compile_family(scorm_schema_set *set, scorm_family family, panya_error *err)
{
    /* A driver schema importing each namespace from the trusted folder. */
    char driver[4096];
    int used = snprintf(driver, sizeof driver,
                        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n");
    for (int i = 0; family_imports[family][i][0]; i++)
        used += snprintf(driver + used, sizeof driver - (size_t)used,
                         "<xs:import namespace=\"%s\" schemaLocation=\"%s/%s\"/>\n",
                         family_imports[family][i][0], set->dir, family_imports[family][i][1]);
    used += snprintf(driver + used, sizeof driver - (size_t)used, "</xs:schema>\n");
    if ((size_t)used >= sizeof driver)
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: schema folder path too long",
                               set->dir);

    compile_errors errors = {{0}};
    loadable_dir = set->dir;
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
    if (!schema)
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: the SCORM %s schemas do not compile: %s",
                               set->dir, family == SCORM_FAMILY_12 ? "1.2" : "2004",
                               errors.first[0] ? errors.first : "out of memory");
    set->schemas[family] = schema;
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

int scorm_schema_validate(scorm_schema_set *set, scorm_family family, struct _xmlDoc *doc,
                          scorm_report *report, panya_error *err)
{
    scorm_xml_secure_init();
    if (!set->schemas[family] && compile_family(set, family, err) != 0)
        return -1;
    xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(set->schemas[family]);
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
