/* libFuzzer target for archive input alone (sources/archive_input.c): a zip's or a (gzip'd)
 * tar's entries, their
 * names (normalised, unsafe and legacy-encoded ones flagged), kinds (links never followed),
 * sizes and data, under one unpack budget with nesting, as a pack reads them.
 * Input: the bytes of a zip or tar. Entries named *.zip are read as nested archives (up to the
 * budget's depth), the way KPL exports hold lesson zips. Small limits make the bounds (bytes,
 * entries, ratio) reachable by the fuzzer. Seeds: tests/fuzz/make_archive_seeds.py. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sources/archive_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool ends_with_zip(const char *name)
{
    size_t n = strlen(name);
    return n >= 4 && strcmp(name + n - 4, ".zip") == 0;
}

static void check_entry(const archive_input_entry *entry)
{
    /* The contract: a normalised relative path, never absolute, no "." or empty segments. */
    if (!entry->name || entry->name[0] == '/' || strstr(entry->name, "//"))
        abort();
    if (entry->kind < ARCHIVE_INPUT_FILE || entry->kind > ARCHIVE_INPUT_OTHER)
        abort();
}

static void read_archive(const char *path, const char *shown, archive_budget *budget,
                         unsigned depth, bool names_only)
{
    archive_input_limits limits = {.max_entries = 512, .max_total_bytes = 4u << 20,
                                   .max_ratio = 50};
    archive_input *in;
    panya_error err = {0};
    if (archive_input_open_zip_or_tar(&in, path, &limits, &err) != 0)
        return;
    archive_input_use_budget(in, budget, depth == 0);
    if (archive_input_set_display_name(in, shown) != 0) {
        archive_input_close(in);
        return;
    }
    if (names_only)
        archive_input_names_only(in);
    archive_input_entry entry;
    int r;
    while ((r = archive_input_next(in, &entry, &err)) == 1) {
        check_entry(&entry);
        if (names_only || entry.kind != ARCHIVE_INPUT_FILE)
            continue;
        bool nested = ends_with_zip(entry.name) && depth < budget->max_depth;
        char nested_path[64] = "";
        FILE *out = NULL;
        if (nested) {
            snprintf(nested_path, sizeof nested_path, "%s.%u", path, depth + 1);
            out = fopen(nested_path, "wb");
        }
        char child_shown[256];
        snprintf(child_shown, sizeof child_shown, "%s: %s", shown, entry.name);
        char buf[4096];
        ssize_t got;
        bool complete = true;
        while ((got = archive_input_read(in, buf, sizeof buf, &err)) > 0)
            if (out && fwrite(buf, 1, (size_t)got, out) != (size_t)got)
                complete = false;
        if (out && fclose(out) != 0)
            complete = false;
        if (got < 0) {
            if (out)
                unlink(nested_path);
            break;
        }
        if (out && complete)
            read_archive(nested_path, child_shown, budget, depth + 1, false);
        if (out)
            unlink(nested_path);
    }
    if (r < 0 && !err.message[0])
        abort(); /* every failure says why */
    (void)archive_input_limit_hit(in);
    archive_input_close(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/panya-fuzz-archive-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    bool written = true;
    for (size_t done = 0; done < size;) {
        ssize_t w = write(fd, data + done, size - done);
        if (w <= 0) {
            written = false;
            break;
        }
        done += (size_t)w;
    }
    close(fd);
    if (written) {
        archive_budget budget;
        archive_budget_init(&budget, "input.zip");
        budget.limits.max_total_bytes = 8u << 20;
        budget.limits.max_entries = 1024;
        /* Odd sizes look at names only, as detection does; even sizes unpack. */
        read_archive(path, "input.zip", &budget, 0, size % 2 == 1);
    }
    unlink(path);
    return 0;
}
