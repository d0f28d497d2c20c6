/* panya inspect BUNDLE [--json] */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_output.h"
#include "cli/json_output.h"
#include "delivery/bundle_open.h"

static int run_inspect(int argc, char **argv);

const panya_command panya_command_inspect = {
    .name = "inspect",
    .summary = "describe a bundle: what it holds and how it is stored",
    .help = "usage: panya inspect BUNDLE [--json | --manifest] [-q|-v]\n"
            "\n"
            "Prints a summary of BUNDLE: pack id, version and titles, courses and lessons,\n"
            "files, objects, compression and sizes by type. Reads only the footer, the index\n"
            "and the binary tables (the manifest for a format 1.0 bundle); use 'panya verify'\n"
            "to check the objects.\n"
            "\n"
            "Options:\n"
            "  --json         print every file with its size, stored size, MIME type and\n"
            "                 hash, as JSON (docs/schemas/inspect.schema.json)\n"
            "  --manifest     print the manifest XML exactly as stored\n"
            "  -q, --quiet    print nothing: the exit status says whether BUNDLE opens\n"
            "  -v, --verbose  also list every file with its variants\n",
    .run = run_inspect,
};

/* What inspect shows comes from the binary tables (format 1.1) or, for a 1.0 bundle, from
 * the XML manifest; the storage details always come from the index. */
typedef struct inspect_view {
    panya_bundle *b;
    bundle_manifest *m; /* NULL when the catalogue serves */
    panya_facts facts;
    panya_text *titles; /* the pack's titles (copied pointers) */
    size_t title_count;
} inspect_view;

typedef struct shown_variant {
    const char *path, *profile, *mime;
    uint64_t size;
    uint8_t sha256[PANYA_HASH_SIZE];
    bool stored;          /* the index holds its object */
    panya_file_info info; /* where and how it is stored */
} shown_variant;

static size_t view_files(const inspect_view *v)
{
    return v->m ? v->m->file_count : (size_t)v->facts.file_count;
}

static size_t view_variants(const inspect_view *v, size_t f)
{
    return v->m ? v->m->files[f].variant_count : panya_file_variant_count(v->b, f);
}

static void view_variant(const inspect_view *v, size_t f, size_t i, shown_variant *out)
{
    memset(out, 0, sizeof *out);
    if (!v->m) {
        out->stored = panya_file_at(v->b, f, i, &out->info, NULL) == PANYA_OK;
        out->path = out->info.path;
        out->profile = out->info.profile;
        out->mime = out->info.mime;
        out->size = out->info.size;
        memcpy(out->sha256, out->info.sha256, PANYA_HASH_SIZE);
        return;
    }
    const manifest_file *file = &v->m->files[f];
    const manifest_variant *var = &file->variants[i];
    out->path = file->path;
    out->profile = var->profile;
    out->mime = var->mime;
    out->size = var->size;
    memcpy(out->sha256, var->hash, PANYA_HASH_SIZE);
    out->stored = panya_find_object(v->b, var->hash, &out->info, NULL) == PANYA_OK;
}

/* The variant for profile (NULL: the first); false when the file has none. */
static bool view_variant_for(const inspect_view *v, size_t f, const char *profile,
                             shown_variant *out)
{
    for (size_t i = 0; i < view_variants(v, f); i++) {
        view_variant(v, f, i, out);
        if (!profile || strcmp(out->profile, profile) == 0)
            return true;
    }
    return false;
}

static json_t *titles_json(const inspect_view *v)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < v->title_count; i++)
        json_array_append_new(list, json_pack("{s:o, s:o}", "lang",
                                              cli_json_string(v->titles[i].lang), "text",
                                              cli_json_string(v->titles[i].text)));
    return list;
}

static const char *compression_name(panya_stored_method method)
{
    return method == PANYA_STORED_RAW              ? "none"
           : method == PANYA_STORED_ZSTD           ? "zstd"
           : method == PANYA_STORED_ZSTD_REFERENCE ? "zstd+reference"
                                                   : "zstd+dictionary";
}

/* One entry per file variant (docs/schemas/inspect.schema.json). */
static json_t *variant_json(const shown_variant *s)
{
    char hex[PANYA_HASH_HEX_SIZE];
    panya_hash_to_hex(s->sha256, hex);
    return json_pack(
        "{s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:s}", "path", cli_json_string(s->path),
        "profile", cli_json_string(s->profile), "mime", cli_json_string(s->mime), "size",
        (json_int_t)s->size, "offset",
        s->stored ? json_integer((json_int_t)s->info.offset) : json_null(), "stored_size",
        s->stored ? json_integer((json_int_t)s->info.stored_size) : json_null(), "compression",
        s->stored ? json_string(compression_name(s->info.method)) : json_null(), "sha256", hex);
}

