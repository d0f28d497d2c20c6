#include "writer/bundle_patch.h"
#include "common/grow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "common/hash.h"
#include "common/output_file.h"
#include "libpanya/bundle_reader.h"
#include "libpanya/include/panya.h"

#define CHUNK (1u << 20)
#define LITERAL_LEVEL 9
#define PATCH_COPY_SLACK (1u << 20) /* bytes of OLD a genuine patch may copy twice */
#define PATCH_HASH_OFFSET(count) (PATCH_HEADER_SIZE + (count) * PATCH_SEGMENT_SIZE)

enum segment_kind { SEGMENT_COPY = 0, SEGMENT_LITERAL = 1 };

typedef struct patch_segment {
    uint32_t kind;
    uint64_t old_offset; /* COPY: where in OLD; LITERAL: where in NEW (diff only) */
    uint64_t length;
} patch_segment;

typedef struct patch_header {
    uint64_t old_size, new_size, segment_count, literal_size, literal_stored_size;
    uint8_t old_hash[PANYA_HASH_SIZE], new_hash[PANYA_HASH_SIZE];
} patch_header;

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int read_exact(int fd, void *buf, size_t len, uint64_t offset, const char *name,
                      panya_error *err)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s: read failed", name);
        if (n == 0)
            return panya_error_set(err, PANYA_ERR_INVALID, "%s: unexpected end of file", name);
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

/* Encodes header, segment table and their SHA-256 (PATCH_HASH_OFFSET(count) + 32 bytes). */
static void encode_tables(const patch_header *h, const patch_segment *segments, uint8_t *out)
{
    memset(out, 0, PATCH_HASH_OFFSET(h->segment_count));
    memcpy(out, PATCH_MAGIC, 8);
    out[8] = PATCH_VERSION;
    put_u64(out + 16, h->old_size);
    memcpy(out + 24, h->old_hash, PANYA_HASH_SIZE);
    put_u64(out + 56, h->new_size);
    memcpy(out + 64, h->new_hash, PANYA_HASH_SIZE);
    put_u64(out + 96, h->segment_count);
    put_u64(out + 104, h->literal_size);
    put_u64(out + 112, h->literal_stored_size);
    for (uint64_t i = 0; i < h->segment_count; i++) {
        uint8_t *s = out + PATCH_HEADER_SIZE + i * PATCH_SEGMENT_SIZE;
        s[0] = (uint8_t)segments[i].kind;
        put_u64(s + 8, segments[i].kind == SEGMENT_COPY ? segments[i].old_offset : 0);
        put_u64(s + 16, segments[i].length);
    }
    size_t tables = PATCH_HASH_OFFSET(h->segment_count);
    panya_sha256_buffer(out, tables, out + tables);
}

/* ---- diff ---- */

typedef struct diff_state {
    int old_fd, new_fd;
    const char *old_path, *new_path;
    uint64_t old_size;
    patch_segment *segments;
    size_t count, capacity;
    patch_stats *stats;
} diff_state;

static int add_segment(diff_state *d, uint32_t kind, uint64_t offset, uint64_t length)
{
    patch_segment *last = d->count ? &d->segments[d->count - 1] : NULL;
    if (last && last->kind == kind && last->old_offset + last->length == offset) {
        last->length += length; /* contiguous in OLD (COPY) or in NEW (LITERAL) */
        return 0;
    }
    if (panya_grow((void **)&d->segments, &d->capacity, d->count, sizeof *d->segments, 64) != 0)
        return -1;
    d->segments[d->count++] = (patch_segment){kind, offset, length};
    return 0;
}

/* True when OLD's stored bytes at old_offset equal NEW's at new_offset. */
static int same_stored_bytes(diff_state *d, uint64_t old_offset, uint64_t new_offset,
                             uint64_t length, bool *same, panya_error *err)
{
    uint8_t *a = malloc(CHUNK), *b = malloc(CHUNK);
    int status = (!a || !b) ? panya_error_oom(err) : 0;
    *same = true;
    for (uint64_t done = 0; status == 0 && *same && done < length;) {
        size_t n = length - done < CHUNK ? (size_t)(length - done) : CHUNK;
        status = read_exact(d->old_fd, a, n, old_offset + done, d->old_path, err);
        if (status == 0)
            status = read_exact(d->new_fd, b, n, new_offset + done, d->new_path, err);
        *same = status == 0 && memcmp(a, b, n) == 0;
        done += n;
    }
    free(a);
    free(b);
    return status;
}

