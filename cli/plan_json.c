#include "cli/plan_json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/json_output.h"

static int write_line(FILE *f, json_t *doc)
{
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    if (!text) {
        errno = ENOMEM;
        return -1;
    }
    int status = fputs(text, f) < 0 || fputc('\n', f) < 0 ? -1 : 0;
    free(text);
    return status;
}

static json_t *job_json(const plan_job *j)
{
    json_t *doc = json_pack(
        "{s:s, s:s, s:o, s:o, s:o, s:s, s:i, s:s, s:s, s:o, s:o, s:o, s:I, s:f}", "job", j->key,
        "source_sha256", j->source_hash, "source", cli_json_string(j->source), "input",
        cli_json_string(j->input), "bundle_path", cli_json_string(j->bundle_path), "profile",
        j->profile, "profile_version", j->profile_version, "encoder", j->encoder, "kind",
        codec_kind_name(j->kind), "duration",
        j->duration > 0 ? json_real(j->duration) : json_null(), "width",
        j->width > 0 ? json_integer(j->width) : json_null(), "height",
        j->height > 0 ? json_integer(j->height) : json_null(), "source_bytes",
        (json_int_t)j->source_bytes, "cost", j->cost);
    if (doc && j->cached)
        json_object_set_new(doc, "cached", json_true());
    return doc;
}

int plan_write(FILE *f, const plan *p, const char *const *inputs, size_t input_count,
               const pack_options *options, const char *cache_dir)
{
    json_t *in = json_array(), *profiles = json_array();
    for (size_t i = 0; in && i < input_count; i++) {
        char *absolute = realpath(inputs[i], NULL);
        json_array_append_new(in, cli_json_string(absolute ? absolute : inputs[i]));
        free(absolute);
    }
    static const char *const defaults[] = {"small", "low"};
    size_t count = options->profile_count ? options->profile_count : 2;
    for (size_t i = 0; profiles && i < count; i++)
        json_array_append_new(profiles, json_string(options->profile_count ? options->profiles[i]
                                                                           : defaults[i]));
    double cost = 0;
    size_t pending = 0;
    for (size_t i = 0; i < p->count; i++) {
        cost += p->jobs[i].cached ? 0 : p->jobs[i].cost;
        pending += !p->jobs[i].cached;
    }
    char *profiles_file = options->profiles_file ? realpath(options->profiles_file, NULL) : NULL;
    json_t *header = json_pack(
        "{s:i, s:s, s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:f}", "panya_plan", PLAN_FORMAT,
        "panya", PANYA_VERSION, "inputs", in, "profiles", profiles, "profiles_file",
        cli_json_string(profiles_file), "cache", cli_json_string(cache_dir), "jobs",
        (json_int_t)pending, "cached", (json_int_t)p->cached, "duplicates",
        (json_int_t)p->duplicates, "total_cost", cost);
    free(profiles_file);
    if (write_line(f, header) != 0)
        return -1;
    for (size_t i = 0; i < p->count; i++)
        if (write_line(f, job_json(&p->jobs[i])) != 0)
            return -1;
    return 0;
}

static bool copy_hex(char *dst, json_t *value)
{
    const char *s = json_string_value(value);
    if (!s || strlen(s) != PANYA_HASH_HEX_SIZE - 1)
        return false;
    for (const char *c = s; *c; c++)
        if (panya_hex_digit(*c) < 0)
            return false;
    memcpy(dst, s, PANYA_HASH_HEX_SIZE);
    return true;
}

static bool kind_from_name(const char *name, codec_kind *kind)
{
    static const codec_kind kinds[] = {CODEC_KIND_VIDEO, CODEC_KIND_AUDIO, CODEC_KIND_IMAGE,
                                       CODEC_KIND_OTHER};
    for (size_t i = 0; name && i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(codec_kind_name(kinds[i]), name) == 0) {
            *kind = kinds[i];
            return true;
        }
    return false;
}

