/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time to verify one TDX quote: dcap-qvl's v4 quote with its full Intel
 * collateral at 2025-07-01 (PCK chain, CRLs, TCB Info, QE Identity, TCB
 * evaluation), next to the crypto-only verification of the same quote
 * and to one ECDSA-P256 verification as a yardstick. The three are timed
 * in interleaved rounds; each round gives two ratios and the report is
 * their median (and the median times), because this machine is noisy:
 * ratios measured side by side survive that, absolute times do not.
 *
 * usage: bench_tdx [ROUNDS]   (ATTLS_TESTDATA overrides the built-in path
 *                              of ../shared/testdata)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/bytes.h"
#include "common/timeutil.h"
#include "evidence/ecdsa_raw.h"
#include "evidence/tdx.h"

#define BATCH 10

typedef struct inputs {
    attls_buf quote;
    attls_tdx_collateral coll;
    attls_trust_set trust;
    attls_tdx_verify_params with, without;
    attls_tdx_quote q;
    EVP_PKEY *pck_key;
} inputs;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const attls_status *st)
{
    fprintf(stderr, "bench_tdx: %s: %s\n", what, st->message);
    return -1;
}

static int load(inputs *in)
{
    const char *td = getenv("ATTLS_TESTDATA");
    char path[4096];
    attls_tdx_pck pck;
    attls_status st;
    time_t at;

    memset(in, 0, sizeof(*in));
    attls_status_clear(&st);
    if (td == NULL)
        td = ATTLS_BENCH_TESTDATA;
    snprintf(path, sizeof(path), "%s/dcap-qvl/tdx_quote.dat", td);
    if (attls_tdx_collateral_load_file(path, &in->quote, &st) != ATTLS_OK)
        return fail("quote", &st);
    snprintf(path, sizeof(path), "%s/dcap-qvl/tdx_quote_collateral", td);
    if (attls_tdx_collateral_load_dir(path, &in->coll, &st) != ATTLS_OK ||
        attls_trust_set_load("intel-sgx", NULL, &in->trust, &st) != ATTLS_OK ||
        attls_parse_rfc3339("2025-07-01T00:00:00Z", &at) != 0 ||
        attls_tdx_quote_parse(in->quote.data, in->quote.len, &in->q, &st) !=
            ATTLS_OK)
        return fail("inputs", &st);
    in->with = (attls_tdx_verify_params){
        .at = at, .trust = &in->trust, .collateral = &in->coll};
    in->without = (attls_tdx_verify_params){.at = at, .trust = &in->trust};
    if (attls_tdx_pck_load(&in->q, NULL, 0, &pck, &st) != ATTLS_OK)
        return fail("PCK", &st);
    in->pck_key = X509_get_pubkey(pck.leaf);
    attls_tdx_pck_free(&pck);
    return 0;
}

static void unload(inputs *in)
{
    EVP_PKEY_free(in->pck_key);
    attls_trust_set_free(&in->trust);
    attls_tdx_collateral_free(&in->coll);
    attls_buf_free(&in->quote);
}

/* Seconds per call of a batch; negative if a call did not verify. */
static double time_verify(inputs *in, const attls_tdx_verify_params *p)
{
    double t0 = now();

    for (int i = 0; i < BATCH; i++) {
        attls_tdx_claims claims;
        attls_code rc =
            attls_tdx_verify(in->quote.data, in->quote.len, p, &claims, NULL);

        attls_tdx_claims_free(&claims);
        if (rc != ATTLS_OK)
            return -1;
    }
    return (now() - t0) / BATCH;
}

static double time_ecdsa(inputs *in)
{
    double t0 = now();

    for (int i = 0; i < BATCH; i++) {
        if (attls_ecdsa_raw_verify(in->pck_key, "SHA256", in->q.qe_report,
                                   ATTLS_TDX_QE_REPORT_LEN, in->q.qe_report_sig,
                                   in->q.qe_report_sig + 32, 32,
                                   ATTLS_ECDSA_BIG_ENDIAN) != 1)
            return -1;
    }
    return (now() - t0) / BATCH;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 15;
    double *full, *crypto, *ecdsa, *r_crypto = NULL, *r_ecdsa = NULL;
    inputs in;
    int rc = 1;

    if (rounds < 1 || rounds > 10000 || load(&in) != 0)
        return 1;
    full = calloc((size_t)rounds, sizeof(double));
    crypto = calloc((size_t)rounds, sizeof(double));
    ecdsa = calloc((size_t)rounds, sizeof(double));
    r_crypto = calloc((size_t)rounds, sizeof(double));
    r_ecdsa = calloc((size_t)rounds, sizeof(double));
    if (full == NULL || crypto == NULL || ecdsa == NULL || r_crypto == NULL ||
        r_ecdsa == NULL)
        goto end;
    for (int r = 0; r < rounds; r++) {
        full[r] = time_verify(&in, &in.with);
        crypto[r] = time_verify(&in, &in.without);
        ecdsa[r] = time_ecdsa(&in);
        if (full[r] < 0 || crypto[r] < 0 || ecdsa[r] < 0) {
            fprintf(stderr, "bench_tdx: a verification failed\n");
            goto end;
        }
        r_crypto[r] = full[r] / crypto[r];
        r_ecdsa[r] = full[r] / ecdsa[r];
    }
    printf("TDX quote + collateral: %.3f ms, crypto only: %.3f ms, one "
           "ECDSA-P256 verify: %.3f ms (medians of %d rounds of %d)\n",
           median(full, rounds) * 1e3, median(crypto, rounds) * 1e3,
           median(ecdsa, rounds) * 1e3, rounds, BATCH);
    printf("ratios (median per round): with collateral / crypto only = "
           "%.2f, with collateral / one ECDSA verify = %.0f\n",
           median(r_crypto, rounds), median(r_ecdsa, rounds));
    rc = 0;
end:
    free(r_crypto);
    free(r_ecdsa);
    free(full);
    free(crypto);
    free(ecdsa);
    unload(&in);
    return rc;
}