/* Adds NEW's bytes [offset, offset + length) that are not an object OLD holds: copied when
 * OLD has the same bytes at the same offset (header, padding, an unchanged tail), else
 * carried as literals. */
static int add_gap(diff_state *d, uint64_t offset, uint64_t length, panya_error *err)
{
    bool same = false;
    if (offset <= d->old_size && length <= d->old_size - offset &&
        same_stored_bytes(d, offset, offset, length, &same, err) != 0)
        return -1;
    if (add_segment(d, same ? SEGMENT_COPY : SEGMENT_LITERAL, offset, length) != 0)
        return panya_error_oom(err);
    if (same)
        d->stats->copied_bytes += length;
    return 0;
}

typedef struct copy_region {
    uint64_t new_offset, old_offset, length;
} copy_region;

static int compare_regions(const void *a, const void *b)
{
    uint64_t x = ((const copy_region *)a)->new_offset, y = ((const copy_region *)b)->new_offset;
    return x < y ? -1 : x > y;
}

/* Finds NEW's objects whose stored bytes OLD holds, and turns NEW into segments. */
static int plan_segments(diff_state *d, bundle_reader *old_r, bundle_reader *new_r,
                         uint64_t new_size, panya_error *err)
{
    size_t count = bundle_reader_object_count(new_r);
    copy_region *regions = calloc(count ? count : 1, sizeof *regions);
    size_t found = 0;
    if (!regions)
        return panya_error_oom(err);
    for (size_t i = 0; i < count; i++) {
        const bundle_index_entry *e = bundle_reader_object_at(new_r, i);
        const bundle_index_entry *o = bundle_reader_find(old_r, e->hash);
        bool same = false;
        if (o && o->stored_size == e->stored_size && o->method == e->method && e->stored_size &&
            same_stored_bytes(d, o->offset, e->offset, e->stored_size, &same, err) != 0) {
            free(regions);
            return -1;
        }
        if (same)
            regions[found++] = (copy_region){e->offset, o->offset, e->stored_size};
        else
            d->stats->objects_carried++;
    }
    d->stats->objects_copied = found;
    qsort(regions, found, sizeof *regions, compare_regions);
    uint64_t pos = 0;
    int status = 0;
    for (size_t i = 0; i < found && status == 0; i++) {
        if (regions[i].new_offset < pos) /* overlapping entries: keep the first */
            continue;
        if (regions[i].new_offset > pos)
            status = add_gap(d, pos, regions[i].new_offset - pos, err);
        if (status == 0 &&
            add_segment(d, SEGMENT_COPY, regions[i].old_offset, regions[i].length) != 0)
            status = panya_error_oom(err);
        d->stats->copied_bytes += regions[i].length;
        pos = regions[i].new_offset + regions[i].length;
    }
    if (status == 0 && pos < new_size)
        status = add_gap(d, pos, new_size - pos, err);
    free(regions);
    return status;
}

/* Compresses NEW's literal segments, in order, into one zstd frame written to out. */
static int write_literals(diff_state *d, panya_output_file *out, panya_error *err)
{
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    size_t out_cap = ZSTD_CStreamOutSize();
    uint8_t *in = malloc(CHUNK), *buf = malloc(out_cap);
    int status = (!cctx || !in || !buf) ? panya_error_oom(err) : 0;
    if (status == 0)
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, LITERAL_LEVEL);
    for (size_t i = 0; status == 0 && i <= d->count; i++) {
        bool last = i == d->count;
        if (!last && d->segments[i].kind != SEGMENT_LITERAL)
            continue;
        uint64_t offset = last ? 0 : d->segments[i].old_offset;
        uint64_t left = last ? 0 : d->segments[i].length;
        do {
            size_t n = left < CHUNK ? (size_t)left : CHUNK;
            if (n && (status = read_exact(d->new_fd, in, n, offset, d->new_path, err)) != 0)
                break;
            offset += n;
            left -= n;
            ZSTD_EndDirective mode = last ? ZSTD_e_end : ZSTD_e_continue;
            ZSTD_inBuffer input = {in, n, 0};
            size_t remaining;
            do {
                ZSTD_outBuffer output = {buf, out_cap, 0};
                remaining = ZSTD_compressStream2(cctx, &output, &input, mode);
                if (ZSTD_isError(remaining))
                    status = panya_error_set(err, PANYA_ERR_INTERNAL, "zstd: %s",
                                             ZSTD_getErrorName(remaining));
                else
                    status = panya_output_write(out, buf, output.pos, err);
            } while (status == 0 && (last ? remaining != 0 : input.pos < input.size));
        } while (status == 0 && left > 0);
    }
    ZSTD_freeCCtx(cctx);
    free(in);
    free(buf);
    return status;
}

