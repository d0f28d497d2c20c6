#include "cli/pack_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_output.h"
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

/* "sound: 2 speech (at the speech rate), 1 music": files whose sound track a profile's
 * speech rule classified (docs/PROFILES.md). */
static void print_sound_classes(FILE *out, const pack_summary *s)
{
    size_t speech = 0, music = 0;
    for (size_t i = 0; i < s->figure_count; i++) {
        bool is_speech = false, is_music = false;
        for (size_t v = 0; v < s->figures[i].variant_count; v++) {
            const char *content = s->figures[i].variants[v].audio_content;
            is_speech |= strcmp(content, "speech") == 0;
            is_music |= strcmp(content, "music") == 0;
        }
        speech += is_speech;
        music += is_music && !is_speech;
    }
    if (speech + music > 0)
        fprintf(out, "  sound: %zu speech (at the speech rate), %zu music\n", speech, music);
}

void pack_print_summary(FILE *out, const char *out_path, const pack_summary *s, bool verbose)
{
    char a[32], b[32];
    double ratio = s->input_bytes ? 100.0 * (double)s->bundle.bundle_bytes / (double)s->input_bytes
                                  : 0.0;
    fprintf(out, "Packed %s: %s\n", out_path, cli_format_bytes(s->bundle.bundle_bytes, a, sizeof a));
    if (s->source_reader)
        fprintf(out, "  read as %s: %s\n", s->source_reader,
                s->source_reason ? s->source_reason : "");
    fprintf(out, "  %zu courses, %zu lessons, %zu items, %zu files\n", s->courses, s->lessons, s->items,
           s->files);
    fprintf(out, "  input %s -> bundle %s (%.1f%%)\n", cli_format_bytes(s->input_bytes, a, sizeof a),
           cli_format_bytes(s->bundle.bundle_bytes, b, sizeof b), ratio);
    for (size_t p = 0; p < s->profile_count; p++)
        fprintf(out, "  profile %-8s %s of media\n", s->profile_names[p],
               cli_format_bytes(s->profile_bytes[p], a, sizeof a));
    if (s->profile_count)
        fprintf(out, "  transcodes: %llu new, %llu from the cache\n",
               (unsigned long long)s->transcodes, (unsigned long long)s->cache_hits);
    fprintf(out, "  %llu objects (%llu duplicates stored once, %llu near-duplicates stored "
                 "against a similar one), %llu dictionaries, %.1f s\n",
           (unsigned long long)s->bundle.objects, (unsigned long long)s->bundle.duplicates,
           (unsigned long long)s->bundle.referencing_objects,
           (unsigned long long)s->bundle.dictionaries, s->seconds);
    for (size_t i = 0; i < s->figure_count; i++)
        for (size_t v = 0; v < s->figures[i].variant_count; v++) {
            const pack_variant_figures *vf = &s->figures[i].variants[v];
            if (vf->below_target)
                fprintf(out, "  below target%s: %s (%s: ssim640 %.4f, target %.2f)\n",
                        vf->at_ceiling ? " at the ceiling" : "", s->figures[i].path,
                        vf->profile, vf->ssim, vf->target_ssim);
        }
    print_sound_classes(out, s);
    for (size_t i = 0; i < s->skipped_count; i++)
        fprintf(out, "  skipped: %s\n", s->skipped[i]);
    if (!verbose)
        return;
    for (size_t i = 0; i < s->figure_count; i++) {
        const pack_file_figures *fig = &s->figures[i];
        fprintf(out, "  %s (%s)\n", fig->path,
                cli_format_bytes(fig->source_bytes, a, sizeof a));
        for (size_t v = 0; v < fig->variant_count; v++) {
            const pack_variant_figures *vf = &fig->variants[v];
            fprintf(out, "    %-8s %-12s %10s", vf->profile, vf->mime,
                    cli_format_bytes(vf->bytes, b, sizeof b));
            if (vf->ssim >= 0)
                fprintf(out, "  SSIM %.3f", vf->ssim);
            if (vf->audio_content[0])
                fprintf(out, "  %s", vf->audio_content);
            fprintf(out, "  %s\n", vf->kept_source ? "source kept"
                                   : vf->cache_hit ? "from the cache"
                                                   : "transcoded");
        }
    }
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
    uint64_t all = s->stored_bytes;
    for (size_t p = 0; p < s->profile_count; p++) {
        printf("  profile %-8s media about %s, a bundle of it alone about %s\n",
               s->profile_names[p], cli_format_bytes(s->profile_bytes[p], a, sizeof a),
               cli_format_bytes(s->profile_bytes[p] + s->stored_bytes, b, sizeof b));
        all += s->profile_bytes[p];
    }
    if (s->profile_count > 1)
        printf("  bundle with all %zu profiles about %s (other files counted at their size)\n",
               s->profile_count, cli_format_bytes(all, a, sizeof a));
    if (!s->profile_count)
        printf("  profile source: every file as it is, bundle at most %s\n",
               cli_format_bytes(s->input_bytes, a, sizeof a));
    for (size_t i = 0; i < s->skipped_count; i++)
        printf("  skipped: %s\n", s->skipped[i]);
}

