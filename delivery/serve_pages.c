/* Pages of `panya serve`: see serve_pages.h. */
#include "delivery/serve_pages.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "delivery/serve_http.h"

/* A growing string; `failed` sticks once memory ran out. */
typedef struct page {
    char *text;
    size_t len, cap;
    bool failed;
} page;

static void add_bytes(page *p, const char *s, size_t n)
{
    if (p->failed)
        return;
    if (p->len + n + 1 > p->cap) {
        size_t cap = p->cap ? p->cap : 4096;
        while (cap < p->len + n + 1)
            cap *= 2;
        char *grown = realloc(p->text, cap);
        if (!grown) {
            p->failed = true;
            return;
        }
        p->text = grown;
        p->cap = cap;
    }
    memcpy(p->text + p->len, s, n);
    p->len += n;
    p->text[p->len] = '\0';
}

static void add(page *p, const char *s)
{
    add_bytes(p, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void addf(page *p, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        p->failed = true;
    else
        add_bytes(p, buf, (size_t)n);
}

/* Text and attribute values: & < > " ' escaped. */
static void add_escaped(page *p, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': add(p, "&amp;"); break;
        case '<': add(p, "&lt;"); break;
        case '>': add(p, "&gt;"); break;
        case '"': add(p, "&quot;"); break;
        case '\'': add(p, "&#39;"); break;
        default: add_bytes(p, s, 1);
        }
    }
}

/* A path inside a URL, percent-encoded (and so safe in an attribute). */
static void add_url_path(page *p, const char *path)
{
    char *escaped = serve_url_escape(path);
    if (!escaped) {
        p->failed = true;
        return;
    }
    add(p, escaped);
    free(escaped);
}

static char *finish(page *p, size_t *len)
{
    if (p->failed) {
        free(p->text);
        return NULL;
    }
    *len = p->len;
    return p->text;
}

static void human_size(char *out, size_t cap, uint64_t bytes)
{
    if (bytes < 1000)
        snprintf(out, cap, "%llu B", (unsigned long long)bytes);
    else if (bytes < 1000 * 1000)
        snprintf(out, cap, "%.0f kB", (double)bytes / 1e3);
    else if (bytes < 1000ull * 1000 * 1000)
        snprintf(out, cap, "%.1f MB", (double)bytes / 1e6);
    else
        snprintf(out, cap, "%.2f GB", (double)bytes / 1e9);
}

/* Lao title, then the English one beside it when it differs. */
static void add_titles(page *p, const serve_titles *titles, const char *fallback)
{
    const char *lo = panya_title(titles->items, titles->count, "lo");
    const char *en = panya_title(titles->items, titles->count, "en");
    if (!lo && !en)
        lo = serve_title(titles, "lo", fallback);
    if (lo)
        add(p, "<span lang=\"lo\">"), add_escaped(p, lo), add(p, "</span>");
    if (en && (!lo || strcmp(en, lo) != 0)) {
        add(p, lo ? " <span lang=\"en\" class=\"en\">" : "<span lang=\"en\">");
        add_escaped(p, en);
        add(p, "</span>");
    }
}

static const char style[] =
    "<style>"
    "body{margin:0 auto;max-width:40rem;padding:0 .75rem 2rem;font:16px/1.5 \"Noto Sans Lao\","
    "\"Phetsarath OT\",\"Saysettha OT\",sans-serif;color:#1d1d1b;background:#fbfaf7}"
    "h1{font-size:1.35rem;margin:.8rem 0 .3rem}h2{font-size:1.15rem;margin:1.2rem 0 .2rem}"
    "h3{display:inline;font-size:1rem}.en{color:#5b5b57;font-size:.9em}"
    "a{color:#0b5394}ol{padding-left:1.4rem;margin:.3rem 0}li{margin:.45rem 0}"
    "small,.meta{color:#5b5b57;font-size:.85rem}summary{cursor:pointer;padding:.3rem 0}"
    "form{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}"
    "button{font:inherit;padding:.35rem .7rem;border:1px solid #888;border-radius:.4rem;"
    "background:#fff}button[aria-pressed=true]{background:#0b5394;color:#fff;border-color:"
    "#0b5394}section{border-top:1px solid #ddd}"
    "</style>";

