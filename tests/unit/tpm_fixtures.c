/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm_fixtures.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <tss2/tss2_mu.h>

#include "common/timeutil.h"
#include "evidence/akcert.h"
#include "test_keys.h"

void fx_read(const char *rel, attls_buf *out)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", getenv("ATTLS_TESTDATA"), rel);
    assert_int_equal(attls_read_file(path, 1 << 20, out), 0);
}

X509 *fx_cert(const char *rel)
{
    attls_buf b;
    X509 *x = NULL;

    fx_read(rel, &b);
    assert_int_equal(attls_akcert_parse(b.data, b.len, &x, NULL), ATTLS_OK);
    attls_buf_free(&b);
    return x;
}

void fx_quote_pcrs(const attls_buf *attest, const attls_buf *raw,
                   attls_tpm_pcrs *pcrs)
{
    TPMS_ATTEST a;

    assert_int_equal(attls_tpm_attest_parse(attest->data, attest->len,
                                            TPM2_ST_ATTEST_QUOTE, &a, NULL),
                     ATTLS_OK);
    assert_int_equal(a.attested.quote.pcrSelect.count, 1);
    attls_tpm_pcrs_init(pcrs);
    assert_int_equal(attls_tpm_pcrs_set_raw(
                         pcrs, &a.attested.quote.pcrSelect.pcrSelections[0],
                         raw->data, raw->len, NULL),
                     ATTLS_OK);
}

time_t fx_time(const char *rfc3339)
{
    time_t t;

    assert_int_equal(attls_parse_rfc3339(rfc3339, &t), 0);
    return t;
}

EVP_PKEY *fx_rsa_key(int bits)
{
    const char *pem =
        bits == 2048 ? attls_test_rsa2048_pem : attls_test_rsa1024_pem;
    BIO *bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);

    BIO_free(bio);
    assert_non_null(key);
    assert_int_equal(EVP_PKEY_get_bits(key), bits);
    return key;
}

EVP_PKEY *fx_ec_key(const char *group)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", group);

    assert_non_null(key);
    return key;
}

EVP_PKEY *fx_public(EVP_PKEY *key)
{
    unsigned char *der = NULL;
    const unsigned char *p;
    int n = i2d_PUBKEY(key, &der);
    EVP_PKEY *pub;

    assert_true(n > 0);
    p = der;
    pub = d2i_PUBKEY(NULL, &p, n);
    OPENSSL_free(der);
    assert_non_null(pub);
    return pub;
}

static void bn_param(EVP_PKEY *key, const char *name, uint8_t *out, size_t len)
{
    BIGNUM *bn = NULL;

    assert_true(EVP_PKEY_get_bn_param(key, name, &bn));
    assert_int_equal(BN_bn2binpad(bn, out, (int)len), (int)len);
    BN_free(bn);
}

void fx_tpm_public(EVP_PKEY *key, uint16_t name_alg, TPMT_PUBLIC *out)
{
    memset(out, 0, sizeof(*out));
    out->nameAlg = name_alg;
    out->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                            TPMA_OBJECT_SENSITIVEDATAORIGIN |
                            TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_SIGN_ENCRYPT;
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
        size_t n = (size_t)EVP_PKEY_get_bits(key) / 8;

        out->type = TPM2_ALG_RSA;
        out->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
        out->parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
        out->parameters.rsaDetail.keyBits = (UINT16)(n * 8);
        out->unique.rsa.size = (UINT16)n;
        bn_param(key, OSSL_PKEY_PARAM_RSA_N, out->unique.rsa.buffer, n);
    } else {
        char group[32];
        size_t glen = 0, flen;

        assert_true(EVP_PKEY_get_utf8_string_param(
            key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen));
        out->type = TPM2_ALG_ECC;
        out->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
        out->parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
        out->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
        if (strcmp(group, "prime256v1") == 0) {
            out->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
            flen = 32;
        } else if (strcmp(group, "secp384r1") == 0) {
            out->parameters.eccDetail.curveID = TPM2_ECC_NIST_P384;
            flen = 48;
        } else {
            out->parameters.eccDetail.curveID = TPM2_ECC_NIST_P521;
            flen = 66;
        }
        out->unique.ecc.x.size = (UINT16)flen;
        out->unique.ecc.y.size = (UINT16)flen;
        bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, out->unique.ecc.x.buffer, flen);
        bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, out->unique.ecc.y.buffer, flen);
    }
}

