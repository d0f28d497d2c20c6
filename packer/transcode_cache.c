#include "packer/transcode_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/output_file.h"

#define CACHE_LAYOUT "v1"
#define META_MAX 4096

static int make_folders(char *path, panya_error *err)
{
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        int rc = mkdir(path, 0755);
        *p = saved;
        if (rc != 0 && errno != EEXIST)
            return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot create the cache",
                                     path);
        if (!saved)
            return 0;
    }
}

int transcode_cache_open(transcode_cache *cache, const char *dir, panya_error *err)
{
    return transcode_cache_open_mode(cache, dir, true, err);
}

int transcode_cache_open_mode(transcode_cache *cache, const char *dir, bool create,
                              panya_error *err)
{
    cache->dir = NULL;
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (dir)
        n = asprintf(&cache->dir, "%s/%s", dir, CACHE_LAYOUT);
    else if (xdg && *xdg)
        n = asprintf(&cache->dir, "%s/panya/%s", xdg, CACHE_LAYOUT);
    else if (home && *home)
        n = asprintf(&cache->dir, "%s/.cache/panya/%s", home, CACHE_LAYOUT);
    else
        return panya_error_set(err, PANYA_ERR_USAGE,
                               "no cache folder: set XDG_CACHE_HOME or HOME, or give --cache DIR");
    if (n < 0) {
        cache->dir = NULL;
        return panya_error_oom(err);
    }
    struct stat st;
    if (!create)
        return stat(cache->dir, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : 1;
    if (make_folders(cache->dir, err) != 0) {
        transcode_cache_close(cache);
        return -1;
    }
    return 0;
}

void transcode_cache_close(transcode_cache *cache)
{
    free(cache->dir);
    cache->dir = NULL;
}

void transcode_cache_key(const uint8_t source_hash[PANYA_HASH_SIZE], const codec_profile *profile,
                         const char *encoder_versions, char key[PANYA_HASH_HEX_SIZE])
{
    char source_hex[PANYA_HASH_HEX_SIZE], *text = NULL;
    panya_hash_to_hex(source_hash, source_hex);
    uint8_t digest[PANYA_HASH_SIZE];
    if (asprintf(&text, "%s\n%s\n%d\n%s\n", source_hex, profile->name, profile->version,
                 encoder_versions) < 0 ||
        panya_sha256_buffer(text, strlen(text), digest) != 0)
        memset(digest, 0, sizeof digest); /* out of memory: a key nothing matches */
    free(text);
    panya_hash_to_hex(digest, key);
}

static char *entry_path(const transcode_cache *cache, const char *key, const char *suffix)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%.2s/%s.%s", cache->dir, key, key, suffix) < 0)
        return NULL;
    return path;
}

char *transcode_cache_output_path(const transcode_cache *cache, const char *key,
                                  panya_error *err)
{
    char *path = entry_path(cache, key, "out");
    if (!path) {
        panya_error_oom(err);
        return NULL;
    }
    char *slash = strrchr(path, '/');
    *slash = '\0';
    int status = make_folders(path, err);
    *slash = '/';
    if (status != 0) {
        free(path);
        return NULL;
    }
    /* A transcode killed earlier (kill -9: no signal handler ran) left its partial output. */
    panya_output_sweep_stale(path, NULL);
    char *meta = entry_path(cache, key, "meta");
    if (meta)
        panya_output_sweep_stale(meta, NULL);
    free(meta);
    return path;
}

static void copy_field(char *dst, size_t size, const char *value)
{
    snprintf(dst, size, "%s", value);
}

bool transcode_cache_lookup(const transcode_cache *cache, const char *key, codec_result *result)
{
    return transcode_cache_lookup_entry(cache, key, result, NULL, 0);
}

