/* Choosing reference objects for near-duplicates (format 1.1, method 2; docs/FORMAT.md,
 * "Reference frames"): packages of one authoring tool repeat the same libraries in slightly
 * different versions, which dedupe (exact copies) and per-type dictionaries (1 MiB) miss.
 * Candidates are found by file name (the same file in another package) and by content
 * sketches (bottom-k MinHash over 8-byte shingles), so renamed copies (content-hashed file
 * names) are found too. Pure functions of their inputs; thread-safe. */
#ifndef PANYA_WRITER_REFERENCE_SELECT_H
#define PANYA_WRITER_REFERENCE_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTENT_SKETCH_SIZE 48

/* The CONTENT_SKETCH_SIZE smallest distinct hashes of an object's 8-byte shingles, in
 * ascending order (fewer for objects with fewer distinct shingles). */
typedef struct content_sketch {
    uint64_t min[CONTENT_SKETCH_SIZE];
    uint32_t count;
} content_sketch;

void content_sketch_compute(const uint8_t *data, size_t size, content_sketch *sketch);

/* Estimated Jaccard similarity (0..1) of the two objects' shingle sets. */
double content_sketch_similarity(const content_sketch *a, const content_sketch *b);

typedef struct reference_object {
    const content_sketch *sketch; /* NULL: the object takes no part (too small, not text) */
    const char *name;             /* file name without folder, or NULL */
    uint64_t size;
    const long *rejected;         /* objects already tried as its reference and found no */
    size_t rejected_count;        /* better than compressing it alone */
} reference_object;

/* For each object i, in order, picks in reference[i] the most similar earlier object that
 * is itself not stored against another one (so that reading any object costs at most one
 * other object's decode), or -1. Same-named objects are preferred; sizes must be within a
 * factor that keeps a small file from depending on a large one; rejected pairs are never
 * proposed again. Only a proposal: the caller measures it, and calls again with the pairs
 * it rejected, so that an object whose proposal failed can serve as a reference for its own
 * later versions. Returns 0 or -1 (OOM). */
int reference_select(const reference_object *objects, size_t count, long *reference);

#endif
