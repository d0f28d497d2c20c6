/* Runs N independent jobs on worker threads. Results must be written by each job into its
 * own slot, so the outcome never depends on thread timing (bundles stay deterministic). */
#ifndef PANYA_COMMON_THREAD_POOL_H
#define PANYA_COMMON_THREAD_POOL_H

#include <stddef.h>

/* Calls job(ctx, i) for every i in [0, count) on up to `threads` threads (0: one per core)
 * and waits for all of them. Returns 0, or -1 if a thread could not be started (the jobs
 * then run on the calling thread, so every job still runs exactly once). */
int thread_pool_run(size_t count, int threads, void (*job)(void *ctx, size_t index), void *ctx);

/* The number of cores this process may use (at least 1). */
int thread_pool_default_threads(void);

#endif