/* Checks every object and table of the bundle at path with the reader library. Returns 0,
 * 1 when it is damaged (*damaged objects), or -1 with err set. */
static int check_bundle(const char *path, uint64_t *damaged, panya_error *err)
{
    panya_bundle *b;
    panya_error_info info;
    if (panya_open(path, PANYA_OPEN_NO_CACHE, &b, &info) != PANYA_OK)
        return panya_error_set(err, (int)info.status, "%s", info.message);
    panya_verify_report report;
    panya_status status = panya_verify_all(b, NULL, NULL, &report, &info);
    panya_close(b);
    *damaged = report.objects_damaged;
    panya_verify_report_free(&report);
    if (status == PANYA_OK || status == PANYA_ERR_INVALID)
        return status == PANYA_OK ? 0 : 1;
    return panya_error_set(err, (int)info.status, "%s", info.message);
}

static int open_whole_bundle(const char *path, bundle_reader **r, panya_error *err)
{
    uint64_t damaged = 0;
    int status = check_bundle(path, &damaged, err);
    if (status == 1)
        panya_error_set(err, PANYA_ERR_INVALID, "%s is damaged (%llu damaged objects): "
                                                 "see 'panya verify %s'", path,
                        (unsigned long long)damaged, path);
    if (status != 0)
        return -1;
    return (*r = bundle_reader_open(path, err)) ? 0 : -1;
}

int bundle_diff(const char *old_path, const char *new_path, const char *patch_path,
                patch_stats *stats, panya_error *err)
{
    memset(stats, 0, sizeof *stats);
    diff_state d = {.old_fd = -1, .new_fd = -1, .old_path = old_path, .new_path = new_path,
                    .stats = stats};
    bundle_reader *old_r = NULL, *new_r = NULL;
    patch_header h = {0};
    uint8_t *tables = NULL;
    panya_output_file out = {.fd = -1};
    int status = -1;
    if (open_whole_bundle(old_path, &old_r, err) != 0 ||
        open_whole_bundle(new_path, &new_r, err) != 0 ||
        panya_sha256_file(old_path, h.old_hash, &h.old_size, err) != 0 ||
        panya_sha256_file(new_path, h.new_hash, &h.new_size, err) != 0)
        goto done;
    d.old_fd = open(old_path, O_RDONLY | O_CLOEXEC);
    d.new_fd = open(new_path, O_RDONLY | O_CLOEXEC);
    if (d.old_fd < 0 || d.new_fd < 0) {
        panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", d.old_fd < 0 ? old_path : new_path);
        goto done;
    }
    d.old_size = h.old_size;
    if (plan_segments(&d, old_r, new_r, h.new_size, err) != 0)
        goto done;
    h.segment_count = d.count;
    for (size_t i = 0; i < d.count; i++)
        if (d.segments[i].kind == SEGMENT_LITERAL)
            h.literal_size += d.segments[i].length;
    size_t tables_len = PATCH_HASH_OFFSET(d.count) + PANYA_HASH_SIZE;
    if (!(tables = calloc(1, tables_len))) {
        panya_error_oom(err);
        goto done;
    }
    /* The tables go first but hold the frame's size: write a placeholder, fill it last. */
    if (panya_output_open(&out, patch_path, err) != 0)
        goto done;
    if (panya_output_write(&out, tables, tables_len, err) != 0 ||
        write_literals(&d, &out, err) != 0)
        goto abort;
    h.literal_stored_size = out.written - tables_len;
    encode_tables(&h, d.segments, tables);
    if (pwrite(out.fd, tables, tables_len, 0) != (ssize_t)tables_len) {
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: write failed", patch_path);
        goto abort;
    }
    stats->old_size = h.old_size;
    stats->new_size = h.new_size;
    stats->patch_size = out.written;
    stats->literal_bytes = h.literal_size;
    stats->segments = d.count;
    status = panya_output_commit(&out, err);
    goto done;
abort:
    panya_output_abort(&out);
done:
    bundle_reader_close(old_r);
    bundle_reader_close(new_r);
    if (d.old_fd >= 0)
        close(d.old_fd);
    if (d.new_fd >= 0)
        close(d.new_fd);
    free(d.segments);
    free(tables);
    return status;
}

