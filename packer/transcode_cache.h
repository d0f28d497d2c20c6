/* The transcode cache: results keyed by (SHA-256 of the source, profile name, profile
 * version, encoder versions), kept in $XDG_CACHE_HOME/panya (or --cache DIR) so that a
 * repack re-transcodes only what changed. Entries are written under temporary names and
 * renamed, so two packs may share the cache at once and a killed pack leaves no half entry;
 * an entry whose output does not match its recorded hash is ignored. */
#ifndef PANYA_PACKER_TRANSCODE_CACHE_H
#define PANYA_PACKER_TRANSCODE_CACHE_H

#include <stdbool.h>

#include "codecs/codecs.h"
#include "common/error.h"
#include "common/hash.h"

typedef struct transcode_cache {
    char *dir; /* DIR/v1 */
} transcode_cache;

/* Opens (creating) the cache in dir, or in the default place when dir is NULL. */
int transcode_cache_open(transcode_cache *cache, const char *dir, panya_error *err);
/* The same without create: creates nothing (what `pack --dry-run` promises) and returns 1
 * when the cache folder does not exist yet (cache->dir is still set; nothing is cached). */
int transcode_cache_open_mode(transcode_cache *cache, const char *dir, bool create,
                              panya_error *err);
void transcode_cache_close(transcode_cache *cache);

/* The key (64 hex digits) for a source and profile. */
void transcode_cache_key(const uint8_t source_hash[PANYA_HASH_SIZE], const codec_profile *profile,
                         const char *encoder_versions, char key[PANYA_HASH_HEX_SIZE]);

/* The path where the output for key lives (malloc'd); a transcode writes it directly (the
 * codecs write under a temporary name and rename). */
char *transcode_cache_output_path(const transcode_cache *cache, const char *key,
                                  panya_error *err);

/* Finds a complete entry: returns true and fills *result when the output exists and matches
 * the hash recorded with it. */
bool transcode_cache_lookup(const transcode_cache *cache, const char *key, codec_result *result);
/* The same, also giving the profile name the entry was made with ("" in entries from before
 * it was recorded) when profile is not NULL. */
bool transcode_cache_lookup_entry(const transcode_cache *cache, const char *key,
                                  codec_result *result, char *profile, size_t profile_size);

/* Reads key's record only (no hashing): fills result, profile ("" when not recorded) and the
 * output's recorded SHA-256. False when there is no readable record. */
bool transcode_cache_read_record(const transcode_cache *cache, const char *key,
                                 codec_result *result, char *profile, size_t profile_size,
                                 char sha256[PANYA_HASH_HEX_SIZE]);

/* The path of key's record (record true: KEY.meta) or output (KEY.out), malloc'd; NULL when
 * out of memory. Layout: DIR/v1/KE/KEY.{meta,out}, KE the key's first two digits. */
char *transcode_cache_entry_path(const transcode_cache *cache, const char *key, bool record);

/* Records result, made with the named profile, for an output already at
 * transcode_cache_output_path(key). The record (DIR/v1/KE/KEY.meta) is renamed into place
 * last: an entry is complete once its record exists and the output matches it. */
int transcode_cache_store(const transcode_cache *cache, const char *key, const char *profile,
                          const codec_result *result, panya_error *err);

#endif
