/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The provider without a TPM: TSS2 key files decode (PEM_read_bio_PrivateKey
 * with default first, attls second, no property query) into attls keys
 * whose parameters, encoders, match and export rules are right; malformed
 * files fail with specific reasons; public-only keys verify in software and
 * refuse to sign; signature parameters; the attls: URI parser. ATTLS_TCTI
 * points at a closed port: anything that reaches for the TPM fails cleanly.
 */
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
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "attls/status.h"
#include "provider/uri.h"

int OSSL_provider_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
                       const OSSL_DISPATCH **out, void **provctx);

static OSSL_PROVIDER *p_default, *p_attls;

static char *data_path(const char *name)
{
    static char path[1024];

    snprintf(path, sizeof(path), "%s/tests/unit/data/%s",
             getenv("ATTLS_SOURCE_ROOT"), name);
    return path;
}

static EVP_PKEY *read_key(const char *name)
{
    BIO *b = BIO_new_file(data_path(name), "r");
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);

    BIO_free(b);
    return k;
}

static EVP_PKEY *read_pub(const char *name)
{
    BIO *b = BIO_new_file(data_path(name), "r");
    EVP_PKEY *k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);

    BIO_free(b);
    return k;
}

static EVP_PKEY *read_key_mem(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);

    BIO_free(b);
    return k;
}

static int is_attls(const EVP_PKEY *k)
{
    return k != NULL &&
           strcmp(OSSL_PROVIDER_get0_name(EVP_PKEY_get0_provider(k)),
                  "attls") == 0;
}

static int has_reason(attls_code code)
{
    unsigned long e;
    int found = 0;

    while ((e = ERR_get_error()) != 0) {
        const char *r = ERR_reason_error_string(e);

        found |= (attls_code)ERR_GET_REASON(e) == code && r != NULL &&
                 strcmp(r, attls_status_code_text(code)) == 0;
    }
    return found;
}

static int setup(void **state)
{
    (void)state;
    setenv("ATTLS_TCTI", "swtpm:host=127.0.0.1,port=1", 1);
    setenv("TSS2_LOG", "all+none", 1);
    OSSL_PROVIDER_add_builtin(NULL, "attls", OSSL_provider_init);
    p_default = OSSL_PROVIDER_load(NULL, "default");
    p_attls = OSSL_PROVIDER_load(NULL, "attls");
    return p_default == NULL || p_attls == NULL;
}

static int teardown(void **state)
{
    (void)state;
    OSSL_PROVIDER_unload(p_attls);
    OSSL_PROVIDER_unload(p_default);
    return 0;
}

static void test_ec_params(void **state)
{
    EVP_PKEY *k = read_key("tss2-ec-p256-tpm2openssl.pem");
    EVP_PKEY *pub = read_pub("tss2-ec-p256-tpm2openssl.pub.pem");
    char group[64], dd[32];
    unsigned char pt1[128], pt2[128];
    size_t l1, l2;

    (void)state;
    assert_true(is_attls(k));
    assert_int_equal(EVP_PKEY_get_bits(k), 256);
    assert_int_equal(EVP_PKEY_get_security_bits(k), 128);
    assert_int_equal(EVP_PKEY_get_size(k), 72);
    assert_int_equal(EVP_PKEY_get_utf8_string_param(k,
                                                    OSSL_PKEY_PARAM_GROUP_NAME,
                                                    group, sizeof(group), NULL),
                     1);
    assert_string_equal(group, "prime256v1");
    /* 1: advisory default, not mandatory. */
    assert_int_equal(EVP_PKEY_get_default_digest_name(k, dd, sizeof(dd)), 1);
    assert_string_equal(dd, "SHA256");
    assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY,
                                                     pt1, sizeof(pt1), &l1),
                     1);
    assert_int_equal(EVP_PKEY_get_octet_string_param(
                         pub, OSSL_PKEY_PARAM_PUB_KEY, pt2, sizeof(pt2), &l2),
                     1);
    assert_int_equal(l1, 65);
    assert_memory_equal(pt1, pt2, l1);
    /* match: the certificate's key (default provider) is this key. */
    assert_int_equal(EVP_PKEY_eq(k, pub), 1);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(k);
}

