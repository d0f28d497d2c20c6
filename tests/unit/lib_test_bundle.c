#include "lib_test_bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/bundle_manifest.h"
#include "writer/bundle_writer.h"

static void check(int ok, const char *what, const char *message)
{
    if (!ok) {
        fprintf(stderr, "lib_test_bundle: %s: %s\n", what, message ? message : "");
        abort();
    }
}

static uint8_t *random_bytes(size_t n, unsigned seed)
{
    uint8_t *p = malloc(n ? n : 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        p[i] = (uint8_t)x;
    }
    return p;
}

static lib_test_file *add(lib_test_bundle *t, const char *path, const char *profile,
                          const char *mime, uint8_t *data, size_t size)
{
    t->files = realloc(t->files, (t->file_count + 1) * sizeof *t->files);
    lib_test_file *f = &t->files[t->file_count++];
    snprintf(f->path, sizeof f->path, "%s", path);
    f->profile = profile;
    f->mime = mime;
    f->data = data;
    f->size = size;
    return f;
}

static int by_path(const void *a, const void *b)
{
    const lib_test_file *x = a, *y = b;
    int cmp = strcmp(x->path, y->path);
    return cmp ? cmp : strcmp(x->profile, y->profile) < 0 ? 1 : -1; /* small before low */
}

void lib_test_bundle_write(lib_test_bundle *t, const char *path, size_t pages,
                           size_t video_size, size_t text_size)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < pages; i++) {
        char name[64], *html = malloc(4096);
        snprintf(name, sizeof name, "maths/page%03zu.html", i);
        int n = snprintf(html, 4096,
                         "<!DOCTYPE html><html lang=\"lo\"><head><meta charset=\"utf-8\">"
                         "<title>ບົດທີ %zu</title></head><body><h1>Lesson %zu</h1>"
                         "<p>Count the mangoes: %zu. ນັບໝາກມ່ວງ %zu.</p>%s</body></html>\n",
                         i, i, i * 7, i * 3, i % 3 ? "<p>Again.</p>" : "");
        add(t, name, "source", "text/html", (uint8_t *)html, (size_t)n);
    }
    add(t, "maths/video.mp4", "small", "video/mp4", random_bytes(video_size, 1), video_size);
    add(t, "maths/video.mp4", "low", "video/mp4", random_bytes(video_size / 2, 2),
        video_size / 2);
    add(t, "maths/photo.jpg", "source", "image/jpeg", random_bytes(3000, 3), 3000);
    char *text = malloc(text_size + 1);
    for (size_t i = 0; i < text_size; i++)
        text[i] = "ກຂຄງ abc defg\n"[i % 19];
    add(t, "reading/book.txt", "source", "text/plain", (uint8_t *)text, text_size);
    qsort(t->files, t->file_count, sizeof *t->files, by_path);

    panya_error err = {0};
    bundle_manifest *m = bundle_manifest_new("maths-p3", "2026.11");
    manifest_titles_add(&m->titles, "lo", "ຄະນິດສາດ ປ.3");
    manifest_titles_add(&m->titles, "en", "Maths grade 3");
    manifest_course *course = bundle_manifest_add_course(m, "maths");
    manifest_titles_add(&course->titles, "lo", "ເລກ");
    manifest_titles_add(&course->titles, "en", "Numbers");
    manifest_lesson *l1 = manifest_course_add_lesson(course, "maths-1");
    manifest_titles_add(&l1->titles, "en", "Counting");
    manifest_lesson_add_item(l1, "maths-1-video", "video", "maths/video.mp4");
    manifest_lesson_add_item(l1, "maths-1-page", "html", "maths/page000.html");
    manifest_lesson *l2 = manifest_course_add_lesson(course, "maths-2");
    manifest_titles_add(&l2->titles, "lo", "ອ່ານ");
    manifest_lesson_add_item(l2, "maths-2-book", "document", "reading");
    check(bundle_manifest_add_folder(m, "maths/empty", &err) == 0, "folder", err.message);

    bundle_writer_options options = {.threads = 2};
    bundle_writer *w = bundle_writer_create(&options, &err);
    check(w != NULL, "writer", err.message);
    const char *profiles[3] = {"small", "low", "source"};
    for (size_t i = 0; i < t->file_count; i++) {
        lib_test_file *f = &t->files[i];
        manifest_variant v = {.profile = (char *)f->profile, .mime = (char *)f->mime,
                              .size = f->size};
        check(bundle_writer_add_memory(w, f->data, f->size, f->mime, v.hash, &err) == 0, f->path,
              err.message);
        manifest_file *mf = (i > 0 && strcmp(t->files[i - 1].path, f->path) == 0)
                                ? &m->files[m->file_count - 1]
                                : bundle_manifest_add_file(m, f->path, &err);
        check(mf && manifest_file_add_variant(mf, &v, &err) == 0, f->path, err.message);
    }
    check(bundle_manifest_finish(m, &err) == 0, "finish", err.message);
    /* What each lesson needs per profile: the profile's variant, else the source, else the
     * first (the catalogue's rule). */
    for (size_t l = 0; l < 2; l++)
        for (size_t p = 0; p < 3; p++)
            for (size_t f = 0; f < m->file_count; f++) {
                const manifest_lesson *lesson = &course->lessons[l];
                int used = 0;
                for (size_t i = 0; i < lesson->item_count; i++)
                    used |= manifest_item_uses(&lesson->items[i], m->files[f].path);
                const manifest_variant *v = manifest_file_variant(&m->files[f], profiles[p]);
                if (!v)
                    v = manifest_file_variant(&m->files[f], "source");
                if (!v)
                    v = manifest_file_variant(&m->files[f], NULL);
                t->lesson_sizes[l][p] += used ? v->size : 0;
            }
    check(bundle_writer_finish(w, path, m, &err) == 0, path, err.message);
    bundle_writer_free(w);
    bundle_manifest_free(m);
}

void lib_test_bundle_free(lib_test_bundle *t)
{
    for (size_t i = 0; i < t->file_count; i++)
        free(t->files[i].data);
    free(t->files);
    memset(t, 0, sizeof *t);
}

const lib_test_file *lib_test_bundle_file(const lib_test_bundle *t, const char *path,
                                          const char *profile)
{
    for (size_t i = 0; i < t->file_count; i++)
        if (strcmp(t->files[i].path, path) == 0 &&
            (!profile || strcmp(t->files[i].profile, profile) == 0))
            return &t->files[i];
    return NULL;
}
