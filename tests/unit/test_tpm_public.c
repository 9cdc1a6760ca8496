/* SPDX-License-Identifier: Apache-2.0 */
/* TPM public areas: parsing, EVP_PKEY / SPKI conversion, names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/x509.h>
#include <tss2/tss2_mu.h>

#include "common/bytes.h"
#include "evidence/tpm_attest.h"
#include "tpm_fixtures.h"

#define GCE "go-tpm-tools/attestations/gce-cos-85-nonce9009.parts/"

static void test_parse_forms(void **state)
{
    attls_buf b;
    TPMT_PUBLIC pub, again;
    uint8_t buf[1024];
    attls_status st;

    (void)state;
    fx_read(GCE "ak_pub.tpmt_public", &b);
    assert_int_equal(attls_tpm_public_parse(b.data, b.len, &pub, NULL),
                     ATTLS_OK);
    assert_int_equal(pub.type, TPM2_ALG_RSA);
    assert_int_equal(pub.nameAlg, TPM2_ALG_SHA256);
    assert_int_equal(pub.objectAttributes, 0x00050072);
    assert_int_equal(pub.parameters.rsaDetail.keyBits, 2048);
    assert_int_equal(pub.parameters.rsaDetail.exponent, 0);
    /* The same as TPM2B_PUBLIC. */
    buf[0] = (uint8_t)(b.len >> 8);
    buf[1] = (uint8_t)b.len;
    memcpy(buf + 2, b.data, b.len);
    assert_int_equal(attls_tpm_public_parse(buf, b.len + 2, &again, NULL),
                     ATTLS_OK);
    assert_memory_equal(&pub, &again, sizeof(pub));
    /* Trailing byte, truncation, wrong TPM2B size. */
    memcpy(buf, b.data, b.len);
    buf[b.len] = 0;
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_public_parse(buf, b.len + 1, &again, &st),
                     ATTLS_E_TPM_PUBLIC_PARSE);
    assert_non_null(strstr(st.message, "1 unexpected bytes"));
    assert_int_equal(attls_tpm_public_parse(b.data, b.len - 1, &again, NULL),
                     ATTLS_E_TPM_PUBLIC_PARSE);
    buf[0] = 0;
    buf[1] = (uint8_t)(b.len + 1);
    memcpy(buf + 2, b.data, b.len);
    assert_int_equal(attls_tpm_public_parse(buf, b.len + 2, &again, NULL),
                     ATTLS_E_TPM_PUBLIC_PARSE);
    assert_int_equal(attls_tpm_public_parse(NULL, 0, &again, NULL),
                     ATTLS_E_TPM_PUBLIC_PARSE);
    attls_buf_free(&b);
}

/* The GCE AK public area is the key of its AK certificate. */
static void test_gce_ak_matches_cert(void **state)
{
    attls_buf b;
    TPMT_PUBLIC pub;
    EVP_PKEY *key = NULL;
    X509 *cert = fx_cert(GCE "ak_cert.der");
    uint8_t *spki = NULL, *cert_spki = NULL;
    size_t spki_len = 0;
    int cert_len;

    (void)state;
    fx_read(GCE "ak_pub.tpmt_public", &b);
    assert_int_equal(attls_tpm_public_parse(b.data, b.len, &pub, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &key, NULL), ATTLS_OK);
    assert_int_equal(EVP_PKEY_eq(key, X509_get0_pubkey(cert)), 1);
    assert_int_equal(attls_tpm_public_to_spki(&pub, &spki, &spki_len, NULL),
                     ATTLS_OK);
    cert_len = i2d_PUBKEY(X509_get0_pubkey(cert), &cert_spki);
    assert_int_equal(spki_len, (size_t)cert_len);
    assert_memory_equal(spki, cert_spki, spki_len);
    OPENSSL_free(spki);
    OPENSSL_free(cert_spki);
    EVP_PKEY_free(key);
    X509_free(cert);
    attls_buf_free(&b);
}

static void round_trip(EVP_PKEY *key)
{
    TPMT_PUBLIC pub;
    EVP_PKEY *back = NULL;

    fx_tpm_public(key, TPM2_ALG_SHA256, &pub);
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &back, NULL), ATTLS_OK);
    assert_int_equal(EVP_PKEY_eq(key, back), 1);
    EVP_PKEY_free(back);
}

static void test_round_trips(void **state)
{
    static const char *groups[] = {"prime256v1", "secp384r1", "secp521r1"};
    EVP_PKEY *rsa = fx_rsa_key(2048);

    (void)state;
    round_trip(rsa);
    EVP_PKEY_free(rsa);
    for (size_t i = 0; i < 3; i++) {
        EVP_PKEY *k = fx_ec_key(groups[i]);

        round_trip(k);
        EVP_PKEY_free(k);
    }
}