static json_t *item_json(const pack_file_figures *fig)
{
    json_t *variants = json_array();
    for (size_t v = 0; variants && v < fig->variant_count; v++) {
        const pack_variant_figures *vf = &fig->variants[v];
        json_array_append_new(
            variants, json_pack("{s:o, s:o, s:I, s:o, s:f, s:b, s:b, s:o, s:b, s:b, s:o}",
                                "profile",
                                cli_json_string(vf->profile), "mime", cli_json_string(vf->mime),
                                "bytes", (json_int_t)vf->bytes, "ssim",
                                cli_json_real_or_null(vf->ssim), "seconds", vf->seconds,
                                "cache_hit", vf->cache_hit, "kept_source", vf->kept_source,
                                "target_ssim640",
                                vf->target_ssim > 0 ? json_real(vf->target_ssim) : json_null(),
                                "below_target", vf->below_target, "at_ceiling",
                                vf->at_ceiling, "audio_content",
                                vf->audio_content[0] ? json_string(vf->audio_content)
                                                     : json_null()));
    }
    return json_pack("{s:o, s:I, s:o}", "path", cli_json_string(fig->path), "source_bytes",
                     (json_int_t)fig->source_bytes, "variants", variants);
}

json_t *pack_report_json(const char *out_path, const pack_summary *s)
{
    json_t *profiles = json_object(), *skipped = json_array(), *items = json_array();
    for (size_t p = 0; profiles && p < s->profile_count; p++)
        json_object_set_new(profiles, s->profile_names[p],
                            json_integer((json_int_t)s->profile_bytes[p]));
    for (size_t i = 0; skipped && i < s->skipped_count; i++)
        json_array_append_new(skipped, cli_json_string(s->skipped[i]));
    for (size_t i = 0; items && i < s->figure_count; i++)
        json_array_append_new(items, item_json(&s->figures[i]));
    return json_pack("{s:o, s:o, s:o, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o}",
                     "bundle", cli_json_string(out_path), "reader",
                     cli_json_string(s->source_reader), "reader_reason",
                     cli_json_string(s->source_reason), "bundle_bytes",
                     (json_int_t)s->bundle.bundle_bytes, "input_bytes",
                     (json_int_t)s->input_bytes, "seconds", s->seconds, "courses",
                     (json_int_t)s->courses, "lessons", (json_int_t)s->lessons, "item_count",
                     (json_int_t)s->items, "files", (json_int_t)s->files, "transcodes",
                     (json_int_t)s->transcodes, "cache_hits", (json_int_t)s->cache_hits,
                     "profiles", profiles, "skipped", skipped, "items", items);
}

/* Splits a comma-separated list into opts->profiles (pointing into `list`, which is kept). */
int pack_options_add_profiles(pack_options *opts, char *list)
{
    for (char *save = NULL, *name = strtok_r(list, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        if (opts->profile_count == PACK_MAX_PROFILES)
            return -1;
        opts->profiles[opts->profile_count++] = name;
    }
    return 0;
}

