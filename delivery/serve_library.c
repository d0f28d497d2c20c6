/* The bundles `panya serve` serves: see serve_library.h. */
#include "delivery/serve_library.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* SCORM manifests and HTML launch pages are small; a bigger one is not read. */
#define LAUNCH_MANIFEST_LIMIT (4u * 1024 * 1024)

static int from_info(panya_error *err, const panya_error_info *info)
{
    return panya_error_set(err, info->status ? (int)info->status : PANYA_ERR_INTERNAL, "%s",
                           info->message);
}

const char *serve_title(const serve_titles *titles, const char *lang, const char *fallback)
{
    const char *t = panya_title(titles->items, titles->count, lang);
    if (!t)
        t = panya_title(titles->items, titles->count, strcmp(lang, "lo") == 0 ? "en" : "lo");
    if (!t && titles->count > 0)
        t = titles->items[0].text;
    return t ? t : fallback;
}

static int titles_from_manifest(serve_titles *out, const manifest_titles *in, panya_error *err)
{
    out->owned = calloc(in->count ? in->count : 1, sizeof *out->owned);
    if (!out->owned)
        return panya_error_oom(err);
    for (size_t i = 0; i < in->count; i++) {
        out->owned[i].lang = in->items[i].lang;
        out->owned[i].text = in->items[i].text;
    }
    out->items = out->owned;
    out->count = in->count;
    return 0;
}

panya_status serve_pack_find(serve_pack *pack, const char *path, const char *profile,
                             panya_file_info *info, panya_error_info *err)
{
    panya_status s = panya_find(pack->bundle, path, profile, info, err);
    if (s == PANYA_ERR_NOT_FOUND && profile)
        s = panya_find(pack->bundle, path, NULL, info, err);
    return s;
}

panya_status serve_pack_load(serve_pack *pack, const panya_file_info *info, uint64_t max,
                             uint8_t **data, panya_error_info *err)
{
    *data = NULL;
    if (info->size > max || info->size >= SIZE_MAX) {
        snprintf(err->message, sizeof err->message, "%s: %s: larger than %llu bytes",
                 pack->file, info->path, (unsigned long long)max);
        return err->status = PANYA_ERR_INVALID;
    }
    uint8_t *buf = malloc(info->size ? (size_t)info->size : 1);
    if (!buf) {
        snprintf(err->message, sizeof err->message, "out of memory");
        return err->status = PANYA_ERR_NOMEM;
    }
    size_t got = 0;
    panya_status s = panya_read(pack->bundle, info, 0, buf, (size_t)info->size, &got, err);
    if (s == PANYA_OK && got != info->size) {
        snprintf(err->message, sizeof err->message, "%s: %s: short read", pack->file,
                 info->path);
        s = err->status = PANYA_ERR_IO;
    }
    if (s != PANYA_OK) {
        free(buf);
        return s;
    }
    *data = buf;
    return PANYA_OK;
}

panya_status serve_pack_check_raw(serve_pack *pack, const panya_file_info *info,
                                  panya_error_info *err)
{
    atomic_uchar *state = info->object < pack->facts.object_count
                              ? &pack->object_state[info->object]
                              : NULL;
    unsigned char known = state ? atomic_load(state) : 0;
    if (known == 1)
        return PANYA_OK;
    if (known != 2) {
        /* Two threads may check the same object at once; both reach the same answer. */
        panya_status s = panya_verify_file(pack->bundle, info, err);
        if (s != PANYA_OK && s != PANYA_ERR_INVALID)
            return s; /* an I/O error: ask again next time */
        if (state)
            atomic_store(state, s == PANYA_OK ? 1 : 2);
        return s;
    }
    snprintf(err->message, sizeof err->message, "%s: %s: damaged (its bytes do not match "
             "their SHA-256)", pack->file, info->path);
    return err->status = PANYA_ERR_INVALID;
}

/* ---- launch files ------------------------------------------------------------------- */

static char *join_path(const char *folder, const char *name)
{
    char *out = NULL;
    if (asprintf(&out, "%s%s%s", folder, *folder ? "/" : "", name) < 0)
        return NULL;
    return out;
}

static int ends_with_html(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && strcasecmp(path + n - 5, ".html") == 0) ||
           (n > 4 && strcasecmp(path + n - 4, ".htm") == 0);
}

/* The first HTML page below folder (in path order: the shallowest "index" first is not
 * guaranteed, so index.html and index.htm are tried before). */
