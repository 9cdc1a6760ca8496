/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mutation tests of the quote and certify verifiers: every byte of the
 * real Azure and GCE inputs flipped (three patterns each), every
 * truncation. Each mutant must be rejected with a specific code of the
 * part it hit; none may pass, crash or leak (run under ASan and valgrind).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <tss2/tss2_mu.h>

#include "common/bytes.h"
#include "evidence/tpm_attest.h"
#include "tpm_fixtures.h"

#define AZ "azure-cvm-tooling/"
#define GCE "go-tpm-tools/attestations/gce-cos-85-nonce9009.parts/"

static const uint8_t flips[] = {0x01, 0x80, 0xff};
static const uint8_t nonce9009[] = {0x90, 0x09};

/* One real quote with everything needed to verify it. */
typedef struct real_quote {
    attls_buf attest, sig, pcr_file, ak_file;
    attls_tpm_sig sig_in;
    attls_tpm_pcrs pcrs;
    EVP_PKEY *ak;
    TPMT_PUBLIC ak_pub;
    uint8_t qn[ATTLS_TPM_MAX_NAME];
    attls_tpm_verify_opts opts;
} real_quote;

static real_quote AZQ, GQ;

static int setup(void **state)
{
    BIO *bio;
    size_t qn_len = 0;

    (void)state;
    memset(&AZQ, 0, sizeof(AZQ));
    fx_read(AZ "quote.parts.tpms_attest", &AZQ.attest);
    fx_read(AZ "quote.parts.rsassa_sig", &AZQ.sig);
    fx_read(AZ "quote.parts.pcrs_sha256", &AZQ.pcr_file);
    fx_read(AZ "akpub.pem", &AZQ.ak_file);
    bio = BIO_new_mem_buf(AZQ.ak_file.data, (int)AZQ.ak_file.len);
    AZQ.ak = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    assert_non_null(AZQ.ak);
    AZQ.sig_in.format = ATTLS_TPM_SIG_RAW;
    AZQ.sig_in.scheme = TPM2_ALG_RSASSA;
    AZQ.sig_in.hash = TPM2_ALG_SHA256;
    AZQ.opts.extra_data = (const uint8_t *)"challenge";
    AZQ.opts.extra_data_len = 9;
    fx_quote_pcrs(&AZQ.attest, &AZQ.pcr_file, &AZQ.pcrs);

    memset(&GQ, 0, sizeof(GQ));
    fx_read(GCE "quote-sha256.tpms_attest", &GQ.attest);
    fx_read(GCE "quote-sha256.tpmt_signature", &GQ.sig);
    fx_read(GCE "quote-sha256.pcrs", &GQ.pcr_file);
    fx_read(GCE "ak_pub.tpmt_public", &GQ.ak_file);
    assert_int_equal(attls_tpm_public_parse(GQ.ak_file.data, GQ.ak_file.len,
                                            &GQ.ak_pub, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_public_to_pkey(&GQ.ak_pub, &GQ.ak, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_primary_qualified_name(
                         &GQ.ak_pub, TPM2_RH_ENDORSEMENT, GQ.qn, &qn_len, NULL),
                     ATTLS_OK);
    GQ.sig_in.format = ATTLS_TPM_SIG_TPMT;
    GQ.opts.extra_data = nonce9009;
    GQ.opts.extra_data_len = 2;
    GQ.opts.qualified_signer = GQ.qn;
    GQ.opts.qualified_signer_len = qn_len;
    fx_quote_pcrs(&GQ.attest, &GQ.pcr_file, &GQ.pcrs);
    return 0;
}

static void free_quote(real_quote *q)
{
    attls_buf_free(&q->attest);
    attls_buf_free(&q->sig);
    attls_buf_free(&q->pcr_file);
    attls_buf_free(&q->ak_file);
    EVP_PKEY_free(q->ak);
}

static int teardown(void **state)
{
    (void)state;
    free_quote(&AZQ);
    free_quote(&GQ);
    return 0;
}

static attls_code verify(real_quote *q, const uint8_t *attest, size_t alen,
                         const uint8_t *sig, size_t slen,
                         const attls_tpm_pcrs *pcrs, attls_status *st)
{
    attls_tpm_sig s = q->sig_in;
    attls_code rc;

    s.data = sig;
    s.len = slen;
    attls_status_clear(st);
    rc = attls_tpm_quote_verify(attest, alen, &s, q->ak, pcrs, &q->opts, NULL,
                                st);
    /* Every rejection names its check and says why. */
    if (rc != ATTLS_OK)
        assert_true(st->check[0] != '\0' && st->message[0] != '\0');
    return rc;
}

static int one_of(attls_code rc, const attls_code *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (rc == set[i])
            return 1;
    }
    return 0;
}

#define EXPECT_ONE_OF(rc, st, where, ...)                                      \
    do {                                                                       \
        static const attls_code set_[] = {__VA_ARGS__};                        \
        if (!one_of((rc), set_, sizeof(set_) / sizeof(set_[0])))               \
            fail_msg("%s: got %s (%s: %s)", (where),                           \
                     attls_status_code_name(rc), (st)->check, (st)->message);  \
    } while (0)

static void flip_attest(real_quote *q)
{
    uint8_t *buf = OPENSSL_malloc(q->attest.len);
    attls_status st;
    char where[64];

    for (size_t i = 0; i < q->attest.len; i++) {
        for (size_t f = 0; f < sizeof(flips); f++) {
            attls_code rc;

            memcpy(buf, q->attest.data, q->attest.len);
            buf[i] ^= flips[f];
            rc = verify(q, buf, q->attest.len, q->sig.data, q->sig.len,
                        &q->pcrs, &st);
            snprintf(where, sizeof(where), "attest byte %zu ^ 0x%02x", i,
                     flips[f]);
            if (i < 4)
                EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_ATTEST_MAGIC);
            else if (i < 6)
                EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_ATTEST_TYPE);
            else
                EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_ATTEST_PARSE,
                              ATTLS_E_TPM_ATTEST_TRAILING,
                              ATTLS_E_TPM_SIGNATURE);
        }
    }
    OPENSSL_free(buf);
}

