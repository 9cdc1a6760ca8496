/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Software encodings around the TPM's signature operations
 * (provider/sig_encoding.h), checked against the default provider: EMSA-PSS
 * (the raw RSA step done in software here), ECDSA (r, s) to DER, and the
 * AlgorithmIdentifiers X509_sign asks for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "provider/sig_encoding.h"

static EVP_PKEY *rsa2048, *rsa2049, *ec256;

/* Software RSA test keys from tests/unit/data (keygen is slow under
 * valgrind). */
static EVP_PKEY *load_soft(const char *name)
{
    char path[1024];
    BIO *b;
    EVP_PKEY *k;

    snprintf(path, sizeof(path), "%s/tests/unit/data/%s",
             getenv("ATTLS_SOURCE_ROOT"), name);
    b = BIO_new_file(path, "r");
    k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    return k;
}

static int setup(void **state)
{
    (void)state;
    rsa2048 = load_soft("soft-rsa2048.pem");
    rsa2049 = load_soft("soft-rsa2049.pem");
    ec256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    return rsa2048 == NULL || rsa2049 == NULL || ec256 == NULL;
}

static int teardown(void **state)
{
    (void)state;
    EVP_PKEY_free(rsa2048);
    EVP_PKEY_free(rsa2049);
    EVP_PKEY_free(ec256);
    return 0;
}

/* Raw m^d mod n in software: what TPM2_RSA_Decrypt(NULL) does. */
static size_t raw_rsa(EVP_PKEY *k, const uint8_t *em, size_t len, uint8_t *sig)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
    size_t siglen = 512;

    assert_int_equal(EVP_PKEY_sign_init(c), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(c, RSA_NO_PADDING), 1);
    assert_int_equal(EVP_PKEY_sign(c, sig, &siglen, em, len), 1);
    EVP_PKEY_CTX_free(c);
    return siglen;
}

static int pss_verifies(EVP_PKEY *k, const char *mdname, int saltlen,
                        int verify_saltlen)
{
    EVP_MD *md = EVP_MD_fetch(NULL, mdname, NULL);
    uint8_t mhash[EVP_MAX_MD_SIZE], em[512], sig[512];
    unsigned int hlen;
    size_t modlen = (size_t)EVP_PKEY_get_size(k), siglen;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(k, NULL);
    int ok;

    assert_int_equal(EVP_Digest("msg", 3, mhash, &hlen, md, NULL), 1);
    if (!attls_pss_encode(NULL, md, NULL, mhash, (size_t)saltlen,
                          (unsigned)EVP_PKEY_get_bits(k), em, modlen)) {
        EVP_MD_free(md);
        EVP_PKEY_CTX_free(c);
        return -1;
    }
    siglen = raw_rsa(k, em, modlen, sig);
    assert_int_equal(EVP_PKEY_verify_init(c), 1);
    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_signature_md(c, md);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(c, verify_saltlen);
    ok = EVP_PKEY_verify(c, sig, siglen, mhash, hlen) == 1;
    EVP_PKEY_CTX_free(c);
    EVP_MD_free(md);
    return ok;
}

static void test_pss_salt_lengths(void **state)
{
    (void)state;
    assert_int_equal(pss_verifies(rsa2048, "SHA256", 32, 32), 1);
    assert_int_equal(pss_verifies(rsa2048, "SHA256", 32, 20), 0);
    assert_int_equal(pss_verifies(rsa2048, "SHA384", 48, 48), 1);
    assert_int_equal(pss_verifies(rsa2048, "SHA512", 64, 64), 1);
    assert_int_equal(pss_verifies(rsa2048, "SHA256", 0, 0), 1);
    /* The maximum: emLen - hLen - 2 = 256 - 32 - 2. */
    assert_int_equal(pss_verifies(rsa2048, "SHA256", 222, 222), 1);
    assert_int_equal(pss_verifies(rsa2048, "SHA256", 223, 223), -1);
}

/* modbits % 8 == 1: the encoded message is one byte shorter. */
static void test_pss_odd_modulus(void **state)
{
    (void)state;
    assert_int_equal(pss_verifies(rsa2049, "SHA256", 32, 32), 1);
    assert_int_equal(pss_verifies(rsa2049, "SHA256", 222, 222), 1);
}

static void test_pss_max_saltlen(void **state)
{
    EVP_MD *sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);

    (void)state;
    assert_int_equal(attls_pss_max_saltlen(sha256, 2048), 222);
    assert_int_equal(attls_pss_max_saltlen(sha256, 3072), 350);
    assert_int_equal(attls_pss_max_saltlen(sha256, 256), -1);
    EVP_MD_free(sha256);
}

