/* PDF textbooks: a phone browser cannot show a PDF inline, so each page is rendered (in the
 * codecs module, with poppler) to a picture that the image pipeline turns into WebP at each
 * profile's picture size, shown by a light page viewer (index.html: next/previous links,
 * pinch-zoom, lazy loading, no JavaScript needed) that keeps each page's text for screen
 * readers and find-in-page. A document with text and drawings keeps its PDF as a download;
 * a scanned book (most pages one big picture) is left as page pictures only, as its PDF is
 * the same pictures, larger. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "codecs/codecs.h"
#include "sources/source.h"

/* Pages are rendered this many pixels on their long side, above every built-in profile's
 * picture size (1280), so each profile's WebP is scaled down from it, never up. */
#define PDF_RENDER_SIDE 1600

static bool is_pdf_name(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && strcasecmp(path + n - 4, ".pdf") == 0;
}

/* "840 kB", "40.1 MB" */
static void format_bytes(char *out, size_t size, uint64_t bytes)
{
    if (bytes < 1000000)
        snprintf(out, size, "%.0f kB", bytes / 1e3);
    else
        snprintf(out, size, "%.1f MB", bytes / 1e6);
}

static int pdf_detect(const char *path, source_context *ctx, char *why, size_t why_size,
                      panya_error *err)
{
    (void)ctx, (void)err;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !is_pdf_name(path))
        return 0;
    snprintf(why, why_size, "a .pdf file");
    return 1;
}

static int copy_text(FILE *out, const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return -1;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf - 1, in)) > 0) {
        buf[n] = '\0';
        /* poppler writes UTF-8 without NULs; a stray NUL would only cut the text short. */
        source_write_html_text(out, buf);
    }
    fclose(in);
    return 0;
}

/* The size of a PNG from its header; false when it is not one. */
static bool png_size(const char *path, int *width, int *height)
{
    unsigned char h[24];
    FILE *f = fopen(path, "rb");
    bool ok = f && fread(h, 1, sizeof h, f) == sizeof h && memcmp(h + 12, "IHDR", 4) == 0;
    if (f)
        fclose(f);
    if (ok) {
        *width = (h[16] << 24) | (h[17] << 16) | (h[18] << 8) | h[19];
        *height = (h[20] << 24) | (h[21] << 16) | (h[22] << 8) | h[23];
    }
    return ok && *width > 0 && *height > 0;
}

/* The page viewer. Every page is an <img loading="lazy"> in one scrolling page, with links
 * to the previous and next page (anchors: no JavaScript), and its text in <details> below
 * it (read by screen readers, found by find-in-page). The viewport allows pinch-zoom. */
