/* panya serve BUNDLE-or-FOLDER... : lessons to every phone on the Wi-Fi. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_output.h"
#include "common/exe_dir.h"
#include "delivery/serve.h"

#define DEFAULT_PORT 8080
#define DEFAULT_PER_IP 64
#define RUNTIME_NAME "scorm-again.min.js"

static int run_serve(int argc, char **argv);

const panya_command panya_command_serve = {
    .name = "serve",
    .summary = "serve bundles as a website for phone browsers (offline)",
    .help =
        "usage: panya serve BUNDLE-or-FOLDER... [--listen ADDR:PORT] [-q|-v]\n"
        "\n"
        "Serves the lessons of the bundles (a folder stands for every *.panya in it) as a\n"
        "website that any phone browser opens, with no app and no Internet. The catalogue\n"
        "page lists every pack, course and lesson, Lao first with English beside it; a\n"
        "lesson opens at its launch file. SCORM 1.2 and 2004 lessons run under the\n"
        "scorm-again runtime, and each phone keeps its own progress (in the browser).\n"
        "Phones that send 'Save-Data: on', or pick 'save data' on the page, get the 'low'\n"
        "profile's files. Stop with Ctrl-C.\n"
        "\n"
        "Options:\n"
        "  --listen ADDR:PORT  where to listen (default 127.0.0.1:8080, this machine only;\n"
        "                      0.0.0.0:8080 for the phones on the Wi-Fi; port 0: any free)\n"
        "  -q, --quiet         no access log (otherwise one line per request on stdout,\n"
        "                      in the Combined Log Format)\n"
        "  -v, --verbose       also say what each pack holds and where the SCORM runtime is\n"
        "  --threads N         worker threads (default 4)\n"
        "  --max-per-ip N      connections at once from one address (default 64; 0: no limit)\n"
        "  --max-connections N connections at once in all (default 1000)\n"
        "\n"
        "Damaged files are answered with status 500 and named on stderr; the rest keeps\n"
        "being served. Exit status: 0 after Ctrl-C, 1 for a damaged bundle named on the\n"
        "command line, 2 for a usage error or an unusable address.\n",
    .run = run_serve,
};

/* Access-log lines go to stdout, problems to stderr. */
static void print_access(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stdout, "%s\n", line);
}

static void print_problem(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "panya serve: %s\n", line);
}

/* ADDR:PORT or [V6ADDR]:PORT into address (cap bytes) and *port. */
static int parse_listen(const char *text, char *address, size_t cap, unsigned *port)
{
    const char *colon = strrchr(text, ':');
    if (!colon)
        return -1;
    const char *start = text, *end = colon;
    if (text[0] == '[') {
        if (colon == text || colon[-1] != ']')
            return -1;
        start = text + 1;
        end = colon - 1;
    }
    if (end <= start || (size_t)(end - start) >= cap)
        return -1;
    memcpy(address, start, (size_t)(end - start));
    address[end - start] = '\0';
    char *tail;
    errno = 0;
    unsigned long value = strtoul(colon + 1, &tail, 10);
    if (errno || tail == colon + 1 || *tail != '\0' || value > 65535)
        return -1;
    *port = (unsigned)value;
    return 0;
}

static int parse_count(const char *text, unsigned max, unsigned *out)
{
    char *tail;
    errno = 0;
    unsigned long value = strtoul(text, &tail, 10);
    if (errno || tail == text || *tail != '\0' || value > max)
        return -1;
    *out = (unsigned)value;
    return 0;
}

/* scorm-again next to the executable in the build tree (build/delivery/), else under the
 * installed binary's prefix, else where `meson install` was told to put it. */
static char *find_runtime(void)
{
    char exe[PATH_MAX];
    if (panya_exe_dir(exe, sizeof exe) == 0) {
        const char *relative[] = {"/delivery/" RUNTIME_NAME,
                                  "/../share/panya/scorm-again/" RUNTIME_NAME};
        for (size_t i = 0; i < 2; i++) {
            char *candidate = NULL;
            if (asprintf(&candidate, "%s%s", exe, relative[i]) >= 0) {
                if (access(candidate, R_OK) == 0)
                    return candidate;
                free(candidate);
            }
        }
    }
    const char *installed = PANYA_DATA_INSTALL_DIR "/scorm-again/" RUNTIME_NAME;
    return access(installed, R_OK) == 0 ? strdup(installed) : NULL;
}