static void truncate_attest(real_quote *q)
{
    uint8_t *buf = OPENSSL_malloc(q->attest.len + 1);
    attls_status st;

    memcpy(buf, q->attest.data, q->attest.len);
    for (size_t n = 0; n < q->attest.len; n++) {
        attls_code rc =
            verify(q, buf, n, q->sig.data, q->sig.len, &q->pcrs, &st);

        if (rc != ATTLS_E_TPM_ATTEST_PARSE)
            fail_msg("attest cut to %zu bytes: got %s", n,
                     attls_status_code_name(rc));
    }
    for (unsigned v = 0; v < 256; v += 51) {
        buf[q->attest.len] = (uint8_t)v;
        assert_int_equal(verify(q, buf, q->attest.len + 1, q->sig.data,
                                q->sig.len, &q->pcrs, &st),
                         ATTLS_E_TPM_ATTEST_TRAILING);
    }
    OPENSSL_free(buf);
}

static void test_attest_mutations(void **state)
{
    attls_status st;

    (void)state;
    /* The unmutated inputs pass: the mutants fail for the mutation. */
    assert_int_equal(verify(&AZQ, AZQ.attest.data, AZQ.attest.len, AZQ.sig.data,
                            AZQ.sig.len, &AZQ.pcrs, &st),
                     ATTLS_OK);
    assert_int_equal(verify(&GQ, GQ.attest.data, GQ.attest.len, GQ.sig.data,
                            GQ.sig.len, &GQ.pcrs, &st),
                     ATTLS_OK);
    flip_attest(&AZQ);
    flip_attest(&GQ);
    truncate_attest(&AZQ);
    truncate_attest(&GQ);
}

/* The Azure signature is raw: every change breaks the RSA signature. */
static void test_raw_signature_mutations(void **state)
{
    uint8_t buf[512];
    attls_status st;
    char where[64];

    (void)state;
    for (size_t i = 0; i < AZQ.sig.len; i++) {
        for (size_t f = 0; f < sizeof(flips); f++) {
            attls_code rc;

            memcpy(buf, AZQ.sig.data, AZQ.sig.len);
            buf[i] ^= flips[f];
            rc = verify(&AZQ, AZQ.attest.data, AZQ.attest.len, buf, AZQ.sig.len,
                        &AZQ.pcrs, &st);
            snprintf(where, sizeof(where), "signature byte %zu ^ 0x%02x", i,
                     flips[f]);
            EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_SIGNATURE);
        }
    }
    memcpy(buf, AZQ.sig.data, AZQ.sig.len);
    for (size_t n = 0; n <= AZQ.sig.len + 1; n++) {
        attls_code rc;

        if (n == AZQ.sig.len)
            continue;
        rc = verify(&AZQ, AZQ.attest.data, AZQ.attest.len, buf, n, &AZQ.pcrs,
                    &st);
        snprintf(where, sizeof(where), "signature of %zu bytes", n);
        if (n == 0)
            EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_SIG_PARSE);
        else
            EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_SIGNATURE);
    }
}

