#include "writer/bundle_compress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_c_forceAttachDict: stable in practice since 1.4 */
#include <zdict.h>
#include <zstd.h>

#include "common/thread_pool.h"
#include "writer/compress_internal.h"
#include "writer/frame_cache.h"
#include "writer/object_spool.h"

#define DICT_MIN_OBJECTS 8           /* fewer samples than this train poor dictionaries */
#define DICT_MIN_SAMPLE_BYTES 16384
#define DICT_MAX_SIZE (112 * 1024)   /* zstd's recommended ceiling */
#define DICT_SAMPLE_PREFIX (128 * 1024) /* bytes of each object used as a sample */
#define DICT_MAX_SAMPLE_TOTAL (32u * 1024 * 1024)
#define DICT_MAX_CONTENT (1024u * 1024) /* near-duplicate content kept in one dictionary */
#define DICT_MIN_CONTENT 1024


static void estimate_job(void *ctx, size_t i)
{
    compress_job_state *s = ctx;
    const compress_input *in = &s->in[i];
    if (strcmp(in->dict_class, "other") == 0 && object_looks_incompressible(in))
        s->incompressible[i] = true;
    /* Large objects take no part in the dictionary decision (their estimates stay 0). */
    if (s->incompressible[i] || in->size > OBJECT_STREAM_MIN_SIZE)
        return;
    uint8_t *owned;
    const uint8_t *data = compress_input_bytes(in, &owned, &s->errors[i]);
    if (!data)
        return;
    size_t size = 0;
    uint8_t *frame = compress_frame(data, (size_t)in->size, ESTIMATE_LEVEL, NULL, NULL, 0, &size);
    s->plain_estimate[i] = frame ? size : (size_t)in->size;
    free(frame);
    const dictionary_class *cls = &s->classes[s->class_of[i]];
    if (frame && cls->estimate_cdict) {
        frame = compress_frame(data, (size_t)in->size, ESTIMATE_LEVEL, cls->estimate_cdict,
                               NULL, 0, &size);
        s->dict_estimate[i] = frame ? size : 0;
        free(frame);
    }
    if (!frame)
        panya_error_oom(&s->errors[i]);
    free(owned);
}

static void final_job(void *ctx, size_t i)
{
    compress_job_state *s = ctx;
    const compress_input *in = &s->in[i];
    if (s->reference && s->reference[i] >= 0) {
        uint8_t *owned;
        const uint8_t *data = compress_input_bytes(in, &owned, &s->errors[i]);
        size_t size;
        uint8_t *frame = data ? compress_reference_frame(s, i, data, &size) : NULL;
        free(owned);
        uint64_t offset;
        if (frame && size < in->size &&
            object_spool_put(s->spool, frame, size, &offset, &s->errors[i]) == 0)
            s->out[i] = (compress_output){true, offset, size, -1, s->reference[i]};
        free(frame);
        return;
    }
    if (s->incompressible[i])
        return;
    if (in->size > OBJECT_STREAM_MIN_SIZE) {
        uint64_t offset, size;
        if (object_spool_compress_stream(s->spool, in, s->level, &offset, &size,
                                         &s->errors[i]) == 0 && size < in->size)
            s->out[i] = (compress_output){true, offset, size, -1, -1};
        return;
    }
    const dictionary_class *cls = &s->classes[s->class_of[i]];
    const ZSTD_CDict *cdict = s->use_dict[i] ? cls->cdict : NULL;
    const uint8_t *dict_hash = cdict ? cls->dict_hash : NULL;
    size_t size;
    /* A cached frame is checked against the object's hash, so the source need not be read. */
    uint8_t *frame = frame_cache_get(s->frame_cache, in->hash, in->size, dict_hash,
                                     cdict ? cls->ddict : NULL, s->level, &size);
    if (!frame) {
        uint8_t *owned;
        const uint8_t *data = compress_input_bytes(in, &owned, &s->errors[i]);
        if (!data)
            return;
        frame = compress_frame(data, (size_t)in->size, s->level, cdict, NULL, 0, &size);
        free(owned);
        if (frame)
            frame_cache_put(s->frame_cache, in->hash, dict_hash, s->level, frame, size);
    }
    if (!frame) {
        panya_error_oom(&s->errors[i]);
        return;
    }
    if (size >= in->size) { /* incompressible after all: store raw */
        free(frame);
        return;
    }
    uint64_t offset;
    if (object_spool_put(s->spool, frame, size, &offset, &s->errors[i]) == 0)
        s->out[i] = (compress_output){true, offset, size, cdict ? cls->output_index : -1, -1};
    free(frame);
}

