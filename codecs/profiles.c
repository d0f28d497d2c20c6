/* Profile files: parsed with libxml2 (no network, no entity expansion) and validated
 * against the compiled-in codecs/profiles.xsd before any value is used. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "codecs/codecs.h"

extern const char codec_profiles_xml[];
extern const size_t codec_profiles_xml_size;
extern const char codec_profiles_xsd[];
extern const size_t codec_profiles_xsd_size;

/* Hostile input: never fetch anything, never expand entities, never load a DTD. */
#define SAFE_XML_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

typedef struct schema_errors {
    panya_error *err;
    const char *name;
    int failed;
} schema_errors;

/* libxml2 messages end in a newline; messages here are one line. */
static const char *one_line(const xmlError *xe, char *buf, size_t size)
{
    snprintf(buf, size, "%s", xe && xe->message ? xe->message : "invalid");
    size_t len = strlen(buf);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
        buf[--len] = '\0';
    return buf;
}

static void record_schema_error(void *ctx, const xmlError *xe)
{
    schema_errors *state = ctx;
    if (state->failed++)
        return;
    char message[512];
    panya_error_set(state->err, PANYA_ERR_INVALID, "%s:%d: %s", state->name, xe->line,
                    one_line(xe, message, sizeof message));
}

static void ignore_schema_error(void *ctx, const xmlError *xe)
{
    (void)ctx;
    (void)xe;
}

static void ignore_generic_error(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

static int validate(xmlDoc *doc, const char *name, panya_error *err)
{
    xmlSchemaParserCtxt *parser =
        xmlSchemaNewMemParserCtxt(codec_profiles_xsd, (int)codec_profiles_xsd_size);
    if (!parser)
        return panya_error_oom(err);
    xmlSchemaSetParserStructuredErrors(parser, (xmlStructuredErrorFunc)ignore_schema_error, NULL);
    xmlSchema *schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    if (!schema)
        return panya_error_set(err, PANYA_ERR_INTERNAL, "codecs/profiles.xsd: does not compile");
    xmlSchemaValidCtxt *valid = xmlSchemaNewValidCtxt(schema);
    if (!valid) {
        xmlSchemaFree(schema);
        return panya_error_oom(err);
    }
    schema_errors state = {err, name, 0};
    xmlSchemaSetValidStructuredErrors(valid, (xmlStructuredErrorFunc)record_schema_error, &state);
    int rc = xmlSchemaValidateDoc(valid, doc);
    xmlSchemaFreeValidCtxt(valid);
    xmlSchemaFree(schema);
    if (rc != 0 && !state.failed)
        panya_error_set(err, PANYA_ERR_INVALID, "%s: does not match the profile schema", name);
    return rc == 0 ? 0 : -1;
}

static const char *attr(xmlNode *node, const char *name, char *buf, size_t size)
{
    xmlChar *value = xmlGetProp(node, (const xmlChar *)name);
    snprintf(buf, size, "%s", value ? (const char *)value : "");
    xmlFree(value);
    return buf;
}

static int attr_int(xmlNode *node, const char *name)
{
    char buf[64];
    return atoi(attr(node, name, buf, sizeof buf));
}

static double attr_double(xmlNode *node, const char *name)
{
    char buf[64];
    return strtod(attr(node, name, buf, sizeof buf), NULL);
}

static xmlNode *child(xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}

static void read_audio(xmlNode *node, codec_audio_settings *audio)
{
    attr(node, "codec", audio->codec, sizeof audio->codec);
    audio->bitrate_kbps = attr_int(node, "bitrate-kbps");
    audio->channels = attr_int(node, "channels");
    audio->sample_rate = attr_int(node, "sample-rate");
    audio->speech_bitrate_kbps = attr_int(node, "speech-bitrate-kbps");
    char buf[64];
    audio->speech_sample_rate = *attr(node, "speech-sample-rate", buf, sizeof buf)
                                    ? attr_int(node, "speech-sample-rate")
                                    : audio->sample_rate;
}

static int check_speech_rule(const codec_audio_settings *a, const char *what,
                             const codec_profile *p, const char *name, panya_error *err)
{
    if (a->speech_bitrate_kbps > a->bitrate_kbps)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: profile '%s': %s speech-bitrate-kbps %d is above its "
                               "bitrate-kbps %d (speech never gets more than music)",
                               name, p->name, what, a->speech_bitrate_kbps, a->bitrate_kbps);
    if (a->speech_bitrate_kbps == 0 && a->speech_sample_rate != a->sample_rate)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: profile '%s': %s speech-sample-rate needs "
                               "speech-bitrate-kbps",
                               name, p->name, what);
    return 0;
}

