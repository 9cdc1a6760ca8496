/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The provider against a TPM (swtpm, see run-tpm-test): key generation,
 * signatures checked by the default provider, the nginx key-loading path,
 * SSL_CTX key checks, X.509 signing, persistent keys, threads, error
 * reasons, and no TPM object left behind after each test.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/store.h>
#include <openssl/x509.h>

#include "tpm/connection.h"
#include "tpm/keyfile.h"
#include "tpm/keys.h"
#include "tpm_test_util.h"

static int teardown_check_handles(void **state)
{
    (void)state;
    ERR_clear_error();
    /* Every test frees its keys: nothing may stay loaded. */
    assert_int_equal(tt_tpm_handle_count(), 0);
    return 0;
}

static void check_ec(const char *group, const char *md)
{
    EVP_PKEY *k = tt_gen_ec(group);

    assert_non_null(k);
    assert_true(tt_is_attls_key(k));
    assert_true(tt_sign_verify(k, md, 0, 0));
    assert_true(tt_sign_verify(k, md, 0, 0)); /* resident: one command */
    EVP_PKEY_free(k);
}

static void test_ec_p256(void **state)
{
    (void)state;
    check_ec("P-256", "SHA256");
}

static void test_ec_p384(void **state)
{
    (void)state;
    check_ec("P-384", "SHA384");
}

static void check_rsa(size_t bits)
{
    EVP_PKEY *k = tt_gen_rsa(bits);

    assert_non_null(k);
    assert_int_equal(EVP_PKEY_get_bits(k), (int)bits);
    assert_true(tt_sign_verify(k, "SHA256", RSA_PKCS1_PADDING, 0));
    assert_true(tt_sign_verify(k, "SHA384", RSA_PKCS1_PADDING, 0));
    /* PSS with salt = digest length, as TLS 1.3 requires. */
    assert_true(tt_sign_verify(k, "SHA256", RSA_PKCS1_PSS_PADDING, 32));
    assert_true(tt_sign_verify(k, "SHA384", RSA_PKCS1_PSS_PADDING, 48));
    EVP_PKEY_free(k);
}

static void test_rsa_2048(void **state)
{
    (void)state;
    check_rsa(2048);
}

static void test_rsa_3072(void **state)
{
    (void)state;
    check_rsa(3072);
}

/* The salt really is the digest length: a verifier told 20 rejects it. */
static void test_rsa_pss_salt_is_digest_length(void **state)
{
    static const unsigned char msg[] = "salt";
    EVP_PKEY *k = tt_gen_rsa(2048), *pub;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *p = NULL;
    unsigned char sig[256];
    size_t siglen = sizeof(sig);

    (void)state;
    assert_non_null(k);
    assert_int_equal(
        EVP_DigestSignInit_ex(m, &p, "SHA256", NULL, NULL, k, NULL), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING), 1);
    assert_int_equal(
        EVP_PKEY_CTX_set_rsa_pss_saltlen(p, RSA_PSS_SALTLEN_DIGEST), 1);
    assert_int_equal(EVP_DigestSign(m, sig, &siglen, msg, sizeof(msg)), 1);
    pub = tt_public_copy(k);
    for (int salt = 20; salt <= 32; salt += 12) {
        EVP_MD_CTX_reset(m);
        assert_int_equal(EVP_DigestVerifyInit_ex(
                             m, &p, "SHA256", tt_verify_ctx(), NULL, pub, NULL),
                         1);
        EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(p, salt);
        assert_int_equal(EVP_DigestVerify(m, sig, siglen, msg, sizeof(msg)),
                         salt == 32 ? 1 : 0);
    }
    EVP_MD_CTX_free(m);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(k);
}

static BIO *pem_of(EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());

    assert_non_null(b);
    assert_int_equal(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL),
                     1);
    return b;
}

/* What nginx 1.22 does: PEM_read_bio_PrivateKey, no library context, no
 * property query, default activated before attls. */
