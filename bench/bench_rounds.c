/* SPDX-License-Identifier: Apache-2.0 */
#include "bench/bench_rounds.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int attls_bench_read(const char *prog, const char *dir, const char *rel,
                     attls_buf *out)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    if (attls_read_file(path, 1 << 20, out) != 0) {
        fprintf(stderr, "%s: cannot read %s\n", prog, path);
        return -1;
    }
    return 0;
}

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int attls_bench_interleaved(size_t ncases, int rounds, int iters,
                            attls_bench_run_fn run, const void *ctx,
                            double *median_us)
{
    double *samples;

    if (rounds < 1 || rounds > ATTLS_BENCH_MAX_ROUNDS || iters < 1)
        return -1;
    samples = calloc(ncases * (size_t)rounds, sizeof(*samples));
    if (samples == NULL)
        return -1;
    for (int r = 0; r < rounds; r++) {
        for (size_t c = 0; c < ncases; c++) {
            double t0 = now_us();

            for (int i = 0; i < iters; i++)
                run(c, ctx);
            samples[c * (size_t)rounds + (size_t)r] = (now_us() - t0) / iters;
        }
    }
    for (size_t c = 0; c < ncases; c++) {
        double *v = samples + c * (size_t)rounds;

        qsort(v, (size_t)rounds, sizeof(*v), cmp_double);
        median_us[c] = v[rounds / 2];
    }
    free(samples);
    return 0;
}
