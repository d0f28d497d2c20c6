/* Standard output as an output: write errors reported once at exit (exit 3), and '-' for
 * commands whose output is a file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_output.h"
#include "common/cleanup.h"
#include "common/output_path.h"

/* The errno of the first failed write on standard output: stdio keeps only an error flag. */
static int stdout_write_errno;


static ssize_t write_stdout_fd(void *cookie, const char *buf, size_t size)
{
    (void)cookie;
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(STDOUT_FILENO, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            if (!stdout_write_errno)
                stdout_write_errno = errno;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

void cli_watch_stdout(void)
{
    cookie_io_functions_t io = {.write = write_stdout_fd};
    FILE *watched = fopencookie(NULL, "w", io);
    if (!watched)
        return; /* the plain stream still reports errors, only without their reason */
    setvbuf(watched, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
    /* Never closed: libraries loaded later (libstdc++ through libav) keep this pointer for
     * their own exit-time flush. */
    stdout = watched;
}

int cli_close_stdout(int status)
{
    int failed = fflush(stdout) != 0 || ferror(stdout);
    int reason = stdout_write_errno ? stdout_write_errno : errno;
    if (!failed)
        return status;
    fprintf(stderr, "panya: standard output: %s\n", strerror(reason ? reason : EIO));
    return status == PANYA_EXIT_DAMAGED_OUTPUT || status == PANYA_EXIT_INTERNAL
               ? status
               : PANYA_EXIT_OUTPUT;
}

int cli_output_target_open(cli_output_target *target, const char *given)
{
    *target = (cli_output_target){.path = given, .info = stdout};
    if (!panya_output_is_stdout(given))
        return PANYA_EXIT_OK;
    const char *tmp = getenv("TMPDIR");
    size_t len = strlen(tmp && *tmp ? tmp : "/tmp") + 32;
    target->temp = malloc(len);
    if (!target->temp)
        return PANYA_EXIT_INTERNAL;
    snprintf(target->temp, len, "%s/panya-stdout-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(target->temp);
    if (fd < 0) {
        fprintf(stderr, "panya: %s: cannot create a temporary file: %s\n", target->temp,
                strerror(errno));
        free(target->temp);
        target->temp = NULL;
        return PANYA_EXIT_OUTPUT;
    }
    close(fd);
    panya_cleanup_add(target->temp); /* Ctrl-C leaves no spool behind */
    target->path = target->temp;
    target->info = stderr;
    return PANYA_EXIT_OK;
}

int cli_output_target_finish(cli_output_target *target, int status)
{
    if (!target->temp)
        return status;
    if (status == PANYA_EXIT_OK || status == PANYA_EXIT_PARTIAL) {
        FILE *in = fopen(target->temp, "rb");
        char buf[65536];
        size_t n;
        if (!in) {
            fprintf(stderr, "panya: %s: %s\n", target->temp, strerror(errno));
            status = PANYA_EXIT_INTERNAL;
        }
        while (in && (n = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, n, stdout) != n)
                break; /* reported once, at exit, by cli_close_stdout */
        if (in)
            fclose(in);
    }
    unlink(target->temp);
    panya_cleanup_remove(target->temp);
    free(target->temp);
    target->temp = NULL;
    return status;
}
