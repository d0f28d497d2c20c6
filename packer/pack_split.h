/* Splitting a pack into parts of whole lessons, none bigger than a size limit (FAT32 cards
 * hold files of at most 4 GiB - 1). Internal to packer/pack.c. */
#ifndef PANYA_PACKER_PACK_SPLIT_H
#define PANYA_PACKER_PACK_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "manifest/bundle_manifest.h"
#include "sources/lesson_model.h"

typedef struct pack_split_plan {
    size_t part_count;
    size_t *part_of_lesson; /* per lesson, in course then lesson order */
    size_t *part_of_file;   /* per model file: the part of the first lesson using it */
} pack_split_plan;

/* Assigns lessons (and files outside lessons) to parts in order, so that each part's
 * stored bytes stay under limit. file_bytes[f] bounds what file f stores (all variants);
 * dropped files are ignored. One lesson too big for the limit is an error naming it. */
int pack_split_plan_make(const lesson_model *model, const uint64_t *file_bytes,
                         const bool *dropped, uint64_t limit, pack_split_plan *plan,
                         panya_error *err);
void pack_split_plan_free(pack_split_plan *plan);

/* True when file f goes into part p: its own part, or a part with a lesson that uses it. */
bool pack_split_file_in_part(const lesson_model *model, const pack_split_plan *plan, size_t f,
                             size_t p);

/* A manifest with the id, version and titles of `whole` and only the lessons of part p
 * (all of them when plan is NULL); files are added by the caller. NULL when out of memory. */
bundle_manifest *pack_split_manifest(const bundle_manifest *whole, const pack_split_plan *plan,
                                     size_t p);

#endif