static char *find_html_launch(serve_pack *pack, const char *folder)
{
    static const char *const names[] = {"index.html", "index.htm"};
    panya_file_info info;
    panya_error_info e;
    for (size_t i = 0; i < 2; i++) {
        char *candidate = join_path(folder, names[i]);
        if (candidate && panya_find(pack->bundle, candidate, NULL, &info, &e) == PANYA_OK)
            return candidate;
        free(candidate);
    }
    size_t prefix = strlen(folder);
    for (uint64_t f = 0; f < pack->facts.file_count; f++) {
        if (panya_file_at(pack->bundle, (size_t)f, 0, &info, &e) != PANYA_OK)
            continue;
        if ((prefix == 0 || (strncmp(info.path, folder, prefix) == 0 &&
                             info.path[prefix] == '/')) &&
            ends_with_html(info.path))
            return strdup(info.path);
    }
    return NULL;
}

/* Strips "?query" and "#fragment": what is looked up in the bundle. */
static char *launch_file_of(const char *folder, const char *href)
{
    char *path = join_path(folder, href);
    if (path)
        path[strcspn(path, "?#")] = '\0';
    return path;
}

static int resolve_launch(serve_pack *pack, serve_item *item, panya_error *err)
{
    panya_file_info info;
    panya_error_info e;
    if (panya_find(pack->bundle, item->path, NULL, &info, &e) == PANYA_OK) {
        item->launch = strdup(item->path);
        return item->launch ? 0 : panya_error_oom(err);
    }
    if (strcmp(item->kind, "scorm") == 0) {
        char *manifest_path = join_path(item->path, "imsmanifest.xml");
        if (!manifest_path)
            return panya_error_oom(err);
        uint8_t *xml = NULL;
        if (panya_find(pack->bundle, manifest_path, NULL, &info, &e) == PANYA_OK &&
            serve_pack_load(pack, &info, LAUNCH_MANIFEST_LIMIT, &xml, &e) == PANYA_OK) {
            panya_error parse_err = {0};
            if (scorm_launch_read(xml, (size_t)info.size, manifest_path, &item->scos,
                                  &parse_err) == 0 &&
                item->scos.count > 0) {
                item->is_scorm = 1;
                item->launch = launch_file_of(item->path, item->scos.entries[0].href);
            }
            free(xml);
        }
        free(manifest_path);
        if (item->is_scorm)
            return item->launch ? 0 : panya_error_oom(err);
    }
    item->launch = find_html_launch(pack, item->path);
    return 0;
}

/* ---- the catalogue ------------------------------------------------------------------ */

/* Bytes of the files `item` uses, per profile (a file without that profile counts its
 * default variant, as the server sends it). */
static void add_item_sizes(const bundle_manifest *m, const manifest_item *item,
                           const char **profiles, size_t profile_count, uint64_t *sizes)
{
    for (size_t f = 0; f < m->file_count; f++) {
        const manifest_file *file = &m->files[f];
        if (!manifest_item_uses(item, file->path))
            continue;
        for (size_t p = 0; p < profile_count; p++) {
            const manifest_variant *v = manifest_file_variant(file, profiles[p]);
            if (!v)
                v = manifest_file_variant(file, NULL);
            sizes[p] += v ? v->size : 0;
        }
    }
}

/* Format 1.0: the catalogue from the XML manifest. */
static int catalogue_from_manifest(serve_pack *pack, panya_error *err)
{
    char *xml = NULL;
    size_t len = 0;
    panya_error_info e;
    if (panya_read_manifest(pack->bundle, &xml, &len, &e) != PANYA_OK)
        return from_info(err, &e);
    pack->manifest = bundle_manifest_read_xml((const uint8_t *)xml, len, pack->file, err);
    free(xml);
    if (!pack->manifest)
        return -1;
    bundle_manifest *m = pack->manifest;
    if (titles_from_manifest(&pack->titles, &m->titles, err) != 0)
        return -1;
    pack->courses = calloc(m->course_count ? m->course_count : 1, sizeof *pack->courses);
    if (!pack->courses)
        return panya_error_oom(err);
    pack->course_count = m->course_count;
    for (size_t c = 0; c < m->course_count; c++) {
        const manifest_course *mc = &m->courses[c];
        serve_course *course = &pack->courses[c];
        course->id = mc->id;
        if (titles_from_manifest(&course->titles, &mc->titles, err) != 0)
            return -1;
        course->lessons = calloc(mc->lesson_count ? mc->lesson_count : 1,
                                 sizeof *course->lessons);
        if (!course->lessons)
            return panya_error_oom(err);
        course->lesson_count = mc->lesson_count;
        for (size_t l = 0; l < mc->lesson_count; l++) {
            const manifest_lesson *ml = &mc->lessons[l];
            serve_lesson *lesson = &course->lessons[l];
            lesson->id = ml->id;
            lesson->items = calloc(ml->item_count ? ml->item_count : 1, sizeof *lesson->items);
            lesson->size_by_profile = calloc(pack->profile_count + 1, sizeof(uint64_t));
            if (!lesson->items || !lesson->size_by_profile ||
                titles_from_manifest(&lesson->titles, &ml->titles, err) != 0)
                return panya_error_oom(err);
            lesson->item_count = ml->item_count;
            for (size_t i = 0; i < ml->item_count; i++) {
                const manifest_item *mi = &ml->items[i];
                serve_item *item = &lesson->items[i];
                item->id = mi->id;
                item->kind = mi->kind;
                item->path = mi->path;
                if (titles_from_manifest(&item->titles, &mi->titles, err) != 0)
                    return -1;
                add_item_sizes(m, mi, pack->profiles, pack->profile_count,
                               lesson->size_by_profile);
            }
        }
    }
    return 0;
}