static void test_unsupported(void **state)
{
    EVP_PKEY *ec = fx_ec_key("prime256v1"), *rsa = fx_rsa_key(2048);
    EVP_PKEY *out = (EVP_PKEY *)1;
    TPMT_PUBLIC pub;
    attls_status st;

    (void)state;
    fx_tpm_public(ec, TPM2_ALG_SHA256, &pub);
    pub.parameters.eccDetail.curveID = TPM2_ECC_BN_P256;
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &out, NULL),
                     ATTLS_E_TPM_PUBLIC_UNSUPPORTED);
    assert_null(out);
    /* A point off the curve. */
    fx_tpm_public(ec, TPM2_ALG_SHA256, &pub);
    pub.unique.ecc.y.buffer[31] ^= 1;
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &out, &st),
                     ATTLS_E_TPM_PUBLIC_UNSUPPORTED);
    assert_non_null(strstr(st.message, "not on"));
    /* Coordinates larger than the field. */
    fx_tpm_public(ec, TPM2_ALG_SHA256, &pub);
    pub.unique.ecc.x.size = 33;
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &out, NULL),
                     ATTLS_E_TPM_PUBLIC_UNSUPPORTED);
    /* Modulus size differs from keyBits. */
    fx_tpm_public(rsa, TPM2_ALG_SHA256, &pub);
    pub.parameters.rsaDetail.keyBits = 3072;
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &out, NULL),
                     ATTLS_E_TPM_PUBLIC_UNSUPPORTED);
    /* A keyed-hash object is no public key. */
    memset(&pub, 0, sizeof(pub));
    pub.type = TPM2_ALG_KEYEDHASH;
    pub.nameAlg = TPM2_ALG_SHA256;
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &out, NULL),
                     ATTLS_E_TPM_PUBLIC_UNSUPPORTED);
    /* Unsupported nameAlg for names. */
    {
        uint8_t name[ATTLS_TPM_MAX_NAME];
        size_t n = 0;

        fx_tpm_public(rsa, TPM2_ALG_SM3_256, &pub);
        assert_int_equal(attls_tpm_primary_qualified_name(
                             &pub, TPM2_RH_ENDORSEMENT, name, &n, NULL),
                         ATTLS_E_TPM_PUBLIC_UNSUPPORTED);
        fx_tpm_public(rsa, TPM2_ALG_SHA256, &pub);
        assert_int_equal(
            attls_tpm_primary_qualified_name(&pub, 0x81000003, name, &n, NULL),
            ATTLS_E_ARGUMENT);
    }
    EVP_PKEY_free(ec);
    EVP_PKEY_free(rsa);
}

static void test_rsa_exponent(void **state)
{
    EVP_PKEY *rsa = fx_rsa_key(2048), *out = NULL;
    TPMT_PUBLIC pub;
    BIGNUM *e = NULL;

    (void)state;
    fx_tpm_public(rsa, TPM2_ALG_SHA256, &pub);
    /* 0 means 65537; any other value is taken as given. */
    pub.parameters.rsaDetail.exponent = 3;
    assert_int_equal(attls_tpm_public_to_pkey(&pub, &out, NULL), ATTLS_OK);
    assert_true(EVP_PKEY_get_bn_param(out, "e", &e));
    assert_true(BN_is_word(e, 3));
    assert_int_equal(EVP_PKEY_eq(rsa, out), 0);
    BN_free(e);
    EVP_PKEY_free(out);
    EVP_PKEY_free(rsa);
}

/* QN(primary) = nameAlg || H(hierarchy || Name), checked by hand. */
static void test_qualified_name(void **state)
{
    EVP_PKEY *k = fx_ec_key("secp384r1");
    TPMT_PUBLIC pub;
    TPM2B_NAME name;
    uint8_t buf[4 + sizeof(name.name)], qn[ATTLS_TPM_MAX_NAME], want[48];
    size_t n = 0;

    (void)state;
    fx_tpm_public(k, TPM2_ALG_SHA384, &pub);
    fx_name(&pub, &name);
    assert_int_equal(name.size, 50);
    memcpy(buf, "\x40\x00\x00\x01", 4); /* TPM2_RH_OWNER */
    memcpy(buf + 4, name.name, name.size);
    assert_true(EVP_Digest(buf, 4 + name.size, want, NULL, EVP_sha384(), NULL));
    assert_int_equal(
        attls_tpm_primary_qualified_name(&pub, TPM2_RH_OWNER, qn, &n, NULL),
        ATTLS_OK);
    assert_int_equal(n, 50);
    assert_int_equal(qn[0], 0x00);
    assert_int_equal(qn[1], 0x0c);
    assert_memory_equal(qn + 2, want, 48);
    EVP_PKEY_free(k);
}

static void test_azure_template(void **state)
{
    EVP_PKEY *ec = fx_ec_key("prime256v1"), *small = fx_rsa_key(1024);
    TPMT_PUBLIC pub;
    attls_status st;

    (void)state;
    attls_status_clear(&st);
    assert_int_equal(attls_tpm_public_azure_ak(ec, &pub, &st),
                     ATTLS_E_TPM_AK_KEY);
    assert_int_equal(attls_tpm_public_azure_ak(small, &pub, NULL),
                     ATTLS_E_TPM_AK_KEY);
    assert_int_equal(attls_tpm_public_azure_ak(NULL, &pub, NULL),
                     ATTLS_E_TPM_AK_KEY);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_gce_ak_matches_cert),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_unsupported),
        cmocka_unit_test(test_rsa_exponent),
        cmocka_unit_test(test_qualified_name),
        cmocka_unit_test(test_azure_template),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