static void test_rsa_params(void **state)
{
    EVP_PKEY *k = read_key("tss2-rsa2048-tpm2openssl.pem");
    EVP_PKEY *pub = read_pub("tss2-rsa2048-tpm2openssl.pub.pem");
    BIGNUM *n1 = NULL, *n2 = NULL, *e = NULL;

    (void)state;
    assert_true(is_attls(k));
    assert_int_equal(EVP_PKEY_get_bits(k), 2048);
    assert_int_equal(EVP_PKEY_get_security_bits(k), 112);
    assert_int_equal(EVP_PKEY_get_size(k), 256);
    assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n1), 1);
    assert_int_equal(EVP_PKEY_get_bn_param(pub, OSSL_PKEY_PARAM_RSA_N, &n2), 1);
    assert_int_equal(BN_cmp(n1, n2), 0);
    assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e), 1);
    assert_true(BN_is_word(e, 65537));
    assert_int_equal(EVP_PKEY_eq(k, pub), 1);
    BN_free(n1);
    BN_free(n2);
    BN_free(e);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(k);
}

static int count_cb(const OSSL_PARAM params[], void *arg)
{
    (void)params;
    ++*(int *)arg;
    return 1;
}

static void test_export_refuses_private(void **state)
{
    EVP_PKEY *k = read_key("tss2-ec-p256-tpm2openssl.pem");
    OSSL_PARAM *params = NULL;
    int calls = 0;

    (void)state;
    assert_true(EVP_PKEY_todata(k, EVP_PKEY_KEYPAIR, &params) <= 0);
    assert_true(EVP_PKEY_export(k, EVP_PKEY_KEYPAIR, count_cb, &calls) <= 0);
    assert_int_equal(calls, 0);
    assert_int_equal(EVP_PKEY_todata(k, EVP_PKEY_PUBLIC_KEY, &params), 1);
    assert_non_null(OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_PUB_KEY));
    assert_null(OSSL_PARAM_locate(params, OSSL_PKEY_PARAM_PRIV_KEY));
    OSSL_PARAM_free(params);
    ERR_clear_error();
    EVP_PKEY_free(k);
}

static void test_encoders(void **state)
{
    EVP_PKEY *k = read_key("tss2-ec-p256-tpm2openssl.pem");
    EVP_PKEY *pub = read_pub("tss2-ec-p256-tpm2openssl.pub.pem");
    unsigned char *d1 = NULL, *d2 = NULL;
    int l1 = i2d_PUBKEY(k, &d1), l2 = i2d_PUBKEY(pub, &d2);
    BIO *b = BIO_new(BIO_s_mem()), *f;
    char *text, *orig, *mine;
    long tlen, olen, mlen;

    (void)state;
    assert_true(l1 > 0);
    assert_int_equal(l1, l2);
    assert_memory_equal(d1, d2, (size_t)l1);
    /* Text: the TPM facts and the public key, nothing secret. */
    assert_int_equal(EVP_PKEY_print_private(b, k, 0, NULL), 1);
    tlen = BIO_get_mem_data(b, &text);
    assert_non_null(memmem(text, (size_t)tlen, "parent 0x40000001", 17));
    assert_non_null(memmem(text, (size_t)tlen, "empty auth", 10));
    assert_null(memmem(text, (size_t)tlen, "priv:", 5));
    /* PEM_write_bio_PrivateKey writes the very TSS2 file it read. */
    BIO_reset(b);
    assert_int_equal(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL),
                     1);
    mlen = BIO_get_mem_data(b, &mine);
    f = BIO_new(BIO_s_mem());
    {
        BIO *in = BIO_new_file(data_path("tss2-ec-p256-tpm2openssl.pem"), "r");
        char buf[2048];
        int n = BIO_read(in, buf, sizeof(buf));

        BIO_write(f, buf, n);
        BIO_free(in);
    }
    olen = BIO_get_mem_data(f, &orig);
    assert_int_equal(mlen, olen);
    assert_memory_equal(mine, orig, (size_t)mlen);
    BIO_free(f);
    BIO_free(b);
    OPENSSL_free(d1);
    OPENSSL_free(d2);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(k);
}