void fx_attest_init(TPMS_ATTEST *a, uint16_t type, const uint8_t *nonce,
                    size_t nonce_len)
{
    memset(a, 0, sizeof(*a));
    a->magic = TPM2_GENERATED_VALUE;
    a->type = type;
    a->qualifiedSigner.size = 34;
    a->qualifiedSigner.name[0] = 0x00;
    a->qualifiedSigner.name[1] = 0x0b;
    memset(a->qualifiedSigner.name + 2, 0x5a, 32);
    assert_true(nonce_len <= sizeof(a->extraData.buffer));
    a->extraData.size = (UINT16)nonce_len;
    if (nonce_len)
        memcpy(a->extraData.buffer, nonce, nonce_len);
    a->clockInfo.clock = 123456789;
    a->clockInfo.resetCount = 7;
    a->clockInfo.restartCount = 2;
    a->clockInfo.safe = 1;
    a->firmwareVersion = 0x2016051100162800ull;
}

void fx_select(TPMS_ATTEST *a, uint16_t alg, uint32_t mask)
{
    TPML_PCR_SELECTION *sel = &a->attested.quote.pcrSelect;
    TPMS_PCR_SELECTION *s = &sel->pcrSelections[sel->count++];

    s->hash = alg;
    s->sizeofSelect = 3;
    for (int i = 0; i < 4; i++) {
        s->pcrSelect[i] = (BYTE)(mask >> (8 * i));
        if (i == 3 && s->pcrSelect[3] != 0)
            s->sizeofSelect = 4;
    }
}

static size_t md_size(uint16_t alg)
{
    switch (alg) {
    case TPM2_ALG_SHA1:
        return 20;
    case TPM2_ALG_SHA256:
        return 32;
    case TPM2_ALG_SHA384:
        return 48;
    default:
        return 64;
    }
}

static const EVP_MD *md_of(uint16_t alg)
{
    switch (alg) {
    case TPM2_ALG_SHA1:
        return EVP_sha1();
    case TPM2_ALG_SHA256:
        return EVP_sha256();
    case TPM2_ALG_SHA384:
        return EVP_sha384();
    default:
        return EVP_sha512();
    }
}

void fx_name(const TPMT_PUBLIC *pub, TPM2B_NAME *name)
{
    uint8_t buf[sizeof(TPMT_PUBLIC)];
    size_t len = 0;
    unsigned int n = 0;

    assert_int_equal(Tss2_MU_TPMT_PUBLIC_Marshal(pub, buf, sizeof(buf), &len),
                     TSS2_RC_SUCCESS);
    name->name[0] = (uint8_t)(pub->nameAlg >> 8);
    name->name[1] = (uint8_t)pub->nameAlg;
    assert_true(
        EVP_Digest(buf, len, name->name + 2, &n, md_of(pub->nameAlg), NULL));
    name->size = (UINT16)(2 + n);
}

static uint32_t mask_of(const TPMS_PCR_SELECTION *s)
{
    uint32_t m = 0;

    for (int i = 0; i < s->sizeofSelect && i < 4; i++)
        m |= (uint32_t)s->pcrSelect[i] << (8 * i);
    return m;
}

void fx_pcr_values(const TPMS_ATTEST *a, attls_tpm_pcrs *pcrs)
{
    const TPML_PCR_SELECTION *sel = &a->attested.quote.pcrSelect;

    attls_tpm_pcrs_init(pcrs);
    for (UINT32 i = 0; i < sel->count; i++) {
        uint32_t m = mask_of(&sel->pcrSelections[i]);

        for (unsigned k = 0; k < 32; k++) {
            uint8_t v[64];

            if (!(m & (1u << k)))
                continue;
            for (size_t j = 0; j < sizeof(v); j++)
                v[j] = (uint8_t)(k * 31 + j * 7 + sel->pcrSelections[i].hash);
            assert_int_equal(
                attls_tpm_pcrs_set(pcrs, sel->pcrSelections[i].hash, k, v,
                                   md_size(sel->pcrSelections[i].hash), NULL),
                ATTLS_OK);
        }
    }
}

