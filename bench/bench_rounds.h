/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The interleaved-rounds harness shared by the offline verifier benchmarks:
 * every case runs once per round, round after round, so that noise on this
 * shared machine hits all cases alike; a case's figure is the median over
 * rounds of its mean time per operation.
 */
#ifndef ATTLS_BENCH_ROUNDS_H
#define ATTLS_BENCH_ROUNDS_H

#include <stddef.h>

#include "common/bytes.h"

#define ATTLS_BENCH_MAX_ROUNDS 64

/** Runs case @p c of a benchmark once on its inputs @p ctx. */
typedef void (*attls_bench_run_fn)(size_t c, const void *ctx);

/**
 * Read testdata file @p dir/@p rel (at most 1 MiB); on failure say so on
 * stderr, prefixed with @p prog.
 * @retval 0 success, -1 unreadable
 */
int attls_bench_read(const char *prog, const char *dir, const char *rel,
                     attls_buf *out);

/**
 * Time @p ncases cases interleaved over @p rounds rounds (at most
 * ATTLS_BENCH_MAX_ROUNDS) of @p iters calls each, and write each case's
 * median per-operation time in microseconds to @p median_us.
 * @retval 0 success, -1 bad counts or allocation failure
 */
int attls_bench_interleaved(size_t ncases, int rounds, int iters,
                            attls_bench_run_fn run, const void *ctx,
                            double *median_us);

#endif