/* Software keys still load from PEM through the default provider. */
static void test_other_pems_untouched(void **state)
{
    EVP_PKEY *soft = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), *back;
    BIO *b = BIO_new(BIO_s_mem());

    (void)state;
    assert_int_equal(
        PEM_write_bio_PrivateKey(b, soft, NULL, NULL, 0, NULL, NULL), 1);
    back = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    assert_non_null(back);
    assert_false(is_attls(back));
    assert_int_equal(EVP_PKEY_eq(soft, back), 1);
    BIO_free(b);
    EVP_PKEY_free(back);
    EVP_PKEY_free(soft);
}

/* Re-wrap the EC vector's DER with a change, as PEM text. */
static char *variant(size_t at, const unsigned char *bytes, size_t n,
                     const char *headers)
{
    BIO *in = BIO_new_file(data_path("tss2-ec-p256-tpm2openssl.pem"), "r");
    BIO *out = BIO_new(BIO_s_mem());
    char *name = NULL, *hdr = NULL, *mem, *copy;
    unsigned char *der = NULL;
    long len = 0, mlen;

    assert_int_equal(PEM_read_bio(in, &name, &hdr, &der, &len), 1);
    memcpy(der + at, bytes, n);
    assert_true(PEM_write_bio(out, name, headers, der, len) > 0);
    mlen = BIO_get_mem_data(out, &mem);
    copy = OPENSSL_strndup(mem, (size_t)mlen);
    OPENSSL_free(name);
    OPENSSL_free(hdr);
    OPENSSL_free(der);
    BIO_free(in);
    BIO_free(out);
    return copy;
}

static void expect_pem_error(char *pem, attls_code code)
{
    ERR_clear_error();
    assert_null(read_key_mem(pem));
    assert_true(has_reason(code));
    OPENSSL_free(pem);
}

static void test_malformed_files(void **state)
{
    (void)state;
    /* DER layout: 30 81 f0 | 06 06 67 81 05 0a 01 03 | a0 03 01 01 01 |
     * 02 04 40 00 00 01 | 04 58 <TPM2B_PUBLIC> | 04 81 80 <TPM2B_PRIVATE> */
    expect_pem_error(variant(10, (const unsigned char *)"\x04", 1, ""),
                     ATTLS_E_KEYFILE_TYPE);
    expect_pem_error(variant(20, (const unsigned char *)"\xff", 1, ""),
                     ATTLS_E_KEYFILE_PARENT);
    /* TPM2B_PUBLIC size says one byte less than the OCTET STRING holds. */
    expect_pem_error(variant(24, (const unsigned char *)"\x55", 1, ""),
                     ATTLS_E_KEYFILE_BLOB);
    /* ECC curve 0x0003 (P-256) -> 0x0005 (P-521): not an attls curve. */
    expect_pem_error(variant(47, (const unsigned char *)"\x05", 1, ""),
                     ATTLS_E_KEY_UNSUPPORTED);
    expect_pem_error(variant(0, (const unsigned char *)"\x30", 1,
                             "Proc-Type: 4,ENCRYPTED\n"),
                     ATTLS_E_KEYFILE_PARSE);
}

/* The public half of a software key, imported into attls. */
static EVP_PKEY *attls_public_of(EVP_PKEY *soft)
{
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(
        NULL, EVP_PKEY_get0_type_name(soft), "provider=attls");
    EVP_PKEY *pub = NULL;
    OSSL_PARAM *params = NULL;

    assert_int_equal(EVP_PKEY_todata(soft, EVP_PKEY_PUBLIC_KEY, &params), 1);
    assert_int_equal(EVP_PKEY_fromdata_init(c), 1);
    assert_int_equal(EVP_PKEY_fromdata(c, &pub, EVP_PKEY_PUBLIC_KEY, params),
                     1);
    assert_true(is_attls(pub));
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(c);
    return pub;
}