/* -v: what each pack holds, and where the SCORM runtime comes from. */
static void describe(const serve_library *lib, const char *runtime)
{
    for (size_t p = 0; p < lib->pack_count; p++) {
        const serve_pack *pack = &lib->packs[p];
        size_t lessons = 0, scorm = 0;
        for (size_t c = 0; c < pack->course_count; c++) {
            lessons += pack->courses[c].lesson_count;
            for (size_t l = 0; l < pack->courses[c].lesson_count; l++)
                for (size_t i = 0; i < pack->courses[c].lessons[l].item_count; i++)
                    scorm += pack->courses[c].lessons[l].items[i].is_scorm != 0;
        }
        fprintf(stderr, "panya serve: /p/%s/ is %s (format %u.%u): %zu courses, %zu lessons "
                        "(%zu SCORM), %llu files; profiles:", pack->key, pack->file,
                pack->facts.format_major, pack->facts.format_minor, pack->course_count,
                lessons, scorm, (unsigned long long)pack->facts.file_count);
        for (size_t k = 0; k < pack->profile_count; k++)
            fprintf(stderr, " %s", pack->profiles[k]);
        fprintf(stderr, "\n");
    }
    fprintf(stderr, "panya serve: SCORM runtime: %s\n", runtime ? runtime : "not installed");
}

/* Where phones reach the server: the address given, or, for 0.0.0.0 / ::, every address of
 * this machine's network interfaces (what ICT staff type on the phones). */
static void print_addresses(const char *address, unsigned port, size_t packs)
{
    fprintf(stderr, "panya serve: %zu pack%s", packs, packs == 1 ? "" : "s");
    bool any = strcmp(address, "0.0.0.0") == 0 || strcmp(address, "::") == 0;
    struct ifaddrs *list = NULL;
    if (any && getifaddrs(&list) == 0) {
        const char *join = " at ";
        for (struct ifaddrs *i = list; i; i = i->ifa_next) {
            if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
                continue;
            char text[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, text,
                      sizeof text);
            fprintf(stderr, "%shttp://%s:%u/", join, text, port);
            join = ", ";
        }
        freeifaddrs(list);
    } else {
        bool v6 = strchr(address, ':') != NULL;
        fprintf(stderr, " at http://%s%s%s:%u/", v6 ? "[" : "", address, v6 ? "]" : "", port);
    }
    fprintf(stderr, " (Ctrl-C stops)\n");
}

static int run_serve(int argc, char **argv)
{
    enum { OPT_LISTEN = 256, OPT_THREADS, OPT_PER_IP, OPT_MAX_CONN };
    static const struct option options[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"max-per-ip", required_argument, NULL, OPT_PER_IP},
        {"max-connections", required_argument, NULL, OPT_MAX_CONN},
        {0},
    };
    char address[64] = "127.0.0.1";
    serve_options opts = {.address = address, .port = DEFAULT_PORT,
                          .per_ip_limit = DEFAULT_PER_IP, .connection_limit = 1000};
    cli_verbosity verbosity = CLI_NORMAL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qv", options, NULL)) != -1) {
        switch (c) {
        case 'q':
            verbosity = CLI_QUIET;
            break;
        case 'v':
            verbosity = CLI_VERBOSE;
            break;
        case OPT_LISTEN:
            if (parse_listen(optarg, address, sizeof address, &opts.port) != 0)
                return cli_usage_error(&panya_command_serve,
                                       "--listen wants ADDR:PORT (e.g. 0.0.0.0:8080), not '%s'",
                                       optarg);
            break;
        case OPT_THREADS:
            if (parse_count(optarg, 256, &opts.threads) != 0 || opts.threads == 0)
                return cli_usage_error(&panya_command_serve, "--threads wants 1 to 256");
            break;
        case OPT_PER_IP:
            if (parse_count(optarg, 100000, &opts.per_ip_limit) != 0)
                return cli_usage_error(&panya_command_serve, "--max-per-ip wants a number");
            break;
        case OPT_MAX_CONN:
            if (parse_count(optarg, 100000, &opts.connection_limit) != 0 ||
                opts.connection_limit == 0)
                return cli_usage_error(&panya_command_serve, "--max-connections wants a number");
            break;
        default:
            return cli_bad_option(&panya_command_serve, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error(&panya_command_serve, "expected at least one bundle or folder");

    panya_error err = {0};
    serve_library lib;
    if (serve_library_open(&lib, argv + optind, (size_t)(argc - optind), &err) != 0)
        return cli_report_error(&err);
    for (size_t i = 0; i < lib.warning_count; i++)
        cli_warn("%s", lib.warnings[i]);

    /* Ctrl-C and SIGTERM are taken by sigwait below: block them before the server's threads
     * start, so that those threads inherit the mask and never see them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    char *runtime = find_runtime();
    setvbuf(stdout, NULL, _IOLBF, 0);
    opts.runtime_file = runtime;
    opts.access_log = verbosity == CLI_QUIET ? NULL : print_access;
    if (verbosity == CLI_VERBOSE)
        describe(&lib, runtime);
    opts.error_log = print_problem;
    serve_server *server = serve_start(&lib, &opts, &err);
    free(runtime);
    if (!server) {
        serve_library_close(&lib);
        return cli_report_error(&err);
    }
    print_addresses(address, serve_port(server), lib.pack_count);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "panya serve: stopping\n");
    serve_stop(server);
    serve_library_close(&lib);
    return PANYA_EXIT_OK;
}
