#include "delivery/card_copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/output_file.h"
#include "manifest/card_catalogue.h"
#include "delivery/bundle_open.h"
#include "delivery/bundle_verify.h"
#include "delivery/card_fs.h"

#define COPY_CHUNK (1u << 20)
#define CATALOGUE_ALLOWANCE (256u * 1024) /* room kept free for the catalogue file */
#define BUNDLE_SUFFIX ".panya"

typedef struct copy_source {
    const char *path;
    const char *name; /* file name on the card (points into path) */
    uint64_t size;
    pthread_mutex_t lock; /* guards the lazily computed hash, shared by the cards */
    bool hashed;
    int hash_status;
    panya_error hash_err;
    uint8_t hash[PANYA_HASH_SIZE];
} copy_source;

typedef struct card_task {
    copy_source *sources;
    size_t source_count;
    const card_copy_options *options;
    size_t index;
    const char *dest;
    card_result *result;
    card_fs_info fs;
    const char *bundle; /* name of the bundle in progress, for the progress callback */
    card_phase phase;
    uint64_t total;
} card_task;

static char *join_path(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "%s/%s", dir, name);
    return path;
}

static void report(card_task *t, card_phase phase, uint64_t done, uint64_t total)
{
    t->phase = phase;
    t->total = total;
    if (!t->options->progress)
        return;
    card_progress p = {t->index, t->bundle, phase, done, total};
    t->options->progress(t->options->progress_ctx, &p);
}

static void report_bytes(void *ctx, uint64_t done)
{
    card_task *t = ctx;
    report(t, t->phase, done, t->total);
}

/* Records the card's first failure. */
static void card_fail(card_task *t, const panya_error *e)
{
    if (t->result->status != PANYA_OK)
        return;
    t->result->status = e->code ? e->code : PANYA_ERR_INTERNAL;
    t->result->err = *e;
}

/* The source's whole-file hash, computed once for all cards that need it. */
static int source_hash(copy_source *s, uint8_t hash[PANYA_HASH_SIZE], panya_error *err)
{
    pthread_mutex_lock(&s->lock);
    if (!s->hashed) {
        uint64_t length;
        s->hash_status = card_fs_hash_file(s->path, false, s->hash, &length, NULL, NULL,
                                           &s->hash_err);
        if (s->hash_status == 0 && length != s->size)
            s->hash_status = panya_error_set(&s->hash_err, PANYA_ERR_INVALID,
                                             "%s: changed while it was being copied", s->path);
        s->hashed = true;
    }
    int status = s->hash_status;
    if (status == 0)
        memcpy(hash, s->hash, PANYA_HASH_SIZE);
    else
        *err = s->hash_err;
    pthread_mutex_unlock(&s->lock);
    return status;
}

/* Removes what interrupted copies left on the card (temporaries no live copy holds), before
 * the free space is measured: they are not the card's to keep. */
static int remove_stale_temps(card_task *t, char **final_paths)
{
    char *catalogue = join_path(t->dest, CARD_CATALOGUE_FILE);
    if (!catalogue)
        return -1;
    t->result->stale_removed += panya_output_sweep_stale(catalogue, NULL);
    for (size_t i = 0; i < t->source_count; i++)
        t->result->stale_removed += panya_output_sweep_stale(final_paths[i], NULL);
    free(catalogue);
    return 0;
}

enum existing { EXISTING_NONE, EXISTING_IDENTICAL, EXISTING_DIFFERENT, EXISTING_OTHER_BUNDLE };

/* True when the file at path is a whole bundle (every check of `verify` passes): a copy
 * that differs from the source is then another bundle, not a damaged copy. */
static bool is_whole_bundle(const char *path)
{
    panya_error ignored = {0};
    panya_bundle *b = bundle_open_path(path, 0, &ignored);
    if (!b)
        return false;
    verify_report v;
    int status = bundle_verify(b, path, &v, &ignored);
    verify_report_free(&v);
    panya_close(b);
    return status == 0;
}

/* Compares a copy already on the card with the source, reading it back from the card. */
static int existing_copy(card_task *t, copy_source *s, const char *final_path,
                         enum existing *state, panya_error *err)
{
    struct stat st;
    *state = EXISTING_NONE;
    if (lstat(final_path, &st) != 0)
        return errno == ENOENT ? 0 : panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s",
                                                       final_path);
    if (!S_ISREG(st.st_mode))
        return panya_error_set(err, PANYA_ERR_OUTPUT,
                               "%s: exists and is not a regular file: not replacing it",
                               final_path);
    *state = EXISTING_DIFFERENT;
    if ((uint64_t)st.st_size != s->size)
        return 0;
    uint8_t wanted[PANYA_HASH_SIZE], found[PANYA_HASH_SIZE];
    if (source_hash(s, wanted, err) != 0)
        return -1;
    report(t, CARD_PHASE_CHECKING, 0, s->size);
    uint64_t length;
    panya_error unreadable = {0}; /* an unreadable copy is simply replaced */
    if (card_fs_hash_file(final_path, true, found, &length, report_bytes, t, &unreadable) == 0 &&
        length == s->size && memcmp(wanted, found, PANYA_HASH_SIZE) == 0)
        *state = EXISTING_IDENTICAL;
    return 0;
}