/* Format 1.1: the catalogue from the reader library. */
static int catalogue_from_library(serve_pack *pack, panya_error *err)
{
    pack->titles.items = pack->facts.titles;
    pack->titles.count = pack->facts.title_count;
    size_t courses = panya_course_count(pack->bundle);
    pack->courses = calloc(courses ? courses : 1, sizeof *pack->courses);
    if (!pack->courses)
        return panya_error_oom(err);
    pack->course_count = courses;
    for (size_t c = 0; c < courses; c++) {
        panya_course_info ci;
        if (panya_course(pack->bundle, c, &ci) != PANYA_OK)
            return panya_error_set(err, PANYA_ERR_INVALID, "%s: course %zu is unreadable",
                                   pack->file, c + 1);
        serve_course *course = &pack->courses[c];
        course->id = ci.id;
        course->titles.items = ci.titles;
        course->titles.count = ci.title_count;
        course->lessons = calloc(ci.lesson_count ? ci.lesson_count : 1, sizeof *course->lessons);
        if (!course->lessons)
            return panya_error_oom(err);
        course->lesson_count = ci.lesson_count;
        for (size_t l = 0; l < ci.lesson_count; l++) {
            panya_lesson_info li;
            if (panya_lesson(pack->bundle, c, l, &li) != PANYA_OK)
                return panya_error_set(err, PANYA_ERR_INVALID, "%s: lesson %zu of course "
                                       "'%s' is unreadable", pack->file, l + 1, ci.id);
            serve_lesson *lesson = &course->lessons[l];
            lesson->id = li.id;
            lesson->titles.items = li.titles;
            lesson->titles.count = li.title_count;
            lesson->items = calloc(li.item_count ? li.item_count : 1, sizeof *lesson->items);
            lesson->size_by_profile = calloc(pack->profile_count + 1, sizeof(uint64_t));
            if (!lesson->items || !lesson->size_by_profile)
                return panya_error_oom(err);
            for (size_t p = 0; p < li.profile_count && p < pack->profile_count; p++)
                lesson->size_by_profile[p] = li.size_by_profile[p];
            lesson->item_count = li.item_count;
            for (size_t i = 0; i < li.item_count; i++) {
                panya_item_info ii;
                if (panya_item(pack->bundle, c, l, i, &ii) != PANYA_OK)
                    return panya_error_set(err, PANYA_ERR_INVALID, "%s: item %zu of lesson "
                                           "'%s' is unreadable", pack->file, i + 1, li.id);
                serve_item *item = &lesson->items[i];
                item->id = ii.id;
                item->kind = ii.kind;
                item->path = ii.path;
                item->titles.items = ii.titles;
                item->titles.count = ii.title_count;
            }
        }
    }
    return 0;
}

static int resolve_all_launches(serve_pack *pack, panya_error *err)
{
    for (size_t c = 0; c < pack->course_count; c++)
        for (size_t l = 0; l < pack->courses[c].lesson_count; l++) {
            serve_lesson *lesson = &pack->courses[c].lessons[l];
            for (size_t i = 0; i < lesson->item_count; i++)
                if (resolve_launch(pack, &lesson->items[i], err) != 0)
                    return -1;
        }
    return 0;
}

/* ---- opening ------------------------------------------------------------------------ */

