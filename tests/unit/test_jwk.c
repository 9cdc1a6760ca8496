/* SPDX-License-Identifier: Apache-2.0 */
/* RSA JWK to EVP_PKEY: the real Azure AK, and every rule of RFC 7518. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>

#include "evidence/jwk.h"
#include "snp_testutil.h"

static json_t *azure_ak(void)
{
    attls_buf b;
    json_t *root, *ak;

    tu_read("azure-cvm-tooling/var-data.json", &b);
    root = json_loadb((const char *)b.data, b.len, 0, NULL);
    attls_buf_free(&b);
    assert_non_null(root);
    ak = json_deep_copy(json_array_get(json_object_get(root, "keys"), 0));
    json_decref(root);
    assert_non_null(ak);
    return ak;
}

static EVP_PKEY *from(json_t *jwk, const char *member, json_t *value)
{
    char why[160];
    EVP_PKEY *k;

    if (member != NULL)
        assert_int_equal(json_object_set_new(jwk, member, value), 0);
    k = attls_jwk_rsa_public(jwk, why, sizeof(why));
    if (k == NULL)
        assert_true(why[0] != '\0');
    return k;
}

static void test_azure_ak(void **state)
{
    json_t *jwk = azure_ak();
    EVP_PKEY *k = from(jwk, NULL, NULL);
    BIGNUM *n = NULL, *e = NULL;
    attls_buf raw;
    const char *b64 = json_string_value(json_object_get(jwk, "n"));
    uint8_t bin[256];

    (void)state;
    assert_non_null(k);
    assert_int_equal(EVP_PKEY_get_bits(k), 2048);
    assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n), 1);
    assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e), 1);
    assert_true(BN_is_word(e, 65537));
    assert_int_equal(attls_b64url_decode(b64, strlen(b64), &raw), 0);
    assert_int_equal(BN_bn2binpad(n, bin, sizeof(bin)), 256);
    assert_memory_equal(bin, raw.data, 256);
    attls_buf_free(&raw);
    BN_free(n);
    BN_free(e);
    EVP_PKEY_free(k);
    /* e = 3 is a valid exponent. */
    k = from(jwk, "e", json_string("Aw"));
    assert_non_null(k);
    EVP_PKEY_free(k);
    json_decref(jwk);
}

static void test_rejects(void **state)
{
    static const struct {
        const char *member;
        const char *value; /* NULL: delete the member */
    } cases[] = {
        {"kty", "EC"},
        {"kty", NULL},
        {"e", NULL},
        {"n", NULL},
        {"e", "AQAB="},        /* padded */
        {"e", "AAEAAQ"},       /* leading zero octet */
        {"e", "AQAA"},         /* 65536: even */
        {"e", "AQ"},           /* 1 */
        {"e", "AQEBAQEBAQEB"}, /* 9 bytes */
        {"e", ""},
        {"e", "AQ AB"},
        {"n", "AQAB"}, /* 17 bits */
        {"n", "+QAB"}, /* standard alphabet */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *jwk = azure_ak();
        EVP_PKEY *k;

        if (cases[i].value == NULL) {
            json_object_del(jwk, cases[i].member);
            k = from(jwk, NULL, NULL);
        } else {
            k = from(jwk, cases[i].member, json_string(cases[i].value));
        }
        if (k != NULL)
            fail_msg("case %zu (%s = %s) accepted", i, cases[i].member,
                     cases[i].value ? cases[i].value : "(deleted)");
        json_decref(jwk);
    }
}

static void test_modulus_rules(void **state)
{
    json_t *jwk = azure_ak();
    const char *n = json_string_value(json_object_get(jwk, "n"));
    attls_buf raw;
    char *b64;
    EVP_PKEY *k;

    (void)state;
    assert_int_equal(attls_b64url_decode(n, strlen(n), &raw), 0);
    /* An even modulus. */
    raw.data[raw.len - 1] &= 0xFE;
    b64 = attls_b64url_encode(raw.data, raw.len);
    assert_null(from(jwk, "n", json_string(b64)));
    OPENSSL_free(b64);
    /* A leading zero octet before a valid modulus. */
    raw.data[raw.len - 1] |= 1;
    {
        uint8_t padded[257] = {0};

        memcpy(padded + 1, raw.data, 256);
        b64 = attls_b64url_encode(padded, sizeof(padded));
        assert_null(from(jwk, "n", json_string(b64)));
        OPENSSL_free(b64);
    }
    /* Not a string, and not an object at all. */
    assert_null(from(jwk, "n", json_integer(5)));
    k = attls_jwk_rsa_public(json_array_get(jwk, 0), (char[64]){0}, 64);
    assert_null(k);
    attls_buf_free(&raw);
    json_decref(jwk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_azure_ak),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_modulus_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