static void test_pem_read_nginx_path(void **state)
{
    EVP_PKEY *k = tt_gen_ec("P-256"), *k2;
    BIO *b;
    char *data;
    long len;

    (void)state;
    assert_non_null(k);
    b = pem_of(k);
    len = BIO_get_mem_data(b, &data);
    assert_true(len > 0);
    assert_non_null(strstr(data, "-----BEGIN TSS2 PRIVATE KEY-----"));
    k2 = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    assert_non_null(k2);
    assert_true(tt_is_attls_key(k2));
    assert_int_equal(EVP_PKEY_eq(k, k2), 1);
    assert_true(tt_sign_verify(k2, "SHA256", 0, 0));
    BIO_free(b);
    EVP_PKEY_free(k2);
    EVP_PKEY_free(k);
}

static X509 *self_signed(EVP_PKEY *k, const char *md)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();

    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                               (const unsigned char *)"attls", -1, -1, 0);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, n);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    assert_int_equal(X509_set_pubkey(x, k), 1);
    /* X509_sign asks the signature for OSSL_SIGNATURE_PARAM_ALGORITHM_ID. */
    assert_true(X509_sign(x, k, EVP_get_digestbyname(md)) > 0);
    X509_NAME_free(n);
    return x;
}

static void check_ssl_ctx(EVP_PKEY *k, const char *md)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    X509 *x = self_signed(k, md);
    EVP_PKEY *pub = tt_public_copy(k);
    EVP_PKEY *other = tt_gen_ec("P-256");

    assert_non_null(ctx);
    assert_int_equal(X509_verify(x, pub), 1);
    assert_int_equal(SSL_CTX_use_certificate(ctx, x), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(ctx, k), 1);
    assert_int_equal(SSL_CTX_check_private_key(ctx), 1);
    /* A different key must not match the certificate. */
    assert_int_equal(X509_check_private_key(x, other), 0);
    ERR_clear_error();
    EVP_PKEY_free(other);
    EVP_PKEY_free(pub);
    X509_free(x);
    SSL_CTX_free(ctx);
}

static void test_ssl_ctx_ec(void **state)
{
    EVP_PKEY *k = tt_gen_ec("P-256");

    (void)state;
    check_ssl_ctx(k, "SHA256");
    EVP_PKEY_free(k);
}

static void test_ssl_ctx_rsa(void **state)
{
    EVP_PKEY *k = tt_gen_rsa(2048);

    (void)state;
    check_ssl_ctx(k, "SHA256");
    EVP_PKEY_free(k);
}

/* OpenSSL 3.0 duplicates the signature context; copies must sign too. */
static void test_dupctx_mid_digest(void **state)
{
    EVP_PKEY *k = tt_gen_ec("P-256"), *pub;
    EVP_MD_CTX *a = EVP_MD_CTX_new(), *b = EVP_MD_CTX_new();
    unsigned char s1[128], s2[128];
    size_t l1 = sizeof(s1), l2 = sizeof(s2);

    (void)state;
    assert_int_equal(
        EVP_DigestSignInit_ex(a, NULL, "SHA256", NULL, NULL, k, NULL), 1);
    assert_int_equal(EVP_DigestSignUpdate(a, "part one ", 9), 1);
    assert_int_equal(EVP_MD_CTX_copy_ex(b, a), 1);
    assert_int_equal(EVP_DigestSignUpdate(a, "A", 1), 1);
    assert_int_equal(EVP_DigestSignUpdate(b, "B", 1), 1);
    assert_int_equal(EVP_DigestSignFinal(a, s1, &l1), 1);
    assert_int_equal(EVP_DigestSignFinal(b, s2, &l2), 1);
    pub = tt_public_copy(k);
    EVP_MD_CTX_reset(a);
    assert_int_equal(EVP_DigestVerifyInit_ex(a, NULL, "SHA256", tt_verify_ctx(),
                                             NULL, pub, NULL),
                     1);
    assert_int_equal(
        EVP_DigestVerify(a, s2, l2, (const unsigned char *)"part one B", 10),
        1);
    EVP_MD_CTX_free(a);
    EVP_MD_CTX_free(b);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(k);
}

#define THREADS 4
#define SIGNS_PER_THREAD 8

static void *sign_thread(void *arg)
{
    EVP_PKEY *k = arg;
    intptr_t ok = 1;

    for (int i = 0; i < SIGNS_PER_THREAD && ok; i++)
        ok = tt_sign_verify(k, "SHA256", 0, 0);
    return (void *)ok;
}

