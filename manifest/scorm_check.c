#include "manifest/scorm_check.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "manifest/scorm_rules.h"
#include "manifest/xml_input.h"

#define NS_CP12 "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
#define NS_CP2004 "http://www.imsglobal.org/xsd/imscp_v1p1"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define MANIFEST "imsmanifest.xml"

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool has_extension(const char *path, const char *ext)
{
    size_t len = strlen(path), ext_len = strlen(ext);
    return len > ext_len && strcasecmp(path + len - ext_len, ext) == 0;
}

/* Other formats a SCORM package gets confused with: a marker file name and what to say. */
static const struct other_kind {
    const char *marker; /* base name, ASCII case ignored */
    const char *kind;
    const char *hint;
} other_kinds[] = {
    {"cmi5.xml", "cmi5", "a cmi5 course; it needs a cmi5-capable LMS"},
    {"tincan.xml", "xAPI (TinCan)", "an xAPI (TinCan) package; it needs an LRS-backed player"},
    {"h5p.json", "H5P",
     "an H5P package (.h5p); H5P players and LMS H5P plugins open it, SCORM runtimes do not"},
    {"moodle_backup.xml", "Moodle course backup",
     "a Moodle course backup (.mbz); `panya pack` reads it, or restore it in Moodle: it is not "
     "a SCORM package"},
};

/* Another e-learning format's marker file, or NULL. */
static const struct other_kind *other_format(const scorm_files *files, const char **marker)
{
    for (size_t i = 0; i < files->count; i++) {
        const char *name = base_name(files->paths[i]);
        *marker = files->paths[i];
        for (size_t k = 0; k < sizeof other_kinds / sizeof other_kinds[0]; k++)
            if (strcasecmp(name, other_kinds[k].marker) == 0)
                return &other_kinds[k];
    }
    static const struct other_kind aicc = {"", "AICC",
                                           "an AICC course (.au/.crs/.des files); it needs an "
                                           "AICC-capable LMS"};
    for (size_t i = 0; i < files->count; i++) {
        *marker = files->paths[i];
        if (has_extension(files->paths[i], ".au") || has_extension(files->paths[i], ".crs") ||
            has_extension(files->paths[i], ".des"))
            return &aicc;
    }
    return NULL;
}

static void report_other_format(const struct other_kind *other, const char *marker,
                                scorm_report *report)
{
    scorm_report_set(report, &report->not_scorm_kind, other->kind);
    scorm_report_add(report, SCORM_RULE_NOT_SCORM, marker, 0, 0,
                     "not a SCORM package: this is %s (found %s); SCORM packages have an "
                     "imsmanifest.xml at the root",
                     other->hint, marker);
}

bool scorm_check_other_format_marker(const char *path, scorm_report *report)
{
    for (size_t k = 0; k < sizeof other_kinds / sizeof other_kinds[0]; k++)
        if (strcasecmp(base_name(path), other_kinds[k].marker) == 0) {
            report->last_stage = SCORM_STAGE_MANIFEST_PRESENT;
            report_other_format(&other_kinds[k], path, report);
            return true;
        }
    return false;
}

/* Stage 1 when the root has no imsmanifest.xml: say where one is, or what the package is. */
static void report_missing_manifest(const scorm_files *files, scorm_report *report)
{
    long nested = -1;
    size_t nested_depth = 0;
    for (size_t i = 0; i < files->count; i++) {
        if (strcasecmp(base_name(files->paths[i]), MANIFEST) != 0)
            continue;
        const char *path = files->paths[i];
        if (!strchr(path, '/')) {
            scorm_report_add(report, SCORM_RULE_MANIFEST_MISSING, path, 0, 0,
                             "the manifest is named '%s'; it must be exactly 'imsmanifest.xml' "
                             "(lower case): phones and LMSs on Linux are case-sensitive",
                             path);
            return;
        }
        size_t depth = 0;
        for (const char *p = path; *p; p++)
            depth += *p == '/';
        if (nested < 0 || depth < nested_depth) {
            nested = (long)i;
            nested_depth = depth;
        }
    }
    if (nested >= 0) {
        const char *path = files->paths[nested];
        int folder_len = (int)(base_name(path) - path - 1);
        scorm_report_add(report, SCORM_RULE_MANIFEST_NOT_AT_ROOT, path, 0, 0,
                         "imsmanifest.xml is in the folder '%.*s/', not at the package root; "
                         "zip the contents of '%.*s/' rather than the folder itself",
                         folder_len, path, folder_len, path);
        return;
    }
    const char *marker = NULL;
    const struct other_kind *other = other_format(files, &marker);
    if (other) {
        report_other_format(other, marker, report);
    } else if (files->count == 0) {
        scorm_report_set(report, &report->not_scorm_kind, "empty");
        scorm_report_add(report, SCORM_RULE_NOT_SCORM, "", 0, 0,
                         "not a SCORM package: the package is empty");
    } else {
        scorm_report_set(report, &report->not_scorm_kind, "unknown");
        scorm_report_add(report, SCORM_RULE_NOT_SCORM, "", 0, 0,
                         "not a SCORM package: no imsmanifest.xml and no other e-learning "
                         "manifest (a plain zip or folder?)");
    }
}