static void test_public_only_key(void **state)
{
    EVP_PKEY *soft = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY_CTX *fctx =
        EVP_PKEY_CTX_new_from_name(NULL, "EC", "provider=attls");
    EVP_PKEY *pubonly = attls_public_of(soft);
    OSSL_PARAM *params = NULL;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    unsigned char sig[80];
    size_t siglen = sizeof(sig);

    (void)state;
    assert_int_equal(EVP_PKEY_fromdata_init(fctx), 1);
    /* A private import is refused: such a key stays in its provider. */
    assert_int_equal(EVP_PKEY_todata(soft, EVP_PKEY_KEYPAIR, &params), 1);
    {
        EVP_PKEY *priv = NULL;

        assert_true(EVP_PKEY_fromdata(fctx, &priv, EVP_PKEY_KEYPAIR, params) <=
                    0);
        assert_null(priv);
    }
    /* Verify in attls (software) a signature made by the software key. */
    assert_int_equal(
        EVP_DigestSignInit_ex(m, NULL, "SHA256", NULL, NULL, soft, NULL), 1);
    assert_int_equal(
        EVP_DigestSign(m, sig, &siglen, (const unsigned char *)"m", 1), 1);
    EVP_MD_CTX_reset(m);
    assert_int_equal(EVP_DigestVerifyInit_ex(m, NULL, "SHA256", NULL,
                                             "provider=attls", pubonly, NULL),
                     1);
    assert_int_equal(
        EVP_DigestVerify(m, sig, siglen, (const unsigned char *)"m", 1), 1);
    EVP_MD_CTX_reset(m);
    assert_int_equal(EVP_DigestVerifyInit_ex(m, NULL, "SHA256", NULL,
                                             "provider=attls", pubonly, NULL),
                     1);
    assert_int_not_equal(
        EVP_DigestVerify(m, sig, siglen, (const unsigned char *)"x", 1), 1);
    /* No private part: signing refuses with a specific reason. */
    EVP_MD_CTX_reset(m);
    ERR_clear_error();
    assert_true(EVP_DigestSignInit_ex(m, NULL, "SHA256", NULL, "provider=attls",
                                      pubonly, NULL) <= 0);
    assert_true(has_reason(ATTLS_E_KEY_NOT_PRIVATE));
    EVP_MD_CTX_free(m);
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(fctx);
    EVP_PKEY_free(pubonly);
    EVP_PKEY_free(soft);
}

static void test_rsa_signature_params(void **state)
{
    EVP_PKEY *k = read_key("tss2-rsa2048-tpm2openssl.pem");
    EVP_PKEY *soft = read_key("soft-rsa2048.pem");
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    int pad = 0, salt = 0;
    OSSL_PARAM get[3];

    (void)state;
    assert_int_equal(
        EVP_DigestVerifyInit_ex(m, &pc, "SHA256", NULL, NULL, k, NULL), 1);
    /* Whichever provider OpenSSL picked for verify, the strings work. */
    assert_true(EVP_PKEY_CTX_ctrl_str(pc, "rsa_padding_mode", "pss") > 0);
    assert_true(EVP_PKEY_CTX_ctrl_str(pc, "rsa_pss_saltlen", "digest") > 0);
    EVP_MD_CTX_free(m);
    /* The attls signature itself, explicitly. */
    m = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestVerifyInit_ex(m, &pc, "SHA256", NULL,
                                             "provider=attls", k, NULL),
                     1);
    assert_true(EVP_PKEY_CTX_ctrl_str(pc, "rsa_padding_mode", "pss") > 0);
    assert_true(EVP_PKEY_CTX_ctrl_str(pc, "rsa_pss_saltlen", "max") > 0);
    assert_true(EVP_PKEY_CTX_ctrl_str(pc, "rsa_pss_saltlen", "32") > 0);
    ERR_clear_error();
    assert_true(EVP_PKEY_CTX_ctrl_str(pc, "rsa_pss_saltlen", "32x") <= 0);
    assert_true(has_reason(ATTLS_E_SIG_PARAM));
    assert_true(EVP_PKEY_CTX_ctrl_str(pc, "rsa_padding_mode", "oaep") <= 0);
    assert_true(has_reason(ATTLS_E_SIG_PARAM));
    get[0] = OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PAD_MODE, &pad);
    get[1] = OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, &salt);
    get[2] = OSSL_PARAM_construct_end();
    assert_int_equal(EVP_PKEY_CTX_get_params(pc, get), 1);
    assert_int_equal(pad, RSA_PKCS1_PSS_PADDING);
    assert_int_equal(salt, 32);
    EVP_MD_CTX_free(m);
    EVP_PKEY_free(soft);
    EVP_PKEY_free(k);
}

