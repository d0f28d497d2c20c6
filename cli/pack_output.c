#include "cli/pack_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_output.h"
#include "cli/json_output.h"
#include "common/output_file.h"

void pack_progress_show(void *ctx, const pack_progress *p)
{
    pack_progress_display *display = ctx;
    if (!display->enabled)
        return;
    char in[32], out[32], eta[32] = "";
    if (p->done && p->done < p->total) {
        double left = p->elapsed / (double)p->done * (double)(p->total - p->done);
        snprintf(eta, sizeof eta, "  ETA %d:%02d", (int)left / 60, (int)left % 60);
    }
    const char *slash = strrchr(p->current, '/');
    const char *name = slash ? slash + 1 : p->current;
    /* At most 40 bytes of the name, cut on a UTF-8 character boundary (Lao is 3 bytes). */
    int len = (int)strlen(name);
    if (len > 40) {
        len = 40;
        while (len > 0 && ((unsigned char)name[len] & 0xC0) == 0x80)
            len--;
    }
    fprintf(stderr, "\r\033[K[%zu/%zu] %.*s  %s -> %s%s", p->done, p->total, len, name,
            cli_format_bytes(p->bytes_in, in, sizeof in),
            cli_format_bytes(p->bytes_out, out, sizeof out), eta);
    fflush(stderr);
    display->drawn = true;
}

void pack_progress_end(pack_progress_display *display)
{
    if (display->drawn)
        fputs("\r\033[K", stderr);
    display->drawn = false;
}

void pack_print_summary(const char *out_path, const pack_summary *s)
{
    char a[32], b[32];
    double ratio = s->input_bytes ? 100.0 * (double)s->bundle.bundle_bytes / (double)s->input_bytes
                                  : 0.0;
    printf("Packed %s: %s\n", out_path, cli_format_bytes(s->bundle.bundle_bytes, a, sizeof a));
    if (s->source_reader)
        printf("  read as %s: %s\n", s->source_reader, s->source_reason ? s->source_reason : "");
    printf("  %zu courses, %zu lessons, %zu items, %zu files\n", s->courses, s->lessons, s->items,
           s->files);
    printf("  input %s -> bundle %s (%.1f%%)\n", cli_format_bytes(s->input_bytes, a, sizeof a),
           cli_format_bytes(s->bundle.bundle_bytes, b, sizeof b), ratio);
    for (size_t p = 0; p < s->profile_count; p++)
        printf("  profile %-8s %s of media\n", s->profile_names[p],
               cli_format_bytes(s->profile_bytes[p], a, sizeof a));
    if (s->profile_count)
        printf("  transcodes: %llu new, %llu from the cache\n",
               (unsigned long long)s->transcodes, (unsigned long long)s->cache_hits);
    printf("  %llu objects (%llu duplicates stored once), %llu dictionaries, %.1f s\n",
           (unsigned long long)s->bundle.objects, (unsigned long long)s->bundle.duplicates,
           (unsigned long long)s->bundle.dictionaries, s->seconds);
    for (size_t i = 0; i < s->skipped_count; i++)
        printf("  skipped: %s\n", s->skipped[i]);
}

