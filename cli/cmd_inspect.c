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
            "and the manifest (use 'panya verify' to check the objects).\n"
            "\n"
            "Options:\n"
            "  --json         print every file with its size, stored size, MIME type and\n"
            "                 hash, as JSON (docs/schemas/inspect.schema.json)\n"
            "  --manifest     print the manifest XML exactly as stored\n"
            "  -q, --quiet    print nothing: the exit status says whether BUNDLE opens\n"
            "  -v, --verbose  also list every file with its variants\n",
    .run = run_inspect,
};

static const char *title_in(const manifest_titles *titles, const char *lang)
{
    for (size_t i = 0; i < titles->count; i++)
        if (strcmp(titles->items[i].lang, lang) == 0)
            return titles->items[i].text;
    return NULL;
}

static json_t *titles_json(const manifest_titles *titles)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < titles->count; i++)
        json_array_append_new(list, json_pack("{s:o, s:o}", "lang",
                                              cli_json_string(titles->items[i].lang), "text",
                                              cli_json_string(titles->items[i].text)));
    return list;
}

/* The stored object of a variant; NULL when the index lacks it. */
static const panya_file_info *stored(const panya_bundle *b, const manifest_variant *v,
                                     panya_file_info *info)
{
    return panya_find_object(b, v->hash, info, NULL) == PANYA_OK ? info : NULL;
}

static const char *compression_name(const panya_file_info *e)
{
    return e->method == PANYA_STORED_RAW    ? "none"
           : e->method == PANYA_STORED_ZSTD ? "zstd"
                                            : "zstd+dictionary";
}

/* One entry per file variant (docs/schemas/inspect.schema.json). */
static json_t *variant_json(const panya_bundle *b, const manifest_file *file,
                            const manifest_variant *var)
{
    panya_file_info info;
    const panya_file_info *e = stored(b, var, &info);
    char hex[PANYA_HASH_HEX_SIZE];
    panya_hash_to_hex(var->hash, hex);
    return json_pack("{s:o, s:o, s:o, s:I, s:o, s:o, s:o, s:s}", "path",
                     cli_json_string(file->path), "profile", cli_json_string(var->profile),
                     "mime", cli_json_string(var->mime), "size", (json_int_t)var->size,
                     "offset", e ? json_integer((json_int_t)e->offset) : json_null(),
                     "stored_size", e ? json_integer((json_int_t)e->stored_size) : json_null(),
                     "compression", e ? json_string(compression_name(e)) : json_null(), "sha256",
                     hex);
}

static int print_json(const panya_bundle *b, const char *path, const bundle_manifest *m)
{
    panya_facts f;
    panya_get_facts(b, &f);
    char format[32];
    snprintf(format, sizeof format, "%u.%u", f.format_major, f.format_minor);
    json_t *files = json_array();
    for (size_t i = 0; files && i < m->file_count; i++)
        for (size_t v = 0; v < m->files[i].variant_count; v++)
            json_array_append_new(files, variant_json(b, &m->files[i], &m->files[i].variants[v]));
    return cli_json_print(json_pack(
        "{s:o, s:s, s:I, s:o, s:o, s:o, s:I, s:I, s:o}", "bundle", cli_json_string(path),
        "format", format, "bytes", (json_int_t)f.bundle_size, "id", cli_json_string(m->id),
        "version", cli_json_string(m->version), "titles", titles_json(&m->titles), "objects",
        (json_int_t)f.object_count, "dictionaries", (json_int_t)f.dictionary_count, "files",
        files));
}

typedef struct type_total {
    const char *kind;
    unsigned long long files, bytes, stored;
} type_total;

/* What a device gets per profile: the file's variant for it, or its unchanged source. */
static void print_profile_totals(const bundle_manifest *m)
{
    const char *names[16];
    size_t count = 0;
    for (size_t i = 0; i < m->file_count; i++)
        for (size_t v = 0; v < m->files[i].variant_count; v++) {
            const char *name = m->files[i].variants[v].profile;
            size_t k = 0;
            while (k < count && strcmp(names[k], name) != 0)
                k++;
            if (k == count && count < 16 && strcmp(name, MANIFEST_PROFILE_SOURCE) != 0)
                names[count++] = name;
        }
    for (size_t k = 0; k < count; k++) {
        unsigned long long bytes = 0;
        for (size_t i = 0; i < m->file_count; i++) {
            const manifest_variant *v = manifest_file_variant(&m->files[i], names[k]);
            if (!v)
                v = manifest_file_variant(&m->files[i], MANIFEST_PROFILE_SOURCE);
            bytes += v ? v->size : 0;
        }
        char a[32];
        printf("  profile %-8s %s on a device\n", names[k], cli_format_bytes(bytes, a, sizeof a));
    }
}

