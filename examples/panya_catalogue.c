/* A small program over the installed reader library: prints a bundle's facts and catalogue
 * (courses, lessons and their sizes per profile), then copies one lesson file to standard
 * output. Build it against an installed libpanya:
 *
 *   cc panya_catalogue.c $(pkg-config --cflags --libs panya) -o panya-catalogue
 *   ./panya-catalogue lessons.panya                      # the catalogue
 *   ./panya-catalogue lessons.panya "maths/1/index.html" [PROFILE] > index.html
 */
#include <panya.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *title_of(const panya_text *titles, size_t count)
{
    const char *lao = panya_title(titles, count, "lo");
    const char *english = panya_title(titles, count, "en");
    return lao ? lao : english ? english : "(untitled)";
}

static int print_catalogue(panya_bundle *bundle)
{
    panya_facts facts;
    panya_get_facts(bundle, &facts);
    printf("format %u.%u, %llu files, %llu bytes", facts.format_major, facts.format_minor,
           (unsigned long long)facts.file_count, (unsigned long long)facts.bundle_size);
    if (facts.part_count)
        printf(", part %u of %u", facts.part_number, facts.part_count);
    printf(facts.is_signed ? ", signed by %s\n" : ", unsigned\n", facts.key_id);
    if (!facts.has_catalogue) {
        printf("no catalogue (a format 1.0 bundle)\n");
        return 0;
    }
    printf("pack %s version %s: %s\n", facts.pack_id, facts.pack_version,
           title_of(facts.titles, facts.title_count));
    size_t profiles = panya_profile_count(bundle);
    for (size_t c = 0; c < panya_course_count(bundle); c++) {
        panya_course_info course;
        if (panya_course(bundle, c, &course) != PANYA_OK)
            return 1;
        printf("course %s: %s\n", course.id, title_of(course.titles, course.title_count));
        for (size_t l = 0; l < course.lesson_count; l++) {
            panya_lesson_info lesson;
            if (panya_lesson(bundle, c, l, &lesson) != PANYA_OK)
                return 1;
            printf("  lesson %s: %s", lesson.id, title_of(lesson.titles, lesson.title_count));
            for (size_t p = 0; p < profiles && p < lesson.profile_count; p++)
                printf(" [%s %llu B]", panya_profile_name(bundle, p),
                       (unsigned long long)lesson.size_by_profile[p]);
            printf("\n");
            for (size_t i = 0; i < lesson.item_count; i++) {
                panya_item_info item;
                if (panya_item(bundle, c, l, i, &item) != PANYA_OK)
                    return 1;
                printf("    %s %s", item.kind, item.path);
                if (item.launch && strcmp(item.launch, item.path) != 0)
                    printf(" (opens %s)", item.launch);
                printf("\n");
            }
        }
    }
    return 0;
}

static panya_status to_stdout(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    return fwrite(data, 1, len, stdout) == len ? PANYA_OK : PANYA_ERR_OUTPUT;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s BUNDLE [PATH [PROFILE]]\n", argv[0]);
        return 2;
    }
    panya_bundle *bundle;
    panya_error_info err;
    if (panya_open(argv[1], 0, &bundle, &err) != PANYA_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    int status = 0;
    if (argc == 2) {
        status = print_catalogue(bundle);
    } else {
        panya_file_info file;
        if (panya_find(bundle, argv[2], argc == 4 ? argv[3] : NULL, &file, &err) != PANYA_OK ||
            panya_read_file_cb(bundle, &file, to_stdout, NULL, &err) != PANYA_OK) {
            fprintf(stderr, "%s\n", err.message);
            status = 1;
        }
        if (fflush(stdout) != 0)
            status = 1;
    }
    panya_close(bundle);
    return status;
}
