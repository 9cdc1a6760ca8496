/* SPDX-License-Identifier: Apache-2.0 */
/* Raw (r||s, X||Y) ECDSA helpers, big- and little-endian, P-256 and P-384. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "evidence/ecdsa_raw.h"

static const uint8_t msg[] = "attested TLS";

static EVP_PKEY *gen_key(const char *group)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", group);

    assert_non_null(key);
    return key;
}

/* Sign @p msg; r and s into @p r, @p s as @p width-byte integers. */
static void sign_raw(EVP_PKEY *key, const char *digest, size_t width,
                     attls_ecdsa_endian endian, uint8_t *r, uint8_t *s)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char der[160];
    const unsigned char *p = der;
    size_t der_len = sizeof(der);
    ECDSA_SIG *sig;

    assert_int_equal(
        EVP_DigestSignInit_ex(ctx, NULL, digest, NULL, NULL, key, NULL), 1);
    assert_int_equal(EVP_DigestSign(ctx, der, &der_len, msg, sizeof(msg)), 1);
    sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    assert_non_null(sig);
    if (endian == ATTLS_ECDSA_BIG_ENDIAN) {
        assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_r(sig), r, (int)width),
                         (int)width);
        assert_int_equal(BN_bn2binpad(ECDSA_SIG_get0_s(sig), s, (int)width),
                         (int)width);
    } else {
        assert_int_equal(BN_bn2lebinpad(ECDSA_SIG_get0_r(sig), r, (int)width),
                         (int)width);
        assert_int_equal(BN_bn2lebinpad(ECDSA_SIG_get0_s(sig), s, (int)width),
                         (int)width);
    }
    ECDSA_SIG_free(sig);
    EVP_MD_CTX_free(ctx);
}

/* X||Y of @p key, big-endian. */
static size_t key_xy(EVP_PKEY *key, uint8_t *xy)
{
    uint8_t point[1 + 2 * 48];
    size_t len = 0;

    assert_int_equal(
        EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point,
                                        sizeof(point), &len),
        1);
    assert_int_equal(point[0], 4);
    memcpy(xy, point + 1, len - 1);
    return len - 1;
}

static void test_p256_big_endian(void **state)
{
    EVP_PKEY *key = gen_key("P-256"), *from_xy;
    uint8_t r[32], s[32], xy[64];
    uint8_t other[] = "attested TLS!";

    (void)state;
    sign_raw(key, "SHA256", 32, ATTLS_ECDSA_BIG_ENDIAN, r, s);
    assert_int_equal(attls_ecdsa_raw_verify(key, "SHA256", msg, sizeof(msg), r,
                                            s, 32, ATTLS_ECDSA_BIG_ENDIAN),
                     1);
    /* The same signature read in the wrong byte order. */
    assert_int_equal(attls_ecdsa_raw_verify(key, "SHA256", msg, sizeof(msg), r,
                                            s, 32, ATTLS_ECDSA_LITTLE_ENDIAN),
                     0);
    assert_int_equal(attls_ecdsa_raw_verify(key, "SHA256", other, sizeof(other),
                                            r, s, 32, ATTLS_ECDSA_BIG_ENDIAN),
                     0);
    /* The key rebuilt from X||Y verifies too. */
    assert_int_equal(key_xy(key, xy), 64);
    from_xy = attls_ec_pubkey_from_xy("prime256v1", xy, 64);
    assert_non_null(from_xy);
    assert_int_equal(attls_ecdsa_raw_verify(from_xy, "SHA256", msg, sizeof(msg),
                                            r, s, 32, ATTLS_ECDSA_BIG_ENDIAN),
                     1);
    EVP_PKEY_free(from_xy);
    EVP_PKEY_free(key);
}

