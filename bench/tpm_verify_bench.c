/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tpm_verify_bench: time of the TPM2_Quote and AK-certificate verifiers on
 * the real vectors, against a bare RSA-2048 signature check of the same
 * bytes as the baseline.
 *
 * Cases run interleaved, round after round, so that machine noise hits all
 * of them alike; the result per case is the median over rounds of the mean
 * time per operation, and its ratio to the bare RSA verification.
 *
 *   tpm_verify_bench [TESTDATA_DIR] [ROUNDS] [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "bench/bench_rounds.h"
#include "common/bytes.h"
#include "evidence/akcert.h"
#include "evidence/roots.h"
#include "evidence/tpm_attest.h"

#define AZ "azure-cvm-tooling/"
#define GCE "go-tpm-tools/attestations/gce-cos-85-nonce9009.parts/"

typedef struct inputs {
    attls_buf az_attest, az_sig, az_pcrs, gce_attest, gce_sig, gce_pcrs,
        gce_cert;
    EVP_PKEY *az_ak, *gce_ak;
    attls_tpm_pcrs az_values, gce_values;
    uint8_t gce_signer[ATTLS_TPM_MAX_NAME];
    size_t gce_signer_len;
    attls_trust_set gcp;
    time_t at;
} inputs;

typedef int (*bench_fn)(const inputs *in);

/* Baseline: RSASSA-PKCS1-v1_5/SHA-256 over the 122 quote bytes, by hand. */
static int run_rsa_verify(const inputs *in)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = ctx != NULL &&
             EVP_DigestVerifyInit_ex(ctx, &pctx, "SHA256", NULL, NULL,
                                     in->az_ak, NULL) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
             EVP_DigestVerify(ctx, in->az_sig.data, in->az_sig.len,
                              in->az_attest.data, in->az_attest.len) == 1;

    EVP_MD_CTX_free(ctx);
    return ok ? ATTLS_OK : ATTLS_E_TPM_SIGNATURE;
}

/* The whole Azure quote check: parse, RSASSA signature, nonce, 24 PCRs. */
static int run_quote_azure(const inputs *in)
{
    attls_tpm_sig s = {.format = ATTLS_TPM_SIG_RAW,
                       .scheme = TPM2_ALG_RSASSA,
                       .hash = TPM2_ALG_SHA256,
                       .data = in->az_sig.data,
                       .len = in->az_sig.len};
    attls_tpm_verify_opts o = {.extra_data = (const uint8_t *)"challenge",
                               .extra_data_len = 9};
    attls_tpm_attest_claims c;

    return attls_tpm_quote_verify(in->az_attest.data, in->az_attest.len, &s,
                                  in->az_ak, &in->az_values, &o, &c, NULL);
}

/* GCE: TPMT_SIGNATURE, qualifiedSigner, SHA-384 bank digested with SHA-256. */
static int run_quote_gce(const inputs *in)
{
    attls_tpm_sig s = {.format = ATTLS_TPM_SIG_TPMT,
                       .data = in->gce_sig.data,
                       .len = in->gce_sig.len};
    attls_tpm_verify_opts o = {.extra_data = (const uint8_t *)"\x90\x09",
                               .extra_data_len = 2,
                               .qualified_signer = in->gce_signer,
                               .qualified_signer_len = in->gce_signer_len};
    attls_tpm_attest_claims c;

    return attls_tpm_quote_verify(in->gce_attest.data, in->gce_attest.len, &s,
                                  in->gce_ak, &in->gce_values, &o, &c, NULL);
}

/* TPMS_ATTEST unmarshalling alone. */
static int run_attest_parse(const inputs *in)
{
    TPMS_ATTEST a;

    return attls_tpm_attest_parse(in->az_attest.data, in->az_attest.len,
                                  TPM2_ST_ATTEST_QUOTE, &a, NULL);
}

/* The COS-85 AK certificate: DER, chain (RSA-4096 root), key, identity. */
static int run_akcert(const inputs *in)
{
    X509 *x = NULL;
    attls_akcert_opts o = {.at = in->at,
                           .platform = ATTLS_AK_PLATFORM_GCP,
                           .trust = &in->gcp,
                           .ak = in->gce_ak};
    attls_akcert_claims c;
    int rc = attls_akcert_parse(in->gce_cert.data, in->gce_cert.len, &x, NULL);

    if (rc == ATTLS_OK)
        rc = attls_akcert_verify(x, &o, &c, NULL);
    X509_free(x);
    return rc;
}

