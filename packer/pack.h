/* panya pack: sources → lesson model → plan → transcode (cached) → object store → bundle. */
#ifndef PANYA_PACKER_PACK_H
#define PANYA_PACKER_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "manifest/bundle_manifest.h"
#include "writer/bundle_writer.h"

#define PACK_MAX_PROFILES 8

struct plan; /* packer/plan.h */

typedef struct pack_progress {
    size_t done, total;      /* media transcodes finished / planned */
    const char *current;     /* bundle path of the file just finished */
    uint64_t bytes_in, bytes_out;
    double elapsed;          /* seconds since the pack started */
} pack_progress;

typedef struct pack_options {
    const char *id;       /* pack id; NULL: the input's name */
    const char *version;  /* NULL: "1" */
    const char *title;    /* English title; NULL: the input's name */
    const char *title_lo; /* Lao title, or NULL */
    const char *source_kind;   /* "scorm", "kpl", "folder", or NULL to detect */
    const char *profiles[PACK_MAX_PROFILES]; /* names; just "source" keeps files unchanged */
    size_t profile_count;      /* 0: small, low */
    const char *profiles_file; /* a user's profile file, or NULL for the built-in set */
    const char *cache_dir;     /* NULL: $XDG_CACHE_HOME/panya */
    const char *schema_dir;    /* trusted SCORM XSDs, or NULL to look in the usual places */
    bool keep_going;           /* skip broken lessons instead of failing (all of them: error) */
    bool dry_run;              /* read and plan only: fill the summary with the plan and
                                * estimates, write nothing (no bundle, no cache entries) */
    struct plan *plan_out;     /* with dry_run: each transcode the cache lacks is added here
                                * (every media source is hashed; see plan_build) */
    bool strict;               /* warnings that would lose data on a card are errors */
    bool measure_ssim;         /* measure SSIM of every new transcode */
    int threads;               /* 0: one per core */
    uint64_t split_size;       /* write parts of whole lessons, none bigger than this; 0: one file */
    bundle_writer_options writer;
    void (*progress)(void *ctx, const pack_progress *progress); /* called from any thread */
    void *progress_ctx;
} pack_options;

typedef struct pack_variant_figures {
    char profile[32];
    char mime[48];
    uint64_t bytes;
    double ssim;    /* -1 when not measured */
    double seconds; /* transcode time; 0 on a cache hit */
    bool cache_hit;
    bool kept_source; /* the transcode was not smaller, so the source is stored */
    double target_ssim; /* the profile's ssim640 target for video; 0 when none */
    bool below_target;  /* video that did not reach target_ssim... */
    bool at_ceiling;    /* ...because it spent the ceiling (else a correction missed) */
    char audio_content[8]; /* "speech", "music" or "" (codec_result.audio_content) */
} pack_variant_figures;

typedef struct pack_file_figures {
    char *path;
    uint64_t source_bytes;
    pack_variant_figures variants[PACK_MAX_PROFILES];
    size_t variant_count; /* 0 for files stored unchanged */
} pack_file_figures;

typedef struct pack_summary {
    size_t courses, lessons, items, files;
    uint64_t input_bytes;
    const char *profile_names[PACK_MAX_PROFILES];
    uint64_t profile_bytes[PACK_MAX_PROFILES]; /* bytes of each profile's variants */
    size_t profile_count;
    uint64_t transcodes, cache_hits;
    double seconds;
    bundle_writer_stats bundle; /* added up over the parts */
    size_t part_count;          /* parts written: OUT with ".N" before ".panya"; 0: one bundle */
    pack_file_figures *figures; /* every media file */
    size_t figure_count;
    char **skipped; /* lessons left out under --keep-going, "WHAT: why" */
    size_t skipped_count;
    char **warnings;
    size_t warning_count;
    char *profile_storage; /* owns profile_names */
    const char *source_reader; /* "scorm", "kpl" or "folder": which reader took the input */
    char *source_reason;       /* why (a clause: "2 course folders ... at its top") */
    bool dry_run;              /* a plan: profile_bytes are estimates, transcodes are needed */
    uint64_t stored_bytes;     /* bytes of files stored unchanged (not transcoded) */
    bundle_manifest *plan;     /* --dry-run: the courses, lessons and items it would pack */
} pack_summary;

/* Packs input (a SCORM package, a KPL course export or a folder) into out_path. The summary
 * is filled as far as the pack got, even on failure; free it with pack_summary_free.
 * Zips are unpacked into a private folder in $TMPDIR (panya-pack-XXXXXX), removed at the end
 * and on SIGINT/SIGTERM (common/cleanup.h); such folders left by a killed pack more than an
 * hour ago are removed first. Returns 0 or -1 with err set (PANYA_ERR_INVALID when every
 * lesson was skipped under keep_going: there is nothing to pack). */
int pack_run(const char *input, const char *out_path, const pack_options *options,
             pack_summary *summary, panya_error *err);

void pack_summary_free(pack_summary *summary);

/* The file name of part n of a split pack: "a/b.panya" → "a/b.n.panya" (malloc'd). */
char *pack_part_path(const char *out_path, size_t n);

#endif
