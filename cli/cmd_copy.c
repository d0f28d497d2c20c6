/* panya copy BUNDLE... DEST... */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli_output.h"
#include "cli/json_output.h"
#include "common/output_path.h"
#include "delivery/card_copy.h"

static int run_copy(int argc, char **argv);

const panya_command panya_command_copy = {
    .name = "copy",
    .summary = "copy bundles to SD cards, reading every byte back",
    .help =
        "usage: panya copy BUNDLE.panya... DEST... [--replace] [--json] [-q|-v]\n"
        "\n"
        "Copies each BUNDLE to each DEST folder (the mount point of a card, or a folder on\n"
        "it). Arguments ending in .panya are bundles, the others destinations. Cards are\n"
        "written in parallel, each with its own progress line; one failing card does not\n"
        "stop the others, and the summary gives each card's result.\n"
        "\n"
        "Nothing is started that cannot finish: the free space is checked first with the\n"
        "exact sizes (some cards do not report it: then write errors decide), and on FAT32\n"
        "a bundle over 4 GiB - 1 is refused (split it). Each bundle is written under a\n"
        "temporary name and synced, then read back from the card, bypassing the page cache\n"
        "as far as the system allows, and checked byte for byte and object by object before\n"
        "it gets its name. A copy already on the card and identical is skipped, so running\n"
        "the same command again after a card was pulled out finishes the job; a damaged or\n"
        "partial copy is replaced; a different, whole bundle of the same name (another pack\n"
        "or version) only with --replace. Temporary files of an interrupted copy are\n"
        "removed first and do not count as used space. Bundle names that differ only in\n"
        "case are refused: FAT and exFAT cards cannot hold both. Each card that got a\n"
        "bundle gets panya-catalogue.xml listing its packs.\n"
        "\n"
        "Exit status: 0 when every card succeeded, else the worst card's: 2 for a DEST that\n"
        "is not a folder, or a different bundle on the card without --replace; 3 when a card\n"
        "could not be written (full, too small, read-only), 4 when a card returned different\n"
        "data than was written (counterfeit or failing card), 1 for a damaged bundle.\n"
        "\n"
        "Options:\n"
        "      --replace  replace a different bundle of the same name on the card\n"
        "      --json     print one JSON document with each card's result instead of the\n"
        "                 progress and summary (docs/schemas/copy.schema.json)\n"
        "  -q, --quiet    print only the summary of failed cards and errors\n"
        "  -v, --verbose  also say what was checked and cleaned on each card\n",
    .run = run_copy,
};

typedef struct progress_display {
    pthread_mutex_t lock;
    bool tty, quiet;
    size_t cards;
    const char *const *dests;
    char (*lines)[256];    /* one status line per card */
    int *last_percent;     /* per card, to redraw only on change */
    card_phase *last_phase;
    bool drawn;
} progress_display;

static const char *phase_name(card_phase phase)
{
    switch (phase) {
    case CARD_PHASE_CHECKING: return "checking the copy on the card";
    case CARD_PHASE_WRITING: return "writing";
    case CARD_PHASE_READING_BACK: return "reading back";
    case CARD_PHASE_VERIFYING: return "checking every object";
    case CARD_PHASE_BUNDLE_DONE: return "done";
    }
    return "";
}

static void redraw(progress_display *d)
{
    if (d->drawn)
        printf("\033[%zuA", d->cards);
    for (size_t i = 0; i < d->cards; i++)
        printf("\r\033[K%s\n", d->lines[i]);
    d->drawn = true;
    fflush(stdout);
}