typedef struct parse_error {
    int line;
    int column;
    char message[512];
} parse_error;

static void keep_first_parse_error(void *data, xmlErrorPtr error)
{
    parse_error *first = data;
    if (error->level < XML_ERR_ERROR || first->message[0])
        return;
    first->line = error->line;
    first->column = error->int2;
    snprintf(first->message, sizeof first->message, "%s", error->message ? error->message : "");
    size_t len = strlen(first->message);
    while (len && (first->message[len - 1] == '\n' || first->message[len - 1] == ' '))
        first->message[--len] = '\0';
}

/* Stage 2. Network off, no entity substitution, no DTD loading: libxml2's defaults plus
 * NONET; its amplification guard stays on (no XML_PARSE_HUGE). */
static xmlDocPtr parse_manifest(const char *manifest, size_t length, scorm_report *report)
{
    if (length > (size_t)INT32_MAX) {
        scorm_report_add(report, SCORM_RULE_MANIFEST_TOO_LARGE, MANIFEST, 0, 0,
                         "imsmanifest.xml is larger than 2 GiB");
        return NULL;
    }
    parse_error first = {0};
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        report->out_of_memory = true;
        return NULL;
    }
    xmlSetStructuredErrorFunc(&first, keep_first_parse_error);
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, manifest, (int)length, MANIFEST, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(NULL, NULL);
    bool well_formed = doc && ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    if (!well_formed) {
        if (doc)
            xmlFreeDoc(doc);
        scorm_report_add(report, SCORM_RULE_XML_MALFORMED, MANIFEST, first.line, first.column,
                         "imsmanifest.xml is not well-formed XML: %s",
                         first.message[0] ? first.message : "the document is empty");
        return NULL;
    }
    xmlDtdPtr dtd = doc->intSubset;
    if (dtd && (dtd->entities || dtd->pentities || dtd->ExternalID || dtd->SystemID))
        scorm_report_add(report, SCORM_RULE_XML_ENTITIES, MANIFEST,
                         xml_input_doctype_line((const uint8_t *)manifest, length), 0,
                         "imsmanifest.xml has a DOCTYPE with entities or an external DTD; "
                         "SCORM manifests use neither, and panya does not expand them");
    return doc;
}

static bool is_cp(xmlNodePtr node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && node->ns && strcmp((const char *)node->name, name) == 0 &&
           (strcmp((const char *)node->ns->href, NS_CP12) == 0 ||
            strcmp((const char *)node->ns->href, NS_CP2004) == 0);
}

static char *trimmed_content(xmlNodePtr node)
{
    char *text = (char *)xmlNodeGetContent(node);
    if (!text)
        return NULL;
    char *start = text;
    while (*start == ' ' || *start == '\t' || *start == '\n' || *start == '\r')
        start++;
    size_t len = strlen(start);
    while (len && (start[len - 1] == ' ' || start[len - 1] == '\t' || start[len - 1] == '\n' ||
                   start[len - 1] == '\r'))
        len--;
    memmove(text, start, len);
    text[len] = '\0';
    return text;
}

static const char *const edition_names[] = {
    [SCORM_EDITION_12] = "SCORM 1.2",
    [SCORM_EDITION_2004_2ND] = "SCORM 2004 2nd Edition",
    [SCORM_EDITION_2004_3RD] = "SCORM 2004 3rd Edition",
    [SCORM_EDITION_2004_4TH] = "SCORM 2004 4th Edition",
    [SCORM_EDITION_2004_UNKNOWN] = "SCORM 2004 (edition unknown)",
};