static void print_text(const panya_bundle *bundle, const char *path, const bundle_manifest *m)
{
    panya_facts f;
    panya_get_facts(bundle, &f);
    char a[32], b[32];
    const char *en = title_in(&m->titles, "en"), *lo = title_in(&m->titles, "lo");
    printf("%s: panya bundle, format %u.%u, %s\n", path, f.format_major, f.format_minor,
           cli_format_bytes(f.bundle_size, a, sizeof a));
    printf("  pack:     %s, version %s\n", m->id, m->version);
    if (en)
        printf("  title:    %s\n", en);
    if (lo)
        printf("  ຊື່:       %s\n", lo);
    type_total totals[] = {{"text", 0, 0, 0}, {"image", 0, 0, 0}, {"video", 0, 0, 0},
                           {"audio", 0, 0, 0}, {"other", 0, 0, 0}};
    unsigned long long bytes = 0;
    for (size_t i = 0; i < m->file_count; i++) {
        const manifest_variant *v = manifest_file_variant(&m->files[i], NULL);
        panya_file_info info;
        const panya_file_info *e = stored(bundle, v, &info);
        size_t k = 4;
        if (strncmp(v->mime, "text/", 5) == 0 || strstr(v->mime, "json") ||
            strstr(v->mime, "xml"))
            k = 0;
        else if (strncmp(v->mime, "image/", 6) == 0)
            k = 1;
        else if (strncmp(v->mime, "video/", 6) == 0)
            k = 2;
        else if (strncmp(v->mime, "audio/", 6) == 0)
            k = 3;
        totals[k].files++;
        totals[k].bytes += v->size;
        totals[k].stored += e ? e->stored_size : 0;
        bytes += v->size;
    }
    printf("  files:    %zu (%s), %zu empty folders\n", m->file_count,
           cli_format_bytes(bytes, a, sizeof a), m->folder_count);
    printf("  objects:  %llu distinct, %llu compression dictionaries\n",
           (unsigned long long)f.object_count, (unsigned long long)f.dictionary_count);
    for (size_t k = 0; k < sizeof totals / sizeof totals[0]; k++)
        if (totals[k].files)
            printf("    %-6s %6llu files %10s -> %10s stored\n", totals[k].kind, totals[k].files,
                   cli_format_bytes(totals[k].bytes, a, sizeof a),
                   cli_format_bytes(totals[k].stored, b, sizeof b));
    print_profile_totals(m);
    for (size_t c = 0; c < m->course_count; c++) {
        const manifest_course *course = &m->courses[c];
        const char *t = title_in(&course->titles, "lo");
        printf("  course %s: %s (%zu lessons)\n", course->id,
               t ? t : (course->titles.count ? course->titles.items[0].text : ""),
               course->lesson_count);
    }
}

/* -v: every file with each of its variants. */
static void print_file_list(const bundle_manifest *m)
{
    char size[32];
    for (size_t i = 0; i < m->file_count; i++) {
        const manifest_file *file = &m->files[i];
        printf("  %s\n", file->path);
        for (size_t v = 0; v < file->variant_count; v++)
            printf("    %-8s %-24s %s\n", file->variants[v].profile, file->variants[v].mime,
                   cli_format_bytes(file->variants[v].size, size, sizeof size));
    }
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
        {"json", no_argument, NULL, 'J'},
        {"manifest", no_argument, NULL, 'M'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {0},
    };
    bool json = false, raw_manifest = false;
    cli_verbosity verbosity = CLI_NORMAL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qv", options, NULL)) != -1) {
        if (c == 'J')
            json = true;
        else if (c == 'M')
            raw_manifest = true;
        else if (c == 'q')
            verbosity = CLI_QUIET;
        else if (c == 'v')
            verbosity = CLI_VERBOSE;
        else
            return cli_bad_option(&panya_command_inspect, argv);
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
    bundle_manifest *m = bundle_load_manifest(b, path, &err);
    if (!m) {
        panya_close(b);
        return cli_report_error(&err);
    }
    int status = PANYA_EXIT_OK;
    if (json) {
        if (print_json(b, path, m) != 0)
            status = PANYA_EXIT_INTERNAL;
    } else if (verbosity != CLI_QUIET) {
        print_text(b, path, m);
        if (verbosity == CLI_VERBOSE)
            print_file_list(m);
    }
    bundle_manifest_free(m);
    panya_close(b);
    return status;
}
