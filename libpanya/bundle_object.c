/* Streaming one object out of the bundle: raw, zstd (with its dictionary) or zstd against a
 * reference object (method 2), checked against its hash. */
#include "libpanya/bundle_reader_internal.h"

#include "libpanya/sha256.h"

#include <stdlib.h>
#include <string.h>

static const ZSTD_DDict *dictionary_for(bundle_reader *r, uint16_t dict_id, panya_error *err)
{
    if (dict_id == 0 || dict_id > r->footer.dict_count) {
        reader_invalid(r, err, "an index entry names a dictionary that does not exist");
        return NULL;
    }
    reader_dictionary *d = &r->dicts[dict_id - 1];
    pthread_mutex_lock(&r->dict_lock);
    const ZSTD_DDict *ddict = d->ddict;
    if (!ddict) {
        section s = {"compression dictionary", d->entry.offset, d->entry.stored_size,
                     d->entry.size, MAX_DICT_SIZE, d->entry.method, d->entry.hash};
        uint8_t *bytes;
        if (!reader_in_range(d->entry.offset, d->entry.stored_size, BUNDLE_HEADER_SIZE,
                             r->footer.index_offset)) {
            reader_invalid(r, err, "a dictionary entry points outside the file");
        } else if (reader_load_section(r, &s, &bytes, err) == 0) {
            d->ddict = ZSTD_createDDict(bytes, (size_t)d->entry.size);
            free(bytes);
            if (!d->ddict)
                reader_invalid(r, err, "a compression dictionary is not valid zstd");
            ddict = d->ddict;
        }
    }
    pthread_mutex_unlock(&r->dict_lock);
    return ddict;
}

typedef struct object_stream {
    bundle_reader *r;
    const bundle_index_entry *entry;
    lp_sha256 hash;
    uint64_t produced;
    bundle_sink sink;
    void *sink_ctx;
} object_stream;

static int emit(object_stream *s, const uint8_t *data, size_t len, panya_error *err)
{
    if (len > s->entry->size - s->produced)
        return reader_invalid(s->r, err, "an object is longer than its index entry says (damaged)");
    s->produced += len;
    lp_sha256_update(&s->hash, data, len);
    return s->sink(s->sink_ctx, data, len, err);
}

static int stream_raw(object_stream *s, uint8_t *in, panya_error *err)
{
    uint64_t offset = s->entry->offset, left = s->entry->stored_size;
    while (left > 0) {
        size_t n = left < READ_CHUNK ? (size_t)left : READ_CHUNK;
        if (reader_read_at(s->r, in, n, offset, err) != 0 || emit(s, in, n, err) != 0)
            return -1;
        offset += n;
        left -= n;
    }
    return 0;
}

static int stream_zstd(object_stream *s, uint8_t *in, uint8_t *out, panya_error *err)
{
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    if (!dctx)
        return panya_error_oom(err);
    int status = 0;
    if (s->entry->dict_id) {
        const ZSTD_DDict *ddict = dictionary_for(s->r, s->entry->dict_id, err);
        if (!ddict)
            status = -1;
        else
            ZSTD_DCtx_refDDict(dctx, ddict);
    }
    uint64_t offset = s->entry->offset, left = s->entry->stored_size;
    size_t last = 1;
    while (status == 0 && left > 0) {
        size_t n = left < READ_CHUNK ? (size_t)left : READ_CHUNK;
        if (reader_read_at(s->r, in, n, offset, err) != 0) {
            status = -1;
            break;
        }
        offset += n;
        left -= n;
        ZSTD_inBuffer input = {in, n, 0};
        while (status == 0 && input.pos < input.size) {
            ZSTD_outBuffer output = {out, READ_CHUNK, 0};
            last = ZSTD_decompressStream(dctx, &output, &input);
            if (ZSTD_isError(last))
                status = reader_invalid(s->r, err, "an object does not decompress (damaged)");
            else
                status = emit(s, out, output.pos, err);
        }
    }
    /* Flush what the decoder still holds once all input is in. */
    while (status == 0 && last != 0) {
        ZSTD_inBuffer input = {in, 0, 0};
        ZSTD_outBuffer output = {out, READ_CHUNK, 0};
        last = ZSTD_decompressStream(dctx, &output, &input);
        if (ZSTD_isError(last) || output.pos == 0)
            status = reader_invalid(s->r, err, "an object ends early (damaged)");
        else
            status = emit(s, out, output.pos, err);
    }
    ZSTD_freeDCtx(dctx);
    return status;
}

/* The decoded bytes of the reference object at 1-based index position `position` (malloc'd,
 * the caller frees them), from the cache or read and checked against its hash now. */
static uint8_t *reference_bytes(bundle_reader *r, uint32_t position, panya_error *err)
{
    const bundle_index_entry *ref = &r->entries[position - 1];
    size_t size = (size_t)ref->size, got;
    uint8_t *bytes = malloc(size ? size : 1);
    if (!bytes) {
        panya_error_oom(err);
        return NULL;
    }
    if (object_cache_copy(r->references, position, 0, bytes, size, &got) && got == size)
        return bytes;
    free(bytes);
    panya_error ref_err = {0};
    if (bundle_reader_load_object(r, ref, OBJECT_REFERENCE_MAX_SIZE, &bytes, &ref_err) != 0) {
        if (ref_err.code != PANYA_ERR_INVALID)
            *err = ref_err;
        else
            reader_invalid(r, err, "the object it is stored against is damaged");
        return NULL;
    }
    uint8_t *kept;
    if (object_cache_admits(r->references, size) && (kept = malloc(size ? size : 1))) {
        memcpy(kept, bytes, size);
        object_cache_put(r->references, position, kept, size);
    }
    return bytes;
}