void pack_print_plan(const char *out_path, const pack_summary *s)
{
    char a[32], b[32];
    printf("Plan for %s (nothing written)\n", out_path);
    if (s->source_reader)
        printf("  read as %s: %s\n", s->source_reader, s->source_reason ? s->source_reason : "");
    printf("  %zu courses, %zu lessons, %zu items, %zu files, input %s\n", s->courses, s->lessons,
           s->items, s->files, cli_format_bytes(s->input_bytes, a, sizeof a));
    const bundle_manifest *m = s->plan;
    for (size_t c = 0; m && c < m->course_count; c++) {
        const manifest_course *course = &m->courses[c];
        const char *title = manifest_titles_pick(&course->titles, "lo");
        printf("  course %s: %s\n", course->id, title ? title : "");
        for (size_t l = 0; l < course->lesson_count; l++) {
            const manifest_lesson *lesson = &course->lessons[l];
            const char *lt = manifest_titles_pick(&lesson->titles, "lo");
            printf("    lesson %s: %s (%s)\n", lesson->id, lt ? lt : "",
                   lesson->item_count ? lesson->items[0].kind : "empty");
        }
    }
    for (size_t i = 0; i < s->figure_count; i++) {
        const pack_file_figures *fig = &s->figures[i];
        printf("  %s (%s):", fig->path, cli_format_bytes(fig->source_bytes, a, sizeof a));
        for (size_t v = 0; v < fig->variant_count; v++)
            printf(" %s %s%s", fig->variants[v].profile,
                   fig->variants[v].cache_hit ? "cached " : "~",
                   cli_format_bytes(fig->variants[v].bytes, b, sizeof b));
        putchar('\n');
    }
    if (s->profile_count)
        printf("  transcodes: %llu needed, %llu in the cache\n", (unsigned long long)s->transcodes,
               (unsigned long long)s->cache_hits);
    for (size_t p = 0; p < s->profile_count; p++)
        printf("  profile %-8s media about %s, bundle about %s (stored files as they are)\n",
               s->profile_names[p], cli_format_bytes(s->profile_bytes[p], a, sizeof a),
               cli_format_bytes(s->profile_bytes[p] + s->stored_bytes, b, sizeof b));
    if (!s->profile_count)
        printf("  profile source: every file as it is, bundle at most %s\n",
               cli_format_bytes(s->input_bytes, a, sizeof a));
    for (size_t i = 0; i < s->skipped_count; i++)
        printf("  skipped: %s\n", s->skipped[i]);
}

static void write_number_or_null(FILE *f, double value)
{
    if (value < 0)
        fputs("null", f);
    else
        fprintf(f, "%.4f", value);
}

int pack_write_report(const char *path, const char *out_path, const pack_summary *s,
                      panya_error *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return panya_error_oom(err);
    fputs("{\n  \"bundle\": ", f);
    json_write_string(f, out_path);
    fprintf(f,
            ",\n  \"bundle_bytes\": %llu,\n  \"input_bytes\": %llu,\n  \"seconds\": %.3f,\n"
            "  \"courses\": %zu,\n  \"lessons\": %zu,\n  \"items\": %zu,\n  \"files\": %zu,\n"
            "  \"transcodes\": %llu,\n  \"cache_hits\": %llu,\n  \"profiles\": {",
            (unsigned long long)s->bundle.bundle_bytes, (unsigned long long)s->input_bytes,
            s->seconds, s->courses, s->lessons, s->items, s->files,
            (unsigned long long)s->transcodes, (unsigned long long)s->cache_hits);
    for (size_t p = 0; p < s->profile_count; p++) {
        fputs(p ? ", " : "", f);
        json_write_string(f, s->profile_names[p]);
        fprintf(f, ": %llu", (unsigned long long)s->profile_bytes[p]);
    }
    fputs("},\n  \"skipped\": [", f);
    for (size_t i = 0; i < s->skipped_count; i++) {
        fputs(i ? ", " : "", f);
        json_write_string(f, s->skipped[i]);
    }
    fputs("],\n  \"items\": [", f);
    for (size_t i = 0; i < s->figure_count; i++) {
        const pack_file_figures *fig = &s->figures[i];
        fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", f);
        json_write_string(f, fig->path);
        fprintf(f, ", \"source_bytes\": %llu, \"variants\": [", (unsigned long long)fig->source_bytes);
        for (size_t v = 0; v < fig->variant_count; v++) {
            const pack_variant_figures *vf = &fig->variants[v];
            fputs(v ? ", {\"profile\": " : "{\"profile\": ", f);
            json_write_string(f, vf->profile);
            fputs(", \"mime\": ", f);
            json_write_string(f, vf->mime);
            fprintf(f, ", \"bytes\": %llu, \"ssim\": ", (unsigned long long)vf->bytes);
            write_number_or_null(f, vf->ssim);
            fprintf(f, ", \"seconds\": %.3f, \"cache_hit\": %s, \"kept_source\": %s}", vf->seconds,
                    vf->cache_hit ? "true" : "false", vf->kept_source ? "true" : "false");
        }
        fputs("]}", f);
    }
    fputs("\n  ]\n}\n", f);
    if (fclose(f) != 0) {
        free(text);
        return panya_error_oom(err);
    }
    panya_output_file out;
    int status = panya_output_open(&out, path, err);
    if (status == 0 && panya_output_write(&out, text, len, err) != 0) {
        panya_output_abort(&out);
        status = -1;
    } else if (status == 0) {
        status = panya_output_commit(&out, err);
    }
    free(text);
    return status;
}