static void test_threads_share_key(void **state)
{
    EVP_PKEY *k = tt_gen_ec("P-256");
    pthread_t t[THREADS];
    void *ok;

    (void)state;
    assert_non_null(k);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, sign_thread, k), 0);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(t[i], &ok), 0);
        assert_true(ok != NULL);
    }
    EVP_PKEY_free(k);
}

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
    const char *pw = u;
    int n = (int)strlen(pw);

    (void)rwflag;
    if (n == 0 || n > size)
        return -1; /* no passphrase (0 would be an empty one) */
    memcpy(buf, pw, (size_t)n);
    return n;
}

static EVP_PKEY *gen_with_auth(const char *auth)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0),
        OSSL_PARAM_utf8_string("user-auth", (char *)auth, 0),
        OSSL_PARAM_END,
    };
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", "provider=attls");
    EVP_PKEY *k = NULL;

    assert_int_equal(EVP_PKEY_keygen_init(c), 1);
    assert_int_equal(EVP_PKEY_CTX_set_params(c, params), 1);
    assert_int_equal(EVP_PKEY_keygen(c, &k), 1);
    EVP_PKEY_CTX_free(c);
    return k;
}

static EVP_PKEY *read_pem(const char *pem, const char *pass)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, pass_cb, (void *)pass);

    BIO_free(b);
    return k;
}

static void test_key_auth(void **state)
{
    EVP_PKEY *k = gen_with_auth("s3cret"), *k2;
    BIO *b;
    char *pem = NULL;

    (void)state;
    assert_true(tt_sign_verify(k, "SHA256", 0, 0));
    b = pem_of(k);
    BIO_write(b, "", 1);
    BIO_get_mem_data(b, &pem);
    /* emptyAuth FALSE in the file: no passphrase is an error... */
    assert_null(read_pem(pem, ""));
    assert_true(tt_error_has_reason(ATTLS_E_AUTH_MISSING));
    /* ...a wrong one loads (the TPM checks it) but cannot sign... */
    k2 = read_pem(pem, "wrong");
    assert_non_null(k2);
    assert_false(tt_sign_verify(k2, "SHA256", 0, 0));
    assert_true(tt_error_has_reason(ATTLS_E_TPM_AUTH));
    EVP_PKEY_free(k2);
    /* ...and the right one signs. */
    k2 = read_pem(pem, "s3cret");
    assert_non_null(k2);
    assert_true(tt_sign_verify(k2, "SHA256", 0, 0));
    EVP_PKEY_free(k2);
    BIO_free(b);
    EVP_PKEY_free(k);
}