bool transcode_cache_read_record(const transcode_cache *cache, const char *key,
                                 codec_result *result, char *profile, size_t profile_size,
                                 char sha256[PANYA_HASH_HEX_SIZE])
{
    char *meta_path = entry_path(cache, key, "meta");
    FILE *f = meta_path ? fopen(meta_path, "r") : NULL;
    free(meta_path);
    memset(result, 0, sizeof *result);
    result->ssim = -1;
    sha256[0] = '\0';
    if (profile && profile_size)
        copy_field(profile, profile_size, "");
    if (!f)
        return false;
    char line[512];
    bool header = fgets(line, sizeof line, f) && strcmp(line, "panya-cache 1\n") == 0;
    while (header && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *value = strchr(line, ' ');
        if (!value)
            continue;
        *value++ = '\0';
        if (strcmp(line, "kind") == 0)
            result->kind = (codec_kind)atoi(value);
        else if (strcmp(line, "mime") == 0)
            copy_field(result->mime_type, sizeof result->mime_type, value);
        else if (strcmp(line, "codecs") == 0)
            copy_field(result->codecs, sizeof result->codecs, value);
        else if (strcmp(line, "width") == 0)
            result->width = atoi(value);
        else if (strcmp(line, "height") == 0)
            result->height = atoi(value);
        else if (strcmp(line, "bitrate") == 0)
            result->bitrate = atoll(value);
        else if (strcmp(line, "duration") == 0)
            result->duration = strtod(value, NULL);
        else if (strcmp(line, "bytes") == 0)
            result->bytes = strtoull(value, NULL, 10);
        else if (strcmp(line, "ssim") == 0)
            result->ssim = strtod(value, NULL);
        else if (strcmp(line, "target") == 0)
            result->target_ssim = strtod(value, NULL);
        else if (strcmp(line, "below-target") == 0)
            result->below_target = atoi(value) != 0;
        else if (strcmp(line, "at-ceiling") == 0)
            result->at_ceiling = atoi(value) != 0;
        else if (strcmp(line, "crf") == 0)
            result->crf = atoi(value);
        else if (strcmp(line, "encodes") == 0)
            result->encodes = atoi(value);
        else if (strcmp(line, "audio-content") == 0)
            copy_field(result->audio_content, sizeof result->audio_content, value);
        else if (strcmp(line, "audio-kbps") == 0)
            result->audio_kbps = atoi(value);
        else if (strcmp(line, "encoder") == 0)
            copy_field(result->encoder_id, sizeof result->encoder_id, value);
        else if (strcmp(line, "sha256") == 0)
            copy_field(sha256, PANYA_HASH_HEX_SIZE, value);
        else if (strcmp(line, "profile") == 0 && profile)
            copy_field(profile, profile_size, value);
    }
    fclose(f);
    return header && strlen(sha256) == PANYA_HASH_HEX_SIZE - 1;
}

bool transcode_cache_lookup_entry(const transcode_cache *cache, const char *key,
                                  codec_result *result, char *profile, size_t profile_size)
{
    char recorded[PANYA_HASH_HEX_SIZE];
    if (!transcode_cache_read_record(cache, key, result, profile, profile_size, recorded))
        return false;
    char *out_path = entry_path(cache, key, "out");
    uint64_t size;
    uint8_t actual[PANYA_HASH_SIZE];
    char actual_hex[PANYA_HASH_HEX_SIZE];
    bool found = false;
    if (out_path && panya_sha256_file(out_path, actual, &size, NULL) == 0) {
        panya_hash_to_hex(actual, actual_hex);
        found = size == result->bytes && strcmp(actual_hex, recorded) == 0;
    }
    free(out_path);
    return found;
}

char *transcode_cache_entry_path(const transcode_cache *cache, const char *key, bool record)
{
    return entry_path(cache, key, record ? "meta" : "out");
}

int transcode_cache_store(const transcode_cache *cache, const char *key, const char *profile,
                          const codec_result *result, panya_error *err)
{
    char *meta_path = entry_path(cache, key, "meta"), *out_path = entry_path(cache, key, "out");
    char *text = NULL;
    uint64_t size;
    uint8_t hash[PANYA_HASH_SIZE];
    char hex[PANYA_HASH_HEX_SIZE];
    int status = -1;
    if (!meta_path || !out_path) {
        panya_error_oom(err);
        goto out;
    }
    if (panya_sha256_file(out_path, hash, &size, err) != 0) {
        err->code = PANYA_ERR_OUTPUT; /* the cache, not an input, failed */
        panya_error_prefix(err, "cannot read the transcode back: ");
        goto out;
    }
    panya_hash_to_hex(hash, hex);
    int n = asprintf(&text,
                     "panya-cache 1\nkind %d\nmime %s\ncodecs %s\nwidth %d\nheight %d\n"
                     "bitrate %lld\nduration %.6f\nbytes %llu\nssim %.6f\ntarget %.4f\n"
                     "below-target %d\nat-ceiling %d\ncrf %d\nencodes %d\n"
                     "audio-content %s\naudio-kbps %d\nencoder %s\nsha256 %s\nprofile %s\n",
                     (int)result->kind, result->mime_type, result->codecs, result->width,
                     result->height, (long long)result->bitrate, result->duration,
                     (unsigned long long)size, result->ssim, result->target_ssim,
                     (int)result->below_target, (int)result->at_ceiling, result->crf,
                     result->encodes, result->audio_content, result->audio_kbps,
                     result->encoder_id, hex, profile);
    if (n < 0 || n > META_MAX) {
        text = NULL;
        panya_error_oom(err);
        goto out;
    }
    panya_output_file meta;
    if (panya_output_open(&meta, meta_path, err) != 0)
        goto out;
    if (panya_output_write(&meta, text, (size_t)n, err) != 0) {
        panya_output_abort(&meta);
        goto out;
    }
    status = panya_output_commit(&meta, err);
out:
    free(text);
    free(meta_path);
    free(out_path);
    return status;
}