/* Method 2: reads the frame, decodes it against its reference (docs/FORMAT.md, "Index") and
 * emits the result. Only raw and plain zstd objects may be references, so one read costs at
 * most one other object's decode. */
static int stream_reference(object_stream *s, panya_error *err)
{
    bundle_reader *r = s->r;
    const bundle_index_entry *e = s->entry;
    if (e->reference == 0 || e->reference > r->footer.index_count || e->dict_id != 0 ||
        &r->entries[e->reference - 1] == e ||
        r->entries[e->reference - 1].method > BUNDLE_METHOD_ZSTD ||
        e->size > OBJECT_REFERENCE_MAX_SIZE || e->stored_size > OBJECT_REFERENCE_MAX_SIZE ||
        r->entries[e->reference - 1].size > OBJECT_REFERENCE_MAX_SIZE)
        return reader_invalid(r, err, "an index entry is damaged (impossible reference object)");
    uint8_t *reference = reference_bytes(r, e->reference, err);
    if (!reference)
        return -1;
    size_t reference_size = (size_t)r->entries[e->reference - 1].size;
    uint8_t *frame = malloc(e->stored_size ? (size_t)e->stored_size : 1);
    uint8_t *plain = malloc(e->size ? (size_t)e->size : 1);
    int status = (!frame || !plain) ? panya_error_oom(err) : 0;
    if (status == 0)
        status = reader_read_at(r, frame, (size_t)e->stored_size, e->offset, err);
    if (status == 0 && object_reference_decode(reference, reference_size, frame,
                                               (size_t)e->stored_size, plain,
                                               (size_t)e->size) != 0)
        status = reader_invalid(r, err,
                                "an object does not decompress against its reference (damaged)");
    for (uint64_t done = 0; status == 0 && done < e->size; done += READ_CHUNK) {
        uint64_t n = e->size - done < READ_CHUNK ? e->size - done : READ_CHUNK;
        status = emit(s, plain + done, (size_t)n, err);
    }
    free(reference);
    free(frame);
    free(plain);
    return status;
}

int bundle_reader_read_object(bundle_reader *r, const bundle_index_entry *entry, bundle_sink sink,
                              void *sink_ctx, panya_error *err)
{
    bool raw = entry->method == BUNDLE_METHOD_RAW;
    bool referenced = entry->method == BUNDLE_METHOD_REFERENCE;
    if (entry->method > BUNDLE_METHOD_REFERENCE || (raw && entry->stored_size != entry->size) ||
        (raw && entry->dict_id != 0) || (!referenced && entry->reference != 0) ||
        !reader_in_range(entry->offset, entry->stored_size, BUNDLE_HEADER_SIZE,
                         r->footer.index_offset))
        return reader_invalid(r, err, "an index entry is damaged (it points outside the objects)");
    object_stream s = {.r = r, .entry = entry, .sink = sink, .sink_ctx = sink_ctx};
    bool streamed = !referenced;
    uint8_t *in = streamed ? malloc(READ_CHUNK) : NULL;
    uint8_t *out = streamed && !raw ? malloc(READ_CHUNK) : NULL;
    lp_sha256_init(&s.hash);
    if ((streamed && !in) || (streamed && !raw && !out)) {
        free(in);
        free(out);
        return panya_error_oom(err);
    }
    int status = referenced ? stream_reference(&s, err)
                 : raw      ? stream_raw(&s, in, err)
                            : stream_zstd(&s, in, out, err);
    free(in);
    free(out);
    uint8_t actual[PANYA_HASH_SIZE];
    lp_sha256_final(&s.hash, actual);
    if (status == 0 &&
        (s.produced != entry->size || memcmp(actual, entry->hash, PANYA_HASH_SIZE) != 0))
        status = reader_invalid(r, err, "an object does not match its hash (damaged)");
    return status;
}

typedef struct memory_sink {
    uint8_t *data;
    size_t used;
} memory_sink;

static int to_memory(void *ctx, const void *data, size_t len, panya_error *err)
{
    (void)err;
    memory_sink *m = ctx;
    memcpy(m->data + m->used, data, len); /* emit() bounds the total by entry->size */
    m->used += len;
    return 0;
}

int bundle_reader_load_object(bundle_reader *r, const bundle_index_entry *entry, uint64_t max_size,
                              uint8_t **data, panya_error *err)
{
    *data = NULL;
    if (entry->size > max_size || entry->size > SIZE_MAX - 1)
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: object too large to load (%llu bytes)",
                               r->name, (unsigned long long)entry->size);
    memory_sink m = {.data = malloc((size_t)entry->size + 1)};
    if (!m.data)
        return panya_error_oom(err);
    if (bundle_reader_read_object(r, entry, to_memory, &m, err) != 0) {
        free(m.data);
        return -1;
    }
    *data = m.data;
    return 0;
}

int bundle_sink_discard(void *ctx, const void *data, size_t len, panya_error *err)
{
    (void)ctx, (void)data, (void)len, (void)err;
    return 0;
}
