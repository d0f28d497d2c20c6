/* PDF pages to pictures, in process with poppler-glib and cairo: each page rendered to a PNG
 * that the image pipeline then turns into WebP at each profile's picture size, and its text
 * kept for the page viewer. */
#include <cairo.h>
#include <errno.h>
#include <limits.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codecs/codecs.h"

/* A page is "one big picture" (a scan) when one image covers this much of it. */
#define PICTURE_PAGE_COVER 0.80

static bool is_picture_page(PopplerPage *page, double width, double height)
{
    bool picture = false;
    GList *images = poppler_page_get_image_mapping(page);
    for (GList *l = images; l && !picture; l = l->next) {
        const PopplerImageMapping *m = l->data;
        double w = m->area.x2 - m->area.x1, h = m->area.y2 - m->area.y1;
        picture = w * h >= PICTURE_PAGE_COVER * width * height;
    }
    poppler_page_free_image_mapping(images);
    return picture;
}

static int write_text(const char *path, const char *text, panya_error *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", path);
    if (text)
        fputs(text, f);
    if (fclose(f) != 0)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", path);
    return 0;
}

static int render_page(PopplerPage *page, int long_side, const char *png, panya_error *err)
{
    double width, height;
    poppler_page_get_size(page, &width, &height);
    double scale = long_side / (width > height ? width : height);
    int w = (int)(width * scale + 0.5), h = (int)(height * scale + 0.5);
    w = w < 1 ? 1 : w;
    h = h < 1 ? 1 : h;
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    poppler_page_render(page, cr);
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_write_to_png(surface, png);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS)
        return panya_error_set(err, status == CAIRO_STATUS_WRITE_ERROR ? PANYA_ERR_OUTPUT
                                                                       : PANYA_ERR_INTERNAL,
                               "%s: cannot render the page (%s)", png,
                               cairo_status_to_string(status));
    return 0;
}

int codec_pdf_render(const char *pdf_path, const char *out_dir, int long_side,
                     codec_pdf_info *info, panya_error *err)
{
    memset(info, 0, sizeof *info);
    struct stat st;
    if (stat(pdf_path, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", pdf_path);
    info->pdf_bytes = (uint64_t)st.st_size;
    char real[PATH_MAX];
    if (!realpath(pdf_path, real))
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", pdf_path);
    GError *gerr = NULL;
    gchar *uri = g_filename_to_uri(real, NULL, &gerr);
    PopplerDocument *doc = uri ? poppler_document_new_from_file(uri, NULL, &gerr) : NULL;
    g_free(uri);
    if (!doc) {
        bool encrypted = gerr && gerr->domain == POPPLER_ERROR &&
                         gerr->code == POPPLER_ERROR_ENCRYPTED;
        panya_error_set(err, PANYA_ERR_INVALID, "%s: %s (%s)", pdf_path,
                        encrypted ? "the PDF is encrypted (it needs a password to open); "
                                    "save a copy without a password"
                                  : "damaged, or not a PDF",
                        gerr ? gerr->message : "unknown error");
        if (gerr)
            g_error_free(gerr);
        return -1;
    }
    int pages = poppler_document_get_n_pages(doc);
    int status = 0;
    if (pages <= 0)
        status = panya_error_set(err, PANYA_ERR_INVALID, "%s: the PDF has no pages", pdf_path);
    else if (pages > CODEC_PDF_MAX_PAGES)
        status = panya_error_set(err, PANYA_ERR_INVALID, "%s: %d pages, more than the %d panya "
                                                         "renders", pdf_path, pages,
                                 CODEC_PDF_MAX_PAGES);
    for (int i = 0; i < pages && status == 0; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page) {
            status = panya_error_set(err, PANYA_ERR_INVALID, "%s: page %d is damaged", pdf_path,
                                     i + 1);
            break;
        }
        double width, height;
        poppler_page_get_size(page, &width, &height);
        char png[PATH_MAX], txt[PATH_MAX];
        snprintf(png, sizeof png, "%s/%04d.png", out_dir, i + 1);
        snprintf(txt, sizeof txt, "%s/%04d.txt", out_dir, i + 1);
        if (width <= 0 || height <= 0) {
            status = panya_error_set(err, PANYA_ERR_INVALID, "%s: page %d has no size",
                                     pdf_path, i + 1);
        } else {
            info->picture_pages += is_picture_page(page, width, height);
            status = render_page(page, long_side, png, err);
            gchar *text = status == 0 ? poppler_page_get_text(page) : NULL;
            if (status == 0)
                status = write_text(txt, text, err);
            g_free(text);
        }
        g_object_unref(page);
        info->pages += status == 0;
    }
    g_object_unref(doc);
    return status;
}