static char *key_for(const serve_library *lib, const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t len = strlen(base);
    if (len > 6 && strcmp(base + len - 6, ".panya") == 0)
        len -= 6;
    char *key = NULL;
    for (unsigned n = 1; n < 1000; n++) {
        free(key);
        if ((n == 1 ? asprintf(&key, "%.*s", (int)len, base)
                    : asprintf(&key, "%.*s-%u", (int)len, base, n)) < 0)
            return NULL;
        if (!serve_library_pack(lib, key, strlen(key)))
            return key;
    }
    free(key);
    return NULL;
}

static void pack_free(serve_pack *pack)
{
    for (size_t c = 0; c < pack->course_count; c++) {
        serve_course *course = &pack->courses[c];
        for (size_t l = 0; l < course->lesson_count; l++) {
            serve_lesson *lesson = &course->lessons[l];
            for (size_t i = 0; i < lesson->item_count; i++) {
                free(lesson->items[i].launch);
                free(lesson->items[i].titles.owned);
                scorm_launch_free(&lesson->items[i].scos);
            }
            free(lesson->items);
            free(lesson->titles.owned);
            free(lesson->size_by_profile);
        }
        free(course->lessons);
        free(course->titles.owned);
    }
    free(pack->courses);
    free(pack->titles.owned);
    free(pack->profiles);
    free(pack->object_state);
    bundle_manifest_free(pack->manifest);
    panya_close(pack->bundle);
    if (pack->fd >= 0)
        close(pack->fd);
    free(pack->key);
    free(pack->file);
    memset(pack, 0, sizeof *pack);
    pack->fd = -1;
}

static int pack_open(serve_library *lib, serve_pack *pack, const char *file, panya_error *err)
{
    memset(pack, 0, sizeof *pack);
    pack->fd = open(file, O_RDONLY | O_CLOEXEC);
    if (pack->fd < 0)
        return panya_error_errno(err, errno == ENOENT ? PANYA_ERR_USAGE : PANYA_ERR_IO, errno,
                                 "%s", file);
    pack->file = strdup(file);
    pack->key = key_for(lib, file);
    if (!pack->file || !pack->key)
        return panya_error_oom(err);
    panya_error_info e = {0};
    if (panya_open_fd(pack->fd, 0, 0, 0, &pack->bundle, &e) != PANYA_OK)
        return from_info(err, &e);
    panya_get_facts(pack->bundle, &pack->facts);
    pack->object_state = calloc(pack->facts.object_count + 1, sizeof *pack->object_state);
    pack->profile_count = panya_profile_count(pack->bundle);
    pack->profiles = calloc(pack->profile_count + 1, sizeof *pack->profiles);
    if (!pack->object_state || !pack->profiles)
        return panya_error_oom(err);
    for (size_t p = 0; p < pack->profile_count; p++)
        pack->profiles[p] = panya_profile_name(pack->bundle, p);
    int status = pack->facts.has_catalogue ? catalogue_from_library(pack, err)
                                           : catalogue_from_manifest(pack, err);
    if (status != 0)
        return -1;
    return resolve_all_launches(pack, err);
}

