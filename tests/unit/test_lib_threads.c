/* Many threads reading random ranges of random files of one open bundle (compared with the
 * files' bytes) while another thread verifies the whole bundle again and again, with a small
 * cache so that objects are evicted and decoded again all the time. Run under
 * ThreadSanitizer too (-Db_sanitize=thread). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libpanya/include/panya.h"
#include "lib_test_bundle.h"
#include "test_helpers.h"

#define READERS 8
#define READS_PER_THREAD 300
#define MAX_RANGE 70000

typedef struct shared {
    panya_bundle *bundle;
    const lib_test_bundle *t;
    atomic_int failures;
    atomic_int verifying; /* 1 while the verifier runs */
    atomic_ulong reads, verifications;
} shared;

typedef struct compare_ctx {
    const lib_test_file *file;
    size_t at;
    int differs;
} compare_ctx;

static panya_status compare_stream(void *ctx, const void *data, size_t len)
{
    compare_ctx *c = ctx;
    if (c->at + len > c->file->size || memcmp(c->file->data + c->at, data, len) != 0)
        c->differs = 1;
    c->at += len;
    return PANYA_OK;
}

static void failed(shared *s, const char *what, const char *path, const char *message)
{
    fprintf(stderr, "%s %s: %s\n", what, path, message);
    atomic_fetch_add(&s->failures, 1);
}

static void *reader(void *arg)
{
    shared *s = arg;
    static atomic_uint seeds = 1;
    uint32_t x = atomic_fetch_add(&seeds, 7919) * 2654435761u;
    uint8_t *buf = malloc(MAX_RANGE);
    for (int i = 0; i < READS_PER_THREAD; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        const lib_test_file *f = &s->t->files[x % s->t->file_count];
        panya_file_info info;
        panya_error_info e;
        if (panya_find(s->bundle, f->path, f->profile, &info, &e) != PANYA_OK) {
            failed(s, "find", f->path, e.message);
            continue;
        }
        if (i % 25 == 0) { /* now and then a whole file, streamed */
            compare_ctx c = {f, 0, 0};
            if (panya_read_file_cb(s->bundle, &info, compare_stream, &c, &e) != PANYA_OK ||
                c.differs || c.at != f->size)
                failed(s, "stream", f->path, e.message);
            continue;
        }
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        size_t offset = f->size ? x % f->size : 0;
        size_t len = 1 + (x >> 7) % MAX_RANGE;
        size_t got = 0;
        if (panya_read(s->bundle, &info, offset, buf, len, &got, &e) != PANYA_OK) {
            failed(s, "read", f->path, e.message);
            continue;
        }
        size_t want = offset < f->size ? (f->size - offset < len ? f->size - offset : len) : 0;
        if (got != want || memcmp(buf, f->data + offset, got) != 0)
            failed(s, "range", f->path, "bytes differ from the file");
        atomic_fetch_add(&s->reads, 1);
    }
    free(buf);
    return NULL;
}

static void *verifier(void *arg)
{
    shared *s = arg;
    while (atomic_load(&s->verifying)) {
        panya_verify_report report;
        panya_error_info e;
        if (panya_verify_all(s->bundle, NULL, NULL, &report, &e) != PANYA_OK)
            failed(s, "verify", "bundle", e.message);
        panya_verify_report_free(&report);
        atomic_fetch_add(&s->verifications, 1);
    }
    return NULL;
}

static void test_concurrent_reads_while_verifying(void **state)
{
    (void)state;
    char *dir = test_make_temp_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/threads.panya", dir);
    lib_test_bundle t;
    lib_test_bundle_write(&t, path, 200, 1 << 20, 400000);
    shared s = {.t = &t};
    panya_error_info e;
    assert_int_equal(panya_open(path, 0, &s.bundle, &e), PANYA_OK);
    panya_set_cache_limit(s.bundle, 256 * 1024); /* evictions all the time */
    atomic_store(&s.verifying, 1);
    pthread_t readers[READERS], verify;
    assert_int_equal(pthread_create(&verify, NULL, verifier, &s), 0);
    for (int i = 0; i < READERS; i++)
        assert_int_equal(pthread_create(&readers[i], NULL, reader, &s), 0);
    for (int i = 0; i < READERS; i++)
        pthread_join(readers[i], NULL);
    atomic_store(&s.verifying, 0);
    pthread_join(verify, NULL);
    panya_close(s.bundle);
    printf("%lu range reads, %lu full verifications, %d failures\n",
           (unsigned long)atomic_load(&s.reads), (unsigned long)atomic_load(&s.verifications),
           atomic_load(&s.failures));
    assert_int_equal(atomic_load(&s.failures), 0);
    assert_true(atomic_load(&s.verifications) >= 1);
    lib_test_bundle_free(&t);
    test_remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_reads_while_verifying),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