/* ---- apply ---- */

/* The literal bytes, decompressed on demand from the patch's zstd frame. */
typedef struct literal_stream {
    int fd;
    const char *name;
    uint64_t offset, end; /* the frame's bytes not yet read */
    ZSTD_DCtx *dctx;
    uint8_t *in;
    ZSTD_inBuffer input;
    size_t last; /* last ZSTD_decompressStream result: 0 at the end of a frame */
} literal_stream;

static int damaged_patch(const char *name, panya_error *err, const char *what)
{
    return panya_error_set(err, PANYA_ERR_INVALID, "%s: the patch is damaged (%s)", name, what);
}

/* Decompresses into output until it is full, or (finishing) until the frame ends. */
static int literal_pump(literal_stream *ls, ZSTD_outBuffer *output, bool finishing,
                        panya_error *err)
{
    for (;;) {
        bool input_done = ls->input.pos == ls->input.size && ls->offset == ls->end;
        if (finishing ? (ls->last == 0 && input_done) : output->pos == output->size)
            return 0;
        if (ls->input.pos == ls->input.size && ls->offset < ls->end) {
            size_t n = ls->end - ls->offset < CHUNK ? (size_t)(ls->end - ls->offset) : CHUNK;
            if (read_exact(ls->fd, ls->in, n, ls->offset, ls->name, err) != 0)
                return -1;
            ls->offset += n;
            ls->input = (ZSTD_inBuffer){ls->in, n, 0};
        }
        size_t before_in = ls->input.pos, before_out = output->pos;
        ls->last = ZSTD_decompressStream(ls->dctx, output, &ls->input);
        if (ZSTD_isError(ls->last))
            return damaged_patch(ls->name, err, "its data does not decompress");
        if (finishing && output->pos > 0)
            return damaged_patch(ls->name, err, "extra data after the last segment");
        if (ls->input.pos == before_in && output->pos == before_out)
            return damaged_patch(ls->name, err, ls->last == 0 ? "extra data at its end"
                                                              : "its data ends early");
    }
}

/* Fills dst with the next len literal bytes. */
static int literal_read(literal_stream *ls, uint8_t *dst, size_t len, panya_error *err)
{
    ZSTD_outBuffer output = {dst, len, 0};
    return literal_pump(ls, &output, false, err);
}

/* Checks that the literal frame ends exactly here. */
static int literal_finish(literal_stream *ls, panya_error *err)
{
    uint8_t extra;
    ZSTD_outBuffer output = {&extra, 1, 0};
    return literal_pump(ls, &output, true, err);
}