/* The exact ADL spelling of each 2004 edition's <schemaversion>. */
static bool exact_edition(const char *text, scorm_edition *edition)
{
    static const struct {
        const char *text;
        scorm_edition edition;
    } exact[] = {{"CAM 1.3", SCORM_EDITION_2004_2ND},
                 {"2004 3rd Edition", SCORM_EDITION_2004_3RD},
                 {"2004 4th Edition", SCORM_EDITION_2004_4TH}};
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(text, exact[i].text) == 0) {
            *edition = exact[i].edition;
            return true;
        }
    return false;
}

/* What authoring tools write instead ("2004 4th edition", "SCORM 2004 3rd Edition", "1.3",
 * "cam 1.3"): runtimes read these, so the edition is taken from them with a warning. */
static bool lenient_edition(const char *text, scorm_edition *edition)
{
    char folded[64];
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < sizeof folded; p++)
        if (*p != ' ' && *p != '\t')
            folded[n++] = (char)tolower((unsigned char)*p);
    folded[n] = '\0';
    const char *rest = strncmp(folded, "scorm", 5) == 0 ? folded + 5 : folded;
    if (strcmp(rest, "cam1.3") == 0 || strcmp(rest, "1.3") == 0 || strcmp(rest, "2004") == 0 ||
        strcmp(rest, "20042ndedition") == 0)
        *edition = strcmp(rest, "2004") == 0 ? SCORM_EDITION_2004_UNKNOWN : SCORM_EDITION_2004_2ND;
    else if (strcmp(rest, "20043rdedition") == 0)
        *edition = SCORM_EDITION_2004_3RD;
    else if (strcmp(rest, "20044thedition") == 0)
        *edition = SCORM_EDITION_2004_4TH;
    else
        return false;
    return true;
}

/* A <schemaversion> naming the other version than the namespace: switches family and edition
 * to what the schemaversion says. */
static bool cross_version(const char *value, scorm_family family, scorm_family *family_out,
                          scorm_edition *edition)
{
    scorm_edition found;
    if (family == SCORM_FAMILY_2004 && strcmp(value, "1.2") == 0) {
        *family_out = SCORM_FAMILY_12;
        *edition = SCORM_EDITION_12;
        return true;
    }
    if (family == SCORM_FAMILY_12 && (exact_edition(value, &found) || lenient_edition(value, &found))) {
        *family_out = SCORM_FAMILY_2004;
        *edition = found;
        return true;
    }
    return false;
}