/* One job line; false when a field is missing or of the wrong type. */
static bool parse_job(json_t *o, plan_job *j)
{
    const char *source = json_string_value(json_object_get(o, "source"));
    const char *bundle = json_string_value(json_object_get(o, "bundle_path"));
    const char *profile = json_string_value(json_object_get(o, "profile"));
    const char *encoder = json_string_value(json_object_get(o, "encoder"));
    json_t *version = json_object_get(o, "profile_version"), *cost = json_object_get(o, "cost");
    if (!copy_hex(j->key, json_object_get(o, "job")) ||
        !copy_hex(j->source_hash, json_object_get(o, "source_sha256")) || !source || !bundle ||
        !profile || strlen(profile) >= sizeof j->profile || !encoder ||
        strlen(encoder) >= sizeof j->encoder || !json_is_integer(version) ||
        !json_is_number(cost) ||
        !kind_from_name(json_string_value(json_object_get(o, "kind")), &j->kind))
        return false;
    j->source = (char *)source;
    j->bundle_path = (char *)bundle;
    j->input = (char *)json_string_value(json_object_get(o, "input"));
    snprintf(j->profile, sizeof j->profile, "%s", profile);
    snprintf(j->encoder, sizeof j->encoder, "%s", encoder);
    j->profile_version = (int)json_integer_value(version);
    j->cost = json_number_value(cost);
    j->duration = json_number_value(json_object_get(o, "duration"));
    j->width = (int)json_integer_value(json_object_get(o, "width"));
    j->height = (int)json_integer_value(json_object_get(o, "height"));
    j->source_bytes = (uint64_t)json_integer_value(json_object_get(o, "source_bytes"));
    j->cached = json_is_true(json_object_get(o, "cached"));
    return true;
}

int plan_read(const char *path, plan *p, plan_header *header, panya_error *err)
{
    memset(p, 0, sizeof *p);
    memset(header, 0, sizeof *header);
    bool from_stdin = strcmp(path, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(path, "r");
    if (!f)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
    char *line = NULL;
    size_t size = 0, number = 0;
    ssize_t len;
    int status = 0;
    while (status == 0 && (len = getline(&line, &size, f)) >= 0) {
        number++;
        if (len == 0 || (len == 1 && line[0] == '\n'))
            continue;
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)len, 0, &jerr);
        plan_job job = {0};
        if (!json_is_object(o)) {
            status = panya_error_set(err, PANYA_ERR_INVALID, "%s:%zu: not a JSON object%s%s",
                                     path, number, o ? "" : ": ", o ? "" : jerr.text);
        } else if (number == 1) {
            json_t *format = json_object_get(o, "panya_plan");
            const char *pf = json_string_value(json_object_get(o, "profiles_file"));
            const char *cache = json_string_value(json_object_get(o, "cache"));
            if (!json_is_integer(format) || json_integer_value(format) != PLAN_FORMAT)
                status = panya_error_set(err, PANYA_ERR_INVALID,
                                         "%s:1: not a panya plan (format %d) header: make "
                                         "plans with 'panya plan'", path, PLAN_FORMAT);
            else if ((pf && !(header->profiles_file = strdup(pf))) ||
                     (cache && !(header->cache = strdup(cache))))
                status = panya_error_oom(err);
        } else if (!parse_job(o, &job)) {
            status = panya_error_set(err, PANYA_ERR_INVALID,
                                     "%s:%zu: not a plan job (job, source_sha256, source, "
                                     "bundle_path, profile, profile_version, encoder, kind and "
                                     "cost are required)", path, number);
        } else {
            status = plan_add(p, &job, err);
        }
        json_decref(o);
    }
    if (status == 0 && ferror(f))
        status = panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s: cannot read", path);
    if (status == 0 && number == 0)
        status = panya_error_set(err, PANYA_ERR_INVALID, "%s: empty: no plan header", path);
    free(line);
    if (!from_stdin)
        fclose(f);
    if (status != 0) {
        plan_free(p);
        plan_header_free(header);
    }
    return status;
}

void plan_header_free(plan_header *header)
{
    free(header->profiles_file);
    free(header->cache);
    memset(header, 0, sizeof *header);
}
