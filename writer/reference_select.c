#include "writer/reference_select.h"

#include <stdlib.h>
#include <string.h>

#include "libpanya/object_reference.h"

#define BAND_KEYS 4            /* smallest sketch values used to find candidates */
#define GROUP_CANDIDATES 8     /* earliest members of a key group offered as candidates */
#define MAX_CANDIDATES 32      /* per object */
#define MIN_SIMILARITY_NAMED 0.05 /* same file name: a weak sign of content is enough */
#define MIN_SIMILARITY 0.2
#define NAME_BONUS 0.25
#define MIN_REFERENCED_SIZE 64 /* smaller objects gain nothing worth a second read */

static uint64_t mix64(uint64_t x) /* murmur3's finaliser: spreads every input bit */
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

void content_sketch_compute(const uint8_t *data, size_t size, content_sketch *sketch)
{
    sketch->count = 0;
    for (size_t i = 0; i + 8 <= size; i++) {
        uint64_t shingle;
        memcpy(&shingle, data + i, sizeof shingle);
        uint64_t h = mix64(shingle);
        uint32_t n = sketch->count;
        if (n == CONTENT_SKETCH_SIZE && h >= sketch->min[n - 1])
            continue;
        uint32_t lo = 0, hi = n; /* insertion point in the ascending list */
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (sketch->min[mid] < h)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n && sketch->min[lo] == h)
            continue;
        if (n == CONTENT_SKETCH_SIZE)
            n--;
        memmove(&sketch->min[lo + 1], &sketch->min[lo], (n - lo) * sizeof sketch->min[0]);
        sketch->min[lo] = h;
        sketch->count = n + 1;
    }
}

double content_sketch_similarity(const content_sketch *a, const content_sketch *b)
{
    /* Bottom-k estimate: among the k smallest hashes of the union, the share in both. */
    uint32_t i = 0, j = 0, taken = 0, common = 0;
    while (taken < CONTENT_SKETCH_SIZE && (i < a->count || j < b->count)) {
        if (j >= b->count || (i < a->count && a->min[i] < b->min[j])) {
            i++;
        } else if (i >= a->count || b->min[j] < a->min[i]) {
            j++;
        } else {
            common++;
            i++;
            j++;
        }
        taken++;
    }
    return taken ? (double)common / taken : 0.0;
}

typedef struct keyed {
    uint64_t key;
    size_t object;
} keyed;

static int compare_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->object < y->object ? -1 : x->object > y->object;
}

static uint64_t name_key(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return mix64(h ^ 0x6e616d65); /* kept apart from shingle hashes */
}

static bool sizes_fit(uint64_t size, uint64_t reference_size)
{
    /* A small file must not cost the decode of a much larger one; and both are held in
     * memory by the reader. */
    return size <= OBJECT_REFERENCE_MAX_SIZE && reference_size <= OBJECT_REFERENCE_MAX_SIZE &&
           reference_size <= 4 * size + 64 * 1024;
}

static bool was_rejected(const reference_object *o, size_t j)
{
    for (size_t r = 0; r < o->rejected_count; r++)
        if (o->rejected[r] == (long)j)
            return true;
    return false;
}

static bool usable(const reference_object *o)
{
    return o->sketch && o->size >= MIN_REFERENCED_SIZE;
}

int reference_select(const reference_object *objects, size_t count, long *reference)
{
    for (size_t i = 0; i < count; i++)
        reference[i] = -1;
    size_t key_count = 0;
    keyed *keys = malloc((count ? count : 1) * (BAND_KEYS + 1) * sizeof *keys);
    size_t *candidates = malloc((count ? count : 1) * MAX_CANDIDATES * sizeof *candidates);
    uint8_t *candidate_count = calloc(count ? count : 1, 1);
    if (!keys || !candidates || !candidate_count) {
        free(keys);
        free(candidates);
        free(candidate_count);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        if (!usable(&objects[i]))
            continue;
        if (objects[i].name)
            keys[key_count++] = (keyed){name_key(objects[i].name), i};
        for (uint32_t b = 0; b < BAND_KEYS && b < objects[i].sketch->count; b++)
            keys[key_count++] = (keyed){objects[i].sketch->min[b], i};
    }
    qsort(keys, key_count, sizeof *keys, compare_keyed);
    /* In each group sharing a key, the earliest members are offered to the later ones: the
     * earliest member of a cluster of near-duplicates is the one the others refer to. */
    for (size_t start = 0, end; start < key_count; start = end) {
        for (end = start; end < key_count && keys[end].key == keys[start].key; end++)
            ;
        for (size_t k = start + 1; k < end; k++) {
            size_t i = keys[k].object;
            for (size_t g = start; g < k && g < start + GROUP_CANDIDATES; g++) {
                size_t j = keys[g].object;
                bool known = j == i;
                for (uint8_t c = 0; c < candidate_count[i] && !known; c++)
                    known = candidates[i * MAX_CANDIDATES + c] == j;
                if (!known && candidate_count[i] < MAX_CANDIDATES)
                    candidates[i * MAX_CANDIDATES + candidate_count[i]++] = j;
            }
        }
    }
    for (size_t i = 0; i < count; i++) {
        double best = 0;
        for (uint8_t c = 0; c < candidate_count[i]; c++) {
            size_t j = candidates[i * MAX_CANDIDATES + c];
            if (j > i || reference[j] >= 0 || !sizes_fit(objects[i].size, objects[j].size) ||
                was_rejected(&objects[i], j))
                continue;
            bool named = objects[i].name && objects[j].name &&
                         strcmp(objects[i].name, objects[j].name) == 0;
            double similarity = content_sketch_similarity(objects[i].sketch, objects[j].sketch);
            if (similarity < (named ? MIN_SIMILARITY_NAMED : MIN_SIMILARITY))
                continue;
            double score = similarity + (named ? NAME_BONUS : 0);
            if (score > best) {
                best = score;
                reference[i] = (long)j;
            }
        }
    }
    free(keys);
    free(candidates);
    free(candidate_count);
    return 0;
}
