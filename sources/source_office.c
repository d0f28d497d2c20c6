/* Office documents (PowerPoint and Word: .pptx, .ppt, .docx, .doc; OpenDocument: .odp, .odt):
 * converted to PDF in process through LibreOfficeKit, then read as a PDF (pages as pictures
 * in a page viewer, sources/source_pdf.c). LibreOffice is optional at build time (Debian
 * libreofficekit-dev, headers only: LibreOfficeKitInit.h loads the office with dlopen) and at
 * run time (libreoffice-core): when it is absent, or the conversion fails, the document is
 * kept as it is (item kind `document`, offered as a download) with a warning saying why. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "sources/source.h"

#ifdef PANYA_HAVE_LIBREOFFICEKIT
#include <LibreOfficeKit/LibreOfficeKitInit.h>
#endif

#define OFFICE_DEFAULT_DIR "/usr/lib/libreoffice/program"

static const char *const office_extensions[] = {".pptx", ".ppt", ".docx", ".doc", ".odp", ".odt"};

static const char *office_extension(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof office_extensions / sizeof office_extensions[0]; i++)
        if (strcasecmp(dot, office_extensions[i]) == 0)
            return dot;
    return NULL;
}

static int office_detect(const char *path, source_context *ctx, char *why, size_t why_size,
                         panya_error *err)
{
    (void)ctx, (void)err;
    struct stat st;
    const char *ext = office_extension(path);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !ext)
        return 0;
    snprintf(why, why_size, "a %s file (an office document)", ext);
    return 1;
}

#ifdef PANYA_HAVE_LIBREOFFICEKIT
/* "file://" and path made absolute, with what URLs give a meaning percent-encoded
 * (malloc'd); a path that does not exist yet (the PDF to write) must have an absolute folder. */
static char *file_url(const char *relative)
{
    char *path = realpath(relative, NULL);
    if (!path && errno == ENOENT && relative[0] == '/')
        path = strdup(relative);
    char *url = path ? malloc(strlen(path) * 3 + 8) : NULL;
    if (!url) {
        free(path);
        return NULL;
    }
    char *o = url + sprintf(url, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~", *p))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = '\0';
    free(path);
    return url;
}

/* The office, loaded once per process: LibreOfficeKit cannot be started twice. */
static LibreOfficeKit *office;

/* Converts path to pdf with the office in dir. Returns 0, or -1 with why (a phrase). */
static int convert(const char *dir, const char *profile, const char *path, const char *pdf,
                   char *why, size_t why_size)
{
    char *library = NULL, *sofficeapp = NULL;
    struct stat st;
    if (asprintf(&library, "%s/libmergedlo.so", dir) < 0)
        library = NULL;
    if (asprintf(&sofficeapp, "%s/libsofficeapp.so", dir) < 0)
        sofficeapp = NULL;
    bool present = library && sofficeapp &&
                   (stat(library, &st) == 0 || stat(sofficeapp, &st) == 0);
    free(library);
    free(sofficeapp);
    if (!present) {
        snprintf(why, why_size, "LibreOffice is not installed (%s; Debian libreoffice-core)",
                 dir);
        return -1;
    }
    char *profile_url = office ? NULL : file_url(profile);
    if (!office)
        office = profile_url ? lok_init_2(dir, profile_url) : NULL;
    free(profile_url);
    if (!office) {
        snprintf(why, why_size, "LibreOffice in %s could not be started", dir);
        return -1;
    }
    char *in_url = file_url(path), *out_url = file_url(pdf);
    LibreOfficeKitDocument *doc = in_url && out_url
                                      ? office->pClass->documentLoad(office, in_url)
                                      : NULL;
    int status = 0;
    if (!doc) {
        char *message = office->pClass->getError(office);
        snprintf(why, why_size, "LibreOffice cannot open it (%s)",
                 message && *message ? message : "no reason given");
        free(message);
        status = -1;
    } else {
        if (!doc->pClass->saveAs(doc, out_url, "pdf", NULL) || stat(pdf, &st) != 0 ||
            st.st_size == 0) {
            snprintf(why, why_size, "LibreOffice could not save it as PDF");
            status = -1;
        }
        doc->pClass->destroy(doc);
    }
    free(in_url);
    free(out_url);
    return status;
}
#else
static int convert(const char *dir, const char *profile, const char *path, const char *pdf,
                   char *why, size_t why_size)
{
    (void)dir, (void)profile, (void)path, (void)pdf;
    snprintf(why, why_size, "this panya was built without LibreOfficeKit (Debian "
             "libreofficekit-dev)");
    return -1;
}
#endif

/* The document kept as it is: one lesson offering the file as a download. */
static int add_as_is(const char *path, const char *prefix, const char *base, const char *name,
                     lesson_model *model, panya_error *err)
{
    char *bundle = source_join(prefix, base), *lesson_id = source_join(prefix, "1");
    manifest_course *course = bundle_manifest_add_course(model->manifest, prefix);
    manifest_lesson *lesson = course && lesson_id ? manifest_course_add_lesson(course, lesson_id)
                                                  : NULL;
    manifest_item *item = lesson && bundle
                              ? manifest_lesson_add_item(lesson, lesson_id, "document", bundle)
                              : NULL;
    int status = !item || source_add_title(&course->titles, name) != 0 ||
                         source_add_title(&lesson->titles, name) != 0 ||
                         source_add_title(&item->titles, name) != 0
                     ? panya_error_oom(err)
                     : lesson_model_add_file(model, bundle, path, err);
    free(bundle);
    free(lesson_id);
    return status;
}

static int office_read(const char *path, const char *bundle_prefix, source_context *ctx,
                       lesson_model *model, panya_error *err)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    const char *ext = office_extension(base);
    char *name = ext ? strndup(base, (size_t)(ext - base)) : strdup(base);
    char *prefix = name ? source_join(bundle_prefix, name) : NULL;
    char *shown = source_display_path(ctx, path);
    char *work = prefix && shown ? source_staging_folder(ctx, path, err) : NULL;
    char *pdf = NULL, *profile = NULL;
    int status = work ? 0 : prefix && shown ? -1 : panya_error_oom(err);
    char *work_abs = work ? realpath(work, NULL) : NULL;
    if (status == 0 && (!work_abs || asprintf(&pdf, "%s/%s.pdf", work_abs, name) < 0 ||
                        asprintf(&profile, "%s/office-profile", work) < 0))
        status = panya_error_oom(err);
    char why[400];
    const char *dir = getenv("PANYA_OFFICE_DIR");
    if (status == 0 && convert(dir && *dir ? dir : OFFICE_DEFAULT_DIR, profile, path, pdf, why,
                               sizeof why) == 0) {
        status = source_pdf_add_document(pdf, prefix, ctx, model, name, err);
        if (status == 0)
            status = source_add_package_course(model, prefix, "pdf", name, err);
    } else if (status == 0) {
        status = lesson_model_warn(model, "%s: kept as it is, not converted to PDF: %s", shown,
                                   why)
                     ? panya_error_oom(err)
                     : add_as_is(path, prefix, base, name, model, err);
    }
    free(profile);
    free(pdf);
    free(work_abs);
    free(work);
    free(shown);
    free(prefix);
    free(name);
    return status < 0 ? -1 : 0;
}

const source_reader source_reader_office = {
    .name = "office",
    .detect = office_detect,
    .read = office_read,
};