static void on_progress(void *ctx, const card_progress *p)
{
    progress_display *d = ctx;
    if (d->quiet)
        return;
    int percent = p->total ? (int)(p->done * 100 / p->total) : 100;
    pthread_mutex_lock(&d->lock);
    bool changed_phase = d->last_phase[p->card] != p->phase;
    if (changed_phase || percent != d->last_percent[p->card]) {
        d->last_phase[p->card] = p->phase;
        d->last_percent[p->card] = percent;
        bool measured = p->phase != CARD_PHASE_VERIFYING && p->phase != CARD_PHASE_BUNDLE_DONE;
        int n = snprintf(d->lines[p->card], sizeof d->lines[p->card], "%s: %s: %s",
                         d->dests[p->card], p->bundle, phase_name(p->phase));
        if (measured && n > 0 && (size_t)n < sizeof d->lines[p->card])
            snprintf(d->lines[p->card] + n, sizeof d->lines[p->card] - (size_t)n, " %d%%",
                     percent);
        if (d->tty)
            redraw(d);
        else if (changed_phase) /* a log, not a display: one line per step */
            printf("%s: %s: %s\n", d->dests[p->card], p->bundle, phase_name(p->phase));
    }
    pthread_mutex_unlock(&d->lock);
}

static void print_card(const char *dest, const card_result *r, bool quiet, bool verbose)
{
    char written[32], free_text[64];
    cli_format_bytes(r->bytes_written, written, sizeof written);
    if (!r->probed) {
        free_text[0] = '\0';
    } else if (r->free_space_known) {
        char amount[32];
        cli_format_bytes(r->free_bytes, amount, sizeof amount);
        snprintf(free_text, sizeof free_text, "%s free before", amount);
    } else {
        snprintf(free_text, sizeof free_text,
                 "free space unknown (the card does not report it)");
    }
    if (r->status == PANYA_OK) {
        if (!quiet)
            printf("%s: OK: %zu copied, %zu replaced, %zu already there; %s written%s; %s\n",
                   dest, r->copied, r->replaced, r->skipped, written, r->fat ? " (FAT)" : "",
                   free_text);
        if (verbose)
            printf("  %zu temporary files of interrupted copies removed; every byte read back "
                   "and every object checked\n",
                   r->stale_removed);
        return;
    }
    printf("%s: FAILED: %zu copied, %zu replaced, %zu already there%s%s\n", dest, r->copied,
           r->replaced, r->skipped, free_text[0] ? "; " : "", free_text);
    fprintf(stderr, "panya: %s\n", r->err.message);
}

/* One card's entry in `copy --json` (docs/schemas/copy.schema.json). */
static json_t *card_json(const char *dest, const card_result *r)
{
    json_t *entry = json_pack("{s:o, s:b, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:I}", "dest",
                              cli_json_string(dest), "ok", r->status == PANYA_OK, "copied",
                              (json_int_t)r->copied, "replaced", (json_int_t)r->replaced,
                              "already_there", (json_int_t)r->skipped, "stale_removed",
                              (json_int_t)r->stale_removed, "bytes_written",
                              (json_int_t)r->bytes_written, "fat", r->fat, "free_bytes",
                              r->free_space_known ? json_integer((json_int_t)r->free_bytes)
                                                  : json_null(),
                              "exit_code", (json_int_t)cli_exit_code(r->status));
    if (entry && r->status != PANYA_OK)
        json_object_set_new(entry, "error", cli_json_string(r->err.message));
    return entry;
}

/* Refuses a DEST that already holds one of the bundles as the very same file: the copy
 * would be written over its own source. */
static int check_destinations(const char **bundles, size_t bundle_count, const char **dests,
                              size_t dest_count)
{
    for (size_t d = 0; d < dest_count; d++)
        for (size_t b = 0; b < bundle_count; b++) {
            const char *slash = strrchr(bundles[b], '/');
            const char *name = slash ? slash + 1 : bundles[b];
            size_t len = strlen(dests[d]) + strlen(name) + 2;
            char *target = malloc(len);
            if (!target)
                return PANYA_EXIT_INTERNAL;
            snprintf(target, len, "%s/%s", dests[d], name);
            bool same = panya_same_file(target, bundles[b]);
            free(target);
            if (same)
                return cli_usage_error(&panya_command_copy,
                                       "%s is already in %s: it would be copied over itself",
                                       bundles[b], dests[d]);
        }
    return PANYA_EXIT_OK;
}