/* TPMT_SIGNATURE: sigAlg 0-1, hash 2-3, size 4-5, signature 6.. */
static void test_tpmt_signature_mutations(void **state)
{
    uint8_t buf[512];
    attls_status st;
    char where[64];

    (void)state;
    for (size_t i = 0; i < GQ.sig.len; i++) {
        for (size_t f = 0; f < sizeof(flips); f++) {
            attls_code rc;

            memcpy(buf, GQ.sig.data, GQ.sig.len);
            buf[i] ^= flips[f];
            rc = verify(&GQ, GQ.attest.data, GQ.attest.len, buf, GQ.sig.len,
                        &GQ.pcrs, &st);
            snprintf(where, sizeof(where), "TPMT_SIGNATURE byte %zu ^ 0x%02x",
                     i, flips[f]);
            if (i < 4)
                EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_SIG_PARSE,
                              ATTLS_E_TPM_SIG_SCHEME, ATTLS_E_TPM_SIGNATURE);
            else if (i < 6)
                EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_SIG_PARSE);
            else
                EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_SIGNATURE);
        }
    }
    memcpy(buf, GQ.sig.data, GQ.sig.len);
    for (size_t n = 0; n < GQ.sig.len; n++) {
        attls_code rc =
            verify(&GQ, GQ.attest.data, GQ.attest.len, buf, n, &GQ.pcrs, &st);

        snprintf(where, sizeof(where), "TPMT_SIGNATURE of %zu bytes", n);
        EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_SIG_PARSE);
    }
    buf[GQ.sig.len] = 0;
    assert_int_equal(verify(&GQ, GQ.attest.data, GQ.attest.len, buf,
                            GQ.sig.len + 1, &GQ.pcrs, &st),
                     ATTLS_E_TPM_SIG_PARSE);
}

/* Every PCR value matters to the digest. */
static void test_pcr_value_mutations(void **state)
{
    attls_tpm_pcrs pcrs;
    attls_status st;

    (void)state;
    for (size_t i = 0; i < AZQ.pcr_file.len; i++) {
        pcrs = AZQ.pcrs;
        pcrs.banks[0].values[i / 32][i % 32] ^= flips[i % sizeof(flips)];
        assert_int_equal(verify(&AZQ, AZQ.attest.data, AZQ.attest.len,
                                AZQ.sig.data, AZQ.sig.len, &pcrs, &st),
                         ATTLS_E_TPM_PCR_DIGEST);
    }
    /* Each PCR missing in turn. */
    for (unsigned k = 0; k < 24; k++) {
        pcrs = AZQ.pcrs;
        pcrs.banks[0].present &= ~(1u << k);
        assert_int_equal(verify(&AZQ, AZQ.attest.data, AZQ.attest.len,
                                AZQ.sig.data, AZQ.sig.len, &pcrs, &st),
                         ATTLS_E_TPM_PCR_SELECTION);
    }
}

/*
 * The GCE AK public area, each byte flipped. With the qualifiedSigner
 * check on, even fields that do not change the key (attributes, policy,
 * scheme) must make verification fail.
 */
static void test_ak_public_mutations(void **state)
{
    uint8_t buf[512], qn[ATTLS_TPM_MAX_NAME];
    attls_status st;
    char where[64];

    (void)state;
    for (size_t i = 0; i < GQ.ak_file.len; i++) {
        for (size_t f = 0; f < sizeof(flips); f++) {
            TPMT_PUBLIC pub;
            EVP_PKEY *ak = NULL;
            size_t qn_len = 0;
            attls_code rc;
            attls_tpm_sig s = GQ.sig_in;
            attls_tpm_verify_opts o = GQ.opts;

            memcpy(buf, GQ.ak_file.data, GQ.ak_file.len);
            buf[i] ^= flips[f];
            snprintf(where, sizeof(where), "AK public byte %zu ^ 0x%02x", i,
                     flips[f]);
            attls_status_clear(&st);
            rc = attls_tpm_public_parse(buf, GQ.ak_file.len, &pub, &st);
            if (rc == ATTLS_OK)
                rc = attls_tpm_public_to_pkey(&pub, &ak, &st);
            if (rc == ATTLS_OK)
                rc = attls_tpm_primary_qualified_name(&pub, TPM2_RH_ENDORSEMENT,
                                                      qn, &qn_len, &st);
            if (rc == ATTLS_OK) {
                s.data = GQ.sig.data;
                s.len = GQ.sig.len;
                o.qualified_signer = qn;
                o.qualified_signer_len = qn_len;
                rc = attls_tpm_quote_verify(GQ.attest.data, GQ.attest.len, &s,
                                            ak, &GQ.pcrs, &o, NULL, &st);
            }
            EVP_PKEY_free(ak);
            EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_PUBLIC_PARSE,
                          ATTLS_E_TPM_PUBLIC_UNSUPPORTED, ATTLS_E_TPM_AK_KEY,
                          ATTLS_E_TPM_SIG_SCHEME, ATTLS_E_TPM_SIGNATURE,
                          ATTLS_E_TPM_SIGNER_MISMATCH);
        }
    }
}