static int class_index(dictionary_class *classes, size_t *class_count, const char *name)
{
    for (size_t c = 0; c < *class_count; c++)
        if (strcmp(classes[c].name, name) == 0)
            return (int)c;
    classes[*class_count].name = name;
    return (int)(*class_count)++;
}

typedef struct name_order {
    const compress_input *in;
    const int *class_of;
} name_order;

static name_order sort_context; /* qsort has no context argument; used under one call only */

static int compare_by_class_and_name(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    const name_order *o = &sort_context;
    if (o->class_of[i] != o->class_of[j])
        return o->class_of[i] < o->class_of[j] ? -1 : 1;
    int cmp = strcmp(o->in[i].name, o->in[j].name);
    if (cmp)
        return cmp;
    return i < j ? -1 : i > j;
}

/* Marks dictionary content: every object that shares its name with a later object of its
 * class. Same-named objects are usually versions of one file (the same page in several
 * copies of a package), so all but the last copy go into the dictionary and every copy then
 * compresses to little more than a reference. Returns 0 or -1 (OOM). */
static int mark_group_leaders(const compress_input *in, size_t count, const int *class_of,
                              bool *leader)
{
    size_t *order = malloc((count ? count : 1) * sizeof *order), named = 0;
    if (!order)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (in[i].name)
            order[named++] = i;
    sort_context = (name_order){in, class_of};
    qsort(order, named, sizeof *order, compare_by_class_and_name);
    for (size_t k = 0; k + 1 < named; k++) {
        size_t i = order[k], next = order[k + 1];
        leader[i] = class_of[i] == class_of[next] && strcmp(in[i].name, in[next].name) == 0;
    }
    free(order);
    return 0;
}

/* Builds a dictionary for class c: the objects marked by mark_group_leaders (near-duplicates
 * across packages) as raw content, finalised with entropy statistics; or,
 * when the class has no such groups, a dictionary trained by zstd on samples of its members.
 * Leaves cls->dict NULL when the class is too small or training fails. */