static const attls_tpm_pcr_bank *bank_of(const attls_tpm_pcrs *p, uint16_t alg)
{
    for (size_t i = 0; i < p->bank_count; i++) {
        if (p->banks[i].hash_alg == alg)
            return &p->banks[i];
    }
    return NULL;
}

void fx_set_pcr_digest(TPMS_ATTEST *a, const attls_tpm_pcrs *pcrs,
                       uint16_t hash)
{
    const TPML_PCR_SELECTION *sel = &a->attested.quote.pcrSelect;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int n = 0;

    assert_true(EVP_DigestInit_ex(ctx, md_of(hash), NULL));
    for (UINT32 i = 0; i < sel->count; i++) {
        uint32_t m = mask_of(&sel->pcrSelections[i]);
        const attls_tpm_pcr_bank *b = bank_of(pcrs, sel->pcrSelections[i].hash);

        for (unsigned k = 0; k < 32; k++) {
            if (m & (1u << k))
                assert_true(EVP_DigestUpdate(
                    ctx, b->values[k], md_size(sel->pcrSelections[i].hash)));
        }
    }
    assert_true(
        EVP_DigestFinal_ex(ctx, a->attested.quote.pcrDigest.buffer, &n));
    a->attested.quote.pcrDigest.size = (UINT16)n;
    EVP_MD_CTX_free(ctx);
}

size_t fx_marshal_attest(const TPMS_ATTEST *a, uint8_t *buf, size_t cap)
{
    size_t off = 0;

    assert_int_equal(Tss2_MU_TPMS_ATTEST_Marshal(a, buf, cap, &off),
                     TSS2_RC_SUCCESS);
    return off;
}

void fx_sign(EVP_PKEY *key, uint16_t scheme, uint16_t hash, const uint8_t *msg,
             size_t len, TPMT_SIGNATURE *out)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    uint8_t sig[1024];
    size_t sig_len = sizeof(sig);

    memset(out, 0, sizeof(*out));
    assert_true(EVP_DigestSignInit_ex(ctx, &pctx, EVP_MD_get0_name(md_of(hash)),
                                      NULL, NULL, key, NULL));
    if (scheme == TPM2_ALG_RSAPSS) {
        assert_true(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING));
        assert_true(
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST));
    }
    assert_true(EVP_DigestSign(ctx, sig, &sig_len, msg, len));
    EVP_MD_CTX_free(ctx);
    out->sigAlg = scheme;
    if (scheme == TPM2_ALG_ECDSA) {
        const unsigned char *p = sig;
        ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sig_len);
        const BIGNUM *r, *s;
        int flen = (EVP_PKEY_get_bits(key) + 7) / 8;

        assert_non_null(es);
        ECDSA_SIG_get0(es, &r, &s);
        out->signature.ecdsa.hash = hash;
        out->signature.ecdsa.signatureR.size = (UINT16)flen;
        out->signature.ecdsa.signatureS.size = (UINT16)flen;
        assert_int_equal(
            BN_bn2binpad(r, out->signature.ecdsa.signatureR.buffer, flen),
            flen);
        assert_int_equal(
            BN_bn2binpad(s, out->signature.ecdsa.signatureS.buffer, flen),
            flen);
        ECDSA_SIG_free(es);
    } else {
        out->signature.rsassa.hash = hash;
        out->signature.rsassa.sig.size = (UINT16)sig_len;
        memcpy(out->signature.rsassa.sig.buffer, sig, sig_len);
    }
}

size_t fx_marshal_sig(const TPMT_SIGNATURE *sig, uint8_t *buf, size_t cap)
{
    size_t off = 0;

    assert_int_equal(Tss2_MU_TPMT_SIGNATURE_Marshal(sig, buf, cap, &off),
                     TSS2_RC_SUCCESS);
    return off;
}

attls_tpm_sig fx_tpmt_input(const uint8_t *buf, size_t len)
{
    attls_tpm_sig s;

    memset(&s, 0, sizeof(s));
    s.format = ATTLS_TPM_SIG_TPMT;
    s.data = buf;
    s.len = len;
    return s;
}