/* dupctx mid-verify: both copies verify (OpenSSL 3.0 copies contexts). */
static void test_verify_ctx_copy(void **state)
{
    EVP_PKEY *soft = read_key("soft-rsa2048.pem");
    EVP_PKEY *pubonly = attls_public_of(soft);
    EVP_MD_CTX *a = EVP_MD_CTX_new(), *b = EVP_MD_CTX_new();
    unsigned char sig[256];
    size_t siglen = sizeof(sig);

    (void)state;
    assert_int_equal(
        EVP_DigestSignInit_ex(a, NULL, "SHA384", NULL, NULL, soft, NULL), 1);
    assert_int_equal(
        EVP_DigestSign(a, sig, &siglen, (const unsigned char *)"abc", 3), 1);
    EVP_MD_CTX_reset(a);
    assert_int_equal(EVP_DigestVerifyInit_ex(a, NULL, "SHA384", NULL,
                                             "provider=attls", pubonly, NULL),
                     1);
    assert_int_equal(EVP_DigestVerifyUpdate(a, "ab", 2), 1);
    assert_int_equal(EVP_MD_CTX_copy_ex(b, a), 1);
    assert_int_equal(EVP_DigestVerifyUpdate(a, "c", 1), 1);
    assert_int_equal(EVP_DigestVerifyUpdate(b, "c", 1), 1);
    assert_int_equal(EVP_DigestVerifyFinal(a, sig, siglen), 1);
    assert_int_equal(EVP_DigestVerifyFinal(b, sig, siglen), 1);
    EVP_MD_CTX_free(a);
    EVP_MD_CTX_free(b);
    EVP_PKEY_free(pubonly);
    EVP_PKEY_free(soft);
}

static void test_no_tpm_fails_cleanly(void **state)
{
    EVP_PKEY *k = read_key("tss2-ec-p256-tpm2openssl.pem");
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *g;
    EVP_PKEY *gk = NULL;
    unsigned char sig[80];
    size_t siglen = sizeof(sig);

    (void)state;
    ERR_clear_error();
    /* The nginx path picks attls for the TPM key; no TPM behind it. */
    assert_int_equal(
        EVP_DigestSignInit_ex(m, NULL, "SHA256", NULL, NULL, k, NULL), 1);
    assert_true(
        EVP_DigestSign(m, sig, &siglen, (const unsigned char *)"m", 1) <= 0);
    assert_true(has_reason(ATTLS_E_TPM_UNREACHABLE));
    g = EVP_PKEY_CTX_new_from_name(NULL, "EC", "provider=attls");
    assert_int_equal(EVP_PKEY_keygen_init(g), 1);
    assert_true(EVP_PKEY_CTX_set_group_name(g, "P-521") <= 0);
    assert_true(has_reason(ATTLS_E_KEY_UNSUPPORTED));
    assert_int_equal(EVP_PKEY_CTX_set_group_name(g, "P-384"), 1);
    assert_true(EVP_PKEY_keygen(g, &gk) <= 0);
    assert_true(has_reason(ATTLS_E_TPM_UNREACHABLE));
    EVP_PKEY_CTX_free(g);
    g = EVP_PKEY_CTX_new_from_name(NULL, "RSA", "provider=attls");
    assert_int_equal(EVP_PKEY_keygen_init(g), 1);
    assert_true(EVP_PKEY_CTX_set_rsa_keygen_bits(g, 1024) <= 0);
    assert_true(has_reason(ATTLS_E_KEY_UNSUPPORTED));
    EVP_PKEY_CTX_free(g);
    EVP_MD_CTX_free(m);
    EVP_PKEY_free(k);
}