static const struct {
    const char *name;
    bench_fn fn;
    const char *what;
} cases[] = {
    {"rsa_verify", run_rsa_verify,
     "RSASSA-PKCS1/SHA-256 over the 122-byte quote with EVP (baseline)"},
    {"quote_azure", run_quote_azure,
     "TPM quote: `verify-quote` work on the Azure quote (parse, raw RSASSA "
     "signature, extraData, 24 SHA-256 PCRs)"},
    {"quote_gce", run_quote_gce,
     "TPM quote: GCE COS-85 SHA-384 bank (TPMT_SIGNATURE, qualifiedSigner, "
     "24 SHA-384 PCRs)"},
    {"attest_parse", run_attest_parse, "TPMS_ATTEST strict unmarshalling"},
    {"akcert_gce", run_akcert,
     "AK certificate: COS-85 DER, chain to the pinned GCE root (RSA-4096), "
     "AK key, instance identity"},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void run_case(size_t c, const void *ctx)
{
    cases[c].fn(ctx);
}

static int load(const char *dir, inputs *in)
{
    TPMT_PUBLIC pub;
    TPMS_ATTEST a;
    attls_buf b;
    BIO *bio;

    memset(in, 0, sizeof(*in));
    in->at = 1772323200; /* 2026-03-01T00:00:00Z */
    if (attls_bench_read("tpm_verify_bench", dir, AZ "quote.parts.tpms_attest",
                         &in->az_attest) ||
        attls_bench_read("tpm_verify_bench", dir, AZ "quote.parts.rsassa_sig",
                         &in->az_sig) ||
        attls_bench_read("tpm_verify_bench", dir, AZ "quote.parts.pcrs_sha256",
                         &in->az_pcrs) ||
        attls_bench_read("tpm_verify_bench", dir,
                         GCE "quote-sha384.tpms_attest", &in->gce_attest) ||
        attls_bench_read("tpm_verify_bench", dir,
                         GCE "quote-sha384.tpmt_signature", &in->gce_sig) ||
        attls_bench_read("tpm_verify_bench", dir, GCE "quote-sha384.pcrs",
                         &in->gce_pcrs) ||
        attls_bench_read("tpm_verify_bench", dir, GCE "ak_cert.der",
                         &in->gce_cert) ||
        attls_bench_read("tpm_verify_bench", dir, AZ "akpub.pem", &b))
        return -1;
    bio = BIO_new_mem_buf(b.data, (int)b.len);
    in->az_ak = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    attls_buf_free(&b);
    if (attls_bench_read("tpm_verify_bench", dir, GCE "ak_pub.tpmt_public", &b))
        return -1;
    if (in->az_ak == NULL ||
        attls_tpm_public_parse(b.data, b.len, &pub, NULL) != ATTLS_OK ||
        attls_tpm_public_to_pkey(&pub, &in->gce_ak, NULL) != ATTLS_OK ||
        attls_tpm_primary_qualified_name(&pub, TPM2_RH_ENDORSEMENT,
                                         in->gce_signer, &in->gce_signer_len,
                                         NULL) != ATTLS_OK ||
        attls_trust_set_load("gcp-vtpm", NULL, &in->gcp, NULL) != ATTLS_OK) {
        attls_buf_free(&b);
        return -1;
    }
    attls_buf_free(&b);
    attls_tpm_pcrs_init(&in->az_values);
    attls_tpm_pcrs_init(&in->gce_values);
    if (attls_tpm_attest_parse(in->az_attest.data, in->az_attest.len,
                               TPM2_ST_ATTEST_QUOTE, &a, NULL) != ATTLS_OK ||
        attls_tpm_pcrs_set_raw(
            &in->az_values, &a.attested.quote.pcrSelect.pcrSelections[0],
            in->az_pcrs.data, in->az_pcrs.len, NULL) != ATTLS_OK ||
        attls_tpm_attest_parse(in->gce_attest.data, in->gce_attest.len,
                               TPM2_ST_ATTEST_QUOTE, &a, NULL) != ATTLS_OK ||
        attls_tpm_pcrs_set_raw(
            &in->gce_values, &a.attested.quote.pcrSelect.pcrSelections[0],
            in->gce_pcrs.data, in->gce_pcrs.len, NULL) != ATTLS_OK)
        return -1;
    return 0;
}

static void unload(inputs *in)
{
    attls_buf *bufs[] = {&in->az_attest,  &in->az_sig,  &in->az_pcrs,
                         &in->gce_attest, &in->gce_sig, &in->gce_pcrs,
                         &in->gce_cert};

    for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
        attls_buf_free(bufs[i]);
    EVP_PKEY_free(in->az_ak);
    EVP_PKEY_free(in->gce_ak);
    attls_trust_set_free(&in->gcp);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ATTLS_BENCH_TESTDATA;
    int rounds = argc > 2 ? atoi(argv[2]) : 21;
    int iters = argc > 3 ? atoi(argv[3]) : 100;
    double median[NCASES];
    inputs in;

    if (rounds < 1 || rounds > ATTLS_BENCH_MAX_ROUNDS || iters < 1) {
        fprintf(stderr,
                "usage: tpm_verify_bench [TESTDATA] [ROUNDS<=%d] "
                "[ITERATIONS]\n",
                ATTLS_BENCH_MAX_ROUNDS);
        return 2;
    }
    if (load(dir, &in) != 0) {
        fprintf(stderr, "tpm_verify_bench: cannot load the vectors\n");
        unload(&in);
        return 1;
    }
    for (size_t c = 0; c < NCASES; c++) {
        if (cases[c].fn(&in) != ATTLS_OK) {
            fprintf(stderr, "tpm_verify_bench: case %s does not verify\n",
                    cases[c].name);
            unload(&in);
            return 1;
        }
    }
    if (attls_bench_interleaved(NCASES, rounds, iters, run_case, &in, median) !=
        0) {
        fprintf(stderr, "tpm_verify_bench: out of memory\n");
        unload(&in);
        return 1;
    }
    printf("%d rounds x %d iterations\n\n| case | µs/op | vs bare RSA |\n"
           "|---|---:|---:|\n",
           rounds, iters);
    for (size_t c = 0; c < NCASES; c++)
        printf("| %s: %s | %.1f | %.2f |\n", cases[c].name, cases[c].what,
               median[c], median[c] / median[0]);
    unload(&in);
    return 0;
}