static int write_viewer(const char *html_path, const char *pages_dir, const char *title,
                        const char *pdf_name, const codec_pdf_info *info, panya_error *err)
{
    FILE *f = fopen(html_path, "wb");
    if (!f)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", html_path);
    fputs("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    source_write_html_text(f, title);
    fputs("</title>\n<style>\n"
          "body{margin:0;background:#555;font-family:sans-serif}\n"
          "header,nav{background:#fff;padding:6px 8px}\n"
          "section{margin:0 0 12px}\n"
          "img{display:block;width:100%;height:auto;background:#fff}\n"
          "nav{display:flex;justify-content:space-between}\n"
          "nav a{padding:6px 12px;background:#eee;color:#000;text-decoration:none}\n"
          "details{background:#fff;padding:4px 8px;white-space:pre-wrap}\n"
          "</style>\n</head>\n<body>\n<header><h1>",
          f);
    source_write_html_text(f, title);
    fprintf(f, "</h1><p>%d page%s", info->pages, info->pages == 1 ? "" : "s");
    if (pdf_name) {
        char bytes[32];
        format_bytes(bytes, sizeof bytes, info->pdf_bytes);
        fputs(" · <a href=\"", f);
        source_write_html_text(f, pdf_name);
        fprintf(f, "\" download>Download the PDF (%s)</a>", bytes);
    }
    fputs("</p></header>\n", f);
    for (int i = 1; i <= info->pages; i++) {
        char png[64], txt[4096], png_disk[4096];
        snprintf(png, sizeof png, "pages/%04d.png", i);
        snprintf(txt, sizeof txt, "%s/%04d.txt", pages_dir, i);
        snprintf(png_disk, sizeof png_disk, "%s/%04d.png", pages_dir, i);
        /* Its size reserves the page's room before its picture loads. */
        int width = 1000, height = 1414;
        png_size(png_disk, &width, &height);
        fprintf(f, "<section id=\"p%d\">\n<img src=\"%s\" alt=\"Page %d\" loading=\"%s\" "
                   "width=\"%d\" height=\"%d\">\n<nav>",
                i, png, i, i <= 2 ? "eager" : "lazy", width, height);
        if (i > 1)
            fprintf(f, "<a href=\"#p%d\" rel=\"prev\">&larr; Page %d</a>", i - 1, i - 1);
        else
            fputs("<span></span>", f);
        fprintf(f, "<span>%d / %d</span>", i, info->pages);
        if (i < info->pages)
            fprintf(f, "<a href=\"#p%d\" rel=\"next\">Page %d &rarr;</a>", i + 1, i + 1);
        else
            fputs("<span></span>", f);
        fprintf(f, "</nav>\n<details><summary>Text of page %d</summary>", i);
        copy_text(f, txt);
        fputs("</details>\n</section>\n", f);
    }
    fputs("</body>\n</html>\n", f);
    if (fclose(f) != 0)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", html_path);
    return 0;
}

/* The document's name in the bundle: its file name without ".pdf". */
static char *document_name(const char *path)
{
    char *name = source_package_name(path);
    if (name && is_pdf_name(name))
        name[strlen(name) - 4] = '\0';
    return name;
}

int source_pdf_add_document(const char *path, const char *bundle_prefix, source_context *ctx,
                            lesson_model *model, const char *title, panya_error *err)
{
    char *work = source_staging_folder(ctx, path, err);
    if (!work)
        return -1;
    char *pages_dir = source_join(work, "pages");
    char *viewer = source_join(work, "index.html");
    char *shown = source_display_path(ctx, path);
    int status = pages_dir && viewer && shown ? 0 : panya_error_oom(err);
    if (status == 0 && mkdir(pages_dir, 0700) != 0)
        status = panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", pages_dir);
    codec_pdf_info info;
    if (status == 0 && codec_pdf_render(path, pages_dir, PDF_RENDER_SIDE, &info, err) != 0) {
        source_describe_error(ctx, err);
        status = -1;
        if (ctx->keep_going && err->code == PANYA_ERR_INVALID)
            status = lesson_model_skip(model, "%s", err->message) ? panya_error_oom(err) : 1;
    }
    /* A scan: most pages one picture. Its PDF is those pictures at full size. */
    bool scanned = status == 0 && info.picture_pages * 2 > info.pages;
    char *pdf_name = NULL;
    if (status == 0 && !scanned) {
        const char *base = strrchr(path, '/');
        pdf_name = strdup(base ? base + 1 : path);
        status = pdf_name ? 0 : panya_error_oom(err);
    }
    if (status == 0)
        status = write_viewer(viewer, pages_dir, title, pdf_name, &info, err);
    char *bundle_file = NULL;
    if (status == 0 && !(bundle_file = source_join(bundle_prefix, "index.html")))
        status = panya_error_oom(err);
    if (status == 0)
        status = lesson_model_add_file(model, bundle_file, viewer, err);
    free(bundle_file);
    for (int i = 1; status == 0 && i <= info.pages; i++) {
        char page[32], *disk = NULL, *in_bundle = NULL;
        snprintf(page, sizeof page, "pages/%04d.png", i);
        disk = source_join(work, page);
        in_bundle = source_join(bundle_prefix, page);
        status = disk && in_bundle ? lesson_model_add_file(model, in_bundle, disk, err)
                                   : panya_error_oom(err);
        free(disk);
        free(in_bundle);
    }
    if (status == 0 && pdf_name) {
        char *in_bundle = source_join(bundle_prefix, pdf_name);
        status = in_bundle ? lesson_model_add_file(model, in_bundle, path, err)
                           : panya_error_oom(err);
        free(in_bundle);
    }
    char bytes[32];
    format_bytes(bytes, sizeof bytes, status == 0 ? info.pdf_bytes : 0);
    if (status == 0 &&
        lesson_model_warn(model,
                          scanned ? "%s: %d pages, scanned (%d one picture each): packed as page "
                                    "pictures; the PDF (%s) is left out"
                                  : "%s: %d pages with text or drawings (%d one picture): packed "
                                    "as page pictures, and the PDF (%s) as a download",
                          shown, info.pages, info.picture_pages, bytes) != 0)
        status = panya_error_oom(err);
    free(pdf_name);
    free(shown);
    free(viewer);
    free(pages_dir);
    free(work);
    return status;
}

static int pdf_read(const char *path, const char *bundle_prefix, source_context *ctx,
                    lesson_model *model, panya_error *err)
{
    char *name = document_name(path);
    char *prefix = name ? source_join(bundle_prefix, name) : NULL;
    int status = prefix ? source_pdf_add_document(path, prefix, ctx, model, name, err)
                        : panya_error_oom(err);
    if (status == 0)
        status = source_add_package_course(model, prefix, "pdf", name, err);
    free(prefix);
    free(name);
    return status < 0 ? -1 : 0;
}

const source_reader source_reader_pdf = {
    .name = "pdf",
    .detect = pdf_detect,
    .read = pdf_read,
};