static int add_warning(serve_library *lib, const char *message)
{
    char **grown = realloc(lib->warnings, (lib->warning_count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    lib->warnings = grown;
    if (!(lib->warnings[lib->warning_count] = strdup(message)))
        return -1;
    lib->warning_count++;
    return 0;
}

/* Opens file as the next pack; in_folder: a failure is a warning, not an error. */
static int add_pack(serve_library *lib, const char *file, int in_folder, panya_error *err)
{
    serve_pack *grown = realloc(lib->packs, (lib->pack_count + 1) * sizeof *grown);
    if (!grown)
        return panya_error_oom(err);
    lib->packs = grown;
    serve_pack *pack = &lib->packs[lib->pack_count];
    panya_error local = {0};
    if (pack_open(lib, pack, file, &local) != 0) {
        pack_free(pack);
        if (!in_folder) {
            *err = local;
            return -1;
        }
        char line[sizeof local.message + 64];
        snprintf(line, sizeof line, "skipped: %s", local.message);
        return add_warning(lib, line) == 0 ? 0 : panya_error_oom(err);
    }
    lib->pack_count++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_folder(serve_library *lib, const char *folder, panya_error *err)
{
    DIR *dir = opendir(folder);
    if (!dir)
        return panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", folder);
    char **names = NULL;
    size_t count = 0;
    int status = 0;
    struct dirent *ent;
    while (status == 0 && (ent = readdir(dir))) {
        size_t len = strlen(ent->d_name);
        if (len <= 6 || ent->d_name[0] == '.' || strcmp(ent->d_name + len - 6, ".panya") != 0)
            continue;
        char **grown = realloc(names, (count + 1) * sizeof *grown);
        if (!grown || !(grown[count] = join_path(folder, ent->d_name))) {
            if (grown)
                names = grown;
            status = panya_error_oom(err);
            break;
        }
        names = grown;
        count++;
    }
    closedir(dir);
    if (status == 0 && count > 0)
        qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; status == 0 && i < count; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            status = add_pack(lib, names[i], 1, err);
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return status;
}

static int compare_hash_entries(const void *a, const void *b)
{
    return memcmp(((const serve_hash_entry *)a)->hash, ((const serve_hash_entry *)b)->hash,
                  PANYA_HASH_BYTES);
}

static int build_hash_table(serve_library *lib, panya_error *err)
{
    size_t total = 0;
    for (size_t p = 0; p < lib->pack_count; p++)
        for (uint64_t f = 0; f < lib->packs[p].facts.file_count; f++)
            total += panya_file_variant_count(lib->packs[p].bundle, (size_t)f);
    lib->by_hash = calloc(total ? total : 1, sizeof *lib->by_hash);
    if (!lib->by_hash)
        return panya_error_oom(err);
    for (size_t p = 0; p < lib->pack_count; p++) {
        serve_pack *pack = &lib->packs[p];
        for (uint64_t f = 0; f < pack->facts.file_count; f++) {
            size_t variants = panya_file_variant_count(pack->bundle, (size_t)f);
            for (size_t v = 0; v < variants; v++) {
                panya_file_info info;
                panya_error_info e;
                if (panya_file_at(pack->bundle, (size_t)f, v, &info, &e) != PANYA_OK)
                    continue;
                serve_hash_entry *h = &lib->by_hash[lib->hash_count++];
                memcpy(h->hash, info.sha256, PANYA_HASH_BYTES);
                h->pack = (uint32_t)p;
                h->file = (uint32_t)f;
                h->variant = (uint32_t)v;
            }
        }
    }
    qsort(lib->by_hash, lib->hash_count, sizeof *lib->by_hash, compare_hash_entries);
    return 0;
}

int serve_library_open(serve_library *lib, char *const *paths, size_t count, panya_error *err)
{
    memset(lib, 0, sizeof *lib);
    for (size_t i = 0; i < count; i++) {
        struct stat st;
        int status = stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)
                         ? add_folder(lib, paths[i], err)
                         : add_pack(lib, paths[i], 0, err);
        if (status != 0) {
            serve_library_close(lib);
            return -1;
        }
    }
    if (lib->pack_count == 0) {
        panya_error_set(err, PANYA_ERR_USAGE, "%s: no bundle (*.panya) to serve",
                        count ? paths[0] : "(nothing given)");
        serve_library_close(lib);
        return -1;
    }
    if (build_hash_table(lib, err) != 0) {
        serve_library_close(lib);
        return -1;
    }
    return 0;
}

void serve_library_close(serve_library *lib)
{
    for (size_t p = 0; p < lib->pack_count; p++)
        pack_free(&lib->packs[p]);
    free(lib->packs);
    free(lib->by_hash);
    for (size_t i = 0; i < lib->warning_count; i++)
        free(lib->warnings[i]);
    free(lib->warnings);
    memset(lib, 0, sizeof *lib);
}

serve_pack *serve_library_pack(const serve_library *lib, const char *key, size_t key_len)
{
    for (size_t p = 0; p < lib->pack_count; p++)
        if (strlen(lib->packs[p].key) == key_len &&
            memcmp(lib->packs[p].key, key, key_len) == 0)
            return &lib->packs[p];
    return NULL;
}

serve_pack *serve_library_find_hash(const serve_library *lib,
                                    const uint8_t hash[PANYA_HASH_BYTES],
                                    panya_file_info *info)
{
    serve_hash_entry probe;
    memcpy(probe.hash, hash, PANYA_HASH_BYTES);
    const serve_hash_entry *h = bsearch(&probe, lib->by_hash, lib->hash_count,
                                        sizeof *lib->by_hash, compare_hash_entries);
    if (!h)
        return NULL;
    serve_pack *pack = &lib->packs[h->pack];
    panya_error_info e;
    if (panya_file_at(pack->bundle, h->file, h->variant, info, &e) != PANYA_OK)
        return NULL;
    return pack;
}
