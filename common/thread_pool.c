#include "common/thread_pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct pool_state {
    atomic_size_t next;
    size_t count;
    void (*job)(void *ctx, size_t index);
    void *ctx;
} pool_state;

static void *worker(void *arg)
{
    pool_state *state = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&state->next, 1);
        if (i >= state->count)
            return NULL;
        state->job(state->ctx, i);
    }
}

int thread_pool_default_threads(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int thread_pool_run(size_t count, int threads, void (*job)(void *ctx, size_t index), void *ctx)
{
    pool_state state = {.count = count, .job = job, .ctx = ctx};
    atomic_init(&state.next, 0);
    if (threads <= 0)
        threads = thread_pool_default_threads();
    if ((size_t)threads > count)
        threads = (int)count;
    int status = 0;
    pthread_t *ids = threads > 1 ? calloc((size_t)threads - 1, sizeof *ids) : NULL;
    int started = 0;
    if (ids) {
        for (; started < threads - 1; started++) {
            if (pthread_create(&ids[started], NULL, worker, &state) != 0) {
                status = -1;
                break;
            }
        }
    }
    worker(&state); /* the calling thread works too */
    for (int i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    free(ids);
    return status;
}
