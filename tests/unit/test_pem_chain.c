/* SPDX-License-Identifier: Apache-2.0 */
/* Strict PEM certificate lists (evidence/pem_chain.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/pem.h>

#include "evidence/pem_chain.h"
#include "tdx_test_util.h"

/* The Intel PCK Platform CA + root, as Intel ships them. */
#define CHAIN "go-tdx-guest/pckcrl_issuer_chain.pem"

static int count(const char *pem, char *why, size_t why_len)
{
    STACK_OF(X509) *certs =
        attls_pem_chain_parse(pem, strlen(pem), why, why_len);
    int n = certs == NULL ? -1 : sk_X509_num(certs);

    sk_X509_pop_free(certs, X509_free);
    return n;
}

/* @p pre + chain + @p post, NUL-terminated (free with OPENSSL_free). */
static char *wrap(const char *pre, const char *post)
{
    attls_buf b = td_read(CHAIN);
    size_t len = strlen(pre) + b.len + strlen(post) + 1;
    char *s = OPENSSL_malloc(len);

    assert_non_null(s);
    snprintf(s, len, "%s%s%s", pre, (const char *)b.data, post);
    attls_buf_free(&b);
    return s;
}

static void expect(const char *pre, const char *post, int n, const char *why)
{
    char *s = wrap(pre, post), reason[200] = "";

    assert_int_equal(count(s, reason, sizeof(reason)), n);
    if (why != NULL && strstr(reason, why) == NULL)
        fail_msg("reason '%s' lacks '%s'", reason, why);
    OPENSSL_free(s);
}

static void test_accepts(void **state)
{
    (void)state;
    expect("", "", 2, NULL);
    expect("\n \t\r\n", "\r\n\n  ", 2, NULL);
}

static void test_rejects_other_text(void **state)
{
    (void)state;
    expect("subject=CN = x\n", "", -1, "offset 0: expected");
    expect("", "garbage", -1, "expected a '-----BEGIN CERTIFICATE-----'");
    expect("", "\n\0", 2, NULL); /* the string ends at the NUL */
    expect("", "-----BEGIN CERTIFICATE-----\nMIIB\n", -1,
           "without an END line");
}

static void test_rejects_bad_blocks(void **state)
{
    char why[200];

    (void)state;
    assert_int_equal(count("", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "no certificate"));
    assert_int_equal(count(" \n", why, sizeof(why)), -1);
    assert_int_equal(count("-----BEGIN CERTIFICATE-----\n!!!!\n"
                           "-----END CERTIFICATE-----\n",
                           why, sizeof(why)),
                     -1);
    assert_non_null(strstr(why, "invalid PEM encoding"));
    /* Valid base64 of something that is not a certificate. */
    assert_int_equal(count("-----BEGIN CERTIFICATE-----\nAAAA\n"
                           "-----END CERTIFICATE-----\n",
                           why, sizeof(why)),
                     -1);
    assert_non_null(strstr(why, "not a DER X.509 certificate"));
    /* Another label: a CRL where a certificate belongs. */
    assert_int_equal(count("-----BEGIN X509 CRL-----\nAAAA\n"
                           "-----END X509 CRL-----\n",
                           why, sizeof(why)),
                     -1);
}

/* One certificate re-encoded with @p extra bytes after its DER. */
static void test_rejects_trailing_der(void **state)
{
    attls_buf b = td_read(CHAIN);
    BIO *in = BIO_new_mem_buf(b.data, (int)b.len), *out = BIO_new(BIO_s_mem());
    X509 *x = PEM_read_bio_X509(in, NULL, NULL, NULL);
    unsigned char *der = NULL, *padded;
    int len = i2d_X509(x, &der);
    char *pem, why[200];
    long pem_len;

    (void)state;
    assert_true(len > 0);
    padded = OPENSSL_malloc((size_t)len + 2);
    memcpy(padded, der, (size_t)len);
    padded[len] = 0x05;
    padded[len + 1] = 0x00;
    assert_true(PEM_write_bio(out, "CERTIFICATE", "", padded, len + 2) > 0);
    pem_len = BIO_get_mem_data(out, &pem);
    {
        STACK_OF(X509) *certs =
            attls_pem_chain_parse(pem, (size_t)pem_len, why, sizeof(why));

        assert_null(certs);
        assert_non_null(strstr(why, "2 bytes after the certificate's DER"));
    }
    OPENSSL_free(padded);
    OPENSSL_free(der);
    X509_free(x);
    BIO_free(in);
    BIO_free(out);
    attls_buf_free(&b);
}

static void test_limit(void **state)
{
    attls_buf b = td_read(CHAIN);
    size_t len = b.len * 5 + 1;
    char *many = OPENSSL_zalloc(len), why[200];

    (void)state;
    for (int i = 0; i < 5; i++) /* 10 certificates */
        memcpy(many + i * b.len, b.data, b.len);
    assert_int_equal(count(many, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "more than 8 certificates"));
    many[4 * b.len] = '\0'; /* 8 */
    assert_int_equal(count(many, why, sizeof(why)), 8);
    OPENSSL_free(many);
    attls_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts),
        cmocka_unit_test(test_rejects_other_text),
        cmocka_unit_test(test_rejects_bad_blocks),
        cmocka_unit_test(test_rejects_trailing_der),
        cmocka_unit_test(test_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