static int train_class(dictionary_class *cls, int c, const compress_input *in, size_t count,
                       const int *class_of, const bool *leader, int level,
                       const char *frame_cache, panya_error *err)
{
    size_t total = 0, samples = 0, content_size = 0;
    for (size_t i = 0; i < count; i++) {
        if (class_of[i] != c || in[i].size > OBJECT_STREAM_MIN_SIZE)
            continue;
        size_t take = in[i].size < DICT_SAMPLE_PREFIX ? (size_t)in[i].size : DICT_SAMPLE_PREFIX;
        if (total + take <= DICT_MAX_SAMPLE_TOTAL) {
            total += take;
            samples++;
        }
        if (content_size + in[i].size <= DICT_MAX_CONTENT &&
            leader[i])
            content_size += (size_t)in[i].size;
    }
    bool trainable = samples >= DICT_MIN_OBJECTS && total >= DICT_MIN_SAMPLE_BYTES;
    if (!trainable && content_size < DICT_MIN_CONTENT)
        return 0;
    uint8_t *buffer = malloc(total);
    size_t *sizes = calloc(samples, sizeof *sizes);
    uint8_t *content = malloc(content_size + 1);
    if (!buffer || !sizes || !content)
        goto oom;
    size_t used = 0, n = 0, content_used = 0;
    for (size_t i = 0; i < count; i++) {
        if (class_of[i] != c || in[i].size > OBJECT_STREAM_MIN_SIZE)
            continue;
        size_t take = in[i].size < DICT_SAMPLE_PREFIX ? (size_t)in[i].size : DICT_SAMPLE_PREFIX;
        bool sample = n < samples && used + take <= total;
        bool as_content = content_used + in[i].size <= content_size &&
                          leader[i];
        if (!sample && !as_content)
            continue;
        uint8_t *owned;
        const uint8_t *data = compress_input_bytes(&in[i], &owned, err);
        if (!data)
            goto fail;
        if (sample) {
            memcpy(buffer + used, data, take);
            used += take;
            sizes[n++] = take;
        }
        if (as_content) {
            memcpy(content + content_used, data, (size_t)in[i].size);
            content_used += (size_t)in[i].size;
        }
        free(owned);
    }
    size_t capacity = content_used ? content_used + 64 * 1024 : total / 8;
    if (!content_used && capacity > DICT_MAX_SIZE)
        capacity = DICT_MAX_SIZE;
    if (capacity < 1024)
        capacity = 1024;
    if (!(cls->dict = malloc(capacity)))
        goto oom;
    size_t got;
    if (content_used) {
        ZDICT_params_t params = {.compressionLevel = ESTIMATE_LEVEL}; /* statistics only */
        got = ZDICT_finalizeDictionary(cls->dict, capacity, content, content_used, buffer, sizes,
                                       (unsigned)n, params);
        if (ZDICT_isError(got)) { /* too few samples for statistics: a raw-content dictionary */
            memcpy(cls->dict, content, content_used);
            got = content_used;
        }
    } else {
        got = ZDICT_trainFromBuffer(cls->dict, capacity, buffer, sizes, (unsigned)n);
    }
    free(buffer);
    free(sizes);
    free(content);
    if (ZDICT_isError(got)) {
        free(cls->dict);
        cls->dict = NULL;
        return 0;
    }
    cls->dict_size = got;
    cls->estimate_cdict = ZSTD_createCDict(cls->dict, got, ESTIMATE_LEVEL);
    if (!cls->estimate_cdict) {
        free(cls->dict);
        cls->dict = NULL;
        return panya_error_oom(err);
    }
    /* Content dictionaries are plain text: they are stored compressed. */
    panya_sha256_buffer(cls->dict, got, cls->dict_hash);
    cls->stored = frame_cache_get(frame_cache, cls->dict_hash, got, NULL, NULL, level,
                                  &cls->stored_size);
    if (!cls->stored &&
        (cls->stored = compress_frame(cls->dict, got, level, NULL, NULL, 0, &cls->stored_size)))
        frame_cache_put(frame_cache, cls->dict_hash, NULL, level, cls->stored, cls->stored_size);
    if (cls->stored && cls->stored_size >= got) {
        free(cls->stored);
        cls->stored = NULL;
    }
    return 0;
oom:
    panya_error_oom(err);
fail:
    free(buffer);
    free(sizes);
    free(content);
    return -1;
}

/* Keeps a class dictionary only if the frames that gain from it, plus the stored dictionary,
 * are smaller than compressing the class without it; then each object uses it only if it
 * gains. Decided on the estimates. */
static void choose_dictionaries(compress_job_state *s, size_t count, size_t class_count)
{
    for (size_t c = 0; c < class_count; c++) {
        dictionary_class *cls = &s->classes[c];
        if (!cls->dict)
            continue;
        uint64_t plain = 0, with = cls->stored ? cls->stored_size : cls->dict_size;
        for (size_t i = 0; i < count; i++) {
            if (s->class_of[i] != (int)c || (s->reference && s->reference[i] >= 0))
                continue;
            plain += s->plain_estimate[i];
            bool gains = s->dict_estimate[i] && s->dict_estimate[i] < s->plain_estimate[i];
            with += gains ? s->dict_estimate[i] : s->plain_estimate[i];
        }
        cls->keep = with < plain;
        for (size_t i = 0; i < count; i++)
            if (s->class_of[i] == (int)c && !(s->reference && s->reference[i] >= 0))
                s->use_dict[i] = cls->keep && s->dict_estimate[i] &&
                                 s->dict_estimate[i] < s->plain_estimate[i];
    }
}

