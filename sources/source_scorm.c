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


static bool is_zip_name(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcasecmp(path + n - 4, ".zip") == 0;
}

static bool scorm_claims(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    if (S_ISDIR(st.st_mode)) {
        char *manifest = source_join(path, "imsmanifest.xml");
        bool found = manifest && access(manifest, F_OK) == 0;
        free(manifest);
        return found;
    }
    bool has_manifest = false, has_index = false;
    panya_error ignored = {0};
    return S_ISREG(st.st_mode) && is_zip_name(path) &&
           source_zip_roots(path, &has_manifest, &has_index, NULL, &ignored) == 0 && has_manifest;
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

/* One line about a package that will not play: the verdict and its first error. */
static void describe_invalid(const scorm_report *report, const char *path, char *out, size_t size)
{
    if (scorm_report_verdict(report) == SCORM_VERDICT_NOT_SCORM) {
        snprintf(out, size, "%s: not a SCORM package%s%s", path,
                 report->not_scorm_kind ? " (it looks like " : "",
                 report->not_scorm_kind ? report->not_scorm_kind : "");
        if (report->not_scorm_kind)
            strncat(out, ")", size - strlen(out) - 1);
        return;
    }
    const scorm_finding *first = NULL;
    for (size_t i = 0; i < report->count && !first; i++)
        if (scorm_rules[report->findings[i].rule].severity == SCORM_ERROR)
            first = &report->findings[i];
    if (!first) {
        snprintf(out, size, "%s: this SCORM package will not play", path);
        return;
    }
    snprintf(out, size, "%s: this SCORM package will not play (%zu error%s; run 'panya validate "
             "%s'): %s: %s:%ld: %s",
             path, report->errors, report->errors == 1 ? "" : "s", path,
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
    int status = scorm_validate_package(path, &ctx->scorm, &report, err);
    ctx->scorm_packages++;
    if (status == 0) {
        scorm_report_sort(&report);
        if (!scorm_report_playable(&report)) {
            char line[2048];
            describe_invalid(&report, path, line, sizeof line);
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
    if (status != 0)
        return status;
    struct stat st;
    if (stat(path, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    char *folder = S_ISDIR(st.st_mode) ? strdup(path) : source_staging_folder(ctx, err);
    if (!folder)
        return S_ISDIR(st.st_mode) ? panya_error_oom(err) : -1;
    if (!S_ISDIR(st.st_mode))
        status = source_unzip(path, folder, err);
    if (status == 0)
        status = source_add_folder_files(folder, bundle_prefix, ctx, model, err);
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
    if (status == 0) {
        bundle_manifest *m = model->manifest;
        manifest_course *course = bundle_manifest_add_course(m, prefix);
        char *lesson_id = source_join(prefix, "1");
        manifest_lesson *lesson = course && lesson_id ? manifest_course_add_lesson(course, lesson_id)
                                                      : NULL;
        manifest_item *item = lesson ? manifest_lesson_add_item(lesson, lesson_id, "scorm", prefix)
                                     : NULL;
        if (!item || source_add_title(&course->titles, title ? title : name) != 0 ||
            source_add_title(&lesson->titles, title ? title : name) != 0)
            status = panya_error_oom(err);
        free(lesson_id);
    }
    free(title);
    free(prefix);
    free(name);
    return status < 0 ? -1 : 0;
}

const source_reader source_reader_scorm = {
    .name = "scorm",
    .claims = scorm_claims,
    .read = scorm_read,
};
