#include "writer/bundle_writer.h"
#include "common/grow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "common/output_file.h"
#include "writer/bundle_compress.h"
#include "manifest/bundle_manifest.h"
#include "libpanya/bundle_format.h"
#include "writer/catalogue_build.h"
#include "writer/path_table_build.h"
#include "writer/bundle_sign.h"
#include "writer/object_spool.h"
#include "common/mime.h"

#define TABLES_LEVEL 19 /* manifest and path table: small, read often, worth the effort */
#define COPY_CHUNK (1u << 20)

typedef struct writer_object {
    uint8_t hash[PANYA_HASH_SIZE];
    uint64_t size;
    char *disk_path;  /* source file, or NULL when held in memory */
    uint8_t *memory;
    char *mime;
    bundle_index_entry entry; /* filled while writing */
} writer_object;

struct bundle_writer {
    bundle_writer_options options;
    writer_object *objects; /* in the order first added: the layout order */
    size_t count, capacity;
    size_t *slots; /* open-addressing table of object positions + 1; 0 = empty */
    size_t slot_count;
    bundle_writer_stats stats;
};

static int append_signature(const bundle_writer *w, panya_output_file *out,
                            const uint8_t *manifest, size_t manifest_len, bundle_footer *footer,
                            panya_error *err);

bundle_writer *bundle_writer_create(const bundle_writer_options *options, panya_error *err)
{
    bundle_writer *w = calloc(1, sizeof *w);
    if (!w) {
        panya_error_oom(err);
        return NULL;
    }
    if (options)
        w->options = *options;
    if (w->options.compression_level <= 0)
        w->options.compression_level = 19;
    if (w->options.compression_level > ZSTD_maxCLevel())
        w->options.compression_level = ZSTD_maxCLevel();
    return w;
}

void bundle_writer_free(bundle_writer *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->count; i++) {
        free(w->objects[i].disk_path);
        free(w->objects[i].memory);
        free(w->objects[i].mime);
    }
    free(w->objects);
    free(w->slots);
    free(w);
}

static size_t slot_of(const uint8_t *hash, size_t slot_count)
{
    uint64_t v;
    memcpy(&v, hash, sizeof v); /* SHA-256 bytes are already uniformly spread */
    return (size_t)(v & (slot_count - 1));
}

static int grow_slots(bundle_writer *w)
{
    size_t count = w->slot_count ? w->slot_count * 2 : 1024;
    size_t *slots = calloc(count, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < w->count; i++) {
        size_t s = slot_of(w->objects[i].hash, count);
        while (slots[s])
            s = (s + 1) & (count - 1);
        slots[s] = i + 1;
    }
    free(w->slots);
    w->slots = slots;
    w->slot_count = count;
    return 0;
}

/* Returns the position of the object named `hash`, or -1. */
static long find_object(const bundle_writer *w, const uint8_t *hash)
{
    if (!w->slot_count)
        return -1;
    for (size_t s = slot_of(hash, w->slot_count); w->slots[s]; s = (s + 1) & (w->slot_count - 1))
        if (memcmp(w->objects[w->slots[s] - 1].hash, hash, PANYA_HASH_SIZE) == 0)
            return (long)(w->slots[s] - 1);
    return -1;
}

/* Records a new object (taking ownership of disk_path / memory). */
static int insert_object(bundle_writer *w, const uint8_t *hash, uint64_t size, char *disk_path,
                         uint8_t *memory, const char *mime, panya_error *err)
{
    if ((w->count + 1) * 2 > w->slot_count && grow_slots(w) != 0)
        goto oom;
    if (panya_grow((void **)&w->objects, &w->capacity, w->count, sizeof *w->objects, 256) != 0)
        goto oom;
    writer_object *o = &w->objects[w->count];
    memset(o, 0, sizeof *o);
    memcpy(o->hash, hash, PANYA_HASH_SIZE);
    o->size = size;
    o->disk_path = disk_path;
    o->memory = memory;
    if (!(o->mime = strdup(mime)))
        goto oom;
    size_t s = slot_of(hash, w->slot_count);
    while (w->slots[s])
        s = (s + 1) & (w->slot_count - 1);
    w->slots[s] = ++w->count;
    w->stats.objects++;
    w->stats.object_bytes += size;
    return 0;
oom:
    free(disk_path);
    free(memory);
    return panya_error_oom(err);
}