static int print_json(const inspect_view *v, const char *path)
{
    char format[32];
    snprintf(format, sizeof format, "%u.%u", v->facts.format_major, v->facts.format_minor);
    json_t *files = json_array();
    for (size_t f = 0; files && f < view_files(v); f++)
        for (size_t i = 0; i < view_variants(v, f); i++) {
            shown_variant s;
            view_variant(v, f, i, &s);
            json_array_append_new(files, variant_json(&s));
        }
    return cli_json_print(json_pack(
        "{s:o, s:s, s:I, s:o, s:o, s:o, s:I, s:I, s:o}", "bundle", cli_json_string(path),
        "format", format, "bytes", (json_int_t)v->facts.bundle_size, "id",
        cli_json_string(v->m ? v->m->id : v->facts.pack_id), "version",
        cli_json_string(v->m ? v->m->version : v->facts.pack_version), "titles", titles_json(v),
        "objects", (json_int_t)v->facts.object_count, "dictionaries",
        (json_int_t)v->facts.dictionary_count, "files", files));
}

/* -v: every file with each of its variants. */
static void print_file_list(const inspect_view *v)
{
    char size[32];
    for (size_t f = 0; f < view_files(v); f++)
        for (size_t i = 0; i < view_variants(v, f); i++) {
            shown_variant s;
            view_variant(v, f, i, &s);
            if (i == 0)
                printf("  %s\n", s.path);
            printf("    %-8s %-24s %s\n", s.profile, s.mime,
                   cli_format_bytes(s.size, size, sizeof size));
        }
}

typedef struct type_total {
    const char *kind;
    unsigned long long files, bytes, stored;
} type_total;

/* What a device gets per profile: the file's variant for it, or its unchanged source. */
static void print_profile_totals(const inspect_view *v)
{
    const char *names[16];
    size_t count = 0;
    for (size_t f = 0; f < view_files(v); f++)
        for (size_t i = 0; i < view_variants(v, f); i++) {
            shown_variant s;
            view_variant(v, f, i, &s);
            size_t k = 0;
            while (k < count && strcmp(names[k], s.profile) != 0)
                k++;
            if (k == count && count < 16 && strcmp(s.profile, MANIFEST_PROFILE_SOURCE) != 0)
                names[count++] = s.profile;
        }
    for (size_t k = 0; k < count; k++) {
        unsigned long long bytes = 0;
        for (size_t f = 0; f < view_files(v); f++) {
            shown_variant s;
            if (view_variant_for(v, f, names[k], &s) ||
                view_variant_for(v, f, MANIFEST_PROFILE_SOURCE, &s))
                bytes += s.size;
        }
        char a[32];
        printf("  profile %-8s %s on a device\n", names[k], cli_format_bytes(bytes, a, sizeof a));
    }
}

static void print_courses(const inspect_view *v)
{
    size_t courses = v->m ? v->m->course_count : panya_course_count(v->b);
    for (size_t c = 0; c < courses; c++) {
        const char *id, *title;
        size_t lessons;
        if (v->m) {
            const manifest_course *course = &v->m->courses[c];
            id = course->id;
            title = manifest_titles_pick(&course->titles, "lo");
            lessons = course->lesson_count;
        } else {
            panya_course_info course;
            if (panya_course(v->b, c, &course) != PANYA_OK)
                continue;
            id = course.id;
            title = panya_title(course.titles, course.title_count, "lo");
            if (!title && course.title_count)
                title = course.titles[0].text;
            lessons = course.lesson_count;
        }
        printf("  course %s: %s (%zu lessons)\n", id, title ? title : "", lessons);
    }
}