/* Stage 3 metadata: exactly one block, schema "ADL SCORM", a schemaversion naming the version. */
static void check_metadata(xmlNodePtr root, scorm_family *family_io, scorm_edition *edition,
                           scorm_report *report)
{
    scorm_family family = *family_io;
    *edition = family == SCORM_FAMILY_12 ? SCORM_EDITION_12 : SCORM_EDITION_2004_UNKNOWN;
    xmlNodePtr metadata = NULL;
    int blocks = 0;
    for (xmlNodePtr child = root->children; child; child = child->next)
        if (is_cp(child, "metadata") && blocks++ == 0)
            metadata = child;
    const char *expected = family == SCORM_FAMILY_12
                               ? "'1.2'"
                               : "'CAM 1.3' (2nd Edition), '2004 3rd Edition' or '2004 4th Edition'";
    scorm_report_set(report, &report->version, edition_names[*edition]);
    if (blocks == 0)
        scorm_report_add(report, SCORM_RULE_METADATA_MISSING, MANIFEST, xmlGetLineNo(root), 0,
                         "the manifest has no <metadata> block; add <metadata><schema>ADL "
                         "SCORM</schema><schemaversion>%s</schemaversion></metadata>",
                         family == SCORM_FAMILY_12 ? "1.2" : "2004 4th Edition");
    else if (blocks > 1)
        scorm_report_add(report, SCORM_RULE_METADATA_MISSING, MANIFEST, xmlGetLineNo(metadata), 0,
                         "the manifest has %d <metadata> blocks; it needs exactly one", blocks);
    if (!metadata)
        return;
    xmlNodePtr schema = NULL, version = NULL;
    int versions = 0;
    for (xmlNodePtr child = metadata->children; child; child = child->next) {
        if (is_cp(child, "schema") && !schema)
            schema = child;
        if (is_cp(child, "schemaversion") && versions++ == 0)
            version = child;
    }
    char *schema_text = schema ? trimmed_content(schema) : NULL;
    if (!schema_text || strcmp(schema_text, "ADL SCORM") != 0)
        scorm_report_add(report, SCORM_RULE_METADATA_SCHEMA, MANIFEST,
                         xmlGetLineNo(schema ? schema : metadata), 0,
                         schema ? "<schema> is '%s'; SCORM requires 'ADL SCORM'"
                                : "<metadata> has no <schema>; SCORM requires "
                                  "<schema>ADL SCORM</schema>%s",
                         schema_text ? schema_text : "");
    xmlFree(schema_text);
    if (versions != 1) {
        scorm_report_add(report, SCORM_RULE_METADATA_SCHEMAVERSION, MANIFEST,
                         xmlGetLineNo(version ? version : metadata), 0,
                         "<metadata> has %d <schemaversion> elements; it needs exactly one, "
                         "with %s",
                         versions, expected);
        return;
    }
    char *text = trimmed_content(version);
    const char *value = text ? text : "";
    scorm_edition found = *edition;
    bool exact = family == SCORM_FAMILY_12 ? strcmp(value, "1.2") == 0
                                           : exact_edition(value, &found);
    bool lenient = !exact && family == SCORM_FAMILY_2004 && lenient_edition(value, &found);
    if (exact || lenient)
        *edition = found;
    if (lenient)
        scorm_report_add(report, SCORM_RULE_METADATA_SCHEMAVERSION, MANIFEST,
                         xmlGetLineNo(version), 0,
                         "<schemaversion> is '%s'; runtimes read it as %s, but ADL spells it "
                         "%s",
                         value, edition_names[found],
                         found == SCORM_EDITION_2004_2ND   ? "'CAM 1.3'"
                         : found == SCORM_EDITION_2004_3RD ? "'2004 3rd Edition'"
                         : found == SCORM_EDITION_2004_4TH ? "'2004 4th Edition'"
                                                           : expected);
    else if (!exact && cross_version(value, family, family_io, edition))
        /* Runtimes (Moodle among them) take the version from <schemaversion>, not from the
         * namespace: many 1.2 exports use the 2004 content-packaging namespace. */
        scorm_report_add(report, SCORM_RULE_METADATA_SCHEMAVERSION, MANIFEST,
                         xmlGetLineNo(version), 0,
                         "<schemaversion> is '%s' but <manifest> is in the %s namespace; "
                         "runtimes play it as %s, ADL's rules need the namespace '%s'",
                         value, family == SCORM_FAMILY_12 ? "SCORM 1.2" : "SCORM 2004",
                         edition_names[*edition],
                         family == SCORM_FAMILY_12 ? NS_CP2004 : NS_CP12);
    else if (!exact)
        scorm_report_add(report, SCORM_RULE_METADATA_SCHEMAVERSION, MANIFEST,
                         xmlGetLineNo(version), 0,
                         "<schemaversion> is '%s'; with the %s namespace it must be %s",
                         value, family == SCORM_FAMILY_12 ? "SCORM 1.2" : "SCORM 2004",
                         expected);
    scorm_report_set(report, &report->version, edition_names[*edition]);
    xmlFree(text);
}

/* Stage 3. Returns false when the document is not a SCORM manifest at all. */
static bool check_root(xmlDocPtr doc, scorm_family *family, scorm_edition *edition,
                       scorm_report *report)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *ns = root && root->ns ? (const char *)root->ns->href : NULL;
    if (!root || strcmp((const char *)root->name, "manifest") != 0) {
        scorm_report_add(report, SCORM_RULE_MANIFEST_ROOT, MANIFEST, root ? xmlGetLineNo(root) : 0,
                         0, "the root element is <%s>; a SCORM manifest's root is <manifest>",
                         root ? (const char *)root->name : "");
        return false;
    }
    if (ns && strcmp(ns, NS_CP12) == 0) {
        *family = SCORM_FAMILY_12;
    } else if (ns && strcmp(ns, NS_CP2004) == 0) {
        *family = SCORM_FAMILY_2004;
    } else if (ns && strstr(ns, "imscc")) {
        scorm_report_set(report, &report->not_scorm_kind, "IMS Common Cartridge");
        scorm_report_add(report, SCORM_RULE_NOT_SCORM, MANIFEST, xmlGetLineNo(root), 0,
                         "not a SCORM package: the manifest namespace '%s' is IMS Common "
                         "Cartridge",
                         ns);
        return false;
    } else {
        scorm_report_add(report, SCORM_RULE_MANIFEST_ROOT, MANIFEST, xmlGetLineNo(root), 0,
                         "<manifest> is in namespace '%s'; SCORM 1.2 uses '" NS_CP12
                         "' and SCORM 2004 uses '" NS_CP2004 "'",
                         ns ? ns : "(none)");
        return false;
    }
    check_metadata(root, family, edition, report);
    return true;
}