static EVP_PKEY *store_load(const char *uri)
{
    OSSL_STORE_CTX *s = OSSL_STORE_open(uri, NULL, NULL, NULL, NULL);
    OSSL_STORE_INFO *info;
    EVP_PKEY *k = NULL;

    if (s == NULL)
        return NULL;
    while (k == NULL && !OSSL_STORE_eof(s) &&
           (info = OSSL_STORE_load(s)) != NULL) {
        if (OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
            k = OSSL_STORE_INFO_get1_PKEY(info);
        OSSL_STORE_INFO_free(info);
    }
    OSSL_STORE_close(s);
    return k;
}

/* Make the blob of |k| persistent at |handle| with the tpm/ API. */
static void persist(EVP_PKEY *k, uint32_t handle)
{
    BIO *b = pem_of(k);
    char *name = NULL, *hdr = NULL;
    unsigned char *der = NULL;
    long derlen = 0;
    attls_tpm_keyfile kf;
    attls_tpm_conn c;
    ESYS_TR tr;

    assert_int_equal(PEM_read_bio(b, &name, &hdr, &der, &derlen), 1);
    assert_int_equal(attls_tpm_keyfile_decode(der, (size_t)derlen, &kf, NULL),
                     ATTLS_OK);
    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    assert_int_equal(
        attls_tpm_key_load(c.esys, kf.parent, 0, NULL, &kf.pub, &kf.priv, &tr),
        TSS2_RC_SUCCESS);
    assert_int_equal(attls_tpm_key_persist(c.esys, tr, handle),
                     TSS2_RC_SUCCESS);
    attls_tpm_flush(c.esys, tr);
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
    OPENSSL_free(name);
    OPENSSL_free(hdr);
    OPENSSL_free(der);
    BIO_free(b);
}

static void evict(uint32_t handle)
{
    attls_tpm_conn c;
    ESYS_TR tr, none;

    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    assert_int_equal(Esys_TR_FromTPMPublic(c.esys, handle, ESYS_TR_NONE,
                                           ESYS_TR_NONE, ESYS_TR_NONE, &tr),
                     TSS2_RC_SUCCESS);
    assert_int_equal(Esys_EvictControl(c.esys, ESYS_TR_RH_OWNER, tr,
                                       ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                       ESYS_TR_NONE, handle, &none),
                     TSS2_RC_SUCCESS);
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
}

static void test_store_persistent(void **state)
{
    EVP_PKEY *k = tt_gen_rsa(2048), *pk;

    (void)state;
    persist(k, 0x81000123);
    pk = store_load("attls:handle=0x81000123");
    assert_non_null(pk);
    assert_true(tt_is_attls_key(pk));
    assert_int_equal(EVP_PKEY_eq(k, pk), 1);
    assert_true(tt_sign_verify(pk, "SHA256", RSA_PKCS1_PSS_PADDING, 32));
    EVP_PKEY_free(pk);
    evict(0x81000123);
    EVP_PKEY_free(k);
}

static void test_store_unknown_handle(void **state)
{
    (void)state;
    assert_null(store_load("attls:handle=0x81000999"));
    assert_true(tt_error_has_reason(ATTLS_E_TPM_HANDLE));
    assert_null(store_load("attls:handle=81000999"));
    assert_true(tt_error_has_reason(ATTLS_E_URI));
}

static void test_bad_tcti_keeps_running(void **state)
{
    char *saved = strdup(attls_tpm_tcti());
    EVP_PKEY *k = tt_gen_ec("P-256");

    (void)state;
    attls_tpm_disconnect();
    attls_tpm_configure("swtpm:host=127.0.0.1,port=1");
    assert_false(tt_sign_verify(k, "SHA256", 0, 0));
    assert_true(tt_error_has_reason(ATTLS_E_TPM_UNREACHABLE));
    attls_tpm_configure("nosuchtcti");
    assert_false(tt_sign_verify(k, "SHA256", 0, 0));
    assert_true(tt_error_has_reason(ATTLS_E_TPM_TCTI));
    /* Back to the real TPM: the same key signs again (it reloads). */
    attls_tpm_configure(saved);
    assert_true(tt_sign_verify(k, "SHA256", 0, 0));
    EVP_PKEY_free(k);
    free(saved);
}

/*
 * A generic keygen (what libssl does for ECDHE when a property query
 * prefers attls) must never leave objects in the TPM, and one reached from
 * inside a TPM operation must fail instead of deadlocking.
 */
static void test_generic_keygen_leaves_nothing(void **state)
{
    attls_tpm_conn c;
    EVP_PKEY_CTX *ctx;
    EVP_PKEY *k = NULL;

    (void)state;
    for (int i = 0; i < 4; i++) {
        ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", "?provider=attls");
        assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
        assert_int_equal(EVP_PKEY_CTX_set_group_name(ctx, "P-256"), 1);
        assert_int_equal(EVP_PKEY_keygen(ctx, &k), 1);
        EVP_PKEY_CTX_free(ctx);
        EVP_PKEY_free(k);
        k = NULL;
        assert_int_equal(tt_tpm_handle_count(), 0);
    }
    assert_int_equal(attls_tpm_acquire(&c), TSS2_RC_SUCCESS);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", "provider=attls");
    assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
    assert_true(EVP_PKEY_keygen(ctx, &k) <= 0);
    EVP_PKEY_CTX_free(ctx);
    attls_tpm_release(&c, TSS2_RC_SUCCESS);
    assert_true(tt_error_has_reason(ATTLS_E_TPM_RECURSION));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown_check_handles)
        T(test_ec_p256),
        T(test_ec_p384),
        T(test_rsa_2048),
        T(test_rsa_3072),
        T(test_rsa_pss_salt_is_digest_length),
        T(test_pem_read_nginx_path),
        T(test_ssl_ctx_ec),
        T(test_ssl_ctx_rsa),
        T(test_dupctx_mid_digest),
        T(test_threads_share_key),
        T(test_key_auth),
        T(test_store_persistent),
        T(test_store_unknown_handle),
        T(test_bad_tcti_keeps_running),
        T(test_generic_keygen_leaves_nothing),
#undef T
    };
    int rc;

    tt_load_providers();
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    tt_unload_providers();
    return rc;
}