static bool is_bundle_name(const char *arg)
{
    size_t len = strlen(arg);
    struct stat st;
    return len > 6 && strcmp(arg + len - 6, ".panya") == 0 &&
           !(stat(arg, &st) == 0 && S_ISDIR(st.st_mode));
}

static int run_copy(int argc, char **argv)
{
    const panya_command *cmd = &panya_command_copy;
    static const struct option options[] = {
        CLI_QUIET_VERBOSE_OPTIONS,
        CLI_JSON_OPTION,
        {"replace", no_argument, NULL, 'r'},
        {0},
    };
    cli_verbosity verbosity = CLI_NORMAL;
    bool json = false, replace = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qv", options, NULL)) != -1) {
        if (cli_shared_option(c, &verbosity, &json))
            continue;
        if (c != 'r')
            return cli_bad_option(cmd, argv);
        replace = true;
    }
    bool quiet = verbosity == CLI_QUIET || json;
    size_t count = (size_t)(argc - optind), bundle_count = 0, dest_count = 0;
    const char **bundles = calloc(count + 1, sizeof *bundles);
    const char **dests = calloc(count + 1, sizeof *dests);
    card_result *results = calloc(count + 1, sizeof *results);
    progress_display d = {.tty = isatty(STDOUT_FILENO), .quiet = quiet};
    d.lines = calloc(count + 1, sizeof *d.lines);
    d.last_percent = calloc(count + 1, sizeof *d.last_percent);
    d.last_phase = calloc(count + 1, sizeof *d.last_phase);
    int status = PANYA_EXIT_OK;
    panya_error err = {0};
    if (!bundles || !dests || !results || !d.lines || !d.last_percent || !d.last_phase) {
        panya_error_oom(&err);
        status = cli_report_error(&err);
        goto done;
    }
    for (int i = optind; i < argc; i++) {
        if (is_bundle_name(argv[i]))
            bundles[bundle_count++] = argv[i];
        else
            dests[dest_count++] = argv[i];
    }
    if (!bundle_count || !dest_count) {
        status = cli_usage_error(cmd, "expected at least one BUNDLE.panya and one DEST folder");
        goto done;
    }
    if ((status = check_destinations(bundles, bundle_count, dests, dest_count)) != PANYA_EXIT_OK)
        goto done;
    for (size_t i = 0; i < dest_count; i++) {
        d.last_phase[i] = (card_phase)-1;
        snprintf(d.lines[i], sizeof d.lines[i], "%s: waiting", dests[i]);
    }
    d.cards = dest_count;
    d.dests = dests;
    pthread_mutex_init(&d.lock, NULL);
    card_copy_options opts = {.progress = on_progress, .progress_ctx = &d, .replace = replace};
    int rc = card_copy(bundles, bundle_count, dests, dest_count, &opts, results, &err);
    pthread_mutex_destroy(&d.lock);
    if (rc < 0) {
        status = cli_report_error(&err);
        goto done;
    }
    json_t *cards = json ? json_array() : NULL;
    for (size_t i = 0; i < dest_count; i++) {
        if (cards && results[i].status != PANYA_OK)
            fprintf(stderr, "panya: %s\n", results[i].err.message);
        if (cards)
            json_array_append_new(cards, card_json(dests[i], &results[i]));
        else
            print_card(dests[i], &results[i], quiet, verbosity == CLI_VERBOSE);
        int code = cli_exit_code(results[i].status);
        if (code > status)
            status = code;
    }
    if (json && cli_json_print(json_pack("{s:o}", "cards", cards)) != 0)
        status = PANYA_EXIT_INTERNAL;
done:
    free(bundles);
    free(dests);
    free(results);
    free(d.lines);
    free(d.last_percent);
    free(d.last_phase);
    return status;
}