int bundle_compress_objects(const compress_input *in, size_t count, int level, int threads,
                            bool train_dictionaries, bool use_references,
                            const char *frame_cache, struct object_spool *spool,
                            compress_output *out, compress_dictionary **dicts,
                            size_t *dict_count, panya_error *err)
{
    *dicts = NULL;
    *dict_count = 0;
    for (size_t i = 0; i < count; i++)
        out[i] = (compress_output){.dict_index = -1, .reference = -1};
    if (count == 0)
        return 0;
    int status = -1;
    dictionary_class classes[16] = {0}; /* one per mime_type_dictionary_class value */
    size_t class_count = 0;
    compress_job_state s = {.in = in, .out = out, .classes = classes, .level = level,
                            .frame_cache = frame_cache, .spool = spool};
    s.class_of = calloc(count, sizeof *s.class_of);
    s.plain_estimate = calloc(count, sizeof *s.plain_estimate);
    s.dict_estimate = calloc(count, sizeof *s.dict_estimate);
    s.use_dict = calloc(count, sizeof *s.use_dict);
    s.errors = calloc(count, sizeof *s.errors);
    s.incompressible = calloc(count, sizeof *s.incompressible);
    if (!s.class_of || !s.plain_estimate || !s.dict_estimate || !s.use_dict || !s.errors ||
        !s.incompressible) {
        panya_error_oom(err);
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        if (class_count >= sizeof classes / sizeof classes[0] - 1)
            s.class_of[i] = class_index(classes, &class_count, "other");
        else
            s.class_of[i] = class_index(classes, &class_count, in[i].dict_class);
        classes[s.class_of[i]].members++;
    }
    if (train_dictionaries) {
        bool *leader = calloc(count, sizeof *leader);
        if (!leader || mark_group_leaders(in, count, s.class_of, leader) != 0) {
            free(leader);
            panya_error_oom(err);
            goto done;
        }
        for (size_t c = 0; c < class_count && status != -2; c++)
            if (train_class(&classes[c], (int)c, in, count, s.class_of, leader, level,
                            frame_cache, err) != 0)
                status = -2;
        free(leader);
        if (status == -2) {
            status = -1;
            goto done;
        }
    }
    thread_pool_run(count, threads, estimate_job, &s);
    for (size_t i = 0; i < count; i++) {
        if (s.errors[i].code) {
            *err = s.errors[i];
            goto done;
        }
    }
    if (use_references && compress_choose_references(&s, count, threads, err) != 0)
        goto done;
    choose_dictionaries(&s, count, class_count);
    size_t kept = 0;
    for (size_t c = 0; c < class_count; c++) {
        classes[c].output_index = classes[c].keep ? (int)kept++ : -1;
        if (!classes[c].keep)
            continue;
        classes[c].cdict = ZSTD_createCDict(classes[c].dict, classes[c].dict_size, level);
        if (frame_cache)
            classes[c].ddict = ZSTD_createDDict(classes[c].dict, classes[c].dict_size);
        if (!classes[c].cdict || (frame_cache && !classes[c].ddict)) {
            panya_error_oom(err);
            goto done;
        }
    }
    thread_pool_run(count, compress_threads_within_budget(threads, level), final_job, &s);
    for (size_t i = 0; i < count; i++) {
        if (s.errors[i].code) {
            *err = s.errors[i];
            goto done;
        }
    }
    if (kept) {
        *dicts = calloc(kept, sizeof **dicts);
        if (!*dicts) {
            panya_error_oom(err);
            goto done;
        }
        for (size_t c = 0; c < class_count; c++) {
            if (!classes[c].keep)
                continue;
            compress_dictionary *d = &(*dicts)[classes[c].output_index];
            d->data = classes[c].dict;
            d->size = classes[c].dict_size;
            d->stored = classes[c].stored;
            d->stored_size = classes[c].stored_size;
            classes[c].dict = NULL; /* ownership moves to the caller */
            classes[c].stored = NULL;
        }
        *dict_count = kept;
    }
    status = 0;
done:
    if (status != 0)
        for (size_t i = 0; i < count; i++)
            out[i] = (compress_output){.dict_index = -1, .reference = -1};
    for (size_t c = 0; c < class_count; c++) {
        free(classes[c].dict);
        free(classes[c].stored);
        ZSTD_freeCDict(classes[c].estimate_cdict);
        ZSTD_freeCDict(classes[c].cdict);
        ZSTD_freeDDict(classes[c].ddict);
    }
    free(s.class_of);
    free(s.plain_estimate);
    free(s.dict_estimate);
    free(s.use_dict);
    free(s.reference);
    free(s.errors);
    free(s.incompressible);
    return status;
}