int bundle_writer_add_file(bundle_writer *w, const char *disk_path, const char *mime,
                           uint8_t hash[PANYA_HASH_SIZE], uint64_t *size, panya_error *err)
{
    if (panya_sha256_file(disk_path, hash, size, err) != 0)
        return -1;
    uint64_t total = *size;
    if (find_object(w, hash) >= 0) {
        w->stats.duplicates++;
        return 0;
    }
    char *path_copy = strdup(disk_path);
    if (!path_copy)
        return panya_error_oom(err);
    return insert_object(w, hash, total, path_copy, NULL, mime, err);
}

int bundle_writer_add_memory(bundle_writer *w, const void *data, size_t len, const char *mime,
                             uint8_t hash[PANYA_HASH_SIZE], panya_error *err)
{
    if (panya_sha256_buffer(data, len, hash) != 0)
        return panya_error_oom(err);
    if (find_object(w, hash) >= 0) {
        w->stats.duplicates++;
        return 0;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return panya_error_oom(err);
    memcpy(copy, data, len);
    return insert_object(w, hash, len, NULL, copy, mime, err);
}

/* Streams a raw object from its source file into the bundle, checking it did not change. */
static int copy_raw_object(panya_output_file *out, const writer_object *o, panya_error *err)
{
    if (o->memory)
        return panya_output_write(out, o->memory, (size_t)o->size, err);
    int fd = open(o->disk_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", o->disk_path);
    uint8_t *buf = malloc(COPY_CHUNK);
    panya_sha256 ctx;
    if (!buf || panya_sha256_init(&ctx) != 0) {
        free(buf);
        close(fd);
        return panya_error_oom(err);
    }
    uint64_t left = o->size;
    int status = 0;
    while (left > 0 && status == 0) {
        ssize_t n = read(fd, buf, left < COPY_CHUNK ? (size_t)left : COPY_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        panya_sha256_update(&ctx, buf, (size_t)n);
        status = panya_output_write(out, buf, (size_t)n, err);
        left -= (uint64_t)n;
    }
    uint8_t actual[PANYA_HASH_SIZE];
    panya_sha256_final(&ctx, actual);
    free(buf);
    close(fd);
    if (status == 0 && (left != 0 || memcmp(actual, o->hash, PANYA_HASH_SIZE) != 0))
        return panya_error_set(err, PANYA_ERR_INVALID, "%s: changed while it was being packed",
                               o->disk_path);
    return status;
}

static const char *file_name_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int compare_entries(const void *a, const void *b)
{
    return memcmp(((const bundle_index_entry *)a)->hash, ((const bundle_index_entry *)b)->hash,
                  PANYA_HASH_SIZE);
}

/* Writes data as one zstd frame; records where in *offset / *stored. */
static int write_frame(panya_output_file *out, const uint8_t *data, size_t len,
                       uint64_t *offset, uint64_t *stored, panya_error *err)
{
    size_t bound = ZSTD_compressBound(len);
    uint8_t *frame = malloc(bound);
    if (!frame)
        return panya_error_oom(err);
    size_t n = ZSTD_compress(frame, bound, data, len, TABLES_LEVEL);
    int status;
    if (ZSTD_isError(n)) {
        status = panya_error_set(err, PANYA_ERR_INTERNAL, "zstd cannot compress a table");
    } else {
        *offset = out->written;
        *stored = n;
        status = panya_output_write(out, frame, n, err);
    }
    free(frame);
    return status;
}

/* Encodes a table (path table or catalogue) and writes it as one zstd frame, recording its
 * place, sizes and hash in the footer fields given. */
typedef int (*table_encoder)(const bundle_manifest *m, const bundle_index_entry *entries,
                             size_t count, uint8_t **out, size_t *len, panya_error *err);

static int write_table(panya_output_file *out, table_encoder encode, const bundle_manifest *m,
                       const bundle_index_entry *entries, size_t count, uint64_t *offset,
                       uint64_t *stored, uint64_t *size, uint8_t hash[PANYA_HASH_SIZE],
                       panya_error *err)
{
    uint8_t *table;
    size_t len;
    if (encode(m, entries, count, &table, &len, err) != 0)
        return -1;
    *size = len;
    panya_sha256_buffer(table, len, hash);
    int status = write_frame(out, table, len, offset, stored, err);
    free(table);
    return status;
}

/* Turns each entry's reference from a writer object number + 1 (set by write_objects) into
 * the 1-based position of that object in the sorted index. */
static int name_references(const bundle_writer *w, bundle_index_entry *entries,
                           panya_error *err)
{
    size_t *position = malloc((w->count ? w->count : 1) * sizeof *position);
    if (!position)
        return panya_error_oom(err);
    for (size_t p = 0; p < w->count; p++)
        position[find_object(w, entries[p].hash)] = p;
    for (size_t p = 0; p < w->count; p++)
        if (entries[p].reference)
            entries[p].reference = (uint32_t)(position[entries[p].reference - 1] + 1);
    free(position);
    return 0;
}

static int encode_catalogue(const bundle_manifest *m, const bundle_index_entry *entries,
                            size_t count, uint8_t **out, size_t *len, panya_error *err)
{
    (void)entries, (void)count;
    return bundle_catalogue_build(m, out, len, err);
}

/* The path table and catalogue of format 1.1, both from the manifest model. */
static int write_binary_tables(panya_output_file *out, const bundle_manifest *m,
                               const bundle_index_entry *entries, size_t count,
                               bundle_footer *f, panya_error *err)
{
    if (write_table(out, bundle_path_table_build, m, entries, count, &f->path_table_offset,
                    &f->path_table_stored_size, &f->path_table_size, f->path_table_hash,
                    err) != 0)
        return -1;
    return write_table(out, encode_catalogue, m, entries, count, &f->catalogue_offset,
                       &f->catalogue_stored_size, &f->catalogue_size, f->catalogue_hash, err);
}

/* Writes manifest, path table, index, dictionary table and footer after the objects. */
static int write_tables(bundle_writer *w, panya_output_file *out, const bundle_manifest *m,
                        const uint8_t *manifest, size_t manifest_len,
                        const bundle_dict_entry *dict_entries, size_t dict_count,
                        panya_error *err)
{
    bundle_footer footer = {.format_major = BUNDLE_FORMAT_MAJOR,
                            .format_minor = m ? BUNDLE_FORMAT_MINOR : 0,
                            .flags = w->options.part_count ? BUNDLE_FLAG_PART : 0,
                            .part_number = w->options.part_number,
                            .part_count = w->options.part_count,
                            .manifest_size = manifest_len,
                            .manifest_method = BUNDLE_METHOD_ZSTD};
    bundle_index_entry *entries = calloc(w->count ? w->count : 1, sizeof *entries);
    uint8_t *table = malloc((w->count + dict_count) * BUNDLE_INDEX_ENTRY_SIZE + 1);
    int status = -1;
    if (!entries || !table) {
        panya_error_oom(err);
        goto out;
    }
    panya_sha256_buffer(manifest, manifest_len, footer.manifest_hash);
    if (write_frame(out, manifest, manifest_len, &footer.manifest_offset,
                    &footer.manifest_stored_size, err) != 0)
        goto out;
    for (size_t i = 0; i < w->count; i++)
        entries[i] = w->objects[i].entry;
    qsort(entries, w->count, sizeof *entries, compare_entries);
    if (name_references(w, entries, err) != 0)
        goto out;
    if (m && write_binary_tables(out, m, entries, w->count, &footer, err) != 0)
        goto out;
    size_t table_len = 0;
    for (size_t i = 0; i < w->count; i++, table_len += BUNDLE_INDEX_ENTRY_SIZE)
        bundle_encode_index_entry(&entries[i], table + table_len);
    size_t index_len = table_len;
    for (size_t d = 0; d < dict_count; d++, table_len += BUNDLE_DICT_ENTRY_SIZE)
        bundle_encode_dict_entry(&dict_entries[d], table + table_len);
    footer.index_offset = out->written;
    footer.index_count = w->count;
    footer.dict_table_offset = out->written + index_len;
    footer.dict_count = dict_count;
    panya_sha256_buffer(table, table_len, footer.tables_hash);
    if (panya_output_write(out, table, table_len, err) != 0)
        goto out;
    if (w->options.signing_key &&
        append_signature(w, out, manifest, manifest_len, &footer, err) != 0)
        goto out;
    uint8_t encoded[BUNDLE_FOOTER_SIZE];
    bundle_encode_footer(&footer, encoded);
    status = panya_output_write(out, encoded, sizeof encoded, err);
out:
    free(entries);
    free(table);
    return status;
}

/* Lays out and writes dictionaries and objects; fills each object's index entry. */
static int write_objects(bundle_writer *w, panya_output_file *out, object_spool *spool,
                         compress_output *compressed, const size_t *compressible_of,
                         const size_t *object_of, const compress_dictionary *dicts,
                         bundle_dict_entry *dict_entries, size_t dict_count, panya_error *err)
{
    for (size_t d = 0; d < dict_count; d++) {
        bundle_dict_entry *e = &dict_entries[d];
        e->offset = out->written;
        e->size = dicts[d].size;
        e->method = dicts[d].stored ? BUNDLE_METHOD_ZSTD : BUNDLE_METHOD_RAW;
        e->stored_size = dicts[d].stored ? dicts[d].stored_size : dicts[d].size;
        panya_sha256_buffer(dicts[d].data, dicts[d].size, e->hash);
        if (panya_output_write(out, dicts[d].stored ? dicts[d].stored : dicts[d].data,
                               (size_t)e->stored_size, err) != 0)
            return -1;
    }
    for (size_t i = 0; i < w->count; i++) {
        writer_object *o = &w->objects[i];
        const compress_output *c =
            compressible_of[i] != SIZE_MAX ? &compressed[compressible_of[i]] : NULL;
        bundle_index_entry *e = &o->entry;
        memcpy(e->hash, o->hash, PANYA_HASH_SIZE);
        e->size = o->size;
        if (c && c->compressed) {
            e->method = c->reference >= 0 ? BUNDLE_METHOD_REFERENCE : BUNDLE_METHOD_ZSTD;
            e->dict_id = (uint16_t)(c->dict_index + 1);
            /* An object number for now: write_tables turns it into an index position. */
            e->reference = c->reference >= 0 ? (uint32_t)(object_of[c->reference] + 1) : 0;
            w->stats.referencing_objects += c->reference >= 0;
            e->offset = out->written;
            e->stored_size = c->size;
            if (object_spool_copy(spool, c->spool_offset, c->size, out, err) != 0)
                return -1;
            w->stats.compressed_objects++;
            continue;
        }
        e->method = BUNDLE_METHOD_RAW;
        e->dict_id = 0;
        e->reference = 0;
        if (o->size >= BUNDLE_ALIGN_MIN_SIZE &&
            panya_output_write_zeros(out, bundle_align(out->written) - out->written, err) != 0)
            return -1;
        e->offset = out->written;
        e->stored_size = o->size;
        if (copy_raw_object(out, o, err) != 0)
            return -1;
    }
    return 0;
}

/* Writes the bundle: with m, format 1.1 with tables from m; without, format 1.0. */
static int finish(bundle_writer *w, const char *out_path, const bundle_manifest *m,
                  const uint8_t *manifest, size_t manifest_len, panya_error *err)
{
    size_t compressible = 0;
    size_t *compressible_of = malloc((w->count ? w->count : 1) * sizeof *compressible_of);
    size_t *object_of = malloc((w->count ? w->count : 1) * sizeof *object_of);
    compress_input *inputs = calloc(w->count ? w->count : 1, sizeof *inputs);
    compress_output *outputs = calloc(w->count ? w->count : 1, sizeof *outputs);
    compress_dictionary *dicts = NULL;
    size_t dict_count = 0;
    bundle_dict_entry *dict_entries = NULL;
    panya_output_file out = {.fd = -1};
    object_spool *spool = NULL;
    int status = -1;
    if (!compressible_of || !object_of || !inputs || !outputs) {
        panya_error_oom(err);
        goto done;
    }
    /* What a killed pack left next to the output (its lock is gone) is removed first. */
    panya_output_sweep_stale(out_path, NULL);
    if (!(spool = object_spool_create(out_path, err)))
        goto done;
    for (size_t i = 0; i < w->count; i++) {
        const writer_object *o = &w->objects[i];
        compressible_of[i] = SIZE_MAX;
        if (!mime_type_is_compressible(o->mime) || o->size == 0)
            continue;
        compressible_of[i] = compressible;
        object_of[compressible] = i;
        inputs[compressible++] = (compress_input){
            .hash = o->hash,
            .size = o->size,
            .disk_path = o->disk_path,
            .memory = o->memory,
            .dict_class = mime_type_dictionary_class(o->mime),
            .name = o->disk_path ? file_name_of(o->disk_path) : NULL,
        };
    }
    if (bundle_compress_objects(inputs, compressible, w->options.compression_level,
                                w->options.threads, !w->options.no_dictionaries,
                                /* format 1.0 (no model) has no reference frames */
                                m && !w->options.no_references, w->options.frame_cache, spool,
                                outputs,
                                &dicts, &dict_count, err) != 0)
        goto done;
    dict_entries = calloc(dict_count ? dict_count : 1, sizeof *dict_entries);
    if (!dict_entries) {
        panya_error_oom(err);
        goto done;
    }
    if (panya_output_open(&out, out_path, err) != 0)
        goto done;
    uint8_t header[BUNDLE_HEADER_SIZE];
    bundle_encode_header(header, m ? BUNDLE_FORMAT_MINOR : 0);
    if (panya_output_write(&out, header, sizeof header, err) != 0 ||
        write_objects(w, &out, spool, outputs, compressible_of, object_of, dicts, dict_entries,
                      dict_count, err) ||
        write_tables(w, &out, m, manifest, manifest_len, dict_entries, dict_count, err)) {
        panya_output_abort(&out);
        goto done;
    }
    w->stats.dictionaries = dict_count;
    w->stats.bundle_bytes = out.written;
    status = panya_output_commit(&out, err);
done:
    object_spool_free(spool);
    for (size_t d = 0; d < dict_count; d++) {
        free(dicts[d].data);
        free(dicts[d].stored);
    }
    free(dicts);
    free(dict_entries);
    free(outputs);
    free(inputs);
    free(compressible_of);
    free(object_of);
    return status;
}

int bundle_writer_finish(bundle_writer *w, const char *out_path, const bundle_manifest *m,
                         panya_error *err)
{
    uint8_t *xml;
    size_t len;
    if (bundle_manifest_write_xml(m, &xml, &len, err) != 0)
        return -1;
    int status = finish(w, out_path, m, xml, len, err);
    free(xml);
    return status;
}

int bundle_writer_finish_raw(bundle_writer *w, const char *out_path, const uint8_t *manifest,
                             size_t manifest_len, panya_error *err)
{
    return finish(w, out_path, NULL, manifest, manifest_len, err);
}

bundle_writer_stats bundle_writer_get_stats(const bundle_writer *w)
{
    return w->stats;
}

/* Writes the signature block after the dictionary table and records it in the footer. */
static int append_signature(const bundle_writer *w, panya_output_file *out,
                            const uint8_t *manifest, size_t manifest_len, bundle_footer *footer,
                            panya_error *err)
{
    uint8_t block[BUNDLE_SIGNATURE_BLOCK_SIZE];
    if (bundle_sign_manifest(w->options.signing_key, manifest, manifest_len, block, err) != 0)
        return -1;
    footer->flags |= BUNDLE_FLAG_SIGNED;
    footer->signature_offset = out->written;
    footer->signature_size = sizeof block;
    return panya_output_write(out, block, sizeof block, err);
}