static void expect_uri(const char *uri, attls_code code, uint32_t handle,
                       attls_uri_auth auth)
{
    attls_uri u;
    attls_status st;

    attls_status_clear(&st);
    assert_int_equal(attls_uri_parse(uri, &u, &st), code);
    if (code == ATTLS_OK) {
        assert_int_equal(u.handle, handle);
        assert_int_equal(u.auth, auth);
    } else {
        assert_true(st.message[0] != '\0');
    }
}

static void test_uri_parser(void **state)
{
    attls_uri u;

    (void)state;
    expect_uri("attls:handle=0x81000010", ATTLS_OK, 0x81000010,
               ATTLS_URI_AUTH_NONE);
    expect_uri("attls:handle=0x81ABCDEF;auth=prompt", ATTLS_OK, 0x81abcdef,
               ATTLS_URI_AUTH_PROMPT);
    expect_uri("attls:auth=file:/etc/k;handle=0x81000001", ATTLS_OK, 0x81000001,
               ATTLS_URI_AUTH_FILE);
    assert_int_equal(
        attls_uri_parse("attls:handle=0x81000001;auth=file:/a/b", &u, NULL),
        ATTLS_OK);
    assert_string_equal(u.auth_file, "/a/b");
    expect_uri("attls:", ATTLS_E_URI, 0, 0);
    expect_uri("attls:handle=0x80000001", ATTLS_E_URI, 0, 0);
    expect_uri("attls:handle=81000001", ATTLS_E_URI, 0, 0);
    expect_uri("attls:handle=0x8100000001", ATTLS_E_URI, 0, 0);
    expect_uri("attls:handle=0x81000001;", ATTLS_E_URI, 0, 0);
    expect_uri("attls:handle=0x81000001;handle=0x81000002", ATTLS_E_URI, 0, 0);
    expect_uri("attls:handle=0x81000001;auth=secret", ATTLS_E_URI, 0, 0);
    expect_uri("attls:handle=0x81000001;pass=x", ATTLS_E_URI, 0, 0);
    expect_uri("file:handle=0x81000001", ATTLS_E_URI, 0, 0);
    expect_uri("attls:handle", ATTLS_E_URI, 0, 0);
}

/* Only what serves TPM keys: nothing that could shadow default. */
static void test_registers_nothing_else(void **state)
{
    static const int absent[] = {
        OSSL_OP_DIGEST, OSSL_OP_CIPHER,  OSSL_OP_MAC,         OSSL_OP_KDF,
        OSSL_OP_RAND,   OSSL_OP_KEYEXCH, OSSL_OP_ASYM_CIPHER, OSSL_OP_KEM};
    static const int present[] = {OSSL_OP_KEYMGMT, OSSL_OP_SIGNATURE,
                                  OSSL_OP_DECODER, OSSL_OP_ENCODER,
                                  OSSL_OP_STORE};
    int no_cache;

    (void)state;
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        assert_null(
            OSSL_PROVIDER_query_operation(p_attls, absent[i], &no_cache));
    for (size_t i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
        const OSSL_ALGORITHM *a =
            OSSL_PROVIDER_query_operation(p_attls, present[i], &no_cache);

        assert_non_null(a);
        for (; a->algorithm_names != NULL; a++)
            assert_int_equal(
                strncmp(a->property_definition, "provider=attls", 14), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ec_params),
        cmocka_unit_test(test_rsa_params),
        cmocka_unit_test(test_export_refuses_private),
        cmocka_unit_test(test_encoders),
        cmocka_unit_test(test_other_pems_untouched),
        cmocka_unit_test(test_malformed_files),
        cmocka_unit_test(test_public_only_key),
        cmocka_unit_test(test_rsa_signature_params),
        cmocka_unit_test(test_verify_ctx_copy),
        cmocka_unit_test(test_no_tpm_fails_cleanly),
        cmocka_unit_test(test_uri_parser),
        cmocka_unit_test(test_registers_nothing_else),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