static void print_text(const inspect_view *v, const char *path)
{
    char a[32], b[32];
    const char *en = panya_title(v->titles, v->title_count, "en");
    const char *lo = panya_title(v->titles, v->title_count, "lo");
    printf("%s: panya bundle, format %u.%u, %s\n", path, v->facts.format_major,
           v->facts.format_minor, cli_format_bytes(v->facts.bundle_size, a, sizeof a));
    printf("  pack:     %s, version %s\n", v->m ? v->m->id : v->facts.pack_id,
           v->m ? v->m->version : v->facts.pack_version);
    if (en)
        printf("  title:    %s\n", en);
    if (lo)
        printf("  ຊື່:       %s\n", lo);
    type_total totals[] = {{"text", 0, 0, 0}, {"image", 0, 0, 0}, {"video", 0, 0, 0},
                           {"audio", 0, 0, 0}, {"other", 0, 0, 0}};
    unsigned long long bytes = 0;
    for (size_t f = 0; f < view_files(v); f++) {
        shown_variant s;
        if (!view_variant_for(v, f, NULL, &s))
            continue;
        size_t k = 4;
        if (strncmp(s.mime, "text/", 5) == 0 || strstr(s.mime, "json") || strstr(s.mime, "xml"))
            k = 0;
        else if (strncmp(s.mime, "image/", 6) == 0)
            k = 1;
        else if (strncmp(s.mime, "video/", 6) == 0)
            k = 2;
        else if (strncmp(s.mime, "audio/", 6) == 0)
            k = 3;
        totals[k].files++;
        totals[k].bytes += s.size;
        totals[k].stored += s.stored ? s.info.stored_size : 0;
        bytes += s.size;
    }
    printf("  files:    %zu (%s), %zu empty folders\n", view_files(v),
           cli_format_bytes(bytes, a, sizeof a),
           v->m ? v->m->folder_count : panya_folder_count(v->b));
    printf("  objects:  %llu distinct, %llu compression dictionaries%s\n",
           (unsigned long long)v->facts.object_count,
           (unsigned long long)v->facts.dictionary_count,
           v->facts.tables_intact ? "" : " (INDEX DAMAGED: run panya verify)");
    for (size_t k = 0; k < sizeof totals / sizeof totals[0]; k++)
        if (totals[k].files)
            printf("    %-6s %6llu files %10s -> %10s stored\n", totals[k].kind, totals[k].files,
                   cli_format_bytes(totals[k].bytes, a, sizeof a),
                   cli_format_bytes(totals[k].stored, b, sizeof b));
    print_profile_totals(v);
    print_courses(v);
}

/* Fills the view: the catalogue when there is one, else the manifest. Returns 0 or -1. */
static int open_view(inspect_view *v, panya_bundle *b, const char *path, panya_error *err)
{
    memset(v, 0, sizeof *v);
    v->b = b;
    panya_get_facts(b, &v->facts);
    if (v->facts.has_catalogue) {
        v->title_count = v->facts.title_count;
        v->titles = malloc((v->title_count + 1) * sizeof *v->titles);
        if (!v->titles)
            return panya_error_oom(err);
        memcpy(v->titles, v->facts.titles, v->title_count * sizeof *v->titles);
        return 0;
    }
    if (!(v->m = bundle_load_manifest(b, path, err)))
        return -1;
    v->title_count = v->m->titles.count;
    v->titles = malloc((v->title_count + 1) * sizeof *v->titles);
    if (!v->titles)
        return panya_error_oom(err);
    for (size_t i = 0; i < v->title_count; i++)
        v->titles[i] = (panya_text){v->m->titles.items[i].lang, v->m->titles.items[i].text};
    return 0;
}

static void close_view(inspect_view *v)
{
    bundle_manifest_free(v->m);
    free(v->titles);
}

/* Prints the stored manifest bytes (checked against their hash) and closes b. */
static int print_raw_manifest(panya_bundle *b, const char *path)
{
    panya_error err = {0};
    panya_error_info info;
    char *xml;
    size_t len;
    panya_status status = panya_read_manifest(b, &xml, &len, &info);
    panya_close(b);
    if (status != PANYA_OK) {
        bundle_error(&err, &info, path);
        return cli_report_error(&err);
    }
    fwrite(xml, 1, len, stdout);
    free(xml);
    return PANYA_EXIT_OK;
}

static int run_inspect(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_JSON_OPTION,
        {"manifest", no_argument, NULL, 'M'},
        CLI_QUIET_VERBOSE_OPTIONS,
        {0},
    };
    bool json = false, raw_manifest = false;
    cli_verbosity verbosity = CLI_NORMAL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &verbosity, &json))
            continue;
        if (c != 'M')
            return cli_bad_option(&panya_command_inspect, argv);
        raw_manifest = true;
    }
    if (json && raw_manifest)
        return cli_usage_error(&panya_command_inspect, "--json and --manifest exclude each other");
    if (optind != argc - 1)
        return cli_usage_error(&panya_command_inspect, "expected one BUNDLE");
    const char *path = argv[optind];
    panya_error err = {0};
    panya_bundle *b = bundle_open_path(path, 0, &err);
    if (!b)
        return cli_report_error(&err);
    if (raw_manifest && verbosity != CLI_QUIET)
        return print_raw_manifest(b, path);
    inspect_view view;
    if (open_view(&view, b, path, &err) != 0) {
        close_view(&view);
        panya_close(b);
        return cli_report_error(&err);
    }
    int status = PANYA_EXIT_OK;
    if (json) {
        if (print_json(&view, path) != 0)
            status = PANYA_EXIT_INTERNAL;
    } else if (verbosity != CLI_QUIET) {
        print_text(&view, path);
        if (verbosity == CLI_VERBOSE)
            print_file_list(&view);
    }
    close_view(&view);
    panya_close(b);
    return status;
}