static void read_profile(xmlNode *node, codec_profile *p)
{
    attr(node, "name", p->name, sizeof p->name);
    p->version = attr_int(node, "version");

    xmlNode *video = child(node, "video");
    codec_video_settings *v = &p->video;
    attr(video, "codec", v->codec, sizeof v->codec);
    attr(video, "profile", v->profile, sizeof v->profile);
    v->max_width = attr_int(video, "max-width");
    v->max_height = attr_int(video, "max-height");
    v->max_fps = attr_double(video, "max-fps");
    v->crf = attr_int(video, "crf");
    char buf[64];
    v->crf_min = *attr(video, "crf-min", buf, sizeof buf) ? attr_int(video, "crf-min") : 0;
    v->crf_max = *attr(video, "crf-max", buf, sizeof buf) ? attr_int(video, "crf-max")
                 : strcmp(v->codec, "av1") == 0 ? 63 : 51;
    v->target_ssim640 = attr_double(video, "target-ssim640");
    v->budget_mb_per_min = attr_double(video, "budget-mb-per-min");
    v->maxrate_kbps = attr_int(video, "maxrate-kbps");
    v->bufsize_kbps = attr_int(video, "bufsize-kbps");
    v->keyframe_seconds = attr_double(video, "keyframe-seconds");
    attr(video, "preset", v->preset, sizeof v->preset);
    read_audio(child(video, "audio"), &v->audio);

    read_audio(child(node, "audio"), &p->audio);

    xmlNode *image = child(node, "image");
    p->image.max_side = attr_int(image, "max-side");
    p->image.quality = attr_int(image, "quality");
    p->image.min_ssim = attr_double(image, "min-ssim");
    p->image.lossless_max_colors = attr_int(image, "lossless-max-colors");
}

/* Rules the schema cannot express: which presets go with which encoder. */
static int check_profile(const codec_profile *p, const char *name, panya_error *err)
{
    bool numeric = p->video.preset[0] >= '0' && p->video.preset[0] <= '9';
    bool av1 = strcmp(p->video.codec, "av1") == 0;
    if (av1 != numeric)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: profile '%s': preset '%s' does not suit %s (x264 takes a "
                               "name such as 'slow', SVT-AV1 a number 0-13)",
                               name, p->name, p->video.preset, p->video.codec);
    if (p->video.crf_min > p->video.crf || p->video.crf > p->video.crf_max)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: profile '%s': crf %d is outside crf-min %d .. crf-max %d",
                               name, p->name, p->video.crf, p->video.crf_min, p->video.crf_max);
    if (check_speech_rule(&p->video.audio, "video sound", p, name, err) != 0 ||
        check_speech_rule(&p->audio, "audio", p, name, err) != 0)
        return -1;
    if (av1 && strcmp(p->video.profile, "main") != 0)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: profile '%s': AV1 video has only the 'main' profile", name,
                               p->name);
    return 0;
}

int codec_profiles_load_memory(codec_profile_set *set, const char *xml, size_t len,
                               const char *name, panya_error *err)
{
    memset(set, 0, sizeof *set);
    if (len > 1024 * 1024)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: too large for a profile file",
                               name);
    /* Encoding errors bypass XML_PARSE_NOERROR and go to the generic handler (stderr):
     * silence it for this thread while parsing, then put the caller's back. */
    xmlGenericErrorFunc saved_handler = xmlGenericError;
    void *saved_context = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, ignore_generic_error);
    xmlDoc *doc = xmlReadMemory(xml, (int)len, name, NULL, SAFE_XML_OPTIONS);
    xmlSetGenericErrorFunc(saved_context, saved_handler);
    if (!doc) {
        const xmlError *xe = xmlGetLastError();
        char message[512];
        return panya_error_set(err, PANYA_ERR_INVALID, "%s:%d: not well-formed XML: %s", name,
                               xe ? xe->line : 0, one_line(xe, message, sizeof message));
    }
    if (validate(doc, name, err) != 0) {
        xmlFreeDoc(doc);
        return -1;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    size_t count = 0;
    for (xmlNode *n = root->children; n; n = n->next)
        count += n->type == XML_ELEMENT_NODE;
    set->profiles = calloc(count, sizeof *set->profiles);
    if (!set->profiles) {
        xmlFreeDoc(doc);
        return panya_error_oom(err);
    }
    for (xmlNode *n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        codec_profile *p = &set->profiles[set->count++];
        read_profile(n, p);
        if (check_profile(p, name, err) != 0) {
            xmlFreeDoc(doc);
            codec_profiles_free(set);
            return -1;
        }
    }
    xmlFreeDoc(doc);
    return 0;
}

int codec_profiles_load_default(codec_profile_set *set, panya_error *err)
{
    return codec_profiles_load_memory(set, codec_profiles_xml, codec_profiles_xml_size,
                                      "built-in profiles", err);
}

int codec_profiles_load_file(codec_profile_set *set, const char *path, panya_error *err)
{
    memset(set, 0, sizeof *set);
    FILE *f = fopen(path, "rb");
    if (!f)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s: cannot open", path);
    enum { LIMIT = 1024 * 1024 };
    char *buf = malloc(LIMIT + 1);
    if (!buf) {
        fclose(f);
        return panya_error_oom(err);
    }
    size_t len = fread(buf, 1, LIMIT + 1, f);
    int read_failed = ferror(f);
    fclose(f);
    int rc;
    if (read_failed)
        rc = panya_error_set(err, PANYA_ERR_USAGE, "%s: cannot read", path);
    else
        rc = codec_profiles_load_memory(set, buf, len, path, err);
    free(buf);
    return rc;
}

const codec_profile *codec_profiles_find(const codec_profile_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->profiles[i].name, name) == 0)
            return &set->profiles[i];
    return NULL;
}

void codec_profiles_free(codec_profile_set *set)
{
    free(set->profiles);
    set->profiles = NULL;
    set->count = 0;
}
