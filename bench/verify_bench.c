/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verify_bench: time of the offline verifiers on real evidence.
 *
 * Cases run interleaved, round after round, so that machine noise hits all
 * of them alike; the result per case is the median over rounds of the mean
 * time per operation, and the ratio to the full SEV-SNP verification.
 *
 *   verify_bench [TESTDATA_DIR] [ROUNDS] [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench_rounds.h"
#include "common/bytes.h"
#include "common/timeutil.h"
#include "evidence/hcl.h"
#include "evidence/roots.h"
#include "evidence/snp.h"

typedef struct inputs {
    attls_buf report, vcek, hcl_snp, hcl_tdx;
    X509 *vek;
    attls_snp_report parsed;
    time_t at;
} inputs;

typedef int (*bench_fn)(const inputs *in);

/* Parse the 1184-byte report only. */
static int run_snp_parse(const inputs *in)
{
    attls_snp_report r;

    return attls_snp_report_parse(in->report.data, in->report.len, &r, NULL);
}

/* The ECDSA P-384 signature only, key already decoded. */
static int run_snp_signature(const inputs *in)
{
    return attls_snp_verify_signature(&in->parsed, X509_get0_pubkey(in->vek),
                                      NULL);
}

/* VCEK -> ASK -> pinned ARK (trust set loaded each time, as in use). */
static int run_snp_chain(const inputs *in)
{
    return attls_snp_vek_verify_chain(in->vek, NULL, ATTLS_SNP_PRODUCT_MILAN,
                                      in->at, NULL, NULL);
}

/* Loading the pinned amd-milan set (PEM), part of every chain check. */
static int run_roots_load(const inputs *in)
{
    attls_trust_set ts;
    int rc = attls_trust_set_load("amd-milan", NULL, &ts, NULL);

    (void)in;
    if (rc == ATTLS_OK)
        attls_trust_set_free(&ts);
    return rc;
}

/* What `attls verify-snp REPORT --vcek DER` does: everything from bytes. */
static int run_snp_full(const inputs *in)
{
    attls_snp_report r;
    attls_snp_verify_params p = {.at = in->at};
    STACK_OF(X509) *rest = NULL;
    X509 *vek = NULL;
    int rc = attls_snp_report_parse(in->report.data, in->report.len, &r, NULL);

    if (rc == ATTLS_OK)
        rc = attls_snp_vek_load(in->vcek.data, in->vcek.len, &vek, &rest, NULL);
    if (rc == ATTLS_OK)
        rc = attls_snp_verify(&r, vek, rest, &p, NULL, NULL);
    X509_free(vek);
    sk_X509_pop_free(rest, X509_free);
    return rc;
}

static int run_hcl(const attls_buf *b)
{
    attls_hcl_report r;
    int rc = attls_hcl_verify(b->data, b->len, NULL, &r, NULL, NULL);

    attls_hcl_report_free(&r);
    return rc;
}

/* HCL parse, binding, claims and the AK JWK (no VCEK exists for it). */
static int run_hcl_snp(const inputs *in)
{
    return run_hcl(&in->hcl_snp);
}

static int run_hcl_tdx(const inputs *in)
{
    return run_hcl(&in->hcl_tdx);
}

static const struct {
    const char *name;
    bench_fn fn;
} cases[] = {
    {"snp_full (parse+VCEK DER+chain+signature+binding)", run_snp_full},
    {"snp_parse", run_snp_parse},
    {"snp_signature (ECDSA P-384)", run_snp_signature},
    {"snp_chain (VCEK->ASK->ARK, RSA-PSS 4096)", run_snp_chain},
    {"  of which roots_load (amd-milan PEM)", run_roots_load},
    {"hcl_snp (parse+binding+claims+AK)", run_hcl_snp},
    {"hcl_tdx (parse+binding+claims+AK+EK)", run_hcl_tdx},
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static void run_case(size_t c, const void *ctx)
{
    cases[c].fn(ctx);
}

static int load_inputs(const char *dir, inputs *in)
{
    const unsigned char *p;

    memset(in, 0, sizeof(*in));
    if (attls_bench_read("verify_bench", dir, "virtee-sev/report_milan.bin",
                         &in->report) ||
        attls_bench_read("verify_bench", dir, "virtee-sev/vcek_milan.der",
                         &in->vcek) ||
        attls_bench_read("verify_bench", dir,
                         "azure-cvm-tooling/hcl-report-snp.bin",
                         &in->hcl_snp) ||
        attls_bench_read("verify_bench", dir,
                         "azure-cvm-tooling/hcl-report-tdx.bin", &in->hcl_tdx))
        return -1;
    p = in->vcek.data;
    in->vek = d2i_X509(NULL, &p, (long)in->vcek.len);
    if (in->vek == NULL ||
        attls_parse_rfc3339("2026-03-01T00:00:00Z", &in->at) != 0 ||
        attls_snp_report_parse(in->report.data, in->report.len, &in->parsed,
                               NULL) != ATTLS_OK)
        return -1;
    /* Every case must succeed, or its time means nothing. */
    for (size_t c = 0; c < N_CASES; c++) {
        if (cases[c].fn(in) != ATTLS_OK) {
            fprintf(stderr, "verify_bench: %s fails on the test data\n",
                    cases[c].name);
            return -1;
        }
    }
    return 0;
}

static void free_inputs(inputs *in)
{
    attls_buf_free(&in->report);
    attls_buf_free(&in->vcek);
    attls_buf_free(&in->hcl_snp);
    attls_buf_free(&in->hcl_tdx);
    X509_free(in->vek);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ATTLS_BENCH_TESTDATA;
    int rounds = argc > 2 ? atoi(argv[2]) : 15;
    int iters = argc > 3 ? atoi(argv[3]) : 40;
    double median[N_CASES];
    inputs in;

    if (rounds < 1 || rounds > ATTLS_BENCH_MAX_ROUNDS || iters < 1) {
        fprintf(stderr,
                "usage: verify_bench [TESTDATA] [ROUNDS 1-%d] "
                "[ITERATIONS]\n",
                ATTLS_BENCH_MAX_ROUNDS);
        return 2;
    }
    if (load_inputs(dir, &in) != 0) {
        free_inputs(&in);
        return 1;
    }
    if (attls_bench_interleaved(N_CASES, rounds, iters, run_case, &in,
                                median) != 0) {
        fprintf(stderr, "verify_bench: out of memory\n");
        free_inputs(&in);
        return 1;
    }
    printf("%d rounds x %d iterations, median of per-round means\n", rounds,
           iters);
    printf("%-52s %12s %10s\n", "case", "us/op", "vs full");
    for (size_t c = 0; c < N_CASES; c++)
        printf("%-52s %12.1f %9.3fx\n", cases[c].name, median[c],
               median[c] / median[0]);
    free_inputs(&in);
    return 0;
}
