/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation tests of AK-certificate verification: every byte of the real
 * GCE AK certificates flipped, every truncation, the NV form with every
 * padding byte set. Each mutant must fail with a specific code; none may
 * pass, crash or leak.
 *
 * Each mutant costs a full chain verification (an RSA-4096 and an RSA-2048
 * signature check), slow under valgrind; the mutants are therefore split
 * into shards, `test_akcert_mutation SHARD COUNT` checking the byte
 * positions i with i % COUNT == SHARD (default: all of them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/x509.h>

#include "common/bytes.h"
#include "evidence/akcert.h"
#include "tpm_fixtures.h"

#define GCE "go-tpm-tools/attestations/gce-cos-85-nonce9009.parts/"
#define NV_SIZE 4096

static attls_trust_set TS;
static EVP_PKEY *AK;
static size_t SHARD, SHARDS = 1;

static int mine(size_t i)
{
    return i % SHARDS == SHARD;
}

static int setup(void **state)
{
    attls_buf b;
    TPMT_PUBLIC pub;

    (void)state;
    assert_int_equal(attls_trust_set_load("gcp-vtpm", NULL, &TS, NULL),
                     ATTLS_OK);
    fx_read(GCE "ak_pub.tpmt_public", &b);
    assert_int_equal(attls_tpm_public_parse(b.data, b.len, &pub, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &AK, NULL), ATTLS_OK);
    attls_buf_free(&b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    attls_trust_set_free(&TS);
    EVP_PKEY_free(AK);
    return 0;
}

/* Parse (DER or NV form) and verify with the GCE AK. */
static attls_code check(const uint8_t *buf, size_t len, int nv, EVP_PKEY *ak,
                        attls_status *st)
{
    X509 *x = NULL;
    attls_akcert_opts o = {.at = fx_time("2026-03-01T00:00:00Z"),
                           .platform = ATTLS_AK_PLATFORM_GCP,
                           .trust = &TS,
                           .ak = ak};
    attls_code rc;

    attls_status_clear(st);
    rc = nv ? attls_akcert_from_nv(buf, len, &x, st)
            : attls_akcert_parse(buf, len, &x, st);
    if (rc == ATTLS_OK)
        rc = attls_akcert_verify(x, &o, NULL, st);
    X509_free(x);
    if (rc != ATTLS_OK)
        assert_true(st->check[0] != '\0' && st->message[0] != '\0');
    return rc;
}

static int rejected_as_expected(attls_code rc)
{
    switch (rc) {
    case ATTLS_E_CERT_PARSE:
    case ATTLS_E_CERT_SIGNATURE:
    case ATTLS_E_CERT_ROOT:
    case ATTLS_E_CERT_EXPIRED:
    case ATTLS_E_CERT_CHAIN:
    case ATTLS_E_TPM_AKCERT_KEY_MISMATCH:
    case ATTLS_E_TPM_GCE_IDENTITY:
        return 1;
    default:
        return 0;
    }
}

static void flip_all(const char *label, const uint8_t *der, size_t len,
                     EVP_PKEY *ak)
{
    uint8_t *buf = OPENSSL_malloc(len);
    attls_status st;
    size_t counts[2] = {0, 0};

    assert_int_equal(check(der, len, 0, ak, &st), ATTLS_OK);
    for (size_t i = 0; i < len; i++) {
        attls_code rc;

        if (!mine(i))
            continue;
        memcpy(buf, der, len);
        buf[i] ^= (i & 1) ? 0x80 : 0x01;
        rc = check(buf, len, 0, ak, &st);
        if (!rejected_as_expected(rc))
            fail_msg("%s byte %zu flipped: got %s (%s)", label, i,
                     attls_status_code_name(rc), st.message);
        counts[rc == ATTLS_E_CERT_PARSE]++;
    }
    /* Both the parser and the chain check must have been exercised. */
    assert_true(counts[0] > 0 && counts[1] > 0);
    print_message("%s: %zu mutants rejected by the parser, %zu by the "
                  "chain or key checks\n",
                  label, counts[1], counts[0]);
    OPENSSL_free(buf);
}

static void test_flip_legacy_ak(void **state)
{
    attls_buf der;

    (void)state;
    fx_read(GCE "ak_cert.der", &der);
    flip_all("COS-85 AK certificate", der.data, der.len, AK);
    attls_buf_free(&der);
}

static void test_flip_2024_ak(void **state)
{
    X509 *x = fx_cert("gcp-vtpm-ek-ak/akcert.pem");
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);

    (void)state;
    assert_true(n > 0);
    flip_all("2024 AK certificate", der, (size_t)n, NULL);
    OPENSSL_free(der);
    X509_free(x);
}

static void test_truncations(void **state)
{
    attls_buf der;
    attls_status st;

    (void)state;
    fx_read(GCE "ak_cert.der", &der);
    for (size_t n = 0; n < der.len; n++) {
        attls_code rc;

        if (!mine(n))
            continue;
        rc = check(der.data, n, 0, AK, &st);
        if (rc != ATTLS_E_CERT_PARSE)
            fail_msg("cut to %zu bytes: got %s", n, attls_status_code_name(rc));
    }
    attls_buf_free(&der);
}

/* The NV form: the certificate cut short, every padding byte set. */
static void test_nv_mutations(void **state)
{
    attls_buf der;
    uint8_t *nv = OPENSSL_zalloc(NV_SIZE);
    attls_status st;

    (void)state;
    fx_read(GCE "ak_cert.der", &der);
    memcpy(nv, der.data, der.len);
    assert_int_equal(check(nv, NV_SIZE, 1, AK, &st), ATTLS_OK);
    for (size_t n = 0; n < der.len; n++) {
        attls_code rc;

        if (!mine(n))
            continue;
        rc = check(nv, n, 1, AK, &st);
        if (rc != ATTLS_E_TPM_AKCERT_NV_FORMAT)
            fail_msg("NV contents cut to %zu bytes: got %s", n,
                     attls_status_code_name(rc));
    }
    for (size_t i = der.len; i < NV_SIZE; i++) {
        if (!mine(i))
            continue;
        nv[i] = (uint8_t)(1 + i % 255);
        assert_int_equal(check(nv, NV_SIZE, 1, AK, &st),
                         ATTLS_E_TPM_AKCERT_NV_FORMAT);
        nv[i] = 0;
    }
    /* The DER length bytes themselves. */
    for (size_t i = 0; i < 4; i++) {
        for (unsigned v = 1; v < 256; v <<= 1) {
            attls_code rc;

            nv[i] ^= (uint8_t)v;
            rc = check(nv, NV_SIZE, 1, AK, &st);
            nv[i] ^= (uint8_t)v;
            if (rc != ATTLS_E_TPM_AKCERT_NV_FORMAT && rc != ATTLS_E_CERT_PARSE)
                fail_msg("NV header byte %zu ^ 0x%02x: got %s", i, v,
                         attls_status_code_name(rc));
        }
    }
    OPENSSL_free(nv);
    attls_buf_free(&der);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flip_legacy_ak),
        cmocka_unit_test(test_flip_2024_ak),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_nv_mutations),
    };
    if (argc == 3) {
        SHARD = strtoul(argv[1], NULL, 10);
        SHARDS = strtoul(argv[2], NULL, 10);
    }
    assert_true(SHARDS > 0 && SHARD < SHARDS);
    /* libtss2-mu logs each malformed structure at its default level. */
    setenv("TSS2_LOG", "all+none", 0);
    return cmocka_run_group_tests(tests, setup, teardown);
}
