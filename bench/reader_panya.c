/* bench/reader.sh's panya side: times (1) open + find + read one small file + close, repeated,
 * and (2) random 64 KiB reads of a raw media file through panya_read, against plain pread of
 * the same bytes at the same offsets. Prints "name value unit" lines. */
#define _GNU_SOURCE
#include <panya.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s BUNDLE SMALL_PATH MEDIA_PATH MEDIA_FILE ROUNDS\n", argv[0]);
        return 2;
    }
    int rounds = atoi(argv[5]);
    static char buf[1 << 16];
    panya_error_info err;
    double t0 = now();
    for (int i = 0; i < rounds; i++) {
        panya_bundle *b;
        panya_file_info f;
        size_t got;
        if (panya_open(argv[1], 0, &b, &err) != PANYA_OK ||
            panya_find(b, argv[2], NULL, &f, &err) != PANYA_OK ||
            panya_read(b, &f, 0, buf, sizeof buf, &got, &err) != PANYA_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        panya_close(b);
    }
    printf("small_open_read_us %.1f us\n", (now() - t0) / rounds * 1e6);

    panya_bundle *b;
    panya_file_info media;
    size_t got;
    if (panya_open(argv[1], 0, &b, &err) != PANYA_OK ||
        panya_find(b, argv[3], NULL, &media, &err) != PANYA_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double first = now();
    if (panya_read(b, &media, 0, buf, sizeof buf, &got, &err) != PANYA_OK)
        return 1;
    printf("media_first_read_ms %.1f ms\n", (now() - first) * 1e3);
    int reads = rounds * 20;
    uint64_t span = media.size > sizeof buf ? media.size - sizeof buf : 1;
    srand(7);
    double t1 = now();
    for (int i = 0; i < reads; i++) {
        uint64_t at = ((uint64_t)rand() * 4099u) % span;
        if (panya_read(b, &media, at, buf, sizeof buf, &got, &err) != PANYA_OK)
            return 1;
    }
    double panya_s = now() - t1;
    panya_close(b);
    int fd = open(argv[4], O_RDONLY);
    if (fd < 0)
        return 1;
    srand(7);
    double t2 = now();
    for (int i = 0; i < reads; i++) {
        uint64_t at = ((uint64_t)rand() * 4099u) % span;
        if (pread(fd, buf, sizeof buf, (off_t)at) < 0)
            return 1;
    }
    double pread_s = now() - t2;
    close(fd);
    double mb = (double)reads * sizeof buf / 1e6;
    printf("media_panya_MBps %.0f MB/s\n", mb / panya_s);
    printf("media_pread_MBps %.0f MB/s\n", mb / pread_s);
    return 0;
}