static int read_patch_tables(int fd, const char *name, patch_header *h, patch_segment **segments,
                             uint64_t *literal_offset, panya_error *err)
{
    struct stat st;
    uint8_t head[PATCH_HEADER_SIZE];
    *segments = NULL;
    if (fstat(fd, &st) != 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", name);
    uint64_t size = (uint64_t)st.st_size;
    if (size < PATCH_HEADER_SIZE + PANYA_HASH_SIZE ||
        read_exact(fd, head, sizeof head, 0, name, err) != 0 || memcmp(head, PATCH_MAGIC, 8) != 0)
        return err->code ? -1 : panya_error_set(err, PANYA_ERR_INVALID,
                                                "%s: not a panya patch", name);
    if (head[8] != PATCH_VERSION)
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: patch format %u; this panya reads format %d", name, head[8],
                               PATCH_VERSION);
    h->old_size = get_u64(head + 16);
    memcpy(h->old_hash, head + 24, PANYA_HASH_SIZE);
    h->new_size = get_u64(head + 56);
    memcpy(h->new_hash, head + 64, PANYA_HASH_SIZE);
    h->segment_count = get_u64(head + 96);
    h->literal_size = get_u64(head + 104);
    h->literal_stored_size = get_u64(head + 112);
    uint64_t room = size - PATCH_HEADER_SIZE - PANYA_HASH_SIZE;
    if (h->segment_count > room / PATCH_SEGMENT_SIZE ||
        h->literal_stored_size != room - h->segment_count * PATCH_SEGMENT_SIZE)
        return damaged_patch(name, err, "its sizes do not add up");
    size_t tables_len = PATCH_HASH_OFFSET(h->segment_count) + PANYA_HASH_SIZE;
    uint8_t *tables = malloc(tables_len);
    *segments = calloc(h->segment_count ? h->segment_count : 1, sizeof **segments);
    if (!tables || !*segments) {
        free(tables);
        return panya_error_oom(err);
    }
    uint8_t actual[PANYA_HASH_SIZE];
    int status = read_exact(fd, tables, tables_len, 0, name, err);
    if (status == 0) {
        panya_sha256_buffer(tables, tables_len - PANYA_HASH_SIZE, actual);
        if (memcmp(actual, tables + tables_len - PANYA_HASH_SIZE, PANYA_HASH_SIZE) != 0)
            status = damaged_patch(name, err, "its header checksum does not match");
    }
    uint64_t new_total = 0, literal_total = 0;
    for (uint64_t i = 0; status == 0 && i < h->segment_count; i++) {
        const uint8_t *s = tables + PATCH_HEADER_SIZE + i * PATCH_SEGMENT_SIZE;
        patch_segment *seg = &(*segments)[i];
        *seg = (patch_segment){s[0], get_u64(s + 8), get_u64(s + 16)};
        bool copy_ok = seg->kind == SEGMENT_COPY && seg->old_offset <= h->old_size &&
                       seg->length <= h->old_size - seg->old_offset;
        if ((!copy_ok && seg->kind != SEGMENT_LITERAL) || seg->length > h->new_size - new_total)
            status = damaged_patch(name, err, "a segment is out of range");
        new_total += seg->length;
        if (seg->kind == SEGMENT_LITERAL)
            literal_total += seg->length;
    }
    if (status == 0 && (new_total != h->new_size || literal_total != h->literal_size))
        status = damaged_patch(name, err, "its segments do not add up");
    /* diff copies each stored object of OLD at most once (NEW's objects are distinct), plus
     * a little of the header and padding: a patch that copies much more than OLD holds
     * would make a small file write gigabytes before its hash could refuse it. */
    uint64_t copied = new_total - literal_total;
    if (status == 0 && copied > h->old_size + h->old_size / 16 + PATCH_COPY_SLACK)
        status = damaged_patch(name, err, "its segments copy more than the old bundle holds: "
                                          "a crafted patch?");
    free(tables);
    *literal_offset = tables_len;
    return status;
}

typedef struct apply_state {
    int old_fd;
    const char *old_path;
    literal_stream literals;
    panya_output_file out;
    panya_sha256 hash;
    uint8_t *buf;
} apply_state;

static int apply_segments(apply_state *a, const patch_segment *segments, uint64_t count,
                          patch_stats *stats, panya_error *err)
{
    for (uint64_t i = 0; i < count; i++) {
        const patch_segment *seg = &segments[i];
        for (uint64_t done = 0; done < seg->length;) {
            size_t n = seg->length - done < CHUNK ? (size_t)(seg->length - done) : CHUNK;
            int status = seg->kind == SEGMENT_COPY
                             ? read_exact(a->old_fd, a->buf, n, seg->old_offset + done,
                                          a->old_path, err)
                             : literal_read(&a->literals, a->buf, n, err);
            if (status != 0)
                return -1;
            panya_sha256_update(&a->hash, a->buf, n);
            if (panya_output_write(&a->out, a->buf, n, err) != 0)
                return -1;
            done += n;
        }
        if (seg->kind == SEGMENT_COPY)
            stats->copied_bytes += seg->length;
        else
            stats->literal_bytes += seg->length;
    }
    return literal_finish(&a->literals, err);
}

static void hash_prefix(const uint8_t hash[PANYA_HASH_SIZE], char out[17])
{
    char hex[PANYA_HASH_HEX_SIZE];
    panya_hash_to_hex(hash, hex);
    memcpy(out, hex, 16);
    out[16] = '\0';
}