static void page_head(page *p, const char *title)
{
    add(p, "<!DOCTYPE html>\n<html lang=\"lo\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
    add_escaped(p, title);
    add(p, "</title>");
    add(p, style);
    add(p, "</head><body>");
}

/* The URL a lesson item opens at, for a device using `profile`. */
static void add_item_link(page *p, serve_pack *pack, const serve_item *item, size_t c, size_t l,
                          size_t i, const char *profile)
{
    if (item->is_scorm) {
        add(p, "/scorm/");
        add_url_path(p, pack->key);
        addf(p, "/%zu/%zu/%zu/0", c, l, i);
        return;
    }
    panya_file_info info;
    panya_error_info e;
    bool page_like = strcmp(item->kind, "html") == 0 ||
                     (serve_pack_find(pack, item->launch, profile, &info, &e) == PANYA_OK &&
                      strcmp(info.mime, "text/html") == 0);
    if (!page_like && serve_pack_find(pack, item->launch, profile, &info, &e) == PANYA_OK) {
        /* Media and documents: the content-addressed URL of this profile's variant. */
        char hex[PANYA_HASH_HEX_SIZE];
        panya_hash_to_hex(info.sha256, hex);
        const char *base = strrchr(item->launch, '/');
        add(p, "/o/");
        add(p, hex);
        add(p, "/");
        add_url_path(p, base ? base + 1 : item->launch);
        return;
    }
    add(p, "/p/");
    add_url_path(p, pack->key);
    add(p, "/");
    add_url_path(p, item->launch);
}

static const char *kind_label(const char *kind)
{
    static const char *const labels[][2] = {
        {"video", "ວິດີໂອ · video"},     {"audio", "ສຽງ · audio"},
        {"image", "ຮູບ · image"},        {"document", "ເອກະສານ · document"},
        {"html", "ບົດຮຽນ · page"},       {"scorm", "ບົດຮຽນ SCORM · SCORM lesson"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(kind, labels[i][0]) == 0)
            return labels[i][1];
    return kind;
}

/* "small 75 kB · low 36 kB": the sizes of the profiles a device can pick (all profiles when
 * the pack has neither). */
static void add_sizes(page *p, const serve_pack *pack, const uint64_t *sizes)
{
    bool any_choice = false;
    for (size_t k = 0; k < pack->profile_count; k++)
        any_choice |= serve_profile_is_choice(pack->profiles[k]);
    bool first = true;
    for (size_t k = 0; k < pack->profile_count; k++) {
        if (any_choice && !serve_profile_is_choice(pack->profiles[k]))
            continue;
        char size[32];
        human_size(size, sizeof size, sizes[k]);
        addf(p, "%s%s %s", first ? "" : " · ", pack->profiles[k], size);
        first = false;
    }
}

/* A pack without courses (a plain folder packed as it is): its pages and media, by path. */
#define LOOSE_FILE_LIMIT 500

static void add_loose_files(page *p, serve_pack *pack, const char *profile)
{
    add(p, "<details open><summary><h3>ໄຟລ໌ <span lang=\"en\" class=\"en\">Files</span></h3>"
           "</summary><ol>");
    size_t shown = 0;
    for (uint64_t f = 0; f < pack->facts.file_count && shown < LOOSE_FILE_LIMIT; f++) {
        panya_file_info info;
        panya_error_info e;
        if (panya_file_at(pack->bundle, (size_t)f, 0, &info, &e) != PANYA_OK)
            continue;
        bool html = strcmp(info.mime, "text/html") == 0;
        bool media = strncmp(info.mime, "video/", 6) == 0 ||
                     strncmp(info.mime, "audio/", 6) == 0 ||
                     strcmp(info.mime, "application/pdf") == 0;
        if (!html && !media)
            continue;
        serve_item item = {.id = info.path, .kind = html ? "html" : "document",
                           .path = info.path, .launch = (char *)info.path};
        add(p, "<li><a href=\"");
        add_item_link(p, pack, &item, 0, 0, 0, profile);
        add(p, "\">");
        add_escaped(p, info.path);
        add(p, "</a></li>");
        shown++;
    }
    add(p, "</ol></details>");
}

static void add_pack(page *p, serve_pack *pack, const char *profile)
{
    add(p, "<section><h2>");
    add_titles(p, &pack->titles, pack->key);
    add(p, "</h2><p class=\"meta\">");
    char size[32];
    human_size(size, sizeof size, pack->facts.bundle_size);
    add_escaped(p, pack->key);
    add(p, ".panya · ");
    add(p, size);
    if (pack->facts.part_count)
        addf(p, " · ພາກ <span lang=\"en\">part</span> %u/%u", pack->facts.part_number,
             pack->facts.part_count);
    add(p, "</p>");
    if (pack->course_count == 0)
        add_loose_files(p, pack, profile);
    for (size_t c = 0; c < pack->course_count; c++) {
        const serve_course *course = &pack->courses[c];
        add(p, "<details open><summary><h3>");
        add_titles(p, &course->titles, course->id);
        addf(p, "</h3> <small>(%zu)</small></summary><ol>", course->lesson_count);
        for (size_t l = 0; l < course->lesson_count; l++) {
            const serve_lesson *lesson = &course->lessons[l];
            add(p, "<li>");
            const serve_item *first = NULL;
            size_t first_index = 0;
            for (size_t i = 0; i < lesson->item_count && !first; i++)
                if (lesson->items[i].launch)
                    first = &lesson->items[i], first_index = i;
            if (first) {
                add(p, "<a href=\"");
                add_item_link(p, pack, first, c, l, first_index, profile);
                add(p, "\">");
            }
            add_titles(p, &lesson->titles, lesson->id);
            add(p, first ? "</a>" : "");
            add(p, "<br><small>");
            if (first)
                add(p, kind_label(first->kind)), add(p, " · ");
            add_sizes(p, pack, lesson->size_by_profile);
            add(p, "</small>");
            for (size_t i = 0; i < lesson->item_count; i++) {
                const serve_item *item = &lesson->items[i];
                if (item == first || !item->launch)
                    continue;
                add(p, "<br><a href=\"");
                add_item_link(p, pack, item, c, l, i, profile);
                add(p, "\">");
                add_titles(p, &item->titles, item->id);
                add(p, "</a> <small>");
                add(p, kind_label(item->kind));
                add(p, "</small>");
            }
            add(p, "</li>");
        }
        add(p, "</ol></details>");
    }
    add(p, "</section>");
}

char *serve_page_catalogue(const serve_library *lib, const char *profile, size_t *len)
{
    page p = {0};
    page_head(&p, "ບົດຮຽນ · Lessons");
    add(&p, "<header><h1>ບົດຮຽນ <span lang=\"en\" class=\"en\">Lessons</span></h1>"
            "<form action=\"/_panya/profile\" method=\"get\">"
            "<span>ຂະໜາດວິດີໂອ <span lang=\"en\" class=\"en\">Video size</span>:</span>");
    bool low = profile && strcmp(profile, "low") == 0;
    addf(&p, "<button name=\"use\" value=\"small\" aria-pressed=\"%s\">ປົກກະຕິ "
             "<span lang=\"en\">normal</span></button>", low ? "false" : "true");
    addf(&p, "<button name=\"use\" value=\"low\" aria-pressed=\"%s\">ປະຫຍັດເນັດ "
             "<span lang=\"en\">save data</span></button>", low ? "true" : "false");
    add(&p, "</form></header><main>");
    for (size_t k = 0; k < lib->pack_count; k++)
        add_pack(&p, &lib->packs[k], profile);
    add(&p, "</main></body></html>\n");
    return finish(&p, len);
}

/* The runtime glue: creates both SCORM APIs before the lesson loads, restores what this
 * device stored for the lesson, stores every value the lesson sets, and shows the status. */
static const char scorm_glue[] =
    "<script>(function(){\"use strict\";"
    "var key=\"panya:\"+document.documentElement.getAttribute(\"data-lesson\"),saved={};"
    "try{saved=JSON.parse(localStorage.getItem(key)||\"{}\")||{}}catch(e){saved={}}"
    "function save(){try{localStorage.setItem(key,JSON.stringify(saved))}catch(e){}}"
    "var skip=/(^|\\.)(session_time|total_time|exit|entry)$/;"
    "var settings={autocommit:false,logLevel:\"NONE\"};"
    "function track(api,name,event){var data=saved[name]||{},start={},k;saved[name]=data;"
    "for(k in data)if(!skip.test(k))start[k]=data[k];"
    "if(Object.keys(start).length)api.loadFromFlattenedJSON(start);"
    "if(data[\"cmi.exit\"]===\"suspend\"||data[\"cmi.core.exit\"]===\"suspend\"){"
    "if(api.cmi.core)api.cmi.core.entry=\"resume\";else api.cmi.entry=\"resume\"}"
    "api.on(event+\".cmi.*\",function(el,value){data[el]=String(value);save();show()})}"
    "window.API=new Scorm12API(settings);window.API_1484_11=new Scorm2004API(settings);"
    "track(window.API,\"scorm12\",\"LMSSetValue\");"
    "track(window.API_1484_11,\"scorm2004\",\"SetValue\");"
    "function show(){var a=saved.scorm2004||{},b=saved.scorm12||{},s=[],x;"
    "x=a[\"cmi.completion_status\"];if(x)s.push(x);x=a[\"cmi.success_status\"];if(x)s.push(x);"
    "x=b[\"cmi.core.lesson_status\"];if(x)s.push(x);"
    "x=a[\"cmi.score.scaled\"];if(x)s.push(Math.round(100*x)+\"%\");"
    "x=b[\"cmi.core.score.raw\"];if(x)s.push(x);"
    "var el=document.getElementById(\"panya-status\");"
    "if(el)el.textContent=s.length?s.join(\" · \"):el.getAttribute(\"data-none\")}"
    "window.panyaLessonStatus=function(){return saved};"
    "document.addEventListener(\"DOMContentLoaded\",show)})();</script>";

char *serve_page_scorm(const serve_pack *pack, const serve_item *item, size_t sco,
                       const char *runtime_url, size_t *len)
{
    if (sco >= item->scos.count)
        return NULL;
    const scorm_launch_entry *entry = &item->scos.entries[sco];
    page p = {0};
    const char *pack_id = pack->facts.pack_id ? pack->facts.pack_id
                          : pack->manifest ? pack->manifest->id
                                           : pack->key;
    add(&p, "<!DOCTYPE html>\n<html lang=\"lo\" data-lesson=\"");
    add_escaped(&p, pack_id);
    add(&p, "/");
    add_escaped(&p, item->path);
    add(&p, "/");
    add_escaped(&p, entry->href);
    add(&p, "\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
    add_escaped(&p, *entry->title ? entry->title : serve_title(&item->titles, "lo", item->id));
    add(&p, "</title><style>html,body{margin:0;height:100%}body{display:flex;flex-direction:"
            "column;font:15px/1.4 \"Noto Sans Lao\",sans-serif;background:#fbfaf7}"
            "header{display:flex;flex-wrap:wrap;gap:.3rem .8rem;align-items:center;padding:"
            ".35rem .6rem;border-bottom:1px solid #ddd}a{color:#0b5394}"
            "#panya-status{color:#1b5e20;font-weight:bold}"
            "iframe{flex:1;border:0;width:100%;background:#fff}</style><script src=\"");
    add_escaped(&p, runtime_url);
    add(&p, "\"></script>");
    add(&p, scorm_glue);
    add(&p, "</head><body><header><a href=\"/\">← ລາຍການ <span lang=\"en\">Catalogue</span>"
            "</a><span id=\"panya-status\" data-none=\"ຍັງບໍ່ໄດ້ຮຽນ · not attempted\"></span>");
    if (item->scos.count > 1) {
        for (size_t s = 0; s < item->scos.count; s++) {
            const char *title = *item->scos.entries[s].title ? item->scos.entries[s].title
                                                            : item->scos.entries[s].href;
            if (s == sco) {
                add(&p, "<b>");
                add_escaped(&p, title);
                add(&p, "</b>");
            } else {
                addf(&p, "<a href=\"%zu\">", s);
                add_escaped(&p, title);
                add(&p, "</a>");
            }
        }
    }
    add(&p, "<noscript>ບົດຮຽນນີ້ຕ້ອງການ JavaScript · This lesson needs JavaScript"
            "</noscript></header><iframe id=\"panya-lesson\" title=\"lesson\" src=\"/p/");
    add_url_path(&p, pack->key);
    add(&p, "/");
    /* The href keeps its query and fragment: only the path part is escaped. */
    char *path = NULL;
    size_t path_len = strcspn(entry->href, "?#");
    if (asprintf(&path, "%s%s%.*s", item->path, *item->path ? "/" : "", (int)path_len,
                 entry->href) < 0) {
        free(p.text);
        return NULL;
    }
    add_url_path(&p, path);
    free(path);
    add_escaped(&p, entry->href + path_len);
    add(&p, "\"></iframe></body></html>\n");
    return finish(&p, len);
}

char *serve_page_error(unsigned status, const char *reason, size_t *len)
{
    page p = {0};
    char title[64];
    snprintf(title, sizeof title, "%u %s", status, reason);
    page_head(&p, title);
    add(&p, "<h1>");
    add_escaped(&p, title);
    add(&p, "</h1><p><a href=\"/\">ລາຍການບົດຮຽນ <span lang=\"en\">Lessons</span></a></p>"
            "</body></html>\n");
    return finish(&p, len);
}
