/* SCORM packages (1.2 and 2004), zipped or unpacked: validated with the rules of
 * `panya validate`, then packed whole as one course with one lesson. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest/xml_input.h"
#include "sources/source.h"


int source_is_scorm(const source_context *ctx, const char *path, panya_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (S_ISDIR(st.st_mode)) {
        char *manifest = source_join(path, "imsmanifest.xml");
        bool found = manifest && access(manifest, F_OK) == 0;
        free(manifest);
        return found;
    }
    if (!S_ISREG(st.st_mode) || !source_is_zip_name(path))
        return 0;
    bool has_manifest = false, has_index = false;
    if (source_zip_roots(ctx, path, &has_manifest, &has_index, NULL, err) != 0)
        return -1;
    return has_manifest;
}

static int scorm_detect(const char *path, source_context *ctx, char *why, size_t why_size,
                        panya_error *err)
{
    int rc = source_is_scorm(ctx, path, err);
    if (rc == 1)
        snprintf(why, why_size, "imsmanifest.xml at its root");
    return rc;
}

/* The default organization's title, read from the unpacked imsmanifest.xml (NULL if none). */
static char *organization_title(const char *folder)
{
    char *path = source_join(folder, "imsmanifest.xml");
    FILE *f = path ? fopen(path, "rb") : NULL;
    free(path);
    if (!f)
        return NULL;
    static const size_t limit = 16u << 20;
    char *xml = malloc(limit);
    size_t len = xml ? fread(xml, 1, limit, f) : 0;
    fclose(f);
    panya_error ignored = {0};
    xmlDocPtr doc = xml ? xml_input_parse((const uint8_t *)xml, len, "imsmanifest.xml", &ignored)
                        : NULL;
    free(xml);
    if (!doc)
        return NULL;
    char *title = NULL;
    const xmlNode *root = xmlDocGetRootElement(doc);
    const char *ns = root->ns ? (const char *)root->ns->href : "";
    for (const xmlNode *orgs = root->children; orgs && !title; orgs = orgs->next) {
        if (!xml_input_is_element(orgs, ns, "organizations"))
            continue;
        xmlChar *wanted = xmlGetNoNsProp(orgs, BAD_CAST "default");
        for (const xmlNode *org = orgs->children; org && !title; org = org->next) {
            xmlChar *id = xmlGetNoNsProp(org, BAD_CAST "identifier");
            bool match = xml_input_is_element(org, ns, "organization") &&
                         (!wanted || (id && xmlStrcmp(id, wanted) == 0));
            xmlFree(id);
            for (const xmlNode *t = match ? org->children : NULL; t; t = t->next) {
                if (xml_input_is_element(t, ns, "title")) {
                    xmlChar *text = xmlNodeGetContent(t);
                    if (text && *text)
                        title = strdup((const char *)text);
                    xmlFree(text);
                    break;
                }
            }
        }
        xmlFree(wanted);
    }
    xmlFreeDoc(doc);
    return title;
}

/* One line about a package that will not play: the verdict and its first error. shown is the
 * package as the user knows it; a package unpacked from a zip cannot be validated by its
 * path, so the advice says where it is. */
static void describe_invalid(const scorm_report *report, const char *path, const char *shown,
                             char *out, size_t size)
{
    if (scorm_report_verdict(report) == SCORM_VERDICT_NOT_SCORM) {
        snprintf(out, size, "%s: not a SCORM package%s%s%s", shown,
                 report->not_scorm_kind ? " (it looks like " : "",
                 report->not_scorm_kind ? report->not_scorm_kind : "",
                 report->not_scorm_kind ? ")" : "");
        return;
    }
    const scorm_finding *first = NULL;
    for (size_t i = 0; i < report->count && !first; i++)
        if (scorm_rules[report->findings[i].rule].severity == SCORM_ERROR)
            first = &report->findings[i];
    if (!first) {
        snprintf(out, size, "%s: this SCORM package will not play", shown);
        return;
    }
    char advice[1200];
    if (strcmp(path, shown) == 0)
        snprintf(advice, sizeof advice, "run 'panya validate %s'", path);
    else
        snprintf(advice, sizeof advice, "take it out of the zip and run 'panya validate' on it");
    snprintf(out, size, "%s: this SCORM package will not play (%zu error%s; %s): %s: %s:%ld: %s",
             shown, report->errors, report->errors == 1 ? "" : "s", advice,
             scorm_rules[first->rule].id, first->file[0] ? first->file : "(package)",
             first->line, first->message);
}

int source_scorm_add_package(const char *path, const char *bundle_prefix, source_context *ctx,
                             lesson_model *model, char **title, panya_error *err)
{
    *title = NULL;
    scorm_report report;
    if (scorm_report_init(&report, path) != 0)
        return panya_error_oom(err);
    char *shown = source_display_path(ctx, path);
    if (!shown) {
        scorm_report_free(&report);
        return panya_error_oom(err);
    }
    int status = scorm_validate_package(path, &ctx->scorm, &report, err);
    ctx->scorm_packages++;
    if (status != 0)
        source_describe_error(ctx, err);
    if (status == 0) {
        scorm_report_sort(&report);
        if (!scorm_report_playable(&report)) {
            char line[2048];
            describe_invalid(&report, path, shown, line, sizeof line);
            if (ctx->keep_going) {
                status = lesson_model_skip(model, "%s", line) ? panya_error_oom(err) : 1;
            } else {
                status = panya_error_set(err, PANYA_ERR_INVALID, "%s", line);
            }
        } else if (report.warnings) {
            /* It plays, so it is packed; what it breaks is worth a line, not a refusal. */
            const scorm_finding *first = &report.findings[0];
            if (lesson_model_warn(model,
                                  "%s: plays, but has %zu warning%s (%zu ADL conformance "
                                  "deviation%s; run 'panya validate %s'), first: [%s] %s",
                                  path, report.warnings, report.warnings == 1 ? "" : "s",
                                  report.deviations, report.deviations == 1 ? "" : "s", path,
                                  scorm_rules[first->rule].id, first->message) != 0)
                status = panya_error_oom(err);
        }
    }
    scorm_report_free(&report);
    free(shown);
    if (status != 0)
        return status;
    struct stat st;
    if (stat(path, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    char *folder = S_ISDIR(st.st_mode) ? strdup(path) : source_staging_folder(ctx, path, err);
    if (!folder)
        return S_ISDIR(st.st_mode) ? panya_error_oom(err) : -1;
    if (!S_ISDIR(st.st_mode))
        status = source_unzip(ctx, path, folder, err);
    if (status == 0)
        status = source_add_folder_files(ctx, folder, bundle_prefix, model, err);
    if (status == 0)
        *title = organization_title(folder);
    free(folder);
    return status;
}

static int scorm_read(const char *path, const char *bundle_prefix, source_context *ctx,
                      lesson_model *model, panya_error *err)
{
    char *name = source_package_name(path);
    char *prefix = name ? source_join(bundle_prefix, name) : NULL;
    char *title = NULL;
    int status = prefix ? source_scorm_add_package(path, prefix, ctx, model, &title, err)
                        : panya_error_oom(err);
    if (status == 0)
        status = source_add_package_course(model, prefix, "scorm", title ? title : name, err);
    free(title);
    free(prefix);
    free(name);
    return status < 0 ? -1 : 0;
}

const source_reader source_reader_scorm = {
    .name = "scorm",
    .detect = scorm_detect,
    .read = scorm_read,
};
