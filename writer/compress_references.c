/* Choosing, for each text object, whether to store it against a reference object (format
 * 1.1, method 2): proposals by name and content sketch (writer/reference_select.h), each
 * measured at ESTIMATE_LEVEL against the object's plain and dictionary estimates. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDDict_advanced: raw-content dictionaries */
#include "writer/compress_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/thread_pool.h"
#include "libpanya/object_reference.h"
#include "writer/frame_cache.h"
#include "writer/object_spool.h"
#include "writer/reference_select.h"

/* Proposal rounds: a proposal that fails is rejected and the objects are proposed again, so
 * that the first copy of a file, once it failed against another file, serves its own later
 * versions. Three rounds settle real collections; more find nothing. */
#define ROUNDS 3
/* A reference must save a quarter of the object's best frame: a marginal one would keep its
 * object from being the reference of its own later versions. */
#define MIN_SAVING_DIVISOR 4

typedef struct reference_state {
    compress_job_state *s;
    content_sketch *sketches;
    long *estimated_against; /* reference measured in reference_estimate, or -1 */
    size_t *reference_estimate;
} reference_state;

/* Objects held whole in memory and worth compressing take part; streamed (large) and
 * incompressible ones do not. */
static bool takes_part(const compress_job_state *s, size_t i)
{
    return !s->incompressible[i] && s->in[i].size <= OBJECT_STREAM_MIN_SIZE &&
           s->in[i].size <= OBJECT_REFERENCE_MAX_SIZE && s->plain_estimate[i] > 0;
}

static void sketch_job(void *ctx, size_t i)
{
    reference_state *rs = ctx;
    if (!takes_part(rs->s, i))
        return;
    uint8_t *owned;
    const uint8_t *data = compress_input_bytes(&rs->s->in[i], &owned, &rs->s->errors[i]);
    if (data)
        content_sketch_compute(data, (size_t)rs->s->in[i].size, &rs->sketches[i]);
    free(owned);
}

static void measure_job(void *ctx, size_t i)
{
    reference_state *rs = ctx;
    compress_job_state *s = rs->s;
    long j = s->reference[i];
    if (j < 0 || rs->estimated_against[i] == j)
        return;
    uint8_t *owned, *ref_owned = NULL;
    const uint8_t *data = compress_input_bytes(&s->in[i], &owned, &s->errors[i]);
    const uint8_t *ref_data = data ? compress_input_bytes(&s->in[j], &ref_owned, &s->errors[i])
                                   : NULL;
    size_t size = 0;
    uint8_t *frame = ref_data ? compress_frame(data, (size_t)s->in[i].size, ESTIMATE_LEVEL, NULL,
                                               ref_data, (size_t)s->in[j].size, &size)
                              : NULL;
    if (ref_data && !frame)
        panya_error_oom(&s->errors[i]);
    rs->estimated_against[i] = j;
    rs->reference_estimate[i] = frame ? size : SIZE_MAX;
    free(frame);
    free(owned);
    free(ref_owned);
}

static size_t best_estimate(const compress_job_state *s, size_t i)
{
    size_t d = s->dict_estimate[i];
    return d && d < s->plain_estimate[i] ? d : s->plain_estimate[i];
}

static int first_error(const compress_job_state *s, size_t count, panya_error *err)
{
    for (size_t i = 0; i < count; i++)
        if (s->errors[i].code) {
            *err = s->errors[i];
            return -1;
        }
    return 0;
}

int compress_choose_references(compress_job_state *s, size_t count, int threads,
                               panya_error *err)
{
    reference_state rs = {.s = s};
    rs.sketches = calloc(count, sizeof *rs.sketches);
    rs.estimated_against = malloc(count * sizeof *rs.estimated_against);
    rs.reference_estimate = calloc(count, sizeof *rs.reference_estimate);
    long *rejected = malloc(count * ROUNDS * sizeof *rejected);
    reference_object *objects = calloc(count, sizeof *objects);
    s->reference = malloc(count * sizeof *s->reference);
    int status = -1;
    if (!rs.sketches || !rs.estimated_against || !rs.reference_estimate || !rejected ||
        !objects || !s->reference) {
        panya_error_oom(err);
        goto done;
    }
    thread_pool_run(count, threads, sketch_job, &rs);
    if (first_error(s, count, err) != 0)
        goto done;
    for (size_t i = 0; i < count; i++) {
        rs.estimated_against[i] = -1;
        objects[i] = (reference_object){takes_part(s, i) ? &rs.sketches[i] : NULL,
                                        s->in[i].name, s->in[i].size, rejected + i * ROUNDS, 0};
    }
    for (int round = 0; round < ROUNDS; round++) {
        if (reference_select(objects, count, s->reference) != 0) {
            panya_error_oom(err);
            goto done;
        }
        thread_pool_run(count, threads, measure_job, &rs);
        if (first_error(s, count, err) != 0)
            goto done;
        bool changed = false;
        for (size_t i = 0; i < count; i++) {
            long j = s->reference[i];
            size_t best = best_estimate(s, i);
            if (j < 0 || rs.reference_estimate[i] <= best - best / MIN_SAVING_DIVISOR)
                continue;
            rejected[i * ROUNDS + objects[i].rejected_count++] = j;
            s->reference[i] = -1;
            changed = true;
        }
        if (!changed)
            break;
    }
    status = 0;
done:
    free(rs.sketches);
    free(rs.estimated_against);
    free(rs.reference_estimate);
    free(rejected);
    free(objects);
    return status;
}

uint8_t *compress_reference_frame(compress_job_state *s, size_t i, const uint8_t *data,
                                  size_t *size)
{
    const compress_input *ref = &s->in[s->reference[i]];
    uint8_t *ref_owned;
    const uint8_t *ref_data = compress_input_bytes(ref, &ref_owned, &s->errors[i]);
    if (!ref_data)
        return NULL;
    /* A cached frame is checked by decoding it with the reference as a raw-content
     * dictionary, which is what a raw-content prefix is to zstd. */
    ZSTD_DDict *ddict = NULL;
    if (s->frame_cache)
        ddict = ZSTD_createDDict_advanced(ref_data, (size_t)ref->size, ZSTD_dlm_byRef,
                                          ZSTD_dct_rawContent, ZSTD_defaultCMem);
    uint8_t *frame = ddict ? frame_cache_get(s->frame_cache, s->in[i].hash, s->in[i].size,
                                             ref->hash, ddict, s->level, size)
                           : NULL;
    if (!frame && (frame = compress_frame(data, (size_t)s->in[i].size, s->level, NULL,
                                          ref_data, (size_t)ref->size, size)))
        frame_cache_put(s->frame_cache, s->in[i].hash, ref->hash, s->level, frame, *size);
    if (!frame)
        panya_error_oom(&s->errors[i]);
    ZSTD_freeDDict(ddict);
    free(ref_owned);
    return frame;
}