/* Refines EXISTING_DIFFERENT: a damaged or partial copy, or another whole bundle. */
static void classify_different(card_task *t, const char *final_path, enum existing *state)
{
    if (*state == EXISTING_DIFFERENT) {
        report(t, CARD_PHASE_CHECKING, 0, 0);
        if (is_whole_bundle(final_path))
            *state = EXISTING_OTHER_BUNDLE;
    }
}

/* Checks the copy at temp_path: the whole file as the card returns it must hash like the
 * bytes written, then every object must match its hash (which, the bytes being the
 * source's, tells a damaged source apart from a lying card). */
static int check_copy(card_task *t, copy_source *s, const char *temp_path, const char *final_path,
                      const uint8_t written_hash[PANYA_HASH_SIZE], panya_error *err)
{
    uint8_t card_hash[PANYA_HASH_SIZE];
    uint64_t length;
    report(t, CARD_PHASE_READING_BACK, 0, s->size);
    int fd = open(temp_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return panya_error_errno(err, PANYA_ERR_READBACK, errno,
                                 "%s: cannot open the copy to read it back", final_path);
    if (card_fs_hash_fd(fd, final_path, true, card_hash, &length, report_bytes, t, err) != 0) {
        close(fd);
        return -1;
    }
    if (length != s->size || memcmp(card_hash, written_hash, PANYA_HASH_SIZE) != 0) {
        close(fd);
        return panya_error_set(err, PANYA_ERR_READBACK,
                               "%s: the card returned different data: it may be counterfeit or "
                               "failing (the copy was removed)", final_path);
    }
    /* The objects are checked through the same descriptor, from the pages just read back. */
    report(t, CARD_PHASE_VERIFYING, 0, s->size);
    panya_bundle *b = bundle_open_descriptor(fd, s->path, err);
    if (!b) {
        close(fd);
        panya_error_prefix(err, "%s is not a whole bundle: ", s->path);
        return -1;
    }
    verify_report v;
    int status = bundle_verify(b, s->path, &v, err);
    panya_close(b);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
    if (status == 1) {
        char why[2100];
        verify_report_describe(&v, why, sizeof why);
        panya_error_set(err, PANYA_ERR_INVALID,
                        "%s is damaged (%s): not copied; see 'panya verify %s'", s->path, why,
                        s->path);
    }
    verify_report_free(&v);
    return status == 0 ? 0 : -1;
}

/* Streams the source to a temporary file on the card, fsyncs it, checks it and renames it. */
static int write_bundle(card_task *t, copy_source *s, const char *final_path, panya_error *err)
{
    int in = open(s->path, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", s->path);
    panya_output_file out;
    uint8_t *buf = malloc(COPY_CHUNK);
    panya_sha256 ctx;
    if (!buf || panya_sha256_init(&ctx) != 0) {
        free(buf);
        close(in);
        return panya_error_oom(err);
    }
    if (panya_output_open(&out, final_path, err) != 0) {
        panya_sha256_discard(&ctx);
        free(buf);
        close(in);
        return -1;
    }
    report(t, CARD_PHASE_WRITING, 0, s->size);
    int status = 0;
    for (;;) {
        ssize_t n = read(in, buf, COPY_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            status = panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s: read failed", s->path);
        if (n <= 0)
            break;
        panya_sha256_update(&ctx, buf, (size_t)n);
        if ((status = panya_output_write(&out, buf, (size_t)n, err)) != 0) {
            /* Some drivers say EPERM or EIO when full; say what is likely, and that the
             * temporary file goes away. */
            if (out.write_errno == ENOSPC || out.write_errno == EDQUOT)
                panya_error_set(err, PANYA_ERR_OUTPUT,
                                "%s: the card is full (%llu of %llu bytes written; the partial "
                                "copy was removed)", final_path,
                                (unsigned long long)out.written, (unsigned long long)s->size);
            else
                panya_error_errno(err, PANYA_ERR_OUTPUT, out.write_errno,
                                  "%s: the card refuses writes, or is full (%llu of %llu "
                                  "bytes written; the partial copy was removed)", final_path,
                                  (unsigned long long)out.written,
                                  (unsigned long long)s->size);
            break;
        }
        report(t, CARD_PHASE_WRITING, out.written, s->size);
    }
    uint8_t written_hash[PANYA_HASH_SIZE];
    panya_sha256_final(&ctx, written_hash);
    free(buf);
    close(in);
    if (status == 0 && out.written != s->size)
        status = panya_error_set(err, PANYA_ERR_INVALID, "%s: changed while it was being copied",
                                 s->path);
    if (status == 0 && fsync(out.fd) != 0)
        status = panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s: cannot sync to the card",
                                   final_path);
    t->result->bytes_written += out.written;
    if (status == 0)
        status = check_copy(t, s, out.temp_path, final_path, written_hash, err);
    if (status != 0) {
        panya_output_abort(&out);
        return -1;
    }
    return panya_output_commit(&out, err);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the bundle files at the top of the card, sorted. */
static int list_bundles(const char *dest, char ***names, size_t *count, panya_error *err)
{
    *names = NULL;
    *count = 0;
    DIR *dir = opendir(dest);
    if (!dir)
        return panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", dest);
    struct dirent *entry;
    size_t suffix = strlen(BUNDLE_SUFFIX);
    while ((entry = readdir(dir))) {
        size_t len = strlen(entry->d_name);
        struct stat st;
        if (entry->d_name[0] == '.' || len <= suffix ||
            strcmp(entry->d_name + len - suffix, BUNDLE_SUFFIX) != 0 ||
            fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        char **grown = realloc(*names, (*count + 1) * sizeof *grown);
        if (!grown || !(grown[*count] = strdup(entry->d_name))) {
            if (grown)
                *names = grown;
            closedir(dir);
            return panya_error_oom(err);
        }
        *names = grown;
        (*count)++;
    }
    closedir(dir);
    if (*count) /* qsort(NULL, 0, ...) is undefined behaviour */
        qsort(*names, *count, sizeof **names, compare_names);
    return 0;
}

typedef struct catalogue_entry {
    bundle_manifest *manifest;
    char signer[PANYA_KEY_ID_CHARS];
} catalogue_entry;

/* Reads one pack on the card for the catalogue; returns false when it cannot be read. */
static bool describe_pack(const char *path, const char *name, uint64_t *size,
                          catalogue_entry *entry, card_catalogue_pack *pack)
{
    panya_error ignored = {0};
    panya_bundle *b = bundle_open_path(path, 0, &ignored);
    if (!b)
        return false;
    entry->manifest = bundle_load_manifest(b, path, &ignored);
    panya_facts facts;
    panya_get_facts(b, &facts);
    memcpy(entry->signer, facts.key_id, sizeof entry->signer);
    int signed_status = facts.key_id[0] ? 1 : 0;
    *size = facts.bundle_size;
    panya_close(b);
    if (!entry->manifest)
        return false;
    const bundle_manifest *m = entry->manifest;
    uint64_t lessons = 0;
    for (size_t c = 0; c < m->course_count; c++)
        lessons += m->courses[c].lesson_count;
    *pack = (card_catalogue_pack){.file = name, .size = *size, .id = m->id,
                                  .version = m->version, .titles = &m->titles,
                                  .lesson_count = lessons,
                                  .signer = signed_status == 1 ? entry->signer : NULL};
    return true;
}

/* Rewrites the card catalogue from the readable packs on the card. */
static int write_catalogue(const char *dest, panya_error *err)
{
    char **names;
    size_t count;
    if (list_bundles(dest, &names, &count, err) != 0)
        return -1;
    catalogue_entry *entries = calloc(count ? count : 1, sizeof *entries);
    card_catalogue_pack *packs = calloc(count ? count : 1, sizeof *packs);
    char *catalogue_path = join_path(dest, CARD_CATALOGUE_FILE);
    uint8_t *xml = NULL;
    size_t xml_len = 0, described = 0;
    int status = -1;
    if (!entries || !packs || !catalogue_path) {
        panya_error_oom(err);
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        char *path = join_path(dest, names[i]);
        uint64_t size;
        if (!path) {
            panya_error_oom(err);
            goto done;
        }
        if (describe_pack(path, names[i], &size, &entries[described], &packs[described]))
            described++;
        free(path);
    }
    panya_output_file out;
    if (card_catalogue_write_xml(packs, described, &xml, &xml_len, err) != 0 ||
        panya_output_open(&out, catalogue_path, err) != 0)
        goto done;
    if (panya_output_write(&out, xml, xml_len, err) != 0) {
        panya_output_abort(&out);
        goto done;
    }
    status = panya_output_commit(&out, err);
done:
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    for (size_t i = 0; entries && i < described; i++)
        bundle_manifest_free(entries[i].manifest);
    free(names);
    free(entries);
    free(packs);
    free(catalogue_path);
    free(xml);
    return status;
}

/* Decides what each bundle needs on this card; fills todo[] (what to write) and the bytes
 * needed. Returns 0, or -1 when the card cannot be used at all. */
static int plan_card(card_task *t, char **final_paths, enum existing *todo, panya_error *err)
{
    card_result *res = t->result;
    for (size_t i = 0; i < t->source_count; i++) {
        copy_source *s = &t->sources[i];
        t->bundle = s->name;
        todo[i] = EXISTING_IDENTICAL; /* nothing to write unless decided below */
        if (t->fs.fat && s->size > CARD_FAT_MAX_FILE_SIZE) {
            panya_error refused = {0};
            panya_error_set(&refused, PANYA_ERR_OUTPUT,
                            "%s: %s is %llu bytes, but a FAT32 card cannot hold a file over "
                            "4 GiB - 1: split it into parts (panya pack ... --split 4G)",
                            t->dest, s->name, (unsigned long long)s->size);
            card_fail(t, &refused);
            continue;
        }
        enum existing state;
        if (existing_copy(t, s, final_paths[i], &state, err) != 0)
            return -1;
        if (state == EXISTING_IDENTICAL) {
            res->skipped++;
            report(t, CARD_PHASE_BUNDLE_DONE, s->size, s->size);
            continue;
        }
        classify_different(t, final_paths[i], &state);
        if (state == EXISTING_OTHER_BUNDLE && !t->options->replace) {
            panya_error refused = {0};
            panya_error_set(&refused, PANYA_ERR_USAGE,
                            "%s already holds a different bundle named %s (another pack or "
                            "version): not replaced; add --replace to replace it",
                            t->dest, s->name);
            card_fail(t, &refused);
            continue;
        }
        todo[i] = state;
        res->needed_bytes += card_fs_allocated(&t->fs, s->size);
    }
    if (res->needed_bytes)
        res->needed_bytes += card_fs_allocated(&t->fs, CATALOGUE_ALLOWANCE);
    if (t->fs.free_known && res->needed_bytes > t->fs.free_bytes)
        return panya_error_set(err, PANYA_ERR_OUTPUT,
                               "%s: not enough free space: the copy needs %llu bytes but the "
                               "card has %llu free; nothing was copied", t->dest,
                               (unsigned long long)res->needed_bytes,
                               (unsigned long long)t->fs.free_bytes);
    return 0;
}

static bool catalogue_present(const char *dest)
{
    char *path = join_path(dest, CARD_CATALOGUE_FILE);
    struct stat st;
    bool present = path && stat(path, &st) == 0;
    free(path);
    return present;
}

static void *run_card(void *arg)
{
    card_task *t = arg;
    card_result *res = t->result;
    panya_error err = {0};
    bool probed = false;
    char **final_paths = calloc(t->source_count, sizeof *final_paths);
    enum existing *todo = calloc(t->source_count, sizeof *todo);
    if (!final_paths || !todo) {
        panya_error_oom(&err);
        goto done;
    }
    for (size_t i = 0; i < t->source_count; i++)
        if (!(final_paths[i] = join_path(t->dest, t->sources[i].name))) {
            panya_error_oom(&err);
            goto done;
        }
    if (remove_stale_temps(t, final_paths) != 0) {
        panya_error_oom(&err);
        goto done;
    }
    if (card_fs_probe(t->dest, &t->fs, &err) != 0)
        goto done;
    probed = res->probed = true;
    res->fat = t->fs.fat;
    res->free_space_known = t->fs.free_known;
    res->free_bytes = t->fs.free_bytes;
    if (plan_card(t, final_paths, todo, &err) != 0)
        goto done;
    for (size_t i = 0; i < t->source_count; i++) {
        copy_source *s = &t->sources[i];
        if (todo[i] == EXISTING_IDENTICAL)
            continue;
        t->bundle = s->name;
        if (write_bundle(t, s, final_paths[i], &err) != 0)
            goto done; /* a full, failing or lying card: stop writing to it */
        if (todo[i] == EXISTING_DIFFERENT || todo[i] == EXISTING_OTHER_BUNDLE)
            res->replaced++;
        else
            res->copied++;
        report(t, CARD_PHASE_BUNDLE_DONE, s->size, s->size);
    }
done:
    if (err.code)
        card_fail(t, &err);
    /* The catalogue lists what the card holds now, even after a failure; a card that got
     * nothing new keeps its catalogue, unless it has none yet for the packs it holds. */
    panya_error catalogue_err = {0};
    if (probed && (res->copied + res->replaced > 0 ||
                   (res->skipped > 0 && !catalogue_present(t->dest))) &&
        write_catalogue(t->dest, &catalogue_err) != 0)
        card_fail(t, &catalogue_err);
    for (size_t i = 0; final_paths && i < t->source_count; i++)
        free(final_paths[i]);
    free(final_paths);
    free(todo);
    return NULL;
}

/* Checks a source before any card is touched: a readable bundle with a readable manifest
 * (parsing it here, on the main thread, also initialises libxml2 before the threads). */
static int prepare_source(copy_source *s, const char *path, panya_error *err)
{
    s->path = path;
    const char *slash = strrchr(path, '/');
    s->name = slash ? slash + 1 : path;
    panya_bundle *b = bundle_open_path(path, 0, err);
    if (!b)
        return -1;
    panya_facts facts;
    panya_get_facts(b, &facts);
    s->size = facts.bundle_size;
    bundle_manifest *m = bundle_load_manifest(b, path, err);
    /* The footer's structure as `verify` checks it: a copy must not earn an OK that
     * verify would refuse (the objects themselves are checked on the card). */
    int status = m ? bundle_signature_intact(b, path, err) : -1;
    panya_close(b);
    if (!m)
        return -1;
    bundle_manifest_free(m);
    if (status != 0)
        return -1;
    if (!*s->name || strcmp(s->name, CARD_CATALOGUE_FILE) == 0)
        return panya_error_set(err, PANYA_ERR_USAGE, "%s: not a usable file name", path);
    return 0;
}

int card_copy(const char *const *bundles, size_t bundle_count, const char *const *dests,
              size_t dest_count, const card_copy_options *options, card_result *results,
              panya_error *err)
{
    copy_source *sources = calloc(bundle_count ? bundle_count : 1, sizeof *sources);
    card_task *tasks = calloc(dest_count ? dest_count : 1, sizeof *tasks);
    pthread_t *threads = calloc(dest_count ? dest_count : 1, sizeof *threads);
    static const card_copy_options no_options = {0};
    size_t prepared = 0, started = 0;
    int status = -1;
    if (!options)
        options = &no_options;
    if (!sources || !tasks || !threads) {
        panya_error_oom(err);
        goto done;
    }
    for (; prepared < bundle_count; prepared++) {
        pthread_mutex_init(&sources[prepared].lock, NULL);
        if (prepare_source(&sources[prepared], bundles[prepared], err) != 0) {
            prepared++;
            goto done;
        }
        for (size_t j = 0; j < prepared; j++) {
            if (strcmp(sources[j].name, sources[prepared].name) == 0) {
                panya_error_set(err, PANYA_ERR_USAGE, "%s and %s have the same file name",
                                sources[j].path, sources[prepared].path);
                prepared++;
                goto done;
            }
            if (strcasecmp(sources[j].name, sources[prepared].name) == 0) {
                panya_error_set(err, PANYA_ERR_USAGE,
                                "%s and %s have names that differ only in case: a FAT or "
                                "exFAT card holds one of them only; rename one",
                                sources[j].path, sources[prepared].path);
                prepared++;
                goto done;
            }
        }
    }
    for (size_t i = 0; i < dest_count; i++) {
        struct stat st;
        if (stat(dests[i], &st) != 0) {
            panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s: cannot use it as a card "
                              "folder", dests[i]);
            goto done;
        }
        if (!S_ISDIR(st.st_mode)) {
            panya_error_set(err, PANYA_ERR_USAGE, "%s: not a folder (give the card's mount "
                            "point or a folder on it)", dests[i]);
            goto done;
        }
    }
    for (; started < dest_count; started++) {
        memset(&results[started], 0, sizeof results[started]);
        tasks[started] = (card_task){.sources = sources, .source_count = bundle_count,
                                     .options = options, .index = started,
                                     .dest = dests[started], .result = &results[started]};
        if (pthread_create(&threads[started], NULL, run_card, &tasks[started]) != 0) {
            panya_error_set(err, PANYA_ERR_INTERNAL, "cannot start a copy thread");
            break;
        }
    }
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (started == dest_count) {
        status = 0;
        for (size_t i = 0; i < dest_count; i++)
            if (results[i].status != PANYA_OK)
                status = 1;
    }
done:
    for (size_t i = 0; i < prepared; i++)
        pthread_mutex_destroy(&sources[i].lock);
    free(sources);
    free(tasks);
    free(threads);
    return status;
}
