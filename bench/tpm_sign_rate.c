/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tpm_sign_rate: how many ECDSA P-256 signatures per second the TPM behind a
 * TCTI makes, through ESAPI and nothing else: the ceiling for a TLS server
 * whose key lives in that TPM.
 *
 * usage: tpm_sign_rate [-T TCTI] [-n COUNT]
 *
 * Creates a primary ECDSA P-256 signing key in the owner hierarchy once,
 * signs COUNT different SHA-256 digests one after the other the way a TLS
 * server signs a handshake (password authorization, null hash-check ticket:
 * one TPM2_Sign each), flushes the key and prints one line:
 *
 *   signs=N seconds=S per_second=R retries=K
 *
 * TPM_RC_RETRY / TPM_RC_YIELDED / TPM_RC_TESTING are retried and counted;
 * any other error ends the run with exit status 1. The TCTI defaults to
 * $ATTLS_TCTI, then to tpm2-tss' default search.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#define MAX_RETRIES 100

struct bench {
    TSS2_TCTI_CONTEXT *tcti;
    ESYS_CONTEXT *esys;
    ESYS_TR key;
    unsigned long retries;
};

static int fail(const char *what, TSS2_RC rc)
{
    fprintf(stderr, "tpm_sign_rate: %s: %s\n", what, Tss2_RC_Decode(rc));
    return -1;
}

static int is_transient(TSS2_RC rc)
{
    TSS2_RC base = rc & ~TSS2_RC_LAYER_MASK;

    return base == TPM2_RC_RETRY || base == TPM2_RC_YIELDED ||
           base == TPM2_RC_TESTING;
}

static int open_tpm(struct bench *b, const char *tcti)
{
    TSS2_RC rc = Tss2_TctiLdr_Initialize(tcti, &b->tcti);

    if (rc != TSS2_RC_SUCCESS)
        return fail(tcti != NULL ? tcti : "default TCTI", rc);
    rc = Esys_Initialize(&b->esys, b->tcti, NULL);
    if (rc != TSS2_RC_SUCCESS)
        return fail("Esys_Initialize", rc);
    return 0;
}

/* An unrestricted ECDSA P-256 signing key, as a primary: created once. */
static int create_key(struct bench *b)
{
    TPM2B_SENSITIVE_CREATE sensitive = {0};
    TPM2B_PUBLIC template = {
        .publicArea =
            {
                .type = TPM2_ALG_ECC,
                .nameAlg = TPM2_ALG_SHA256,
                .objectAttributes =
                    TPMA_OBJECT_SIGN_ENCRYPT | TPMA_OBJECT_USERWITHAUTH |
                    TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                    TPMA_OBJECT_SENSITIVEDATAORIGIN,
                .parameters.eccDetail =
                    {
                        .symmetric.algorithm = TPM2_ALG_NULL,
                        .scheme.scheme = TPM2_ALG_NULL,
                        .curveID = TPM2_ECC_NIST_P256,
                        .kdf.scheme = TPM2_ALG_NULL,
                    },
            },
    };
    TPM2B_DATA outside = {0};
    TPML_PCR_SELECTION pcrs = {0};
    TSS2_RC rc;

    rc = Esys_CreatePrimary(b->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
                            ESYS_TR_NONE, ESYS_TR_NONE, &sensitive, &template,
                            &outside, &pcrs, &b->key, NULL, NULL, NULL, NULL);
    if (rc != TSS2_RC_SUCCESS)
        return fail("Esys_CreatePrimary (ECC P-256 signing key)", rc);
    return 0;
}

static int sign_once(struct bench *b, unsigned long i)
{
    TPMT_SIG_SCHEME scheme = {.scheme = TPM2_ALG_ECDSA,
                              .details.ecdsa.hashAlg = TPM2_ALG_SHA256};
    TPMT_TK_HASHCHECK ticket = {.tag = TPM2_ST_HASHCHECK,
                                .hierarchy = TPM2_RH_NULL};
    TPM2B_DIGEST digest = {.size = TPM2_SHA256_DIGEST_SIZE};
    TPMT_SIGNATURE *sig = NULL;
    TSS2_RC rc;

    /* A different digest each time, as handshakes have. */
    memcpy(digest.buffer, &i, sizeof(i));
    for (int attempt = 0;; attempt++) {
        rc = Esys_Sign(b->esys, b->key, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                       ESYS_TR_NONE, &digest, &scheme, &ticket, &sig);
        if (!is_transient(rc) || attempt == MAX_RETRIES)
            break;
        b->retries++;
    }
    Esys_Free(sig);
    return rc == TSS2_RC_SUCCESS ? 0 : fail("Esys_Sign", rc);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void close_tpm(struct bench *b)
{
    if (b->key != ESYS_TR_NONE)
        Esys_FlushContext(b->esys, b->key);
    Esys_Finalize(&b->esys);
    Tss2_TctiLdr_Finalize(&b->tcti);
}

static int parse_count(const char *s, unsigned long *out)
{
    char *end;

    errno = 0;
    *out = strtoul(s, &end, 10);
    return errno == 0 && *s != '\0' && *s != '-' && *end == '\0' && *out > 0 &&
                   *out <= 10000000
               ? 0
               : -1;
}

int main(int argc, char **argv)
{
    struct bench b = {.key = ESYS_TR_NONE};
    const char *tcti = getenv("ATTLS_TCTI");
    unsigned long count = 200, i;
    double start, seconds;
    int opt, ret = 1;

    while ((opt = getopt(argc, argv, "T:n:")) != -1) {
        switch (opt) {
        case 'T':
            tcti = optarg;
            break;
        case 'n':
            if (parse_count(optarg, &count) != 0) {
                fprintf(stderr,
                        "tpm_sign_rate: -n %s: not a count in "
                        "1..10000000\n",
                        optarg);
                return 2;
            }
            break;
        default:
            fprintf(stderr, "usage: tpm_sign_rate [-T TCTI] [-n COUNT]\n");
            return 2;
        }
    }
    if (tcti != NULL && *tcti == '\0')
        tcti = NULL;
    if (open_tpm(&b, tcti) != 0 || create_key(&b) != 0)
        goto out;
    /* One signature outside the clock: first-use costs are not the rate. */
    if (sign_once(&b, 0) != 0)
        goto out;
    start = now();
    for (i = 1; i <= count; i++)
        if (sign_once(&b, i) != 0)
            goto out;
    seconds = now() - start;
    printf("signs=%lu seconds=%.3f per_second=%.2f retries=%lu\n", count,
           seconds, (double)count / seconds, b.retries);
    ret = 0;
out:
    close_tpm(&b);
    return ret;
}