/* Refuses a base that is not the bundle the patch was made from. */
static int check_base(const char *old_path, const char *patch_path, const patch_header *h,
                      panya_error *err)
{
    uint8_t actual[PANYA_HASH_SIZE];
    uint64_t size;
    if (panya_sha256_file(old_path, actual, &size, err) != 0)
        return -1;
    if (size == h->old_size && memcmp(actual, h->old_hash, PANYA_HASH_SIZE) == 0)
        return 0;
    char wanted[17], got[17];
    hash_prefix(h->old_hash, wanted);
    hash_prefix(actual, got);
    return panya_error_set(err, PANYA_ERR_INVALID,
                           "%s is not the bundle %s was made from: the patch needs %llu bytes "
                           "with SHA-256 %s..., this file has %llu bytes with SHA-256 %s...; "
                           "nothing was written", old_path, patch_path,
                           (unsigned long long)h->old_size, wanted, (unsigned long long)size,
                           got);
}

/* Checks the result before it gets its name: size and hash, then every object. */
static int check_result(apply_state *a, const patch_header *h, const char *patch_path,
                        panya_error *err)
{
    uint8_t actual[PANYA_HASH_SIZE];
    panya_sha256_final(&a->hash, actual);
    if (a->out.written != h->new_size || memcmp(actual, h->new_hash, PANYA_HASH_SIZE) != 0)
        return damaged_patch(patch_path, err, "the result does not match the new bundle");
    uint64_t damaged = 0;
    int status = check_bundle(a->out.temp_path, &damaged, err);
    if (status == 1)
        return damaged_patch(patch_path, err, "the result has damaged objects");
    return status;
}

int bundle_patch(const char *old_path, const char *patch_path, const char *new_path,
                 patch_stats *stats, panya_error *err)
{
    memset(stats, 0, sizeof *stats);
    apply_state a = {.old_fd = -1, .old_path = old_path, .out = {.fd = -1}};
    a.literals = (literal_stream){.fd = -1, .name = patch_path};
    patch_header h = {0};
    patch_segment *segments = NULL;
    uint64_t literal_offset = 0;
    int status = -1;
    bool hashing = false;
    a.literals.fd = open(patch_path, O_RDONLY | O_CLOEXEC);
    if (a.literals.fd < 0) {
        panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", patch_path);
        goto done;
    }
    if (read_patch_tables(a.literals.fd, patch_path, &h, &segments, &literal_offset, err) != 0 ||
        check_base(old_path, patch_path, &h, err) != 0)
        goto done;
    a.old_fd = open(old_path, O_RDONLY | O_CLOEXEC);
    a.literals.offset = literal_offset;
    a.literals.end = literal_offset + h.literal_stored_size;
    a.literals.last = 1; /* no frame decoded yet */
    a.literals.dctx = ZSTD_createDCtx();
    a.literals.in = malloc(CHUNK);
    a.buf = malloc(CHUNK);
    if (a.old_fd < 0) {
        panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", old_path);
        goto done;
    }
    if (!a.literals.dctx || !a.literals.in || !a.buf || panya_sha256_init(&a.hash) != 0) {
        panya_error_oom(err);
        goto done;
    }
    hashing = true;
    if (panya_output_open(&a.out, new_path, err) != 0)
        goto done;
    if (apply_segments(&a, segments, h.segment_count, stats, err) != 0)
        goto abort;
    if (fsync(a.out.fd) != 0) {
        panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot sync", new_path);
        goto abort;
    }
    hashing = false; /* check_result finishes the hash */
    if (check_result(&a, &h, patch_path, err) != 0)
        goto abort;
    stats->old_size = h.old_size;
    stats->new_size = h.new_size;
    stats->segments = h.segment_count;
    status = panya_output_commit(&a.out, err);
    goto done;
abort:
    panya_output_abort(&a.out);
done:
    if (hashing)
        panya_sha256_discard(&a.hash);
    if (a.old_fd >= 0)
        close(a.old_fd);
    if (a.literals.fd >= 0) {
        struct stat st;
        if (status == 0 && fstat(a.literals.fd, &st) == 0)
            stats->patch_size = (uint64_t)st.st_size;
        close(a.literals.fd);
    }
    ZSTD_freeDCtx(a.literals.dctx);
    free(a.literals.in);
    free(a.buf);
    free(segments);
    return status;
}