/* SEV-SNP style: P-384, SHA-384, 72-byte little-endian r and s. */
static void test_p384_little_endian_padded(void **state)
{
    EVP_PKEY *key = gen_key("P-384");
    uint8_t r[72], s[72];

    (void)state;
    sign_raw(key, "SHA384", 72, ATTLS_ECDSA_LITTLE_ENDIAN, r, s);
    assert_int_equal(attls_ecdsa_raw_verify(key, "SHA384", msg, sizeof(msg), r,
                                            s, 72, ATTLS_ECDSA_LITTLE_ENDIAN),
                     1);
    r[0] ^= 1;
    assert_int_equal(attls_ecdsa_raw_verify(key, "SHA384", msg, sizeof(msg), r,
                                            s, 72, ATTLS_ECDSA_LITTLE_ENDIAN),
                     0);
    EVP_PKEY_free(key);
}

static void test_degenerate_signatures(void **state)
{
    EVP_PKEY *key = gen_key("P-256");
    uint8_t r[32], s[32], zero[32] = {0}, ff[32];

    (void)state;
    memset(ff, 0xff, sizeof(ff)); /* above the group order */
    sign_raw(key, "SHA256", 32, ATTLS_ECDSA_BIG_ENDIAN, r, s);
    assert_int_equal(attls_ecdsa_raw_verify(key, "SHA256", msg, sizeof(msg),
                                            zero, s, 32,
                                            ATTLS_ECDSA_BIG_ENDIAN),
                     0);
    assert_int_equal(attls_ecdsa_raw_verify(key, "SHA256", msg, sizeof(msg), r,
                                            zero, 32, ATTLS_ECDSA_BIG_ENDIAN),
                     0);
    assert_int_equal(attls_ecdsa_raw_verify(key, "SHA256", msg, sizeof(msg), r,
                                            ff, 32, ATTLS_ECDSA_BIG_ENDIAN),
                     0);
    /* Bad arguments are errors, not "invalid signature". */
    assert_int_equal(attls_ecdsa_raw_verify(NULL, "SHA256", msg, sizeof(msg), r,
                                            s, 32, ATTLS_ECDSA_BIG_ENDIAN),
                     -1);
    assert_int_equal(attls_ecdsa_raw_verify(key, "SHA256", msg, sizeof(msg), r,
                                            s, 0, ATTLS_ECDSA_BIG_ENDIAN),
                     -1);
    assert_int_equal(attls_ecdsa_raw_verify(key, "NO-SUCH-DIGEST", msg,
                                            sizeof(msg), r, s, 32,
                                            ATTLS_ECDSA_BIG_ENDIAN),
                     -1);
    EVP_PKEY_free(key);
}

static void test_pubkey_from_xy_rejects(void **state)
{
    EVP_PKEY *key = gen_key("P-256"), *k;
    uint8_t xy[96] = {0};

    (void)state;
    /* The point at infinity has no affine encoding; zeros are off-curve. */
    assert_null(attls_ec_pubkey_from_xy("prime256v1", xy, 64));
    key_xy(key, xy);
    xy[63] ^= 1; /* Y no longer matches X */
    assert_null(attls_ec_pubkey_from_xy("prime256v1", xy, 64));
    xy[63] ^= 1;
    assert_null(attls_ec_pubkey_from_xy("prime256v1", xy, 63));
    assert_null(attls_ec_pubkey_from_xy("prime256v1", xy, 96));
    assert_null(attls_ec_pubkey_from_xy("secp384r1", xy, 64));
    assert_null(attls_ec_pubkey_from_xy("brainpoolP256r1", xy, 64));
    k = attls_ec_pubkey_from_xy("P-256", xy, 64);
    assert_non_null(k);
    assert_int_equal(EVP_PKEY_eq(k, key), 1);
    EVP_PKEY_free(k);
    EVP_PKEY_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_p256_big_endian),
        cmocka_unit_test(test_p384_little_endian_padded),
        cmocka_unit_test(test_degenerate_signatures),
        cmocka_unit_test(test_pubkey_from_xy_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