static void test_ecdsa_der_known_answers(void **state)
{
    static const uint8_t one[] = {0x01}, two[] = {0x00, 0x00, 0x02};
    static const uint8_t high[] = {0x80}, zero[] = {0x00};
    static const uint8_t want1[] = {0x30, 0x06, 0x02, 0x01,
                                    0x01, 0x02, 0x01, 0x02};
    static const uint8_t want2[] = {0x30, 0x07, 0x02, 0x02, 0x00,
                                    0x80, 0x02, 0x01, 0x01};
    uint8_t out[16];
    size_t len;

    (void)state;
    /* Leading zeros dropped; a high bit gets its 0x00 pad. */
    assert_int_equal(attls_ecdsa_to_der(one, 1, two, 3, out, sizeof(out), &len),
                     1);
    assert_int_equal(len, sizeof(want1));
    assert_memory_equal(out, want1, len);
    assert_int_equal(
        attls_ecdsa_to_der(high, 1, one, 1, out, sizeof(out), &len), 1);
    assert_memory_equal(out, want2, sizeof(want2));
    /* Size query, too small a buffer, zero values. */
    assert_int_equal(attls_ecdsa_to_der(high, 1, one, 1, NULL, 0, &len), 1);
    assert_int_equal(len, sizeof(want2));
    assert_int_equal(attls_ecdsa_to_der(high, 1, one, 1, out, 8, &len), 0);
    assert_int_equal(
        attls_ecdsa_to_der(zero, 1, one, 1, out, sizeof(out), &len), 0);
}

/* A full-size signature converts to a DER that the default provider takes. */
static void test_ecdsa_der_verifies(void **state)
{
    uint8_t dgst[32] = {1, 2, 3}, der1[80], der2[80], r[32], s[32];
    size_t len = sizeof(der1), len2;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(ec256, NULL);
    const unsigned char *p = der1;
    ECDSA_SIG *sig;

    (void)state;
    assert_int_equal(EVP_PKEY_sign_init(c), 1);
    assert_int_equal(EVP_PKEY_sign(c, der1, &len, dgst, sizeof(dgst)), 1);
    sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
    assert_non_null(sig);
    /* Fixed-width (r, s) as the TPM returns them. */
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), r, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), s, 32);
    assert_int_equal(
        attls_ecdsa_to_der(r, 32, s, 32, der2, sizeof(der2), &len2), 1);
    assert_int_equal(len2, len);
    assert_memory_equal(der1, der2, len);
    assert_int_equal(EVP_PKEY_verify_init(c), 1);
    assert_int_equal(EVP_PKEY_verify(c, der2, len2, dgst, sizeof(dgst)), 1);
    ECDSA_SIG_free(sig);
    EVP_PKEY_CTX_free(c);
}

/* The default provider's AlgorithmIdentifier for the same signature. */
static size_t default_algid(EVP_PKEY *k, const char *md, int pad, int salt,
                            uint8_t *out, size_t size)
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    OSSL_PARAM params[2];
    size_t len;

    assert_int_equal(EVP_DigestSignInit_ex(m, &pc, md, NULL, NULL, k, NULL), 1);
    if (pad != 0) {
        EVP_PKEY_CTX_set_rsa_padding(pc, pad);
        if (pad == RSA_PKCS1_PSS_PADDING)
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, salt);
    }
    params[0] = OSSL_PARAM_construct_octet_string(
        OSSL_SIGNATURE_PARAM_ALGORITHM_ID, out, size);
    params[1] = OSSL_PARAM_construct_end();
    assert_int_equal(EVP_PKEY_CTX_get_params(pc, params), 1);
    len = params[0].return_size;
    EVP_MD_CTX_free(m);
    return len;
}

static void check_algid(int ok, uint8_t *der, size_t len, EVP_PKEY *k,
                        const char *md, int pad, int salt)
{
    uint8_t want[256];
    size_t wlen = default_algid(k, md, pad, salt, want, sizeof(want));

    assert_int_equal(ok, 1);
    assert_int_equal(len, wlen);
    assert_memory_equal(der, want, len);
    OPENSSL_free(der);
}

static void test_algids_match_default(void **state)
{
    const char *mds[] = {"SHA256", "SHA384", "SHA512"};
    uint8_t *der = NULL;
    size_t len = 0;

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        EVP_MD *md = EVP_MD_fetch(NULL, mds[i], NULL);
        int hlen = EVP_MD_get_size(md);

        int ok;

        ok = attls_algid_ecdsa(md, &der, &len);
        check_algid(ok, der, len, ec256, mds[i], 0, 0);
        ok = attls_algid_rsa_pkcs1(md, &der, &len);
        check_algid(ok, der, len, rsa2048, mds[i], RSA_PKCS1_PADDING, 0);
        ok = attls_algid_rsa_pss(md, md, hlen, &der, &len);
        check_algid(ok, der, len, rsa2048, mds[i], RSA_PKCS1_PSS_PADDING, hlen);
        EVP_MD_free(md);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pss_salt_lengths),
        cmocka_unit_test(test_pss_odd_modulus),
        cmocka_unit_test(test_pss_max_saltlen),
        cmocka_unit_test(test_ecdsa_der_known_answers),
        cmocka_unit_test(test_ecdsa_der_verifies),
        cmocka_unit_test(test_algids_match_default),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