/* A certification made at test time: its attest and public area mutated. */
static void test_certify_mutations(void **state)
{
    EVP_PKEY *ak = fx_ec_key("prime256v1"), *ak_pub = fx_public(ak);
    EVP_PKEY *tls = fx_ec_key("secp384r1");
    TPMT_PUBLIC certified, pub;
    TPMS_ATTEST a;
    TPMT_SIGNATURE sig;
    uint8_t attest[1024], sig_buf[512], pub_buf[1024], buf[1024];
    size_t attest_len, sig_len, pub_len = 0;
    attls_tpm_sig s;
    attls_tpm_verify_opts o = {.extra_data = nonce9009, .extra_data_len = 2};
    attls_status st;
    char where[64];

    (void)state;
    fx_tpm_public(tls, TPM2_ALG_SHA256, &certified);
    fx_attest_init(&a, TPM2_ST_ATTEST_CERTIFY, nonce9009, 2);
    fx_name(&certified, &a.attested.certify.name);
    attest_len = fx_marshal_attest(&a, attest, sizeof(attest));
    fx_sign(ak, TPM2_ALG_ECDSA, TPM2_ALG_SHA256, attest, attest_len, &sig);
    sig_len = fx_marshal_sig(&sig, sig_buf, sizeof(sig_buf));
    s = fx_tpmt_input(sig_buf, sig_len);
    assert_int_equal(Tss2_MU_TPMT_PUBLIC_Marshal(&certified, pub_buf,
                                                 sizeof(pub_buf), &pub_len),
                     TSS2_RC_SUCCESS);
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_certify_verify(attest, attest_len, &s, ak_pub,
                                              &certified, &o, NULL, &st),
                     ATTLS_OK);
    for (size_t i = 0; i < attest_len; i++) {
        attls_code rc;

        memcpy(buf, attest, attest_len);
        buf[i] ^= flips[i % sizeof(flips)];
        attls_status_clear(&st);
        rc = attls_tpm_certify_verify(buf, attest_len, &s, ak_pub, &certified,
                                      &o, NULL, &st);
        snprintf(where, sizeof(where), "certify attest byte %zu", i);
        EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_ATTEST_MAGIC,
                      ATTLS_E_TPM_ATTEST_TYPE, ATTLS_E_TPM_ATTEST_PARSE,
                      ATTLS_E_TPM_ATTEST_TRAILING, ATTLS_E_TPM_SIGNATURE);
    }
    for (size_t i = 0; i < pub_len; i++) {
        attls_code rc;

        memcpy(buf, pub_buf, pub_len);
        buf[i] ^= flips[i % sizeof(flips)];
        attls_status_clear(&st);
        rc = attls_tpm_public_parse(buf, pub_len, &pub, &st);
        if (rc == ATTLS_OK)
            rc = attls_tpm_certify_verify(attest, attest_len, &s, ak_pub, &pub,
                                          &o, NULL, &st);
        snprintf(where, sizeof(where), "certified public byte %zu", i);
        EXPECT_ONE_OF(rc, &st, where, ATTLS_E_TPM_PUBLIC_PARSE,
                      ATTLS_E_TPM_PUBLIC_UNSUPPORTED,
                      ATTLS_E_TPM_NAME_MISMATCH);
    }
    EVP_PKEY_free(ak);
    EVP_PKEY_free(ak_pub);
    EVP_PKEY_free(tls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attest_mutations),
        cmocka_unit_test(test_raw_signature_mutations),
        cmocka_unit_test(test_tpmt_signature_mutations),
        cmocka_unit_test(test_pcr_value_mutations),
        cmocka_unit_test(test_ak_public_mutations),
        cmocka_unit_test(test_certify_mutations),
    };
    /* libtss2-mu logs each malformed structure at its default level;
     * thousands of expected rejections need no log lines. */
    setenv("TSS2_LOG", "all+none", 0);
    return cmocka_run_group_tests(tests, setup, teardown);
}