/* Stage 4: every schemaLocation file is in the package. */
static void check_schema_locations(xmlDocPtr doc, const scorm_files *files, scorm_report *report)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    char *locations = (char *)xmlGetNsProp(root, (const xmlChar *)"schemaLocation",
                                           (const xmlChar *)NS_XSI);
    if (!locations)
        return;
    long line = xmlGetLineNo(root);
    char *save = NULL;
    int index = 0;
    for (char *token = strtok_r(locations, " \t\r\n", &save); token;
         token = strtok_r(NULL, " \t\r\n", &save), index++) {
        if (index % 2 == 0)
            continue; /* the namespace half of each pair */
        if (strstr(token, "://")) {
            scorm_report_add(report, SCORM_RULE_XSD_EXTERNAL, MANIFEST, line, 0,
                             "xsi:schemaLocation points at '%s' on the network; ship the XSD "
                             "at the package root and reference it by file name",
                             token);
            continue;
        }
        long found = scorm_files_find(files, token);
        if (found >= 0) {
            files->referenced[found] = true;
            continue;
        }
        scorm_report_add(report, SCORM_RULE_XSD_MISSING, MANIFEST, line, 0,
                         "xsi:schemaLocation names '%s' but the package has no such file; "
                         "copy the XSD to the package root",
                         token);
    }
    xmlFree(locations);
}

/* Stage 8. XSDs and DTDs the referenced XSDs include are support files, not content. */
static void check_unreferenced(const scorm_files *files, scorm_report *report)
{
    for (size_t i = 0; i < files->count; i++) {
        const char *path = files->paths[i];
        if (files->referenced[i] || strcmp(path, MANIFEST) == 0 || has_extension(path, ".xsd") ||
            has_extension(path, ".dtd"))
            continue;
        scorm_report_add(report, SCORM_RULE_FILE_UNREFERENCED, path, 0, 0,
                         "'%s' is in the package but no resource lists it; list it in a "
                         "<file> element or remove it",
                         path);
    }
}

int scorm_check_manifest(const scorm_files *files, const char *manifest, size_t length,
                         const scorm_check_options *options, scorm_report *report,
                         panya_error *err)
{
    scorm_xml_secure_init();
    report->last_stage = SCORM_STAGE_MANIFEST_PRESENT;
    if (!manifest) {
        report_missing_manifest(files, report);
        return report->out_of_memory ? panya_error_oom(err) : 0;
    }
    long self = scorm_files_find(files, MANIFEST);
    if (self >= 0)
        files->referenced[self] = true;

    report->last_stage = SCORM_STAGE_WELL_FORMED;
    xmlDocPtr doc = parse_manifest(manifest, length, report);
    if (!doc)
        return report->out_of_memory ? panya_error_oom(err) : 0;

    int status = 0;
    scorm_family family;
    scorm_edition edition;
    report->last_stage = SCORM_STAGE_ROOT_VERSION;
    if (!check_root(doc, &family, &edition, report))
        goto done;

    report->last_stage = SCORM_STAGE_XSD_PRESENT;
    check_schema_locations(doc, files, report);

    report->last_stage = SCORM_STAGE_SCHEMA;
    if (options && options->schemas) {
        if (scorm_schema_validate(options->schemas, edition, doc, report, err) != 0) {
            status = -1;
            goto done;
        }
        report->schema_checked = true;
    } else {
        scorm_report_set(report, &report->schema_note,
                         options && options->schema_note ? options->schema_note
                                                         : "no trusted schema set was given");
    }

    report->last_stage = SCORM_STAGE_PROFILE;
    scorm_rules_check(doc, family, files, report);

    report->last_stage = SCORM_STAGE_UNREFERENCED;
    check_unreferenced(files, report);
done:
    xmlFreeDoc(doc);
    if (status == 0 && report->out_of_memory)
        status = panya_error_oom(err);
    return status;
}
